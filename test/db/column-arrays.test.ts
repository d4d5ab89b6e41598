import { beforeEach, describe, expect, it } from "vitest";
import {
  belongsToMany,
  bigint,
  boolean,
  date,
  decimal,
  defineSchema,
  float,
  id,
  integer,
  json,
  model,
  string,
  text,
  timestamp,
  uuid,
} from "../../src/index.js";
import { dialect, useTestDb } from "../support/test-db.js";

/**
 * Batch writes bound as one array per column (PostgreSQL: `INSERT ... SELECT * FROM unnest(...)`,
 * and the derived tables of syncMany's DELETE and UPDATE, the three as one WITH statement):
 * every kind of value goes in and comes back as a VALUES list would write it, rows in the order
 * given. On the other databases the same writes are VALUES lists; the values must read back
 * alike there too. The pivot's `note` column is named `note$1`: renumbering the parameters of
 * the statements one WITH joins must leave a quoted identifier alone.
 */
const schema = defineSchema(
  {
    item: model({
      fields: {
        id: id(),
        code: uuid(),
        name: string().unique(),
        body: text().nullable(),
        count: integer().nullable(),
        big: bigint().nullable(),
        ratio: float().nullable(),
        price: decimal(10, 2).nullable(),
        active: boolean(),
        seenAt: timestamp().nullable(),
        wallClock: timestamp({ withTimezone: false }).nullable(),
        day: date().nullable(),
        data: json().nullable(),
      },
      relations: {
        labels: belongsToMany("label", {
          pivotFields: { note: string().nullable().column("note$1"), at: timestamp() },
        }),
      },
    }),
    label: model({ fields: { id: id(), name: string() } }),
  },
  { casing: "snake_case" },
);

/** Text a hand-made array literal would get wrong: quotes, backslashes, braces, commas, NULL, blanks. */
const AWKWARD = [
  'a "quoted", {braced} value',
  'back\\slash \\\\ and \\"',
  "NULL",
  "",
  "  padded  ",
  "ünï ✓ 😀",
  "line\nbreak",
];

const at = (n: number) => new Date(Date.UTC(2024, 0, 1 + n, 10, 30, 15, 250));

function rowFor(i: number) {
  const text = AWKWARD[i % AWKWARD.length]!;
  return {
    code: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    name: `${text}#${i}`,
    body: i % 3 === 0 ? null : text,
    count: i % 4 === 0 ? null : i - 3,
    big: i % 5 === 0 ? null : 9_007_199_254_740_993n + BigInt(i),
    ratio: i % 2 === 0 ? null : i / 8,
    price: i % 3 === 1 ? null : `${i}.5${i % 10}`,
    active: i % 2 === 0,
    seenAt: i % 4 === 2 ? null : at(i),
    wallClock: i % 3 === 2 ? null : at(i + 100),
    day: i % 5 === 3 ? null : `2024-02-${String((i % 28) + 1).padStart(2, "0")}`,
    data: i % 4 === 3 ? null : { text, list: [i, null, "}{"], nested: { ok: i % 2 === 0 } },
  };
}

describe(`batch writes bound as column arrays on ${dialect}`, () => {
  const t = useTestDb(schema);
  const statements = t.queries;

  beforeEach(() => t.truncate());

  it("a multi-row create stores every kind of value as given, and returns the rows in the order given", async () => {
    const { db } = t;
    const input = Array.from({ length: 14 }, (_, i) => rowFor(i));
    const created = await db.item.createMany(input);
    expect(created.map((row) => row.name)).toEqual(input.map((row) => row.name));
    const ids = created.map((row) => row.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));

    const read = await db.item.orderBy("id").get();
    expect(read).toEqual(created);
    for (const [i, row] of read.entries()) expect({ ...row, id: undefined }).toEqual({ ...input[i], id: undefined });

    const insert = statements.find((s) => s.sql.startsWith("insert"))!;
    if (dialect === "postgres") {
      // One array parameter per column, whatever the number of rows.
      expect(insert.sql).toContain(" select * from unnest(");
      expect(insert.params).toHaveLength(12);
      for (const param of insert.params) expect(param).toHaveLength(14);
    } else {
      expect(insert.params).toHaveLength(12 * 14);
    }
  });

  it("skipDuplicates skips the rows a unique key already has, and only them", async () => {
    const { db } = t;
    await db.item.createMany([rowFor(1), rowFor(2)]);
    const result = await db.item.createMany({
      data: [rowFor(2), rowFor(3), rowFor(1), rowFor(4)],
      skipDuplicates: true,
    });
    expect(result).toEqual({ count: 2 });
    expect((await db.item.orderBy("id").get()).map((row) => row.name)).toEqual([1, 2, 3, 4].map((i) => rowFor(i).name));
  });

  it("syncMany's pivot INSERT, UPDATE and DELETE of many parents write the values given", async () => {
    const { db } = t;
    const items = await db.item.createMany([rowFor(1), rowFor(2), rowFor(3)]);
    const labels = await db.label.createMany([{ name: "a" }, { name: "b" }, { name: "c" }]);
    const [a, b, c] = labels.map((label) => label.id) as [number, number, number];
    await db.item.syncMany(
      "labels",
      items.map((item, i) => [item, { [a]: { note: AWKWARD[i]!, at: at(i) }, [b]: { note: null, at: at(10 + i) } }]),
    );
    statements.length = 0;
    const results = await db.item.syncMany(
      "labels",
      items.map((item, i) => [
        item,
        { [a]: { note: AWKWARD[i + 3]!, at: at(i) }, [c]: { note: '}{,"', at: at(20 + i) } },
      ]),
    );
    expect(results).toEqual(items.map(() => ({ attached: [c], detached: [b], updated: [a] })));
    const read = await db.item
      .with("labels", (q) => q.orderBy("id"))
      .orderBy("id")
      .get();
    read.forEach((item, i) => {
      expect(item.labels.map(({ name, pivot: { note, at } }) => [name, { note, at }])).toEqual([
        ["a", { note: AWKWARD[i + 3], at: at(i) }],
        ["c", { note: '}{,"', at: at(20 + i) }],
      ]);
    });
    if (dialect === "postgres") {
      // The DELETE, INSERT and UPDATE as one statement (a data-modifying WITH), each binding arrays.
      const writes = statements.filter((s) => /^(insert|update|delete|with)/.test(s.sql));
      expect(writes).toHaveLength(1);
      expect(writes[0]!.sql.match(/relata_w\d as \((\w+)/g)?.map((cte) => cte.split("(")[1])).toEqual([
        "delete",
        "insert",
        "update",
      ]);
      expect(writes[0]!.sql.match(/unnest\(/g)).toHaveLength(3);
      for (const param of writes[0]!.params) expect(param).toHaveLength(3);
    }
  });

  it("a sync's writes run delete, insert, update in that order: a detached row's unique pivot value may be taken", async () => {
    const { db } = t;
    await db.kysely.schema.createIndex("item_label_note_unique").unique().on("item_label").column("note$1").execute();
    try {
      const [item] = await db.item.createMany([rowFor(1)]);
      const [a, b, c] = (await db.label.createMany([{ name: "a" }, { name: "b" }, { name: "c" }])).map((l) => l.id) as [
        number,
        number,
        number,
      ];
      await db.item
        .related(item!, "labels")
        .sync({ [a]: { note: "first", at: at(1) }, [b]: { note: "second", at: at(2) } });
      // a goes, b takes a's note and c takes b's: each only after the row holding it went or changed.
      const result = await db.item
        .related(item!, "labels")
        .sync({ [b]: { note: "first", at: at(2) }, [c]: { note: "third", at: at(3) } });
      expect(result).toEqual({ attached: [c], detached: [a], updated: [b] });
      const again = await db.item.related(item!, "labels").sync({ [c]: { note: "first", at: at(3) } });
      expect(again).toEqual({ attached: [], detached: [b], updated: [c] });
      const labels = await db.item.related(item!, "labels").get();
      expect(labels.map((label) => [label.name, label.pivot.note])).toEqual([["c", "first"]]);
    } finally {
      const drop = db.kysely.schema.dropIndex("item_label_note_unique");
      await (dialect === "mysql" ? drop.on("item_label") : drop).execute();
    }
  });
});
