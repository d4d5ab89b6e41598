import type { Schema } from "../../schema/define-schema.js";
import type { RelationName } from "../../schema/relation-types.js";
import type { FieldName, ModelName, UpdateInput } from "../../schema/types.js";
import type { FieldsUpdate, UpdateGraphInput } from "../../schema/update-types.js";

export type { NumberUpdate } from "../../schema/update-types.js";

import type { Checkable, CheckedFieldRows, CheckedGraphInput, GraphInput } from "../../schema/write-types.js";
import type { Exact, FindManyArgs, WhereInput, WhereUniqueInput } from "./types.js";

/** What a write returns the row in: `select`, `include` or `omit`, as findUnique reads it. */
export type ShapeArgs<S extends Schema, M extends ModelName<S>> = Pick<
  FindManyArgs<S, M>,
  "select" | "include" | "omit"
>;

/** Prisma's `update` arguments: a unique `where`, the `data` (fields, atomic updates, nested writes). */
export type UpdateArgs<S extends Schema, M extends ModelName<S>> = ShapeArgs<S, M> & {
  where: WhereUniqueInput<S, M>;
  data: UpdateGraphInput<S, M>;
};

/** updateMany's `data`: field values, `{ set }`, and atomic number updates (no relation writes). */
export type UpdateManyData<S extends Schema, M extends ModelName<S>> = FieldsUpdate<S, M>;

/** Prisma's `updateMany` arguments: an optional `where` (none: every row) and the `data`. */
export interface UpdateManyArgs<S extends Schema, M extends ModelName<S>> {
  where?: WhereInput<S, M>;
  data: UpdateManyData<S, M>;
}

/** Prisma's `updateManyAndReturn` arguments. */
export type UpdateManyAndReturnArgs<S extends Schema, M extends ModelName<S>> = UpdateManyArgs<S, M> &
  Pick<FindManyArgs<S, M>, "select" | "omit">;

/** Prisma's `delete` arguments: a unique `where`. */
export type DeleteArgs<S extends Schema, M extends ModelName<S>> = ShapeArgs<S, M> & {
  where: WhereUniqueInput<S, M>;
};

/** Prisma's `deleteMany` arguments: an optional `where` (none: every row). */
export interface DeleteManyArgs<S extends Schema, M extends ModelName<S>> {
  where?: WhereInput<S, M>;
}

/** Prisma's `upsert` arguments: a unique `where`, the row to `create`, the `update` for an existing one. */
export type UpsertArgs<S extends Schema, M extends ModelName<S>> = ShapeArgs<S, M> & {
  where: WhereUniqueInput<S, M>;
  create: GraphInput<S, M>;
  update: UpdateGraphInput<S, M>;
};

/** Prisma's `createMany` arguments: rows, and whether to skip rows a unique key already has. */
export interface CreateManyArgs<S extends Schema, M extends ModelName<S>> {
  data: GraphInput<S, M, never> | readonly GraphInput<S, M, never>[];
  skipDuplicates?: boolean;
}

/** Prisma's `createManyAndReturn` arguments. */
export type CreateManyAndReturnArgs<S extends Schema, M extends ModelName<S>> = CreateManyArgs<S, M> &
  Pick<FindManyArgs<S, M>, "select" | "omit">;

/** createMany / createManyAndReturn arguments `A` (of type `U`) checked: no unknown keys, in the rows too. */
export type CheckedCreateManyArgs<S extends Schema, M extends ModelName<S>, A, U> = Exact<A, U> &
  (A extends { data: infer D } ? { data: CheckedFieldRows<S, M, D> } : {});

/** A field name of `M` whose value is a number: what `increment`/`decrement` take. */
export type NumberField<S extends Schema, M extends ModelName<S>> = {
  [F in FieldName<S, M>]: NonNullable<UpdateInput<S, M>[F]> extends number | bigint ? F : never;
}[FieldName<S, M>];

/** Prisma's create arguments; not available on a model with a field or relation named `data`. */
export type CreateArgs<S extends Schema, M extends ModelName<S>> = "data" extends FieldName<S, M> | RelationName<S, M>
  ? never
  : ShapeArgs<S, M> & { data: GraphInput<S, M> };

/** What the Prisma form of `create` infers its arguments against: `CreateArgs`, its `data` `Checkable`. */
export type CheckableCreateArgs<S extends Schema, M extends ModelName<S>> = "data" extends
  | FieldName<S, M>
  | RelationName<S, M>
  ? never
  : ShapeArgs<S, M> & { data: Checkable<GraphInput<S, M>> };

/** Upsert arguments `A` checked: no unknown keys, and `create` checked as `create(values)` checks its input. */
export type CheckedUpsertArgs<S extends Schema, M extends ModelName<S>, A> = Exact<A, UpsertArgs<S, M>> &
  (A extends { create: infer I } ? { create: CheckedGraphInput<S, M, I> } : {});

/** Create arguments `A` checked: no unknown keys, and `data` checked as `create(data)` checks its input. */
export type CheckedCreateArgs<S extends Schema, M extends ModelName<S>, A> = Exact<A, CreateArgs<S, M>> &
  (A extends { data: infer I } ? { data: CheckedGraphInput<S, M, I> } : {});
