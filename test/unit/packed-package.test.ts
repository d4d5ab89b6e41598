import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The published shape of the package (issue 16): it is built and packed as `npm publish` would,
 * unpacked into a fresh consumer project (its dependencies linked from this checkout's, so no
 * native module is compiled again), type-checked there under strict NodeNext with
 * `skipLibCheck: false`, and run under plain `node` from ESM and from CommonJS.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  name: string;
  dependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
  files: string[];
};
const run = (file: string, args: string[], cwd: string) =>
  execFileSync(file, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

let work: string;
let consumer: string;
let serverOnly: string;
let packed: string[];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "relata-package-"));
  // The package as its own folder: its files, built in place (so source maps point at src/ next to dist/).
  const source = join(work, "relata");
  mkdirSync(source);
  for (const file of ["package.json", "README.md", "LICENSE", "tsconfig.json", "tsconfig.build.json", "src"]) {
    cpSync(join(root, file), join(source, file), { recursive: true });
  }
  symlinkSync(join(root, "node_modules"), join(source, "node_modules"), "dir");
  run(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], source);
  const [info] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], source)) as {
    filename: string;
    files: { path: string }[];
  }[];
  packed = info!.files.map((f) => f.path);
  // A fresh consumer with the tarball unpacked as node_modules/relata.
  consumer = join(work, "consumer");
  const modules = join(consumer, "node_modules");
  mkdirSync(modules, { recursive: true });
  run("tar", ["-xzf", join(work, info!.filename), "-C", work], work);
  cpSync(join(work, "package"), join(modules, pkg.name), { recursive: true });
  linkDependencies(modules, [...Object.keys(pkg.optionalDependencies), "@types/node", "typescript"]);
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  // A PostgreSQL project installed with --omit=optional: relata (copied, so resolving from it
  // cannot reach the first consumer's better-sqlite3), its dependencies and pg.
  serverOnly = join(work, "server-only");
  mkdirSync(join(serverOnly, "node_modules"), { recursive: true });
  cpSync(join(work, "package"), join(serverOnly, "node_modules", pkg.name), { recursive: true });
  linkDependencies(join(serverOnly, "node_modules"), ["pg"]);
  writeFileSync(
    join(serverOnly, "package.json"),
    JSON.stringify({ name: "server-only", private: true, type: "module" }),
  );
}, 240_000);

/** Links the package's dependencies and `extra` from this checkout's node_modules into `modules`. */
function linkDependencies(modules: string, extra: string[]): void {
  for (const dep of [...Object.keys(pkg.dependencies), ...extra]) {
    mkdirSync(dirname(join(modules, dep)), { recursive: true });
    symlinkSync(join(root, "node_modules", dep), join(modules, dep), "dir");
  }
}

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A sample both plain JS and strict TypeScript (the type check adds TYPED to it). */
const SAMPLE = `
import { Model, createDb, defineSchema, model, id, integer, string, hasMany, belongsTo } from "relata";

const schema = defineSchema({
  user: model({ table: "users", fields: { id: id(), name: string() }, relations: { posts: hasMany("post") } }),
  post: model({ table: "posts", fields: { id: id(), userId: integer(), title: string() }, relations: { user: belongsTo("user") } }),
});
class Tag extends Model {
  static table = "tags";
  static fields = { id: id(), name: string() };
}
const db = createDb({ schema, url: "sqlite::memory:" });
await db.push();
const ada = await db.user.create({ name: "Ada" });
await db.post.create({ userId: ada.id, title: "Hello" });
const users = await db.user.with("posts").get();
const title = users[0].posts[0].title;
const tags = createDb({ models: [Tag], url: "sqlite::memory:" });
await tags.push();
const tag = await Tag.create({ name: "ts" });
console.log(JSON.stringify({ title, user: ada.name, tag: tag.name, instance: tag instanceof Tag }));
await db.destroy();
await tags.destroy();
`;

/** What the type check adds: the inferred types, and mistakes that must not compile. */
const TYPED = `
import type { Row } from "relata";
const typedTitle: string = title;
const row: Row<typeof schema, "user"> = ada;
const tagName: string = tag.name;
// @ts-expect-error: not a field of user
void (() => db.user.where("emial", "x"));
void [typedTitle, row, tagName];
`;

describe("the packed package", () => {
  it("ships dist, its declarations with maps, the sources they point at, the LICENSE and no tests", () => {
    expect(packed).toEqual(
      expect.arrayContaining(["LICENSE", "README.md", "package.json", "dist/index.js", "dist/index.d.ts"]),
    );
    expect(packed).toContain("dist/index.d.ts.map");
    expect(packed).toContain("src/index.ts");
    expect(packed.some((path) => path.startsWith("test/") || path.includes(".test."))).toBe(false);
    const map = JSON.parse(readFileSync(join(consumer, "node_modules/relata/dist/db.js.map"), "utf8"));
    expect(map.sources).toEqual(["../src/db.ts"]);
    expect(map.sourcesContent?.[0]).toContain("export function createDb");
    const declarations = JSON.parse(readFileSync(join(consumer, "node_modules/relata/dist/db.d.ts.map"), "utf8"));
    expect(existsSync(join(consumer, "node_modules/relata/dist", declarations.sources[0]))).toBe(true);
  });

  it("type-checks in a strict NodeNext project without skipLibCheck", () => {
    writeFileSync(join(consumer, "app.mts"), SAMPLE + TYPED);
    writeFileSync(
      join(consumer, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: "NodeNext",
          moduleResolution: "NodeNext",
          target: "ES2022",
          skipLibCheck: false,
          noEmit: true,
          types: ["node"],
        },
        files: ["app.mts"],
      }),
    );
    const check = () => run(process.execPath, [join(consumer, "node_modules/typescript/bin/tsc"), "-p", "."], consumer);
    expect(check).not.toThrow();
  }, 120_000);

  it("runs under plain node, imported and required", () => {
    writeFileSync(join(consumer, "app.mjs"), SAMPLE);
    const output = JSON.parse(run(process.execPath, ["app.mjs"], consumer));
    expect(output).toEqual({ title: "Hello", user: "Ada", tag: "ts", instance: true });
    writeFileSync(
      join(consumer, "app.cjs"),
      `const { createDb, defineSchema, model, id, string } = require("relata");
const db = createDb({ schema: defineSchema({ note: model({ fields: { id: id(), text: string() } }) }), url: "sqlite::memory:" });
db.push().then(() => db.note.create({ text: "required" })).then((n) => { console.log(n.text); return db.destroy(); });`,
    );
    expect(run(process.execPath, ["app.cjs"], consumer).trim()).toBe("required");
  }, 60_000);

  it("installs without better-sqlite3: SQLite says what to install, PostgreSQL works", () => {
    expect(existsSync(join(serverOnly, "node_modules/better-sqlite3"))).toBe(false);
    writeFileSync(
      join(serverOnly, "app.mjs"),
      `import { createDb, defineSchema, model, id, string, RelataError } from "relata";
const schema = defineSchema({ note: model({ table: "packed_notes", fields: { id: id(), text: string() } }) });
const out = {};
const sqlite = createDb({ schema, url: "sqlite::memory:" });
try { await sqlite.note.all(); } catch (e) { out.sqlite = [e instanceof RelataError, e.message]; }
if (process.env.RELATA_PG_URL) {
  const pg = createDb({ schema, url: process.env.RELATA_PG_URL });
  await pg.kysely.schema.dropTable("packed_notes").ifExists().execute();
  await pg.push();
  await pg.note.create({ text: "no native module" });
  out.postgres = (await pg.note.all()).map((n) => n.text);
  await pg.kysely.schema.dropTable("packed_notes").execute();
  await pg.destroy();
}
console.log(JSON.stringify(out));`,
    );
    const output = JSON.parse(run(process.execPath, ["app.mjs"], serverOnly));
    expect(output.sqlite).toEqual([
      true,
      'Connecting to SQLite needs the "better-sqlite3" package: npm install better-sqlite3',
    ]);
    if (process.env.RELATA_PG_URL) expect(output.postgres).toEqual(["no native module"]);
  }, 60_000);
});
