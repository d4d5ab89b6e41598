import { describe, expectTypeOf, it } from "vitest";
import type { Db, RelationValue, Row, Simplify } from "../../src/index.js";
import {
  belongsTo,
  boolean,
  defineSchema,
  hasMany,
  hasOne,
  id,
  integer,
  model,
  morphMany,
  morphTo,
  string,
  timestamp,
} from "../../src/index.js";
import type { ArgsFilterRows } from "../../src/schema/relation-types.js";

/**
 * A belongsTo whose foreign key is not nullable loads as the row (Prisma's required relation);
 * one that may find nothing (nullable key, filtered relation or target, constrained load) as `| null`.
 */
const schema = defineSchema({
  user: model({
    fields: { id: id(), name: string(), active: boolean().default(true) },
    relations: { posts: hasMany("post", { foreignKey: "authorId" }), profile: hasOne("profile") },
  }),
  profile: model({
    fields: { id: id(), userId: integer().references("user.id") },
    relations: { user: belongsTo("user") }, // `${relation}Id`
  }),
  category: model({
    fields: { id: id(), name: string(), deletedAt: timestamp().nullable() },
    softDeletes: true,
  }),
  team: model({
    fields: { id: id(), name: string(), active: boolean() },
    scopes: { active: (q) => q.where("active", true) },
  }),
  post: model({
    fields: {
      id: id(),
      title: string(),
      authorId: integer().references("user.id"),
      editorId: integer().nullable().references("user.id"),
      categoryId: integer().references("category.id"),
      teamId: integer().references("team.id"),
    },
    relations: {
      author: belongsTo("user", { foreignKey: "authorId" }),
      editor: belongsTo("user", { foreignKey: "editorId" }),
      activeAuthor: belongsTo("user", { foreignKey: "authorId", where: { active: true } }),
      defaultAuthor: belongsTo("user", { foreignKey: "authorId", withDefault: { name: "Nobody" } }),
      defaultEditor: belongsTo("user", { foreignKey: "editorId", withDefault: true }),
      category: belongsTo("category"), // soft-deleting target
      anyCategory: belongsTo("category", { foreignKey: "categoryId", withTrashed: true }),
      team: belongsTo("team"), // target with a global scope
      anyTeam: belongsTo("team", { foreignKey: "teamId", withoutGlobalScopes: true }),
      comments: morphMany("comment", { morphName: "commentable" }),
    },
  }),
  comment: model({
    fields: {
      id: id(),
      body: string(),
      userId: integer().references("user.id"),
      commentableType: string(),
      commentableId: integer(),
    },
    relations: { writer: belongsTo("user"), commentable: morphTo({ types: ["post"] }) }, // writer: `${target}Id`
  }),
  draft: model({
    fields: { id: id(), authorId: integer().references("user.id") },
    relations: { author: belongsTo("user", { foreignKey: "authorId" }) },
    with: ["author"],
  }),
  note: model({
    fields: { id: id(), authorId: integer().references("user.id") },
    relations: { author: belongsTo("user", { foreignKey: "authorId" }) },
    hidden: ["authorId"],
  }),
});

type S = typeof schema;
type User = Row<S, "user">;
type Post = Row<S, "post">;
type Profile = Row<S, "profile">;
type Category = Row<S, "category">;
type Team = Row<S, "team">;

// Type-only: never called, so no database is needed.
declare const db: Db<S>;

describe("a loaded belongsTo with a non-null foreign key is the row", () => {
  it("fluent with: paths, the object form, nested paths and paths through it", () => {
    async function check() {
      const [post] = await db.post.with("author", "editor").get();
      expectTypeOf(post!.author).toEqualTypeOf<User>();
      expectTypeOf(post!.editor).toEqualTypeOf<User | null>();
      const [objectForm] = await db.post.with({ author: true, editor: true }).get();
      expectTypeOf(objectForm!.author).toEqualTypeOf<User>();
      expectTypeOf(objectForm!.editor).toEqualTypeOf<User | null>();
      const [user] = await db.user.with("posts.author", "profile.user").get();
      expectTypeOf(user!.posts[0]!.author).toEqualTypeOf<User>();
      expectTypeOf(user!.profile).toEqualTypeOf<Simplify<Profile & { user: User }> | null>();
      const [deep] = await db.post.with("author.posts.editor").get();
      expectTypeOf(deep!.author.posts[0]!.editor).toEqualTypeOf<User | null>();
      const [nested] = await db.user.with({ posts: { author: true } }).get();
      expectTypeOf(nested!.posts[0]!.author).toEqualTypeOf<User>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("keys by convention: relation name + Id, then target name + Id", () => {
    async function check() {
      const [profile] = await db.profile.with("user").get();
      expectTypeOf(profile!.user).toEqualTypeOf<User>();
      const comment = await db.comment.with("writer").first();
      expectTypeOf(comment!.writer).toEqualTypeOf<User>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("load, loadMissing, default eager loads and morphWith", () => {
    async function check() {
      const posts = await db.post.all();
      const [loaded] = await db.post.load(posts, "author", "editor");
      expectTypeOf(loaded!.author).toEqualTypeOf<User>();
      expectTypeOf(loaded!.editor).toEqualTypeOf<User | null>();
      const [missing] = await db.post.loadMissing(posts, "author");
      expectTypeOf(missing!.author).toEqualTypeOf<User>();
      const draft = await db.draft.find(1);
      expectTypeOf(draft!.author).toEqualTypeOf<User>();
      const [note] = await db.note.with("author").get(); // a hidden key is still the model's field
      expectTypeOf(note!).toEqualTypeOf<{ id: number; author: User }>();
      const [comment] = await db.comment.with("commentable", (q) => q.morphWith({ post: ["author"] })).get();
      expectTypeOf(comment!.commentable!.author).toEqualTypeOf<User>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("the object API: include and select, nested", () => {
    async function check() {
      const [post] = await db.post.findMany({ include: { author: true, editor: true } });
      expectTypeOf(post!.author).toEqualTypeOf<User>();
      expectTypeOf(post!.editor).toEqualTypeOf<User | null>();
      const picked = await db.post.findFirst({ select: { title: true, author: { select: { name: true } } } });
      expectTypeOf(picked!.author).toEqualTypeOf<{ name: string }>();
      const [user] = await db.user.findMany({ include: { posts: { include: { author: true } } } });
      expectTypeOf(user!.posts[0]!.author).toEqualTypeOf<User>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("create's result: a written belongsTo", () => {
    async function check() {
      const post = await db.post.create({ title: "t", categoryId: 1, teamId: 1, author: { connect: 1 } });
      expectTypeOf(post.author).toEqualTypeOf<User>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("withDefault: the row alone when the key is required (the default never applies)", () => {
    async function check() {
      const [post] = await db.post.with("defaultAuthor", "defaultEditor").get();
      expectTypeOf(post!.defaultAuthor).toEqualTypeOf<User>();
      expectTypeOf(post!.defaultEditor).toEqualTypeOf<User | Partial<User>>();
    }
    expectTypeOf(check).toBeFunction();
  });
});

describe("a loaded to-one that may find nothing stays | null", () => {
  it("a relation `where`, a soft-deleting target (unless withTrashed), a global scope (unless withoutGlobalScopes)", () => {
    async function check() {
      const [post] = await db.post.with("activeAuthor", "category", "anyCategory", "team", "anyTeam").get();
      expectTypeOf(post!.activeAuthor).toEqualTypeOf<User | null>();
      expectTypeOf(post!.category).toEqualTypeOf<Category | null>();
      expectTypeOf(post!.anyCategory).toEqualTypeOf<Category>();
      expectTypeOf(post!.team).toEqualTypeOf<Team | null>();
      expectTypeOf(post!.anyTeam).toEqualTypeOf<Team>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("a constrained load: a callback, in either form, at the end of a path", () => {
    async function check() {
      const [post] = await db.post.with("author", (q) => q.where("active", true)).get();
      expectTypeOf(post!.author).toEqualTypeOf<User | null>();
      const [picked] = await db.post.with("author", (q) => q.select("id", "name")).get();
      expectTypeOf(picked!.author).toEqualTypeOf<{ id: number; name: string } | null>();
      const [objectForm] = await db.post.with({ author: (q) => q.where("active", true) }).get();
      expectTypeOf(objectForm!.author).toEqualTypeOf<User | null>();
      const [user] = await db.user.with("posts.author", (q) => q.where("active", true)).get();
      expectTypeOf(user!.posts[0]!.author).toEqualTypeOf<User | null>();
      const [nested] = await db.user.with({ posts: { author: (q) => q.where("active", true) } }).get();
      expectTypeOf(nested!.posts[0]!.author).toEqualTypeOf<User | null>();
      // A constraint on the relations above leaves the belongsTo below it required.
      const [above] = await db.user.with("posts", (q) => q.with("author")).get();
      expectTypeOf(above!.posts[0]!).toEqualTypeOf<Simplify<Post & { author: User }>>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("hasOne and morphTo (a polymorphic key has no foreign key constraint)", () => {
    async function check() {
      const [user] = await db.user.with("profile").get();
      expectTypeOf(user!.profile).toEqualTypeOf<Profile | null>();
      const [comment] = await db.comment.with("commentable").get();
      expectTypeOf(comment!.commentable).toEqualTypeOf<Post | null>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("object-API relation arguments that filter (where, take, skip)", () => {
    async function check() {
      const [post] = await db.post.findMany({ include: { author: { where: { active: true } } } });
      expectTypeOf(post!.author).toEqualTypeOf<User | null>();
      const [skipped] = await db.post.findMany({ include: { author: { skip: 1 } } });
      expectTypeOf(skipped!.author).toEqualTypeOf<User | null>();
      const [picked] = await db.post.findMany({ select: { author: { select: { name: true } } } });
      expectTypeOf(picked!.author).toEqualTypeOf<{ name: string }>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("ArgsFilterRows tells RelationValue whether object-API arguments filter", () => {
    expectTypeOf<ArgsFilterRows<true>>().toEqualTypeOf<false>();
    expectTypeOf<ArgsFilterRows<{ select: { name: true } }>>().toEqualTypeOf<false>();
    expectTypeOf<ArgsFilterRows<{ where: { active: true } }>>().toEqualTypeOf<true>();
    expectTypeOf<ArgsFilterRows<{ skip: 1 }>>().toEqualTypeOf<true>();
    expectTypeOf<RelationValue<S, "post", "author", never>>().toEqualTypeOf<User>();
    expectTypeOf<RelationValue<S, "post", "author", never, never, true>>().toEqualTypeOf<User | null>();
  });
});
