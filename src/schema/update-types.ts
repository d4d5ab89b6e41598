import type { Schema } from "./define-schema.js";
import type { RelationKeyFields, RelationName, RelationTarget } from "./relation-types.js";
import type { PivotKind, RelationDef } from "./relations.js";
import type { FieldName, FullRow, ModelName, Unaliased } from "./types.js";
import type {
  DefOf,
  GraphInput,
  KeyOrRow,
  Loosen,
  OneOrMany,
  PivotInput,
  Prev,
  TargetRow,
  UniqueWhere,
  WritableRelation,
} from "./write-types.js";

/** An atomic number update: `{ increment: 1 }`, `{ decrement: 2 }`, `{ multiply: 3 }`, `{ divide: 2 }`, `{ set: 0 }`. */
export type NumberUpdate<T> = ArithmeticUpdate<T> | { set: T | null };
type ArithmeticUpdate<T> = { increment: T } | { decrement: T } | { multiply: T } | { divide: T };

/**
 * What `update` takes for one field: its value, `{ set: value }`, and for a number an atomic
 * update (`{ increment: 1 }`; a bigint also by a number). A decimal reads as a string, which the
 * types cannot tell from text: string fields take the arithmetic too (a decimal operand as a
 * string or a number), and a field that is not a number refuses it when run, before any SQL. A
 * JSON field's objects are values, so it has no `{ set }`.
 */
export type FieldUpdate<T> =
  | T
  | (NonNullable<T> extends number
      ? ArithmeticUpdate<number> | { set: T }
      : NonNullable<T> extends bigint
        ? ArithmeticUpdate<bigint | number> | { set: T }
        : NonNullable<T> extends string
          ? ArithmeticUpdate<string | number> | { set: T }
          : NonNullable<T> extends Date | boolean
            ? { set: T }
            : never);

/** The field values of an update (every field optional, hidden ones included). */
export type FieldsUpdate<S extends Schema, M extends ModelName<S>> = Unaliased<{
  [F in FieldName<S, M>]?: FieldUpdate<FullRow<S, M>[F]>;
}>;

/**
 * A filter on one field of type `T`: a value or operators. Null (IS NULL) only where `T` holds it
 * (a nullable field: no row of another is null); `not: null` (IS NOT NULL) on any field.
 */
export type ScalarFilter<T> =
  | T
  | ({
      equals?: T;
      not?: ScalarFilter<T> | null;
      in?: readonly NonNullable<T>[];
      notIn?: readonly NonNullable<T>[];
      lt?: NonNullable<T>;
      lte?: NonNullable<T>;
      gt?: NonNullable<T>;
      gte?: NonNullable<T>;
    } & (NonNullable<T> extends string ? { contains?: string; startsWith?: string; endsWith?: string } : {}));

/** Prisma's ScalarWhereInput: filters on fields (no relation filters), with AND / OR / NOT: a nested updateMany / deleteMany's `where`. */
export type ScalarWhere<S extends Schema, M extends ModelName<S>> = {
  [F in FieldName<S, M>]?: ScalarFilter<FullRow<S, M>[F]>;
} & {
  AND?: ScalarWhere<S, M> | readonly ScalarWhere<S, M>[];
  OR?: readonly ScalarWhere<S, M>[];
  NOT?: ScalarWhere<S, M> | readonly ScalarWhere<S, M>[];
};

/** A to-many relation's nested update operations, created rows typed `C`. */
type ToManyUpdate<S extends Schema, T extends ModelName<S>, C, D extends number, Detach> = {
  create?: OneOrMany<C>;
  createMany?: { data: OneOrMany<Omit<C, RelationName<S, T> | "pivot">>; skipDuplicates?: boolean };
  connect?: OneOrMany<KeyOrRow<S, T>>;
  connectOrCreate?: OneOrMany<{ where: UniqueWhere<S, T>; create: C }>;
  update?: OneOrMany<{ where: UniqueWhere<S, T>; data: UpdateGraphInput<S, T, Prev[D]> }>;
  updateMany?: OneOrMany<{ where?: ScalarWhere<S, T>; data: FieldsUpdate<S, T> }>;
  upsert?: OneOrMany<{ where: UniqueWhere<S, T>; create: C; update: UpdateGraphInput<S, T, Prev[D]> }>;
  delete?: OneOrMany<KeyOrRow<S, T>>;
  deleteMany?: OneOrMany<ScalarWhere<S, T>>;
} & (Detach extends true ? { disconnect?: OneOrMany<KeyOrRow<S, T>>; set?: readonly KeyOrRow<S, T>[] } : {});

/** A to-one relation's nested update operations (one at a time), created rows typed `C`. */
type ToOneUpdate<S extends Schema, T extends ModelName<S>, C, D extends number, Detach> = {
  create?: C;
  connect?: KeyOrRow<S, T>;
  connectOrCreate?: { where: UniqueWhere<S, T>; create: C };
  update?: UpdateGraphInput<S, T, Prev[D]> | { where?: ScalarWhere<S, T>; data: UpdateGraphInput<S, T, Prev[D]> };
  upsert?: { where?: ScalarWhere<S, T>; create: C; update: UpdateGraphInput<S, T, Prev[D]> };
} & (Detach extends true
  ? { disconnect?: boolean | ScalarWhere<S, T>; delete?: boolean | ScalarWhere<S, T> }
  : { delete?: boolean | ScalarWhere<S, T> });

/** Whether every one of fields `K` of model `M` is nullable (what a relation detaching a row sets to null). */
type Nullable<S extends Schema, M extends ModelName<S>, K> = [K] extends [never]
  ? false
  : { [F in K & keyof FullRow<S, M>]: null extends FullRow<S, M>[F] ? true : false }[K &
        keyof FullRow<S, M>] extends true
    ? true
    : false;

/** The foreign key field of a belongsTo (option `foreignKey`, else `${relation}Id` or `${target}Id`). */
type OwnerKey<S extends Schema, M extends ModelName<S>, R extends string, T extends string, O> = O extends {
  foreignKey: infer F extends string;
}
  ? F
  : `${R}Id` extends FieldName<S, M>
    ? `${R}Id`
    : `${T}Id`;

/** A pivot relation's created rows: the related model's create input with the relation's pivot values. */
type PivotCreate<
  S extends Schema,
  M extends ModelName<S>,
  R extends string,
  T extends ModelName<S>,
  D extends number,
> = GraphInput<S, T, Prev[D]> & { pivot?: PivotInput<DefOf<S, M, R>> };

/** One relation's nested update, by kind (as Prisma types each relation's operations). */
type RelationUpdate<S extends Schema, M extends ModelName<S>, R extends RelationName<S, M>, D extends number> =
  DefOf<S, M, R> extends RelationDef<infer K, any, infer O>
    ? RelationTarget<S, M, R> extends infer T extends ModelName<S>
      ? K extends "hasMany" | "morphMany"
        ? ToManyUpdate<
            S,
            T,
            Loosen<GraphInput<S, T, Prev[D]>, RelationKeyFields<S, M, R>>,
            D,
            Nullable<S, T, RelationKeyFields<S, M, R>>
          >
        : K extends "hasOne" | "morphOne"
          ? ToOneUpdate<
              S,
              T,
              Loosen<GraphInput<S, T, Prev[D]>, RelationKeyFields<S, M, R>>,
              D,
              Nullable<S, T, RelationKeyFields<S, M, R>>
            >
          : K extends "belongsTo"
            ? Nullable<S, M, OwnerKey<S, M, R, T, O>> extends true
              ? ToOneUpdate<S, T, GraphInput<S, T, Prev[D]>, D, true>
              : Omit<ToOneUpdate<S, T, GraphInput<S, T, Prev[D]>, D, false>, "delete">
            : K extends "morphTo"
              ? { connect?: TargetRow<S, T>; disconnect?: boolean }
              : K extends PivotKind
                ? ToManyUpdate<S, T, PivotCreate<S, M, R, T, D>, D, true> & {
                    connect?: OneOrMany<KeyOrRow<S, T>> | { [key: string | number]: PivotInput<DefOf<S, M, R>> };
                  }
                : never
      : never
    : never;

/**
 * What Prisma-style `update({ where, data })` takes as `data`: field values (numbers also as
 * atomic updates, any field as `{ set }`), and nested writes through relations, typed by the
 * relation's kind as Prisma types them: to-many `create`, `createMany`, `connect`,
 * `connectOrCreate`, `disconnect`, `set`, `update`, `updateMany`, `upsert`, `delete`,
 * `deleteMany`; to-one `create`, `connect`, `connectOrCreate`, `update`, `upsert`, and
 * `disconnect` / `delete` when the key they null is nullable. Nested `update` data recurses,
 * `D` levels deep.
 *
 * ```ts
 * await db.user.update({
 *   where: { id: 1 },
 *   data: { views: { increment: 1 }, posts: { create: { title: "Hi" }, deleteMany: { published: false } } },
 * });
 * ```
 */
export type UpdateGraphInput<S extends Schema, M extends ModelName<S>, D extends number = 3> = [D] extends [never]
  ? FieldsUpdate<S, M>
  : FieldsUpdate<S, M> & { [R in WritableRelation<S, M>]?: RelationUpdate<S, M, R, D> };
