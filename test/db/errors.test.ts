import { beforeEach, describe, expect, it } from "vitest";
import {
  defineSchema,
  ForeignKeyConstraintError,
  id,
  integer,
  model,
  RelataError,
  string,
  UniqueConstraintError,
  ValidationError,
} from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { caught } from "../support/caught.js";
import { dialect, type PerDialect, useTestDb } from "../support/test-db.js";

const USER_FIELDS = "id, email, name, age, active, countryId, createdAt";

/** Owners whose pets (onDelete: restrict) and toys (no onDelete: the database's NO ACTION) protect them from deletion. */
const shelter = defineSchema(
  {
    owner: model({ table: "owners", fields: { id: id(), name: string() } }),
    pet: model({
      table: "pets",
      fields: {
        id: id(),
        ownerId: integer().references("owner.id", { onDelete: "restrict" }),
        name: string(),
      },
    }),
    toy: model({
      table: "toys",
      fields: { id: id(), ownerId: integer().references("owner.id"), name: string() },
    }),
  },
  { casing: "snake_case" },
);

function expectValidation(error: unknown, model: string, field: string | undefined): ValidationError {
  expect(error).toBeInstanceOf(ValidationError);
  expect(error).toBeInstanceOf(RelataError);
  const e = error as ValidationError;
  expect(e.name).toBe("ValidationError");
  expect(e.model).toBe(model);
  expect(e.field).toBe(field);
  expect(e.message).toContain(`"${model}`);
  return e;
}

function expectUnknownField(error: unknown, field: string): void {
  const e = expectValidation(error, "user", field);
  expect(e.message).toContain(`"${field}"`);
  expect(e.message).toContain(`model "user"`);
  expect(e.message).toContain(`Valid fields: ${USER_FIELDS}.`);
}

describe(`errors on ${dialect}`, () => {
  const t = useTestDb(blog);
  // Untyped access, to pass what the types forbid (as plain JavaScript callers can).
  const loose = () => t.db.user as any;

  describe("unknown fields are a ValidationError before any SQL", () => {
    const cases: [string, string, () => unknown][] = [
      ["where(col, val)", "nope", () => loose().where("nope", 1).get()],
      ["where(col, op, val)", "nope", () => loose().where("nope", ">", 1).get()],
      ["where({..})", "nope", () => loose().where({ name: "Ada", nope: 1 }).get()],
      [
        "where(q => ...)",
        "nope",
        () =>
          loose()
            .where((q: any) => q.where("nope", 1))
            .get(),
      ],
      ["orWhere", "nope", () => loose().where("name", "Ada").orWhere("nope", 1).get()],
      ["orWhere({..})", "nope", () => loose().where("name", "Ada").orWhere({ nope: 1 }).get()],
      ["whereIn", "nope", () => loose().whereIn("nope", [1, 2]).get()],
      ["whereNotIn", "nope", () => loose().whereNotIn("nope", [1]).get()],
      ["orWhereIn", "nope", () => loose().orWhereIn("nope", [1]).get()],
      ["whereNull", "nope", () => loose().whereNull("nope").get()],
      ["whereBetween", "nope", () => loose().whereBetween("nope", [1, 2]).get()],
      ["select", "nope", () => loose().select("id", "nope").get()],
      ["orderBy", "nope", () => loose().orderBy("nope").get()],
      ["pluck", "nope", () => loose().pluck("nope")],
      ["count after where", "nope", () => loose().where("nope", 1).count()],
      ["create", "nope", () => loose().create({ email: "a@example.dev", name: "A", nope: 1 })],
      ["createMany", "nope", () => loose().createMany([{ email: "a@example.dev", name: "A" }, { nope: 1 }])],
      ["update", "nope", () => loose().where("name", "Ada").update({ nope: 1 })],
      ["a raw column name in where", "country_id", () => loose().where("country_id", 1).get()],
      ["a raw column name in select", "created_at", () => loose().select("created_at").get()],
      [
        "a raw column name in create",
        "country_id",
        () => loose().create({ email: "a@x.dev", name: "A", country_id: 1 }),
      ],
    ];
    for (const [name, field, run] of cases) {
      it(name, async () => {
        const { queries, result } = await t.count(() => caught(run));
        expectUnknownField(result, field);
        expect(queries).toBe(0);
        expect(t.queries).toHaveLength(0);
      });
    }

    it("nothing was written by the rejected creates", async () => {
      await caught(() => loose().createMany([{ email: "a@example.dev", name: "A" }, { nope: 1 }]));
      expect(await t.db.user.count()).toBe(0);
    });
  });

  describe("wrong values are a ValidationError before any SQL", () => {
    const cases: [string, string, string, () => unknown, string[]][] = [
      [
        "a string into an integer (create)",
        "user",
        "age",
        () => loose().create({ email: "a@example.dev", name: "A", age: "42" }),
        ['"user.age"', "an integer", '"42" (string)'],
      ],
      [
        "a string into an integer (update)",
        "user",
        "age",
        () => loose().query().update({ age: "42" }),
        ['"user.age"', "an integer"],
      ],
      [
        "a fraction into an integer",
        "user",
        "age",
        () => loose().create({ email: "a@example.dev", name: "A", age: 4.5 }),
        ['"user.age"', "an integer"],
      ],
      [
        "a number into a boolean (create)",
        "user",
        "active",
        () => loose().create({ email: "a@example.dev", name: "A", active: 1 }),
        ['"user.active"', "a boolean"],
      ],
      [
        "a number into a boolean (update)",
        "user",
        "active",
        () => loose().where("id", 1).update({ active: 0 }),
        ['"user.active"', "a boolean"],
      ],
      [
        "an invalid Date",
        "user",
        "createdAt",
        () => loose().create({ email: "a@example.dev", name: "A", createdAt: new Date("not a date") }),
        ['"user.createdAt"', "invalid Date"],
      ],
      [
        "an invalid Date (update)",
        "user",
        "createdAt",
        () =>
          loose()
            .query()
            .update({ createdAt: new Date(Number.NaN) }),
        ['"user.createdAt"', "invalid Date"],
      ],
      [
        "a non-UUID into a uuid",
        "token",
        "id",
        () => (t.db.token as any).create({ id: "not-a-uuid", label: "x" }),
        ['"token.id"', "a UUID"],
      ],
      ["a non-UUID to find by uuid key", "token", "id", () => t.db.token.find("123"), ['"token.id"', "a UUID"]],
      [
        "null into a non-nullable field (create)",
        "user",
        "name",
        () => loose().create({ email: "a@example.dev", name: null }),
        ['"user.name"', "not nullable"],
      ],
      [
        "null into a non-nullable field (update)",
        "user",
        "email",
        () => loose().query().update({ email: null }),
        ['"user.email"', "not nullable"],
      ],
      [
        "a string into a decimal",
        "post",
        "price",
        () => (t.db.post as any).create({ authorId: 1, title: "T", price: "cheap" }),
        ['"post.price"', "numeric"],
      ],
      [
        "a function into a string",
        "post",
        "title",
        () => (t.db.post as any).create({ authorId: 1, title: () => "x" }),
        ['"post.title"', "a string"],
      ],
      [
        "missing required fields on create",
        "user",
        "email",
        () => loose().create({}),
        ['Missing required fields for "user": email, name.'],
      ],
      [
        "one missing required field",
        "post",
        "title",
        () => (t.db.post as any).create({ authorId: 1 }),
        ['Missing required field for "post": title.'],
      ],
      [
        "missing required fields in one row of createMany",
        "post",
        "authorId",
        () => (t.db.post as any).createMany([{ authorId: 1, title: "T" }, {}]),
        ['Missing required fields for "post": authorId, title.'],
      ],
      [
        "an unknown operator",
        "user",
        "age",
        () => loose().where("age", "~", 3).get(),
        ['"~"', '"user.age"', "Valid operators: =, !=, <>, <, <=, >, >=, like, not like, in, not in."],
      ],
      [
        "a list for a scalar operator",
        "user",
        "age",
        () => loose().where("age", "=", [1, 2]).get(),
        ['"user.age"', "use in"],
      ],
      ["a scalar for in", "user", "age", () => loose().where("age", "in", 3).get(), ['"user.age"', "needs an array"]],
      [
        "a number compared with a boolean",
        "user",
        "active",
        () => loose().where("active", 1).get(),
        ['"user.active"', "expected a boolean", "1 (number)"],
      ],
      [
        "a string compared with an integer",
        "user",
        "age",
        () => loose().where("age", ">", "18").get(),
        ['"user.age"', "expected an integer", '"18" (string)'],
      ],
      [
        "a fraction compared with an integer field",
        "user",
        "age",
        () => loose().where("age", ">", 35.5).get(),
        ['"user.age"', "expected an integer", "35.5 (number)"],
      ],
      [
        "a wrong element in whereIn",
        "user",
        "age",
        () => loose().whereIn("age", [1, "two"]).get(),
        ['"user.age"', '"two" (string)'],
      ],
      [
        "an invalid date in whereBetween",
        "user",
        "createdAt",
        () =>
          loose()
            .whereBetween("createdAt", [new Date("x"), new Date()])
            .get(),
        ['"user.createdAt"', "a Date or an ISO-8601 string"],
      ],
      [
        "null with an ordering operator",
        "user",
        "age",
        () => loose().where("age", ">", null).get(),
        ['"user.age"', "whereNull"],
      ],
      [
        "a non-string like pattern",
        "user",
        "name",
        () => loose().where("name", "like", 5).get(),
        ['"user.name"', "string pattern"],
      ],
      [
        "undefined as a where value",
        "user",
        "age",
        () => loose().where("age", undefined).get(),
        ['"user.age"', "undefined"],
      ],
    ];
    for (const [name, model, field, run, fragments] of cases) {
      it(name, async () => {
        const { queries, result } = await t.count(() => caught(run));
        const error = expectValidation(result, model, field);
        for (const fragment of fragments) expect(error.message).toContain(fragment);
        expect(queries).toBe(0);
      });
    }

    it("update with no fields is a ValidationError listing the fields", async () => {
      const { queries, result } = await t.count(() => caught(() => t.db.user.query().update({})));
      const error = expectValidation(result, "user", undefined);
      expect(error.message).toContain(`Valid fields: ${USER_FIELDS}.`);
      expect(queries).toBe(0);
    });
  });

  describe("unique constraints", () => {
    beforeEach(() => t.truncate());

    it("a duplicate email is a UniqueConstraintError naming the constraint and table", async () => {
      const ada = await t.db.user.create({ email: "ada@example.dev", name: "Ada" });
      const error = await caught(() => t.db.user.create({ email: "ada@example.dev", name: "Other Ada" }));
      expect(error).toBeInstanceOf(UniqueConstraintError);
      expect(error).toBeInstanceOf(RelataError);
      const e = error as UniqueConstraintError;
      expect(e.name).toBe("UniqueConstraintError");
      expect(e.constraint).toBe("users_email_unique");
      expect(e.fields).toEqual(["email"]);
      expect(e.table).toBe("users");
      expect(e.message).toContain("users_email_unique");
      expect(e.cause).toBeDefined();
      expect(await t.db.user.orderBy("id").get()).toEqual([ada]);
    });

    it("an update to a duplicate email is a UniqueConstraintError and changes nothing", async () => {
      const [a, b] = await t.db.user.createMany([
        { email: "a@example.dev", name: "A" },
        { email: "b@example.dev", name: "B" },
      ]);
      const error = await caught(() => t.db.user.where("id", b!.id).update({ email: "a@example.dev" }));
      expect(error).toBeInstanceOf(UniqueConstraintError);
      expect((error as UniqueConstraintError).constraint).toBe("users_email_unique");
      expect((error as UniqueConstraintError).table).toBe("users");
      expect(await t.db.user.orderBy("id").get()).toEqual([a, b]);
    });

    it("a duplicate unique name on another table names that table's constraint", async () => {
      await t.db.tag.create({ name: "orm" });
      const error = await caught(() => t.db.tag.create({ name: "orm" }));
      expect(error).toBeInstanceOf(UniqueConstraintError);
      expect((error as UniqueConstraintError).constraint).toBe("tags_name_unique");
      expect((error as UniqueConstraintError).fields).toEqual(["name"]);
      expect((error as UniqueConstraintError).table).toBe("tags");
    });

    it("a duplicate primary key is a UniqueConstraintError", async () => {
      const ada = await t.db.user.create({ email: "ada@example.dev", name: "Ada" });
      const error = await caught(() => t.db.user.create({ id: ada.id, email: "other@example.dev", name: "Other" }));
      expect(error).toBeInstanceOf(UniqueConstraintError);
      // Named by the database where it names primary keys itself.
      const constraint: PerDialect<string> = { sqlite: "users_id_pkey", postgres: "users_pkey", mysql: "PRIMARY" };
      expect((error as UniqueConstraintError).constraint).toBe(constraint[dialect]);
      expect((error as UniqueConstraintError).fields).toEqual(["id"]);
      expect((error as UniqueConstraintError).table).toBe("users");
      expect(await t.db.user.count()).toBe(1);
    });
  });

  describe("foreign key constraints", () => {
    beforeEach(() => t.truncate());

    const postsAuthorFk: PerDialect<string | undefined> = {
      sqlite: undefined, // SQLite does not name the failing constraint
      postgres: "posts_author_id_foreign",
      mysql: "posts_author_id_foreign",
    };

    it("a post with a missing author is a ForeignKeyConstraintError", async () => {
      const error = await caught(() => t.db.post.create({ authorId: 999_999, title: "Orphan" }));
      expect(error).toBeInstanceOf(ForeignKeyConstraintError);
      expect(error).toBeInstanceOf(RelataError);
      const e = error as ForeignKeyConstraintError;
      expect(e.name).toBe("ForeignKeyConstraintError");
      expect(e.table).toBe("posts");
      expect(e.constraint).toBe(postsAuthorFk[dialect]);
      expect(e.message).toContain('"posts"');
      expect(await t.db.post.count()).toBe(0);
    });

    it("moving a post to a missing author is a ForeignKeyConstraintError and changes nothing", async () => {
      const author = await t.db.user.create({ email: "a@example.dev", name: "A" });
      const post = await t.db.post.create({ authorId: author.id, title: "T" });
      const error = await caught(() => t.db.post.where("id", post.id).update({ authorId: 999_999 }));
      expect(error).toBeInstanceOf(ForeignKeyConstraintError);
      expect((error as ForeignKeyConstraintError).table).toBe("posts");
      expect((error as ForeignKeyConstraintError).constraint).toBe(postsAuthorFk[dialect]);
      expect(await t.db.post.find(post.id)).toEqual(post);
    });
  });

  describe("transactions", () => {
    beforeEach(() => t.truncate());

    it("a throwing callback after writes rolls every write back", async () => {
      const boom = new Error("boom");
      const error = await caught(() =>
        t.db.transaction(async (tx) => {
          const author = await tx.user.create({ email: "a@example.dev", name: "A" });
          await tx.post.createMany([
            { authorId: author.id, title: "One" },
            { authorId: author.id, title: "Two" },
          ]);
          await tx.user.where("id", author.id).update({ name: "Changed" });
          expect(await tx.post.count()).toBe(2);
          throw boom;
        }),
      );
      expect(error).toBe(boom);
      expect(await t.db.user.count()).toBe(0);
      expect(await t.db.post.count()).toBe(0);
    });

    it("a failed write inside a transaction rolls back the writes before it", async () => {
      const existing = await t.db.user.create({ email: "taken@example.dev", name: "Taken" });
      const error = await caught(() =>
        t.db.transaction(async (tx) => {
          await tx.user.create({ email: "new@example.dev", name: "New" });
          await tx.user.where("id", existing.id).update({ name: "Renamed" });
          await tx.user.create({ email: "taken@example.dev", name: "Duplicate" });
        }),
      );
      expect(error).toBeInstanceOf(UniqueConstraintError);
      expect((error as UniqueConstraintError).constraint).toBe("users_email_unique");
      expect(await t.db.user.orderBy("id").get()).toEqual([existing]);
    });

    it("a transaction that returns commits its writes and its value", async () => {
      const created = await t.db.transaction(async (tx) => tx.user.create({ email: "a@example.dev", name: "A" }));
      expect(await t.db.user.orderBy("id").get()).toEqual([created]);
    });
  });

  describe("createMany is atomic", () => {
    beforeEach(() => t.truncate());

    it("a duplicate inside the batch leaves no row of it", async () => {
      const error = await caught(() =>
        t.db.user.createMany([
          { email: "a@example.dev", name: "A" },
          { email: "b@example.dev", name: "B" },
          { email: "a@example.dev", name: "A again" },
        ]),
      );
      expect(error).toBeInstanceOf(UniqueConstraintError);
      expect((error as UniqueConstraintError).constraint).toBe("users_email_unique");
      expect((error as UniqueConstraintError).table).toBe("users");
      expect(await t.db.user.count()).toBe(0);
    });

    it("a row clashing with an existing one leaves no row of the batch", async () => {
      const existing = await t.db.user.create({ email: "taken@example.dev", name: "Taken" });
      const error = await caught(() =>
        t.db.user.createMany([
          { email: "x@example.dev", name: "X" },
          { email: "y@example.dev", name: "Y" },
          { email: "taken@example.dev", name: "Clash" },
          { email: "z@example.dev", name: "Z" },
        ]),
      );
      expect(error).toBeInstanceOf(UniqueConstraintError);
      expect(await t.db.user.orderBy("id").get()).toEqual([existing]);
    });

    it("a failure in a later statement of the batch rolls back the earlier ones", async () => {
      const existing = await t.db.user.create({ email: "taken@example.dev", name: "Taken" });
      // An explicit id makes a second column set, so a second INSERT.
      const error = await caught(() =>
        t.db.user.createMany([
          { email: "x@example.dev", name: "X" },
          { email: "y@example.dev", name: "Y" },
          { id: 900_000, email: "taken@example.dev", name: "Clash" },
        ]),
      );
      expect(error).toBeInstanceOf(UniqueConstraintError);
      expect(await t.db.user.orderBy("id").get()).toEqual([existing]);
    });

    it("a foreign key failure in one row leaves no row of the batch", async () => {
      const author = await t.db.user.create({ email: "a@example.dev", name: "A" });
      const error = await caught(() =>
        t.db.post.createMany([
          { authorId: author.id, title: "Fine" },
          { authorId: 999_999, title: "Orphan" },
        ]),
      );
      expect(error).toBeInstanceOf(ForeignKeyConstraintError);
      expect((error as ForeignKeyConstraintError).table).toBe("posts");
      expect(await t.db.post.count()).toBe(0);
    });
  });
});

describe(`restrict foreign keys on ${dialect}`, () => {
  const t = useTestDb(shelter);

  it("deleting a protected parent is a ForeignKeyConstraintError and deletes nothing", async () => {
    const owner = await t.db.owner.create({ name: "Olive" });
    const pet = await t.db.pet.create({ ownerId: owner.id, name: "Rex" });
    const error = await caught(() => t.db.owner.where("id", owner.id).delete());
    expect(error).toBeInstanceOf(ForeignKeyConstraintError);
    expect(error).toBeInstanceOf(RelataError);
    const e = error as ForeignKeyConstraintError;
    const constraint: PerDialect<string | undefined> = {
      sqlite: undefined,
      postgres: "pets_owner_id_foreign",
      mysql: "pets_owner_id_foreign",
    };
    expect(e.constraint).toBe(constraint[dialect]);
    expect(await t.db.owner.find(owner.id)).toEqual(owner);
    expect(await t.db.pet.find(pet.id)).toEqual(pet);

    expect(await t.db.pet.where("ownerId", owner.id).delete()).toBe(1);
    expect(await t.db.owner.where("id", owner.id).delete()).toBe(1);
    expect(await t.db.owner.count()).toBe(0);
  });

  it("deleting a parent a default (no action) foreign key protects is a ForeignKeyConstraintError", async () => {
    const owner = await t.db.owner.create({ name: "Otto" });
    const toy = await t.db.toy.create({ ownerId: owner.id, name: "Ball" });
    const error = await caught(() => t.db.owner.where("id", owner.id).delete());
    expect(error).toBeInstanceOf(ForeignKeyConstraintError);
    const constraint: PerDialect<string | undefined> = {
      sqlite: undefined,
      postgres: "toys_owner_id_foreign",
      mysql: "toys_owner_id_foreign",
    };
    expect((error as ForeignKeyConstraintError).constraint).toBe(constraint[dialect]);
    expect(await t.db.owner.find(owner.id)).toEqual(owner);
    expect(await t.db.toy.find(toy.id)).toEqual(toy);
  });

  it("a blocked delete reports the same .table on every dialect: the table the statement wrote to", async () => {
    // ConstraintError.table is documented (src/errors.ts) as "the table the failing statement wrote to".
    const owner = await t.db.owner.create({ name: "Ida" });
    await t.db.toy.create({ ownerId: owner.id, name: "Kite" });
    const error = await caught(() => t.db.owner.where("id", owner.id).delete());
    expect(error).toBeInstanceOf(ForeignKeyConstraintError);
    expect((error as ForeignKeyConstraintError).table).toBe("owners");
  });
});
