import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createDb,
  type Db,
  defineSchema,
  id,
  integer,
  model,
  RelataError,
  string,
  TransactionError,
} from "../../src/index.js";
import { ownerOf, pause, ServerAdmin, within } from "../support/server-admin.js";
import { dialect, isolatedUrl, useTestDb } from "../support/test-db.js";

/**
 * Many transactions at once: each commits exactly its own writes or fails with a relata error
 * (a deadlock or serialization failure is retryable), the pool is closed completely by
 * destroy(), savepoints running side by side never lose a write they reported, and the outer
 * handle used inside its own transaction is refused instead of hanging.
 */
const ledger = defineSchema(
  {
    entry: model({
      table: "conc_entries",
      fields: { id: id(), batch: integer(), label: string(), amount: integer() },
    }),
    counter: model({ table: "conc_counters", fields: { id: id(), name: string().unique(), value: integer() } }),
  },
  { casing: "snake_case" },
);

const TRANSACTIONS = 200;

/** Runs `fn`, again while it fails with a retryable conflict (up to `attempts` times). */
async function retrying<T>(fn: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      // A deadlock or serialization failure (TransactionConflictError) says so with `retryable`.
      const retryable = error instanceof RelataError && (error as { retryable?: unknown }).retryable === true;
      if (!retryable || attempt >= attempts) throw error;
      await pause(5 * attempt);
    }
  }
}

/** Rejections that are not relata errors, described for a failure message. */
function foreign(results: PromiseSettledResult<unknown>[]): string[] {
  return results.flatMap((r) =>
    r.status === "rejected" && !(r.reason instanceof RelataError)
      ? [`${(r.reason as Error)?.constructor?.name}: ${(r.reason as Error)?.message ?? r.reason}`]
      : [],
  );
}

describe(`${TRANSACTIONS} concurrent transactions (${dialect})`, () => {
  let url = "";
  let drop = async () => {};
  let owner: ReturnType<typeof ownerOf>;
  let db: Db<typeof ledger>;

  beforeAll(async () => {
    // A database (MariaDB) or schema (PostgreSQL) of this describe's own, so its connections can be counted.
    ({ url, drop } = await isolatedUrl());
    owner = ownerOf(url);
    db = createDb({ schema: ledger, url: owner.url });
    await db.push();
  });
  afterAll(async () => {
    await db.destroy().catch(() => {});
    await drop();
  });

  it("each commits exactly the rows it wrote and read back, or fails with a relata error; the count is exact", async () => {
    const results = await within(
      60_000,
      `${TRANSACTIONS} transactions`,
      Promise.allSettled(
        Array.from({ length: TRANSACTIONS }, (_, batch) =>
          retrying(() =>
            db.transaction(async (tx) => {
              await tx.entry.create({ batch, label: `first ${batch}`, amount: 1 });
              await tx.entry.createMany([
                { batch, label: `second ${batch}`, amount: 2 },
                { batch, label: `third ${batch}`, amount: 3 },
              ]);
              const mine = await tx.entry.where("batch", batch).orderBy("id").get();
              if (mine.map((e) => e.amount).join() !== "1,2,3") {
                throw new Error(`transaction ${batch} read back ${JSON.stringify(mine)}`);
              }
              await tx.entry.where("batch", batch).where("amount", 3).update({ amount: 4 });
              return batch;
            }),
          ),
        ),
      ),
    );
    expect(foreign(results)).toEqual([]);
    const committed = results.filter((r) => r.status === "fulfilled").length;
    expect(committed).toBeGreaterThan(0);
    expect(await db.entry.count()).toBe(committed * 3);
    expect(await db.entry.where("amount", 4).count()).toBe(committed);
    expect(await db.entry.where("amount", 3).count()).toBe(0);
  });

  it("read-modify-write on one row under contention never loses an update", async () => {
    await db.counter.create({ name: "hits", value: 0 });
    const results = await within(
      60_000,
      "contended transactions",
      Promise.allSettled(
        Array.from({ length: 50 }, () =>
          retrying(
            () =>
              db.transaction(async (tx) => {
                const row = await tx.counter.where("name", "hits").firstOrFail();
                const changed = await tx.counter
                  .where("id", row.id)
                  .where("value", row.value)
                  .update({ value: row.value + 1 });
                // A lost race (another transaction changed the row first) updates nothing.
                if (changed === 0) throw new Error(`lost race at ${row.value}`);
                expect(changed).toBe(1);
              }),
            1,
          ).catch(async (error) => {
            if (error instanceof Error && error.message.startsWith("lost race")) return "lost";
            throw error;
          }),
        ),
      ),
    );
    expect(foreign(results)).toEqual([]);
    const applied = results.filter((r) => r.status === "fulfilled" && r.value !== "lost").length;
    expect((await db.counter.where("name", "hits").firstOrFail()).value).toBe(applied);
  });

  it.skipIf(dialect === "sqlite")("after destroy() no connection of the pool remains on the server", async () => {
    const admin = await ServerAdmin.open(url);
    try {
      await Promise.all(Array.from({ length: 20 }, () => db.transaction((tx) => tx.entry.count())));
      expect((await admin.connections(owner)).length).toBeGreaterThan(0);
      await db.destroy();
      let left = await admin.connections(owner);
      for (let i = 0; i < 50 && left.length > 0; i++) {
        await pause(50);
        left = await admin.connections(owner);
      }
      expect(left, "server connections still open after destroy()").toEqual([]);
    } finally {
      await admin.close();
      db = createDb({ schema: ledger, url: owner.url });
    }
  });
});

describe(`sibling savepoints and the outer handle inside a transaction (${dialect})`, () => {
  const t = useTestDb(ledger);
  beforeEach(() => t.truncate());

  const labels = async () => (await t.db.entry.orderBy("label").pluck("label")) as string[];
  const boom = () => new Error("boom");

  /**
   * Two savepoints at once in one transaction, one of which throws after `delay` ms: whatever
   * each reported, a savepoint that resolved keeps its rows after the commit. A rejection is
   * the savepoint's own error or a TransactionError.
   */
  for (const delay of [0, 1, 5, 20]) {
    it(`Promise.allSettled: a savepoint that succeeded keeps its rows when its sibling throws (throw after ${delay} ms)`, async () => {
      let settled: PromiseSettledResult<unknown>[] = [];
      const outer = await within(
        10_000,
        "the transaction",
        t.db
          .transaction(async (tx) => {
            settled = await Promise.allSettled([
              tx.transaction(async (sp) => {
                await sp.entry.create({ batch: 1, label: "kept a", amount: 1 });
                await pause(delay);
                await sp.entry.create({ batch: 1, label: "kept b", amount: 2 });
              }),
              tx.transaction(async (sp) => {
                await sp.entry.create({ batch: 2, label: "thrown", amount: 3 });
                await pause(delay);
                throw boom();
              }),
            ]);
            await tx.entry.create({ batch: 3, label: "outer", amount: 4 });
          })
          .then(
            () => "committed",
            (error: unknown) => error,
          ),
      );
      const [kept, thrown] = settled;
      expect(thrown?.status).toBe("rejected");
      if (outer !== "committed") {
        // Failing loudly is allowed, with a TransactionError; then nothing is committed.
        expect(outer).toBeInstanceOf(TransactionError);
        expect(await labels()).toEqual([]);
        return;
      }
      if (kept?.status === "fulfilled") {
        expect(await labels()).toEqual(["kept a", "kept b", "outer"]);
      } else {
        expect(kept?.reason).toBeInstanceOf(TransactionError);
        expect(await labels()).toEqual(["outer"]);
      }
      const reason = (thrown as PromiseRejectedResult).reason;
      expect(reason instanceof TransactionError || (reason as Error).message === "boom").toBe(true);
    });

    it(`Promise.all: when one savepoint throws the transaction fails and no write survives, not even a late one (throw after ${delay} ms)`, async () => {
      const error = await within(
        10_000,
        "the transaction",
        t.db
          .transaction(async (tx) => {
            await Promise.all([
              tx.transaction(async (sp) => {
                await sp.entry.create({ batch: 1, label: "sibling a", amount: 1 });
                await pause(delay + 10);
                await sp.entry.create({ batch: 1, label: "sibling b", amount: 2 });
              }),
              tx.transaction(async (sp) => {
                await sp.entry.create({ batch: 2, label: "thrown", amount: 3 });
                await pause(delay);
                throw boom();
              }),
            ]);
          })
          .then(
            () => undefined,
            (e: unknown) => e,
          ),
      );
      expect(error instanceof TransactionError || (error as Error)?.message === "boom", String(error)).toBe(true);
      // The sibling still running when the transaction ended must not write outside it.
      await pause(delay + 100);
      expect(await labels()).toEqual([]);
      expect(await t.db.entry.count()).toBe(0);
    });
  }

  it("Promise.all of savepoints that all succeed commits every row they wrote", async () => {
    const results = await t.db.transaction((tx) =>
      Promise.all(
        [1, 2, 3, 4].map((batch) =>
          tx.transaction(async (sp) => {
            await sp.entry.createMany([
              { batch, label: `${batch} a`, amount: batch },
              { batch, label: `${batch} b`, amount: batch },
            ]);
            return sp.entry.where("batch", batch).count();
          }),
        ),
      ),
    );
    expect(results).toEqual([2, 2, 2, 2]);
    expect(await t.db.entry.count()).toBe(8);
  });

  it("the outer db used inside db.transaction throws a TransactionError quickly instead of hanging", async () => {
    const uses: [string, (db: Db<typeof ledger>) => Promise<unknown>][] = [
      ["count", (db) => db.entry.count()],
      ["create", (db) => db.entry.create({ batch: 0, label: "outside", amount: 0 })],
      ["findMany", (db) => db.entry.findMany({ where: { batch: 0 } })],
      ["a nested db.transaction", (db) => db.transaction((inner) => inner.entry.count())],
    ];
    for (const [what, use] of uses) {
      const error = await within(
        5_000,
        `the outer db's ${what} inside its transaction`,
        t.db
          .transaction(async (tx) => {
            await tx.entry.create({ batch: 0, label: "inside", amount: 0 });
            await use(t.db);
          })
          .then(
            () => undefined,
            (e: unknown) => e,
          ),
      );
      expect(error, what).toBeInstanceOf(TransactionError);
      expect(await t.db.entry.count(), what).toBe(0);
    }
  });
});
