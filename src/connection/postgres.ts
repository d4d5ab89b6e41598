import { type Dialect, PostgresDialect, type SqlBool, sql } from "kysely";
import { RelataError } from "../errors.js";
import {
  decodeDate,
  decoderForBigint,
  encodeBigintAsText,
  encodeDate,
  encodeDecimal,
  encodeJson,
  encodeTimestampAsDate,
} from "./codecs.js";
import { constraintError, errorField } from "./constraint-errors.js";
import { tableNames } from "./introspect.js";
import { aggregateOrder, objectArgs, orderedRows } from "./json-array.js";
import { defineProfile, fixed } from "./profile.js";

const DATE_OID = 1082;

/** PostgreSQL through pg: native booleans, timestamptz, jsonb; int8 arrives as a string. */
export const postgresProfile = defineProfile({
  // One array parameter for any number of keys: planned once, never near the 65,535 limit.
  inList: (column, values, not) =>
    not ? sql<SqlBool>`not (${column} = any(${[...values]}))` : sql<SqlBool>`${column} = any(${[...values]})`,
  name: "postgres",
  supportsReturning: true,
  maxParameters: 65_535,
  identifierQuote: '"',
  numberedParameters: true,
  indexesForeignKeys: false,
  flagsAutoIncrement: false,
  existingTables: (kysely) =>
    tableNames(
      kysely,
      sql`select table_name as name from information_schema.tables where table_schema = current_schema()`,
    ),
  // Bigints, decimals and json as text inside JSON: json_agg would render them as lossy numbers or nested values.
  jsonReadAs: {
    bigint: (column) => sql`${column}::text`,
    decimal: (column) => sql`${column}::text`,
    json: (column) => sql`${column}::text`,
  },
  defaultLoadStrategy: "query",
  castKey: (column, to) => (to === "text" ? sql`cast(${column} as text)` : sql`cast(${column} as bigint)`),
  jsonArrayLimits: true,
  jsonArray: (parts) =>
    sql`(select coalesce(json_agg(json_build_object(${objectArgs(
      // sql.id keeps an alias with a dot (`_count.posts`) whole.
      parts.columns.map(([alias]) => [alias, sql.id("relata_agg", alias)] as const),
    )}) order by ${aggregateOrder(parts)}), '[]'::json) from ${orderedRows(parts)} as relata_agg)`,
  allowsForwardForeignKeys: false,
  columnTypes: {
    id: "serial",
    uuid: "uuid",
    string: (config) => `varchar(${config.length ?? 255})`,
    text: "text",
    integer: "integer",
    bigint: "bigint",
    float: "double precision",
    decimal: (config) => `numeric(${config.precision ?? 10}, ${config.scale ?? 2})`,
    boolean: "boolean",
    timestamp: "timestamptz",
    date: "date",
    json: "jsonb",
  },
  defaultNow(kind) {
    return kind === "date" ? sql`CURRENT_DATE` : sql`CURRENT_TIMESTAMP`;
  },
  encoders: {
    json: encodeJson, // pg would send JS arrays as PostgreSQL arrays
    bigint: encodeBigintAsText,
    date: encodeDate,
    timestamp: encodeTimestampAsDate,
    decimal: encodeDecimal,
  },
  // Dates already arrive as text on relata's own pool; a hand-built pool parses them to Dates.
  decoders: { bigint: decoderForBigint, date: fixed(decodeDate) },
  mapError(error, table) {
    const code = errorField(error, "code");
    const constraint = errorField(error, "constraint") as string | undefined;
    const errorTable = table ?? (errorField(error, "table") as string | undefined);
    if (code === "23505") return constraintError("unique", constraint, errorTable, error);
    if (code === "23503") return constraintError("foreignKey", constraint, errorTable, error);
    return undefined;
  },
});

export function postgresDialect(url: string): Dialect {
  return new PostgresDialect({
    pool: async () => {
      const pg = await importDriver<typeof import("pg")>("pg", "PostgreSQL");
      const Pool = pg.Pool ?? (pg as unknown as { default: typeof import("pg") }).default.Pool;
      const parsers = pg.types ?? (pg as unknown as { default: typeof import("pg") }).default.types;
      return new Pool({
        connectionString: url,
        types: {
          // Keep DATE as its "YYYY-MM-DD" text: pg would make a local-midnight Date of it.
          getTypeParser: ((oid: number, format?: "text" | "binary") =>
            oid === DATE_OID ? (v: string) => v : parsers.getTypeParser(oid, format)) as typeof parsers.getTypeParser,
        },
      });
    },
  });
}

/** Loads an optional driver, explaining how to install it when it is missing. */
export async function importDriver<T>(name: string, database: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (cause) {
    throw new RelataError(`Connecting to ${database} needs the "${name}" package: npm install ${name}`, { cause });
  }
}
