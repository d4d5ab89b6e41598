import { SchemaError } from "../errors.js";
import type { AnyField, Field } from "./fields.js";
import type { RelationDef } from "./relations.js";

export type FieldsShape = Record<string, AnyField>;
export type RelationsShape = Record<string, RelationDef>;

/**
 * `timestamps`: relata fills `createdAt` on insert and `updatedAt` on insert and every update.
 * `true` uses those field names; an object renames them, `false` leaves one out.
 */
export type TimestampsOption = boolean | { readonly createdAt?: string | false; readonly updatedAt?: string | false };

/** `softDeletes`: `delete()` sets the field (default `deletedAt`, a nullable timestamp) and reads leave such rows out. */
export type SoftDeletesOption = boolean | { readonly field?: string };

/**
 * A global scope: conditions every query of the model meets, wherever it is read (also as a
 * related model), unless the query says `withoutGlobalScope(name)`. It gets a query of the model
 * and returns it: `(q) => q.where("active", true)`.
 */
export type ScopeFn = (q: any) => unknown;

/**
 * A local scope: a named, reusable piece of a query, called as a method of the model's queries
 * (`db.post.published().popular(10)`). It gets a query of the model, then the call's arguments,
 * and returns the query: `popular: (q, min: number) => q.where("views", ">=", min)`.
 */
export type LocalScopeFn = (q: any, ...args: any[]) => unknown;

/** The model events, in the order a write fires them. */
export const MODEL_EVENTS = [
  "saving",
  "creating",
  "created",
  "updating",
  "updated",
  "saved",
  "deleting",
  "deleted",
  "restoring",
  "restored",
] as const;
export type ModelEvent = (typeof MODEL_EVENTS)[number];

/** What a model event hook gets besides the row: the db handle of the write's transaction. */
export interface EventContext {
  /** The db of the transaction the write runs in: queries through it are part of the write. */
  readonly db: any;
}

/**
 * Model event hooks. `saving`/`creating` get the values about to be inserted (and may change
 * them); `saving`/`updating` on an update get the row with the new values (changes to it are
 * written too); the others get the row as written. A hook that throws cancels the write: it
 * runs inside the write's transaction, which rolls back.
 */
/** A row of fields `F` as a hook sees it (types.ts's InferRow, which imports this module). */
type HookRow<F extends FieldsShape> = {
  -readonly [K in keyof F]: F[K] extends Field<infer T, infer N, boolean> ? (N extends true ? T | null : T) : never;
};

export type ModelEvents<F extends FieldsShape = FieldsShape> = {
  readonly [E in ModelEvent]?: (
    row: E extends "saving" | "creating" ? Partial<HookRow<F>> : HookRow<F>,
    context: EventContext,
  ) => unknown;
};

/** The lifecycle options of a model, resolved by `defineSchema`. */
export interface ModelOptions {
  readonly timestamps?: TimestampsOption;
  readonly softDeletes?: SoftDeletesOption;
  readonly scopes?: Readonly<Record<string, ScopeFn>>;
  readonly events?: ModelEvents<any>;
  readonly with?: readonly string[];
  readonly hidden?: readonly string[];
  readonly localScopes?: Readonly<Record<string, LocalScopeFn>>;
  readonly indexes?: readonly (readonly string[])[];
  readonly uniques?: readonly (readonly string[])[];
}

/**
 * What a model's options mean for its types: whether it soft-deletes and keeps timestamps,
 * the names of its global scopes, its local scopes, its hidden fields and default eager loads.
 */
export interface ModelTraits {
  readonly softDeletes: boolean;
  readonly timestamps: boolean;
  readonly scopes: string;
  /** Each local scope's arguments (after the query). */
  readonly localScopes: Readonly<Record<string, readonly unknown[]>>;
  readonly hidden: string;
  readonly with: string;
  /** Each list of fields unique together (model option `uniques`), a union of them. */
  readonly uniques: readonly string[];
}

/** The traits of a model declared without lifecycle options (and of models typed loosely). */
export interface NoTraits extends ModelTraits {
  readonly softDeletes: false;
  readonly timestamps: false;
  readonly scopes: never;
  readonly localScopes: {};
  readonly hidden: never;
  readonly with: never;
  readonly uniques: never;
}

/** A model as declared: its table, fields, relations and lifecycle options (resolved by `defineSchema`). */
export interface ModelDef<
  F extends FieldsShape = FieldsShape,
  R extends RelationsShape = RelationsShape,
  T extends ModelTraits = ModelTraits,
> {
  readonly table: string | undefined;
  readonly fields: F;
  readonly relations: R;
  readonly options: ModelOptions;
  /** Type only: what the options mean for the model's types. */
  readonly traits?: T;
}

/** The field names `timestamps` fills in. */
type TimestampNames<T> = T extends true
  ? "createdAt" | "updatedAt"
  : T extends { readonly createdAt?: infer C; readonly updatedAt?: infer U }
    ?
        | (C extends string ? C : C extends false ? never : "createdAt")
        | (U extends string ? U : U extends false ? never : "updatedAt")
    : never;

/** The fields with the ones relata fills in (timestamps) optional on create, as if they had a default. */
export type WithFilled<F extends FieldsShape, Names extends string> = {
  [K in keyof F]: K extends Names
    ? F[K] extends Field<infer T, infer N, boolean, infer U, infer P>
      ? Field<T, N, true, U, P>
      : F[K]
    : F[K];
};

const KEYS = new Set([
  "table",
  "fields",
  "relations",
  "timestamps",
  "softDeletes",
  "scopes",
  "localScopes",
  "events",
  "with",
  "hidden",
  "indexes",
  "uniques",
]);

/** Whether an option value turns its behaviour on (`true` or an object of settings). */
type On<T> = [T] extends [undefined | false] ? false : true;

/**
 * Declares a model. `table` defaults to the model's name (after the schema's casing).
 *
 * ```ts
 * const user = model({ table: "users", fields: { id: id(), name: string() } });
 * const post = model({
 *   fields: { id: id(), title: string(), createdAt: timestamp(), updatedAt: timestamp(), deletedAt: timestamp().nullable() },
 *   timestamps: true,                              // createdAt / updatedAt filled on every write
 *   softDeletes: true,                             // delete() sets deletedAt; reads leave those rows out
 *   scopes: { titled: (q) => q.whereNotNull("title") },   // global scopes
 *   localScopes: { popular: (q, min: number) => q.where("views", ">=", min) },   // db.post.popular(10)
 *   hidden: ["secret"],                            // left out of rows unless selected
 *   indexes: [["authorId", "createdAt"]],          // composite indexes, by field name
 *   uniques: [["authorId", "slug"]],               // fields unique together
 * });
 * ```
 */
export function model<
  const F extends FieldsShape,
  const R extends RelationsShape = {},
  const T extends TimestampsOption = false,
  const D extends SoftDeletesOption = false,
  const G extends string = never,
  const L extends Record<string, any[]> = {},
  const H extends keyof F & string = never,
  const W extends (keyof R & string) | `${keyof R & string}.${string}` = never,
  const Q extends readonly (readonly NoInfer<keyof F & string>[])[] = [],
>(def: {
  table?: string;
  fields: F;
  relations?: R;
  timestamps?: T;
  softDeletes?: D;
  scopes?: Readonly<Record<G, ScopeFn>>;
  /** Named query pieces called as methods of the model's queries: `db.post.popular(10)`. */
  localScopes?: { readonly [K in keyof L]: (q: any, ...args: L[K]) => unknown };
  events?: ModelEvents<NoInfer<F>>;
  /** Relations every read of the model loads (also where it is loaded as a relation); `without(...)` leaves them out. */
  with?: readonly W[];
  /** Fields left out of the rows reads and writes return, unless a query selects them. */
  hidden?: readonly H[];
  /** Indexes over several fields, each a list of field names in index order: `[["authorId", "createdAt"]]`. */
  indexes?: readonly (readonly NoInfer<keyof F & string>[])[];
  /** Fields whose values together are unique, each a list of field names: `[["authorId", "slug"]]`. */
  uniques?: Q;
}): ModelDef<
  [TimestampNames<T>] extends [never] ? F : WithFilled<F, TimestampNames<T> & string>,
  R,
  // NoInfer: defineSchema's parameter type must not become what these are inferred from.
  NoInfer<{
    softDeletes: On<D>;
    timestamps: On<T>;
    scopes: G;
    localScopes: L;
    hidden: H;
    with: W;
    uniques: Q[number];
  }>
> {
  const unknown = Object.keys(def).filter((key) => !KEYS.has(key));
  if (unknown.length > 0) {
    throw new SchemaError(
      unknown.map((key) => `model(): unknown option "${key}"; model() takes ${[...KEYS].join(", ")}`),
    );
  }
  return {
    table: def.table,
    fields: def.fields as never,
    relations: (def.relations ?? {}) as R,
    options: {
      timestamps: def.timestamps,
      softDeletes: def.softDeletes,
      scopes: def.scopes,
      events: def.events,
      with: def.with,
      hidden: def.hidden,
      localScopes: def.localScopes,
      indexes: def.indexes,
      uniques: def.uniques,
    },
  };
}
