import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createDb,
  defineSchema,
  id,
  integer,
  MorphMapError,
  model,
  morphedByMany,
  morphMany,
  morphOne,
  morphTo,
  morphToMany,
  RelataError,
  SchemaError,
  string,
  ValidationError,
} from "../../src/index.js";
import { caught } from "../support/caught.js";
import { dialect, useTestDb } from "../support/test-db.js";

/**
 * Morph maps: the values stored in morph type columns (`defineSchema`'s `morphMap`), their
 * enforcement (`enforceMorphMap`: a SchemaError at definition time, a MorphMapError for a stored
 * type the map does not know), and the run-time map on the db handle (`db.morphMap`), which
 * belongs to the schema and holds for every later read and write.
 */

const models = {
  post: model({
    fields: { id: id(), title: string() },
    relations: {
      comments: morphMany("comment", { morphName: "commentable" }),
      cover: morphOne("image", { morphName: "imageable" }),
      tags: morphToMany("tag", { morphName: "taggable" }),
    },
  }),
  video: model({
    fields: { id: id(), title: string() },
    relations: {
      comments: morphMany("comment", { morphName: "commentable" }),
      tags: morphToMany("tag", { morphName: "taggable" }),
    },
  }),
  comment: model({
    fields: { id: id(), body: string(), commentableType: string(), commentableId: integer() },
    relations: { commentable: morphTo() },
  }),
  image: model({
    fields: { id: id(), url: string(), imageableType: string(), imageableId: integer() },
    relations: { imageable: morphTo() },
  }),
  tag: model({
    fields: { id: id(), name: string() },
    relations: {
      posts: morphedByMany("post", { morphName: "taggable" }),
      videos: morphedByMany("video", { morphName: "taggable" }),
    },
  }),
  // Takes part in no polymorphic relation: enforcing the map never asks for it.
  author: model({ fields: { id: id(), name: string() } }),
};

const MAP = { post: "Post", video: "Video" };
const STRATEGIES = ["query", "join"] as const;

const plain = (rows: any): any => JSON.parse(JSON.stringify(rows));

describe(`morph maps on ${dialect}`, () => {
  const schema = defineSchema(models, { morphMap: { post: "Post", video: "Video" } });
  const t = useTestDb(schema);
  /** The stored values of one column, by id. */
  const stored = async (table: string, column: string): Promise<unknown[]> =>
    (await t.db.kysely.selectFrom(table).select(column).orderBy("id").execute()).map((r: any) => r[column]);
  const taggableTypes = async (): Promise<unknown[]> =>
    (
      await t.db.kysely
        .selectFrom("taggables")
        .select("taggableType")
        .orderBy("tagId")
        .orderBy("taggableId")
        .orderBy("taggableType")
        .execute()
    ).map((r: any) => r.taggableType);
  let p1: any, p2: any, v1: any, red: any, blue: any;

  beforeEach(async () => {
    t.db.morphMap(MAP, { merge: false });
    await t.truncate();
    p1 = await t.db.post.create({ title: "P1" });
    p2 = await t.db.post.create({ title: "P2" });
    // The video has the id of a post: a read that ignored the type column would mix them up.
    v1 = await t.db.video.create({ id: p1.id, title: "V1" });
    red = await t.db.tag.create({ name: "red" });
    blue = await t.db.tag.create({ name: "blue" });
  });
  afterEach(() => {
    t.db.morphMap(MAP, { merge: false });
  });

  describe("writes store the mapped value", () => {
    it("morphMany / morphOne creates, nested creates and morphTo connects", async () => {
      await t.db.post.related(p1, "comments").create({ body: "related create" });
      await t.db.video.related(v1, "comments").createMany([{ body: "on the video" }]);
      await t.db.post.create({ title: "P3", comments: { create: [{ body: "nested" }] } } as any);
      await t.db.comment.create({ body: "connected", commentable: { connect: v1 } } as any);
      await t.db.post.related(p2, "cover").create({ url: "p2.png" });
      expect(await stored("comment", "commentableType")).toEqual(["Post", "Video", "Post", "Video"]);
      expect(await stored("image", "imageableType")).toEqual(["Post"]);
    });

    it("morphTo associate, and a morphOne's default row", async () => {
      const comment = await t.db.comment.create({ body: "loose", commentableType: "Post", commentableId: p2.id });
      await t.db.comment.related(comment, "commentable").associate(v1);
      expect(await stored("comment", "commentableType")).toEqual(["Video"]);
      const made = t.db.post.related(p1, "comments").make({ body: "unsaved" });
      expect(made).toMatchObject({ commentableType: "Post", commentableId: p1.id });
    });

    it("morphToMany / morphedByMany attach, sync and nested connects", async () => {
      await t.db.post.related(p1, "tags").attach([red.id]);
      await t.db.video.related(v1, "tags").sync([red.id, blue.id]);
      await t.db.tag.related(blue, "posts").attach(p2.id);
      // By tag, then id (post 1 and video 1 share it), then type.
      expect(await taggableTypes()).toEqual(["Post", "Video", "Video", "Post"]);
      // Detaching through the post leaves the video's pivot row with the same ids.
      await t.db.post.related(p1, "tags").detach(red.id);
      expect(await taggableTypes()).toEqual(["Video", "Video", "Post"]);
      const green = await t.db.tag.create({ name: "green", videos: { connect: [v1] } } as any);
      await t.db.post.create({ title: "P3", tags: { connect: [green] } } as any);
      expect(await taggableTypes()).toEqual(["Video", "Video", "Post", "Video", "Post"]);
    });
  });

  describe("reads resolve the mapped value", () => {
    beforeEach(async () => {
      await t.db.post.related(p1, "comments").create({ body: "c1" });
      await t.db.video.related(v1, "comments").create({ body: "c2" });
      await t.db.post.related(p2, "comments").create({ body: "c3" });
      await t.db.post.related(p1, "cover").create({ url: "p1.png" });
      await t.db.post.related(p1, "tags").attach([red.id, blue.id]);
      await t.db.video.related(v1, "tags").attach([blue.id]);
    });

    for (const strategy of STRATEGIES) {
      it(`eager loads every kind (${strategy} strategy)`, async () => {
        const comments = await t.db.comment.with("commentable").strategy(strategy).orderBy("id").get();
        expect(comments.map((c: any) => [c.body, c.commentableType, c.commentable.title])).toEqual([
          ["c1", "Post", "P1"],
          ["c2", "Video", "V1"],
          ["c3", "Post", "P2"],
        ]);
        const posts = await t.db.post.with("comments", "cover", "tags").strategy(strategy).orderBy("id").get();
        expect(
          posts.map((p: any) => [
            p.title,
            p.comments.map((c: any) => c.body),
            p.cover?.url ?? null,
            p.tags.map((tag: any) => tag.name).sort(),
          ]),
        ).toEqual([
          ["P1", ["c1"], "p1.png", ["blue", "red"]],
          ["P2", ["c3"], null, []],
        ]);
        const videos = await t.db.video.with("comments", "tags").strategy(strategy).get();
        expect(
          plain(videos).map((v: any) => [v.comments.map((c: any) => c.body), v.tags.map((x: any) => x.name)]),
        ).toEqual([[["c2"], ["blue"]]]);
        const tags = await t.db.tag.with("posts", "videos").strategy(strategy).orderBy("id").get();
        expect(
          tags.map((tag: any) => [tag.name, tag.posts.map((p: any) => p.title).sort(), tag.videos.length]),
        ).toEqual([
          ["red", ["P1"], 0],
          ["blue", ["P1"], 1],
        ]);
        const images = await t.db.image.with("imageable").strategy(strategy).get();
        expect(images.map((i: any) => i.imageable.title)).toEqual(["P1"]);
      });
    }

    it("related(), load and loadMissing", async () => {
      const [c1, c2] = await t.db.comment.orderBy("id").get();
      expect(await t.db.comment.related(c1!, "commentable").first()).toEqual(p1);
      expect(await t.db.comment.related(c2!, "commentable").first()).toEqual(v1);
      expect((await t.db.post.related(p1, "comments").get()).map((c) => c.body)).toEqual(["c1"]);
      expect((await t.db.video.related(v1, "tags").get()).map((x) => x.name)).toEqual(["blue"]);
      expect((await t.db.tag.related(blue, "posts").get()).map((p) => p.title)).toEqual(["P1"]);
      const loaded = await t.db.comment.load([c1!, c2!], "commentable");
      expect(loaded.map((c: any) => c.commentable.title)).toEqual(["P1", "V1"]);
      const again = await t.db.comment.loadMissing(await t.db.comment.orderBy("id").get(), "commentable");
      expect(again.map((c: any) => c.commentable.title)).toEqual(["P1", "V1", "P2"]);
    });

    it("whereMorphedTo, hasMorph / whereHasMorph, has and withCount bind the mapped values", async () => {
      const bodies = async (q: any) => (await q.orderBy("id").get()).map((c: any) => c.body);
      expect(await bodies(t.db.comment.whereMorphedTo("commentable", p1))).toEqual(["c1"]);
      expect(t.queries.at(-1)!.params).toContain("Post");
      expect(await bodies(t.db.comment.whereMorphedTo("commentable", [p1, v1]))).toEqual(["c1", "c2"]);
      expect(await bodies(t.db.comment.whereMorphedTo("commentable", "video"))).toEqual(["c2"]);
      expect(t.queries.at(-1)!.params).toContain("Video");
      expect(await bodies(t.db.comment.whereMorphedTo("commentable", "Video" as any))).toEqual(["c2"]);
      expect(await bodies(t.db.comment.whereHasMorph("commentable", ["post"], (q) => q.where("title", "P2")))).toEqual([
        "c3",
      ]);
      expect(t.queries.at(-1)!.params).toContain("Post");
      expect(await bodies(t.db.comment.hasMorph("commentable", ["video"]))).toEqual(["c2"]);
      expect(t.queries.at(-1)!.params).toContain("Video");
      expect((await t.db.post.has("cover").get()).map((p) => p.title)).toEqual(["P1"]);
      const counted = await t.db.post.withCount("comments", "tags").orderBy("id").get();
      expect(counted.map((p: any) => [p.commentsCount, p.tagsCount])).toEqual([
        [1, 2],
        [1, 0],
      ]);
    });

    it("a stored model name is no target when the model is mapped (RelataError, not MorphMapError)", async () => {
      await t.db.comment.create({ body: "raw", commentableType: "post", commentableId: p1.id });
      for (const strategy of STRATEGIES) {
        const error = await caught(() => t.db.comment.with("commentable").strategy(strategy).get());
        expect(error).toBeInstanceOf(RelataError);
        expect(error).not.toBeInstanceOf(MorphMapError);
        expect(error.message).toContain('a row has morph type "post", which is not one of its targets (Post, Video)');
      }
    });
  });

  describe("db.morphMap at run time", () => {
    it("returns the map as a fresh plain object", () => {
      const map = t.db.morphMap();
      expect(map).toEqual({ post: "Post", video: "Video" });
      (map as any).post = "Changed";
      expect(t.db.morphMap()).toEqual({ post: "Post", video: "Video" });
      expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
    });

    it("merges entries: later writes store the new value, reads resolve it", async () => {
      await t.db.post.related(p1, "comments").create({ body: "before" });
      expect(t.db.morphMap({ post: "Article" })).toEqual({ post: "Article", video: "Video" });
      expect(t.db.morphMap()).toEqual({ post: "Article", video: "Video" });
      await t.db.post.related(p1, "comments").create({ body: "after" });
      await t.db.post.related(p1, "tags").attach(red.id);
      await t.db.video.related(v1, "comments").create({ body: "video" });
      expect(await stored("comment", "commentableType")).toEqual(["Post", "Article", "Video"]);
      expect(await taggableTypes()).toEqual(["Article"]);
      // Reads match the new value only: the row written before holds the old one.
      expect((await t.db.post.related(p1, "comments").get()).map((c) => c.body)).toEqual(["after"]);
      expect((await t.db.comment.whereMorphedTo("commentable", p1).get()).map((c) => c.body)).toEqual(["after"]);
      const old = await caught(() => t.db.comment.with("commentable").get());
      expect(old.message).toContain('"Post", which is not one of its targets (Article, Video)');
      await t.db.comment.where("body", "before").delete();
      for (const strategy of STRATEGIES) {
        const comments = await t.db.comment.with("commentable").strategy(strategy).orderBy("id").get();
        expect(comments.map((c: any) => c.commentable.title)).toEqual(["P1", "V1"]);
        const posts = await t.db.post.with("comments", "tags").strategy(strategy).where("id", p1.id).get();
        expect(posts.map((p: any) => [p.comments.length, p.tags.length])).toEqual([[1, 1]]);
      }
    });

    it("replaces the map with merge: false (an unmapped model stores its name)", async () => {
      expect(t.db.morphMap({ video: "Clip" }, { merge: false })).toEqual({ video: "Clip" });
      await t.db.post.related(p1, "comments").create({ body: "post" });
      await t.db.video.related(v1, "comments").create({ body: "video" });
      expect(await stored("comment", "commentableType")).toEqual(["post", "Clip"]);
      const comments = await t.db.comment.with("commentable").orderBy("id").get();
      expect(comments.map((c: any) => c.commentable.title)).toEqual(["P1", "V1"]);
      expect(t.db.morphMap({}, { merge: false })).toEqual({});
      await t.db.video.related(v1, "comments").create({ body: "video again" });
      expect(await stored("comment", "commentableType")).toEqual(["post", "Clip", "video"]);
    });

    it("the SQL cache does not serve a statement with the old value", async () => {
      const bodies = async () => (await t.db.post.related(p1, "comments").orderBy("id").get()).map((c) => c.body);
      await t.db.post.related(p1, "comments").create({ body: "old" });
      expect(await bodies()).toEqual(["old"]);
      expect(await bodies()).toEqual(["old"]);
      t.db.morphMap({ post: "Renamed" });
      await t.db.post.related(p1, "comments").create({ body: "new" });
      expect(await bodies()).toEqual(["new"]);
      expect(t.queries.at(-1)!.params).toContain("Renamed");
      expect(t.queries.at(-1)!.params).not.toContain("Post");
    });

    it("rejects entries naming no model, or two models storing one value, before changing anything", () => {
      const before = t.db.morphMap();
      const ghost = (() => {
        try {
          t.db.morphMap({ ghost: "Ghost", post: "Other" } as any);
        } catch (error) {
          return error as ValidationError;
        }
      })();
      expect(ghost).toBeInstanceOf(ValidationError);
      expect(ghost!.message).toContain('"ghost" is not a model');
      expect(() => t.db.morphMap({ post: "Video" })).toThrow(/"post" and "video" share the morph type "Video"/);
      // Replacing: the unmapped video stores "video", which the post may not take.
      expect(() => t.db.morphMap({ post: "video" }, { merge: false })).toThrow(ValidationError);
      expect(() => t.db.morphMap({ post: "" })).toThrow(ValidationError);
      expect(() => t.db.morphMap({ post: 1 } as any)).toThrow(ValidationError);
      expect(() => t.db.morphMap(["post"] as any)).toThrow(ValidationError);
      expect(() => t.db.morphMap(MAP, { merge: "no" } as any)).toThrow(ValidationError);
      expect(() => t.db.morphMap(MAP, { replace: true } as any)).toThrow(ValidationError);
      expect(t.db.morphMap()).toEqual(before);
      // Swapping two values in one call is fine: the check is on the map as it would be.
      expect(t.db.morphMap({ post: "Video", video: "Post" })).toEqual({ post: "Video", video: "Post" });
    });

    it("belongs to the schema: transactions and other db handles of the schema see it", async () => {
      const other = createDb({ schema, url: t.url });
      try {
        await t.db.transaction(async (tx) => {
          expect(tx.morphMap()).toEqual(MAP);
          tx.morphMap({ video: "Movie" });
          await tx.video.related(v1, "comments").create({ body: "in tx" });
        });
        expect(t.db.morphMap()).toEqual({ post: "Post", video: "Movie" });
        expect(other.morphMap()).toEqual({ post: "Post", video: "Movie" });
        if (dialect !== "sqlite") {
          // A second connection to the same database reads through the same map.
          const comments = await other.comment.with("commentable").get();
          expect(comments.map((c: any) => [c.commentableType, c.commentable.title])).toEqual([["Movie", "V1"]]);
        }
        expect(await stored("comment", "commentableType")).toEqual(["Movie"]);
      } finally {
        await other.destroy();
      }
    });
  });
});

describe(`enforceMorphMap on ${dialect}`, () => {
  const schema = defineSchema(models, { morphMap: { post: "Post", video: "Video" }, enforceMorphMap: true });
  const t = useTestDb(schema);
  let p1: any, v1: any;

  beforeEach(async () => {
    t.db.morphMap(MAP, { merge: false });
    await t.truncate();
    p1 = await t.db.post.create({ title: "P1" });
    v1 = await t.db.video.create({ id: p1.id, title: "V1" });
  });
  afterEach(() => {
    t.db.morphMap(MAP, { merge: false });
  });

  it("writes and reads the mapped values", async () => {
    await t.db.post.related(p1, "comments").create({ body: "c1" });
    await t.db.comment.create({ body: "c2", commentable: { connect: v1 } } as any);
    for (const strategy of STRATEGIES) {
      const comments = await t.db.comment.with("commentable").strategy(strategy).orderBy("id").get();
      expect(comments.map((c: any) => [c.commentableType, c.commentable.title])).toEqual([
        ["Post", "P1"],
        ["Video", "V1"],
      ]);
    }
  });

  it("a stored type the map does not know is a MorphMapError naming it and the map's values", async () => {
    const raw = await t.db.comment.create({ body: "raw", commentableType: "post", commentableId: p1.id });
    for (const strategy of STRATEGIES) {
      const error = await caught(() => t.db.comment.with("commentable").strategy(strategy).get());
      expect(error).toBeInstanceOf(MorphMapError);
      expect(error).toBeInstanceOf(RelataError);
      expect(error.name).toBe("MorphMapError");
      expect(error.value).toBe("post");
      expect(error.model).toBeUndefined();
      expect(error.message).toContain(
        'comment.commentable: a row has morph type "post", which is not in the morph map (Post, Video)',
      );
    }
    expect(await caught(() => t.db.comment.related(raw, "commentable").first())).toBeInstanceOf(MorphMapError);
    expect(await caught(() => t.db.comment.load([raw], "commentable"))).toBeInstanceOf(MorphMapError);
  });

  it("a mapped value that is no target of the relation stays a RelataError", async () => {
    t.db.morphMap({ tag: "Tag" });
    await t.db.comment.create({ body: "tagged", commentableType: "Tag", commentableId: 1 });
    const error = await caught(() => t.db.comment.with("commentable").get());
    expect(error).toBeInstanceOf(RelataError);
    expect(error).not.toBeInstanceOf(MorphMapError);
    expect(error.message).toContain('"Tag", which is not one of its targets (Post, Video)');
  });

  it("a run-time map may not leave a polymorphic model without an entry (MorphMapError, nothing changed)", async () => {
    const error = await caught(() => t.db.morphMap({ post: "Post" }, { merge: false }));
    expect(error).toBeInstanceOf(MorphMapError);
    expect(error.model).toBe("video");
    expect(error.message).toContain('"video" (stored by video.comments (morphMany))');
    expect(t.db.morphMap()).toEqual(MAP);
    // Merging, and replacing with every polymorphic model mapped, are fine.
    expect(t.db.morphMap({ post: "Article" })).toEqual({ post: "Article", video: "Video" });
    expect(t.db.morphMap({ post: "P", video: "V", author: "A" }, { merge: false })).toEqual({
      post: "P",
      video: "V",
      author: "A",
    });
    await t.db.post.related(p1, "comments").create({ body: "c" });
    const [comment] = await t.db.comment.with("commentable").get();
    expect([comment!.commentableType, (comment as any).commentable.title]).toEqual(["P", "P1"]);
  });
});

describe("enforceMorphMap at definition time", () => {
  const problems = (fn: () => unknown): string[] => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(SchemaError);
      return [...(error as SchemaError).problems];
    }
    throw new Error("expected a SchemaError");
  };

  it("lists every model a polymorphic relation stores that has no entry, before any SQL", () => {
    const none = problems(() => defineSchema(models, { enforceMorphMap: true }));
    expect(none).toHaveLength(2);
    expect(none[0]).toContain(
      'enforceMorphMap: "post" has no morphMap entry, but post.comments (morphMany) stores its type',
    );
    expect(none[1]).toContain('"video"');
    for (const name of ["comment", "image", "tag", "author"]) {
      expect(none.join("\n")).not.toContain(`"${name}"`);
    }
    const one = problems(() => defineSchema(models, { morphMap: { post: "Post" }, enforceMorphMap: true }));
    expect(one).toEqual([
      'enforceMorphMap: "video" has no morphMap entry, but video.comments (morphMany) stores its type; add video: "..." to the morphMap',
    ]);
    expect(() => defineSchema(models, { morphMap: MAP, enforceMorphMap: true })).not.toThrow();
    expect(() => defineSchema(models, { enforceMorphMap: false })).not.toThrow();
  });

  it("covers morphTo targets (explicit types), morphedByMany targets and morphOne parents", () => {
    const found = problems(() =>
      defineSchema(
        {
          article: model({ fields: { id: id() } }),
          photo: model({ fields: { id: id() }, relations: { cover: morphOne("image", { morphName: "imageable" }) } }),
          image: model({ fields: { id: id(), imageableType: string(), imageableId: integer() } }),
          like: model({
            fields: { id: id(), likeableType: string(), likeableId: integer() },
            relations: { likeable: morphTo({ types: ["article"] }) },
          }),
          label: model({
            fields: { id: id() },
            relations: { clips: morphedByMany("clip", { morphName: "labelable" }) },
          }),
          clip: model({ fields: { id: id() } }),
        },
        { enforceMorphMap: true },
      ),
    );
    expect(found).toHaveLength(3);
    expect(found.join("\n")).toContain('"photo" has no morphMap entry, but photo.cover (morphOne)');
    expect(found.join("\n")).toContain('"article" has no morphMap entry, but like.likeable (morphTo)');
    expect(found.join("\n")).toContain('"clip" has no morphMap entry, but label.clips (morphedByMany)');
  });

  it("checks the options and the map's values", () => {
    expect(problems(() => defineSchema(models, { enforceMorphMap: "yes" as any, morphMap: MAP }))).toEqual([
      "defineSchema: enforceMorphMap must be true or false",
    ]);
    expect(problems(() => defineSchema(models, { morphMap: { post: 1 as any } }))[0]).toContain(
      'the value of "post" must be a non-empty string',
    );
    expect(problems(() => defineSchema(models, { morphMap: { post: "Video", video: "Video" } }))[0]).toContain(
      'models "post" and "video" share the morph type "Video"',
    );
    expect(problems(() => defineSchema(models, { morphTypes: {} } as any))[0]).toContain(
      "it takes casing, morphMap, enforceMorphMap, preventLazyLoading",
    );
    expect(problems(() => defineSchema({ morphMap: model({ fields: { id: id() } }) }))[0]).toContain("reserved");
  });
});
