import { beforeAll, describe, expect, it } from "vitest";
import {
  boolean,
  defineSchema,
  hasMany,
  hasOne,
  hasOneThrough,
  id,
  integer,
  model,
  morphMany,
  morphOne,
  string,
  timestamp,
} from "../../src/index.js";
import { dialect, eagerQueries, strategy, useTestDb } from "../support/test-db.js";

/**
 * One-of-many relations (`ofMany`: Eloquent's latestOfMany / oldestOfMany / ofMany) on hasOne,
 * morphOne and hasOneThrough, under both loading strategies (this file is an eager-* suite):
 * eager loads, load/loadMissing, relation filters (which constrain THE chosen row), aggregates,
 * related(row, relation) reads and writes, soft deletes. Exact values and statement counts.
 */

const schema = defineSchema(
  {
    country: model({
      table: "of_countries",
      fields: { id: id(), name: string() },
      relations: {
        users: hasMany("user"),
        latestPost: hasOneThrough("post", { through: "user", secondKey: "authorId", ofMany: "latest" }),
        topPost: hasOneThrough("post", { through: "user", secondKey: "authorId", ofMany: { views: "max" } }),
      },
    }),
    user: model({
      table: "of_users",
      fields: {
        id: id(),
        name: string(),
        countryId: integer().nullable().references("country.id"),
      },
      relations: {
        posts: hasMany("post", { foreignKey: "authorId" }),
        latestPost: hasOne("post", { foreignKey: "authorId", ofMany: "latest" }),
        oldestPost: hasOne("post", { foreignKey: "authorId", ofMany: "oldest" }),
        topPost: hasOne("post", { foreignKey: "authorId", ofMany: { views: "max" } }),
        leastViewedPost: hasOne("post", { foreignKey: "authorId", ofMany: { views: "min" } }),
        latestPublishedPost: hasOne("post", { foreignKey: "authorId", ofMany: "latest", where: { published: true } }),
        latestPostOrNew: hasOne("post", { foreignKey: "authorId", ofMany: "latest", withDefault: { title: "none" } }),
      },
    }),
    post: model({
      table: "of_posts",
      fields: {
        id: id(),
        authorId: integer().references("user.id"),
        title: string(),
        published: boolean().default(false),
        views: integer().nullable(),
        deletedAt: timestamp().nullable(),
      },
      softDeletes: true,
      relations: {
        comments: morphMany("comment", { morphName: "commentable" }),
        latestComment: morphOne("comment", { morphName: "commentable", ofMany: "latest" }),
      },
    }),
    video: model({
      table: "of_videos",
      fields: { id: id(), title: string() },
      relations: { latestComment: morphOne("comment", { morphName: "commentable", ofMany: "latest" }) },
    }),
    comment: model({
      table: "of_comments",
      fields: { id: id(), body: string(), commentableType: string(), commentableId: integer() },
    }),
  },
  { casing: "snake_case" },
);

describe(`one-of-many relations on ${dialect} (${strategy} strategy)`, () => {
  const t = useTestDb(schema);
  let uk: any, fr: any, de: any;
  let ada: any, bob: any, cy: any, dee: any, eve: any;
  let p1: any, p2: any, p3: any, p4: any, p5: any, p6: any, p7: any, p8: any;
  let c1: any, c3: any;
  const plain = (row: any) => (row === null ? null : { ...row });
  /** Each user's value of `relation` by name, ordered by user id. */
  const byName = (rows: any[], relation: string) =>
    Object.fromEntries(rows.map((row) => [row.name, row[relation] === null ? null : row[relation].title]));

  beforeAll(async () => {
    const db = t.db;
    uk = await db.country.create({ name: "UK" });
    fr = await db.country.create({ name: "France" });
    de = await db.country.create({ name: "Germany" });
    ada = await db.user.create({ name: "Ada", countryId: uk.id });
    bob = await db.user.create({ name: "Bob", countryId: uk.id });
    cy = await db.user.create({ name: "Cy", countryId: fr.id });
    dee = await db.user.create({ name: "Dee", countryId: null });
    eve = await db.user.create({ name: "Eve", countryId: uk.id });
    const post = (authorId: number, title: string, views: number | null, published: boolean) =>
      db.post.create({ authorId, title, views, published });
    p1 = await post(ada.id, "A1", 5, true);
    p2 = await post(ada.id, "A2", 9, false);
    p3 = await post(ada.id, "A3", 9, true); // ties with A2 on views: max takes the greater id
    p4 = await post(bob.id, "B1", null, true); // only a null views: no top / least viewed post
    p5 = await post(cy.id, "C1", 3, false);
    p6 = await post(cy.id, "C2", 1, true);
    p7 = await post(ada.id, "A4", null, false); // Ada's latest, never her top post (null views)
    p8 = await post(cy.id, "C3", 1, false); // ties with C2 on views: min takes the lesser id
    expect([p2.views, p6.views]).toEqual([p3.views, p8.views]); // the ties the choices break
    const video = await db.video.create({ title: "V1" });
    expect(video.id).toBe(p1.id); // the same id: a video's comments must never be the post's
    c1 = await db.comment.create({ body: "P1 first", commentableType: "post", commentableId: p1.id });
    await db.comment.create({ body: "V1 first", commentableType: "video", commentableId: video.id });
    c3 = await db.comment.create({ body: "P1 second", commentableType: "post", commentableId: p1.id });
    await db.comment.create({ body: "V1 second", commentableType: "video", commentableId: video.id });
  });

  describe("eager loading", () => {
    it("loads the latest row per parent, or null, in one query per level", async () => {
      const { queries, result } = await t.count(() => t.db.user.with("latestPost").orderBy("id").get());
      expect(queries).toBe(eagerQueries(2));
      expect(result.map((u: any) => ({ ...u, latestPost: plain(u.latestPost) }))).toEqual([
        { ...ada, latestPost: p7 },
        { ...bob, latestPost: p4 },
        { ...cy, latestPost: p8 },
        { ...dee, latestPost: null },
        { ...eve, latestPost: null },
      ]);
    });

    it("oldest, max and min of a field with ties to the primary key, nulls never chosen, the fixed where before choosing", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user
          .with("oldestPost", "topPost", "leastViewedPost", "latestPublishedPost", "latestPostOrNew")
          .orderBy("id")
          .get(),
      );
      expect(queries).toBe(eagerQueries(6));
      expect(byName(result, "oldestPost")).toEqual({ Ada: "A1", Bob: "B1", Cy: "C1", Dee: null, Eve: null });
      expect(byName(result, "topPost")).toEqual({ Ada: "A3", Bob: null, Cy: "C1", Dee: null, Eve: null });
      expect(byName(result, "leastViewedPost")).toEqual({ Ada: "A1", Bob: null, Cy: "C2", Dee: null, Eve: null });
      expect(byName(result, "latestPublishedPost")).toEqual({ Ada: "A3", Bob: "B1", Cy: "C2", Dee: null, Eve: null });
      expect(byName(result, "latestPostOrNew")).toEqual({ Ada: "A4", Bob: "B1", Cy: "C3", Dee: "none", Eve: "none" });
    });

    it("a constraint filters THE chosen row (after choosing), as in Eloquent", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user
          .with("latestPost", (q) => q.where("published", true))
          .orderBy("id")
          .get(),
      );
      expect(queries).toBe(eagerQueries(2));
      // Ada's and Cy's latest posts are unpublished: they get null, not an older published post.
      expect(byName(result, "latestPost")).toEqual({ Ada: null, Bob: "B1", Cy: null, Dee: null, Eve: null });
    });

    it("a constraint's select and per-parent limit keep the choice", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user
          .with("topPost", (q) => q.select("title").limit(1))
          .orderBy("id")
          .get(),
      );
      expect(queries).toBe(eagerQueries(2));
      expect(result.map((u: any) => plain(u.topPost))).toEqual([{ title: "A3" }, null, { title: "C1" }, null, null]);
    });

    it("hasOneThrough: the latest / top distant row per parent", async () => {
      const { queries, result } = await t.count(() => t.db.country.with("latestPost", "topPost").orderBy("id").get());
      expect(queries).toBe(eagerQueries(3));
      expect(result.map((c: any) => [c.name, plain(c.latestPost), plain(c.topPost)])).toEqual([
        ["UK", p7, p3],
        ["France", p8, p5],
        ["Germany", null, null],
      ]);
    });

    it("morphOne: the latest row of the parent's own type, nested below another one-of-many", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user.with("oldestPost.latestComment", "latestPost.latestComment").orderBy("id").limit(1).get(),
      );
      expect(queries).toBe(eagerQueries(5));
      expect(plain(result[0]!.oldestPost!.latestComment)).toEqual(c3);
      expect(result[0]!.latestPost!.latestComment).toBeNull();
      const videos = await t.count(() => t.db.video.with("latestComment").get());
      expect(videos.queries).toBe(eagerQueries(2));
      expect(videos.result.map((v) => v.latestComment?.body)).toEqual(["V1 second"]);
    });

    it("load and loadMissing use the query strategy: one query per level", async () => {
      const users = await t.db.user.orderBy("id").get();
      const loaded = await t.count(() => t.db.user.load(users, "latestPost.latestComment", "topPost"));
      expect(loaded.queries).toBe(3);
      expect(byName(users, "latestPost")).toEqual({ Ada: "A4", Bob: "B1", Cy: "C3", Dee: null, Eve: null });
      expect(byName(users, "topPost")).toEqual({ Ada: "A3", Bob: null, Cy: "C1", Dee: null, Eve: null });
      const missing = await t.count(() => t.db.user.loadMissing(users, "latestPost", "oldestPost"));
      expect(missing.queries).toBe(1);
      expect(byName(users, "oldestPost")).toEqual({ Ada: "A1", Bob: "B1", Cy: "C1", Dee: null, Eve: null });
      const countries = await t.db.country.orderBy("id").get();
      const through = await t.count(() => t.db.country.load(countries, "latestPost", "topPost"));
      expect(through.queries).toBe(2);
      expect(countries.map((c: any) => [c.name, plain(c.latestPost), plain(c.topPost)])).toEqual([
        ["UK", p7, p3],
        ["France", p8, p5],
        ["Germany", null, null],
      ]);
    });

    it("a soft-deleted row is never chosen, unless the constraint reads trashed rows", async () => {
      await t.db.post.where("id", p8.id).delete();
      try {
        const live = await t.count(() => t.db.user.with("latestPost").where("id", cy.id).first());
        expect(live.queries).toBe(eagerQueries(2));
        expect((live.result as any).latestPost.title).toBe("C2");
        const trashed = await t.db.user
          .with("latestPost", (q) => q.withTrashed())
          .where("id", cy.id)
          .first();
        expect((trashed as any).latestPost.title).toBe("C3");
        const only = await t.db.user
          .with("latestPost", (q) => q.onlyTrashed())
          .where("id", cy.id)
          .first();
        // The latest of every post (trashed included) is C3, and it is trashed.
        expect((only as any).latestPost.title).toBe("C3");
        expect((await t.db.user.related(cy, "latestPost").first())?.title).toBe("C2");
        expect((await t.db.user.related(cy, "latestPost").withTrashed().first())?.title).toBe("C3");
        expect((await t.db.country.related(fr, "latestPost").first())?.title).toBe("C2");
        expect((await t.db.country.related(fr, "latestPost").withTrashed().first())?.title).toBe("C3");
        const counted = await t.db.user
          .withCount({ latestPost: (q) => q.onlyTrashed() })
          .orderBy("id")
          .get();
        expect(counted.map((u: any) => u.latestPostCount)).toEqual([0, 0, 1, 0, 0]);
      } finally {
        await t.db.post.withTrashed().where("id", p8.id).restore();
      }
    });
  });

  describe("relation filters and aggregates constrain the chosen row", () => {
    const names = (rows: any[]) => rows.map((row) => row.name);

    it("has / doesntHave", async () => {
      const has = await t.count(() => t.db.user.has("latestPost").orderBy("id").get());
      expect(has.queries).toBe(1);
      expect(names(has.result)).toEqual(["Ada", "Bob", "Cy"]);
      expect(names(await t.db.user.doesntHave("topPost").orderBy("id").get())).toEqual(["Bob", "Dee", "Eve"]);
      expect(names(await t.db.user.has("latestPost", ">=", 2).get())).toEqual([]);
    });

    it("whereHas / whereDoesntHave test the chosen row, not any row", async () => {
      const published = await t.count(() =>
        t.db.user
          .whereHas("latestPost", (q) => q.where("published", true))
          .orderBy("id")
          .get(),
      );
      expect(published.queries).toBe(1);
      expect(names(published.result)).toEqual(["Bob"]);
      // Any post: Ada and Cy have published ones.
      expect(
        names(
          await t.db.user
            .whereHas("posts", (q) => q.where("published", true))
            .orderBy("id")
            .get(),
        ),
      ).toEqual(["Ada", "Bob", "Cy"]);
      expect(
        names(
          await t.db.user
            .whereDoesntHave("latestPost", (q) => q.where("published", true))
            .orderBy("id")
            .get(),
        ),
      ).toEqual(["Ada", "Cy", "Dee", "Eve"]);
      expect(names(await t.db.user.whereRelation("topPost", "views", ">", 5).orderBy("id").get())).toEqual(["Ada"]);
      expect(names(await t.db.user.has("oldestPost.latestComment").get())).toEqual(["Ada"]);
      expect(
        names(
          await t.db.country
            .whereHas("topPost", (q) => q.where("published", true))
            .orderBy("id")
            .get(),
        ),
      ).toEqual(["UK"]);
      expect(
        names(
          await t.db.country
            .whereHas("latestPost", (q) => q.where("published", true))
            .orderBy("id")
            .get(),
        ),
      ).toEqual([]);
    });

    it("withCount is 0 or 1; the other aggregates read the chosen row", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user
          .withCount("latestPost", { "latestPost as latestPublished": (q) => q.where("published", true) })
          .withSum("topPost", "views")
          .withExists("leastViewedPost")
          .orderBy("id")
          .get(),
      );
      expect(queries).toBe(1);
      expect(
        result.map((u: any) => [
          u.name,
          u.latestPostCount,
          u.latestPublished,
          u.topPostSumViews,
          u.leastViewedPostExists,
        ]),
      ).toEqual([
        ["Ada", 1, 0, 9, true],
        ["Bob", 1, 1, null, false],
        ["Cy", 1, 0, 3, true],
        ["Dee", 0, 0, null, false],
        ["Eve", 0, 0, null, false],
      ]);
      const countries = await t.db.country.withCount("latestPost").orderBy("id").get();
      expect(countries.map((c: any) => c.latestPostCount)).toEqual([1, 1, 0]);
    });

    it("the object API's is / isNot", async () => {
      const rows = await t.count(() =>
        t.db.user.findMany({ where: { latestPost: { is: { published: true } } }, orderBy: { id: "asc" } }),
      );
      expect(rows.queries).toBe(1);
      expect(names(rows.result)).toEqual(["Bob"]);
    });
  });

  describe("related(row, relation)", () => {
    it("reads the one chosen row: first, get, count", async () => {
      const latest = await t.count(() => t.db.user.related(ada, "latestPost").first());
      expect(latest.queries).toBe(1);
      expect(plain(latest.result)).toEqual(p7);
      expect(plain(await t.db.user.related(ada, "latestPost").get())).toEqual(p7);
      expect((await t.db.user.related(ada, "latestPost").toArray()).map(plain)).toEqual([p7]);
      expect(await t.db.user.related(ada, "latestPost").count()).toBe(1);
      expect(plain(await t.db.user.related(ada, "topPost").first())).toEqual(p3);
      expect(plain(await t.db.user.related(cy, "leastViewedPost").first())).toEqual(p6);
      expect(await t.db.user.related(bob, "topPost").first()).toBeNull();
      // A constraint filters the chosen row, as in eager loading.
      expect(await t.db.user.related(ada, "latestPost").where("published", true).first()).toBeNull();
      expect(plain(await t.db.user.related(dee, "latestPostOrNew").first())).toEqual({
        title: "none",
        authorId: dee.id,
      });
      expect(plain(await t.db.country.related(uk, "latestPost").first())).toEqual(p7);
      expect(plain(await t.db.country.related(uk, "topPost").first())).toEqual(p3);
      expect(await t.db.country.related(de, "latestPost").first()).toBeNull();
      expect(plain(await t.db.post.related(p1, "latestComment").first())).toEqual(c3);
      expect(c1.id).toBeLessThan(c3.id);
    });

    it("writes as a plain hasOne / morphOne: create sets the key, updates reach the chosen row only", async () => {
      const first = await t.db.user.related(dee, "latestPost").create({ title: "D1", views: 1 });
      expect(first.authorId).toBe(dee.id);
      const second = await t.db.user.related(dee, "latestPost").create({ title: "D2", views: 2 });
      expect(plain(await t.db.user.related(dee, "latestPost").first())).toEqual(second);
      const updated = await t.count(() => t.db.user.related(dee, "latestPost").update({ published: true }));
      expect(updated.queries).toBe(1);
      expect(
        (await t.db.post.where("authorId", dee.id).orderBy("id").get()).map((p: any) => [p.title, p.published]),
      ).toEqual([
        ["D1", false],
        ["D2", true],
      ]);
      const comment = await t.db.post.related(second, "latestComment").create({ body: "D2 first" });
      expect([comment.commentableType, comment.commentableId]).toEqual(["post", second.id]);
      await t.db.comment.where("id", comment.id).delete();
      await t.db.post.where("authorId", dee.id).forceDelete();
      expect(await t.db.user.related(dee, "latestPost").first()).toBeNull();
    });
  });
});
