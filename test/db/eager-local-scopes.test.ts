import { beforeAll, describe, expect, it } from "vitest";
import {
  belongsToMany,
  createDb,
  defineSchema,
  hasMany,
  id,
  integer,
  model,
  SchemaError,
  string,
  ValidationError,
} from "../../src/index.js";
import { caught } from "../support/caught.js";
import { dialect, eagerQueries, strategy, useTestDb } from "../support/test-db.js";

/**
 * Model option `localScopes`: named query pieces called as methods wherever a query of the
 * model is built (the model handle, a chained builder, a relation's constraint under both
 * strategies, relation filters, related() handles, a transaction's db).
 */
const schema = defineSchema({
  user: model({
    fields: { id: id(), name: string() },
    relations: { posts: hasMany("post"), tags: belongsToMany("tag") },
  }),
  post: model({
    fields: { id: id(), userId: integer(), title: string(), views: integer(), status: string() },
    localScopes: {
      popular: (q, min: number) => q.where("views", ">=", min),
      published: (q) => q.where("status", "published"),
      titled: (q, ...words: string[]) => q.whereIn("title", words),
    },
  }),
  tag: model({
    fields: { id: id(), name: string() },
    localScopes: { named: (q, name: string) => q.where("name", name) },
  }),
});

describe(`local scopes on ${dialect} (${strategy})`, () => {
  const t = useTestDb(schema);
  let ada: any;
  let bob: any;
  let p2: any;
  let p3: any;

  beforeAll(async () => {
    [ada, bob] = await t.db.user.createMany([{ name: "Ada" }, { name: "Bob" }]);
    [, p2, p3] = await t.db.post.createMany([
      { userId: ada.id, title: "a", views: 5, status: "published" },
      { userId: ada.id, title: "b", views: 50, status: "draft" },
      { userId: bob.id, title: "c", views: 500, status: "published" },
    ]);
    const [sql, orm] = await t.db.tag.createMany([{ name: "sql" }, { name: "orm" }]);
    await t.db.user.related(ada, "tags").attach([sql!.id, orm!.id]);
  });

  it("are methods of the model handle and of every builder, chained with the rest, in one statement", async () => {
    const { queries, result } = await t.count(() => t.db.post.published().popular(10).orderBy("id").get());
    expect(queries).toBe(1);
    expect(result).toEqual([p3]);
    expect(await t.db.post.where("userId", ada.id).popular(10).pluck("title")).toEqual(["b"]);
    expect(await t.db.post.titled("a", "c").published().orderBy("id").pluck("title")).toEqual(["a", "c"]);
    // A scope's conditions stay together: an orWhere after it does not reach inside.
    expect(await t.db.post.popular(10).orWhere("title", "a").orderBy("id").pluck("title")).toEqual(["a", "b", "c"]);
  });

  it("work inside relation constraints and filters", async () => {
    const users = await t.count(() =>
      t.db.user
        .with("posts", (q) => q.popular(10).orderBy("id"))
        .orderBy("id")
        .get(),
    );
    expect(users.queries).toBe(eagerQueries(2));
    expect(users.result).toEqual([
      { ...ada, posts: [p2] },
      { ...bob, posts: [p3] },
    ]);
    expect(await t.db.user.whereHas("posts", (q) => q.published().popular(100)).pluck("name")).toEqual(["Bob"]);
    const counted = await t.db.user
      .withCount({ posts: (q) => q.published() })
      .orderBy("id")
      .get();
    expect(counted.map((u) => u.postsCount)).toEqual([1, 1]);
    const tagged = await t.db.user
      .with("tags", (q) => q.named("orm"))
      .where("id", ada.id)
      .get();
    expect(tagged[0]!.tags.map((tag) => tag.name)).toEqual(["orm"]);
  });

  it("work on related() handles, which stay handles", async () => {
    const posts = t.db.user.related(ada, "posts");
    expect(await posts.popular(10).get()).toEqual([p2]);
    expect(await posts.published().count()).toBe(1);
    const created = await posts.published().create({ title: "d", views: 1, status: "draft" });
    expect(created.userId).toBe(ada.id);
    await t.db.post.where("id", created.id).delete();
    expect((await t.db.user.related(ada, "tags").named("sql").get()).map((tag) => tag.name)).toEqual(["sql"]);
  });

  it("work on a transaction's db", async () => {
    const titles = await t.db.transaction((tx) => tx.post.popular(100).pluck("title"));
    expect(titles).toEqual(["c"]);
  });

  it("a scope must return the query it was given", async () => {
    const broken = defineSchema({
      post: model({ fields: { id: id(), title: string() }, localScopes: { oops: () => 1 } }),
    });
    const db = createDb({ schema: broken, url: "sqlite::memory:" });
    const error = await caught(() => db.post.oops());
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain('The local scope "oops" of "post" must return the query it was given');
    await db.destroy();
  });
});

describe("local scopes, checked when the schema is used", () => {
  it("a scope named like a query or handle method is a SchemaError from createDb", async () => {
    for (const name of ["where", "create", "attach", "then", "toString"]) {
      const clashing = defineSchema({
        post: model({ fields: { id: id() }, localScopes: { [name]: (q: any) => q } }),
      });
      const error = await caught(() => createDb({ schema: clashing, url: "sqlite::memory:" }));
      expect(error).toBeInstanceOf(SchemaError);
      expect(error.message).toContain(`the local scope "${name}" has the name of a query method`);
    }
  });

  it("a scope that is not a function is a SchemaError from defineSchema", async () => {
    const error = await caught(() =>
      defineSchema({ post: model({ fields: { id: id() }, localScopes: { bad: 1 as never } }) }),
    );
    expect(error).toBeInstanceOf(SchemaError);
    expect(error.message).toContain('local scope "bad" must be a function');
  });
});
