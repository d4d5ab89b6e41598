/**
 * The Drizzle program: SQLite tables and relations v1 (`relations()`, what drizzle-orm 0.45
 * users write; `defineRelations` is the 1.0 beta's) in `schema.ts`, `drizzle()` in `db.ts`, and in `queries.ts`
 * relational queries (`db.query.<table>.findMany` with `with`) where Drizzle has them and
 * the documented fallbacks where it does not:
 *
 * - many-to-many with pivot fields: the pivot is a table with two `one()`s, loaded through it;
 * - hasManyThrough: none in v1, so a count through it is a correlated `sql` extra;
 * - morphTo / morphMany: none, so images have one nullable foreign key per owner kind (the
 *   "exclusive arc" Drizzle and Prisma users fall back to);
 * - relation filters (whereHas, has >= n): `exists(...)` / `sql` subqueries in `where`.
 */
import type { Cluster, Program, Writer } from "./plan.js";

export const drizzle: Writer = { files, header, queries: queriesOf };

function files(all: Cluster[]): Program {
  const schema = [
    'import { relations } from "drizzle-orm";',
    'import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";',
    "",
    ...all.map(tablesOf),
    ...all.map(relationsOf),
  ].join("\n");
  const db = [
    'import Database from "better-sqlite3";',
    'import { drizzle } from "drizzle-orm/better-sqlite3";',
    'import * as schema from "./schema.js";',
    "",
    'export const db = drizzle({ client: new Database(":memory:"), schema });',
    "",
  ].join("\n");
  return { "schema.ts": schema, "db.ts": db };
}

/** queries.ts's imports: the operators and the tables the queries name outside `db.query`. */
function header(all: Cluster[]): string {
  const tables = all.flatMap((c) => [c.comment, c.post, `roleUser${c.k}`, c.user]);
  return [
    'import { and, eq, exists } from "drizzle-orm";',
    'import { db } from "./db.js";',
    `import { ${tables.join(", ")} } from "./schema.js";`,
  ].join("\n");
}

const createdAt = `createdAt: integer("created_at", { mode: "timestamp" }).notNull().$defaultFn(() => new Date()),`;

function tablesOf(c: Cluster): string {
  const referrer = c.previousUser
    ? `\n  referrerId: integer("referrer_id").references(() => ${c.previousUser}.id),`
    : "";
  return `export const ${c.user} = sqliteTable("users_${c.k}", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  active: integer("active", { mode: "boolean" }).notNull().default(true),${referrer}
  ${createdAt}
});
export const ${c.post} = sqliteTable("posts_${c.k}", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  authorId: integer("author_id").notNull().references(() => ${c.user}.id),
  title: text("title").notNull(),
  body: text("body").notNull(),
  published: integer("published", { mode: "boolean" }).notNull().default(false),
  views: integer("views").notNull().default(0),
  ${createdAt}
});
export const ${c.comment} = sqliteTable("comments_${c.k}", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  postId: integer("post_id").notNull().references(() => ${c.post}.id),
  body: text("body").notNull(),
  approved: integer("approved", { mode: "boolean" }).notNull().default(false),
  ${createdAt}
});
export const ${c.role} = sqliteTable("roles_${c.k}", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
});
export const roleUser${c.k} = sqliteTable(
  "role_user_${c.k}",
  {
    userId: integer("user_id").notNull().references(() => ${c.user}.id),
    roleId: integer("role_id").notNull().references(() => ${c.role}.id),
    grantedBy: text("granted_by").notNull(),
    level: integer("level").notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.userId, t.roleId] })],
);
export const ${c.image} = sqliteTable("images_${c.k}", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  url: text("url").notNull(),
  userId: integer("user_id").references(() => ${c.user}.id),
  postId: integer("post_id").references(() => ${c.post}.id),
});
`;
}

function relationsOf(c: Cluster): string {
  const links = [
    c.previousUser &&
      `referrer: one(${c.previousUser}, { fields: [${c.user}.referrerId], references: [${c.previousUser}.id] }),`,
    c.nextUser && `referrals: many(${c.nextUser}),`,
  ].flatMap((line) => (line ? [`\n  ${line}`] : []));
  const one = (from: string, field: string, to: string) =>
    `one(${to}, { fields: [${from}.${field}], references: [${to}.id] })`;
  return `export const ${c.user}Relations = relations(${c.user}, ({ ${c.previousUser ? "one, " : ""}many }) => ({
  posts: many(${c.post}),
  roles: many(roleUser${c.k}),
  images: many(${c.image}),${links.join("")}
}));
export const ${c.post}Relations = relations(${c.post}, ({ one, many }) => ({
  author: ${one(c.post, "authorId", c.user)},
  comments: many(${c.comment}),
  images: many(${c.image}),
}));
export const ${c.comment}Relations = relations(${c.comment}, ({ one }) => ({
  post: ${one(c.comment, "postId", c.post)},
}));
export const ${c.role}Relations = relations(${c.role}, ({ many }) => ({
  users: many(roleUser${c.k}),
}));
export const roleUser${c.k}Relations = relations(roleUser${c.k}, ({ one }) => ({
  user: ${one(`roleUser${c.k}`, "userId", c.user)},
  role: ${one(`roleUser${c.k}`, "roleId", c.role)},
}));
export const ${c.image}Relations = relations(${c.image}, ({ one }) => ({
  user: ${one(c.image, "userId", c.user)},
  post: ${one(c.image, "postId", c.post)},
}));
`;
}

function queriesOf(c: Cluster): string {
  const publishedPost = (key: string) =>
    `exists(db.select().from(${c.post}).where(and(eq(${c.post}.${key}), eq(${c.post}.published, true))))`;
  return `export async function ${c.user}Active() {
  const users = await db.query.${c.user}.findMany({
    where: (u, { eq }) => eq(u.active, true),
    with: { posts: true, roles: { with: { role: true } } },
  });
  return users[0]?.roles[0]?.level;
}
export async function ${c.user}Publishing() {
  const users = await db.query.${c.user}.findMany({
    where: (u) => ${publishedPost("authorId, u.id")},
    extras: (u, { sql }) => ({
      commentsCount: sql<number>\`(select count(*) from \${${c.comment}} inner join \${${c.post}} on \${${c.post}.id} = \${${c.comment}.postId} where \${${c.post}.authorId} = \${u.id})\`.as("comments_count"),
    }),
  });
  return users[0]?.commentsCount;
}
export async function ${c.post}Published() {
  const posts = await db.query.${c.post}.findMany({
    where: (p) =>
      and(eq(p.published, true), exists(db.select().from(${c.user}).where(and(eq(${c.user}.id, p.authorId), eq(${c.user}.active, true))))),
    with: { author: true, images: true },
  });
  return posts[0]?.author.name;
}
export async function ${c.post}Create() {
  const [post] = await db.insert(${c.post}).values({ authorId: 1, title: "Hello", body: "First post" }).returning();
  return post?.id;
}
export async function ${c.comment}Recent() {
  const comments = await db.query.${c.comment}.findMany({
    where: (c, { eq }) => eq(c.approved, true),
    with: { post: { with: { author: true } } },
    orderBy: (c, { desc }) => [desc(c.createdAt)],
    limit: 20,
  });
  return comments[0]?.post.author.email;
}
export async function ${c.comment}OnPublished() {
  return db.$count(${c.comment}, ${publishedPost(`id, ${c.comment}.postId`)});
}
export async function ${c.role}Senior() {
  const roles = await db.query.${c.role}.findMany({
    with: { users: { where: (ru, { gt }) => gt(ru.level, 1), with: { user: true } } },
  });
  return roles[0]?.users[0]?.grantedBy;
}
export async function ${c.role}Shared() {
  const roles = await db.query.${c.role}.findMany({
    where: (r, { sql }) => sql\`(select count(*) from \${roleUser${c.k}} where \${roleUser${c.k}.roleId} = \${r.id}) >= 2\`,
    extras: (r, { sql }) => ({
      usersCount: sql<number>\`(select count(*) from \${roleUser${c.k}} where \${roleUser${c.k}.roleId} = \${r.id})\`.as("users_count"),
    }),
  });
  return roles[0]?.usersCount;
}
export async function ${c.image}Owners() {
  const images = await db.query.${c.image}.findMany({
    where: (i, { like }) => like(i.url, "%.png"),
    with: { user: true, post: true },
  });
  const image = images[0];
  return image?.post?.title ?? image?.user?.email;
}
export async function ${c.image}OnPublished() {
  const images = await db.query.${c.image}.findMany({
    where: (i) => ${publishedPost("id, i.postId")},
  });
  return images[0]?.url;
}
`;
}
