import { beforeEach, describe, expect, it } from "vitest";
import { createDb, DeadlockError, RelataError, TransactionError } from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { caught } from "../support/caught.js";
import { within } from "../support/server-admin.js";
import { dialect, useTestDb } from "../support/test-db.js";

describe(`transactions on ${dialect}`, () => {
  const t = useTestDb(blog);
  beforeEach(() => t.truncate());

  const emails = async () => (await t.db.user.orderBy("email").pluck("email")) as string[];

  describe("the outer handle used inside its own transaction", () => {
    it("db used inside db.transaction throws a TransactionError naming tx instead of hanging (SQLite) or escaping the transaction", async () => {
      const error = await within(
        5_000,
        "the transaction",
        caught(() =>
          t.db.transaction(async (tx) => {
            await tx.user.create({ email: "in@x.dev", name: "In" });
            await t.db.user.create({ email: "out@x.dev", name: "Out" });
          }),
        ),
      );
      expect(error).toBeInstanceOf(TransactionError);
      expect((error as Error).message).toContain("use the handle the callback receives");
      // The whole transaction rolled back: neither row exists.
      expect(await emails()).toEqual([]);
    });

    it("reads through db inside the callback are refused too", async () => {
      const error = await within(
        5_000,
        "the transaction",
        caught(() => t.db.transaction(async () => t.db.user.count())),
      );
      expect(error).toBeInstanceOf(TransactionError);
    });

    it("the outer tx used inside a nested tx.transaction is refused", async () => {
      const error = await within(
        5_000,
        "the transaction",
        caught(() =>
          t.db.transaction(async (tx) => {
            await tx.transaction(async () => {
              await tx.user.create({ email: "a@x.dev", name: "A" });
            });
          }),
        ),
      );
      expect(error).toBeInstanceOf(TransactionError);
      expect((error as Error).message).toContain("the outer tx");
    });

    it("db.transaction opened inside a transaction callback is refused", async () => {
      const error = await within(
        5_000,
        "the transaction",
        caught(() => t.db.transaction(async () => t.db.transaction(async () => 1))),
      );
      expect(error).toBeInstanceOf(TransactionError);
    });

    it("a tx kept after its transaction ended is refused instead of running on a released connection", async () => {
      let kept: typeof t.db | undefined;
      await t.db.transaction(async (tx) => {
        kept = tx;
      });
      const error = await caught(() => kept!.user.count());
      expect(error).toBeInstanceOf(TransactionError);
      expect((error as Error).message).toContain("after its transaction ended");
    });

    it("other work running concurrently outside the callback is not affected", async () => {
      const [inside, outside] = await within(
        5_000,
        "the transaction",
        Promise.all([
          t.db.transaction(async (tx) => {
            await tx.user.create({ email: "tx@x.dev", name: "Tx" });
            return tx.user.count();
          }),
          t.db.user.count(),
        ]),
      );
      expect(inside).toBe(1);
      expect(typeof outside).toBe("number");
    });
  });

  describe("savepoints opened at the same time", () => {
    it("sibling tx.transaction calls under Promise.allSettled: the one that succeeded keeps its row when the other throws", async () => {
      const results = await within(
        5_000,
        "the transaction",
        t.db.transaction(async (tx) =>
          Promise.allSettled([
            tx.transaction(async (a) => {
              await a.user.create({ email: "a@x.dev", name: "A" });
              await new Promise((resolve) => setTimeout(resolve, 20));
              throw new Error("a fails");
            }),
            tx.transaction(async (b) => {
              await b.user.create({ email: "b@x.dev", name: "B" });
            }),
            tx.user.create({ email: "c@x.dev", name: "C" }),
          ]),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(["rejected", "fulfilled", "fulfilled"]);
      expect(await emails()).toEqual(["b@x.dev", "c@x.dev"]);
    });

    it("sibling tx.transaction calls under Promise.all both commit", async () => {
      await within(
        5_000,
        "the transaction",
        t.db.transaction(async (tx) => {
          await Promise.all(
            ["a", "b", "c"].map((name) =>
              tx.transaction(async (inner) => {
                await inner.user.create({ email: `${name}@x.dev`, name });
                await inner.user.where("email", `${name}@x.dev`).update({ age: 1 });
              }),
            ),
          );
        }),
      );
      expect(await emails()).toEqual(["a@x.dev", "b@x.dev", "c@x.dev"]);
    });

    it("a statement failing inside a savepoint rolls back only the savepoint", async () => {
      await t.db.transaction(async (tx) => {
        await tx.user.create({ email: "kept@x.dev", name: "Kept" });
        const error = await caught(() =>
          tx.transaction(async (inner) => {
            await inner.user.create({ email: "gone@x.dev", name: "Gone" });
            await inner.user.create({ email: "kept@x.dev", name: "Duplicate" });
          }),
        );
        expect(error).toBeInstanceOf(RelataError);
        await tx.user.create({ email: "after@x.dev", name: "After" });
      });
      expect(await emails()).toEqual(["after@x.dev", "kept@x.dev"]);
    });
  });

  describe.skipIf(dialect === "sqlite")("deadlocks", () => {
    it("a deadlock inside a savepoint surfaces as a retryable DeadlockError, not a missing savepoint", async () => {
      const [a, b] = await t.db.user.createMany([
        { email: "a@x.dev", name: "A" },
        { email: "b@x.dev", name: "B" },
      ]);
      const second = createDb({ schema: blog, url: t.url });
      try {
        let release!: () => void;
        const bothLocked = new Promise<void>((resolve) => {
          let locked = 0;
          release = () => {
            locked += 1;
            if (locked === 2) resolve();
          };
        });
        const one = t.db.transaction(async (tx) => {
          await tx.user.where("id", a!.id).update({ age: 1 });
          release();
          await bothLocked;
          // Inside a savepoint, as attach/sync run theirs: MariaDB ends the whole transaction here.
          await tx.transaction((inner) => inner.user.where("id", b!.id).update({ age: 1 }));
        });
        const two = second.transaction(async (tx) => {
          await tx.user.where("id", b!.id).update({ age: 2 });
          release();
          await bothLocked;
          await tx.transaction((inner) => inner.user.where("id", a!.id).update({ age: 2 }));
        });
        const results = await within(5_000, "the transaction", Promise.allSettled([one, two]));
        const failures = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
        expect(failures.length).toBeGreaterThanOrEqual(1);
        for (const failure of failures) {
          expect(failure).toBeInstanceOf(DeadlockError);
          expect((failure as DeadlockError).retryable).toBe(true);
          expect((failure as Error).message).not.toContain("does not exist");
        }
      } finally {
        await second.destroy();
      }
    });
  });

  describe.runIf(dialect === "postgres")("an aborted transaction", () => {
    it("a statement after a caught failure is a TransactionError explaining the transaction is aborted", async () => {
      await t.db.user.create({ email: "a@x.dev", name: "A" });
      const error = await caught(() =>
        t.db.transaction(async (tx) => {
          await tx.user.create({ email: "a@x.dev", name: "Duplicate" }).catch(() => {});
          await tx.user.count();
        }),
      );
      expect(error).toBeInstanceOf(TransactionError);
      expect((error as Error).message).toContain("aborted by an earlier error");
    });
  });
});
