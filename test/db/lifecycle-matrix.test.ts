import { beforeAll, describe, expect, it } from "vitest";
import {
  belongsTo,
  belongsToMany,
  boolean,
  defineSchema,
  hasMany,
  hasManyThrough,
  hasOne,
  hasOneThrough,
  id,
  integer,
  model,
  morphedByMany,
  morphMany,
  morphOne,
  morphTo,
  morphToMany,
  string,
  timestamp,
} from "../../src/index.js";
import { dialect, useTestDb } from "../support/test-db.js";

/**
 * Soft deletes and global scopes hold on every read path of every relation kind. `thing`
 * soft-deletes and has a global scope (`visible`: hidden = false). Each parent ("live",
 * "trashed", "scoped") is linked through every relation to one thing of that status, so on
 * every path the live parent sees its thing, the trashed one's is left out unless the query
 * says withTrashed(), and the scoped one's unless it says withoutGlobalScope("visible").
 */
const schema = defineSchema({
  holder: model({
    fields: { id: id(), name: string(), ownerThingId: integer().nullable() },
    relations: {
      things: hasMany("thing"),
      thing: hasOne("thing", { foreignKey: "soloHolderId" }),
      owner: belongsTo("thing", { foreignKey: "ownerThingId" }),
      tagged: belongsToMany("thing", { table: "holder_things" }),
      morphThings: morphMany("thing", { morphName: "thingable" }),
      morphThing: morphOne("thing", { morphName: "soloable" }),
      morphTagged: morphToMany("thing", { morphName: "taggable" }),
      linkedThings: hasManyThrough("thing", { through: "link" }),
      linkedThing: hasOneThrough("thing", { through: "soloLink" }),
    },
  }),
  link: model({ fields: { id: id(), holderId: integer() } }),
  soloLink: model({ fields: { id: id(), holderId: integer() } }),
  label: model({
    fields: { id: id(), name: string() },
    relations: { things: morphedByMany("thing", { morphName: "labelable" }) },
  }),
  note: model({
    fields: { id: id(), name: string(), notableType: string().nullable(), notableId: integer().nullable() },
    relations: { notable: morphTo({ types: ["thing"] }) },
  }),
  thing: model({
    fields: {
      id: id(),
      status: string(),
      hidden: boolean().default(false),
      deletedAt: timestamp().nullable(),
      holderId: integer().nullable(),
      soloHolderId: integer().nullable(),
      thingableType: string().nullable(),
      thingableId: integer().nullable(),
      soloableType: string().nullable(),
      soloableId: integer().nullable(),
      linkId: integer().nullable(),
      soloLinkId: integer().nullable(),
    },
    relations: { labels: morphToMany("label", { morphName: "labelable" }) },
    softDeletes: true,
    scopes: { visible: (q) => q.where("hidden", false) },
  }),
});

const STATUSES = ["live", "trashed", "scoped"] as const;
type Status = (typeof STATUSES)[number];

/** Each relation kind once (the key names the relation; `things_by_label` is label.things), and its parent model. */
const RELATIONS: Record<string, { parent: "holder" | "label" | "note" }> = {
  things: { parent: "holder" }, // hasMany
  thing: { parent: "holder" }, // hasOne
  owner: { parent: "holder" }, // belongsTo
  tagged: { parent: "holder" }, // belongsToMany
  morphThings: { parent: "holder" }, // morphMany
  morphThing: { parent: "holder" }, // morphOne
  morphTagged: { parent: "holder" }, // morphToMany
  linkedThings: { parent: "holder" }, // hasManyThrough
  linkedThing: { parent: "holder" }, // hasOneThrough
  things_by_label: { parent: "label" }, // morphedByMany
  notable: { parent: "note" }, // morphTo
};
const relationOf = (key: string) => (key === "things_by_label" ? "things" : key);

describe(`soft deletes and global scopes on every relation kind and read path on ${dialect}`, () => {
  const t = useTestDb(schema);
  const parents: Record<string, Record<Status, any>> = {};

  beforeAll(async () => {
    const db: any = t.db;
    for (const model of ["holder", "label", "note"] as const) {
      parents[model] = {} as Record<Status, any>;
      for (const status of STATUSES) parents[model]![status] = await db[model].create({ name: status });
    }
    const trashed: number[] = [];
    const scoped: number[] = [];
    for (const key of Object.keys(RELATIONS)) {
      for (const status of STATUSES) {
        const parent = parents[RELATIONS[key]!.parent]![status];
        const values: Record<string, unknown> = { status };
        if (key === "things") values.holderId = parent.id;
        if (key === "thing") values.soloHolderId = parent.id;
        if (key === "morphThings") Object.assign(values, { thingableType: "holder", thingableId: parent.id });
        if (key === "morphThing") Object.assign(values, { soloableType: "holder", soloableId: parent.id });
        if (key === "linkedThings") values.linkId = (await db.link.create({ holderId: parent.id })).id;
        if (key === "linkedThing") values.soloLinkId = (await db.soloLink.create({ holderId: parent.id })).id;
        const thing = await db.thing.create(values);
        if (key === "owner") await db.holder.where("id", parent.id).update({ ownerThingId: thing.id });
        if (key === "tagged" || key === "morphTagged") await db.holder.related(parent, key).attach([thing.id]);
        if (key === "things_by_label") await db.label.related(parent, "things").attach([thing.id]);
        if (key === "notable")
          await db.note.where("id", parent.id).update({ notableType: "thing", notableId: thing.id });
        if (status === "trashed") trashed.push(thing.id);
        if (status === "scoped") scoped.push(thing.id);
      }
    }
    await db.thing.whereIn("id", scoped).update({ hidden: true });
    await db.thing.whereIn("id", trashed).delete();
    for (const model of ["holder", "note"] as const) {
      for (const status of STATUSES) parents[model]![status] = await db[model].find(parents[model]![status].id);
    }
  });

  /** The statuses of the things each parent sees through `relation`: { live: ["live"], ... }. */
  const seen = (rows: any[], relation: string): Record<string, string[]> =>
    Object.fromEntries(
      rows.map((row) => {
        const value = row[relation];
        const list = Array.isArray(value) ? value : value ? [value] : [];
        return [row.name, list.map((thing: any) => thing.status).sort()];
      }),
    );
  const expectSeen = (got: Record<string, string[]>, ...visible: Status[]) =>
    expect(got).toEqual(Object.fromEntries(STATUSES.map((s) => [s, visible.includes(s) ? [s] : []])));
  const names = (rows: any[]) => rows.map((row) => row.name).sort();

  for (const [key, { parent }] of Object.entries(RELATIONS)) {
    const relation = relationOf(key);
    describe(`${parent}.${relation}`, () => {
      const handle = () => (t.db as any)[parent];

      for (const strategy of ["query", "join"] as const) {
        it(`eager loads (${strategy}) leave out trashed and scoped rows; a constraint can take them back`, async () => {
          const q = handle().strategy(strategy).orderBy("id");
          expectSeen(seen(await q.with(relation).get(), relation), "live");
          if (relation !== "notable") {
            const withTrashed = await q.with(relation, (r: any) => r.withTrashed()).get();
            expectSeen(seen(withTrashed, relation), "live", "trashed");
            const unscoped = await q.with(relation, (r: any) => r.withoutGlobalScope("visible")).get();
            expectSeen(seen(unscoped, relation), "live", "scoped");
            const only = await q.with(relation, (r: any) => r.onlyTrashed().withoutGlobalScopes()).get();
            expectSeen(seen(only, relation), "trashed");
          }
        });
      }

      it("load() and loadMissing() onto fetched rows leave them out too", async () => {
        const rows = await handle().orderBy("id").get();
        expectSeen(seen(await handle().load(rows, relation), relation), "live");
        const fresh = await handle().orderBy("id").get();
        expectSeen(seen(await handle().loadMissing(fresh, relation), relation), "live");
      });

      it("has / doesntHave / whereHas count only visible rows", async () => {
        expect(names(await handle().has(relation).get())).toEqual(["live"]);
        expect(names(await handle().doesntHave(relation).get())).toEqual(["scoped", "trashed"]);
        if (relation !== "notable") {
          expect(
            names(
              await handle()
                .whereHas(relation, (r: any) => r.withTrashed())
                .get(),
            ),
          ).toEqual(["live", "trashed"]);
          expect(
            names(
              await handle()
                .whereHas(relation, (r: any) => r.withoutGlobalScopes())
                .get(),
            ),
          ).toEqual(["live", "scoped"]);
        }
      });

      if (relation !== "notable") {
        it("withCount / withExists / loadCount count only visible rows", async () => {
          const rows = await handle().orderBy("id").withCount(relation).withExists(relation).get();
          expect(rows.map((r: any) => [r.name, r[`${relation}Count`], r[`${relation}Exists`]])).toEqual([
            ["live", 1, true],
            ["trashed", 0, false],
            ["scoped", 0, false],
          ]);
          const counted = await handle()
            .orderBy("id")
            .withCount({ [relation]: (r: any) => r.withTrashed() })
            .get();
          expect(counted.map((r: any) => r[`${relation}Count`])).toEqual([1, 1, 0]);
          const loaded = await handle().loadCount(await handle().orderBy("id").get(), relation);
          expect(loaded.map((r: any) => r[`${relation}Count`])).toEqual([1, 0, 0]);
        });

        it("related(row, relation) reads only visible rows, and withTrashed / withoutGlobalScopes on it", async () => {
          for (const status of STATUSES) {
            const related = (t.db as any)[parent].related(parents[parent]![status], relation);
            expect((await related.toArray()).map((r: any) => r.status)).toEqual(status === "live" ? ["live"] : []);
            expect(await related.count()).toBe(status === "live" ? 1 : 0);
            expect((await related.withTrashed().pluck("status")).sort()).toEqual(status === "scoped" ? [] : [status]);
            expect(await related.withoutGlobalScopes().pluck("status")).toEqual(status === "trashed" ? [] : [status]);
          }
        });
      }

      if (relation === "notable") {
        it("a morphTo reads its target under the target's rule", async () => {
          const notes = await handle().orderBy("id").with("notable").get();
          expect(notes.map((n: any) => [n.name, n.notable?.status ?? null])).toEqual([
            ["live", "live"],
            ["trashed", null],
            ["scoped", null],
          ]);
        });
      }
    });
  }
});
