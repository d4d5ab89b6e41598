/**
 * MikroORM 6.6 with the EntitySchemas of ../../contenders/mikro-orm/entities.ts, `pool.max: 10`,
 * a fresh `em.fork()` per request (as a request context does in an API): find is `findOne`
 * with populate (6.x default "joined" strategy), list `find` with the `$some` collection
 * operator and the lazy `postsCount` formula, create `em.create` of the post with its PostTag
 * rows nested, written by `flush` (one transaction).
 */
import { type IDatabaseDriver, MikroORM, type Options } from "@mikro-orm/core";
import { MySqlDriver } from "@mikro-orm/mysql";
import { PostgreSqlDriver } from "@mikro-orm/postgresql";
import { entities, type Post, PostSchema, type User, UserSchema } from "../../contenders/mikro-orm/entities.js";
import type { S9Contender } from "../contract.js";

// Untimed mappers to the canonical shapes (foreign keys as `userId`).
const post = (p: Post) => ({
  id: p.id,
  userId: p.user.id,
  title: p.title,
  body: p.body,
  published: p.published,
  createdAt: p.createdAt,
});
const user = (u: User) => ({ id: u.id, name: u.name, email: u.email });

const mikroOrm: S9Contender = {
  name: "mikro-orm",
  dialects: ["postgres", "mysql"],
  async setup({ dialect, url, pool }) {
    const common: Options<IDatabaseDriver> = { entities, ensureDatabase: false, pool: { max: pool } };
    const options: Options<IDatabaseDriver> =
      dialect === "postgres"
        ? { ...common, driver: PostgreSqlDriver, clientUrl: url }
        : { ...common, driver: MySqlDriver, clientUrl: url, forceUtcTimezone: true };
    const orm = await MikroORM.init(options);
    return {
      find: (id) =>
        orm.em.fork().findOne(UserSchema, id, { populate: ["posts", "profile"], orderBy: { posts: { id: "asc" } } }),
      list: (offset) =>
        orm.em
          .fork()
          .find(
            UserSchema,
            { posts: { $some: { published: true } } },
            { populate: ["postsCount"], orderBy: { id: "asc" }, limit: 20, offset },
          ),
      async create({ tagIds, userId, ...values }) {
        const em = orm.em.fork();
        const created = em.create(PostSchema, {
          ...values,
          user: userId,
          postTags: tagIds.map((tag) => ({ tag, createdAt: values.createdAt })),
        });
        await em.flush();
        return created;
      },
      canonical: {
        find: (u: User | null) =>
          u && {
            ...user(u),
            posts: u.posts.getItems().map(post),
            profile: u.profile ? { id: u.profile.id, userId: u.id, bio: u.profile.bio } : null,
          },
        list: (users: User[]) => users.map((u) => ({ ...user(u), postsCount: u.postsCount })),
      },
      close: () => orm.close(),
    };
  },
};

export default mikroOrm;
