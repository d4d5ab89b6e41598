import { beforeEach, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { caught } from "../support/caught.js";
import { dialect, useTestDb } from "../support/test-db.js";

/**
 * The run-time side of the write holes of issue 16 (test/unit/create-holes-types.test.ts types
 * them): what the types now refuse, a plain JavaScript caller gets as a ValidationError naming
 * the model, field or relation, before any statement (not even BEGIN).
 */
describe(`create refuses what its types refuse, before any SQL, on ${dialect}`, () => {
  const t = useTestDb(blog);
  let user: any, post: any;

  beforeEach(async () => {
    await t.truncate();
    user = await t.db.user.create({ email: "ada@example.dev", name: "Ada" });
    post = await t.db.post.create({ title: "Hi", authorId: user.id });
  });

  /** The error `fn` fails with: a ValidationError naming every one of `parts`, and no statement sent. */
  async function refused(fn: () => unknown, ...parts: string[]): Promise<void> {
    const from = t.queries.length;
    const error = await caught(fn);
    expect(t.queries.slice(from).map((q) => q.sql)).toEqual([]);
    expect(error).toBeInstanceOf(ValidationError);
    for (const part of parts) expect((error as Error).message).toContain(part);
  }

  describe("a required owner key neither given nor written through its relation", () => {
    it("at the top, and a morphTo's id without it", async () => {
      await refused(() => t.db.post.create({ title: "x" } as any), "post", "authorId");
      await refused(() => t.db.comment.create({ body: "x", commentableType: "post" } as any), "commentableId");
    });

    it("in a nested create through a relation that does not fill it (tag.posts)", async () => {
      await refused(() => t.db.tag.create({ name: "t", posts: { create: [{ title: "p" }] } } as any), "authorId");
      await refused(
        () =>
          t.db.tag.create({
            name: "t",
            posts: { connectOrCreate: [{ where: { id: post.id + 1000 }, create: { title: "p" } }] },
          } as any),
        "authorId",
      );
    });

    it("in a createMany row, either form", async () => {
      await refused(() => t.db.post.createMany([{ title: "a", authorId: user.id }, { title: "b" }] as any), "authorId");
      await refused(() => t.db.post.createMany({ data: [{ title: "a" }] } as any), "authorId");
    });
  });

  describe("unknown keys inside nested creates", () => {
    it("in a pivot create's values, next to a known one", async () => {
      await refused(
        () =>
          t.db.user.create({
            email: "b@example.dev",
            name: "B",
            roles: { create: [{ name: "r", pivot: { grantedBy: "x", nope: 1 } }] },
          } as any),
        "nope",
      );
    });

    it("in a connectOrCreate's create, and in createMany's Prisma rows", async () => {
      await refused(
        () =>
          t.db.user.create({
            email: "b@example.dev",
            name: "B",
            posts: { connectOrCreate: [{ where: { id: post.id + 1000 }, create: { title: "x", titel: "y" } }] },
          } as any),
        "titel",
        "post",
      );
      await refused(
        () => t.db.post.createMany({ data: [{ title: "a", authorId: user.id, titel: "b" }] } as any),
        "titel",
      );
    });
  });

  describe("a morphTo connect with a row that is not one of its targets'", () => {
    it("a row of another model read through relata", async () => {
      await refused(
        () => t.db.comment.create({ body: "x", commentable: { connect: user } } as any),
        "comment.commentable",
        "post, video",
      );
    });

    // The types take a target's whole row; a row read without its key is refused before any SQL.
    it("a target's row read without its key", async () => {
      const [untitled] = await t.db.post.select("title").get();
      await refused(
        () => t.db.comment.create({ body: "x", commentable: { connect: untitled } } as any),
        "comment.commentable",
        '"id"',
      );
    });
  });
});
