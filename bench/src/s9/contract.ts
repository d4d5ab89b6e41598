/**
 * S9, throughput under concurrency (PostgreSQL and MariaDB): 50 concurrent clients share one
 * process and one pool of 10 connections, and send a fixed number of requests of the kinds an
 * API sends, in a fixed mix; the harness reports requests per second and p99 latency.
 *
 * A contender is a module in `bench/src/s9/contenders/` whose default export is an
 * `S9Contender`. Its three request functions are called concurrently; `canonical` (untimed)
 * turns a natural result into the raw baseline's shape, compared once before timing.
 *
 * Canonical results (what the raw baseline returns; see ../contract.ts for User, Post, Profile):
 *   find(id)      (User & { posts: Post[] (by id), profile: Profile | null }) | null
 *   list(offset)  (User & { postsCount })[]: the page of 20 users (by id, from `offset`) having
 *                 a published post, postsCount counting all their posts
 *   create(post)  anything: the harness checks the post and its 2 pivot rows in the database.
 *                 It must be atomic (one transaction, or one statement).
 */
import type { Dialect } from "../contract.js";
import type { Admin } from "../dataset.js";

export type S9Dialect = Exclude<Dialect, "sqlite">;
export const S9_DIALECTS: readonly S9Dialect[] = ["postgres", "mysql"];

export const S9_TITLE = "throughput: 50 clients, pool of 10, mix 6 find : 3 list : 1 create";
/** Concurrent clients (async workers in the contender's process). */
export const CLIENTS = 50;
/** Connections in the contender's pool, the same for everyone. */
export const POOL_SIZE = 10;
/**
 * Requests per timed run, after WARMUP untimed ones (same mix, same concurrency), and at most
 * MAX_ROUNDS rounds: sized so that a full S9 (10 contenders, 2 databases) stays within ~10
 * minutes on a 2-core machine, where the slowest peers serve under 200 requests/s.
 */
export const REQUESTS = 2_000;
export const WARMUP = 200;
export const MAX_ROUNDS = 3;
export const PAGE_SIZE = 20;

/** The posts create() writes carry this title prefix: the harness counts and deletes them. */
export const S9_TITLE_PREFIX = "S9 post ";

export interface S9NewPost {
  userId: number;
  title: string;
  body: string;
  published: boolean;
  createdAt: Date;
  /** Two distinct tags, attached with the pivot `created_at` = createdAt. */
  tagIds: [number, number];
}

export type S9Kind = "find" | "list" | "create";
/** Requests are taken in this order, over and over: 6 finds, 3 lists, 1 create per 10. */
export const MIX: readonly S9Kind[] = [
  "find",
  "list",
  "find",
  "find",
  "list",
  "find",
  "create",
  "find",
  "list",
  "find",
];

/**
 * Request `n`'s inputs, deterministic: any of the 1,000 users; one of the first 10 pages (as API
 * traffic reads mostly early pages, and deep OFFSETs would time the database's scan, not the
 * library); tags 1..100.
 */
export const findId = (n: number) => ((n * 7_919) % 1_000) + 1;
export const listOffset = (n: number) => ((n * 7) % 10) * PAGE_SIZE;
export function newPost(n: number): S9NewPost {
  return {
    userId: ((n * 13) % 1_000) + 1,
    title: `${S9_TITLE_PREFIX}${n}`,
    body: `Written by the S9 scenario (${n})`,
    published: n % 20 < 10,
    createdAt: new Date(Date.UTC(2025, 0, 1) + n * 1_000),
    tagIds: [(n % 100) + 1, ((n + 50) % 100) + 1],
  };
}

export interface S9Context {
  dialect: S9Dialect;
  /** `postgres://.../<bench db>` or `mysql://.../<bench db>`. */
  url: string;
  /** The pool size to configure (POOL_SIZE). */
  pool: number;
}

export interface S9Session {
  find(id: number): Promise<unknown>;
  list(offset: number): Promise<unknown>;
  create(post: S9NewPost): Promise<unknown>;
  /** Untimed: a natural result as the baseline's shape. Identity if absent. */
  canonical?: { find?: (result: any) => unknown; list?: (result: any) => unknown };
  close(): Promise<void>;
}

export interface S9Contender {
  name: string;
  /** The databases it runs S9 on; `notes` says why another is left out. */
  dialects: S9Dialect[];
  notes?: Partial<Record<S9Dialect, string>>;
  setup(ctx: S9Context): Promise<S9Session>;
}

/** The posts and pivot rows create() wrote, as [title, userId, published, createdAt ms, tag ids]; then removes them. */
export async function checkAndCleanS9(admin: Admin): Promise<string[]> {
  const like = `${S9_TITLE_PREFIX}%`;
  const rows = await admin.query(
    "select p.title, p.user_id as u, p.published as pub, p.created_at as pc, pt.tag_id as t, pt.created_at as tc from posts p left join post_tag pt on pt.post_id = p.id where p.title like ? order by p.id, pt.tag_id",
    [like],
  );
  await cleanS9(admin);
  const byTitle = new Map<string, { u: number; pub: boolean; pc: number; tags: string[] }>();
  for (const r of rows) {
    const title = String(r.title);
    let post = byTitle.get(title);
    if (!post) {
      post = { u: Number(r.u), pub: r.pub === true || r.pub === 1, pc: new Date(r.pc as string).getTime(), tags: [] };
      byTitle.set(title, post);
    }
    if (r.t != null) post.tags.push(`${r.t}@${new Date(r.tc as string).getTime()}`);
  }
  return [...byTitle].map(([title, p]) => `${title} u${p.u} ${p.pub} ${p.pc} [${p.tags.join(",")}]`);
}

/** What checkAndCleanS9 reads after create(post), for comparison. */
export function expectedS9(post: S9NewPost): string {
  const tags = [...post.tagIds].sort((a, b) => a - b).map((t) => `${t}@${post.createdAt.getTime()}`);
  return `${post.title} u${post.userId} ${post.published} ${post.createdAt.getTime()} [${tags.join(",")}]`;
}

export async function cleanS9(admin: Admin): Promise<void> {
  const like = `${S9_TITLE_PREFIX}%`;
  await admin.query("delete from post_tag where post_id in (select id from posts where title like ?)", [like]);
  await admin.query("delete from posts where title like ?", [like]);
}
