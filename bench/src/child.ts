/**
 * One contender on one database, in a process of its own: set up, then for each scenario
 * a warm-up call checked against the raw baseline (computed here, untimed), more warm-up
 * calls while they are quick, then the timed calls; after S1's, one more S1 call measures its peak heap.
 * Prints one JSON line: { scenario: { samples, statements, peakHeapMB?, error?, note? } }.
 *
 *   node --expose-gc --import tsx src/child.ts <contender> <dialect> <url> <iterations> <scenarios,...>
 */
import { performance } from "node:perf_hooks";
import { difference } from "./compare.js";
import { type Contender, type Dialect, SCENARIOS, type Scenario, type SetupContext } from "./contract.js";
import { checkAndCleanS6, checkAndRestoreS8, connectAdmin, scenarioInputs } from "./dataset.js";

export interface ScenarioResult {
  samples: number[];
  statements: number | null;
  /** S1 only: the heap's growth at its peak during one call, in MB (null without --expose-gc). */
  peakHeapMB?: number | null;
  error?: string;
  note?: string;
}

const [name, dialect, url, iterationsArg, scenarioList] = process.argv.slice(2) as [
  string,
  Dialect,
  string,
  string,
  string,
];
const iterations = Number(iterationsArg);
const wanted = scenarioList.split(",") as Scenario[];
const inputs = scenarioInputs();
const load = async (module: string): Promise<Contender> => (await import(`./contenders/${module}.js`)).default;

let statements = 0;
const context = (): SetupContext => ({
  dialect,
  url,
  ...(dialect === "sqlite" ? { file: url.replace(/^sqlite:/, "") } : {}),
  countStatement: () => {
    statements++;
  },
});

const admin = await connectAdmin(dialect, url);
const contender = await (await load(name)).setup(context());
const baseline = name === "raw" ? contender : await (await load("raw")).setup(context());
const results: Partial<Record<Scenario, ScenarioResult>> = {};

async function check(scenario: Scenario, result: unknown): Promise<string | null> {
  if (scenario === "S6") {
    const written = await checkAndCleanS6(admin);
    const want = { posts: inputs.newPosts.posts.length, pivots: inputs.newPosts.posts.length * 3 };
    return written.posts === want.posts && written.pivots === want.pivots
      ? null
      : `S6 wrote ${written.posts} posts / ${written.pivots} pivot rows, expected ${want.posts} / ${want.pivots}`;
  }
  if (scenario === "S8") return checkAndRestoreS8(admin);
  const expected = await baseline.scenarios[scenario]!(inputs);
  const canonical = contender.canonical?.[scenario]?.(result) ?? result;
  return difference(expected, canonical);
}

/**
 * Peak heap growth of one call: gc(), then heapUsed sampled on every event-loop turn (a
 * setImmediate loop, so between the call's awaits) and once after it, result still held; max - before.
 */
async function peakHeapMB(call: () => Promise<unknown>): Promise<number | null> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return null;
  gc();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  let sampling = true;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    if (sampling) setImmediate(sample);
  };
  setImmediate(sample);
  const result = await call();
  sampling = false;
  sample();
  // Reading `result` after the last sample keeps it alive through it.
  return result === undefined ? null : (peak - before) / 2 ** 20;
}

for (const scenario of SCENARIOS.filter((s) => wanted.includes(s))) {
  const run = contender.scenarios[scenario];
  if (!run) {
    results[scenario] = { samples: [], statements: null, note: contender.notes?.[scenario] ?? "not expressible" };
    continue;
  }
  try {
    const started = performance.now();
    const error = await check(scenario, await run(inputs));
    if (error) {
      results[scenario] = { samples: [], statements: null, error };
      continue;
    }
    // More warm-up for quick scenarios (up to 5 calls within 300 ms), so the JIT has seen the
    // code before timing; a slow first call is warm-up enough.
    let laterError: string | null = null;
    for (let i = 1; i < 5 && performance.now() - started < 300; i++) {
      await run(inputs);
      if (scenario === "S6") await checkAndCleanS6(admin);
      if (scenario === "S8") laterError ??= await checkAndRestoreS8(admin);
    }
    const samples: number[] = [];
    let counted: number | null = null;
    for (let i = 0; i < iterations; i++) {
      statements = 0;
      const start = performance.now();
      await run(inputs);
      samples.push(performance.now() - start);
      counted ??= statements;
      if (scenario === "S6") await checkAndCleanS6(admin);
      if (scenario === "S8") laterError ??= await checkAndRestoreS8(admin);
    }
    if (laterError) {
      results[scenario] = { samples: [], statements: null, error: laterError };
      continue;
    }
    results[scenario] = {
      samples,
      statements: counted || null,
      ...(scenario === "S1" ? { peakHeapMB: await peakHeapMB(() => run(inputs)) } : {}),
      ...(contender.notes?.[scenario] ? { note: contender.notes[scenario] } : {}),
    };
  } catch (error) {
    if (scenario === "S6") await checkAndCleanS6(admin).catch(() => {});
    if (scenario === "S8") await checkAndRestoreS8(admin).catch(() => {});
    results[scenario] = {
      samples: [],
      statements: null,
      error: String((error as Error)?.message ?? error).slice(0, 300),
    };
  }
}

await contender.close();
if (baseline !== contender) await baseline.close();
await admin.close();
process.stdout.write(`${JSON.stringify(results)}\n`);
