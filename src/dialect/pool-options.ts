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
}

const KEYS = ["max", "idleTimeoutMillis", "connectionTimeoutMillis", "statementTimeoutMillis"] as const;

/**
 * The pool settings of a connection: the URL's query parameters of the same names
 * (`postgres://...?max=30`), overridden by `given`; the URL is returned without them, for
 * the driver. Every value must be a positive integer.
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
    if (!Number.isSafeInteger(value) || (value as number) < 1) {
      throw new RelataError(`Pool option ${key} must be a positive integer, got ${JSON.stringify(value)}.`);
    }
  }
  return { url: rest, pool: pool as PoolOptions };
}
