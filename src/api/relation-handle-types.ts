/**
 * The types of `db.<model>.related(row, relation)`: one handle interface per relation kind
 * (`HasManyHandle`, `ManyToManyHandle`, ...), built from the reads and writes each kind offers,
 * and `HandleOf`, which picks the handle by the relation's kind. The runtime is relation-handle.ts.
 */

import type { Schema } from "../schema/define-schema.js";
import type { RelationKeyFields, RelationKindOf, RelationTarget, RelationValue } from "../schema/relation-types.js";
import type { ChildKind, OwnerKind, PivotKind, ToManyKind } from "../schema/relations.js";
import type { ModelName, Row, Simplify } from "../schema/types.js";
import type { Checkable, CheckedGraphInput, CheckedGraphInputs, GraphInput } from "../schema/write-types.js";
import type { AssociateOptions } from "../write/kinds/kind.js";
import type { AttachInput, SyncResult } from "../write/pivot-writes.js";
import type { Chained } from "./builder-types.js";
import type { QueryBuilder } from "./query-builder.js";

export type { AssociateOptions } from "../write/kinds/kind.js";
export type { AttachInput, SyncResult } from "../write/pivot-writes.js";

type Values = Record<string, unknown>;

/** A key as `findOrFail` and `associate` take it by itself. */
type KeyValue = string | number | bigint;

declare module "./builder-types.js" {
  interface BuilderKinds<S extends Schema, M extends ModelName<S>, O, K extends string> {
    hasMany: HasManyHandle<S, M, O, K>;
    hasOne: HasOneHandle<S, M, O, K>;
    belongsTo: BelongsToHandle<S, M, O>;
    manyToMany: ManyToManyHandle<S, M, O>;
    through: ThroughHandle<S, M, O>;
    throughOne: HasOneThroughHandle<S, M, O>;
  }
}

/** What `related(...).create` accepts: the related model's create input, the keys the relation fills in optional. */
export type RelatedCreateInput<S extends Schema, T extends ModelName<S>, K extends string = never> = Simplify<
  Omit<GraphInput<S, T>, K> & { [F in K & keyof GraphInput<S, T>]?: GraphInput<S, T>[F] }
>;

/** The writes of a relation whose related rows hold the parent's key (hasOne, hasMany, morphOne, morphMany). */
export interface ChildWrites<S extends Schema, T extends ModelName<S>, K extends string> {
  /** Creates a related row with the relation's keys set (`authorId`, or the morph type and id); returns it as stored. */
  create<const I extends Checkable<RelatedCreateInput<S, T, K>>>(
    values: CheckedGraphInput<S, T, I, K>,
  ): Promise<Row<S, T>>;
  /** Creates several related rows (one statement where the dialect allows, in one transaction otherwise). */
  createMany<const L extends readonly Checkable<RelatedCreateInput<S, T, K>>[]>(
    values: CheckedGraphInputs<S, T, L, K>,
  ): Promise<Row<S, T>[]>;
  /** The first related row matching `attributes`, or a new one created with `attributes` and `values`. One transaction. */
  firstOrCreate(attributes: Partial<Row<S, T>>, values?: Partial<Row<S, T>>): Promise<Row<S, T>>;
  /** Updates the first related row matching `attributes` with `values`, or creates one with both. One transaction. */
  updateOrCreate(attributes: Partial<Row<S, T>>, values?: Partial<Row<S, T>>): Promise<Row<S, T>>;
  /** An unsaved related row: `values` with the relation's keys set (`authorId`, or the morph type and id). No SQL. */
  make<V extends Partial<Row<S, T>> = {}>(values?: V): Simplify<V & NewRowKeys<S, T, K>>;
  /** The first related row matching `attributes`, or an unsaved one of `attributes` and `values` with the relation's keys set. */
  firstOrNew<A extends Partial<Row<S, T>>, V extends Partial<Row<S, T>> = {}>(
    attributes: A,
    values?: V,
  ): Promise<Row<S, T> | Simplify<A & V & NewRowKeys<S, T, K>>>;
  /**
   * Attaches a row to this parent: a row with its primary key is updated to point here (in the
   * database, and in memory), a row without one is created. Returns the row as it now is.
   */
  save<R extends Partial<Row<S, T>>>(row: R): Promise<R & Row<S, T>>;
  /** `save` for several rows, in one transaction. */
  saveMany<R extends Partial<Row<S, T>>>(rows: readonly R[]): Promise<(R & Row<S, T>)[]>;
  /** Points existing children at this parent (their foreign key, and morph type, set and saved; `{ sync: false }`: in memory only). */
  associate(children: object | readonly object[], options?: AssociateOptions): Promise<object>;
  /** Detaches children from this parent (their foreign key set to null; it must be nullable). */
  dissociate(children: object | readonly object[], options?: AssociateOptions): Promise<object>;
  /** `dissociate`, spelled as neko-orm spells it: `await post.comments().dessociate([c3, c4])`. */
  dessociate(children: object | readonly object[], options?: AssociateOptions): Promise<object>;
}

/** The keys a relation sets on a new related row, as the related model types them. */
type NewRowKeys<S extends Schema, T extends ModelName<S>, K extends string> = Pick<Row<S, T>, K & keyof Row<S, T>>;

/** What an owner relation's associate takes: a row (not a list of rows), its key, or null. */
type OwnerInput<X> = X extends readonly unknown[] ? never : X;

/** The writes of a relation whose row holds its owner's key (belongsTo, morphTo). */
export interface OwnerWrites {
  /**
   * Points this row at `owner` and saves it: a row (the row's relation property becomes it), a
   * raw key (the property is removed: the owner was not read; morphTo needs `{ model }`), or
   * null (dissociates). `{ sync: false }`: in memory only; morphTo: `{ model }` names an unread
   * row's model.
   */
  associate<X extends object | KeyValue | null>(owner: OwnerInput<X>, options?: AssociateOptions): Promise<object>;
  /**
   * Clears this row's key (and morph type), sets its relation property to null, and saves it.
   * Given a target (a row, or its key; morphTo: a key with `{ model }`), only when this row
   * points at it: otherwise the row is left alone and nothing is sent. Returns this row.
   * The first argument is the options when it is a plain object with no key but `sync`
   * (`{ sync: false }`, `{}`); any other object is a target row.
   *
   * ```ts
   * await db.comment.related(comment, "post").dissociate();        // unlinks, whatever post it had
   * await db.comment.related(comment, "post").dissociate(post1);   // unlinks only from post1
   * ```
   */
  dissociate(options?: DissociateOptions): Promise<object>;
  dissociate(target: object | KeyValue, options?: AssociateOptions): Promise<object>;
  /** `dissociate`, spelled as neko-orm spells it: `await comment.post().dessociate(post1)`. */
  dessociate(options?: DissociateOptions): Promise<object>;
  dessociate(target: object | KeyValue, options?: AssociateOptions): Promise<object>;
  /** `dissociate()`: clears this row's key whatever it points at (`{ sync: false }`: in memory only). */
  unlink(options?: DissociateOptions): Promise<object>;
}

/** The options of a dissociate without a target, and of unlink. */
export interface DissociateOptions {
  /** false: change only the row in memory, for the caller to save. */
  sync?: boolean;
}

/** What every relation handle reads besides the builder's terminals. */
export interface RelatedReads<O> {
  /** The related rows as an array (neko-orm's `post.comments().toArray()`): `get()` of a to-many handle. */
  toArray(): Promise<O[]>;
}

/**
 * The reads of a to-one relation's handle (hasOne, morphOne, belongsTo, morphTo, hasOneThrough):
 * `get()` is the one related row.
 */
export interface ToOneReads<O> extends RelatedReads<O> {
  /**
   * The related row, or null: `first()` (a `withDefault` relation gives its default row).
   * `toArray()` gives the related rows as an array.
   *
   * ```ts
   * const post = await db.comment.related(comment, "post").get();   // Row<S, "post"> | null
   * ```
   */
  get(): Promise<O | null>;
}

/** Finding related rows by primary key. */
export interface RelatedFinds<O> {
  /** The related row with this primary key; `NotFoundError` when it is not one of them. */
  findOrFail(id: KeyValue): Promise<O>;
  /** The related rows with these primary keys; `NotFoundError` naming the keys that are not related rows. */
  findOrFail(ids: readonly KeyValue[]): Promise<O[]>;
}

/** The writes of a many-to-many relation: its pivot rows, and related rows found or created and attached. */
export interface PivotWrites<S extends Schema = any, T extends ModelName<S> = any, O = Row<S, T>> {
  /** The first related row matching `attributes` (with its pivot), or an unsaved one of `attributes` and `values` (not attached). */
  firstOrNew<A extends Partial<Row<S, T>>, V extends Partial<Row<S, T>> = {}>(
    attributes: A,
    values?: V,
  ): Promise<O | Simplify<A & V>>;
  /**
   * The first related row matching `attributes`; else the related model's first row matching
   * them, or a new one of `attributes` and `values`, attached with `pivotValues`. One transaction.
   */
  firstOrCreate(attributes: Partial<Row<S, T>>, values?: Partial<Row<S, T>>, pivotValues?: Values): Promise<O>;
  /**
   * `firstOrCreate` that also sets `values` (and `pivotValues`) on the row it finds. Returns the
   * row as read through the relation. One transaction.
   */
  updateOrCreate(attributes: Partial<Row<S, T>>, values?: Partial<Row<S, T>>, pivotValues?: Values): Promise<O>;
  /**
   * Attaches related rows by key or row, `{ key: pivotValues }`, or with pivot values for all.
   * Keys already attached are left alone; keys that are not related rows are a ValidationError.
   * Returns the keys attached.
   */
  attach(input: AttachInput, values?: Values): Promise<unknown[]>;
  /** Detaches the given keys (or rows), or every related row when none are given. Returns how many. */
  detach(input?: AttachInput): Promise<number>;
  /** Makes the related rows exactly `input`: attaches the missing, detaches the others, updates given pivot values. */
  sync(input: AttachInput): Promise<SyncResult>;
  /** Like `sync`, without detaching the related rows not given. */
  syncWithoutDetaching(input: AttachInput): Promise<SyncResult>;
  /** Attaches the given keys that are not attached and detaches those that are. */
  toggle(input: AttachInput): Promise<{ attached: unknown[]; detached: unknown[] }>;
  /** Updates the pivot values of one attached row; returns how many pivot rows changed. */
  updateExistingPivot(key: unknown, values: Values): Promise<number>;
}

/** `related(row, "posts")` of a hasMany or morphMany: a query on the children, and the child writes. */
export interface HasManyHandle<S extends Schema, T extends ModelName<S>, O = Row<S, T>, K extends string = never>
  extends QueryBuilder<S, T, O, "hasMany", K>,
    RelatedReads<O>,
    ChildWrites<S, T, K>,
    RelatedFinds<O> {}

/** `related(row, "profile")` of a hasOne or morphOne: a query on the child (`get()`: it, or null), and the child writes. */
export interface HasOneHandle<S extends Schema, T extends ModelName<S>, O = Row<S, T>, K extends string = never>
  extends Omit<QueryBuilder<S, T, O, "hasOne", K>, "get">,
    ToOneReads<O>,
    ChildWrites<S, T, K> {}

/**
 * `related(row, "author")` of a belongsTo or morphTo: a query on the owner (`get()`: it, or
 * null), associate, dissociate and unlink.
 */
export interface BelongsToHandle<S extends Schema, T extends ModelName<S>, O = Row<S, T>>
  extends Omit<QueryBuilder<S, T, O, "belongsTo">, "get">,
    ToOneReads<O>,
    OwnerWrites {}

/**
 * `related(row, "roles")` of a many-to-many relation: a query on the related rows (with
 * `row.pivot`, or the relation's `as`; `orderByPivot`), the attach family, firstOrCreate.
 */
export interface ManyToManyHandle<S extends Schema, T extends ModelName<S>, O = Row<S, T>>
  extends QueryBuilder<S, T, O, "manyToMany">,
    RelatedReads<O>,
    PivotWrites<S, T, O>,
    RelatedFinds<O> {}

/** `related(row, "comments")` of a hasManyThrough: a query only (write through the intermediate model). */
export interface ThroughHandle<S extends Schema, T extends ModelName<S>, O = Row<S, T>>
  extends QueryBuilder<S, T, O, "through">,
    RelatedReads<O>,
    RelatedFinds<O> {}

/** `related(row, "carOwner")` of a hasOneThrough: `ThroughHandle` whose `get()` is the one row, or null. */
export interface HasOneThroughHandle<S extends Schema, T extends ModelName<S>, O = Row<S, T>>
  extends Omit<QueryBuilder<S, T, O, "throughOne">, "get">,
    ToOneReads<O>,
    RelatedFinds<O> {}

/** A row `related(row, relation)` reads: the related model's row, with its pivot values for many-to-many (`pivot`, or `as`). */
type RelatedRowOf<S extends Schema, M extends ModelName<S>, R extends string> =
  RelationValue<S, M, R, never> extends readonly (infer E)[] ? E : Row<S, RelationTarget<S, M, R> & ModelName<S>>;

type HandleFor<Kind, S extends Schema, T extends ModelName<S>, O, K extends string> = Chained<
  Kind extends ChildKind
    ? Kind extends ToManyKind
      ? "hasMany"
      : "hasOne"
    : Kind extends PivotKind
      ? "manyToMany"
      : Kind extends OwnerKind
        ? "belongsTo"
        : Kind extends ToManyKind
          ? "through"
          : "throughOne",
  S,
  T,
  O,
  K
>;

/** The handle `db.<M>.related(row, R)` returns, by the relation's kind. */
export type HandleOf<S extends Schema, M extends ModelName<S>, R extends string> = HandleFor<
  RelationKindOf<S, M, R>,
  S,
  RelationTarget<S, M, R> & ModelName<S>,
  RelatedRowOf<S, M, R>,
  RelationKeyFields<S, M, R>
>;
