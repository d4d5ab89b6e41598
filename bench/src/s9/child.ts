/**
 * S9 for one contender on one database, in a process of its own: set up its pool, check a few
 * finds and lists against the raw baseline's and one create in the database (untimed), then a
 * warm-up and the timed run, each CLIENTS async workers taking requests from a shared counter.
 * Prints one JSON line: S9Result.
 *
 *   tsx src/s9/child.ts <contender> <dialect> <url>
 */
import { performance } from "node:perf_hooks";
import { difference } from "../compare.js";
import { connectAdmin } from "../dataset.js";
import {
  CLIENTS,
  checkAndCleanS9,
  cleanS9,
  expectedS9,
  findId,
  listOffset,
  MIX,
  newPost,
  POOL_SIZE,
  REQUESTS,
  type S9Contender,
  type S9Dialect,
  type S9Session,
  WARMUP,
} from "./contract.js";

export interface S9Result {
  /** Requests per second over the timed run. */
  rps?: number;
  /** Latency percentiles (ms) of the timed requests, waiting for a connection included. */
  p50?: number;
  p99?: number;
  error?: string;
  note?: string;
}

const [name, dialect, url] = process.argv.slice(2) as [string, S9Dialect, string];
const load = async (module: string): Promise<S9Contender> => (await import(`./contenders/${module}.js`)).default;

function done(result: S9Result): never {
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

/** The first difference from the baseline in a few finds (one id past the last user) and pages, or null. */
async function check(session: S9Session, baseline: S9Session): Promise<string | null> {
  for (const id of [1, 517, 1_000, 1_001]) {
    const d = difference(await baseline.find(id), (session.canonical?.find ?? ((r) => r))(await session.find(id)));
    if (d) return `find(${id}) ${d}`;
  }
  for (const offset of [0, 480, 980, 1_000]) {
    const d = difference(
      await baseline.list(offset),
      (session.canonical?.list ?? ((r) => r))(await session.list(offset)),
    );
    if (d) return `list(${offset}) ${d}`;
  }
  return null;
}

/** `total` requests (numbered from `first`) by CLIENTS workers; the elapsed ms and each latency. */
async function drive(session: S9Session, first: number, total: number) {
  const latencies: number[] = [];
  let next = 0;
  let failure: unknown = null;
  const worker = async () => {
    while (failure === null) {
      const i = next++;
      if (i >= total) return;
      const n = first + i;
      const kind = MIX[n % MIX.length];
      const start = performance.now();
      try {
        if (kind === "find") await session.find(findId(n));
        else if (kind === "list") await session.list(listOffset(n));
        else await session.create(newPost(n));
      } catch (error) {
        failure ??= error;
        return;
      }
      latencies.push(performance.now() - start);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, worker));
  if (failure !== null) throw failure;
  return { elapsed: performance.now() - started, latencies };
}

const percentile = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
const creates = (first: number, total: number) =>
  Array.from({ length: total }, (_, i) => MIX[(first + i) % MIX.length]).filter((k) => k === "create").length;

const admin = await connectAdmin(dialect, url);
await cleanS9(admin); // leftovers of a run that crashed
const contender = await load(name);
if (!contender.dialects.includes(dialect)) {
  await admin.close();
  done({ note: contender.notes?.[dialect] ?? "not expressible" });
}

let session: S9Session | undefined;
let result: S9Result;
try {
  session = await contender.setup({ dialect, url, pool: POOL_SIZE });
  const baseline = await (await load("raw")).setup({ dialect, url, pool: POOL_SIZE });
  let error: string | null;
  try {
    error = await check(session, baseline);
  } finally {
    await baseline.close();
  }
  if (!error) {
    const probe = newPost(1_000_000);
    await session.create(probe);
    const written = await checkAndCleanS9(admin);
    if (written.length !== 1 || written[0] !== expectedS9(probe))
      error = `create wrote ${JSON.stringify(written)}, expected ${JSON.stringify([expectedS9(probe)])}`;
  }
  if (error) {
    result = { error: error.slice(0, 300) };
  } else {
    await drive(session, 0, WARMUP);
    await cleanS9(admin);
    const { elapsed, latencies } = await drive(session, WARMUP, REQUESTS);
    const written = (await checkAndCleanS9(admin)).length;
    const wanted = creates(WARMUP, REQUESTS);
    if (written !== wanted) throw new Error(`the timed run created ${written} posts, expected ${wanted}`);
    latencies.sort((a, b) => a - b);
    result = {
      rps: (REQUESTS / elapsed) * 1_000,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      ...(contender.notes?.[dialect] ? { note: contender.notes[dialect] } : {}),
    };
  }
} catch (error) {
  result = { error: String((error as Error)?.message ?? error).slice(0, 300) };
}
await session?.close().catch(() => {});
await cleanS9(admin).catch(() => {});
await admin.close();
done(result);
