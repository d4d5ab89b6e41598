import { describe, expectTypeOf, it } from "vitest";
import type { Db, Row, UpdateManyArgs, WhereInput } from "../../src/index.js";
import type { blog } from "../support/blog-schema.js";

type S = typeof blog;
type Post = Row<S, "post">;

// Type-only: never called, so no database is needed.
declare const db: Db<S>;

describe("Prisma-style write types", () => {
  it("update and delete return the row in the shape their arguments ask for", () => {
    async function check() {
      expectTypeOf(await db.post.update({ where: { id: 1 }, data: { title: "T" } })).toEqualTypeOf<Post>();
      expectTypeOf(
        await db.post.update({ where: { id: 1 }, data: { views: 2 }, select: { id: true, views: true } }),
      ).toEqualTypeOf<{ id: number; views: number }>();
      expectTypeOf(await db.post.delete({ where: { id: 1 } })).toEqualTypeOf<Post>();
      expectTypeOf(await db.post.delete({ where: { id: 1 }, select: { title: true } })).toEqualTypeOf<{
        title: string;
      }>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("updateMany / deleteMany return counts and take atomic number updates", () => {
    async function check() {
      expectTypeOf(
        await db.post.updateMany({ where: { published: false }, data: { views: { increment: 1 } } }),
      ).toEqualTypeOf<{ count: number }>();
      expectTypeOf(await db.post.deleteMany()).toEqualTypeOf<{ count: number }>();
      expectTypeOf(await db.post.deleteMany({ where: { views: { lt: 1 } } })).toEqualTypeOf<{ count: number }>();
      const rows = await db.post.updateManyAndReturn({ data: { views: { set: 0 } }, select: { id: true } });
      expectTypeOf(rows).toEqualTypeOf<{ id: number }[]>();
      const args: UpdateManyArgs<S, "post"> = { data: { views: { multiply: 2 } } };
      expectTypeOf(args).toMatchTypeOf<UpdateManyArgs<S, "post">>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("the handle's update/delete take only Prisma's form; increment lives on queries", () => {
    function check(where: WhereInput<S, "post">) {
      // @ts-expect-error the values of every row: write db.post.query().update(values)
      db.post.update({ title: "x" });
      // @ts-expect-error delete() of every row: write db.post.query().delete()
      db.post.delete();
      // @ts-expect-error increment of every row: write db.post.query().increment("views")
      db.post.increment("views");
      // @ts-expect-error an atomic update of a boolean field
      db.post.updateMany({ data: { published: { increment: 1 } } });
      // @ts-expect-error increment of a field that is not a number
      db.post.query().increment("title");
      expectTypeOf(db.post.where(where as never).increment("views", 2, { published: true })).toEqualTypeOf<
        Promise<number>
      >();
      expectTypeOf(db.post.query().decrement("views")).toEqualTypeOf<Promise<number>>();
      expectTypeOf(db.post.query().update({ title: "x" })).toEqualTypeOf<Promise<number>>();
      expectTypeOf(db.post.query().delete()).toEqualTypeOf<Promise<number>>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("a batch transaction's result is a tuple of each call's result", () => {
    async function check() {
      const result = await db.transaction([
        db.post.create({ authorId: 1, title: "T" }),
        db.post.count(),
        db.post.deleteMany(),
      ]);
      expectTypeOf(result[1]).toEqualTypeOf<number>();
      expectTypeOf(result[2]).toEqualTypeOf<{ count: number }>();
      expectTypeOf(result[0].title).toEqualTypeOf<string>();
    }
    expectTypeOf(check).toBeFunction();
  });
});
