import { describe, expect, it } from "vitest";
import { createDb, defineSchema, id, introspect, model, string, timestamp } from "../../src/index.js";
import { dialect, isolatedUrl } from "../support/test-db.js";

/**
 * A timestamp without a time zone through the schema tools: `db.push({ alter: true })` (the
 * migration steps relata writes) creates the naive column type, and the database then
 * matches the schema (`db.check()` finds nothing).
 */
const schema = defineSchema(
  {
    visit: model({
      table: "visits",
      fields: {
        id: id(),
        page: string(),
        seenAt: timestamp({ withTimezone: false }).defaultNow(),
        leftAt: timestamp({ withTimezone: false }).nullable(),
        loggedAt: timestamp(),
      },
    }),
  },
  { casing: "snake_case" },
);

const naiveType = { sqlite: "text", postgres: "timestamp without time zone", mysql: "datetime(3)" }[dialect];

describe(`timestamps without a time zone through push({ alter: true }) on ${dialect}`, () => {
  it("creates the naive column, and the database matches the schema afterwards", async () => {
    const { url, drop } = await isolatedUrl();
    const db = createDb({ schema, url });
    try {
      const { applied } = await db.push({ alter: true });
      expect(applied?.map((change) => change.kind)).toEqual(["createTable"]);
      const table = (await introspect(db.kysely, dialect)).tables.get("visits")!;
      const types = Object.fromEntries(table.columns.map((column) => [column.name, column.type]));
      expect(types.seen_at).toBe(naiveType);
      expect(types.left_at).toBe(naiveType);
      expect((await db.check()).changes).toEqual([]);
      const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
      const row = await db.visit.create({ page: "/", leftAt: at, loggedAt: at });
      expect((await db.visit.find(row.id))!.leftAt!.getTime()).toBe(at.getTime());
      expect((await db.visit.find(row.id))!.seenAt).toBeInstanceOf(Date);
    } finally {
      await db.destroy();
      await drop();
    }
  });
});
