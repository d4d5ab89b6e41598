/** Drizzle schema for PostgreSQL: timestamptz(3), boolean. */
import { relations } from "drizzle-orm";
import { boolean, integer, pgTable, primaryKey, serial, text, timestamp, varchar } from "drizzle-orm/pg-core";

export const countries = pgTable("countries", {
  id: serial("id").primaryKey(),
  name: varchar("name", { length: 255 }).notNull().unique(),
});

export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  name: varchar("name", { length: 255 }).notNull(),
  email: varchar("email", { length: 255 }).notNull().unique(),
  countryId: integer("country_id")
    .notNull()
    .references(() => countries.id),
});

export const profiles = pgTable("profiles", {
  id: serial("id").primaryKey(),
  userId: integer("user_id")
    .notNull()
    .unique()
    .references(() => users.id),
  bio: text("bio").notNull(),
});

export const posts = pgTable("posts", {
  id: serial("id").primaryKey(),
  userId: integer("user_id")
    .notNull()
    .references(() => users.id),
  title: varchar("title", { length: 255 }).notNull(),
  body: text("body").notNull(),
  published: boolean("published").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true, precision: 3, mode: "date" }).notNull(),
});

export const comments = pgTable("comments", {
  id: serial("id").primaryKey(),
  postId: integer("post_id")
    .notNull()
    .references(() => posts.id),
  userId: integer("user_id")
    .notNull()
    .references(() => users.id),
  body: text("body").notNull(),
});

export const tags = pgTable("tags", {
  id: serial("id").primaryKey(),
  name: varchar("name", { length: 255 }).notNull().unique(),
});

export const postTag = pgTable(
  "post_tag",
  {
    postId: integer("post_id")
      .notNull()
      .references(() => posts.id),
    tagId: integer("tag_id")
      .notNull()
      .references(() => tags.id),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3, mode: "date" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.postId, t.tagId] })],
);

export const videos = pgTable("videos", {
  id: serial("id").primaryKey(),
  userId: integer("user_id")
    .notNull()
    .references(() => users.id),
  title: varchar("title", { length: 255 }).notNull(),
});

export const morphComments = pgTable("morph_comments", {
  id: serial("id").primaryKey(),
  commentableType: varchar("commentable_type", { length: 255 }).notNull(),
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
