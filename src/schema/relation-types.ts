import type { Schema } from "./define-schema.js";
import type { AnyField } from "./fields.js";
import type { ModelDef } from "./model.js";
import type { PivotKind, RelationDef, RelationKind, ToManyKind } from "./relations.js";
import type { FieldValue, ModelName, ModelsOf, MorphAlias, Row, Simplify, TraitsOf } from "./types.js";

/** The declared relations of model `M`. */
export type RelationsOf<S extends Schema, M extends string> =
  M extends ModelName<S> ? (ModelsOf<S>[M] extends ModelDef<any, infer R> ? R : never) : never;

/** The relation names of model `M`. */
export type RelationName<S extends Schema, M extends string> = keyof RelationsOf<S, M> & string;

type DefOf<S extends Schema, M extends string, R extends string> = RelationsOf<S, M>[R & keyof RelationsOf<S, M>];
type KindOf<D> = D extends RelationDef<infer K, any, any> ? K : never;

/** The kind of relation `R` of model `M` ("hasMany", "belongsTo", ...). */
export type RelationKindOf<S extends Schema, M extends string, R extends string> = KindOf<DefOf<S, M, R>>;
type OptionsOf<D> = D extends RelationDef<any, any, infer O> ? O : never;

/** Models with a morphOne/morphMany to `M` under `morphName` N: a morphTo's targets when `types` is not given. */
type InverseMorphTargets<S extends Schema, M extends string, N> = {
  [K in ModelName<S>]: {
    [R in RelationName<S, K>]: DefOf<S, K, R> extends RelationDef<"morphOne" | "morphMany", M, infer O>
      ? O extends { morphName: N }
        ? K
        : never
      : never;
  }[RelationName<S, K>];
}[ModelName<S>];

/** The model(s) a relation's rows belong to (a union for morphTo). */
export type RelationTarget<S extends Schema, M extends string, R extends string> = M extends string // each model of a union (after a morphTo)
  ? [DefOf<S, M, R>] extends [never]
    ? never // a path through morphTo names relations some targets lack
    : DefOf<S, M, R> extends RelationDef<infer K, infer T, infer O>
      ? K extends "morphTo"
        ? O extends { types: readonly (infer X extends string)[] }
          ? X & ModelName<S>
          : InverseMorphTargets<S, M, O extends { morphName: infer N extends string } ? N : R>
        : T & ModelName<S>
      : never
  : never;

type ManyKinds = ToManyKind;
type PivotKinds = PivotKind;

type Prev = [never, 0, 1, 2, 3];

/**
 * Every dotted relation path from model `M`, up to four segments: `"posts"`,
 * `"posts.comments"`, ... A name that is not a relation is a compile error.
 */
export type RelationPath<S extends Schema, M extends string, D extends number = 3> = [D] extends [never]
  ? never
  : M extends ModelName<S>
    ? {
        [R in RelationName<S, M>]: R | `${R}.${RelationPath<S, RelationTarget<S, M, R>, Prev[D]>}`;
      }[RelationName<S, M>]
    : never;

type Head<P extends string> = P extends `${infer H}.${string}` ? H : P;
type Tail<P extends string, H extends string> = P extends `${H}.${infer T}` ? T : never;

/** The pivot fields a many-to-many relation declares (`pivotFields`, `timestamps`), typed. */
type PivotFields<O> = (O extends { pivotFields: infer F }
  ? F extends readonly (infer N extends string)[]
    ? { [K in N]: string | null }
    : F extends Record<string, AnyField>
      ? { [K in keyof F]: FieldValue<F[K]> }
      : {}
  : {}) &
  (O extends { timestamps: true } ? { createdAt: Date | null; updatedAt: Date | null } : {});

/** `row.pivot` of a many-to-many relation: both keys (whatever their names) and the pivot fields. */
export type PivotOf<D> = Simplify<{ [key: string]: unknown } & PivotFields<OptionsOf<D>>>;

/** The property a many-to-many relation's rows carry their pivot values in: its `as` option, or `pivot`. */
export type PivotAccessor<D> = OptionsOf<D> extends { as: infer A extends string } ? A : "pivot";

/** A related row (of each possible model) with the relations loaded below it, or `Leaf` when a constraint shaped it. */
type RelatedRow<S extends Schema, T, Sub extends string, Leaf> = [Sub] extends [never]
  ? [Leaf] extends [never]
    ? T extends ModelName<S>
      ? Row<S, T>
      : never
    : Leaf
  : T extends ModelName<S>
    ? Simplify<Row<S, T> & Loaded<S, T, Sub, Leaf>> // the constraint's row type travels to the end of the path
    : never;

type HasDefault<D> = OptionsOf<D> extends { withDefault: true | Record<string, unknown> } ? true : false;

/** What one loaded relation holds: an array for to-many kinds, the row or null for to-one kinds. */
export type RelationValue<S extends Schema, M extends string, R extends string, Sub extends string, Leaf = never> =
  DefOf<S, M, R> extends infer D
    ? KindOf<D> extends PivotKinds
      ? Simplify<RelatedRow<S, RelationTarget<S, M, R>, Sub, Leaf> & { [A in PivotAccessor<D>]: PivotOf<D> }>[]
      : KindOf<D> extends ManyKinds
        ? RelatedRow<S, RelationTarget<S, M, R>, Sub, Leaf>[]
        : HasDefault<D> extends true
          ? RelatedRow<S, RelationTarget<S, M, R>, Sub, Leaf> | Partial<Row<S, RelationTarget<S, M, R>>>
          : RelatedRow<S, RelationTarget<S, M, R>, Sub, Leaf> | null
    : never;

export type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;

type HeadsOf<S extends Schema, M extends string, P extends string> = Head<P> & RelationName<S, M>;
type MorphToHeads<S extends Schema, M extends string, P extends string> = {
  [H in HeadsOf<S, M, P>]: KindOf<DefOf<S, M, H>> extends "morphTo" ? H : never;
}[HeadsOf<S, M, P>];

/** The field holding a morphTo's type: `${morphName}Type`, the morph name defaulting to the relation's. */
type MorphTypeField<D, R extends string> = `${OptionsOf<D> extends { morphName: infer N extends string } ? N : R}Type`;

/**
 * A loaded morphTo as a union discriminated by the parent's type field: checking
 * `comment.commentableType === "post"` narrows `comment.commentable` to a post.
 */
type MorphToLoaded<S extends Schema, M extends string, H extends string, Sub extends string, Leaf> =
  RelationTarget<S, M, H> extends infer T
    ? T extends ModelName<S>
      ? { [K in MorphTypeField<DefOf<S, M, H>, H>]: MorphAlias<S, T> } & {
          [K in H]: HasDefault<DefOf<S, M, H>> extends true
            ? RelatedRow<S, T, Sub, Leaf> | Partial<Row<S, T>>
            : RelatedRow<S, T, Sub, Leaf> | null;
        }
      : never
    : never;

/**
 * The relations a set of paths loads onto a row of `M`:
 * `Loaded<S, "user", "posts.comments" | "profile">` is
 * `{ posts: (Post & { comments: Comment[] })[]; profile: Profile | null }`.
 */
export type Loaded<S extends Schema, M extends string, P extends string, Leaf = never> = {
  [H in Exclude<HeadsOf<S, M, P>, MorphToHeads<S, M, P>>]: RelationValue<S, M, H, Tail<P, H>, Leaf>;
} & MorphToLoadedAll<S, M, P, Leaf>;

/**
 * Every loaded morphTo of the paths, each a union of its own, intersected (each union is boxed
 * first so the intersection does not cut through its members).
 */
type MorphToLoadedAll<S extends Schema, M extends string, P extends string, Leaf> =
  UnionToIntersection<
    MorphToHeads<S, M, P> extends infer H extends string
      ? H extends string
        ? { box: MorphToLoaded<S, M, H, Tail<P, H>, Leaf> }
        : never
      : never
  > extends { box: infer U }
    ? U
    : {};

/** The target model at the end of a path. */
export type PathTarget<S extends Schema, M extends string, P extends string> = P extends `${infer H}.${infer T}`
  ? PathTarget<S, RelationTarget<S, M, H>, T>
  : RelationTarget<S, M, P>;

/** `with({ posts: { comments: true }, profile: true })`: the object form. */
export type EagerObject<S extends Schema, M extends string, D extends number = 3> = [D] extends [never]
  ? never
  : {
      [R in RelationName<S, M>]?: boolean | ((q: any) => any) | EagerObject<S, RelationTarget<S, M, R>, Prev[D]>;
    };

/** The paths an eager object names (`false` names none). */
export type EagerObjectPaths<T> = {
  [K in keyof T & string]: T[K] extends false | undefined
    ? never
    : T[K] extends true | ((q: any) => any)
      ? K
      : K | `${K}.${EagerObjectPaths<T[K]>}`;
}[keyof T & string];

export type { RelationKind };

/** `"posts"` or `"posts as alias"`: a relation of `M` to aggregate, optionally renamed. */
export type AggregateSpec<S extends Schema, M extends string> =
  | RelationName<S, M>
  | `${RelationName<S, M>} as ${string}`;

/** The relation an aggregate spec names. */
export type SpecRelation<Spec extends string> = Spec extends `${infer R} as ${string}` ? R : Spec;

/** The result field of an aggregate: the alias, or the relation name and a suffix (`postsCount`). */
export type AggregateName<Spec extends string, Suffix extends string> = Spec extends `${string} as ${infer A}`
  ? A
  : `${Spec}${Suffix}`;

/**
 * The fields of the related model a relation fills in when writing through it: the foreign
 * key of hasOne/hasMany (`${model}Id` unless named), the morph type and id of morphOne/morphMany.
 */
export type RelationKeyFields<S extends Schema, M extends string, R extends string> =
  DefOf<S, M, R> extends RelationDef<infer K, any, infer O>
    ? K extends "hasOne" | "hasMany"
      ? O extends { foreignKey: infer F extends string }
        ? F
        : `${M}Id`
      : K extends "morphOne" | "morphMany"
        ? O extends { morphName: infer N extends string }
          ? `${N}Type` | `${N}Id`
          : never
        : never
    : never;

/** The paths of model `M`'s default eager loads (model option `with`). */
type DefaultWith<S extends Schema, M extends ModelName<S>> = TraitsOf<S, M>["with"] & string;

/**
 * The row type reads of model `M` return: its row with its default eager loads (model option
 * `with`). Only at the top: rows loaded as a relation carry their own model's defaults at run
 * time but are typed as `Row`.
 */
export type ReadRow<S extends Schema, M extends ModelName<S>> = [DefaultWith<S, M>] extends [never]
  ? Row<S, M>
  : Simplify<Row<S, M> & Loaded<S, M, DefaultWith<S, M>>>;

/** What `without(...)` takes: a default eager load's path, or its first relation (leaving out the whole path). */
export type DefaultWithName<S extends Schema, M extends ModelName<S>> = DefaultWith<S, M> | FirstOf<DefaultWith<S, M>>;

/** The first relation of each path (distributes over a union of paths). */
type FirstOf<P> = P extends `${infer H}.${string}` ? H : never;
