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
  manyToMany,
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

/**
 * The schema the generator tests feed to Prisma, Drizzle, Mermaid and DBML: every relation
 * kind, a self-reference, two keys between the same two models, a belongsTo without a foreign
 * key constraint, a bare pivot with typed pivot fields and timestamps, a join model with a
 * composite key, polymorphic relations (one-to-many and many-to-many), defaults of every kind,
 * nullable fields, uniques, indexes, and snake_case columns.
 */
export const everyKind = defineSchema(
  {
    country: model({
      table: "countries",
      fields: { id: id(), code: string(2).unique(), name: string(100) },
      relations: {
        users: hasMany("user"),
        posts: hasManyThrough("post", { through: "user", secondKey: "authorId" }),
      },
    }),
    user: model({
      table: "users",
      fields: {
        id: id(),
        email: string().unique(),
        displayName: string(80).nullable(),
        isAdmin: boolean().default(false),
        score: float().default(1.5),
        balance: decimal(12, 4).default("0.0000"),
        bio: text().default("hello"),
        prefs: json<{ theme: string }>().default({ theme: "dark" }),
        externalId: uuid().defaultRandom().unique(),
        createdAt: timestamp().defaultNow(),
        lastSeenAt: timestamp({ withTimezone: false }).nullable(),
        birthday: date().nullable(),
        countryId: integer().nullable().references("country.id", { onDelete: "set null" }),
        managerId: integer().nullable().references("user.id", { onDelete: "set null", onUpdate: "cascade" }),
      },
      relations: {
        country: belongsTo("country"),
        manager: belongsTo("user", { foreignKey: "managerId" }),
        reports: hasMany("user", { foreignKey: "managerId" }),
        profile: hasOne("profile"),
        posts: hasMany("post", { foreignKey: "authorId" }),
        latestPost: hasOne("post", { foreignKey: "authorId", ofMany: "latest" }),
        editedPosts: hasMany("post", { foreignKey: "editorId" }),
        roles: belongsToMany("role", {
          table: "role_user",
          pivotFields: { grantedBy: string(50).nullable(), level: integer().default(1) },
          timestamps: true,
        }),
        teams: manyToMany("team", { through: "membership", from: "userId", to: "teamId" }),
        images: morphMany("image", { morphName: "imageable" }),
      },
    }),
    profile: model({
      table: "profiles",
      fields: {
        id: id(),
        userId: integer().unique().references("user.id", { onDelete: "cascade", onUpdate: "cascade" }),
        website: string().nullable(),
        joinedOn: date().defaultNow(),
      },
      relations: { user: belongsTo("user") },
    }),
    post: model({
      table: "posts",
      fields: {
        id: id(),
        authorId: integer().references("user.id", { onDelete: "cascade" }),
        editorId: integer().nullable().references("user.id", { onDelete: "restrict" }),
        title: string(200).index(),
        status: string(20).default("draft"),
        views: bigint({ mode: "number" }).default(0),
        publishedAt: timestamp().nullable(),
      },
      relations: {
        author: belongsTo("user", { foreignKey: "authorId" }),
        editor: belongsTo("user", { foreignKey: "editorId" }),
        images: morphMany("image", { morphName: "imageable" }),
        tags: morphToMany("tag", { morphName: "taggable" }),
      },
    }),
    image: model({
      table: "images",
      fields: { id: id(), url: text(), imageableType: string(), imageableId: integer() },
      relations: { imageable: morphTo() },
    }),
    tag: model({
      table: "tags",
      fields: { id: id(), name: string(50).unique() },
      relations: { posts: morphedByMany("post", { morphName: "taggable" }) },
    }),
    role: model({
      table: "roles",
      fields: { id: id(), name: string(50) },
      relations: { users: belongsToMany("user", { table: "role_user" }) },
    }),
    team: model({
      table: "teams",
      fields: { id: id(), name: string(100) },
      relations: {
        memberships: hasMany("membership"),
        members: manyToMany("user", { through: "membership", from: "teamId", to: "userId" }),
        notes: hasMany("teamNote"),
      },
    }),
    membership: model({
      table: "memberships",
      fields: {
        teamId: integer().primary().references("team.id", { onDelete: "cascade" }),
        userId: integer().primary().references("user.id", { onDelete: "cascade" }),
        role: string(20).default("member"),
        joinedAt: timestamp().nullable(),
      },
      relations: { team: belongsTo("team"), user: belongsTo("user") },
    }),
    // A key without a foreign key constraint: relata relates the rows, the database does not.
    teamNote: model({
      table: "team_notes",
      fields: { id: uuid().primary().defaultRandom(), teamId: integer(), body: text() },
      relations: { team: belongsTo("team") },
    }),
  },
  { casing: "snake_case" },
);
