import { beforeEach, describe, expect, it } from "vitest";
import { modelOfRow } from "../../src/plan/model-codec.js";
import { blog } from "../support/blog-schema.js";
import { dialect, useTestDb } from "../support/test-db.js";

/**
 * Every way a row is read or put together gives a row that knows its model (whereBelongsTo
 * infers it) and still looks like a plain object: decoded driver rows, rows built field by
 * field (a per-parent limit, pivot columns, a joined to-one), JSON rows (the join strategy),
 * rows returned by inserts and rows a nested create assembles. A plain model's rows are made
 * with its prototype rather than given it afterwards, so each path is checked on its own.
 */
describe(`rows know their model on every read path on ${dialect}`, () => {
  const t = useTestDb(blog);
  let bob: any;

  beforeEach(async () => {
    await t.truncate();
    bob = await t.db.user.create({
      email: "bob@example.dev",
      name: "Bob",
      profile: { create: { bio: "Bob's" } },
      posts: { create: [{ title: "One" }, { title: "Two" }, { title: "Three" }] },
      roles: { create: [{ name: "admin", pivot: { grantedBy: "root" } }] },
    });
  });

  /** The row's model, its prototype's look, and that a property can be added as to any object. */
  function expectModelRow(row: any, model: string) {
    expect(modelOfRow(row)).toBe(model);
    expect(Object.getPrototypeOf(row).constructor).toBe(Object);
    expect({ ...row }).toEqual(row);
    row.extra = 1;
    expect(row.extra).toBe(1);
    delete row.extra;
  }

  it("rows a nested create returns, assembled or read back", () => {
    expectModelRow(bob, "user");
    expectModelRow(bob.profile, "profile");
    for (const post of bob.posts) expectModelRow(post, "post");
    expectModelRow(bob.roles[0], "role");
    expect(modelOfRow(bob.roles[0].pivot)).toBeUndefined();
  });

  it("connected rows a nested create puts together from the rows it read", async () => {
    const cy = await t.db.user.create({ email: "cy@example.dev", name: "Cy", roles: { connect: [bob.roles[0].id] } });
    expectModelRow(cy, "user");
    expectModelRow(cy.roles[0], "role");
    expect(cy).toEqual(await t.db.user.with("roles").where("id", cy.id).first());
  });

  it("a plain read, a first() with a joined to-one, and eager levels with and without a per-parent limit", async () => {
    for (const user of await t.db.user.get()) expectModelRow(user, "user");
    const first = await t.db.user.with("profile").where("id", bob.id).first();
    expectModelRow(first, "user");
    expectModelRow(first!.profile, "profile");
    const [limited] = await t.db.user
      .with("posts", (q) => q.orderBy("id").limit(2))
      .with("roles")
      .get();
    expect(limited!.posts).toHaveLength(2);
    for (const post of limited!.posts) expectModelRow(post, "post");
    expectModelRow(limited!.roles[0], "role");
    expect(limited!.roles[0]!.pivot.grantedBy).toBe("root");
    const [all] = await t.db.user.with("posts").get();
    for (const post of all!.posts) expectModelRow(post, "post");
  });

  it("the same read inside a transaction, where the driver's rows are copied, with a withCount", async () => {
    // On SQLite a read outside a transaction makes its rows with the model's prototype
    // (ModelCodec.rowMaker); inside one, Kysely's driver makes plain objects that decode copies.
    const read = (db: typeof t.db) => db.user.with("posts").withCount("posts").orderBy("id").get();
    const outside = await read(t.db);
    const inside = await t.db.transaction((tx) => read(tx as typeof t.db));
    for (const users of [outside, inside]) {
      expectModelRow(users[0], "user");
      expect(users[0]!.postsCount).toBe(3);
      for (const post of users[0]!.posts) expectModelRow(post, "post");
    }
    expect(inside).toEqual(outside);
    expect(Object.keys(inside[0]!)).toEqual(Object.keys(outside[0]!));
    expect(Object.keys(inside[0]!.posts[0]!)).toEqual(Object.keys(outside[0]!.posts[0]!));
  });

  it("the join strategy's JSON rows", async () => {
    const [user] = await t.db.user.with("posts").with("profile").strategy("join").get();
    expectModelRow(user, "user");
    expectModelRow(user!.profile, "profile");
    for (const post of user!.posts) expectModelRow(post, "post");
  });

  it("rows found by whereBelongsTo from each of them", async () => {
    const first = await t.db.user.with("profile").where("id", bob.id).first();
    const [limited] = await t.db.user.with("posts", (q) => q.limit(1)).get();
    for (const owner of [bob, first, limited]) {
      const posts = await t.db.post.whereBelongsTo(owner).orderBy("id").get();
      expect(posts.map((p) => p.title)).toEqual(["One", "Two", "Three"]);
    }
  });
});
