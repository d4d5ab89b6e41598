/**
 * `npm run bench:profile`: where each scenario's time goes, for the contenders given (default
 * raw and relata-query), one process per contender and database as in `npm run bench`.
 * Each scenario is called `--calls` times after two warm-up calls, each call under V8's
 * sampling CPU profiler (started and stopped around the call, so S6's and S8's clean-up is
 * not in it). Prints per call: the median wall time, the CPU profile's time by area (waiting
 * for the database, the driver, Kysely, relata, the contender's own code, garbage collection,
 * Node) and the functions of relata with the most self time.
 *
 * Options: --dialects=sqlite,postgres,mysql --scenarios=S1,...,S8 --contenders=raw,relata-query
 *          --calls=10 --top=5
 * PROFILE_DEBUG=<area> also prints that area's functions with the most self time (to stderr).
 * The profiler costs time of its own: compare the areas of one run, not its walls with
 * `npm run bench`'s.
 * Servers: RELATA_PG_URL / RELATA_MYSQL_URL (default: the local services, as .ci/run).
 */
import { execFile } from "node:child_process";
import { Session } from "node:inspector/promises";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { type Contender, type Dialect, SCENARIOS, type Scenario } from "./contract.js";
import { buildDatabase, checkAndCleanS6, checkAndRestoreS8, connectAdmin, SERVERS, scenarioInputs } from "./dataset.js";

/** The areas a profile's self time is put in, by the sampled function's script. */
const AREAS = ["database", "driver", "kysely", "relata", "contender", "gc", "node"] as const;
type Area = (typeof AREAS)[number];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** One contender's scenario: median wall ms per call, ms per call by area, relata's top functions. */
export interface Breakdown {
  wallMs: number;
  areas: Record<Area, number>;
  relata: [name: string, ms: number][];
}

/**
 * better-sqlite3 runs SQLite inside its native calls, which have no frame of their own: their
 * time is the self time of the function calling them, which for these callers is (nearly) all it is.
 */
const SQLITE_CALLERS = [
  /^read .*\/dist\/dialect\/sqlite\.js$/,
  /^executeQuery .*\/kysely\/.*\/sqlite-driver\.js$/,
  /^(all|run) .*\/bench\/src\/contenders\/raw\.ts$/,
];

function areaOf({ functionName, url }: ProfileNode["callFrame"], sqlite: boolean): Area {
  if (functionName === "(idle)") return "database";
  // better-sqlite3's statement methods (a builtin such as Promise.all is named alike but takes little).
  if (url === "" && sqlite && /^(all|run|exec|iterate)$/.test(functionName)) return "database";
  if (SQLITE_CALLERS.some((caller) => caller.test(`${functionName} ${url}`))) return "database";
  if (functionName === "(garbage collector)") return "gc";
  if (
    /\/node_modules\/(pg|pg-protocol|pg-types|postgres-|mysql2|mariadb|better-sqlite3|sqlstring|sql-escaper)/.test(url)
  ) {
    return "driver";
  }
  if (url.includes("/node_modules/kysely/")) return "kysely";
  if (/\/dist\/.*\.js$/.test(url) && !url.includes("/node_modules/")) return "relata";
  if (url.includes("/bench/src/")) return "contender";
  return "node";
}

async function profileChild(name: string, dialect: Dialect, url: string, scenarios: Scenario[], calls: number) {
  const contender: Contender = (await import(`./contenders/${name}.js`)).default;
  const admin = await connectAdmin(dialect, url);
  const setup = await contender.setup({
    dialect,
    url,
    ...(dialect === "sqlite" ? { file: url.replace(/^sqlite:/, "") } : {}),
    countStatement: () => {},
  });
  const inputs = scenarioInputs();
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
  const debug = new Map<string, number>();
  const out: Partial<Record<Scenario, Breakdown | string>> = {};
  for (const scenario of scenarios) {
    const run = setup.scenarios[scenario];
    if (!run) {
      out[scenario] = setup.notes?.[scenario] ?? "not expressible";
      continue;
    }
    const cleanUp = async () => {
      if (scenario === "S6") await checkAndCleanS6(admin);
      if (scenario === "S8") await checkAndRestoreS8(admin);
    };
    for (let i = 0; i < 2; i++) {
      await run(inputs);
      await cleanUp();
    }
    const walls: number[] = [];
    const areas = Object.fromEntries(AREAS.map((a) => [a, 0])) as Record<Area, number>;
    const relata = new Map<string, number>();
    // One profile for all the calls; only the samples taken during a call count (the profiler's
    // start, S6's and S8's clean-up are outside). Sample times and hrtime share one monotonic clock.
    const windows: [number, number][] = [];
    const micros = () => Number(process.hrtime.bigint() / 1000n);
    await session.post("Profiler.start");
    for (let i = 0; i < calls; i++) {
      const start = performance.now();
      const from = micros();
      await run(inputs);
      windows.push([from, micros()]);
      walls.push(performance.now() - start);
      await cleanUp();
    }
    const { profile } = (await session.post("Profiler.stop")) as unknown as { profile: CpuProfile };
    {
      const byId = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
      let at = profile.startTime;
      let w = 0;
      profile.samples.forEach((id, k) => {
        const delta = profile.timeDeltas[k]!;
        at += delta;
        while (w < windows.length && at > windows[w]![1]) w++;
        if (w === windows.length || at - delta < windows[w]![0]) return;
        const frame = byId.get(id)!;
        const ms = delta / 1000 / calls;
        const area = areaOf(frame, dialect === "sqlite");
        areas[area] += ms;
        if (process.env.PROFILE_DEBUG && area === process.env.PROFILE_DEBUG) {
          const where = `${frame.functionName} ${frame.url}:${frame.lineNumber + 1}`;
          debug.set(where, (debug.get(where) ?? 0) + ms);
        }
        if (area === "relata") {
          const where = `${frame.functionName || "(anonymous)"} ${frame.url.replace(/.*\/dist\//, "")}:${frame.lineNumber + 1}`;
          relata.set(where, (relata.get(where) ?? 0) + ms);
        }
      });
    }
    if (debug.size) console.error(scenario, name, [...debug].sort((a, b) => b[1] - a[1]).slice(0, 8));
    debug.clear();
    walls.sort((a, b) => a - b);
    out[scenario] = {
      wallMs: walls[walls.length >> 1]!,
      areas,
      relata: [...relata].sort((a, b) => b[1] - a[1]),
    };
  }
  await setup.close();
  await admin.close();
  console.log(JSON.stringify(out));
}

async function main() {
  const { values: options } = parseArgs({
    options: {
      dialects: { type: "string", default: "sqlite,postgres,mysql" },
      scenarios: { type: "string", default: SCENARIOS.join(",") },
      contenders: { type: "string", default: "raw,relata-query" },
      calls: { type: "string", default: "10" },
      top: { type: "string", default: "5" },
    },
  });
  const contenders = options.contenders.split(",");
  const scenarios = options.scenarios.split(",") as Scenario[];
  for (const dialect of options.dialects.split(",") as Dialect[]) {
    const { url } = await buildDatabase(dialect, SERVERS[dialect]);
    const results: Record<string, Partial<Record<Scenario, Breakdown | string>>> = {};
    for (const name of contenders) {
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        [
          "--import",
          "tsx",
          fileURLToPath(import.meta.url),
          "--child",
          name,
          dialect,
          url,
          scenarios.join(","),
          options.calls,
        ],
        { maxBuffer: 64 * 2 ** 20 },
      );
      process.stderr.write(stderr);
      results[name] = JSON.parse(stdout.trim().split("\n").at(-1)!);
    }
    console.log(`\n### ${dialect}: ms per call (median wall; CPU profile by area)\n`);
    console.log(`| scenario | contender | wall | ${AREAS.join(" | ")} |`);
    console.log(`|---|---|---:|${AREAS.map(() => "---:").join("|")}|`);
    const tops: string[] = [];
    for (const scenario of scenarios) {
      for (const name of contenders) {
        const cell = results[name]![scenario];
        if (cell === undefined) continue;
        if (typeof cell === "string") {
          console.log(`| ${scenario} | ${name} | — | ${cell} |`);
          continue;
        }
        console.log(
          `| ${scenario} | ${name} | ${cell.wallMs.toFixed(1)} | ${AREAS.map((a) => cell.areas[a].toFixed(1)).join(" | ")} |`,
        );
        const top = cell.relata.slice(0, Number(options.top));
        if (top.length) {
          tops.push(`- ${scenario} ${name}: ${top.map(([fn, ms]) => `${fn} ${ms.toFixed(2)}`).join("; ")}`);
        }
      }
    }
    if (tops.length) console.log(`\nrelata's functions with the most self time (ms per call):\n\n${tops.join("\n")}`);
  }
}

if (process.argv[2] === "--child") {
  const [, name, dialect, url, scenarios, calls] = process.argv.slice(2) as [
    string,
    string,
    Dialect,
    string,
    string,
    string,
  ];
  await profileChild(name, dialect, url, scenarios.split(",") as Scenario[], Number(calls));
  process.exit(0);
} else {
  await main();
}
