import { beforeEach, describe, expect, it, vi } from "vitest";
import { createDb, defineSchema, id, model, RelataError, string } from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { deferred } from "../support/deferred.js";
import { dialect, useTestDb } from "../support/test-db.js";

/**
 * SQLite opened from a URL runs a read on its cached statement directly while its one
 * connection is free (DirectSqliteDialect); PostgreSQL runs a SELECT outside a transaction on a
 * pooled connection without Kysely's executor (DirectPostgresDialect). What must not change:
 * every read is reported to onQuery (with its failure), a read from outside an open transaction
 * never runs inside it (on SQLite it waits for it), and a transaction's own reads see its writes.
 */
describe.runIf(dialect === "sqlite" || dialect === "postgres")(`direct reads on ${dialect}`, () => {
  const t = useTestDb(blog);

  beforeEach(async () => {
    await t.truncate();
    await t.db.user.createMany([
      { email: "a@example.dev", name: "A" },
      { email: "b@example.dev", name: "B" },
    ]);
  });

  it("runs a read outside a transaction without Kysely's executor, and a write through it", async () => {
    const executed = vi.spyOn(t.db.kysely, "executeQuery");
    try {
      expect(await t.db.user.count()).toBe(2);
      expect(executed).not.toHaveBeenCalled();
      await t.db.user.where("email", "a@example.dev").update({ name: "A2" });
      expect(executed).toHaveBeenCalledTimes(1);
    } finally {
      executed.mockRestore();
    }
  });

  it("reports every read to onQuery with its SQL, parameters and duration", async () => {
    t.queries.length = 0;
    const user = await t.db.user.where("email", "b@example.dev").first();
    expect(user?.name).toBe("B");
    expect(t.queries).toHaveLength(1);
    const [event] = t.queries;
    const placeholder = dialect === "postgres" ? "\\$1" : "\\?";
    expect(event!.sql).toMatch(new RegExp(`^select .* from "users" where "users"\\."email" = ${placeholder} limit 1$`));
    expect(event!.params).toEqual(["b@example.dev"]);
    expect(event!.durationMs).toBeGreaterThanOrEqual(0);
    expect(event!.error).toBeUndefined();
  });

  it.runIf(dialect === "sqlite")(
    "a read from outside an open transaction waits for it, and does not see what it rolls back",
    async () => {
      const { promise: gate, resolve: release } = deferred();
      const { promise: didInsert, resolve: inserted } = deferred();
      const transaction = t.db
        .transaction(async (tx) => {
          await tx.user.create({ email: "c@example.dev", name: "C" });
          // Inside the transaction its own read sees the row.
          expect(await tx.user.count()).toBe(3);
          inserted();
          await gate;
          throw new Error("roll back");
        })
        .catch((error: Error) => error.message);
      await didInsert;
      let settled = false;
      const outside = t.db.user.count().then((count) => {
        settled = true;
        return count;
      });
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(settled).toBe(false);
      release();
      expect(await transaction).toBe("roll back");
      expect(await outside).toBe(2);
    },
  );

  it.runIf(dialect === "postgres")("a read from outside an open transaction does not see its rows", async () => {
    const { promise: gate, resolve: release } = deferred();
    const { promise: didInsert, resolve: inserted } = deferred();
    const executed = vi.spyOn(t.db.kysely, "executeQuery");
    const transaction = t.db.transaction(async (tx) => {
      await tx.user.create({ email: "c@example.dev", name: "C" });
      expect(await tx.user.count()).toBe(3);
      inserted();
      await gate;
    });
    try {
      await didInsert;
      executed.mockClear();
      expect(await t.db.user.count()).toBe(2);
      expect(executed).not.toHaveBeenCalled();
    } finally {
      executed.mockRestore();
      release();
      await transaction;
    }
    expect(await t.db.user.count()).toBe(3);
  });

  it("a failing read is reported with its error, and thrown as relata's error", async () => {
    const missing = defineSchema({ ghost: model({ table: "ghosts", fields: { id: id(), name: string() } }) });
    const events: { sql: string; error?: unknown }[] = [];
    const db = createDb({ schema: missing, url: t.url, onQuery: (event) => events.push(event) });
    try {
      // PostgreSQL: the pool opens on Kysely's first statement; direct reads start after it.
      if (dialect === "postgres") await db.kysely.selectNoFrom((eb) => eb.lit(1).as("one")).execute();
      events.length = 0;
      const error = await db.ghost.get().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RelataError);
      expect(events).toHaveLength(1);
      expect(events[0]!.sql).toMatch(/from "ghosts"/);
      expect(String(events[0]!.error)).toMatch(/no such table: ghosts|relation "ghosts" does not exist/);
    } finally {
      await db.destroy();
    }
  });
});
