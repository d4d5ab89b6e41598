import type { Schema } from "./define-schema.js";
import type { AnyField } from "./fields.js";
import type { RelationKeyFields, RelationName, RelationsOf, RelationTarget, RelationValue } from "./relation-types.js";
import type { PivotKind, RelationDef } from "./relations.js";
import type { CreateInput, FieldName, FieldValue, ModelName, Row, Simplify } from "./types.js";

type DefOf<S extends Schema, M extends string, R extends string> = RelationsOf<S, M>[R & keyof RelationsOf<S, M>];
type Prev = [never, 0, 1, 2, 3];
type OneOrMany<T> = T | readonly T[];

/** A row's key or the row itself (anything with the key field): what `connect` takes. */
type KeyOrRow<S extends Schema, T extends ModelName<S>> = string | number | bigint | Partial<Row<S, T>>;

/** The foreign key fields of a model's belongsTo relations (and morphTo's type and id): a nested owner write can fill them. */
export type OwnerKeyFields<S extends Schema, M extends ModelName<S>> =
  string extends RelationName<S, M> ? never : OwnerKeysOf<S, M>;
type OwnerKeysOf<S extends Schema, M extends ModelName<S>> = {
  [R in RelationName<S, M>]: DefOf<S, M, R> extends RelationDef<infer K, infer T, infer O>
    ? K extends "belongsTo"
      ? O extends { foreignKey: infer F extends string }
        ? F
        : `${R}Id` extends FieldName<S, M>
          ? `${R}Id`
          : `${T}Id`
      : K extends "morphTo"
        ? O extends { morphName: infer N extends string }
          ? `${N}Type` | `${N}Id`
          : `${R}Type` | `${R}Id`
        : never
    : never;
}[RelationName<S, M>];

/** Optional-ises `K` of `T`. */
type Loosen<T, K> = Simplify<Omit<T, K & keyof T> & { [F in K & keyof T]?: T[F] }>;

/** The pivot values a many-to-many write may carry (`pivotFields`), all optional. */
type PivotInput<D> =
  D extends RelationDef<any, any, infer O>
    ? O extends { pivotFields: infer F }
      ? F extends readonly (infer N extends string)[]
        ? { [K in N]?: string | null }
        : F extends Record<string, AnyField>
          ? { [K in keyof F]?: FieldValue<F[K]> }
          : {}
      : {}
    : {};

/** One relation's nested write, by kind. */
type RelationWrite<S extends Schema, M extends ModelName<S>, R extends RelationName<S, M>, D extends number> =
  DefOf<S, M, R> extends RelationDef<infer K, any, any>
    ? RelationTarget<S, M, R> extends infer T extends ModelName<S>
      ? K extends "belongsTo"
        ? { create: GraphInput<S, T, Prev[D]>; connect?: never } | { connect: KeyOrRow<S, T>; create?: never }
        : K extends "morphTo"
          ? { connect: Partial<Row<S, T>> }
          : K extends "hasOne" | "morphOne"
            ?
                | { create: Loosen<GraphInput<S, T, Prev[D]>, RelationKeyFields<S, M, R>>; connect?: never }
                | { connect: KeyOrRow<S, T>; create?: never }
            : K extends "hasMany" | "morphMany"
              ? {
                  create?: OneOrMany<Loosen<GraphInput<S, T, Prev[D]>, RelationKeyFields<S, M, R>>>;
                  connect?: OneOrMany<KeyOrRow<S, T>>;
                }
              : K extends PivotKind
                ? {
                    create?: OneOrMany<GraphInput<S, T, Prev[D]> & { pivot?: PivotInput<DefOf<S, M, R>> }>;
                    connect?: OneOrMany<KeyOrRow<S, T>> | { [key: string | number]: PivotInput<DefOf<S, M, R>> };
                  }
                : never
      : never
    : never;

/** Relations a nested write can go through (every kind but the through kinds). */
type WritableRelation<S extends Schema, M extends ModelName<S>> =
  string extends RelationName<S, M>
    ? never // a model declared without relations
    : WritableOf<S, M>;
type WritableOf<S extends Schema, M extends ModelName<S>> = {
  [R in RelationName<S, M>]: DefOf<S, M, R> extends RelationDef<"hasOneThrough" | "hasManyThrough", any, any>
    ? never
    : R;
}[RelationName<S, M>];

/**
 * What `create` accepts: the model's fields, plus nested writes through its relations
 * (`posts: { create: [...] }`, `roles: { connect: [1, 2] }`, `author: { connect: 1 }`). The
 * foreign keys an owner relation fills are optional (a missing one is a ValidationError).
 */
export type GraphInput<S extends Schema, M extends ModelName<S>, D extends number = 3> = [D] extends [never]
  ? CreateInput<S, M>
  : Loosen<CreateInput<S, M>, OwnerKeyFields<S, M>> & {
      [R in WritableRelation<S, M>]?: RelationWrite<S, M, R, D>;
    };

/** The relation paths a graph input writes (`"posts" | "posts.comments"`), for its result type. */
export type WrittenPaths<S extends Schema, M extends ModelName<S>, I, D extends number = 3> = [D] extends [never]
  ? never
  : I extends unknown // each item of a create list on its own: a relation only some items write still counts
    ? PathsOfItem<S, M, I, D>
    : never;
type PathsOfItem<S extends Schema, M extends ModelName<S>, I, D extends number> = {
  [R in keyof I & RelationName<S, M>]: I[R] extends { create: infer C }
    ? RelationTarget<S, M, R> extends infer T extends ModelName<S>
      ? R | `${R}.${WrittenPaths<S, T, C extends readonly (infer E)[] ? E : C, Prev[D]>}`
      : R
    : R;
}[keyof I & RelationName<S, M>];

/** What `create` returns: the stored row with each written relation loaded as a read would give it. */
export type GraphResult<S extends Schema, M extends ModelName<S>, I> = [I] extends [never]
  ? Row<S, M>
  : [WrittenHeads<S, M, I>] extends [never]
    ? Row<S, M>
    : Simplify<
        Row<S, M> & {
          [R in WrittenHeads<S, M, I>]: RelationValue<S, M, R, SubPaths<WrittenPaths<S, M, I>, R>>;
        }
      >;

type WrittenHeads<S extends Schema, M extends ModelName<S>, I> =
  string extends RelationName<S, M> ? never : keyof I & RelationName<S, M>;
type SubPaths<P, R extends string> = P extends `${R}.${infer T}` ? T : never;
