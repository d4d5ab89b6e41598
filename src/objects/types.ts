import type { Schema } from "../schema/define-schema.js";
import type { RelationName, RelationTarget, RelationValue } from "../schema/relation-types.js";
import type { FieldName, ModelName, Row, Simplify } from "../schema/types.js";

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

/** `where` of the object API: field filters combined with AND / OR / NOT. */
export type WhereInput<S extends Schema, M extends ModelName<S>> = {
  [F in FieldName<S, M>]?: FieldFilter<Row<S, M>[F]>;
} & {
  AND?: WhereInput<S, M> | readonly WhereInput<S, M>[];
  OR?: readonly WhereInput<S, M>[];
  NOT?: WhereInput<S, M> | readonly WhereInput<S, M>[];
};

export type OrderByInput<S extends Schema, M extends ModelName<S>> = { [F in FieldName<S, M>]?: "asc" | "desc" };

/** Arguments of a relation inside select/include (one level down). */
type RelationArgs<S extends Schema, T, D extends number> = [D] extends [never]
  ? never
  : T extends ModelName<S>
    ? FindManyArgs<S, T, D>
    : never;

export type SelectInput<S extends Schema, M extends ModelName<S>, D extends number = 3> = {
  [F in FieldName<S, M>]?: boolean;
} & { [R in RelationName<S, M>]?: boolean | RelationArgs<S, RelationTarget<S, M, R>, Prev[D]> };

export type IncludeInput<S extends Schema, M extends ModelName<S>, D extends number = 3> = {
  [R in RelationName<S, M>]?: boolean | RelationArgs<S, RelationTarget<S, M, R>, Prev[D]>;
};

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
  [K in keyof Sel & FieldName<S, M> as Sel[K] extends true ? K : never]: Row<S, M>[K];
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

/**
 * The result row of object-API arguments, as Prisma infers its payloads: `select` keeps the
 * chosen fields and relations, `include` adds relations to every field, nested to any depth.
 */
export type Payload<S extends Schema, M extends ModelName<S>, A> = A extends { select: infer Sel }
  ? Simplify<Picked<S, M, Sel> & Related<S, M, Sel>>
  : A extends { include: infer Inc }
    ? Simplify<Row<S, M> & Related<S, M, Inc>>
    : Row<S, M>;

/** Rejects keys `T` has beyond `U` (shallow), so a typo in the arguments is a compile error. */
export type Exact<T, U> = T & { [K in Exclude<keyof T, keyof U>]: never };
