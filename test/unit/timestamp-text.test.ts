import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeTimestamp, timestampTime } from "../../src/dialect/codecs.js";

/**
 * timestampTime reads timestamp text by hand; it must give Date.parse's instant for every text
 * it accepts, and NaN (the caller's own parse) for everything else.
 */
const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** The ISO-8601 form Date.parse reads of the same instant: a `T`, an offset with minutes. */
const asIso = (text: string) => {
  const iso = `${text.slice(0, 10)}T${text.slice(11)}`;
  return /[+-]\d\d$/.test(iso) ? `${iso}:00` : iso;
};

const texts = fc
  .record({
    year: fc.integer({ min: 100, max: 9999 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
    fraction: fc.option(fc.stringMatching(/^\d{1,6}$/), { nil: undefined }),
    separator: fc.constantFrom("T", " "),
    zone: fc.oneof(
      fc.constant("Z"),
      fc
        .record({
          sign: fc.constantFrom("+", "-"),
          hours: fc.integer({ min: 0, max: 14 }),
          minutes: fc.constantFrom(0, 30, 45),
        })
        .map(({ sign, hours, minutes }) => `${sign}${pad(hours, 2)}${minutes === 0 ? "" : `:${pad(minutes, 2)}`}`),
    ),
  })
  .map(
    (t) =>
      `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}${t.separator}${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}${t.fraction === undefined ? "" : `.${t.fraction}`}${t.zone}`,
  );

describe("timestamp text read by hand", () => {
  it("gives Date.parse's instant for PostgreSQL's and toISOString's forms", () => {
    fc.assert(
      fc.property(texts, (text) => {
        expect([text, timestampTime(text, false)]).toEqual([text, Date.parse(asIso(text))]);
        expect([text, (decodeTimestamp(text) as Date).getTime()]).toEqual([text, Date.parse(asIso(text))]);
      }),
      { numRuns: 2000 },
    );
    for (const date of [new Date(0), new Date(-1), new Date(Date.UTC(2024, 1, 29, 23, 59, 59, 999))]) {
      expect(timestampTime(date.toISOString(), false)).toBe(date.getTime());
    }
  });

  it("reads text without a zone as UTC only when told to", () => {
    expect(timestampTime("2024-01-02 03:04:05", true)).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(timestampTime("2024-01-02T03:04:05.5", true)).toBe(Date.UTC(2024, 0, 2, 3, 4, 5, 500));
    expect(timestampTime("2024-01-02 03:04:05", false)).toBeNaN();
  });

  it("leaves every other text to the caller (NaN)", () => {
    for (const text of [
      "0099-01-02 03:04:05+00", // Date.UTC reads years 0-99 as 1900-1999
      "12000-01-01 00:00:00+00",
      "0044-03-15 12:00:00+00 BC",
      "1850-01-01 00:00:00+00:19:32", // an offset with seconds
      "infinity",
      "2024-13-01 00:00:00+00",
      "2024-01-32 00:00:00+00",
      "2024-01-01 24:00:00+00",
      "2024-01-01 00:60:00+00",
      "2024-01-01 00:00:60+00",
      "2024-01-01 00:00:00.+00",
      "2024-01-01 00:00:00.1234567+00",
      "2024-01-01 00:00:00+0",
      "2024-01-01 00:00:00+0530",
      "2024-01-01 00:00:00+05:3x",
      "2024-01-01 00:00:00Zx",
      "2024-1-01 00:00:00+00",
      "2024-01-01",
      "x024-01-01 00:00:00+00",
      "",
    ]) {
      expect([text, timestampTime(text, true)]).toEqual([text, Number.NaN]);
    }
  });

  it("decodeTimestamp still reads what only Date.parse reads", () => {
    expect((decodeTimestamp("2024-01-02") as Date).getTime()).toBe(Date.UTC(2024, 0, 2));
    expect((decodeTimestamp("2024-01-02 03:04:05+0530") as Date).getTime()).toBe(
      Date.parse("2024-01-02T03:04:05+05:30"),
    );
  });
});
