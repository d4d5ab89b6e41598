import { beforeEach, describe, expect, it } from "vitest";
import {
  belongsTo,
  boolean,
  defineSchema,
  hasMany,
  hasManyThrough,
  id,
  integer,
  model,
  SchemaError,
  string,
  timestamp,
  ValidationError,
} from "../../src/index.js";
import { caught } from "../support/caught.js";
import { dialect, useTestDb } from "../support/test-db.js";

/**
 * The model lifecycle options on every database: timestamps filled on every write path, soft
 * deletes (delete, restore, forceDelete, withTrashed/onlyTrashed), global scopes, touch().
 * Every read and write path of every relation kind is in lifecycle-matrix.test.ts.
 */
const schema = defineSchema({
  team: model({
    fields: {
      id: id(),
      name: string(),
      createdAt: timestamp(),
      updatedAt: timestamp(),
      deletedAt: timestamp().nullable(),
    },
    relations: { members: hasMany("member"), tasks: hasManyThrough("task", { through: "member" }) },
    timestamps: true,
    softDeletes: true,
  }),
  member: model({
    fields: {
      id: id(),
      teamId: integer().nullable(),
      name: string(),
      active: boolean().default(true),
      role: string().default("dev"),
      joinedAt: timestamp(),
      touchedAt: timestamp(),
      gone: timestamp().nullable(),
    },
    relations: { team: belongsTo("team"), tasks: hasMany("task") },
    timestamps: { createdAt: "joinedAt", updatedAt: "touchedAt" },
    softDeletes: { field: "gone" },
    scopes: {
      active: (q) => q.where("active", true),
      staff: (q) => q.where("role", "dev").orWhere("role", "lead"),
    },
  }),
  task: model({
    fields: { id: id(), memberId: integer(), title: string() },
    relations: { member: belongsTo("member") },
  }),
});

const OLD = new Date("2001-02-03T04:05:06.000Z");

/** A Date within a second of [before, after] (second-precision columns may round). */
function expectBetween(value: unknown, before: number, after: number): void {
  expect(value).toBeInstanceOf(Date);
  expect((value as Date).getTime()).toBeGreaterThanOrEqual(before - 1000);
  expect((value as Date).getTime()).toBeLessThanOrEqual(after + 1000);
}

describe(`model lifecycle options on ${dialect}`, () => {
  const t = useTestDb(schema);
  beforeEach(() => t.truncate());

  describe("timestamps", () => {
    it("create, createMany, nested and related creates fill createdAt and updatedAt (renamed fields too)", async () => {
      const before = Date.now();
      const team = await t.db.team.create({ name: "core", members: { create: [{ name: "Ada" }] } });
      const [other] = await t.db.team.createMany([{ name: "infra" }]);
      const bob = await t.db.team.related(team, "members").create({ name: "Bob" });
      const after = Date.now();
      for (const row of [team, other!]) {
        expectBetween(row.createdAt, before, after);
        expectBetween(row.updatedAt, before, after);
      }
      expectBetween(bob.joinedAt, before, after);
      expectBetween(bob.touchedAt, before, after);
      const [ada] = await t.db.member.where("name", "Ada").get();
      expectBetween(ada!.joinedAt, before, after);
      expectBetween(ada!.touchedAt, before, after);
    });

    it("a value given is kept; update sets updatedAt only, unless given", async () => {
      const team = await t.db.team.create({ name: "core", createdAt: OLD, updatedAt: OLD });
      expect([team.createdAt, team.updatedAt]).toEqual([OLD, OLD]);
      const before = Date.now();
      expect(await t.db.team.where("id", team.id).update({ name: "kernel" })).toBe(1);
      const updated = await t.db.team.findOrFail(team.id);
      expect(updated.createdAt).toEqual(OLD);
      expectBetween(updated.updatedAt, before, Date.now());
      await t.db.team.where("id", team.id).update({ updatedAt: OLD });
      expect((await t.db.team.findOrFail(team.id)).updatedAt).toEqual(OLD);
    });

    it("updateOrCreate, save through a relation and associate bump updatedAt; touch() does only that", async () => {
      const team = await t.db.team.create({ name: "core", createdAt: OLD, updatedAt: OLD });
      const ada = await t.db.member.create({ name: "Ada", joinedAt: OLD, touchedAt: OLD });
      const before = Date.now();
      await t.db.team.related(team, "members").save(ada);
      expectBetween((await t.db.member.findOrFail(ada.id)).touchedAt, before, Date.now());
      await t.db.member.where("id", ada.id).update({ touchedAt: OLD });
      await t.db.member.related(ada, "team").associate(team);
      expectBetween((await t.db.member.findOrFail(ada.id)).touchedAt, before, Date.now());
      await t.db.team.updateOrCreate({ name: "core" }, { name: "core2" });
      expectBetween((await t.db.team.findOrFail(team.id)).updatedAt, before, Date.now());
      await t.db.team.where("id", team.id).update({ updatedAt: OLD, name: "x" });
      const { queries, result } = await t.count(() => t.db.team.where("id", team.id).touch());
      expect([queries, result]).toEqual([1, 1]);
      const touched = await t.db.team.findOrFail(team.id);
      expect([touched.name, touched.createdAt]).toEqual(["x", OLD]);
      expectBetween(touched.updatedAt, before, Date.now());
    });

    it("touch() on a model without timestamps is a ValidationError before any SQL", async () => {
      // @ts-expect-error: touch() is typed only on models with timestamps; plain JS gets a ValidationError
      const { queries, result } = await t.count(() => caught(() => t.db.task.touch()));
      expect(queries).toBe(0);
      expect(result).toBeInstanceOf(ValidationError);
      expect((result as Error).message).toContain("timestamps");
    });
  });

  describe("soft deletes", () => {
    it("delete() sets deletedAt (and updatedAt) in one statement; reads leave the row out; restore() brings it back", async () => {
      const [a, b] = await t.db.team.createMany([{ name: "a" }, { name: "b" }]);
      const before = Date.now();
      const { queries, result } = await t.count(() => t.db.team.where("id", a!.id).delete());
      expect([queries, result]).toEqual([1, 1]);
      expect(await t.db.team.pluck("name")).toEqual(["b"]);
      expect(await t.db.team.find(a!.id)).toBeNull();
      expect(await t.db.team.count()).toBe(1);
      const trashed = await t.db.team.onlyTrashed().firstOrFail();
      expectBetween(trashed.deletedAt, before, Date.now());
      expectBetween(trashed.updatedAt, before, Date.now());
      expect((await t.db.team.withTrashed().orderBy("id").pluck("name")).sort()).toEqual(["a", "b"]);
      // A second delete finds nothing to delete; restore touches only trashed rows.
      expect(await t.db.team.where("id", a!.id).delete()).toBe(0);
      expect(await t.db.team.restore()).toBe(1);
      expect(await t.db.team.orderBy("id").pluck("name")).toEqual(["a", "b"]);
      expect((await t.db.team.findOrFail(a!.id)).deletedAt).toBeNull();
      expect(b!.deletedAt).toBeNull();
    });

    it("forceDelete() deletes for good; withTrashed().forceDelete() includes trashed rows", async () => {
      const [a, b, c] = await t.db.team.createMany([{ name: "a" }, { name: "b" }, { name: "c" }]);
      await t.db.team.where("id", a!.id).delete();
      expect(await t.db.team.where("id", "in", [a!.id, b!.id]).forceDelete()).toBe(1);
      expect(await t.db.team.withTrashed().orderBy("id").pluck("name")).toEqual(["a", "c"]);
      expect(await t.db.team.withTrashed().where("id", "!=", c!.id).forceDelete()).toBe(1);
      expect(await t.db.team.withTrashed().pluck("name")).toEqual(["c"]);
    });

    it("a renamed soft delete field; deleteWith soft-deletes soft-deleting children", async () => {
      const team = await t.db.team.create({ name: "core", members: { create: [{ name: "Ada" }, { name: "Bob" }] } });
      expect(await t.db.team.deleteWith(team, "members")).toBe(1);
      expect(await t.db.member.count()).toBe(0);
      const gone = await t.db.member.onlyTrashed().get();
      expect(gone.map((m) => m.name).sort()).toEqual(["Ada", "Bob"]);
      expect(gone.every((m) => m.gone instanceof Date)).toBe(true);
      expect(await t.db.team.onlyTrashed().count()).toBe(1);
    });

    it("a trashed intermediate row hides what is behind it on a through relation", async () => {
      const team = await t.db.team.create({ name: "core" });
      const [ada, bob] = await t.db.member.createMany([
        { name: "Ada", teamId: team.id },
        { name: "Bob", teamId: team.id },
      ]);
      await t.db.task.createMany([
        { memberId: ada!.id, title: "ada's" },
        { memberId: bob!.id, title: "bob's" },
      ]);
      await t.db.member.where("id", bob!.id).delete();
      for (const strategy of ["query", "join"] as const) {
        const [loaded] = await t.db.team.strategy(strategy).with("tasks").withCount("tasks").get();
        expect([loaded!.tasks.map((x) => x.title), loaded!.tasksCount]).toEqual([["ada's"], 1]);
      }
      expect(await t.db.team.related(team, "tasks").pluck("title")).toEqual(["ada's"]);
    });

    it("soft delete methods on a model without soft deletes are ValidationErrors before any SQL", async () => {
      // Typed only on models with soft deletes: a plain JS caller (any) gets the ValidationError.
      const task = t.db.task as any;
      // @ts-expect-error: a model without softDeletes has no withTrashed()
      t.db.task.withTrashed;
      for (const call of [
        () => task.withTrashed(),
        () => task.onlyTrashed(),
        () => task.restore(),
        () => task.forceDelete(),
      ]) {
        const { queries, result } = await t.count(() => caught(call));
        expect(queries).toBe(0);
        expect(result).toBeInstanceOf(ValidationError);
        expect((result as Error).message).toContain('model "task" has no softDeletes');
      }
    });

    it("withTrashed and plain reads compile to different cached statements", async () => {
      const team = await t.db.team.create({ name: "a" });
      await t.db.team.where("id", team.id).delete();
      for (let i = 0; i < 3; i++) {
        expect(await t.db.team.find(team.id)).toBeNull();
        expect((await t.db.team.withTrashed().where("id", team.id).first())?.name).toBe("a");
        expect((await t.db.team.onlyTrashed().where("id", team.id).first())?.name).toBe("a");
      }
    });
  });

  describe("global scopes", () => {
    it("apply to every read, also as a related model; an orWhere inside a scope stays inside it", async () => {
      const team = await t.db.team.create({ name: "core" });
      await t.db.member.createMany([
        { name: "Ada", teamId: team.id },
        { name: "Bob", teamId: team.id, active: false },
        { name: "Cy", teamId: team.id, role: "lead" },
        { name: "Di", teamId: team.id, role: "ops" },
      ]);
      expect(await t.db.member.orderBy("id").pluck("name")).toEqual(["Ada", "Cy"]);
      // Without the group, "role = dev OR role = lead AND ..." would let Bob (a dev) back in.
      expect(await t.db.member.where("name", "Bob").count()).toBe(0);
      expect(await t.db.team.related(team, "members").orderBy("id").pluck("name")).toEqual(["Ada", "Cy"]);
      const [loaded] = await t.db.team.with("members").withCount("members").get();
      expect([loaded!.members.map((m) => m.name).sort(), loaded!.membersCount]).toEqual([["Ada", "Cy"], 2]);
      expect(await t.db.member.withoutGlobalScope("active").orderBy("id").pluck("name")).toEqual(["Ada", "Bob", "Cy"]);
      expect(await t.db.member.withoutGlobalScope("staff").orderBy("id").pluck("name")).toEqual(["Ada", "Cy", "Di"]);
      expect(await t.db.member.withoutGlobalScopes(["active", "staff"]).count()).toBe(4);
      expect(await t.db.member.withoutGlobalScopes().count()).toBe(4);
      // Writes meet the scopes too: an update of every member leaves the scoped-out ones alone.
      expect(await t.db.member.query().update({ role: "lead" })).toBe(2);
      expect(await t.db.member.withoutGlobalScopes().where("role", "lead").count()).toBe(2);
    });

    it("an unknown scope name is a ValidationError naming the model's scopes", async () => {
      // @ts-expect-error: the names are typed; plain JS gets the ValidationError
      const error = await caught(() => t.db.member.withoutGlobalScope("nope"));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toContain("active, staff");
    });
  });
});

describe("lifecycle options in the schema", () => {
  it("missing or mistyped timestamp and soft delete fields are SchemaErrors naming the fix", async () => {
    const error = await caught(() =>
      defineSchema({
        a: model({ fields: { id: id() }, timestamps: true }),
        b: model({ fields: { id: id(), deletedAt: timestamp() }, softDeletes: true }),
        c: model({ fields: { id: id(), createdAt: string(), updatedAt: timestamp() }, timestamps: true }),
      }),
    );
    expect(error).toBeInstanceOf(SchemaError);
    const message = (error as Error).message;
    expect(message).toContain('model "a": timestamps needs the field "createdAt"; add createdAt: timestamp()');
    expect(message).toContain('softDeletes clears "deletedAt" on restore, so it must be timestamp().nullable()');
    expect(message).toContain('model "c": timestamps fills "createdAt", which must be a timestamp(), not string()');
  });

  it("an unknown model() option is a SchemaError (a misspelling is never dropped)", async () => {
    const error = await caught(() => model({ fields: { id: id() }, softDelete: true } as never));
    expect(error).toBeInstanceOf(SchemaError);
    expect((error as Error).message).toContain('unknown option "softDelete"');
  });
});
