import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { profiles } from "../../src/dialect/resolve.js";
import { Session } from "../../src/dialect/session.js";
import {
  createSchemaBuilder,
  type DbSchema,
  type DbTable,
  defineSchema,
  type Field,
  float,
  id,
  integer,
  introspect,
  model,
  type Schema,
  string,
  text,
} from "../../src/index.js";
import {
  describeChanges,
  desiredSchema,
  diffSchemas,
  MigrationError,
  parseRenames,
  renameCandidates,
  type SchemaChange,
} from "../../src/migrate/diff.js";
import { checkDrift, generateMigration, migrationFolders, pushSchema } from "../../src/migrate/generate-migration.js";
import { blog } from "../support/blog-schema.js";
import { caught } from "../support/caught.js";
import { everyKind } from "../support/generate-fixture.js";
import { dialect, type PerDialect, useTestDb } from "../support/test-db.js";

const sessionOf = (kysely: Session["kysely"], schema: Schema) =>
  new Session(kysely, profiles[dialect], schema, "query");

/** What a table is, defaults and referential actions aside (compared through diffSchemas). */
const shape = (table: DbTable | undefined) =>
  table && {
    columns: table.columns.map(({ name, type, nullable, autoIncrement }) => ({ name, type, nullable, autoIncrement })),
    primaryKey: table.primaryKey,
    indexes: table.indexes,
    foreignKeys: table.foreignKeys.map(({ name, columns, table, targetColumns }) => ({
      name,
      columns,
      table,
      targetColumns,
    })),
  };

const pushedBlog = useTestDb(blog);
const pushedEveryKind = useTestDb(everyKind);
const empty = useTestDb(blog, { push: false });

describe(`desiredSchema (${dialect})`, () => {
  it("is what introspect() reads right after push(): the blog and the generator fixture", async () => {
    for (const [t, schema] of [
      [pushedBlog, blog],
      [pushedEveryKind, everyKind],
    ] as const) {
      const live = await introspect(t.db.kysely, dialect);
      const desired = desiredSchema(schema, dialect);
      expect(diffSchemas(live, desired)).toEqual([]);
      expect([...desired.tables.keys()]).toEqual([...live.tables.keys()]);
      for (const [name, table] of desired.tables) expect(shape(table), name).toEqual(shape(live.tables.get(name)));
    }
  });

  it("pushSchema() on an empty database makes exactly the tables push() makes; checkDrift() is then empty", async () => {
    const session = sessionOf(empty.db.kysely, blog);
    const drift = await checkDrift(session);
    expect(drift.changes.filter((c) => c.kind !== "createTable")).toEqual([]);
    expect(drift.text).toContain("+ table users");
    const { applied } = await pushSchema(session);
    expect(applied).toHaveLength(blog.meta.models.size + blog.meta.pivotTables.size);
    const made = await introspect(empty.db.kysely, dialect);
    const pushed = await introspect(pushedBlog.db.kysely, dialect);
    expect([...made.tables.keys()]).toEqual([...pushed.tables.keys()]);
    for (const [name, table] of pushed.tables) expect(made.tables.get(name), name).toEqual(table);
    expect(await checkDrift(session)).toEqual({
      changes: [],
      text: "No drift: the database matches the schema.",
    });
    expect(await pushSchema(session)).toEqual({ applied: [] });
  });
});

// ---------------------------------------------------------------------------------------------
// One kind of change at a time, between two versions of a small schema (offline).
// ---------------------------------------------------------------------------------------------

const author = model({
  table: "authors",
  fields: { id: id(), name: string(100), email: string().unique(), rank: integer().default(1) },
});
const bookFields = {
  id: id(),
  authorId: integer().references("author.id", { onDelete: "cascade" }),
  title: string(200),
  pages: integer().nullable(),
  price: float().nullable(),
  legacy: string().nullable(),
};
type Fields = Record<string, Field<any, any, any>>;
const shop = (fields: Fields, extra: Record<string, ReturnType<typeof model>> = {}, options: object = {}) =>
  defineSchema(
    { author, book: model({ table: "books", fields, ...options }), ...extra },
    { casing: "snake_case" },
  ) as Schema;
const base = shop(bookFields);
const diff = (to: Schema, renames: readonly string[] = [], from: Schema = base) =>
  diffSchemas(desiredSchema(from, dialect), desiredSchema(to, dialect), { renames: parseRenames(to, renames) });
const kinds = (changes: readonly SchemaChange[]) => changes.map((c) => `${c.kind}${c.lossy ? " (lossy)" : ""}`);

/** push()'s column types as each catalog spells them. */
const types: PerDialect<{ string: (n: number) => string; integer: string; float: string }> = {
  sqlite: { string: () => "text", integer: "integer", float: "real" },
  postgres: { string: (n) => `character varying(${n})`, integer: "integer", float: "double precision" },
  mysql: { string: (n) => `varchar(${n})`, integer: "int", float: "double" },
};
const say = types[dialect];
/** push() indexes a foreign key itself, except on MySQL (InnoDB does, under the key's name). */
const fkIndexed = dialect !== "mysql";

describe(`diffSchemas: columns (${dialect})`, () => {
  it("adds a nullable field and one with a default", () => {
    const changes = diff(shop({ ...bookFields, subtitle: string().nullable(), status: string(20).default("draft") }));
    expect(kinds(changes)).toEqual(["addColumn", "addColumn"]);
    const status = desiredSchema(base, dialect); // the literal as the catalog prints it
    expect(status.tables.get("books")).toBeDefined();
    expect(describeChanges(changes).split("\n")).toEqual([
      `+ books.subtitle ${say.string(255)} null`,
      `+ books.status ${say.string(20)} not null default ${
        { sqlite: "'draft'", postgres: "'draft'::character varying", mysql: "'draft'" }[dialect]
      }`,
    ]);
  });

  it("drops a field: lossy", () => {
    const { legacy: _, ...rest } = bookFields;
    const changes = diff(shop(rest));
    expect(kinds(changes)).toEqual(["dropColumn (lossy)"]);
    expect(describeChanges(changes)).toBe("- books.legacy (data loss)");
  });

  it("renames only with the flag: otherwise a drop and an add, listed as a candidate", () => {
    const { title, ...rest } = bookFields;
    const to = shop({ ...rest, heading: title });
    const guessed = diff(to);
    expect(kinds(guessed)).toEqual(["dropColumn (lossy)", "addColumn"]);
    expect(renameCandidates(guessed)).toEqual([{ table: "books", dropped: "title", added: "heading" }]);
    const renamed = diff(to, ["book.title=book.heading"]);
    expect(renamed).toEqual([{ kind: "renameColumn", table: "books", from: "title", to: "heading", lossy: false }]);
    expect(describeChanges(renamed)).toBe("~ books.title -> books.heading (renamed)");
    expect(renameCandidates(renamed)).toEqual([]);
  });

  it("alters types: widening is not lossy, narrowing is", () => {
    const changes = diff(shop({ ...bookFields, pages: float().nullable(), price: integer().nullable() }));
    expect(kinds(changes)).toEqual(["alterColumn", "alterColumn (lossy)"]);
    expect(describeChanges(changes).split("\n")).toEqual([
      `~ books.pages ${say.integer} -> ${say.float}`,
      `~ books.price ${say.float} -> ${say.integer} (data loss)`,
    ]);
    // SQLite stores every string as text: a shorter string() is no change there.
    const shorter = diff(shop({ ...bookFields, title: string(50) }));
    expect(kinds(shorter)).toEqual(dialect === "sqlite" ? [] : ["alterColumn (lossy)"]);
    const longer = diff(shop({ ...bookFields, title: text() }));
    expect(kinds(longer)).toEqual(dialect === "sqlite" ? [] : ["alterColumn"]);
  });

  it("alters nullability (NULL no longer allowed: lossy) and defaults", () => {
    const changes = diff(shop({ ...bookFields, pages: integer(), title: string(200).nullable() }));
    expect(changes.map((c) => c.kind === "alterColumn" && [c.to.name, c.changed, c.lossy])).toEqual([
      ["title", ["nullable"], false],
      ["pages", ["nullable"], true],
    ]);
    expect(describeChanges(changes).split("\n")).toEqual([
      "~ books.title not null -> null",
      "~ books.pages null -> not null (data loss)",
    ]);
    const defaults = diff(shop({ ...bookFields, pages: integer().nullable().default(100) }));
    expect(describeChanges(defaults)).toBe("~ books.pages default none -> 100");
    expect(kinds(defaults)).toEqual(["alterColumn"]);
  });
});

describe(`diffSchemas: tables, keys and indexes (${dialect})`, () => {
  const publisher = model({ table: "publishers", fields: { id: id(), name: string() } });

  it("creates and drops tables (a drop is lossy), and renames one only with the flag", () => {
    expect(kinds(diff(shop(bookFields, { publisher })))).toEqual(["createTable"]);
    expect(kinds(diff(base, [], shop(bookFields, { publisher })))).toEqual(["dropTable (lossy)"]);
    const volumes = defineSchema(
      { author, book: model({ table: "volumes", fields: bookFields }) },
      { casing: "snake_case" },
    ) as Schema;
    expect(kinds(diff(volumes))).toEqual(["createTable", "dropTable (lossy)"]);
    const renamed = diff(volumes, ["books=book"]);
    // The constraint names follow the table's name.
    expect(kinds(renamed)).toEqual([
      "renameTable",
      "dropForeignKey",
      ...(fkIndexed ? ["dropIndex"] : []),
      ...(fkIndexed ? ["addIndex"] : []),
      "addForeignKey",
    ]);
    expect(describeChanges(renamed).split("\n")[0]).toBe("~ table books -> volumes (renamed)");
  });

  it("adds a relation: the column, its foreign key and its index", () => {
    const changes = diff(
      shop({ ...bookFields, publisherId: integer().nullable().references("publisher.id") }, { publisher }),
    );
    expect(kinds(changes)).toEqual(["createTable", "addColumn", ...(fkIndexed ? ["addIndex"] : []), "addForeignKey"]);
    expect(describeChanges(changes)).toContain(
      "+ foreign key books_publisher_id_foreign on books (publisher_id) -> publishers (id)",
    );
  });

  it("changes a foreign key's action as a drop and an add; RESTRICT and NO ACTION are the same", () => {
    const setNull = diff(
      shop({ ...bookFields, authorId: integer().nullable().references("author.id", { onDelete: "set null" }) }),
    );
    expect(kinds(setNull)).toEqual(["dropForeignKey", "alterColumn", "addForeignKey"]);
    const restrict = shop({ ...bookFields, authorId: integer().references("author.id", { onDelete: "restrict" }) });
    const noAction = shop({ ...bookFields, authorId: integer().references("author.id", { onDelete: "no action" }) });
    expect(diff(noAction, [], restrict)).toEqual([]);
  });

  it("adds and drops indexes and uniques, composite ones too", () => {
    const indexed = shop(
      { ...bookFields, title: string(200).unique(), pages: integer().nullable().index() },
      {},
      {
        indexes: [["title", "pages"]],
        uniques: [["authorId", "title"]],
      },
    );
    const changes = diff(indexed);
    // A unique starting with author_id serves its foreign key: push() then makes no index of its own for it.
    const fkIndex = fkIndexed ? ["- index books_author_id_index on books (author_id)"] : [];
    expect(describeChanges(changes).split("\n").sort()).toEqual(
      [
        ...fkIndex,
        "+ index books_pages_index on books (pages)",
        "+ index books_title_pages_index on books (title, pages)",
        "+ unique books_author_id_title_unique on books (author_id, title)",
        "+ unique books_title_unique on books (title)",
      ].sort(),
    );
    expect(changes.every((c) => !c.lossy)).toBe(true);
    expect(kinds(diff(base, [], indexed)).sort()).toEqual(
      [...(fkIndexed ? ["addIndex"] : []), "dropIndex", "dropIndex", "dropIndex", "dropIndex"].sort(),
    );
  });

  it("changes a primary key", () => {
    const pair = (key: "both" | "left") =>
      defineSchema({
        pair: model({
          table: "pairs",
          fields: {
            left: string(10).primary(),
            right: key === "both" ? string(10).primary() : string(10),
            note: string().nullable(),
          },
        }),
      }) as Schema;
    const changes = diff(pair("left"), [], pair("both"));
    expect(changes).toEqual([
      { kind: "changePrimaryKey", table: "pairs", from: ["left", "right"], to: ["left"], lossy: false },
    ]);
    expect(describeChanges(changes)).toBe("~ primary key of pairs (left, right) -> (left)");
  });
});

describe(`renames as the CLI takes them (${dialect})`, () => {
  const { title, ...rest } = bookFields;
  const to = shop({ ...rest, heading: title });

  it("parseRenames resolves model.field to table.column, and oldTable=model to tables", () => {
    const camel = shop({ ...rest, headLine: title });
    expect(parseRenames(camel, ["book.title=book.headLine", "books=book"])).toEqual([
      { kind: "column", table: "books", from: "title", to: "head_line" },
      { kind: "table", from: "books", to: "books" },
    ]);
    expect(parseRenames(camel, ["book.oldTitle=book.headLine"])[0]).toMatchObject({ from: "old_title" });
  });

  it("a malformed or impossible rename is a MigrationError naming it", async () => {
    for (const [spec, message] of [
      ["book.title", "write model.oldField=model.newField"],
      ["nobody.title=nobody.heading", '"nobody" is neither a model nor a table'],
      ["book.title=book.nope", 'model "book" has no field "nope"'],
      ["book.title=author.name", "a field is renamed within one model"],
    ]) {
      const error = await caught(() => parseRenames(to, [spec!]));
      expect(error, spec).toBeInstanceOf(MigrationError);
      expect(error.message, spec).toContain(message);
    }
    const error = await caught(() => diff(to, ["book.nope=book.heading"]));
    expect(error).toBeInstanceOf(MigrationError);
    expect(error.message).toContain('"books" has no column "nope"');
  });
});

// ---------------------------------------------------------------------------------------------
// Generated migration files, applied to this database, up then down.
// ---------------------------------------------------------------------------------------------

const migrated = useTestDb(defineSchema({}), { push: false });
const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

describe(`generated migrations on ${dialect}`, () => {
  it("each up gives its snapshot's tables and keeps the rows; each down gives back the previous ones", async () => {
    const dir = await mkdtemp(join(tmpdir(), "relata-schema-diff-"));
    folders.push(dir);
    const { legacy: _, title, ...rest } = bookFields;
    const tag = model({ table: "tags", fields: { id: id(), name: string(50).unique() } });
    const v2 = shop(
      { ...rest, heading: title, status: string(20).default("draft") },
      { tag },
      {
        indexes: [["status", "pages"]],
      },
    );
    await generateMigration({ schema: base, dialect, dir });
    await generateMigration({ schema: v2, dialect, dir, renames: ["book.title=book.heading"], acceptDataLoss: true });
    const paths = (await migrationFolders(dir)).map((folder) => join(dir, folder));
    const [first, second] = await Promise.all(paths.map((p) => import(pathToFileURL(join(p, "migration.ts")).href)));
    const k = migrated.db.kysely;
    const schema = createSchemaBuilder(k, dialect, { casing: "preserve" });
    const drift = async (to: Schema | undefined) =>
      diffSchemas(await introspect(k, dialect), to ? desiredSchema(to, dialect) : ({ tables: new Map() } as DbSchema));

    await first.up(schema);
    expect(await drift(base)).toEqual([]);
    await k.insertInto("authors").values({ name: "Ada", email: "ada@example.dev" }).execute();
    const [ada] = await k.selectFrom("authors").select("id").execute();
    await k
      .insertInto("books")
      .values([
        { author_id: ada!.id, title: "Notes", pages: 12, legacy: "x" },
        { author_id: ada!.id, title: "Letters", pages: 30 },
      ])
      .execute();

    await second.up(schema);
    expect(await drift(v2)).toEqual([]);
    const rows = await k.selectFrom("books").select(["heading", "pages", "status"]).orderBy("id").execute();
    expect(rows.map((r) => [r.heading, Number(r.pages), r.status])).toEqual([
      ["Notes", 12, "draft"],
      ["Letters", 30, "draft"],
    ]);

    await second.down(schema);
    expect(await drift(base)).toEqual([]);
    const back = await k.selectFrom("books").select(["title", "legacy"]).orderBy("id").execute();
    expect(back).toEqual([
      { title: "Notes", legacy: null },
      { title: "Letters", legacy: null },
    ]);
    await first.down(schema);
    expect(await drift(undefined)).toEqual([]);
  });
});
