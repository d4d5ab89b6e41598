import { beforeEach, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { statementHelpers } from "../support/statements.js";
import { dialect, returning, useTestDb } from "../support/test-db.js";

/**
 * Prisma's `connectOrCreate` inside `create` on every database, through each relation kind that
 * connects in a create (belongsTo, hasOne, hasMany, morphMany, belongsToMany with pivot values,
 * morphToMany): the rows its wheres find are connected, the others created; the lookups of a
 * relation level are one statement; the rows found are connected without a second read; bad
 * input is a ValidationError before any SQL.
 */

/** Statements an INSERT of `n` rows of one model takes inside a transaction (MySQL without RETURNING: each row, a read back, a savepoint around several). */
const inserts = (n: number) => (returning ? 1 : n === 1 ? 2 : n + 3);

describe(`connectOrCreate in create on ${dialect}`, () => {
  const t = useTestDb(blog);
  const { exactly, noSql } = statementHelpers(t);
  beforeEach(() => t.truncate());

  const tagNames = async (postId: number) =>
    (
      await t.db.tag
        .whereHas("posts", (q) => q.where("id", postId))
        .orderBy("name")
        .get()
    ).map((tag) => tag.name);

  it("many-to-many (a post's tags): found tags attached, missing ones created and attached, one lookup", async () => {
    const ada = await t.db.user.create({ email: "ada@x.dev", name: "Ada" });
    const sql = await t.db.tag.create({ name: "sql" });
    const tags = ["sql", "orm", "ts"].map((name) => ({ where: { name }, create: { name } }));
    // BEGIN, the lookup (UNION ALL), the post, the two new tags, the pivot rows, the tags read back, COMMIT.
    const post = await exactly(2 + 1 + inserts(1) + inserts(2) + 1 + 1, () =>
      t.db.post.create({ title: "Hi", authorId: ada.id, tags: { connectOrCreate: tags } }),
    );
    expect(post.tags.map((tag) => tag.name).sort()).toEqual(["orm", "sql", "ts"]);
    expect(post.tags.find((tag) => tag.name === "sql")!.id).toBe(sql.id);
    expect(await tagNames(post.id)).toEqual(["orm", "sql", "ts"]);
    expect(await t.db.tag.count()).toBe(3);
  });

  it("the same where twice creates its row once; Prisma's create({ data, include }) form too", async () => {
    const ada = await t.db.user.create({ email: "ada@x.dev", name: "Ada" });
    const post = await t.db.post.create({
      data: {
        title: "Hi",
        authorId: ada.id,
        tags: {
          connectOrCreate: [
            { where: { name: "a" }, create: { name: "a" } },
            { where: { name: "a" }, create: { name: "a" } },
          ],
        },
      },
      include: { tags: true },
    });
    expect(post.tags.map((tag) => tag.name)).toEqual(["a"]);
    expect(await t.db.tag.count()).toBe(1);
  });

  it("belongsToMany: a created row's pivot values are written; connect and connectOrCreate go together", async () => {
    const [admin, editor] = await t.db.role.createMany([{ name: "admin" }, { name: "editor" }]);
    const user = await t.db.user.create({
      email: "ada@x.dev",
      name: "Ada",
      roles: {
        connect: { [admin!.id]: { grantedBy: "root" } },
        connectOrCreate: [
          { where: { id: editor!.id }, create: { name: "unused" } },
          { where: { id: 999_999 }, create: { name: "viewer", pivot: { grantedBy: "me" } } },
        ],
      },
    });
    const roles = user.roles.map((role) => [role.name, role.pivot.grantedBy]).sort();
    expect(roles).toEqual([
      ["admin", "root"],
      ["editor", null],
      ["viewer", "me"],
    ]);
    expect(await t.db.role.count()).toBe(3);
  });

  it("belongsTo: the owner found is connected (no second read), a missing one created first", async () => {
    const uk = await t.db.country.create({ name: "UK" });
    // BEGIN, the lookup, the user, its country read back, COMMIT.
    const ada = await exactly(2 + 1 + inserts(1) + 1, () =>
      t.db.user.create({
        email: "ada@x.dev",
        name: "Ada",
        country: { connectOrCreate: { where: { id: uk.id }, create: { name: "no" } } },
      }),
    );
    expect(ada.countryId).toBe(uk.id);
    expect(ada.country).toMatchObject({ id: uk.id, name: "UK" });
    const bob = await t.db.user.create({
      email: "bob@x.dev",
      name: "Bob",
      country: { connectOrCreate: { where: { id: 999_999 }, create: { name: "FR" } } },
    });
    expect(bob.country).toMatchObject({ name: "FR" });
    expect((await t.db.user.find(bob.id))!.countryId).toBe(bob.country!.id);
  });

  it("hasMany and hasOne: found rows re-pointed at the new row in one UPDATE, the others created", async () => {
    const bob = await t.db.user.create({ email: "bob@x.dev", name: "Bob" });
    const old = await t.db.post.create({ title: "Old", authorId: bob.id });
    const profile = await t.db.profile.create({ userId: bob.id, bio: "bio" });
    await t.db.profile.where("id", profile.id).delete();
    // BEGIN, one lookup per relation, the user, the created post, the UPDATE of the found one, the reads back, COMMIT.
    const ada = await exactly(2 + 2 + inserts(1) + inserts(1) + 1 + inserts(1) + 2, () =>
      t.db.user.create({
        email: "ada@x.dev",
        name: "Ada",
        posts: {
          connectOrCreate: [
            { where: { id: old.id }, create: { title: "no" } },
            { where: { id: 999_999 }, create: { title: "New" } },
          ],
        },
        profile: { connectOrCreate: { where: { id: profile.id }, create: { bio: "made" } } },
      }),
    );
    expect(ada.posts.map((post) => post.title).sort()).toEqual(["New", "Old"]);
    expect(ada.profile).toMatchObject({ bio: "made", userId: ada.id });
    expect((await t.db.post.find(old.id))!.authorId).toBe(ada.id);
  });

  it("connectOrCreate nests: a created row's own connectOrCreate is resolved too (user -> posts -> tags)", async () => {
    await t.db.tag.create({ name: "sql" });
    const ada = await t.db.user.create({
      email: "ada@x.dev",
      name: "Ada",
      posts: {
        connectOrCreate: {
          where: { id: 999_999 },
          create: {
            title: "P",
            tags: { connectOrCreate: ["sql", "new"].map((name) => ({ where: { name }, create: { name } })) },
          },
        },
      },
    });
    expect(ada.posts.map((post) => post.tags.map((tag) => tag.name).sort())).toEqual([["new", "sql"]]);
    expect(await t.db.tag.count()).toBe(2);
  });

  it("bad input is a ValidationError before any SQL", async () => {
    const cases: [() => unknown, string[]][] = [
      [
        () => t.db.post.create({ title: "x", authorId: 1, tags: { connectOrCreate: [{ where: { id: 1 } }] } } as never),
        ["connectOrCreate takes", "{ where, create }"],
      ],
      [
        () =>
          t.db.post.create({
            title: "x",
            authorId: 1,
            tags: { connectOrCreate: { where: { nope: 1 }, create: { name: "a" } } },
          } as never),
        ['"nope" is not a field of "tag"'],
      ],
      [
        () =>
          t.db.user.create({
            email: "x@x.dev",
            name: "x",
            country: { connectOrCreate: { where: { name: "UK" }, create: { name: "UK" } } },
          } as never),
        ["needs a unique where", "{ id }"],
      ],
      [
        () =>
          t.db.user.create({
            email: "x@x.dev",
            name: "x",
            country: { connect: 1, connectOrCreate: { where: { id: 1 }, create: { name: "UK" } } },
          } as never),
        ["to-one relation", "not both"],
      ],
      [
        () =>
          t.db.post.create({
            title: "x",
            authorId: 1,
            tags: { connectOrCreate: { where: { name: "a" }, create: { name: 5 } } },
          } as never),
        ['"tag.name"'],
      ],
      [
        () =>
          t.db.comment.create({
            body: "x",
            commentable: { connectOrCreate: { where: { id: 1 }, create: {} } },
          } as never),
        ["morphTo"],
      ],
    ];
    for (const [call, parts] of cases) {
      const error = await noSql(call);
      expect(error).toBeInstanceOf(ValidationError);
      for (const part of parts) expect(error.message).toContain(part);
    }
  });

  it("a failure after the lookups rolls everything back", async () => {
    const ada = await t.db.user.create({ email: "ada@x.dev", name: "Ada" });
    await t.db.tag.create({ name: "taken" });
    const error = await t.db.post
      .create({
        title: "Hi",
        authorId: ada.id,
        tags: {
          connectOrCreate: [{ where: { name: "fresh" }, create: { name: "fresh" } }],
          create: [{ name: "taken" }],
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeDefined();
    expect(await t.db.post.count()).toBe(0);
    expect(await t.db.tag.pluck("name")).toEqual(["taken"]);
  });
});
