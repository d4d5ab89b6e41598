import { ForeignKeyConstraintError, UniqueConstraintError } from "../errors.js";

/** Builds the relata error for a driver's unique or foreign key violation. */
export function constraintError(
  kind: "unique" | "foreignKey",
  constraint: string | undefined,
  table: string | undefined,
  cause: unknown,
): UniqueConstraintError | ForeignKeyConstraintError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  const what = kind === "unique" ? "Unique constraint" : "Foreign key constraint";
  const message = `${what}${constraint ? ` "${constraint}"` : ""} failed${table ? ` on table "${table}"` : ""}: ${detail}`;
  return kind === "unique"
    ? new UniqueConstraintError(message, constraint, table, cause)
    : new ForeignKeyConstraintError(message, constraint, table, cause);
}

export const errorField = (error: unknown, key: string): unknown =>
  typeof error === "object" && error !== null ? (error as Record<string, unknown>)[key] : undefined;
