import { beforeAll, describe, expect, it } from "vitest";
import {
  belongsTo,
  createDb,
  defineSchema,
  hasMany,
  hasOne,
  id,
  integer,
  model,
  SchemaError,
  string,
} from "../../src/index.js";
import { caught } from "../support/caught.js";
import { dialect, eagerQueries, strategy, useTestDb } from "../support/test-db.js";

/**
 * Model option `hidden`: fields left out of the rows reads and writes return (top level, eager
 * loads under both strategies, the object API, writes), unless a query selects them; filters
 * still use them, and a hidden relation key still links rows (read, then dropped).
 */
const schema = defineSchema(
  {
    user: model({
      fields: { id: id(), name: string(), password: string(), apiToken: string().nullable() },
      relations: { posts: hasMany("post"), profile: hasOne("profile") },
      hidden: ["password", "apiToken"],
    }),
    profile: model({ fields: { id: id(), userId: integer(), bio: string() } }),
    post: model({
      fields: { id: id(), userId: integer(), title: string(), secret: string() },
      relations: { author: belongsTo("user", { foreignKey: "userId" }) },
      // The relation key is hidden too: reads still link by it, and leave it out.
      hidden: ["secret", "userId"],
    }),
  },
  { casing: "snake_case" },
);

const hasKey = (row: object, key: string) => Object.hasOwn(row, key);

describe(`hidden fields on ${dialect} (${strategy})`, () => {
  const t = useTestDb(schema);
  let ada: any;
  let bob: any;

  beforeAll(async () => {
    ada = await t.db.user.create({ name: "Ada", password: "pw-a", apiToken: "tok-a" });
    bob = await t.db.user.create({ name: "Bob", password: "pw-b" });
    await t.db.post.createMany([
      { userId: ada.id, title: "A1", secret: "s1" },
      { userId: ada.id, title: "A2", secret: "s2" },
      { userId: bob.id, title: "B1", secret: "s3" },
    ]);
    await t.db.profile.create({ userId: ada.id, bio: "hi" });
  });

  it("writes return rows without the hidden fields, and store them", async () => {
    expect(ada).toEqual({ id: ada.id, name: "Ada" });
    expect(bob).toEqual({ id: bob.id, name: "Bob" });
    expect(await t.db.user.orderBy("id").pluck("password")).toEqual(["pw-a", "pw-b"]);
    const cy = await t.db.user.firstOrCreate({ name: "Cy" }, { password: "pw-c" });
    expect(cy).toEqual({ id: cy.id, name: "Cy" });
    const again = await t.db.user.firstOrCreate({ name: "Cy" }, { password: "other" });
    expect(again).toEqual(cy);
    const [post] = await t.db.user.related(cy, "posts").createMany([{ title: "C1", secret: "s4" }]);
    expect(post).toEqual({ id: post!.id, title: "C1" });
    // A nested write: the created graph leaves them out at every level.
    const dan: any = await t.db.user.create({
      name: "Dan",
      password: "pw-d",
      posts: { create: [{ title: "D1", secret: "s5" }] },
    });
    expect(dan).toEqual({ id: dan.id, name: "Dan", posts: [{ id: dan.posts[0].id, title: "D1" }] });
    await t.db.post.whereIn("title", ["C1", "D1"]).delete();
    await t.db.user.whereIn("name", ["Cy", "Dan"]).delete();
  });

  it("a read leaves them out of the SQL and the rows; select() names them back in", async () => {
    const { sql } = t.db.user.toSql();
    expect(sql).not.toContain("password");
    expect(sql).not.toContain("api_token");
    const read = await t.count(() => t.db.user.orderBy("id").get());
    expect(read).toEqual({ queries: 1, result: [ada, bob] });
    expect(await t.db.user.select("name", "password").orderBy("id").get()).toEqual([
      { name: "Ada", password: "pw-a" },
      { name: "Bob", password: "pw-b" },
    ]);
    // Filters and sorts still use them.
    expect(await t.db.user.where("password", "pw-b").first()).toEqual(bob);
    expect(await t.db.user.whereNotNull("apiToken").pluck("name")).toEqual(["Ada"]);
    expect(await t.db.user.find(ada.id)).toEqual(ada);
  });

  it("eager loads leave them out, and still link rows by a hidden key", async () => {
    const users = await t.count(() => t.db.user.with("posts", "profile").orderBy("id").get());
    expect(users.queries).toBe(eagerQueries(3));
    expect(users.result).toEqual([
      {
        ...ada,
        posts: [
          { id: expect.any(Number), title: "A1" },
          { id: expect.any(Number), title: "A2" },
        ],
        profile: { id: expect.any(Number), userId: ada.id, bio: "hi" },
      },
      { ...bob, posts: [{ id: expect.any(Number), title: "B1" }], profile: null },
    ]);
    const posts = await t.count(() => t.db.post.with("author").orderBy("id").get());
    expect(posts.queries).toBe(eagerQueries(2));
    expect(posts.result.map((p: any) => [p.title, p.author, hasKey(p, "userId"), hasKey(p, "secret")])).toEqual([
      ["A1", ada, false, false],
      ["A2", ada, false, false],
      ["B1", bob, false, false],
    ]);
  });

  it("a constraint's select() names them back in, below the top too", async () => {
    const rows: any[] = await t.db.post
      .with("author", (q) => q.select("id", "password"))
      .select("title", "userId")
      .orderBy("id")
      .get();
    expect(rows).toEqual([
      { title: "A1", userId: ada.id, author: { id: ada.id, password: "pw-a" } },
      { title: "A2", userId: ada.id, author: { id: ada.id, password: "pw-a" } },
      { title: "B1", userId: bob.id, author: { id: bob.id, password: "pw-b" } },
    ]);
  });

  it("the object API leaves them out unless select names them", async () => {
    const users = await t.db.user.findMany({ include: { posts: true }, orderBy: { id: "asc" } });
    expect(users.map((u: any) => [hasKey(u, "password"), u.posts.map((p: any) => hasKey(p, "secret"))])).toEqual([
      [false, [false, false]],
      [false, [false]],
    ]);
    expect(await t.db.user.findFirst({ where: { name: "Ada" }, select: { name: true, apiToken: true } })).toEqual({
      name: "Ada",
      apiToken: "tok-a",
    });
  });

  it("cursor() pages without them", async () => {
    const seen: object[] = [];
    for await (const user of t.db.user.orderBy("id").cursor({ batchSize: 1 })) seen.push(user);
    expect(seen).toEqual([ada, bob]);
  });
});

describe(`hidden fields, checked by defineSchema on ${dialect}`, () => {
  it("names only fields of the model", async () => {
    const error = await caught(() =>
      defineSchema({ user: model({ fields: { id: id(), name: string() }, hidden: ["pasword" as never] }) }),
    );
    expect(error).toBeInstanceOf(SchemaError);
    expect((error as Error).message).toContain('hidden names "pasword", which is not one of its fields (id, name)');
    // The packed JS caller (no types): a string is not a list.
    expect(
      await caught(() =>
        createDb({ schema: defineSchema({ u: model({ fields: { id: id() }, hidden: "id" as never }) }) }),
      ),
    ).toBeInstanceOf(SchemaError);
  });
});
