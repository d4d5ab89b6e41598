import { CompiledQuery, type Dialect, MysqlDialect, sql } from "kysely";
import {
  decodeBoolean,
  decodeDate,
  decodeJsonText,
  decoderForBigint,
  encodeBigintAsText,
  encodeDate,
  encodeDecimal,
  encodeJson,
  encodeTimestampAsDate,
} from "./codecs.js";
import { constraintError, errorField } from "./constraint-errors.js";
import { tableNames } from "./introspect.js";
import { objectArgs, orderBy } from "./json-array.js";
import { importDriver } from "./postgres.js";
import { defineProfile, fixed } from "./profile.js";

/** MySQL and MariaDB through mysql2: booleans are tinyint(1), DATETIME(3) in UTC, json as text. */
export const mysqlProfile = defineProfile({
  name: "mysql",
  supportsReturning: false,
  async detectReturning(kysely) {
    const { rows } = await sql<{ version: string }>`select version() as version`.execute(kysely);
    return returningSince(rows[0]?.version ?? "");
  },
  maxParameters: 65_535,
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
  defaultLoadStrategy: "query",
  // An explicit collation outranks the column's implicit one, so the comparison is never an illegal mix.
  castKey: (column, to) =>
    to === "text"
      ? sql`cast(${column} as char character set utf8mb4) collate utf8mb4_bin`
      : sql`cast(${column} as signed)`,
  jsonArrayLimits: false,
  jsonArray: ({ query, columns, orders }) => {
    const order = orderBy(orders);
    const objects = sql`group_concat(json_object(${objectArgs(columns)}) order by ${order} separator ',')`;
    return sql`(${query.select(sql`concat('[', coalesce(${objects}, ''), ']')`.as("relata_json"))})`;
  },
  allowsForwardForeignKeys: false,
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
    date: "date",
    json: "json",
  },
  defaultNow(kind) {
    // A DATE column cannot default to CURRENT_DATE on every MySQL/MariaDB version; create fills it.
    return kind === "date" ? undefined : sql`CURRENT_TIMESTAMP(3)`;
  },
  encoders: {
    json: encodeJson,
    bigint: encodeBigintAsText,
    date: encodeDate,
    timestamp: encodeTimestampAsDate,
    decimal: encodeDecimal,
  },
  decoders: {
    boolean: fixed(decodeBoolean),
    json: fixed(decodeJsonText),
    bigint: decoderForBigint,
    date: fixed(decodeDate),
  },
  mapError(error, table) {
    const errno = errorField(error, "errno");
    const message = String(errorField(error, "message") ?? "");
    if (errno === 1062) {
      // "Duplicate entry 'a@b' for key 'users_email_unique'" (MySQL 8 prefixes the table: 'users.users_email_unique')
      const key = /for key '([^']+)'/.exec(message)?.[1]?.split(".").pop();
      return constraintError("unique", key, table, error);
    }
    if (errno === 1451 || errno === 1452) {
      const constraint = /CONSTRAINT `([^`]+)`/.exec(message)?.[1];
      // "... a foreign key constraint fails (`db`.`posts`, CONSTRAINT ...)": the table holding the key.
      const child = /\(`[^`]*`\.`([^`]+)`/.exec(message)?.[1];
      return constraintError("foreignKey", constraint, table ?? child, error);
    }
    return undefined;
  },
});

export function mysqlDialect(url: string): Dialect {
  return new MysqlDialect({
    pool: async () => {
      const mysql = await importDriver<typeof import("mysql2")>("mysql2", "MySQL/MariaDB");
      const createPool =
        mysql.createPool ?? (mysql as unknown as { default: typeof import("mysql2") }).default.createPool;
      return createPool({
        uri: url.replace(/^mariadb:/, "mysql:"),
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
    },
  });
}

/** MariaDB has `INSERT ... RETURNING` since 10.5; MySQL has none. */
export function returningSince(version: string): boolean {
  const match = /^(\d+)\.(\d+)/.exec(version);
  if (!match || !/mariadb/i.test(version)) return false;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major > 10 || (major === 10 && minor >= 5);
}
