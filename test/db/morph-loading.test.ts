import { beforeAll, describe, expect, it } from "vitest";
import { RelationNotFoundError, ValidationError } from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { dialect, useTestDb } from "../support/test-db.js";

/**
 * morphTo eager loading per target model: `morphWith` (relations below each target model) and
 * `constrain` (a constraint per target model) inside a morphTo's `with` callback, under BOTH
 * loading strategies on every database (each query picks its strategy, so this file covers both
 * whatever the run's default); and a path through a morphTo naming a relation some targets lack
 * (a RelationNotFoundError before any SQL).
 */

const STRATEGIES = ["query", "join"] as const;

/** The error `fn` throws (sync or async) and how many statements it sent. */
async function failure(
  t: { count: <T>(fn: () => Promise<T>) => Promise<{ queries: number; result: T }> },
  fn: () => unknown,
) {
  const { queries, result } = await t.count(async () => {
    try {
      await fn();
    } catch (error) {
      return error as any;
    }
    throw new Error("expected an error, got none");
  });
  return { queries, error: result };
}

describe(`morphTo eager loading per target model on ${dialect}`, () => {
  const t = useTestDb(blog);
  let ada: any, bob: any;
  let p1: any, p2: any, v1: any, v2: any;
  let c1: any, c2: any, c3: any, c4: any, c5: any;

  beforeAll(async () => {
    const db = t.db;
    ada = await db.user.create({ email: "ada@example.dev", name: "Ada" });
    bob = await db.user.create({ email: "bob@example.dev", name: "Bob" });
    p1 = await db.post.create({ authorId: ada.id, title: "P1", published: true, views: 10 });
    p2 = await db.post.create({ authorId: bob.id, title: "P2", published: false, views: 20 });
    v1 = await db.video.create({ title: "V1" });
    v2 = await db.video.create({ title: "V2" });
    const comment = (body: string, commentableType: string, commentableId: number) =>
      db.comment.create({ body, commentableType, commentableId });
    c1 = await comment("c1", "post", p1.id);
    c2 = await comment("c2", "video", v1.id);
    c3 = await comment("c3", "post", p2.id);
    c4 = await comment("c4", "video", v2.id);
    c5 = await comment("c5", "post", p1.id);
    const golang = await db.tag.create({ name: "golang" });
    const news = await db.tag.create({ name: "news" });
    await db.kysely
      .insertInto("taggables")
      .values([
        { tag_id: golang.id, taggable_id: p1.id, taggable_type: "post" },
        { tag_id: golang.id, taggable_id: v1.id, taggable_type: "video" },
        { tag_id: news.id, taggable_id: v2.id, taggable_type: "video" },
      ])
      .execute();
  });

  for (const strategy of STRATEGIES) {
    /** Statements a load costs under this strategy: one per level and type, or one in all. */
    const cost = (perLevel: number) => (strategy === "join" ? 1 : perLevel);
    const comments = () => t.db.comment.strategy(strategy).orderBy("id");

    describe(`the "${strategy}" strategy`, () => {
      it("morphWith loads relations below each target model, none below the others", async () => {
        const { queries, result } = await t.count(() =>
          comments()
            .with("commentable", (q) => q.morphWith({ post: ["author"], video: [] }))
            .get(),
        );
        expect(queries).toBe(cost(4)); // comments, posts, videos, the posts' authors
        expect(result).toEqual([
          { ...c1, commentable: { ...p1, author: ada } },
          { ...c2, commentable: v1 },
          { ...c3, commentable: { ...p2, author: bob } },
          { ...c4, commentable: v2 },
          { ...c5, commentable: { ...p1, author: ada } },
        ]);
        expect("author" in (result[1]!.commentable as object)).toBe(false);
      });

      it("morphWith: several paths per model, nested paths, objects with constraints", async () => {
        const { queries, result } = await t.count(() =>
          comments()
            .with("commentable", (q) =>
              q.morphWith({
                post: ["author.posts", { tags: (tq) => tq.select("name") }],
                video: ["tags", "comments"],
              }),
            )
            .get(),
        );
        // comments, posts, videos, authors, authors' posts, posts' tags, videos' tags, videos' comments
        expect(queries).toBe(cost(8));
        const c = result as any[];
        expect(c[0].commentable.author).toEqual({ ...ada, posts: [p1] });
        expect(c[0].commentable.tags.map((tag: any) => tag.name)).toEqual(["golang"]);
        expect("id" in c[0].commentable.tags[0]).toBe(false); // the constraint's select
        expect(c[2].commentable.author).toEqual({ ...bob, posts: [p2] });
        expect(c[2].commentable.tags).toEqual([]);
        expect(c[1].commentable.tags.map((tag: any) => tag.name)).toEqual(["golang"]);
        expect(c[1].commentable.comments).toEqual([c2]);
        expect(c[3].commentable.tags.map((tag: any) => tag.name)).toEqual(["news"]);
        expect(c[3].commentable.comments).toEqual([c4]);
        expect("comments" in c[0].commentable).toBe(false);
      });

      it("constrain: a constraint per target model; a parent failing it loads as null", async () => {
        const { queries, result } = await t.count(() =>
          comments()
            .with("commentable", (q) =>
              q.constrain({ post: (p) => p.where("published", true), video: (v) => v.where("title", "V2") }),
            )
            .get(),
        );
        expect(queries).toBe(cost(3));
        expect(result).toEqual([
          { ...c1, commentable: p1 },
          { ...c2, commentable: null },
          { ...c3, commentable: null },
          { ...c4, commentable: v2 },
          { ...c5, commentable: p1 },
        ]);
        // A model left out loads unconstrained.
        const videosOnly = await comments()
          .with("commentable", (q) => q.constrain({ video: (v) => v.where("title", "V1") }))
          .get();
        expect(videosOnly.map((c) => c.commentable)).toEqual([p1, v1, p2, null, p1]);
      });

      it("constrain with a select narrows that model's rows only", async () => {
        const result = await comments()
          .with("commentable", (q) => q.constrain({ video: (v) => v.select("title") }))
          .get();
        expect(result.map((c) => c.commentable)).toEqual([p1, { title: "V1" }, p2, { title: "V2" }, p1]);
      });

      it("morphWith and constrain together, in either order: the constraint's builder holds the relations", async () => {
        const expected = [
          { id: p1.id, title: "P1", author: { name: "Ada" } },
          v1,
          null,
          v2,
          { id: p1.id, title: "P1", author: { name: "Ada" } },
        ];
        for (const build of [
          (q: any) =>
            q
              .morphWith({ post: [{ author: (a: any) => a.select("name") }] })
              .constrain({ post: (p: any) => p.select("id", "title").where("published", true) }),
          (q: any) =>
            q
              .constrain({ post: (p: any) => p.select("id", "title").where("published", true) })
              .morphWith({ post: [{ author: (a: any) => a.select("name") }] }),
        ]) {
          const { queries, result } = await t.count(() => comments().with("commentable", build).get());
          expect(queries).toBe(cost(4));
          expect(result.map((c: any) => c.commentable)).toEqual(expected);
        }
      });

      it("calls add up: two morphWith, two constrain on one model", async () => {
        const result = await comments()
          .with("commentable", (q) =>
            q
              .morphWith({ post: ["author"] })
              .morphWith({ post: ["tags"], video: ["tags"] })
              .constrain({ post: (p) => p.where("views", ">", 5) })
              .constrain({ post: (p) => p.where("published", true) }),
          )
          .get();
        const c = result as any[];
        expect(c[0].commentable.author).toEqual(ada);
        expect(c[0].commentable.tags.map((tag: any) => tag.name)).toEqual(["golang"]);
        expect(c[2].commentable).toBeNull(); // P2 is not published
        expect(c[1].commentable.tags.map((tag: any) => tag.name)).toEqual(["golang"]);
      });

      it("a plain path below the morphTo (every target) merges with morphWith, whichever comes first", async () => {
        for (const query of [
          comments()
            .with("commentable.tags")
            .with("commentable", (q) => q.morphWith({ post: ["author"] })),
          comments()
            .with("commentable", (q) => q.morphWith({ post: ["author"] }))
            .with("commentable.tags"),
          comments()
            .with({ commentable: { tags: true } })
            .with({ commentable: (q: any) => q.morphWith({ post: ["author"] }) }),
        ]) {
          const { queries, result } = await t.count(() => query.get());
          expect(queries).toBe(cost(6)); // comments, posts, videos, posts' tags, posts' authors, videos' tags
          const c = result as any[];
          expect(c[0].commentable.author).toEqual(ada);
          expect(c[0].commentable.tags.map((tag: any) => tag.name)).toEqual(["golang"]);
          expect(c[1].commentable.tags.map((tag: any) => tag.name)).toEqual(["golang"]);
          expect("author" in c[1].commentable).toBe(false);
          expect(c[2].commentable.tags).toEqual([]);
        }
      });

      it("aggregates inside a per-model constraint", async () => {
        const { queries, result } = await t.count(() =>
          comments()
            .with("commentable", (q) => q.constrain({ post: (p) => p.withCount("comments") }))
            .get(),
        );
        expect(queries).toBe(cost(3));
        expect(result.map((c: any) => c.commentable)).toEqual([
          { ...p1, commentsCount: 2 },
          v1,
          { ...p2, commentsCount: 1 },
          v2,
          { ...p1, commentsCount: 2 },
        ]);
      });

      it("a morphTo further down a path, and first()", async () => {
        const { queries, result } = await t.count(() =>
          t.db.post
            .strategy(strategy)
            .orderBy("id")
            .with("comments.commentable", (q) => q.morphWith({ post: ["author"] }))
            .get(),
        );
        expect(queries).toBe(cost(4)); // posts, comments, their commentable posts, authors
        const withAuthor = { ...p1, author: ada };
        expect(result).toEqual([
          {
            ...p1,
            comments: [
              { ...c1, commentable: withAuthor },
              { ...c5, commentable: withAuthor },
            ],
          },
          { ...p2, comments: [{ ...c3, commentable: { ...p2, author: bob } }] },
        ]);
        const first = await comments()
          .with("commentable", (q) => q.morphWith({ post: ["author"] }))
          .first();
        expect(first).toEqual({ ...c1, commentable: { ...p1, author: ada } });
      });

      it("the same rows as the other strategy", async () => {
        const build = (s: "query" | "join") =>
          t.db.comment
            .strategy(s)
            .orderBy("id")
            .with("commentable", (q) =>
              q
                .morphWith({ post: ["author", "comments"], video: ["tags"] })
                .constrain({ post: (p) => p.orderBy("id"), video: (v) => v.select("id", "title") }),
            )
            .get();
        expect(await build(strategy)).toEqual(await build(strategy === "join" ? "query" : "join"));
      });
    });
  }

  describe("loading onto fetched rows", () => {
    it("loadMissing after a per-model load loads what is missing below every target", async () => {
      const rows = await t.db.comment
        .orderBy("id")
        .with("commentable", (q) => q.morphWith({ post: ["author"] }))
        .get();
      const { queries } = await t.count(() => t.db.comment.loadMissing(rows, "commentable.tags"));
      expect(queries).toBe(2); // posts' tags, videos' tags: the parents are already loaded
      expect((rows as any[])[0].commentable.author).toEqual(ada);
      expect((rows as any[])[0].commentable.tags.map((tag: any) => tag.name)).toEqual(["golang"]);
      expect((rows as any[])[3].commentable.tags.map((tag: any) => tag.name)).toEqual(["news"]);
    });
  });

  describe("a path through a morphTo names a relation of every target model", () => {
    it("a relation some targets lack: RelationNotFoundError naming them, before any SQL", async () => {
      for (const run of [
        () => (t.db.comment as any).with("commentable.author").get(),
        () => (t.db.comment as any).with({ commentable: { author: true } }).get(),
        () => (t.db.comment as any).with("commentable.author.profile").get(),
        () => (t.db.comment as any).strategy("join").with("commentable.author").get(),
        () => (t.db.post as any).with("comments.commentable.author").get(),
        () => t.db.comment.load([c1] as any[], "commentable.author" as never),
      ]) {
        const { queries, error } = await failure(t, run);
        expect(queries).toBe(0);
        expect(error).toBeInstanceOf(RelationNotFoundError);
        expect(error.model).toBe("video");
        expect(error.relation).toBe("author");
        expect([...error.validRelations].sort()).toEqual(["comments", "tags"]);
        expect(error.message).toContain('"video"');
        expect(error.message).toContain("morphWith");
      }
    });

    it("a relation no target has names them all", async () => {
      const { queries, error } = await failure(t, () => (t.db.comment as any).with("commentable.nope").get());
      expect(queries).toBe(0);
      expect(error).toBeInstanceOf(RelationNotFoundError);
      expect(error.model).toBe("post | video");
      expect(error.message).toContain('"post"');
      expect(error.message).toContain('"video"');
    });
  });

  describe("invalid morphTo constraints: a ValidationError before any SQL", () => {
    it("a builder method on the morphTo constraint points at constrain", async () => {
      for (const run of [
        () => (t.db.comment as any).with("commentable", (q: any) => q.where("title", "P1")).get(),
        () => (t.db.comment as any).with({ commentable: (q: any) => q.orderBy("id") }).get(),
      ]) {
        const { queries, error } = await failure(t, run);
        expect(queries).toBe(0);
        expect(error).toBeInstanceOf(ValidationError);
        expect(error.message).toContain("commentable");
        expect(error.message).toContain("constrain");
      }
    });

    it("bad specs, callbacks and return values", async () => {
      const cases: [() => unknown, string][] = [
        [() => (t.db.comment as any).with("commentable", () => undefined), "must return the morphTo constraint"],
        [() => (t.db.comment as any).with("commentable", () => t.db.post), "must return the morphTo constraint"],
        [() => (t.db.comment as any).with("commentable", (q: any) => q.morphWith({ podcast: [] })), "podcast"],
        [() => (t.db.comment as any).with("commentable", (q: any) => q.morphWith("post")), "keyed by target model"],
        [() => (t.db.comment as any).with("commentable", (q: any) => q.morphWith({ post: [5] })), "relation paths"],
        [() => (t.db.comment as any).with("commentable", (q: any) => q.morphWith({}, {})), "one object"],
        [() => (t.db.comment as any).with("commentable", (q: any) => q.constrain({ post: 5 })), "callback"],
        [
          () => (t.db.comment as any).with("commentable", (q: any) => q.constrain({ post: () => 1 })),
          "must return the builder",
        ],
        [() => (t.db.comment as any).with("commentable", (q: any) => q.constrain({ user: (u: any) => u })), "user"],
        [
          () => (t.db.comment as any).with("commentable", (q: any) => q.constrain([(p: any) => p])),
          "keyed by target model",
        ],
        // Videos have no published field.
        [
          () =>
            (t.db.comment as any).with("commentable", (q: any) =>
              q.constrain({ video: (v: any) => v.where("published", true) }),
            ),
          "published",
        ],
      ];
      for (const [run, text] of cases) {
        const { queries, error } = await failure(t, async () => (run() as any).get());
        expect(queries).toBe(0);
        expect(error).toBeInstanceOf(ValidationError);
        expect(error.message).toContain(text);
      }
      const unknown = await failure(t, () =>
        (t.db.comment as any).with("commentable", (q: any) => q.morphWith({ post: ["nope"] })).get(),
      );
      expect(unknown.queries).toBe(0);
      expect(unknown.error).toBeInstanceOf(RelationNotFoundError);
      expect(unknown.error.model).toBe("post");
    });
  });
});
