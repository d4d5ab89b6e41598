import { beforeAll, describe, expect, it } from "vitest";
import { belongsTo, boolean, defineSchema, hasMany, id, integer, model, string, timestamp } from "../../src/index.js";
import { dialect, strategy, useTestDb } from "../support/test-db.js";

/**
 * A page (offset) of rows with relation aggregates reads the page first and works out the
 * aggregates for its rows alone: a database evaluates a select list's subqueries for the rows
 * an OFFSET skips too. Same rows, same values, with or without relations loaded, under soft
 * deletes, a narrowed select and any order of fields; sorting by an aggregate keeps one query.
 */
const schema = defineSchema(
  {
    user: model({
      fields: { id: id(), name: string(), deletedAt: timestamp().nullable() },
      softDeletes: true,
      relations: { posts: hasMany("post") },
    }),
    post: model({
      fields: { id: id(), userId: integer(), title: string(), published: boolean() },
      relations: { author: belongsTo("user") },
    }),
  },
  { casing: "snake_case" },
);

describe(`aggregates of a page on ${dialect} (${strategy})`, () => {
  const t = useTestDb(schema);
  /** user i (1..12) has i posts, the even ones published; user 5 is soft-deleted. */
  const expected: { name: string; postsCount: number; published: number }[] = [];

  beforeAll(async () => {
    for (let i = 1; i <= 12; i++) {
      const user = await t.db.user.create({ name: `u${String(i).padStart(2, "0")}` });
      await t.db.post.createMany(
        Array.from({ length: i }, (_, j) => ({ userId: user.id, title: `p${i}.${j}`, published: j % 2 === 0 })),
      );
      if (i === 5) await t.db.user.where("id", user.id).delete();
      else expected.push({ name: user.name, postsCount: i, published: Math.ceil(i / 2) });
    }
  });

  const page = (offset: number, limit = 3) =>
    t.db.user
      .select("name")
      .withCount("posts", { "posts as published": (q) => q.where("published", true) })
      .orderBy("name")
      .limit(limit)
      .offset(offset);

  it("gives each page's rows their aggregates, in order, the page read before the aggregates", async () => {
    for (const offset of [0, 3, 9, 10]) {
      const rows = await page(offset).get();
      expect(rows).toEqual(expected.slice(offset, offset + 3));
    }
    expect(t.queries.at(-1)!.sql).toMatch(/from \(select/i);
    // Descending, and with relations loaded below.
    const desc: any[] = await t.db.user
      .withCount("posts")
      .with("posts")
      .orderBy("name", "desc")
      .limit(2)
      .offset(1)
      .get();
    expect(desc.map((u) => [u.name, u.postsCount, u.posts.length])).toEqual([
      ["u11", 11, 11],
      ["u10", 10, 10],
    ]);
  });

  it("sorting by an aggregate works it out for every row (no page first)", async () => {
    const rows = await t.db.user.withCount("posts").orderBy("postsCount", "desc").limit(2).offset(2).get();
    expect(rows.map((u) => [u.name, u.postsCount])).toEqual([
      ["u10", 10],
      ["u09", 9],
    ]);
  });
});
