import { describe, expect, it } from "vitest";
import { UniqueConstraintError, ValidationError } from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { dialect, returning, useTestDb } from "../support/test-db.js";

describe(`db.<model>.firstOrCreate / updateOrCreate on ${dialect}`, () => {
  const t = useTestDb(blog);

  it("firstOrCreate finds the matching row, or creates it from both sets of values", async () => {
    const created = await t.db.user.firstOrCreate({ email: "ada@u.dev" }, { name: "Ada" });
    expect(created).toMatchObject({ email: "ada@u.dev", name: "Ada", active: true });
    const found = await t.db.user.firstOrCreate({ email: "ada@u.dev" }, { name: "Someone else" });
    expect(found).toEqual(created);
    expect(await t.db.user.where("email", "ada@u.dev").pluck("name")).toEqual(["Ada"]);
  });

  it("updateOrCreate updates the matching row, or creates one", async () => {
    const created = await t.db.user.updateOrCreate({ email: "bob@u.dev" }, { name: "Bob", age: 30 });
    expect(created).toMatchObject({ email: "bob@u.dev", name: "Bob", age: 30 });
    const updated = await t.db.user.updateOrCreate({ email: "bob@u.dev" }, { age: 31 });
    expect(updated).toEqual({ ...created, age: 31 });
    expect(await t.db.user.where("email", "bob@u.dev").count()).toBe(1);
    expect((await t.db.user.find(created.id))!.age).toBe(31);
  });

  it("each is one transaction: the lookup and the write, nothing else", async () => {
    const { queries, result } = await t.count(() => t.db.tag.firstOrCreate({ name: "sql" }));
    expect(result).toMatchObject({ name: "sql" });
    // begin, select, insert (MySQL without RETURNING: insert then select by id), commit
    expect(queries).toBe(returning ? 4 : 5);
    expect((await t.count(() => t.db.tag.firstOrCreate({ name: "sql" }))).queries).toBe(3);
  });

  it("bad attributes or values are ValidationErrors before any SQL", async () => {
    for (const call of [
      () => t.db.user.firstOrCreate({}),
      () => t.db.user.firstOrCreate({ nope: 1 } as never),
      () => t.db.user.updateOrCreate({ email: "x@u.dev" }, { age: "old" } as never),
    ]) {
      const { queries, result } = await t.count(() =>
        call().then(
          () => undefined,
          (e: unknown) => e,
        ),
      );
      expect(result).toBeInstanceOf(ValidationError);
      expect(queries).toBe(0);
    }
  });

  it("a failing create rolls back", async () => {
    await t.db.user.create({ email: "dup@u.dev", name: "Dup" });
    const before = await t.db.user.count();
    const error = await t.db.user.updateOrCreate({ name: "Nobody" }, { email: "dup@u.dev" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UniqueConstraintError);
    expect(await t.db.user.count()).toBe(before);
  });
});
