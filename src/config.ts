import { RelataError } from "./errors.js";
import type { Schema } from "./schema/define-schema.js";

/** Where migrations live. */
export interface MigrationsConfig {
  /** The folder holding one folder per migration, relative to the config file; default `"migrations"`. */
  readonly dir?: string;
}

/**
 * What the `relata` CLI reads from `relata.config.ts`. Paths are relative to the config file.
 */
export interface RelataConfig {
  /**
   * The schema: the value `defineSchema` returned, or the path of a module exporting it (as
   * `schema` or as its default export), such as `"./src/schema.ts"`.
   */
  readonly schema: Schema | string;
  /** The database URL: `sqlite:./dev.db`, `postgres://...`, `mysql://...` or `mariadb://...`. */
  readonly url: string;
  /** Where migrations live; default `{ dir: "migrations" }`. */
  readonly migrations?: MigrationsConfig;
  /**
   * The script `relata seed` runs: a module whose default export (or `seed` export) is called
   * with a connected `db`, or whose top-level code does the work.
   */
  readonly seed?: string;
}

const KEYS = ["schema", "url", "migrations", "seed"];
const MIGRATIONS_KEYS = ["dir"];

/**
 * Declares the configuration of the `relata` CLI in `relata.config.ts`, checked as it is
 * defined (an unknown or misspelled key is an error naming the valid ones).
 *
 * ```ts
 * import { defineConfig } from "relata";
 * import { schema } from "./src/schema.js";
 *
 * export default defineConfig({
 *   schema,
 *   url: process.env.DATABASE_URL ?? "sqlite:./dev.db",
 *   migrations: { dir: "migrations" },
 *   seed: "./src/seed.ts",
 * });
 * ```
 */
export function defineConfig<const C extends RelataConfig>(config: C): C {
  checkConfig(config, "defineConfig");
  return config;
}

/** Throws a RelataError listing every problem of a config object (`where` names its source). */
export function checkConfig(config: unknown, where: string): asserts config is RelataConfig {
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new RelataError(
      `${where}: the config must be an object: export default defineConfig({ schema, url, migrations: { dir } }), got ${show(config)}.`,
    );
  }
  const problems: string[] = [];
  const record = config as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !KEYS.includes(key));
  if (unknown.length > 0) {
    problems.push(`unknown key${unknown.length === 1 ? "" : "s"} ${names(unknown)}; valid keys: ${KEYS.join(", ")}`);
  }
  const { schema, url, migrations, seed } = record;
  if (typeof schema === "string" ? schema.trim() === "" : !isSchema(schema)) {
    problems.push(
      `schema must be the value defineSchema returned, or the path of a module exporting it ("./src/schema.ts"), got ${show(schema)}`,
    );
  }
  if (typeof url !== "string" || url.trim() === "") {
    problems.push(
      `url must be a database URL (sqlite:./dev.db, postgres://..., mysql://...), got ${show(url)}${url === undefined ? ": is the environment variable it reads set?" : ""}`,
    );
  }
  if (migrations !== undefined) {
    if (typeof migrations !== "object" || migrations === null || Array.isArray(migrations)) {
      problems.push(`migrations must be an object ({ dir: "migrations" }), got ${show(migrations)}`);
    } else {
      const extra = Object.keys(migrations).filter((key) => !MIGRATIONS_KEYS.includes(key));
      if (extra.length > 0) {
        problems.push(`migrations: unknown key${extra.length === 1 ? "" : "s"} ${names(extra)}; valid keys: dir`);
      }
      const dir = (migrations as Record<string, unknown>).dir;
      if (dir !== undefined && (typeof dir !== "string" || dir.trim() === "")) {
        problems.push(`migrations.dir must be a folder path, got ${show(dir)}`);
      }
    }
  }
  if (seed !== undefined && (typeof seed !== "string" || seed.trim() === "")) {
    problems.push(`seed must be the path of a script ("./src/seed.ts"), got ${show(seed)}`);
  }
  if (problems.length === 1) throw new RelataError(`${where}: ${problems[0]}.`);
  if (problems.length > 1) throw new RelataError(`${where}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
}

/** Whether a value is a relata schema (by shape: a config may load another copy of relata). */
export function isSchema(value: unknown): value is Schema {
  const meta = (value as { meta?: { models?: unknown } } | null | undefined)?.meta;
  return typeof value === "object" && value !== null && meta?.models instanceof Map;
}

function names(keys: readonly string[]): string {
  return keys.map((key) => `"${key}"`).join(", ");
}

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || value === undefined || typeof value !== "object") return String(value);
  return Array.isArray(value) ? "an array" : "an object";
}
