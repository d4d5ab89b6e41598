/** Base class of every error relata throws on purpose. */
export class RelataError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The schema given to `defineSchema` is inconsistent; `problems` lists every issue found. */
export class SchemaError extends RelataError {
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid schema (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems
        .map((p) => `  - ${p}`)
        .join("\n")}`,
    );
  }
}

/** A query or write named a field that does not exist, or gave a value of the wrong type. */
export class ValidationError extends RelataError {
  constructor(
    message: string,
    readonly model: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** A relation name (or a segment of a dotted path) is not defined on the model. */
export class RelationNotFoundError extends RelataError {
  constructor(
    readonly model: string,
    readonly relation: string,
    readonly validRelations: readonly string[],
  ) {
    super(
      `Relation "${relation}" is not defined on model "${model}". ` +
        (validRelations.length ? `Valid relations: ${validRelations.join(", ")}.` : `"${model}" has no relations.`),
    );
  }
}

/**
 * With `preventLazyLoading`, a relation property was read on a row that did not load it
 * (relata never loads lazily: reading it would otherwise give `undefined`).
 */
export class LazyLoadingViolationError extends RelataError {
  constructor(
    readonly model: string,
    readonly relation: string,
  ) {
    super(
      `Relation "${model}.${relation}" was read on a row that did not load it (the schema sets preventLazyLoading): load it with .with("${relation}") on the query, or db.${model}.load(rows, "${relation}").`,
    );
  }
}

/**
 * The schema enforces its morph map (`enforceMorphMap`) and a polymorphic relation met a model
 * without an entry (`model`), or a stored morph type value that names no model of the map
 * (`value`; `model` is then undefined).
 */
export class MorphMapError extends RelataError {
  constructor(
    message: string,
    readonly model: string | undefined,
    readonly value?: string,
  ) {
    super(message);
  }
}

/** `findOrFail` / `firstOrFail` found no row. */
export class NotFoundError extends RelataError {
  constructor(
    readonly model: string,
    detail: string,
  ) {
    super(`No ${model} found ${detail}.`);
  }
}

/** Common shape of the errors mapped from a driver's constraint violation. */
export abstract class ConstraintError extends RelataError {
  constructor(
    message: string,
    /** The constraint's name when the database reports it. */
    readonly constraint: string | undefined,
    /** The table the failing statement wrote to. */
    readonly table: string | undefined,
    cause: unknown,
    /** The fields (of the model or pivot table) the constraint covers, when they can be told; else []. */
    readonly fields: readonly string[] = [],
  ) {
    super(message, { cause });
  }
}

/** A write violated a unique index or primary key. */
export class UniqueConstraintError extends ConstraintError {}

/** A write referenced a missing row, or a delete/update would orphan referencing rows. */
export class ForeignKeyConstraintError extends ConstraintError {}

/**
 * The database could not be reached or dropped the connection: refused, wrong password,
 * unknown database, a connection the server terminated, a pool timeout. `cause` is the
 * driver's error. The pool stays usable: the next query opens a fresh connection.
 */
export class ConnectionError extends RelataError {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
  }
}

/**
 * The database aborted the transaction to resolve a conflict with another one; running the
 * whole transaction again may succeed (`retryable` is always true).
 */
export abstract class TransactionConflictError extends RelataError {
  readonly retryable = true;
  constructor(message: string, cause: unknown) {
    super(message, { cause });
  }
}

/** A deadlock was detected (PostgreSQL 40P01, MySQL/MariaDB 1213, SQLite SQLITE_BUSY under a lock). */
export class DeadlockError extends TransactionConflictError {}

/** A serializable transaction could not be serialized, or a lock wait timed out (PostgreSQL 40001, MySQL 1205). */
export class SerializationError extends TransactionConflictError {}

/**
 * A transaction was used wrongly: the outer `db` used inside its own `db.transaction(tx => ...)`
 * callback (use `tx`), a `tx` used after its transaction ended, or two savepoints opened at once
 * on one transaction.
 */
export class TransactionError extends RelataError {}

/** A statement ran past the statement timeout (`pool.statementTimeoutMillis`) and was cancelled. */
export class QueryTimeoutError extends RelataError {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
  }
}

/**
 * Any other error the database reported for a statement relata sent (`code` is the
 * driver's error code). Seeing one usually means the database and the schema disagree:
 * a table or column that is missing, or a type that differs.
 */
export class DatabaseError extends RelataError {
  constructor(
    message: string,
    /** The driver's error code (`42P01`, `ER_NO_SUCH_TABLE`, `SQLITE_ERROR`), when it gave one. */
    readonly code: string | undefined,
    cause: unknown,
  ) {
    super(message, { cause });
  }
}
