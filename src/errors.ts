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
  ) {
    super(message, { cause });
  }
}

/** A write violated a unique index or primary key. */
export class UniqueConstraintError extends ConstraintError {}

/** A write referenced a missing row, or a delete/update would orphan referencing rows. */
export class ForeignKeyConstraintError extends ConstraintError {}
