import type { Session } from "../dialect/session.js";
import type { ModelCodec } from "../plan/model-codec.js";
import type { QueryState } from "../plan/state.js";
import type { Operator } from "../plan/where.js";
import type { Schema } from "../schema/define-schema.js";
import type {
  AggregateName,
  AggregateSpec,
  PathTarget,
  SpecRelation,
  UnionToIntersection,
} from "../schema/relation-types.js";
import type { FieldName, FullRow, ModelName, Row, TraitsOf } from "../schema/types.js";

export type { Operator } from "../plan/where.js";

/**
 * What a builder of each handle kind is, by name: `query` (a plain `QueryBuilder`) and each
 * relation handle (`hasMany`, `manyToMany`, ...). Filled in where each is declared (module
 * augmentation), so a builder method returns "the same kind of builder" (`Chained`) without this
 * layer importing the builders above it: chaining on a relation handle keeps the handle.
 */
// biome-ignore lint/suspicious/noEmptyInterface: an interface, so the builders can augment it
export interface BuilderKinds<
  S extends Schema,
  // biome-ignore lint/correctness/noUnusedVariables: read by the augmentations
  M extends ModelName<S>,
  // biome-ignore lint/correctness/noUnusedVariables: read by the augmentations
  O,
  // biome-ignore lint/correctness/noUnusedVariables: read by the augmentations
  K extends string,
> {}

/** The kinds of builder: "query" and the relation handles. */
export type HandleKind = keyof BuilderKinds<any, any, any, any>;

/**
 * The builder a chained method of a builder of kind `H` returns, with row type `O`: with a
 * method per local scope of the model (model option `localScopes`).
 */
export type Chained<H extends HandleKind, S extends Schema, M extends ModelName<S>, O, K extends string> = BuilderKinds<
  S,
  M,
  O,
  K
>[H] &
  TraitMethods<H, S, M, O, K>;

/**
 * The builder methods model `M`'s options bring: soft deletes', timestamps' and a method per
 * local scope (`{}` for a model without them).
 */
export type TraitMethods<
  H extends HandleKind,
  S extends Schema,
  M extends ModelName<S>,
  O,
  K extends string,
> = (TraitsOf<S, M>["softDeletes"] extends false ? {} : SoftDeleteMethods<H, S, M, O, K>) &
  (TraitsOf<S, M>["timestamps"] extends false ? {} : TimestampMethods) &
  ([keyof TraitsOf<S, M>["localScopes"]] extends [never] ? {} : LocalScopeMethods<H, S, M, O, K>);

/** The builder methods of a model with `softDeletes`. */
export interface SoftDeleteMethods<
  H extends HandleKind,
  S extends Schema,
  M extends ModelName<S>,
  O,
  K extends string,
> {
  /** Soft-deleted rows are read too. */
  withTrashed(): Chained<H, S, M, O, K>;
  /** Only soft-deleted rows are read. */
  onlyTrashed(): Chained<H, S, M, O, K>;
  /** Soft-deleted rows are left out again (the default). */
  withoutTrashed(): Chained<H, S, M, O, K>;
  /** Clears `deletedAt` of the matching soft-deleted rows; returns how many. */
  restore(): Promise<number>;
  /** Deletes the matching rows for good (`withTrashed().forceDelete()` includes trashed ones); returns how many. */
  forceDelete(): Promise<number>;
}

/** The builder methods of a model with `timestamps`. */
export interface TimestampMethods {
  /** Sets `updatedAt` of the matching rows to now; returns how many. */
  touch(): Promise<number>;
}

/** Model `M`'s local scopes as builder methods: `popular: (q, min: number) => ...` is `popular(min: number)`. */
export type LocalScopeMethods<H extends HandleKind, S extends Schema, M extends ModelName<S>, O, K extends string> = {
  [N in keyof TraitsOf<S, M>["localScopes"]]: (
    ...args: TraitsOf<S, M>["localScopes"][N] & readonly unknown[]
  ) => Chained<H, S, M, O, K>;
};

/** A plain query builder of model `M` with row type `O`. */
export type QueryOf<S extends Schema, M extends ModelName<S>, O = Row<S, M>> = Chained<"query", S, M, O, never>;

/** The value a where operator takes for a field of type `T`. */
export type OperatorValue<T, Op extends Operator> = Op extends "in" | "not in"
  ? readonly NonNullable<T>[]
  : Op extends "like" | "not like"
    ? string
    : T | null;

/** `where({ field: value, ... })`: equality on every listed field. */
export type WhereObject<S extends Schema, M extends ModelName<S>> = {
  [K in FieldName<S, M>]?: FullRow<S, M>[K] | null;
};

/** `where((q) => q.where(...).orWhere(...))`: a parenthesised group; return the builder. */
export type WhereGroup<S extends Schema, M extends ModelName<S>> = (q: QueryOf<S, M, Row<S, M>>) => QueryOf<S, M, any>;

/** `{ "posts as publishedCount": (q) => ..., comments: true }`: aggregates with constraints. */
export type AggregateObject<S extends Schema, M extends ModelName<S>> = {
  [K in AggregateSpec<S, M>]?:
    | boolean
    | ((
        q: QueryOf<S, Target<S, M, SpecRelation<K>>, Row<S, Target<S, M, SpecRelation<K>>>>,
      ) => QueryOf<S, Target<S, M, SpecRelation<K>>, any>);
};

/** The fields an aggregate spec may read (fields of its relation's target). */
export type AggregateField<S extends Schema, M extends ModelName<S>, Spec extends string> = FieldName<
  S,
  Target<S, M, SpecRelation<Spec>>
>;

/** What withMin/withMax give: the field's type, or null over no rows. */
export type AggregateValue<
  S extends Schema,
  M extends ModelName<S>,
  Spec extends string,
  C extends string,
> = NonNullable<Row<S, Target<S, M, SpecRelation<Spec>>>[C & keyof Row<S, Target<S, M, SpecRelation<Spec>>>]> | null;

/** The fields the aggregate specs of a withCount/withExists call add. */
export type SpecResults<X, Suffix extends string, V> = UnionToIntersection<
  X extends string
    ? { [K in AggregateName<X, Suffix>]: V }
    : X extends object
      ? { [K in keyof X & string as X[K] extends false | undefined ? never : AggregateName<K, Suffix>]: V }
      : never
>;

/** The comparison operators of a relation count. */
export type CountOperator = "=" | "!=" | "<>" | "<" | "<=" | ">" | ">=";

export type Target<S extends Schema, M extends ModelName<S>, P extends string> = PathTarget<S, M, P> & ModelName<S>;

/** A constraint on the related rows at the end of path `P`: a builder of that model, returned. */
export type Constraint<S extends Schema, M extends ModelName<S>, P extends string> = (
  q: QueryOf<S, Target<S, M, P>, Row<S, Target<S, M, P>>>,
) => QueryOf<S, Target<S, M, P>, any>;

/** whereHasMorph's constraint: a builder of one of the target models, and that model's name. */
export type MorphConstraint<S extends Schema> = (q: QueryOf<S, any, any>, model: string) => QueryOf<S, any, any>;

/** One page of rows and where it sits in the whole result. */
export interface Page<T> {
  data: T[];
  total: number;
  page: number;
  perPage: number;
  lastPage: number;
}

/** How terminals read the rows of a state (a many-to-many handle reads them with `row.pivot`). */
export type Reader = (state: QueryState) => Promise<unknown[]>;

export interface BuilderContext {
  readonly session: Session;
  readonly codec: ModelCodec;
  /** Set inside a many-to-many constraint: the pivot, for wherePivot. */
  readonly pivot?: ModelCodec;
}
