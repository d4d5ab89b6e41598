import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import {
  type BelongsToManyRelationship,
  type BelongsToRelationship,
  type HasManyRelationship,
  type HasOneRelationship,
  RelationshipFactory,
} from "../../src/api/class-model/relationship-factory.js";
import {
  createDb,
  id,
  integer,
  Model,
  type NPlusOneReport,
  type QueryEvent,
  SchemaError,
  string,
  timestamp,
  ValidationError,
} from "../../src/index.js";
import { caught } from "../support/caught.js";
import { isolatedUrl } from "../support/test-db.js";

// neko-orm's documented classes (seed 004), with relata's field builders.
class Post extends Model {
  static table = "posts";
  static fields = { id: id(), title: string() };
  declare id: number;
  declare title: string;

  comments() {
    return RelationshipFactory.createHasMany<Post, Comment>({ source: this, targetModel: Comment });
  }

  /** Through the bare junction table `label_post` (the default name), written with Kysely. */
  labels() {
    return RelationshipFactory.createBelongsToMany<Post, Label>({ source: this, targetModel: Label });
  }

  /** Through a junction model, written through it. */
  pinnedLabels() {
    return RelationshipFactory.createBelongsToMany<Post, Label>({
      source: this,
      targetModel: Label,
      junctionModel: PostLabel,
    });
  }
}

class Comment extends Model {
  static table = "comments";
  static fields = { id: id(), post_id: integer().nullable(), body: string() };
  declare id: number;
  declare post_id: number | null;
  declare body: string;

  post() {
    return RelationshipFactory.createBelongsTo<Comment, Post>({
      source: this,
      targetModel: Post,
      sourceToTargetKeyAssociation: { post_id: "id" },
    });
  }
}

// Key prediction with a camelCase key both ways (authorId), and a hasOne from a two-word model name.
class Author extends Model {
  static table = "authors";
  static fields = { id: id(), name: string() };
  declare id: number;
  books() {
    return RelationshipFactory.createHasMany({ source: this, targetModel: Book });
  }
}

class Book extends Model {
  static table = "books";
  static fields = { id: id(), authorId: integer().nullable(), title: string() };
  declare id: number;
  declare authorId: number | null;
  author() {
    return RelationshipFactory.createBelongsTo({ source: this, targetModel: Author });
  }
}

class BlogPost extends Model {
  static table = "blog_posts";
  static fields = { id: id(), title: string() };
  declare id: number;
  featured() {
    return RelationshipFactory.createHasOne<BlogPost, Reply>({ source: this, targetModel: Reply });
  }
}

class Reply extends Model {
  static table = "replies";
  static fields = { id: id(), blog_post_id: integer().nullable(), text: string() };
  declare id: number;
  declare blog_post_id: number | null;
}

// A composite key: two association entries.
class Shelf extends Model {
  static table = "shelves";
  static fields = { id: id(), room: string(), code: string() };
  declare room: string;
  declare code: string;
  items() {
    return RelationshipFactory.createHasMany<Shelf, Item>({
      source: this,
      targetModel: Item,
      sourceToTargetKeyAssociation: { room: "shelf_room", code: "shelf_code" },
    });
  }
}

class Item extends Model {
  static table = "items";
  static fields = { id: id(), shelf_room: string().nullable(), shelf_code: string().nullable(), name: string() };
  declare id: number;
  declare shelf_room: string | null;
  declare shelf_code: string | null;
  declare name: string;
  shelf() {
    return RelationshipFactory.createBelongsTo<Item, Shelf>({
      source: this,
      targetModel: Shelf,
      sourceToTargetKeyAssociation: { shelf_room: "room", shelf_code: "code" },
    });
  }
}

class Label extends Model {
  static table = "labels";
  static fields = { id: id(), name: string() };
  declare id: number;
  declare name: string;
}

class PostLabel extends Model {
  static table = "post_labels";
  static fields = { id: id(), post_id: integer(), label_id: integer() };
}

// A model with timestamps: associate saves each row (its updatedAt comes back).
class Review extends Model {
  static table = "reviews";
  static timestamps = true;
  static fields = {
    id: id(),
    post_id: integer().nullable(),
    createdAt: timestamp().nullable(),
    updatedAt: timestamp().nullable(),
  };
  declare id: number;
  declare post_id: number | null;
  declare updatedAt: Date | null;
}

// Models for the errors: both key spellings, a non-nullable key, a model no db lists.
class Tag extends Model {
  static table = "tags";
  static fields = { id: id(), post_id: integer(), postId: integer(), label: string() };
}
class Note extends Model {
  static table = "notes";
  static fields = { id: id(), post_id: integer(), text: string() };
}
class Stranger extends Model {
  static table = "strangers";
  static fields = { id: id(), post_id: integer() };
}

let db: ReturnType<typeof createDb>;
let drop = async () => {};
const queries: QueryEvent[] = [];
const reports: NPlusOneReport[] = [];

beforeAll(async () => {
  const isolated = await isolatedUrl();
  drop = isolated.drop;
  db = createDb({
    models: [Post, Comment, Author, Book, BlogPost, Reply, Shelf, Item, Tag, Note, Label, PostLabel, Review],
    url: isolated.url,
    onQuery: (event) => queries.push(event),
    detectNPlusOne: (report) => reports.push(report),
  });
  await db.push();
  await db.kysely.schema
    .createTable("label_post")
    .addColumn("post_id", "integer", (c) => c.notNull())
    .addColumn("label_id", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("label_post_pk", ["post_id", "label_id"])
    .execute();
});

afterAll(async () => {
  await db?.destroy();
  await drop();
});

beforeEach(async () => {
  const tables = ["comments", "label_post", "post_labels", "labels", "posts", "books", "authors", "replies"];
  for (const table of [...tables, "blog_posts", "items", "shelves", "notes", "reviews"]) {
    await db.kysely.deleteFrom(table).execute();
  }
  queries.length = 0;
  reports.length = 0;
});

/** The statements `fn` sends. */
async function sent<T>(fn: () => Promise<T>): Promise<{ sql: string[]; result: T }> {
  const before = queries.length;
  const result = await fn();
  return { sql: queries.slice(before).map((q) => q.sql.trim().toLowerCase()), result };
}

const ids = (rows: readonly { id: number }[]) => rows.map((row) => row.id);

describe("hasMany (neko's examples)", () => {
  it("toArray gives the comments as Comment instances, ordered by id", async () => {
    const post = await Post.create({ title: "Hello" });
    const other = await Post.create({ title: "Other" });
    const [c1, c2] = await Comment.createMany([
      { post_id: post.id, body: "one" },
      { post_id: post.id, body: "two" },
      { post_id: other.id, body: "elsewhere" },
    ]);
    const comments = await post.comments().toArray();
    expect(comments.map((c) => c.body)).toEqual(["one", "two"]);
    expect(comments[0]).toBeInstanceOf(Comment);
    expect(ids(await post.comments().get())).toEqual([c1!.id, c2!.id]);
    expect((await post.comments().first())?.body).toBe("one");
    expect(await post.comments().count()).toBe(2);
    expect(await post.comments().query().where("body", "two").count()).toBe(1);
  });

  it("for await streams the comments in batches of 100, one instance at a time", async () => {
    const post = await Post.create({ title: "Busy" });
    await Comment.createMany(Array.from({ length: 250 }, (_, i) => ({ post_id: post.id, body: `c${i}` })));
    const seen: string[] = [];
    const { sql } = await sent(async () => {
      for await (const comment of post.comments()) {
        expect(comment).toBeInstanceOf(Comment);
        seen.push(comment.body);
      }
    });
    expect(seen).toHaveLength(250);
    expect(seen[0]).toBe("c0");
    expect(seen[249]).toBe("c249");
    // 100 + 100 + 50: the short last batch ends it.
    expect(sql).toHaveLength(3);
    expect(sql.every((s) => s.startsWith("select"))).toBe(true);
    const { sql: smaller } = await sent(async () => {
      let n = 0;
      for await (const _ of post.comments().cursor({ batchSize: 50 })) n++;
      expect(n).toBe(250);
    });
    expect(smaller).toHaveLength(6);
  });

  it("associate one and many: the comments point at the post, one UPDATE for a batch", async () => {
    const post = await Post.create({ title: "P" });
    const [c2, c3, c4] = await Comment.createMany([{ body: "2" }, { body: "3" }, { body: "4" }]);
    await post.comments().associate(c2!);
    expect(c2!.post_id).toBe(post.id);
    const { sql } = await sent(() => post.comments().associate([c3!, c4!]));
    expect(sql).toHaveLength(1);
    expect(sql[0]).toMatch(/^update/);
    expect(ids(await post.comments().toArray())).toEqual(ids([c2!, c3!, c4!]));
    // The instances hold the saved key: nothing left to save.
    expect(c3!.isDirty()).toBe(false);
    expect((await sent(() => c3!.save())).sql).toHaveLength(0);
  });

  it("associate saves other unsaved changes and new rows through save()", async () => {
    const post = await Post.create({ title: "P" });
    const stored = await Comment.create({ body: "old" });
    stored.body = "edited";
    const fresh = new Comment({ body: "new" });
    await post.comments().associate([stored, fresh]);
    expect(fresh.id).toBeTypeOf("number");
    const rows = await post.comments().toArray();
    expect(rows.map((r) => r.body)).toEqual(["edited", "new"]);
  });

  it("associate saves row by row when the model stamps updatedAt, and the instances get it", async () => {
    const post = await Post.create({ title: "P" });
    const old = new Date("2020-01-01T00:00:00Z");
    const reviews = await Review.createMany([{ updatedAt: old }, { updatedAt: old }]);
    const before = reviews.map((r) => r.updatedAt!.getTime());
    expect(before).toEqual([old.getTime(), old.getTime()]);
    const { sql } = await sent(() =>
      RelationshipFactory.createHasMany<Post, Review>({ source: post, targetModel: Review }).associate(reviews),
    );
    expect(sql.filter((q) => q.startsWith("update"))).toHaveLength(2);
    reviews.forEach((review, i) => {
      expect(review.post_id).toBe(post.id);
      expect(review.updatedAt!.getTime()).toBeGreaterThan(before[i]!);
      expect(review.isDirty()).toBe(false);
    });
  });

  it("associate with sync: false changes memory only, for the caller to save", async () => {
    const post = await Post.create({ title: "P" });
    const comment2 = await Comment.create({ body: "2" });
    const { sql } = await sent(() => post.comments().associate(comment2, { sync: false }));
    expect(sql).toHaveLength(0);
    expect(comment2.post_id).toBe(post.id);
    expect(await post.comments().count()).toBe(0);
    await comment2.save();
    expect(await post.comments().count()).toBe(1);
  });

  it("dessociate one and many clears the key; a comment of another post is left alone", async () => {
    const post = await Post.create({ title: "P" });
    const other = await Post.create({ title: "O" });
    const [c2, c3, c4, elsewhere] = await Comment.createMany([
      { post_id: post.id, body: "2" },
      { post_id: post.id, body: "3" },
      { post_id: post.id, body: "4" },
      { post_id: other.id, body: "x" },
    ]);
    await post.comments().dessociate(c2!);
    expect(c2!.post_id).toBeNull();
    const { sql } = await sent(() => post.comments().dessociate([c3!, c4!, elsewhere!]));
    expect(sql).toHaveLength(1);
    expect(elsewhere!.post_id).toBe(other.id);
    expect(await post.comments().count()).toBe(0);
    expect(await other.comments().count()).toBe(1);
    expect((await Comment.findOrFail(c3!.id)).post_id).toBeNull();
    // dissociate is the same method, spelled the usual way.
    await other.comments().dissociate(elsewhere!);
    expect(await other.comments().count()).toBe(0);
  });

  it("dessociate with sync: false changes memory only", async () => {
    const post = await Post.create({ title: "P" });
    const comment3 = await Comment.create({ post_id: post.id, body: "3" });
    expect((await sent(() => post.comments().dessociate(comment3, { sync: false }))).sql).toHaveLength(0);
    expect(comment3.post_id).toBeNull();
    expect(await post.comments().count()).toBe(1);
    await comment3.save();
    expect(await post.comments().count()).toBe(0);
  });

  it("create sets the key", async () => {
    const post = await Post.create({ title: "P" });
    const comment = await post.comments().create({ body: "made" });
    expect(comment).toBeInstanceOf(Comment);
    expect(comment.post_id).toBe(post.id);
    expect(await post.comments().count()).toBe(1);
  });
});

describe("belongsTo", () => {
  it("get gives the post, or null without a statement when the key is null", async () => {
    const post = await Post.create({ title: "P" });
    const comment = await Comment.create({ post_id: post.id, body: "c" });
    const found = await comment.post().get();
    expect(found).toBeInstanceOf(Post);
    expect(found?.title).toBe("P");
    const orphan = await Comment.create({ body: "o" });
    const { sql, result } = await sent(() => orphan.post().get());
    expect(result).toBeNull();
    expect(sql).toHaveLength(0);
  });

  it("associate sets the key and saves the comment; sync: false leaves the save to the caller", async () => {
    const [post1, post2] = await Post.createMany([{ title: "1" }, { title: "2" }]);
    const comment = await Comment.create({ body: "c" });
    await comment.post().associate(post1!);
    expect((await Comment.findOrFail(comment.id)).post_id).toBe(post1!.id);
    expect((await sent(() => comment.post().associate(post2!, { sync: false }))).sql).toHaveLength(0);
    expect(comment.post_id).toBe(post2!.id);
    await comment.save();
    expect((await comment.post().get())?.title).toBe("2");
  });

  it("dessociate(target) clears the key only when the comment points at that post", async () => {
    const [post1, post2] = await Post.createMany([{ title: "1" }, { title: "2" }]);
    const comment = await Comment.create({ post_id: post1!.id, body: "c" });
    const { sql } = await sent(() => comment.post().dessociate(post2!));
    expect(sql).toHaveLength(0);
    expect(comment.post_id).toBe(post1!.id);
    await comment.post().dessociate(post1!);
    expect(comment.post_id).toBeNull();
    expect((await Comment.findOrFail(comment.id)).post_id).toBeNull();
  });

  it("unlink clears the key whatever it points at, and saves", async () => {
    const post = await Post.create({ title: "1" });
    const comment = await Comment.create({ post_id: post.id, body: "c" });
    await comment.post().unlink();
    expect((await Comment.findOrFail(comment.id)).post_id).toBeNull();
    const again = await Comment.create({ post_id: post.id, body: "d" });
    await again.post().unlink({ sync: false });
    expect(again.post_id).toBeNull();
    expect((await Comment.findOrFail(again.id)).post_id).toBe(post.id);
    await again.post().dissociate({ sync: true });
    expect((await Comment.findOrFail(again.id)).post_id).toBeNull();
  });
});

describe("key prediction and composite keys", () => {
  it("predicts authorId (camelCase) both ways", async () => {
    const author = await Author.create({ name: "Ada" });
    const book = await author.books().create({ title: "Notes" });
    expect(book.authorId).toBe(author.id);
    expect((await book.author().get())?.id).toBe(author.id);
  });

  it("predicts blog_post_id from the model blogPost (hasOne)", async () => {
    const post = await BlogPost.create({ title: "B" });
    expect(await post.featured().get()).toBeNull();
    const reply = await Reply.create({ text: "r" });
    await post.featured().associate(reply);
    expect(reply.blog_post_id).toBe(post.id);
    expect((await post.featured().get())?.id).toBe(reply.id);
  });

  it("matches on every entry of a composite association", async () => {
    const shelf = await Shelf.create({ room: "A", code: "1" });
    await Shelf.create({ room: "A", code: "2" });
    const [i1, i2] = await Item.createMany([
      { shelf_room: "A", shelf_code: "1", name: "mine" },
      { shelf_room: "A", shelf_code: "2", name: "next shelf" },
    ]);
    expect((await shelf.items().toArray()).map((i) => i.name)).toEqual(["mine"]);
    await shelf.items().associate(i2!);
    expect([i2!.shelf_room, i2!.shelf_code]).toEqual(["A", "1"]);
    expect(await shelf.items().count()).toBe(2);
    expect((await i1!.shelf().get())?.code).toBe("1");
    await i1!.shelf().unlink();
    expect(await shelf.items().count()).toBe(1);
  });
});

describe("belongsToMany", () => {
  it("a bare junction table: associate skips links it has, toArray / for await / count read through it", async () => {
    const [post, other] = await Post.createMany([{ title: "P" }, { title: "O" }]);
    const [l1, l2, l3] = await Label.createMany([{ name: "a" }, { name: "b" }, { name: "c" }]);
    const { sql } = await sent(() => post!.labels().associate([l2!, l1!]));
    expect(sql.map((q) => q.split(" ")[0])).toEqual(["select", "insert"]);
    expect((await sent(() => post!.labels().associate(l1!))).sql).toHaveLength(1);
    await other!.labels().associate(l3!);
    const labels = await post!.labels().toArray();
    expect(labels.map((l) => l.name)).toEqual(["a", "b"]);
    expect(labels[0]).toBeInstanceOf(Label);
    expect(await post!.labels().count()).toBe(2);
    const streamed: string[] = [];
    for await (const label of post!.labels()) streamed.push(label.name);
    expect(streamed).toEqual(["a", "b"]);
    expect((await post!.labels().query().where("name", "b").first())?.id).toBe(l2!.id);
    const deleted = await sent(() => post!.labels().dessociate([l1!, l3!]));
    expect(deleted.sql).toHaveLength(1);
    expect(deleted.sql[0]).toMatch(/^delete/);
    expect(ids(await post!.labels().get())).toEqual([l2!.id]);
    expect(ids(await other!.labels().get())).toEqual([l3!.id]);
    const made = await post!.labels().create({ name: "new" });
    expect(made).toBeInstanceOf(Label);
    expect((await post!.labels().toArray()).map((l) => l.name)).toEqual(["b", "new"]);
  });

  it("a junction model: the links are its rows", async () => {
    const post = await Post.create({ title: "P" });
    const [l1, l2] = await Label.createMany([{ name: "a" }, { name: "b" }]);
    await post.pinnedLabels().associate([l1!, l2!]);
    expect(await PostLabel.query().where({ post_id: post.id }).count()).toBe(2);
    expect((await post.pinnedLabels().toArray()).map((l) => l.name)).toEqual(["a", "b"]);
    expect(await post.labels().count()).toBe(0);
    await post.pinnedLabels().dissociate(l1!);
    expect(ids(await post.pinnedLabels().toArray())).toEqual([l2!.id]);
  });

  it("checks its options, and refuses sync: false", async () => {
    const post = await Post.create({ title: "P" });
    const label = await Label.create({ name: "a" });
    const both = await caught(() =>
      RelationshipFactory.createBelongsToMany({
        source: post,
        targetModel: Label,
        junctionModel: PostLabel,
        junctionTable: "label_post",
      }),
    );
    expect(both.message).toMatch(/not given with junctionModel/);
    const field = await caught(() =>
      RelationshipFactory.createBelongsToMany({
        source: post,
        targetModel: Label,
        junctionModel: PostLabel,
        junctionToTargetKeyAssociation: { tag_id: "id" },
      }),
    );
    expect(field).toBeInstanceOf(SchemaError);
    expect(field.message).toContain('"tag_id" is not a field of "postLabel" (fields: id, post_id, label_id)');
    const sync = await caught(() => post.labels().associate(label, { sync: false }));
    expect(sync).toBeInstanceOf(ValidationError);
    expect(sync.message).toMatch(/sync: false \} does not apply/);
    expect((await caught(() => post.labels().associate(new Label({ name: "x" })))).message).toMatch(/save it first/);
  });
});

describe("errors", () => {
  it("a source without its key: save it first", async () => {
    const draft = new Post({ title: "draft" });
    const error = await caught(() => draft.comments().toArray());
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(/has no "id"; save it first/);
    expect(await caught(() => draft.comments().associate(new Comment({ body: "x" })))).toBeInstanceOf(ValidationError);
    const comment = await Comment.create({ body: "c" });
    const unsavedTarget = await caught(() => comment.post().associate(new Post({ title: "t" })));
    expect(unsavedTarget.message).toMatch(/save it first/);
  });

  it("an unknown field in the association lists the valid ones", async () => {
    const post = await Post.create({ title: "P" });
    const error = await caught(() =>
      RelationshipFactory.createHasMany({
        source: post,
        targetModel: Comment,
        sourceToTargetKeyAssociation: { id: "postid" },
      }),
    );
    expect(error).toBeInstanceOf(SchemaError);
    expect(error.message).toContain('"postid" is not a field of "comment" (fields: id, post_id, body)');
    const source = await caught(() =>
      RelationshipFactory.createHasMany({
        source: post,
        targetModel: Comment,
        sourceToTargetKeyAssociation: { uid: "post_id" },
      }),
    );
    expect(source.message).toContain('"uid" is not a field of "post" (fields: id, title)');
  });

  it("no predictable key, or both spellings: a SchemaError naming the candidates", async () => {
    const author = await Author.create({ name: "A" });
    const none = await caught(() => RelationshipFactory.createHasMany({ source: author, targetModel: Comment }));
    expect(none).toBeInstanceOf(SchemaError);
    expect(none.message).toContain(
      '"comment" has neither "author_id" nor "authorId"; set sourceToTargetKeyAssociation',
    );
    const post = await Post.create({ title: "P" });
    const both = await caught(() => RelationshipFactory.createHasMany({ source: post, targetModel: Tag }));
    expect(both.message).toContain('"tag" has both "post_id" and "postId"');
  });

  it("options are checked", async () => {
    const post = await Post.create({ title: "P" });
    const unknown = await caught(() =>
      RelationshipFactory.createHasMany({ source: post, targetModel: Comment, foreignKey: "post_id" } as never),
    );
    expect(unknown).toBeInstanceOf(ValidationError);
    expect(unknown.message).toContain(
      "unknown option foreignKey; valid: source, targetModel, sourceToTargetKeyAssociation",
    );
    expect(
      (await caught(() => RelationshipFactory.createHasMany({ source: {} as Post, targetModel: Comment }))).message,
    ).toMatch(/source must be an instance of a class model/);
    expect(
      (await caught(() => RelationshipFactory.createHasMany({ source: post, targetModel: Stranger }))).message,
    ).toMatch(/Stranger is not a model of the db "post" uses/);
    expect(await caught(() => post.comments().associate({ body: "plain" } as Comment))).toBeInstanceOf(ValidationError);
    expect(await caught(() => post.comments().associate([], { sink: true } as never))).toBeInstanceOf(ValidationError);
  });

  it("a key that cannot be null cannot be cleared", async () => {
    const post = await Post.create({ title: "P" });
    const note = await Note.create({ post_id: post.id, text: "n" });
    const error = await caught(() =>
      RelationshipFactory.createHasMany<Post, Note>({ source: post, targetModel: Note }).dissociate(note),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(/"note.post_id" is not nullable/);
  });
});

describe("transactions and lazy-loading checks", () => {
  it("writes inside a transaction go through it and roll back with it", async () => {
    const post = await Post.create({ title: "P" });
    const [c1, c2] = await Comment.createMany([{ body: "1" }, { post_id: post.id, body: "2" }]);
    const failed = await caught(() =>
      db.transaction(async () => {
        await post.comments().associate(c1!);
        await c2!.post().unlink();
        await post.comments().create({ body: "3" });
        await post.labels().create({ name: "in tx" });
        // Reads inside see the transaction's writes: c1 and the new comment; c2 was unlinked.
        expect((await post.comments().toArray()).map((c) => c.body)).toEqual(["1", "3"]);
        throw new Error("roll back");
      }),
    );
    expect(failed.message).toBe("roll back");
    expect((await Comment.findOrFail(c1!.id)).post_id).toBeNull();
    expect((await Comment.findOrFail(c2!.id)).post_id).toBe(post.id);
    expect(await post.comments().count()).toBe(1);
    expect(await post.labels().count()).toBe(0);
    expect(await Label.count()).toBe(0);
  });

  it("reads report the accessor's name to the N+1 detector", async () => {
    await Post.createMany([{ title: "1" }, { title: "2" }]);
    for (const post of await Post.query().orderBy("id").get()) await post.comments().toArray();
    expect(reports).toHaveLength(1);
    expect(reports[0]!.relation).toBe("comments");
    expect(reports[0]!.model).toBe("post");
  });
});

describe("types", () => {
  it("handles are typed with the target instances", async () => {
    const post = new Post({ title: "t" });
    const comment = new Comment({ body: "b" });
    const comments = post.comments();
    expectTypeOf(comments).toEqualTypeOf<HasManyRelationship<Post, Comment>>();
    expectTypeOf(comments.toArray).returns.toEqualTypeOf<Promise<Comment[]>>();
    expectTypeOf(comments.get).returns.toEqualTypeOf<Promise<Comment[]>>();
    expectTypeOf(comments.first).returns.toEqualTypeOf<Promise<Comment | null>>();
    expectTypeOf(comments.create).returns.toEqualTypeOf<Promise<Comment>>();
    expectTypeOf(comments.associate).parameter(0).toEqualTypeOf<Comment | readonly Comment[]>();
    expectTypeOf(comments[Symbol.asyncIterator]).returns.toEqualTypeOf<AsyncGenerator<Comment, void, undefined>>();
    const owner = comment.post();
    expectTypeOf(owner).toEqualTypeOf<BelongsToRelationship<Comment, Post>>();
    expectTypeOf(owner.get).returns.toEqualTypeOf<Promise<Post | null>>();
    expectTypeOf(owner.associate).parameter(0).toEqualTypeOf<Post>();
    expectTypeOf(post.labels()).toEqualTypeOf<BelongsToManyRelationship<Post, Label>>();
    expectTypeOf(post.labels().toArray).returns.toEqualTypeOf<Promise<Label[]>>();
    expectTypeOf(post.labels().associate).parameter(0).toEqualTypeOf<Label | readonly Label[]>();
    const featured = new BlogPost().featured();
    expectTypeOf(featured).toEqualTypeOf<HasOneRelationship<BlogPost, Reply>>();
    expectTypeOf(featured.get).returns.toEqualTypeOf<Promise<Reply | null>>();
    // Inferred without type arguments: the target class gives T.
    expectTypeOf(new Author().books().toArray).returns.toEqualTypeOf<Promise<Book[]>>();
    expectTypeOf(new Book().author().get).returns.toEqualTypeOf<Promise<Author | null>>();
    if (false as boolean) {
      for await (const c of post.comments()) expectTypeOf(c).toEqualTypeOf<Comment>();
      // @ts-expect-error: a Post is not a Comment
      await post.comments().associate(post);
      // @ts-expect-error: belongsTo associates one target
      await comment.post().associate([post]);
      // @ts-expect-error: create takes the target's values
      await post.comments().create({ body: 1 });
    }
  });
});
