import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { driverError } from "../dialect/driver-errors.js";
import type { DialectName } from "../dialect/profile.js";
import type { Session } from "../dialect/session.js";
import type { Schema } from "../schema/define-schema.js";
import { createSchemaBuilder } from "./builder.js";
import {
  describeChanges,
  desiredSchema,
  diffSchemas,
  MigrationError,
  parseRenames,
  type Rename,
  renameCandidates,
  renameFlag,
  type SchemaChange,
} from "./diff.js";
import { introspect } from "./introspect/index.js";
import type { DbSchema, DbTable } from "./introspect/types.js";
import { applySteps, builderSteps, migrationFile } from "./migration-file.js";

export {
  describeChanges,
  desiredSchema,
  diffSchemas,
  MigrationError,
  parseRenames,
  type Rename,
  renameCandidates,
  type SchemaChange,
} from "./diff.js";

/** A possible rename, as `generateMigration` asks about it: table and column names as stored. */
export interface RenameQuestion {
  readonly table: string;
  readonly dropped: string;
  readonly added: string;
}

export interface GenerateOptions {
  readonly schema: Schema;
  readonly dialect: DialectName;
  /** The migrations folder: one folder per migration, `<timestamp>_<name>/` with `migration.ts` and `snapshot.json`. */
  readonly dir: string;
  /** The migration's name (letters, digits, `_`); derived from the changes when not given. */
  readonly name?: string;
  /** `--rename` values: `post.title=post.headline`, `oldTable=model`. */
  readonly renames?: readonly string[];
  /** Allows drops and narrowing changes (`--accept-data-loss`). */
  readonly acceptDataLoss?: boolean;
  /** Asks whether a column that disappeared was renamed to one that appeared (on a terminal). */
  readonly ask?: (question: RenameQuestion) => Promise<boolean>;
}

export interface GenerateResult {
  /** The folder written; undefined when the schema matches the last snapshot (nothing to do). */
  readonly folder: string | undefined;
  readonly changes: readonly SchemaChange[];
  /** The changes as `describeChanges` reads them. */
  readonly text: string;
  /** The renames applied: given ones and confirmed ones. */
  readonly renames: readonly Rename[];
  /** Whether the migration written has a `down`. */
  readonly reversible: boolean;
}

const SNAPSHOT = "snapshot.json";
const MIGRATION = "migration.ts";
const FOLDER = /^(\d{14,})_[a-z0-9_]+$/;

/**
 * Writes the next migration, offline: diffs the last snapshot in `dir` against the schema and
 * writes `dir/<timestamp>_<name>/migration.ts` (up and, where it can be derived, down, written
 * with the migration builder) and `snapshot.json` (the tables after it). Renames are never
 * guessed: an unconfirmed one is asked about (`ask`) or is a `MigrationError` printing the
 * `--rename` flag; lossy changes need `acceptDataLoss`.
 *
 * ```ts
 * const { folder, text } = await generateMigration({ schema, dialect: "postgres", dir: "migrations" });
 * ```
 */
export async function generateMigration(options: GenerateOptions): Promise<GenerateResult> {
  const { schema, dialect, dir } = options;
  const folders = await migrationFolders(dir);
  const last = folders.at(-1);
  const from = last ? await readSnapshot(join(dir, last), dialect) : { tables: new Map() };
  const to = desiredSchema(schema, dialect);
  const renames = parseRenames(schema, options.renames ?? []);
  let changes = diffSchemas(from, to, { renames });

  const open = renameCandidates(changes);
  if (open.length > 0 && options.ask) {
    const taken = new Set<string>();
    for (const question of open) {
      const [dropped, added] = [`${question.table}.${question.dropped}`, `${question.table}.${question.added}`];
      if (taken.has(dropped) || taken.has(added)) continue;
      if (!(await options.ask(question))) continue;
      taken.add(dropped).add(added);
      renames.push({ kind: "column", table: question.table, from: question.dropped, to: question.added });
    }
    changes = diffSchemas(from, to, { renames });
  } else if (open.length > 0 && !options.acceptDataLoss) {
    throw renameError(schema, open);
  }
  refuseLoss(schema, changes, options.acceptDataLoss);

  const result = { changes, text: describeChanges(changes), renames };
  if (changes.length === 0) return { ...result, folder: undefined, reversible: true };
  const name = folderName(options.name, changes, last === undefined);
  const folder = join(dir, `${nextStamp(last)}_${name}`);
  const file = migrationFile(changes, { dialect });
  // Written under a temporary name, then renamed: a folder is there whole or not at all.
  const partial = join(dir, `.partial_${process.pid}_${name}`);
  await mkdir(partial, { recursive: true });
  try {
    await writeFile(join(partial, MIGRATION), file);
    await writeFile(join(partial, SNAPSHOT), snapshotJson(to, dialect));
    await rename(partial, folder);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
  return { ...result, folder, reversible: /export async function down/.test(file) };
}

/** The migration folders of `dir`, oldest first (none when it does not exist). */
export async function migrationFolders(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return entries.filter((e) => FOLDER.test(e)).sort((a, b) => byStamp(a, b));
}

const stampOf = (folder: string) => BigInt(FOLDER.exec(folder)![1]!);
const byStamp = (a: string, b: string) => {
  const d = stampOf(a) - stampOf(b);
  return d < 0n ? -1 : d > 0n ? 1 : a < b ? -1 : a > b ? 1 : 0;
};

/** `YYYYMMDDHHMMSS` (UTC), after the last folder's even within one second. */
function nextStamp(last: string | undefined): string {
  const now = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  if (last === undefined || BigInt(now) > stampOf(last)) return now;
  return String(stampOf(last) + 1n);
}

function folderName(given: string | undefined, changes: readonly SchemaChange[], first: boolean): string {
  const clean = (text: string) =>
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_+|_+$/g, "")
      .slice(0, 60);
  if (given !== undefined) {
    const name = clean(given);
    if (!name) throw new MigrationError(`A migration name needs letters or digits, got ${JSON.stringify(given)}.`);
    return name;
  }
  if (first) return "init";
  const [only] = changes;
  if (changes.length === 1 && only?.kind === "addColumn") return clean(`add_${only.column.name}_to_${only.table}`);
  const created = changes.flatMap((c) => (c.kind === "createTable" ? [c.table.name] : []));
  if (created.length === changes.length) return clean(`create_${created.join("_")}`);
  const tables = new Set(changes.map((c) => ("table" in c && typeof c.table === "string" ? c.table : "")));
  return tables.size === 1 && !tables.has("") ? clean(`update_${[...tables][0]}`) : "update_schema";
}

/** The tables a snapshot records, as `DbSchema`. */
export async function readSnapshot(folder: string, dialect: DialectName): Promise<DbSchema> {
  const path = join(folder, SNAPSHOT);
  let data: { dialect?: unknown; tables?: unknown };
  try {
    data = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new MigrationError(`Cannot read the snapshot ${path}: ${(error as Error).message}`);
  }
  if (data.dialect !== dialect) {
    throw new MigrationError(
      `${path} was generated for ${String(data.dialect)}, not ${dialect}: keep one migrations folder per database family.`,
    );
  }
  const tables = new Map<string, DbTable>();
  for (const t of (data.tables ?? []) as DbTable[]) {
    tables.set(t.name, {
      ...t,
      columns: t.columns.map((c) => ({ ...c, default: c.default ?? undefined })),
      foreignKeys: t.foreignKeys.map((fk) => ({ ...fk, name: fk.name ?? undefined })),
    });
  }
  return { tables };
}

/** A snapshot's text: the tables (no default and no name written as null), pretty-printed. */
export function snapshotJson(schema: DbSchema, dialect: DialectName): string {
  const tables = [...schema.tables.values()].map((t) => ({
    ...t,
    columns: t.columns.map((c) => ({ ...c, default: c.default ?? null })),
    foreignKeys: t.foreignKeys.map((fk) => ({ ...fk, name: fk.name ?? null })),
  }));
  return `${JSON.stringify({ relata: 1, dialect, tables }, null, 2)}\n`;
}

function renameError(schema: Schema, open: readonly RenameQuestion[]): MigrationError {
  const flags = open.map((q) => renameFlag(schema, q.table, q.dropped, q.added));
  const lines = open.map(
    (q, i) => `  ${q.table}: "${q.dropped}" is gone and "${q.added}" is new; if it was renamed: ${flags[i]}`,
  );
  return new MigrationError(
    `Renames are never guessed, and no terminal is there to ask:\n${lines.join("\n")}\nTo drop the old column${open.length === 1 ? "" : "s"} (values lost) and add the new, pass --accept-data-loss.`,
    [...flags, "--accept-data-loss"],
  );
}

/** A lossy change without `acceptDataLoss` is a MigrationError naming each, before anything is written or run. */
function refuseLoss(schema: Schema, changes: readonly SchemaChange[], accept: boolean | undefined): void {
  const lossy = changes.filter((c) => c.lossy);
  if (lossy.length === 0 || accept) return;
  const open = renameCandidates(changes);
  const created = changes.filter((c) => c.kind === "createTable");
  const hints = [
    ...open.map((q) => `if ${q.table}.${q.dropped} was renamed: ${renameFlag(schema, q.table, q.dropped, q.added)}`),
    ...(created.length > 0 && lossy.some((c) => c.kind === "dropTable")
      ? ["if a table was renamed: --rename oldTable=model"]
      : []),
  ];
  throw new MigrationError(
    `These changes lose data:\n${describeChanges(lossy)
      .split("\n")
      .map((l) => `  ${l}`)
      .join(
        "\n",
      )}\nPass --accept-data-loss to make them.${hints.length ? `\n${hints.map((h) => `  ${h}`).join("\n")}` : ""}`,
    ["--accept-data-loss"],
  );
}

/** Tables Kysely's Migrator keeps under its default names: bookkeeping, not the schema's. */
const MIGRATOR_TABLES = new Set(["kysely_migration", "kysely_migration_lock"]);

async function liveSchema(session: Session): Promise<DbSchema> {
  try {
    const { tables } = await introspect(session.kysely, session.profile.name);
    return { tables: new Map([...tables].filter(([name]) => !MIGRATOR_TABLES.has(name))) };
  } catch (error) {
    throw driverError(session, error, undefined);
  }
}

/**
 * The drift between the live database and the schema (default: the session's): the changes
 * that would make the database match, and their readable diff.
 */
export async function checkDrift(
  session: Session,
  schema: Schema = session.schema,
): Promise<{ changes: SchemaChange[]; text: string }> {
  const changes = diffSchemas(await liveSchema(session), desiredSchema(schema, session.profile.name));
  return {
    changes,
    text: changes.length === 0 ? "No drift: the database matches the schema." : describeChanges(changes),
  };
}

/**
 * Development push: diffs the live database against the session's schema and applies the
 * changes through the migration builder, alters included (SQLite rebuilds a table where it
 * cannot ALTER it, rows and foreign keys kept). Lossy changes are refused, before any DDL,
 * unless `acceptDataLoss`; renames are made only when named (`renames`, as `--rename` takes them).
 */
export async function pushSchema(
  session: Session,
  options: { readonly acceptDataLoss?: boolean; readonly renames?: readonly string[] } = {},
): Promise<{ applied: SchemaChange[] }> {
  const { schema, profile } = session;
  const renames = parseRenames(schema, options.renames ?? []);
  const changes = diffSchemas(await liveSchema(session), desiredSchema(schema, profile.name), { renames });
  refuseLoss(schema, changes, options.acceptDataLoss);
  if (changes.length === 0) return { applied: [] };
  const steps = builderSteps(changes, profile.name);
  await applySteps(createSchemaBuilder(session.kysely, profile, { casing: "preserve" }), steps);
  return { applied: changes };
}
