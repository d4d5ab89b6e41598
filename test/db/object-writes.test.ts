import { describe, expect, it } from "vitest";
import {
  bigint,
  decimal,
  defineSchema,
  float,
  id,
  integer,
  model,
  NotFoundError,
  RelataError,
  string,
  ValidationError,
} from "../../src/index.js";
import { caught } from "../support/caught.js";
import { dialect, returning, useTestDb } from "../support/test-db.js";

const seen: unknown[] = [];

const schema = defineSchema({
  counter: model({
    fields: {
      id: id(),
      name: string().unique(),
      n: integer().default(0),
      f: float().default(0),
      big: bigint().nullable(),
      price: decimal(10, 2).nullable(),
      secret: string().default("s3"),
    },
    hidden: ["secret"],
  }),
  hooked: model({
    fields: { id: id(), n: integer().default(0), note: string().default("") },
    events: {
      updating: (row) => {
        seen.push(row.n);
        if (row.n === 13) row.note = "unlucky";
      },
    },
  }),
});

describe(`Prisma-style writes on db.<model> on ${dialect}`, () => {
  const t = useTestDb(schema);
  const seed = async () => {
    await t.db.counter.query().delete();
    await t.db.counter.createMany([
      { name: "a", n: 1, f: 1.5, big: 10n, price: "2.50" },
      { name: "b", n: 2, f: 2.5, big: 20n, price: "3.00" },
      { name: "c", n: 3, f: 3.5, big: null, price: null },
    ]);
  };

  it("update({ where, data }) updates the one row a unique where names and returns it as findUnique would", async () => {
    await seed();
    const { queries, result } = await t.count(() =>
      t.db.counter.update({ where: { name: "a" }, data: { n: 10, f: { multiply: 2 } } }),
    );
    expect(result).toMatchObject({ name: "a", n: 10, f: 3 });
    expect(result).not.toHaveProperty("secret");
    // begin, find the key, update, read back, commit
    expect(queries).toBe(5);
    expect(await t.db.counter.where("name", "b").pluck("n")).toEqual([2]);
    const picked = await t.db.counter.update({ where: { name: "b" }, data: { n: 20 }, select: { n: true } });
    expect(picked).toEqual({ n: 20 });
  });

  it("update of a row that does not exist is NotFoundError and writes nothing", async () => {
    await seed();
    const error = await caught(() => t.db.counter.update({ where: { name: "zz" }, data: { n: 1 } }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(await t.db.counter.orderBy("name").pluck("n")).toEqual([1, 2, 3]);
  });

  it("update needs a unique where and both where and data, before any SQL", async () => {
    for (const call of [
      () => t.db.counter.update({ where: { n: 1 }, data: { n: 2 } } as never),
      () => t.db.counter.update({ data: { n: 2 } } as never),
      () => t.db.counter.update({ where: { name: "a" } } as never),
      () => t.db.counter.update({ where: { name: "a" }, data: { n: 2 }, nope: 1 } as never),
      () => t.db.counter.update({ n: 5 } as never),
      () => t.db.counter.update({ where: { name: "a" }, data: { n: { increment: "x" } } } as never),
      () => t.db.counter.update({ where: { name: "a" }, data: { name: { increment: 1 } } } as never),
      () => t.db.counter.update({ where: { name: "a" }, data: { n: { increment: 1, decrement: 1 } } } as never),
      () => t.db.counter.update({ where: { name: "a" }, data: { n: { divide: 0 } } }),
    ]) {
      const { queries, result } = await t.count(() => caught(call));
      expect(result).toBeInstanceOf(ValidationError);
      expect(queries).toBe(0);
    }
  });

  it("the handle's update and delete never write the whole table: the fluent spelling does", async () => {
    await seed();
    const update = await caught(() => t.db.counter.update({ n: 5 } as never));
    expect(update).toBeInstanceOf(ValidationError);
    expect(update.message).toContain('Unknown argument "n"');
    const remove = await caught(() => (t.db.counter.delete as () => Promise<unknown>)());
    expect(remove).toBeInstanceOf(ValidationError);
    const increment = await caught(() => (t.db.counter as any).increment("n"));
    expect(increment.message).toContain("db.counter.query().increment");
    expect(await t.db.counter.count()).toBe(3);
    // The explicit forms.
    expect(await t.db.counter.query().update({ n: 7 })).toBe(3);
    expect(await t.db.counter.orderBy("name").pluck("n")).toEqual([7, 7, 7]);
    expect(await t.db.counter.query().delete()).toBe(3);
    expect(await t.db.counter.count()).toBe(0);
  });

  it("updateMany and deleteMany return { count }; no where means every row, as in Prisma", async () => {
    await seed();
    expect(await t.db.counter.updateMany({ where: { n: { gte: 2 } }, data: { n: { increment: 10 } } })).toEqual({
      count: 2,
    });
    expect(await t.db.counter.orderBy("name").pluck("n")).toEqual([1, 12, 13]);
    const { queries, result } = await t.count(() => t.db.counter.updateMany({ data: { f: 0 } }));
    expect(result).toEqual({ count: 3 });
    expect(queries).toBe(1);
    expect(await t.db.counter.deleteMany({ where: { name: { in: ["a", "b"] } } })).toEqual({ count: 2 });
    expect(await t.db.counter.pluck("name")).toEqual(["c"]);
    const refused = await caught(() => t.db.counter.deleteMany({ where: undefined }));
    expect(refused).toBeInstanceOf(ValidationError);
    expect(await t.db.counter.count()).toBe(1);
    expect(await t.db.counter.deleteMany()).toEqual({ count: 1 });
    expect(await t.db.counter.count()).toBe(0);
  });

  it("updateMany takes fields only: a relation or unknown key is a ValidationError", async () => {
    const error = await caught(() => t.db.counter.updateMany({ data: { nope: 1 } } as never));
    expect(error).toBeInstanceOf(ValidationError);
  });

  it("updateManyAndReturn returns the rows as updated", async () => {
    await seed();
    const rows = await t.db.counter.updateManyAndReturn({
      where: { n: { lte: 2 } },
      data: { n: { decrement: 1 } },
      select: { name: true, n: true },
    });
    expect(rows.sort((x, y) => x.name.localeCompare(y.name))).toEqual([
      { name: "a", n: 0 },
      { name: "b", n: 1 },
    ]);
    expect(await t.db.counter.updateManyAndReturn({ where: { name: "zz" }, data: { n: 1 } })).toEqual([]);
  });

  it("delete({ where }) deletes the one row and returns it", async () => {
    await seed();
    const row = await t.db.counter.delete({ where: { name: "b" } });
    expect(row).toMatchObject({ name: "b", n: 2 });
    expect(await t.db.counter.orderBy("name").pluck("name")).toEqual(["a", "c"]);
    expect(await caught(() => t.db.counter.delete({ where: { name: "b" } }))).toBeInstanceOf(NotFoundError);
    expect(await caught(() => t.db.counter.delete({ where: { n: 1 } } as never))).toBeInstanceOf(ValidationError);
  });

  it("atomic number updates compute in the database: increment, decrement, multiply, divide, set", async () => {
    await seed();
    await t.db.counter.update({
      where: { name: "a" },
      data: { n: { increment: 4 }, f: { divide: 2 }, big: { multiply: 3 }, price: { increment: "1.25" } },
    });
    const a = await t.db.counter.where("name", "a").firstOrFail();
    expect(a).toMatchObject({ n: 5, f: 0.75, big: 30n, price: "3.75" });
    await t.db.counter.update({ where: { name: "a" }, data: { n: { divide: 2 }, big: { set: null } } });
    // Integer division truncates on every database.
    expect(await t.db.counter.where("name", "a").firstOrFail()).toMatchObject({ n: 2, big: null });
    // A null stays null.
    await t.db.counter.update({ where: { name: "c" }, data: { big: { increment: 1n } } });
    expect((await t.db.counter.where("name", "c").firstOrFail()).big).toBeNull();
    await t.db.counter.update({ where: { name: "c" }, data: { name: { set: "cc" } } });
    expect(await t.db.counter.where("name", "cc").count()).toBe(1);
  });

  it("concurrent increments do not lose updates", async () => {
    await seed();
    const runs = dialect === "sqlite" ? 5 : 20;
    await Promise.all(
      Array.from({ length: runs }, () =>
        t.db.counter.updateMany({ where: { name: "a" }, data: { n: { increment: 1 } } }),
      ),
    );
    expect(await t.db.counter.where("name", "a").pluck("n")).toEqual([1 + runs]);
  });

  it("fluent increment/decrement: one UPDATE with extra values, on a query", async () => {
    await seed();
    const { queries, result } = await t.count(() => t.db.counter.where("n", ">=", 2).increment("n", 5, { f: 9 }));
    expect(result).toBe(2);
    expect(queries).toBe(1);
    expect(await t.db.counter.orderBy("name").pluck("n")).toEqual([1, 7, 8]);
    expect(await t.db.counter.query().decrement("n")).toBe(3);
    expect(await t.db.counter.orderBy("name").pluck("n")).toEqual([0, 6, 7]);
    expect(await t.db.counter.orderBy("name").pluck("f")).toEqual([1.5, 9, 9]);
    for (const call of [
      () => t.db.counter.query().increment("name" as never),
      () => t.db.counter.query().increment("nope" as never),
      () => t.db.counter.query().increment("n", 1, { n: 2 } as never),
      () => t.db.counter.query().increment("n", "x" as never),
    ]) {
      expect(await caught(call)).toBeInstanceOf(ValidationError);
    }
  });

  it("update hooks see the value an atomic update gives, and what they change is written", async () => {
    seen.length = 0;
    const row = await t.db.hooked.create({ n: 12 });
    await t.db.hooked.update({ where: { id: row.id }, data: { n: { increment: 1 } } });
    expect(seen).toEqual([13]);
    expect(await t.db.hooked.find(row.id)).toMatchObject({ n: 13, note: "unlucky" });
  });
});

describe(`db.transaction([...]) on ${dialect}`, () => {
  const t = useTestDb(schema);

  it("runs the calls only when the transaction runs them, in order, and returns their results", async () => {
    await t.db.counter.query().delete();
    const before = t.queries.length;
    const create = t.db.counter.create({ name: "x", n: 1 });
    const count = t.db.counter.count();
    // Made, not run.
    expect(t.queries.length).toBe(before);
    const { queries, result } = await t.count(() =>
      t.db.transaction([create, t.db.counter.update({ where: { name: "x" }, data: { n: 2 } }), count]),
    );
    const [created, updated, counted] = result;
    expect(created).toMatchObject({ name: "x", n: 1 });
    expect(updated).toMatchObject({ name: "x", n: 2 });
    expect(counted).toBe(1);
    // begin, insert (MySQL: + select), savepoint-wrapped update (find, update, read back), count, commit
    expect(queries).toBeGreaterThanOrEqual(returning ? 7 : 8);
    expect(t.queries[before]!.sql.toLowerCase()).toMatch(/^begin|^start transaction/);
  });

  it("all or nothing: a failing call rolls back the ones before it", async () => {
    await t.db.counter.query().delete();
    const error = await caught(() =>
      t.db.transaction([
        t.db.counter.create({ name: "kept?", n: 1 }),
        t.db.counter.update({ where: { name: "missing" }, data: { n: 1 } }),
      ]),
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect(await t.db.counter.count()).toBe(0);
  });

  it("refuses what it cannot run, before the transaction opens", async () => {
    const ran = t.db.counter.count();
    await ran;
    const fluent = t.db.counter.where("n", 1).get();
    await fluent;
    for (const batch of [[fluent], [ran], [Promise.resolve(1)]]) {
      const { queries, result } = await t.count(() => caught(() => t.db.transaction(batch)));
      expect(result).toBeInstanceOf(RelataError);
      expect(queries).toBe(0);
    }
    const same = t.db.counter.count();
    expect(await caught(() => t.db.transaction([same, same]))).toBeInstanceOf(RelataError);
    expect(await caught(() => (t.db.transaction as any)([], 1))).toBeInstanceOf(RelataError);
  });

  it("an empty batch is an empty result; a call awaited on its own runs on its own", async () => {
    expect(await t.db.transaction([])).toEqual([]);
    const pending = t.db.counter.findMany();
    expect(Array.isArray(await pending)).toBe(true);
    // Awaiting it twice runs it once.
    const { queries } = await t.count(() => pending);
    expect(queries).toBe(0);
  });
});
