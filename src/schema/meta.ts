import type { FieldConfig } from "./fields.js";
import { RELATION_KINDS, type RelationKind } from "./relations.js";

/** A resolved field: its name, column and configuration. */
export interface FieldMeta {
  readonly name: string;
  readonly column: string;
  readonly config: FieldConfig;
}

/** A resolved foreign key constraint. */
export interface ForeignKeyMeta {
  readonly field: string;
  readonly targetModel: string;
  readonly targetField: string;
  readonly onDelete: string | undefined;
  readonly onUpdate: string | undefined;
}

/** A model after `defineSchema`: everything the query layers need, keyed by field name. */
export interface ModelMeta {
  readonly name: string;
  readonly table: string;
  readonly fields: ReadonlyMap<string, FieldMeta>;
  readonly fieldNames: readonly string[];
  /** The fields a read returns unless it selects: every field but the `hidden` ones (one array, kept). */
  readonly visibleFields: readonly string[];
  /** Fields left out of rows unless selected (model option `hidden`). */
  readonly hidden: ReadonlySet<string>;
  readonly primaryKey: readonly string[];
  readonly foreignKeys: readonly ForeignKeyMeta[];
  /**
   * The model option `indexes`: each a list of field names, in index order (`[["authorId",
   * "createdAt"]]`). A field's own `.index()` is on its config, not here. Absent: none.
   */
  readonly indexes?: readonly (readonly string[])[];
  /**
   * The model option `uniques`: each a list of field names whose values together are unique
   * (`[["authorId", "slug"]]`). A field's own `.unique()` is on its config, not here. Absent: none.
   */
  readonly uniques?: readonly (readonly string[])[];
  readonly relations: ReadonlyMap<string, RelationMeta>;
  /** The value written to morph type columns for this model (its name, or the morph map's). */
  readonly morphAlias: string;
  /** Pairs of fields (`type`, `id`) used by polymorphic relations; indexed together by push. */
  readonly morphPairs: readonly (readonly [string, string])[];
  /** The timestamp fields relata fills in (model option `timestamps`), each undefined when not kept. */
  readonly timestamps: { readonly createdAt: string | undefined; readonly updatedAt: string | undefined } | undefined;
  /** The field `delete()` sets instead of deleting (model option `softDeletes`). */
  readonly softDelete: string | undefined;
  /** Global scopes by name (model option `scopes`): each gets a query of the model and returns it. */
  readonly scopes: ReadonlyMap<string, (q: any) => unknown>;
  /** Local scopes by name (model option `localScopes`): methods of the model's queries. */
  readonly localScopes: ReadonlyMap<string, (q: any, ...args: any[]) => unknown>;
  /** The schema's `preventLazyLoading`: reading a relation a row did not load throws. */
  readonly preventLazyLoading?: boolean;
  /** Relation paths every read of the model loads (model option `with`). */
  readonly defaultWith: readonly string[];
  /** The class whose instances the model's rows are, for a class model (`class Post extends Model`). */
  readonly modelClass?: abstract new (
    ...args: any[]
  ) => object;
  /** Event hooks by event name (model option `events`). */
  readonly events: ReadonlyMap<string, (row: any, context: { readonly db: any }) => unknown>;
}

/** A pivot (bare table or join model) of a many-to-many relation. */
export interface PivotMeta {
  readonly table: string;
  /** The join model's name when the pivot is a declared model. */
  readonly model: string | undefined;
  /** Pivot column pointing to the relation's own model. */
  readonly foreignKey: PivotColumn;
  /** Pivot column pointing to the related model. */
  readonly relatedKey: PivotColumn;
  /** For polymorphic pivots: the column holding the morph type, and the value this relation matches. */
  readonly morphType: (PivotColumn & { readonly value: string }) | undefined;
  /** Extra pivot columns exposed as `row.pivot`. */
  readonly fields: readonly PivotColumn[];
  readonly timestamps: boolean;
  /**
   * Pivot values the relation's pivot rows have (options `pivotWhere` and `withPivotValue`): reads
   * match only such rows, and attach, sync and nested connects write them in.
   */
  readonly where: Readonly<Record<string, unknown>> | undefined;
}

export interface PivotColumn {
  readonly name: string;
  readonly column: string;
  readonly config: FieldConfig;
}

interface RelationBase {
  readonly name: string;
  /** The model declaring the relation. */
  readonly model: string;
  readonly where: Readonly<Record<string, unknown>> | undefined;
  /** Reads through the relation include the target's soft-deleted rows (option `withTrashed`). */
  readonly withTrashed?: true;
  /** Reads through the relation leave out the target's global scopes (option `withoutGlobalScopes`). */
  readonly withoutGlobalScopes?: true;
}

interface ToOneDefault {
  readonly withDefault: boolean | Readonly<Record<string, unknown>>;
}

export interface HasRelationMeta extends RelationBase {
  readonly kind: "hasOne" | "hasMany";
  readonly target: string;
  /** Field on the target. */
  readonly foreignKey: string;
  /** Field on the declaring model. */
  readonly localKey: string;
  /**
   * A one-of-many hasOne (option `ofMany`): of the related rows, the one with the greatest
   * (`max`) or least (`min`) `field`, ties to the greatest / least primary key.
   */
  readonly ofMany?: { readonly field: string; readonly direction: "max" | "min" };
}

export interface HasOneMeta extends HasRelationMeta, ToOneDefault {
  readonly kind: "hasOne";
}

export interface HasManyMeta extends HasRelationMeta {
  readonly kind: "hasMany";
}

export interface BelongsToMeta extends RelationBase, ToOneDefault {
  readonly kind: "belongsTo";
  readonly target: string;
  /** Field on the declaring model. */
  readonly foreignKey: string;
  /** Field on the target. */
  readonly ownerKey: string;
  /** Writing the row sets the owner's `updatedAt` (option `touches`; absent when false). */
  readonly touches?: boolean;
}

export interface BelongsToManyMeta extends RelationBase {
  readonly kind: "belongsToMany" | "morphToMany" | "morphedByMany";
  readonly target: string;
  readonly pivot: PivotMeta;
  /** Field on the declaring model the pivot's `foreignKey` holds. */
  readonly parentKey: string;
  /** Field on the target the pivot's `relatedKey` holds. */
  readonly relatedKey: string;
  /** The property related rows carry their pivot values in (option `as`); undefined: `pivot`. */
  readonly accessor?: string | undefined;
}

export interface MorphOneOrManyMeta extends RelationBase {
  readonly kind: "morphOne" | "morphMany";
  readonly target: string;
  /** Field on the target holding the morph type. */
  readonly morphType: string;
  /** Field on the target holding the parent's key. */
  readonly morphId: string;
  /** The type value matching the declaring model. */
  readonly morphValue: string;
  /** Field on the declaring model stored in `morphId`. */
  readonly localKey: string;
  /** A one-of-many morphOne (option `ofMany`), as on `HasRelationMeta`. */
  readonly ofMany?: HasRelationMeta["ofMany"];
}

export interface MorphOneMeta extends MorphOneOrManyMeta, ToOneDefault {
  readonly kind: "morphOne";
}

export interface MorphManyMeta extends MorphOneOrManyMeta {
  readonly kind: "morphMany";
}

export interface MorphToMeta extends RelationBase, ToOneDefault {
  readonly kind: "morphTo";
  /** Field on the declaring model holding the type. */
  readonly morphType: string;
  /** Field on the declaring model holding the parent's key. */
  readonly morphId: string;
  /** Possible targets: the stored type value -> model name and the key it points to. */
  readonly targets: ReadonlyMap<string, { readonly model: string; readonly ownerKey: string }>;
  /**
   * The schema's morph map, to tell a stored type the map does not know (a `MorphMapError` when
   * the schema enforces it) from one that is no target. Set by defineSchema, not enumerable.
   */
  readonly morphMap?: MorphMapMeta;
  /** Writing the row sets its owner's `updatedAt` (option `touches`; absent when false). */
  readonly touches?: boolean;
}

export interface ThroughMeta extends RelationBase {
  readonly kind: "hasOneThrough" | "hasManyThrough";
  readonly target: string;
  readonly through: string;
  /** Field on the intermediate model pointing to the declaring model. */
  readonly firstKey: string;
  /** Field on the target pointing to the intermediate model. */
  readonly secondKey: string;
  /** Field on the declaring model `firstKey` holds. */
  readonly localKey: string;
  /** Field on the intermediate model `secondKey` holds. */
  readonly secondLocalKey: string;
  /** A one-of-many hasOneThrough (option `ofMany`), as on `HasRelationMeta`. */
  readonly ofMany?: HasRelationMeta["ofMany"];
}

export type RelationMeta =
  | HasOneMeta
  | HasManyMeta
  | BelongsToMeta
  | BelongsToManyMeta
  | MorphOneMeta
  | MorphManyMeta
  | MorphToMeta
  | ThroughMeta;

/** A pivot table `push()` must create (bare tables only; join models are models). */
export interface PivotTableMeta {
  readonly table: string;
  readonly columns: readonly PivotColumn[];
  readonly primaryKey: readonly string[];
  readonly foreignKeys: readonly {
    readonly column: string;
    readonly table: string;
    readonly targetColumn: string;
  }[];
  readonly indexes: readonly (readonly string[])[];
}

export interface SchemaMeta {
  readonly models: ReadonlyMap<string, ModelMeta>;
  readonly pivotTables: ReadonlyMap<string, PivotTableMeta>;
  /** morph alias -> model name, for every model (kept in step with `morphMap`). */
  readonly morphAliases: ReadonlyMap<string, string>;
  /** The morph map (schema/morph-map.ts): the one source of the values morph type columns store. */
  readonly morphMap: MorphMapMeta;
}

/**
 * A schema's morph map: model name <-> the value stored in morph type columns. The morph values
 * the metadata carries (`morphAlias`, `morphValue`, a morphTo's `targets`, a polymorphic pivot's
 * `morphType.value`) are derived from it, and derived again when `set` changes it.
 */
export interface MorphMapMeta {
  /** Every model whose type a polymorphic relation stores must have an entry (`enforceMorphMap`). */
  readonly enforce: boolean;
  /** The value stored for `model`: its entry, or its name. */
  valueOf(model: string): string;
  /** The model a stored value names, if any. */
  modelOf(value: string): string | undefined;
  /** The entries (model name -> stored value), as a fresh object. */
  entries(): Record<string, string>;
  /**
   * Merges `map` into the entries (or, `merge` false, replaces them), after checking every
   * entry; returns the new entries. Throws before changing anything.
   */
  set(map: unknown, merge: boolean): Record<string, string>;
}

/** The relation kinds whose value is a list of rows (the others give one row or null). */
export const TO_MANY_KINDS: ReadonlySet<RelationMeta["kind"]> = new Set(
  (Object.keys(RELATION_KINDS) as RelationKind[]).filter((kind) => RELATION_KINDS[kind].many),
);

/** Whether a relation's value is a list of rows. */
export function isToMany(meta: RelationMeta): boolean {
  return RELATION_KINDS[meta.kind].many;
}

/** Whether a relation's rows point at their parent (hasOne, hasMany, morphOne, morphMany). */
export function isChildRelation(meta: RelationMeta): meta is HasOneMeta | HasManyMeta | MorphOneMeta | MorphManyMeta {
  return RELATION_KINDS[meta.kind].writes === "child";
}

/** Whether a relation goes through a pivot (belongsToMany, morphToMany, morphedByMany). */
export function isPivotRelation(meta: RelationMeta): meta is BelongsToManyMeta {
  return RELATION_KINDS[meta.kind].writes === "pivot";
}

/** Whose rows a write through the relation changes (see RELATION_KINDS): `child`, `owner`, `pivot` or `through`. */
export function relationWrites(meta: RelationMeta): "child" | "owner" | "pivot" | "through" {
  return RELATION_KINDS[meta.kind].writes;
}

/** The relation's kind, for messages. */
export function kindName(meta: RelationMeta): string {
  return RELATION_KINDS[meta.kind] ? meta.kind : "relation";
}
