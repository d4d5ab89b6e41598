import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Kysely, type Migration, Migrator, NO_MIGRATIONS } from "kysely";
import type { DialectName } from "../dialect/profile.js";
import { profiles } from "../dialect/resolve.js";
import { RelataError } from "../errors.js";
import type { Casing } from "../schema/casing.js";
import { createSchemaBuilder, type SchemaBuilder } from "./builder.js";

/** Kysely's Migrator table: one row per applied migration (name, ISO timestamp). */
export const MIGRATION_TABLE = "relata_migrations";
/** Kysely's Migrator lock table. */
export const MIGRATION_LOCK_TABLE = "relata_migrations_lock";
/**
 * relata's own row per migration run: the checksum of the file that ran, and the direction last
 * started. A row whose direction did not finish is a half-applied (or half-rolled-back)
 * migration: MySQL/MariaDB commit every DDL statement, and SQLite migrations run outside a
 * transaction, so a failure part way leaves part of it in the database.
 */
export const MIGRATION_STATE_TABLE = "relata_migration_state";
/** The file each migration folder holds, in the order they are looked for. */
export const MIGRATION_FILES = ["migration.ts", "migration.mts", "migration.js", "migration.mjs"] as const;

export interface MigrationRunnerOptions {
  /** The database (a db's `kysely`). */
  readonly kysely: Kysely<any>;
  readonly dialect: DialectName;
  /** The folder holding one folder per migration (`<timestamp>_<name>/migration.ts`). */
  readonly dir: string;
  /** The schema's casing, given to each migration's builder; default `"preserve"`. */
  readonly casing?: Casing;
  /** Imports a migration file (the CLI passes a TypeScript-aware loader); default `import()`. */
  readonly importFile?: (file: string) => Promise<unknown>;
  /** Called as each migration starts and finishes. */
  readonly onProgress?: (event: MigrationProgress) => void;
}

export interface MigrationProgress {
  readonly name: string;
  readonly direction: "up" | "down";
  readonly phase: "start" | "done";
}

/** `applied`, `pending`, a run that did not finish, or applied with its folder gone (`missing`). */
export type MigrationState = "applied" | "pending" | "half-applied" | "half-rolled-back" | "missing";

export interface MigrationInfo {
  /** The folder's name, which orders migrations. */
  readonly name: string;
  /** The migration file; undefined when `missing`. */
  readonly file: string | undefined;
  readonly state: MigrationState;
  /** When it was applied (ISO), for applied and half-rolled-back migrations. */
  readonly appliedAt: string | undefined;
  /** Applied, and its file has changed since. */
  readonly edited: boolean;
  /** What is wrong with it and what to do, when something is. */
  readonly problem: string | undefined;
}

export interface MigrationStatus {
  /** In name order; missing ones (applied, folder gone) among them. */
  readonly migrations: readonly MigrationInfo[];
  /** Every problem, each saying what to do. */
  readonly problems: readonly string[];
  /** Nothing pending and no problem. */
  readonly upToDate: boolean;
}

/** The migrations a run applied or rolled back, in the order it did. */
export interface MigrationRunResult {
  readonly names: readonly string[];
}

/**
 * What a migration file exports: `up(schema, db)` and, to be rolled back, `down(schema, db)`;
 * `casing` when its column names are not written in the schema's casing (generated migrations
 * name stored columns: `"preserve"`).
 */
interface MigrationModule {
  readonly up: (schema: SchemaBuilder, db: Kysely<any>) => Promise<void>;
  readonly down?: (schema: SchemaBuilder, db: Kysely<any>) => Promise<void>;
  readonly casing?: Casing;
}

interface MigrationFile {
  readonly name: string;
  readonly file: string;
  readonly checksum: string;
}

interface StateRow {
  readonly name: string;
  readonly checksum: string;
  readonly direction: string;
  readonly started_at: string;
}

/**
 * Applies, rolls back and reports the migrations of a folder, on Kysely's `Migrator` (its
 * ordering, lock and `relata_migrations` table). Each migration's `up`/`down` gets the migration
 * builder over the run's connection (a transaction on PostgreSQL, where the whole run is one;
 * none on SQLite, whose table rebuilds turn foreign keys off, nor on MySQL/MariaDB, which commit
 * DDL as they go).
 */
export function createMigrationRunner(options: MigrationRunnerOptions): MigrationRunner {
  return new MigrationRunner(options);
}

export class MigrationRunner {
  readonly #options: MigrationRunnerOptions;
  readonly #modules = new Map<string, Promise<MigrationModule>>();

  constructor(options: MigrationRunnerOptions) {
    this.#options = options;
  }

  /** Every migration with its state, and what is wrong. Reads only. */
  async status(): Promise<MigrationStatus> {
    const files = await this.#files();
    const { applied, states } = await this.#bookkeeping();
    const names = [...new Set([...files.keys(), ...applied.keys(), ...states.keys()])].sort(byName);
    const lastApplied = names.filter((name) => applied.has(name)).at(-1);
    const migrations = names.map((name): MigrationInfo => {
      const file = files.get(name);
      const appliedAt = applied.get(name);
      const state = states.get(name);
      const info = { name, file: file?.file, appliedAt, edited: false, problem: undefined };
      if (appliedAt !== undefined && state?.direction === "down") {
        return { ...info, state: "half-rolled-back", problem: halfDone(name, "rolling back", state, this.#dir) };
      }
      if (appliedAt === undefined && state?.direction === "up") {
        return { ...info, state: "half-applied", problem: halfDone(name, "applying", state, this.#dir) };
      }
      if (appliedAt !== undefined && !file) {
        const problem = `"${name}" is applied but its folder is gone from ${this.#dir}: restore it from version control.`;
        return { ...info, state: "missing", problem };
      }
      if (appliedAt !== undefined) {
        const edited = state !== undefined && file !== undefined && state.checksum !== file.checksum;
        const problem = edited
          ? `"${name}" was edited after it was applied: the database has the version that ran. Restore the file, put the change in a new migration (relata generate), or accept the edit with \`relata resolve ${name} --applied\`.`
          : undefined;
        return { ...info, state: "applied", edited, problem };
      }
      const problem =
        lastApplied !== undefined && byName(name, lastApplied) < 0
          ? `"${name}" is pending but sorts before the applied "${lastApplied}": migrations run in name order. Delete its folder and run relata generate again, or rename the folder to sort after "${lastApplied}".`
          : undefined;
      return { ...info, state: "pending", problem };
    });
    const problems = migrations.flatMap((m) => (m.problem ? [m.problem] : []));
    return { migrations, problems, upToDate: problems.length === 0 && migrations.every((m) => m.state === "applied") };
  }

  /** Applies every pending migration, in name order. */
  async migrate(): Promise<MigrationRunResult> {
    const status = await this.#ready("migrate");
    if (status.migrations.every((m) => m.state !== "pending")) return { names: [] };
    return this.#run("up", (migrator) => migrator.migrateToLatest());
  }

  /** Rolls back the last `steps` applied migrations (default 1), latest first. */
  async rollback(steps = 1): Promise<MigrationRunResult> {
    if (!Number.isInteger(steps) || steps < 1) {
      throw new RelataError(`rollback: steps must be a whole number of at least 1, got ${steps}.`);
    }
    const status = await this.#ready("rollback");
    const applied = status.migrations.filter((m) => m.state === "applied");
    if (applied.length === 0) return { names: [] };
    if (steps > applied.length) {
      throw new RelataError(
        `rollback: ${steps} steps asked, but only ${applied.length} migration${applied.length === 1 ? " is" : "s are"} applied.`,
      );
    }
    const undone = applied.slice(-steps);
    const modules = await Promise.all(undone.map((m) => this.#module(m.name, m.file!)));
    const withoutDown = undone.filter((_, i) => typeof modules[i]!.down !== "function");
    if (withoutDown.length > 0) {
      throw new RelataError(
        `rollback: ${withoutDown.map((m) => `"${m.name}"`).join(", ")} ${withoutDown.length === 1 ? "has" : "have"} no down(): nothing was rolled back. Write \`export async function down(schema) { ... }\` in ${withoutDown.map((m) => m.file).join(", ")} to undo its changes, or restore the database from a backup.`,
      );
    }
    const target = applied[applied.length - steps - 1]?.name;
    return this.#run("down", (migrator) => migrator.migrateTo(target ?? NO_MIGRATIONS));
  }

  /**
   * Records the outcome of a migration that did not finish, once the database was put right by
   * hand (`rolled-back`: none of it is in the database; `applied`: all of it is). `applied` also
   * accepts an applied migration's edited file as the version that ran.
   */
  async resolve(name: string, as: "applied" | "rolled-back"): Promise<void> {
    const status = await this.status();
    const info = status.migrations.find((m) => m.name === name);
    if (!info) {
      throw new RelataError(`resolve: there is no migration "${name}" in ${this.#dir} nor in the database.`);
    }
    const resolvable = info.state === "half-applied" || info.state === "half-rolled-back" || info.edited;
    if (!resolvable) {
      throw new RelataError(
        `resolve: "${name}" is ${info.state}, with nothing to resolve: resolve marks a half-applied, half-rolled-back or edited migration.`,
      );
    }
    const { kysely } = this.#options;
    await this.#ensureTables();
    await kysely.deleteFrom(MIGRATION_STATE_TABLE).where("name", "=", name).execute();
    if (as === "rolled-back") {
      await kysely.deleteFrom(MIGRATION_TABLE).where("name", "=", name).execute();
      return;
    }
    const checksum = info.file ? (await this.#files()).get(name)?.checksum : undefined;
    if (checksum !== undefined) await this.#writeState(kysely, name, checksum, "up");
    if (info.appliedAt === undefined) {
      await kysely.insertInto(MIGRATION_TABLE).values({ name, timestamp: new Date().toISOString() }).execute();
    }
  }

  get #dir(): string {
    return this.#options.dir;
  }

  /** The status, refusing to run while a migration is half-done or an applied one is gone. */
  async #ready(what: string): Promise<MigrationStatus> {
    const status = await this.status();
    const blocking = status.migrations.filter((m) => m.problem !== undefined && !m.edited);
    if (blocking.length > 0) {
      throw new RelataError(`${what}: nothing was run.\n${blocking.map((m) => `  - ${m.problem}`).join("\n")}`);
    }
    return status;
  }

  async #run(
    direction: "up" | "down",
    go: (migrator: Migrator) => ReturnType<Migrator["migrateToLatest"]>,
  ): Promise<MigrationRunResult> {
    const { kysely } = this.#options;
    await this.#ensureTables();
    const files = await this.#files();
    const migrator = new Migrator({
      db: kysely,
      migrationTableName: MIGRATION_TABLE,
      migrationLockTableName: MIGRATION_LOCK_TABLE,
      provider: {
        getMigrations: async () =>
          Object.fromEntries([...files.values()].map((file) => [file.name, this.#migration(file)])),
      },
    });
    const { error, results = [] } = await go(migrator);
    const done = results.filter((r) => r.status === "Success").map((r) => r.migrationName);
    if (error === undefined) return { names: done };
    const failed = results.find((r) => r.status === "Error")?.migrationName;
    const after = new Map((await this.status()).migrations.map((m) => [m.name, m]));
    // PostgreSQL runs the whole run as one transaction: what it did before the failure is undone too.
    const kept = done.filter((name) => after.get(name)?.state === (direction === "up" ? "applied" : "pending"));
    const undone = done.filter((name) => !kept.includes(name));
    const failedInfo = failed === undefined ? undefined : after.get(failed);
    const notes = [
      kept.length > 0 ? `${direction === "up" ? "Applied" : "Rolled back"} before it: ${kept.join(", ")}.` : "",
      undone.length > 0
        ? `The run was one transaction: ${undone.join(", ")} ${direction === "up" ? "were not applied either" : "are still applied"}.`
        : "",
      failedInfo?.state === "half-applied" || failedInfo?.state === "half-rolled-back"
        ? (failedInfo.problem ?? "")
        : failed !== undefined
          ? `Nothing of "${failed}" was kept.`
          : "",
    ].filter((note) => note !== "");
    const reason = error instanceof Error ? error.message : String(error);
    throw new RelataError(
      `Could not ${direction === "up" ? "apply" : "roll back"} ${failed === undefined ? "the migrations" : `"${failed}"`}: ${reason}${notes.length > 0 ? `\n${notes.join("\n")}` : ""}`,
      { cause: error },
    );
  }

  /** The Migrator's view of one file: its up/down with the builder, recording the run's state. */
  #migration(file: MigrationFile): Migration {
    const { onProgress, dialect } = this.#options;
    const builder = (db: Kysely<any>, module: MigrationModule) => {
      const casing = module.casing ?? this.#options.casing;
      return createSchemaBuilder(db, dialect, casing === undefined ? {} : { casing });
    };
    return {
      up: async (db) => {
        const module = await this.#module(file.name, file.file);
        onProgress?.({ name: file.name, direction: "up", phase: "start" });
        await this.#writeState(db, file.name, file.checksum, "up");
        await module.up(builder(db, module), db);
        onProgress?.({ name: file.name, direction: "up", phase: "done" });
      },
      down: async (db) => {
        const module = await this.#module(file.name, file.file);
        onProgress?.({ name: file.name, direction: "down", phase: "start" });
        await this.#writeState(db, file.name, file.checksum, "down");
        await module.down!(builder(db, module), db);
        await db.deleteFrom(MIGRATION_STATE_TABLE).where("name", "=", file.name).execute();
        onProgress?.({ name: file.name, direction: "down", phase: "done" });
      },
    };
  }

  async #writeState(db: Kysely<any>, name: string, checksum: string, direction: "up" | "down"): Promise<void> {
    await db.deleteFrom(MIGRATION_STATE_TABLE).where("name", "=", name).execute();
    await db
      .insertInto(MIGRATION_STATE_TABLE)
      .values({ name, checksum, direction, started_at: new Date().toISOString() })
      .execute();
  }

  /** Imports a migration file once, checking what it exports. */
  #module(name: string, file: string): Promise<MigrationModule> {
    let loaded = this.#modules.get(name);
    if (!loaded) {
      const load = this.#options.importFile ?? ((path: string) => import(pathToFileURL(path).href));
      loaded = load(file).then((exports) => {
        const found = exports as Partial<MigrationModule> & { default?: Partial<MigrationModule> };
        const up = found.up ?? found.default?.up;
        const down = found.down ?? found.default?.down;
        const casing = found.casing ?? found.default?.casing;
        if (typeof up !== "function") {
          throw new RelataError(`Migration "${name}" (${file}) exports no up(schema) function.`);
        }
        if (casing !== undefined && typeof casing !== "string" && typeof casing !== "function") {
          throw new RelataError(`Migration "${name}" (${file}) exports a casing that is not one: ${String(casing)}.`);
        }
        return { up, ...(typeof down === "function" && { down }), ...(casing !== undefined && { casing }) };
      });
      this.#modules.set(name, loaded);
    }
    return loaded;
  }

  /** The migration folders of `dir` that hold a migration file, by name. */
  async #files(): Promise<Map<string, MigrationFile>> {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(this.#dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return new Map();
      throw error;
    }
    const found = new Map<string, MigrationFile>();
    for (const entry of entries.filter((e) => e.isDirectory() && !e.name.startsWith(".")).sort(byEntry)) {
      const folder = join(this.#dir, entry.name);
      const present = new Set(await readdir(folder));
      const name = MIGRATION_FILES.find((candidate) => present.has(candidate));
      if (!name) continue;
      const file = join(folder, name);
      // Line endings normalised: a checkout converting them is not an edit.
      const text = (await readFile(file, "utf8")).replace(/\r\n/g, "\n");
      found.set(entry.name, { name: entry.name, file, checksum: createHash("sha256").update(text).digest("hex") });
    }
    return found;
  }

  /** What the database records: applied migrations (name -> ISO time) and run states. */
  async #bookkeeping(): Promise<{ applied: Map<string, string>; states: Map<string, StateRow> }> {
    const { kysely, dialect } = this.#options;
    const tables = await profiles[dialect].existingTables(kysely);
    const applied = new Map<string, string>();
    const states = new Map<string, StateRow>();
    if (tables.has(MIGRATION_TABLE)) {
      const rows = await kysely.selectFrom(MIGRATION_TABLE).select(["name", "timestamp"]).execute();
      for (const row of rows) applied.set(String(row.name), String(row.timestamp));
    }
    if (tables.has(MIGRATION_STATE_TABLE)) {
      const rows = await kysely
        .selectFrom(MIGRATION_STATE_TABLE)
        .select(["name", "checksum", "direction", "started_at"])
        .execute();
      for (const row of rows as StateRow[]) states.set(String(row.name), row);
    }
    return { applied, states };
  }

  /**
   * Creates the bookkeeping tables in the connection's own schema. Kysely's Migrator would look
   * for its tables in every PostgreSQL schema, and skip creating them when another schema has one.
   */
  async #ensureTables(): Promise<void> {
    const { schema } = this.#options.kysely;
    await schema
      .createTable(MIGRATION_TABLE)
      .ifNotExists()
      .addColumn("name", "varchar(255)", (c) => c.notNull().primaryKey())
      .addColumn("timestamp", "varchar(255)", (c) => c.notNull())
      .execute();
    await schema
      .createTable(MIGRATION_LOCK_TABLE)
      .ifNotExists()
      .addColumn("id", "varchar(255)", (c) => c.notNull().primaryKey())
      .addColumn("is_locked", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
    await schema
      .createTable(MIGRATION_STATE_TABLE)
      .ifNotExists()
      .addColumn("name", "varchar(255)", (c) => c.notNull().primaryKey())
      .addColumn("checksum", "varchar(64)", (c) => c.notNull())
      .addColumn("direction", "varchar(8)", (c) => c.notNull())
      .addColumn("started_at", "varchar(32)", (c) => c.notNull())
      .execute();
  }
}

function halfDone(name: string, doing: string, state: StateRow, dir: string): string {
  const done = doing === "applying" ? "applied" : "rolled back";
  return `"${name}" started ${doing} at ${state.started_at} and did not finish: this database commits each schema change on its own, so part of it may be ${done}. Compare the database with ${join(dir, name)} (relata check shows how it differs from the schema), then either undo what it did and run \`relata resolve ${name} --rolled-back\`, or finish it by hand and run \`relata resolve ${name} --applied\`.`;
}

/** Code-unit order, as Kysely's Migrator sorts names: the same on every machine. */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byEntry(a: { name: string }, b: { name: string }): number {
  return byName(a.name, b.name);
}
