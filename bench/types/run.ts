/**
 * `npm run bench:types` (from bench/): the type-check cost of relata next to Drizzle and Prisma
 * (issue 16). For each size it generates one schema with every relation kind and two typical
 * queries per model, written the way each library's users write them (./relata.ts,
 * ./drizzle.ts, ./prisma.ts; the schema itself is ./plan.ts), into bench/generated/types/,
 * and type-checks each program with tsc in a child process: the whole program, and the schema
 * with its client alone (so the queries' own share is known). Every program must type-check
 * (and relata's must also run: ./verify-relata.ts), else the run fails.
 *
 * relata is checked as a user gets it: the package built from this checkout
 * (tsconfig.build.json) into bench/generated/types/node_modules/relata, its `dist` d.ts behind
 * skipLibCheck like any other package, not its sources (which tsc would check in full).
 *
 * Options: --models=10,50,200 (multiples of 5) --contenders=relata,drizzle,prisma
 *          --by-query: also what each kind of query costs, the first one and each further one
 * Writes bench/types/results/latest.md and latest.json.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs, promisify } from "node:util";
import { drizzle } from "./drizzle.js";
import { COMPILER_OPTIONS, typeCheck, typescriptVersion } from "./measure.js";
import { clusters, type Program, programOf, queriesOf, type Writer } from "./plan.js";
import { generatePrismaClient, prisma } from "./prisma.js";
import { relata } from "./relata.js";
import { type Entry, markdown, type QueryCost, type Run } from "./report.js";

const here = import.meta.dirname;
const root = join(here, "..", "..");
const out = join(root, "bench", "generated", "types");
const exec = promisify(execFile);
const WRITERS: Record<string, Writer> = { relata, drizzle, prisma };

const { values: options } = parseArgs({
  options: {
    models: { type: "string", default: "10,50,200" },
    contenders: { type: "string", default: Object.keys(WRITERS).join(",") },
    "by-query": { type: "boolean", default: false },
  },
});
const sizes = options.models.split(",").map(Number);
const contenders = options.contenders.split(",");
for (const name of contenders) {
  if (!WRITERS[name]) throw new Error(`unknown contender "${name}" (valid: ${Object.keys(WRITERS).join(", ")})`);
}
for (const models of sizes) clusters(models); // rejects a bad size before minutes of work

/** Builds relata from this checkout into out/node_modules/relata: d.ts for tsc, JS for verify-relata.ts. */
async function buildRelata(): Promise<string> {
  const target = join(out, "node_modules", "relata");
  rmSync(target, { recursive: true, force: true });
  const tsc = join(root, "node_modules", "typescript", "lib", "tsc.js");
  const flags = ["--declarationMap", "false", "--sourceMap", "false", "--inlineSources", "false"];
  await exec(process.execPath, [
    tsc,
    "-p",
    join(root, "tsconfig.build.json"),
    "--outDir",
    join(target, "dist"),
    ...flags,
  ]);
  const { name, version, type, main, types, exports } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  writeFileSync(join(target, "package.json"), JSON.stringify({ name, version, type, main, types, exports }, null, 2));
  return version;
}

/** Writes a program and its two tsconfigs: tsconfig.json (everything), tsconfig.client.json (db.ts alone). */
function writeProgram(dir: string, program: Program): void {
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(program)) writeFileSync(join(dir, file), text);
  const tsconfig = (file: string) => JSON.stringify({ compilerOptions: COMPILER_OPTIONS, files: [file] }, null, 2);
  writeFileSync(join(dir, "tsconfig.json"), tsconfig("queries.ts"));
  writeFileSync(join(dir, "tsconfig.client.json"), tsconfig("db.ts"));
}

/** The version of the package `name` as resolved from `from` (walking up node_modules). */
function packageVersion(from: string, name: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, "node_modules", name, "package.json");
    if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")).version;
    if (dir === dirname(dir)) throw new Error(`${name} is not installed (run: npm --prefix bench install)`);
  }
}

/**
 * Each kind of query on its own, in the program of `models` models at `dir` (rewriting its
 * queries.ts): the first query of the kind alone, and each further one (all clusters' queries of
 * the kind, less the first, per query). The first carries any one-off cost of its kind.
 */
async function queryCosts(writer: Writer, models: number, dir: string, client: number): Promise<QueryCost[]> {
  const instantiations = async (keep: Parameters<typeof programOf>[2]) => {
    writeFileSync(join(dir, "queries.ts"), programOf(writer, models, keep)["queries.ts"]!);
    return (await typeCheck(join(dir, "tsconfig.json"))).instantiations;
  };
  const further = clusters(models).length - 1;
  const costs: QueryCost[] = [];
  for (const { kind } of queriesOf(writer, clusters(models)[0]!)) {
    const first = await instantiations((q, c) => q.kind === kind && c.k === 0);
    const all = further > 0 ? await instantiations((q) => q.kind === kind) : first;
    costs.push({ kind, first: first - client, further: further > 0 ? (all - first) / further : 0 });
  }
  writeFileSync(join(dir, "queries.ts"), programOf(writer, models)["queries.ts"]!);
  return costs;
}

const relataVersion = await buildRelata();
const result: Run = {
  date: new Date().toISOString().slice(0, 10),
  environment: `${cpus()[0]?.model} x ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  versions: { typescript: typescriptVersion, relata: `${relataVersion} (this checkout)` },
  entries: [],
  skipped: [],
};
if (contenders.includes("drizzle")) result.versions["drizzle-orm"] = packageVersion(out, "drizzle-orm");
if (contenders.includes("prisma")) result.versions.prisma = packageVersion(out, "prisma");

for (const models of sizes) {
  for (const contender of contenders) {
    if (result.skipped.some((s) => s.contender === contender)) continue;
    const dir = join(out, `${contender}-${models}`);
    rmSync(dir, { recursive: true, force: true });
    writeProgram(dir, programOf(WRITERS[contender]!, models));
    if (contender === "prisma") {
      try {
        generatePrismaClient(dir);
      } catch (error) {
        const reason = `prisma generate failed: ${String((error as { stderr?: unknown }).stderr ?? error).trim()}`;
        result.skipped.push({ contender, reason });
        console.log(`prisma skipped: ${reason}`);
        continue;
      }
    }
    if (contender === "relata") {
      await exec(process.execPath, ["--import", "tsx", join(here, "verify-relata.ts"), dir], { cwd: here });
    }
    const client = await typeCheck(join(dir, "tsconfig.client.json"));
    const program = await typeCheck(join(dir, "tsconfig.json"));
    const entry: Entry = { contender, models, queries: models * 2, program, client };
    console.log(
      `${contender} at ${models} models: ${program.instantiations.toLocaleString("en-US")} instantiations, ` +
        `check ${program.checkTime.toFixed(2)} s, ${Math.round(program.memory / 2 ** 20)} MB`,
    );
    if (options["by-query"]) {
      entry.byQuery = await queryCosts(WRITERS[contender]!, models, dir, client.instantiations);
    }
    result.entries.push(entry);
  }
}

const report = markdown(result);
console.log(`\n${report}`);
mkdirSync(join(here, "results"), { recursive: true });
writeFileSync(join(here, "results", "latest.md"), report);
writeFileSync(join(here, "results", "latest.json"), `${JSON.stringify(result, null, 2)}\n`);
