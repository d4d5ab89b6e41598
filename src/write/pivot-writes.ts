import { sql } from "kysely";
import type { Session } from "../dialect/session.js";
import { ValidationError } from "../errors.js";
import { checkOwnKey, describeValue, ownValue } from "../plan/arguments.js";
import { deletePivot, insertPivot, selectPivot, updatePivot } from "../plan/front-door.js";
import { codecFor, type ModelCodec } from "../plan/model-codec.js";
import { checkValue, defaultValue, toColumns } from "../plan/validate.js";
import { keyOf, type Row } from "../relations/fetch.js";
import { pivotCodec } from "../relations/pivot.js";
import type { BelongsToManyMeta } from "../schema/meta.js";
import { missingKeys } from "./writes.js";

/** What attach/sync take: ids, rows, or `{ id: pivotValues }`. */
export type AttachInput = unknown;

/** `{ attached, detached, updated }`: the related keys each part of a sync touched. */
export interface SyncResult {
  attached: unknown[];
  detached: unknown[];
  updated: unknown[];
}

/** One parent's pivot rows of a many-to-many relation, and the writes on them. */
export class PivotWriter {
  readonly #session: Session;
  readonly #meta: BelongsToManyMeta;
  readonly #pivot: ModelCodec;
  readonly #target: ModelCodec;
  readonly #parentKey: unknown;

  constructor(session: Session, meta: BelongsToManyMeta, parent: Row) {
    this.#session = session;
    this.#meta = meta;
    this.#pivot = pivotCodec(session, meta);
    this.#target = codecFor(session, meta.target);
    const key = parent?.[meta.parentKey];
    if (key === undefined || key === null) {
      throw new ValidationError(
        `"${meta.model}.${meta.name}" needs the parent's "${meta.parentKey}".`,
        meta.model,
        meta.parentKey,
      );
    }
    this.#parentKey = this.#pivot.keyValue(meta.pivot.foreignKey.name, key);
  }

  /** ids | rows | { id: values } (+ values for all) -> [related key, pivot values] in order, validated. */
  entries(input: AttachInput, values: Row = {}): [unknown, Row][] {
    return pivotEntries(this.#session, this.#meta, input, values);
  }

  /** The related keys of this parent's pivot rows (under the relation's pivot filter and morph type). */
  async current(): Promise<unknown[]> {
    const rows = await this.#session.execute<Row>(
      this.#pivotRows(selectPivot(this.#session, this.#meta.pivot)).select(
        sql.ref(this.#pivot.ref(this.#meta.pivot.relatedKey.name)).as("k"),
      ),
    );
    return rows.rows.map((r) => this.#pivot.keyValue(this.#meta.pivot.relatedKey.name, r.k));
  }

  /** This parent's pivot rows: related key -> [key, decoded pivot field values]. */
  async currentValues(): Promise<Map<string, [unknown, Row]>> {
    const { relatedKey, fields } = this.#meta.pivot;
    const rows = await this.#session.execute<Row>(
      this.#pivotRows(selectPivot(this.#session, this.#meta.pivot)).select(
        this.#pivot.select([relatedKey.name, ...fields.map((f) => f.name)]),
      ),
    );
    return new Map(
      rows.rows.map((row) => {
        const decoded = this.#pivot.decode<Row>(row);
        const key = this.#pivot.keyValue(relatedKey.name, decoded[relatedKey.name]);
        return [keyOf(key)!, [key, decoded]];
      }),
    );
  }

  /** Every given key must be a related row: otherwise a ValidationError naming the relation. */
  ensureExist(keys: readonly unknown[]): Promise<void> {
    return ensureRelatedExist(this.#session, this.#meta, keys);
  }

  /** Inserts pivot rows for `entries` (keys not already attached), with timestamps and the morph type. */
  async insert(entries: readonly [unknown, Row][]): Promise<unknown[]> {
    await insertPivotRows(
      this.#session,
      this.#meta,
      entries.map(([key, values]) => [this.#parentKey, key, values]),
    );
    return entries.map(([key]) => key);
  }

  /** Deletes this parent's pivot rows for `keys` (all of them when undefined); returns how many. */
  async delete(keys?: readonly unknown[]): Promise<number> {
    if (keys?.length === 0) return 0;
    let query = this.#pivotRows(deletePivot(this.#session, this.#meta.pivot));
    if (keys) {
      const field = this.#meta.pivot.relatedKey.name;
      query = query.where(
        sql.ref(this.#pivot.ref(field)),
        "in",
        keys.map((k) => this.#pivot.encode(field, k)),
      );
    }
    const result = await this.#session.execute(query, this.#meta.pivot.table);
    return Number(result.numAffectedRows ?? 0n);
  }

  /** Updates the pivot values of one attached key (and `updatedAt` when the pivot has timestamps). */
  async update(key: unknown, values: Row): Promise<number> {
    const set: Row = { ...values, ...(this.#meta.pivot.timestamps ? { updatedAt: new Date() } : {}) };
    if (Object.keys(set).length === 0) return 0;
    const field = this.#meta.pivot.relatedKey.name;
    const query = this.#pivotRows(updatePivot(this.#session, this.#meta.pivot, toColumns(this.#pivot, set))).where(
      sql.ref(this.#pivot.ref(field)),
      "=",
      this.#pivot.encode(field, key),
    );
    const result = await this.#session.execute(query, this.#meta.pivot.table);
    return Number(result.numAffectedRows ?? 0n);
  }

  /** The WHERE of this parent's pivot rows: its key, the morph type, the relation's pivot filter. */
  #pivotRows<Q extends { where: (...args: any[]) => Q }>(query: Q): Q {
    const { foreignKey, morphType, where } = this.#meta.pivot;
    let q = query.where(
      sql.ref(this.#pivot.ref(foreignKey.name)),
      "=",
      this.#pivot.encode(foreignKey.name, this.#parentKey),
    );
    if (morphType) q = q.where(sql.ref(this.#pivot.ref(morphType.name)), "=", morphType.value);
    for (const [field, value] of Object.entries(where ?? {})) {
      q = q.where(sql.ref(this.#pivot.ref(field)), "=", this.#pivot.encode(field, value));
    }
    return q;
  }
}

const label = (meta: BelongsToManyMeta) => `"${meta.model}.${meta.name}"`;

/**
 * What attach/sync/connect take (ids, rows, a list of those, or `{ id: pivotValues }`, plus
 * values for all) as [related key, pivot values] pairs in order, validated: unknown pivot
 * fields and badly typed values are ValidationErrors naming the relation.
 */
export function pivotEntries(
  session: Session,
  meta: BelongsToManyMeta,
  input: AttachInput,
  values: Row = {},
): [unknown, Row][] {
  const pivot = pivotCodec(session, meta);
  const { relatedKey } = meta.pivot;
  if (typeof values !== "object" || values === null || Array.isArray(values)) {
    throw new ValidationError(
      `${label(meta)} takes an object of pivot values for all the keys, got ${describeValue(values)}.`,
      meta.model,
      meta.name,
    );
  }
  const check = (pivotValues: Row): Row => checkPivotValues(session, meta, pivotValues);
  const key = (value: unknown): unknown => {
    const raw = typeof value === "object" && value !== null ? ownValue(value, meta.relatedKey) : value;
    if (raw === undefined || raw === null) {
      throw new ValidationError(`${label(meta)}: a related row without its "${meta.relatedKey}".`, meta.model);
    }
    const key = pivot.keyValue(relatedKey.name, raw);
    checkValue(pivot, relatedKey.name, key);
    return key;
  };
  // A key, a row (it has the related key field), a list of those, or a map { key: pivot values }.
  const isRow = (v: unknown) => typeof v === "object" && v !== null && Object.hasOwn(v, meta.relatedKey);
  const isMap = typeof input === "object" && input !== null && !Array.isArray(input) && !isRow(input);
  const list: [unknown, Row][] = isMap
    ? Object.entries(input as Row).map(([id, extra]) => {
        checkOwnKey(meta.model, id, `a key of "${meta.model}.${meta.name}" to attach`);
        return [key(id), { ...values, ...pivotValues(meta, extra) }];
      })
    : (Array.isArray(input) ? input : [input]).map((item) => [key(item), { ...values }]);
  return list.map(([k, v]) => [k, check(v)]);
}

/** The pivot values given for one key of a `{ key: pivotValues }` map: an object (or nothing). */
function pivotValues(meta: BelongsToManyMeta, extra: unknown): Row {
  if (extra === undefined || extra === null) return {};
  if (typeof extra !== "object" || Array.isArray(extra)) {
    throw new ValidationError(
      `${label(meta)}: a { key: pivotValues } map takes an object of pivot values for each key, got ${describeValue(extra)}.`,
      meta.model,
      meta.name,
    );
  }
  return extra as Row;
}

/** Every given key must be a related row: otherwise a ValidationError naming the relation. */
export async function ensureRelatedExist(session: Session, meta: BelongsToManyMeta, keys: readonly unknown[]) {
  const missing = await missingKeys(session, codecFor(session, meta.target), meta.relatedKey, keys);
  if (missing.length > 0) throw notRelated(meta, missing);
}

/** The error for keys a many-to-many write names that are no related rows. */
export function notRelated(meta: BelongsToManyMeta, missing: readonly unknown[]): ValidationError {
  return new ValidationError(
    `Cannot attach to ${label(meta)}: no "${meta.target}" with ${meta.relatedKey} ${missing.map(String).join(", ")}.`,
    meta.model,
    meta.name,
  );
}

/**
 * Inserts pivot rows [parent key, related key, pivot values] for any number of parents, with
 * the relation's morph type, pivot filter values and timestamps; one statement per chunk
 * under the driver's parameter limit. Returns the rows as written (by field), in order.
 */
export async function insertPivotRows(
  session: Session,
  meta: BelongsToManyMeta,
  entries: readonly [parent: unknown, related: unknown, values: Row][],
): Promise<Row[]> {
  if (entries.length === 0) return [];
  const pivot = pivotCodec(session, meta);
  const { foreignKey, relatedKey, morphType, timestamps } = meta.pivot;
  const now = new Date();
  // The relation's pivot filter (pivotWhere) is written too, so the new rows show through it.
  const fixed = meta.pivot.where ?? {};
  for (const [, , values] of entries) checkPivotFilter(meta, values);
  // Pivot fields a row leaves out get their default (or null), so every row has the same
  // columns and the whole batch is one statement.
  const defaults: Row = {};
  for (const field of meta.pivot.fields) {
    const value = defaultValue(field.config);
    if (value !== undefined) defaults[field.name] = value;
  }
  const written = entries.map(
    ([parent, key, values]): Row => ({
      ...defaults,
      [foreignKey.name]: parent,
      [relatedKey.name]: key,
      ...(morphType ? { [morphType.name]: morphType.value } : {}),
      ...(timestamps ? { createdAt: now, updatedAt: now } : {}),
      ...fixed,
      ...values,
    }),
  );
  const rows = written.map((row) => toColumns(pivot, row));
  // Rows with the same columns share a statement; a chunk stays under the parameter limit.
  const columns = Math.max(1, ...rows.map((r) => Object.keys(r).length));
  const perStatement = Math.max(1, Math.floor(session.profile.maxParameters / columns));
  const bySignature = new Map<string, Row[]>();
  for (const row of rows) {
    const signature = Object.keys(row).join("\0");
    const group = bySignature.get(signature);
    if (group) group.push(row);
    else bySignature.set(signature, [row]);
  }
  for (const group of bySignature.values()) {
    for (let i = 0; i < group.length; i += perStatement) {
      await session.execute(insertPivot(session, meta.pivot, group.slice(i, i + perStatement)), meta.pivot.table);
    }
  }
  return written;
}

/** A pivot value the relation's pivotWhere fixes must not be given another value. */
function checkPivotFilter(meta: BelongsToManyMeta, values: Row): void {
  for (const [field, value] of Object.entries(meta.pivot.where ?? {})) {
    if (Object.hasOwn(values, field) && keyOf(values[field]) !== keyOf(value)) {
      throw new ValidationError(
        `${label(meta)} only holds pivot rows with ${field} = ${describeValue(value)}; cannot attach with ${describeValue(values[field])}.`,
        meta.model,
        field,
      );
    }
  }
}

/** Pivot values for a relation: known pivot fields, values of their types, not against pivotWhere. */
export function checkPivotValues(session: Session, meta: BelongsToManyMeta, values: Row): Row {
  if (typeof values !== "object" || values === null || Array.isArray(values)) {
    throw new ValidationError(
      `${label(meta)} takes an object of pivot values, got ${describeValue(values)}.`,
      meta.model,
    );
  }
  const pivot = pivotCodec(session, meta);
  const allowed = new Set(meta.pivot.fields.map((f) => f.name));
  for (const [field, value] of Object.entries(values)) {
    if (!allowed.has(field)) {
      throw new ValidationError(
        `${label(meta)} has no pivot field "${field}". Pivot fields: ${[...allowed].join(", ") || "none"}.`,
        meta.model,
        field,
      );
    }
    if (value !== undefined) checkValue(pivot, field, value);
  }
  checkPivotFilter(meta, values);
  return values;
}
