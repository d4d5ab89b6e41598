import { type CAC, cac } from "cac";
import type { PullCasing } from "../migrate/pull.js";

/** The schema files `relata generate <target>` writes for other tools. */
export const GENERATORS = ["prisma", "drizzle", "mermaid", "dbml"] as const;
export type GeneratorName = (typeof GENERATORS)[number];

const PULL_CASINGS: readonly PullCasing[] = ["snake_case", "camelCase", "PascalCase", "preserve"];

/** Options every command takes. */
export interface CommonArgs {
  /** Print one JSON document on stdout instead of text. */
  readonly json: boolean;
  /** The config file, when not `relata.config.ts` (or .mts/.js/.mjs) in the working directory. */
  readonly config: string | undefined;
}

/** A command line, checked: each command with the options it takes. */
export type Invocation = CommonArgs &
  (
    | { readonly command: "help"; readonly print: () => void }
    | { readonly command: "version" }
    | {
        readonly command: "init";
        readonly url: string | undefined;
        readonly schema: string | undefined;
        readonly dir: string | undefined;
      }
    | {
        readonly command: "generate";
        readonly name: string | undefined;
        readonly renames: readonly string[];
        readonly acceptDataLoss: boolean;
      }
    | { readonly command: "generate-schema"; readonly target: GeneratorName; readonly out: string | undefined }
    | { readonly command: "migrate" | "status" | "check" | "seed" }
    | { readonly command: "rollback"; readonly steps: number }
    | { readonly command: "push"; readonly renames: readonly string[]; readonly acceptDataLoss: boolean }
    | {
        readonly command: "pull";
        readonly out: string | undefined;
        readonly url: string | undefined;
        readonly casing: PullCasing | undefined;
      }
    | { readonly command: "resolve"; readonly name: string; readonly as: "applied" | "rolled-back" }
  );

/** A command line relata cannot run: printed with the usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

const RENAME = "--rename <from=to>";
const RENAME_HELP = "A rename, not a drop and an add: model.field=model.field (repeatable)";
const DATA_LOSS = "--accept-data-loss";

/** The commands and their options, as `relata --help` lists them. */
function commands(): CAC {
  const cli = cac("relata");
  cli.option("--json", "Print one JSON document on stdout, for scripts");
  cli.option("--config <file>", "The config file (default: relata.config.ts in this folder)");
  cli.option("-h, --help", "Show help");
  cli.option("-v, --version", "Show the version");
  cli
    .command("init", "Write relata.config.ts, a schema file and the migrations folder")
    .option("--url <url>", "The database URL the config uses (default: $DATABASE_URL or sqlite:./dev.db)")
    .option("--schema <file>", "Where the schema lives (default: src/schema.ts)")
    .option("--dir <folder>", "The migrations folder (default: migrations)");
  cli
    .command("generate [name]", "Write a migration from the schema's changes; or prisma|drizzle|mermaid|dbml schema")
    .option(RENAME, RENAME_HELP)
    .option(DATA_LOSS, "Allow steps that drop columns or tables")
    .option("--out <file>", "generate prisma|drizzle|mermaid|dbml: write to a file instead of stdout");
  cli.command("migrate", "Apply the pending migrations");
  cli.command("rollback", "Roll back applied migrations, latest first").option("--steps <n>", "How many (default: 1)");
  cli.command("status", "Applied, pending, edited and half-applied migrations (exit 1 unless up to date)");
  cli.command("check", "How the database differs from the schema (exit 1 on drift)");
  cli
    .command("push", "Make the database match the schema without a migration (development)")
    .option(RENAME, RENAME_HELP)
    .option(DATA_LOSS, "Allow steps that drop columns or tables");
  cli
    .command("pull", "Write defineSchema code for an existing database")
    .option("--out <file>", "Write to a file instead of stdout")
    .option("--url <url>", "The database to read (default: the config's url)")
    .option(
      "--casing <casing>",
      `The schema's casing: ${PULL_CASINGS.join(", ")} (default: the one most columns follow)`,
    );
  cli.command("seed", "Run the seed script of the config");
  cli
    .command("resolve <name>", "Record how a half-applied migration was put right, or accept an edited one")
    .option("--applied", "All of it is in the database")
    .option("--rolled-back", "None of it is in the database");
  return cli;
}

/** Parses and checks a command line (without the node and script paths). */
export function parseArgv(argv: readonly string[]): Invocation {
  const cli = commands();
  let parsed: { args: readonly string[]; options: Record<string, unknown> };
  try {
    parsed = cli.parse(["node", "relata", ...argv], { run: false });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { args, options } = parsed;
  const common: CommonArgs = {
    json: options.json === true,
    config: optionalString(options, "config", "--config <file>"),
  };
  const matched = cli.matchedCommand;
  if (options.help === true || (argv.length === 0 && !matched)) {
    return { ...common, command: "help", print: () => cli.outputHelp() };
  }
  if (options.version === true && !matched) return { ...common, command: "version" };
  if (!matched) {
    const names = cli.commands.map((c) => c.name).join(", ");
    throw new UsageError(
      args[0] === undefined
        ? `No command given; commands: ${names}.`
        : `Unknown command "${args[0]}"; commands: ${names}.`,
    );
  }
  try {
    matched.checkUnknownOptions();
    matched.checkOptionValue();
    matched.checkRequiredArgs();
    matched.checkUnusedArgs();
  } catch (error) {
    throw new UsageError(
      `${(error as Error).message.replace(/`/g, "")} (relata ${matched.name} --help lists its options).`,
    );
  }
  switch (matched.name) {
    case "init":
      return {
        ...common,
        command: "init",
        url: optionalString(options, "url", "--url <url>"),
        schema: optionalString(options, "schema", "--schema <file>"),
        dir: optionalString(options, "dir", "--dir <folder>"),
      };
    case "generate":
      return generate(common, args[0], options);
    case "rollback":
      return { ...common, command: "rollback", steps: steps(options.steps) };
    case "push":
      return {
        ...common,
        command: "push",
        renames: renames(options.rename),
        acceptDataLoss: options.acceptDataLoss === true,
      };
    case "pull": {
      const casing = optionalString(options, "casing", "--casing <casing>");
      if (casing !== undefined && !PULL_CASINGS.includes(casing as PullCasing)) {
        throw new UsageError(`--casing takes one of ${PULL_CASINGS.join(", ")}; got "${casing}".`);
      }
      return {
        ...common,
        command: "pull",
        out: optionalString(options, "out", "--out <file>"),
        url: optionalString(options, "url", "--url <url>"),
        casing: casing as PullCasing | undefined,
      };
    }
    case "resolve": {
      const applied = options.applied === true;
      const rolledBack = options.rolledBack === true;
      if (applied === rolledBack) {
        throw new UsageError(
          `relata resolve ${args[0]} takes one of --applied (all of it is in the database) or --rolled-back (none of it is).`,
        );
      }
      return { ...common, command: "resolve", name: String(args[0]), as: applied ? "applied" : "rolled-back" };
    }
    default:
      return { ...common, command: matched.name as "migrate" | "status" | "check" | "seed" };
  }
}

function generate(common: CommonArgs, name: string | undefined, options: Record<string, unknown>): Invocation {
  const target = GENERATORS.find((g) => g === name);
  const out = optionalString(options, "out", "--out <file>");
  if (target) {
    const migrationOnly = [options.rename !== undefined && "--rename", options.acceptDataLoss === true && DATA_LOSS];
    const given = migrationOnly.filter((flag) => flag !== false);
    if (given.length > 0) {
      throw new UsageError(
        `${given.join(" and ")} appl${given.length === 1 ? "ies" : "y"} to migrations (relata generate [name]), not to generate ${target}.`,
      );
    }
    return { ...common, command: "generate-schema", target, out };
  }
  if (out !== undefined) {
    throw new UsageError(
      `--out applies to generate ${GENERATORS.join("|")}; a migration is written to the migrations folder.`,
    );
  }
  if (name !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) {
    throw new UsageError(
      `A migration name is letters, digits, "_" and "-" (it names a folder), got "${name}": relata generate add_post_tags.`,
    );
  }
  return {
    ...common,
    command: "generate",
    name,
    renames: renames(options.rename),
    acceptDataLoss: options.acceptDataLoss === true,
  };
}

/** `--rename post.title=post.headline`, once per rename. */
function renames(value: unknown): string[] {
  if (value === undefined) return [];
  const list = (Array.isArray(value) ? value : [value]).map(String);
  for (const rename of list) {
    if (!/^[^=\s]+=[^=\s]+$/.test(rename)) {
      throw new UsageError(`--rename takes from=to, such as --rename post.title=post.headline; got "${rename}".`);
    }
  }
  return list;
}

function steps(value: unknown): number {
  if (value === undefined) return 1;
  const n = typeof value === "number" ? value : Number(String(value));
  if (!Number.isInteger(n) || n < 1 || Array.isArray(value)) {
    throw new UsageError(
      `--steps takes a whole number of at least 1, such as --steps 2; got ${JSON.stringify(value)}.`,
    );
  }
  return n;
}

function optionalString(options: Record<string, unknown>, key: string, flag: string): string | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  if (Array.isArray(value)) throw new UsageError(`${flag.split(" ")[0]} is given more than once.`);
  if (typeof value === "boolean" || String(value).trim() === "") throw new UsageError(`${flag} needs a value.`);
  return String(value);
}
