/**
 * Which eager-loading strategy is faster on each database? Loads the same graphs with
 * "query" (one query per relation level) and "join" (one JSON-aggregated statement) and
 * prints the median times and their ratio. `npm run bench:strategies`
 * (PostgreSQL/MariaDB run when RELATA_PG_URL / RELATA_MYSQL_URL are set).
 */
import { performance } from "node:perf_hooks";
import {
  belongsToMany,
  boolean,
  createDb,
  type Db,
  defineSchema,
  hasMany,
  id,
  integer,
  model,
  string,
  text,
} from "../src/index.js";
import { isolatedUrl } from "../test/support/test-db.js";

const schema = defineSchema(
  {
    user: model({
      table: "bench_users",
      fields: { id: id(), name: string() },
      relations: { posts: hasMany("post") },
    }),
    post: model({
      table: "bench_posts",
      fields: {
        id: id(),
        userId: integer().references("user.id"),
        title: string(),
        published: boolean(),
      },
      relations: { comments: hasMany("comment"), tags: belongsToMany("tag", { table: "bench_post_tag" }) },
    }),
    comment: model({
      table: "bench_comments",
      fields: { id: id(), postId: integer().references("post.id"), body: text() },
    }),
    tag: model({ table: "bench_tags", fields: { id: id(), name: string() } }),
  },
  { casing: "snake_case" },
);

const USERS = 1_000;
const POSTS_PER_USER = 10;
const COMMENTS_PER_POST = 5;
const TAGS = 100;

async function seed(db: Db<typeof schema>): Promise<void> {
  const k = db.kysely;
  const insert = async (table: string, rows: Record<string, unknown>[]) => {
    for (let i = 0; i < rows.length; i += 500)
      await k
        .insertInto(table)
        .values(rows.slice(i, i + 500))
        .execute();
  };
  await insert(
    "bench_users",
    Array.from({ length: USERS }, (_, i) => ({ name: `user ${i + 1}` })),
  );
  await insert(
    "bench_tags",
    Array.from({ length: TAGS }, (_, i) => ({ name: `tag ${i + 1}` })),
  );
  const posts = Array.from({ length: USERS * POSTS_PER_USER }, (_, i) => ({
    user_id: Math.floor(i / POSTS_PER_USER) + 1,
    title: `post ${i + 1}`,
    published: i % 3 === 0 ? 1 : 0,
  }));
  await insert(
    "bench_posts",
    db.dialectName === "postgres" ? posts.map((p) => ({ ...p, published: p.published === 1 })) : posts,
  );
  await insert(
    "bench_comments",
    Array.from({ length: posts.length * COMMENTS_PER_POST }, (_, i) => ({
      post_id: Math.floor(i / COMMENTS_PER_POST) + 1,
      body: `comment ${i + 1}`,
    })),
  );
  await insert(
    "bench_post_tag",
    posts.flatMap((_, i) => [0, 1, 2].map((j) => ({ post_id: i + 1, tag_id: ((i * 7 + j * 31) % TAGS) + 1 }))),
  );
}

const scenarios: [string, (db: Db<typeof schema>, s: "query" | "join") => Promise<unknown>][] = [
  ["users > posts > comments", (db, s) => db.user.with("posts.comments").strategy(s).get()],
  ["posts > tags (pivot)", (db, s) => db.post.with("tags").strategy(s).get()],
  [
    "users > 3 newest posts",
    (db, s) =>
      db.user
        .with("posts", (q) => q.orderBy("id", "desc").limit(3))
        .strategy(s)
        .get(),
  ],
  ["50 users > posts > comments", (db, s) => db.user.where("id", "<=", 50).with("posts.comments").strategy(s).get()],
];

const RUNS = Number(process.env.BENCH_RUNS ?? 7);

async function median(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const dialects = [
  ["sqlite", "sqlite::memory:"],
  ["postgres", process.env.RELATA_PG_URL],
  ["mysql", process.env.RELATA_MYSQL_URL],
] as const;

console.log(
  `relata loading strategies: ${USERS} users x ${POSTS_PER_USER} posts x ${COMMENTS_PER_POST} comments, median of ${RUNS}`,
);
for (const [name, base] of dialects) {
  if (!base) {
    console.log(`\n${name}: skipped (no URL)`);
    continue;
  }
  process.env.RELATA_TEST_DIALECT = name;
  const { url, drop } = await isolatedUrl();
  const db = createDb({ schema, url });
  await db.push();
  await seed(db);
  console.log(`\n${name}`);
  for (const [label, run] of scenarios) {
    const query = await median(() => run(db, "query"));
    const join = await median(() => run(db, "join"));
    console.log(
      `  ${label.padEnd(30)} query ${query.toFixed(1).padStart(8)} ms   join ${join.toFixed(1).padStart(8)} ms   join/query ${(join / query).toFixed(2)}x`,
    );
  }
  await db.destroy();
  await drop();
}
