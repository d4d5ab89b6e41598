import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach } from "vitest";
import {
  createDb,
  type Db,
  type DialectName,
  type QueryEvent,
  type RelationLoadStrategy,
  type Schema,
} from "../../src/index.js";
import { availableDialects } from "./dialects.js";

/** The dialect this test process runs against (set per Vitest project). */
export const dialect = (process.env.RELATA_TEST_DIALECT ?? "sqlite") as DialectName;

/** The relation loading strategy this test process runs with (set per Vitest project). */
export const strategy = (process.env.RELATA_TEST_STRATEGY ?? "query") as RelationLoadStrategy;

/**
 * Statements an eager load costs: `perLevel` with the "query" strategy (one per relation
 * level, morphTo one per type), always 1 with "join". For `with`, `find*` and their terminals;
 * `load`/`loadMissing` always use the query strategy.
 */
export const eagerQueries = (perLevel: number): number => (strategy === "join" ? Math.min(perLevel, 1) : perLevel);

/**
 * Whether inserts return the stored rows on this run's database: SQLite and PostgreSQL, and
 * MariaDB 10.5+ (MySQL re-selects them: one more statement per create).
 */
export const returning = dialect !== "mysql" || process.env.RELATA_TEST_MYSQL_RETURNING === "1";

/** A value per dialect; a missing dialect does not compile. */
export type PerDialect<T> = Record<DialectName, T>;

function baseUrl(): string {
  const found = availableDialects().find((d) => d.name === dialect);
  if (!found) throw new Error(`Dialect ${dialect} is not configured for this run`);
  return found.url;
}

/** A private schema (PostgreSQL) or database (MySQL) for one test file, dropped afterwards. */
export async function isolatedUrl(): Promise<{ url: string; drop: () => Promise<void> }> {
  const url = baseUrl();
  if (dialect === "sqlite") return { url, drop: async () => {} };
  const name = `relata_t_${randomBytes(5).toString("hex")}`;
  if (dialect === "postgres") {
    const { default: pg } = await import("pg");
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create schema ${name}`);
    await admin.end();
    const sep = url.includes("?") ? "&" : "?";
    return {
      url: `${url}${sep}options=${encodeURIComponent(`-c search_path=${name}`)}`,
      drop: async () => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(`drop schema ${name} cascade`);
        await client.end();
      },
    };
  }
  const mysql = await import("mysql2/promise");
  const admin = await mysql.createConnection({ uri: url });
  await admin.query(`create database ${name}`);
  await admin.end();
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return {
    url: parsed.toString(),
    drop: async () => {
      const client = await mysql.createConnection({ uri: url });
      await client.query(`drop database ${name}`);
      await client.end();
    },
  };
}

export interface TestDb<S extends Schema> {
  /** The db handle, connected and pushed in beforeAll. */
  readonly db: Db<S>;
  /** Every statement sent since the current test began. */
  readonly queries: QueryEvent[];
  /** The URL of this file's private schema/database. */
  readonly url: string;
  /** Runs `fn` and returns how many statements it sent, with its result. */
  count<T>(fn: () => Promise<T>): Promise<{ queries: number; result: T }>;
  /** Deletes every row of every model table (children first). */
  truncate(): Promise<void>;
}

/**
 * Gives a test file a fresh database with `schema` pushed: the file's own PostgreSQL schema
 * or MySQL database, an in-memory SQLite otherwise. Statements are recorded in `queries`.
 */
export function useTestDb<S extends Schema>(schema: S, options: { push?: boolean } = {}): TestDb<S> {
  let db: Db<S> | undefined;
  let url = "";
  let drop = async () => {};
  const queries: QueryEvent[] = [];
  beforeAll(async () => {
    ({ url, drop } = await isolatedUrl());
    db = createDb({ schema, url, relationLoadStrategy: strategy, onQuery: (event) => queries.push(event) });
    if (options.push !== false) await db.push();
  });
  beforeEach(() => {
    queries.length = 0;
  });
  afterAll(async () => {
    await db?.destroy();
    await drop();
  });
  return {
    get db() {
      if (!db) throw new Error("useTestDb: the database is ready only inside tests");
      return db;
    },
    queries,
    get url() {
      return url;
    },
    async count(fn) {
      const before = queries.length;
      const result = await fn();
      return { queries: queries.length - before, result };
    },
    async truncate() {
      // Referencing tables first: a table is emptied once nothing left points at it.
      const models = [...schema.meta.models.values()];
      const pending = new Set(models.map((m) => m.name));
      const order: string[] = [...schema.meta.pivotTables.keys()];
      while (pending.size > 0) {
        const free = [...pending].filter(
          (name) =>
            !models.some(
              (m) => pending.has(m.name) && m.name !== name && m.foreignKeys.some((fk) => fk.targetModel === name),
            ),
        );
        for (const name of free.length ? free : [...pending]) {
          order.push(schema.model(name).table);
          pending.delete(name);
        }
      }
      for (const table of order) await this.db.kysely.deleteFrom(table).execute();
    },
  };
}
