import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  belongsTo,
  belongsToMany,
  bigint,
  boolean,
  defineSchema,
  ForeignKeyConstraintError,
  hasMany,
  hasManyThrough,
  hasOne,
  hasOneThrough,
  id,
  integer,
  manyToMany,
  model,
  morphedByMany,
  morphMany,
  morphOne,
  morphTo,
  morphToMany,
  RelataError,
  RelationNotFoundError,
  string,
  UniqueConstraintError,
  ValidationError,
} from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { caught } from "../support/caught.js";
import { dialect, eagerQueries, type PerDialect, returning, useTestDb } from "../support/test-db.js";

/**
 * `db.<model>.related(row, relation)` on every database: a builder scoped to one parent's related
 * rows, for every relation kind. Reads (get, first, count, exists, pluck, paginate, the where family,
 * paging, select, with/withCount, `for await` and cursor) must stay inside the scope, even with an
 * orWhere; scoped update/delete change exactly the parent's matching rows; create/createMany/save/
 * saveMany through a has-kind set the foreign key (and the morph type) and are atomic. Every write is
 * checked against the rows in the database afterwards, not only against what it returned.
 * Rows are read loosely typed (`any`): the static result types are tested elsewhere.
 */

/** Rows without their many-to-many `pivot` (asserted on its own). */
const plain = (rows: any[]): any[] => rows.map(({ pivot: _, ...row }) => row);

interface Counter {
  count<T>(fn: () => Promise<T>): Promise<{ queries: number; result: T }>;
}

/** Helpers bound to one test database. */
function helpers(t: Counter) {
  /** What `fn` resolves to, asserting it took exactly `statements` statements. */
  const exactly = async <T>(statements: number, fn: () => Promise<T>): Promise<T> => {
    const { queries, result } = await t.count(fn);
    expect(queries).toBe(statements);
    return result;
  };
  /**
   * The rows of `query` as an array (a handle's `toArray()`: a to-one handle's `get()` is its one
   * row), in one statement (many-to-many `pivot`s are checked in their own tests).
   */
  const rows = async (query: { toArray(): Promise<any[]> } | { get(): Promise<any[]> }): Promise<any[]> =>
    plain(await exactly(1, () => ("toArray" in query ? query.toArray() : query.get())));
  /** The error `fn` throws (synchronously or not), asserting no statement was sent. */
  const noSql = async (fn: () => unknown): Promise<any> => {
    const { queries, result } = await t.count(async () => {
      try {
        await fn();
      } catch (error) {
        return error;
      }
      throw new Error("expected an error, got none");
    });
    expect(queries).toBe(0);
    return result;
  };
  return { exactly, rows, noSql };
}

/** Rows sorted by id (for reads that set no order). */
const byId = (rows: any[]) => [...rows].sort((a, b) => Number(a.id) - Number(b.id));

/** Statements a transaction costs around its own statements (BEGIN and COMMIT are recorded). */
const TX = 2;

// ---------------------------------------------------------------------------------------------
// Reads through every relation kind of the blog fixture
// ---------------------------------------------------------------------------------------------

/** Deleting posts: begin, their rows in the polymorphic taggables pivot, the posts, commit. */
const POST_DELETE = 4;

describe(`related(row, relation) reads on the blog on ${dialect}`, () => {
  const t = useTestDb(blog);
  const { exactly, rows, noSql } = helpers(t);
  let uk: any, fr: any, de: any;
  let ada: any, bob: any, cy: any, dee: any;
  let adaProfile: any, cyProfile: any;
  let p1: any, p2: any, p3: any, p4: any, p5: any, p6: any, p7: any;
  let v1: any, v2: any, v3: any;
  let c1: any, c2: any, c3: any, c4: any, c5: any;
  let admin: any, editor: any, viewer: any;
  let js: any, sqlTag: any, news: any;

  beforeAll(async () => {
    const db = t.db;
    uk = await db.country.create({ name: "UK" });
    fr = await db.country.create({ name: "France" });
    de = await db.country.create({ name: "Germany" });
    ada = await db.user.create({ email: "ada@example.dev", name: "Ada", countryId: uk.id });
    bob = await db.user.create({ email: "bob@example.dev", name: "Bob", countryId: uk.id });
    cy = await db.user.create({ email: "cy@example.dev", name: "Cy", countryId: fr.id });
    dee = await db.user.create({ email: "dee@example.dev", name: "Dee", countryId: null });
    adaProfile = await db.profile.create({ userId: ada.id, bio: "Ada's bio" });
    cyProfile = await db.profile.create({ userId: cy.id, bio: "Cy's bio" });
    const post = (author: any, title: string, published: boolean, views: number) =>
      db.post.create({ authorId: author.id, title, published, views });
    p1 = await post(ada, "Ada 1", true, 10);
    p2 = await post(ada, "Ada 2", false, 500);
    p3 = await post(ada, "Ada 3", false, 5);
    p4 = await post(bob, "Bob 1", true, 1000);
    p5 = await post(cy, "Cy 1", false, 200);
    p6 = await post(dee, "Dee 1", true, 0);
    p7 = await post(ada, "Ada 4", true, 150);
    v1 = await db.video.create({ title: "Clip 1" });
    v2 = await db.video.create({ title: "Clip 2" });
    v3 = await db.video.create({ title: "Clip 3" });
    const comment = (body: string, commentableType: string, commentableId: number) =>
      db.comment.create({ body, commentableType, commentableId });
    c1 = await comment("P1 first", "post", p1.id);
    c2 = await comment("V1 first", "video", v1.id);
    c3 = await comment("P1 second", "post", p1.id);
    c4 = await comment("P5 first", "post", p5.id);
    c5 = await comment("V2 first", "video", v2.id);
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
        { tag_id: sqlTag.id, taggable_id: p5.id, taggable_type: "post" },
        // Video 1 has the same id as post 1: its tags must never show up on the post.
        { tag_id: js.id, taggable_id: v1.id, taggable_type: "video" },
        { tag_id: news.id, taggable_id: v1.id, taggable_type: "video" },
      ])
      .execute();
  });

  it("the premise: videos and posts share ids; building the scoped builder sends nothing", async () => {
    expect([v1.id, v2.id, v3.id]).toEqual([p1.id, p2.id, p3.id]);
    await exactly(0, async () => {
      t.db.user.related(ada, "posts").where("published", true).orderBy("id").limit(2);
      t.db.comment.related(c1, "commentable");
      t.db.user.related(ada, "roles");
    });
  });

  describe("hasMany (user.posts)", () => {
    it("get, first, count, exists, pluck: one statement each, Ada's posts only", async () => {
      const posts = t.db.user.related(ada, "posts");
      expect(byId(await rows(posts))).toEqual([p1, p2, p3, p7]);
      expect(await rows(posts.orderBy("id"))).toEqual([p1, p2, p3, p7]);
      expect(await exactly(1, () => posts.orderBy("views", "desc").first())).toEqual(p2);
      expect(await exactly(1, () => posts.count())).toBe(4);
      expect(await exactly(1, () => posts.exists())).toBe(true);
      expect(await exactly(1, () => posts.orderBy("id").pluck("title"))).toEqual(["Ada 1", "Ada 2", "Ada 3", "Ada 4"]);
      expect(await exactly(1, () => posts.where("title", "Ada 3").firstOrFail())).toEqual(p3);
      expect(await rows(t.db.user.related(bob, "posts"))).toEqual([p4]);
      // A parent key given as a string of digits (as from a URL) is converted to the column's type.
      expect(await rows(t.db.user.related({ id: String(bob.id) } as any, "posts"))).toEqual([p4]);
      const nobody = await t.db.user.create({ email: "nobody@example.dev", name: "Nobody" });
      try {
        const none = t.db.user.related(nobody, "posts");
        expect(await rows(none)).toEqual([]);
        expect(await exactly(1, () => none.first())).toBeNull();
        expect(await exactly(1, () => none.count())).toBe(0);
        expect(await exactly(1, () => none.exists())).toBe(false);
        expect(await exactly(1, () => none.pluck("title"))).toEqual([]);
      } finally {
        await t.db.user.where("id", nobody.id).delete();
      }
    });

    it("where / whereIn / whereNull / whereBetween / whereNot narrow within the scope", async () => {
      const posts = t.db.user.related(ada, "posts");
      expect(await rows(posts.where("published", true).orderBy("id"))).toEqual([p1, p7]);
      expect(await rows(posts.where("views", ">=", 10).orderBy("id"))).toEqual([p1, p2, p7]);
      expect(await rows(posts.where({ title: "Ada 3" }))).toEqual([p3]);
      expect(await rows(posts.whereIn("id", [p2.id, p4.id, p5.id]))).toEqual([p2]);
      expect(await rows(posts.whereNotIn("id", [p1.id, p2.id]).orderBy("id"))).toEqual([p3, p7]);
      expect(await rows(posts.whereNull("body").orderBy("id"))).toEqual([p1, p2, p3, p7]);
      expect(await rows(posts.whereNotNull("body"))).toEqual([]);
      expect(await rows(posts.whereBetween("views", [0, 1000]).orderBy("id"))).toEqual([p1, p2, p3, p7]);
      expect(await rows(posts.whereNot((q) => q.where("published", true)).orderBy("id"))).toEqual([p2, p3]);
      expect(await rows(posts.where((q) => q.where("views", ">", 100).where("published", true)))).toEqual([p7]);
      // Another user's post, named outright: nothing, the scope holds.
      expect(await rows(posts.where("title", "Bob 1"))).toEqual([]);
      expect(await rows(posts.where("id", p4.id))).toEqual([]);
    });

    it("orderBy / limit / offset / paginate", async () => {
      const posts = t.db.user.related(ada, "posts");
      expect(await rows(posts.orderBy("views", "desc").limit(2))).toEqual([p2, p7]);
      expect(await rows(posts.orderBy("views", "desc").offset(1).limit(2))).toEqual([p7, p1]);
      expect(await rows(posts.orderBy("id").offset(3))).toEqual([p7]);
      expect(await rows(posts.orderBy("id").limit(0))).toEqual([]);
      expect(await rows(posts.orderBy("published", "desc").orderBy("views"))).toEqual([p1, p7, p3, p2]);
      const page = await exactly(2, () => posts.orderBy("id").paginate({ page: 2, perPage: 3 }));
      expect(page).toEqual({ data: [p7], total: 4, page: 2, perPage: 3, lastPage: 2 });
      const published = await exactly(2, () => posts.where("published", true).orderBy("id").paginate({ perPage: 1 }));
      expect(published).toEqual({ data: [p1], total: 2, page: 1, perPage: 1, lastPage: 2 });
    });

    it("select narrows the rows", async () => {
      const posts = t.db.user.related(ada, "posts");
      expect(await rows(posts.select("title", "views").orderBy("id"))).toEqual([
        { title: "Ada 1", views: 10 },
        { title: "Ada 2", views: 500 },
        { title: "Ada 3", views: 5 },
        { title: "Ada 4", views: 150 },
      ]);
      expect(await exactly(1, () => posts.select("id").where("views", "<", 10).first())).toEqual({ id: p3.id });
      // A select without the key the relations stitch on still loads them, and drops the key.
      expect(
        await exactly(eagerQueries(2), () => posts.select("title").with("comments").orderBy("id").limit(1).get()),
      ).toEqual([{ title: "Ada 1", comments: [c1, c3] }]);
    });

    it("with(...) and withCount load onto the related rows", async () => {
      const posts = t.db.user.related(ada, "posts").orderBy("id");
      expect(await exactly(eagerQueries(2), () => posts.with("comments").get())).toEqual([
        { ...p1, comments: [c1, c3] },
        { ...p2, comments: [] },
        { ...p3, comments: [] },
        { ...p7, comments: [] },
      ]);
      expect(await exactly(eagerQueries(3), () => posts.where("published", true).with("author", "tags").get())).toEqual(
        [
          {
            ...p1,
            author: ada,
            tags: [
              { ...js, pivot: { taggableId: p1.id, tagId: js.id } },
              { ...sqlTag, pivot: { taggableId: p1.id, tagId: sqlTag.id } },
            ],
          },
          { ...p7, author: ada, tags: [] },
        ],
      );
      expect(
        await exactly(eagerQueries(2), () =>
          posts
            .with("comments", (q) => q.where("body", "P1 second"))
            .limit(1)
            .get(),
        ),
      ).toEqual([{ ...p1, comments: [c3] }]);
      expect(await exactly(1, () => posts.withCount("comments", "tags").get())).toEqual([
        { ...p1, commentsCount: 2, tagsCount: 2 },
        { ...p2, commentsCount: 0, tagsCount: 0 },
        { ...p3, commentsCount: 0, tagsCount: 0 },
        { ...p7, commentsCount: 0, tagsCount: 0 },
      ]);
      // Relation filters on the related rows.
      expect(await rows(t.db.user.related(ada, "posts").has("comments"))).toEqual([p1]);
      expect(await rows(t.db.user.related(ada, "posts").doesntHave("tags").orderBy("id"))).toEqual([p2, p3, p7]);
      expect(await rows(t.db.user.related(cy, "posts").has("comments"))).toEqual([p5]);
    });

    it('the "join" strategy gives the same rows in one statement', async () => {
      const posts = t.db.user.related(ada, "posts").orderBy("id").strategy("join");
      expect(await exactly(1, () => posts.with("comments", "author").get())).toEqual([
        { ...p1, comments: [c1, c3], author: ada },
        { ...p2, comments: [], author: ada },
        { ...p3, comments: [], author: ada },
        { ...p7, comments: [], author: ada },
      ]);
      // A many-to-many related() read goes through the eager loader (for row.pivot): the
      // relations below it load with the query strategy.
      const roles = t.db.role.related(editor, "users").orderBy("id").strategy("join");
      expect(plain(await exactly(2, () => roles.with("profile").get()))).toEqual([
        { ...ada, profile: adaProfile },
        { ...bob, profile: null },
      ]);
    });

    it("for await streams the rows in id order, one statement per batch of 1,000", async () => {
      const seen: any[] = [];
      const { queries } = await t.count(async () => {
        for await (const post of t.db.user.related(ada, "posts")) seen.push(post);
      });
      expect(queries).toBe(1);
      expect(seen).toEqual([p1, p2, p3, p7]);
      const filtered: any[] = [];
      for await (const post of t.db.user.related(ada, "posts").where("published", false)) filtered.push(post);
      expect(filtered).toEqual([p2, p3]);
    });

    it("cursor({ batchSize }) reads one batch per statement, in order, the scope kept on every batch", async () => {
      const statements: number[] = [];
      const seen: any[] = [];
      const before = t.queries.length;
      for await (const post of t.db.user.related(ada, "posts").cursor({ batchSize: 2 })) {
        statements.push(t.queries.length - before);
        seen.push(post);
      }
      expect(seen).toEqual([p1, p2, p3, p7]);
      expect(statements).toEqual([1, 1, 2, 2]);
      expect(t.queries.length - before).toBe(3); // the third batch comes back empty

      const three: any[] = [];
      const odd = await t.count(async () => {
        for await (const post of t.db.user.related(ada, "posts").cursor({ batchSize: 3 })) three.push(post);
      });
      expect(three).toEqual([p1, p2, p3, p7]);
      expect(odd.queries).toBe(2); // the second batch is short: no third read

      // A select without the key: the key is read for paging and not yielded.
      const titles: any[] = [];
      for await (const post of t.db.user.related(ada, "posts").select("title").cursor({ batchSize: 1 }))
        titles.push(post);
      expect(titles).toEqual([{ title: "Ada 1" }, { title: "Ada 2" }, { title: "Ada 3" }, { title: "Ada 4" }]);

      // An order of its own pages by offset; relations load batch by batch.
      const loaded: any[] = [];
      const withComments = await t.count(async () => {
        const cursor = t.db.user.related(ada, "posts").orderBy("views", "desc").with("comments");
        for await (const post of cursor.cursor({ batchSize: 3 })) loaded.push(post);
      });
      expect(loaded).toEqual([
        { ...p2, comments: [] },
        { ...p7, comments: [] },
        { ...p1, comments: [c1, c3] },
        { ...p3, comments: [] },
      ]);
      expect(withComments.queries).toBe(2 * eagerQueries(2));

      // A limit bounds the stream.
      const limited: any[] = [];
      const bounded = await t.count(async () => {
        for await (const post of t.db.user.related(ada, "posts").limit(3).cursor({ batchSize: 2 })) limited.push(post);
      });
      expect(limited).toEqual([p1, p2, p3]);
      expect(bounded.queries).toBe(2);
    });
  });

  describe("hasOne / belongsTo", () => {
    it("hasOne (user.profile)", async () => {
      expect(await rows(t.db.user.related(ada, "profile"))).toEqual([adaProfile]);
      expect(await exactly(1, () => t.db.user.related(cy, "profile").first())).toEqual(cyProfile);
      expect(await exactly(1, () => t.db.user.related(bob, "profile").first())).toBeNull();
      expect(await exactly(1, () => t.db.user.related(bob, "profile").exists())).toBe(false);
      expect(await exactly(1, () => t.db.user.related(ada, "profile").count())).toBe(1);
      expect(await exactly(1, () => t.db.user.related(ada, "profile").pluck("bio"))).toEqual(["Ada's bio"]);
      // first() joins the profile's user (a belongsTo on the primary key) into its statement.
      expect(await exactly(eagerQueries(1), () => t.db.user.related(cy, "profile").with("user").first())).toEqual({
        ...cyProfile,
        user: cy,
      });
    });

    it("belongsTo (post.author, user.country)", async () => {
      expect(await rows(t.db.post.related(p4, "author"))).toEqual([bob]);
      expect(await exactly(1, () => t.db.post.related(p1, "author").first())).toEqual(ada);
      expect(await exactly(eagerQueries(1), () => t.db.post.related(p1, "author").with("profile").first())).toEqual({
        ...ada,
        profile: adaProfile,
      });
      expect(await exactly(1, () => t.db.post.related(p1, "author").withCount("posts").first())).toEqual({
        ...ada,
        postsCount: 4,
      });
      expect(await exactly(1, () => t.db.user.related(cy, "country").first())).toEqual(fr);
      expect(await exactly(1, () => t.db.post.related(p5, "author").select("name").get())).toEqual({ name: "Cy" });
      expect(await exactly(1, () => t.db.post.related(p5, "author").select("name").toArray())).toEqual([
        { name: "Cy" },
      ]);
      expect(await rows(t.db.post.related(p5, "author").where("name", "Ada"))).toEqual([]);
    });

    it("a belongsTo whose foreign key is null has no rows", async () => {
      expect(dee.countryId).toBeNull();
      const country = t.db.user.related(dee, "country");
      expect(await exactly(0, () => country.get())).toBeNull();
      expect(await exactly(0, () => country.toArray())).toEqual([]);
      expect(await exactly(0, () => country.first())).toBeNull();
      expect(await exactly(0, () => country.count())).toBe(0);
      expect(await exactly(0, () => country.exists())).toBe(false);
      expect(await exactly(0, () => country.where("name", "UK").get())).toBeNull();
      const streamed: any[] = [];
      for await (const row of country) streamed.push(row);
      expect(streamed).toEqual([]);
    });
  });

  describe("belongsToMany through a bare pivot (user.roles, role.users)", () => {
    it("the parent's related rows, both sides", async () => {
      expect(await rows(t.db.user.related(ada, "roles").orderBy("id"))).toEqual([admin, editor]);
      expect(await rows(t.db.user.related(dee, "roles"))).toEqual([]);
      expect(await rows(t.db.role.related(editor, "users").orderBy("id"))).toEqual([ada, bob]);
      expect(await exactly(1, () => t.db.role.related(editor, "users").count())).toBe(2);
      expect(await exactly(1, () => t.db.role.related(admin, "users").exists())).toBe(true);
      expect(await exactly(1, () => t.db.user.related(cy, "roles").pluck("name"))).toEqual(["viewer"]);
      expect(await rows(t.db.user.related(ada, "roles").where("name", "viewer"))).toEqual([]);
      const page = await exactly(2, () => t.db.role.related(editor, "users").orderBy("id").paginate({ perPage: 1 }));
      expect({ ...page, data: plain(page.data) }).toEqual({
        data: [ada],
        total: 2,
        page: 1,
        perPage: 1,
        lastPage: 2,
      });
    });

    it("the rows carry their pivot as eager loading gives it, in one statement", async () => {
      const [eager] = await t.db.user.where("id", ada.id).with("roles").get();
      const read = await exactly(1, () => t.db.user.related(ada, "roles").orderBy("id").get());
      expect(read).toEqual(eager!.roles);
      expect(read.map((role) => role.pivot)).toEqual([
        expect.objectContaining({ userId: ada.id, roleId: admin.id }),
        expect.objectContaining({ userId: ada.id, roleId: editor.id }),
      ]);
      const [first] = await t.db.post.related(p1, "tags").orderBy("id").limit(1).get();
      expect(first).toEqual({ ...js, pivot: { taggableId: p1.id, tagId: js.id } });
      expect((await t.db.tag.related(js, "videos").first())?.pivot).toEqual({ tagId: js.id, taggableId: v1.id });
    });

    it("with and withCount on the related rows; for await", async () => {
      expect(
        plain(await exactly(2, () => t.db.role.related(editor, "users").orderBy("id").with("posts").get())),
      ).toEqual([
        { ...ada, posts: [p1, p2, p3, p7] },
        { ...bob, posts: [p4] },
      ]);
      expect(
        plain(await exactly(1, () => t.db.user.related(ada, "roles").withCount("users").orderBy("id").get())),
      ).toEqual([
        { ...admin, usersCount: 1 },
        { ...editor, usersCount: 2 },
      ]);
      const seen: any[] = [];
      const { queries } = await t.count(async () => {
        for await (const role of t.db.user.related(ada, "roles").cursor({ batchSize: 1 })) seen.push(role);
      });
      expect(plain(seen)).toEqual([admin, editor]);
      expect(queries).toBe(3);
    });
  });

  describe("morphMany / morphTo", () => {
    it("morphMany matches the type: a post's and a video's comments never mix with equal ids", async () => {
      expect(await rows(t.db.post.related(p1, "comments").orderBy("id"))).toEqual([c1, c3]);
      expect(await rows(t.db.video.related(v1, "comments"))).toEqual([c2]);
      expect(await rows(t.db.video.related(v2, "comments"))).toEqual([c5]);
      expect(await rows(t.db.post.related(p2, "comments"))).toEqual([]);
      expect(await exactly(1, () => t.db.post.related(p1, "comments").count())).toBe(2);
      expect(await exactly(1, () => t.db.video.related(v3, "comments").exists())).toBe(false);
      expect(await rows(t.db.post.related(p1, "comments").where("body", "V1 first"))).toEqual([]);
      const seen: any[] = [];
      const { queries } = await t.count(async () => {
        for await (const comment of t.db.post.related(p1, "comments")) seen.push(comment);
      });
      expect(seen).toEqual([c1, c3]);
      expect(queries).toBe(1);
    });

    it("morphTo: the row's type picks the model", async () => {
      expect(await rows(t.db.comment.related(c1, "commentable"))).toEqual([p1]);
      expect(await rows(t.db.comment.related(c2, "commentable"))).toEqual([v1]);
      expect(await exactly(1, () => t.db.comment.related(c5, "commentable").first())).toEqual(v2);
      expect(await exactly(1, () => t.db.comment.related(c4, "commentable").count())).toBe(1);
      expect(await exactly(1, () => t.db.comment.related(c2, "commentable").exists())).toBe(true);
      expect(
        await exactly(eagerQueries(1), () => (t.db.comment.related(c4, "commentable") as any).with("author").first()),
      ).toEqual({ ...p5, author: cy });
      expect(
        await exactly(1, () => (t.db.comment.related(c2, "commentable") as any).withCount("comments").first()),
      ).toEqual({ ...v1, commentsCount: 1 });
      // A comment pointing at a row that does not exist.
      expect(
        await rows(t.db.comment.related({ commentableType: "video", commentableId: 999_999 }, "commentable")),
      ).toEqual([]);
    });

    it("morphTo on a row whose type is not a target throws a RelataError, before any SQL", async () => {
      const error = await noSql(() => t.db.comment.related({ ...c1, commentableType: "podcast" }, "commentable").get());
      expect(error).toBeInstanceOf(RelataError);
      expect(error.message).toContain("comment.commentable");
      expect(error.message).toContain('"podcast"');
      expect(error.message).toContain("post");
      expect(error.message).toContain("video");
    });
  });

  describe("morphToMany / morphedByMany (taggables)", () => {
    it("a post's and a video's tags never mix with equal ids", async () => {
      expect(await rows(t.db.post.related(p1, "tags").orderBy("id"))).toEqual([js, sqlTag]);
      expect(await rows(t.db.video.related(v1, "tags").orderBy("id"))).toEqual([js, news]);
      expect(await rows(t.db.post.related(p2, "tags"))).toEqual([]);
      expect(await exactly(1, () => t.db.post.related(p5, "tags").pluck("name"))).toEqual(["sql"]);
      expect(await rows(t.db.post.related(p1, "tags").where("name", "news"))).toEqual([]);
    });

    it("a tag's posts and videos", async () => {
      expect(await rows(t.db.tag.related(js, "posts"))).toEqual([p1]);
      expect(await rows(t.db.tag.related(js, "videos"))).toEqual([v1]);
      expect(await rows(t.db.tag.related(sqlTag, "posts").orderBy("id"))).toEqual([p1, p5]);
      expect(await rows(t.db.tag.related(sqlTag, "videos"))).toEqual([]);
      expect(await rows(t.db.tag.related(news, "posts"))).toEqual([]);
      expect(await exactly(1, () => t.db.tag.related(news, "videos").count())).toBe(1);
      expect(
        plain(await exactly(1, () => t.db.tag.related(sqlTag, "posts").withCount("comments").orderBy("id").get())),
      ).toEqual([
        { ...p1, commentsCount: 2 },
        { ...p5, commentsCount: 1 },
      ]);
    });
  });

  describe("hasManyThrough (country -> users -> posts)", () => {
    it("the distant rows of one parent", async () => {
      expect(await rows(t.db.country.related(uk, "posts").orderBy("id"))).toEqual([p1, p2, p3, p4, p7]);
      expect(await rows(t.db.country.related(fr, "posts"))).toEqual([p5]);
      expect(await rows(t.db.country.related(de, "posts"))).toEqual([]);
      expect(await exactly(1, () => t.db.country.related(uk, "posts").where("published", true).count())).toBe(3);
      expect(
        await exactly(2, () => t.db.country.related(uk, "posts").orderBy("id").paginate({ page: 2, perPage: 4 })),
      ).toEqual({ data: [p7], total: 5, page: 2, perPage: 4, lastPage: 2 });
      expect(await exactly(eagerQueries(2), () => t.db.country.related(fr, "posts").with("author").get())).toEqual([
        { ...p5, author: cy },
      ]);
      expect(await rows(t.db.country.related(fr, "posts").where("title", "Bob 1"))).toEqual([]);
      const seen: any[] = [];
      const { queries } = await t.count(async () => {
        for await (const post of t.db.country.related(uk, "posts").cursor({ batchSize: 2 })) seen.push(post);
      });
      expect(seen).toEqual([p1, p2, p3, p4, p7]);
      expect(queries).toBe(3);
    });
  });

  describe("an OR in the query cannot escape the scope", () => {
    it("hasMany: related(ada, 'posts').where(...).orWhere(...) stays within Ada's posts", async () => {
      // Unparenthesised, "author = ada AND published OR views > 100" brings in Bob's and Cy's posts.
      const posts = t.db.user.related(ada, "posts").where("published", true).orWhere("views", ">", 100);
      expect(await rows(posts.orderBy("id"))).toEqual([p1, p2, p7]);
      expect(await exactly(1, () => posts.count())).toBe(3);
      expect(await exactly(1, () => posts.orderBy("id").pluck("title"))).toEqual(["Ada 1", "Ada 2", "Ada 4"]);
      expect(await exactly(2, () => posts.orderBy("id").paginate({ perPage: 2 }))).toEqual({
        data: [p1, p2],
        total: 3,
        page: 1,
        perPage: 2,
        lastPage: 2,
      });
      expect(
        await exactly(1, () => t.db.user.related(dee, "posts").where("views", 1).orWhere("views", 1000).exists()),
      ).toBe(false);
    });

    it("hasMany: orWhereIn, orWhereNull, an object, a callback, and a relation filter", async () => {
      expect(
        await rows(t.db.user.related(bob, "posts").where("title", "nope").orWhereIn("id", [p1.id, p5.id])),
      ).toEqual([]);
      expect(await rows(t.db.user.related(cy, "posts").where("title", "nope").orWhereNull("rating"))).toEqual([p5]);
      expect(await rows(t.db.user.related(dee, "posts").where("title", "nope").orWhere({ published: true }))).toEqual([
        p6,
      ]);
      const group = t.db.user
        .related(bob, "posts")
        .where("title", "nope")
        .orWhere((q) => q.where("views", ">", 100));
      expect(await rows(group)).toEqual([p4]);
      expect(
        await rows(t.db.user.related(ada, "posts").has("comments").orWhere("views", ">", 100).orderBy("id")),
      ).toEqual([p1, p2, p7]);
      expect(await rows(t.db.user.related(bob, "posts").where("title", "nope").orHas("comments"))).toEqual([]);
    });

    it("for await and cursor keep an orWhere inside the scope on every batch", async () => {
      const ored: any[] = [];
      const { queries } = await t.count(async () => {
        const cursor = t.db.user.related(ada, "posts").where("published", true).orWhere("views", ">", 100);
        for await (const post of cursor.cursor({ batchSize: 1 })) ored.push(post);
      });
      expect(ored).toEqual([p1, p2, p7]);
      expect(queries).toBe(4);
      const all: any[] = [];
      for await (const post of t.db.user.related(bob, "posts").where("title", "nope").orWhere("published", true)) {
        all.push(post);
      }
      expect(all).toEqual([p4]);
    });

    it("hasOne and belongsTo (a null foreign key included)", async () => {
      expect(await rows(t.db.user.related(ada, "profile").where("bio", "nope").orWhere("bio", "Cy's bio"))).toEqual([]);
      expect(await rows(t.db.user.related(ada, "country").where("name", "nope").orWhere("name", "France"))).toEqual([]);
      expect(
        await exactly(0, () => t.db.user.related(dee, "country").where("name", "nope").orWhere("name", "UK").get()),
      ).toBeNull();
      expect(await exactly(0, () => t.db.user.related(dee, "country").orWhere("name", "UK").count())).toBe(0);
    });

    it("belongsToMany, morphToMany and morphedByMany", async () => {
      expect(await rows(t.db.user.related(bob, "roles").where("name", "admin").orWhere("name", "viewer"))).toEqual([]);
      expect(await rows(t.db.user.related(ada, "roles").where("name", "admin").orWhere("name", "viewer"))).toEqual([
        admin,
      ]);
      expect(await rows(t.db.post.related(p1, "tags").where("name", "nope").orWhere("name", "news"))).toEqual([]);
      expect(await rows(t.db.tag.related(js, "posts").where("title", "nope").orWhere("views", ">", 100))).toEqual([]);
    });

    it("morphMany and morphTo", async () => {
      expect(await rows(t.db.post.related(p1, "comments").where("body", "nope").orWhere("body", "V1 first"))).toEqual(
        [],
      );
      const ored = (t.db.comment.related(c2, "commentable") as any).where("title", "nope").orWhere("title", "Clip 2");
      expect(await rows(ored)).toEqual([]);
    });

    it("hasManyThrough", async () => {
      expect(await rows(t.db.country.related(fr, "posts").where("title", "nope").orWhere("views", ">", 100))).toEqual([
        p5,
      ]);
      expect(await rows(t.db.country.related(de, "posts").where("title", "nope").orWhere("published", true))).toEqual(
        [],
      );
    });
  });

  describe("invalid calls fail before any SQL", () => {
    it("an unknown relation: RelationNotFoundError", async () => {
      const error = await noSql(() => t.db.user.related(ada, "nope" as never));
      expect(error).toBeInstanceOf(RelationNotFoundError);
      expect(error.model).toBe("user");
      expect(error.relation).toBe("nope");
      expect(error.validRelations).toEqual(["country", "profile", "posts", "roles"]);
    });

    it("a row lacking the key field: ValidationError naming the field", async () => {
      const noId = await noSql(() => t.db.user.related({ name: "Ada" }, "posts"));
      expect(noId).toBeInstanceOf(ValidationError);
      expect(noId.field).toBe("id");
      expect(noId.message).toContain('"posts"');
      const noForeignKey = await noSql(() => t.db.post.related({ id: p1.id, title: "Ada 1" }, "author"));
      expect(noForeignKey).toBeInstanceOf(ValidationError);
      expect(noForeignKey.field).toBe("authorId");
      const noType = await noSql(() => t.db.comment.related({ id: c1.id, commentableId: p1.id }, "commentable"));
      expect(noType).toBeInstanceOf(ValidationError);
      expect(noType.field).toBe("commentableType");
      const noLocal = await noSql(() => t.db.country.related({ name: "UK" }, "posts"));
      expect(noLocal).toBeInstanceOf(ValidationError);
      expect(noLocal.field).toBe("id");
      const noPivotKey = await noSql(() => t.db.post.related({ title: "Ada 1" }, "tags"));
      expect(noPivotKey).toBeInstanceOf(ValidationError);
      expect(noPivotKey.field).toBe("id");
      for (const row of [null, undefined, 1, "ada"]) {
        expect(await noSql(() => t.db.user.related(row as any, "posts"))).toBeInstanceOf(ValidationError);
      }
    });

    it("a key of the wrong type: ValidationError", async () => {
      expect(await noSql(() => t.db.user.related({ id: "one" } as any, "posts").get())).toBeInstanceOf(ValidationError);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Writes through the blog's relations, the database checked afterwards
// ---------------------------------------------------------------------------------------------

describe(`related(row, relation) writes on the blog on ${dialect}`, () => {
  const t = useTestDb(blog);
  const { exactly, noSql } = helpers(t);
  /** Statements one create costs (MySQL has no RETURNING: insert, then select back). */
  const created: PerDialect<number> = { sqlite: 1, postgres: 1, mysql: returning ? 1 : 2 };
  /** Every row of a model, by id: what is in the database. */
  const all = (name: string): Promise<any[]> => (t.db as any)[name].orderBy("id").get();
  const pivots = async () => ({
    taggables: await t.db.kysely
      .selectFrom("taggables")
      .select(["tag_id", "taggable_id", "taggable_type"])
      .orderBy("taggable_type")
      .orderBy("taggable_id")
      .orderBy("tag_id")
      .execute(),
    roleUser: await t.db.kysely
      .selectFrom("role_user")
      .select(["user_id", "role_id", "granted_by"])
      .orderBy("user_id")
      .orderBy("role_id")
      .execute(),
  });
  let uk: any, fr: any;
  let ada: any, bob: any, cy: any;
  let adaProfile: any, cyProfile: any;
  let p1: any, p2: any, p3: any, p4: any;
  let v1: any, v2: any;
  let c1: any, c2: any, c3: any, c4: any;
  let admin: any, editor: any, viewer: any;
  let js: any, sqlTag: any, news: any;
  let seededPivots: Awaited<ReturnType<typeof pivots>>;

  beforeEach(async () => {
    await t.truncate();
    const db = t.db;
    uk = await db.country.create({ name: "UK" });
    fr = await db.country.create({ name: "France" });
    ada = await db.user.create({ email: "ada@example.dev", name: "Ada", countryId: uk.id });
    bob = await db.user.create({ email: "bob@example.dev", name: "Bob", countryId: uk.id });
    cy = await db.user.create({ email: "cy@example.dev", name: "Cy", countryId: fr.id });
    adaProfile = await db.profile.create({ userId: ada.id, bio: "Ada's bio" });
    cyProfile = await db.profile.create({ userId: cy.id, bio: "Cy's bio" });
    p1 = await db.post.create({ authorId: ada.id, title: "Ada 1", published: true, views: 10 });
    p2 = await db.post.create({ authorId: ada.id, title: "Ada 2", published: false, views: 500 });
    p3 = await db.post.create({ authorId: bob.id, title: "Bob 1", published: true, views: 1000 });
    p4 = await db.post.create({ authorId: cy.id, title: "Cy 1", published: false, views: 200 });
    // Videos only ever get explicit ids here, equal to posts' ids.
    v1 = await db.video.create({ id: p1.id, title: "Clip 1" });
    v2 = await db.video.create({ id: p2.id, title: "Clip 2" });
    c1 = await db.comment.create({ body: "P1 first", commentableType: "post", commentableId: p1.id });
    c2 = await db.comment.create({ body: "V1 first", commentableType: "video", commentableId: v1.id });
    c3 = await db.comment.create({ body: "P1 second", commentableType: "post", commentableId: p1.id });
    c4 = await db.comment.create({ body: "V2 first", commentableType: "video", commentableId: v2.id });
    admin = await db.role.create({ name: "admin" });
    editor = await db.role.create({ name: "editor" });
    viewer = await db.role.create({ name: "viewer" });
    await db.kysely
      .insertInto("role_user")
      .values([
        { user_id: ada.id, role_id: admin.id, granted_by: "root" },
        { user_id: ada.id, role_id: editor.id, granted_by: "cy" },
        { user_id: bob.id, role_id: editor.id, granted_by: "root" },
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
        { tag_id: news.id, taggable_id: p2.id, taggable_type: "post" },
        { tag_id: js.id, taggable_id: v1.id, taggable_type: "video" },
        { tag_id: news.id, taggable_id: v1.id, taggable_type: "video" },
      ])
      .execute();
    seededPivots = await pivots();
  });

  /** The seeded rows, untouched. */
  const untouched = async (...models: string[]) => {
    const seeded: Record<string, any[]> = {
      country: [uk, fr],
      user: [ada, bob, cy],
      profile: [adaProfile, cyProfile],
      post: [p1, p2, p3, p4],
      video: [v1, v2],
      comment: [c1, c2, c3, c4],
      role: [admin, editor, viewer],
      tag: [js, sqlTag, news],
    };
    for (const name of models) expect(await all(name)).toEqual(seeded[name]);
  };

  describe("scoped update / delete", () => {
    it("update(values) changes exactly the parent's matching rows", async () => {
      expect(
        await exactly(1, () => t.db.user.related(ada, "posts").where("published", false).update({ views: 0 })),
      ).toBe(1);
      expect(await all("post")).toEqual([p1, { ...p2, views: 0 }, p3, p4]);
      expect(await exactly(1, () => t.db.user.related(ada, "posts").update({ body: "mine" }))).toBe(2);
      expect(await all("post")).toEqual([{ ...p1, body: "mine" }, { ...p2, views: 0, body: "mine" }, p3, p4]);
      // Ordered and limited: the first of Ada's posts by views only.
      const top = t.db.user.related(ada, "posts").orderBy("views", "desc").limit(1);
      expect(await exactly(1, () => top.update({ title: "Top" }))).toBe(1);
      expect(await all("post")).toEqual([
        { ...p1, body: "mine", title: "Top" },
        { ...p2, views: 0, body: "mine" },
        p3,
        p4,
      ]);
      expect(await exactly(1, () => t.db.user.related(cy, "posts").where("published", true).update({ views: 1 }))).toBe(
        0,
      );
      expect((await all("post"))[3]).toEqual(p4);
      await untouched("user", "comment");
    });

    it("delete() removes exactly the parent's matching rows", async () => {
      expect(await exactly(POST_DELETE, () => t.db.user.related(ada, "posts").where("views", ">", 100).delete())).toBe(
        1,
      );
      expect(await all("post")).toEqual([p1, p3, p4]);
      expect(await exactly(POST_DELETE, () => t.db.user.related(cy, "posts").delete())).toBe(1);
      expect(await all("post")).toEqual([p1, p3]);
      expect(await exactly(POST_DELETE, () => t.db.user.related(cy, "posts").delete())).toBe(0);
      const more = await t.db.post.createMany([
        { authorId: bob.id, title: "Bob 2" },
        { authorId: bob.id, title: "Bob 3" },
      ]);
      expect(
        await exactly(POST_DELETE, () => t.db.user.related(bob, "posts").orderBy("id", "desc").limit(2).delete()),
      ).toBe(2);
      expect(await all("post")).toEqual([p1, p3]);
      expect(more).toHaveLength(2);
      await untouched("user", "comment", "profile");
    });

    it("update and delete through morphMany: the video's comments (same id as the post) are untouched", async () => {
      expect(await exactly(1, () => t.db.post.related(p1, "comments").update({ body: "edited" }))).toBe(2);
      expect(await all("comment")).toEqual([{ ...c1, body: "edited" }, c2, { ...c3, body: "edited" }, c4]);
      expect(await exactly(1, () => t.db.video.related(v1, "comments").delete())).toBe(1);
      expect(await all("comment")).toEqual([{ ...c1, body: "edited" }, { ...c3, body: "edited" }, c4]);
      expect(await exactly(1, () => t.db.post.related(p2, "comments").delete())).toBe(0);
      expect(await all("comment")).toEqual([{ ...c1, body: "edited" }, { ...c3, body: "edited" }, c4]);
    });

    it("update through belongsToMany and morphToMany: one parent's related rows only, the pivot untouched", async () => {
      // "news" is post 2's and video 1's (same id as post 1) tag, never post 1's.
      expect(
        await exactly(1, () => t.db.post.related(p1, "tags").where("name", "!=", "js").update({ name: "SQL" })),
      ).toBe(1);
      expect(await all("tag")).toEqual([js, { ...sqlTag, name: "SQL" }, news]);
      expect(await exactly(1, () => t.db.post.related(p1, "tags").where("name", "news").update({ name: "NEWS" }))).toBe(
        0,
      );
      expect(
        await exactly(1, () => t.db.video.related(v1, "tags").where("name", "news").update({ name: "NEWS" })),
      ).toBe(1);
      expect(await all("tag")).toEqual([js, { ...sqlTag, name: "SQL" }, { ...news, name: "NEWS" }]);
      expect(await exactly(1, () => t.db.user.related(bob, "roles").update({ name: "staff" }))).toBe(1);
      expect(await all("role")).toEqual([admin, { ...editor, name: "staff" }, viewer]);
      expect(await exactly(1, () => t.db.role.related(admin, "users").update({ active: false }))).toBe(1);
      expect(await all("user")).toEqual([{ ...ada, active: false }, bob, cy]);
      expect(await pivots()).toEqual(seededPivots);
    });

    it("update and delete through hasManyThrough: only the posts of the country's users", async () => {
      const uk2 = t.db.country.related(uk, "posts");
      expect(await exactly(1, () => uk2.where("published", true).update({ views: 1 }))).toBe(2);
      expect(await all("post")).toEqual([{ ...p1, views: 1 }, p2, { ...p3, views: 1 }, p4]);
      expect(await exactly(1, () => uk2.orderBy("views", "desc").limit(1).update({ title: "Top" }))).toBe(1);
      expect(await all("post")).toEqual([{ ...p1, views: 1 }, { ...p2, title: "Top" }, { ...p3, views: 1 }, p4]);
      expect(await exactly(POST_DELETE, () => t.db.country.related(fr, "posts").delete())).toBe(1);
      expect(await all("post")).toEqual([
        { ...p1, views: 1 },
        { ...p2, title: "Top" },
        { ...p3, views: 1 },
      ]);
      expect(await exactly(POST_DELETE, () => uk2.where("views", ">", 100).delete())).toBe(1);
      expect(await all("post")).toEqual([
        { ...p1, views: 1 },
        { ...p3, views: 1 },
      ]);
      await untouched("country", "user");
    });

    it("a scoped update that fails (unique or foreign key violation) leaves the database as it was", async () => {
      const unique = await caught(() => t.db.post.related(p1, "tags").update({ name: "same" }));
      expect(unique).toBeInstanceOf(UniqueConstraintError);
      const foreign = await caught(() => t.db.user.related(ada, "posts").update({ authorId: 999_999 }));
      expect(foreign).toBeInstanceOf(ForeignKeyConstraintError);
      await untouched("tag", "post");
    });

    it("an orWhere in a scoped update / delete stays within the parent's rows", async () => {
      const ored = t.db.user.related(ada, "posts").where("published", true).orWhere("views", ">", 100);
      expect(await exactly(1, () => ored.update({ title: "hit" }))).toBe(2);
      expect(await all("post")).toEqual([{ ...p1, title: "hit" }, { ...p2, title: "hit" }, p3, p4]);
      const none = t.db.user.related(bob, "posts").where("title", "nope").orWhere("published", false);
      expect(await exactly(POST_DELETE, () => none.delete())).toBe(0);
      const comments = t.db.post.related(p1, "comments").where("body", "nope").orWhere("body", "like", "V%");
      expect(await exactly(1, () => comments.delete())).toBe(0);
      const tags = t.db.post.related(p1, "tags").where("name", "nope").orWhere("name", "news");
      expect(await exactly(1, () => tags.update({ name: "NEWS" }))).toBe(0);
      const through = t.db.country.related(fr, "posts").where("title", "nope").orWhere("published", true);
      expect(await exactly(POST_DELETE, () => through.delete())).toBe(0);
      expect(await all("post")).toEqual([{ ...p1, title: "hit" }, { ...p2, title: "hit" }, p3, p4]);
      await untouched("comment", "tag");
    });
  });

  describe("create / createMany", () => {
    it("through hasMany: the foreign key is set; the row is returned as stored", async () => {
      const post = await exactly(created[dialect], () => t.db.user.related(bob, "posts").create({ title: "Bob 2" }));
      expect(post).toEqual({
        id: expect.any(Number),
        authorId: bob.id,
        title: "Bob 2",
        body: null,
        published: false,
        views: 0,
        rating: null,
        price: null,
        publishedAt: null,
      });
      expect(await all("post")).toEqual([p1, p2, p3, p4, post]);
      expect(await t.db.user.related(bob, "posts").orderBy("id").get()).toEqual([p3, post]);
    });

    it("the relation's keys win over values given for them", async () => {
      const post = await t.db.user.related(bob, "posts").create({ title: "Mine", authorId: cy.id });
      expect(post.authorId).toBe(bob.id);
      const comment = await t.db.post
        .related(p2, "comments")
        .create({ body: "x", commentableType: "video", commentableId: 12_345 });
      expect(comment).toEqual({ id: expect.any(Number), body: "x", commentableType: "post", commentableId: p2.id });
      expect(await all("post")).toEqual([p1, p2, p3, p4, post]);
      expect(await all("comment")).toEqual([c1, c2, c3, c4, comment]);
    });

    it("createMany through hasMany: one statement (MySQL: one per row and a read back, in a transaction)", async () => {
      const statements: PerDialect<number> = { sqlite: 1, postgres: 1, mysql: returning ? 1 : TX + 3 };
      const posts = await exactly(statements[dialect], () =>
        t.db.user.related(cy, "posts").createMany([
          { title: "Cy 2", views: 3 },
          { title: "Cy 3", published: true },
        ]),
      );
      const base = { body: null, rating: null, price: null, publishedAt: null, authorId: cy.id };
      expect(posts).toEqual([
        { ...base, id: expect.any(Number), title: "Cy 2", views: 3, published: false },
        { ...base, id: expect.any(Number), title: "Cy 3", views: 0, published: true },
      ]);
      expect(await all("post")).toEqual([p1, p2, p3, p4, ...posts]);
      expect(await exactly(0, () => t.db.user.related(cy, "posts").createMany([]))).toEqual([]);
    });

    it("createMany is atomic: a failing row writes nothing", async () => {
      const error = await caught(() =>
        t.db.user.related(bob, "posts").createMany([{ title: "Bob 2" }, { id: p1.id, title: "duplicate id" }]),
      );
      expect(error).toBeInstanceOf(UniqueConstraintError);
      await untouched("post");
      // Two profiles for one user break its unique key: neither is kept.
      const twice = await caught(() => t.db.user.related(bob, "profile").createMany([{ bio: "a" }, { bio: "b" }]));
      expect(twice).toBeInstanceOf(UniqueConstraintError);
      await untouched("profile");
    });

    it("through hasOne: the foreign key is set; a second one violates the unique key and writes nothing", async () => {
      const profile = await exactly(created[dialect], () =>
        t.db.user.related(bob, "profile").create({ bio: "Bob's bio" }),
      );
      expect(profile).toEqual({
        id: expect.any(Number),
        userId: bob.id,
        bio: "Bob's bio",
        settings: null,
        birthday: null,
      });
      expect(await t.db.user.related(bob, "profile").first()).toEqual(profile);
      const error = await caught(() => t.db.user.related(bob, "profile").create({ bio: "again" }));
      expect(error).toBeInstanceOf(UniqueConstraintError);
      expect(await all("profile")).toEqual([adaProfile, cyProfile, profile]);
    });

    it("through morphMany: the morph type and id are set, and the types stay apart", async () => {
      const onPost = await exactly(created[dialect], () =>
        t.db.post.related(p2, "comments").create({ body: "On post 2" }),
      );
      expect(onPost).toEqual({
        id: expect.any(Number),
        body: "On post 2",
        commentableType: "post",
        commentableId: p2.id,
      });
      const onVideo = await t.db.video.related(v2, "comments").createMany([{ body: "a" }, { body: "b" }]);
      expect(onVideo).toEqual([
        { id: expect.any(Number), body: "a", commentableType: "video", commentableId: v2.id },
        { id: expect.any(Number), body: "b", commentableType: "video", commentableId: v2.id },
      ]);
      expect(await all("comment")).toEqual([c1, c2, c3, c4, onPost, ...onVideo]);
      // Post 2 and video 2 share an id: each sees only its own comments.
      expect(await t.db.post.related(p2, "comments").get()).toEqual([onPost]);
      expect(await t.db.video.related(v2, "comments").orderBy("id").get()).toEqual([c4, ...onVideo]);
    });

    it("invalid values fail with a ValidationError before any SQL, writing nothing", async () => {
      const posts = t.db.user.related(ada, "posts");
      const unknown = await noSql(() => posts.create({ title: "x", nope: 1 } as any));
      expect(unknown).toBeInstanceOf(ValidationError);
      expect(unknown.field).toBe("nope");
      const missing = await noSql(() => posts.create({ body: "no title" } as never));
      expect(missing).toBeInstanceOf(ValidationError);
      expect(missing.message).toContain("title");
      expect(missing.message).not.toContain("authorId");
      const wrongType = await noSql(() => posts.createMany([{ title: "ok" }, { title: 5 } as any]));
      expect(wrongType).toBeInstanceOf(ValidationError);
      expect(wrongType.field).toBe("title");
      const noBody = await noSql(() => t.db.post.related(p1, "comments").create({} as never));
      expect(noBody).toBeInstanceOf(ValidationError);
      expect(noBody.message).toContain("body");
      expect(noBody.message).not.toContain("commentable");
      const noBio = await noSql(() => t.db.user.related(bob, "profile").create({ bio: 1 } as any));
      expect(noBio).toBeInstanceOf(ValidationError);
      await untouched("post", "comment", "profile");
    });

    it("malformed input: a ValidationError, before any SQL", async () => {
      const posts = t.db.user.related(ada, "posts");
      const cases: [string, () => Promise<unknown>][] = [
        ["createMany(string)", () => posts.createMany("Ada 5" as any)],
        ["createMany([null])", () => posts.createMany([null] as any)],
        ["create(null)", () => posts.create(null as any)],
        ["saveMany(string)", () => posts.saveMany("Ada 5" as any)],
        ["saveMany([null])", () => posts.saveMany([null] as any)],
        ["save(null)", () => posts.save(null as any)],
      ];
      const outcomes = [];
      for (const [name, write] of cases) {
        const { queries, result } = await t.count(() => caught(write));
        outcomes.push({ name, error: result?.constructor?.name, queries });
      }
      expect(outcomes).toEqual(cases.map(([name]) => ({ name, error: "ValidationError", queries: 0 })));
      await untouched("post");
    });

    it("through belongsTo, belongsToMany, morphTo and through relations: a ValidationError naming the relation, before any SQL", async () => {
      const cases: [string, string, () => Promise<unknown>][] = [
        [
          "post.author",
          "belongsTo",
          // @ts-expect-error a BelongsToHandle has no create: this checks the error a plain JS caller gets
          () => t.db.post.related(p1, "author").create({ email: "x@example.dev", name: "X" }),
        ],
        // @ts-expect-error a BelongsToHandle has no createMany: this checks the error a plain JS caller gets
        ["user.country", "belongsTo", () => t.db.user.related(ada, "country").createMany([{ name: "Spain" }])],
        // @ts-expect-error a ManyToManyHandle has no create: this checks the error a plain JS caller gets
        ["user.roles", "belongsToMany", () => t.db.user.related(ada, "roles").create({ name: "owner" })],
        // @ts-expect-error a ManyToManyHandle has no save: this checks the error a plain JS caller gets
        ["role.users", "belongsToMany", () => t.db.role.related(admin, "users").save({ ...bob })],
        // @ts-expect-error a ManyToManyHandle has no create: this checks the error a plain JS caller gets
        ["post.tags", "morphToMany", () => t.db.post.related(p1, "tags").create({ name: "new" })],
        // @ts-expect-error a ManyToManyHandle has no saveMany: this checks the error a plain JS caller gets
        ["tag.posts", "morphedByMany", () => t.db.tag.related(js, "posts").saveMany([{ ...p3 }])],
        [
          "comment.commentable",
          "morphTo",
          () => (t.db.comment.related(c1, "commentable") as any).create({ title: "x" }),
        ],
        [
          "country.posts",
          "hasManyThrough",
          // @ts-expect-error a ThroughHandle has no create: this checks the error a plain JS caller gets
          () => t.db.country.related(uk, "posts").create({ authorId: ada.id, title: "x" }),
        ],
      ];
      for (const [relation, kind, write] of cases) {
        const error = await noSql(write);
        expect(error, relation).toBeInstanceOf(ValidationError);
        expect(error.message).toContain(`"${relation}"`);
        expect(error.message).toContain(kind);
        expect(error.message).toContain("not available");
      }
      await untouched("country", "user", "post", "comment", "role", "tag");
      expect(await pivots()).toEqual(seededPivots);
    });
  });

  describe("save / saveMany", () => {
    it("save: an existing row is re-pointed to this parent, in the database and in memory", async () => {
      const row = { ...p3 };
      const saved = await exactly(TX + 1, () => t.db.user.related(ada, "posts").save(row));
      expect(saved).toBe(row);
      expect(row).toEqual({ ...p3, authorId: ada.id });
      expect(await all("post")).toEqual([p1, p2, { ...p3, authorId: ada.id }, p4]);
      expect(await t.db.user.related(bob, "posts").count()).toBe(0);
      // A partial row (its key only) is enough.
      const keyOnly = await t.db.user.related(bob, "posts").save({ id: p4.id });
      expect(keyOnly).toEqual({ id: p4.id, authorId: bob.id });
      // A row that is already the parent's: no error, nothing changes.
      expect(await t.db.user.related(ada, "posts").save({ ...p1 })).toEqual(p1);
      expect(await all("post")).toEqual([p1, p2, { ...p3, authorId: ada.id }, { ...p4, authorId: bob.id }]);
    });

    it("save: a row without a key is created with the foreign key set, the object filled in", async () => {
      const row: any = { title: "Fresh", views: 7 };
      const statements: PerDialect<number> = { sqlite: TX + 1, postgres: TX + 1, mysql: TX + (returning ? 1 : 2) };
      const saved = await exactly(statements[dialect], () => t.db.user.related(bob, "posts").save(row));
      expect(saved).toBe(row);
      expect(row).toEqual({
        id: expect.any(Number),
        authorId: bob.id,
        title: "Fresh",
        body: null,
        published: false,
        views: 7,
        rating: null,
        price: null,
        publishedAt: null,
      });
      expect(await all("post")).toEqual([p1, p2, p3, p4, row]);
    });

    it("save through morphMany moves a comment to another type; through hasOne re-points a profile", async () => {
      const comment = { ...c1 };
      await t.db.video.related(v2, "comments").save(comment);
      expect(comment).toEqual({ ...c1, commentableType: "video", commentableId: v2.id });
      expect(await all("comment")).toEqual([comment, c2, c3, c4]);
      expect(await t.db.post.related(p1, "comments").get()).toEqual([c3]);
      expect(await t.db.video.related(v2, "comments").orderBy("id").get()).toEqual([comment, c4]);
      const profile = { ...cyProfile };
      await t.db.user.related(bob, "profile").save(profile);
      expect(profile).toEqual({ ...cyProfile, userId: bob.id });
      expect(await all("profile")).toEqual([adaProfile, profile]);
    });

    it("save of an id that does not exist: ValidationError, nothing written, the row unchanged", async () => {
      const row = { id: 999_999, title: "Ghost" };
      const error = await caught(() => t.db.user.related(ada, "posts").save(row));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toContain("999999");
      expect(row).toEqual({ id: 999_999, title: "Ghost" });
      await untouched("post");
    });

    it("save that breaks a unique key or a foreign key: nothing written, the row unchanged", async () => {
      const profile = { ...cyProfile };
      const unique = await caught(() => t.db.user.related(ada, "profile").save(profile));
      expect(unique).toBeInstanceOf(UniqueConstraintError);
      expect(profile).toEqual(cyProfile);
      const post = { ...p3 };
      const foreign = await caught(() => t.db.user.related({ id: 999_999 }, "posts").save(post));
      expect(foreign).toBeInstanceOf(ForeignKeyConstraintError);
      expect(post).toEqual(p3);
      await untouched("profile", "post");
    });

    it("saveMany: new and existing rows, in one transaction", async () => {
      const fresh: any = { title: "Fresh" };
      const moved = { ...p3 };
      const movedToo = { ...p4 };
      const statements: PerDialect<number> = { sqlite: TX + 3, postgres: TX + 3, mysql: TX + (returning ? 3 : 4) };
      const saved = await exactly(statements[dialect], () =>
        t.db.user.related(ada, "posts").saveMany([fresh, moved, movedToo]),
      );
      expect(saved).toEqual([fresh, moved, movedToo]);
      expect(saved[0]).toBe(fresh);
      expect(fresh).toEqual({
        id: expect.any(Number),
        authorId: ada.id,
        title: "Fresh",
        body: null,
        published: false,
        views: 0,
        rating: null,
        price: null,
        publishedAt: null,
      });
      expect(moved).toEqual({ ...p3, authorId: ada.id });
      expect(movedToo).toEqual({ ...p4, authorId: ada.id });
      expect(await all("post")).toEqual([p1, p2, moved, movedToo, fresh]);
      expect(await t.db.user.related(ada, "posts").count()).toBe(5);
    });

    it("saveMany is atomic: a missing id rolls back the rows saved before it", async () => {
      const error = await caught(() =>
        t.db.user.related(ada, "posts").saveMany([{ title: "Fresh" }, { ...p3 }, { id: 999_999, title: "Ghost" }]),
      );
      expect(error).toBeInstanceOf(ValidationError);
      await untouched("post");
    });

    it("saveMany is atomic: a unique violation rolls back the rows saved before it", async () => {
      const error = await caught(() =>
        t.db.user.related(bob, "profile").saveMany([{ bio: "Bob's new bio" }, { ...cyProfile }]),
      );
      expect(error).toBeInstanceOf(UniqueConstraintError);
      await untouched("profile");
      const comments = await caught(() =>
        t.db.video.related(v2, "comments").saveMany([{ ...c1 }, { body: "new" }, { id: 999_999, body: "Ghost" }]),
      );
      expect(comments).toBeInstanceOf(ValidationError);
      await untouched("comment");
    });

    it("a failed saveMany leaves the rows in memory as they were", async () => {
      const fresh: any = { title: "Fresh" };
      const moved = { ...p3 };
      await caught(() => t.db.user.related(ada, "posts").saveMany([fresh, moved, { id: 999_999, title: "Ghost" }]));
      await untouched("post");
      // Neither an id that was rolled back nor a foreign key that was never committed.
      expect({ fresh, moved }).toEqual({ fresh: { title: "Fresh" }, moved: p3 });
    });

    it("invalid values in save fail before any SQL", async () => {
      const posts = t.db.user.related(ada, "posts");
      expect(await noSql(() => posts.save({ title: "x", nope: 1 } as any))).toBeInstanceOf(ValidationError);
      expect(await noSql(() => posts.saveMany([{ title: "ok" }, { body: "no title" }]))).toBeInstanceOf(
        ValidationError,
      );
      await untouched("post");
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Custom and string keys, keys of different JS types, the `where` option, morphOne
// ---------------------------------------------------------------------------------------------

const keyed = defineSchema(
  {
    account: model({
      table: "accounts",
      fields: { id: id(), handle: string().unique(), name: string(), active: boolean().default(true) },
      relations: {
        setting: hasOne("setting", { foreignKey: "accountHandle", localKey: "handle" }),
        notes: hasMany("note", { foreignKey: "ownerHandle", localKey: "handle" }),
        publishedNotes: hasMany("note", { foreignKey: "ownerHandle", localKey: "handle", where: { published: true } }),
        firstPublishedNote: hasOne("note", {
          foreignKey: "ownerHandle",
          localKey: "handle",
          where: { published: true },
        }),
        orders: hasMany("order"),
        invoices: hasMany("invoice", { foreignKey: "payerId" }),
        tickets: hasMany("ticket", { foreignKey: "accountRef" }),
        avatar: morphOne("image", { morphName: "imageable" }),
        attachments: morphMany("attachment", { morphName: "owner" }),
      },
    }),
    team: model({
      table: "teams",
      fields: { id: id(), name: string() },
      relations: { logo: morphOne("image", { morphName: "imageable" }) },
    }),
    setting: model({
      table: "settings",
      fields: { id: id(), accountHandle: string(), theme: string() },
      relations: { account: belongsTo("account", { foreignKey: "accountHandle", ownerKey: "handle" }) },
    }),
    note: model({
      table: "notes",
      fields: { id: id(), ownerHandle: string(), body: string(), published: boolean() },
      relations: {
        owner: belongsTo("account", { foreignKey: "ownerHandle", ownerKey: "handle" }),
        activeOwner: belongsTo("account", { foreignKey: "ownerHandle", ownerKey: "handle", where: { active: true } }),
      },
    }),
    order: model({
      table: "orders",
      // A bigint key (read as a JS bigint) pointing at an integer id.
      fields: { id: id(), accountId: bigint(), total: integer() },
      relations: {
        account: belongsTo("account"),
        activeAccount: belongsTo("account", { foreignKey: "accountId", where: { active: true } }),
      },
    }),
    invoice: model({
      table: "invoices",
      fields: { id: id(), payerId: bigint({ mode: "number" }), amount: integer() },
      relations: { payer: belongsTo("account", { foreignKey: "payerId" }) },
    }),
    ticket: model({
      table: "tickets",
      // A string key holding an integer id.
      fields: { id: id(), accountRef: string(), subject: string() },
      relations: { account: belongsTo("account", { foreignKey: "accountRef" }) },
    }),
    image: model({
      table: "images",
      fields: { id: id(), url: string(), imageableType: string(), imageableId: integer() },
      relations: { imageable: morphTo() },
    }),
    attachment: model({
      table: "attachments",
      // A nullable polymorphic owner: a row may belong to nothing.
      fields: { id: id(), name: string(), ownerType: string().nullable(), ownerId: integer().nullable() },
      relations: { owner: morphTo() },
    }),
  },
  { casing: "snake_case" },
);

describe(`related(row, relation) with custom keys, key types, the where option and morphOne on ${dialect}`, () => {
  const t = useTestDb(keyed);
  const { exactly, rows, noSql } = helpers(t);
  const created: PerDialect<number> = { sqlite: 1, postgres: 1, mysql: returning ? 1 : 2 };
  const all = (name: string): Promise<any[]> => (t.db as any)[name].orderBy("id").get();
  let ada: any, bob: any, cy: any;
  let core: any, ops: any;
  let sAda: any, sGhost: any;
  let n1: any, n2: any, n3: any, n4: any, n5: any;
  let o1: any, o2: any, o3: any, o4: any, o5: any;
  let i1: any, i2: any, i3: any;
  let t1: any, t2: any, t3: any;
  let img1: any, img2: any, img3: any;

  beforeEach(async () => {
    await t.truncate();
    const db = t.db;
    ada = await db.account.create({ handle: "ada", name: "Ada" });
    bob = await db.account.create({ handle: "bob", name: "Bob", active: false });
    cy = await db.account.create({ handle: "cy", name: "Cy" });
    // Teams only ever get explicit ids here, equal to accounts' ids.
    core = await db.team.create({ id: ada.id, name: "Core" });
    ops = await db.team.create({ id: bob.id, name: "Ops" });
    sAda = await db.setting.create({ accountHandle: "ada", theme: "dark" });
    sGhost = await db.setting.create({ accountHandle: "ghost", theme: "light" });
    n1 = await db.note.create({ ownerHandle: "ada", body: "draft", published: false });
    n2 = await db.note.create({ ownerHandle: "ada", body: "hello", published: true });
    n3 = await db.note.create({ ownerHandle: "bob", body: "bob pub", published: true });
    n4 = await db.note.create({ ownerHandle: "bob", body: "bob draft", published: false });
    n5 = await db.note.create({ ownerHandle: "cy", body: "cy pub", published: true });
    o1 = await db.order.create({ accountId: BigInt(ada.id), total: 10 });
    o2 = await db.order.create({ accountId: BigInt(ada.id), total: 20 });
    o3 = await db.order.create({ accountId: BigInt(cy.id), total: 30 });
    o4 = await db.order.create({ accountId: 999n, total: 40 });
    o5 = await db.order.create({ accountId: BigInt(bob.id), total: 50 });
    i1 = await db.invoice.create({ payerId: bob.id, amount: 100 });
    i2 = await db.invoice.create({ payerId: bob.id, amount: 200 });
    i3 = await db.invoice.create({ payerId: ada.id, amount: 300 });
    t1 = await db.ticket.create({ accountRef: String(ada.id), subject: "login" });
    t2 = await db.ticket.create({ accountRef: String(cy.id), subject: "billing" });
    t3 = await db.ticket.create({ accountRef: "999", subject: "lost" });
    img1 = await db.image.create({ url: "ada.png", imageableType: "account", imageableId: ada.id });
    img2 = await db.image.create({ url: "core.png", imageableType: "team", imageableId: core.id });
    img3 = await db.image.create({ url: "orphan.png", imageableType: "account", imageableId: 999 });
  });

  it("the premise: the keys have the JS types under test, teams and accounts share ids", () => {
    expect(typeof o1.accountId).toBe("bigint");
    expect(typeof i1.payerId).toBe("number");
    expect(typeof t1.accountRef).toBe("string");
    expect([core.id, ops.id]).toEqual([ada.id, bob.id]);
  });

  it("hasOne / hasMany / belongsTo on a string key that is not the primary key", async () => {
    expect(await rows(t.db.account.related(ada, "setting"))).toEqual([sAda]);
    expect(await exactly(1, () => t.db.account.related(bob, "setting").first())).toBeNull();
    expect(await rows(t.db.setting.related(sAda, "account"))).toEqual([ada]);
    expect(await rows(t.db.setting.related(sGhost, "account"))).toEqual([]);
    expect(await rows(t.db.account.related(bob, "notes").orderBy("id"))).toEqual([n3, n4]);
    expect(await exactly(1, () => t.db.account.related(ada, "notes").count())).toBe(2);
    expect(await exactly(1, () => t.db.note.related(n5, "owner").first())).toEqual(cy);
    expect(
      await exactly(eagerQueries(2), () => t.db.account.related(ada, "notes").orderBy("id").with("owner").get()),
    ).toEqual([
      { ...n1, owner: ada },
      { ...n2, owner: ada },
    ]);
    // The key the relation needs is the handle, not the id.
    const error = await noSql(() => t.db.account.related({ id: ada.id, name: "Ada" }, "notes"));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.field).toBe("handle");
  });

  it("a bigint() foreign key finds its owner (belongsTo), the where option holding", async () => {
    expect(await rows(t.db.order.related(o1, "account"))).toEqual([ada]);
    expect(await rows(t.db.order.related(o4, "account"))).toEqual([]);
    expect(await exactly(1, () => t.db.order.related(o5, "account").first())).toEqual(bob);
    expect(await rows(t.db.order.related(o1, "activeAccount"))).toEqual([ada]);
    expect(await rows(t.db.order.related(o5, "activeAccount"))).toEqual([]); // bob is inactive
  });

  it("bigint, bigint-as-number and string keys pointing at integer ids, both ways", async () => {
    expect(await rows(t.db.account.related(ada, "orders").orderBy("id"))).toEqual([o1, o2]);
    expect(await rows(t.db.account.related(bob, "invoices").orderBy("id"))).toEqual([i1, i2]);
    expect(await rows(t.db.invoice.related(i3, "payer"))).toEqual([ada]);
    expect(await rows(t.db.account.related(ada, "tickets"))).toEqual([t1]);
    expect(await rows(t.db.account.related(bob, "tickets"))).toEqual([]);
    expect(await rows(t.db.ticket.related(t2, "account"))).toEqual([cy]);
    expect(await rows(t.db.ticket.related(t3, "account"))).toEqual([]);
    const streamed: any[] = [];
    for await (const order of t.db.account.related(ada, "orders").cursor({ batchSize: 1 })) streamed.push(order);
    expect(streamed).toEqual([o1, o2]);
  });

  it("the where option holds on every read", async () => {
    expect(await rows(t.db.account.related(ada, "publishedNotes"))).toEqual([n2]);
    expect(await rows(t.db.account.related(bob, "publishedNotes").where("body", "bob draft"))).toEqual([]);
    expect(await exactly(1, () => t.db.account.related(bob, "publishedNotes").count())).toBe(1);
    expect(await exactly(1, () => t.db.account.related(ada, "firstPublishedNote").first())).toEqual(n2);
    expect(await rows(t.db.note.related(n1, "activeOwner"))).toEqual([ada]);
    expect(await rows(t.db.note.related(n3, "activeOwner"))).toEqual([]); // bob is inactive
    expect(await exactly(1, () => t.db.note.related(n4, "activeOwner").count())).toBe(0);
  });

  it("an orWhere on a bigint-keyed belongsTo with the where option stays within the scope", async () => {
    const active = t.db.order.related(o5, "activeAccount").where("name", "nope").orWhere("name", "Bob");
    expect(await rows(active)).toEqual([]);
  });

  it("an orWhere stays within the scope and the where option (string keys, morphOne)", async () => {
    const ored = t.db.account.related(bob, "publishedNotes").where("body", "nope").orWhere("body", "bob draft");
    expect(await rows(ored)).toEqual([]);
    const other = t.db.account.related(ada, "publishedNotes").where("body", "nope").orWhere("body", "cy pub");
    expect(await rows(other)).toEqual([]);
    expect(await rows(t.db.team.related(core, "logo").where("url", "nope").orWhere("url", "ada.png"))).toEqual([]);
    expect(
      await rows(t.db.account.related(ada, "tickets").where("subject", "nope").orWhere("subject", "billing")),
    ).toEqual([]);
    expect(await rows(t.db.setting.related(sGhost, "account").where("name", "nope").orWhere("name", "Ada"))).toEqual(
      [],
    );
    expect(await rows(t.db.note.related(n3, "activeOwner").where("name", "nope").orWhere("name", "Bob"))).toEqual([]);
  });

  it("morphOne and morphTo: the type keeps an account's and a team's images apart", async () => {
    expect(await rows(t.db.account.related(ada, "avatar"))).toEqual([img1]);
    expect(await rows(t.db.team.related(core, "logo"))).toEqual([img2]);
    expect(await exactly(1, () => t.db.account.related(bob, "avatar").first())).toBeNull();
    expect(await rows(t.db.image.related(img1, "imageable"))).toEqual([ada]);
    expect(await rows(t.db.image.related(img2, "imageable"))).toEqual([core]);
    expect(await rows(t.db.image.related(img3, "imageable"))).toEqual([]);
  });

  it("a morphTo whose type and id are null has no rows, as eager loading gives null", async () => {
    const doc = await t.db.attachment.create({ name: "doc", ownerType: "account", ownerId: ada.id });
    const orphan = await t.db.attachment.create({ name: "orphan", ownerType: null, ownerId: null });
    expect(await t.db.attachment.with("owner").orderBy("id").get()).toEqual([
      { ...doc, owner: ada },
      { ...orphan, owner: null },
    ]);
    expect(await rows(t.db.attachment.related(doc, "owner"))).toEqual([ada]);
    expect(await rows(t.db.account.related(ada, "attachments"))).toEqual([doc]);
    const none = t.db.attachment.related(orphan, "owner");
    expect(await exactly(0, () => none.get())).toBeNull();
    expect(await exactly(0, () => none.toArray())).toEqual([]);
    expect(await exactly(0, () => none.first())).toBeNull();
    expect(await exactly(0, () => none.count())).toBe(0);
  });

  it("create through custom keys: the key is set from the parent's local key, in the column's type", async () => {
    const note = await exactly(created[dialect], () =>
      t.db.account.related(bob, "notes").create({ body: "new", published: false }),
    );
    expect(note).toEqual({ id: expect.any(Number), ownerHandle: "bob", body: "new", published: false });
    const ticket = await t.db.account.related(cy, "tickets").create({ subject: "refund" });
    expect(ticket).toEqual({ id: expect.any(Number), accountRef: String(cy.id), subject: "refund" });
    const order = await t.db.account.related(cy, "orders").create({ total: 5 });
    expect(order).toEqual({ id: expect.any(Number), accountId: BigInt(cy.id), total: 5 });
    const invoices = await t.db.account.related(cy, "invoices").createMany([{ amount: 1 }, { amount: 2 }]);
    expect(invoices).toEqual([
      { id: expect.any(Number), payerId: cy.id, amount: 1 },
      { id: expect.any(Number), payerId: cy.id, amount: 2 },
    ]);
    const setting = await t.db.account.related(cy, "setting").create({ theme: "blue" });
    expect(setting).toEqual({ id: expect.any(Number), accountHandle: "cy", theme: "blue" });
    expect(await all("note")).toEqual([n1, n2, n3, n4, n5, note]);
    expect(await all("ticket")).toEqual([t1, t2, t3, ticket]);
    expect(await all("order")).toEqual([o1, o2, o3, o4, o5, order]);
    expect(await all("invoice")).toEqual([i1, i2, i3, ...invoices]);
    expect(await all("setting")).toEqual([sAda, sGhost, setting]);
    expect(await t.db.account.related(cy, "tickets").orderBy("id").get()).toEqual([t2, ticket]);
    expect(await t.db.account.related(cy, "orders").orderBy("id").get()).toEqual([o3, order]);
  });

  it("create / createMany through morphOne set the morph type and id", async () => {
    const avatar = await exactly(created[dialect], () =>
      t.db.account.related(bob, "avatar").create({ url: "bob.png" }),
    );
    expect(avatar).toEqual({ id: expect.any(Number), url: "bob.png", imageableType: "account", imageableId: bob.id });
    const [logo] = await t.db.team.related(ops, "logo").createMany([{ url: "ops.png" }]);
    expect(logo).toEqual({ id: expect.any(Number), url: "ops.png", imageableType: "team", imageableId: ops.id });
    expect(await all("image")).toEqual([img1, img2, img3, avatar, logo]);
    // Bob and Ops share an id: each sees only its own image.
    expect(await t.db.account.related(bob, "avatar").get()).toEqual(avatar);
    expect(await t.db.team.related(ops, "logo").toArray()).toEqual([logo]);
  });

  it("save re-points rows by their custom keys", async () => {
    const note = { ...n1 };
    await t.db.account.related(cy, "notes").save(note);
    expect(note).toEqual({ ...n1, ownerHandle: "cy" });
    const ghostSetting = { ...sGhost };
    await t.db.account.related(bob, "setting").save(ghostSetting);
    expect(ghostSetting).toEqual({ ...sGhost, accountHandle: "bob" });
    const ticket = { ...t3 };
    await t.db.account.related(bob, "tickets").save(ticket);
    expect(ticket).toEqual({ ...t3, accountRef: String(bob.id) });
    const image = { ...img3 };
    await t.db.team.related(ops, "logo").save(image);
    expect(image).toEqual({ ...img3, imageableType: "team", imageableId: ops.id });
    expect(await all("note")).toEqual([note, n2, n3, n4, n5]);
    expect(await all("setting")).toEqual([sAda, ghostSetting]);
    expect(await all("ticket")).toEqual([t1, t2, ticket]);
    expect(await all("image")).toEqual([img1, img2, image]);
  });

  it("scoped update / delete with custom keys and the where option", async () => {
    expect(await exactly(1, () => t.db.account.related(bob, "notes").update({ published: true }))).toBe(2);
    expect(await all("note")).toEqual([n1, n2, n3, { ...n4, published: true }, n5]);
    // The where option limits the write too: only Ada's published note.
    expect(await exactly(1, () => t.db.account.related(ada, "publishedNotes").update({ body: "edited" }))).toBe(1);
    expect(await all("note")).toEqual([n1, { ...n2, body: "edited" }, n3, { ...n4, published: true }, n5]);
    expect(await exactly(1, () => t.db.account.related(ada, "tickets").delete())).toBe(1);
    expect(await all("ticket")).toEqual([t2, t3]);
    expect(await exactly(1, () => t.db.account.related(ada, "orders").where("total", ">", 10).delete())).toBe(1);
    expect(await all("order")).toEqual([o1, o3, o4, o5]);
    expect(await exactly(1, () => t.db.team.related(core, "logo").update({ url: "core2.png" }))).toBe(1);
    expect(await all("image")).toEqual([img1, { ...img2, url: "core2.png" }, img3]);
    expect(await all("account")).toEqual([ada, bob, cy]);
  });
});

// ---------------------------------------------------------------------------------------------
// hasOneThrough / hasManyThrough: conventional keys and every key given
// ---------------------------------------------------------------------------------------------

const distant = defineSchema(
  {
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
    region: model({
      table: "regions",
      fields: { id: id(), code: string().unique(), name: string() },
      relations: {
        sales: hasManyThrough("sale", {
          through: "shop",
          firstKey: "regionCode",
          localKey: "code",
          secondKey: "shopRef",
          secondLocalKey: "ref",
        }),
        onlineSales: hasManyThrough("sale", {
          through: "shop",
          firstKey: "regionCode",
          localKey: "code",
          secondKey: "shopRef",
          secondLocalKey: "ref",
          where: { channel: "online" },
        }),
      },
    }),
    shop: model({ table: "shops", fields: { id: id(), ref: string().unique(), regionCode: string(), name: string() } }),
    sale: model({ table: "sales", fields: { id: id(), shopRef: string(), amount: integer(), channel: string() } }),
  },
  { casing: "snake_case" },
);

describe(`related(row, relation) through an intermediate model on ${dialect}`, () => {
  const t = useTestDb(distant);
  const { exactly, rows, noSql } = helpers(t);
  const all = (name: string): Promise<any[]> => (t.db as any)[name].orderBy("id").get();
  let mo: any, max: any, ow1: any, ow2: any, ow3: any;
  let north: any, south: any, east: any;
  let sale1: any, sale2: any, sale3: any, sale4: any;

  beforeEach(async () => {
    await t.truncate();
    const db = t.db;
    mo = await db.mechanic.create({ name: "Mo" });
    max = await db.mechanic.create({ name: "Max" });
    const car1 = await db.car.create({ mechanicId: mo.id, label: "Mini" });
    const car2 = await db.car.create({ mechanicId: mo.id, label: "Saab" });
    const car3 = await db.car.create({ mechanicId: 999, label: "Lada" });
    ow1 = await db.owner.create({ carId: car2.id, name: "Olly" });
    ow2 = await db.owner.create({ carId: car1.id, name: "Oz" });
    ow3 = await db.owner.create({ carId: car3.id, name: "Orla" });
    north = await db.region.create({ code: "N", name: "North" });
    south = await db.region.create({ code: "S", name: "South" });
    east = await db.region.create({ code: "E", name: "East" });
    await db.shop.create({ ref: "shop-a", regionCode: "N", name: "A" });
    await db.shop.create({ ref: "shop-b", regionCode: "N", name: "B" });
    await db.shop.create({ ref: "shop-c", regionCode: "S", name: "C" });
    sale1 = await db.sale.create({ shopRef: "shop-b", amount: 5, channel: "online" });
    sale2 = await db.sale.create({ shopRef: "shop-a", amount: 7, channel: "store" });
    sale3 = await db.sale.create({ shopRef: "shop-c", amount: 9, channel: "online" });
    sale4 = await db.sale.create({ shopRef: "shop-a", amount: 11, channel: "online" });
  });

  it("hasOneThrough and hasManyThrough with conventional keys", async () => {
    expect(await exactly(1, () => t.db.mechanic.related(mo, "carOwner").orderBy("id").first())).toEqual(ow1);
    expect(await rows(t.db.mechanic.related(mo, "carOwners").orderBy("id"))).toEqual([ow1, ow2]);
    expect(await exactly(1, () => t.db.mechanic.related(mo, "carOwners").count())).toBe(2);
    expect(await exactly(1, () => t.db.mechanic.related(max, "carOwner").first())).toBeNull();
    expect(await exactly(1, () => t.db.mechanic.related(max, "carOwners").exists())).toBe(false);
    expect(await rows(t.db.mechanic.related(mo, "carOwners").where("name", "Orla"))).toEqual([]);
  });

  it("hasManyThrough with every key given (string keys that are not primary keys)", async () => {
    expect(await rows(t.db.region.related(north, "sales").orderBy("id"))).toEqual([sale1, sale2, sale4]);
    expect(await rows(t.db.region.related(south, "sales"))).toEqual([sale3]);
    expect(await rows(t.db.region.related(east, "sales"))).toEqual([]);
    expect(
      await exactly(1, () => t.db.region.related(north, "sales").orderBy("amount", "desc").pluck("amount")),
    ).toEqual([11, 7, 5]);
    const streamed: any[] = [];
    const { queries } = await t.count(async () => {
      for await (const sale of t.db.region.related(north, "sales").cursor({ batchSize: 2 })) streamed.push(sale);
    });
    expect(streamed).toEqual([sale1, sale2, sale4]);
    expect(queries).toBe(2);
    const error = await noSql(() => t.db.region.related({ id: north.id }, "sales"));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.field).toBe("code");
  });

  it("the where option on a through relation", async () => {
    expect(await rows(t.db.region.related(north, "onlineSales").orderBy("id"))).toEqual([sale1, sale4]);
    expect(await rows(t.db.region.related(north, "onlineSales").where("amount", 7))).toEqual([]);
  });

  it("an orWhere on a through relation stays within the scope and the where option", async () => {
    const ored = t.db.region.related(north, "onlineSales").where("amount", 7).orWhere("amount", 9);
    expect(await rows(ored)).toEqual([]); // sale2 (7) is a store sale, sale3 (9) is the south's
    const owners = t.db.mechanic.related(max, "carOwners").where("name", "nope").orWhere("name", "Oz");
    expect(await rows(owners)).toEqual([]);
  });

  it("scoped update / delete through hasManyThrough change only the parent's distant rows", async () => {
    expect(
      await exactly(1, () => t.db.region.related(north, "sales").where("channel", "online").update({ amount: 0 })),
    ).toBe(2);
    expect(await all("sale")).toEqual([{ ...sale1, amount: 0 }, sale2, sale3, { ...sale4, amount: 0 }]);
    expect(await exactly(1, () => t.db.region.related(south, "onlineSales").delete())).toBe(1);
    expect(await all("sale")).toEqual([{ ...sale1, amount: 0 }, sale2, { ...sale4, amount: 0 }]);
    expect(
      await exactly(1, () => t.db.mechanic.related(mo, "carOwners").where("name", "Oz").update({ name: "Ozzy" })),
    ).toBe(1);
    expect(await exactly(1, () => t.db.mechanic.related(max, "carOwners").delete())).toBe(0);
    expect(await all("owner")).toEqual([ow1, { ...ow2, name: "Ozzy" }, ow3]);
    expect(await all("region")).toEqual([north, south, east]);
  });

  it("create through a through relation is not available", async () => {
    // @ts-expect-error a ThroughHandle has no create: this checks the error a plain JS caller gets
    const error = await noSql(() => t.db.mechanic.related(mo, "carOwner").create({ carId: 1, name: "New" }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain('"mechanic.carOwner"');
    expect(error.message).toContain("not available");
    expect(await all("owner")).toEqual([ow1, ow2, ow3]);
  });
});

// ---------------------------------------------------------------------------------------------
// Self-referencing relations
// ---------------------------------------------------------------------------------------------

const selfRef = defineSchema(
  {
    category: model({
      table: "categories",
      fields: { id: id(), name: string().unique(), parentId: integer().nullable() },
      relations: {
        parent: belongsTo("category", { foreignKey: "parentId" }),
        children: hasMany("category", { foreignKey: "parentId" }),
      },
    }),
    member: model({
      table: "members",
      fields: { id: id(), name: string() },
      relations: {
        following: belongsToMany("member", {
          table: "follows",
          foreignPivotKey: "followerId",
          relatedPivotKey: "followeeId",
        }),
        followers: belongsToMany("member", {
          table: "follows",
          foreignPivotKey: "followeeId",
          relatedPivotKey: "followerId",
        }),
      },
    }),
  },
  { casing: "snake_case" },
);

describe(`related(row, relation) on self-referencing relations on ${dialect}`, () => {
  const t = useTestDb(selfRef);
  const { exactly, rows } = helpers(t);
  const all = (name: string): Promise<any[]> => (t.db as any)[name].orderBy("id").get();
  let rootA: any, rootB: any, a1: any, a2: any, a1x: any, b1: any;
  let ann: any, ben: any, cat: any, dan: any;

  beforeEach(async () => {
    await t.truncate();
    const db = t.db;
    rootA = await db.category.create({ name: "Root A", parentId: null });
    rootB = await db.category.create({ name: "Root B", parentId: null });
    a1 = await db.category.create({ name: "A1", parentId: rootA.id });
    a2 = await db.category.create({ name: "A2", parentId: rootA.id });
    a1x = await db.category.create({ name: "A1x", parentId: a1.id });
    b1 = await db.category.create({ name: "B1", parentId: rootB.id });
    ann = await db.member.create({ name: "Ann" });
    ben = await db.member.create({ name: "Ben" });
    cat = await db.member.create({ name: "Cat" });
    dan = await db.member.create({ name: "Dan" });
    await db.kysely
      .insertInto("follows")
      .values([
        { follower_id: ann.id, followee_id: ben.id },
        { follower_id: ann.id, followee_id: cat.id },
        { follower_id: ben.id, followee_id: ann.id },
        { follower_id: cat.id, followee_id: ben.id },
      ])
      .execute();
  });

  it("children, parent and a null parent", async () => {
    expect(await rows(t.db.category.related(rootA, "children").orderBy("id"))).toEqual([a1, a2]);
    expect(await rows(t.db.category.related(a2, "children"))).toEqual([]);
    expect(await rows(t.db.category.related(a1x, "parent"))).toEqual([a1]);
    expect(await exactly(0, () => t.db.category.related(rootA, "parent").get())).toBeNull();
    expect(
      await exactly(eagerQueries(2), () =>
        t.db.category.related(rootA, "children").with("children").orderBy("id").get(),
      ),
    ).toEqual([
      { ...a1, children: [a1x] },
      { ...a2, children: [] },
    ]);
    expect(
      await exactly(1, () => t.db.category.related(rootA, "children").withCount("children").orderBy("id").get()),
    ).toEqual([
      { ...a1, childrenCount: 1 },
      { ...a2, childrenCount: 0 },
    ]);
  });

  it("following / followers through one pivot", async () => {
    expect(await rows(t.db.member.related(ann, "following").orderBy("id"))).toEqual([ben, cat]);
    expect(await rows(t.db.member.related(ann, "followers"))).toEqual([ben]);
    expect(await rows(t.db.member.related(ben, "followers").orderBy("id"))).toEqual([ann, cat]);
    expect(await rows(t.db.member.related(dan, "following"))).toEqual([]);
    expect(
      plain(await exactly(2, () => t.db.member.related(ann, "following").orderBy("id").with("following").get())),
    ).toEqual([
      { ...ben, following: [{ ...ann, pivot: { followerId: ben.id, followeeId: ann.id } }] },
      { ...cat, following: [{ ...ben, pivot: { followerId: cat.id, followeeId: ben.id } }] },
    ]);
  });

  it("an orWhere on a self-reference stays within the parent's rows", async () => {
    expect(await rows(t.db.category.related(rootB, "children").where("name", "nope").orWhere("name", "A1"))).toEqual(
      [],
    );
    expect(await rows(t.db.member.related(cat, "following").where("name", "nope").orWhere("name", "Dan"))).toEqual([]);
    expect(await rows(t.db.category.related(a2, "parent").where("name", "nope").orWhere("name", "Root B"))).toEqual([]);
  });

  it("create, save and scoped writes on a self-reference", async () => {
    const a1y = await t.db.category.related(a1, "children").create({ name: "A1y" });
    expect(a1y).toEqual({ id: expect.any(Number), name: "A1y", parentId: a1.id });
    const moved = { ...b1 };
    await t.db.category.related(rootA, "children").save(moved);
    expect(moved).toEqual({ ...b1, parentId: rootA.id });
    expect(await all("category")).toEqual([rootA, rootB, a1, a2, a1x, moved, a1y]);
    expect(await t.db.category.related(rootB, "children").count()).toBe(0);
    // Two children renamed alike break the unique name: nothing changes.
    const unique = await caught(() =>
      t.db.category.related(rootA, "children").where("name", "!=", "A1").update({ name: "Same" }),
    );
    expect(unique).toBeInstanceOf(UniqueConstraintError);
    expect(await all("category")).toEqual([rootA, rootB, a1, a2, a1x, moved, a1y]);
    expect(
      await exactly(1, () => t.db.category.related(rootA, "children").where("name", "A2").update({ name: "A2!" })),
    ).toBe(1);
    expect(await exactly(1, () => t.db.category.related(a1, "children").delete())).toBe(2);
    expect(await all("category")).toEqual([rootA, rootB, a1, { ...a2, name: "A2!" }, moved]);
  });

  it("saveMany on a self-reference is atomic", async () => {
    const error = await caught(() =>
      t.db.category.related(rootB, "children").saveMany([{ ...a2 }, { name: "New" }, { name: "A1" }]),
    );
    expect(error).toBeInstanceOf(UniqueConstraintError);
    expect(await all("category")).toEqual([rootA, rootB, a1, a2, a1x, b1]);
  });

  it("scoped update through a self-referencing many-to-many", async () => {
    expect(await exactly(1, () => t.db.member.related(ann, "following").update({ name: "Followed" }))).toBe(2);
    expect(await all("member")).toEqual([ann, { ...ben, name: "Followed" }, { ...cat, name: "Followed" }, dan]);
    expect(await exactly(1, () => t.db.member.related(dan, "followers").update({ name: "Nobody" }))).toBe(0);
    expect(await all("member")).toEqual([ann, { ...ben, name: "Followed" }, { ...cat, name: "Followed" }, dan]);
  });
});

// ---------------------------------------------------------------------------------------------
// Many-to-many through a join model, and a bare pivot with a pivotWhere
// ---------------------------------------------------------------------------------------------

const joins = defineSchema(
  {
    student: model({
      table: "students",
      fields: { id: id(), name: string() },
      relations: {
        courses: belongsToMany("course", { through: "enrollment", pivotFields: ["grade", "passed"] }),
        passedCourses: belongsToMany("course", {
          through: "enrollment",
          pivotFields: ["grade", "passed"],
          pivotWhere: { passed: true },
        }),
        openCourses: belongsToMany("course", { through: "enrollment", where: { open: true } }),
      },
    }),
    course: model({
      table: "courses",
      fields: { id: id(), title: string(), open: boolean() },
      relations: {
        students: manyToMany("student", {
          through: "enrollment",
          from: "courseId",
          to: "studentId",
          pivotFields: ["grade"],
        }),
      },
    }),
    enrollment: model({
      table: "enrollments",
      fields: {
        id: id(),
        // A bigint key pointing at an integer id.
        studentId: bigint(),
        courseId: integer(),
        grade: integer().nullable(),
        passed: boolean(),
      },
    }),
  },
  { casing: "snake_case" },
);

describe(`related(row, relation) through a join model on ${dialect}`, () => {
  const t = useTestDb(joins);
  const { exactly, rows, noSql } = helpers(t);
  const all = (name: string): Promise<any[]> => (t.db as any)[name].orderBy("id").get();
  let sam: any, sue: any, sid: any;
  let math: any, art: any, bio: any;
  let enrollments: any[];

  beforeEach(async () => {
    await t.truncate();
    const db = t.db;
    sam = await db.student.create({ name: "Sam" });
    sue = await db.student.create({ name: "Sue" });
    sid = await db.student.create({ name: "Sid" });
    math = await db.course.create({ title: "Math", open: true });
    art = await db.course.create({ title: "Art", open: false });
    bio = await db.course.create({ title: "Bio", open: true });
    const enroll = (student: any, course: any, grade: number | null, passed: boolean) =>
      db.enrollment.create({ studentId: BigInt(student.id), courseId: course.id, grade, passed });
    enrollments = [
      await enroll(sam, math, 90, true),
      await enroll(sam, art, null, false),
      await enroll(sue, math, 70, true),
      await enroll(sue, bio, 50, false),
    ];
  });

  it("the parent's related rows, both sides, the pivotWhere and where options holding", async () => {
    expect(await rows(t.db.student.related(sam, "courses").orderBy("id"))).toEqual([math, art]);
    expect(await rows(t.db.student.related(sid, "courses"))).toEqual([]);
    expect(await rows(t.db.student.related(sue, "passedCourses"))).toEqual([math]);
    expect(await rows(t.db.student.related(sue, "openCourses").orderBy("id"))).toEqual([math, bio]);
    expect(await rows(t.db.student.related(sam, "openCourses"))).toEqual([math]);
    expect(await rows(t.db.course.related(math, "students").orderBy("id"))).toEqual([sam, sue]);
    expect(await exactly(1, () => t.db.course.related(bio, "students").pluck("name"))).toEqual(["Sue"]);
    expect(
      plain(await exactly(1, () => t.db.course.related(math, "students").withCount("courses").orderBy("id").get())),
    ).toEqual([
      { ...sam, coursesCount: 2 },
      { ...sue, coursesCount: 2 },
    ]);
  });

  it("an orWhere stays within the pivot's rows and the options", async () => {
    const open = t.db.student.related(sue, "openCourses").where("title", "Bio").orWhere("title", "Art");
    expect(await rows(open)).toEqual([bio]); // Art is closed and not Sue's
    const passed = t.db.student.related(sue, "passedCourses").where("title", "nope").orWhere("title", "Bio");
    expect(await rows(passed)).toEqual([]); // Sue failed Bio
  });

  it("scoped update through the join model: one student's courses only, the enrollments untouched", async () => {
    expect(await exactly(1, () => t.db.student.related(sam, "courses").update({ open: true }))).toBe(2);
    expect(await all("course")).toEqual([math, { ...art, open: true }, bio]);
    expect(await exactly(1, () => t.db.student.related(sue, "passedCourses").update({ title: "Maths" }))).toBe(1);
    expect(await all("course")).toEqual([{ ...math, title: "Maths" }, { ...art, open: true }, bio]);
    expect(await all("enrollment")).toEqual(enrollments);
    expect(await all("student")).toEqual([sam, sue, sid]);
  });

  it("create and save through a many-to-many are not available", async () => {
    // @ts-expect-error a ManyToManyHandle has no create: this checks the error a plain JS caller gets
    const create = await noSql(() => t.db.student.related(sam, "courses").create({ title: "New", open: true }));
    expect(create).toBeInstanceOf(ValidationError);
    expect(create.message).toContain('"student.courses"');
    expect(create.message).toContain("not available");
    // @ts-expect-error a ManyToManyHandle has no save: this checks the error a plain JS caller gets
    const save = await noSql(() => t.db.course.related(math, "students").save({ ...sid }));
    expect(save).toBeInstanceOf(ValidationError);
    expect(save.message).toContain('"course.students"');
    expect(await all("course")).toEqual([math, art, bio]);
    expect(await all("enrollment")).toEqual(enrollments);
  });
});

// ---------------------------------------------------------------------------------------------
// morphMap aliases in the type columns
// ---------------------------------------------------------------------------------------------

const mapped = defineSchema(
  {
    article: model({
      table: "articles",
      fields: { id: id(), title: string(), published: boolean() },
      relations: {
        reactions: morphMany("reaction", { morphName: "target" }),
        thumbsUp: morphMany("reaction", { morphName: "target", where: { emoji: "up" } }),
        labels: morphToMany("label", { morphName: "labelable" }),
        introLabels: morphToMany("label", { morphName: "labelable", where: { name: "intro" } }),
      },
    }),
    clip: model({
      table: "clips",
      fields: { id: id(), title: string(), published: boolean() },
      relations: {
        reactions: morphMany("reaction", { morphName: "target" }),
        labels: morphToMany("label", { morphName: "labelable" }),
      },
    }),
    reaction: model({
      table: "reactions",
      fields: { id: id(), emoji: string(), targetType: string(), targetId: integer() },
      relations: {
        target: morphTo(),
        visibleTarget: morphTo({ morphName: "target", where: { published: true } }),
      },
    }),
    label: model({
      table: "labels",
      fields: { id: id(), name: string() },
      relations: {
        articles: morphedByMany("article", { morphName: "labelable" }),
        clips: morphedByMany("clip", { morphName: "labelable" }),
      },
    }),
  },
  { casing: "snake_case", morphMap: { article: "Article", clip: "Clip" } },
);

describe(`related(row, relation) with a morphMap on ${dialect}`, () => {
  const t = useTestDb(mapped);
  const { exactly, rows, noSql } = helpers(t);
  const all = (name: string): Promise<any[]> => (t.db as any)[name].orderBy("id").get();
  let a1: any, a2: any, k1: any, k2: any;
  let r1: any, r2: any, r3: any, r4: any, r5: any;
  let intro: any, misc: any;

  beforeEach(async () => {
    await t.truncate();
    const db = t.db;
    a1 = await db.article.create({ title: "Hello", published: true });
    a2 = await db.article.create({ title: "Draft", published: false });
    // Clips only ever get explicit ids here, equal to articles' ids.
    k1 = await db.clip.create({ id: a1.id, title: "Intro", published: true });
    k2 = await db.clip.create({ id: a2.id, title: "Outtake", published: false });
    r1 = await db.reaction.create({ emoji: "up", targetType: "Article", targetId: a1.id });
    r2 = await db.reaction.create({ emoji: "party", targetType: "Clip", targetId: k1.id });
    r3 = await db.reaction.create({ emoji: "down", targetType: "Article", targetId: a2.id });
    r4 = await db.reaction.create({ emoji: "up", targetType: "Clip", targetId: k2.id });
    r5 = await db.reaction.create({ emoji: "down", targetType: "Article", targetId: a1.id });
    intro = await db.label.create({ name: "intro" });
    misc = await db.label.create({ name: "misc" });
    await db.kysely
      .insertInto("labelables")
      .values([
        { label_id: intro.id, labelable_id: a1.id, labelable_type: "Article" },
        { label_id: misc.id, labelable_id: a1.id, labelable_type: "Article" },
        { label_id: intro.id, labelable_id: k1.id, labelable_type: "Clip" },
        { label_id: misc.id, labelable_id: k2.id, labelable_type: "Clip" },
      ])
      .execute();
  });

  it("morphMany, morphTo, morphToMany and morphedByMany match the aliases", async () => {
    expect(k1.id).toBe(a1.id);
    expect(await rows(t.db.article.related(a1, "reactions").orderBy("id"))).toEqual([r1, r5]);
    expect(await rows(t.db.clip.related(k1, "reactions"))).toEqual([r2]);
    expect(await rows(t.db.article.related(a1, "thumbsUp"))).toEqual([r1]);
    expect(await rows(t.db.reaction.related(r1, "target"))).toEqual([a1]);
    expect(await rows(t.db.reaction.related(r2, "target"))).toEqual([k1]);
    expect(await rows(t.db.reaction.related(r3, "visibleTarget"))).toEqual([]); // the draft is unpublished
    expect(await rows(t.db.reaction.related(r2, "visibleTarget"))).toEqual([k1]);
    expect(await rows(t.db.article.related(a1, "labels").orderBy("id"))).toEqual([intro, misc]);
    expect(await rows(t.db.clip.related(k1, "labels"))).toEqual([intro]);
    expect(await rows(t.db.article.related(a1, "introLabels"))).toEqual([intro]);
    expect(await rows(t.db.label.related(intro, "articles"))).toEqual([a1]);
    expect(await rows(t.db.label.related(misc, "clips"))).toEqual([k2]);
    // The model's name is not its stored type.
    const error = await noSql(() => t.db.reaction.related({ ...r1, targetType: "article" }, "target"));
    expect(error).toBeInstanceOf(RelataError);
    expect(error.message).toContain('"article"');
  });

  it("an orWhere stays within the type, the scope and the where option", async () => {
    expect(await rows(t.db.article.related(a1, "reactions").where("emoji", "nope").orWhere("emoji", "party"))).toEqual(
      [],
    );
    expect(await rows(t.db.article.related(a1, "thumbsUp").where("emoji", "nope").orWhere("emoji", "down"))).toEqual(
      [],
    );
    const target = (t.db.reaction.related(r3, "visibleTarget") as any).where("title", "nope").orWhere("title", "Draft");
    expect(await rows(target)).toEqual([]);
    expect(await rows(t.db.clip.related(k2, "labels").where("name", "nope").orWhere("name", "intro"))).toEqual([]);
  });

  it("create / save through morphMany store the alias", async () => {
    const reaction = await t.db.article.related(a2, "reactions").create({ emoji: "wow" });
    expect(reaction).toEqual({ id: expect.any(Number), emoji: "wow", targetType: "Article", targetId: a2.id });
    const moved = { ...r1 };
    await t.db.clip.related(k2, "reactions").save(moved);
    expect(moved).toEqual({ ...r1, targetType: "Clip", targetId: k2.id });
    expect(await all("reaction")).toEqual([moved, r2, r3, r4, r5, reaction]);
    expect(await t.db.article.related(a2, "reactions").orderBy("id").get()).toEqual([r3, reaction]);
    expect(await t.db.clip.related(k2, "reactions").orderBy("id").get()).toEqual([moved, r4]);
    expect(await exactly(1, () => t.db.article.related(a1, "reactions").delete())).toBe(1); // r5: r1 moved away
    expect(await all("reaction")).toEqual([moved, r2, r3, r4, reaction]);
  });
});
