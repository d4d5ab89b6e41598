import { relative } from "node:path";
import { createMigrationRunner, type MigrationInfo, type MigrationRunner } from "../migrate/runner.js";
import type { Invocation } from "./args.js";
import type { Output, Step } from "./output.js";
import { connect, type Project } from "./project.js";

/** Runs `fn` with a migration runner on the project's database, reporting each migration as it runs. */
async function withRunner<T>(project: Project, out: Output, fn: (runner: MigrationRunner) => Promise<T>): Promise<T> {
  const connection = await connect(project.url, project.schema);
  const steps = new Map<string, { step: Promise<Step>; started: number; verb: string }>();
  try {
    const runner = createMigrationRunner({
      kysely: connection.kysely,
      dialect: project.dialect,
      dir: project.migrationsDir,
      casing: project.schema.options.casing,
      importFile: project.importFile,
      onProgress: ({ name, direction, phase }) => {
        const verb = direction === "up" ? "applying" : "rolling back";
        if (phase === "start") {
          steps.set(name, { step: out.step(`${verb} ${name}`), started: Date.now(), verb });
          return;
        }
        const running = steps.get(name);
        steps.delete(name);
        const ms = running ? Date.now() - running.started : 0;
        void running?.step.then((s) =>
          s.done(`${direction === "up" ? "applied" : "rolled back"} ${name} ${out.color.dim(`(${ms} ms)`)}`),
        );
      },
    });
    return await fn(runner);
  } finally {
    for (const [name, { step, verb }] of steps) (await step).fail(`${verb} ${name} did not finish`);
    await connection.close();
  }
}

export async function migrate(project: Project, out: Output): Promise<number> {
  const { names } = await withRunner(project, out, (runner) => runner.migrate());
  if (names.length === 0) out.success("The database is up to date: no pending migration.");
  else out.success(`Applied ${names.length} migration${names.length === 1 ? "" : "s"}.`);
  out.result({ ok: true, applied: names });
  return 0;
}

export async function rollback(
  project: Project,
  args: Extract<Invocation, { command: "rollback" }>,
  out: Output,
): Promise<number> {
  const { names } = await withRunner(project, out, (runner) => runner.rollback(args.steps));
  if (names.length === 0) out.success("No migration is applied: nothing to roll back.");
  else out.success(`Rolled back ${names.length} migration${names.length === 1 ? "" : "s"}.`);
  out.result({ ok: true, rolledBack: names });
  return 0;
}

export async function resolveMigration(
  project: Project,
  args: Extract<Invocation, { command: "resolve" }>,
  out: Output,
): Promise<number> {
  await withRunner(project, out, (runner) => runner.resolve(args.name, args.as));
  out.success(`Recorded ${args.name} as ${args.as}.`);
  out.result({ ok: true, name: args.name, as: args.as });
  return 0;
}

/** `relata status`: every migration and its state; exit 1 unless everything is applied and unchanged. */
export async function status(project: Project, out: Output): Promise<number> {
  const status = await withRunner(project, out, (runner) => runner.status());
  const { color } = out;
  const dir = relative(project.root, project.migrationsDir) || ".";
  if (status.migrations.length === 0) out.info(`No migrations in ${dir} yet: relata generate <name> writes one.`);
  for (const m of status.migrations) out.line(`${mark(m, out)} ${m.name}  ${color.dim(describe(m))}`);
  const pending = status.migrations.filter((m) => m.state === "pending").length;
  if (status.problems.length > 0) {
    out.line();
    for (const problem of status.problems) out.error(problem);
  } else if (pending > 0) {
    out.line();
    out.info(`${pending} pending migration${pending === 1 ? "" : "s"}: relata migrate applies them.`);
  } else if (status.migrations.length > 0) {
    out.line();
    out.success("The database is up to date.");
  }
  out.result({
    ok: status.upToDate,
    upToDate: status.upToDate,
    migrations: status.migrations.map(({ name, state, appliedAt, edited, problem, file }) => ({
      name,
      state,
      appliedAt: appliedAt ?? null,
      edited,
      problem: problem ?? null,
      file: file === undefined ? null : relative(project.root, file),
    })),
    problems: status.problems,
  });
  return status.upToDate ? 0 : 1;
}

function mark(m: MigrationInfo, out: Output): string {
  const { color } = out;
  if (m.problem !== undefined) return color.red("✗");
  return m.state === "applied" ? color.green("✓") : color.yellow("○");
}

function describe(m: MigrationInfo): string {
  if (m.state === "applied") return `applied ${m.appliedAt ?? ""}${m.edited ? ", edited since" : ""}`;
  return m.state;
}
