/**
 * `npm run bench`: every contender on every database, side by side. Builds the dataset
 * once per database, then runs rounds; in each round every contender gets a fresh process
 * (the order rotates between rounds), which warms up, checks its results against the raw
 * baseline and times each scenario. Reports medians over all rounds as ratios to the raw
 * driver's median from the same run, prints a Markdown table and writes
 * bench/results/latest.json.
 *
 * Options: --rounds=5 --iterations=1 --dialects=sqlite,postgres,mysql
 *          --contenders=raw,relata-query,... --scenarios=S1,...,S9 (S9: see s9/run.ts)
 * Servers: RELATA_PG_URL / RELATA_MYSQL_URL (default: the local services, as .ci/run).
 */
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import type { ScenarioResult } from "./child.js";
import { type Dialect, SCENARIO_TITLES, SCENARIOS, type Scenario } from "./contract.js";
import { buildDatabase, COMMENTS_PER_POST, POSTS_PER_USER, SERVERS, USERS } from "./dataset.js";
import { runS9, S9, type S9Cell } from "./s9/run.js";

const here = dirname(fileURLToPath(import.meta.url));
const CONTENDERS = [
  "raw",
  "relata-query",
  "relata-select",
  "relata-join",
  "kysely",
  "drizzle",
  "prisma",
  "typeorm",
  "mikro-orm",
  "sequelize",
  "objection",
];

const { values: options } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    iterations: { type: "string", default: "1" },
    dialects: { type: "string", default: "sqlite,postgres,mysql" },
    contenders: { type: "string", default: CONTENDERS.join(",") },
    scenarios: { type: "string", default: [...SCENARIOS, S9].join(",") },
  },
});
const rounds = Number(options.rounds);
const contenders = options.contenders.split(",");
if (!contenders.includes("raw")) contenders.unshift("raw");
// S9 (throughput under concurrency) has its own harness and table, run after the others.
const withS9 = options.scenarios.split(",").includes(S9);
const scenarios = options.scenarios.split(",").filter((s) => s !== S9) as Scenario[];
const built: Partial<Record<Dialect, string>> = {};

const run = promisify(execFile);
async function child(
  contender: string,
  dialect: Dialect,
  url: string,
): Promise<Partial<Record<Scenario, ScenarioResult>>> {
  const args = [
    "--expose-gc", // for the S1 peak heap measure (child.ts peakHeapMB)
    "--import",
    "tsx",
    join(here, "child.ts"),
    contender,
    dialect,
    url,
    options.iterations,
    scenarios.join(","),
  ];
  try {
    const { stdout } = await run(process.execPath, args, { cwd: join(here, ".."), maxBuffer: 1 << 26 });
    return JSON.parse(stdout.trim().split("\n").at(-1)!);
  } catch (error) {
    const message =
      String((error as { stderr?: string }).stderr || (error as Error).message)
        .trim()
        .split("\n")
        .find((line) => /error/i.test(line)) ?? "crashed";
    return Object.fromEntries(
      scenarios.map((s) => [s, { samples: [], statements: null, error: message.slice(0, 300) }]),
    );
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface Cell {
  median: number | null;
  ratio: number | null;
  statements: number | null;
  samples: number[];
  /** S1: the median over rounds of one call's peak heap growth (MB). */
  peakHeapMB?: number | null;
  error?: string;
  note?: string;
}

const report: Record<string, Record<string, Partial<Record<Scenario, Cell>>>> = {};
const lines: string[] = [];
const say = (line = "") => {
  console.log(line);
  lines.push(line);
};

say(
  `relata bench: ${USERS} users x ${POSTS_PER_USER} posts x ${COMMENTS_PER_POST} comments, ${rounds} rounds x ${options.iterations} iteration(s), median ms (ratio to the raw driver) [SQL statements]`,
);
say(
  `machine: ${cpus()[0]?.model ?? "?"} x ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);

for (const dialect of options.dialects.split(",") as Dialect[]) {
  let url: string;
  try {
    url = (await buildDatabase(dialect, SERVERS[dialect])).url;
  } catch (error) {
    say(`\n${dialect}: skipped (${(error as Error).message})`);
    continue;
  }
  built[dialect] = url;
  if (!scenarios.length) continue;
  const collected: Record<string, Partial<Record<Scenario, ScenarioResult[]>>> = {};
  for (let round = 0; round < rounds; round++) {
    const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
    for (const contender of order) {
      process.stderr.write(`\r${dialect} round ${round + 1}/${rounds}: ${contender.padEnd(14)}`);
      const results = await child(contender, dialect, url);
      for (const [scenario, result] of Object.entries(results)) {
        collected[contender] ??= {};
        const slot = collected[contender][scenario as Scenario] ?? [];
        collected[contender][scenario as Scenario] = slot;
        slot.push(result);
      }
    }
  }
  process.stderr.write("\r\x1b[K");

  const table: Record<string, Partial<Record<Scenario, Cell>>> = {};
  for (const contender of contenders) {
    for (const scenario of scenarios) {
      const runs = collected[contender]?.[scenario] ?? [];
      const samples = runs.flatMap((r) => r.samples);
      const error = runs.find((r) => r.error)?.error;
      const note = runs.find((r) => r.note)?.note;
      const heaps = runs.flatMap((r) => (r.peakHeapMB == null ? [] : [r.peakHeapMB]));
      table[contender] ??= {};
      table[contender][scenario] = {
        median: samples.length && !error ? median(samples) : null,
        ratio: null,
        statements: runs.find((r) => r.statements != null)?.statements ?? null,
        samples,
        ...(scenario === "S1" ? { peakHeapMB: heaps.length && !error ? median(heaps) : null } : {}),
        ...(error ? { error } : {}),
        ...(note ? { note } : {}),
      };
    }
  }
  for (const scenario of scenarios) {
    const base = table.raw?.[scenario]?.median;
    for (const contender of contenders) {
      const cell = table[contender]![scenario]!;
      if (base && cell.median != null) cell.ratio = cell.median / base;
    }
  }
  report[dialect] = table;

  say(`\n### ${dialect}\n`);
  const heapColumn = scenarios.includes("S1");
  say(
    `| contender | ${scenarios.map((s) => `${s} ${SCENARIO_TITLES[s]}`).join(" | ")} |${heapColumn ? " S1 peak heap (MB) |" : ""}`,
  );
  say(`|---|${scenarios.map(() => "---:").join("|")}|${heapColumn ? "---:|" : ""}`);
  const footnotes: string[] = [];
  for (const contender of contenders) {
    const cells = scenarios.map((scenario) => {
      const cell = table[contender]![scenario]!;
      if (cell.median == null) {
        footnotes.push(`${contender} ${scenario}: ${cell.error ?? cell.note ?? "no result"}`);
        return cell.error ? `error (${footnotes.length})` : `— (${footnotes.length})`;
      }
      const count = cell.statements == null ? "" : ` [${cell.statements}]`;
      return `${cell.median.toFixed(1)} (${cell.ratio!.toFixed(2)}x)${count}`;
    });
    const heap = table[contender]!.S1?.peakHeapMB;
    say(`| ${contender} | ${cells.join(" | ")} |${heapColumn ? ` ${heap == null ? "—" : heap.toFixed(1)} |` : ""}`);
  }
  if (footnotes.length) say("");
  for (const [i, note] of footnotes.entries()) say(`${i + 1}. ${note}`);
}

let s9: Record<string, Record<string, S9Cell>> | undefined;
if (withS9) s9 = await runS9({ urls: built, contenders, rounds, say });

const out = join(here, "..", "results");
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, "latest.json"),
  `${JSON.stringify({ date: new Date().toISOString(), rounds, iterations: Number(options.iterations), report, ...(s9 ? { s9 } : {}) }, null, 2)}\n`,
);
writeFileSync(join(out, "latest.md"), `${lines.join("\n")}\n`);
