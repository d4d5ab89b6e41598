import { beforeEach, describe, expect, it } from "vitest";
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
  morphedByMany,
  morphMany,
  morphOne,
  morphTo,
  morphToMany,
  NotFoundError,
  string,
  ValidationError,
} from "../../src/index.js";
import { statementHelpers } from "../support/statements.js";
import { dialect, eagerQueries, returning, useTestDb } from "../support/test-db.js";

/**
 * Prisma's nested writes inside `update({ where, data })` on every database: each operation of
 * each relation kind (hasMany, hasOne, belongsTo, morphMany, morphOne, morphTo, belongsToMany
 * with pivot values, morphToMany), the rows checked in the database, the statements counted;
 * ValidationErrors before any SQL; NotFoundError for a related row that is not there; one
 * transaction, so a failing operation undoes the update and the operations before it.
 */
const schema = defineSchema({
  team: model({
    table: "nu_teams",
    fields: { id: id(), name: string().unique() },
    relations: { members: hasMany("user") },
  }),
  user: model({
    table: "nu_users",
    fields: {
      id: id(),
      email: string().unique(),
      name: string(),
      teamId: integer().nullable(),
      views: integer().default(0),
    },
    relations: {
      team: belongsTo("team"),
      profile: hasOne("profile"),
      passport: hasOne("passport"),
      posts: hasMany("post", { foreignKey: "authorId" }),
      notes: hasMany("note"),
      roles: belongsToMany("role", { table: "nu_role_user", pivotFields: ["level"] }),
      avatar: morphOne("image", { morphName: "imageable" }),
      comments: hasManyThrough("comment", { through: "post", firstKey: "authorId", secondKey: "commentableId" }),
    },
  }),
  profile: model({
    table: "nu_profiles",
    fields: { id: id(), userId: integer().nullable(), bio: string() },
    relations: { user: belongsTo("user") },
  }),
  passport: model({
    table: "nu_passports",
    fields: { id: id(), userId: integer(), number: string() },
  }),
  note: model({
    table: "nu_notes",
    fields: { id: id(), userId: integer(), body: string() },
    relations: { user: belongsTo("user") },
  }),
  post: model({
    table: "nu_posts",
    fields: {
      id: id(),
      authorId: integer().nullable(),
      title: string().unique(),
      published: boolean().default(false),
    },
    relations: {
      author: belongsTo("user", { foreignKey: "authorId" }),
      comments: morphMany("comment", { morphName: "commentable" }),
      tags: morphToMany("tag", { morphName: "taggable" }),
    },
  }),
  comment: model({
    table: "nu_comments",
    fields: { id: id(), body: string(), commentableType: string().nullable(), commentableId: integer().nullable() },
    relations: { commentable: morphTo() },
  }),
  image: model({
    table: "nu_images",
    fields: { id: id(), url: string(), imageableType: string().nullable(), imageableId: integer().nullable() },
  }),
  tag: model({
    table: "nu_tags",
    fields: { id: id(), name: string().unique() },
    relations: { posts: morphedByMany("post", { morphName: "taggable" }) },
  }),
  role: model({
    table: "nu_roles",
    fields: { id: id(), name: string().unique() },
    relations: { users: belongsToMany("user", { table: "nu_role_user", pivotFields: ["level"] }) },
  }),
});

/** Statements an INSERT of `n` rows of one model takes inside a transaction (MySQL without RETURNING: each row, a read back, a savepoint around several). */
const inserts = (n: number) => (returning ? 1 : n === 1 ? 2 : n + 3);

/**
 * Statements a DELETE of posts takes: posts have polymorphic pivot rows (tags), which relata
 * deletes with them in a savepoint: SAVEPOINT, DELETE FROM taggables, DELETE, RELEASE.
 */
const deletePosts = 4;

/** The statements every update takes: BEGIN, the lookup of the row, the read back (and its eager loads), COMMIT. */
const frame = (eager = 0) => 4 + eagerQueries(eager);

describe(`nested writes in update({ where, data }) on ${dialect}`, () => {
  const t = useTestDb(schema);
  const { exactly, noSql } = statementHelpers(t);
  beforeEach(() => t.truncate());

  const user = (email = "ada@x.dev", extra: Record<string, unknown> = {}) =>
    t.db.user.create({ email, name: email.split("@")[0]!, ...extra });
  const titles = async (authorId: number) =>
    (await t.db.post.where("authorId", authorId).orderBy("id").get()).map((post) => post.title);

  describe("hasMany", () => {
    it("create (one or an array) next to field values: one UPDATE, one INSERT, read back with include", async () => {
      const ada = await user();
      const result = await exactly(frame(1) + 1 + inserts(2), () =>
        t.db.user.update({
          where: { id: ada.id },
          data: { name: "Ada L.", posts: { create: [{ title: "One" }, { title: "Two", published: true }] } },
          include: { posts: true },
        }),
      );
      expect(result).toMatchObject({ id: ada.id, name: "Ada L." });
      expect(result.posts.map((post) => [post.title, post.published, post.authorId])).toEqual([
        ["One", false, ada.id],
        ["Two", true, ada.id],
      ]);
      expect(await titles(ada.id)).toEqual(["One", "Two"]);
    });

    it("createMany { data, skipDuplicates } points every row at the parent in one INSERT, nothing read back", async () => {
      const ada = await user();
      await exactly(frame() + 1, () =>
        t.db.user.update({
          where: { id: ada.id },
          data: { posts: { createMany: { data: [{ title: "A" }, { title: "B" }] } } },
        }),
      );
      expect(await titles(ada.id)).toEqual(["A", "B"]);
      // skipDuplicates: a row a unique key already has (title "A") is skipped, not an error.
      await exactly(frame() + 1, () =>
        t.db.user.update({
          where: { id: ada.id },
          data: { posts: { createMany: { data: [{ title: "A" }, { title: "C" }], skipDuplicates: true } } },
        }),
      );
      expect(await titles(ada.id)).toEqual(["A", "B", "C"]);
    });

    it("connect by key or unique where: one UPDATE; a missing row is a NotFoundError and nothing changes", async () => {
      const ada = await user();
      const bob = await user("bob@x.dev");
      const [p1, p2] = await t.db.post.createMany([
        { title: "P1", authorId: bob.id },
        { title: "P2", authorId: null },
      ]);
      await exactly(frame() + 1, () =>
        t.db.user.update({ where: { id: ada.id }, data: { posts: { connect: [{ id: p1!.id }, { title: "P2" }] } } }),
      );
      expect(await titles(ada.id)).toEqual(["P1", "P2"]);
      // Connecting rows that already point here is no error (MySQL counts rows matched, not changed).
      await t.db.user.update({ where: { id: ada.id }, data: { posts: { connect: { id: p2!.id } } } });
      const error = await t.db.user
        .update({
          where: { id: bob.id },
          data: { name: "Bobby", posts: { connect: [{ id: p1!.id }, { id: 999_999 }] } },
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as Error).message).toContain('connect through "user.posts"');
      expect(await titles(ada.id)).toEqual(["P1", "P2"]);
      expect((await t.db.user.find(bob.id))!.name).toBe("bob");
    });

    it("connect takes rows read through relata by their key; a plain object is a where, every field compared", async () => {
      const ada = await user();
      const row = (await t.db.post.create({ title: "R" }))!;
      await t.db.user.update({ where: { id: ada.id }, data: { posts: { connect: row } } });
      expect(await titles(ada.id)).toEqual(["R"]);
      const error = await t.db.user
        .update({ where: { id: ada.id }, data: { posts: { connect: { id: row.id, title: "not R" } } } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
    });

    it("connectOrCreate connects what its where finds and creates the rest: one lookup, one UPDATE, one INSERT", async () => {
      const ada = await user();
      await t.db.post.create({ title: "Old" });
      await exactly(frame() + 1 + 1 + inserts(1), () =>
        t.db.user.update({
          where: { id: ada.id },
          data: {
            posts: {
              connectOrCreate: [
                { where: { title: "Old" }, create: { title: "Old" } },
                { where: { title: "New" }, create: { title: "New", published: true } },
              ],
            },
          },
        }),
      );
      expect(await titles(ada.id)).toEqual(["Old", "New"]);
      expect(await t.db.post.count()).toBe(2);
    });

    it("disconnect nulls the keys of the rows named (related ones only); set replaces the related rows", async () => {
      const ada = await user();
      const bob = await user("bob@x.dev");
      const [a, b, c] = await t.db.post.createMany([
        { title: "A", authorId: ada.id },
        { title: "B", authorId: ada.id },
        { title: "C", authorId: bob.id },
      ]);
      await exactly(frame() + 1, () =>
        t.db.user.update({ where: { id: ada.id }, data: { posts: { disconnect: [{ id: a!.id }, { id: c!.id }] } } }),
      );
      expect(await titles(ada.id)).toEqual(["B"]);
      expect(await titles(bob.id)).toEqual(["C"]);
      // set: B is let go, A and C become Ada's: one UPDATE for the others, one for those named.
      await exactly(frame() + 2, () =>
        t.db.user.update({ where: { id: ada.id }, data: { posts: { set: [{ id: a!.id }, { title: "C" }] } } }),
      );
      expect(await titles(ada.id)).toEqual(["A", "C"]);
      expect((await t.db.post.find(b!.id))!.authorId).toBeNull();
      await exactly(frame() + 1, () => t.db.user.update({ where: { id: ada.id }, data: { posts: { set: [] } } }));
      expect(await titles(ada.id)).toEqual([]);
    });

    it("disconnect and set need a nullable foreign key: a ValidationError before any SQL", async () => {
      const ada = await user();
      for (const op of ["disconnect", "set"]) {
        const error = await noSql(() =>
          t.db.user.update({ where: { id: ada.id }, data: { notes: { [op]: [{ id: 1 }] } } }),
        );
        expect(error).toBeInstanceOf(ValidationError);
        expect(error.message).toContain('"note.userId"');
        expect(error.message).toContain("not nullable");
      }
    });

    it("update { where, data } reaches only related rows, nested writes included; a stranger is a NotFoundError", async () => {
      const ada = await user();
      const bob = await user("bob@x.dev");
      const [a, , c] = await t.db.post.createMany([
        { title: "A", authorId: ada.id },
        { title: "B", authorId: ada.id },
        { title: "C", authorId: bob.id },
      ]);
      await exactly(frame() + 1, () =>
        t.db.user.update({
          where: { id: ada.id },
          data: { posts: { update: { where: { id: a!.id }, data: { published: true } } } },
        }),
      );
      expect((await t.db.post.find(a!.id))!.published).toBe(true);
      // With nested writes: the row is found first, then updated with its own nested writes.
      await exactly(frame() + 1 + 1 + inserts(1), () =>
        t.db.user.update({
          where: { id: ada.id },
          data: {
            posts: { update: [{ where: { title: "A" }, data: { title: "A2", comments: { create: { body: "hi" } } } }] },
          },
        }),
      );
      expect(await t.db.comment.where("commentableId", a!.id).pluck("body")).toEqual(["hi"]);
      const error = await t.db.user
        .update({
          where: { id: ada.id },
          data: { posts: { update: { where: { id: c!.id }, data: { published: true } } } },
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((await t.db.post.find(c!.id))!.published).toBe(false);
    });

    it("updateMany sets fields on the related rows its where matches", async () => {
      const ada = await user();
      const bob = await user("bob@x.dev");
      await t.db.post.createMany([
        { title: "A", authorId: ada.id },
        { title: "B", authorId: ada.id, published: true },
        { title: "C", authorId: bob.id },
      ]);
      await exactly(frame() + 1, () =>
        t.db.user.update({
          where: { id: ada.id },
          data: {
            posts: {
              updateMany: { where: { published: false, title: { startsWith: "A" } }, data: { published: true } },
            },
          },
        }),
      );
      expect(await t.db.post.where("published", true).orderBy("title").pluck("title")).toEqual(["A", "B"]);
      await t.db.user.update({
        where: { id: ada.id },
        data: { posts: { updateMany: { data: { published: false } } } },
      });
      expect(await t.db.post.where("published", true).count()).toBe(0);
    });

    it("the wheres of updateMany and deleteMany take relation filters, as a read's where does", async () => {
      const ada = await user();
      const bob = await user("bob@x.dev");
      const [a, b, , d] = await t.db.post.createMany([
        { title: "A", authorId: ada.id },
        { title: "B", authorId: ada.id },
        { title: "C", authorId: ada.id },
        { title: "D", authorId: bob.id },
      ]);
      const [x, y] = await t.db.tag.createMany([{ name: "x" }, { name: "y" }]);
      await t.db.post.update({ where: { id: a!.id }, data: { tags: { connect: { id: x!.id } } } });
      await t.db.post.update({ where: { id: d!.id }, data: { tags: { connect: { id: x!.id } } } });
      await t.db.post.update({ where: { id: b!.id }, data: { tags: { connect: { id: y!.id } } } });
      await t.db.post.update({ where: { id: b!.id }, data: { comments: { create: { body: "hi" } } } });
      // The types still say ScalarWhere (src/schema/update-types.ts): `as never` until they take relation filters.
      // One UPDATE, its EXISTS subquery over the pivot: only ada's posts tagged x (not bob's D).
      await exactly(frame() + 1, () =>
        t.db.user.update({
          where: { id: ada.id },
          data: {
            posts: { updateMany: { where: { tags: { some: { name: "x" } } } as never, data: { published: true } } },
          },
        }),
      );
      expect(await t.db.post.where("published", true).pluck("title")).toEqual(["A"]);
      await t.db.user.update({
        where: { id: ada.id },
        data: {
          posts: {
            updateMany: {
              where: {
                published: false,
                OR: [{ comments: { some: { body: "hi" } } }, { author: { is: { name: "x" } } }],
              } as never,
              data: { published: true },
            },
          },
        },
      });
      expect(await t.db.post.where("published", true).orderBy("title").pluck("title")).toEqual(["A", "B"]);
      // deleteMany: ada's posts with no tag at all (C), one DELETE with the pivot rows' savepoint.
      await exactly(frame() + deletePosts, () =>
        t.db.user.update({ where: { id: ada.id }, data: { posts: { deleteMany: { tags: { none: {} } } as never } } }),
      );
      expect(await titles(ada.id)).toEqual(["A", "B"]);
      expect(await titles(bob.id)).toEqual(["D"]);
      // A to-one disconnect's where filters the owner by its relations too: no match, nothing changes.
      const disconnect = (title: string) =>
        t.db.post.update({
          where: { id: a!.id },
          data: { author: { disconnect: { posts: { some: { title } } } as never } },
        });
      await disconnect("D");
      expect((await t.db.post.find(a!.id))!.authorId).toBe(ada.id);
      await disconnect("B");
      expect((await t.db.post.find(a!.id))!.authorId).toBeNull();
    });

    it("upsert updates the related row its where finds, else creates one", async () => {
      const ada = await user();
      await t.db.post.create({ title: "A", authorId: ada.id });
      const upsert = (title: string) =>
        t.db.user.update({
          where: { id: ada.id },
          data: { posts: { upsert: { where: { title }, create: { title }, update: { published: true } } } },
        });
      await exactly(frame() + 2, () => upsert("A"));
      await exactly(frame() + 1 + inserts(1), () => upsert("B"));
      expect(await titles(ada.id)).toEqual(["A", "B"]);
      expect((await t.db.post.where("title", "A").first())!.published).toBe(true);
    });

    it("delete removes related rows by unique where (one DELETE); one not related is a NotFoundError, all undone", async () => {
      const ada = await user();
      const bob = await user("bob@x.dev");
      const [a, b, c] = await t.db.post.createMany([
        { title: "A", authorId: ada.id },
        { title: "B", authorId: ada.id },
        { title: "C", authorId: bob.id },
      ]);
      await exactly(frame() + deletePosts, () =>
        t.db.user.update({ where: { id: ada.id }, data: { posts: { delete: { id: a!.id } } } }),
      );
      expect(await titles(ada.id)).toEqual(["B"]);
      const error = await t.db.user
        .update({
          where: { id: ada.id },
          data: { name: "Changed", posts: { create: { title: "D" }, delete: [{ id: b!.id }, { id: c!.id }] } },
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as Error).message).toContain("2 wheres named 1 row");
      // Everything the update did before the failing delete is undone.
      expect(await titles(ada.id)).toEqual(["B"]);
      expect(await titles(bob.id)).toEqual(["C"]);
      expect((await t.db.user.find(ada.id))!.name).toBe("ada");
    });

    it("deleteMany deletes the related rows a where (or any of several) matches; {} deletes them all", async () => {
      const ada = await user();
      const bob = await user("bob@x.dev");
      await t.db.post.createMany([
        { title: "A", authorId: ada.id },
        { title: "B", authorId: ada.id, published: true },
        { title: "C", authorId: ada.id },
        { title: "D", authorId: bob.id },
      ]);
      await exactly(frame() + deletePosts, () =>
        t.db.user.update({
          where: { id: ada.id },
          data: { posts: { deleteMany: [{ published: true }, { title: "C" }] } },
        }),
      );
      expect(await titles(ada.id)).toEqual(["A"]);
      await exactly(frame() + deletePosts, () =>
        t.db.user.update({ where: { id: ada.id }, data: { posts: { deleteMany: {} } } }),
      );
      expect(await titles(ada.id)).toEqual([]);
      expect(await titles(bob.id)).toEqual(["D"]);
    });
  });

  describe("hasOne and morphOne", () => {
    it("create gives the relation a new row and detaches the one it held", async () => {
      const ada = await user();
      const old = await t.db.profile.create({ userId: ada.id, bio: "old" });
      const result = await exactly(frame(1) + 1 + inserts(1), () =>
        t.db.user.update({
          where: { id: ada.id },
          data: { profile: { create: { bio: "new" } } },
          include: { profile: true },
        }),
      );
      expect(result.profile).toMatchObject({ bio: "new", userId: ada.id });
      expect((await t.db.profile.find(old.id))!.userId).toBeNull();
    });

    it("connect, connectOrCreate and disconnect move the one row", async () => {
      const ada = await user();
      const [p1, p2] = await t.db.profile.createMany([{ bio: "one" }, { bio: "two" }]);
      await exactly(frame() + 2, () =>
        t.db.user.update({ where: { id: ada.id }, data: { profile: { connect: { id: p1!.id } } } }),
      );
      expect((await t.db.profile.find(p1!.id))!.userId).toBe(ada.id);
      await t.db.user.update({
        where: { id: ada.id },
        data: { profile: { connectOrCreate: { where: { id: p2!.id }, create: { bio: "unused" } } } },
      });
      expect(await t.db.profile.where("userId", ada.id).pluck("bio")).toEqual(["two"]);
      await exactly(frame() + 1, () =>
        t.db.user.update({ where: { id: ada.id }, data: { profile: { disconnect: true } } }),
      );
      expect(await t.db.profile.where("userId", ada.id).count()).toBe(0);
    });

    it("update, upsert and delete reach the related row; delete of none is a NotFoundError", async () => {
      const ada = await user();
      await exactly(frame() + 1 + 1 + inserts(1), () =>
        t.db.user.update({
          where: { id: ada.id },
          data: { profile: { upsert: { create: { bio: "made" }, update: { bio: "x" } } } },
        }),
      );
      await exactly(frame() + 1, () =>
        t.db.user.update({ where: { id: ada.id }, data: { profile: { update: { bio: "edited" } } } }),
      );
      await t.db.user.update({
        where: { id: ada.id },
        data: { profile: { upsert: { create: { bio: "no" }, update: { bio: "again" } } } },
      });
      expect(await t.db.profile.where("userId", ada.id).pluck("bio")).toEqual(["again"]);
      await exactly(frame() + 1, () =>
        t.db.user.update({ where: { id: ada.id }, data: { profile: { delete: true } } }),
      );
      expect(await t.db.profile.count()).toBe(0);
      const error = await t.db.user
        .update({ where: { id: ada.id }, data: { profile: { delete: true } } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      const missing = await t.db.user
        .update({ where: { id: ada.id }, data: { profile: { update: { bio: "x" } } } })
        .catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(NotFoundError);
    });

    it("a hasOne whose key is required cannot drop the row it holds: a ValidationError, all undone", async () => {
      const ada = await user();
      await t.db.user.update({ where: { id: ada.id }, data: { passport: { create: { number: "P1" } } } });
      const error = await t.db.user
        .update({ where: { id: ada.id }, data: { name: "X", passport: { create: { number: "P2" } } } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toContain('"user.passport" already holds a "passport"');
      expect(await t.db.passport.pluck("number")).toEqual(["P1"]);
      expect((await t.db.user.find(ada.id))!.name).toBe("ada");
      // Its disconnect is refused before any SQL.
      const refused = await noSql(() =>
        t.db.user.update({ where: { id: ada.id }, data: { passport: { disconnect: true } } as never }),
      );
      expect(refused).toBeInstanceOf(ValidationError);
    });

    it("morphOne: create and disconnect set and clear the morph type and id", async () => {
      const ada = await user();
      await t.db.user.update({ where: { id: ada.id }, data: { avatar: { create: { url: "a.png" } } } });
      expect(await t.db.image.first()).toMatchObject({ url: "a.png", imageableType: "user", imageableId: ada.id });
      await t.db.user.update({ where: { id: ada.id }, data: { avatar: { create: { url: "b.png" } } } });
      expect(await t.db.image.where("imageableId", ada.id).pluck("url")).toEqual(["b.png"]);
      await t.db.user.update({ where: { id: ada.id }, data: { avatar: { disconnect: true } } });
      expect(await t.db.image.whereNotNull("imageableId").count()).toBe(0);
    });
  });

  describe("belongsTo", () => {
    it("create and connect set the row's own key in its one UPDATE", async () => {
      const ada = await user();
      // The team comes back in the read-back's own statement (a read of one row joins a unique to-one).
      const result = await exactly(frame(0) + inserts(1) + 1, () =>
        t.db.user.update({
          where: { id: ada.id },
          data: { name: "A", team: { create: { name: "Core" } } },
          include: { team: true },
        }),
      );
      expect(result.team).toMatchObject({ name: "Core" });
      expect(result.teamId).toBe(result.team!.id);
      const other = await t.db.team.create({ name: "Other" });
      // The owner is looked up (it must exist), then the key set.
      await exactly(frame() + 2, () =>
        t.db.user.update({ where: { id: ada.id }, data: { team: { connect: { name: "Other" } } } }),
      );
      expect((await t.db.user.find(ada.id))!.teamId).toBe(other.id);
      const error = await t.db.user
        .update({ where: { id: ada.id }, data: { team: { connect: { id: 999_999 } } } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
    });

    it("connectOrCreate, update, upsert, disconnect and delete", async () => {
      const ada = await user();
      await t.db.user.update({
        where: { id: ada.id },
        data: { team: { connectOrCreate: { where: { name: "T" }, create: { name: "T" } } } },
      });
      const team = (await t.db.team.where("name", "T").first())!;
      expect((await t.db.user.find(ada.id))!.teamId).toBe(team.id);
      // update reads the row's key first, then updates the owner.
      await exactly(frame() + 2, () =>
        t.db.user.update({ where: { id: ada.id }, data: { team: { update: { name: "T2" } } } }),
      );
      expect((await t.db.team.find(team.id))!.name).toBe("T2");
      await t.db.user.update({
        where: { id: ada.id },
        data: { team: { upsert: { create: { name: "no" }, update: { name: "T3" } } } },
      });
      expect(await t.db.team.pluck("name")).toEqual(["T3"]);
      await exactly(frame() + 1, () =>
        t.db.user.update({ where: { id: ada.id }, data: { team: { disconnect: true } } }),
      );
      expect((await t.db.user.find(ada.id))!.teamId).toBeNull();
      await t.db.user.update({
        where: { id: ada.id },
        data: { team: { upsert: { create: { name: "U" }, update: { name: "no" } } } },
      });
      const u = (await t.db.team.where("name", "U").first())!;
      expect((await t.db.user.find(ada.id))!.teamId).toBe(u.id);
      // delete: the key nulled, then the owner deleted.
      await exactly(frame() + 3, () => t.db.user.update({ where: { id: ada.id }, data: { team: { delete: true } } }));
      expect(await t.db.team.find(u.id)).toBeNull();
      expect((await t.db.user.find(ada.id))!.teamId).toBeNull();
    });

    it("a required owner cannot be disconnected or deleted: a ValidationError before any SQL", async () => {
      for (const data of [{ user: { disconnect: true } }, { user: { delete: true } }]) {
        const error = await noSql(() => t.db.note.update({ where: { id: 1 }, data: data as never }));
        expect(error).toBeInstanceOf(ValidationError);
        expect(error.message).toContain('"note.userId"');
      }
    });
  });

  describe("morphMany and morphTo", () => {
    it("morphMany create, set and deleteMany write the morph type and id", async () => {
      const post = await t.db.post.create({ title: "P" });
      await t.db.post.update({
        where: { id: post.id },
        data: { comments: { create: [{ body: "a" }, { body: "b" }] } },
      });
      const rows = await t.db.comment.orderBy("id").get();
      expect(rows.map((c) => [c.body, c.commentableType, c.commentableId])).toEqual([
        ["a", "post", post.id],
        ["b", "post", post.id],
      ]);
      await t.db.post.update({ where: { id: post.id }, data: { comments: { set: [{ id: rows[1]!.id }] } } });
      expect(await t.db.comment.whereNotNull("commentableId").pluck("body")).toEqual(["b"]);
      await t.db.post.update({ where: { id: post.id }, data: { comments: { deleteMany: {} } } });
      expect(await t.db.comment.pluck("body")).toEqual(["a"]);
    });

    it("morphTo connects a row read through relata and disconnects", async () => {
      const post = await t.db.post.create({ title: "P" });
      const comment = await t.db.comment.create({ body: "c" });
      await exactly(frame() + 1, () =>
        t.db.comment.update({ where: { id: comment.id }, data: { commentable: { connect: post } } }),
      );
      expect(await t.db.comment.find(comment.id)).toMatchObject({ commentableType: "post", commentableId: post.id });
      await t.db.comment.update({ where: { id: comment.id }, data: { commentable: { disconnect: true } } });
      expect(await t.db.comment.find(comment.id)).toMatchObject({ commentableType: null, commentableId: null });
    });
  });

  describe("many-to-many", () => {
    const roleNames = async (userId: number) =>
      (await t.db.user.with("roles").where("id", userId).first())!.roles
        .map((role) => [role.name, role.pivot.level])
        .sort();

    it("connect attaches by key, unique where or { key: pivotValues }; already attached keys are left alone", async () => {
      const ada = await user();
      const [admin, dev] = await t.db.role.createMany([{ name: "admin" }, { name: "dev" }]);
      // One read (related rows and pivot rows), one pivot INSERT.
      await exactly(frame() + 2, () =>
        t.db.user.update({ where: { id: ada.id }, data: { roles: { connect: { [admin!.id]: { level: "high" } } } } }),
      );
      // A where on another unique field is looked up first.
      await exactly(frame() + 3, () =>
        t.db.user.update({ where: { id: ada.id }, data: { roles: { connect: [{ id: admin!.id }, { name: "dev" }] } } }),
      );
      expect(await roleNames(ada.id)).toEqual([
        ["admin", "high"],
        ["dev", null],
      ]);
      const error = await t.db.user
        .update({ where: { id: ada.id }, data: { roles: { connect: { id: 999_999 } } } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(dev).toBeDefined();
    });

    it("disconnect detaches; set makes the related rows exactly those named", async () => {
      const ada = await user();
      const roles = await t.db.role.createMany([{ name: "a" }, { name: "b" }, { name: "c" }]);
      await t.db.user.related(ada, "roles").attach(roles.map((role) => role.id));
      await exactly(frame() + 1, () =>
        t.db.user.update({ where: { id: ada.id }, data: { roles: { disconnect: { id: roles[0]!.id } } } }),
      );
      expect((await roleNames(ada.id)).map(([name]) => name)).toEqual(["b", "c"]);
      // One read of the pivot rows, one DELETE, one INSERT.
      await exactly(frame() + 3, () =>
        t.db.user.update({
          where: { id: ada.id },
          data: { roles: { set: [{ id: roles[0]!.id }, { id: roles[1]!.id }] } },
        }),
      );
      expect((await roleNames(ada.id)).map(([name]) => name)).toEqual(["a", "b"]);
      await t.db.user.update({ where: { id: ada.id }, data: { roles: { set: [] } } });
      expect(await roleNames(ada.id)).toEqual([]);
      expect(await t.db.role.count()).toBe(3);
    });

    it("create (with pivot values), createMany and connectOrCreate make related rows and attach them", async () => {
      const ada = await user();
      await t.db.role.create({ name: "old" });
      await exactly(frame() + inserts(1) + 1, () =>
        t.db.user.update({
          where: { id: ada.id },
          data: { roles: { create: { name: "new", pivot: { level: "x" } } } },
        }),
      );
      await exactly(frame() + inserts(2) + 1, () =>
        t.db.user.update({
          where: { id: ada.id },
          data: { roles: { createMany: { data: [{ name: "m1" }, { name: "m2" }] } } },
        }),
      );
      // skipDuplicates: a row skipped ("m1" exists) is neither created again nor attached twice.
      await t.db.user.update({
        where: { id: ada.id },
        data: { roles: { createMany: { data: [{ name: "m1" }], skipDuplicates: true } } },
      });
      // One lookup, one read and one pivot INSERT for the row found, one INSERT and one pivot INSERT for the one created.
      await exactly(frame() + 3 + inserts(1) + 1, () =>
        t.db.user.update({
          where: { id: ada.id },
          data: {
            roles: {
              connectOrCreate: [
                { where: { name: "old" }, create: { name: "old" } },
                { where: { name: "fresh" }, create: { name: "fresh" } },
              ],
            },
          },
        }),
      );
      expect(await roleNames(ada.id)).toEqual([
        ["fresh", null],
        ["m1", null],
        ["m2", null],
        ["new", "x"],
        ["old", null],
      ]);
      expect(await t.db.role.count()).toBe(5);
    });

    it("update, updateMany and upsert reach only related rows", async () => {
      const ada = await user();
      const [a, b] = await t.db.role.createMany([{ name: "a" }, { name: "b" }]);
      await t.db.user.related(ada, "roles").attach([a!.id]);
      await exactly(frame() + 1, () =>
        t.db.user.update({
          where: { id: ada.id },
          data: { roles: { update: { where: { id: a!.id }, data: { name: "a2" } } } },
        }),
      );
      const stranger = await t.db.user
        .update({ where: { id: ada.id }, data: { roles: { update: { where: { id: b!.id }, data: { name: "b2" } } } } })
        .catch((e: unknown) => e);
      expect(stranger).toBeInstanceOf(NotFoundError);
      await t.db.user.update({
        where: { id: ada.id },
        data: { roles: { updateMany: { where: {}, data: { name: "all" } } } },
      });
      expect(await t.db.role.orderBy("id").pluck("name")).toEqual(["all", "b"]);
      await t.db.user.update({
        where: { id: ada.id },
        data: { roles: { upsert: { where: { name: "zz" }, create: { name: "zz" }, update: { name: "no" } } } },
      });
      expect((await roleNames(ada.id)).map(([name]) => name)).toEqual(["all", "zz"]);
    });

    it("delete and deleteMany detach the related rows and delete them", async () => {
      const ada = await user();
      const bob = await user("bob@x.dev");
      const [a, b, c] = await t.db.role.createMany([{ name: "a" }, { name: "b" }, { name: "c" }]);
      await t.db.user.related(ada, "roles").attach([a!.id, b!.id, c!.id]);
      await t.db.user.related(bob, "roles").attach([c!.id]);
      // One read, one DELETE of pivot rows, one DELETE of rows.
      await exactly(frame() + 3, () =>
        t.db.user.update({ where: { id: ada.id }, data: { roles: { delete: { name: "a" } } } }),
      );
      expect(await t.db.role.orderBy("id").pluck("name")).toEqual(["b", "c"]);
      const error = await t.db.user
        .update({ where: { id: bob.id }, data: { roles: { delete: [{ id: b!.id }] } } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      await t.db.user.update({ where: { id: ada.id }, data: { roles: { deleteMany: { name: { in: ["b"] } } } } });
      expect(await t.db.role.pluck("name")).toEqual(["c"]);
    });

    it("morphToMany: connect, create and set write the morph type in the pivot", async () => {
      const post = await t.db.post.create({ title: "P" });
      const tag = await t.db.tag.create({ name: "sql" });
      const result = await t.db.post.update({
        where: { id: post.id },
        data: { tags: { connect: { id: tag.id }, create: { name: "orm" } } },
        include: { tags: true },
      });
      expect(result.tags.map((x) => x.name).sort()).toEqual(["orm", "sql"]);
      await t.db.post.update({ where: { id: post.id }, data: { tags: { set: [{ name: "orm" }] } } });
      expect((await t.db.post.with("tags").where("id", post.id).first())!.tags.map((x) => x.name)).toEqual(["orm"]);
    });
  });

  describe("validation before any SQL", () => {
    it("unknown keys, operations and shapes name what is valid", async () => {
      const cases: [unknown, string[]][] = [
        [{ nope: 1 }, ['Unknown field or relation "nope"', "Valid fields: id, email", "relations: team, profile"]],
        [{ posts: { attach: [1] } }, ['Unknown operation "attach" on "user.posts"', "connectOrCreate", "deleteMany"]],
        [{ team: { set: [] } }, ['Unknown operation "set" on "user.team"', "create, connect"]],
        [{ profile: { create: { bio: "a" }, disconnect: true } }, ["to-one relation", "one operation"]],
        [{ posts: { connect: [{ published: true }] } }, ["unique where", "{ id } or { title }"]],
        [{ posts: { update: { data: { title: "x" } } } }, ["missing: where"]],
        [{ posts: { update: { where: { id: 1 }, data: { title: 5 } } } }, ['"post.title"']],
        [{ posts: { create: { title: "x", nope: 1 } } }, ["nope"]],
        [
          { posts: { updateMany: { where: { author: { some: {} } }, data: { title: "x" } } } },
          [
            'updateMany through "user.posts": "some" does not apply to "post.author", a to-one relation: use is / isNot',
          ],
        ],
        [
          { posts: { deleteMany: { title: { like: "x" } } } },
          ['deleteMany through "user.posts": Unknown filter "like"'],
        ],
        [{ posts: { deleteMany: { tags: { some: { nope: 1 } } } } }, ['unknown field "nope" on model "tag"']],
        [
          { profile: { disconnect: { bio: undefined } } },
          ['disconnect through "user.profile": The filter "bio" on "profile" is undefined'],
        ],
        [{ posts: { createMany: { data: [{ title: "x", comments: { create: [] } }] } } }, ['"comments" is a relation']],
        [
          { teamId: 1, team: { connect: { id: 1 } } },
          ['"user.teamId" is set both by a value and by connect through "user.team"'],
        ],
        [{ comments: { create: { body: "x" } } }, ["hasManyThrough", '"post"']],
        [{ name: 5 }, ['"user.name"']],
        [{ roles: { connect: { 1: { nope: "x" } } } }, ['no pivot field "nope"']],
        [{ profile: { delete: "yes" } }, ["takes true"]],
      ];
      const ada = await user();
      for (const [data, parts] of cases) {
        const error = await noSql(() => t.db.user.update({ where: { id: ada.id }, data: data as never }));
        expect(error, JSON.stringify(data)).toBeInstanceOf(ValidationError);
        for (const part of parts) expect(error.message, JSON.stringify(data)).toContain(part);
      }
    });
  });

  it("atomic number updates go with nested writes, at the top and in a nested update", async () => {
    const ada = await user("ada@x.dev", { views: 5 });
    const post = await t.db.post.create({ title: "P", authorId: ada.id });
    await exactly(frame() + 2, () =>
      t.db.user.update({
        where: { id: ada.id },
        data: { views: { increment: 2 }, posts: { update: { where: { id: post.id }, data: { title: { set: "Q" } } } } },
      }),
    );
    expect((await t.db.user.find(ada.id))!.views).toBe(7);
    expect((await t.db.post.find(post.id))!.title).toBe("Q");
  });

  it("operations run in the order the data gives them: set [] then create keeps the created row", async () => {
    const ada = await user();
    await t.db.post.create({ title: "Old", authorId: ada.id });
    await t.db.user.update({ where: { id: ada.id }, data: { posts: { set: [], create: { title: "New" } } } });
    expect(await titles(ada.id)).toEqual(["New"]);
    await t.db.user.update({ where: { id: ada.id }, data: { posts: { create: { title: "Newer" }, set: [] } } });
    expect(await titles(ada.id)).toEqual([]);
  });

  it("a data of relation writes only sends no UPDATE of the row; an empty data only reads it", async () => {
    const ada = await user();
    await exactly(frame(), () => t.db.user.update({ where: { id: ada.id }, data: {} }));
    const result = await exactly(frame() + inserts(1), () =>
      t.db.user.update({ where: { id: ada.id }, data: { posts: { create: { title: "P" } } } }),
    );
    expect(result).toEqual(await t.db.user.find(ada.id));
  });

  it("everything is one transaction: a failing nested write undoes the fields and the writes before it", async () => {
    const ada = await user();
    await t.db.role.create({ name: "taken" });
    const error = await t.db.user
      .update({
        where: { id: ada.id },
        data: {
          name: "Changed",
          team: { create: { name: "T" } },
          posts: { create: { title: "P" } },
          roles: { create: { name: "taken" } },
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeDefined();
    expect((await t.db.user.find(ada.id))!).toMatchObject({ name: "ada", teamId: null });
    expect(await t.db.team.count()).toBe(0);
    expect(await t.db.post.count()).toBe(0);
    expect(await t.db.role.count()).toBe(1);
  });
});
