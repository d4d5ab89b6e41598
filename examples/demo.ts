/**
 * relata on embedded SQLite: define a small blog, push it, write and read rows, and count
 * the statements each step sends. Run with `npm run demo`.
 */
import {
  belongsTo,
  belongsToMany,
  boolean,
  createDb,
  defineSchema,
  hasMany,
  id,
  integer,
  model,
  type QueryEvent,
  type Row,
  string,
  timestamp,
  ValidationError,
} from "../src/index.js";

const schema = defineSchema(
  {
    user: model({
      table: "users",
      fields: { id: id(), email: string().unique(), name: string(), createdAt: timestamp().defaultNow() },
      relations: { posts: hasMany("post", { foreignKey: "authorId" }) },
    }),
    post: model({
      table: "posts",
      fields: {
        id: id(),
        authorId: integer().references("user.id", { onDelete: "cascade" }),
        title: string(),
        published: boolean().default(false),
        views: integer().default(0),
      },
      relations: { author: belongsTo("user", { foreignKey: "authorId" }), tags: belongsToMany("tag") },
    }),
    tag: model({ table: "tags", fields: { id: id(), name: string().unique() } }),
  },
  { casing: "snake_case" },
);

type User = Row<typeof schema, "user">;

const statements: QueryEvent[] = [];
const db = createDb({ schema, url: "sqlite::memory:", onQuery: (q) => statements.push(q) });

/** Runs one step of the demo and prints what it returned and how many statements it sent. */
async function step<T>(title: string, fn: () => Promise<T>, show: (value: T) => unknown = (v) => v): Promise<T> {
  const before = statements.length;
  const value = await fn();
  const sent = statements.slice(before);
  console.log(`\n▸ ${title}  (${sent.length} ${sent.length === 1 ? "query" : "queries"})`);
  for (const q of sent) console.log(`    ${q.sql.length > 110 ? `${q.sql.slice(0, 107)}...` : q.sql}`);
  const shown = show(value);
  if (shown !== undefined) console.log(shown);
  return value;
}

console.log("relata demo — a blog on embedded SQLite (in memory)");

await step("push(): create tables, foreign keys, indexes and the post_tag pivot", () => db.push());

const ada = await step("create a user (the stored row comes back: id and defaults filled)", () =>
  db.user.create({ email: "ada@example.dev", name: "Ada Lovelace" }),
);
await step(
  "createMany: three posts in one INSERT",
  () =>
    db.post.createMany([
      { authorId: ada.id, title: "Notes on the Analytical Engine", published: true, views: 120 },
      { authorId: ada.id, title: "On Bernoulli numbers", published: true, views: 80 },
      { authorId: ada.id, title: "Draft: poetical science" },
    ]),
  (posts) => posts.map((p) => `    #${p.id} ${p.title} (published: ${p.published})`).join("\n"),
);
await step(
  "a nested write: a user with a post and its tags, one transaction, the graph comes back",
  () =>
    db.user.create({
      email: "grace@example.dev",
      name: "Grace Hopper",
      posts: { create: [{ title: "Compilers", published: true, tags: { create: [{ name: "cobol" }] } }] },
    }),
  (grace) =>
    `    ${grace.name}: ${grace.posts.map((p) => `"${p.title}" [${p.tags.map((t) => t.name).join(", ")}]`).join(", ")}`,
);
await step("where / orderBy / select: published posts, most viewed first", () =>
  db.post.where("published", true).orderBy("views", "desc").select("title", "views").get(),
);
await step(
  "eager load: every user with their posts and each post's author (one query per level)",
  () => db.user.with("posts.author").get(),
  (users) =>
    users.map((u) => `    ${u.name}: ${u.posts.map((p) => `"${p.title}" by ${p.author?.name}`).join(", ")}`).join("\n"),
);
const byLevel = await db.user.with("posts.author").get();
await step(
  'the same graph with .strategy("join"): one statement, relations aggregated as JSON',
  () => db.user.with("posts.author").strategy("join").get(),
  (users) => `    same rows as the query strategy: ${JSON.stringify(users) === JSON.stringify(byLevel)}`,
);
await step("object API: Prisma-style select with a per-parent take", () =>
  db.user.findFirst({
    where: { email: "ada@example.dev" },
    select: { name: true, posts: { select: { title: true }, orderBy: { views: "desc" }, take: 2 } },
  }),
);
await step("count and exists", async () => ({
  posts: await db.post.count(),
  anyDraft: await db.post.where("published", false).exists(),
}));
await step("update through a query (returns the number of rows)", () =>
  db.post.where("title", "like", "Draft%").update({ published: true }),
);
await step(
  "paginate: page 1 of 2 per page (count + page)",
  () => db.post.orderBy("id").paginate({ page: 1, perPage: 2 }),
  (p) => ({
    titles: p.data.map((x) => x.title),
    total: p.total,
    lastPage: p.lastPage,
  }),
);
await step(
  "a transaction that fails rolls back its writes",
  async () => {
    try {
      await db.transaction(async (tx) => {
        await tx.user.create({ email: "grace@example.dev", name: "Grace Hopper" });
        throw new Error("changed my mind");
      });
    } catch {}
    return db.user.pluck("name");
  },
  (names) => `    users after rollback: ${names.join(", ")}`,
);
await step(
  "bad input (here from an untyped request body) is a typed error before any SQL",
  async () => {
    try {
      await db.user.create(JSON.parse('{ "email": "bob@example.dev", "nmae": "Bob" }'));
    } catch (error) {
      return error instanceof ValidationError ? error.message : error;
    }
  },
  (message) => `    ValidationError: ${message}`,
);
const found: User | null = await db.user.find(ada.id);
console.log(`\n${statements.length} statements in all; find(${ada.id}) -> ${found?.name}.`);
await db.destroy();
