import { returningSince } from "../../src/dialect/mysql.js";
import { availableDialects, skippedDialects } from "./dialects.js";

/**
 * Whether the MySQL-family server has INSERT ... RETURNING (MariaDB 10.5+): statement counts
 * of writes depend on it. Test processes read it as RELATA_TEST_MYSQL_RETURNING.
 */
async function learnReturning(): Promise<void> {
  const target = availableDialects().find((d) => d.name === "mysql");
  if (!target) return;
  const mysql = await import("mysql2/promise");
  const connection = await mysql.createConnection({ uri: target.url });
  try {
    const [rows] = await connection.query("select version() as version");
    const version = String((rows as { version: string }[])[0]?.version ?? "");
    process.env.RELATA_TEST_MYSQL_RETURNING = returningSince(version) ? "1" : "0";
  } finally {
    await connection.end();
  }
}

/** Under CI a missing database fails the run; elsewhere the run says what it skipped. */
export default async function setup() {
  const skipped = skippedDialects();
  await learnReturning();
  if (process.env.CI === "true" && skipped.length > 0) {
    throw new Error(
      `CI=true but ${skipped.map((s) => `${s.label} (${s.env})`).join(" and ")} ${skipped.length === 1 ? "is" : "are"} not configured: every dialect must run in CI.`,
    );
  }
  return () => {
    const ran = availableDialects().map((d) => d.name);
    const note = skipped.length
      ? `; skipped ${skipped.map((s) => `${s.label} (set ${s.env} to run it)`).join(", ")}`
      : "";
    console.log(`\nrelata: database tests ran on ${ran.join(", ")}${note}.\n`);
  };
}
