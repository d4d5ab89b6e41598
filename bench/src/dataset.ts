/**
 * The benchmark dataset, built once per database with the raw drivers: 1,000 users with a
 * profile each, 10 posts per user, 5 comments per post (each by some user), 100 tags and 3
 * tags per post through `post_tag` (with a `created_at` column); for S7/S8, 20 countries (each
 * user in one), 2,000 videos and 10,000 polymorphic comments on posts and videos
 * (`morph_comments`). Every foreign key indexed. Deterministic: the same rows every run.
 */
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import pg from "pg";
import type { Dialect, NewPost, PostTagSync, ScenarioInputs } from "./contract.js";

export const USERS = 1_000;
export const POSTS_PER_USER = 10;
export const COMMENTS_PER_POST = 5;
export const TAGS = 100;
export const TAGS_PER_POST = 3;
export const COUNTRIES = 20;
export const VIDEOS = 2_000;
export const MORPH_COMMENTS = 10_000;
/** S8 syncs the tags of posts 1..S8_POSTS. */
export const S8_POSTS = 1_000;
const BASE_TIME = Date.UTC(2024, 0, 1);
/** Where each database is: RELATA_PG_URL / RELATA_MYSQL_URL, by default the local services (as .ci/run). */
export const SERVERS: Record<Dialect, string> = {
  sqlite: "sqlite:",
  postgres: process.env.RELATA_PG_URL ?? "postgres://root@127.0.0.1:5432/test",
  mysql: process.env.RELATA_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test",
};
/** The database (server) or file name (SQLite); BENCH_DB_NAME lets runs side by side keep apart. */
export const BENCH_DATABASE = process.env.BENCH_DB_NAME ?? "relata_bench";

/** Post n (1-based) was created n minutes after 2024-01-01, so "newest" has no ties. */
export const postCreatedAt = (n: number) => new Date(BASE_TIME + n * 60_000);
export const postTagIds = (n: number) => Array.from({ length: TAGS_PER_POST }, (_, j) => ((n * 7 + j * 31) % TAGS) + 1);
export const userCountryId = (u: number) => ((u - 1) % COUNTRIES) + 1;
export const videoUserId = (v: number) => ((v * 3) % USERS) + 1;
/** Morph comment i (1-based): odd ones on a post, even ones on a video. */
export const morphCommentTarget = (i: number): [type: "post" | "video", id: number] =>
  i % 2 ? ["post", ((i * 7) % (USERS * POSTS_PER_USER)) + 1] : ["video", ((i * 11) % VIDEOS) + 1];

const DAY = 86_400_000;
/**
 * S8's wanted tags of post n: of its tags [t0, t1, t2], t0 kept as is, t1 with its pivot
 * created_at a day later, t2 detached, and t3 (the next in postTagIds' series) attached.
 */
export function s8WantedTags(n: number): PostTagSync["tags"] {
  const [t0, t1] = postTagIds(n) as [number, number, number];
  const at = postCreatedAt(n).getTime();
  return [
    { tagId: t0, createdAt: new Date(at) },
    { tagId: t1, createdAt: new Date(at + DAY) },
    { tagId: ((n * 7 + 93) % TAGS) + 1, createdAt: new Date(at + 2 * DAY) },
  ];
}

export function scenarioInputs(): ScenarioInputs {
  const lookupIds = Array.from({ length: 2_000 }, (_, i) => ((i * 7_919) % USERS) + 1);
  const posts: NewPost[] = Array.from({ length: 1_000 }, (_, i) => ({
    title: `Bench post ${i + 1}`,
    body: `Written by the S6 scenario (${i + 1})`,
    published: i % 2 === 0,
    createdAt: new Date(BASE_TIME + (1_000_000 + i) * 60_000),
    tagIds: postTagIds(i + 5),
  }));
  const syncs = Array.from({ length: S8_POSTS }, (_, i) => ({ postId: i + 1, tags: s8WantedTags(i + 1) }));
  return { lookupIds, newPosts: { userId: 1, posts }, syncs };
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
    `create table countries (id ${t.id}, name ${t.short} not null unique)`,
    `create table users (id ${t.id}, name ${t.short} not null, email ${t.short} not null unique, country_id ${int} references countries(id))`,
    `create table profiles (id ${t.id}, user_id ${int} unique references users(id), bio ${t.text} not null)`,
    `create table posts (id ${t.id}, user_id ${int} references users(id), title ${t.short} not null, body ${t.text} not null, published ${t.bool} not null, created_at ${t.time} not null)`,
    `create table comments (id ${t.id}, post_id ${int} references posts(id), user_id ${int} references users(id), body ${t.text} not null)`,
    `create table tags (id ${t.id}, name ${t.short} not null unique)`,
    `create table post_tag (post_id ${int} references posts(id), tag_id ${int} references tags(id), created_at ${t.time} not null, primary key (post_id, tag_id))`,
    `create table videos (id ${t.id}, user_id ${int} references users(id), title ${t.short} not null)`,
    `create table morph_comments (id ${t.id}, commentable_type ${t.short} not null, commentable_id ${int}, body ${t.text} not null)`,
    "create index users_country_id on users (country_id)",
    "create index posts_user_id on posts (user_id)",
    "create index comments_post_id on comments (post_id)",
    "create index comments_user_id on comments (user_id)",
    "create index post_tag_tag_id on post_tag (tag_id)",
    "create index videos_user_id on videos (user_id)",
    "create index morph_comments_commentable on morph_comments (commentable_type, commentable_id)",
  ];
}

function rows(dialect: Dialect): [table: string, columns: string[], values: unknown[][]][] {
  const time = (d: Date) => (dialect === "sqlite" ? d.toISOString() : d);
  const bool = (b: boolean) => (dialect === "sqlite" ? (b ? 1 : 0) : b);
  const countries = Array.from({ length: COUNTRIES }, (_, i) => [i + 1, `Country ${i + 1}`]);
  const users = Array.from({ length: USERS }, (_, i) => [
    i + 1,
    `User ${i + 1}`,
    `user${i + 1}@example.com`,
    userCountryId(i + 1),
  ]);
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
  const videos = Array.from({ length: VIDEOS }, (_, i) => [i + 1, videoUserId(i + 1), `Video ${i + 1}`]);
  const morphComments = Array.from({ length: MORPH_COMMENTS }, (_, i) => [
    i + 1,
    ...morphCommentTarget(i + 1),
    `Morph comment ${i + 1}`,
  ]);
  return [
    ["countries", ["id", "name"], countries],
    ["users", ["id", "name", "email", "country_id"], users],
    ["profiles", ["id", "user_id", "bio"], profiles],
    ["posts", ["id", "user_id", "title", "body", "published", "created_at"], posts],
    ["comments", ["id", "post_id", "user_id", "body"], comments],
    ["tags", ["id", "name"], tags],
    ["post_tag", ["post_id", "tag_id", "created_at"], postTag],
    ["videos", ["id", "user_id", "title"], videos],
    ["morph_comments", ["id", "commentable_type", "commentable_id", "body"], morphComments],
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
      for (const table of ["countries", "users", "profiles", "posts", "comments", "tags", "videos", "morph_comments"])
        await admin.query(`select setval(pg_get_serial_sequence('${table}', 'id'), (select max(id) from ${table}))`);
      await admin.query("analyze");
    }
    if (dialect === "mysql")
      await admin.query(
        "analyze table countries, users, profiles, posts, comments, tags, post_tag, videos, morph_comments",
      );
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

/**
 * After S8: compares post_tag of posts 1..S8_POSTS with the wanted set (s8WantedTags), then puts the
 * dataset's rows back (in one transaction). Returns the first difference, or null.
 */
export async function checkAndRestoreS8(admin: Admin): Promise<string | null> {
  const found = await admin.query(
    "select post_id, tag_id, created_at from post_tag where post_id <= ? order by post_id, tag_id",
    [S8_POSTS],
  );
  // A timestamp no Date reads is a mismatch to report, not a throw that would skip the restore below.
  const when = (at: unknown) => {
    // SQLite text without a zone ("2024-01-02 00:01:00.000", as TypeORM writes it) is UTC, as written.
    const zoneless = typeof at === "string" && /^\d{4}-\d\d-\d\d[ T][\d:.]+$/.test(at);
    const time = new Date(zoneless ? `${at.replace(" ", "T")}Z` : (at as string | Date)).getTime();
    return Number.isNaN(time) ? `unreadable ${String(at)}` : new Date(time).toISOString();
  };
  const key = (postId: unknown, tagId: unknown, at: unknown) => `${Number(postId)}/${Number(tagId)}@${when(at)}`;
  const want = Array.from({ length: S8_POSTS }, (_, i) => i + 1).flatMap((n) =>
    s8WantedTags(n)
      .sort((a, b) => a.tagId - b.tagId)
      .map((t) => key(n, t.tagId, t.createdAt)),
  );
  const got = found.map((r) => key(r.post_id, r.tag_id, r.created_at));
  let mismatch: string | null = null;
  for (let i = 0; i < Math.max(want.length, got.length) && !mismatch; i++)
    if (want[i] !== got[i])
      mismatch = `S8: post_tag row ${i} of posts 1..${S8_POSTS} is ${got[i] ?? "missing"}, expected ${want[i] ?? "none"} (${got.length} rows, expected ${want.length})`;

  const time = (d: Date) => (admin.dialect === "sqlite" ? d.toISOString() : d);
  const original = Array.from({ length: S8_POSTS }, (_, i) => i + 1).flatMap((n) =>
    postTagIds(n).map((tag) => [n, tag, time(postCreatedAt(n))]),
  );
  await admin.query("begin");
  try {
    await admin.query("delete from post_tag where post_id <= ?", [S8_POSTS]);
    for (let i = 0; i < original.length; i += 1_000) {
      const chunk = original.slice(i, i + 1_000);
      await admin.query(
        `insert into post_tag (post_id, tag_id, created_at) values ${chunk.map(() => "(?, ?, ?)").join(", ")}`,
        chunk.flat(),
      );
    }
    await admin.query("commit");
  } catch (error) {
    await admin.query("rollback");
    throw error;
  }
  return mismatch;
}
