import { beforeAll, beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import {
  belongsTo,
  belongsToMany,
  boolean,
  type ClassQuery,
  createSchemaBuilder,
  defineSchema,
  hasMany,
  hasOne,
  type InstanceOf,
  id,
  integer,
  Model,
  morphMany,
  morphTo,
  string,
  text,
  timestamp,
  ValidationError,
} from "../../src/index.js";
import { caught } from "../support/caught.js";
import { dialect, eagerQueries, useTestDb } from "../support/test-db.js";

/**
 * Seed 002 (Velocity ORM, Go) ported to TypeScript class models the way a Velocity user would:
 * each Go struct a class, its `orm:"relation:..."` tags `static relations` built with relata's
 * builders, its snake_case `column:` tags the schema's `casing: "snake_case"` (camelCase
 * fields, `user_id` columns). Every example of the seed runs, results and instances asserted.
 * The struct tags' `uint` / `bigint` keys are `integer()`, relata's type of `id()` keys.
 */
class User extends Model {
  static fields = { id: id(), name: string() };
  // `comments` is not in the seed's User: its withCount("Posts", "Comments") example needs it.
  static relations = { profile: hasOne("profile"), posts: hasMany("post"), comments: hasMany("comment") };
  declare id: number;
  declare name: string;
}

class Profile extends Model {
  static fields = { id: id(), userId: integer(), bio: text() };
  static relations = { user: belongsTo("user") };
  declare id: number;
  declare userId: number;
  declare bio: string;
}

class Post extends Model {
  static fields = {
    id: id(),
    // Nullable (the seed's tag says not_null): its Dissociate example clears it.
    userId: integer().nullable(),
    title: string(),
    body: text().nullable(),
    published: boolean().default(false),
    archived: boolean().default(false),
    createdAt: timestamp(),
    updatedAt: timestamp(),
  };
  static timestamps = true;
  static relations = {
    user: belongsTo("user"),
    comments: hasMany("comment"),
    tags: belongsToMany("tag", { table: "post_tags", pivotFields: { order: integer().nullable() } }),
  };
  declare id: number;
  declare userId: number | null;
  declare title: string;
  declare body: string | null;
  declare published: boolean;
  declare archived: boolean;
  declare createdAt: Date;
  declare updatedAt: Date;
}

class Comment extends Model {
  static fields = { id: id(), postId: integer(), userId: integer(), content: text() };
  static relations = { post: belongsTo("post"), user: belongsTo("user") };
  declare id: number;
  declare postId: number;
  declare userId: number;
  declare content: string;
}

class Tag extends Model {
  static fields = { id: id(), name: string(100) };
  static relations = {
    posts: belongsToMany("post", { table: "post_tags", pivotFields: { order: integer().nullable() } }),
  };
  declare id: number;
  declare name: string;
}

const blog = defineSchema(
  { user: User, profile: Profile, post: Post, comment: Comment, tag: Tag },
  { casing: "snake_case" },
);

type Loaded<C, R> = C & R;
const names = (rows: readonly { name?: unknown }[]) => rows.map((r) => r.name).sort();

describe(`seed 002's relationships as class models on ${dialect}`, () => {
  const t = useTestDb(blog);
  let ada: InstanceOf<typeof User>, bob: typeof ada, cy: typeof ada, dee: typeof ada;
  let golang: InstanceOf<typeof Tag>, rust: typeof golang;
  let b0: InstanceOf<typeof Post>;

  beforeAll(async () => {
    // The seed's pivot migration, through relata's migration builder (push made post_tags first).
    await t.db.kysely.schema.dropTable("post_tags").execute();
    const schema = createSchemaBuilder(t.db.kysely, t.db.dialectName, { casing: "snake_case" });
    await schema.create("post_tags", (table) => {
      table.foreignId("post_id").constrained().onDelete("cascade");
      table.foreignId("tag_id").constrained().onDelete("cascade");
      table.primary(["post_id", "tag_id"]);
      // Not in the seed's migration: its "Attach with pivot data" example writes an order.
      table.integer("order").nullable();
    });
  });

  beforeEach(async () => {
    await t.truncate();
    [ada, bob, cy, dee] = (await User.createMany(["Ada", "Bob", "Cy", "Dee"].map((name) => ({ name })))) as [
      typeof ada,
      typeof ada,
      typeof ada,
      typeof ada,
    ];
    await Profile.create({ userId: ada.id, bio: "Ada's bio" });
    const rows = [
      ...Array.from({ length: 7 }, (_, i) => ({ userId: ada.id, title: `a${i}`, published: i < 6 })),
      { userId: bob.id, title: "b0", published: true },
      { userId: bob.id, title: "b1" },
      ...Array.from({ length: 11 }, (_, i) => ({ userId: dee.id, title: `d${i}` })),
    ];
    const posts = await Post.createMany(rows);
    b0 = posts.find((p) => p.title === "b0")!;
    const d0 = posts.find((p) => p.title === "d0")!;
    const a1 = posts.find((p) => p.title === "a1")!;
    await Comment.createMany([
      { postId: b0.id, userId: ada.id, content: "from Ada" },
      { postId: b0.id, userId: cy.id, content: "from Cy" },
      { postId: d0.id, userId: bob.id, content: "from Bob" },
    ]);
    [golang, rust] = (await Tag.createMany([{ name: "golang" }, { name: "rust" }])) as [typeof golang, typeof golang];
    await b0.tags().attach([golang.id]);
    await a1.tags().attach([rust.id]);
    t.queries.length = 0;
  });

  describe("eager loading", () => {
    it('User.with("posts") and With("Profile", "Posts"): one query per relation, instances throughout', async () => {
      const { result, queries } = await t.count(() => User.with("posts").orderBy("id").get());
      expect(queries).toBe(eagerQueries(2));
      const users = result as unknown as Loaded<User, { name: string; posts: Post[] }>[];
      expect(users.every((u) => u instanceof User)).toBe(true);
      expect(users.map((u) => `${u.name} has ${u.posts.length} posts`)).toEqual([
        "Ada has 7 posts",
        "Bob has 2 posts",
        "Cy has 0 posts",
        "Dee has 11 posts",
      ]);
      expect(users.flatMap((u) => u.posts).every((p) => p instanceof Post)).toBe(true);

      const both = await t.count(() => User.with("profile", "posts").orderBy("id").get());
      expect(both.queries).toBe(eagerQueries(3));
      const [first, second] = both.result as unknown as Loaded<User, { profile: Profile | null; posts: Post[] }>[];
      expect(first!.profile).toBeInstanceOf(Profile);
      expect(second!.profile).toBeNull();
    });

    it("nested: Posts.Comments, and Posts.Comments + Posts.Tags + Profile", async () => {
      const nested = await t.count(() => User.with("posts.comments").where("id", bob.id).get());
      expect(nested.queries).toBe(eagerQueries(3));
      const [user] = nested.result as unknown as Loaded<
        User,
        { posts: Loaded<Post, { title: string; comments: Comment[] }>[] }
      >[];
      const summary = user!.posts.map((p) => `${p.title}: ${p.comments.length}`).sort();
      expect(summary).toEqual(["b0: 2", "b1: 0"]);
      expect(user!.posts[0]!.comments.every((c) => c instanceof Comment)).toBe(true);

      const all = await t.count(() => User.with("posts.comments", "posts.tags", "profile").orderBy("id").get());
      expect(all.queries).toBe(eagerQueries(5));
      const users = all.result as unknown as Loaded<User, { posts: Loaded<Post, { title: string; tags: Tag[] }>[] }>[];
      const tagged = users.flatMap((u) => u.posts).filter((p) => p.tags.length > 0);
      expect(tagged.map((p) => `${p.title}:${names(p.tags)}`).sort()).toEqual(["a1:rust", "b0:golang"]);
      expect(tagged[0]!.tags[0]).toBeInstanceOf(Tag);
    });

    it("constrained: published, newest first, at most 5 per user; Profile with selected columns", async () => {
      const { result, queries } = await t.count(() =>
        User.with("posts", (q: ClassQuery<Post>) => q.where("published", true).orderBy("createdAt", "desc").limit(5))
          .with("profile", (q: ClassQuery<Profile>) => q.select("id", "userId", "bio"))
          .orderBy("id")
          .get(),
      );
      expect(queries).toBe(eagerQueries(3));
      const users = result as unknown as Loaded<User, { posts: Post[]; profile: Profile | null }>[];
      expect(users.map((u) => u.posts.length)).toEqual([5, 1, 0, 0]); // the limit is per parent
      expect(users[0]!.posts.every((p) => p.published === true && p instanceof Post)).toBe(true);
      expect(users[0]!.profile).toMatchObject({ userId: ada.id, bio: "Ada's bio" });
      expect(Object.keys(users[0]!.profile!).sort()).toEqual(["bio", "id", "userId"]);
    });
  });

  describe("querying relationships", () => {
    const ids = (rows: readonly unknown[]) => (rows as { name: string }[]).map((r) => r.name).sort();

    it("Has, Has with a count, and two Has chained", async () => {
      expect(ids(await User.has("posts").get())).toEqual(["Ada", "Bob", "Dee"]);
      expect(ids(await User.has("posts", ">", 5).get())).toEqual(["Ada", "Dee"]);
      const between = await User.has("posts", ">=", 1).has("posts", "<=", 10).get();
      expect(ids(between)).toEqual(["Ada", "Bob"]);
      expect(between.every((u: unknown) => u instanceof User)).toBe(true);
    });

    it("WhereHas: published posts, posts with comments, posts tagged golang (nested)", async () => {
      expect(ids(await User.whereHas("posts", (q: ClassQuery<Post>) => q.where("published", true)).get())).toEqual([
        "Ada",
        "Bob",
      ]);
      expect(ids(await User.whereHas("posts", (q: ClassQuery<Post>) => q.has("comments")).get())).toEqual([
        "Bob",
        "Dee",
      ]);
      const golangers = await User.whereHas("posts", (q: ClassQuery<Post>) =>
        q.whereHas("tags", (tq: ClassQuery<Tag>) => tq.where("name", "golang")),
      ).get();
      expect(ids(golangers)).toEqual(["Bob"]);
      expect(golangers[0]).toBeInstanceOf(User);
    });

    it("DoesntHave and WhereDoesntHave", async () => {
      expect(ids(await User.doesntHave("posts").get())).toEqual(["Cy"]);
      expect(
        ids(await User.whereDoesntHave("posts", (q: ClassQuery<Post>) => q.where("published", true)).get()),
      ).toEqual(["Cy", "Dee"]);
    });
  });

  describe("creating related records", () => {
    it("Save and SaveMany through user.posts(); Create returns the new post", async () => {
      const user = await User.findOrFail(cy.id);
      const post = new Post({ title: "New Post", body: "Content" });
      await user.posts().save(post);
      expect(post.userId).toBe(cy.id);
      expect(post.id).toEqual(expect.any(Number));
      await user
        .posts()
        .saveMany([new Post({ title: "Post 1", body: "Content 1" }), new Post({ title: "Post 2", body: "Content 2" })]);
      const created = await user.posts().create({ title: "New Post 2", body: "Content" });
      expect(created).toBeInstanceOf(Post);
      expect(created.userId).toBe(cy.id);
      const titles = (await user.posts().orderBy("id").get()).map((p: Post & { title: string }) => p.title);
      expect(titles).toEqual(["New Post", "Post 1", "Post 2", "New Post 2"]);
    });

    // Regression: the write through the relation copied the new values onto the instance
    // without recording them as saved, so the next save() inserted the post again.
    it("a post saved through user.posts() is a saved instance: a later save() updates it", async () => {
      const user = await User.findOrFail(cy.id);
      const existing = await Post.findOrFail(b0.id);
      await user.posts().save(existing);
      expect(existing.isDirty()).toBe(false);
      const post = new Post({ title: "Draft" });
      await user.posts().save(post);
      expect(post.isDirty()).toBe(false);
      post.title = "Edited";
      await post.save();
      expect(await Post.where("userId", cy.id).count()).toBe(2);
      expect((await Post.findOrFail(post.id)).title).toBe("Edited");
    });

    it("Associate, then Save: the post belongs to the user in the database", async () => {
      const post = await Post.findOrFail(b0.id);
      const user = await User.findOrFail(dee.id);
      // relata's associate writes the key itself (one UPDATE); the seed's post.Save() follows it.
      const associated = await t.count(() => post.user().associate(user));
      expect(associated.queries).toBe(1);
      expect(post.userId).toBe(dee.id);
      await post.save();
      expect((await Post.findOrFail(b0.id)).userId).toBe(dee.id);
      expect(
        ((await User.with("posts").where("id", dee.id).firstOrFail()) as unknown as Loaded<User, { posts: Post[] }>)
          .posts,
      ).toHaveLength(12);
    });

    // Regression: associate's write set the key on the instance without recording it as saved,
    // so the seed's post.Save() after Associate sent a second UPDATE.
    it("after associate the instance is clean: the seed's post.Save() sends nothing", async () => {
      const post = await Post.findOrFail(b0.id);
      await post.user().associate(await User.findOrFail(dee.id));
      expect(post.isDirty()).toBe(false);
      expect((await t.count(() => post.save())).queries).toBe(0);
    });

    it("Dissociate, then Save: the post's user_id is null in the database", async () => {
      const post = await Post.findOrFail(b0.id);
      await post.user().dissociate();
      await post.save();
      expect(post.userId).toBeNull();
      expect((await Post.findOrFail(b0.id)).userId).toBeNull();
      // With the seed's not_null tag (Profile's user_id here), dissociate is a ValidationError, before any SQL.
      const profile = await Profile.where("userId", ada.id).firstOrFail();
      t.queries.length = 0;
      const error = await caught(() => profile.user().dissociate());
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toMatch(/userId/);
      expect(t.queries).toHaveLength(0);
    });

    it("Attach, attach with pivot data, Detach some, Detach all, Sync", async () => {
      const post = await Post.findOrFail(b0.id);
      const [t3, t4, t5] = await Tag.createMany([{ name: "t3" }, { name: "t4" }, { name: "t5" }]);
      const tags = () =>
        post.tags().orderBy("id").get() as Promise<(Tag & { name: string; pivot: { order: number | null } })[]>;
      // Keys already attached are left alone: attach returns the ones it added.
      expect(await post.tags().attach([golang.id, rust.id, t3!.id])).toEqual([rust.id, t3!.id]);
      expect(names(await tags())).toEqual(["golang", "rust", "t3"]);
      await post.tags().detach();
      await post.tags().attach({ [golang.id]: { order: 1 }, [rust.id]: { order: 2 } });
      expect((await tags()).map((tag) => [tag.name, tag.pivot.order])).toEqual([
        ["golang", 1],
        ["rust", 2],
      ]);
      expect(await post.tags().detach([rust.id, t3!.id])).toBe(1);
      expect(names(await tags())).toEqual(["golang"]);
      expect(await post.tags().detach()).toBe(1);
      expect(await tags()).toEqual([]);
      const synced = await post.tags().sync([golang.id, t4!.id, t5!.id]);
      expect(synced.attached).toEqual([golang.id, t4!.id, t5!.id]);
      expect(names(await tags())).toEqual(["golang", "t4", "t5"]);
      expect((await tags()).every((tag) => tag instanceof Tag)).toBe(true);
    });
  });

  describe("updating, deleting and counting related records", () => {
    it("Update all related posts; Update with a condition", async () => {
      const user = await User.findOrFail(ada.id);
      expect(await user.posts().update({ published: false })).toBe(7);
      expect(await user.posts().where("published", true).count()).toBe(0);
      const lastMonth = new Date(Date.now() - 30 * 24 * 3600 * 1000);
      const old = await user
        .posts()
        .where("title", "in", ["a0", "a1"])
        .update({ createdAt: new Date(2020, 0, 1) });
      expect(old).toBe(2);
      expect(await user.posts().where("createdAt", "<", lastMonth).update({ archived: true })).toBe(2);
      expect((await Post.where("archived", true).orderBy("title").get()).map((p) => p.title)).toEqual(["a0", "a1"]);
    });

    it("Delete all posts; Delete with a condition; DeleteWith posts and profile", async () => {
      const user = await User.findOrFail(ada.id);
      expect(await user.posts().where("published", false).delete()).toBe(1);
      expect(await user.posts().count()).toBe(6);
      const bobs = await User.findOrFail(bob.id);
      expect(await bobs.posts().delete()).toBe(2);
      expect(await Post.where("userId", bob.id).count()).toBe(0);
      await user.deleteWith("posts", "profile");
      expect(await User.find(ada.id)).toBeNull();
      expect(await Post.where("userId", ada.id).count()).toBe(0);
      expect(await Profile.where("userId", ada.id).count()).toBe(0);
      expect(await User.count()).toBe(3);
      // The migration's ON DELETE CASCADE took a1's pivot row with it.
      expect(await t.db.kysely.selectFrom("post_tags").select("tag_id").execute()).toEqual([]);
    });

    it("Count, Count with a condition, WithCount(Posts, Comments)", async () => {
      const user = await User.findOrFail(ada.id);
      expect(await user.posts().count()).toBe(7);
      expect(await user.posts().where("published", true).count()).toBe(6);
      const { result, queries } = await t.count(() => User.withCount("posts", "comments").orderBy("id").get());
      expect(queries).toBe(1);
      const counts = (result as unknown as (User & { postsCount: number; commentsCount: number })[]).map(
        (u) => `${u.name}: ${u.postsCount} posts, ${u.commentsCount} comments`,
      );
      expect(counts).toEqual([
        "Ada: 7 posts, 1 comments",
        "Bob: 2 posts, 1 comments",
        "Cy: 0 posts, 1 comments",
        "Dee: 11 posts, 0 comments",
      ]);
      expect((result as unknown[]).every((u) => u instanceof User)).toBe(true);
    });
  });

  it("types: reads through the statics are instances with their fields and accessors", () => {
    type Found = Awaited<ReturnType<typeof Post.findOrFail<typeof Post>>>;
    expectTypeOf<Found>().toExtend<Post>();
    expectTypeOf<Found["userId"]>().toEqualTypeOf<number | null>();
    expectTypeOf<Found["title"]>().toEqualTypeOf<string>();
    expectTypeOf<Found["tags"]>().toBeFunction();
  });
});

describe(`seed 002's custom foreign keys on ${dialect}`, () => {
  class Author extends Model {
    static model = "user";
    static fields = { id: id(), name: string() };
    static relations = { posts: hasMany("post", { foreignKey: "authorId", localKey: "id" }) };
  }
  class Article extends Model {
    static model = "post";
    static fields = { id: id(), authorId: integer(), title: string() };
    static relations = { author: belongsTo("user", { foreignKey: "authorId", ownerKey: "id" }) };
  }
  const t = useTestDb(defineSchema({ user: Author, post: Article }, { casing: "snake_case" }));

  it("posts and author go through author_id", async () => {
    const ada = await Author.create({ name: "Ada" });
    const bob = await Author.create({ name: "Bob" });
    const post = await ada.posts().create({ title: "Keys" });
    expect(post).toBeInstanceOf(Article);
    expect(post.authorId).toBe(ada.id);
    const [column] = await t.db.kysely.selectFrom("post").select("author_id").execute();
    expect(column).toEqual({ author_id: ada.id });
    const [loaded] = (await Article.with("author").get()) as unknown as (Article & { author: Author })[];
    expect(loaded!.author).toBeInstanceOf(Author);
    await post.author().associate(bob);
    const users = (await Author.with("posts").orderBy("id").get()) as unknown as (Author & { posts: Article[] })[];
    expect(users.map((u) => u.posts.length)).toEqual([0, 1]);
  });
});

describe(`seed 002's polymorphic comments on ${dialect}`, () => {
  class Remark extends Model {
    static model = "comment";
    static fields = { id: id(), commentableId: integer(), commentableType: string(), content: text() };
    static relations = { commentable: morphTo() };
    declare id: number;
  }
  class Article extends Model {
    static model = "post";
    static fields = { id: id(), title: string() };
    static relations = { comments: morphMany("comment", { morphName: "commentable" }) };
  }
  class Video extends Model {
    static fields = { id: id(), title: string() };
    static relations = { comments: morphMany("comment", { morphName: "commentable" }) };
  }
  const t = useTestDb(defineSchema({ comment: Remark, post: Article, video: Video }, { casing: "snake_case" }));

  it("Post and Video comments: commentable_type / commentable_id, loaded both ways", async () => {
    const post = await Article.create({ title: "A post" });
    const video = await Video.create({ title: "A video" });
    const c1 = await post.comments().create({ content: "on the post" });
    const c2 = await video.comments().create({ content: "on the video" });
    expect(c1).toBeInstanceOf(Remark);
    const rows = await t.db.kysely
      .selectFrom("comment")
      .select(["commentable_type", "commentable_id"])
      .orderBy("id")
      .execute();
    expect(rows).toEqual([
      { commentable_type: "post", commentable_id: post.id },
      { commentable_type: "video", commentable_id: video.id },
    ]);
    const loaded = await t.count(() => Remark.with("commentable").orderBy("id").get());
    expect(loaded.queries).toBe(eagerQueries(3));
    const [r1, r2] = loaded.result as unknown as (Remark & { commentable: object })[];
    expect(r1!.commentable).toBeInstanceOf(Article);
    expect(r2!.commentable).toBeInstanceOf(Video);
    const videos = (await Video.with("comments").get()) as unknown as (Video & { comments: Remark[] })[];
    expect(videos[0]!.comments.map((c) => c.id)).toEqual([c2.id]);
    expect(videos[0]!.comments[0]).toBeInstanceOf(Remark);
  });
});
