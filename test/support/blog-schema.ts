import {
  belongsTo,
  belongsToMany,
  bigint,
  boolean,
  date,
  decimal,
  defineSchema,
  float,
  hasMany,
  hasManyThrough,
  hasOne,
  id,
  integer,
  json,
  model,
  morphedByMany,
  morphMany,
  morphTo,
  morphToMany,
  string,
  text,
  timestamp,
  uuid,
} from "../../src/index.js";

/** A blog with every field kind and every relation kind, snake_case columns. */
export const blog = defineSchema(
  {
    country: model({
      table: "countries",
      fields: { id: id(), name: string() },
      relations: { users: hasMany("user"), posts: hasManyThrough("post", { through: "user", secondKey: "authorId" }) },
    }),
    user: model({
      table: "users",
      fields: {
        id: id(),
        email: string().unique(),
        name: string(),
        age: integer().nullable(),
        active: boolean().default(true),
        countryId: integer().nullable().references("country.id", { onDelete: "set null" }),
        createdAt: timestamp().defaultNow(),
      },
      relations: {
        country: belongsTo("country"),
        profile: hasOne("profile"),
        posts: hasMany("post", { foreignKey: "authorId" }),
        roles: belongsToMany("role", { table: "role_user", pivotFields: ["grantedBy"], timestamps: true }),
      },
    }),
    profile: model({
      table: "profiles",
      fields: {
        id: id(),
        userId: integer().unique().references("user.id", { onDelete: "cascade" }),
        bio: text().nullable(),
        settings: json<{ theme: string }>().nullable(),
        birthday: date().nullable(),
      },
      relations: { user: belongsTo("user") },
    }),
    post: model({
      table: "posts",
      fields: {
        id: id(),
        authorId: integer().references("user.id", { onDelete: "cascade" }),
        title: string(),
        body: text().nullable(),
        published: boolean().default(false),
        views: integer().default(0),
        rating: float().nullable(),
        price: decimal(10, 2).nullable(),
        publishedAt: timestamp().nullable(),
      },
      relations: {
        author: belongsTo("user", { foreignKey: "authorId" }),
        comments: morphMany("comment", { morphName: "commentable" }),
        tags: morphToMany("tag", { morphName: "taggable" }),
      },
    }),
    video: model({
      table: "videos",
      fields: { id: id(), title: string(), size: bigint().nullable() },
      relations: {
        comments: morphMany("comment", { morphName: "commentable" }),
        tags: morphToMany("tag", { morphName: "taggable" }),
      },
    }),
    comment: model({
      table: "comments",
      fields: {
        id: id(),
        body: text(),
        commentableType: string(),
        commentableId: integer(),
      },
      relations: { commentable: morphTo() },
    }),
    tag: model({
      table: "tags",
      fields: { id: id(), name: string().unique() },
      relations: {
        posts: morphedByMany("post", { morphName: "taggable" }),
        videos: morphedByMany("video", { morphName: "taggable" }),
      },
    }),
    role: model({
      table: "roles",
      fields: { id: id(), name: string() },
      relations: { users: belongsToMany("user", { table: "role_user" }) },
    }),
    token: model({
      table: "tokens",
      fields: { id: uuid().primary().defaultRandom(), label: string() },
    }),
  },
  { casing: "snake_case" },
);
