/**
 * Builds (or rebuilds) the bench database for one dialect and prints its URL, for running a
 * contender by hand: `npx tsx src/build.ts sqlite` then
 * `npx tsx src/child.ts <contender> sqlite <url> 1 S1,S2,S3,S4,S5,S6`.
 */
import type { Dialect } from "./contract.js";
import { buildDatabase, SERVERS } from "./dataset.js";

const dialect = (process.argv[2] ?? "sqlite") as Dialect;
console.log((await buildDatabase(dialect, SERVERS[dialect])).url);
