import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { RelataError } from "../errors.js";
import type { Invocation } from "./args.js";
import type { Output } from "./output.js";
import { CONFIG_FILES } from "./project.js";

type InitArgs = Extract<Invocation, { command: "init" }>;

const DEFAULT_URL = "sqlite:./dev.db";

/**
 * `relata init`: writes relata.config.ts, the migrations folder and, when there is none yet,
 * a schema file to start from. Refuses when a config exists (nothing is overwritten).
 */
export async function init(args: InitArgs, cwd: string, out: Output): Promise<number> {
  const existing = CONFIG_FILES.map((name) => join(cwd, name)).find((file) => existsSync(file));
  if (existing) {
    throw new RelataError(`${relative(cwd, existing)} already exists: relata init writes nothing over it.`);
  }
  const schemaPath = args.schema ?? "src/schema.ts";
  const dir = args.dir ?? "migrations";
  const schemaFile = resolve(cwd, schemaPath);
  const migrationsDir = resolve(cwd, dir);
  const configFile = join(cwd, "relata.config.ts");
  const written: string[] = [];

  await writeFile(configFile, configText(specifier(schemaPath), args.url ?? DEFAULT_URL, dir), { flag: "wx" });
  written.push(configFile);
  if (!existsSync(schemaFile)) {
    await mkdir(dirname(schemaFile), { recursive: true });
    await writeFile(schemaFile, SCHEMA_TEXT, { flag: "wx" });
    written.push(schemaFile);
  }
  if (!existsSync(migrationsDir)) {
    await mkdir(migrationsDir, { recursive: true });
    written.push(`${migrationsDir}/`);
  }

  const shown = written.map((file) => (file.endsWith("/") ? `${relative(cwd, file) || "."}/` : relative(cwd, file)));
  for (const file of shown) out.success(`wrote ${file}`);
  out.line();
  out.line(`Next: describe your models in ${relative(cwd, schemaFile)}, then`);
  out.line(`  ${out.color.cyan("relata generate init")}   write the first migration`);
  out.line(`  ${out.color.cyan("relata migrate")}         apply it`);
  out.result({ ok: true, files: shown });
  return 0;
}

/** `src/schema.ts` -> `"./src/schema.ts"`: a path the config resolves against its own folder. */
function specifier(path: string): string {
  const slashed = path.replace(/\\/g, "/");
  return slashed.startsWith(".") || slashed.startsWith("/") ? slashed : `./${slashed}`;
}

function configText(schema: string, url: string, dir: string): string {
  return `import { defineConfig } from "relata";

export default defineConfig({
  schema: ${JSON.stringify(schema)},
  url: process.env.DATABASE_URL ?? ${JSON.stringify(url)},
  migrations: { dir: ${JSON.stringify(dir.replace(/\\/g, "/"))} },
});
`;
}

const SCHEMA_TEXT = `import { defineSchema, id, model, string } from "relata";

/**
 * The application's models. After a change, \`relata generate <name>\` writes the migration
 * and \`relata migrate\` applies it.
 */
export const schema = defineSchema({
  user: model({
    fields: {
      id: id(),
      email: string().unique(),
    },
  }),
});
`;
