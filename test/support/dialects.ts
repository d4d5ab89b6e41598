import type { DialectName } from "../../src/index.js";

export interface TestDialect {
  readonly name: DialectName;
  /** Where the suite connects; each test file gets its own schema/database inside it. */
  readonly url: string;
}

const servers: readonly { name: DialectName; env: string; label: string }[] = [
  { name: "postgres", env: "RELATA_PG_URL", label: "PostgreSQL" },
  { name: "mysql", env: "RELATA_MYSQL_URL", label: "MySQL/MariaDB" },
];

/** SQLite always; a server dialect when its URL variable is set. */
export function availableDialects(): TestDialect[] {
  const found: TestDialect[] = [{ name: "sqlite", url: "sqlite::memory:" }];
  for (const server of servers) {
    const url = process.env[server.env];
    if (url) found.push({ name: server.name, url });
  }
  return found;
}

/** The server dialects left out of this run, with the variable that would enable each. */
export function skippedDialects(): { label: string; env: string }[] {
  return servers.filter((s) => !process.env[s.env]).map(({ label, env }) => ({ label, env }));
}
