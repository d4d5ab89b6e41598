import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { sql } from "kysely";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { generateDbml, generateDrizzle, generatePrisma } from "../../src/generate/index.js";
import {
  belongsTo,
  createDb,
  defineSchema,
  hasMany,
  id,
  integer,
  model,
  string,
  timestamp,
  UniqueConstraintError,
} from "../../src/index.js";
import { introspect } from "../../src/migrate/introspect/index.js";
import { caught } from "../support/caught.js";
import { dialect, isolatedUrl, type PerDialect, useTestDb } from "../support/test-db.js";

/**
 * Composite indexes and uniques (`model({ indexes, uniques })`): push() creates them under
 * relata's names, a violated composite unique is a UniqueConstraintError naming its fields on
 * every database, and the Prisma, Drizzle and DBML generators write them.
 */
const schema = defineSchema(
  {
    user: model({
      table: "users",
      fields: { id: id(), email: string() },
      relations: { posts: hasMany("post", { foreignKey: "authorId" }) },
    }),
    post: model({
      table: "posts",
      fields: {
        id: id(),
        authorId: integer().references("user.id", { onDelete: "cascade" }),
        slug: string(100),
        title: string(),
        createdAt: timestamp().defaultNow(),
      },
      relations: { author: belongsTo("user", { foreignKey: "authorId" }) },
      indexes: [["authorId", "createdAt"], ["title"]],
      uniques: [["authorId", "slug"]],
    }),
    // Names past 60 characters: push() shortens them with a hash, and errors still find the fields.
    organizationMembership: model({
      table: "organization_memberships",
      fields: {
        id: id(),
        organizationIdentifier: integer(),
        memberEmailAddress: string(120),
        invitationReference: string(60),
      },
      uniques: [["organizationIdentifier", "memberEmailAddress", "invitationReference"]],
    }),
  },
  { casing: "snake_case" },
);

const LONG_UNIQUE = "organization_memberships_organization_identifier_member_email_address_invitation_reference_unique";

const t = useTestDb(schema);

describe("push() with composite indexes and uniques", () => {
  beforeEach(() => t.truncate());

  it("creates them under relata's names, and no index the composite unique already gives the foreign key", async () => {
    const { tables } = await introspect(t.db.kysely, dialect, { tables: ["posts"] });
    expect(tables.get("posts")!.indexes).toEqual([
      { name: "posts_author_id_created_at_index", columns: ["author_id", "created_at"], unique: false },
      { name: "posts_author_id_slug_unique", columns: ["author_id", "slug"], unique: true },
      { name: "posts_title_index", columns: ["title"], unique: false },
    ]);
  });

  it("shortens a long name as every constraint name is shortened", async () => {
    const { tables } = await introspect(t.db.kysely, dialect, { tables: ["organization_memberships"] });
    const [unique] = tables.get("organization_memberships")!.indexes;
    expect(unique!.unique).toBe(true);
    expect(unique!.columns).toEqual(["organization_identifier", "member_email_address", "invitation_reference"]);
    expect(unique!.name).toHaveLength(60);
    expect(unique!.name.startsWith(LONG_UNIQUE.slice(0, 51))).toBe(true);
  });

  it("a composite unique violation is a UniqueConstraintError with the fields", async () => {
    const ada = await t.db.user.create({ email: "ada@example.dev" });
    const bob = await t.db.user.create({ email: "bob@example.dev" });
    await t.db.post.create({ authorId: ada.id, slug: "hello", title: "Hello" });
    // The same slug under another author is fine.
    await t.db.post.create({ authorId: bob.id, slug: "hello", title: "Hello" });
    const error = await caught(() => t.db.post.create({ authorId: ada.id, slug: "hello", title: "Again" }));
    expect(error).toBeInstanceOf(UniqueConstraintError);
    expect(error.fields).toEqual(["authorId", "slug"]);
    expect(error.table).toBe("posts");
    expect(await t.db.post.count()).toBe(2);
  });

  it("finds the fields of a violated unique whose name push() shortened", async () => {
    const row = { organizationIdentifier: 1, memberEmailAddress: "a@b.c", invitationReference: "r1" };
    await t.db.organizationMembership.create(row);
    const error = await caught(() => t.db.organizationMembership.create(row));
    expect(error).toBeInstanceOf(UniqueConstraintError);
    expect(error.fields).toEqual(["organizationIdentifier", "memberEmailAddress", "invitationReference"]);
  });

  it("an update into a composite unique's values is a UniqueConstraintError too", async () => {
    const ada = await t.db.user.create({ email: "ada@example.dev" });
    await t.db.post.createMany([
      { authorId: ada.id, slug: "a", title: "A" },
      { authorId: ada.id, slug: "b", title: "B" },
    ]);
    const error = await caught(() => t.db.post.where("slug", "b").update({ slug: "a" }));
    expect(error).toBeInstanceOf(UniqueConstraintError);
    expect(error.fields).toEqual(["authorId", "slug"]);
  });
});

// ---------------------------------------------------------------------------------------------
// The generators
// ---------------------------------------------------------------------------------------------

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(import.meta.url);
const run = promisify(execFile);
const scratch = join(root, ".scratch", `schema-indexes-${dialect}-${randomBytes(4).toString("hex")}`);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the generators write composite indexes and uniques", () => {
  it("generatePrisma: @@index and @@unique under push()'s names, and prisma validate accepts it", async () => {
    const text = generatePrisma(schema, { dialect });
    expect(text).toContain('@@unique([authorId, slug], map: "posts_author_id_slug_unique")');
    expect(text).toContain('@@index([authorId, createdAt], map: "posts_author_id_created_at_index")');
    expect(text).toContain('@@index([title], map: "posts_title_index")');
    expect(text).toMatch(
      /@@unique\(\[organizationIdentifier, memberEmailAddress, invitationReference\], map: "[^"]{60}"\)/,
    );
    mkdirSync(scratch, { recursive: true });
    const file = join(scratch, "schema.prisma");
    writeFileSync(file, text);
    // As generate-prisma.test.ts: offline, the schema engine binary pointed at any existing file.
    const cli = require.resolve("prisma/build/index.js");
    const { stdout } = await run(process.execPath, [cli, "validate", "--schema", file], {
      cwd: scratch,
      env: {
        ...process.env,
        PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
        CHECKPOINT_DISABLE: "1",
        PRISMA_HIDE_UPDATE_MESSAGE: "1",
        NO_COLOR: "1",
      },
    });
    expect(stdout).toContain("is valid");
  }, 30_000);

  it("generateDbml: composite entries in Indexes", () => {
    const text = generateDbml(schema, { dialect });
    expect(text).toContain("(author_id, slug) [unique, name: 'posts_author_id_slug_unique']");
    expect(text).toContain("(author_id, created_at) [name: 'posts_author_id_created_at_index']");
  });

  it("generateDrizzle: unique().on() and index().on() over several columns; drizzle-kit creates the same indexes", async () => {
    const text = generateDrizzle(schema, { dialect });
    expect(text).toContain('unique("posts_author_id_slug_unique").on(t.authorId, t.slug)');
    expect(text).toContain('index("posts_author_id_created_at_index").on(t.authorId, t.createdAt)');
    const dir = join(scratch, "drizzle");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "schema.ts");
    writeFileSync(file, text);
    const out = join(dir, "out");
    const kit = join(dirname(require.resolve("drizzle-kit")), "bin.cjs");
    const KIT: PerDialect<string> = { sqlite: "sqlite", postgres: "postgresql", mysql: "mysql" };
    await run(process.execPath, [kit, "generate", "--dialect", KIT[dialect], "--schema", file, "--out", out], {
      cwd: root,
    });
    const migration = readdirSync(out).find((f) => f.endsWith(".sql"))!;
    const statements = readFileSync(join(out, migration), "utf8")
      .split("--> statement-breakpoint")
      .map((s) => s.trim())
      .filter(Boolean);
    const { url, drop } = await isolatedUrl();
    const other = createDb({ schema, url: dialect === "sqlite" ? "sqlite::memory:" : url });
    try {
      for (const statement of statements) await sql.raw(statement.replaceAll(`"public".`, "")).execute(other.kysely);
      const tables = ["posts", "organization_memberships"];
      const theirs = await introspect(other.kysely, dialect, { tables });
      const ours = await introspect(t.db.kysely, dialect, { tables });
      for (const table of tables) {
        expect(theirs.tables.get(table)!.indexes).toEqual(ours.tables.get(table)!.indexes);
      }
    } finally {
      await other.destroy();
      await drop();
    }
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
// casing on a real database
// ---------------------------------------------------------------------------------------------

describe("casing for an existing database", () => {
  it.each([
    ["PascalCase", "PascalCase" as const, "BlogPost", ["Id", "AuthorName", "PublishedAt"]],
    [
      "a function",
      (name: string) => `x_${name.toLowerCase()}`,
      "x_blogpost",
      ["x_id", "x_authorname", "x_publishedat"],
    ],
  ])(
    "%s: push() creates the tables and columns it names, and rows go through them",
    async (_, casing, table, columns) => {
      const cased = defineSchema(
        {
          blogPost: model({
            fields: { id: id(), authorName: string(), publishedAt: timestamp().nullable() },
            uniques: [["authorName", "publishedAt"]],
          }),
        },
        { casing },
      );
      const { url, drop } = await isolatedUrl();
      const db = createDb({ schema: cased, url });
      try {
        await db.push();
        const { tables } = await introspect(db.kysely, dialect, { tables: [table] });
        expect(tables.get(table)!.columns.map((c) => c.name)).toEqual(columns);
        expect(tables.get(table)!.indexes.map((i) => i.columns)).toEqual([columns.slice(1)]);
        const at = new Date("2024-05-06T07:08:09.000Z");
        await db.blogPost.create({ authorName: "Ada", publishedAt: at });
        expect(await db.blogPost.where("authorName", "Ada").first()).toMatchObject({
          authorName: "Ada",
          publishedAt: at,
        });
        const error = await caught(() => db.blogPost.create({ authorName: "Ada", publishedAt: at }));
        expect(error).toBeInstanceOf(UniqueConstraintError);
        expect(error.fields).toEqual(["authorName", "publishedAt"]);
      } finally {
        await db.destroy();
        await drop();
      }
    },
  );
});
