import { readFileSync } from "node:fs";
import { Readable, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { type Invocation, parseArgv, UsageError } from "../../src/cli/args.js";
import { run } from "../../src/cli/main.js";

/** The usage error a command line gives. */
function usageError(...argv: string[]): string {
  try {
    parseArgv(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`relata ${argv.join(" ")} parsed without an error`);
}

class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Runs the CLI in this process, off a terminal. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await run(argv, { stdout, stderr, stdin: Readable.from([]), env: {}, cwd: process.cwd() });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe("relata command lines", () => {
  it("parses each command with its options", () => {
    const parsed = (...argv: string[]) => {
      const { print: _print, ...rest } = parseArgv(argv) as Invocation & { print?: unknown };
      return rest;
    };
    expect(parsed("migrate")).toEqual({ command: "migrate", json: false, config: undefined });
    expect(parsed("status", "--json", "--config", "db/relata.config.ts")).toEqual({
      command: "status",
      json: true,
      config: "db/relata.config.ts",
    });
    expect(parsed("rollback")).toMatchObject({ command: "rollback", steps: 1 });
    expect(parsed("rollback", "--steps", "3")).toMatchObject({ command: "rollback", steps: 3 });
    expect(parsed("rollback", "--steps=2")).toMatchObject({ steps: 2 });
    expect(parsed("generate")).toMatchObject({
      command: "generate",
      name: undefined,
      renames: [],
      acceptDataLoss: false,
    });
    expect(
      parsed(
        "generate",
        "rename_title",
        "--rename",
        "post.title=post.headline",
        "--rename",
        "tags=tag",
        "--accept-data-loss",
      ),
    ).toMatchObject({
      command: "generate",
      name: "rename_title",
      renames: ["post.title=post.headline", "tags=tag"],
      acceptDataLoss: true,
    });
    expect(parsed("generate", "prisma", "--out", "prisma/schema.prisma")).toMatchObject({
      command: "generate-schema",
      target: "prisma",
      out: "prisma/schema.prisma",
    });
    expect(parsed("generate", "mermaid")).toMatchObject({
      command: "generate-schema",
      target: "mermaid",
      out: undefined,
    });
    expect(parsed("push", "--accept-data-loss")).toMatchObject({ command: "push", acceptDataLoss: true, renames: [] });
    expect(parsed("pull", "--out", "src/schema.ts", "--casing", "snake_case")).toMatchObject({
      command: "pull",
      out: "src/schema.ts",
      casing: "snake_case",
    });
    expect(parsed("resolve", "20240101_init", "--rolled-back")).toMatchObject({
      command: "resolve",
      name: "20240101_init",
      as: "rolled-back",
    });
    expect(parsed("init", "--url", "postgres://localhost/app")).toMatchObject({
      command: "init",
      url: "postgres://localhost/app",
    });
    expect(parsed().command).toBe("help");
    expect(parsed("migrate", "--help").command).toBe("help");
    expect(parsed("--version").command).toBe("version");
  });

  it("an unknown command or option names what exists", () => {
    expect(usageError("migrat")).toBe(
      `Unknown command "migrat"; commands: init, generate, migrate, rollback, status, check, push, pull, seed, resolve.`,
    );
    expect(usageError("migrate", "--force")).toBe("Unknown option --force (relata migrate --help lists its options).");
    expect(usageError("status", "--steps", "2")).toContain("Unknown option --steps");
    expect(usageError("migrate", "now")).toContain("Unused args: now");
  });

  it("--steps is a whole number of at least 1", () => {
    for (const bad of ["0", "-1", "1.5", "abc"]) expect(usageError("rollback", `--steps=${bad}`)).toMatch(/--steps/);
    expect(usageError("rollback", "--steps")).toContain("value is missing");
    expect(usageError("rollback", "--steps", "2", "--steps", "3")).toContain("--steps takes a whole number");
  });

  it("--rename is from=to; migration flags do not go with schema generators, --out goes with nothing else", () => {
    expect(usageError("generate", "--rename", "title")).toBe(
      `--rename takes from=to, such as --rename post.title=post.headline; got "title".`,
    );
    expect(usageError("generate", "--rename", "a=b=c")).toContain("--rename takes from=to");
    expect(usageError("generate", "prisma", "--rename", "post.title=post.headline")).toBe(
      "--rename applies to migrations (relata generate [name]), not to generate prisma.",
    );
    expect(usageError("generate", "dbml", "--accept-data-loss")).toContain("not to generate dbml");
    expect(usageError("generate", "add_tags", "--out", "x.ts")).toContain("--out applies to generate prisma|drizzle");
    expect(usageError("generate", "../escape")).toContain("A migration name is letters, digits");
    expect(usageError("generate", "prisma", "drizzle")).toContain("Unused args: drizzle");
  });

  it("resolve needs a name and one outcome; pull a known casing; --config a value", () => {
    expect(usageError("resolve", "20240101_init")).toContain("one of --applied");
    expect(usageError("resolve", "20240101_init", "--applied", "--rolled-back")).toContain("one of --applied");
    expect(usageError("resolve", "--applied")).toContain("missing required args");
    expect(usageError("pull", "--casing", "kebab")).toBe(
      `--casing takes one of snake_case, camelCase, PascalCase, preserve; got "kebab".`,
    );
    expect(usageError("status", "--config")).toBe("--config <file> needs a value.");
  });

  it("the CLI exits 2 on a usage error, printing it (or a JSON document) without a stack", async () => {
    const text = await cli("rollback", "--steps", "zero");
    expect(text.code).toBe(2);
    expect(text.stdout).toBe("");
    expect(text.stderr).toContain("--steps takes a whole number");
    expect(text.stderr).toContain("relata --help");
    expect(text.stderr).not.toContain("\u001b[");
    expect(text.stderr).not.toMatch(/^\s+at /m);

    const json = await cli("frobnicate", "--json");
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({
      ok: false,
      error: { name: "UsageError", message: expect.stringContaining(`Unknown command "frobnicate"`) },
    });
  });

  it("a command outside a project says how to start one (exit 1)", async () => {
    const result = await cli("status", "--config", "no/such/relata.config.ts");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("does not exist");
  });
});

describe("the relata bin", () => {
  it("is the build of src/cli/bin.ts, a node script, and the runtime entry does not load the CLI", () => {
    const root = new URL("../../", import.meta.url);
    const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));
    expect(pkg.bin).toEqual({ relata: "./dist/cli/bin.js" });
    expect(readFileSync(new URL("src/cli/bin.ts", root), "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    for (const library of ["cac", "jiti", "@clack/prompts", "picocolors"])
      expect(pkg.dependencies[library]).toBeDefined();
    expect(readFileSync(new URL("src/index.ts", root), "utf8")).not.toMatch(/from "\.\/cli\//);
  });
});
