import { beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import type { HasOneThroughHandle } from "../../src/api/relation-handle.js";
import {
  type BelongsToHandle,
  belongsTo,
  belongsToMany,
  boolean,
  defineSchema,
  type HasManyHandle,
  hasMany,
  hasManyThrough,
  hasOne,
  hasOneThrough,
  id,
  integer,
  model,
  morphMany,
  morphTo,
  type Row,
  string,
  ValidationError,
} from "../../src/index.js";
import { caught } from "../support/caught.js";
import { dialect, useTestDb } from "../support/test-db.js";

/**
 * The relation-handle calls of the class-model seeds, on `related(row, relation)` handles (class
 * model accessors return these): neko-orm's (seed 004) `toArray()`, to-one `get()`,
 * `associate` / `dessociate` / `unlink`, and Velocity's (seed 002) child writes and attach family.
 */
const seeds = defineSchema(
  {
    user: model({
      table: "users",
      fields: { id: id(), name: string() },
      relations: { posts: hasMany("post"), profile: hasOne("profile") },
    }),
    profile: model({
      table: "profiles",
      fields: { id: id(), userId: integer(), bio: string() },
      relations: { user: belongsTo("user") },
    }),
    post: model({
      table: "posts",
      fields: {
        id: id(),
        userId: integer().nullable(),
        title: string(),
        published: boolean().default(false),
        archived: boolean().default(false),
      },
      relations: {
        user: belongsTo("user"),
        comments: hasMany("comment"),
        notes: morphMany("note", { morphName: "notable" }),
        tags: belongsToMany("tag", { table: "post_tags", pivotFields: { order: integer().nullable() } }),
      },
    }),
    comment: model({
      table: "comments",
      fields: { id: id(), postId: integer().nullable(), body: string() },
      relations: { post: belongsTo("post") },
    }),
    video: model({
      table: "videos",
      fields: { id: id(), title: string() },
      relations: { notes: morphMany("note", { morphName: "notable" }) },
    }),
    note: model({
      table: "notes",
      fields: { id: id(), body: string(), notableType: string().nullable(), notableId: integer().nullable() },
      relations: { notable: morphTo({ types: ["post", "video"] }) },
    }),
    tag: model({ table: "tags", fields: { id: id(), name: string() } }),
    mechanic: model({
      table: "mechanics",
      fields: { id: id(), name: string() },
      relations: {
        carOwner: hasOneThrough("owner", { through: "car" }),
        carOwners: hasManyThrough("owner", { through: "car" }),
      },
    }),
    car: model({ table: "cars", fields: { id: id(), mechanicId: integer(), label: string() } }),
    owner: model({ table: "owners", fields: { id: id(), carId: integer(), name: string() } }),
  },
  { casing: "snake_case" },
);
type S = typeof seeds;

describe(`relation handles as the class-model seeds call them on ${dialect}`, () => {
  const t = useTestDb(seeds);
  let ada: Row<S, "user">, bob: Row<S, "user">;
  let post1: Row<S, "post">, post2: Row<S, "post">, bobsPost: Row<S, "post">;
  let c1: Row<S, "comment">, c2: Row<S, "comment">, c3: Row<S, "comment">, c4: Row<S, "comment">;
  let video: Row<S, "video">, onPost: Row<S, "note">, onVideo: Row<S, "note">;
  let mo: Row<S, "mechanic">, max: Row<S, "mechanic">, owner1: Row<S, "owner">;

  /** The statements `fn` sends (each one's first word), and its result. */
  async function sent<T>(fn: () => Promise<T>): Promise<{ words: string[]; result: T }> {
    const before = t.queries.length;
    const result = await fn();
    return { result, words: t.queries.slice(before).map((q) => q.sql.trim().split(/\s+/)[0]!.toLowerCase()) };
  }
  /** `fn`'s ValidationError, asserting it names every part and sent nothing. */
  async function rejected(fn: () => unknown, parts: readonly string[]): Promise<ValidationError> {
    const { queries, result } = await t.count(() => caught(fn));
    expect(result).toBeInstanceOf(ValidationError);
    for (const part of parts) expect((result as Error).message).toContain(part);
    expect(queries).toBe(0);
    return result as ValidationError;
  }
  const comments = async () => (await t.db.comment.orderBy("id").get()).map((c) => [c.body, c.postId]);
  /** Created rows, each defined. */
  const listed = <T>(rows: T[]) => rows as [T, T, T, T];
  const plain = <R extends object | null>(row: R) => (row === null ? null : { ...row });

  beforeEach(async () => {
    await t.truncate();
    [ada, bob] = listed(await t.db.user.createMany([{ name: "Ada" }, { name: "Bob" }]));
    await t.db.profile.create({ userId: ada.id, bio: "Ada's" });
    [post1, post2, bobsPost] = listed(
      await t.db.post.createMany([
        { userId: ada.id, title: "Post 1", published: true },
        { userId: ada.id, title: "Post 2" },
        { userId: bob.id, title: "Bob's" },
      ]),
    );
    [c1, c2, c3, c4] = listed(
      await t.db.comment.createMany([
        { postId: post1.id, body: "c1" },
        { postId: null, body: "c2" },
        { postId: null, body: "c3" },
        { postId: null, body: "c4" },
      ]),
    );
    // A video with the post's id: a morphTo target is its type and its id.
    video = await t.db.video.create({ id: post1.id, title: "Clip" });
    [onPost, onVideo] = listed(
      await t.db.note.createMany([
        { body: "on post", notableType: "post", notableId: post1.id },
        { body: "on video", notableType: "video", notableId: video.id },
      ]),
    );
    [mo, max] = listed(await t.db.mechanic.createMany([{ name: "Mo" }, { name: "Max" }]));
    const [car] = await t.db.car.createMany([{ mechanicId: mo!.id, label: "Mini" }]);
    [owner1] = listed(await t.db.owner.createMany([{ carId: car!.id, name: "Olga" }]));
    await t.db.tag.createMany([1, 2, 3, 4, 5].map((i) => ({ id: i, name: `tag ${i}` })));
    t.queries.length = 0;
  });

  describe("toArray() and get()", () => {
    it("toArray() gives every kind's related rows as an array, in one statement, chained too", async () => {
      const postComments = t.db.post.related(post1, "comments");
      expect(await t.count(() => postComments.toArray())).toEqual({ queries: 1, result: [c1] });
      expect(await postComments.where("body", "nope").toArray()).toEqual([]);
      expect(await t.db.user.related(ada, "posts").orderBy("id").toArray()).toEqual([post1, post2]);
      expect((await t.db.user.related(ada, "profile").toArray()).map((p) => p.bio)).toEqual(["Ada's"]);
      expect(await t.db.user.related(bob, "profile").toArray()).toEqual([]);
      expect(await t.db.post.related(post1, "user").toArray()).toEqual([ada]);
      expect(await t.db.post.related(post1, "notes").toArray()).toEqual([onPost]);
      expect(await t.db.note.related(onVideo, "notable").toArray()).toEqual([video]);
      expect(await t.db.mechanic.related(mo, "carOwner").toArray()).toEqual([owner1]);
      expect(await t.db.mechanic.related(mo, "carOwners").toArray()).toEqual([owner1]);
      await t.db.post.related(post1, "tags").attach({ 2: { order: 1 } });
      const [tag] = await t.db.post.related(post1, "tags").toArray();
      expect([tag!.id, tag!.pivot.order]).toEqual([2, 1]);
      // neko's async iteration over the same handle.
      const streamed: unknown[] = [];
      for await (const comment of postComments) streamed.push(comment);
      expect(streamed).toEqual([c1]);

      expectTypeOf(postComments.toArray()).toEqualTypeOf<Promise<Row<S, "comment">[]>>();
      expectTypeOf(t.db.post.related(post1, "user").toArray()).toEqualTypeOf<Promise<Row<S, "user">[]>>();
      expectTypeOf(t.db.mechanic.related(mo, "carOwner").toArray()).toEqualTypeOf<Promise<Row<S, "owner">[]>>();
    });

    it("a to-one handle's get() is the one related row or null; a to-many handle's stays the array", async () => {
      const comment = { ...c1 };
      expect(await t.count(() => t.db.comment.related(comment, "post").get())).toEqual({ queries: 1, result: post1 });
      // A null key: null, without a statement.
      expect(await t.count(() => t.db.comment.related(c2, "post").get())).toEqual({ queries: 0, result: null });
      expect(plain(await t.db.user.related(ada, "profile").get())).toMatchObject({ userId: ada.id, bio: "Ada's" });
      expect(await t.db.user.related(bob, "profile").get()).toBeNull();
      expect(await t.db.note.related(onPost, "notable").get()).toEqual(post1);
      expect(await t.db.note.related(onVideo, "notable").get()).toEqual(video);
      expect(await t.db.mechanic.related(mo, "carOwner").get()).toEqual(owner1);
      expect(await t.db.mechanic.related(max, "carOwner").get()).toBeNull();
      // Chained handles read the same way.
      expect(await t.db.comment.related(comment, "post").where("published", false).get()).toBeNull();
      expect(await t.db.comment.related(comment, "post").select("title").get()).toEqual({ title: "Post 1" });
      expect(await t.db.user.related(ada, "posts").orderBy("id").get()).toEqual([post1, post2]);
      expect(await t.db.mechanic.related(mo, "carOwners").get()).toEqual([owner1]);

      expectTypeOf(t.db.comment.related(comment, "post").get()).toEqualTypeOf<Promise<Row<S, "post"> | null>>();
      expectTypeOf(t.db.comment.related(comment, "post").where("published", true).get()).toEqualTypeOf<
        Promise<Row<S, "post"> | null>
      >();
      expectTypeOf(t.db.comment.related(comment, "post").select("title").get()).toEqualTypeOf<
        Promise<{ title: string } | null>
      >();
      expectTypeOf(t.db.user.related(ada, "profile").get()).toEqualTypeOf<Promise<Row<S, "profile"> | null>>();
      const notable = t.db.note.related(onPost, "notable");
      expectTypeOf(notable.get()).toEqualTypeOf(notable.first());
      expectTypeOf<Awaited<ReturnType<typeof notable.get>>>().toMatchTypeOf<Row<S, "post"> | Row<S, "video"> | null>();
      expectTypeOf<Row<S, "post"> | Row<S, "video"> | null>().toMatchTypeOf<Awaited<ReturnType<typeof notable.get>>>();
      expectTypeOf(t.db.mechanic.related(mo, "carOwner").get()).toEqualTypeOf<Promise<Row<S, "owner"> | null>>();
      expectTypeOf(t.db.mechanic.related(mo, "carOwner")).toMatchTypeOf<HasOneThroughHandle<S, "owner">>();
      expectTypeOf(t.db.user.related(ada, "posts").get()).toEqualTypeOf<Promise<Row<S, "post">[]>>();
      expectTypeOf(t.db.mechanic.related(mo, "carOwners").get()).toEqualTypeOf<Promise<Row<S, "owner">[]>>();
    });

    it("get() and toArray() take no arguments (plain JavaScript callers)", async () => {
      const handle = t.db.comment.related(c1, "post") as any;
      await rejected(() => handle.get(1), ["get()", "no arguments"]);
      await rejected(() => handle.toArray({ limit: 1 }), ["toArray()", "no arguments"]);
      await rejected(() => (t.db.user.related(ada, "posts") as any).toArray(1), ["toArray()"]);
    });
  });

  describe("neko-orm's hasMany: associate and dessociate", () => {
    it("associate(one), associate([many]) and dessociate of the same, one UPDATE each", async () => {
      const post = t.db.post.related(post1, "comments");
      expect(await sent(() => post.associate(c2))).toEqual({ words: ["update"], result: c2 });
      expect(c2.postId).toBe(post1.id);
      expect(await sent(() => post.associate([c3, c4]))).toEqual({ words: ["update"], result: [c3, c4] });
      expect(await comments()).toEqual([
        ["c1", post1.id],
        ["c2", post1.id],
        ["c3", post1.id],
        ["c4", post1.id],
      ]);
      expect((await post.toArray()).map((c) => c.body)).toEqual(["c1", "c2", "c3", "c4"]);
      expect(await sent(() => post.dessociate(c2))).toEqual({ words: ["update"], result: c2 });
      expect(c2.postId).toBeNull();
      expect(await sent(() => post.dessociate([c3, c4]))).toEqual({ words: ["update"], result: [c3, c4] });
      expect(await comments()).toEqual([
        ["c1", post1.id],
        ["c2", null],
        ["c3", null],
        ["c4", null],
      ]);
    });

    it("{ sync: false }: in memory only, then the caller saves the child", async () => {
      const post = t.db.post.related(post1, "comments");
      expect(await t.count(() => post.associate(c2, { sync: false }))).toEqual({ queries: 0, result: c2 });
      expect(c2.postId).toBe(post1.id);
      expect(await comments()).toEqual([
        ["c1", post1.id],
        ["c2", null],
        ["c3", null],
        ["c4", null],
      ]);
      await t.db.comment.where("id", c2.id).update({ postId: c2.postId }); // comment2.save()
      expect(await post.count()).toBe(2);
      await post.associate(c3);
      expect(await t.count(() => post.dessociate(c3, { sync: false }))).toEqual({ queries: 0, result: c3 });
      expect(c3.postId).toBeNull();
      expect(await post.count()).toBe(3);
      await t.db.comment.where("id", c3.id).update({ postId: c3.postId }); // comment3.save()
      expect((await post.orderBy("id").toArray()).map((c) => c.body)).toEqual(["c1", "c2"]);
    });

    it("morphMany: associate and dessociate set and clear the type and id", async () => {
      const notes = t.db.video.related(video, "notes");
      await notes.associate(onPost);
      expect([onPost.notableType, onPost.notableId]).toEqual(["video", video.id]);
      expect((await notes.orderBy("id").toArray()).map((n) => n.body)).toEqual(["on post", "on video"]);
      await notes.dessociate([onPost, onVideo]);
      expect(await notes.count()).toBe(0);
      expect([onVideo.notableType, onVideo.notableId]).toEqual([null, null]);
    });

    it("dessociate is dissociate: the same checks, its errors naming dessociate", async () => {
      const post = t.db.post.related(post1, "comments") as any;
      await rejected(() => post.dessociate(), ['dessociate through "post.comments" needs the children']);
      await rejected(() => post.dessociate(c2), ['dessociate through "post.comments"', "do not belong"]);
      await rejected(() => post.dessociate([c1], { sync: 1 }), ["dessociate through", "sync must be true or false"]);
      await rejected(() => post.dessociate([c1], { save: true }), ['Unknown option "save" of dessociate']);
      await rejected(() => post.dessociate(c1, {}, 1), ["dessociate(children, options)", "at most 2 arguments"]);
      await rejected(() => post.dissociate(c1, {}, 1), ["dissociate(children, options)"]);
      await rejected(() => post.dessociate("c1"), ["dessociate through", "takes a row or an array of rows"]);
      const tags = t.db.post.related(post1, "tags") as any;
      await rejected(() => tags.dessociate([1]), ['dessociate through "post.tags" (a belongsToMany) is not available']);
      expect(await comments()).toEqual([
        ["c1", post1.id],
        ["c2", null],
        ["c3", null],
        ["c4", null],
      ]);
    });
  });

  describe("neko-orm's belongsTo: associate, dessociate(target) and unlink", () => {
    it("associate(post), dessociate(post) and unlink(), as the seed calls them", async () => {
      const comment = { ...c2 };
      const post = () => t.db.comment.related(comment, "post");
      await post().associate(post1);
      expect(await post().get()).toEqual(post1);
      expect(await sent(() => post().dessociate(post1))).toEqual({ words: ["update"], result: comment });
      expect(comment.postId).toBeNull();
      expect(await post().get()).toBeNull();
      await post().associate(post2);
      expect(await sent(() => post().unlink())).toEqual({ words: ["update"], result: comment });
      expect(comment.postId).toBeNull();
      expect(await comments()).toEqual([
        ["c1", post1.id],
        ["c2", null],
        ["c3", null],
        ["c4", null],
      ]);
    });

    it("dissociate(target) unlinks only from that target: another one is left alone, with no statement", async () => {
      const comment = { ...c1 };
      const post = t.db.comment.related(comment, "post");
      expect(await t.count(() => post.dissociate(post2))).toEqual({ queries: 0, result: comment });
      expect(await t.count(() => post.dessociate(bobsPost.id))).toEqual({ queries: 0, result: comment });
      expect(await t.count(() => post.dissociate(post2, { sync: false }))).toEqual({ queries: 0, result: comment });
      expect(comment.postId).toBe(post1.id);
      // A comment that points nowhere points at no target.
      expect(await t.count(() => t.db.comment.related(c2, "post").dissociate(post1))).toEqual({
        queries: 0,
        result: c2,
      });
      // The key by itself, as a string too; { sync: false } with a target: memory only.
      expect(await t.count(() => post.dissociate(String(post1.id), { sync: false }))).toEqual({
        queries: 0,
        result: comment,
      });
      expect(comment.postId).toBeNull();
      expect(await comments()).toEqual([
        ["c1", post1.id],
        ["c2", null],
        ["c3", null],
        ["c4", null],
      ]);
      expect(await t.count(() => t.db.comment.related(c1, "post").dissociate(post1.id))).toEqual({
        queries: 1,
        result: c1,
      });
      expect(c1.postId).toBeNull();
      expect((await comments())[0]).toEqual(["c1", null]);
    });

    it("the UPDATE also requires the row to still point at the target in the database", async () => {
      const stale = { ...c1 };
      await t.db.comment.where("id", c1.id).update({ postId: post2.id });
      // In memory it points at post1: one UPDATE, which changes nothing in the database.
      expect(await t.count(() => t.db.comment.related(stale, "post").dissociate(post1))).toEqual({
        queries: 1,
        result: stale,
      });
      expect((await comments())[0]).toEqual(["c1", post2.id]);
    });

    it("dissociate() and dissociate({ sync: false }) work as before; the relation property follows", async () => {
      const comment: any = { ...c1, post: post1 };
      await t.db.comment.related(comment, "post").dissociate({ sync: false });
      expect([comment.postId, comment.post]).toEqual([null, null]);
      expect((await comments())[0]).toEqual(["c1", post1.id]);
      const saved: any = { ...c1, post: post1 };
      expect(await t.count(() => t.db.comment.related(saved, "post").dissociate())).toEqual({
        queries: 1,
        result: saved,
      });
      expect([saved.postId, saved.post]).toEqual([null, null]);
      // A non-matching target leaves the property alone too.
      const other: any = { ...c3, postId: post1.id, post: post1 };
      await t.db.comment.related(other, "post").dissociate({ id: post2.id });
      expect(other.post).toBe(post1);
      await t.db.comment.related(other, "post").unlink({ sync: false });
      expect([other.postId, other.post]).toEqual([null, null]);
    });

    it("what dissociate / dessociate / unlink take on a belongsTo is checked before any SQL", async () => {
      const comment = { ...c1 };
      const post = t.db.comment.related(comment, "post") as any;
      await rejected(() => post.dissociate([post1]), ["dissociate through", "one row or its key", "[{"]);
      await rejected(() => post.dessociate(true), ['dessociate through "comment.post" takes options ({ sync })']);
      await rejected(() => post.dessociate({ title: "no id" }), ['the target row has no "id"', "no key but sync"]);
      await rejected(() => post.dessociate({ sync: false }, { sync: false }), ["dessociate", "two options objects"]);
      await rejected(() => post.dessociate(post1, { sync: "no" }), ["dessociate through", "sync must be true"]);
      await rejected(() => post.dessociate(post1, {}, 1), ["dessociate(target, options)", "at most 2 arguments"]);
      await rejected(() => post.unlink({}, 1), ["unlink(options)", "at most 1 argument"]);
      await rejected(() => post.unlink(post1), ['Unknown option "id" of unlink', "{ sync }"]);
      await rejected(() => post.unlink({ sync: "no" }), ["unlink through", "sync must be true or false"]);
      // The row's own key must be there to compare: related() asks for it, and so does a handle
      // whose row lost it since.
      const { postId: _, ...withoutKey } = c1;
      await rejected(() => t.db.comment.related(withoutKey, "post"), ['"postId"']);
      const changed: Partial<typeof c1> = { ...c1 };
      const handle = t.db.comment.related(changed, "post");
      delete changed.postId;
      await rejected(() => handle.dissociate(post1), ['compares the row\'s "postId"', "read the row with it"]);
      // A key that is not nullable: the row cannot be unlinked, whether it points at the target or not.
      const profile = (await t.db.profile.first())!;
      await rejected(
        () => t.db.profile.related(profile, "user").unlink(),
        ['unlink: "profile.userId" is not nullable'],
      );
      await rejected(() => t.db.profile.related(profile, "user").dessociate(bob), ["dessociate:", "not nullable"]);
      expect(comment.postId).toBe(post1.id);
    });

    it("unlink on the other kinds is a ValidationError naming the kinds that have it", async () => {
      await rejected(
        () => (t.db.post.related(post1, "comments") as any).unlink(),
        [
          'unlink through "post.comments" (a hasMany) is not available',
          "belongsTo and morphTo",
          "dissociate(children)",
        ],
      );
      await rejected(
        () => (t.db.post.related(post1, "tags") as any).unlink(),
        ["(a belongsToMany)", "belongsTo and morphTo"],
      );
      await rejected(() => (t.db.mechanic.related(mo, "carOwner") as any).unlink(), ["(a hasOneThrough)"]);
    });

    it("types: dissociate / dessociate take options or a target; unlink only on owner handles", () => {
      const comment = { ...c1 };
      const post = t.db.comment.related(comment, "post");
      expectTypeOf(post).toMatchTypeOf<BelongsToHandle<S, "post">>();
      expectTypeOf(post.dessociate).toBeCallableWith(post1);
      expectTypeOf(post.dessociate).toBeCallableWith(1, { sync: false });
      expectTypeOf(post.dissociate).toBeCallableWith({ sync: false });
      expectTypeOf(post.unlink).toBeCallableWith({ sync: false });
      expectTypeOf(post.unlink).parameters.toEqualTypeOf<[options?: { sync?: boolean }]>();
      const children = t.db.post.related(post1, "comments");
      expectTypeOf(children).toMatchTypeOf<HasManyHandle<S, "comment", Row<S, "comment">, "postId">>();
      expectTypeOf(children.dessociate).toBeCallableWith([c1, c2], { sync: false });
      function check() {
        // @ts-expect-error unlink clears this row's own key: a hasMany handle has none
        void children.unlink();
        // @ts-expect-error a belongsTo unlink takes only options
        void post.unlink(post1);
        // @ts-expect-error a to-one handle's get() is the row, not an array
        void post.get().then((rows) => rows.map((row) => row.id));
      }
      expectTypeOf(check).toBeFunction();
    });
  });

  describe("neko-orm's morphTo: dessociate(target) compares the type and the id", () => {
    it("a row of another model with the same id is not the target", async () => {
      const note = { ...onPost };
      const notable = t.db.note.related(note, "notable");
      expect(await t.count(() => notable.dessociate(video))).toEqual({ queries: 0, result: note });
      expect(await t.count(() => notable.dissociate(post1.id, { model: "video" }))).toEqual({
        queries: 0,
        result: note,
      });
      expect([note.notableType, note.notableId]).toEqual(["post", post1.id]);
      expect(await sent(() => notable.dessociate(post1))).toEqual({ words: ["update"], result: note });
      expect([note.notableType, note.notableId]).toEqual([null, null]);
      const other = { ...onVideo };
      expect(await sent(() => t.db.note.related(other, "notable").dissociate(video.id, { model: "video" }))).toEqual({
        words: ["update"],
        result: other,
      });
      expect((await t.db.note.orderBy("id").get()).map((n) => [n.notableType, n.notableId])).toEqual([
        [null, null],
        [null, null],
      ]);
    });

    it("a key needs its model; a model that is not a target is rejected", async () => {
      const notable = t.db.note.related({ ...onPost }, "notable") as any;
      await rejected(
        () => notable.dessociate(post1.id),
        ["dessociate through", "cannot tell the key's model", "{ model }"],
      );
      await rejected(() => notable.dissociate(ada), ['"user" is not a target of "note.notable"']);
      await rejected(() => notable.dissociate({ id: post1.id }), ["cannot tell the row's model"]);
      expect(await t.count(() => notable.unlink({ sync: false }))).toMatchObject({ queries: 0 });
    });
  });

  describe("Velocity's relation writes (seed 002)", () => {
    it("posts: save, saveMany, create, where(...).update, count, delete", async () => {
      const posts = t.db.user.related(bob, "posts");
      const stray = { ...post2 };
      expect(await posts.save(stray)).toEqual({ ...post2, userId: bob.id });
      const fresh = await posts.saveMany([{ title: "Post 1'" }, { title: "Post 2'" }]);
      expect(fresh.map((p) => [p.title, p.userId])).toEqual([
        ["Post 1'", bob.id],
        ["Post 2'", bob.id],
      ]);
      const created = await posts.create({ title: "New Post" });
      expect(created).toMatchObject({ title: "New Post", userId: bob.id, published: false });
      expect(await posts.count()).toBe(5);
      expect(await posts.where("published", false).count()).toBe(5);
      expect(await t.count(() => posts.update({ published: true }))).toEqual({ queries: 1, result: 5 });
      expect(await posts.where("title", "like", "Post%").update({ archived: true })).toBe(3);
      expect(await posts.where("published", true).count()).toBe(5);
      expect(await t.db.post.where("archived", true).orderBy("id").pluck("title")).toEqual([
        "Post 2",
        "Post 1'",
        "Post 2'",
      ]);
      expect(await posts.where("archived", false).delete()).toBe(2);
      expect(await posts.delete()).toBe(3);
      expect(await t.db.post.pluck("title")).toEqual(["Post 1"]);
    });

    it("tags: attach([1, 2, 3]), attach({ 1: { order: 1 }, 2: { order: 2 } }), detach([2, 3]), detach(), sync([1, 4, 5])", async () => {
      const tags = t.db.post.related(post1, "tags");
      const attached = async () =>
        (await tags.orderBy("id").toArray()).map((tag) => [tag.id, tag.pivot.order] as const);
      expect(await tags.attach([1, 2, 3])).toEqual([1, 2, 3]);
      expect(await attached()).toEqual([
        [1, null],
        [2, null],
        [3, null],
      ]);
      await tags.detach();
      expect(await tags.attach({ 1: { order: 1 }, 2: { order: 2 } })).toEqual([1, 2]);
      expect(await attached()).toEqual([
        [1, 1],
        [2, 2],
      ]);
      await tags.attach([3]);
      expect(await tags.detach([2, 3])).toBe(2);
      expect(await attached()).toEqual([[1, 1]]);
      await tags.attach([2, 3]);
      expect(await tags.detach()).toBe(3);
      expect(await tags.count()).toBe(0);
      await tags.attach([1, 2, 3]);
      const synced = await tags.sync([1, 4, 5]);
      expect({ ...synced, detached: [...synced.detached].sort() }).toEqual({
        attached: [4, 5],
        detached: [2, 3],
        updated: [],
      });
      expect((await attached()).map(([key]) => key)).toEqual([1, 4, 5]);
      // Another post's tags are its own.
      expect(await t.db.post.related(post2, "tags").count()).toBe(0);
    });

    it("Associate / Dissociate on the belongsTo, then Save", async () => {
      const post = { ...post2 };
      await t.db.post.related(post, "user").associate(bob, { sync: false });
      await t.db.post.where("id", post.id).update({ userId: post.userId }); // post.Save()
      expect(await t.db.post.related(post, "user").get()).toEqual(bob);
      await t.db.post.related(post, "user").dissociate({ sync: false });
      await t.db.post.where("id", post.id).update({ userId: post.userId }); // post.Save()
      expect(await t.db.post.related(post, "user").get()).toBeNull();
      expect((await t.db.post.find(post.id))!.userId).toBeNull();
    });
  });
});
