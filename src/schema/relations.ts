import type { AnyField } from "./fields.js";

export type RelationKind =
  | "hasOne"
  | "hasMany"
  | "belongsTo"
  | "belongsToMany"
  | "morphOne"
  | "morphMany"
  | "morphTo"
  | "morphToMany"
  | "morphedByMany"
  | "hasOneThrough"
  | "hasManyThrough";

/**
 * What each relation kind is, in the one place that says it (the run-time checks and the
 * types below read this table): whether its value is a list (`many`), and whose rows a write
 * through it changes (`writes`): the related rows point at the parent (`child`), the parent
 * points at its owner (`owner`), a pivot row links the two (`pivot`), or nothing is written
 * through it (`through`: write through the intermediate model).
 */
export const RELATION_KINDS = {
  hasOne: { many: false, writes: "child" },
  hasMany: { many: true, writes: "child" },
  belongsTo: { many: false, writes: "owner" },
  belongsToMany: { many: true, writes: "pivot" },
  morphOne: { many: false, writes: "child" },
  morphMany: { many: true, writes: "child" },
  morphTo: { many: false, writes: "owner" },
  morphToMany: { many: true, writes: "pivot" },
  morphedByMany: { many: true, writes: "pivot" },
  hasOneThrough: { many: false, writes: "through" },
  hasManyThrough: { many: true, writes: "through" },
} as const satisfies Record<RelationKind, { many: boolean; writes: "child" | "owner" | "pivot" | "through" }>;

type KindTable = typeof RELATION_KINDS;
/** Kinds whose value is a list of rows. */
export type ToManyKind = { [K in RelationKind]: KindTable[K]["many"] extends true ? K : never }[RelationKind];
/** Kinds written through a pivot table (attach, sync, toggle). */
export type PivotKind = { [K in RelationKind]: KindTable[K]["writes"] extends "pivot" ? K : never }[RelationKind];
/** Kinds whose row holds its owner's key (belongsTo, morphTo). */
export type OwnerKind = { [K in RelationKind]: KindTable[K]["writes"] extends "owner" ? K : never }[RelationKind];
/** Kinds whose related rows hold the parent's key. */
export type ChildKind = { [K in RelationKind]: KindTable[K]["writes"] extends "child" ? K : never }[RelationKind];

/** Options every relation accepts. */
export interface CommonRelationOptions {
  /** A fixed filter on the related rows, e.g. `{ published: true }`. */
  where?: Record<string, unknown>;
  /** Reads through this relation include soft-deleted related rows (the target must soft-delete). */
  withTrashed?: boolean;
  /** Reads through this relation leave out the related model's global scopes. */
  withoutGlobalScopes?: boolean;
}

/** Options of the to-one relations that may return a default instead of `null`. */
export interface WithDefaultOption {
  /** Return an empty object (`true`) or the given values instead of `null` when nothing matches. */
  withDefault?: boolean | Record<string, unknown>;
}

/** How a one-of-many relation picks its row by a field: the greatest (`max`) or the least (`min`). */
export type OfManyAggregate = "max" | "min";

/**
 * Which one of many related rows a hasOne / morphOne / hasOneThrough stands for (Eloquent's
 * `latestOfMany`, `oldestOfMany`, `ofMany`): `"latest"` (greatest primary key), `"oldest"`
 * (least), or `{ field: "max" | "min" }` for one field of the target. Ties on the field go to
 * the greatest (max) / least (min) primary key; a row whose field is null is never chosen.
 */
export type OfManyOption = "latest" | "oldest" | { readonly [field: string]: OfManyAggregate };

/** The option of the relations that may stand for one of many rows. */
export interface OfManyOptions {
  /** Read only one of the related rows: `"latest"`, `"oldest"` or `{ field: "max" | "min" }`. */
  ofMany?: OfManyOption;
}

/** The to-many kinds stand for every related row: `ofMany` belongs on hasOne / morphOne / hasOneThrough. */
interface NoOfMany {
  ofMany?: never;
}

export interface HasOptions extends CommonRelationOptions {
  /** Field on the related model pointing back here (default `${thisModel}Id`). */
  foreignKey?: string;
  /** Field on this model the foreign key holds (default this model's primary key). */
  localKey?: string;
}

export interface BelongsToOptions extends CommonRelationOptions, WithDefaultOption {
  /** Field on this model holding the related key (default `${relationName}Id`, then `${target}Id`). */
  foreignKey?: string;
  /** Field on the related model the foreign key points to (default its primary key). */
  ownerKey?: string;
  /** Writing this row (insert, update, delete) sets its owner's `updatedAt` to now (the owner needs timestamps). */
  touches?: boolean;
}

/** Extra pivot columns: a list of names (nullable strings) or typed field builders. */
export type PivotFieldsOption = readonly string[] | Record<string, AnyField>;

/** Options of every many-to-many relation (belongsToMany, manyToMany, morphToMany, morphedByMany). */
export interface PivotOptions {
  /** The property related rows carry their pivot values in (default `pivot`): `as: "membership"` reads `row.membership`. */
  as?: string;
  /**
   * Pivot values the relation stands for, e.g. `{ active: true }`: it reads only pivot rows
   * with them (as `pivotWhere`), and attach, sync and nested connects write them in. Each field
   * must be one of `pivotFields`.
   */
  withPivotValue?: Record<string, unknown>;
}

export interface BelongsToManyOptions extends CommonRelationOptions, PivotOptions {
  /** A bare pivot table (default: both model names sorted, joined by `_`, e.g. `post_tag`). */
  table?: string;
  /** A declared join model used as the pivot instead of a bare table. */
  through?: string;
  /** Pivot field pointing to this model (default `${thisModel}Id`). */
  foreignPivotKey?: string;
  /** Pivot field pointing to the related model (default `${target}Id`). */
  relatedPivotKey?: string;
  /** Field on this model the pivot points to (default its primary key). */
  parentKey?: string;
  /** Field on the related model the pivot points to (default its primary key). */
  relatedKey?: string;
  /** Extra pivot fields exposed as `row.pivot`. */
  pivotFields?: PivotFieldsOption;
  /** Give the pivot `createdAt`/`updatedAt` and fill them on attach. */
  timestamps?: boolean;
  /** A fixed filter on the pivot rows. */
  pivotWhere?: Record<string, unknown>;
}

export interface ManyToManyOptions extends CommonRelationOptions, PivotOptions {
  /** The join model. */
  through: string;
  /** Join-model field pointing to this model. */
  from?: string;
  /** Join-model field pointing to the related model. */
  to?: string;
  pivotFields?: PivotFieldsOption;
  timestamps?: boolean;
  pivotWhere?: Record<string, unknown>;
}

/**
 * The options naming a morph relation's type and id fields, when they are not found by its
 * morph name: `${morphName}Type` / `${morphName}Id`, else `${morphName}_type` / `${morphName}_id`.
 */
export interface MorphFieldOptions {
  /** The field holding the parent's type, e.g. `"commentable_type"`. */
  typeField?: string;
  /** The field holding the parent's key, e.g. `"commentable_id"`. */
  idField?: string;
}

/**
 * The field a morph relation stores its type (`W` = "type") or id (`W` = "id") in, as the schema
 * finds it: the `typeField` / `idField` option, else `${N}Type` / `${N}Id` when `Fields` (the
 * field names of the model holding them) has it, else `${N}_type` / `${N}_id` when it has that.
 * `N` is the morph name (a morphTo's defaults to the relation's name).
 */
export type MorphFieldName<O, N extends string, W extends "type" | "id", Fields extends string> = O extends {
  [P in `${W}Field`]: infer F extends string;
}
  ? F
  : `${N}${Capitalize<W>}` extends Fields
    ? `${N}${Capitalize<W>}`
    : `${N}_${W}` extends Fields
      ? `${N}_${W}`
      : `${N}${Capitalize<W>}`;

export interface MorphOneOrManyOptions extends CommonRelationOptions, MorphFieldOptions {
  /** Prefix of the `${morphName}Type` / `${morphName}Id` (or `_type` / `_id`) fields on the related model. */
  morphName: string;
  /** Field on this model stored in the morph id field (default its primary key). */
  localKey?: string;
}

export interface MorphToOptions<T extends string> extends CommonRelationOptions, WithDefaultOption, MorphFieldOptions {
  /** Prefix of this model's `${morphName}Type` / `${morphName}Id` (or `_type` / `_id`) fields (default: the relation name). */
  morphName?: string;
  /** The models the relation may point to (default: every model with a morphOne/morphMany to here). */
  types?: readonly T[];
  /** Writing this row sets its owner's `updatedAt` to now (owners without timestamps are left alone). */
  touches?: boolean;
}

export interface MorphToManyOptions extends CommonRelationOptions, PivotOptions {
  /** Prefix of the pivot's `${morphName}Type` / `${morphName}Id` fields. */
  morphName: string;
  /** The polymorphic pivot table (default `${morphName}s`, e.g. `taggables`). */
  table?: string;
  /** Pivot field pointing to the non-polymorphic side (default `${thatModel}Id`). */
  foreignPivotKey?: string;
  pivotFields?: PivotFieldsOption;
  timestamps?: boolean;
  pivotWhere?: Record<string, unknown>;
  parentKey?: string;
  relatedKey?: string;
}

export interface ThroughOptions extends CommonRelationOptions {
  /** The intermediate model. */
  through: string;
  /** Field on the intermediate model pointing here (default `${thisModel}Id`). */
  firstKey?: string;
  /** Field on the target pointing to the intermediate model (default `${through}Id`). */
  secondKey?: string;
  /** Field on this model `firstKey` holds (default its primary key). */
  localKey?: string;
  /** Field on the intermediate model `secondKey` holds (default its primary key). */
  secondLocalKey?: string;
}

/**
 * A relation as declared in `model({ relations })`. `K` is its kind, `T` the name of the
 * target model (a union for morphTo) and `O` its options, kept as types for result inference.
 */
export interface RelationDef<K extends RelationKind = RelationKind, T extends string = string, O = unknown> {
  readonly kind: K;
  readonly target: T | undefined;
  readonly options: Readonly<Record<string, unknown>>;
  /** Type-only: the options as written (pivot fields, withDefault, keys). */
  readonly $options?: O;
}

const def = <K extends RelationKind, T extends string, O>(
  kind: K,
  target: T | undefined,
  options: O | undefined,
): RelationDef<K, T, O> => ({ kind, target, options: { ...(options ?? {}) } });

type Keys<O> = readonly (keyof O & string)[];
const HAS = ["foreignKey", "localKey", "where"] as const satisfies Keys<HasOptions>;
const PIVOT = [
  "where",
  "pivotFields",
  "timestamps",
  "pivotWhere",
  "parentKey",
  "relatedKey",
  "foreignPivotKey",
  "table",
  "as",
  "withPivotValue",
] as const satisfies Keys<BelongsToManyOptions & MorphToManyOptions>;
const MORPH_FIELDS = ["typeField", "idField"] as const satisfies Keys<MorphFieldOptions>;
const MORPH_ONE_OR_MANY = [
  "morphName",
  "localKey",
  "where",
  ...MORPH_FIELDS,
] as const satisfies Keys<MorphOneOrManyOptions>;
const THROUGH = [
  "through",
  "firstKey",
  "secondKey",
  "localKey",
  "secondLocalKey",
  "where",
] as const satisfies Keys<ThroughOptions>;

/** The options every relation kind takes (CommonRelationOptions besides `where`). */
const COMMON = ["withTrashed", "withoutGlobalScopes"] as const satisfies Keys<CommonRelationOptions>;

/** The options of each relation kind of its own. */
const KIND_OPTIONS: Record<RelationKind, readonly string[]> = {
  hasOne: [...HAS, "withDefault", "ofMany"],
  hasMany: HAS,
  belongsTo: ["foreignKey", "ownerKey", "where", "withDefault", "touches"] satisfies Keys<BelongsToOptions>,
  // manyToMany's `from` / `to` arrive as the pivot keys, and stay as they were given.
  belongsToMany: [...PIVOT, "through", "relatedPivotKey", "from", "to"] satisfies Keys<
    BelongsToManyOptions & ManyToManyOptions
  >,
  morphOne: [...MORPH_ONE_OR_MANY, "withDefault", "ofMany"],
  morphMany: MORPH_ONE_OR_MANY,
  morphTo: ["morphName", "types", "where", "withDefault", "touches", ...MORPH_FIELDS] satisfies Keys<
    MorphToOptions<string>
  >,
  morphToMany: [...PIVOT, "morphName"],
  morphedByMany: [...PIVOT, "morphName"],
  hasOneThrough: [...THROUGH, "ofMany"],
  hasManyThrough: THROUGH,
};

/** The options each relation kind takes: any other is a SchemaError naming the relation. */
export const RELATION_OPTIONS = Object.fromEntries(
  Object.entries(KIND_OPTIONS).map(([kind, options]) => [kind, [...options, ...COMMON]]),
) as unknown as Record<RelationKind, readonly string[]>;

/** One related row whose foreign key points here: `profile.userId -> user.id`. */
export const hasOne = <const T extends string, const O extends HasOptions & WithDefaultOption & OfManyOptions = {}>(
  target: T,
  options?: O,
) => def("hasOne", target, options);
/** Many related rows whose foreign key points here: `post.userId -> user.id`. */
export const hasMany = <const T extends string, const O extends HasOptions & NoOfMany = {}>(target: T, options?: O) =>
  def("hasMany", target, options);
/** The row this one's foreign key points to: `post.authorId -> user.id`. */
export const belongsTo = <const T extends string, const O extends BelongsToOptions = {}>(target: T, options?: O) =>
  def("belongsTo", target, options);
/** Many-to-many through a pivot table (or a join model with `through`). */
export const belongsToMany = <const T extends string, const O extends BelongsToManyOptions = {}>(
  target: T,
  options?: O,
) => def("belongsToMany", target, options);
/** `belongsToMany` in join-model words: `through` model, `from`/`to` its key fields. */
export const manyToMany = <const T extends string, const O extends ManyToManyOptions>(target: T, options: O) =>
  def<"belongsToMany", T, O>("belongsToMany", target, {
    ...options,
    foreignPivotKey: options.from,
    relatedPivotKey: options.to,
  } as O);
/**
 * One related row pointing here polymorphically (`${morphName}Type` + `${morphName}Id`, or
 * `${morphName}_type` + `${morphName}_id`, or the fields `typeField` / `idField` name).
 */
export const morphOne = <
  const T extends string,
  const O extends MorphOneOrManyOptions & WithDefaultOption & OfManyOptions,
>(
  target: T,
  options: O,
) => def("morphOne", target, options);
/**
 * Many related rows pointing here polymorphically: `morphMany("comment", { morphName: "commentable" })`
 * finds `commentableType` / `commentableId` (or `commentable_type` / `commentable_id`) on the
 * comment; `typeField` / `idField` name other fields.
 */
export const morphMany = <const T extends string, const O extends MorphOneOrManyOptions & NoOfMany>(
  target: T,
  options: O,
) => def("morphMany", target, options);
/**
 * The parent of a polymorphic row, whichever model it is: `morphTo({ morphName: "commentable" })`,
 * or with fields named otherwise `morphTo({ typeField: "owner_kind", idField: "owner_key" })`.
 */
export const morphTo = <const T extends string = string, const O extends MorphToOptions<T> = {}>(options?: O) =>
  def<"morphTo", T, O>("morphTo", undefined, options);
/** Many-to-many to `target` through a polymorphic pivot (a post's tags via `taggables`). */
export const morphToMany = <const T extends string, const O extends MorphToManyOptions>(target: T, options: O) =>
  def("morphToMany", target, options);
/** The inverse of `morphToMany` (a tag's posts via `taggables`). */
export const morphedByMany = <const T extends string, const O extends MorphToManyOptions>(target: T, options: O) =>
  def("morphedByMany", target, options);
/** One distant row reached through an intermediate model. */
export const hasOneThrough = <const T extends string, const O extends ThroughOptions & OfManyOptions>(
  target: T,
  options: O,
) => def("hasOneThrough", target, options);
/** Many distant rows reached through an intermediate model. */
export const hasManyThrough = <const T extends string, const O extends ThroughOptions & NoOfMany>(
  target: T,
  options: O,
) => def("hasManyThrough", target, options);
