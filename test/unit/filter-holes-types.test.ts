import { describe, expectTypeOf, it } from "vitest";
import {
  belongsToMany,
  boolean,
  type Db,
  decimal,
  defineSchema,
  id,
  integer,
  manyToMany,
  model,
  type Row,
  string,
} from "../../src/index.js";
import type { blog } from "../support/blog-schema.js";

/**
 * Issue 16, the filter and argument holes: each wrong call below compiled before (and failed only
 * when run, or silently matched nothing); each is now a `@ts-expect-error`, next to the right call
 * with its exact type.
 */

type S = typeof blog;
type User = Row<S, "user">;
type Comment = Row<S, "comment">;

// Type-only: never called, so no database is needed.
declare const db: Db<S>;

/** A schema with a `uniques` list, a composite primary key and pivots of each shape (never built: types only). */
const shopSchema = () =>
  defineSchema({
    member: model({
      fields: { id: id(), name: string(), code: string().unique().nullable() },
      relations: {
        badges: manyToMany("badge", { through: "award", from: "holderId", to: "badgeId", pivotFields: ["level"] }),
        clubs: belongsToMany("club", {
          pivotFields: { active: boolean().default(false) },
          foreignPivotKey: "memberRef",
        }),
        awards: belongsToMany("badge", { through: "award", foreignPivotKey: "holderId" }),
      },
    }),
    award: model({ fields: { id: id(), holderId: integer(), badgeId: integer(), level: string(), note: string() } }),
    badge: model({ fields: { id: id(), name: string(), weight: decimal(6, 2) } }),
    club: model({ fields: { id: id(), name: string() } }),
    article: model({
      fields: { id: id(), authorId: integer(), slug: string(), title: string() },
      uniques: [["authorId", "slug"]],
    }),
    seat: model({ fields: { hall: string().primary(), number: integer().primary(), price: integer() } }),
  });
type Shop = ReturnType<typeof shopSchema>;
declare const shop: Db<Shop>;

describe("findUnique takes a unique where (Prisma's WhereUniqueInput)", () => {
  it("the primary key, a unique field, a `uniques` list or a composite key, other filters beside", () => {
    async function check() {
      expectTypeOf(await db.user.findUnique({ where: { id: 1 } })).toEqualTypeOf<User | null>();
      expectTypeOf(await db.user.findUniqueOrThrow({ where: { email: "ada@example.dev" } })).toEqualTypeOf<User>();
      expectTypeOf(
        await db.user.findUnique({ where: { email: "ada@example.dev", age: { gte: 18 } }, select: { name: true } }),
      ).toEqualTypeOf<{ name: string } | null>();
      await db.profile.findUnique({ where: { userId: 1 } });
      await db.token.findUnique({ where: { id: "7f1b" } });
      await shop.article.findUnique({ where: { authorId: 1, slug: "hello" } });
      await shop.article.findUniqueOrThrow({ where: { id: 3, title: { startsWith: "H" } } });
      await shop.seat.findUnique({ where: { hall: "A", number: 12 } });
      await shop.member.findUnique({ where: { code: "x7" } });
    }
    expectTypeOf(check).toBeFunction();
  });

  it("a where that names no unique key, or gives it a filter or null, does not compile", () => {
    function check() {
      // @ts-expect-error name is neither the primary key nor unique
      db.user.findUnique({ where: { name: "Ada" } });
      // @ts-expect-error name is neither the primary key nor unique
      db.user.findUniqueOrThrow({ where: { name: "Ada", active: true } });
      // @ts-expect-error a unique where names its key by value, not by a filter
      db.user.findUnique({ where: { id: { gte: 1 } } });
      // @ts-expect-error an empty where names no row
      db.user.findUnique({ where: {} });
      // @ts-expect-error only one field of the `uniques` list authorId + slug
      shop.article.findUnique({ where: { slug: "hello" } });
      // @ts-expect-error only one field of the composite primary key hall + number
      shop.seat.findUniqueOrThrow({ where: { hall: "A" } });
      // @ts-expect-error null names no one row (several rows may hold null in a unique field)
      shop.member.findUnique({ where: { code: null } });
    }
    expectTypeOf(check).toBeFunction();
  });

  it("update, delete and upsert take the same unique where", () => {
    async function check() {
      expectTypeOf(
        await db.user.update({ where: { email: "ada@example.dev" }, data: { name: "Ada" } }),
      ).toEqualTypeOf<User>();
      await shop.article.delete({ where: { authorId: 1, slug: "hello" } });
      await db.tag.upsert({ where: { name: "ts" }, create: { name: "ts" }, update: {} });
      // @ts-expect-error name is not unique
      db.user.update({ where: { name: "Ada" }, data: { age: 3 } });
      // @ts-expect-error title is not unique
      shop.article.delete({ where: { title: "Hello" } });
      // @ts-expect-error label is not unique
      db.token.upsert({ where: { label: "x" }, create: { label: "x" }, update: {} });
    }
    expectTypeOf(check).toBeFunction();
  });
});

describe("withSum / withAvg take number fields of the related model", () => {
  it("a number field gives number | null under its Eloquent name", () => {
    async function check() {
      const [user] = await db.user.withSum("posts", "views").withAvg("posts as meanRating", "rating").get();
      expectTypeOf(user!.postsSumViews).toEqualTypeOf<number | null>();
      expectTypeOf(user!.meanRating).toEqualTypeOf<number | null>();
      const [country] = await db.country.withSum("users", "age").get();
      expectTypeOf(country!.usersSumAge).toEqualTypeOf<number | null>();
      const loaded = await db.user.loadAvg([] as User[], "posts", "views");
      expectTypeOf(loaded[0]!.postsAvgViews).toEqualTypeOf<number | null>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("a field that is not a number does not compile (withMin / withMax still take it)", () => {
    function check() {
      // @ts-expect-error title is a string: SQLite summed it as 0
      db.user.withSum("posts", "title");
      // @ts-expect-error published is a boolean
      db.user.withAvg("posts", "published");
      // @ts-expect-error publishedAt is a timestamp
      db.user.withSum("posts as total", "publishedAt");
      // @ts-expect-error price is a decimal, read as a string (as `_sum` of aggregate takes no decimal)
      db.user.withAvg("posts", "price");
      // @ts-expect-error loadSum checks the same
      db.user.loadSum([] as User[], "posts", "title");
      db.user.withMax("posts", "title");
      db.user.withMin("posts", "publishedAt");
    }
    expectTypeOf(check).toBeFunction();
  });
});

describe("null is compared with nullable fields only", () => {
  it("where(field, null) and its forms on a nullable field", () => {
    async function check() {
      expectTypeOf(await db.user.where("age", null).get()).toEqualTypeOf<User[]>();
      db.user.where("countryId", "=", null).orWhere("age", null).orWhere("age", "=", null);
      db.user.where({ age: null, name: "Ada" }).whereNull("age").orWhereNull("countryId");
      db.post.whereRelation("author", "age", "=", null);
      // `!=` null (IS NOT NULL) and whereNotNull hold for every row of a field that is not nullable: allowed.
      db.user.where("name", "!=", null).whereNotNull("email").orWhereNotNull("id");
      await db.user.findMany({ where: { age: null, countryId: { equals: null }, name: { not: null } } });
    }
    expectTypeOf(check).toBeFunction();
  });

  it("null on a field that is not nullable does not compile (IS NULL would match no row)", () => {
    function check() {
      // @ts-expect-error name is not nullable
      db.user.where("name", null);
      // @ts-expect-error name is not nullable
      db.user.where("name", "=", null);
      // @ts-expect-error email is not nullable
      db.user.where("age", 3).orWhere("email", null);
      // @ts-expect-error email is not nullable
      db.user.orWhere("email", "=", null);
      // @ts-expect-error name is not nullable
      db.user.where({ name: null });
      // @ts-expect-error the ordering operators never take null (a ValidationError when run)
      db.user.where("age", "<", null);
      // @ts-expect-error whereNull on a field that is not nullable
      db.user.whereNull("email");
      // @ts-expect-error orWhereNull on a field that is not nullable
      db.user.where("age", 3).orWhereNull("name");
      // @ts-expect-error the constraint's builder checks its own model: posts.title is not nullable
      db.user.whereHas("posts", (q) => q.where("title", null));
      // @ts-expect-error object API: name is not nullable
      db.user.findMany({ where: { name: null } });
      // @ts-expect-error object API: equals null on a field that is not nullable
      db.user.findFirst({ where: { email: { equals: null } } });
      // @ts-expect-error object API, inside a relation filter
      db.user.findMany({ where: { posts: { some: { title: null } } } });
    }
    expectTypeOf(check).toBeFunction();
  });
});

describe("wherePivot takes the pivot's fields inside a many-to-many constraint", () => {
  it("keys, pivotFields and timestamps of belongsToMany, morph pivots and join models", () => {
    async function check() {
      const users = await db.user
        .whereHas("roles", (q) => q.wherePivot("grantedBy", "root").where("name", "admin"))
        .orWhereHas("roles", (q) => q.where("id", ">", 1).wherePivotIn("roleId", [1, 2]).orderByPivot("createdAt"))
        .withCount({ "roles as recentRoles": (q) => q.wherePivot("createdAt", ">", new Date(0)) })
        .get();
      expectTypeOf(users[0]!.recentRoles).toEqualTypeOf<number>();
      db.user.whereDoesntHave("roles", (q) => q.wherePivot("userId", "!=", 1).wherePivot("updatedAt", null));
      db.post.whereHas("tags", (q) => q.wherePivot("taggableType", "post").wherePivotIn("tagId", [1]));
      db.tag.whereHas("videos", (q) => q.wherePivot("taggableId", 3));
      db.country.whereHas("users.roles", (q) => q.wherePivot("grantedBy", "root"));
      shop.member.whereHas("badges", (q) => q.wherePivot("level", "gold").wherePivot("holderId", 1));
      shop.member.whereHas("clubs", (q) =>
        q.wherePivot("active", true).wherePivotIn("memberRef", [1]).wherePivot("clubId", 2),
      );
      shop.member.whereHas("awards", (q) => q.wherePivot("holderId", 1).wherePivot("badgeId", 2));
      // Eager loads: the path form and the object form.
      db.user.with("roles", (q) => q.wherePivot("grantedBy", "root").orderByPivot("createdAt"));
      db.user.with({ roles: (q) => q.wherePivotIn("roleId", [1, 2]) });
    }
    expectTypeOf(check).toBeFunction();
  });

  it("with() constraints: the loaded rows keep their type; another field does not compile", async () => {
    async function check() {
      const [user] = await db.user.with("roles", (q) => q.wherePivot("grantedBy", "root")).get();
      expectTypeOf(user!.roles[0]!.name).toEqualTypeOf<string>();
      // @ts-expect-error not a field of role_user
      db.user.with("roles", (q) => q.wherePivot("nope", 1));
      // @ts-expect-error not a field of role_user
      db.user.with({ roles: (q) => q.orderByPivot("nope") });
      // @ts-expect-error posts is a hasMany: no pivot
      db.user.with("posts", (q) => q.wherePivot("x", 1));
      // @ts-expect-error a plain query has no pivot
      db.user.wherePivot("grantedBy", "root");
    }
    expectTypeOf(check).toBeFunction();
  });

  it("another field does not compile", () => {
    function check() {
      // @ts-expect-error not a field of role_user
      db.user.whereHas("roles", (q) => q.wherePivot("nope", 1));
      // @ts-expect-error a field of the related model, not of the pivot
      db.user.whereHas("roles", (q) => q.where("id", 1).wherePivot("name", "admin"));
      // @ts-expect-error the pivot key is roleId (pivot keys are camelCase field names)
      db.user.orWhereHas("roles", (q) => q.wherePivotIn("role_id", [1]));
      // @ts-expect-error not a field of role_user
      db.user.withCount({ roles: (q) => q.orderByPivot("nope") });
      // @ts-expect-error the morph pivot has taggableType, taggableId and tagId
      db.post.whereHas("tags", (q) => q.wherePivot("postId", 1));
      // @ts-expect-error a join model's other fields are not read as pivot fields (only pivotFields are)
      shop.member.whereHas("badges", (q) => q.wherePivot("note", "x"));
      // @ts-expect-error the foreign pivot key is named memberRef
      shop.member.whereHas("clubs", (q) => q.wherePivot("memberId", 1));
      // @ts-expect-error a relation handle has no pivot to filter (wherePivot is a constraint's)
      db.user.related({ id: 1 } as User, "posts").wherePivot("x", 1);
    }
    expectTypeOf(check).toBeFunction();
  });
});

describe("whereHasMorph and its forms take the morphTo's target models and type the constraint", () => {
  it("the callback gets a builder of the listed model (or of the fields the listed models share) and its name", () => {
    async function check() {
      const comments = await db.comment
        .whereHasMorph("commentable", ["post"], (q, model) => {
          expectTypeOf(model).toEqualTypeOf<"post">();
          return q.where("published", true).whereNull("publishedAt");
        })
        .orWhereHasMorph("commentable", ["video"], (q) => q.where("size", ">", 10n))
        .get();
      expectTypeOf(comments).toEqualTypeOf<Comment[]>();
      db.comment.whereHasMorph("commentable", "*", (q, model) => {
        expectTypeOf(model).toEqualTypeOf<"post" | "video">();
        return q.where("title", "like", "P%");
      });
      db.comment.whereDoesntHaveMorph("commentable", ["post", "video"], (q) => q.whereIn("id", [1, 2]));
      db.comment.orWhereDoesntHaveMorph("commentable", "*");
      db.comment.whereHasMorph("commentable", ["video"]);
    }
    expectTypeOf(check).toBeFunction();
  });

  it("a model that is not a target, a relation that is not a morphTo, a field of the wrong model do not compile", () => {
    function check() {
      // @ts-expect-error user is not a target of comment.commentable
      db.comment.whereHasMorph("commentable", ["user"]);
      // @ts-expect-error one of the listed models is not a target
      db.comment.orWhereHasMorph("commentable", ["post", "tag"], (q) => q);
      // @ts-expect-error types are target model names or "*"
      db.comment.whereDoesntHaveMorph("commentable", "all");
      // @ts-expect-error posts.comments is a morphMany, not a morphTo
      db.post.whereHasMorph("comments", ["comment"]);
      // @ts-expect-error not a relation
      db.comment.orWhereDoesntHaveMorph("nope", "*");
      // @ts-expect-error videos have no published field
      db.comment.whereHasMorph("commentable", ["video"], (q) => q.where("published", true));
      // @ts-expect-error published is not a field every listed model has
      db.comment.whereHasMorph("commentable", "*", (q) => q.where("published", true));
      // @ts-expect-error the constraint returns the builder of its model
      db.comment.whereDoesntHaveMorph("commentable", ["post"], () => db.user.where("id", 1));
    }
    expectTypeOf(check).toBeFunction();
  });
});
