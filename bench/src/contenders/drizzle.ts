/**
 * Drizzle ORM 0.45 relational queries (`db.query.*.findMany({ with })`), one schema per
 * dialect under ./drizzle/. Relation filter and count (S3) through `exists(...)` and
 * `$count(...)` in `where` / `extras`, as Drizzle documents; statements counted by its logger.
 */
import Database from "better-sqlite3";
import { type AnyColumn, and, asc, desc, eq, exists, inArray, like, type SQL, sql, type Table } from "drizzle-orm";
import { drizzle as drizzleSqlite } from "drizzle-orm/better-sqlite3";
import { drizzle as drizzleMysql } from "drizzle-orm/mysql2";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import mysql from "mysql2/promise";
import pg from "pg";
import type { Contender, ScenarioFns, ScenarioInputs } from "../contract.js";
import * as mysqlSchema from "./drizzle/mysql.js";
import * as pgSchema from "./drizzle/pg.js";
import * as sqliteSchema from "./drizzle/sqlite.js";
import { syncPlan } from "./sync-plan.js";

/**
 * `posts.user_id = users.id` for `$count` in `extras`. Written with the table and the column
 * name because the relational query re-aliases every column inside `extras` to the root table
 * (`"users"."user_id"`), drizzle-orm issue #3493 (open in 0.45; fixed in the 1.0 beta).
 */
const postsOfUser = (posts: Table, users: { id: AnyColumn }): SQL =>
  sql`${posts}.${sql.identifier("user_id")} = ${users.id}`;

type Logger = { logQuery(query: string, params: unknown[]): void };

/** S2's natural shape (the junction rows with their tag) as the canonical `tags[].pivot`. */
const s2Canonical = (posts: { postTags: { createdAt: Date; tag: { id: number; name: string } }[] }[]) =>
  posts.map(({ postTags, ...post }) => ({
    ...post,
    tags: postTags.map(({ tag, ...pivot }) => ({ ...tag, pivot })),
  }));

/** S7's per-type relations as the canonical `commentable`, and the countries' users' posts as one list. */
type Row = Record<string, any>;
const s7Canonical = ({ comments, countries }: { comments: Row[]; countries: Row[] }) => ({
  comments: comments.map(({ post, video, ...comment }) => ({ ...comment, commentable: post ?? video })),
  countries: countries.map(({ users, ...country }) => ({
    ...country,
    posts: users.flatMap((user: Row) => user.posts).sort((a: Row, b: Row) => a.id - b.id),
  })),
});

// S8: syncPlan (./sync-plan.ts). Detaching is one delete per post: Drizzle 0.45 has no row-value
// `in`, and `or()` over 1,000 (post, tag) pairs passes SQLite's expression depth limit.

function sqliteScenarios(file: string, logger: Logger) {
  const client = new Database(file);
  client.pragma("journal_mode = WAL");
  const db = drizzleSqlite({ client, schema: sqliteSchema, logger });
  const { users, posts, comments, postTag, countries, morphComments } = sqliteSchema;
  const scenarios: ScenarioFns = {
    S1: () =>
      db.query.users.findMany({
        orderBy: [asc(users.id)],
        with: { posts: { orderBy: [asc(posts.id)], with: { comments: { orderBy: [asc(comments.id)] } } } },
      }),
    S2: () =>
      db.query.posts.findMany({
        orderBy: [asc(posts.id)],
        with: { postTags: { orderBy: [asc(postTag.tagId)], with: { tag: true } } },
      }),
    S3: () =>
      db.query.users.findMany({
        where: exists(
          db
            .select({ id: posts.id })
            .from(posts)
            .where(and(eq(posts.userId, users.id), eq(posts.published, true), like(posts.title, "%7%"))),
        ),
        extras: { postsCount: db.$count(posts, postsOfUser(posts, users)).as("posts_count") },
        orderBy: [asc(users.id)],
      }),
    S4: () =>
      db.query.users.findMany({
        orderBy: [asc(users.id)],
        with: { posts: { orderBy: [desc(posts.createdAt)], limit: 3 } },
      }),
    async S5({ lookupIds }: ScenarioInputs) {
      const found = [];
      for (const id of lookupIds)
        found.push(await db.query.users.findFirst({ where: eq(users.id, id), with: { profile: true } }));
      return found;
    },
    // better-sqlite3 transactions are synchronous: Drizzle runs the callback in one, with .all()/.run().
    S6: async ({ newPosts: { userId, posts: input } }: ScenarioInputs) =>
      db.transaction((tx) => {
        const created = tx
          .insert(posts)
          .values(input.map(({ tagIds: _, ...post }) => ({ ...post, userId })))
          .returning({ id: posts.id })
          .all();
        tx.insert(postTag)
          .values(
            input.flatMap((post, i) =>
              post.tagIds.map((tagId) => ({ postId: created[i]!.id, tagId, createdAt: post.createdAt })),
            ),
          )
          .run();
        return created;
      }),
    // No polymorphic relations in Drizzle 0.45 (see morphCommentsRelations): one query per target
    // type, filtered on the type column, each loading its own relation; merged back in id order.
    // No through relations either: countries > users > posts, flattened by canonical.
    async S7() {
      const onPosts = await db.query.morphComments.findMany({
        where: eq(morphComments.commentableType, "post"),
        with: { post: { with: { author: true } } },
        orderBy: [asc(morphComments.id)],
      });
      const onVideos = await db.query.morphComments.findMany({
        where: eq(morphComments.commentableType, "video"),
        with: { video: { with: { author: true } } },
        orderBy: [asc(morphComments.id)],
      });
      const comments = [...onPosts, ...onVideos].sort((a, b) => a.id - b.id);
      const countryList = await db.query.countries.findMany({
        orderBy: [asc(countries.id)],
        with: { users: { columns: {}, with: { posts: { orderBy: [asc(posts.id)] } } } },
      });
      return { comments, countries: countryList };
    },
    // A sync with Drizzle's query builder (see syncPlan), in the synchronous transaction.
    S8: async ({ syncs }: ScenarioInputs) =>
      db.transaction((tx) => {
        const current = tx
          .select()
          .from(postTag)
          .where(
            inArray(
              postTag.postId,
              syncs.map((s) => s.postId),
            ),
          )
          .all();
        const { detach, attach, update } = syncPlan(syncs, current);
        for (const [postId, tagIds] of detach)
          tx.delete(postTag)
            .where(and(eq(postTag.postId, postId), inArray(postTag.tagId, tagIds)))
            .run();
        if (attach.length) tx.insert(postTag).values(attach).run();
        for (const p of update)
          tx.update(postTag)
            .set({ createdAt: p.createdAt })
            .where(and(eq(postTag.postId, p.postId), eq(postTag.tagId, p.tagId)))
            .run();
      }),
  };
  return {
    scenarios,
    close: async () => {
      client.close();
    },
  };
}

async function pgScenarios(url: string, logger: Logger) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const db = drizzlePg({ client, schema: pgSchema, logger });
  const { users, posts, comments, postTag, countries, morphComments } = pgSchema;
  const scenarios: ScenarioFns = {
    S1: () =>
      db.query.users.findMany({
        orderBy: [asc(users.id)],
        with: { posts: { orderBy: [asc(posts.id)], with: { comments: { orderBy: [asc(comments.id)] } } } },
      }),
    S2: () =>
      db.query.posts.findMany({
        orderBy: [asc(posts.id)],
        with: { postTags: { orderBy: [asc(postTag.tagId)], with: { tag: true } } },
      }),
    S3: () =>
      db.query.users.findMany({
        where: exists(
          db
            .select({ id: posts.id })
            .from(posts)
            .where(and(eq(posts.userId, users.id), eq(posts.published, true), like(posts.title, "%7%"))),
        ),
        extras: { postsCount: db.$count(posts, postsOfUser(posts, users)).as("posts_count") },
        orderBy: [asc(users.id)],
      }),
    S4: () =>
      db.query.users.findMany({
        orderBy: [asc(users.id)],
        with: { posts: { orderBy: [desc(posts.createdAt)], limit: 3 } },
      }),
    async S5({ lookupIds }: ScenarioInputs) {
      const found = [];
      for (const id of lookupIds)
        found.push(await db.query.users.findFirst({ where: eq(users.id, id), with: { profile: true } }));
      return found;
    },
    S6: ({ newPosts: { userId, posts: input } }: ScenarioInputs) =>
      db.transaction(async (tx) => {
        const created = await tx
          .insert(posts)
          .values(input.map(({ tagIds: _, ...post }) => ({ ...post, userId })))
          .returning({ id: posts.id });
        await tx
          .insert(postTag)
          .values(
            input.flatMap((post, i) =>
              post.tagIds.map((tagId) => ({ postId: created[i]!.id, tagId, createdAt: post.createdAt })),
            ),
          );
        return created;
      }),
    // No polymorphic relations in Drizzle 0.45 (see morphCommentsRelations): one query per target
    // type, filtered on the type column, each loading its own relation; merged back in id order.
    // No through relations either: countries > users > posts, flattened by canonical.
    async S7() {
      const onPosts = await db.query.morphComments.findMany({
        where: eq(morphComments.commentableType, "post"),
        with: { post: { with: { author: true } } },
        orderBy: [asc(morphComments.id)],
      });
      const onVideos = await db.query.morphComments.findMany({
        where: eq(morphComments.commentableType, "video"),
        with: { video: { with: { author: true } } },
        orderBy: [asc(morphComments.id)],
      });
      const comments = [...onPosts, ...onVideos].sort((a, b) => a.id - b.id);
      const countryList = await db.query.countries.findMany({
        orderBy: [asc(countries.id)],
        with: { users: { columns: {}, with: { posts: { orderBy: [asc(posts.id)] } } } },
      });
      return { comments, countries: countryList };
    },
    // A sync with Drizzle's query builder (see syncPlan): read, delete, insert, update.
    S8: ({ syncs }: ScenarioInputs) =>
      db.transaction(async (tx) => {
        const current = await tx
          .select()
          .from(postTag)
          .where(
            inArray(
              postTag.postId,
              syncs.map((s) => s.postId),
            ),
          );
        const { detach, attach, update } = syncPlan(syncs, current);
        for (const [postId, tagIds] of detach)
          await tx.delete(postTag).where(and(eq(postTag.postId, postId), inArray(postTag.tagId, tagIds)));
        if (attach.length) await tx.insert(postTag).values(attach);
        for (const p of update)
          await tx
            .update(postTag)
            .set({ createdAt: p.createdAt })
            .where(and(eq(postTag.postId, p.postId), eq(postTag.tagId, p.tagId)));
      }),
  };
  return { scenarios, close: () => client.end() };
}

/**
 * Drizzle's relational queries load relations with LATERAL joins (mode "default") or, in
 * mode "planetscale", with derived tables that reference the outer row: MariaDB (10.11)
 * supports neither, so every `with` fails there ("syntax error near '(select coalesce(...'",
 * or "Unknown column 'users.id' in 'WHERE'").
 */
const NO_LATERAL = "relational queries need LATERAL (or outer refs in derived tables): not in MariaDB";
const MARIADB_NOTES = { S1: NO_LATERAL, S2: NO_LATERAL, S4: NO_LATERAL, S5: NO_LATERAL, S7: NO_LATERAL };

async function mysqlScenarios(url: string, logger: Logger) {
  const client = await mysql.createConnection({ uri: url, timezone: "Z" });
  const db = drizzleMysql({ client, schema: mysqlSchema, mode: "default", logger });
  const { users, posts, postTag } = mysqlSchema;
  const scenarios: ScenarioFns = {
    S3: () =>
      db.query.users.findMany({
        where: exists(
          db
            .select({ id: posts.id })
            .from(posts)
            .where(and(eq(posts.userId, users.id), eq(posts.published, true), like(posts.title, "%7%"))),
        ),
        extras: { postsCount: db.$count(posts, postsOfUser(posts, users)).as("posts_count") },
        orderBy: [asc(users.id)],
      }),
    S6: ({ newPosts: { userId, posts: input } }: ScenarioInputs) =>
      db.transaction(async (tx) => {
        const created = await tx
          .insert(posts)
          .values(input.map(({ tagIds: _, ...post }) => ({ ...post, userId })))
          .$returningId();
        await tx
          .insert(postTag)
          .values(
            input.flatMap((post, i) =>
              post.tagIds.map((tagId) => ({ postId: created[i]!.id, tagId, createdAt: post.createdAt })),
            ),
          );
        return created;
      }),
    // A sync with Drizzle's query builder (see syncPlan): read, delete, insert, update.
    S8: ({ syncs }: ScenarioInputs) =>
      db.transaction(async (tx) => {
        const current = await tx
          .select()
          .from(postTag)
          .where(
            inArray(
              postTag.postId,
              syncs.map((s) => s.postId),
            ),
          );
        const { detach, attach, update } = syncPlan(syncs, current);
        for (const [postId, tagIds] of detach)
          await tx.delete(postTag).where(and(eq(postTag.postId, postId), inArray(postTag.tagId, tagIds)));
        if (attach.length) await tx.insert(postTag).values(attach);
        for (const p of update)
          await tx
            .update(postTag)
            .set({ createdAt: p.createdAt })
            .where(and(eq(postTag.postId, p.postId), eq(postTag.tagId, p.tagId)));
      }),
  };
  return { scenarios, notes: MARIADB_NOTES, close: () => client.end() };
}

const drizzle: Contender = {
  name: "drizzle",
  dialects: ["sqlite", "postgres", "mysql"],
  async setup({ dialect, url, file, countStatement }) {
    const logger: Logger = { logQuery: () => countStatement() };
    const built =
      dialect === "sqlite"
        ? sqliteScenarios(file!, logger)
        : dialect === "postgres"
          ? await pgScenarios(url, logger)
          : await mysqlScenarios(url, logger);
    return { ...built, canonical: { S2: s2Canonical, S7: s7Canonical } };
  },
};

export default drizzle;
