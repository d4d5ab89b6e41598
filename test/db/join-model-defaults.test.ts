import { beforeEach, describe, expect, it } from "vitest";
import {
  defineSchema,
  id,
  integer,
  json,
  manyToMany,
  model,
  string,
  timestamp,
  uuid,
  ValidationError,
} from "../../src/index.js";
import { caught } from "../support/caught.js";
import { useTestDb } from "../support/test-db.js";

/**
 * attach / sync / nested connects and creates through a many-to-many whose pivot is a declared
 * join model fill the join model's own create-time values: a `uuid().defaultRandom()` primary
 * key (which failed NOT NULL on every database), `.default(v)` of fields that are no pivot
 * fields, json defaults relata fills (no DDL default), and the model's timestamps.
 */
const schema = defineSchema({
  user: model({
    table: "users",
    fields: { id: id(), name: string() },
    relations: {
      teams: manyToMany("team", { through: "membership", from: "userId", to: "teamId", pivotFields: ["role"] }),
    },
  }),
  team: model({
    table: "teams",
    fields: { id: id(), name: string() },
    relations: { members: manyToMany("user", { through: "membership", from: "teamId", to: "userId" }) },
  }),
  membership: model({
    table: "memberships",
    fields: {
      id: uuid().defaultRandom().primary(),
      userId: integer().references("user.id", { onDelete: "cascade" }),
      teamId: integer().references("team.id", { onDelete: "cascade" }),
      role: string(20).default("member"),
      status: string(20).default("active"),
      settings: json<{ muted: boolean }>().default({ muted: false }),
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    timestamps: true,
    uniques: [["userId", "teamId"]],
  }),
  // A join model with a required field nothing fills: attach cannot write its rows.
  project: model({
    table: "projects",
    fields: { id: id(), name: string() },
    relations: { owners: manyToMany("user", { through: "ownership", from: "projectId", to: "userId" }) },
  }),
  ownership: model({
    table: "ownerships",
    fields: {
      id: uuid().defaultRandom().primary(),
      projectId: integer(),
      userId: integer(),
      share: integer(),
    },
  }),
});

const t = useTestDb(schema);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The membership rows as stored, read straight from the table, ordered by team. */
function memberships(userId: number) {
  return t.db.membership.where("userId", userId).orderBy("teamId").get();
}

function expectFilled(row: Awaited<ReturnType<typeof memberships>>[number], role = "member") {
  expect(row.id).toMatch(UUID);
  expect(row.role).toBe(role);
  expect(row.status).toBe("active");
  expect(row.settings).toEqual({ muted: false });
  expect(row.createdAt).toBeInstanceOf(Date);
  expect(row.updatedAt).toBeInstanceOf(Date);
  expect(Math.abs(row.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
}

describe("join model defaults", () => {
  beforeEach(() => t.truncate());

  it("attach fills the uuid key, defaults and timestamps, a fresh uuid per row", async () => {
    const ada = await t.db.user.create({ name: "Ada" });
    const [a, b, c] = await t.db.team.createMany([{ name: "A" }, { name: "B" }, { name: "C" }]);
    await t.db.user.related(ada, "teams").attach([a!.id, b!.id]);
    await t.db.user.related(ada, "teams").attach(c!.id, { role: "owner" });
    const rows = await memberships(ada.id);
    expect(rows.map((r) => [r.teamId, r.role])).toEqual([
      [a!.id, "member"],
      [b!.id, "member"],
      [c!.id, "owner"],
    ]);
    for (const row of rows) expectFilled(row, row.role);
    expect(new Set(rows.map((r) => r.id)).size).toBe(3);
    // The relation reads them back with their pivot values.
    const teams = await t.db.user.related(ada, "teams").orderBy("id").get();
    expect(teams.map((team) => team.pivot.role)).toEqual(["member", "member", "owner"]);
  });

  it("attach from the other side ({ key: values } form) fills them too", async () => {
    const [ada, bob] = await t.db.user.createMany([{ name: "Ada" }, { name: "Bob" }]);
    const team = await t.db.team.create({ name: "A" });
    await t.db.team.related(team, "members").attach({ [ada!.id]: {}, [bob!.id]: {} });
    for (const user of [ada!, bob!]) {
      const [row] = await memberships(user.id);
      expectFilled(row!);
    }
  });

  it("sync and syncWithoutDetaching fill them for the rows they attach", async () => {
    const ada = await t.db.user.create({ name: "Ada" });
    const [a, b, c] = await t.db.team.createMany([{ name: "A" }, { name: "B" }, { name: "C" }]);
    const result = await t.db.user.related(ada, "teams").sync([a!.id, b!.id]);
    expect(result.attached).toEqual([a!.id, b!.id]);
    await t.db.user.related(ada, "teams").syncWithoutDetaching({ [c!.id]: { role: "lead" } });
    const rows = await memberships(ada.id);
    expect(rows.map((r) => r.role)).toEqual(["member", "member", "lead"]);
    for (const row of rows) expectFilled(row, row.role);
  });

  it("nested connects and creates fill them, and so does firstOrCreate through the relation", async () => {
    const [a, b] = await t.db.team.createMany([{ name: "A" }, { name: "B" }]);
    const ada = await t.db.user.create({ name: "Ada", teams: { connect: [a!.id, b!.id], create: [{ name: "New" }] } });
    const newer = await t.db.user.related(ada, "teams").firstOrCreate({ name: "Newer" });
    expect(newer.pivot.role).toBe("member");
    const rows = await memberships(ada.id);
    expect(rows).toHaveLength(4);
    for (const row of rows) expectFilled(row);
    expect(new Set(rows.map((r) => r.id)).size).toBe(4);
  });

  it("createMany with nested connects fills every parent's rows", async () => {
    const team = await t.db.team.create({ name: "A" });
    const [ada, bob] = await t.db.user.createMany([
      { name: "Ada", teams: { connect: team.id } },
      { name: "Bob", teams: { connect: [team.id] } },
    ]);
    for (const user of [ada!, bob!]) {
      const [row] = await memberships(user.id);
      expectFilled(row!);
    }
  });

  it("updateExistingPivot sets the join model's updatedAt", async () => {
    const ada = await t.db.user.create({ name: "Ada" });
    const team = await t.db.team.create({ name: "A" });
    await t.db.user.related(ada, "teams").attach(team.id);
    const [before] = await memberships(ada.id);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await t.db.user.related(ada, "teams").updateExistingPivot(team.id, { role: "owner" });
    const [after] = await memberships(ada.id);
    expect(after!.role).toBe("owner");
    expect(after!.id).toBe(before!.id);
    expect(after!.createdAt.getTime()).toBe(before!.createdAt.getTime());
    expect(after!.updatedAt.getTime()).toBeGreaterThan(before!.updatedAt.getTime());
  });

  it("a required join model field nothing fills is a ValidationError, and nothing is inserted", async () => {
    const ada = await t.db.user.create({ name: "Ada" });
    const project = await t.db.project.create({ name: "P" });
    t.queries.length = 0;
    const error = await caught(() => t.db.project.related(project, "owners").attach(ada.id));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain('join model "ownership" needs "share"');
    expect(error.message).toContain("pivotFields");
    expect(t.queries.filter((q) => /insert/i.test(q.sql))).toEqual([]);
  });
});
