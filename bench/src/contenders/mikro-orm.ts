/**
 * MikroORM 6.6 with EntitySchema definitions. Relations populate with the 6.x default
 * `loadStrategy: "joined"`; every scenario call (and every S5 lookup) works on a fresh
 * `em.fork()`, so the identity map never answers from memory. Statements are counted from
 * the `query` debug namespace through a custom `logger`.
 */
import { BetterSqliteDriver } from "@mikro-orm/better-sqlite";
import { type IDatabaseDriver, MikroORM, type Options } from "@mikro-orm/core";
import { MySqlDriver } from "@mikro-orm/mysql";
import { PostgreSqlDriver } from "@mikro-orm/postgresql";
import type { Contender } from "../contract.js";
import {
  type Comment,
  entities,
  type Post,
  PostSchema,
  PostTagSchema,
  type Profile,
  TagSchema,
  type User,
  UserSchema,
} from "./mikro-orm/entities.js";

// Untimed mappers from entities to the canonical shapes (foreign keys as `userId` / `postId`).
const post = (p: Post) => ({
  id: p.id,
  userId: p.user.id,
  title: p.title,
  body: p.body,
  published: p.published,
  createdAt: p.createdAt,
});
const user = (u: User) => ({ id: u.id, name: u.name, email: u.email });
const comment = (c: Comment) => ({ id: c.id, postId: c.post.id, userId: c.user.id, body: c.body });
const profile = (p: Profile | undefined) => (p ? { id: p.id, userId: p.user.id, bio: p.bio } : null);

const mikroOrm: Contender = {
  name: "mikro-orm",
  dialects: ["sqlite", "postgres", "mysql"],
  async setup({ dialect, url, file, countStatement }) {
    const common: Options<IDatabaseDriver> = {
      entities,
      debug: ["query"],
      colors: false,
      logger: (message) => {
        if (message.startsWith("[query] ")) countStatement();
      },
      ensureDatabase: false,
    };
    const options: Options<IDatabaseDriver> =
      dialect === "sqlite"
        ? { ...common, driver: BetterSqliteDriver, dbName: file! }
        : dialect === "postgres"
          ? { ...common, driver: PostgreSqlDriver, clientUrl: url }
          : { ...common, driver: MySqlDriver, clientUrl: url, forceUtcTimezone: true };
    const orm = await MikroORM.init(options);

    return {
      scenarios: {
        S1: () =>
          orm.em.fork().find(
            UserSchema,
            {},
            {
              populate: ["posts.comments"],
              orderBy: { id: "asc", posts: { id: "asc", comments: { id: "asc" } } },
            },
          ),
        S2: () =>
          orm.em
            .fork()
            .find(PostSchema, {}, { populate: ["postTags.tag"], orderBy: { id: "asc", postTags: { tag: "asc" } } }),
        S3: () =>
          orm.em
            .fork()
            .find(
              UserSchema,
              { posts: { published: true, title: { $like: "%7%" } } },
              { populate: ["postsCount"], orderBy: { id: "asc" } },
            ),
        async S5({ lookupIds }) {
          const found = [];
          // One fork per lookup, as one request each: a shared fork would answer repeated ids from memory.
          for (const id of lookupIds)
            found.push(await orm.em.fork().findOne(UserSchema, id, { populate: ["profile"] }));
          return found;
        },
        S6: ({ newPosts: { userId, posts } }) =>
          orm.em.fork().transactional(async (em) => {
            const author = em.getReference(UserSchema, userId);
            const created = posts.map(({ tagIds, ...values }) => {
              const entity = em.create(PostSchema, { ...values, user: author });
              for (const tagId of tagIds)
                em.create(PostTagSchema, {
                  post: entity,
                  tag: em.getReference(TagSchema, tagId),
                  createdAt: values.createdAt,
                });
              return entity;
            });
            await em.flush();
            return created;
          }),
        // Through the pivot entity: load the posts' PostTag entities, remove the detached ones,
        // change the pivot values and create the new ones; the flush at the end of `transactional`
        // writes it all (batched by the unit of work).
        S8: ({ syncs }) =>
          orm.em.fork().transactional(async (em) => {
            const wanted = new Map(
              syncs.flatMap(({ postId, tags }) =>
                tags.map(({ tagId, createdAt }) => [`${postId}:${tagId}`, { postId, tagId, createdAt }]),
              ),
            );
            const current = await em.find(PostTagSchema, { post: { $in: syncs.map((s) => s.postId) } });
            for (const row of current) {
              const key = `${row.post.id}:${row.tag.id}`;
              const want = wanted.get(key);
              wanted.delete(key);
              if (!want) em.remove(row);
              else if (want.createdAt.getTime() !== row.createdAt.getTime()) row.createdAt = want.createdAt;
            }
            for (const { postId, tagId, createdAt } of wanted.values())
              em.create(PostTagSchema, {
                post: em.getReference(PostSchema, postId),
                tag: em.getReference(TagSchema, tagId),
                createdAt,
              });
          }),
      },
      canonical: {
        S1: (result: User[]) =>
          result.map((u) => ({
            ...user(u),
            posts: u.posts.getItems().map((p) => ({ ...post(p), comments: p.comments.getItems().map(comment) })),
          })),
        S2: (result: Post[]) =>
          result.map((p) => ({
            ...post(p),
            tags: p.postTags.getItems().map((pt) => ({
              id: pt.tag.id,
              name: pt.tag.name,
              pivot: { postId: p.id, tagId: pt.tag.id, createdAt: pt.createdAt },
            })),
          })),
        S3: (result: User[]) => result.map((u) => ({ ...user(u), postsCount: u.postsCount })),
        S5: (result: (User | null)[]) => result.map((u) => u && { ...user(u), profile: profile(u.profile) }),
      },
      notes: {
        S4: "no per-parent limit on populate (populateWhere / populateOrderBy only filter and sort)",
        S7: "no polymorphic relations in MikroORM 6 (they arrive in 7.0)",
      },
      close: () => orm.close(),
    };
  },
};

export default mikroOrm;
