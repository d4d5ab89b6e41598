/**
 * Type tests: the assertions are checked by `tsc --noEmit` (which includes test/), and every
 * `@ts-expect-error` is itself a test, since tsc reports an unused one as an error. The db
 * checks live in functions that are type-checked but never called, so no query runs.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  belongsTo,
  bigint,
  boolean,
  type CreateInput,
  createDb,
  type Db,
  date,
  decimal,
  defineSchema,
  float,
  hasMany,
  id,
  integer,
  json,
  model,
  type Page,
  type Row,
  string,
  text,
  timestamp,
  type UpdateInput,
  uuid,
} from "../../src/index.js";

interface Settings {
  theme: "light" | "dark";
  tags: string[];
}

const schema = defineSchema({
  user: model({
    table: "users",
    fields: {
      id: id(),
      email: string().unique(),
      name: string(),
      bio: text().nullable(),
      externalId: uuid(),
      token: uuid().defaultRandom(),
      nickname: string().default("anon"),
      age: integer().nullable(),
      score: float(),
      big: bigint(),
      bigNum: bigint({ mode: "number" }),
      balance: decimal(),
      active: boolean().default(true),
      createdAt: timestamp().defaultNow(),
      loggedAt: timestamp().nullable().defaultNow(),
      birthday: date().nullable(),
      signupDay: date().defaultNow(),
      settings: json<Settings>(),
      extra: json<Record<string, number>>().nullable(),
      anything: json(),
    },
    relations: { posts: hasMany("post", { foreignKey: "authorId" }) },
  }),
  post: model({
    table: "posts",
    fields: { id: id(), authorId: integer(), title: string(), code: uuid().primary() },
    relations: { author: belongsTo("user", { foreignKey: "authorId" }) },
  }),
});

type User = Row<typeof schema, "user">;
type Post = Row<typeof schema, "post">;

type ExpectedUser = {
  id: number;
  email: string;
  name: string;
  bio: string | null;
  externalId: string;
  token: string;
  nickname: string;
  age: number | null;
  score: number;
  big: bigint;
  bigNum: number;
  balance: string;
  active: boolean;
  createdAt: Date;
  loggedAt: Date | null;
  birthday: string | null;
  signupDay: string;
  settings: Settings;
  extra: Record<string, number> | null;
  anything: unknown;
};

describe("Row", () => {
  it("infers each field kind", () => {
    expectTypeOf<User["id"]>().toEqualTypeOf<number>();
    expectTypeOf<User["email"]>().toEqualTypeOf<string>();
    expectTypeOf<User["externalId"]>().toEqualTypeOf<string>();
    expectTypeOf<User["age"]>().toEqualTypeOf<number | null>();
    expectTypeOf<User["score"]>().toEqualTypeOf<number>();
    expectTypeOf<User["big"]>().toEqualTypeOf<bigint>();
    expectTypeOf<User["bigNum"]>().toEqualTypeOf<number>();
    expectTypeOf<User["balance"]>().toEqualTypeOf<string>();
    expectTypeOf<User["active"]>().toEqualTypeOf<boolean>();
    expectTypeOf<User["createdAt"]>().toEqualTypeOf<Date>();
    expectTypeOf<User["signupDay"]>().toEqualTypeOf<string>();
    expectTypeOf<User["settings"]>().toEqualTypeOf<Settings>();
    expectTypeOf<User["anything"]>().toEqualTypeOf<unknown>();
  });

  it("adds | null for nullable() fields, whatever else is chained", () => {
    expectTypeOf<User["bio"]>().toEqualTypeOf<string | null>();
    expectTypeOf<User["loggedAt"]>().toEqualTypeOf<Date | null>();
    expectTypeOf<User["birthday"]>().toEqualTypeOf<string | null>();
    expectTypeOf<User["extra"]>().toEqualTypeOf<Record<string, number> | null>();
  });

  it("is exactly the declared fields (no relations, no extra keys)", () => {
    expectTypeOf<User>().toEqualTypeOf<ExpectedUser>();
    expectTypeOf<Post>().toEqualTypeOf<{ id: number; authorId: number; title: string; code: string }>();
  });

  it("rejects unknown model names", () => {
    // @ts-expect-error "nope" is not a model of the schema
    type _Nope = Row<typeof schema, "nope">;
    expect(true).toBe(true);
  });
});

describe("field builder types", () => {
  it("restricts defaults to the field's type", () => {
    timestamp().defaultNow();
    date().nullable().defaultNow();
    uuid().defaultRandom();
    json<Settings>().default({ theme: "light", tags: [] });
    bigint({ mode: "number" }).default(1);
    bigint().default(1n);
    // @ts-expect-error defaultNow() needs a timestamp or date field
    integer().defaultNow();
    // @ts-expect-error defaultRandom() needs a string (uuid) field
    integer().defaultRandom();
    // @ts-expect-error default() takes the field's type
    string().default(1);
    // @ts-expect-error default() takes the field's type
    boolean().default("yes");
    // @ts-expect-error bigint() defaults are bigints unless mode is "number"
    bigint().default(1);
    // @ts-expect-error json<T>() defaults are T
    json<Settings>().default({ theme: "blue", tags: [] });
    expect(integer().nullable().config.nullable).toBe(true);
  });
});

describe("CreateInput", () => {
  type UserCreate = CreateInput<typeof schema, "user">;

  it("requires fields without a default and makes id(), defaults and nullable fields optional", () => {
    expectTypeOf<UserCreate>().toEqualTypeOf<{
      email: string;
      name: string;
      externalId: string;
      score: number;
      big: bigint;
      bigNum: number;
      balance: string;
      settings: Settings;
      anything: unknown;
      id?: number;
      bio?: string | null;
      token?: string;
      nickname?: string;
      age?: number | null;
      active?: boolean;
      createdAt?: Date;
      loggedAt?: Date | null;
      birthday?: string | null;
      signupDay?: string;
      extra?: Record<string, number> | null;
    }>();
  });

  it("keeps a primary() key without a default required", () => {
    expectTypeOf<CreateInput<typeof schema, "post">>().toEqualTypeOf<{
      authorId: number;
      title: string;
      code: string;
      id?: number;
    }>();
  });

  it("UpdateInput is any subset of the row", () => {
    expectTypeOf<UpdateInput<typeof schema, "user">>().toEqualTypeOf<Partial<ExpectedUser>>();
  });
});

/** Type-checked, never called: every line here compiles (or must not, where marked). */
function queryTypes(db: Db<typeof schema>) {
  // results
  expectTypeOf(db.user.get()).toEqualTypeOf<Promise<User[]>>();
  expectTypeOf(db.user.all()).toEqualTypeOf<Promise<User[]>>();
  expectTypeOf(db.user.where("age", ">", 3).get()).toEqualTypeOf<Promise<User[]>>();
  expectTypeOf(db.user.select("id", "name").get()).toEqualTypeOf<Promise<{ id: number; name: string }[]>>();
  expectTypeOf(db.user.where("active", true).select("id", "email").first()).toEqualTypeOf<
    Promise<{ id: number; email: string } | null>
  >();
  expectTypeOf(db.user.first()).toEqualTypeOf<Promise<User | null>>();
  expectTypeOf(db.user.firstOrFail()).toEqualTypeOf<Promise<User>>();
  expectTypeOf(db.user.pluck("email")).toEqualTypeOf<Promise<string[]>>();
  expectTypeOf(db.user.pluck("age")).toEqualTypeOf<Promise<(number | null)[]>>();
  expectTypeOf(db.user.find(1)).toEqualTypeOf<Promise<User | null>>();
  expectTypeOf(db.user.findOrFail(1)).toEqualTypeOf<Promise<User>>();
  expectTypeOf(db.user.count()).toEqualTypeOf<Promise<number>>();
  expectTypeOf(db.user.exists()).toEqualTypeOf<Promise<boolean>>();
  expectTypeOf(db.user.paginate({ page: 2, perPage: 10 })).toEqualTypeOf<Promise<Page<User>>>();
  expectTypeOf(db.user.select("id").paginate()).toEqualTypeOf<Promise<Page<{ id: number }>>>();
  expectTypeOf<Page<User>>().toEqualTypeOf<{
    data: User[];
    total: number;
    page: number;
    perPage: number;
    lastPage: number;
  }>();
  expectTypeOf(db.user.create({ email: "a@b.c", name: "A", ...requiredRest() })).toEqualTypeOf<Promise<User>>();
  expectTypeOf(db.user.createMany([])).toEqualTypeOf<Promise<User[]>>();
  expectTypeOf(db.user.where("id", 1).update({ name: "B" })).toEqualTypeOf<Promise<number>>();
  expectTypeOf(db.user.where("id", 1).delete()).toEqualTypeOf<Promise<number>>();
  expectTypeOf(db.post.get()).toEqualTypeOf<Promise<Post[]>>();

  // filters that compile
  db.user.where("age", ">", 3);
  db.user.where("age", null);
  db.user.where("name", "Ada");
  db.user.where("name", "like", "A%");
  db.user.where("id", "in", [1, 2]);
  db.user.where("createdAt", "<", new Date());
  db.user.where({ name: "Ada", age: null });
  db.user.where((q) => q.where("age", ">", 18).orWhere("age", null));
  db.user.orWhere("email", "!=", "x");
  db.user.whereIn("age", [1, 2]);
  db.user.whereNotIn("email", ["a", "b"]);
  db.user.whereNull("bio");
  db.user.whereBetween("score", [1, 2]);
  db.user.orderBy("name", "desc").limit(3).offset(1);

  // filters that must not compile
  // @ts-expect-error unknown field name
  db.user.where("nope", 1);
  // @ts-expect-error unknown field name with an operator
  db.user.where("nope", ">", 1);
  // @ts-expect-error wrong value type for an integer field
  db.user.where("age", "x");
  // @ts-expect-error wrong value type with an operator
  db.user.where("age", ">", "3");
  // @ts-expect-error unknown operator
  db.user.where("age", "~", 3);
  // @ts-expect-error like takes a string
  db.user.where("name", "like", 3);
  // @ts-expect-error in takes an array of the field's type
  db.user.where("id", "in", ["a"]);
  // @ts-expect-error unknown field in the object form
  db.user.where({ nope: 1 });
  // @ts-expect-error wrong value type in the object form
  db.user.where({ age: "x" });
  // @ts-expect-error whereIn with the wrong element type
  db.user.whereIn("age", ["a", "b"]);
  // @ts-expect-error whereIn does not take null elements
  db.user.whereIn("age", [null]);
  // @ts-expect-error whereIn on an unknown field
  db.user.whereIn("nope", [1]);
  // @ts-expect-error whereNull on an unknown field
  db.user.whereNull("nope");
  // @ts-expect-error whereBetween with the wrong types
  db.user.whereBetween("score", ["a", "b"]);
  // @ts-expect-error orderBy of an unknown field
  db.user.orderBy("nope");
  // @ts-expect-error orderBy with an unknown direction
  db.user.orderBy("name", "up");
  // @ts-expect-error select of an unknown field
  db.user.select("id", "nope");
  // @ts-expect-error pluck of an unknown field
  db.user.pluck("nope");
  db.user
    .select("id")
    .first()
    .then((row) => {
      // @ts-expect-error after select, the row has only the selected fields
      return row?.name;
    });

  // writes that must not compile
  // @ts-expect-error create missing a required field (name)
  db.user.create({ email: "a@b.c", ...requiredRest() });
  // @ts-expect-error create with an unknown field
  db.user.create({ email: "a@b.c", name: "A", nope: 1, ...requiredRest() });
  // @ts-expect-error create with a wrong type
  db.user.create({ email: "a@b.c", name: 1, ...requiredRest() });
  // @ts-expect-error create with null for a non-nullable field
  db.user.create({ email: null, name: "A", ...requiredRest() });
  // @ts-expect-error update with a wrong type
  db.user.where("id", 1).update({ age: "x" });
  // @ts-expect-error update with an unknown field
  db.user.query().update({ nope: 1 });
  // @ts-expect-error update with null for a non-nullable field
  db.user.query().update({ name: null });
  db.user.query().update({ age: null, name: "B" });

  // models
  // @ts-expect-error accessing an unknown model
  db.nope;
  // @ts-expect-error fields of another model
  db.post.where("email", "a");
  // @ts-expect-error a relation is not a field
  db.user.where("posts", 1);
}

/** The required user fields besides email and name, to keep the create checks short. */
function requiredRest() {
  return {
    externalId: "00000000-0000-4000-8000-000000000000",
    score: 1,
    big: 1n,
    bigNum: 1,
    balance: "1.00",
    settings: { theme: "dark", tags: [] } as Settings,
    anything: null,
  };
}

describe("db handle types", () => {
  it("infers results and rejects wrong fields, values and models (checked by tsc)", () => {
    expectTypeOf(queryTypes).parameter(0).toEqualTypeOf<Db<typeof schema>>();
  });

  it("createDb returns a Db of the schema with a handle per model", async () => {
    const db = createDb({ schema, url: "sqlite::memory:" });
    try {
      expectTypeOf(db).toEqualTypeOf<Db<typeof schema>>();
      expectTypeOf(db.user.find).returns.toEqualTypeOf<Promise<User | null>>();
      expectTypeOf(db.post.first).returns.toEqualTypeOf<Promise<Post | null>>();
      expect(typeof db.user.where).toBe("function");
      expect(typeof db.post.get).toBe("function");
      expect(db.user.where("age", ">", 3).toSql().params).toEqual([3]);
    } finally {
      await db.destroy();
    }
  });
});
