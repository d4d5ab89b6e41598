import { expect } from "vitest";
import { caught } from "./caught.js";

/** What counting statements needs from a test database (`useTestDb`'s `count`). */
export interface Counter {
  count<T>(fn: () => Promise<T>): Promise<{ queries: number; result: T }>;
}

/** Statement-count assertions bound to one test database. */
export function statementHelpers(t: Counter) {
  /** What `fn` resolves to, asserting it took exactly `statements` statements. */
  const exactly = async <T>(statements: number, fn: () => Promise<T>): Promise<T> => {
    const { queries, result } = await t.count(fn);
    expect(queries).toBe(statements);
    return result;
  };
  /** The error `fn` fails with (a throw or a rejection), asserting no statement was sent. */
  const noSql = async (fn: () => unknown): Promise<any> => {
    const { queries, result } = await t.count(() => caught(fn));
    expect(queries).toBe(0);
    return result;
  };
  return { exactly, noSql };
}
