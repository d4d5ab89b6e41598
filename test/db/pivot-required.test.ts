import { beforeEach, describe, expect, it } from "vitest";
import { belongsToMany, defineSchema, id, model, string, timestamp, ValidationError } from "../../src/index.js";
import { caught } from "../support/caught.js";
import { dialect, useTestDb } from "../support/test-db.js";

/**
 * A pivot field that is not nullable and has no default must be given for every new pivot row:
 * attach, sync's attached keys and a nested connect name it, as a ValidationError before the
 * INSERT (not the database's NOT NULL error), and nothing is written.
 */
const schema = defineSchema({
  member: model({
    table: "req_members",
    fields: { id: id(), name: string() },
    relations: {
      roles: belongsToMany("role", { table: "req_member_role", pivotFields: { grantedAt: timestamp() } }),
    },
  }),
  role: model({ table: "req_roles", fields: { id: id(), name: string() } }),
});

describe(`required pivot fields on ${dialect}`, () => {
  const t = useTestDb(schema);
  let admin: { id: number };
  let editor: { id: number };

  beforeEach(async () => {
    await t.truncate();
    admin = await t.db.role.create({ name: "admin" });
    editor = await t.db.role.create({ name: "editor" });
  });

  const pivotRows = () => t.db.kysely.selectFrom("req_member_role").selectAll().execute();

  it("attach without the field is a ValidationError naming it, and writes nothing", async () => {
    const ada = await t.db.member.create({ name: "Ada" });
    const error = await caught(() => t.db.member.related(ada, "roles").attach([admin.id, editor.id]));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(/pivot field "grantedAt" is required \(not nullable, no default\)/);
    expect(error.field).toBe("grantedAt");
    expect(await pivotRows()).toEqual([]);
    // With the value, for all the keys or per key, it attaches.
    const grantedAt = new Date("2026-01-02T03:04:05Z");
    await t.db.member.related(ada, "roles").attach([admin.id], { grantedAt });
    await t.db.member.related(ada, "roles").attach({ [editor.id]: { grantedAt } });
    expect(await pivotRows()).toHaveLength(2);
  });

  it("a key of a map left without it is named, even when another key has it", async () => {
    const ada = await t.db.member.create({ name: "Ada" });
    const error = await caught(() =>
      t.db.member.related(ada, "roles").attach({ [admin.id]: { grantedAt: new Date() }, [editor.id]: {} }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain(`Cannot attach ${editor.id} to`);
    expect(await pivotRows()).toEqual([]);
  });

  it("sync: a key it attaches needs the field; one it keeps does not", async () => {
    const ada = await t.db.member.create({ name: "Ada" });
    await t.db.member.related(ada, "roles").attach([admin.id], { grantedAt: new Date() });
    const error = await caught(() => t.db.member.related(ada, "roles").sync([admin.id, editor.id]));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(/"grantedAt" is required/);
    expect(await pivotRows()).toHaveLength(1);
    // Keeping the attached key needs no value.
    expect((await t.db.member.related(ada, "roles").sync([admin.id])).attached).toEqual([]);
  });

  it("a nested create connecting without it creates nothing", async () => {
    const error = await caught(() => t.db.member.create({ name: "Bob", roles: { connect: [admin.id] } }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(/"grantedAt" is required/);
    expect(await t.db.member.count()).toBe(0);
    expect(await pivotRows()).toEqual([]);
  });
});
