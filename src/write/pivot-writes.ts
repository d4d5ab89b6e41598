import { CompiledQuery, type RawBuilder, type SelectQueryBuilder, type SqlBool, sql } from "kysely";
import { rowsIn } from "../dialect/profile.js";
import type { Session } from "../dialect/session.js";
import { ValidationError } from "../errors.js";
import { checkOwnKey, describeValue, ownValue } from "../plan/arguments.js";
import { deletePivot, insertPivot, selectModel, selectPivot, updatePivot } from "../plan/front-door.js";
import { codecFor, type ModelCodec } from "../plan/model-codec.js";
import { checkValue, defaultValue, toColumns } from "../plan/validate.js";
import { keyOf, type Row } from "../relations/fetch.js";
import { pivotCodec } from "../relations/pivot.js";
import type { BelongsToManyMeta } from "../schema/meta.js";
import { missingKeys, sameList } from "./writes.js";

/** What attach/sync take: ids, rows, or `{ id: pivotValues }`. */
export type AttachInput = unknown;

/** `{ attached, detached, updated }`: the related keys each part of a sync touched. */
export interface SyncResult {
  attached: unknown[];
  detached: unknown[];
  updated: unknown[];
}

/** What one read tells a pivot write on some parents (`PivotRows.state`). */
export interface PivotStates {
  /** The given keys no row of the related model has (under its rule): not attachable. */
  readonly missing: unknown[];
  /**
   * Each parent's pivot rows (of the given keys, or all): parent key -> related key -> [key,
   * decoded pivot values]. A parent without pivot rows has no entry.
   */
  readonly current: Map<string, Map<string, [unknown, Row]>>;
}

/** What one read tells a pivot write on one parent (`PivotWriter.state`). */
export interface PivotState {
  readonly missing: unknown[];
  /** This parent's pivot rows (of the given keys, or all): related key -> [key, decoded pivot values]. */
  readonly current: Map<string, [unknown, Row]>;
}

/** A pivot row to write: [parent key, related key, pivot values], the keys as the pivot columns hold them. */
export type PivotEntry = readonly [parent: unknown, related: unknown, values: Row];

type AnySelect = SelectQueryBuilder<any, any, any>;
type Where<Q> = { where: (...args: any[]) => Q };

/** The column of `PivotRows.state`'s read holding a related row's key (null on pivot rows). */
const FOUND = "relata_found";

/** The alias of the derived table of values a batched UPDATE joins. */
const VALUES = "relata_v";

/**
 * The pivot rows of some parents of a many-to-many relation, and the writes on them: each
 * read and write is one statement for all the parents (chunked under the parameter limit).
 */
export class PivotRows {
  readonly #session: Session;
  readonly #meta: BelongsToManyMeta;
  readonly #pivot: ModelCodec;
  readonly #target: ModelCodec;
  /** The parents' keys, as the pivot column holds them, in order. */
  readonly parentKeys: readonly unknown[];

  constructor(session: Session, meta: BelongsToManyMeta, parents: readonly Row[]) {
    this.#session = session;
    this.#meta = meta;
    this.#pivot = pivotCodec(session, meta);
    this.#target = codecFor(session, meta.target);
    this.parentKeys = parents.map((parent) => {
      const key = parent?.[meta.parentKey];
      if (key === undefined || key === null) {
        throw new ValidationError(
          `"${meta.model}.${meta.name}" needs the parent's "${meta.parentKey}".`,
          meta.model,
          meta.parentKey,
        );
      }
      return this.#pivot.keyValue(meta.pivot.foreignKey.name, key);
    });
  }

  /** ids | rows | { id: values } (+ values for all) -> [related key, pivot values] in order, validated. */
  entries(input: AttachInput, values: Row = {}): [unknown, Row][] {
    return pivotEntries(this.#session, this.#meta, input, values);
  }

  /**
   * One read for a write on the parents' pivot rows: which of `keys` are rows of the related
   * model (under its rule), and the parents' pivot rows with their values (those of `keys`,
   * or all of them with `all`). One statement (the related rows UNION ALL the pivot rows)
   * unless the keys and parents overflow the driver's parameter limit; none without keys
   * unless `all`.
   */
  async state(keys: readonly unknown[], all: boolean): Promise<PivotStates> {
    const unique = [...new Map(keys.map((k) => [keyOf(k), k])).values()];
    const budget = this.#session.profile.maxParameters - 100;
    const keyChunks = chunks(unique, Math.max(1, Math.floor(budget / (all ? 1 : 2))));
    const parentChunks = chunks(this.parentKeys, Math.max(1, Math.floor(budget / 2)));
    // Parts of at most about one budget each, packed into statements under the limit.
    const parts: [AnySelect, number][] = [];
    for (const chunk of keyChunks) {
      parts.push([this.#relatedRows(chunk), chunk.length]);
      if (!all)
        for (const parents of parentChunks)
          parts.push([this.#pivotValues(parents, chunk), parents.length + chunk.length]);
    }
    if (all) for (const parents of parentChunks) parts.push([this.#pivotValues(parents), parents.length]);
    const limit = this.#session.profile.maxParameters - 50;
    const statements: AnySelect[][] = [];
    let cost = 0;
    for (const [part, size] of parts) {
      const last = statements.at(-1);
      if (last && cost + size <= limit) {
        last.push(part);
        cost += size;
      } else {
        statements.push([part]);
        cost = size;
      }
    }
    const { foreignKey, relatedKey } = this.#meta.pivot;
    const fields = this.#valueFields();
    // A pivot row's values without the parent's key (fields[0]).
    const own = fields.slice(1);
    const found = new Set<string | undefined>();
    const current = new Map<string, Map<string, [unknown, Row]>>();
    for (const selects of statements) {
      const query = selects.reduce((union, part) => union.unionAll(part));
      for (const row of (await this.#session.execute<Row>(query)).rows) {
        const related = row[FOUND];
        if (related !== null && related !== undefined) {
          found.add(keyOf(related));
          continue;
        }
        const values: Row = {};
        for (const field of fields) values[field] = row[field];
        const stored = this.#pivot.decode<Row>(values);
        const decoded: Row = {};
        for (const field of own) decoded[field] = stored[field];
        const parentKey = keyOf(this.#pivot.keyValue(foreignKey.name, stored[foreignKey.name]))!;
        const key = this.#pivot.keyValue(relatedKey.name, decoded[relatedKey.name]);
        let rows = current.get(parentKey);
        if (rows === undefined) {
          rows = new Map<string, [unknown, Row]>();
          current.set(parentKey, rows);
        }
        rows.set(keyOf(key)!, [key, decoded]);
      }
    }
    return { missing: unique.filter((k) => !found.has(keyOf(k))), current };
  }

  /** The fields `state` reads of a pivot row: the parent's key, the related key and the pivot fields. */
  #valueFields(): string[] {
    const { foreignKey, relatedKey, fields } = this.#meta.pivot;
    return [foreignKey.name, relatedKey.name, ...fields.map((f) => f.name)];
  }

  /** SELECT the related model's keys among `keys` (the pivot columns null), under its rule. */
  #relatedRows(keys: readonly unknown[]): AnySelect {
    const { relatedKey } = this.#meta;
    const column = sql.ref(this.#target.ref(relatedKey));
    return selectModel(this.#session, this.#target)
      .select([column.as(FOUND), ...this.#valueFields().map((field) => sql`null`.as(field))])
      .where(
        this.#session.profile.inList(
          column,
          keys.map((k) => this.#target.encodeKey(relatedKey, k)),
          false,
        ),
      );
  }

  /** SELECT the pivot rows of `parents` (of `keys`, or all) with their values (the found column null). */
  #pivotValues(parents: readonly unknown[], keys?: readonly unknown[]): AnySelect {
    const query = this.#ofParents(selectPivot(this.#session, this.#meta.pivot), parents).select([
      sql`null`.as(FOUND),
      ...this.#pivot.select(this.#valueFields()),
    ]);
    return keys ? this.#keyIn(query, keys) : query;
  }

  /** `query` WHERE the pivot's related key is one of `keys`. */
  #keyIn<Q extends Where<Q>>(query: Q, keys: readonly unknown[]): Q {
    const field = this.#meta.pivot.relatedKey.name;
    return query.where(
      this.#session.profile.inList(
        sql.ref(this.#pivot.ref(field)),
        keys.map((k) => this.#pivot.encode(field, k)),
        false,
      ),
    );
  }

  /** The INSERTs of pivot rows for `entries` (keys not attached yet), with timestamps, the morph type and the relation's pivot values. */
  inserts(entries: readonly PivotEntry[]): CompiledQuery[] {
    return pivotInserts(this.#session, this.#meta, entries).statements;
  }

  /**
   * The DELETEs of the pivot rows `pairs` names ([parent key, related key]): of one parent,
   * `parent = ? AND related IN (...)`; of several, `(parent, related) IN <rows>`, chunked.
   */
  deletions(pairs: readonly (readonly [parent: unknown, related: unknown])[]): CompiledQuery[] {
    if (pairs.length === 0) return [];
    const { foreignKey, relatedKey } = this.#meta.pivot;
    const parents = new Set(pairs.map(([parent]) => keyOf(parent)));
    if (parents.size === 1) {
      const query = this.#ofParents(deletePivot(this.#session, this.#meta.pivot), [pairs[0]![0]]);
      return [
        this.#keyIn(
          query,
          pairs.map(([, key]) => key),
        ).compile(),
      ];
    }
    const { profile } = this.#session;
    const refs = [sql.ref(this.#pivot.ref(foreignKey.name)), sql.ref(this.#pivot.ref(relatedKey.name))];
    const like = this.#like([foreignKey.name, relatedKey.name]);
    return chunks(pairs, Math.max(1, Math.floor((profile.maxParameters - 100) / 2))).map((chunk) => {
      const rows = chunk.map(([parent, key]) => [
        this.#pivot.encode(foreignKey.name, parent),
        this.#pivot.encode(relatedKey.name, key),
      ]);
      const query = deletePivot(this.#session, this.#meta.pivot);
      const matching =
        profile.joinValues === "from"
          ? query.where(rowsIn(profile, refs, rows, like))
          : query
              .using([this.#meta.pivot.table, profile.valuesTable(rows, like).as(VALUES)] as never)
              .where(this.#joined());
      return this.#scope(matching).compile();
    });
  }

  /** The DELETE of every pivot row of these parents. */
  deletionOfAll(): CompiledQuery {
    return this.#ofParents(deletePivot(this.#session, this.#meta.pivot), this.parentKeys).compile();
  }

  /**
   * The UPDATEs setting pivot values of attached rows ([parent key, related key, values]),
   * with `updatedAt` when the pivot has timestamps: rows that set the same fields share one
   * statement, which joins their values as a derived table when there are several.
   */
  changes(entries: readonly PivotEntry[]): CompiledQuery[] {
    const join = joinModel(this.#session, this.#meta);
    const stamp = join?.meta.timestamps?.updatedAt;
    const now = new Date();
    const groups = new Map<string, [parent: unknown, related: unknown, set: Row][]>();
    for (const [parent, key, values] of entries) {
      const given: Row = {};
      let empty = true;
      for (const field in values) {
        if (!Object.hasOwn(values, field) || values[field] === undefined) continue;
        given[field] = values[field];
        empty = false;
      }
      if (this.#meta.pivot.timestamps) {
        given.updatedAt = now;
        empty = false;
      }
      if (empty) continue;
      // A join model that keeps timestamps has its updatedAt set, as its own update would.
      if (stamp !== undefined && given[stamp] === undefined) given[stamp] = now;
      const set = toColumns(join ?? this.#pivot, given);
      const signature = Object.keys(set).join("\0");
      const group = groups.get(signature);
      if (group) group.push([parent, key, set]);
      else groups.set(signature, [[parent, key, set]]);
    }
    return [...groups.values()].flatMap((group) =>
      group.length === 1 ? [this.#changeOne(...group[0]!)] : this.#changeMany(group),
    );
  }

  /** `UPDATE pivot SET ... WHERE parent = ? AND related = ?` (and the relation's scope). */
  #changeOne(parent: unknown, key: unknown, set: Row): CompiledQuery {
    const field = this.#meta.pivot.relatedKey.name;
    return this.#ofParents(updatePivot(this.#session, this.#meta.pivot, set), [parent])
      .where(sql.ref(this.#pivot.ref(field)), "=", this.#pivot.encode(field, key))
      .compile();
  }

  /** UPDATEs of rows setting the same columns, joined to their values (c0 parent, c1 related, then the columns). */
  #changeMany(group: readonly [parent: unknown, related: unknown, set: Row][]): CompiledQuery[] {
    const { foreignKey, relatedKey, table } = this.#meta.pivot;
    const { profile, kysely } = this.#session;
    const columns = Object.keys(group[0]![2]);
    const like = this.#like([foreignKey.name, relatedKey.name]);
    like.columns.push(...columns);
    const per = Math.max(1, Math.floor((profile.maxParameters - 100) / (columns.length + 2)));
    const on = this.#joined();
    const set = Object.fromEntries(columns.map((column, i) => [column, sql.ref(`${VALUES}.c${i + 2}`)]));
    return chunks(group, per).map((chunk) => {
      const rows = chunk.map(([parent, key, values]) => [
        this.#pivot.encode(foreignKey.name, parent),
        this.#pivot.encode(relatedKey.name, key),
        ...columns.map((column) => values[column]),
      ]);
      const values = profile.valuesTable(rows, like).as(VALUES);
      // MySQL joins the tables of a multi-table UPDATE before its SET: `update t, (...) as v set ...`.
      const query =
        profile.joinValues === "from"
          ? kysely.updateTable(table).from(values).set(set).where(on)
          : kysely
              .updateTable([table, values] as never)
              .set(set)
              .where(on);
      return this.#scope(query).compile();
    });
  }

  /** The pivot row whose keys are the joined derived table's c0 (parent) and c1 (related). */
  #joined(): RawBuilder<SqlBool> {
    const { foreignKey, relatedKey } = this.#meta.pivot;
    const column = (field: string) => sql.ref(this.#pivot.ref(field));
    return sql<SqlBool>`${column(foreignKey.name)} = ${sql.ref(`${VALUES}.c0`)} and ${column(relatedKey.name)} = ${sql.ref(`${VALUES}.c1`)}`;
  }

  /** The pivot table and the columns of these pivot fields, for typing a derived table of their values. */
  #like(fields: readonly string[]): { table: string; columns: string[] } {
    return { table: this.#meta.pivot.table, columns: fields.map((field) => this.#pivot.field(field).column) };
  }

  /** The WHERE of these parents' pivot rows: their keys, and the relation's scope. */
  #ofParents<Q extends Where<Q>>(query: Q, parents: readonly unknown[]): Q {
    const { foreignKey } = this.#meta.pivot;
    const column = sql.ref(this.#pivot.ref(foreignKey.name));
    const encoded = parents.map((parent) => this.#pivot.encode(foreignKey.name, parent));
    return this.#scope(
      encoded.length === 1
        ? query.where(column, "=", encoded[0])
        : query.where(this.#session.profile.inList(column, encoded, false)),
    );
  }

  /** The relation's scope of pivot rows: the morph type and the relation's pivot filter. */
  #scope<Q extends Where<Q>>(query: Q): Q {
    const { morphType, where } = this.#meta.pivot;
    let q = query;
    if (morphType) q = q.where(sql.ref(this.#pivot.ref(morphType.name)), "=", morphType.value);
    for (const [field, value] of Object.entries(where ?? {})) {
      q = q.where(sql.ref(this.#pivot.ref(field)), "=", this.#pivot.encode(field, value));
    }
    return q;
  }
}

/** One parent's pivot rows of a many-to-many relation, and the writes on them (PivotRows of one parent). */
export class PivotWriter {
  readonly #session: Session;
  readonly #meta: BelongsToManyMeta;
  readonly #rows: PivotRows;

  constructor(session: Session, meta: BelongsToManyMeta, parent: Row) {
    this.#session = session;
    this.#meta = meta;
    this.#rows = new PivotRows(session, meta, [parent]);
  }

  /** The parent's key, as the pivot column holds it. */
  get parentKey(): unknown {
    return this.#rows.parentKeys[0];
  }

  /** ids | rows | { id: values } (+ values for all) -> [related key, pivot values] in order, validated. */
  entries(input: AttachInput, values: Row = {}): [unknown, Row][] {
    return this.#rows.entries(input, values);
  }

  /** `PivotRows.state` of this parent. */
  async state(keys: readonly unknown[], all: boolean): Promise<PivotState> {
    const { missing, current } = await this.#rows.state(keys, all);
    return { missing, current: current.get(keyOf(this.parentKey)!) ?? new Map() };
  }

  /** Every given key must be a related row: otherwise a ValidationError naming the relation. */
  ensureExist(keys: readonly unknown[]): Promise<void> {
    return ensureRelatedExist(this.#session, this.#meta, keys);
  }

  /** The INSERTs of pivot rows for `entries` (keys not attached yet), with timestamps, the morph type and the relation's pivot values. */
  inserts(entries: readonly (readonly [unknown, Row, ...unknown[]])[]): CompiledQuery[] {
    return this.#rows.inserts(entries.map(([key, values]) => [this.parentKey, key, values]));
  }

  /** The DELETE of this parent's pivot rows for `keys` (all of them when undefined). */
  deletion(keys?: readonly unknown[]): CompiledQuery {
    return keys ? this.#rows.deletions(keys.map((key) => [this.parentKey, key]))[0]! : this.#rows.deletionOfAll();
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
    return this.#rows.changes([[this.parentKey, key, values]])[0];
  }

  /** Updates the pivot values of one attached key (and `updatedAt` when the pivot has timestamps). */
  async update(key: unknown, values: Row): Promise<number> {
    const statement = this.change(key, values);
    if (!statement) return 0;
    const [count] = await runPivotWrites(this.#session, this.#meta, [statement]);
    return count!;
  }
}

/** `list` in slices of at most `size`. */
function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
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
  /** A `{ key: pivotValues }` map's own keys, when the caller has listed them already. */
  mapKeys?: readonly string[],
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
  const shared = Object.keys(values).length > 0;
  const entries: [unknown, Row][] = [];
  if (isMap) {
    const what = `a key of "${meta.model}.${meta.name}" to attach`;
    for (const id of mapKeys ?? Object.keys(input as Row)) {
      checkOwnKey(meta.model, id, what);
      const extra = pivotValues(meta, (input as Row)[id]);
      const own = shared ? { ...values, ...extra } : { ...extra };
      entries.push([key(id), checkPivotValues(session, meta, own)]);
    }
    return entries;
  }
  for (const item of Array.isArray(input) ? input : [input]) {
    entries.push([key(item), checkPivotValues(session, meta, { ...values })]);
  }
  return entries;
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
 * Where the database runs writes inside a WITH (PostgreSQL), several are one statement,
 * atomic by itself: no transaction, one round trip.
 */
export async function runPivotWrites(
  session: Session,
  meta: BelongsToManyMeta,
  statements: readonly CompiledQuery[],
): Promise<number[]> {
  if (statements.length > 1 && session.profile.writableCtes) {
    const { rows } = await session.execute<Row>(writesInOne(statements), meta.pivot.table);
    return statements.map((_, i) => Number(rows[0]?.[`c${i}`] ?? 0));
  }
  const run = async (on: Session) => {
    const changed: number[] = [];
    for (const statement of statements) {
      changed.push(Number((await on.execute(statement, meta.pivot.table)).numAffectedRows ?? 0n));
    }
    return changed;
  };
  return statements.length <= 1 ? run(session) : session.transaction(run);
}

/** A `$n` placeholder, outside quoted identifiers and strings (matched whole, so skipped). */
const PLACEHOLDER = /"(?:[^"]|"")*"|'(?:[^']|'')*'|\$(\d+)/g;

/**
 * Write statements (numbered parameters, no RETURNING) as one data-modifying WITH: each a CTE
 * returning 1, the main query counting each one's rows (`c0`, `c1`, ...). They run on one
 * snapshot and must touch different rows, as a sync's DELETE, INSERT and UPDATE do; they run
 * in the order given (the select list reads them left to right), so a row the DELETE removed
 * frees its unique values for the writes after it (test/db/column-arrays.test.ts).
 */
function writesInOne(statements: readonly CompiledQuery[]): CompiledQuery {
  const parameters: unknown[] = [];
  const writes = statements.map((statement, i) => {
    const offset = parameters.length;
    parameters.push(...statement.parameters);
    const text =
      offset === 0
        ? statement.sql
        : statement.sql.replace(PLACEHOLDER, (match, n?: string) =>
            n === undefined ? match : `$${Number(n) + offset}`,
          );
    return `relata_w${i} as (${text} returning 1)`;
  });
  const counts = statements.map((_, i) => `(select count(*) from relata_w${i}) as c${i}`);
  return CompiledQuery.raw(`with ${writes.join(", ")} select ${counts.join(", ")}`, parameters);
}

/**
 * Inserts pivot rows [parent key, related key, pivot values] for any number of parents, with
 * the relation's morph type, pivot filter values and timestamps; one statement per chunk
 * under the driver's parameter limit. Returns the rows as written (by field), in order.
 */
export async function insertPivotRows(
  session: Session,
  meta: BelongsToManyMeta,
  entries: readonly PivotEntry[],
): Promise<Row[]> {
  const { statements, written } = pivotInserts(session, meta, entries);
  for (const statement of statements) await session.execute(statement, meta.pivot.table);
  return written;
}

/** The INSERTs `insertPivotRows` sends, and the rows as they write them (by field), in order. */
export function pivotInserts(
  session: Session,
  meta: BelongsToManyMeta,
  entries: readonly PivotEntry[],
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
  // Pivot fields with a default (or null) get it per row (a default may be random or the time).
  const defaulted = meta.pivot.fields.filter((field) => defaultValue(field.config) !== undefined);
  // What every row has after its keys; its own values come last.
  const common: Row = {
    ...(morphType ? { [morphType.name]: morphType.value } : {}),
    ...(timestamps ? { createdAt: now, updatedAt: now } : {}),
    ...fixed,
  };
  // Pivot fields nothing fills (not nullable, no default): each new row must be given them.
  const required = join
    ? []
    : meta.pivot.fields.filter((f) => !Object.hasOwn(common, f.name) && !defaulted.includes(f));
  const written = entries.map(([parent, key, values]): Row => {
    const row: Row = {};
    for (const field of defaulted) row[field.name] = defaultValue(field.config);
    row[foreignKey.name] = parent;
    row[relatedKey.name] = key;
    Object.assign(row, common, values);
    for (const field of required) if (row[field.name] === undefined) throw missingPivotValue(meta, field.name, key);
    return join ? joinModelRow(meta, join, row, now) : row;
  });
  // Rows with the same fields share a statement; a chunk stays under the parameter limit.
  const groups = new Map<string, Row[]>();
  let fields: string[] = [];
  let group: Row[] = [];
  for (const row of written) {
    const keys = Object.keys(row);
    if (!sameList(keys, fields)) {
      fields = keys;
      const signature = keys.join("\0");
      group = groups.get(signature) ?? [];
      groups.set(signature, group);
    }
    group.push(row);
  }
  const statements = [...groups.values()].flatMap((rows) => {
    const perStatement = Math.max(1, Math.floor(session.profile.maxParameters / Object.keys(rows[0]!).length));
    return chunks(rows, perStatement).map((chunk) => insertPivot(session, meta.pivot, join ?? pivot, chunk));
  });
  return { statements, written };
}

/** A new pivot row without a value for a pivot field that is not nullable and has no default. */
function missingPivotValue(meta: BelongsToManyMeta, field: string, key: unknown): ValidationError {
  const shown = typeof key === "string" ? JSON.stringify(key) : String(key);
  return new ValidationError(
    `Cannot attach ${shown} to ${label(meta)}: its pivot field "${field}" is required (not nullable, no default) and has no value. Pass it with the key ({ ${shown}: { ${field}: ... } }) or for all the keys, or make the field nullable or give it a default.`,
    meta.model,
    field,
  );
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
  for (const field of Object.keys(values)) {
    const value = values[field];
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
