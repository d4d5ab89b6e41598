import { Parser } from "@dbml/core";
import { describe, expect, it } from "vitest";
import { generateDbml } from "../../src/generate/index.js";
import type { DialectName } from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { everyKind } from "../support/generate-fixture.js";

const dialects: DialectName[] = ["sqlite", "postgres", "mysql"];

/** The generated DBML, parsed by @dbml/core (the parser dbdiagram.io uses). */
function parse(dbml: string) {
  const database = Parser.parse(dbml, "dbmlv2");
  const schema = database.schemas[0]!;
  const table = (name: string) => {
    const found = schema.tables.find((t) => t.name === name);
    if (!found) throw new Error(`no table ${name}`);
    return found;
  };
  return { schema, table };
}

describe.each(dialects)("generateDbml on %s", (dialect) => {
  const { schema, table } = parse(generateDbml(everyKind, { dialect }));

  it("has a table per model and per bare pivot table", () => {
    const expected = [...everyKind.meta.models.values()]
      .map((m) => m.table)
      .concat([...everyKind.meta.pivotTables.keys()]);
    expect(schema.tables.map((t) => t.name).sort()).toEqual(expected.sort());
  });

  it("keeps columns, relata's column types, nullability, keys and defaults", () => {
    const users = table("users");
    const field = (name: string) => users.fields.find((f) => f.name === name)!;
    expect(users.fields.map((f) => f.name)).toEqual([...everyKind.model("user").fields.values()].map((f) => f.column));
    expect(field("id")).toMatchObject({ pk: true, increment: true });
    expect(field("display_name").not_null).toBe(false);
    expect(field("email").not_null).toBe(true);
    expect(field("email").type.type_name).toBe(
      { sqlite: "text", postgres: "varchar(255)", mysql: "varchar(255)" }[dialect],
    );
    expect(field("status" as never)).toBeUndefined();
    expect(table("posts").fields.find((f) => f.name === "status")!.dbdefault).toEqual({
      type: "string",
      value: "draft",
    });
    expect(field("created_at").dbdefault?.type).toBe("expression");
    // relata fills text and json defaults on create: a note, not a database default.
    expect(field("bio").dbdefault).toBeUndefined();
    expect(field("bio").note).toContain("hello");
  });

  it("has the composite keys, uniques and indexes under relata's names", () => {
    const indexes = (name: string) =>
      table(name).indexes.map((i) => ({
        name: i.name,
        pk: (i.pk as unknown) === true,
        unique: i.unique === true,
        columns: i.columns.map((c) => c.value),
      }));
    expect(indexes("memberships")).toContainEqual({
      name: "memberships_team_id_user_id_pkey",
      pk: true,
      unique: false,
      columns: ["team_id", "user_id"],
    });
    expect(indexes("taggables").find((i) => i.pk)?.columns).toEqual(["tag_id", "taggable_id", "taggable_type"]);
    expect(indexes("users")).toContainEqual({
      name: "users_email_unique",
      pk: false,
      unique: true,
      columns: ["email"],
    });
    expect(indexes("images").map((i) => i.columns)).toContainEqual(["imageable_type", "imageable_id"]);
    // MySQL indexes foreign keys itself: push() creates no index for them there.
    expect(indexes("posts").some((i) => i.name === "posts_author_id_index")).toBe(dialect !== "mysql");
  });

  it("has a Ref per foreign key, with its actions and cardinality", () => {
    const refs = schema.refs.map((r) => ({
      name: r.name,
      onDelete: r.onDelete ?? undefined,
      onUpdate: r.onUpdate ?? undefined,
      ends: r.endpoints.map((e) => `${e.tableName}.${e.fieldNames.join()}:${e.relation}`),
    }));
    const foreignKeys = [...everyKind.meta.models.values()].reduce((n, m) => n + m.foreignKeys.length, 0);
    const pivotKeys = [...everyKind.meta.pivotTables.values()].reduce((n, p) => n + p.foreignKeys.length, 0);
    expect(refs).toHaveLength(foreignKeys + pivotKeys);
    expect(refs).toContainEqual({
      name: "users_manager_id_foreign",
      onDelete: "set null",
      onUpdate: "cascade",
      ends: ["users.manager_id:*", "users.id:1"],
    });
    // profiles.user_id is unique: one profile per user.
    expect(refs.find((r) => r.name === "profiles_user_id_foreign")?.ends).toEqual(["profiles.user_id:1", "users.id:1"]);
    expect(refs.find((r) => r.name === "role_user_role_id_foreign")).toMatchObject({ onDelete: "cascade" });
    // team_notes.team_id has no constraint: no Ref, a note.
    expect(refs.some((r) => r.ends.some((e) => e.startsWith("team_notes.")))).toBe(false);
    expect(table("team_notes").fields.find((f) => f.name === "team_id")!.note).toContain("no foreign key");
  });

  it("notes the relations without a constraint (polymorphic, through)", () => {
    expect(table("images").fields.find((f) => f.name === "imageable_type")!.note).toContain("polymorphic type");
    expect(table("countries").note).toContain("hasManyThrough");
  });

  it("parses the blog schema too", () => {
    const blogDbml = parse(generateDbml(blog, { dialect }));
    expect(blogDbml.schema.tables.map((t) => t.name)).toContain("role_user");
  });
});
