import { describe, expect, it } from "vitest";
import { returningSince } from "../../src/dialect/mysql.js";

describe("returningSince: which MySQL-family servers have INSERT ... RETURNING", () => {
  it("MariaDB from 10.5 on", () => {
    expect(returningSince("10.11.19-MariaDB-0+deb12u1")).toBe(true);
    expect(returningSince("10.5.0-MariaDB")).toBe(true);
    expect(returningSince("11.4.2-MariaDB-ubu2404")).toBe(true);
    expect(returningSince("10.4.34-MariaDB")).toBe(false);
  });
  it("never MySQL, nor an unreadable version", () => {
    expect(returningSince("8.0.39")).toBe(false);
    expect(returningSince("8.4.2-0ubuntu")).toBe(false);
    expect(returningSince("")).toBe(false);
  });
});
