import type { Session } from "../dialect/session.js";
import { RelataError } from "../errors.js";

/**
 * What the object API's model methods return: a promise of their result whose query runs when
 * it is awaited (or `then`ed), not when the call is made, and once. So
 * `db.transaction([db.user.create(...), ...])` can run the calls itself, in order, inside one
 * transaction (as Prisma's `$transaction([...])` does).
 */
export type PendingQuery<T> = Promise<T>;

/** The PendingQuery behind the object API's calls (typed as a plain Promise). */
export class Pending<T> implements Promise<T> {
  readonly #run: (session: Session | undefined) => Promise<T>;
  #started?: Promise<T>;

  /** @internal `run(undefined)` runs on the handle's own session; `run(tx)` in a transaction. */
  constructor(run: (session: Session | undefined) => Promise<T>) {
    this.#run = run;
    batchable.set(this, (session) => this.#start(session));
  }

  get [Symbol.toStringTag](): string {
    return "Promise";
  }

  #start(session?: Session): Promise<T> {
    if (!this.#started) {
      // A synchronous throw (a bad argument) becomes a rejection, as it would in an async method.
      try {
        this.#started = this.#run(session);
      } catch (error) {
        this.#started = Promise.reject(error);
      }
    }
    return this.#started;
  }

  // biome-ignore lint/suspicious/noThenProperty: a PendingQuery is a promise that starts on first use
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    batchable.delete(this);
    return this.#start().then(onfulfilled, onrejected);
  }

  catch<R = never>(onrejected?: ((reason: any) => R | PromiseLike<R>) | null): Promise<T | R> {
    batchable.delete(this);
    return this.#start().catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<T> {
    batchable.delete(this);
    return this.#start().finally(onfinally);
  }
}

/** How a batch starts each pending query on its transaction; unset once it has started. */
const batchable = new WeakMap<object, (session: Session) => Promise<unknown>>();

/** The results of a batch of pending queries, position by position. */
export type BatchResults<P extends readonly unknown[]> = { -readonly [K in keyof P]: Awaited<P[K]> };

/**
 * Runs pending queries in order on one transaction (`session.transaction`): all of them or, when
 * one fails, none. Anything that is not a PendingQuery is refused before the transaction opens.
 */
export async function runBatch(session: Session, queries: readonly unknown[]): Promise<unknown[]> {
  const bad = queries.findIndex((query) => !(query instanceof Pending));
  if (bad >= 0) {
    throw new RelataError(
      `db.transaction([...]) takes the object API's calls (findMany, create, update, upsert, delete, count, ...); item ${bad} is not one. A fluent query runs at once: use the callback form, db.transaction(async (tx) => ...).`,
    );
  }
  const ran = queries.findIndex((query) => !batchable.has(query as object));
  if (ran >= 0 || new Set(queries).size < queries.length) {
    throw new RelataError(
      `db.transaction([...]) got a query that already ran or is listed twice (item ${ran >= 0 ? ran : "repeated"}): pass each call once, not awaited, e.g. db.transaction([db.user.create(...), db.post.findMany()]).`,
    );
  }
  return session.transaction(async (tx) => {
    const results: unknown[] = [];
    for (const query of queries) {
      const start = batchable.get(query as object)!;
      batchable.delete(query as object);
      results.push(await start(tx));
    }
    return results;
  });
}
