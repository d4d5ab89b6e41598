import type { Schema } from "./define-schema.js";
import type { Field } from "./fields.js";
import type { FieldsShape, ModelDef, ModelTraits, NoTraits } from "./model.js";

/** Flattens an intersection so editor hovers show one plain object type. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

export type ModelsOf<S> = S extends Schema<infer M, infer _MM> ? M : never;

/** The value stored in morph type columns for model `T`: its morph map alias, or its name. */
export type MorphAlias<S, T extends string> =
  S extends Schema<infer _M, infer MM> ? (T extends keyof MM ? MM[T] : T) : T;

/** The model names of a schema. */
export type ModelName<S extends Schema> = keyof ModelsOf<S> & string;

/** The declared fields of model `M`. */
export type FieldsOf<S extends Schema, M extends ModelName<S>> =
  ModelsOf<S>[M] extends ModelDef<infer F, any> ? F : never;

/** What model `M`'s options mean for its types (soft deletes, scopes, hidden fields, ...). */
export type TraitsOf<S extends Schema, M extends ModelName<S>> =
  ModelsOf<S>[M] extends ModelDef<any, any, infer T> ? (ModelTraits extends T ? NoTraits : T) : NoTraits;

/** The fields of model `M` left out of rows unless selected (model option `hidden`). */
export type HiddenField<S extends Schema, M extends ModelName<S>> = TraitsOf<S, M>["hidden"];

/**
 * The field names of model `M`. Written so that TypeScript resolves it to the union of names
 * instead of keeping the alias: a wrong field's error then lists the valid ones
 * (`'"emial"' is not assignable to '"id" | "email" | "name"'`), not `FieldName<Schema<{...`.
 */
export type FieldName<S extends Schema, M extends ModelName<S>> = Unaliased<keyof FieldsOf<S, M> & string>;

/**
 * `T` as it is, without the name of the alias that produced it (a non-distributive conditional
 * resolves to its branch, which carries no alias), so error messages print the type itself.
 */
export type Unaliased<T> = [T] extends [infer U extends T] ? U : never;

/** The JS type a field reads as: its value type, `| null` when nullable. */
export type FieldValue<F> = F extends Field<infer T, infer N, any> ? (N extends true ? T | null : T) : never;

type OptionalOnCreate<F> =
  F extends Field<any, infer N, infer D> ? (N extends true ? true : D extends true ? true : false) : false;

/** The row type of a set of fields. */
export type InferRow<F extends FieldsShape> = Simplify<{ -readonly [K in keyof F]: FieldValue<F[K]> }>;

/** What `create` accepts for a set of fields: fields with a default or `nullable()` may be omitted. */
export type InferCreate<F extends FieldsShape> = Simplify<
  { -readonly [K in keyof F as OptionalOnCreate<F[K]> extends true ? never : K]: FieldValue<F[K]> } & {
    -readonly [K in keyof F as OptionalOnCreate<F[K]> extends true ? K : never]?: FieldValue<F[K]>;
  }
>;

/**
 * The row type of model `M` as reads return it, inferred from its fields (its `hidden` fields left out).
 *
 * ```ts
 * type User = Row<typeof schema, "user">; // { id: number; email: string; age: number | null; ... }
 * ```
 */
export type Row<S extends Schema, M extends ModelName<S>> = 0 extends 1 & S
  ? any // a schema typed loosely (class models given as a list): rows are the classes' instances
  : [HiddenField<S, M>] extends [never]
    ? InferRow<FieldsOf<S, M>>
    : InferRow<Omit<FieldsOf<S, M>, HiddenField<S, M>>>;

/** Every field of model `M` with its value type, hidden ones included: what filters and selects take. */
export type FullRow<S extends Schema, M extends ModelName<S>> = InferRow<FieldsOf<S, M>>;

/** What `db[M].create` accepts. */
export type CreateInput<S extends Schema, M extends ModelName<S>> = InferCreate<FieldsOf<S, M>>;

/** What `update` accepts: any subset of the fields. */
export type UpdateInput<S extends Schema, M extends ModelName<S>> = Partial<FullRow<S, M>>;
