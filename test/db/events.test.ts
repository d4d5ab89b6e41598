import { beforeEach, describe, expect, it } from "vitest";
import {
  belongsTo,
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

/** What the hooks saw, in order: "event model field=value". */
const log: string[] = [];
/** Set by a test to make one hook throw. */
let failOn: string | undefined;

function hook(model: string, event: string, field: string) {
  return (row: any) => {
    log.push(`${event} ${model} ${field}=${row[field] ?? "-"}`);
    if (failOn === `${event} ${model}`) throw new Error(`hook ${event} refused`);
  };
}

const schema = defineSchema({
  author: model({
    fields: { id: id(), name: string(), slug: string() },
    relations: { books: hasMany("book") },
    events: {
      saving: hook("author", "saving", "name"),
      creating: (row, { db }) => {
        log.push(`creating author name=${row.name}`);
        // A hook may fill and change values; they are checked and written.
        row.slug = String(row.name).toLowerCase();
        expect(db).toBeDefined();
      },
      created: async (row, { db }) => {
        log.push(`created author id=${typeof row.id}`);
        // Queries through the hook's db are part of the write's transaction.
        await db.audit.create({ note: `author ${row.name}` });
        if (failOn === "created author") throw new Error("hook created refused");
      },
      saved: hook("author", "saved", "slug"),
      updating: (row) => {
        log.push(`updating author name=${row.name}`);
        row.slug = String(row.name).toLowerCase();
        if (failOn === "updating author") throw new Error("hook updating refused");
      },
      updated: hook("author", "updated", "slug"),
      deleting: hook("author", "deleting", "name"),
      deleted: hook("author", "deleted", "name"),
    },
  }),
  book: model({
    fields: { id: id(), authorId: integer().nullable(), title: string(), deletedAt: timestamp().nullable() },
    relations: { author: belongsTo("author") },
    softDeletes: true,
    events: {
      creating: hook("book", "creating", "title"),
      updating: hook("book", "updating", "title"),
      deleting: hook("book", "deleting", "title"),
      deleted: hook("book", "deleted", "title"),
      restoring: hook("book", "restoring", "title"),
      restored: hook("book", "restored", "deletedAt"),
    },
  }),
  audit: model({ fields: { id: id(), note: string() } }),
});

describe(`model events on ${dialect}`, () => {
  const t = useTestDb(schema);
  beforeEach(async () => {
    await t.truncate();
    log.length = 0;
    failOn = undefined;
  });

  it("create fires saving, creating, created, saved in order; a hook's changes are written", async () => {
    const ada = await t.db.author.create({ name: "Ada", slug: "x" });
    expect(log).toEqual([
      "saving author name=Ada",
      "creating author name=Ada",
      "created author id=number",
      "saved author slug=ada",
    ]);
    expect(ada.slug).toBe("ada");
    expect(await t.db.author.pluck("slug")).toEqual(["ada"]);
    expect(await t.db.audit.pluck("note")).toEqual(["author Ada"]);
  });

  it("nested graph writes and related(...).create fire the children's hooks", async () => {
    const ada = await t.db.author.create({ name: "Ada", slug: "", books: { create: [{ title: "Notes" }] } });
    await t.db.author.related(ada, "books").create({ title: "Letters" });
    expect(log.filter((line) => line.includes("book"))).toEqual([
      "creating book title=Notes",
      "creating book title=Letters",
    ]);
  });

  it("a throwing hook cancels the write and rolls back everything the write did, its hooks' queries included", async () => {
    failOn = "created author";
    const error = await caught(() => t.db.author.create({ name: "Ada", slug: "" }));
    expect((error as Error).message).toBe("hook created refused");
    expect(await t.db.author.count()).toBe(0);
    expect(await t.db.audit.count()).toBe(0);
  });

  it("update fires saving and updating with the new values per row, then updated and saved; hook changes are written", async () => {
    await t.db.author.createMany([
      { name: "Ada", slug: "" },
      { name: "Bob", slug: "" },
    ]);
    log.length = 0;
    expect(await t.db.author.where("name", "Ada").update({ name: "Ada L" })).toBe(1);
    expect(log).toEqual([
      "saving author name=Ada L",
      "updating author name=Ada L",
      "updated author slug=ada l",
      "saved author slug=ada l",
    ]);
    expect(await t.db.author.orderBy("id").pluck("slug")).toEqual(["ada l", "bob"]);
    failOn = "updating author";
    await caught(() => t.db.author.query().update({ name: "Zed" }));
    expect(await t.db.author.orderBy("id").pluck("name")).toEqual(["Ada L", "Bob"]);
  });

  it("writes through a relation fire the update hooks of the rows they change", async () => {
    const ada = await t.db.author.create({ name: "Ada", slug: "" });
    const book = await t.db.book.create({ title: "Notes" });
    log.length = 0;
    await t.db.book.related(book, "author").associate(ada);
    expect(log).toEqual(["updating book title=Notes"]);
  });

  it("delete fires deleting and deleted; a soft delete too, without the update hooks; restore fires restoring and restored", async () => {
    const ada = await t.db.author.create({ name: "Ada", slug: "" });
    await t.db.book.createMany([{ title: "Notes" }, { title: "Letters" }]);
    log.length = 0;
    expect(await t.db.book.where("title", "Notes").delete()).toBe(1);
    expect(log).toEqual(["deleting book title=Notes", "deleted book title=Notes"]);
    log.length = 0;
    expect(await t.db.book.restore()).toBe(1);
    expect(log).toEqual(["restoring book title=Notes", "updating book title=Notes", "restored book deletedAt=-"]);
    log.length = 0;
    failOn = "deleting author";
    await caught(() => t.db.author.where("id", ada.id).delete());
    expect(await t.db.author.count()).toBe(1);
  });

  it("a model without hooks pays nothing: an update is one statement", async () => {
    await t.db.audit.create({ note: "a" });
    const { queries } = await t.count(() => t.db.audit.query().update({ note: "b" }));
    expect(queries).toBe(1);
  });

  it("an unknown event name is a SchemaError", async () => {
    const error = await caught(() =>
      defineSchema({ a: model({ fields: { id: id() }, events: { creating: () => {}, saveing: () => {} } as never }) }),
    );
    expect(error).toBeInstanceOf(SchemaError);
    expect((error as Error).message).toContain('unknown event "saveing"');
  });
});
