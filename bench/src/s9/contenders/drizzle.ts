/**
 * Drizzle ORM 0.45 on a pg.Pool, with the schema of ../../contenders/drizzle/pg.ts: relational
 * queries (`db.query.users.findFirst/findMany({ with, extras })`), the relation filter as
 * `exists(...)` and the count as `$count(...)` in `extras`, create in `db.transaction`.
 * PostgreSQL only: relational queries need LATERAL, which MariaDB lacks.
 */
import { and, asc, eq, exists, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import * as schema from "../../contenders/drizzle/pg.js";
import type { S9Contender } from "../contract.js";

const drizzleS9: S9Contender = {
  name: "drizzle",
  dialects: ["postgres"],
  notes: { mysql: "relational queries need LATERAL (or outer refs in derived tables): not in MariaDB" },
  async setup({ url, pool }) {
    const client = new pg.Pool({ connectionString: url, max: pool });
    const db = drizzle({ client, schema });
    const { users, posts, postTag } = schema;
    // Table and column by name: the relational query re-aliases columns inside `extras` to the
    // root table (drizzle-orm issue #3493), as ../../contenders/drizzle.ts explains.
    const postsCount = db.$count(posts, sql`${posts}.${sql.identifier("user_id")} = ${users.id}`).as("posts_count");
    return {
      find: (id) =>
        db.query.users.findFirst({
          where: eq(users.id, id),
          with: { posts: { orderBy: [asc(posts.id)] }, profile: true },
        }),
      list: (offset) =>
        db.query.users.findMany({
          where: exists(
            db
              .select({ id: posts.id })
              .from(posts)
              .where(and(eq(posts.userId, users.id), eq(posts.published, true))),
          ),
          extras: { postsCount },
          orderBy: [asc(users.id)],
          limit: 20,
          offset,
        }),
      create: ({ tagIds, ...post }) =>
        db.transaction(async (tx) => {
          const [created] = await tx.insert(posts).values(post).returning({ id: posts.id });
          await tx
            .insert(postTag)
            .values(tagIds.map((tagId) => ({ postId: created!.id, tagId, createdAt: post.createdAt })));
          return created;
        }),
      close: () => client.end(),
    };
  },
};

export default drizzleS9;
