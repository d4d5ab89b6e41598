import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { createTableRelationsHelpers, type Relations } from "drizzle-orm";
import { sql } from "kysely";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDrizzle } from "../../src/generate/index.js";
import { createDb, type Db, type Schema } from "../../src/index.js";
import { type DbSchema, type DbTable, introspect } from "../../src/migrate/introspect/index.js";
import { blog } from "../support/blog-schema.js";
import { everyKind } from "../support/generate-fixture.js";
import { dialect, isolatedUrl, type PerDialect } from "../support/test-db.js";

/**
 * The Drizzle module generated from a relata schema, checked with the real tools: it compiles
 * with tsc, drizzle-kit turns it into SQL that creates the same tables relata's push() creates
 * (compared catalog against catalog, in two private schemas/databases), and drizzle-orm's
 * relational queries run over its relations() on that database.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(import.meta.url);
const run = promisify(execFile);
const KIT_DIALECT: PerDialect<string> = { sqlite: "sqlite", postgres: "postgresql", mysql: "mysql" };

/** A scratch folder inside the repository (gitignored), so the module resolves drizzle-orm. */
const scratch = join(root, ".scratch", `generate-drizzle-${dialect}-${randomBytes(4).toString("hex")}`);

const schemas: Record<string, Schema> = { everyKind, blog };

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.each(Object.keys(schemas))("the Drizzle module of %s", (name) => {
  const schema = schemas[name]!;
  const dir = join(scratch, name);
  const file = join(dir, "schema.ts");
  let relata: Db<Schema>;
  let drizzled: Db<Schema>;
  let drizzledUrl: string;
  const drops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, generateDrizzle(schema, { dialect }));
    const [a, b] = [await isolatedUrl(), await isolatedUrl()];
    drops.push(a.drop, b.drop);
    // On SQLite, a file: drizzle-orm opens it too.
    drizzledUrl = dialect === "sqlite" ? `sqlite:${join(dir, "drizzle.db")}` : b.url;
    relata = createDb({ schema, url: a.url });
    drizzled = createDb({ schema, url: drizzledUrl });
    await relata.push();
  }, 60_000);

  afterAll(async () => {
    await relata?.destroy();
    await drizzled?.destroy();
    for (const drop of drops) await drop();
  });

  it("compiles with tsc (strict)", () => {
    const program = ts.createProgram([file], {
      target: ts.ScriptTarget.ES2022,
      lib: ["lib.es2023.d.ts"],
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noUncheckedIndexedAccess: true,
      verbatimModuleSyntax: true,
      skipLibCheck: true,
      noEmit: true,
      types: ["node"],
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(problems).toEqual([]);
  }, 30_000);

  it("drizzle-kit creates the tables relata's push() creates", async () => {
    const out = join(dir, "drizzle");
    const kit = join(dirname(require.resolve("drizzle-kit")), "bin.cjs");
    await run(process.execPath, [kit, "generate", "--dialect", KIT_DIALECT[dialect], "--schema", file, "--out", out], {
      cwd: root,
    });
    const migration = readdirSync(out).find((f) => f.endsWith(".sql"))!;
    const statements = readFileSync(join(out, migration), "utf8")
      .split("--> statement-breakpoint")
      .map((s) => s.trim())
      .filter(Boolean);
    for (const statement of statements) {
      // drizzle-kit names the schema of PostgreSQL references ("public"."users"); this test's
      // tables live in a private schema on the search path.
      await sql.raw(statement.replaceAll(`"public".`, "")).execute(drizzled.kysely);
    }
    const expected = normalize(await introspect(relata.kysely, dialect));
    const actual = normalize(await introspect(drizzled.kysely, dialect));
    const tables = [...schema.meta.models.values()].map((m) => m.table).concat([...schema.meta.pivotTables.keys()]);
    expect([...expected.keys()]).toEqual(tables.sort());
    expect([...actual.keys()]).toEqual([...expected.keys()]);
    for (const [table, want] of expected) {
      expect({ table, ...accepted(actual.get(table)!) }).toEqual({ table, ...accepted(want) });
    }
  }, 60_000);

  it("drizzle-orm's relational queries load every relation of relations()", async () => {
    const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const { db, close } = await drizzleOn(drizzledUrl, module);
    try {
      const relationsOf = Object.entries(module).filter(([key]) => key.endsWith("Relations"));
      expect(relationsOf.length).toBeGreaterThan(0);
      for (const [key, value] of relationsOf as [string, Relations][]) {
        const table = key.slice(0, -"Relations".length);
        const names = Object.keys(value.config(createTableRelationsHelpers(value.table)));
        const withAll = Object.fromEntries(names.map((n) => [n, true]));
        const query = db.query[table].findMany({ with: withAll });
        // Building the statement resolves every relation (a one() without its counterpart throws).
        // MariaDB cannot run it: drizzle's to-one loads need LATERAL or an outer reference from a
        // derived table, which MariaDB lacks; MySQL 8 and the other databases run it.
        if (dialect === "mysql") expect(query.toSQL().sql).toMatch(/^select /);
        else await expect(query).resolves.toEqual([]);
      }
    } finally {
      await close();
    }
  }, 30_000);
});

function normalize(db: DbSchema): Map<string, DbTable> {
  return new Map([...db.tables].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * The differences between drizzle-kit's tables and relata's that are accepted, spelled out (all
 * else must be equal):
 * - SQLite: drizzle-kit writes no constraint names for foreign keys (SQLite keeps none in its
 *   catalog; relata's are read back from its CREATE TABLE text), so foreign key names are not
 *   compared there.
 * - MySQL/MariaDB: a key relata creates without onDelete / onUpdate reads back as RESTRICT, where
 *   drizzle-kit always writes NO ACTION; InnoDB treats the two the same, so they compare equal.
 */
function accepted(table: DbTable) {
  const action = (a: string) => (dialect === "mysql" && a === "no action" ? "restrict" : a);
  return {
    columns: table.columns,
    primaryKey: table.primaryKey,
    indexes: [...table.indexes].sort((a, b) => (a.name < b.name ? -1 : 1)),
    foreignKeys: table.foreignKeys
      .map((fk) => ({
        ...fk,
        name: dialect === "sqlite" ? undefined : fk.name,
        onDelete: action(fk.onDelete),
        onUpdate: action(fk.onUpdate),
      }))
      .sort((a, b) => (a.columns.join() < b.columns.join() ? -1 : 1)),
  };
}

/** drizzle-orm over its own connection to `url`, through the dialect's usual driver, with the generated module as its schema. */
async function drizzleOn(
  url: string,
  module: Record<string, unknown>,
): Promise<{ db: any; close: () => Promise<void> }> {
  const open: PerDialect<() => Promise<{ db: any; close: () => Promise<void> }>> = {
    sqlite: async () => {
      const { default: Database } = await import("better-sqlite3");
      const { drizzle } = await import("drizzle-orm/better-sqlite3");
      const client = new Database(url.slice("sqlite:".length));
      return { db: drizzle({ client, schema: module }), close: async () => void client.close() };
    },
    postgres: async () => {
      const { default: pg } = await import("pg");
      const { drizzle } = await import("drizzle-orm/node-postgres");
      const client = new pg.Pool({ connectionString: url, max: 1 });
      return { db: drizzle({ client, schema: module }), close: () => client.end() };
    },
    mysql: async () => {
      const mysql = await import("mysql2/promise");
      const { drizzle } = await import("drizzle-orm/mysql2");
      const client = mysql.createPool({ uri: url, connectionLimit: 1 });
      return { db: drizzle({ client, schema: module, mode: "default" }), close: () => client.end() };
    },
  };
  return open[dialect]();
}
