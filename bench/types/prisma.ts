/**
 * The Prisma program: `schema.prisma` (SQLite, the `prisma-client` generator writing a
 * TypeScript client into ./generated), `db.ts` (the generated client on the better-sqlite3
 * driver adapter, Prisma 7's way to connect) and `queries.ts`. Prisma has no polymorphic or
 * through relations: images get one optional relation per owner kind (the "exclusive arc"),
 * a count through posts is a nested `_count`, and the pivot is an explicit relation model
 * (Prisma's way to carry pivot fields). `has(users, >=, 2)` has no Prisma form; `some` stands in.
 */
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { type Cluster, type Program, pascal, type Writer } from "./plan.js";

export const prisma: Writer = {
  files,
  header: () => 'import { prisma } from "./db.js";',
  queries: queriesOf,
};

function files(all: Cluster[]): Program {
  const schema = [
    "generator client {",
    '  provider = "prisma-client"',
    '  output   = "./generated"',
    "}",
    "",
    "datasource db {",
    '  provider = "sqlite"',
    "}",
    "",
    ...all.map(modelsOf),
  ].join("\n");
  const db = [
    'import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";',
    'import { PrismaClient } from "./generated/client.js";',
    "",
    'export const prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: "file:./dev.db" }) });',
    "",
  ].join("\n");
  return { "schema.prisma": schema, "db.ts": db };
}

const require = createRequire(import.meta.url);

/**
 * Runs `prisma generate` in `dir`, offline. The CLI makes sure its schema-engine binary is
 * present before any command (and would download it), but `generate` never runs it, so
 * pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file is enough (as bench/src's
 * generate.ts does). Throws, with Prisma's message, when generation fails.
 */
export function generatePrismaClient(dir: string): void {
  execFileSync(process.execPath, [require.resolve("prisma/build/index.js"), "generate", "--schema", "schema.prisma"], {
    cwd: dir,
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
      CHECKPOINT_DISABLE: "1",
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
    },
  });
}

function modelsOf(c: Cluster): string {
  const [User, Post, Comment, Role, Image] = [c.user, c.post, c.comment, c.role, c.image].map(pascal);
  const RoleUser = `RoleUser${c.k}`;
  const referrer = c.previousUser
    ? `\n  referrerId Int?    @map("referrer_id")\n  referrer   ${pascal(c.previousUser)}? @relation(fields: [referrerId], references: [id])`
    : "";
  const referrals = c.nextUser ? `\n  referrals  ${pascal(c.nextUser)}[]` : "";
  return `model ${User} {
  id         Int      @id @default(autoincrement())
  email      String   @unique
  name       String
  active     Boolean  @default(true)${referrer}
  createdAt  DateTime @default(now()) @map("created_at")
  posts      ${Post}[]
  roles      ${RoleUser}[]
  images     ${Image}[]${referrals}

  @@map("users_${c.k}")
}

model ${Post} {
  id        Int      @id @default(autoincrement())
  authorId  Int      @map("author_id")
  title     String
  body      String
  published Boolean  @default(false)
  views     Int      @default(0)
  createdAt DateTime @default(now()) @map("created_at")
  author    ${User} @relation(fields: [authorId], references: [id])
  comments  ${Comment}[]
  images    ${Image}[]

  @@map("posts_${c.k}")
}

model ${Comment} {
  id        Int      @id @default(autoincrement())
  postId    Int      @map("post_id")
  body      String
  approved  Boolean  @default(false)
  createdAt DateTime @default(now()) @map("created_at")
  post      ${Post} @relation(fields: [postId], references: [id])

  @@map("comments_${c.k}")
}

model ${Role} {
  id    Int    @id @default(autoincrement())
  name  String @unique
  users ${RoleUser}[]

  @@map("roles_${c.k}")
}

model ${RoleUser} {
  userId    Int    @map("user_id")
  roleId    Int    @map("role_id")
  grantedBy String @map("granted_by")
  level     Int    @default(1)
  user      ${User} @relation(fields: [userId], references: [id])
  role      ${Role} @relation(fields: [roleId], references: [id])

  @@id([userId, roleId])
  @@map("role_user_${c.k}")
}

model ${Image} {
  id     Int     @id @default(autoincrement())
  url    String
  userId Int?    @map("user_id")
  postId Int?    @map("post_id")
  user   ${User}? @relation(fields: [userId], references: [id])
  post   ${Post}? @relation(fields: [postId], references: [id])

  @@map("images_${c.k}")
}
`;
}

function queriesOf(c: Cluster): string {
  return `export async function ${c.user}Active() {
  const users = await prisma.${c.user}.findMany({
    where: { active: true },
    include: { posts: true, roles: { include: { role: true } } },
  });
  return users[0]?.roles[0]?.level;
}
export async function ${c.user}Publishing() {
  const users = await prisma.${c.user}.findMany({
    where: { posts: { some: { published: true } } },
    include: { posts: { select: { _count: { select: { comments: true } } } } },
  });
  return users[0]?.posts.reduce((sum, post) => sum + post._count.comments, 0);
}
export async function ${c.post}Published() {
  const posts = await prisma.${c.post}.findMany({
    where: { published: true, author: { is: { active: true } } },
    include: { author: true, images: true },
  });
  return posts[0]?.author.name;
}
export async function ${c.post}Create() {
  const post = await prisma.${c.post}.create({ data: { authorId: 1, title: "Hello", body: "First post" } });
  return post.id;
}
export async function ${c.comment}Recent() {
  const comments = await prisma.${c.comment}.findMany({
    where: { approved: true },
    include: { post: { include: { author: true } } },
    orderBy: { createdAt: "desc" },
    take: 20,
  });
  return comments[0]?.post.author.email;
}
export async function ${c.comment}OnPublished() {
  return prisma.${c.comment}.count({ where: { post: { is: { published: true } } } });
}
export async function ${c.role}Senior() {
  const roles = await prisma.${c.role}.findMany({
    include: { users: { where: { level: { gt: 1 } }, include: { user: true } } },
  });
  return roles[0]?.users[0]?.grantedBy;
}
export async function ${c.role}Shared() {
  const roles = await prisma.${c.role}.findMany({
    where: { users: { some: {} } },
    include: { _count: { select: { users: true } } },
  });
  return roles[0]?._count.users;
}
export async function ${c.image}Owners() {
  const images = await prisma.${c.image}.findMany({
    where: { url: { endsWith: ".png" } },
    include: { user: true, post: true },
  });
  const image = images[0];
  return image?.post?.title ?? image?.user?.email;
}
export async function ${c.image}OnPublished() {
  const images = await prisma.${c.image}.findMany({ where: { post: { is: { published: true } } } });
  return images[0]?.url;
}
`;
}
