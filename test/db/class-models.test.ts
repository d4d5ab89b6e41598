import { beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import {
  belongsTo,
  belongsToMany,
  boolean,
  createDb,
  defineSchema,
  hasMany,
  hasOne,
  type InstanceOf,
  id,
  integer,
  Model,
  NotFoundError,
  RelataError,
  string,
  timestamp,
  ValidationError,
} from "../../src/index.js";
import { caught } from "../support/caught.js";
import { dialect, useTestDb } from "../support/test-db.js";

/**
 * Class models (issue 14): classes declare their models in statics, every read returns their
 * instances, and instances save, delete and reach their relations through accessor methods.
 */
class User extends Model {
  static table = "cm_users";
  static fields = { id: id(), name: string(), secret: string().nullable() };
  static relations = { posts: hasMany("post"), profile: hasOne("profile") };
  static hidden = ["secret"];
  declare id: number;
  declare name: string;
  declare secret: string | null;

  /** A method of the class: instances have it, whichever read returned them. */
  greeting(): string {
    return `Hello, ${this.name}`;
  }
}

class Profile extends Model {
  static table = "cm_profiles";
  static fields = { id: id(), userId: integer(), bio: string() };
  static relations = { user: belongsTo("user") };
}

class Post extends Model {
  static table = "cm_posts";
  static fields = {
    id: id(),
    userId: integer().nullable(),
    title: string(),
    published: boolean().default(false),
    createdAt: timestamp(),
    updatedAt: timestamp(),
    deletedAt: timestamp().nullable(),
  };
  static relations = { user: belongsTo("user"), comments: hasMany("comment"), tags: belongsToMany("tag") };
  static timestamps = true;
  static softDeletes = true;
  declare id: number;
  declare userId: number | null;
  declare title: string;
  declare published: boolean;
  declare updatedAt: Date;
  declare deletedAt: Date | null;
}

class Comment extends Model {
  static table = "cm_comments";
  static fields = { id: id(), postId: integer(), body: string() };
  static relations = { post: belongsTo("post") };
  declare id: number;
  declare postId: number;
  declare body: string;
}

class Tag extends Model {
  static table = "cm_tags";
  static fields = { id: id(), name: string() };
  static relations = { posts: belongsToMany("post") };
}

const schema = defineSchema({ user: User, profile: Profile, post: Post, comment: Comment, tag: Tag });

describe(`class models on ${dialect}`, () => {
  const t = useTestDb(schema);
  let ada: InstanceOf<typeof User>;

  beforeEach(async () => {
    await t.truncate();
    ada = await User.create({ name: "Ada", secret: "s3" });
  });

  it("reads return instances of the class, at every depth and through every API", async () => {
    const post = await Post.create({ userId: ada.id, title: "Hello" });
    await Comment.createMany([
      { postId: post.id, body: "first" },
      { postId: post.id, body: "second" },
    ]);
    expect(ada).toBeInstanceOf(User);
    expect(ada.greeting()).toBe("Hello, Ada");
    expect(post).toBeInstanceOf(Post);
    const [user] = await User.with("posts.comments", "profile").get();
    expect(user).toBeInstanceOf(User);
    expect(user!.greeting()).toBe("Hello, Ada");
    const loaded = user!;
    expect(loaded.posts[0]).toBeInstanceOf(Post);
    expect(loaded.posts[0].comments).toHaveLength(2);
    for (const comment of loaded.posts[0].comments) expect(comment).toBeInstanceOf(Comment);
    // The object API, the db handle and a relation handle give instances too.
    const found = await t.db.post.findFirst({ include: { comments: true, user: true } });
    expect(found).toBeInstanceOf(Post);
    expect((found as any).user).toBeInstanceOf(User);
    expect(await t.db.comment.where("body", "first").first()).toBeInstanceOf(Comment);
    expect((await t.db.user.related(ada, "posts").get())[0]).toBeInstanceOf(Post);
    const streamed: unknown[] = [];
    for await (const comment of Comment.query().orderBy("id").cursor({ batchSize: 1 })) streamed.push(comment);
    expect(streamed.every((c) => c instanceof Comment)).toBe(true);
    // Plain data for JSON, spreads and equality.
    expect({ ...post }).toEqual(expect.objectContaining({ title: "Hello" }));
  });

  it("save() inserts a new instance, then writes only the fields that changed", async () => {
    const draft = new Post({ title: "Draft", userId: ada.id });
    expect(draft.id).toBeUndefined();
    const inserted = await t.count(() => draft.save());
    expect(inserted.result).toBe(draft);
    expect(draft.id).toEqual(expect.any(Number));
    expect(draft.published).toBe(false); // the default, taken back from the database
    expect(draft.updatedAt).toBeInstanceOf(Date);
    // Nothing changed: no statement.
    expect((await t.count(() => draft.save())).queries).toBe(0);
    draft.title = "Final";
    expect(draft.isDirty()).toBe(true);
    expect(draft.getDirty()).toEqual({ title: "Final" });
    t.queries.length = 0;
    await draft.save();
    const update = t.queries.find((q) => /^update/i.test(q.sql))!;
    expect(update.sql).toMatch(/title/);
    expect(update.sql).not.toMatch(/published/);
    expect(draft.isDirty()).toBe(false);
    expect(draft.getOriginal("title")).toBe("Final");
    expect((await Post.findOrFail(draft.id)).title).toBe("Final");
    // A changed key still finds the row by the key it was read with.
    const comment = await Comment.create({ postId: draft.id, body: "x" });
    const other = await Post.create({ title: "Other" });
    comment.postId = other.id;
    // One statement: the UPDATE of the changed field (the instance already holds the values).
    expect((await t.count(() => comment.save())).queries).toBe(1);
    expect((await Comment.findOrFail(comment.id)).postId).toBe(other.id);
    // A row deleted behind the instance's back: NotFoundError, not a silent no-op.
    await t.db.comment.where("id", comment.id).delete();
    comment.body = "gone";
    await expect(comment.save()).rejects.toThrow(NotFoundError);
  });

  it("Dates and JSON-like values are compared by value for dirty tracking", async () => {
    const post = await Post.create({ title: "Dated" });
    post.updatedAt = new Date(post.updatedAt.getTime());
    expect(post.isDirty()).toBe(false);
    post.updatedAt.setTime(post.updatedAt.getTime() + 60_000);
    expect(post.isDirty("updatedAt")).toBe(true);
  });

  it("delete() soft-deletes a soft-deleting model and deletes others; refresh() reads the row again", async () => {
    const post = await Post.create({ title: "Gone", userId: ada.id });
    await post.delete();
    expect(post.deletedAt).toBeInstanceOf(Date);
    expect(await Post.find(post.id)).toBeNull();
    const comment = await Comment.create({ postId: post.id, body: "bye" });
    await comment.delete();
    expect(await Comment.find(comment.id)).toBeNull();
    // A hard-deleted instance is new again: save() inserts it.
    await comment.save();
    expect(await Comment.find(comment.id)).not.toBeNull();
    const copy = await Comment.findOrFail(comment.id);
    await t.db.comment.where("id", comment.id).update({ body: "edited elsewhere" });
    await copy.refresh();
    expect(copy.body).toBe("edited elsewhere");
    expect(copy.isDirty()).toBe(false);
  });

  it("relation accessors: the seed 002 calls through an instance", async () => {
    const post = new Post({ title: "Via accessor" });
    await ada.posts().save(post);
    expect(post.userId).toBe(ada.id);
    await ada.posts().saveMany([new Post({ title: "A" }), new Post({ title: "B" })]);
    const created = await ada.posts().create({ title: "Created" });
    expect(created).toBeInstanceOf(Post);
    expect(await ada.posts().count()).toBe(4);
    expect(await ada.posts().where("title", "A").update({ published: true })).toBe(1);
    expect(await ada.posts().where("published", true).count()).toBe(1);
    const [a, b] = await Tag.createMany([{ name: "a" }, { name: "b" }]);
    await (post as any).tags().attach([(a as any).id, (b as any).id]);
    expect(await (post as any).tags().count()).toBe(2);
    await (post as any).tags().sync([(a as any).id]);
    expect((await (post as any).tags().get()).map((tag: any) => tag.name)).toEqual(["a"]);
    // syncMany is a static like every db handle method, taking instances as the rows.
    const second = await ada.posts().create({ title: "Second" });
    const synced = await Post.syncMany("tags", [
      [post, [(b as any).id]],
      [second, [(a as any).id, (b as any).id]],
    ]);
    expect(synced.map((r) => [r.attached.length, r.detached.length])).toEqual([
      [1, 1],
      [2, 0],
    ]);
    expect((await (second as any).tags().orderBy("name").get()).map((tag: any) => tag.name)).toEqual(["a", "b"]);
    await second.delete();
    const other = await User.create({ name: "Bob" });
    await (post as any).user().associate(other);
    expect(post.userId).toBe(other.id);
    expect((await Post.findOrFail(post.id)).userId).toBe(other.id);
    await ada.posts().where("title", "B").delete();
    expect(await ada.posts().count()).toBe(2);
    // Velocity's DeleteWith: the row and its relations' rows.
    const bob = await User.findOrFail(other.id);
    await bob.deleteWith("posts");
    expect(await User.find(other.id)).toBeNull();
    expect(await Post.where("userId", other.id).count()).toBe(0);
  });

  it("a loaded relation's value stands in front of its accessor; related() always reaches the handle", async () => {
    await Post.create({ userId: ada.id, title: "P" });
    const user = (await User.with("posts").where("id", ada.id).firstOrFail()) as any;
    expect(Array.isArray(user.posts)).toBe(true);
    expect(await user.related("posts").count()).toBe(1);
    await user.load("profile");
    expect(user.profile).toBeNull();
    await user.loadMissing("posts", "profile");
    expect(user.posts).toHaveLength(1);
  });

  it("toJSON leaves hidden fields out and keeps loaded relations", async () => {
    const user = (await User.query().select("id", "name", "secret").where("id", ada.id).firstOrFail()) as User;
    expect(user.secret).toBe("s3");
    expect(JSON.parse(JSON.stringify(user))).toEqual({ id: ada.id, name: "Ada" });
    await Post.create({ userId: ada.id, title: "P" });
    await user.load("posts");
    expect(JSON.parse(JSON.stringify(user)).posts[0].title).toBe("P");
  });

  it("statics are every db handle method, and writes inside a transaction go through it", async () => {
    expect(await User.count()).toBe(1);
    expect((await User.findMany({ where: { name: "Ada" } }))[0]).toBeInstanceOf(User);
    expect(await User.where("name", "Nobody").first()).toBeNull();
    await expect(User.findOrFail(999_999)).rejects.toThrow(NotFoundError);
    const error = await caught(() =>
      t.db.transaction(async () => {
        const user = await User.findOrFail(ada.id);
        user.name = "Changed";
        await user.save();
        await Post.create({ title: "In tx", userId: ada.id });
        throw new Error("roll back");
      }),
    );
    expect(error.message).toBe("roll back");
    expect((await User.findOrFail(ada.id)).name).toBe("Ada");
    expect(await Post.count()).toBe(0);
  });

  it("bad input is a clear error before any SQL", async () => {
    class Stray extends Model {
      static fields = { id: id() };
    }
    expect(() => Stray.query()).toThrow(RelataError);
    expect(() => Stray.query()).toThrow(/createDb\(\{ models: \[Stray/);
    expect(() => new (User as any)({ name: "x" }, "extra")).toThrow(ValidationError);
    expect(() => new (User as any)(42)).toThrow(ValidationError);
    expect(() => new (User as any)("wrong_table")).toThrow(/cm_users/);
    t.queries.length = 0;
    await expect(new User({ name: "x", nope: 1 } as any).save()).rejects.toThrow(ValidationError);
    expect(() => (ada as any).posts("extra")).toThrow(ValidationError);
    expect(t.queries).toHaveLength(0);
  });

  it("types: statics return instances; attributes come from declare or Model<Attrs>", () => {
    type Found = NonNullable<Awaited<ReturnType<typeof User.find<typeof User>>>>;
    expectTypeOf<Found>().toExtend<User>();
    expectTypeOf<Found["secret"]>().toEqualTypeOf<string | null>();
    expectTypeOf<Post["published"]>().toEqualTypeOf<boolean>();
    // A schema of classes given by name is typed like one of model()s: rows, relations, create input.
    expectTypeOf<Parameters<typeof t.db.post.create>[0]>().toExtend<object>();
    expectTypeOf(t.db.user.with("posts").get).returns.resolves.items.toHaveProperty("posts");
    // @ts-expect-error: not a relation of user
    void (() => t.db.user.with("comments"));
    class Typed extends Model<{ id?: number; label: string }> {
      static fields = { id: id(), label: string() };
    }
    expectTypeOf(new Typed({ label: "x" }).label).toEqualTypeOf<string>();
    expectTypeOf<Awaited<ReturnType<typeof Typed.findOrFail<typeof Typed>>>["label"]>().toEqualTypeOf<string>();
  });
});

describe(`class model connections on ${dialect}`, () => {
  it("the latest db to list a class is its default; connectionName picks a named db", async () => {
    if (dialect !== "sqlite") return; // two in-memory databases: the binding rules are the same on every dialect
    class Note extends Model {
      static fields = { id: id(), text: string() };
      declare text: string;
    }
    class Named extends Model {
      static connectionName = "second";
      static fields = { id: id(), text: string() };
    }
    const first = createDb({ models: [Note, Named], url: "sqlite::memory:" });
    const second = createDb({ models: [Note, Named], url: "sqlite::memory:", connectionName: "second" });
    const third = createDb({ models: [Note, Named], url: "sqlite::memory:" });
    for (const db of [first, second, third]) await db.push();
    await Note.create({ text: "third" });
    expect(await third.note!.count()).toBe(1);
    expect(await first.note!.count()).toBe(0);
    await Named.create({ text: "named" });
    expect(await second.named!.count()).toBe(1);
    expect(await third.named!.count()).toBe(0);
    // Closing the named db: the class falls back to its default.
    await second.destroy();
    await Named.create({ text: "default" });
    expect(await third.named!.count()).toBe(1);
    await first.destroy();
    await third.destroy();
    expect(() => createDb({ models: [Note], url: "sqlite::memory:", connectionName: "" })).toThrow(RelataError);
    expect(() => createDb({ schema, models: [Note], url: "sqlite::memory:" } as any)).toThrow(/exactly one of schema/);
  });
});
