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
  string extends RelationName<S, M> ? never : OwnerKeyPairs<S, M>[0];

/** Each owner key of a model with the relation that fills it: `["authorId", "author"]`, a morphTo's type and id each. */
type OwnerKeyPairs<S extends Schema, M extends ModelName<S>> = {
  [R in RelationName<S, M>]: DefOf<S, M, R> extends RelationDef<infer K, infer T, infer O>
    ? K extends "belongsTo"
      ? [
          O extends { foreignKey: infer F extends string } ? F : `${R}Id` extends FieldName<S, M> ? `${R}Id` : `${T}Id`,
          R,
        ]
      : K extends "morphTo"
        ? [MorphField<S, M, O, R, "type">, R] | [MorphField<S, M, O, R, "id">, R]
        : never
    : never;
}[RelationName<S, M>];

/**
 * The owner keys `create` requires (neither nullable nor defaulted), each with the relations
 * whose nested write fills it instead: `{ authorId: "author" }`. Computed once per model.
 */
type RequiredOwnerKeys<S extends Schema, M extends ModelName<S>> =
  string extends RelationName<S, M>
    ? {}
    : {
        [F in OwnerKeyPairs<S, M>[0] & keyof CreateInput<S, M> as {} extends Pick<CreateInput<S, M>, F>
          ? never
          : F]: Extract<OwnerKeyPairs<S, M>, [F, string]>[1];
      };

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
          ? { connect: TargetRow<S, T> }
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

/**
 * What a morphTo's `connect` takes: a row of one of its target models (the whole row, as a read
 * gives it, so a row of another model does not pass for one). When run, the row must also have
 * been read through relata, which tells its model.
 */
export type TargetRow<S extends Schema, T extends ModelName<S>> = T extends unknown ? Row<S, T> : never;

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
 * foreign keys an owner relation fills are optional here; `CheckedGraphInput` requires each
 * one whose relation the given input does not write.
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

/** The relations any item of `I` writes (createMany's rows are a union: a relation one row writes counts). */
type WrittenHeads<S extends Schema, M extends ModelName<S>, I> =
  string extends RelationName<S, M> ? never : (I extends unknown ? keyof I : never) & RelationName<S, M>;
type SubPaths<P, R extends string> = P extends `${R}.${infer T}` ? T : never;

/**
 * What `create` takes, checked against the input `I` itself (inferred from the call): GraphInput
 * cannot see, in a value it accepts, keys that are not the model's at a nested level, nor which
 * owner relations are written. So, for `I` and every row it creates at any depth (to-one and
 * to-many creates, connectOrCreate's create, many-to-many pivot values):
 * - a key that is neither a field nor a writable relation (nor `pivot` on a pivot create) is
 *   typed as a message naming it, so it is an error where it is written;
 * - a required belongsTo key (a morphTo's type and id) is required unless it is given, its
 *   relation's nested write is given, or the relation the row is created through fills it
 *   (`Filled`: the keys `related(row, relation).create` sets).
 * Linear in the input's size: nothing here multiplies out over the model's relations.
 */
export type CheckedGraphInput<S extends Schema, M extends ModelName<S>, I, Filled = never> = I &
  (Unchecked<I> extends true
    ? unknown
    : [Problems<S, M, I, Filled, never>] extends [never]
      ? unknown
      : GraphCheck<S, M, I, Filled, never>);

/** createMany's rows `L`, each checked as `CheckedGraphInput` checks one. */
export type CheckedGraphInputs<
  S extends Schema,
  M extends ModelName<S>,
  L extends readonly unknown[],
  Filled = never,
> = L &
  (Unchecked<L[number]> extends true
    ? unknown
    : [Problems<S, M, L[number], Filled, never>] extends [never]
      ? unknown
      : { [N in keyof L]: GraphCheck<S, M, L[N], Filled, never> });

declare const loose: unique symbol;

/**
 * What a checked input's type parameter extends: `T`, marked. A value that does not fit `T`
 * makes inference fall back to the constraint itself; the mark tells the checks so (`Unchecked`),
 * which would otherwise walk every relation of the loose type, once per model, for nothing:
 * the value is refused anyway.
 */
export type Checkable<T> = T & { readonly [loose]?: never };

/** Whether `I` is `any` or a `Checkable` constraint itself (see there): nothing to check. */
type Unchecked<I> = 0 extends 1 & I ? true : typeof loose extends keyof I ? true : false;

/**
 * The keys `GraphCheck` would flag in `I` (never when there are none): a cheap first pass, so a
 * valid input is compared with itself alone. Comparing it with the check's copy of every created
 * list (an intersection of tuples) resolves each array type's members, several times the cost.
 */
type Problems<S extends Schema, M extends ModelName<S>, I, Filled, P> = I extends unknown
  ? KeyProblems<S, M, I, Exclude<keyof I, FieldName<S, M>>, P> | MissingOf<RequiredOwnerKeys<S, M>, I, Filled>
  : never;
/** The problems under keys `K` of `I` that are not fields (most inputs have few). */
type KeyProblems<S extends Schema, M extends ModelName<S>, I, K, P> = K extends keyof WriteTargets<S, M>
  ? RelationProblems<S, WriteTargets<S, M>[K], I[K & keyof I]>
  : K extends "pivot"
    ? [P] extends [never]
      ? K
      : Exclude<keyof I[K & keyof I], keyof P>
    : K;
type RelationProblems<S extends Schema, Target, W> =
  Target extends WriteTarget<infer T extends ModelName<S>, infer Filled, infer P>
    ? OperationProblems<S, T, W, Filled, P>
    : Exclude<keyof W, "connect">; // a morphTo: connect only
type OperationProblems<S extends Schema, T extends ModelName<S>, W, Filled, P> = W extends unknown
  ? OperationProblem<S, T, W, Exclude<keyof W, "connect">, Filled, P>
  : never;
type OperationProblem<S extends Schema, T extends ModelName<S>, W, Op, Filled, P> = Op extends "create"
  ? Problems<S, T, Item<W[Op & keyof W]>, Filled, P>
  : Op extends "connectOrCreate"
    ? Item<W[Op & keyof W]> extends infer X
      ? X extends unknown
        ? Exclude<keyof X, "where" | "create"> | Problems<S, T, X[keyof X & "create"], Filled, P>
        : never
      : never
    : Op;

/** What a relation's nested creates are checked against: their model, the keys the relation fills, its pivot values. */
interface WriteTarget<T, Filled, P> {
  target: T;
  filled: Filled;
  pivot: P;
}

/** Each writable relation of `M` with its `WriteTarget` (a morphTo, which creates nothing: `"morphTo"`), once per model. */
type WriteTargets<S extends Schema, M extends ModelName<S>> = {
  [R in WritableRelation<S, M>]: DefOf<S, M, R> extends RelationDef<infer K, any, any>
    ? K extends "morphTo"
      ? "morphTo"
      : WriteTarget<
          RelationTarget<S, M, R>,
          K extends "hasOne" | "hasMany" | "morphOne" | "morphMany" ? RelationKeyFields<S, M, R> : never,
          K extends PivotKind ? PivotInput<DefOf<S, M, R>> : never
        >
    : never;
};

/** The items of one or a list of them. */
type Item<C> = C extends readonly (infer E)[] ? E : C;

/**
 * The check of one created row `I` of `M` (each row of a union on its own); `Filled`: the keys
 * its relation sets; `P`: its pivot values' type, if any.
 */
type GraphCheck<S extends Schema, M extends ModelName<S>, I, Filled, P> = I extends unknown
  ? {
      [K in keyof I]: K extends FieldName<S, M>
        ? unknown
        : K extends keyof WriteTargets<S, M> & string
          ? RelationCheck<S, M, K, I[K]>
          : K extends "pivot"
            ? [P] extends [never]
              ? Unknown<K, `a field or relation of ${M}`>
              : KnownKeys<I[K], keyof P, `a pivot field of this relation`>
            : Unknown<K, `a field or relation of ${M}`>;
    } & MissingOwnerKeys<S, M, I, Filled>
  : never;

/**
 * The type of a value under an unknown key: an object whose one property is a message naming the
 * key, typed `never` (no value matches it). Not a string literal: intersected with the value's
 * own literal type, that would reduce the whole row to `never` and flag every key.
 */
type Unknown<K, What extends string> = { [_ in `${K & string} is not ${What}`]: never };

/** `V` with its keys not in `K` typed as a message naming them. */
type KnownKeys<V, K, What extends string> = { [F in keyof V]: F extends K ? unknown : Unknown<F, What> };

/** Whether `I` gives any of keys `K` (a key given as undefined is not given). */
type Given<I, K> = K extends keyof I ? (I[K] extends undefined ? false : true) : false;

/**
 * The required owner keys of `M` that `I` neither gives nor fills through their relations, as
 * required properties; `unknown` when there are none (an empty object type would keep a weak
 * type, every key optional, from refusing a value that has none of its keys).
 */
type MissingOwnerKeys<S extends Schema, M extends ModelName<S>, I, Filled> =
  MissingOf<RequiredOwnerKeys<S, M>, I, Filled> extends infer F extends keyof CreateInput<S, M>
    ? [F] extends [never]
      ? unknown
      : { [K in F]: CreateInput<S, M>[K] }
    : never;
type MissingOf<Req, I, Filled> = {
  [F in keyof Req]: F extends Filled ? never : Given<I, F | Req[F]> extends false ? F : never;
}[keyof Req];

/** The check of one relation's nested write `W`: known operations, and each row it creates. */
type RelationCheck<S extends Schema, M extends ModelName<S>, R extends keyof WriteTargets<S, M> & string, W> =
  WriteTargets<S, M>[R] extends WriteTarget<infer T extends ModelName<S>, infer Filled, infer P>
    ? OperationsCheck<S, T, W, Filled, P, `a nested write of ${M}.${R} (create, connect, connectOrCreate)`>
    : KnownKeys<W, "connect", `a write of the morphTo ${M}.${R} (connect)`>;
type OperationsCheck<S extends Schema, T extends ModelName<S>, W, Filled, P, What extends string> = {
  [Op in keyof W]: Op extends "create"
    ? ItemsCheck<S, T, W[Op], Filled, P>
    : Op extends "connectOrCreate"
      ? ConnectOrCreateCheck<S, T, W[Op], Filled, P>
      : Op extends "connect"
        ? unknown
        : Unknown<Op, What>;
};

/** One created row or a list of them, each checked. */
type ItemsCheck<S extends Schema, T extends ModelName<S>, C, Filled, P> = C extends readonly unknown[]
  ? { [N in keyof C]: GraphCheck<S, T, C[N], Filled, P> }
  : GraphCheck<S, T, C, Filled, P>;

/** One `{ where, create }` or a list of them, each `create` checked. */
type ConnectOrCreateCheck<S extends Schema, T extends ModelName<S>, X, Filled, P> = X extends readonly unknown[]
  ? { [N in keyof X]: WhereCreateCheck<S, T, X[N], Filled, P> }
  : WhereCreateCheck<S, T, X, Filled, P>;
type WhereCreateCheck<S extends Schema, T extends ModelName<S>, X, Filled, P> = {
  [Q in keyof X]: Q extends "create"
    ? GraphCheck<S, T, X[Q], Filled, P>
    : Q extends "where"
      ? unknown
      : Unknown<Q, "part of a connectOrCreate (where, create)">;
};

/** createMany's Prisma rows (one or a list), field values only: any other key typed as a message naming it. */
export type CheckedFieldRows<S extends Schema, M extends ModelName<S>, D> = D extends readonly unknown[]
  ? { [N in keyof D]: KnownKeys<D[N], FieldName<S, M>, `a field of ${M} (createMany writes fields only)`> }
  : KnownKeys<D, FieldName<S, M>, `a field of ${M} (createMany writes fields only)`>;
