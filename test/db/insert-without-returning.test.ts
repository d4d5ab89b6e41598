import { describe, expect, it } from "vitest";
import { ModelHandle } from "../../src/api/model-handle.js";
import { mysqlProfile } from "../../src/dialect/mysql.js";
import { Session } from "../../src/dialect/session.js";
import { codecFor } from "../../src/plan/model-codec.js";
import { blog } from "../support/blog-schema.js";
import { dialect, useTestDb } from "../support/test-db.js";

/**
 * MySQL has no INSERT ... RETURNING (MariaDB 10.5+ has, and is what the suite usually runs
 * on): there inserts go row by row for their ids and the rows are read back. This runs that
 * path on the MySQL-family server whatever it supports.
 */
describe.runIf(dialect === "mysql")("inserts on a MySQL server without RETURNING", () => {
  const t = useTestDb(blog);
  const handle = <M extends "user" | "post" | "role">(model: M) => {
    const session = new Session(t.db.kysely, mysqlProfile, blog, "query", 0, { returning: Promise.resolve(false) });
    return new ModelHandle<typeof blog, M>({ session, codec: codecFor(session, model) });
  };

  it("create: insert, then the row read back by its new id", async () => {
    const { queries, result } = await t.count(() => handle("user").create({ email: "ada@n.dev", name: "Ada" }));
    expect(queries).toBe(2);
    expect(result).toEqual(await t.db.user.findOrFail(result.id));
    expect(result).toMatchObject({ email: "ada@n.dev", name: "Ada", active: true, age: null });
  });

  it("createMany: one insert per row inside a transaction, one read back, rows in input order", async () => {
    const input = ["c", "a", "b"].map((n) => ({ email: `${n}@n.dev`, name: n.toUpperCase() }));
    const { queries, result } = await t.count(() => handle("user").createMany(input));
    expect(queries).toBe(6); // begin, 3 inserts, select, commit
    expect(result.map((u) => u.email)).toEqual(input.map((u) => u.email));
    expect(new Set(result.map((u) => u.id)).size).toBe(3);
    for (const row of result) expect(await t.db.user.findOrFail(row.id)).toEqual(row);
  });

  it("a nested graph write takes the same path and comes back whole", async () => {
    const [admin] = await t.db.role.createMany([{ name: "admin" }]);
    const user = await handle("user").create({
      email: "graph@n.dev",
      name: "Graph",
      posts: { create: [{ title: "one" }, { title: "two" }] },
      roles: { connect: { [admin!.id]: { grantedBy: "root" } } },
    });
    expect(user.posts.map((p) => p.title)).toEqual(["one", "two"]);
    expect(user.roles.map((r) => [r.name, r.pivot.grantedBy])).toEqual([["admin", "root"]]);
    const [read] = await t.db.user.where("id", user.id).with("posts", "roles").get();
    expect(read).toEqual(user);
  });
});
