import { describe, expectTypeOf, it } from "vitest";
import type { Db, RelationPath, Row, Simplify } from "../../src/index.js";
import {
  defineSchema,
  hasOne,
  hasOneThrough,
  id,
  integer,
  model,
  morphMany,
  morphOne,
  morphTo,
  string,
} from "../../src/index.js";
import type { blog } from "../support/blog-schema.js";

type S = typeof blog;
type User = Row<S, "user">;
type Post = Row<S, "post">;
type Comment = Row<S, "comment">;
type Profile = Row<S, "profile">;
type Country = Row<S, "country">;
type Tag = Row<S, "tag">;
type Video = Row<S, "video">;
type Role = Row<S, "role">;

// Type-only: never called, so no database is needed.
declare const db: Db<S>;

describe("eager loading result types", () => {
  it("types to-many relations as arrays and to-one relations as T | null", () => {
    async function check() {
      const users = await db.user.with("posts", "profile", "country").get();
      expectTypeOf(users).toEqualTypeOf<
        Simplify<User & { posts: Post[]; profile: Profile | null; country: Country | null }>[]
      >();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("nests dotted paths and merges paths sharing a head", () => {
    async function check() {
      const [user] = await db.user.with("posts.comments", "posts.author").get();
      expectTypeOf(user!.posts[0]!.comments).toEqualTypeOf<Comment[]>();
      expectTypeOf(user!.posts[0]!.author).toEqualTypeOf<User>(); // posts.authorId is not nullable
    }
    expectTypeOf(check).toBeFunction();
  });

  it("types the object form like the paths it names", () => {
    async function check() {
      const users = await db.user.with({ posts: { comments: true }, profile: true }).get();
      expectTypeOf(users[0]!.posts[0]!.comments).toEqualTypeOf<Comment[]>();
      expectTypeOf(users[0]!.profile).toEqualTypeOf<Profile | null>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("narrows a constrained relation to what its constraint selects and loads", () => {
    async function check() {
      const users = await db.user.with("posts", (q) => q.select("id", "title").limit(3)).get();
      expectTypeOf(users[0]!.posts).toEqualTypeOf<{ id: number; title: string }[]>();
      const nested = await db.user.with("posts", (q) => q.with("comments").orderBy("id")).first();
      expectTypeOf(nested!.posts[0]!.comments).toEqualTypeOf<Comment[]>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("exposes pivot data on many-to-many rows, typed from pivotFields and timestamps", () => {
    async function check() {
      const [user] = await db.user.with("roles").get();
      const role = user!.roles[0]!;
      expectTypeOf(role.name).toEqualTypeOf<string>();
      expectTypeOf(role.pivot.grantedBy).toEqualTypeOf<string | null>();
      expectTypeOf(role.pivot.createdAt).toEqualTypeOf<Date | null>();
      const [post] = await db.post.with("tags").get();
      expectTypeOf(post!.tags[0]!).toMatchTypeOf<Tag & { pivot: Record<string, unknown> }>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("types morphTo as a union discriminated by the parent's type field, targets inferred from inverse relations", () => {
    async function check() {
      const [comment] = await db.comment.with("commentable").get();
      if (comment!.commentableType === "post") expectTypeOf(comment!.commentable).toEqualTypeOf<Post | null>();
      else expectTypeOf(comment!.commentable).toEqualTypeOf<Video | null>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("discriminates morphTo by the morph map's aliases when there is one", () => {
    const mapped = defineSchema(
      {
        article: model({
          fields: { id: id(), title: string() },
          relations: { notes: morphMany("note", { morphName: "noteable" }) },
        }),
        clip: model({
          fields: { id: id(), url: string() },
          relations: { notes: morphMany("note", { morphName: "noteable" }) },
        }),
        note: model({
          fields: { id: id(), noteableType: string(), noteableId: integer() },
          relations: { noteable: morphTo() },
        }),
      },
      { morphMap: { article: "Article", clip: "Clip" } },
    );
    async function check(mdb: Db<typeof mapped>) {
      const [note] = await mdb.note.with("noteable").get();
      if (note!.noteableType === "Article")
        expectTypeOf(note!.noteable).toEqualTypeOf<{ id: number; title: string } | null>();
      else expectTypeOf(note!.noteableType).toEqualTypeOf<"Clip">();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("types through relations and morph relations", () => {
    async function check() {
      const [country] = await db.country.with("posts").get();
      expectTypeOf(country!.posts).toEqualTypeOf<Post[]>();
      const [video] = await db.video.with("comments").get();
      expectTypeOf(video!.comments).toEqualTypeOf<Comment[]>();
      const [tag] = await db.tag.with("videos").get();
      expectTypeOf(tag!.videos[0]!.title).toEqualTypeOf<string>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("types morphOne and hasOneThrough as T | null, and withDefault as never null", () => {
    const extra = defineSchema({
      shop: model({
        fields: { id: id(), name: string() },
        relations: {
          logo: morphOne("image", { morphName: "imageable" }),
          banner: morphOne("image", { morphName: "imageable", withDefault: { url: "/blank.png" } }),
          owner: hasOne("owner"),
          ownerOrGuest: hasOne("owner", { withDefault: true }),
          topSale: hasOneThrough("sale", { through: "owner" }),
        },
      }),
      owner: model({ fields: { id: id(), shopId: integer(), name: string() } }),
      sale: model({ fields: { id: id(), ownerId: integer(), amount: integer() } }),
      image: model({ fields: { id: id(), url: string(), imageableType: string(), imageableId: integer() } }),
    });
    type E = typeof extra;
    async function check(edb: Db<E>) {
      const [shop] = await edb.shop.with("logo", "banner", "owner", "ownerOrGuest", "topSale").get();
      expectTypeOf(shop!.logo).toEqualTypeOf<Row<E, "image"> | null>();
      expectTypeOf(shop!.banner).toEqualTypeOf<Row<E, "image"> | Partial<Row<E, "image">>>();
      expectTypeOf(shop!.owner).toEqualTypeOf<Row<E, "owner"> | null>();
      expectTypeOf(shop!.ownerOrGuest).toEqualTypeOf<Row<E, "owner"> | Partial<Row<E, "owner">>>();
      expectTypeOf(shop!.topSale).toEqualTypeOf<Row<E, "sale"> | null>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("keeps a select() narrowing of the parent", () => {
    async function check() {
      const users = await db.user.select("name").with("posts").get();
      expectTypeOf(users).toEqualTypeOf<{ name: string; posts: Post[] }[]>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("types load and loadMissing onto fetched rows", () => {
    async function check() {
      const users = await db.user.all();
      const loaded = await db.user.load(users, "posts.comments");
      expectTypeOf(loaded[0]!.posts[0]!.comments).toEqualTypeOf<Comment[]>();
      const again = await db.user.loadMissing(users, "roles");
      expectTypeOf(again[0]!.roles[0]!.name).toEqualTypeOf<string>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("rejects unknown relations at compile time", () => {
    expectTypeOf<"posts.comments">().toMatchTypeOf<RelationPath<S, "user">>();
    expectTypeOf<"posts.nope">().not.toMatchTypeOf<RelationPath<S, "user">>();
    function check() {
      // @ts-expect-error "nope" is not a relation of user
      db.user.with("nope");
      // @ts-expect-error "nope" is not a relation of post
      db.user.with("posts.nope");
      // @ts-expect-error a field is not a relation
      db.user.with("email");
      // @ts-expect-error unknown relation in the object form
      db.user.with({ nope: true });
      // @ts-expect-error the constraint builder is the related model's: posts have no email
      db.user.with("posts", (q) => q.where("email", "x"));
      // @ts-expect-error load paths are checked too
      db.user.load([], "nope");
    }
    expectTypeOf(check).toBeFunction();
  });
});

type _Unused = Role;
