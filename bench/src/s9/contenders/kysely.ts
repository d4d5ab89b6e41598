/**
 * Kysely 0.28 on a pg.Pool: find in one statement with `jsonArrayFrom` / `jsonObjectFrom` (its
 * relations recipe, as ../../contenders/kysely.ts), list with a count subquery and `exists`,
 * create in `db.transaction()`. PostgreSQL only: the helpers do not run on MariaDB.
 */
import { type Generated, Kysely, PostgresDialect } from "kysely";
import { jsonArrayFrom, jsonObjectFrom } from "kysely/helpers/postgres";
import pg from "pg";
import type { S9Contender } from "../contract.js";

interface DB {
  users: { id: Generated<number>; name: string; email: string };
  profiles: { id: Generated<number>; user_id: number; bio: string };
  posts: {
    id: Generated<number>;
    user_id: number;
    title: string;
    body: string;
    published: boolean;
    created_at: Date;
  };
  post_tag: { post_id: number; tag_id: number; created_at: Date };
}

const kysely: S9Contender = {
  name: "kysely",
  dialects: ["postgres"],
  notes: { mysql: "jsonArrayFrom/jsonObjectFrom (mysql helpers) do not run on MariaDB" },
  async setup({ url, pool }) {
    const db = new Kysely<DB>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: pool }) }),
    });
    return {
      find: (id) =>
        db
          .selectFrom("users")
          .select((eb) => [
            "users.id",
            "users.name",
            "users.email",
            jsonArrayFrom(
              eb
                .selectFrom("posts")
                .select([
                  "posts.id",
                  "posts.user_id",
                  "posts.title",
                  "posts.body",
                  "posts.published",
                  "posts.created_at",
                ])
                .whereRef("posts.user_id", "=", "users.id")
                .orderBy("posts.id"),
            ).as("posts"),
            jsonObjectFrom(
              eb
                .selectFrom("profiles")
                .select(["profiles.id", "profiles.user_id", "profiles.bio"])
                .whereRef("profiles.user_id", "=", "users.id"),
            ).as("profile"),
          ])
          .where("users.id", "=", id)
          .executeTakeFirst(),
      list: (offset) =>
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
                .where("posts.published", "=", true),
            ),
          )
          .orderBy("users.id")
          .limit(20)
          .offset(offset)
          .execute(),
      create: ({ tagIds, userId, title, body, published, createdAt }) =>
        db.transaction().execute(async (trx) => {
          const { id } = await trx
            .insertInto("posts")
            .values({ user_id: userId, title, body, published, created_at: createdAt })
            .returning("id")
            .executeTakeFirstOrThrow();
          await trx
            .insertInto("post_tag")
            .values(tagIds.map((tagId) => ({ post_id: id, tag_id: tagId, created_at: createdAt })))
            .execute();
          return id;
        }),
      close: () => db.destroy(),
    };
  },
};

export default kysely;
