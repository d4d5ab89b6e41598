/** Drizzle schema for MariaDB / MySQL: datetime(3) in UTC, boolean. */
import { relations } from "drizzle-orm";
import { boolean, datetime, int, mysqlTable, primaryKey, text, varchar } from "drizzle-orm/mysql-core";

export const users = mysqlTable("users", {
  id: int("id").autoincrement().primaryKey(),
  name: varchar("name", { length: 255 }).notNull(),
  email: varchar("email", { length: 255 }).notNull().unique(),
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

export const usersRelations = relations(users, ({ many, one }) => ({
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
