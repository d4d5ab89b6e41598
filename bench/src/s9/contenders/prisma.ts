/**
 * Prisma 7 with the clients ../../contenders/prisma.ts uses (generated into bench/generated/ by
 * `tsx src/contenders/prisma/generate.ts`) on a driver adapter given a pool of 10 connections
 * (PrismaPg: pg's `max`; PrismaMariaDb: the mariadb connector's `connectionLimit`). find is
 * findUnique with include, list findMany with a `some` filter and `_count`, create a nested
 * create of the post with its PostTag rows (Prisma runs a nested write in one transaction).
 */
import type { PrismaClient as PgClient } from "../../../generated/prisma-postgresql/client.js";
import type { S9Contender, S9Dialect } from "../contract.js";

async function connect(dialect: S9Dialect, url: string, max: number) {
  if (dialect === "postgres") {
    const { PrismaClient } = await import("../../../generated/prisma-postgresql/client.js");
    const { PrismaPg } = await import("@prisma/adapter-pg");
    return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max }) });
  }
  const { PrismaClient } = await import("../../../generated/prisma-mysql/client.js");
  const { PrismaMariaDb } = await import("@prisma/adapter-mariadb");
  const u = new URL(url);
  const adapter = new PrismaMariaDb({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: u.pathname.slice(1),
    connectionLimit: max,
  });
  return new PrismaClient({ adapter });
}

const prisma: S9Contender = {
  name: "prisma",
  dialects: ["postgres", "mysql"],
  async setup({ dialect, url, pool }) {
    // The two generated clients have the same API for what is used here.
    const client = (await connect(dialect, url, pool)) as unknown as PgClient;
    await client.$connect();
    return {
      find: (id) =>
        client.user.findUnique({ where: { id }, include: { posts: { orderBy: { id: "asc" } }, profile: true } }),
      list: (offset) =>
        client.user.findMany({
          where: { posts: { some: { published: true } } },
          include: { _count: { select: { posts: true } } },
          orderBy: { id: "asc" },
          skip: offset,
          take: 20,
        }),
      create: ({ tagIds, createdAt, ...post }) =>
        client.post.create({
          data: { ...post, createdAt, postTags: { create: tagIds.map((tagId) => ({ tagId, createdAt })) } },
          select: { id: true },
        }),
      canonical: {
        list: (users: { _count: { posts: number } }[]) =>
          users.map(({ _count, ...user }) => ({ ...user, postsCount: _count.posts })),
      },
      close: () => client.$disconnect(),
    };
  },
};

export default prisma;
