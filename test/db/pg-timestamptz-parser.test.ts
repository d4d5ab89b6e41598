import { sql } from "kysely";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { defineSchema, id, model } from "../../src/index.js";
import { dialect, useTestDb } from "../support/test-db.js";

/**
 * relata reads PostgreSQL's timestamptz text with its own parser (timestampTime, by hand)
 * and leaves what it does not recognise to pg's: every value must be the instant pg's own
 * parser gives, in any session time zone.
 */
const schema = defineSchema({ thing: model({ table: "tz_things", fields: { id: id() } }) });

const VALUES = [
  "2024-01-02 03:04:05+00",
  "2024-01-02 03:04:05.1+00",
  "2024-02-29 23:59:59.12+00",
  "2000-01-01 00:00:00.12345+00",
  "2024-01-02 03:04:05.123456+00",
  "2024-01-02 03:04:05.999999+00",
  "1969-12-31 23:59:59.999+00",
  "0099-01-02 03:04:05+00",
  "1000-06-30 12:00:00+00",
  "9999-12-31 23:59:59.999+00",
  "0044-03-15 12:00:00+00 BC",
  "12000-01-01 00:00:00+00",
  "1850-01-01 00:00:00+00",
  "infinity",
  "-infinity",
];
// Kolkata: +05:30; St John's: -03:30 (-02:30 in summer); Kathmandu +05:45; a zone whose old dates carry seconds.
const ZONES = ["UTC", "Asia/Kolkata", "America/St_Johns", "Asia/Kathmandu", "Europe/Amsterdam", "America/Los_Angeles"];

describe.runIf(dialect === "postgres")(`timestamptz text read by relata's parser on ${dialect}`, () => {
  const t = useTestDb(schema);

  it("every value in every session time zone is the instant pg's parser gives", async () => {
    const client = new pg.Client({ connectionString: t.url });
    await client.connect();
    try {
      const select = `select ${VALUES.map((v, i) => `'${v}'::timestamptz as v${i}`).join(", ")}`;
      for (const zone of ZONES) {
        await client.query(`set time zone '${zone}'`);
        const expected = (await client.query(select)).rows[0];
        const texts = (
          await client.query({ text: select, rowMode: "array", types: { getTypeParser: () => (v: string) => v } })
        ).rows[0] as string[];
        const got = await t.db.transaction(async (tx) => {
          await sql.raw(`set local time zone '${zone}'`).execute(tx.kysely);
          return (await sql.raw(select).execute(tx.kysely)).rows[0] as Record<string, unknown>;
        });
        VALUES.forEach((_, i) => {
          const [want, have] = [expected[`v${i}`], got[`v${i}`]];
          const shown = `${zone} ${texts[i]}`;
          if (want instanceof Date) expect([shown, (have as Date).getTime()]).toEqual([shown, want.getTime()]);
          else expect([shown, have]).toEqual([shown, want]);
        });
      }
    } finally {
      await client.end();
    }
  });
});
