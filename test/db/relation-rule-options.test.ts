import { beforeAll, describe, expect, it } from "vitest";
import {
  belongsTo,
  boolean,
  defineSchema,
  hasMany,
  id,
  integer,
  model,
  SchemaError,
  string,
  timestamp,
} from "../../src/index.js";
import { caught } from "../support/caught.js";
import { dialect, useTestDb } from "../support/test-db.js";

/** Relation options withTrashed / withoutGlobalScopes: every read through the relation sees those rows. */
const schema = defineSchema({
  team: model({
    fields: { id: id(), name: string() },
    relations: {
      members: hasMany("member"),
      everyone: hasMany("member", { withTrashed: true, withoutGlobalScopes: true }),
      alumni: hasMany("member", { withTrashed: true }),
    },
  }),
  member: model({
    fields: {
      id: id(),
      teamId: integer(),
      name: string(),
      active: boolean().default(true),
      deletedAt: timestamp().nullable(),
    },
    relations: { team: belongsTo("team") },
    softDeletes: true,
    scopes: { active: (q) => q.where("active", true) },
  }),
});

describe(`relation options withTrashed / withoutGlobalScopes on ${dialect}`, () => {
  const t = useTestDb(schema);
  let team: any;
  beforeAll(async () => {
    team = await t.db.team.create({ name: "core" });
    await t.db.member.createMany([
      { teamId: team.id, name: "live" },
      { teamId: team.id, name: "gone" },
      { teamId: team.id, name: "idle", active: false },
    ]);
    await t.db.member.where("name", "gone").delete();
  });
  const names = (rows: any[]) => rows.map((row) => row.name).sort();

  for (const strategy of ["query", "join"] as const) {
    it(`eager loads and aggregates through each relation (${strategy})`, async () => {
      const [loaded] = await t.db.team
        .strategy(strategy)
        .with("members", "everyone", "alumni")
        .withCount("members", "everyone", "alumni")
        .get();
      expect([names(loaded!.members), names(loaded!.everyone), names(loaded!.alumni)]).toEqual([
        ["live"],
        ["gone", "idle", "live"],
        ["gone", "live"],
      ]);
      expect([loaded!.membersCount, loaded!.everyoneCount, loaded!.alumniCount]).toEqual([1, 3, 2]);
    });
  }

  it("filters, related() and a query's own choice", async () => {
    expect(await t.db.team.whereHas("alumni", (q) => q.where("name", "gone")).count()).toBe(1);
    expect(await t.db.team.whereHas("members", (q) => q.where("name", "gone")).count()).toBe(0);
    expect(names(await t.db.team.related(team, "everyone").get())).toEqual(["gone", "idle", "live"]);
    expect(names(await t.db.team.related(team, "alumni").onlyTrashed().get())).toEqual(["gone"]);
    expect(await t.db.team.related(team, "members").count()).toBe(1);
  });

  it("withTrashed on a relation whose target does not soft-delete is a SchemaError; a non-boolean too", async () => {
    const error = await caught(() =>
      defineSchema({
        a: model({
          fields: { id: id() },
          relations: {
            bs: hasMany("b", { withTrashed: true }),
            cs: hasMany("b", { withoutGlobalScopes: "yes" as never }),
          },
        }),
        b: model({ fields: { id: id(), aId: integer() } }),
      }),
    );
    expect(error).toBeInstanceOf(SchemaError);
    expect(error.message).toContain('withTrashed reads trashed "b" rows, but none of them has the softDeletes option');
    expect(error.message).toContain("withoutGlobalScopes takes true or false");
  });
});
