/**
 * Generates the three Prisma clients (one per provider) the prisma contender imports, into
 * bench/generated/prisma-<provider>/, offline. Run from bench/: `npx tsx src/contenders/prisma/generate.ts`
 * (`--force` regenerates even if up to date).
 *
 * The Prisma CLI makes sure its schema-engine binary is present before any command and would
 * download it, but `prisma generate` never runs it (the client generator is WebAssembly, and a
 * client with a driver adapter needs no engine at run time), so pointing
 * PRISMA_SCHEMA_ENGINE_BINARY at any existing file lets generation work without the network.
 * A client is skipped when a stamp (schema text + Prisma version) says it is current.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const bench = join(here, "..", "..", "..");
const require = createRequire(import.meta.url);
const cli = require.resolve("prisma/build/index.js");
const version: string = JSON.parse(readFileSync(join(dirname(cli), "..", "package.json"), "utf8")).version;
const force = process.argv.includes("--force");

for (const provider of ["sqlite", "postgresql", "mysql"]) {
  const schema = join(here, `${provider}.prisma`);
  const output = join(bench, "generated", `prisma-${provider}`);
  const stampFile = join(output, ".stamp");
  const stamp = createHash("sha256").update(version).update(readFileSync(schema)).digest("hex");
  if (
    !force &&
    existsSync(join(output, "client.ts")) &&
    existsSync(stampFile) &&
    readFileSync(stampFile, "utf8") === stamp
  ) {
    console.log(`prisma-${provider}: up to date`);
    continue;
  }
  execFileSync(process.execPath, [cli, "generate", "--schema", relative(bench, schema)], {
    cwd: bench,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
      CHECKPOINT_DISABLE: "1",
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
    },
  });
  writeFileSync(stampFile, stamp);
  console.log(`prisma-${provider}: generated (Prisma ${version})`);
}
