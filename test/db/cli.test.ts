import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, defineSchema } from "../../src/index.js";
import { introspect } from "../../src/migrate/introspect/index.js";
import { createMigrationRunner } from "../../src/migrate/runner.js";
import { dialect, isolatedUrl, type PerDialect } from "../support/test-db.js";

/**
 * The `relata` CLI, driven as a user drives it: the built bin (`node dist/cli/bin.js`) in a fresh
 * project folder per test, against this run's database (its own schema/database on servers).
 */

const root = fileURLToPath(new URL("../..", import.meta.url));
/** Inside the repo: the projects' bare imports (kysely) resolve to its node_modules. */
const cache = join(root, "node_modules/.cache");

/**
 * src/ compiled with the package's build config, once per version of the sources: the test
 * processes of the three databases share it (the first builds, the others wait for it).
 */
async function builtBin(): Promise<string> {
  const hash = createHash("sha256");
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]))
      .sort();
  for (const file of [...files(join(root, "src")), join(root, "tsconfig.json"), join(root, "tsconfig.build.json")]) {
    hash.update(file).update(readFileSync(file));
  }
  const out = join(cache, "relata-cli-build", hash.digest("hex").slice(0, 16));
  const bin = join(out, "cli/bin.js");
  const done = join(out, ".built");
  const lock = `${out}.lock`;
  mkdirSync(join(cache, "relata-cli-build"), { recursive: true });
  for (const started = Date.now(); Date.now() - started < 240_000; ) {
    if (existsSync(done)) return bin;
    try {
      mkdirSync(lock);
    } catch {
      // Another process builds; a lock older than 3 minutes is left by one that died.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 180_000)
        rmSync(lock, { force: true, recursive: true });
      await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    try {
      // Type errors elsewhere do not stop the emit; a missing bin does.
      spawnSync(process.execPath, [
        join(root, "node_modules/typescript/bin/tsc"),
        "-p",
        join(root, "tsconfig.build.json"),
        "--outDir",
        out,
      ]);
      if (!existsSync(bin)) throw new Error(`the build wrote no ${bin}`);
      writeFileSync(done, "");
      // Builds of older sources, unused for an hour, go.
      for (const other of readdirSync(join(cache, "relata-cli-build"))) {
        const path = join(cache, "relata-cli-build", other);
        if (path !== out && Date.now() - statSync(path).mtimeMs > 3_600_000)
          rmSync(path, { recursive: true, force: true });
      }
      return bin;
    } finally {
      rmSync(lock, { force: true, recursive: true });
    }
  }
  throw new Error("timed out waiting for the CLI build");
}

interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let bin = "";
const env: Record<string, string | undefined> = {
  ...process.env,
  DATABASE_URL: undefined,
  FORCE_COLOR: undefined,
  NO_COLOR: undefined,
};

/** Runs `relata <args>` in `cwd`: not a terminal (pipes), like CI. */
function relata(cwd: string, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** `relata <args> --json`, its document parsed. */
async function relataJson(cwd: string, ...args: string[]): Promise<{ code: number | null; json: any; stderr: string }> {
  const result = await relata(cwd, ...args, "--json");
  let json: unknown;
  try {
    json = JSON.parse(result.stdout);
  } catch {
    throw new Error(`relata ${args.join(" ")} --json printed no JSON:\n${result.stdout}\n${result.stderr}`);
  }
  return { code: result.code, json, stderr: result.stderr };
}

/** Fails with the CLI's output when it did not exit 0. */
function ok(result: CliResult): CliResult {
  if (result.code !== 0) throw new Error(`exit ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result;
}

interface Project {
  readonly dir: string;
  /** The URL the project's config holds (a relative SQLite path). */
  readonly url: string;
  /** The same database as the test process reaches it. */
  readonly testUrl: string;
  drop(): Promise<void>;
}

/** A fresh project folder and database. */
async function newProject(): Promise<Project> {
  await mkdir(join(cache, "relata-cli-projects"), { recursive: true });
  const dir = await mkdtemp(join(cache, "relata-cli-projects", `${dialect}-`));
  const isolated = await isolatedUrl();
  const url = dialect === "sqlite" ? "sqlite:./dev.db" : isolated.url;
  return {
    dir,
    url,
    testUrl: dialect === "sqlite" ? `sqlite:${join(dir, "dev.db")}` : url,
    drop: async () => {
      await isolated.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` with a raw Kysely connection to the project's database. */
async function sqlOn<T>(project: Project, fn: (kysely: any) => Promise<T>): Promise<T> {
  const db = createDb({ schema: defineSchema({}), url: project.testUrl });
  try {
    return await fn(db.kysely);
  } finally {
    await db.destroy();
  }
}

/** The project's tables (relata's bookkeeping left out). */
async function tablesOf(project: Project): Promise<string[]> {
  return sqlOn(project, async (k) => [...(await introspect(k, dialect)).tables.keys()]);
}

async function migrationFolders(project: Project): Promise<string[]> {
  return (await readdir(join(project.dir, "migrations"), { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

beforeAll(async () => {
  bin = await builtBin();
}, 300_000);

describe("relata CLI: hand-written migrations", () => {
  let project: Project;
  beforeAll(async () => {
    project = await newProject();
    ok(await relata(project.dir, "init", "--url", project.url));
    await writeFile(
      join(project.dir, "src/schema.ts"),
      `import { defineSchema } from "relata";\nexport const schema = defineSchema({});\n`,
    );
  });
  afterAll(() => project?.drop());

  const write = async (name: string, text: string) => {
    await mkdir(join(project.dir, "migrations", name), { recursive: true });
    await writeFile(join(project.dir, "migrations", name, "migration.ts"), text);
  };

  it("applies, reports and rolls back migrations with the builder; --json documents", async () => {
    await write(
      "20240101000000_accounts",
      `import type { SchemaBuilder } from "relata";
export async function up(schema: SchemaBuilder) {
  await schema.create("accounts", (t) => {
    t.id();
    t.string("fullName");
  });
}
export async function down(schema: SchemaBuilder) {
  await schema.drop("accounts");
}
`,
    );
    const pending = await relataJson(project.dir, "status");
    expect(pending.code).toBe(1);
    expect(pending.json).toMatchObject({
      ok: false,
      upToDate: false,
      migrations: [{ name: "20240101000000_accounts", state: "pending" }],
    });

    const applied = await relataJson(project.dir, "migrate");
    expect(applied).toMatchObject({ code: 0, json: { ok: true, applied: ["20240101000000_accounts"] } });
    // The casing of the config's schema (preserve): the column as written.
    await sqlOn(project, (k) => k.insertInto("accounts").values({ fullName: "Ada" }).execute());

    const upToDate = await relataJson(project.dir, "status");
    expect(upToDate.code).toBe(0);
    expect(upToDate.json.migrations[0]).toMatchObject({ state: "applied", edited: false, problem: null });

    const again = await relataJson(project.dir, "migrate");
    expect(again.json).toEqual({ ok: true, applied: [] });
  });

  it("status shows a migration edited after it ran (exit 1) until resolve accepts it", async () => {
    const file = join(project.dir, "migrations/20240101000000_accounts/migration.ts");
    await appendFile(file, "// reviewed\n");
    const edited = await relata(project.dir, "status");
    expect(edited.code).toBe(1);
    expect(edited.stdout).toContain("edited since");
    expect(edited.stderr).toContain("relata resolve 20240101000000_accounts --applied");
    expect(edited.stdout + edited.stderr).not.toContain("\u001b["); // no colours off a terminal

    ok(await relata(project.dir, "resolve", "20240101000000_accounts", "--applied"));
    expect((await relata(project.dir, "status")).code).toBe(0);
  });

  it("a failing migration: half-applied where DDL commits as it goes, undone on PostgreSQL", async () => {
    await write(
      "20240102000000_broken",
      `export async function up(schema) {
  await schema.create("ledgers", (t) => { t.id(); });
  await schema.raw("this is not sql");
}
export async function down(schema) {
  await schema.drop("ledgers");
}
`,
    );
    const failed = await relata(project.dir, "migrate");
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`Could not apply "20240102000000_broken"`);
    expect(failed.stderr).not.toMatch(/^\s+at /m); // no stack trace

    const expected: PerDialect<string> = { sqlite: "half-applied", mysql: "half-applied", postgres: "pending" };
    const status = await relataJson(project.dir, "status");
    expect(status.code).toBe(1);
    const broken = status.json.migrations.find((m: { name: string }) => m.name === "20240102000000_broken");
    expect(broken.state).toBe(expected[dialect]);
    expect((await tablesOf(project)).includes("ledgers")).toBe(dialect !== "postgres");

    if (broken.state === "half-applied") {
      expect(broken.problem).toContain("--rolled-back");
      // Nothing more runs until it is resolved.
      const blocked = await relata(project.dir, "migrate");
      expect(blocked.code).toBe(1);
      expect(blocked.stderr).toContain("nothing was run");
      // Undo what it did by hand, then record that.
      await sqlOn(project, (k) => k.schema.dropTable("ledgers").execute());
      ok(await relata(project.dir, "resolve", "20240102000000_broken", "--rolled-back"));
    }
    await write(
      "20240102000000_broken",
      `export async function up(schema) {
  await schema.create("ledgers", (t) => { t.id(); });
}
`,
    );
    ok(await relata(project.dir, "migrate"));
    expect((await relataJson(project.dir, "status")).json.upToDate).toBe(true);
  });

  it("rollback refuses a migration without down(), changing nothing; --steps rolls back several", async () => {
    const refused = await relata(project.dir, "rollback");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`"20240102000000_broken" has no down()`);
    expect((await relataJson(project.dir, "status")).json.upToDate).toBe(true);

    const tooMany = await relata(project.dir, "rollback", "--steps", "5");
    expect(tooMany.code).toBe(1);
    expect(tooMany.stderr).toContain("only 2 migrations are applied");

    await write(
      "20240102000000_broken",
      `export async function up(schema) {
  await schema.create("ledgers", (t) => { t.id(); });
}
export async function down(schema) {
  await schema.drop("ledgers");
}
`,
    );
    ok(await relata(project.dir, "resolve", "20240102000000_broken", "--applied"));
    const back = await relataJson(project.dir, "rollback", "--steps", "2");
    expect(back).toMatchObject({
      code: 0,
      json: { ok: true, rolledBack: ["20240102000000_broken", "20240101000000_accounts"] },
    });
    expect(await tablesOf(project)).toEqual([]);
  });
});

describe("the migration runner, in process", () => {
  let project: Project;
  beforeAll(async () => {
    project = await newProject();
  });
  afterAll(() => project?.drop());

  it("refuses a pending migration named before an applied one, and an applied one whose folder is gone", async () => {
    const dir = join(project.dir, "migrations");
    const write = async (name: string, table: string) => {
      await mkdir(join(dir, name), { recursive: true });
      await writeFile(
        join(dir, name, "migration.mjs"),
        `export async function up(schema) { await schema.create("${table}", (t) => { t.id(); }); }\nexport async function down(schema) { await schema.drop("${table}"); }\n`,
      );
    };
    await write("20240101000000_a", "a");
    await write("20240301000000_c", "c");
    const db = createDb({ schema: defineSchema({}), url: project.testUrl });
    try {
      const events: string[] = [];
      const runner = createMigrationRunner({
        kysely: db.kysely,
        dialect,
        dir,
        onProgress: (e) => events.push(`${e.direction} ${e.phase} ${e.name}`),
      });
      expect(await runner.migrate()).toEqual({ names: ["20240101000000_a", "20240301000000_c"] });
      expect(events).toEqual([
        "up start 20240101000000_a",
        "up done 20240101000000_a",
        "up start 20240301000000_c",
        "up done 20240301000000_c",
      ]);

      await write("20240201000000_b", "b");
      const late = await runner.status();
      expect(late.upToDate).toBe(false);
      expect(late.problems).toEqual([
        expect.stringContaining(`"20240201000000_b" is pending but sorts before the applied "20240301000000_c"`),
      ]);
      await expect(runner.migrate()).rejects.toThrow("nothing was run");
      await rm(join(dir, "20240201000000_b"), { recursive: true });

      await rm(join(dir, "20240301000000_c"), { recursive: true });
      const gone = await runner.status();
      expect(gone.migrations.map((m) => m.state)).toEqual(["applied", "missing"]);
      await expect(runner.rollback()).rejects.toThrow("restore it from version control");
      expect(await tablesOf(project)).toEqual(["a", "c"]);
    } finally {
      await db.destroy();
    }
  });
});

const SCHEMA_V1 = `import { belongsTo, defineSchema, hasMany, id, integer, model, string, text } from "relata";

export const schema = defineSchema(
  {
    user: model({
      table: "users",
      fields: { id: id(), email: string().unique(), displayName: string() },
      relations: { posts: hasMany("post", { foreignKey: "authorId" }) },
    }),
    post: model({
      table: "posts",
      fields: {
        id: id(),
        authorId: integer().references("user.id", { onDelete: "cascade" }),
        title: string(),
        body: text().nullable(),
      },
      relations: { author: belongsTo("user", { foreignKey: "authorId" }) },
    }),
  },
  { casing: "snake_case" },
);
`;

/** v1 changed every way the flow covers: a field added, a many-to-many, a rename, a drop, a composite index. */
const SCHEMA_V2 = `import { belongsTo, belongsToMany, defineSchema, hasMany, id, integer, model, string } from "relata";

export const schema = defineSchema(
  {
    user: model({
      table: "users",
      fields: { id: id(), email: string().unique(), displayName: string(), age: integer().nullable() },
      relations: { posts: hasMany("post", { foreignKey: "authorId" }) },
    }),
    post: model({
      table: "posts",
      fields: {
        id: id(),
        authorId: integer().references("user.id", { onDelete: "cascade" }),
        headline: string(),
      },
      indexes: [["authorId", "headline"]],
      relations: {
        author: belongsTo("user", { foreignKey: "authorId" }),
        tags: belongsToMany("tag", { table: "post_tags" }),
      },
    }),
    tag: model({
      table: "tags",
      fields: { id: id(), name: string().unique() },
      relations: { posts: belongsToMany("post", { table: "post_tags" }) },
    }),
  },
  { casing: "snake_case" },
);
`;

describe("relata CLI: init -> generate -> migrate -> change -> rollback -> check", () => {
  let project: Project;
  beforeAll(async () => {
    project = await newProject();
  });
  afterAll(() => project?.drop());

  const columnsOf = (table: string) =>
    sqlOn(project, async (k) => (await introspect(k, dialect)).tables.get(table)?.columns.map((c) => c.name) ?? []);
  const rows = (table: string, order = "id") =>
    sqlOn(project, (k) => k.selectFrom(table).selectAll().orderBy(order).execute()) as Promise<
      Record<string, unknown>[]
    >;

  it("init writes the config, a schema and the migrations folder, and never overwrites", async () => {
    const first = await relataJson(project.dir, "init", "--url", project.url);
    expect(first).toMatchObject({
      code: 0,
      json: { ok: true, files: ["relata.config.ts", "src/schema.ts", "migrations/"] },
    });
    const config = await readFile(join(project.dir, "relata.config.ts"), "utf8");
    expect(config).toContain(`import { defineConfig } from "relata";`);
    expect(config).toContain(JSON.stringify(project.url));

    const again = await relata(project.dir, "init");
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("relata.config.ts already exists");
    expect(await readFile(join(project.dir, "relata.config.ts"), "utf8")).toBe(config);
  });

  it("generate writes the first migration, migrate applies it", async () => {
    await writeFile(join(project.dir, "src/schema.ts"), SCHEMA_V1);
    const generated = await relataJson(project.dir, "generate");
    expect(generated.code).toBe(0);
    expect(generated.json.folder).toMatch(/^migrations\/\d{14}_init$/);
    expect(await readdir(join(project.dir, generated.json.folder))).toEqual(["migration.ts", "snapshot.json"]);

    const migrated = await relataJson(project.dir, "migrate");
    expect(migrated.json).toEqual({ ok: true, applied: [generated.json.folder.slice("migrations/".length)] });
    await sqlOn(project, async (k) => {
      await k.insertInto("users").values({ id: 1, email: "ada@example.dev", display_name: "Ada" }).execute();
      await k.insertInto("posts").values({ id: 1, author_id: 1, title: "Hello", body: "First" }).execute();
    });
  });

  it("off a terminal, a rename is never guessed: generate fails and prints the flag to pass", async () => {
    await writeFile(join(project.dir, "src/schema.ts"), SCHEMA_V2);
    const refused = await relata(project.dir, "generate", "add_tags");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("--rename post.title=post.headline");
    expect(refused.stderr).toContain("--accept-data-loss");
    expect(refused.stderr).not.toMatch(/^\s+at /m);

    const json = await relataJson(project.dir, "generate", "add_tags");
    expect(json.code).toBe(1);
    expect(json.json.error.flags).toContain("--rename post.title=post.headline");

    const lossy = await relata(project.dir, "generate", "add_tags", "--rename", "post.title=post.headline");
    expect(lossy.code).toBe(1);
    expect(lossy.stderr).toContain("Pass --accept-data-loss");
    expect(await migrationFolders(project)).toHaveLength(1);
  });

  it("generate --rename --accept-data-loss, then migrate: every row survives what did not drop it", async () => {
    const generated = await relataJson(
      project.dir,
      "generate",
      "add_tags",
      "--rename",
      "post.title=post.headline",
      "--accept-data-loss",
    );
    expect(generated.code).toBe(0);
    expect(generated.json).toMatchObject({ ok: true, reversible: true });
    expect(generated.json.folder).toMatch(/_add_tags$/);
    ok(await relata(project.dir, "migrate"));

    expect(await rows("users")).toEqual([{ id: 1, email: "ada@example.dev", display_name: "Ada", age: null }]);
    expect(await rows("posts")).toEqual([{ id: 1, author_id: 1, headline: "Hello" }]);
    const posts = await sqlOn(project, async (k) => (await introspect(k, dialect)).tables.get("posts")!);
    expect(posts.indexes.map((i) => i.columns)).toContainEqual(["author_id", "headline"]);
    await sqlOn(project, async (k) => {
      await k.insertInto("tags").values({ id: 1, name: "orm" }).execute();
      await k.insertInto("post_tags").values({ post_id: 1, tag_id: 1 }).execute();
    });
  });

  it("status: every migration applied, exit 0", async () => {
    const status = await relataJson(project.dir, "status");
    expect(status.code).toBe(0);
    expect(status.json.upToDate).toBe(true);
    expect(status.json.migrations.map((m: { state: string }) => m.state)).toEqual(["applied", "applied"]);
    const text = await relata(project.dir, "status");
    expect(text.stdout).toContain("The database is up to date.");
  });

  it("rollback undoes the last migration: the rename reversed, rows kept", async () => {
    const [, second] = await migrationFolders(project);
    const back = await relataJson(project.dir, "rollback");
    expect(back.json).toEqual({ ok: true, rolledBack: [second] });
    expect(await rows("users")).toEqual([{ id: 1, email: "ada@example.dev", display_name: "Ada" }]);
    // The dropped body comes back empty: its values went with the column.
    expect(await rows("posts")).toEqual([{ id: 1, author_id: 1, title: "Hello", body: null }]);
    expect(await tablesOf(project)).toEqual(["posts", "users"]);
    const status = await relataJson(project.dir, "status");
    expect(status.code).toBe(1);
    expect(status.json.migrations.map((m: { state: string }) => m.state)).toEqual(["applied", "pending"]);
  });

  it("migrate again, and check finds no drift", async () => {
    ok(await relata(project.dir, "migrate"));
    expect(await rows("posts")).toEqual([{ id: 1, author_id: 1, headline: "Hello" }]);
    expect(await columnsOf("users")).toEqual(["id", "email", "display_name", "age"]);
    const check = await relataJson(project.dir, "check");
    expect(check).toMatchObject({ code: 0, json: { ok: true, drift: false, changes: [] } });
    const again = await relataJson(project.dir, "generate");
    expect(again.json).toMatchObject({ ok: true, folder: null });
  });

  it("check shows drift as a diff (exit 1); push refuses a drop without the flag, then makes the database match", async () => {
    await sqlOn(project, (k) => k.schema.alterTable("users").addColumn("nickname", "varchar(20)").execute());
    const drift = await relata(project.dir, "check");
    expect(drift.code).toBe(1);
    expect(drift.stdout).toContain("- users.nickname");

    const refused = await relata(project.dir, "push");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("--accept-data-loss");
    expect(await columnsOf("users")).toContain("nickname");

    const pushed = await relataJson(project.dir, "push", "--accept-data-loss");
    expect(pushed.json).toMatchObject({ ok: true, applied: ["dropColumn"] });
    expect((await relata(project.dir, "check")).code).toBe(0);
    expect(await rows("users")).toEqual([{ id: 1, email: "ada@example.dev", display_name: "Ada", age: null }]);
  });

  it("generate prisma|drizzle|mermaid|dbml, pull and seed", async () => {
    ok(await relata(project.dir, "generate", "prisma", "--out", "prisma/schema.prisma"));
    expect(await readFile(join(project.dir, "prisma/schema.prisma"), "utf8")).toMatch(/model \w+ \{/);
    const mermaid = ok(await relata(project.dir, "generate", "mermaid"));
    expect(mermaid.stdout.startsWith("erDiagram")).toBe(true);
    const drizzle = await relataJson(project.dir, "generate", "drizzle");
    expect(drizzle.json.text).toContain("Table(");
    expect(ok(await relata(project.dir, "generate", "dbml")).stdout).toContain("Table");

    const pulled = ok(await relata(project.dir, "pull"));
    expect(pulled.stdout).toContain("defineSchema(");
    expect(pulled.stdout).not.toContain("relata_migration");

    await writeFile(
      join(project.dir, "src/seed.ts"),
      `export default async function seed(db: any) {\n  await db.tag.create({ name: "seeded" });\n}\n`,
    );
    const config = await readFile(join(project.dir, "relata.config.ts"), "utf8");
    await writeFile(
      join(project.dir, "relata.config.ts"),
      config.replace("migrations: {", `seed: "./src/seed.ts",\n  migrations: {`),
    );
    ok(await relata(project.dir, "seed"));
    // The rollback dropped tags with its rows; the seed's row is the only one.
    expect((await rows("tags")).map((t) => t.name)).toEqual(["seeded"]);
  });
});
