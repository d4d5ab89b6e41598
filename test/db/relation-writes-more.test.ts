import { beforeEach, describe, expect, it } from "vitest";
import {
  belongsTo,
  defineSchema,
  hasMany,
  hasOne,
  id,
  integer,
  model,
  morphOne,
  morphTo,
  NotFoundError,
  string,
  UniqueConstraintError,
  ValidationError,
} from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { caught } from "../support/caught.js";
import { type Counter, statementHelpers } from "../support/statements.js";
import { dialect, returning, useTestDb } from "../support/test-db.js";

/**
 * The rest of Eloquent's relation API on `related(row, relation)`, on every database:
 * associate by row, key or null; a parent whose key is null (no SQL at all, withDefault
 * relations give their default carrying the parent's key); the attach family's statement
 * counts; make / firstOrNew on child relations; firstOrNew / firstOrCreate / updateOrCreate
 * through many-to-many relations; findOrFail; orderByPivot. Every write is checked against the
 * rows in the database, and the statements counted (BEGIN and COMMIT count).
 */

/** Statements a top-level transaction adds around its own (BEGIN and COMMIT are recorded). */
const TX = 2;

/** Statements an insert of one row costs: MySQL without RETURNING reads it back. */
const INSERT = returning ? 1 : 2;

function helpers(t: Counter & { readonly queries: readonly { sql: string }[] }) {
  const { exactly, noSql } = statementHelpers(t);
  /** The first word of each statement `fn` sends (`select`, `begin`, `insert`...), and what it returns. */
  const sent = async <T>(fn: () => Promise<T>): Promise<{ result: T; words: string[] }> => {
    const from = t.queries.length;
    const result = await fn();
    return { result, words: t.queries.slice(from).map((q) => q.sql.trim().split(/\s+/)[0]!.toLowerCase()) };
  };
  return { exactly, noSql, sent };
}

/** A ValidationError whose message names `...parts`. */
function expectValidation(error: unknown, ...parts: string[]): void {
  expect(error).toBeInstanceOf(ValidationError);
  for (const part of parts) expect((error as Error).message).toContain(part);
}

const plain = (rows: unknown): unknown => JSON.parse(JSON.stringify(rows));

/** A related row without its pivot timestamps (second-precision columns read back rounded). */
const withoutStamps = (row: any) => {
  const { createdAt: _c, updatedAt: _u, ...pivot } = row.pivot;
  return plain({ ...row, pivot });
};

describe(`related(row, relation): associate, null keys, counts and the new methods on ${dialect}`, () => {
  const t = useTestDb(blog);
  const { exactly, noSql, sent } = helpers(t);
  let uk: any, fr: any;
  let ada: any, bob: any, dee: any;
  let admin: any, editor: any;
  let p1: any, p2: any, v1: any;
  let js: any, news: any;
  let c1: any;

  /** role_user as [userId, roleId, grantedBy], ordered. */
  const roleUser = async () =>
    (
      await t.db.kysely
        .selectFrom("role_user")
        .select(["user_id", "role_id", "granted_by"])
        .orderBy("user_id")
        .orderBy("role_id")
        .execute()
    ).map((r) => [r.user_id, r.role_id, r.granted_by]);

  /** posts as [id, authorId], ordered. */
  const postAuthors = async () =>
    (await t.db.kysely.selectFrom("posts").select(["id", "author_id"]).orderBy("id").execute()).map((r) => [
      r.id,
      r.author_id,
    ]);

  /** comments as [id, type, id], ordered. */
  const commentTargets = async () =>
    (
      await t.db.kysely
        .selectFrom("comments")
        .select(["id", "commentable_type", "commentable_id"])
        .orderBy("id")
        .execute()
    ).map((r) => [r.id, r.commentable_type, r.commentable_id]);

  beforeEach(async () => {
    await t.truncate();
    const db = t.db;
    [uk, fr] = await db.country.createMany([
      { id: 1, name: "UK" },
      { id: 2, name: "France" },
    ]);
    [ada, bob, dee] = await db.user.createMany([
      { id: 1, email: "ada@example.dev", name: "Ada", countryId: 1 },
      { id: 2, email: "bob@example.dev", name: "Bob", countryId: 2 },
      { id: 3, email: "dee@example.dev", name: "Dee", countryId: null },
    ]);
    [admin, editor] = await db.role.createMany([
      { id: 1, name: "admin" },
      { id: 2, name: "editor" },
      { id: 3, name: "viewer" },
      { id: 4, name: "guest" },
    ]);
    [p1, p2] = await db.post.createMany([
      { id: 1, authorId: 1, title: "P1" },
      { id: 2, authorId: 1, title: "P2" },
      { id: 3, authorId: 2, title: "P3" },
    ]);
    [v1] = await db.video.createMany([{ id: 1, title: "V1" }]);
    [js, , news] = await db.tag.createMany([
      { id: 1, name: "js" },
      { id: 2, name: "sql" },
      { id: 3, name: "news" },
    ]);
    [c1] = await db.comment.createMany([{ id: 1, body: "on P1", commentableType: "post", commentableId: 1 }]);
    // Bob's pivot row, which no write on Ada's relation may touch.
    await db.kysely.insertInto("role_user").values({ user_id: 2, role_id: 1, granted_by: "bob's" }).execute();
    t.queries.length = 0;
  });

  // -------------------------------------------------------------------------------------------
  describe("associate through a belongsTo: a row, a key, or null", () => {
    it("associate(row) sets the key, saves it (one statement) and sets the relation property to the row", async () => {
      const post = await t.db.post.find(3);
      const returned = await exactly(1, () => t.db.post.related(post!, "author").associate(ada));
      expect(returned).toBe(post);
      expect(post).toMatchObject({ id: 3, authorId: 1, author: ada });
      expect((post as any).author).toBe(ada);
      expect(await postAuthors()).toEqual([
        [1, 1],
        [2, 1],
        [3, 1],
      ]);
    });

    it("associate(key) sets the key from a number, string or bigint and removes a stale relation property", async () => {
      const post: any = await t.db.post.with("author").where("id", 3).first();
      expect(post.author.name).toBe("Bob");
      await exactly(1, () => t.db.post.related(post, "author").associate(1));
      expect(post.authorId).toBe(1);
      expect("author" in post).toBe(false);
      expect(await postAuthors()).toEqual([
        [1, 1],
        [2, 1],
        [3, 1],
      ]);
      // A digit string and a bigint become the integer the column holds.
      await t.db.post.related(post, "author").associate("2");
      expect(post.authorId).toBe(2);
      await t.db.post.related(post, "author").associate(3n);
      expect(post.authorId).toBe(3);
      expect(await postAuthors()).toEqual([
        [1, 1],
        [2, 1],
        [3, 3],
      ]);
      // Read back through the relation: the owner the key names.
      expect(await t.db.post.related(post, "author").first()).toEqual(dee);
    });

    it("associate(null) dissociates: the key and the relation property become null", async () => {
      const user: any = await t.db.user.with("country").where("id", 2).first();
      expect(user.country).toEqual(fr);
      const returned = await exactly(1, () => t.db.user.related(user, "country").associate(null));
      expect(returned).toBe(user);
      expect([user.countryId, user.country]).toEqual([null, null]);
      expect((await t.db.user.find(2))!.countryId).toBeNull();
    });

    it("dissociate() sets the relation property to null; associate with { sync: false } changes memory only", async () => {
      const user: any = await t.db.user.with("country").where("id", 1).first();
      await exactly(0, () => t.db.user.related(user, "country").associate(fr, { sync: false }));
      expect([user.countryId, user.country]).toEqual([2, fr]);
      await exactly(0, () => t.db.user.related(user, "country").associate(1, { sync: false }));
      expect(user.countryId).toBe(1);
      expect("country" in user).toBe(false);
      await exactly(1, () => t.db.user.related(user, "country").dissociate());
      expect([user.countryId, user.country]).toEqual([null, null]);
      expect((await t.db.user.find(1))!.countryId).toBeNull();
      // Only the last, synced write reached the database.
      expect((await t.db.user.find(2))!.countryId).toBe(2);
    });

    it("associate(null) on a key that is not nullable: ValidationError before any SQL, nothing changes", async () => {
      const post: any = await t.db.post.find(1);
      expectValidation(await noSql(() => t.db.post.related(post, "author").associate(null)), "post.authorId");
      expect(post.authorId).toBe(1);
      expect(await postAuthors()).toEqual([
        [1, 1],
        [2, 1],
        [3, 2],
      ]);
    });

    it("bad input is a ValidationError before any SQL: a boolean, a list, a key of the wrong type, a row without its key", async () => {
      const post: any = await t.db.post.find(1);
      const author = t.db.post.related(post, "author") as any;
      expectValidation(await noSql(() => author.associate(true)), "post.author", "true");
      expectValidation(await noSql(() => author.associate(undefined)), "post.author");
      expectValidation(await noSql(() => author.associate([ada])), "post.author", "one row");
      expectValidation(await noSql(() => author.associate("abc")), "post.authorId");
      expectValidation(await noSql(() => author.associate(1.5)), "post.authorId");
      expectValidation(await noSql(() => author.associate({ name: "no id" })), "post.author", '"id"');
      expectValidation(await noSql(() => author.associate(1, { nope: true })), "nope");
      expect(post.authorId).toBe(1);
      expect(await postAuthors()).toEqual([
        [1, 1],
        [2, 1],
        [3, 2],
      ]);
    });
  });

  describe("associate through a morphTo: a row, a key with { model }, or null", () => {
    it("associate(row) sets the type and id and the relation property", async () => {
      await exactly(1, () => t.db.comment.related(c1, "commentable").associate(v1));
      expect(c1).toMatchObject({ commentableType: "video", commentableId: 1, commentable: v1 });
      expect(await commentTargets()).toEqual([[1, "video", 1]]);
    });

    it("associate(key, { model }) sets the model's type and the key; the stale property goes", async () => {
      const comment: any = await t.db.comment.with("commentable").where("id", 1).first();
      expect(comment.commentable.title).toBe("P1");
      await exactly(1, () => t.db.comment.related(comment, "commentable").associate(1, { model: "video" }));
      expect([comment.commentableType, comment.commentableId, "commentable" in comment]).toEqual(["video", 1, false]);
      expect(await commentTargets()).toEqual([[1, "video", 1]]);
      expect(await t.db.comment.related(comment, "commentable").first()).toEqual(v1);
    });

    it("a key without { model }, or naming a model that is not a target: ValidationError before any SQL", async () => {
      const commentable = t.db.comment.related(c1, "commentable");
      expectValidation(await noSql(() => commentable.associate(2)), "comment.commentable", "{ model }", "post, video");
      expectValidation(await noSql(() => commentable.associate(2, { model: "tag" })), '"tag"', "comment.commentable");
      expect(await commentTargets()).toEqual([[1, "post", 1]]);
    });

    it("associate(null) on non-nullable morph fields: ValidationError before any SQL", async () => {
      expectValidation(
        await noSql(() => t.db.comment.related(c1, "commentable").associate(null)),
        "comment.commentable",
      );
      expect(c1.commentableType).toBe("post");
    });
  });

  // -------------------------------------------------------------------------------------------
  describe("a parent whose key is null: no SQL, nothing read", () => {
    it("belongsTo with a null foreign key: every read and write of the handle sends nothing", async () => {
      const country = t.db.user.related(dee, "country");
      await exactly(0, async () => {
        expect(await country.get()).toBeNull();
        expect(await country.toArray()).toEqual([]);
        expect(await country.first()).toBeNull();
        expect(await country.count()).toBe(0);
        expect(await country.exists()).toBe(false);
        expect(await country.pluck("name")).toEqual([]);
        expect(await country.where("name", "UK").orWhere("name", "France").get()).toBeNull();
        expect(await country.with("users").toArray()).toEqual([]);
        expect(await country.paginate({ perPage: 2 })).toEqual({
          data: [],
          total: 0,
          page: 1,
          perPage: 2,
          lastPage: 1,
        });
        expect(await country.update({ name: "X" })).toBe(0);
        expect(await country.delete()).toBe(0);
        const streamed: unknown[] = [];
        for await (const row of country) streamed.push(row);
        expect(streamed).toEqual([]);
      });
      expect(await noSql(() => country.firstOrFail())).toBeInstanceOf(NotFoundError);
      // Arguments are still checked.
      expect(await noSql(() => country.update({ nope: 1 } as never))).toBeInstanceOf(ValidationError);
      expect(await t.db.country.orderBy("id").pluck("name")).toEqual(["UK", "France"]);
      // associate still works on it (the handle writes the row, not the related rows).
      await exactly(1, () => country.associate(uk));
      expect(dee.countryId).toBe(1);
    });

    it("hasMany, hasOne, many-to-many, morphMany and through relations of a parent with a null key", async () => {
      const unsaved: any = { id: null, email: "x@example.dev", name: "X" };
      await exactly(0, async () => {
        expect(await t.db.user.related(unsaved, "posts").get()).toEqual([]);
        expect(await t.db.user.related(unsaved, "posts").count()).toBe(0);
        expect(await t.db.user.related(unsaved, "profile").first()).toBeNull();
        expect(await t.db.user.related(unsaved, "roles").get()).toEqual([]);
        expect(await t.db.user.related(unsaved, "roles").count()).toBe(0);
        expect(await t.db.post.related({ id: null } as any, "comments").get()).toEqual([]);
        expect(await t.db.post.related({ id: null } as any, "tags").first()).toBeNull();
        expect(await t.db.country.related({ id: null } as any, "posts").get()).toEqual([]);
        expect(await t.db.country.related({ id: undefined, name: "x" }, "posts").count()).toBe(0);
        const pointsNowhere: any = { id: 9, commentableType: null, commentableId: null };
        expect(await t.db.comment.related(pointsNowhere, "commentable").get()).toBeNull();
        expect(await t.db.comment.related(pointsNowhere, "commentable").toArray()).toEqual([]);
        const typeOnly: any = { id: 9, commentableType: "post", commentableId: null };
        expect(await t.db.comment.related(typeOnly, "commentable").first()).toBeNull();
      });
      // Writes that need the key still say so, before any SQL.
      expectValidation(
        await noSql(() => t.db.user.related(unsaved, "posts").create({ title: "x" })),
        "user.posts",
        '"id"',
      );
      expectValidation(await noSql(() => t.db.user.related(unsaved, "roles").attach([1])), "user.roles", '"id"');
      // A row that lacks the key field (not read) is still a ValidationError asking for it.
      expect(await noSql(() => t.db.user.related({ name: "X" }, "posts"))).toBeInstanceOf(ValidationError);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe("the attach family: statement counts", () => {
    it("attach one new id: two statements (one read of the related rows and this parent's pivot rows, one INSERT)", async () => {
      const roles = t.db.user.related(ada, "roles");
      const { result, words } = await sent(() => roles.attach(2, { grantedBy: "root" }));
      expect(result).toEqual([2]);
      expect(words).toEqual(["select", "insert"]);
      // Already attached: the read alone. Several new ids: still one INSERT.
      expect(await exactly(2, () => roles.attach([1, 2, 3]))).toEqual([1, 3]);
      expect(await exactly(1, () => roles.attach([admin, editor]))).toEqual([]);
      expect(await exactly(0, () => roles.attach([]))).toEqual([]);
      expect(await roleUser()).toEqual([
        [1, 1, null],
        [1, 2, "root"],
        [1, 3, null],
        [2, 1, "bob's"],
      ]);
    });

    it("a missing key fails after the one read, before any write; a bad key before any SQL", async () => {
      const roles = t.db.user.related(ada, "roles");
      const { result: error, words } = await sent(() => caught(() => roles.attach([1, 99])));
      expectValidation(error, "user.roles", "99");
      expect(words).toEqual(["select"]);
      expectValidation(await noSql(() => roles.attach(["x"])), "roleId");
      expect(await roleUser()).toEqual([[2, 1, "bob's"]]);
    });

    it("syncWithoutDetaching / toggle / attach with nothing to do send nothing at all (no BEGIN either)", async () => {
      const roles = t.db.user.related(ada, "roles");
      await exactly(0, async () => {
        expect(await roles.syncWithoutDetaching([])).toEqual({ attached: [], detached: [], updated: [] });
        expect(await roles.syncWithoutDetaching(null)).toEqual({ attached: [], detached: [], updated: [] });
        expect(await roles.syncWithoutDetaching({})).toEqual({ attached: [], detached: [], updated: [] });
        expect(await roles.toggle([])).toEqual({ attached: [], detached: [] });
        expect(await roles.toggle(null)).toEqual({ attached: [], detached: [] });
        expect(await roles.detach([])).toBe(0);
      });
      await roles.attach({ 1: { grantedBy: "a" } });
      // Given values equal to the stored ones: the read, no write.
      expect(await exactly(1, () => roles.syncWithoutDetaching({ 1: { grantedBy: "a" } }))).toEqual({
        attached: [],
        detached: [],
        updated: [],
      });
      expect(await exactly(1, () => roles.sync([1]))).toEqual({ attached: [], detached: [], updated: [] });
      expect(await roleUser()).toEqual([
        [1, 1, "a"],
        [2, 1, "bob's"],
      ]);
    });

    it("sync([]) and sync(null) detach everything: the read, one DELETE; nothing attached: the read alone", async () => {
      const roles = t.db.user.related(ada, "roles");
      await roles.attach([1, 2]);
      const { result, words } = await sent(() => roles.sync([]));
      expect({ ...result, detached: [...result.detached].sort() }).toEqual({
        attached: [],
        detached: [1, 2],
        updated: [],
      });
      expect(words).toEqual(["select", "delete"]);
      expect(await exactly(1, () => roles.sync(null))).toEqual({ attached: [], detached: [], updated: [] });
      expect(await roleUser()).toEqual([[2, 1, "bob's"]]);
    });

    it("several writes run atomically after the read (one WITH on PostgreSQL, a transaction elsewhere); each part checked in the database", async () => {
      const inOne = dialect === "postgres";
      const roles = t.db.user.related(ada, "roles");
      await roles.attach({ 1: { grantedBy: "a" }, 2: { grantedBy: "b" } });
      const synced = await sent(() => roles.sync({ 2: { grantedBy: "B" }, 3: {} }));
      expect(synced.result).toEqual({ attached: [3], detached: [1], updated: [2] });
      expect(synced.words).toEqual(
        inOne ? ["select", "with"] : ["select", "begin", "delete", "insert", "update", "commit"],
      );
      expect(await roleUser()).toEqual([
        [1, 2, "B"],
        [1, 3, null],
        [2, 1, "bob's"],
      ]);
      const toggled = await sent(() => roles.toggle([3, 4]));
      expect(toggled.result).toEqual({ attached: [4], detached: [3] });
      expect(toggled.words).toEqual(inOne ? ["select", "with"] : ["select", "begin", "delete", "insert", "commit"]);
      expect(await roleUser()).toEqual([
        [1, 2, "B"],
        [1, 4, null],
        [2, 1, "bob's"],
      ]);
    });

    it("a toggle attaching a key that is no related row fails after the read, detaching nothing", async () => {
      const roles = t.db.user.related(ada, "roles");
      await roles.attach([3]);
      const { result: error, words } = await sent(() => caught(() => roles.toggle([3, 42])));
      expectValidation(error, "user.roles", "42");
      expect(words).toEqual(["select"]);
      expect(await roleUser()).toEqual([
        [1, 3, null],
        [2, 1, "bob's"],
      ]);
      expect(await exactly(2, () => roles.toggle([3]))).toEqual({ attached: [], detached: [3] });
      expect(await roleUser()).toEqual([[2, 1, "bob's"]]);
    });

    it("the morph pivot: one read and one INSERT, the other type's rows untouched", async () => {
      await t.db.video.related(v1, "tags").attach([1]);
      const tags = t.db.post.related(p1, "tags");
      expect(await exactly(2, () => tags.attach([js, news]))).toEqual([1, 3]);
      expect(await exactly(1, () => tags.attach([1]))).toEqual([]);
      const rows = await t.db.kysely
        .selectFrom("taggables")
        .select(["tag_id", "taggable_type", "taggable_id"])
        .orderBy("taggable_type")
        .orderBy("tag_id")
        .execute();
      expect(rows.map((r) => [r.tag_id, r.taggable_type, r.taggable_id])).toEqual([
        [1, "post", 1],
        [3, "post", 1],
        [1, "video", 1],
      ]);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe("make and firstOrNew through child relations", () => {
    it("make: an unsaved child with the relation's keys, no SQL; creating it stores it so", async () => {
      const made = await exactly(0, async () => t.db.user.related(ada, "posts").make({ title: "Draft" }));
      expect(made).toEqual({ title: "Draft", authorId: 1 });
      const comment = await exactly(0, async () => t.db.post.related(p2, "comments").make({ body: "hi" }));
      expect(comment).toEqual({ body: "hi", commentableType: "post", commentableId: 2 });
      expect(t.db.user.related(ada, "profile").make()).toEqual({ userId: 1 });
      // Explicit ids throughout (PostgreSQL's sequences have not moved): stored as made.
      const saved = await t.db.post.create({ ...made, id: 50 });
      expect(saved).toMatchObject({ id: 50, title: "Draft", authorId: 1 });
      expect((await t.db.post.where("title", "Draft").first())!.authorId).toBe(1);
    });

    it("make: bad values, a parent without its key, or a relation without children: ValidationError, no SQL", async () => {
      expectValidation(await noSql(() => t.db.user.related(ada, "posts").make({ nope: 1 } as never)), '"nope"', "post");
      expectValidation(
        await noSql(() => t.db.user.related(ada, "posts").make({ views: "many" } as never)),
        "post.views",
      );
      expectValidation(await noSql(() => t.db.user.related(ada, "posts").make([] as never)), "make");
      expectValidation(await noSql(() => t.db.user.related({ id: null } as any, "posts").make({ title: "x" })), '"id"');
      // @ts-expect-error a BelongsToHandle has no make: this checks the error a plain JS caller gets
      expectValidation(await noSql(() => t.db.post.related(p1, "author").make({})), "post.author", "belongsTo");
      // @ts-expect-error a ManyToManyHandle has no make: this checks the error a plain JS caller gets
      expectValidation(await noSql(() => t.db.user.related(ada, "roles").make({})), "user.roles", "belongsToMany");
    });

    it("firstOrNew: the parent's matching child (one statement) or an unsaved one with the keys set, not stored", async () => {
      const posts = t.db.user.related(ada, "posts");
      expect(await exactly(1, () => posts.firstOrNew({ title: "P2" }, { body: "x" }))).toEqual(p2);
      // Bob's P3 is not Ada's.
      const fresh = await exactly(1, () => posts.firstOrNew({ title: "P3" }, { body: "x" }));
      expect(fresh).toEqual({ title: "P3", body: "x", authorId: 1 });
      expect(await t.db.post.count()).toBe(3);
      const profile = await t.db.user.related(bob, "profile").firstOrNew({ bio: "hi" });
      expect(profile).toEqual({ bio: "hi", userId: 2 });
      expectValidation(await noSql(() => posts.firstOrNew({ nope: 1 } as never)), '"nope"');
      expectValidation(await noSql(() => posts.firstOrNew({ title: "x" }, 3 as never)), "values");
      // @ts-expect-error a BelongsToHandle has no firstOrNew: this checks the error a plain JS caller gets
      expectValidation(await noSql(() => t.db.post.related(p1, "author").firstOrNew({})), "post.author");
    });
  });

  // -------------------------------------------------------------------------------------------
  describe("firstOrNew / firstOrCreate / updateOrCreate through many-to-many", () => {
    it("firstOrNew: the related row with its pivot, or an unsaved row (not attached, not stored)", async () => {
      const roles = t.db.user.related(ada, "roles");
      await roles.attach({ 2: { grantedBy: "root" } });
      const found: any = await exactly(1, () => roles.firstOrNew({ name: "editor" }));
      expect(found).toMatchObject({ id: 2, name: "editor", pivot: { userId: 1, roleId: 2, grantedBy: "root" } });
      // admin exists but is not Ada's: firstOrNew does not attach it.
      expect(await exactly(1, () => roles.firstOrNew({ name: "admin" }, { id: 9 }))).toEqual({ name: "admin", id: 9 });
      expect(await roleUser()).toEqual([
        [1, 2, "root"],
        [2, 1, "bob's"],
      ]);
    });

    it("firstOrCreate: found among the related rows (in a transaction, nothing written)", async () => {
      const roles = t.db.user.related(ada, "roles");
      await roles.attach({ 2: { grantedBy: "root" } });
      const found: any = await exactly(TX + 1, () => roles.firstOrCreate({ name: "editor" }, {}, { grantedBy: "x" }));
      expect(found).toMatchObject({ id: 2, name: "editor", pivot: { grantedBy: "root" } });
      expect(await roleUser()).toEqual([
        [1, 2, "root"],
        [2, 1, "bob's"],
      ]);
    });

    it("firstOrCreate: an existing row of the related model is attached with the pivot values", async () => {
      const roles = t.db.user.related(ada, "roles");
      const before = Date.now();
      const row: any = await exactly(TX + 3, () => roles.firstOrCreate({ name: "viewer" }, {}, { grantedBy: "hr" }));
      expect(row).toMatchObject({ id: 3, name: "viewer", pivot: { userId: 1, roleId: 3, grantedBy: "hr" } });
      expect(row.pivot.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(await t.db.role.count()).toBe(4);
      expect(await roleUser()).toEqual([
        [1, 3, "hr"],
        [2, 1, "bob's"],
      ]);
      // What it returned is what a read gives.
      const [read]: any[] = await roles.get();
      expect(withoutStamps(read)).toEqual(withoutStamps(row));
    });

    it("firstOrCreate: a row nowhere is created and attached, in one transaction", async () => {
      const roles = t.db.user.related(ada, "roles");
      const row: any = await exactly(TX + 2 + INSERT + 1, () =>
        roles.firstOrCreate({ name: "owner" }, { id: 10 }, { grantedBy: "root" }),
      );
      expect(row).toMatchObject({ id: 10, name: "owner", pivot: { userId: 1, roleId: 10, grantedBy: "root" } });
      expect(await t.db.role.where("name", "owner").count()).toBe(1);
      expect(await roleUser()).toEqual([
        [1, 10, "root"],
        [2, 1, "bob's"],
      ]);
      const [read]: any[] = await roles.get();
      expect(withoutStamps(read)).toEqual(withoutStamps(row));
    });

    it("firstOrCreate failing on the pivot insert leaves nothing written (the created row rolled back)", async () => {
      // A stale pivot row for post 20 (the morph side has no foreign key to refuse it).
      await t.db.kysely.insertInto("taggables").values({ tag_id: 1, taggable_type: "post", taggable_id: 20 }).execute();
      const error = await caught(() =>
        t.db.tag.related(js, "posts").firstOrCreate({ title: "ghost" }, { id: 20, authorId: 1 }),
      );
      expect(error).toBeInstanceOf(UniqueConstraintError);
      expect(await t.db.post.where("title", "ghost").count()).toBe(0);
      // Bad pivot values are refused before the first statement.
      expectValidation(
        await noSql(() =>
          t.db.user.related(ada, "roles").firstOrCreate({ name: "ghost" }, {}, { grantedBy: "x".repeat(300) }),
        ),
        "grantedBy",
      );
      expect(
        await noSql(() => t.db.user.related(ada, "roles").firstOrCreate({ name: "ghost" }, {}, { nope: 1 })),
      ).toBeInstanceOf(ValidationError);
    });

    it("a morph pivot: created from the tag's side with the morph type", async () => {
      const post: any = await t.db.tag
        .related(news, "posts")
        .firstOrCreate({ title: "fresh" }, { id: 30, authorId: 2 });
      expect(post).toMatchObject({ id: 30, title: "fresh", authorId: 2, pivot: { tagId: 3, taggableId: 30 } });
      const rows = await t.db.kysely.selectFrom("taggables").selectAll().where("taggable_id", "=", 30).execute();
      expect(rows).toEqual([{ tag_id: 3, taggable_type: "post", taggable_id: 30 }]);
    });

    it("updateOrCreate: a related row gets the values and the pivot values; others are attached or created", async () => {
      const roles = t.db.user.related(ada, "roles");
      await roles.attach({ 2: { grantedBy: "root" } });
      const updated: any = await roles.updateOrCreate(
        { name: "editor" },
        { name: "chief editor" },
        { grantedBy: "hr" },
      );
      expect(updated).toMatchObject({ id: 2, name: "chief editor", pivot: { roleId: 2, grantedBy: "hr" } });
      expect((await t.db.role.find(2))!.name).toBe("chief editor");
      // Found on the related model (not Ada's yet): updated and attached.
      const attached: any = await roles.updateOrCreate({ name: "viewer" }, { name: "reader" }, { grantedBy: "x" });
      expect(attached).toMatchObject({ id: 3, name: "reader", pivot: { grantedBy: "x" } });
      // Nowhere: created with both sets of values.
      const created: any = await roles.updateOrCreate({ name: "auditor" }, { id: 12 });
      expect(created).toMatchObject({ id: 12, name: "auditor", pivot: { userId: 1, roleId: 12, grantedBy: null } });
      expect(await roleUser()).toEqual([
        [1, 2, "hr"],
        [1, 3, "x"],
        [1, 12, null],
        [2, 1, "bob's"],
      ]);
      expect(await t.db.role.orderBy("id").pluck("name")).toEqual([
        "admin",
        "chief editor",
        "reader",
        "guest",
        "auditor",
      ]);
    });

    it("through a chained handle: its conditions hold (grouped), and a row attached outside them is not attached twice", async () => {
      const roles = t.db.user.related(ada, "roles");
      await roles.attach([1, 2]);
      // "id > 1 or id = 2" as one group, then the match: editor is found (an orWhere does not escape).
      const editorRow: any = await exactly(TX + 1, () =>
        roles.where("id", ">", 1).orWhere("id", 2).firstOrCreate({ name: "editor" }),
      );
      expect(editorRow).toMatchObject({ id: 2, pivot: { roleId: 2 } });
      // admin is Ada's but not under "id > 1": found on the model, seen attached, returned as it is.
      const adminRow: any = await roles.where("id", ">", 1).firstOrCreate({ name: "admin" });
      expect(adminRow).toMatchObject({ id: 1, name: "admin", pivot: { userId: 1, roleId: 1 } });
      expect(await roleUser()).toEqual([
        [1, 1, null],
        [1, 2, null],
        [2, 1, "bob's"],
      ]);
    });

    it("bad input: ValidationError before any SQL; on a child relation pivot values are refused", async () => {
      const roles = t.db.user.related(ada, "roles");
      expectValidation(await noSql(() => roles.firstOrCreate({ nope: 1 } as never)), '"nope"');
      expectValidation(await noSql(() => roles.firstOrCreate({ name: "x" }, { name: 5 } as never)), "role.name");
      expectValidation(
        await noSql(() => roles.updateOrCreate({ name: "x" }, {}, { grantedBy: 5 } as never)),
        "grantedBy",
      );
      expectValidation(await noSql(() => roles.firstOrCreate("x" as never)), "attributes");
      expectValidation(
        await noSql(() => t.db.user.related({ id: null } as any, "roles").firstOrCreate({ name: "x" })),
        '"id"',
      );
      expectValidation(
        // @ts-expect-error a HasManyHandle's firstOrCreate takes no pivot values: this checks the error a plain JS caller gets
        await noSql(() => t.db.user.related(ada, "posts").firstOrCreate({ title: "x" }, {}, { grantedBy: "x" })),
        "user.posts",
        "pivot values",
      );
      expect(await roleUser()).toEqual([[2, 1, "bob's"]]);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe("findOrFail", () => {
    it("hasMany: one key gives the row, keys give the rows; a key that is not a related row is a NotFoundError", async () => {
      const posts = t.db.user.related(ada, "posts");
      expect(await exactly(1, () => posts.findOrFail(2))).toEqual(p2);
      expect(await exactly(1, () => posts.orderBy("id").findOrFail([2, 1, 2]))).toEqual([p1, p2]);
      const missing = await caught(() => posts.findOrFail([1, 3, 7]));
      expect(missing).toBeInstanceOf(NotFoundError);
      expect(missing.message).toContain("user.posts");
      expect(missing.message).toContain("3, 7");
      expect(await caught(() => posts.findOrFail(3))).toBeInstanceOf(NotFoundError);
      expect(await exactly(0, () => posts.findOrFail([]))).toEqual([]);
      // The handle's conditions hold.
      expect(await caught(() => posts.where("title", "P1").findOrFail([1, 2]))).toBeInstanceOf(NotFoundError);
    });

    it("many-to-many (rows with their pivot) and through relations", async () => {
      await t.db.user.related(ada, "roles").attach({ 1: { grantedBy: "a" }, 3: {} });
      const roles: any[] = await exactly(1, () => t.db.user.related(ada, "roles").orderBy("id").findOrFail([3, 1]));
      expect(roles.map((r) => [r.id, r.pivot.grantedBy])).toEqual([
        [1, "a"],
        [3, null],
      ]);
      const missing = await caught(() => t.db.user.related(ada, "roles").findOrFail([2, 3]));
      expect(missing).toBeInstanceOf(NotFoundError);
      expect(missing.message).toContain("2");
      expect((await t.db.country.related(uk, "posts").findOrFail(1)).title).toBe("P1");
      expect(await caught(() => t.db.country.related(fr, "posts").findOrFail([1]))).toBeInstanceOf(NotFoundError);
    });

    it("a key of the wrong type, an object or null: ValidationError before any SQL", async () => {
      const posts = t.db.user.related(ada, "posts");
      expect(await noSql(() => posts.findOrFail("x" as never))).toBeInstanceOf(ValidationError);
      expect(await noSql(() => posts.findOrFail([1, null] as never))).toBeInstanceOf(ValidationError);
      expect(await noSql(() => posts.findOrFail({ id: 1 } as never))).toBeInstanceOf(ValidationError);
      expect(await noSql(() => (posts as any).findOrFail(1, 2))).toBeInstanceOf(ValidationError);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe("orderByPivot", () => {
    beforeEach(async () => {
      await t.db.user
        .related(ada, "roles")
        .attach({ 1: { grantedBy: "c" }, 2: { grantedBy: "a" }, 3: { grantedBy: "b" } });
      await t.db.user.related(bob, "roles").attach({ 2: { grantedBy: "z" }, 3: { grantedBy: "y" } });
      t.queries.length = 0;
    });

    it("on the handle: sorts by a pivot field, one statement, chaining and paging keep it", async () => {
      const roles = t.db.user.related(ada, "roles");
      const names = (rows: any[]) => rows.map((r) => `${r.name}:${r.pivot.grantedBy}`);
      expect(names(await exactly(1, () => roles.orderByPivot("grantedBy").get()))).toEqual([
        "editor:a",
        "viewer:b",
        "admin:c",
      ]);
      expect(names(await roles.orderByPivot("grantedBy", "desc").limit(2).get())).toEqual(["admin:c", "viewer:b"]);
      expect(names(await roles.where("id", ">", 1).orderByPivot("grantedBy", "desc").get())).toEqual([
        "viewer:b",
        "editor:a",
      ]);
      const page = await roles.orderByPivot("grantedBy").paginate({ page: 2, perPage: 2 });
      expect([names(page.data), page.total]).toEqual([["admin:c"], 3]);
      const first: any = await roles.orderByPivot("grantedBy", "desc").first();
      expect(first.name).toBe("admin");
    });

    it("in a with() constraint, under both loading strategies, and per parent with a limit", async () => {
      for (const how of ["query", "join"] as const) {
        const users: any[] = await t.db.user
          .with("roles", (q) => q.orderByPivot("grantedBy", "desc"))
          .whereIn("id", [1, 2])
          .orderBy("id")
          .strategy(how)
          .get();
        expect(users.map((u) => u.roles.map((r: any) => r.pivot.grantedBy))).toEqual([
          ["c", "b", "a"],
          ["z", "y", "bob's"],
        ]);
        const limited: any[] = await t.db.user
          .with("roles", (q) => q.orderByPivot("grantedBy").limit(1))
          .whereIn("id", [1, 2])
          .orderBy("id")
          .strategy(how)
          .get();
        expect(limited.map((u) => u.roles.map((r: any) => r.name))).toEqual([["editor"], ["admin"]]);
      }
      // Nested below another relation, from the role's side (the pivot of role.users).
      const roles: any[] = await t.db.role
        .with("users", (q) => q.orderByPivot("userId", "desc"))
        .where("id", 2)
        .get();
      expect(roles[0].users.map((u: any) => u.id)).toEqual([2, 1]);
    });

    it("on the morph pivot (post.tags), by a key column of the pivot", async () => {
      await t.db.post.related(p1, "tags").attach([3, 1]);
      const tags = await t.db.post.related(p1, "tags").orderByPivot("tagId", "desc").get();
      expect(tags.map((tag) => tag.name)).toEqual(["news", "js"]);
    });

    it("an unknown pivot field, a bad direction, or a relation without a pivot: ValidationError before any SQL", async () => {
      const roles = t.db.user.related(ada, "roles");
      expectValidation(await noSql(() => roles.orderByPivot("nope")), '"nope"');
      expectValidation(await noSql(() => roles.orderByPivot("grantedBy", "up" as never)), "asc");
      expectValidation(
        // @ts-expect-error orderByPivot takes no field on a hasMany handle: this checks the error a plain JS caller gets
        await noSql(() => t.db.user.related(ada, "posts").orderByPivot("x")),
        "orderByPivot",
        "user.posts",
      );
      expectValidation(
        // A type error too (no pivot on a hasMany): plain JS callers get the ValidationError.
        await noSql(() => t.db.user.with("posts", (q) => q.orderByPivot("x" as never)).get()),
        "orderByPivot",
        "many-to-many",
      );
      expect(await noSql(() => t.db.user.orderByPivot("x" as never).get())).toBeInstanceOf(ValidationError);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// withDefault: first() gives the default, carrying the parent's key
// ---------------------------------------------------------------------------------------------

const defaults = defineSchema(
  {
    account: model({
      table: "accounts",
      fields: { id: id(), handle: string().unique().nullable(), name: string() },
      relations: {
        setting: hasOne("setting", {
          foreignKey: "accountHandle",
          localKey: "handle",
          withDefault: { theme: "system" },
        }),
        plainSetting: hasOne("setting", { foreignKey: "accountHandle", localKey: "handle" }),
        avatar: morphOne("image", { morphName: "imageable", withDefault: true }),
        notes: hasMany("setting", { foreignKey: "accountHandle", localKey: "handle" }),
      },
    }),
    setting: model({
      table: "settings",
      fields: { id: id(), accountHandle: string().nullable(), theme: string() },
      relations: {
        account: belongsTo("account", {
          foreignKey: "accountHandle",
          ownerKey: "handle",
          withDefault: { name: "Guest" },
        }),
      },
    }),
    image: model({
      table: "images",
      fields: { id: id(), url: string(), imageableType: string(), imageableId: integer() },
    }),
  },
  { casing: "snake_case" },
);

describe(`withDefault relations through related(row, relation) on ${dialect}`, () => {
  const t = useTestDb(defaults);
  const { exactly } = helpers(t);
  let ann: any, ben: any, nobody: any;
  let annSetting: any, orphan: any;

  beforeEach(async () => {
    await t.truncate();
    [ann, ben, nobody] = await t.db.account.createMany([
      { id: 1, handle: "ann", name: "Ann" },
      { id: 2, handle: "ben", name: "Ben" },
      { id: 3, handle: null, name: "Nobody" },
    ]);
    [annSetting, orphan] = await t.db.setting.createMany([
      { id: 1, accountHandle: "ann", theme: "dark" },
      { id: 2, accountHandle: null, theme: "light" },
    ]);
    await t.db.image.create({ id: 1, url: "ann.png", imageableType: "account", imageableId: 1 });
    t.queries.length = 0;
  });

  it("a related row is the row; none is the default with the relation's keys set (one statement)", async () => {
    expect(await exactly(1, () => t.db.account.related(ann, "setting").first())).toEqual(annSetting);
    expect(await exactly(1, () => t.db.account.related(ben, "setting").first())).toEqual({
      theme: "system",
      accountHandle: "ben",
    });
    expect(await t.db.account.related(ben, "avatar").first()).toEqual({ imageableType: "account", imageableId: 2 });
    expect(await t.db.account.related(ben, "plainSetting").first()).toBeNull();
    // Each call gets its own copy.
    const a: any = await t.db.account.related(ben, "setting").first();
    a.theme = "changed";
    expect(await t.db.account.related(ben, "setting").first()).toEqual({ theme: "system", accountHandle: "ben" });
    // A to-one get() is first(): the default too. toArray() and firstOrFail() read the rows themselves.
    expect(await t.db.account.related(ben, "setting").get()).toEqual({ theme: "system", accountHandle: "ben" });
    expect(await t.db.account.related(ben, "setting").toArray()).toEqual([]);
    expect(await caught(() => t.db.account.related(ben, "setting").firstOrFail())).toBeInstanceOf(NotFoundError);
  });

  it("a null key: the default with no SQL (the key null); without withDefault null", async () => {
    expect(await exactly(0, () => t.db.account.related(nobody, "setting").first())).toEqual({
      theme: "system",
      accountHandle: null,
    });
    expect(await exactly(0, () => t.db.account.related(nobody, "plainSetting").first())).toBeNull();
    expect(await exactly(0, () => t.db.account.related(nobody, "notes").get())).toEqual([]);
    expect(await exactly(0, () => t.db.setting.related(orphan, "account").first())).toEqual({ name: "Guest" });
    expect(await exactly(0, () => t.db.setting.related(orphan, "account").count())).toBe(0);
    expect(await exactly(1, () => t.db.setting.related(annSetting, "account").first())).toEqual(ann);
  });

  it("eager loading gives the same default for a parent with no related row", async () => {
    const rows: any[] = await t.db.account.with("setting").orderBy("id").get();
    expect(rows.map((r) => r.setting.theme)).toEqual(["dark", "system", "system"]);
  });
});

// morphTo withDefault through related(row, relation): the default, as eager loading gives it
// ---------------------------------------------------------------------------------------------

const morphDefaults = defineSchema(
  {
    account: model({ table: "accounts", fields: { id: id(), name: string() } }),
    image: model({
      table: "images",
      fields: { id: id(), url: string(), imageableType: string().nullable(), imageableId: integer().nullable() },
      relations: { imageable: morphTo({ types: ["account"], withDefault: { name: "Guest" } }) },
    }),
  },
  { casing: "snake_case" },
);

describe(`a morphTo withDefault through related(row, relation) on ${dialect}`, () => {
  const t = useTestDb(morphDefaults);
  const { exactly } = helpers(t);

  it("first() gives the default when the target is missing or the type is null", async () => {
    await t.truncate();
    const ann = await t.db.account.create({ name: "Ann" });
    const [own, gone, none] = await t.db.image.createMany([
      { url: "a.png", imageableType: "account", imageableId: ann.id },
      { url: "b.png", imageableType: "account", imageableId: ann.id + 100 },
      { url: "c.png", imageableType: null, imageableId: null },
    ]);
    t.queries.length = 0;
    expect(await exactly(1, () => t.db.image.related(own!, "imageable").first())).toEqual(ann);
    expect(await exactly(1, () => t.db.image.related(gone!, "imageable").first())).toEqual({ name: "Guest" });
    expect(await exactly(0, () => t.db.image.related(none!, "imageable").first())).toEqual({ name: "Guest" });
    const loaded: any[] = await t.db.image.with("imageable").orderBy("id").get();
    expect(loaded.map((row) => row.imageable)).toEqual([ann, { name: "Guest" }, { name: "Guest" }]);
  });
});
