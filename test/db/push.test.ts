import { type Kysely, type RawBuilder, sql } from "kysely";
import { beforeEach, describe, expect, it } from "vitest";
import {
  bigint,
  defineSchema,
  ForeignKeyConstraintError,
  float,
  id,
  integer,
  model,
  string,
  UniqueConstraintError,
} from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { dialect, type PerDialect, useTestDb } from "../support/test-db.js";

// ---------------------------------------------------------------------------------------------
// Catalog helpers: what push() really created, read from each database's own catalog.
// ---------------------------------------------------------------------------------------------

const tablesQuery: PerDialect<() => RawBuilder<{ name: string }>> = {
  sqlite: () => sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`,
  postgres: () =>
    sql`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`,
  mysql: () =>
    sql`select table_name as name from information_schema.tables where table_schema = database() and table_type = 'BASE TABLE'`,
};

async function tablesIn(kysely: Kysely<any>): Promise<string[]> {
  const { rows } = await tablesQuery[dialect]().execute(kysely);
  return rows.map((r) => r.name).sort();
}

const columnsQuery: PerDialect<(table: string) => RawBuilder<{ name: string }>> = {
  sqlite: (table) => sql`select name from pragma_table_info(${table})`,
  postgres: (table) =>
    sql`select column_name as name from information_schema.columns where table_schema = current_schema() and table_name = ${table}`,
  mysql: (table) =>
    sql`select column_name as name from information_schema.columns where table_schema = database() and table_name = ${table}`,
};

async function columnsOf(kysely: Kysely<any>, table: string): Promise<string[]> {
  const { rows } = await columnsQuery[dialect](table).execute(kysely);
  return rows.map((r) => r.name).sort();
}

const primaryKeyQuery: PerDialect<(table: string) => RawBuilder<{ name: string }>> = {
  sqlite: (table) => sql`select name from pragma_table_info(${table}) where pk > 0 order by pk`,
  postgres: (table) => sql`
    select kcu.column_name as name
    from information_schema.table_constraints tc
    join information_schema.key_column_usage kcu
      on kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema and kcu.table_name = tc.table_name
    where tc.constraint_type = 'PRIMARY KEY' and tc.table_schema = current_schema() and tc.table_name = ${table}
    order by kcu.ordinal_position`,
  mysql: (table) => sql`
    select kcu.column_name as name
    from information_schema.table_constraints tc
    join information_schema.key_column_usage kcu
      on kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema and kcu.table_name = tc.table_name
    where tc.constraint_type = 'PRIMARY KEY' and tc.table_schema = database() and tc.table_name = ${table}
    order by kcu.ordinal_position`,
};

async function primaryKeyOf(kysely: Kysely<any>, table: string): Promise<string[]> {
  const { rows } = await primaryKeyQuery[dialect](table).execute(kysely);
  return rows.map((r) => r.name).sort();
}

interface IndexInfo {
  readonly name: string;
  readonly columns: readonly string[];
}

function groupIndexRows(rows: readonly { index_name: string; column_name: string }[]): IndexInfo[] {
  const byName = new Map<string, string[]>();
  for (const row of rows) {
    const columns = byName.get(row.index_name) ?? [];
    columns.push(row.column_name);
    byName.set(row.index_name, columns);
  }
  return [...byName].map(([name, columns]) => ({ name, columns }));
}

/** Every index of a table with its columns in index order (primary key and unique indexes included). */
const indexesQuery: PerDialect<(kysely: Kysely<any>, table: string) => Promise<IndexInfo[]>> = {
  sqlite: async (kysely, table) => {
    const { rows } = await sql<{ index_name: string; column_name: string }>`
      select il.name as index_name, ii.name as column_name
      from pragma_index_list(${table}) as il, pragma_index_info(il.name) as ii
      order by il.name, ii.seqno`.execute(kysely);
    return groupIndexRows(rows);
  },
  postgres: async (kysely, table) => {
    const { rows } = await sql<{ indexname: string; indexdef: string }>`
      select indexname, indexdef from pg_indexes where schemaname = current_schema() and tablename = ${table}`.execute(
      kysely,
    );
    // "CREATE INDEX posts_author_id_index ON s.posts USING btree (author_id)"
    return rows.map((r) => ({
      name: r.indexname,
      columns: (/\(([^()]*)\)\s*$/.exec(r.indexdef)?.[1] ?? "").split(",").map((c) => c.trim().replace(/"/g, "")),
    }));
  },
  mysql: async (kysely, table) => {
    const { rows } = await sql<{ index_name: string; column_name: string }>`
      select index_name as index_name, column_name as column_name
      from information_schema.statistics
      where table_schema = database() and table_name = ${table}
      order by index_name, seq_in_index`.execute(kysely);
    return groupIndexRows(rows);
  },
};

/** True when some index of `table` starts with exactly these columns (in any order among them). */
async function isIndexed(kysely: Kysely<any>, table: string, columns: readonly string[]): Promise<boolean> {
  const wanted = [...columns].sort().join(",");
  const indexes = await indexesQuery[dialect](kysely, table);
  return indexes.some((index) => [...index.columns.slice(0, columns.length)].sort().join(",") === wanted);
}

// ---------------------------------------------------------------------------------------------
// Constraint violations, recognised by the driver's own error code (not just "it threw").
// ---------------------------------------------------------------------------------------------

type Violation = "unique" | "notNull" | "foreignKey";

const violationCodes: PerDialect<Record<Violation, readonly string[]>> = {
  sqlite: {
    unique: ["SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"],
    notNull: ["SQLITE_CONSTRAINT_NOTNULL"],
    // RESTRICT is enforced immediately, and SQLite reports it as SQLITE_CONSTRAINT_TRIGGER.
    foreignKey: ["SQLITE_CONSTRAINT_FOREIGNKEY", "SQLITE_CONSTRAINT_TRIGGER"],
  },
  postgres: { unique: ["23505"], notNull: ["23502"], foreignKey: ["23503"] },
  mysql: {
    unique: ["ER_DUP_ENTRY"],
    notNull: ["ER_BAD_NULL_ERROR", "ER_NO_DEFAULT_FOR_FIELD"],
    foreignKey: ["ER_ROW_IS_REFERENCED_2", "ER_NO_REFERENCED_ROW_2", "ER_ROW_IS_REFERENCED", "ER_NO_REFERENCED_ROW"],
  },
};

async function expectViolation(promise: Promise<unknown>, kind: Violation): Promise<void> {
  const outcome = await promise.then(
    () => ({ ok: true as const }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  expect(outcome.ok, `expected a ${kind} violation, but the statement succeeded`).toBe(false);
  if (outcome.ok) return;
  const code = String((outcome.error as { code?: unknown }).code);
  expect(violationCodes[dialect][kind], `error: ${String(outcome.error)}`).toContain(code);
}

/** How each driver hands back a boolean column read with raw Kysely. */
const rawBoolean: PerDialect<(v: boolean) => unknown> = {
  sqlite: (v) => (v ? 1 : 0),
  postgres: (v) => v,
  mysql: (v) => (v ? 1 : 0),
};

const BLOG_TABLES = [
  "comments",
  "countries",
  "posts",
  "profiles",
  "role_user",
  "roles",
  "taggables",
  "tags",
  "tokens",
  "users",
  "videos",
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ---------------------------------------------------------------------------------------------

describe(`push() creates the schema on ${dialect}`, () => {
  const t = useTestDb(blog, { push: false });

  it("creates every model table and the bare pivot tables, and says so", async () => {
    expect(await tablesIn(t.db.kysely)).toEqual([]);
    const result = await t.db.push();
    expect([...result.created].sort()).toEqual(BLOG_TABLES);
    expect(new Set(result.created).size).toBe(result.created.length);
    expect(await tablesIn(t.db.kysely)).toEqual(BLOG_TABLES);
  });

  it("gives every table its columns, pivot tables included", async () => {
    const k = t.db.kysely;
    expect(await columnsOf(k, "users")).toEqual(["active", "age", "country_id", "created_at", "email", "id", "name"]);
    expect(await columnsOf(k, "posts")).toEqual(
      ["author_id", "body", "id", "price", "published", "published_at", "rating", "title", "views"].sort(),
    );
    expect(await columnsOf(k, "comments")).toEqual(["body", "commentable_id", "commentable_type", "id"]);
    expect(await columnsOf(k, "tokens")).toEqual(["id", "label"]);
    expect(await columnsOf(k, "role_user")).toEqual(["created_at", "granted_by", "role_id", "updated_at", "user_id"]);
    expect(await columnsOf(k, "taggables")).toEqual(["tag_id", "taggable_id", "taggable_type"]);
  });

  it("a second push is a no-op returning { created: [] } and sends no DDL", async () => {
    const result = await t.db.push();
    expect(result).toEqual({ created: [] });
    expect(t.queries.length).toBeGreaterThan(0);
    expect(t.queries.filter((q) => /^\s*(create|alter|drop)\b/i.test(q.sql))).toEqual([]);
    expect(await tablesIn(t.db.kysely)).toEqual(BLOG_TABLES);
  });
});

describe(`push() on a partly created database (${dialect})`, () => {
  const t = useTestDb(blog, { push: false });

  it("creates only the missing tables and leaves existing ones and their rows alone", async () => {
    const k = t.db.kysely;
    await sql`create table countries (id integer primary key, name varchar(255) not null, legacy varchar(20))`.execute(
      k,
    );
    await k.insertInto("countries").values({ id: 1, name: "Iceland", legacy: "kept" }).execute();

    const result = await t.db.push();
    expect([...result.created].sort()).toEqual(BLOG_TABLES.filter((name) => name !== "countries"));
    expect(await tablesIn(k)).toEqual(BLOG_TABLES);

    // The hand-made table was not recreated: its extra column and row are still there.
    expect(await k.selectFrom("countries").selectAll().execute()).toEqual([{ id: 1, name: "Iceland", legacy: "kept" }]);

    // New tables reference the existing one through a working foreign key.
    const ada = await t.db.user.create({ email: "ada@example.dev", name: "Ada", countryId: 1 });
    expect(ada.countryId).toBe(1);
    await expectViolation(
      k.insertInto("users").values({ email: "bea@example.dev", name: "Bea", country_id: 2 }).execute(),
      "foreignKey",
    );
    await k.deleteFrom("countries").where("id", "=", 1).execute();
    expect(await k.selectFrom("users").select(["email", "country_id"]).execute()).toEqual([
      { email: "ada@example.dev", country_id: null },
    ]);

    expect(await t.db.push()).toEqual({ created: [] });
  });
});

describe(`keys, uniques, NOT NULL and defaults after push() (${dialect})`, () => {
  const t = useTestDb(blog);
  beforeEach(() => t.truncate());

  it("gives every table the right primary key", async () => {
    const k = t.db.kysely;
    for (const table of ["countries", "users", "profiles", "posts", "videos", "comments", "tags", "roles", "tokens"]) {
      expect(await primaryKeyOf(k, table), table).toEqual(["id"]);
    }
    expect(await primaryKeyOf(k, "role_user")).toEqual(["role_id", "user_id"]);
    expect(await primaryKeyOf(k, "taggables")).toEqual(["tag_id", "taggable_id", "taggable_type"]);
  });

  it("auto-increment ids are generated, distinct and increasing, and never reused", async () => {
    const k = t.db.kysely;
    const a = await t.db.country.create({ name: "A" });
    const b = await t.db.country.create({ name: "B" });
    const c = await t.db.country.create({ name: "C" });
    expect(Number.isInteger(a.id)).toBe(true);
    expect(b.id).toBeGreaterThan(a.id);
    expect(c.id).toBeGreaterThan(b.id);

    // A raw insert without the id gets the next one from the database itself.
    await k.insertInto("countries").values({ name: "D" }).execute();
    const d = await k.selectFrom("countries").select("id").where("name", "=", "D").executeTakeFirstOrThrow();
    expect(Number(d.id)).toBeGreaterThan(c.id);

    // Deleting the highest id does not hand it out again.
    await k.deleteFrom("countries").where("name", "=", "D").execute();
    const e = await t.db.country.create({ name: "E" });
    expect(e.id).toBeGreaterThan(Number(d.id));

    const rows = await k.selectFrom("countries").select(["id", "name"]).orderBy("id").execute();
    expect(rows.map((r) => [Number(r.id), r.name])).toEqual([
      [a.id, "A"],
      [b.id, "B"],
      [c.id, "C"],
      [e.id, "E"],
    ]);
  });

  it("a uuid primary key with defaultRandom gets a fresh UUID per row and rejects duplicates and NULL", async () => {
    const k = t.db.kysely;
    const one = await t.db.token.create({ label: "one" });
    const two = await t.db.token.create({ label: "two" });
    expect(one.id).toMatch(UUID);
    expect(two.id).toMatch(UUID);
    expect(two.id).not.toBe(one.id);
    const stored = await k.selectFrom("tokens").select(["id", "label"]).orderBy("label").execute();
    expect(stored.map((r) => [String(r.id).toLowerCase(), r.label])).toEqual([
      [one.id.toLowerCase(), "one"],
      [two.id.toLowerCase(), "two"],
    ]);

    await expectViolation(k.insertInto("tokens").values({ id: one.id, label: "again" }).execute(), "unique");
    // A primary key is never NULL (SQLite allows NULL in a non-integer PRIMARY KEY unless NOT NULL is declared).
    await expectViolation(k.insertInto("tokens").values({ id: null, label: "nobody" }).execute(), "notNull");
    expect(await k.selectFrom("tokens").select("label").orderBy("label").execute()).toEqual([
      { label: "one" },
      { label: "two" },
    ]);
  });

  it("enforces unique constraints", async () => {
    const k = t.db.kysely;
    await k.insertInto("users").values({ email: "ada@example.dev", name: "Ada" }).execute();
    await expectViolation(
      k.insertInto("users").values({ email: "ada@example.dev", name: "Other" }).execute(),
      "unique",
    );
    await expect(t.db.user.create({ email: "ada@example.dev", name: "Third" })).rejects.toBeInstanceOf(
      UniqueConstraintError,
    );
    expect(await k.selectFrom("users").select(["email", "name"]).execute()).toEqual([
      { email: "ada@example.dev", name: "Ada" },
    ]);

    await k.insertInto("tags").values({ name: "orm" }).execute();
    await expectViolation(k.insertInto("tags").values({ name: "orm" }).execute(), "unique");

    // profiles.user_id is unique: one profile per user.
    const user = await k.selectFrom("users").select("id").executeTakeFirstOrThrow();
    await k.insertInto("profiles").values({ user_id: user.id }).execute();
    await expectViolation(k.insertInto("profiles").values({ user_id: user.id }).execute(), "unique");
    expect(await k.selectFrom("profiles").select("user_id").execute()).toEqual([{ user_id: user.id }]);
  });

  it("enforces NOT NULL on non-nullable fields and accepts NULL on nullable ones", async () => {
    const k = t.db.kysely;
    await expectViolation(k.insertInto("users").values({ email: "a@x.dev", name: null }).execute(), "notNull");
    await expectViolation(k.insertInto("users").values({ email: null, name: "A" }).execute(), "notNull");
    // A default does not make the column nullable.
    await expectViolation(
      k.insertInto("users").values({ email: "b@x.dev", name: "B", active: null }).execute(),
      "notNull",
    );
    await expectViolation(k.insertInto("tags").values({ name: null }).execute(), "notNull");
    await expectViolation(
      k.insertInto("comments").values({ body: "hi", commentable_type: null, commentable_id: 1 }).execute(),
      "notNull",
    );
    await expectViolation(
      k.insertInto("comments").values({ body: "hi", commentable_type: "post", commentable_id: null }).execute(),
      "notNull",
    );
    await expectViolation(k.insertInto("posts").values({ author_id: null, title: "T" }).execute(), "notNull");
    expect(await k.selectFrom("users").selectAll().execute()).toEqual([]);
    expect(await k.selectFrom("comments").selectAll().execute()).toEqual([]);

    await k.insertInto("users").values({ email: "c@x.dev", name: "C", age: null, country_id: null }).execute();
    const user = await k.selectFrom("users").select(["age", "country_id"]).executeTakeFirstOrThrow();
    expect(user).toEqual({ age: null, country_id: null });
    const uid = (await k.selectFrom("users").select("id").executeTakeFirstOrThrow()).id;
    await k
      .insertInto("posts")
      .values({ author_id: uid, title: "T", body: null, rating: null, price: null, published_at: null })
      .execute();
    expect(await k.selectFrom("posts").select(["body", "rating", "price", "published_at"]).execute()).toEqual([
      { body: null, rating: null, price: null, published_at: null },
    ]);
  });

  it("applies DDL defaults when a raw insert omits the column", async () => {
    const k = t.db.kysely;
    await k.insertInto("users").values({ email: "raw@example.dev", name: "Raw" }).execute();
    const raw = await k
      .selectFrom("users")
      .select(["active", "age", "country_id", "created_at"])
      .where("email", "=", "raw@example.dev")
      .executeTakeFirstOrThrow();
    expect(raw.active).toBe(rawBoolean[dialect](true));
    expect(raw.age).toBeNull();
    expect(raw.country_id).toBeNull();
    expect(raw.created_at).not.toBeNull();

    // Read through relata: the defaultNow() timestamp is the current time, in UTC (no zone shift).
    const user = await t.db.user.where({ email: "raw@example.dev" }).first();
    expect(user?.active).toBe(true);
    expect(user?.createdAt).toBeInstanceOf(Date);
    expect(Math.abs(user!.createdAt.getTime() - Date.now())).toBeLessThan(120_000);

    await k.insertInto("posts").values({ author_id: user!.id, title: "Defaults" }).execute();
    const post = await k
      .selectFrom("posts")
      .select(["published", "views", "body", "published_at"])
      .where("title", "=", "Defaults")
      .executeTakeFirstOrThrow();
    expect(post).toEqual({ published: rawBoolean[dialect](false), views: 0, body: null, published_at: null });
  });
});

// A schema of our own for the referential actions the blog does not use, and more defaults.
const shop = defineSchema(
  {
    vendor: model({
      table: "vendors",
      fields: {
        id: id(),
        code: string(20).unique(),
        name: string().default("it's new"),
        rating: float().default(2.5),
      },
    }),
    counter: model({
      table: "counters",
      fields: {
        id: id(),
        label: string(),
        hits: bigint().default(5n),
        small: bigint({ mode: "number" }).default(7),
      },
    }),
    product: model({
      table: "products",
      fields: {
        id: id(),
        vendorCode: string(20).references("vendor.code", { onDelete: "restrict", onUpdate: "cascade" }),
        title: string(),
      },
    }),
    review: model({
      table: "reviews",
      fields: { id: id(), vendorId: integer().references("vendor.id"), stars: integer() },
    }),
  },
  { casing: "snake_case" },
);

describe(`foreign keys after push() (${dialect})`, () => {
  const t = useTestDb(blog);
  beforeEach(() => t.truncate());

  it('onDelete "cascade" removes the children, and only those', async () => {
    const k = t.db.kysely;
    const ada = await t.db.user.create({ email: "ada@example.dev", name: "Ada" });
    const bea = await t.db.user.create({ email: "bea@example.dev", name: "Bea" });
    await t.db.post.createMany([
      { authorId: ada.id, title: "A1" },
      { authorId: ada.id, title: "A2" },
      { authorId: bea.id, title: "B1" },
    ]);
    await t.db.profile.createMany([{ userId: ada.id }, { userId: bea.id }]);

    await k.deleteFrom("users").where("id", "=", ada.id).execute();

    expect(await k.selectFrom("posts").select(["title", "author_id"]).orderBy("title").execute()).toEqual([
      { title: "B1", author_id: bea.id },
    ]);
    expect(await k.selectFrom("profiles").select("user_id").execute()).toEqual([{ user_id: bea.id }]);
  });

  it('onDelete "set null" nulls the children and keeps them', async () => {
    const k = t.db.kysely;
    const iceland = await t.db.country.create({ name: "Iceland" });
    const peru = await t.db.country.create({ name: "Peru" });
    await t.db.user.createMany([
      { email: "a@x.dev", name: "A", countryId: iceland.id },
      { email: "b@x.dev", name: "B", countryId: peru.id },
    ]);

    await k.deleteFrom("countries").where("id", "=", iceland.id).execute();

    expect(await k.selectFrom("users").select(["email", "country_id"]).orderBy("email").execute()).toEqual([
      { email: "a@x.dev", country_id: null },
      { email: "b@x.dev", country_id: peru.id },
    ]);
  });

  it("rejects a child pointing to a missing parent", async () => {
    const k = t.db.kysely;
    await expectViolation(
      k.insertInto("posts").values({ author_id: 999_999, title: "orphan" }).execute(),
      "foreignKey",
    );
    await expectViolation(k.insertInto("profiles").values({ user_id: 999_999 }).execute(), "foreignKey");
    await expectViolation(
      k.insertInto("users").values({ email: "a@x.dev", name: "A", country_id: 999_999 }).execute(),
      "foreignKey",
    );
    expect(await k.selectFrom("posts").selectAll().execute()).toEqual([]);
    expect(await k.selectFrom("users").selectAll().execute()).toEqual([]);
  });

  describe("restrict, no action, onUpdate and more defaults", () => {
    const s = useTestDb(shop);
    beforeEach(() => s.truncate());

    it('onDelete "restrict" blocks deleting a referenced row', async () => {
      const k = s.db.kysely;
      await k.insertInto("vendors").values({ code: "ACME" }).execute();
      await k.insertInto("products").values({ vendor_code: "ACME", title: "Anvil" }).execute();
      await expectViolation(k.deleteFrom("vendors").where("code", "=", "ACME").execute(), "foreignKey");
      // Through relata the driver error becomes a ForeignKeyConstraintError on every dialect.
      await expect(s.db.vendor.where({ code: "ACME" }).delete()).rejects.toBeInstanceOf(ForeignKeyConstraintError);
      expect(await k.selectFrom("vendors").select("code").execute()).toEqual([{ code: "ACME" }]);
      expect(await k.selectFrom("products").select(["vendor_code", "title"]).execute()).toEqual([
        { vendor_code: "ACME", title: "Anvil" },
      ]);
      // Unreferenced rows still delete.
      await k.insertInto("vendors").values({ code: "SPARE" }).execute();
      await k.deleteFrom("vendors").where("code", "=", "SPARE").execute();
      expect(await k.selectFrom("vendors").select("code").execute()).toEqual([{ code: "ACME" }]);
    });

    it("a foreign key without actions (no action) blocks deleting or re-keying a referenced row", async () => {
      const k = s.db.kysely;
      const vendor = await s.db.vendor.create({ code: "ACME" });
      await s.db.review.create({ vendorId: vendor.id, stars: 4 });
      await expectViolation(k.deleteFrom("vendors").where("id", "=", vendor.id).execute(), "foreignKey");
      await expect(s.db.vendor.where("id", vendor.id).delete()).rejects.toBeInstanceOf(ForeignKeyConstraintError);
      await expectViolation(
        k
          .updateTable("vendors")
          .set({ id: vendor.id + 1000 })
          .where("id", "=", vendor.id)
          .execute(),
        "foreignKey",
      );
      expect(await k.selectFrom("vendors").select(["id", "code"]).execute()).toEqual([{ id: vendor.id, code: "ACME" }]);
      expect(await k.selectFrom("reviews").select(["vendor_id", "stars"]).execute()).toEqual([
        { vendor_id: vendor.id, stars: 4 },
      ]);
    });

    it('onUpdate "cascade" carries a changed key over to the children', async () => {
      const k = s.db.kysely;
      await k
        .insertInto("vendors")
        .values([{ code: "OLD" }, { code: "OTHER" }])
        .execute();
      await k
        .insertInto("products")
        .values([
          { vendor_code: "OLD", title: "p1" },
          { vendor_code: "OLD", title: "p2" },
          { vendor_code: "OTHER", title: "p3" },
        ])
        .execute();
      await k.updateTable("vendors").set({ code: "NEW" }).where("code", "=", "OLD").execute();
      expect(await k.selectFrom("products").select(["title", "vendor_code"]).orderBy("title").execute()).toEqual([
        { title: "p1", vendor_code: "NEW" },
        { title: "p2", vendor_code: "NEW" },
        { title: "p3", vendor_code: "OTHER" },
      ]);
    });

    it("applies string (with a quote) and float DDL defaults", async () => {
      const k = s.db.kysely;
      await k.insertInto("vendors").values({ code: "RAW" }).execute();
      const raw = await k.selectFrom("vendors").select(["name", "rating"]).executeTakeFirstOrThrow();
      expect(raw).toEqual({ name: "it's new", rating: 2.5 });
      expect(await s.db.vendor.where({ code: "RAW" }).first()).toEqual({
        id: expect.any(Number),
        code: "RAW",
        name: "it's new",
        rating: 2.5,
      });
    });

    it("applies bigint DDL defaults", async () => {
      const k = s.db.kysely;
      await k.insertInto("counters").values({ label: "raw" }).execute();
      expect(await s.db.counter.where({ label: "raw" }).first()).toEqual({
        id: expect.any(Number),
        label: "raw",
        hits: 5n,
        small: 7,
      });
    });
  });
});

describe(`indexes and pivot tables after push() (${dialect})`, () => {
  const t = useTestDb(blog);
  beforeEach(() => t.truncate());

  it("indexes every foreign key column and every morph (type, id) pair", async () => {
    const k = t.db.kysely;
    const expected: [string, string[]][] = [
      ["users", ["country_id"]],
      ["profiles", ["user_id"]],
      ["posts", ["author_id"]],
      ["comments", ["commentable_type", "commentable_id"]],
      ["role_user", ["user_id"]],
      ["role_user", ["role_id"]],
      ["taggables", ["tag_id"]],
      ["taggables", ["taggable_type", "taggable_id"]],
    ];
    for (const [table, columns] of expected) {
      expect(await isIndexed(k, table, columns), `${table}(${columns.join(", ")}) is indexed`).toBe(true);
    }

    // The same, derived from the schema metadata, so a new foreign key is covered too.
    for (const model of blog.meta.models.values()) {
      const column = (field: string) => model.fields.get(field)!.column;
      for (const fk of model.foreignKeys) {
        expect(await isIndexed(k, model.table, [column(fk.field)]), `${model.table}.${column(fk.field)}`).toBe(true);
      }
      for (const [type, idField] of model.morphPairs) {
        const pair = [column(type), column(idField)];
        expect(await isIndexed(k, model.table, pair), `${model.table}(${pair.join(", ")})`).toBe(true);
      }
    }
    for (const pivot of blog.meta.pivotTables.values()) {
      for (const fk of pivot.foreignKeys) {
        expect(await isIndexed(k, pivot.table, [fk.column]), `${pivot.table}.${fk.column}`).toBe(true);
      }
    }

    // The check is not vacuous: plain columns are not indexed.
    expect(await isIndexed(k, "videos", ["title"])).toBe(false);
    expect(await isIndexed(k, "comments", ["body"])).toBe(false);
    expect(await isIndexed(k, "taggables", ["taggable_id"])).toBe(false);
  });

  it("role_user has a composite primary key, foreign keys to both sides, and cascades", async () => {
    const k = t.db.kysely;
    const ada = await t.db.user.create({ email: "ada@example.dev", name: "Ada" });
    const bea = await t.db.user.create({ email: "bea@example.dev", name: "Bea" });
    const admin = await t.db.role.create({ name: "admin" });
    const editor = await t.db.role.create({ name: "editor" });

    await k
      .insertInto("role_user")
      .values([
        { user_id: ada.id, role_id: admin.id, granted_by: "root" },
        { user_id: ada.id, role_id: editor.id },
        { user_id: bea.id, role_id: admin.id },
      ])
      .execute();
    await expectViolation(k.insertInto("role_user").values({ user_id: ada.id, role_id: admin.id }).execute(), "unique");
    await expectViolation(
      k.insertInto("role_user").values({ user_id: ada.id, role_id: 999_999 }).execute(),
      "foreignKey",
    );
    await expectViolation(
      k.insertInto("role_user").values({ user_id: 999_999, role_id: admin.id }).execute(),
      "foreignKey",
    );
    await expectViolation(k.insertInto("role_user").values({ user_id: bea.id, role_id: null }).execute(), "notNull");

    const pairs = () =>
      k
        .selectFrom("role_user")
        .select(["user_id", "role_id", "granted_by"])
        .orderBy("user_id")
        .orderBy("role_id")
        .execute();
    expect(await pairs()).toEqual([
      { user_id: ada.id, role_id: admin.id, granted_by: "root" },
      { user_id: ada.id, role_id: editor.id, granted_by: null },
      { user_id: bea.id, role_id: admin.id, granted_by: null },
    ]);

    await k.deleteFrom("roles").where("id", "=", editor.id).execute();
    expect(await pairs()).toEqual([
      { user_id: ada.id, role_id: admin.id, granted_by: "root" },
      { user_id: bea.id, role_id: admin.id, granted_by: null },
    ]);
    await k.deleteFrom("users").where("id", "=", ada.id).execute();
    expect(await pairs()).toEqual([{ user_id: bea.id, role_id: admin.id, granted_by: null }]);
  });

  it("taggables has a composite primary key including the morph type and a foreign key to tags", async () => {
    const k = t.db.kysely;
    const orm = await t.db.tag.create({ name: "orm" });
    const sqlTag = await t.db.tag.create({ name: "sql" });

    await k
      .insertInto("taggables")
      .values([
        { tag_id: orm.id, taggable_id: 1, taggable_type: "post" },
        { tag_id: orm.id, taggable_id: 1, taggable_type: "video" },
        { tag_id: sqlTag.id, taggable_id: 1, taggable_type: "post" },
        // The morph id has no foreign key: it may point to any table.
        { tag_id: sqlTag.id, taggable_id: 424_242, taggable_type: "video" },
      ])
      .execute();
    await expectViolation(
      k.insertInto("taggables").values({ tag_id: orm.id, taggable_id: 1, taggable_type: "post" }).execute(),
      "unique",
    );
    await expectViolation(
      k.insertInto("taggables").values({ tag_id: 999_999, taggable_id: 1, taggable_type: "post" }).execute(),
      "foreignKey",
    );

    await k.deleteFrom("tags").where("id", "=", orm.id).execute();
    expect(
      await k
        .selectFrom("taggables")
        .select(["tag_id", "taggable_id", "taggable_type"])
        .orderBy("taggable_id")
        .orderBy("taggable_type")
        .execute(),
    ).toEqual([
      { tag_id: sqlTag.id, taggable_id: 1, taggable_type: "post" },
      { tag_id: sqlTag.id, taggable_id: 424_242, taggable_type: "video" },
    ]);
  });
});

// Two tables pointing at each other, and a table pointing at itself.
const cycle = defineSchema(
  {
    left: model({
      table: "cycle_left",
      fields: {
        id: id(),
        label: string(),
        rightId: integer().nullable().references("right.id", { onDelete: "set null" }),
      },
    }),
    right: model({
      table: "cycle_right",
      fields: {
        id: id(),
        label: string(),
        leftId: integer().nullable().references("left.id", { onDelete: "cascade" }),
      },
    }),
    node: model({
      table: "nodes",
      fields: { id: id(), parentId: integer().nullable().references("node.id", { onDelete: "cascade" }) },
    }),
  },
  { casing: "snake_case" },
);

describe(`push() with a cycle between tables (${dialect})`, () => {
  const t = useTestDb(cycle, { push: false });

  it("creates both tables of the cycle with both foreign keys and their actions", async () => {
    const k = t.db.kysely;
    const result = await t.db.push();
    expect([...result.created].sort()).toEqual(["cycle_left", "cycle_right", "nodes"]);
    expect(await tablesIn(k)).toEqual(["cycle_left", "cycle_right", "nodes"]);
    expect(await isIndexed(k, "cycle_left", ["right_id"])).toBe(true);
    expect(await isIndexed(k, "cycle_right", ["left_id"])).toBe(true);
    expect(await isIndexed(k, "nodes", ["parent_id"])).toBe(true);

    // Both constraints exist, whichever table was created first.
    await expectViolation(k.insertInto("cycle_left").values({ label: "x", right_id: 999_999 }).execute(), "foreignKey");
    await expectViolation(k.insertInto("cycle_right").values({ label: "x", left_id: 999_999 }).execute(), "foreignKey");

    // A closed loop: left1 <-> right1.
    const left1 = await t.db.left.create({ label: "l1" });
    const right1 = await t.db.right.create({ label: "r1", leftId: left1.id });
    await t.db.left.where("id", left1.id).update({ rightId: right1.id });
    expect(await t.db.left.find(left1.id)).toEqual({ id: left1.id, label: "l1", rightId: right1.id });

    // left.rightId: set null.
    await k.deleteFrom("cycle_right").where("id", "=", right1.id).execute();
    expect(await t.db.left.find(left1.id)).toEqual({ id: left1.id, label: "l1", rightId: null });

    // right.leftId: cascade.
    const right2 = await t.db.right.create({ label: "r2", leftId: left1.id });
    const left2 = await t.db.left.create({ label: "l2" });
    await t.db.right.create({ label: "r3", leftId: left2.id });
    await k.deleteFrom("cycle_left").where("id", "=", left1.id).execute();
    expect(await t.db.right.find(right2.id)).toBeNull();
    expect(await k.selectFrom("cycle_right").select(["label", "left_id"]).execute()).toEqual([
      { label: "r3", left_id: left2.id },
    ]);

    expect(await t.db.push()).toEqual({ created: [] });
  });

  it("a self-referencing foreign key works and cascades down the tree", async () => {
    const k = t.db.kysely;
    const root = await t.db.node.create({});
    const child = await t.db.node.create({ parentId: root.id });
    await t.db.node.create({ parentId: child.id });
    const other = await t.db.node.create({});
    await expectViolation(k.insertInto("nodes").values({ parent_id: 999_999 }).execute(), "foreignKey");

    await k.deleteFrom("nodes").where("id", "=", root.id).execute();
    expect(await k.selectFrom("nodes").select(["id", "parent_id"]).execute()).toEqual([
      { id: other.id, parent_id: null },
    ]);
  });
});
