import type { FieldConfig } from "../schema/fields.js";
import type { Decode, Encode } from "./profile.js";

/**
 * Value conversions shared by every dialect. Decoders accept every shape a driver may
 * hand back for the kind (so a user-supplied Kysely dialect with default driver settings
 * still reads right); each dialect picks the ones its driver needs.
 */

const isNil = (v: unknown): v is null | undefined => v === null || v === undefined;

const pad = (n: number) => String(n).padStart(2, "0");

export const decodeBoolean: Decode = (v) =>
  isNil(v) || typeof v === "boolean" ? v : v === 1 || v === "1" || v === 1n || v === "t" || v === "true";

const ZONED = /(?:Z|[+-]\d\d(?::?\d\d)?)$/;

/** The two decimal digits at `i` as a number; NaN if either is not a digit. */
function twoDigits(text: string, i: number): number {
  const a = text.charCodeAt(i) - 48;
  const b = text.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : Number.NaN;
}

/**
 * Milliseconds since the epoch of the timestamps drivers and relata write, read by hand (about
 * 3x less time than a pattern test and Date.parse): `YYYY-MM-DD`, `T` or a space, `HH:MM:SS`,
 * an optional fraction of 1-6 digits (cut to milliseconds, as Date.parse does), then `Z`, `±HH`
 * or `±HH:MM`, or no zone when `naiveUtc` (UTC then). NaN for any other text, or a field out of
 * its range, or a year before 100 (Date.UTC reads 0-99 as 1900-1999): the caller parses those
 * its own way.
 */
export function timestampTime(text: string, naiveUtc: boolean): number {
  const n = text.length;
  const at = text.charCodeAt(10);
  if (n < 19 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || (at !== 84 && at !== 32)) return Number.NaN;
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return Number.NaN;
  const year = twoDigits(text, 0) * 100 + twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  if (
    !(year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 59)
  ) {
    return Number.NaN;
  }
  let i = 19;
  let ms = 0;
  if (text.charCodeAt(i) === 46) {
    let digits = 0;
    for (i++; i < n; i++, digits++) {
      const c = text.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      if (digits < 3) ms = ms * 10 + c;
    }
    if (digits === 0 || digits > 6) return Number.NaN;
    if (digits === 1) ms *= 100;
    else if (digits === 2) ms *= 10;
  }
  // The zone: `Z` (or none, when naiveUtc) is UTC; `±HH` or `±HH:MM` an offset.
  let offset = 0;
  const sign = text.charCodeAt(i);
  if (sign === 43 || sign === 45) {
    const hours = twoDigits(text, i + 1);
    const minutes =
      n === i + 3 ? 0 : n === i + 6 && text.charCodeAt(i + 3) === 58 ? twoDigits(text, i + 4) : Number.NaN;
    offset = (sign === 43 ? 1 : -1) * (hours * 60 + minutes) * 60_000;
  } else if (!((sign === 90 && n === i + 1) || (naiveUtc && n === i))) return Number.NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset;
}

/** The last text decodeTimestamp parsed: rows read together often share a time (a parent's pivot rows). */
let lastRead = "";
let lastReadTime = Number.NaN;

/**
 * Strings without a zone designator are UTC (SQLite `CURRENT_TIMESTAMP`, MySQL DATETIME, a
 * PostgreSQL `timestamp` read as text or inside JSON), with a `T` or a space before the time.
 */
export const decodeTimestamp: Decode = (v) => {
  if (isNil(v) || v instanceof Date) return v;
  if (typeof v === "number") return new Date(v);
  const text = typeof v === "string" ? v : String(v);
  if (text !== lastRead) {
    let time = timestampTime(text, true);
    if (Number.isNaN(time)) {
      // toISOString's text (how relata writes SQLite timestamps) ends in Z: no pattern test.
      const zoned = text.charCodeAt(text.length - 1) === 90 || ZONED.test(text);
      time = Date.parse(zoned ? text : `${text.replace(" ", "T")}Z`);
    }
    lastReadTime = time;
    lastRead = text;
  }
  return new Date(lastReadTime);
};

/**
 * Milliseconds since the epoch of an ISO-8601 string, where a date and time without a zone
 * is a UTC wall-clock time (Date.parse would read it as local time). NaN if it is no date.
 */
export function utcTime(text: string): number {
  const iso = text.replace(" ", "T");
  return Date.parse(iso.length > 10 && !ZONED.test(iso) ? `${iso}Z` : iso);
}

/** Drivers that parse DATE give local midnight; read it back in local time. */
export const decodeDate: Decode = (v) => {
  if (isNil(v)) return v;
  if (v instanceof Date) return `${v.getFullYear()}-${pad(v.getMonth() + 1)}-${pad(v.getDate())}`;
  return String(v).slice(0, 10);
};

export const decodeJsonText: Decode = (v) => (typeof v === "string" ? JSON.parse(v) : v);

/** `"12.5"` -> `"12.50"` at scale 2, exactly (no float arithmetic on the digits). */
function atScale(text: string, scale: number): string {
  if (!/^-?\d+(\.\d+)?$/.test(text)) return text;
  const [whole, fraction = ""] = text.split(".");
  if (scale === 0) return whole!;
  return `${whole}.${fraction.padEnd(scale, "0").slice(0, Math.max(scale, fraction.length))}`;
}

/**
 * Decimals read as strings with the column's scale on every dialect: SQLite hands numeric
 * columns back as numbers, and JSON renders `12.50` as `12.5`.
 */
export const decoderForDecimal =
  (config: FieldConfig): Decode =>
  (v) =>
    isNil(v) ? v : atScale(typeof v === "number" ? v.toFixed(config.scale ?? 2) : String(v), config.scale ?? 2);

export const decoderForBigint = (config: FieldConfig): Decode =>
  config.bigintMode === "number"
    ? (v) => (isNil(v) || typeof v === "number" ? v : Number(v))
    : (v) => (isNil(v) || typeof v === "bigint" ? v : BigInt(v as string | number));

/** Numbers as drivers return them for integer columns on PostgreSQL bigint ids, counts etc. */
export const decodeNumber: Decode = (v) => (isNil(v) || typeof v === "number" ? v : Number(v));

export const encodeJson: Encode = (v) => (isNil(v) ? v : JSON.stringify(v));

export const encodeBooleanAsInteger: Encode = (v) => (typeof v === "boolean" ? (v ? 1 : 0) : v);

/** The last time isoText wrote: rows of one write often share a time (a row's timestamps, its pivot rows'). */
let lastTime = Number.NaN;
let lastText = "";

/** `date.toISOString()`, remembering the last time written. */
function isoText(date: Date): string {
  const time = date.getTime();
  if (time !== lastTime) {
    lastText = date.toISOString();
    lastTime = time;
  }
  return lastText;
}

export const encodeTimestampAsText: Encode = (v) =>
  v instanceof Date ? isoText(v) : typeof v === "string" || typeof v === "number" ? new Date(v).toISOString() : v;

/**
 * A timestamp without a time zone (`timestamp({ withTimezone: false })`) as the UTC wall-clock
 * text every dialect's column reads: `YYYY-MM-DD HH:MM:SS`, with `.sss` only when the
 * milliseconds are not zero, which is how SQLite's `CURRENT_TIMESTAMP` and most tools write
 * whole seconds (SQLite compares the column as text, so a bound value must have the stored
 * form). Bound as text, not a Date, so no driver applies the process time zone (pg sends a
 * Date as local time with an offset, which a `timestamp` column drops).
 */
export const encodeNaiveTimestamp: Encode = (v) => {
  const time = v instanceof Date ? v.getTime() : typeof v === "string" ? utcTime(v) : typeof v === "number" ? v : NaN;
  if (Number.isNaN(time)) return v;
  const iso = new Date(time).toISOString();
  const ms = iso.slice(19, 23);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${ms === ".000" ? "" : ms}`;
};

/** ISO strings and epoch numbers become Dates, which pg and mysql2 bind in UTC. */
export const encodeTimestampAsDate: Encode = (v) => (typeof v === "string" || typeof v === "number" ? new Date(v) : v);

export const encodeDate: Encode = (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v);

export const encodeDecimal: Encode = (v) => (typeof v === "number" || typeof v === "bigint" ? String(v) : v);

export const encodeBigintAsText: Encode = (v) => (typeof v === "bigint" ? v.toString() : v);

/**
 * Encoded values as one JSON array text, for a list bound as a single parameter: bigints as
 * exact JSON integers, Dates as `YYYY-MM-DD HH:MM:SS.mmm` UTC (what MySQL's DATETIME parses).
 */
export function jsonList(values: readonly unknown[]): string {
  const items: string[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    items[i] =
      typeof v === "bigint"
        ? v.toString()
        : v instanceof Date
          ? `"${v.toISOString().slice(0, 23).replace("T", " ")}"`
          : JSON.stringify(v);
  }
  return `[${items.join(",")}]`;
}

/**
 * Decoders for values that came through JSON (the join strategy). The dialects' JSON reads
 * (`jsonReadExpression`) hand bigints, decimals and json as text, so one set serves all.
 */
export function jsonDecoder(config: FieldConfig): Decode | undefined {
  switch (config.kind) {
    case "boolean":
      return decodeBoolean;
    case "timestamp":
      return decodeTimestamp;
    case "date":
      return decodeDate;
    case "json":
      return decodeJsonText;
    case "bigint":
      return decoderForBigint(config);
    case "decimal":
      return decoderForDecimal(config);
    default:
      return undefined;
  }
}
