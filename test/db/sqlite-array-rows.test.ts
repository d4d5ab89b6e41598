import Database from "better-sqlite3";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { withArrayRows } from "../../src/dialect/sqlite.js";
import { createDb, defineSchema, id, model, string } from "../../src/index.js";
import { dialect } from "../support/test-db.js";

/**
 * On SQLite relata reads a statement's rows as value arrays and makes the objects itself
 * (withArrayRows). What must not change: the objects are better-sqlite3's own, name for name,
 * through a direct read, a transaction and raw Kysely; a `*` read follows a table's columns
 * as they change.
 */
describe.runIf(dialect === "sqlite")("SQLite rows made from value arrays", () => {
  const schema = defineSchema({
    user: model({ table: "users", fields: { id: id(), name: string(), email: string() } }),
  });
  let db: ReturnType<typeof createDb<typeof schema>> | undefined;
  afterEach(async () => {
    await db?.destroy();
    db = undefined;
  });

  const open = async () => {
    db = createDb({ schema, url: "sqlite::memory:" });
    await sql`create table users (id integer primary key, name text not null, email text not null)`.execute(db.kysely);
    await db.user.createMany([
      { name: "A", email: "a@example.dev" },
      { name: "B", email: "b@example.dev" },
    ]);
    return db;
  };

  it("reads the same objects as better-sqlite3 for every statement shape", () => {
    const plain = new Database(":memory:");
    const arrays = withArrayRows(new Database(":memory:") as never);
    const statements = [
      "create table t (id integer primary key, a text, b real, c blob)",
      "insert into t (a, b, c) values ('x', 1.5, x'00ff'), (null, null, null)",
    ];
    for (const text of statements) {
      plain.prepare(text).run();
      arrays.prepare(text).run([]);
    }
    const reads = [
      "select id, a, b, c from t order by id",
      // A repeated name keeps its last value, as better-sqlite3's objects do.
      "select 1 as a, 2 as a, 'z' as b",
      'select t.a as "t.a", count(*) as "count(*)" from t group by t.a order by t.a',
      "select * from t order by id",
      "select id from t where 0",
    ];
    for (const text of reads) {
      const expected = plain.prepare(text).all();
      const read = arrays.prepare(text).all([]);
      expect(read).toEqual(expected);
      expect(read.map((row) => Object.keys(row as object))).toEqual(expected.map((row) => Object.keys(row as object)));
    }
    plain.close();
    arrays.close();
  });

  it("reads a SELECT of typed table columns as one JSON text, with better-sqlite3's values", () => {
    const plain = new Database(":memory:");
    const inner = new Database(":memory:");
    const prepared: string[] = [];
    let jsonRuns = 0;
    const arrays = withArrayRows({
      prepare: (text: string) => {
        prepared.push(text);
        const statement = inner.prepare(text);
        if (text.includes("json_group_array")) {
          const all = statement.all.bind(statement);
          statement.all = (...args: unknown[]) => {
            jsonRuns++;
            return all(...args);
          };
        }
        return statement;
      },
      close: () => inner.close(),
    } as never);
    const statements = [
      "create table v (id integer primary key, n integer, r real, t text, m numeric, b blob)",
      `insert into v (n, r, t, m) values (9007199254740993, 0.1 + 0.2, 'quote " and \\ and
newline', 1.0), (-5, 1e300, '\u00e9\u{1F600}', 2.5), (0, 5e-324, '', null), (null, -0.0, null, 'x')`,
    ];
    for (const text of statements) {
      plain.prepare(text).run();
      arrays.prepare(text).run([]);
    }
    const json = (text: string) => prepared.some((p) => p.includes(`from (${text})`) && p.includes("json_group_array"));
    const same = (text: string) => {
      const expected = plain.prepare(text).all() as Record<string, unknown>[];
      const read = arrays.prepare(text).all([]) as Record<string, unknown>[];
      expect(read).toEqual(expected);
      expected.forEach((row, i) => {
        // Primitives the very same (-0 is not 0); a Buffer equal above.
        for (const [key, value] of Object.entries(row)) {
          if (typeof value !== "object")
            expect(Object.is(read[i]![key], value), `${text}: row ${i}, ${key}`).toBe(true);
        }
      });
    };
    same("select id, n, r, t, m from v order by id");
    expect(json("select id, n, r, t, m from v order by id")).toBe(true);
    same("select id, n from v where id > 10 order by id");
    expect(json("select id, n from v where id > 10 order by id")).toBe(true);
    // Not as JSON: a BLOB column, an expression, a LIMIT (a few rows read faster as rows).
    for (const text of [
      "select id, b from v order by id",
      "select id, n + 1 as k from v",
      "select id from v limit 2",
    ]) {
      same(text);
      expect(json(text)).toBe(false);
    }
    // A BLOB stored in a column declared otherwise reads as rows: x'00' is JSONB's null to json_array.
    plain.prepare("update v set t = x'00' where id = 2").run();
    arrays.prepare("update v set t = x'00' where id = 2").run([]);
    same("select id, n, r, t, m from v order by id");
    // After falling back, a statement reads rows straight away: no JSON statement run first.
    const kept = arrays.prepare("select id, t from v order by id");
    kept.all([]);
    const runs = jsonRuns;
    expect(runs).toBeGreaterThan(0);
    expect(kept.all([])).toEqual(plain.prepare("select id, t from v order by id").all());
    expect(jsonRuns).toBe(runs);
    plain.close();
    arrays.close();
  });

  it("reads a model's rows alike outside and inside a transaction, statement after statement", async () => {
    const db = await open();
    const outside = await db.user.orderBy("id").get();
    expect(outside).toEqual([
      { id: 1, name: "A", email: "a@example.dev" },
      { id: 2, name: "B", email: "b@example.dev" },
    ]);
    // The same statement again (its names read once), and in a transaction (Kysely's driver).
    expect(await db.user.orderBy("id").get()).toEqual(outside);
    expect(await db.transaction((tx) => tx.user.orderBy("id").get())).toEqual(outside);
    expect(await db.user.where("id", 99).first()).toBeNull();
  });

  it("follows a table's columns through `select *` as they are added and renamed", async () => {
    const db = await open();
    const star = sql<Record<string, unknown>>`select * from users order by id`;
    expect((await star.execute(db.kysely)).rows[0]).toEqual({ id: 1, name: "A", email: "a@example.dev" });
    await sql`alter table users add column bio text`.execute(db.kysely);
    expect((await star.execute(db.kysely)).rows[0]).toEqual({ id: 1, name: "A", email: "a@example.dev", bio: null });
    await sql`alter table users rename column bio to about`.execute(db.kysely);
    expect((await star.execute(db.kysely)).rows[0]).toEqual({ id: 1, name: "A", email: "a@example.dev", about: null });
    const named = sql<Record<string, unknown>>`select "users".* from users where id = ${2}`;
    expect((await named.execute(db.kysely)).rows).toEqual([{ id: 2, name: "B", email: "b@example.dev", about: null }]);
  });
});
