import { type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely, sql } from "kysely";
import type { DialectProfile } from "../../dialect/profile.js";
import { columnDefault, ddlDefault } from "../../generate/tables.js";
import { constraintName } from "../../schema/constraint-names.js";
import type { ColumnOp, ColumnState, ForeignState, IndexState, TableState } from "./ops.js";

/*
 * The DDL of a column, key and index exactly as push() writes it (src/migrate/push.ts), so a
 * table a migration creates equals the one push() creates for the same fields: defaults come
 * from the one table plan (src/generate/tables.ts).
 */

/** A column a blueprint defines, as the planner tracks it; `source` is the live column it replaces. */
export function columnOf(profile: DialectProfile, op: ColumnOp, source: string | undefined): ColumnState {
  const literal = ddlDefault(columnDefault(op.config, profile));
  return {
    name: op.column,
    type: profile.columnType(op.config),
    nullable: op.config.nullable,
    default: op.sqlDefault ?? literal,
    constantDefault: op.sqlDefault === undefined && op.config.default?.kind === "value",
    autoIncrement: op.config.autoIncrement,
    source,
  };
}

/** The name of a primary key: the one PostgreSQL gives an inline key, push()'s for a composite one. */
export function primaryKeyName(table: string, columns: readonly string[]): string {
  const inline = `${table}_pkey`;
  return columns.length === 1 && inline.length <= 60 ? inline : constraintName(table, columns, "pkey");
}

/** What follows a column's type: primary key (inline), NOT NULL, auto-increment, default. */
export function defineColumn(profile: DialectProfile, column: ColumnState, inlinePrimary: boolean) {
  return (builder: ColumnDefinitionBuilder): ColumnDefinitionBuilder => {
    let c = builder;
    // SQLite lets a non-integer PRIMARY KEY hold NULL unless told otherwise.
    if (inlinePrimary) c = c.primaryKey().notNull();
    else if (!column.nullable) c = c.notNull();
    if (column.autoIncrement && profile.flagsAutoIncrement) c = c.autoIncrement();
    return column.default === undefined ? c : c.defaultTo(column.default);
  };
}

type Action = "cascade" | "set null" | "restrict" | "no action";
interface Referential<B> {
  onDelete(action: Action): B;
  onUpdate(action: Action): B;
}

/** A foreign key's ON DELETE / ON UPDATE, left out when not given (as push() writes them). */
export function referential<B extends Referential<B>>(foreign: ForeignState) {
  return (builder: B): B => {
    let b = builder;
    if (foreign.onDelete !== undefined) b = b.onDelete(foreign.onDelete as Action);
    if (foreign.onUpdate !== undefined) b = b.onUpdate(foreign.onUpdate as Action);
    return b;
  };
}

/**
 * CREATE TABLE `name` with the state's columns, primary key (inline for one column), unique
 * constraints and foreign keys, named for `state.table` (a rebuild creates under another name).
 */
export function createTableQuery(
  kysely: Kysely<any>,
  profile: DialectProfile,
  state: TableState,
  name = state.table,
): CreateTableBuilder<string, string> {
  const { primaryKey } = state;
  let builder: CreateTableBuilder<string, string> = kysely.schema.createTable(name);
  for (const column of state.columns) {
    const inline = primaryKey.length === 1 && primaryKey[0] === column.name;
    builder = builder.addColumn(column.name, sql.raw(column.type), defineColumn(profile, column, inline));
  }
  if (primaryKey.length > 1) {
    builder = builder.addPrimaryKeyConstraint(primaryKeyName(state.table, primaryKey), [...primaryKey] as never);
  }
  for (const unique of state.indexes.filter((index) => index.constraint)) {
    builder = builder.addUniqueConstraint(unique.name, [...unique.columns] as never);
  }
  for (const foreign of state.foreignKeys) {
    builder = builder.addForeignKeyConstraint(
      foreign.name,
      [...foreign.columns] as never,
      foreign.table,
      [...foreign.targetColumns],
      referential(foreign),
    );
  }
  return builder;
}

/** The indexes CREATE INDEX makes (not unique constraints, nor the ones the database makes itself). */
export function createdIndexes(state: TableState): IndexState[] {
  return state.indexes.filter((index) => !index.constraint && !index.implicit);
}

export function createIndexQuery(kysely: Kysely<any>, table: string, index: IndexState) {
  const builder = kysely.schema
    .createIndex(index.name)
    .on(table)
    .columns([...index.columns]);
  return index.unique ? builder.unique() : builder;
}

/**
 * Whether the table already has an index serving these columns, by push()'s rule: the primary
 * key, its first column, or an index (unique or not) over exactly these columns.
 */
export function covers(state: Pick<TableState, "primaryKey" | "indexes">, columns: readonly string[]): boolean {
  const key = columns.join(",");
  if (state.primaryKey.join(",") === key) return true;
  if (columns.length === 1 && state.primaryKey[0] === columns[0]) return true;
  return state.indexes.some((index) => index.columns.join(",") === key);
}

/** Whether some index (or the primary key) starts with these columns: what InnoDB looks for before it makes a foreign key's index. */
export function hasLeadingIndex(
  state: Pick<TableState, "primaryKey" | "indexes">,
  columns: readonly string[],
): boolean {
  const starts = (list: readonly string[]) => columns.every((column, i) => list[i] === column);
  return starts(state.primaryKey) || state.indexes.some((index) => starts(index.columns));
}
