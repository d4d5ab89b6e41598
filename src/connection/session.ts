import { type Compilable, type CompiledQuery, type Kysely, type QueryResult, sql } from "kysely";
import type { RelationLoadStrategy } from "../query/state.js";
import type { Schema } from "../schema/define-schema.js";
import type { DialectProfile } from "./profile.js";

/**
 * What every query runs through: the Kysely instance (the root or a transaction), the
 * dialect profile, and the schema. Driver errors are mapped here, in one place.
 */
export class Session {
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
  ) {}

  /** Whether inserts can return the stored rows (asks the server once where the family varies). */
  returning(): boolean | Promise<boolean> {
    const { profile } = this;
    if (profile.supportsReturning || !profile.detectReturning) return profile.supportsReturning;
    this.facts.returning ??= profile.detectReturning(this.kysely);
    return this.facts.returning;
  }

  /** Runs a query; `table` names the written table for constraint errors. */
  async execute<R = Record<string, unknown>>(
    query: Compilable | CompiledQuery,
    table?: string,
  ): Promise<QueryResult<R>> {
    const compiled = "compile" in query ? query.compile() : query;
    try {
      return await this.kysely.executeQuery<R>(compiled);
    } catch (error) {
      throw this.profile.mapError(error, table) ?? error;
    }
  }

  /**
   * Runs `fn` in a transaction: a real one at the top level, a savepoint when nested.
   * A throw rolls back (to the savepoint) and is rethrown.
   */
  async transaction<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    if (this.depth === 0) {
      return this.kysely
        .transaction()
        .execute((trx) => fn(new Session(trx, this.profile, this.schema, this.strategy, 1, this.facts)));
    }
    const savepoint = sql.raw(`relata_sp_${this.depth}`);
    await sql`savepoint ${savepoint}`.execute(this.kysely);
    try {
      const result = await fn(
        new Session(this.kysely, this.profile, this.schema, this.strategy, this.depth + 1, this.facts),
      );
      await sql`release savepoint ${savepoint}`.execute(this.kysely);
      return result;
    } catch (error) {
      await sql`rollback to savepoint ${savepoint}`.execute(this.kysely);
      throw error;
    }
  }
}

/** Server capabilities learnt at run time. */
export interface ServerFacts {
  returning?: Promise<boolean>;
  /** Compiled SQL per query shape (see query/compiled-cache.ts). */
  statements?: Map<string, { sql: string | undefined; misses: number }>;
}
