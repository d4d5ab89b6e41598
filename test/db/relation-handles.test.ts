import { beforeEach, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { caught } from "../support/caught.js";
import { dialect, useTestDb } from "../support/test-db.js";

/**
 * The handles composed around the one builder: `db.<model>` and `related(row, relation)` offer
 * every builder method by running it on the builder they hold. A relation handle's chained
 * methods return a handle with the same scope, the same way of reading (many-to-many rows carry
 * their pivot) and the same writes, on every database.
 */
describe(`handles composed around the builder on ${dialect}`, () => {
  const t = useTestDb(blog);
  let ada: any;
  let bob: any;
  /** The posts' ids: Ada's draft, Ada's news, Bob's news. */
  let ids: number[];
  /** The roles' ids: admin, editor, viewer. */
  let roleIds: number[];

  beforeEach(async () => {
    await t.truncate();
    [ada, bob] = await t.db.user.createMany([
      { email: "ada@example.dev", name: "Ada" },
      { email: "bob@example.dev", name: "Bob" },
    ]);
    const posts = await t.db.post.createMany([
      { authorId: ada.id, title: "Ada's draft" },
      { authorId: ada.id, title: "Ada's news", published: true },
      { authorId: bob.id, title: "Bob's news", published: true },
    ]);
    ids = posts.map((p) => p.id);
    const roles = await t.db.role.createMany([{ name: "admin" }, { name: "editor" }, { name: "viewer" }]);
    roleIds = roles.map((r) => r.id);
  });

  it("a chained hasMany handle keeps the parent's scope and creates with the parent's key", async () => {
    const published = t.db.user.related(ada, "posts").where("published", true).orderBy("id");
    expect((await published.get()).map((p) => p.title)).toEqual(["Ada's news"]);
    const created = await published.create({ title: "Ada's third", published: true });
    expect(created.authorId).toBe(ada.id);
    expect(await published.pluck("title")).toEqual(["Ada's news", "Ada's third"]);
    expect(await t.db.user.related(bob, "posts").count()).toBe(1);
    // A scoped update or delete touches this parent's matching rows only.
    expect(await published.update({ views: 7 })).toBe(2);
    expect(await t.db.post.where("views", 7).orderBy("id").pluck("id")).toEqual([ids[1], created.id]);
    expect(await t.db.user.related(ada, "posts").where("published", false).delete()).toBe(1);
    expect(await t.db.post.orderBy("id").pluck("id")).toEqual([ids[1], ids[2], created.id]);
  });

  it("a chained many-to-many handle reads rows with their pivot and keeps the attach family", async () => {
    const roles = t.db.user.related(ada, "roles").orderBy("id");
    const [admin, editor, viewer] = roleIds;
    expect(await roles.attach([admin, viewer], { grantedBy: "root" })).toEqual([admin, viewer]);
    const rows = await roles.where("name", "!=", "admin").get();
    expect(rows.map((r) => [r.name, r.pivot.grantedBy])).toEqual([["viewer", "root"]]);
    const synced = await roles.where("name", "viewer").sync([editor]);
    expect({ ...synced, detached: [...synced.detached].sort() }).toEqual({
      attached: [editor],
      detached: [admin, viewer].sort(),
      updated: [],
    });
    const streamed: string[] = [];
    for await (const role of roles.with("users")) streamed.push(`${role.name}:${role.users.length}`);
    expect(streamed).toEqual(["editor:1"]);
  });

  it("a chained handle's firstOrCreate runs on the transaction with the same scope", async () => {
    const posts = t.db.user.related(bob, "posts").where("published", true);
    const found = await posts.firstOrCreate({ title: "Bob's news" });
    expect(found.id).toBe(ids[2]);
    const made = await posts.firstOrCreate({ title: "Ada's news" }, { published: true });
    expect([made.id === ids[1], made.authorId]).toEqual([false, bob.id]);
  });

  it("a chained handle of one kind still refuses another kind's writes for plain JS callers, before any SQL", async () => {
    const chained: any = t.db.user.related(ada, "posts").where("published", true);
    const { queries, result } = await t.count(() => caught(() => chained.attach([roleIds[0]])));
    expect(queries).toBe(0);
    expect(result).toBeInstanceOf(ValidationError);
    expect((result as Error).message).toContain("user.posts");
  });

  it("db.<model> and every relation handle offer every builder method; the model's return plain builders", () => {
    const builder = t.db.post.query();
    const methods = Reflect.ownKeys(Object.getPrototypeOf(builder)).filter((key) => key !== "constructor");
    expect(methods.length).toBeGreaterThan(50);
    for (const handle of [t.db.post, t.db.user.related(ada, "posts"), t.db.user.related(ada, "roles")]) {
      const missing = methods.filter((key) => typeof (handle as any)[key] !== "function");
      expect(missing).toEqual([]);
    }
    const chained = t.db.post.where("published", true);
    expect(Object.getPrototypeOf(chained)).toBe(Object.getPrototypeOf(builder));
    expect((chained as any).create).toBeUndefined();
  });

  it("a callback may hand back db.<model> itself as its (unconstrained) builder", async () => {
    const rows = await t.db.user
      .with("posts", () => t.db.post as never)
      .orderBy("id")
      .get();
    expect(rows.map((u) => u.posts.length)).toEqual([2, 1]);
  });
});
