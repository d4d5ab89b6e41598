import { describe, expectTypeOf, it } from "vitest";
import {
  belongsTo,
  type CreateInput,
  type Db,
  defineSchema,
  type FullRow,
  hasMany,
  id,
  integer,
  model,
  type Row,
  string,
  timestamp,
} from "../../src/index.js";

const schema = defineSchema({
  post: model({
    fields: {
      id: id(),
      title: string(),
      createdAt: timestamp(),
      updatedAt: timestamp(),
      deletedAt: timestamp().nullable(),
    },
    timestamps: true,
    softDeletes: true,
    scopes: { titled: (q) => q.whereNotNull("title") },
  }),
  note: model({
    fields: { id: id(), body: string(), insertedAt: timestamp(), changedAt: timestamp() },
    timestamps: { createdAt: "insertedAt", updatedAt: false },
  }),
  plain: model({ fields: { id: id(), at: timestamp() } }),
});
type S = typeof schema;

// Type-only: never called, so no database is needed.
declare const db: Db<S>;

describe("lifecycle option types", () => {
  it("the fields timestamps fills are optional on create, and still Dates when read", () => {
    expectTypeOf<CreateInput<S, "post">>().toEqualTypeOf<{
      title: string;
      id?: number;
      createdAt?: Date;
      updatedAt?: Date;
      deletedAt?: Date | null;
    }>();
    expectTypeOf<Row<S, "post">["createdAt"]>().toEqualTypeOf<Date>();
    // Renamed: insertedAt is filled; changedAt (updatedAt: false) is not, so it stays required.
    expectTypeOf<CreateInput<S, "note">>().toEqualTypeOf<{
      body: string;
      changedAt: Date;
      id?: number;
      insertedAt?: Date;
    }>();
    // Without timestamps a timestamp field stays required.
    expectTypeOf<CreateInput<S, "plain">>().toEqualTypeOf<{ at: Date; id?: number }>();
  });

  it("the lifecycle methods chain like any builder method", () => {
    async function check() {
      const rows = await db.post.withTrashed().where("title", "x").withoutGlobalScope("titled").orderBy("id").get();
      expectTypeOf(rows).toEqualTypeOf<Row<S, "post">[]>();
      expectTypeOf(await db.post.onlyTrashed().restore()).toEqualTypeOf<number>();
      expectTypeOf(await db.post.where("id", 1).forceDelete()).toEqualTypeOf<number>();
      expectTypeOf(await db.post.touch()).toEqualTypeOf<number>();
      expectTypeOf(await db.post.withoutGlobalScopes().count()).toEqualTypeOf<number>();
    }
    expectTypeOf(check).toBeFunction();
  });
});

describe("event hook types", () => {
  it("hooks get the model's row (creating: the values, partial) and the transaction's db", () => {
    model({
      fields: { id: id(), title: string(), at: timestamp().nullable() },
      events: {
        creating: (values, { db }) => {
          expectTypeOf(values).toEqualTypeOf<{ id?: number; title?: string; at?: Date | null }>();
          expectTypeOf(db).toBeAny();
        },
        updated: (row) => {
          expectTypeOf(row).toEqualTypeOf<{ id: number; title: string; at: Date | null }>();
        },
        // @ts-expect-error a hook reads fields of its own model only
        deleted: (row) => row.nope,
      },
    });
  });
});

const traits = defineSchema({
  user: model({
    fields: { id: id(), name: string(), password: string() },
    relations: { posts: hasMany("post") },
    hidden: ["password"],
    with: ["posts"],
  }),
  post: model({
    fields: { id: id(), userId: integer(), title: string(), views: integer() },
    relations: { author: belongsTo("user", { foreignKey: "userId" }) },
    localScopes: { popular: (q, min: number) => q.where("views", ">=", min), titled: (q) => q.whereNotNull("title") },
  }),
});
type T = typeof traits;
declare const tdb: Db<T>;

describe("types of hidden fields, local scopes and the lifecycle methods", () => {
  it("a hidden field is not in the row type, but filters and selects take it", () => {
    async function check() {
      // user loads its posts by default (with: ["posts"]): reads are typed with them.
      expectTypeOf(await tdb.user.first()).toEqualTypeOf<{
        id: number;
        name: string;
        posts: Row<T, "post">[];
      } | null>();
      expectTypeOf(await tdb.user.without("posts").first()).toEqualTypeOf<{ id: number; name: string } | null>();
      expectTypeOf<Row<T, "user">>().toEqualTypeOf<{ id: number; name: string }>();
      expectTypeOf<FullRow<T, "user">>().toEqualTypeOf<{ id: number; name: string; password: string }>();
      expectTypeOf(await tdb.user.where("password", "x").select("id", "password").first()).toEqualTypeOf<{
        id: number;
        password: string;
        posts: Row<T, "post">[];
      } | null>();
      expectTypeOf(await tdb.user.create({ name: "a", password: "b" })).toEqualTypeOf<{ id: number; name: string }>();
      // @ts-expect-error: the value type follows the field
      tdb.user.where("password", 1);
    }
    expectTypeOf(check).toBeFunction();
  });

  it("local scopes are typed methods, with their arguments, on every builder of the model", () => {
    async function check() {
      const rows = await tdb.post.popular(10).titled().where("id", 1).popular(2).get();
      expectTypeOf(rows).toEqualTypeOf<Row<T, "post">[]>();
      tdb.user.with("posts", (q) => q.popular(1));
      tdb.user.whereHas("posts", (q) => q.titled().popular(3));
      expectTypeOf(await tdb.post.related({ id: 1, userId: 1 }, "author").first()).toEqualTypeOf<Row<
        T,
        "user"
      > | null>();
      // @ts-expect-error: popular takes a number
      tdb.post.popular("x");
      // @ts-expect-error: titled takes nothing
      tdb.post.titled(1);
      // @ts-expect-error: user has no local scopes
      tdb.user.popular(1);
    }
    expectTypeOf(check).toBeFunction();
  });

  it("soft delete and timestamp methods exist only on models with the option; names are checked", () => {
    function check() {
      // @ts-expect-error: post has no softDeletes
      tdb.post.withTrashed();
      // @ts-expect-error: post has no timestamps
      tdb.post.touch();
      // @ts-expect-error: nor inside a constraint
      tdb.user.with("posts", (q) => q.onlyTrashed());
      tdb.user.without("posts");
      // @ts-expect-error: without() takes the model's default eager loads
      tdb.post.without("author");
      db.post.withoutGlobalScope("titled");
      // @ts-expect-error: post's only global scope is titled
      db.post.withoutGlobalScope("nope");
      db.post.withTrashed();
    }
    expectTypeOf(check).toBeFunction();
  });
});
