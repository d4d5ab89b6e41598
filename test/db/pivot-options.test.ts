import { beforeEach, describe, expect, it } from "vitest";
import {
  belongsToMany,
  boolean,
  defineSchema,
  hasMany,
  id,
  integer,
  manyToMany,
  model,
  morphedByMany,
  morphToMany,
  SchemaError,
  string,
  ValidationError,
} from "../../src/index.js";
import { caught } from "../support/caught.js";
import { dialect, useTestDb } from "../support/test-db.js";

/**
 * Two options of the many-to-many relations (belongsToMany, manyToMany through a join model,
 * morphToMany, morphedByMany), on every database and under both loading strategies:
 * `as` (rows carry their pivot values as `row.membership` instead of `row.pivot`, on every read
 * path that gives them) and `withPivotValue` (the relation reads only pivot rows with those
 * values, and attach, sync, firstOrCreate and nested writes write them in).
 */

const pivotFields = { active: boolean().default(false), role: string().nullable() };

const clubs = defineSchema(
  {
    member: model({
      table: "members",
      fields: { id: id(), name: string() },
      relations: {
        clubs: belongsToMany("club", { table: "club_member", pivotFields, timestamps: true, as: "membership" }),
        activeClubs: belongsToMany("club", {
          table: "club_member",
          pivotFields,
          timestamps: true,
          as: "membership",
          withPivotValue: { active: true },
        }),
        plainClubs: belongsToMany("club", { table: "club_member", pivotFields, timestamps: true }),
        badges: manyToMany("badge", {
          through: "award",
          from: "memberId",
          to: "badgeId",
          pivotFields: ["level"],
          as: "award",
          withPivotValue: { level: "gold" },
        }),
        allBadges: manyToMany("badge", { through: "award", from: "memberId", to: "badgeId", pivotFields: ["level"] }),
        tags: morphToMany("tag", { morphName: "taggable", pivotFields: ["source"], as: "tagging" }),
        userTags: morphToMany("tag", {
          morphName: "taggable",
          pivotFields: ["source"],
          as: "tagging",
          withPivotValue: { source: "user" },
        }),
        awards: hasMany("award"),
      },
    }),
    club: model({
      table: "clubs",
      fields: { id: id(), name: string() },
      relations: {
        members: belongsToMany("member", { table: "club_member", pivotFields, timestamps: true, as: "membership" }),
        activeMembers: belongsToMany("member", {
          table: "club_member",
          pivotFields,
          timestamps: true,
          withPivotValue: { active: true },
        }),
      },
    }),
    award: model({
      table: "awards",
      fields: {
        id: id(),
        memberId: integer().references("member.id"),
        badgeId: integer().references("badge.id"),
        level: string(),
      },
    }),
    badge: model({ table: "badges", fields: { id: id(), name: string() } }),
    tag: model({
      table: "tags",
      fields: { id: id(), name: string() },
      relations: {
        members: morphedByMany("member", { morphName: "taggable", pivotFields: ["source"], as: "tagging" }),
        usersMembers: morphedByMany("member", {
          morphName: "taggable",
          pivotFields: ["source"],
          withPivotValue: { source: "user" },
        }),
      },
    }),
  },
  { casing: "snake_case" },
);

const STRATEGIES = ["query", "join"] as const;

/** A pivot object without its timestamps (second-precision columns read back rounded). */
const stampless = (pivot: any) => {
  const { createdAt: _c, updatedAt: _u, ...rest } = pivot;
  return rest;
};

describe(`the as and withPivotValue options of many-to-many relations on ${dialect}`, () => {
  const t = useTestDb(clubs);
  let mo: any, ny: any;
  let go: any;
  let gold: any, silver: any;
  let red: any, blue: any;

  /** club_member as [memberId, clubId, active, role], ordered. */
  const clubMember = async () =>
    (
      await t.db.kysely
        .selectFrom("club_member")
        .select(["member_id", "club_id", "active", "role"])
        .orderBy("member_id")
        .orderBy("club_id")
        .execute()
    ).map((r) => [r.member_id, r.club_id, Boolean(r.active), r.role]);

  /** awards as [memberId, badgeId, level], ordered. */
  const awards = async () =>
    (
      await t.db.kysely
        .selectFrom("awards")
        .select(["member_id", "badge_id", "level"])
        .orderBy("member_id")
        .orderBy("badge_id")
        .orderBy("level")
        .execute()
    ).map((r) => [r.member_id, r.badge_id, r.level]);

  /** taggables as [tagId, taggableId, source], ordered. */
  const taggables = async () =>
    (
      await t.db.kysely
        .selectFrom("taggables")
        .select(["tag_id", "taggable_id", "source"])
        .orderBy("tag_id")
        .orderBy("taggable_id")
        .execute()
    ).map((r) => [r.tag_id, r.taggable_id, r.source]);

  beforeEach(async () => {
    await t.truncate();
    const db = t.db;
    [mo, ny] = await db.member.createMany([
      { id: 1, name: "Mo" },
      { id: 2, name: "Ny" },
    ]);
    [, go] = await db.club.createMany([
      { id: 1, name: "chess" },
      { id: 2, name: "go" },
      { id: 3, name: "bridge" },
    ]);
    [gold, silver] = await db.badge.createMany([
      { id: 1, name: "gold star" },
      { id: 2, name: "silver star" },
    ]);
    [red, blue] = await db.tag.createMany([
      { id: 1, name: "red" },
      { id: 2, name: "blue" },
    ]);
    await db.member.related(mo, "clubs").attach({ 1: { active: true, role: "captain" }, 2: {} });
    await db.member.related(ny, "clubs").attach(2, { active: true, role: "member" });
    // No explicit ids: a write below lets the database give the next one.
    await db.award.createMany([
      { memberId: 1, badgeId: 1, level: "gold" },
      { memberId: 1, badgeId: 2, level: "silver" },
    ]);
    await db.kysely
      .insertInto("taggables")
      .values([
        { tag_id: 1, taggable_type: "member", taggable_id: 1, source: "user" },
        { tag_id: 2, taggable_type: "member", taggable_id: 1, source: "system" },
      ])
      .execute();
    t.queries.length = 0;
  });

  // -------------------------------------------------------------------------------------------
  describe("as: the pivot values under another name", () => {
    it("eager loading, under both strategies: row.membership, no row.pivot", async () => {
      for (const how of STRATEGIES) {
        const rows: any[] = await t.db.member
          .with("clubs", (q) => q.orderBy("id"))
          .orderBy("id")
          .strategy(how)
          .get();
        expect(rows.map((m) => m.clubs.map((c: any) => [c.name, stampless(c.membership)]))).toEqual([
          [
            ["chess", { memberId: 1, clubId: 1, active: true, role: "captain" }],
            ["go", { memberId: 1, clubId: 2, active: false, role: null }],
          ],
          [["go", { memberId: 2, clubId: 2, active: true, role: "member" }]],
        ]);
        for (const club of rows.flatMap((m) => m.clubs)) {
          expect("pivot" in club).toBe(false);
          expect(club.membership.createdAt === null || club.membership.createdAt instanceof Date).toBe(true);
        }
        // Typed: the accessor is the relation's `as`.
        const role: string | null | undefined = rows[0].clubs[0].membership.role;
        expect(role).toBe("captain");
        // A relation without `as` over the same table still says pivot.
        const plain: any[] = await t.db.member.with("plainClubs").where("id", 2).strategy(how).get();
        expect(stampless(plain[0].plainClubs[0].pivot)).toEqual({
          memberId: 2,
          clubId: 2,
          active: true,
          role: "member",
        });
      }
    });

    it("nested below another relation and from the other side, under both strategies", async () => {
      for (const how of STRATEGIES) {
        const rows: any[] = await t.db.club
          .with("members", (q) => q.orderBy("id").with("clubs", (c) => c.orderBy("id")))
          .where("id", 2)
          .strategy(how)
          .get();
        expect(
          rows[0].members.map((m: any) => [m.name, m.membership.active, m.clubs.map((c: any) => c.membership.clubId)]),
        ).toEqual([
          ["Mo", false, [1, 2]],
          ["Ny", true, [2]],
        ]);
      }
    });

    it("related(row, relation) reads, load(), the object API and orderByPivot", async () => {
      const clubsOfMo = t.db.member.related(mo, "clubs");
      const read: any[] = await clubsOfMo.orderBy("id").get();
      expect(read.map((c) => [c.id, c.membership.role])).toEqual([
        [1, "captain"],
        [2, null],
      ]);
      const first: any = await clubsOfMo.orderByPivot("clubId", "desc").first();
      expect(first).toMatchObject({ name: "go", membership: { clubId: 2, active: false } });
      const page = await clubsOfMo.orderBy("id").paginate({ perPage: 1, page: 2 });
      expect((page.data[0] as any).membership.clubId).toBe(2);
      const loaded: any[] = await t.db.member.load([{ ...ny }], "clubs");
      expect(loaded[0].clubs.map((c: any) => c.membership.role)).toEqual(["member"]);
      const found: any = await t.db.member.findFirst({ where: { id: 2 }, include: { clubs: true } });
      expect(found.clubs.map((c: any) => [c.name, c.membership.memberId])).toEqual([["go", 2]]);
      expect("pivot" in found.clubs[0]).toBe(false);
    });

    it("nested writes give the created and connected rows their values under the accessor", async () => {
      const created: any = await t.db.member.create({
        id: 3,
        name: "Oz",
        clubs: { create: [{ id: 4, name: "poker", pivot: { role: "dealer" } }], connect: { 3: { active: true } } },
      });
      const byClub = [...created.clubs].sort((a: any, b: any) => a.id - b.id);
      expect(byClub.map((c: any) => [c.id, c.name, stampless(c.membership)])).toEqual([
        [3, "bridge", { memberId: 3, clubId: 3, active: true, role: null }],
        [4, "poker", { memberId: 3, clubId: 4, active: false, role: "dealer" }],
      ]);
      expect(byClub.some((c: any) => "pivot" in c)).toBe(false);
      const reread: any[] = await t.db.member.related(created, "clubs").orderBy("id").get();
      expect(reread.map((c) => stampless(c.membership))).toEqual(byClub.map((c: any) => stampless(c.membership)));
    });

    it("firstOrCreate / updateOrCreate / firstOrNew through the relation answer with the accessor", async () => {
      const clubsOfNy = t.db.member.related(ny, "clubs");
      const attached: any = await clubsOfNy.firstOrCreate({ name: "chess" }, {}, { role: "guest" });
      expect(stampless(attached.membership)).toEqual({ memberId: 2, clubId: 1, active: false, role: "guest" });
      expect("pivot" in attached).toBe(false);
      const updated: any = await clubsOfNy.updateOrCreate({ name: "go" }, {}, { role: "chair" });
      expect(updated.membership.role).toBe("chair");
      const found: any = await clubsOfNy.firstOrNew({ name: "go" });
      expect(found.membership.role).toBe("chair");
    });

    it("a join model (manyToMany through award, as: award) and a morph pivot (as: tagging), both sides", async () => {
      for (const how of STRATEGIES) {
        const rows: any[] = await t.db.member
          .with("allBadges", (q) => q.orderBy("id"))
          .with("tags", (q) => q.orderBy("id"))
          .where("id", 1)
          .strategy(how)
          .get();
        expect(rows[0].allBadges.map((b: any) => b.pivot.level)).toEqual(["gold", "silver"]);
        expect(rows[0].tags.map((tag: any) => [tag.name, tag.tagging.source])).toEqual([
          ["red", "user"],
          ["blue", "system"],
        ]);
        const tags: any[] = await t.db.tag.with("members").orderBy("id").strategy(how).get();
        expect(tags.map((tag) => tag.members.map((m: any) => [m.name, m.tagging.source]))).toEqual([
          [["Mo", "user"]],
          [["Mo", "system"]],
        ]);
      }
      const badges: any[] = await t.db.member.related(mo, "badges").get();
      expect(badges.map((b) => [b.name, b.award.level, "pivot" in b])).toEqual([["gold star", "gold", false]]);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe("withPivotValue: reads only those pivot rows, writes them in", () => {
    it("reads: eager loading (both strategies), related(), counts, relation filters", async () => {
      for (const how of STRATEGIES) {
        const rows: any[] = await t.db.member
          .with("activeClubs")
          .withCount("activeClubs")
          .orderBy("id")
          .strategy(how)
          .get();
        expect(rows.map((m) => [m.activeClubs.map((c: any) => c.name), m.activeClubsCount])).toEqual([
          [["chess"], 1],
          [["go"], 1],
        ]);
        const byClub: any[] = await t.db.club.with("activeMembers").orderBy("id").strategy(how).get();
        expect(byClub.map((c) => c.activeMembers.map((m: any) => m.name))).toEqual([["Mo"], ["Ny"], []]);
      }
      expect(await t.db.member.related(mo, "activeClubs").count()).toBe(1);
      expect(await t.db.member.related(mo, "clubs").count()).toBe(2);
      expect(await t.db.club.related(go, "activeMembers").pluck("name")).toEqual(["Ny"]);
      expect(await t.db.club.whereHas("activeMembers", (q) => q.where("name", "Mo")).pluck("name")).toEqual(["chess"]);
      expect(await t.db.member.related(mo, "badges").pluck("name")).toEqual(["gold star"]);
      expect(await t.db.member.related(mo, "userTags").pluck("name")).toEqual(["red"]);
      expect(await t.db.tag.related(blue, "usersMembers").count()).toBe(0);
    });

    it("attach, sync, toggle and detach through it fill the values in and touch only its rows", async () => {
      const active = t.db.member.related(ny, "activeClubs");
      expect(await active.attach([1, 3], { role: "new" })).toEqual([1, 3]);
      expect(await clubMember()).toEqual([
        [1, 1, true, "captain"],
        [1, 2, false, null],
        [2, 1, true, "new"],
        [2, 2, true, "member"],
        [2, 3, true, "new"],
      ]);
      expect(await active.sync([3])).toEqual({ attached: [], detached: expect.arrayContaining([1, 2]), updated: [] });
      // Mo's inactive go is not one of Mo's active clubs: sync through activeClubs leaves it.
      expect(await t.db.member.related(mo, "activeClubs").sync([3])).toEqual({
        attached: [3],
        detached: [1],
        updated: [],
      });
      expect(await t.db.member.related(mo, "activeClubs").toggle([3])).toEqual({ attached: [], detached: [3] });
      expect(await t.db.member.related(mo, "activeClubs").detach()).toBe(0);
      expect(await clubMember()).toEqual([
        [1, 2, false, null],
        [2, 3, true, "new"],
      ]);
    });

    it("a value against the relation's: ValidationError before any SQL", async () => {
      const { queries, result } = await t.count(() =>
        caught(() => t.db.member.related(ny, "activeClubs").attach([1], { active: false })),
      );
      expect(result).toBeInstanceOf(ValidationError);
      expect(result.message).toContain("member.activeClubs");
      expect(result.message).toContain("active");
      expect(queries).toBe(0);
      const synced = await caught(() => t.db.member.related(ny, "activeClubs").sync({ 1: { active: false } }));
      expect(synced).toBeInstanceOf(ValidationError);
      expect(await clubMember()).toHaveLength(3);
    });

    it("nested writes and firstOrCreate through it fill the values in", async () => {
      const created: any = await t.db.member.create({
        id: 3,
        name: "Oz",
        activeClubs: { create: [{ id: 4, name: "poker" }], connect: [1] },
      });
      expect(created.activeClubs.map((c: any) => [c.id, c.membership.active]).sort()).toEqual([
        [1, true],
        [4, true],
      ]);
      const made: any = await t.db.member.related(created, "activeClubs").firstOrCreate({ name: "bridge" });
      expect(made.membership.active).toBe(true);
      expect((await clubMember()).filter(([member]) => member === 3)).toEqual([
        [3, 1, true, null],
        [3, 3, true, null],
        [3, 4, true, null],
      ]);
    });

    it("a join model and a morph pivot: the value is written to the join model's row and the pivot", async () => {
      expect(await t.db.member.related(ny, "badges").attach([gold, silver])).toEqual([1, 2]);
      expect(await awards()).toEqual([
        [1, 1, "gold"],
        [1, 2, "silver"],
        [2, 1, "gold"],
        [2, 2, "gold"],
      ]);
      expect(await t.db.member.related(ny, "userTags").attach([red, blue])).toEqual([1, 2]);
      expect(await t.db.tag.related(blue, "usersMembers").pluck("name")).toEqual(["Ny"]);
      expect(await taggables()).toEqual([
        [1, 1, "user"],
        [1, 2, "user"],
        [2, 1, "system"],
        [2, 2, "user"],
      ]);
      // Through a relation without the value, the join model's own rows are all there.
      expect(await t.db.member.related(mo, "allBadges").count()).toBe(2);
      expect(await t.db.member.related(mo, "badges").count()).toBe(1);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe("the options checked by defineSchema", () => {
    const schemaWith = (relations: Record<string, any>) => () =>
      defineSchema({
        a: model({ table: "as", fields: { id: id(), name: string() }, relations }),
        b: model({ table: "bs", fields: { id: id(), label: string() } }),
      });
    const problem = async (relations: Record<string, any>, ...parts: string[]) => {
      const error = await caught(schemaWith(relations));
      expect(error).toBeInstanceOf(SchemaError);
      for (const part of parts) expect(error.message).toContain(part);
    };

    it("withPivotValue: a pivot field with a value, agreeing with pivotWhere", async () => {
      await problem(
        { bs: belongsToMany("b", { withPivotValue: { nope: 1 } as any }) },
        "a.bs",
        "withPivotValue",
        '"nope"',
      );
      await problem(
        { bs: belongsToMany("b", { pivotFields: ["kind"], withPivotValue: { aId: 1 } as any }) },
        "withPivotValue",
        '"aId"',
        "pivotFields",
      );
      await problem(
        { bs: belongsToMany("b", { pivotFields: ["kind"], withPivotValue: { kind: null } }) },
        '"kind"',
        "null",
      );
      await problem({ bs: belongsToMany("b", { pivotFields: ["kind"], withPivotValue: { kind: [1] } }) }, '"kind"');
      await problem(
        { bs: belongsToMany("b", { pivotFields: ["kind"], withPivotValue: "x" as any }) },
        "withPivotValue",
      );
      await problem(
        {
          bs: belongsToMany("b", { pivotFields: ["kind"], pivotWhere: { kind: "x" }, withPivotValue: { kind: "y" } }),
        },
        "pivotWhere and withPivotValue",
        '"kind"',
      );
      expect(
        schemaWith({
          bs: belongsToMany("b", { pivotFields: ["kind"], pivotWhere: { kind: "x" }, withPivotValue: { kind: "x" } }),
        }),
      ).not.toThrow();
    });

    it("as: a property name that is no field of the related model", async () => {
      await problem({ bs: belongsToMany("b", { as: "label" }) }, "a.bs", '"label"', "field");
      await problem({ bs: belongsToMany("b", { as: "" }) }, "a.bs", "as");
      await problem({ bs: belongsToMany("b", { as: 5 as any }) }, "a.bs", "as");
      await problem({ bs: belongsToMany("b", { as: "__proto__" }) }, "prototype");
      expect(schemaWith({ bs: belongsToMany("b", { as: "link" }) })).not.toThrow();
    });

    it("unknown relation options stay errors, these two included on relations that are not many-to-many", async () => {
      await problem(
        { bs: hasMany("b", { foreignKey: "aId", as: "x" } as any) },
        "a.bs",
        'unknown option "as"',
        "hasMany takes",
      );
      await problem({ bs: belongsToMany("b", { table: "a_b", nope: 1 } as any) }, 'unknown option "nope"');
    });
  });
});
