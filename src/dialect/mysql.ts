import { CompiledQuery, type Dialect, MysqlDialect, type SqlBool, sql } from "kysely";
import { RelataError } from "../errors.js";
import type { FieldConfig } from "../schema/fields.js";
import {
  decodeBoolean,
  decodeDate,
  decodeJsonText,
  decoderForBigint,
  decodeTimestamp,
  encodeBigintAsText,
  encodeDate,
  encodeDecimal,
  encodeJson,
  encodeNaiveTimestamp,
  encodeTimestampAsDate,
  jsonList,
} from "./codecs.js";
import { errorField } from "./driver-errors.js";
import { importDriver } from "./drivers.js";
import { tableNames } from "./introspect.js";
import { objectArgs, orderBy, withNested } from "./json-array.js";
import type { PoolOptions } from "./pool-options.js";
import { defineProfile, fixed, joinRows, LONG_LIST, plainInList } from "./profile.js";

/** MySQL and MariaDB through mysql2: booleans are tinyint(1), DATETIME(3) in UTC, json as text. */
export const mysqlProfile = defineProfile({
  name: "mysql",
  supportsReturning: false,
  async detectReturning(kysely) {
    const { rows } = await sql<{ version: string }>`select version() as version`.execute(kysely);
    return returningSince(rows[0]?.version ?? "");
  },
  maxParameters: 65_535,
  // MariaDB's VALUES names its columns after the first row's values: a UNION ALL names them.
  valuesTable: (rows) => {
    const [first, ...rest] = rows;
    const named = sql`select ${sql.join(first!.map((value, i) => sql`${value} as ${sql.ref(`c${i}`)}`))}`;
    if (rest.length === 0) return sql`(${named})`;
    return sql`(${named} union all ${joinRows(rest, { open: "select ", close: "", between: " union all " })})`;
  },
  joinValues: "tables",
  identifierQuote: "`",
  numberedParameters: false,
  indexesForeignKeys: true,
  flagsAutoIncrement: true,
  existingTables: (kysely) =>
    tableNames(kysely, sql`select table_name as name from information_schema.tables where table_schema = database()`),
  jsonReadAs: {
    bigint: (column) => sql`cast(${column} as char)`,
    decimal: (column) => sql`cast(${column} as char)`,
    json: (column) => sql`cast(${column} as char)`,
  },
  // MariaDB cannot refer to the outer row from a derived table, and MySQL cannot order inside
  // JSON_ARRAYAGG: GROUP_CONCAT orders on both (in the database's collation); paging is done after.
  nullsSortFirst: true,
  defaultLoadStrategy: "query",
  // An explicit collation outranks the column's implicit one, so the comparison is never an illegal mix.
  castKey: (column, to) =>
    to === "text"
      ? sql`cast(${column} as char character set utf8mb4) collate utf8mb4_bin`
      : sql`cast(${column} as signed)`,
  jsonArrayLimits: false,
  jsonArray: (parts) => {
    const { query, orders } = parts;
    const order = orderBy(orders);
    const objects = sql`group_concat(json_object(${objectArgs(withNested(parts))}) order by ${order} separator ',')`;
    return sql`(${query.select(sql`concat('[', coalesce(${objects}, ''), ']')`.as("relata_json"))})`;
  },
  allowsForwardForeignKeys: false,
  // Past LONG_LIST values of a field (where / whereIn), one JSON array read by JSON_TABLE (MariaDB
  // 10.6+, MySQL 8): a statement binds at most 65,535 parameters. Its column types are wide enough
  // that no value is truncated or rounded into a false match. The eager loader passes no field:
  // it chunks its keys under the limit itself.
  inList: (column, values, not, config) => {
    const type = config && values.length > LONG_LIST ? listColumnType(config) : undefined;
    if (type === undefined) return plainInList(column, values, not);
    const list = sql`json_table(${jsonList(values)}, '$[*]' columns (v ${sql.raw(type)} path '$'))`;
    return sql<SqlBool>`${column} ${sql.raw(not ? "not in" : "in")} (select relata_list.v from ${list} as relata_list)`;
  },
  valueLimits: {
    id: {
      min: -2_147_483_648,
      max: 2_147_483_647,
      maxWritten: 2_147_483_647,
      zeroGenerates: true,
      column: "a MySQL/MariaDB int, 32-bit",
    },
    timestamp: {
      min: Date.parse("1000-01-01T00:00:00.000Z"),
      max: Date.parse("9999-12-31T23:59:59.999Z"),
      range: "1000-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z (MySQL/MariaDB DATETIME)",
    },
    date: { min: "1000-01-01", max: "9999-12-31", range: "1000-01-01 to 9999-12-31 (MySQL/MariaDB DATE)" },
    nul: true,
    textBytes: 65_535,
    jsonDepth: 31,
  },
  backslashEscapesLike: true,
  columnTypes: {
    id: "integer",
    integer: "integer",
    uuid: "char(36)",
    string: (config) => `varchar(${config.length ?? 255})`,
    text: "text",
    bigint: "bigint",
    float: "double precision",
    decimal: (config) => `decimal(${config.precision ?? 10}, ${config.scale ?? 2})`,
    boolean: "boolean",
    timestamp: "datetime(3)",
    naiveTimestamp: "datetime(3)",
    date: "date",
    json: "json",
  },
  defaultNow(kind) {
    // A DATE column cannot default to CURRENT_DATE on every MySQL/MariaDB version; create fills it.
    // Both timestamps are UTC DATETIMEs: relata's connections set time_zone to +00:00.
    return kind === "date" ? undefined : sql`CURRENT_TIMESTAMP(3)`;
  },
  encoders: {
    json: encodeJson,
    bigint: encodeBigintAsText,
    date: encodeDate,
    timestamp: encodeTimestampAsDate,
    // As UTC wall-clock text: the same column as timestamp()'s, but a string without a zone is UTC.
    naiveTimestamp: encodeNaiveTimestamp,
    decimal: encodeDecimal,
  },
  decoders: {
    boolean: fixed(decodeBoolean),
    // mysql2 reads DATETIME as UTC on relata's pool (timezone "Z"); text (dateStrings) as UTC too.
    naiveTimestamp: fixed(decodeTimestamp),
    json: fixed(decodeJsonText),
    bigint: decoderForBigint,
    date: fixed(decodeDate),
  },
  classifyError(error) {
    const errno = Number(errorField(error, "errno"));
    const message = String(errorField(error, "message") ?? "");
    if (errno === 1062) {
      // "Duplicate entry 'a@b' for key 'users_email_unique'" (MySQL 8 prefixes the table: 'users.users_email_unique')
      return { kind: "unique", constraint: /for key '([^']+)'/.exec(message)?.[1]?.split(".").pop() };
    }
    if (errno === 1451 || errno === 1452) {
      // "... a foreign key constraint fails (`db`.`posts`, CONSTRAINT ...)": the table holding the key.
      return {
        kind: "foreignKey",
        constraint: /CONSTRAINT `([^`]+)`/.exec(message)?.[1],
        table: /\(`[^`]*`\.`([^`]+)`/.exec(message)?.[1],
      };
    }
    if (errno === 1213) return { kind: "deadlock" };
    if (errno === 1205) return { kind: "serialization" }; // lock wait timeout
    if (errno === 1969 || errno === 3024) return { kind: "timeout" }; // max_statement_time (MariaDB), max_execution_time (MySQL)
    // Access denied, unknown database, too many connections, killed, server gone away or shutting down.
    if ([1044, 1045, 1049, 1040, 1053, 1927, 2006, 2013, 4031].includes(errno)) return { kind: "connection" };
    return undefined;
  },
});

export function mysqlDialect(url: string, pool: PoolOptions): Dialect {
  if (pool.statementCacheSize !== undefined) {
    throw new RelataError(
      "Pool option statementCacheSize applies to PostgreSQL: relata sends MySQL/MariaDB statements as text, never prepared.",
    );
  }
  const timeout = pool.statementTimeoutMillis;
  return new MysqlDialect({
    pool: async () => {
      const mysql = await importDriver<typeof import("mysql2")>("mysql2", "MySQL/MariaDB");
      const createPool =
        mysql.createPool ?? (mysql as unknown as { default: typeof import("mysql2") }).default.createPool;
      return createPool({
        uri: url.replace(/^mariadb:/, "mysql:"),
        ...(pool.max !== undefined && { connectionLimit: pool.max }),
        ...(pool.idleTimeoutMillis !== undefined && { idleTimeout: pool.idleTimeoutMillis }),
        ...(pool.connectionTimeoutMillis !== undefined && { connectTimeout: pool.connectionTimeoutMillis }),
        timezone: "Z",
        dateStrings: ["DATE"],
        supportBigNumbers: true,
        bigNumberStrings: true,
        // JSON as text on MySQL and MariaDB alike; the codec parses it once.
        jsonStrings: true,
      });
    },
    onCreateConnection: async (connection) => {
      await connection.executeQuery(CompiledQuery.raw("SET time_zone = '+00:00'"));
      // GROUP_CONCAT (the join loading strategy) truncates at 1 KiB by default.
      await connection.executeQuery(CompiledQuery.raw("SET SESSION group_concat_max_len = 4294967295"));
      if (timeout !== undefined) {
        // MariaDB counts seconds for every statement; MySQL milliseconds, for SELECTs only.
        await connection
          .executeQuery(CompiledQuery.raw(`SET SESSION max_statement_time = ${timeout / 1000}`))
          .catch(() => connection.executeQuery(CompiledQuery.raw(`SET SESSION max_execution_time = ${timeout}`)));
      }
    },
  });
}

/** The JSON_TABLE column a long IN list of this field is read as (json: none, the list stays as is). */
function listColumnType(config: FieldConfig): string | undefined {
  switch (config.kind) {
    case "id":
    case "integer":
    case "bigint":
      return "bigint";
    case "float":
      return "double";
    case "decimal":
      return "decimal(65, 30)";
    case "boolean":
      return "boolean";
    case "timestamp":
      return "datetime(3)";
    case "date":
      return "date";
    case "json":
      return undefined;
    default:
      return "longtext";
  }
}

/** MariaDB has `INSERT ... RETURNING` since 10.5; MySQL has none. */
export function returningSince(version: string): boolean {
  const match = /^(\d+)\.(\d+)/.exec(version);
  if (!match || !/mariadb/i.test(version)) return false;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major > 10 || (major === 10 && minor >= 5);
}
