import { type Kysely, type QueryResult, sql } from "kysely";
import type { DialectProfile } from "../../dialect/profile.js";
import { ForeignKeyConstraintError, SchemaError } from "../../errors.js";
import type { DbSchema } from "../introspect/types.js";
import { createdIndexes, createIndexQuery, createTableQuery } from "./ddl.js";
import type { Statement } from "./dialect-ddl.js";
import type { TableState } from "./ops.js";
import type { Plan } from "./plan.js";

/** Runs one statement on `db` (a connection or transaction), mapping driver errors. */
export type Run = (db: Kysely<any>, statement: Statement, table?: string) => Promise<QueryResult<any>>;

/** Names starting with `relata_` are relata's own: introspection leaves them out. */
const TEMPORARY_PREFIX = "relata_rebuild_";

/** The names of the indexes CREATE INDEX made on `table` (SQLite keeps their SQL; a constraint's index has none). */
export async function sqliteCreatedIndexes(run: Run, kysely: Kysely<any>, table: string): Promise<Set<string>> {
  const { rows } = await run(
    kysely,
    sql`select name from sqlite_master where type = 'index' and tbl_name = ${table} and sql is not null`,
  );
  return new Set(rows.map((row: { name: string }) => row.name));
}

/**
 * Rebuilds a SQLite table into `plan.state`, SQLite's documented way to make the changes its
 * ALTER TABLE cannot (https://sqlite.org/lang_altertable.html#otheralter):
 *
 * 1. `PRAGMA foreign_keys = OFF` on one pinned connection, outside any transaction (inside one
 *    it is a no-op): dropping the old table must not cascade into the tables referencing it.
 * 2. In one transaction: renames first, with SQLite's own RENAME COLUMN (it rewrites the
 *    indexes, triggers and the other tables' foreign keys that name the column); CREATE TABLE
 *    `relata_rebuild_<table>` with the new definition (constraint names for `<table>`); copy
 *    every row of the columns that stay; DROP the old table; RENAME the new one (with
 *    `legacy_alter_table` on, so views naming the table are not checked while it is missing);
 *    recreate its indexes and triggers; keep the AUTOINCREMENT counter where it was;
 *    `PRAGMA foreign_key_check`: a row left without its parent rolls everything back.
 * 3. `PRAGMA foreign_keys = ON` again, whatever happened.
 *
 * Inside a caller's transaction foreign keys cannot be turned off: the rebuild then runs only
 * when no table references this one (dropping it could not cascade), else it refuses before
 * changing anything.
 */
export async function rebuildTable(
  run: Run,
  kysely: Kysely<any>,
  profile: DialectProfile,
  current: TableState,
  plan: Plan,
  catalog: DbSchema,
): Promise<void> {
  const table = current.table;
  const enforced = await foreignKeysOn(run, kysely);
  if (kysely.isTransaction) {
    const referencing = [...catalog.tables.values()]
      .filter((other) => other.name !== table && other.foreignKeys.some((fk) => fk.table === table))
      .map((other) => other.name);
    if (plan.state.foreignKeys.some((fk) => fk.table === table)) referencing.push(table);
    if (enforced && referencing.length > 0) {
      throw new SchemaError([
        `SQLite rebuilds "${table}" to make this change, and cannot turn foreign keys off inside a transaction: dropping the old table would cascade into ${referencing.map((t) => `"${t}"`).join(", ")}. Run this migration outside a transaction.`,
      ]);
    }
    await rebuild(run, kysely, profile, current, plan, enforced);
    return;
  }
  await kysely.connection().execute(async (connection) => {
    if (enforced) await run(connection, sql`pragma foreign_keys = off`);
    try {
      // Still on: the connection is inside a transaction Kysely does not know of (a raw BEGIN).
      if (enforced && (await foreignKeysOn(run, connection))) {
        throw new SchemaError([
          `SQLite rebuilds "${table}" to make this change, and cannot turn foreign keys off: the connection is inside a transaction. Run this migration outside one.`,
        ]);
      }
      await connection.transaction().execute((trx) => rebuild(run, trx, profile, current, plan, enforced));
    } finally {
      if (enforced) await run(connection, sql`pragma foreign_keys = on`);
    }
  });
}

async function foreignKeysOn(run: Run, db: Kysely<any>): Promise<boolean> {
  const { rows } = await run(db, sql`pragma foreign_keys`);
  return Number((rows[0] as Record<string, unknown> | undefined)?.foreign_keys ?? 0) === 1;
}

async function rebuild(
  run: Run,
  db: Kysely<any>,
  profile: DialectProfile,
  current: TableState,
  plan: Plan,
  check: boolean,
): Promise<void> {
  const table = current.table;
  const { state, steps } = plan;
  const temporary = `${TEMPORARY_PREFIX}${table}`;

  // Renames as SQLite does them, then the columns are where the new definition expects them.
  const renames: { from: string; to: string }[] = [];
  for (const step of steps) {
    if (step.step !== "renameColumn") continue;
    renames.push(step);
    await run(db, db.schema.alterTable(table).renameColumn(step.from, step.to), table);
  }
  const live = (source: string) => renames.reduce((name, r) => (name === r.from ? r.to : name), source);

  // The AUTOINCREMENT counter, kept where it was (sqlite_sequence exists once such a table was made).
  const counted =
    current.columns.some((c) => c.autoIncrement) &&
    state.columns.some((c) => c.autoIncrement) &&
    (await run(db, sql`select 1 from sqlite_master where name = 'sqlite_sequence'`)).rows.length > 0;
  const sequence = counted
    ? ((await run(db, sql`select seq from sqlite_sequence where name = ${table}`)).rows[0]?.seq as number | undefined)
    : undefined;
  const triggers = (
    await run(db, sql`select sql from sqlite_master where type = 'trigger' and tbl_name = ${table} and sql is not null`)
  ).rows.map((row: { sql: string }) => row.sql);

  await run(db, createTableQuery(db, profile, state, temporary), table);
  const copied = state.columns.filter((c) => c.source !== undefined);
  if (copied.length > 0) {
    const into = sql.join(copied.map((c) => sql.id(c.name)));
    const from = sql.join(copied.map((c) => sql.id(live(c.source!))));
    await run(db, sql`insert into ${sql.table(temporary)} (${into}) select ${from} from ${sql.table(table)}`, table);
  }
  await run(db, db.schema.dropTable(table));
  const legacy = Number((await run(db, sql`pragma legacy_alter_table`)).rows[0]?.legacy_alter_table ?? 0);
  await run(db, sql`pragma legacy_alter_table = on`);
  await run(db, db.schema.alterTable(temporary).renameTo(table));
  await run(db, sql`pragma legacy_alter_table = ${sql.raw(legacy === 1 ? "on" : "off")}`);
  for (const index of createdIndexes(state)) await run(db, createIndexQuery(db, table, index), table);
  for (const trigger of triggers) await run(db, sql.raw(trigger), table);
  if (sequence !== undefined) {
    // Ids handed out before the rebuild are not handed out again.
    await run(db, sql`update sqlite_sequence set seq = max(seq, ${sequence}) where name = ${table}`);
    await run(
      db,
      sql`insert into sqlite_sequence (name, seq) select ${table}, ${sequence} where not exists (select 1 from sqlite_sequence where name = ${table})`,
    );
  }
  if (!check) return;
  const { rows } = await run(db, sql`pragma foreign_key_check`);
  if (rows.length > 0) {
    const broken = rows.map(
      (r: { table: string; rowid: unknown; parent: string }) => `${r.table} row ${r.rowid} -> ${r.parent}`,
    );
    throw new ForeignKeyConstraintError(
      `Rebuilding "${table}" would leave rows without the row their foreign key references (${broken.slice(0, 5).join("; ")}${broken.length > 5 ? `; ${broken.length - 5} more` : ""}); nothing was changed.`,
      undefined,
      table,
      undefined,
    );
  }
}
