import {
  type CompiledQuery,
  type Dialect,
  type Driver,
  PostgresDialect,
  type QueryResult,
  type SqlBool,
  sql,
} from "kysely";
import {
  decodeDate,
  decoderForBigint,
  decodeTimestamp,
  encodeBigintAsText,
  encodeDate,
  encodeDecimal,
  encodeJson,
  encodeNaiveTimestamp,
  encodeTimestampAsDate,
  timestampTime,
} from "./codecs.js";
import { errorField } from "./driver-errors.js";
import { importDriver } from "./drivers.js";
import { tableNames } from "./introspect.js";
import { aggregateOrder, objectArgs, orderedRows, withNested } from "./json-array.js";
import { preparedStatements } from "./pg-statements.js";
import type { PoolOptions } from "./pool-options.js";
import { type DialectProfile, defineProfile, fixed } from "./profile.js";
import type { RowMaker } from "./session.js";

const DATE_OID = 1082;
const TIMESTAMPTZ_OID = 1184;

/**
 * A timestamptz parser that reads the server's usual text (`YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM]`,
 * DateStyle ISO) by hand (timestampTime: about a third of pg's own time), the same instant to
 * the millisecond, and leaves anything else to pg's (BC years, years before 100 or past 9999,
 * offsets with seconds, infinity).
 */
function timestamptzParser(fallback: (text: string) => unknown): (text: string) => unknown {
  return (text) => {
    const time = timestampTime(text, false);
    return Number.isNaN(time) ? fallback(text) : new Date(time);
  };
}
/** Statements each connection keeps prepared unless the pool options say otherwise (Prisma's default too). */
const STATEMENT_CACHE_SIZE = 100;

/**
 * The rows as a derived table of one array parameter per column: `unnest(coalesce($1,
 * array[(null::"table")."column"]), ...)`, each array typed as an array of its column's type
 * (the table's row type has the column), whatever that type is. Columns c0, c1, ...
 */
const typedValues: DialectProfile["valuesTable"] = (rows, like) => {
  const arrays = like.columns.map(
    (column, i) =>
      sql`coalesce(${rows.map((row) => row[i])}, array[(null::${sql.table(like.table)}).${sql.ref(column)}])`,
  );
  const names = like.columns.map((_, i) => sql.ref(`c${i}`));
  return sql`(select * from unnest(${sql.join(arrays)}) as relata_values(${sql.join(names)}))`;
};

/** PostgreSQL through pg: native booleans, timestamptz (or timestamp, UTC), jsonb; int8 arrives as a string. */
export const postgresProfile = defineProfile({
  // One array parameter for any number of keys: planned once, never near the 65,535 limit.
  inList: (column, values, not) =>
    not ? sql<SqlBool>`not (${column} = any(${[...values]}))` : sql<SqlBool>`${column} = any(${[...values]})`,
  valuesTable: typedValues,
  joinValues: "from",
  columnArrays: true,
  writableCtes: true,
  perParentLimit: "lateral",
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
    // JSON renders a timestamp as ISO-8601 without a zone, which decodeTimestamp reads as UTC.
    naiveTimestamp: (column) => column,
  },
  // pg parses a timestamp (without a time zone) as local time: as text it is read as UTC.
  readAs: { naiveTimestamp: (column) => sql`${column}::text` },
  nullsSortFirst: false,
  defaultLoadStrategy: "query",
  castKey: (column, to) => (to === "text" ? sql`cast(${column} as text)` : sql`cast(${column} as bigint)`),
  jsonArrayLimits: true,
  jsonArray: (parts) =>
    sql`(select coalesce(json_agg(json_build_object(${objectArgs(
      // sql.id keeps an alias with a dot (`_count.posts`) whole.
      withNested(parts).map(([alias]) => [alias, sql.id("relata_agg", alias)] as const),
    )}) order by ${aggregateOrder(parts)}), '[]'::json) from ${orderedRows(parts)} as relata_agg)`,
  allowsForwardForeignKeys: false,
  valueLimits: {
    id: {
      min: -2_147_483_648,
      max: 2_147_483_647,
      maxWritten: 2_147_483_647,
      zeroGenerates: false,
      column: "a PostgreSQL serial, 32-bit",
    },
    // timestamptz holds 4713 BC to 294276 AD, but JSON (the join strategy) renders other years
    // as "10000-01-01T00:00:00+00:00" and "... BC", which no JS Date reads.
    timestamp: {
      min: Date.parse("0001-01-01T00:00:00.000Z"),
      max: Date.parse("9999-12-31T23:59:59.999Z"),
      range: "0001-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z (years PostgreSQL's JSON renders as JS reads them)",
    },
    // date goes from 4713 BC, but a date() is written "YYYY-MM-DD" and PostgreSQL has no year 0.
    date: { min: "0001-01-01", max: "9999-12-31", range: "0001-01-01 to 9999-12-31" },
    nul: false,
    jsonDepth: 100,
  },
  backslashEscapesLike: true,
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
    naiveTimestamp: "timestamp",
    date: "date",
    json: "jsonb",
  },
  defaultNow(kind) {
    if (kind === "date") return sql`CURRENT_DATE`;
    // CURRENT_TIMESTAMP would become a timestamp in the session's time zone.
    if (kind === "naiveTimestamp") return sql`(now() at time zone 'utc')`;
    return sql`CURRENT_TIMESTAMP`;
  },
  encoders: {
    json: encodeJson, // pg would send JS arrays as PostgreSQL arrays
    bigint: encodeBigintAsText,
    date: encodeDate,
    timestamp: encodeTimestampAsDate,
    naiveTimestamp: encodeNaiveTimestamp,
    decimal: encodeDecimal,
  },
  // Dates already arrive as text on relata's own pool; a hand-built pool parses them to Dates.
  decoders: { bigint: decoderForBigint, date: fixed(decodeDate), naiveTimestamp: fixed(decodeTimestamp) },
  classifyError(error) {
    const code = String(errorField(error, "code") ?? "");
    if (code === "23505" || code === "23503") {
      // detail: "Key (email)=(a@b) already exists." / "Key (author_id)=(9) is not present in table ..."
      const columns = /^Key \(([^)]*)\)=/.exec(String(errorField(error, "detail") ?? ""))?.[1]?.split(", ");
      return {
        kind: code === "23505" ? "unique" : "foreignKey",
        constraint: errorField(error, "constraint") as string | undefined,
        table: errorField(error, "table") as string | undefined,
        columns: code === "23505" ? columns : undefined,
      };
    }
    if (code === "40P01") return { kind: "deadlock" };
    if (code === "40001" || code === "55P03") return { kind: "serialization" };
    if (code === "57014") return { kind: "timeout" };
    if (code === "25P02") return { kind: "aborted" };
    // Connection exceptions, shutdowns, authentication, unknown database, too many connections.
    if (code.startsWith("08") || /^(57P0[123]|28P01|28000|3D000|53300)$/.test(code)) return { kind: "connection" };
    return undefined;
  },
});

export function postgresDialect(url: string, pool: PoolOptions): Dialect {
  return new DirectPostgresDialect(async () => {
    const pg = await importDriver<typeof import("pg")>("pg", "PostgreSQL");
    const Pool = pg.Pool ?? (pg as unknown as { default: typeof import("pg") }).default.Pool;
    const parsers = pg.types ?? (pg as unknown as { default: typeof import("pg") }).default.types;
    const created = new Pool({
      connectionString: url,
      ...(pool.max !== undefined && { max: pool.max }),
      ...(pool.idleTimeoutMillis !== undefined && { idleTimeoutMillis: pool.idleTimeoutMillis }),
      ...(pool.connectionTimeoutMillis !== undefined && { connectionTimeoutMillis: pool.connectionTimeoutMillis }),
      ...(pool.statementTimeoutMillis !== undefined && { statement_timeout: pool.statementTimeoutMillis }),
      types: {
        // Keep DATE as its "YYYY-MM-DD" text: pg would make a local-midnight Date of it.
        getTypeParser: ((oid: number, format?: "text" | "binary") => {
          if (oid === DATE_OID) return (v: string) => v;
          const parser = parsers.getTypeParser(oid, format);
          return oid === TIMESTAMPTZ_OID && format !== "binary" ? timestamptzParser(parser) : parser;
        }) as typeof parsers.getTypeParser,
      },
    });
    // The server may end a connection at any time (pg_terminate_backend, a restart). pg emits
    // that as an 'error' event on the pool (idle) or the client (checked out), which would
    // crash the process; the pool drops the client, and a query on it fails (ConnectionError).
    created.on("error", ignore);
    created.on("connect", (client) => client.on("error", ignore));
    preparedStatements(created, pool.statementCacheSize ?? STATEMENT_CACHE_SIZE);
    return dropDeadClients(created);
  });
}

/** A SELECT: what a direct read may run (a WITH may write, and a write's result is Kysely's to shape). */
const SELECT = /^select\b/i;

/**
 * Kysely's PostgreSQL dialect over relata's pool, which also runs a SELECT outside a
 * transaction on a pooled connection directly: the pool's connect, pg's query, release, as
 * Kysely's driver does, without Kysely's executor and connection provider (2-4 us of a
 * 90 us point lookup, measured). Until Kysely has opened the pool (its first statement),
 * every read goes through Kysely.
 */
export class DirectPostgresDialect extends PostgresDialect {
  #pool: PgPool | undefined;

  constructor(open: () => Promise<PgPool>) {
    super({
      pool: async () => {
        this.#pool = await open();
        return this.#pool;
      },
    });
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    const destroy = driver.destroy.bind(driver);
    driver.destroy = async () => {
      this.#pool = undefined;
      await destroy();
    };
    return driver;
  }

  /** Runs a SELECT on a pooled connection, or undefined when it must go through Kysely. */
  read(query: CompiledQuery, _make?: RowMaker): Promise<QueryResult<unknown>> | undefined {
    const pool = this.#pool;
    if (pool === undefined || !SELECT.test(query.sql)) return undefined;
    return pool.connect().then(async (client) => {
      try {
        const { rows } = await client.query(query.sql, query.parameters as unknown[]);
        return { rows: rows ?? [] };
      } finally {
        client.release();
      }
    });
  }
}

const ignore = () => {};

type PgPool = import("pg").Pool;
type PgClient = import("pg").PoolClient;

/**
 * Makes the pool destroy a client whose connection died instead of taking it back. When the
 * server ends a connection mid-query (pg_terminate_backend, a restart), the query fails before
 * pg sees the socket close, so Kysely's plain release() would return the dead client to the
 * pool and hand it to the next query. A client whose query failed with a connection error is
 * released with an error, which tells pg-pool to destroy it.
 */
function dropDeadClients(pool: PgPool): PgPool {
  const dead = new WeakSet<object>();
  // Once per client: note a query error that means its connection is gone.
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const result = query(...args);
      if (!(result instanceof Promise)) return result;
      return result.catch((error: unknown) => {
        if (connectionLost(error)) dead.add(client);
        throw error;
      });
    };
  });
  const connect = pool.connect.bind(pool) as () => Promise<PgClient>;
  (pool as { connect: () => Promise<PgClient> }).connect = async () => {
    const client = await connect();
    // pg-pool gives the client a new release() at each checkout: wrap that one.
    const release = client.release.bind(client);
    client.release = (err?: Error | boolean) =>
      release(err ?? (dead.has(client) ? new Error("relata: the connection ended") : undefined));
    return client;
  };
  return pool;
}

/** Whether a query error means the connection is gone (a shutdown, a terminated backend, a closed socket). */
function connectionLost(error: unknown): boolean {
  const code = String(errorField(error, "code") ?? "");
  if (code.startsWith("08") || /^57P0[123]$/.test(code)) return true;
  const message = error instanceof Error ? error.message : "";
  return (
    /Connection terminated|not queryable|ECONNRESET|EPIPE/i.test(message) || ["ECONNRESET", "EPIPE"].includes(code)
  );
}
