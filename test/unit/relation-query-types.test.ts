import { describe, expectTypeOf, it } from "vitest";
import type {
  BelongsToHandle,
  Db,
  HasManyHandle,
  HasOneHandle,
  ManyToManyHandle,
  QueryBuilder,
  Row,
  SyncResult,
  ThroughHandle,
} from "../../src/index.js";
import type { blog } from "../support/blog-schema.js";

type S = typeof blog;
type User = Row<S, "user">;

// Type-only: never called, so no database is needed.
declare const db: Db<S>;

describe("relationship filter and aggregate types", () => {
  it("adds typed aggregate fields under their Eloquent names or the alias", () => {
    async function check() {
      const [user] = await db.user
        .withCount("posts", { "posts as publishedCount": (q) => q.where("published", true) })
        .withExists("roles")
        .withSum("posts", "views")
        .withAvg("posts", "views")
        .withMin("posts", "publishedAt")
        .withMax("posts as newest", "publishedAt")
        .get();
      expectTypeOf(user!.postsCount).toEqualTypeOf<number>();
      expectTypeOf(user!.publishedCount).toEqualTypeOf<number>();
      expectTypeOf(user!.rolesExists).toEqualTypeOf<boolean>();
      expectTypeOf(user!.postsSumViews).toEqualTypeOf<number | null>();
      expectTypeOf(user!.postsAvgViews).toEqualTypeOf<number | null>();
      expectTypeOf(user!.postsMinPublishedAt).toEqualTypeOf<Date | null>();
      expectTypeOf(user!.newest).toEqualTypeOf<Date | null>();
      expectTypeOf(user!.email).toEqualTypeOf<string>();
      const counted = await db.user.loadCount([] as User[], "posts");
      expectTypeOf(counted[0]!.postsCount).toEqualTypeOf<number>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("orders and filters by aggregates it has added, and nothing else", () => {
    function check() {
      db.user.withCount("posts").orderBy("postsCount", "desc").having("postsCount", ">=", 2);
      // @ts-expect-error no aggregate of that name was added
      db.user.withCount("posts").having("commentsCount", ">", 1);
      // @ts-expect-error not a field nor an aggregate
      db.user.orderBy("postsCount");
    }
    expectTypeOf(check).toBeFunction();
  });

  it("checks relation paths, constraint builders and related fields", () => {
    function check() {
      db.user.has("posts.comments", ">=", 2).whereHas("posts", (q) => q.where("published", true).has("tags"));
      db.user.whereRelation("posts", "views", ">", 10).orWhereRelation("profile", "bio", null);
      db.comment.whereHasMorph("commentable", ["post"], (q) => q);
      // @ts-expect-error unknown relation
      db.user.has("nope");
      // @ts-expect-error unknown nested relation
      db.user.whereHas("posts.nope");
      // @ts-expect-error the constraint builder is the related model's: posts have no email
      db.user.whereHas("posts", (q) => q.where("email", "x"));
      // @ts-expect-error a field of the related model, with its type
      db.user.whereRelation("posts", "views", "many");
      // @ts-expect-error a relation count compares with comparison operators only
      db.user.has("posts", "like", 1);
      // @ts-expect-error aggregates read fields of the related model
      db.user.withSum("posts", "email");
    }
    expectTypeOf(check).toBeFunction();
  });

  it("types object-API relation filters, _count and count ordering", () => {
    async function check() {
      const users = await db.user.findMany({
        where: { posts: { some: { published: true } }, profile: { isNot: null }, roles: { none: { name: "banned" } } },
        select: { name: true, _count: { select: { posts: true, roles: { where: { name: "admin" } } } } },
        orderBy: [{ posts: { _count: "desc" } }, { id: "asc" }],
      });
      expectTypeOf(users).toEqualTypeOf<{ name: string; _count: { posts: number; roles: number } }[]>();
      const all = await db.user.findMany({ include: { _count: true } });
      expectTypeOf(all[0]!._count.posts).toEqualTypeOf<number>();
      await db.user.findMany({ where: { profile: null, country: { is: null } } });
      // @ts-expect-error some/every/none apply to to-many relations
      await db.user.findMany({ where: { profile: { some: {} } } });
      // @ts-expect-error fields of the related model, with their types
      await db.user.findMany({ where: { posts: { every: { views: "lots" } } } });
      // @ts-expect-error _count counts to-many relations
      await db.user.findMany({ select: { _count: { select: { profile: true } } } });
    }
    expectTypeOf(check).toBeFunction();
  });

  it("types related(): a builder of the related model", () => {
    async function check(ada: User) {
      const posts = db.user.related(ada, "posts");
      expectTypeOf(await posts.get()).toEqualTypeOf<Row<S, "post">[]>();
      expectTypeOf(await posts.where("published", true).first()).toEqualTypeOf<Row<S, "post"> | null>();
      expectTypeOf(await posts.create({ title: "x" })).toEqualTypeOf<Row<S, "post">>();
      // The relation fills in authorId (and a morph relation its type and id): optional here...
      await db.post.related({ id: 1 }, "comments").create({ body: "hi" });
      // @ts-expect-error ...while the related model's other required fields stay required
      await posts.create({ body: "no title" });
      expectTypeOf(await db.post.related({ authorId: 1 }, "author").first()).toEqualTypeOf<User | null>();
      for await (const post of posts) expectTypeOf(post).toEqualTypeOf<Row<S, "post">>();
      // @ts-expect-error unknown relation
      db.user.related(ada, "nope");
      // @ts-expect-error the builder is the related model's: posts have no email
      posts.where("email", "x");
    }
    expectTypeOf(check).toBeFunction();
  });

  it("types related() per relation kind: each handle has its kind's writes, and chaining keeps the handle", () => {
    async function check(ada: User, post: Row<S, "post">, comment: Row<S, "comment">) {
      // hasMany: chained methods keep the handle and its writes (the relation still fills in authorId).
      const posts = db.user.related(ada, "posts");
      expectTypeOf(posts).toMatchTypeOf<HasManyHandle<S, "post", Row<S, "post">, "authorId">>();
      const published = posts.where("published", true).orderBy("id").limit(5);
      expectTypeOf(published).toMatchTypeOf<HasManyHandle<S, "post", Row<S, "post">, "authorId">>();
      expectTypeOf(await published.create({ title: "x" })).toEqualTypeOf<Row<S, "post">>();
      await posts.with("comments").whereHas("comments").associate([post]);
      const withComments = await posts.with("comments").first();
      expectTypeOf(withComments!.comments).toEqualTypeOf<Row<S, "comment">[]>();
      // @ts-expect-error attach is a many-to-many write: a hasMany handle has none
      posts.attach([1]);
      // @ts-expect-error ...not even after chaining
      posts.where("published", true).sync([1]);

      // hasOne: the child writes.
      const profile = db.user.related(ada, "profile");
      expectTypeOf(profile).toMatchTypeOf<HasOneHandle<S, "profile", Row<S, "profile">, "userId">>();
      await profile.updateOrCreate({}, { bio: "hi" });
      // @ts-expect-error a hasOne handle has no attach
      profile.attach(1);

      // belongsTo / morphTo: associate and dissociate (of this row), nothing else.
      const country = db.user.related(ada, "country");
      expectTypeOf(country).toMatchTypeOf<BelongsToHandle<S, "country">>();
      await country.where("name", "France").associate({ id: 1 });
      await country.dissociate();
      await db.comment.related(comment, "commentable").associate(post, { sync: false });
      // @ts-expect-error a belongsTo handle creates nothing through the relation
      country.create({ name: "Spain" });
      // @ts-expect-error a belongsTo handle has no attach
      country.attach([1]);

      // many-to-many: the attach family, kept through chaining; rows carry their pivot.
      const roles = db.user.related(ada, "roles");
      expectTypeOf(roles).toMatchTypeOf<ManyToManyHandle<S, "role", any>>();
      expectTypeOf(await roles.where("name", "admin").sync([1, 2])).toEqualTypeOf<SyncResult>();
      expectTypeOf(await roles.orderBy("id").attach({ 1: { grantedBy: "ada" } })).toEqualTypeOf<unknown[]>();
      const [role] = await roles.get();
      expectTypeOf(role!.pivot.grantedBy).toEqualTypeOf<string | null>();
      // @ts-expect-error a many-to-many handle has no associate
      roles.associate({ id: 1 });
      // @ts-expect-error create through a many-to-many relation is not offered (attach an existing row)
      roles.create({ name: "x" });

      // through: reads only.
      const countryPosts = db.country.related({ id: 1 }, "posts");
      expectTypeOf(countryPosts).toMatchTypeOf<ThroughHandle<S, "post">>();
      expectTypeOf(await countryPosts.where("published", true).count()).toEqualTypeOf<number>();
      // @ts-expect-error a through relation is written through its intermediate model
      countryPosts.create({ title: "x" });

      // A plain query stays a plain query: no relation writes on it.
      const query: QueryBuilder<S, "post"> = db.post.where("published", true);
      // @ts-expect-error a query builder is not a relation handle
      query.create({ title: "x" });
    }
    expectTypeOf(check).toBeFunction();
  });
});
