import { type Expression, type RawBuilder, type SelectQueryBuilder, sql } from "kysely";
import type { RelationLoadStrategy } from "../dialect/profile.js";
import type { Session } from "../dialect/session.js";
import type { ModelMeta } from "../schema/meta.js";
import { selectDerived, selectModel } from "./front-door.js";
import type { ModelCodec } from "./model-codec.js";
import type { WhereNode } from "./where.js";

/**
 * The fields a state reads of a model: its selection, or when it selects nothing the model's
 * visible fields (all but `hidden`); undefined when that is every field.
 */
export function selectionOf(meta: ModelMeta, state: QueryState): readonly string[] | undefined {
  return state.selects ?? (meta.hidden.size > 0 ? meta.visibleFields : undefined);
}

/** The immutable description of a query that a builder holds. */
export interface QueryState {
  readonly wheres: readonly WhereNode[];
  /**
   * Conditions the rows must meet whatever `wheres` says (a related() builder's parent scope):
   * ANDed with the user's conditions taken as one group, so an orWhere cannot escape them.
   */
  readonly scope: readonly WhereNode[];
  /** Selected fields; undefined selects every field but the model's hidden ones (selectionOf). */
  readonly selects: readonly string[] | undefined;
  readonly orders: readonly Order[];
  readonly limit: number | undefined;
  readonly offset: number | undefined;
  /** Relations to eager load onto the result, by name. */
  readonly eager: EagerTree;
  /** Conditions on the pivot row (inside a many-to-many constraint only). */
  readonly pivotWheres: readonly WhereNode[];
  /** How `eager` is loaded; undefined: the connection's default. */
  readonly strategy: RelationLoadStrategy | undefined;
  /** Relation aggregates selected with each row (withCount, withSum, ...). */
  readonly aggregates: readonly AggregateNode[];
  /** Soft-deleted rows: kept ("with", withTrashed) or read alone ("only", onlyTrashed); undefined: left out. */
  readonly trashed: "with" | "only" | undefined;
  /** Global scopes this query leaves out (withoutGlobalScope); "*": all of them. */
  readonly without: readonly string[];
  /** Default eager loads of the model (its `with` option) this query leaves out (`without`). */
  readonly withoutDefaults?: readonly string[];
  /** A morphTo level: the state of each target model, by name (`morphWith` / `constrain`; see plan/eager.ts). */
  readonly perType?: ReadonlyMap<string, QueryState>;
}

/** A sort key: a field, or an expression (an aggregate) under the name it was given. */
export interface Order {
  readonly field: string;
  readonly direction: "asc" | "desc";
  /** Set for aggregates: the expression to sort by, built on the (possibly aliased) table. */
  readonly build?: (codec: ModelCodec) => Expression<unknown>;
}

/** A named scalar subquery over a relation, selected with each row (`postsCount`). */
export interface AggregateNode {
  readonly alias: string;
  /** The value for each row of `codec`'s table; `json`: read for embedding in JSON (the join strategy). */
  readonly build: (codec: ModelCodec, json?: boolean) => Expression<unknown>;
  /** The shape and bound values of `build(codec)` (not JSON), as an expr node's `sign`; absent: not cached. */
  readonly sign?: (codec: ModelCodec, parts: string[], values: unknown[]) => boolean;
  /** A value compared with the aggregate (`having`) -> what the driver binds. */
  readonly encode: (value: unknown) => unknown;
  /** The value as read by the driver -> its JS value. */
  readonly decode: (value: unknown) => unknown;
  /** The value as rendered in JSON (the join strategy) -> its JS value. */
  readonly decodeJson: (value: unknown) => unknown;
}

/** `"query"`: one query per relation level; `"join"`: one statement with JSON-aggregated relations. */
export type { RelationLoadStrategy };

/** One relation to eager load: its constraint (a query on the related model) and what to load below it. */
export interface EagerNode {
  readonly relation: string;
  readonly state: QueryState;
}

export type EagerTree = ReadonlyMap<string, EagerNode>;

export const EMPTY_STATE: QueryState = {
  wheres: [],
  scope: [],
  selects: undefined,
  orders: [],
  limit: undefined,
  offset: undefined,
  eager: new Map(),
  pivotWheres: [],
  strategy: undefined,
  aggregates: [],
  trashed: undefined,
  without: [],
};

/** The parts of a state that shape which rows it reads and how (not what is eager loaded, nor the strategy). */
export type StatePart =
  | "wheres"
  | "scope"
  | "selects"
  | "orders"
  | "limit"
  | "offset"
  | "pivotWheres"
  | "aggregates"
  | "trashed"
  | "without"
  | "perType";

/** Whether `state` sets no part but the `allowed` ones (a constraint a fast path can take as it is). */
export function setsOnly(state: QueryState, allowed: readonly StatePart[]): boolean {
  const allowedIf = (part: StatePart, isSet: boolean) => !isSet || allowed.includes(part);
  return (
    allowedIf("wheres", state.wheres.length > 0) &&
    allowedIf("scope", state.scope.length > 0) &&
    allowedIf("selects", state.selects !== undefined) &&
    allowedIf("orders", state.orders.length > 0) &&
    allowedIf("limit", state.limit !== undefined) &&
    allowedIf("offset", state.offset !== undefined) &&
    allowedIf("pivotWheres", state.pivotWheres.length > 0) &&
    allowedIf("aggregates", state.aggregates.length > 0) &&
    allowedIf("trashed", state.trashed !== undefined) &&
    allowedIf("without", state.without.length > 0) &&
    allowedIf("perType", state.perType !== undefined)
  );
}

/** SQLite and MySQL accept OFFSET only after a LIMIT; this one never binds. */
const NO_LIMIT = Number.MAX_SAFE_INTEGER;
const ONE = sql.lit(1) as RawBuilder<number>;

type AnySelect = SelectQueryBuilder<any, any, any>;

/** The scope and the user's conditions, the latter as one group when there is a scope. */
export function allConditions(state: QueryState): readonly WhereNode[] {
  if (state.scope.length === 0) return state.wheres;
  if (state.wheres.length === 0) return state.scope;
  return [...state.scope, { type: "group", or: false, not: false, nodes: state.wheres }];
}

/** FROM + WHERE of a state (under the model's rule, less what the state removes from it), with no selection yet. */
export function baseQuery(session: Session, codec: ModelCodec, state: QueryState): AnySelect {
  return selectModel(session, codec.under(state), allConditions(state));
}

/** ORDER BY / LIMIT / OFFSET of a state applied to `query`. */
export function applyPaging(codec: ModelCodec, state: QueryState, query: AnySelect): AnySelect {
  let q = query;
  for (const order of state.orders) q = q.orderBy(orderExpression(codec, order), order.direction);
  if (state.limit !== undefined || state.offset !== undefined) q = q.limit(limitValue(state.limit));
  if (state.offset !== undefined) q = q.offset(state.offset);
  return q;
}

/**
 * A state's LIMIT: `limit 1` (first, firstOrFail, find: point lookups) as a literal, which
 * SQLite runs about a third faster than a bound `limit ?` (bench S5); any other as a parameter,
 * so paging by varying limits reuses one statement.
 */
export function limitValue(limit: number | undefined): number | RawBuilder<number> {
  return limit === 1 ? ONE : (limit ?? NO_LIMIT);
}

/** What an order sorts by: the field's column, or the aggregate's expression. */
export function orderExpression(codec: ModelCodec, order: Order): Expression<unknown> {
  return order.build ? order.build(codec) : sql.ref(codec.ref(order.field));
}

/** The aggregates of a state as selections on `codec`'s table. */
export function aggregateSelections(codec: ModelCodec, state: QueryState) {
  return state.aggregates.map((aggregate) => sql`${aggregate.build(codec)}`.as(aggregate.alias));
}

/** Decodes the aggregate values of rows read by the driver (`json`: rendered in JSON), in place. */
export function decodeAggregates(rows: readonly Record<string, unknown>[], state: QueryState, json = false): void {
  if (state.aggregates.length === 0) return;
  for (const row of rows) {
    for (const { alias, decode, decodeJson } of state.aggregates) {
      const value = (json ? decodeJson : decode)(row[alias]);
      // `_count.posts` (the object API's _count) nests: row._count = { posts }.
      const dot = alias.indexOf(".");
      if (dot < 0) {
        row[alias] = value;
        continue;
      }
      delete row[alias];
      const name = alias.slice(0, dot);
      if (row[name] === undefined) row[name] = {};
      (row[name] as Record<string, unknown>)[alias.slice(dot + 1)] = value;
    }
  }
}

/** The full SELECT of a state: its fields aliased to field names, aggregates, filtered, ordered, paged. */
export function selectQuery(session: Session, codec: ModelCodec, state: QueryState): AnySelect {
  const selections = [...codec.select(selectionOf(codec.meta, state)), ...aggregateSelections(codec, state)];
  if (pageFirst(codec, state)) {
    // A database works out a select list's subqueries for the rows an OFFSET skips too: the
    // page's rows first (a derived table under the table's own name, which the aggregates
    // correlate on), then their aggregates, for the page alone.
    const page = applyPaging(codec, state, baseQuery(session, codec, state).selectAll(codec.meta.table));
    let query = selectDerived(session, page, codec.meta.table).select(selections);
    for (const order of state.orders) query = query.orderBy(orderExpression(codec, order), order.direction);
    return query;
  }
  return applyPaging(codec, state, baseQuery(session, codec, state).select(selections));
}

/**
 * Whether a read pages before working out its aggregates: it has aggregates and an offset, and
 * sorts by fields only (sorting by an aggregate needs it for every row).
 */
export function pageFirst(codec: ModelCodec, state: QueryState): boolean {
  return (
    state.aggregates.length > 0 &&
    state.offset !== undefined &&
    state.orders.every((order) => order.build === undefined) &&
    !codec.meta.table.includes(".")
  );
}
