import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { mysqlProfile } from "../../src/dialect/mysql.js";
import { postgresProfile } from "../../src/dialect/postgres.js";
import type { DialectProfile } from "../../src/dialect/profile.js";
import { sqliteProfile } from "../../src/dialect/sqlite.js";
import {
  belongsTo,
  defineSchema,
  hasMany,
  id,
  integer,
  model,
  type RelationLoadStrategy,
  string,
  timestamp,
} from "../../src/index.js";
import { dialect, type PerDialect, useTestDb } from "../support/test-db.js";

/**
 * `timestamp({ withTimezone: false })`: a column without a time zone (SQLite text
 * `YYYY-MM-DD HH:MM:SS`, PostgreSQL `timestamp`, MySQL/MariaDB `datetime`) holding a UTC
 * wall-clock time. Whatever the process time zone, a Date is stored as its UTC wall time and
 * read back as the same instant on every read path (plain reads, eager loads under both
 * strategies, aggregates), and comparisons meet values other tools wrote in the database's own
 * format. Regressions: SQLite compared a bound `...T...Z` string with `YYYY-MM-DD HH:MM:SS` text
 * as text (wrong rows); pg read a `timestamp` column as local time under the "query" strategy
 * and as UTC under "join"; pg bound a Date as local time with an offset, which a `timestamp`
 * column drops.
 */

/** Zones where a UTC wall time read as local time is off: by whole hours (and DST), by half an hour. */
const ZONES = ["America/New_York", "Asia/Kolkata"];
const STRATEGIES: RelationLoadStrategy[] = ["query", "join"];

/** 03:04:05 UTC is the evening before in New York. */
const A = Date.UTC(2026, 0, 2, 3, 4, 5);
/** Milliseconds; past midnight in Kolkata. */
const B = Date.UTC(2026, 6, 1, 23, 30, 0, 678);
/** As a local wall time in New York this does not exist (the DST gap of 2026-03-08). */
const C = Date.UTC(2026, 2, 8, 2, 30, 0, 5);

const naive = () => timestamp({ withTimezone: false });

const calendar = defineSchema(
  {
    event: model({
      table: "events",
      fields: {
        id: id(),
        name: string(),
        at: naive(),
        seen: naive().nullable(),
        madeAt: naive().defaultNow(),
      },
      relations: { notes: hasMany("note") },
    }),
    note: model({
      table: "notes",
      fields: { id: id(), eventId: integer().references("event.id"), at: naive() },
      relations: { event: belongsTo("event") },
    }),
  },
  { casing: "snake_case" },
);

/** The same shape over tables another tool created, in each database's plainest naive type. */
const legacy = defineSchema(
  {
    log: model({
      table: "logs",
      fields: { id: id(), at: naive() },
      relations: { lines: hasMany("line") },
    }),
    line: model({
      table: "log_lines",
      fields: { id: id(), logId: integer(), at: naive() },
      relations: { log: belongsTo("log") },
    }),
  },
  { casing: "snake_case" },
);

const LEGACY_DDL: PerDialect<string[]> = {
  sqlite: [
    "create table logs (id integer primary key autoincrement, at text not null)",
    "create table log_lines (id integer primary key autoincrement, log_id integer not null, at text not null)",
  ],
  postgres: [
    "create table logs (id serial primary key, at timestamp not null)",
    "create table log_lines (id serial primary key, log_id integer not null, at timestamp(0) not null)",
  ],
  mysql: [
    "create table logs (id integer auto_increment primary key, at datetime not null)",
    "create table log_lines (id integer auto_increment primary key, log_id integer not null, at datetime not null)",
  ],
};

/** The column as the database holds it, as text. */
const stored = (column: string) =>
  sql.raw(
    ({ sqlite: column, postgres: `cast(${column} as text)`, mysql: `cast(${column} as char)` } as PerDialect<string>)[
      dialect
    ],
  );

const times = (rows: readonly { at: Date }[]) => rows.map((r) => r.at.getTime());

/** Runs a describe block's tests with `process.env.TZ` set to `zone`, restored afterwards. */
function inZone(zone: string): void {
  const saved = process.env.TZ;
  beforeAll(() => {
    process.env.TZ = zone;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });
}

describe.each(ZONES)(`timestamp({ withTimezone: false }) on ${dialect} with TZ=%s`, (zone) => {
  inZone(zone);
  const t = useTestDb(calendar);
  const events = () => t.db.event;

  beforeEach(() => t.truncate());

  it("runs in a zone where local and UTC wall times differ", () => {
    expect(new Date(A).getTimezoneOffset()).not.toBe(0);
    expect(new Date(A).getHours()).not.toBe(new Date(A).getUTCHours());
  });

  it("push() creates a column without a time zone", async () => {
    const query: PerDialect<ReturnType<typeof sql<{ type: string }>>> = {
      sqlite: sql`select type from pragma_table_info('events') where name = 'at'`,
      postgres: sql`select data_type as type from information_schema.columns
        where table_schema = current_schema() and table_name = 'events' and column_name = 'at'`,
      mysql: sql`select column_type as type from information_schema.columns
        where table_schema = database() and table_name = 'events' and column_name = 'at'`,
    };
    const { rows } = await query[dialect].execute(t.db.kysely);
    const expected: PerDialect<string> = {
      sqlite: "text",
      postgres: "timestamp without time zone",
      mysql: "datetime(3)",
    };
    expect(String(rows[0]?.type).toLowerCase()).toBe(expected[dialect]);
  });

  it("stores a Date as its UTC wall-clock time, milliseconds only where the column shows them", async () => {
    await events().create({ name: "a", at: new Date(A), seen: new Date(B) });
    const { rows } = await sql<{ at: string; seen: string }>`select ${stored("at")} as at, ${stored("seen")} as seen
      from events`.execute(t.db.kysely);
    const expected: PerDialect<[string, string]> = {
      sqlite: ["2026-01-02 03:04:05", "2026-07-01 23:30:00.678"],
      postgres: ["2026-01-02 03:04:05", "2026-07-01 23:30:00.678"],
      mysql: ["2026-01-02 03:04:05.000", "2026-07-01 23:30:00.678"],
    };
    expect([rows[0]?.at, rows[0]?.seen]).toEqual(expected[dialect]);
  });

  it("reads back the same instant through create, find, first and get", async () => {
    const created = await events().create({ name: "a", at: new Date(A), seen: new Date(B) });
    await events().create({ name: "c", at: new Date(C) });
    expect([created.at.getTime(), created.seen?.getTime()]).toEqual([A, B]);
    const found = await events().find(created.id);
    expect([found?.at.getTime(), found?.seen?.getTime()]).toEqual([A, B]);
    const first = await events().where("name", "c").first();
    expect([first?.at.getTime(), first?.seen]).toEqual([C, null]);
    expect(times(await events().orderBy("at").get())).toEqual([A, C]);
  });

  it("updates write the UTC wall time too", async () => {
    const e = await events().create({ name: "a", at: new Date(A) });
    await events()
      .where("id", e.id)
      .update({ at: new Date(C), seen: new Date(B) });
    const found = await events().find(e.id);
    expect([found?.at.getTime(), found?.seen?.getTime()]).toEqual([C, B]);
  });

  describe.each(STRATEGIES)("eager loads and aggregates (%s strategy)", (strategy) => {
    it("hasMany and belongsTo rows read the same instants", async () => {
      const e = await events().create({ name: "a", at: new Date(A), seen: new Date(B) });
      await t.db.note.create({ eventId: e.id, at: new Date(B) });
      await t.db.note.create({ eventId: e.id, at: new Date(C) });
      const [loaded] = await events()
        .with("notes", (q) => q.orderBy("at"))
        .strategy(strategy)
        .get();
      expect(times(loaded!.notes)).toEqual([C, B]);
      const notes = await t.db.note.with("event").orderBy("at").strategy(strategy).get();
      expect(notes.map((n) => [n.at.getTime(), n.event?.at.getTime(), n.event?.seen?.getTime()])).toEqual([
        [C, A, B],
        [B, A, B],
      ]);
    });

    it("withMax / withMin keep the instant, at the top level and inside an eager load", async () => {
      const e = await events().create({ name: "a", at: new Date(A) });
      await t.db.note.create({ eventId: e.id, at: new Date(B) });
      await t.db.note.create({ eventId: e.id, at: new Date(C) });
      const [top] = await events().withMax("notes", "at").withMin("notes", "at").strategy(strategy).get();
      expect([top?.notesMaxAt?.getTime(), top?.notesMinAt?.getTime()]).toEqual([B, C]);
      const [note] = await t.db.note
        .with("event", (q) => q.withMax("notes", "at").withMin("notes", "at"))
        .limit(1)
        .strategy(strategy)
        .get();
      expect([note?.event?.notesMaxAt?.getTime(), note?.event?.notesMinAt?.getTime()]).toEqual([B, C]);
    });

    it("an eager load's where compares in the stored format", async () => {
      const e = await events().create({ name: "a", at: new Date(A) });
      await t.db.note.create({ eventId: e.id, at: new Date(A) });
      await t.db.note.create({ eventId: e.id, at: new Date(B) });
      await sql`insert into notes (event_id, at) values (${e.id}, '2026-01-02 03:04:05')`.execute(t.db.kysely);
      const [loaded] = await events()
        .with("notes", (q) => q.where("at", ">=", new Date(A)).orderBy("id"))
        .strategy(strategy)
        .get();
      expect(times(loaded!.notes)).toEqual([A, B, A]);
    });
  });

  describe("comparisons meet rows written by SQL in the database's own format", () => {
    beforeEach(async () => {
      await events().create({ name: "mine", at: new Date(A) });
      await events().create({ name: "ms", at: new Date(B) });
      await sql`insert into events (name, at, made_at) values
        ('raw', '2026-01-02 03:04:05', '2026-01-02 03:04:05'),
        ('raw-later', '2026-01-02 03:04:06', '2026-01-02 03:04:05')`.execute(t.db.kysely);
    });

    const names = async (q: { orderBy(f: "id"): { get(): Promise<readonly { name: string }[]> } }) =>
      (await q.orderBy("id").get()).map((r) => r.name);

    it("reads SQL-written values as UTC wall times", async () => {
      const raw = await events().where("name", "raw").first();
      expect([raw?.at.getTime(), raw?.madeAt.getTime()]).toEqual([A, A]);
    });

    it("where = / > / >= / < / <= with a Date", async () => {
      expect(await names(events().where("at", "=", new Date(A)))).toEqual(["mine", "raw"]);
      expect(await names(events().where("at", ">", new Date(A)))).toEqual(["ms", "raw-later"]);
      expect(await names(events().where("at", ">=", new Date(A)))).toEqual(["mine", "ms", "raw", "raw-later"]);
      expect(await names(events().where("at", "<", new Date(A + 1000)))).toEqual(["mine", "raw"]);
      expect(await names(events().where("at", "<=", new Date(A + 1000)))).toEqual(["mine", "raw", "raw-later"]);
      expect(await names(events().where("at", ">", new Date(B - 1)))).toEqual(["ms"]);
      expect(await names(events().where("at", "<", new Date(B)))).toEqual(["mine", "raw", "raw-later"]);
      expect(await names(events().where("at", "!=", new Date(A)))).toEqual(["ms", "raw-later"]);
    });

    it("whereBetween, whereNotBetween and whereIn", async () => {
      expect(await names(events().whereBetween("at", [new Date(A), new Date(A)]))).toEqual(["mine", "raw"]);
      expect(await names(events().whereBetween("at", [new Date(A + 1), new Date(B)]))).toEqual(["ms", "raw-later"]);
      expect(await names(events().whereNotBetween("at", [new Date(A), new Date(A + 1000)]))).toEqual(["ms"]);
      expect(await names(events().whereIn("at", [new Date(A), new Date(B)]))).toEqual(["mine", "ms", "raw"]);
    });

    it("a string without a zone is a UTC wall time; one with a zone is that instant", async () => {
      // The types ask for a Date; validation takes an ISO-8601 string as well.
      const iso = (text: string) => text as unknown as Date;
      expect(await names(events().where("at", "=", iso("2026-01-02 03:04:05")))).toEqual(["mine", "raw"]);
      expect(await names(events().where("at", "=", iso("2026-01-02T03:04:05")))).toEqual(["mine", "raw"]);
      expect(await names(events().where("at", "=", iso("2026-01-01T22:04:05-05:00")))).toEqual(["mine", "raw"]);
      expect(await names(events().where("at", ">", iso("2026-07-01T23:30:00.677Z")))).toEqual(["ms"]);
      const e = await events().create({ name: "text", at: iso("2026-03-08 02:30:00.005") });
      expect((await events().find(e.id))?.at.getTime()).toBe(C);
    });
  });

  it("the dialect's DDL default for defaultNow() writes the UTC wall time in the stored format", async () => {
    const profile = (
      { sqlite: sqliteProfile, postgres: postgresProfile, mysql: mysqlProfile } as PerDialect<DialectProfile>
    )[dialect];
    const config = calendar.model("event").fields.get("madeAt")!.config;
    const expression = profile.defaultNow(config)!;
    await t.db.kysely.schema
      .createTable("stamps")
      .addColumn("id", "integer", (c) => c.primaryKey())
      .addColumn("at", sql.raw(profile.columnType(config)), (c) => c.notNull().defaultTo(expression))
      .execute();
    try {
      const before = Date.now();
      await t.db.kysely.transaction().execute(async (trx) => {
        // PostgreSQL's CURRENT_TIMESTAMP would turn into the session's wall time.
        if (dialect === "postgres") await sql`set local time zone 'Asia/Kolkata'`.execute(trx);
        await sql`insert into stamps (id) values (1)`.execute(trx);
      });
      const after = Date.now();
      const { rows } = await sql<{ at: string }>`select ${stored("at")} as at from stamps`.execute(t.db.kysely);
      const text = rows[0]!.at;
      expect(text).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/);
      if (dialect === "sqlite") expect(text).not.toMatch(/\.000$/);
      // The database's clock and the column's precision: within a second of this process's clock.
      const time = Date.parse(`${text.replace(" ", "T")}Z`);
      expect(time).toBeGreaterThanOrEqual(before - 1000);
      expect(time).toBeLessThanOrEqual(after + 1000);
    } finally {
      await t.db.kysely.schema.dropTable("stamps").execute();
    }
  });

  it("defaultNow() fills the current instant, read back unchanged", async () => {
    const before = Date.now();
    const e = await events().create({ name: "now", at: new Date(A) });
    const after = Date.now();
    expect(e.madeAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(e.madeAt.getTime()).toBeLessThanOrEqual(after);
    expect((await events().find(e.id))?.madeAt.getTime()).toBe(e.madeAt.getTime());
    expect(await events().where("madeAt", "=", e.madeAt).count()).toBe(1);
  });
});

describe.each(ZONES)(`timestamp({ withTimezone: false }) over tables SQL created, on ${dialect} with TZ=%s`, (zone) => {
  inZone(zone);
  const t = useTestDb(legacy, { push: false });

  beforeAll(async () => {
    for (const statement of LEGACY_DDL[dialect]) await sql.raw(statement).execute(t.db.kysely);
    await sql`insert into logs (at) values ('2026-01-02 03:04:05'), ('2026-07-01 23:30:00')`.execute(t.db.kysely);
    await sql`insert into log_lines (log_id, at) values (1, '2026-01-02 03:04:05'), (1, '2026-03-08 02:30:00'),
      (2, '2026-07-01 23:30:00')`.execute(t.db.kysely);
  });

  const D = Date.UTC(2026, 6, 1, 23, 30);
  const E = Date.UTC(2026, 2, 8, 2, 30);

  it.each(STRATEGIES)("reads the values as UTC wall times, eager loads included (%s strategy)", async (strategy) => {
    const logs = await t.db.log
      .with("lines", (q) => q.orderBy("id"))
      .withMax("lines", "at")
      .orderBy("id")
      .strategy(strategy)
      .get();
    expect(logs.map((l) => [l.at.getTime(), times(l.lines), l.linesMaxAt?.getTime()])).toEqual([
      [A, [A, E], E],
      [D, [D], D],
    ]);
    const lines = await t.db.line
      .with("log", (q) => q.withMax("lines", "at"))
      .orderBy("id")
      .strategy(strategy)
      .get();
    expect(lines.map((l) => [l.at.getTime(), l.log?.at.getTime(), l.log?.linesMaxAt?.getTime()])).toEqual([
      [A, A, E],
      [E, A, E],
      [D, D, D],
    ]);
  });

  it("compares Dates with them", async () => {
    const ids = async (q: { orderBy(f: "id"): { get(): Promise<readonly { id: number }[]> } }) =>
      (await q.orderBy("id").get()).map((r) => r.id);
    expect(await ids(t.db.line.where("at", "=", new Date(A)))).toEqual([1]);
    expect(await ids(t.db.line.where("at", ">", new Date(A)))).toEqual([2, 3]);
    expect(await ids(t.db.line.whereBetween("at", [new Date(E), new Date(D)]))).toEqual([2, 3]);
    expect(await ids(t.db.line.where("at", "<", new Date(E)))).toEqual([1]);
  });

  it("writes in the same format the other rows have", async () => {
    const log = await t.db.log.create({ at: new Date(E) });
    const { rows } = await sql<{ at: string }>`select ${stored("at")} as at from logs where id = ${log.id}`.execute(
      t.db.kysely,
    );
    const expected: PerDialect<string> = {
      sqlite: "2026-03-08 02:30:00",
      postgres: "2026-03-08 02:30:00",
      mysql: "2026-03-08 02:30:00",
    };
    expect(rows[0]?.at).toBe(expected[dialect]);
    expect((await t.db.log.find(log.id))?.at.getTime()).toBe(E);
    await t.db.log.where("id", log.id).delete();
  });

  it.runIf(dialect === "sqlite")("reads SQLite text with a T separator or milliseconds", async () => {
    await sql`insert into logs (at) values ('2026-03-08T02:30:00'), ('2026-03-08 02:30:00.005')`.execute(t.db.kysely);
    const rows = await t.db.log.where("id", ">", 2).orderBy("id").get();
    expect(times(rows)).toEqual([E, C]);
    await t.db.log.where("id", ">", 2).delete();
  });
});
