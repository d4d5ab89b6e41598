import {
  ConnectionError,
  DatabaseError,
  DeadlockError,
  ForeignKeyConstraintError,
  QueryTimeoutError,
  RelataError,
  SerializationError,
  TransactionError,
  UniqueConstraintError,
} from "../errors.js";
import { constraintName } from "../schema/constraint-names.js";
import type { Schema } from "../schema/define-schema.js";
import type { DialectProfile, DriverFailure } from "./profile.js";

export const errorField = (error: unknown, key: string): unknown =>
  typeof error === "object" && error !== null ? (error as Record<string, unknown>)[key] : undefined;

/** Node's socket errors and the drivers' own words for a connection that is gone. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
]);
const GONE =
  /connection terminated|not queryable|closed state|connection is not open|driver has already been destroyed|pool after calling end|cannot open database|timeout exceeded when trying to connect|connection lost/i;

/** Errors the `onQuery` callback threw: the caller gets them as thrown, not as the database's. */
const callbackErrors = new WeakSet<object>();

/** Marks `error` as thrown by the user's `onQuery` callback (see driverError), and returns it. */
export function callbackError(error: unknown): unknown {
  if (typeof error === "object" && error !== null) callbackErrors.add(error);
  return error;
}

/** The connection-level failures every driver shares (network codes, a destroyed pool). */
function commonFailure(error: unknown): DriverFailure | undefined {
  const code = errorField(error, "code");
  if (typeof code === "string" && NETWORK_CODES.has(code)) return { kind: "connection" };
  if (GONE.test(String(errorField(error, "message") ?? ""))) return { kind: "connection" };
  return undefined;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The relata error for an error a statement failed with: constraint violations, lost
 * connections, deadlocks and timeouts by class, anything else as a DatabaseError. relata's
 * own errors pass through unchanged.
 */
export function driverError(
  session: { readonly profile: DialectProfile; readonly schema: Schema },
  error: unknown,
  table: string | undefined,
): unknown {
  if (error instanceof RelataError || callbackErrors.has(error as object)) return error;
  const failure = session.profile.classifyError(error) ?? commonFailure(error);
  const detail = describe(error);
  switch (failure?.kind) {
    case "unique":
    case "foreignKey": {
      const written = table ?? failure.table;
      const fields = fieldsOf(session.schema, written, failure.columns, failure.constraint);
      const what = failure.kind === "unique" ? "Unique constraint" : "Foreign key constraint";
      const on = [
        failure.constraint ? ` "${failure.constraint}"` : "",
        written ? ` on table "${written}"` : "",
        fields.length ? ` (fields: ${fields.join(", ")})` : "",
      ].join("");
      const message = `${what}${on} failed: ${detail}`;
      return failure.kind === "unique"
        ? new UniqueConstraintError(message, failure.constraint, written, error, fields)
        : new ForeignKeyConstraintError(message, failure.constraint, written, error, fields);
    }
    case "connection":
      return new ConnectionError(`The database connection failed: ${detail}`, error);
    case "deadlock":
      return new DeadlockError(`Deadlock: the database aborted the transaction (run it again): ${detail}`, error);
    case "serialization":
      return new SerializationError(
        `The transaction conflicted with a concurrent one and was aborted (run it again): ${detail}`,
        error,
      );
    case "timeout":
      return new QueryTimeoutError(`The statement ran past the statement timeout and was cancelled: ${detail}`, error);
    case "aborted":
      return new TransactionError(
        `The transaction was aborted by an earlier error; no statement runs in it until it ends (let the error leave the transaction callback, or catch it in a nested tx.transaction): ${detail}`,
      );
    default: {
      const code = errorField(error, "code");
      return new DatabaseError(
        `The database rejected a statement: ${detail}`,
        code === undefined ? undefined : String(code),
        error,
      );
    }
  }
}

/** The fields a violated constraint covers: from the columns the error names, else from its name. */
function fieldsOf(
  schema: Schema,
  table: string | undefined,
  columns: readonly string[] | undefined,
  constraint: string | undefined,
): readonly string[] {
  if (table === undefined) return [];
  const model = [...schema.meta.models.values()].find((m) => m.table === table);
  const named = model
    ? [...model.fields.values()].map((f) => [f.name, f.column] as const)
    : (schema.meta.pivotTables.get(table)?.columns.map((c) => [c.name, c.column] as const) ?? []);
  // PostgreSQL's detail quotes a column that needs it: `Key ("AuthorName", slug)=(...)`.
  const unquoted = (column: string) => (/^".*"$/.test(column) ? column.slice(1, -1).replaceAll('""', '"') : column);
  const fieldOf = (column: string) => named.find(([, c]) => c === unquoted(column))?.[0] ?? unquoted(column);
  if (columns?.length) return columns.map(fieldOf);
  if (constraint === undefined) return [];
  const primary = model ? model.primaryKey.map((f) => model.fields.get(f)!.column) : [];
  if (
    constraint === "PRIMARY" ||
    constraint === `${table}_pkey` ||
    constraint === constraintName(table, primary, "pkey")
  ) {
    return primary.map(fieldOf);
  }
  const unique = named.find(([, column]) => constraint === constraintName(table, [column], "unique"));
  if (unique) return [unique[0]];
  // A unique over several fields (model option `uniques`), under the name push() gives it.
  const columnOf = (field: string) => model!.fields.get(field)!.column;
  const composite = model?.uniques?.find(
    (fields) => constraint === constraintName(table, fields.map(columnOf), "unique"),
  );
  return composite ? [...composite] : [];
}
