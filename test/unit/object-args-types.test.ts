import { describe, expectTypeOf, it } from "vitest";
import type {
  CursorInput,
  FindManyArgs,
  FindManyResult,
  GetPayload,
  IncludeInput,
  OrderByInput,
  SelectInput,
  WhereInput,
} from "../../src/api/objects/types.js";
import type { Db, Row } from "../../src/index.js";
import { defineSchema, id, integer, model, string, text } from "../../src/index.js";
import type { blog } from "../support/blog-schema.js";

type S = typeof blog;
type Post = Row<S, "post">;
type User = Row<S, "user">;

// Type-only: never called, so no database is needed.
declare const db: Db<S>;

/** The filter, built up conditionally in a function (the port hit a depth limit here). */
function filter(q?: string, tag?: string, author?: string): WhereInput<S, "post"> {
  const where: WhereInput<S, "post"> = {};
  if (q) where.title = { contains: q };
  if (tag) where.tags = { some: { name: tag } };
  if (author) {
    where.author = {
      is: { name: author, posts: { some: { comments: { some: { body: { contains: "x" } } } } } },
    };
  }
  return where;
}

describe("exported argument types users build arguments with", () => {
  it("a where built in a function passes to findMany as is", () => {
    async function check() {
      const posts = await db.post.findMany({ where: filter("a", "b", "c") });
      expectTypeOf(posts).toEqualTypeOf<Post[]>();
      const first = await db.post.findFirst({ where: filter(), orderBy: { id: "desc" } });
      expectTypeOf(first).toEqualTypeOf<Post | null>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("relation filters nest six levels deep, and a wrong key deep down is still an error", () => {
    const deep: WhereInput<S, "user"> = {
      posts: {
        some: {
          author: {
            is: {
              posts: {
                every: { author: { posts: { none: { tags: { some: { posts: { some: { title: "x" } } } } } } } },
              },
            },
          },
        },
      },
    };
    const wrong: WhereInput<S, "user"> = {
      posts: {
        some: {
          author: {
            is: {
              posts: {
                // @ts-expect-error "titel" is no field of post
                every: { author: { posts: { none: { tags: { some: { posts: { some: { titel: "x" } } } } } } } },
              },
            },
          },
        },
      },
    };
    async function check() {
      expectTypeOf(await db.user.findMany({ where: deep })).toEqualTypeOf<User[]>();
    }
    expectTypeOf(check).toBeFunction();
    expectTypeOf(wrong).toEqualTypeOf<WhereInput<S, "user">>();
  });

  it("FindManyArgs, OrderByInput, SelectInput and IncludeInput variables pass to findMany", () => {
    async function check(newest: boolean) {
      const orderBy: OrderByInput<S, "post"> = newest ? { publishedAt: "desc" } : { title: "asc" };
      const args: FindManyArgs<S, "post"> = { where: filter("q"), orderBy, take: 20 };
      if (newest) args.skip = 20;
      expectTypeOf(await db.post.findMany(args)).toEqualTypeOf<Post[]>();
      const include: IncludeInput<S, "post"> = { author: true };
      const select: SelectInput<S, "post"> = { id: true };
      await db.post.findMany({ include });
      await db.post.findMany({ select, where: filter() });
      const cursor: CursorInput<S, "post"> = { id: 5 };
      await db.post.findMany({ cursor, take: -10, skip: 1, distinct: ["authorId", "published"] });
    }
    expectTypeOf(check).toBeFunction();
  });

  it("payload helpers: GetPayload (one row) and FindManyResult", () => {
    type Card = GetPayload<S, "post", { select: { title: true; author: { select: { name: true } } } }>;
    expectTypeOf<Card>().toEqualTypeOf<{ title: string; author: { name: string } }>();
    type Feed = FindManyResult<S, "post", { include: { tags: true }; omit: { body: true } }>;
    expectTypeOf<Feed[number]["tags"][number]["name"]>().toEqualTypeOf<string>();
    expectTypeOf<Feed[number]>().not.toHaveProperty("body");
    async function check() {
      const args = { include: { author: true } } as const;
      const rows: FindManyResult<S, "post", typeof args> = await db.post.findMany(args);
      expectTypeOf(rows[0]!.author).toEqualTypeOf<User>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("a relation loaded with a where may find nothing: | null even for a required belongsTo", () => {
    async function check() {
      const [post] = await db.post.findMany({ include: { author: { where: { active: true } } } });
      expectTypeOf(post!.author).toEqualTypeOf<User | null>();
      const [plain] = await db.post.findMany({ include: { author: true } });
      expectTypeOf(plain!.author).toEqualTypeOf<User>();
    }
    expectTypeOf(check).toBeFunction();
  });
});

const hidden = defineSchema({
  member: model({
    fields: { id: id(), name: string(), password: string(), bio: text().nullable() },
    hidden: ["password"],
  }),
  note: model({ fields: { id: id(), memberId: integer(), body: text() } }),
});
declare const hdb: Db<typeof hidden>;

describe("omit in the result type", () => {
  it("drops omitted fields on every find, nested in include and select", () => {
    async function check() {
      const posts = await db.post.findMany({ omit: { body: true, rating: true } });
      expectTypeOf(posts).toEqualTypeOf<Omit<Post, "body" | "rating">[]>();
      const first = await db.post.findFirst({ omit: { body: true } });
      expectTypeOf(first).toEqualTypeOf<Omit<Post, "body"> | null>();
      const unique = await db.post.findUniqueOrThrow({ where: { id: 1 }, omit: { body: true } });
      expectTypeOf(unique).toEqualTypeOf<Omit<Post, "body">>();
      const user = await db.user.findFirstOrThrow({
        omit: { email: true },
        include: { posts: { omit: { body: true } } },
      });
      expectTypeOf(user).not.toHaveProperty("email");
      expectTypeOf(user.posts).toEqualTypeOf<Omit<Post, "body">[]>();
      const picked = await db.user.findFirst({ select: { name: true, posts: { omit: { body: true } } } });
      expectTypeOf(picked!.posts).toEqualTypeOf<Omit<Post, "body">[]>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("false keeps a field and reads a hidden one; a boolean variable makes it optional", () => {
    async function check(flag: boolean) {
      const row = await hdb.member.findUniqueOrThrow({ where: { id: 1 } });
      expectTypeOf(row).toEqualTypeOf<{ id: number; name: string; bio: string | null }>();
      const revealed = await hdb.member.findUniqueOrThrow({ where: { id: 1 }, omit: { password: false, bio: true } });
      expectTypeOf(revealed).toEqualTypeOf<{ id: number; name: string; password: string }>();
      const maybe = await hdb.member.findFirstOrThrow({ omit: { bio: flag } });
      expectTypeOf(maybe).toEqualTypeOf<{ id: number; name: string; bio?: string | null }>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("rejects select with omit, unknown keys, and top-level-only arguments inside a relation", () => {
    function check() {
      // @ts-expect-error select and omit at one level
      db.post.findMany({ select: { id: true }, omit: { body: true } });
      // @ts-expect-error select and include at one level
      db.post.findMany({ select: { id: true }, include: { author: true } });
      // @ts-expect-error omit of a relation
      db.post.findMany({ omit: { author: true } });
      // @ts-expect-error omit takes booleans
      db.post.findMany({ omit: { body: 1 } });
      // @ts-expect-error distinct of an unknown field
      db.post.findMany({ distinct: ["nope"] });
      // @ts-expect-error cursor of an unknown field
      db.post.findMany({ cursor: { nope: 1 } });
      // @ts-expect-error cursor takes values, not filters
      db.post.findMany({ cursor: { id: { gt: 1 } } });
      // @ts-expect-error cursor inside include
      db.user.findMany({ include: { posts: { cursor: { id: 1 } } } });
      // @ts-expect-error distinct inside include
      db.user.findMany({ include: { posts: { distinct: "title" } } });
      // @ts-expect-error a typo in the arguments
      db.post.findMany({ wher: {} });
    }
    expectTypeOf(check).toBeFunction();
  });
});
