import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import {
  ConnectionError,
  createDb,
  DatabaseError,
  defineSchema,
  id,
  model,
  QueryTimeoutError,
  RelataError,
  string,
} from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { caught } from "../support/caught.js";
import { deferred } from "../support/deferred.js";
import { availableDialects } from "../support/dialects.js";
import { connectionId } from "../support/server-admin.js";
import { dialect, useTestDb } from "../support/test-db.js";

const notes = defineSchema({ note: model({ table: "conn_notes", fields: { id: id(), body: string() } }) });

/** The server URL of this run, with `change` applied (port, user, password or database). */
function serverUrl(change: (url: URL) => void): string {
  const url = new URL(availableDialects().find((d) => d.name === dialect)!.url);
  change(url);
  return url.toString();
}

/** Runs SQL on a connection of its own (not relata's pool): ends other sessions, reads server state. */
async function admin<T = Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  if (dialect === "postgres") {
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(text)).rows as T[];
    } finally {
      await client.end();
    }
  }
  const mysql = await import("mysql2/promise");
  const connection = await mysql.createConnection({ uri: url });
  try {
    return (await connection.query(text))[0] as T[];
  } finally {
    await connection.end();
  }
}

/** Ends every connection relata's pool holds to this test's database (`pg_terminate_backend` / `KILL`). */
async function terminatePool(url: string, ids: readonly number[]): Promise<void> {
  for (const connection of ids) {
    await admin(url, dialect === "postgres" ? `select pg_terminate_backend(${connection})` : `kill ${connection}`);
  }
}

describe(`connection errors on ${dialect}`, () => {
  describe.skipIf(dialect === "sqlite")("connecting", () => {
    it("a refused connection is a ConnectionError carrying the driver's error", async () => {
      const db = createDb({ schema: notes, url: serverUrl((u) => (u.port = "1")) });
      try {
        const error = await caught(() => db.note.count());
        expect(error).toBeInstanceOf(ConnectionError);
        expect((error as ConnectionError).cause).toBeDefined();
      } finally {
        await db.destroy();
      }
    });

    it("an unknown database is a ConnectionError", async () => {
      const db = createDb({ schema: notes, url: serverUrl((u) => (u.pathname = "/relata_no_such_database")) });
      try {
        expect(await caught(() => db.note.count())).toBeInstanceOf(ConnectionError);
      } finally {
        await db.destroy();
      }
    });

    it("rejected credentials are a ConnectionError", async () => {
      const url = serverUrl((u) => {
        if (dialect === "postgres") u.username = "relata_no_such_role";
        else u.password = "relata-wrong-password";
      });
      const db = createDb({ schema: notes, url });
      try {
        expect(await caught(() => db.note.count())).toBeInstanceOf(ConnectionError);
      } finally {
        await db.destroy();
      }
    });
  });

  it.runIf(dialect === "sqlite")("a SQLite file that cannot be opened is a ConnectionError", async () => {
    const db = createDb({ schema: notes, url: "sqlite:/relata-no-such-directory/app.db" });
    expect(await caught(() => db.note.count())).toBeInstanceOf(ConnectionError);
  });

  describe("a query on a table the database does not have", () => {
    const t = useTestDb(notes, { push: false });
    it("is a DatabaseError with the driver's code, not the raw driver error", async () => {
      const error = await caught(() => t.db.note.count());
      expect(error).toBeInstanceOf(DatabaseError);
      expect((error as DatabaseError).code).toBeDefined();
      expect((error as DatabaseError).cause).toBeDefined();
    });
  });

  describe("createDb options", () => {
    it("an unknown option is a RelataError listing the valid ones", () => {
      expect(() => createDb({ schema: notes, url: "sqlite::memory:", poolSize: 3 } as never)).toThrow(
        /Unknown createDb option "poolSize".*Valid options: schema, models, url/,
      );
    });

    it("pool options on SQLite are rejected (one connection), not ignored", () => {
      expect(() => createDb({ schema: notes, url: "sqlite::memory:", pool: { max: 3 } })).toThrow(RelataError);
      expect(() => createDb({ schema: notes, url: "sqlite::memory:", pool: { max: 3 } })).toThrow(/SQLite/);
    });

    it("an unknown or invalid pool option is rejected", () => {
      const url = "postgres://root@127.0.0.1:5432/test";
      expect(() => createDb({ schema: notes, url, pool: { size: 3 } as never })).toThrow(/Unknown pool option "size"/);
      expect(() => createDb({ schema: notes, url, pool: { max: 0 } })).toThrow(/positive integer/);
      expect(() => createDb({ schema: notes, url: `${url}?max=lots` })).toThrow(/positive integer/);
    });
  });

  describe.skipIf(dialect === "sqlite")("the pool", () => {
    const t = useTestDb(notes);

    it("max in the URL limits the connections the pool opens", async () => {
      const url = `${t.url}${t.url.includes("?") ? "&" : "?"}max=2`;
      const db = createDb({ schema: notes, url });
      try {
        const sleep = dialect === "postgres" ? "pg_sleep(0.1)" : "sleep(0.1)";
        const ids = await Promise.all(
          Array.from({ length: 8 }, () =>
            db.transaction(async (tx) => {
              const id = await connectionId(tx.kysely);
              await sql.raw(`select ${sleep}`).execute(tx.kysely);
              return id;
            }),
          ),
        );
        expect(new Set(ids).size).toBeLessThanOrEqual(2);
      } finally {
        await db.destroy();
      }
    });

    it("a statement past statementTimeoutMillis is a QueryTimeoutError and the pool goes on", async () => {
      const db = createDb({ schema: notes, url: t.url, pool: { statementTimeoutMillis: 200 } });
      const holder = createDb({ schema: notes, url: t.url });
      try {
        await db.note.create({ body: "held" });
        const { promise: unlocked, resolve: unlock } = deferred();
        const { promise: isLocked, resolve: locked } = deferred();
        // Another transaction holds the row; an update of it waits, past the timeout.
        const holding = holder.transaction(async (tx) => {
          await tx.note.where("body", "held").update({ body: "held" });
          locked();
          await unlocked;
        });
        await isLocked;
        const error = await caught(() => db.note.where("body", "held").update({ body: "changed" }));
        unlock();
        await holding;
        expect(error).toBeInstanceOf(QueryTimeoutError);
        expect(await db.note.count()).toBe(1);
      } finally {
        await db.destroy();
        await holder.destroy();
      }
    });

    it("an idle pooled connection ended by the server does not crash the process; the next query works", async () => {
      const db = createDb({ schema: notes, url: t.url });
      try {
        const ids = await Promise.all(
          [1, 2, 3].map(() =>
            db.transaction(async (tx) => {
              const id = await connectionId(tx.kysely);
              await new Promise((resolve) => setTimeout(resolve, 20));
              return id;
            }),
          ),
        );
        await terminatePool(t.url, [...new Set(ids)]);
        await new Promise((resolve) => setTimeout(resolve, 200));
        await db.note.create({ body: "after" });
        expect(await db.note.where("body", "after").count()).toBe(1);
      } finally {
        await db.destroy();
      }
    });

    it("a connection ended mid-transaction fails that transaction with a ConnectionError, leaves nothing, and the next query works", async () => {
      const db = createDb({ schema: notes, url: t.url });
      try {
        const before = await db.note.count();
        const error = await caught(() =>
          db.transaction(async (tx) => {
            await tx.note.create({ body: "partial" });
            await terminatePool(t.url, [await connectionId(tx.kysely)]);
            await new Promise((resolve) => setTimeout(resolve, 100));
            await tx.note.create({ body: "never" });
          }),
        );
        expect(error).toBeInstanceOf(ConnectionError);
        expect((error as ConnectionError).cause).toBeDefined();
        expect(await db.note.count()).toBe(before);
        expect(await db.note.where("body", "partial").count()).toBe(0);
      } finally {
        await db.destroy();
      }
    });
  });

  it("a query after destroy() is a ConnectionError", async () => {
    const db = createDb({ schema: blog, url: availableDialects().find((d) => d.name === dialect)!.url });
    await db.destroy();
    expect(await caught(() => db.user.count())).toBeInstanceOf(ConnectionError);
  });
});
