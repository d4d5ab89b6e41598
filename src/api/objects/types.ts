import type { Schema } from "../../schema/define-schema.js";
import type {
  ArgsFilterRows,
  RelationName,
  RelationsOf,
  RelationTarget,
  RelationValue,
} from "../../schema/relation-types.js";
import type { RelationDef, ToManyKind } from "../../schema/relations.js";
import type {
  FieldName,
  FieldsOf,
  FullRow,
  HiddenField,
  ModelName,
  Row,
  Simplify,
  TraitsOf,
  Unaliased,
} from "../../schema/types.js";
import type { ScalarFilter } from "../../schema/update-types.js";

/** Filters on one field: a value (equality, null for IS NULL) or operators (the schema layer's ScalarFilter). */
export type FieldFilter<T> = ScalarFilter<T>;

type KindOf<S extends Schema, M extends ModelName<S>, R extends string> =
  RelationsOf<S, M>[R & keyof RelationsOf<S, M>] extends RelationDef<infer K, any, any> ? K : never;

/** The to-many relations of `M` (the ones `_count` and `some`/`every`/`none` apply to). */
export type ToManyRelation<S extends Schema, M extends ModelName<S>> = {
  [R in RelationName<S, M>]: KindOf<S, M, R> extends ToManyKind ? R : never;
}[RelationName<S, M>];

type TargetWhere<S extends Schema, M extends ModelName<S>, R extends string> =
  RelationTarget<S, M, R> extends infer T extends ModelName<S> ? WhereInput<S, T> : never;

/** A relation filter: some/every/none for to-many relations, is/isNot (or a plain filter) for to-one. */
type RelationFilter<S extends Schema, M extends ModelName<S>, R extends string> =
  R extends ToManyRelation<S, M>
    ? { some?: TargetWhere<S, M, R>; every?: TargetWhere<S, M, R>; none?: TargetWhere<S, M, R> }
    : { is?: TargetWhere<S, M, R> | null; isNot?: TargetWhere<S, M, R> | null } | TargetWhere<S, M, R> | null;

/** `where` of the object API: field filters and relation filters, combined with AND / OR / NOT. */
export type WhereInput<S extends Schema, M extends ModelName<S>> = Unaliased<
  {
    [F in FieldName<S, M>]?: FieldFilter<FullRow<S, M>[F]>;
  } & { [R in RelationName<S, M>]?: RelationFilter<S, M, R> } & {
    AND?: WhereInput<S, M> | readonly WhereInput<S, M>[];
    OR?: readonly WhereInput<S, M>[];
    NOT?: WhereInput<S, M> | readonly WhereInput<S, M>[];
  }
>;

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

export type SelectInput<S extends Schema, M extends ModelName<S>> = {
  [F in FieldName<S, M>]?: boolean;
} & { [R in RelationName<S, M>]?: boolean | RelationArgs<S, RelationTarget<S, M, R>> } & {
  _count?: CountInput<S, M>;
};

export type IncludeInput<S extends Schema, M extends ModelName<S>> = Unaliased<
  {
    [R in RelationName<S, M>]?: boolean | RelationArgs<S, RelationTarget<S, M, R>>;
  } & { _count?: CountInput<S, M> }
>;

/** A relation's arguments inside select/include, on its target model. */
type RelationArgs<S extends Schema, T> = T extends ModelName<S> ? RelationFindArgs<S, T> : never;

/**
 * The arguments of a relation inside `select`/`include`: findMany's but `cursor` and
 * `distinct`, which page the top level only (`take`/`skip` apply per parent).
 */
export interface RelationFindArgs<S extends Schema, M extends ModelName<S>> {
  where?: WhereInput<S, M>;
  select?: SelectInput<S, M>;
  include?: IncludeInput<S, M>;
  /** Fields left out of the result: `{ password: true }` (not with select). */
  omit?: OmitInput<S, M>;
  orderBy?: OrderByInput<S, M> | readonly OrderByInput<S, M>[];
  /** How many rows (per parent, inside a relation); negative at the top level: the last rows. */
  take?: number;
  /** How many rows to skip (per parent, inside a relation). */
  skip?: number;
  /** `"query"` (one query per relation level) or `"join"` (one statement); top level only. */
  relationLoadStrategy?: "query" | "join";
}

/**
 * `findMany` / `findFirst` arguments; a type to build them with:
 *
 * ```ts
 * const args: FindManyArgs<typeof schema, "post"> = { where: filter(q), take: 20 };
 * const posts = await db.post.findMany(args);
 * ```
 */
export interface FindManyArgs<S extends Schema, M extends ModelName<S>> extends RelationFindArgs<S, M> {
  /** The row the page starts at (a primary key or unique field): `{ id: 5 }`; with `skip: 1`, the row after it. */
  cursor?: CursorInput<S, M>;
  /** One row per distinct combination of these fields: the first in the query's order. */
  distinct?: FieldName<S, M> | readonly FieldName<S, M>[];
}

/** `findUnique` / `findUniqueOrThrow` arguments: a unique where and the shape of the row (Prisma takes no paging here). */
export type FindUniqueArgs<S extends Schema, M extends ModelName<S>> = { where: WhereUniqueInput<S, M> } & Pick<
  FindManyArgs<S, M>,
  "select" | "include" | "omit" | "relationLoadStrategy"
>;

/**
 * Prisma's WhereUniqueInput: values (not null, not filters) for a set of fields that names one
 * row (the primary key, a `.unique()` field, or a list of the model option `uniques`), any other
 * filters next to them. A model whose keys its types do not show (fields typed by hand) takes
 * any where, checked when run.
 *
 * ```ts
 * db.user.findUnique({ where: { email: "ada@example.dev" } });
 * db.post.findUnique({ where: { authorId: 1, slug: "hello", published: true } }); // uniques: [["authorId", "slug"]]
 * ```
 */
export type WhereUniqueInput<S extends Schema, M extends ModelName<S>> = 0 extends 1 & S
  ? WhereInput<S, M>
  : [UniqueKeySet<S, M>] extends [never]
    ? WhereInput<S, M>
    : UniqueSelector<S, M, UniqueKeySet<S, M>>;

/** One way to name a row: the set of fields `Set` holds (boxed), each given a value, other filters beside. */
type UniqueSelector<S extends Schema, M extends ModelName<S>, Set> = Set extends [infer K extends string]
  ? { [F in K]: NonNullable<FullRow<S, M>[F]> } & WhereInput<S, M>
  : never;

/**
 * The sets of fields that name one row of `M`, each boxed (`[fields]`) so a set stays one union
 * member: the primary key (every field of it), each `.unique()` field, each `uniques` list.
 */
type UniqueKeySet<S extends Schema, M extends ModelName<S>> =
  | ([KeyField<S, M, "$primary">] extends [never] ? never : [KeyField<S, M, "$primary">])
  | (KeyField<S, M, "$unique"> extends infer F ? (F extends string ? [F] : never) : never)
  | (TraitsOf<S, M> extends { uniques: infer L } ? (L extends readonly (infer F)[] ? [F & string] : never) : never);

/** The fields of `M` whose brand `B` is true: `$unique` (unique by itself) or `$primary` (in the primary key). */
type KeyField<S extends Schema, M extends ModelName<S>, B extends "$unique" | "$primary"> = {
  [F in FieldName<S, M>]: FieldsOf<S, M>[F] extends { readonly [K in B]: true } ? F : never;
}[FieldName<S, M>];

/** `cursor: { id: 5 }`: a primary key or a unique field (checked when the query runs), by value. */
export type CursorInput<S extends Schema, M extends ModelName<S>> = {
  [F in FieldName<S, M>]?: NonNullable<FullRow<S, M>[F]>;
};

/** `omit: { password: true }`: fields left out of the result; `false` reads a `hidden` field. */
export type OmitInput<S extends Schema, M extends ModelName<S>> = { [F in FieldName<S, M>]?: boolean };

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
    RelationPayload<S, RelationTarget<S, M, K>, Sel[K]>,
    ArgsFilterRows<Sel[K]>
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

/** What `omit` does to one field: left out (`true`), kept (`false`, a hidden field too), or either (`boolean`). */
type OmitFate<S extends Schema, M extends ModelName<S>, K, O> = (K extends keyof O ? O[K] : undefined) extends infer V
  ? [V] extends [true]
    ? "drop"
    : [V] extends [false]
      ? "keep"
      : true extends V
        ? "maybe"
        : K extends HiddenField<S, M>
          ? "drop"
          : "keep"
  : never;

/** The row a read without select returns under `omit` (Row itself without it). */
type OmitRow<S extends Schema, M extends ModelName<S>, O> = Simplify<
  { [K in FieldName<S, M> as OmitFate<S, M, K, O> extends "keep" ? K : never]: FullRow<S, M>[K] } & {
    [K in FieldName<S, M> as OmitFate<S, M, K, O> extends "maybe" ? K : never]?: FullRow<S, M>[K];
  }
>;

/** The row under `omit`, with the relations and counts of an `include` next to it. */
type OmitPayload<S extends Schema, M extends ModelName<S>, A, O> = A extends { include: infer Inc }
  ? Simplify<OmitRow<S, M, O> & Related<S, M, Inc> & CountPayload<S, M, Inc>>
  : OmitRow<S, M, O>;

/**
 * The result row of object-API arguments, as Prisma infers its payloads: `select` keeps the
 * chosen fields and relations, `include` adds relations to every field, `omit` leaves fields
 * out, nested to any depth.
 */
export type Payload<S extends Schema, M extends ModelName<S>, A> = A extends { select: infer Sel }
  ? Simplify<Picked<S, M, Sel> & Related<S, M, Sel> & CountPayload<S, M, Sel>>
  : A extends { omit: infer O }
    ? OmitPayload<S, M, A, O>
    : A extends { include: infer Inc }
      ? Simplify<Row<S, M> & Related<S, M, Inc> & CountPayload<S, M, Inc>>
      : Row<S, M>;

/**
 * One row of what findFirst / findUnique (`| null` aside) return for arguments `A`, as Prisma's
 * `GetPayload`: `type PostCard = GetPayload<typeof schema, "post", { include: { author: true } }>`.
 */
export type GetPayload<S extends Schema, M extends ModelName<S>, A> = Payload<S, M, A>;

/** What findMany returns for arguments `A`: `FindManyResult<typeof schema, "post", typeof args>`. */
export type FindManyResult<S extends Schema, M extends ModelName<S>, A> = Payload<S, M, A>[];

/**
 * Rejects keys `T` has beyond `U` (shallow), so a typo in the arguments is a compile error; and
 * `select` next to `include` or `omit` at the top level, which no read takes together.
 */
export type Exact<T, U> = T & { [K in Exclude<keyof T, keyof U>]: never } & Exclusive<T>;

type Exclusive<T> = T extends { select: object }
  ? T extends { omit: object }
    ? { omit: "select and omit do not go together: select names the fields to read" }
    : T extends { include: object }
      ? { include: "select and include do not go together: select relations inside select" }
      : {}
  : {};
