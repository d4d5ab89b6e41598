import type { SelectQueryBuilder } from "kysely";
import type { Session } from "../connection/session.js";
import type { ModelCodec } from "./model-codec.js";
import { compileWhere, type WhereNode } from "./where.js";

/** The immutable description of a query that a builder holds. */
export interface QueryState {
  readonly wheres: readonly WhereNode[];
  /** Selected fields; undefined selects every field. */
  readonly selects: readonly string[] | undefined;
  readonly orders: readonly { readonly field: string; readonly direction: "asc" | "desc" }[];
  readonly limit: number | undefined;
  readonly offset: number | undefined;
  /** Relations to eager load onto the result, by name. */
  readonly eager: EagerTree;
  /** Conditions on the pivot row (inside a many-to-many constraint only). */
  readonly pivotWheres: readonly WhereNode[];
  /** How `eager` is loaded; undefined: the connection's default. */
  readonly strategy: RelationLoadStrategy | undefined;
}

/** `"query"`: one query per relation level; `"join"`: one statement with JSON-aggregated relations. */
export type RelationLoadStrategy = "query" | "join";

/** One relation to eager load: its constraint (a query on the related model) and what to load below it. */
export interface EagerNode {
  readonly relation: string;
  readonly state: QueryState;
}

export type EagerTree = ReadonlyMap<string, EagerNode>;

export const EMPTY_STATE: QueryState = {
  wheres: [],
  selects: undefined,
  orders: [],
  limit: undefined,
  offset: undefined,
  eager: new Map(),
  pivotWheres: [],
  strategy: undefined,
};

/** SQLite and MySQL accept OFFSET only after a LIMIT; this one never binds. */
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

type AnySelect = SelectQueryBuilder<any, any, any>;

/** FROM + WHERE of a state, with no selection yet. */
export function baseQuery(session: Session, codec: ModelCodec, state: QueryState): AnySelect {
  const query = session.kysely.selectFrom(codec.meta.table);
  return state.wheres.length === 0 ? query : query.where((eb) => compileWhere(codec, eb, state.wheres));
}

/** ORDER BY / LIMIT / OFFSET of a state applied to `query`. */
export function applyPaging(codec: ModelCodec, state: QueryState, query: AnySelect): AnySelect {
  let q = query;
  for (const { field, direction } of state.orders) q = q.orderBy(codec.ref(field), direction);
  if (state.limit !== undefined || state.offset !== undefined) q = q.limit(state.limit ?? NO_LIMIT);
  if (state.offset !== undefined) q = q.offset(state.offset);
  return q;
}

/** The full SELECT of a state: its fields aliased to field names, filtered, ordered, paged. */
export function selectQuery(session: Session, codec: ModelCodec, state: QueryState): AnySelect {
  return applyPaging(codec, state, baseQuery(session, codec, state).select(codec.select(state.selects)));
}
