import type { Session } from "../dialect/session.js";
import type { ModelCodec } from "../plan/model-codec.js";
import type { QueryState } from "../plan/state.js";
import type { Operator } from "../plan/where.js";
import type { Schema } from "../schema/define-schema.js";
import type {
  AggregateName,
  AggregateSpec,
  PathTarget,
  PivotKeyNames,
  RelationsOf,
  RelationTarget,
  SpecRelation,
  UnionToIntersection,
} from "../schema/relation-types.js";
import type { PivotKind, RelationDef } from "../schema/relations.js";
import type { FieldName, FullRow, ModelName, Row, TraitsOf, Unaliased } from "../schema/types.js";
import type { NumberField } from "./objects/aggregate-types.js";

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

/**
 * The value a where operator takes for a field of type `T` (`| null` when the field is nullable).
 * `=` takes null only on a nullable field (IS NULL would match no row of the others); `!=` takes
 * it on any field (IS NOT NULL); the ordering operators never (a ValidationError when run).
 */
export type OperatorValue<T, Op extends Operator> = Op extends "in" | "not in"
  ? readonly NonNullable<T>[]
  : Op extends "like" | "not like"
    ? string
    : Op extends "="
      ? T
      : Op extends "!=" | "<>"
        ? T | null
        : NonNullable<T>;

/** `where({ field: value, ... })`: equality on every listed field (null on nullable fields only). */
export type WhereObject<S extends Schema, M extends ModelName<S>> = {
  [K in FieldName<S, M>]?: FullRow<S, M>[K];
};

/** The fields of model `M` that may hold null: what `whereNull` takes. */
export type NullableField<S extends Schema, M extends ModelName<S>> = {
  [K in FieldName<S, M>]: null extends FullRow<S, M>[K] ? K : never;
}[FieldName<S, M>];

/** `where((q) => q.where(...).orWhere(...))`: a parenthesised group; return the builder. */
export type WhereGroup<S extends Schema, M extends ModelName<S>> = (q: QueryOf<S, M, Row<S, M>>) => QueryOf<S, M, any>;

/** `{ "posts as publishedCount": (q) => ..., comments: true }`: aggregates with constraints. */
export type AggregateObject<S extends Schema, M extends ModelName<S>> = Unaliased<{
  [K in AggregateSpec<S, M>]?: boolean | Constraint<S, M, SpecRelation<K>>;
}>;

/** The fields an aggregate spec may read (fields of its relation's target). */
export type AggregateField<S extends Schema, M extends ModelName<S>, Spec extends string> = FieldName<
  S,
  Target<S, M, SpecRelation<Spec>>
>;

/**
 * The fields withSum/withAvg may read: the number fields of the relation's target (integer,
 * bigint, float, id; as `_sum`/`_avg` take them: a decimal is read as a string).
 */
export type NumberAggregateField<S extends Schema, M extends ModelName<S>, Spec extends string> = NumberField<
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

/**
 * A constraint on the related rows at the end of path `P`: a builder of that model, returned
 * (inside a many-to-many relation, one that knows its pivot's fields: see ConstraintBuilder).
 * It returns the kind of builder it got, so the check compares type arguments, not every method.
 *
 * `NoInfer`: the path's type parameter is inferred from the path alone. Without it TypeScript
 * also inferred from the callback's builder back into this type, resolving the builders of every
 * model of the schema on the way: ~35k instantiations per callback at 200 models (bench/types).
 */
export type Constraint<S extends Schema, M extends ModelName<S>, P extends string> = (
  q: NoInfer<ConstraintBuilder<S, M, P, Row<S, Target<S, M, P>>>>,
) => NoInfer<ConstraintBuilder<S, M, P, any>>;

/**
 * The builder a constraint on path `P` of `M` gets, with row type `O`: a query of the path's
 * target model; when the path ends in a many-to-many relation, of kind "pivot", whose
 * wherePivot / wherePivotIn / orderByPivot take that relation's pivot fields.
 */
export type ConstraintBuilder<S extends Schema, M extends ModelName<S>, P extends string, O> = 0 extends 1 & S
  ? QueryOf<S, Target<S, M, P>, O> // a schema typed loosely (class models given as a list)
  : LastPivotField<S, M, P> extends infer F extends string
    ? [F] extends [never]
      ? QueryOf<S, Target<S, M, P>, O>
      : Chained<"pivot", S, Target<S, M, P>, O, F>
    : never;

/** The pivot fields of the relation a path ends in (never unless it is many-to-many). */
type LastPivotField<S extends Schema, M extends string, P extends string> = P extends `${infer Hd}.${infer Tl}`
  ? LastPivotField<S, RelationTarget<S, M, Hd>, Tl>
  : M extends ModelName<S>
    ? PivotFieldName<S, M, P>
    : never;

/**
 * The fields of many-to-many relation `R` of `M`'s pivot, as wherePivot takes them: its two keys
 * (a morph pivot's type too), its `pivotFields` and, with `timestamps`, createdAt / updatedAt.
 * Never for a relation of another kind.
 */
export type PivotFieldName<S extends Schema, M extends ModelName<S>, R extends string> =
  RelationsOf<S, M>[R & keyof RelationsOf<S, M>] extends RelationDef<infer K, infer T, infer O>
    ? K extends PivotKind
      ? PivotKeys<K, M, T, O> | DeclaredPivotFields<O>
      : never
    : never;

/** A pivot's key fields as `row.pivot` names them (PivotKeyNames), and a morph pivot's type column. */
type PivotKeys<K, M extends string, T extends string, O> =
  | PivotKeyNames<K, M, T, O>[number]
  | (O extends { morphName: infer N extends string } ? `${N}Type` : never);

/** The pivot fields a relation declares: `pivotFields` (names or field builders) and timestamps. */
type DeclaredPivotFields<O> =
  | (O extends { pivotFields: infer F }
      ? F extends readonly (infer N extends string)[]
        ? N
        : keyof F & string
      : never)
  | (O extends { timestamps: true } ? "createdAt" | "updatedAt" : never);

/**
 * The pivot field names wherePivot / wherePivotIn take on a builder of kind `H`: a many-to-many
 * constraint's (`K`); none elsewhere (only a many-to-many constraint has a pivot).
 */
export type PivotFieldArg<H extends HandleKind, K extends string> = H extends "pivot" ? K : never;

/**
 * whereHasMorph's constraint on the target models `T`: run once per model with a builder of it
 * and its name, typed as a builder of the fields the models of `T` share.
 */
export type MorphConstraint<S extends Schema, T extends ModelName<S>> = (
  q: NoInfer<QueryOf<S, T, Row<S, T>>>, // the types are inferred from the list alone (see Constraint)
  model: NoInfer<T>,
) => NoInfer<QueryOf<S, T, any>>;

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
