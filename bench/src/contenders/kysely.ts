/**
 * Kysely 0.28, the query builder alone: nested relations in one statement with the
 * `jsonArrayFrom` / `jsonObjectFrom` helpers of `kysely/helpers/sqlite` and `/postgres`, as
 * Kysely's relations recipe recommends (with `ParseJSONResultsPlugin` where the driver returns
 * JSON as text). Statements counted by Kysely's `log` option.
 */
import Database from "better-sqlite3";
import {
  type Generated,
  Kysely,
  type LogEvent,
  MysqlDialect,
  ParseJSONResultsPlugin,
  PostgresDialect,
  SqliteDialect,
} from "kysely";
import * as pgHelpers from "kysely/helpers/postgres";
import * as sqliteHelpers from "kysely/helpers/sqlite";
import { createPool } from "mysql2";
import pg from "pg";
import type { Contender, Dialect, ScenarioFns } from "../contract.js";
import { syncPlan } from "./sync-plan.js";

/** The tables. SQLite stores booleans as 0/1 and timestamps as ISO-8601 text. */
interface DB {
  countries: { id: Generated<number>; name: string };
  users: { id: Generated<number>; name: string; email: string; country_id: number };
  profiles: { id: Generated<number>; user_id: number; bio: string };
  posts: {
    id: Generated<number>;
    user_id: number;
    title: string;
    body: string;
    published: boolean | number;
    created_at: Date | string;
  };
  comments: { id: Generated<number>; post_id: number; user_id: number; body: string };
  tags: { id: Generated<number>; name: string };
  post_tag: { post_id: number; tag_id: number; created_at: Date | string };
  videos: { id: Generated<number>; user_id: number; title: string };
  morph_comments: { id: Generated<number>; commentable_type: string; commentable_id: number; body: string };
}

const postColumns = ["id", "user_id", "title", "body", "published", "created_at"] as const;

function connect(dialect: Dialect, url: string, file: string | undefined, log: (event: LogEvent) => void) {
  if (dialect === "sqlite") {
    const database = new Database(file!);
    database.pragma("journal_mode = WAL");
    return new Kysely<DB>({ dialect: new SqliteDialect({ database }), plugins: [new ParseJSONResultsPlugin()], log });
  }
  if (dialect === "postgres")
    return new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) }), log });
  return new Kysely<DB>({ dialect: new MysqlDialect({ pool: createPool({ uri: url, timezone: "Z" }) }), log });
}

function scenarios(db: Kysely<DB>, dialect: Dialect): ScenarioFns {
  // Only SQLite and PostgreSQL: see NOT_ON_MARIADB.
  const { jsonArrayFrom, jsonObjectFrom } = dialect === "sqlite" ? sqliteHelpers : pgHelpers;
  // better-sqlite3 binds neither booleans nor Dates.
  const bool = (b: boolean) => (dialect === "sqlite" ? (b ? 1 : 0) : b);
  const time = (d: Date) => (dialect === "sqlite" ? d.toISOString() : d);

  return {
    S1: () =>
      db
        .selectFrom("users")
        .select((eb) => [
          "users.id",
          "users.name",
          "users.email",
          jsonArrayFrom(
            eb
              .selectFrom("posts")
              .select((eb) => [
                ...postColumns.map((c) => `posts.${c}` as const),
                jsonArrayFrom(
                  eb
                    .selectFrom("comments")
                    .select(["comments.id", "comments.post_id", "comments.user_id", "comments.body"])
                    .whereRef("comments.post_id", "=", "posts.id")
                    .orderBy("comments.id"),
                ).as("comments"),
              ])
              .whereRef("posts.user_id", "=", "users.id")
              .orderBy("posts.id"),
          ).as("posts"),
        ])
        .orderBy("users.id")
        .execute(),
    S2: () =>
      db
        .selectFrom("posts")
        .select((eb) => [
          ...postColumns.map((c) => `posts.${c}` as const),
          jsonArrayFrom(
            eb
              .selectFrom("post_tag")
              .innerJoin("tags", "tags.id", "post_tag.tag_id")
              .select(["tags.id", "tags.name", "post_tag.post_id", "post_tag.tag_id", "post_tag.created_at"])
              .whereRef("post_tag.post_id", "=", "posts.id")
              .orderBy("tags.id"),
          ).as("tags"),
        ])
        .orderBy("posts.id")
        .execute(),
    S3: () =>
      db
        .selectFrom("users")
        .select((eb) => [
          "users.id",
          "users.name",
          "users.email",
          eb
            .selectFrom("posts")
            .select((eb) => eb.fn.countAll().as("n"))
            .whereRef("posts.user_id", "=", "users.id")
            .as("posts_count"),
        ])
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom("posts")
              .select("posts.id")
              .whereRef("posts.user_id", "=", "users.id")
              .where("posts.published", "=", bool(true))
              .where("posts.title", "like", "%7%"),
          ),
        )
        .orderBy("users.id")
        .execute(),
    S4: () =>
      db
        .selectFrom("users")
        .select((eb) => [
          "users.id",
          "users.name",
          "users.email",
          jsonArrayFrom(
            eb
              .selectFrom("posts")
              .select(postColumns.map((c) => `posts.${c}` as const))
              .whereRef("posts.user_id", "=", "users.id")
              .orderBy("posts.created_at", "desc")
              .limit(3),
          ).as("posts"),
        ])
        .orderBy("users.id")
        .execute(),
    async S5({ lookupIds }) {
      const found = [];
      for (const id of lookupIds)
        found.push(
          await db
            .selectFrom("users")
            .select((eb) => [
              "users.id",
              "users.name",
              "users.email",
              jsonObjectFrom(
                eb
                  .selectFrom("profiles")
                  .select(["profiles.id", "profiles.user_id", "profiles.bio"])
                  .whereRef("profiles.user_id", "=", "users.id"),
              ).as("profile"),
            ])
            .where("users.id", "=", id)
            .executeTakeFirst(),
        );
      return found;
    },
    S6: ({ newPosts: { userId, posts } }) =>
      db.transaction().execute(async (trx) => {
        const rows = posts.map((p) => ({
          user_id: userId,
          title: p.title,
          body: p.body,
          published: bool(p.published),
          created_at: time(p.createdAt),
        }));
        let ids: number[];
        if (dialect === "mysql") {
          // No RETURNING: a multi-row INSERT gets consecutive auto-increment ids from insertId.
          const { insertId } = await trx.insertInto("posts").values(rows).executeTakeFirstOrThrow();
          ids = posts.map((_, i) => Number(insertId) + i);
        } else {
          ids = (await trx.insertInto("posts").values(rows).returning("posts.id").execute()).map((r) => r.id);
        }
        await trx
          .insertInto("post_tag")
          .values(
            posts.flatMap((p, i) =>
              p.tagIds.map((tagId) => ({ post_id: ids[i]!, tag_id: tagId, created_at: time(p.createdAt) })),
            ),
          )
          .execute();
        return ids;
      }),
    async S7() {
      // A query builder has no polymorphic relations: one subquery per target type, each guarded
      // by the type column (canonical keeps the one that matched).
      const comments = await db
        .selectFrom("morph_comments")
        .select((eb) => [
          "morph_comments.id",
          "morph_comments.commentable_type",
          "morph_comments.commentable_id",
          "morph_comments.body",
          jsonObjectFrom(
            eb
              .selectFrom("posts")
              .select((eb) => [
                ...postColumns.map((c) => `posts.${c}` as const),
                jsonObjectFrom(
                  eb
                    .selectFrom("users")
                    .select(["users.id", "users.name", "users.email"])
                    .whereRef("users.id", "=", "posts.user_id"),
                ).as("author"),
              ])
              .whereRef("posts.id", "=", "morph_comments.commentable_id")
              .where("morph_comments.commentable_type", "=", "post"),
          ).as("post"),
          jsonObjectFrom(
            eb
              .selectFrom("videos")
              .select((eb) => [
                "videos.id",
                "videos.user_id",
                "videos.title",
                jsonObjectFrom(
                  eb
                    .selectFrom("users")
                    .select(["users.id", "users.name", "users.email"])
                    .whereRef("users.id", "=", "videos.user_id"),
                ).as("author"),
              ])
              .whereRef("videos.id", "=", "morph_comments.commentable_id")
              .where("morph_comments.commentable_type", "=", "video"),
          ).as("video"),
        ])
        .orderBy("morph_comments.id")
        .execute();
      // The through relation is a join in the subquery: posts of the users of each country.
      const countries = await db
        .selectFrom("countries")
        .select((eb) => [
          "countries.id",
          "countries.name",
          jsonArrayFrom(
            eb
              .selectFrom("posts")
              .innerJoin("users", "users.id", "posts.user_id")
              .select(postColumns.map((c) => `posts.${c}` as const))
              .whereRef("users.country_id", "=", "countries.id")
              .orderBy("posts.id"),
          ).as("posts"),
        ])
        .orderBy("countries.id")
        .execute();
      return { comments, countries };
    },
    // A sync written with the query builder: read the current pivot rows, then delete the
    // detached, insert the attached and update the changed pivot values.
    S8: ({ syncs }) =>
      db.transaction().execute(async (trx) => {
        const current = await trx
          .selectFrom("post_tag")
          .select(["post_tag.post_id", "post_tag.tag_id", "post_tag.created_at"])
          .where(
            "post_tag.post_id",
            "in",
            syncs.map((s) => s.postId),
          )
          .execute();
        const { detach, attach, update } = syncPlan(
          syncs,
          current.map((r) => ({ postId: r.post_id, tagId: r.tag_id, createdAt: new Date(r.created_at) })),
        );
        const pairs = [...detach].flatMap(([postId, tagIds]) => tagIds.map((tagId) => [postId, tagId] as const));
        if (pairs.length)
          await trx
            .deleteFrom("post_tag")
            .where(({ eb, refTuple, tuple }) =>
              eb(
                refTuple("post_tag.post_id", "post_tag.tag_id"),
                "in",
                pairs.map(([postId, tagId]) => tuple(postId, tagId)),
              ),
            )
            .execute();
        if (attach.length)
          await trx
            .insertInto("post_tag")
            .values(attach.map((p) => ({ post_id: p.postId, tag_id: p.tagId, created_at: time(p.createdAt) })))
            .execute();
        for (const p of update)
          await trx
            .updateTable("post_tag")
            .set({ created_at: time(p.createdAt) })
            .where("post_tag.post_id", "=", p.postId)
            .where("post_tag.tag_id", "=", p.tagId)
            .execute();
      }),
  };
}

/**
 * `kysely/helpers/mysql` wraps the aggregate in `cast(... as json)`, which MariaDB does not
 * have (kysely issue #1019), and both helpers select from a derived table that references the
 * outer row, which MariaDB (10.11) rejects ("Unknown column 'users.id' in 'WHERE'").
 */
const NO_HELPERS = "jsonArrayFrom/jsonObjectFrom (mysql helpers) do not run on MariaDB";
const NOT_ON_MARIADB = ["S1", "S2", "S4", "S5", "S7"] as const;

/** S2's tag rows carry the pivot column next to the tag's own. */
type TagRow = { id: number; name: string; post_id: number; tag_id: number; created_at: unknown };
const s2Canonical = (posts: { tags: TagRow[] }[]) =>
  posts.map((post) => ({
    ...post,
    tags: post.tags.map(({ id, name, ...pivot }) => ({ id, name, pivot })),
  }));

/** S7's per-type columns as the canonical `commentable`. */
const s7Canonical = ({ comments, countries }: { comments: Record<string, unknown>[]; countries: unknown[] }) => ({
  comments: comments.map(({ post, video, ...comment }) => ({ ...comment, commentable: post ?? video })),
  countries,
});

const kysely: Contender = {
  name: "kysely",
  dialects: ["sqlite", "postgres", "mysql"],
  async setup({ dialect, url, file, countStatement }) {
    const db = connect(dialect, url, file, () => countStatement());
    const fns = scenarios(db, dialect);
    if (dialect === "mysql") for (const s of NOT_ON_MARIADB) delete fns[s];
    return {
      scenarios: fns,
      canonical: { S2: s2Canonical, S7: s7Canonical },
      ...(dialect === "mysql" ? { notes: Object.fromEntries(NOT_ON_MARIADB.map((s) => [s, NO_HELPERS])) } : {}),
      close: () => db.destroy(),
    };
  },
};

export default kysely;
