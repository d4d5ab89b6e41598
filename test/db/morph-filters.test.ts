import { beforeAll, describe, expect, it } from "vitest";
import { RelationNotFoundError, ValidationError } from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { type Counter, statementHelpers } from "../support/statements.js";
import { dialect, eagerQueries, useTestDb } from "../support/test-db.js";

/**
 * The morph filters (hasMorph / orHasMorph / doesntHaveMorph / orDoesntHaveMorph,
 * orWhereDoesntHaveMorph, whereMorphRelation and its or/negated forms) and the
 * owner filters (whereMorphedTo with rows, a model name or null; whereBelongsTo;
 * whereAttachedTo / orWhereAttachedTo) on every database. Each filtered query is ONE statement;
 * invalid arguments throw before any SQL is sent.
 */

function helpers(t: Counter) {
  /** One field of each row of `query` ordered by id, asserting the query took one statement. */
  const values = async (query: any, field = "body"): Promise<unknown[]> => {
    const { queries, result } = await t.count(() => query.orderBy("id").get());
    expect(queries).toBe(1);
    return (result as any[]).map((row) => row[field]);
  };
  /** The error `fn` throws (sync or async), asserting no statement was sent. */
  const { noSql: rejects } = statementHelpers(t);
  return { values, rejects };
}

describe(`morph and owner filters on ${dialect}`, () => {
  const t = useTestDb(blog);
  const { values, rejects } = helpers(t);
  let ada: any, bob: any, cy: any;
  let p1: any, p2: any, p3: any;
  let v1: any, v2: any, v3: any;
  let admin: any, editor: any, viewer: any;
  let golang: any, sqlTag: any, news: any;

  beforeAll(async () => {
    const db = t.db;
    const user = (name: string) => db.user.create({ email: `${name.toLowerCase()}@example.dev`, name });
    [ada, bob, cy] = [await user("Ada"), await user("Bob"), await user("Cy")];
    p1 = await db.post.create({ authorId: ada.id, title: "P1", published: true, views: 100 });
    p2 = await db.post.create({ authorId: ada.id, title: "P2", published: false, views: 5 });
    p3 = await db.post.create({ authorId: bob.id, title: "P3", published: true, views: 50 });
    // Video n has the id of post n: a filter that ignored the type column would mix them up.
    [v1, v2, v3] = [
      await db.video.create({ title: "V1" }),
      await db.video.create({ title: "V2" }),
      await db.video.create({ title: "V3" }),
    ];
    const comment = (body: string, commentableType: string, commentableId: number) =>
      db.comment.create({ body, commentableType, commentableId });
    await comment("c1", "post", p1.id);
    await comment("c2", "post", p1.id);
    await comment("c3", "post", p2.id);
    await comment("c4", "video", v1.id);
    await comment("c5", "video", v3.id); // post 3 (same id) has no comment
    await comment("c6", "post", 999); // dangling
    await comment("c7", "video", 999); // dangling
    await comment("c8", "podcast", p1.id); // a type that is no target
    [admin, editor, viewer] = [
      await db.role.create({ name: "admin" }),
      await db.role.create({ name: "editor" }),
      await db.role.create({ name: "viewer" }),
    ];
    await db.kysely
      .insertInto("role_user")
      .values([
        { user_id: ada.id, role_id: admin.id, granted_by: "root" },
        { user_id: ada.id, role_id: editor.id, granted_by: "root" },
        { user_id: bob.id, role_id: editor.id, granted_by: null },
        { user_id: cy.id, role_id: viewer.id, granted_by: null },
      ])
      .execute();
    [golang, sqlTag, news] = [
      await db.tag.create({ name: "golang" }),
      await db.tag.create({ name: "sql" }),
      await db.tag.create({ name: "news" }),
    ];
    await db.tag.create({ name: "rust" });
    await db.kysely
      .insertInto("taggables")
      .values([
        { tag_id: golang.id, taggable_id: p1.id, taggable_type: "post" },
        { tag_id: golang.id, taggable_id: p2.id, taggable_type: "post" },
        { tag_id: sqlTag.id, taggable_id: p1.id, taggable_type: "post" },
        { tag_id: golang.id, taggable_id: v3.id, taggable_type: "video" }, // post 3 has no tag
        { tag_id: news.id, taggable_id: v1.id, taggable_type: "video" },
      ])
      .execute();
  });

  it("the seeded ids line up: video n has the id of post n", () => {
    expect([v1.id, v2.id, v3.id]).toEqual([p1.id, p2.id, p3.id]);
  });

  describe("hasMorph / orHasMorph / doesntHaveMorph / orDoesntHaveMorph", () => {
    it("hasMorph: rows of the listed types whose parent exists; '*' is every target", async () => {
      expect(await values(t.db.comment.hasMorph("commentable", ["post"]))).toEqual(["c1", "c2", "c3"]);
      expect(await values(t.db.comment.hasMorph("commentable", ["video"]))).toEqual(["c4", "c5"]);
      expect(await values(t.db.comment.hasMorph("commentable", ["post", "video"]))).toEqual([
        "c1",
        "c2",
        "c3",
        "c4",
        "c5",
      ]);
      expect(await values(t.db.comment.hasMorph("commentable", "*"))).toEqual(["c1", "c2", "c3", "c4", "c5"]);
      expect(await values(t.db.comment.hasMorph("commentable", []))).toEqual([]);
    });

    it("hasMorph with an operator and a count, as has counts (a morphTo has 0 or 1 parent)", async () => {
      const cases: [string, number, string[]][] = [
        [">=", 1, ["c1", "c2", "c3", "c4", "c5"]],
        ["=", 1, ["c1", "c2", "c3", "c4", "c5"]],
        [">", 0, ["c1", "c2", "c3", "c4", "c5"]],
        [">", 1, []],
        [">=", 2, []],
        ["<", 1, ["c6", "c7"]],
        ["=", 0, ["c6", "c7"]],
        ["!=", 1, ["c6", "c7"]],
        ["<>", 0, ["c1", "c2", "c3", "c4", "c5"]],
        // Every row of a listed type, none of another (c8 is a podcast's).
        [">=", 0, ["c1", "c2", "c3", "c4", "c5", "c6", "c7"]],
        ["<=", 1, ["c1", "c2", "c3", "c4", "c5", "c6", "c7"]],
      ];
      for (const [op, n, expected] of cases) {
        const got = await values(t.db.comment.hasMorph("commentable", "*", op as never, n));
        expect({ op, n, got }).toEqual({ op, n, got: expected });
      }
      expect(await values(t.db.comment.hasMorph("commentable", ["post"], "<", 1))).toEqual(["c6"]);
    });

    it("orHasMorph joins with OR; a group keeps it apart", async () => {
      expect(await values(t.db.comment.where("body", "c8").orHasMorph("commentable", ["video"]))).toEqual([
        "c4",
        "c5",
        "c8",
      ]);
      expect(await values(t.db.comment.where("body", "c1").orHasMorph("commentable", ["post"], "<", 1))).toEqual([
        "c1",
        "c6",
      ]);
      expect(
        await values(
          t.db.comment
            .where("body", "like", "c%")
            .where((q) => q.hasMorph("commentable", ["video"]).orWhere("body", "c1")),
        ),
      ).toEqual(["c1", "c4", "c5"]);
    });

    it("doesntHaveMorph: rows of the listed types whose parent is missing", async () => {
      expect(await values(t.db.comment.doesntHaveMorph("commentable", "*"))).toEqual(["c6", "c7"]);
      expect(await values(t.db.comment.doesntHaveMorph("commentable", ["post"]))).toEqual(["c6"]);
      expect(await values(t.db.comment.doesntHaveMorph("commentable", ["video"]))).toEqual(["c7"]);
      expect(await values(t.db.comment.where("body", "c1").orDoesntHaveMorph("commentable", ["video"]))).toEqual([
        "c1",
        "c7",
      ]);
    });

    it("combines with relation filters, conditions and eager loading", async () => {
      expect(
        await values(
          t.db.comment.hasMorph("commentable", ["post"]).whereMorphRelation("commentable", ["post"], "views", ">", 10),
        ),
      ).toEqual(["c1", "c2"]);
      const { queries, result } = await t.count(() =>
        t.db.comment.hasMorph("commentable", ["video"]).with("commentable").orderBy("id").get(),
      );
      expect(queries).toBe(eagerQueries(2)); // comments, videos
      expect(result.map((c: any) => [c.body, c.commentable.title])).toEqual([
        ["c4", "V1"],
        ["c5", "V3"],
      ]);
    });
  });

  describe("orWhereDoesntHaveMorph", () => {
    it("orWhereDoesntHaveMorph", async () => {
      expect(
        await values(
          t.db.comment
            .where("body", "c4")
            .orWhereDoesntHaveMorph("commentable", ["post"], (q: any) => q.where("published", true)),
        ),
      ).toEqual(["c3", "c4", "c6"]);
      expect(await values(t.db.comment.where("body", "c1").orWhereDoesntHaveMorph("commentable", "*"))).toEqual([
        "c1",
        "c6",
        "c7",
      ]);
    });
  });

  describe("whereMorphRelation and its forms", () => {
    it("whereMorphRelation with (field, value) and (field, operator, value)", async () => {
      expect(await values(t.db.comment.whereMorphRelation("commentable", ["post"], "published", true))).toEqual([
        "c1",
        "c2",
      ]);
      expect(await values(t.db.comment.whereMorphRelation("commentable", ["post"], "views", "<", 10))).toEqual(["c3"]);
      expect(await values(t.db.comment.whereMorphRelation("commentable", ["video"], "title", "V3"))).toEqual(["c5"]);
      // A field every listed type has; "*" checks each type on its own table.
      expect(await values(t.db.comment.whereMorphRelation("commentable", "*", "title", "like", "%1"))).toEqual([
        "c1",
        "c2",
        "c4",
      ]);
      expect(await values(t.db.comment.whereMorphRelation("commentable", "*", "title", "in", ["P2", "V1"]))).toEqual([
        "c3",
        "c4",
      ]);
    });

    it("orWhereMorphRelation", async () => {
      expect(
        await values(t.db.comment.where("body", "c3").orWhereMorphRelation("commentable", ["video"], "title", "V1")),
      ).toEqual(["c3", "c4"]);
      expect(
        await values(
          t.db.comment
            .whereMorphRelation("commentable", ["post"], "views", ">=", 100)
            .orWhereMorphRelation("commentable", ["video"], "title", "=", "V3"),
        ),
      ).toEqual(["c1", "c2", "c5"]);
    });

    it("whereMorphDoesntHaveRelation / orWhereMorphDoesntHaveRelation: a listed type, no such parent", async () => {
      expect(
        await values(t.db.comment.whereMorphDoesntHaveRelation("commentable", ["post"], "published", true)),
      ).toEqual(["c3", "c6"]);
      expect(
        await values(t.db.comment.whereMorphDoesntHaveRelation("commentable", "*", "title", "like", "%1")),
      ).toEqual(["c3", "c5", "c6", "c7"]);
      expect(
        await values(
          t.db.comment.where("body", "c1").orWhereMorphDoesntHaveRelation("commentable", ["video"], "title", "V1"),
        ),
      ).toEqual(["c1", "c5", "c7"]);
      expect(
        await values(
          t.db.comment.where("body", "c2").orWhereMorphDoesntHaveRelation("commentable", ["post"], "views", ">", 10),
        ),
      ).toEqual(["c2", "c3", "c6"]);
    });
  });

  describe("whereMorphedTo", () => {
    it("a row, an array of rows of one or several target models", async () => {
      expect(await values(t.db.comment.whereMorphedTo("commentable", p1))).toEqual(["c1", "c2"]);
      expect(await values(t.db.comment.whereMorphedTo("commentable", [p1, p2]))).toEqual(["c1", "c2", "c3"]);
      // p1 and v1 share an id: each is matched with its own type.
      expect(await values(t.db.comment.whereMorphedTo("commentable", [p1, v1]))).toEqual(["c1", "c2", "c4"]);
      expect(await values(t.db.comment.whereMorphedTo("commentable", [v3, p2, v1]))).toEqual(["c3", "c4", "c5"]);
      expect(await values(t.db.comment.whereMorphedTo("commentable", [p3]))).toEqual([]);
      // A group of its own: the OR between models does not escape it.
      expect(await values(t.db.comment.where("body", "c4").whereMorphedTo("commentable", [p1, v1]))).toEqual(["c4"]);
    });

    it("plain objects with the model named by the third argument", async () => {
      expect(await values(t.db.comment.whereMorphedTo("commentable", [{ id: p2.id }, { id: p3.id }], "post"))).toEqual([
        "c3",
      ]);
      expect(await values(t.db.comment.whereMorphedTo("commentable", { id: v3.id }, "video"))).toEqual(["c5"]);
    });

    it("a model name: every row pointing at that model, whatever the id", async () => {
      expect(await values(t.db.comment.whereMorphedTo("commentable", "video"))).toEqual(["c4", "c5", "c7"]);
      expect(await values(t.db.comment.whereMorphedTo("commentable", "post"))).toEqual(["c1", "c2", "c3", "c6"]);
      expect(await values(t.db.comment.where("body", "c1").orWhereMorphedTo("commentable", "video"))).toEqual([
        "c1",
        "c4",
        "c5",
        "c7",
      ]);
    });

    it("null: pointing nowhere; orWhereMorphedTo with rows", async () => {
      expect(await values(t.db.comment.whereMorphedTo("commentable", null))).toEqual([]);
      expect(await values(t.db.comment.where("body", "c8").orWhereMorphedTo("commentable", [v1, p2]))).toEqual([
        "c3",
        "c4",
        "c8",
      ]);
    });

    it("an empty list, an unknown model name, a model with a name target, a value that is no row", async () => {
      const empty = await rejects(() => t.db.comment.whereMorphedTo("commentable", []));
      expect(empty).toBeInstanceOf(ValidationError);
      expect(empty.message).toContain("empty");
      for (const fn of [
        () => t.db.comment.whereMorphedTo("commentable", "podcast" as never),
        () => t.db.comment.whereMorphedTo("commentable", "user" as never),
        () => t.db.comment.whereMorphedTo("commentable", "post", "post"),
        () => t.db.comment.whereMorphedTo("commentable", null, "post"),
        () => t.db.comment.whereMorphedTo("commentable", 5 as never),
        () => t.db.comment.whereMorphedTo("commentable", [p1, { id: 1 }]),
        () => t.db.comment.whereMorphedTo("commentable", [p1, null] as never),
        () => t.db.comment.whereMorphedTo("commentable", { name: "x" }, "post"),
        () => t.db.comment.whereMorphedTo("commentable", [ada]),
        () => (t.db.comment as any).whereMorphedTo("commentable", p1, "post", "extra"),
        () => t.db.post.whereMorphedTo("author", "user"),
      ]) {
        expect(await rejects(fn)).toBeInstanceOf(ValidationError);
      }
      expect(await rejects(() => t.db.comment.whereMorphedTo("nope" as never, "post" as never))).toBeInstanceOf(
        RelationNotFoundError,
      );
    });
  });

  describe("whereBelongsTo", () => {
    it("still matches rows, one or several", async () => {
      expect(await values(t.db.post.whereBelongsTo(ada), "title")).toEqual(["P1", "P2"]);
      expect(await values(t.db.post.whereBelongsTo([ada, bob]), "title")).toEqual(["P1", "P2", "P3"]);
      expect(await values(t.db.post.where("title", "P3").orWhereBelongsTo([cy]), "title")).toEqual(["P3"]);
    });

    it("an empty list is a ValidationError, as in Eloquent", async () => {
      for (const fn of [() => t.db.post.whereBelongsTo([]), () => t.db.post.orWhereBelongsTo([], "author")]) {
        const error = await rejects(fn);
        expect(error).toBeInstanceOf(ValidationError);
        expect(error.message).toContain("empty");
      }
    });

    it("a named relation that is not a belongsTo, or no relation, is a RelationNotFoundError", async () => {
      const notBelongsTo = await rejects(() => t.db.user.whereBelongsTo(p1, "posts"));
      expect(notBelongsTo).toBeInstanceOf(RelationNotFoundError);
      expect(notBelongsTo.model).toBe("user");
      expect(notBelongsTo.relation).toBe("posts");
      expect([...notBelongsTo.validRelations]).toEqual(["country"]);
      expect(notBelongsTo.message).toContain("hasMany");
      expect(notBelongsTo.message).toContain("belongsTo");
      expect(await rejects(() => t.db.post.whereBelongsTo(ada, "comments"))).toBeInstanceOf(RelationNotFoundError);
      expect(await rejects(() => t.db.post.whereBelongsTo(ada, "nope" as never))).toBeInstanceOf(RelationNotFoundError);
      expect(await rejects(() => t.db.post.whereBelongsTo([ada, 3] as never))).toBeInstanceOf(ValidationError);
    });
  });

  describe("whereAttachedTo / orWhereAttachedTo", () => {
    it("belongsToMany: the relation found from the rows' model, or named", async () => {
      expect(await values(t.db.user.whereAttachedTo(admin), "name")).toEqual(["Ada"]);
      expect(await values(t.db.user.whereAttachedTo([admin, viewer]), "name")).toEqual(["Ada", "Cy"]);
      expect(await values(t.db.user.whereAttachedTo(editor, "roles"), "name")).toEqual(["Ada", "Bob"]);
      // A plain object: the model has one many-to-many relation.
      expect(await values(t.db.user.whereAttachedTo({ id: viewer.id }), "name")).toEqual(["Cy"]);
      expect(await values(t.db.role.whereAttachedTo(bob), "name")).toEqual(["editor"]);
      expect(await values(t.db.role.whereAttachedTo([ada, cy]), "name")).toEqual(["admin", "editor", "viewer"]);
    });

    it("morphToMany / morphedByMany match the type column", async () => {
      expect(await values(t.db.post.whereAttachedTo(golang), "title")).toEqual(["P1", "P2"]);
      expect(await values(t.db.video.whereAttachedTo(golang), "title")).toEqual(["V3"]);
      expect(await values(t.db.post.whereAttachedTo([sqlTag, news]), "title")).toEqual(["P1"]);
      // From a tag: the relation is chosen by the rows' model (posts or videos).
      expect(await values(t.db.tag.whereAttachedTo(p1), "name")).toEqual(["golang", "sql"]);
      expect(await values(t.db.tag.whereAttachedTo(v1), "name")).toEqual(["news"]);
      expect(await values(t.db.tag.whereAttachedTo({ id: p3.id }, "videos"), "name")).toEqual(["golang"]);
      expect(await values(t.db.tag.whereAttachedTo({ id: p3.id }, "posts"), "name")).toEqual([]);
    });

    it("orWhereAttachedTo, and with other filters", async () => {
      expect(await values(t.db.user.where("name", "Bob").orWhereAttachedTo(viewer), "name")).toEqual(["Bob", "Cy"]);
      expect(await values(t.db.user.whereAttachedTo(editor).has("posts", ">=", 2), "name")).toEqual(["Ada"]);
      expect(
        await values(
          t.db.user.whereAttachedTo(editor).where((q) => q.whereAttachedTo(admin).orWhere("name", "Bob")),
          "name",
        ),
      ).toEqual(["Ada", "Bob"]);
    });

    it("invalid: empty, not a many-to-many relation, unknown relation, wrong or ambiguous rows", async () => {
      const empty = await rejects(() => t.db.user.whereAttachedTo([]));
      expect(empty).toBeInstanceOf(ValidationError);
      expect(empty.message).toContain("empty");
      const notPivot = await rejects(() => t.db.user.whereAttachedTo(admin, "posts" as never));
      expect(notPivot).toBeInstanceOf(RelationNotFoundError);
      expect(notPivot.relation).toBe("posts");
      expect([...notPivot.validRelations]).toEqual(["roles"]);
      expect(await rejects(() => t.db.user.whereAttachedTo(admin, "nope" as never))).toBeInstanceOf(
        RelationNotFoundError,
      );
      for (const fn of [
        () => t.db.user.whereAttachedTo(golang, "roles"), // a tag is not a role
        () => t.db.user.whereAttachedTo({ name: "x" }, "roles"), // no key
        () => t.db.tag.whereAttachedTo([p2, v1]), // posts or videos?
        () => t.db.tag.whereAttachedTo({ id: p1.id }), // which relation?
        () => t.db.post.whereAttachedTo(ada), // no many-to-many to users
        () => t.db.user.whereAttachedTo("admin" as never),
        () => (t.db.user as any).whereAttachedTo(admin, "roles", true),
        () => t.db.user.whereAttachedTo(admin, 3 as never),
      ]) {
        expect(await rejects(fn)).toBeInstanceOf(ValidationError);
      }
    });
  });

  describe("invalid morph filter arguments: before any SQL", () => {
    it("an unknown type, a relation that is not a morphTo, an unknown relation", async () => {
      const unknown = await rejects(() => t.db.comment.hasMorph("commentable", ["podcast" as never]));
      expect(unknown).toBeInstanceOf(ValidationError);
      expect(unknown.message).toContain("podcast");
      expect(unknown.message).toContain("post");
      for (const fn of [
        () => t.db.comment.doesntHaveMorph("commentable", ["user" as never]),
        () => t.db.comment.hasMorph("commentable", 5 as never),
        () => t.db.comment.hasMorph("commentable", [5] as never),
        () => t.db.comment.orHasMorph("commentable", undefined as never),
        () => t.db.post.hasMorph("comments" as never, ["comment"] as never),
        () => t.db.post.whereMorphRelation("author" as never, ["user"] as never, "name" as never, "x" as never),
        () => t.db.comment.orWhereDoesntHaveMorph("commentable", ["post"], "x" as never),
      ]) {
        expect(await rejects(fn)).toBeInstanceOf(ValidationError);
      }
      const notMorph = await rejects(() => t.db.post.hasMorph("comments" as never, ["comment"] as never));
      expect(notMorph.message).toContain("hasMorph");
      for (const fn of [
        () => t.db.comment.hasMorph("nope" as never, "*" as never),
        () => t.db.comment.whereMorphRelation("nope" as never, "*" as never, "id" as never, 1 as never),
        () => t.db.comment.orDoesntHaveMorph("nope" as never, "*" as never),
      ]) {
        expect(await rejects(fn)).toBeInstanceOf(RelationNotFoundError);
      }
    });

    it("a bad count or operator", async () => {
      for (const [op, n] of [
        ["like", 1],
        ["=>", 1],
        [">=", -1],
        [">=", 1.5],
        ["<", "2"],
      ] as const) {
        const error = await rejects(() => t.db.comment.hasMorph("commentable", "*", op as never, n as never));
        expect({ op, n, error: error instanceof ValidationError }).toEqual({ op, n, error: true });
      }
    });

    it("arity: extra arguments are refused", async () => {
      for (const fn of [
        () => (t.db.comment as any).hasMorph("commentable", ["post"], ">=", 1, "x"),
        () => (t.db.comment as any).orHasMorph("commentable", ["post"], ">=", 1, "x"),
        () => (t.db.comment as any).doesntHaveMorph("commentable", ["post"], (q: any) => q),
        () => (t.db.comment as any).orDoesntHaveMorph("commentable", ["post"], (q: any) => q),
        () => (t.db.comment as any).whereHasMorph("commentable", ["post"], undefined, ">="),
        () => (t.db.comment as any).whereDoesntHaveMorph("commentable", ["post"], (q: any) => q, ">="),
        () => (t.db.comment as any).orWhereDoesntHaveMorph("commentable", ["post"], (q: any) => q, ">="),
      ]) {
        const error = await rejects(fn);
        expect(error).toBeInstanceOf(ValidationError);
        expect(error.message).toMatch(/Morph\(relation, types/);
      }
    });

    it("whereMorphRelation: too few or too many arguments, a field a type lacks, a bad value", async () => {
      for (const fn of [
        () => (t.db.comment as any).whereMorphRelation("commentable", ["post"], "published"),
        () => (t.db.comment as any).orWhereMorphRelation("commentable", ["post"], "views", ">", 1, 2),
        () => (t.db.comment as any).whereMorphDoesntHaveRelation("commentable", ["post"]),
        () => (t.db.comment as any).orWhereMorphDoesntHaveRelation("commentable", ["post"], { title: "x" }, 1),
      ]) {
        const error = await rejects(fn);
        expect(error).toBeInstanceOf(ValidationError);
        expect(error.message).toContain("(relation, types, field, value)");
      }
      // Videos have no published field: checked on each listed type.
      const lacking = await rejects(() =>
        t.db.comment.whereMorphRelation("commentable", "*", "published" as never, true as never),
      );
      expect(lacking).toBeInstanceOf(ValidationError);
      expect(lacking.message).toContain("published");
      expect(
        await rejects(() => t.db.comment.whereMorphRelation("commentable", ["post"], "views", "many" as never)),
      ).toBeInstanceOf(ValidationError);
      expect(
        await rejects(() =>
          t.db.comment.whereMorphRelation("commentable", ["post"], "views", "like" as never, "1%" as never),
        ),
      ).toBeInstanceOf(ValidationError);
    });
  });
});
