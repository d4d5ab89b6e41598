/**
 * Runs a generated relata program once on in-memory SQLite (child process of run.ts:
 * `tsx verify-relata.ts <dir>`): defineSchema accepts the schema, push() creates it, and every
 * query runs, so the benchmark measures code that works, not only code that compiles.
 * One user per cluster is created first, as the create queries point at user 1.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";

type Handle = { create(values: Record<string, unknown>): Promise<unknown> };
const dir = process.argv[2]!;
const { db } = (await import(pathToFileURL(join(dir, "db.ts")).href)) as {
  db: Record<string, Handle> & { push(): Promise<void>; destroy(): Promise<void> };
};
const queries = (await import(pathToFileURL(join(dir, "queries.ts")).href)) as Record<string, () => Promise<unknown>>;

await db.push();
for (const name of Object.keys(db).filter((key) => /^user\d+$/.test(key))) {
  await db[name]!.create({ email: `${name}@example.dev`, name });
}
for (const [name, query] of Object.entries(queries)) {
  try {
    await query();
  } catch (error) {
    throw new Error(`${name} failed: ${(error as Error).message}`);
  }
}
await db.destroy();
console.log(`${Object.keys(queries).length} queries ran`);
