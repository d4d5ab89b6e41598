/**
 * S9's harness, run by ../run.ts after the per-scenario tables, on the databases it built: for
 * each of PostgreSQL and MariaDB, rounds (--rounds, at most MAX_ROUNDS) of one process per
 * contender (the order rotated between rounds, as ../run.ts does), then a table of the median
 * requests/s (ratio to the raw driver's) and median p99 / p50 latency over the rounds.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Dialect } from "../contract.js";
import type { S9Result } from "./child.js";
import { CLIENTS, MAX_ROUNDS, POOL_SIZE, REQUESTS, S9_DIALECTS, S9_TITLE, WARMUP } from "./contract.js";

const here = dirname(fileURLToPath(import.meta.url));
const execute = promisify(execFile);
/** A child that hangs (a pool that never hands out a connection) is stopped, not waited for. */
const TIMEOUT_MS = 300_000;

/** The S9 id in --scenarios (not one of contract.ts's SCENARIOS: S9 has its own harness and table). */
export const S9 = "S9";

export interface S9Cell {
  rps: number | null;
  ratio: number | null;
  p99: number | null;
  p50: number | null;
  runs: S9Result[];
  error?: string;
  note?: string;
}

async function child(contender: string, dialect: Dialect, url: string): Promise<S9Result> {
  if (!existsSync(join(here, "contenders", `${contender}.ts`))) return { note: "no S9 implementation" };
  const args = ["--import", "tsx", join(here, "child.ts"), contender, dialect, url];
  try {
    const { stdout } = await execute(process.execPath, args, {
      cwd: join(here, "..", ".."),
      maxBuffer: 1 << 24,
      timeout: TIMEOUT_MS,
    });
    return JSON.parse(stdout.trim().split("\n").at(-1)!);
  } catch (error) {
    if ((error as { killed?: boolean }).killed) return { error: `timed out after ${TIMEOUT_MS / 1_000} s` };
    const message =
      String((error as { stderr?: string }).stderr || (error as Error).message)
        .trim()
        .split("\n")
        .find((line) => /error/i.test(line)) ?? "crashed";
    return { error: message.slice(0, 300) };
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * Runs S9 on each database of `urls` S9 covers (a bench database ../run.ts built), prints its
 * table through `say` and returns the cells by dialect and contender.
 */
export async function runS9(options: {
  urls: Partial<Record<Dialect, string>>;
  contenders: string[];
  rounds: number;
  say: (line?: string) => void;
}): Promise<Record<string, Record<string, S9Cell>>> {
  const { urls, contenders, say } = options;
  const rounds = Math.min(options.rounds, MAX_ROUNDS);
  const report: Record<string, Record<string, S9Cell>> = {};
  for (const dialect of S9_DIALECTS) {
    const url = urls[dialect];
    if (!url) continue;
    const collected: Record<string, S9Result[]> = {};
    for (let round = 0; round < rounds; round++) {
      const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
      for (const contender of order) {
        process.stderr.write(`\r${dialect} S9 round ${round + 1}/${rounds}: ${contender.padEnd(14)}`);
        const result = await child(contender, dialect, url);
        collected[contender] = [...(collected[contender] ?? []), result];
      }
    }
    process.stderr.write("\r\x1b[K");

    const table: Record<string, S9Cell> = {};
    for (const contender of contenders) {
      const runs = collected[contender] ?? [];
      const error = runs.find((r) => r.error)?.error;
      const timed = error ? [] : runs.filter((r) => r.rps != null);
      const pick = (key: "rps" | "p99" | "p50") => (timed.length ? median(timed.map((r) => r[key]!)) : null);
      const note = runs.find((r) => r.note)?.note;
      table[contender] = {
        rps: pick("rps"),
        ratio: null,
        p99: pick("p99"),
        p50: pick("p50"),
        runs,
        ...(error ? { error } : {}),
        ...(note ? { note } : {}),
      };
    }
    const base = table.raw?.rps;
    for (const cell of Object.values(table)) if (base && cell.rps != null) cell.ratio = cell.rps / base;
    report[dialect] = table;

    say(`\n### ${dialect}: S9 ${S9_TITLE}\n`);
    say(
      `${REQUESTS.toLocaleString("en")} requests after ${WARMUP} warm-up ones, ${CLIENTS} concurrent clients, ${POOL_SIZE} connections; medians over ${rounds} round(s)\n`,
    );
    say("| contender | requests/s (ratio to raw) | p99 ms | p50 ms |");
    say("|---|---:|---:|---:|");
    const footnotes: string[] = [];
    for (const contender of contenders) {
      const cell = table[contender]!;
      if (cell.rps == null) {
        footnotes.push(`${contender} S9: ${cell.error ?? cell.note ?? "no result"}`);
        const mark = `${cell.error ? "error" : "—"} (${footnotes.length})`;
        say(`| ${contender} | ${mark} | | |`);
        continue;
      }
      const ratio = cell.ratio == null ? "" : ` (${cell.ratio.toFixed(2)}x)`;
      say(`| ${contender} | ${cell.rps.toFixed(0)}${ratio} | ${cell.p99!.toFixed(1)} | ${cell.p50!.toFixed(1)} |`);
    }
    if (footnotes.length) say("");
    for (const [i, note] of footnotes.entries()) say(`${i + 1}. ${note}`);
  }
  return report;
}
