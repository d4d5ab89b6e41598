import type { DialectName, FieldConfig } from "../../src/index.js";

/**
 * What a value written to a field must read back as, and what a filter must match: the
 * oracles of the hostile-input suite. Each returns a reason when the database's answer is
 * wrong, `undefined` when it is right; filter oracles return `undefined` for "cannot tell"
 * (string ordering and collations), and the caller then checks only the contract.
 */

/** A short, exact rendering of any value for failure messages. */
export function show(value: unknown, depth = 0): string {
  if (typeof value === "string") {
    const cut = value.length > 60 ? `${value.slice(0, 60)}…(${value.length} chars)` : value;
    return JSON.stringify(cut).replace(/[\uD800-\uDFFF]/gu, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  }
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "symbol" || typeof value === "function") return `[${typeof value}]`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : `Date(${value.toISOString()})`;
  if (value === null || value === undefined) return String(value);
  if (depth > 3) return "…";
  if (Array.isArray(value)) {
    const items =
      value.length > 8
        ? [...value.slice(0, 8).map((v) => show(v, depth + 1)), "…"]
        : value.map((v) => show(v, depth + 1));
    return `[${items.join(", ")}]`;
  }
  const proto = Object.getPrototypeOf(value);
  const name = proto === null || proto === Object.prototype ? "" : `${proto.constructor?.name ?? "?"} `;
  const keys = Object.keys(value);
  const body = keys
    .slice(0, 8)
    .map((k) => `${JSON.stringify(k)}: ${show((value as Record<string, unknown>)[k], depth + 1)}`);
  return `${name}{${body.join(", ")}${keys.length > 8 ? ", …" : ""}}`;
}

// ---------------------------------------------------------------------------------------------
// exact numbers

/** An exact decimal: `digits / 10^scale`. */
interface Exact {
  readonly digits: bigint;
  readonly scale: number;
}

/** A number or numeric string (exponents allowed) as an exact decimal; undefined when it is none. */
export function exact(value: unknown): Exact | undefined {
  if (typeof value === "bigint") return { digits: value, scale: 0 };
  if (typeof value === "number" && !Number.isFinite(value)) return undefined;
  if (typeof value !== "number" && typeof value !== "string") return undefined;
  const m = /^([+-])?(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(String(value));
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) return undefined;
  const fraction = m[3] ?? "";
  let digits = BigInt(`${m[2] || "0"}${fraction}`);
  let scale = fraction.length - Number(m[4] ?? 0);
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { digits: m[1] === "-" ? -digits : digits, scale };
}

function compareExact(a: Exact, b: Exact): number {
  const scale = Math.max(a.scale, b.scale);
  const x = a.digits * 10n ** BigInt(scale - a.scale);
  const y = b.digits * 10n ** BigInt(scale - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** An integral value (number, bigint or string of digits) as a bigint. */
export function integral(value: unknown): bigint | undefined {
  if (typeof value === "bigint") return value;
  if (typeof value === "number") return Number.isInteger(value) ? BigInt(value) : undefined;
  if (typeof value === "string" && /^-?\d+$/.test(value)) return BigInt(value);
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// dates

const ISO =
  /^([+-]\d{6}|\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

const leap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const daysIn = (year: number, month: number) =>
  [31, leap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;

function utc(year: number, month: number, day: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(h, mi, s, ms);
  return d.getTime();
}

/**
 * The instants a timestamp string denotes when it is a valid ISO-8601 / RFC 3339 date or
 * date-time (calendar checked: no Feb 30, no hour 25); a zone-less date-time may be read as
 * UTC or as local time, so it denotes two. Undefined for anything else.
 */
export function isoInstants(text: string): number[] | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (m[4] === undefined) return [utc(year, month, day)];
  const [h, mi, s] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  const ms = Number((m[7] ?? ".0").slice(1, 4).padEnd(3, "0"));
  if (h > 24 || mi > 59 || s > 59 || (h === 24 && (mi > 0 || s > 0 || ms > 0))) return undefined;
  const wall = utc(year, month, day, h, mi, s, ms);
  const zone = m[8];
  if (zone === undefined) {
    const local = new Date(year, month - 1, day, h, mi, s, ms);
    local.setFullYear(year);
    return [wall, local.getTime()];
  }
  if (zone === "Z") return [wall];
  const zm = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
  const [zh, zmin] = [Number(zm[2]), Number(zm[3] ?? 0)];
  if (zh > 23 || zmin > 59) return undefined;
  return [wall - (zm[1] === "-" ? -1 : 1) * (zh * 60 + zmin) * 60_000];
}

/** A Date's UTC calendar day as "YYYY-MM-DD", or undefined outside years 0-9999. */
export function utcDay(date: Date): string | undefined {
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) return undefined;
  return date.toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// round trips

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === null || proto === Object.prototype;
};

/**
 * Whether `read` is `written` after a trip through a JSON column. Object keys whose value is
 * `undefined` may vanish and -0 may come back as 0 (JSON has neither); anything JSON cannot
 * hold (bigint, NaN, Infinity, Date, Map, typed arrays, holes, functions) cannot round-trip.
 */
export function jsonMismatch(written: unknown, read: unknown, path = "$"): string | undefined {
  if (written === null || typeof written === "string" || typeof written === "boolean") {
    return written === read ? undefined : `${path}: wrote ${show(written)}, read ${show(read)}`;
  }
  if (typeof written === "number") {
    const ok = Number.isFinite(written) && typeof read === "number" && (read === written || Object.is(read, written));
    return ok ? undefined : `${path}: wrote ${show(written)}, read ${show(read)}`;
  }
  if (Array.isArray(written)) {
    if (!Array.isArray(read) || read.length !== written.length)
      return `${path}: wrote ${show(written)}, read ${show(read)}`;
    for (let i = 0; i < written.length; i++) {
      if (!(i in written)) return `${path}[${i}]: a hole was written, read ${show(read[i])}`;
      const inner = jsonMismatch(written[i], read[i], `${path}[${i}]`);
      if (inner) return inner;
    }
    return undefined;
  }
  if (isPlainObject(written)) {
    if (!isPlainObject(read)) return `${path}: wrote ${show(written)}, read ${show(read)}`;
    const keys = Object.keys(written).filter((k) => written[k] !== undefined);
    const got = Object.keys(read);
    if (keys.length !== got.length || keys.some((k) => !Object.hasOwn(read, k))) {
      return `${path}: wrote keys ${show(keys)}, read keys ${show(got)}`;
    }
    for (const key of keys) {
      const inner = jsonMismatch(written[key], read[key], `${path}.${key}`);
      if (inner) return inner;
    }
    return undefined;
  }
  return `${path}: ${show(written)} cannot be stored in JSON exactly, yet it was accepted (read ${show(read)})`;
}

/**
 * Why `read` is not exactly what was `written` to a field of `config`, or undefined when it is.
 * Timestamps compare by instant (strings must be valid ISO-8601), dates as "YYYY-MM-DD", bigints
 * and decimals exactly, floats with Object.is (so -0 stays -0), UUIDs without regard to case.
 */
export function valueMismatch(config: FieldConfig, written: unknown, read: unknown): string | undefined {
  const bad = (why = "") => `wrote ${show(written)}, read ${show(read)}${why ? ` (${why})` : ""}`;
  if (written === null) return read === null ? undefined : bad();
  switch (config.kind) {
    case "string":
    case "text":
      return read === written ? undefined : bad();
    case "uuid":
      return typeof read === "string" && typeof written === "string" && read.toLowerCase() === written.toLowerCase()
        ? undefined
        : bad();
    case "id":
    case "integer":
      return typeof read === "number" && read === written ? undefined : bad();
    case "bigint": {
      const want = integral(written);
      if (want === undefined) return bad("not an integer, yet accepted");
      if (config.bigintMode === "number") {
        return typeof read === "number" && Number.isInteger(read) && BigInt(read) === want ? undefined : bad();
      }
      return typeof read === "bigint" && read === want ? undefined : bad();
    }
    case "float":
      return typeof read === "number" && Object.is(read, written) ? undefined : bad();
    case "decimal": {
      const want = exact(written);
      if (want === undefined) return bad("not a number, yet accepted");
      const scale = config.scale ?? 2;
      const shape = new RegExp(`^-?\\d+${scale > 0 ? `\\.\\d{${scale}}` : ""}$`);
      if (typeof read !== "string" || !shape.test(read)) return bad(`not a string with ${scale} places`);
      return compareExact(exact(read)!, want) === 0 ? undefined : bad();
    }
    case "boolean":
      return read === written ? undefined : bad();
    case "timestamp": {
      if (!(read instanceof Date)) return bad("not a Date");
      if (written instanceof Date) {
        if (Number.isNaN(written.getTime())) return bad("an invalid Date was accepted");
        return read.getTime() === written.getTime() ? undefined : bad();
      }
      if (typeof written !== "string") return bad("not a Date or string, yet accepted");
      const instants = isoInstants(written);
      if (!instants) return bad("not a valid ISO-8601 date-time, yet accepted");
      return instants.includes(read.getTime()) ? undefined : bad();
    }
    case "date": {
      const want = written instanceof Date ? utcDay(written) : written;
      if (typeof want !== "string") return bad("no calendar day, yet accepted");
      return read === want ? undefined : bad();
    }
    case "json":
      return jsonMismatch(written, read);
  }
}

// ---------------------------------------------------------------------------------------------
// filters: SQL's three-valued logic over rows read back

export type Truth = boolean | null;

/** -1/0/1, `"ne"` (unequal, order unknown), or undefined (cannot tell on this dialect). */
type Order = -1 | 0 | 1 | "ne" | undefined;

function order(config: FieldConfig, dialect: DialectName, x: unknown, v: unknown): Order {
  const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0) as -1 | 0 | 1;
  switch (config.kind) {
    case "id":
    case "integer":
    case "bigint": {
      const [a, b] = [integral(x), integral(v)];
      return a === undefined || b === undefined ? undefined : a < b ? -1 : a > b ? 1 : 0;
    }
    case "float":
      return typeof x === "number" && typeof v === "number" ? sign(x - v) : undefined;
    case "decimal": {
      const [a, b] = [exact(x), exact(v)];
      return a && b ? (compareExact(a, b) as -1 | 0 | 1) : undefined;
    }
    case "boolean":
      return typeof x === "boolean" && typeof v === "boolean" ? sign(Number(x) - Number(v)) : undefined;
    case "timestamp": {
      const b = v instanceof Date ? v.getTime() : typeof v === "string" ? new Date(v).getTime() : Number.NaN;
      return x instanceof Date && !Number.isNaN(b) ? sign(x.getTime() - b) : undefined;
    }
    case "date": {
      const b = v instanceof Date ? utcDay(v) : v;
      const day = /^\d{4}-\d{2}-\d{2}$/;
      if (typeof x !== "string" || typeof b !== "string" || !day.test(x) || !day.test(b)) return undefined;
      return x < b ? -1 : x > b ? 1 : 0;
    }
    case "string":
    case "text":
      // Equality is exact on SQLite (BINARY) and PostgreSQL (deterministic collations); MySQL's _ci collations are not.
      if (dialect === "mysql" || typeof x !== "string" || typeof v !== "string") return undefined;
      return x === v ? 0 : "ne";
    case "uuid":
      if (dialect === "mysql" || typeof x !== "string" || typeof v !== "string") return undefined;
      if (dialect === "postgres") return x.toLowerCase() === v.toLowerCase() ? 0 : "ne";
      return x === v ? 0 : "ne";
    case "json":
      return undefined;
  }
}

const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/**
 * Whether `text` matches the LIKE `pattern` as the dialect's own LIKE does (SQLite: no escape
 * character, ASCII case-insensitive; PostgreSQL: backslash escapes, case-sensitive); undefined
 * on MySQL (collation-dependent) and for patterns the database rejects.
 */
export function likeMatch(
  dialect: DialectName,
  text: string,
  pattern: string,
  escapeWith?: string,
): boolean | undefined {
  if (dialect === "mysql") return undefined;
  const esc = escapeWith ?? (dialect === "postgres" ? "\\" : undefined);
  const ci = dialect === "sqlite";
  let source = "";
  const chars = [...(ci ? asciiLower(pattern) : pattern)];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (esc !== undefined && c === esc) {
      const next = chars[++i];
      if (next === undefined) return undefined;
      source += next.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    } else if (c === "%") source += "[^]*";
    else if (c === "_") source += "[^]";
    else source += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "u").test(ci ? asciiLower(text) : text);
}

const not = (t: Truth): Truth => (t === null ? null : !t);
export const and = (parts: Truth[]): Truth => (parts.includes(false) ? false : parts.includes(null) ? null : true);
export const or = (parts: Truth[]): Truth => (parts.includes(true) ? true : parts.includes(null) ? null : false);

/** Thrown inside an evaluation that cannot be decided on this dialect. */
export class Unknowable extends Error {}

/** SQL truth of `x <op> v` for one row value `x` (the fluent operators and the object API's filters). */
export function compareTruth(config: FieldConfig, dialect: DialectName, op: string, x: unknown, v: unknown): Truth {
  switch (op) {
    case "in":
    case "not in": {
      const list = v as unknown[];
      if (list.length === 0) return op === "not in";
      if (x === null) return null;
      const hit = or(list.map((item) => compareTruth(config, dialect, "=", x, item)));
      return op === "in" ? hit : not(hit);
    }
    case "like":
    case "not like":
    case "contains":
    case "startsWith":
    case "endsWith": {
      if (x === null) return null;
      if ((config.kind !== "string" && config.kind !== "text") || typeof x !== "string" || typeof v !== "string") {
        throw new Unknowable();
      }
      const literal = v.replace(/[!%_]/g, (c) => `!${c}`);
      const [pattern, escapeChar] =
        op === "contains"
          ? [`%${literal}%`, "!"]
          : op === "startsWith"
            ? [`${literal}%`, "!"]
            : op === "endsWith"
              ? [`%${literal}`, "!"]
              : [v, undefined];
      const hit = likeMatch(dialect, x, pattern, escapeChar);
      if (hit === undefined) throw new Unknowable();
      return op === "not like" ? !hit : hit;
    }
  }
  if (x === null) return null;
  const o = order(config, dialect, x, v);
  if (o === undefined || (o === "ne" && !["=", "!=", "<>"].includes(op))) throw new Unknowable();
  switch (op) {
    case "=":
      return o === 0;
    case "!=":
    case "<>":
      return o !== 0;
    case "<":
      return o === -1;
    case "<=":
      return o === -1 || o === 0;
    case ">":
      return o === 1;
    case ">=":
      return o === 1 || o === 0;
  }
  throw new Unknowable();
}

// ---------------------------------------------------------------------------------------------
// grouping failures by cause

/** What is odd about a value, coarsely: failures of one cause share it (and their category). */
export function classOf(value: unknown, depth = 0): string {
  if (value === null || value === undefined) return String(value);
  switch (typeof value) {
    case "string":
      if (/[\uD800-\uDFFF]/u.test(value)) return "string with a lone surrogate";
      if (value.includes("\0")) return "string with NUL";
      if (value.length > 255) return `string of ${value.length > 16_000 ? ">16k" : ">255"} chars`;
      if (value.length > 40) return "string of 41-255 chars";
      if (/^[+-]?\d{4,6}-\d\d-\d\d/.test(value))
        return isoInstants(value) ? "ISO date string" : "invalid ISO date string";
      if (/^-?\d+$/.test(value)) return "digit string";
      return "string";
    case "number":
      if (!Number.isFinite(value)) return "non-finite number";
      if (Object.is(value, -0)) return "-0";
      if (!Number.isInteger(value)) return "fractional number";
      if (!Number.isSafeInteger(value)) return "integer beyond 2^53";
      if (Math.abs(value) >= 2 ** 31) return "integer beyond 32 bits";
      return "integer";
    case "bigint":
      return value >= 2n ** 63n || value < -(2n ** 63n) ? "bigint beyond 64 bits" : "bigint";
    case "boolean":
      return "boolean";
    case "symbol":
    case "function":
      return typeof value;
  }
  if (value instanceof Date) {
    const year = value.getUTCFullYear();
    if (Number.isNaN(year)) return "invalid Date";
    return year < 1000 ? "Date before year 1000" : year > 9999 ? "Date after year 9999" : "Date";
  }
  if (
    Array.isArray(value) ||
    Object.getPrototypeOf(value) === Object.prototype ||
    Object.getPrototypeOf(value) === null
  ) {
    const inner = depth < 40 ? jsonOddity(value, depth) : "nested deeper than 40";
    return `${Array.isArray(value) ? "array" : "object"}${inner ? ` (${inner})` : ""}`;
  }
  return (Object.getPrototypeOf(value) as { constructor?: { name?: string } }).constructor?.name ?? "exotic object";
}

/** The first thing JSON cannot hold exactly inside a plain value, or its depth when it is deep. */
function jsonOddity(value: unknown, depth: number): string | undefined {
  let deepest = depth;
  const visit = (v: unknown, d: number): string | undefined => {
    deepest = Math.max(deepest, d);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        if (!(i in v)) return "with a hole";
        const odd = visit(v[i], d + 1);
        if (odd) return odd;
      }
      return undefined;
    }
    if (typeof v === "object" && v !== null && !(v instanceof Date)) {
      const proto = Object.getPrototypeOf(v);
      if (proto !== null && proto !== Object.prototype) return `with a ${proto.constructor?.name ?? "exotic"} inside`;
      if (Object.hasOwn(v, "__proto__")) return 'with an own "__proto__" key';
      for (const item of Object.values(v)) {
        const odd = visit(item, d + 1);
        if (odd) return odd;
      }
      return undefined;
    }
    if (typeof v === "string" || typeof v === "number") {
      const c = classOf(v, 99);
      return [
        "string",
        "integer",
        "fractional number",
        "digit string",
        "ISO date string",
        "invalid ISO date string",
      ].includes(c)
        ? undefined
        : `with a ${c} inside`;
    }
    if (v === null || typeof v === "boolean" || v === undefined) return undefined;
    return `with a ${classOf(v, 99)} inside`;
  };
  return visit(value, depth) ?? (deepest - depth > 32 ? "nested deeper than 32" : undefined);
}
