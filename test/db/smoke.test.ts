import { describe, expect, it } from "vitest";
import { blog } from "../support/blog-schema.js";
import { dialect, returning, useTestDb } from "../support/test-db.js";

describe(`blog schema on ${dialect}`, () => {
  const t = useTestDb(blog);

  it("creates a user and reads it back in two statements", async () => {
    const { queries, result } = await t.count(async () => {
      const created = await t.db.user.create({ email: "ada@example.dev", name: "Ada" });
      return { created, found: await t.db.user.find(created.id) };
    });
    expect(result.found).toEqual(result.created);
    expect(result.created.active).toBe(true);
    expect(result.created.createdAt).toBeInstanceOf(Date);
    expect(queries).toBe(returning ? 2 : 3); // MySQL has no RETURNING: insert, then select
  });
});
