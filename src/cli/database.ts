import { relative } from "node:path";
import { RelataError } from "../errors.js";
import { describeChanges } from "../migrate/diff.js";
import {
  checkDrift,
  generateMigration,
  pushSchema,
  type RenameQuestion,
  type SchemaChange,
} from "../migrate/generate-migration.js";
import { pullSchema } from "../migrate/pull.js";
import type { Invocation } from "./args.js";
import { emit } from "./files.js";
import type { Output } from "./output.js";
import { connect, loadConfig, type Project } from "./project.js";

/** `relata pull`: defineSchema code for the database of the config (or of `--url`). */
export async function pull(args: Extract<Invocation, { command: "pull" }>, cwd: string, out: Output): Promise<number> {
  if (args.out === undefined) out.keepStdoutForData();
  const url = args.url ?? (await loadConfig(cwd, args.config)).url;
  const connection = await connect(url);
  let code: string;
  try {
    const step = await out.step("reading the database");
    code = await pullSchema(connection.kysely, connection.profile.name, args.casing ? { casing: args.casing } : {});
    step.done("read the database");
  } finally {
    await connection.close();
  }
  await emit(code, args.out, cwd, out, "the schema");
  return 0;
}

/**
 * `relata generate [name]`: the next migration from the schema's changes since the last
 * snapshot, offline. A column that disappeared while another appeared is asked about on a
 * terminal; elsewhere it fails naming the `--rename` flag to pass.
 */
export async function generate(
  project: Project,
  args: Extract<Invocation, { command: "generate" }>,
  out: Output,
): Promise<number> {
  const ask = out.interactive ? await renamePrompt(out) : undefined;
  const result = await generateMigration({
    schema: project.schema,
    dialect: project.dialect,
    dir: project.migrationsDir,
    ...(args.name !== undefined && { name: args.name }),
    renames: args.renames,
    acceptDataLoss: args.acceptDataLoss,
    ...(ask && { ask }),
  });
  const folder = result.folder === undefined ? undefined : relative(project.root, result.folder);
  if (folder === undefined) {
    out.success("No changes: the schema matches the last migration.");
  } else {
    out.success(`wrote ${folder}/migration.ts`);
    out.line(indent(result.text, out));
    if (!result.reversible) out.warn(`${folder}/migration.ts has no down(): relata rollback cannot undo it.`);
    out.line();
    out.line(`Review it, then ${out.color.cyan("relata migrate")} applies it.`);
  }
  out.result({
    ok: true,
    folder: folder ?? null,
    changes: result.changes.map((c) => c.kind),
    text: result.text,
    reversible: result.reversible,
  });
  return 0;
}

/** Asks, with @clack/prompts, whether a column that disappeared was renamed to one that appeared. */
async function renamePrompt(out: Output): Promise<(question: RenameQuestion) => Promise<boolean>> {
  const { confirm, isCancel } = await import("@clack/prompts");
  return async ({ table, dropped, added }) => {
    const answer = await confirm({
      message: `${table}: was "${dropped}" renamed to "${added}"? (no: "${dropped}" is dropped with its values)`,
      initialValue: false,
      input: out.io.stdin,
      output: out.io.stdout,
    });
    if (isCancel(answer)) throw new RelataError("Cancelled: no migration was written.");
    return answer;
  };
}

/** `relata check`: how the live database differs from the schema; exit 1 when it does. */
export async function check(project: Project, out: Output): Promise<number> {
  const connection = await connect(project.url, project.schema);
  try {
    const { changes, text } = await checkDrift(connection.session);
    if (changes.length === 0) {
      out.success(text);
    } else {
      out.error("The database differs from the schema. To make it match:");
      out.line(indent(text, out));
      out.line();
      out.line(
        `Generate a migration (${out.color.cyan("relata generate")}) and apply it, or, in development, ${out.color.cyan("relata push")}.`,
      );
    }
    out.result({ ok: changes.length === 0, drift: changes.length > 0, changes: changes.map((c) => c.kind), text });
    return changes.length === 0 ? 0 : 1;
  } finally {
    await connection.close();
  }
}

/** `relata push`: makes the database match the schema, no migration written (development). */
export async function push(
  project: Project,
  args: Extract<Invocation, { command: "push" }>,
  out: Output,
): Promise<number> {
  const connection = await connect(project.url, project.schema);
  try {
    const step = await out.step("pushing the schema");
    let applied: readonly SchemaChange[];
    try {
      ({ applied } = await pushSchema(connection.session, {
        acceptDataLoss: args.acceptDataLoss,
        renames: args.renames,
      }));
    } catch (error) {
      step.fail("nothing was pushed");
      throw error;
    }
    if (applied.length === 0) {
      step.done("The database already matches the schema.");
    } else {
      step.done(`Pushed ${applied.length} change${applied.length === 1 ? "" : "s"}:`);
      out.line(indent(describeChanges(applied), out));
    }
    out.result({ ok: true, applied: applied.map((c) => c.kind), text: describeChanges(applied) });
    return 0;
  } finally {
    await connection.close();
  }
}

/** A diff's lines, indented, additions green and drops red on a terminal. */
function indent(text: string, out: Output): string {
  const { color } = out;
  return text
    .split("\n")
    .map((line) => `  ${line.startsWith("+") ? color.green(line) : line.startsWith("-") ? color.red(line) : line}`)
    .join("\n");
}
