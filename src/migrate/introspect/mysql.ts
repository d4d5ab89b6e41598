import { type Kysely, type RawBuilder, sql } from "kysely";

interface ColumnRow {
  readonly table_name: string;
  readonly name: string;
  readonly column_type: string;
  readonly data_type: string;
  readonly is_nullable: string;
  readonly column_default: string | null;
  readonly extra: string;
}
interface IndexRow {
  readonly table_name: string;
  readonly index_name: string;
  readonly non_unique: number | string;
  readonly column_name: string | null;
}
interface ForeignKeyRow {
  readonly table_name: string;
  readonly constraint_name: string;
  readonly column_name: string;
  readonly target_table: string;
  readonly target_column: string;
  readonly delete_rule: string;
  readonly update_rule: string;
}

/**
 * MySQL's and MariaDB's catalog (information_schema), in the connection's `database()`. The
 * two servers print some things differently; they are read back the same:
 *
 * - defaults: MariaDB prints SQL (`'draft'`, `current_timestamp(3)`, `NULL`), MySQL the bare
 *   value (`draft`, `CURRENT_TIMESTAMP(3)`, SQL NULL). Both become standard SQL text: a string
 *   quoted with `''` for a quote (a backslash is just a backslash), `CURRENT_TIMESTAMP` or
 *   `CURRENT_TIMESTAMP(n)`, numbers as printed; a NULL default is no default.
 * - types: integer display widths (`int(11)`, MariaDB and MySQL before 8.0.19) are dropped
 *   except `tinyint(1)`, the boolean; MariaDB's JSON (`longtext` checked by `json_valid`) is `json`.
 */
export async function readMysqlCatalog(kysely: Kysely<any>, wanted: readonly string[] | undefined) {
  const only = (column: RawBuilder<unknown>) => (wanted ? sql`and ${column} in (${sql.join(wanted)})` : sql``);
  const mariadb = await isMariadb(kysely);

  const { rows: tables } = await sql<{ table_name: string }>`
    select table_name as table_name from information_schema.tables
    where table_schema = database() and table_type = 'BASE TABLE' ${only(sql`table_name`)}`.execute(kysely);
  const { rows: columns } = await sql<ColumnRow>`
    select table_name as table_name, column_name as name, column_type as column_type, data_type as data_type,
      is_nullable as is_nullable, column_default as column_default, extra as extra
    from information_schema.columns
    where table_schema = database() ${only(sql`table_name`)}
    order by table_name, ordinal_position`.execute(kysely);
  // Every index, the primary key's (PRIMARY) too; an expression's part (MySQL 8) has no column: read as "".
  const { rows: indexes } = await sql<IndexRow>`
    select table_name as table_name, index_name as index_name, non_unique as non_unique, column_name as column_name
    from information_schema.statistics
    where table_schema = database() ${only(sql`table_name`)}
    order by table_name, index_name, seq_in_index`.execute(kysely);
  const { rows: foreignKeys } = await sql<ForeignKeyRow>`
    select k.table_name as table_name, k.constraint_name as constraint_name, k.column_name as column_name,
      k.referenced_table_name as target_table, k.referenced_column_name as target_column,
      r.delete_rule as delete_rule, r.update_rule as update_rule
    from information_schema.key_column_usage k
    join information_schema.referential_constraints r
      on r.constraint_schema = k.constraint_schema and r.constraint_name = k.constraint_name
      and r.table_name = k.table_name
    where k.table_schema = database() and k.referenced_table_name is not null ${only(sql`k.table_name`)}
    order by k.table_name, k.constraint_name, k.ordinal_position`.execute(kysely);
  const jsonColumns = mariadb ? await mariadbJsonColumns(kysely) : new Set<string>();

  // Base tables only: information_schema.columns lists the columns of views too.
  const tableSet = new Set(tables.map((t) => t.table_name));
  return {
    tables: [...tableSet],
    columns: columns
      .filter((c) => tableSet.has(c.table_name))
      .map((c) => ({
        table: c.table_name,
        name: c.name,
        type:
          c.data_type === "longtext" && jsonColumns.has(`${c.table_name}\0${c.name}`)
            ? "json"
            : columnType(c.column_type),
        nullable: c.is_nullable === "YES",
        default: (mariadb ? mariadbDefault : mysqlDefault)(c),
        autoIncrement: /\bauto_increment\b/i.test(c.extra),
      })),
    primaryKeys: indexes
      .filter((i) => i.index_name === "PRIMARY" && i.column_name !== null)
      .map((i) => ({ table: i.table_name, column: i.column_name! })),
    indexes: indexes
      .filter((i) => i.index_name !== "PRIMARY")
      .map((i) => ({
        table: i.table_name,
        name: i.index_name,
        unique: Number(i.non_unique) === 0,
        column: i.column_name ?? "",
      })),
    foreignKeys: foreignKeys.map((fk) => ({
      table: fk.table_name,
      key: fk.constraint_name,
      name: fk.constraint_name,
      column: fk.column_name,
      targetTable: fk.target_table,
      targetColumn: fk.target_column,
      onDelete: fk.delete_rule.toLowerCase(),
      onUpdate: fk.update_rule.toLowerCase(),
    })),
  };
}

async function isMariadb(kysely: Kysely<any>): Promise<boolean> {
  const { rows } = await sql<{ version: string }>`select version() as version`.execute(kysely);
  return /mariadb/i.test(rows[0]?.version ?? "");
}

/** `table\0column` of MariaDB's JSON columns: a `longtext` with the check `json_valid(`column`)` it adds. */
async function mariadbJsonColumns(kysely: Kysely<any>): Promise<Set<string>> {
  const { rows } = await sql<{ table_name: string; check_clause: string }>`
    select table_name as table_name, check_clause as check_clause from information_schema.check_constraints
    where constraint_schema = database() and check_clause like 'json_valid(%'`.execute(kysely);
  const found = new Set<string>();
  for (const { table_name, check_clause } of rows) {
    const column = /^json_valid\(`((?:[^`]|``)+)`\)$/.exec(check_clause)?.[1];
    if (column) found.add(`${table_name}\0${column.replaceAll("``", "`")}`);
  }
  return found;
}

/** `int(11)` -> `int`, `bigint(20) unsigned` -> `bigint unsigned`; `tinyint(1)` (boolean) stays. */
function columnType(type: string): string {
  return type
    .toLowerCase()
    .replace(/^(tinyint|smallint|mediumint|int|bigint|year)\((\d+)\)/, (whole, base: string, width: string) =>
      base === "tinyint" && width === "1" ? whole : base,
    );
}

const CURRENT_TIMESTAMP = /^current_timestamp(?:\((\d*)\))?$/i;

/** `CURRENT_TIMESTAMP` or `CURRENT_TIMESTAMP(3)`, however the server spells it (`current_timestamp()`). */
function currentTimestamp(text: string): string | undefined {
  const match = CURRENT_TIMESTAMP.exec(text);
  if (!match) return undefined;
  return match[1] ? `CURRENT_TIMESTAMP(${match[1]})` : "CURRENT_TIMESTAMP";
}

const quoted = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** MariaDB (10.2.7+) prints a default as SQL: `'it''s'`, `0`, `current_timestamp(3)`, `NULL`, `(1 + 2)`. */
function mariadbDefault(column: ColumnRow): string | undefined {
  const text = column.column_default;
  if (text === null || text === "NULL") return undefined;
  if (text.startsWith("'") && text.endsWith("'") && text.length >= 2) {
    return quoted(unescapeMariadbString(text.slice(1, -1)));
  }
  return currentTimestamp(text) ?? text;
}

/** MariaDB's escapes inside a quoted literal: `''` and backslash sequences. */
function unescapeMariadbString(body: string): string {
  const escapes: Readonly<Record<string, string>> = { "0": "\0", n: "\n", r: "\r", t: "\t", b: "\b", Z: "\x1a" };
  return body.replace(/''|\\(.)/gs, (_whole, escaped: string | undefined) =>
    escaped === undefined ? "'" : (escapes[escaped] ?? escaped),
  );
}

const NUMERIC = new Set(["tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal", "float", "double"]);

/**
 * MySQL prints a literal default as its bare value (`draft`, `0`) and an expression default
 * (8.0.13+, marked DEFAULT_GENERATED in EXTRA) as the expression; NULL is no default.
 */
function mysqlDefault(column: ColumnRow): string | undefined {
  const text = column.column_default;
  if (text === null) return undefined;
  const now = currentTimestamp(text);
  if (now) return now;
  if (/\bDEFAULT_GENERATED\b/i.test(column.extra)) return text;
  if (NUMERIC.has(column.data_type.toLowerCase())) return text;
  return quoted(text);
}
