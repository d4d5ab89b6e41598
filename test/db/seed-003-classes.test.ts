import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import { column, createDb, type Db, Model, type QueryEvent, relation, type Schema } from "../../src/index.js";
import { dialect, isolatedUrl } from "../support/test-db.js";

/**
 * Seed 003 (eloquent-orm.js), "Scenario 1: SQL relational model", as written: its `User` and
 * `Post` classes (the seed's `SqlModel<Attrs>` is relata's `Model<Attrs>`; every other line as
 * the seed has it), with the classes its relation list names next to them: `Tag` for the
 * `post_tags` pivot, and its Scenario 2 `Comment` / `Photo` as SQL classes with the morph
 * relations (`morphMany` Comment by commentable, `morphTo`, `morphOne` Image by imageable).
 * `GeoLocation` is the model the seed's Photo `morphTo` names; it owns the photos and the image.
 * Then what a user of that library does with them, on every database.
 */

type UserAttrs = { id?: number; name?: string };
type PostAttrs = { id?: number; title?: string; user_id?: number };

class User extends Model<UserAttrs> {
  static tableName = "users";
  static connectionName = process.env.DB_CONNECTION ?? "sqlite";
  static schema = {
    id: column("increments", undefined, { primary: true }),
    name: column("string", 255),
    posts: relation("hasMany", "Post", { foreignKey: "user_id" }),
  };
  constructor() {
    super("users", process.env.DB_CONNECTION ?? "sqlite");
  }
}

class Post extends Model<PostAttrs> {
  static tableName = "posts";
  static connectionName = process.env.DB_CONNECTION ?? "sqlite";
  static schema = {
    id: column("increments", undefined, { primary: true }),
    title: column("string", 255),
    user_id: column("int"),
    author: relation("belongsTo", "User", { foreignKey: "user_id" }),
    tags: relation("belongsToMany", "Tag", {
      pivotTable: "post_tags",
      pivotLocalKey: "post_id",
      pivotForeignKey: "tag_id",
    }),
  };
  constructor() {
    super("posts", process.env.DB_CONNECTION ?? "sqlite");
  }
}

type TagAttrs = { id?: number; name?: string };

class Tag extends Model<TagAttrs> {
  static tableName = "tags";
  static connectionName = process.env.DB_CONNECTION ?? "sqlite";
  static schema = {
    id: column("increments", undefined, { primary: true }),
    name: column("string", 100),
    posts: relation("belongsToMany", "Post", {
      pivotTable: "post_tags",
      pivotLocalKey: "tag_id",
      pivotForeignKey: "post_id",
    }),
  };
  constructor() {
    super("tags", process.env.DB_CONNECTION ?? "sqlite");
  }
}

type CommentAttrs = {
  id?: number;
  body?: string;
  commentable_type?: string;
  commentable_id?: number;
};

/** Seed 003's Scenario 2 Comment, on the SQL connection (its id field a string, as the seed has it). */
class Comment extends Model<CommentAttrs> {
  static tableName = "comments";
  static connectionName = process.env.DB_CONNECTION ?? "sqlite";
  static schema = {
    id: column("increments", undefined, { primary: true }),
    body: column("string", 255),
    commentable_id: column("string"),
    commentable_type: column("string", 255),
    commentable: relation("morphTo", "Image", { morphName: "commentable" }),
  };
  constructor() {
    super("comments", process.env.DB_CONNECTION ?? "sqlite");
  }
}

type PhotoAttrs = {
  id?: number;
  path?: string;
  commentable_id?: number;
  commentable_type?: string;
};

/** Seed 003's Scenario 2 Photo, on the SQL connection (PhotoAttrs as the seed has it). */
class Photo extends Model<PhotoAttrs> {
  static tableName = "photos";
  static connectionName = process.env.DB_CONNECTION ?? "sqlite";
  static schema = {
    id: column("increments", undefined, { primary: true }),
    path: column("string", 255),
    imageable_id: column("string"),
    imageable_type: column("string", 255),
    imageable: relation("morphTo", "GeoLocation", { morphName: "imageable" }),
    comments: relation("morphMany", "Comment", { morphName: "commentable" }),
  };
  constructor() {
    super("photos", process.env.DB_CONNECTION ?? "sqlite");
  }
}

type ImageAttrs = { id?: number; url?: string; imageable_id?: number; imageable_type?: string };

/** The target of the relation list's `relation("morphOne", "Image", { morphName: "imageable" })`. */
class Image extends Model<ImageAttrs> {
  static tableName = "images";
  static connectionName = process.env.DB_CONNECTION ?? "sqlite";
  static schema = {
    id: column("increments", undefined, { primary: true }),
    url: column("string", 255),
    imageable_id: column("int"),
    imageable_type: column("string", 255),
    imageable: relation("morphTo", "Commentable", { morphName: "imageable" }),
    comments: relation("morphMany", "Comment", { morphName: "commentable" }),
  };
  constructor() {
    super("images", process.env.DB_CONNECTION ?? "sqlite");
  }
}

type GeoLocationAttrs = { id?: number; name?: string };

/** The model seed 003's Photo `morphTo` names: it has photos, and one image. */
class GeoLocation extends Model<GeoLocationAttrs> {
  static tableName = "geo_locations";
  static connectionName = process.env.DB_CONNECTION ?? "sqlite";
  static schema = {
    id: column("increments", undefined, { primary: true }),
    name: column("string", 255),
    photos: relation("morphMany", "Photo", { morphName: "imageable" }),
    image: relation("morphOne", "Image", { morphName: "imageable" }),
  };
  constructor() {
    super("geo_locations", process.env.DB_CONNECTION ?? "sqlite");
  }
}

const models = [User, Post, Tag, Comment, Photo, Image, GeoLocation];

describe(`seed 003's Scenario 1 classes on ${dialect}`, () => {
  const queries: QueryEvent[] = [];
  let db: Db<Schema<any>>;
  let other: Db<Schema<any>>;
  let drop = async () => {};

  beforeAll(async () => {
    const isolated = await isolatedUrl();
    drop = isolated.drop;
    // DB_CONNECTION is unset in tests: the classes' connectionName is "sqlite" on every dialect.
    expect(User.connectionName).toBe("sqlite");
    db = createDb({ models, url: isolated.url, connectionName: "sqlite", onQuery: (q) => queries.push(q) });
    await db.push();
    // A db created later that lists the same classes without that name: the named db still wins.
    other = createDb({ models, url: "sqlite::memory:" });
    await other.push();
  });

  beforeEach(async () => {
    for (const table of ["post_tags", "comments", "photos", "images", "geo_locations", "posts", "tags", "users"]) {
      await db.kysely.deleteFrom(table).execute();
    }
    queries.length = 0;
  });

  afterAll(async () => {
    await other?.destroy();
    await db?.destroy();
    await drop();
  });

  const count = async <T>(fn: () => Promise<T>) => {
    const before = queries.length;
    const result = await fn();
    return { result, queries: queries.length - before };
  };

  it("new User() as the seed constructs it, then save(), inserts through the db named by connectionName", async () => {
    const ada = new User();
    ada.name = "Ada";
    expect(ada.isDirty()).toBe(true);
    await ada.save();
    expect(ada.id).toEqual(expect.any(Number));
    expect(ada.isDirty()).toBe(false);
    // The named db holds it; the db created after it, listing the same classes, does not.
    expect(await db.user!.count()).toBe(1);
    expect(await other.user!.count()).toBe(0);
    expect(await User.count()).toBe(1);
    const found = await User.findOrFail(ada.id!);
    expect(found).toBeInstanceOf(User);
    expect(found.name).toBe("Ada");
  });

  it("creates users and posts through the statics; every read returns class instances", async () => {
    const ada = await User.create({ name: "Ada" });
    const bob = await User.create({ name: "Bob" });
    expect(ada).toBeInstanceOf(User);
    const posts = await Post.createMany([
      { title: "P1", user_id: ada.id },
      { title: "P2", user_id: ada.id },
      { title: "B1", user_id: bob.id },
    ]);
    expect(posts.every((p) => p instanceof Post)).toBe(true);
    expect(posts.map((p) => p.user_id)).toEqual([ada.id, ada.id, bob.id]);
    expect((await Post.where("user_id", ada.id).orderBy("id").get()).map((p) => p.title)).toEqual(["P1", "P2"]);
    expect((await Post.all()).every((p) => p instanceof Post)).toBe(true);
    expect(await Post.find(999_999)).toBeNull();
  });

  it('eager loads User.with("posts") and Post.with("author", "tags"): one query per relation', async () => {
    const ada = await User.create({ name: "Ada" });
    const bob = await User.create({ name: "Bob" });
    const [p1, p2] = await Post.createMany([
      { title: "P1", user_id: ada.id },
      { title: "P2", user_id: ada.id },
    ]);
    const [news, golang] = await Tag.createMany([{ name: "news" }, { name: "golang" }]);
    await p1!.tags().attach([news!.id, golang!.id]);

    const users = await count(() => User.with("posts").orderBy("id").get());
    expect(users.queries).toBe(2);
    const [first, second] = users.result as unknown as (User & { posts: Post[] })[];
    expect(first).toBeInstanceOf(User);
    expect(first!.posts.map((p) => p.title).sort()).toEqual(["P1", "P2"]);
    expect(first!.posts.every((p) => p instanceof Post)).toBe(true);
    expect(second!.id).toBe(bob.id);
    expect(second!.posts).toEqual([]);

    const loaded = await count(() => Post.with("author", "tags").orderBy("id").get());
    expect(loaded.queries).toBe(3);
    const [withTags, without] = loaded.result as unknown as (Post & { author: User | null; tags: Tag[] })[];
    // The relation named "author" loads the target class User through user_id.
    expect(withTags!.author).toBeInstanceOf(User);
    expect(withTags!.author!.name).toBe("Ada");
    expect(withTags!.tags.map((t) => t.name).sort()).toEqual(["golang", "news"]);
    expect(withTags!.tags.every((t) => t instanceof Tag)).toBe(true);
    expect(without!.id).toBe(p2!.id);
    expect(without!.tags).toEqual([]);
    // The inverse pivot relation, declared with the seed's pivot names the other way round.
    const tag = (await Tag.with("posts").where("name", "news").firstOrFail()) as unknown as Tag & { posts: Post[] };
    expect(tag.posts.map((p) => p.title)).toEqual(["P1"]);
  });

  it("accessors: user.posts(), post.author().get(), post.tags().attach(...)", async () => {
    const ada = await User.create({ name: "Ada" });
    const created = await ada.posts().create({ title: "Via accessor" });
    expect(created).toBeInstanceOf(Post);
    expect(created.user_id).toBe(ada.id);
    expect(await ada.posts().count()).toBe(1);
    const listed = await ada.posts().get();
    expect(listed.map((p: Post) => p.title)).toEqual(["Via accessor"]);

    const post = await Post.findOrFail(created.id);
    const author = await post.author().get();
    expect(author).toBeInstanceOf(User);
    expect(author.id).toBe(ada.id);

    const [a, b, c] = await Tag.createMany([{ name: "a" }, { name: "b" }, { name: "c" }]);
    expect(await post.tags().attach([a!.id, b!.id])).toEqual([a!.id, b!.id]);
    const rows = await db.kysely.selectFrom("post_tags").selectAll().orderBy("tag_id").execute();
    expect(rows).toEqual([
      { post_id: post.id, tag_id: a!.id },
      { post_id: post.id, tag_id: b!.id },
    ]);
    await post.tags().sync([b!.id, c!.id]);
    expect((await post.tags().get()).map((t: Tag) => t.name).sort()).toEqual(["b", "c"]);
    expect(await post.tags().detach()).toBe(2);
    expect(await post.tags().count()).toBe(0);
  });

  it("morph relations: morphMany comments, morphTo commentable (one query per type), morphOne image", async () => {
    const place = await GeoLocation.create({ name: "Lisbon" });
    const photo = await place.photos().create({ path: "tram.png" });
    expect(photo).toBeInstanceOf(Photo);
    expect(photo).toMatchObject({ imageable_type: "geoLocation", imageable_id: String(place.id) });
    const image = await place.image().create({ url: "https://x.test/lisbon.png" });
    expect(image).toMatchObject({ imageable_type: "geoLocation", imageable_id: place.id });

    const onPhoto = await photo.comments().create({ body: "nice tram" });
    const onImage = await image.comments().create({ body: "nice view" });
    expect(onPhoto).toBeInstanceOf(Comment);
    // The seed declares commentable_id as a string column: it holds the owner's key as a string.
    expect(onPhoto).toMatchObject({ commentable_type: "photo", commentable_id: String(photo.id) });
    expect(onImage).toMatchObject({ commentable_type: "image", commentable_id: String(image.id) });

    const comments = await count(() => Comment.with("commentable").orderBy("id").get());
    expect(comments.queries).toBe(3); // the comments, then one query per commentable type
    const [c1, c2] = comments.result as unknown as (Comment & { commentable: Photo | Image })[];
    expect(c1!.commentable).toBeInstanceOf(Photo);
    expect(c1!.commentable.id).toBe(photo.id);
    expect(c2!.commentable).toBeInstanceOf(Image);
    expect(c2!.commentable.id).toBe(image.id);

    const places = await count(() => GeoLocation.with("image", "photos.comments").get());
    expect(places.queries).toBe(4);
    const [loaded] = places.result as unknown as (GeoLocation & {
      image: Image;
      photos: (Photo & { comments: Comment[] })[];
    })[];
    expect(loaded!.image).toBeInstanceOf(Image);
    expect(loaded!.photos[0]).toBeInstanceOf(Photo);
    expect(loaded!.photos[0]!.comments.map((c) => c.body)).toEqual(["nice tram"]);

    expect(await image.imageable().get()).toBeInstanceOf(GeoLocation);
    expect(((await onPhoto.commentable().get()) as Photo).path).toBe("tram.png");
  });

  it("save() writes only the dirty fields; delete() removes the row", async () => {
    const ada = await User.create({ name: "Ada" });
    const post = await Post.create({ title: "Draft", user_id: ada.id });
    expect(post.isDirty()).toBe(false);
    post.title = "Final";
    expect(post.isDirty("title")).toBe(true);
    expect(post.isDirty("user_id")).toBe(false);
    expect(post.getDirty()).toEqual({ title: "Final" });
    const saved = await count(() => post.save());
    expect(saved.queries).toBeGreaterThanOrEqual(1);
    const update = queries.find((q) => /^update/i.test(q.sql))!;
    expect(update.sql).toMatch(/title/);
    expect(update.sql).not.toMatch(/user_id/);
    expect(post.isDirty()).toBe(false);
    expect((await Post.findOrFail(post.id)).title).toBe("Final");
    // Nothing changed: no statement.
    expect((await count(() => post.save())).queries).toBe(0);

    await post.delete();
    expect(await Post.find(post.id)).toBeNull();
    expect(await ada.posts().count()).toBe(0);
  });

  it("types: Model<Attrs> types the instance; the statics read the static schema's fields", () => {
    expectTypeOf<User["name"]>().toEqualTypeOf<string | undefined>();
    type Found = NonNullable<Awaited<ReturnType<typeof Post.find<typeof Post>>>>;
    expectTypeOf<Found>().toExtend<Post>();
    expectTypeOf<Found["title"]>().toEqualTypeOf<string>();
    expectTypeOf<Found["user_id"]>().toEqualTypeOf<number>();
    // The seed's constructor takes no arguments.
    expectTypeOf(User).constructorParameters.toEqualTypeOf<[]>();
  });
});
