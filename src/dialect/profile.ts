import {
  type Expression,
  type Kysely,
  type OperationNode,
  type RawBuilder,
  RawNode,
  type SelectQueryBuilder,
  type SqlBool,
  sql,
  ValueNode,
} from "kysely";
import type { FieldConfig, FieldKind } from "../schema/fields.js";

export type DialectName = "sqlite" | "postgres" | "mysql";

/** How relations load: one query per relation level, or one JSON-aggregated statement. */
export type RelationLoadStrategy = "query" | "join";

/** What a driver error means, as a dialect profile reads it from the driver's codes. */
export type DriverFailure =
  | {
      readonly kind: "unique" | "foreignKey";
      readonly constraint?: string | undefined;
      /** The table the error names, when the statement's own table is not known. */
      readonly table?: string | undefined;
      readonly columns?: readonly string[] | undefined;
    }
  | { readonly kind: "connection" | "deadlock" | "serialization" | "timeout" | "aborted" };

/**
 * What a field is stored as, for the tables a profile is written as: its kind, or
 * `naiveTimestamp` for `timestamp({ withTimezone: false })` (a column without a time zone
 * holding the UTC wall-clock time).
 */
export type StorageKind = FieldKind | "naiveTimestamp";

export const storageKind = (config: FieldConfig): StorageKind =>
  config.kind === "timestamp" && config.withTimezone === false ? "naiveTimestamp" : config.kind;

export type Encode = (value: unknown) => unknown;
export type Decode = (value: unknown) => unknown;

/**
 * Everything relata needs to know about a database family, as capability flags and small
 * hooks. Nothing outside `src/connection/` asks which dialect it is talking to.
 */
export interface DialectProfile {
  readonly name: DialectName;
  /** `INSERT ... RETURNING` (false: re-select by the inserted key, unless `detectReturning` finds it). */
  readonly supportsReturning: boolean;
  /** Asks the server whether it has `INSERT ... RETURNING` after all (MariaDB 10.5+ does, MySQL does not). */
  detectReturning?(kysely: Kysely<any>): Promise<boolean>;
  /** Most bound parameters one statement may carry. */
  readonly maxParameters: number;
  /** How the dialect quotes identifiers (`"` or a backtick) and numbers parameters (`$1`) or not (`?`), for bulk inserts written without Kysely's AST. */
  readonly identifierQuote: string;
  readonly numberedParameters: boolean;
  /** The database indexes foreign key columns by itself (MySQL/InnoDB). */
  readonly indexesForeignKeys: boolean;
  /** A CREATE TABLE may reference a table that does not exist yet (SQLite). */
  readonly allowsForwardForeignKeys: boolean;
  /** An auto-increment id is a column flag (SQLite, MySQL) rather than a type of its own (PostgreSQL `serial`). */
  readonly flagsAutoIncrement: boolean;
  /** Names of the tables that already exist in the connection's current schema/database. */
  existingTables(kysely: Kysely<any>): Promise<Set<string>>;
  /** SQL column type of a field for `push()`, e.g. `varchar(255)`. */
  columnType(config: FieldConfig): string;
  /**
   * The DDL default of `defaultNow()`, or undefined when the dialect cannot express it. Pass the
   * field's config: a timestamp without a time zone has a default of its own (a kind alone
   * gives the default of the kind's plain field).
   */
  defaultNow(field: FieldKind | FieldConfig): RawBuilder<unknown> | undefined;
  /** Turns a JS value into what the driver binds for a field of this kind (undefined: as is). */
  encoder(config: FieldConfig): Encode | undefined;
  /** What a SELECT reads for a column of this field (usually the column itself). */
  readExpression(config: FieldConfig, column: RawBuilder<unknown>): RawBuilder<unknown>;
  /** What a field reads as inside JSON: bigints, decimals and json as text, so JSON renders them exactly. */
  jsonReadExpression(config: FieldConfig, column: RawBuilder<unknown>): RawBuilder<unknown>;
  /**
   * A scalar subquery giving the related rows of one parent as a JSON array, in order (the
   * "join" loading strategy): of objects keyed by column name, or, where `jsonArrayRows`, of
   * value arrays in the order of the columns, then the nested relations.
   */
  jsonArray(parts: JsonArrayParts): RawBuilder<unknown>;
  /** Whether `jsonArray` gives each row as an array of values (SQLite) instead of an object. */
  readonly jsonArrayRows: boolean;
  /** NULL sorts before every value in an ascending order (SQLite, MySQL), not after (PostgreSQL). */
  readonly nullsSortFirst: boolean;
  /** The faster loading strategy on this database, as measured by bench/ (the default). */
  readonly defaultLoadStrategy: "query" | "join";
  /** A key column cast to text or to an integer, to compare keys of different types in SQL. */
  castKey(column: RawBuilder<unknown>, to: "text" | "integer"): RawBuilder<unknown>;
  /** Whether `jsonArray` applies limit/offset itself; if not, the loader slices after parsing. */
  readonly jsonArrayLimits: boolean;
  /** Turns what the driver returns into the field's JS value (undefined: as is). */
  decoder(config: FieldConfig): Decode | undefined;
  /**
   * `column IN (list)` / `NOT IN`, for a non-empty list of encoded values. PostgreSQL binds
   * the list as one array (`= ANY($1)`): one parameter, planned once, however many keys.
   */
  inList(
    column: Expression<unknown>,
    values: readonly unknown[],
    not: boolean,
    /** The compared field, when known: a long list may then be bound as one typed JSON parameter (SQLite, MySQL). */
    config?: FieldConfig,
  ): Expression<SqlBool>;
  /**
   * A derived table of `rows` (encoded values, every row as long as `like.columns`), its
   * columns named c0, c1, ...; each typed as the column of `like` at its place (PostgreSQL
   * would read untyped parameters as text). For joining many rows' values in one statement.
   */
  valuesTable(rows: readonly (readonly unknown[])[], like: ColumnsLike): RawBuilder<unknown>;
  /**
   * How an UPDATE or DELETE joins a `valuesTable`: `from` (`UPDATE t SET ... FROM v`,
   * `DELETE FROM t WHERE (...) IN (SELECT ... FROM v)`: PostgreSQL, SQLite) or `tables`
   * (`UPDATE t, v SET ...`, `DELETE FROM t USING t, v`: MySQL, where a DELETE with a row-value
   * IN list or subquery walks the key once per row, about 30x slower on MariaDB 10.11).
   */
  readonly joinValues: "from" | "tables";
  /**
   * Binds a batch of rows as one array per column (PostgreSQL's `unnest`): a multi-row INSERT
   * is `INSERT ... SELECT * FROM unnest($1, $2, ...)` and a `valuesTable` an unnest, one
   * parameter per column whatever the number of rows, instead of a VALUES list of one per value.
   */
  readonly columnArrays: boolean;
  /** INSERT, UPDATE and DELETE may run inside a WITH, several as one statement (PostgreSQL). */
  readonly writableCtes: boolean;
  /**
   * How eager loading reads a limited number of related rows per parent: `window` numbers each
   * parent's rows (ROW_NUMBER() OVER (PARTITION BY key ...)) and keeps the first; `keyed` takes
   * each key's rows by a correlated `IN (SELECT id ... ORDER BY ... LIMIT n)`, which SQLite runs
   * as one indexed lookup per key instead of sorting every related row (3 newest of 10 posts
   * for 1,000 users: 7.2 against 12.9 ms); `lateral` joins each key to its limited rows with
   * CROSS JOIN LATERAL (PostgreSQL: 4.8 against 6.9 ms for the window; its plan for the `keyed`
   * form takes seconds). MariaDB has neither LATERAL nor LIMIT in such a subquery.
   */
  readonly perParentLimit: "window" | "keyed" | "lateral";
  /** What the columns can hold, beyond the JS type: checked before any SQL (src/query/validate.ts). */
  readonly valueLimits: ValueLimits;
  /** A backslash escapes `%` and `_` in a LIKE pattern by default (PostgreSQL, MySQL); if not, relata says `escape '\'`. */
  readonly backslashEscapesLike: boolean;
  /** What a driver error means (a constraint, a lost connection, a deadlock...), from the driver's codes; undefined: not known. */
  classifyError(error: unknown): DriverFailure | undefined;
}

/**
 * The values a dialect's columns cannot store exactly, so validation rejects them before any
 * SQL. Limits every dialect shares (32-bit integer(), 64-bit bigint(), string(n) length,
 * decimal precision/scale, well-formed UTF-16) live in validate.ts.
 */
export interface ValueLimits {
  /** The `id()` values the column holds: 32-bit where it is (integer() is 32-bit everywhere). */
  readonly id: {
    readonly min: number;
    readonly max: number;
    /** Largest id a write may give (SQLite's next rowid is the largest plus one, which must stay exact in JS). */
    readonly maxWritten: number;
    /** A written 0 makes the database generate the next id instead (MySQL's AUTO_INCREMENT). */
    readonly zeroGenerates: boolean;
    /** The column, as messages name it. */
    readonly column: string;
  };
  /** Earliest and latest instant a `timestamp()` column holds (ms since the epoch), and how to name that range. */
  readonly timestamp: { readonly min: number; readonly max: number; readonly range: string };
  /** Earliest and latest `date()` as written (`"YYYY-MM-DD"`), and how to name that range. */
  readonly date: { readonly min: string; readonly max: string; readonly range: string };
  /** Text and json can hold NUL (`"\u0000"`); PostgreSQL rejects it in text and jsonb. */
  readonly nul: boolean;
  /** Most bytes (UTF-8) a `text()` column holds, when less than any JS string (MySQL TEXT: 65,535). */
  readonly textBytes?: number;
  /** Most digits a `decimal()` keeps exactly, when the column is not exact (SQLite stores a double). */
  readonly decimalDigits?: number;
  /** Deepest nesting of arrays and objects a `json()` value may have (MariaDB's JSON_VALID stops at 31). */
  readonly jsonDepth: number;
}

/** The table and columns whose types a `valuesTable`'s columns take, in order. */
export interface ColumnsLike {
  readonly table: string;
  readonly columns: readonly string[];
}

/** A decoder that needs the field's configuration (bigint mode, decimal scale) or not. */
export type DecoderFactory = (config: FieldConfig) => Decode;

/** Wraps a decoder that does not depend on the field's configuration. */
export const fixed =
  (decode: Decode): DecoderFactory =>
  () =>
    decode;

/** A profile written as tables: per field kind, its column type and the codecs it needs. */
/** The pieces of one JSON-aggregated relation level. */
export interface JsonArrayParts {
  /** FROM / JOIN / WHERE of the related rows, correlated to the parent row; nothing selected yet. */
  readonly query: SelectQueryBuilder<any, any, any>;
  /** The keys of each JSON object and the expressions giving their values. */
  readonly columns: readonly (readonly [string, Expression<unknown>])[];
  /**
   * The nested relations' JSON arrays, by key, after the columns. Each is correlated to the
   * related row through `alias` (the related table's alias in `query`) and the `keys` columns.
   */
  readonly nested: readonly (readonly [string, Expression<unknown>])[];
  readonly alias: string;
  /** The related row's columns the nested relations correlate on: column name and its reference. */
  readonly keys: readonly (readonly [string, Expression<unknown>])[];
  /** The order of the rows: expressions and directions (never empty). */
  readonly orders: readonly (readonly [Expression<unknown>, "asc" | "desc"])[];
  /**
   * For each order, the column of `columns` holding its value, when it is one: if every order
   * has one, the aggregate sorts by those columns instead of numbering the rows first.
   */
  readonly orderColumns?: readonly (string | undefined)[];
  readonly limit: number | undefined;
  readonly offset: number | undefined;
}

export interface ProfileSpec
  extends Omit<
    DialectProfile,
    | "columnType"
    | "encoder"
    | "decoder"
    | "readExpression"
    | "jsonReadExpression"
    | "inList"
    | "defaultNow"
    | "valuesTable"
    | "columnArrays"
    | "writableCtes"
    | "perParentLimit"
    | "jsonArrayRows"
  > {
  /** Batches bound as one array per column (default: false). */
  readonly columnArrays?: boolean;
  /** Writes inside a WITH (default: false). */
  readonly writableCtes?: boolean;
  /** Per-parent limits (default: window). */
  readonly perParentLimit?: DialectProfile["perParentLimit"];
  /** The DDL default of `defaultNow()` on a field stored as `kind`, or undefined when the dialect cannot express it. */
  defaultNow(kind: StorageKind): RawBuilder<unknown> | undefined;
  /** `jsonArray` gives value arrays, not objects (default: false). */
  readonly jsonArrayRows?: boolean;
  /** `column IN (list)` when the default (`in (?, ?, ...)`) is not the best the database can do. */
  readonly inList?: DialectProfile["inList"];
  /** A `valuesTable` other than `(select column1 as c0, ... from (values (...), ...))`. */
  readonly valuesTable?: DialectProfile["valuesTable"];
  /** Per storage kind, how to read the column inside JSON (default: as `readAs` reads it). */
  readonly jsonReadAs?: Readonly<Partial<Record<StorageKind, (column: RawBuilder<unknown>) => RawBuilder<unknown>>>>;
  /** Per storage kind, how to read the column when the driver's default would lose something. */
  readonly readAs?: Readonly<Partial<Record<StorageKind, (column: RawBuilder<unknown>) => RawBuilder<unknown>>>>;
  readonly columnTypes: Readonly<Record<StorageKind, string | ((config: FieldConfig) => string)>>;
  readonly encoders: Readonly<Partial<Record<StorageKind, Encode>>>;
  readonly decoders: Readonly<Partial<Record<StorageKind, DecoderFactory>>>;
}

/** `column in (?, ?, ...)`: one bound parameter per value. */
export const plainInList: DialectProfile["inList"] = (column, values, not) =>
  sql<SqlBool>`${column} ${sql.raw(not ? "not in" : "in")} (${sql.join(values)})`;

/** `(a, b)`: a row value of expressions. */
const rowOf = (values: readonly unknown[]): RawBuilder<unknown> => sql`(${sql.join(values)})`;

/**
 * Rows of values as one raw node with a parameter per value: `(a, b), (c, d)` by default, or
 * each row between `open` and `close`, rows separated by `between`. A builder per row (sql.join
 * of rowOf) costs more, for thousands of rows, than the database takes to use them.
 */
export function joinRows(
  rows: readonly (readonly unknown[])[],
  { open = "(", close = ")", between = ", " } = {},
): RawBuilder<unknown> {
  const fragments: string[] = [];
  const parameters: OperationNode[] = [];
  let pending = "";
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    pending += r === 0 ? open : between + open;
    for (let i = 0; i < row.length; i++) {
      if (i > 0) pending += ", ";
      fragments.push(pending);
      pending = "";
      const value = row[i] as { toOperationNode?: () => OperationNode } | null | undefined;
      parameters.push(typeof value?.toOperationNode === "function" ? value.toOperationNode() : ValueNode.create(value));
    }
    pending += close;
  }
  fragments.push(pending);
  const node = RawNode.create(fragments, parameters);
  return sql`${{ toOperationNode: () => node }}`;
}

/** The names of a `valuesTable`'s columns. */
const valueColumns = (count: number) => Array.from({ length: count }, (_, i) => sql.ref(`c${i}`));

/**
 * `(select column1 as c0, ... from (values (...), (...)) as relata_values)`: SQLite and
 * PostgreSQL name a VALUES list's columns column1, column2, ... `first` writes the first row
 * (PostgreSQL types the list by it).
 */
export function valuesList(
  rows: readonly (readonly unknown[])[],
  first: (row: readonly unknown[]) => RawBuilder<unknown> = rowOf,
): RawBuilder<unknown> {
  const named = valueColumns(rows[0]!.length).map((c, i) => sql`${sql.ref(`column${i + 1}`)} as ${c}`);
  const rest = rows.length > 1 ? sql`, ${joinRows(rows.slice(1))}` : sql``;
  return sql`(select ${sql.join(named)} from (values ${first(rows[0]!)}${rest}) as relata_values)`;
}

/** A VALUES list typed by its values (SQLite). */
const plainValues: DialectProfile["valuesTable"] = (rows) => valuesList(rows);

/** `(columns) IN (SELECT c0, ... FROM <valuesTable>)`, for rows as `valuesTable` takes them (never empty). */
export const rowsIn = (
  profile: DialectProfile,
  columns: readonly Expression<unknown>[],
  rows: readonly (readonly unknown[])[],
  like: ColumnsLike,
): RawBuilder<SqlBool> =>
  sql<SqlBool>`${rowOf(columns)} in (select ${sql.join(valueColumns(columns.length))} from ${profile.valuesTable(rows, like)} as relata_rows)`;

/**
 * Lists longer than this are bound as one JSON array where the dialect limits its parameters
 * (SQLite 32,766, MySQL 65,535); shorter ones keep one parameter per value, as measured no slower.
 */
export const LONG_LIST = 1_000;

export function defineProfile({
  columnTypes,
  encoders,
  decoders,
  readAs = {},
  jsonReadAs = {},
  ...rest
}: ProfileSpec): DialectProfile {
  return {
    ...rest,
    readExpression: (config, column) => readAs[storageKind(config)]?.(column) ?? column,
    jsonReadExpression(config, column) {
      const kind = storageKind(config);
      return (jsonReadAs[kind] ?? readAs[kind])?.(column) ?? column;
    },
    columnType(config) {
      const type = columnTypes[storageKind(config)];
      return typeof type === "string" ? type : type(config);
    },
    defaultNow: (field) => rest.defaultNow(typeof field === "string" ? field : storageKind(field)),
    jsonArrayRows: rest.jsonArrayRows ?? false,
    inList: rest.inList ?? plainInList,
    valuesTable: rest.valuesTable ?? plainValues,
    columnArrays: rest.columnArrays ?? false,
    writableCtes: rest.writableCtes ?? false,
    perParentLimit: rest.perParentLimit ?? "window",
    encoder: (config) => encoders[storageKind(config)],
    decoder: (config) => decoders[storageKind(config)]?.(config),
  };
}
