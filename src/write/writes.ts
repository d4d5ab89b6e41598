import { sql } from "kysely";
import type { Session } from "../dialect/session.js";
import { ValidationError } from "../errors.js";
import { readRows } from "../loader/read.js";
import {
  deleteModel,
  deletePivot,
  insertModel,
  insertModelRows,
  selectDerived,
  selectModel,
  selectWritten,
  updateModel,
} from "../plan/front-door.js";
import { adoptRows } from "../plan/instance-state.js";
import { codecFor, type ModelCodec } from "../plan/model-codec.js";
import { NumberUpdate } from "../plan/number-update.js";
import { allConditions, applyPaging, baseQuery, EMPTY_STATE, type QueryState } from "../plan/state.js";
import { prepareInsert, prepareUpdate, toColumns } from "../plan/validate.js";
import { compareNode, type WhereNode } from "../plan/where.js";
import { keyOf } from "../relations/fetch.js";
import type { BelongsToMeta, MorphToMeta, PivotMeta } from "../schema/meta.js";
import { fire, hasHooks } from "./events.js";

type Values = Record<string, unknown>;

/** How an insert treats its rows. */
export interface InsertOptions {
  /**
   * Skip a row a unique key (the primary key, a unique field) already has instead of failing:
   * ON CONFLICT DO NOTHING, INSERT IGNORE on MySQL. Skipped rows are not returned or counted.
   */
  readonly skipDuplicates?: boolean | undefined;
}

/** The create events: a model with any of them has its rows inserted through the hooks. */
const CREATE_EVENTS = ["saving", "creating", "created", "saved"] as const;

/**
 * Inserts rows and returns them as stored (generated ids and defaults included), in input
 * order. Everything is validated before the first statement; several statements run in
 * one transaction.
 */
async function insertWithHooks(
  session: Session,
  codec: ModelCodec,
  inputs: readonly Values[],
  options: InsertOptions,
): Promise<Values[]> {
  if (!hasHooks(codec, ...CREATE_EVENTS)) return insert(session, codec, inputs, options);
  // The hooks run in the insert's transaction, on copies of the values (theirs to change, checked after).
  return session.transaction(async (tx) => {
    const values = inputs.map((input) => ({ ...input }));
    await fire(tx, codec, "saving", values);
    await fire(tx, codec, "creating", values);
    // Rows skipped as duplicates were not created: only the inserted ones get created/saved.
    const rows = await insert(tx, codec, values, options);
    await fire(tx, codec, "created", rows);
    await fire(tx, codec, "saved", rows);
    return rows;
  });
}

async function insert(
  session: Session,
  codec: ModelCodec,
  inputs: readonly Values[],
  options: InsertOptions,
): Promise<Values[]> {
  const rows = inputs.map((input) => prepareInsert(codec, input));
  if (rows.length === 0) return [];
  const batches = planBatches(session, rows);
  const returning = await session.returning();
  const skip = options.skipDuplicates === true;
  const run = returning ? insertReturning : insertThenSelect;
  if (batches.length === 1 && (returning || rows.length === 1)) {
    return run(session, codec, rows, batches, skip);
  }
  return session.transaction((tx) => run(tx, codec, rows, batches, skip));
}

/**
 * Inserts rows and returns how many were inserted (rows skipped as duplicates are not
 * counted): one statement per batch without reading the rows back, in one transaction when
 * there are several. A model with create hooks or touching relations inserts through
 * insertRows (the hooks and owners need the rows).
 */
export async function insertCount(
  session: Session,
  codec: ModelCodec,
  inputs: readonly Values[],
  options: InsertOptions = {},
): Promise<number> {
  if (hasHooks(codec, ...CREATE_EVENTS) || touching(codec).length > 0) {
    return (await insertRows(session, codec, inputs, options)).length;
  }
  const rows = inputs.map((input) => prepareInsert(codec, input));
  if (rows.length === 0) return 0;
  const batches = planBatches(session, rows);
  const run = async (tx: Session) => {
    let count = 0;
    for (const batch of batches) {
      const batchRows = batch.map((i) => rows[i]!);
      const query = insertModelRows(tx, codec, batchRows, false, options.skipDuplicates === true);
      const result = await tx.execute(query, codec.meta.table);
      count += Number(result.numAffectedRows ?? 0n);
    }
    return count;
  };
  return batches.length === 1 ? run(session) : session.transaction(run);
}

/**
 * Row indexes in batches: consecutive rows with the same columns (a generated id may be
 * given or not), each batch under the parameter limit. Rows are inserted in input order.
 */
function planBatches(session: Session, rows: readonly Values[]): number[][] {
  const batches: number[][] = [];
  let signature: readonly string[] = [];
  let perStatement = 0;
  rows.forEach((row, i) => {
    const columns = Object.keys(row);
    const current = batches[batches.length - 1];
    if (current && sameList(columns, signature) && current.length < perStatement) {
      current.push(i);
      return;
    }
    signature = columns;
    perStatement = Math.max(1, Math.floor(session.profile.maxParameters / Math.max(1, columns.length)));
    batches.push([i]);
  });
  return batches;
}

/** Whether two field lists are the same, in the same order (rows that share an INSERT). */
export const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * One multi-row INSERT ... RETURNING per batch. The rows come back in input order; with `skip`,
 * those a unique key already had are missing and the rest keep their order.
 */
async function insertReturning(
  session: Session,
  codec: ModelCodec,
  rows: Values[],
  batches: number[][],
  skip: boolean,
) {
  const out: Values[] = skip ? [] : new Array(rows.length);
  for (const batch of batches) {
    const query = insertModelRows(
      session,
      codec,
      batch.map((i) => rows[i]!),
      true,
      skip,
    );
    const result = await session.execute<Values>(query, codec.meta.table);
    result.rows.forEach((row, j) => {
      if (skip) out.push(codec.decode(row));
      else out[batch[j]!] = codec.decode(row);
    });
  }
  return out;
}

/**
 * Without RETURNING (MySQL): insert row by row to learn each generated id, then read them back.
 * With `skip`, a row the database ignored (no row affected) is left out.
 */
async function insertThenSelect(
  session: Session,
  codec: ModelCodec,
  rows: Values[],
  _batches: number[][],
  skip: boolean,
) {
  const pk = codec.meta.primaryKey;
  const keys: Values[] = [];
  for (const row of rows) {
    const query = insertModel(session, codec, skip).values(toColumns(codec, row));
    const result = await session.execute(query, codec.meta.table);
    if (skip && Number(result.numAffectedRows ?? 0n) === 0) continue;
    const key: Values = {};
    for (const field of pk) {
      key[field] = field in row ? row[field] : Number(result.insertId);
    }
    keys.push(key);
  }
  const found = await selectByKeys(session, codec, keys);
  return keys.map((key) => found.get(keyString(pk, key))!);
}

const keyString = (pk: readonly string[], row: Values) => pk.map((f) => String(row[f])).join("\0");

/**
 * Reads rows just inserted back by primary key, in chunks under the parameter limit: not under
 * the model's rule, as RETURNING gives them on the other databases.
 */
async function selectByKeys(
  session: Session,
  codec: ModelCodec,
  keys: readonly Values[],
): Promise<Map<string, Values>> {
  const pk = codec.meta.primaryKey;
  const found = new Map<string, Values>();
  const perStatement = Math.floor(session.profile.maxParameters / pk.length);
  for (let i = 0; i < keys.length; i += perStatement) {
    const chunk = keys.slice(i, i + perStatement);
    const query = selectWritten(session, codec)
      .select(codec.select())
      .where((eb) => eb.or(chunk.map((key) => eb.and(pk.map((f) => eb(codec.ref(f), "=", codec.encode(f, key[f])))))));
    const result = await session.execute<Values>(query);
    for (const row of result.rows) {
      const decoded = codec.decode<Values>(row);
      found.set(keyString(pk, decoded), decoded);
    }
  }
  return found;
}

/** The conditions of an update/delete: the state's, or its paged primary keys when limited. */
function targetRows(session: Session, codec: ModelCodec, state: QueryState): readonly WhereNode[] {
  if (state.limit === undefined && state.offset === undefined) return allConditions(state);
  const [pk, ...rest] = codec.meta.primaryKey;
  if (pk === undefined || rest.length > 0) {
    throw new ValidationError(
      `A limited update/delete on "${codec.meta.name}" needs a single primary key.`,
      codec.meta.name,
    );
  }
  // The derived table lets MySQL limit a subquery on the table being written.
  const paged = applyPaging(codec, state, baseQuery(session, codec, state).select(`${codec.ref(pk)} as k`));
  const keys = selectDerived(session, paged, "relata_page").select("relata_page.k");
  return [{ type: "expr", or: false, build: (eb) => eb(codec.ref(pk), "in", keys) }];
}

/**
 * Updates the rows a state matches; returns how many matched. A model with timestamps gets its
 * `updatedAt` set too, unless the values give it. A model with update hooks (saving, updating,
 * updated, saved) has its matching rows read first and updated one by one, each with what its
 * hooks changed, in one transaction.
 */
async function updateWithHooks(session: Session, codec: ModelCodec, state: QueryState, values: Values) {
  if (!hasHooks(codec, "saving", "updating", "updated", "saved")) return update(session, codec, state, values);
  const pk = singleKey(codec, "update");
  const prepared = prepareUpdate(codec, values);
  return session.transaction(async (tx) => {
    const rows = await matchingRows(tx, codec, state);
    // The hooks see the values each row will have; an atomic update (`{ increment: 1 }`) shows its result.
    const next = rows.map((row) => withUpdate(row, prepared));
    await fire(tx, codec, "saving", next);
    await fire(tx, codec, "updating", next);
    for (const [i, row] of next.entries()) {
      const changes = Object.fromEntries(
        Object.entries(row)
          .filter(([field, value]) => Object.hasOwn(prepared, field) || !same(rows[i]![field], value))
          .map(([field, value]) => [field, atomicUnlessChanged(prepared[field], rows[i]![field], value)]),
      );
      const byKey = { ...EMPTY_STATE, trashed: state.trashed, without: state.without };
      await update(tx, codec, { ...byKey, wheres: [compareNode(codec, false, pk, "=", rows[i]![pk])] }, changes);
    }
    await fire(tx, codec, "updated", next);
    await fire(tx, codec, "saved", next);
    return rows.length;
  });
}

/** A row as an update leaves it: its values over the row, atomic number updates applied to the row's values. */
function withUpdate(row: Values, prepared: Values): Values {
  const out = { ...row };
  for (const [field, value] of Object.entries(prepared)) {
    out[field] = value instanceof NumberUpdate ? value.applyTo(row[field]) : value;
  }
  return out;
}

/** What to write for a field after the hooks ran: the atomic update itself, unless a hook changed its value. */
function atomicUnlessChanged(update: unknown, before: unknown, value: unknown): unknown {
  return update instanceof NumberUpdate && same(update.applyTo(before), value) ? update : value;
}

/** The relations of a model that touch their owner when it is written (`touches: true`). */
function touching(codec: ModelCodec): (BelongsToMeta | MorphToMeta)[] {
  const out: (BelongsToMeta | MorphToMeta)[] = [];
  for (const meta of codec.meta.relations.values()) if ("touches" in meta && meta.touches) out.push(meta);
  return out;
}

/** The fields of the rows that name their owners through touching relations. */
const ownerFields = (metas: readonly (BelongsToMeta | MorphToMeta)[]) =>
  metas.flatMap((meta) => ("targets" in meta ? [meta.morphType, meta.morphId] : [meta.foreignKey]));

/** Sets `updatedAt` of the owners `rows` point at through touching relations (one UPDATE per owner model). */
async function touchOwners(session: Session, metas: readonly (BelongsToMeta | MorphToMeta)[], rows: readonly Values[]) {
  const owners = new Map<string, { field: string; keys: Map<string | undefined, unknown> }>();
  const add = (model: string, field: string, key: unknown) => {
    if (key === null || key === undefined) return;
    const entry = owners.get(model) ?? { field, keys: new Map() };
    entry.keys.set(keyOf(key), key);
    owners.set(model, entry);
  };
  for (const meta of metas) {
    for (const row of rows) {
      if (!("targets" in meta)) add(meta.target, meta.ownerKey, row[meta.foreignKey]);
      else {
        const target = meta.targets.get(String(row[meta.morphType]));
        if (target) add(target.model, target.ownerKey, row[meta.morphId]);
      }
    }
  }
  for (const [model, { field, keys }] of owners) {
    const owner = codecFor(session, model);
    const stamp = owner.meta.timestamps?.updatedAt;
    if (stamp === undefined) continue;
    const wheres = [compareNode(owner, false, field, "in", [...keys.values()])];
    // One level: the owner's own touches do not chain further (a cycle of touches would never end).
    await updateWithHooks(session, owner, { ...EMPTY_STATE, wheres }, { [stamp]: new Date() });
  }
}

/**
 * Inserts rows and returns them as stored (generated ids and defaults included), in input
 * order; the owners of touching relations (`touches: true`) get their `updatedAt` set.
 * `skipDuplicates`: rows a unique key already has are skipped, and left out of the result.
 */
export async function insertRows(
  session: Session,
  codec: ModelCodec,
  inputs: readonly Values[],
  options: InsertOptions = {},
): Promise<Values[]> {
  const metas = touching(codec);
  const rows =
    metas.length === 0
      ? await insertWithHooks(session, codec, inputs, options)
      : await session.transaction(async (tx) => {
          const inserted = await insertWithHooks(tx, codec, inputs, options);
          await touchOwners(tx, metas, inserted);
          return inserted;
        });
  // A class model's new instances write through the db (or transaction) that created them.
  if (codec.meta.modelClass) adoptRows(rows, session, false);
  return rows;
}

/**
 * Updates the rows a state matches (see updateWithHooks); the owners they pointed at and now
 * point at through touching relations get their `updatedAt` set.
 */
export async function updateRows(session: Session, codec: ModelCodec, state: QueryState, values: Values) {
  const metas = touching(codec);
  if (metas.length === 0) return updateWithHooks(session, codec, state, values);
  return session.transaction(async (tx) => {
    const before = await matchingRows(tx, codec, state, ownerFields(metas));
    const updated = await updateWithHooks(tx, codec, state, values);
    const prepared = prepareUpdate(codec, values);
    await touchOwners(tx, metas, [...before, ...before.map((row) => withUpdate(row, prepared))]);
    return updated;
  });
}

/** Deletes the rows a state matches (see deleteWithHooks); the owners of touching relations get their `updatedAt` set. */
export async function deleteRows(
  session: Session,
  codec: ModelCodec,
  state: QueryState,
  force = false,
): Promise<number> {
  const metas = touching(codec);
  if (metas.length === 0) return deleteWithHooks(session, codec, state, force);
  return session.transaction(async (tx) => {
    const before = await matchingRows(tx, codec, state, ownerFields(metas));
    const deleted = await deleteWithHooks(tx, codec, state, force);
    await touchOwners(tx, metas, before);
    return deleted;
  });
}

/**
 * The rows a write's state matches, as stored (every field, or `fields`), without the state's
 * eager loads or aggregates: what event hooks and touched owners are given.
 */
export function matchingRows(session: Session, codec: ModelCodec, state: QueryState, fields?: readonly string[]) {
  return readRows(session, codec, { ...state, selects: fields, eager: new Map(), aggregates: [] });
}

/** Whether a hook left a value as it was read (dates by time). */
const same = (a: unknown, b: unknown) =>
  a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : Object.is(a, b);

/** The model's single primary key, which writes with events address rows by. */
function singleKey(codec: ModelCodec, action: string): string {
  const [pk, ...rest] = codec.meta.primaryKey;
  if (pk === undefined || rest.length > 0) {
    throw new ValidationError(
      `An ${action} with event hooks on "${codec.meta.name}" needs a single primary key to address each row.`,
      codec.meta.name,
    );
  }
  return pk;
}

/** The UPDATE itself (no hooks). */
async function update(session: Session, codec: ModelCodec, state: QueryState, values: Values) {
  const stamp = codec.meta.timestamps?.updatedAt;
  const stamped = stamp !== undefined && values[stamp] === undefined ? { ...values, [stamp]: new Date() } : values;
  const set = toColumns(codec, prepareUpdate(codec, stamped));
  const query = updateModel(session, codec.under(state), set, targetRows(session, codec, state));
  const result = await session.execute(query, codec.meta.table);
  return Number(result.numAffectedRows ?? 0n);
}

/**
 * Deletes the rows a state matches; returns how many. A model with soft deletes has them
 * marked deleted instead (its `deletedAt` set), unless `force`.
 */
async function deleteWithHooks(session: Session, codec: ModelCodec, state: QueryState, force = false): Promise<number> {
  if (!hasHooks(codec, "deleting", "deleted")) return remove(session, codec, state, force);
  // The hooks see the rows about to go (deleting) and gone (deleted), in the delete's transaction.
  return session.transaction(async (tx) => {
    const rows = await matchingRows(tx, codec, state);
    await fire(tx, codec, "deleting", rows);
    const deleted = rows.length === 0 ? 0 : await remove(tx, codec, state, force);
    await fire(tx, codec, "deleted", rows);
    return deleted;
  });
}

/** The DELETE itself, or a soft delete's UPDATE (neither fires update hooks: a soft delete is a delete). */
async function remove(session: Session, codec: ModelCodec, state: QueryState, force: boolean): Promise<number> {
  const trashed = codec.meta.softDelete;
  if (trashed !== undefined && !force) return update(session, codec, state, { [trashed]: new Date() });
  const pivots = morphPivotsOf(session, codec);
  if (pivots.length === 0) return deleteMatching(session, codec, state);
  // Polymorphic pivot rows have no foreign key to cascade from: remove them in the same transaction.
  return session.transaction(async (tx) => {
    const [pk] = codec.meta.primaryKey;
    const keys = applyPaging(codec, state, baseQuery(tx, codec, state).select(`${codec.ref(pk!)} as k`));
    // Through a derived table, so MySQL accepts a limited subquery.
    const deleted = selectDerived(tx, keys, "relata_deleted").select("relata_deleted.k");
    for (const { pivot, typeColumn, idColumn, value } of pivots) {
      await tx.execute(
        deletePivot(tx, pivot).where(typeColumn, "=", value).where(idColumn, "in", deleted),
        pivot.table,
      );
    }
    return deleteMatching(tx, codec, state);
  });
}

async function deleteMatching(session: Session, codec: ModelCodec, state: QueryState): Promise<number> {
  const query = deleteModel(session, codec.under(state), targetRows(session, codec, state));
  const result = await session.execute(query, codec.meta.table);
  return Number(result.numAffectedRows ?? 0n);
}

/** The polymorphic pivots whose morph side is this model (a post's row in taggables). */
function morphPivotsOf(session: Session, codec: ModelCodec) {
  const pivots = new Map<string, { pivot: PivotMeta; typeColumn: string; idColumn: string; value: string }>();
  if (codec.meta.primaryKey.length !== 1) return [];
  for (const model of session.schema.meta.models.values()) {
    for (const relation of model.relations.values()) {
      const morphSide =
        relation.kind === "morphToMany"
          ? relation.model
          : relation.kind === "morphedByMany"
            ? relation.target
            : undefined;
      if (morphSide !== codec.meta.name || relation.kind === "belongsToMany" || !("pivot" in relation)) continue;
      const { pivot } = relation;
      if (!pivot.morphType) continue;
      const idColumn = relation.kind === "morphToMany" ? pivot.foreignKey.column : pivot.relatedKey.column;
      pivots.set(`${pivot.table}:${pivot.morphType.value}`, {
        pivot,
        typeColumn: pivot.morphType.column,
        idColumn,
        value: pivot.morphType.value,
      });
    }
  }
  return [...pivots.values()];
}

/** The distinct `keys` no row of the codec's model (under its rule) has in `field`; chunked under the parameter limit. */
export async function missingKeys(
  session: Session,
  codec: ModelCodec,
  field: string,
  keys: readonly unknown[],
): Promise<unknown[]> {
  const unique = [...new Map(keys.map((k) => [keyOf(k), k])).values()];
  const present = new Set<string | undefined>();
  const perStatement = Math.max(1, session.profile.maxParameters - 100);
  for (let i = 0; i < unique.length; i += perStatement) {
    const found = await session.execute<Values>(
      selectModel(session, codec)
        .select(sql.ref(codec.ref(field)).as("k"))
        .where(
          sql.ref(codec.ref(field)),
          "in",
          unique.slice(i, i + perStatement).map((k) => codec.encodeKey(field, k)),
        ),
    );
    for (const r of found.rows) present.add(keyOf(r.k));
  }
  return unique.filter((k) => !present.has(keyOf(k)));
}
