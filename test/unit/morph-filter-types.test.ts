import { describe, expectTypeOf, it } from "vitest";
import type { Db, Row } from "../../src/index.js";
import type { blog } from "../support/blog-schema.js";

type S = typeof blog;
type User = Row<S, "user">;
type Post = Row<S, "post">;
type Video = Row<S, "video">;
type Tag = Row<S, "tag">;

// Type-only: never called, so no database is needed.
declare const db: Db<S>;

describe("morph filter and owner filter types", () => {
  it("hasMorph and its forms take a morphTo relation and its target model names, or '*'", () => {
    function check() {
      db.comment.hasMorph("commentable", ["post"]);
      db.comment.hasMorph("commentable", ["post", "video"], ">=", 2);
      db.comment.orHasMorph("commentable", "*", "<", 1);
      db.comment.doesntHaveMorph("commentable", ["video"]);
      db.comment.orDoesntHaveMorph("commentable", "*");
      db.comment.whereHasMorph("commentable", ["post"], (q) => q);
      db.comment.orWhereDoesntHaveMorph("commentable", ["post"]);
      // @ts-expect-error not a target of comment.commentable
      db.comment.hasMorph("commentable", ["user"]);
      // @ts-expect-error not a morphTo relation
      db.post.hasMorph("comments", ["comment"]);
      // @ts-expect-error not a relation
      db.comment.doesntHaveMorph("nope", "*");
      // @ts-expect-error a relation count compares with comparison operators only
      db.comment.hasMorph("commentable", ["post"], "like", 1);
      // @ts-expect-error doesntHaveMorph takes no count
      db.comment.doesntHaveMorph("commentable", ["post"], ">=", 1);
      // @ts-expect-error the types are a list or "*"
      db.comment.hasMorph("commentable", "all");
    }
    expectTypeOf(check).toBeFunction();
  });

  it("whereMorphRelation checks the field on every listed type, and its value", () => {
    function check() {
      db.comment.whereMorphRelation("commentable", ["post"], "published", true);
      db.comment.whereMorphRelation("commentable", ["post"], "views", ">", 10);
      db.comment.whereMorphRelation("commentable", "*", "title", "like", "P%");
      db.comment.orWhereMorphRelation("commentable", ["post", "video"], "title", "in", ["P1", "V1"]);
      db.comment.whereMorphDoesntHaveRelation("commentable", ["video"], "size", null);
      db.comment.orWhereMorphDoesntHaveRelation("commentable", ["post"], "views", "<=", 3);
      // @ts-expect-error videos have no published field
      db.comment.whereMorphRelation("commentable", "*", "published", true);
      // @ts-expect-error videos have no published field
      db.comment.whereMorphRelation("commentable", ["post", "video"], "published", true);
      // @ts-expect-error views is a number
      db.comment.whereMorphRelation("commentable", ["post"], "views", "many");
      // @ts-expect-error views is a number
      db.comment.orWhereMorphDoesntHaveRelation("commentable", ["post"], "views", ">", "x");
      // @ts-expect-error not a target
      db.comment.whereMorphRelation("commentable", ["tag"], "name", "x");
      // @ts-expect-error a field and a value are needed
      db.comment.whereMorphRelation("commentable", ["post"], "views");
    }
    expectTypeOf(check).toBeFunction();
  });

  it("whereMorphedTo takes rows, a target model name or null; whereAttachedTo a many-to-many relation", () => {
    function check(post: Post, video: Video, tag: Tag, user: User) {
      db.comment.whereMorphedTo("commentable", post);
      db.comment.whereMorphedTo("commentable", [post, video]);
      db.comment.whereMorphedTo("commentable", "video");
      db.comment.orWhereMorphedTo("commentable", null);
      db.comment.whereMorphedTo("commentable", { id: 1 }, "post");
      // @ts-expect-error not a target model of comment.commentable
      db.comment.whereMorphedTo("commentable", "user");
      db.user.whereAttachedTo(tag, "roles");
      db.post.whereAttachedTo([tag], "tags");
      db.tag.orWhereAttachedTo(post);
      db.role.whereAttachedTo(user, "users");
      // @ts-expect-error posts is a hasMany, not a many-to-many relation
      db.user.whereAttachedTo(tag, "posts");
      // @ts-expect-error not a relation
      db.user.whereAttachedTo(tag, "nope");
    }
    expectTypeOf(check).toBeFunction();
  });

  it("the filters keep the builder's row type", () => {
    async function check() {
      const rows = await db.comment.hasMorph("commentable", ["post"]).whereMorphedTo("commentable", "post").get();
      expectTypeOf(rows).toEqualTypeOf<Row<S, "comment">[]>();
      const users = await db.user.whereAttachedTo({ id: 1 }).withCount("posts").get();
      expectTypeOf(users[0]!.postsCount).toEqualTypeOf<number>();
    }
    expectTypeOf(check).toBeFunction();
  });
});

describe("morphTo eager loading per target model: types", () => {
  it("the callback gets a morphTo constraint; an unconstrained one loads as with() does", () => {
    async function check() {
      const plain = await db.comment.with("commentable").get();
      const same = await db.comment.with("commentable", (q) => q).get();
      expectTypeOf(same).toEqualTypeOf(plain);
    }
    expectTypeOf(check).toBeFunction();
  });

  it("morphWith adds the relations to its model's rows, discriminated by the type field", () => {
    async function check() {
      const [comment] = await db.comment
        .with("commentable", (q) => q.morphWith({ post: ["author", "tags"], video: [] }))
        .get();
      if (comment!.commentableType === "post") {
        const post = comment!.commentable!;
        expectTypeOf(post.author).toEqualTypeOf<User>(); // posts.authorId is not nullable
        expectTypeOf(post.tags[0]!.name).toEqualTypeOf<string>();
        expectTypeOf(post.title).toEqualTypeOf<string>();
      } else {
        expectTypeOf(comment!.commentable).toEqualTypeOf<Video | null>();
      }
    }
    expectTypeOf(check).toBeFunction();
  });

  it("constrain gives each callback a builder of its model; a select narrows that model's rows", () => {
    async function check() {
      const [comment] = await db.comment
        .with("commentable", (q) =>
          q
            .morphWith({ post: ["author"] })
            .constrain({ post: (p) => p.where("published", true), video: (v) => v.select("id", "title") }),
        )
        .get();
      if (comment!.commentableType === "video") {
        expectTypeOf(comment!.commentable).toEqualTypeOf<{ id: number; title: string } | null>();
      } else {
        expectTypeOf(comment!.commentable!.author).toEqualTypeOf<User>();
      }
    }
    expectTypeOf(check).toBeFunction();
  });

  it("checks the models, the paths and the constraint builders", () => {
    function check() {
      // @ts-expect-error not a target model of comment.commentable
      db.comment.with("commentable", (q) => q.morphWith({ user: ["posts"] }));
      // @ts-expect-error videos have no author
      db.comment.with("commentable", (q) => q.morphWith({ video: ["author"] }));
      // @ts-expect-error the video builder has no published field
      db.comment.with("commentable", (q) => q.constrain({ video: (v) => v.where("published", true) }));
      // @ts-expect-error the morphTo constraint is no query builder: constrain per model
      db.comment.with("commentable", (q) => q.where("title", "x"));
      db.post.with("comments.commentable", (q) => q.morphWith({ post: ["author"] }));
    }
    expectTypeOf(check).toBeFunction();
  });
});
