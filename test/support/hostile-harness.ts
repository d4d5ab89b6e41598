import fc from "fast-check";
import { RelataError } from "../../src/index.js";
import { show } from "./hostile-oracle.js";

/**
 * The hostile-input suite's harness: a seeded fast-check run per property, every call raced
 * against a hang timer, every outcome held to the contract (success, or an error that is a
 * `RelataError`), and a count of the inputs that really ran.
 *
 * - `RELATA_FUZZ_SEED=<n>` replays a run (fast-check prints the seed and path of a failure).
 * - `RELATA_FUZZ_RUNS=<n>` sets every property's number of runs (the 20,000-input floor then no longer applies).
 * - `RELATA_FUZZ_COLLECT=1` keeps going after a violation and prints every distinct one at the
 *   end, grouped by category, instead of stopping (and shrinking) at the first.
 */
export const seed = Number(process.env.RELATA_FUZZ_SEED ?? 20_261_206);
const runsOverride = process.env.RELATA_FUZZ_RUNS ? Number(process.env.RELATA_FUZZ_RUNS) : undefined;
export const collecting = process.env.RELATA_FUZZ_COLLECT === "1";
/** The floor on inputs per database and run, unless the number of runs was overridden. */
export const minimumInputs = runsOverride === undefined ? 20_000 : 0;

/** A call that exceeds this is a hang. */
const HANG_MS = 10_000;

/** A broken contract: its category groups the failures of one cause. */
export class Violation extends Error {
  constructor(
    readonly category: string,
    readonly detail: string,
  ) {
    super(`${category}\n  ${detail}`);
    this.name = "Violation";
  }
}

export type Outcome<T> =
  | { readonly ok: true; readonly value: T; readonly statements: number }
  | { readonly ok: false; readonly error: RelataError; readonly statements: number };

class Hang extends Error {}

function driverCode(error: unknown): string {
  const e = error as { code?: unknown; errno?: unknown } | null;
  const code = e?.code ?? e?.errno;
  return code === undefined ? "" : ` ${String(code)}`;
}

export class Fuzz {
  /** Generated values that went through an entry point. */
  inputs = 0;
  /** Calls made to relata. */
  calls = 0;
  /** Properties that failed (the input floor is then moot). */
  failedProperties = 0;
  readonly found = new Map<string, { count: number; examples: string[] }>();
  /** Per entry point: calls that succeeded, were rejected before any SQL, were rejected after some. */
  readonly outcomes = new Map<string, [ok: number, early: number, late: number]>();

  constructor(
    /** How many statements relata has sent so far (onQuery events). */
    private readonly statements: () => number,
  ) {}

  fail(category: string, detail: string): never {
    throw new Violation(category, detail);
  }

  /**
   * Runs one call: resolves with its value, or with the relata error it threw. Anything else
   * (a raw driver error, a TypeError, a hang) is a violation naming the entry point and input.
   */
  async attempt<T>(entry: string, input: unknown, fn: () => T | Promise<T>): Promise<Outcome<Awaited<T>>> {
    this.calls++;
    const before = this.statements();
    let timer: NodeJS.Timeout | undefined;
    try {
      const value = await Promise.race([
        Promise.resolve().then(fn),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Hang()), HANG_MS);
        }),
      ]);
      this.tally(entry, 0);
      return { ok: true, value: value as Awaited<T>, statements: this.statements() - before };
    } catch (error) {
      if (error instanceof RelataError) {
        const statements = this.statements() - before;
        this.tally(entry, statements === 0 ? 1 : 2);
        return { ok: false, error, statements };
      }
      if (error instanceof Hang) this.fail(`${entry}: hangs (no answer in ${HANG_MS} ms)`, `input ${show(input)}`);
      const name = (error as Error | null)?.constructor?.name ?? typeof error;
      const message = String((error as Error | null)?.message ?? error)
        .split("\n")[0]!
        .slice(0, 200);
      this.fail(
        `${entry}: raw ${name}${driverCode(error)} instead of a RelataError`,
        `${message}\n  input ${show(input)}`,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /** A seeded property; in collect mode violations are recorded and the run goes on. */
  async property<T>(name: string, arbitrary: fc.Arbitrary<T>, numRuns: number, body: (input: T) => Promise<void>) {
    const property = fc.asyncProperty(arbitrary, async (input) => {
      try {
        await body(input);
      } catch (error) {
        if (collecting && error instanceof Violation) {
          this.record(error);
          return;
        }
        throw error;
      }
    });
    try {
      await fc.assert(property, { seed: seed + hash(name), numRuns: runsOverride ?? numRuns });
    } catch (error) {
      this.failedProperties++;
      throw error;
    }
  }

  private tally(entry: string, slot: 0 | 1 | 2): void {
    const key = entry.split(/[:(,]/)[0]!.trim();
    const counts = this.outcomes.get(key) ?? [0, 0, 0];
    counts[slot]++;
    this.outcomes.set(key, counts);
  }

  record(violation: Violation): void {
    const entry = this.found.get(violation.category) ?? { count: 0, examples: [] };
    entry.count++;
    if (entry.examples.length < 3) entry.examples.push(violation.detail);
    this.found.set(violation.category, entry);
  }

  /** Every distinct violation recorded in collect mode, most frequent first. */
  report(title: string): string {
    const lines = [...this.found.entries()]
      .sort((a, b) => b[1].count - a[1].count)
      .map(
        ([category, { count, examples }]) =>
          `- [${count}x] ${category}\n${examples.map((e) => `    e.g. ${e}`).join("\n")}`,
      );
    const outcomes = [...this.outcomes.entries()].map(
      ([entry, [ok, early, late]]) =>
        `  ${entry}: ${ok} stored/answered, ${early} rejected before SQL, ${late} rejected by the database`,
    );
    return `${title}: ${this.inputs} inputs in ${this.calls} calls; ${this.found.size} distinct violations\n${lines.join("\n")}\noutcomes:\n${outcomes.join("\n")}`;
  }
}

function hash(text: string): number {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) | 0;
  return Math.abs(h) % 1_000_000;
}
