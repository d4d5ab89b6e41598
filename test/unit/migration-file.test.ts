import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";
import ts from "typescript";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  belongsTo,
  belongsToMany,
  createDb,
  createSchemaBuilder,
  type DialectName,
  defineSchema,
  hasMany,
  id,
  integer,
  introspect,
  model,
  string,
  timestamp,
} from "../../src/index.js";
import { desiredSchema, diffSchemas } from "../../src/migrate/diff.js";
import {
  generateMigration,
  MigrationError,
  migrationFolders,
  readSnapshot,
} from "../../src/migrate/generate-migration.js";
import { caught } from "../support/caught.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const DIALECTS: readonly DialectName[] = ["sqlite", "postgres", "mysql"];

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
        legacy: string().nullable(),
        views: integer().default(0),
      },
      relations: { author: belongsTo("user", { foreignKey: "authorId" }) },
    }),
  },
  { casing: "snake_case" },
);
/** v1 with the title renamed to headline. */
const renamed = defineSchema(
  {
    user,
    post: model({
      table: "posts",
      fields: {
        id: id(),
        authorId: integer().references("user.id", { onDelete: "cascade" }),
        headline: string(200),
        legacy: string().nullable(),
        views: integer().default(0),
      },
      relations: { author: belongsTo("user", { foreignKey: "authorId" }) },
    }),
  },
  { casing: "snake_case" },
);
/** v1 without the legacy field. */
const withoutLegacy = defineSchema(
  {
    user,
    post: model({
      table: "posts",
      fields: {
        id: id(),
        authorId: integer().references("user.id", { onDelete: "cascade" }),
        title: string(200),
        views: integer().default(0),
      },
      relations: { author: belongsTo("user", { foreignKey: "authorId" }) },
    }),
  },
  { casing: "snake_case" },
);
/** The rename, legacy dropped, a field with a default, a many-to-many, a composite index. */
const v2 = defineSchema(
  {
    user,
    post: model({
      table: "posts",
      fields: {
        id: id(),
        authorId: integer().references("user.id", { onDelete: "cascade" }),
        headline: string(200),
        status: string(20).default("draft"),
        views: integer().default(0),
        createdAt: timestamp().defaultNow(),
      },
      relations: {
        author: belongsTo("user", { foreignKey: "authorId" }),
        tags: belongsToMany("tag"),
      },
      indexes: [["status", "createdAt"]],
    }),
    tag: model({
      table: "tags",
      fields: { id: id(), name: string(50).unique() },
      relations: { posts: belongsToMany("post") },
    }),
  },
  { casing: "snake_case" },
);

const dirs: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "relata-migrations-"));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const fileOf = (folder: string) => readFile(join(folder, "migration.ts"), "utf8");

describe("generateMigration", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await freshDir();
  });

  it("writes the first migration: <timestamp>_init/ with migration.ts and the snapshot, on every dialect", async () => {
    for (const dialect of DIALECTS) {
      const target = join(dir, dialect);
      const result = await generateMigration({ schema: v1, dialect, dir: target });
      expect(result.folder).toMatch(/[/\\]\d{14}_init$/);
      expect(await readdir(result.folder!)).toEqual(["migration.ts", "snapshot.json"]);
      expect(isDeepStrictEqual(await readSnapshot(result.folder!, dialect), desiredSchema(v1, dialect))).toBe(true);
      const file = await fileOf(result.folder!);
      expect(file).toContain('import type { SchemaBuilder } from "relata";');
      expect(file).toContain('await schema.create("posts", (t) => {');
      // MySQL indexes a foreign key itself.
      expect(file).toMatch(/t\.integer\("author_id"\)(\.index\(\))?\.constrained\("users"\)\.onDelete\("cascade"\);/);
      expect(file).toContain("export async function down(schema: SchemaBuilder) {");
      expect(result.text).toContain("+ table posts");
    }
  });

  it("writes nothing when the schema matches the last snapshot", async () => {
    await generateMigration({ schema: v1, dialect: "sqlite", dir });
    const again = await generateMigration({ schema: v1, dialect: "sqlite", dir });
    expect(again).toMatchObject({ folder: undefined, changes: [], text: "No changes." });
    expect(await migrationFolders(dir)).toHaveLength(1);
  });

  it("never guesses a rename: without a terminal it fails, printing the flag, and writes nothing", async () => {
    await generateMigration({ schema: v1, dialect: "postgres", dir });
    const error = await caught(() => generateMigration({ schema: renamed, dialect: "postgres", dir }));
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).message).toContain("--rename post.title=post.headline");
    expect((error as MigrationError).message).toContain("--accept-data-loss");
    expect((error as MigrationError).flags).toEqual(["--rename post.title=post.headline", "--accept-data-loss"]);
    expect(await migrationFolders(dir)).toHaveLength(1);
  });

  it("asks on a terminal: a yes makes it a rename", async () => {
    await generateMigration({ schema: v1, dialect: "postgres", dir });
    const ask = vi.fn(async () => true);
    const result = await generateMigration({ schema: renamed, dialect: "postgres", dir, ask });
    expect(ask).toHaveBeenCalledWith({ table: "posts", dropped: "title", added: "headline" });
    expect(result.text).toBe("~ posts.title -> posts.headline (renamed)");
    const file = await fileOf(result.folder!);
    expect(file).toContain('t.renameColumn("title", "headline");');
    // The down renames it back.
    expect(file.slice(file.indexOf("function down"))).toContain('t.renameColumn("headline", "title");');
  });

  it("takes the flag instead of asking", async () => {
    await generateMigration({ schema: v1, dialect: "mysql", dir });
    const ask = vi.fn(async () => true);
    const result = await generateMigration({
      schema: renamed,
      dialect: "mysql",
      dir,
      renames: ["post.title=post.headline"],
      ask,
    });
    expect(ask).not.toHaveBeenCalled();
    expect(result.renames).toEqual([{ kind: "column", table: "posts", from: "title", to: "headline" }]);
    expect(result.changes.map((c) => c.kind)).toEqual(["renameColumn"]);
  });

  it("a no keeps the drop and the add, which then need --accept-data-loss", async () => {
    await generateMigration({ schema: v1, dialect: "sqlite", dir });
    const error = await caught(() =>
      generateMigration({ schema: renamed, dialect: "sqlite", dir, ask: async () => false }),
    );
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).message).toContain("- posts.title (data loss)");
    expect((error as MigrationError).message).toContain("Pass --accept-data-loss");
    expect((error as MigrationError).flags).toEqual(["--accept-data-loss"]);
    const accepted = await generateMigration({
      schema: renamed,
      dialect: "sqlite",
      dir,
      ask: async () => false,
      acceptDataLoss: true,
    });
    expect(accepted.changes.map((c) => c.kind)).toEqual(["dropColumn", "addColumn"]);
  });

  it("a dropped field needs --accept-data-loss", async () => {
    await generateMigration({ schema: v1, dialect: "postgres", dir });
    const error = await caught(() => generateMigration({ schema: withoutLegacy, dialect: "postgres", dir }));
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toContain("These changes lose data:\n  - posts.legacy (data loss)");
    expect((error as MigrationError).flags).toEqual(["--accept-data-loss"]);
    expect(await migrationFolders(dir)).toHaveLength(1);
  });

  it("a field dropped while others are added is a rename candidate for each", async () => {
    const base = { dialect: "postgres" as const, dir, renames: ["post.title=post.headline"] };
    await generateMigration({ schema: v1, dialect: "postgres", dir });
    const error = await caught(() => generateMigration({ ...base, schema: v2 }));
    expect((error as MigrationError).flags).toEqual([
      "--rename post.legacy=post.status",
      "--rename post.legacy=post.createdAt",
      "--accept-data-loss",
    ]);
    const result = await generateMigration({ ...base, schema: v2, acceptDataLoss: true, name: "Blog v2!" });
    expect(result.folder).toMatch(/\d{14}_blog_v2$/);
    expect(result.reversible).toBe(true);
    const file = await fileOf(result.folder!);
    const up = file.slice(file.indexOf("function up"), file.indexOf("function down"));
    const down = file.slice(file.indexOf("function down"));
    expect(up).toContain("// data loss: drops posts.legacy and its values");
    expect(up).toContain('t.dropColumn("legacy");');
    expect(up).toContain('t.index(["status", "created_at"]);');
    expect(down).toContain("// posts.legacy comes back empty: its values are not restored");
    expect(down).toContain('t.string("legacy").nullable();');
    expect(down).toContain('await schema.drop("post_tag");');
  });

  it("names folders so that they sort in creation order", async () => {
    const first = await generateMigration({ schema: v1, dialect: "sqlite", dir });
    const second = await generateMigration({
      schema: renamed,
      dialect: "sqlite",
      dir,
      renames: ["post.title=post.headline"],
    });
    const third = await generateMigration({
      schema: v2,
      dialect: "sqlite",
      dir,
      acceptDataLoss: true,
    });
    const made = [first, second, third].map((r) => r.folder!.split(/[/\\]/).pop()!);
    expect(await migrationFolders(dir)).toEqual(made);
    expect([...made].sort()).toEqual(made);
    expect(made[1]).toMatch(/_update_posts$/);
  });
});

describe("generated migration files", () => {
  /** v1, then the rename, then v2, on `dialect`: the folders written. */
  async function history(dialect: DialectName): Promise<string[]> {
    const dir = await freshDir();
    const renames = ["post.title=post.headline"];
    await generateMigration({ schema: v1, dialect, dir });
    await generateMigration({ schema: renamed, dialect, dir, renames });
    await generateMigration({ schema: v2, dialect, dir, renames, acceptDataLoss: true });
    return (await migrationFolders(dir)).map((folder) => join(dir, folder));
  }

  it("type-check against relata's SchemaBuilder", async () => {
    const files = (await Promise.all(DIALECTS.map(history))).flat().map((folder) => join(folder, "migration.ts"));
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      baseUrl: root,
      paths: { relata: ["src/index.ts"] },
      types: ["node"],
      typeRoots: [join(root, "node_modules/@types")],
    });
    const problems = files.flatMap((file) =>
      ts
        .getPreEmitDiagnostics(program, program.getSourceFile(file))
        .map((d) => `${file}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`),
    );
    expect(problems).toEqual([]);
  }, 60_000);

  it("apply on SQLite: each up gives its snapshot's tables, each down the previous one's", async () => {
    const folders = await history("sqlite");
    const db = createDb({ schema: defineSchema({}), url: "sqlite::memory:" });
    const builder = createSchemaBuilder(db.kysely, "sqlite", { casing: "preserve" });
    const drift = async (expected: Parameters<typeof diffSchemas>[1]) =>
      diffSchemas(await introspect(db.kysely, "sqlite"), expected);
    try {
      const modules = await Promise.all(
        folders.map((folder) => import(pathToFileURL(join(folder, "migration.ts")).href)),
      );
      for (const [i, module] of modules.entries()) {
        await module.up(builder);
        expect(await drift(await readSnapshot(folders[i]!, "sqlite"))).toEqual([]);
      }
      for (let i = modules.length - 1; i >= 0; i--) {
        await modules[i]!.down(builder);
        const before = i > 0 ? await readSnapshot(folders[i - 1]!, "sqlite") : { tables: new Map() };
        expect(await drift(before)).toEqual([]);
      }
    } finally {
      await db.destroy();
    }
  });
});
