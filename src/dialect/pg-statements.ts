import { errorField } from "./driver-errors.js";

type PgPool = import("pg").Pool;
type Query = (...args: unknown[]) => unknown;

/** A statement PostgreSQL can keep prepared and plan once: DML, not DDL or transaction control. */
const PREPARABLE = /^\s*\(*\s*(select|insert|update|delete|with|values)\b/i;
/** A statement that may change what a prepared one returns: the connection prepares afresh after it. */
const SCHEMA_CHANGE = /^\s*(alter|drop|create)\b/i;
/** The longest key list a named statement runs (see longList). */
const SHORT_LIST = 10;
/** Texts remembered as run once, at most: a flood of one-off statements starts the count over. */
const SEEN_LIMIT = 2_000;

/**
 * Runs a statement the pool has seen before as a named prepared statement on each connection
 * (pg's `{ name, text, values }`), so PostgreSQL parses it once per connection and, once its
 * plan proves stable (after five runs), stops planning it: a point lookup takes about 40% less
 * server time. A run binding a key list (`= any($1)`) longer than 10 stays unnamed: a generic
 * plan assumes a short list, and loads of thousands of keys ran about 20% slower with it (a
 * point read's eager load of one parent's relation is named). A text is named on its second
 * run anywhere in the pool, so one-off statements stay unnamed, and each connection names at
 * most `size` texts in its life (later ones run unnamed), which bounds what the server holds
 * for it.
 *
 * A statement prepared before a column it reads changed type (ALTER TABLE, or the table dropped
 * and created again) fails with "cached plan must not change result type". A connection that
 * runs such a change itself prepares its statements afresh afterwards. A change made elsewhere
 * shows as that failure: the connection forgets the name and runs the statement again
 * unnamed. Inside a transaction the failure already aborted it, so the retry fails too and
 * the original error stands.
 */
export function preparedStatements(pool: PgPool, size: number): void {
  if (size === 0) return;
  // Texts run before: a second run makes a text worth naming.
  const seen = new Set<string>();
  let next = 0;
  const hot = (text: string): boolean => {
    if (seen.has(text)) return true;
    if (seen.size >= SEEN_LIMIT) seen.clear();
    seen.add(text);
    return false;
  };
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as Query;
    const names = new Map<string, string>();
    let named = 0;
    (client as { query: Query }).query = (...args: unknown[]) => {
      const [text, values] = args;
      if (args.length !== 2 || typeof text !== "string" || !Array.isArray(values)) return query(...args);
      if (names.size > 0 && SCHEMA_CHANGE.test(text)) names.clear();
      let name = names.get(text);
      if (name === undefined) {
        if (named >= size || !PREPARABLE.test(text) || longList(values) || !hot(text)) {
          return query(text, values);
        }
        name = `relata_${++next}`;
        names.set(text, name);
        named++;
      }
      return (query({ name, text, values }) as Promise<unknown>).catch((error: unknown) => {
        if (!stalePlan(error)) throw error;
        // The server keeps the stale statement under its name; this connection never runs it again.
        names.delete(text);
        return (query(text, values) as Promise<unknown>).catch((retried: unknown) => {
          throw errorField(retried, "code") === "25P02" ? error : retried;
        });
      });
    };
  });
}

/**
 * Whether a statement binds a list longer than PostgreSQL's generic plan assumes (10, for
 * `= any($1)`): such a run stays unnamed and gets a plan for its length. A text binds its list
 * in the same place every run, so its named statement only ever runs short lists.
 */
function longList(values: readonly unknown[]): boolean {
  for (const value of values) if (Array.isArray(value) && value.length > SHORT_LIST) return true;
  return false;
}

/** A named statement the server can no longer run as prepared (its table changed, or it is gone). */
function stalePlan(error: unknown): boolean {
  const code = errorField(error, "code");
  return (code === "0A000" && errorField(error, "routine") === "RevalidateCachedQuery") || code === "26000";
}
