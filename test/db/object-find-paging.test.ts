import { beforeAll, describe, expect, it } from "vitest";
import {
  belongsTo,
  defineSchema,
  hasMany,
  id,
  integer,
  model,
  string,
  text,
  timestamp,
  ValidationError,
} from "../../src/index.js";
import { caught } from "../support/caught.js";
import { dialect, useTestDb } from "../support/test-db.js";

/**
 * findMany/findFirst `cursor`, `distinct` and `omit` (Prisma's semantics): cursor pages start at
 * the cursor row in the query's order (ties broken by the primary key), a negative take reads
 * backwards, distinct keeps the first row of each combination before take/skip, omit leaves
 * fields out at any level. Each is one statement (plus one per relation level).
 */
const schema = defineSchema({
  person: model({
    fields: {
      id: id(),
      code: string().unique(),
      name: string(),
      city: string().nullable(),
      score: integer(),
      password: string(),
    },
    relations: { posts: hasMany("post") },
    hidden: ["password"],
  }),
  post: model({
    fields: { id: id(), personId: integer(), title: string(), body: text() },
    relations: { person: belongsTo("person") },
  }),
  seat: model({
    fields: { row: integer().primary(), col: integer().primary(), label: string() },
  }),
  entry: model({
    fields: { id: id(), kind: string(), deletedAt: timestamp().nullable() },
    softDeletes: true,
  }),
});

// id: [code, name, city, score]; score ties and NULL cities on purpose.
const PEOPLE: [string, string, string | null, number][] = [
  ["a", "Ada", "Oslo", 10],
  ["b", "Bob", "Rome", 20],
  ["c", "Cy", "Oslo", 20],
  ["d", "Di", null, 10],
  ["e", "Ed", "Rome", 30],
  ["f", "Flo", null, 20],
  ["g", "Gus", "Oslo", 10],
];

const ids = (rows: readonly { id: number }[]) => rows.map((r) => r.id);

describe(`findMany cursor / distinct / omit on ${dialect}`, () => {
  const t = useTestDb(schema);

  beforeAll(async () => {
    await t.db.person.createMany(
      PEOPLE.map(([code, name, city, score]) => ({ code, name, city, score, password: `pw-${code}` })),
    );
    await t.db.post.createMany([
      { personId: 1, title: "A1", body: "long a1" },
      { personId: 1, title: "A2", body: "long a2" },
      { personId: 3, title: "C1", body: "long c1" },
    ]);
    await t.db.seat.createMany([
      { row: 1, col: 1, label: "x" },
      { row: 1, col: 2, label: "y" },
      { row: 2, col: 1, label: "x" },
      { row: 2, col: 2, label: "z" },
    ]);
  });

  describe("cursor", () => {
    it("starts at the cursor row, by primary key when there is no orderBy; skip: 1 leaves it out", async () => {
      const { queries, result } = await t.count(() => t.db.person.findMany({ cursor: { id: 3 }, take: 2 }));
      expect(ids(result)).toEqual([3, 4]);
      expect(queries).toBe(1);
      expect(ids(await t.db.person.findMany({ cursor: { id: 3 }, take: 2, skip: 1 }))).toEqual([4, 5]);
      expect(ids(await t.db.person.findMany({ cursor: { id: 6 } }))).toEqual([6, 7]);
      expect(ids(await t.db.person.findMany({ cursor: { code: "e" }, take: 10 }))).toEqual([5, 6, 7]);
    });

    it("follows the query's order, ties broken by the primary key", async () => {
      // score asc, id asc: 1 4 7 | 2 3 6 | 5
      const page = (cursor: number, take: number, skip?: number) =>
        t.db.person.findMany({ cursor: { id: cursor }, take, orderBy: { score: "asc" }, ...(skip ? { skip } : {}) });
      expect(ids(await page(7, 3))).toEqual([7, 2, 3]);
      expect(ids(await page(7, 3, 1))).toEqual([2, 3, 6]);
      expect(ids(await page(6, 5))).toEqual([6, 5]);
      // Paging through with skip: 1 visits every row once.
      const seen: number[] = [];
      let cursor: number | undefined;
      for (;;) {
        const rows = await t.db.person.findMany({
          orderBy: [{ score: "desc" }],
          take: 2,
          ...(cursor === undefined ? {} : { cursor: { id: cursor }, skip: 1 }),
        });
        if (rows.length === 0) break;
        seen.push(...ids(rows));
        cursor = rows[rows.length - 1]!.id;
      }
      expect(seen).toEqual([5, 2, 3, 6, 1, 4, 7]);
    });

    it("a negative take reads the rows before the cursor, returned in the query's order", async () => {
      const order = { orderBy: { score: "asc" as const } };
      const { queries, result } = await t.count(() => t.db.person.findMany({ cursor: { id: 3 }, take: -3, ...order }));
      expect(ids(result)).toEqual([7, 2, 3]);
      expect(queries).toBe(1);
      expect(ids(await t.db.person.findMany({ cursor: { id: 3 }, take: -2, skip: 1, ...order }))).toEqual([7, 2]);
      expect(ids(await t.db.person.findMany({ cursor: { id: 1 }, take: -3, ...order }))).toEqual([1]);
      // Without a cursor: the last rows.
      expect(ids(await t.db.person.findMany({ take: -2, ...order }))).toEqual([6, 5]);
      expect(ids(await t.db.person.findMany({ take: -2 }))).toEqual([6, 7]);
    });

    it("NULLs in the order field sort where the database puts them, and pages agree with the full order", async () => {
      for (const direction of ["asc", "desc"] as const) {
        const orderBy = { city: direction };
        const all = ids(await t.db.person.findMany({ orderBy: [orderBy, { id: "asc" }] }));
        for (let i = 0; i < all.length; i++) {
          const cursor = { id: all[i]! };
          expect(ids(await t.db.person.findMany({ cursor, take: 3, orderBy }))).toEqual(all.slice(i, i + 3));
          expect(ids(await t.db.person.findMany({ cursor, take: -3, orderBy }))).toEqual(
            all.slice(Math.max(0, i - 2), i + 1),
          );
        }
      }
    });

    it("a cursor row that does not exist gives no rows; one the where leaves out still places the page", async () => {
      expect(await t.db.person.findMany({ cursor: { id: 999 }, take: 2 })).toEqual([]);
      expect(await t.db.person.findFirst({ cursor: { code: "zz" } })).toBeNull();
      // score asc: ... 2(20) 3(20) 6(20) 5(30); Oslo rows at or after Bob: Cy.
      const rows = await t.db.person.findMany({
        where: { city: "Oslo" },
        cursor: { id: 2 },
        orderBy: { score: "asc" },
      });
      expect(ids(rows)).toEqual([3]);
    });

    it("works with findFirst, include (relations loaded: one more statement), and a composite key", async () => {
      expect((await t.db.person.findFirst({ cursor: { id: 2 }, skip: 1 }))!.id).toBe(3);
      const { queries, result } = await t.count(() =>
        t.db.person.findMany({ cursor: { id: 1 }, take: 3, include: { posts: { orderBy: { id: "asc" } } } }),
      );
      expect(queries).toBe(2);
      expect(result.map((p) => [p.id, p.posts.map((x) => x.title)])).toEqual([
        [1, ["A1", "A2"]],
        [2, []],
        [3, ["C1"]],
      ]);
      const seats = await t.db.seat.findMany({ cursor: { row: 1, col: 2 }, take: 2 });
      expect(seats.map((s) => s.label)).toEqual(["y", "x"]);
      const back = await t.db.seat.findMany({ cursor: { row: 2, col: 1 }, take: -2 });
      expect(back.map((s) => [s.row, s.col])).toEqual([
        [1, 2],
        [2, 1],
      ]);
    });
  });

  describe("distinct", () => {
    it("keeps the first row of each combination in the query's order", async () => {
      const { queries, result } = await t.count(() =>
        t.db.person.findMany({ distinct: ["city"], orderBy: { id: "asc" } }),
      );
      expect(ids(result)).toEqual([1, 2, 4]);
      expect(queries).toBe(1);
      // score desc, id asc: 5 | 2 3 6 | 1 4 7
      expect(ids(await t.db.person.findMany({ distinct: "city", orderBy: { score: "desc" } }))).toEqual([5, 3, 6]);
      const pairs = await t.db.person.findMany({ distinct: ["city", "score"], orderBy: { id: "desc" } });
      expect(ids(pairs)).toEqual([7, 6, 5, 4, 3, 2]);
      // No orderBy: the first by primary key.
      expect(ids(await t.db.person.findMany({ distinct: "score" }))).toEqual([1, 2, 5]);
    });

    it("take and skip apply after distinct; where before it", async () => {
      expect(ids(await t.db.person.findMany({ distinct: "city", take: 2, skip: 1 }))).toEqual([2, 4]);
      expect(ids(await t.db.person.findMany({ distinct: "city", where: { score: { gte: 20 } } }))).toEqual([2, 3, 6]);
      expect(ids(await t.db.person.findMany({ distinct: "city", take: -2 }))).toEqual([6, 7]);
    });

    it("combines with a cursor: the cursor first, then distinct", async () => {
      // id asc from 3: 3 Oslo, 4 null, 5 Rome, 6 null, 7 Oslo
      expect(ids(await t.db.person.findMany({ distinct: "city", cursor: { id: 3 } }))).toEqual([3, 4, 5]);
      expect(ids(await t.db.person.findMany({ distinct: "city", cursor: { id: 3 }, take: 2, skip: 1 }))).toEqual([
        4, 5,
      ]);
    });

    it("still loads relations and selects; findFirst and composite keys too", async () => {
      const { queries, result } = await t.count(() =>
        t.db.person.findMany({
          distinct: "city",
          select: { name: true, city: true, posts: { select: { title: true }, orderBy: { id: "asc" } } },
        }),
      );
      expect(queries).toBe(2);
      expect(result).toEqual([
        { name: "Ada", city: "Oslo", posts: [{ title: "A1" }, { title: "A2" }] },
        { name: "Bob", city: "Rome", posts: [] },
        { name: "Di", city: null, posts: [] },
      ]);
      expect((await t.db.person.findFirst({ distinct: "city", orderBy: { score: "desc" } }))!.id).toBe(5);
      const labels = await t.db.seat.findMany({ distinct: "label", orderBy: { col: "desc" } });
      expect(labels.map((s) => [s.row, s.col, s.label])).toEqual([
        [1, 2, "y"],
        [2, 2, "z"],
        [1, 1, "x"],
      ]);
    });
  });

  it("the join strategy gives the same rows in one statement", async () => {
    const args = {
      cursor: { id: 2 },
      take: -2,
      distinct: "city",
      omit: { password: true, code: true },
      include: { posts: { omit: { body: true }, orderBy: { id: "asc" } } },
    } as const;
    const byQuery = await t.db.person.findMany({ ...args, relationLoadStrategy: "query" });
    const { queries, result } = await t.count(() => t.db.person.findMany({ ...args, relationLoadStrategy: "join" }));
    expect(queries).toBe(1);
    expect(result).toEqual(byQuery);
    // id asc up to Bob, distinct by city: Ada (Oslo), Bob (Rome).
    expect(result).toEqual([
      {
        id: 1,
        name: "Ada",
        city: "Oslo",
        score: 10,
        posts: [
          { id: 1, personId: 1, title: "A1" },
          { id: 2, personId: 1, title: "A2" },
        ],
      },
      { id: 2, name: "Bob", city: "Rome", score: 20, posts: [] },
    ]);
  });

  it("the subqueries meet the model's rule: a soft-deleted row is no cursor and no first of its kind", async () => {
    await t.db.entry.createMany([{ kind: "a" }, { kind: "a" }, { kind: "b" }]);
    await t.db.entry.where("id", 1).delete();
    expect(await t.db.entry.withTrashed().count()).toBe(3);
    const kinds = await t.db.entry.findMany({ distinct: "kind" });
    expect(kinds.map((e) => [e.id, e.kind])).toEqual([
      [2, "a"],
      [3, "b"],
    ]);
    expect(await t.db.entry.findMany({ cursor: { id: 1 } })).toEqual([]);
    expect(ids(await t.db.entry.findMany({ take: -5 }))).toEqual([2, 3]);
  });

  describe("omit", () => {
    it("leaves fields out on findMany, findFirst, findFirstOrThrow, findUnique, findUniqueOrThrow", async () => {
      const { queries, result } = await t.count(() =>
        t.db.person.findMany({ omit: { score: true, code: true }, where: { id: { lte: 2 } }, orderBy: { id: "asc" } }),
      );
      expect(queries).toBe(1);
      expect(result).toEqual([
        { id: 1, name: "Ada", city: "Oslo" },
        { id: 2, name: "Bob", city: "Rome" },
      ]);
      const expected = { id: 1, code: "a", name: "Ada", city: "Oslo" };
      expect(await t.db.person.findFirst({ omit: { score: true }, orderBy: { id: "asc" } })).toEqual(expected);
      expect(await t.db.person.findFirstOrThrow({ omit: { score: true }, where: { id: 1 } })).toEqual(expected);
      expect(await t.db.person.findUnique({ omit: { score: true }, where: { id: 1 } })).toEqual(expected);
      expect(await t.db.person.findUniqueOrThrow({ omit: { score: true }, where: { code: "a" } })).toEqual(expected);
      // false keeps a field: the same as no omit.
      expect(await t.db.person.findUnique({ omit: { score: false }, where: { id: 1 } })).toEqual({
        ...expected,
        score: 10,
      });
    });

    it("{ field: false } reads a hidden field, as Prisma's query omit overrides its global omit", async () => {
      expect(await t.db.person.findUnique({ where: { id: 2 } })).not.toHaveProperty("password");
      const row = await t.db.person.findUnique({ where: { id: 2 }, omit: { password: false, score: true } });
      expect(row).toEqual({ id: 2, code: "b", name: "Bob", city: "Rome", password: "pw-b" });
      expect(await t.db.person.findUnique({ where: { id: 2 }, omit: { password: true } })).not.toHaveProperty(
        "password",
      );
    });

    it("nests inside include and select, and keeps the keys relations stitch on", async () => {
      const { queries, result } = await t.count(() =>
        t.db.person.findMany({
          where: { id: 1 },
          omit: { id: true, code: true, city: true, score: true },
          include: { posts: { omit: { body: true, personId: true }, orderBy: { id: "asc" } } },
        }),
      );
      expect(queries).toBe(2);
      expect(result).toEqual([
        {
          name: "Ada",
          posts: [
            { id: 1, title: "A1" },
            { id: 2, title: "A2" },
          ],
        },
      ]);
      const post = await t.db.post.findFirst({
        where: { id: 3 },
        select: { title: true, person: { omit: { password: true, code: true, city: true, score: true } } },
      });
      expect(post).toEqual({ title: "C1", person: { id: 3, name: "Cy" } });
    });
  });

  describe("bad arguments are ValidationErrors before any SQL", () => {
    const cases: [string, () => Promise<unknown>, RegExp][] = [
      [
        "select with omit",
        () => t.db.person.findMany({ select: { id: true }, omit: { name: true } } as never),
        /select or omit/,
      ],
      [
        "omit of every field",
        () => t.db.person.findMany({ omit: { id: true, code: true, name: true, city: true, score: true } }),
        /no field/,
      ],
      ["omit of a relation", () => t.db.person.findMany({ omit: { posts: true } } as never), /"posts" is a relation/],
      [
        "omit of an unknown field",
        () => t.db.person.findMany({ omit: { nope: true } } as never),
        /unknown field "nope"/,
      ],
      ["omit not boolean", () => t.db.person.findMany({ omit: { name: 1 } } as never), /true or false/],
      [
        "nested cursor",
        () => t.db.person.findMany({ include: { posts: { cursor: { id: 1 } } } } as never),
        /top level/,
      ],
      [
        "nested distinct",
        () => t.db.person.findMany({ include: { posts: { distinct: "title" } } } as never),
        /top level/,
      ],
      ["nested negative take", () => t.db.person.findMany({ include: { posts: { take: -1 } } }), /non-negative/],
      ["cursor on a non-unique field", () => t.db.person.findMany({ cursor: { name: "Ada" } }), /primary key/],
      ["cursor with an operator", () => t.db.person.findMany({ cursor: { id: { gt: 1 } } } as never), /cursor/],
      ["cursor of null", () => t.db.person.findMany({ cursor: { code: null } } as never), /cursor/],
      ["cursor not an object", () => t.db.person.findMany({ cursor: 5 } as never), /cursor/],
      ["cursor of a wrong type", () => t.db.person.findMany({ cursor: { id: "x" } } as never), /id/],
      ["distinct of a relation", () => t.db.person.findMany({ distinct: "posts" } as never), /relation/],
      ["distinct of an unknown field", () => t.db.person.findMany({ distinct: ["nope"] } as never), /nope/],
      ["distinct of nothing", () => t.db.person.findMany({ distinct: [] }), /non-empty/],
      ["take not an integer", () => t.db.person.findMany({ take: 1.5 }), /take/],
    ];
    for (const [name, call, message] of cases) {
      it(name, async () => {
        const { queries, result } = await t.count(() => caught(call));
        expect(result).toBeInstanceOf(ValidationError);
        expect((result as Error).message).toMatch(message);
        expect(queries).toBe(0);
      });
    }
  });
});
