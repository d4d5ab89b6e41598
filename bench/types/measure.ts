/**
 * One `tsc --noEmit --extendedDiagnostics` run in a child process, parsed. A program that does
 * not type-check is an error carrying tsc's diagnostics: the cost of checking erroring code
 * means nothing.
 */
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";

export interface Measurement {
  instantiations: number;
  types: number;
  /** Seconds, as tsc reports them. */
  checkTime: number;
  totalTime: number;
  /** Bytes. */
  memory: number;
}

const root = join(import.meta.dirname, "..", "..");
const tsc = createRequire(join(root, "package.json")).resolve("typescript/lib/tsc.js");
export const typescriptVersion: string = createRequire(join(root, "package.json"))("typescript/package.json").version;

/** The compiler options every contender is checked with (the generated tsconfig.json files). */
export const COMPILER_OPTIONS = {
  target: "ES2022",
  lib: ["ES2023"],
  module: "NodeNext",
  moduleResolution: "NodeNext",
  strict: true,
  skipLibCheck: true,
  noEmit: true,
  types: ["node"],
};

const run = promisify(execFile);

/** Type-checks the project `tsconfig` (a path) and returns what tsc measured. */
export async function typeCheck(tsconfig: string): Promise<Measurement> {
  let stdout: string;
  try {
    ({ stdout } = await run(process.execPath, [tsc, "-p", tsconfig, "--extendedDiagnostics"], {
      maxBuffer: 64 * 1024 * 1024,
    }));
  } catch (error) {
    const output = String((error as { stdout?: string }).stdout ?? "");
    const diagnostics = output.split("\n").filter((line) => /error TS\d+/.test(line));
    throw new Error(
      `${tsconfig} does not type-check (${diagnostics.length} errors); a benchmark of erroring code means nothing:\n` +
        (diagnostics.slice(0, 20).join("\n") || String(error)),
    );
  }
  return {
    instantiations: field(stdout, "Instantiations"),
    types: field(stdout, "Types"),
    checkTime: field(stdout, "Check time"),
    totalTime: field(stdout, "Total time"),
    memory: field(stdout, "Memory used") * 1024,
  };
}

/** A number from a `Name:   value` line of the diagnostics (`K` and `s` units stripped). */
function field(output: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+([\\d.]+)`, "m").exec(output);
  if (!match) throw new Error(`tsc --extendedDiagnostics printed no "${name}" line:\n${output}`);
  return Number(match[1]);
}
