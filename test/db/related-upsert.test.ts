import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { dialect, useTestDb } from "../support/test-db.js";

describe(`firstOrCreate / updateOrCreate through a relation on ${dialect}`, () => {
  const t = useTestDb(blog);

  it("firstOrCreate finds the parent's matching row, or creates it with the relation's key", async () => {
    const [ada, bob] = await t.db.user.createMany([
      { email: "ada@f.dev", name: "Ada" },
      { email: "bob@f.dev", name: "Bob" },
    ]);
    await t.db.post.create({ authorId: bob!.id, title: "hello", body: "Bob's" });
    const posts = t.db.user.related(ada!, "posts");
    const created = await posts.firstOrCreate({ title: "hello" }, { body: "first" });
    expect(created).toMatchObject({ authorId: ada!.id, title: "hello", body: "first" });
    const found = await posts.firstOrCreate({ title: "hello" }, { body: "second" });
    expect(found).toEqual(created);
    // Bob's post of the same title is not Ada's: it is neither found nor changed.
    expect(await t.db.post.where("title", "hello").orderBy("id").pluck("body")).toEqual(["Bob's", "first"]);
  });

  it("updateOrCreate updates the parent's matching row, or creates one with both sets of values", async () => {
    const carol = await t.db.user.create({ email: "carol@f.dev", name: "Carol" });
    const posts = t.db.user.related(carol, "posts");
    const created = await posts.updateOrCreate({ title: "draft" }, { views: 1 });
    expect(created).toMatchObject({ authorId: carol.id, title: "draft", views: 1 });
    const updated = await posts.updateOrCreate({ title: "draft" }, { views: 7, published: true });
    expect(updated).toEqual({ ...created, views: 7, published: true });
    expect(await posts.count()).toBe(1);
    expect((await t.db.post.find(created.id))!.views).toBe(7);
  });

  it("the morph keys are set for morph relations", async () => {
    const dee = await t.db.user.create({ email: "dee@f.dev", name: "Dee" });
    const post = await t.db.post.create({ authorId: dee.id, title: "morph" });
    const comment = await t.db.post.related(post, "comments").firstOrCreate({ body: "hi" });
    expect(comment).toMatchObject({ commentableType: "post", commentableId: post.id, body: "hi" });
  });

  it("through a belongsTo it is a ValidationError before any SQL", async () => {
    const eve = await t.db.user.create({ email: "eve@f.dev", name: "Eve" });
    const post = await t.db.post.create({ authorId: eve.id, title: "x" });
    const { queries, result } = await t.count(() =>
      t.db.post
        .related(post, "author")
        // @ts-expect-error a BelongsToHandle has no firstOrCreate: this checks the error a plain JS caller gets
        .firstOrCreate({ name: "Zed" } as never)
        .then(
          () => undefined,
          (e: unknown) => e,
        ),
    );
    expect(result).toBeInstanceOf(ValidationError);
    expect(queries).toBe(0);
  });
});
