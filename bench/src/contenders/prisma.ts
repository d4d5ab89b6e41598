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
      }),
  };
}

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
      notes:
        dialect === "sqlite"
          ? {
              S1: SQLITE_UNORDERED,
              S2: SQLITE_UNORDERED,
              S4: "SQLite: include { take: 3 } over 1,000 users fails with P2029 (Prisma assumes 999 bind values and can't chunk it)",
            }
          : {},
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
