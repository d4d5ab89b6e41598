import { beforeEach, describe, expect, it } from "vitest";
import {
  belongsToMany,
  defineSchema,
  hasMany,
  id,
  integer,
  manyToMany,
  model,
  morphMany,
  morphTo,
  string,
  timestamp,
  UniqueConstraintError,
  ValidationError,
} from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { caught } from "../support/caught.js";
import { statementHelpers } from "../support/statements.js";
import { dialect, useTestDb } from "../support/test-db.js";

/**
 * Writes through `db.<model>.related(row, relation)` on every database: attach / detach / sync /
 * syncWithoutDetaching / toggle / updateExistingPivot on many-to-many and morph-to-many relations
 * (bare pivot tables, polymorphic pivots, join models, pivotWhere), and associate / dissociate on
 * belongsTo, morphTo and hasMany. Every write is checked against the rows in the database
 * afterwards (read with raw Kysely or through relata), not only against what it returned; a write
 * that fails in the middle must leave the database exactly as before.
 * Every row gets an explicit id so that a post and a video share ids (the morph type must tell
 * them apart) and the expected values can be written out.
 */

/** A ValidationError whose message names `...parts`. */
function expectValidation(error: unknown, ...parts: string[]): void {
  expect(error).toBeInstanceOf(ValidationError);
  for (const part of parts) expect((error as Error).message).toContain(part);
}

/** Numeric order for key lists whose order the contract does not fix (keys read back from the pivot). */
const sorted = (keys: readonly unknown[]) => [...keys].sort((a, b) => Number(a) - Number(b));

/** A Date within [before - 1s, after + 1s] (second-precision columns may round down). */
function expectNow(value: unknown, before: number, after: number): void {
  expect(value).toBeInstanceOf(Date);
  const time = (value as Date).getTime();
  expect(time).toBeGreaterThanOrEqual(before - 1000);
  expect(time).toBeLessThanOrEqual(after + 1000);
}

const OLD = new Date("2001-02-03T04:05:06.000Z");

// ---------------------------------------------------------------------------------------------
// The blog fixture: user.roles (bare pivot, pivot field + timestamps), post/video.tags and
// tag.posts/videos (polymorphic pivot), user.country / post.author (belongsTo), comment.commentable
// (morphTo), country.users and user.posts (hasMany)
// ---------------------------------------------------------------------------------------------

describe(`related(row, relation) writes on the blog on ${dialect}`, () => {
  const t = useTestDb(blog);
  const { exactly, noSql } = statementHelpers(t);
  let uk: any, fr: any;
  let ada: any, bob: any, cy: any;
  let admin: any, editor: any, viewer: any, guest: any;
  let p1: any, p2: any, v1: any, v2: any;
  let js: any, sqlTag: any, news: any;
  let c1: any, c2: any;

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

  /** taggables as [tagId, type, taggableId], ordered. */
  const taggables = async () =>
    (
      await t.db.kysely
        .selectFrom("taggables")
        .select(["tag_id", "taggable_type", "taggable_id"])
        .orderBy("tag_id")
        .orderBy("taggable_type")
        .orderBy("taggable_id")
        .execute()
    ).map((r) => [r.tag_id, r.taggable_type, r.taggable_id]);

  /** A user's roles read back through relata (eager loaded, so with their pivot data), by id. */
  const rolesOf = async (user: any): Promise<any[]> =>
    (
      (await t.db.user
        .with("roles", (q) => q.orderBy("id"))
        .where("id", user.id)
        .first()) as any
    ).roles;

  /** users as [id, countryId], ordered. */
  const userCountries = async () =>
    (await t.db.kysely.selectFrom("users").select(["id", "country_id"]).orderBy("id").execute()).map((r) => [
      r.id,
      r.country_id,
    ]);

  beforeEach(async () => {
    await t.truncate();
    const db = t.db;
    [uk, fr] = await db.country.createMany([
      { id: 1, name: "UK" },
      { id: 2, name: "France" },
    ]);
    [ada, bob, cy] = await db.user.createMany([
      { id: 1, email: "ada@example.dev", name: "Ada", countryId: 1 },
      { id: 2, email: "bob@example.dev", name: "Bob", countryId: 1 },
      { id: 3, email: "cy@example.dev", name: "Cy", countryId: null },
    ]);
    [admin, editor, viewer, guest] = await db.role.createMany([
      { id: 1, name: "admin" },
      { id: 2, name: "editor" },
      { id: 3, name: "viewer" },
      { id: 4, name: "guest" },
    ]);
    [p1, p2] = await db.post.createMany([
      { id: 1, authorId: 1, title: "P1" },
      { id: 2, authorId: 2, title: "P2" },
    ]);
    [v1, v2] = await db.video.createMany([
      { id: 1, title: "V1" },
      { id: 2, title: "V2" },
    ]);
    [js, sqlTag, news] = await db.tag.createMany([
      { id: 1, name: "js" },
      { id: 2, name: "sql" },
      { id: 3, name: "news" },
    ]);
    [c1, c2] = await db.comment.createMany([
      { id: 1, body: "on P1", commentableType: "post", commentableId: 1 },
      { id: 2, body: "on V1", commentableType: "video", commentableId: 1 },
    ]);
    // Another parent's pivot rows, which no write on Ada's (or P1's) relation may touch.
    await db.kysely.insertInto("role_user").values({ user_id: 2, role_id: 1, granted_by: "bob's" }).execute();
    await db.kysely
      .insertInto("taggables")
      .values([
        { tag_id: 1, taggable_type: "video", taggable_id: 1 },
        { tag_id: 2, taggable_type: "post", taggable_id: 2 },
      ])
      .execute();
    t.queries.length = 0;
  });

  it("the premise: posts and videos share ids", () => {
    expect([p1.id, p2.id]).toEqual([v1.id, v2.id]);
    expect([ada.id, bob.id, cy.id, admin.id, guest.id, js.id, news.id]).toEqual([1, 2, 3, 1, 4, 1, 3]);
  });

  describe("attach (belongsToMany over role_user, pivot field grantedBy, timestamps)", () => {
    it("by key, by keys, by row, by rows: returns the keys attached, the pivot holds them", async () => {
      const roles = t.db.user.related(ada, "roles");
      expect(await exactly(2, () => roles.attach(1))).toEqual([1]);
      expect(await roles.attach([2, 3])).toEqual([2, 3]);
      expect(await roleUser()).toEqual([
        [1, 1, null],
        [1, 2, null],
        [1, 3, null],
        [2, 1, "bob's"],
      ]);
      const cyRoles = t.db.user.related(cy, "roles");
      expect(await cyRoles.attach(guest)).toEqual([4]);
      expect(await cyRoles.attach([admin, viewer])).toEqual([1, 3]);
      expect(await roleUser()).toEqual([
        [1, 1, null],
        [1, 2, null],
        [1, 3, null],
        [2, 1, "bob's"],
        [3, 1, null],
        [3, 3, null],
        [3, 4, null],
      ]);
      // Read back through the relation: the rows with their pivot.
      expect((await rolesOf(cy)).map((r) => [r.id, r.name, r.pivot.userId, r.pivot.roleId, r.pivot.grantedBy])).toEqual(
        [
          [1, "admin", 3, 1, null],
          [3, "viewer", 3, 3, null],
          [4, "guest", 3, 4, null],
        ],
      );
    });

    it("by { key: pivotValues }, with pivot values for all, and both (the per-key values win)", async () => {
      const roles = t.db.user.related(ada, "roles");
      expect(await roles.attach({ 1: { grantedBy: "root" }, 2: { grantedBy: "ops" } })).toEqual([1, 2]);
      expect(await t.db.user.related(cy, "roles").attach([1, 2], { grantedBy: "root" })).toEqual([1, 2]);
      expect(await roles.attach({ 3: { grantedBy: "hr" }, 4: {} }, { grantedBy: "root" })).toEqual([3, 4]);
      expect(await roleUser()).toEqual([
        [1, 1, "root"],
        [1, 2, "ops"],
        [1, 3, "hr"],
        [1, 4, "root"],
        [2, 1, "bob's"],
        [3, 1, "root"],
        [3, 2, "root"],
      ]);
    });

    it("fills the pivot timestamps with the current time; given ones are kept", async () => {
      const before = Date.now();
      await t.db.user.related(ada, "roles").attach([1, 2]);
      const after = Date.now();
      await t.db.user.related(ada, "roles").attach({ 3: { createdAt: OLD, updatedAt: OLD } });
      const raw = await t.db.kysely
        .selectFrom("role_user")
        .select(["role_id", "created_at", "updated_at"])
        .where("user_id", "=", 1)
        .orderBy("role_id")
        .execute();
      expect(raw.map((r) => [r.role_id, r.created_at !== null, r.updated_at !== null])).toEqual([
        [1, true, true],
        [2, true, true],
        [3, true, true],
      ]);
      const [r1, r2, r3] = await rolesOf(ada);
      for (const role of [r1, r2]) {
        expectNow(role.pivot.createdAt, before, after);
        expect(role.pivot.updatedAt).toEqual(role.pivot.createdAt);
      }
      expect([r3.pivot.createdAt, r3.pivot.updatedAt]).toEqual([OLD, OLD]);
    });

    it("already attached keys make no duplicate pivot row and are not returned (also within one call)", async () => {
      const roles = t.db.user.related(ada, "roles");
      expect(await roles.attach({ 1: { grantedBy: "first" } })).toEqual([1]);
      expect(await roles.attach([1, 2, 2, 1], { grantedBy: "second" })).toEqual([2]);
      expect(await roles.attach([admin, editor])).toEqual([]);
      expect(await roleUser()).toEqual([
        [1, 1, "first"],
        [1, 2, "second"],
        [2, 1, "bob's"],
      ]);
      // Bob's row for admin does not count as Ada's.
      expect(await t.db.user.related(bob, "roles").attach([1, 3])).toEqual([3]);
      const counted = await t.db.kysely
        .selectFrom("role_user")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      expect(Number(counted.n)).toBe(4);
    });

    it("a key that is not a related row: ValidationError naming the relation, nothing written", async () => {
      const error = await caught(() => t.db.user.related(ada, "roles").attach([1, 999, 2]));
      expectValidation(error, "user.roles", "999");
      expect(await roleUser()).toEqual([[2, 1, "bob's"]]);
      const byMap = await caught(() => t.db.user.related(ada, "roles").attach({ 2: {}, 998: { grantedBy: "x" } }));
      expectValidation(byMap, "user.roles", "998");
      expect(await roleUser()).toEqual([[2, 1, "bob's"]]);
    });

    it("an unknown pivot field or a wrongly typed pivot value: ValidationError before any SQL", async () => {
      const roles = t.db.user.related(ada, "roles");
      expectValidation(await noSql(() => roles.attach([1], { nope: "x" })), "user.roles", "nope");
      expectValidation(await noSql(() => roles.attach({ 1: { nope: "x" } })), "user.roles", "nope");
      expect(await noSql(() => roles.attach({ 1: { grantedBy: 42 } }))).toBeInstanceOf(ValidationError);
      expectValidation(await noSql(() => roles.sync({ 1: { nope: "x" } })), "user.roles", "nope");
      expectValidation(await noSql(() => roles.syncWithoutDetaching({ 1: { nope: "x" } })), "user.roles", "nope");
      expectValidation(await noSql(() => roles.toggle({ 1: { nope: "x" } })), "user.roles", "nope");
      expectValidation(await noSql(() => roles.updateExistingPivot(1, { nope: "x" })), "user.roles", "nope");
      // The morph pivot has no extra fields at all.
      expectValidation(
        await noSql(() => t.db.post.related(p1, "tags").attach([1], { order: 1 })),
        "post.tags",
        "order",
      );
      expect(await roleUser()).toEqual([[2, 1, "bob's"]]);
    });

    it("attach and the other pivot writes on a relation that is not many-to-many: ValidationError, no SQL", async () => {
      const posts = t.db.user.related(ada, "posts");
      // @ts-expect-error a HasManyHandle has no attach: this checks the error a plain JS caller gets
      expectValidation(await noSql(() => posts.attach([1])), "user.posts", "hasMany");
      // @ts-expect-error a HasManyHandle has no detach: this checks the error a plain JS caller gets
      expectValidation(await noSql(() => posts.detach([1])), "user.posts");
      // @ts-expect-error a HasManyHandle has no detach: this checks the error a plain JS caller gets
      expectValidation(await noSql(() => posts.detach()), "user.posts");
      // @ts-expect-error a HasManyHandle has no sync: this checks the error a plain JS caller gets
      expectValidation(await noSql(() => posts.sync([1])), "user.posts");
      // @ts-expect-error a HasManyHandle has no syncWithoutDetaching: this checks the error a plain JS caller gets
      expectValidation(await noSql(() => posts.syncWithoutDetaching([1])), "user.posts");
      // @ts-expect-error a HasManyHandle has no toggle: this checks the error a plain JS caller gets
      expectValidation(await noSql(() => posts.toggle([1])), "user.posts");
      // @ts-expect-error a HasManyHandle has no updateExistingPivot: this checks the error a plain JS caller gets
      expectValidation(await noSql(() => posts.updateExistingPivot(1, {})), "user.posts");
      // @ts-expect-error a BelongsToHandle has no attach: this checks the error a plain JS caller gets
      expectValidation(await noSql(() => t.db.user.related(ada, "country").attach([1])), "user.country", "belongsTo");
      expectValidation(
        // @ts-expect-error a BelongsToHandle has no attach: this checks the error a plain JS caller gets
        await noSql(() => t.db.comment.related(c1, "commentable").attach([1])),
        "comment.commentable",
        "morphTo",
      );
      expect(await t.db.post.orderBy("id").pluck("authorId")).toEqual([1, 2]);
    });

    it("every pivot write reports its errors as a rejected promise, never a synchronous throw", async () => {
      const posts = t.db.user.related(ada, "posts");
      const roles = t.db.user.related(ada, "roles");
      const calls: [string, () => Promise<unknown>][] = [
        // @ts-expect-error a HasManyHandle has no attach: this checks the error a plain JS caller gets
        ["attach", () => posts.attach([1])],
        // @ts-expect-error a HasManyHandle has no detach: this checks the error a plain JS caller gets
        ["detach", () => posts.detach([1])],
        // @ts-expect-error a HasManyHandle has no sync: this checks the error a plain JS caller gets
        ["sync", () => posts.sync([1])],
        // @ts-expect-error a HasManyHandle has no syncWithoutDetaching: this checks the error a plain JS caller gets
        ["syncWithoutDetaching", () => posts.syncWithoutDetaching([1])],
        // @ts-expect-error a HasManyHandle has no toggle: this checks the error a plain JS caller gets
        ["toggle", () => posts.toggle([1])],
        // @ts-expect-error a HasManyHandle has no updateExistingPivot: this checks the error a plain JS caller gets
        ["updateExistingPivot", () => posts.updateExistingPivot(1, {})],
        ["sync with an unknown pivot field", () => roles.sync({ 1: { nope: 1 } })],
        ["toggle with an unknown pivot field", () => roles.toggle({ 1: { nope: 1 } })],
        ["updateExistingPivot with an unknown field", () => roles.updateExistingPivot(1, { nope: 1 })],
      ];
      const how: Record<string, string> = {};
      for (const [name, call] of calls) {
        let promise: Promise<unknown>;
        try {
          promise = call();
        } catch {
          how[name] = "threw synchronously";
          continue;
        }
        how[name] = await promise.then(
          () => "resolved",
          (error) => (error instanceof ValidationError ? "rejected" : `rejected with ${String(error)}`),
        );
      }
      expect(how).toEqual(Object.fromEntries(calls.map(([name]) => [name, "rejected"])));
    });
  });

  describe("morph pivots (post.tags / video.tags morphToMany, tag.posts / tag.videos morphedByMany)", () => {
    it("attach from the morphToMany side sets the morph type; a video's row with the same id is no duplicate", async () => {
      // Video 1 already has js: post 1 (same id) gets its own row.
      expect(await t.db.post.related(p1, "tags").attach([js, sqlTag])).toEqual([1, 2]);
      expect(await t.db.video.related(v2, "tags").attach(3)).toEqual([3]);
      expect(await t.db.post.related(p1, "tags").attach([1, 2])).toEqual([]);
      expect(await taggables()).toEqual([
        [1, "post", 1],
        [1, "video", 1],
        [2, "post", 1],
        [2, "post", 2],
        [3, "video", 2],
      ]);
      // No timestamps on this pivot: exactly its three key columns.
      const raw = await t.db.kysely.selectFrom("taggables").selectAll().where("tag_id", "=", 3).execute();
      expect(raw).toEqual([{ tag_id: 3, taggable_id: 2, taggable_type: "video" }]);
      expect((await t.db.post.related(p1, "tags").orderBy("id").get()).map((tag: any) => tag.name)).toEqual([
        "js",
        "sql",
      ]);
    });

    it("attach from the morphedByMany side sets the morph type of that side", async () => {
      expect(await t.db.tag.related(news, "posts").attach([p1, p2])).toEqual([1, 2]);
      expect(await t.db.tag.related(news, "videos").attach({ 1: {} })).toEqual([1]);
      // Tag js is on video 1 already, not on post 1.
      expect(await t.db.tag.related(js, "posts").attach([1])).toEqual([1]);
      expect(await t.db.tag.related(js, "videos").attach([1])).toEqual([]);
      expect(await taggables()).toEqual([
        [1, "post", 1],
        [1, "video", 1],
        [2, "post", 2],
        [3, "post", 1],
        [3, "post", 2],
        [3, "video", 1],
      ]);
      expectValidation(await caught(() => t.db.tag.related(news, "videos").attach([7])), "tag.videos", "7");
      expect((await taggables()).length).toBe(6);
    });

    it("detach through a morph pivot removes only this type's rows", async () => {
      await t.db.post.related(p1, "tags").attach([1, 2, 3]);
      await t.db.video.related(v1, "tags").attach([2, 3]);
      // Post 1 and video 1 both have js, sql and news now.
      expect(await exactly(1, () => t.db.post.related(p1, "tags").detach([1]))).toBe(1);
      expect(await taggables()).toEqual([
        [1, "video", 1],
        [2, "post", 1],
        [2, "post", 2],
        [2, "video", 1],
        [3, "post", 1],
        [3, "video", 1],
      ]);
      expect(await t.db.post.related(p1, "tags").detach()).toBe(2);
      expect(await taggables()).toEqual([
        [1, "video", 1],
        [2, "post", 2],
        [2, "video", 1],
        [3, "video", 1],
      ]);
      // From the tag's side: sql's videos go, its posts stay.
      expect(await t.db.tag.related(sqlTag, "videos").detach()).toBe(1);
      expect(await t.db.tag.related(js, "posts").detach([1])).toBe(0);
      expect(await taggables()).toEqual([
        [1, "video", 1],
        [2, "post", 2],
        [3, "video", 1],
      ]);
    });

    it("sync and toggle through a morph pivot leave the other type's rows alone", async () => {
      await t.db.video.related(v1, "tags").attach([2, 3]);
      expect(await t.db.post.related(p1, "tags").sync([2, 3])).toEqual({ attached: [2, 3], detached: [], updated: [] });
      expect(await t.db.post.related(p1, "tags").sync([3])).toEqual({ attached: [], detached: [2], updated: [] });
      expect(await t.db.tag.related(js, "posts").toggle([1, 2])).toEqual({ attached: [1, 2], detached: [] });
      expect(await t.db.tag.related(js, "videos").toggle([1])).toEqual({ attached: [], detached: [1] });
      expect(await taggables()).toEqual([
        [1, "post", 1],
        [1, "post", 2],
        [2, "post", 2],
        [2, "video", 1],
        [3, "post", 1],
        [3, "video", 1],
      ]);
    });
  });

  describe("detach", () => {
    beforeEach(async () => {
      await t.db.user.related(ada, "roles").attach({ 1: { grantedBy: "a" }, 2: { grantedBy: "b" }, 3: {} });
      await t.db.user.related(cy, "roles").attach([2]);
      t.queries.length = 0;
    });

    it("detach(keys) and detach(key) remove those of this parent only, and return how many", async () => {
      const roles = t.db.user.related(ada, "roles");
      expect(await exactly(1, () => roles.detach([1, 4, 999]))).toBe(1);
      expect(await roleUser()).toEqual([
        [1, 2, "b"],
        [1, 3, null],
        [2, 1, "bob's"],
        [3, 2, null],
      ]);
      expect(await roles.detach(2)).toBe(1);
      expect(await roles.detach([2])).toBe(0);
      expect(await roles.detach([])).toBe(0);
      expect(await roleUser()).toEqual([
        [1, 3, null],
        [2, 1, "bob's"],
        [3, 2, null],
      ]);
    });

    it("detach(rows) and detach(row)", async () => {
      const roles = t.db.user.related(ada, "roles");
      expect(await roles.detach([admin, editor])).toBe(2);
      expect(await roles.detach(viewer)).toBe(1);
      expect(await roleUser()).toEqual([
        [2, 1, "bob's"],
        [3, 2, null],
      ]);
    });

    it("detach() removes all of this parent's pivot rows and no other parent's", async () => {
      expect(await exactly(1, () => t.db.user.related(ada, "roles").detach())).toBe(3);
      expect(await roleUser()).toEqual([
        [2, 1, "bob's"],
        [3, 2, null],
      ]);
      expect(await t.db.user.related(ada, "roles").detach()).toBe(0);
      expect(await rolesOf(ada)).toEqual([]);
      // The related rows themselves stay.
      expect(await t.db.role.orderBy("id").pluck("name")).toEqual(["admin", "editor", "viewer", "guest"]);
    });

    it("detach from the other side (role.users) removes that role's rows", async () => {
      expect(await t.db.role.related(editor, "users").detach()).toBe(2);
      expect(await t.db.role.related(admin, "users").detach([bob])).toBe(1);
      expect(await roleUser()).toEqual([
        [1, 1, "a"],
        [1, 3, null],
      ]);
    });
  });

  describe("sync / syncWithoutDetaching / toggle / updateExistingPivot", () => {
    beforeEach(async () => {
      // Ada: admin (root), editor (ops); Bob: admin.
      await t.db.user.related(ada, "roles").attach({ 1: { grantedBy: "root" }, 2: { grantedBy: "ops" } });
      t.queries.length = 0;
    });

    it("sync(keys): exactly the given keys afterwards; kept rows keep their values", async () => {
      const roles = t.db.user.related(ada, "roles");
      expect(await roles.sync([2, 3, 4])).toEqual({ attached: [3, 4], detached: [1], updated: [] });
      expect(await roleUser()).toEqual([
        [1, 2, "ops"],
        [1, 3, null],
        [1, 4, null],
        [2, 1, "bob's"],
      ]);
      expect(await roles.sync([2, 3, 4])).toEqual({ attached: [], detached: [], updated: [] });
      const result = await roles.sync([guest]);
      expect({ ...result, detached: sorted(result.detached) }).toEqual({ attached: [], detached: [2, 3], updated: [] });
      expect(await roleUser()).toEqual([
        [1, 4, null],
        [2, 1, "bob's"],
      ]);
    });

    it("sync([]) detaches all of this parent's rows", async () => {
      const result = await t.db.user.related(ada, "roles").sync([]);
      expect({ ...result, detached: sorted(result.detached) }).toEqual({ attached: [], detached: [1, 2], updated: [] });
      expect(await roleUser()).toEqual([[2, 1, "bob's"]]);
    });

    it("sync({ key: values }): attaches with values, updates given values of kept keys, detaches the rest", async () => {
      const roles = t.db.user.related(ada, "roles");
      expect(await roles.sync({ 2: { grantedBy: "hr" }, 3: { grantedBy: "ops" }, 4: {} })).toEqual({
        attached: [3, 4],
        detached: [1],
        updated: [2],
      });
      expect(await roleUser()).toEqual([
        [1, 2, "hr"],
        [1, 3, "ops"],
        [1, 4, null],
        [2, 1, "bob's"],
      ]);
      // A kept key given without values is not "updated"; one with values is.
      expect(await roles.sync({ 2: {}, 3: { grantedBy: null }, 4: {} })).toEqual({
        attached: [],
        detached: [],
        updated: [3],
      });
      expect(await roleUser()).toEqual([
        [1, 2, "hr"],
        [1, 3, null],
        [1, 4, null],
        [2, 1, "bob's"],
      ]);
      expect((await rolesOf(ada)).map((r) => [r.id, r.pivot.grantedBy])).toEqual([
        [2, "hr"],
        [3, null],
        [4, null],
      ]);
    });

    it("sync touches updatedAt of the rows it updates, not of the others", async () => {
      const roles = t.db.user.related(ada, "roles");
      await roles.detach();
      await roles.attach({
        1: { grantedBy: "root", createdAt: OLD, updatedAt: OLD },
        2: { grantedBy: "ops", createdAt: OLD, updatedAt: OLD },
      });
      const before = Date.now();
      expect(await roles.sync({ 1: { grantedBy: "hr" }, 2: {} })).toEqual({ attached: [], detached: [], updated: [1] });
      const after = Date.now();
      const [r1, r2] = await rolesOf(ada);
      expect([r1.pivot.grantedBy, r1.pivot.createdAt]).toEqual(["hr", OLD]);
      expectNow(r1.pivot.updatedAt, before, after);
      expect([r2.pivot.grantedBy, r2.pivot.createdAt, r2.pivot.updatedAt]).toEqual(["ops", OLD, OLD]);
    });

    it("syncWithoutDetaching keeps the keys not given", async () => {
      const roles = t.db.user.related(ada, "roles");
      expect(await roles.syncWithoutDetaching([2, 3])).toEqual({ attached: [3], detached: [], updated: [] });
      expect(await roles.syncWithoutDetaching({ 1: { grantedBy: "hr" }, 4: { grantedBy: "x" } })).toEqual({
        attached: [4],
        detached: [],
        updated: [1],
      });
      expect(await roleUser()).toEqual([
        [1, 1, "hr"],
        [1, 2, "ops"],
        [1, 3, null],
        [1, 4, "x"],
        [2, 1, "bob's"],
      ]);
    });

    it("toggle attaches the absent keys and detaches the present ones", async () => {
      const roles = t.db.user.related(ada, "roles");
      expect(await roles.toggle([2, 3])).toEqual({ attached: [3], detached: [2] });
      expect(await roleUser()).toEqual([
        [1, 1, "root"],
        [1, 3, null],
        [2, 1, "bob's"],
      ]);
      expect(await roles.toggle({ 1: {}, 4: { grantedBy: "t" } })).toEqual({ attached: [4], detached: [1] });
      expect(await roles.toggle([admin, viewer])).toEqual({ attached: [1], detached: [3] });
      expect(await roleUser()).toEqual([
        [1, 1, null],
        [1, 4, "t"],
        [2, 1, "bob's"],
      ]);
      expectValidation(await caught(() => roles.toggle([2, 999])), "user.roles", "999");
      expect(await roleUser()).toEqual([
        [1, 1, null],
        [1, 4, "t"],
        [2, 1, "bob's"],
      ]);
    });

    it("updateExistingPivot changes only that row (and its updatedAt), returns 1; 0 for a key not attached", async () => {
      const roles = t.db.user.related(ada, "roles");
      await roles.detach();
      await roles.attach({
        1: { grantedBy: "root", createdAt: OLD, updatedAt: OLD },
        2: { grantedBy: "ops", createdAt: OLD, updatedAt: OLD },
      });
      const before = Date.now();
      expect(await exactly(1, () => roles.updateExistingPivot(1, { grantedBy: "hr" }))).toBe(1);
      const after = Date.now();
      expect(await roleUser()).toEqual([
        [1, 1, "hr"],
        [1, 2, "ops"],
        [2, 1, "bob's"],
      ]);
      const [r1, r2] = await rolesOf(ada);
      expect(r1.pivot.createdAt).toEqual(OLD);
      expectNow(r1.pivot.updatedAt, before, after);
      expect([r2.pivot.createdAt, r2.pivot.updatedAt]).toEqual([OLD, OLD]);
      // By row; a key this parent does not have (Bob's admin is not Ada's guest).
      expect(await roles.updateExistingPivot(editor, { grantedBy: null })).toBe(1);
      expect(await roles.updateExistingPivot(4, { grantedBy: "x" })).toBe(0);
      expect(await roleUser()).toEqual([
        [1, 1, "hr"],
        [1, 2, null],
        [2, 1, "bob's"],
      ]);
    });
  });

  describe("atomicity: a failing multi-statement write leaves the database as it was", () => {
    beforeEach(async () => {
      await t.db.user.related(ada, "roles").attach({ 1: { grantedBy: "root" }, 2: { grantedBy: "ops" } });
      t.queries.length = 0;
    });

    it("sync / syncWithoutDetaching with a key that is not a related row: ValidationError, nothing changed", async () => {
      const roles = t.db.user.related(ada, "roles");
      const error = await caught(() => roles.sync({ 2: { grantedBy: "hr" }, 3: {}, 999: {} }));
      expectValidation(error, "user.roles", "999");
      const again = await caught(() => roles.syncWithoutDetaching({ 1: { grantedBy: "x" }, 998: {} }));
      expectValidation(again, "user.roles", "998");
      expect(await roleUser()).toEqual([
        [1, 1, "root"],
        [1, 2, "ops"],
        [2, 1, "bob's"],
      ]);
    });

    it("a sync inside a transaction that then fails is rolled back with it", async () => {
      const error = await caught(() =>
        t.db.transaction(async (tx) => {
          expect(await tx.user.related(ada, "roles").sync({ 2: { grantedBy: "hr" }, 3: {} })).toEqual({
            attached: [3],
            detached: [1],
            updated: [2],
          });
          expect(await tx.user.related(cy, "roles").attach([4])).toEqual([4]);
          throw new Error("boom");
        }),
      );
      expect(error.message).toBe("boom");
      expect(await roleUser()).toEqual([
        [1, 1, "root"],
        [1, 2, "ops"],
        [2, 1, "bob's"],
      ]);
    });
  });

  describe("associate / dissociate: belongsTo", () => {
    it("associate(owner) sets the foreign key in memory and saves it", async () => {
      const returned = await exactly(1, () => t.db.user.related(cy, "country").associate(fr));
      expect(returned).toBe(cy);
      expect(cy.countryId).toBe(2);
      expect(await userCountries()).toEqual([
        [1, 1],
        [2, 1],
        [3, 2],
      ]);
      expect(await t.db.user.related(cy, "country").first()).toEqual(fr);
      await t.db.post.related(p2, "author").associate(ada);
      expect(p2.authorId).toBe(1);
      expect(await t.db.post.orderBy("id").pluck("authorId")).toEqual([1, 1]);
    });

    it("{ sync: false } changes only the row in memory; the caller saves it", async () => {
      await exactly(0, () => t.db.user.related(ada, "country").associate(fr, { sync: false }));
      expect(ada.countryId).toBe(2);
      expect(await userCountries()).toEqual([
        [1, 1],
        [2, 1],
        [3, null],
      ]);
      await exactly(0, () => t.db.user.related(bob, "country").dissociate({ sync: false }));
      expect(bob.countryId).toBeNull();
      expect(await userCountries()).toEqual([
        [1, 1],
        [2, 1],
        [3, null],
      ]);
      await t.db.user.where("id", ada.id).update({ countryId: ada.countryId });
      expect(await userCountries()).toEqual([
        [1, 2],
        [2, 1],
        [3, null],
      ]);
    });

    it("dissociate() sets a nullable foreign key to null, in memory and in the database", async () => {
      expect(await exactly(1, () => t.db.user.related(ada, "country").dissociate())).toBe(ada);
      expect(ada.countryId).toBeNull();
      expect(await userCountries()).toEqual([
        [1, null],
        [2, 1],
        [3, null],
      ]);
      expect(await t.db.user.related(ada, "country").first()).toBeNull();
    });

    it("dissociate() on a non-nullable foreign key: ValidationError, nothing changed", async () => {
      const error = await noSql(() => t.db.post.related(p1, "author").dissociate());
      expectValidation(error, "post.authorId");
      expect(p1.authorId).toBe(1);
      expect(await t.db.post.orderBy("id").pluck("authorId")).toEqual([1, 2]);
    });

    it("associate with a row that lacks the owner key, or an unsaved parent: ValidationError, nothing changed", async () => {
      expectValidation(
        await noSql(() => t.db.user.related(ada, "country").associate({ name: "Nowhere" })),
        "user.country",
      );
      expect(ada.countryId).toBe(1);
      const unsaved: any = { email: "new@example.dev", name: "New", countryId: null };
      expectValidation(await noSql(() => t.db.user.related(unsaved, "country").associate(fr)), '"user"', '"id"');
      expect(await userCountries()).toEqual([
        [1, 1],
        [2, 1],
        [3, null],
      ]);
    });
  });

  describe("associate / dissociate: morphTo (comment.commentable) and morphMany (post.comments)", () => {
    /** comments as [id, type, commentableId], ordered. */
    const comments = async () =>
      (
        await t.db.kysely
          .selectFrom("comments")
          .select(["id", "commentable_type", "commentable_id"])
          .orderBy("id")
          .execute()
      ).map((r) => [r.id, r.commentable_type, r.commentable_id]);

    it("associate(row read through relata) infers the model: sets type and id, saved", async () => {
      const video = await t.db.video.find(2);
      expect(await exactly(1, () => t.db.comment.related(c1, "commentable").associate(video!))).toBe(c1);
      expect([c1.commentableType, c1.commentableId]).toEqual(["video", 2]);
      expect(await comments()).toEqual([
        [1, "video", 2],
        [2, "video", 1],
      ]);
      // A row returned by create is known too.
      await t.db.comment.related(c2, "commentable").associate(p2);
      expect(await comments()).toEqual([
        [1, "video", 2],
        [2, "post", 2],
      ]);
    });

    it("a plain object needs { model }; without it, a ValidationError and nothing changed", async () => {
      const plain = { id: 2, title: "P2" };
      expectValidation(
        await noSql(() => t.db.comment.related(c1, "commentable").associate(plain)),
        "comment.commentable",
        "model",
      );
      expect([c1.commentableType, c1.commentableId]).toEqual(["post", 1]);
      await t.db.comment.related(c1, "commentable").associate(plain, { model: "video" });
      expect([c1.commentableType, c1.commentableId]).toEqual(["video", 2]);
      expect(await comments()).toEqual([
        [1, "video", 2],
        [2, "video", 1],
      ]);
      expectValidation(
        await noSql(() => t.db.comment.related(c1, "commentable").associate(plain, { model: "user" })),
        "comment.commentable",
      );
    });

    it("{ sync: false } changes the row in memory only", async () => {
      await exactly(0, () => t.db.comment.related(c1, "commentable").associate(v2, { sync: false }));
      expect([c1.commentableType, c1.commentableId]).toEqual(["video", 2]);
      expect(await comments()).toEqual([
        [1, "post", 1],
        [2, "video", 1],
      ]);
    });

    it("dissociate() on non-nullable morph fields: ValidationError, nothing changed", async () => {
      expectValidation(await noSql(() => t.db.comment.related(c1, "commentable").dissociate()), "comment.commentable");
      expect([c1.commentableType, c1.commentableId]).toEqual(["post", 1]);
      expect(await comments()).toEqual([
        [1, "post", 1],
        [2, "video", 1],
      ]);
    });

    it("morphMany associate(children) sets type and id on each child", async () => {
      expect(await exactly(1, () => t.db.video.related(v2, "comments").associate([c1, c2]))).toEqual([c1, c2]);
      expect([c1.commentableType, c1.commentableId, c2.commentableType, c2.commentableId]).toEqual([
        "video",
        2,
        "video",
        2,
      ]);
      expect(await comments()).toEqual([
        [1, "video", 2],
        [2, "video", 2],
      ]);
    });
  });

  describe("associate / dissociate: hasMany (country.users, user.posts)", () => {
    it("associate(child) and associate(children) re-point them, in memory and in the database", async () => {
      expect(await exactly(1, () => t.db.country.related(fr, "users").associate(ada))).toBe(ada);
      expect(ada.countryId).toBe(2);
      expect(await userCountries()).toEqual([
        [1, 2],
        [2, 1],
        [3, null],
      ]);
      await exactly(1, () => t.db.country.related(fr, "users").associate([bob, cy]));
      expect([bob.countryId, cy.countryId]).toEqual([2, 2]);
      expect(await userCountries()).toEqual([
        [1, 2],
        [2, 2],
        [3, 2],
      ]);
      expect(await t.db.country.related(fr, "users").orderBy("id").pluck("name")).toEqual(["Ada", "Bob", "Cy"]);
      await t.db.user.related(ada, "posts").associate(p2);
      expect(p2.authorId).toBe(1);
      expect(await t.db.post.orderBy("id").pluck("authorId")).toEqual([1, 1]);
    });

    it("dissociate(child | children) nulls a nullable foreign key", async () => {
      await exactly(1, () => t.db.country.related(uk, "users").dissociate(ada));
      expect(ada.countryId).toBeNull();
      expect(await userCountries()).toEqual([
        [1, null],
        [2, 1],
        [3, null],
      ]);
      await t.db.country.related(uk, "users").dissociate([bob]);
      expect(bob.countryId).toBeNull();
      expect(await userCountries()).toEqual([
        [1, null],
        [2, null],
        [3, null],
      ]);
    });

    it("dissociate on a non-nullable foreign key (user.posts): ValidationError, nothing changed", async () => {
      expectValidation(await noSql(() => t.db.user.related(ada, "posts").dissociate(p1)), "post.authorId");
      expect(p1.authorId).toBe(1);
      expect(await t.db.post.orderBy("id").pluck("authorId")).toEqual([1, 2]);
    });

    it("{ sync: false } changes the children in memory only", async () => {
      await exactly(0, () => t.db.country.related(fr, "users").associate([ada, cy], { sync: false }));
      await exactly(0, () => t.db.country.related(uk, "users").dissociate(bob, { sync: false }));
      expect([ada.countryId, bob.countryId, cy.countryId]).toEqual([2, null, 2]);
      expect(await userCountries()).toEqual([
        [1, 1],
        [2, 1],
        [3, null],
      ]);
    });

    it("a child without its primary key (not saved): ValidationError, nothing written", async () => {
      const unsaved: any = { email: "new@example.dev", name: "New" };
      expectValidation(await noSql(() => t.db.country.related(fr, "users").associate([ada, unsaved])), "user", "id");
      expectValidation(await noSql(() => t.db.country.related(uk, "users").dissociate(unsaved)), "user", "id");
      expect(await userCountries()).toEqual([
        [1, 1],
        [2, 1],
        [3, null],
      ]);
      expect(ada.countryId).toBe(1);
    });

    it("dissociate through a parent does not detach another parent's child", async () => {
      // Ada lives in the UK: detaching her from France must not clear her country (refusing is fine).
      try {
        await t.db.country.related(fr, "users").dissociate(ada);
      } catch (error) {
        expectValidation(error, "country.users");
      }
      expect(ada.countryId).toBe(1);
      expect(await userCountries()).toEqual([
        [1, 1],
        [2, 1],
        [3, null],
      ]);
    });

    it("dissociate without children on a hasMany: ValidationError naming the relation", async () => {
      // @ts-expect-error a hasMany dissociate names the children: this checks the error a plain JS caller gets
      expectValidation(await noSql(() => t.db.country.related(uk, "users").dissociate()), "country.users");
    });
  });
});

// ---------------------------------------------------------------------------------------------
// A club: many-to-many through a join model (with a unique field, to make a write fail in the
// middle), a pivotWhere relation over a bare pivot table, a morphTo with nullable fields
// ---------------------------------------------------------------------------------------------

const club = defineSchema(
  {
    member: model({
      table: "members",
      fields: { id: id(), name: string() },
      relations: {
        memberships: hasMany("membership"),
        teams: manyToMany("team", { through: "membership", pivotFields: ["level", "badge"], timestamps: true }),
        skills: belongsToMany("skill", { table: "member_skill", pivotFields: ["status"] }),
        certified: belongsToMany("skill", {
          table: "member_skill",
          pivotFields: ["status"],
          pivotWhere: { status: "certified" },
        }),
        notes: morphMany("note", { morphName: "notable" }),
      },
    }),
    team: model({
      table: "teams",
      fields: { id: id(), name: string() },
      relations: { notes: morphMany("note", { morphName: "notable" }) },
    }),
    membership: model({
      table: "memberships",
      fields: {
        id: id(),
        memberId: integer().references("member.id", { onDelete: "cascade" }),
        teamId: integer().references("team.id", { onDelete: "cascade" }),
        level: string().nullable(),
        badge: string().nullable().unique(),
        createdAt: timestamp().nullable(),
        updatedAt: timestamp().nullable(),
      },
    }),
    skill: model({ table: "skills", fields: { id: id(), name: string() } }),
    note: model({
      table: "notes",
      fields: { id: id(), body: string(), notableType: string().nullable(), notableId: integer().nullable() },
      relations: { notable: morphTo() },
    }),
  },
  { casing: "snake_case" },
);

describe(`related(row, relation) writes through join models, pivotWhere and nullable morphs on ${dialect}`, () => {
  const t = useTestDb(club);
  const { exactly } = statementHelpers(t);
  let m1: any, m2: any;
  let t1: any, t2: any, t3: any, t4: any;
  let s1: any, s2: any, s3: any;
  let n1: any;

  /** memberships as [memberId, teamId, level, badge], ordered by member and team. */
  const memberships = async () =>
    (
      await t.db.kysely
        .selectFrom("memberships")
        .select(["member_id", "team_id", "level", "badge"])
        .orderBy("member_id")
        .orderBy("team_id")
        .execute()
    ).map((r) => [r.member_id, r.team_id, r.level, r.badge]);

  /** The error `fn` fails with, and the verbs of the statements it sent (begin, select, insert, ...). */
  const failing = async (fn: () => unknown): Promise<{ error: any; sent: string[] }> => {
    const from = t.queries.length;
    const error = await caught(fn);
    return { error, sent: t.queries.slice(from).map((q) => q.sql.trim().split(/\s+/)[0]!.toLowerCase()) };
  };

  /** Every membership row as relata reads it (ids and timestamps included). */
  const membershipRows = () => t.db.membership.orderBy("id").get();

  /** member_skill as [memberId, skillId, status], ordered. */
  const memberSkill = async () =>
    (
      await t.db.kysely
        .selectFrom("member_skill")
        .select(["member_id", "skill_id", "status"])
        .orderBy("member_id")
        .orderBy("skill_id")
        .execute()
    ).map((r) => [r.member_id, r.skill_id, r.status]);

  beforeEach(async () => {
    await t.truncate();
    const db = t.db;
    [m1, m2] = await db.member.createMany([
      { id: 1, name: "Mo" },
      { id: 2, name: "Ny" },
    ]);
    [t1, t2, t3, t4] = await db.team.createMany([
      { id: 1, name: "red" },
      { id: 2, name: "blue" },
      { id: 3, name: "green" },
      { id: 4, name: "gold" },
    ]);
    [s1, s2, s3] = await db.skill.createMany([
      { id: 1, name: "sql" },
      { id: 2, name: "ts" },
      { id: 3, name: "go" },
    ]);
    await db.membership.createMany([
      { memberId: 1, teamId: 1, level: "a", badge: null, createdAt: OLD, updatedAt: OLD },
      { memberId: 1, teamId: 3, level: "b", badge: null, createdAt: OLD, updatedAt: OLD },
      { memberId: 2, teamId: 2, level: "c", badge: "gold", createdAt: OLD, updatedAt: OLD },
    ]);
    await db.kysely
      .insertInto("member_skill")
      .values([
        { member_id: 1, skill_id: 1, status: "learning" },
        { member_id: 1, skill_id: 2, status: "certified" },
        { member_id: 2, skill_id: 1, status: "certified" },
      ])
      .execute();
    [n1] = await db.note.createMany([{ id: 1, body: "hi", notableType: "member", notableId: 1 }]);
    t.queries.length = 0;
  });

  describe("manyToMany through a join model (member.teams over memberships)", () => {
    it("attach inserts join-model rows with pivot values and timestamps; no duplicates", async () => {
      const teams = t.db.member.related(m1, "teams");
      const before = Date.now();
      expect(await teams.attach({ 2: { level: "x" }, 4: {} }, { level: "z" })).toEqual([2, 4]);
      const after = Date.now();
      expect(await teams.attach([t1, t2, t4])).toEqual([]);
      expect(await memberships()).toEqual([
        [1, 1, "a", null],
        [1, 2, "x", null],
        [1, 3, "b", null],
        [1, 4, "z", null],
        [2, 2, "c", "gold"],
      ]);
      const rows = await membershipRows();
      expect(rows.length).toBe(5);
      for (const row of rows.filter((r) => r.memberId === 1 && (r.teamId === 2 || r.teamId === 4))) {
        expectNow(row.createdAt, before, after);
        expect(row.updatedAt).toEqual(row.createdAt);
      }
      const loaded: any = await t.db.member
        .with("teams", (q) => q.orderBy("id"))
        .where("id", m1.id)
        .first();
      expect(loaded.teams.map((team: any) => [team.name, team.pivot.level])).toEqual([
        ["red", "a"],
        ["blue", "x"],
        ["green", "b"],
        ["gold", "z"],
      ]);
      expectValidation(await caught(() => teams.attach([999])), "member.teams", "999");
      expect((await membershipRows()).length).toBe(5);
    });

    it("detach and sync delete and insert join-model rows of this member only", async () => {
      const teams = t.db.member.related(m1, "teams");
      expect(await teams.sync({ 1: { level: "aa" }, 2: {} })).toEqual({ attached: [2], detached: [3], updated: [1] });
      expect(await memberships()).toEqual([
        [1, 1, "aa", null],
        [1, 2, null, null],
        [2, 2, "c", "gold"],
      ]);
      expect(await teams.detach()).toBe(2);
      expect(await memberships()).toEqual([[2, 2, "c", "gold"]]);
    });

    it("updateExistingPivot updates the join-model row and its updatedAt", async () => {
      const before = Date.now();
      expect(await t.db.member.related(m1, "teams").updateExistingPivot(t3, { badge: "silver" })).toBe(1);
      const after = Date.now();
      expect(await memberships()).toEqual([
        [1, 1, "a", null],
        [1, 3, "b", "silver"],
        [2, 2, "c", "gold"],
      ]);
      const row = (await membershipRows()).find((r) => r.teamId === 3)!;
      expect(row.createdAt).toEqual(OLD);
      expectNow(row.updatedAt, before, after);
    });

    it("a sync failing in the middle (unique violation on a pivot field) changes nothing", async () => {
      const snapshot = await membershipRows();
      // Detaches team 3, attaches team 2, then the update of team 1 hits Ny's "gold" badge.
      const { error, sent } = await failing(() =>
        t.db.member.related(m1, "teams").sync({ 1: { badge: "gold" }, 2: {} }),
      );
      expect(error).toBeInstanceOf(UniqueConstraintError);
      // PostgreSQL's three writes are one statement (a WITH), atomic by itself.
      expect(sent).toEqual(
        dialect === "postgres" ? ["select", "with"] : ["select", "begin", "delete", "insert", "update", "rollback"],
      );
      expect(await membershipRows()).toEqual(snapshot);
    });

    it("a sync failing on the insert of an attached key changes nothing", async () => {
      const snapshot = await membershipRows();
      const error = await caught(() =>
        t.db.member.related(m1, "teams").sync({ 1: { level: "new" }, 4: { badge: "gold" } }),
      );
      expect(error).toBeInstanceOf(UniqueConstraintError);
      expect(await membershipRows()).toEqual(snapshot);
    });

    it("a toggle failing on its insert keeps the rows it had detached", async () => {
      const snapshot = await membershipRows();
      const { error, sent } = await failing(() =>
        t.db.member.related(m1, "teams").toggle({ 3: {}, 4: { badge: "gold" } }),
      );
      expect(error).toBeInstanceOf(UniqueConstraintError);
      expect(sent).toEqual(
        dialect === "postgres" ? ["select", "with"] : ["select", "begin", "delete", "insert", "rollback"],
      );
      expect(await membershipRows()).toEqual(snapshot);
    });

    it("a syncWithoutDetaching failing on its second update changes nothing", async () => {
      const snapshot = await membershipRows();
      const error = await caught(() =>
        t.db.member.related(m1, "teams").syncWithoutDetaching({ 1: { level: "z" }, 3: { badge: "gold" }, 4: {} }),
      );
      expect(error).toBeInstanceOf(UniqueConstraintError);
      expect(await membershipRows()).toEqual(snapshot);
    });
  });

  describe("a relation with pivotWhere (member.certified: status = certified over member_skill)", () => {
    it("detach() removes only the rows under the filter", async () => {
      expect(await t.db.member.related(m1, "certified").detach()).toBe(1);
      expect(await memberSkill()).toEqual([
        [1, 1, "learning"],
        [2, 1, "certified"],
      ]);
    });

    it("attach with the filter's value given: the row shows through the relation", async () => {
      expect(await t.db.member.related(m1, "certified").attach([s3], { status: "certified" })).toEqual([3]);
      expect(await memberSkill()).toEqual([
        [1, 1, "learning"],
        [1, 2, "certified"],
        [1, 3, "certified"],
        [2, 1, "certified"],
      ]);
      expect(await t.db.member.related(m1, "certified").orderBy("id").pluck("name")).toEqual(["ts", "go"]);
    });

    it("attach without values writes the pivotWhere values, so the attached row shows through the relation", async () => {
      expect(await t.db.member.related(m2, "certified").attach([s2, s3])).toEqual([2, 3]);
      expect(await memberSkill()).toEqual([
        [1, 1, "learning"],
        [1, 2, "certified"],
        [2, 1, "certified"],
        [2, 2, "certified"],
        [2, 3, "certified"],
      ]);
      expect(await t.db.member.related(m2, "certified").orderBy("id").pluck("name")).toEqual(["sql", "ts", "go"]);
    });

    it("sync under the filter leaves the other rows of the pivot alone", async () => {
      expect(await t.db.member.related(m1, "certified").sync({ 3: { status: "certified" } })).toEqual({
        attached: [3],
        detached: [2],
        updated: [],
      });
      expect(await memberSkill()).toEqual([
        [1, 1, "learning"],
        [1, 3, "certified"],
        [2, 1, "certified"],
      ]);
    });

    it("sync with values equal to the stored ones reports no update", async () => {
      expect(
        await t.db.member.related(m1, "skills").sync({ 1: { status: "learning" }, 2: { status: "expert" } }),
      ).toEqual({ attached: [], detached: [], updated: [2] });
      expect(await memberSkill()).toEqual([
        [1, 1, "learning"],
        [1, 2, "expert"],
        [2, 1, "certified"],
      ]);
    });
  });

  describe("morphTo with nullable fields (note.notable)", () => {
    const notes = async () =>
      (await t.db.kysely.selectFrom("notes").select(["id", "notable_type", "notable_id"]).orderBy("id").execute()).map(
        (r) => [r.id, r.notable_type, r.notable_id],
      );

    it("dissociate() clears both the type and the id, in memory and in the database", async () => {
      expect(await exactly(1, () => t.db.note.related(n1, "notable").dissociate())).toBe(n1);
      expect([n1.notableType, n1.notableId]).toEqual([null, null]);
      expect(await notes()).toEqual([[1, null, null]]);
    });

    it("a dissociated row (null morph type) can be associated again through the relation", async () => {
      await t.db.note.related(n1, "notable").dissociate();
      await t.db.note.related(n1, "notable").associate(t4);
      expect([n1.notableType, n1.notableId]).toEqual(["team", 4]);
      expect(await notes()).toEqual([[1, "team", 4]]);
      const fresh = await t.db.note.create({ id: 2, body: "orphan", notableType: null, notableId: null });
      await t.db.note.related(fresh, "notable").associate(m2);
      expect(await notes()).toEqual([
        [1, "team", 4],
        [2, "member", 2],
      ]);
    });

    it("reading through a dissociated morphTo gives no row", async () => {
      await t.db.note.related(n1, "notable").dissociate();
      expect(await t.db.note.related(n1, "notable").first()).toBeNull();
      expect(await t.db.note.related(n1, "notable").get()).toBeNull();
      expect(await t.db.note.related(n1, "notable").toArray()).toEqual([]);
    });

    it("associate(row) sets both; { sync: false } on dissociate is memory only", async () => {
      await t.db.note.related(n1, "notable").associate(t4);
      expect([n1.notableType, n1.notableId]).toEqual(["team", 4]);
      expect(await notes()).toEqual([[1, "team", 4]]);
      await exactly(0, () => t.db.note.related(n1, "notable").dissociate({ sync: false }));
      expect([n1.notableType, n1.notableId]).toEqual([null, null]);
      expect(await notes()).toEqual([[1, "team", 4]]);
    });

    it("morphMany dissociate(child) nulls the child's type and id", async () => {
      await t.db.member.related(m1, "notes").dissociate(n1);
      expect([n1.notableType, n1.notableId]).toEqual([null, null]);
      expect(await notes()).toEqual([[1, null, null]]);
      await t.db.team.related(t2, "notes").associate(n1);
      expect(await notes()).toEqual([[1, "team", 2]]);
    });
  });

  it("the fixture's rows are as seeded (ids explicit)", () => {
    expect([m1.id, m2.id, t1.id, t2.id, t3.id, t4.id, s1.id, s2.id, s3.id, n1.id]).toEqual([
      1, 2, 1, 2, 3, 4, 1, 2, 3, 1,
    ]);
  });
});
