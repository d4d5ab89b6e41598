import type { Schema } from "./define-schema.js";
import type { AnyField } from "./fields.js";
import type {
  MorphField,
  RelationKeyFields,
  RelationName,
  RelationsOf,
  RelationTarget,
  RelationValue,
} from "./relation-types.js";
import type { PivotKind, RelationDef } from "./relations.js";
import type { CreateInput, FieldName, FieldValue, FullRow, ModelName, Row, Simplify } from "./types.js";

/** The definition of relation `R` of model `M`. */
export type DefOf<S extends Schema, M extends string, R extends string> = RelationsOf<S, M>[R &
  keyof RelationsOf<S, M>];
/** The depth counter of the recursive write types: `Prev[D]` is one level down. */
export type Prev = [never, 0, 1, 2, 3];
/** One item or an array of them (a to-many write). */
export type OneOrMany<T> = T | readonly T[];

/** A row's key or the row itself (anything with the key field): what `connect` takes. */
export type KeyOrRow<S extends Schema, T extends ModelName<S>> = string | number | bigint | Partial<Row<S, T>>;

/** Prisma's WhereUniqueInput, loosely: field values naming one row (its key or a unique field; checked when run). */
export type UniqueWhere<S extends Schema, T extends ModelName<S>> = Partial<FullRow<S, T>>;

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
        ? MorphField<S, M, O, R, "type"> | MorphField<S, M, O, R, "id">
        : never
    : never;
}[RelationName<S, M>];

/** Optional-ises `K` of `T`. */
export type Loosen<T, K> = Simplify<Omit<T, K & keyof T> & { [F in K & keyof T]?: T[F] }>;

/** The pivot values a many-to-many write may carry (`pivotFields`), all optional. */
export type PivotInput<D> =
  D extends RelationDef<any, any, infer O>
    ? O extends { pivotFields: infer F }
      ? F extends readonly (infer N extends string)[]
        ? { [K in N]?: string | null }
        : F extends Record<string, AnyField>
          ? { [K in keyof F]?: FieldValue<F[K]> }
          : {}
      : {}
    : {};

/** A `connectOrCreate` item: the row a unique where finds is connected, else `create` is created. */
type ConnectOrCreate<S extends Schema, T extends ModelName<S>, C> = { where: UniqueWhere<S, T>; create: C };

/** One relation's nested write, by kind. */
type RelationWrite<S extends Schema, M extends ModelName<S>, R extends RelationName<S, M>, D extends number> =
  DefOf<S, M, R> extends RelationDef<infer K, any, any>
    ? RelationTarget<S, M, R> extends infer T extends ModelName<S>
      ? K extends "belongsTo"
        ? ToOneWrite<S, T, GraphInput<S, T, Prev[D]>>
        : K extends "morphTo"
          ? { connect: Partial<Row<S, T>> }
          : K extends "hasOne" | "morphOne"
            ? ToOneWrite<S, T, Loosen<GraphInput<S, T, Prev[D]>, RelationKeyFields<S, M, R>>>
            : K extends "hasMany" | "morphMany"
              ? {
                  create?: OneOrMany<Loosen<GraphInput<S, T, Prev[D]>, RelationKeyFields<S, M, R>>>;
                  connect?: OneOrMany<KeyOrRow<S, T>>;
                  connectOrCreate?: OneOrMany<
                    ConnectOrCreate<S, T, Loosen<GraphInput<S, T, Prev[D]>, RelationKeyFields<S, M, R>>>
                  >;
                }
              : K extends PivotKind
                ? {
                    create?: OneOrMany<GraphInput<S, T, Prev[D]> & { pivot?: PivotInput<DefOf<S, M, R>> }>;
                    connect?: OneOrMany<KeyOrRow<S, T>> | { [key: string | number]: PivotInput<DefOf<S, M, R>> };
                    connectOrCreate?: OneOrMany<
                      ConnectOrCreate<S, T, GraphInput<S, T, Prev[D]> & { pivot?: PivotInput<DefOf<S, M, R>> }>
                    >;
                  }
                : never
      : never
    : never;

/** A to-one relation's nested write: one of create, connect or connectOrCreate. */
type ToOneWrite<S extends Schema, T extends ModelName<S>, C> =
  | { create: C; connect?: never; connectOrCreate?: never }
  | { connect: KeyOrRow<S, T>; create?: never; connectOrCreate?: never }
  | { connectOrCreate: ConnectOrCreate<S, T, C>; create?: never; connect?: never };

/** Relations a nested write can go through (every kind but the through kinds). */
export type WritableRelation<S extends Schema, M extends ModelName<S>> =
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
  [R in keyof I & RelationName<S, M>]: CreatedItems<I[R]> extends infer C
    ? [C] extends [never]
      ? R
      : RelationTarget<S, M, R> extends infer T extends ModelName<S>
        ? R | `${R}.${WrittenPaths<S, T, C, Prev[D]>}`
        : R
    : R;
}[keyof I & RelationName<S, M>];

/** The rows a relation's write creates: its `create` items and its `connectOrCreate` items' `create`. */
type CreatedItems<W> =
  | (W extends { create: infer C } ? (C extends readonly (infer E)[] ? E : C) : never)
  | (W extends { connectOrCreate: infer X }
      ? (X extends readonly (infer E)[] ? E : X) extends { create: infer C }
        ? C
        : never
      : never);

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
