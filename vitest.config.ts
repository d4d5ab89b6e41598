import { defineConfig } from "vitest/config";
import { availableDialects } from "./test/support/dialects.js";

/**
 * One suite, every dialect: test/db runs once per available database (SQLite always;
 * PostgreSQL and MariaDB/MySQL when RELATA_PG_URL / RELATA_MYSQL_URL are set), test/unit once,
 * and the eager-loading suites once more per database with the "join" loading strategy.
 */
export default defineConfig({
  test: {
    globalSetup: ["test/support/global-setup.ts"],
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"] } },
      ...availableDialects().map(({ name }) => ({
        test: {
          name,
          include: ["test/db/**/*.test.ts"],
          env: { RELATA_TEST_DIALECT: name, RELATA_TEST_STRATEGY: "query" },
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      })),
      // The eager-loading suites again, loading through the single-statement "join" strategy:
      // both strategies must give the same results.
      ...availableDialects().map(({ name }) => ({
        test: {
          name: `${name}-join`,
          include: ["test/db/eager-*.test.ts"],
          env: { RELATA_TEST_DIALECT: name, RELATA_TEST_STRATEGY: "join" },
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      })),
    ],
  },
});
