import type { AnyField, Field } from "../../schema/fields.js";
import type { RelationDef, RelationKind } from "../../schema/relations.js";
import type { Simplify } from "../../schema/types.js";
import type { QueryBuilder } from "../query-builder.js";
import type {
  BelongsToHandle,
  HasManyHandle,
  HasOneHandle,
  HasOneThroughHandle,
  ManyToManyHandle,
  ThroughHandle,
} from "../relation-handle.js";

/** A class model: a subclass of `Model` with its statics. */
export type ModelClass = (abstract new (
  ...args: any[]
) => object) & {
  readonly table?: string;
  readonly tableName?: string;
  readonly model?: string;
  readonly fields?: object;
  readonly relations?: object;
  readonly schema?: object;
  readonly connectionName?: string;
};

/** The fields among a static's entries (seed 003's `schema` mixes fields and relations). */
type FieldsIn<X> = X extends object
  ? string extends keyof X
    ? {}
    : {
        -readonly [K in keyof X as X[K] extends AnyField ? K : never]: X[K] extends Field<infer T, infer N, any>
          ? N extends true
            ? T | null
            : T
          : never;
      }
  : {};

/** The attributes a class's statics declare (`static fields`, `static schema`), typed as rows are. */
export type AttributesOf<M> = FieldsIn<M extends { readonly fields: infer F } ? F : {}> &
  FieldsIn<M extends { readonly schema: infer F } ? F : {}>;

/** The relations among a static's entries. */
type RelationsIn<X> = X extends object
  ? string extends keyof X
    ? {}
    : { [K in keyof X as X[K] extends RelationDef ? K : never]: X[K] }
  : {};

/** The handle a relation accessor returns, by the relation's kind (rows typed loosely: a target names a model, not a class). */
type AccessorHandle<K extends RelationKind> = K extends "hasMany" | "morphMany"
  ? HasManyHandle<any, any, any>
  : K extends "hasOne" | "morphOne"
    ? HasOneHandle<any, any, any>
    : K extends "belongsTo" | "morphTo"
      ? BelongsToHandle<any, any, any>
      : K extends "belongsToMany" | "morphToMany" | "morphedByMany"
        ? ManyToManyHandle<any, any, any>
        : K extends "hasOneThrough"
          ? HasOneThroughHandle<any, any, any>
          : ThroughHandle<any, any, any>;

/** The accessor methods of a class's declared relations: `user.posts()`. */
export type AccessorsOf<M> = {
  [R in keyof (RelationsIn<M extends { readonly relations: infer X } ? X : {}> &
    RelationsIn<M extends { readonly schema: infer X } ? X : {}>)]: () => AccessorHandle<
    (RelationsIn<M extends { readonly relations: infer X } ? X : {}> &
      RelationsIn<M extends { readonly schema: infer X } ? X : {}>)[R] extends RelationDef<infer K>
      ? K
      : never
  >;
};

/**
 * An instance of class model `M` as relata reads it: the class, with its declared attributes
 * and an accessor method per declared relation.
 */
export type InstanceOf<M extends ModelClass> = InstanceType<M> & Simplify<AttributesOf<M>> & AccessorsOf<M>;

/** A query on a class model: every builder method, its rows the class's instances. */
export type ClassQuery<I> = QueryBuilder<any, any, I>;

/** An instance with relations loaded (`User.with("posts.tags")`): each loaded relation's value in front of its accessor. */
export type WithLoaded<I, P extends string> = Omit<I, Head<P>> & { [H in Head<P>]: any };
type Head<P extends string> = P extends `${infer H}.${string}` ? H : P;
