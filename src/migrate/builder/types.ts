import type { Expression, RawBuilder } from "kysely";
import type { Casing } from "../../schema/casing.js";
import type { ReferentialAction } from "../../schema/fields.js";

/** A referential action in relata's spelling, or upper case as seed 002 writes it (`"CASCADE"`). */
export type ReferentialActionInput = ReferentialAction | Uppercase<ReferentialAction>;

/** A DDL default written as SQL rather than a value: `` .default(sql`gen_random_uuid()`) ``. */
export type SqlDefault = Expression<unknown>;

/** The column types `t.column(name, type)` takes: relata's field kinds and the seeds' names for them. */
export type ColumnType =
  | "id"
  | "increments"
  | "uuid"
  | "string"
  | "text"
  | "integer"
  | "bigint"
  | "bigInteger"
  | "float"
  | "real"
  | "double"
  | "decimal"
  | "boolean"
  | "timestamp"
  | "date"
  | "json";

export interface SchemaBuilderOptions {
  /**
   * How the column names a migration writes (`postId`) become columns (`post_id`); the same
   * option as `defineSchema`'s, default `"preserve"`. Table names are used as written.
   */
  readonly casing?: Casing;
}

/**
 * A column being defined. Its calls record into the table's blueprint as they are chained,
 * like Laravel's: `t.string("name").nullable()` and `const c = t.string("name"); c.nullable()`
 * define the same column. `T` is the type a default value must have.
 */
export interface ColumnDefinition<T> {
  /** Allows NULL (`nullable(false)` takes it back). */
  nullable(nullable?: boolean): this;
  /** The DDL default: a value of the column's type, `null`, or SQL (`` sql`...` ``). */
  default(value: T | null | SqlDefault): this;
  /** A unique constraint on this column, named `<table>_<column>_unique` unless given. */
  unique(name?: string): this;
  /** An index on this column, named `<table>_<column>_index` unless given. */
  index(name?: string): this;
  /** Makes this column (part of) the primary key. */
  primary(): this;
  /** A foreign key to `column` of the table given with `.on(table)`. */
  references(column: string): this;
  /** The table `.references(column)` points at. */
  on(table: string): this;
  /**
   * A foreign key to `table`.`column` (default `id`). Without a table, the table is the model
   * name the column's name gives: `postId` / `post_id` -> `post` (relata's default table name).
   */
  constrained(table?: string, column?: string): this;
  /** What happens to this row when the referenced row is deleted: cascade, set null, restrict, no action. */
  onDelete(action: ReferentialActionInput): this;
  /** What happens to this row when the referenced key changes. */
  onUpdate(action: ReferentialActionInput): this;
  /** `onDelete("cascade")`. */
  cascadeOnDelete(): this;
  /** `onDelete("set null")`. */
  nullOnDelete(): this;
  /** `onDelete("restrict")`. */
  restrictOnDelete(): this;
  /** `onUpdate("cascade")`. */
  cascadeOnUpdate(): this;
}

/** A timestamp or date column, which may default to the current time or date. */
export interface TimeColumnDefinition<T> extends ColumnDefinition<T> {
  /** Defaults to the current time (timestamp) or date (date), as `defaultNow()` fields do. */
  defaultNow(): this;
  /** Laravel's name for `defaultNow()`. */
  useCurrent(): this;
}

/** In `alter`: a column definition that changes an existing column instead of adding one. */
export interface ChangeableColumn {
  /**
   * Changes the existing column to this definition: its type, nullability and default are
   * exactly what the chain says (what it leaves out is dropped, as in Laravel).
   */
  change(): this;
}

/** A table-level foreign key: `t.foreign(["authorId"]).references(["id"]).on("user")`. */
export interface ForeignKeyDefinition {
  references(columns: string | readonly string[]): this;
  on(table: string): this;
  onDelete(action: ReferentialActionInput): this;
  onUpdate(action: ReferentialActionInput): this;
  cascadeOnDelete(): this;
  nullOnDelete(): this;
  restrictOnDelete(): this;
  cascadeOnUpdate(): this;
}

/** Columns named in a table-level call: one name or a list. */
export type ColumnNames = string | readonly string[];

/** What `create` and `alter` both define with; `C` is what each column definition adds. */
export interface TableBlueprint<C> {
  /** An auto-increment integer primary key (`id()`), named `id` unless given. */
  id(name?: string): ColumnDefinition<number> & C;
  /** The seeds' name for `id()`. */
  increments(name?: string): ColumnDefinition<number> & C;
  uuid(name: string): ColumnDefinition<string> & C;
  /** `varchar(length)`, default 255 (text on SQLite). */
  string(name: string, length?: number): ColumnDefinition<string> & C;
  /** Unbounded text; takes no DDL default (MySQL cannot store one). */
  text(name: string): ColumnDefinition<never> & C;
  integer(name: string): ColumnDefinition<number> & C;
  bigint(name: string): ColumnDefinition<bigint | number> & C;
  bigInteger(name: string): ColumnDefinition<bigint | number> & C;
  /** A double-precision float (`float()` fields). */
  float(name: string): ColumnDefinition<number> & C;
  real(name: string): ColumnDefinition<number> & C;
  double(name: string): ColumnDefinition<number> & C;
  /** An exact decimal, default `decimal(10, 2)`. */
  decimal(name: string, precision?: number, scale?: number): ColumnDefinition<string | number> & C;
  boolean(name: string): ColumnDefinition<boolean> & C;
  /** A point in time (UTC); its default is `defaultNow()` or SQL. */
  /** `{ withTimezone: false }`: a column without a time zone, as `timestamp({ withTimezone: false })` fields. */
  timestamp(name: string, options?: { withTimezone?: boolean }): TimeColumnDefinition<never> & C;
  /** A calendar date; a default is written `"YYYY-MM-DD"`. */
  date(name: string): TimeColumnDefinition<string> & C;
  /** A JSON value; takes no DDL default (MySQL cannot store one). */
  json(name: string): ColumnDefinition<never> & C;
  /** A column of a type named at run time: `t.column("title", "string", { length: 80 })`. */
  column(
    name: string,
    type: ColumnType,
    options?: { readonly length?: number; readonly precision?: number; readonly scale?: number },
  ): ColumnDefinition<any> & C;
  /** An integer column holding another table's `id()`; chain `.constrained()` for the foreign key. */
  foreignId(name: string): ColumnDefinition<number> & C;
  /** A uuid column holding another table's uuid key. */
  foreignUuid(name: string): ColumnDefinition<string> & C;
  /** Nullable `createdAt` and `updatedAt` timestamps. */
  timestamps(): void;
  /** A nullable `deletedAt` timestamp (the field `softDeletes: true` sets). */
  softDeletes(name?: string): TimeColumnDefinition<never> & C;
  /** `${name}Type` (string) and `${name}Id` (integer), indexed together: a morphTo's columns. */
  morphs(name: string): void;
  /** `morphs(name)` with both columns nullable. */
  nullableMorphs(name: string): void;
  /** The primary key over `columns` (a composite one is named `<table>_<columns>_pkey`). */
  primary(columns: ColumnNames, name?: string): void;
  /** A unique constraint over `columns`, named `<table>_<columns>_unique` unless given. */
  unique(columns: ColumnNames, name?: string): void;
  /** An index over `columns`, named `<table>_<columns>_index` unless given. */
  index(columns: ColumnNames, name?: string): void;
  /** A foreign key over `columns`, named `<table>_<columns>_foreign` unless given. */
  foreign(columns: ColumnNames, name?: string): ForeignKeyDefinition;
}

/** The blueprint of `schema.create(table, (t) => ...)`. */
export type CreateTableBlueprint = TableBlueprint<unknown>;

/** The blueprint of `schema.alter(table, (t) => ...)`: adds columns, and changes or drops what is there. */
export interface AlterTableBlueprint extends TableBlueprint<ChangeableColumn> {
  /** Drops columns, with every index, unique, foreign and primary key they are part of. */
  dropColumn(columns: ColumnNames): void;
  renameColumn(from: string, to: string): void;
  /** Drops an index by name, or the one `index(columns)` made. */
  dropIndex(nameOrColumns: ColumnNames): void;
  /** Drops a unique constraint by name, or the one `unique(columns)` made. */
  dropUnique(nameOrColumns: ColumnNames): void;
  /** Drops a foreign key by name, or the one made over `columns`. */
  dropForeign(nameOrColumns: ColumnNames): void;
  /** Drops the primary key. */
  dropPrimary(): void;
  dropTimestamps(): void;
  dropSoftDeletes(name?: string): void;
  dropMorphs(name: string): void;
}

/**
 * Writes and changes tables in a migration, with the column types, defaults and constraint
 * names `push()` gives the same fields. Every method checks its arguments before any SQL.
 *
 * ```ts
 * export async function up(schema: SchemaBuilder) {
 *   await schema.create("post_tags", (t) => {
 *     t.foreignId("postId").constrained().onDelete("cascade");
 *     t.foreignId("tagId").constrained().onDelete("cascade");
 *     t.primary(["postId", "tagId"]);
 *   });
 * }
 * ```
 */
export interface SchemaBuilder {
  /** Creates a table: columns, keys, uniques, foreign keys, then its indexes. */
  create(table: string, define: (t: CreateTableBlueprint) => void): Promise<void>;
  /**
   * Changes a table. The live table is read first, so a column, index or key the alter names
   * must exist before anything changes. SQLite, which cannot alter keys or columns, rebuilds
   * the table (rows, indexes and foreign keys kept).
   */
  alter(table: string, define: (t: AlterTableBlueprint) => void): Promise<void>;
  /** Laravel's name for `alter`. */
  table(table: string, define: (t: AlterTableBlueprint) => void): Promise<void>;
  drop(table: string): Promise<void>;
  dropIfExists(table: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  hasTable(table: string): Promise<boolean>;
  /** Whether the table has the column (named as the migration names it: cased like the others). */
  hasColumn(table: string, column: string): Promise<boolean>;
  /** Runs one SQL statement as written. */
  raw(statement: string | RawBuilder<unknown>): Promise<void>;
}
