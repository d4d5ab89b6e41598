import type { Kysely } from "kysely";
import type { DialectName } from "../../dialect/profile.js";
import { readMysqlCatalog } from "./mysql.js";
import { readPostgresCatalog } from "./postgres.js";
import { readSqliteCatalog } from "./sqlite.js";
import type { DbColumn, DbForeignKey, DbIndex, DbSchema, DbTable } from "./types.js";

export type { DbColumn, DbForeignKey, DbIndex, DbSchema, DbTable } from "./types.js";

/**
 * What a dialect's reader gets from its catalog, one row per column of a table, key or index,
 * each in its position: assembled into `DbTable`s here, the same way for every dialect.
 */
interface CatalogRows {
  /** Every table read (the reader has already left out the database's own tables). */
  readonly tables: readonly string[];
  /** In each table's column order. */
  readonly columns: readonly (DbColumn & { readonly table: string })[];
  /** In key order. */
  readonly primaryKeys: readonly { readonly table: string; readonly column: string }[];
  /** In index order; the primary key's index left out. */
  readonly indexes: readonly {
    readonly table: string;
    readonly name: string;
    readonly unique: boolean;
    readonly column: string;
  }[];
  /** In key order; `key` tells the foreign keys of one table apart (the name, or SQLite's id). */
  readonly foreignKeys: readonly {
    readonly table: string;
    readonly key: string;
    readonly name: string | undefined;
    readonly column: string;
    readonly targetTable: string;
    readonly targetColumn: string;
    readonly onDelete: string;
    readonly onUpdate: string;
  }[];
}

/** Reads the catalog, of the named tables only when `tables` is given. */
type CatalogReader = (kysely: Kysely<any>, tables: readonly string[] | undefined) => Promise<CatalogRows>;

const readers: Record<DialectName, CatalogReader> = {
  sqlite: readSqliteCatalog,
  postgres: readPostgresCatalog,
  mysql: readMysqlCatalog,
};

/** Tables whose names start with this are relata's own bookkeeping (migrations, locks). */
const BOOKKEEPING_PREFIX = "relata_";

export interface IntrospectOptions {
  /** Read only these tables (those that exist); relata's own tables are read too when named here. */
  readonly tables?: readonly string[];
}

/**
 * Reads the tables of the connection's current schema (PostgreSQL), database (MySQL/MariaDB)
 * or main database (SQLite) from the catalog: columns, primary key, indexes (unique constraints
 * included) and foreign keys, in dialect-neutral terms. Tables come sorted by name, columns
 * in table order, indexes and foreign keys sorted by name.
 *
 * ```ts
 * const { tables } = await introspect(db.kysely, db.dialectName);
 * tables.get("users")?.indexes; // [{ name: "users_email_unique", columns: ["email"], unique: true }]
 * ```
 */
export async function introspect(
  kysely: Kysely<any>,
  dialect: DialectName,
  options: IntrospectOptions = {},
): Promise<DbSchema> {
  const wanted = options.tables;
  if (wanted?.length === 0) return { tables: new Map() };
  const rows = await readers[dialect](kysely, wanted);
  const names = rows.tables.filter((name) => wanted !== undefined || !name.startsWith(BOOKKEEPING_PREFIX));

  const drafts = new Map(names.map((name) => [name, draft()]));
  for (const { table, ...column } of rows.columns) drafts.get(table)?.columns.push(column);
  for (const { table, column } of rows.primaryKeys) drafts.get(table)?.primaryKey.push(column);
  for (const { table, name, unique, column } of rows.indexes) {
    const indexes = drafts.get(table)?.indexes;
    const index = indexes?.get(name) ?? { name, unique, columns: [] };
    index.columns.push(column);
    indexes?.set(name, index);
  }
  for (const { table, key, name, column, targetTable, targetColumn, onDelete, onUpdate } of rows.foreignKeys) {
    const foreignKeys = drafts.get(table)?.foreignKeys;
    const fk = foreignKeys?.get(key) ?? {
      name,
      columns: [],
      table: targetTable,
      targetColumns: [],
      onDelete,
      onUpdate,
    };
    fk.columns.push(column);
    fk.targetColumns.push(targetColumn);
    foreignKeys?.set(key, fk);
  }

  const tables = new Map<string, DbTable>();
  for (const name of [...drafts.keys()].sort(byText)) {
    const { columns, primaryKey, indexes, foreignKeys } = drafts.get(name)!;
    tables.set(name, {
      name,
      columns,
      primaryKey,
      indexes: [...indexes.values()].sort((a, b) => byText(a.name, b.name)),
      // SQLite's unnamed keys (name undefined) come first, by their columns.
      foreignKeys: [...foreignKeys.values()].sort(
        (a, b) => byText(a.name ?? "", b.name ?? "") || byText(a.columns.join("\0"), b.columns.join("\0")),
      ),
    });
  }
  return { tables };
}

/** A table while its rows are gathered. */
function draft() {
  return {
    columns: [] as DbColumn[],
    primaryKey: [] as string[],
    indexes: new Map<string, DbIndex & { readonly columns: string[] }>(),
    foreignKeys: new Map<string, DbForeignKey & { readonly columns: string[]; readonly targetColumns: string[] }>(),
  };
}

/** Code-unit order: the same on every machine, whatever the locale. */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
