import { beforeEach, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { caught } from "../support/caught.js";
import { dialect, useTestDb } from "../support/test-db.js";

/**
 * No public method may silently ignore an argument it was given: TypeScript rejects them, but
 * plain JavaScript and `any` callers can pass them, and an ignored `delete({ where })` deletes
 * every row. Each call below is a ValidationError before any SQL, saying what was given and what
 * the method takes, and the canary rows stay exactly as they were.
 */

describe(`ignored arguments are rejected on ${dialect}`, () => {
  const t = useTestDb(blog);
  // Untyped handles: what plain JavaScript callers can pass.
  const db = () => t.db as any;
  let ids: { ada: number; bob: number; post: number; comment: number; role: number };

  beforeEach(async () => {
    await t.truncate();
    const ada = await t.db.user.create({ email: "ada@x.dev", name: "Ada", age: 36 });
    const bob = await t.db.user.create({ email: "bob@x.dev", name: "Bob" });
    const post = await t.db.post.create({ authorId: ada.id, title: "Notes" });
    await t.db.post.create({ authorId: bob.id, title: "Other" });
    const comment = await t.db.comment.create({ body: "first", commentableType: "post", commentableId: post.id });
    await t.db.comment.create({ body: "second", commentableType: "post", commentableId: post.id });
    const role = await t.db.role.create({ name: "admin" });
    await t.db.user.related(ada, "roles").attach(role.id, { grantedBy: "root" });
    ids = { ada: ada.id, bob: bob.id, post: post.id, comment: comment.id, role: role.id };
    t.queries.length = 0;
  });

  /** Every canary row, read with raw Kysely (not through the code under test). */
  async function snapshot() {
    const k = t.db.kysely;
    return {
      users: await k.selectFrom("users").select(["id", "name", "age"]).orderBy("id").execute(),
      posts: await k.selectFrom("posts").select(["id", "title", "author_id"]).orderBy("id").execute(),
      comments: await k.selectFrom("comments").select(["id", "body"]).orderBy("id").execute(),
      roles: await k.selectFrom("roles").select(["id", "name"]).orderBy("id").execute(),
      pivots: await k.selectFrom("role_user").select(["user_id", "role_id", "granted_by"]).execute(),
    };
  }

  /** `run` fails with a ValidationError whose message has every part, sends no SQL and changes no row. */
  async function rejected(run: () => unknown, parts: readonly string[]): Promise<ValidationError> {
    const before = await snapshot();
    const { queries, result } = await t.count(() => caught(run));
    expect(result).toBeInstanceOf(ValidationError);
    for (const part of parts) expect((result as Error).message).toContain(part);
    expect(queries).toBe(0);
    expect(await snapshot()).toEqual(before);
    return result as ValidationError;
  }

  describe("object forms of fluent terminals", () => {
    it("a query's delete({ where }) is rejected instead of deleting every row it matches", async () => {
      const error = await rejected(
        () => (db().comment.query().delete as (a: unknown) => Promise<number>)({ where: { id: ids.comment } }),
        [
          "delete()",
          '"comment"',
          "no arguments",
          '{"where":{"id":',
          "takes no object form",
          "db.comment.where({ id }).delete()",
          "db.comment.delete({ where })",
        ],
      );
      expect(error.model).toBe("comment");
    });

    it("a query's count({ where }) is rejected instead of counting every row", async () => {
      await rejected(
        () => (db().comment.query().count as (a: unknown) => Promise<number>)({ where: { id: ids.comment } }),
        ["count()", "takes no object form", "db.comment.where({ id }).count()", "db.comment.count({ where })"],
      );
    });

    it("a query's update({ where, data }) is rejected with the fluent form instead of an unknown-field error", async () => {
      await rejected(
        () =>
          db()
            .comment.query()
            .update({ where: { id: ids.comment }, data: { body: "changed" } } as never),
        ["update", '"comment"', "takes no object form", "db.comment.where({ id }).update({ body })"],
      );
    });

    it("the model handle's delete/update/count take the object form (Prisma's) and never touch other rows", async () => {
      await rejected(() => db().comment.delete({ where: { body: "x" } } as never), ["delete", "primary key"]);
      await rejected(
        () => db().comment.update({ body: "changed" } as never),
        ['Unknown argument "body"', "db.comment.query().update(values)"],
      );
      await rejected(
        () => (db().comment.delete as () => unknown)(),
        ["delete", "where", "db.comment.query().delete()"],
      );
    });

    it("exists({ where }) is rejected instead of checking every row", async () => {
      await rejected(
        () => db().comment.exists({ where: { id: -1 } }),
        ["exists()", "db.comment.where({ id }).exists()"],
      );
    });

    it("get({ where }) / first({ where }) / all({ where }) point at the fluent form and findMany / findFirst", async () => {
      await rejected(
        () => db().comment.get({ where: { id: -1 } }),
        ["get()", "db.comment.where({ id }).get()", "findMany"],
      );
      await rejected(() => db().comment.first({ where: { id: -1 } }), ["first()", "findFirst"]);
      await rejected(() => db().comment.all({ where: { id: -1 } }), ["all()", "findMany"]);
      await rejected(() => db().comment.firstOrFail({ where: { id: -1 } }), ["firstOrFail()"]);
    });

    it("the same on a related(...) builder: delete({ where }) does not delete every related row", async () => {
      const ada = await t.db.user.findOrFail(ids.ada);
      t.queries.length = 0;
      await rejected(() => (t.db.user.related(ada, "posts") as any).delete({ where: { id: -1 } }), ["delete()"]);
      await rejected(() => (t.db.user.related(ada, "posts") as any).count({ where: { id: -1 } }), ["count()"]);
    });
  });

  describe("too many positional arguments", () => {
    const cases: [string, () => unknown, string][] = [
      ["get(x)", () => db().user.where("id", 1).get(1), "get()"],
      ["first(x)", () => db().user.first(1), "first()"],
      ["count(x)", () => (db().user.query().count as (a: unknown) => unknown)("id"), "count()"],
      ["exists(x)", () => db().user.exists(true), "exists()"],
      ["delete(x)", () => db().user.where("id", -1).delete(1), "delete()"],
      ["all(x)", () => db().user.all(1), "all()"],
      ["query(x)", () => db().user.query({ where: {} }), "query()"],
      ["toSql(x)", () => db().user.toSql(1), "toSql()"],
      ["update(values, extra)", () => db().user.where("id", -1).update({ name: "x" }, { id: 1 }), "update(values)"],
      ["find(id, extra)", () => db().user.find(1, { include: { posts: true } }), "find(id)"],
      ["findOrFail(id, extra)", () => db().user.findOrFail(1, 2), "findOrFail(id)"],
      ["pluck(field, extra)", () => db().user.pluck("id", "name"), "pluck(field)"],
      ["paginate(options, extra)", () => db().user.paginate({ page: 1 }, 2), "paginate({ page, perPage })"],
      ["cursor(options, extra)", () => db().user.cursor({ batchSize: 1 }, 2), "cursor({ batchSize })"],
      ["limit(n, extra)", () => db().user.limit(1, 2).get(), "limit(n)"],
      ["offset(n, extra)", () => db().user.offset(1, 2).get(), "offset(n)"],
      ["orderBy(field, direction, extra)", () => db().user.orderBy("id", "asc", "name").get(), "orderBy"],
      ["strategy(s, extra)", () => db().user.strategy("join", 1).get(), "strategy"],
      ["whereIn(field, values, extra)", () => db().user.whereIn("id", [1], [2]).get(), "whereIn(field, values)"],
      ["whereNull(field, extra)", () => db().user.whereNull("age", "name").get(), "whereNull(field)"],
      ["whereNotNull(field, extra)", () => db().user.whereNotNull("age", "name").get(), "whereNotNull(field)"],
      ["whereBetween(field, range, extra)", () => db().user.whereBetween("age", [1, 2], 3).get(), "whereBetween"],
      [
        "whereNot(group, extra)",
        () =>
          db()
            .user.whereNot((q: any) => q, 1)
            .get(),
        "whereNot(group)",
      ],
      ["has(path, op, n, extra)", () => db().user.has("posts", ">=", 1, 2).get(), "has(path, operator, count)"],
      ["doesntHave(path, extra)", () => db().user.doesntHave("posts", ">=").get(), "doesntHave(path)"],
      ["whereHas(path, cb, op, n, extra)", () => db().user.whereHas("posts", undefined, ">=", 1, 2).get(), "whereHas"],
      [
        "whereDoesntHave(path, cb, extra)",
        () => db().user.whereDoesntHave("posts", undefined, 1).get(),
        "whereDoesntHave",
      ],
      ["withSum(relation, field, extra)", () => db().user.withSum("posts", "views", "x").get(), "withSum"],
      [
        "having(alias, op, value, extra)",
        () => db().user.withCount("posts").having("postsCount", ">", 0, 1).get(),
        "having",
      ],
      [
        "whereBelongsTo(rows, relation, extra)",
        () => db().post.whereBelongsTo({ id: 1 }, "author", 1).get(),
        "whereBelongsTo",
      ],
      [
        "whereMorphedTo(relation, row, model, extra)",
        () => db().comment.whereMorphedTo("commentable", null, "post", 1).get(),
        "whereMorphedTo",
      ],
      [
        "whereHasMorph(relation, types, cb, extra)",
        () => db().comment.whereHasMorph("commentable", ["post"], undefined, 1).get(),
        "whereHasMorph",
      ],
      ["findMany(args, extra)", () => db().user.findMany({}, { where: { id: 1 } }), "findMany(args)"],
      ["findFirst(args, extra)", () => db().user.findFirst({}, 1), "findFirst(args)"],
      ["findUnique(args, extra)", () => db().user.findUnique({ where: { id: 1 } }, 1), "findUnique(args)"],
      [
        "create(values, extra)",
        () => db().user.create({ email: "c@x.dev", name: "C" }, { include: {} }),
        "create(values)",
      ],
      ["createMany(rows, extra)", () => db().user.createMany([{ email: "c@x.dev", name: "C" }], 1), "createMany(rows)"],
      [
        "firstOrCreate(attributes, values, extra)",
        () => db().user.firstOrCreate({ email: "c@x.dev" }, { name: "C" }, 1),
        "firstOrCreate",
      ],
      [
        "updateOrCreate(attributes, values, extra)",
        () => db().user.updateOrCreate({ email: "c@x.dev" }, { name: "C" }, 1),
        "updateOrCreate",
      ],
      [
        "related(row, relation, extra)",
        () => db().user.related({ id: 1 }, "posts", { where: {} }),
        "related(row, relation)",
      ],
      ["loadSum(rows, relation, field, extra)", () => db().user.loadSum([], "posts", "views", 1), "loadSum"],
    ];
    for (const [name, run, signature] of cases) {
      it(`${name} is rejected`, async () => {
        const error = await rejected(run, [signature, '"', "got"]);
        expect(error.message).toMatch(/takes (no arguments|at most \d+ arguments?)/);
      });
    }

    it("wherePivot(field, op, value, extra) is rejected inside a many-to-many constraint", async () => {
      await rejected(
        () =>
          db()
            .user.with("roles", (q: any) => q.wherePivot("grantedBy", "=", "root", "extra"))
            .get(),
        ["wherePivot", "got 4 arguments"],
      );
    });
  });

  describe("related(...) writes", () => {
    const user = async () => {
      const row = await t.db.user.findOrFail(ids.ada);
      t.queries.length = 0;
      return row;
    };

    it("create(values, extra) / createMany(rows, extra) / save(row, extra)", async () => {
      const posts = t.db.user.related(await user(), "posts") as any;
      await rejected(() => posts.create({ title: "T" }, { title: "U" }), ["create(values)"]);
      await rejected(() => posts.createMany([{ title: "T" }], 1), ["createMany(rows)"]);
      await rejected(() => posts.save({ title: "T" }, 1), ["save(row)"]);
      await rejected(() => posts.saveMany([{ title: "T" }], 1), ["saveMany(rows)"]);
    });

    it("firstOrCreate(attributes, values) with values that are not an object", async () => {
      const posts = t.db.user.related(await user(), "posts") as any;
      await rejected(() => posts.firstOrCreate({ title: "T" }, "body"), ["values must be an object"]);
      await rejected(() => db().user.firstOrCreate({ email: "c@x.dev" }, "C"), ["values must be an object"]);
    });

    it("attach / detach / sync / toggle / updateExistingPivot with an extra argument", async () => {
      const roles = t.db.user.related(await user(), "roles") as any;
      await rejected(() => roles.attach([ids.role], { grantedBy: "x" }, 1), ["attach(keys, pivotValues)"]);
      await rejected(() => roles.detach([ids.role], { where: {} }), ["detach(keys)"]);
      await rejected(() => roles.sync([], 1), ["sync(keys)"]);
      await rejected(() => roles.syncWithoutDetaching([], 1), ["syncWithoutDetaching(keys)"]);
      await rejected(() => roles.toggle([ids.role], 1), ["toggle(keys)"]);
      await rejected(() => roles.updateExistingPivot(ids.role, { grantedBy: "x" }, 1), ["updateExistingPivot"]);
      await rejected(() => roles.attach([ids.role], null), ['"user.roles" takes an object of pivot values']);
      await rejected(() => roles.attach([ids.role], "root"), ["takes an object of pivot values"]);
    });

    it("associate options: an unknown option or a wrong type is rejected instead of saving anyway", async () => {
      const ada = await user();
      const bob = await t.db.user.findOrFail(ids.bob);
      const post = await t.db.post.findOrFail(ids.post);
      t.queries.length = 0;
      const author = t.db.post.related(post, "author") as any;
      await rejected(
        () => author.associate(bob, { sync: false, save: true }),
        ['Unknown option "save"', "{ sync, model }"],
      );
      await rejected(() => author.associate(bob, { sync: "no" }), ["sync must be true or false"]);
      await rejected(() => author.associate(bob, {}, 1), ["associate(target, options)"]);
      expect(post.authorId).toBe(ada.id);
    });

    it("dissociate on a belongsTo: a row is its target, and what is neither a target nor options is rejected", async () => {
      const ada = await user();
      const country = t.db.user.related(ada, "country") as any;
      // A row (or an object with keys besides sync) is the target: Ada points at no country, so nothing is sent.
      expect(await t.count(() => country.dissociate({ id: 1, name: "UK" }))).toEqual({ queries: 0, result: ada });
      await rejected(() => country.dissociate({ sync: false, save: true }), ['no "id" to compare', "no key but sync"]);
      await rejected(() => country.dissociate({ sync: false }, { sync: false }), ["two options objects"]);
      await rejected(() => country.dissociate({ id: 1 }, { sync: "no" }), ["sync must be true or false"]);
      await rejected(() => country.dissociate(true), ["takes options ({ sync }), or the owner", "true (boolean)"]);
      await rejected(() => country.dessociate({ id: 1 }, {}, 1), ["dessociate(target, options)"]);
      await rejected(() => country.unlink({ id: 1 }), ['Unknown option "id" of unlink', "{ sync }"]);
    });
  });

  describe("options objects", () => {
    it("paginate({ page, perPage, pageSize }) is rejected instead of ignoring pageSize", async () => {
      await rejected(
        () => db().user.paginate({ page: 1, perPage: 1, pageSize: 50 }),
        ['Unknown option "pageSize"', "paginate", "{ page, perPage }"],
      );
    });

    it("paginate(2) is rejected instead of reading page 1", async () => {
      await rejected(() => db().user.paginate(2), ["paginate", "options object { page, perPage }", "2 (number)"]);
    });

    it("paginate({ where }) shows the fluent form", async () => {
      await rejected(
        () => db().user.paginate({ where: { id: 1 } }),
        ['Unknown option "where"', "db.user.where({ id })"],
      );
    });

    it("paginate past the largest safe offset is rejected", async () => {
      await rejected(() => db().user.paginate({ page: 2 ** 40, perPage: 2 ** 20 }), ["safe integer"]);
      await rejected(() => db().user.paginate({ page: 1, perPage: 2 ** 53 }), ["perPage", "positive integer"]);
    });

    it("cursor({ batchSize, size }) and cursor(500) are rejected instead of reading 1,000 at a time", async () => {
      await rejected(() => db().user.cursor({ batchSize: 10, size: 5 }), ['Unknown option "size"', "{ batchSize }"]);
      await rejected(() => db().user.cursor(500), ["options object { batchSize }"]);
    });

    it("limit / offset / take / skip beyond safe integers are rejected", async () => {
      await rejected(
        () =>
          db()
            .user.limit(2 ** 53)
            .get(),
        ["limit", "non-negative integer"],
      );
      await rejected(() => db().user.offset(1e300).get(), ["offset", "non-negative integer"]);
      await rejected(() => db().user.findMany({ take: 2 ** 53 }), ["take"]);
      await rejected(() => db().user.findMany({ skip: Number.MAX_VALUE }), ["skip"]);
    });

    it("findMany / findFirst / findUnique reject unknown top-level and nested arguments", async () => {
      await rejected(() => db().user.findMany({ where: { id: 1 }, limit: 1 }), ['Unknown query argument "limit"']);
      await rejected(() => db().user.findFirst({ filter: { id: 1 } }), ['Unknown query argument "filter"']);
      await rejected(() => db().user.findUnique({ where: { id: 1 }, data: {} }), ['Unknown query argument "data"']);
      await rejected(
        () => db().user.findMany({ include: { posts: { take: 1, limit: 1 } } }),
        ['Unknown query argument "limit" on "post"'],
      );
      await rejected(() => db().user.findMany({ orderBy: { posts: { _count: "desc", by: "x" } } }), ["_count"]);
    });

    it("create({ data, extra }) is rejected instead of inserting a field named data", async () => {
      await rejected(
        () => db().user.create({ data: { email: "c@x.dev", name: "C" }, includes: { posts: true } }),
        ['Unknown argument "includes" of create', "data, select, include, omit"],
      );
    });
  });

  it("calls with the arguments a method takes still work", async () => {
    expect(await t.db.comment.where({ id: ids.comment }).delete()).toBe(1);
    expect(await t.db.comment.count()).toBe(1);
    const page = await t.db.user.orderBy("id").paginate({ page: 2, perPage: 1 });
    expect(page.data.map((u) => u.id)).toEqual([ids.bob]);
    const streamed: number[] = [];
    for await (const user of t.db.user.cursor({ batchSize: 1 })) streamed.push(user.id);
    expect(streamed).toEqual([ids.ada, ids.bob]);
    expect(await t.db.user.paginate()).toMatchObject({ total: 2, page: 1, perPage: 15 });
    expect(await t.db.user.where("id", ids.bob).update({ name: "Bobby" })).toBe(1);
  });
});
