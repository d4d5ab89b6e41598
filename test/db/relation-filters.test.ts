import { beforeAll, describe, expect, it } from "vitest";
import type { CountOperator } from "../../src/api/query-builder.js";
import {
  belongsTo,
  belongsToMany,
  boolean,
  defineSchema,
  hasMany,
  hasManyThrough,
  hasOne,
  hasOneThrough,
  id,
  integer,
  manyToMany,
  model,
  morphOne,
  morphTo,
  RelationNotFoundError,
  string,
  ValidationError,
} from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { type Counter, statementHelpers } from "../support/statements.js";
import { dialect, eagerQueries, useTestDb } from "../support/test-db.js";

/**
 * Relationship filters on every database: has / orHas / doesntHave / orDoesntHave, whereHas and
 * its or/not forms, whereRelation, whereBelongsTo, whereHasMorph / whereDoesntHaveMorph and
 * whereMorphedTo, over every relation kind. Each filtered query is ONE statement (correlated
 * EXISTS / COUNT subqueries, no join, no second round trip); results are compared exactly, the
 * parents ordered by id. Invalid filters throw before any SQL is sent.
 */

/** Query helpers bound to one test database. */
function helpers(t: Counter) {
  /** The rows of `query` (already ordered), asserting it took exactly one statement. */
  const rows = async (query: { get(): Promise<any[]> }): Promise<any[]> => {
    const { queries, result } = await t.count(() => query.get());
    expect(queries).toBe(1);
    return result;
  };
  /** One field of each row of `query` (ordered by id), in one statement. */
  const values = async (query: any, field = "name"): Promise<unknown[]> =>
    (await rows(query.orderBy("id"))).map((row) => row[field]);
  /** The error `fn` throws (sync or async), asserting no statement was sent. */
  const { noSql: rejects } = statementHelpers(t);
  return { rows, values, rejects };
}

// ---------------------------------------------------------------------------------------------
// The blog fixture: hasOne, hasMany, belongsTo, belongsToMany (bare pivot with a field),
// morphMany, morphTo, morphToMany, morphedByMany, hasManyThrough
// ---------------------------------------------------------------------------------------------

describe(`relation filters on the blog on ${dialect}`, () => {
  const t = useTestDb(blog);
  const { rows, values, rejects } = helpers(t);
  const ALL = ["Ada", "Bob", "Cy", "Dee", "Eve"];
  let uk: any, fr: any, de: any;
  let ada: any, bob: any, cy: any, dee: any, eve: any;
  let p1: any, p2: any, p3: any, p4: any, p5: any, p6: any;
  let v1: any, v2: any, v3: any;

  beforeAll(async () => {
    const db = t.db;
    uk = await db.country.create({ name: "UK" });
    fr = await db.country.create({ name: "France" });
    de = await db.country.create({ name: "Germany" });
    const user = (name: string, countryId: number | null) =>
      db.user.create({ email: `${name.toLowerCase()}@example.dev`, name, countryId });
    ada = await user("Ada", uk.id); // 3 posts (2 published), profile, roles admin (root) + editor (cy)
    bob = await user("Bob", uk.id); // no posts, profile, role editor (root)
    cy = await user("Cy", fr.id); // 1 unpublished post, role viewer (no grantor)
    dee = await user("Dee", null); // 2 published posts, no country
    eve = await user("Eve", de.id); // nothing
    await db.profile.create({ userId: ada.id, bio: "Ada's bio" });
    await db.profile.create({ userId: bob.id, bio: "Bob's bio" });
    const post = (authorId: number, title: string, published: boolean, views: number) =>
      db.post.create({ authorId, title, published, views });
    p1 = await post(ada.id, "P1", true, 100); // comments c1 c2 c3; tags golang, sql
    p2 = await post(ada.id, "P2", false, 5); // comment c4
    p3 = await post(ada.id, "P3", true, 50);
    p4 = await post(cy.id, "P4", false, 20); // comments c5 c6; tag golang
    p5 = await post(dee.id, "P5", true, 0); // tag js
    p6 = await post(dee.id, "P6", true, 7);
    // Six videos: each has the id of a post, so a filter ignoring the type column would mix them up.
    const videos: any[] = [];
    for (let i = 1; i <= 6; i++) videos.push(await db.video.create({ title: `V${i}` }));
    [v1, v2, v3] = videos;
    const comment = (body: string, commentableType: string, commentableId: number) =>
      db.comment.create({ body, commentableType, commentableId });
    await comment("c1", "post", p1.id);
    await comment("c2", "post", p1.id);
    await comment("c3", "post", p1.id);
    await comment("c4", "post", p2.id);
    await comment("c5", "post", p4.id);
    await comment("c6", "post", p4.id);
    await comment("c7", "video", v3.id); // video 3 has the id of post 3, which has no comment
    await comment("c8", "video", videos[4].id); // video 5 has the id of post 5, which has no comment
    await comment("c9", "video", v1.id);
    await comment("c10", "post", 999); // dangling
    await comment("c11", "video", 999); // dangling
    await comment("c12", "podcast", p1.id); // a type that is no target
    const [admin, editor, viewer] = [
      await db.role.create({ name: "admin" }),
      await db.role.create({ name: "editor" }),
      await db.role.create({ name: "viewer" }),
    ];
    await db.role.create({ name: "guest" });
    await db.kysely
      .insertInto("role_user")
      .values([
        { user_id: ada.id, role_id: admin.id, granted_by: "root" },
        { user_id: ada.id, role_id: editor.id, granted_by: "cy" },
        { user_id: bob.id, role_id: editor.id, granted_by: "root" },
        { user_id: cy.id, role_id: viewer.id, granted_by: null },
      ])
      .execute();
    const tag = (name: string) => db.tag.create({ name });
    const [golang, sqlTag, js, news] = [await tag("golang"), await tag("sql"), await tag("js"), await tag("news")];
    await tag("rust");
    await db.kysely
      .insertInto("taggables")
      .values([
        { tag_id: golang.id, taggable_id: p1.id, taggable_type: "post" },
        { tag_id: sqlTag.id, taggable_id: p1.id, taggable_type: "post" },
        { tag_id: golang.id, taggable_id: p4.id, taggable_type: "post" },
        { tag_id: js.id, taggable_id: p5.id, taggable_type: "post" },
        { tag_id: js.id, taggable_id: v1.id, taggable_type: "video" },
        { tag_id: golang.id, taggable_id: v2.id, taggable_type: "video" }, // post 2 has no tag
        { tag_id: news.id, taggable_id: v3.id, taggable_type: "video" }, // post 3 has no tag
      ])
      .execute();
  });

  it("the seeded ids line up: video n has the id of post n", () => {
    expect([v1.id, v2.id, v3.id]).toEqual([p1.id, p2.id, p3.id]);
  });

  describe("has / doesntHave with counts", () => {
    it("has(rel) keeps the parents with at least one related row, as exact rows", async () => {
      expect(await rows(t.db.user.has("posts").orderBy("id"))).toEqual([ada, cy, dee]);
      expect(await rows(t.db.user.doesntHave("posts").orderBy("id"))).toEqual([bob, eve]);
    });

    it("has(rel, op, n) for every operator and edge counts", async () => {
      // Posts per user: Ada 3, Bob 0, Cy 1, Dee 2, Eve 0.
      const cases: [CountOperator, number, string[]][] = [
        [">=", 0, ALL],
        [">=", 1, ["Ada", "Cy", "Dee"]],
        [">=", 2, ["Ada", "Dee"]],
        [">=", 3, ["Ada"]],
        [">=", 4, []],
        [">", 0, ["Ada", "Cy", "Dee"]],
        [">", 1, ["Ada", "Dee"]],
        [">", 3, []],
        ["=", 0, ["Bob", "Eve"]],
        ["=", 1, ["Cy"]],
        ["=", 2, ["Dee"]],
        ["=", 3, ["Ada"]],
        ["!=", 0, ["Ada", "Cy", "Dee"]],
        ["!=", 2, ["Ada", "Bob", "Cy", "Eve"]],
        ["<>", 0, ["Ada", "Cy", "Dee"]],
        ["<>", 1, ["Ada", "Bob", "Dee", "Eve"]],
        ["<", 0, []],
        ["<", 1, ["Bob", "Eve"]],
        ["<", 2, ["Bob", "Cy", "Eve"]],
        ["<", 4, ALL],
        ["<=", 0, ["Bob", "Eve"]],
        ["<=", 1, ["Bob", "Cy", "Eve"]],
        ["<=", 3, ALL],
      ];
      for (const [op, n, expected] of cases) {
        expect({ op, n, names: await values(t.db.user.has("posts", op, n)) }).toEqual({ op, n, names: expected });
      }
    });

    it('has("posts", "<", 1) and has("posts", "=", 0) equal doesntHave; the count defaults to 1', async () => {
      const none = await values(t.db.user.doesntHave("posts"));
      expect(none).toEqual(["Bob", "Eve"]);
      expect(await values(t.db.user.has("posts", "<", 1))).toEqual(none);
      expect(await values(t.db.user.has("posts", "=", 0))).toEqual(none);
      expect(await values(t.db.user.has("posts", ">"))).toEqual(["Ada", "Dee"]);
      expect(await values(t.db.user.has("posts", "<"))).toEqual(none);
    });

    it("two counts on the same relation AND together (between)", async () => {
      expect(await values(t.db.user.has("posts", ">=", 1).has("posts", "<=", 2))).toEqual(["Cy", "Dee"]);
    });

    it("nested paths: the count applies to the last segment", async () => {
      // Comments per post: P1 3, P2 1, P3 0 (Ada); P4 2 (Cy); P5 0, P6 0 (Dee).
      expect(await values(t.db.user.has("posts.comments"))).toEqual(["Ada", "Cy"]);
      expect(await values(t.db.user.has("posts.comments", ">=", 2))).toEqual(["Ada", "Cy"]);
      expect(await values(t.db.user.has("posts.comments", ">=", 3))).toEqual(["Ada"]);
      expect(await values(t.db.user.has("posts.comments", "=", 1))).toEqual(["Ada"]);
      expect(await values(t.db.user.has("posts.comments", "=", 2))).toEqual(["Cy"]);
      // A post without comments: Ada's P3, Dee's P5 and P6.
      expect(await values(t.db.user.has("posts.comments", "=", 0))).toEqual(["Ada", "Dee"]);
      expect(await values(t.db.user.doesntHave("posts.comments"))).toEqual(["Bob", "Dee", "Eve"]);
      // As Eloquent's hasNested, "< 1" along a path means none of the path exists (not "a post with none").
      expect(await values(t.db.user.has("posts.comments", "<", 1))).toEqual(["Bob", "Dee", "Eve"]);
      expect(await values(t.db.user.has("posts.tags"))).toEqual(["Ada", "Cy", "Dee"]);
      expect(await values(t.db.user.doesntHave("posts.tags"))).toEqual(["Bob", "Eve"]);
      expect(await values(t.db.country.has("users.posts.comments"))).toEqual(["UK", "France"]);
    });

    it("orHas / orDoesntHave (nested too)", async () => {
      expect(await values(t.db.user.where("name", "Bob").orHas("posts", ">=", 3))).toEqual(["Ada", "Bob"]);
      expect(await values(t.db.user.has("posts", "=", 1).orHas("posts", "=", 2))).toEqual(["Cy", "Dee"]);
      expect(await values(t.db.user.where("name", "Ada").orDoesntHave("profile"))).toEqual(["Ada", "Cy", "Dee", "Eve"]);
      expect(await values(t.db.user.where("name", "Ada").orDoesntHave("posts.comments"))).toEqual([
        "Ada",
        "Bob",
        "Dee",
        "Eve",
      ]);
      expect(await values(t.db.user.where("name", "Eve").orHas("posts.comments", ">=", 3))).toEqual(["Ada", "Eve"]);
    });

    it("combines with where / orWhere with SQL's precedence (AND before OR)", async () => {
      // where(a).orHas(b) = a OR b
      expect(await values(t.db.user.where("countryId", fr.id).orHas("profile"))).toEqual(["Ada", "Bob", "Cy"]);
      // a OR (b AND c): Dee by name; Cy has posts and is French. ((a OR b) AND c) would give Cy only.
      expect(await values(t.db.user.where("name", "Dee").orHas("posts").where("countryId", fr.id))).toEqual([
        "Cy",
        "Dee",
      ]);
      // b OR (a AND c): ((b OR a) AND c) would give Ada and Bob only.
      expect(await values(t.db.user.has("posts").orWhere("name", "Bob").has("profile"))).toEqual([
        "Ada",
        "Bob",
        "Cy",
        "Dee",
      ]);
      // Relation filters inside a where group stay in the group.
      expect(
        await values(t.db.user.where((q) => q.has("posts", ">=", 2).orHas("profile")).where("countryId", uk.id)),
      ).toEqual(["Ada", "Bob"]);
      expect(await values(t.db.user.whereNot((q) => q.has("posts").orHas("roles")))).toEqual(["Eve"]);
      expect(await values(t.db.user.has("posts").whereNotNull("countryId"))).toEqual(["Ada", "Cy"]);
    });
  });

  describe("whereHas / whereDoesntHave / whereRelation", () => {
    it("whereHas with a constraint, and with a count of matching rows", async () => {
      expect(await values(t.db.user.whereHas("posts", (q) => q.where("published", true)))).toEqual(["Ada", "Dee"]);
      expect(await values(t.db.user.whereHas("posts", (q) => q.where("views", ">=", 50)))).toEqual(["Ada"]);
      expect(await values(t.db.user.whereHas("posts", (q) => q.where("published", true), ">=", 2))).toEqual([
        "Ada",
        "Dee",
      ]);
      expect(await values(t.db.user.whereHas("posts", (q) => q.where("published", false), "=", 1))).toEqual([
        "Ada",
        "Cy",
      ]);
      // Zero matching rows: users with no unpublished post, including those without posts.
      expect(await values(t.db.user.whereHas("posts", (q) => q.where("published", false), "<", 1))).toEqual([
        "Bob",
        "Dee",
        "Eve",
      ]);
      // Without a constraint, whereHas is has.
      expect(await values(t.db.user.whereHas("posts"))).toEqual(["Ada", "Cy", "Dee"]);
    });

    it("a constraint with an OR chain stays grouped under the correlation", async () => {
      // Ungrouped, "author = user AND title = 'P4' OR title = 'P5'" would match every user.
      expect(await values(t.db.user.whereHas("posts", (q) => q.where("title", "P4").orWhere("title", "P5")))).toEqual([
        "Cy",
        "Dee",
      ]);
      expect(
        await values(t.db.user.whereDoesntHave("posts", (q) => q.where("title", "P4").orWhere("title", "P5"))),
      ).toEqual(["Ada", "Bob", "Eve"]);
      expect(
        await values(
          t.db.user.whereHas("posts", (q) =>
            q.where("published", false).where((g) => g.where("views", 5).orWhere("views", 7)),
          ),
        ),
      ).toEqual(["Ada"]);
    });

    it("a relation filter inside the constraint's OR chain stays grouped too", async () => {
      // Posts that are unpublished or have 3+ comments: P1, P2 (Ada), P4 (Cy).
      expect(
        await values(t.db.user.whereHas("posts", (q) => q.where("published", false).orHas("comments", ">=", 3))),
      ).toEqual(["Ada", "Cy"]);
      expect(await values(t.db.user.whereDoesntHave("posts", (q) => q.has("tags").orWhere("views", ">", 60)))).toEqual([
        "Bob",
        "Eve",
      ]);
    });

    it("whereHas inside whereHas: users with posts tagged golang (Velocity's example)", async () => {
      expect(
        await values(t.db.user.whereHas("posts", (q) => q.whereHas("tags", (tq) => tq.where("name", "golang")))),
      ).toEqual(["Ada", "Cy"]);
      expect(
        await values(
          t.db.user.whereHas("posts", (q) =>
            q.where("published", true).whereHas("tags", (tq) => tq.where("name", "golang")),
          ),
        ),
      ).toEqual(["Ada"]);
      // Users who have posts with comments.
      expect(await values(t.db.user.whereHas("posts", (q) => q.has("comments")))).toEqual(["Ada", "Cy"]);
      // Users with a published post without comments.
      expect(
        await values(t.db.user.whereHas("posts", (q) => q.where("published", true).doesntHave("comments"))),
      ).toEqual(["Ada", "Dee"]);
      // A nested path with a constraint on its last segment.
      expect(await values(t.db.user.whereHas("posts.tags", (q) => q.where("name", "js")))).toEqual(["Dee"]);
      expect(await values(t.db.user.whereHas("posts.comments", (q) => q.where("body", "c4")))).toEqual(["Ada"]);
    });

    it("whereDoesntHave / orWhereDoesntHave / orWhereHas", async () => {
      expect(await values(t.db.user.whereDoesntHave("posts", (q) => q.where("published", true)))).toEqual([
        "Bob",
        "Cy",
        "Eve",
      ]);
      expect(await values(t.db.user.whereDoesntHave("posts"))).toEqual(["Bob", "Eve"]);
      expect(
        await values(t.db.user.where("name", "Ada").orWhereDoesntHave("roles", (q) => q.where("name", "viewer"))),
      ).toEqual(["Ada", "Bob", "Dee", "Eve"]);
      expect(
        await values(
          t.db.user.whereHas("posts", (q) => q.where("views", 20)).orWhereHas("posts", (q) => q.where("views", 7)),
        ),
      ).toEqual(["Cy", "Dee"]);
      expect(
        await values(t.db.user.where("name", "Eve").orWhereHas("posts", (q) => q.where("published", true), ">=", 2)),
      ).toEqual(["Ada", "Dee", "Eve"]);
    });

    it("whereRelation / orWhereRelation, value and operator forms, nested paths", async () => {
      expect(await values(t.db.user.whereRelation("posts", "published", true))).toEqual(["Ada", "Dee"]);
      expect(await values(t.db.user.whereRelation("posts", "views", ">", 40))).toEqual(["Ada"]);
      expect(await values(t.db.user.whereRelation("posts", "title", "in", ["P4", "P6"]))).toEqual(["Cy", "Dee"]);
      expect(await values(t.db.user.whereRelation("country", "name", "UK"))).toEqual(["Ada", "Bob"]);
      expect(await values(t.db.user.where("name", "Bob").orWhereRelation("posts", "views", ">=", 20))).toEqual([
        "Ada",
        "Bob",
        "Cy",
      ]);
      expect(
        await values(t.db.user.whereRelation("country", "name", "France").orWhereRelation("posts", "title", "P6")),
      ).toEqual(["Cy", "Dee"]);
      expect(await values(t.db.post.whereRelation("author.country", "name", "France"), "title")).toEqual(["P4"]);
      expect(await values(t.db.user.whereRelation("posts.comments", "body", "like", "c%"))).toEqual(["Ada", "Cy"]);
      expect(await values(t.db.user.whereRelation("posts", "rating", null))).toEqual(["Ada", "Cy", "Dee"]);
    });
  });

  describe("every relation kind of the blog", () => {
    it("hasOne", async () => {
      expect(await values(t.db.user.has("profile"))).toEqual(["Ada", "Bob"]);
      expect(await values(t.db.user.doesntHave("profile"))).toEqual(["Cy", "Dee", "Eve"]);
      expect(await values(t.db.user.whereHas("profile", (q) => q.where("bio", "Bob's bio")))).toEqual(["Bob"]);
      expect(await values(t.db.user.has("profile", ">", 1))).toEqual([]);
    });

    it("belongsTo", async () => {
      expect(await values(t.db.user.has("country"))).toEqual(["Ada", "Bob", "Cy", "Eve"]);
      expect(await values(t.db.user.doesntHave("country"))).toEqual(["Dee"]);
      expect(
        await values(t.db.user.whereHas("country", (q) => q.where("name", "UK").orWhere("name", "Germany"))),
      ).toEqual(["Ada", "Bob", "Eve"]);
      expect(
        await values(
          t.db.post.whereHas("author", (q) => q.where("name", "Dee")),
          "title",
        ),
      ).toEqual(["P5", "P6"]);
      expect(
        await values(
          t.db.post.whereHas("author", (q) => q.has("profile")),
          "title",
        ),
      ).toEqual(["P1", "P2", "P3"]);
      expect(await values(t.db.profile.has("user.posts"), "bio")).toEqual(["Ada's bio"]);
    });

    it("hasMany from the other side and through a belongsTo", async () => {
      expect(await values(t.db.country.has("users"))).toEqual(["UK", "France", "Germany"]);
      expect(await values(t.db.country.has("users", ">=", 2))).toEqual(["UK"]);
      expect(await values(t.db.country.whereHas("users", (q) => q.has("posts")))).toEqual(["UK", "France"]);
    });

    it("belongsToMany through a bare pivot, and wherePivot inside whereHas", async () => {
      expect(await values(t.db.user.has("roles"))).toEqual(["Ada", "Bob", "Cy"]);
      expect(await values(t.db.user.has("roles", ">=", 2))).toEqual(["Ada"]);
      expect(await values(t.db.user.doesntHave("roles"))).toEqual(["Dee", "Eve"]);
      expect(await values(t.db.user.whereHas("roles", (q) => q.wherePivot("grantedBy", "root")))).toEqual([
        "Ada",
        "Bob",
      ]);
      expect(await values(t.db.user.whereHas("roles", (q) => q.wherePivot("grantedBy", "cy")))).toEqual(["Ada"]);
      expect(await values(t.db.user.whereHas("roles", (q) => q.wherePivotIn("grantedBy", ["cy", "nobody"])))).toEqual([
        "Ada",
      ]);
      expect(
        await values(t.db.user.whereHas("roles", (q) => q.where("name", "editor").wherePivot("grantedBy", "root"))),
      ).toEqual(["Bob"]);
      expect(await values(t.db.user.whereHas("roles", (q) => q.where("name", "viewer")))).toEqual(["Cy"]);
      expect(await values(t.db.user.whereDoesntHave("roles", (q) => q.wherePivot("grantedBy", "root")))).toEqual([
        "Cy",
        "Dee",
        "Eve",
      ]);
      expect(await values(t.db.role.has("users", ">=", 2))).toEqual(["editor"]);
      expect(await values(t.db.role.doesntHave("users"))).toEqual(["guest"]);
    });

    it("morphMany matches the type column: a post and a video with the same id are not confused", async () => {
      expect(await values(t.db.post.has("comments"), "title")).toEqual(["P1", "P2", "P4"]);
      expect(await values(t.db.post.doesntHave("comments"), "title")).toEqual(["P3", "P5", "P6"]);
      expect(await values(t.db.post.has("comments", ">=", 2), "title")).toEqual(["P1", "P4"]);
      expect(await values(t.db.post.has("comments", "=", 1), "title")).toEqual(["P2"]);
      expect(await values(t.db.video.has("comments"), "title")).toEqual(["V1", "V3", "V5"]);
      expect(await values(t.db.video.has("comments", ">=", 2), "title")).toEqual([]);
      expect(
        await values(
          t.db.post.whereHas("comments", (q) => q.where("body", "c9")),
          "title",
        ),
      ).toEqual([]);
      expect(
        await values(
          t.db.video.whereHas("comments", (q) => q.where("body", "c9")),
          "title",
        ),
      ).toEqual(["V1"]);
    });

    it("morphTo: true for any existing parent, false for a dangling id or an unknown type", async () => {
      const all = ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"];
      expect(await values(t.db.comment.has("commentable"), "body")).toEqual(all);
      expect(await values(t.db.comment.doesntHave("commentable"), "body")).toEqual(["c10", "c11", "c12"]);
      expect(await values(t.db.comment.has("commentable", "=", 1), "body")).toEqual(all);
      expect(await values(t.db.comment.has("commentable", ">", 1), "body")).toEqual([]);
    });

    it("paths through a morphTo: every target type that has the next relation", async () => {
      // The parents with tags: P1, P4 (posts), V1, V3 (videos).
      expect(await values(t.db.comment.has("commentable.tags"), "body")).toEqual([
        "c1",
        "c2",
        "c3",
        "c5",
        "c6",
        "c7",
        "c9",
      ]);
      // Videos have no author: only post comments with an existing post.
      expect(await values(t.db.comment.has("commentable.author"), "body")).toEqual([
        "c1",
        "c2",
        "c3",
        "c4",
        "c5",
        "c6",
      ]);
      expect(await values(t.db.comment.has("commentable.comments", ">=", 2), "body")).toEqual([
        "c1",
        "c2",
        "c3",
        "c5",
        "c6",
      ]);
      expect(
        await values(
          t.db.comment.whereHas("commentable.author", (q) => q.where("name", "Cy")),
          "body",
        ),
      ).toEqual(["c5", "c6"]);
    });

    it("a constraint on a path through a morphTo whose targets all lead to one model (tags)", async () => {
      // post.tags and video.tags both hold tags: the constraint is on one model, not ambiguous.
      expect(
        await values(
          t.db.comment.whereHas("commentable.tags", (q) => q.where("name", "golang")),
          "body",
        ),
      ).toEqual(["c1", "c2", "c3", "c5", "c6"]);
    });

    it("morphToMany / morphedByMany through taggables match the type column", async () => {
      expect(await values(t.db.post.has("tags"), "title")).toEqual(["P1", "P4", "P5"]);
      expect(await values(t.db.post.doesntHave("tags"), "title")).toEqual(["P2", "P3", "P6"]);
      expect(await values(t.db.post.has("tags", ">=", 2), "title")).toEqual(["P1"]);
      expect(await values(t.db.video.has("tags"), "title")).toEqual(["V1", "V2", "V3"]);
      expect(
        await values(
          t.db.post.whereHas("tags", (q) => q.where("name", "js")),
          "title",
        ),
      ).toEqual(["P5"]);
      expect(await values(t.db.tag.has("posts"))).toEqual(["golang", "sql", "js"]);
      expect(await values(t.db.tag.has("videos"))).toEqual(["golang", "js", "news"]);
      expect(await values(t.db.tag.doesntHave("posts"))).toEqual(["news", "rust"]);
      expect(await values(t.db.tag.doesntHave("posts").doesntHave("videos"))).toEqual(["rust"]);
      expect(await values(t.db.tag.has("posts", ">=", 2))).toEqual(["golang"]);
      expect(await values(t.db.tag.whereHas("posts", (q) => q.where("published", false)))).toEqual(["golang"]);
      expect(await values(t.db.tag.whereHas("posts", (q) => q.where("published", true)))).toEqual([
        "golang",
        "sql",
        "js",
      ]);
    });

    it("hasManyThrough (country -> users -> posts)", async () => {
      expect(await values(t.db.country.has("posts"))).toEqual(["UK", "France"]);
      expect(await values(t.db.country.doesntHave("posts"))).toEqual(["Germany"]);
      expect(await values(t.db.country.has("posts", ">=", 3))).toEqual(["UK"]);
      expect(await values(t.db.country.has("posts", "=", 1))).toEqual(["France"]);
      expect(await values(t.db.country.whereHas("posts", (q) => q.where("published", true)))).toEqual(["UK"]);
      expect(await values(t.db.country.whereHas("posts", (q) => q.has("comments", ">=", 2)))).toEqual(["UK", "France"]);
      expect(await values(t.db.country.has("posts.tags"))).toEqual(["UK", "France"]);
    });
  });

  describe("whereHasMorph / whereDoesntHaveMorph / whereMorphedTo", () => {
    it("whereHasMorph with a list of types, without and with a constraint", async () => {
      expect(await values(t.db.comment.whereHasMorph("commentable", ["post"]), "body")).toEqual([
        "c1",
        "c2",
        "c3",
        "c4",
        "c5",
        "c6",
      ]);
      expect(await values(t.db.comment.whereHasMorph("commentable", ["video"]), "body")).toEqual(["c7", "c8", "c9"]);
      expect(
        await values(
          t.db.comment.whereHasMorph("commentable", ["post"], (q: any) => q.where("published", true)),
          "body",
        ),
      ).toEqual(["c1", "c2", "c3"]);
      expect(
        await values(
          t.db.comment.whereHasMorph("commentable", ["post", "video"], (q: any) =>
            q.where("title", "in", ["P2", "V5"]),
          ),
          "body",
        ),
      ).toEqual(["c4", "c8"]);
    });

    it('"*" covers every target; the callback gets each model\'s builder and name (a constraint per type)', async () => {
      const seen: string[] = [];
      const result = await values(
        t.db.comment.whereHasMorph("commentable", "*", (q: any, type: string) => {
          seen.push(type);
          return type === "post" ? q.where("published", false) : q.where("title", "V3");
        }),
        "body",
      );
      expect(result).toEqual(["c4", "c5", "c6", "c7"]);
      expect(seen.sort()).toEqual(["post", "video"]);
      expect(await values(t.db.comment.whereHasMorph("commentable", "*"), "body")).toEqual([
        "c1",
        "c2",
        "c3",
        "c4",
        "c5",
        "c6",
        "c7",
        "c8",
        "c9",
      ]);
    });

    it("orWhereHasMorph", async () => {
      expect(
        await values(
          t.db.comment
            .where("body", "c10")
            .orWhereHasMorph("commentable", ["video"], (q: any) => q.where("title", "V1")),
          "body",
        ),
      ).toEqual(["c9", "c10"]);
    });

    it("whereDoesntHaveMorph: rows of the listed types whose parent is missing or fails the constraint", async () => {
      expect(
        await values(
          t.db.comment
            .where("commentableType", "post")
            .whereDoesntHaveMorph("commentable", ["post"], (q: any) => q.where("published", true)),
          "body",
        ),
      ).toEqual(["c4", "c5", "c6", "c10"]);
    });

    it("whereDoesntHaveMorph keeps to the listed types, as Eloquent's does", async () => {
      // Comment::whereDoesntHaveMorph('commentable', [Post::class], fn) = comments on posts that fail the
      // constraint (type = post AND NOT EXISTS ...); comments on videos or of other types are not returned.
      expect(
        await values(
          t.db.comment.whereDoesntHaveMorph("commentable", ["post"], (q: any) => q.where("published", true)),
          "body",
        ),
      ).toEqual(["c4", "c5", "c6", "c10"]);
      expect(await values(t.db.comment.whereDoesntHaveMorph("commentable", ["video"]), "body")).toEqual(["c11"]);
    });

    it("whereMorphedTo a row read through relata: the model is inferred, the type column matched", async () => {
      expect(await values(t.db.comment.whereMorphedTo("commentable", p1), "body")).toEqual(["c1", "c2", "c3"]);
      // Video 1 has post 1's id.
      expect(await values(t.db.comment.whereMorphedTo("commentable", v1), "body")).toEqual(["c9"]);
      const fetched = await t.db.video.where("title", "V3").firstOrFail();
      expect(await values(t.db.comment.whereMorphedTo("commentable", fetched), "body")).toEqual(["c7"]);
      expect(await values(t.db.comment.whereMorphedTo("commentable", p3), "body")).toEqual([]);
    });

    it("whereMorphedTo with an explicit model name, combined with other conditions", async () => {
      expect(await values(t.db.comment.whereMorphedTo("commentable", { id: p4.id }, "post"), "body")).toEqual([
        "c5",
        "c6",
      ]);
      // Its type and id conditions stay one group under an OR.
      expect(await values(t.db.comment.whereMorphedTo("commentable", p4).orWhere("body", "c9"), "body")).toEqual([
        "c5",
        "c6",
        "c9",
      ]);
      expect(
        await values(
          t.db.comment.where("body", "c9").orWhere((q) => q.whereMorphedTo("commentable", p1)),
          "body",
        ),
      ).toEqual(["c1", "c2", "c3", "c9"]);
      expect(await values(t.db.comment.where("body", "c5").whereMorphedTo("commentable", p1), "body")).toEqual([]);
      expect(await values(t.db.comment.whereMorphedTo("commentable", { id: p4.id }, "video"), "body")).toEqual([]);
    });
  });

  describe("whereBelongsTo", () => {
    it("one row, an array of rows, a named relation (an empty array: see the errors)", async () => {
      expect(await rows(t.db.post.whereBelongsTo(ada).orderBy("id"))).toEqual([p1, p2, p3]);
      expect(await values(t.db.post.whereBelongsTo([ada, cy]), "title")).toEqual(["P1", "P2", "P3", "P4"]);
      expect(await values(t.db.post.whereBelongsTo(dee, "author"), "title")).toEqual(["P5", "P6"]);
      expect(await values(t.db.user.whereBelongsTo(uk))).toEqual(["Ada", "Bob"]);
      expect(await values(t.db.user.whereBelongsTo([fr, de]))).toEqual(["Cy", "Eve"]);
    });

    it("combines with other conditions and relation filters", async () => {
      expect(await values(t.db.post.whereBelongsTo(ada).where("published", true), "title")).toEqual(["P1", "P3"]);
      expect(await values(t.db.post.whereBelongsTo(ada).has("comments"), "title")).toEqual(["P1", "P2"]);
      expect(
        await values(
          t.db.post.where("title", "P6").orWhere((q) => q.whereBelongsTo(cy)),
          "title",
        ),
      ).toEqual(["P4", "P6"]);
    });

    it("a plain object works with a named relation, or when the model has one belongsTo", async () => {
      expect(await values(t.db.post.whereBelongsTo({ id: cy.id }, "author"), "title")).toEqual(["P4"]);
      expect(await values(t.db.post.whereBelongsTo({ id: cy.id }), "title")).toEqual(["P4"]);
    });
  });

  describe("filters with eager loading and other terminals", () => {
    it("has(...).with(...).get(): the filter, then one query per level", async () => {
      const { queries, result } = await t.count(() => t.db.user.has("posts").with("posts").orderBy("id").get());
      expect(queries).toBe(eagerQueries(2));
      expect(result).toEqual([
        { ...ada, posts: [p1, p2, p3] },
        { ...cy, posts: [p4] },
        { ...dee, posts: [p5, p6] },
      ]);
    });

    it('the "join" strategy: filter and eager load in one statement', async () => {
      const { queries, result } = await t.count(() =>
        t.db.user
          .whereHas("posts", (q) => q.where("published", true))
          .with("posts")
          .strategy("join")
          .orderBy("id")
          .get(),
      );
      expect(queries).toBe(1);
      expect(result).toEqual([
        { ...ada, posts: [p1, p2, p3] },
        { ...dee, posts: [p5, p6] },
      ]);
    });

    it("a relation filter inside an eager load's constraint (both strategies)", async () => {
      for (const strategy of ["query", "join"] as const) {
        const { queries, result } = await t.count(() =>
          t.db.user
            .has("posts")
            .with("posts", (q) => q.has("comments").orderBy("id"))
            .strategy(strategy)
            .orderBy("id")
            .get(),
        );
        expect({ strategy, queries }).toEqual({ strategy, queries: strategy === "join" ? 1 : 2 });
        expect(result).toEqual([
          { ...ada, posts: [p1, p2] },
          { ...cy, posts: [p4] },
          { ...dee, posts: [] },
        ]);
      }
    });

    it("count(), exists(), first(), pluck(): one statement each", async () => {
      const counted = await t.count(() => t.db.user.has("posts").count());
      expect(counted).toEqual({ queries: 1, result: 3 });
      expect(await t.count(() => t.db.user.doesntHave("posts.comments").count())).toEqual({ queries: 1, result: 3 });
      expect(await t.count(() => t.db.user.has("posts", ">=", 3).exists())).toEqual({ queries: 1, result: true });
      expect(await t.count(() => t.db.user.has("posts", ">", 3).exists())).toEqual({ queries: 1, result: false });
      expect(await t.count(() => t.db.user.doesntHave("posts").orderBy("id").first())).toEqual({
        queries: 1,
        result: bob,
      });
      expect(await t.count(() => t.db.user.has("roles").orderBy("id", "desc").pluck("email"))).toEqual({
        queries: 1,
        result: ["cy@example.dev", "bob@example.dev", "ada@example.dev"],
      });
    });

    it("cursor(): every batch filtered, an OR among the conditions kept inside the key bound", async () => {
      const names: string[] = [];
      const { queries } = await t.count(async () => {
        for await (const user of t.db.user.has("posts").orWhere("name", "Bob").cursor({ batchSize: 2 })) {
          names.push(user.name);
        }
      });
      expect(names).toEqual(["Ada", "Bob", "Cy", "Dee"]);
      expect(queries).toBe(3); // two full batches, then an empty one
    });

    it("paginate(): the total and the page, both filtered", async () => {
      const first = await t.count(() => t.db.user.has("posts").orderBy("id").paginate({ page: 1, perPage: 2 }));
      expect(first.queries).toBe(2);
      expect(first.result).toEqual({ data: [ada, cy], total: 3, page: 1, perPage: 2, lastPage: 2 });
      const second = await t.count(() => t.db.user.has("posts").orderBy("id").paginate({ page: 2, perPage: 2 }));
      expect(second.result).toEqual({ data: [dee], total: 3, page: 2, perPage: 2, lastPage: 2 });
    });
  });

  describe("errors before any SQL", () => {
    it("an unknown relation, or an unknown deep segment, lists the valid relations", async () => {
      const top = await rejects(() => t.db.user.has("nope" as never).get());
      expect(top).toBeInstanceOf(RelationNotFoundError);
      expect(top.model).toBe("user");
      expect(top.relation).toBe("nope");
      expect([...top.validRelations].sort()).toEqual(["country", "posts", "profile", "roles"]);
      expect(top.message).toContain("posts");
      const deep = await rejects(() => t.db.user.has("posts.nope" as never).get());
      expect(deep).toBeInstanceOf(RelationNotFoundError);
      expect(deep.model).toBe("post");
      expect(deep.relation).toBe("nope");
      expect([...deep.validRelations].sort()).toEqual(["author", "comments", "tags"]);
      for (const fn of [
        () => t.db.user.whereHas("nope" as never, (q: any) => q),
        () => t.db.user.doesntHave("posts.comments.nope" as never),
        () => t.db.user.orWhereDoesntHave("profile.nope" as never),
        () => t.db.user.whereRelation("nope" as never, "name" as never, "x" as never),
        () => t.db.comment.has("commentable.nope" as never),
        () => t.db.comment.whereHasMorph("nope" as never, "*"),
        () => t.db.comment.whereMorphedTo("nope" as never, p1),
        () => t.db.post.whereBelongsTo(ada, "nope" as never),
      ]) {
        expect(await rejects(fn)).toBeInstanceOf(RelationNotFoundError);
      }
    });

    it("an invalid count operator, a negative or fractional count", async () => {
      for (const [op, n] of [
        ["like", 1],
        ["in", 1],
        ["=>", 1],
        [">=", -1],
        [">=", 1.5],
        ["=", Number.NaN],
        ["<", "2"],
      ] as const) {
        const error = await rejects(() => t.db.user.has("posts", op as never, n as never).get());
        expect({ op, n, error: error instanceof ValidationError }).toEqual({ op, n, error: true });
      }
      expect(await rejects(() => t.db.user.whereHas("posts", (q) => q, "like" as never, 1))).toBeInstanceOf(
        ValidationError,
      );
    });

    it("a constraint on a morphTo through whereHas must use whereHasMorph", async () => {
      const error = await rejects(() => t.db.comment.whereHas("commentable", (q: any) => q.where("title", "P1")).get());
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toContain("whereHasMorph");
      expect(
        await rejects(() => t.db.comment.whereRelation("commentable", "title" as never, "P1" as never)),
      ).toBeInstanceOf(ValidationError);
    });

    it("whereRelation / whereHas with an unknown field of the related model", async () => {
      const error = await rejects(() => t.db.user.whereRelation("posts", "nope" as never, 1 as never).get());
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toContain("nope");
      expect(error.message).toContain("post");
      expect(
        await rejects(() => t.db.user.whereHas("posts", (q) => q.where("name" as never, "x" as never))),
      ).toBeInstanceOf(ValidationError);
      expect(await rejects(() => t.db.user.whereRelation("posts", "views", "abc" as never))).toBeInstanceOf(
        ValidationError,
      );
    });

    it("whereHasMorph: an unknown type, a relation that is not a morphTo", async () => {
      const unknown = await rejects(() => t.db.comment.whereHasMorph("commentable", ["podcast"] as never).get());
      expect(unknown).toBeInstanceOf(ValidationError);
      expect(unknown.message).toContain("podcast");
      expect(await rejects(() => t.db.comment.whereHasMorph("commentable", ["post", "user"] as never))).toBeInstanceOf(
        ValidationError,
      );
      expect(await rejects(() => t.db.post.whereHasMorph("comments" as never, ["comment"] as never))).toBeInstanceOf(
        ValidationError,
      );
      expect(
        await rejects(() => t.db.comment.whereDoesntHaveMorph("commentable", ["podcast"] as never)),
      ).toBeInstanceOf(ValidationError);
    });

    it("whereMorphedTo: a plain object without a model, a row of a model that is no target", async () => {
      const plain = await rejects(() => t.db.comment.whereMorphedTo("commentable", { ...p1 }).get());
      expect(plain).toBeInstanceOf(ValidationError);
      expect(plain.message).toContain("commentable");
      expect(await rejects(() => t.db.comment.whereMorphedTo("commentable", ada))).toBeInstanceOf(ValidationError);
      expect(await rejects(() => t.db.comment.whereMorphedTo("commentable", { id: 1 }, "user"))).toBeInstanceOf(
        ValidationError,
      );
      expect(await rejects(() => t.db.post.whereMorphedTo("author", ada))).toBeInstanceOf(ValidationError);
    });

    it("whereBelongsTo: a row of a model with no belongsTo to it, a row lacking the owner key, not a belongsTo", async () => {
      const wrongModel = await rejects(() => t.db.post.whereBelongsTo(uk).get());
      expect(wrongModel).toBeInstanceOf(ValidationError);
      const noKey = await rejects(() => t.db.post.whereBelongsTo({ name: "Ada" }, "author").get());
      expect(noKey).toBeInstanceOf(ValidationError);
      expect(noKey.message).toContain("id");
      expect(await rejects(() => t.db.post.whereBelongsTo([ada, { name: "x" }]))).toBeInstanceOf(ValidationError);
      // Issue 13: a relation that is not a belongsTo is a RelationNotFoundError (as Eloquent), and an
      // empty list a ValidationError (Eloquent throws too).
      expect(await rejects(() => t.db.user.whereBelongsTo(p1, "posts"))).toBeInstanceOf(RelationNotFoundError);
      expect(await rejects(() => t.db.post.whereBelongsTo([]))).toBeInstanceOf(ValidationError);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Custom string keys, the `where` option, morphOne with a morphMap, a join model, two belongsTo
// to one model, hasOneThrough / hasManyThrough, self-referencing relations
// ---------------------------------------------------------------------------------------------

const extra = defineSchema(
  {
    account: model({
      table: "accounts",
      fields: { id: id(), handle: string().unique(), name: string() },
      relations: {
        notes: hasMany("note", { foreignKey: "ownerHandle", localKey: "handle" }),
        publishedNotes: hasMany("note", { foreignKey: "ownerHandle", localKey: "handle", where: { published: true } }),
        setting: hasOne("setting", { foreignKey: "accountHandle", localKey: "handle" }),
        tickets: hasMany("ticket", { foreignKey: "accountRef" }),
        avatar: morphOne("image", { morphName: "imageable" }),
        sent: hasMany("message", { foreignKey: "senderId" }),
        received: hasMany("message", { foreignKey: "recipientId" }),
        courses: belongsToMany("course", { through: "enrollment", pivotFields: ["grade", "passed"] }),
        passedCourses: belongsToMany("course", {
          through: "enrollment",
          pivotFields: ["passed"],
          pivotWhere: { passed: true },
        }),
      },
    }),
    team: model({
      table: "teams",
      fields: { id: id(), name: string() },
      relations: { logo: morphOne("image", { morphName: "imageable" }) },
    }),
    image: model({
      table: "images",
      fields: { id: id(), url: string(), imageableType: string().nullable(), imageableId: integer().nullable() },
      relations: { imageable: morphTo() },
    }),
    attachment: model({
      table: "attachments",
      // A morphTo whose id column is a string(), pointing at integer ids.
      fields: { id: id(), file: string(), attachableType: string(), attachableId: string() },
      relations: { attachable: morphTo({ types: ["account", "team"] }) },
    }),
    note: model({
      table: "notes",
      fields: { id: id(), ownerHandle: string(), body: string(), published: boolean() },
      relations: { owner: belongsTo("account", { foreignKey: "ownerHandle", ownerKey: "handle" }) },
    }),
    setting: model({
      table: "settings",
      fields: { id: id(), accountHandle: string(), theme: string() },
      relations: { account: belongsTo("account", { foreignKey: "accountHandle", ownerKey: "handle" }) },
    }),
    ticket: model({
      table: "tickets",
      // A string key holding an integer id.
      fields: { id: id(), accountRef: string(), subject: string() },
      relations: { account: belongsTo("account", { foreignKey: "accountRef" }) },
    }),
    message: model({
      table: "messages",
      fields: { id: id(), senderId: integer(), recipientId: integer(), body: string() },
      relations: {
        sender: belongsTo("account", { foreignKey: "senderId" }),
        recipient: belongsTo("account", { foreignKey: "recipientId" }),
      },
    }),
    course: model({
      table: "courses",
      fields: { id: id(), title: string() },
      relations: { students: manyToMany("account", { through: "enrollment", from: "courseId", to: "accountId" }) },
    }),
    enrollment: model({
      table: "enrollments",
      fields: { id: id(), accountId: integer(), courseId: integer(), grade: integer().nullable(), passed: boolean() },
    }),
    category: model({
      table: "categories",
      fields: { id: id(), name: string(), parentId: integer().nullable().references("category.id") },
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
  { casing: "snake_case", morphMap: { account: "Account", team: "Team" } },
);

describe(`relation filters with custom keys, fixed wheres, join models, through and self-references on ${dialect}`, () => {
  const t = useTestDb(extra);
  const { rows, values, rejects } = helpers(t);
  let ada: any, bob: any, cy: any, dee: any;
  let core: any, ops: any;
  let n1: any, n2: any, n3: any;
  let m1: any, m2: any, m3: any;
  let img1: any, img2: any, img3: any, img4: any, img5: any;
  let rootA: any, rootB: any, a1: any, lone: any;

  beforeAll(async () => {
    const db = t.db;
    const account = (handle: string, name: string) => db.account.create({ handle, name });
    ada = await account("ada", "Ada");
    bob = await account("bob", "Bob");
    cy = await account("cy", "Cy");
    dee = await account("dee", "Dee");
    core = await db.team.create({ name: "Core" }); // the id of Ada
    ops = await db.team.create({ name: "Ops" }); // the id of Bob
    const image = (url: string, imageableType: string | null, imageableId: number | null) =>
      db.image.create({ url, imageableType, imageableId });
    img1 = await image("ada.png", "Account", ada.id);
    img2 = await image("core.png", "Team", core.id);
    img3 = await image("ops.png", "Team", ops.id); // Bob has no avatar, though Ops has his id
    img4 = await image("gone.png", "Account", 999);
    img5 = await image("none.png", null, null);
    await db.attachment.create({ file: "a.pdf", attachableType: "Account", attachableId: String(ada.id) });
    await db.attachment.create({ file: "b.pdf", attachableType: "Team", attachableId: String(ada.id) });
    await db.attachment.create({ file: "c.pdf", attachableType: "Account", attachableId: "999" });
    const note = (ownerHandle: string, body: string, published: boolean) =>
      db.note.create({ ownerHandle, body, published });
    n1 = await note("ada", "draft", false);
    n2 = await note("ada", "hello", true);
    n3 = await note("bob", "bob pub", true);
    await note("bob", "bob draft", false);
    await note("cy", "cy draft", false);
    await note("ghost", "orphan", true);
    await db.setting.create({ accountHandle: "ada", theme: "dark" });
    await db.setting.create({ accountHandle: "ghost", theme: "light" });
    await db.ticket.create({ accountRef: String(ada.id), subject: "login" });
    await db.ticket.create({ accountRef: String(cy.id), subject: "billing" });
    await db.ticket.create({ accountRef: "999", subject: "lost" });
    m1 = await db.message.create({ senderId: ada.id, recipientId: bob.id, body: "m1" });
    m2 = await db.message.create({ senderId: ada.id, recipientId: cy.id, body: "m2" });
    m3 = await db.message.create({ senderId: bob.id, recipientId: ada.id, body: "m3" });
    const math = await db.course.create({ title: "Math" });
    const art = await db.course.create({ title: "Art" });
    await db.course.create({ title: "Bio" });
    await db.enrollment.create({ accountId: ada.id, courseId: math.id, grade: 90, passed: true });
    await db.enrollment.create({ accountId: ada.id, courseId: art.id, grade: null, passed: false });
    await db.enrollment.create({ accountId: bob.id, courseId: math.id, grade: 70, passed: true });
    const category = (name: string, parentId: number | null) => db.category.create({ name, parentId });
    rootA = await category("Root A", null);
    rootB = await category("Root B", null);
    a1 = await category("A1", rootA.id);
    await category("A2", rootA.id);
    await category("A1x", a1.id);
    await category("B1", rootB.id);
    lone = await category("Lone", null);
    const member = (name: string) => db.member.create({ name });
    const [ann, ben, cat] = [await member("Ann"), await member("Ben"), await member("Cat")];
    await member("Dan");
    await db.kysely
      .insertInto("follows")
      .values([
        { follower_id: ann.id, followee_id: ben.id },
        { follower_id: ann.id, followee_id: cat.id },
        { follower_id: ben.id, followee_id: ann.id },
        { follower_id: cat.id, followee_id: ben.id },
      ])
      .execute();
    const mo = await db.mechanic.create({ name: "Mo" });
    const max = await db.mechanic.create({ name: "Max" });
    await db.mechanic.create({ name: "Min" });
    const mini = await db.car.create({ mechanicId: mo.id, label: "Mini" });
    const saab = await db.car.create({ mechanicId: mo.id, label: "Saab" });
    await db.car.create({ mechanicId: max.id, label: "Volvo" }); // a car without an owner
    await db.owner.create({ carId: saab.id, name: "Olly" });
    await db.owner.create({ carId: mini.id, name: "Oz" });
    await db.region.create({ code: "N", name: "North" });
    await db.region.create({ code: "S", name: "South" });
    await db.region.create({ code: "E", name: "East" });
    await db.shop.create({ ref: "shop-a", regionCode: "N", name: "A" });
    await db.shop.create({ ref: "shop-b", regionCode: "N", name: "B" });
    await db.shop.create({ ref: "shop-c", regionCode: "S", name: "C" });
    await db.sale.create({ shopRef: "shop-b", amount: 5, channel: "online" });
    await db.sale.create({ shopRef: "shop-a", amount: 7, channel: "store" });
    await db.sale.create({ shopRef: "shop-c", amount: 9, channel: "store" });
  });

  it("the seeded ids line up: team n has the id of account n", () => {
    expect([core.id, ops.id]).toEqual([ada.id, bob.id]);
  });

  it("hasMany / hasOne / belongsTo on custom string keys", async () => {
    expect(await rows(t.db.account.has("notes").orderBy("id"))).toEqual([ada, bob, cy]);
    expect(await values(t.db.account.has("notes", ">=", 2))).toEqual(["Ada", "Bob"]);
    expect(await rows(t.db.account.doesntHave("notes").orderBy("id"))).toEqual([dee]);
    expect(await values(t.db.account.whereHas("notes", (q) => q.where("body", "like", "% draft")))).toEqual([
      "Bob",
      "Cy",
    ]);
    expect(await values(t.db.account.has("setting"))).toEqual(["Ada"]);
    expect(await values(t.db.setting.has("account"), "theme")).toEqual(["dark"]);
    expect(await values(t.db.setting.doesntHave("account"), "theme")).toEqual(["light"]);
    expect(await values(t.db.note.has("owner"), "body")).toEqual([
      "draft",
      "hello",
      "bob pub",
      "bob draft",
      "cy draft",
    ]);
    expect(
      await values(
        t.db.note.whereHas("owner", (q) => q.has("setting")),
        "body",
      ),
    ).toEqual(["draft", "hello"]);
    expect(await values(t.db.note.doesntHave("owner"), "body")).toEqual(["orphan"]);
  });

  it("keys of different types: a string() key holding integer ids", async () => {
    expect(await values(t.db.account.has("tickets"))).toEqual(["Ada", "Cy"]);
    expect(await values(t.db.ticket.has("account"), "subject")).toEqual(["login", "billing"]);
    expect(await values(t.db.ticket.doesntHave("account"), "subject")).toEqual(["lost"]);
  });

  it("whereBelongsTo on a custom owner key, and on a string() key holding integer ids", async () => {
    expect(await rows(t.db.note.whereBelongsTo(ada).orderBy("id"))).toEqual([n1, n2]);
    expect(await rows(t.db.note.whereBelongsTo(bob).where("published", true).orderBy("id"))).toEqual([n3]);
    expect(await values(t.db.note.whereBelongsTo([bob, cy]), "body")).toEqual(["bob pub", "bob draft", "cy draft"]);
    // The key is bound as the foreign key's type ("1"), as eager loading does.
    expect(await values(t.db.ticket.whereBelongsTo(cy), "subject")).toEqual(["billing"]);
  });

  it("a relation with a fixed where option, with an OR chain in the constraint", async () => {
    expect(await values(t.db.account.has("publishedNotes"))).toEqual(["Ada", "Bob"]);
    expect(await values(t.db.account.doesntHave("publishedNotes"))).toEqual(["Cy", "Dee"]);
    expect(await values(t.db.account.has("publishedNotes", ">=", 2))).toEqual([]);
    // Ada's "draft" is unpublished: the fixed filter applies to both branches of the OR.
    expect(
      await values(t.db.account.whereHas("publishedNotes", (q) => q.where("body", "bob pub").orWhere("body", "draft"))),
    ).toEqual(["Bob"]);
    expect(await values(t.db.account.whereRelation("publishedNotes", "body", "draft"))).toEqual([]);
  });

  it("morphOne with a morphMap: the alias in the type column is matched", async () => {
    expect(await values(t.db.account.has("avatar"))).toEqual(["Ada"]);
    expect(await values(t.db.account.doesntHave("avatar"))).toEqual(["Bob", "Cy", "Dee"]);
    expect(await values(t.db.team.has("logo"))).toEqual(["Core", "Ops"]);
    expect(await values(t.db.team.whereHas("logo", (q) => q.where("url", "ops.png")))).toEqual(["Ops"]);
  });

  it("morphTo with a morphMap, and with null type and id", async () => {
    expect(await rows(t.db.image.has("imageable").orderBy("id"))).toEqual([img1, img2, img3]);
    expect(await rows(t.db.image.doesntHave("imageable").orderBy("id"))).toEqual([img4, img5]);
    expect(await values(t.db.image.whereHasMorph("imageable", ["account"]), "url")).toEqual(["ada.png"]);
    expect(
      await values(
        t.db.image.whereHasMorph("imageable", ["team"], (q: any) => q.where("name", "Ops")),
        "url",
      ),
    ).toEqual(["ops.png"]);
    expect(
      await values(
        t.db.image.whereHasMorph("imageable", "*", (q: any, type: string) =>
          type === "account" ? q.where("handle", "ada") : q.where("name", "Core"),
        ),
        "url",
      ),
    ).toEqual(["ada.png", "core.png"]);
    // The type must be a model name, not its alias.
    expect(await rejects(() => t.db.image.whereHasMorph("imageable", ["Account"] as never))).toBeInstanceOf(
      ValidationError,
    );
  });

  it("whereMorphedTo with a morphMap: inferred model, explicit model, null", async () => {
    expect(await rows(t.db.image.whereMorphedTo("imageable", ada).orderBy("id"))).toEqual([img1]);
    // Core has Ada's id.
    expect(await rows(t.db.image.whereMorphedTo("imageable", core).orderBy("id"))).toEqual([img2]);
    expect(await rows(t.db.image.whereMorphedTo("imageable", { id: ops.id }, "team").orderBy("id"))).toEqual([img3]);
    expect(await rows(t.db.image.whereMorphedTo("imageable", { id: ops.id }, "account").orderBy("id"))).toEqual([]);
    // null: the morphTo points nowhere.
    expect(await rows(t.db.image.whereMorphedTo("imageable", null).orderBy("id"))).toEqual([img5]);
    expect(
      await rows(
        t.db.image
          .whereMorphedTo("imageable", null)
          .orWhere((q) => q.whereMorphedTo("imageable", ada))
          .orderBy("id"),
      ),
    ).toEqual([img1, img5]);
    const error = await rejects(() => t.db.image.whereMorphedTo("imageable", { id: ada.id }).get());
    expect(error).toBeInstanceOf(ValidationError);
  });

  it("a morphTo with a string() id column: has, whereHasMorph, whereMorphedTo", async () => {
    expect(await values(t.db.attachment.has("attachable"), "file")).toEqual(["a.pdf", "b.pdf"]);
    expect(await values(t.db.attachment.doesntHave("attachable"), "file")).toEqual(["c.pdf"]);
    expect(
      await values(
        t.db.attachment.whereHasMorph("attachable", ["team"], (q: any) => q.where("name", "Core")),
        "file",
      ),
    ).toEqual(["b.pdf"]);
    // The row's integer id is compared as the id column's type ("1"), as the subqueries do.
    expect(await values(t.db.attachment.whereMorphedTo("attachable", ada), "file")).toEqual(["a.pdf"]);
    expect(await values(t.db.attachment.whereMorphedTo("attachable", { id: core.id }, "team"), "file")).toEqual([
      "b.pdf",
    ]);
  });

  it("whereBelongsTo with two belongsTo relations to one model: named, or ambiguous", async () => {
    expect(await rows(t.db.message.whereBelongsTo(ada, "sender").orderBy("id"))).toEqual([m1, m2]);
    expect(await rows(t.db.message.whereBelongsTo(ada, "recipient").orderBy("id"))).toEqual([m3]);
    expect(await values(t.db.message.whereBelongsTo([ada, bob], "sender"), "body")).toEqual(["m1", "m2", "m3"]);
    const ambiguous = await rejects(() => t.db.message.whereBelongsTo(ada).get());
    expect(ambiguous).toBeInstanceOf(ValidationError);
    expect(ambiguous.message).toContain("sender");
    expect(ambiguous.message).toContain("recipient");
    expect(await rejects(() => t.db.message.whereBelongsTo({ id: ada.id }))).toBeInstanceOf(ValidationError);
    // A custom owner key missing from the row.
    const noKey = await rejects(() => t.db.note.whereBelongsTo({ id: ada.id }, "owner").get());
    expect(noKey).toBeInstanceOf(ValidationError);
    expect(noKey.message).toContain("handle");
    // Two belongsTo relations to one model: the parents on either side.
    expect(await values(t.db.account.has("sent"))).toEqual(["Ada", "Bob"]);
    expect(await values(t.db.account.has("received").doesntHave("sent"))).toEqual(["Cy"]);
  });

  it("belongsToMany through a join model: has, counts, wherePivot, pivotWhere", async () => {
    expect(await values(t.db.account.has("courses"))).toEqual(["Ada", "Bob"]);
    expect(await values(t.db.account.has("courses", ">=", 2))).toEqual(["Ada"]);
    expect(await values(t.db.account.doesntHave("courses"))).toEqual(["Cy", "Dee"]);
    expect(await values(t.db.account.whereHas("courses", (q) => q.wherePivot("passed", false)))).toEqual(["Ada"]);
    expect(await values(t.db.account.whereHas("courses", (q) => q.wherePivot("grade", ">=", 80)))).toEqual(["Ada"]);
    expect(await values(t.db.account.whereHas("courses", (q) => q.where("title", "Math"), "=", 1))).toEqual([
      "Ada",
      "Bob",
    ]);
    expect(await values(t.db.account.has("passedCourses"))).toEqual(["Ada", "Bob"]);
    expect(await values(t.db.account.whereHas("passedCourses", (q) => q.where("title", "Art")))).toEqual([]);
    expect(await values(t.db.course.has("students", ">=", 2), "title")).toEqual(["Math"]);
    expect(await values(t.db.course.doesntHave("students"), "title")).toEqual(["Bio"]);
    expect(
      await values(
        t.db.course.whereHas("students", (q) => q.has("avatar")),
        "title",
      ),
    ).toEqual(["Math", "Art"]);
  });

  it("hasOneThrough and hasManyThrough (conventional and custom string keys)", async () => {
    expect(await values(t.db.mechanic.has("carOwner"))).toEqual(["Mo"]);
    expect(await values(t.db.mechanic.doesntHave("carOwner"))).toEqual(["Max", "Min"]);
    expect(await values(t.db.mechanic.has("carOwners", ">=", 2))).toEqual(["Mo"]);
    expect(await values(t.db.mechanic.whereHas("carOwners", (q) => q.where("name", "Oz")))).toEqual(["Mo"]);
    expect(await values(t.db.mechanic.whereHas("carOwner", (q) => q.where("name", "Nobody")))).toEqual([]);
    expect(await values(t.db.region.has("sales"))).toEqual(["North", "South"]);
    expect(await values(t.db.region.has("sales", ">=", 2))).toEqual(["North"]);
    expect(await values(t.db.region.doesntHave("sales"))).toEqual(["East"]);
    expect(await values(t.db.region.has("onlineSales"))).toEqual(["North"]);
    expect(await values(t.db.region.whereHas("sales", (q) => q.where("amount", ">", 6)))).toEqual(["North", "South"]);
    expect(await values(t.db.region.whereHas("onlineSales", (q) => q.where("amount", 9).orWhere("amount", 7)))).toEqual(
      [],
    );
  });

  it("self-referencing: categories having children, having no parent, nested", async () => {
    expect(await values(t.db.category.has("children"))).toEqual(["Root A", "Root B", "A1"]);
    expect(await values(t.db.category.doesntHave("children"))).toEqual(["A2", "A1x", "B1", "Lone"]);
    expect(await rows(t.db.category.doesntHave("parent").orderBy("id"))).toEqual([rootA, rootB, lone]);
    expect(await values(t.db.category.has("children", ">=", 2))).toEqual(["Root A"]);
    expect(await values(t.db.category.has("children.children"))).toEqual(["Root A"]);
    expect(await values(t.db.category.has("parent.parent"))).toEqual(["A1x"]);
    expect(await values(t.db.category.whereHas("children", (q) => q.where("name", "A1x")))).toEqual(["A1"]);
    expect(await values(t.db.category.whereHas("parent", (q) => q.doesntHave("parent")))).toEqual(["A1", "A2", "B1"]);
    expect(
      await values(t.db.category.whereHas("children", (q) => q.whereHas("children", (c) => c.where("name", "A1x")))),
    ).toEqual(["Root A"]);
    expect(await values(t.db.category.doesntHave("parent").doesntHave("children"))).toEqual(["Lone"]);
  });

  it("self-referencing many-to-many: followers and following through one pivot", async () => {
    expect(await values(t.db.member.has("followers"))).toEqual(["Ann", "Ben", "Cat"]);
    expect(await values(t.db.member.doesntHave("followers"))).toEqual(["Dan"]);
    expect(await values(t.db.member.has("following", ">=", 2))).toEqual(["Ann"]);
    expect(await values(t.db.member.has("followers", ">=", 2))).toEqual(["Ben"]);
    expect(await values(t.db.member.whereHas("following", (q) => q.where("name", "Ben")))).toEqual(["Ann", "Cat"]);
    expect(await values(t.db.member.whereHas("followers", (q) => q.has("followers", ">=", 2)))).toEqual(["Ann"]);
    expect(await values(t.db.member.whereHas("following.following", (q) => q.where("name", "Cat")))).toEqual(["Ben"]);
    // Five levels: the subquery aliases outgrow identifier limits and are shortened (hashed).
    expect(await values(t.db.member.has("followers.followers.followers.followers.followers" as never))).toEqual([
      "Ann",
      "Ben",
      "Cat",
    ]);
    expect(await values(t.db.member.doesntHave("following.following.following.following.following" as never))).toEqual([
      "Dan",
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// update() and delete() with relation filters
// ---------------------------------------------------------------------------------------------

describe(`relation filters with update() and delete() on ${dialect}`, () => {
  const t = useTestDb(blog);

  async function seed() {
    await t.truncate();
    const db = t.db;
    const user = (name: string) => db.user.create({ email: `${name.toLowerCase()}@example.dev`, name });
    const [ann, ben, cat, dan] = [await user("Ann"), await user("Ben"), await user("Cat"), await user("Dan")];
    await db.post.create({ authorId: ann.id, title: "A1", published: true });
    await db.post.create({ authorId: ann.id, title: "A2", published: false });
    await db.post.create({ authorId: cat.id, title: "C1", published: false });
    return { ann, ben, cat, dan };
  }

  it("doesntHave(...).delete() deletes exactly those rows", async () => {
    const { ann, cat } = await seed();
    const { queries, result } = await t.count(() => t.db.user.doesntHave("posts").delete());
    expect({ queries, result }).toEqual({ queries: 1, result: 2 });
    expect(await t.db.user.orderBy("id").pluck("id")).toEqual([ann.id, cat.id]);
    expect(await t.db.post.count()).toBe(3);
  });

  it("whereHas(...).update() updates exactly those rows", async () => {
    const { ann, ben, cat, dan } = await seed();
    const { queries, result } = await t.count(() =>
      t.db.user.whereHas("posts", (q) => q.where("published", false)).update({ active: false }),
    );
    expect({ queries, result }).toEqual({ queries: 1, result: 2 });
    expect(await t.db.user.orderBy("id").get()).toEqual([
      { ...ann, active: false },
      ben,
      { ...cat, active: false },
      dan,
    ]);
    const counted = await t.count(() => t.db.user.has("posts", ">=", 2).orWhere("name", "Dan").update({ age: 40 }));
    expect(counted).toEqual({ queries: 1, result: 2 });
    expect(await t.db.user.where("age", 40).orderBy("id").pluck("name")).toEqual(["Ann", "Dan"]);
  });

  it("a filtered, ordered and limited delete", async () => {
    const { ann, ben, cat } = await seed();
    const { queries, result } = await t.count(() =>
      t.db.user.doesntHave("posts").orderBy("id", "desc").limit(1).delete(),
    );
    expect({ queries, result }).toEqual({ queries: 1, result: 1 });
    expect(await t.db.user.orderBy("id").pluck("id")).toEqual([ann.id, ben.id, cat.id]);
  });

  it("a filter whose subquery reads the table being written (posts of authors with 2+ posts)", async () => {
    await seed();
    const updated = await t.count(() =>
      t.db.post.whereHas("author", (q) => q.has("posts", ">=", 2)).update({ views: 9 }),
    );
    expect(updated).toEqual({ queries: 1, result: 2 });
    expect(await t.db.post.where("views", 9).orderBy("id").pluck("title")).toEqual(["A1", "A2"]);
    const deleted = await t.count(() => t.db.post.whereHas("author", (q) => q.has("posts", "=", 1)).delete());
    // Deleting posts: begin, their rows in the polymorphic taggables pivot, the posts, commit.
    expect(deleted).toEqual({ queries: 4, result: 1 });
    expect(await t.db.post.orderBy("id").pluck("title")).toEqual(["A1", "A2"]);
  });

  it("deleting posts through a nested filter on their author", async () => {
    await seed();
    const { queries, result } = await t.count(() =>
      t.db.post.whereHas("author", (q) => q.where("name", "Ann")).delete(),
    );
    expect({ queries, result }).toEqual({ queries: 4, result: 2 }); // with the taggables cleanup
    expect(await t.db.post.pluck("title")).toEqual(["C1"]);
  });
});

describe(`relation filters with writes on a self-referencing table on ${dialect}`, () => {
  const t = useTestDb(extra);

  it("doesntHave(children).delete() and has(children).update() on the table the subquery reads", async () => {
    const db = t.db;
    const root = await db.category.create({ name: "Root", parentId: null });
    const mid = await db.category.create({ name: "Mid", parentId: root.id });
    await db.category.create({ name: "Leaf 1", parentId: mid.id });
    await db.category.create({ name: "Leaf 2", parentId: mid.id });
    const lone = await db.category.create({ name: "Lone", parentId: null });
    const updated = await t.count(() => db.category.has("children").update({ name: "Branch" }));
    expect(updated).toEqual({ queries: 1, result: 2 });
    const deleted = await t.count(() => db.category.doesntHave("children").delete());
    expect(deleted).toEqual({ queries: 1, result: 3 });
    expect(await db.category.orderBy("id").get()).toEqual([
      { ...root, name: "Branch" },
      { ...mid, name: "Branch" },
    ]);
    expect(lone.id).toBeGreaterThan(0);
  });
});
