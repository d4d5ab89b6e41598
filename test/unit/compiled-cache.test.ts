import { CompiledQuery } from "kysely";
import { describe, expect, it } from "vitest";
import type { Session } from "../../src/dialect/session.js";
import { compileCached } from "../../src/plan/compiled-cache.js";

const session = () => ({ facts: {} }) as unknown as Session;
const compilable = (sql: string, parameters: unknown[]) => ({
  builds: 0,
  compile() {
    this.builds++;
    return CompiledQuery.raw(sql, parameters);
  },
});

describe("compileCached", () => {
  it("reuses a shape's SQL once a compile confirmed the extracted values, binding the new ones", () => {
    const s = session();
    const first = compilable("select ? , ?", [1, 2]);
    expect(compileCached(s, ["shape", [1, 2]], () => first).parameters).toEqual([1, 2]);
    const second = compilable("never", []);
    const reused = compileCached(s, ["shape", [3, 4]], () => second);
    expect(second.builds).toBe(0);
    expect(reused.sql).toBe("select ? , ?");
    expect(reused.parameters).toEqual([3, 4]);
  });

  it("does not cache when the values are alike (the order could have matched by chance)", () => {
    const s = session();
    compileCached(s, ["shape", [5, 5]], () => compilable("a", [5, 5]));
    const next = compilable("b", [1, 2]);
    expect(compileCached(s, ["shape", [1, 2]], () => next).sql).toBe("b");
    expect(next.builds).toBe(1);
  });

  it("never caches a shape whose extracted values differ from what Kysely bound", () => {
    const s = session();
    for (let i = 0; i < 5; i++) {
      const build = compilable("swapped", [i + 1, i]);
      expect(compileCached(s, ["shape", [i, i + 1]], () => build).parameters).toEqual([i + 1, i]);
      expect(build.builds).toBe(1);
    }
  });

  it("arrays and dates compare by content", () => {
    const s = session();
    compileCached(s, ["shape", [[1, 2], new Date(5)]], () => compilable("x", [[1, 2], new Date(5)]));
    const next = compilable("y", []);
    expect(compileCached(s, ["shape", [[3], new Date(6)]], () => next).sql).toBe("x");
    expect(next.builds).toBe(0);
  });
});
