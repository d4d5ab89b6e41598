/**
 * The benchmark dataset, built once per database with the raw drivers: 1,000 users with a
 * profile each, 10 posts per user, 5 comments per post (each by some user), 100 tags and 3
 * tags per post through `post_tag` (with a `created_at` column). Every foreign key indexed.
 * Deterministic: the same rows every run.
 */
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import pg from "pg";
import type { Dialect, NewPost, ScenarioInputs } from "./contract.js";

export const USERS = 1_000;
export const POSTS_PER_USER = 10;
export const COMMENTS_PER_POST = 5;
export const TAGS = 100;
export const TAGS_PER_POST = 3;
const BASE_TIME = Date.UTC(2024, 0, 1);
/** The database (server) or file name (SQLite); BENCH_DB_NAME lets runs side by side keep apart. */
export const BENCH_DATABASE = process.env.BENCH_DB_NAME ?? "relata_bench";

/** Post n (1-based) was created n minutes after 2024-01-01, so "newest" has no ties. */
export const postCreatedAt = (n: number) => new Date(BASE_TIME + n * 60_000);
export const postTagIds = (n: number) => Array.from({ length: TAGS_PER_POST }, (_, j) => ((n * 7 + j * 31) % TAGS) + 1);

export function scenarioInputs(): ScenarioInputs {
  const lookupIds = Array.from({ length: 2_000 }, (_, i) => ((i * 7_919) % USERS) + 1);
  const posts: NewPost[] = Array.from({ length: 1_000 }, (_, i) => ({
    title: `Bench post ${i + 1}`,
    body: `Written by the S6 scenario (${i + 1})`,
    published: i % 2 === 0,
    createdAt: new Date(BASE_TIME + (1_000_000 + i) * 60_000),
    tagIds: postTagIds(i + 5),
  }));
  return { lookupIds, newPosts: { userId: 1, posts } };
}

/** The title prefix S6 inserts, for the harness's check and cleanup. */
export const S6_TITLE_PREFIX = "Bench post ";

type Row = Record<string, unknown>;

/** A raw connection for seeding, checking S6 and cleaning up after it. */
export interface Admin {
  dialect: Dialect;
  query(sql: string, params?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

export async function connectAdmin(dialect: Dialect, url: string): Promise<Admin> {
  if (dialect === "sqlite") {
    const db = new Database(url.replace(/^sqlite:/, ""));
    db.pragma("journal_mode = WAL");
    return {
      dialect,
      async query(sql, params = []) {
        const stmt = db.prepare(sql);
        if (stmt.reader) return stmt.all(...params) as Row[];
        stmt.run(...params);
        return [];
      },
      async close() {
        db.close();
      },
    };
  }
  if (dialect === "postgres") {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return {
      dialect,
      async query(sql, params = []) {
        let i = 0;
        return (
          await client.query(
            sql.replace(/\?/g, () => `$${++i}`),
            params,
          )
        ).rows;
      },
      close: () => client.end(),
    };
  }
  const conn = await mysql.createConnection({ uri: url, timezone: "Z", multipleStatements: false });
  return {
    dialect,
    async query(sql, params = []) {
      const [rows] = await conn.query(sql, params);
      return Array.isArray(rows) ? (rows as Row[]) : [];
    },
    close: () => conn.end(),
  };
}

const DDL: Record<Dialect, { id: string; text: string; short: string; bool: string; time: string }> = {
  sqlite: { id: "integer primary key", text: "text", short: "text", bool: "integer", time: "text" },
  postgres: { id: "serial primary key", text: "text", short: "varchar(255)", bool: "boolean", time: "timestamptz(3)" },
  mysql: {
    id: "int auto_increment primary key",
    text: "text",
    short: "varchar(255)",
    bool: "boolean",
    time: "datetime(3)",
  },
};

function schemaStatements(dialect: Dialect): string[] {
  const t = DDL[dialect];
  const int = "integer not null";
  return [
    `create table users (id ${t.id}, name ${t.short} not null, email ${t.short} not null unique)`,
    `create table profiles (id ${t.id}, user_id ${int} unique references users(id), bio ${t.text} not null)`,
    `create table posts (id ${t.id}, user_id ${int} references users(id), title ${t.short} not null, body ${t.text} not null, published ${t.bool} not null, created_at ${t.time} not null)`,
    `create table comments (id ${t.id}, post_id ${int} references posts(id), user_id ${int} references users(id), body ${t.text} not null)`,
    `create table tags (id ${t.id}, name ${t.short} not null unique)`,
    `create table post_tag (post_id ${int} references posts(id), tag_id ${int} references tags(id), created_at ${t.time} not null, primary key (post_id, tag_id))`,
    "create index posts_user_id on posts (user_id)",
    "create index comments_post_id on comments (post_id)",
    "create index comments_user_id on comments (user_id)",
    "create index post_tag_tag_id on post_tag (tag_id)",
  ];
}

function rows(dialect: Dialect): [table: string, columns: string[], values: unknown[][]][] {
  const time = (d: Date) => (dialect === "sqlite" ? d.toISOString() : d);
  const bool = (b: boolean) => (dialect === "sqlite" ? (b ? 1 : 0) : b);
  const users = Array.from({ length: USERS }, (_, i) => [i + 1, `User ${i + 1}`, `user${i + 1}@example.com`]);
  const profiles = users.map(([id]) => [id, id, `Bio of user ${id}`]);
  const posts = Array.from({ length: USERS * POSTS_PER_USER }, (_, i) => {
    const n = i + 1;
    return [
      n,
      Math.floor(i / POSTS_PER_USER) + 1,
      `Post ${n}`,
      `Body of post ${n}`,
      bool(n % 3 === 0),
      time(postCreatedAt(n)),
    ];
  });
  const comments = Array.from({ length: posts.length * COMMENTS_PER_POST }, (_, i) => [
    i + 1,
    Math.floor(i / COMMENTS_PER_POST) + 1,
    ((i * 13) % USERS) + 1,
    `Comment ${i + 1}`,
  ]);
  const tags = Array.from({ length: TAGS }, (_, i) => [i + 1, `tag-${i + 1}`]);
  const postTag = posts.flatMap(([n]) =>
    postTagIds(n as number).map((tag) => [n, tag, time(postCreatedAt(n as number))]),
  );
  return [
    ["users", ["id", "name", "email"], users],
    ["profiles", ["id", "user_id", "bio"], profiles],
    ["posts", ["id", "user_id", "title", "body", "published", "created_at"], posts],
    ["comments", ["id", "post_id", "user_id", "body"], comments],
    ["tags", ["id", "name"], tags],
    ["post_tag", ["post_id", "tag_id", "created_at"], postTag],
  ];
}

/**
 * A fresh, seeded bench database: a file in the temp dir for SQLite, a `relata_bench`
 * database on the PostgreSQL / MariaDB server at `serverUrl`. Returns its URL.
 */
export async function buildDatabase(dialect: Dialect, serverUrl: string): Promise<{ url: string; file?: string }> {
  let url: string;
  let file: string | undefined;
  if (dialect === "sqlite") {
    const dir = join(tmpdir(), "relata-bench");
    mkdirSync(dir, { recursive: true });
    file = join(dir, `${BENCH_DATABASE}.db`);
    for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
    url = `sqlite:${file}`;
  } else {
    const server = await connectAdmin(dialect, serverUrl);
    await server.query(`drop database if exists ${BENCH_DATABASE}`);
    await server.query(`create database ${BENCH_DATABASE}`);
    await server.close();
    const u = new URL(serverUrl);
    u.pathname = `/${BENCH_DATABASE}`;
    url = u.toString();
  }
  const admin = await connectAdmin(dialect, url);
  try {
    for (const statement of schemaStatements(dialect)) await admin.query(statement);
    if (dialect === "sqlite") await admin.query("begin");
    for (const [table, columns, values] of rows(dialect)) {
      for (let i = 0; i < values.length; i += 1_000) {
        const chunk = values.slice(i, i + 1_000);
        const tuple = `(${columns.map(() => "?").join(", ")})`;
        await admin.query(
          `insert into ${table} (${columns.join(", ")}) values ${chunk.map(() => tuple).join(", ")}`,
          chunk.flat(),
        );
      }
    }
    if (dialect === "sqlite") await admin.query("commit");
    if (dialect === "postgres") {
      for (const table of ["users", "profiles", "posts", "comments", "tags"])
        await admin.query(`select setval(pg_get_serial_sequence('${table}', 'id'), (select max(id) from ${table}))`);
      await admin.query("analyze");
    }
    if (dialect === "mysql") await admin.query("analyze table users, profiles, posts, comments, tags, post_tag");
    if (dialect === "sqlite") await admin.query("analyze");
  } finally {
    await admin.close();
  }
  return file ? { url, file } : { url };
}

/** After S6: how many posts and pivot rows it wrote, then remove them. */
export async function checkAndCleanS6(admin: Admin): Promise<{ posts: number; pivots: number }> {
  const like = `${S6_TITLE_PREFIX}%`;
  const [p] = await admin.query("select count(*) as n from posts where title like ?", [like]);
  const [t] = await admin.query(
    "select count(*) as n from post_tag where post_id in (select id from posts where title like ?)",
    [like],
  );
  await admin.query("delete from post_tag where post_id in (select id from posts where title like ?)", [like]);
  await admin.query("delete from posts where title like ?", [like]);
  return { posts: Number(p!.n), pivots: Number(t!.n) };
}
