import { type Kysely, type RawBuilder, sql } from "kysely";

interface TableRow {
  readonly table_name: string;
  readonly create_sql: string | null;
}
interface ColumnRow {
  readonly table_name: string;
  readonly name: string;
  readonly type: string;
  readonly notnull: number;
  readonly dflt_value: string | null;
  readonly pk: number;
}
interface IndexRow {
  readonly table_name: string;
  readonly index_name: string;
  readonly is_unique: number;
  /** `c`: CREATE INDEX, `u`: a UNIQUE constraint, `pk`: the primary key. */
  readonly origin: string;
  readonly column_name: string | null;
}
interface ForeignKeyRow {
  readonly table_name: string;
  readonly id: number;
  readonly target_table: string;
  readonly from_column: string;
  /** NULL when the key references the target's primary key without naming it. */
  readonly to_column: string | null;
  readonly on_update: string;
  readonly on_delete: string;
}

/**
 * SQLite's catalog: sqlite_master and the table_info / index_list / index_info /
 * foreign_key_list pragmas. SQLite keeps no names for UNIQUE and FOREIGN KEY constraints; the
 * names a CREATE TABLE statement gave them (`constraint "users_email_unique" unique (...)`)
 * are read back from its text, and an unnamed unique constraint keeps its autoindex's name.
 */
export async function readSqliteCatalog(kysely: Kysely<any>, wanted: readonly string[] | undefined) {
  const only = wanted ? sql`and m.name in (${sql.join(wanted)})` : sql``;
  // The tables and, joined to each, a pragma's rows; the database's own tables (sqlite_sequence,
  // sqlite_stat1) are not the application's.
  const from = (pragmas: RawBuilder<unknown>) =>
    sql`from sqlite_master m${pragmas} where m.type = 'table' and substr(m.name, 1, 7) <> 'sqlite_' ${only}`;

  const { rows: tables } = await sql<TableRow>`
    select m.name as table_name, m.sql as create_sql ${from(sql``)}`.execute(kysely);
  const { rows: columns } = await sql<ColumnRow>`
    select m.name as table_name, p.name, p.type, p."notnull", p.dflt_value, p.pk
    ${from(sql`, pragma_table_info(m.name) p`)}
    order by m.name, p.cid`.execute(kysely);
  const { rows: indexes } = await sql<IndexRow>`
    select m.name as table_name, il.name as index_name, il."unique" as is_unique, il.origin, ii.name as column_name
    ${from(sql`, pragma_index_list(m.name) il, pragma_index_info(il.name) ii`)}
    order by m.name, il.name, ii.seqno`.execute(kysely);
  const { rows: foreignKeys } = await sql<ForeignKeyRow>`
    select m.name as table_name, f.id, f."table" as target_table, f."from" as from_column, f."to" as to_column,
      f.on_update, f.on_delete
    ${from(sql`, pragma_foreign_key_list(m.name) f`)}
    order by m.name, f.id, f.seq`.execute(kysely);

  const declared = new Map(tables.map((t) => [t.table_name, parseCreateTable(t.create_sql ?? "")]));
  // A table whose primary key has an index of its own has no rowid alias (WITHOUT ROWID, or
  // a key that is not exactly `INTEGER`, or `INTEGER PRIMARY KEY DESC`).
  const keyIndexed = new Set(indexes.filter((i) => i.origin === "pk").map((i) => i.table_name));
  const keyWidth = new Map<string, number>();
  for (const c of columns) if (c.pk > 0) keyWidth.set(c.table_name, (keyWidth.get(c.table_name) ?? 0) + 1);
  const isRowidAlias = (c: ColumnRow) =>
    c.pk > 0 && keyWidth.get(c.table_name) === 1 && !keyIndexed.has(c.table_name) && c.type.toLowerCase() === "integer";

  // Unique constraints: an autoindex per constraint, named by its declaration where it has one.
  const indexId = (i: IndexRow) => `${i.table_name}\0${i.index_name}`;
  const indexColumns = groupBy(indexes, indexId);
  const indexNames = new Map<string, string>();
  for (const i of indexes) {
    if (i.origin !== "u") continue;
    const columnsOfIndex = indexColumns.get(indexId(i))!.map((c) => c.column_name ?? "");
    const named = declared.get(i.table_name)?.uniques.find((u) => sameNames(u.columns, columnsOfIndex));
    if (named) indexNames.set(indexId(i), named.name);
  }

  // A key naming no target columns references the target's primary key.
  const targetKeys = new Map<string, string[]>();
  for (const fk of foreignKeys) {
    if (fk.to_column !== null || targetKeys.has(fk.target_table)) continue;
    const { rows: key } = await sql<{ name: string }>`
      select name from pragma_table_info(${fk.target_table}) where pk > 0 order by pk`.execute(kysely);
    targetKeys.set(
      fk.target_table,
      key.map((k) => k.name),
    );
  }
  const fkId = (fk: ForeignKeyRow) => `${fk.table_name}\0${fk.id}`;
  const fkColumns = groupBy(foreignKeys, fkId);

  return {
    tables: tables.map((t) => t.table_name),
    columns: columns.map((c) => ({
      table: c.table_name,
      name: c.name,
      type: c.type.toLowerCase(),
      // A rowid alias cannot hold NULL whatever its declaration says (NULL makes a new rowid).
      nullable: c.notnull === 0 && !isRowidAlias(c),
      default: c.dflt_value === null || /^null$/i.test(c.dflt_value) ? undefined : c.dflt_value,
      autoIncrement: isRowidAlias(c),
    })),
    primaryKeys: columns
      .filter((c) => c.pk > 0)
      .sort((a, b) => (a.table_name < b.table_name ? -1 : a.table_name > b.table_name ? 1 : a.pk - b.pk))
      .map((c) => ({ table: c.table_name, column: c.name })),
    indexes: indexes
      .filter((i) => i.origin !== "pk")
      .map((i) => ({
        table: i.table_name,
        name: indexNames.get(indexId(i)) ?? i.index_name,
        unique: i.is_unique === 1,
        column: i.column_name ?? "",
      })),
    foreignKeys: foreignKeys.map((fk) => {
      const group = fkColumns.get(fkId(fk))!;
      const fromColumns = group.map((g) => g.from_column);
      const named = declared
        .get(fk.table_name)
        ?.foreignKeys.find((d) => sameNames([d.table], [fk.target_table]) && sameNames(d.columns, fromColumns));
      return {
        table: fk.table_name,
        key: String(fk.id),
        name: named?.name,
        column: fk.from_column,
        targetTable: fk.target_table,
        targetColumn: fk.to_column ?? targetKeys.get(fk.target_table)?.[group.indexOf(fk)] ?? "",
        onDelete: fk.on_delete.toLowerCase(),
        onUpdate: fk.on_update.toLowerCase(),
      };
    }),
  };
}

/** The items by key, each group in the items' order. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/** SQLite compares identifiers without regard to ASCII case. */
function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name.toLowerCase() === b[i]!.toLowerCase());
}

interface Declared {
  readonly uniques: { readonly name: string; readonly columns: string[] }[];
  readonly foreignKeys: { readonly name: string; readonly columns: string[]; readonly table: string }[];
}

/**
 * What a CREATE TABLE statement says that the pragmas do not: its named UNIQUE and FOREIGN KEY
 * constraints, table constraints (`constraint n unique (a, b)`) and column constraints
 * (`a int constraint n references t`).
 */
function parseCreateTable(createSql: string): Declared {
  const tokens = tokenize(createSql);
  const open = tokens.indexOf("(");
  const declared: Declared = { uniques: [], foreignKeys: [] };
  if (open < 0) return declared;
  for (const definition of splitTopLevel(tokens, open + 1)) {
    const first = definition[0]?.toLowerCase();
    const isTableConstraint = ["constraint", "unique", "foreign", "primary", "check"].includes(first ?? "");
    const column = isTableConstraint ? undefined : unquote(definition[0] ?? "");
    for (let i = 0; i < definition.length; i++) {
      if (definition[i]!.toLowerCase() !== "constraint") continue;
      const name = unquote(definition[i + 1] ?? "");
      const kind = definition[i + 2]?.toLowerCase();
      const rest = definition.slice(i + 3);
      if (kind === "unique") {
        const columns = column === undefined ? parenthesisedNames(rest) : [column];
        declared.uniques.push({ name, columns });
      } else if (kind === "foreign" && column === undefined) {
        // foreign key (a, b) references t (x, y)
        const columns = parenthesisedNames(rest.slice(1));
        const references = rest.findIndex((t) => t.toLowerCase() === "references");
        const table = references < 0 ? undefined : rest[references + 1];
        if (table) declared.foreignKeys.push({ name, columns, table: unquote(table) });
      } else if (kind === "references" && column !== undefined) {
        declared.foreignKeys.push({ name, columns: [column], table: unquote(rest[0] ?? "") });
      }
    }
  }
  return declared;
}

/** Words, quoted names, string literals and single punctuation; comments dropped. */
function tokenize(text: string): string[] {
  const pattern = /--[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]|'(?:[^']|'')*'|[\w$]+|\S/g;
  return [...text.matchAll(pattern)].map((m) => m[0]).filter((t) => !t.startsWith("--") && !t.startsWith("/*"));
}

/** The comma-separated definitions between the parenthesis opened before `start` and its match. */
function splitTopLevel(tokens: readonly string[], start: number): string[][] {
  const parts: string[][] = [[]];
  let depth = 0;
  for (let i = start; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === "(") depth++;
    if (token === ")" && depth-- === 0) break;
    if (token === "," && depth === 0) parts.push([]);
    else parts[parts.length - 1]!.push(token);
  }
  return parts.filter((part) => part.length > 0);
}

/** `(a collate nocase, "b" desc)` at the start of `tokens`: the first name of each element. */
function parenthesisedNames(tokens: readonly string[]): string[] {
  if (tokens[0] !== "(") return [];
  return splitTopLevel(tokens, 1).map((element) => unquote(element[0] ?? ""));
}

function unquote(token: string): string {
  const quote = token[0];
  if (quote === '"' || quote === "`") return token.slice(1, -1).replaceAll(quote + quote, quote);
  if (quote === "[") return token.slice(1, -1);
  return token;
}
