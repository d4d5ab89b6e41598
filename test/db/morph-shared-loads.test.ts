import { beforeAll, describe, expect, it } from "vitest";
import { belongsTo, defineSchema, hasMany, id, integer, model, morphTo, string } from "../../src/index.js";
import { dialect, strategy, useTestDb } from "../support/test-db.js";

/**
 * Below a morphTo, a belongsTo that the target models define alike (same name, target, keys and
 * options) loads once for the rows of every target: `with("commentable.author")` reads the
 * authors of posts and videos in one statement. Relations defined differently, or constrained
 * per target model (morphWith / constrain), keep a statement each.
 */
const schema = defineSchema(
  {
    user: model({ fields: { id: id(), name: string() }, relations: { posts: hasMany("post") } }),
    post: model({
      fields: { id: id(), userId: integer(), editorId: integer().nullable(), title: string() },
      relations: {
        author: belongsTo("user", { foreignKey: "userId" }),
        editor: belongsTo("user", { foreignKey: "editorId" }),
      },
    }),
    video: model({
      fields: { id: id(), userId: integer(), editorId: integer().nullable(), title: string() },
      relations: {
        author: belongsTo("user", { foreignKey: "userId" }),
        // The same name, another default: not the same definition.
        editor: belongsTo("user", { foreignKey: "editorId", withDefault: { name: "nobody" } }),
      },
    }),
    note: model({
      fields: { id: id(), notableType: string(), notableId: integer(), body: string() },
      relations: { notable: morphTo({ morphName: "notable", types: ["post", "video"] }) },
    }),
  },
  { casing: "snake_case" },
);

describe.skipIf(strategy !== "query")(`loads shared below a morphTo on ${dialect}`, () => {
  const t = useTestDb(schema);

  beforeAll(async () => {
    const db = t.db;
    for (const name of ["ada", "bob", "cy", "dee"]) await db.user.create({ name });
    await db.post.create({ id: 1, userId: 1, editorId: 3, title: "p1" });
    await db.post.create({ id: 2, userId: 2, title: "p2" });
    await db.video.create({ id: 1, userId: 2, editorId: 4, title: "v1" });
    await db.video.create({ id: 2, userId: 4, title: "v2" });
    for (const [type, key] of [
      ["post", 1],
      ["video", 1],
      ["post", 2],
      ["video", 2],
      ["video", 1],
    ] as const) {
      await db.note.create({ notableType: type, notableId: key, body: `${type}${key}` });
    }
  });

  const name = (row: unknown) => (row as { name: string } | null)?.name ?? null;

  it("a belongsTo defined alike on every target loads in one statement for all of them", async () => {
    const { queries, result } = await t.count(() => t.db.note.with("notable.author").orderBy("id").get());
    expect(queries).toBe(4); // notes, posts, videos, the authors of both
    expect(t.queries.at(-1)!.sql).toMatch(/from ["`]user["`]/);
    expect(result.map((note) => [note.body, name((note.notable as { author: unknown }).author)])).toEqual([
      ["post1", "ada"],
      ["video1", "bob"],
      ["post2", "bob"],
      ["video2", "dee"],
      ["video1", "bob"],
    ]);
  });

  it("relations defined differently on the targets keep a statement each, with their own options", async () => {
    const { queries, result } = await t.count(() => t.db.note.with("notable.editor").orderBy("id").get());
    expect(queries).toBe(5); // notes, posts, videos, the posts' editors, the videos' editors
    expect(result.map((note) => name((note.notable as { editor: unknown }).editor))).toEqual([
      "cy",
      "dee",
      null,
      "nobody",
      "dee",
    ]);
  });

  it("a constraint on the relation per target model keeps them apart; one on the targets does not", async () => {
    const apart = await t.count(() =>
      t.db.note
        .with("notable", (q) => q.morphWith({ post: ["author"], video: [{ author: (a) => a.where("name", "bob") }] }))
        .orderBy("id")
        .get(),
    );
    expect(apart.queries).toBe(5); // notes, posts, videos, the posts' authors, the videos' authors (bob only)
    const authors = (notes: readonly { notable: unknown }[]) =>
      notes.map((note) => name((note.notable as { author?: unknown } | null)?.author ?? null));
    expect(authors(apart.result)).toEqual(["ada", "bob", "bob", null, "bob"]);
    // Constraining the videos themselves leaves the authors defined alike: one statement for them.
    const shared = await t.count(() =>
      t.db.note
        .with("notable", (q) =>
          q.morphWith({ post: ["author"], video: ["author"] }).constrain({ video: (v) => v.where("id", 1) }),
        )
        .orderBy("id")
        .get(),
    );
    expect(shared.queries).toBe(4);
    expect(authors(shared.result)).toEqual(["ada", "bob", "bob", null, "bob"]);
  });
});
