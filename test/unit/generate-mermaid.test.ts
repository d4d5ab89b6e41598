import mermaid from "mermaid";
import { beforeAll, describe, expect, it } from "vitest";
import { generateMermaid } from "../../src/generate/index.js";
import { blog } from "../support/blog-schema.js";
import { everyKind } from "../support/generate-fixture.js";

interface Attribute {
  readonly type: string;
  readonly name: string;
  readonly keys: readonly string[];
  readonly comment: string;
}
interface Relationship {
  readonly entityA: string;
  readonly roleA: string;
  readonly entityB: string;
  readonly relSpec: { readonly cardA: string; readonly cardB: string; readonly relType: string };
}

/** The diagram as mermaid's own erDiagram parser reads it (headless: parse only, no rendering). */
async function parse(text: string) {
  await mermaid.parse(text); // throws on a syntax error, and registers the diagram types
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  expect(diagram.type).toBe("er");
  const db = diagram.db as unknown as {
    getEntities(): Map<string, { id: string; attributes: Attribute[] }>;
    getRelationships(): Relationship[];
  };
  const entities = db.getEntities();
  const nameOf = new Map([...entities].map(([name, e]) => [e.id, name]));
  const relationships = db.getRelationships().map((r) => ({
    from: nameOf.get(r.entityA),
    to: nameOf.get(r.entityB),
    label: r.roleA,
    cardA: r.relSpec.cardA,
    cardB: r.relSpec.cardB,
    type: r.relSpec.relType,
  }));
  return { entities, relationships };
}

describe("generateMermaid", () => {
  let diagram: Awaited<ReturnType<typeof parse>>;
  beforeAll(async () => {
    diagram = await parse(generateMermaid(everyKind));
  });

  it("has an entity per table, pivot tables included, with every column", () => {
    const expected = [...everyKind.meta.models.values()]
      .map((m) => m.table)
      .concat([...everyKind.meta.pivotTables.keys()]);
    expect([...diagram.entities.keys()].sort()).toEqual(expected.sort());
    const columns = diagram.entities.get("users")!.attributes.map((a) => a.name);
    expect(columns).toEqual([...everyKind.model("user").fields.values()].map((f) => f.column));
  });

  it("marks primary, foreign and unique keys, and says what is nullable", () => {
    const attribute = (entity: string, name: string) =>
      diagram.entities.get(entity)!.attributes.find((a) => a.name === name)!;
    expect(attribute("users", "id")).toMatchObject({ type: "integer", keys: ["PK"] });
    expect(attribute("users", "email")).toMatchObject({ type: "string(255)", keys: ["UK"] });
    expect(attribute("users", "manager_id")).toMatchObject({ keys: ["FK"], comment: "nullable" });
    expect(attribute("profiles", "user_id").keys).toEqual(["FK", "UK"]);
    expect(attribute("memberships", "team_id").keys).toEqual(["PK", "FK"]);
    expect(attribute("taggables", "taggable_type").keys).toEqual(["PK"]);
  });

  it("draws each link with its cardinality: solid with a foreign key, dotted without", () => {
    const rel = (from: string, to: string, label: string) =>
      diagram.relationships.find((r) => r.from === from && r.to === to && r.label.startsWith(label));
    // A required key: exactly one parent, any number of children.
    expect(rel("users", "posts", "posts / author")).toMatchObject({
      cardA: "ZERO_OR_MORE",
      cardB: "ONLY_ONE",
      type: "IDENTIFYING",
    });
    // A nullable key: zero or one parent.
    expect(rel("users", "posts", "editedPosts / editor")).toMatchObject({
      cardA: "ZERO_OR_MORE",
      cardB: "ZERO_OR_ONE",
    });
    // A unique key: one-to-one.
    expect(rel("users", "profiles", "profile / user")).toMatchObject({ cardA: "ZERO_OR_ONE", cardB: "ONLY_ONE" });
    // A self-reference.
    expect(rel("users", "users", "reports / manager")).toMatchObject({ cardA: "ZERO_OR_MORE", cardB: "ZERO_OR_ONE" });
    // No constraint: dotted (non-identifying).
    expect(rel("teams", "team_notes", "notes / team")).toMatchObject({ type: "NON_IDENTIFYING" });
  });

  it("draws many-to-many through the pivot, and the pivot's own links", () => {
    const rels = diagram.relationships;
    expect(rels).toContainEqual(
      expect.objectContaining({ from: "roles", to: "users", cardA: "ZERO_OR_MORE", cardB: "ZERO_OR_MORE" }),
    );
    expect(rels.find((r) => r.from === "roles" && r.to === "users")!.label).toContain("role_user");
    expect(rels).toContainEqual(expect.objectContaining({ from: "users", to: "role_user", cardA: "ZERO_OR_MORE" }));
    expect(rels).toContainEqual(
      expect.objectContaining({ from: "teams", to: "users", cardA: "ZERO_OR_MORE", cardB: "ZERO_OR_MORE" }),
    );
    expect(rels.find((r) => r.from === "posts" && r.to === "tags")!.label).toContain("polymorphic");
  });

  it("draws polymorphic and through relations dotted", () => {
    const rels = diagram.relationships;
    expect(rels).toContainEqual(
      expect.objectContaining({ from: "posts", to: "images", type: "NON_IDENTIFYING", cardA: "ZERO_OR_MORE" }),
    );
    expect(rels.find((r) => r.from === "countries" && r.to === "posts")!.label).toContain("through users");
  });

  it("parses the blog schema, and with a dialect's column types", async () => {
    const blogDiagram = await parse(generateMermaid(blog, { dialect: "postgres" }));
    expect(blogDiagram.entities.get("users")!.attributes.find((a) => a.name === "email")!.type).toBe("varchar(255)");
    expect(blogDiagram.entities.get("posts")!.attributes.find((a) => a.name === "price")!.type).toBe("numeric(10-2)");
  });
});
