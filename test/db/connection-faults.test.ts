import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  belongsTo,
  belongsToMany,
  ConnectionError,
  createDb,
  type Db,
  defineSchema,
  hasMany,
  id,
  integer,
  model,
  string,
} from "../../src/index.js";
import { connectionId, type Owner, ownerOf, pause, rejection, ServerAdmin, within } from "../support/server-admin.js";
import { dialect, useTestDb } from "../support/test-db.js";

/**
 * The server ends relata's connection in the middle of a multi-statement write: the call
 * fails with a ConnectionError, nothing of it stays written, the process does not crash, and
 * the next query works. The write is stopped at a known statement by a lock an admin
 * connection holds (an uncommitted row with the same key), and the blocked connection is
 * ended while it waits.
 */
const library = defineSchema(
  {
    author: model({
      table: "fault_authors",
      fields: { id: id(), name: string() },
      relations: {
        books: hasMany("book"),
        genres: belongsToMany("genre", { table: "fault_author_genre", pivotFields: { note: string().nullable() } }),
      },
    }),
    book: model({
      table: "fault_books",
      fields: { id: id(), authorId: integer().references("author.id", { onDelete: "cascade" }), title: string() },
      relations: { author: belongsTo("author") },
    }),
    genre: model({
      table: "fault_genres",
      fields: { id: id(), name: string() },
      relations: { authors: belongsToMany("author", { table: "fault_author_genre" }) },
    }),
  },
  { casing: "snake_case" },
);

describe.skipIf(dialect === "sqlite")(`a connection the server ends mid-write (${dialect})`, () => {
  const t = useTestDb(library);
  let owner: Owner;
  let db: Db<typeof library>;
  let admin: ServerAdmin;
  /** Statements relata's pool finished (onQuery), to show where a write was stopped. */
  const sent: string[] = [];

  beforeAll(async () => {
    owner = ownerOf(t.url);
    db = createDb({ schema: library, url: owner.url, onQuery: (event) => sent.push(event.sql) });
    admin = await ServerAdmin.open(t.url);
  });
  afterAll(async () => {
    await db?.destroy();
    await admin?.close();
  });
  beforeEach(() => t.truncate());

  /** Table sizes, to show a failed call left nothing behind. */
  const sizes = async () => ({
    authors: await t.db.author.count(),
    books: await t.db.book.count(),
    genres: await t.db.genre.count(),
    links: Number(
      ((
        await t.db.kysely
          .selectFrom("fault_author_genre")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirst()
      )?.n as number | string) ?? 0,
    ),
  });

  /**
   * Runs `write` while the admin connection holds `lock` (statements in its open transaction);
   * once relata's connection waits for that lock, the server ends it. `done` must match a
   * statement the write finished before it was stopped. Returns what `write` threw.
   */
  async function endWhileWaiting(lock: string[], done: RegExp, write: () => Promise<unknown>): Promise<unknown> {
    await admin.query(dialect === "postgres" ? "begin" : "start transaction");
    try {
      for (const statement of lock) await admin.query(statement);
      sent.length = 0;
      const settled = write().then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
      const waiting = admin.blocked(owner).then((id) => ({ id }));
      const first = await Promise.race([waiting, settled]);
      if (!("id" in first)) {
        await waiting.catch(() => {});
        throw new Error(
          `the write settled before it waited for the lock: ${String("error" in first ? first.error : "it resolved")}`,
        );
      }
      expect(sent, "the statements the write finished before it waited").toContainEqual(expect.stringMatching(done));
      await admin.kill(first.id);
      const outcome = await within(10_000, "the write whose connection was ended", settled);
      if (!("error" in outcome)) throw new Error("the write succeeded although its connection was ended");
      return outcome.error;
    } finally {
      await admin.query("rollback");
    }
  }

  function expectConnectionError(error: unknown): void {
    expect(error, String(error)).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).cause).toBeDefined();
  }

  it("a nested graph create whose connection ends after the parent insert fails with a ConnectionError and leaves no row", async () => {
    const before = await sizes();
    const error = await endWhileWaiting(
      [
        "insert into fault_authors (id, name) values (800001, 'lock holder')",
        "insert into fault_books (id, author_id, title) values (900001, 800001, 'lock')",
      ],
      /^insert into .fault_authors/,
      () => db.author.create({ name: "graph", books: { create: [{ id: 900001, title: "blocked" } as any] } }),
    );
    expectConnectionError(error);
    expect(await db.author.where("name", "graph").count()).toBe(0);
    expect(await sizes()).toEqual(before);
  });

  it("a createMany sent as several statements whose connection ends before the last fails with a ConnectionError and leaves no row", async () => {
    const author = await t.db.author.create({ name: "owner" });
    const before = await sizes();
    const error = await endWhileWaiting(
      [
        "insert into fault_authors (id, name) values (800002, 'lock holder')",
        "insert into fault_books (id, author_id, title) values (900002, 800002, 'lock')",
      ],
      /^insert into .fault_books/,
      // An explicit id makes a second column set: a second INSERT, after the first one ran.
      () =>
        db.book.createMany([
          { authorId: author.id, title: "first" },
          { authorId: author.id, title: "second" },
          { id: 900002, authorId: author.id, title: "blocked" },
        ]),
    );
    expectConnectionError(error);
    expect(await db.book.where("authorId", author.id).count()).toBe(0);
    expect(await sizes()).toEqual(before);
  });

  it("a sync whose connection ends after detaching, before attaching, fails with a ConnectionError and detaches nothing", async () => {
    const author = await t.db.author.create({ name: "reader" });
    const [kept, wanted] = await t.db.genre.createMany([{ name: "kept" }, { name: "wanted" }]);
    await t.db.author.related(author, "genres").attach({ [kept!.id]: { note: "before" } });
    const before = await sizes();
    const error = await endWhileWaiting(
      [`insert into fault_author_genre (author_id, genre_id, note) values (${author.id}, ${wanted!.id}, 'lock')`],
      // PostgreSQL's DELETE and INSERT are one statement (a WITH): it waits inside it, after the read.
      dialect === "postgres" ? /^select / : /^delete from .fault_author_genre/,
      () => db.author.related(author, "genres").sync({ [wanted!.id]: { note: "after" } }),
    );
    expectConnectionError(error);
    const genres = await db.author.related(author, "genres").get();
    expect(genres.map((g) => [g.id, g.pivot.note])).toEqual([[kept!.id, "before"]]);
    expect(await sizes()).toEqual(before);
  });

  it("an attach whose connection ends while inserting pivot rows fails with a ConnectionError and attaches nothing", async () => {
    const author = await t.db.author.create({ name: "collector" });
    const [a, b] = await t.db.genre.createMany([{ name: "a" }, { name: "b" }]);
    const before = await sizes();
    const error = await endWhileWaiting(
      [`insert into fault_author_genre (author_id, genre_id, note) values (${author.id}, ${b!.id}, 'lock')`],
      /^select /,
      () => db.author.related(author, "genres").attach({ [a!.id]: { note: "x" }, [b!.id]: { note: "y" } }),
    );
    expectConnectionError(error);
    expect(await db.author.related(author, "genres").count()).toBe(0);
    expect(await sizes()).toEqual(before);
  });

  it("a user transaction whose connection is ended between two writes fails with a ConnectionError and commits nothing", async () => {
    const before = await sizes();
    const error = await within(
      10_000,
      "the transaction",
      rejection(
        db.transaction(async (tx) => {
          const author = await tx.author.create({ name: "in tx" });
          await tx.book.createMany([{ authorId: author.id, title: "one" }]);
          await admin.kill(await connectionId(tx.kysely));
          await pause(100);
          await tx.book.create({ authorId: author.id, title: "after the end" });
          await tx.author.create({ name: "never" });
        }),
      ),
    );
    expectConnectionError(error);
    expect(await db.author.where("name", "in tx").count()).toBe(0);
    expect(await sizes()).toEqual(before);
  });

  it("a user transaction that catches the ConnectionError and writes on is still refused, and nothing is committed", async () => {
    const before = await sizes();
    const outcome = await within(
      10_000,
      "the transaction",
      db
        .transaction(async (tx) => {
          await tx.author.create({ name: "stubborn" });
          await admin.kill(await connectionId(tx.kysely));
          await pause(100);
          const first = await rejection(tx.author.create({ name: "first try" }));
          const second = await rejection(tx.author.create({ name: "second try" }));
          return [first, second];
        })
        .then(
          (errors) => ({ errors }),
          (error: unknown) => ({ errors: [error] }),
        ),
    );
    for (const error of outcome.errors) expect(error, String(error)).toBeInstanceOf(ConnectionError);
    expect(await sizes()).toEqual(before);
  });

  it("an idle pooled connection terminated by the server does not crash the process, and the next queries work", async () => {
    // Open several pooled connections at once, then let them go idle.
    const ids = await Promise.all(
      [1, 2, 3, 4].map(() =>
        db.transaction(async (tx) => {
          const server = await connectionId(tx.kysely);
          await pause(30);
          return server;
        }),
      ),
    );
    expect(new Set(ids).size).toBeGreaterThan(1);
    for (const server of new Set(ids)) await admin.kill(server);
    await pause(200);
    // Every pooled connection is dead: as many queries as there were connections, at once, must all work.
    const counts = await within(
      10_000,
      "queries after the idle connections ended",
      Promise.all(ids.map(() => db.author.count())),
    );
    expect(counts).toEqual(ids.map(() => 0));
    await db.author.create({ name: "after" });
    expect(await db.author.where("name", "after").count()).toBe(1);
  });

  it("a connection ended while idle inside an open transaction fails the transaction's next statement with a ConnectionError", async () => {
    const error = await within(
      10_000,
      "the transaction",
      rejection(
        db.transaction(async (tx) => {
          await admin.kill(await connectionId(tx.kysely));
          await pause(200);
          await tx.genre.createMany([{ name: "x" }, { name: "y" }]);
        }),
      ),
    );
    expectConnectionError(error);
    expect(await db.genre.count()).toBe(0);
  });
});
