import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import Database from "better-sqlite3";
import { type Dialect, MysqlDialect, PostgresDialect, SqliteDialect, sql } from "kysely";
import mysql from "mysql2";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  bigint,
  boolean,
  createDb,
  type Db,
  date,
  defineSchema,
  id,
  integer,
  json,
  model,
  type QueryEvent,
  RelataError,
  string,
  timestamp,
  UniqueConstraintError,
} from "../../src/index.js";
import { dialect, isolatedUrl, type PerDialect, returning, useTestDb } from "../support/test-db.js";

const schema = defineSchema(
  {
    person: model({
      table: "people",
      fields: { id: id(), name: string().unique(), nick: string().nullable() },
    }),
    pet: model({
      table: "pets",
      fields: {
        id: id(),
        ownerId: integer().references("person.id", { onDelete: "cascade" }),
        name: string(),
      },
    }),
  },
  { casing: "snake_case" },
);

type TestSchema = typeof schema;

/** A table of its own, so pushing it through a second handle always creates it. */
const gadgets = defineSchema(
  {
    gadget: model({
      table: "gadgets",
      fields: {
        id: id(),
        name: string(),
        on: boolean(),
        madeAt: timestamp(),
        madeOn: date().nullable(),
        serial: bigint(),
        meta: json<{ tags: string[] }>(),
      },
    }),
  },
  { casing: "snake_case" },
);

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "relata-connection-"));
}

// ---------------------------------------------------------------------------------------------

describe(`onQuery (${dialect})`, () => {
  const t = useTestDb(schema);
  beforeEach(() => t.truncate().then(() => void t.queries.splice(0)));

  it("reports the SQL and bound parameters of every statement a write sends", async () => {
    const ada = await t.db.person.create({ name: "Ada" });
    // MySQL has no RETURNING: the insert, then a select of the row by its new id.
    const expected: PerDialect<[RegExp, unknown[]][]> = {
      sqlite: [[/^insert into "people" \("name", "nick"\) values \(\?, \?\)/, ["Ada", null]]],
      postgres: [[/^insert into "people" \("name", "nick"\) values \(\$1, \$2\)/, ["Ada", null]]],
      mysql: returning
        ? [[/^insert into `people` \(`name`, `nick`\) values \(\?, \?\) returning /, ["Ada", null]]]
        : [
            [/^insert into `people` \(`name`, `nick`\) values \(\?, \?\)$/, ["Ada", null]],
            [/^select .* from `people` where `people`.`id` = \?$/, [ada.id]],
          ],
    };
    expect(t.queries).toHaveLength(expected[dialect].length);
    t.queries.forEach((event, i) => {
      const [pattern, params] = expected[dialect][i]!;
      expect(event.sql).toMatch(pattern);
      expect(event.params).toEqual(params);
    });
  });

  it("reports a read with its parameters, in order", async () => {
    await t.db.person.createMany([{ name: "Ada" }, { name: "Bea", nick: "b" }]);
    t.queries.splice(0);
    const found = await t.db.person.where("name", "Bea").where("nick", "b").get();
    expect(found.map((p) => p.name)).toEqual(["Bea"]);
    expect(t.queries).toHaveLength(1);
    expect(t.queries[0]!.sql).toMatch(/^select /);
    expect(t.queries[0]!.params).toEqual(["Bea", "b"]);
  });

  it("reports raw Kysely statements exactly as sent", async () => {
    const statement: PerDialect<string> = {
      sqlite: "select count(*) as n from people where name = ? or id = ?",
      postgres: "select count(*) as n from people where name = $1 or id = $2",
      mysql: "select count(*) as n from people where name = ? or id = ?",
    };
    const { rows } = await sql<{
      n: unknown;
    }>`select count(*) as n from people where name = ${"x"} or id = ${7}`.execute(t.db.kysely);
    expect(Number(rows[0]!.n)).toBe(0);
    expect(t.queries).toEqual([{ sql: statement[dialect], params: ["x", 7], durationMs: expect.any(Number) }]);
  });

  it("gives every event a non-negative finite durationMs and no error when it succeeded", async () => {
    await t.db.person.create({ name: "Ada" });
    await t.db.person.where("name", "Ada").update({ nick: "a" });
    await t.db.person.where("name", "Ada").count();
    await t.db.person.where("name", "Ada").delete();
    expect(t.queries.length).toBeGreaterThanOrEqual(4);
    for (const event of t.queries) {
      expect(typeof event.durationMs).toBe("number");
      expect(Number.isFinite(event.durationMs)).toBe(true);
      expect(event.durationMs).toBeGreaterThanOrEqual(0);
      expect(Array.isArray(event.params)).toBe(true);
      expect("error" in event).toBe(false);
    }
    // MySQL has no RETURNING: create re-selects the inserted row.
    const verbs: PerDialect<string[]> = {
      sqlite: ["insert", "update", "select", "delete"],
      postgres: ["insert", "update", "select", "delete"],
      mysql: returning ? ["insert", "update", "select", "delete"] : ["insert", "select", "update", "select", "delete"],
    };
    expect(t.queries.map((q) => q.sql.split(" ")[0])).toEqual(verbs[dialect]);
  });

  it("reports a failing statement with its error", async () => {
    const failure = await sql`select * from no_such_table where id = ${1}`.execute(t.db.kysely).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    const placeholder: PerDialect<string> = { sqlite: "?", postgres: "$1", mysql: "?" };
    expect(t.queries).toHaveLength(1);
    const event = t.queries[0]!;
    expect(event.sql).toBe(`select * from no_such_table where id = ${placeholder[dialect]}`);
    expect(event.params).toEqual([1]);
    expect(event.durationMs).toBeGreaterThanOrEqual(0);
    expect(event.error).toBe(failure);
  });

  it("reports a failing write with the driver error behind the relata error", async () => {
    await t.db.person.create({ name: "Ada" });
    t.queries.splice(0);
    const failure = await t.db.person.create({ name: "Ada" }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(UniqueConstraintError);
    expect(t.queries).toHaveLength(1);
    expect(t.queries[0]!.params).toEqual(["Ada", null]);
    expect(t.queries[0]!.error).toBeDefined();
    expect(t.queries[0]!.error).toBe((failure as UniqueConstraintError).cause);
  });

  it("passes an error onQuery throws to the caller as thrown, after the statement ran", async () => {
    const boom = new Error("onQuery failed");
    let throwing = false;
    const db = createDb({
      schema,
      url: t.url,
      onQuery: () => {
        if (throwing) throw boom;
      },
    });
    try {
      await db.push();
      await db.person.where("name", "Ada").delete();
      throwing = true;
      // A read (the direct read on SQLite and PostgreSQL), a write, a transaction's BEGIN, raw Kysely.
      await expect(db.person.count()).rejects.toBe(boom);
      await expect(db.person.create({ name: "Ada" })).rejects.toBe(boom);
      await expect(db.transaction((tx) => tx.person.count())).rejects.toBe(boom);
      await expect(sql`select 1 as one`.execute(db.kysely)).rejects.toBe(boom);
      throwing = false;
      // The insert had run: onQuery reports a statement after the database answered it.
      expect(await db.person.where("name", "Ada").count()).toBe(1);
    } finally {
      await db.destroy();
    }
  });

  it("reports the statements run inside a transaction, savepoints included", async () => {
    await t.db.transaction(async (tx) => {
      await tx.person.create({ name: "Ada" });
      await tx.transaction(async (inner) => {
        await inner.person.create({ name: "Bea" });
      });
    });
    const inserts = t.queries.filter((q) => /^insert /.test(q.sql));
    expect(inserts.map((q) => q.params)).toEqual([
      ["Ada", null],
      ["Bea", null],
    ]);
    expect(t.queries.some((q) => /^savepoint /i.test(q.sql))).toBe(true);
    expect(t.queries.some((q) => /^release savepoint /i.test(q.sql))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------

/** A Kysely dialect built by hand, with each driver's default settings. */
const handBuiltDialect: PerDialect<(url: string) => Dialect> = {
  sqlite: () => new SqliteDialect({ database: new Database(":memory:") }),
  postgres: (url) => new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) }),
  mysql: (url) => new MysqlDialect({ pool: mysql.createPool({ uri: url }) }),
};

describe(`createDb({ schema, dialect }) (${dialect})`, () => {
  const t = useTestDb(schema);

  it("works with a Kysely dialect built by hand: dialectName, raw SQL, push, writes and reads", async () => {
    const events: QueryEvent[] = [];
    const db = createDb({ schema: gadgets, dialect: handBuiltDialect[dialect](t.url), onQuery: (e) => events.push(e) });
    try {
      expect(db.dialectName).toBe(dialect);
      const { rows } = await sql<{ n: unknown }>`select 1 + 1 as n`.execute(db.kysely);
      expect(Number(rows[0]!.n)).toBe(2);

      expect(await db.push()).toEqual({ created: ["gadgets"] });
      const madeAt = new Date("2024-05-06T07:08:09.123Z");
      const created = await db.gadget.create({
        name: "lamp",
        on: true,
        madeAt,
        serial: 1_234_567_890_123n,
        meta: { tags: ["a", "b"] },
      });
      const expected = {
        id: created.id,
        name: "lamp",
        on: true,
        madeAt,
        madeOn: null,
        serial: 1_234_567_890_123n,
        meta: { tags: ["a", "b"] },
      };
      expect(created).toEqual(expected);
      // Read back with the driver's default settings: values decode the same as through a URL.
      expect(await db.gadget.find(created.id)).toEqual(expected);
      const raw = await db.kysely.selectFrom("gadgets").select(["name"]).execute();
      expect(raw).toEqual([{ name: "lamp" }]);
      expect(events.length).toBeGreaterThan(0);
      expect(events.every((e) => typeof e.sql === "string" && e.durationMs >= 0)).toBe(true);
    } finally {
      await db.destroy();
    }
  });

  it('reads date() fields as "YYYY-MM-DD" strings with the driver\'s default settings', async () => {
    // pg and mysql2 parse DATE columns into Date objects unless told otherwise; relata must still
    // give the documented string (codecs.ts: decoders accept every shape a driver may hand back).
    const db = createDb({ schema: gadgets, dialect: handBuiltDialect[dialect](t.url) });
    try {
      await db.push();
      const created = await db.gadget.create({
        name: "calendar",
        on: false,
        madeAt: new Date("2024-05-06T07:08:09.123Z"),
        madeOn: "2024-05-06",
        serial: 1n,
        meta: { tags: [] },
      });
      expect(created.madeOn).toBe("2024-05-06");
      expect((await db.gadget.find(created.id))?.madeOn).toBe("2024-05-06");
      expect(await db.gadget.where("madeOn", "2024-05-06").pluck("madeOn")).toEqual(["2024-05-06"]);
    } finally {
      await db.destroy();
    }
  });

  it("tells the database family from the adapter, or takes dialectName when it cannot", async () => {
    const inner = handBuiltDialect.sqlite("");
    const opaque: Dialect = {
      createDriver: () => inner.createDriver(),
      createQueryCompiler: () => inner.createQueryCompiler(),
      createAdapter: () => ({ ...inner.createAdapter() }) as ReturnType<Dialect["createAdapter"]>,
      createIntrospector: (db) => inner.createIntrospector(db),
    };
    expect(() => createDb({ schema, dialect: opaque })).toThrow(RelataError);
    expect(() => createDb({ schema, dialect: opaque })).toThrow(/dialectName/);
    const named = createDb({ schema, dialect: opaque, dialectName: "sqlite" });
    expect(named.dialectName).toBe("sqlite");
    await named.destroy();
  });

  it("throws a RelataError when given both or neither of url and dialect", () => {
    expect(() =>
      createDb({ schema, url: "sqlite::memory:", dialect: new SqliteDialect({ database: new Database(":memory:") }) }),
    ).toThrow(RelataError);
    expect(() => createDb({ schema })).toThrow(RelataError);
    expect(() => createDb({ schema })).toThrow(/exactly one of url or dialect/);
  });
});

describe(`values through a URL connection (${dialect})`, () => {
  const t = useTestDb(gadgets);

  it("round-trips every field kind exactly, bigint beyond 2^53 included", async () => {
    const values = {
      name: "lamp",
      on: true,
      madeAt: new Date("2024-05-06T07:08:09.123Z"),
      madeOn: "2024-05-06",
      serial: 9_007_199_254_740_993n,
      meta: { tags: ["a", "b"] },
    };
    const created = await t.db.gadget.create(values);
    expect(created).toEqual({ id: created.id, ...values });
    expect(await t.db.gadget.find(created.id)).toEqual({ id: created.id, ...values });
    const raw = await t.db.kysely.selectFrom("gadgets").select(sql<string>`cast(serial as char(30))`.as("s")).execute();
    expect(raw.map((r) => String(r.s).trim())).toEqual(["9007199254740993"]);
  });
});

// ---------------------------------------------------------------------------------------------

describe(`connection URLs (${dialect})`, () => {
  let dir = "";
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("sqlite:<path> persists to a file across two createDb calls", async () => {
    const file = join(dir, "app.db");
    const first = createDb({ schema, url: `sqlite:${file}` });
    expect(first.dialectName).toBe("sqlite");
    expect([...(await first.push()).created].sort()).toEqual(["people", "pets"]);
    const ada = await first.person.create({ name: "Ada", nick: "ad" });
    await first.pet.create({ ownerId: ada.id, name: "Rex" });
    await first.destroy();
    expect(existsSync(file)).toBe(true);

    const second = createDb({ schema, url: `sqlite:${file}` });
    expect(await second.push()).toEqual({ created: [] });
    expect(await second.person.all()).toEqual([{ id: ada.id, name: "Ada", nick: "ad" }]);
    expect(await second.pet.all()).toEqual([{ id: expect.any(Number), ownerId: ada.id, name: "Rex" }]);
    await second.destroy();

    // The same file through a relative path and through sqlite:///absolute/path.
    for (const url of [`sqlite:${relative(process.cwd(), file)}`, `sqlite://${file}`]) {
      const again = createDb({ schema, url });
      expect(await again.person.pluck("name"), url).toEqual(["Ada"]);
      await again.destroy();
    }
  });

  it("a file database enforces foreign keys", async () => {
    const file = join(dir, "fk.db");
    const db = createDb({ schema, url: `sqlite:${file}` });
    try {
      await db.push();
      await expect(db.kysely.insertInto("pets").values({ owner_id: 999, name: "Stray" }).execute()).rejects.toThrow(
        /FOREIGN KEY/,
      );
      expect(await db.pet.count()).toBe(0);
    } finally {
      await db.destroy();
    }
  });

  it("sqlite::memory: is a private database per createDb call", async () => {
    const one = createDb({ schema, url: "sqlite::memory:" });
    const two = createDb({ schema, url: "sqlite::memory:" });
    try {
      expect(one.dialectName).toBe("sqlite");
      expect([...(await one.push()).created].sort()).toEqual(["people", "pets"]);
      await one.person.create({ name: "Ada" });
      expect(await one.person.pluck("name")).toEqual(["Ada"]);
      // The second handle has its own, empty database.
      expect([...(await two.push()).created].sort()).toEqual(["people", "pets"]);
      expect(await two.person.count()).toBe(0);
    } finally {
      await one.destroy();
      await two.destroy();
    }
  });

  it("accepts the alias URL forms of each database", async () => {
    const target = await isolatedUrl();
    const alias: PerDialect<string> = {
      sqlite: `sqlite://${join(dir, "alias.db")}`,
      postgres: target.url.replace(/^postgres:/, "postgresql:"),
      mysql: target.url.replace(/^mysql:/, "mariadb:"),
    };
    expect(alias[dialect]).not.toBe(target.url);
    const db = createDb({ schema, url: alias[dialect] });
    try {
      expect(db.dialectName).toBe(dialect);
      expect([...(await db.push()).created].sort()).toEqual(["people", "pets"]);
      await db.person.create({ name: "Ada" });
      expect(await db.person.pluck("name")).toEqual(["Ada"]);
    } finally {
      await db.destroy();
      await target.drop();
    }
  });

  it("rejects an unsupported URL with a RelataError naming the accepted forms", () => {
    let error: unknown;
    try {
      createDb({ schema, url: "oracle://x" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RelataError);
    const message = (error as Error).message;
    expect(message).toContain("oracle://x");
    for (const form of ["sqlite::memory:", "sqlite:<path>", "postgres://", "mysql://", "mariadb://"]) {
      expect(message).toContain(form);
    }
    expect(() => createDb({ schema, url: "not a url" })).toThrow(RelataError);
  });

  it("does not echo a password from a rejected URL", () => {
    expect(() => createDb({ schema, url: "oracle://scott:tiger@db.example/orcl" })).toThrow(RelataError);
    try {
      createDb({ schema, url: "oracle://scott:tiger@db.example/orcl" });
    } catch (e) {
      expect((e as Error).message).not.toContain("tiger");
      expect((e as Error).message).toContain("scott");
    }
  });
});

// ---------------------------------------------------------------------------------------------

/**
 * Where the transaction tests run: a database two handles can share, so a second connection
 * (the observer) sees only what was committed. SQLite: a file (an in-memory one is private).
 */
const sharedDatabase: PerDialect<() => Promise<{ url: string; drop: () => Promise<void> }>> = {
  sqlite: async () => {
    const dir = await tempDir();
    return { url: `sqlite:${join(dir, "tx.db")}`, drop: () => rm(dir, { recursive: true, force: true }) };
  },
  postgres: isolatedUrl,
  mysql: isolatedUrl,
};

describe(`transaction() (${dialect})`, () => {
  let db: Db<TestSchema>;
  let observer: Db<TestSchema>;
  let drop = async () => {};

  beforeAll(async () => {
    const shared = await sharedDatabase[dialect]();
    drop = shared.drop;
    db = createDb({ schema, url: shared.url });
    observer = createDb({ schema, url: shared.url });
    await db.push();
  });
  afterAll(async () => {
    await db?.destroy();
    await observer?.destroy();
    await drop();
  });
  beforeEach(async () => {
    await db.kysely.deleteFrom("pets").execute();
    await db.kysely.deleteFrom("people").execute();
  });

  /** The committed state, as another connection sees it. */
  const committed = async () => ({
    people: (await observer.person.orderBy("name").get()).map((p) => [p.name, p.nick]),
    pets: (await observer.pet.orderBy("name").get()).map((p) => p.name),
  });

  it("returns fn's value and commits its writes", async () => {
    const result = await db.transaction(async (tx) => {
      const ada = await tx.person.create({ name: "Ada" });
      await tx.pet.create({ ownerId: ada.id, name: "Rex" });
      return { answer: 42, id: ada.id };
    });
    expect(result).toEqual({ answer: 42, id: expect.any(Number) });
    expect(await committed()).toEqual({ people: [["Ada", null]], pets: ["Rex"] });
    expect(await db.person.find(result.id)).toEqual({ id: result.id, name: "Ada", nick: null });
  });

  it("gives fn a handle with the same API whose reads see its own writes, hidden from others until commit", async () => {
    await db.transaction(async (tx) => {
      expect(tx.dialectName).toBe(dialect);
      expect(tx.schema).toBe(schema);
      expect(tx.kysely).not.toBe(db.kysely);
      const ada = await tx.person.create({ name: "Ada" });
      await tx.person.where("id", ada.id).update({ nick: "a" });
      expect(await tx.person.find(ada.id)).toEqual({ id: ada.id, name: "Ada", nick: "a" });
      expect(await tx.person.count()).toBe(1);
      expect(await tx.kysely.selectFrom("people").select(["name", "nick"]).execute()).toEqual([
        { name: "Ada", nick: "a" },
      ]);
      expect(await committed()).toEqual({ people: [], pets: [] });
    });
    expect(await committed()).toEqual({ people: [["Ada", "a"]], pets: [] });
  });

  it("rolls back every write when fn throws, and rethrows the same error", async () => {
    const bea = await db.person.create({ name: "Bea" });
    await db.pet.create({ ownerId: bea.id, name: "Tom" });
    const boom = new Error("boom");
    const thrown = await db
      .transaction(async (tx) => {
        const ada = await tx.person.create({ name: "Ada" });
        await tx.pet.create({ ownerId: ada.id, name: "Rex" });
        await tx.person.where("id", bea.id).update({ nick: "changed" });
        await tx.pet.where("name", "Tom").delete();
        expect(await tx.person.count()).toBe(2);
        throw boom;
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(thrown).toBe(boom);
    expect(await committed()).toEqual({ people: [["Bea", null]], pets: ["Tom"] });
    expect(await db.person.orderBy("name").pluck("name")).toEqual(["Bea"]);
  });

  it("rolls back earlier writes when a write inside fails on a constraint", async () => {
    await db.person.create({ name: "Bea" });
    await expect(
      db.transaction(async (tx) => {
        await tx.person.create({ name: "Ada" });
        await tx.person.create({ name: "Bea" });
      }),
    ).rejects.toBeInstanceOf(UniqueConstraintError);
    expect(await committed()).toEqual({ people: [["Bea", null]], pets: [] });
  });

  it("nests as a savepoint: an inner throw caught by the outer callback undoes only the inner writes", async () => {
    const inner = new Error("inner failed");
    const result = await db.transaction(async (tx) => {
      await tx.person.create({ name: "Ada" });
      const caught = await tx
        .transaction(async (nested) => {
          await nested.person.create({ name: "Bea" });
          await nested.person.where("name", "Ada").update({ nick: "changed" });
          expect(await nested.person.count()).toBe(2);
          throw inner;
        })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(caught).toBe(inner);
      // Inside the outer transaction the inner writes are gone, the outer ones are kept.
      expect((await tx.person.orderBy("name").get()).map((p) => [p.name, p.nick])).toEqual([["Ada", null]]);
      await tx.person.create({ name: "Cid" });
      return "outer done";
    });
    expect(result).toBe("outer done");
    expect(await committed()).toEqual({
      people: [
        ["Ada", null],
        ["Cid", null],
      ],
      pets: [],
    });
  });

  it("keeps a nested transaction's writes when it succeeds and returns its value", async () => {
    const result = await db.transaction(async (tx) => {
      const ada = await tx.person.create({ name: "Ada" });
      const pet = await tx.transaction(async (nested) => {
        const rex = await nested.pet.create({ ownerId: ada.id, name: "Rex" });
        return rex.name;
      });
      expect(await tx.pet.pluck("name")).toEqual(["Rex"]);
      return pet;
    });
    expect(result).toBe("Rex");
    expect(await committed()).toEqual({ people: [["Ada", null]], pets: ["Rex"] });
  });

  it("an outer throw also undoes a nested transaction that succeeded", async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.person.create({ name: "Ada" });
        await tx.transaction(async (nested) => {
          await nested.person.create({ name: "Bea" });
        });
        throw new Error("outer failed");
      }),
    ).rejects.toThrow("outer failed");
    expect(await committed()).toEqual({ people: [], pets: [] });
  });

  it("a failed statement inside a savepoint leaves the outer transaction usable", async () => {
    await db.transaction(async (tx) => {
      await tx.person.create({ name: "Ada" });
      const error = await tx
        .transaction((nested) => nested.person.create({ name: "Ada" }))
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(UniqueConstraintError);
      await tx.person.create({ name: "Bea" });
    });
    expect(await committed()).toEqual({
      people: [
        ["Ada", null],
        ["Bea", null],
      ],
      pets: [],
    });
  });

  it("sibling and deeper savepoints roll back independently", async () => {
    await db.transaction(async (tx) => {
      await tx.transaction(async (first) => {
        await first.person.create({ name: "first" });
      });
      await tx
        .transaction(async (second) => {
          await second.person.create({ name: "second" });
          // A third level inside the second: its failure is caught by the second level.
          await second
            .transaction(async (third) => {
              await third.person.create({ name: "third" });
              throw new Error("third failed");
            })
            .catch(() => undefined);
          expect(await second.person.orderBy("name").pluck("name")).toEqual(["first", "second"]);
          throw new Error("second failed");
        })
        .catch(() => undefined);
      await tx.transaction(async (fourth) => {
        await fourth.person.create({ name: "fourth" });
      });
    });
    expect((await committed()).people).toEqual([
      ["first", null],
      ["fourth", null],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------

describe(`destroy() (${dialect})`, () => {
  const t = useTestDb(schema);

  it("closes the pool: a query after destroy fails", async () => {
    const db = createDb({ schema, url: t.url });
    await db.push();
    await db.person.create({ name: "Ada" });
    expect(await db.person.pluck("name")).toEqual(["Ada"]);
    await db.destroy();
    await expect(db.person.count()).rejects.toThrow();
    await expect(sql`select 1`.execute(db.kysely)).rejects.toThrow();
  });

  it("closes a hand-built dialect's pool too", async () => {
    const db = createDb({ schema, dialect: handBuiltDialect[dialect](t.url) });
    expect(Number((await sql<{ n: unknown }>`select 1 as n`.execute(db.kysely)).rows[0]!.n)).toBe(1);
    await db.destroy();
    await expect(sql`select 1`.execute(db.kysely)).rejects.toThrow();
  });
});
