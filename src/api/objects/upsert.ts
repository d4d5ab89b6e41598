import { sql } from "kysely";
import type { Session } from "../../dialect/session.js";
import { ValidationError } from "../../errors.js";
import { withoutHidden } from "../../loader/hidden.js";
import { readRows } from "../../loader/read.js";
import { describeValue } from "../../plan/arguments.js";
import { ruleOf, selectWritten, upsertModel } from "../../plan/front-door.js";
import type { ModelCodec } from "../../plan/model-codec.js";
import { NumberUpdate } from "../../plan/number-update.js";
import type { QueryState } from "../../plan/state.js";
import { prepareInsert, prepareUpdate, toColumns } from "../../plan/validate.js";
import { compareNode } from "../../plan/where.js";
import { hasHooks } from "../../write/events.js";
import { checkUpdateGraph, updateGraph } from "../../write/graph-update.js";
import { checkGraph, createGraph, hasNestedWrites } from "../../write/graph-writes.js";
import { insertRows } from "../../write/writes.js";
import { QueryBuilder } from "../query-builder.js";
import { argsToState, checkUniqueWhere } from "./find-args.js";
import { pickArgs, readBack } from "./object-writes.js";

type Values = Record<string, unknown>;

/** The argument keys that shape the returned row, as findUnique reads it. */
const SHAPE_KEYS = ["select", "include", "omit"] as const;

/** The events a native upsert would skip (it cannot tell the hooks which branch it took). */
const WRITE_EVENTS = ["saving", "creating", "created", "saved", "updating", "updated"] as const;

/** One `INSERT ... ON CONFLICT DO UPDATE` (ON DUPLICATE KEY UPDATE), planned before any SQL. */
interface NativePlan {
  /** The fields of the unique key the where names (and the conflict target). */
  readonly keys: readonly string[];
  /** The row to insert, validated and with its defaults and timestamps (by field). */
  readonly row: Values;
  /** What the update branch sets (by column). */
  readonly set: Values;
}

/**
 * Prisma's `upsert({ where, create, update, select?, include?, omit? })` on `db.<model>`: the
 * row a unique `where` names, updated with `update`, or created from `create` when there is
 * none; returns it as findUnique would read it.
 *
 * One statement (`INSERT ... ON CONFLICT (key) DO UPDATE ... RETURNING`, `ON DUPLICATE KEY
 * UPDATE` on MySQL) when Prisma would use a native upsert: the where names exactly one unique
 * key, `create` gives that key the same value, and the created row could collide on no other
 * unique key; no nested relation writes, no create/update event hooks, no `touches`, no model
 * rule (soft deletes, global scopes: the conflict would reach rows the model cannot see).
 * Otherwise one transaction: find by `where`, then update or create.
 */
export async function upsertArgs(session: Session, codec: ModelCodec, input: unknown): Promise<unknown> {
  const model = codec.meta.name;
  const args = pickArgs(
    codec,
    "upsert",
    input,
    ["where", "create", "update", ...SHAPE_KEYS],
    ["where", "create", "update"],
  );
  checkUniqueWhere(codec, args.where, "upsert");
  const where = argsToState(session, model, { where: args.where });
  const create = objectArg(codec, "create", args.create);
  const update = objectArg(codec, "update", args.update);
  checkGraph(session, codec, [create]);
  checkUpdate(session, codec, update);
  const shapeArgs = Object.fromEntries(SHAPE_KEYS.filter((k) => args[k] !== undefined).map((k) => [k, args[k]]));
  const shape = argsToState(session, model, shapeArgs);
  const shaped = Object.keys(shapeArgs).length > 0 || codec.meta.defaultWith.length > 0;
  const plan = nativePlan(codec, args.where as Values, create, update);
  // Without RETURNING the row is read back by its key: an update of that key would lose it.
  if (plan && ((await session.returning()) || !plan.keys.some((k) => update[k] !== undefined))) {
    return nativeUpsert(session, codec, plan, shaped ? shape : undefined);
  }
  return fallbackUpsert(session, codec, where, create, update, shape);
}

/** `create` / `update` of upsert: an object. */
function objectArg(codec: ModelCodec, name: string, value: unknown): Values {
  if (typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date)) {
    return value as Values;
  }
  const model = codec.meta.name;
  throw new ValidationError(
    `upsert on "${model}" needs ${name}: an object of ${name === "create" ? "field values" : "field values and relation writes"}; got ${describeValue(value)}.`,
    model,
    name,
  );
}

/** The update's own values without relation writes (those the graph checks). */
const scalarsOf = (codec: ModelCodec, data: Values): Values =>
  Object.fromEntries(Object.entries(data).filter(([k, v]) => v !== undefined && !codec.meta.relations.has(k)));

/** Validates `update` before any SQL: its relation writes, and its field values as an update would. */
function checkUpdate(session: Session, codec: ModelCodec, update: Values): void {
  checkUpdateGraph(session, codec, update);
  const scalars = scalarsOf(codec, update);
  if (Object.keys(scalars).length > 0) prepareUpdate(codec, scalars);
}

/** The model's unique keys, each a list of fields: the primary key, unique fields, the `uniques` option. */
function uniqueKeys(codec: ModelCodec): (readonly string[])[] {
  const keys: (readonly string[])[] = [codec.meta.primaryKey];
  for (const field of codec.meta.fields.values()) if (field.config.unique) keys.push([field.name]);
  return [...keys, ...(codec.meta.uniques ?? [])];
}

/** A value compared as is (not an operator object such as `{ equals: 1 }`). */
const isPlainValue = (value: unknown): boolean =>
  value !== null && value !== undefined && (typeof value !== "object" || value instanceof Date);

/** Whether two key values are the same (dates by time). */
const same = (a: unknown, b: unknown): boolean =>
  a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : Object.is(a, b);

/**
 * The native upsert of these arguments, or undefined when it would not do what the fallback
 * does (see upsertArgs). Validates the row to insert and the update's values.
 */
function nativePlan(codec: ModelCodec, where: Values, create: Values, update: Values): NativePlan | undefined {
  if (ruleOf(codec) !== undefined || hasHooks(codec, ...WRITE_EVENTS)) return undefined;
  if (hasNestedWrites(codec, [create, update]) || touches(codec)) return undefined;
  const named = Object.keys(where).filter((k) => where[k] !== undefined);
  const keys = uniqueKeys(codec).find((key) => key.length === named.length && key.every((f) => named.includes(f)));
  if (!keys?.every((f) => isPlainValue(where[f]) && same(where[f], create[f]))) return undefined;
  const row = prepareInsert(codec, create);
  if (!onlyCollision(codec, keys, create, row)) return undefined;
  return { keys, row, set: conflictSet(codec, keys, update) };
}

/** Whether writing the model sets the `updatedAt` of an owner (a relation with `touches`). */
const touches = (codec: ModelCodec): boolean =>
  [...codec.meta.relations.values()].some((meta) => "touches" in meta && meta.touches === true);

/**
 * Whether `keys` is the only unique key the row could collide on: every other one has a field
 * the row leaves null or generates (an auto-increment or random UUID the create does not give),
 * or contains `keys`. MySQL's ON DUPLICATE KEY UPDATE would update the row of whichever key
 * collides; the same rule everywhere keeps one behaviour.
 */
function onlyCollision(codec: ModelCodec, keys: readonly string[], create: Values, row: Values): boolean {
  const generated = (field: string) =>
    create[field] === undefined && codec.field(field).config.default?.kind === "uuid";
  return uniqueKeys(codec).every(
    (other) =>
      other === keys ||
      keys.every((f) => other.includes(f)) ||
      other.some((f) => row[f] === null || row[f] === undefined || generated(f)),
  );
}

/**
 * What the update branch sets, by column: the update's values (stamped with `updatedAt` as an
 * update is), or with an empty update the key to itself, so the statement still returns the
 * stored row unchanged.
 */
function conflictSet(codec: ModelCodec, keys: readonly string[], update: Values): Values {
  const values = scalarsOf(codec, update);
  if (Object.keys(values).length === 0) {
    const column = codec.field(keys[0]!).column;
    return { [column]: sql.ref(codec.ref(keys[0]!)) };
  }
  const stamp = codec.meta.timestamps?.updatedAt;
  if (stamp !== undefined && values[stamp] === undefined) values[stamp] = new Date();
  const set: Values = {};
  for (const [field, value] of Object.entries(prepareUpdate(codec, values))) {
    set[codec.field(field).column] = value instanceof NumberUpdate ? value.toSql(codec) : codec.encode(field, value);
  }
  return set;
}

/** Conditions on `fields` with the values of `row`. */
const byFields = (codec: ModelCodec, fields: readonly string[], row: Values) =>
  fields.map((field) => compareNode(codec, false, field, "=", row[field]));

/**
 * The native upsert: one statement returning the row (read back by its key on a database
 * without RETURNING). With a shape (or default eager loads), the row is read in it in the
 * same transaction.
 */
async function nativeUpsert(session: Session, codec: ModelCodec, plan: NativePlan, shape: QueryState | undefined) {
  const returning = await session.returning();
  const write = async (s: Session): Promise<Values | undefined> => {
    const keys = plan.keys.map((f) => codec.field(f).column);
    const query = upsertModel(s, codec, toColumns(codec, plan.row), keys, plan.set, returning);
    const result = await s.execute<Values>(query, codec.meta.table);
    return returning ? codec.decode<Values>(result.rows[0]!) : undefined;
  };
  if (shape === undefined) {
    const row = (await write(session)) ?? (await selectByKey(session, codec, plan));
    return withoutHidden(session, codec.meta.name, row);
  }
  return session.transaction(async (tx) => {
    const row = await write(tx);
    const wheres = row ? byFields(codec, codec.meta.primaryKey, row) : byFields(codec, plan.keys, plan.row);
    return new QueryBuilder({ session: tx, codec }, { ...shape, wheres }).firstOrFail();
  });
}

/** The row a native upsert wrote, by the unique key it named (what RETURNING gives elsewhere). */
async function selectByKey(session: Session, codec: ModelCodec, plan: NativePlan): Promise<Values> {
  const query = selectWritten(session, codec)
    .select(codec.select())
    .where((eb) => eb.and(plan.keys.map((f) => eb(codec.ref(f), "=", codec.encode(f, plan.row[f])))));
  const result = await session.execute<Values>(query);
  return codec.decode<Values>(result.rows[0]!);
}

/**
 * The upsert as one transaction: the row the where finds (under the model's rule) gets the
 * update with its relation writes, or the create (with its own) is inserted; then the row is
 * read back in the requested shape.
 */
function fallbackUpsert(
  session: Session,
  codec: ModelCodec,
  where: QueryState,
  create: Values,
  update: Values,
  shape: QueryState,
): Promise<unknown> {
  const pk = codec.meta.primaryKey;
  return session.transaction(async (tx) => {
    const state = { ...where, selects: [...pk], limit: 1, eager: new Map(), aggregates: [] };
    const [found] = await readRows(tx, codec, state);
    if (!found) {
      // Without nested writes, the insert alone (createGraph would add a savepoint).
      const [row] = hasNestedWrites(codec, [create])
        ? await createGraph(tx, codec, [create], false)
        : await insertRows(tx, codec, [create]);
      return readBack(tx, codec, row!, shape);
    }
    if (Object.values(update).some((v) => v !== undefined)) await updateGraph(tx, codec, found, update);
    return readBack(tx, codec, movedKey(pk, found, update), shape);
  });
}

/** The primary key of a row after `update`, which may set the key itself (`id: 5` or `id: { set: 5 }`). */
function movedKey(pk: readonly string[], found: Values, update: Values): Values {
  const key: Values = {};
  for (const field of pk) {
    const value = update[field];
    const set = typeof value === "object" && value !== null && Object.keys(value).length === 1 ? value : undefined;
    key[field] = isPlainValue(value) ? value : set && Object.hasOwn(set, "set") ? (set as Values).set : found[field];
  }
  return key;
}
