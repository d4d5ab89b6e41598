import type { Session } from "../dialect/session.js";
import { NotFoundError, ValidationError } from "../errors.js";
import { checkOwnKey, describeValue } from "../plan/arguments.js";
import type { ModelCodec } from "../plan/model-codec.js";
import { EMPTY_STATE } from "../plan/state.js";
import { prepareUpdate } from "../plan/validate.js";
import { compareNode } from "../plan/where.js";
import { isToMany, type RelationMeta } from "../schema/meta.js";
import { updaterFor } from "./nested/index.js";
import { isObject, type NestedContext, type NestedStep, type UpdatePlan, type Values } from "./nested/step.js";
import { matchingRows, updateRows } from "./writes.js";

/**
 * Checks the data of a Prisma-style `update` (its scalar values and its nested relation writes)
 * before any SQL: a ValidationError names what is wrong.
 */
export function checkUpdateGraph(session: Session, codec: ModelCodec, data: unknown): void {
  planUpdate(session, codec, data, `update on "${codec.meta.name}"`);
}

/**
 * Applies `data` to one stored row (`row` has at least its primary key) on the session it is
 * given (the caller's transaction): first the owner relations' writes that set the row's own
 * keys (`author: { connect }`), then one UPDATE of its fields (none when it sets none), then each
 * other nested relation write in the order the data gives them, each in as few statements as
 * it can (see the operations in nested/). Everything is validated before the first statement.
 *
 * ```ts
 * await db.user.update({
 *   where: { id },
 *   data: { name: "Ada", posts: { create: [{ title: "Hi" }], deleteMany: { published: false } } },
 * });
 * ```
 */
export async function updateGraph(session: Session, codec: ModelCodec, row: Values, data: Values): Promise<void> {
  await runPlan(session, codec, row, planUpdate(session, codec, data, `update on "${codec.meta.name}"`));
}

/** The update graph's recursion, for the operations that update related rows. */
const context = (session: Session): NestedContext => ({
  session,
  plan: (codec, data, where) => planUpdate(session, codec, data, where),
  run: runPlan,
});

/** Validates `data` for a `codec` row and prepares its steps; `where` names it in errors. */
function planUpdate(session: Session, codec: ModelCodec, data: unknown, where: string): UpdatePlan {
  const model = codec.meta.name;
  if (!isObject(data)) {
    throw new ValidationError(
      `${where} needs data: an object of field values and relation writes; got ${describeValue(data)}.`,
      model,
    );
  }
  const scalars: Values = {};
  const steps: NestedStep[] = [];
  for (const [key, value] of Object.entries(data)) {
    checkOwnKey(model, key, "a field or relation");
    const meta = codec.meta.relations.get(key);
    if (meta !== undefined) {
      if (value !== undefined) steps.push(...relationSteps(context(session), meta, value));
    } else if (codec.meta.fields.has(key)) {
      if (value !== undefined) scalars[key] = value;
    } else {
      throw new ValidationError(
        `Unknown field or relation "${key}" in ${where}. Valid fields: ${codec.meta.fieldNames.join(", ")}; relations: ${[...codec.meta.relations.keys()].join(", ") || "none"}.`,
        model,
        key,
      );
    }
  }
  if (Object.keys(scalars).length > 0) prepareUpdate(codec, scalars);
  checkConflicts(codec, scalars, steps);
  return { codec, scalars, steps };
}

/** A field set both as a value and through a relation (or through two) is a ValidationError: which one would win? */
function checkConflicts(codec: ModelCodec, scalars: Values, steps: readonly NestedStep[]): void {
  const setBy = new Map<string, string>();
  for (const step of steps) {
    for (const field of step.sets) {
      const other = Object.hasOwn(scalars, field) ? "a value" : setBy.get(field);
      if (other !== undefined) {
        throw new ValidationError(
          `"${codec.meta.name}.${field}" is set both by ${other} and by ${step.label}; give one.`,
          codec.meta.name,
          field,
        );
      }
      setBy.set(field, step.label);
    }
  }
}

/** One relation's `{ operation: value }` object, each operation checked and prepared. */
function relationSteps(ctx: NestedContext, meta: RelationMeta, value: unknown): NestedStep[] {
  const updater = updaterFor(meta);
  const operations = updater.operations(meta);
  const label = `"${meta.model}.${meta.name}"`;
  if (!isObject(value)) {
    throw new ValidationError(
      `A nested update of ${label} takes an object of operations (${operations.join(", ")}); got ${describeValue(value)}.`,
      meta.model,
      meta.name,
    );
  }
  const given = Object.entries(value).filter(([, v]) => v !== undefined);
  for (const [op] of Object.entries(value)) {
    if (!operations.includes(op)) {
      throw new ValidationError(
        `Unknown operation "${op}" on ${label} (a ${meta.kind}); it takes ${operations.join(", ")}.`,
        meta.model,
        meta.name,
      );
    }
  }
  if (!isToMany(meta) && given.length > 1) {
    throw new ValidationError(
      `${label} is a to-one relation: give one operation at a time; got ${given.map(([op]) => op).join(", ")}.`,
      meta.model,
      meta.name,
    );
  }
  return given.flatMap(([op, v]) => updater.prepare(ctx, meta, op, v));
}

/** The primary key conditions of one row. */
const byKey = (codec: ModelCodec, row: Values) =>
  codec.meta.primaryKey.map((field) => compareNode(codec, false, field, "=", row[field]));

/** A value the UPDATE stores as given (not `{ increment: 1 }` or `{ set }`): what the row holds afterwards. */
const isPlain = (value: unknown): boolean => !isObject(value);

/**
 * Runs a plan on one stored row: the fields its steps read (one SELECT when the row lacks
 * them), the steps that set its own keys, its UPDATE, then the other steps in order.
 */
async function runPlan(session: Session, codec: ModelCodec, row: Values, plan: UpdatePlan): Promise<void> {
  const reads = [...new Set(plan.steps.flatMap((step) => step.reads))].filter((field) => !Object.hasOwn(row, field));
  let was = row;
  if (reads.length > 0) {
    const fields = [...new Set([...codec.meta.primaryKey, ...reads])];
    const [stored] = await matchingRows(session, codec, { ...EMPTY_STATE, wheres: byKey(codec, row) }, fields);
    if (stored === undefined) throw new NotFoundError(codec.meta.name, "to update");
    was = { ...row, ...stored };
  }
  const own: Values = {};
  for (const step of plan.steps) if (step.before) Object.assign(own, await step.run(session, { was, now: was }));
  const values = { ...plan.scalars, ...own };
  if (Object.keys(values).length > 0) {
    await updateRows(session, codec, { ...EMPTY_STATE, wheres: byKey(codec, row) }, values);
  }
  const plain = Object.entries(plan.scalars).filter(([, value]) => isPlain(value));
  const now = { ...was, ...Object.fromEntries(plain), ...own };
  for (const step of plan.steps) if (!step.before) await step.run(session, { was, now });
}
