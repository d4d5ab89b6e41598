/** relata, with either loading strategy (relata-query.ts / relata-join.ts pick one). */
import {
  belongsTo,
  belongsToMany,
  boolean,
  createDb,
  defineSchema,
  hasMany,
  hasOne,
  id,
  integer,
  model,
  string,
  text,
  timestamp,
} from "../../../dist/index.js";
import type { Contender } from "../contract.js";

export const schema = defineSchema(
  {
    user: model({
      table: "users",
      fields: { id: id(), name: string(), email: string().unique() },
      relations: { posts: hasMany("post"), profile: hasOne("profile") },
    }),
    profile: model({
      table: "profiles",
      // Unique, as the dataset's table and Prisma's schema declare it: a one-to-one.
      fields: { id: id(), userId: integer().unique().references("user.id"), bio: text() },
    }),
    post: model({
      table: "posts",
      fields: {
        id: id(),
        userId: integer().references("user.id"),
        title: string(),
        body: text(),
        published: boolean(),
        createdAt: timestamp(),
      },
      relations: {
        author: belongsTo("user", { foreignKey: "userId" }),
        comments: hasMany("comment"),
        tags: belongsToMany("tag", { table: "post_tag", pivotFields: { createdAt: timestamp() } }),
      },
    }),
    comment: model({
      table: "comments",
      fields: {
        id: id(),
        postId: integer().references("post.id"),
        userId: integer().references("user.id"),
        body: text(),
      },
    }),
    tag: model({ table: "tags", fields: { id: id(), name: string().unique() } }),
  },
  { casing: "snake_case" },
);

export function relataContender(strategy: "query" | "join"): Contender {
  return {
    name: `relata (${strategy})`,
    dialects: ["sqlite", "postgres", "mysql"],
    async setup({ url, countStatement }) {
      const db = createDb({ schema, url, relationLoadStrategy: strategy, onQuery: countStatement });
      return {
        scenarios: {
          S1: () => db.user.with("posts.comments").orderBy("id").get(),
          S2: () => db.post.with("tags").orderBy("id").get(),
          S3: () =>
            db.user
              .whereHas("posts", (q) => q.where("published", true).where("title", "like", "%7%"))
              .withCount("posts")
              .orderBy("id")
              .get(),
          S4: () =>
            db.user
              .with("posts", (q) => q.orderBy("createdAt", "desc").limit(3))
              .orderBy("id")
              .get(),
          async S5({ lookupIds }) {
            const found = [];
            for (const id of lookupIds) found.push(await db.user.with("profile").where("id", id).first());
            return found;
          },
          S6: ({ newPosts: { userId, posts } }) =>
            db.post.createMany(
              posts.map(({ tagIds, ...post }) => ({
                ...post,
                userId,
                tags: { connect: Object.fromEntries(tagIds.map((tag) => [tag, { createdAt: post.createdAt }])) },
              })),
            ),
        },
        close: () => db.destroy(),
      };
    },
  };
}
