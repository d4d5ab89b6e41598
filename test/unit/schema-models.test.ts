import { describe, expect, it } from "vitest";
import {
  bigint,
  boolean,
  date,
  decimal,
  defineSchema,
  float,
  id,
  integer,
  json,
  model,
  string,
  text,
  timestamp,
  uuid,
} from "../../src/index.js";
import { base, problem, schemaError } from "../support/schema-helpers.js";

describe("field builders", () => {
  it("build the documented configuration for every kind", () => {
    expect(id().config).toEqual({ kind: "id", ...base, primary: true, autoIncrement: true });
    expect(uuid().config).toEqual({ kind: "uuid", ...base });
    expect(string().config).toEqual({ kind: "string", length: 255, ...base });
    expect(string(40).config).toEqual({ kind: "string", length: 40, ...base });
    expect(text().config).toEqual({ kind: "text", ...base });
    expect(integer().config).toEqual({ kind: "integer", ...base });
    expect(bigint().config).toEqual({ kind: "bigint", bigintMode: "bigint", ...base });
    expect(bigint({ mode: "number" }).config).toEqual({ kind: "bigint", bigintMode: "number", ...base });
    expect(float().config).toEqual({ kind: "float", ...base });
    expect(decimal().config).toEqual({ kind: "decimal", precision: 10, scale: 2, ...base });
    expect(decimal(12, 4).config).toEqual({ kind: "decimal", precision: 12, scale: 4, ...base });
    expect(boolean().config).toEqual({ kind: "boolean", ...base });
    expect(timestamp().config).toEqual({ kind: "timestamp", ...base });
    expect(date().config).toEqual({ kind: "date", ...base });
    expect(json<{ a: number }>().config).toEqual({ kind: "json", ...base });
  });

  it("chain modifiers into the configuration", () => {
    expect(
      integer()
        .nullable()
        .unique()
        .index()
        .column("author")
        .references("user.id", { onDelete: "cascade", onUpdate: "restrict" }).config,
    ).toEqual({
      kind: "integer",
      ...base,
      nullable: true,
      unique: true,
      index: true,
      column: "author",
      references: { target: "user.id", onDelete: "cascade", onUpdate: "restrict" },
    });
    expect(uuid().primary().defaultRandom().config).toEqual({
      kind: "uuid",
      ...base,
      primary: true,
      default: { kind: "uuid" },
    });
    expect(timestamp().defaultNow().config.default).toEqual({ kind: "now" });
    expect(date().defaultNow().config.default).toEqual({ kind: "now" });
    expect(boolean().default(false).config.default).toEqual({ kind: "value", value: false });
    expect(json<string[]>().default(["a"]).config.default).toEqual({ kind: "value", value: ["a"] });
  });

  it("are immutable: every modifier returns a new field and leaves the original alone", () => {
    const original = string();
    const snapshot = structuredClone(original.config);
    const derived = [
      original.nullable(),
      original.unique(),
      original.index(),
      original.primary(),
      original.column("x"),
      original.default("d"),
      original.defaultRandom(),
      original.references("user.id", { onDelete: "cascade" }),
    ];
    expect(original.config).toEqual(snapshot);
    expect(original.config.nullable).toBe(false);
    for (const field of derived) {
      expect(field).not.toBe(original);
      expect(field.config).not.toBe(original.config);
    }
    expect(derived[0]!.config.nullable).toBe(true);
    expect(derived[4]!.config.column).toBe("x");

    // A chain does not leak backwards either.
    const nullable = original.nullable();
    const nullableUnique = nullable.unique();
    expect(nullable.config.unique).toBe(false);
    expect(nullableUnique.config).toEqual({ ...snapshot, nullable: true, unique: true });

    const stamp = timestamp();
    stamp.defaultNow();
    expect(stamp.config.default).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------
// models, fields, casing

describe("models and fields", () => {
  const schema = defineSchema(
    {
      blogPost: model({
        fields: {
          id: id(),
          title: string(120),
          createdAt: timestamp().defaultNow(),
          authorID: integer().references("user.id", { onDelete: "cascade" }),
          HTTPStatus: integer().nullable(),
          legacyName: string().column("LegacyName"),
        },
      }),
      user: model({ table: "users", fields: { id: id(), email: string().unique() } }),
      membership: model({
        fields: { userId: integer().primary(), groupId: integer().primary(), role: string() },
      }),
    },
    { casing: "snake_case" },
  );

  it("defaults the table to the model name after casing; an explicit table is kept as written", () => {
    expect(schema.model("blogPost").table).toBe("blog_post");
    expect(schema.model("user").table).toBe("users");
    expect(schema.model("membership").table).toBe("membership");
    expect(schema.options.casing).toBe("snake_case");
  });

  it("snake_cases columns, and .column() overrides the casing", () => {
    const fields = schema.model("blogPost").fields;
    expect([...fields.values()].map((f) => [f.name, f.column])).toEqual([
      ["id", "id"],
      ["title", "title"],
      ["createdAt", "created_at"],
      ["authorID", "author_id"],
      ["HTTPStatus", "http_status"],
      ["legacyName", "LegacyName"],
    ]);
    expect(fields.get("createdAt")).toEqual({
      name: "createdAt",
      column: "created_at",
      config: { kind: "timestamp", ...base, default: { kind: "now" } },
    });
    expect(schema.model("blogPost").fieldNames).toEqual([
      "id",
      "title",
      "createdAt",
      "authorID",
      "HTTPStatus",
      "legacyName",
    ]);
  });

  it("keeps names as written without casing", () => {
    const preserved = defineSchema({
      blogPost: model({ fields: { id: id(), createdAt: timestamp(), other: string().column("o") } }),
    });
    expect(preserved.options.casing).toBe("preserve");
    const meta = preserved.model("blogPost");
    expect(meta.table).toBe("blogPost");
    expect([...meta.fields.values()].map((f) => f.column)).toEqual(["id", "createdAt", "o"]);
  });

  it("records primary keys, single and composite", () => {
    expect(schema.model("blogPost").primaryKey).toEqual(["id"]);
    expect(schema.model("membership").primaryKey).toEqual(["userId", "groupId"]);
  });

  it("records foreign keys from references()", () => {
    expect(schema.model("blogPost").foreignKeys).toEqual([
      { field: "authorID", targetModel: "user", targetField: "id", onDelete: "cascade", onUpdate: undefined },
    ]);
    expect(schema.model("user").foreignKeys).toEqual([]);
  });

  it("exposes the same metadata through schema.model(name) and schema.meta.models", () => {
    expect([...schema.meta.models.keys()]).toEqual(["blogPost", "user", "membership"]);
    expect(schema.model("user")).toBe(schema.meta.models.get("user"));
    expect(schema.model("user").name).toBe("user");
    expect(schema.models.user.fields.email).toBeDefined();
  });

  it("throws a SchemaError for schema.model() of an unknown model", () => {
    const error = schemaError(() => schema.model("nope"));
    problem(error, '"nope"');
  });
});

// ---------------------------------------------------------------------------------------
// hasOne / hasMany

describe("camelCase casing", () => {
  it("turns snake_case field and model names into camelCase columns and tables", () => {
    const schema = defineSchema(
      { blog_post: model({ fields: { id: id(), created_at: timestamp(), title: string() } }) },
      { casing: "camelCase" },
    );
    const meta = schema.model("blog_post");
    expect(meta.table).toBe("blogPost");
    expect([...meta.fields.values()].map((f) => f.column)).toEqual(["id", "createdAt", "title"]);
  });
});
