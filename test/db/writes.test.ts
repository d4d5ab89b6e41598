import { beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import {
  bigint,
  boolean,
  date,
  decimal,
  defineSchema,
  float,
  id,
  integer,
  json,
  model,
  type Row,
  string,
  text,
  timestamp,
  uuid,
} from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { dialect, type PerDialect, returning, useTestDb } from "../support/test-db.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One column of every field kind, all nullable so each test sets only what it checks. */
const kinds = defineSchema(
  {
    sample: model({
      table: "samples",
      fields: {
        id: id(),
        label: string(),
        ref: uuid().nullable(),
        body: text().nullable(),
        count: integer().nullable(),
        big: bigint().nullable(),
        bigNum: bigint({ mode: "number" }).nullable(),
        ratio: float().nullable(),
        amount: decimal(12, 2).nullable(),
        flag: boolean().nullable(),
        at: timestamp().nullable(),
        day: date().nullable(),
        data: json().nullable(),
      },
    }),
  },
  { casing: "snake_case" },
);

type Sample = Row<typeof kinds, "sample">;

const EMPTY = {
  ref: null,
  body: null,
  count: null,
  big: null,
  bigNum: null,
  ratio: null,
  amount: null,
  flag: null,
  at: null,
  day: null,
  data: null,
};

/** What create and a later find must both return for a row created from `values`. */
function stored(id: number, label: string, values: Partial<Sample>): Sample {
  return { id, label, ...EMPTY, ...values };
}

describe(`writes on ${dialect}`, () => {
  const t = useTestDb(blog);

  beforeEach(() => t.truncate());

  describe("create", () => {
    it("returns the stored row with its generated id and every default", async () => {
      const before = Date.now();
      const { queries, result: ada } = await t.count(() => t.db.user.create({ email: "ada@example.dev", name: "Ada" }));
      const expectedQueries: PerDialect<number> = { sqlite: 1, postgres: 1, mysql: returning ? 1 : 2 }; // MySQL: no RETURNING
      expect(queries).toBe(expectedQueries[dialect]);
      expect(ada).toEqual({
        id: expect.any(Number),
        email: "ada@example.dev",
        name: "Ada",
        age: null,
        active: true,
        countryId: null,
        createdAt: expect.any(Date),
      });
      expect(Number.isInteger(ada.id)).toBe(true);
      expect(ada.id).toBeGreaterThan(0);
      // Close to now: within a minute either side covers clock skew between app and database.
      expect(Math.abs(ada.createdAt.getTime() - before)).toBeLessThan(60_000);
      expect(await t.db.user.find(ada.id)).toEqual(ada);
    });

    it("returns defaults of every kind for a post", async () => {
      const author = await t.db.user.create({ email: "a@example.dev", name: "A" });
      const post = await t.db.post.create({ authorId: author.id, title: "Hello" });
      expect(post).toEqual({
        id: expect.any(Number),
        authorId: author.id,
        title: "Hello",
        body: null,
        published: false,
        views: 0,
        rating: null,
        price: null,
        publishedAt: null,
      });
      expect(await t.db.post.findOrFail(post.id)).toEqual(post);
    });

    it("given values override defaults", async () => {
      const at = new Date("2020-02-29T23:59:59.123Z");
      const bob = await t.db.user.create({
        email: "bob@example.dev",
        name: "Bob",
        age: 7,
        active: false,
        createdAt: at,
      });
      expect(bob).toEqual({
        id: expect.any(Number),
        email: "bob@example.dev",
        name: "Bob",
        age: 7,
        active: false,
        countryId: null,
        createdAt: at,
      });
      expect(await t.db.user.find(bob.id)).toEqual(bob);
    });

    it("generates a random UUID primary key", async () => {
      const { queries, result: a } = await t.count(() => t.db.token.create({ label: "a" }));
      const expectedQueries: PerDialect<number> = { sqlite: 1, postgres: 1, mysql: returning ? 1 : 2 };
      expect(queries).toBe(expectedQueries[dialect]);
      const b = await t.db.token.create({ label: "b" });
      expect(a.id).toMatch(UUID);
      expect(b.id).toMatch(UUID);
      expect(a.id).not.toBe(b.id);
      expect(a).toEqual({ id: a.id, label: "a" });
      expect(await t.db.token.find(a.id)).toEqual({ id: a.id, label: "a" });
      expect(await t.db.token.find(b.id)).toEqual({ id: b.id, label: "b" });
    });

    it("keeps a given UUID primary key", async () => {
      const id = "0b8f6c1e-3f4a-4d2b-9c5e-7a1b2c3d4e5f";
      const token = await t.db.token.create({ id, label: "given" });
      expect(token).toEqual({ id, label: "given" });
      expect(await t.db.token.findOrFail(id)).toEqual({ id, label: "given" });
    });
  });

  describe("createMany", () => {
    it("returns the rows in input order with distinct increasing ids in one statement", async () => {
      const input = [
        { email: "c@example.dev", name: "C", age: 3 },
        { email: "a@example.dev", name: "A", age: 1 },
        { email: "b@example.dev", name: "B", age: 2 },
      ];
      const { queries, result } = await t.count(() => t.db.user.createMany(input));
      const expectedQueries: PerDialect<number> = {
        sqlite: 1,
        postgres: 1,
        mysql: returning ? 1 : 6, // MySQL: begin, one insert per row (for its id), one select back, commit
      };
      expect(queries).toBe(expectedQueries[dialect]);
      expect(result.map((u) => u.name)).toEqual(["C", "A", "B"]);
      expect(result.map((u) => u.email)).toEqual(input.map((u) => u.email));
      const ids = result.map((u) => u.id);
      expect(new Set(ids).size).toBe(3);
      expect([...ids].sort((x, y) => x - y)).toEqual(ids);
      for (const row of result) {
        expect(row.active).toBe(true);
        expect(row.countryId).toBeNull();
        expect(row.createdAt).toBeInstanceOf(Date);
      }
      expect(await t.db.user.orderBy("id").get()).toEqual(result);
    });

    it("inserts rows with different key sets in input order (ids increase along the input)", async () => {
      const input = [
        { email: "a@example.dev", name: "A" },
        { name: "B", email: "b@example.dev" },
        { email: "c@example.dev", name: "C", age: 30, active: false },
        { email: "d@example.dev", name: "D", countryId: null, createdAt: new Date("2021-01-01T00:00:00.000Z") },
        { email: "e@example.dev", name: "E" },
      ];
      const result = await t.db.user.createMany(input);
      expect(result.map((u) => [u.name, u.email, u.age, u.active])).toEqual([
        ["A", "a@example.dev", null, true],
        ["B", "b@example.dev", null, true],
        ["C", "c@example.dev", 30, false],
        ["D", "d@example.dev", null, true],
        ["E", "e@example.dev", null, true],
      ]);
      expect(result[3]!.createdAt).toEqual(new Date("2021-01-01T00:00:00.000Z"));
      for (const row of result) expect(await t.db.user.find(row.id)).toEqual(row);
      const ids = result.map((u) => u.id);
      expect(new Set(ids).size).toBe(5);
      expect([...ids].sort((x, y) => x - y)).toEqual(ids);
      expect(await t.db.user.orderBy("id").pluck("name")).toEqual(["A", "B", "C", "D", "E"]);
    });

    it("keeps an explicit id given in one row", async () => {
      const result = await t.db.user.createMany([
        { email: "a@example.dev", name: "A" },
        { id: 500_000, email: "b@example.dev", name: "B" },
        { email: "c@example.dev", name: "C" },
      ]);
      expect(result.map((u) => u.name)).toEqual(["A", "B", "C"]);
      expect(result[1]!.id).toBe(500_000);
      expect(new Set(result.map((u) => u.id)).size).toBe(3);
      expect(result[0]!.id).toBeLessThan(result[2]!.id);
      for (const row of result) expect(await t.db.user.find(row.id)).toEqual(row);
      expect(await t.db.user.count()).toBe(3);
    });

    it("createMany([]) returns [] and sends no query", async () => {
      const { queries, result } = await t.count(() => t.db.user.createMany([]));
      expect(result).toEqual([]);
      expect(queries).toBe(0);
    });

    it("creates many UUID-keyed rows", async () => {
      const result = await t.db.token.createMany([{ label: "x" }, { label: "y" }, { label: "z" }]);
      expect(result.map((r) => r.label)).toEqual(["x", "y", "z"]);
      expect(new Set(result.map((r) => r.id)).size).toBe(3);
      for (const row of result) {
        expect(row.id).toMatch(UUID);
        expect(await t.db.token.find(row.id)).toEqual(row);
      }
    });
  });

  describe("update", () => {
    async function seed() {
      return t.db.user.createMany([
        { email: "a@example.dev", name: "A", age: 20 },
        { email: "b@example.dev", name: "B", age: 30 },
        { email: "c@example.dev", name: "C", age: 30 },
        { email: "d@example.dev", name: "D", age: 40 },
      ]);
    }

    it("returns the number of matched rows and changes only those", async () => {
      const [a, b, c, d] = await seed();
      const { queries, result } = await t.count(() =>
        t.db.user.where("age", 30).update({ name: "Thirty", active: false }),
      );
      expect(result).toBe(2);
      expect(queries).toBe(1);
      expect(await t.db.user.orderBy("id").get()).toEqual([
        a,
        { ...b, name: "Thirty", active: false },
        { ...c, name: "Thirty", active: false },
        d,
      ]);
    });

    it("counts matched rows even when the values do not change", async () => {
      await seed();
      expect(await t.db.user.where("age", 30).update({ age: 30 })).toBe(2);
      expect(await t.db.user.query().update({ active: true })).toBe(4);
      expect(await t.db.user.where("age", 30).count()).toBe(2);
    });

    it("returns 0 when nothing matches", async () => {
      const rows = await seed();
      expect(await t.db.user.where("age", 99).update({ name: "Nobody" })).toBe(0);
      expect(await t.db.user.orderBy("id").get()).toEqual(rows);
    });

    it("updates every row without a where", async () => {
      const rows = await seed();
      expect(await t.db.user.query().update({ age: null })).toBe(4);
      expect(await t.db.user.orderBy("id").get()).toEqual(rows.map((r) => ({ ...r, age: null })));
    });

    it("writes every kind of value", async () => {
      const author = await t.db.user.create({ email: "a@example.dev", name: "A" });
      const post = await t.db.post.create({ authorId: author.id, title: "T" });
      const publishedAt = new Date("2024-04-05T06:07:08.009Z");
      const changed = await t.db.post.where("id", post.id).update({
        published: true,
        publishedAt,
        rating: 4.25,
        price: "19.99",
        body: "Ünïcødé 🎉",
        views: 12,
      });
      expect(changed).toBe(1);
      expect(await t.db.post.find(post.id)).toEqual({
        ...post,
        published: true,
        publishedAt,
        rating: 4.25,
        price: "19.99",
        body: "Ünïcødé 🎉",
        views: 12,
      });
    });

    it("orderBy().limit() updates exactly those rows", async () => {
      await seed();
      expect(await t.db.user.orderBy("id").limit(2).update({ name: "First two" })).toBe(2);
      expect(await t.db.user.orderBy("id").pluck("name")).toEqual(["First two", "First two", "C", "D"]);
      expect(await t.db.user.orderBy("id", "desc").limit(1).update({ age: 41 })).toBe(1);
      expect(await t.db.user.orderBy("id").pluck("age")).toEqual([20, 30, 30, 41]);
      expect(await t.db.user.where("age", 30).orderBy("id", "desc").limit(1).update({ active: false })).toBe(1);
      expect(await t.db.user.orderBy("id").pluck("active")).toEqual([true, true, false, true]);
      expect(await t.db.user.orderBy("id").offset(1).limit(2).update({ name: "Middle" })).toBe(2);
      expect(await t.db.user.orderBy("id").pluck("name")).toEqual(["First two", "Middle", "Middle", "D"]);
    });
  });

  describe("delete", () => {
    it("returns the number of deleted rows and removes only those", async () => {
      const [a, , , d] = await t.db.user.createMany([
        { email: "a@example.dev", name: "A", age: 20 },
        { email: "b@example.dev", name: "B", age: 30 },
        { email: "c@example.dev", name: "C", age: 30 },
        { email: "d@example.dev", name: "D", age: 40 },
      ]);
      const { queries, result } = await t.count(() => t.db.user.where("age", 30).delete());
      expect(result).toBe(2);
      expect(queries).toBe(1);
      expect(await t.db.user.orderBy("id").get()).toEqual([a, d]);
      expect(await t.db.user.where("age", 30).delete()).toBe(0);
      expect(await t.db.user.query().delete()).toBe(2);
      expect(await t.db.user.count()).toBe(0);
    });

    it("orderBy().limit() deletes exactly those rows", async () => {
      const rows = await t.db.user.createMany(
        ["a", "b", "c", "d", "e"].map((n, i) => ({ email: `${n}@example.dev`, name: n.toUpperCase(), age: i })),
      );
      expect(await t.db.user.orderBy("id").limit(2).delete()).toBe(2);
      expect(await t.db.user.orderBy("id").get()).toEqual(rows.slice(2));
      expect(await t.db.user.orderBy("age", "desc").limit(1).delete()).toBe(1);
      expect(await t.db.user.orderBy("id").pluck("name")).toEqual(["C", "D"]);
      expect(await t.db.user.where("name", "D").orderBy("id").limit(5).delete()).toBe(1);
      expect(await t.db.user.orderBy("id").pluck("name")).toEqual(["C"]);
    });
  });
});

describe(`every field kind round-trips on ${dialect}`, () => {
  const t = useTestDb(kinds);

  /** Creates a row, checks what create returned and what a fresh read returns. */
  async function roundTrip(label: string, values: Partial<Sample>, expected: Partial<Sample> = values) {
    const created = await t.db.sample.create({ label, ...values });
    const want = stored(created.id, label, expected);
    expect(created).toEqual(want);
    const found = await t.db.sample.find(created.id);
    expect(found).toEqual(want);
    return found!;
  }

  it("boolean reads back as true/false, never 0/1", async () => {
    const yes = await roundTrip("yes", { flag: true });
    const no = await roundTrip("no", { flag: false });
    expect(yes.flag).toBe(true);
    expect(no.flag).toBe(false);
    expect(await t.db.sample.where("flag", false).pluck("label")).toEqual(["no"]);
    expect(await t.db.sample.whereIn("label", ["yes", "no"]).orderBy("label").pluck("flag")).toEqual([false, true]);
  });

  it("timestamp reads back as the same Date, to the millisecond", async () => {
    const values = [
      new Date("2024-03-10T01:59:59.999Z"),
      new Date("1999-12-31T23:59:59.001Z"),
      new Date("2038-01-19T03:14:08.500Z"),
    ];
    for (const at of values) {
      const row = await roundTrip(`at ${at.toISOString()}`, { at });
      expect(row.at).toBeInstanceOf(Date);
      expect(row.at!.getTime()).toBe(at.getTime());
    }
    const row = await roundTrip(
      "iso string in",
      { at: "2024-05-06T07:08:09.010Z" as unknown as Date },
      {
        at: new Date("2024-05-06T07:08:09.010Z"),
      },
    );
    expect(row.at).toBeInstanceOf(Date);
    expect(await t.db.sample.where("at", new Date("1999-12-31T23:59:59.001Z")).pluck("label")).toEqual([
      "at 1999-12-31T23:59:59.001Z",
    ]);
  });

  it('date reads back as the same "YYYY-MM-DD" string', async () => {
    for (const day of ["2024-02-29", "1970-01-01", "1999-12-31", "2100-06-15"]) {
      const row = await roundTrip(`day ${day}`, { day });
      expect(row.day).toBe(day);
    }
    // A Date is stored as its UTC calendar day.
    await roundTrip(
      "date in",
      { day: new Date("2023-07-04T00:00:00.000Z") as unknown as string },
      { day: "2023-07-04" },
    );
  });

  it("json reads back as the same value: objects, arrays, nesting, numbers, booleans", async () => {
    const values: unknown[] = [
      { a: 1, b: "two", c: true, d: null },
      [1, "two", { three: 3 }, [4]],
      { nested: { deeper: { list: [{ x: 1.5 }, { y: ["z"] }] } }, emoji: "🎉 ünï" },
      42,
      false,
      [],
      {},
    ];
    for (const [i, data] of values.entries()) {
      const row = await roundTrip(`json ${i}`, { data });
      expect(row.data).toEqual(data);
      expect(Array.isArray(row.data)).toBe(Array.isArray(data));
    }
  });

  it("json string values read back as the same strings, not parsed again", async () => {
    for (const data of ["a JSON string", '{"looks":"like json"}', "42", ""]) {
      const row = await roundTrip(`json string ${data}`, { data });
      expect(row.data).toBe(data);
    }
    const nested = { inner: '{"not":"parsed"}' };
    expect((await roundTrip("json nested string", { data: nested })).data).toEqual(nested);
  });

  it('decimal reads back as a string with its scale ("12.50")', async () => {
    await roundTrip("12.50", { amount: "12.50" });
    await roundTrip("12.5", { amount: "12.5" }, { amount: "12.50" });
    await roundTrip("number", { amount: 12.5 as unknown as string }, { amount: "12.50" });
    await roundTrip("negative", { amount: "-3.07" });
    await roundTrip("zero", { amount: "0" }, { amount: "0.00" });
    await roundTrip("large", { amount: "1234567890.12" });
    expect(await t.db.sample.where("amount", ">", "12.49").orderBy("id").pluck("label")).toEqual([
      "12.50",
      "12.5",
      "number",
      "large",
    ]);
  });

  it("float reads back as the same number", async () => {
    for (const ratio of [Math.PI, -0.5, 0.1 + 0.2, 1e-7, 123456.789, 0]) {
      const row = await roundTrip(`float ${ratio}`, { ratio });
      expect(row.ratio).toBe(ratio);
    }
  });

  it("integer reads back as a number", async () => {
    for (const count of [0, -1, 2_147_483_647, -2_147_483_648]) {
      const row = await roundTrip(`int ${count}`, { count });
      expect(row.count).toBe(count);
    }
  });

  it("bigint reads back as a bigint, exact beyond 2^53", async () => {
    const values = [0n, 42n, -7n, 9_007_199_254_740_993n, 9_223_372_036_854_775_807n, -9_223_372_036_854_775_808n];
    for (const big of values) {
      const row = await roundTrip(`big ${big}`, { big });
      expectTypeOf(row.big).toEqualTypeOf<bigint | null>();
      expect(typeof row.big).toBe("bigint");
      expect(row.big).toBe(big);
    }
    expect(await t.db.sample.where("big", 9_007_199_254_740_993n).pluck("label")).toEqual(["big 9007199254740993"]);
  });

  it('bigint({ mode: "number" }) reads back as a number', async () => {
    for (const bigNum of [0, 42, -7, 2 ** 40, Number.MAX_SAFE_INTEGER]) {
      const row = await roundTrip(`bigNum ${bigNum}`, { bigNum });
      expectTypeOf(row.bigNum).toEqualTypeOf<number | null>();
      expect(typeof row.bigNum).toBe("number");
      expect(row.bigNum).toBe(bigNum);
    }
  });

  it("string and text keep unicode, quotes and length", async () => {
    const samples = [
      "Zoë — naïve café ✓",
      "日本語のテキスト",
      "emoji 🎉👩‍💻🇫🇷",
      'it\'s "quoted" \\ back\\slash\nnew line\ttab',
      "",
    ];
    for (const [i, body] of samples.entries()) {
      const row = await roundTrip(`text ${i} ${body.slice(0, 10)}`, { body });
      expect(row.body).toBe(body);
    }
    const long = "xyz🎉".repeat(5_000);
    expect((await roundTrip("long", { body: long })).body).toBe(long);
    const label = "Ünïcødé label 🎉";
    const row = await t.db.sample.create({ label });
    expect(await t.db.sample.where("label", label).pluck("id")).toEqual([row.id]);
  });

  it("uuid reads back as the same string", async () => {
    const ref = "6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e";
    await roundTrip("uuid", { ref });
    expect(await t.db.sample.where("ref", ref).pluck("label")).toEqual(["uuid"]);
  });

  it("every kind at once, and null for each", async () => {
    const full: Partial<Sample> = {
      ref: "00000000-0000-4000-8000-000000000001",
      body: "body ✓",
      count: 5,
      big: 12_345_678_901_234n,
      bigNum: 12_345_678_901_234,
      ratio: 2.5,
      amount: "99.95",
      flag: true,
      at: new Date("2022-02-22T22:22:22.222Z"),
      day: "2022-02-22",
      data: { k: ["v", 1] },
    };
    const row = await roundTrip("full", full);
    await roundTrip("empty", {});
    expect(await t.db.sample.where("id", row.id).update(EMPTY)).toBe(1);
    expect(await t.db.sample.find(row.id)).toEqual(stored(row.id, "full", {}));
    expect(await t.db.sample.where("id", row.id).update(full)).toBe(1);
    expect(await t.db.sample.find(row.id)).toEqual(stored(row.id, "full", full));
  });
});
