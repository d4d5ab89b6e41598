import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import { createDb } from "../db.js";
import { RelataError } from "../errors.js";
import { generateDbml, generateDrizzle, generateMermaid, generatePrisma } from "../generate/index.js";
import type { GeneratorName, Invocation } from "./args.js";
import type { Output } from "./output.js";
import { importUserFile, type Project } from "./project.js";

const GENERATE: Record<GeneratorName, (project: Project) => string> = {
  prisma: (p) => generatePrisma(p.schema, { dialect: p.dialect }),
  drizzle: (p) => generateDrizzle(p.schema, { dialect: p.dialect }),
  mermaid: (p) => generateMermaid(p.schema, { dialect: p.dialect }),
  dbml: (p) => generateDbml(p.schema, { dialect: p.dialect }),
};

/** `relata generate prisma|drizzle|mermaid|dbml [--out file]`: the schema for another tool. */
export async function generateSchemaFile(
  project: Project,
  args: Extract<Invocation, { command: "generate-schema" }>,
  cwd: string,
  out: Output,
): Promise<number> {
  if (args.out === undefined) out.keepStdoutForData();
  const text = GENERATE[args.target](project);
  await emit(text, args.out, cwd, out, `the ${args.target} schema`);
  return 0;
}

/**
 * Writes generated text to `--out` (relative to the working directory), or prints it: the text
 * alone on stdout, or `{ ok, text }` with --json.
 */
export async function emit(
  text: string,
  file: string | undefined,
  cwd: string,
  out: Output,
  what: string,
): Promise<void> {
  if (file === undefined) {
    if (out.json) out.result({ ok: true, text });
    else out.io.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    return;
  }
  const target = resolve(cwd, file);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, text);
  out.success(`wrote ${what} to ${relative(cwd, target) || target}`);
  out.result({ ok: true, out: target });
}

/**
 * `relata seed`: imports the config's seed script; a function it exports (default or `seed`)
 * is called with a db connected to the config's database, closed afterwards.
 */
export async function seed(project: Project, out: Output): Promise<number> {
  const file = project.seedFile;
  if (file === undefined) {
    throw new RelataError(`The config has no seed script: add seed: "./src/seed.ts" to ${project.configFile}.`);
  }
  if (!existsSync(file)) throw new RelataError(`The seed script ${file} does not exist.`);
  const name = relative(project.root, file);
  const step = await out.step(`seeding (${name})`);
  const exports = (await importUserFile(project.importFile, file, "the seed script")) as Record<string, unknown>;
  const run = [exports.default, exports.seed].find((value) => typeof value === "function") as
    | ((db: unknown) => unknown)
    | undefined;
  if (run) {
    const db = createDb({ schema: project.schema, url: project.url });
    try {
      await run(db);
    } catch (error) {
      step.fail(`${name} failed`);
      throw error;
    } finally {
      await db.destroy();
    }
  }
  step.done(`seeded (${name})`);
  out.result({ ok: true, seed: file });
  return 0;
}
