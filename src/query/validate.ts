import { randomUUID } from "node:crypto";
import { ValidationError } from "../errors.js";
import type { FieldConfig, FieldKind } from "../schema/fields.js";
import type { ModelCodec } from "./model-codec.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const NUMERIC = /^-?\d+(\.\d+)?$/;

const checks: Record<FieldKind, [string, (v: unknown) => boolean]> = {
  id: ["an integer", (v) => Number.isSafeInteger(v)],
  integer: ["an integer", (v) => Number.isSafeInteger(v)],
  bigint: [
    "a bigint, an integer or a string of digits",
    (v) => typeof v === "bigint" || Number.isSafeInteger(v) || (typeof v === "string" && /^-?\d+$/.test(v)),
  ],
  float: ["a finite number", (v) => typeof v === "number" && Number.isFinite(v)],
  decimal: [
    "a number or a numeric string",
    (v) => (typeof v === "number" && Number.isFinite(v)) || (typeof v === "string" && NUMERIC.test(v)),
  ],
  string: ["a string", (v) => typeof v === "string"],
  text: ["a string", (v) => typeof v === "string"],
  uuid: ["a UUID string", (v) => typeof v === "string" && UUID.test(v)],
  boolean: ["a boolean", (v) => typeof v === "boolean"],
  timestamp: [
    "a Date or an ISO-8601 string",
    (v) => (v instanceof Date && !Number.isNaN(v.getTime())) || (typeof v === "string" && !Number.isNaN(Date.parse(v))),
  ],
  date: [
    'a "YYYY-MM-DD" string or a Date',
    (v) => (typeof v === "string" && DATE.test(v)) || (v instanceof Date && !Number.isNaN(v.getTime())),
  ],
  json: ["a JSON value", (v) => v !== undefined && typeof v !== "function" && typeof v !== "symbol"],
};

function describe(value: unknown): string {
  if (typeof value === "string")
    return `${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)} (string)`;
  if (value instanceof Date) return "an invalid Date";
  if (typeof value === "bigint") return `${value}n (bigint)`;
  return `${typeof value === "object" ? JSON.stringify(value) : String(value)} (${value === null ? "null" : typeof value})`;
}

/** Throws a ValidationError unless `value` fits `field` of the codec's model. */
export function checkValue(codec: ModelCodec, field: string, value: unknown): void {
  const config = codec.field(field, "write").config;
  if (value === null) {
    if (config.nullable) return;
    throw new ValidationError(
      `Field "${codec.meta.name}.${field}" is not nullable; expected ${checks[config.kind][0]}, got null.`,
      codec.meta.name,
      field,
    );
  }
  const [expected, ok] = checks[config.kind];
  if (!ok(value)) {
    throw new ValidationError(
      `Invalid value for "${codec.meta.name}.${field}": expected ${expected}${config.nullable ? " or null" : ""}, got ${describe(value)}.`,
      codec.meta.name,
      field,
    );
  }
}

/**
 * Throws a ValidationError unless `value` can be compared with `field`: the same types a
 * write accepts (an integer field compares with integers only, as PostgreSQL requires).
 */
export function checkFilterValue(codec: ModelCodec, field: string, value: unknown): void {
  const { kind } = codec.field(field, "filter by").config;
  if (value === null) {
    throw new ValidationError(
      `Cannot compare "${codec.meta.name}.${field}" with null using this operator; use whereNull / whereNotNull.`,
      codec.meta.name,
      field,
    );
  }
  const [expected, ok] = checks[kind];
  if (!ok(value)) {
    throw new ValidationError(
      `Invalid value to compare with "${codec.meta.name}.${field}": expected ${expected}, got ${describe(value)}.`,
      codec.meta.name,
      field,
    );
  }
}

/** The value create uses for an omitted field, or undefined when the database generates it. */
export function defaultValue(config: FieldConfig): unknown {
  const d = config.default;
  if (d?.kind === "value") return typeof d.value === "object" && d.value !== null ? structuredClone(d.value) : d.value;
  if (d?.kind === "now") return config.kind === "date" ? new Date().toISOString().slice(0, 10) : new Date();
  if (d?.kind === "uuid") return randomUUID();
  if (config.nullable) return null;
  return undefined;
}

/**
 * Validates one row for insert: unknown fields, missing required fields, value types.
 * Fills defaults so every row of a batch has the same columns (generated keys excepted).
 */
export function prepareInsert(
  codec: ModelCodec,
  input: Record<string, unknown>,
  /** Fields a relation fills in later (a nested write's foreign keys): not reported missing. */
  later?: ReadonlySet<string>,
): Record<string, unknown> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new ValidationError(`create on "${codec.meta.name}" needs an object of field values.`, codec.meta.name);
  }
  for (const [field, value] of Object.entries(input)) {
    if (value !== undefined) checkValue(codec, field, value);
  }
  // Keys in the model's field order, so rows of a batch line up column for column.
  const row: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const field of codec.meta.fields.values()) {
    const value = input[field.name] !== undefined ? input[field.name] : defaultValue(field.config);
    if (value !== undefined) row[field.name] = value;
    else if (!field.config.autoIncrement && !later?.has(field.name)) missing.push(field.name);
  }
  if (missing.length > 0) {
    throw new ValidationError(
      `Missing required field${missing.length === 1 ? "" : "s"} for "${codec.meta.name}": ${missing.join(", ")}.`,
      codec.meta.name,
      missing[0],
    );
  }
  return row;
}

/** Validates the values of an update. */
export function prepareUpdate(codec: ModelCodec, input: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(input ?? {})) {
    if (value === undefined) continue;
    checkValue(codec, field, value);
    row[field] = value;
  }
  if (Object.keys(row).length === 0) {
    throw new ValidationError(
      `update on "${codec.meta.name}" needs at least one field. Valid fields: ${codec.meta.fieldNames.join(", ")}.`,
      codec.meta.name,
    );
  }
  return row;
}

/** Field values -> column values, encoded for the driver. */
export function toColumns(codec: ModelCodec, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field in row) out[codec.field(field).column] = codec.encode(field, row[field]);
  return out;
}
