/**
 * Builds (or rebuilds) the bench database for one dialect and prints its URL, for running a
 * contender by hand: `npx tsx src/build.ts sqlite` then
 * `npx tsx src/child.ts <contender> sqlite <url> 1 S1,S2,S3,S4,S5,S6`.
 */
import type { Dialect } from "./contract.js";
import { buildDatabase } from "./dataset.js";

const dialect = (process.argv[2] ?? "sqlite") as Dialect;
const servers: Record<Dialect, string> = {
  sqlite: "sqlite:",
  postgres: process.env.RELATA_PG_URL ?? "postgres://root@127.0.0.1:5432/test",
  mysql: process.env.RELATA_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test",
};
console.log((await buildDatabase(dialect, servers[dialect])).url);
