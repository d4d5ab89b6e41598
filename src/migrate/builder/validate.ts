import { isOperationNodeSource } from "kysely";
import { SchemaError } from "../../errors.js";
import type { FieldKind, ReferentialAction } from "../../schema/fields.js";
import type { ColumnType } from "./types.js";

/** Throws the SchemaError of one bad argument (before any SQL: blueprints are checked as they are written). */
export function fail(problem: string): never {
  throw new SchemaError([problem]);
}

/** How a value reads in a message. */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (value === null || value === undefined || typeof value !== "object") return String(value);
  if (Array.isArray(value)) return "an array";
  return isOperationNodeSource(value) ? "an SQL expression" : "an object";
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** PostgreSQL truncates longer identifiers (MySQL stops at 64). */
const MAX_IDENTIFIER = 63;

/** A table, column or constraint name: letters, digits and `_`, at most 63 characters. */
export function checkName(what: string, value: unknown): string {
  if (typeof value !== "string" || value === "") fail(`${what} must be a non-empty string, got ${show(value)}`);
  if (!IDENTIFIER.test(value)) {
    fail(`${what} ${show(value)} may hold only letters, digits and _, and may not start with a digit`);
  }
  if (value.length > MAX_IDENTIFIER) {
    fail(`${what} ${show(value)} is longer than ${MAX_IDENTIFIER} characters (PostgreSQL would cut it short)`);
  }
  return value;
}

/** An optional name (undefined: the default one). */
export function checkOptionalName(what: string, value: unknown): string | undefined {
  return value === undefined ? undefined : checkName(what, value);
}

/** One column name or a non-empty list of distinct ones. */
export function checkColumnList(what: string, value: unknown): readonly string[] {
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) {
    fail(`${what} takes a column name or a non-empty list of them, got ${show(value)}`);
  }
  const names = list.map((name, i) => checkName(`${what}: column ${i + 1}`, name));
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) fail(`${what} names column "${repeated}" twice`);
  return names;
}

export const ACTIONS: readonly ReferentialAction[] = ["cascade", "set null", "restrict", "no action"];

/** `"cascade"`, `"CASCADE"`, ... -> relata's spelling. */
export function checkAction(what: string, value: unknown): ReferentialAction {
  const action = typeof value === "string" ? value.toLowerCase() : undefined;
  if (!ACTIONS.includes(action as ReferentialAction)) {
    fail(`${what} must be one of ${ACTIONS.map((a) => `"${a}"`).join(", ")}, got ${show(value)}`);
  }
  return action as ReferentialAction;
}

/** `t.column(name, type)`'s type names and the field kind each is. */
export const COLUMN_TYPES: Readonly<Record<ColumnType, FieldKind>> = {
  id: "id",
  increments: "id",
  uuid: "uuid",
  string: "string",
  text: "text",
  integer: "integer",
  bigint: "bigint",
  bigInteger: "bigint",
  float: "float",
  real: "float",
  double: "float",
  decimal: "decimal",
  boolean: "boolean",
  timestamp: "timestamp",
  date: "date",
  json: "json",
};

export function checkColumnType(what: string, value: unknown): FieldKind {
  if (typeof value !== "string" || !Object.hasOwn(COLUMN_TYPES, value)) {
    fail(`${what}: unknown column type ${show(value)}; valid types: ${Object.keys(COLUMN_TYPES).join(", ")}`);
  }
  return COLUMN_TYPES[value as ColumnType];
}

/** A whole number in [min, max]. */
export function checkInteger(what: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    fail(`${what} must be a whole number from ${min} to ${max}, got ${show(value)}`);
  }
  return value;
}

/** Most characters a varchar holds everywhere (MySQL's utf8mb4 row limit: 65,535 bytes / 4). */
export const MAX_STRING_LENGTH = 16_383;
/** MySQL's DECIMAL limits (PostgreSQL's are wider). */
export const MAX_PRECISION = 65;
export const MAX_SCALE = 30;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DECIMAL = /^-?(\d+)(?:\.(\d+))?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INT32 = 2 ** 31;
const INT64 = 2n ** 63n;

/**
 * Why `value` cannot be the DDL default of a column of this kind (undefined: it can). Values
 * are checked here, before any SQL, so every database gets the same default or none.
 */
export function defaultProblem(
  kind: FieldKind,
  value: unknown,
  config: { readonly length?: number; readonly precision?: number; readonly scale?: number },
): string | undefined {
  switch (kind) {
    case "id":
      return "an auto-increment id takes no default";
    case "text":
    case "json":
      return `a ${kind} column takes no DDL default (MySQL cannot store one); give the field a default in the model instead`;
    case "timestamp":
      return "a timestamp's default is defaultNow() (or SQL: .default(sql`...`)); a fixed instant has no literal every database reads alike";
    case "string":
      if (typeof value !== "string") return `a string column's default must be a string, got ${show(value)}`;
      return [...value].length > (config.length ?? 255)
        ? `the default is longer than the column's ${config.length ?? 255} characters`
        : undefined;
    case "uuid":
      return typeof value === "string" && UUID.test(value)
        ? undefined
        : `the default must be a UUID, got ${show(value)}`;
    case "integer":
      return typeof value === "number" && Number.isInteger(value) && value >= -INT32 && value < INT32
        ? undefined
        : `an integer column's default must be a 32-bit whole number, got ${show(value)}`;
    case "bigint": {
      const ok =
        (typeof value === "bigint" && value >= -INT64 && value < INT64) ||
        (typeof value === "number" && Number.isSafeInteger(value));
      return ok ? undefined : `a bigint column's default must be a bigint or a safe integer, got ${show(value)}`;
    }
    case "float":
      return typeof value === "number" && Number.isFinite(value)
        ? undefined
        : `a float column's default must be a finite number, got ${show(value)}`;
    case "decimal":
      return decimalProblem(value, config.precision ?? 10, config.scale ?? 2);
    case "boolean":
      return typeof value === "boolean"
        ? undefined
        : `a boolean column's default must be true or false, got ${show(value)}`;
    case "date":
      return typeof value === "string" && DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))
        ? undefined
        : `a date column's default must be written "YYYY-MM-DD", got ${show(value)}`;
  }
}

function decimalProblem(value: unknown, precision: number, scale: number): string | undefined {
  const text = typeof value === "number" && Number.isFinite(value) ? String(value) : value;
  const match = typeof text === "string" ? DECIMAL.exec(text) : null;
  if (!match) return `a decimal column's default must be a number or a numeric string, got ${show(value)}`;
  const whole = match[1]!.replace(/^0+(?=\d)/, "");
  const fraction = match[2] ?? "";
  if (fraction.length > scale || whole.length > precision - scale) {
    return `the default ${show(value)} does not fit decimal(${precision}, ${scale})`;
  }
  return undefined;
}
