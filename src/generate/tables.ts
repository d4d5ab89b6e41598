import type { RawBuilder } from "kysely";
import type { DialectName, DialectProfile } from "../dialect/profile.js";
import { profiles } from "../dialect/resolve.js";
import { constraintName } from "../schema/constraint-names.js";
import type { FieldConfig } from "../schema/fields.js";
import { isPivotRelation, type ModelMeta, type PivotTableMeta, type SchemaMeta } from "../schema/meta.js";

/**
 * A column's default, as relata applies it: in the DDL (`ddl` set: its SQL text) or filled in
 * by create only (uuid(), json and text values, a date's `now` where the dialect cannot say it).
 */
export type ColumnDefault =
  | { readonly kind: "autoIncrement" }
  | { readonly kind: "now"; readonly ddl: string | undefined }
  | { readonly kind: "uuid" }
  | {
      readonly kind: "value";
      readonly value: unknown;
      /** What push() writes: the value as the dialect's driver binds it (SQLite: booleans as 1/0). */
      readonly encoded: unknown;
      readonly ddl: boolean;
    };

export interface TableColumn {
  /** The field's name (a bare pivot's column: its key or pivot field name). */
  readonly field: string;
  readonly column: string;
  readonly config: FieldConfig;
  /** relata's column type on the dialect, as push() writes it (`varchar(255)`). */
  readonly sqlType: string;
  readonly default: ColumnDefault | undefined;
}

export interface TableForeignKey {
  readonly name: string;
  readonly column: string;
  readonly table: string;
  readonly targetColumn: string;
  readonly onDelete: string | undefined;
  readonly onUpdate: string | undefined;
}

/**
 * One table as relata's push() creates it on a dialect: a model's table or a bare pivot table,
 * with the names push() gives its constraints and indexes.
 */
export interface TablePlan {
  readonly table: string;
  /** The model whose table it is; undefined for a bare pivot table. */
  readonly model: ModelMeta | undefined;
  readonly columns: readonly TableColumn[];
  /** Columns, in key order. */
  readonly primaryKey: readonly string[];
  /** push() names the constraint of a key of more than one column. */
  readonly primaryKeyName: string;
  readonly uniques: readonly { readonly name: string; readonly column: string }[];
  readonly foreignKeys: readonly TableForeignKey[];
  /**
   * The indexes push() creates: those asked for, morph pairs, pivot lookups and one per foreign key
   * (unless the database indexes foreign keys itself, as MySQL does), minus those a key covers.
   */
  readonly indexes: readonly { readonly name: string; readonly columns: readonly string[] }[];
  /** (type, id) column pairs of polymorphic relations stored in this table. */
  readonly morphPairs: readonly (readonly [string, string])[];
}

/** Every table push() creates for the schema on `dialect`: models in order, then bare pivot tables. */
export function tablePlans(meta: SchemaMeta, dialect: DialectName): TablePlan[] {
  const profile = profiles[dialect];
  if (!profile) throw new TypeError(`Unknown dialect "${String(dialect)}": use sqlite, postgres or mysql`);
  const pivotMorphPairs = new Map<string, readonly [string, string]>();
  for (const model of meta.models.values()) {
    for (const relation of model.relations.values()) {
      const type = isPivotRelation(relation) ? relation.pivot.morphType : undefined;
      if (!isPivotRelation(relation) || !type) continue;
      const id = relation.kind === "morphToMany" ? relation.pivot.foreignKey : relation.pivot.relatedKey;
      pivotMorphPairs.set(relation.pivot.table, [type.column, id.column]);
    }
  }
  return [
    ...[...meta.models.values()].map((model) => modelTable(model, meta.models, profile)),
    ...[...meta.pivotTables.values()].map((pivot) => pivotTable(pivot, pivotMorphPairs.get(pivot.table), profile)),
  ];
}

function modelTable(model: ModelMeta, models: ReadonlyMap<string, ModelMeta>, profile: DialectProfile): TablePlan {
  const column = (field: string) => model.fields.get(field)!.column;
  const columns = [...model.fields.values()].map((f) => tableColumn(f.name, f.column, f.config, profile));
  const primaryKey = model.primaryKey.map(column);
  const foreignKeys = model.foreignKeys.map((fk): TableForeignKey => {
    const target = models.get(fk.targetModel)!;
    const from = column(fk.field);
    return {
      name: constraintName(model.table, [from], "foreign"),
      column: from,
      table: target.table,
      targetColumn: target.fields.get(fk.targetField)!.column,
      onDelete: fk.onDelete,
      onUpdate: fk.onUpdate,
    };
  });
  const morphPairs = model.morphPairs.map(([type, id]) => [column(type), column(id)] as const);
  const wanted = [
    ...[...model.fields.values()].filter((f) => f.config.index).map((f) => [f.column]),
    ...morphPairs.map((pair) => [...pair]),
  ];
  const uniqueColumns = [...model.fields.values()]
    .filter((f) => f.config.unique && !f.config.primary)
    .map((f) => f.column);
  return finish(model.table, model, columns, primaryKey, uniqueColumns, foreignKeys, wanted, morphPairs, profile);
}

function pivotTable(
  pivot: PivotTableMeta,
  morphPair: readonly [string, string] | undefined,
  profile: DialectProfile,
): TablePlan {
  const columns = pivot.columns.map((c) => tableColumn(c.name, c.column, c.config, profile));
  // push() lets a pivot row go with either of the rows it links.
  const foreignKeys = pivot.foreignKeys.map(
    (fk): TableForeignKey => ({
      name: constraintName(pivot.table, [fk.column], "foreign"),
      ...fk,
      onDelete: "cascade",
      onUpdate: undefined,
    }),
  );
  const morphPairs = morphPair ? [morphPair] : [];
  return finish(pivot.table, undefined, columns, pivot.primaryKey, [], foreignKeys, pivot.indexes, morphPairs, profile);
}

function finish(
  table: string,
  model: ModelMeta | undefined,
  columns: TableColumn[],
  primaryKey: readonly string[],
  uniqueColumns: readonly string[],
  foreignKeys: TableForeignKey[],
  wanted: readonly (readonly string[])[],
  morphPairs: readonly (readonly [string, string])[],
  profile: DialectProfile,
): TablePlan {
  return {
    table,
    model,
    columns,
    primaryKey,
    primaryKeyName: constraintName(table, primaryKey, "pkey"),
    uniques: uniqueColumns.map((column) => ({ name: constraintName(table, [column], "unique"), column })),
    foreignKeys,
    indexes: indexesOf(primaryKey, uniqueColumns, foreignKeys, wanted, profile.indexesForeignKeys).map((cols) => ({
      name: constraintName(table, cols, "index"),
      columns: cols,
    })),
    morphPairs,
  };
}

/** As push(): the indexes asked for plus one per foreign key, minus any a key or unique already covers. */
function indexesOf(
  primaryKey: readonly string[],
  uniques: readonly string[],
  foreignKeys: readonly TableForeignKey[],
  wanted: readonly (readonly string[])[],
  databaseIndexesForeignKeys: boolean,
): (readonly string[])[] {
  const all = [...wanted];
  if (!databaseIndexesForeignKeys) all.push(...foreignKeys.map((fk) => [fk.column]));
  const covered = new Set<string>([primaryKey.join(","), primaryKey[0]!, ...uniques]);
  if (databaseIndexesForeignKeys) for (const fk of foreignKeys) covered.add(fk.column);
  const out: (readonly string[])[] = [];
  for (const columns of all) {
    const key = columns.join(",");
    if (covered.has(key)) continue;
    covered.add(key);
    out.push(columns);
  }
  return out;
}

function tableColumn(field: string, column: string, config: FieldConfig, profile: DialectProfile): TableColumn {
  return { field, column, config, sqlType: profile.columnType(config), default: columnDefault(config, profile) };
}

/** The default as push() writes it (ddlDefault in push.ts), or as create fills it in. */
function columnDefault(config: FieldConfig, profile: DialectProfile): ColumnDefault | undefined {
  if (config.autoIncrement) return { kind: "autoIncrement" };
  const d = config.default;
  if (!d) return undefined;
  if (d.kind === "uuid") return { kind: "uuid" };
  const filledByCreate = config.kind === "json" || config.kind === "text";
  if (d.kind === "now") {
    const now = filledByCreate ? undefined : profile.defaultNow(config.kind);
    return { kind: "now", ddl: now && rawText(now) };
  }
  const encoded = profile.encoder(config)?.(d.value) ?? d.value;
  const literal = ["string", "number", "boolean", "bigint"].includes(typeof encoded);
  return { kind: "value", value: d.value, encoded, ddl: literal && !filledByCreate };
}

/** The SQL text of a parameterless raw builder (a profile's `defaultNow`). */
function rawText(raw: RawBuilder<unknown>): string {
  return raw.toOperationNode().sqlFragments.join("?");
}
