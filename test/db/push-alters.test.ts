import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { profiles } from "../../src/dialect/resolve.js";
import { Session } from "../../src/dialect/session.js";
import {
  belongsTo,
  belongsToMany,
  bigint,
  createDb,
  type Db,
  defineSchema,
  float,
  hasMany,
  id,
  integer,
  introspect,
  model,
  type Schema,
  string,
  timestamp,
} from "../../src/index.js";
import { checkDrift, MigrationError, pushSchema } from "../../src/migrate/generate-migration.js";
import { caught } from "../support/caught.js";
import { dialect, isolatedUrl } from "../support/test-db.js";

/*
 * push() for development: the schema changes under a database holding rows, and pushSchema()
 * makes the database match, alters included (SQLite rebuilds tables). Every step that drops
 * nothing keeps every row.
 */

const user = model({
  table: "users",
  fields: { id: id(), email: string().unique(), name: string(80) },
  relations: { posts: hasMany("post", { foreignKey: "authorId" }) },
});

const v1 = defineSchema(
  {
    user,
    post: model({
      table: "posts",
      fields: {
        id: id(),
        authorId: integer().references("user.id", { onDelete: "cascade" }),
        title: string(200),
        views: integer().default(0),
        score: float().nullable(),
        legacy: string().nullable(),
      },
      relations: { author: belongsTo("user", { foreignKey: "authorId" }) },
    }),
  },
  { casing: "snake_case" },
);

/**
 * A field added nullable and one with a default, a timestamp with a default, a relation to a
 * new model, a many-to-many, title renamed to headline, legacy dropped, views widened to a
 * bigint, a composite index.
 */
const v2 = defineSchema(
  {
    user,
    post: model({
      table: "posts",
      fields: {
        id: id(),
        authorId: integer().references("user.id", { onDelete: "cascade" }),
        headline: string(200),
        views: bigint({ mode: "number" }).default(0),
        score: float().nullable(),
        subtitle: string().nullable(),
        status: string(20).default("draft"),
        createdAt: timestamp().defaultNow(),
        categoryId: integer().nullable().references("category.id", { onDelete: "set null" }),
      },
      relations: {
        author: belongsTo("user", { foreignKey: "authorId" }),
        category: belongsTo("category"),
        tags: belongsToMany("tag"),
      },
      indexes: [["authorId", "createdAt"]],
    }),
    category: model({
      table: "categories",
      fields: { id: id(), name: string(50).unique() },
      relations: { posts: hasMany("post") },
    }),
    tag: model({
      table: "tags",
      fields: { id: id(), name: string(50).unique() },
      relations: { posts: belongsToMany("post") },
    }),
  },
  { casing: "snake_case" },
);

/** v2 with the category relation gone and the subtitle required. */
const v3 = defineSchema(
  {
    user,
    post: model({
      table: "posts",
      fields: {
        id: id(),
        authorId: integer().references("user.id", { onDelete: "cascade" }),
        headline: string(200),
        views: bigint({ mode: "number" }).default(0),
        score: float().nullable(),
        subtitle: string().default("none"),
        status: string(20).default("draft"),
        createdAt: timestamp().defaultNow(),
      },
      relations: { author: belongsTo("user", { foreignKey: "authorId" }), tags: belongsToMany("tag") },
      indexes: [["authorId", "createdAt"]],
    }),
    tag: model({
      table: "tags",
      fields: { id: id(), name: string(50).unique() },
      relations: { posts: belongsToMany("post") },
    }),
  },
  { casing: "snake_case" },
);

// One database for the whole file (SQLite: a file, so that each schema's db handle sees it).
let url = "";
let drop = async () => {};
const handles: Db<any>[] = [];
beforeAll(async () => {
  if (dialect === "sqlite") {
    const dir = await mkdtemp(join(tmpdir(), "relata-push-alters-"));
    url = `sqlite:${join(dir, "app.db")}`;
    drop = () => rm(dir, { recursive: true, force: true });
  } else {
    ({ url, drop } = await isolatedUrl());
  }
});
afterAll(async () => {
  for (const db of handles) await db.destroy();
  await drop();
});

function connect<S extends Schema>(schema: S): Db<S> {
  const db = createDb({ schema, url });
  handles.push(db);
  return db;
}
const sessionOf = (db: { readonly kysely: Session["kysely"] }, schema: Schema) =>
  new Session(db.kysely, profiles[dialect], schema, "query");

describe(`pushSchema: the schema changes under a database with rows (${dialect})`, () => {
  let db1: Db<typeof v1>;

  it("v1: push, then rows", async () => {
    db1 = connect(v1);
    await db1.push();
    const ada = await db1.user.create({ email: "ada@example.dev", name: "Ada" });
    await db1.post.create({ authorId: ada.id, title: "Notes", views: 12, score: 1.5, legacy: "old" });
    await db1.post.create({ authorId: ada.id, title: "Letters", views: 30 });
    expect((await checkDrift(sessionOf(db1, v1))).changes).toEqual([]);
  });

  it("v2 without flags: refused before any DDL, naming the lossy steps and the flags", async () => {
    const session = sessionOf(db1, v2);
    const before = await introspect(db1.kysely, dialect);
    const error = await caught(() => pushSchema(session));
    expect(error).toBeInstanceOf(MigrationError);
    expect(error.message).toContain("- posts.title (data loss)");
    expect(error.message).toContain("- posts.legacy (data loss)");
    expect(error.message).toContain("--rename post.title=post.headline");
    expect(error.flags).toEqual(["--accept-data-loss"]);
    // The rename alone still leaves legacy's drop.
    const renamed = await caught(() => pushSchema(session, { renames: ["post.title=post.headline"] }));
    expect(renamed.message).toContain("- posts.legacy (data loss)");
    expect(renamed.message).not.toContain("posts.title");
    expect(await introspect(db1.kysely, dialect)).toEqual(before);
  });

  it("v2 with the rename and --accept-data-loss: applied; every row kept; no drift left", async () => {
    const session = sessionOf(db1, v2);
    const { applied } = await pushSchema(session, { renames: ["post.title=post.headline"], acceptDataLoss: true });
    const kinds = applied.map((c) => ("table" in c && typeof c.table === "string" ? `${c.kind} ${c.table}` : c.kind));
    expect(kinds).toEqual(
      expect.arrayContaining([
        "renameColumn posts",
        "dropColumn posts",
        "addColumn posts",
        "addForeignKey posts",
        "createTable",
      ]),
    );
    expect(
      applied.filter((c) => c.kind === "createTable").map((c) => c.kind === "createTable" && c.table.name),
    ).toEqual(["categories", "post_tag", "tags"]);
    expect(await checkDrift(session)).toEqual({ changes: [], text: "No drift: the database matches the schema." });

    const db2 = connect(v2);
    const posts = await db2.post.orderBy("id").get();
    expect(posts.map((p) => [p.headline, p.views, p.score, p.subtitle, p.status, p.categoryId])).toEqual([
      ["Notes", 12, 1.5, null, "draft", null],
      ["Letters", 30, null, null, "draft", null],
    ]);
    expect(posts.every((p) => p.createdAt instanceof Date)).toBe(true);

    // The new relations work.
    const news = await db2.category.create({ name: "news" });
    const [red, blue] = [await db2.tag.create({ name: "red" }), await db2.tag.create({ name: "blue" })];
    await db2.post.where("id", posts[0]!.id).update({ categoryId: news.id });
    await db2.post.related(posts[0]!, "tags").attach([red.id, blue.id]);
    const loaded = await db2.post.orderBy("id").with("category", "tags").get();
    expect(loaded.map((p) => [p.category?.name ?? null, p.tags.map((t) => t.name).sort()])).toEqual([
      ["news", ["blue", "red"]],
      [null, []],
    ]);
  });

  it("v3: NOT NULL and a dropped relation are lossy; accepted, the rows stay and the relation goes", async () => {
    const db2 = connect(v2);
    const session = sessionOf(db2, v3);
    const error = await caught(() => pushSchema(session));
    expect(error).toBeInstanceOf(MigrationError);
    expect(error.message).toContain("- table categories (data loss)");
    expect(error.message).toContain("- posts.category_id (data loss)");
    expect(error.message).toContain("~ posts.subtitle");
    // The subtitles are filled first: NOT NULL on a column holding NULL fails on every database.
    await db2.post.whereNull("subtitle").update({ subtitle: "none" });
    await pushSchema(session, { acceptDataLoss: true });
    expect((await checkDrift(session)).changes).toEqual([]);

    const db3 = connect(v3);
    const posts = await db3.post.orderBy("id").with("tags").get();
    expect(posts.map((p) => [p.headline, p.subtitle, p.tags.length])).toEqual([
      ["Notes", "none", 2],
      ["Letters", "none", 0],
    ]);
    expect((await introspect(db3.kysely, dialect)).tables.has("categories")).toBe(false);
  });
});
