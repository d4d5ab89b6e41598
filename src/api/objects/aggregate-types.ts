import type { Schema } from "../../schema/define-schema.js";
import type { FieldName, FullRow, ModelName, Simplify } from "../../schema/types.js";
import type { FieldFilter, OrderByInput, WhereInput } from "./types.js";

/** `"asc"` or `"desc"`. */
type SortOrder = "asc" | "desc";

type Value<S extends Schema, M extends ModelName<S>, F> = FullRow<S, M>[F & keyof FullRow<S, M>];

/** The fields `_sum` and `_avg` take: the ones read as numbers (or bigints). */
export type NumberField<S extends Schema, M extends ModelName<S>> = {
  [F in FieldName<S, M>]: NonNullable<FullRow<S, M>[F]> extends number | bigint ? F : never;
}[FieldName<S, M>];

/** The fields `_min` and `_max` take: numbers, strings, booleans and dates (not json). */
export type OrderedField<S extends Schema, M extends ModelName<S>> = {
  [F in FieldName<S, M>]: NonNullable<FullRow<S, M>[F]> extends number | bigint | string | boolean | Date ? F : never;
}[FieldName<S, M>];

/** `{ field: V }` for the fields in `Allowed` (any other field of the model: never, so it does not compile). */
type FieldMap<S extends Schema, M extends ModelName<S>, Allowed, V> = {
  [F in FieldName<S, M>]?: F extends Allowed ? V : never;
};

/** `_count: { _all: true, email: true }`: the rows (`_all`) and the non-null values of each field. */
export type CountSelect<S extends Schema, M extends ModelName<S>> = { _all?: boolean } & FieldMap<
  S,
  M,
  FieldName<S, M>,
  boolean
>;

/** The aggregates `aggregate` and `groupBy` compute: `_count`, `_sum`, `_avg`, `_min`, `_max`. */
export interface AggregateSelection<S extends Schema, M extends ModelName<S>> {
  /** `true`: the number of rows; or `{ _all?, field? }`: rows and non-null values per field. */
  _count?: true | CountSelect<S, M>;
  /** Sums of number fields (null over no non-null value). */
  _sum?: FieldMap<S, M, NumberField<S, M>, boolean>;
  /** Averages of number fields (null over no non-null value). */
  _avg?: FieldMap<S, M, NumberField<S, M>, boolean>;
  /** Least values, in the field's type. */
  _min?: FieldMap<S, M, OrderedField<S, M>, boolean>;
  /** Greatest values, in the field's type. */
  _max?: FieldMap<S, M, OrderedField<S, M>, boolean>;
}

/** `cursor: { id: 5 }`: the primary key or a unique field of the row the window starts at. */
type CursorInput<S extends Schema, M extends ModelName<S>> = Partial<FullRow<S, M>>;

/** Prisma's `count` arguments: the rows `where` matches (within take/skip), or per field with `select`. */
export interface CountArgs<S extends Schema, M extends ModelName<S>> {
  where?: WhereInput<S, M>;
  /** `true` or omitted: a number; `{ _all: true, email: true }`: rows and non-null values per field. */
  select?: true | CountSelect<S, M>;
  orderBy?: OrderByInput<S, M> | readonly OrderByInput<S, M>[];
  /** Count within the first `take` rows (in `orderBy`). */
  take?: number;
  skip?: number;
  cursor?: CursorInput<S, M>;
}

/** Prisma's `aggregate` arguments: the aggregates of the rows `where` matches (within take/skip). */
export interface AggregateArgs<S extends Schema, M extends ModelName<S>> extends AggregateSelection<S, M> {
  where?: WhereInput<S, M>;
  orderBy?: OrderByInput<S, M> | readonly OrderByInput<S, M>[];
  /** Aggregate the first `take` rows (in `orderBy`) only. */
  take?: number;
  skip?: number;
  cursor?: CursorInput<S, M>;
}

/** A filter on a sum, average, least or greatest value: null over a group without a non-null value. */
type AggregateFilter<T> = FieldFilter<T | null>;

/** A `having` filter on one field: a plain filter (a `by` field only) and filters on its aggregates. */
type HavingFilter<S extends Schema, M extends ModelName<S>, F extends FieldName<S, M>> =
  | Value<S, M, F>
  | (Exclude<FieldFilter<Value<S, M, F>>, Value<S, M, F>> & {
      _count?: FieldFilter<number>;
    } & (F extends OrderedField<S, M>
        ? { _min?: AggregateFilter<NonNullable<Value<S, M, F>>>; _max?: AggregateFilter<NonNullable<Value<S, M, F>>> }
        : {}) &
      (F extends NumberField<S, M>
        ? { _sum?: AggregateFilter<SumValue<Value<S, M, F>>>; _avg?: AggregateFilter<number> }
        : {}));

/** `having` of groupBy: per field, plain filters (on `by` fields) and aggregate filters, with AND / OR / NOT. */
export type HavingInput<S extends Schema, M extends ModelName<S>> = {
  [F in FieldName<S, M>]?: HavingFilter<S, M, F>;
} & {
  AND?: HavingInput<S, M> | readonly HavingInput<S, M>[];
  OR?: readonly HavingInput<S, M>[];
  NOT?: HavingInput<S, M> | readonly HavingInput<S, M>[];
};

/** `orderBy` of groupBy: a `by` field, or an aggregate (`{ _count: { id: "desc" } }`, `{ _sum: { views: "asc" } }`). */
export type GroupByOrderBy<S extends Schema, M extends ModelName<S>> = { [F in FieldName<S, M>]?: SortOrder } & {
  _count?: FieldMap<S, M, FieldName<S, M>, SortOrder>;
  _sum?: FieldMap<S, M, NumberField<S, M>, SortOrder>;
  _avg?: FieldMap<S, M, NumberField<S, M>, SortOrder>;
  _min?: FieldMap<S, M, OrderedField<S, M>, SortOrder>;
  _max?: FieldMap<S, M, OrderedField<S, M>, SortOrder>;
};

/** Prisma's `groupBy` arguments. */
export interface GroupByArgs<S extends Schema, M extends ModelName<S>> extends AggregateSelection<S, M> {
  /** The field (or fields) whose values make a group. */
  by: FieldName<S, M> | readonly FieldName<S, M>[];
  where?: WhereInput<S, M>;
  /** Conditions on the groups: their aggregates, or their `by` fields. */
  having?: HavingInput<S, M>;
  /** By `by` fields or aggregates; needed with take/skip. */
  orderBy?: GroupByOrderBy<S, M> | readonly GroupByOrderBy<S, M>[];
  take?: number;
  skip?: number;
}

/** The keys of a `{ key: true }` map that are asked for. */
type Asked<C> = { [K in keyof C]: C[K] extends false | undefined ? never : K }[keyof C] & string;

/** A sum's value: a bigint field sums to a bigint, any other number field to a number. */
type SumValue<T> = NonNullable<T> extends bigint ? bigint : number;

type CountPart<C> = C extends true ? number : { [K in Asked<C>]: number };

/** The aggregates an argument object asks for, as Prisma returns them. */
type AggregatePart<S extends Schema, M extends ModelName<S>, A> = (A extends { _count: infer C }
  ? { _count: CountPart<C> }
  : {}) &
  (A extends { _sum: infer C } ? { _sum: { [K in Asked<C>]: SumValue<Value<S, M, K>> | null } } : {}) &
  (A extends { _avg: infer C } ? { _avg: { [K in Asked<C>]: number | null } } : {}) &
  (A extends { _min: infer C } ? { _min: { [K in Asked<C>]: NonNullable<Value<S, M, K>> | null } } : {}) &
  (A extends { _max: infer C } ? { _max: { [K in Asked<C>]: NonNullable<Value<S, M, K>> | null } } : {});

/** What `count(args)` gives: a number, or `{ _all: number, field: number }` for a `select` object. */
export type CountResult<S extends Schema, _M extends ModelName<S>, A> = A extends { select: infer C }
  ? C extends object
    ? Simplify<CountPart<C>>
    : number
  : number;

/** What `aggregate(args)` gives: the parts asked for (`{ _count, _sum: { views }, ... }`). */
export type AggregateResult<S extends Schema, M extends ModelName<S>, A> = Simplify<AggregatePart<S, M, A>>;

/** The `by` fields of groupBy arguments. */
type ByField<A> = A extends { by: infer B } ? (B extends readonly (infer F)[] ? F : B) & string : never;

/** What `groupBy(args)` gives: a row per group, its `by` fields and the aggregates asked for. */
export type GroupByResult<S extends Schema, M extends ModelName<S>, A> = Simplify<
  { [K in ByField<A>]: Value<S, M, K> } & AggregatePart<S, M, A>
>[];
