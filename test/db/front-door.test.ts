import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  belongsTo,
  belongsToMany,
  boolean,
  defineSchema,
  hasMany,
  hasManyThrough,
  hasOne,
  id,
  integer,
  model,
  morphMany,
  morphTo,
  string,
  timestamp,
  ValidationError,
} from "../../src/index.js";
import { installModelRule } from "../../src/plan/front-door.js";
import type { WhereNode } from "../../src/plan/where.js";
import { caught } from "../support/caught.js";
import { dialect, useTestDb } from "../support/test-db.js";

/**
 * The front door (src/plan/front-door.ts): every statement on a model starts there, so a
 * model's rule holds on every path that reaches the model. Here post has the rule
 * `published = true`; every read, eager load (both strategies, every relation kind reaching
 * post), relation filter, aggregate, related(row, relation) read and write, and fluent
 * update/delete must see the published posts only. Inserts take no rule.
 */
const schema = defineSchema({
  country: model({
    table: "fd_countries",
    fields: { id: id(), name: string() },
    relations: { users: hasMany("user"), posts: hasManyThrough("post", { through: "user", secondKey: "authorId" }) },
  }),
  user: model({
    table: "fd_users",
    fields: { id: id(), name: string(), countryId: integer().references("country.id") },
    relations: {
      country: belongsTo("country"),
      posts: hasMany("post", { foreignKey: "authorId" }),
      firstPost: hasOne("post", { foreignKey: "authorId" }),
    },
  }),
  post: model({
    table: "fd_posts",
    fields: {
      id: id(),
      authorId: integer().references("user.id"),
      title: string(),
      published: boolean().default(false),
      views: integer().default(0),
      archivedAt: timestamp().nullable(),
    },
    relations: {
      author: belongsTo("user", { foreignKey: "authorId" }),
      tags: belongsToMany("tag", { table: "fd_post_tag", pivotFields: ["note"] }),
      comments: morphMany("comment", { morphName: "commentable" }),
    },
  }),
  tag: model({
    table: "fd_tags",
    fields: { id: id(), name: string() },
    relations: { posts: belongsToMany("post", { table: "fd_post_tag", pivotFields: ["note"] }) },
  }),
  video: model({
    table: "fd_videos",
    fields: { id: id(), title: string() },
    relations: { comments: morphMany("comment", { morphName: "commentable" }) },
  }),
  comment: model({
    table: "fd_comments",
    fields: { id: id(), body: string(), commentableType: string(), commentableId: integer() },
    relations: { commentable: morphTo() },
  }),
  pin: model({
    table: "fd_pins",
    fields: { id: id(), postId: integer().references("post.id"), note: string() },
    relations: { post: belongsTo("post") },
  }),
});

const PUBLISHED: WhereNode = { type: "compare", or: false, field: "published", op: "=", value: true };
const NOT_ARCHIVED: WhereNode = { type: "null", or: false, field: "archivedAt", not: false };

const titles = (rows: readonly any[]): string[] => rows.map((row) => row.title);
const names = (rows: readonly any[]): string[] => rows.map((row) => row.name);
const STRATEGIES = ["query", "join"] as const;

describe(`the front door: a model's rule on every path, on ${dialect}`, () => {
  const t = useTestDb(schema);
  let north: any, ada: any, bob: any;
  let draft: any, pub: any, bobDraft: any;
  let news: any, old: any, clip: any;
  let onPub: any, onDraft: any, onClip: any;
  let pinPub: any, pinDraft: any;

  beforeAll(() => installModelRule(schema, "post", [PUBLISHED]));

  beforeEach(async () => {
    await t.truncate();
    const db = t.db;
    north = await db.country.create({ name: "North" });
    ada = await db.user.create({ name: "Ada", countryId: north.id });
    bob = await db.user.create({ name: "Bob", countryId: north.id });
    // The draft comes first: without the rule it would be Ada's first post.
    draft = await db.post.create({
      authorId: ada.id,
      title: "ada-draft",
      published: false,
      views: 100,
      archivedAt: new Date(Date.UTC(2024, 0, 1)),
    });
    pub = await db.post.create({ authorId: ada.id, title: "ada-pub", published: true, views: 10 });
    bobDraft = await db.post.create({ authorId: bob.id, title: "bob-draft", published: false, views: 5 });
    news = await db.tag.create({ name: "news" });
    old = await db.tag.create({ name: "old" });
    await db.post.related(draft, "tags").attach(news.id, { note: "d" });
    await db.post.related(pub, "tags").attach(news.id, { note: "p" });
    await db.post.related(bobDraft, "tags").attach(old.id, { note: "b" });
    clip = await db.video.create({ title: "clip" });
    onDraft = await db.comment.create({ body: "on-draft", commentableType: "post", commentableId: draft.id });
    onPub = await db.comment.create({ body: "on-pub", commentableType: "post", commentableId: pub.id });
    onClip = await db.comment.create({ body: "on-clip", commentableType: "video", commentableId: clip.id });
    pinDraft = await db.pin.create({ postId: draft.id, note: "pin-draft" });
    pinPub = await db.pin.create({ postId: pub.id, note: "pin-pub" });
  });

  /** The posts as stored, read around relata (no rule): title -> views. */
  const stored = async (): Promise<Record<string, number>> => {
    const rows = await t.db.kysely.selectFrom("fd_posts").select(["title", "views"]).orderBy("id").execute();
    return Object.fromEntries(rows.map((row: any) => [row.title, Number(row.views)]));
  };

  describe("reads of the model", () => {
    it("get", async () => {
      expect(titles(await t.db.post.orderBy("id").get())).toEqual(["ada-pub"]);
      // An orWhere cannot escape the rule.
      const either = await t.db.post.where("authorId", bob.id).orWhere("views", ">", 50).get();
      expect(either).toEqual([]);
    });

    it("first", async () => {
      expect(await t.db.post.where("authorId", bob.id).first()).toBeNull();
      expect((await t.db.post.orderBy("id").first())?.title).toBe("ada-pub");
    });

    it("count", async () => {
      expect(await t.db.post.count()).toBe(1);
      expect(await t.db.post.where("authorId", ada.id).count()).toBe(1);
    });

    it("exists", async () => {
      expect(await t.db.post.where("authorId", bob.id).exists()).toBe(false);
      expect(await t.db.post.where("authorId", ada.id).exists()).toBe(true);
    });

    it("pluck", async () => {
      expect(await t.db.post.orderBy("id").pluck("title")).toEqual(["ada-pub"]);
    });

    it("paginate", async () => {
      const page = await t.db.post.orderBy("id").paginate({ perPage: 2 });
      expect(titles(page.data)).toEqual(["ada-pub"]);
      expect(page.total).toBe(1);
      expect(page.lastPage).toBe(1);
    });

    it("cursor", async () => {
      const seen: string[] = [];
      for await (const post of t.db.post.cursor({ batchSize: 1 })) seen.push(post.title);
      expect(seen).toEqual(["ada-pub"]);
      const ordered: string[] = [];
      for await (const post of t.db.post.orderBy("views", "desc").cursor({ batchSize: 1 })) ordered.push(post.title);
      expect(ordered).toEqual(["ada-pub"]);
    });

    it("find", async () => {
      expect(await t.db.post.find(draft.id)).toBeNull();
      expect((await t.db.post.find(pub.id))?.title).toBe("ada-pub");
      expect(await caught(() => t.db.post.findOrFail(bobDraft.id))).toMatchObject({ name: "NotFoundError" });
    });

    it("findMany", async () => {
      expect(titles(await t.db.post.findMany({ orderBy: { id: "asc" } }))).toEqual(["ada-pub"]);
      expect(await t.db.post.findMany({ where: { OR: [{ authorId: bob.id }, { views: { gt: 50 } }] } })).toEqual([]);
      const users = await t.db.user.findMany({ include: { posts: true }, orderBy: { id: "asc" } });
      expect(users.map((u) => titles(u.posts))).toEqual([["ada-pub"], []]);
    });

    it("findFirst", async () => {
      expect(await t.db.post.findFirst({ where: { authorId: bob.id } })).toBeNull();
      expect((await t.db.post.findFirst({ where: { authorId: ada.id } }))?.title).toBe("ada-pub");
    });

    it("findUnique", async () => {
      expect(await t.db.post.findUnique({ where: { id: draft.id } })).toBeNull();
      expect((await t.db.post.findUnique({ where: { id: pub.id } }))?.title).toBe("ada-pub");
    });
  });

  describe.each(STRATEGIES)("with() eager loading, %s strategy", (strategy) => {
    /** Statements a load of `levels` query-strategy statements takes under this strategy. */
    const statements = (levels: number) => (strategy === "join" ? 1 : levels);

    it("hasMany", async () => {
      const { queries, result } = await t.count(() => t.db.user.with("posts").strategy(strategy).orderBy("id").get());
      expect(queries).toBe(statements(2));
      expect(result.map((u) => titles(u.posts))).toEqual([["ada-pub"], []]);
    });

    it("hasOne", async () => {
      const users = await t.db.user.with("firstPost").strategy(strategy).orderBy("id").get();
      expect(users.map((u) => u.firstPost?.title ?? null)).toEqual(["ada-pub", null]);
    });

    it("belongsTo", async () => {
      const { queries, result } = await t.count(() => t.db.pin.with("post").strategy(strategy).orderBy("id").get());
      expect(queries).toBe(statements(2));
      expect(result.map((p) => [p.note, p.post?.title ?? null])).toEqual([
        ["pin-draft", null],
        ["pin-pub", "ada-pub"],
      ]);
    });

    it("belongsToMany, with the pivot", async () => {
      const tags = await t.db.tag.with("posts").strategy(strategy).orderBy("id").get();
      expect(tags.map((tag) => titles(tag.posts))).toEqual([["ada-pub"], []]);
      expect((tags[0]!.posts[0] as any).pivot).toMatchObject({ note: "p" });
    });

    it("morphTo", async () => {
      const { queries, result } = await t.count(() =>
        t.db.comment.with("commentable").strategy(strategy).orderBy("id").get(),
      );
      // One statement per target type present (post, video) with the query strategy.
      expect(queries).toBe(statements(3));
      expect(result.map((c) => [c.body, (c.commentable as any)?.title ?? null])).toEqual([
        ["on-draft", null],
        ["on-pub", "ada-pub"],
        ["on-clip", "clip"],
      ]);
    });

    it("hasManyThrough", async () => {
      const countries = await t.db.country.with("posts").strategy(strategy).get();
      expect(countries.map((c) => titles(c.posts))).toEqual([["ada-pub"]]);
    });

    it("nested: the rule holds at every level", async () => {
      const countries = await t.db.country.with("users.posts.tags").strategy(strategy).get();
      expect(countries[0]!.users.map((u) => u.posts.map((p) => [p.title, names(p.tags)]))).toEqual([
        [["ada-pub", ["news"]]],
        [],
      ]);
      const tags = await t.db.tag.with("posts.author").strategy(strategy).orderBy("id").get();
      expect(tags.map((tag) => tag.posts.map((p) => p.author?.name))).toEqual([["Ada"], []]);
    });
  });

  describe("loading onto rows already read", () => {
    it("load", async () => {
      const users = await t.db.user.orderBy("id").get();
      const { queries, result } = await t.count(() => t.db.user.load(users, "posts", "firstPost"));
      expect(queries).toBe(2);
      expect(result.map((u) => [titles(u.posts), u.firstPost?.title ?? null])).toEqual([
        [["ada-pub"], "ada-pub"],
        [[], null],
      ]);
      const comments = await t.db.comment.load(await t.db.comment.orderBy("id").get(), "commentable");
      expect(comments.map((c) => (c.commentable as any)?.title ?? null)).toEqual([null, "ada-pub", "clip"]);
    });

    it("loadMissing", async () => {
      const users = await t.db.user.orderBy("id").get();
      const loaded = await t.db.user.loadMissing(users, "posts");
      expect(loaded.map((u) => titles(u.posts))).toEqual([["ada-pub"], []]);
      const { queries } = await t.count(() => t.db.user.loadMissing(loaded, "posts"));
      expect(queries).toBe(0);
      const tags = await t.db.tag.loadMissing(await t.db.tag.orderBy("id").get(), "posts");
      expect(tags.map((tag) => titles(tag.posts))).toEqual([["ada-pub"], []]);
    });
  });

  describe("relation filters", () => {
    it("has", async () => {
      const { queries, result } = await t.count(() => t.db.user.has("posts").orderBy("id").get());
      expect(queries).toBe(1);
      expect(names(result)).toEqual(["Ada"]);
      expect(names(await t.db.user.has("firstPost").get())).toEqual(["Ada"]);
      expect(names(await t.db.tag.has("posts").get())).toEqual(["news"]);
      expect(names(await t.db.country.has("posts", ">=", 2).get())).toEqual([]);
      expect((await t.db.pin.has("post").get()).map((p) => p.note)).toEqual(["pin-pub"]);
    });

    it("whereHas", async () => {
      expect(await t.db.user.whereHas("posts", (q) => q.where("views", ">", 50)).get()).toEqual([]);
      expect(names(await t.db.user.whereHas("posts", (q) => q.where("views", "<", 50)).get())).toEqual(["Ada"]);
      expect(names(await t.db.country.whereHas("posts").get())).toEqual(["North"]);
      const onPosts = await t.db.comment.whereHasMorph("commentable", ["post"]).get();
      expect(onPosts.map((c) => c.body)).toEqual(["on-pub"]);
    });

    it("doesntHave", async () => {
      expect(names(await t.db.user.doesntHave("posts").get())).toEqual(["Bob"]);
      expect(names(await t.db.tag.doesntHave("posts").get())).toEqual(["old"]);
      // Comments on a post the rule hides have no post.
      const nowhere = await t.db.comment.whereDoesntHaveMorph("commentable", ["post"]).orderBy("id").get();
      expect(nowhere.map((c) => c.body)).toEqual(["on-draft"]);
    });

    it("object API: some / every / none / is", async () => {
      const match = async (where: any) => names(await t.db.user.findMany({ where, orderBy: { id: "asc" } } as any));
      expect(await match({ posts: { some: {} } })).toEqual(["Ada"]);
      // Ada's draft (100 views) is outside the rule: every and none do not see it.
      expect(await match({ posts: { every: { views: { lt: 50 } } } })).toEqual(["Ada", "Bob"]);
      expect(await match({ posts: { none: { views: { gte: 50 } } } })).toEqual(["Ada", "Bob"]);
      expect(await match({ firstPost: { is: { views: { gte: 50 } } } })).toEqual([]);
      const pins = await t.db.pin.findMany({ where: { post: { is: { authorId: ada.id } } } });
      expect(pins.map((p) => p.note)).toEqual(["pin-pub"]);
      const tags = await t.db.tag.findMany({ where: { posts: { some: { views: { gt: 50 } } } } });
      expect(tags).toEqual([]);
    });
  });

  describe("relation aggregates", () => {
    it("withCount", async () => {
      const users = await t.db.user.withCount("posts").orderBy("id").get();
      expect(users.map((u) => u.postsCount)).toEqual([1, 0]);
      const tags = await t.db.tag.withCount("posts").orderBy("id").get();
      expect(tags.map((tag) => tag.postsCount)).toEqual([1, 0]);
      const countries = await t.db.country.withCount("posts").get();
      expect(countries.map((c) => c.postsCount)).toEqual([1]);
      const sorted = await t.db.user.findMany({ select: { name: true, _count: { select: { posts: true } } } });
      expect(sorted.map((u: any) => u._count.posts).sort()).toEqual([0, 1]);
    });

    it("withExists", async () => {
      const users = await t.db.user.withExists("posts").orderBy("id").get();
      expect(users.map((u) => u.postsExists)).toEqual([true, false]);
    });

    it("withSum", async () => {
      const users = await t.db.user.withSum("posts", "views").orderBy("id").get();
      expect(users.map((u) => (u.postsSumViews === null ? null : Number(u.postsSumViews)))).toEqual([10, null]);
    });

    it("loadCount", async () => {
      const users = await t.db.user.orderBy("id").get();
      const { queries, result } = await t.count(() => t.db.user.loadCount(users, "posts"));
      expect(queries).toBe(1);
      expect(result.map((u) => u.postsCount)).toEqual([1, 0]);
    });
  });

  describe("related(row, relation)", () => {
    it("reads", async () => {
      expect(titles(await t.db.user.related(ada, "posts").orderBy("id").get())).toEqual(["ada-pub"]);
      expect((await t.db.user.related(ada, "firstPost").first())?.title).toBe("ada-pub");
      expect(titles(await t.db.tag.related(news, "posts").get())).toEqual(["ada-pub"]);
      expect(titles(await t.db.country.related(north, "posts").get())).toEqual(["ada-pub"]);
      expect(await t.db.pin.related(pinDraft, "post").first()).toBeNull();
      expect((await t.db.pin.related(pinPub, "post").first())?.title).toBe("ada-pub");
      expect(await t.db.comment.related(onDraft, "commentable").first()).toBeNull();
      expect((await t.db.comment.related(onPub, "commentable").first())?.title).toBe("ada-pub");
      expect((await t.db.comment.related(onClip, "commentable").first())?.title).toBe("clip");
    });

    it("count", async () => {
      expect(await t.db.user.related(ada, "posts").count()).toBe(1);
      expect(await t.db.user.related(bob, "posts").count()).toBe(0);
      expect(await t.db.tag.related(news, "posts").count()).toBe(1);
      expect(await t.db.country.related(north, "posts").count()).toBe(1);
      // Neither the parent scope nor the rule can be escaped with an orWhere.
      expect(await t.db.user.related(ada, "posts").where("views", ">", 50).orWhere("views", "<", 0).exists()).toBe(
        false,
      );
      expect(await t.db.user.related(ada, "posts").where("views", ">", 50).orWhere("views", ">", 5).exists()).toBe(
        true,
      );
      expect(await t.db.user.related(bob, "posts").where("views", ">", 50).orWhere("views", ">", 0).exists()).toBe(
        false,
      );
    });

    it("update", async () => {
      expect(await t.db.user.related(ada, "posts").update({ views: 1 })).toBe(1);
      expect(await t.db.tag.related(news, "posts").update({ views: 2 })).toBe(1);
      expect(await t.db.user.related(bob, "posts").update({ views: 3 })).toBe(0);
      expect(await stored()).toEqual({ "ada-draft": 100, "ada-pub": 2, "bob-draft": 5 });
    });

    it("delete", async () => {
      await t.db.pin.query().delete();
      await t.db.comment.query().delete();
      expect(await t.db.user.related(bob, "posts").delete()).toBe(0);
      expect(await t.db.user.related(ada, "posts").delete()).toBe(1);
      expect(await stored()).toEqual({ "ada-draft": 100, "bob-draft": 5 });
    });
  });

  describe("writes", () => {
    it("fluent update() leaves rows outside the rule untouched", async () => {
      expect(await t.db.post.query().update({ views: 7 })).toBe(1);
      expect(await stored()).toEqual({ "ada-draft": 100, "ada-pub": 7, "bob-draft": 5 });
      // Limited: the paged keys are read under the rule too.
      expect(await t.db.post.orderBy("id").limit(2).update({ views: 8 })).toBe(1);
      expect(await t.db.post.orWhere("views", ">", 0).update({ views: 9 })).toBe(1);
      expect(await stored()).toEqual({ "ada-draft": 100, "ada-pub": 9, "bob-draft": 5 });
    });

    it("fluent delete() leaves rows outside the rule untouched", async () => {
      await t.db.pin.query().delete();
      await t.db.comment.query().delete();
      expect(await t.db.post.where("authorId", bob.id).delete()).toBe(0);
      expect(await t.db.post.orderBy("id").limit(5).delete()).toBe(1);
      expect(await t.db.post.query().delete()).toBe(0);
      expect(await stored()).toEqual({ "ada-draft": 100, "bob-draft": 5 });
    });

    it("insert takes no rule: create returns a row the rule hides", async () => {
      const hidden = await t.db.post.create({ authorId: bob.id, title: "bob-draft-2", published: false });
      expect(hidden).toMatchObject({ title: "bob-draft-2", published: false });
      expect(await t.db.post.find(hidden.id)).toBeNull();
      const many = await t.db.post.createMany([
        { authorId: bob.id, title: "b3", published: false },
        { authorId: bob.id, title: "b4", published: true },
      ]);
      expect(titles(many)).toEqual(["b3", "b4"]);
      expect(titles(await t.db.user.related(bob, "posts").orderBy("id").get())).toEqual(["b4"]);
    });

    it("attach checks the related keys under the rule", async () => {
      const error = await caught(() => t.db.tag.related(old, "posts").attach(draft.id));
      expect(error).toBeInstanceOf(ValidationError);
      await t.db.tag.related(old, "posts").attach(pub.id, { note: "x" });
      expect(titles(await t.db.tag.related(old, "posts").get())).toEqual(["ada-pub"]);
    });
  });

  it("a rule on the intermediate model of a through relation holds too", async () => {
    installModelRule(schema, "user", [{ type: "compare", or: false, field: "name", op: "!=", value: "Ada" }]);
    try {
      for (const strategy of STRATEGIES) {
        const countries = await t.db.country.with("posts").strategy(strategy).get();
        expect(countries.map((c) => titles(c.posts))).toEqual([[]]);
      }
      expect(await t.db.country.related(north, "posts").count()).toBe(0);
      expect(await t.db.country.has("posts").count()).toBe(0);
    } finally {
      installModelRule(schema, "user", []);
    }
    expect(titles(await t.db.country.related(north, "posts").get())).toEqual(["ada-pub"]);
  });

  it("a query shape cached before the rule is installed does not serve SQL without it", async () => {
    installModelRule(schema, "post", []);
    try {
      const lookup = () => t.db.post.where("authorId", ada.id).orderBy("id").get();
      const eager = () => t.db.user.where("id", ada.id).with("posts").strategy("query").first();
      // Twice each: the second run is served from the compiled-SQL cache.
      for (let i = 0; i < 2; i++) {
        expect(titles(await lookup())).toEqual(["ada-draft", "ada-pub"]);
        expect(titles((await eager())!.posts)).toEqual(["ada-draft", "ada-pub"]);
      }
      const onPosts = () => t.queries.filter((q) => q.sql.includes("fd_posts")).map((q) => q.sql);
      const before = onPosts();
      // A rule that binds no value: only the signature can tell the shapes apart.
      installModelRule(schema, "post", [NOT_ARCHIVED]);
      expect(titles(await lookup())).toEqual(["ada-pub"]);
      expect(titles((await eager())!.posts)).toEqual(["ada-pub"]);
      const after = onPosts().slice(before.length);
      expect(after).toHaveLength(2);
      expect(after.filter((sql) => before.includes(sql))).toEqual([]);
      installModelRule(schema, "post", [PUBLISHED]);
      expect(titles(await t.db.post.where("authorId", bob.id).orderBy("id").get())).toEqual([]);
      // Removing the rule serves the rule-free SQL again.
      installModelRule(schema, "post", []);
      expect(titles(await lookup())).toEqual(["ada-draft", "ada-pub"]);
    } finally {
      installModelRule(schema, "post", [PUBLISHED]);
    }
  });

  it("a rule naming an unknown field is refused when installed", () => {
    expect(() =>
      installModelRule(schema, "post", [{ type: "compare", or: false, field: "nope", op: "=", value: 1 }]),
    ).toThrow(ValidationError);
  });
});
