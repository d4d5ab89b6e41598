import { type CompiledQuery, type Dialect, MysqlAdapter, PostgresAdapter, SqliteAdapter } from "kysely";
import { RelataError } from "../errors.js";
import { mysqlDialect, mysqlProfile } from "./mysql.js";
import { type PoolOptions, poolOptions } from "./pool-options.js";
import { DirectPostgresDialect, postgresDialect, postgresProfile } from "./postgres.js";
import type { DialectName, DialectProfile } from "./profile.js";
import type { DirectRead } from "./session.js";
import { DirectSqliteDialect, sqliteDialect, sqliteProfile } from "./sqlite.js";

export const profiles: Record<DialectName, DialectProfile> = {
  sqlite: sqliteProfile,
  postgres: postgresProfile,
  mysql: mysqlProfile,
};

const byScheme: Record<string, [DialectName, (url: string, pool: PoolOptions) => Dialect]> = {
  sqlite: ["sqlite", sqliteDialect],
  postgres: ["postgres", postgresDialect],
  postgresql: ["postgres", postgresDialect],
  mysql: ["mysql", mysqlDialect],
  mariadb: ["mysql", mysqlDialect],
};

/** A connection URL -> the Kysely dialect to open it and the profile of its database family. */
export function dialectFromUrl(url: string, given?: PoolOptions): { dialect: Dialect; profile: DialectProfile } {
  if (typeof url !== "string") throw new RelataError(`createDb's url must be a string, got ${typeof url}.`);
  const scheme = /^([a-z]+):/.exec(url)?.[1];
  const entry = scheme === undefined ? undefined : byScheme[scheme];
  if (!entry) {
    throw new RelataError(
      `Unsupported database URL "${redact(url)}": use sqlite::memory:, sqlite:<path>, postgres://..., mysql://... or mariadb://...`,
    );
  }
  const [name, open] = entry;
  const options = poolOptions(url, given);
  return { dialect: open(options.url, options.pool), profile: profiles[name] };
}

/**
 * The direct reads of a dialect relata opened itself (DirectSqliteDialect, DirectPostgresDialect),
 * each reported to `log` as Kysely reports the statements it runs; undefined for any other dialect.
 */
export function directReads(
  dialect: Dialect,
  log?: (query: CompiledQuery, durationMs: number, error?: unknown) => void,
): DirectRead | undefined {
  if (!(dialect instanceof DirectSqliteDialect || dialect instanceof DirectPostgresDialect)) return undefined;
  if (log === undefined) return (query, make) => dialect.read(query, make);
  return (query, make) => {
    const start = performance.now();
    const failed = (error: unknown) => {
      log(query, performance.now() - start, error);
      throw error;
    };
    let result: ReturnType<DirectRead>;
    try {
      result = dialect.read(query, make);
    } catch (error) {
      return failed(error);
    }
    if (result instanceof Promise) {
      return result.then((read) => {
        log(query, performance.now() - start);
        return read;
      }, failed);
    }
    if (result !== undefined) log(query, performance.now() - start);
    return result;
  };
}

/** The profile of a user-supplied Kysely dialect, from its adapter (or the name given). */
export function profileOfDialect(dialect: Dialect, name?: DialectName): DialectProfile {
  if (name) return profiles[name];
  const adapter = dialect.createAdapter();
  if (adapter instanceof SqliteAdapter) return sqliteProfile;
  if (adapter instanceof PostgresAdapter) return postgresProfile;
  if (adapter instanceof MysqlAdapter) return mysqlProfile;
  throw new RelataError(
    `Cannot tell which database family this Kysely dialect speaks (adapter ${adapter.constructor.name}); pass dialectName: "sqlite" | "postgres" | "mysql"`,
  );
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}
