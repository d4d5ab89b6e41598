import { randomUUID } from "node:crypto";
import { utcTime } from "../dialect/codecs.js";
import type { DialectName, DialectProfile } from "../dialect/profile.js";
import { ValidationError } from "../errors.js";
import type { FieldConfig, FieldKind } from "../schema/fields.js";
import { checkOwnKey } from "./arguments.js";
import type { ModelCodec } from "./model-codec.js";
import { NumberUpdate, updateValue } from "./number-update.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
/** ISO-8601 as Date.parse reads it: a date, then optionally a time (`T` or a space) and a zone. */
const ISO =
  /^([+-]\d{6}|\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)?)?$/;
const NUMERIC = /^-?\d+(\.\d+)?$/;
const DIGITS = /^-?\d+$/;
const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const DATABASES: Record<DialectName, string> = { sqlite: "SQLite", postgres: "PostgreSQL", mysql: "MySQL/MariaDB" };

/** What a field of each kind takes, as an error message says it. */
const EXPECTED: Record<FieldKind, string> = {
  id: "an integer",
  integer: "an integer",
  bigint: "a bigint, a safe integer or a string of digits",
  float: "a finite number",
  decimal: "a number or a numeric string",
  string: "a string",
  text: "a string",
  uuid: "a UUID string",
  boolean: "a boolean",
  timestamp: "a Date or an ISO-8601 string",
  date: 'a "YYYY-MM-DD" string or a Date',
  json: "a JSON value",
};

/**
 * Why `value` does not fit a field, as the "expected ..." part of the message (EXPECTED for
 * the wrong type), or undefined when it fits. `filter`: a value compared with the column
 * rather than stored in it, where a string longer than string(n) or a decimal finer than its
 * scale is still a meaningful operand.
 */
type Check = (value: unknown, config: FieldConfig, profile: DialectProfile, filter: boolean) => string | undefined;

/** Every database stores -0 as 0: a write of it would not read back as written. */
const NEGATIVE_ZERO = "a number other than -0 (databases store it as 0; pass 0)";

/** integer() is 32-bit everywhere, so a schema means the same on every database (SQLite's integer is 64-bit). */
const int32: Check = (v, _config, _profile, filter) =>
  typeof v !== "number" || !Number.isInteger(v)
    ? EXPECTED.integer
    : v < INT32_MIN || v > INT32_MAX
      ? `an integer from ${INT32_MIN} to ${INT32_MAX} (integer() is 32-bit on every database; use bigint() for more)`
      : !filter && Object.is(v, -0)
        ? NEGATIVE_ZERO
        : undefined;

/** id() holds what its column holds: 32-bit on PostgreSQL (serial) and MySQL, SQLite's rowid is 64-bit. */
const idCheck: Check = (v, _config, profile, filter) => {
  if (typeof v !== "number" || !Number.isInteger(v)) return EXPECTED.id;
  const { min, max, maxWritten, zeroGenerates, column } = profile.valueLimits.id;
  if (v < min || v > (filter ? max : maxWritten)) {
    return `an integer from ${min} to ${filter ? max : maxWritten} (id() is ${column})`;
  }
  if (filter || v !== 0) return undefined;
  if (zeroGenerates) return `an id other than 0 (${DATABASES[profile.name]} generates the next id for a written 0)`;
  return Object.is(v, -0) ? NEGATIVE_ZERO : undefined;
};

/** bigint({ mode: "number" }) reads a JS number: a write must stay within 2^53 to read back as written. */
const int64: Check = (v, config, _profile, filter) => {
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) return EXPECTED.bigint;
    return !filter && Object.is(v, -0) ? NEGATIVE_ZERO : undefined;
  }
  if (typeof v === "string") {
    if (!DIGITS.test(v)) return EXPECTED.bigint;
    if (v.length < 16) return undefined;
  } else if (typeof v !== "bigint") return EXPECTED.bigint;
  const n = BigInt(v);
  if (n < INT64_MIN || n > INT64_MAX) {
    return `${EXPECTED.bigint} from ${INT64_MIN} to ${INT64_MAX} (bigint() is signed 64-bit)`;
  }
  const safe = BigInt(Number.MAX_SAFE_INTEGER);
  return filter || config.bigintMode !== "number" || (n >= -safe && n <= safe)
    ? undefined
    : `${EXPECTED.bigint} from -${safe} to ${safe} (a bigint({ mode: "number" }) reads back as a JS number)`;
};

const wellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** A string no database stores as given: a lone UTF-16 surrogate (read back as U+FFFD), NUL where the database rejects it. */
function textProblem(s: string, profile: DialectProfile): string | undefined {
  if (!wellFormed(s)) return "a well-formed string (no lone UTF-16 surrogate: databases read one back as U+FFFD)";
  if (!profile.valueLimits.nul && s.includes("\0")) {
    return `a string without NUL characters ("\\u0000"): ${DATABASES[profile.name]} cannot store them`;
  }
  return undefined;
}

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

const string: Check = (v, config, profile, filter) => {
  if (typeof v !== "string") return EXPECTED.string;
  const problem = textProblem(v, profile);
  if (problem || filter) return problem;
  // varchar(n) counts characters (code points) on PostgreSQL and MySQL; SQLite would keep any length.
  const max = config.length ?? 255;
  return v.length <= max || codePoints(v) <= max
    ? undefined
    : `a string of at most ${max} characters (string(${max}); use text() for longer text)`;
};

const text: Check = (v, _config, profile, filter) => {
  if (typeof v !== "string") return EXPECTED.text;
  const problem = textProblem(v, profile);
  if (problem || filter) return problem;
  const max = profile.valueLimits.textBytes;
  // A UTF-16 code unit is at most 3 bytes of UTF-8: most strings need no count.
  return max === undefined || v.length * 3 <= max || Buffer.byteLength(v) <= max
    ? undefined
    : `a string of at most ${max} bytes in UTF-8 (the most a ${DATABASES[profile.name]} TEXT column holds)`;
};

/** Digits before and after the point of a plain or exponent number text, leading and trailing zeros aside. */
function decimalDigits(text: string): [whole: number, fraction: number] {
  const [mantissa = "", exponent = "0"] = (text[0] === "-" ? text.slice(1) : text).split("e");
  const [whole = "", fraction = ""] = mantissa.split(".");
  const digits = whole + fraction;
  const point = whole.length + Number(exponent);
  let start = 0;
  while (start < digits.length && digits[start] === "0") start++;
  let end = digits.length;
  while (end > start && digits[end - 1] === "0") end--;
  if (start === end) return [0, 0];
  return [Math.max(0, point - start), Math.max(0, end - point)];
}

/** A JS number is taken as its shortest String() form: 0.1 + 0.2 is 0.30000000000000004, too fine for scale 2. */
const decimal: Check = (v, config, profile, filter) => {
  const text =
    typeof v === "number" ? (Number.isFinite(v) ? String(v) : undefined) : typeof v === "string" ? v : undefined;
  if (text === undefined || (typeof v === "string" && !NUMERIC.test(v))) return EXPECTED.decimal;
  if (filter) return undefined;
  const precision = config.precision ?? 10;
  const scale = config.scale ?? 2;
  const [whole, fraction] = decimalDigits(text);
  if (whole > precision - scale || fraction > scale) {
    return `${EXPECTED.decimal} with at most ${precision - scale} digits before the point and ${scale} after (decimal(${precision}, ${scale}))`;
  }
  const exact = profile.valueLimits.decimalDigits;
  return exact === undefined || whole + fraction <= exact
    ? undefined
    : `${EXPECTED.decimal} of at most ${exact} digits (${DATABASES[profile.name]} keeps a decimal as a double, exact to ${exact} digits)`;
};

function dayExists(year: number, month: number, day: number): boolean {
  if (day <= 28) return true;
  if (month === 2) return day === 29 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31);
}

/**
 * Date.parse rolls "2024-02-30" over to March 1st and reads many non-ISO forms: only real ISO
 * dates pass. Without a zone, a string is local time, or UTC for a timestamp without a time zone.
 */
const timestamp: Check = (v, config, profile) => {
  let time: number;
  if (v instanceof Date) time = v.getTime();
  else if (typeof v === "string") {
    const match = ISO.exec(v);
    if (!match) return EXPECTED.timestamp;
    if (!dayExists(Number(match[1]), Number(match[2]), Number(match[3]))) {
      return `${EXPECTED.timestamp} of a day that exists`;
    }
    time = config.withTimezone === false ? utcTime(v) : Date.parse(v);
  } else return EXPECTED.timestamp;
  if (Number.isNaN(time)) return EXPECTED.timestamp;
  const { min, max, range } = profile.valueLimits.timestamp;
  return time >= min && time <= max ? undefined : `${EXPECTED.timestamp} from ${range}`;
};

/** A Date is stored as its UTC day (encodeDate). */
const date: Check = (v, _config, profile) => {
  let day: string;
  if (typeof v === "string") {
    const match = DATE.exec(v);
    if (!match) return EXPECTED.date;
    if (!dayExists(Number(match[1]), Number(match[2]), Number(match[3])))
      return `${EXPECTED.date} of a day that exists`;
    day = v;
  } else if (v instanceof Date && !Number.isNaN(v.getTime())) {
    const iso = v.toISOString();
    // "+010000-01-01T..." or "-000001-...": outside every range below.
    day = iso.length === 24 ? iso.slice(0, 10) : "";
  } else return EXPECTED.date;
  const { min, max, range } = profile.valueLimits.date;
  return day >= min && day <= max ? undefined : `${EXPECTED.date} from ${range}`;
};

/** Where (a path below `$`, built only on failure) and why a json value does not round-trip. */
type JsonProblem = [path: string, why: string];

/**
 * Why `value` would not read back as written after JSON.stringify and JSON.parse, or
 * undefined: only plain objects, arrays, strings, finite numbers, booleans and null do.
 */
function jsonProblem(value: unknown, profile: DialectProfile, depth: number): JsonProblem | undefined {
  switch (typeof value) {
    case "string": {
      const problem = textProblem(value, profile);
      return problem === undefined ? undefined : ["", `${describe(value)}, not ${problem}`];
    }
    case "number":
      return Number.isFinite(value) ? undefined : ["", `${value}, which JSON writes as null`];
    case "boolean":
      return undefined;
    case "bigint":
      return ["", `${value}n (bigint), which JSON cannot write; store it as a string`];
    case "object":
      break;
    default:
      return ["", `${describe(value)}, which JSON drops (or writes as null in an array)`];
  }
  if (value === null) return undefined;
  if (depth >= profile.valueLimits.jsonDepth) {
    return ["", `more than ${profile.valueLimits.jsonDepth} levels of nesting (or a cycle)`];
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const problem =
        item === undefined && !(i in value)
          ? (["", "an empty slot, which JSON writes as null"] as JsonProblem)
          : jsonProblem(item, profile, depth + 1);
      if (problem) {
        problem[0] = `[${i}]${problem[0]}`;
        return problem;
      }
    }
    return undefined;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    return ["", `${describe(value)}, not a plain object (a Date becomes a string, a Map {})`];
  }
  for (const key of Object.keys(value)) {
    const keyProblem = textProblem(key, profile);
    if (keyProblem) return ["", `the key ${describe(key)}, not ${keyProblem}`];
    const problem = jsonProblem((value as Record<string, unknown>)[key], profile, depth + 1);
    if (problem) {
      problem[0] = `.${key}${problem[0]}`;
      return problem;
    }
  }
  return undefined;
}

const json: Check = (v, _config, profile) => {
  const problem = jsonProblem(v, profile, 0);
  return (
    problem &&
    `a JSON value that reads back as written (plain objects and arrays, strings, finite numbers, booleans, null); at $${problem[0]}: ${problem[1]}`
  );
};

const checks: Record<FieldKind, Check> = {
  id: idCheck,
  integer: int32,
  bigint: int64,
  float: (v, _config, _profile, filter) =>
    typeof v !== "number" || !Number.isFinite(v)
      ? EXPECTED.float
      : !filter && Object.is(v, -0)
        ? NEGATIVE_ZERO
        : undefined,
  decimal,
  string,
  text,
  uuid: (v) => (typeof v === "string" && UUID.test(v) ? undefined : EXPECTED.uuid),
  boolean: (v) => (typeof v === "boolean" ? undefined : EXPECTED.boolean),
  timestamp,
  date,
  json,
};

/** A value as an error message shows it: what it is, not what it should have been. */
function describe(value: unknown): string {
  switch (typeof value) {
    case "string":
      return value.length > 40
        ? `${JSON.stringify(`${value.slice(0, 40)}…`)} (string of ${codePoints(value)} characters)`
        : `${JSON.stringify(value)} (string)`;
    case "bigint":
      return `${value}n (bigint)`;
    case "number":
      return `${Object.is(value, -0) ? "-0" : value} (number)`;
    case "boolean":
      return `${value} (boolean)`;
    case "undefined":
      return "undefined";
    case "function":
      return "a function";
    case "symbol":
      return `${String(value)} (symbol)`;
  }
  if (value === null) return "null";
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "an invalid Date" : `${value.toISOString()} (Date)`;
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) {
    return `a ${proto?.constructor?.name ?? "object"} (object)`;
  }
  let shown: string | undefined;
  try {
    shown = JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? `${v}n` : v));
  } catch {
    // A cycle.
  }
  const kind = Array.isArray(value) ? "array" : "object";
  if (shown === undefined) return `an ${kind}`;
  return `${shown.length > 60 ? `${shown.slice(0, 60)}…` : shown} (${kind})`;
}

/** Throws a ValidationError unless `value` fits `field` of the codec's model on the codec's database. */
export function checkValue(codec: ModelCodec, field: string, value: unknown): void {
  const config = codec.field(field, "write").config;
  if (value === null) {
    if (config.nullable) return;
    throw new ValidationError(
      `Field "${codec.meta.name}.${field}" is not nullable; expected ${EXPECTED[config.kind]}, got null.`,
      codec.meta.name,
      field,
    );
  }
  const problem = checks[config.kind](value, config, codec.profile, false);
  if (problem !== undefined) {
    const orNull = config.nullable && problem === EXPECTED[config.kind] ? " or null" : "";
    throw new ValidationError(
      `Invalid value for "${codec.meta.name}.${field}": expected ${problem}${orNull}, got ${describe(value)}.`,
      codec.meta.name,
      field,
    );
  }
}

/**
 * Throws a ValidationError unless `value` can be compared with `field`: the types and ranges a
 * write accepts (an integer field compares with integers only, as PostgreSQL requires), but
 * not string(n)'s length or decimal's precision, which only bound what is stored.
 */
export function checkFilterValue(codec: ModelCodec, field: string, value: unknown): void {
  const config = codec.field(field, "filter by").config;
  if (value === null) {
    throw new ValidationError(
      `Cannot compare "${codec.meta.name}.${field}" with null using this operator; use whereNull / whereNotNull.`,
      codec.meta.name,
      field,
    );
  }
  const problem = checks[config.kind](value, config, codec.profile, true);
  if (problem !== undefined) {
    throw new ValidationError(
      `Invalid value to compare with "${codec.meta.name}.${field}": expected ${problem}, got ${describe(value)}.`,
      codec.meta.name,
      field,
    );
  }
}

/**
 * Throws a ValidationError unless `text` (a LIKE pattern) is a string every database stores
 * as given: well-formed, and without NUL where the database rejects it.
 */
export function checkPatternText(codec: ModelCodec, field: string, text: string): void {
  const problem = textProblem(text, codec.profile);
  if (problem !== undefined) {
    throw new ValidationError(
      `Invalid pattern to compare with "${codec.meta.name}.${field}": expected ${problem}, got ${describe(text)}.`,
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
  for (const field of Object.keys(input)) {
    checkOwnKey(codec.meta.name, field);
    const value = input[field];
    if (value !== undefined) checkValue(codec, field, value);
  }
  // Keys in the model's field order, so rows of a batch line up column for column. Only the
  // input's own values: an inherited one was never checked.
  const row: Record<string, unknown> = {};
  const missing: string[] = [];
  const stamps = codec.meta.timestamps;
  const now = stamps ? new Date() : undefined;
  for (const field of codec.meta.fields.values()) {
    const given = Object.hasOwn(input, field.name) ? input[field.name] : undefined;
    const value =
      given !== undefined
        ? given
        : stamps && (field.name === stamps.createdAt || field.name === stamps.updatedAt)
          ? now
          : defaultValue(field.config);
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
  const checkField = (field: string, value: unknown) => checkValue(codec, field, value);
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new ValidationError(`update on "${codec.meta.name}" needs an object of field values.`, codec.meta.name);
  }
  for (const [field, value] of Object.entries(input)) {
    checkOwnKey(codec.meta.name, field);
    if (value === undefined) continue;
    // `{ set: v }` and atomic number updates (`{ increment: 1 }`), as Prisma's update data takes them.
    row[field] = value instanceof NumberUpdate ? value : updateValue(codec, field, value, checkField);
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
  for (const field of Object.keys(row)) {
    const value = row[field];
    out[codec.field(field).column] = value instanceof NumberUpdate ? value.toSql(codec) : codec.encode(field, value);
  }
  return out;
}
