import { beforeAll, describe, expect, it } from "vitest";
import {
  belongsTo,
  belongsToMany,
  bigint,
  boolean,
  date,
  defineSchema,
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
  string,
  timestamp,
} from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { caught } from "../support/caught.js";
import { dialect, eagerQueries, useTestDb } from "../support/test-db.js";

/**
 * Every relation kind eager loaded through `db.<model>.with(...)`: exact nested values and
 * exactly one statement for the parents plus one per relation level (morphTo: one per type)
 * with the "query" strategy, one statement in all with "join" (counts go through `eagerQueries`).
 * Results are read loosely typed (`any`): the static result types are tested elsewhere.
 */

/** A timestamp for a raw pivot insert: SQLite keeps ISO text (as relata writes it), the servers take a Date. */
const stamp = (iso: string) => (dialect === "sqlite" ? iso : new Date(iso));

const T1 = "2024-01-01T10:00:00.000Z";
const T2 = "2024-02-01T11:30:00.500Z";
const T3 = "2024-03-01T23:59:59.999Z";

// ---------------------------------------------------------------------------------------------
// The blog fixture: default keys, a bare pivot with fields and timestamps, polymorphism, through
// ---------------------------------------------------------------------------------------------

describe(`eager loading the blog on ${dialect}`, () => {
  const t = useTestDb(blog);
  let uk: any, fr: any, de: any;
  let ada: any, bob: any, cy: any, dee: any;
  let adaProfile: any, cyProfile: any;
  let p1: any, p2: any, p3: any, p4: any;
  let v1: any, v2: any, v3: any;
  let c1: any, c2: any, c3: any, c4: any, c5: any;
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
    adaProfile = await db.profile.create({ userId: ada.id, bio: "Ada's bio" });
    cyProfile = await db.profile.create({ userId: cy.id, bio: "Cy's bio" });
    p1 = await db.post.create({ authorId: ada.id, title: "Ada 1", published: true });
    p2 = await db.post.create({ authorId: ada.id, title: "Ada 2", published: false });
    p3 = await db.post.create({ authorId: cy.id, title: "Cy 1", published: true });
    p4 = await db.post.create({ authorId: dee.id, title: "Dee 1", published: true });
    v1 = await db.video.create({ title: "Clip 1" });
    v2 = await db.video.create({ title: "Clip 2" });
    v3 = await db.video.create({ title: "Clip 3" });
    const comment = (body: string, commentableType: string, commentableId: number) =>
      db.comment.create({ body, commentableType, commentableId });
    c1 = await comment("P1 first", "post", p1.id);
    c2 = await comment("V1 first", "video", v1.id);
    c3 = await comment("P1 second", "post", p1.id);
    c4 = await comment("P3 first", "post", p3.id);
    c5 = await comment("V2 first", "video", v2.id);
    admin = await db.role.create({ name: "admin" });
    editor = await db.role.create({ name: "editor" });
    viewer = await db.role.create({ name: "viewer" });
    await db.kysely
      .insertInto("role_user")
      .values([
        { user_id: ada.id, role_id: admin.id, granted_by: "root", created_at: stamp(T1), updated_at: stamp(T1) },
        { user_id: ada.id, role_id: editor.id, granted_by: "cy", created_at: stamp(T2), updated_at: stamp(T3) },
        { user_id: bob.id, role_id: editor.id, granted_by: "root", created_at: stamp(T3), updated_at: stamp(T3) },
        { user_id: cy.id, role_id: viewer.id, granted_by: null, created_at: null, updated_at: null },
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
        // Video 1 has the same id as post 1: its tags must never show up on the post.
        { tag_id: js.id, taggable_id: v1.id, taggable_type: "video" },
        { tag_id: news.id, taggable_id: v1.id, taggable_type: "video" },
      ])
      .execute();
  });

  describe("hasOne / hasMany / belongsTo with default keys", () => {
    it("hasOne gives the related row or null", async () => {
      const { queries, result } = await t.count(() => t.db.user.with("profile").orderBy("id").get());
      expect(queries).toBe(eagerQueries(2));
      expect(result).toEqual([
        { ...ada, profile: adaProfile },
        { ...bob, profile: null },
        { ...cy, profile: cyProfile },
        { ...dee, profile: null },
      ]);
    });

    it("a to-one relation is the first row of its constraint's window: limit(0) gives null", async () => {
      const none = await t.db.user
        .with("profile", (q) => q.limit(0))
        .orderBy("id")
        .get();
      expect(none.map((u: any) => u.profile)).toEqual([null, null, null, null]);
      const authors = await t.db.post
        .with("author", (q) => q.limit(0))
        .orderBy("id")
        .get();
      expect(authors.map((p: any) => p.author)).toEqual([null, null, null, null]);
      const skipped = await t.db.user
        .with("posts", (q) => q.orderBy("id").offset(1).limit(1))
        .orderBy("id")
        .get();
      expect(skipped.map((u: any) => u.posts)).toEqual([[p2], [], [], []]);
    });

    it("hasMany gives an array in primary key order, [] when none", async () => {
      const { queries, result } = await t.count(() => t.db.user.with("posts").orderBy("id").get());
      expect(queries).toBe(eagerQueries(2));
      expect(result).toEqual([
        { ...ada, posts: [p1, p2] },
        { ...bob, posts: [] },
        { ...cy, posts: [p3] },
        { ...dee, posts: [p4] },
      ]);
    });

    it("belongsTo gives the owner or null (conventional and explicit foreign keys)", async () => {
      const users = await t.count(() => t.db.user.with("country").orderBy("id").get());
      expect(users.queries).toBe(eagerQueries(2));
      expect(users.result).toEqual([
        { ...ada, country: uk },
        { ...bob, country: uk },
        { ...cy, country: fr },
        { ...dee, country: null },
      ]);
      const posts = await t.count(() => t.db.post.with("author").orderBy("id").get());
      expect(posts.queries).toBe(eagerQueries(2));
      expect(posts.result).toEqual([
        { ...p1, author: ada },
        { ...p2, author: ada },
        { ...p3, author: cy },
        { ...p4, author: dee },
      ]);
    });

    it("several relations and nested levels: one query each", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user.with("posts.comments", "profile", "country").orderBy("id").get(),
      );
      expect(queries).toBe(eagerQueries(5));
      expect(result).toEqual([
        {
          ...ada,
          posts: [
            { ...p1, comments: [c1, c3] },
            { ...p2, comments: [] },
          ],
          profile: adaProfile,
          country: uk,
        },
        { ...bob, posts: [], profile: null, country: uk },
        { ...cy, posts: [{ ...p3, comments: [c4] }], profile: cyProfile, country: fr },
        { ...dee, posts: [{ ...p4, comments: [] }], profile: null, country: null },
      ]);
    });

    it("an empty parent set costs no query for any relation", async () => {
      for (const [name, meta] of blog.meta.models) {
        const relations = [...meta.relations.keys()];
        if (relations.length === 0 || name === "token") continue;
        const { queries, result } = await t.count(() =>
          (t.db as any)[name]
            .where("id", -1)
            .with(...relations)
            .get(),
        );
        expect({ name, queries, result }).toEqual({ name, queries: eagerQueries(1), result: [] });
      }
    });
  });

  describe("belongsToMany through a bare pivot table", () => {
    const pivot = (userId: number, roleId: number, grantedBy: string | null, created?: string, updated?: string) => ({
      userId,
      roleId,
      grantedBy,
      createdAt: created ? new Date(created) : null,
      updatedAt: updated ? new Date(updated) : null,
    });

    it("related rows carry row.pivot: both keys, the pivot fields and the timestamps", async () => {
      const { queries, result } = await t.count(() => t.db.user.with("roles").orderBy("id").get());
      expect(queries).toBe(eagerQueries(2));
      expect(result).toEqual([
        {
          ...ada,
          roles: [
            { ...admin, pivot: pivot(ada.id, admin.id, "root", T1, T1) },
            { ...editor, pivot: pivot(ada.id, editor.id, "cy", T2, T3) },
          ],
        },
        { ...bob, roles: [{ ...editor, pivot: pivot(bob.id, editor.id, "root", T3, T3) }] },
        { ...cy, roles: [{ ...viewer, pivot: pivot(cy.id, viewer.id, null) }] },
        { ...dee, roles: [] },
      ]);
      expect((result as any[])[0].roles[0].pivot.createdAt).toBeInstanceOf(Date);
    });

    it("the same pivot from the other side", async () => {
      const { queries, result } = await t.count(() => t.db.role.with("users").orderBy("id").get());
      expect(queries).toBe(eagerQueries(2));
      expect(result).toEqual([
        { ...admin, users: [{ ...ada, pivot: { roleId: admin.id, userId: ada.id } }] },
        {
          ...editor,
          users: [
            { ...ada, pivot: { roleId: editor.id, userId: ada.id } },
            { ...bob, pivot: { roleId: editor.id, userId: bob.id } },
          ],
        },
        { ...viewer, users: [{ ...cy, pivot: { roleId: viewer.id, userId: cy.id } }] },
      ]);
    });

    it("wherePivot / wherePivotIn inside the constraint filter on the pivot row", async () => {
      const root = await t.count(() =>
        t.db.user
          .with("roles", (q: any) => q.wherePivot("grantedBy", "root"))
          .orderBy("id")
          .get(),
      );
      expect(root.queries).toBe(eagerQueries(2));
      expect(root.result.map((u: any) => [u.name, u.roles])).toEqual([
        ["Ada", [{ ...admin, pivot: pivot(ada.id, admin.id, "root", T1, T1) }]],
        ["Bob", [{ ...editor, pivot: pivot(bob.id, editor.id, "root", T3, T3) }]],
        ["Cy", []],
        ["Dee", []],
      ]);

      const byCy = await t.count(() =>
        t.db.user
          .with("roles", (q: any) => q.wherePivotIn("grantedBy", ["cy", "nobody"]))
          .orderBy("id")
          .get(),
      );
      expect(byCy.queries).toBe(eagerQueries(2));
      expect(byCy.result.map((u: any) => [u.name, u.roles])).toEqual([
        ["Ada", [{ ...editor, pivot: pivot(ada.id, editor.id, "cy", T2, T3) }]],
        ["Bob", []],
        ["Cy", []],
        ["Dee", []],
      ]);

      // A pivot timestamp compared with an operator, ANDed with a condition on the related row.
      const recent = await t.count(() =>
        t.db.user
          .with("roles", (q: any) => q.wherePivot("createdAt", ">=", new Date(T2)).where("name", "!=", "admin"))
          .orderBy("id")
          .get(),
      );
      expect(recent.queries).toBe(eagerQueries(2));
      expect(recent.result.map((u: any) => [u.name, u.roles.map((r: any) => r.name)])).toEqual([
        ["Ada", ["editor"]],
        ["Bob", ["editor"]],
        ["Cy", []],
        ["Dee", []],
      ]);
    });
  });

  it("a related row shared by several parents gets its nested relations under each of them", async () => {
    const { queries, result } = await t.count(() => t.db.user.with("roles.users").orderBy("id").get());
    expect(queries).toBe(eagerQueries(3));
    const editorWithUsers = {
      ...editor,
      users: [
        { ...ada, pivot: { roleId: editor.id, userId: ada.id } },
        { ...bob, pivot: { roleId: editor.id, userId: bob.id } },
      ],
    };
    expect(result.map((u: any) => [u.name, u.roles.map(({ pivot: _, ...role }: any) => role)])).toEqual([
      ["Ada", [{ ...admin, users: [{ ...ada, pivot: { roleId: admin.id, userId: ada.id } }] }, editorWithUsers]],
      ["Bob", [editorWithUsers]],
      ["Cy", [{ ...viewer, users: [{ ...cy, pivot: { roleId: viewer.id, userId: cy.id } }] }]],
      ["Dee", []],
    ]);
  });

  describe("morphOne / morphMany / morphTo", () => {
    it("morphMany matches the type column: a post's and a video's comments do not mix with equal ids", async () => {
      expect(v1.id).toBe(p1.id); // the premise: equal ids on both sides
      expect(v2.id).toBe(p2.id);
      const posts = await t.count(() => t.db.post.with("comments").orderBy("id").get());
      expect(posts.queries).toBe(eagerQueries(2));
      expect(posts.result).toEqual([
        { ...p1, comments: [c1, c3] },
        { ...p2, comments: [] },
        { ...p3, comments: [c4] },
        { ...p4, comments: [] },
      ]);
      const videos = await t.count(() => t.db.video.with("comments").orderBy("id").get());
      expect(videos.queries).toBe(eagerQueries(2));
      expect(videos.result).toEqual([
        { ...v1, comments: [c2] },
        { ...v2, comments: [c5] },
        { ...v3, comments: [] },
      ]);
    });

    it("morphTo loads every target type, one query per type present", async () => {
      const both = await t.count(() => t.db.comment.with("commentable").orderBy("id").get());
      expect(both.queries).toBe(eagerQueries(3));
      expect(both.result).toEqual([
        { ...c1, commentable: p1 },
        { ...c2, commentable: v1 },
        { ...c3, commentable: p1 },
        { ...c4, commentable: p3 },
        { ...c5, commentable: v2 },
      ]);

      const videosOnly = await t.count(() =>
        t.db.comment.where("commentableType", "video").with("commentable").orderBy("id").get(),
      );
      expect(videosOnly.queries).toBe(eagerQueries(2));
      expect(videosOnly.result).toEqual([
        { ...c2, commentable: v1 },
        { ...c5, commentable: v2 },
      ]);

      const none = await t.count(() => t.db.comment.where("body", "no such comment").with("commentable").get());
      expect(none.queries).toBe(eagerQueries(1));
      expect(none.result).toEqual([]);
    });

    it("morphTo nests below each target type, skipping types that lack the relation", async () => {
      const comments = await t.count(() => t.db.comment.with("commentable.comments").orderBy("id").get());
      expect(comments.queries).toBe(eagerQueries(5)); // query: comments, posts, videos, posts' comments, videos' comments
      expect(comments.result).toEqual([
        { ...c1, commentable: { ...p1, comments: [c1, c3] } },
        { ...c2, commentable: { ...v1, comments: [c2] } },
        { ...c3, commentable: { ...p1, comments: [c1, c3] } },
        { ...c4, commentable: { ...p3, comments: [c4] } },
        { ...c5, commentable: { ...v2, comments: [c5] } },
      ]);

      // A relation only some targets have is loaded per type (issue 13: a bare "commentable.author"
      // is now a RelationNotFoundError, since videos have no author).
      const authors = await t.count(() =>
        t.db.comment
          .with("commentable", (q) => q.morphWith({ post: ["author"] }))
          .orderBy("id")
          .get(),
      );
      expect(authors.queries).toBe(eagerQueries(4)); // query: comments, posts, videos, posts' authors
      expect(authors.result).toEqual([
        { ...c1, commentable: { ...p1, author: ada } },
        { ...c2, commentable: v1 },
        { ...c3, commentable: { ...p1, author: ada } },
        { ...c4, commentable: { ...p3, author: cy } },
        { ...c5, commentable: v2 },
      ]);
      expect("author" in (authors.result as any[])[1].commentable).toBe(false);
    });

    it("morphTo on a row whose type is not a target throws a RelataError naming the relation and the types", async () => {
      const stray = await t.db.comment.create({ body: "?", commentableType: "podcast", commentableId: p1.id });
      try {
        const error = await caught(() => t.db.comment.whereIn("id", [c1.id, stray.id]).with("commentable").get());
        expect(error).toBeInstanceOf(RelataError);
        const message = (error as Error).message;
        expect(message).toContain("comment.commentable");
        expect(message).toContain('"podcast"');
        expect(message).toContain("post");
        expect(message).toContain("video");
      } finally {
        await t.db.comment.where("id", stray.id).delete();
      }
    });
  });

  describe("morphToMany / morphedByMany through taggables", () => {
    it("a post's and a video's tags, with the pivot, never mixing types", async () => {
      const posts = await t.count(() => t.db.post.with("tags").orderBy("id").get());
      expect(posts.queries).toBe(eagerQueries(2));
      expect(posts.result).toEqual([
        {
          ...p1,
          tags: [
            { ...js, pivot: { taggableId: p1.id, tagId: js.id } },
            { ...sqlTag, pivot: { taggableId: p1.id, tagId: sqlTag.id } },
          ],
        },
        { ...p2, tags: [] },
        { ...p3, tags: [{ ...sqlTag, pivot: { taggableId: p3.id, tagId: sqlTag.id } }] },
        { ...p4, tags: [] },
      ]);
      const videos = await t.count(() => t.db.video.with("tags").orderBy("id").get());
      expect(videos.queries).toBe(eagerQueries(2));
      expect(videos.result).toEqual([
        {
          ...v1,
          tags: [
            { ...js, pivot: { taggableId: v1.id, tagId: js.id } },
            { ...news, pivot: { taggableId: v1.id, tagId: news.id } },
          ],
        },
        { ...v2, tags: [] },
        { ...v3, tags: [] },
      ]);
    });

    it("a tag's posts and videos (morphedByMany)", async () => {
      const { queries, result } = await t.count(() => t.db.tag.with("posts", "videos").orderBy("id").get());
      expect(queries).toBe(eagerQueries(3));
      expect(result).toEqual([
        {
          ...js,
          posts: [{ ...p1, pivot: { tagId: js.id, taggableId: p1.id } }],
          videos: [{ ...v1, pivot: { tagId: js.id, taggableId: v1.id } }],
        },
        {
          ...sqlTag,
          posts: [
            { ...p1, pivot: { tagId: sqlTag.id, taggableId: p1.id } },
            { ...p3, pivot: { tagId: sqlTag.id, taggableId: p3.id } },
          ],
          videos: [],
        },
        { ...news, posts: [], videos: [{ ...v1, pivot: { tagId: news.id, taggableId: v1.id } }] },
      ]);
    });
  });

  describe("hasManyThrough (country -> users -> posts)", () => {
    it("loads the distant rows per parent", async () => {
      const { queries, result } = await t.count(() => t.db.country.with("posts").orderBy("id").get());
      expect(queries).toBe(eagerQueries(2));
      expect(result).toEqual([
        { ...uk, posts: [p1, p2] },
        { ...fr, posts: [p3] },
        { ...de, posts: [] },
      ]);
    });

    it("takes a constraint and nests", async () => {
      const { queries, result } = await t.count(() =>
        t.db.country
          .with("posts", (q: any) => q.where("published", true))
          .with("posts.author")
          .orderBy("id")
          .get(),
      );
      expect(queries).toBe(eagerQueries(3));
      expect(result).toEqual([
        { ...uk, posts: [{ ...p1, author: ada }] },
        { ...fr, posts: [{ ...p3, author: cy }] },
        { ...de, posts: [] },
      ]);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Custom keys, keys of different JS types, the `where` option, withDefault
// ---------------------------------------------------------------------------------------------

const keyed = defineSchema(
  {
    account: model({
      table: "accounts",
      fields: { id: id(), handle: string().unique(), name: string(), active: boolean().default(true) },
      relations: {
        setting: hasOne("setting", { foreignKey: "accountHandle", localKey: "handle" }),
        settingOrEmpty: hasOne("setting", { foreignKey: "accountHandle", localKey: "handle", withDefault: true }),
        settingOrDefault: hasOne("setting", {
          foreignKey: "accountHandle",
          localKey: "handle",
          withDefault: { theme: "system" },
        }),
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
        avatarOrEmpty: morphOne("image", { morphName: "imageable", withDefault: true }),
        avatarOrDefault: morphOne("image", { morphName: "imageable", withDefault: { url: "default.png" } }),
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
      relations: {
        account: belongsTo("account", { foreignKey: "accountHandle", ownerKey: "handle" }),
        accountOrGuest: belongsTo("account", {
          foreignKey: "accountHandle",
          ownerKey: "handle",
          withDefault: { name: "Guest" },
        }),
      },
    }),
    note: model({
      table: "notes",
      fields: { id: id(), ownerHandle: string(), body: string(), published: boolean() },
      relations: { owner: belongsTo("account", { foreignKey: "ownerHandle", ownerKey: "handle" }) },
    }),
    order: model({
      table: "orders",
      // A bigint key (read as a JS bigint) pointing at an integer id.
      fields: { id: id(), accountId: bigint(), total: integer() },
      relations: {
        account: belongsTo("account"),
        accountOrEmpty: belongsTo("account", { withDefault: true }),
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
      relations: {
        imageable: morphTo(),
        imageableOrEmpty: morphTo({ morphName: "imageable", withDefault: true }),
        imageableOrGuest: morphTo({ morphName: "imageable", withDefault: { name: "Guest" } }),
      },
    }),
  },
  { casing: "snake_case" },
);

describe(`eager loading with custom keys, key types, where and withDefault on ${dialect}`, () => {
  const t = useTestDb(keyed);
  let ada: any, bob: any, cy: any;
  let core: any, ops: any;
  let sAda: any, sGhost: any;
  let n1: any, n2: any, n3: any, n4: any, n5: any;
  let o1: any, o2: any, o3: any, o4: any, o5: any;
  let i1: any, i2: any, i3: any;
  let t1: any, t2: any, t3: any;
  let img1: any, img2: any, img3: any;

  beforeAll(async () => {
    const db = t.db;
    ada = await db.account.create({ handle: "ada", name: "Ada" });
    bob = await db.account.create({ handle: "bob", name: "Bob", active: false });
    cy = await db.account.create({ handle: "cy", name: "Cy" });
    core = await db.team.create({ name: "Core" });
    ops = await db.team.create({ name: "Ops" });
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

  it("the seeded keys have the JS types under test", () => {
    expect(typeof o1.accountId).toBe("bigint");
    expect(typeof ada.id).toBe("number");
    expect(typeof i1.payerId).toBe("number");
    expect(typeof t1.accountRef).toBe("string");
  });

  it("hasOne / belongsTo on a string key that is not the primary key", async () => {
    const accounts = await t.count(() => t.db.account.with("setting").orderBy("id").get());
    expect(accounts.queries).toBe(eagerQueries(2));
    expect(accounts.result).toEqual([
      { ...ada, setting: sAda },
      { ...bob, setting: null },
      { ...cy, setting: null },
    ]);
    const settings = await t.count(() => t.db.setting.with("account").orderBy("id").get());
    expect(settings.queries).toBe(eagerQueries(2));
    expect(settings.result).toEqual([
      { ...sAda, account: ada },
      { ...sGhost, account: null },
    ]);
  });

  it("hasMany / belongsTo on a string key that is not the primary key", async () => {
    const accounts = await t.count(() => t.db.account.with("notes").orderBy("id").get());
    expect(accounts.queries).toBe(eagerQueries(2));
    expect(accounts.result).toEqual([
      { ...ada, notes: [n1, n2] },
      { ...bob, notes: [n3, n4] },
      { ...cy, notes: [n5] },
    ]);
    const notes = await t.count(() => t.db.note.with("owner").orderBy("id").get());
    expect(notes.queries).toBe(eagerQueries(2));
    expect(notes.result).toEqual([
      { ...n1, owner: ada },
      { ...n2, owner: ada },
      { ...n3, owner: bob },
      { ...n4, owner: bob },
      { ...n5, owner: cy },
    ]);
  });

  it("a bigint() foreign key matches an id() both ways (conventional keys)", async () => {
    const accounts = await t.count(() => t.db.account.with("orders").orderBy("id").get());
    expect(accounts.queries).toBe(eagerQueries(2));
    expect(accounts.result).toEqual([
      { ...ada, orders: [o1, o2] },
      { ...bob, orders: [o5] },
      { ...cy, orders: [o3] },
    ]);
    const orders = await t.count(() => t.db.order.with("account").orderBy("id").get());
    expect(orders.queries).toBe(eagerQueries(2));
    expect(orders.result).toEqual([
      { ...o1, account: ada },
      { ...o2, account: ada },
      { ...o3, account: cy },
      { ...o4, account: null },
      { ...o5, account: bob },
    ]);
  });

  it('a bigint({ mode: "number" }) foreign key matches an id() both ways', async () => {
    const accounts = await t.count(() => t.db.account.with("invoices").orderBy("id").get());
    expect(accounts.queries).toBe(eagerQueries(2));
    expect(accounts.result).toEqual([
      { ...ada, invoices: [i3] },
      { ...bob, invoices: [i1, i2] },
      { ...cy, invoices: [] },
    ]);
    const invoices = await t.count(() => t.db.invoice.with("payer").orderBy("id").get());
    expect(invoices.queries).toBe(eagerQueries(2));
    expect(invoices.result).toEqual([
      { ...i1, payer: bob },
      { ...i2, payer: bob },
      { ...i3, payer: ada },
    ]);
  });

  it("hasMany: integer parent keys find the children whose string() key holds them", async () => {
    const accounts = await t.count(() => t.db.account.with("tickets").orderBy("id").get());
    expect(accounts.queries).toBe(eagerQueries(2));
    expect(accounts.result).toEqual([
      { ...ada, tickets: [t1] },
      { ...bob, tickets: [] },
      { ...cy, tickets: [t2] },
    ]);
  });

  it("belongsTo: a string() foreign key holding an integer id finds its owner", async () => {
    const tickets = await t.count(() => t.db.ticket.with("account").orderBy("id").get());
    expect(tickets.queries).toBe(eagerQueries(2));
    expect(tickets.result).toEqual([
      { ...t1, account: ada },
      { ...t2, account: cy },
      { ...t3, account: null },
    ]);
  });

  it("morphOne and morphTo over two target types", async () => {
    const accounts = await t.count(() => t.db.account.with("avatar").orderBy("id").get());
    expect(accounts.queries).toBe(eagerQueries(2));
    expect(accounts.result).toEqual([
      { ...ada, avatar: img1 },
      { ...bob, avatar: null },
      { ...cy, avatar: null },
    ]);
    const teams = await t.count(() => t.db.team.with("logo").orderBy("id").get());
    expect(teams.queries).toBe(eagerQueries(2));
    expect(teams.result).toEqual([
      { ...core, logo: img2 },
      { ...ops, logo: null },
    ]);
    const images = await t.count(() => t.db.image.with("imageable").orderBy("id").get());
    expect(images.queries).toBe(eagerQueries(3));
    expect(images.result).toEqual([
      { ...img1, imageable: ada },
      { ...img2, imageable: core },
      { ...img3, imageable: null },
    ]);
  });

  describe("the relation's where option", () => {
    it("hasMany: the fixed filter applies to every row, even with an orWhere in the constraint", async () => {
      const plain = await t.count(() => t.db.account.with("publishedNotes").orderBy("id").get());
      expect(plain.queries).toBe(eagerQueries(2));
      expect(plain.result).toEqual([
        { ...ada, publishedNotes: [n2] },
        { ...bob, publishedNotes: [n3] },
        { ...cy, publishedNotes: [n5] },
      ]);
      // Unparenthesised, "published AND body = 'bob pub' OR body = 'draft'" would let the unpublished draft in.
      const constrained = await t.count(() =>
        t.db.account
          .with("publishedNotes", (q: any) => q.where("body", "bob pub").orWhere("body", "draft"))
          .orderBy("id")
          .get(),
      );
      expect(constrained.queries).toBe(eagerQueries(2));
      expect(constrained.result).toEqual([
        { ...ada, publishedNotes: [] },
        { ...bob, publishedNotes: [n3] },
        { ...cy, publishedNotes: [] },
      ]);
    });

    it("hasOne and belongsTo", async () => {
      const accounts = await t.count(() =>
        t.db.account
          .with("firstPublishedNote", (q: any) => q.where("body", "hello").orWhere("body", "bob draft"))
          .orderBy("id")
          .get(),
      );
      expect(accounts.queries).toBe(eagerQueries(2));
      expect(accounts.result).toEqual([
        { ...ada, firstPublishedNote: n2 },
        { ...bob, firstPublishedNote: null },
        { ...cy, firstPublishedNote: null },
      ]);
      const orders = await t.count(() => t.db.order.with("activeAccount").orderBy("id").get());
      expect(orders.queries).toBe(eagerQueries(2));
      expect(orders.result).toEqual([
        { ...o1, activeAccount: ada },
        { ...o2, activeAccount: ada },
        { ...o3, activeAccount: cy },
        { ...o4, activeAccount: null },
        { ...o5, activeAccount: null }, // bob is inactive
      ]);
    });
  });

  describe("withDefault when nothing matches", () => {
    it("hasOne and morphOne: {} for true, a copy of the given values otherwise", async () => {
      const { queries, result } = await t.count(() =>
        t.db.account
          .with("settingOrEmpty", "settingOrDefault", "avatar", "avatarOrEmpty", "avatarOrDefault")
          .orderBy("id")
          .get(),
      );
      expect(queries).toBe(eagerQueries(6));
      expect(result).toEqual([
        {
          ...ada,
          settingOrEmpty: sAda,
          settingOrDefault: sAda,
          avatar: img1,
          avatarOrEmpty: img1,
          avatarOrDefault: img1,
        },
        // The default carries the keys that point it at its parent, as a child created through it would.
        {
          ...bob,
          settingOrEmpty: { accountHandle: "bob" },
          settingOrDefault: { theme: "system", accountHandle: "bob" },
          avatar: null,
          avatarOrEmpty: { imageableType: "account", imageableId: bob.id },
          avatarOrDefault: { url: "default.png", imageableType: "account", imageableId: bob.id },
        },
        {
          ...cy,
          settingOrEmpty: { accountHandle: "cy" },
          settingOrDefault: { theme: "system", accountHandle: "cy" },
          avatar: null,
          avatarOrEmpty: { imageableType: "account", imageableId: cy.id },
          avatarOrDefault: { url: "default.png", imageableType: "account", imageableId: cy.id },
        },
      ]);
      // Each parent gets its own object; changing one changes neither the others nor the schema's default.
      const [, bobRow, cyRow] = result as any[];
      expect(bobRow.settingOrDefault).not.toBe(cyRow.settingOrDefault);
      bobRow.settingOrDefault.theme = "changed";
      const again: any[] = await t.db.account.with("settingOrDefault").orderBy("id").get();
      expect(again.map((a) => a.settingOrDefault)).toEqual([
        sAda,
        { theme: "system", accountHandle: "bob" },
        { theme: "system", accountHandle: "cy" },
      ]);
    });

    it("belongsTo: {} for true, the given values otherwise", async () => {
      const settings = await t.count(() => t.db.setting.with("accountOrGuest").orderBy("id").get());
      expect(settings.queries).toBe(eagerQueries(2));
      expect(settings.result).toEqual([
        { ...sAda, accountOrGuest: ada },
        { ...sGhost, accountOrGuest: { name: "Guest" } },
      ]);
      // The foreign key falls back to `${target}Id` (accountId) when `${relation}Id` does not exist.
      const orders = await t.count(() => t.db.order.with("accountOrEmpty").orderBy("id").get());
      expect(orders.queries).toBe(eagerQueries(2));
      expect(orders.result).toEqual([
        { ...o1, accountOrEmpty: ada },
        { ...o2, accountOrEmpty: ada },
        { ...o3, accountOrEmpty: cy },
        { ...o4, accountOrEmpty: {} },
        { ...o5, accountOrEmpty: bob },
      ]);
    });

    it("morphTo: {} for true, the given values otherwise", async () => {
      const { queries, result } = await t.count(() =>
        t.db.image.with("imageableOrEmpty", "imageableOrGuest").orderBy("id").get(),
      );
      expect(queries).toBe(eagerQueries(5)); // query: images, then accounts and teams for each relation
      expect(result).toEqual([
        { ...img1, imageableOrEmpty: ada, imageableOrGuest: ada },
        { ...img2, imageableOrEmpty: core, imageableOrGuest: core },
        { ...img3, imageableOrEmpty: {}, imageableOrGuest: { name: "Guest" } },
      ]);
    });
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
        firstSale: hasOneThrough("sale", {
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

describe(`eager loading through an intermediate model on ${dialect}`, () => {
  const t = useTestDb(distant);
  let mo: any, max: any, ow1: any, ow2: any;
  let north: any, south: any, east: any;
  let sale1: any, sale2: any, sale3: any, sale4: any;

  beforeAll(async () => {
    const db = t.db;
    mo = await db.mechanic.create({ name: "Mo" });
    max = await db.mechanic.create({ name: "Max" });
    const car1 = await db.car.create({ mechanicId: mo.id, label: "Mini" });
    const car2 = await db.car.create({ mechanicId: mo.id, label: "Saab" });
    ow1 = await db.owner.create({ carId: car2.id, name: "Olly" });
    ow2 = await db.owner.create({ carId: car1.id, name: "Oz" });
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

  it("conventional keys: hasOneThrough (first by id, or null) and hasManyThrough", async () => {
    const { queries, result } = await t.count(() => t.db.mechanic.with("carOwner", "carOwners").orderBy("id").get());
    expect(queries).toBe(eagerQueries(3));
    expect(result).toEqual([
      { ...mo, carOwner: ow1, carOwners: [ow1, ow2] },
      { ...max, carOwner: null, carOwners: [] },
    ]);
  });

  it("every key given, string keys that are not primary keys", async () => {
    const { queries, result } = await t.count(() => t.db.region.with("sales", "firstSale").orderBy("id").get());
    expect(queries).toBe(eagerQueries(3));
    expect(result).toEqual([
      { ...north, sales: [sale1, sale2, sale4], firstSale: sale1 },
      { ...south, sales: [sale3], firstSale: sale3 },
      { ...east, sales: [], firstSale: null },
    ]);
  });

  it("the where option, with an orWhere in the constraint", async () => {
    const plain = await t.count(() => t.db.region.with("onlineSales").orderBy("id").get());
    expect(plain.queries).toBe(eagerQueries(2));
    expect(plain.result).toEqual([
      { ...north, onlineSales: [sale1, sale4] },
      { ...south, onlineSales: [sale3] },
      { ...east, onlineSales: [] },
    ]);
    const constrained = await t.count(() =>
      t.db.region
        .with("onlineSales", (q: any) => q.where("amount", 9).orWhere("amount", 7))
        .orderBy("id")
        .get(),
    );
    expect(constrained.queries).toBe(eagerQueries(2));
    expect(constrained.result).toEqual([
      { ...north, onlineSales: [] }, // sale2 (amount 7) is a store sale
      { ...south, onlineSales: [sale3] },
      { ...east, onlineSales: [] },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Self-referencing relations
// ---------------------------------------------------------------------------------------------

const selfRef = defineSchema(
  {
    category: model({
      table: "categories",
      fields: { id: id(), name: string(), parentId: integer().nullable() },
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

describe(`eager loading self-referencing relations on ${dialect}`, () => {
  const t = useTestDb(selfRef);
  let rootA: any, rootB: any, a1: any, a2: any, a1x: any, a1y: any, b1: any;
  let ann: any, ben: any, cat: any, dan: any;

  beforeAll(async () => {
    const db = t.db;
    rootA = await db.category.create({ name: "Root A", parentId: null });
    rootB = await db.category.create({ name: "Root B", parentId: null });
    a1 = await db.category.create({ name: "A1", parentId: rootA.id });
    a2 = await db.category.create({ name: "A2", parentId: rootA.id });
    a1x = await db.category.create({ name: "A1x", parentId: a1.id });
    a1y = await db.category.create({ name: "A1y", parentId: a1.id });
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

  it('a category tree two levels deep: with("children.children", "parent")', async () => {
    const { queries, result } = await t.count(() =>
      t.db.category.with("children.children", "parent").orderBy("id").get(),
    );
    expect(queries).toBe(eagerQueries(4));
    expect(result).toEqual([
      {
        ...rootA,
        parent: null,
        children: [
          { ...a1, children: [a1x, a1y] },
          { ...a2, children: [] },
        ],
      },
      { ...rootB, parent: null, children: [{ ...b1, children: [] }] },
      {
        ...a1,
        parent: rootA,
        children: [
          { ...a1x, children: [] },
          { ...a1y, children: [] },
        ],
      },
      { ...a2, parent: rootA, children: [] },
      { ...a1x, parent: a1, children: [] },
      { ...a1y, parent: a1, children: [] },
      { ...b1, parent: rootB, children: [] },
    ]);
  });

  it("the roots only, and a leaf's ancestors", async () => {
    const roots = await t.count(() =>
      t.db.category.whereNull("parentId").with("children.children").orderBy("id").get(),
    );
    expect(roots.queries).toBe(eagerQueries(3));
    expect(roots.result).toEqual([
      {
        ...rootA,
        children: [
          { ...a1, children: [a1x, a1y] },
          { ...a2, children: [] },
        ],
      },
      { ...rootB, children: [{ ...b1, children: [] }] },
    ]);
    const leaf = await t.count(() => t.db.category.where("id", a1y.id).with("parent.parent.parent").get());
    // Root A's parentId is null: the third level has no key to look up, so it costs no query (query strategy).
    expect(leaf.queries).toBe(eagerQueries(3));
    expect(leaf.result).toEqual([{ ...a1y, parent: { ...a1, parent: { ...rootA, parent: null } } }]);
  });

  it("a self-referencing many-to-many: followers and following through one pivot", async () => {
    const { queries, result } = await t.count(() => t.db.member.with("following", "followers").orderBy("id").get());
    expect(queries).toBe(eagerQueries(3));
    const follows = (follower: any, followee: any) => ({ followerId: follower.id, followeeId: followee.id });
    expect(result).toEqual([
      {
        ...ann,
        following: [
          { ...ben, pivot: follows(ann, ben) },
          { ...cat, pivot: follows(ann, cat) },
        ],
        followers: [{ ...ben, pivot: follows(ben, ann) }],
      },
      {
        ...ben,
        following: [{ ...ann, pivot: follows(ben, ann) }],
        followers: [
          { ...ann, pivot: follows(ann, ben) },
          { ...cat, pivot: follows(cat, ben) },
        ],
      },
      {
        ...cat,
        following: [{ ...ben, pivot: follows(cat, ben) }],
        followers: [{ ...ann, pivot: follows(ann, cat) }],
      },
      { ...dan, following: [], followers: [] },
    ]);
  });

  it("a self-referencing many-to-many nested: who the people Ann follows follow", async () => {
    const { queries, result } = await t.count(() => t.db.member.where("id", ann.id).with("following.following").get());
    expect(queries).toBe(eagerQueries(3));
    expect(result).toEqual([
      {
        ...ann,
        following: [
          {
            ...ben,
            pivot: { followerId: ann.id, followeeId: ben.id },
            following: [{ ...ann, pivot: { followerId: ben.id, followeeId: ann.id } }],
          },
          {
            ...cat,
            pivot: { followerId: ann.id, followeeId: cat.id },
            following: [{ ...ben, pivot: { followerId: cat.id, followeeId: ben.id } }],
          },
        ],
      },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Many-to-many through a declared join model, and bare pivots with typed fields
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
          timestamps: true,
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
        createdAt: timestamp(),
        updatedAt: timestamp().nullable(),
      },
    }),
    project: model({
      table: "projects",
      fields: { id: id(), name: string() },
      relations: {
        workers: belongsToMany("worker", {
          table: "assignments",
          pivotFields: { level: integer(), lead: boolean(), since: date().nullable() },
        }),
        leads: belongsToMany("worker", {
          table: "assignments",
          pivotFields: { level: integer(), lead: boolean(), since: date().nullable() },
          pivotWhere: { lead: true },
        }),
      },
    }),
    worker: model({
      table: "workers",
      fields: { id: id(), name: string() },
      relations: { projects: belongsToMany("project", { table: "assignments", pivotFields: { level: integer() } }) },
    }),
  },
  { casing: "snake_case" },
);

describe(`eager loading many-to-many through join models and typed pivots on ${dialect}`, () => {
  const t = useTestDb(joins);
  let sam: any, sue: any, sid: any;
  let math: any, art: any, bio: any;
  let alpha: any, beta: any, gamma: any, wes: any, wyn: any;

  beforeAll(async () => {
    const db = t.db;
    sam = await db.student.create({ name: "Sam" });
    sue = await db.student.create({ name: "Sue" });
    sid = await db.student.create({ name: "Sid" });
    math = await db.course.create({ title: "Math", open: true });
    art = await db.course.create({ title: "Art", open: false });
    bio = await db.course.create({ title: "Bio", open: true });
    const enroll = (
      student: any,
      course: any,
      grade: number | null,
      passed: boolean,
      created: string,
      updated: string | null,
    ) =>
      db.enrollment.create({
        studentId: BigInt(student.id),
        courseId: course.id,
        grade,
        passed,
        createdAt: new Date(created),
        updatedAt: updated === null ? null : new Date(updated),
      });
    await enroll(sam, math, 90, true, T1, T2);
    await enroll(sam, art, null, false, T1, null);
    await enroll(sue, math, 70, true, T2, T3);
    await enroll(sue, bio, 50, false, T3, null);
    alpha = await db.project.create({ name: "Alpha" });
    beta = await db.project.create({ name: "Beta" });
    gamma = await db.project.create({ name: "Gamma" });
    wes = await db.worker.create({ name: "Wes" });
    wyn = await db.worker.create({ name: "Wyn" });
    await db.kysely
      .insertInto("assignments")
      .values([
        { project_id: alpha.id, worker_id: wes.id, level: 3, lead: 1, since: "2024-05-01" },
        { project_id: alpha.id, worker_id: wyn.id, level: 1, lead: 0, since: null },
        { project_id: beta.id, worker_id: wyn.id, level: 2, lead: 1, since: "2023-01-31" },
      ])
      .execute();
  });

  const enrolled = (student: any, course: any, grade: number | null, passed: boolean) => ({
    studentId: BigInt(student.id),
    courseId: course.id,
    grade,
    passed,
  });

  it("belongsToMany through a join model: row.pivot holds the keys (as the join model types them) and fields", async () => {
    const { queries, result } = await t.count(() => t.db.student.with("courses").orderBy("id").get());
    expect(queries).toBe(eagerQueries(2));
    expect(result).toEqual([
      {
        ...sam,
        courses: [
          { ...math, pivot: enrolled(sam, math, 90, true) },
          { ...art, pivot: enrolled(sam, art, null, false) },
        ],
      },
      {
        ...sue,
        courses: [
          { ...math, pivot: enrolled(sue, math, 70, true) },
          { ...bio, pivot: enrolled(sue, bio, 50, false) },
        ],
      },
      { ...sid, courses: [] },
    ]);
  });

  it("pivotWhere and wherePivot on a join model", async () => {
    const passed = await t.count(() => t.db.student.with("passedCourses").orderBy("id").get());
    expect(passed.queries).toBe(eagerQueries(2));
    expect(passed.result).toEqual([
      { ...sam, passedCourses: [{ ...math, pivot: enrolled(sam, math, 90, true) }] },
      { ...sue, passedCourses: [{ ...math, pivot: enrolled(sue, math, 70, true) }] },
      { ...sid, passedCourses: [] },
    ]);
    const failed = await t.count(() =>
      t.db.student
        .with("courses", (q: any) => q.wherePivot("passed", false))
        .orderBy("id")
        .get(),
    );
    expect(failed.queries).toBe(eagerQueries(2));
    expect(failed.result.map((s: any) => [s.name, s.courses.map((c: any) => c.title)])).toEqual([
      ["Sam", ["Art"]],
      ["Sue", ["Bio"]],
      ["Sid", []],
    ]);
  });

  it("manyToMany(target, { through, from, to }) with timestamps, and wherePivot / wherePivotIn", async () => {
    const pivot = (student: any, course: any, grade: number | null, created: string, updated: string | null) => ({
      courseId: course.id,
      studentId: BigInt(student.id),
      grade,
      createdAt: new Date(created),
      updatedAt: updated === null ? null : new Date(updated),
    });
    const all = await t.count(() => t.db.course.with("students").orderBy("id").get());
    expect(all.queries).toBe(eagerQueries(2));
    expect(all.result).toEqual([
      {
        ...math,
        students: [
          { ...sam, pivot: pivot(sam, math, 90, T1, T2) },
          { ...sue, pivot: pivot(sue, math, 70, T2, T3) },
        ],
      },
      { ...art, students: [{ ...sam, pivot: pivot(sam, art, null, T1, null) }] },
      { ...bio, students: [{ ...sue, pivot: pivot(sue, bio, 50, T3, null) }] },
    ]);

    const good = await t.count(() =>
      t.db.course
        .with("students", (q: any) => q.wherePivot("grade", ">=", 80))
        .orderBy("id")
        .get(),
    );
    expect(good.queries).toBe(eagerQueries(2));
    expect(good.result.map((c: any) => [c.title, c.students.map((s: any) => s.name)])).toEqual([
      ["Math", ["Sam"]],
      ["Art", []],
      ["Bio", []],
    ]);

    const some = await t.count(() =>
      t.db.course
        .with("students", (q: any) => q.wherePivotIn("grade", [50, 70]))
        .orderBy("id")
        .get(),
    );
    expect(some.queries).toBe(eagerQueries(2));
    expect(some.result.map((c: any) => [c.title, c.students.map((s: any) => s.name)])).toEqual([
      ["Math", ["Sue"]],
      ["Art", []],
      ["Bio", ["Sue"]],
    ]);
  });

  it("the where option on a many-to-many, with an orWhere in the constraint", async () => {
    const keys = (student: any, course: any) => ({ studentId: BigInt(student.id), courseId: course.id });
    const open = await t.count(() => t.db.student.with("openCourses").orderBy("id").get());
    expect(open.queries).toBe(eagerQueries(2));
    expect(open.result).toEqual([
      { ...sam, openCourses: [{ ...math, pivot: keys(sam, math) }] },
      {
        ...sue,
        openCourses: [
          { ...math, pivot: keys(sue, math) },
          { ...bio, pivot: keys(sue, bio) },
        ],
      },
      { ...sid, openCourses: [] },
    ]);
    const constrained = await t.count(() =>
      t.db.student
        .with("openCourses", (q: any) => q.where("title", "Bio").orWhere("title", "Art"))
        .orderBy("id")
        .get(),
    );
    expect(constrained.queries).toBe(eagerQueries(2));
    expect(constrained.result).toEqual([
      { ...sam, openCourses: [] }, // Art is closed
      { ...sue, openCourses: [{ ...bio, pivot: keys(sue, bio) }] },
      { ...sid, openCourses: [] },
    ]);
  });

  it("a bare pivot with typed pivotFields (record form): decoded values, pivotWhere, both sides", async () => {
    const assigned = (project: any, worker: any, level: number, lead: boolean, since: string | null) => ({
      projectId: project.id,
      workerId: worker.id,
      level,
      lead,
      since,
    });
    const projects = await t.count(() => t.db.project.with("workers", "leads").orderBy("id").get());
    expect(projects.queries).toBe(eagerQueries(3));
    expect(projects.result).toEqual([
      {
        ...alpha,
        workers: [
          { ...wes, pivot: assigned(alpha, wes, 3, true, "2024-05-01") },
          { ...wyn, pivot: assigned(alpha, wyn, 1, false, null) },
        ],
        leads: [{ ...wes, pivot: assigned(alpha, wes, 3, true, "2024-05-01") }],
      },
      {
        ...beta,
        workers: [{ ...wyn, pivot: assigned(beta, wyn, 2, true, "2023-01-31") }],
        leads: [{ ...wyn, pivot: assigned(beta, wyn, 2, true, "2023-01-31") }],
      },
      { ...gamma, workers: [], leads: [] },
    ]);

    const senior = await t.count(() =>
      t.db.project
        .with("workers", (q: any) => q.wherePivot("level", ">", 1))
        .orderBy("id")
        .get(),
    );
    expect(senior.queries).toBe(eagerQueries(2));
    expect(senior.result.map((p: any) => [p.name, p.workers.map((w: any) => w.name)])).toEqual([
      ["Alpha", ["Wes"]],
      ["Beta", ["Wyn"]],
      ["Gamma", []],
    ]);

    const workers = await t.count(() => t.db.worker.with("projects").orderBy("id").get());
    expect(workers.queries).toBe(eagerQueries(2));
    expect(workers.result).toEqual([
      { ...wes, projects: [{ ...alpha, pivot: { workerId: wes.id, projectId: alpha.id, level: 3 } }] },
      {
        ...wyn,
        projects: [
          { ...alpha, pivot: { workerId: wyn.id, projectId: alpha.id, level: 1 } },
          { ...beta, pivot: { workerId: wyn.id, projectId: beta.id, level: 2 } },
        ],
      },
    ]);
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

describe(`eager loading with a morphMap on ${dialect}`, () => {
  const t = useTestDb(mapped);
  let a1: any, a2: any, k1: any, k2: any;
  let r1: any, r2: any, r3: any, r4: any, r5: any;
  let intro: any, misc: any;

  beforeAll(async () => {
    const db = t.db;
    a1 = await db.article.create({ title: "Hello", published: true });
    a2 = await db.article.create({ title: "Draft", published: false });
    k1 = await db.clip.create({ title: "Intro", published: true });
    k2 = await db.clip.create({ title: "Outtake", published: false });
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

  it("morphMany matches the alias stored in the type column", async () => {
    expect(k1.id).toBe(a1.id);
    const articles = await t.count(() => t.db.article.with("reactions").orderBy("id").get());
    expect(articles.queries).toBe(eagerQueries(2));
    expect(articles.result).toEqual([
      { ...a1, reactions: [r1, r5] },
      { ...a2, reactions: [r3] },
    ]);
    const clips = await t.count(() => t.db.clip.with("reactions").orderBy("id").get());
    expect(clips.queries).toBe(eagerQueries(2));
    expect(clips.result).toEqual([
      { ...k1, reactions: [r2] },
      { ...k2, reactions: [r4] },
    ]);
  });

  it("morphTo resolves the aliases to their models", async () => {
    const { queries, result } = await t.count(() => t.db.reaction.with("target").orderBy("id").get());
    expect(queries).toBe(eagerQueries(3));
    expect(result).toEqual([
      { ...r1, target: a1 },
      { ...r2, target: k1 },
      { ...r3, target: a2 },
      { ...r4, target: k2 },
      { ...r5, target: a1 },
    ]);
  });

  it("morphTo on a row holding the model name instead of its alias throws, naming the relation and the types", async () => {
    const stray = await t.db.reaction.create({ emoji: "?", targetType: "article", targetId: a1.id });
    try {
      const error = await caught(() => t.db.reaction.with("target").get());
      expect(error).toBeInstanceOf(RelataError);
      const message = (error as Error).message;
      expect(message).toContain("reaction.target");
      expect(message).toContain('"article"');
      expect(message).toContain("Article");
      expect(message).toContain("Clip");
    } finally {
      await t.db.reaction.where("id", stray.id).delete();
    }
  });

  it("morphToMany / morphedByMany through the pivot with aliased types", async () => {
    const articles = await t.count(() => t.db.article.with("labels").orderBy("id").get());
    expect(articles.queries).toBe(eagerQueries(2));
    expect(articles.result).toEqual([
      {
        ...a1,
        labels: [
          { ...intro, pivot: { labelableId: a1.id, labelId: intro.id } },
          { ...misc, pivot: { labelableId: a1.id, labelId: misc.id } },
        ],
      },
      { ...a2, labels: [] },
    ]);
    const clips = await t.count(() => t.db.clip.with("labels").orderBy("id").get());
    expect(clips.queries).toBe(eagerQueries(2));
    expect(clips.result).toEqual([
      { ...k1, labels: [{ ...intro, pivot: { labelableId: k1.id, labelId: intro.id } }] },
      { ...k2, labels: [{ ...misc, pivot: { labelableId: k2.id, labelId: misc.id } }] },
    ]);
    const labels = await t.count(() => t.db.label.with("articles", "clips").orderBy("id").get());
    expect(labels.queries).toBe(eagerQueries(3));
    expect(labels.result).toEqual([
      {
        ...intro,
        articles: [{ ...a1, pivot: { labelId: intro.id, labelableId: a1.id } }],
        clips: [{ ...k1, pivot: { labelId: intro.id, labelableId: k1.id } }],
      },
      {
        ...misc,
        articles: [{ ...a1, pivot: { labelId: misc.id, labelableId: a1.id } }],
        clips: [{ ...k2, pivot: { labelId: misc.id, labelableId: k2.id } }],
      },
    ]);
  });

  it("the where option on morphMany and morphToMany, with an orWhere in the constraint", async () => {
    const reactions = await t.count(() =>
      t.db.article
        .with("thumbsUp", (q: any) => q.where("id", r1.id).orWhere("id", r3.id))
        .orderBy("id")
        .get(),
    );
    expect(reactions.queries).toBe(eagerQueries(2));
    expect(reactions.result).toEqual([
      { ...a1, thumbsUp: [r1] },
      { ...a2, thumbsUp: [] }, // r3 is a "down"
    ]);
    const labels = await t.count(() =>
      t.db.article
        .with("introLabels", (q: any) => q.where("id", intro.id).orWhere("name", "misc"))
        .orderBy("id")
        .get(),
    );
    expect(labels.queries).toBe(eagerQueries(2));
    expect(labels.result).toEqual([
      { ...a1, introLabels: [{ ...intro, pivot: { labelableId: a1.id, labelId: intro.id } }] },
      { ...a2, introLabels: [] },
    ]);
  });

  it("the where option on morphTo filters every target type", async () => {
    const { queries, result } = await t.count(() => t.db.reaction.with("visibleTarget").orderBy("id").get());
    expect(queries).toBe(eagerQueries(3));
    expect(result).toEqual([
      { ...r1, visibleTarget: a1 },
      { ...r2, visibleTarget: k1 },
      { ...r3, visibleTarget: null }, // a2 is unpublished
      { ...r4, visibleTarget: null }, // k2 is unpublished
      { ...r5, visibleTarget: a1 },
    ]);
  });
});
