import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
  type SqlBool,
  SqliteDialect,
  sql,
} from "kysely";
import { RelataError } from "../errors.js";
import { constraintName } from "../schema/constraint-names.js";
import {
  decodeBoolean,
  decodeJsonText,
  decoderForBigint,
  decoderForDecimal,
  decodeTimestamp,
  encodeBooleanAsInteger,
  encodeDate,
  encodeDecimal,
  encodeJson,
  encodeNaiveTimestamp,
  encodeTimestampAsText,
  jsonList,
} from "./codecs.js";
import { errorField } from "./driver-errors.js";
import { importDriver } from "./drivers.js";
import { tableNames } from "./introspect.js";
import { valueArrays } from "./json-array.js";
import type { PoolOptions } from "./pool-options.js";
import { defineProfile, fixed, LONG_LIST, plainInList } from "./profile.js";
import type { RowMaker } from "./session.js";

/**
 * SQLite through better-sqlite3: booleans as 0/1, timestamps as ISO-8601 UTC text (those
 * without a time zone as `YYYY-MM-DD HH:MM:SS[.sss]` UTC text), json as text.
 */
export const sqliteProfile = defineProfile({
  name: "sqlite",
  supportsReturning: true,
  joinValues: "from",
  maxParameters: 32_766,
  identifierQuote: '"',
  numberedParameters: false,
  indexesForeignKeys: false,
  flagsAutoIncrement: true,
  existingTables: (kysely) => tableNames(kysely, sql`select name from sqlite_master where type = 'table'`),
  nullsSortFirst: true,
  defaultLoadStrategy: "query",
  // SQLite compares a text key with an integer key after applying the column affinity.
  castKey: (column) => column,
  jsonArrayLimits: true,
  jsonArrayRows: true,
  jsonArray: valueArrays,
  allowsForwardForeignKeys: true,
  // Past LONG_LIST values of a field (where / whereIn), one JSON array: SQLite binds at most 32,766
  // parameters. The column's affinity applies to json_each's untyped values, so "12" still matches
  // an integer key. The eager loader passes no field: it chunks its keys under the limit itself.
  inList: (column, values, not, config) =>
    config && values.length > LONG_LIST
      ? sql<SqlBool>`${column} ${sql.raw(not ? "not in" : "in")} (select value from json_each(${jsonList(values)}))`
      : plainInList(column, values, not),
  valueLimits: {
    // The rowid is 64-bit and SQLite hands out larger ids itself once one exists: up to what a JS number holds.
    id: {
      min: Number.MIN_SAFE_INTEGER,
      max: Number.MAX_SAFE_INTEGER,
      maxWritten: Number.MAX_SAFE_INTEGER - 1,
      zeroGenerates: false,
      column: "an SQLite rowid, exact as a JS number up to 2^53",
    },
    // Timestamps are ISO-8601 text: four-digit years only, so text order is time order.
    timestamp: {
      min: Date.parse("0000-01-01T00:00:00.000Z"),
      max: Date.parse("9999-12-31T23:59:59.999Z"),
      range: "0000-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z (SQLite stores ISO-8601 text with four-digit years)",
    },
    date: { min: "0000-01-01", max: "9999-12-31", range: "0000-01-01 to 9999-12-31" },
    nul: true,
    // numeric affinity keeps a fraction as a double, and better-sqlite3 reads integers as doubles.
    decimalDigits: 15,
    jsonDepth: 100,
  },
  backslashEscapesLike: false,
  perParentLimit: "keyed",
  columnTypes: {
    id: "integer",
    integer: "integer",
    bigint: "integer",
    boolean: "integer",
    float: "real",
    decimal: "numeric", // compares as a number; exact to about 15 significant digits
    uuid: "text",
    string: "text",
    text: "text",
    timestamp: "text",
    naiveTimestamp: "text",
    date: "text",
    json: "text",
  },
  defaultNow(kind) {
    if (kind === "date") return sql`(date('now'))`;
    // The form encodeNaiveTimestamp writes: no ".000" on a whole second ('now' is one instant per statement).
    if (kind === "naiveTimestamp") return sql`(replace(strftime('%Y-%m-%d %H:%M:%f', 'now'), '.000', ''))`;
    return sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;
  },
  // better-sqlite3 reads integers as JS numbers; as text a 64-bit value arrives exact.
  readAs: { bigint: (column) => sql`cast(${column} as text)` },
  encoders: {
    boolean: encodeBooleanAsInteger,
    timestamp: encodeTimestampAsText,
    naiveTimestamp: encodeNaiveTimestamp,
    date: encodeDate,
    json: encodeJson,
    decimal: encodeDecimal,
  },
  decoders: {
    boolean: fixed(decodeBoolean),
    timestamp: fixed(decodeTimestamp),
    naiveTimestamp: fixed(decodeTimestamp),
    json: fixed(decodeJsonText),
    decimal: decoderForDecimal,
    bigint: decoderForBigint,
  },
  classifyError(error) {
    const code = String(errorField(error, "code") ?? "");
    const message = String(errorField(error, "message") ?? "");
    if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
      // "UNIQUE constraint failed: users.email, users.name"
      const refs = (message.split("failed: ")[1] ?? "").split(", ").map((ref) => ref.split("."));
      const table = refs[0]?.[0];
      const columns = refs.flatMap((r) => (r[1] ? [r[1]] : []));
      // SQLite names no constraint: the name push() gave it (users_email_unique, users_id_pkey).
      const suffix = code === "SQLITE_CONSTRAINT_PRIMARYKEY" ? "pkey" : "unique";
      const constraint = table && columns.length ? constraintName(table, columns, suffix) : undefined;
      return { kind: "unique", constraint, table, columns };
    }
    // A blocked delete under a restrict key comes as SQLITE_CONSTRAINT_TRIGGER with the same message.
    if (code === "SQLITE_CONSTRAINT_FOREIGNKEY" || message.startsWith("FOREIGN KEY constraint failed")) {
      return { kind: "foreignKey" };
    }
    if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) return { kind: "serialization" };
    if (code === "SQLITE_INTERRUPT") return { kind: "timeout" };
    if (code === "SQLITE_CANTOPEN" || code === "SQLITE_NOTADB") return { kind: "connection" };
    return undefined;
  },
});

/** A statement as the direct read runs it (better-sqlite3's). */
interface DirectStatement {
  readonly busy: boolean;
  readonly reader: boolean;
  /** `make`: the row objects' maker, where this statement makes them (see withArrayRows). */
  all(parameters: readonly unknown[], make?: RowMaker): unknown[];
}

/**
 * Kysely's SQLite dialect, which can also run a read directly: while the one connection is
 * neither held nor awaited (no transaction, query or stream on it), a read statement runs on
 * the cached prepared statement itself, exactly as Kysely's SQLite driver runs it, without
 * Kysely's connection mutex and promise chain (about 4 us of a 13 us point lookup, measured).
 */
export class DirectSqliteDialect extends SqliteDialect {
  #database: Preparer<DirectStatement> | undefined;
  /** Connections acquired or being acquired, and not released yet. */
  #held = 0;

  constructor(open: () => Promise<Preparer<DirectStatement>>) {
    super({
      database: async () => {
        this.#database = await open();
        return this.#database as never;
      },
    });
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    const held = (change: number) => {
      this.#held += change;
    };
    return {
      init: () => driver.init(),
      async acquireConnection(): Promise<DatabaseConnection> {
        held(1);
        try {
          return await driver.acquireConnection();
        } catch (error) {
          held(-1);
          throw error;
        }
      },
      beginTransaction: (connection, settings) => driver.beginTransaction(connection, settings),
      commitTransaction: (connection) => driver.commitTransaction(connection),
      rollbackTransaction: (connection) => driver.rollbackTransaction(connection),
      savepoint: (connection, name, compile) => driver.savepoint!(connection, name, compile),
      rollbackToSavepoint: (connection, name, compile) => driver.rollbackToSavepoint!(connection, name, compile),
      releaseSavepoint: (connection, name, compile) => driver.releaseSavepoint!(connection, name, compile),
      async releaseConnection(connection) {
        try {
          await driver.releaseConnection(connection);
        } finally {
          held(-1);
        }
      },
      destroy: async () => {
        this.#database = undefined;
        await driver.destroy();
      },
    };
  }

  /** Runs a read now and returns its rows, or undefined when it must go through Kysely (not a read, connection in use, not open). */
  read(query: CompiledQuery, make?: RowMaker): QueryResult<unknown> | undefined {
    if (this.#held > 0 || this.#database === undefined) return undefined;
    const statement = this.#database.prepare(query.sql);
    if (!statement.reader) return undefined;
    return { rows: statement.all(query.parameters, make) };
  }
}

/** `sqlite::memory:`, `sqlite:./app.db`, `sqlite://./app.db`, `sqlite:///abs/app.db`. */
export function sqliteDialect(url: string, pool: PoolOptions): Dialect {
  if (Object.keys(pool).length > 0) {
    throw new RelataError(
      `Pool options (${Object.keys(pool).join(", ")}) apply to PostgreSQL and MySQL/MariaDB; SQLite has one connection.`,
    );
  }
  const rest = url.replace(/^sqlite:(\/\/)?/, "");
  const path = rest === ":memory:" || rest === "" ? ":memory:" : rest;
  return new DirectSqliteDialect(async () => {
    // An optional dependency: installed by default, absent when installed with --omit=optional.
    const { default: Database } = await importDriver<{ default: typeof import("better-sqlite3") }>(
      "better-sqlite3",
      "SQLite",
    );
    const database = new Database(path);
    database.pragma("foreign_keys = ON");
    if (path !== ":memory:") database.pragma("journal_mode = WAL");
    return withStatementCache(withArrayRows(database as unknown as Preparer<Statement>));
  });
}

interface Preparer<S> {
  prepare(sql: string): S;
  close(): unknown;
}

/** A better-sqlite3 statement, as Kysely's driver and the direct read run it. */
interface RowStatement extends DirectStatement {
  run(parameters: readonly unknown[]): unknown;
  iterate(parameters: readonly unknown[]): IterableIterator<unknown>;
}

/**
 * `*` read as columns (`select *`, `t.*`, `returning *`), not `count(*)` or a product: the
 * names such a statement reads can change with the tables, while a statement naming each
 * column reads the same names for as long as it runs at all.
 */
const STAR_COLUMNS = /(^|[\s,.])\*/;

/**
 * The database with each read statement's rows read as value arrays and made objects here,
 * with the column names read once per statement: better-sqlite3 makes each row's object in
 * C++, setting every column by a name it looks up again per row, which takes about twice as
 * long (10,000 rows of 6 columns: 11.4 against 7.1 ms, 2,000 point lookups: 18.9 against
 * 15.8 ms, measured). A statement reading `*` keeps better-sqlite3's objects, whose names
 * follow the tables.
 */
export function withArrayRows(database: Preparer<Statement>): Preparer<RowStatement> {
  return {
    prepare(sql) {
      const statement = database.prepare(sql);
      if (!statement.reader) return statement;
      const star = STAR_COLUMNS.test(sql);
      let names: string[] | undefined;
      let json: Statement | undefined;
      return {
        reader: true,
        get busy() {
          return statement.busy;
        },
        all(parameters, make) {
          // better-sqlite3's own objects (a maker given is not used: ModelCodec.made tells).
          if (star) return statement.all(parameters);
          if (names === undefined) {
            const columns = statement.columns();
            names = columns.map((column) => column.name);
            json = readsAsJson(sql, columns) ? jsonStatement(database, sql, names) : undefined;
          }
          if (json !== undefined) {
            // Read as rows instead: a BLOB stored in a column declared otherwise (json_array reads
            // a BLOB as JSONB: x'00' would be null, others fail), or a result past what one string
            // holds (the rows' own error, if any, comes below). This statement then always reads
            // rows: trying JSON first would run it twice on every call.
            try {
              const [[text, blobs]] = json.all(parameters) as [[string, number]];
              if (blobs === 0) return objectRows(names, JSON.parse(text) as unknown[][], make);
            } catch {}
            json = undefined;
          }
          statement.raw(true);
          let rows: unknown[];
          try {
            rows = statement.all(parameters);
          } finally {
            statement.raw(false);
          }
          return objectRows(names, rows, make);
        },
        run: (parameters) => statement.run(parameters),
        iterate: (parameters) => statement.iterate(parameters),
      };
    },
    close: () => database.close(),
  };
}

/**
 * Whether a read's rows can come back as one JSON text: a SELECT of table columns only, each of
 * a declared type other than BLOB (JSON has no blobs), under names each used once. JSON keeps
 * each value's type: integers as numbers (past 2^53 rounded as better-sqlite3 rounds them),
 * reals exactly (SQLite 3.53 writes the shortest text that reads back the same double), text,
 * null. Not with a LIMIT: a few rows (a point read) read faster as rows. In one process, old and
 * new builds side by side, both import orders: S1 (1,000 users > 10,000 posts > 50,000
 * comments) 78-82 -> 69-72 ms, S2 level to 10% less, S4, S5 and S7 level. better-sqlite3 makes
 * one array per row in C++; JSON.parse makes them faster.
 */
function readsAsJson(sql: string, columns: readonly ColumnInfo[]): boolean {
  if (!/^\s*select\s/i.test(sql) || /\slimit\s/i.test(sql) || columns.length === 0) return false;
  const names = new Set<string>();
  for (const { name, table, type } of columns) {
    if (table === null || type === null || /blob/i.test(type) || names.has(name)) return false;
    names.add(name);
  }
  return true;
}

/**
 * The read as one row: its rows as a JSON array of value arrays, in its order (an ordered
 * subquery is not flattened into an aggregate query), and how many of its values are BLOBs.
 */
function jsonStatement(database: Preparer<Statement>, sql: string, names: readonly string[]): Statement {
  const quoted = names.map((name) => `"${name.replaceAll('"', '""')}"`);
  const statement = database.prepare(
    `select coalesce(json_group_array(json_array(${quoted.join(", ")})), '[]'), count(*) filter (where ${quoted
      .map((name) => `typeof(${name}) = 'blob'`)
      .join(" or ")}) from (${sql})`,
  );
  statement.raw(true);
  return statement;
}

/**
 * Each value array replaced by an object of `names` (a repeated name keeps its last value, as
 * better-sqlite3 does), in place: each array is garbage as soon as its object is made. The
 * arrays still cost allocation: S1 (60,000 rows) grows the heap by about 24 MB at its peak
 * against 13 MB with better-sqlite3's objects, until the next collection.
 */
function objectRows(names: readonly string[], rows: unknown[], make?: RowMaker): Record<string, unknown>[] {
  const width = names.length;
  for (let r = 0; r < rows.length; r++) {
    const values = rows[r] as unknown[];
    const object: Record<string, unknown> = make === undefined ? {} : make();
    for (let i = 0; i < width; i++) object[names[i]!] = values[i];
    rows[r] = object;
  }
  return rows as Record<string, unknown>[];
}

/** A result column as better-sqlite3 describes it (table and type null for an expression). */
interface ColumnInfo {
  readonly name: string;
  readonly table: string | null;
  readonly type: string | null;
}

/** What withArrayRows uses of a better-sqlite3 statement. */
interface Statement extends RowStatement {
  raw(toggle: boolean): unknown;
  columns(): ColumnInfo[];
}

/**
 * The database as Kysely's driver uses it, with prepared statements reused per SQL text
 * (up to `size`, the oldest dropped first): preparing costs several times what running a point lookup does.
 * SQLite re-prepares a cached statement by itself after a schema change; a statement still
 * being iterated is not handed out twice.
 */
export function withStatementCache<S extends { readonly busy?: boolean }>(
  database: Preparer<S>,
  size = 500,
): Preparer<S> {
  const cache = new Map<string, S>();
  return {
    prepare(sql) {
      const cached = cache.get(sql);
      if (cached !== undefined && !cached.busy) return cached;
      const statement = database.prepare(sql);
      if (cache.size >= size) cache.delete(cache.keys().next().value!);
      cache.set(sql, statement);
      return statement;
    },
    close: () => database.close(),
  };
}
