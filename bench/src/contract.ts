/**
 * What every contender implements. A contender is one module in `bench/src/contenders/`
 * whose default export is a `Contender`. The harness starts one process per contender and
 * database for each round, calls `setup` once, then times each scenario's function (after
 * a warm-up call) and finally calls `close`.
 *
 * The dataset (see dataset.ts) is already in the database when `setup` runs; contenders
 * never create or seed tables. Scenario functions return the contender's natural result;
 * `canonical` (untimed) turns it into the shape the raw baseline returns, which the harness
 * compares after normalising (camelCase keys, Dates and timestamp strings as ISO strings,
 * bigints as numbers, 0/1 as booleans for boolean columns).
 */

/*
 * Canonical results (what the raw baseline returns; every list ordered by id unless said):
 *   User    { id, name, email }
 *   Post    { id, userId, title, body, published, createdAt }
 *   Comment { id, postId, userId, body }
 *   Tag     { id, name }          Profile { id, userId, bio }
 *   S1 (User & { posts: (Post & { comments: Comment[] })[] })[]              all users
 *   S2 (Post & { tags: (Tag & { pivot: { postId, tagId, createdAt } })[] })[]  all posts
 *   S3 (User & { postsCount })[]   users having >= 1 post with published = true and a
 *                                  title containing "7"; postsCount counts all their posts
 *   S4 (User & { posts: Post[] })[]  each user's 3 newest posts (createdAt descending)
 *   S5 (User & { profile: Profile })[]  one per lookup id, in lookup order
 *   S6 nothing compared: the harness checks the rows in the database and removes them.
 *   Video   { id, userId, title }   Country { id, name }
 *   MorphComment { id, commentableType, commentableId, body }   (commentableType "post" | "video")
 *   S7 { comments: (MorphComment & { commentable: (Post & { author: User }) | (Video & { author: User }) })[],
 *        countries: (Country & { posts: Post[] })[] }   every morph comment; every country with the posts
 *                                  of its users (through users.country_id), posts ordered by id
 *   S8 nothing compared: the harness checks post_tag of posts 1..1000 against `syncs` and restores it.
 * Only keys the baseline has are compared; contenders may return more.
 */

export type Dialect = "sqlite" | "postgres" | "mysql";

export const SCENARIOS = ["S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8"] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const SCENARIO_TITLES: Record<Scenario, string> = {
  S1: "users > posts > comments",
  S2: "posts > tags (pivot column)",
  S3: "users having a published post titled *7*, with post count",
  S4: "users with their 3 newest posts",
  S5: "2,000 lookups of a user by id with profile",
  S6: "insert 1,000 posts + attach 3 tags each (one transaction)",
  S7: "morph comments > commentable (post or video) > author; countries > posts through users",
  S8: "sync the tags of 1,000 posts with a pivot column (one transaction)",
};

export interface SetupContext {
  dialect: Dialect;
  /**
   * Connection URL: `sqlite:<absolute path>`, `postgres://user@host:port/relata_bench` or
   * `mysql://user@host:port/relata_bench` (a database of its own; PostgreSQL tables in `public`).
   */
  url: string;
  /** SQLite only: the database file's absolute path. */
  file?: string;
  /**
   * Call once per SQL statement sent to the database, from the contender's own
   * query logging. Contenders that cannot observe their statements don't call it.
   */
  countStatement(): void;
}

/** The inputs of the scenarios (the same for every contender). */
export interface ScenarioInputs {
  /** S5: the user ids to look up one by one, in this order. */
  lookupIds: number[];
  /**
   * S6: the posts to insert for `userId` (title, body, published, createdAt) and the tag ids to
   * attach to each (pivot `created_at` = the post's createdAt), all in one transaction.
   */
  newPosts: { userId: number; posts: NewPost[] };
  /**
   * S8: for posts 1..1000, the exact set of tags each must have afterwards, with the pivot
   * `created_at` of each: keep one (same value), update one's value, attach one, detach one; all
   * in one transaction.
   */
  syncs: PostTagSync[];
}

export interface PostTagSync {
  postId: number;
  tags: { tagId: number; createdAt: Date }[];
}

export interface NewPost {
  title: string;
  body: string;
  published: boolean;
  createdAt: Date;
  tagIds: number[];
}

export type ScenarioFns = { [S in Scenario]?: (inputs: ScenarioInputs) => Promise<unknown> };

export interface Contender {
  /** Short display name, e.g. "drizzle". */
  name: string;
  /** Databases this contender runs on. */
  dialects: Dialect[];
  setup(ctx: SetupContext): Promise<{
    scenarios: ScenarioFns;
    /** Untimed: the natural result of a scenario as the raw baseline's shape. Identity if absent. */
    canonical?: { [S in Scenario]?: (result: any) => unknown };
    /** Why a scenario is absent, shown in the table (e.g. "no per-parent limit"). */
    notes?: { [S in Scenario]?: string };
    close(): Promise<void>;
  }>;
}
