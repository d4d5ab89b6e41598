import type { CompiledQuery } from "kysely";
import type { Session } from "../../dialect/session.js";
import type { ModelCodec } from "../../plan/model-codec.js";
import { EMPTY_STATE } from "../../plan/state.js";
import { compareNode, type WhereNode } from "../../plan/where.js";
import { keyOf } from "../../relations/fetch.js";
import type { BelongsToManyMeta } from "../../schema/meta.js";
import { checkRelatedWrite, writeRelated } from "../graph-writes.js";
import { PivotWriter, pivotEntries } from "../pivot-writes.js";
import { deleteRows, insertRows } from "../writes.js";
import { createManyRows } from "./children.js";
import { findEach } from "./find.js";
import {
  expectEach,
  manyWheres,
  relatedKeys,
  scopeFields,
  targetCodec,
  updateManyRelated,
  updateRelated,
} from "./related.js";
import {
  after,
  argsOf,
  isObject,
  items,
  type NestedContext,
  type NestedStep,
  type NestedUpdater,
  notFound,
  opLabel,
  TO_MANY_OPERATIONS,
  type Values,
} from "./step.js";
import { anyOf, keyOnly, sameWhere, uniqueWhere, whereOrRow } from "./where.js";

/** Related rows a connect, disconnect or set names: by key (with pivot values), or by a where looked up. */
interface Named {
  readonly entries: readonly [unknown, Values][];
  readonly lookups: readonly WhereNode[][];
}

/**
 * What connect, disconnect and set take: keys, unique wheres, rows read through relata (one or
 * an array), or a `{ key: pivotValues }` map (an object whose keys are not fields of the related model).
 */
function named(session: Session, target: ModelCodec, meta: BelongsToManyMeta, op: string, value: unknown): Named {
  if (isObject(value) && Object.keys(value).some((key) => !target.meta.fields.has(key))) {
    return { entries: pivotEntries(session, meta, value), lookups: [] };
  }
  const entries: [unknown, Values][] = [];
  const lookups: WhereNode[][] = [];
  for (const item of items(meta, value)) {
    const where = whereOrRow(target, item, meta.relatedKey, opLabel(op, meta));
    const key = keyOnly(where, meta.relatedKey);
    if (key === undefined) lookups.push(where);
    else entries.push(...pivotEntries(session, meta, [key]));
  }
  return { entries, lookups };
}

/** The entries of `names`, the wheres looked up (one statement) and added; a where no row matches is a NotFoundError unless `lenient`. */
async function resolve(
  session: Session,
  target: ModelCodec,
  meta: BelongsToManyMeta,
  op: string,
  names: Named,
  lenient = false,
): Promise<[unknown, Values][]> {
  const found = await findEach(session, target, names.lookups, [meta.relatedKey]);
  const rows = found.filter((row) => row !== undefined);
  if (!lenient && rows.length < found.length) throw notFound(target, meta, op, found.length, rows.length);
  return [...names.entries, ...pivotEntries(session, meta, rows)];
}

/** Runs pivot statements on the caller's session (its transaction), in order. */
async function runAll(session: Session, meta: BelongsToManyMeta, statements: readonly CompiledQuery[]) {
  for (const statement of statements) await session.execute(statement, meta.pivot.table);
}

/**
 * Attaches `entries` not attached yet (pivot values as given); keys that are no related rows
 * are a NotFoundError. One read (the related rows and the pivot rows), one INSERT.
 */
async function attach(
  session: Session,
  meta: BelongsToManyMeta,
  parent: Values,
  entries: readonly [unknown, Values][],
) {
  if (entries.length === 0) return;
  const pivots = new PivotWriter(session, meta, parent);
  const { missing, current } = await pivots.state(
    entries.map(([key]) => key),
    false,
  );
  if (missing.length > 0)
    throw notFound(targetCodec(session, meta), meta, "connect", entries.length, entries.length - missing.length);
  const fresh = new Map(entries.filter(([key]) => !current.has(keyOf(key)!)).map((entry) => [keyOf(entry[0]), entry]));
  await runAll(session, meta, pivots.inserts([...fresh.values()]));
}

/**
 * belongsToMany, morphToMany, morphedByMany in a Prisma-style update: a pivot row links the
 * two. connect / disconnect / set attach and detach (pivot values through a `{ key: values }`
 * map or a created row's `pivot`); create and connectOrCreate make related rows and attach
 * them; update / updateMany / upsert reach only the related rows; delete and deleteMany detach
 * the rows and delete them.
 */
export const pivotUpdater: NestedUpdater<BelongsToManyMeta> = {
  operations: () => TO_MANY_OPERATIONS,
  prepare(ctx, meta, op, value) {
    const target = targetCodec(ctx.session, meta);
    const reads = scopeFields(meta);
    switch (op) {
      case "create":
        checkRelatedWrite(ctx.session, meta, { create: value });
        return [after(meta, op, reads, (session, { now }) => writeRelated(session, meta, now, { create: value }))];
      case "createMany": {
        const { data, skipDuplicates } = argsOf(meta, op, value, ["data", "skipDuplicates"], ["data"]);
        const rows = createManyRows(target, meta, data, skipDuplicates);
        checkRelatedWrite(ctx.session, meta, { create: rows });
        // The rows inserted (those skipped as duplicates are not) are attached: one INSERT each.
        return [
          after(meta, op, reads, async (session, { now }) => {
            const created = await insertRows(session, target, rows, { skipDuplicates: skipDuplicates === true });
            const pivots = new PivotWriter(session, meta, now);
            await runAll(session, meta, pivots.inserts(pivotEntries(session, meta, created)));
          }),
        ];
      }
      case "connect": {
        const names = named(ctx.session, target, meta, op, value);
        return [
          after(meta, op, reads, async (session, { now }) =>
            attach(session, meta, now, await resolve(session, target, meta, op, names)),
          ),
        ];
      }
      case "connectOrCreate":
        return connectOrCreate(ctx, target, meta, value);
      case "disconnect": {
        const names = named(ctx.session, target, meta, op, value);
        return [
          after(meta, op, reads, async (session, { now }) => {
            const entries = await resolve(session, target, meta, op, names, true);
            await new PivotWriter(session, meta, now).delete(entries.map(([key]) => key));
          }),
        ];
      }
      case "set":
        return set(ctx, target, meta, value);
      case "update":
        return updateRelated(ctx, meta, value, meta.relatedKey);
      case "updateMany":
        return updateManyRelated(ctx, meta, value);
      case "upsert":
        return upsert(ctx, target, meta, value);
      default:
        return remove(ctx, target, meta, op, value);
    }
  },
};

/** `set`: the related rows become exactly those named: the others detached, the missing attached (one read, one DELETE, one INSERT). */
function set(ctx: NestedContext, target: ModelCodec, meta: BelongsToManyMeta, value: unknown): NestedStep[] {
  const names = named(ctx.session, target, meta, "set", value);
  return [
    after(meta, "set", scopeFields(meta), async (session, { now }) => {
      const entries = await resolve(session, target, meta, "set", names);
      const pivots = new PivotWriter(session, meta, now);
      const { missing, current } = await pivots.state(
        entries.map(([key]) => key),
        true,
      );
      if (missing.length > 0) throw notFound(target, meta, "set", entries.length, entries.length - missing.length);
      const wanted = new Map(entries.map((entry) => [keyOf(entry[0]), entry]));
      const detached = [...current.values()].map(([key]) => key).filter((key) => !wanted.has(keyOf(key)));
      const fresh = [...wanted.values()].filter(([key]) => !current.has(keyOf(key)!));
      await runAll(session, meta, [
        ...(detached.length > 0 ? [pivots.deletion(detached)] : []),
        ...pivots.inserts(fresh),
      ]);
    }),
  ];
}

/** `connectOrCreate`: `{ where, create }` (one or an array): the rows found (one lookup) attached, the rest created and attached. */
function connectOrCreate(
  ctx: NestedContext,
  target: ModelCodec,
  meta: BelongsToManyMeta,
  value: unknown,
): NestedStep[] {
  const op = "connectOrCreate";
  const unique = new Map(
    items(meta, value).map((item) => {
      const args = argsOf(meta, op, item, ["where", "create"], ["where", "create"]);
      return [sameWhere(args.where), args] as const;
    }),
  );
  const list = [...unique.values()];
  const wheres = list.map(({ where }) => uniqueWhere(target, where, meta.relatedKey, opLabel(op, meta)));
  checkRelatedWrite(ctx.session, meta, { create: list.map((item) => item.create) });
  return [
    after(meta, op, scopeFields(meta), async (session, { now }) => {
      const found = await findEach(session, target, wheres, [meta.relatedKey]);
      await attach(
        session,
        meta,
        now,
        pivotEntries(
          session,
          meta,
          found.filter((row) => row !== undefined),
        ),
      );
      const creates = list.filter((_, i) => found[i] === undefined).map((item) => item.create);
      if (creates.length > 0) await writeRelated(session, meta, now, { create: creates });
    }),
  ];
}

/** `upsert`: `{ where, create, update }` (one or an array): the related row found updated, else one created and attached. */
function upsert(ctx: NestedContext, target: ModelCodec, meta: BelongsToManyMeta, value: unknown): NestedStep[] {
  const op = "upsert";
  return items(meta, value).map((item) => {
    const args = argsOf(meta, op, item, ["where", "create", "update"], ["where", "create", "update"]);
    const where = uniqueWhere(target, args.where, meta.relatedKey, opLabel(op, meta));
    checkRelatedWrite(ctx.session, meta, { create: [args.create] });
    const plan = ctx.plan(target, args.update, opLabel(op, meta));
    return after(meta, op, scopeFields(meta), async (session, { now }) => {
      const rows = await relatedKeys(session, target, meta, now, where);
      for (const row of rows) await ctx.run(session, target, row, plan);
      if (rows.length === 0) await writeRelated(session, meta, now, { create: [args.create] });
    });
  });
}

/**
 * `delete` (unique wheres: a missing one is a NotFoundError) and `deleteMany` (wheres; `{}`:
 * all): the parent's related rows matching, detached from it and deleted (a read, a DELETE of
 * pivot rows, a DELETE of rows).
 */
function remove(
  ctx: NestedContext,
  target: ModelCodec,
  meta: BelongsToManyMeta,
  op: string,
  value: unknown,
): NestedStep[] {
  const list = op === "delete" ? items(meta, value) : [];
  const wheres =
    op === "delete"
      ? [anyOf(list.map((item) => whereOrRow(target, item, meta.relatedKey, opLabel(op, meta))))]
      : manyWheres(ctx.session, target, meta, op, value);
  return [
    after(meta, op, scopeFields(meta), async (session, { now }) => {
      const rows = await relatedKeys(session, target, meta, now, wheres, [meta.relatedKey]);
      if (op === "delete") expectEach(target, meta, op, list, rows.length);
      if (rows.length === 0) return;
      const keys = rows.map((row) => row[meta.relatedKey]);
      await new PivotWriter(session, meta, now).delete(pivotEntries(session, meta, keys).map(([key]) => key));
      await deleteRows(session, target, {
        ...EMPTY_STATE,
        wheres: [compareNode(target, false, meta.relatedKey, "in", keys)],
      });
    }),
  ];
}
