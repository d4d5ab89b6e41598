import fc from "fast-check";
import type { FieldConfig } from "../../src/index.js";

/**
 * Generators of hostile values for the hostile-input suite (test/db/hostile-inputs.test.ts):
 * what a caller passing untrusted data straight through could send. `tameFor(config)` gives
 * values of the field's documented JS type with nasty content (most should be stored);
 * `wildValue` gives anything at all (most should be rejected before any SQL).
 */

/** Strings that are not well-formed UTF-16: no database can store them as they are. */
export const LONE_SURROGATES = [
  "\uD800",
  "\uDBFF",
  "\uDC00",
  "\uDFFF",
  "a\uD83D",
  "\uDE00b",
  "\uDE00\uD83D",
  "x\uDBFFy",
];

/** SQL and driver metacharacters, escapes, and Unicode that breaks naive code. */
export const NASTY_PIECES = [
  "'",
  "''",
  '"',
  "`",
  "\\",
  "\\\\",
  "\\'",
  ";",
  "--",
  "/*",
  "*/",
  "#",
  "%",
  "_",
  "!",
  "!%",
  "[a]",
  "^",
  "$1",
  "$$",
  "?",
  ":p",
  "@p",
  "\0",
  "\\0",
  "\\x00",
  "%00",
  "\n",
  "\r\n",
  "\t",
  "\b",
  "\x1a",
  "\x7f",
  "\u0085",
  "\u2028",
  "\u00a0",
  "\u200b",
  "\ufeff",
  "\ufffd",
  "\uffff",
  "😀",
  "👨‍👩‍👧‍👦",
  "🇫🇷",
  "e\u0301",
  "é",
  "ß",
  "İ",
  "ı",
  "Ω",
  "ﬁ",
  "Ａ",
  "中文",
  "\u202e",
  " ",
  "NULL",
  "null",
  "undefined",
  "-0",
  "NaN",
  "' OR '1'='1",
  "'; DROP TABLE canaries; --",
  '"; DELETE FROM canaries; --',
  "' || (select secret from canaries) || '",
  "1; select pg_sleep(5)",
  "sleep(5)",
  "__proto__",
  "constructor",
];

const piece = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...NASTY_PIECES) },
  { weight: 2, arbitrary: fc.string({ maxLength: 4 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 3 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 3 }) },
);

/** Short strings of metacharacters and odd Unicode (well-formed). */
export const nastyString: fc.Arbitrary<string> = fc
  .array(piece, { maxLength: 6 })
  .map((parts) => parts.join(""))
  .filter(wellFormed);

/** Strings right at and past the usual limits (40, 255, TEXT's 64 KiB), in 1-4 byte characters. */
export const longString: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom("a", "é", "中", "😀", "'", "\\", "%"),
    fc.constantFrom(39, 40, 41, 255, 256, 300, 17_000, 70_000),
  )
  .map(([c, n]) => c.repeat(n));

/** Any hostile string, mostly short; sometimes long or not well-formed. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: nastyString },
  { weight: 1, arbitrary: longString },
  {
    weight: 1,
    arbitrary: fc.tuple(nastyString, fc.constantFrom(...LONE_SURROGATES)).map(([a, b]) => a + b),
  },
);

export function wellFormed(s: string): boolean {
  return !/[\uD800-\uDFFF]/u.test(s);
}

/** Numbers at every boundary a column type has, and the non-finite ones. */
export const ODD_NUMBERS = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  0,
  1,
  -1,
  0.1,
  0.5,
  1 / 3,
  12.345,
  99_999_999.99,
  100_000_000,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  -(2 ** 31) - 1,
  2 ** 32,
  2 ** 53 - 1,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  2 ** 63,
  2 ** 64,
  1e21,
  1e308,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.MIN_VALUE,
  1e-7,
];

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ODD_NUMBERS) },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.maxSafeInteger() },
  { weight: 2, arbitrary: fc.double() },
);

export const ODD_BIGINTS = [
  0n,
  1n,
  -1n,
  2n ** 31n,
  2n ** 53n + 1n,
  2n ** 63n - 1n,
  2n ** 63n,
  -(2n ** 63n),
  -(2n ** 63n) - 1n,
  2n ** 64n,
  2n ** 100n,
  -(2n ** 100n),
];

export const hostileBigint: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...ODD_BIGINTS) },
  { weight: 2, arbitrary: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }) },
);

/** Strings that look (or nearly look) like integers. */
export const digitString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "0",
    "-0",
    "007",
    "+1",
    " 1",
    "1 ",
    "1.0",
    "1e3",
    "0x10",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "99999999999999999999999999999999",
    "١٢٣",
    "1_000",
    "",
  ),
  hostileBigint.map(String),
);

/** Decimal-looking strings: right scale, too many places, too many digits, odd forms. */
export const decimalString: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.boolean(), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 4 }), fc.nat())
      .map(([negative, whole, places, seed]) => {
        const digits =
          String(seed)
            .padStart(whole + places, "7")
            .slice(0, whole + places) || "0";
        const int = digits.slice(0, whole) || "0";
        const frac = digits.slice(whole);
        return `${negative ? "-" : ""}${int}${places > 0 ? `.${frac.padEnd(places, "0")}` : ""}`;
      }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "12.345",
      "99999999.99",
      "100000000.00",
      "-0.00",
      ".5",
      "1.",
      "1e3",
      " 1",
      "00001.10",
      "0.005",
    ),
  },
);

const iso = (n: number, width = 2) => String(n).padStart(width, "0");

/** ISO-8601-shaped strings with fields in and out of range (Feb 30, month 13, hour 24, year 0 and 10000). */
export const isoLikeString: fc.Arbitrary<string> = fc
  .record({
    year: fc.oneof(fc.integer({ min: 1970, max: 2040 }), fc.constantFrom(0, 1, 999, 1000, 9999, 10_000)),
    month: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constantFrom(0, 13)),
    day: fc.oneof(fc.integer({ min: 1, max: 28 }), fc.constantFrom(0, 29, 30, 31, 32)),
    time: fc.option(
      fc.record({
        hour: fc.oneof(fc.integer({ min: 0, max: 23 }), fc.constantFrom(24, 25)),
        minute: fc.oneof(fc.integer({ min: 0, max: 59 }), fc.constant(60)),
        second: fc.oneof(fc.integer({ min: 0, max: 59 }), fc.constant(60)),
        fraction: fc.constantFrom("", ".5", ".123", ".123456", ".1234567"),
        zone: fc.constantFrom("Z", "", "+00:00", "+14:00", "-12:00", "+0530", "+24:00"),
      }),
    ),
  })
  .map(({ year, month, day, time }) => {
    const date = `${year > 9999 ? `+${iso(year, 6)}` : iso(year, 4)}-${iso(month)}-${iso(day)}`;
    if (!time) return date;
    return `${date}T${iso(time.hour)}:${iso(time.minute)}:${iso(time.second)}${time.fraction}${time.zone}`;
  });

export const oddDateString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: isoLikeString },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "1",
      "2024",
      "2024-1-1",
      "2024-01-01 10:00",
      "Tue, 01 Jan 2024 00:00:00 GMT",
      "now",
      "",
      "0000-00-00",
      "0000-00-00 00:00:00",
      "2024-02-29",
      "2023-02-29",
      "2024-02-30",
      "-000001-01-01T00:00:00Z",
      "+275760-09-13T00:00:00Z",
    ),
  },
);

const dateAt = (iso: string) => new Date(iso);

export const ODD_DATES = [
  new Date(Number.NaN),
  new Date(8.64e15),
  new Date(-8.64e15),
  dateAt("0000-01-01T00:00:00Z"),
  dateAt("0001-01-01T00:00:00Z"),
  dateAt("0999-12-31T23:59:59.999Z"),
  dateAt("1000-01-01T00:00:00Z"),
  dateAt("1969-12-31T23:59:59.999Z"),
  new Date(0),
  dateAt("2038-01-19T03:14:08Z"),
  dateAt("9999-12-31T23:59:59.999Z"),
  dateAt("+010000-01-01T00:00:00Z"),
  dateAt("-000001-01-01T00:00:00Z"),
];

export const hostileDate: fc.Arbitrary<Date> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...ODD_DATES).map((d) => new Date(d.getTime())) },
  { weight: 3, arbitrary: fc.date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z") }) },
  { weight: 1, arbitrary: fc.date({ noInvalidDate: false }) },
);

/** Midnight-UTC dates: what a date() column means by a Date. */
export const dayDate: fc.Arbitrary<Date> = fc
  .date({ min: new Date("0001-01-01T00:00:00Z"), max: new Date("9999-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) || d.getTime()));

const jsonKey = fc.oneof(
  { weight: 3, arbitrary: nastyString },
  { weight: 1, arbitrary: fc.constantFrom("__proto__", "constructor", "prototype", "toString", "", "$gt", "a.b") },
);

/** JSON leaves every JSON column can hold: hostile strings, numbers JSON renders exactly. */
const safeJsonLeaf: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: nastyString },
  {
    weight: 3,
    arbitrary: fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.constantFrom(2 ** 53 + 2, 1e308, 5e-324, -0),
    ),
  },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);

/** Leaves JSON cannot hold exactly: bigints, non-finite numbers, Dates, Maps, holes, strings no database takes. */
const unsafeJsonLeaf: fc.Arbitrary<unknown> = fc.oneof(
  hostileBigint,
  hostileDate,
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY),
  fc.constantFrom(...LONE_SURROGATES),
  fc.constant("nul \0 inside"),
  longString,
  fc
    .constantFrom<() => unknown>(
      () => undefined,
      () => new Map([["a", 1]]),
      () => new Set([1]),
      () => new Uint8Array([1, 2]),
      () => Buffer.from("buf"),
      () => ({ toJSON: () => undefined }),
      () => Object.assign(new Array(3), { 0: 1, 2: 3 }), // a hole
    )
    .map((make) => make()),
);

const jsonLeaf = fc.oneof({ weight: 30, arbitrary: safeJsonLeaf }, { weight: 1, arbitrary: unsafeJsonLeaf });

/** Objects whose own keys include "__proto__", built the way JSON.parse builds them. */
export const protoObject: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(fc.constantFrom("__proto__", "constructor", "prototype"), jsonLeaf)
  .map(([key, value]) => {
    const object = JSON.parse(`{${JSON.stringify(key)}: {"polluted": true}}`);
    object.x = value;
    return object;
  });

const jsonTree = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 4, arbitrary: jsonLeaf },
    { weight: 1, arbitrary: fc.array(tie("node"), { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.dictionary(jsonKey, tie("node"), { maxKeys: 4 }) },
    { weight: 1, arbitrary: protoObject },
  ),
}));

/** Values nested `depth` levels deep (MariaDB's JSON functions stop at 32). */
export const deepJson: fc.Arbitrary<unknown> = fc
  .tuple(fc.constantFrom(2, 31, 32, 33, 64, 200, 2000), fc.boolean(), nastyString)
  .map(([depth, arrays, leaf]) => {
    let value: unknown = leaf;
    for (let i = 0; i < depth; i++) value = arrays ? [value] : { k: value };
    return value;
  });

export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: jsonTree.node },
  { weight: 1, arbitrary: deepJson },
);

/** Anything at all: wrong types, boxed primitives, exotic objects. */
export const wildValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 1, arbitrary: hostileBigint },
  { weight: 1, arbitrary: digitString },
  { weight: 1, arbitrary: decimalString },
  { weight: 2, arbitrary: hostileDate },
  { weight: 2, arbitrary: oddDateString },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 2, arbitrary: hostileJson },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom<() => unknown>(
        () => undefined,
        () => Symbol("s"),
        () => () => 1,
        () => [],
        () => [1, 2],
        () => ({}),
        () => Object.create(null),
        () => ({ toString: () => "x", valueOf: () => 1 }),
        () => new Number(1),
        () => new String("a"),
        () => new Boolean(true),
        () => /re/g,
        () => new Error("e"),
        () => new Map(),
        () => new Uint8Array([1]),
        () => JSON.parse('{"__proto__": {"polluted": true}}'),
      )
      .map((make) => make()),
  },
);

/**
 * Values of the field's documented JS type with hostile content, nearly all of which the
 * column can hold, plus a few (one in ten) at or just past its limits.
 */
export function tameFor(config: FieldConfig): fc.Arbitrary<unknown> {
  const value = fc.oneof({ weight: 9, arbitrary: validValue(config) }, { weight: 1, arbitrary: edgeValue(config) });
  return config.nullable
    ? fc.oneof({ weight: 8, arbitrary: value }, { weight: 1, arbitrary: fc.constant(null) })
    : value;
}

const validIso = fc
  .tuple(
    fc.date({ min: new Date("1000-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true }),
    fc.constantFrom("Z", "+00:00", "+05:30", "-12:00", ""),
  )
  .map(([d, zone]) => {
    const text = d.toISOString();
    if (zone === "Z") return text;
    const offset =
      zone === "" || zone === "+00:00"
        ? 0
        : (zone[0] === "-" ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4)));
    const shifted = new Date(d.getTime() + offset * 60_000).toISOString().slice(0, 23);
    return zone === "" ? shifted.slice(0, 19) : `${shifted}${zone}`;
  });

/** Values the field's column can hold, with hostile content. */
function validValue(config: FieldConfig): fc.Arbitrary<unknown> {
  switch (config.kind) {
    case "string":
      return nastyString.filter((s) => [...s].length <= (config.length ?? 255));
    case "text":
      return fc.oneof(
        { weight: 20, arbitrary: nastyString },
        { weight: 1, arbitrary: fc.constantFrom("'".repeat(10_000), "😀".repeat(5_000)) },
      );
    case "id":
    case "integer":
      return fc.oneof(fc.constantFrom(0, -0, 1, -1, 2 ** 31 - 1, -(2 ** 31)), fc.integer());
    case "bigint":
      return config.bigintMode === "number"
        ? fc.oneof(fc.maxSafeInteger(), fc.constantFrom(2 ** 53 - 1, -(2 ** 53 - 1), 0, -0))
        : fc.oneof(
            { weight: 3, arbitrary: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) },
            {
              weight: 1,
              arbitrary: fc.constantFrom(
                2n ** 63n - 1n,
                -(2n ** 63n),
                "9223372036854775807",
                "-9223372036854775808",
                "007",
                "-0",
              ),
            },
            { weight: 1, arbitrary: fc.maxSafeInteger() },
          );
    case "float":
      return fc.oneof(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.constantFrom(0.1, 1 / 3, 2 ** 53 + 2, Number.MAX_VALUE, Number.MIN_VALUE, 1e-7, 123456789.12345679),
      );
    case "decimal": {
      const scale = config.scale ?? 2;
      const whole = (config.precision ?? 10) - scale;
      return fc
        .tuple(
          fc.boolean(),
          fc.bigInt({ min: 0n, max: 10n ** BigInt(whole) - 1n }),
          fc.bigInt({ min: 0n, max: 10n ** BigInt(scale) - 1n }),
          fc.nat({ max: scale }),
          fc.boolean(),
        )
        .map(([negative, int, frac, places, asNumber]) => {
          const fraction = places === 0 ? "" : `.${String(frac).padStart(scale, "0").slice(0, places)}`;
          const text = `${negative ? "-" : ""}${int}${fraction}`;
          return asNumber && Number.isSafeInteger(Number(int) * 100) ? Number(text) : text;
        });
    }
    case "boolean":
      return fc.boolean();
    case "timestamp":
      return fc.oneof(
        fc.date({
          min: new Date("1000-01-01T00:00:00Z"),
          max: new Date("9999-12-31T23:59:59.999Z"),
          noInvalidDate: true,
        }),
        validIso,
      );
    case "date":
      return fc.oneof(
        validIso.map((s) => s.slice(0, 10)),
        dayDate.filter((d) => d.getUTCFullYear() >= 1000),
      );
    case "json":
      return jsonTree.node;
    case "uuid":
      return fc.oneof(
        { weight: 3, arbitrary: fc.uuid() },
        { weight: 1, arbitrary: fc.uuid().map((u) => u.toUpperCase()) },
      );
  }
}

/** Values at or just past what the field's column can hold. */
function edgeValue(config: FieldConfig): fc.Arbitrary<unknown> {
  switch (config.kind) {
    case "string":
    case "text":
      return fc.oneof(
        longString,
        fc.tuple(nastyString, fc.constantFrom(...LONE_SURROGATES, "\0")).map(([a, b]) => a + b),
      );
    case "id":
    case "integer":
      return fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 2 ** 53 - 1, 2 ** 53, 0.5, Number.NaN);
    case "bigint":
      return config.bigintMode === "number"
        ? fc.oneof(hostileBigint, digitString)
        : fc.oneof(hostileBigint, digitString);
    case "float":
      return fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY, 5e-324);
    case "decimal":
      return fc.oneof(decimalString, fc.constantFrom(0.1 + 0.2, 1 / 3, -0, 1e21, 1e-7, 99_999_999.99, 100_000_000));
    case "boolean":
      return fc.constantFrom(0, 1, "true", null);
    case "timestamp":
      return fc.oneof(hostileDate, oddDateString);
    case "date":
      return fc.oneof(oddDateString, hostileDate);
    case "json":
      return fc.oneof(deepJson, unsafeJsonLeaf, protoObject);
    case "uuid":
      return fc.constantFrom(
        "00000000-0000-0000-0000-000000000000",
        "{00000000-0000-0000-0000-000000000000}",
        "not-a-uuid",
        "",
      );
  }
}

/** Untrusted field and relation names: prototype keys, SQL, raw column names, near-misses. */
export const HOSTILE_NAMES = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "__defineGetter__",
  "then",
  "id;",
  "id --",
  'id"',
  '"id"',
  "`id`",
  "'id'",
  "id) or (1=1",
  "items.id",
  "items.title",
  "item.title",
  "title.x",
  "*",
  "1",
  "",
  " ",
  "title ",
  " title",
  "TITLE",
  "Title",
  "title\0",
  "big_num",
  "item_id",
  "created_at",
  "rowid",
  "oid",
  "ctid",
  "_rowid",
  "canaries",
  "secret",
  "children.",
  ".children",
  "children..tags",
  "children.__proto__",
  "tags.pivot",
  "pivot",
  "_count",
  "AND",
  "OR",
  "NOT",
  "some",
  "equals",
  "where",
  "select",
];

export const hostileName: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_NAMES) },
  { weight: 2, arbitrary: nastyString },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 8 }) },
);
