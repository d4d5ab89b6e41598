import { describe, expect, expectTypeOf, it } from "vitest";
import { tablePlans } from "../../src/generate/tables.js";
import {
  belongsTo,
  belongsToMany,
  bigint,
  decimal,
  defineSchema,
  hasMany,
  hasManyThrough,
  id,
  integer,
  manyToMany,
  model,
  string,
  text,
  timestamp,
  uuid,
} from "../../src/index.js";
import { pivotOf, problem, rel, schemaError } from "../support/schema-helpers.js";

// ---------------------------------------------------------------------------------------------
// model({ indexes, uniques })
// ---------------------------------------------------------------------------------------------

const post = () =>
  model({
    table: "posts",
    fields: { id: id(), authorId: integer(), slug: string(), createdAt: timestamp() },
    indexes: [["authorId", "createdAt"]],
    uniques: [["authorId", "slug"]],
  });

describe("model({ indexes, uniques })", () => {
  it("keeps the lists as field names in ModelMeta.indexes / uniques", () => {
    const schema = defineSchema({ post: post() });
    expect(schema.model("post").indexes).toEqual([["authorId", "createdAt"]]);
    expect(schema.model("post").uniques).toEqual([["authorId", "slug"]]);
  });

  it("gives a model without them empty lists", () => {
    const schema = defineSchema({ user: model({ fields: { id: id() } }) });
    expect(schema.model("user").indexes).toEqual([]);
    expect(schema.model("user").uniques).toEqual([]);
  });

  it("rejects an unknown field, naming the model's fields", () => {
    const error = schemaError(() =>
      defineSchema({
        post: model({
          fields: { id: id(), authorId: integer(), slug: string() },
          // @ts-expect-error: "author" is no field of the model
          indexes: [["author", "slug"]],
          // @ts-expect-error: "title" is no field of the model
          uniques: [["authorId", "title"]],
        }),
      }),
    );
    problem(error, 'model "post"', "indexes[0]", '"author"', "fields: id, authorId, slug");
    problem(error, 'model "post"', "uniques[0]", '"title"', "fields: id, authorId, slug");
  });

  it("rejects an empty list, a field named twice and a value that is no list of lists", () => {
    const error = schemaError(() =>
      defineSchema({
        a: model({ fields: { id: id(), x: integer() }, indexes: [[]], uniques: [["x", "x"]] }),
        b: model({ fields: { id: id(), x: integer() }, indexes: "x" as never }),
        c: model({ fields: { id: id(), x: integer() }, uniques: ["x"] as never }),
      }),
    );
    problem(error, 'model "a"', "indexes[0]", "non-empty list of field names", "fields: id, x");
    problem(error, 'model "a"', "uniques[0]", '"x" twice');
    problem(error, 'model "b"', "indexes takes a list of field-name lists");
    problem(error, 'model "c"', "uniques[0]", "non-empty list");
  });

  it("types the field names from the model's own fields", () => {
    const m = model({ fields: { id: id(), a: integer(), b: string() }, indexes: [["a", "b"]], uniques: [["b"]] });
    expectTypeOf(m.fields).toHaveProperty("a");
    // @ts-expect-error: a number is no field name
    model({ fields: { id: id() }, indexes: [[1]] });
    // @ts-expect-error: a flat list is not a list of field lists
    model({ fields: { id: id(), a: integer() }, uniques: ["a"] });
  });

  it("puts them in the table plan under push()'s names; a unique's leading column covers the foreign key's index", () => {
    const schema = defineSchema(
      {
        user: model({ fields: { id: id() } }),
        post: model({
          fields: {
            id: id(),
            authorId: integer().references("user.id"),
            slug: string(),
            createdAt: timestamp(),
            code: string(),
          },
          indexes: [
            ["createdAt", "slug"],
            ["createdAt", "slug"],
          ],
          uniques: [["authorId", "slug"], ["code"], ["id"]],
        }),
      },
      { casing: "snake_case" },
    );
    const plan = tablePlans(schema.meta, "postgres").find((p) => p.table === "post")!;
    expect(plan.compositeUniques).toEqual([{ name: "post_author_id_slug_unique", columns: ["author_id", "slug"] }]);
    // A one-field entry is a plain unique; one the primary key already is, none.
    expect(plan.uniques).toEqual([{ name: "post_code_unique", column: "code", columns: ["code"] }]);
    // author_id starts the composite unique: no index of its own.
    expect(plan.indexes).toEqual([{ name: "post_created_at_slug_index", columns: ["created_at", "slug"] }]);
  });
});

// ---------------------------------------------------------------------------------------------
// foreign key types
// ---------------------------------------------------------------------------------------------

describe("key type mismatches", () => {
  it("rejects seed 001's string().references() to an id(), naming both fields and their types", () => {
    const error = schemaError(() =>
      defineSchema({
        user: model({ fields: { id: id() }, relations: { posts: hasMany("post") } }),
        post: model({
          fields: { id: id(), userId: string().references("user.id") },
          relations: { user: belongsTo("user") },
        }),
      }),
    );
    // One problem for the pair, though references, belongsTo and hasMany all join on it.
    expect(error.problems).toHaveLength(1);
    const text = problem(error, '"post.userId"', "string(255)", '"user.id"', "id() (an integer)");
    expect(text).toContain("PostgreSQL and MariaDB refuse a foreign key between an integer and a text column");
    expect(text).toContain('declare "post.userId" as integer()');
  });

  it("rejects a belongsTo whose key differs in type from the owner key, without references too", () => {
    const error = schemaError(() =>
      defineSchema({
        user: model({ fields: { id: uuid().defaultRandom().primary() } }),
        post: model({ fields: { id: id(), userId: string() }, relations: { user: belongsTo("user") } }),
      }),
    );
    const text = problem(error, 'relation "post.user"', '"post.userId" is string(255)', '"user.id"', "uuid()");
    expect(text).toContain("PostgreSQL's native uuid type");
    expect(text).toContain('declare "post.userId" as uuid()');
  });

  it("offers both fixes when the key is a uuid() and the owner key a string()", () => {
    const error = schemaError(() =>
      defineSchema({
        user: model({ fields: { code: string().primary() } }),
        post: model({
          fields: { id: id(), userCode: uuid().references("user.code") },
        }),
      }),
    );
    const text = problem(error, 'field "post.userCode" is uuid()', 'references "user.code"', "string(255)");
    expect(text).toContain('declare "post.userCode" as string(255) (or "user.code" as uuid())');
  });

  it("rejects integer against bigint only where a foreign key constraint joins them (MySQL/MariaDB refuse it)", () => {
    const error = schemaError(() =>
      defineSchema({
        user: model({ fields: { id: bigint().primary() } }),
        post: model({ fields: { id: id(), userId: integer().references("user.id") } }),
      }),
    );
    problem(error, '"post.userId" is integer()', '"user.id", which is bigint()', "MySQL and MariaDB", "bigint()");
    // A relation alone compares them fine on every database.
    expect(() =>
      defineSchema({
        user: model({ fields: { id: id() } }),
        post: model({ fields: { id: id(), userId: bigint() }, relations: { user: belongsTo("user") } }),
      }),
    ).not.toThrow();
  });

  it("accepts a relation (no foreign key) between a string key and an integer one: relata casts to compare them", () => {
    expect(() =>
      defineSchema({
        account: model({
          fields: { id: id() },
          relations: { tickets: hasMany("ticket", { foreignKey: "accountRef" }) },
        }),
        ticket: model({
          fields: { id: id(), accountRef: string() },
          relations: { account: belongsTo("account", { foreignKey: "accountRef" }) },
        }),
      }),
    ).not.toThrow();
  });

  it("accepts the pairs that hold the same values", () => {
    expect(() =>
      defineSchema({
        user: model({ fields: { id: id(), code: string(40).unique(), big: bigint().unique() } }),
        post: model({
          fields: {
            id: id(),
            userId: integer().references("user.id"), // id() is an integer
            userCode: string(20).references("user.code"), // lengths may differ
            bigId: bigint({ mode: "number" }).references("user.big"), // the read mode is no column type
            note: text(),
          },
          relations: { byCode: belongsTo("user", { foreignKey: "note", ownerKey: "code" }) }, // text with string
        }),
      }),
    ).not.toThrow();
  });

  it("rejects a decimal key of another precision or scale under a foreign key", () => {
    const error = schemaError(() =>
      defineSchema({
        price: model({ fields: { amount: decimal(12, 2).primary() } }),
        line: model({ fields: { id: id(), amount: decimal(10, 2).references("price.amount") } }),
      }),
    );
    problem(error, '"line.amount" is decimal(10, 2)', "decimal(12, 2)", "same precision and scale");
  });

  it("checks a join model's keys and a through relation's keys", () => {
    const error = schemaError(() =>
      defineSchema({
        user: model({
          fields: { id: id() },
          relations: {
            teams: manyToMany("team", { through: "membership", from: "userId", to: "teamId" }),
            comments: hasManyThrough("comment", { through: "post" }),
          },
        }),
        team: model({ fields: { id: uuid().primary() } }),
        membership: model({ fields: { id: id(), userId: integer(), teamId: string() } }),
        post: model({ fields: { id: id(), userId: uuid() } }),
        comment: model({ fields: { id: id(), postId: integer() } }),
      }),
    );
    problem(error, 'relation "user.teams"', '"membership.teamId" is string(255)', '"team.id"', "uuid()");
    problem(
      error,
      'relation "user.comments"',
      '"post.userId" is uuid()',
      '"user.id"',
      "only between integers and strings",
      '"user.id" as uuid()',
    );
    expect(error.problems).toHaveLength(2);
  });

  it("leaves bare pivot tables alone: their key columns take the types of the keys they hold", () => {
    const schema = defineSchema({
      user: model({ fields: { id: id() }, relations: { tags: belongsToMany("tag") } }),
      tag: model({ fields: { id: uuid().primary() } }),
    });
    expect(pivotOf(rel(schema, "user", "tags")).relatedKey.config.kind).toBe("uuid");
  });
});

// ---------------------------------------------------------------------------------------------
// casing
// ---------------------------------------------------------------------------------------------

describe("casing for existing databases", () => {
  it('"PascalCase" names tables and columns, pivot tables and keys; .column() and table still win', () => {
    const schema = defineSchema(
      {
        userAccount: model({
          fields: { id: id(), createdAt: timestamp(), emailAddress: string().column("email") },
          relations: { roles: belongsToMany("role") },
        }),
        role: model({ table: "roles", fields: { id: id(), display_name: string() } }),
      },
      { casing: "PascalCase" },
    );
    const user = schema.model("userAccount");
    expect(user.table).toBe("UserAccount");
    expect([...user.fields.values()].map((f) => f.column)).toEqual(["Id", "CreatedAt", "email"]);
    expect(schema.model("role").table).toBe("roles");
    expect(schema.model("role").fields.get("display_name")!.column).toBe("DisplayName");
    const pivot = pivotOf(rel(schema, "userAccount", "roles"));
    expect(pivot.table).toBe("Role_UserAccount");
    expect([pivot.foreignKey.column, pivot.relatedKey.column]).toEqual(["UserAccountId", "RoleId"]);
    expect(schema.options.casing).toBe("PascalCase");
  });

  it("takes a function (name) => string for tables and columns", () => {
    const upper = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
    const schema = defineSchema(
      { blogPost: model({ fields: { id: id(), publishedAt: timestamp() } }) },
      { casing: upper },
    );
    expect(schema.model("blogPost").table).toBe("BLOG_POST");
    expect(schema.model("blogPost").fields.get("publishedAt")!.column).toBe("PUBLISHED_AT");
    expect(schema.options.casing).toBe(upper);
  });

  it("rejects an unknown casing, listing the options", () => {
    const error = schemaError(() =>
      // @ts-expect-error: no such casing
      defineSchema({ user: model({ fields: { id: id() } }) }, { casing: "kebab-case" }),
    );
    problem(
      error,
      "casing must be",
      '"snake_case"',
      '"camelCase"',
      '"PascalCase"',
      '"preserve"',
      "a function",
      '"kebab-case"',
    );
    problem(
      schemaError(() => defineSchema({ user: model({ fields: { id: id() } }) }, { casing: 3 as never })),
      "casing must be",
      "got number",
    );
  });

  it("reports a casing function that returns no name, or throws, once per name", () => {
    const error = schemaError(() =>
      defineSchema(
        { user: model({ fields: { id: id(), nickName: string() } }) },
        {
          casing: (name) => {
            if (name === "nickName") throw new Error("no nicknames");
            return name === "id" ? "" : name;
          },
        },
      ),
    );
    problem(error, 'casing("id") must return a table or column name');
    problem(error, 'casing("nickName") threw: no nicknames');
  });
});
