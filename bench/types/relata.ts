/**
 * The relata program: `schema.ts` (defineSchema, as the README writes it: snake_case columns,
 * typed pivot fields, morph targets inferred from the morphMany side), `db.ts` (createDb) and
 * `queries.ts` (two queries per model, fluent and object style, each reading a field of its
 * result, as callers do, so the result type is computed).
 */
import type { Cluster, Program, Writer } from "./plan.js";

const IMPORTS = [
  "belongsTo",
  "belongsToMany",
  "boolean",
  "defineSchema",
  "hasMany",
  "hasManyThrough",
  "id",
  "integer",
  "model",
  "morphMany",
  "morphTo",
  "string",
  "text",
  "timestamp",
];

export const relata: Writer = {
  files,
  header: () => 'import { db } from "./db.js";',
  queries: queriesOf,
};

function files(all: Cluster[]): Program {
  const schema = [
    `import { ${IMPORTS.join(", ")} } from "relata";`,
    "",
    "export const schema = defineSchema(",
    "  {",
    ...all.map(modelsOf),
    "  },",
    '  { casing: "snake_case" },',
    ");",
    "",
  ].join("\n");
  const db = [
    'import { createDb } from "relata";',
    'import { schema } from "./schema.js";',
    "",
    'export const db = createDb({ schema, url: "sqlite::memory:" });',
    "",
  ].join("\n");
  return { "schema.ts": schema, "db.ts": db };
}

function modelsOf(c: Cluster): string {
  const pivot = `{ grantedBy: string(), level: integer().default(1) }`;
  const referrerField = c.previousUser ? `referrerId: integer().nullable().references("${c.previousUser}.id"), ` : "";
  const links = [
    c.previousUser && `referrer: belongsTo("${c.previousUser}", { foreignKey: "referrerId" }),`,
    c.nextUser && `referrals: hasMany("${c.nextUser}", { foreignKey: "referrerId" }),`,
  ].flatMap((line) => (line ? [`\n        ${line}`] : []));
  return `    ${c.user}: model({
      table: "users_${c.k}",
      fields: { id: id(), email: string().unique(), name: string(), active: boolean().default(true), ${referrerField}createdAt: timestamp().defaultNow() },
      relations: {
        posts: hasMany("${c.post}", { foreignKey: "authorId" }),
        comments: hasManyThrough("${c.comment}", { through: "${c.post}", firstKey: "authorId", secondKey: "postId" }),
        roles: belongsToMany("${c.role}", { table: "role_user_${c.k}", foreignPivotKey: "userId", relatedPivotKey: "roleId", pivotFields: ${pivot} }),
        images: morphMany("${c.image}", { morphName: "imageable" }),${links.join("")}
      },
    }),
    ${c.post}: model({
      table: "posts_${c.k}",
      fields: { id: id(), authorId: integer().references("${c.user}.id"), title: string(), body: text(), published: boolean().default(false), views: integer().default(0), createdAt: timestamp().defaultNow() },
      relations: {
        author: belongsTo("${c.user}", { foreignKey: "authorId" }),
        comments: hasMany("${c.comment}", { foreignKey: "postId" }),
        images: morphMany("${c.image}", { morphName: "imageable" }),
      },
    }),
    ${c.comment}: model({
      table: "comments_${c.k}",
      fields: { id: id(), postId: integer().references("${c.post}.id"), body: text(), approved: boolean().default(false), createdAt: timestamp().defaultNow() },
      relations: { post: belongsTo("${c.post}", { foreignKey: "postId" }) },
    }),
    ${c.role}: model({
      table: "roles_${c.k}",
      fields: { id: id(), name: string().unique() },
      relations: {
        users: belongsToMany("${c.user}", { table: "role_user_${c.k}", foreignPivotKey: "roleId", relatedPivotKey: "userId", pivotFields: ${pivot} }),
      },
    }),
    ${c.image}: model({
      table: "images_${c.k}",
      fields: { id: id(), url: string(), imageableType: string(), imageableId: integer() },
      relations: { imageable: morphTo() },
    }),`;
}

function queriesOf(c: Cluster): string {
  return `export async function ${c.user}Active() {
  const users = await db.${c.user}.where("active", true).with("posts", "roles").get();
  return users[0]?.roles[0]?.pivot.level;
}
export async function ${c.user}Publishing() {
  const users = await db.${c.user}.whereHas("posts", (q) => q.where("published", true)).withCount("comments").get();
  return users[0]?.commentsCount;
}
export async function ${c.post}Published() {
  const posts = await db.${c.post}.findMany({
    where: { published: true, author: { is: { active: true } } },
    include: { author: true, images: true },
  });
  return posts[0]?.author.name;
}
export async function ${c.post}Create() {
  const post = await db.${c.post}.create({ authorId: 1, title: "Hello", body: "First post" });
  return post.id;
}
export async function ${c.comment}Recent() {
  const comments = await db.${c.comment}.with("post.author").where("approved", true).orderBy("createdAt", "desc").limit(20).get();
  return comments[0]?.post.author.email;
}
export async function ${c.comment}OnPublished() {
  return db.${c.comment}.whereRelation("post", "published", true).count();
}
export async function ${c.role}Senior() {
  const roles = await db.${c.role}.with("users", (q) => q.wherePivot("level", ">", 1)).get();
  return roles[0]?.users[0]?.pivot.grantedBy;
}
export async function ${c.role}Shared() {
  const roles = await db.${c.role}.has("users", ">=", 2).withCount("users").get();
  return roles[0]?.usersCount;
}
export async function ${c.image}Owners() {
  const images = await db.${c.image}.with("imageable").where("url", "like", "%.png").get();
  const image = images[0];
  if (image?.imageableType === "${c.post}") return image.imageable?.title;
  return image?.imageable?.email;
}
export async function ${c.image}OnPublished() {
  const images = await db.${c.image}.whereHasMorph("imageable", ["${c.post}"], (q) => q.where("published", true)).get();
  return images[0]?.url;
}
`;
}
