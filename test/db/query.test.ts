import { beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { NotFoundError, RelataError, type Row } from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { caught } from "../support/caught.js";
import { dialect, type PerDialect, useTestDb } from "../support/test-db.js";

type User = Row<typeof blog, "user">;

/** The users every test reads; ages, flags and timestamps chosen so each filter picks a distinct set. */
const people = [
  { key: "ada", email: "ada@example.dev", name: "Ada", age: 36, active: true, at: "2024-01-10T10:00:00.000Z" },
  { key: "bob", email: "bob@example.dev", name: "Bob", age: 25, active: false, at: "2024-02-15T12:30:00.250Z" },
  { key: "cy", email: "cy@example.dev", name: "Cy", age: null, active: true, at: "2024-03-01T00:00:00.000Z" },
  { key: "dee", email: "dee@example.dev", name: "Dee", age: 41, active: true, at: "2023-12-31T23:59:59.999Z" },
  { key: "eve", email: "eve@example.org", name: "Eve", age: 25, active: false, at: "2024-06-30T08:00:00.000Z" },
  { key: "fay", email: "fay@example.org", name: "Fay", age: 19, active: true, at: "2024-06-30T08:00:00.001Z" },
] as const;

const names = (rows: readonly { name: string }[]) => rows.map((r) => r.name);

async function collect<T>(iterable: AsyncIterable<T>, max = 100): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) {
    out.push(item);
    // A broken cursor could loop for ever; stop well past any expected size.
    if (out.length >= max) break;
  }
  return out;
}

describe(`single-model queries on ${dialect}`, () => {
  const t = useTestDb(blog);
  const users: Record<string, User> = {};
  let uk = 0;
  let fr = 0;
  const postIds: number[] = [];

  beforeAll(async () => {
    const db = t.db;
    uk = (await db.country.create({ name: "UK" })).id;
    fr = (await db.country.create({ name: "France" })).id;
    const countryOf: Record<string, number | null> = { ada: uk, bob: null, cy: fr, dee: uk, eve: null, fay: fr };
    for (const p of people) {
      users[p.key] = await db.user.create({
        email: p.email,
        name: p.name,
        age: p.age,
        active: p.active,
        createdAt: new Date(p.at),
        countryId: countryOf[p.key] ?? null,
      });
    }
    const birthdays: Record<string, string | null> = {
      ada: "1990-05-17",
      bob: "1999-12-31",
      cy: null,
      dee: "2000-01-01",
      eve: "1985-02-28",
      fay: "2005-06-30",
    };
    for (const p of people) {
      await db.profile.create({
        userId: users[p.key]!.id,
        birthday: birthdays[p.key] ?? null,
        bio: `${p.name}'s bio`,
        settings: { theme: p.active ? "dark" : "light" },
      });
    }
    for (let i = 0; i < 10; i++) {
      const post = await db.post.create({
        authorId: users.ada!.id,
        title: `Post ${i}`,
        published: i % 2 === 0,
        views: i * 10,
        rating: i === 0 ? null : i / 2,
        price: `${i}.50`,
        publishedAt: i % 2 === 0 ? new Date(Date.UTC(2024, 0, i + 1, 12, 0, 0, 5)) : null,
      });
      postIds.push(post.id);
    }
  });

  describe("find / all", () => {
    it("find returns the row by primary key, or null", async () => {
      const { queries, result } = await t.count(() => t.db.user.find(users.bob!.id));
      expect(queries).toBe(1);
      expect(result).toEqual(users.bob);
      expect(result).toEqual({
        id: users.bob!.id,
        email: "bob@example.dev",
        name: "Bob",
        age: 25,
        active: false,
        countryId: null,
        createdAt: new Date("2024-02-15T12:30:00.250Z"),
      });
      expect(await t.db.user.find(9_999_999)).toBeNull();
    });

    it("findOrFail returns the row, or throws NotFoundError naming the model and key", async () => {
      expect(await t.db.user.findOrFail(users.cy!.id)).toEqual(users.cy);
      const error = await caught(() => t.db.user.findOrFail(9_999_999));
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error).toBeInstanceOf(RelataError);
      expect((error as NotFoundError).model).toBe("user");
      expect((error as NotFoundError).message).toContain("user");
      expect((error as NotFoundError).message).toContain("9999999");
    });

    it("all returns every row", async () => {
      const rows = await t.db.user.all();
      expect(rows.sort((a, b) => a.id - b.id)).toEqual(people.map((p) => users[p.key]));
    });
  });

  describe("where operators", () => {
    const cases: [string, () => Promise<User[]>, string[]][] = [];
    const q = () => t.db.user.orderBy("id");
    cases.push(
      ["where(col, val)", () => q().where("age", 25).get(), ["Bob", "Eve"]],
      ["=", () => q().where("age", "=", 25).get(), ["Bob", "Eve"]],
      ["!= (NULL never matches)", () => q().where("age", "!=", 25).get(), ["Ada", "Dee", "Fay"]],
      ["<>", () => q().where("age", "<>", 25).get(), ["Ada", "Dee", "Fay"]],
      ["<", () => q().where("age", "<", 25).get(), ["Fay"]],
      ["<=", () => q().where("age", "<=", 25).get(), ["Bob", "Eve", "Fay"]],
      [">", () => q().where("age", ">", 36).get(), ["Dee"]],
      [">=", () => q().where("age", ">=", 36).get(), ["Ada", "Dee"]],
      ["like", () => q().where("email", "like", "%@example.org").get(), ["Eve", "Fay"]],
      ["like with _", () => q().where("email", "like", "_y@%").get(), ["Cy"]],
      ["not like", () => q().where("email", "not like", "%@example.org").get(), ["Ada", "Bob", "Cy", "Dee"]],
      ["in", () => q().where("age", "in", [19, 41]).get(), ["Dee", "Fay"]],
      ["not in (NULL never matches)", () => q().where("age", "not in", [19, 41]).get(), ["Ada", "Bob", "Eve"]],
      ["in on strings", () => q().where("name", "in", ["Eve", "Ada", "Nobody"]).get(), ["Ada", "Eve"]],
      ["where(col, null) is IS NULL", () => q().where("age", null).get(), ["Cy"]],
      ["where(col, '=', null) is IS NULL", () => q().where("age", "=", null).get(), ["Cy"]],
      [
        "where(col, '!=', null) is IS NOT NULL",
        () => q().where("age", "!=", null).get(),
        ["Ada", "Bob", "Dee", "Eve", "Fay"],
      ],
      ["where on a foreign key", () => q().where("countryId", uk).get(), ["Ada", "Dee"]],
    );
    for (const [name, run, expected] of cases) {
      it(name, async () => {
        const { queries, result } = await t.count(run);
        expect(names(result)).toEqual(expected);
        expect(queries).toBe(1);
      });
    }
  });

  describe("where forms and grouping", () => {
    it("where({..}) ANDs every listed field", async () => {
      const rows = await t.db.user.where({ active: false, age: 25 }).orderBy("id").get();
      expect(names(rows)).toEqual(["Bob", "Eve"]);
      expect(names(await t.db.user.where({ age: null }).get())).toEqual(["Cy"]);
      expect(names(await t.db.user.where({ active: true, name: "Bob" }).get())).toEqual([]);
      expect(await t.db.user.where({}).count()).toBe(6);
    });

    it("chained wheres are ANDed", async () => {
      const rows = await t.db.user.where("active", true).where("age", ">", 20).orderBy("id").get();
      expect(names(rows)).toEqual(["Ada", "Dee"]);
    });

    it("where(q => ...) parenthesises its orWhere: a AND (b OR c)", async () => {
      const grouped = await t.db.user
        .where("active", false)
        .where((q) => q.where("age", 25).orWhere("age", ">", 40))
        .orderBy("id")
        .get();
      // Without the parentheses it would be (active = false AND age = 25) OR age > 40, adding Dee.
      expect(names(grouped)).toEqual(["Bob", "Eve"]);
    });

    it("orWhere(q => ...) adds a parenthesised AND group: a OR (b AND c)", async () => {
      const rows = await t.db.user
        .where("name", "Ada")
        .orWhere((q) => q.where("active", false).where("email", "like", "%.org"))
        .orderBy("id")
        .get();
      expect(names(rows)).toEqual(["Ada", "Eve"]);
      const objectForm = await t.db.user.where("name", "Ada").orWhere({ active: false, age: 25 }).orderBy("id").get();
      expect(names(objectForm)).toEqual(["Ada", "Bob", "Eve"]);
    });

    it("where(a).orWhere(b).where(c) follows SQL precedence: a OR (b AND c)", async () => {
      const rows = await t.db.user
        .where("name", "Ada")
        .orWhere("active", false)
        .where("email", "like", "%.org")
        .orderBy("id")
        .get();
      // (a OR b) AND c would give only Eve.
      expect(names(rows)).toEqual(["Ada", "Eve"]);
    });

    it("orWhere as the first condition still filters", async () => {
      const rows = await t.db.user.orWhere("name", "Bob").orWhere("name", "Cy").orderBy("id").get();
      expect(names(rows)).toEqual(["Bob", "Cy"]);
    });

    it("whereNot negates a group", async () => {
      // NOT (age > 30 OR active = false): Cy's NULL age makes the group NULL, so only Fay remains.
      const rows = await t.db.user
        .whereNot((q) => q.where("age", ">", 30).orWhere("active", false))
        .orderBy("id")
        .get();
      expect(names(rows)).toEqual(["Fay"]);
      const combined = await t.db.user
        .where("email", "like", "%.dev")
        .whereNot((q) => q.where("active", true))
        .orderBy("id")
        .get();
      expect(names(combined)).toEqual(["Bob"]);
    });

    it("whereIn / whereNotIn / orWhereIn", async () => {
      const q = () => t.db.user.orderBy("id");
      expect(names(await q().whereIn("age", [25, 41]).get())).toEqual(["Bob", "Dee", "Eve"]);
      expect(names(await q().whereIn("id", [users.fay!.id, users.ada!.id]).get())).toEqual(["Ada", "Fay"]);
      expect(names(await q().whereNotIn("age", [25, 41]).get())).toEqual(["Ada", "Fay"]);
      expect(names(await q().where("name", "Ada").orWhereIn("age", [19, 41]).get())).toEqual(["Ada", "Dee", "Fay"]);
    });

    it("whereIn([]) matches nothing and whereNotIn([]) matches everything, NULLs included", async () => {
      const q = () => t.db.user.orderBy("id");
      const { queries, result } = await t.count(() => q().whereIn("id", []).get());
      expect(result).toEqual([]);
      expect(queries).toBe(1);
      expect(await q().where("age", "in", []).count()).toBe(0);
      expect(names(await q().whereNotIn("age", []).get())).toEqual(["Ada", "Bob", "Cy", "Dee", "Eve", "Fay"]);
      expect(await q().where("age", "not in", []).count()).toBe(6);
      expect(names(await q().where("active", false).orWhereIn("id", []).get())).toEqual(["Bob", "Eve"]);
      expect(names(await q().where("active", false).whereIn("id", []).get())).toEqual([]);
      expect(names(await q().whereIn("id", []).orWhere("name", "Cy").get())).toEqual(["Cy"]);
    });

    it("whereNull / whereNotNull / orWhereNull", async () => {
      const q = () => t.db.user.orderBy("id");
      expect(names(await q().whereNull("age").get())).toEqual(["Cy"]);
      expect(names(await q().whereNull("countryId").get())).toEqual(["Bob", "Eve"]);
      expect(names(await q().whereNotNull("age").get())).toEqual(["Ada", "Bob", "Dee", "Eve", "Fay"]);
      expect(names(await q().where("age", ">", 40).orWhereNull("age").get())).toEqual(["Cy", "Dee"]);
    });

    it("whereBetween / whereNotBetween are inclusive", async () => {
      const q = () => t.db.user.orderBy("id");
      expect(names(await q().whereBetween("age", [25, 36]).get())).toEqual(["Ada", "Bob", "Eve"]);
      expect(names(await q().whereNotBetween("age", [25, 36]).get())).toEqual(["Dee", "Fay"]);
      expect(names(await q().where("name", "Cy").orWhereBetween("age", [40, 50]).get())).toEqual(["Cy", "Dee"]);
    });
  });

  describe("select / order / limit / offset", () => {
    it("select(...) returns only those keys", async () => {
      const rows = await t.db.user.select("name", "email").orderBy("id").limit(2).get();
      expectTypeOf(rows).toEqualTypeOf<{ name: string; email: string }[]>();
      expect(rows).toEqual([
        { name: "Ada", email: "ada@example.dev" },
        { name: "Bob", email: "bob@example.dev" },
      ]);
      expect(Object.keys(rows[0]!).sort()).toEqual(["email", "name"]);
      // Decoded kinds stay decoded when selected alone.
      const typed = await t.db.user.select("active", "createdAt").where("name", "Dee").first();
      expect(typed).toEqual({ active: true, createdAt: new Date("2023-12-31T23:59:59.999Z") });
    });

    it("orderBy with several keys and directions", async () => {
      const byAge = await t.db.user.whereNotNull("age").orderBy("age", "desc").orderBy("name", "asc").get();
      expect(names(byAge)).toEqual(["Dee", "Ada", "Bob", "Eve", "Fay"]);
      const byAgeThenNameDesc = await t.db.user.whereNotNull("age").orderBy("age").orderBy("name", "desc").get();
      expect(names(byAgeThenNameDesc)).toEqual(["Fay", "Eve", "Bob", "Ada", "Dee"]);
      const byFlag = await t.db.user.orderBy("active").orderBy("name", "desc").get();
      expect(names(byFlag)).toEqual(["Eve", "Bob", "Fay", "Dee", "Cy", "Ada"]);
      const byTime = await t.db.user.orderBy("createdAt", "desc").get();
      expect(names(byTime)).toEqual(["Fay", "Eve", "Cy", "Bob", "Ada", "Dee"]);
    });

    it("limit and offset", async () => {
      const q = t.db.user.orderBy("id");
      expect(names(await q.limit(2).get())).toEqual(["Ada", "Bob"]);
      expect(names(await q.limit(2).offset(2).get())).toEqual(["Cy", "Dee"]);
      expect(names(await q.offset(2).limit(2).get())).toEqual(["Cy", "Dee"]);
      expect(names(await q.limit(10).offset(5).get())).toEqual(["Fay"]);
      expect(names(await q.limit(2).offset(6).get())).toEqual([]);
      expect(await q.limit(0).get()).toEqual([]);
    });

    it("offset without limit skips rows and returns the rest", async () => {
      const { queries, result } = await t.count(() => t.db.user.orderBy("id").offset(4).get());
      expect(names(result)).toEqual(["Eve", "Fay"]);
      expect(queries).toBe(1);
      expect(names(await t.db.user.orderBy("id", "desc").offset(5).get())).toEqual(["Ada"]);
    });
  });

  describe("terminals", () => {
    it("get returns every matching row", async () => {
      const rows = await t.db.user.where("active", false).orderBy("id").get();
      expect(rows).toEqual([users.bob, users.eve]);
    });

    it("first returns the first row in order, or null when none matches", async () => {
      const { queries, result } = await t.count(() => t.db.user.orderBy("age", "desc").whereNotNull("age").first());
      expect(result).toEqual(users.dee);
      expect(queries).toBe(1);
      expect(await t.db.user.where("age", ">", 100).first()).toBeNull();
      const firstSelected = await t.db.user.select("email").orderBy("id", "desc").first();
      expect(firstSelected).toEqual({ email: "fay@example.org" });
    });

    it("firstOrFail returns the row or throws NotFoundError", async () => {
      expect(await t.db.user.where("name", "Eve").firstOrFail()).toEqual(users.eve);
      const error = await caught(() => t.db.user.where("age", ">", 100).firstOrFail());
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error).toBeInstanceOf(RelataError);
      expect((error as NotFoundError).model).toBe("user");
      expect((error as Error).message).toContain("user");
    });

    it("count counts matches and ignores select, order, limit and offset", async () => {
      expect(await t.db.user.count()).toBe(6);
      const { queries, result } = await t.count(() =>
        t.db.user.where("active", true).select("name").orderBy("name").limit(1).offset(1).count(),
      );
      expect(result).toBe(4);
      expect(queries).toBe(1);
      expect(await t.db.user.where("age", ">", 100).count()).toBe(0);
      expect(typeof (await t.db.post.count())).toBe("number");
      expect(await t.db.post.count()).toBe(10);
    });

    it("exists", async () => {
      const { queries, result } = await t.count(() => t.db.user.where("name", "Cy").exists());
      expect(result).toBe(true);
      expect(queries).toBe(1);
      expect(await t.db.user.where("name", "Nobody").exists()).toBe(false);
      expect(await t.db.user.whereIn("id", []).exists()).toBe(false);
    });

    it("pluck returns one field's values in query order, decoded", async () => {
      expect(await t.db.user.orderBy("id").pluck("name")).toEqual(["Ada", "Bob", "Cy", "Dee", "Eve", "Fay"]);
      expect(await t.db.user.orderBy("id").pluck("age")).toEqual([36, 25, null, 41, 25, 19]);
      expect(await t.db.user.orderBy("id").pluck("active")).toEqual([true, false, true, true, false, true]);
      const times = await t.db.user.where("active", false).orderBy("id").pluck("createdAt");
      expect(times).toEqual([new Date("2024-02-15T12:30:00.250Z"), new Date("2024-06-30T08:00:00.000Z")]);
      expect(await t.db.user.where("age", ">", 100).pluck("name")).toEqual([]);
      // pluck overrides an earlier select.
      expect(await t.db.user.select("email").orderBy("id").limit(1).pluck("name")).toEqual(["Ada"]);
    });
  });

  describe("paginate", () => {
    it("returns a page with its position in two queries", async () => {
      const base = t.db.user.orderBy("id");
      const first = await t.count(() => base.paginate({ page: 1, perPage: 4 }));
      expect(first.queries).toBe(2);
      expect(first.result).toEqual({
        data: [users.ada, users.bob, users.cy, users.dee],
        total: 6,
        page: 1,
        perPage: 4,
        lastPage: 2,
      });
    });

    it("the last page is partial", async () => {
      const { queries, result } = await t.count(() => t.db.user.orderBy("id").paginate({ page: 2, perPage: 4 }));
      expect(queries).toBe(2);
      expect(result).toEqual({ data: [users.eve, users.fay], total: 6, page: 2, perPage: 4, lastPage: 2 });
    });

    it("a page past the end is empty but keeps the totals", async () => {
      const { queries, result } = await t.count(() => t.db.user.orderBy("id").paginate({ page: 3, perPage: 4 }));
      expect(queries).toBe(2);
      expect(result).toEqual({ data: [], total: 6, page: 3, perPage: 4, lastPage: 2 });
    });

    it("counts only matching rows and applies select", async () => {
      const page = await t.db.user
        .where("active", true)
        .select("name")
        .orderBy("name", "desc")
        .paginate({ page: 2, perPage: 3 });
      expect(page).toEqual({ data: [{ name: "Ada" }], total: 4, page: 2, perPage: 3, lastPage: 2 });
      const exact = await t.db.user.orderBy("id").paginate({ page: 2, perPage: 3 });
      expect(exact.lastPage).toBe(2);
      expect(names(exact.data)).toEqual(["Dee", "Eve", "Fay"]);
      const none = await t.db.user.where("age", ">", 100).paginate({ page: 1, perPage: 3 });
      expect(none).toEqual({ data: [], total: 0, page: 1, perPage: 3, lastPage: 1 });
    });

    it("defaults to page 1 of 15", async () => {
      const page = await t.db.post.orderBy("id").paginate();
      expect(page.page).toBe(1);
      expect(page.perPage).toBe(15);
      expect(page.total).toBe(10);
      expect(page.lastPage).toBe(1);
      expect(page.data.map((p) => p.id)).toEqual(postIds);
    });
  });

  describe("cursor", () => {
    const cases: [number, number][] = [
      [3, 4], // 3 + 3 + 3 + 1
      [5, 3], // 5 + 5 + an empty read to learn the end
      [10, 2], // 10 + an empty read
      [11, 1],
      [1, 11],
    ];
    for (const [batchSize, expectedQueries] of cases) {
      it(`streams all 10 rows in order with batchSize ${batchSize} in ${expectedQueries} queries`, async () => {
        const { queries, result } = await t.count(() => collect(t.db.post.cursor({ batchSize })));
        expect(result.map((p) => p.id)).toEqual(postIds);
        expect(result[3]).toEqual(await t.db.post.find(postIds[3]!));
        expect(queries).toBe(expectedQueries);
      });
    }

    it("applies where and select (the key is read but not yielded)", async () => {
      const { queries, result } = await t.count(() =>
        collect(t.db.post.where("published", true).select("title").cursor({ batchSize: 2 })),
      );
      expect(result).toEqual([
        { title: "Post 0" },
        { title: "Post 2" },
        { title: "Post 4" },
        { title: "Post 6" },
        { title: "Post 8" },
      ]);
      expect(queries).toBe(3);
    });

    it("applies orderBy and limit", async () => {
      const { queries, result } = await t.count(() =>
        collect(t.db.post.orderBy("views", "desc").limit(5).cursor({ batchSize: 2 })),
      );
      expect(result.map((p) => p.title)).toEqual(["Post 9", "Post 8", "Post 7", "Post 6", "Post 5"]);
      expect(queries).toBe(3); // 2 + 2 + 1, the limit reached
      const byAge = await collect(t.db.user.orderBy("age", "desc").whereNotNull("age").cursor({ batchSize: 2 }));
      expect(names(byAge)).toEqual(["Dee", "Ada", "Bob", "Eve", "Fay"]);
    });

    it("applies offset", async () => {
      const rows = await collect(t.db.post.orderBy("id").offset(7).cursor({ batchSize: 2 }));
      expect(rows.map((p) => p.id)).toEqual(postIds.slice(7));
    });

    it("yields each row of a where/orWhere chain once (the key condition must not bind to the last OR branch)", async () => {
      const query = t.db.post.where("title", "Post 1").orWhere("views", ">=", 80);
      expect((await query.orderBy("id").get()).map((p) => p.title)).toEqual(["Post 1", "Post 8", "Post 9"]);
      const { queries, result } = await t.count(() => collect(query.cursor({ batchSize: 2 }), 50));
      expect(result.map((p) => p.title)).toEqual(["Post 1", "Post 8", "Post 9"]);
      expect(queries).toBe(2);
    });

    it("yields nothing for an empty result in one query", async () => {
      const { queries, result } = await t.count(() =>
        collect(t.db.post.where("views", ">", 1000).cursor({ batchSize: 3 })),
      );
      expect(result).toEqual([]);
      expect(queries).toBe(1);
    });
  });

  describe("builders are immutable", () => {
    it("a base query gives the same results after deriving others from it", async () => {
      const base = t.db.user.where("active", true);
      const before = await base.orderBy("id").get();
      const older = base.where("age", ">", 30);
      const limited = base.orderBy("name", "desc").limit(1).offset(1);
      const selected = base.select("name");
      const orGroup = base.orWhere("name", "Bob");
      expect(names(await older.orderBy("id").get())).toEqual(["Ada", "Dee"]);
      expect(names(await limited.get())).toEqual(["Dee"]);
      expect(await selected.orderBy("id").get()).toEqual([
        { name: "Ada" },
        { name: "Cy" },
        { name: "Dee" },
        { name: "Fay" },
      ]);
      expect(names(await orGroup.orderBy("id").get())).toEqual(["Ada", "Bob", "Cy", "Dee", "Fay"]);
      expect(await base.orderBy("id").get()).toEqual(before);
      expect(names(before)).toEqual(["Ada", "Cy", "Dee", "Fay"]);
      expect(await base.count()).toBe(4);
    });

    it("starting a query on the model handle leaves the handle unfiltered", async () => {
      const filtered = t.db.user.where("name", "Ada").orderBy("id").limit(1);
      expect(names(await filtered.get())).toEqual(["Ada"]);
      expect(await t.db.user.count()).toBe(6);
      expect(names(await t.db.user.orderBy("id").get())).toHaveLength(6);
      expect(names(await t.db.user.query().orderBy("id").get())).toHaveLength(6);
    });
  });

  describe("filtering by typed fields", () => {
    it("boolean fields filter by true/false and read back as booleans", async () => {
      const active = await t.db.user.where("active", true).orderBy("id").get();
      expect(names(active)).toEqual(["Ada", "Cy", "Dee", "Fay"]);
      for (const row of active) expect(row.active).toBe(true);
      const inactive = await t.db.user.where("active", "!=", true).orderBy("id").get();
      expect(names(inactive)).toEqual(["Bob", "Eve"]);
      for (const row of inactive) expect(row.active).toBe(false);
      expect(names(await t.db.user.whereIn("active", [false]).orderBy("id").get())).toEqual(["Bob", "Eve"]);
      const published = await t.db.post.where({ published: true }).orderBy("id").pluck("published");
      expect(published).toEqual([true, true, true, true, true]);
    });

    it("timestamp fields filter by Date to the millisecond and read back as Dates", async () => {
      const q = () => t.db.user.orderBy("id");
      const at = new Date("2024-06-30T08:00:00.000Z");
      expect(names(await q().where("createdAt", ">=", at).get())).toEqual(["Eve", "Fay"]);
      expect(names(await q().where("createdAt", ">", at).get())).toEqual(["Fay"]);
      expect(names(await q().where("createdAt", at).get())).toEqual(["Eve"]);
      expect(names(await q().where("createdAt", "<", new Date("2024-01-01T00:00:00.000Z")).get())).toEqual(["Dee"]);
      const between = await q()
        .whereBetween("createdAt", [new Date("2024-01-10T10:00:00.000Z"), new Date("2024-02-15T12:30:00.250Z")])
        .get();
      expect(names(between)).toEqual(["Ada", "Bob"]);
      for (const row of between) expect(row.createdAt).toBeInstanceOf(Date);
      expect(between.map((r) => r.createdAt.toISOString())).toEqual([
        "2024-01-10T10:00:00.000Z",
        "2024-02-15T12:30:00.250Z",
      ]);
      const published = await t.db.post.whereNotNull("publishedAt").orderBy("publishedAt", "desc").first();
      expect(published?.publishedAt).toEqual(new Date(Date.UTC(2024, 0, 9, 12, 0, 0, 5)));
      expect(await t.db.post.where("publishedAt", new Date(Date.UTC(2024, 0, 5, 12, 0, 0, 5))).pluck("title")).toEqual([
        "Post 4",
      ]);
    });

    it("date fields filter by YYYY-MM-DD and read back as strings", async () => {
      const q = () => t.db.profile.orderBy("id");
      const nineties = await q().whereBetween("birthday", ["1990-01-01", "1999-12-31"]).get();
      expect(nineties.map((p) => p.birthday)).toEqual(["1990-05-17", "1999-12-31"]);
      expect(await q().where("birthday", ">", "1999-12-31").pluck("birthday")).toEqual(["2000-01-01", "2005-06-30"]);
      expect(await q().where("birthday", "2000-01-01").pluck("bio")).toEqual(["Dee's bio"]);
      expect(await q().whereNull("birthday").pluck("bio")).toEqual(["Cy's bio"]);
      const all = await q().get();
      for (const row of all) {
        if (row.birthday !== null) expect(row.birthday).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(row.settings).toEqual({ theme: expect.any(String) });
      }
    });

    it("numeric fields filter and read back with their JS types", async () => {
      const q = () => t.db.post.orderBy("id");
      const rated = await q().where("rating", ">=", 4).get();
      expect(rated.map((p) => p.rating)).toEqual([4, 4.5]);
      const priced = await q().where("price", ">", "7.00").get();
      expect(priced.map((p) => p.price)).toEqual(["7.50", "8.50", "9.50"]);
      expect(await q().where("price", "3.50").pluck("title")).toEqual(["Post 3"]);
      expect(await q().whereBetween("views", [20, 40]).pluck("views")).toEqual([20, 30, 40]);
      expect(await q().whereNull("rating").pluck("title")).toEqual(["Post 0"]);
      const row = await t.db.post.findOrFail(postIds[1]!);
      expect(row).toEqual({
        id: postIds[1],
        authorId: users.ada!.id,
        title: "Post 1",
        body: null,
        published: false,
        views: 10,
        rating: 0.5,
        price: "1.50",
        publishedAt: null,
      });
    });
  });

  describe("toSql", () => {
    it("compiles the query without running it", async () => {
      const expected: PerDialect<{ sql: string; params: unknown[] }> = {
        sqlite: {
          sql: 'select "users"."id" as "id", "users"."name" as "name" from "users" where ("users"."age" > ? or "users"."name" = ?) order by "users"."name" asc limit ? offset ?',
          params: [18, "Ada", 10, 5],
        },
        postgres: {
          sql: 'select "users"."id" as "id", "users"."name" as "name" from "users" where ("users"."age" > $1 or "users"."name" = $2) order by "users"."name" asc limit $3 offset $4',
          params: [18, "Ada", 10, 5],
        },
        mysql: {
          sql: "select `users`.`id` as `id`, `users`.`name` as `name` from `users` where (`users`.`age` > ? or `users`.`name` = ?) order by `users`.`name` asc limit ? offset ?",
          params: [18, "Ada", 10, 5],
        },
      };
      const query = t.db.user
        .select("id", "name")
        .where("age", ">", 18)
        .orWhere("name", "Ada")
        .orderBy("name")
        .limit(10)
        .offset(5);
      const { queries, result } = await t.count(async () => query.toSql());
      expect(queries).toBe(0);
      expect(result).toEqual(expected[dialect]);
    });

    it("uses column names and encoded values", async () => {
      const expected: PerDialect<{ sql: string; params: unknown[] }> = {
        sqlite: {
          sql: 'select "users"."email" as "email" from "users" where ("users"."country_id" is null and "users"."active" = ? and "users"."created_at" < ?)',
          params: [1, "2024-01-01T00:00:00.000Z"],
        },
        postgres: {
          sql: 'select "users"."email" as "email" from "users" where ("users"."country_id" is null and "users"."active" = $1 and "users"."created_at" < $2)',
          params: [true, new Date("2024-01-01T00:00:00.000Z")],
        },
        mysql: {
          sql: "select `users`.`email` as `email` from `users` where (`users`.`country_id` is null and `users`.`active` = ? and `users`.`created_at` < ?)",
          params: [true, new Date("2024-01-01T00:00:00.000Z")],
        },
      };
      const query = t.db.user
        .select("email")
        .whereNull("countryId")
        .where("active", true)
        .where("createdAt", "<", new Date("2024-01-01T00:00:00.000Z"));
      expect(query.toSql()).toEqual(expected[dialect]);
      expect(await query.get()).toEqual([]);
    });
  });
});
