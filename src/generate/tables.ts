import { type RawBuilder, sql } from "kysely";
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
  /**
   * Unique constraints of one column: a field's `.unique()`, and a model option `uniques` entry
   * of one field (`columns` is `[column]`). Those of several columns are `compositeUniques`.
   */
  readonly uniques: readonly { readonly name: string; readonly column: string; readonly columns: readonly string[] }[];
  /** Unique constraints over several columns (model option `uniques`), columns in key order. */
  readonly compositeUniques: readonly { readonly name: string; readonly columns: readonly string[] }[];
  readonly foreignKeys: readonly TableForeignKey[];
  /**
   * The indexes push() creates: those asked for (a field's `.index()`, the model option
   * `indexes`), morph pairs, pivot lookups and one per foreign key (unless the database indexes
   * foreign keys itself, as MySQL does), minus those a key, a unique or an index already covers
   * (one whose columns start with it, for a foreign key's).
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
    ...(model.indexes ?? []).map((fields) => fields.map(column)),
    ...morphPairs.map((pair) => [...pair]),
  ];
  // A unique the primary key (or an earlier unique) already makes is left out.
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((c) => b.includes(c));
  const uniques: (readonly string[])[] = [];
  for (const columns of [
    ...[...model.fields.values()].filter((f) => f.config.unique && !f.config.primary).map((f) => [f.column]),
    ...(model.uniques ?? []).map((fields) => fields.map(column)),
  ]) {
    if (!same(columns, primaryKey) && !uniques.some((u) => same(u, columns))) uniques.push(columns);
  }
  return finish(model.table, model, columns, primaryKey, uniques, foreignKeys, wanted, morphPairs, profile);
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
  uniques: readonly (readonly string[])[],
  foreignKeys: TableForeignKey[],
  wanted: readonly (readonly string[])[],
  morphPairs: readonly (readonly [string, string])[],
  profile: DialectProfile,
): TablePlan {
  const named = (columns: readonly string[]) => ({ name: constraintName(table, columns, "unique"), columns });
  return {
    table,
    model,
    columns,
    primaryKey,
    primaryKeyName: constraintName(table, primaryKey, "pkey"),
    uniques: uniques.filter((u) => u.length === 1).map((u) => ({ ...named(u), column: u[0]! })),
    compositeUniques: uniques.filter((u) => u.length > 1).map(named),
    foreignKeys,
    indexes: indexesOf(primaryKey, uniques, foreignKeys, wanted, profile.indexesForeignKeys).map((cols) => ({
      name: constraintName(table, cols, "index"),
      columns: cols,
    })),
    morphPairs,
  };
}

/**
 * As push() creates them: the indexes asked for, minus any the primary key, a unique or an
 * earlier index already is (or the key's first column), then one per foreign key unless a key,
 * unique or index starts with its column (or the database indexes foreign keys itself).
 */
function indexesOf(
  primaryKey: readonly string[],
  uniques: readonly (readonly string[])[],
  foreignKeys: readonly TableForeignKey[],
  wanted: readonly (readonly string[])[],
  databaseIndexesForeignKeys: boolean,
): (readonly string[])[] {
  const keys = [primaryKey, ...uniques].filter((columns) => columns.length > 0);
  const exact = new Set<string>([...keys.map((columns) => columns.join(",")), ...primaryKey.slice(0, 1)]);
  const leading = new Set<string>(keys.map((columns) => columns[0]!));
  // Where the database indexes a foreign key's column itself (MySQL), an index of it alone is its.
  if (databaseIndexesForeignKeys) for (const fk of foreignKeys) exact.add(fk.column);
  const out: (readonly string[])[] = [];
  for (const columns of wanted) {
    const key = columns.join(",");
    if (exact.has(key)) continue;
    exact.add(key);
    leading.add(columns[0]!);
    out.push(columns);
  }
  if (databaseIndexesForeignKeys) return out;
  for (const fk of foreignKeys) {
    if (leading.has(fk.column)) continue;
    leading.add(fk.column);
    out.push([fk.column]);
  }
  return out;
}

/** Plans ordered so referenced tables come first; members of a cycle keep their order. */
export function dependencyOrder(plans: readonly TablePlan[]): TablePlan[] {
  const pending = new Map(plans.map((p) => [p.table, p]));
  const ordered: TablePlan[] = [];
  while (pending.size > 0) {
    const ready = [...pending.values()].filter((p) =>
      p.foreignKeys.every((fk) => fk.table === p.table || !pending.has(fk.table)),
    );
    const next = ready.length > 0 ? ready : [pending.values().next().value!];
    for (const plan of next) {
      ordered.push(plan);
      pending.delete(plan.table);
    }
  }
  return ordered;
}

function tableColumn(field: string, column: string, config: FieldConfig, profile: DialectProfile): TableColumn {
  return { field, column, config, sqlType: profile.columnType(config), default: columnDefault(config, profile) };
}

/** The default as push() writes it (see `ddlDefault`), or as create fills it in. */
export function columnDefault(config: FieldConfig, profile: DialectProfile): ColumnDefault | undefined {
  if (config.autoIncrement) return { kind: "autoIncrement" };
  const d = config.default;
  if (!d) return undefined;
  if (d.kind === "uuid") return { kind: "uuid" };
  const filledByCreate = config.kind === "json" || config.kind === "text";
  if (d.kind === "now") {
    const now = filledByCreate ? undefined : profile.defaultNow(config);
    return { kind: "now", ddl: now && rawText(now) };
  }
  const encoded = profile.encoder(config)?.(d.value) ?? d.value;
  const literal = ["string", "number", "boolean", "bigint"].includes(typeof encoded);
  return { kind: "value", value: d.value, encoded, ddl: literal && !filledByCreate };
}

/** A column's default in the DDL; undefined when create fills it in (uuid(), json and text values). */
export function ddlDefault(d: ColumnDefault | undefined): RawBuilder<unknown> | undefined {
  if (d?.kind === "now") return d.ddl === undefined ? undefined : sql.raw(d.ddl);
  if (d?.kind === "value" && d.ddl) return sql.lit(d.encoded);
  return undefined;
}

/** The SQL text of a parameterless raw builder (a profile's `defaultNow`). */
function rawText(raw: RawBuilder<unknown>): string {
  return raw.toOperationNode().sqlFragments.join("?");
}
