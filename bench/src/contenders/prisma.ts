/**
 * Prisma 7: the `prisma-client` generator's client (one per provider, schemas in ./prisma/,
 * generated into bench/generated/ by `tsx src/contenders/prisma/generate.ts`) on a driver
 * adapter (better-sqlite3, pg, mariadb), so no query engine binary. Relations load with
 * Prisma's default strategy (one query per relation level); the `relationJoins` preview
 * feature is not enabled.
 */

import type { PrismaClient as MysqlClient } from "../../generated/prisma-mysql/client.js";
import type { PrismaClient as PgClient } from "../../generated/prisma-postgresql/client.js";
import type { Contender, Dialect, ScenarioFns } from "../contract.js";
import { syncPlan } from "./sync-plan.js";

const log: { emit: "event"; level: "query" }[] = [{ emit: "event", level: "query" }];

async function connect(dialect: Dialect, url: string) {
  if (dialect === "sqlite") {
    const { PrismaClient } = await import("../../generated/prisma-sqlite/client.js");
    const { PrismaBetterSqlite3 } = await import("@prisma/adapter-better-sqlite3");
    return new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: url.replace(/^sqlite:/, "") }), log });
  }
  if (dialect === "postgres") {
    const { PrismaClient } = await import("../../generated/prisma-postgresql/client.js");
    const { PrismaPg } = await import("@prisma/adapter-pg");
    return new PrismaClient({ adapter: new PrismaPg({ connectionString: url }), log });
  }
  const { PrismaClient } = await import("../../generated/prisma-mysql/client.js");
  const { PrismaMariaDb } = await import("@prisma/adapter-mariadb");
  return new PrismaClient({ adapter: new PrismaMariaDb(url.replace(/^mysql:/, "mariadb:")), log });
}

type Row = Record<string, any>;

/**
 * On SQLite, Prisma 7 assumes a limit of 999 bind values (SQLite's default before 3.32; the
 * better-sqlite3 build allows 32,766) and can split a relation query's `IN` list into chunks
 * only when the relation has no orderBy / take: ordered includes over 1,000 parents fail with
 * P2029 "The query parameter limit supported by your database is exceeded".
 */
const SQLITE_UNORDERED =
  "SQLite: nested lists without orderBy (Prisma can't chunk an ordered relation query past 999 bind values, P2029); they come back in foreign-key index order";

/**
 * Prisma has no polymorphic relations (prisma/prisma#1644, open); its documented alternative,
 * table inheritance, needs a foreign key per target (or one table per type), not a
 * commentable_type + commentable_id pair. The hasManyThrough half alone doesn't make S7.
 */
const NO_POLYMORPHISM =
  "no polymorphic relations (prisma#1644); documented table inheritance doesn't fit a type + id pair";

/**
 * S6 (1,000 nested creates on MySQL) and S8 (1,000 updates) are interactive transactions of
 * thousands of statements: on a loaded machine they can outlast the default 5 s timeout
 * ("Transaction API error: ... expired transaction").
 */
const LONG_TRANSACTION = { timeout: 60_000 };

/** The three generated clients share the API used here, except createManyAndReturn (not on MySQL). */
function scenarios(prisma: PgClient, dialect: Dialect): ScenarioFns {
  const byId = dialect === "sqlite" ? undefined : ({ id: "asc" } as const);
  return {
    S1: () =>
      prisma.user.findMany({
        include: { posts: { include: { comments: { orderBy: byId } }, orderBy: byId } },
        orderBy: { id: "asc" },
      }),
    S2: () =>
      prisma.post.findMany({
        include: { postTags: { include: { tag: true }, orderBy: dialect === "sqlite" ? undefined : { tagId: "asc" } } },
        orderBy: { id: "asc" },
      }),
    S3: () =>
      prisma.user.findMany({
        where: { posts: { some: { published: true, title: { contains: "7" } } } },
        include: { _count: { select: { posts: true } } },
        orderBy: { id: "asc" },
      }),
    S4: () =>
      prisma.user.findMany({
        include: { posts: { orderBy: { createdAt: "desc" }, take: 3 } },
        orderBy: { id: "asc" },
      }),
    async S5({ lookupIds }) {
      const found = [];
      for (const id of lookupIds)
        found.push(await prisma.user.findUnique({ where: { id }, include: { profile: true } }));
      return found;
    },
    S6: ({ newPosts: { userId, posts } }) =>
      prisma.$transaction(async (tx) => {
        const data = posts.map(({ title, body, published, createdAt }) => ({
          userId,
          title,
          body,
          published,
          createdAt,
        }));
        if (dialect === "mysql") {
          // No createManyAndReturn on MySQL (no RETURNING): one nested create per post.
          const mysql = tx as unknown as Parameters<Parameters<MysqlClient["$transaction"]>[0]>[0];
          const created = [];
          for (const [i, post] of data.entries()) {
            const { tagIds, createdAt } = posts[i]!;
            created.push(
              await mysql.post.create({
                data: { ...post, postTags: { createMany: { data: tagIds.map((tagId) => ({ tagId, createdAt })) } } },
                select: { id: true },
              }),
            );
          }
          return created;
        }
        const created = await tx.post.createManyAndReturn({ data, select: { id: true } });
        await tx.postTag.createMany({
          data: created.flatMap(({ id }, i) =>
            posts[i]!.tagIds.map((tagId) => ({ postId: id, tagId, createdAt: posts[i]!.createdAt })),
          ),
        });
        return created;
      }, LONG_TRANSACTION),
    // Explicit many-to-many: the sync goes through the PostTag model (read the current rows,
    // then delete the detached, create the attached, update the changed pivot values).
    S8: ({ syncs }) =>
      prisma.$transaction(async (tx) => {
        const current = await tx.postTag.findMany({ where: { postId: { in: syncs.map((s) => s.postId) } } });
        const { detach, attach, update } = syncPlan(syncs, current);
        for (const [postId, tagIds] of detach)
          await tx.postTag.deleteMany({ where: { postId, tagId: { in: tagIds } } });
        if (attach.length) await tx.postTag.createMany({ data: attach });
        for (const { postId, tagId, createdAt } of update)
          await tx.postTag.update({ where: { postId_tagId: { postId, tagId } }, data: { createdAt } });
      }, LONG_TRANSACTION),
  };
}

// S8: syncPlan (./sync-plan.ts). Detaching is one deleteMany per post: one `OR` over 1,000
// (post, tag) pairs fails on SQLite with P2029 (Prisma assumes 999 bind values and doesn't split an `OR`).

const prisma: Contender = {
  name: "prisma",
  dialects: ["sqlite", "postgres", "mysql"],
  async setup({ dialect, url, countStatement }) {
    const client = await connect(dialect, url);
    client.$on("query", () => countStatement());
    await client.$connect();
    const { S4, ...rest } = scenarios(client as unknown as PgClient, dialect);
    return {
      scenarios: dialect === "sqlite" ? rest : { ...rest, S4 },
      notes: {
        S7: NO_POLYMORPHISM,
        ...(dialect === "sqlite"
          ? {
              S1: SQLITE_UNORDERED,
              S2: SQLITE_UNORDERED,
              S4: "SQLite: include { take: 3 } over 1,000 users fails with P2029 (Prisma assumes 999 bind values and can't chunk it)",
            }
          : {}),
      },
      canonical: {
        S2: (posts: Row[]) =>
          posts.map(({ postTags, ...post }) => ({
            ...post,
            tags: postTags.map(({ tag, ...pivot }: Row) => ({ ...tag, pivot })),
          })),
        S3: (users: Row[]) => users.map(({ _count, ...user }) => ({ ...user, postsCount: _count.posts })),
      },
      close: () => client.$disconnect(),
    };
  },
};

export default prisma;
