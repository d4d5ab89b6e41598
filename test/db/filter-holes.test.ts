import { beforeAll, describe, expect, it } from "vitest";
import {
  bigint,
  boolean,
  decimal,
  defineSchema,
  float,
  hasMany,
  id,
  integer,
  json,
  model,
  string,
  text,
  timestamp,
  ValidationError,
} from "../../src/index.js";
import { statementHelpers } from "../support/statements.js";
import { dialect, useTestDb } from "../support/test-db.js";

/**
 * Issue 16, the filter and argument holes the run time must refuse too (plain JS callers get no
 * types): withSum / withAvg over a field that is not a number (SQLite summed text as 0), and
 * unique wheres (findUnique, update, delete, upsert) that name no key, name one by null, or name
 * a composite key (a `uniques` list, a composite primary key) in full. Each refusal is a
 * ValidationError before any SQL.
 */

const schema = defineSchema(
  {
    shelf: model({
      fields: { id: id(), name: string() },
      relations: { items: hasMany("item") },
    }),
    item: model({
      fields: {
        id: id(),
        shelfId: integer().references("shelf.id"),
        label: string(),
        note: text().nullable(),
        count: integer(),
        weight: float(),
        serial: bigint(),
        price: decimal(8, 2),
        fragile: boolean(),
        addedAt: timestamp(),
        extra: json().nullable(),
      },
    }),
    article: model({
      fields: { id: id(), authorId: integer(), slug: string(), title: string(), code: string().unique().nullable() },
      uniques: [["authorId", "slug"]],
    }),
    seat: model({ fields: { hall: string().primary(), number: integer().primary(), price: integer() } }),
  },
  { casing: "snake_case" },
);

const NUMBER_FIELDS = "Number fields: id, shelfId, count, weight, serial.";

describe(`withSum / withAvg over number fields only, on ${dialect}`, () => {
  const t = useTestDb(schema);
  const { exactly, noSql } = statementHelpers(t);
  let tools: { id: number }, empty: { id: number };
  let itemIds = 0;

  beforeAll(async () => {
    tools = await t.db.shelf.create({ name: "tools" });
    empty = await t.db.shelf.create({ name: "empty" });
    const at = new Date("2024-05-01T10:00:00.000Z");
    const item = { shelfId: tools.id, fragile: false, addedAt: at, price: "1.50" };
    const saw = await t.db.item.create({ ...item, label: "saw", count: 2, weight: 1.5, serial: 10n });
    const axe = await t.db.item.create({ ...item, label: "axe", count: 3, weight: 2.25, serial: 20n });
    itemIds = saw.id + axe.id;
  });

  it("sums and averages integer, float, bigint and id fields (null over no rows)", async () => {
    const shelves = await exactly(1, () =>
      t.db.shelf
        .withSum("items", "count")
        .withAvg("items", "count")
        .withSum("items", "weight")
        .withAvg("items as meanSerial", "serial")
        .withSum("items", "id")
        .orderBy("id")
        .get(),
    );
    expect(shelves).toEqual([
      {
        id: tools.id,
        name: "tools",
        itemsSumCount: 5,
        itemsAvgCount: 2.5,
        itemsSumWeight: 3.75,
        meanSerial: 15,
        itemsSumId: itemIds,
      },
      {
        id: empty.id,
        name: "empty",
        itemsSumCount: null,
        itemsAvgCount: null,
        itemsSumWeight: null,
        meanSerial: null,
        itemsSumId: null,
      },
    ]);
  });

  it("a field of another kind is a ValidationError naming the number fields, before any SQL", async () => {
    for (const field of ["label", "note", "price", "fragile", "addedAt", "extra"]) {
      for (const call of [
        () => t.db.shelf.withSum("items", field as never),
        () => t.db.shelf.withAvg("items as mean", field as never),
        () => t.db.shelf.loadSum([tools], "items", field as never),
        () => t.db.shelf.loadAvg([tools], "items", field as never),
        () =>
          t.db.shelf
            .where("id", tools.id)
            .withSum("items", field as never)
            .get(),
      ]) {
        const error = await noSql(call);
        expect(error).toBeInstanceOf(ValidationError);
        expect(error.model).toBe("item");
        expect(error.field).toBe(field);
        expect(error.message).toContain(`"${field}"`);
        expect(error.message).toContain(NUMBER_FIELDS);
      }
    }
  });

  it("withMin / withMax still read any field but json", async () => {
    const [shelf] = await t.db.shelf.where("id", tools.id).withMin("items", "label").withMax("items", "price").get();
    expect(shelf).toMatchObject({ itemsMinLabel: "axe", itemsMaxPrice: "1.50" });
  });
});

describe(`unique wheres name a whole key by values, on ${dialect}`, () => {
  const t = useTestDb(schema);
  const { exactly, noSql } = statementHelpers(t);

  let first: { id: number }, second: { id: number };

  beforeAll(async () => {
    first = await t.db.article.create({ authorId: 7, slug: "hello", title: "Hello", code: "A1" });
    second = await t.db.article.create({ authorId: 8, slug: "hello", title: "Hello again", code: null });
    await t.db.seat.create({ hall: "A", number: 1, price: 10 });
    await t.db.seat.create({ hall: "A", number: 2, price: 12 });
  });

  it("findUnique by every field of a `uniques` list, and by a composite primary key", async () => {
    expect(await exactly(1, () => t.db.article.findUnique({ where: { authorId: 8, slug: "hello" } }))).toMatchObject({
      id: second.id,
    });
    expect(
      await t.db.article.findUniqueOrThrow({
        where: { authorId: 7, slug: "hello", title: "Hello" },
        select: { id: true },
      }),
    ).toEqual({ id: first.id });
    expect(await t.db.article.findUnique({ where: { authorId: 7, slug: "nope" } })).toBeNull();
    expect(await t.db.seat.findUnique({ where: { hall: "A", number: 2 } })).toEqual({
      hall: "A",
      number: 2,
      price: 12,
    });
  });

  it("update, delete and upsert by a `uniques` list or a composite primary key", async () => {
    const updated = await t.db.seat.update({ where: { hall: "A", number: 1 }, data: { price: 11 } });
    expect(updated).toEqual({ hall: "A", number: 1, price: 11 });
    const upserted = await t.db.article.upsert({
      where: { authorId: 9, slug: "new" },
      create: { authorId: 9, slug: "new", title: "New" },
      update: { title: "Newer" },
    });
    expect(upserted).toMatchObject({ authorId: 9, slug: "new", title: "New" });
    expect(await t.db.article.delete({ where: { authorId: 9, slug: "new" } })).toMatchObject({ title: "New" });
    expect(await t.db.article.where("authorId", 9).count()).toBe(0);
  });

  it("part of a composite key, a field that is not unique, or null is a ValidationError before any SQL", async () => {
    const wheres = [
      ["article", { slug: "hello" }],
      ["article", { authorId: 7 }],
      ["article", { title: "Hello" }],
      ["article", { code: null }],
      ["article", { authorId: 7, slug: null }],
      ["article", { id: { equals: 1 } }],
      ["article", {}],
      ["seat", { hall: "A" }],
      ["seat", { hall: "A", number: null }],
    ] as const;
    for (const [model, where] of wheres) {
      const handle = t.db[model] as any;
      for (const call of [
        () => handle.findUnique({ where }),
        () => handle.findUniqueOrThrow({ where }),
        () => handle.update({ where, data: {} }),
        () => handle.delete({ where }),
      ]) {
        const error = await noSql(call);
        expect(error).toBeInstanceOf(ValidationError);
        expect(error.message).toContain("needs its where to name the primary key");
      }
    }
    const article = await noSql(() => t.db.article.findUnique({ where: { title: "Hello" } as never }));
    expect(article.message).toBe(
      'findUnique on "article" needs its where to name the primary key (id) or a unique field (code) or fields unique together (authorId + slug) with values (not null, not filters).',
    );
    const seat = await noSql(() => t.db.seat.findUnique({ where: { hall: "A" } as never }));
    expect(seat.message).toBe(
      'findUnique on "seat" needs its where to name the primary key (hall + number) with values (not null, not filters).',
    );
  });
});
