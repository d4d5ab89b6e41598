import { type CompiledQuery, type SelectQueryBuilder, sql } from "kysely";
import type { Session } from "../dialect/session.js";
import { ValidationError } from "../errors.js";
import { checkOwnKey, describeValue, ownValue } from "../plan/arguments.js";
import { deletePivot, insertPivot, selectModel, selectPivot, updatePivot } from "../plan/front-door.js";
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

/** What one read tells a pivot write (`PivotWriter.state`). */
export interface PivotState {
  /** The given keys no row of the related model has (under its rule): not attachable. */
  readonly missing: unknown[];
  /** This parent's pivot rows (of the given keys, or all): related key -> [key, decoded pivot values]. */
  readonly current: Map<string, [unknown, Row]>;
}

type AnySelect = SelectQueryBuilder<any, any, any>;

/** The column of `PivotWriter.state`'s read holding a related row's key (null on pivot rows). */
const FOUND = "relata_found";

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

  /** The parent's key, as the pivot column holds it. */
  get parentKey(): unknown {
    return this.#parentKey;
  }

  /** ids | rows | { id: values } (+ values for all) -> [related key, pivot values] in order, validated. */
  entries(input: AttachInput, values: Row = {}): [unknown, Row][] {
    return pivotEntries(this.#session, this.#meta, input, values);
  }

  /**
   * One read for a write on this parent's pivot rows: which of `keys` are rows of the related
   * model (under its rule), and this parent's pivot rows with their values (those of `keys`,
   * or all of them with `all`). One statement (the related rows UNION ALL the pivot rows)
   * unless the keys overflow the driver's parameter limit; none without keys unless `all`.
   */
  async state(keys: readonly unknown[], all: boolean): Promise<PivotState> {
    const unique = [...new Map(keys.map((k) => [keyOf(k), k])).values()];
    const per = Math.max(1, Math.floor((this.#session.profile.maxParameters - 100) / (all ? 1 : 2)));
    const chunks: unknown[][] = [];
    for (let i = 0; i < unique.length; i += per) chunks.push(unique.slice(i, i + per));
    if (chunks.length === 0 && all) chunks.push([]);
    const { relatedKey } = this.#meta.pivot;
    const found = new Set<string | undefined>();
    const current = new Map<string, [unknown, Row]>();
    for (const [i, chunk] of chunks.entries()) {
      const parts: AnySelect[] = [];
      if (chunk.length > 0) parts.push(this.#relatedRows(chunk));
      if (all ? i === 0 : chunk.length > 0) parts.push(this.#pivotValues(all ? undefined : chunk));
      const query = parts.length === 1 ? parts[0]! : parts[0]!.unionAll(parts[1]!);
      for (const row of (await this.#session.execute<Row>(query)).rows) {
        const { [FOUND]: related, ...values } = row;
        if (related !== null && related !== undefined) {
          found.add(keyOf(related));
          continue;
        }
        const decoded = this.#pivot.decode<Row>(values);
        const key = this.#pivot.keyValue(relatedKey.name, decoded[relatedKey.name]);
        current.set(keyOf(key)!, [key, decoded]);
      }
    }
    return { missing: unique.filter((k) => !found.has(keyOf(k))), current };
  }

  /** The fields `state` reads of a pivot row: the related key and the pivot fields. */
  #valueFields(): string[] {
    return [this.#meta.pivot.relatedKey.name, ...this.#meta.pivot.fields.map((f) => f.name)];
  }

  /** SELECT the related model's keys among `keys` (the pivot columns null), under its rule. */
  #relatedRows(keys: readonly unknown[]): AnySelect {
    const { relatedKey } = this.#meta;
    const column = sql.ref(this.#target.ref(relatedKey));
    return selectModel(this.#session, this.#target)
      .select([column.as(FOUND), ...this.#valueFields().map((field) => sql`null`.as(field))])
      .where(
        column,
        "in",
        keys.map((k) => this.#target.encodeKey(relatedKey, k)),
      );
  }

  /** SELECT this parent's pivot rows (of `keys`, or all) with their values (the found column null). */
  #pivotValues(keys: readonly unknown[] | undefined): AnySelect {
    const query = this.#pivotRows(selectPivot(this.#session, this.#meta.pivot)).select([
      sql`null`.as(FOUND),
      ...this.#pivot.select(this.#valueFields()),
    ]);
    return keys ? this.#keyIn(query, keys) : query;
  }

  /** `query` WHERE the pivot's related key is one of `keys`. */
  #keyIn<Q extends { where: (...args: any[]) => Q }>(query: Q, keys: readonly unknown[]): Q {
    const field = this.#meta.pivot.relatedKey.name;
    return query.where(
      sql.ref(this.#pivot.ref(field)),
      "in",
      keys.map((k) => this.#pivot.encode(field, k)),
    );
  }

  /** Every given key must be a related row: otherwise a ValidationError naming the relation. */
  ensureExist(keys: readonly unknown[]): Promise<void> {
    return ensureRelatedExist(this.#session, this.#meta, keys);
  }

  /** The INSERTs of pivot rows for `entries` (keys not attached yet), with timestamps, the morph type and the relation's pivot values. */
  inserts(entries: readonly [unknown, Row][]): CompiledQuery[] {
    return pivotInserts(
      this.#session,
      this.#meta,
      entries.map(([key, values]) => [this.#parentKey, key, values]),
    ).statements;
  }

  /** The DELETE of this parent's pivot rows for `keys` (all of them when undefined). */
  deletion(keys?: readonly unknown[]): CompiledQuery {
    const query = this.#pivotRows(deletePivot(this.#session, this.#meta.pivot));
    return (keys ? this.#keyIn(query, keys) : query).compile();
  }

  /** Deletes this parent's pivot rows for `keys` (all of them when undefined); returns how many. */
  async delete(keys?: readonly unknown[]): Promise<number> {
    if (keys?.length === 0) return 0;
    const [count] = await runPivotWrites(this.#session, this.#meta, [this.deletion(keys)]);
    return count!;
  }

  /**
   * The UPDATE of the pivot values of one attached key (and `updatedAt` when the pivot has
   * timestamps); undefined when there is nothing to set.
   */
  change(key: unknown, values: Row): CompiledQuery | undefined {
    const set: Row = { ...values, ...(this.#meta.pivot.timestamps ? { updatedAt: new Date() } : {}) };
    if (Object.keys(set).length === 0) return undefined;
    // A join model that keeps timestamps has its updatedAt set, as its own update would.
    const join = joinModel(this.#session, this.#meta);
    const stamp = join?.meta.timestamps?.updatedAt;
    if (stamp !== undefined && set[stamp] === undefined) set[stamp] = new Date();
    const field = this.#meta.pivot.relatedKey.name;
    return this.#pivotRows(updatePivot(this.#session, this.#meta.pivot, toColumns(join ?? this.#pivot, set)))
      .where(sql.ref(this.#pivot.ref(field)), "=", this.#pivot.encode(field, key))
      .compile();
  }

  /** Updates the pivot values of one attached key (and `updatedAt` when the pivot has timestamps). */
  async update(key: unknown, values: Row): Promise<number> {
    const statement = this.change(key, values);
    if (!statement) return 0;
    const [count] = await runPivotWrites(this.#session, this.#meta, [statement]);
    return count!;
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
  if (isMap) {
    return Object.entries(input as Row).map(([id, extra]) => {
      checkOwnKey(meta.model, id, `a key of "${meta.model}.${meta.name}" to attach`);
      return [key(id), check({ ...values, ...pivotValues(meta, extra) })];
    });
  }
  return (Array.isArray(input) ? input : [input]).map((item) => [key(item), check({ ...values })]);
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
 * Runs the statements of one write on pivot rows: one by itself, several in one transaction
 * (a savepoint inside the caller's), none without a statement. Returns the rows each changed.
 */
export async function runPivotWrites(
  session: Session,
  meta: BelongsToManyMeta,
  statements: readonly CompiledQuery[],
): Promise<number[]> {
  const run = async (on: Session) => {
    const changed: number[] = [];
    for (const statement of statements) {
      changed.push(Number((await on.execute(statement, meta.pivot.table)).numAffectedRows ?? 0n));
    }
    return changed;
  };
  return statements.length <= 1 ? run(session) : session.transaction(run);
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
  const { statements, written } = pivotInserts(session, meta, entries);
  for (const statement of statements) await session.execute(statement, meta.pivot.table);
  return written;
}

/** The INSERTs `insertPivotRows` sends, and the rows as they write them (by field), in order. */
export function pivotInserts(
  session: Session,
  meta: BelongsToManyMeta,
  entries: readonly [parent: unknown, related: unknown, values: Row][],
): { statements: CompiledQuery[]; written: Row[] } {
  if (entries.length === 0) return { statements: [], written: [] };
  const pivot = pivotCodec(session, meta);
  const { foreignKey, relatedKey, morphType, timestamps } = meta.pivot;
  const now = new Date();
  // The relation's pivot filter (pivotWhere) is written too, so the new rows show through it.
  const fixed = meta.pivot.where ?? {};
  for (const [, , values] of entries) checkPivotFilter(meta, values);
  // Pivot fields a row leaves out get their default (or null), so every row has the same
  // columns and the whole batch is one statement; a join model's other fields get theirs too.
  const join = joinModel(session, meta);
  const defaults = (): Row => {
    const out: Row = {};
    for (const field of meta.pivot.fields) {
      const value = defaultValue(field.config);
      if (value !== undefined) out[field.name] = value;
    }
    return out;
  };
  const written = entries.map(([parent, key, values]): Row => {
    const row: Row = {
      ...defaults(),
      [foreignKey.name]: parent,
      [relatedKey.name]: key,
      ...(morphType ? { [morphType.name]: morphType.value } : {}),
      ...(timestamps ? { createdAt: now, updatedAt: now } : {}),
      ...fixed,
      ...values,
    };
    return join ? joinModelRow(meta, join, row, now) : row;
  });
  const rows = written.map((row) => toColumns(join ?? pivot, row));
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
  const statements: CompiledQuery[] = [];
  for (const group of bySignature.values()) {
    for (let i = 0; i < group.length; i += perStatement) {
      statements.push(insertPivot(session, meta.pivot, group.slice(i, i + perStatement)));
    }
  }
  return { statements, written };
}

/** The codec of the relation's join model (option `through`); undefined for a bare pivot table. */
function joinModel(session: Session, meta: BelongsToManyMeta): ModelCodec | undefined {
  return meta.pivot.model === undefined ? undefined : codecFor(session, meta.pivot.model);
}

/**
 * A pivot row of a join model with the values the model's own create would fill for every field
 * the row leaves out: defaults (a `uuid().defaultRandom()` key, `.default(v)`, `defaultNow()`),
 * the model's timestamps, null for a nullable field. A required field nothing fills is a
 * ValidationError before any insert. In the model's field order, so rows line up.
 */
function joinModelRow(meta: BelongsToManyMeta, join: ModelCodec, row: Row, now: Date): Row {
  const stamps = join.meta.timestamps;
  const out: Row = {};
  const missing: string[] = [];
  for (const field of join.meta.fields.values()) {
    const given = row[field.name];
    const value =
      given !== undefined
        ? given
        : stamps && (field.name === stamps.createdAt || field.name === stamps.updatedAt)
          ? now
          : defaultValue(field.config);
    if (value !== undefined) out[field.name] = value;
    else if (!field.config.autoIncrement) missing.push(field.name);
  }
  if (missing.length > 0) {
    const list = missing.map((f) => `"${f}"`).join(", ");
    throw new ValidationError(
      `Cannot attach to ${label(meta)}: its join model "${join.meta.name}" needs ${list}, which nothing fills; give ${missing.length === 1 ? "it a default" : "them defaults"}, or list ${missing.length === 1 ? "it" : "them"} in the relation's pivotFields and pass the values.`,
      meta.model,
      missing[0],
    );
  }
  return out;
}

const fieldNames = new WeakMap<BelongsToManyMeta, ReadonlySet<string>>();

/** The names of a relation's pivot fields (worked out once per relation). */
function pivotFieldNames(meta: BelongsToManyMeta): ReadonlySet<string> {
  let names = fieldNames.get(meta);
  if (!names) {
    names = new Set(meta.pivot.fields.map((f) => f.name));
    fieldNames.set(meta, names);
  }
  return names;
}

/** A pivot value the relation's pivotWhere fixes must not be given another value. */
function checkPivotFilter(meta: BelongsToManyMeta, values: Row): void {
  if (meta.pivot.where === undefined) return;
  for (const [field, value] of Object.entries(meta.pivot.where)) {
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
  const allowed = pivotFieldNames(meta);
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
