import { describe, expectTypeOf, it } from "vitest";
import type { Db, Row } from "../../src/index.js";
import type { blog } from "../support/blog-schema.js";

type S = typeof blog;
type User = Row<S, "user">;
type Post = Row<S, "post">;
type Profile = Row<S, "profile">;

// Type-only: never called, so no database is needed.
declare const db: Db<S>;

describe("object API result types", () => {
  it("returns full rows without select or include", () => {
    async function check() {
      expectTypeOf(await db.user.findMany()).toEqualTypeOf<User[]>();
      expectTypeOf(await db.user.findFirst({ where: { age: { gte: 18 } } })).toEqualTypeOf<User | null>();
      expectTypeOf(await db.user.findUniqueOrThrow({ where: { id: 1 } })).toEqualTypeOf<User>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("narrows select to the chosen fields and nested relation payloads", () => {
    async function check() {
      const user = await db.user.findFirst({
        where: { email: "ada@example.dev" },
        select: {
          id: true,
          profile: { select: { bio: true } },
          posts: { select: { title: true }, where: { published: true }, orderBy: { id: "desc" }, take: 5 },
        },
      });
      expectTypeOf(user).toEqualTypeOf<{
        id: number;
        profile: { bio: string | null } | null;
        posts: { title: string }[];
      } | null>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("adds included relations to every field, nested to any depth", () => {
    async function check() {
      const users = await db.user.findMany({ include: { posts: { include: { author: true } }, profile: true } });
      expectTypeOf(users[0]!.email).toEqualTypeOf<string>();
      expectTypeOf(users[0]!.profile).toEqualTypeOf<Profile | null>();
      expectTypeOf(users[0]!.posts[0]!.title).toEqualTypeOf<string>();
      expectTypeOf(users[0]!.posts[0]!.author).toEqualTypeOf<User>();
      const posts = await db.post.findMany({ include: { tags: true } });
      expectTypeOf(posts[0]!.tags[0]!.pivot).toMatchTypeOf<Record<string, unknown>>();
      expectTypeOf(posts[0]!).toMatchTypeOf<Post>();
    }
    expectTypeOf(check).toBeFunction();
  });

  it("rejects unknown fields, relations, filters and arguments at compile time", () => {
    function check() {
      // @ts-expect-error unknown field in where
      db.user.findMany({ where: { nope: 1 } });
      // @ts-expect-error wrong value type in where
      db.user.findMany({ where: { age: "old" } });
      // @ts-expect-error contains is for strings
      db.user.findMany({ where: { age: { contains: "1" } } });
      // @ts-expect-error unknown relation in include
      db.user.findMany({ include: { nope: true } });
      // @ts-expect-error unknown argument
      db.user.findMany({ limit: 3 });
      // @ts-expect-error orderBy direction
      db.user.findMany({ orderBy: { name: "up" } });
      // @ts-expect-error findUnique needs a where
      db.user.findUnique({});
    }
    expectTypeOf(check).toBeFunction();
  });
});
