import { readFileSync } from "node:fs";
import { RelataError } from "../errors.js";
import { type Invocation, parseArgv, UsageError } from "./args.js";
import { type Io, Output } from "./output.js";

/**
 * Runs the `relata` CLI on a command line (without the node and script paths) and returns the
 * exit code: 0 done, 1 a problem (printed with what to do), 2 a command line it cannot run.
 */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  let invocation: Invocation;
  try {
    invocation = parseArgv(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const out = new Output(io, argv.includes("--json"));
    if (out.json) out.result({ ok: false, error: { name: error.name, message: error.message } });
    else out.error(`${error.message}\n  relata --help lists the commands and their options.`);
    return 2;
  }
  const out = new Output(io, invocation.json);
  try {
    return await dispatch(invocation, io, out);
  } catch (error) {
    return report(error, out);
  }
}

/** Each command's module is loaded when it runs: help and usage errors load none of them. */
async function dispatch(invocation: Invocation, io: Io, out: Output): Promise<number> {
  switch (invocation.command) {
    case "help":
      invocation.print();
      return 0;
    case "version":
      out.line(version());
      out.result({ ok: true, version: version() });
      return 0;
    case "init":
      return (await import("./init.js")).init(invocation, io.cwd, out);
    case "pull":
      return (await import("./database.js")).pull(invocation, io.cwd, out);
  }
  const project = await (await import("./project.js")).loadProject(io.cwd, invocation.config);
  switch (invocation.command) {
    case "generate":
      return (await import("./database.js")).generate(project, invocation, out);
    case "check":
      return (await import("./database.js")).check(project, out);
    case "push":
      return (await import("./database.js")).push(project, invocation, out);
    case "generate-schema":
      return (await import("./files.js")).generateSchemaFile(project, invocation, io.cwd, out);
    case "seed":
      return (await import("./files.js")).seed(project, out);
    case "migrate":
      return (await import("./migrations.js")).migrate(project, out);
    case "rollback":
      return (await import("./migrations.js")).rollback(project, invocation, out);
    case "status":
      return (await import("./migrations.js")).status(project, out);
    case "resolve":
      return (await import("./migrations.js")).resolveMigration(project, invocation, out);
  }
}

/** Prints an error: a relata error as its message (it says what to do), anything else with its stack. */
function report(error: unknown, out: Output): number {
  const known = error instanceof RelataError;
  const name = error instanceof Error ? error.name : "Error";
  const message = error instanceof Error ? error.message : String(error);
  const flags = (error as { flags?: unknown } | undefined)?.flags;
  if (out.json) {
    out.result({ ok: false, error: { name, message, ...(Array.isArray(flags) && { flags }) } });
  } else if (known) {
    out.error(message);
  } else {
    out.error(`Unexpected error: ${message}`);
    out.io.stderr.write(`${out.color.dim((error as Error)?.stack ?? "")}\n`);
  }
  return 1;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}
