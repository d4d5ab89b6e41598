import type { Operator } from "../../plan/where.js";
import type { Schema } from "../../schema/define-schema.js";
import type {
  EagerObject,
  EagerObjectPaths,
  Loaded,
  MorphField,
  RelationKindOf,
  RelationName,
  RelationPath,
  RelationsOf,
  RelationTarget,
} from "../../schema/relation-types.js";
import type { PivotKind, RelationDef } from "../../schema/relations.js";
import type { ModelName, MorphAlias, Row, Simplify } from "../../schema/types.js";
import type { OperatorValue, QueryOf } from "../builder-types.js";

/** The morphTo relations of model `M`. */
export type MorphToRelation<S extends Schema, M extends string> = {
  [R in RelationName<S, M>]: RelationKindOf<S, M, R> extends "morphTo" ? R : never;
}[RelationName<S, M>];

/** The many-to-many relations of model `M` (belongsToMany, morphToMany, morphedByMany). */
export type ManyToManyRelation<S extends Schema, M extends string> = {
  [R in RelationName<S, M>]: RelationKindOf<S, M, R> extends PivotKind ? R : never;
}[RelationName<S, M>];

/** The models a morphTo relation `R` of `M` points at. */
export type MorphTargetOf<S extends Schema, M extends string, R extends string> = RelationTarget<S, M, R> &
  ModelName<S>;

/** The `types` of a morph filter: target models of the morphTo, or "*" for every one of them. */
export type MorphTypes<S extends Schema, M extends string, R extends string> = readonly MorphTargetOf<S, M, R>[] | "*";

/** The models a `types` argument names. */
export type ChosenTypes<S extends Schema, M extends string, R extends string, Ts> = Ts extends "*"
  ? MorphTargetOf<S, M, R>
  : Ts extends readonly (infer T)[]
    ? T & ModelName<S>
    : never;

/** A row of any of the models `T` (a union): indexing it by a field gives the field's type on each. */
export type RowOfAny<S extends Schema, T> = T extends ModelName<S> ? Row<S, T> : never;

/** The fields every model of `T` has. */
export type CommonField<S extends Schema, T> = keyof RowOfAny<S, T> & string;

/** The last relation of a dotted path is a morphTo (distributes over the models a morphTo leads to). */
export type LastKind<S extends Schema, M extends string, P extends string> = P extends `${infer Hd}.${infer T}`
  ? LastKind<S, RelationTarget<S, M, Hd>, T>
  : M extends string
    ? RelationKindOf<S, M, P>
    : never;

export type OptionsOfRelation<S extends Schema, M extends string, R extends string> =
  RelationsOf<S, M>[R & keyof RelationsOf<S, M>] extends RelationDef<any, any, infer O> ? O : never;

/** The row type `X` gives model `K` (X maps each target model to its row). */
export type RowIn<X, K> = K extends keyof X ? X[K] : never;

/**
 * A top-level morphTo loaded with a row type per target model (`X`): a union discriminated by the
 * parent's type field, as `Loaded` gives, each member with its model's row.
 */
export type MorphToLoadedPer<S extends Schema, M extends string, R extends string, X> =
  RelationTarget<S, M, R> extends infer T
    ? T extends ModelName<S>
      ? { [F in MorphField<S, M, OptionsOfRelation<S, M, R>, R, "type">]: MorphAlias<S, T> } & {
          [F in R]:
            | RowIn<X, T>
            | (OptionsOfRelation<S, M, R> extends { withDefault: true | Record<string, unknown> }
                ? Partial<Row<S, T>>
                : null);
        }
      : never
    : never;

/**
 * What `with(path, (q) => q.morphWith(...).constrain(...))` loads: per target model when the
 * morphTo is on the row itself; further down a path, a union of the target models' rows.
 */
export type MorphLoaded<S extends Schema, M extends string, P extends string, X> = P extends `${string}.${string}`
  ? Loaded<S, M, P, X[keyof X]>
  : MorphToLoadedPer<S, M, P, X>;

/** The row a builder (or a callback returning one) reads. */
export type BuilderRow<F> = F extends (...args: any[]) => infer B
  ? B extends { get(): Promise<(infer R)[]> }
    ? R
    : never
  : never;

/** The paths an element of a morphWith list loads: a path, or an object of them. */
export type MorphWithPaths<E> = E extends string ? E : EagerObjectPaths<E>;

/**
 * The constraint of a morphTo eager load, given to `with("commentable", (q) => ...)`: what to
 * load below each target model (`morphWith`) and a constraint per target model (`constrain`).
 * Immutable like a builder: each call returns a new one, which the callback returns.
 *
 * ```ts
 * db.comment.with("commentable", (q) =>
 *   q.morphWith({ post: ["author"], video: [] }).constrain({ post: (p) => p.where("published", true) }),
 * );
 * ```
 */
export interface MorphToConstraint<S extends Schema, T extends ModelName<S>, X = { [K in T]: Row<S, K> }> {
  /**
   * Relations to load below the rows of each target model (paths, or objects of them as `with`
   * takes): `morphWith({ post: ["author", "tags"], video: ["tags"] })`. Calls add up.
   */
  morphWith<const W extends { [K in T]?: readonly (RelationPath<S, K> | EagerObject<S, K>)[] }>(
    spec: W,
  ): MorphToConstraint<
    S,
    T,
    {
      [K in T]: K extends keyof W
        ? W[K] extends readonly (infer E)[]
          ? [MorphWithPaths<E>] extends [never]
            ? RowIn<X, K>
            : Simplify<RowIn<X, K> & Loaded<S, K, MorphWithPaths<E> & string>>
          : RowIn<X, K>
        : RowIn<X, K>;
    }
  >;
  /**
   * A constraint per target model: each callback gets a builder of that model (holding what was
   * given for it so far) and returns it: `constrain({ post: (p) => p.where("published", true) })`.
   * Target models left out are loaded unconstrained.
   */
  constrain<const C extends { [K in T]?: (q: QueryOf<S, K, RowIn<X, K>>) => QueryOf<S, K, any> }>(
    spec: C,
  ): MorphToConstraint<S, T, { [K in T]: K extends keyof C ? BuilderRow<C[K]> : RowIn<X, K> }>;
}

/** whereMorphRelation and its siblings: `(relation, types, field, value)` or `(relation, types, field, operator, value)`. */
export interface MorphRelationFilter<S extends Schema, M extends string, Ret> {
  <
    const R extends MorphToRelation<S, M>,
    const Ts extends MorphTypes<S, M, R>,
    F extends CommonField<S, ChosenTypes<S, M, R, Ts>>,
  >(
    relation: R,
    types: Ts,
    field: F,
    value: RowOfAny<S, ChosenTypes<S, M, R, Ts>>[F],
  ): Ret;
  <
    const R extends MorphToRelation<S, M>,
    const Ts extends MorphTypes<S, M, R>,
    F extends CommonField<S, ChosenTypes<S, M, R, Ts>>,
    Op extends Operator,
  >(
    relation: R,
    types: Ts,
    field: F,
    op: Op,
    value: OperatorValue<RowOfAny<S, ChosenTypes<S, M, R, Ts>>[F], Op>,
  ): Ret;
}
