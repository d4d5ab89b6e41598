import { describe, expect, it } from "vitest";
import { blog } from "../support/blog-schema.js";
import { dialect, useTestDb } from "../support/test-db.js";

/**
 * Compiled SQL is reused per query shape with the new values bound (query/compiled-cache.ts):
 * every repetition of a shape must read exactly what a fresh compile would.
 */
describe(`reused compiled SQL on ${dialect}`, () => {
  const t = useTestDb(blog);

  const people = [
    { email: "a@c.dev", name: "Ada", age: 30 },
    { email: "b@c.dev", name: "Bob", age: 30 },
    { email: "c@c.dev", name: "Cy", age: 41 },
    { email: "d@c.dev", name: "Dee", age: null },
    { email: "e@c.dev", name: "Eve", age: 25 },
  ];

  it("one shape, many values: each run binds its own, in the right places", async () => {
    const users = await t.db.user.createMany(people);
    const byName = (name: string) => users.find((u) => u.name === name)!;
    for (const [name, age] of [
      ["Ada", 20],
      ["Bob", 29],
      ["Cy", 40],
      ["Eve", 30],
      ["Ada", 31],
    ] as const) {
      const found = await t.db.user.where("name", name).where("age", ">", age).orderBy("id").get();
      const expected = byName(name).age! > age ? [byName(name)] : [];
      expect(found).toEqual(expected);
    }
    // The same SQL text each time, the values bound anew.
    const sqls = new Set(t.queries.filter((q) => q.sql.startsWith("select")).map((q) => q.sql));
    expect(sqls.size).toBe(1);
  });

  it("first(): `limit 1` written into the SQL, one statement for every id; limit(1) and limit(2) stay apart", async () => {
    await t.truncate();
    const users = await t.db.user.createMany(people);
    t.queries.length = 0;
    for (const user of [...users, users[0]!]) {
      expect(await t.db.user.where("id", user.id).first()).toEqual(user);
    }
    const lookups = t.queries.filter((q) => q.sql.startsWith("select"));
    expect(new Set(lookups.map((q) => q.sql)).size).toBe(1);
    expect(lookups[0]!.sql).toMatch(/limit 1$/);
    expect(lookups.map((q) => q.params)).toEqual([...users, users[0]!].map((u) => [u.id]));
    // The literal one and a bound limit are different shapes: neither serves the other's SQL.
    expect(await t.db.user.orderBy("id").limit(1).get()).toEqual([users[0]]);
    expect(await t.db.user.orderBy("id").limit(2).get()).toEqual(users.slice(0, 2));
    expect(await t.db.user.orderBy("id").limit(1).offset(1).get()).toEqual([users[1]]);
    expect(await t.db.user.orderBy("id").limit(3).offset(1).get()).toEqual(users.slice(1, 4));
  });

  it("a shape first seen with equal values, then with different ones", async () => {
    await t.truncate();
    const users = await t.db.user.createMany(people);
    // age = 30 and id > 30: the same number twice the first time.
    expect(await t.db.user.where("age", 30).where("id", ">", 30).count()).toBe(0);
    for (const [age, above] of [
      [30, 0],
      [30, users[0]!.id],
      [41, 0],
      [25, users[4]!.id],
    ] as const) {
      const found = await t.db.user.where("age", age).where("id", ">", above).orderBy("id").get();
      expect(found).toEqual(users.filter((u) => u.age === age && u.id > above));
    }
  });

  it("lists, ranges, groups, null checks, LIKE and paging, repeated with other values", async () => {
    await t.truncate();
    const users = await t.db.user.createMany(people);
    const cases = [
      { names: ["Ada", "Cy"], low: 20, high: 35, like: "%a%", skip: 0 },
      { names: ["Bob", "Dee", "Eve"], low: 0, high: 100, like: "%e%", skip: 1 },
      { names: ["Eve"], low: 26, high: 40, like: "E%", skip: 0 },
      { names: ["Ada", "Bob"], low: 30, high: 30, like: "%", skip: 1 },
    ];
    for (const c of cases) {
      const found = await t.db.user
        .where((q) => q.whereIn("name", c.names).orWhereNull("age"))
        .where((q) => q.whereBetween("age", [c.low, c.high]).orWhere("name", "like", c.like))
        .orderBy("id")
        .limit(2)
        .offset(c.skip)
        .get();
      const like = new RegExp(`^${c.like.replaceAll("%", ".*")}$`, "i");
      const expected = users
        .filter((u) => c.names.includes(u.name) || u.age === null)
        .filter((u) => (u.age !== null && u.age >= c.low && u.age <= c.high) || like.test(u.name))
        .slice(c.skip, c.skip + 2);
      // SQLite and MySQL compare LIKE case-insensitively for ASCII; PostgreSQL does not.
      if (dialect !== "postgres") expect(found).toEqual(expected);
      else expect(found.every((u) => c.names.includes(u.name) || u.age === null)).toBe(true);
    }
  });

  it("eager levels: the same relation query with other keys and constraint values", async () => {
    await t.truncate();
    const users = await t.db.user.createMany(people);
    const posts = await t.db.post.createMany(
      users.flatMap((u, i) => [
        { authorId: u.id, title: `p${i}a`, views: i },
        { authorId: u.id, title: `p${i}b`, views: i + 10 },
        { authorId: u.id, title: `p${i}c`, views: i + 20 },
      ]),
    );
    // A per-parent offset of 0 (or none) and one above 0 are different shapes (no lower bound
    // on the rank without an offset): each run must page as asked, whichever came first.
    for (const [ids, minViews, take, skip] of [
      [[users[0]!.id, users[1]!.id], 0, 2, 0],
      [[users[2]!.id], 10, 1, 1],
      [[users[3]!.id, users[4]!.id, users[0]!.id], 5, 3, 0],
      [[users[1]!.id], 0, 2, 1],
      [[users[1]!.id, users[2]!.id], 0, 2, 0],
      [[users[1]!.id], 21, 2, 0],
    ] as const) {
      const found = await t.db.user
        .whereIn("id", [...ids])
        .orderBy("id")
        .with("posts", (q) => {
          const paged = q.where("views", ">=", minViews).orderBy("id", "desc").limit(take);
          return skip > 0 ? paged.offset(skip) : paged;
        })
        .get();
      for (const user of found) {
        const expected = posts
          .filter((p) => p.authorId === user.id && p.views >= minViews)
          .sort((a, b) => b.id - a.id)
          .slice(skip, skip + take);
        expect(user.posts).toEqual(expected);
      }
      expect(found.map((u) => u.id)).toEqual([...ids].sort((a, b) => a - b));
    }
  });
});
