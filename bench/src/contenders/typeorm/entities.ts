/** The bench tables as TypeORM EntitySchemas (no decorators); `post_tag` is an entity of its own. */
import { type ColumnType, EntitySchema } from "typeorm";
import type { Dialect } from "../../contract.js";

export interface User {
  id: number;
  name: string;
  email: string;
  postsCount?: number;
  posts: Post[];
  profile: Profile | null;
}
export interface Profile {
  id: number;
  userId: number;
  bio: string;
  user: User;
}
export interface Post {
  id: number;
  userId: number;
  title: string;
  body: string;
  published: boolean;
  createdAt: Date;
  user: User;
  comments: Comment[];
  postTags: PostTag[];
}
export interface Comment {
  id: number;
  postId: number;
  userId: number;
  body: string;
  post: Post;
}
export interface Tag {
  id: number;
  name: string;
}
export interface PostTag {
  postId: number;
  tagId: number;
  createdAt: Date;
  post: Post;
  tag: Tag;
}

/** The schemas for one database (only the timestamp column type differs). */
export function entities(dialect: Dialect) {
  const time: ColumnType = dialect === "postgres" ? "timestamptz" : "datetime";
  const id = { type: "int", primary: true, generated: "increment" } as const;

  const User = new EntitySchema<User>({
    name: "User",
    tableName: "users",
    columns: {
      id,
      name: { type: "varchar" },
      email: { type: "varchar", unique: true },
      // A virtual column (TypeORM's replacement for loadRelationCountAndMap), only selected on request.
      postsCount: {
        type: "int",
        virtualProperty: true,
        select: false,
        query: (alias) => `SELECT COUNT(*) FROM posts WHERE posts.user_id = ${alias}.id`,
      },
    },
    relations: {
      posts: { type: "one-to-many", target: "Post", inverseSide: "user" },
      profile: { type: "one-to-one", target: "Profile", inverseSide: "user" },
    },
  });

  const Profile = new EntitySchema<Profile>({
    name: "Profile",
    tableName: "profiles",
    columns: { id, userId: { type: "int", name: "user_id" }, bio: { type: "text" } },
    relations: {
      user: { type: "one-to-one", target: "User", inverseSide: "profile", joinColumn: { name: "user_id" } },
    },
  });

  const Post = new EntitySchema<Post>({
    name: "Post",
    tableName: "posts",
    columns: {
      id,
      userId: { type: "int", name: "user_id" },
      title: { type: "varchar" },
      body: { type: "text" },
      published: { type: "boolean" },
      createdAt: { type: time, name: "created_at", precision: 3 },
    },
    relations: {
      user: { type: "many-to-one", target: "User", inverseSide: "posts", joinColumn: { name: "user_id" } },
      comments: { type: "one-to-many", target: "Comment", inverseSide: "post" },
      postTags: { type: "one-to-many", target: "PostTag", inverseSide: "post" },
    },
  });

  const Comment = new EntitySchema<Comment>({
    name: "Comment",
    tableName: "comments",
    columns: {
      id,
      postId: { type: "int", name: "post_id" },
      userId: { type: "int", name: "user_id" },
      body: { type: "text" },
    },
    relations: {
      post: { type: "many-to-one", target: "Post", inverseSide: "comments", joinColumn: { name: "post_id" } },
    },
  });

  const Tag = new EntitySchema<Tag>({
    name: "Tag",
    tableName: "tags",
    columns: { id, name: { type: "varchar", unique: true } },
  });

  // Many-to-many with an extra pivot column: an entity with a many-to-one to each side.
  const PostTag = new EntitySchema<PostTag>({
    name: "PostTag",
    tableName: "post_tag",
    columns: {
      postId: { type: "int", name: "post_id", primary: true },
      tagId: { type: "int", name: "tag_id", primary: true },
      createdAt: { type: time, name: "created_at", precision: 3 },
    },
    relations: {
      post: { type: "many-to-one", target: "Post", inverseSide: "postTags", joinColumn: { name: "post_id" } },
      tag: { type: "many-to-one", target: "Tag", joinColumn: { name: "tag_id" } },
    },
  });

  return { User, Profile, Post, Comment, Tag, PostTag };
}
