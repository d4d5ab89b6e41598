import { describe, expectTypeOf, it } from "vitest";
import type { AggregateResult, CountResult, Db, GroupByArgs, GroupByResult } from "../../src/index.js";
import { bigint, date, defineSchema, id, integer, model, timestamp } from "../../src/index.js";
import type { blog } from "../support/blog-schema.js";

type S = typeof blog;

const numbers = defineSchema({
  item: model({
    fields: { id: id(), big: bigint().nullable(), n: integer(), day: date().nullable(), at: timestamp() },
  }),
});
type B = typeof numbers;

// Type-only: never called, so no database is needed.
declare const db: Db<S>;

describe("count / aggregate / groupBy types", () => {
  it("count is a number, or a count per selected field", () => {
    async function check() {
      expectTypeOf(await db.user.count()).toEqualTypeOf<number>();
      expectTypeOf(await db.user.count({ where: { age: { gte: 18 } } })).toEqualTypeOf<number>();
      expectTypeOf(await db.user.count({ select: true })).toEqualTypeOf<number>();
      expectTypeOf(
        await db.user.count({ take: 10, skip: 2, orderBy: { id: "desc" }, cursor: { id: 3 } }),
      ).toEqualTypeOf<number>();
      expectTypeOf(await db.user.count({ select: { _all: true, email: true, age: true } })).toEqualTypeOf<{
        _all: number;
        email: number;
        age: number;
      }>();
      expectTypeOf(await db.user.count({ select: { age: true, name: false } })).toEqualTypeOf<{ age: number }>();
      expectTypeOf<CountResult<S, "user", undefined>>().toEqualTypeOf<number>();
      expectTypeOf<CountResult<S, "user", { where: { id: 1 } }>>().toEqualTypeOf<number>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("aggregate gives the parts asked for, typed as Prisma types them", async () => {
    async function check() {
      const result = await db.post.aggregate({
        where: { published: true },
        _count: { _all: true, rating: true },
        _sum: { views: true, rating: true },
        _avg: { views: true },
        _min: { publishedAt: true, title: true, published: true },
        _max: { views: true, id: true },
      });
      expectTypeOf(result).toEqualTypeOf<{
        _count: { _all: number; rating: number };
        _sum: { views: number | null; rating: number | null };
        _avg: { views: number | null };
        _min: { publishedAt: Date | null; title: string | null; published: boolean | null };
        _max: { views: number | null; id: number | null };
      }>();
      expectTypeOf(await db.post.aggregate({ _count: true })).toEqualTypeOf<{ _count: number }>();
      expectTypeOf(
        await db.post.aggregate({ take: 5, orderBy: { views: "desc" }, _avg: { rating: true } }),
      ).toEqualTypeOf<{
        _avg: { rating: number | null };
      }>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("a bigint field sums to a bigint and averages to a number; min/max keep the field's type", () => {
    expectTypeOf<AggregateResult<B, "item", { _sum: { big: true; n: true }; _avg: { big: true } }>>().toEqualTypeOf<{
      _sum: { big: bigint | null; n: number | null };
      _avg: { big: number | null };
    }>();
    expectTypeOf<AggregateResult<B, "item", { _min: { big: true; day: true; at: true } }>>().toEqualTypeOf<{
      _min: { big: bigint | null; day: string | null; at: Date | null };
    }>();
  });

  it("groupBy gives its by fields and the aggregates asked for", () => {
    async function check() {
      const rows = await db.post.groupBy({
        by: ["authorId", "published"],
        where: { views: { gt: 0 } },
        _count: { _all: true },
        _sum: { views: true },
        _max: { publishedAt: true },
        having: { views: { _sum: { gt: 100 }, _count: { gte: 2 } }, published: true },
        orderBy: [{ _count: { id: "desc" } }, { authorId: "asc" }],
        take: 10,
        skip: 1,
      });
      expectTypeOf(rows).toEqualTypeOf<
        {
          authorId: number;
          published: boolean;
          _count: { _all: number };
          _sum: { views: number | null };
          _max: { publishedAt: Date | null };
        }[]
      >();
      const byOne = await db.user.groupBy({ by: "age", _count: true, _avg: { age: true } });
      expectTypeOf(byOne).toEqualTypeOf<{ age: number | null; _count: number; _avg: { age: number | null } }[]>();
      expectTypeOf<GroupByResult<S, "user", { by: ["email"] }>>().toEqualTypeOf<{ email: string }[]>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("having takes aggregate filters typed by the field, and AND / OR / NOT", () => {
    const args: GroupByArgs<S, "post"> = {
      by: ["authorId"],
      having: {
        publishedAt: { _max: { gt: new Date() } },
        OR: [{ views: { _avg: { lt: 2.5 } } }, { title: { _min: { startsWith: "A" } } }],
        NOT: { rating: { _sum: { equals: null } } },
      },
    };
    expectTypeOf(args).toMatchTypeOf<GroupByArgs<S, "post">>();
  });

  it("rejects fields an aggregate does not take, and unknown arguments, at compile time", () => {
    function check() {
      // @ts-expect-error _sum takes number fields only
      db.post.aggregate({ _sum: { title: true } });
      // @ts-expect-error _avg takes number fields only, even next to a valid one
      db.post.aggregate({ _avg: { views: true, published: true } });
      // @ts-expect-error _min does not take json fields
      db.profile.aggregate({ _min: { settings: true } });
      // @ts-expect-error an unknown field in _count
      db.post.aggregate({ _count: { nope: true } });
      // @ts-expect-error _sum: true is not a form
      db.post.aggregate({ _sum: true });
      // @ts-expect-error an unknown argument
      db.post.aggregate({ _median: { views: true } });
      // @ts-expect-error an unknown field in count's select
      db.user.count({ select: { nope: true } });
      // @ts-expect-error count takes no _sum
      db.user.count({ _sum: { age: true } });
      // @ts-expect-error groupBy needs by
      db.post.groupBy({ _count: true });
      // @ts-expect-error by takes fields of the model
      db.post.groupBy({ by: ["nope"] });
      // @ts-expect-error a relation is no by field
      db.post.groupBy({ by: "author" });
      // @ts-expect-error orderBy _sum takes number fields only
      db.post.groupBy({ by: "authorId", orderBy: { _sum: { title: "asc" } } });
      // @ts-expect-error having _avg on a string field
      db.post.groupBy({ by: "authorId", having: { title: { _avg: { gt: 1 } } } });
      // @ts-expect-error having _max compares with the field's type
      db.post.groupBy({ by: "authorId", having: { publishedAt: { _max: { gt: 3 } } } });
    }
    expectTypeOf(check).toBeFunction();
  });
});
