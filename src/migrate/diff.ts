import type { RawBuilder } from "kysely";
import type { DialectName } from "../dialect/profile.js";
import { profiles } from "../dialect/resolve.js";
import { RelataError } from "../errors.js";
import { tablePlans } from "../generate/tables.js";
import { applyCasing } from "../schema/casing.js";
import type { Schema } from "../schema/define-schema.js";
import type { DbColumn, DbForeignKey, DbIndex, DbSchema, DbTable } from "./introspect/types.js";

/**
 * The schema diff: the tables a relata schema means on a database (`desiredSchema`), the typed
 * changes between two `DbSchema`s (`diffSchemas`), and how they read (`describeChanges`). Used
 * offline (migration files against the last snapshot) and live (`check`, `push`).
 */

/** A migration cannot be generated or applied as asked; `flags` are the CLI flags that would let it. */
export class MigrationError extends RelataError {
  constructor(
    message: string,
    readonly flags: readonly string[] = [],
  ) {
    super(message);
  }
}

/** A rename the user confirmed (renames are never guessed): a table, or a column of a table (named as in `to`). */
export type Rename =
  | { readonly kind: "table"; readonly from: string; readonly to: string }
  | { readonly kind: "column"; readonly table: string; readonly from: string; readonly to: string };

/** One change from one `DbSchema` to another; `lossy` when rows or values may be lost (or refused). */
export type SchemaChange =
  | { readonly kind: "createTable"; readonly table: DbTable; readonly lossy: false }
  | { readonly kind: "dropTable"; readonly table: DbTable; readonly lossy: true }
  | { readonly kind: "renameTable"; readonly from: string; readonly to: string; readonly lossy: false }
  | { readonly kind: "addColumn"; readonly table: string; readonly column: DbColumn; readonly lossy: false }
  | { readonly kind: "dropColumn"; readonly table: string; readonly column: DbColumn; readonly lossy: true }
  | {
      readonly kind: "renameColumn";
      readonly table: string;
      readonly from: string;
      readonly to: string;
      readonly lossy: false;
    }
  | {
      readonly kind: "alterColumn";
      readonly table: string;
      readonly from: DbColumn;
      readonly to: DbColumn;
      /** What differs. */
      readonly changed: readonly ("type" | "nullable" | "default" | "autoIncrement")[];
      /** A narrowing type change, or NULL no longer allowed. */
      readonly lossy: boolean;
    }
  | { readonly kind: "addIndex"; readonly table: string; readonly index: DbIndex; readonly lossy: false }
  | { readonly kind: "dropIndex"; readonly table: string; readonly index: DbIndex; readonly lossy: false }
  | { readonly kind: "addForeignKey"; readonly table: string; readonly foreignKey: DbForeignKey; readonly lossy: false }
  | {
      readonly kind: "dropForeignKey";
      readonly table: string;
      readonly foreignKey: DbForeignKey;
      readonly lossy: false;
    }
  | {
      readonly kind: "changePrimaryKey";
      readonly table: string;
      readonly from: readonly string[];
      readonly to: readonly string[];
      readonly lossy: false;
    };

// ---------------------------------------------------------------------------------------------
// How each catalog reads back what push() declares: the one place this file tells dialects apart.
// ---------------------------------------------------------------------------------------------

interface CatalogSpelling {
  /** A type as push() declares it -> as `introspect()` reports it. */
  type(declared: string): string;
  /** The columns of a primary key of several columns are NOT NULL whatever they declare. */
  readonly keyColumnsNotNull: boolean;
  /** A one-column INTEGER primary key is the rowid: generated and never NULL (SQLite). */
  readonly integerKeyIsRowid: boolean;
  /** A literal default as the catalog prints it; `quoted` is a standard SQL literal (`'it''s'`), else a number. */
  literal(text: string, quoted: boolean, type: string): string;
  readonly booleans: readonly [falseText: string, trueText: string];
  /** A numeric column's default given as a string (`'0.00'`) reads back as a number. */
  readonly numbersFromStrings: boolean;
}

const PG_TYPES: Readonly<Record<string, string>> = {
  serial: "integer",
  bigserial: "bigint",
  smallserial: "smallint",
  int: "integer",
  int4: "integer",
  int8: "bigint",
  int2: "smallint",
  float8: "double precision",
  float4: "real",
  bool: "boolean",
  decimal: "numeric",
  varchar: "character varying",
  char: "character",
  timestamptz: "timestamp with time zone",
  timestamp: "timestamp without time zone",
};
const MYSQL_TYPES: Readonly<Record<string, string>> = {
  integer: "int",
  boolean: "tinyint(1)",
  bool: "tinyint(1)",
  "double precision": "double",
  real: "double",
  numeric: "decimal",
};

/** Lower case, single spaces, none around parentheses and commas: `numeric(12, 4)` -> `numeric(12,4)`. */
export function compactType(type: string): string {
  return type
    .trim()
    .toLowerCase()
    .replace(/\s+/g, " ")
    .replace(/\s*([(),])\s*/g, "$1");
}

/** `base(args) rest` of a compact type. */
function splitType(type: string): { base: string; args: string; rest: string } {
  const match = /^([^(]*)(\([^)]*\))?(.*)$/.exec(type)!;
  return { base: match[1]!.trim(), args: match[2] ?? "", rest: match[3]! };
}

const SPELLINGS: Record<DialectName, CatalogSpelling> = {
  sqlite: {
    type: (declared) => declared.trim().toLowerCase(),
    keyColumnsNotNull: false,
    integerKeyIsRowid: true,
    literal: (text) => text,
    booleans: ["0", "1"],
    numbersFromStrings: false,
  },
  postgres: {
    type(declared) {
      const { base, args, rest } = splitType(compactType(declared));
      const name = PG_TYPES[base] ?? base;
      // format_type puts a precision inside: timestamp(3) with time zone.
      const zone = / (with|without) time zone$/.exec(name);
      return zone ? `${name.slice(0, zone.index)}${args}${zone[0]}` : `${name}${args}${rest}`;
    },
    keyColumnsNotNull: true,
    integerKeyIsRowid: false,
    literal(text, quoted, type) {
      const cast = castOf(type);
      if (quoted) return `${text}::${cast}`;
      return text.startsWith("-") ? `'${text}'::${cast}` : text;
    },
    booleans: ["false", "true"],
    numbersFromStrings: true,
  },
  mysql: {
    type(declared) {
      const compact = compactType(declared);
      if (MYSQL_TYPES[compact]) return MYSQL_TYPES[compact];
      const { base, args, rest } = splitType(compact);
      const name = MYSQL_TYPES[base] ?? base;
      const width = /^(tinyint|smallint|mediumint|int|bigint)$/.test(name) && args !== "(1)";
      return `${name}${width ? "" : args}${rest}`;
    },
    keyColumnsNotNull: true,
    integerKeyIsRowid: false,
    literal: (text) => text,
    booleans: ["0", "1"],
    numbersFromStrings: true,
  },
};

/** The type a PostgreSQL literal is cast to: the catalog type without its modifier. */
function castOf(type: string): string {
  const { base, rest } = splitType(type);
  return `${base}${rest}`;
}

// ---------------------------------------------------------------------------------------------
// desiredSchema
// ---------------------------------------------------------------------------------------------

/**
 * The tables relata's `push()` creates for `schema` on `dialect`, as `introspect()` would report
 * them once created: catalog type spellings, defaults as SQL text, constraint and index names
 * (on MySQL, the index InnoDB adds for a foreign key no index starts with). No database needed.
 *
 * ```ts
 * const changes = diffSchemas(await introspect(db.kysely, "postgres"), desiredSchema(schema, "postgres"));
 * ```
 */
export function desiredSchema(schema: Schema, dialect: DialectName): DbSchema {
  const spelling = SPELLINGS[dialect];
  const profile = profiles[dialect];
  const tables = new Map<string, DbTable>();
  const plans = tablePlans(schema.meta, dialect).sort((a, b) => byText(a.table, b.table));
  for (const plan of plans) {
    const key = plan.primaryKey;
    const columns = plan.columns.map((c): DbColumn => {
      const type = spelling.type(c.sqlType);
      const rowid = spelling.integerKeyIsRowid && key.length === 1 && key[0] === c.column && type === "integer";
      const inKey = key.includes(c.column) && (key.length === 1 || spelling.keyColumnsNotNull);
      const d = c.default;
      let text: string | undefined;
      if (d?.kind === "now" && d.ddl !== undefined) text = stripParens(d.ddl);
      else if (d?.kind === "value" && d.ddl) text = literalOf(d.encoded, type, spelling);
      return {
        name: c.column,
        type,
        nullable: c.config.nullable && !inKey && !rowid,
        default: text,
        autoIncrement: d?.kind === "autoIncrement" || rowid,
      };
    });
    const indexes: DbIndex[] = [
      ...[...plan.uniques, ...plan.compositeUniques].map((u) => ({
        name: u.name,
        columns: columnsOf(u),
        unique: true,
      })),
      ...plan.indexes.map((i) => ({ name: i.name, columns: [...i.columns], unique: false })),
    ];
    const foreignKeys = plan.foreignKeys.map(
      (fk): DbForeignKey => ({
        name: fk.name,
        columns: columnsOf(fk),
        table: fk.table,
        targetColumns: "targetColumns" in fk ? [...(fk.targetColumns as string[])] : [fk.targetColumn],
        onDelete: fk.onDelete ?? "no action",
        onUpdate: fk.onUpdate ?? "no action",
      }),
    );
    if (profile.indexesForeignKeys) {
      // InnoDB indexes a foreign key itself, under the key's name, unless an index starts with its columns.
      for (const fk of foreignKeys) {
        const starts = (list: readonly string[]) => fk.columns.every((c, i) => list[i] === c);
        if (!starts(key) && !indexes.some((i) => starts(i.columns))) {
          indexes.push({ name: fk.name!, columns: fk.columns, unique: false });
        }
      }
    }
    tables.set(plan.table, {
      name: plan.table,
      columns,
      primaryKey: [...key],
      indexes: indexes.sort((a, b) => byText(a.name, b.name)),
      foreignKeys: foreignKeys.sort((a, b) => byText(a.name ?? "", b.name ?? "")),
    });
  }
  return { tables };
}

/** One column (`column`) or several (`columns`): table plans name both ways. */
function columnsOf(item: { readonly column?: string; readonly columns?: readonly string[] }): string[] {
  return item.columns ? [...item.columns] : [item.column!];
}

function literalOf(encoded: unknown, type: string, spelling: CatalogSpelling): string | undefined {
  if (typeof encoded === "boolean") return spelling.booleans[encoded ? 1 : 0];
  if (typeof encoded === "number" || typeof encoded === "bigint") return spelling.literal(String(encoded), false, type);
  if (typeof encoded !== "string") return undefined;
  // A number written as a string (decimals, bigints) is a number to a numeric column, SQLite's aside.
  const numeric =
    spelling.numbersFromStrings && ["int", "float", "decimal"].includes(typeInfo(type).family) && NUMBER.test(encoded);
  return numeric ? spelling.literal(encoded, false, type) : spelling.literal(quote(encoded), true, type);
}

/** A standard SQL string literal. */
export const quote = (value: string): string => `'${value.replaceAll("'", "''")}'`;

/** `(expr)` -> `expr`, as long as the parentheses wrap all of it. */
function stripParens(text: string): string {
  let t = text.trim();
  while (t.startsWith("(") && t.endsWith(")")) {
    let depth = 0;
    let wraps = true;
    for (let i = 0; i < t.length - 1; i++) {
      if (t[i] === "(") depth++;
      else if (t[i] === ")") depth--;
      if (depth === 0) {
        wraps = false;
        break;
      }
    }
    if (!wraps) break;
    t = t.slice(1, -1).trim();
  }
  return t;
}

/** The SQL text of a parameterless raw builder (a profile's `defaultNow`). */
export function rawText(raw: RawBuilder<unknown>): string {
  return stripParens(raw.toOperationNode().sqlFragments.join("?"));
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * A default as compared: casts, wrapping parentheses and case outside literals dropped, numbers
 * in one form (`'0.00'::numeric` = `0`), booleans as 1/0. Each catalog prints defaults its own
 * way; this makes the same default read the same.
 */
export function canonicalDefault(text: string | undefined, type: string): string | undefined {
  if (text === undefined) return undefined;
  let t = text.trim();
  for (let before = ""; before !== t; ) {
    before = t;
    t = stripParens(t).replace(/::[a-z][a-z0-9 _]*(\([\d,\s]*\))?( with(out)? time zone)?(\[\])?$/i, "");
  }
  const literal = /^'((?:[^']|'')*)'$/.exec(t)?.[1]?.replaceAll("''", "'");
  const family = typeInfo(type).family;
  if (["int", "float", "decimal", "bool"].includes(family)) {
    const value = (literal ?? t).toLowerCase();
    if (value === "true" || value === "false") return value === "true" ? "1" : "0";
    if (NUMBER.test(value)) return canonicalNumber(value);
  }
  if (literal !== undefined) return quote(literal);
  // Outside string literals: no spaces, lower case (CURRENT_TIMESTAMP = current_timestamp()).
  return t.replace(/'(?:[^']|'')*'|[^']+/g, (part) =>
    part.startsWith("'") ? part : part.replace(/\s+/g, "").replace(/\(\)$/, "").toLowerCase(),
  );
}

function canonicalNumber(value: string): string {
  const n = Number(value);
  if (!/e/i.test(value) && !Number.isSafeInteger(Math.trunc(n))) {
    // Past 2^53: compare the digits.
    const [whole = "", fraction = ""] = value.replace(/^\+/, "").split(".");
    const w = whole.replace(/^(-?)0+(?=\d)/, "$1");
    const f = fraction.replace(/0+$/, "");
    return f ? `${w}.${f}` : w;
  }
  return String(n === 0 ? 0 : n);
}

// ---------------------------------------------------------------------------------------------
// Types: families and widths, to tell a widening change from a narrowing one.
// ---------------------------------------------------------------------------------------------

export interface TypeInfo {
  readonly family:
    | "int"
    | "bool"
    | "float"
    | "decimal"
    | "string"
    | "text"
    | "uuid"
    | "date"
    | "timestamp"
    | "json"
    | "other";
  /** Bits of an integer or float, characters of a string, rank of a text (tiny < text < medium < long). */
  readonly size: number;
  readonly precision: number;
  readonly scale: number;
}

const INT_BITS: Readonly<Record<string, number>> = {
  tinyint: 8,
  smallint: 16,
  mediumint: 24,
  int: 32,
  integer: 32,
  bigint: 64,
};
const TEXT_RANK: Readonly<Record<string, number>> = { tinytext: 1, text: 2, clob: 2, mediumtext: 3, longtext: 4 };

/** What a catalog type holds, roughly: enough to tell widening from narrowing. */
export function typeInfo(type: string): TypeInfo {
  const compact = compactType(type);
  const { base, args } = splitType(compact.replace(/ unsigned$/, ""));
  const numbers = args
    .slice(1, -1)
    .split(",")
    .filter(Boolean)
    .map((n) => Number(n));
  const info = (family: TypeInfo["family"], size = 0, precision = 0, scale = 0): TypeInfo => ({
    family,
    size,
    precision,
    scale,
  });
  if (compact === "tinyint(1)" || base === "boolean" || base === "bool") return info("bool", 1);
  if (INT_BITS[base] !== undefined) return info("int", INT_BITS[base]);
  // REAL is a double on SQLite and MySQL (PostgreSQL's real, float4, is the 4-byte one).
  if (base === "float4" || base === "float") return info("float", 32);
  if (base === "real" || base === "double" || base === "double precision" || base === "float8")
    return info("float", 64);
  if (base === "numeric" || base === "decimal") return info("decimal", 0, numbers[0] ?? 1000, numbers[1] ?? 500);
  if (/^(character varying|varchar|character|char|nvarchar|nchar)$/.test(base)) {
    return info("string", numbers[0] ?? 1);
  }
  if (TEXT_RANK[base] !== undefined) return info("text", TEXT_RANK[base]);
  if (base === "uuid") return info("uuid");
  if (base === "date") return info("date");
  if (/^(timestamp|datetime)/.test(base)) return info("timestamp", numbers[0] ?? 6);
  if (base === "json" || base === "jsonb") return info("json");
  return info("other");
}

/** Whether every value of type `a` is kept exactly in type `b`. */
export function widens(a: string, b: string): boolean {
  if (compactType(a) === compactType(b)) return true;
  const x = typeInfo(a);
  const y = typeInfo(b);
  const toText = y.family === "text";
  switch (x.family) {
    case "bool":
      return ["bool", "int", "float", "decimal", "text"].includes(y.family) || (y.family === "string" && y.size >= 5);
    case "int":
      return (
        (y.family === "int" && y.size >= x.size) ||
        (y.family === "float" && y.size === 64 && x.size <= 32) ||
        (y.family === "decimal" && y.precision - y.scale >= Math.ceil(x.size * 0.302) + 1) ||
        (y.family === "string" && y.size >= 21) ||
        toText
      );
    case "float":
      return (y.family === "float" && y.size >= x.size) || toText;
    case "decimal":
      return (
        (y.family === "decimal" && y.scale >= x.scale && y.precision - y.scale >= x.precision - x.scale) ||
        (y.family === "string" && y.size >= x.precision + 2) ||
        toText
      );
    case "string":
      return (y.family === "string" && y.size >= x.size) || toText;
    case "text":
      return toText && y.size >= x.size;
    case "uuid":
      return y.family === "uuid" || (y.family === "string" && y.size >= 36) || toText;
    case "date":
      return y.family === "date" || y.family === "timestamp" || toText;
    case "timestamp":
      return (y.family === "timestamp" && y.size >= x.size) || toText;
    case "json":
      return y.family === "json" || toText;
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------
// diffSchemas
// ---------------------------------------------------------------------------------------------

/**
 * The changes that take `from` to `to`: tables created, dropped and renamed; columns added,
 * dropped, renamed and altered; indexes, uniques, foreign keys and primary keys. Renames are
 * never guessed: a column that disappears while another appears is a drop and an add unless
 * `renames` names it (see `renameCandidates`). The index InnoDB makes for a foreign key comes and
 * goes with its key, and is not a change of its own.
 */
export function diffSchemas(
  from: DbSchema,
  to: DbSchema,
  options: { readonly renames?: readonly Rename[] } = {},
): SchemaChange[] {
  const renamed = applyRenames(from, to, options.renames ?? []);
  const changes: SchemaChange[] = [...renamed.changes];
  const before = renamed.tables;
  for (const [name, table] of to.tables) {
    if (!before.has(name)) changes.push({ kind: "createTable", table, lossy: false });
  }
  for (const name of [...before.keys()].filter((n) => to.tables.has(n)).sort(byText)) {
    changes.push(...diffTable(before.get(name)!, to.tables.get(name)!));
  }
  for (const [name, table] of before) {
    if (!to.tables.has(name)) changes.push({ kind: "dropTable", table, lossy: true });
  }
  return changes;
}

/** `from` with the renames applied (tables, then columns; keys that point at them follow), and the rename changes. */
function applyRenames(from: DbSchema, to: DbSchema, renames: readonly Rename[]) {
  const changes: SchemaChange[] = [];
  const tableNames = new Map<string, string>();
  const problem = (rename: string, why: string) =>
    new MigrationError(`Cannot rename ${rename}: ${why}.`, [`--rename ${rename}`]);
  for (const r of renames) {
    if (r.kind !== "table") continue;
    const what = `${r.from}=${r.to}`;
    // Made by an earlier migration: nothing left to rename.
    if (!from.tables.has(r.from) && from.tables.has(r.to) && !to.tables.has(r.from)) continue;
    if (!from.tables.has(r.from)) throw problem(what, `there is no table "${r.from}" to rename`);
    if (to.tables.has(r.from)) throw problem(what, `the schema still has a table "${r.from}"`);
    if (!to.tables.has(r.to)) throw problem(what, `the schema has no table "${r.to}"`);
    if (from.tables.has(r.to) || [...tableNames.values()].includes(r.to)) {
      throw problem(what, `a table "${r.to}" already exists`);
    }
    tableNames.set(r.from, r.to);
    changes.push({ kind: "renameTable", from: r.from, to: r.to, lossy: false });
  }
  const tableOf = (name: string) => tableNames.get(name) ?? name;
  const oldTable = new Map([...tableNames].map(([a, b]) => [b, a]));

  const columnNames = new Map<string, Map<string, string>>();
  for (const r of renames) {
    if (r.kind !== "column") continue;
    const what = `${r.table}.${r.from}=${r.table}.${r.to}`;
    const source = from.tables.get(oldTable.get(r.table) ?? r.table);
    const target = to.tables.get(r.table);
    const has = (t: DbTable | undefined, c: string) => t?.columns.some((x) => x.name === c) ?? false;
    if (!source || !target) throw problem(what, `"${r.table}" is not a table on both sides`);
    if (!has(source, r.from) && has(source, r.to) && !has(target, r.from)) continue;
    if (!has(source, r.from)) throw problem(what, `"${r.table}" has no column "${r.from}"`);
    if (has(target, r.from)) throw problem(what, `the schema still has "${r.table}.${r.from}"`);
    if (!has(target, r.to)) throw problem(what, `the schema has no "${r.table}.${r.to}"`);
    if (has(source, r.to)) throw problem(what, `"${r.table}" already has a column "${r.to}"`);
    const map = columnNames.get(r.table) ?? new Map<string, string>();
    map.set(r.from, r.to);
    columnNames.set(r.table, map);
    changes.push({ kind: "renameColumn", table: r.table, from: r.from, to: r.to, lossy: false });
  }
  const columnOf = (table: string) => (c: string) => columnNames.get(table)?.get(c) ?? c;

  const tables = new Map<string, DbTable>();
  for (const table of from.tables.values()) {
    const name = tableOf(table.name);
    const col = columnOf(name);
    tables.set(name, {
      name,
      columns: table.columns.map((c) => ({ ...c, name: col(c.name) })),
      primaryKey: table.primaryKey.map(col),
      indexes: table.indexes.map((i) => ({ ...i, columns: i.columns.map(col) })),
      foreignKeys: table.foreignKeys.map((fk) => ({
        ...fk,
        columns: fk.columns.map(col),
        table: tableOf(fk.table),
        targetColumns: fk.targetColumns.map(columnOf(tableOf(fk.table))),
      })),
    });
  }
  return { tables, changes };
}

function diffTable(a: DbTable, b: DbTable): SchemaChange[] {
  const table = b.name;
  const out: SchemaChange[] = [];
  const foreignKey = (fk: DbForeignKey) => fk.name ?? `${fk.columns.join(",")}>${fk.table}`;
  const keysA = new Map(a.foreignKeys.map((fk) => [foreignKey(fk), fk]));
  const keysB = new Map(b.foreignKeys.map((fk) => [foreignKey(fk), fk]));
  const indexesA = new Map(ownIndexes(a).map((i) => [i.name, i]));
  const indexesB = new Map(ownIndexes(b).map((i) => [i.name, i]));

  for (const [key, fk] of keysA) {
    const other = keysB.get(key);
    if (!other || !sameForeignKey(fk, other)) out.push({ kind: "dropForeignKey", table, foreignKey: fk, lossy: false });
  }
  for (const [name, index] of indexesA) {
    const other = indexesB.get(name);
    if (!other || !sameIndex(index, other)) out.push({ kind: "dropIndex", table, index, lossy: false });
  }
  for (const column of a.columns) {
    if (!b.columns.some((c) => c.name === column.name)) out.push({ kind: "dropColumn", table, column, lossy: true });
  }
  for (const column of b.columns) {
    if (!a.columns.some((c) => c.name === column.name)) out.push({ kind: "addColumn", table, column, lossy: false });
  }
  for (const to of b.columns) {
    const from = a.columns.find((c) => c.name === to.name);
    if (!from) continue;
    const changed: ("type" | "nullable" | "default" | "autoIncrement")[] = [];
    if (compactType(from.type) !== compactType(to.type)) changed.push("type");
    if (from.nullable !== to.nullable) changed.push("nullable");
    if (canonicalDefault(from.default, from.type) !== canonicalDefault(to.default, to.type)) changed.push("default");
    if (from.autoIncrement !== to.autoIncrement) changed.push("autoIncrement");
    if (changed.length === 0) continue;
    const lossy = (from.nullable && !to.nullable) || !widens(from.type, to.type);
    out.push({ kind: "alterColumn", table, from, to, changed, lossy });
  }
  if (a.primaryKey.join("\0") !== b.primaryKey.join("\0")) {
    out.push({ kind: "changePrimaryKey", table, from: a.primaryKey, to: b.primaryKey, lossy: false });
  }
  for (const [name, index] of indexesB) {
    const other = indexesA.get(name);
    if (!other || !sameIndex(index, other)) out.push({ kind: "addIndex", table, index, lossy: false });
  }
  for (const [key, fk] of keysB) {
    const other = keysA.get(key);
    if (!other || !sameForeignKey(fk, other)) out.push({ kind: "addForeignKey", table, foreignKey: fk, lossy: false });
  }
  return out;
}

/** The indexes a table has of its own: not the one InnoDB keeps for a foreign key, under the key's name. */
export function ownIndexes(table: DbTable): DbIndex[] {
  return table.indexes.filter((i) => i.unique || !table.foreignKeys.some((fk) => fk.name === i.name));
}

const sameIndex = (a: DbIndex, b: DbIndex) => a.unique === b.unique && a.columns.join("\0") === b.columns.join("\0");

/** RESTRICT and NO ACTION refuse the same deletes (MariaDB reports an omitted action as either). */
const action = (a: string) => (a === "restrict" ? "no action" : a);
function sameForeignKey(a: DbForeignKey, b: DbForeignKey): boolean {
  return (
    a.table === b.table &&
    a.columns.join("\0") === b.columns.join("\0") &&
    a.targetColumns.join("\0") === b.targetColumns.join("\0") &&
    action(a.onDelete) === action(b.onDelete) &&
    action(a.onUpdate) === action(b.onUpdate)
  );
}

/**
 * The columns that disappear from a table while others appear in it: each pair may be a rename,
 * which only the user can say (`--rename`, or a prompt).
 */
export function renameCandidates(
  changes: readonly SchemaChange[],
): { readonly table: string; readonly dropped: string; readonly added: string }[] {
  const out: { table: string; dropped: string; added: string }[] = [];
  for (const dropped of changes) {
    if (dropped.kind !== "dropColumn") continue;
    for (const added of changes) {
      if (added.kind === "addColumn" && added.table === dropped.table) {
        out.push({ table: dropped.table, dropped: dropped.column.name, added: added.column.name });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Renames as the CLI takes them: `post.title=post.headline` (model.field), `oldTable=model`.
// ---------------------------------------------------------------------------------------------

/**
 * Reads `--rename` values: `post.title=post.headline` renames a field's column (the left field
 * is gone from the schema: its column is the name the schema's casing gives it, or a column name
 * as is), `posts=article` renames a table (left: the old table; right: a model or table). A
 * model part may also be a table name (a bare pivot table).
 *
 * ```ts
 * parseRenames(schema, ["post.title=post.headline"]); // [{ kind: "column", table: "posts", from: "title", to: "headline" }]
 * ```
 */
export function parseRenames(schema: Schema, specs: readonly string[]): Rename[] {
  const { models, pivotTables } = schema.meta;
  const casing = schema.options.casing;
  const tableOf = (name: string, spec: string): string => {
    const model = models.get(name);
    if (model) return model.table;
    if ([...models.values()].some((m) => m.table === name) || pivotTables.has(name)) return name;
    throw new MigrationError(`--rename ${spec}: "${name}" is neither a model nor a table of the schema.`);
  };
  const columnOf = (table: string, field: string, old: boolean): string => {
    const model = [...models.values()].find((m) => m.table === table);
    const known = model?.fields.get(field)?.column;
    if (known !== undefined) return known;
    const columns = model
      ? [...model.fields.values()].map((f) => f.column)
      : (pivotTables.get(table)?.columns.map((c) => c.column) ?? []);
    if (columns.includes(field)) return field;
    return old ? applyCasing(field, casing) : field;
  };
  return specs.map((spec): Rename => {
    const match = /^\s*([\w$]+)(?:\.([\w$]+))?\s*=\s*([\w$]+)(?:\.([\w$]+))?\s*$/.exec(spec);
    const [, fromModel, fromField, toModel, toField] = match ?? [];
    if (!fromModel || !toModel || (fromField === undefined) !== (toField === undefined)) {
      throw new MigrationError(
        `--rename ${spec}: write model.oldField=model.newField (a column) or oldTable=model (a table).`,
      );
    }
    if (fromField === undefined || toField === undefined) {
      const table = tableOf(toModel, spec);
      const old = models.get(fromModel)?.table ?? fromModel;
      return { kind: "table", from: old, to: table };
    }
    const table = tableOf(toModel, spec);
    if (fromModel !== toModel && (models.get(fromModel)?.table ?? fromModel) !== table) {
      throw new MigrationError(`--rename ${spec}: a field is renamed within one model (${toModel}.${fromField}).`);
    }
    const to = columnOf(table, toField, false);
    const model = [...models.values()].find((m) => m.table === table);
    if (model && !model.fields.has(toField) && ![...model.fields.values()].some((f) => f.column === toField)) {
      throw new MigrationError(`--rename ${spec}: model "${model.name}" has no field "${toField}".`);
    }
    return { kind: "column", table, from: columnOf(table, fromField, true), to };
  });
}

/** The `--rename` value naming a column rename the way `parseRenames` reads it back: model.field. */
export function renameFlag(schema: Schema, table: string, from: string, to: string): string {
  const model = [...schema.meta.models.values()].find((m) => m.table === table);
  if (!model) return `--rename ${table}.${from}=${table}.${to}`;
  const field = (column: string) => [...model.fields.values()].find((f) => f.column === column)?.name;
  const camel = from.replace(/_+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
  const old = applyCasing(camel, schema.options.casing) === from ? camel : from;
  return `--rename ${model.name}.${old}=${model.name}.${field(to) ?? to}`;
}

// ---------------------------------------------------------------------------------------------
// describeChanges
// ---------------------------------------------------------------------------------------------

const list = (names: readonly string[]) => `(${names.join(", ")})`;
const columnText = (c: DbColumn) =>
  `${c.type}${c.autoIncrement ? " auto-increment" : ""} ${c.nullable ? "null" : "not null"}${c.default === undefined ? "" : ` default ${c.default}`}`;
const indexText = (table: string, i: DbIndex) =>
  `${i.unique ? "unique" : "index"} ${i.name} on ${table} ${list(i.columns)}`;
function foreignKeyText(table: string, fk: DbForeignKey): string {
  const actions = [
    fk.onDelete === "no action" ? "" : ` on delete ${fk.onDelete}`,
    fk.onUpdate === "no action" ? "" : ` on update ${fk.onUpdate}`,
  ].join("");
  return `foreign key ${fk.name ?? ""}${fk.name ? " " : ""}on ${table} ${list(fk.columns)} -> ${fk.table} ${list(fk.targetColumns)}${actions}`;
}

/**
 * The changes as a readable diff, one line each (a new table lists its columns), lossy ones
 * marked `(data loss)`:
 *
 * ```text
 * + post.subtitle varchar(255) null
 * ~ post.views integer -> bigint
 * - post.legacy (data loss)
 * ```
 */
export function describeChanges(changes: readonly SchemaChange[]): string {
  return changes.length === 0 ? "No changes." : changes.map(describeChange).join("\n");
}

function describeChange(change: SchemaChange): string {
  const loss = change.lossy ? " (data loss)" : "";
  switch (change.kind) {
    case "createTable": {
      const t = change.table;
      const lines = [
        ...t.columns.map((c) => `    ${c.name} ${columnText(c)}`),
        ...(t.primaryKey.length ? [`    primary key ${list(t.primaryKey)}`] : []),
        ...ownIndexes(t).map((i) => `    ${indexText(t.name, i)}`),
        ...t.foreignKeys.map((fk) => `    ${foreignKeyText(t.name, fk)}`),
      ];
      return [`+ table ${t.name}`, ...lines].join("\n");
    }
    case "dropTable":
      return `- table ${change.table.name}${loss}`;
    case "renameTable":
      return `~ table ${change.from} -> ${change.to} (renamed)`;
    case "addColumn":
      return `+ ${change.table}.${change.column.name} ${columnText(change.column)}`;
    case "dropColumn":
      return `- ${change.table}.${change.column.name}${loss}`;
    case "renameColumn":
      return `~ ${change.table}.${change.from} -> ${change.table}.${change.to} (renamed)`;
    case "alterColumn": {
      const { from, to } = change;
      const parts = change.changed.map((what) => {
        if (what === "type") return `${from.type} -> ${to.type}`;
        if (what === "nullable")
          return `${from.nullable ? "null" : "not null"} -> ${to.nullable ? "null" : "not null"}`;
        if (what === "default") return `default ${from.default ?? "none"} -> ${to.default ?? "none"}`;
        return to.autoIncrement ? "auto-increment" : "no longer auto-increment";
      });
      return `~ ${change.table}.${to.name} ${parts.join(", ")}${loss}`;
    }
    case "addIndex":
      return `+ ${indexText(change.table, change.index)}`;
    case "dropIndex":
      return `- ${indexText(change.table, change.index)}`;
    case "addForeignKey":
      return `+ ${foreignKeyText(change.table, change.foreignKey)}`;
    case "dropForeignKey":
      return `- ${foreignKeyText(change.table, change.foreignKey)}`;
    case "changePrimaryKey":
      return `~ primary key of ${change.table} ${list(change.from)} -> ${list(change.to)}`;
  }
}

/** Code-unit order: the same on every machine, whatever the locale. */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Catalog spelling of a type push() declares on `dialect` (for reading a catalog type back as a field kind). */
export function catalogType(declared: string, dialect: DialectName): string {
  return SPELLINGS[dialect].type(declared);
}
