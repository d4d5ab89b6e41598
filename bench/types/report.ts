/** The results of one run as a Markdown report (tables side by side, ratios) and as JSON. */
import type { Measurement } from "./measure.js";

export interface Entry {
  contender: string;
  models: number;
  queries: number;
  /** The whole program: schema, client and queries. */
  program: Measurement;
  /** The schema and the client alone (no query): what the queries add is the difference. */
  client: Measurement;
  /** With --by-query: instantiations per kind of query. */
  byQuery?: QueryCost[];
}

/** Instantiations of one kind of query: the first alone (with any one-off cost), then each further one. */
export interface QueryCost {
  kind: string;
  first: number;
  further: number;
}

export interface Run {
  date: string;
  environment: string;
  versions: Record<string, string>;
  entries: Entry[];
  skipped: { contender: string; reason: string }[];
}

/** The contender the others are compared to: Prisma, or Drizzle when Prisma was skipped. */
export function baselineOf(run: Run): string | undefined {
  const present = new Set(run.entries.map((e) => e.contender));
  return ["prisma", "drizzle"].find((name) => present.has(name));
}

export function markdown(run: Run): string {
  const baseline = baselineOf(run);
  const sizes = [...new Set(run.entries.map((e) => e.models))].sort((a, b) => a - b);
  const contenders = [...new Set(run.entries.map((e) => e.contender))];
  const versions = Object.entries(run.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(", ");
  const lines = [
    "Type-check cost: `tsc --noEmit --extendedDiagnostics` (strict, skipLibCheck, NodeNext), one run per program;",
    `ratios to ${baseline ?? "—"} from the same run. ${versions}.`,
    `${run.date}, ${run.environment}.`,
    "",
  ];
  for (const models of sizes) {
    const entries = run.entries.filter((e) => e.models === models);
    const base = entries.find((e) => e.contender === baseline);
    lines.push(
      `### ${models} models, ${entries[0]!.queries} queries`,
      "",
      `| contender | instantiations | vs ${baseline} | schema + client | per query | check time | vs ${baseline} | memory |`,
      "|---|---:|---:|---:|---:|---:|---:|---:|",
      ...entries
        .map((e) =>
          [
            e.contender,
            count(e.program.instantiations),
            ratio(e.program.instantiations, base?.program.instantiations),
            count(e.client.instantiations),
            count(perQuery(e)),
            `${e.program.checkTime.toFixed(2)} s`,
            ratio(e.program.checkTime, base?.program.checkTime),
            `${Math.round(e.program.memory / 2 ** 20)} MB`,
          ].join(" | "),
        )
        .map((row) => `| ${row} |`),
      "",
    );
  }
  if (sizes.length > 1) lines.push(...growth(run, sizes, contenders));
  for (const models of sizes) lines.push(...byQuery(run.entries.filter((e) => e.models === models && e.byQuery)));
  for (const { contender, reason } of run.skipped) lines.push(`${contender} skipped: ${reason}`, "");
  return lines.join("\n");
}

/** Instantiations the queries add, per query. */
export function perQuery(entry: Entry): number {
  return (entry.program.instantiations - entry.client.instantiations) / entry.queries;
}

/** Each contender's growth from one size to the next (linear growth is the ratio of the sizes). */
function growth(run: Run, sizes: number[], contenders: string[]): string[] {
  const steps = sizes.slice(1).map((to, i) => [sizes[i]!, to] as const);
  const header = steps.flatMap(([from, to]) => [`instantiations ${from}→${to}`, `check time ${from}→${to}`]);
  const rows = contenders.map((contender) => {
    const at = (models: number) => run.entries.find((e) => e.contender === contender && e.models === models);
    const cells = steps.flatMap(([from, to]) => {
      const [a, b] = [at(from), at(to)];
      if (!a || !b) return ["—", "—"];
      return [
        ratio(b.program.instantiations, a.program.instantiations),
        ratio(b.program.checkTime, a.program.checkTime),
      ];
    });
    return `| ${[contender, ...cells].join(" | ")} |`;
  });
  return [
    `### Growth (linear: ${steps.map(([from, to]) => `${from}→${to} ${ratio(to, from)}`).join(", ")})`,
    "",
    `| contender | ${header.join(" | ")} |`,
    `|---|${header.map(() => "---:").join("|")}|`,
    ...rows,
    "",
  ];
}

/** One size's per-kind costs, contenders side by side: the first query of a kind / each further one. */
function byQuery(entries: Entry[]): string[] {
  if (entries.length === 0) return [];
  const kinds = entries[0]!.byQuery!.map((q) => q.kind);
  const cell = (entry: Entry, kind: string) => {
    const cost = entry.byQuery!.find((q) => q.kind === kind);
    return cost ? `${count(cost.first)} / ${count(cost.further)}` : "—";
  };
  return [
    `### Instantiations by query at ${entries[0]!.models} models: the first of its kind / each further one`,
    "",
    `| query | ${entries.map((e) => e.contender).join(" | ")} |`,
    `|---|${entries.map(() => "---:").join("|")}|`,
    ...kinds.map((kind) => `| ${kind} | ${entries.map((e) => cell(e, kind)).join(" | ")} |`),
    "",
  ];
}

const count = (n: number) => Math.round(n).toLocaleString("en-US");
const ratio = (value: number, base: number | undefined) => (base ? `${(value / base).toFixed(2)}x` : "—");
