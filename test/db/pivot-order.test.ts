import { CompiledQuery } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { belongsToMany, defineSchema, id, model, string, timestamp } from "../../src/index.js";
import { dialect, strategy, useTestDb } from "../support/test-db.js";

/**
 * A many-to-many level without an order of its own is ordered by the pivot's (parent key,
 * related key): the same rows in the same order as by the related primary key (the join makes
 * them equal), but the database walks the pivot's primary key instead of sorting every row.
 */
const schema = defineSchema(
  {
    post: model({
      fields: { id: id(), title: string() },
      relations: { tags: belongsToMany("tag", { pivotFields: { addedAt: timestamp() } }) },
    }),
    tag: model({ fields: { id: id(), name: string() } }),
  },
  { casing: "snake_case" },
);

describe.skipIf(strategy !== "query")(`a many-to-many level's order on ${dialect}`, () => {
  const t = useTestDb(schema);
  const addedAt = new Date("2024-01-01T00:00:00.000Z");

  beforeAll(async () => {
    const tags: { id: number }[] = [];
    for (const name of ["a", "b", "c", "d"]) tags.push(await t.db.tag.create({ name }));
    // Attached out of key order, so an unordered read would show it.
    for (const [title, order] of [
      ["p1", [3, 0, 2]],
      ["p2", [1, 3]],
    ] as const) {
      await t.db.post.create({
        title,
        tags: { connect: Object.fromEntries(order.map((i) => [tags[i]!.id, { addedAt }])) },
      });
    }
  });

  it("orders by the pivot's keys: rows by related key, and no sort step on SQLite", async () => {
    const posts = await t.db.post.with("tags").orderBy("id").get();
    expect(posts.map((p) => p.tags.map((tag) => tag.name))).toEqual([
      ["a", "c", "d"],
      ["b", "d"],
    ]);
    const level = t.queries.at(-1)!.sql;
    expect(level).toMatch(
      /order by "post_tag"\."post_id", "post_tag"\."tag_id"$|order by `post_tag`\.`post_id`, `post_tag`\.`tag_id`$/,
    );
    if (dialect === "sqlite") {
      const plan = await t.db.kysely.executeQuery(
        CompiledQuery.raw(`explain query plan ${level}`, [...t.queries.at(-1)!.params]),
      );
      expect(JSON.stringify(plan.rows)).toMatch(/post_tag/);
      expect(JSON.stringify(plan.rows)).not.toMatch(/TEMP B-TREE/);
    }
  });

  it("an order of the constraint's own still wins", async () => {
    const posts = await t.db.post
      .with("tags", (q) => q.orderBy("name", "desc"))
      .orderBy("id")
      .get();
    expect(posts.map((p) => p.tags.map((tag) => tag.name))).toEqual([
      ["d", "c", "a"],
      ["d", "b"],
    ]);
  });
});

describe.skipIf(strategy !== "query")(`a many-to-many level's pivot related key on ${dialect}`, () => {
  const t = useTestDb(schema);
  const addedAt = new Date("2024-01-01T00:00:00.000Z");

  beforeAll(async () => {
    const a = await t.db.tag.create({ name: "a" });
    const b = await t.db.tag.create({ name: "b" });
    await t.db.post.create({ title: "p1", tags: { connect: { [a.id]: { addedAt }, [b.id]: { addedAt } } } });
  });

  it("is taken from the target's key when the level selects it, not selected twice", async () => {
    const [post] = await t.db.post.with("tags").get();
    expect(post!.tags.map((tag) => tag.pivot)).toEqual(
      post!.tags.map((tag) => ({ postId: post!.id, tagId: tag.id, addedAt })),
    );
    expect(Object.keys(post!.tags[0]!.pivot)).toEqual(["postId", "tagId", "addedAt"]);
    const level = t.queries.at(-1)!.sql;
    expect(level).not.toMatch(/relata_pivot_tagId/);
    expect(level).toMatch(/relata_pivot_postId/);
  });

  it("is read from the pivot when the constraint's select leaves the target's key out", async () => {
    const [post] = await t.db.post.with("tags", (q) => q.select("name")).get();
    const ids = (await t.db.tag.orderBy("id").get()).map((tag) => tag.id);
    expect(post!.tags).toEqual([
      { name: "a", pivot: { postId: post!.id, tagId: ids[0], addedAt } },
      { name: "b", pivot: { postId: post!.id, tagId: ids[1], addedAt } },
    ]);
    expect(t.queries[1]!.sql).toMatch(/relata_pivot_tagId/);
  });
});
