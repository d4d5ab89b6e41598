import { describe, expect, expectTypeOf, it } from "vitest";
import type { Db, Row, Simplify } from "../../src/index.js";
import {
  defineSchema,
  hasMany,
  hasManyThrough,
  hasOne,
  hasOneThrough,
  id,
  integer,
  json,
  model,
  morphMany,
  morphOne,
  string,
  timestamp,
} from "../../src/index.js";
import { problem, rel, schemaError } from "../support/schema-helpers.js";

/**
 * One-of-many relations (`ofMany`) in the schema: what `defineSchema` resolves them to, the
 * SchemaErrors it reports for a bad one, and their static types (to-one: a row or null). The
 * database behaviour is in test/db/eager-of-many.test.ts.
 */

const schema = defineSchema({
  country: model({
    table: "countries",
    fields: { id: id(), name: string() },
    relations: {
      latestPost: hasOneThrough("post", { through: "user", secondKey: "authorId", ofMany: "latest" }),
      posts: hasMany("post", { foreignKey: "authorId" }),
    },
  }),
  user: model({
    table: "users",
    fields: { id: id(), name: string(), countryId: integer().nullable() },
    relations: {
      latestPost: hasOne("post", { foreignKey: "authorId", ofMany: "latest" }),
      oldestPost: hasOne("post", { foreignKey: "authorId", ofMany: "oldest" }),
      newestPost: hasOne("post", { foreignKey: "authorId", ofMany: { publishedAt: "max" } }),
      firstPost: hasOne("post", { foreignKey: "authorId", ofMany: { publishedAt: "min" }, withDefault: true }),
      profile: hasOne("post", { foreignKey: "authorId" }),
    },
  }),
  post: model({
    table: "posts",
    fields: { id: id(), authorId: integer(), title: string(), publishedAt: timestamp().nullable() },
    relations: {
      latestComment: morphOne("comment", { morphName: "commentable", ofMany: "latest" }),
    },
  }),
  comment: model({
    table: "comments",
    fields: { id: id(), body: string(), commentableType: string(), commentableId: integer() },
  }),
});

type S = typeof schema;
type Post = Row<S, "post">;
type Comment = Row<S, "comment">;
type User = Row<S, "user">;
type Country = Row<S, "country">;
declare const db: Db<S>;

describe("ofMany in the schema", () => {
  it("resolves latest / oldest to the target's primary key and a field to itself", () => {
    expect((rel(schema, "user", "latestPost") as any).ofMany).toEqual({ field: "id", direction: "max" });
    expect((rel(schema, "user", "oldestPost") as any).ofMany).toEqual({ field: "id", direction: "min" });
    expect((rel(schema, "user", "newestPost") as any).ofMany).toEqual({ field: "publishedAt", direction: "max" });
    expect((rel(schema, "user", "firstPost") as any).ofMany).toEqual({ field: "publishedAt", direction: "min" });
    expect((rel(schema, "post", "latestComment") as any).ofMany).toEqual({ field: "id", direction: "max" });
    expect((rel(schema, "country", "latestPost") as any).ofMany).toEqual({ field: "id", direction: "max" });
    expect("ofMany" in rel(schema, "user", "profile")).toBe(false);
  });

  it("reports bad aggregates, fields and kinds as SchemaErrors naming the relation and what is valid", () => {
    const posts = model({
      table: "posts",
      fields: { id: id(), authorId: integer(), title: string(), meta: json().nullable() },
    });
    const error = schemaError(() =>
      defineSchema({
        user: model({
          table: "users",
          fields: { id: id() },
          relations: {
            summed: hasOne("post", { foreignKey: "authorId", ofMany: { id: "sum" as "max" } }),
            averaged: morphOne("post", { morphName: "x", ofMany: { id: "avg" as "min" } }),
            unknownField: hasOne("post", { foreignKey: "authorId", ofMany: { nope: "max" } }),
            twoFields: hasOne("post", { foreignKey: "authorId", ofMany: { id: "max", title: "max" } }),
            newest: hasOne("post", { foreignKey: "authorId", ofMany: "newest" as "latest" }),
            byJson: hasOne("post", { foreignKey: "authorId", ofMany: { meta: "max" } }),
            // @ts-expect-error hasMany takes no ofMany (a compile error too)
            many: hasMany("post", { foreignKey: "authorId", ofMany: "latest" }),
            toPair: hasOne("pair", { foreignKey: "userId", ofMany: "latest" }),
          },
        }),
        post: posts,
        pair: model({
          table: "pairs",
          fields: { userId: integer().primary(), n: integer().primary() },
        }),
      }),
    );
    problem(error, '"user.summed"', 'ofMany aggregate "sum" on "id"', '"max" or "min"');
    problem(error, '"user.averaged"', 'ofMany aggregate "avg"', '"max" or "min"');
    problem(error, '"user.unknownField"', 'ofMany field "post.nope" does not exist', "fields of post: id, authorId");
    problem(error, '"user.twoFields"', 'ofMany takes "latest", "oldest" or { field: "max" | "min" }');
    problem(error, '"user.newest"', 'not "newest"');
    problem(error, '"user.byJson"', "json()");
    problem(error, '"user.many"', 'unknown option "ofMany"; hasMany takes');
    problem(error, '"user.toPair"', 'ofMany needs a single primary key on "pair"');
  });
});

describe("ofMany types", () => {
  it("types a one-of-many relation as to-one: a row or null (never null with withDefault)", () => {
    async function check() {
      const users = await db.user.with("latestPost", "oldestPost", "newestPost").get();
      expectTypeOf(users).toEqualTypeOf<
        Simplify<User & { latestPost: Post | null; oldestPost: Post | null; newestPost: Post | null }>[]
      >();
      const [user] = await db.user.with("firstPost").get();
      expectTypeOf(user!.firstPost).toEqualTypeOf<Post | Partial<Post>>();
      const [post] = await db.post.with("latestComment").get();
      expectTypeOf(post!.latestComment).toEqualTypeOf<Comment | null>();
      const [country] = await db.country.with("latestPost.latestComment").get();
      expectTypeOf(country!.latestPost).toEqualTypeOf<Simplify<Post & { latestComment: Comment | null }> | null>();
      expectTypeOf(await db.user.related(user!, "latestPost").first()).toEqualTypeOf<Post | null>();
      const counted = await db.user.withCount("latestPost").get();
      expectTypeOf(counted[0]!.latestPostCount).toEqualTypeOf<number>();
      expectTypeOf<Country>().toHaveProperty("name");
    }
    expectTypeOf(check).toBeFunction();
  });

  it("refuses other aggregates and option values at compile time", () => {
    // @ts-expect-error "sum" is not an aggregate ofMany takes
    hasOne("post", { ofMany: { id: "sum" } });
    // @ts-expect-error "avg" neither, on morphOne
    morphOne("post", { morphName: "x", ofMany: { id: "avg" } });
    // @ts-expect-error "newest" is not "latest" or "oldest"
    hasOneThrough("post", { through: "user", ofMany: "newest" });
    // @ts-expect-error morphMany stands for many rows: no ofMany
    morphMany("comment", { morphName: "x", ofMany: "latest" });
    // @ts-expect-error hasMany neither
    hasMany("post", { foreignKey: "authorId", ofMany: "latest" });
    // @ts-expect-error hasManyThrough neither
    hasManyThrough("post", { through: "user", ofMany: { id: "max" } });
  });
});
