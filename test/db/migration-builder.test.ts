import { type Kysely, sql } from "kysely";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  belongsToMany,
  bigint,
  boolean,
  createDb,
  DatabaseError,
  date,
  decimal,
  defineSchema,
  ForeignKeyConstraintError,
  float,
  id,
  integer,
  json,
  model,
  morphTo,
  SchemaError,
  string,
  text,
  timestamp,
  uuid,
} from "../../src/index.js";
import { createSchemaBuilder, type SchemaBuilder } from "../../src/migrate/builder.js";
import { introspect } from "../../src/migrate/introspect/index.js";
import { statementHelpers } from "../support/statements.js";
import { dialect, type PerDialect, useTestDb } from "../support/test-db.js";

// One database for the migrations (its tables are named per test), one that push() fills.
const t = useTestDb(defineSchema({}), { push: false });
const { noSql } = statementHelpers(t);
const builder = (kysely: Kysely<any> = t.db.kysely): SchemaBuilder =>
  createSchemaBuilder(kysely, t.db.dialectName, { casing: "snake_case" });

/** The driver codes of a violated constraint, per dialect (raw Kysely statements are not mapped). */
const violationCodes: PerDialect<Record<"unique" | "foreignKey" | "notNull", readonly string[]>> = {
  sqlite: {
    unique: ["SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"],
    foreignKey: ["SQLITE_CONSTRAINT_FOREIGNKEY", "SQLITE_CONSTRAINT_TRIGGER"],
    notNull: ["SQLITE_CONSTRAINT_NOTNULL"],
  },
  postgres: { unique: ["23505"], foreignKey: ["23503"], notNull: ["23502"] },
  mysql: {
    unique: ["ER_DUP_ENTRY"],
    foreignKey: ["ER_NO_REFERENCED_ROW_2", "ER_ROW_IS_REFERENCED_2"],
    notNull: ["ER_BAD_NULL_ERROR", "ER_NO_DEFAULT_FOR_FIELD"],
  },
};

async function expectViolation(promise: Promise<unknown>, kind: "unique" | "foreignKey" | "notNull") {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected a ${kind} violation`).toBeDefined();
  expect(violationCodes[dialect][kind], String(error)).toContain(String((error as { code?: unknown }).code));
}

async function catalogOf(kysely: Kysely<any>, table: string) {
  const found = (await introspect(kysely, dialect, { tables: [table] })).tables.get(table);
  if (!found) throw new Error(`no table ${table}`);
  return found;
}

const foreignKeysOf = async (kysely: Kysely<any>, table: string) =>
  (await catalogOf(kysely, table)).foreignKeys.map(({ columns, table: target, targetColumns, onDelete }) => ({
    columns,
    table: target,
    targetColumns,
    onDelete,
  }));

const indexed = async (kysely: Kysely<any>, table: string, columns: readonly string[]) =>
  (await catalogOf(kysely, table)).indexes.some((index) => index.columns.join() === columns.join());

describe(`the migration builder creates tables (${dialect})`, () => {
  it("seed 002's pivot: foreignId().constrained().onDelete(), a composite primary key", async () => {
    const schema = builder();
    const k = t.db.kysely;
    await schema.create("post", (t) => {
      t.id();
      t.string("title");
    });
    await schema.create("tag", (t) => {
      t.increments();
      t.string("name").unique();
    });
    await schema.create("post_tags", (t) => {
      t.foreignId("postId").constrained().onDelete("cascade");
      t.foreignId("tag_id").constrained().onDelete("CASCADE"); // seed 002 spells it so
      t.primary(["postId", "tagId"]);
    });

    const pivot = await catalogOf(k, "post_tags");
    expect(pivot.columns.map((c) => [c.name, c.nullable])).toEqual([
      ["post_id", false],
      ["tag_id", false],
    ]);
    expect(pivot.primaryKey).toEqual(["post_id", "tag_id"]);
    expect(await foreignKeysOf(k, "post_tags")).toEqual([
      { columns: ["post_id"], table: "post", targetColumns: ["id"], onDelete: "cascade" },
      { columns: ["tag_id"], table: "tag", targetColumns: ["id"], onDelete: "cascade" },
    ]);
    // The second key column gets its index; the first is served by the primary key.
    expect(await indexed(k, "post_tags", ["tag_id"])).toBe(true);
    expect(await indexed(k, "post_tags", ["post_id"])).toBe(false);

    await k.insertInto("post").values({ title: "Hello" }).execute();
    await k
      .insertInto("tag")
      .values([{ name: "orm" }, { name: "sql" }])
      .execute();
    const [post] = await k.selectFrom("post").select("id").execute();
    const tags = await k.selectFrom("tag").select("id").orderBy("id").execute();
    await k
      .insertInto("post_tags")
      .values(tags.map((tag) => ({ post_id: post!.id, tag_id: tag.id })))
      .execute();
    await expectViolation(
      k.insertInto("post_tags").values({ post_id: post!.id, tag_id: tags[0]!.id }).execute(),
      "unique",
    );
    await expectViolation(
      k.insertInto("post_tags").values({ post_id: 999_999, tag_id: tags[0]!.id }).execute(),
      "foreignKey",
    );
    await k.deleteFrom("post").execute();
    expect(await k.selectFrom("post_tags").selectAll().execute()).toEqual([]);
  });

  it("create, alter (add, rename, index, unique, drop), rename and drop a table", async () => {
    const schema = builder();
    const k = t.db.kysely;
    expect(await schema.hasTable("mb_note")).toBe(false);
    await schema.create("mb_note", (t) => {
      t.id();
      t.string("title", 100);
      t.integer("views").default(0);
      t.timestamps();
    });
    expect(await schema.hasTable("mb_note")).toBe(true);
    expect(await schema.hasColumn("mb_note", "createdAt")).toBe(true);
    expect(await schema.hasColumn("mb_note", "body")).toBe(false);
    await k.insertInto("mb_note").values({ title: "one" }).execute();
    await k.insertInto("mb_note").values({ title: "two", views: 5 }).execute();

    await schema.alter("mb_note", (t) => {
      t.text("body").nullable();
      t.boolean("pinned").default(false);
      t.renameColumn("views", "hits");
      t.index(["title"]);
      t.unique(["title", "hits"]);
    });
    const note = await catalogOf(k, "mb_note");
    expect(note.columns.map((c) => c.name)).toEqual([
      "id",
      "title",
      "hits",
      "created_at",
      "updated_at",
      "body",
      "pinned",
    ]);
    expect(note.indexes.map((i) => [i.name, i.columns, i.unique])).toEqual([
      ["mb_note_title_hits_unique", ["title", "hits"], true],
      ["mb_note_title_index", ["title"], false],
    ]);
    const rows = await k.selectFrom("mb_note").select(["title", "hits", "body", "pinned"]).orderBy("id").execute();
    expect(rows.map((r) => [r.title, Number(r.hits), r.body, Boolean(r.pinned)])).toEqual([
      ["one", 0, null, false],
      ["two", 5, null, false],
    ]);
    await expectViolation(k.insertInto("mb_note").values({ title: "two", hits: 5 }).execute(), "unique");

    await schema.table("mb_note", (t) => {
      t.dropColumn("body");
      t.dropIndex(["title"]);
      t.dropUnique("mb_note_title_hits_unique");
      t.dropTimestamps();
    });
    const after = await catalogOf(k, "mb_note");
    expect(after.columns.map((c) => c.name)).toEqual(["id", "title", "hits", "pinned"]);
    expect(after.indexes).toEqual([]);
    await k.insertInto("mb_note").values({ title: "two", hits: 5 }).execute();

    await schema.rename("mb_note", "mb_memo");
    expect(await schema.hasTable("mb_note")).toBe(false);
    expect((await k.selectFrom("mb_memo").select("title").execute()).length).toBe(3);
    await schema.drop("mb_memo");
    expect(await schema.hasTable("mb_memo")).toBe(false);
    await schema.dropIfExists("mb_memo");
    await expect(schema.drop("mb_memo")).rejects.toBeInstanceOf(DatabaseError);
    await schema.raw("create table mb_raw (id integer primary key)");
    expect(await schema.hasTable("mb_raw")).toBe(true);
    await schema.raw(sql`drop table mb_raw`);
    expect(await schema.hasTable("mb_raw")).toBe(false);
  });
});

// The same tables, once from models by push() and once written as a migration.
const shop = defineSchema(
  {
    author: model({
      table: "eq_author",
      fields: {
        id: id(),
        email: string().unique(),
        name: string(80),
        bio: text().nullable(),
        rank: integer().default(3),
        big: bigint().nullable(),
        score: float().nullable(),
        price: decimal(8, 3).default("1.500"),
        active: boolean().default(true),
        joinedAt: timestamp().defaultNow(),
        born: date().nullable(),
        prefs: json().nullable(),
        token: uuid().nullable().index(),
      },
    }),
    article: model({
      table: "eq_article",
      fields: {
        id: id(),
        authorId: integer().references("author.id", { onDelete: "cascade" }),
        editorId: integer().nullable().references("author.id", { onDelete: "set null", onUpdate: "cascade" }),
        title: string().index(),
        subjectType: string(),
        subjectId: integer(),
      },
      relations: {
        subject: morphTo({ types: ["label"] }),
        labels: belongsToMany("label", { table: "eq_article_label" }),
      },
    }),
    label: model({
      table: "eq_label",
      fields: { id: uuid().primary().defaultRandom(), name: string() },
      relations: { articles: belongsToMany("article", { table: "eq_article_label" }) },
    }),
  },
  { casing: "snake_case" },
);
const pushed = useTestDb(shop);

describe(`a migration-built table equals push()'s (${dialect})`, () => {
  it("columns, types, defaults, keys, uniques, indexes and foreign keys, by the catalog", async () => {
    const schema = builder();
    await schema.create("eq_author", (t) => {
      t.id();
      t.string("email").unique();
      t.string("name", 80);
      t.text("bio").nullable();
      t.integer("rank").default(3);
      t.bigint("big").nullable();
      t.float("score").nullable();
      t.decimal("price", 8, 3).default("1.500");
      t.boolean("active").default(true);
      t.timestamp("joinedAt").defaultNow();
      t.date("born").nullable();
      t.json("prefs").nullable();
      t.uuid("token").nullable().index();
    });
    await schema.create("eq_label", (t) => {
      t.uuid("id").primary();
      t.string("name");
    });
    await schema.create("eq_article", (t) => {
      t.id();
      t.foreignId("authorId").constrained("eq_author").onDelete("cascade");
      t.foreignId("editorId").nullable().constrained("eq_author").nullOnDelete().cascadeOnUpdate();
      t.string("title").index();
      t.morphs("subject");
    });
    await schema.create("eq_article_label", (t) => {
      t.foreignId("articleId").constrained("eq_article").cascadeOnDelete();
      t.foreignUuid("labelId").constrained("eq_label").cascadeOnDelete();
      t.primary(["articleId", "labelId"]);
    });

    const tables = ["eq_article", "eq_article_label", "eq_author", "eq_label"];
    const built = await introspect(t.db.kysely, dialect, { tables });
    const expected = await introspect(pushed.db.kysely, dialect, { tables });
    expect([...built.tables.keys()]).toEqual(tables);
    for (const table of tables) expect(built.tables.get(table), table).toEqual(expected.tables.get(table));
  });
});

describe(`alter keeps the rows (${dialect}; SQLite rebuilds the table)`, () => {
  it("change(): type, length, nullability and default", async () => {
    const schema = builder();
    const k = t.db.kysely;
    await schema.create("mb_item", (t) => {
      t.id();
      t.string("name", 20);
      t.string("qty", 10).nullable();
    });
    await k
      .insertInto("mb_item")
      .values([
        { name: "a", qty: "5" },
        { name: "b", qty: "12" },
      ])
      .execute();

    await schema.alter("mb_item", (t) => {
      t.string("name", 200).change();
      t.integer("qty").default(1).change();
    });
    const item = await catalogOf(k, "mb_item");
    expect(item.columns.find((c) => c.name === "qty")?.nullable).toBe(false);
    await k
      .insertInto("mb_item")
      .values({ name: "c".repeat(150) })
      .execute();
    const rows = await k.selectFrom("mb_item").select(["name", "qty"]).orderBy("id").execute();
    expect(rows.map((r) => [r.name, Number(r.qty)])).toEqual([
      ["a", 5],
      ["b", 12],
      ["c".repeat(150), 1],
    ]);
    await expectViolation(k.insertInto("mb_item").values({ name: null }).execute(), "notNull");

    await schema.alter("mb_item", (t) => t.string("name", 200).nullable().change());
    await k.insertInto("mb_item").values({ name: null }).execute();
    expect(await k.selectFrom("mb_item").select("name").where("name", "is", null).execute()).toEqual([{ name: null }]);
  });

  it("altering a referenced table and its children keeps every row, and the foreign keys still hold", async () => {
    const schema = builder();
    const k = t.db.kysely;
    await schema.create("mb_owner", (t) => {
      t.id();
      t.string("name");
    });
    await schema.create("mb_pet", (t) => {
      t.id();
      t.foreignId("ownerId").constrained("mb_owner").cascadeOnDelete();
      t.string("name");
      t.string("nickname").nullable().index();
    });
    await k
      .insertInto("mb_owner")
      .values([{ name: "Ada" }, { name: "Bea" }])
      .execute();
    const [ada, bea] = await k.selectFrom("mb_owner").select("id").orderBy("id").execute();
    await k
      .insertInto("mb_pet")
      .values([
        { owner_id: ada!.id, name: "Rex", nickname: "R" },
        { owner_id: ada!.id, name: "Tom" },
        { owner_id: bea!.id, name: "Kit" },
        { owner_id: bea!.id, name: "Gone" },
      ])
      .execute();
    // The highest id is deleted: a rebuild must not hand it out again.
    const gone = await k.selectFrom("mb_pet").select("id").where("name", "=", "Gone").executeTakeFirstOrThrow();
    await k.deleteFrom("mb_pet").where("id", "=", gone.id).execute();

    // The parent: on SQLite a rebuild, which must not cascade into mb_pet.
    await schema.alter("mb_owner", (t) => {
      t.string("name", 50).change();
      t.string("email").nullable().unique();
    });
    expect((await k.selectFrom("mb_pet").select("id").execute()).length).toBe(3);

    // The child: a renamed key column, a dropped indexed column, a new foreign key.
    await schema.alter("mb_pet", (t) => {
      t.renameColumn("ownerId", "keeperId");
      t.dropColumn("nickname");
      t.string("species").default("cat");
      t.foreignId("vetId").nullable().constrained("mb_owner").nullOnDelete();
      t.string("name", 40).change();
    });
    const pet = await catalogOf(k, "mb_pet");
    expect(pet.columns.map((c) => c.name)).toEqual(["id", "keeper_id", "name", "species", "vet_id"]);
    expect(
      pet.foreignKeys
        .map((fk) => [fk.columns, fk.table, fk.onDelete])
        .sort((a, b) => String(a).localeCompare(String(b))),
    ).toEqual([
      [["keeper_id"], "mb_owner", "cascade"],
      [["vet_id"], "mb_owner", "set null"],
    ]);
    expect(await indexed(k, "mb_pet", ["vet_id"])).toBe(true);
    const pets = await k.selectFrom("mb_pet").select(["name", "keeper_id", "species"]).orderBy("id").execute();
    expect(pets).toEqual([
      { name: "Rex", keeper_id: ada!.id, species: "cat" },
      { name: "Tom", keeper_id: ada!.id, species: "cat" },
      { name: "Kit", keeper_id: bea!.id, species: "cat" },
    ]);
    if (dialect === "sqlite") {
      const { rows } = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(k);
      expect(rows[0]?.foreign_keys).toBe(1);
    }

    // Enforced afterwards: a missing parent is refused, a delete still cascades / sets null.
    await expectViolation(
      k.insertInto("mb_pet").values({ keeper_id: 999_999, name: "Nobody" }).execute(),
      "foreignKey",
    );
    const kit = await k.insertInto("mb_pet").values({ keeper_id: bea!.id, vet_id: ada!.id, name: "New" }).execute();
    void kit;
    const newest = await k.selectFrom("mb_pet").select("id").where("name", "=", "New").executeTakeFirstOrThrow();
    expect(Number(newest.id)).toBeGreaterThan(Number(gone.id));
    await k.deleteFrom("mb_owner").where("id", "=", ada!.id).execute();
    expect(await k.selectFrom("mb_pet").select(["name", "vet_id"]).orderBy("id").execute()).toEqual([
      { name: "Kit", vet_id: null },
      { name: "New", vet_id: null },
    ]);

    // A constraint keeps the name it was made with when its column is renamed (as on every database).
    await schema.alter("mb_pet", (t) => t.dropForeign("mb_pet_owner_id_foreign"));
    expect((await foreignKeysOf(k, "mb_pet")).map((fk) => fk.columns)).toEqual([["vet_id"]]);
    await k.insertInto("mb_pet").values({ keeper_id: 999_999, name: "Stray" }).execute();
  });

  it("a primary key replaced by a composite one", async () => {
    const schema = builder();
    const k = t.db.kysely;
    await schema.create("mb_pair", (t) => {
      t.integer("a").primary();
      t.integer("b");
    });
    await k
      .insertInto("mb_pair")
      .values([
        { a: 1, b: 1 },
        { a: 2, b: 1 },
      ])
      .execute();
    await expectViolation(k.insertInto("mb_pair").values({ a: 1, b: 2 }).execute(), "unique");
    await schema.alter("mb_pair", (t) => {
      t.dropPrimary();
      t.primary(["a", "b"]);
    });
    expect((await catalogOf(k, "mb_pair")).primaryKey).toEqual(["a", "b"]);
    await k.insertInto("mb_pair").values({ a: 1, b: 2 }).execute();
    await expectViolation(k.insertInto("mb_pair").values({ a: 1, b: 2 }).execute(), "unique");
    expect((await k.selectFrom("mb_pair").select("a").execute()).length).toBe(3);
  });

  it("a foreign key the rows break is refused with ForeignKeyConstraintError, and nothing changes", async () => {
    const schema = builder();
    const k = t.db.kysely;
    await schema.create("mb_city", (t) => {
      t.id();
      t.string("name");
    });
    await schema.create("mb_street", (t) => {
      t.id();
      t.integer("cityId");
    });
    await k.insertInto("mb_street").values({ city_id: 42 }).execute();
    const error = await schema
      .alter("mb_street", (t) => t.foreign("cityId").references("id").on("mb_city"))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ForeignKeyConstraintError);
    expect(await foreignKeysOf(k, "mb_street")).toEqual([]);
    expect(await k.selectFrom("mb_street").select("city_id").execute()).toEqual([{ city_id: 42 }]);
  });

  it.runIf(dialect === "sqlite")(
    "inside a transaction, SQLite refuses to rebuild a referenced table (foreign keys cannot be turned off there)",
    async () => {
      const k = t.db.kysely;
      await builder().create("mb_parent", (t) => {
        t.id();
        t.string("name");
      });
      await builder().create("mb_child", (t) => {
        t.id();
        t.foreignId("parentId").constrained("mb_parent").cascadeOnDelete();
      });
      await k.insertInto("mb_parent").values({ name: "p" }).execute();
      await k.insertInto("mb_child").values({ parent_id: 1 }).execute();
      const error = await k
        .transaction()
        .execute((trx) => builder(trx).alter("mb_parent", (t) => t.string("name", 10).change()))
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(SchemaError);
      expect(String(error)).toMatch(/outside a transaction/);
      // The child table, which nothing references, can be rebuilt there (a new foreign key: a rebuild).
      await k.transaction().execute((trx) =>
        builder(trx).alter("mb_child", (t) => {
          t.string("note").default("x");
          t.foreignId("otherId").nullable().constrained("mb_parent");
        }),
      );
      expect(await k.selectFrom("mb_child").select(["parent_id", "note", "other_id"]).execute()).toEqual([
        { parent_id: 1, note: "x", other_id: null },
      ]);
      expect((await foreignKeysOf(k, "mb_child")).length).toBe(2);
      expect(await k.selectFrom("mb_parent").select("name").execute()).toEqual([{ name: "p" }]);
    },
  );
});

describe.runIf(dialect === "sqlite")("SQLite table rebuilds", () => {
  it("keep a hand-made table's triggers and the views over it, on a database that never had an AUTOINCREMENT table", async () => {
    const db = createDb({ schema: defineSchema({}), url: "sqlite::memory:" });
    try {
      const k = db.kysely;
      await sql`create table legacy (id integer primary key, name text not null, note text)`.execute(k);
      await sql`create table legacy_log (name text)`.execute(k);
      await sql`create trigger legacy_logged after insert on legacy begin insert into legacy_log values (new.name); end`.execute(
        k,
      );
      await sql`create view legacy_names as select name from legacy`.execute(k);
      await k.insertInto("legacy").values({ name: "old" }).execute();
      await createSchemaBuilder(k, "sqlite").alter("legacy", (t) => {
        t.dropColumn("note");
        t.string("name", 40).nullable().change();
      });
      await k.insertInto("legacy").values({ name: "new" }).execute();
      expect(await k.selectFrom("legacy_names").select("name").orderBy("name").execute()).toEqual([
        { name: "new" },
        { name: "old" },
      ]);
      expect(await k.selectFrom("legacy_log").select("name").execute()).toEqual([{ name: "old" }, { name: "new" }]);
      expect((await catalogOf(k, "legacy")).columns.map((c) => [c.name, c.nullable])).toEqual([
        ["id", false],
        ["name", true],
      ]);
    } finally {
      await db.destroy();
    }
  });

  it("refuses, changing nothing, on a connection inside a transaction Kysely did not open", async () => {
    const k = t.db.kysely;
    await builder().create("mb_solo", (t) => {
      t.id();
      t.string("name");
    });
    const error = await k
      .connection()
      .execute(async (connection) => {
        await sql`begin`.execute(connection);
        try {
          await builder(connection).alter("mb_solo", (t) => t.string("name", 10).change());
        } finally {
          await sql`rollback`.execute(connection);
        }
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(SchemaError);
    expect(String(error)).toMatch(/inside a transaction/);
    const { rows } = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(k);
    expect(rows[0]?.foreign_keys).toBe(1);
  });
});

describe(`bad input is a SchemaError naming the valid choices, before any SQL (${dialect})`, () => {
  const cases: [string, (schema: SchemaBuilder) => Promise<unknown>, RegExp][] = [
    ["a missing table name", (s) => s.create("", (t) => t.id()), /create\(table\) must be a non-empty string/],
    [
      "a table name that is not an identifier",
      (s) => s.create("my table", (t) => t.id()),
      /only letters, digits and _/,
    ],
    [
      "an unknown column type",
      (s) => s.create("mb_bad", (t) => t.column("a", "varchar2" as never)),
      /unknown column type "varchar2"; valid types: id, increments, uuid, string, text/,
    ],
    [
      "a bad onDelete action",
      (s) =>
        s.create("mb_bad", (t) =>
          t
            .foreignId("postId")
            .constrained()
            .onDelete("explode" as never),
        ),
      /onDelete must be one of "cascade", "set null", "restrict", "no action", got "explode"/,
    ],
    [
      "a string length of 0",
      (s) => s.create("mb_bad", (t) => t.string("a", 0)),
      /string\("a", length\) must be a whole number from 1 to 16383, got 0/,
    ],
    [
      "a scale above the precision",
      (s) => s.create("mb_bad", (t) => t.decimal("a", 5, 7)),
      /scale must be a whole number from 0 to 5/,
    ],
    [
      "a default of the wrong type",
      // @ts-expect-error a boolean column's default is a boolean
      (s) => s.create("mb_bad", (t) => t.boolean("a").default("yes")),
      /a boolean column's default must be true or false/,
    ],
    [
      "a default on a text column",
      // @ts-expect-error text takes no DDL default
      (s) => s.create("mb_bad", (t) => t.text("a").default("x")),
      /takes no DDL default/,
    ],
    [
      "a key over a missing column",
      (s) =>
        s.create("mb_bad", (t) => {
          t.id();
          t.unique(["nope"]);
        }),
      /has no column "nope"/,
    ],
    [
      "a foreign key without its table",
      (s) => s.create("mb_bad", (t) => t.integer("ownerId").references("id")),
      /needs its target: \.constrained\(table\?\), or \.references\(column\)\.on\(table\)/,
    ],
    [
      "constrained() on a name it cannot guess from",
      (s) => s.create("mb_bad", (t) => t.integer("owner").constrained()),
      /guesses the table from a name ending in Id or _id/,
    ],
    [
      "a column defined twice",
      (s) =>
        s.create("mb_bad", (t) => {
          t.id();
          t.string("id");
        }),
      /column "id" already exists/,
    ],
    [
      "two primary keys",
      (s) =>
        s.create("mb_bad", (t) => {
          t.id();
          t.integer("b");
          t.primary(["b"]);
        }),
      /primary key twice/,
    ],
    [
      "change() in create",
      // @ts-expect-error change() is only in alter
      (s) => s.create("mb_bad", (t) => t.string("a").change()),
      /change\(\) is for schema\.alter\(\)/,
    ],
    [
      'seed 002\'s primary("post_id", "tag_id"), whose second argument is the key\'s name',
      (s) =>
        s.create("mb_bad", (t) => {
          t.integer("postId");
          t.integer("tagId");
          t.primary("postId", "tag_id");
        }),
      /the second argument is the key's name, and "tag_id" is a column; pass the columns as a list/,
    ],
    ["a callback that is not one", (s) => s.create("mb_bad", "nope" as never), /takes a callback/],
    [
      "an async callback",
      (s) => s.create("mb_bad", (async (t: any) => t.id()) as never),
      /must define the table synchronously/,
    ],
    ["an empty raw statement", (s) => s.raw("  "), /raw\(statement\) takes an SQL statement/],
  ];

  for (const [name, fn, message] of cases) {
    it(name, async () => {
      const error = await noSql(() => fn(builder()));
      expect(error).toBeInstanceOf(SchemaError);
      expect(error.message).toMatch(message);
    });
  }

  it("every problem of a blueprint at once", async () => {
    const error = await noSql(() =>
      builder().create("mb_bad", (t) => {
        t.integer("a").onDelete("cascade");
        t.boolean("b").default(null);
        t.index(["c"]);
      }),
    );
    expect(error.problems).toEqual([
      'create("mb_bad"): column "a": a foreign key needs its target: .constrained(table?), or .references(column).on(table)',
      'create("mb_bad"): column "b": default(null) needs .nullable()',
    ]);
  });

  it("an unknown dialect or option", async () => {
    await noSql(async () => {
      expect(() => createSchemaBuilder(t.db.kysely, "oracle" as never)).toThrow(
        /must be one of sqlite, postgres, mysql/,
      );
      expect(() => createSchemaBuilder(t.db.kysely, dialect, { casing: "kebab" as never })).toThrow(
        /casing must be one of snake_case, camelCase, preserve/,
      );
      throw new Error("done");
    });
  });

  it("an alter naming what the table does not have reads the catalog, then changes nothing", async () => {
    const schema = builder();
    await schema.create("mb_keep", (t) => {
      t.id();
      t.string("name");
    });
    const before = t.queries.length;
    const { queries, result } = await t.count(() =>
      schema
        .alter("mb_keep", (t) => {
          t.string("extra").nullable();
          t.dropColumn("nope");
          t.renameColumn("name", "id");
          t.dropIndex("mb_keep_missing_index");
        })
        .catch((e: unknown) => e),
    );
    expect(result).toBeInstanceOf(SchemaError);
    expect((result as SchemaError).problems).toEqual([
      'alter("mb_keep"): dropColumn("nope"): "mb_keep" has no column "nope" (columns: "id", "name", "extra")',
      'alter("mb_keep"): renameColumn("name", "id"): "mb_keep" already has a column "id"',
      'alter("mb_keep"): dropIndex: "mb_keep" has no index "mb_keep_missing_index" (it has: none)',
    ]);
    expect(queries).toBeGreaterThan(0);
    expect(
      t.queries.slice(before).filter((q) => /^\s*(create|alter|drop|insert|update|delete)\b/i.test(q.sql)),
    ).toEqual([]);
    expect(await schema.hasColumn("mb_keep", "extra")).toBe(false);
    await expect(schema.alter("mb_missing", (t) => t.dropColumn("a"))).rejects.toThrow(
      /there is no table "mb_missing"/,
    );
  });

  it("types: the builder's methods and what they return", () => {
    const schema = builder();
    expectTypeOf(schema.create).returns.toEqualTypeOf<Promise<void>>();
    void (() =>
      schema.alter("x", (t) => {
        t.integer("a").nullable().default(1).change();
        // @ts-expect-error an integer column's default is a number
        t.integer("b").default("1");
        t.timestamp("c").defaultNow();
        // @ts-expect-error defaultNow() is for timestamps and dates
        t.integer("d").defaultNow();
        // @ts-expect-error onDelete takes a referential action
        t.foreignId("e").constrained().onDelete("explode");
      }));
  });
});
