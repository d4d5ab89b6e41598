/** Drizzle schema for MariaDB / MySQL: datetime(3) in UTC, boolean. */
import { relations } from "drizzle-orm";
import { boolean, datetime, int, mysqlTable, primaryKey, text, varchar } from "drizzle-orm/mysql-core";

export const countries = mysqlTable("countries", {
  id: int("id").autoincrement().primaryKey(),
  name: varchar("name", { length: 255 }).notNull().unique(),
});

export const users = mysqlTable("users", {
  id: int("id").autoincrement().primaryKey(),
  name: varchar("name", { length: 255 }).notNull(),
  email: varchar("email", { length: 255 }).notNull().unique(),
  countryId: int("country_id")
    .notNull()
    .references(() => countries.id),
});

export const profiles = mysqlTable("profiles", {
  id: int("id").autoincrement().primaryKey(),
  userId: int("user_id")
    .notNull()
    .unique()
    .references(() => users.id),
  bio: text("bio").notNull(),
});

export const posts = mysqlTable("posts", {
  id: int("id").autoincrement().primaryKey(),
  userId: int("user_id")
    .notNull()
    .references(() => users.id),
  title: varchar("title", { length: 255 }).notNull(),
  body: text("body").notNull(),
  published: boolean("published").notNull(),
  createdAt: datetime("created_at", { fsp: 3, mode: "date" }).notNull(),
});

export const comments = mysqlTable("comments", {
  id: int("id").autoincrement().primaryKey(),
  postId: int("post_id")
    .notNull()
    .references(() => posts.id),
  userId: int("user_id")
    .notNull()
    .references(() => users.id),
  body: text("body").notNull(),
});

export const tags = mysqlTable("tags", {
  id: int("id").autoincrement().primaryKey(),
  name: varchar("name", { length: 255 }).notNull().unique(),
});

export const postTag = mysqlTable(
  "post_tag",
  {
    postId: int("post_id")
      .notNull()
      .references(() => posts.id),
    tagId: int("tag_id")
      .notNull()
      .references(() => tags.id),
    createdAt: datetime("created_at", { fsp: 3, mode: "date" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.postId, t.tagId] })],
);

export const videos = mysqlTable("videos", {
  id: int("id").autoincrement().primaryKey(),
  userId: int("user_id")
    .notNull()
    .references(() => users.id),
  title: varchar("title", { length: 255 }).notNull(),
});

export const morphComments = mysqlTable("morph_comments", {
  id: int("id").autoincrement().primaryKey(),
  commentableType: varchar("commentable_type", { length: 255 }).notNull(),
  commentableId: int("commentable_id").notNull(),
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
