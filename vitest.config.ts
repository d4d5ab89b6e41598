import { defineConfig } from "vitest/config";
import { availableDialects } from "./test/support/dialects.js";

/**
 * One suite, every dialect: test/db runs once per available database (SQLite always;
 * PostgreSQL and MariaDB/MySQL when RELATA_PG_URL / RELATA_MYSQL_URL are set), test/unit once.
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
          env: { RELATA_TEST_DIALECT: name },
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      })),
    ],
  },
});
