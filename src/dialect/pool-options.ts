import { RelataError } from "../errors.js";

/** Connection pool settings for PostgreSQL and MySQL/MariaDB (`createDb({ pool })` or the URL's query). */
export interface PoolOptions {
  /** Most connections open at once (pg `max`, mysql2 `connectionLimit`; both default to 10). */
  max?: number;
  /** How long an unused connection stays open before it is closed. */
  idleTimeoutMillis?: number;
  /** How long to wait for a new connection (PostgreSQL: also for a free one in a full pool) before a ConnectionError. */
  connectionTimeoutMillis?: number;
  /** Statements running longer are cancelled with a QueryTimeoutError (PostgreSQL statement_timeout, MariaDB max_statement_time, MySQL max_execution_time for SELECTs). */
  statementTimeoutMillis?: number;
  /**
   * PostgreSQL: how many statements each connection keeps prepared (default 100). A statement
   * run a second time is prepared under a name and, once its plan is stable, no longer parsed
   * or planned. 0 runs every statement unnamed, as a transaction-mode PgBouncer (before 1.21)
   * needs.
   */
  statementCacheSize?: number;
}

const KEYS = [
  "max",
  "idleTimeoutMillis",
  "connectionTimeoutMillis",
  "statementTimeoutMillis",
  "statementCacheSize",
] as const;
/** Options that may be 0 (off); the others must be positive. */
const ZERO_ALLOWED: readonly string[] = ["statementCacheSize"];

/**
 * The pool settings of a connection: the URL's query parameters of the same names
 * (`postgres://...?max=30`), overridden by `given`; the URL is returned without them, for
 * the driver. Every value must be a positive integer (statementCacheSize may be 0).
 */
export function poolOptions(url: string, given: PoolOptions | undefined): { url: string; pool: PoolOptions } {
  if (given !== undefined && (typeof given !== "object" || given === null || Array.isArray(given))) {
    throw new RelataError(`createDb's pool must be an object with ${KEYS.join(", ")}.`);
  }
  const pool: Record<string, unknown> = {};
  let rest = url;
  const query = url.indexOf("?");
  if (query >= 0 && /^(postgres|postgresql|mysql|mariadb):/.test(url)) {
    const params = new URLSearchParams(url.slice(query + 1));
    for (const key of KEYS) {
      const value = params.get(key);
      if (value === null) continue;
      pool[key] = /^\d+$/.test(value) ? Number(value) : value;
      params.delete(key);
    }
    const left = params.toString();
    rest = url.slice(0, query) + (left ? `?${left}` : "");
  }
  for (const [key, value] of Object.entries(given ?? {})) {
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new RelataError(`Unknown pool option "${key}". Valid pool options: ${KEYS.join(", ")}.`);
    }
    if (value !== undefined) pool[key] = value;
  }
  for (const [key, value] of Object.entries(pool)) {
    const least = ZERO_ALLOWED.includes(key) ? 0 : 1;
    if (!Number.isSafeInteger(value) || (value as number) < least) {
      const kind = least === 0 ? "a non-negative integer" : "a positive integer";
      throw new RelataError(`Pool option ${key} must be ${kind}, got ${JSON.stringify(value)}.`);
    }
  }
  return { url: rest, pool: pool as PoolOptions };
}
