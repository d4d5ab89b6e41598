import { beforeAll, describe, expect, it } from "vitest";
import {
  belongsTo,
  belongsToMany,
  boolean,
  defineSchema,
  hasMany,
  id,
  integer,
  model,
  morphMany,
  morphTo,
  string,
  timestamp,
} from "../../src/index.js";
import { dialect, strategy, useTestDb } from "../support/test-db.js";

/**
 * The "join" strategy decodes a whole graph in one pass per level: on SQLite each related row
 * arrives as an array of values (json_array, nested arrays built in the aggregate's arguments),
 * elsewhere as an object. The same graph read by both strategies must be the same rows, with
 * the same keys and prototypes: pivot values, a per-parent limit in descending order, a morphTo
 * with nested relations per type, aggregates and a narrowed select at every depth.
 */
const schema = defineSchema({
  user: model({
    fields: { id: id(), name: string() },
    relations: { posts: hasMany("post", { foreignKey: "authorId" }) },
  }),
  post: model({
    fields: {
      id: id(),
      authorId: integer().references("user.id"),
      title: string(),
      published: boolean(),
      createdAt: timestamp(),
    },
    relations: {
      author: belongsTo("user", { foreignKey: "authorId" }),
      tags: belongsToMany("tag", { pivotFields: { addedAt: timestamp() } }),
      notes: morphMany("note", { morphName: "notable" }),
    },
  }),
  video: model({
    fields: { id: id(), authorId: integer().references("user.id"), title: string() },
    relations: {
      author: belongsTo("user", { foreignKey: "authorId" }),
      notes: morphMany("note", { morphName: "notable" }),
    },
  }),
  note: model({
    fields: { id: id(), notableType: string().nullable(), notableId: integer().nullable(), body: string() },
    relations: { notable: morphTo() },
  }),
  tag: model({ fields: { id: id(), name: string() } }),
});

describe.skipIf(strategy !== "query")(`the join strategy's graph equals the query strategy's on ${dialect}`, () => {
  const t = useTestDb(schema);

  beforeAll(async () => {
    const { db } = t;
    const [ada, bob] = [await db.user.create({ name: "Ada" }), await db.user.create({ name: "Bob" })];
    await db.user.create({ name: "Cy" });
    const tags = [await db.tag.create({ name: "a" }), await db.tag.create({ name: "b" })];
    for (let i = 0; i < 6; i++) {
      const post = await db.post.create({
        authorId: i % 2 === 0 ? ada.id : bob.id,
        title: `Post ${i}`,
        published: i % 3 === 0,
        createdAt: new Date(Date.UTC(2024, 0, 1 + i)),
      });
      for (const tag of tags.slice(0, i % 3)) {
        await db.post.related(post, "tags").attach({ [tag.id]: { addedAt: new Date(Date.UTC(2024, 1, 1 + i)) } });
      }
      await db.note.create({ notableType: "post", notableId: post.id, body: `on post ${i}` });
    }
    const video = await db.video.create({ authorId: bob.id, title: "Clip" });
    await db.note.create({ notableType: "video", notableId: video.id, body: "on the clip" });
    await db.note.create({ notableType: null, notableId: null, body: "on nothing" });
  });

  const shape = (rows: readonly object[]) =>
    rows.map((row) => [Object.getPrototypeOf(row), Object.keys(row).sort().join(",")]);

  it("users > newest 2 posts (with a count of tags) > tags with pivot values", async () => {
    const read = (how: "query" | "join") =>
      t.db.user
        .strategy(how)
        .with("posts", (q) =>
          q
            .orderBy("createdAt", "desc")
            .limit(2)
            .withCount("tags")
            .with("tags", (tags) => tags.orderBy("name", "desc")),
        )
        .orderBy("id")
        .get();
    const joined = await t.count(() => read("join"));
    const statement = t.queries.at(-1)!.sql;
    const apart = await read("query");
    expect(joined.queries).toBe(1);
    expect(joined.result).toEqual(apart);
    expect(joined.result.map((u) => u.posts.map((p) => p.title))).toEqual([
      ["Post 4", "Post 2"],
      ["Post 5", "Post 3"],
      [],
    ]);
    expect(joined.result[0]!.posts[1]!.tags.map((tag) => [tag.name, tag.pivot.addedAt])).toEqual([
      ["b", new Date(Date.UTC(2024, 1, 3))],
      ["a", new Date(Date.UTC(2024, 1, 3))],
    ]);
    expect(joined.result[0]!.posts.map((p) => p.tagsCount)).toEqual([1, 2]);
    expect(shape(joined.result.flatMap((u) => u.posts))).toEqual(shape(apart.flatMap((u) => u.posts)));
    if (dialect === "sqlite") {
      expect(statement).toContain("json_array(");
      expect(statement).not.toContain("json_object(");
    }
  });

  it("notes (a narrowed select) > morphTo (post or video) > author", async () => {
    const read = (how: "query" | "join") =>
      t.db.note.strategy(how).select("id", "body").with("notable.author").orderBy("id").get();
    const joined = await t.count(() => read("join"));
    const apart = await read("query");
    expect(joined.queries).toBe(1);
    expect(joined.result).toEqual(apart);
    expect(shape(joined.result)).toEqual(shape(apart));
    expect(joined.result.map((n) => (n.notable ? `${n.notable.title} by ${n.notable.author?.name}` : null))).toEqual([
      "Post 0 by Ada",
      "Post 1 by Bob",
      "Post 2 by Ada",
      "Post 3 by Bob",
      "Post 4 by Ada",
      "Post 5 by Bob",
      "Clip by Bob",
      null,
    ]);
  });

  it("a point read whose relations all join as to-ones is the joined statement, compiled once", async () => {
    const post = (await t.db.post.orderBy("id").first())!;
    const read = (how: "query" | "join") => t.db.post.strategy(how).with("author").where("id", post.id).first();
    const joined = await t.count(() => read("join"));
    const statement = t.queries.at(-1)!.sql.toLowerCase();
    expect(joined.queries).toBe(1);
    expect(joined.result).toEqual(await read("query"));
    expect(joined.result!.author!.name).toBe("Ada");
    expect(statement).toContain("left join");
    expect(statement).not.toMatch(/json_group_array|json_agg|group_concat/);
    // With a relation below the joined one, the whole load is still one JSON statement.
    const nested = await t.count(() => t.db.post.strategy("join").with("author.posts").where("id", post.id).first());
    expect(nested.queries).toBe(1);
    expect(nested.result!.author!.posts.map((p) => p.title)).toEqual(["Post 0", "Post 2", "Post 4"]);
  });
});
