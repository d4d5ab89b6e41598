/** relata, with either loading strategy (relata-query.ts / relata-join.ts pick one). */
import {
  belongsTo,
  belongsToMany,
  boolean,
  createDb,
  defineSchema,
  hasMany,
  hasManyThrough,
  hasOne,
  id,
  integer,
  model,
  morphMany,
  morphTo,
  string,
  text,
  timestamp,
} from "../../../dist/index.js";
import type { Contender } from "../contract.js";

export const schema = defineSchema(
  {
    country: model({
      table: "countries",
      fields: { id: id(), name: string().unique() },
      // user.countryId -> post.userId
      relations: { posts: hasManyThrough("post", { through: "user" }) },
    }),
    user: model({
      table: "users",
      fields: { id: id(), name: string(), email: string().unique(), countryId: integer().references("country.id") },
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
        morphComments: morphMany("morphComment", { morphName: "commentable" }),
      },
    }),
    video: model({
      table: "videos",
      fields: { id: id(), userId: integer().references("user.id"), title: string() },
      relations: {
        author: belongsTo("user", { foreignKey: "userId" }),
        morphComments: morphMany("morphComment", { morphName: "commentable" }),
      },
    }),
    // The morphTo's targets are the models with a morphMany to it (post, video), its type values their names.
    morphComment: model({
      table: "morph_comments",
      fields: { id: id(), commentableType: string(), commentableId: integer(), body: text() },
      relations: { commentable: morphTo() },
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
          async S7() {
            // Both morphTo targets have an `author`, so the path goes through the morphTo.
            const comments = await db.morphComment.with("commentable.author").orderBy("id").get();
            const countries = await db.country
              .with("posts", (q) => q.orderBy("id"))
              .orderBy("id")
              .get();
            return { comments, countries };
          },
          // syncMany: one read, then one delete, one insert and one update for all 1,000 posts.
          S8: ({ syncs }) =>
            db.transaction((tx) =>
              tx.post.syncMany(
                "tags",
                syncs.map(({ postId, tags }) => [
                  { id: postId },
                  Object.fromEntries(tags.map(({ tagId, createdAt }) => [tagId, { createdAt }])),
                ]),
              ),
            ),
        },
        close: () => db.destroy(),
      };
    },
  };
}
