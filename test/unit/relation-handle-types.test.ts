/**
 * Type tests for the relation handles' newer methods and the many-to-many options `as` and
 * `withPivotValue`: checked by `tsc --noEmit` (which includes test/); every `@ts-expect-error`
 * is itself a test, since tsc reports an unused one as an error. The db checks live in
 * functions that are type-checked but never called, so no query runs.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  belongsTo,
  belongsToMany,
  boolean,
  type Db,
  defineSchema,
  hasMany,
  hasOne,
  id,
  integer,
  manyToMany,
  model,
  morphMany,
  morphTo,
  morphToMany,
  type Row,
  type SyncResult,
  string,
} from "../../src/index.js";
import type { blog } from "../support/blog-schema.js";

type S = typeof blog;
type Post = Row<S, "post">;
type User = Row<S, "user">;
type Role = Row<S, "role">;
type Comment = Row<S, "comment">;

const clubs = defineSchema({
  member: model({
    fields: { id: id(), name: string() },
    relations: {
      clubs: belongsToMany("club", {
        pivotFields: { active: boolean().default(false), role: string().nullable() },
        as: "membership",
        withPivotValue: { active: true },
      }),
      plainClubs: belongsToMany("club", {
        pivotFields: { active: boolean().default(false), role: string().nullable() },
      }),
      badges: manyToMany("badge", {
        through: "award",
        from: "memberId",
        to: "badgeId",
        pivotFields: ["level"],
        as: "award",
      }),
      tags: morphToMany("tag", { morphName: "taggable", as: "tagging" }),
    },
  }),
  club: model({ fields: { id: id(), name: string() } }),
  award: model({ fields: { id: id(), memberId: integer(), badgeId: integer(), level: string() } }),
  badge: model({ fields: { id: id(), name: string() } }),
  tag: model({ fields: { id: id(), name: string(), taggableType: string(), taggableId: integer() } }),
});
type C = typeof clubs;

// Type-only: never called, so no database is needed.
declare const db: Db<S>;
declare const cdb: Db<C>;
declare const user: User;
declare const post: Post;
declare const comment: Comment;
declare const role: Role;
declare const member: Row<C, "member">;

describe("the as option", () => {
  it("rows read through the relation carry their pivot values under the accessor, typed", () => {
    async function check() {
      const [withClubs] = await cdb.member.with("clubs").get();
      const club = withClubs!.clubs[0]!;
      expectTypeOf(club.membership.active).toEqualTypeOf<boolean>();
      expectTypeOf(club.membership.role).toEqualTypeOf<string | null>();
      // @ts-expect-error the accessor is `membership`: there is no `pivot`
      club.pivot;
      const [plain] = await cdb.member.with("plainClubs").get();
      expectTypeOf(plain!.plainClubs[0]!.pivot.role).toEqualTypeOf<string | null>();
      // related(), and what firstOrCreate / updateOrCreate answer
      const [read] = await cdb.member.related(member, "clubs").get();
      expectTypeOf(read!.membership.active).toEqualTypeOf<boolean>();
      const created = await cdb.member.related(member, "clubs").firstOrCreate({ name: "chess" }, {}, { role: "x" });
      expectTypeOf(created.membership.role).toEqualTypeOf<string | null>();
      const updated = await cdb.member.related(member, "clubs").updateOrCreate({ name: "chess" });
      expectTypeOf(updated.membership).toHaveProperty("active");
      // A join model and a morph pivot.
      const [badged] = await cdb.member.with("badges", "tags").get();
      expectTypeOf(badged!.badges[0]!.award.level).toEqualTypeOf<string>();
      expectTypeOf(badged!.tags[0]!.tagging).toEqualTypeOf<{ taggableId: number; tagId: number }>();
    }
    expect(check).toBeTypeOf("function");
  });

  it("as and withPivotValue are options of the many-to-many relations only", () => {
    // @ts-expect-error hasMany has no as
    hasMany("post", { as: "x" });
    // @ts-expect-error belongsTo has no withPivotValue
    belongsTo("user", { withPivotValue: { a: 1 } });
    // @ts-expect-error as takes a property name
    belongsToMany("role", { as: 1 });
    // @ts-expect-error withPivotValue takes an object of values
    belongsToMany("role", { withPivotValue: "active" });
    expect(hasOne("profile", { withDefault: true }).kind).toBe("hasOne");
  });
});

describe("syncMany", () => {
  it("takes a many-to-many relation of the model and [row, input] pairs or a Map; gives a result per row", () => {
    async function check() {
      const results = await db.post.syncMany("tags", [[post, [1, 2]]]);
      expectTypeOf(results).toEqualTypeOf<SyncResult[]>();
      await db.user.syncMany("roles", new Map([[user, { 1: { grantedBy: "ada" } }]]), { detaching: false });
      await cdb.member.syncMany("badges", [[member, [1]]]);
      // @ts-expect-error a hasMany has no pivot rows to sync
      await db.user.syncMany("posts", [[user, [1]]]);
      // @ts-expect-error a belongsTo neither
      await db.post.syncMany("author", [[post, [1]]]);
      // @ts-expect-error the rows are the model's own
      await db.post.syncMany("tags", [[{ name: "x" }, [1]]]);
      // @ts-expect-error detaching is a boolean
      await db.post.syncMany("tags", [], { detaching: "no" });
    }
    expect(check).toBeTypeOf("function");
  });
});

describe("the handles' new methods", () => {
  it("associate through an owner relation takes a row, a key or null; not a list, not a boolean", () => {
    async function check() {
      const author = db.post.related(post, "author");
      await author.associate(user);
      await author.associate(1);
      await author.associate("1");
      await author.associate(1n);
      await author.associate(null);
      await db.comment.related(comment, "commentable").associate(3, { model: "video" });
      // @ts-expect-error a list of rows: a belongsTo points at one owner
      await author.associate([user]);
      // @ts-expect-error a boolean is no key
      await author.associate(true);
      // @ts-expect-error nothing is no owner
      await author.associate();
    }
    expect(check).toBeTypeOf("function");
  });

  it("make and firstOrNew on child relations: the relation's keys typed in", () => {
    async function check() {
      const made = db.user.related(user, "posts").make({ title: "Draft" });
      expectTypeOf(made.authorId).toEqualTypeOf<number>();
      expectTypeOf(made.title).toEqualTypeOf<string>();
      const comment = db.post.related(post, "comments").make({ body: "hi" });
      expectTypeOf(comment.commentableType).toEqualTypeOf<string>();
      expectTypeOf(comment.commentableId).toEqualTypeOf<number>();
      const found = await db.user.related(user, "posts").firstOrNew({ title: "x" }, { body: "y" });
      expectTypeOf(found.authorId).toEqualTypeOf<number>();
      expectTypeOf(found.title).toEqualTypeOf<string>();
      // @ts-expect-error an unknown field
      db.user.related(user, "posts").make({ nope: 1 });
      // @ts-expect-error a field of the wrong type
      await db.user.related(user, "posts").firstOrNew({ title: 5 });
      // @ts-expect-error a belongsTo has no make
      db.post.related(post, "author").make({});
      // @ts-expect-error a many-to-many has no make
      db.user.related(user, "roles").make({});
      // @ts-expect-error a through relation has no firstOrNew
      await db.country.related({ id: 1 }, "posts").firstOrNew({});
    }
    expect(check).toBeTypeOf("function");
  });

  it("many-to-many: firstOrNew, firstOrCreate and updateOrCreate with pivot values", () => {
    async function check() {
      const roles = db.user.related(user, "roles");
      const found = await roles.firstOrCreate({ name: "admin" }, {}, { grantedBy: "root" });
      expectTypeOf(found.pivot.grantedBy).toEqualTypeOf<string | null>();
      expectTypeOf(found.name).toEqualTypeOf<string>();
      const updated = await roles.where("id", ">", 1).updateOrCreate({ name: "admin" }, { name: "root" });
      expectTypeOf(updated.pivot).toHaveProperty("createdAt");
      const maybe = await roles.firstOrNew({ name: "admin" });
      expectTypeOf(maybe.name).toEqualTypeOf<string>();
      // @ts-expect-error an unknown field of the related model
      await roles.firstOrCreate({ nope: 1 });
      // @ts-expect-error a child relation's firstOrCreate takes no pivot values
      await db.user.related(user, "posts").firstOrCreate({ title: "x" }, {}, { grantedBy: "x" });
    }
    expect(check).toBeTypeOf("function");
  });

  it("findOrFail: one key gives a row, an array gives rows; on to-many and through handles", () => {
    async function check() {
      const one = await db.user.related(user, "posts").findOrFail(1);
      expectTypeOf(one).toEqualTypeOf<Post>();
      const many = await db.user.related(user, "posts").findOrFail([1, 2]);
      expectTypeOf(many).toEqualTypeOf<Post[]>();
      const roles = await db.user.related(user, "roles").findOrFail([1]);
      expectTypeOf(roles[0]!.pivot).toHaveProperty("grantedBy");
      await db.country.related({ id: 1 }, "posts").findOrFail(1);
      await db.role.related(role, "users").findOrFail("1");
      // @ts-expect-error a row is no key
      await db.user.related(user, "posts").findOrFail({ id: 1 });
      // @ts-expect-error a belongsTo has no findOrFail
      await db.post.related(post, "author").findOrFail(1);
    }
    expect(check).toBeTypeOf("function");
  });

  it("orderByPivot: on a many-to-many handle and in a constraint, not on other handles", () => {
    async function check() {
      const sorted = await db.user.related(user, "roles").orderByPivot("grantedBy", "desc").get();
      expectTypeOf(sorted[0]!.pivot).toHaveProperty("grantedBy");
      await db.user.with("roles", (q) => q.orderByPivot("createdAt", "desc")).get();
      // @ts-expect-error a hasMany handle has no pivot to sort by
      db.user.related(user, "posts").orderByPivot("x");
      // @ts-expect-error a belongsTo handle has no pivot to sort by
      db.post.related(post, "author").orderByPivot("x");
      // @ts-expect-error asc or desc
      db.user.related(user, "roles").orderByPivot("grantedBy", "up");
    }
    expect(check).toBeTypeOf("function");
  });

  it("the schema's relations are still what they were", () => {
    expect(morphTo().kind).toBe("morphTo");
    expect(morphMany("comment", { morphName: "commentable" }).kind).toBe("morphMany");
  });
});
