/** The bench tables as MikroORM EntitySchemas (no decorators); `post_tag` is an entity of its own. */
import { BetterSqlitePlatform } from "@mikro-orm/better-sqlite";
import { type Collection, DateTimeType, EntitySchema, type Platform } from "@mikro-orm/core";

/**
 * The bench keeps SQLite timestamps as ISO-8601 text, where MikroORM 6 writes Dates as epoch
 * milliseconds: a custom type (the fix MikroORM points to, mikro-orm#2995) writes ISO text there.
 * Elsewhere it is DateTimeType (reads already come back as Dates from the result mapper).
 */
export class TimestampType extends DateTimeType {
  override convertToDatabaseValue(value: Date | string, platform: Platform): string {
    return value instanceof Date && platform instanceof BetterSqlitePlatform
      ? value.toISOString()
      : (value as unknown as string);
  }

  override convertToJSValue(value: Date | string): Date {
    return value instanceof Date ? value : new Date(value);
  }

  /** Snapshots hold the database value, so loaded and assigned Dates compare alike. */
  override ensureComparable(): boolean {
    return true;
  }
}

export interface User {
  id: number;
  name: string;
  email: string;
  posts: Collection<Post>;
  profile?: Profile;
  /** Lazy formula: only selected when populated. */
  postsCount?: number;
}
export interface Profile {
  id: number;
  user: User;
  bio: string;
}
export interface Post {
  id: number;
  user: User;
  title: string;
  body: string;
  published: boolean;
  createdAt: Date;
  comments: Collection<Comment>;
  postTags: Collection<PostTag>;
}
export interface Comment {
  id: number;
  post: Post;
  user: User;
  body: string;
}
export interface Tag {
  id: number;
  name: string;
}
export interface PostTag {
  post: Post;
  tag: Tag;
  createdAt: Date;
}

export const UserSchema = new EntitySchema<User>({
  name: "User",
  tableName: "users",
  properties: {
    id: { type: "integer", primary: true },
    name: { type: "string" },
    email: { type: "string", unique: true },
    posts: { kind: "1:m", entity: "Post", mappedBy: "user" },
    profile: { kind: "1:1", entity: "Profile", mappedBy: "user", nullable: true },
    postsCount: {
      type: "integer",
      lazy: true,
      formula: (table) => `(select count(*) from posts c where c.user_id = ${table.alias}.id)`,
    },
  },
});

export const ProfileSchema = new EntitySchema<Profile>({
  name: "Profile",
  tableName: "profiles",
  properties: {
    id: { type: "integer", primary: true },
    user: { kind: "1:1", entity: "User", inversedBy: "profile", owner: true },
    bio: { type: "text" },
  },
});

export const PostSchema = new EntitySchema<Post>({
  name: "Post",
  tableName: "posts",
  properties: {
    id: { type: "integer", primary: true },
    user: { kind: "m:1", entity: "User" },
    title: { type: "string" },
    body: { type: "text" },
    published: { type: "boolean" },
    createdAt: { type: TimestampType },
    comments: { kind: "1:m", entity: "Comment", mappedBy: "post" },
    postTags: { kind: "1:m", entity: "PostTag", mappedBy: "post" },
  },
});

export const CommentSchema = new EntitySchema<Comment>({
  name: "Comment",
  tableName: "comments",
  properties: {
    id: { type: "integer", primary: true },
    post: { kind: "m:1", entity: "Post" },
    user: { kind: "m:1", entity: "User" },
    body: { type: "text" },
  },
});

export const TagSchema = new EntitySchema<Tag>({
  name: "Tag",
  tableName: "tags",
  properties: { id: { type: "integer", primary: true }, name: { type: "string", unique: true } },
});

/** The pivot with an extra column, as an entity with a composite key of two many-to-ones. */
export const PostTagSchema = new EntitySchema<PostTag>({
  name: "PostTag",
  tableName: "post_tag",
  properties: {
    post: { kind: "m:1", entity: "Post", primary: true },
    tag: { kind: "m:1", entity: "Tag", primary: true },
    createdAt: { type: TimestampType },
  },
});

export const entities = [UserSchema, ProfileSchema, PostSchema, CommentSchema, TagSchema, PostTagSchema];
