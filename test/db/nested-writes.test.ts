import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  belongsTo,
  belongsToMany,
  defineSchema,
  hasMany,
  id,
  integer,
  json,
  model,
  morphOne,
  morphTo,
  type Schema,
  string,
  UniqueConstraintError,
  ValidationError,
} from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { caught } from "../support/caught.js";
import { dialect, type TestDb, useTestDb } from "../support/test-db.js";

/**
 * Nested graph writes on every database: `create` / `createMany` with `{ create, connect }` on
 * every writable relation kind (hasMany, hasOne, belongsTo, morphMany, morphOne, morphTo,
 * belongsToMany with pivot values and timestamps, morphToMany, morphedByMany, pivotWhere), nested
 * at depth 2 and 3; batching (one INSERT per model and level where the dialect can return the
 * inserted rows, one pivot INSERT per relation, one read per relation level); the result in the
 * shape a fresh `with(...)` read gives; Prisma's `create({ data, include | select })`; every
 * validation error before any statement; and atomicity: a failure in the middle of a graph
 * leaves every table exactly as it was.
 *
 * Ids are never written out: they keep counting across tests (rows are deleted, not truncated),
 * so every expectation uses the ids the seed and the writes returned.
 */

/** A key no row has. */
const MISSING = 999_999;

/** A ValidationError whose message names every one of `parts`. */
function expectValidation(error: unknown, ...parts: string[]): void {
  expect(error).toBeInstanceOf(ValidationError);
  for (const part of parts) expect((error as Error).message).toContain(part);
}

/** A Date within [before - 1s, after + 1s] (second-precision columns may round down). */
function expectNow(value: unknown, before: number, after: number): void {
  expect(value).toBeInstanceOf(Date);
  const time = (value as Date).getTime();
  expect(time).toBeGreaterThanOrEqual(before - 1000);
  expect(time).toBeLessThanOrEqual(after + 1000);
}

/** A row as a string, for order-independent comparison (bigints included). */
const serialize = (value: unknown) => JSON.stringify(value, (_, v) => (typeof v === "bigint" ? `${v}n` : v));

/** Statement helpers over a test database's recorded queries. */
function helpers<S extends Schema>(t: TestDb<S>) {
  /** The SQL of the statements `fn` sent, and the error it failed with. */
  const failing = async (fn: () => unknown): Promise<{ error: any; sent: string[] }> => {
    const from = t.queries.length;
    const error = await caught(fn);
    return { error, sent: t.queries.slice(from).map((q) => q.sql) };
  };
  /** The error `fn` fails with, asserting it sent no statement at all (not even BEGIN). */
  const noSql = async (fn: () => unknown): Promise<any> => {
    const { error, sent } = await failing(fn);
    expect(sent).toEqual([]);
    return error;
  };
  /** What `fn` resolves to, and the INSERT statements it sent per table. */
  const insertsOf = async <T>(fn: () => Promise<T>): Promise<{ result: T; inserts: Record<string, number> }> => {
    const from = t.queries.length;
    const result = await fn();
    const inserts: Record<string, number> = {};
    for (const { sql } of t.queries.slice(from)) {
      const match = /^\s*insert\s+into\s+[`"]?(\w+)[`"]?/i.exec(sql);
      if (match) inserts[match[1]!] = (inserts[match[1]!] ?? 0) + 1;
    }
    return { result, inserts };
  };
  /** Every row of every table (models and pivot tables), each table's rows in a stable order. */
  const snapshot = async (): Promise<Record<string, string[]>> => {
    const tables = [
      ...[...t.db.schema.meta.models.values()].map((m) => m.table),
      ...t.db.schema.meta.pivotTables.keys(),
    ];
    const out: Record<string, string[]> = {};
    for (const table of tables) {
      const rows = await t.db.kysely.selectFrom(table).selectAll().execute();
      out[table] = rows.map(serialize).sort();
    }
    return out;
  };
  /** Row counts per table, for a readable failure next to the full snapshot. */
  const counts = async (): Promise<Record<string, number>> =>
    Object.fromEntries(Object.entries(await snapshot()).map(([table, rows]) => [table, rows.length]));
  return { failing, noSql, insertsOf, snapshot, counts };
}

/**
 * Asserts that `fn` fails (with whatever `check` expects) and leaves every table exactly as it
 * was: same row counts, same rows.
 */
async function expectUnchanged(
  h: ReturnType<typeof helpers>,
  fn: () => unknown,
  check: (error: unknown) => void,
): Promise<void> {
  const [countsBefore, before] = [await h.counts(), await h.snapshot()];
  const { error } = await h.failing(fn);
  check(error);
  expect(await h.counts()).toEqual(countsBefore);
  expect(await h.snapshot()).toEqual(before);
}

// ---------------------------------------------------------------------------------------------
// The blog: every relation kind but morphOne (country.users hasMany, user.country belongsTo,
// user.profile hasOne, user.posts hasMany, user.roles belongsToMany with a pivot field and
// timestamps, post/video.comments morphMany, comment.commentable morphTo, post/video.tags
// morphToMany, tag.posts/videos morphedByMany, country.posts hasManyThrough)
// ---------------------------------------------------------------------------------------------

describe(`nested graph writes on the blog on ${dialect}`, () => {
  const t = useTestDb(blog);
  const h = helpers(t);
  const { noSql, insertsOf } = h;
  /**
   * Whether an insert of several rows is one statement: SQLite and PostgreSQL always (RETURNING);
   * the MySQL family only when the server can return inserted rows (MariaDB 10.5+), otherwise
   * relata inserts row by row inside the transaction to learn each id.
   */
  let multiRow = true;
  let uk: any, fr: any, bob: any, bobProfile: any;
  let admin: any, editor: any, viewer: any;
  let js: any, sqlTag: any;
  let p1: any, p2: any, v1: any, c1: any;

  beforeAll(async () => {
    if (dialect !== "mysql") return;
    const { inserts } = await insertsOf(() => t.db.token.createMany([{ label: "a" }, { label: "b" }]));
    multiRow = inserts.tokens === 1;
  });

  /** How many INSERT statements `rows` rows of one model at one level take. */
  const perLevel = (rows: number) => (multiRow ? 1 : rows);

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

  beforeEach(async () => {
    await t.truncate();
    const db = t.db;
    [uk, fr] = await db.country.createMany([{ name: "UK" }, { name: "France" }]);
    bob = await db.user.create({ email: "bob@example.dev", name: "Bob", countryId: uk.id });
    bobProfile = await db.profile.create({ userId: bob.id, bio: "Bob's" });
    [admin, editor, viewer] = await db.role.createMany([{ name: "admin" }, { name: "editor" }, { name: "viewer" }]);
    [js, sqlTag] = await db.tag.createMany([{ name: "js" }, { name: "sql" }]);
    [p1, p2] = await db.post.createMany([
      { authorId: bob.id, title: "Bob 1" },
      { authorId: bob.id, title: "Bob 2" },
    ]);
    v1 = await db.video.create({ title: "V1" });
    c1 = await db.comment.create({ body: "on P1", commentableType: "post", commentableId: p1.id });
    // Another parent's pivot rows, which no nested write may touch.
    await db.kysely
      .insertInto("role_user")
      .values({ user_id: bob.id, role_id: admin.id, granted_by: "bob's" })
      .execute();
    await db.kysely
      .insertInto("taggables")
      .values({ tag_id: js.id, taggable_type: "video", taggable_id: v1.id })
      .execute();
    t.queries.length = 0;
  });

  describe("hasMany and morphMany, nested", () => {
    it("creates children at depth 3 (users -> posts -> comments) with their keys set; the result is a with(...) read", async () => {
      // users.posts is written by only one of the created users: typed and loaded on both.
      const country = await t.db.country.create({
        name: "Spain",
        users: {
          create: [
            {
              email: "ana@example.dev",
              name: "Ana",
              posts: {
                create: [{ title: "A1", comments: { create: [{ body: "a1-1" }, { body: "a1-2" }] } }, { title: "A2" }],
              },
            },
            { email: "cid@example.dev", name: "Cid" },
          ],
        },
      });
      expect(country.name).toBe("Spain");
      const [ana, cid] = country.users;
      expect(ana).toMatchObject({ email: "ana@example.dev", countryId: country.id });
      expect(cid).toMatchObject({ email: "cid@example.dev", countryId: country.id, posts: [] });
      expect(ana!.posts.map((p: any) => [p.title, p.authorId])).toEqual([
        ["A1", ana!.id],
        ["A2", ana!.id],
      ]);
      expect(ana!.posts[0]!.comments.map((c: any) => [c.body, c.commentableType, c.commentableId])).toEqual([
        ["a1-1", "post", ana!.posts[0]!.id],
        ["a1-2", "post", ana!.posts[0]!.id],
      ]);
      expect(ana!.posts[1]!.comments).toEqual([]);

      const read = await t.db.country.with("users.posts.comments").where("id", country.id).first();
      expect(country).toEqual(read);
      // The rows as stored, read without relata's help.
      const users = await t.db.kysely
        .selectFrom("users")
        .select(["email", "country_id"])
        .where("country_id", "=", country.id)
        .orderBy("email")
        .execute();
      expect(users).toEqual([
        { email: "ana@example.dev", country_id: country.id },
        { email: "cid@example.dev", country_id: country.id },
      ]);
      const comments = await t.db.kysely
        .selectFrom("comments")
        .select(["body", "commentable_type", "commentable_id"])
        .where("commentable_id", "=", ana!.posts[0]!.id)
        .where("commentable_type", "=", "post")
        .orderBy("body")
        .execute();
      expect(comments).toEqual([
        { body: "a1-1", commentable_type: "post", commentable_id: ana!.posts[0]!.id },
        { body: "a1-2", commentable_type: "post", commentable_id: ana!.posts[0]!.id },
      ]);
    });

    it("takes a single object for a to-many create", async () => {
      const user = await t.db.user.create({
        email: "ana@example.dev",
        name: "Ana",
        posts: { create: { title: "Solo" } },
      });
      expect(user.posts.map((p) => p.title)).toEqual(["Solo"]);
      expect(await t.db.post.where("authorId", user.id).pluck("title")).toEqual(["Solo"]);
    });

    it("connect re-points existing rows (by key and by row) next to created ones", async () => {
      const user = await t.db.user.create({
        email: "ana@example.dev",
        name: "Ana",
        posts: { create: [{ title: "New" }], connect: [p1.id, p2] },
      });
      expect(user.posts.map((p) => p.title).sort()).toEqual(["Bob 1", "Bob 2", "New"]);
      expect(user.posts.every((p) => p.authorId === user.id)).toBe(true);
      expect(user).toEqual(await t.db.user.with("posts").where("id", user.id).first());
      expect(await t.db.post.where("authorId", bob.id).count()).toBe(0);
      expect(await t.db.post.where("authorId", user.id).orderBy("title").pluck("title")).toEqual([
        "Bob 1",
        "Bob 2",
        "New",
      ]);
    });

    it("connect alone takes a single key", async () => {
      const user = await t.db.user.create({ email: "ana@example.dev", name: "Ana", posts: { connect: p2.id } });
      expect(user.posts.map((p) => p.id)).toEqual([p2.id]);
      expect((await t.db.post.findOrFail(p2.id)).authorId).toBe(user.id);
      expect((await t.db.post.findOrFail(p1.id)).authorId).toBe(bob.id);
    });

    it("morphMany: creates comments with the morph type and id, connect re-points one from a post to a video", async () => {
      const video = await t.db.video.create({
        title: "V2",
        comments: { create: [{ body: "fresh" }], connect: [c1] },
      });
      expect(video.comments.map((c) => [c.body, c.commentableType, c.commentableId]).sort()).toEqual([
        ["fresh", "video", video.id],
        ["on P1", "video", video.id],
      ]);
      expect(video).toEqual(await t.db.video.with("comments").where("id", video.id).first());
      expect(
        await t.db.kysely
          .selectFrom("comments")
          .select(["body", "commentable_type", "commentable_id"])
          .orderBy("body")
          .execute(),
      ).toEqual([
        { body: "fresh", commentable_type: "video", commentable_id: video.id },
        { body: "on P1", commentable_type: "video", commentable_id: video.id },
      ]);
      // The post the comment left has none now.
      expect(await t.db.comment.where({ commentableType: "post", commentableId: p1.id }).count()).toBe(0);
    });
  });

  describe("hasOne", () => {
    it("create: the child gets the foreign key; the result carries it as an object", async () => {
      const user = await t.db.user.create({
        email: "ana@example.dev",
        name: "Ana",
        profile: { create: { bio: "Ana's", settings: { theme: "dark" } } },
      });
      expect(user.profile).toMatchObject({ userId: user.id, bio: "Ana's", settings: { theme: "dark" } });
      expect(user).toEqual(await t.db.user.with("profile").where("id", user.id).first());
      expect(
        await t.db.kysely.selectFrom("profiles").select(["user_id", "bio"]).where("user_id", "=", user.id).execute(),
      ).toEqual([{ user_id: user.id, bio: "Ana's" }]);
    });

    it("connect (by key or by row) re-points the existing row", async () => {
      const ana = await t.db.user.create({ email: "ana@example.dev", name: "Ana", profile: { connect: bobProfile } });
      expect(ana.profile).toEqual({ ...bobProfile, userId: ana.id });
      expect(await t.db.profile.where("userId", bob.id).count()).toBe(0);
      const cy = await t.db.user.create({ email: "cy@example.dev", name: "Cy", profile: { connect: bobProfile.id } });
      expect(cy.profile!.userId).toBe(cy.id);
      expect(await t.db.kysely.selectFrom("profiles").select(["id", "user_id"]).execute()).toEqual([
        { id: bobProfile.id, user_id: cy.id },
      ]);
    });
  });

  describe("belongsTo", () => {
    it("connect by key and by row sets the foreign key (omitted from the input)", async () => {
      const ana = await t.db.user.create({ email: "ana@example.dev", name: "Ana", country: { connect: fr.id } });
      expect(ana.countryId).toBe(fr.id);
      expect(ana.country).toEqual(fr);
      const post = await t.db.post.create({ title: "By row", author: { connect: ana } });
      expect(post.authorId).toBe(ana.id);
      expect(post.author).toEqual(await t.db.user.find(ana.id));
      expect(post).toEqual(await t.db.post.with("author").where("id", post.id).first());
      expect(
        await t.db.kysely.selectFrom("posts").select(["title", "author_id"]).where("id", "=", post.id).execute(),
      ).toEqual([{ title: "By row", author_id: ana.id }]);
    });

    it("createMany mixing an owner create, an owner connect and a plain foreign key: each row gets its own", async () => {
      const posts = await t.db.post.createMany([
        { title: "new owner", author: { create: { email: "ana@example.dev", name: "Ana" } } },
        { title: "connected", author: { connect: bob.id } },
        { title: "plain", authorId: bob.id },
        { title: "new owner 2", author: { create: { email: "cy@example.dev", name: "Cy" } } },
      ]);
      const ana = await t.db.user.where("email", "ana@example.dev").firstOrFail();
      const cy = await t.db.user.where("email", "cy@example.dev").firstOrFail();
      expect(posts.map((p) => [p.title, p.authorId])).toEqual([
        ["new owner", ana.id],
        ["connected", bob.id],
        ["plain", bob.id],
        ["new owner 2", cy.id],
      ]);
      // Every row has the relation loaded, the plain one included.
      expect(posts.map((p) => p.author?.email)).toEqual([
        "ana@example.dev",
        "bob@example.dev",
        "bob@example.dev",
        "cy@example.dev",
      ]);
      expect(
        (await t.db.kysely.selectFrom("posts").select(["title", "author_id"]).orderBy("id").execute()).slice(2),
      ).toEqual([
        { title: "new owner", author_id: ana.id },
        { title: "connected", author_id: bob.id },
        { title: "plain", author_id: bob.id },
        { title: "new owner 2", author_id: cy.id },
      ]);
    });

    it("create inserts the owner first, at depth 2 (post -> author -> country), and reads it back", async () => {
      const post = await t.db.post.create({
        title: "Owned",
        author: { create: { email: "ana@example.dev", name: "Ana", country: { create: { name: "Spain" } } } },
      });
      const spain = await t.db.country.where("name", "Spain").firstOrFail();
      const ana = await t.db.user.where("email", "ana@example.dev").firstOrFail();
      expect(ana.countryId).toBe(spain.id);
      expect(post.authorId).toBe(ana.id);
      expect(post.author).toEqual({ ...ana, country: spain });
      expect(post).toEqual(await t.db.post.with("author.country").where("id", post.id).first());
    });

    it("an owner created with its own children: the graph goes down again from the owner", async () => {
      const post = await t.db.post.create({
        title: "Main",
        author: { create: { email: "ana@example.dev", name: "Ana", posts: { create: [{ title: "Side" }] } } },
      });
      expect(post.author!.posts.map((p) => p.title).sort()).toEqual(["Main", "Side"]);
      expect(post).toEqual(await t.db.post.with("author.posts").where("id", post.id).first());
      expect(await t.db.post.where("authorId", post.authorId).count()).toBe(2);
    });
  });

  describe("morphTo", () => {
    it("connect takes rows read through relata, of either type; the type and id are set", async () => {
      const [onPost, onVideo] = await t.db.comment.createMany([
        { body: "to post", commentable: { connect: p2 } },
        { body: "to video", commentable: { connect: v1 } },
      ]);
      expect([onPost!.commentableType, onPost!.commentableId]).toEqual(["post", p2.id]);
      expect([onVideo!.commentableType, onVideo!.commentableId]).toEqual(["video", v1.id]);
      expect(onPost!.commentable).toEqual(p2);
      expect(onVideo!.commentable).toEqual(v1);
      const read = await t.db.comment.with("commentable").whereIn("id", [onPost!.id, onVideo!.id]).orderBy("id").get();
      expect([onPost, onVideo]).toEqual(read);
      expect(
        await t.db.kysely
          .selectFrom("comments")
          .select(["body", "commentable_type", "commentable_id"])
          .where("id", "in", [onPost!.id, onVideo!.id])
          .orderBy("id")
          .execute(),
      ).toEqual([
        { body: "to post", commentable_type: "post", commentable_id: p2.id },
        { body: "to video", commentable_type: "video", commentable_id: v1.id },
      ]);
    });

    it("connect takes a row as create returned it", async () => {
      const video = await t.db.video.create({ title: "V2" });
      const comment = await t.db.comment.create({ body: "fresh row", commentable: { connect: video } });
      expect(comment.commentable).toEqual(video);
    });
  });

  describe("belongsToMany (role_user: grantedBy, timestamps)", () => {
    it("create with pivot values and connect by keys, rows and { key: pivotValues }; timestamps filled", async () => {
      const before = Date.now();
      const ana = await t.db.user.create({
        email: "ana@example.dev",
        name: "Ana",
        roles: {
          create: [{ name: "author", pivot: { grantedBy: "root" } }, { name: "reader" }],
          connect: { [admin.id]: { grantedBy: "ops" }, [editor.id]: {} },
        },
      });
      const cy = await t.db.user.create({
        email: "cy@example.dev",
        name: "Cy",
        roles: { connect: [viewer, editor.id] },
      });
      const after = Date.now();
      const author = await t.db.role.where("name", "author").firstOrFail();
      const reader = await t.db.role.where("name", "reader").firstOrFail();

      expect(await roleUser()).toEqual(
        [
          [bob.id, admin.id, "bob's"],
          [ana.id, admin.id, "ops"],
          [ana.id, editor.id, null],
          [ana.id, author.id, "root"],
          [ana.id, reader.id, null],
          [cy.id, editor.id, null],
          [cy.id, viewer.id, null],
        ].sort((a, b) => Number(a[0]) - Number(b[0]) || Number(a[1]) - Number(b[1])),
      );
      const byName = Object.fromEntries(ana.roles.map((r) => [r.name, r]));
      expect(Object.keys(byName).sort()).toEqual(["admin", "author", "editor", "reader"]);
      expect(byName.author!.pivot).toMatchObject({ userId: ana.id, roleId: author.id, grantedBy: "root" });
      expect(byName.admin!.pivot.grantedBy).toBe("ops");
      expect(byName.reader!.pivot.grantedBy).toBeNull();
      for (const role of [...ana.roles, ...cy.roles]) {
        expectNow(role.pivot.createdAt, before, after);
        expectNow(role.pivot.updatedAt, before, after);
      }
      expect(ana).toEqual(await t.db.user.with("roles").where("id", ana.id).first());
      expect(cy).toEqual(await t.db.user.with("roles").where("id", cy.id).first());
      // Stored timestamps, read raw: every new pivot row has both.
      const stamps = await t.db.kysely
        .selectFrom("role_user")
        .select(["created_at", "updated_at"])
        .where("user_id", "in", [ana.id, cy.id])
        .execute();
      expect(stamps).toHaveLength(6);
      for (const row of stamps) expect([row.created_at, row.updated_at]).not.toContain(null);
    });

    it("connect keys may be digit strings or bigints for integer keys, on every kind", async () => {
      const ana = await t.db.user.create({
        email: "ana@example.dev",
        name: "Ana",
        country: { connect: String(fr.id) },
        posts: { connect: [String(p1.id), BigInt(p2.id)] },
        roles: { connect: [String(admin.id), BigInt(editor.id)] },
      });
      expect(ana.countryId).toBe(fr.id);
      expect(ana.posts.map((p) => p.id).sort()).toEqual([p1.id, p2.id].sort());
      expect(ana.roles.map((r) => r.id).sort()).toEqual([admin.id, editor.id].sort());
      expect((await roleUser()).filter(([userId]) => userId === ana.id)).toEqual([
        [ana.id, admin.id, null],
        [ana.id, editor.id, null],
      ]);
    });

    // The same related row given twice in one many-to-many connect (a row and its key, or a key
    // twice) is attached once, as related(row, "roles").attach([...]) does.
    it("a related row connected twice in one write is attached once, as attach does", async () => {
      const ana = await t.db.user.create({
        email: "ana@example.dev",
        name: "Ana",
        roles: { connect: [admin, admin.id] },
      });
      expect(ana.roles.map((r) => r.id)).toEqual([admin.id]);
      expect((await roleUser()).filter(([userId]) => userId === ana.id)).toEqual([[ana.id, admin.id, null]]);
    });

    // A { key: pivotValues } map's keys are distinct as text but not always as keys: "7" and
    // "07" both name role 7. Attached once, the later key's values winning, as with a list.
    it("a { key: pivotValues } map naming a row twice (7 and 07) attaches it once, the later values winning", async () => {
      const ana = await t.db.user.create({
        email: "ana@example.dev",
        name: "Ana",
        roles: { connect: { [admin.id]: { grantedBy: "first" }, [`0${admin.id}`]: { grantedBy: "second" } } },
      });
      expect(ana.roles.map((r) => [r.id, r.pivot.grantedBy])).toEqual([[admin.id, "second"]]);
      expect((await roleUser()).filter(([userId]) => userId === ana.id)).toEqual([[ana.id, admin.id, "second"]]);
      expect(ana).toEqual(await t.db.user.with("roles").where("id", ana.id).first());
    });

    it("many parents, each connecting keys out of order, get their related rows ordered by key as a read does", async () => {
      const roles = [viewer, editor, admin];
      const users = await t.db.user.createMany(
        [0, 1, 2, 3].map((i) => ({
          email: `u${i}@example.dev`,
          name: `U${i}`,
          // Rotations of three roles, as a map (with pivot values) or as a list of keys.
          roles: {
            connect:
              i % 2 === 0
                ? Object.fromEntries(roles.map((_, j) => [roles[(i + j) % 3]!.id, { grantedBy: `g${i}${j}` }]))
                : roles.map((_, j) => roles[(i + j) % 3]!.id),
          },
        })),
      );
      for (const user of users) {
        expect(user).toEqual(await t.db.user.with("roles").where("id", user.id).first());
        expect(user.roles.map((r) => r.id)).toEqual(roles.map((r) => r.id).sort((a, b) => a - b));
      }
    });

    it("the related side creates users through role.users, nested down to their posts", async () => {
      const role = await t.db.role.create({
        name: "writers",
        users: { create: [{ email: "ana@example.dev", name: "Ana", posts: { create: [{ title: "Ana's" }] } }] },
      });
      const ana = role.users[0]!;
      expect(ana.posts.map((p) => [p.title, p.authorId])).toEqual([["Ana's", ana.id]]);
      expect(role).toEqual(await t.db.role.with("users.posts").where("id", role.id).first());
      expect(await roleUser()).toContainEqual([ana.id, role.id, null]);
    });
  });

  describe("morphToMany and morphedByMany (taggables)", () => {
    it("post.tags and video.tags write the morph type; created tags nest their own writes (depth 3)", async () => {
      const user = await t.db.user.create({
        email: "ana@example.dev",
        name: "Ana",
        posts: {
          create: [
            {
              title: "Tagged",
              tags: { create: [{ name: "orm", videos: { create: [{ title: "ORM talk" }] } }], connect: [js.id] },
            },
          ],
        },
      });
      // Read before the next write tags another video with js.
      expect(user).toEqual(await t.db.user.with("posts.tags.videos").where("id", user.id).first());
      const video = await t.db.video.create({ title: "V2", tags: { connect: [sqlTag, js] } });
      const post = user.posts[0]!;
      const orm = await t.db.tag.where("name", "orm").firstOrFail();
      const talk = await t.db.video.where("title", "ORM talk").firstOrFail();
      expect(post.tags.map((tag) => tag.name).sort()).toEqual(["js", "orm"]);
      expect(post.tags.find((tag) => tag.name === "orm")!.videos).toEqual([{ ...talk, pivot: expect.any(Object) }]);
      expect(video).toEqual(await t.db.video.with("tags").where("id", video.id).first());
      expect(await taggables()).toEqual(
        [
          [js.id, "post", post.id],
          [js.id, "video", v1.id],
          [js.id, "video", video.id],
          [sqlTag.id, "video", video.id],
          [orm.id, "post", post.id],
          [orm.id, "video", talk.id],
        ].sort(
          (a, b) =>
            Number(a[0]) - Number(b[0]) || String(a[1]).localeCompare(String(b[1])) || Number(a[2]) - Number(b[2]),
        ),
      );
    });

    it("tag.posts and tag.videos (morphedByMany): create and connect from the tag's side", async () => {
      const tag = await t.db.tag.create({
        name: "news",
        posts: { create: [{ title: "Fresh", author: { connect: bob.id } }], connect: [p1] },
        videos: { connect: v1.id },
      });
      const fresh = await t.db.post.where("title", "Fresh").firstOrFail();
      expect(fresh.authorId).toBe(bob.id);
      expect(tag.posts.map((p) => p.title).sort()).toEqual(["Bob 1", "Fresh"]);
      expect(tag.posts.find((p) => p.title === "Fresh")!.author).toEqual(await t.db.user.find(bob.id));
      expect(tag.videos.map((v) => v.id)).toEqual([v1.id]);
      expect(tag).toEqual(await t.db.tag.with("posts.author", "videos").where("id", tag.id).first());
      expect((await taggables()).filter(([tagId]) => tagId === tag.id)).toEqual(
        [
          [tag.id, "post", p1.id],
          [tag.id, "post", fresh.id],
          [tag.id, "video", v1.id],
        ].sort((a, b) => String(a[1]).localeCompare(String(b[1])) || Number(a[2]) - Number(b[2])),
      );
    });
  });

  describe("the result has the read shape", () => {
    it("every written relation at once equals db.user.with(<written paths>) of the same row", async () => {
      const user = await t.db.user.create({
        email: "ana@example.dev",
        name: "Ana",
        country: { connect: uk },
        profile: { create: { bio: "Ana's" } },
        posts: {
          create: [{ title: "P", comments: { create: [{ body: "c" }] }, tags: { connect: [js] } }],
          connect: [p1.id],
        },
        roles: { connect: { [admin.id]: { grantedBy: "me" } } },
      });
      const read = await t.db.user
        .with("country", "profile", "posts.comments", "posts.tags", "roles")
        .where("id", user.id)
        .first();
      expect(user).toEqual(read);
      // Arrays for to-many, objects for to-one, pivot on many-to-many rows.
      expect(Array.isArray(user.posts) && Array.isArray(user.roles)).toBe(true);
      expect(user.country).toEqual(uk);
      expect(user.profile).toMatchObject({ bio: "Ana's" });
      expect(user.roles[0]!.pivot.grantedBy).toBe("me");
      expect(Object.keys(user).sort()).toEqual(
        [...t.db.schema.model("user").fieldNames, "country", "profile", "posts", "roles"].sort(),
      );
    });

    it("createMany: the rows without a write to a relation still get it loaded (empty), in input order", async () => {
      const rows = await t.db.user.createMany([
        { email: "a@example.dev", name: "A", posts: { create: [{ title: "A's" }] } },
        { email: "b@example.dev", name: "B" },
        { email: "c@example.dev", name: "C", roles: { connect: [editor.id] } },
      ]);
      expect(rows.map((r) => r.email)).toEqual(["a@example.dev", "b@example.dev", "c@example.dev"]);
      const read = await t.db.user
        .with("posts", "roles")
        .whereIn(
          "id",
          rows.map((r) => r.id),
        )
        .orderBy("id")
        .get();
      expect(rows).toEqual(read);
      expect(rows[1]).toMatchObject({ posts: [], roles: [] });
    });

    it("a create without relation keys returns the plain row, as before", async () => {
      const { result, inserts } = await insertsOf(() => t.db.user.create({ email: "a@example.dev", name: "A" }));
      expect(result).toEqual(await t.db.user.find(result.id));
      expect(inserts).toEqual({ users: 1 });
    });
  });

  describe("batching", () => {
    it("createMany of 3 users x 2 posts x 1 comment: one INSERT per model and level, one pivot INSERT, no read back", async () => {
      const input = ["a", "b", "c"].map((n) => ({
        email: `${n}@example.dev`,
        name: n.toUpperCase(),
        posts: {
          create: [1, 2].map((i) => ({ title: `${n}${i}`, comments: { create: [{ body: `on ${n}${i}` }] } })),
        },
        roles: { connect: [admin.id, editor] },
      }));
      const from = t.queries.length;
      const { result: users, inserts } = await insertsOf(() => t.db.user.createMany(input));
      const sent = t.queries.slice(from).map((q) => q.sql.trim().split(/\s+/)[0]!.toLowerCase());

      expect(inserts).toEqual({ users: perLevel(3), posts: perLevel(6), comments: perLevel(6), role_user: 1 });
      // Created rows and many-to-many links: the result is put together from the writes (the
      // connected roles are read once, as their existence check), nothing is read back.
      const lastInsert = sent.lastIndexOf("insert");
      expect(sent.slice(lastInsert + 1)).toEqual(["commit"]);
      expect(sent[0]).toBe("begin");
      if (multiRow) {
        // BEGIN, 3 inserts, the roles (existence and rows), the pivot insert, COMMIT.
        expect(sent).toHaveLength(7);
      }

      expect(users.map((u) => u.posts.map((p) => [p.title, p.authorId]))).toEqual(
        users.map((u, i) => [
          [`${"abc"[i]}1`, u.id],
          [`${"abc"[i]}2`, u.id],
        ]),
      );
      expect(users.every((u) => u.posts.every((p) => p.comments.length === 1))).toBe(true);
      const read = await t.db.user
        .with("posts.comments", "roles")
        .whereIn(
          "id",
          users.map((u) => u.id),
        )
        .orderBy("id")
        .get();
      expect(users).toEqual(read);
      expect(await t.db.post.count()).toBe(8);
      expect(await t.db.comment.where("commentableType", "post").count()).toBe(7);
      expect((await roleUser()).filter(([userId]) => userId !== bob.id)).toEqual(
        users.flatMap((u) => [
          [u.id, admin.id, null],
          [u.id, editor.id, null],
        ]),
      );
    });

    it("a graph that connects existing children is read back after the last write, one read per level", async () => {
      const stray = await t.db.post.create({ authorId: bob.id, title: "stray" });
      const from = t.queries.length;
      const user = await t.db.user.create({
        email: "readback@example.dev",
        name: "R",
        posts: { create: [{ title: "new" }], connect: [stray.id] },
      });
      const sent = t.queries.slice(from).map((q) => q.sql.trim().split(/\s+/)[0]!.toLowerCase());
      expect(sent.slice(sent.lastIndexOf("update") + 1)).toEqual(["select", "commit"]);
      expect(user.posts.map((p) => p.title)).toEqual(["stray", "new"]);
      const [read] = await t.db.user.where("id", user.id).with("posts").get();
      expect(user).toEqual(read);
    });

    it("belongsTo creates across createMany: the owners in one INSERT, before the rows", async () => {
      const { result: posts, inserts } = await insertsOf(() =>
        t.db.post.createMany(
          ["a", "b", "c"].map((n) => ({
            title: `by ${n}`,
            author: { create: { email: `${n}@example.dev`, name: n, country: { connect: fr.id } } },
          })),
        ),
      );
      expect(inserts).toEqual({ users: perLevel(3), posts: perLevel(3) });
      expect(posts.map((p) => [p.title, p.author!.email, p.author!.countryId, p.authorId === p.author!.id])).toEqual([
        ["by a", "a@example.dev", fr.id, true],
        ["by b", "b@example.dev", fr.id, true],
        ["by c", "c@example.dev", fr.id, true],
      ]);
    });

    it("many-to-many creates across createMany: one INSERT of the related rows, one of the pivot rows", async () => {
      const { result: users, inserts } = await insertsOf(() =>
        t.db.user.createMany(
          ["a", "b"].map((n) => ({
            email: `${n}@example.dev`,
            name: n,
            roles: {
              create: [
                { name: `${n}-1`, pivot: { grantedBy: n } },
                { name: `${n}-2`, pivot: { grantedBy: n } },
              ],
            },
          })),
        ),
      );
      expect(inserts).toEqual({ users: perLevel(2), roles: perLevel(4), role_user: 1 });
      expect(users.map((u) => u.roles.map((r) => [r.name, r.pivot.grantedBy]))).toEqual([
        [
          ["a-1", "a"],
          ["a-2", "a"],
        ],
        [
          ["b-1", "b"],
          ["b-2", "b"],
        ],
      ]);
    });

    // Pivot rows of one relation go out in one INSERT even when only some carry pivot values
    // (the omitted pivot fields are written as their defaults / null).
    it("one pivot INSERT per relation even when only some pivot rows carry pivot values", async () => {
      const { inserts } = await insertsOf(() =>
        t.db.user.createMany([
          { email: "a@example.dev", name: "A", roles: { connect: { [admin.id]: { grantedBy: "x" } } } },
          { email: "b@example.dev", name: "B", roles: { connect: [editor.id] } },
        ]),
      );
      expect(inserts.role_user).toBe(1);
    });
  });

  describe("Prisma's create({ data, include | select })", () => {
    it("include returns what findUnique with that include returns (its own orderBy/take included)", async () => {
      const include = {
        posts: { include: { comments: true }, orderBy: { title: "desc" }, take: 2 },
        roles: true,
        profile: true,
      } as const;
      const created = await t.db.user.create({
        data: {
          email: "ana@example.dev",
          name: "Ana",
          posts: { create: [{ title: "a", comments: { create: { body: "on a" } } }, { title: "b" }, { title: "c" }] },
          roles: { connect: { [admin.id]: { grantedBy: "p" } } },
          profile: { create: { bio: "Ana's" } },
        },
        include,
      });
      expect(created.posts.map((p) => p.title)).toEqual(["c", "b"]);
      expect(created.roles.map((r) => [r.name, r.pivot.grantedBy])).toEqual([["admin", "p"]]);
      expect(created.profile).toMatchObject({ bio: "Ana's", userId: created.id });
      expect(created).toEqual(await t.db.user.findUnique({ where: { id: created.id }, include }));
      expect(await t.db.post.where("authorId", created.id).count()).toBe(3);
    });

    it("select returns what findUnique with that select returns", async () => {
      const select = { email: true, posts: { select: { title: true } } } as const;
      const created = await t.db.user.create({
        data: { email: "ana@example.dev", name: "Ana", posts: { create: [{ title: "only" }] } },
        select,
      });
      expect(created).toEqual({ email: "ana@example.dev", posts: [{ title: "only" }] });
      const ana = await t.db.user.where("email", "ana@example.dev").firstOrFail();
      expect(created).toEqual(await t.db.user.findUnique({ where: { id: ana.id }, select }));
    });

    it("without include/select: the scalar row only, the graph written all the same", async () => {
      const created = await t.db.user.create({
        data: {
          email: "ana@example.dev",
          name: "Ana",
          posts: { create: [{ title: "x" }] },
          country: { connect: fr.id },
        },
      });
      expect(created).toEqual(await t.db.user.find(created.id));
      expect("posts" in created || "country" in created).toBe(false);
      expect(created.countryId).toBe(fr.id);
      expect(await t.db.post.where("authorId", created.id).pluck("title")).toEqual(["x"]);
    });

    it("a failing nested write in the Prisma form leaves the database as it was", async () => {
      await expectUnchanged(
        h,
        () =>
          t.db.user.create({
            data: { email: "ana@example.dev", name: "Ana", posts: { create: [{ title: "x" }], connect: [MISSING] } },
            include: { posts: true },
          }),
        (error) => expectValidation(error, "user.posts", String(MISSING)),
      );
    });

    // The Prisma form validates the graph before its transaction opens, as the plain form does.
    it("validates the data graph before any statement", async () => {
      const error = await noSql(() =>
        t.db.user.create({
          data: { email: "ana@example.dev", name: "Ana", posts: { add: [] } as any },
          include: { posts: true },
        }),
      );
      expectValidation(error, "user.posts", "add");
    });

    // include/select are checked before any statement too.
    it("validates include/select before any statement", async () => {
      const error = await noSql(() =>
        t.db.user.create({ data: { email: "ana@example.dev", name: "Ana" }, include: { nope: true } as any }),
      );
      expect((error as Error).message).toContain("nope");
    });
  });

  describe("validation before any SQL", () => {
    const cases: [string, () => unknown, string[]][] = [
      [
        "an unknown operation key",
        () => t.db.user.create({ email: "a@x.dev", name: "A", posts: { add: [{ title: "x" }] } as any }),
        ["user.posts", "add"],
      ],
      [
        "a relation value that is not an object",
        () => t.db.user.create({ email: "a@x.dev", name: "A", posts: [{ title: "x" }] as any }),
        ["user.posts"],
      ],
      [
        "an empty relation write",
        () => t.db.user.create({ email: "a@x.dev", name: "A", posts: {} as any }),
        ["user.posts"],
      ],
      [
        "an unknown field at the top",
        () => t.db.user.create({ email: "a@x.dev", name: "A", nope: 1 } as any),
        ['"nope"', "user"],
      ],
      [
        "an unknown field at depth 2",
        () => t.db.user.create({ email: "a@x.dev", name: "A", posts: { create: [{ title: "x", nope: 1 }] } } as any),
        ['"nope"', "post"],
      ],
      [
        "an unknown field at depth 3",
        () =>
          t.db.user.create({
            email: "a@x.dev",
            name: "A",
            posts: { create: [{ title: "x", comments: { create: [{ body: "b", nope: 1 }] } }] },
          } as any),
        ['"nope"', "comment"],
      ],
      [
        "an unknown field in a belongsTo create",
        () => t.db.post.create({ title: "x", author: { create: { email: "a@x.dev", name: "A", nope: 1 } } } as any),
        ['"nope"', "user"],
      ],
      [
        "a wrong value type at depth 2",
        () => t.db.user.create({ email: "a@x.dev", name: "A", posts: { create: [{ title: 5 }] } } as any),
        ["post.title"],
      ],
      [
        "a wrong value type at depth 3, in the last row of a createMany",
        () =>
          t.db.user.createMany([
            { email: "a@x.dev", name: "A", posts: { create: [{ title: "ok" }] } },
            { email: "b@x.dev", name: "B", posts: { create: [{ title: "x", comments: { create: [{ body: 5 }] } }] } },
          ] as any),
        ["comment.body"],
      ],
      [
        "a missing required field in a nested create",
        () => t.db.user.create({ email: "a@x.dev", name: "A", posts: { create: [{ body: "no title" }] } } as any),
        ["post", "title"],
      ],
      [
        "a missing foreign key when its relation is not written",
        () => t.db.post.create({ title: "orphan" } as any),
        ["post", "authorId"],
      ],
      [
        "an unknown pivot field in a create",
        () =>
          t.db.user.create({
            email: "a@x.dev",
            name: "A",
            roles: { create: [{ name: "r", pivot: { nope: "x" } }] },
          } as any),
        ["user.roles", '"nope"'],
      ],
      [
        "an unknown pivot field in a connect map",
        () => t.db.user.create({ email: "a@x.dev", name: "A", roles: { connect: { 1: { nope: "x" } } } } as any),
        ["user.roles", '"nope"'],
      ],
      [
        "a wrong pivot value type",
        () => t.db.user.create({ email: "a@x.dev", name: "A", roles: { connect: { 1: { grantedBy: 5 } } } } as any),
        ["user.roles", "grantedBy"],
      ],
      [
        "a connected many-to-many row without its key",
        () => t.db.user.create({ email: "a@x.dev", name: "A", roles: { connect: [{ name: "admin" }] } } as any),
        ["user.roles", '"id"'],
      ],
      [
        "create and connect together on a hasOne",
        () => t.db.user.create({ email: "a@x.dev", name: "A", profile: { create: { bio: "x" }, connect: 1 } } as any),
        ["user.profile", "not both"],
      ],
      [
        "create and connect together on a belongsTo",
        () => t.db.user.create({ email: "a@x.dev", name: "A", country: { create: { name: "x" }, connect: 1 } } as any),
        ["user.country", "not both"],
      ],
      [
        "an array create on a to-one relation",
        () => t.db.user.create({ email: "a@x.dev", name: "A", profile: { create: [{ bio: "x" }] } } as any),
        ["user.profile"],
      ],
      [
        "a create on a morphTo",
        () => t.db.comment.create({ body: "x", commentable: { create: { title: "x" } } } as any),
        ["comment.commentable", "morphTo"],
      ],
      [
        "a write through a hasManyThrough",
        () => t.db.country.create({ name: "x", posts: { create: [{ title: "x" }] } } as any),
        ["country.posts", "hasManyThrough"],
      ],
      [
        "a createMany that is not an array",
        () => t.db.user.createMany({ email: "a@x.dev", name: "A" } as any),
        ["createMany", "user"],
      ],
      [
        "a create item that is not an object",
        () => t.db.user.create({ email: "a@x.dev", name: "A", posts: { create: ["x"] } } as any),
        ["user.posts", "create"],
      ],
    ];

    it.each(cases)("%s: a ValidationError naming it, and no statement", async (_, fn, parts) => {
      const before = await h.counts();
      expectValidation(await noSql(fn), ...parts);
      expect(await h.counts()).toEqual(before);
    });

    // A morphTo connect that is not a row read through relata is rejected with the rest of the
    // graph, before any statement.
    it.each([
      ["a number", 1],
      ["a plain object", { id: 1 }],
    ])("a morphTo connect with %s: a ValidationError naming it, before any statement", async (_, value) => {
      const error = await noSql(() => t.db.comment.create({ body: "x", commentable: { connect: value as any } }));
      expectValidation(error, "comment.commentable", "post, video");
    });

    it("a morphTo connect with a plain object is rejected, and nothing is written", async () => {
      await expectUnchanged(
        h,
        () => t.db.comment.create({ body: "x", commentable: { connect: { ...p1 } } }),
        (error) => expectValidation(error, "comment.commentable"),
      );
    });

    // Connect keys are checked against the key field's type before any statement (a non-numeric
    // string for an integer id would otherwise reach PostgreSQL as a raw DatabaseError).
    it("a connect key of the wrong type: a ValidationError naming the relation, before any statement", async () => {
      const error = await noSql(() => t.db.user.create({ email: "a@x.dev", name: "A", posts: { connect: ["abc"] } }));
      expectValidation(error, "user.posts");
    });
  });

  describe("connect of a missing key: a ValidationError naming the relation, nothing written", () => {
    const cases: [string, () => unknown, string][] = [
      [
        "hasMany, after the parent and its created children",
        () =>
          t.db.user.create({
            email: "a@x.dev",
            name: "A",
            posts: { create: [{ title: "x", comments: { create: [{ body: "c" }] } }], connect: [p1.id, MISSING] },
          }),
        "user.posts",
      ],
      [
        "hasOne",
        () => t.db.user.create({ email: "a@x.dev", name: "A", profile: { connect: MISSING } }),
        "user.profile",
      ],
      [
        "belongsTo at the top (before any insert)",
        () => t.db.user.create({ email: "a@x.dev", name: "A", country: { connect: MISSING } }),
        "user.country",
      ],
      [
        "belongsTo at depth 2, after the tag is inserted",
        () =>
          t.db.tag.create({ name: "fresh", posts: { create: [{ title: "x", author: { connect: { id: MISSING } } }] } }),
        "post.author",
      ],
      [
        "morphMany",
        () => t.db.video.create({ title: "V", comments: { create: [{ body: "ok" }], connect: [MISSING] } }),
        "video.comments",
      ],
      [
        "belongsToMany, after created roles",
        () =>
          t.db.user.create({
            email: "a@x.dev",
            name: "A",
            posts: { create: [{ title: "x" }] },
            roles: { create: [{ name: "new" }], connect: [admin.id, MISSING] },
          }),
        "user.roles",
      ],
      [
        "morphToMany at depth 2",
        () =>
          t.db.user.create({
            email: "a@x.dev",
            name: "A",
            posts: { create: [{ title: "x", tags: { create: [{ name: "new" }], connect: [MISSING] } }] },
          }),
        "post.tags",
      ],
      ["morphedByMany", () => t.db.tag.create({ name: "fresh", videos: { connect: { [MISSING]: {} } } }), "tag.videos"],
      [
        "in the last row of a createMany",
        () =>
          t.db.user.createMany([
            { email: "a@x.dev", name: "A", posts: { create: [{ title: "a" }] } },
            { email: "b@x.dev", name: "B", posts: { connect: [MISSING] } },
          ]),
        "user.posts",
      ],
    ];

    it.each(cases)("%s", async (_, fn, relation) => {
      await expectUnchanged(h, fn, (error) => expectValidation(error, relation, String(MISSING)));
    });
  });

  describe("atomicity: a constraint failure mid-graph leaves every table as it was", () => {
    it("a nested tag with an existing unique name (depth 3): UniqueConstraintError, nothing written", async () => {
      await expectUnchanged(
        h,
        () =>
          t.db.user.create({
            email: "ana@example.dev",
            name: "Ana",
            profile: { create: { bio: "x" } },
            posts: {
              create: [{ title: "x", comments: { create: [{ body: "c" }] }, tags: { create: [{ name: "js" }] } }],
            },
          }),
        (error) => expect(error).toBeInstanceOf(UniqueConstraintError),
      );
    });

    it("two siblings of one batch with the same unique value, across createMany parents", async () => {
      await expectUnchanged(
        h,
        () =>
          t.db.post.createMany([
            { title: "a", authorId: bob.id, tags: { create: [{ name: "dup" }] } },
            { title: "b", authorId: bob.id, tags: { create: [{ name: "dup" }] } },
          ]),
        (error) => expect(error).toBeInstanceOf(UniqueConstraintError),
      );
    });

    it("a nested belongsTo create with a taken unique email, under a created post", async () => {
      await expectUnchanged(
        h,
        () =>
          t.db.tag.create({
            name: "fresh",
            posts: { create: [{ title: "x", author: { create: { email: bob.email, name: "Bob again" } } }] },
          }),
        (error) => expect(error).toBeInstanceOf(UniqueConstraintError),
      );
    });

    it("inside db.transaction the failed graph rolls back to its savepoint; the outer work stays", async () => {
      const kept = await t.db.transaction(async (tx) => {
        const ok = await tx.user.create({
          email: "ok@example.dev",
          name: "Ok",
          posts: { create: [{ title: "kept" }] },
        });
        const error = await caught(() =>
          tx.user.create({
            email: "no@example.dev",
            name: "No",
            posts: { create: [{ title: "lost" }], connect: [MISSING] },
          }),
        );
        expectValidation(error, "user.posts");
        return ok;
      });
      expect(await t.db.user.where("email", "no@example.dev").count()).toBe(0);
      expect(await t.db.post.where("title", "lost").count()).toBe(0);
      expect(await t.db.user.with("posts").where("id", kept.id).first()).toEqual(kept);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// A gallery: morphOne (article.cover), pivotWhere (article.featured over article_label), and a
// model with a field named `data` (doc), on which the Prisma form is not available
// ---------------------------------------------------------------------------------------------

const gallery = defineSchema(
  {
    article: model({
      table: "articles",
      fields: { id: id(), title: string() },
      relations: {
        cover: morphOne("image", { morphName: "imageable" }),
        labels: belongsToMany("label", { table: "article_label", pivotFields: ["kind"] }),
        featured: belongsToMany("label", {
          table: "article_label",
          pivotFields: ["kind"],
          pivotWhere: { kind: "featured" },
        }),
      },
    }),
    image: model({
      table: "images",
      fields: {
        id: id(),
        url: string().unique(),
        imageableType: string().nullable(),
        imageableId: integer().nullable(),
      },
      relations: { imageable: morphTo() },
    }),
    label: model({ table: "labels", fields: { id: id(), name: string() } }),
    doc: model({
      table: "docs",
      fields: { id: id(), data: json().nullable(), title: string() },
      relations: { parts: hasMany("part") },
    }),
    part: model({
      table: "parts",
      fields: { id: id(), docId: integer().references("doc.id", { onDelete: "cascade" }), name: string() },
      relations: { doc: belongsTo("doc") },
    }),
  },
  { casing: "snake_case" },
);

describe(`nested graph writes: morphOne, pivotWhere, a "data" field on ${dialect}`, () => {
  const t = useTestDb(gallery);
  const h = helpers(t);
  const { noSql } = h;
  let loose: any, l1: any, l2: any;

  /** article_label as [articleId, labelId, kind], ordered. */
  const articleLabel = async () =>
    (
      await t.db.kysely
        .selectFrom("article_label")
        .select(["article_id", "label_id", "kind"])
        .orderBy("article_id")
        .orderBy("label_id")
        .execute()
    ).map((r) => [r.article_id, r.label_id, r.kind]);

  beforeEach(async () => {
    await t.truncate();
    loose = await t.db.image.create({ url: "loose.png", imageableType: null, imageableId: null });
    [l1, l2] = await t.db.label.createMany([{ name: "one" }, { name: "two" }]);
    t.queries.length = 0;
  });

  it("morphOne create: the image gets the morph type and id; the result holds it as an object", async () => {
    const article = await t.db.article.create({ title: "A", cover: { create: { url: "a.png" } } });
    expect(article.cover).toMatchObject({ url: "a.png", imageableType: "article", imageableId: article.id });
    expect(article).toEqual(await t.db.article.with("cover").where("id", article.id).first());
    expect(
      await t.db.kysely
        .selectFrom("images")
        .select(["url", "imageable_type", "imageable_id"])
        .where("url", "=", "a.png")
        .execute(),
    ).toEqual([{ url: "a.png", imageable_type: "article", imageable_id: article.id }]);
  });

  it("morphOne connect re-points an existing image (by row and by key)", async () => {
    const a = await t.db.article.create({ title: "A", cover: { connect: loose } });
    expect(a.cover).toEqual({ ...loose, imageableType: "article", imageableId: a.id });
    const b = await t.db.article.create({ title: "B", cover: { connect: loose.id } });
    expect(b.cover!.imageableId).toBe(b.id);
    expect(await t.db.kysely.selectFrom("images").select(["imageable_type", "imageable_id"]).execute()).toEqual([
      { imageable_type: "article", imageable_id: b.id },
    ]);
  });

  it("morphOne connect of a missing key: a ValidationError naming the relation, nothing written", async () => {
    await expectUnchanged(
      h,
      () => t.db.article.create({ title: "A", cover: { connect: MISSING } }),
      (error) => expectValidation(error, "article.cover", String(MISSING)),
    );
  });

  it("morphOne: create and connect together are rejected before any statement", async () => {
    const error = await noSql(() =>
      t.db.article.create({ title: "A", cover: { create: { url: "x" }, connect: loose.id } } as any),
    );
    expectValidation(error, "article.cover", "not both");
  });

  it("a morphOne child with a duplicate unique url: UniqueConstraintError, nothing written", async () => {
    await expectUnchanged(
      h,
      () => t.db.article.create({ title: "A", cover: { create: { url: "loose.png" } } }),
      (error) => expect(error).toBeInstanceOf(UniqueConstraintError),
    );
  });

  it("pivotWhere: created and connected rows get the relation's pivot values, and show through it", async () => {
    const article = await t.db.article.create({
      title: "A",
      featured: { create: [{ name: "three" }], connect: [l1] },
      labels: { connect: { [l2.id]: { kind: "plain" } } },
    });
    const three = await t.db.label.where("name", "three").firstOrFail();
    expect(await articleLabel()).toEqual([
      [article.id, l1.id, "featured"],
      [article.id, l2.id, "plain"],
      [article.id, three.id, "featured"],
    ]);
    expect(article.featured.map((l) => [l.name, l.pivot.kind])).toEqual([
      ["one", "featured"],
      ["three", "featured"],
    ]);
    expect(article).toEqual(await t.db.article.with("featured", "labels").where("id", article.id).first());
  });

  it("pivotWhere: a pivot value against the relation's filter is a ValidationError naming it; nothing written", async () => {
    await expectUnchanged(
      h,
      () => t.db.article.create({ title: "A", featured: { connect: { [l1.id]: { kind: "other" } } } }),
      (error) => expectValidation(error, "article.featured", "kind"),
    );
  });

  // A pivot value contradicting the relation's pivotWhere is rejected before any statement.
  it("pivotWhere: the conflicting pivot value is rejected before any statement", async () => {
    const error = await noSql(() =>
      t.db.article.create({ title: "A", featured: { connect: { [l1.id]: { kind: "other" } } } }),
    );
    expectValidation(error, "article.featured");
  });

  it("a model with a `data` field: { data } is that field's value, not the Prisma form", async () => {
    const doc = await t.db.doc.create({ data: { a: 1 }, title: "t" });
    expect(doc).toEqual({ id: doc.id, data: { a: 1 }, title: "t" });
    // The Prisma reading would create a doc titled "x"; the plain reading misses the title.
    expectValidation(await noSql(() => t.db.doc.create({ data: { title: "x" } } as any)), "doc", "title");
    // include is then an unknown field, not a Prisma option.
    expectValidation(
      await noSql(() => t.db.doc.create({ data: null, title: "t", include: { parts: true } } as any)),
      '"include"',
    );
    // Nested writes still work next to the field.
    const withParts = await t.db.doc.create({ data: [1, 2], title: "p", parts: { create: [{ name: "p1" }] } });
    expect(withParts).toEqual(await t.db.doc.with("parts").where("id", withParts.id).first());
    expect(withParts.parts.map((p) => [p.name, p.docId])).toEqual([["p1", withParts.id]]);
  });
});
