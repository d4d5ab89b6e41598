import { beforeAll, describe, expect, it } from "vitest";
import {
  bigint,
  boolean,
  date,
  defineSchema,
  float,
  hasMany,
  id,
  integer,
  json,
  model,
  string,
  timestamp,
  uuid,
  ValidationError,
} from "../../src/index.js";
import { dialect, useTestDb } from "../support/test-db.js";

/** Posts with every kind an aggregate reads, snake_case columns, a soft delete and a global scope. */
const schema = defineSchema(
  {
    writer: model({
      fields: { id: id(), name: string() },
      relations: { posts: hasMany("post", { foreignKey: "authorId" }) },
    }),
    post: model({
      fields: {
        id: id(),
        authorId: integer(),
        title: string(),
        city: string().nullable(),
        viewCount: integer(),
        rating: float().nullable(),
        bigValue: bigint().nullable(),
        published: boolean(),
        publishedAt: timestamp().nullable(),
        localAt: timestamp({ withTimezone: false }).nullable(),
        day: date().nullable(),
        code: uuid().nullable(),
        meta: json().nullable(),
        archived: boolean().default(false),
        deletedAt: timestamp().nullable(),
      },
      softDeletes: true,
      scopes: { live: (q) => q.where("archived", false) },
    }),
  },
  { casing: "snake_case" },
);

const BIG = 9007199254740993n; // 2^53 + 1: not a double
const uuidOf = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
const at = (iso: string) => new Date(iso);

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe(`db.<model>.count / aggregate / groupBy (Prisma's) on ${dialect}`, () => {
  const t = useTestDb(schema);

  beforeAll(async () => {
    await t.db.writer.createMany([
      { id: 1, name: "Ada" },
      { id: 2, name: "Bob" },
    ]);
    const base = { meta: null, archived: false, deletedAt: null, localAt: at("2024-01-01T10:00:00.000Z") };
    await t.db.post.createMany([
      {
        ...base,
        id: 1,
        authorId: 1,
        title: "a",
        city: "Paris",
        viewCount: 10,
        rating: 1.5,
        bigValue: BIG,
        published: true,
        publishedAt: at("2024-01-01T00:00:00.000Z"),
        day: "2024-01-01",
        code: uuidOf(1),
      },
      {
        ...base,
        id: 2,
        authorId: 1,
        title: "b",
        city: "Paris",
        viewCount: 20,
        rating: null,
        bigValue: 1n,
        published: false,
        publishedAt: at("2024-03-01T12:30:00.000Z"),
        day: null,
        code: uuidOf(2),
      },
      {
        ...base,
        id: 3,
        authorId: 2,
        title: "c",
        city: "Rome",
        viewCount: 5,
        rating: 2.5,
        bigValue: null,
        published: true,
        publishedAt: null,
        day: "2023-05-06",
        code: null,
        localAt: at("2024-06-01T00:00:00.000Z"),
      },
      {
        ...base,
        id: 4,
        authorId: 2,
        title: "d",
        city: null,
        viewCount: 1,
        rating: 0.5,
        bigValue: 2n,
        published: false,
        publishedAt: at("2024-02-01T00:00:00.000Z"),
        day: null,
        code: null,
        meta: { a: 1 },
        localAt: null,
      },
      // Left out by the soft delete and by the global scope: never counted.
      {
        ...base,
        id: 5,
        authorId: 1,
        title: "gone",
        city: "Paris",
        viewCount: 1000,
        published: true,
        deletedAt: at("2024-05-05T00:00:00.000Z"),
      },
      { ...base, id: 6, authorId: 2, title: "archived", city: "Rome", viewCount: 500, published: true, archived: true },
    ]);
  });

  describe("count(args)", () => {
    it("counts the rows where matches, in one statement, leaving out soft-deleted and scoped rows", async () => {
      expect(await t.db.post.withTrashed().withoutGlobalScope("live").count()).toBe(6);
      const all = await t.count(() => t.db.post.count({}));
      expect(all).toEqual({ queries: 1, result: 4 });
      const paris = await t.count(() => t.db.post.count({ where: { city: "Paris" } }));
      expect(paris).toEqual({ queries: 1, result: 2 });
      expect(await t.db.post.count({ where: { OR: [{ viewCount: { gte: 10 } }, { city: null }] } })).toBe(3);
      expect(await t.db.post.count({ select: true })).toBe(4);
    });

    it("select counts the rows (_all) and the non-null values of each field", async () => {
      const { queries, result } = await t.count(() =>
        t.db.post.count({ select: { _all: true, city: true, rating: true, bigValue: true, meta: true, title: false } }),
      );
      expect(result).toEqual({ _all: 4, city: 3, rating: 3, bigValue: 3, meta: 1 });
      expect(queries).toBe(1);
      expect(await t.db.post.count({ where: { authorId: 2 }, select: { publishedAt: true } })).toEqual({
        publishedAt: 1,
      });
    });

    it("take / skip / cursor count within the window, in one statement", async () => {
      const first = await t.count(() => t.db.post.count({ orderBy: { viewCount: "desc" }, take: 3 }));
      expect(first).toEqual({ queries: 1, result: 3 });
      expect(await t.db.post.count({ orderBy: { viewCount: "desc" }, skip: 3, take: 5 })).toBe(1);
      expect(await t.db.post.count({ skip: 1 })).toBe(3);
      expect(await t.db.post.count({ cursor: { id: 3 } })).toBe(2);
      expect(await t.db.post.count({ cursor: { id: 2 }, take: 2, select: { _all: true, rating: true } })).toEqual({
        _all: 2,
        rating: 1,
      });
      // Within a window too, the soft delete and the scope hold.
      expect(await t.db.post.count({ orderBy: { viewCount: "desc" }, take: 10 })).toBe(4);
    });
  });

  describe("aggregate(args)", () => {
    it("computes every part asked for, in one statement, with the values of every database alike", async () => {
      const { queries, result } = await t.count(() =>
        t.db.post.aggregate({
          _count: { _all: true, rating: true },
          _sum: { viewCount: true, rating: true, bigValue: true },
          _avg: { viewCount: true, rating: true, bigValue: true },
          _min: {
            viewCount: true,
            title: true,
            publishedAt: true,
            published: true,
            day: true,
            code: true,
            bigValue: true,
          },
          _max: {
            viewCount: true,
            title: true,
            publishedAt: true,
            published: true,
            day: true,
            code: true,
            rating: true,
          },
        }),
      );
      expect(queries).toBe(1);
      expect(result).toEqual({
        _count: { _all: 4, rating: 3 },
        _sum: { viewCount: 36, rating: 4.5, bigValue: BIG + 3n },
        _avg: { viewCount: 9, rating: 1.5, bigValue: Number(BIG + 3n) / 3 },
        _min: {
          viewCount: 1,
          title: "a",
          publishedAt: at("2024-01-01T00:00:00.000Z"),
          published: false,
          day: "2023-05-06",
          code: uuidOf(1),
          bigValue: 1n,
        },
        _max: {
          viewCount: 20,
          title: "d",
          publishedAt: at("2024-03-01T12:30:00.000Z"),
          published: true,
          day: "2024-01-01",
          code: uuidOf(2),
          rating: 2.5,
        },
      });
      expect(result._min.publishedAt).toBeInstanceOf(Date);
      expect(typeof result._sum.viewCount).toBe("number");
    });

    it("an average is the same double everywhere (MySQL's AVG alone would keep four decimals)", async () => {
      const { _avg } = await t.db.post.aggregate({ where: { id: { in: [1, 2, 3] } }, _avg: { viewCount: true } });
      expect(_avg.viewCount).toBe(35 / 3);
    });

    it("_count: true is a number; over no rows counts are 0 and the rest null; only the parts asked for", async () => {
      const none = await t.db.post.aggregate({
        where: { city: "Nowhere" },
        _count: true,
        _sum: { viewCount: true },
        _avg: { rating: true },
        _min: { publishedAt: true },
        _max: { title: true },
      });
      expect(none).toEqual({
        _count: 0,
        _sum: { viewCount: null },
        _avg: { rating: null },
        _min: { publishedAt: null },
        _max: { title: null },
      });
      expect(await t.db.post.aggregate({ where: { authorId: 1 }, _count: true })).toEqual({ _count: 2 });
      expect(await t.db.post.aggregate({ _sum: { viewCount: false } })).toEqual({ _sum: {} });
    });

    it("take / skip / cursor aggregate the window only", async () => {
      const top = await t.count(() =>
        t.db.post.aggregate({ orderBy: { viewCount: "desc" }, take: 2, _sum: { viewCount: true }, _count: true }),
      );
      expect(top).toEqual({ queries: 1, result: { _count: 2, _sum: { viewCount: 30 } } });
      const middle = await t.db.post.aggregate({
        orderBy: { viewCount: "desc" },
        skip: 1,
        take: 2,
        _min: { publishedAt: true },
        _avg: { viewCount: true },
      });
      expect(middle).toEqual({ _min: { publishedAt: at("2024-01-01T00:00:00.000Z") }, _avg: { viewCount: 7.5 } });
      const fromCursor = await t.db.post.aggregate({
        cursor: { id: 2 },
        orderBy: { id: "asc" },
        _max: { title: true },
      });
      expect(fromCursor).toEqual({ _max: { title: "d" } });
    });
  });

  describe("groupBy(args)", () => {
    it("gives a row per group with its by fields (by field name) and aggregates, in one statement", async () => {
      const { queries, result } = await t.count(() =>
        t.db.post.groupBy({
          by: ["authorId", "published"],
          _count: { _all: true },
          _sum: { viewCount: true },
          _max: { publishedAt: true },
          orderBy: [{ authorId: "asc" }, { published: "asc" }],
        }),
      );
      expect(queries).toBe(1);
      expect(result).toEqual([
        {
          authorId: 1,
          published: false,
          _count: { _all: 1 },
          _sum: { viewCount: 20 },
          _max: { publishedAt: at("2024-03-01T12:30:00.000Z") },
        },
        {
          authorId: 1,
          published: true,
          _count: { _all: 1 },
          _sum: { viewCount: 10 },
          _max: { publishedAt: at("2024-01-01T00:00:00.000Z") },
        },
        {
          authorId: 2,
          published: false,
          _count: { _all: 1 },
          _sum: { viewCount: 1 },
          _max: { publishedAt: at("2024-02-01T00:00:00.000Z") },
        },
        { authorId: 2, published: true, _count: { _all: 1 }, _sum: { viewCount: 5 }, _max: { publishedAt: null } },
      ]);
      expect(Object.getPrototypeOf(result[0])).toBe(Object.prototype);
    });

    it("by one field (a string), where, _count: true, ordered by an aggregate", async () => {
      const rows = await t.db.post.groupBy({
        by: "city",
        where: { viewCount: { lt: 1000 } },
        _count: true,
        _avg: { viewCount: true },
        orderBy: { _sum: { viewCount: "desc" } },
      });
      expect(rows).toEqual([
        { city: "Paris", _count: 2, _avg: { viewCount: 15 } },
        { city: "Rome", _count: 1, _avg: { viewCount: 5 } },
        { city: null, _count: 1, _avg: { viewCount: 1 } },
      ]);
      const byDay = await t.db.post.groupBy({
        by: ["publishedAt"],
        where: { publishedAt: { not: null } },
        orderBy: { publishedAt: "desc" },
      });
      expect(byDay).toEqual([
        { publishedAt: at("2024-03-01T12:30:00.000Z") },
        { publishedAt: at("2024-02-01T00:00:00.000Z") },
        { publishedAt: at("2024-01-01T00:00:00.000Z") },
      ]);
    });

    it("groups by and aggregates a timestamp without a time zone", async () => {
      const rows = await t.count(() =>
        t.db.post.groupBy({
          by: "localAt",
          where: { localAt: { not: null } },
          _count: true,
          _max: { localAt: true },
          having: { localAt: { _min: { lt: at("2024-07-01T00:00:00.000Z") } } },
          orderBy: { localAt: "asc" },
        }),
      );
      expect(rows).toEqual({
        queries: 1,
        result: [
          { localAt: at("2024-01-01T10:00:00.000Z"), _count: 2, _max: { localAt: at("2024-01-01T10:00:00.000Z") } },
          { localAt: at("2024-06-01T00:00:00.000Z"), _count: 1, _max: { localAt: at("2024-06-01T00:00:00.000Z") } },
        ],
      });
      expect(await t.db.post.aggregate({ _min: { localAt: true }, _count: { localAt: true } })).toEqual({
        _min: { localAt: at("2024-01-01T10:00:00.000Z") },
        _count: { localAt: 3 },
      });
    });

    it("having filters groups on aggregates and on by fields, with AND / OR / NOT", async () => {
      const sums = await t.count(() =>
        t.db.post.groupBy({ by: "authorId", having: { viewCount: { _sum: { gt: 20 } } }, _sum: { viewCount: true } }),
      );
      expect(sums).toEqual({ queries: 1, result: [{ authorId: 1, _sum: { viewCount: 30 } }] });
      const avg = await t.db.post.groupBy({ by: "authorId", having: { viewCount: { _avg: { lt: 10 } } } });
      expect(avg).toEqual([{ authorId: 2 }]);
      const counted = await t.db.post.groupBy({
        by: "authorId",
        having: { id: { _count: { gte: 2 } }, publishedAt: { _max: { gt: at("2024-02-15T00:00:00.000Z") } } },
      });
      expect(counted).toEqual([{ authorId: 1 }]);
      const plain = await t.db.post.groupBy({
        by: "city",
        having: { city: { in: ["Paris", "Rome"] }, NOT: { viewCount: { _min: { equals: 5 } } } },
        _count: { _all: true },
      });
      expect(plain).toEqual([{ city: "Paris", _count: { _all: 2 } }]);
      const either = await t.db.post.groupBy({
        by: "authorId",
        having: { OR: [{ published: { _min: { equals: true } } }, { rating: { _max: { gte: 2.5 } } }] },
        orderBy: { authorId: "asc" },
      });
      expect(either).toEqual([{ authorId: 2 }]);
      const nullCity = await t.db.post.groupBy({ by: "city", having: { city: null, rating: { _sum: { not: null } } } });
      expect(nullCity).toEqual([{ city: null }]);
      expect(await t.db.post.groupBy({ by: "city", having: { viewCount: { _count: { in: [] } } } })).toEqual([]);
    });

    it("having compares counts and integer sums with fractions and bigints alike everywhere", async () => {
      const fractions = await t.count(() =>
        t.db.post.groupBy({
          by: "authorId",
          having: { viewCount: { _sum: { gt: 20.5, in: [30, 6.5] } }, id: { _count: { gt: 1.5, lte: 2 } } },
        }),
      );
      expect(fractions).toEqual({ queries: 1, result: [{ authorId: 1 }] });
      const big = await t.db.post.groupBy({ by: "authorId", having: { bigValue: { _sum: { gte: BIG } } } });
      expect(big).toEqual([{ authorId: 1 }]);
    });

    it("orders by a by field or by aggregates, and pages the groups with take / skip", async () => {
      const byCount = await t.count(() =>
        t.db.post.groupBy({
          by: ["authorId"],
          _count: { id: true },
          orderBy: [{ _count: { id: "desc" } }, { _max: { viewCount: "asc" } }],
          take: 1,
        }),
      );
      expect(byCount).toEqual({ queries: 1, result: [{ authorId: 2, _count: { id: 2 } }] });
      const second = await t.db.post.groupBy({
        by: "authorId",
        orderBy: { _sum: { viewCount: "asc" } },
        skip: 1,
        take: 5,
      });
      expect(second).toEqual([{ authorId: 1 }]);
      const byAuthor = await t.db.post.groupBy({
        by: "authorId",
        orderBy: { authorId: "desc" },
        take: 1,
        _min: { bigValue: true },
      });
      expect(byAuthor).toEqual([{ authorId: 2, _min: { bigValue: 2n } }]);
    });
  });

  describe("bad arguments", () => {
    const cases: [string, () => Promise<unknown>, string][] = [
      [
        "count: unknown argument",
        () => t.db.post.count({ nope: 1 } as never),
        "Valid arguments: where, orderBy, take, skip, cursor, select",
      ],
      ["count: not an object", () => t.db.post.count("x" as never), "takes an object of arguments"],
      [
        "count: unknown select field",
        () => t.db.post.count({ select: { nope: true } } as never),
        'Unknown field "nope"',
      ],
      [
        "count: select of a non-boolean",
        () => t.db.post.count({ select: { city: 1 } } as never),
        "takes true or false",
      ],
      ["count: bad where", () => t.db.post.count({ where: { nope: 1 } } as never), 'unknown field "nope"'],
      ["count: bad take", () => t.db.post.count({ take: 1.5 }), "take"],
      ["aggregate: unknown argument", () => t.db.post.aggregate({ _median: {} } as never), "Valid arguments: where"],
      [
        "aggregate: _sum of a string",
        () => t.db.post.aggregate({ _sum: { title: true } } as never),
        "takes number fields",
      ],
      [
        "aggregate: _avg of a boolean",
        () => t.db.post.aggregate({ _avg: { published: true } } as never),
        "Valid: id, authorId, viewCount, rating, bigValue",
      ],
      [
        "aggregate: _min of json",
        () => t.db.post.aggregate({ _min: { meta: true } } as never),
        "fields other than json",
      ],
      ["aggregate: _sum: true", () => t.db.post.aggregate({ _sum: true } as never), "takes { field: true }"],
      [
        "aggregate: _all outside _count",
        () => t.db.post.aggregate({ _max: { _all: true } } as never),
        'Unknown field "_all"',
      ],
      [
        "aggregate: a prototype key",
        () => t.db.post.aggregate(JSON.parse('{"_count":{"__proto__":true}}')),
        "__proto__",
      ],
      ["groupBy: no by", () => t.db.post.groupBy({} as never), "needs by"],
      ["groupBy: empty by", () => t.db.post.groupBy({ by: [] } as never), "needs by"],
      ["groupBy: unknown by", () => t.db.post.groupBy({ by: "nope" } as never), 'unknown field "nope"'],
      [
        "groupBy: unknown argument",
        () => t.db.post.groupBy({ by: "city", cursor: { id: 1 } } as never),
        'Unknown argument "cursor"',
      ],
      [
        "groupBy: order by a field not in by",
        () => t.db.post.groupBy({ by: "city", orderBy: { viewCount: "asc" } }),
        "not in by",
      ],
      ["groupBy: take without orderBy", () => t.db.post.groupBy({ by: "city", take: 1 }), "needs an orderBy"],
      [
        "groupBy: bad direction",
        () => t.db.post.groupBy({ by: "city", orderBy: { city: "up" } } as never),
        '"asc" or "desc"',
      ],
      [
        "groupBy: order by _sum of a string",
        () => t.db.post.groupBy({ by: "city", orderBy: { _sum: { title: "asc" } } } as never),
        "takes number fields",
      ],
      [
        "groupBy: having on a field not in by",
        () => t.db.post.groupBy({ by: "city", having: { viewCount: { gt: 1 } } }),
        "not in by",
      ],
      [
        "groupBy: unknown having filter",
        () => t.db.post.groupBy({ by: "city", having: { viewCount: { _sum: { over: 1 } } } } as never),
        "Valid filters: equals",
      ],
      [
        "groupBy: having _avg of a string",
        () => t.db.post.groupBy({ by: "city", having: { title: { _avg: { gt: 1 } } } } as never),
        "takes number fields",
      ],
      [
        "groupBy: having value of the wrong type",
        () => t.db.post.groupBy({ by: "city", having: { viewCount: { _sum: { gt: "x" } } } } as never),
        "finite number",
      ],
      [
        "groupBy: having _max with a wrong value",
        () => t.db.post.groupBy({ by: "city", having: { publishedAt: { _max: { gt: "soon" } } } } as never),
        "publishedAt",
      ],
      [
        "groupBy: having undefined",
        () => t.db.post.groupBy({ by: "city", having: { viewCount: undefined } }),
        "undefined",
      ],
      [
        "groupBy: negative skip",
        () => t.db.post.groupBy({ by: "city", orderBy: { city: "asc" }, skip: -1 }),
        "non-negative",
      ],
    ];
    for (const [name, call, message] of cases) {
      it(`${name}: a ValidationError before any SQL`, async () => {
        const { queries, result } = await t.count(() => failure(call));
        expect(result).toBeInstanceOf(ValidationError);
        expect((result as Error).message).toContain(message);
        expect(queries).toBe(0);
      });
    }
  });
});
