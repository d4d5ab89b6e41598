import { beforeEach, describe, expect, it } from "vitest";
import {
  belongsToMany,
  bigint,
  date,
  decimal,
  defineSchema,
  float,
  id,
  integer,
  json,
  model,
  string,
  text,
  timestamp,
  uuid,
  ValidationError,
} from "../../src/index.js";
import { caught } from "../support/caught.js";
import { dialect, type PerDialect, useTestDb } from "../support/test-db.js";

/**
 * Values a column cannot store exactly, and filter inputs no database takes, are
 * ValidationErrors before any SQL, on every database (regressions for each of them).
 */
const shop = defineSchema(
  {
    item: model({
      table: "items",
      fields: {
        id: id(),
        code: string(5).nullable(),
        name: string().nullable(),
        body: text().nullable(),
        qty: integer().nullable(),
        big: bigint().nullable(),
        tally: bigint({ mode: "number" }).nullable(),
        price: decimal(10, 2).nullable(),
        wide: decimal(20, 4).nullable(),
        day: date().nullable(),
        at: timestamp().nullable(),
        data: json().nullable(),
        ref: uuid().nullable(),
        ratio: float().nullable(),
      },
      relations: {
        labels: belongsToMany("label", { table: "item_label", pivotFields: { note: string(8).nullable() } }),
      },
    }),
    label: model({ table: "labels", fields: { id: id(), name: string() } }),
  },
  { casing: "snake_case" },
);

describe(`values the database cannot store exactly on ${dialect}`, () => {
  const t = useTestDb(shop);
  const items = () => t.db.item as any;

  beforeEach(() => t.truncate());

  /** `fn` is a ValidationError on item.<field>, naming "item.<field>" and each fragment, and sent no SQL. */
  async function rejected(field: string, fn: () => unknown, ...fragments: string[]): Promise<ValidationError> {
    const { queries, result } = await t.count(() => caught(fn));
    expect(result).toBeInstanceOf(ValidationError);
    const error = result as ValidationError;
    expect(error.model).toBe("item");
    expect(error.field).toBe(field);
    expect(error.message).toContain(`"item.${field}"`);
    for (const fragment of fragments) expect(error.message).toContain(fragment);
    expect(queries).toBe(0);
    return error;
  }

  /** Creates an item with `values` and reads it back. */
  async function roundTrip(values: Record<string, unknown>): Promise<Record<string, unknown>> {
    const created = await items().create(values);
    return items().find(created.id);
  }

  describe("bigint is signed 64-bit everywhere", () => {
    it("a digit string beyond 64 bits is rejected (SQLite stored it as a float; every read then threw)", async () => {
      await rejected("big", () => items().create({ big: "100000000000000000000000" }), "signed 64-bit");
      await rejected("big", () => items().create({ big: 2n ** 63n }), "9223372036854775807");
      await rejected("big", () => items().create({ big: -(2n ** 63n) - 1n }), "-9223372036854775808");
      await rejected("big", () => items().create({ big: "-9223372036854775809" }));
      await rejected("big", () => items().create({ big: 2 ** 60 }), "a safe integer");
      expect(await items().get()).toEqual([]);
    });

    it("the 64-bit extremes round-trip exactly", async () => {
      expect((await roundTrip({ big: "9223372036854775807" })).big).toBe(2n ** 63n - 1n);
      expect((await roundTrip({ big: -(2n ** 63n) })).big).toBe(-(2n ** 63n));
      expect((await roundTrip({ big: "0000000000000000000000042" })).big).toBe(42n);
    });

    it("bigint({ mode: 'number' }) takes what reads back as a JS number exactly (it read 2^53 + 1 as 2^53)", async () => {
      await rejected("tally", () => items().create({ tally: 2n ** 53n + 1n }), "reads back as a JS number");
      await rejected("tally", () => items().create({ tally: "-9007199254740992" }), "9007199254740991");
      expect((await roundTrip({ tally: 9_007_199_254_740_991n })).tally).toBe(9_007_199_254_740_991);
      expect(
        await items()
          .where("tally", "<", 2n ** 60n)
          .count(),
      ).toBe(1);
    });

    it("a filter beyond 64 bits is rejected too", async () => {
      await rejected(
        "big",
        () =>
          items()
            .where("big", ">", 2n ** 64n)
            .get(),
        "signed 64-bit",
      );
    });
  });

  describe("integer() is 32-bit everywhere, id() where its column is", () => {
    it("an integer beyond 32 bits is rejected, naming the range and bigint()", async () => {
      for (const qty of [2_147_483_648, -2_147_483_649, 1e15]) {
        await rejected("qty", () => items().create({ qty }), "-2147483648 to 2147483647", "bigint()");
      }
      await rejected(
        "qty",
        () =>
          items()
            .query()
            .update({ qty: 2 ** 31 }),
        "32-bit",
      );
      await rejected(
        "qty",
        () =>
          items()
            .where("qty", "<", 2 ** 31)
            .get(),
        "32-bit",
      );
    });

    it("an id beyond its column is rejected on create, find and where (PostgreSQL and MySQL raised)", async () => {
      if (dialect === "sqlite") {
        // The rowid is 64-bit: SQLite itself hands out larger ids once one exists.
        const item = await items().create({ id: 2 ** 40 });
        expect(await items().find(2 ** 40)).toEqual(item);
        await rejected("id", () => items().find(2 ** 53), "rowid");
      } else {
        await rejected("id", () => items().create({ id: 2_147_483_648 }), "32-bit");
        await rejected("id", () => items().find(2_147_483_648), "32-bit");
        await rejected("id", () => items().whereIn("id", [1, 2_147_483_648]).get(), "32-bit");
      }
    });

    it("an explicit id 0 is rejected on MySQL, whose AUTO_INCREMENT stored the next id instead", async () => {
      if (dialect === "mysql") await rejected("id", () => items().create({ id: 0 }), "other than 0");
      else expect(await roundTrip({ id: 0 })).toMatchObject({ id: 0 });
      expect(await items().where("id", 0).count()).toBe(dialect === "mysql" ? 0 : 1);
    });

    it("an explicit SQLite id leaves room for the next rowid, which must stay exact in JS", async () => {
      if (dialect !== "sqlite") return;
      await rejected("id", () => items().create({ id: Number.MAX_SAFE_INTEGER }), String(Number.MAX_SAFE_INTEGER - 1));
      // Filtering by it is fine: SQLite may have handed it out.
      expect(await items().where("id", Number.MAX_SAFE_INTEGER).count()).toBe(0);
    });

    it("the 32-bit extremes round-trip", async () => {
      expect((await roundTrip({ qty: -2_147_483_648 })).qty).toBe(-2_147_483_648);
      expect((await roundTrip({ qty: 2_147_483_647 })).qty).toBe(2_147_483_647);
    });
  });

  describe("string(n) holds at most n characters everywhere", () => {
    it("a string longer than string(5) is rejected (SQLite kept it, PostgreSQL and MySQL refused it)", async () => {
      await rejected("code", () => items().create({ code: "abcdef" }), "at most 5 characters", "text()");
      await rejected(
        "name",
        () => items().create({ name: "x".repeat(256) }),
        "at most 255 characters",
        "256 characters",
      );
    });

    it("characters are counted as the databases count them: an emoji is one", async () => {
      expect((await roundTrip({ code: "😀😀😀😀😀" })).code).toBe("😀😀😀😀😀");
      await rejected("code", () => items().create({ code: "😀😀😀😀😀😀" }), "at most 5");
    });

    it("a longer string is still a valid operand of a filter", async () => {
      await items().create({ code: "abc" });
      expect(await items().where("code", "<", "abcdefgh").count()).toBe(1);
    });

    it("pivot values go through the same check", async () => {
      const item = await items().create({});
      const label = await t.db.label.create({ name: "L" });
      const error = await caught(() => t.db.item.related(item, "labels").attach(label.id, { note: "too long for it" }));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe("note");
      expect((error as ValidationError).message).toContain("at most 8 characters");
      await t.db.item.related(item, "labels").attach(label.id, { note: "fits" });
    });

    it("text beyond 65,535 bytes is rejected where the column is MySQL TEXT", async () => {
      const long = "é".repeat(40_000); // 80,000 bytes of UTF-8
      if (dialect === "mysql") await rejected("body", () => items().create({ body: long }), "65535 bytes");
      else expect((await roundTrip({ body: long })).body).toBe(long);
    });
  });

  describe("dates and timestamps that do not exist or that the column cannot hold", () => {
    it("a date() that does not exist is rejected (Date.parse rolls it over)", async () => {
      for (const day of ["2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "2024-1-01"]) {
        await rejected("day", () => items().create({ day }), '"YYYY-MM-DD"');
      }
      expect((await roundTrip({ day: "2024-02-29" })).day).toBe("2024-02-29");
    });

    it("an ISO timestamp string that does not exist, or is not ISO, is rejected", async () => {
      for (const at of [
        "2024-02-30T00:00:00Z",
        "2023-02-29",
        "2024-01-01T24:00:00Z",
        "Jan 1 2024",
        "2024-01-01T10:00:00+01",
      ]) {
        await rejected("at", () => items().create({ at }), "ISO-8601");
      }
      expect((await roundTrip({ at: "2024-02-29T12:30:00.250Z" })).at).toEqual(new Date("2024-02-29T12:30:00.250Z"));
      expect((await roundTrip({ at: "2024-01-01T10:00:00+01:00" })).at).toEqual(new Date("2024-01-01T09:00:00Z"));
    });

    const accepts: PerDialect<(string | number)[]> = {
      sqlite: ["0000-01-01T00:00:00.000Z", "0001-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z"],
      postgres: ["0001-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z"],
      mysql: ["1000-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z"],
    };
    const refuses: PerDialect<(string | number)[]> = {
      sqlite: ["-000001-12-31T23:59:59.999Z", "+010000-01-01T00:00:00.000Z"],
      // timestamptz holds these, but its JSON (the join strategy) renders them as no JS Date reads.
      postgres: [Date.UTC(-4713, 10, 24), "0000-12-31T23:59:59.999Z", "+010000-01-01T00:00:00.000Z"],
      mysql: ["0001-01-01T00:00:00.000Z", "0999-12-31T23:59:59.999Z", "+010000-01-01T00:00:00.000Z"],
    };

    it("a timestamp inside the database's range round-trips exactly", async () => {
      for (const at of accepts[dialect]) {
        expect((await roundTrip({ at: new Date(at) })).at).toEqual(new Date(at));
      }
    });

    it("a timestamp outside the database's range is rejected (MariaDB read year 1 back as 2001)", async () => {
      for (const at of refuses[dialect]) await rejected("at", () => items().create({ at: new Date(at) }), "from ");
      await rejected("at", () => items().where("at", "<", new Date(-8.64e15)).get(), "from ");
    });

    it("a date() outside the database's range is rejected", async () => {
      const ok: PerDialect<string[]> = {
        sqlite: ["0000-01-01", "0999-12-31", "9999-12-31"],
        postgres: ["0001-01-01", "0999-12-31", "9999-12-31"],
        mysql: ["1000-01-01", "9999-12-31"],
      };
      const bad: PerDialect<string[]> = { sqlite: [], postgres: ["0000-01-01"], mysql: ["0001-01-01", "0999-12-31"] };
      for (const day of ok[dialect]) expect((await roundTrip({ day })).day).toBe(day);
      for (const day of bad[dialect]) await rejected("day", () => items().create({ day }), "from ");
      await rejected("day", () => items().create({ day: new Date("+010000-01-01T00:00:00Z") }), "to 9999-12-31");
    });
  });

  describe("decimals beyond their precision and scale", () => {
    it("more integer digits than precision - scale is rejected, naming decimal(10, 2)", async () => {
      await rejected(
        "price",
        () => items().create({ price: "123456789.00" }),
        "at most 8 digits before",
        "decimal(10, 2)",
      );
      await rejected("price", () => items().create({ price: 1e21 }), "decimal(10, 2)");
      expect((await roundTrip({ price: "-12345678.99" })).price).toBe("-12345678.99");
    });

    it("more fraction digits than the scale is rejected, not rounded", async () => {
      await rejected("price", () => items().create({ price: "1.005" }), "2 after");
      await rejected("price", () => items().create({ price: 1e-7 }), "2 after");
    });

    it("a JS number counts as its shortest form: 0.1 + 0.2 is too fine, 0.3 fits", async () => {
      await rejected("price", () => items().create({ price: 0.1 + 0.2 }), "0.30000000000000004 (number)");
      expect((await roundTrip({ price: 0.3 })).price).toBe("0.30");
    });

    it("trailing zeros lose nothing: 1.500 fits scale 2", async () => {
      expect((await roundTrip({ price: "1.500" })).price).toBe("1.50");
      expect((await roundTrip({ price: "000012.5" })).price).toBe("12.50");
    });

    it("a decimal wider than 15 digits is rejected on SQLite (a double), exact elsewhere", async () => {
      const wide = "1234567890123456.1234";
      if (dialect === "sqlite") await rejected("wide", () => items().create({ wide }), "15 digits");
      else expect((await roundTrip({ wide })).wide).toBe(wide);
      expect((await roundTrip({ wide: "12345678901.1234" })).wide).toBe("12345678901.1234");
    });

    it("a filter compares with a finer decimal", async () => {
      await items().create({ price: "1.01" });
      expect(await items().where("price", ">", "1.005").count()).toBe(1);
    });
  });

  describe("-0, which every database stores as 0", () => {
    it("is rejected in a write of a float, an integer or a bigint number, saying to pass 0", async () => {
      await rejected("ratio", () => items().create({ ratio: -0 }), "other than -0", "-0 (number)");
      await rejected("qty", () => items().query().update({ qty: -0 }), "pass 0");
      await rejected("tally", () => items().create({ tally: -0 }), "-0");
    });

    it("compares as 0 in a filter", async () => {
      await items().create({ ratio: 0, qty: 0 });
      expect(await items().where("ratio", -0).where("qty", "<=", -0).count()).toBe(1);
    });
  });

  describe("NUL characters", () => {
    const storesNul: PerDialect<boolean> = { sqlite: true, postgres: false, mysql: true };

    it("are rejected where the database cannot store them (PostgreSQL), round-trip where it can", async () => {
      const values = { name: "a\u0000b", body: "x\u0000", data: { "k\u0000": ["v\u0000w"] } };
      if (storesNul[dialect]) {
        expect(await roundTrip(values)).toMatchObject(values);
        expect(await items().where("name", "a\u0000b").count()).toBe(1);
      } else {
        await rejected("name", () => items().create({ name: "a\u0000b" }), "NUL", "PostgreSQL");
        await rejected("body", () => items().create({ body: "x\u0000" }), "NUL");
        await rejected("data", () => items().create({ data: { k: ["v\u0000w"] } }), "$.k[0]");
        await rejected("data", () => items().create({ data: { "k\u0000": 1 } }), "key");
        await rejected("name", () => items().where("name", "a\u0000b").get(), "NUL");
      }
    });
  });

  describe("strings that are not well-formed UTF-16", () => {
    it("a lone surrogate is rejected (every database read it back as U+FFFD)", async () => {
      await rejected("name", () => items().create({ name: "a\uD800b" }), "lone UTF-16 surrogate");
      await rejected("body", () => items().create({ body: "\uDC00" }), "surrogate");
      await rejected("data", () => items().create({ data: { list: ["ok", "a\uD800"] } }), "$.list[1]", "surrogate");
      await rejected("data", () => items().create({ data: { "\uD800": 1 } }), "key");
      await rejected("ref", () => items().create({ ref: "\uD800" }), "a UUID");
      await rejected("name", () => items().where("name", "a\uD800b").get(), "surrogate");
      await rejected("name", () => items().findMany({ where: { name: { contains: "\uD800" } } }), "surrogate");
    });

    it("a surrogate pair is well-formed and round-trips", async () => {
      expect((await roundTrip({ name: "a😀b", data: { "😀": "😀" } })).data).toEqual({ "😀": "😀" });
    });
  });

  describe("json accepts what JSON.stringify round-trips exactly", () => {
    it("a BigInt inside json is a ValidationError, not JSON.stringify's TypeError", async () => {
      await rejected("data", () => items().create({ data: { n: 10n } }), "$.n", "10n (bigint)");
    });

    it("values JSON drops, nulls or turns into strings are rejected", async () => {
      class Point {
        x = 1;
      }
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      const cases: [unknown, string][] = [
        [{ a: undefined }, "$[0].a"],
        [[1, undefined], "$[0][1]"],
        [{ f: () => 1 }, "a function"],
        [{ s: Symbol("s") }, "symbol"],
        [{ when: new Date(0) }, "a Date becomes a string"],
        [{ n: Number.NaN }, "null"],
        [[Number.POSITIVE_INFINITY], "null"],
        [{ m: new Map() }, "a Map"],
        [new Point(), "a Point"],
        // biome-ignore lint/suspicious/noSparseArray: the hole is the point
        [[1, , 3], "empty slot"],
        [cyclic, "levels of nesting"],
        [undefined, "JSON"],
      ];
      for (const [data, fragment] of cases)
        await rejected(
          "data",
          () =>
            items()
              .query()
              .update({ data: [data] }),
          fragment,
        );
    });

    it("plain objects (also without a prototype), arrays, strings, numbers, booleans and null round-trip", async () => {
      const bare = Object.assign(Object.create(null), { a: 1 });
      const data = { bare, list: [1, -2.5, "x", true, false, null, { deep: [[]] }], empty: {} };
      expect((await roundTrip({ data })).data).toEqual({ ...data, bare: { a: 1 } });
    });

    it("nesting is capped: 31 levels everywhere, beyond on PostgreSQL and SQLite up to 100", async () => {
      const nest = (depth: number): unknown => (depth === 0 ? 1 : [nest(depth - 1)]);
      expect((await roundTrip({ data: nest(31) })).data).toEqual(nest(31));
      if (dialect === "mysql") await rejected("data", () => items().create({ data: nest(32) }), "31 levels");
      else expect((await roundTrip({ data: nest(100) })).data).toEqual(nest(100));
      await rejected("data", () => items().create({ data: nest(101) }), "levels of nesting");
    });
  });

  describe("like, contains, startsWith, endsWith", () => {
    it("on a field that is not text is a ValidationError naming the kinds that support it", async () => {
      await rejected("qty", () => items().where("qty", "like", "1%").get(), "string() and text()", "integer()");
      await rejected("ref", () => items().where("ref", "not like", "a%").get(), "uuid()");
      for (const op of ["contains", "startsWith", "endsWith"]) {
        await rejected("day", () => items().findMany({ where: { day: { [op]: "2024" } } }), op, "date()");
      }
      await rejected("qty", () => items().findMany({ where: { qty: { contains: "1" } } }), "string() and text()");
    });

    it("a pattern ending in a lone backslash is rejected (PostgreSQL raised, MySQL and SQLite disagreed)", async () => {
      await rejected("name", () => items().where("name", "like", "ab\\").get(), "lone backslash");
      await rejected("name", () => items().where("name", "not like", "\\\\\\").get(), "lone backslash");
    });

    it("a backslash escapes in a like pattern on every database", async () => {
      await items().createMany([{ name: "a\\b" }, { name: "a%" }, { name: "ab" }, { name: "end\\" }]);
      const names = async (pattern: string) =>
        (await items().where("name", "like", pattern).orderBy("id").get()).map((r: any) => r.name);
      expect(await names("a\\\\b")).toEqual(["a\\b"]);
      expect(await names("a\\%")).toEqual(["a%"]);
      expect(await names("%\\\\")).toEqual(["end\\"]);
      const ends = await items().findMany({ where: { name: { endsWith: "\\" } } });
      expect(ends.map((r: any) => r.name)).toEqual(["end\\"]);
      const contains = await items().findMany({ where: { name: { contains: "\\b" } } });
      expect(contains.map((r: any) => r.name)).toEqual(["a\\b"]);
    });
  });

  describe("in lists longer than the database's parameter limit", () => {
    const N = 70_000; // beyond SQLite's 32,766 and MySQL's 65,535 bound parameters

    it("whereIn / whereNotIn / the object API's in with 70,000 ids run as one statement", async () => {
      const rows = await items().createMany([{ name: "a" }, { name: "b" }, { name: "c" }]);
      const ids = rows.map((r: any) => r.id);
      const list = [ids[0], ids[2], ...Array.from({ length: N }, (_, i) => 1_000_000 + i)];
      const { queries, result } = await t.count(() => items().whereIn("id", list).orderBy("id").pluck("name"));
      expect(result).toEqual(["a", "c"]);
      expect(queries).toBe(1);
      expect(await items().whereNotIn("id", list).pluck("name")).toEqual(["b"]);
      const found = await items().findMany({ where: { id: { in: list } }, orderBy: { id: "asc" } });
      expect(found.map((r: any) => r.name)).toEqual(["a", "c"]);
      expect(await items().findMany({ where: { id: { notIn: list } } })).toHaveLength(1);
    });

    it("encoded values keep their types: bigints beyond 2^53 match exactly", async () => {
      await items().createMany([{ big: 2n ** 62n + 1n }, { big: 9_007_199_254_740_993n }, { big: 5n }]);
      const list = [2n ** 62n + 1n, 9_007_199_254_740_992n, ...Array.from({ length: N }, (_, i) => BigInt(i) * 7n)];
      expect(await items().whereIn("big", list).orderBy("id").pluck("big")).toEqual([2n ** 62n + 1n]);
      expect(await items().whereNotIn("big", list).orderBy("id").pluck("big")).toEqual([9_007_199_254_740_993n, 5n]);
    });

    it("strings, decimals, dates and timestamps in long lists", async () => {
      const at = new Date("2024-03-04T05:06:07.089Z");
      await items().createMany([
        { name: "needle", price: "12.50", day: "2024-03-04", at },
        { name: "other", price: "12.51", day: "2024-03-05", at: new Date(at.getTime() + 1) },
      ]);
      const many = <T>(make: (i: number) => T, hit: T): T[] => [
        ...Array.from({ length: 2_000 }, (_, i) => make(i)),
        hit,
      ];
      const first = async (field: string, list: unknown[]) => items().whereIn(field, list).pluck("name");
      expect(
        await first(
          "name",
          many((i) => `n${i}`, "needle"),
        ),
      ).toEqual(["needle"]);
      expect(
        await first(
          "price",
          many((i) => `${i}.25`, "12.50"),
        ),
      ).toEqual(["needle"]);
      expect(
        await first(
          "day",
          many((i) => `2000-01-${String((i % 28) + 1).padStart(2, "0")}`, "2024-03-04"),
        ),
      ).toEqual(["needle"]);
      expect(
        await first(
          "at",
          many((i) => new Date(i * 1000), at),
        ),
      ).toEqual(["needle"]);
    });
  });

  describe("messages describe the value as it is", () => {
    it("a valid Date into a string field is shown as that Date, not as an invalid one", async () => {
      const error = await rejected("name", () => items().create({ name: new Date("2024-01-01T00:00:00Z") }));
      expect(error.message).toContain("expected a string or null, got 2024-01-01T00:00:00.000Z (Date)");
      expect(error.message).not.toContain("invalid");
    });

    it("objects, arrays and class instances are named, a bigint inside too", async () => {
      expect((await rejected("name", () => items().create({ name: { n: 1n } }))).message).toContain(
        '{"n":"1n"} (object)',
      );
      expect((await rejected("qty", () => items().create({ qty: [1] }))).message).toContain("[1] (array)");
      expect((await rejected("qty", () => items().create({ qty: new Map() }))).message).toContain("a Map (object)");
    });
  });

  describe("undefined in an object-API filter is a ValidationError (it matched every row)", () => {
    const cases: [string, unknown, string | undefined][] = [
      ["a field", { id: undefined }, "id"],
      ["an operator", { id: { equals: undefined } }, "id"],
      ["an operator among others", { id: { gt: 0, lt: undefined } }, "id"],
      ["an AND entry", { AND: [{ id: 1 }, undefined] }, undefined],
      ["AND itself", { AND: undefined }, undefined],
      ["an OR entry", { OR: [undefined] }, undefined],
      ["NOT itself", { NOT: undefined }, undefined],
      ["a relation filter", { labels: undefined }, "labels"],
      ["a relation operator", { labels: { some: undefined } }, "labels"],
      ["a nested field", { labels: { some: { name: undefined } } }, "name"],
    ];
    for (const [name, where, field] of cases) {
      it(name, async () => {
        await items().create({ name: "kept" });
        const { queries, result } = await t.count(() => caught(() => items().findMany({ where })));
        expect(result).toBeInstanceOf(ValidationError);
        expect((result as ValidationError).field).toBe(field);
        expect((result as ValidationError).message).toContain("omit the key");
        expect(queries).toBe(0);
      });
    }

    it("a where that is itself undefined still means no filter", async () => {
      await items().create({ name: "kept" });
      expect(await items().findMany({ where: undefined })).toHaveLength(1);
    });
  });
});
