import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const packageJson = JSON.parse(readFileSync(`${root}package.json`, "utf8"));

/** Every runtime name API.md promises from "relata". */
const API = [
  "defineSchema",
  "model",
  "id",
  "uuid",
  "string",
  "text",
  "integer",
  "bigint",
  "float",
  "decimal",
  "boolean",
  "timestamp",
  "date",
  "json",
  "hasOne",
  "hasMany",
  "belongsTo",
  "belongsToMany",
  "manyToMany",
  "morphOne",
  "morphMany",
  "morphTo",
  "morphToMany",
  "morphedByMany",
  "hasOneThrough",
  "hasManyThrough",
  "createDb",
  "RelataError",
  "SchemaError",
  "RelationNotFoundError",
  "NotFoundError",
  "UniqueConstraintError",
  "ForeignKeyConstraintError",
  "ValidationError",
  "Model",
  "RelationshipFactory",
  "column",
  "relation",
];

describe("the published package", () => {
  it("points its exports at the build output, with types", () => {
    expect(packageJson.type).toBe("module");
    // `require` too: Node 20.19+ requires ES modules (packed-package.test.ts runs it).
    expect(packageJson.exports["."]).toEqual({
      types: "./dist/index.d.ts",
      import: "./dist/index.js",
      require: "./dist/index.js",
      default: "./dist/index.js",
    });
    // The embedded default's driver installs with the package but may be omitted (--omit=optional).
    expect(packageJson.optionalDependencies).toEqual({ "better-sqlite3": expect.any(String) });
    expect(packageJson.dependencies["better-sqlite3"]).toBeUndefined();
    expect(packageJson.peerDependenciesMeta).toEqual({ mysql2: { optional: true }, pg: { optional: true } });
    // src/ ships for the declaration maps and source maps that point into it.
    expect(packageJson.files).toEqual(["dist", "src", "LICENSE"]);
  });

  it("builds and its entry point exports the whole public API", { timeout: 60_000 }, async () => {
    // Inside the repo so the build's bare imports (kysely, better-sqlite3) resolve.
    const outDir = `${root}node_modules/.cache/relata-package-check`;
    rmSync(outDir, { recursive: true, force: true });
    execFileSync(process.execPath, [
      `${root}node_modules/typescript/bin/tsc`,
      "-p",
      `${root}tsconfig.build.json`,
      "--outDir",
      outDir,
    ]);
    const entry = await import(`${outDir}/${packageJson.exports["."].import.replace("./dist/", "")}`);
    const missing = API.filter((name) => typeof entry[name] !== "function");
    expect(missing).toEqual([]);
    expect(readFileSync(`${outDir}/index.d.ts`, "utf8")).toContain("export { createDb");
  });
});
