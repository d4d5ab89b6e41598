import { type Dialect, SqliteDialect, sql } from "kysely";
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
  encodeTimestampAsText,
} from "./codecs.js";
import { constraintError, errorField } from "./constraint-errors.js";
import { tableNames } from "./introspect.js";
import { aggregateOrder, objectArgs, orderedRows } from "./json-array.js";
import { defineProfile, fixed } from "./profile.js";

/** SQLite through better-sqlite3: booleans as 0/1, timestamps as ISO-8601 UTC text, json as text. */
export const sqliteProfile = defineProfile({
  name: "sqlite",
  supportsReturning: true,
  maxParameters: 32_766,
  identifierQuote: '"',
  numberedParameters: false,
  indexesForeignKeys: false,
  flagsAutoIncrement: true,
  existingTables: (kysely) => tableNames(kysely, sql`select name from sqlite_master where type = 'table'`),
  defaultLoadStrategy: "query",
  // SQLite compares a text key with an integer key after applying the column affinity.
  castKey: (column) => column,
  // A nested array read through a derived table is text again: json() keeps it JSON.
  nestJson: (column) => sql`json(${column})`,
  jsonArrayLimits: true,
  jsonArray: (parts) =>
    sql`(select coalesce(json_group_array(json_object(${objectArgs(
      // sql.id keeps an alias with a dot (`_count.posts`) whole.
      parts.columns.map(([alias]) => [alias, sql.id("relata_agg", alias)] as const),
    )}) order by ${aggregateOrder(parts)}), '[]') from ${orderedRows(parts)} as relata_agg)`,
  allowsForwardForeignKeys: true,
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
    date: "text",
    json: "text",
  },
  defaultNow(kind) {
    return kind === "date" ? sql`(date('now'))` : sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;
  },
  // better-sqlite3 reads integers as JS numbers; as text a 64-bit value arrives exact.
  readAs: { bigint: (column) => sql`cast(${column} as text)` },
  encoders: {
    boolean: encodeBooleanAsInteger,
    timestamp: encodeTimestampAsText,
    date: encodeDate,
    json: encodeJson,
    decimal: encodeDecimal,
  },
  decoders: {
    boolean: fixed(decodeBoolean),
    timestamp: fixed(decodeTimestamp),
    json: fixed(decodeJsonText),
    decimal: decoderForDecimal,
    bigint: decoderForBigint,
  },
  mapError(error, table) {
    const code = String(errorField(error, "code") ?? "");
    const message = String(errorField(error, "message") ?? "");
    if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
      // "UNIQUE constraint failed: users.email" -> the name push() gave it: users_email_unique
      const refs = (message.split("failed: ")[1] ?? "").split(", ").map((ref) => ref.split("."));
      const failedTable = table ?? refs[0]?.[0];
      const suffix = code === "SQLITE_CONSTRAINT_PRIMARYKEY" ? "pkey" : "unique";
      const constraint = refs[0]?.[1] ? `${failedTable}_${refs.map((r) => r[1]).join("_")}_${suffix}` : undefined;
      return constraintError("unique", constraint, failedTable, error);
    }
    // A blocked delete under a restrict key comes as SQLITE_CONSTRAINT_TRIGGER with the same message.
    if (code === "SQLITE_CONSTRAINT_FOREIGNKEY" || message.startsWith("FOREIGN KEY constraint failed")) {
      return constraintError("foreignKey", undefined, table, error);
    }
    return undefined;
  },
});

/** `sqlite::memory:`, `sqlite:./app.db`, `sqlite://./app.db`, `sqlite:///abs/app.db`. */
export function sqliteDialect(url: string): Dialect {
  const rest = url.replace(/^sqlite:(\/\/)?/, "");
  const path = rest === ":memory:" || rest === "" ? ":memory:" : rest;
  return new SqliteDialect({
    database: async () => {
      const { default: Database } = await import("better-sqlite3");
      const database = new Database(path);
      database.pragma("foreign_keys = ON");
      if (path !== ":memory:") database.pragma("journal_mode = WAL");
      return withStatementCache(database);
    },
  });
}

interface Preparer<S> {
  prepare(sql: string): S;
  close(): unknown;
}

/**
 * The database as Kysely's driver uses it, with prepared statements reused per SQL text
 * (an LRU of `size`): preparing costs several times what running a point lookup does.
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
