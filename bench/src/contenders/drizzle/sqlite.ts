/** Drizzle schema for SQLite: timestamps are ISO-8601 text, booleans 0/1. */
import { relations } from "drizzle-orm";
import { customType, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** ISO-8601 text <-> Date (Drizzle's documented custom-type hook). */
const isoTimestamp = customType<{ data: Date; driverData: string }>({
  dataType: () => "text",
  toDriver: (value) => value.toISOString(),
  fromDriver: (value) => new Date(value),
});

export const countries = sqliteTable("countries", {
  id: integer("id").primaryKey(),
  name: text("name").notNull().unique(),
});

export const users = sqliteTable("users", {
  id: integer("id").primaryKey(),
  name: text("name").notNull(),
  email: text("email").notNull().unique(),
  countryId: integer("country_id")
    .notNull()
    .references(() => countries.id),
});

export const profiles = sqliteTable("profiles", {
  id: integer("id").primaryKey(),
  userId: integer("user_id")
    .notNull()
    .unique()
    .references(() => users.id),
  bio: text("bio").notNull(),
});

export const posts = sqliteTable("posts", {
  id: integer("id").primaryKey(),
  userId: integer("user_id")
    .notNull()
    .references(() => users.id),
  title: text("title").notNull(),
  body: text("body").notNull(),
  published: integer("published", { mode: "boolean" }).notNull(),
  createdAt: isoTimestamp("created_at").notNull(),
});

export const comments = sqliteTable("comments", {
  id: integer("id").primaryKey(),
  postId: integer("post_id")
    .notNull()
    .references(() => posts.id),
  userId: integer("user_id")
    .notNull()
    .references(() => users.id),
  body: text("body").notNull(),
});

export const tags = sqliteTable("tags", {
  id: integer("id").primaryKey(),
  name: text("name").notNull().unique(),
});

export const postTag = sqliteTable(
  "post_tag",
  {
    postId: integer("post_id")
      .notNull()
      .references(() => posts.id),
    tagId: integer("tag_id")
      .notNull()
      .references(() => tags.id),
    createdAt: isoTimestamp("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.postId, t.tagId] })],
);

export const videos = sqliteTable("videos", {
  id: integer("id").primaryKey(),
  userId: integer("user_id")
    .notNull()
    .references(() => users.id),
  title: text("title").notNull(),
});

export const morphComments = sqliteTable("morph_comments", {
  id: integer("id").primaryKey(),
  commentableType: text("commentable_type").notNull(),
  commentableId: integer("commentable_id").notNull(),
  body: text("body").notNull(),
});

export const countriesRelations = relations(countries, ({ many }) => ({ users: many(users) }));
export const usersRelations = relations(users, ({ many, one }) => ({
  country: one(countries, { fields: [users.countryId], references: [countries.id] }),
  posts: many(posts),
  profile: one(profiles),
}));
export const profilesRelations = relations(profiles, ({ one }) => ({
  user: one(users, { fields: [profiles.userId], references: [users.id] }),
}));
export const postsRelations = relations(posts, ({ many, one }) => ({
  author: one(users, { fields: [posts.userId], references: [users.id] }),
  comments: many(comments),
  postTags: many(postTag),
}));
export const commentsRelations = relations(comments, ({ one }) => ({
  post: one(posts, { fields: [comments.postId], references: [posts.id] }),
}));
export const tagsRelations = relations(tags, ({ many }) => ({ postTags: many(postTag) }));
export const postTagRelations = relations(postTag, ({ one }) => ({
  post: one(posts, { fields: [postTag.postId], references: [posts.id] }),
  tag: one(tags, { fields: [postTag.tagId], references: [tags.id] }),
}));
export const videosRelations = relations(videos, ({ one }) => ({
  author: one(users, { fields: [videos.userId], references: [users.id] }),
}));
/**
 * Drizzle 0.45's relations have no polymorphism (drizzle-orm issue #1051, in the 1.0 beta): one
 * relation per target type on the same id column; queries filter on `commentableType`.
 */
export const morphCommentsRelations = relations(morphComments, ({ one }) => ({
  post: one(posts, { fields: [morphComments.commentableId], references: [posts.id] }),
  video: one(videos, { fields: [morphComments.commentableId], references: [videos.id] }),
}));
