import { beforeAll, describe, expect, it } from "vitest";
import {
  belongsTo,
  belongsToMany,
  defineSchema,
  hasMany,
  id,
  integer,
  LazyLoadingViolationError,
  model,
  morphMany,
  morphTo,
  SchemaError,
  string,
} from "../../src/index.js";
import { caught } from "../support/caught.js";
import { dialect, useTestDb } from "../support/test-db.js";

/** preventLazyLoading: reading a relation a row did not load throws instead of giving undefined. */
const schema = defineSchema(
  {
    user: model({
      fields: { id: id(), name: string() },
      relations: { posts: hasMany("post"), roles: belongsToMany("role") },
    }),
    post: model({
      fields: { id: id(), userId: integer(), title: string() },
      relations: { user: belongsTo("user"), notes: morphMany("note", { morphName: "notable" }) },
    }),
    role: model({ fields: { id: id(), name: string() } }),
    note: model({
      fields: { id: id(), body: string(), notableType: string(), notableId: integer() },
      relations: { notable: morphTo() },
    }),
  },
  { preventLazyLoading: true },
);

describe(`preventLazyLoading on ${dialect}`, () => {
  const t = useTestDb(schema);
  let ada: any;

  beforeAll(async () => {
    ada = await t.db.user.create({
      name: "Ada",
      posts: { create: [{ title: "Notes", notes: { create: [{ body: "n1" }] } }] },
      roles: { create: [{ name: "admin" }] },
    });
  });

  it("a relation that was not loaded throws, naming the relation and how to load it", async () => {
    const [user] = await t.db.user.get();
    const error = await caught(() => (user as any).posts);
    expect(error).toBeInstanceOf(LazyLoadingViolationError);
    expect(error.message).toBe(
      'Relation "user.posts" was read on a row that did not load it (the schema sets preventLazyLoading): load it with .with("posts") on the query, or db.user.load(rows, "posts").',
    );
    expect([error.model, error.relation]).toEqual(["user", "posts"]);
    // Fields, spreads, JSON and equality see a plain row.
    expect(user).toEqual({ id: ada.id, name: "Ada" });
    expect(JSON.parse(JSON.stringify(user))).toEqual({ id: ada.id, name: "Ada" });
    expect(Object.hasOwn(user!, "posts")).toBe(false);
  });

  for (const strategy of ["query", "join"] as const) {
    it(`loaded relations read normally at every level, unloaded ones below still throw (${strategy})`, async () => {
      const [user] = await t.db.user.strategy(strategy).with("posts.notes", "roles").get();
      expect(user!.posts.map((p) => p.title)).toEqual(["Notes"]);
      expect(user!.posts[0]!.notes.map((n) => n.body)).toEqual(["n1"]);
      expect(user!.roles.map((r) => r.name)).toEqual(["admin"]);
      expect(await caught(() => (user!.posts[0] as any).user)).toBeInstanceOf(LazyLoadingViolationError);
      const [note] = await t.db.note.strategy(strategy).with("notable").get();
      expect((note!.notable as any).title).toBe("Notes");
      expect(await caught(() => (note!.notable as any).notes)).toBeInstanceOf(LazyLoadingViolationError);
    });
  }

  it("load and loadMissing set what they load; a created graph carries what it wrote", async () => {
    const users = await t.db.user.loadMissing(await t.db.user.get(), "posts");
    expect(users[0]!.posts).toHaveLength(1);
    const deeper = await t.db.user.loadMissing(users, "posts.user");
    expect(deeper[0]!.posts[0]!.user?.name).toBe("Ada");
    const bob = await t.db.user.create({ name: "Bob", posts: { create: [{ title: "B" }] } });
    expect(bob.posts.map((p) => p.title)).toEqual(["B"]);
    expect(await caught(() => (bob as any).roles)).toBeInstanceOf(LazyLoadingViolationError);
  });

  it("a schema without the option reads an unloaded relation as undefined; a wrong option value is a SchemaError", async () => {
    const loose = defineSchema({
      user: model({ fields: { id: id() }, relations: { posts: hasMany("post") } }),
      post: model({ fields: { id: id(), userId: integer() } }),
    });
    expect(loose.meta.models.get("user")!.preventLazyLoading).toBeUndefined();
    const error = await caught(() =>
      defineSchema({ user: model({ fields: { id: id() } }) }, { preventLazyLoading: "yes" as never, lazy: 1 } as never),
    );
    expect(error).toBeInstanceOf(SchemaError);
    expect(error.message).toContain("preventLazyLoading must be true or false");
    expect(error.message).toContain('unknown option "lazy"');
  });
});
