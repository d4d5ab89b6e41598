import { sql } from "kysely";
import { constraintName } from "../../schema/constraint-names.js";
import type { DbTable } from "../introspect/types.js";
import type { TableState } from "./ops.js";

/** SQLite names the index of a UNIQUE constraint itself. */
const SQLITE_AUTOINDEX = "sqlite_autoindex_";

/**
 * A live table, as the planner tracks it. `createdIndexes` (SQLite) names the indexes CREATE
 * INDEX made; the table's other unique indexes are its UNIQUE constraints, named as push()
 * names them. Without it (PostgreSQL, MySQL) every unique index counts as a constraint.
 */
export function tableState(
  table: DbTable,
  createdIndexes?: ReadonlySet<string>,
  parenthesizeDefaults = false,
): TableState {
  const foreignNames = new Set<string>();
  const foreignKeys = table.foreignKeys.map((fk) => {
    const name = fk.name ?? constraintName(table.name, fk.columns, "foreign");
    foreignNames.add(name);
    return {
      name,
      columns: fk.columns,
      table: fk.table,
      targetColumns: fk.targetColumns,
      // The default action: left out, as push() writes it.
      onDelete: fk.onDelete === "no action" ? undefined : fk.onDelete,
      onUpdate: fk.onUpdate === "no action" ? undefined : fk.onUpdate,
    };
  });
  const indexes = table.indexes
    // A non-integer primary key's own index, should the catalog list it.
    .filter((index) => !(index.name.startsWith(SQLITE_AUTOINDEX) && index.columns.join() === table.primaryKey.join()))
    .map((index) => {
      const constraint = index.unique && !(createdIndexes?.has(index.name) ?? false);
      const name =
        constraint && index.name.startsWith(SQLITE_AUTOINDEX)
          ? constraintName(table.name, index.columns, "unique")
          : index.name;
      // InnoDB's own index for a foreign key carries the key's name.
      const implicit = !index.unique && foreignNames.has(index.name);
      return { name, columns: index.columns, unique: index.unique, constraint, ...(implicit && { implicit }) };
    });
  return {
    table: table.name,
    columns: table.columns.map((column) => ({
      name: column.name,
      type: column.type,
      nullable: column.nullable,
      default: column.default === undefined ? undefined : sql.raw(defaultSql(column.default, parenthesizeDefaults)),
      constantDefault: false,
      autoIncrement: column.autoIncrement,
      source: column.name,
    })),
    primaryKey: table.primaryKey,
    indexes,
    foreignKeys,
  };
}

/**
 * A catalog default as DDL takes it back. SQLite prints an expression default as written
 * inside its parentheses (`strftime(...)`), but a CREATE TABLE needs them back: `(strftime(...))`.
 */
function defaultSql(text: string, parenthesize: boolean): string {
  const literal = /^('.*'|-?[0-9.]+|null|true|false|current_(timestamp|date|time))$/is.test(text.trim());
  return parenthesize && !literal && !text.trim().startsWith("(") ? `(${text})` : text;
}
