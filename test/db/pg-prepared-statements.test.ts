import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { createDb, DatabaseError, defineSchema, id, model, RelataError, string } from "../../src/index.js";
import { caught } from "../support/caught.js";
import { dialect, useTestDb } from "../support/test-db.js";

const schema = defineSchema({
  note: model({ table: "prep_notes", fields: { id: id(), body: string() } }),
});

/** The URL with extra query parameters. */
const withParams = (url: string, params: string) => `${url}${url.includes("?") ? "&" : "?"}${params}`;

describe("prepared statements (statementCacheSize)", () => {
  it("must be a non-negative integer; MySQL/MariaDB rejects it rather than ignoring it", () => {
    const pg = "postgres://root@127.0.0.1:5432/test";
    expect(() => createDb({ schema, url: pg, pool: { statementCacheSize: -1 } })).toThrow(/non-negative integer/);
    expect(() => createDb({ schema, url: `${pg}?statementCacheSize=many` })).toThrow(/non-negative integer/);
    expect(() => createDb({ schema, url: pg, pool: { statementCacheSize: 0 } })).not.toThrow();
    const mysql = () => createDb({ schema, url: "mysql://root@127.0.0.1:3306/test", pool: { statementCacheSize: 10 } });
    expect(mysql).toThrow(RelataError);
    expect(mysql).toThrow(/statementCacheSize applies to PostgreSQL/);
  });
});

describe.skipIf(dialect !== "postgres")("prepared statements on PostgreSQL", () => {
  const t = useTestDb(schema);

  /** A db on one connection, so the server's pg_prepared_statements are that connection's. */
  const single = (params = "") => createDb({ schema, url: withParams(t.url, `max=1${params}`) });
  /** The connection's prepared statements, but the one reading them (prepared itself from its second run on). */
  const prepared = async (db: ReturnType<typeof single>) =>
    (
      await sql<{ statement: string }>`select statement from pg_prepared_statements order by prepare_time`.execute(
        db.kysely,
      )
    ).rows
      .map((r) => r.statement)
      .filter((text) => !text.includes("pg_prepared_statements"));

  it("a statement binding scalars is prepared under a name on its second run; a one-off or a long key list is not", async () => {
    const db = single();
    try {
      await db.note.create({ body: "a" });
      await db.note.where("body", "once").first();
      expect(await prepared(db)).toEqual([]);
      // A key list longer than a generic plan assumes (10) is planned for its length every run.
      const eleven = Array.from({ length: 11 }, (_, i) => i + 1);
      for (let i = 0; i < 3; i++) await db.note.whereIn("id", eleven).get();
      expect(await prepared(db)).toEqual([]);
      await db.note.where("id", 1).first();
      await db.note.where("id", 2).first();
      await db.note.where("id", 3).first();
      const statements = await prepared(db);
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatch(/from "prep_notes" where "prep_notes"\."id" = \$1/);
      // The named statement answers with this run's values.
      expect((await db.note.where("id", 1).first())?.body).toBe("a");
      expect(await db.note.where("id", 2).first()).toBeNull();
      // A short one is named: its statement only ever runs short lists.
      for (let i = 0; i < 2; i++) expect(await db.note.whereIn("id", [1, 2]).get()).toHaveLength(1);
      expect(await prepared(db)).toHaveLength(2);
    } finally {
      await db.destroy();
    }
  });

  it("statementCacheSize bounds the statements a connection names, and 0 names none", async () => {
    for (const [size, expected] of [
      [2, 2],
      [0, 0],
    ] as const) {
      const db = single(`&statementCacheSize=${size}`);
      try {
        for (let round = 0; round < 2; round++) {
          await db.note.where("id", 1).first();
          await db.note.where("body", "x").first();
          await db.note.where("id", ">", 1).count();
        }
        expect(await prepared(db)).toHaveLength(expected);
      } finally {
        await db.destroy();
      }
    }
  });

  // relata names the columns it reads, so a statement goes stale when a column it reads changes type.
  const widen = sql`alter table prep_notes alter column body type text`;
  const restore = sql`alter table prep_notes alter column body type varchar(255)`;

  it("a column changed by another connection: the stale statement is run again unnamed", async () => {
    const db = single();
    const other = createDb({ schema, url: t.url });
    try {
      await db.note.create({ body: "before" });
      for (let i = 0; i < 3; i++) await db.note.where("body", "before").first();
      expect(await prepared(db)).toHaveLength(1);
      await widen.execute(other.kysely);
      expect((await db.note.where("body", "before").first())?.body).toBe("before");
      // The next runs prepare it afresh.
      for (let i = 0; i < 2; i++) expect((await db.note.where("body", "before").first())?.body).toBe("before");
    } finally {
      await restore.execute(other.kysely);
      await db.destroy();
      await other.destroy();
    }
  });

  it("inside a transaction, a change by the same connection prepares afresh (no stale plan)", async () => {
    const db = single();
    try {
      for (let i = 0; i < 3; i++) await db.note.where("body", "before").first();
      const body = await db.transaction(async (tx) => {
        await widen.execute(tx.kysely);
        return (await tx.note.where("body", "before").first())?.body;
      });
      expect(body).toBe("before");
    } finally {
      await restore.execute(db.kysely);
      await db.destroy();
    }
  });

  it("inside a transaction, a change by another connection fails with the server's error, not a retry's", async () => {
    const db = single();
    const other = createDb({ schema, url: t.url });
    try {
      for (let i = 0; i < 3; i++) await db.note.where("body", "before").first();
      const error = await caught(() =>
        db.transaction(async (tx) => {
          await widen.execute(other.kysely);
          await tx.note.where("body", "before").first();
        }),
      );
      expect(error).toBeInstanceOf(DatabaseError);
      expect((error as Error).message).toMatch(/cached plan must not change result type/);
      // Outside it, the statement runs again.
      expect(await db.note.where("body", "before").first()).toBeDefined();
    } finally {
      await restore.execute(other.kysely);
      await db.destroy();
      await other.destroy();
    }
  });
});
