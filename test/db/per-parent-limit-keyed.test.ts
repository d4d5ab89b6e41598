import { beforeAll, describe, expect, it } from "vitest";
import { defineSchema, hasMany, id, integer, model, string } from "../../src/index.js";
import { dialect, eagerQueries, strategy, useTestDb } from "../support/test-db.js";

/**
 * A per-parent limit reads by key when the key column is indexed: on SQLite a correlated
 * `IN (... LIMIT n)` per key, on PostgreSQL a CROSS JOIN LATERAL of each key's limited rows;
 * by ROW_NUMBER() otherwise (and on MySQL/MariaDB). The rows are the same either way. Two
 * relations over the same rows: `notes` on an indexed foreign key, `plainNotes` on a column
 * with no index (a lookup per key would scan the table once per key).
 */
const schema = defineSchema({
  author: model({
    table: "ppl_authors",
    fields: { id: id(), name: string() },
    relations: {
      notes: hasMany("note", { foreignKey: "authorId" }),
      plainNotes: hasMany("note", { foreignKey: "plainAuthorId" }),
    },
  }),
  note: model({
    table: "ppl_notes",
    fields: {
      id: id(),
      authorId: integer().references("author.id"),
      plainAuthorId: integer(),
      rank: integer(),
      title: string(),
    },
  }),
});

describe(`per-parent limits by key or by window on ${dialect}`, () => {
  const t = useTestDb(schema);

  beforeAll(async () => {
    await t.truncate();
    const authors = await t.db.author.createMany(["a", "b", "c", "d"].map((name) => ({ name })));
    // Ranks repeat within an author only where the order then falls back to the id.
    await t.db.note.createMany(
      authors.flatMap((author, a) =>
        Array.from({ length: 2 + a * 2 }, (_, i) => ({
          authorId: author.id,
          plainAuthorId: author.id,
          rank: (i * 7 + a) % 5,
          title: `${author.name}${i}`,
        })),
      ),
    );
  });

  const titles = (
    rows: { notes?: { title: string }[]; plainNotes?: { title: string }[] }[],
    key: "notes" | "plainNotes",
  ) => rows.map((row) => row[key]!.map((note) => note.title));

  it("gives each parent the same rows with a where, an order, a limit and an offset, in one statement per level", async () => {
    const { queries, result: keyed } = await t.count(() =>
      t.db.author
        .with("notes", (q) => q.where("rank", "<", 4).orderBy("rank", "desc").orderBy("id").limit(2).offset(1))
        .orderBy("id")
        .get(),
    );
    expect(queries).toBe(eagerQueries(2));
    const plain = await t.db.author
      .with("plainNotes", (q) => q.where("rank", "<", 4).orderBy("rank", "desc").orderBy("id").limit(2).offset(1))
      .orderBy("id")
      .get();
    expect(titles(keyed, "notes")).toEqual(titles(plain, "plainNotes"));
    expect(titles(keyed, "notes")).toEqual([["a0"], ["b3", "b0"], ["c0", "c5"], ["d5", "d2"]]);
  });

  it("limit(0) and a limit beyond every parent's rows", async () => {
    const none = await t.db.author
      .with("notes", (q) => q.limit(0))
      .orderBy("id")
      .get();
    expect(titles(none, "notes")).toEqual([[], [], [], []]);
    const all = await t.db.author
      .with("notes", (q) => q.orderBy("id").limit(100))
      .orderBy("id")
      .get();
    const plain = await t.db.author
      .with("plainNotes", (q) => q.orderBy("id").limit(100))
      .orderBy("id")
      .get();
    expect(titles(all, "notes").map((list) => list.length)).toEqual([2, 4, 6, 8]);
    expect(titles(all, "notes")).toEqual(titles(plain, "plainNotes"));
  });

  it.runIf(dialect === "sqlite" && strategy === "query")(
    "SQLite: by key on the indexed foreign key, by window on the column without an index",
    async () => {
      t.queries.length = 0;
      await t.db.author.with("notes", (q) => q.orderBy("rank").limit(1)).get();
      expect(t.queries[1]!.sql).toContain("relata_keys");
      expect(t.queries[1]!.sql).not.toContain("row_number");
      t.queries.length = 0;
      await t.db.author.with("plainNotes", (q) => q.orderBy("rank").limit(1)).get();
      expect(t.queries[1]!.sql).toContain("row_number");
      expect(t.queries[1]!.sql).not.toContain("relata_keys");
    },
  );

  it.runIf(dialect === "postgres" && strategy === "query")(
    "PostgreSQL: a CROSS JOIN LATERAL on the indexed foreign key, by window on the column without an index",
    async () => {
      t.queries.length = 0;
      await t.db.author.with("notes", (q) => q.orderBy("rank").limit(1)).get();
      expect(t.queries[1]!.sql).toMatch(/cross join lateral \(select \* from "ppl_notes" where .* limit \$\d+\)/);
      expect(t.queries[1]!.sql).not.toContain("row_number");
      t.queries.length = 0;
      await t.db.author.with("plainNotes", (q) => q.orderBy("rank").limit(1)).get();
      expect(t.queries[1]!.sql).toContain("row_number");
      expect(t.queries[1]!.sql).not.toContain("lateral");
    },
  );

  it("the same shape again with other parents, limit and offset reads its own rows", async () => {
    const read = async (key: "notes" | "plainNotes", ids: number[], limit: number, offset: number) =>
      titles(
        await t.db.author
          .whereIn("id", ids)
          .with(key, (q) => q.orderBy("rank", "desc").orderBy("id").limit(limit).offset(offset))
          .orderBy("id")
          .get(),
        key,
      );
    const authors = await t.db.author.orderBy("id").get();
    const ids = authors.map((author) => author.id);
    for (const [some, limit, offset] of [
      [ids.slice(0, 2), 1, 0],
      [ids.slice(1), 3, 1],
      [ids, 2, 2],
    ] as const) {
      const keyed = await read("notes", [...some], limit, offset);
      expect(keyed).toEqual(await read("plainNotes", [...some], limit, offset));
      expect(keyed.map((list) => list.length)).toEqual(
        some.map((id) => Math.max(0, Math.min(limit, 2 + 2 * ids.indexOf(id) - offset))),
      );
    }
  });
});
