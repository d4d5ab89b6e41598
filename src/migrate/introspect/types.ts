/**
 * A live database's tables as its catalog describes them, in dialect-neutral terms: what
 * `check`, `push` and `pull` compare against the schema, and what a SQLite table rebuild keeps.
 */

/** A column as the catalog reports it. */
export interface DbColumn {
  readonly name: string;
  /**
   * The declared type, lower case, as the catalog spells it (`integer`, `varchar(255)`,
   * `timestamp with time zone`). MySQL/MariaDB: integer display widths dropped (`int`, not
   * `int(11)`) except `tinyint(1)`, and MariaDB's JSON (a checked `longtext`) is `json`.
   */
  readonly type: string;
  /** Whether it may hold NULL; an SQLite rowid alias (INTEGER PRIMARY KEY) may not, whatever it declares. */
  readonly nullable: boolean;
  /**
   * The default as SQL text (`'draft'`, `0`, `CURRENT_TIMESTAMP`), undefined when there is none
   * or it is NULL. A string is a standard SQL literal on every dialect (a quote doubled, a
   * backslash as itself); PostgreSQL keeps its casts (`'draft'::character varying`), and a
   * serial's `nextval(...)` is left out (`autoIncrement` says it). MySQL's and MariaDB's
   * spellings read the same (`'draft'`, `CURRENT_TIMESTAMP(3)`).
   */
  readonly default: string | undefined;
  /**
   * Filled by the database: SQLite's INTEGER PRIMARY KEY (a rowid alias, with or without
   * AUTOINCREMENT), PostgreSQL identity and serial columns, MySQL AUTO_INCREMENT.
   */
  readonly autoIncrement: boolean;
}

/**
 * An index; unique constraints are unique indexes (named as the database names them). SQLite:
 * a unique constraint under the name its CREATE TABLE gave it, else its autoindex's
 * (`sqlite_autoindex_users_2`). MySQL: the index InnoDB makes for a foreign key no index starts
 * with is listed, under the constraint's name.
 */
export interface DbIndex {
  readonly name: string;
  /** In index order; an expression's part is its SQL text on PostgreSQL, `""` on SQLite and MySQL. */
  readonly columns: readonly string[];
  readonly unique: boolean;
}

export interface DbForeignKey {
  /**
   * The constraint's name. SQLite's catalog keeps none: the name its CREATE TABLE statement
   * gave it, undefined when it gave none.
   */
  readonly name: string | undefined;
  /** In key order, paired with `targetColumns`. */
  readonly columns: readonly string[];
  /** The referenced table. */
  readonly table: string;
  /** The referenced columns (the target's primary key when the DDL named none). */
  readonly targetColumns: readonly string[];
  /**
   * Lower case: `cascade`, `set null`, `restrict`, `no action`, `set default`. An action the DDL
   * left out is `no action`, but `restrict` on MariaDB (InnoDB treats both alike).
   */
  readonly onDelete: string;
  readonly onUpdate: string;
}

export interface DbTable {
  readonly name: string;
  /** In the table's column order. */
  readonly columns: readonly DbColumn[];
  /** Empty when the table has none. */
  readonly primaryKey: readonly string[];
  /** Every index but the primary key's, unique constraints included; sorted by name. */
  readonly indexes: readonly DbIndex[];
  /** Sorted by name (SQLite's unnamed ones first, by their columns). */
  readonly foreignKeys: readonly DbForeignKey[];
}

export interface DbSchema {
  /**
   * By table name, in name order; relata's own bookkeeping tables (`relata_*`: migrations,
   * locks) are left out unless asked for by name.
   */
  readonly tables: ReadonlyMap<string, DbTable>;
}
