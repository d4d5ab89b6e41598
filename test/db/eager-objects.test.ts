import { beforeAll, describe, expect, it } from "vitest";
import { NotFoundError, RelationNotFoundError, ValidationError } from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { dialect, eagerQueries, strategy, useTestDb } from "../support/test-db.js";

/**
 * The object API (findMany / findFirst / findFirstOrThrow / findUnique / findUniqueOrThrow) on
 * the real databases: exact rows, exact statement counts (relations through `eagerQueries`, so
 * one body serves both loading strategies), and every argument error raised before any SQL.
 * Results are read loosely typed (`any`) where a test compares whole rows.
 */

/** A timestamp for a raw pivot insert: SQLite keeps ISO text (as relata writes it), the servers take a Date. */
const stamp = (iso: string) => (dialect === "sqlite" ? iso : new Date(iso));

const T1 = "2024-01-01T10:00:00.000Z";
const T2 = "2024-02-01T11:30:00.500Z";
const T3 = "2024-03-01T23:59:59.999Z";

const names = (rows: readonly any[]) => rows.map((row) => row.name);
const byId = (rows: readonly any[]) => [...rows].sort((a, b) => a.id - b.id);

describe(`object queries on ${dialect} (${strategy} strategy)`, () => {
  const t = useTestDb(blog);
  let uk: any, fr: any;
  let ada: any, bob: any, cy: any, dee: any, rex: any;
  let adaProfile: any, cyProfile: any;
  let p1: any, p2: any, p3: any, p4: any, p5: any, p6: any, p7: any;
  let v1: any;
  let c1: any, c2: any, c3: any, c4: any, c5: any;
  let admin: any, editor: any;

  /** Names of the users a where matches, in id order; exactly one statement. */
  async function users(where: unknown): Promise<string[]> {
    const { queries, result } = await t.count(() =>
      t.db.user.findMany({ where: where as never, orderBy: { id: "asc" } }),
    );
    expect(queries).toBe(1);
    return names(result);
  }

  /**
   * The error `fn` fails with, asserting no statement was sent. A synchronous throw counts too,
   * so that one bug (see "argument errors reject the returned promise") does not hide the others.
   */
  async function failure(fn: () => Promise<unknown>): Promise<any> {
    const before = t.queries.length;
    let error: unknown;
    try {
      await fn();
    } catch (caught) {
      error = caught;
    }
    expect(t.queries.slice(before).map((q) => q.sql)).toEqual([]);
    if (error === undefined) throw new Error("expected an error, got none");
    return error;
  }

  beforeAll(async () => {
    const db = t.db;
    uk = await db.country.create({ name: "UK" });
    fr = await db.country.create({ name: "France" });
    const user = (
      email: string,
      name: string,
      age: number | null,
      active: boolean,
      countryId: number | null,
      at: string,
    ) => db.user.create({ email, name, age, active, countryId, createdAt: new Date(at) });
    ada = await user("ada@example.dev", "Ada", 36, true, uk.id, T1);
    bob = await user("bob@example.dev", "Bob", 17, false, uk.id, T2);
    cy = await user("cy@example.dev", "Cy", null, true, fr.id, T3);
    // LIKE wildcards and the escape character in names: contains/startsWith/endsWith match them literally.
    dee = await user("dee@example.test", "50%_off!", 65, true, null, T1);
    rex = await user("rex@example.dev", "Rex 100%", 18, false, fr.id, T2);
    adaProfile = await db.profile.create({ userId: ada.id, bio: "Ada's bio" });
    cyProfile = await db.profile.create({ userId: cy.id, bio: "Cy's bio" });
    const post = (authorId: number, title: string, published: boolean, views: number) =>
      db.post.create({ authorId, title, published, views });
    p1 = await post(ada.id, "Ada 1", true, 10);
    p2 = await post(ada.id, "Ada 2", false, 5);
    p3 = await post(ada.id, "Ada 3", true, 30);
    p4 = await post(cy.id, "Cy 1", true, 7);
    p5 = await post(dee.id, "Dee 1", false, 0);
    p6 = await post(rex.id, "Rex 1", true, 3);
    p7 = await post(cy.id, "Cy 2", false, 12);
    v1 = await db.video.create({ title: "Clip 1" });
    const comment = (body: string, commentableType: string, commentableId: number) =>
      db.comment.create({ body, commentableType, commentableId });
    c1 = await comment("P1 first", "post", p1.id);
    c2 = await comment("P1 second", "post", p1.id);
    c3 = await comment("V1 first", "video", v1.id);
    c4 = await comment("P4 first", "post", p4.id);
    c5 = await comment("P3 first", "post", p3.id);
    admin = await db.role.create({ name: "admin" });
    editor = await db.role.create({ name: "editor" });
    await db.kysely
      .insertInto("role_user")
      .values([
        { user_id: ada.id, role_id: admin.id, granted_by: "root", created_at: stamp(T1), updated_at: stamp(T1) },
        { user_id: ada.id, role_id: editor.id, granted_by: "cy", created_at: null, updated_at: null },
        { user_id: bob.id, role_id: editor.id, granted_by: "root", created_at: stamp(T2), updated_at: stamp(T3) },
      ])
      .execute();
  });

  // -------------------------------------------------------------------------------------------
  // where
  // -------------------------------------------------------------------------------------------

  describe("findMany and where", () => {
    it("no arguments: every row with every field, one statement", async () => {
      const { queries, result } = await t.count(() => t.db.user.findMany());
      expect(queries).toBe(1);
      expect(byId(result)).toEqual([ada, bob, cy, dee, rex]);
      const empty = await t.count(() => t.db.user.findMany({}));
      expect(empty.queries).toBe(1);
      expect(byId(empty.result)).toEqual([ada, bob, cy, dee, rex]);
    });

    it("a value is equality; null is IS NULL; Date and boolean values compare as stored", async () => {
      const { queries, result } = await t.count(() => t.db.user.findMany({ where: { name: "Ada" } }));
      expect(queries).toBe(1);
      expect(result).toEqual([ada]);
      expect(await t.db.user.findMany({ where: { age: null } })).toEqual([cy]);
      expect(await users({ createdAt: new Date(T1) })).toEqual(["Ada", "50%_off!"]);
      expect(await users({ createdAt: new Date(T2) })).toEqual(["Bob", "Rex 100%"]);
      expect(await users({ active: false })).toEqual(["Bob", "Rex 100%"]);
      expect(await users({ active: true })).toEqual(["Ada", "Cy", "50%_off!"]);
      expect(await users({ countryId: null })).toEqual(["50%_off!"]);
      // Several keys are ANDed; an undefined value is a ValidationError (omit the key instead).
      expect(await users({ countryId: uk.id, active: true })).toEqual(["Ada"]);
      await expect(t.db.user.findMany({ where: { countryId: uk.id, age: undefined } })).rejects.toThrow(
        ValidationError,
      );
      expect(await users({})).toEqual(["Ada", "Bob", "Cy", "50%_off!", "Rex 100%"]);
    });

    it("equals", async () => {
      expect(await users({ age: { equals: 36 } })).toEqual(["Ada"]);
      expect(await users({ age: { equals: null } })).toEqual(["Cy"]);
      expect(await users({ createdAt: { equals: new Date(T3) } })).toEqual(["Cy"]);
      expect(await users({ active: { equals: false } })).toEqual(["Bob", "Rex 100%"]);
    });

    it("not: a value, null, a nested filter", async () => {
      expect(await users({ name: { not: "Ada" } })).toEqual(["Bob", "Cy", "50%_off!", "Rex 100%"]);
      expect(await users({ active: { not: true } })).toEqual(["Bob", "Rex 100%"]);
      expect(await users({ createdAt: { not: new Date(T1) } })).toEqual(["Bob", "Cy", "Rex 100%"]);
      expect(await users({ age: { not: null } })).toEqual(["Ada", "Bob", "50%_off!", "Rex 100%"]);
      expect(await users({ age: { not: { equals: null } } })).toEqual(["Ada", "Bob", "50%_off!", "Rex 100%"]);
      // NOT (age >= 18): SQL's three-valued logic leaves Cy (age NULL) out, as Prisma does.
      expect(await users({ age: { not: { gte: 18 } } })).toEqual(["Bob"]);
      expect(await users({ name: { not: { in: ["Ada", "Bob"] } } })).toEqual(["Cy", "50%_off!", "Rex 100%"]);
      expect(await users({ email: { not: { endsWith: ".dev" } } })).toEqual(["50%_off!"]);
      // Several filters inside not: NOT (a AND b).
      expect(await users({ age: { not: { gte: 18, lt: 65 } } })).toEqual(["Bob", "50%_off!"]);
    });

    it("in and notIn, empty lists included", async () => {
      expect(await users({ name: { in: ["Ada", "Cy", "Nobody"] } })).toEqual(["Ada", "Cy"]);
      expect(await users({ createdAt: { in: [new Date(T1), new Date(T3)] } })).toEqual(["Ada", "Cy", "50%_off!"]);
      expect(await users({ name: { notIn: ["Ada", "Bob"] } })).toEqual(["Cy", "50%_off!", "Rex 100%"]);
      // NOT IN over a NULL age is unknown: Cy is left out.
      expect(await users({ age: { notIn: [17, 36] } })).toEqual(["50%_off!", "Rex 100%"]);
      expect(await users({ id: { in: [] } })).toEqual([]);
      expect(await users({ id: { notIn: [] } })).toEqual(["Ada", "Bob", "Cy", "50%_off!", "Rex 100%"]);
      expect(await users({ id: { in: [] }, name: "Ada" })).toEqual([]);
      expect(await users({ id: { notIn: [] }, name: "Ada" })).toEqual(["Ada"]);
    });

    it("lt, lte, gt, gte on numbers, dates and strings", async () => {
      expect(await users({ age: { lt: 18 } })).toEqual(["Bob"]);
      expect(await users({ age: { lte: 18 } })).toEqual(["Bob", "Rex 100%"]);
      expect(await users({ age: { gt: 36 } })).toEqual(["50%_off!"]);
      expect(await users({ age: { gte: 36 } })).toEqual(["Ada", "50%_off!"]);
      expect(await users({ age: { gte: 18, lt: 65 } })).toEqual(["Ada", "Rex 100%"]);
      expect(await users({ createdAt: { gt: new Date(T1) } })).toEqual(["Bob", "Cy", "Rex 100%"]);
      expect(await users({ createdAt: { lte: new Date(T2) } })).toEqual(["Ada", "Bob", "50%_off!", "Rex 100%"]);
      expect(await users({ createdAt: { gte: new Date(T2), lt: new Date(T3) } })).toEqual(["Bob", "Rex 100%"]);
      expect(await users({ email: { lt: "c" } })).toEqual(["Ada", "Bob"]);
    });

    it("contains, startsWith, endsWith", async () => {
      expect(await users({ email: { contains: "y@" } })).toEqual(["Cy"]);
      expect(await users({ email: { startsWith: "bob@" } })).toEqual(["Bob"]);
      expect(await users({ email: { endsWith: ".test" } })).toEqual(["50%_off!"]);
      expect(await users({ email: { endsWith: ".dev", startsWith: "r" } })).toEqual(["Rex 100%"]);
      expect(await users({ email: { contains: "nobody" } })).toEqual([]);
    });

    it("contains/startsWith/endsWith match %, _ and ! literally", async () => {
      // Unescaped, "%_o" would match "Bob" (any char, then "o"); "%x" would match "Rex 100%".
      expect(await users({ name: { contains: "%_o" } })).toEqual(["50%_off!"]);
      expect(await users({ name: { contains: "%x" } })).toEqual([]);
      expect(await users({ name: { contains: "_" } })).toEqual(["50%_off!"]);
      expect(await users({ name: { contains: "%" } })).toEqual(["50%_off!", "Rex 100%"]);
      expect(await users({ name: { contains: "00%" } })).toEqual(["Rex 100%"]);
      // "!" is the escape character: unescaped, "!" + "%" would read as a literal "%".
      expect(await users({ name: { contains: "!" } })).toEqual(["50%_off!"]);
      expect(await users({ name: { contains: "f!" } })).toEqual(["50%_off!"]);
      expect(await users({ name: { startsWith: "50%" } })).toEqual(["50%_off!"]);
      expect(await users({ name: { startsWith: "5_" } })).toEqual([]);
      expect(await users({ name: { startsWith: "%" } })).toEqual([]);
      expect(await users({ name: { endsWith: "%" } })).toEqual(["Rex 100%"]);
      expect(await users({ name: { endsWith: "_off!" } })).toEqual(["50%_off!"]);
      expect(await users({ name: { endsWith: "_" } })).toEqual([]);
      expect(await users({ name: { startsWith: "50", endsWith: "!" } })).toEqual(["50%_off!"]);
      expect(await users({ name: { not: { contains: "%" } } })).toEqual(["Ada", "Bob", "Cy"]);
    });

    it("AND as an object and as an array", async () => {
      expect(await users({ AND: { active: true, age: { gte: 18 } } })).toEqual(["Ada", "50%_off!"]);
      expect(await users({ AND: [{ active: true }, { age: { gte: 18 } }] })).toEqual(["Ada", "50%_off!"]);
      expect(await users({ email: { endsWith: ".dev" }, AND: [{ active: true }, { age: { gte: 18 } }] })).toEqual([
        "Ada",
      ]);
      expect(await users({ AND: [{ name: "Ada" }, { name: "Bob" }] })).toEqual([]);
      expect(await users({ AND: [] })).toEqual(["Ada", "Bob", "Cy", "50%_off!", "Rex 100%"]);
    });

    it("OR, grouped against its siblings", async () => {
      expect(await users({ OR: [{ name: "Bob" }, { age: { gte: 65 } }] })).toEqual(["Bob", "50%_off!"]);
      // active = false AND (age = 17 OR name = 'Ada'): without the parentheses Ada would match.
      expect(await users({ active: false, OR: [{ age: 17 }, { name: "Ada" }] })).toEqual(["Bob"]);
      expect(await users({ OR: [{ name: "Ada" }, { age: 17 }], active: false })).toEqual(["Bob"]);
      // Each arm is its own AND.
      expect(await users({ OR: [{ active: false, age: { gte: 18 } }, { name: "Cy" }] })).toEqual(["Cy", "Rex 100%"]);
      expect(await users({ OR: [{ name: "Ada" }] })).toEqual(["Ada"]);
    });

    it("OR of an empty list matches nothing (Prisma)", async () => {
      expect(await users({ OR: [] })).toEqual([]);
      expect(await users({ name: "Ada", OR: [] })).toEqual([]);
    });

    it("NOT as an object: NOT (a AND b)", async () => {
      expect(await users({ NOT: { name: "Ada" } })).toEqual(["Bob", "Cy", "50%_off!", "Rex 100%"]);
      // Cy: NOT (true AND NULL) is unknown, so Cy is left out.
      expect(await users({ NOT: { active: true, age: { gte: 36 } } })).toEqual(["Bob", "Rex 100%"]);
      expect(await users({ active: true, NOT: { age: null } })).toEqual(["Ada", "50%_off!"]);
    });

    it("NOT as an array: every condition must be false (Prisma: NOT a AND NOT b)", async () => {
      expect(await users({ NOT: [{ name: "Ada" }] })).toEqual(["Bob", "Cy", "50%_off!", "Rex 100%"]);
      expect(await users({ NOT: [{ name: "Ada" }, { name: "Bob" }] })).toEqual(["Cy", "50%_off!", "Rex 100%"]);
      expect(await users({ NOT: [{ active: false }, { age: { lt: 40 } }] })).toEqual(["50%_off!"]);
    });

    it("NOT of an empty list excludes nothing (Prisma)", async () => {
      expect(await users({ NOT: [] })).toEqual(["Ada", "Bob", "Cy", "50%_off!", "Rex 100%"]);
      expect(await users({ name: "Ada", NOT: [] })).toEqual(["Ada"]);
    });

    it("nested AND / OR / NOT keep SQL-correct grouping", async () => {
      expect(
        await users({
          OR: [{ name: { startsWith: "A" } }, { age: { gte: 65 } }],
          NOT: { email: { endsWith: ".test" } },
        }),
      ).toEqual(["Ada"]);
      expect(
        await users({
          OR: [{ AND: [{ active: true }, { NOT: { age: null } }] }, { name: { startsWith: "R" } }],
          NOT: { email: { endsWith: ".test" } },
        }),
      ).toEqual(["Ada", "Rex 100%"]);
      expect(
        await users({ OR: [{ AND: [{ OR: [{ name: "Ada" }, { name: "Bob" }] }, { active: false }] }, { age: null }] }),
      ).toEqual(["Bob", "Cy"]);
      expect(
        await users({
          AND: [{ OR: [{ countryId: uk.id }, { countryId: fr.id }] }, { OR: [{ age: { lt: 18 } }, { age: null }] }],
        }),
      ).toEqual(["Bob", "Cy"]);
      expect(await users({ NOT: { OR: [{ name: "Ada" }, { age: { lt: 18 } }] }, age: { not: null } })).toEqual([
        "50%_off!",
        "Rex 100%",
      ]);
      expect(await users({ NOT: { NOT: { name: "Cy" } } })).toEqual(["Cy"]);
    });
  });

  // -------------------------------------------------------------------------------------------
  // orderBy, take, skip
  // -------------------------------------------------------------------------------------------

  describe("orderBy, take, skip", () => {
    it("orderBy as an object", async () => {
      expect(names(await t.db.user.findMany({ orderBy: { id: "desc" } }))).toEqual([
        "Rex 100%",
        "50%_off!",
        "Cy",
        "Bob",
        "Ada",
      ]);
      const posts = await t.db.post.findMany({ orderBy: { views: "desc" } });
      expect(posts).toEqual([p3, p7, p1, p4, p2, p6, p5]);
      const asc = await t.db.post.findMany({ orderBy: { views: "asc" } });
      expect(asc).toEqual([p5, p6, p2, p4, p1, p7, p3]);
    });

    it("orderBy as an array: several keys, asc and desc", async () => {
      expect(names(await t.db.user.findMany({ orderBy: [{ createdAt: "desc" }, { id: "asc" }] }))).toEqual([
        "Cy",
        "Bob",
        "Rex 100%",
        "Ada",
        "50%_off!",
      ]);
      expect(names(await t.db.user.findMany({ orderBy: [{ createdAt: "asc" }, { id: "desc" }] }))).toEqual([
        "50%_off!",
        "Ada",
        "Rex 100%",
        "Bob",
        "Cy",
      ]);
      expect(names(await t.db.user.findMany({ orderBy: [{ active: "asc" }, { id: "desc" }] }))).toEqual([
        "Rex 100%",
        "Bob",
        "50%_off!",
        "Cy",
        "Ada",
      ]);
      const posts = await t.db.post.findMany({
        orderBy: [{ published: "desc" }, { authorId: "asc" }, { views: "asc" }],
      });
      expect(posts).toEqual([p1, p3, p4, p6, p2, p7, p5]);
    });

    it("take, skip, take + skip", async () => {
      const run = (args: { take?: number; skip?: number }) =>
        t.count(async () => names(await t.db.user.findMany({ orderBy: { id: "asc" }, ...args })));
      expect(await run({ take: 2 })).toEqual({ queries: 1, result: ["Ada", "Bob"] });
      expect(await run({ skip: 3 })).toEqual({ queries: 1, result: ["50%_off!", "Rex 100%"] });
      expect(await run({ take: 2, skip: 1 })).toEqual({ queries: 1, result: ["Bob", "Cy"] });
      expect(await run({ take: 10, skip: 4 })).toEqual({ queries: 1, result: ["Rex 100%"] });
      expect(await run({ take: 0 })).toEqual({ queries: 1, result: [] });
      expect(await run({ skip: 5 })).toEqual({ queries: 1, result: [] });
      expect(await run({ skip: 0 })).toEqual({ queries: 1, result: ["Ada", "Bob", "Cy", "50%_off!", "Rex 100%"] });
      const filtered = await t.db.user.findMany({ where: { active: true }, orderBy: { id: "desc" }, take: 2, skip: 1 });
      expect(filtered).toEqual([cy, ada]);
    });
  });

  // -------------------------------------------------------------------------------------------
  // select and include
  // -------------------------------------------------------------------------------------------

  describe("select and include", () => {
    it("select of fields only returns exactly those keys", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user.findMany({ select: { id: true, email: true }, orderBy: { id: "asc" } }),
      );
      expect(queries).toBe(1);
      expect(result).toEqual([ada, bob, cy, dee, rex].map((u) => ({ id: u.id, email: u.email })));
      expect(result.map((row) => Object.keys(row).sort())).toEqual(Array(5).fill(["email", "id"]));
      // false leaves a field out; the primary key is not added behind the caller's back.
      const named = await t.db.user.findMany({ select: { name: true, age: false }, where: { age: { gt: 30 } } });
      expect(byName(named)).toEqual([{ name: "50%_off!" }, { name: "Ada" }]);
      const dated = await t.db.user.findMany({ select: { createdAt: true, active: true }, where: { name: "Bob" } });
      expect(dated).toEqual([{ createdAt: new Date(T2), active: false }]);
      expect(dated[0]!.createdAt).toBeInstanceOf(Date);
    });

    it("select with a to-one relation and its own select", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user.findMany({ select: { name: true, profile: { select: { bio: true } } }, orderBy: { id: "asc" } }),
      );
      expect(queries).toBe(eagerQueries(2));
      expect(result).toEqual([
        { name: "Ada", profile: { bio: "Ada's bio" } },
        { name: "Bob", profile: null },
        { name: "Cy", profile: { bio: "Cy's bio" } },
        { name: "50%_off!", profile: null },
        { name: "Rex 100%", profile: null },
      ]);
      const authors = await t.count(() =>
        t.db.post.findMany({
          select: { title: true, author: { select: { name: true } } },
          where: { views: { gte: 10 } },
          orderBy: { id: "asc" },
        }),
      );
      expect(authors.queries).toBe(eagerQueries(2));
      expect(authors.result).toEqual([
        { title: "Ada 1", author: { name: "Ada" } },
        { title: "Ada 3", author: { name: "Ada" } },
        { title: "Cy 2", author: { name: "Cy" } },
      ]);
      // A where on the to-one relation: rows that fail it give null.
      const filtered = await t.db.user.findMany({
        select: { id: true, profile: { where: { bio: { startsWith: "Cy" } } } },
        where: { id: { in: [ada.id, cy.id] } },
        orderBy: { id: "asc" },
      });
      expect(filtered).toEqual([
        { id: ada.id, profile: null },
        { id: cy.id, profile: cyProfile },
      ]);
    });

    it("select with a to-many relation: its own select, where, orderBy and take (per parent)", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user.findMany({
          select: {
            name: true,
            posts: { select: { title: true }, where: { published: true }, orderBy: { views: "desc" }, take: 1 },
          },
          orderBy: { id: "asc" },
        }),
      );
      expect(queries).toBe(eagerQueries(2));
      expect(result).toEqual([
        { name: "Ada", posts: [{ title: "Ada 3" }] },
        { name: "Bob", posts: [] },
        { name: "Cy", posts: [{ title: "Cy 1" }] },
        { name: "50%_off!", posts: [] },
        { name: "Rex 100%", posts: [{ title: "Rex 1" }] },
      ]);
    });

    it("take and skip on a relation apply per parent", async () => {
      const window = await t.count(() =>
        t.db.user.findMany({
          select: { id: true, posts: { select: { id: true }, orderBy: { id: "asc" }, take: 1, skip: 1 } },
          orderBy: { id: "asc" },
        }),
      );
      expect(window.queries).toBe(eagerQueries(2));
      expect(window.result).toEqual([
        { id: ada.id, posts: [{ id: p2.id }] },
        { id: bob.id, posts: [] },
        { id: cy.id, posts: [{ id: p7.id }] },
        { id: dee.id, posts: [] },
        { id: rex.id, posts: [] },
      ]);
      const skipped = await t.count(() =>
        t.db.user.findMany({ include: { posts: { orderBy: { id: "desc" }, skip: 1 } }, orderBy: { id: "asc" } }),
      );
      expect(skipped.queries).toBe(eagerQueries(2));
      expect(skipped.result).toEqual([
        { ...ada, posts: [p2, p1] },
        { ...bob, posts: [] },
        { ...cy, posts: [p4] },
        { ...dee, posts: [] },
        { ...rex, posts: [] },
      ]);
      const newest = await t.count(() =>
        t.db.user.findMany({ include: { posts: { orderBy: { id: "desc" }, take: 2 } }, orderBy: { id: "asc" } }),
      );
      expect(newest.queries).toBe(eagerQueries(2));
      expect(newest.result.map((u) => [u.name, u.posts])).toEqual([
        ["Ada", [p3, p2]],
        ["Bob", []],
        ["Cy", [p7, p4]],
        ["50%_off!", [p5]],
        ["Rex 100%", [p6]],
      ]);
      const none = await t.db.user.findMany({ include: { posts: { take: 0 } }, orderBy: { id: "asc" } });
      expect(none.map((u) => u.posts)).toEqual([[], [], [], [], []]);
    });

    it("include: every field plus the relations", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user.findMany({ include: { profile: true, posts: { orderBy: { id: "asc" } } }, orderBy: { id: "asc" } }),
      );
      expect(queries).toBe(eagerQueries(3));
      expect(result).toEqual([
        { ...ada, profile: adaProfile, posts: [p1, p2, p3] },
        { ...bob, profile: null, posts: [] },
        { ...cy, profile: cyProfile, posts: [p4, p7] },
        { ...dee, profile: null, posts: [p5] },
        { ...rex, profile: null, posts: [p6] },
      ]);
      // false and an empty include load nothing.
      const plain = await t.count(() => t.db.user.findMany({ include: { posts: false }, where: { name: "Ada" } }));
      expect(plain).toEqual({ queries: 1, result: [ada] });
      const empty = await t.count(() => t.db.user.findMany({ include: {}, where: { name: "Ada" } }));
      expect(empty).toEqual({ queries: 1, result: [ada] });
    });

    it("include nested in include, with where and orderBy at each level", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user.findMany({
          where: { id: { in: [ada.id, cy.id] } },
          include: {
            posts: { include: { comments: { orderBy: { id: "desc" } } }, orderBy: { id: "asc" } },
            country: true,
          },
          orderBy: { id: "asc" },
        }),
      );
      expect(queries).toBe(eagerQueries(4));
      expect(result).toEqual([
        {
          ...ada,
          country: uk,
          posts: [
            { ...p1, comments: [c2, c1] },
            { ...p2, comments: [] },
            { ...p3, comments: [c5] },
          ],
        },
        {
          ...cy,
          country: fr,
          posts: [
            { ...p4, comments: [c4] },
            { ...p7, comments: [] },
          ],
        },
      ]);
      const filtered = await t.count(() =>
        t.db.country.findMany({
          include: {
            users: {
              where: { active: true },
              orderBy: { id: "asc" },
              include: { posts: { where: { published: true }, orderBy: { id: "desc" } } },
            },
          },
          orderBy: { id: "asc" },
        }),
      );
      expect(filtered.queries).toBe(eagerQueries(3));
      expect(filtered.result).toEqual([
        { ...uk, users: [{ ...ada, posts: [p3, p1] }] },
        { ...fr, users: [{ ...cy, posts: [p4] }] },
      ]);
    });

    it("select inside include, include inside select", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user.findMany({
          where: { id: { in: [ada.id, bob.id] } },
          include: { posts: { select: { id: true, title: true }, where: { published: true }, orderBy: { id: "asc" } } },
          orderBy: { id: "asc" },
        }),
      );
      expect(queries).toBe(eagerQueries(2));
      expect(result).toEqual([
        {
          ...ada,
          posts: [
            { id: p1.id, title: "Ada 1" },
            { id: p3.id, title: "Ada 3" },
          ],
        },
        { ...bob, posts: [] },
      ]);
      const inner = await t.count(() =>
        t.db.post.findMany({
          where: { views: { gte: 10 } },
          select: {
            title: true,
            author: { include: { profile: true } },
            comments: { select: { body: true }, orderBy: { id: "asc" } },
          },
          orderBy: { id: "asc" },
        }),
      );
      expect(inner.queries).toBe(eagerQueries(4));
      expect(inner.result).toEqual([
        {
          title: "Ada 1",
          author: { ...ada, profile: adaProfile },
          comments: [{ body: "P1 first" }, { body: "P1 second" }],
        },
        { title: "Ada 3", author: { ...ada, profile: adaProfile }, comments: [{ body: "P3 first" }] },
        { title: "Cy 2", author: { ...cy, profile: cyProfile }, comments: [] },
      ]);
    });

    it("select of relations only: the rows hold the relations and no field", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user.findMany({
          select: { posts: { select: { title: true }, orderBy: { id: "asc" } } },
          where: { id: { in: [ada.id, bob.id, cy.id] } },
          orderBy: { id: "asc" },
        }),
      );
      expect(queries).toBe(eagerQueries(2));
      expect(result).toEqual([
        { posts: [{ title: "Ada 1" }, { title: "Ada 2" }, { title: "Ada 3" }] },
        { posts: [] },
        { posts: [{ title: "Cy 1" }, { title: "Cy 2" }] },
      ]);
      const profiles = await t.count(() => t.db.user.findMany({ select: { profile: true }, orderBy: { id: "asc" } }));
      expect(profiles.queries).toBe(eagerQueries(2));
      expect(profiles.result).toEqual([
        { profile: adaProfile },
        { profile: null },
        { profile: cyProfile },
        { profile: null },
        { profile: null },
      ]);
      const authors = await t.count(() =>
        t.db.post.findMany({ select: { author: { select: { name: true } } }, where: { authorId: cy.id } }),
      );
      expect(authors.queries).toBe(eagerQueries(2));
      expect(authors.result).toEqual([{ author: { name: "Cy" } }, { author: { name: "Cy" } }]);
    });

    it("a belongsToMany relation in include carries row.pivot", async () => {
      const pivot = (userId: number, roleId: number, grantedBy: string, created?: string, updated?: string) => ({
        userId,
        roleId,
        grantedBy,
        createdAt: created ? new Date(created) : null,
        updatedAt: updated ? new Date(updated) : null,
      });
      const { queries, result } = await t.count(() =>
        t.db.user.findMany({
          where: { id: { in: [ada.id, bob.id, cy.id] } },
          include: { roles: { orderBy: { id: "asc" } } },
          orderBy: { id: "asc" },
        }),
      );
      expect(queries).toBe(eagerQueries(2));
      expect(result).toEqual([
        {
          ...ada,
          roles: [
            { ...admin, pivot: pivot(ada.id, admin.id, "root", T1, T1) },
            { ...editor, pivot: pivot(ada.id, editor.id, "cy") },
          ],
        },
        { ...bob, roles: [{ ...editor, pivot: pivot(bob.id, editor.id, "root", T2, T3) }] },
        { ...cy, roles: [] },
      ]);
      const fromRoles = await t.count(() =>
        t.db.role.findMany({
          include: { users: { where: { active: true }, orderBy: { id: "asc" } } },
          orderBy: { id: "asc" },
        }),
      );
      expect(fromRoles.queries).toBe(eagerQueries(2));
      expect(fromRoles.result).toEqual([
        { ...admin, users: [{ ...ada, pivot: { userId: ada.id, roleId: admin.id } }] },
        { ...editor, users: [{ ...ada, pivot: { userId: ada.id, roleId: editor.id } }] },
      ]);
    });

    it("a morphTo relation in include, and in select next to its type and id fields", async () => {
      const { queries, result } = await t.count(() =>
        t.db.comment.findMany({ include: { commentable: true }, orderBy: { id: "asc" } }),
      );
      // comments, then one query per target type (post, video).
      expect(queries).toBe(eagerQueries(3));
      expect(result).toEqual([
        { ...c1, commentable: p1 },
        { ...c2, commentable: p1 },
        { ...c3, commentable: v1 },
        { ...c4, commentable: p4 },
        { ...c5, commentable: p3 },
      ]);
      const selected = await t.count(() =>
        t.db.comment.findMany({
          select: { body: true, commentableType: true, commentableId: true, commentable: true },
          where: { commentableType: "post" },
          orderBy: { id: "asc" },
        }),
      );
      expect(selected.queries).toBe(eagerQueries(2));
      expect(selected.result).toEqual(
        [c1, c2, c4, c5].map((c) => ({
          body: c.body,
          commentableType: "post",
          commentableId: c.commentableId,
          commentable: c === c4 ? p4 : c === c5 ? p3 : p1,
        })),
      );
    });

    it("a morphTo relation in select (true) without its type and id fields", async () => {
      const selected = await t.count(() =>
        t.db.comment.findMany({
          select: { body: true, commentable: true },
          where: { commentableType: "post" },
          orderBy: { id: "asc" },
        }),
      );
      expect(selected.queries).toBe(eagerQueries(2));
      expect(selected.result).toEqual([
        { body: "P1 first", commentable: p1 },
        { body: "P1 second", commentable: p1 },
        { body: "P4 first", commentable: p4 },
        { body: "P3 first", commentable: p3 },
      ]);
      const { queries, result } = await t.count(() =>
        t.db.comment.findMany({ select: { commentable: true }, orderBy: { id: "asc" } }),
      );
      expect(queries).toBe(eagerQueries(3));
      expect(result).toEqual([
        { commentable: p1 },
        { commentable: p1 },
        { commentable: v1 },
        { commentable: p4 },
        { commentable: p3 },
      ]);
    });

    it("a morphTo relation selected one level down, without its type and id fields", async () => {
      const { queries, result } = await t.count(() =>
        t.db.post.findMany({
          select: { title: true, comments: { select: { body: true, commentable: true }, orderBy: { id: "asc" } } },
          where: { id: { in: [p1.id, p2.id] } },
          orderBy: { id: "asc" },
        }),
      );
      // posts, comments, then the commentables (all posts here).
      expect(queries).toBe(eagerQueries(3));
      expect(result).toEqual([
        {
          title: "Ada 1",
          comments: [
            { body: "P1 first", commentable: p1 },
            { body: "P1 second", commentable: p1 },
          ],
        },
        { title: "Ada 2", comments: [] },
      ]);
    });
  });

  // -------------------------------------------------------------------------------------------
  // findFirst / findUnique
  // -------------------------------------------------------------------------------------------

  describe("findFirst, findFirstOrThrow, findUnique, findUniqueOrThrow", () => {
    it("findFirst: the first row in orderBy order, null when none", async () => {
      expect(await t.count(() => t.db.user.findFirst({ orderBy: { id: "desc" } }))).toEqual({
        queries: 1,
        result: rex,
      });
      expect(await t.db.user.findFirst({ where: { age: { not: null } }, orderBy: { age: "asc" } })).toEqual(bob);
      expect(await t.db.user.findFirst({ where: { active: true }, orderBy: [{ createdAt: "desc" }] })).toEqual(cy);
      expect(await t.db.user.findFirst({ orderBy: { id: "asc" }, skip: 2 })).toEqual(cy);
      expect(await t.count(() => t.db.user.findFirst({ where: { name: "Nobody" } }))).toEqual({
        queries: 1,
        result: null,
      });
      // No relation load for a missing row.
      expect(
        await t.count(() =>
          t.db.user.findFirst({ where: { name: "Nobody" }, include: { posts: true, profile: true } }),
        ),
      ).toEqual({ queries: 1, result: null });
    });

    it("findFirst with select and relations (the README example)", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user.findFirst({
          where: { email: "ada@example.dev" },
          select: {
            id: true,
            profile: { select: { bio: true } },
            posts: { select: { title: true }, where: { published: true }, orderBy: { id: "desc" }, take: 5 },
          },
        }),
      );
      // The profile (a unique to-one whose constraint only selects) joins the user's statement.
      expect(queries).toBe(eagerQueries(2));
      expect(result).toEqual({
        id: ada.id,
        profile: { bio: "Ada's bio" },
        posts: [{ title: "Ada 3" }, { title: "Ada 1" }],
      });
      const included = await t.count(() =>
        t.db.user.findFirst({ where: { email: "cy@example.dev" }, include: { posts: { orderBy: { id: "asc" } } } }),
      );
      expect(included).toEqual({ queries: eagerQueries(2), result: { ...cy, posts: [p4, p7] } });
    });

    it("findFirstOrThrow: the row, or NotFoundError", async () => {
      expect(await t.count(() => t.db.user.findFirstOrThrow({ where: { age: 65 } }))).toEqual({
        queries: 1,
        result: dee,
      });
      expect(await t.db.user.findFirstOrThrow({ orderBy: { id: "asc" }, include: { profile: true } })).toEqual({
        ...ada,
        profile: adaProfile,
      });
      const { queries, result } = await t.count(() =>
        t.db.user.findFirstOrThrow({ where: { name: "Nobody" } }).catch((error: unknown) => error),
      );
      expect(queries).toBe(1);
      expect(result).toBeInstanceOf(NotFoundError);
      expect((result as NotFoundError).model).toBe("user");
    });

    it("findUnique by primary key and by a unique field", async () => {
      expect(await t.count(() => t.db.user.findUnique({ where: { id: ada.id } }))).toEqual({
        queries: 1,
        result: ada,
      });
      expect(await t.db.user.findUnique({ where: { email: "bob@example.dev" } })).toEqual(bob);
      expect(await t.db.profile.findUnique({ where: { userId: cy.id } })).toEqual(cyProfile);
      expect(await t.count(() => t.db.user.findUnique({ where: { id: 999_999 } }))).toEqual({
        queries: 1,
        result: null,
      });
      expect(await t.db.user.findUnique({ where: { email: "nobody@example.dev" } })).toBeNull();
      // Other conditions next to the unique one narrow it further.
      expect(await t.db.user.findUnique({ where: { id: ada.id, active: false } })).toBeNull();
      expect(await t.db.user.findUnique({ where: { email: "ada@example.dev", active: true } })).toEqual(ada);
      const withPosts = await t.count(() =>
        t.db.user.findUnique({
          where: { email: "cy@example.dev" },
          select: { name: true, posts: { select: { title: true }, orderBy: { id: "desc" } } },
        }),
      );
      expect(withPosts).toEqual({
        queries: eagerQueries(2),
        result: { name: "Cy", posts: [{ title: "Cy 2" }, { title: "Cy 1" }] },
      });
    });

    it("findUniqueOrThrow: the row, or NotFoundError", async () => {
      expect(await t.db.user.findUniqueOrThrow({ where: { email: "dee@example.test" } })).toEqual(dee);
      const included = await t.count(() =>
        t.db.user.findUniqueOrThrow({ where: { id: ada.id }, include: { roles: { select: { name: true } } } }),
      );
      expect(included.queries).toBe(eagerQueries(2));
      // A select on a many-to-many relation keeps row.pivot.
      expect(included.result).toEqual({
        ...ada,
        roles: [
          {
            name: "admin",
            pivot: {
              userId: ada.id,
              roleId: admin.id,
              grantedBy: "root",
              createdAt: new Date(T1),
              updatedAt: new Date(T1),
            },
          },
          {
            name: "editor",
            pivot: { userId: ada.id, roleId: editor.id, grantedBy: "cy", createdAt: null, updatedAt: null },
          },
        ],
      });
      const { queries, result } = await t.count(() =>
        t.db.user.findUniqueOrThrow({ where: { id: 999_999 } }).catch((error: unknown) => error),
      );
      expect(queries).toBe(1);
      expect(result).toBeInstanceOf(NotFoundError);
      expect((result as NotFoundError).model).toBe("user");
    });

    it("findUnique / findUniqueOrThrow reject a where that names no unique field, before any SQL", async () => {
      for (const where of [
        { name: "Ada" },
        {},
        { email: { startsWith: "ada" } },
        { OR: [{ id: 1 }, { id: 2 }] },
        { id: { in: [1, 2] } },
      ]) {
        const error = await failure(() => t.db.user.findUnique({ where: where as never }));
        expect(error).toBeInstanceOf(ValidationError);
        expect(error.model).toBe("user");
        expect(error.message).toMatch(/findUnique/);
        const orThrow = await failure(() => t.db.user.findUniqueOrThrow({ where: where as never }));
        expect(orThrow).toBeInstanceOf(ValidationError);
      }
      expect(await failure(() => t.db.user.findUnique({} as never))).toBeInstanceOf(ValidationError);
    });
  });

  // -------------------------------------------------------------------------------------------
  // relationLoadStrategy
  // -------------------------------------------------------------------------------------------

  describe("relationLoadStrategy in the arguments overrides the connection default", () => {
    const args = {
      include: { posts: { include: { comments: { orderBy: { id: "asc" } } }, orderBy: { id: "asc" } }, profile: true },
      orderBy: { id: "asc" },
    } as const;
    const expected = () => [
      {
        ...ada,
        profile: adaProfile,
        posts: [
          { ...p1, comments: [c1, c2] },
          { ...p2, comments: [] },
          { ...p3, comments: [c5] },
        ],
      },
      {
        ...cy,
        profile: cyProfile,
        posts: [
          { ...p4, comments: [c4] },
          { ...p7, comments: [] },
        ],
      },
    ];

    it('"join": one statement', async () => {
      const where = { id: { in: [ada.id, cy.id] } };
      const { queries, result } = await t.count(() =>
        t.db.user.findMany({ ...args, where, relationLoadStrategy: "join" }),
      );
      expect(queries).toBe(1);
      expect(result).toEqual(expected());
      const first = await t.count(() => t.db.user.findFirst({ ...args, where, relationLoadStrategy: "join" }));
      expect(first).toEqual({ queries: 1, result: expected()[0] });
      const unique = await t.count(() =>
        t.db.user.findUnique({ where: { id: cy.id }, include: args.include, relationLoadStrategy: "join" }),
      );
      expect(unique).toEqual({ queries: 1, result: expected()[1] });
    });

    it('"query": one statement per relation level', async () => {
      const where = { id: { in: [ada.id, cy.id] } };
      const { queries, result } = await t.count(() =>
        t.db.user.findMany({ ...args, where, relationLoadStrategy: "query" }),
      );
      expect(queries).toBe(4);
      expect(result).toEqual(expected());
      const first = await t.count(() => t.db.user.findFirstOrThrow({ ...args, where, relationLoadStrategy: "query" }));
      // A read of one row brings its profile (a unique to-one) in its own statement.
      expect(first).toEqual({ queries: 3, result: expected()[0] });
      const unique = await t.count(() =>
        t.db.user.findUniqueOrThrow({ where: { id: cy.id }, include: args.include, relationLoadStrategy: "query" }),
      );
      expect(unique).toEqual({ queries: 3, result: expected()[1] });
    });

    it("the connection default when not given", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user.findMany({ ...args, where: { id: { in: [ada.id, cy.id] } } }),
      );
      expect(queries).toBe(eagerQueries(4));
      expect(result).toEqual(expected());
    });
  });

  // -------------------------------------------------------------------------------------------
  // errors
  // -------------------------------------------------------------------------------------------

  describe("argument errors, before any SQL", () => {
    it("an unknown field in where (at any depth, in a relation's where too)", async () => {
      for (const where of [
        { nope: 1 },
        { AND: [{ nope: 1 }] },
        { OR: [{ name: "Ada" }, { nope: 1 }] },
        { NOT: { nope: 1 } },
      ]) {
        const error = await failure(() => t.db.user.findMany({ where: where as never }));
        expect(error).toBeInstanceOf(ValidationError);
        expect([error.model, error.field]).toEqual(["user", "nope"]);
        expect(error.message).toMatch(/nope/);
      }
      const nested = await failure(() => t.db.user.findMany({ include: { posts: { where: { nope: 1 } as never } } }));
      expect(nested).toBeInstanceOf(ValidationError);
      expect([nested.model, nested.field]).toEqual(["post", "nope"]);
    });

    it("an unknown filter operator, or a value of the wrong type", async () => {
      const like = await failure(() => t.db.user.findMany({ where: { name: { like: "A%" } } as never }));
      expect(like).toBeInstanceOf(ValidationError);
      expect([like.model, like.field]).toEqual(["user", "name"]);
      expect(like.message).toMatch(/Unknown filter "like"/);
      for (const where of [
        { age: "old" },
        { age: { gt: "old" } },
        { age: { in: 3 } },
        { name: { contains: 3 } },
        { active: { equals: "yes" } },
      ]) {
        const error = await failure(() => t.db.user.findMany({ where: where as never }));
        expect(error).toBeInstanceOf(ValidationError);
        expect(error.model).toBe("user");
      }
    });

    it("an unknown argument key", async () => {
      for (const args of [{ limit: 3 }, { where: {}, orderby: { id: "asc" } }, { distincts: ["name"] }]) {
        const error = await failure(() => t.db.user.findMany(args as never));
        expect(error).toBeInstanceOf(ValidationError);
        expect(error.message).toMatch(/Unknown query argument/);
      }
      const nested = await failure(() => t.db.user.findMany({ include: { posts: { limit: 1 } as never } }));
      expect(nested).toBeInstanceOf(ValidationError);
      expect(nested.model).toBe("post");
      expect(await failure(() => t.db.user.findFirst({ top: 1 } as never))).toBeInstanceOf(ValidationError);
    });

    it("select and include together", async () => {
      const error = await failure(() =>
        t.db.user.findMany({ select: { id: true }, include: { posts: true } } as never),
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toMatch(/select or include/);
      const nested = await failure(() =>
        t.db.user.findMany({ include: { posts: { select: { id: true }, include: { comments: true } } as never } }),
      );
      expect(nested).toBeInstanceOf(ValidationError);
      expect(nested.model).toBe("post");
    });

    it("an unknown relation in include (RelationNotFoundError), at any depth", async () => {
      const error = await failure(() => t.db.user.findMany({ include: { nope: true } as never }));
      expect(error).toBeInstanceOf(RelationNotFoundError);
      expect([error.model, error.relation]).toEqual(["user", "nope"]);
      expect(error.validRelations).toEqual(["country", "profile", "posts", "roles"]);
      const nested = await failure(() =>
        t.db.user.findMany({ include: { posts: { include: { nope: true } as never } } }),
      );
      expect(nested).toBeInstanceOf(RelationNotFoundError);
      expect([nested.model, nested.relation]).toEqual(["post", "nope"]);
    });

    it("a field in include", async () => {
      const error = await failure(() => t.db.user.findMany({ include: { name: true } as never }));
      expect(error).toBeInstanceOf(ValidationError);
      expect([error.model, error.field]).toEqual(["user", "name"]);
    });

    it("select: a non-boolean value for a field, an unknown key", async () => {
      for (const value of ["yes", 1, { select: { id: true } }, null]) {
        const error = await failure(() => t.db.user.findMany({ select: { name: value } as never }));
        expect(error).toBeInstanceOf(ValidationError);
        expect([error.model, error.field]).toEqual(["user", "name"]);
      }
      const unknown = await failure(() => t.db.user.findMany({ select: { nope: true } as never }));
      expect(unknown).toBeInstanceOf(ValidationError);
      expect([unknown.model, unknown.field]).toEqual(["user", "nope"]);
    });

    it("nested arguments on a morphTo relation", async () => {
      for (const args of [
        { include: { commentable: { select: { id: true } } } },
        { select: { id: true, commentable: { where: { id: 1 } } } },
        { include: { commentable: {} } },
      ]) {
        const error = await failure(() => t.db.comment.findMany(args as never));
        expect(error).toBeInstanceOf(ValidationError);
        expect([error.model, error.field]).toEqual(["comment", "commentable"]);
      }
    });

    it("a negative or fractional take/skip, at the top or in a relation", async () => {
      for (const args of [
        { include: { posts: { take: -1 } } },
        { skip: -1 },
        { take: 1.5 },
        { take: "2" },
        { include: { posts: { take: -1 } } },
        { select: { posts: { skip: -2 } } },
      ]) {
        const error = await failure(() => t.db.user.findMany(args as never));
        expect(error).toBeInstanceOf(ValidationError);
        expect(error.message).toMatch(/take|skip/);
      }
    });

    it("an invalid orderBy direction, an unknown orderBy field", async () => {
      for (const orderBy of [{ id: "up" }, [{ id: "asc" }, { name: "DESC" }], { id: true }]) {
        const error = await failure(() => t.db.user.findMany({ orderBy: orderBy as never }));
        expect(error).toBeInstanceOf(ValidationError);
        expect(error.model).toBe("user");
        expect(error.message).toMatch(/asc|desc/);
      }
      const unknown = await failure(() => t.db.user.findMany({ orderBy: { nope: "asc" } as never }));
      expect(unknown).toBeInstanceOf(ValidationError);
      expect([unknown.model, unknown.field]).toEqual(["user", "nope"]);
      const nested = await failure(() =>
        t.db.user.findMany({ include: { posts: { orderBy: { views: "up" } as never } } }),
      );
      expect(nested).toBeInstanceOf(ValidationError);
      expect([nested.model, nested.field]).toEqual(["post", "views"]);
    });

    it("an invalid relationLoadStrategy", async () => {
      const error = await failure(() => t.db.user.findMany({ relationLoadStrategy: "lazy" } as never));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toMatch(/relationLoadStrategy/);
    });

    it("an invalid relation filter (a to-one filter on a to-many relation, an unknown one, a non-object)", async () => {
      for (const [where, field] of [
        [{ posts: { is: { published: true } } }, "posts"],
        [{ profile: { some: { bio: "x" } } }, "profile"],
        [{ posts: { any: {} } }, "posts"],
        [{ OR: [{ name: "Ada" }, { posts: "none" }] }, "posts"],
        [{ posts: { some: { nope: 1 } } }, "nope"],
      ] as const) {
        const { queries, result: error } = await t.count(() =>
          failure(() => t.db.user.findMany({ where: where as never })),
        );
        expect(queries).toBe(0);
        expect(error).toBeInstanceOf(ValidationError);
        expect(error.field).toBe(field);
      }
    });

    it("argument errors reject the returned promise (no synchronous throw)", async () => {
      const bad = { where: { nope: 1 } } as never;
      const calls: [string, () => Promise<unknown>][] = [
        ["findMany", () => t.db.user.findMany(bad)],
        ["findFirst", () => t.db.user.findFirst(bad)],
        ["findFirstOrThrow", () => t.db.user.findFirstOrThrow(bad)],
        ["findUnique", () => t.db.user.findUnique({ where: { name: "Ada" } } as never)],
        ["findUniqueOrThrow", () => t.db.user.findUniqueOrThrow({ where: { name: "Ada" } } as never)],
      ];
      const outcomes: [string, string][] = [];
      for (const [name, call] of calls) {
        let promise: Promise<unknown> | undefined;
        try {
          promise = call();
        } catch {
          outcomes.push([name, "threw synchronously"]);
          continue;
        }
        outcomes.push([
          name,
          await promise.then(
            () => "resolved",
            (error) => (error instanceof ValidationError ? "rejected" : "other"),
          ),
        ]);
      }
      expect(outcomes).toEqual(calls.map(([name]) => [name, "rejected"]));
      expect(t.queries).toEqual([]);
    });
  });

  // -------------------------------------------------------------------------------------------
  // object API vs fluent API
  // -------------------------------------------------------------------------------------------

  describe("the object API and the fluent API give the same rows", () => {
    it("where + include with a per-parent take + orderBy", async () => {
      const objects = await t.count(() =>
        t.db.user.findMany({
          where: { age: { gte: 18 } },
          include: { posts: { take: 2, orderBy: { id: "desc" } } },
          orderBy: { id: "asc" },
        }),
      );
      const fluent = await t.count(() =>
        t.db.user
          .where("age", ">=", 18)
          .with("posts", (q) => q.orderBy("id", "desc").limit(2))
          .orderBy("id")
          .get(),
      );
      expect(objects.queries).toBe(eagerQueries(2));
      expect(fluent.queries).toBe(objects.queries);
      expect(objects.result).toEqual(fluent.result);
      expect(objects.result).toEqual([
        { ...ada, posts: [p3, p2] },
        { ...dee, posts: [p5] },
        { ...rex, posts: [p6] },
      ]);
    });

    it("select, OR/NOT groups, orderBy, take and skip", async () => {
      const objects = await t.db.user.findMany({
        select: { id: true, name: true },
        where: { OR: [{ age: { lt: 18 } }, { age: null }, { name: { startsWith: "50%" } }], NOT: { name: "Cy" } },
        orderBy: [{ active: "desc" }, { id: "desc" }],
        take: 5,
        skip: 0,
      });
      const fluent = await t.db.user
        .select("id", "name")
        .where((q) => q.where("age", "<", 18).orWhereNull("age").orWhere("name", "like", "50%"))
        .whereNot((q) => q.where("name", "Cy"))
        .orderBy("active", "desc")
        .orderBy("id", "desc")
        .limit(5)
        .offset(0)
        .get();
      expect(objects).toEqual([
        { id: dee.id, name: "50%_off!" },
        { id: bob.id, name: "Bob" },
      ]);
      expect(objects).toEqual(fluent);
    });

    it("nested relations with constraints, and a morphTo", async () => {
      const objects = await t.count(() =>
        t.db.user.findMany({
          include: {
            posts: { where: { published: true }, orderBy: { views: "desc" }, include: { comments: true } },
            roles: true,
          },
          where: { active: true },
          orderBy: { id: "asc" },
        }),
      );
      const fluent = await t.count(() =>
        t.db.user
          .where("active", true)
          .with("posts", (q) => q.where("published", true).orderBy("views", "desc"))
          .with("posts.comments", "roles")
          .orderBy("id")
          .get(),
      );
      expect(objects.queries).toBe(eagerQueries(4));
      expect(fluent.queries).toBe(objects.queries);
      expect(objects.result).toEqual(fluent.result);
      expect(objects.result.map((u) => [u.name, u.posts.map((p) => [p.title, p.comments.map((c) => c.body)])])).toEqual(
        [
          [
            "Ada",
            [
              ["Ada 3", ["P3 first"]],
              ["Ada 1", ["P1 first", "P1 second"]],
            ],
          ],
          ["Cy", [["Cy 1", ["P4 first"]]]],
          ["50%_off!", []],
        ],
      );
      const morphs = await t.db.comment.findMany({ include: { commentable: true }, orderBy: { id: "desc" } });
      expect(morphs).toEqual(await t.db.comment.with("commentable").orderBy("id", "desc").get());
    });
  });
});

function byName<T extends { name: string }>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
