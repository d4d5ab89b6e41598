import { describe, expectTypeOf, it } from "vitest";
import type { Db, Row, Simplify } from "../../src/index.js";
import {
  belongsTo,
  belongsToMany,
  defineSchema,
  hasMany,
  hasManyThrough,
  hasOne,
  id,
  integer,
  manyToMany,
  model,
  morphedByMany,
  morphMany,
  morphTo,
  morphToMany,
  string,
  timestamp,
  uuid,
} from "../../src/index.js";

/**
 * Issue 16's holes in what reads return: the object form's constraint callbacks, pivot values,
 * loaded belongsTo, relation paths of any length. Each wrong call is a `@ts-expect-error`; each
 * right one compiles with its exact result type.
 */
const schema = defineSchema({
  country: model({
    fields: { id: id(), name: string() },
    relations: {
      users: hasMany("user"),
      posts: hasManyThrough("post", { through: "user", secondKey: "authorId" }),
    },
  }),
  user: model({
    fields: { id: id(), name: string(), email: string(), countryId: integer().nullable() },
    relations: {
      country: belongsTo("country"),
      profile: hasOne("profile"),
      posts: hasMany("post", { foreignKey: "authorId" }),
      roles: belongsToMany("role", { pivotFields: ["grantedBy"], timestamps: true }),
      teams: manyToMany("team", {
        through: "membership",
        from: "memberId",
        to: "teamId",
        pivotFields: ["rank"],
        timestamps: true,
      }),
      crews: belongsToMany("team", { through: "membership", foreignPivotKey: "memberId", relatedPivotKey: "teamId" }),
    },
  }),
  profile: model({
    fields: { id: id(), userId: integer(), bio: string().nullable() },
    relations: { user: belongsTo("user") },
  }),
  post: model({
    fields: { id: id(), authorId: integer(), title: string(), body: string().nullable() },
    relations: {
      author: belongsTo("user", { foreignKey: "authorId" }),
      comments: morphMany("comment", { morphName: "commentable" }),
      tags: morphToMany("tag", { morphName: "taggable", pivotFields: { weight: integer().nullable() } }),
      labels: belongsToMany("label", { foreignPivotKey: "articleId", relatedPivotKey: "labelKey", as: "link" }),
    },
  }),
  video: model({
    fields: { id: id(), title: string() },
    relations: { comments: morphMany("comment", { morphName: "commentable" }) },
  }),
  comment: model({
    fields: {
      id: id(),
      body: string(),
      writerId: integer(),
      commentableType: string(),
      commentableId: integer(),
    },
    relations: { writer: belongsTo("user"), commentable: morphTo({ types: ["post", "video"] }) },
  }),
  tag: model({
    fields: { id: uuid().primary().defaultRandom(), name: string() },
    relations: {
      posts: morphedByMany("post", { morphName: "taggable", pivotFields: { weight: integer().nullable() } }),
    },
  }),
  role: model({ fields: { id: id(), name: string() }, relations: { users: belongsToMany("user") } }),
  team: model({
    fields: { id: id(), name: string() },
    relations: { members: manyToMany("user", { through: "membership", from: "teamId", to: "memberId" }) },
  }),
  membership: model({
    fields: {
      id: id(),
      memberId: integer(),
      teamId: integer(),
      rank: string(),
      createdAt: timestamp().defaultNow(),
      updatedAt: timestamp().nullable(),
    },
  }),
  label: model({ fields: { id: id(), name: string() } }),
});

type S = typeof schema;
type User = Row<S, "user">;
type Post = Row<S, "post">;
type Comment = Row<S, "comment">;
type Profile = Row<S, "profile">;
type Role = Row<S, "role">;
type Team = Row<S, "team">;
type Tag = Row<S, "tag">;
type Video = Row<S, "video">;

// Type-only: never called, so no database is needed.
declare const db: Db<S>;

describe("the object form's constraint callbacks", () => {
  it("type q as a builder of the related model: a select narrows that relation's rows", () => {
    async function check() {
      const [user] = await db.user.with({ posts: (q) => q.select("id", "title").limit(3) }).get();
      expectTypeOf(user!.posts).toEqualTypeOf<{ id: number; title: string }[]>();
      const [both] = await db.user
        .with({ posts: (q) => q.select("title"), profile: (q) => q.select("bio"), country: true })
        .get();
      expectTypeOf(both!).toEqualTypeOf<
        Simplify<
          User & {
            posts: { title: string }[];
            profile: { bio: string | null } | null;
            country: Row<S, "country"> | null;
          }
        >
      >();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("reach the end of nested objects, and carry what a nested with inside the callback loads", () => {
    async function check() {
      const [user] = await db.user.with({ posts: { comments: (q) => q.select("id") } }).get();
      expectTypeOf(user!.posts).toEqualTypeOf<Simplify<Post & { comments: { id: number }[] }>[]>();
      const [inner] = await db.user.with({ posts: (q) => q.select("id").with("comments") }).get();
      expectTypeOf(inner!.posts).toEqualTypeOf<{ id: number; comments: Comment[] }[]>();
      const [deep] = await db.user
        .with({ posts: { comments: { writer: (q) => q.select("name") } }, profile: { user: true } })
        .get();
      expectTypeOf(deep!.posts[0]!.comments[0]!.writer).toEqualTypeOf<{ name: string } | null>();
      expectTypeOf(deep!.profile).toEqualTypeOf<Simplify<Profile & { user: User }> | null>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("a to-one or many-to-many callback: nullable to-one, pivot values kept", () => {
    async function check() {
      const [post] = await db.post.with({ author: (q) => q.select("id", "name") }).get();
      expectTypeOf(post!.author).toEqualTypeOf<{ id: number; name: string } | null>();
      const [user] = await db.user.with({ roles: (q) => q.wherePivot("grantedBy", "root").select("name") }).get();
      expectTypeOf(user!.roles[0]!.name).toEqualTypeOf<string>();
      expectTypeOf(user!.roles[0]!.pivot.grantedBy).toEqualTypeOf<string | null>();
      // @ts-expect-error the constraint selected only name
      user!.roles[0]!.id;
    }
    expectTypeOf(check).toBeFunction();
  });

  it("a morphTo callback gets the morphTo's constraint, in the object form too", () => {
    async function check() {
      const [comment] = await db.comment
        .with({ commentable: (q) => q.constrain({ post: (p) => p.select("id", "title") }) })
        .get();
      if (comment!.commentableType === "post") {
        expectTypeOf(comment!.commentable).toEqualTypeOf<{ id: number; title: string } | null>();
      } else expectTypeOf(comment!.commentable).toEqualTypeOf<Video | null>();
      const [post] = await db.post.with({ comments: { commentable: (q) => q.morphWith({ post: ["author"] }) } }).get();
      const parent = post!.comments[0]!.commentable;
      expectTypeOf(parent).toEqualTypeOf<Simplify<Post & { author: User }> | Video | null>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("reject wrong fields and relations inside the callback", () => {
    function check() {
      // @ts-expect-error posts have no field "email"
      db.user.with({ posts: (q) => q.where("email", "x") });
      // @ts-expect-error posts have no field "email" to select
      db.user.with({ posts: (q) => q.select("email") });
      // @ts-expect-error posts have no relation "roles"
      db.user.with({ posts: (q) => q.with("roles") });
      // @ts-expect-error a nested callback is the comment's builder: comments have no "title"
      db.user.with({ posts: { comments: (q) => q.orderBy("title") } });
      // @ts-expect-error a morphTo's callback gets the morphTo's constraint, not a builder
      db.comment.with({ commentable: (q) => q.where("title", "x") });
      // @ts-expect-error the callback must return the builder it was given
      db.user.with({ posts: () => 1 });
    }
    expectTypeOf(check).toBeFunction();
  });

  it("the fields a callback did not select are not on the result", () => {
    async function check() {
      const [user] = await db.user.with({ posts: (q) => q.select("id") }).get();
      // @ts-expect-error the constraint selected only id
      user!.posts[0]!.title;
    }
    expectTypeOf(check).toBeFunction();
  });
});

describe("pivot values, typed exactly", () => {
  it("a bare pivot: both keys by their names and types, pivotFields, timestamps", () => {
    async function check() {
      const [user] = await db.user.with("roles").get();
      expectTypeOf(user!.roles[0]!).toEqualTypeOf<
        Simplify<
          Role & {
            pivot: {
              userId: number;
              roleId: number;
              grantedBy: string | null;
              createdAt: Date | null;
              updatedAt: Date | null;
            };
          }
        >
      >();
      const [role] = await db.role.with("users").get();
      expectTypeOf(role!.users[0]!.pivot).toEqualTypeOf<{ roleId: number; userId: number }>();
      // @ts-expect-error the key is roleId: no index signature to catch a misspelling
      user!.roles[0]!.pivot.roleid;
      // @ts-expect-error role.users declares no pivot fields
      role!.users[0]!.pivot.grantedBy;
    }
    expectTypeOf(check).toBeFunction();
  });

  it("named keys, `as`, typed pivotFields and a morph pivot whose key is a uuid", () => {
    async function check() {
      const [post] = await db.post.with("labels", "tags").get();
      expectTypeOf(post!.labels[0]!.link).toEqualTypeOf<{ articleId: number; labelKey: number }>();
      expectTypeOf(post!.tags[0]!.pivot).toEqualTypeOf<{ taggableId: number; tagId: string; weight: number | null }>();
      const [tag] = await db.tag.with("posts").get();
      expectTypeOf(tag!.posts[0]!.pivot).toEqualTypeOf<{ tagId: string; taggableId: number; weight: number | null }>();
      // @ts-expect-error the morph type column is not exposed
      post!.tags[0]!.pivot.taggableType;
      // @ts-expect-error the accessor is `link`
      post!.labels[0]!.pivot;
    }
    expectTypeOf(check).toBeFunction();
  });

  it("a join model's pivot (through): its key fields, the listed pivotFields and timestamps, typed by the join model", () => {
    async function check() {
      const [user] = await db.user.with("teams", "crews").get();
      expectTypeOf(user!.teams[0]!).toEqualTypeOf<
        Simplify<
          Team & {
            pivot: { memberId: number; teamId: number; rank: string; createdAt: Date; updatedAt: Date | null };
          }
        >
      >();
      expectTypeOf(user!.crews[0]!.pivot).toEqualTypeOf<{ memberId: number; teamId: number }>();
      const [team] = await db.team.with("members").get();
      expectTypeOf(team!.members[0]!.pivot).toEqualTypeOf<{ teamId: number; memberId: number }>();
      // @ts-expect-error only the listed pivotFields are read: the join model's id is not
      user!.teams[0]!.pivot.id;
      // @ts-expect-error crews lists no pivotFields
      user!.crews[0]!.pivot.rank;
    }
    expectTypeOf(check).toBeFunction();
  });

  it("the object API and relation handles give the same pivot", () => {
    async function check() {
      const [user] = await db.user.findMany({ include: { roles: true, teams: { select: { name: true } } } });
      expectTypeOf(user!.roles[0]!.pivot.roleId).toEqualTypeOf<number>();
      expectTypeOf(user!.teams[0]!).toEqualTypeOf<{
        name: string;
        pivot: { memberId: number; teamId: number; rank: string; createdAt: Date; updatedAt: Date | null };
      }>();
      const roles = await db.user.related({ id: 1 }, "roles").get();
      expectTypeOf(roles[0]!.pivot.grantedBy).toEqualTypeOf<string | null>();
      // @ts-expect-error no pivot field "nope"
      roles[0]!.pivot.nope;
    }
    expectTypeOf(check).toBeFunction();
  });

  it("through relations (hasManyThrough) carry no pivot: the rows are the target's", () => {
    async function check() {
      const [country] = await db.country.with("posts").get();
      expectTypeOf(country!.posts).toEqualTypeOf<Post[]>();
      // @ts-expect-error the intermediate key is not on the rows
      country!.posts[0]!.pivot;
    }
    expectTypeOf(check).toBeFunction();
  });
});

describe("a loaded belongsTo with a non-null key is the row, on every read path", () => {
  it("fluent with, nested paths, both strategies, the object API", async () => {
    async function check() {
      const [post] = await db.post.strategy("join").with("author").get();
      expectTypeOf(post!.author).toEqualTypeOf<User>();
      const [joined] = await db.post.with("author").strategy("join").get();
      expectTypeOf(joined!.author).toEqualTypeOf<User>();
      const [deep] = await db.user.with("posts.comments.writer").get();
      expectTypeOf(deep!.posts[0]!.comments[0]!.writer).toEqualTypeOf<User>();
      const [profile] = await db.profile.with("user.country").get();
      expectTypeOf(profile!.user).toEqualTypeOf<Simplify<User & { country: Row<S, "country"> | null }>>();
      const [object] = await db.post.findMany({ include: { author: true }, relationLoadStrategy: "join" });
      expectTypeOf(object!.author).toEqualTypeOf<User>();
      const [nested] = await db.user.findMany({
        include: { posts: { include: { comments: { include: { writer: true } } } } },
      });
      expectTypeOf(nested!.posts[0]!.comments[0]!.writer).toEqualTypeOf<User>();
      const [user] = await db.user.with("country").get();
      expectTypeOf(user!.country).toEqualTypeOf<Row<S, "country"> | null>(); // countryId is nullable
    }
    expectTypeOf(check).toBeFunction();
  });
});

describe("relation paths of any length", () => {
  it("accept five and six segments in with, has, whereHas, whereRelation", async () => {
    async function check() {
      const [user] = await db.user.with("posts.comments.writer.posts.author").get();
      expectTypeOf(user!.posts[0]!.comments[0]!.writer.posts[0]!.author).toEqualTypeOf<User>();
      const [six] = await db.user.with("posts.comments.writer.posts.author.profile").get();
      expectTypeOf(six!.posts[0]!.comments[0]!.writer.posts[0]!.author.profile).toEqualTypeOf<Profile | null>();
      const [constrained] = await db.user.with("posts.comments.writer.posts.author", (q) => q.select("name")).get();
      expectTypeOf(constrained!.posts[0]!.comments[0]!.writer.posts[0]!.author).toEqualTypeOf<{
        name: string;
      } | null>();
      db.user.has("posts.comments.writer.posts.author");
      db.user.whereHas("posts.comments.writer.posts.author", (q) => q.where("name", "x"));
      db.user.whereDoesntHave("posts.comments.writer.posts.comments", (q) => q.where("body", "x"));
      db.user.whereRelation("posts.comments.writer.posts.author", "email", "x");
      const [morph] = await db.user
        .with("posts.comments.writer.posts.comments.commentable", (q) =>
          q.constrain({ video: (v) => v.select("title") }),
        )
        .get();
      const last = morph!.posts[0]!.comments[0]!.writer.posts[0]!.comments[0]!.commentable;
      expectTypeOf(last).toEqualTypeOf<Post | { title: string } | null>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("the object forms nest as deep", async () => {
    async function check() {
      const [user] = await db.user.with({ posts: { comments: { writer: { posts: { author: true } } } } }).get();
      expectTypeOf(user!.posts[0]!.comments[0]!.writer.posts[0]!.author).toEqualTypeOf<User>();
      const [found] = await db.user.findMany({
        include: {
          posts: {
            include: { comments: { include: { writer: { include: { posts: { include: { author: true } } } } } } },
          },
        },
      });
      expectTypeOf(found!.posts[0]!.comments[0]!.writer.posts[0]!.author).toEqualTypeOf<User>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("still reject a wrong segment anywhere, and a segment after a field", () => {
    function check() {
      // @ts-expect-error "nope" is not a relation of user (the fifth segment)
      db.user.with("posts.comments.writer.posts.nope");
      // @ts-expect-error "nope" is not a relation of comment (the third segment of six)
      db.user.with("posts.comments.nope.posts.author.profile");
      // @ts-expect-error an empty last segment
      db.user.with("posts.");
      // @ts-expect-error "title" is a field, not a relation
      db.user.has("posts.comments.writer.posts.title");
      // @ts-expect-error one wrong path among right ones
      db.user.with("posts", "profile.user", "posts.comments.writer.profile.nope");
      // @ts-expect-error a wrong fifth segment in whereHas
      db.user.whereHas("posts.comments.writer.posts.nope", (q) => q);
      // @ts-expect-error the constraint is the fifth model's: a user has no "body"
      db.user.whereHas("posts.comments.writer.posts.author", (q) => q.where("body", "x"));
      // @ts-expect-error the last model of the path is the user: no field "title"
      db.user.whereRelation("posts.comments.writer.posts.author", "title", "x");
      // @ts-expect-error a wrong relation at depth five of the object form
      db.user.with({ posts: { comments: { writer: { posts: { nope: true } } } } });
      const path: string = "posts";
      // @ts-expect-error a path typed only as string is not checked, so not taken
      db.user.with(path);
    }
    expectTypeOf(check).toBeFunction();
  });
});

describe("select() keeps what with() and withCount() load, before or after", () => {
  it("keeps the loaded relations and counts in the type, as the run time keeps them", () => {
    async function check() {
      const [after] = await db.user.with("posts", "profile").withCount("roles").select("name").get();
      expectTypeOf(after!).toEqualTypeOf<{
        name: string;
        posts: Post[];
        profile: Profile | null;
        rolesCount: number;
      }>();
      const [before] = await db.user.select("name").with("posts").get();
      expectTypeOf(before!).toEqualTypeOf<{ name: string; posts: Post[] }>();
      const [twice] = await db.user.select("id", "name").with("posts").select("email").get();
      expectTypeOf(twice!).toEqualTypeOf<{ email: string; posts: Post[] }>();
      const [inner] = await db.user.with({ posts: (q) => q.with("comments").select("id") }).get();
      expectTypeOf(inner!.posts).toEqualTypeOf<{ id: number; comments: Comment[] }[]>();
      const [path] = await db.user.with("posts", (q) => q.with("comments").select("id")).get();
      expectTypeOf(path!.posts).toEqualTypeOf<{ id: number; comments: Comment[] }[]>();
      // @ts-expect-error the selection left email out
      after!.email;
      // @ts-expect-error a later selection replaces an earlier one: id is gone
      twice!.id;
    }
    expectTypeOf(check).toBeFunction();
  });
});

type _Unused = Tag;
