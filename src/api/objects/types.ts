import type { Schema } from "../../schema/define-schema.js";
import type { RelationName, RelationsOf, RelationTarget, RelationValue } from "../../schema/relation-types.js";
import type { RelationDef, ToManyKind } from "../../schema/relations.js";
import type { FieldName, FullRow, ModelName, Row, Simplify } from "../../schema/types.js";

type Prev = [never, 0, 1, 2, 3];

/** Filters on one field: a value (equality, null for IS NULL) or operators. */
export type FieldFilter<T> =
  | T
  | null
  | ({
      equals?: T | null;
      not?: T | null | FieldFilter<T>;
      in?: readonly NonNullable<T>[];
      notIn?: readonly NonNullable<T>[];
      lt?: NonNullable<T>;
      lte?: NonNullable<T>;
      gt?: NonNullable<T>;
      gte?: NonNullable<T>;
    } & (NonNullable<T> extends string ? { contains?: string; startsWith?: string; endsWith?: string } : {}));

type KindOf<S extends Schema, M extends ModelName<S>, R extends string> =
  RelationsOf<S, M>[R & keyof RelationsOf<S, M>] extends RelationDef<infer K, any, any> ? K : never;

/** The to-many relations of `M` (the ones `_count` and `some`/`every`/`none` apply to). */
export type ToManyRelation<S extends Schema, M extends ModelName<S>> = {
  [R in RelationName<S, M>]: KindOf<S, M, R> extends ToManyKind ? R : never;
}[RelationName<S, M>];

type TargetWhere<S extends Schema, M extends ModelName<S>, R extends string, D extends number> = [D] extends [never]
  ? never
  : RelationTarget<S, M, R> extends infer T extends ModelName<S>
    ? WhereInput<S, T, D>
    : never;

/** A relation filter: some/every/none for to-many relations, is/isNot (or a plain filter) for to-one. */
type RelationFilter<S extends Schema, M extends ModelName<S>, R extends string, D extends number> =
  R extends ToManyRelation<S, M>
    ? { some?: TargetWhere<S, M, R, D>; every?: TargetWhere<S, M, R, D>; none?: TargetWhere<S, M, R, D> }
    : { is?: TargetWhere<S, M, R, D> | null; isNot?: TargetWhere<S, M, R, D> | null } | TargetWhere<S, M, R, D> | null;

/** `where` of the object API: field filters and relation filters, combined with AND / OR / NOT. */
export type WhereInput<S extends Schema, M extends ModelName<S>, D extends number = 3> = {
  [F in FieldName<S, M>]?: FieldFilter<FullRow<S, M>[F]>;
} & { [R in RelationName<S, M>]?: RelationFilter<S, M, R, Prev[D]> } & {
  AND?: WhereInput<S, M, D> | readonly WhereInput<S, M, D>[];
  OR?: readonly WhereInput<S, M, D>[];
  NOT?: WhereInput<S, M, D> | readonly WhereInput<S, M, D>[];
};

export type OrderByInput<S extends Schema, M extends ModelName<S>> = { [F in FieldName<S, M>]?: "asc" | "desc" } & {
  [R in ToManyRelation<S, M>]?: { _count: "asc" | "desc" };
};

/** `_count: true` (every to-many relation) or `_count: { select: { posts: true | { where } } }`. */
export type CountInput<S extends Schema, M extends ModelName<S>> =
  | true
  | {
      select: {
        [R in ToManyRelation<S, M>]?:
          | boolean
          | { where?: RelationTarget<S, M, R> extends infer T extends ModelName<S> ? WhereInput<S, T> : never };
      };
    };

/** Arguments of a relation inside select/include (one level down). */
type RelationArgs<S extends Schema, T, D extends number> = [D] extends [never]
  ? never
  : T extends ModelName<S>
    ? FindManyArgs<S, T, D>
    : never;

export type SelectInput<S extends Schema, M extends ModelName<S>, D extends number = 3> = {
  [F in FieldName<S, M>]?: boolean;
} & { [R in RelationName<S, M>]?: boolean | RelationArgs<S, RelationTarget<S, M, R>, Prev[D]> } & {
  _count?: CountInput<S, M>;
};

export type IncludeInput<S extends Schema, M extends ModelName<S>, D extends number = 3> = {
  [R in RelationName<S, M>]?: boolean | RelationArgs<S, RelationTarget<S, M, R>, Prev[D]>;
} & { _count?: CountInput<S, M> };

/** `findMany` arguments. */
export interface FindManyArgs<S extends Schema, M extends ModelName<S>, D extends number = 3> {
  where?: WhereInput<S, M>;
  select?: SelectInput<S, M, D>;
  include?: IncludeInput<S, M, D>;
  orderBy?: OrderByInput<S, M> | readonly OrderByInput<S, M>[];
  /** How many rows (per parent, inside a relation). */
  take?: number;
  /** How many rows to skip (per parent, inside a relation). */
  skip?: number;
  /** `"query"` (one query per relation level) or `"join"` (one statement); top level only. */
  relationLoadStrategy?: "query" | "join";
}

/** The row a relation's arguments produce: its payload, or the full row for `true`. */
type RelationPayload<S extends Schema, T, A> =
  T extends ModelName<S> ? (A extends object ? Payload<S, T, A> : Row<S, T>) : never;

type Picked<S extends Schema, M extends ModelName<S>, Sel> = {
  [K in keyof Sel & FieldName<S, M> as Sel[K] extends true ? K : never]: FullRow<S, M>[K];
};

type Related<S extends Schema, M extends ModelName<S>, Sel> = {
  [K in keyof Sel & RelationName<S, M> as Sel[K] extends false | undefined ? never : K]: RelationValue<
    S,
    M,
    K,
    never,
    RelationPayload<S, RelationTarget<S, M, K>, Sel[K]>
  >;
};

/** `_count` in a payload: the counted relations, each a number. */
type CountPayload<S extends Schema, M extends ModelName<S>, Sel> = Sel extends { _count: infer C }
  ? C extends true
    ? { _count: { [R in ToManyRelation<S, M>]: number } }
    : C extends { select: infer CS }
      ? { _count: { [R in keyof CS & string as CS[R] extends false | undefined ? never : R]: number } }
      : {}
  : {};

/**
 * The result row of object-API arguments, as Prisma infers its payloads: `select` keeps the
 * chosen fields and relations, `include` adds relations to every field, nested to any depth.
 */
export type Payload<S extends Schema, M extends ModelName<S>, A> = A extends { select: infer Sel }
  ? Simplify<Picked<S, M, Sel> & Related<S, M, Sel> & CountPayload<S, M, Sel>>
  : A extends { include: infer Inc }
    ? Simplify<Row<S, M> & Related<S, M, Inc> & CountPayload<S, M, Inc>>
    : Row<S, M>;

/** Rejects keys `T` has beyond `U` (shallow), so a typo in the arguments is a compile error. */
export type Exact<T, U> = T & { [K in Exclude<keyof T, keyof U>]: never };
