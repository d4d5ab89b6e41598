import { beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import {
  belongsTo,
  boolean,
  defineSchema,
  hasMany,
  hasManyThrough,
  hasOneThrough,
  id,
  integer,
  model,
  morphOne,
  morphTo,
  RelationNotFoundError,
  string,
  ValidationError,
} from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { caught } from "../support/caught.js";
import { dialect, eagerQueries, type PerDialect, strategy, useTestDb } from "../support/test-db.js";

/**
 * Relation aggregates (withCount / withExists / withSum / withAvg / withMin / withMax), having
 * and orderBy on them, aggregates inside eager-load constraints, and loadCount / loadExists /
 * loadSum / loadAvg / loadMin / loadMax onto fetched rows: exact values and exact statement
 * counts on every database, under both loading strategies (eager counts go through
 * `eagerQueries`; aggregates of the parent query and load* never cost a statement of their own).
 */

const T1 = "2024-01-01T10:00:00.000Z";
const T2 = "2024-02-01T11:30:00.500Z";
const T3 = "2024-03-01T23:59:59.999Z";

/** Above 2^53: a JS number cannot hold it, only a bigint. */
const BIG = 9_007_199_254_740_993n;

/** `[name, value]` pairs of some rows, for compact expectations. */
const pick = (rows: readonly any[], key: string, label = "name") => rows.map((r) => [r[label], r[key]]);

// ---------------------------------------------------------------------------------------------
// The blog fixture: every relation kind but morphOne / hasOneThrough / self-reference
// ---------------------------------------------------------------------------------------------

describe(`relation aggregates on the blog on ${dialect} (${strategy} strategy)`, () => {
  const t = useTestDb(blog);
  let uk: any, fr: any, de: any;
  let ada: any, bob: any, cy: any, dee: any;
  let p1: any, p2: any, p3: any, p4: any, p5: any, p6: any, p7: any;
  let v1: any, v2: any, v3: any;
  let c1: any, c2: any, c3: any, c4: any, c5: any, c6: any, c7: any, c8: any;
  let admin: any, editor: any, viewer: any;
  let js: any, sqlTag: any, news: any;

  beforeAll(async () => {
    const db = t.db;
    uk = await db.country.create({ name: "UK" });
    fr = await db.country.create({ name: "France" });
    de = await db.country.create({ name: "Germany" });
    ada = await db.user.create({ email: "ada@example.dev", name: "Ada", countryId: uk.id, createdAt: new Date(T1) });
    bob = await db.user.create({ email: "bob@example.dev", name: "Bob", countryId: uk.id, createdAt: new Date(T2) });
    cy = await db.user.create({ email: "cy@example.dev", name: "Cy", countryId: fr.id, createdAt: new Date(T3) });
    dee = await db.user.create({ email: "dee@example.dev", name: "Dee", countryId: null, createdAt: new Date(T1) });
    await db.profile.create({ userId: ada.id, bio: "Ada's bio" });
    await db.profile.create({ userId: cy.id, bio: "Cy's bio" });
    const post = (author: any, title: string, published: boolean, views: number, at: string | null, price?: string) =>
      db.post.create({
        authorId: author.id,
        title,
        published,
        views,
        publishedAt: at === null ? null : new Date(at),
        price: price ?? null,
      });
    // Posts per author: Ada 3, Bob 0, Cy 2, Dee 2 (Dee's never published: publishedAt all null).
    p1 = await post(ada, "Ada 1", true, 10, T1, "9.99");
    p2 = await post(ada, "Ada 2", false, 5, null);
    p3 = await post(ada, "Ada 3", true, 21, T3, "12.50");
    p4 = await post(cy, "Cy 1", true, 7, T2);
    p5 = await post(cy, "Cy 2", false, 0, null);
    p6 = await post(dee, "Dee 1", false, 3, null);
    p7 = await post(dee, "Dee 2", false, 4, null);
    v1 = await db.video.create({ title: "Clip 1", size: BIG });
    v2 = await db.video.create({ title: "Clip 2", size: 5n });
    v3 = await db.video.create({ title: "Clip 3", size: 2n });
    const comment = (body: string, commentableType: string, commentableId: number) =>
      db.comment.create({ body, commentableType, commentableId });
    c1 = await comment("P1 first", "post", p1.id);
    c2 = await comment("V1 first", "video", v1.id);
    c3 = await comment("P1 second", "post", p1.id);
    c4 = await comment("P3 first", "post", p3.id);
    c5 = await comment("V2 first", "video", v2.id);
    c6 = await comment("P4 first", "post", p4.id);
    c7 = await comment("P1 third", "post", p1.id);
    c8 = await comment("Dangling", "post", 999); // points at no post
    admin = await db.role.create({ name: "admin" });
    editor = await db.role.create({ name: "editor" });
    viewer = await db.role.create({ name: "viewer" });
    await db.kysely
      .insertInto("role_user")
      .values([
        { user_id: ada.id, role_id: admin.id, granted_by: "root" },
        { user_id: ada.id, role_id: editor.id, granted_by: "cy" },
        { user_id: bob.id, role_id: editor.id, granted_by: "root" },
        { user_id: cy.id, role_id: viewer.id, granted_by: null },
      ])
      .execute();
    js = await db.tag.create({ name: "js" });
    sqlTag = await db.tag.create({ name: "sql" });
    news = await db.tag.create({ name: "news" });
    await db.kysely
      .insertInto("taggables")
      .values([
        { tag_id: js.id, taggable_id: p1.id, taggable_type: "post" },
        { tag_id: sqlTag.id, taggable_id: p1.id, taggable_type: "post" },
        { tag_id: sqlTag.id, taggable_id: p3.id, taggable_type: "post" },
        // Video 1 has post 1's id: its tags must never count for the post.
        { tag_id: js.id, taggable_id: v1.id, taggable_type: "video" },
        { tag_id: news.id, taggable_id: v1.id, taggable_type: "video" },
        { tag_id: news.id, taggable_id: v3.id, taggable_type: "video" },
      ])
      .execute();
  });

  it("the fixture's premises: equal ids across the morph types", () => {
    expect([v1.id, v2.id, v3.id]).toEqual([p1.id, p2.id, p3.id]);
  });

  describe("withCount", () => {
    it('withCount("posts") gives postsCount, 0 where there are none, in one statement', async () => {
      const { queries, result } = await t.count(() => t.db.user.withCount("posts").orderBy("id").get());
      expect(queries).toBe(1);
      expect(result).toEqual([
        { ...ada, postsCount: 3 },
        { ...bob, postsCount: 0 },
        { ...cy, postsCount: 2 },
        { ...dee, postsCount: 2 },
      ]);
      expect(typeof result[1]!.postsCount).toBe("number");
    });

    it("several counts of one relation, renamed and constrained, in one statement", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user
          .withCount("posts", { "posts as publishedCount": (q) => q.where("published", true) })
          .orderBy("id")
          .get(),
      );
      expect(queries).toBe(1);
      expect(result.map((u) => [u.name, u.postsCount, u.publishedCount])).toEqual([
        ["Ada", 3, 2],
        ["Bob", 0, 0],
        ["Cy", 2, 1],
        ["Dee", 2, 0],
      ]);
      expectTypeOf(result[0]!.publishedCount).toEqualTypeOf<number>();
    });

    it("the object form: true, false (left out) and constraints; several calls add up", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user
          .withCount({ posts: true, roles: (q) => q.wherePivot("grantedBy", "root"), profile: false })
          .withCount("country")
          .orderBy("id")
          .get(),
      );
      expect(queries).toBe(1);
      expect(result).toEqual([
        { ...ada, postsCount: 3, rolesCount: 1, countryCount: 1 },
        { ...bob, postsCount: 0, rolesCount: 1, countryCount: 1 },
        { ...cy, postsCount: 2, rolesCount: 0, countryCount: 1 },
        { ...dee, postsCount: 2, rolesCount: 0, countryCount: 0 },
      ]);
      expect("profileCount" in result[0]!).toBe(false);
    });

    it("a constraint with an OR chain is grouped: it never escapes the correlation to the parent", async () => {
      // Ungrouped, "author_id = users.id AND published OR views > 4" would give Bob the 4 posts with views > 4.
      const { queries, result } = await t.count(() =>
        t.db.user
          .withCount({ posts: (q) => q.where("published", true).orWhere("views", ">", 4) })
          .orderBy("id")
          .get(),
      );
      expect(queries).toBe(1);
      expect(pick(result, "postsCount")).toEqual([
        ["Ada", 3],
        ["Bob", 0],
        ["Cy", 1],
        ["Dee", 0],
      ]);
    });

    it("the same alias twice: the last one wins", async () => {
      const result = await t.db.user
        .withCount("posts as n")
        .withCount({ "posts as n": (q) => q.where("published", true) })
        .orderBy("id")
        .get();
      expect(pick(result, "n")).toEqual([
        ["Ada", 2],
        ["Bob", 0],
        ["Cy", 1],
        ["Dee", 0],
      ]);
    });

    it("hasOne, hasMany, belongsTo, belongsToMany (plain and wherePivot)", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user
          .withCount("profile", "posts", "country", "roles", {
            "roles as rootRolesCount": (q) => q.wherePivot("grantedBy", "root"),
            "roles as editorCount": (q) => q.where("name", "editor"),
          })
          .orderBy("id")
          .get(),
      );
      expect(queries).toBe(1);
      expect(
        result.map((u) => [
          u.name,
          u.profileCount,
          u.postsCount,
          u.countryCount,
          u.rolesCount,
          u.rootRolesCount,
          u.editorCount,
        ]),
      ).toEqual([
        ["Ada", 1, 3, 1, 2, 1, 1],
        ["Bob", 0, 0, 1, 1, 1, 1],
        ["Cy", 1, 2, 1, 1, 0, 0],
        ["Dee", 0, 2, 0, 0, 0, 0],
      ]);
      const posts = await t.count(() => t.db.post.withCount("author").orderBy("id").get());
      expect(posts.queries).toBe(1);
      expect(posts.result.map((p) => p.authorCount)).toEqual([1, 1, 1, 1, 1, 1, 1]);
      const roles = await t.count(() => t.db.role.withCount("users").orderBy("id").get());
      expect(roles.queries).toBe(1);
      expect(roles.result).toEqual([
        { ...admin, usersCount: 1 },
        { ...editor, usersCount: 2 },
        { ...viewer, usersCount: 1 },
      ]);
    });

    it("morphMany matches the type column (a video with the post's id never counts)", async () => {
      const posts = await t.count(() => t.db.post.withCount("comments").orderBy("id").get());
      expect(posts.queries).toBe(1);
      expect(posts.result.map((p) => [p.title, p.commentsCount])).toEqual([
        ["Ada 1", 3],
        ["Ada 2", 0],
        ["Ada 3", 1],
        ["Cy 1", 1],
        ["Cy 2", 0],
        ["Dee 1", 0],
        ["Dee 2", 0],
      ]);
      const videos = await t.count(() => t.db.video.withCount("comments").orderBy("id").get());
      expect(videos.queries).toBe(1);
      expect(videos.result).toEqual([
        { ...v1, commentsCount: 1 },
        { ...v2, commentsCount: 1 },
        { ...v3, commentsCount: 0 },
      ]);
    });

    it("morphTo counts across every target type; a dangling id counts 0", async () => {
      const { queries, result } = await t.count(() =>
        t.db.comment.withCount("commentable").withExists("commentable").orderBy("id").get(),
      );
      expect(queries).toBe(1);
      expect(result).toEqual([
        { ...c1, commentableCount: 1, commentableExists: true },
        { ...c2, commentableCount: 1, commentableExists: true },
        { ...c3, commentableCount: 1, commentableExists: true },
        { ...c4, commentableCount: 1, commentableExists: true },
        { ...c5, commentableCount: 1, commentableExists: true },
        { ...c6, commentableCount: 1, commentableExists: true },
        { ...c7, commentableCount: 1, commentableExists: true },
        { ...c8, commentableCount: 0, commentableExists: false },
      ]);
    });

    it("morphToMany and morphedByMany match the pivot's type column", async () => {
      const posts = await t.count(() => t.db.post.withCount("tags").orderBy("id").get());
      expect(posts.queries).toBe(1);
      expect(posts.result.map((p) => [p.title, p.tagsCount])).toEqual([
        ["Ada 1", 2],
        ["Ada 2", 0],
        ["Ada 3", 1],
        ["Cy 1", 0],
        ["Cy 2", 0],
        ["Dee 1", 0],
        ["Dee 2", 0],
      ]);
      const videos = await t.count(() => t.db.video.withCount("tags").orderBy("id").get());
      expect(videos.result.map((v) => [v.title, v.tagsCount])).toEqual([
        ["Clip 1", 2],
        ["Clip 2", 0],
        ["Clip 3", 1],
      ]);
      const tags = await t.count(() =>
        t.db.tag
          .withCount("posts", "videos", { "videos as jsVideos": (q) => q.where("title", "Clip 1") })
          .orderBy("id")
          .get(),
      );
      expect(tags.queries).toBe(1);
      expect(tags.result).toEqual([
        { ...js, postsCount: 1, videosCount: 1, jsVideos: 1 },
        { ...sqlTag, postsCount: 2, videosCount: 0, jsVideos: 0 },
        { ...news, postsCount: 0, videosCount: 2, jsVideos: 1 },
      ]);
    });

    it("hasManyThrough counts the distant rows", async () => {
      const { queries, result } = await t.count(() =>
        t.db.country
          .withCount("users", "posts", { "posts as publishedPosts": (q) => q.where("published", true) })
          .orderBy("id")
          .get(),
      );
      expect(queries).toBe(1);
      expect(result).toEqual([
        { ...uk, usersCount: 2, postsCount: 3, publishedPosts: 2 },
        { ...fr, usersCount: 1, postsCount: 2, publishedPosts: 1 },
        { ...de, usersCount: 0, postsCount: 0, publishedPosts: 0 },
      ]);
    });
  });

  describe("withExists / withSum / withAvg / withMin / withMax", () => {
    it("withExists gives booleans, never 0/1", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user
          .withExists("profile", "roles", { posts: (q) => q.where("published", true) })
          .orderBy("id")
          .get(),
      );
      expect(queries).toBe(1);
      expect(result.map((u) => [u.name, u.profileExists, u.rolesExists, u.postsExists])).toEqual([
        ["Ada", true, true, true],
        ["Bob", false, true, false],
        ["Cy", true, true, true],
        ["Dee", false, false, false],
      ]);
      for (const u of result) {
        expect(typeof u.profileExists).toBe("boolean");
        expect(typeof u.postsExists).toBe("boolean");
      }
      expectTypeOf(result[0]!.profileExists).toEqualTypeOf<boolean>();
    });

    it("withSum / withAvg give numbers, null over no rows (as Eloquent)", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user.withSum("posts", "views").withAvg("posts", "views").orderBy("id").get(),
      );
      expect(queries).toBe(1);
      expect(result).toEqual([
        { ...ada, postsSumViews: 36, postsAvgViews: 12 },
        { ...bob, postsSumViews: null, postsAvgViews: null },
        { ...cy, postsSumViews: 7, postsAvgViews: 3.5 },
        { ...dee, postsSumViews: 7, postsAvgViews: 3.5 },
      ]);
      expectTypeOf(result[0]!.postsSumViews).toEqualTypeOf<number | null>();
      expectTypeOf(result[0]!.postsAvgViews).toEqualTypeOf<number | null>();
    });

    it("withMin / withMax keep the field's type: integers, a timestamp as a Date, strings, decimals", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user
          .withMin("posts", "views")
          .withMax("posts", "views")
          .withMin("posts", "publishedAt")
          .withMax("posts", "publishedAt")
          .withMin("posts", "title")
          .withMax("posts", "title")
          .withMin("posts", "price")
          .withMax("posts", "price")
          .orderBy("id")
          .get(),
      );
      expect(queries).toBe(1);
      expect(result.map(({ name, email, id, age, active, countryId, createdAt, ...aggregates }) => aggregates)).toEqual(
        [
          {
            postsMinViews: 5,
            postsMaxViews: 21,
            postsMinPublishedAt: new Date(T1),
            postsMaxPublishedAt: new Date(T3),
            postsMinTitle: "Ada 1",
            postsMaxTitle: "Ada 3",
            postsMinPrice: "9.99",
            postsMaxPrice: "12.50",
          },
          {
            postsMinViews: null,
            postsMaxViews: null,
            postsMinPublishedAt: null,
            postsMaxPublishedAt: null,
            postsMinTitle: null,
            postsMaxTitle: null,
            postsMinPrice: null,
            postsMaxPrice: null,
          },
          {
            postsMinViews: 0,
            postsMaxViews: 7,
            postsMinPublishedAt: new Date(T2),
            postsMaxPublishedAt: new Date(T2),
            postsMinTitle: "Cy 1",
            postsMaxTitle: "Cy 2",
            postsMinPrice: null,
            postsMaxPrice: null,
          },
          {
            // Dee has posts, none published: the max of nothing but NULLs is null.
            postsMinViews: 3,
            postsMaxViews: 4,
            postsMinPublishedAt: null,
            postsMaxPublishedAt: null,
            postsMinTitle: "Dee 1",
            postsMaxTitle: "Dee 2",
            postsMinPrice: null,
            postsMaxPrice: null,
          },
        ],
      );
      expect(result[0]!.postsMaxPublishedAt).toBeInstanceOf(Date);
      expectTypeOf(result[0]!.postsMaxPublishedAt).toEqualTypeOf<Date | null>();
      expectTypeOf(result[0]!.postsMinViews).toEqualTypeOf<number | null>();
      expectTypeOf(result[0]!.postsMinTitle).toEqualTypeOf<string | null>();
    });

    it("withMin / withMax of a bigint field give exact bigints, even above 2^53", async () => {
      const { queries, result } = await t.count(() =>
        t.db.tag.withMax("videos", "size").withMin("videos", "size").orderBy("id").get(),
      );
      expect(queries).toBe(1);
      expect(result.map((tag) => [tag.name, tag.videosMaxSize, tag.videosMinSize])).toEqual([
        ["js", BIG, BIG],
        ["sql", null, null],
        ["news", BIG, 2n],
      ]);
    });

    it('"relation as name" renames any aggregate; aggregates over hasManyThrough', async () => {
      const { queries, result } = await t.count(() =>
        t.db.user
          .withSum("posts as total", "views")
          .withMax("posts as lastPublished", "publishedAt")
          .withExists("posts as active")
          .orderBy("id")
          .get(),
      );
      expect(queries).toBe(1);
      expect(result.map((u) => [u.name, u.total, u.lastPublished, u.active])).toEqual([
        ["Ada", 36, new Date(T3), true],
        ["Bob", null, null, false],
        ["Cy", 7, new Date(T2), true],
        ["Dee", 7, null, true],
      ]);
      expectTypeOf(result[0]!.total).toEqualTypeOf<number | null>();
      expectTypeOf(result[0]!.lastPublished).toEqualTypeOf<Date | null>();
      const countries = await t.count(() =>
        t.db.country.withSum("posts", "views").withMax("posts", "title").orderBy("id").get(),
      );
      expect(countries.queries).toBe(1);
      expect(countries.result).toEqual([
        { ...uk, postsSumViews: 36, postsMaxTitle: "Ada 3" },
        { ...fr, postsSumViews: 7, postsMaxTitle: "Cy 2" },
        { ...de, postsSumViews: null, postsMaxTitle: null },
      ]);
    });

    it("every aggregate and filter of a query costs ONE statement", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user.has("posts").withCount("posts").withSum("posts", "views").withExists("roles").orderBy("id").get(),
      );
      expect(queries).toBe(1);
      expect(result).toEqual([
        { ...ada, postsCount: 3, postsSumViews: 36, rolesExists: true },
        { ...cy, postsCount: 2, postsSumViews: 7, rolesExists: true },
        { ...dee, postsCount: 2, postsSumViews: 7, rolesExists: false },
      ]);
      const all = await t.count(() =>
        t.db.user
          .whereHas("posts", (q) => q.where("published", true))
          .withCount("posts", "roles", "profile", "country")
          .withExists("profile")
          .withSum("posts", "views")
          .withAvg("posts", "views")
          .withMin("posts", "views")
          .withMax("posts", "publishedAt")
          .having("postsCount", ">=", 2)
          .orderBy("postsSumViews", "desc")
          .first(),
      );
      expect(all.queries).toBe(1);
      expect(all.result).toEqual({
        ...ada,
        postsCount: 3,
        rolesCount: 2,
        profileCount: 1,
        countryCount: 1,
        profileExists: true,
        postsSumViews: 36,
        postsAvgViews: 12,
        postsMinViews: 5,
        postsMaxPublishedAt: new Date(T3),
      });
    });

    it("a relation filter inside an aggregate's constraint (nested correlation)", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user
          .withCount({
            "posts as discussed": (q) => q.has("comments"),
            "posts as quiet": (q) => q.doesntHave("comments").whereHas("tags", (tag) => tag.where("name", "js")),
          })
          .orderBy("id")
          .get(),
      );
      expect(queries).toBe(1);
      expect(result.map((u) => [u.name, u.discussed, u.quiet])).toEqual([
        ["Ada", 2, 0],
        ["Bob", 0, 0],
        ["Cy", 1, 0],
        ["Dee", 0, 0],
      ]);
    });

    it("cursor streams rows with their aggregates, by key or by an aggregate's order", async () => {
      const keyed: any[] = [];
      const byKey = await t.count(async () => {
        for await (const u of t.db.user.withCount("posts").having("postsCount", ">", 0).cursor({ batchSize: 2 })) {
          keyed.push([u.name, u.postsCount]);
        }
      });
      expect(byKey.queries).toBe(2);
      expect(keyed).toEqual([
        ["Ada", 3],
        ["Cy", 2],
        ["Dee", 2],
      ]);
      const ordered: any[] = [];
      const byCount = await t.count(async () => {
        for await (const u of t.db.user
          .withSum("posts", "views")
          .orderBy("postsSumViews", "desc")
          .cursor({ batchSize: 2 })) {
          ordered.push(u.name);
        }
      });
      expect(byCount.queries).toBe(3);
      // Bob's null sum sorts first (SQLite, MySQL) or last (PostgreSQL); the others by sum, then id.
      expect(ordered.filter((n) => n !== "Bob")).toEqual(["Ada", "Cy", "Dee"]);
      expect(ordered).toHaveLength(4);
    });

    it("a narrowed select keeps its aggregates", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user.select("name").withCount("posts").withExists("profile").orderBy("id").get(),
      );
      expect(queries).toBe(1);
      expect(result).toEqual([
        { name: "Ada", postsCount: 3, profileExists: true },
        { name: "Bob", postsCount: 0, profileExists: false },
        { name: "Cy", postsCount: 2, profileExists: true },
        { name: "Dee", postsCount: 2, profileExists: false },
      ]);
    });

    it("aggregates next to eager loads of the same query", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user.withCount("posts").withExists("profile").with("posts").orderBy("id").get(),
      );
      expect(queries).toBe(eagerQueries(2));
      expect(result).toEqual([
        { ...ada, postsCount: 3, profileExists: true, posts: [p1, p2, p3] },
        { ...bob, postsCount: 0, profileExists: false, posts: [] },
        { ...cy, postsCount: 2, profileExists: true, posts: [p4, p5] },
        { ...dee, postsCount: 2, profileExists: false, posts: [p6, p7] },
      ]);
    });
  });

  describe("ordering and filtering by an aggregate", () => {
    it("orderBy an aggregate, with a tie-breaker", async () => {
      const byId = await t.count(() => t.db.user.withCount("posts").orderBy("postsCount", "desc").orderBy("id").get());
      expect(byId.queries).toBe(1);
      expect(pick(byId.result, "postsCount")).toEqual([
        ["Ada", 3],
        ["Cy", 2],
        ["Dee", 2],
        ["Bob", 0],
      ]);
      const byName = await t.db.user.withCount("posts").orderBy("postsCount", "desc").orderBy("name", "desc").get();
      expect(byName.map((u) => u.name)).toEqual(["Ada", "Dee", "Cy", "Bob"]);
      const asc = await t.db.user.withCount("posts").orderBy("postsCount").orderBy("id", "desc").get();
      expect(asc.map((u) => u.name)).toEqual(["Bob", "Dee", "Cy", "Ada"]);
      // A sum, with the users without posts (null sums) left out so NULL ordering does not matter.
      const bySum = await t.db.user
        .has("posts")
        .withSum("posts", "views")
        .orderBy("postsSumViews", "desc")
        .orderBy("id", "desc")
        .get();
      expect(pick(bySum, "postsSumViews")).toEqual([
        ["Ada", 36],
        ["Dee", 7],
        ["Cy", 7],
      ]);
      // A renamed, constrained count.
      const published = await t.db.user
        .withCount({ "posts as live": (q) => q.where("published", true) })
        .orderBy("live", "desc")
        .orderBy("id")
        .get();
      expect(pick(published, "live")).toEqual([
        ["Ada", 2],
        ["Cy", 1],
        ["Bob", 0],
        ["Dee", 0],
      ]);
    });

    it("having on a count, a renamed count and a sum", async () => {
      const two = await t.count(() => t.db.user.withCount("posts").having("postsCount", ">=", 2).orderBy("id").get());
      expect(two.queries).toBe(1);
      expect(pick(two.result, "postsCount")).toEqual([
        ["Ada", 3],
        ["Cy", 2],
        ["Dee", 2],
      ]);
      const aliased = await t.count(() =>
        t.db.user.withCount("posts as total").having("total", "<", 2).orderBy("id").get(),
      );
      expect(aliased.queries).toBe(1);
      expect(aliased.result).toEqual([{ ...bob, total: 0 }]);
      const constrained = await t.db.user
        .withCount({ "posts as live": (q) => q.where("published", true) })
        .having("live", "=", 1)
        .orderBy("id")
        .get();
      expect(pick(constrained, "live")).toEqual([["Cy", 1]]);
      const sums = await t.db.user.withSum("posts", "views").having("postsSumViews", "=", 7).orderBy("id").get();
      expect(pick(sums, "postsSumViews")).toEqual([
        ["Cy", 7],
        ["Dee", 7],
      ]);
      // having ANDs with the wheres, before or after them.
      const anded = await t.db.user
        .withCount("posts")
        .having("postsCount", ">", 0)
        .where("countryId", "!=", fr.id)
        .orderBy("id")
        .get();
      expect(pick(anded, "postsCount")).toEqual([["Ada", 3]]);
    });

    it("having on an exists compares with a boolean", async () => {
      const exists = await t.db.user.withExists("profile").having("profileExists", "=", true).orderBy("id").get();
      expect(exists.map((u) => u.name)).toEqual(["Ada", "Cy"]);
      const without = await t.db.user.withExists("profile").having("profileExists", "=", false).orderBy("id").get();
      expect(without.map((u) => u.name)).toEqual(["Bob", "Dee"]);
    });

    it("having on a timestamp max compares with a Date", async () => {
      const recent = await t.db.user
        .withMax("posts", "publishedAt")
        .having("postsMaxPublishedAt", ">=", new Date(T2))
        .orderBy("id")
        .get();
      expect(pick(recent, "postsMaxPublishedAt")).toEqual([
        ["Ada", new Date(T3)],
        ["Cy", new Date(T2)],
      ]);
    });

    it("having with paginate, first and count", async () => {
      const base = t.db.user
        .withCount("posts")
        .having("postsCount", ">=", 2)
        .orderBy("postsCount", "desc")
        .orderBy("id", "desc");
      const page1 = await t.count(() => base.paginate({ page: 1, perPage: 2 }));
      expect(page1.queries).toBe(2);
      expect(page1.result).toEqual({
        data: [
          { ...ada, postsCount: 3 },
          { ...dee, postsCount: 2 },
        ],
        total: 3,
        page: 1,
        perPage: 2,
        lastPage: 2,
      });
      const page2 = await t.count(() => base.paginate({ page: 2, perPage: 2 }));
      expect(page2.queries).toBe(2);
      expect(page2.result).toEqual({ data: [{ ...cy, postsCount: 2 }], total: 3, page: 2, perPage: 2, lastPage: 2 });
      const first = await t.count(() => base.first());
      expect(first).toEqual({ queries: 1, result: { ...ada, postsCount: 3 } });
      const count = await t.count(() => base.count());
      expect(count).toEqual({ queries: 1, result: 3 });
      const none = await t.count(() =>
        t.db.user.withCount("posts").having("postsCount", ">", 3).orderBy("postsCount").first(),
      );
      expect(none).toEqual({ queries: 1, result: null });
      const exists = await t.db.user.withCount("posts").having("postsCount", ">", 2).exists();
      expect(exists).toBe(true);
    });

    it("having before its aggregate, or a bad operator, is a ValidationError before any SQL", async () => {
      const before = await caught(() =>
        t.db.user
          .having("postsCount" as never, ">=", 2)
          .withCount("posts")
          .get(),
      );
      expect(before).toBeInstanceOf(ValidationError);
      expect((before as Error).message).toContain('having("postsCount")');
      expect((before as Error).message).toContain("Aggregates: none");
      const other = await caught(() =>
        t.db.user
          .withCount("roles")
          .having("postsCount" as never, ">=", 2)
          .get(),
      );
      expect(other).toBeInstanceOf(ValidationError);
      expect((other as Error).message).toContain("rolesCount");
      const op = await caught(() => t.db.user.withCount("posts").having("postsCount", "like" as never, 2));
      expect(op).toBeInstanceOf(ValidationError);
      expect(t.queries).toHaveLength(0);
    });

    it("orderBy an unknown name is a ValidationError listing the fields, before any SQL", async () => {
      const error = await caught(() =>
        t.db.user
          .withCount("posts")
          .orderBy("postCount" as never)
          .get(),
      );
      expect(error).toBeInstanceOf(ValidationError);
      const message = (error as Error).message;
      expect(message).toContain('"postCount"');
      expect(message).toContain('"user"');
      expect(message).toContain("id, email, name, age, active, countryId, createdAt");
      // An aggregate of another query is unknown here.
      const bare = await caught(() => t.db.user.orderBy("postsCount" as never));
      expect(bare).toBeInstanceOf(ValidationError);
      expect(t.queries).toHaveLength(0);
    });
  });

  describe("aggregates inside eager-load constraints", () => {
    it("a per-parent limit ordered by an aggregate", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user
          .with("posts", (q) => q.withCount("comments").orderBy("commentsCount", "desc").orderBy("id", "desc").limit(1))
          .orderBy("id")
          .get(),
      );
      expect(queries).toBe(eagerQueries(2));
      expect(result).toEqual([
        { ...ada, posts: [{ ...p1, commentsCount: 3 }] },
        { ...bob, posts: [] },
        { ...cy, posts: [{ ...p4, commentsCount: 1 }] },
        { ...dee, posts: [{ ...p7, commentsCount: 0 }] },
      ]);
      expectTypeOf(result[0]!.posts[0]!.commentsCount).toEqualTypeOf<number>();
    });

    it("every aggregate function in a constraint, ordered, offset and limited", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user
          .with("posts", (q) =>
            q
              .withCount("comments", "tags")
              .withExists("comments")
              .withMin("comments", "body")
              .withMax("comments as lastComment", "body")
              .orderBy("commentsCount", "desc")
              .orderBy("id")
              .offset(1)
              .limit(2),
          )
          .orderBy("id")
          .get(),
      );
      expect(queries).toBe(eagerQueries(2));
      const agg = (
        post: any,
        commentsCount: number,
        tagsCount: number,
        min: string | null,
        lastComment: string | null,
      ) => ({
        ...post,
        commentsCount,
        tagsCount,
        commentsExists: commentsCount > 0,
        commentsMinBody: min,
        lastComment,
      });
      expect(result).toEqual([
        // Ada's posts by comment count: p1 (3), p3 (1), p2 (0); offset 1 skips p1.
        { ...ada, posts: [agg(p3, 1, 1, "P3 first", "P3 first"), agg(p2, 0, 0, null, null)] },
        { ...bob, posts: [] },
        { ...cy, posts: [agg(p5, 0, 0, null, null)] },
        { ...dee, posts: [agg(p7, 0, 0, null, null)] },
      ]);
      for (const post of result[0]!.posts) expect(typeof post.commentsExists).toBe("boolean");
    });

    it("having inside a constraint, and aggregates two levels deep", async () => {
      const { queries, result } = await t.count(() =>
        t.db.country
          .with("users", (q) =>
            q
              .withCount("posts")
              .withSum("posts", "views")
              .orderBy("postsCount", "desc")
              .orderBy("id")
              .with("posts", (p) =>
                p
                  .withCount("comments")
                  .withMax("comments", "body")
                  .having("commentsCount", ">=", 1)
                  .orderBy("commentsCount")
                  .orderBy("id"),
              ),
          )
          .withCount("users")
          .orderBy("id")
          .get(),
      );
      expect(queries).toBe(eagerQueries(3));
      expect(result).toEqual([
        {
          ...uk,
          usersCount: 2,
          users: [
            {
              ...ada,
              postsCount: 3,
              postsSumViews: 36,
              posts: [
                { ...p3, commentsCount: 1, commentsMaxBody: "P3 first" },
                { ...p1, commentsCount: 3, commentsMaxBody: "P1 third" },
              ],
            },
            { ...bob, postsCount: 0, postsSumViews: null, posts: [] },
          ],
        },
        {
          ...fr,
          usersCount: 1,
          users: [
            {
              ...cy,
              postsCount: 2,
              postsSumViews: 7,
              posts: [{ ...p4, commentsCount: 1, commentsMaxBody: "P4 first" }],
            },
          ],
        },
        { ...de, usersCount: 0, users: [] },
      ]);
    });

    it("an aggregate on a dotted path's last level, and on to-one and many-to-many relations", async () => {
      const nested = await t.count(() =>
        t.db.user
          .with("posts.tags", (q) => q.withCount("videos").withExists("posts"))
          .whereIn("id", [ada.id, bob.id])
          .orderBy("id")
          .get(),
      );
      expect(nested.queries).toBe(eagerQueries(3));
      // The constraint of a dotted path shapes the rows of its last level, in the static type too.
      expectTypeOf(nested.result[0]!.posts[0]!.tags[0]!.videosCount).toEqualTypeOf<number>();
      expect(
        nested.result.map((u) => [
          u.name,
          u.posts.map((p) => [p.title, p.tags.map((x: any) => [x.name, x.videosCount, x.postsExists])]),
        ]),
      ).toEqual([
        [
          "Ada",
          [
            [
              "Ada 1",
              [
                ["js", 1, true],
                ["sql", 0, true],
              ],
            ],
            ["Ada 2", []],
            ["Ada 3", [["sql", 0, true]]],
          ],
        ],
        ["Bob", []],
      ]);
      const authors = await t.count(() =>
        t.db.post
          .with("author", (q) => q.withCount("posts").withExists("profile"))
          .orderBy("id")
          .get(),
      );
      expect(authors.queries).toBe(eagerQueries(2));
      expect(
        authors.result.map((p) => [p.title, p.author?.name, p.author?.postsCount, p.author?.profileExists]),
      ).toEqual([
        ["Ada 1", "Ada", 3, true],
        ["Ada 2", "Ada", 3, true],
        ["Ada 3", "Ada", 3, true],
        ["Cy 1", "Cy", 2, true],
        ["Cy 2", "Cy", 2, true],
        ["Dee 1", "Dee", 2, false],
        ["Dee 2", "Dee", 2, false],
      ]);
      const roles = await t.count(() =>
        t.db.user
          .with("roles", (q) => q.withCount("users").orderBy("usersCount", "desc").orderBy("id"))
          .orderBy("id")
          .get(),
      );
      expect(roles.queries).toBe(eagerQueries(2));
      expect(roles.result.map((u) => [u.name, u.roles.map((r) => [r.name, r.usersCount, r.pivot.grantedBy])])).toEqual([
        [
          "Ada",
          [
            ["editor", 2, "cy"],
            ["admin", 1, "root"],
          ],
        ],
        ["Bob", [["editor", 2, "root"]]],
        ["Cy", [["viewer", 1, null]]],
        ["Dee", []],
      ]);
    });

    it("a narrowed select inside a constraint keeps its aggregates", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user
          .with("posts", (q) => q.select("title").withCount("comments").withExists("tags").orderBy("id"))
          .whereIn("id", [ada.id, cy.id])
          .orderBy("id")
          .get(),
      );
      expect(queries).toBe(eagerQueries(2));
      expect(result.map((u) => [u.name, u.posts])).toEqual([
        [
          "Ada",
          [
            { title: "Ada 1", commentsCount: 3, tagsExists: true },
            { title: "Ada 2", commentsCount: 0, tagsExists: false },
            { title: "Ada 3", commentsCount: 1, tagsExists: true },
          ],
        ],
        [
          "Cy",
          [
            { title: "Cy 1", commentsCount: 1, tagsExists: false },
            { title: "Cy 2", commentsCount: 0, tagsExists: false },
          ],
        ],
      ]);
    });

    it("a bigint max inside a constraint stays exact", async () => {
      const { queries, result } = await t.count(() =>
        t.db.post
          .with("tags", (q) => q.withMax("videos", "size"))
          .where("id", p1.id)
          .get(),
      );
      expect(queries).toBe(eagerQueries(2));
      expect(result[0]!.tags.map((x) => [x.name, x.videosMaxSize])).toEqual([
        ["js", BIG],
        ["sql", null],
      ]);
    });

    it("timestamps, decimals and averages inside a constraint decode as at the top level", async () => {
      const { queries, result } = await t.count(() =>
        t.db.country
          .with("users", (q) =>
            q
              .withMax("posts", "publishedAt")
              .withMin("posts", "price")
              .withAvg("posts", "views")
              .withExists("profile")
              .orderBy("id"),
          )
          .orderBy("id")
          .get(),
      );
      expect(queries).toBe(eagerQueries(2));
      expect(
        result.map((c) => [
          c.name,
          c.users.map((u) => [u.name, u.postsMaxPublishedAt, u.postsMinPrice, u.postsAvgViews, u.profileExists]),
        ]),
      ).toEqual([
        [
          "UK",
          [
            ["Ada", new Date(T3), "9.99", 12, true],
            ["Bob", null, null, null, false],
          ],
        ],
        ["France", [["Cy", new Date(T2), null, 3.5, true]]],
        ["Germany", []],
      ]);
    });
  });

  describe("loadCount / loadExists / loadSum / loadAvg / loadMin / loadMax", () => {
    it("one query each, values assigned in place, 0 / false / null for rows without related rows", async () => {
      const users = await t.db.user.orderBy("id").get();
      const counted = await t.count(() => t.db.user.loadCount(users, "posts", "roles"));
      expect(counted.queries).toBe(1);
      expect(counted.result).toBe(users);
      expect(users.map((u: any) => [u.name, u.postsCount, u.rolesCount])).toEqual([
        ["Ada", 3, 2],
        ["Bob", 0, 1],
        ["Cy", 2, 1],
        ["Dee", 2, 0],
      ]);
      expectTypeOf(counted.result[0]!.postsCount).toEqualTypeOf<number>();

      const exists = await t.count(() => t.db.user.loadExists(users, "profile", "posts"));
      expect(exists.queries).toBe(1);
      expect(pick(users, "profileExists")).toEqual([
        ["Ada", true],
        ["Bob", false],
        ["Cy", true],
        ["Dee", false],
      ]);
      expect(pick(exists.result, "postsExists")).toEqual([
        ["Ada", true],
        ["Bob", false],
        ["Cy", true],
        ["Dee", true],
      ]);

      const sums = await t.count(() => t.db.user.loadSum(users, "posts", "views"));
      expect(sums.queries).toBe(1);
      expect(pick(sums.result, "postsSumViews")).toEqual([
        ["Ada", 36],
        ["Bob", null],
        ["Cy", 7],
        ["Dee", 7],
      ]);
      const avgs = await t.count(() => t.db.user.loadAvg(users, "posts", "views"));
      expect(avgs.queries).toBe(1);
      expect(pick(avgs.result, "postsAvgViews")).toEqual([
        ["Ada", 12],
        ["Bob", null],
        ["Cy", 3.5],
        ["Dee", 3.5],
      ]);
      const mins = await t.count(() => t.db.user.loadMin(users, "posts", "views"));
      expect(mins.queries).toBe(1);
      expect(pick(mins.result, "postsMinViews")).toEqual([
        ["Ada", 5],
        ["Bob", null],
        ["Cy", 0],
        ["Dee", 3],
      ]);
      const maxes = await t.count(() => t.db.user.loadMax(users, "posts as last", "publishedAt"));
      expect(maxes.queries).toBe(1);
      expect(pick(maxes.result, "last")).toEqual([
        ["Ada", new Date(T3)],
        ["Bob", null],
        ["Cy", new Date(T2)],
        ["Dee", null],
      ]);
      expectTypeOf(maxes.result[0]!.last).toEqualTypeOf<Date | null>();
      // Everything loaded stays on the same objects, next to the fields.
      expect(users[0]).toEqual({
        ...ada,
        postsCount: 3,
        rolesCount: 2,
        profileExists: true,
        postsExists: true,
        postsSumViews: 36,
        postsAvgViews: 12,
        postsMinViews: 5,
        last: new Date(T3),
      });
    });

    it("loadCount with a constraint object; rows of any origin, repeated rows, a row no longer stored", async () => {
      const rows: any[] = [{ ...bob }, { ...ada }, { id: 9999, name: "Gone" }, { ...ada }];
      const { queries, result } = await t.count(() =>
        t.db.user.loadCount(rows, {
          "posts as publishedCount": (q) => q.where("published", true),
          roles: (q) => q.wherePivot("grantedBy", "root"),
          profile: false,
        }),
      );
      expect(queries).toBe(1);
      expect(result.map((u: any) => [u.name, u.publishedCount, u.rolesCount])).toEqual([
        ["Bob", 0, 1],
        ["Ada", 2, 1],
        ["Gone", 0, 0],
        ["Ada", 2, 1],
      ]);
      expect("profileCount" in rows[0]).toBe(false);
    });

    it("a row no longer stored has no related rows: 0, false, null", async () => {
      const gone: any[] = [{ id: 9999 }];
      const { queries } = await t.count(async () => {
        await t.db.user.loadCount(gone, "posts");
        await t.db.user.loadExists(gone, "posts");
        await t.db.user.loadSum(gone, "posts", "views");
        await t.db.user.loadAvg(gone, "posts", "views");
        await t.db.user.loadMin(gone, "posts", "title");
        await t.db.user.loadMax(gone, "posts", "publishedAt");
      });
      expect(queries).toBe(6);
      expect(gone).toEqual([
        {
          id: 9999,
          postsCount: 0,
          postsExists: false,
          postsSumViews: null,
          postsAvgViews: null,
          postsMinTitle: null,
          postsMaxPublishedAt: null,
        },
      ]);
    });

    it("thousands of rows: one statement per chunk of keys under the driver's parameter limit", async () => {
      const rows: any[] = Array.from({ length: 40_000 }, (_, i) => ({ id: i + 1 }));
      const { queries } = await t.count(() => t.db.user.loadCount(rows, "posts"));
      // Keys per statement: the dialect's parameter limit less 1,000 (SQLite 32,766; the servers 65,535).
      const statements: PerDialect<number> = { sqlite: 2, postgres: 1, mysql: 1 };
      expect(queries).toBe(statements[dialect]);
      expect(rows.slice(0, 5).map((r) => [r.id, r.postsCount])).toEqual([
        [ada.id, 3],
        [bob.id, 0],
        [cy.id, 2],
        [dee.id, 2],
        [5, 0],
      ]);
      expect(rows.filter((r) => r.postsCount !== 0)).toHaveLength(3);
      expect(rows.every((r) => typeof r.postsCount === "number")).toBe(true);
    });

    it("loads onto rows of a relation, and onto morph parents", async () => {
      const withPosts = await t.db.user.with("posts").where("id", ada.id).get();
      const posts = withPosts[0]!.posts;
      const { queries } = await t.count(() => t.db.post.loadCount(posts, "comments", "tags"));
      expect(queries).toBe(1);
      expect(posts.map((p: any) => [p.title, p.commentsCount, p.tagsCount])).toEqual([
        ["Ada 1", 3, 2],
        ["Ada 2", 0, 0],
        ["Ada 3", 1, 1],
      ]);
      const comments = await t.db.comment.whereIn("id", [c2.id, c8.id]).orderBy("id").get();
      await t.db.comment.loadExists(comments, "commentable");
      expect(comments.map((c: any) => [c.body, c.commentableExists])).toEqual([
        ["V1 first", true],
        ["Dangling", false],
      ]);
    });

    it("no rows cost no query; rows without their primary key are a ValidationError before any SQL", async () => {
      const empty = await t.count(() => t.db.user.loadCount([], "posts"));
      expect(empty).toEqual({ queries: 0, result: [] });
      const names = await t.db.user.select("name").orderBy("id").get();
      t.queries.length = 0;
      for (const load of [
        () => t.db.user.loadCount(names, "posts"),
        () => t.db.user.loadExists(names, "posts"),
        () => t.db.user.loadSum(names, "posts", "views"),
        () => t.db.user.loadAvg(names, "posts", "views"),
        () => t.db.user.loadMin(names, "posts", "views"),
        () => t.db.user.loadMax(names, "posts", "views"),
      ]) {
        const error = await caught(load);
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as Error).message).toContain("without id");
      }
      expect(t.queries).toHaveLength(0);
      expect(names[0]).toEqual({ name: "Ada" });
    });
  });

  describe("errors before any SQL", () => {
    it("an unknown relation is a RelationNotFoundError listing the relations", async () => {
      for (const call of [
        () => t.db.user.withCount("nope" as never),
        () => t.db.user.withExists({ nope: true } as never),
        () => t.db.user.withSum("nope" as never, "views" as never),
        () => t.db.user.withMax("nope as x" as never, "views" as never),
        () => t.db.user.loadCount([ada], "nope" as never),
        () => t.db.user.with("posts", (q) => q.withCount("nope" as never)),
      ]) {
        const error = await caught(call);
        expect(error).toBeInstanceOf(RelationNotFoundError);
        expect((error as Error).message).toContain('"nope"');
      }
      const error = (await caught(() => t.db.user.withCount("nope" as never))) as RelationNotFoundError;
      expect(error.model).toBe("user");
      expect(error.validRelations).toEqual(["country", "profile", "posts", "roles"]);
      expect(error.message).toContain("Valid relations: country, profile, posts, roles.");
      const nested = (await caught(() =>
        t.db.user.with("posts", (q) => q.withCount("nope" as never)),
      )) as RelationNotFoundError;
      expect(nested.model).toBe("post");
      expect(nested.validRelations).toEqual(["author", "comments", "tags"]);
      expect(t.queries).toHaveLength(0);
    });

    it("an unknown column of the related model is a ValidationError listing its fields", async () => {
      for (const call of [
        () => t.db.user.withSum("posts", "nope" as never),
        () => t.db.user.withAvg("posts", "nope" as never),
        () => t.db.user.withMin("posts", "nope" as never),
        () => t.db.user.withMax("posts", "nope" as never),
        () => t.db.user.loadSum([ada], "posts", "nope" as never),
      ]) {
        const error = await caught(call);
        expect(error).toBeInstanceOf(ValidationError);
        const message = (error as Error).message;
        expect(message).toContain('"nope"');
        expect(message).toContain('"post"');
        expect(message).toContain("id, authorId, title, body, published, views, rating, price, publishedAt");
      }
      // A field of the parent is not a field of the related model.
      expect(await caught(() => t.db.user.withSum("posts", "email" as never))).toBeInstanceOf(ValidationError);
      // A column where the constraint names one of the wrong model.
      expect(
        await caught(() => t.db.user.withCount({ posts: (q) => q.where("email" as never, "x" as never) })),
      ).toBeInstanceOf(ValidationError);
      expect(t.queries).toHaveLength(0);
    });

    it("withSum over a morphTo, and a constraint on a morphTo aggregate, are ValidationErrors", async () => {
      for (const call of [
        () => t.db.comment.withSum("commentable", "id" as never),
        () => t.db.comment.withMax("commentable", "title" as never),
        () => t.db.comment.loadAvg([c1], "commentable", "id" as never),
      ]) {
        const error = await caught(call);
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as Error).message).toContain('"comment.commentable"');
        expect((error as Error).message).toContain("several models");
      }
      for (const call of [
        () => t.db.comment.withCount({ commentable: (q: any) => q.where("id", 1) } as never),
        () => t.db.comment.withExists({ "commentable as x": (q: any) => q } as never),
      ]) {
        const error = await caught(call);
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as Error).message).toContain('"comment.commentable"');
      }
      expect(t.queries).toHaveLength(0);
    });

    it("a spec that is not a relation name, or a missing column, is a ValidationError", async () => {
      expect(await caught(() => t.db.user.withCount("" as never))).toBeInstanceOf(ValidationError);
      expect(await caught(() => t.db.user.withCount(42 as never))).toBeInstanceOf(ValidationError);
      expect(await caught(() => (t.db.user.withSum as any)("posts"))).toBeInstanceOf(ValidationError);
      expect(t.queries).toHaveLength(0);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// morphOne (with a morphMap), hasOneThrough, self-reference, the relation's where option
// ---------------------------------------------------------------------------------------------

const more = defineSchema(
  {
    account: model({
      table: "accounts",
      fields: { id: id(), name: string() },
      relations: {
        avatar: morphOne("image", { morphName: "imageable" }),
        notes: hasMany("note"),
        publishedNotes: hasMany("note", { where: { published: true } }),
      },
    }),
    team: model({
      table: "teams",
      fields: { id: id(), name: string() },
      relations: { logo: morphOne("image", { morphName: "imageable" }) },
    }),
    image: model({
      table: "images",
      fields: { id: id(), url: string(), bytes: integer(), imageableType: string(), imageableId: integer() },
      relations: { imageable: morphTo() },
    }),
    note: model({
      table: "notes",
      fields: { id: id(), accountId: integer(), body: string(), published: boolean(), words: integer() },
      relations: { account: belongsTo("account") },
    }),
    mechanic: model({
      table: "mechanics",
      fields: { id: id(), name: string() },
      relations: {
        carOwner: hasOneThrough("owner", { through: "car" }),
        carOwners: hasManyThrough("owner", { through: "car" }),
      },
    }),
    car: model({ table: "cars", fields: { id: id(), mechanicId: integer(), label: string() } }),
    owner: model({ table: "owners", fields: { id: id(), carId: integer(), name: string() } }),
    category: model({
      table: "categories",
      fields: { id: id(), name: string(), parentId: integer().nullable() },
      relations: {
        parent: belongsTo("category", { foreignKey: "parentId" }),
        children: hasMany("category", { foreignKey: "parentId" }),
      },
    }),
  },
  { casing: "snake_case", morphMap: { account: "Account", team: "Team" } },
);

describe(`relation aggregates on morphOne, hasOneThrough, self-reference and where on ${dialect} (${strategy} strategy)`, () => {
  const t = useTestDb(more);
  let ann: any, ben: any, cat: any;
  let core: any, ops: any;
  let i1: any, i2: any, i3: any, i4: any;
  let mo: any, max: any;
  let rootA: any, rootB: any, a1: any, a2: any, a1x: any, a1y: any, b1: any;

  beforeAll(async () => {
    const db = t.db;
    ann = await db.account.create({ name: "Ann" });
    ben = await db.account.create({ name: "Ben" });
    cat = await db.account.create({ name: "Cat" });
    core = await db.team.create({ name: "Core" });
    ops = await db.team.create({ name: "Ops" });
    i1 = await db.image.create({ url: "ann.png", bytes: 100, imageableType: "Account", imageableId: ann.id });
    i2 = await db.image.create({ url: "core.png", bytes: 200, imageableType: "Team", imageableId: core.id });
    i3 = await db.image.create({ url: "ghost.png", bytes: 300, imageableType: "Account", imageableId: 999 });
    // Team Ops has Ben's id: its logo must never count as Ben's avatar.
    i4 = await db.image.create({ url: "ops.png", bytes: 400, imageableType: "Team", imageableId: ops.id });
    await db.note.create({ accountId: ann.id, body: "hello", published: true, words: 100 });
    await db.note.create({ accountId: ann.id, body: "draft", published: false, words: 50 });
    await db.note.create({ accountId: ben.id, body: "short", published: true, words: 30 });
    mo = await db.mechanic.create({ name: "Mo" });
    max = await db.mechanic.create({ name: "Max" });
    const car1 = await db.car.create({ mechanicId: mo.id, label: "Mini" });
    const car2 = await db.car.create({ mechanicId: mo.id, label: "Saab" });
    await db.owner.create({ carId: car2.id, name: "Olly" });
    await db.owner.create({ carId: car1.id, name: "Oz" });
    rootA = await db.category.create({ name: "Root A", parentId: null });
    rootB = await db.category.create({ name: "Root B", parentId: null });
    a1 = await db.category.create({ name: "A1", parentId: rootA.id });
    a2 = await db.category.create({ name: "A2", parentId: rootA.id });
    a1x = await db.category.create({ name: "A1x", parentId: a1.id });
    a1y = await db.category.create({ name: "A1y", parentId: a1.id });
    b1 = await db.category.create({ name: "B1", parentId: rootB.id });
  });

  it("the fixture's premises: equal ids across the morph types", () => {
    expect([core.id, ops.id]).toEqual([ann.id, ben.id]);
  });

  it("morphOne counts match the mapped type", async () => {
    const accounts = await t.count(() =>
      t.db.account.withCount("avatar").withExists("avatar").withSum("avatar", "bytes").orderBy("id").get(),
    );
    expect(accounts.queries).toBe(1);
    expect(accounts.result).toEqual([
      { ...ann, avatarCount: 1, avatarExists: true, avatarSumBytes: 100 },
      { ...ben, avatarCount: 0, avatarExists: false, avatarSumBytes: null },
      { ...cat, avatarCount: 0, avatarExists: false, avatarSumBytes: null },
    ]);
    const teams = await t.count(() => t.db.team.withCount("logo").withMax("logo", "url").orderBy("id").get());
    expect(teams.queries).toBe(1);
    expect(teams.result).toEqual([
      { ...core, logoCount: 1, logoMaxUrl: "core.png" },
      { ...ops, logoCount: 1, logoMaxUrl: "ops.png" },
    ]);
  });

  it("morphTo counts across mapped types; a dangling id counts 0", async () => {
    const { queries, result } = await t.count(() =>
      t.db.image.withCount("imageable").withExists("imageable").orderBy("id").get(),
    );
    expect(queries).toBe(1);
    expect(result).toEqual([
      { ...i1, imageableCount: 1, imageableExists: true },
      { ...i2, imageableCount: 1, imageableExists: true },
      { ...i3, imageableCount: 0, imageableExists: false },
      { ...i4, imageableCount: 1, imageableExists: true },
    ]);
    const orphans = await t.db.image.withCount("imageable").having("imageableCount", "=", 0).get();
    expect(orphans).toEqual([{ ...i3, imageableCount: 0 }]);
  });

  it("the relation's where option applies, and ANDs with a grouped OR constraint", async () => {
    const { queries, result } = await t.count(() =>
      t.db.account
        .withCount("notes", "publishedNotes", {
          // Ungrouped, "published AND words > 60 OR body = 'draft'" would count Ann's unpublished draft.
          "publishedNotes as picked": (q) => q.where("words", ">", 60).orWhere("body", "draft"),
        })
        .withSum("publishedNotes", "words")
        .orderBy("id")
        .get(),
    );
    expect(queries).toBe(1);
    expect(result).toEqual([
      { ...ann, notesCount: 2, publishedNotesCount: 1, picked: 1, publishedNotesSumWords: 100 },
      { ...ben, notesCount: 1, publishedNotesCount: 1, picked: 0, publishedNotesSumWords: 30 },
      { ...cat, notesCount: 0, publishedNotesCount: 0, picked: 0, publishedNotesSumWords: null },
    ]);
  });

  it("hasOneThrough counts every matching row (as Eloquent), hasManyThrough the same", async () => {
    const { queries, result } = await t.count(() =>
      t.db.mechanic
        .withCount("carOwner", "carOwners")
        .withExists("carOwner")
        .withMin("carOwner", "name")
        .orderBy("id")
        .get(),
    );
    expect(queries).toBe(1);
    expect(result).toEqual([
      { ...mo, carOwnerCount: 2, carOwnersCount: 2, carOwnerExists: true, carOwnerMinName: "Olly" },
      { ...max, carOwnerCount: 0, carOwnersCount: 0, carOwnerExists: false, carOwnerMinName: null },
    ]);
  });

  it("self-referencing children and parent: the inner table is aliased", async () => {
    const { queries, result } = await t.count(() =>
      t.db.category
        .withCount("children", "parent")
        .withMax("children", "name")
        .orderBy("childrenCount", "desc")
        .orderBy("id")
        .get(),
    );
    expect(queries).toBe(1);
    expect(result.map((c) => [c.name, c.childrenCount, c.parentCount, c.childrenMaxName])).toEqual([
      ["Root A", 2, 0, "A2"],
      ["A1", 2, 1, "A1y"],
      ["Root B", 1, 0, "B1"],
      ["A2", 0, 1, null],
      ["A1x", 0, 1, null],
      ["A1y", 0, 1, null],
      ["B1", 0, 1, null],
    ]);
    const parents = await t.db.category.withCount("children").having("childrenCount", ">", 0).orderBy("id").get();
    expect(parents.map((c) => c.name)).toEqual(["Root A", "Root B", "A1"]);
    // The same relation three times over, nested: each level needs its own alias.
    const grand = await t.count(() =>
      t.db.category
        .withCount({ "children as withGrandchildren": (q) => q.has("children") })
        .withExists({ "parent as hasGrandparent": (q) => q.has("parent") })
        .orderBy("id")
        .get(),
    );
    expect(grand.queries).toBe(1);
    expect(grand.result.map((c) => [c.name, c.withGrandchildren, c.hasGrandparent])).toEqual([
      ["Root A", 1, false],
      ["Root B", 0, false],
      ["A1", 0, false],
      ["A2", 0, false],
      ["A1x", 0, true],
      ["A1y", 0, true],
      ["B1", 0, false],
    ]);
  });

  it("self-referencing aggregates inside eager constraints, two levels deep", async () => {
    const { queries, result } = await t.count(() =>
      t.db.category
        .whereNull("parentId")
        .withCount("children")
        .with("children", (q) =>
          q
            .withCount("children")
            .orderBy("childrenCount", "desc")
            .orderBy("id")
            .with("children", (r) => r.withCount("children").withExists("parent")),
        )
        .orderBy("id")
        .get(),
    );
    expect(queries).toBe(eagerQueries(3));
    expect(result).toEqual([
      {
        ...rootA,
        childrenCount: 2,
        children: [
          {
            ...a1,
            childrenCount: 2,
            children: [
              { ...a1x, childrenCount: 0, parentExists: true },
              { ...a1y, childrenCount: 0, parentExists: true },
            ],
          },
          { ...a2, childrenCount: 0, children: [] },
        ],
      },
      { ...rootB, childrenCount: 1, children: [{ ...b1, childrenCount: 0, children: [] }] },
    ]);
  });

  it("morphOne and hasOneThrough aggregates inside eager constraints and loaded onto rows", async () => {
    const accounts = await t.db.account.orderBy("id").get();
    const { queries } = await t.count(() =>
      t.db.account.loadCount(accounts, "avatar", { "notes as drafts": (q) => q.where("published", false) }),
    );
    expect(queries).toBe(1);
    expect(accounts.map((a: any) => [a.name, a.avatarCount, a.drafts])).toEqual([
      ["Ann", 1, 1],
      ["Ben", 0, 0],
      ["Cat", 0, 0],
    ]);
    const notes = await t.count(() =>
      t.db.note
        .with("account", (q) => q.withCount("avatar").withExists("publishedNotes"))
        .orderBy("id")
        .get(),
    );
    expect(notes.queries).toBe(eagerQueries(2));
    expect(
      notes.result.map((n) => [n.body, n.account?.name, n.account?.avatarCount, n.account?.publishedNotesExists]),
    ).toEqual([
      ["hello", "Ann", 1, true],
      ["draft", "Ann", 1, true],
      ["short", "Ben", 0, true],
    ]);
    const mechanics = await t.db.mechanic.orderBy("id").get();
    await t.db.mechanic.loadMax(mechanics, "carOwner", "name");
    expect(mechanics.map((m: any) => [m.name, m.carOwnerMaxName])).toEqual([
      ["Mo", "Oz"],
      ["Max", null],
    ]);
  });
});
