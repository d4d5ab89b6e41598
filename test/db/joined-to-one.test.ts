import { beforeAll, describe, expect, it } from "vitest";
import { belongsTo, defineSchema, hasMany, hasOne, id, integer, model, string, timestamp } from "../../src/index.js";
import { dialect, strategy, useTestDb } from "../support/test-db.js";

/**
 * A read of one row with the "query" strategy (first, find, findUnique) reads its unique to-one
 * relations loaded without a constraint (a belongsTo, a hasOne on a unique key) in its own
 * statement, as a LEFT JOIN (loader/joined-to-one.ts): the same row as a second statement, one
 * round trip fewer. Each case is read both ways (joined, and with a constraint that keeps the
 * relation a statement of its own) and must agree.
 */
const schema = defineSchema({
  user: model({
    fields: { id: id(), name: string(), secret: string().default("s"), referrerId: integer().nullable() },
    hidden: ["secret"],
    relations: {
      profile: hasOne("profile"),
      latestPost: hasOne("post", { foreignKey: "authorId" }),
      posts: hasMany("post", { foreignKey: "authorId" }),
      referrer: belongsTo("user", { foreignKey: "referrerId" }),
    },
  }),
  profile: model({
    fields: { id: id(), userId: integer().unique().references("user.id"), bio: string() },
    relations: { user: belongsTo("user") },
  }),
  category: model({
    fields: { id: id(), name: string(), deletedAt: timestamp().nullable() },
    softDeletes: true,
  }),
  post: model({
    fields: {
      id: id(),
      title: string(),
      authorId: integer().nullable().references("user.id"),
      categoryId: integer().nullable().references("category.id"),
    },
    relations: {
      author: belongsTo("user", { foreignKey: "authorId" }),
      category: belongsTo("category"),
      anyCategory: belongsTo("category", { foreignKey: "categoryId", withTrashed: true }),
    },
  }),
});

describe.skipIf(strategy !== "query")(`a read of one row joins its unique to-one relations on ${dialect}`, () => {
  const t = useTestDb(schema);
  /** The same relation behind a constraint that changes nothing: read by a statement of its own. */
  const apart = <Q extends { where(field: "id", op: ">", value: number): Q }>(q: Q) => q.where("id", ">", 0);
  let users: { id: number; name: string; referrerId: number | null }[] = [];
  let posts: { id: number; title: string }[] = [];

  beforeAll(async () => {
    const { db } = t;
    const ada = await db.user.create({ name: "Ada" });
    const bob = await db.user.create({ name: "Bob", referrerId: ada.id });
    const cy = await db.user.create({ name: "Cy", referrerId: bob.id });
    users = [ada, bob, cy];
    await db.profile.create({ userId: ada.id, bio: "math" });
    await db.profile.create({ userId: bob.id, bio: "ships" });
    const open = await db.category.create({ name: "open" });
    const gone = await db.category.create({ name: "gone" });
    await db.category.where("id", gone.id).delete();
    posts = [
      await db.post.create({ title: "a", authorId: ada.id, categoryId: open.id }),
      await db.post.create({ title: "b", authorId: bob.id, categoryId: gone.id }),
      await db.post.create({ title: "c", authorId: null, categoryId: null }),
    ];
  });

  it("a hasOne on a unique key and a self-referencing belongsTo: one statement, a LEFT JOIN, the same row", async () => {
    for (const user of users) {
      const joined = await t.count(() => t.db.user.with("profile", "referrer").where("id", user.id).first());
      expect(joined.queries).toBe(1);
      expect(t.queries.at(-1)!.sql).toMatch(/left join/i);
      const separate = await t.count(() =>
        t.db.user
          .with("profile", (q) => apart(q))
          .with("referrer", (q) => apart(q))
          .where("id", user.id)
          .first(),
      );
      // The user, its profile, its referrer (no statement for a null key).
      expect(separate.queries).toBe(user.referrerId === null ? 2 : 3);
      expect(joined.result).toEqual(separate.result);
      expect(joined.result).not.toHaveProperty("secret");
      if (joined.result?.referrer) expect(joined.result.referrer).not.toHaveProperty("secret");
    }
    const names = await Promise.all(
      users.map(async (u) => {
        const row = await t.db.user.with("profile", "referrer").where("id", u.id).firstOrFail();
        return [row.profile?.bio ?? null, row.referrer?.name ?? null];
      }),
    );
    expect(names).toEqual([
      ["math", null],
      ["ships", "Ada"],
      [null, "Bob"],
    ]);
  });

  it("findUnique and a null key: one statement, null", async () => {
    const [, , untitled] = posts;
    const { queries, result } = await t.count(() =>
      t.db.post.findUnique({ where: { id: untitled!.id }, include: { author: true, category: true } }),
    );
    expect(queries).toBe(1);
    expect(result).toEqual({ ...untitled, author: null, category: null });
  });

  it("the target's rule goes into the join: a soft-deleted owner is null; withTrashed keeps its own statement", async () => {
    const [, second] = posts;
    const joined = await t.count(() => t.db.post.with("category").where("id", second!.id).first());
    expect(joined.queries).toBe(1);
    expect(joined.result?.category).toBeNull();
    const trashed = await t.count(() => t.db.post.with("anyCategory").where("id", second!.id).first());
    expect(trashed.queries).toBe(2);
    expect(trashed.result?.anyCategory?.name).toBe("gone");
  });

  it("relations below a joined one load as usual; a hasOne on a key that is not unique keeps its statement", async () => {
    const [first] = posts;
    const nested = await t.count(() => t.db.post.with("author.profile", "author.posts").where("id", first!.id).first());
    expect(nested.queries).toBe(3);
    expect(nested.result?.author?.profile?.bio).toBe("math");
    expect(nested.result?.author?.posts.map((p) => p.title)).toEqual(["a"]);
    const notUnique = await t.count(() => t.db.user.with("latestPost").where("id", users[0]!.id).first());
    expect(notUnique.queries).toBe(2);
    expect(notUnique.result?.latestPost?.title).toBe("a");
  });

  it("a read of many rows keeps one statement per relation level", async () => {
    const { queries, result } = await t.count(() => t.db.user.with("profile").orderBy("id").get());
    expect(queries).toBe(2);
    expect(result.map((u) => u.profile?.bio ?? null)).toEqual(["math", "ships", null]);
  });

  it("with a select, an aggregate and an order on the parent, both relations joined", async () => {
    const { queries, result } = await t.count(() =>
      t.db.post.select("title").with("author", "category").withCount("author").orderBy("id", "desc").first(),
    );
    expect(queries).toBe(1);
    expect(result).toEqual({ title: "c", author: null, category: null, authorCount: 0 });
    const bob = await t.db.post.select("title").with("author").where("title", "b").first();
    expect(bob).toEqual({ title: "b", author: { id: users[1]!.id, name: "Bob", referrerId: users[0]!.id } });
  });

  it("a constraint that only selects still joins; the join key it leaves out is read, then dropped", async () => {
    for (const user of users) {
      const joined = await t.count(() =>
        t.db.user
          .select("name")
          .with("profile", (q) => q.select("bio"))
          .with("referrer", (q) => q.select("name"))
          .where("id", user.id)
          .first(),
      );
      expect(joined.queries).toBe(1);
      const separate = await t.db.user
        .select("name")
        .with("profile", (q) => apart(q).select("bio"))
        .with("referrer", (q) => apart(q).select("name"))
        .where("id", user.id)
        .first();
      expect(joined.result).toEqual(separate);
      expect(Object.keys(joined.result!.profile ?? {})).toEqual(joined.result!.profile ? ["bio"] : []);
    }
    const ada = await t.db.user
      .select("name")
      .with("profile", (q) => q.select("bio"))
      .where("id", users[0]!.id)
      .first();
    expect(ada).toEqual({ name: "Ada", profile: { bio: "math" } });
  });
});
