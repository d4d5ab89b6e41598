import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { createJiti } from "jiti";
import { Kysely, sql } from "kysely";
import { checkConfig, isSchema, type RelataConfig } from "../config.js";
import type { DialectName, DialectProfile } from "../dialect/profile.js";
import { dialectFromUrl } from "../dialect/resolve.js";
import { Session } from "../dialect/session.js";
import { RelataError } from "../errors.js";
import { defineSchema, type Schema } from "../schema/define-schema.js";

/** The names `relata.config` is looked for under, in this order. */
export const CONFIG_FILES = ["relata.config.ts", "relata.config.mts", "relata.config.js", "relata.config.mjs"];

/** Imports a file as the CLI does: TypeScript or JavaScript, ESM or CommonJS. */
export type ImportFile = (file: string) => Promise<unknown>;

/** A loaded config, its paths resolved against the config file's folder. */
export interface ConfigFile {
  readonly configFile: string;
  /** The config file's folder. */
  readonly root: string;
  readonly config: RelataConfig;
  readonly url: string;
  readonly dialect: DialectName;
  readonly migrationsDir: string;
  readonly seedFile: string | undefined;
  readonly importFile: ImportFile;
}

/** A loaded config and its schema. */
export interface Project extends ConfigFile {
  readonly schema: Schema;
}

/**
 * A loader for the user's TypeScript without a TS runner installed (jiti). The files it loads
 * get the relata the CLI runs as `"relata"` (one copy of the schema classes and errors, even
 * where the project has none installed, or another version), and its Kysely as `"kysely"`
 * (generated migrations import `sql` from it; a package manager may not hoist it).
 */
export async function createImporter(root: string): Promise<ImportFile> {
  const [relata, config, kysely] = await Promise.all([import("../index.js"), import("../config.js"), import("kysely")]);
  const jiti = createJiti(join(root, "relata.config.ts"), {
    virtualModules: { relata: { ...relata, ...config }, kysely },
  });
  return (file) => jiti.import(file);
}

/** Finds and loads the config and its schema. */
export async function loadProject(cwd: string, explicit: string | undefined): Promise<Project> {
  const loaded = await loadConfig(cwd, explicit);
  return { ...loaded, schema: await loadSchema(loaded.config.schema, loaded.root, loaded.importFile) };
}

/** Finds and loads the config: `explicit`, else relata.config.{ts,mts,js,mjs} in `cwd`. */
export async function loadConfig(cwd: string, explicit: string | undefined): Promise<ConfigFile> {
  const configFile = explicit
    ? resolve(cwd, explicit)
    : CONFIG_FILES.map((name) => join(cwd, name)).find((file) => existsSync(file));
  if (!configFile) {
    throw new RelataError(`No relata.config.ts in ${cwd}: run \`relata init\`, or pass --config <file>.`);
  }
  if (!existsSync(configFile)) throw new RelataError(`The config file ${configFile} does not exist.`);
  const root = dirname(configFile);
  const importFile = await createImporter(root);
  const exports = await importUserFile(importFile, configFile, "the config");
  const config = (exports as { default?: unknown }).default ?? exports;
  checkConfig(config, configFile);
  return {
    configFile,
    root,
    config,
    url: config.url,
    dialect: dialectFromUrl(config.url).profile.name,
    migrationsDir: resolve(root, config.migrations?.dir ?? "migrations"),
    seedFile: config.seed === undefined ? undefined : resolve(root, config.seed),
    importFile,
  };
}

async function loadSchema(given: Schema | string, root: string, importFile: ImportFile): Promise<Schema> {
  if (typeof given !== "string") return given;
  const file = isAbsolute(given) ? given : resolve(root, given);
  if (!existsSync(file)) throw new RelataError(`The config's schema file ${file} does not exist.`);
  const exports = (await importUserFile(importFile, file, "the schema")) as Record<string, unknown>;
  const found = [exports.schema, exports.default].find(isSchema);
  if (!found) {
    throw new RelataError(
      `${file} exports no schema: export the value defineSchema returns as \`schema\` (export const schema = defineSchema({ ... })) or as the default export.`,
    );
  }
  return found;
}

/** Imports a file of the project; an error loading it names the file (relata errors pass as they are). */
export async function importUserFile(importFile: ImportFile, file: string, what: string): Promise<unknown> {
  try {
    return await importFile(file);
  } catch (error) {
    if (error instanceof RelataError) throw error;
    throw new RelataError(`Could not load ${what} (${file}): ${(error as Error)?.message ?? String(error)}`, {
      cause: error,
    });
  }
}

/** An open connection to the project's database. */
export interface Connection {
  readonly kysely: Kysely<any>;
  readonly profile: DialectProfile;
  /** For check and push, which work on the schema's metadata. */
  readonly session: Session;
  close(): Promise<void>;
}

/** A schema of no models: what a connection without the project's schema (pull) maps errors with. */
const NO_MODELS = defineSchema({});

/** Connects to `url`, failing here (as a relata ConnectionError) when it cannot. */
export async function connect(url: string, schema: Schema = NO_MODELS): Promise<Connection> {
  const { dialect, profile } = dialectFromUrl(url);
  const kysely = new Kysely<any>({ dialect });
  const session = new Session(kysely, profile, schema, profile.defaultLoadStrategy);
  try {
    await session.execute(sql`select 1`.compile(kysely));
  } catch (error) {
    await kysely.destroy().catch(() => {});
    throw error;
  }
  return { kysely, profile, session, close: () => kysely.destroy() };
}
