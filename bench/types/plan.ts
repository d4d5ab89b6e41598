/**
 * The schema every contender writes, as data: N models in clusters of five, one cluster per
 * relation mix, so every cluster has each relation kind once and the schema grows by whole
 * clusters. Cluster k holds:
 *
 * - `user{k}`: hasMany posts, hasManyThrough comments (through posts), many-to-many roles with
 *   pivot fields (`grantedBy`, `level`), morphMany images, and belongsTo its referrer in
 *   cluster k-1 (hasMany referrals in cluster k+1), which links the clusters into one graph;
 * - `post{k}`: belongsTo author, hasMany comments, morphMany images;
 * - `comment{k}`: belongsTo post;
 * - `role{k}`: many-to-many users, through the pivot table `role_user_{k}`;
 * - `image{k}`: morphTo imageable (a user or a post of its cluster).
 *
 * Each model gets two queries (see the writers); names are deterministic, so a run at a given
 * size always type-checks the same program.
 */
export const MODELS_PER_CLUSTER = 5;

export interface Cluster {
  readonly k: number;
  readonly user: string;
  readonly post: string;
  readonly comment: string;
  readonly role: string;
  readonly image: string;
  /** The user model of cluster k-1 (this cluster's users belong to a referrer there), if any. */
  readonly previousUser: string | undefined;
  /** The user model of cluster k+1 (its users are this cluster's referrals), if any. */
  readonly nextUser: string | undefined;
}

/** The clusters of a schema of `models` models; `models` must be a positive multiple of five. */
export function clusters(models: number): Cluster[] {
  if (!Number.isInteger(models) || models <= 0 || models % MODELS_PER_CLUSTER !== 0) {
    throw new Error(`--models takes positive multiples of ${MODELS_PER_CLUSTER} (got ${models})`);
  }
  const count = models / MODELS_PER_CLUSTER;
  return Array.from({ length: count }, (_, k) => ({
    k,
    user: `user${k}`,
    post: `post${k}`,
    comment: `comment${k}`,
    role: `role${k}`,
    image: `image${k}`,
    previousUser: k > 0 ? `user${k - 1}` : undefined,
    nextUser: k + 1 < count ? `user${k + 1}` : undefined,
  }));
}

/** A generated program: file names (relative to its folder) and their text. */
export type Program = Record<string, string>;

/** How one library writes the schema and its queries. */
export interface Writer {
  /** The schema and the client (`db.ts`): everything but queries.ts. */
  files(all: Cluster[]): Program;
  /** The imports of queries.ts. */
  header(all: Cluster[]): string;
  /** A cluster's queries: one `export async function <model><Kind>()` each, e.g. `post0Create`. */
  queries(c: Cluster): string;
}

/** A query of a cluster; `kind` is its function's name without the cluster number (`postCreate`). */
export interface Query {
  kind: string;
  code: string;
}

/** The queries of a cluster as the writer wrote them, one per function. */
export function queriesOf(writer: Writer, c: Cluster): Query[] {
  return writer
    .queries(c)
    .split(/^(?=export async function )/m)
    .map((code) => ({ kind: /^export async function (\w+)/.exec(code)![1]!.replace(String(c.k), ""), code }));
}

/**
 * The program of `models` models: the writer's files and queries.ts with every query, or the
 * queries `keep` picks (the per-kind measurements of run.ts --by-query).
 */
export function programOf(
  writer: Writer,
  models: number,
  keep: (q: Query, c: Cluster) => boolean = () => true,
): Program {
  const all = clusters(models);
  const queries = all.flatMap((c) => queriesOf(writer, c).filter((q) => keep(q, c)));
  return { ...writer.files(all), "queries.ts": [writer.header(all), "", ...queries.map((q) => q.code)].join("\n") };
}

/** `user0` -> `User0` (Prisma's model names). */
export const pascal = (name: string): string => name[0]!.toUpperCase() + name.slice(1);
