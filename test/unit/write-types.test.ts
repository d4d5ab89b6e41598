/**
 * Type tests for nested graph writes: checked by `tsc --noEmit` (which includes test/); every
 * `@ts-expect-error` is itself a test, since tsc reports an unused one as an error. The db
 * checks live in functions that are type-checked but never called, so no query runs.
 */
import { describe, expectTypeOf, it } from "vitest";
import {
  belongsTo,
  type Db,
  defineSchema,
  hasMany,
  id,
  integer,
  json,
  model,
  type Row,
  type Simplify,
  string,
} from "../../src/index.js";
import type { GraphInput, GraphResult, OwnerKeyFields } from "../../src/schema/write-types.js";
import type { blog } from "../support/blog-schema.js";

type S = typeof blog;
type User = Row<S, "user">;
type Post = Row<S, "post">;
type Comment = Row<S, "comment">;
type Profile = Row<S, "profile">;
type Country = Row<S, "country">;
type Tag = Row<S, "tag">;
type Role = Row<S, "role">;
type Video = Row<S, "video">;

/** A model with a field named `data`: the Prisma form is not available on it. */
const docs = defineSchema({
  doc: model({
    fields: { id: id(), data: json<{ a: number }>().nullable(), title: string() },
    relations: { parts: hasMany("part") },
  }),
  part: model({ fields: { id: id(), docId: integer(), name: string() }, relations: { doc: belongsTo("doc") } }),
});

// Type-only: never called, so no database is needed.
declare const db: Db<S>;
declare const ddb: Db<typeof docs>;
declare const post: Post;
declare const video: Video;

describe("the result of create with nested writes", () => {
  it("loads each written relation as a read would: arrays for to-many, T | null for to-one, pivot on many-to-many", () => {
    async function check() {
      const user = await db.user.create({
        email: "ada@example.dev",
        name: "Ada",
        posts: { create: [{ title: "Hi", tags: { create: [{ name: "sql" }], connect: [1] } }] },
        profile: { create: { bio: "hi" } },
        country: { connect: 1 },
        roles: { connect: { 1: { grantedBy: "root" } } },
      });
      expectTypeOf(user.posts).toEqualTypeOf<
        Simplify<Post & { tags: Simplify<Tag & { pivot: { taggableId: number; tagId: number } }>[] }>[]
      >();
      expectTypeOf(user.profile).toEqualTypeOf<Profile | null>();
      expectTypeOf(user.country).toEqualTypeOf<Country | null>();
      expectTypeOf(user.roles[0]!.pivot.grantedBy).toEqualTypeOf<string | null>();
      expectTypeOf(user.roles[0]!.pivot.createdAt).toEqualTypeOf<Date | null>();
      expectTypeOf(user.roles[0]!.name).toEqualTypeOf<Role["name"]>();
      // The same type as reading the written paths back.
      const read = await db.user.with("posts.tags", "profile", "country", "roles").firstOrFail();
      expectTypeOf(user).toEqualTypeOf<typeof read>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("nests written paths: posts.comments (morphMany) and posts.author (belongsTo) under a created post", () => {
    async function check() {
      const user = await db.user.create({
        email: "ada@example.dev",
        name: "Ada",
        posts: { create: { title: "Hi", comments: { create: [{ body: "c" }] } } },
      });
      expectTypeOf(user.posts[0]!.comments).toEqualTypeOf<Comment[]>();
      const tag = await db.tag.create({ name: "sql", posts: { create: [{ title: "p", author: { connect: 1 } }] } });
      expectTypeOf(tag.posts[0]!.author).toEqualTypeOf<User>();
      expectTypeOf(tag.posts[0]!.pivot).toEqualTypeOf<{ tagId: number; taggableId: number }>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("a create without relation keys is the plain row", () => {
    async function check() {
      const user = await db.user.create({ email: "ada@example.dev", name: "Ada" });
      expectTypeOf(user).toEqualTypeOf<User>();
      expectTypeOf<GraphResult<S, "user", { email: string; name: string }>>().toEqualTypeOf<User>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("createMany returns one such row per input, with the relations any input writes", () => {
    async function check() {
      const users = await db.user.createMany([
        { email: "a@example.dev", name: "A", posts: { create: [{ title: "x" }] } },
        { email: "b@example.dev", name: "B", roles: { connect: [1] } },
      ]);
      expectTypeOf(users[0]!.posts).toEqualTypeOf<Post[]>();
      expectTypeOf(users[0]!.roles[0]!.pivot.grantedBy).toEqualTypeOf<string | null>();
      const plain = await db.user.createMany([{ email: "a@example.dev", name: "A" }]);
      expectTypeOf(plain).toEqualTypeOf<User[]>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("a morphTo connect loads the owner as the union of its models", () => {
    async function check() {
      const comment = await db.comment.create({ body: "x", commentable: { connect: post } });
      expectTypeOf(comment.commentable).toEqualTypeOf<Post | Video | null>();
      await db.comment.create({ body: "x", commentable: { connect: video } });
    }
    expectTypeOf(check).toBeFunction();
  });

  // A nested relation only some items of a to-many create write is in the result type (every
  // created row comes back with it at run time).
  it("nested paths written by only some items of a to-many create are still in the result", () => {
    async function check() {
      const user = await db.user.create({
        email: "ada@example.dev",
        name: "Ada",
        posts: { create: [{ title: "a", comments: { create: [{ body: "c" }] } }, { title: "b" }] },
      });
      expectTypeOf(user.posts).toEqualTypeOf<Simplify<Post & { comments: Comment[] }>[]>();
    }
    expectTypeOf(check).toBeFunction();
  });
});

describe("Prisma's create({ data, include | select })", () => {
  it("returns what findUnique with the same include/select returns; the plain row without them", () => {
    async function check() {
      const created = await db.user.create({
        data: { email: "ada@example.dev", name: "Ada", posts: { create: [{ title: "x" }] } },
        include: { posts: { include: { comments: true } }, profile: true },
      });
      const found = await db.user.findUniqueOrThrow({
        where: { id: 1 },
        include: { posts: { include: { comments: true } }, profile: true },
      });
      expectTypeOf(created).toEqualTypeOf<typeof found>();
      expectTypeOf(created.posts[0]!.comments).toEqualTypeOf<Comment[]>();
      expectTypeOf(created.profile).toEqualTypeOf<Profile | null>();

      const selected = await db.user.create({
        data: { email: "ada@example.dev", name: "Ada" },
        select: { email: true, posts: { select: { title: true } } },
      });
      expectTypeOf(selected).toEqualTypeOf<{ email: string; posts: { title: string }[] }>();

      const plain = await db.user.create({ data: { email: "ada@example.dev", name: "Ada", country: { connect: 1 } } });
      expectTypeOf(plain).toEqualTypeOf<User>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("is not available on a model with a field named data: { data } is that field", () => {
    async function check() {
      const doc = await ddb.doc.create({ data: { a: 1 }, title: "t" });
      expectTypeOf(doc).toEqualTypeOf<Row<typeof docs, "doc">>();
      const withParts = await ddb.doc.create({ data: null, title: "t", parts: { create: [{ name: "p" }] } });
      expectTypeOf(withParts.parts).toEqualTypeOf<Row<typeof docs, "part">[]>();
      // @ts-expect-error no Prisma form here: include is not a field of doc
      await ddb.doc.create({ data: { a: 1 }, title: "t", include: { parts: true } });
      // @ts-expect-error no Prisma form here: data is the json field ({ a: number }), so title is missing
      await ddb.doc.create({ data: { a: 1 } });
    }
    expectTypeOf(check).toBeFunction();
  });

  it("rejects unknown include relations", () => {
    async function check() {
      // @ts-expect-error "nope" is not a relation of user
      await db.user.create({ data: { email: "a", name: "A" }, include: { nope: true } });
    }
    expectTypeOf(check).toBeFunction();
  });
});

describe("the input: keys the relations fill in", () => {
  it("OwnerKeyFields names a model's belongsTo foreign keys and morphTo type/id fields", () => {
    expectTypeOf<OwnerKeyFields<S, "post">>().toEqualTypeOf<"authorId">();
    expectTypeOf<OwnerKeyFields<S, "user">>().toEqualTypeOf<"countryId">();
    expectTypeOf<OwnerKeyFields<S, "profile">>().toEqualTypeOf<"userId">();
    expectTypeOf<OwnerKeyFields<S, "comment">>().toEqualTypeOf<"commentableType" | "commentableId">();
    expectTypeOf<OwnerKeyFields<S, "tag">>().toEqualTypeOf<never>();
    expectTypeOf<OwnerKeyFields<S, "token">>().toEqualTypeOf<never>();
  });

  it("a belongsTo / morphTo foreign key may be left out when its relation is written", () => {
    async function check() {
      await db.post.create({ title: "x", author: { connect: 1 } });
      await db.post.create({ title: "x", author: { create: { email: "a", name: "A" } } });
      await db.comment.create({ body: "x", commentable: { connect: post } });
      await db.profile.create({ bio: null, user: { connect: { id: 1 } } });
    }
    expectTypeOf(check).toBeFunction();
    expectTypeOf<{ title: string; author: { connect: number } }>().toMatchTypeOf<GraphInput<S, "post">>();
    expectTypeOf<{ body: string; commentable: { connect: Post } }>().toMatchTypeOf<GraphInput<S, "comment">>();
    // GraphInput itself loosens these keys whether or not the relation is written; create checks
    // the input it is given and requires each one whose relation it does not write
    // (test/unit/create-holes-types.test.ts).
    expectTypeOf<GraphInput<S, "post">["authorId"]>().toEqualTypeOf<number | undefined>();
  });

  it("a nested has-kind create may leave out the keys its relation sets (foreign key, morph type and id)", () => {
    async function check() {
      await db.user.create({ email: "a", name: "A", posts: { create: [{ title: "x" }] }, profile: { create: {} } });
      await db.post.create({ title: "x", authorId: 1, comments: { create: { body: "c" } } });
    }
    expectTypeOf(check).toBeFunction();
  });

  it("connect takes keys, rows, lists of those, and { key: pivotValues } for many-to-many", () => {
    async function check() {
      await db.user.create({ email: "a", name: "A", posts: { connect: 1 } });
      await db.user.create({ email: "a", name: "A", posts: { connect: [1, post] } });
      await db.user.create({ email: "a", name: "A", roles: { connect: { 1: { grantedBy: "x" }, 2: {} } } });
      await db.user.create({
        email: "a",
        name: "A",
        roles: { create: [{ name: "r", pivot: { grantedBy: null } }], connect: [1] },
      });
    }
    expectTypeOf(check).toBeFunction();
  });
});

describe("inputs rejected at compile time", () => {
  it("rejects what the types can see", () => {
    async function check() {
      // @ts-expect-error unknown field at the top level
      await db.user.create({ email: "a", name: "A", nope: 1 });
      // @ts-expect-error unknown field at the top level of a createMany row
      await db.user.createMany([{ email: "a", name: "A", nope: 1 }]);
      // @ts-expect-error a required field is missing
      await db.user.create({ email: "a", posts: { create: [{ title: "x" }] } });
      // @ts-expect-error wrong type of a nested create field (post.title is a string)
      await db.user.create({ email: "a", name: "A", posts: { create: [{ title: 1 }] } });
      // @ts-expect-error wrong type two levels down (comment.body is a string)
      await db.user.create({
        email: "a",
        name: "A",
        posts: { create: [{ title: "x", comments: { create: [{ body: 1 }] } }] },
      });
      // @ts-expect-error wrong type in a belongsTo create (user.name is a string)
      await db.post.create({ title: "x", author: { create: { email: "a", name: 5 } } });
      // @ts-expect-error a morphTo connect takes a row, not a number
      await db.comment.create({ body: "x", commentable: { connect: 1 } });
      // @ts-expect-error a morphTo has no create
      await db.comment.create({ body: "x", commentable: { create: { title: "x" } } });
      // @ts-expect-error a hasManyThrough cannot be written through
      await db.country.create({ name: "x", posts: { create: [{ title: "x" }] } });
      // @ts-expect-error create and connect together on a hasOne
      await db.user.create({ email: "a", name: "A", profile: { create: { bio: "x" }, connect: 1 } });
      // @ts-expect-error create and connect together on a belongsTo
      await db.user.create({ email: "a", name: "A", country: { create: { name: "x" }, connect: 1 } });
      // @ts-expect-error a to-one create takes one object, not an array
      await db.user.create({ email: "a", name: "A", profile: { create: [{ bio: "x" }] } });
      // @ts-expect-error unknown operation on a relation
      await db.user.create({ email: "a", name: "A", posts: { add: [{ title: "x" }] } });
      // @ts-expect-error unknown pivot field in a create
      await db.user.create({ email: "a", name: "A", roles: { create: [{ name: "r", pivot: { nope: "x" } }] } });
      // @ts-expect-error unknown pivot field in a connect map
      await db.user.create({ email: "a", name: "A", roles: { connect: { 1: { nope: "x" } } } });
      // @ts-expect-error a pivot value of the wrong type (grantedBy is a string or null)
      await db.user.create({ email: "a", name: "A", roles: { connect: { 1: { grantedBy: 1 } } } });
      // @ts-expect-error a model without relations takes no relation keys
      await db.token.create({ label: "x", posts: { create: [] } });
    }
    expectTypeOf(check).toBeFunction();
  });
});
