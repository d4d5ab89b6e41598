import { AsyncLocalStorage } from "node:async_hooks";
import { type Compilable, type CompiledQuery, type Kysely, type QueryResult, type RawBuilder, sql } from "kysely";
import { ConnectionError, TransactionError } from "../errors.js";
import type { Schema } from "../schema/define-schema.js";
import { driverError } from "./driver-errors.js";
import type { DialectProfile, RelationLoadStrategy } from "./profile.js";

/**
 * The transaction whose callback the current async context runs in. It lets a session tell
 * when it is used from inside one of its own transactions (the outer `db` where `tx` was
 * meant): that statement would run outside the transaction, or wait forever for the one
 * connection SQLite has.
 */
const inTransaction = new AsyncLocalStorage<Session>();
/**
 * Transactions running in this process. With none, the storage is disabled: on Node 20 an
 * enabled AsyncLocalStorage tracks every promise (~20% on a point lookup, measured).
 */
let running = 0;

/**
 * What every query runs through: the Kysely instance (the root or a transaction), the
 * dialect profile, and the schema. Driver errors are mapped here, in one place.
 */
export class Session {
  /** Set once the transaction this session belongs to has committed or rolled back. */
  #ended = false;
  /** The db's own session this one was opened on (itself outside a transaction). */
  get root(): Session {
    let root: Session = this;
    while (root.parent) root = root.parent;
    return root;
  }
  /** Whether this transaction has committed or rolled back (or, at the top, the pool was destroyed). */
  get ended(): boolean {
    return this.#ended;
  }
  /** The savepoint running on this transaction, if any: siblings and this session's own statements wait for it. */
  #savepoint: Promise<unknown> | undefined;

  constructor(
    readonly kysely: Kysely<any>,
    readonly profile: DialectProfile,
    readonly schema: Schema,
    /** How relations load when a query does not say (`relationLoadStrategy` of createDb). */
    readonly strategy: RelationLoadStrategy,
    /** 0 outside a transaction; 1 in one; deeper levels are savepoints. */
    readonly depth: number = 0,
    /** What this connection's server turned out to support, learnt once and shared with its transactions. */
    readonly facts: ServerFacts = {},
    /** The session this transaction or savepoint was opened on. */
    readonly parent?: Session,
    /**
     * Runs a read without Kysely's executor when it can (SQLite or PostgreSQL opened from a
     * URL, see DirectSqliteDialect and DirectPostgresDialect), reporting it as Kysely's log
     * would; the db's own session only.
     */
    readonly direct?: DirectRead,
  ) {}

  /** Whether inserts can return the stored rows (asks the server once where the family varies). */
  returning(): boolean | Promise<boolean> {
    const { profile } = this;
    if (profile.supportsReturning || !profile.detectReturning) return profile.supportsReturning;
    this.facts.returning ??= profile.detectReturning(this.kysely);
    return this.facts.returning;
  }

  /**
   * Runs a query; `table` names the written table for constraint errors, `make` makes a read's
   * row objects where the driver lets it (see RowMaker).
   */
  async execute<R = Record<string, unknown>>(
    query: Compilable | CompiledQuery,
    table?: string,
    make?: RowMaker,
  ): Promise<QueryResult<R>> {
    this.#checkUse();
    while (this.#savepoint) await this.#savepoint.catch(() => {});
    const compiled = "compile" in query ? query.compile() : query;
    try {
      const read = this.direct?.(compiled, make);
      if (read !== undefined) return (read instanceof Promise ? await read : read) as QueryResult<R>;
      return await this.kysely.executeQuery<R>(compiled);
    } catch (error) {
      throw driverError(this, error, table);
    }
  }

  /**
   * Runs `fn` in a transaction: a real one at the top level, a savepoint when nested.
   * A throw rolls back (to the savepoint) and is rethrown. Savepoints opened at the same
   * time on one transaction (siblings under `Promise.all`) run one after another.
   */
  async transaction<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    this.#checkUse();
    if (this.depth === 0) return this.#topLevel(fn);
    while (this.#savepoint) await this.#savepoint.catch(() => {});
    const running = this.#inSavepoint(fn);
    this.#savepoint = running;
    try {
      return await running;
    } finally {
      this.#savepoint = undefined;
    }
  }

  async #topLevel<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    let failed: { error: unknown } | undefined;
    try {
      return await this.kysely.transaction().execute(async (trx) => {
        const tx = new Session(trx, this.profile, this.schema, this.strategy, 1, this.facts, this);
        running += 1;
        try {
          return await inTransaction.run(tx, () => fn(tx));
        } catch (error) {
          failed = { error };
          throw error;
        } finally {
          tx.#ended = true;
          running -= 1;
          if (running === 0) inTransaction.disable();
        }
      });
    } catch (error) {
      // When the rollback itself fails (the connection is gone), what the callback threw says why.
      if (failed) throw failed.error;
      throw driverError(this, error, undefined);
    }
  }

  async #inSavepoint<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    const child = new Session(this.kysely, this.profile, this.schema, this.strategy, this.depth + 1, this.facts, this);
    const name = sql.raw(`relata_sp_${this.depth}`);
    await this.#control(sql`savepoint ${name}`);
    let result: T;
    try {
      result = await inTransaction.run(child, () => fn(child));
    } catch (error) {
      child.#ended = true;
      // MariaDB ends the whole transaction on a deadlock, savepoint included; a dead connection
      // cannot roll back either: the error that caused it is the one to report.
      await this.#control(sql`rollback to savepoint ${name}`).catch(() => {});
      throw error;
    }
    child.#ended = true;
    await this.#control(sql`release savepoint ${name}`);
    return result;
  }

  /** Closes the pool; every later use of this session is a ConnectionError. */
  async destroy(): Promise<void> {
    if (this.depth > 0)
      throw new TransactionError("destroy() closes the db's pool: call it on db, not on a transaction's tx.");
    this.#ended = true;
    await this.kysely.destroy();
  }

  /** A transaction-control statement of this session's own (not queued behind its savepoint). */
  async #control(statement: RawBuilder<unknown>): Promise<void> {
    try {
      await statement.execute(this.kysely);
    } catch (error) {
      throw driverError(this, error, undefined);
    }
  }

  /**
   * Throws when this session cannot be used here: its transaction has ended, or the caller
   * runs inside a transaction (or savepoint) opened on this session, whose handle it should use.
   */
  #checkUse(): void {
    if (this.#ended && this.depth === 0) {
      throw new ConnectionError(
        "This db handle was destroyed (db.destroy()); create another with createDb.",
        undefined,
      );
    }
    if (this.#ended) {
      throw new TransactionError(
        "This transaction handle was used after its transaction ended (committed or rolled back). Use it only inside the transaction callback, or use db outside it.",
      );
    }
    const current = inTransaction.getStore();
    if (current === undefined || current === this || current.#ended) return;
    for (let open = current.parent; open !== undefined; open = open.parent) {
      if (open === this) {
        const outer = this.depth === 0 ? "db" : "the outer tx";
        throw new TransactionError(
          `${outer} was used inside its own transaction callback: use the handle the callback receives (db.transaction(async (tx) => { await tx.user.create(...) })). Through ${outer}, the statement would run outside the transaction${this.depth === 0 ? " (and wait forever for SQLite's one connection)" : ""}.`,
        );
      }
    }
  }
}

/**
 * The transaction (or savepoint) opened on `session` that the current async context runs in,
 * if any: class models' statics and instances write through it inside `db.transaction`.
 */
export function activeTransaction(session: Session): Session | undefined {
  const current = inTransaction.getStore();
  if (current === undefined || current === session || current.ended) return undefined;
  for (let open = current.parent; open !== undefined; open = open.parent) {
    if (open === session) return current;
  }
  return undefined;
}

/** A read run at once (SQLite) or on a pooled connection (PostgreSQL), or undefined: it goes through Kysely. */
export type DirectRead = (
  query: CompiledQuery,
  make?: RowMaker,
) => QueryResult<unknown> | Promise<QueryResult<unknown>> | undefined;

/**
 * Makes the empty object a read row is filled into: a caller that will decode the rows into
 * its model's rows passes its codec's (ModelCodec.rowMaker), so a driver that builds rows
 * itself (SQLite's array rows) makes them with the model's prototype at once, not a plain
 * object decode copies. A driver may ignore it; ModelCodec.made tells which rows it used.
 */
export type RowMaker = () => Record<string, unknown>;

/** Server capabilities learnt at run time. */
export interface ServerFacts {
  returning?: Promise<boolean>;
  /** Compiled SQL per query shape (see query/compiled-cache.ts). */
  statements?: Map<string, { sql: string | undefined; misses: number }>;
}
