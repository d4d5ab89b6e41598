import {
  type AliasedExpression,
  type Expression,
  type ExpressionBuilder,
  type SelectQueryBuilder,
  type SqlBool,
  sql,
} from "kysely";
import type { Session } from "../dialect/session.js";
import { RelataError } from "../errors.js";
import { compileCached, type ShapeValues, signNodes, signRule } from "../plan/compiled-cache.js";
import { joinModel, selectDerived, selectModel } from "../plan/front-door.js";
import { adoptRows } from "../plan/instance-state.js";
import type { ModelCodec } from "../plan/model-codec.js";
import {
  aggregateSelections,
  decodeAggregates,
  type Order,
  orderExpression,
  type QueryState,
  selectionOf,
} from "../plan/state.js";
import { compileWhere } from "../plan/where.js";
import type { FieldMeta } from "../schema/meta.js";

export type Row = Record<string, unknown>;
type AnySelect = SelectQueryBuilder<any, any, any>;

/** What one relation level reads: rows of `target` whose `keyRef` is one of `keys`. */
export interface FetchSpec {
  readonly session: Session;
  readonly target: ModelCodec;
  /** The column matched against the parent keys (`posts.author_id`, `post_tag.post_id`). */
  readonly keyRef: string;
  /** Parent key values, distinct and not null, as the parents hold them. */
  readonly keys: readonly unknown[];
  /** Encodes a key for the driver (the codec of the key column's field). */
  readonly encodeKey: (value: unknown) => unknown;
  /** The user's constraint on the related rows (where, order, select, per-parent limit/offset). */
  readonly state: QueryState;
  /** Target fields stitching and nested loads need, selected even when the constraint selects less. */
  readonly requiredFields: readonly string[];
  /** A table joined to the target (the pivot, the intermediate model): `table.left = right`, and its rule. */
  readonly join?: { readonly table: ModelCodec; readonly left: string; readonly right: string };
  /** Conditions besides the keys and the constraint (morph type, fixed relation filters, pivot filters). */
  readonly where?: (eb: ExpressionBuilder<any, any>) => Expression<SqlBool> | undefined;
  /** Columns besides the target's fields, aliased (pivot fields, the through key). */
  readonly extraSelect?: readonly AliasedExpression<unknown, string>[];
  /** The name each extra column takes in a row's extras (default: its alias). */
  readonly extraKeys?: readonly string[];
  /**
   * The column of the read each of `extraKeys` takes its value from (default: the extra
   * columns' aliases, in order): an extra equal to a selected target field (the pivot's related
   * key, which the join makes equal to the target's key) reads that field's column instead of
   * selecting the same value twice.
   */
  readonly extraColumns?: readonly string[];
  /** Also set each row's extras object as this property of the row (`pivot`), before decoding. */
  readonly extrasAs?: string;
  /**
   * Names what `join`, `where` and `extraSelect` add (the relation, `model.relation`): set, the
   * level's compiled SQL is reused across calls of the same shape (query/compiled-cache.ts).
   */
  readonly cacheKey?: string;
}

/** The selected fields: the constraint's selection plus what is required, or every field. */
export function selectedFields(target: ModelCodec, state: QueryState, required: readonly string[]): string[] {
  const selects = selectionOf(target.meta, state);
  if (!selects) return [...target.meta.fieldNames];
  if (selects.length + required.length > 16) return [...new Set([...selects, ...required])];
  // A few fields (a point read's select): listed once each without building a Set.
  const fields: string[] = [];
  for (const field of selects) if (!fields.includes(field)) fields.push(field);
  for (const field of required) if (!fields.includes(field)) fields.push(field);
  return fields;
}

/**
 * Reads the related rows of one level in as few statements as the parameter limit allows
 * (one, unless there are tens of thousands of keys). A limit or offset on the constraint
 * applies per parent, through ROW_NUMBER() partitioned by the key column.
 */
export async function fetchRelated(spec: FetchSpec): Promise<Row[]> {
  return (await fetchRelatedWithExtras(spec))[0];
}

/**
 * `fetchRelated`, with the `extraSelect` columns (pivot fields, the through key) handed back
 * apart: `extras[i]` holds row i's, by alias. The rows are built without them (deleting
 * properties would turn every row into a slow dictionary object).
 */
export async function fetchRelatedWithExtras(spec: FetchSpec): Promise<[rows: Row[], extras: Row[]]> {
  const { session, target, state } = spec;
  if (spec.keys.length === 0) return [[], []];
  const fields = selectedFields(target, state, spec.requiredFields);
  const limit = session.profile.maxParameters;
  const encoded = spec.keys.map(spec.encodeKey);
  const all = compileCached(session, levelShape(spec, fields, encoded), () => levelQuery(spec, fields, encoded));
  // One statement unless the keys overflow the driver's limit; then chunks of the room left.
  let statements = [all];
  if (all.parameters.length > limit) {
    const chunkSize = limit - (all.parameters.length - spec.keys.length);
    if (chunkSize < 1) {
      throw new RelataError(
        `Loading ${target.meta.name} binds ${all.parameters.length - spec.keys.length} values besides the keys, more than the driver's limit of ${limit}.`,
      );
    }
    statements = [];
    for (let i = 0; i < spec.keys.length; i += chunkSize) {
      const chunk = encoded.slice(i, i + chunkSize);
      statements.push(compileCached(session, levelShape(spec, fields, chunk), () => levelQuery(spec, fields, chunk)));
    }
  }
  const rows: Row[] = [];
  const extras: Row[] = [];
  const extraNames = spec.extraColumns ?? (spec.extraSelect ?? []).map((selection) => selection.alias as string);
  const extraKeys = spec.extraKeys ?? extraNames;
  const kept = [...fields, ...state.aggregates.map((a) => a.alias)];
  // Rows with columns beyond the target's (extras, the per-parent row number) are copied
  // without them; the others are used as the driver made them.
  const copy = extraNames.length > 0 || state.limit !== undefined || state.offset !== undefined;
  // Rows used as the driver made them: made as the target's rows where the driver can.
  const make = copy ? undefined : target.rowMaker;
  for (const statement of statements) {
    const result = await session.execute<Row>(statement, undefined, make);
    const read: Row[] = [];
    const made = target.made(result.rows);
    for (const raw of result.rows) {
      if (!copy) {
        read.push(target.decode<Row>(raw, made));
        continue;
      }
      // A fresh object of the target's columns (same shape for every row), the rest apart.
      const row: Row = target.fresh();
      for (const name of kept) row[name] = raw[name];
      if (extraNames.length > 0) {
        const extra: Row = {};
        for (let j = 0; j < extraNames.length; j++) extra[extraKeys[j]!] = raw[extraNames[j]!];
        extras.push(extra);
        // Set while the row is still a fresh literal: adding it after decoding is slower.
        if (spec.extrasAs !== undefined) row[spec.extrasAs] = extra;
      }
      read.push(target.decode<Row>(row, true));
    }
    decodeAggregates(read, state);
    for (const row of read) rows.push(row);
  }
  // A class model's instances read together (one level, all parents) know each other.
  if (target.meta.modelClass) adoptRows(rows, session);
  return [rows, extras];
}

/** The shape and values of a level's query, when its relation names it (`cacheKey`). */
function levelShape(spec: FetchSpec, fields: readonly string[], keys: readonly unknown[]): ShapeValues | undefined {
  const { state } = spec;
  const target = spec.target.under(state);
  if (spec.cacheKey === undefined || state.aggregates.length > 0 || state.orders.some((o) => o.build)) return undefined;
  if (state.pivotWheres.length > 0) return undefined;
  const pg = target.profile.numberedParameters;
  const keyed = keyedLimit(spec);
  const parts = ["level", spec.cacheKey, target.from, fields.join(",")];
  const values: unknown[] = [];
  // The keys, as the IN list or the keyed form's key table binds them: one array parameter on
  // PostgreSQL (`= any`, unnest), one per key elsewhere (so their number is part of the shape).
  const signKeys = (label: string) => {
    parts.push(pg ? label : `${label} ${keys.length}`);
    if (pg) values.push([...keys]);
    else values.push(...keys);
  };
  // In the order the statement binds them: the keyed form's keys (its FROM), the joined table's
  // rule (ON), the target's, the keys, the conditions, the paging.
  if (keyed) signKeys("keyed");
  if (spec.join && !signRule(spec.join.table, parts, values)) return undefined;
  if (!signRule(target, parts, values)) return undefined;
  if (!keyed) signKeys("keys");
  if (!signNodes(target, state.wheres, parts, values)) return undefined;
  for (const order of state.orders) parts.push(`o:${order.field}:${order.direction}`);
  if (keyed) {
    parts.push(`limit ${(state.offset ?? 0) > 0}`);
    values.push(state.limit);
    if ((state.offset ?? 0) > 0) values.push(state.offset);
  } else if (state.limit !== undefined || state.offset !== undefined) {
    const offset = state.offset ?? 0;
    parts.push(`ranked ${offset > 0} ${state.limit !== undefined}`);
    if (offset > 0) values.push(offset);
    if (state.limit !== undefined) values.push(offset + state.limit);
  }
  return [parts.join(" "), values];
}

/** A level's WHERE: `keyCondition` (the keys), the relation's own conditions, the constraint's. */
function levelConditions(
  spec: FetchSpec,
  eb: ExpressionBuilder<any, any>,
  keyCondition: Expression<SqlBool>,
): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [keyCondition];
  const extra = spec.where?.(eb);
  if (extra) conditions.push(extra);
  if (spec.state.wheres.length > 0) conditions.push(compileWhere(spec.target, eb, spec.state.wheres));
  return conditions.length === 1 ? conditions[0]! : eb.and(conditions);
}

function levelQuery(spec: FetchSpec, fields: readonly string[], keys: readonly unknown[]): AnySelect {
  const { session, target, state } = spec;
  const orders = ordersOrKey(target, state);
  if (keyedLimit(spec)) return keyedLevel(spec, fields, keys, orders);
  let query = selectModel(session, target.under(state));
  if (spec.join) query = joinModel(query, spec.join.table, spec.join.left, spec.join.right);
  query = query
    .select([...target.select(fields), ...aggregateSelections(target, state), ...(spec.extraSelect ?? [])])
    .where((eb) => levelConditions(spec, eb, session.profile.inList(sql.ref(spec.keyRef), keys, false)));
  if (state.limit === undefined && state.offset === undefined) {
    // Key column first: the database walks its index on it instead of sorting every row (or
    // scanning the related table in key order); rows are grouped per parent anyway.
    query = query.orderBy(sql.ref(spec.keyRef));
    // Keyed by the target's own primary key (a belongsTo, a morphTo): one row per key, nothing to order further.
    const [pk, ...rest] = target.meta.primaryKey;
    if (!spec.join && rest.length === 0 && pk !== undefined && target.ref(pk) === spec.keyRef) return query;
    // Without an order of the constraint's own: by the joined column equal to the target's
    // primary key (a pivot's related key), so the database walks the joined table's
    // (key, related key) index instead of sorting every row. Same rows, same order.
    const joinedKey = spec.join && state.orders.length === 0 ? joinedPrimaryKey(target, spec.join) : undefined;
    if (joinedKey !== undefined) return query.orderBy(sql.ref(joinedKey));
    for (const order of orders) query = query.orderBy(orderExpression(target, order), order.direction);
    return query;
  }
  // Per parent: number the rows of each key in the constraint's order, keep offset < n <= offset + limit.
  const ranked = query.select((eb) => [
    sql.ref(spec.keyRef).as("relata_key"),
    eb.fn
      .agg<number>("row_number")
      .over((over) => {
        let o = over.partitionBy(sql.ref(spec.keyRef) as never);
        for (const order of orders) o = o.orderBy(orderExpression(target, order) as never, order.direction);
        return o;
      })
      .as("relata_rn"),
  ]);
  const offset = state.offset ?? 0;
  let outer = selectDerived(session, ranked, "relata_ranked").selectAll();
  // Without an offset, no lower bound: SQLite evaluates `rn > 0` on every ranked row (S4: 14.6 against 18.2 ms).
  if (offset > 0) outer = outer.where("relata_ranked.relata_rn", ">", offset);
  if (state.limit !== undefined) outer = outer.where("relata_ranked.relata_rn", "<=", offset + state.limit);
  // By key, then rank: the window already yields rows in that order, so no sort is needed.
  return outer.orderBy("relata_ranked.relata_key").orderBy("relata_ranked.relata_rn");
}

/**
 * Whether a per-parent limit is read by key (the profile's `keyed` or `lateral`): a limited
 * level of a relation matched on the target's own column (no pivot or intermediate table, no
 * extra columns), that column indexed, with a single primary key, no aggregates and no
 * computed order.
 */
function keyedLimit(spec: FetchSpec): boolean {
  const { target, state } = spec;
  return (
    target.profile.perParentLimit !== "window" &&
    state.limit !== undefined &&
    spec.join === undefined &&
    (spec.extraSelect?.length ?? 0) === 0 &&
    state.aggregates.length === 0 &&
    target.meta.primaryKey.length === 1 &&
    !state.orders.some((order) => order.build) &&
    indexedColumn(target, spec.keyRef)
  );
}

/**
 * Whether the schema declares an index leading with the column `ref` names: the field's own
 * `index()`, `unique()` or `references()` (push and migrations index a foreign key), the
 * primary key's or a model index's first field. Without one, a lookup per key would scan the
 * table once per key (1,000 keys over 100,000 rows: 3.4 s against 0.14 s for the window).
 */
function indexedColumn(target: ModelCodec, ref: string): boolean {
  const { meta } = target;
  for (const field of meta.fields.values()) {
    if (target.ref(field.name) !== ref) continue;
    const { config, name } = field;
    if (config.index || config.unique || config.references || meta.primaryKey[0] === name) return true;
    return [...(meta.indexes ?? []), ...(meta.uniques ?? [])].some((columns) => columns[0] === name);
  }
  return false;
}

/**
 * A per-parent limit by key: a derived table of the keys, each joined to its first rows in the
 * constraint's order, one index lookup per key; by key, then in that order. `keyed`: the rows
 * whose primary key is among a correlated `IN (SELECT id ... LIMIT n)`; `lateral`: a CROSS JOIN
 * LATERAL of the limited rows themselves.
 */
function keyedLevel(spec: FetchSpec, fields: readonly string[], keys: readonly unknown[], orders: readonly Order[]) {
  const { session, target, state } = spec;
  const pk = target.meta.primaryKey[0]!;
  const key = sql.ref("relata_keys.c0");
  const dot = spec.keyRef.lastIndexOf(".");
  const like = { table: spec.keyRef.slice(0, dot), columns: [spec.keyRef.slice(dot + 1)] };
  const lateral = target.profile.perParentLimit === "lateral";
  const scoped = selectModel(session, target.under(state));
  let chosen = (lateral ? scoped.selectAll() : scoped.select(sql.ref(target.ref(pk)).as("relata_id"))).where((eb) =>
    levelConditions(spec, eb, eb(sql.ref(spec.keyRef), "=", key)),
  );
  for (const order of orders) chosen = chosen.orderBy(orderExpression(target, order), order.direction);
  chosen = chosen.limit(state.limit!);
  if ((state.offset ?? 0) > 0) chosen = chosen.offset(state.offset!);
  const rows = target.aliased("relata_limited");
  const from = session.kysely.selectFrom(
    session.profile
      .valuesTable(
        keys.map((k) => [k]),
        like,
      )
      .as("relata_keys"),
  );
  let query = (
    lateral
      ? from.crossJoinLateral(chosen.as("relata_limited"))
      : from.innerJoin(rows.from, (join) => join.on(sql<SqlBool>`${sql.ref(rows.ref(pk))} in (${chosen})`))
  )
    .select([...rows.select(fields), key.as("relata_key")])
    .orderBy(key);
  for (const order of orders) query = query.orderBy(orderExpression(rows, order), order.direction);
  return query;
}

/** The joined table's column the join makes equal to the target's (single) primary key, if any. */
function joinedPrimaryKey(target: ModelCodec, join: NonNullable<FetchSpec["join"]>): string | undefined {
  const { primaryKey } = target.meta;
  return primaryKey.length === 1 && join.right === target.ref(primaryKey[0]!) ? join.left : undefined;
}

/** A key as a Map key: drivers return the same key as number, string or bigint. */
export function keyOf(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

const INTEGER_KINDS = new Set(["id", "integer"]);

/**
 * Two fields whose values the driver gives back alike and SQL compares alike: the same kind,
 * `id()` counting as an integer (SQLite compares 1 and "1" as different).
 */
export function sameKind(a: FieldMeta | undefined, b: FieldMeta | undefined): boolean {
  if (!a || !b) return false;
  const kind = (field: FieldMeta) => (INTEGER_KINDS.has(field.config.kind) ? "integer" : field.config.kind);
  return kind(a) === kind(b);
}

/** The distinct non-null values of `field` over `rows`, in first-seen order. */
export function distinctKeys(rows: readonly Row[], field: string): unknown[] {
  const seen = new Set<string>();
  const keys: unknown[] = [];
  for (const row of rows) {
    const value = row[field];
    const key = keyOf(value);
    if (key === undefined || seen.has(key)) continue;
    seen.add(key);
    keys.push(value);
  }
  return keys;
}

/** Groups rows by their key (`keyOf(key(row))`), keeping their order. */
export function groupBy(rows: readonly Row[], key: (row: Row, index: number) => unknown): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const k = keyOf(key(row, i));
    if (k === undefined) continue;
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

/**
 * The value a to-one relation takes when nothing matches: null, or a fresh copy of its default
 * (`withDefault`) with `keys` (the fields pointing it at its parent) set over the given values.
 */
export function emptyToOne(withDefault: boolean | Readonly<Record<string, unknown>>, keys?: Row): Row | null {
  if (withDefault === false) return null;
  return withDefault === true ? { ...keys } : { ...withDefault, ...keys };
}

/** The constraint's order, or the target's primary key (so results are deterministic). */
export function ordersOrKey(target: ModelCodec, state: QueryState): readonly Order[] {
  return state.orders.length > 0
    ? state.orders
    : target.meta.primaryKey.map((field) => ({ field, direction: "asc" as const }));
}
