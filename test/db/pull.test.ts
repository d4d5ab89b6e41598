import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type Kysely, sql } from "kysely";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db, defineSchema, id, model, type Schema } from "../../src/index.js";
import { type DbTable, introspect } from "../../src/migrate/introspect/index.js";
import { pullSchema } from "../../src/migrate/pull.js";
import { dialect, isolatedUrl, type PerDialect } from "../support/test-db.js";

/**
 * `pullSchema` over a database built with raw SQL in each dialect's own DDL: the code it writes
 * type-checks (tsc, strict), its push() on an empty database recreates the same tables, keys and
 * indexes (catalog against catalog, with the accepted differences listed below), and its
 * relations load the raw database's rows.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** Inside the repository (gitignored), so the pulled module's imports resolve. */
const scratch = join(root, ".scratch", `pull-${dialect}-${randomBytes(4).toString("hex")}`);
const placeholder = defineSchema({ placeholder: model({ table: "placeholder", fields: { id: id() } }) });

/** How each dialect writes what the DDL below needs. */
interface Ddl {
  readonly autoId: string;
  /** Quotes an identifier kept as written (PascalCase). */
  readonly q: (name: string) => string;
  readonly timestamp: string;
  readonly now: string;
  readonly json: string;
  /** A timestamp without a time zone, and its UTC now. */
  readonly naive: string;
}
const DDL: PerDialect<Ddl> = {
  sqlite: {
    autoId: "integer primary key autoincrement",
    q: (n) => `"${n}"`,
    timestamp: "datetime",
    now: "CURRENT_TIMESTAMP",
    json: "json",
    naive: "datetime not null default CURRENT_TIMESTAMP",
  },
  postgres: {
    autoId: "serial primary key",
    q: (n) => `"${n}"`,
    timestamp: "timestamptz",
    now: "CURRENT_TIMESTAMP",
    json: "jsonb",
    naive: "timestamp not null default (now() at time zone 'utc')",
  },
  mysql: {
    autoId: "integer not null auto_increment primary key",
    q: (n) => `\`${n}\``,
    timestamp: "datetime(3)",
    now: "CURRENT_TIMESTAMP(3)",
    json: "json",
    naive: "datetime(3) not null default CURRENT_TIMESTAMP(3)",
  },
};

/**
 * A blog as an application might have made it by hand: users, posts with a foreign key,
 * profiles with a unique one, tags with a post_tags pivot (an extra column and timestamps),
 * polymorphic comments on posts and videos, a composite primary key, a table of PascalCase
 * columns, defaults of each kind, nullable columns, an index, a composite index and a
 * composite unique. Every foreign key column is indexed, as push() indexes them.
 */
function rawDdl({ autoId, q, timestamp, now, json }: Ddl): string[] {
  return [
    `create table users (
      id ${autoId},
      email varchar(255) not null unique,
      name varchar(100) not null,
      age integer,
      active boolean not null default true,
      featured boolean not null default false,
      created_at ${timestamp} not null default ${now},
      updated_at ${timestamp}
    )`,
    "create index users_age_index on users (age)",
    `create table posts (
      id ${autoId},
      user_id integer not null,
      title varchar(200) not null,
      body text,
      status varchar(20) not null default 'draft',
      rating decimal(8, 2) not null default 0,
      views bigint not null default 0,
      score double precision default 1.5,
      published_on date,
      meta ${json},
      created_at ${timestamp},
      updated_at ${timestamp},
      constraint posts_user_fk foreign key (user_id) references users (id) on delete cascade,
      constraint posts_title_published_unique unique (title, published_on)
    )`,
    "create index posts_user_id_index on posts (user_id)",
    "create index posts_status_views_index on posts (status, views)",
    `create table profiles (
      id ${autoId},
      user_id integer not null unique,
      bio text,
      constraint profiles_user_fk foreign key (user_id) references users (id)
    )`,
    `create table tags (id ${autoId}, name varchar(50) not null unique)`,
    `create table post_tags (
      post_id integer not null,
      tag_id integer not null,
      role varchar(20),
      created_at ${timestamp},
      updated_at ${timestamp},
      primary key (post_id, tag_id),
      constraint post_tags_post_fk foreign key (post_id) references posts (id) on delete cascade,
      constraint post_tags_tag_fk foreign key (tag_id) references tags (id) on delete cascade
    )`,
    "create index post_tags_tag_id_index on post_tags (tag_id)",
    `create table videos (id ${autoId}, title varchar(100) not null)`,
    `create table comments (
      id ${autoId},
      commentable_type varchar(50) not null,
      commentable_id integer not null,
      body text not null
    )`,
    "create index comments_commentable_index on comments (commentable_type, commentable_id)",
    `create table settings (
      scope varchar(20) not null,
      name varchar(50) not null,
      value text,
      primary key (scope, name)
    )`,
    `create table ${q("LegacyOrders")} (
      ${q("OrderID")} ${autoId},
      ${q("CustomerName")} varchar(100) not null,
      ${q("TotalAmount")} decimal(10, 2) not null default 0,
      ${q("UserId")} integer,
      ${q("PlacedAt")} ${timestamp},
      constraint legacy_orders_user_fk foreign key (${q("UserId")}) references users (id) on delete set null
    )`,
    `create index legacy_orders_user_index on ${q("LegacyOrders")} (${q("UserId")})`,
  ];
}

/** Rows the relation checks read back; morph types stored as class-like names, as Eloquent apps do. */
const ROWS = [
  "insert into users (id, email, name) values (1, 'ada@example.com', 'Ada'), (2, 'bob@example.com', 'Bob')",
  "insert into posts (id, user_id, title) values (1, 1, 'First'), (2, 1, 'Second'), (3, 2, 'Third')",
  "insert into tags (id, name) values (1, 'orm'), (2, 'sql'), (3, 'ts')",
  "insert into post_tags (post_id, tag_id, role) values (1, 1, 'main'), (1, 3, null), (2, 2, 'aside')",
  "insert into videos (id, title) values (1, 'Intro')",
  `insert into comments (id, commentable_type, commentable_id, body) values
    (1, 'Post', 1, 'nice'), (2, 'Post', 1, 'agreed'), (3, 'Video', 1, 'watched'), (4, 'Post', 3, 'hm')`,
  "insert into profiles (id, user_id, bio) values (1, 2, 'Bob here')",
];

let rawDb: Db<typeof placeholder>;
/** SQLite: a file, so the pulled schema can open the same database later. */
let rawUrl = `sqlite:${join(scratch, "raw.db")}`;
let rawDrop = async () => {};
let code = "";

beforeAll(async () => {
  mkdirSync(scratch, { recursive: true });
  if (dialect !== "sqlite") ({ url: rawUrl, drop: rawDrop } = await isolatedUrl());
  rawDb = createDb({ schema: placeholder, url: rawUrl });
  for (const statement of [...rawDdl(DDL[dialect]), ...ROWS]) await sql.raw(statement).execute(rawDb.kysely);
  code = await pullSchema(rawDb.kysely, dialect);
}, 60_000);

afterAll(async () => {
  await rawDb?.destroy();
  await rawDrop();
  rmSync(scratch, { recursive: true, force: true });
});

/** Writes the pulled code as is (for tsc) and with its import pointed at the source (to import it). */
async function loadPulled(name: string, text: string): Promise<{ file: string; schema: Schema }> {
  const file = join(scratch, `${name}.ts`);
  writeFileSync(file, text);
  const runtime = join(scratch, `${name}.runtime.ts`);
  const source = relative(scratch, join(root, "src/index.js")).replaceAll("\\", "/");
  writeFileSync(runtime, text.replace('from "relata"', `from "${source}"`));
  const module = (await import(pathToFileURL(runtime).href)) as { schema: Schema };
  return { file, schema: module.schema };
}

/**
 * Pushes the pulled schema to an empty database and compares its catalog with the raw one's
 * (see `comparable` for the accepted differences). Given the raw rows too, the recreated
 * database pulls back to the same code (the morph types are read from the rows; SQLite: but for
 * the declared types, which become relata's own).
 */
async function expectRecreated(name: string, text: string, raw: Kysely<any>, rows: readonly string[]): Promise<void> {
  const { schema } = await loadPulled(name, text);
  const empty = await isolatedUrl();
  const pushed = createDb({ schema, url: empty.url });
  try {
    await pushed.push();
    const before = await introspect(raw, dialect);
    const after = await introspect(pushed.kysely, dialect);
    expect([...after.tables.keys()]).toEqual([...before.tables.keys()]);
    for (const [table, read] of after.tables) {
      expect(comparable(read), table).toEqual(comparable(before.tables.get(table)!));
    }
    for (const statement of rows) await sql.raw(statement).execute(pushed.kysely);
    if (dialect !== "sqlite") expect(await pullSchema(pushed.kysely, dialect)).toBe(text);
  } finally {
    await pushed.destroy();
    await empty.drop();
  }
}

/** tsc's complaints about `file`, with `relata` resolved to the source (strict, as the repository compiles). */
function typeErrors(file: string): string[] {
  const program = ts.createProgram([file], {
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2023.d.ts"],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    paths: { relata: [join(root, "src/index.ts")] },
    strict: true,
    noUncheckedIndexedAccess: true,
    verbatimModuleSyntax: true,
    skipLibCheck: true,
    noEmit: true,
    types: ["node"],
  });
  // Only the pulled file's own problems: the rest of the source is checked by the repository's tsc.
  const source = program.getSourceFile(file)!;
  return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => {
    const at = source.getLineAndCharacterOfPosition(d.start ?? 0);
    return `${at.line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}

describe(`pullSchema on a database built with raw SQL (${dialect})`, () => {
  it("writes the same code for the same database", async () => {
    expect(await pullSchema(rawDb.kysely, dialect)).toBe(code);
  });

  it("recognises models, keys, relations, pivots, morphs and mappings", () => {
    const has = (...lines: string[]) => {
      for (const line of lines) expect(code, line).toContain(line);
    };
    has(
      `import {\n  belongsTo,`,
      "export const schema = defineSchema(",
      `{ casing: "snake_case", morphMap: { post: "Post", video: "Video" } }`,
      // one model per table, singular, with the table where the casing cannot derive it
      `    user: model({\n      table: "users",`,
      `    legacyOrder: model({\n      table: "LegacyOrders",`,
      // fields, lengths, precision, nullability, defaults of each kind
      "        email: string().unique(),",
      "        name: string(100),",
      "        age: integer().nullable().index(),",
      "        active: boolean().default(true),",
      "        featured: boolean().default(false),",
      // SQLite: a datetime column other tools wrote holds YYYY-MM-DD HH:MM:SS, a time without a zone
      `        createdAt: ${dialect === "sqlite" ? "timestamp({ withTimezone: false })" : "timestamp()"}.defaultNow(),`,
      `        status: string(20).default("draft"),`,
      `        rating: decimal(8, 2).default("0.00"),`,
      "        views: bigint().default(0n),",
      "        score: float().nullable().default(1.5),",
      "        publishedOn: date().nullable(),",
      "        meta: json().nullable(),",
      // composite primary key
      "        scope: string(20).primary(),",
      "        name: string(50).primary(),",
      // PascalCase columns in a snake_case database: mapped
      `        orderId: id().column("OrderID"),`,
      `        customerName: string(100).column("CustomerName"),`,
      `        userId: integer().nullable().references("user.id", { onDelete: "set null" }).column("UserId"),`,
      // foreign keys and the relations they imply
      `        userId: integer().references("user.id", { onDelete: "cascade" }),`,
      `        userId: integer().unique().references("user.id"),`,
      `        user: belongsTo("user"),`,
      `        posts: hasMany("post"),`,
      `        profile: hasOne("profile"),`,
      `        legacyOrders: hasMany("legacyOrder"),`,
      // the pivot: belongsToMany both ways, its extra column typed, its timestamps
      dialect === "sqlite"
        ? `        tags: belongsToMany("tag", {\n          table: "post_tags",\n          pivotFields: {\n            role: string(20).nullable(),\n            createdAt: timestamp({ withTimezone: false }).nullable(),\n            updatedAt: timestamp({ withTimezone: false }).nullable(),\n          },\n        }),`
        : `        tags: belongsToMany("tag", {\n          table: "post_tags",\n          pivotFields: { role: string(20).nullable() },\n          timestamps: true,\n        }),`,
      `        posts: belongsToMany("post", {\n          table: "post_tags",`,
      // the morph pair, its targets read from the stored types
      `        commentable: morphTo({ types: ["post", "video"] }),`,
      `        comments: morphMany("comment", { morphName: "commentable" }),`,
      // composite index and unique; conventional timestamps
      `      indexes: [["status", "views"]],`,
      `      uniques: [["title", "publishedOn"]],`,
      "      timestamps: true,",
    );
    expect(code).not.toContain("postTag"); // a bare pivot table is no model
    expect(code).not.toMatch(/^\t/m);
  });

  it("type-checks (tsc, strict)", async () => {
    const { file } = await loadPulled("schema", code);
    expect(typeErrors(file)).toEqual([]);
  }, 60_000);

  it("push() of the pulled schema on an empty database recreates the same tables, keys and indexes", async () => {
    await expectRecreated("schema-push", code, rawDb.kysely, ROWS);
  }, 60_000);

  it("loads posts.tags (with pivot values) and post.comments through the pulled schema from the raw database", async () => {
    const { schema } = await loadPulled("schema-load", code);
    // The pulled schema is known at run time only: its handles are read untyped here.
    const db: any = createDb({ schema, url: rawUrl });
    try {
      const posts = (await db.post.with("tags", "comments", "user").orderBy("id").get()) as any[];
      expect(
        posts.map((p) => ({
          title: p.title,
          user: p.user.name,
          tags: p.tags.map((t: any) => [t.name, t.pivot.role]).sort(),
          comments: p.comments.map((c: any) => c.body).sort(),
        })),
      ).toEqual([
        {
          title: "First",
          user: "Ada",
          tags: [
            ["orm", "main"],
            ["ts", null],
          ],
          comments: ["agreed", "nice"],
        },
        { title: "Second", user: "Ada", tags: [["sql", "aside"]], comments: [] },
        { title: "Third", user: "Bob", tags: [], comments: ["hm"] },
      ]);
      const tags = (await db.tag.with("posts").orderBy("id").get()) as any[];
      expect(tags.map((t) => [t.name, t.posts.map((p: any) => p.title)])).toEqual([
        ["orm", ["First"]],
        ["sql", ["Second"]],
        ["ts", ["First"]],
      ]);
      const comments = (await db.comment.with("commentable").orderBy("id").get()) as any[];
      expect(comments.map((c) => c.commentable.title)).toEqual(["First", "First", "Intro", "Third"]);
      const users = (await db.user.with("profile", "posts").orderBy("id").get()) as any[];
      expect(users.map((u) => [u.name, u.profile?.bio ?? null, u.posts.length])).toEqual([
        ["Ada", null, 2],
        ["Bob", "Bob here", 1],
      ]);
    } finally {
      await db.destroy();
    }
  }, 60_000);
});

/** Tables relata reads but cannot say everything about: each dialect's DDL for them. */
function edgeDdl({ autoId }: Ddl): string[] {
  const odd: PerDialect<string> = {
    sqlite: "small smallint, picture blob",
    postgres: "small smallint, picture inet",
    mysql: "small smallint, picture blob, state enum('draft', 'published') not null default 'draft'",
  };
  return [
    `create table members (id ${autoId}, name varchar(50) not null)`,
    "create table tenants (org varchar(20) not null, code varchar(20) not null, primary key (org, code))",
    `create table memberships (
      id ${autoId},
      org varchar(20) not null,
      code varchar(20) not null,
      constraint memberships_tenant_fk foreign key (org, code) references tenants (org, code)
    )`,
    "create table audit_log (message text, level integer)",
    "create table kv (k varchar(20) not null unique, v text)",
    `create table roles (id ${autoId}, name varchar(50) not null)`,
    `create table role_members (
      id ${autoId},
      member_id integer not null,
      role_id integer not null,
      granted_by varchar(50),
      constraint role_members_pair_unique unique (member_id, role_id),
      constraint role_members_member_fk foreign key (member_id) references members (id) on delete cascade,
      constraint role_members_role_fk foreign key (role_id) references roles (id) on delete cascade
    )`,
    `create table categories (
      id ${autoId},
      parent_id integer,
      name varchar(50) not null,
      constraint categories_parent_fk foreign key (parent_id) references categories (id)
    )`,
    `create table messages (
      id ${autoId},
      sender_id integer not null,
      recipient_id integer not null,
      constraint messages_sender_fk foreign key (sender_id) references members (id),
      constraint messages_recipient_fk foreign key (recipient_id) references members (id)
    )`,
    `create table attachments (id ${autoId}, attachable_type varchar(50) not null, attachable_id integer not null)`,
    `create table notes (
      id ${autoId},
      author varchar(50),
      author_id integer,
      constraint notes_author_fk foreign key (author_id) references members (id)
    )`,
    `create table odd_types (id ${autoId}, ${odd[dialect]}, code varchar(10) default (lower('X')))`,
    `create table friendships (
      member_id integer not null,
      friend_id integer not null,
      primary key (member_id, friend_id),
      constraint friendships_member_fk foreign key (member_id) references members (id) on delete cascade,
      constraint friendships_friend_fk foreign key (friend_id) references members (id) on delete cascade
    )`,
    "create index friendships_friend_id_index on friendships (friend_id)",
  ];
}

describe(`pullSchema on what relata cannot say in full (${dialect})`, () => {
  let db: Db<typeof placeholder>;
  let drop = async () => {};
  let edge = "";

  beforeAll(async () => {
    let url = "sqlite::memory:";
    if (dialect !== "sqlite") ({ url, drop } = await isolatedUrl());
    db = createDb({ schema: placeholder, url });
    for (const statement of edgeDdl(DDL[dialect])) await sql.raw(statement).execute(db.kysely);
    edge = await pullSchema(db.kysely, dialect);
  }, 60_000);

  afterAll(async () => {
    await db?.destroy();
    await drop();
  });

  it("says in comments what it leaves out, and still writes a schema that loads and pushes", async () => {
    const has = (...lines: string[]) => {
      for (const line of lines) expect(edge, line).toContain(line);
    };
    has(
      "// table audit_log is left out: it has no primary key and no unique key of NOT NULL columns, and a relata model needs one",
      "    // kv has no primary key: its unique (k) stands for one, and push() creates it as the primary key",
      "        k: string(20).primary(),",
      "    // foreign key (org, code) -> tenants (org, code): relata's references() and relations take one column; not declared",
      "    // attachableType / attachableId look like a polymorphic pair, but the table holds no type values",
      "        code: string(10).nullable(), // default ",
      {
        sqlite: "        picture: text().nullable(), // column type blob: relata has no field kind for it",
        postgres: "        picture: text().nullable(), // column type inet: relata has no field kind for it",
        mysql: "        picture: text().nullable(), // column type blob: relata has no field kind for it",
      }[dialect],
    );
    if (dialect !== "sqlite")
      has("        small: integer().nullable(), // column type smallint: integer() creates integer");
    if (dialect === "mysql") {
      has(
        `        state: string(9).default("draft"), // column type enum('draft','published'): string(9) creates varchar(9)`,
      );
    }
    expect(edge).not.toContain("auditLog");
    const { schema } = await loadPulled("edge", edge);
    const pushed = await isolatedUrl();
    const target = createDb({ schema, url: pushed.url });
    try {
      await target.push();
    } finally {
      await target.destroy();
      await pushed.drop();
    }
  }, 60_000);

  it("names relations apart: a join model, a self reference, two keys to one model, a key named like a field", () => {
    for (const line of [
      // a link table with its own id: a join model, belongsToMany through it both ways
      `        roles: belongsToMany("role", { through: "roleMember", pivotFields: ["grantedBy"] }),`,
      `        members: belongsToMany("member", { through: "roleMember", pivotFields: ["grantedBy"] }),`,
      `        roleMembers: hasMany("roleMember"),`,
      `      uniques: [["memberId", "roleId"]],`,
      // a self-referencing pivot table: both ways, keys spelled out
      `        friends: belongsToMany("member", {\n          table: "friendships",\n          foreignPivotKey: "memberId",\n          relatedPivotKey: "friendId",\n        }),`,
      `        members: belongsToMany("member", {\n          table: "friendships",\n          foreignPivotKey: "friendId",\n          relatedPivotKey: "memberId",\n        }),`,
      // a self reference
      `        parent: belongsTo("category"),`,
      `        children: hasMany("category", { foreignKey: "parentId" }),`,
      // two keys to one model
      `        sender: belongsTo("member"),`,
      `        recipient: belongsTo("member"),`,
      `        senderMessages: hasMany("message", { foreignKey: "senderId" }),`,
      `        recipientMessages: hasMany("message", { foreignKey: "recipientId" }),`,
      // \`author\` is a field: the relation takes the model's name
      `        member: belongsTo("member", { foreignKey: "authorId" }),`,
      `        notes: hasMany("note", { foreignKey: "authorId" }),`,
    ]) {
      expect(edge, line).toContain(line);
    }
  });

  it("type-checks (tsc, strict)", async () => {
    const { file } = await loadPulled("edge-types", edge);
    expect(typeErrors(file)).toEqual([]);
  }, 60_000);
});

describe(`pullSchema on a database named in PascalCase (${dialect})`, () => {
  const { autoId, q, naive } = DDL[dialect];
  const ddl = [
    `create table ${q("Customers")} (${q("Id")} ${autoId}, ${q("FullName")} varchar(100) not null, ${q("JoinedAt")} ${naive})`,
    `create table ${q("Orders")} (
      ${q("Id")} ${autoId},
      ${q("CustomerId")} integer not null,
      ${q("Total")} decimal(10, 2) not null,
      ${q("order_ref")} varchar(20),
      constraint orders_customer_fk foreign key (${q("CustomerId")}) references ${q("Customers")} (${q("Id")})
    )`,
    `create index orders_customer_index on ${q("Orders")} (${q("CustomerId")})`,
  ];
  let db: Db<typeof placeholder>;
  let drop = async () => {};
  let pascal = "";

  beforeAll(async () => {
    let url = "sqlite::memory:";
    if (dialect !== "sqlite") ({ url, drop } = await isolatedUrl());
    db = createDb({ schema: placeholder, url });
    for (const statement of ddl) await sql.raw(statement).execute(db.kysely);
    pascal = await pullSchema(db.kysely, dialect);
  }, 60_000);

  afterAll(async () => {
    await db?.destroy();
    await drop();
  });

  it("picks the casing that derives the most names, and maps the rest", () => {
    for (const line of [
      `  { casing: "PascalCase" },`,
      `    customer: model({\n      table: "Customers",`,
      "        id: id(),",
      "        fullName: string(100),",
      // MySQL: timestamp() is a DATETIME already
      `        joinedAt: ${dialect === "mysql" ? "timestamp()" : "timestamp({ withTimezone: false })"}.defaultNow(),`,
      `        customerId: integer().references("customer.id"),`,
      `        orderRef: string(20).nullable().column("order_ref"),`,
      `        customer: belongsTo("customer"),`,
      `        orders: hasMany("order"),`,
    ]) {
      expect(pascal, line).toContain(line);
    }
  });

  it("recreates the same tables through push()", async () => {
    await expectRecreated("pascal", pascal, db.kysely, []);
  }, 60_000);
});

/**
 * A table as the comparison sees it. Accepted differences between the raw database and the one
 * push() recreates, each taken out here:
 * - index and constraint names: push() names them `${table}_${columns}_index` / `_unique` / `_foreign`;
 * - SQLite only: a declared type becomes relata's storage type for the field (`varchar(100)` ->
 *   `text`, `boolean` -> `integer`, `datetime` -> `text`, `decimal(8, 2)` -> `numeric`, ...), and
 *   `CURRENT_TIMESTAMP` becomes relata's ISO-8601 `strftime(...)` (both: now);
 * - a default's spelling: quotes, PostgreSQL casts, `true` as `1`, `0` as `0.00`.
 */
function comparable(table: DbTable) {
  return {
    columns: table.columns.map((c) => ({
      name: c.name,
      type: dialect === "sqlite" ? sqliteStorage(c.type) : c.type,
      nullable: c.nullable,
      default: defaultValue(c.default),
      autoIncrement: c.autoIncrement,
    })),
    primaryKey: table.primaryKey,
    indexes: table.indexes.map((i) => `${i.unique ? "unique" : "index"} (${i.columns.join(", ")})`).sort(),
    foreignKeys: table.foreignKeys
      .map(
        (fk) =>
          `(${fk.columns.join(", ")}) -> ${fk.table} (${fk.targetColumns.join(", ")}) on delete ${fk.onDelete} on update ${fk.onUpdate}`,
      )
      .sort(),
  };
}

/** SQLite: the storage type relata declares for the field kind a declared type is pulled as. */
function sqliteStorage(type: string): string {
  if (/^(integer|bigint|boolean)$/.test(type)) return "integer";
  if (/^(double precision|real)$/.test(type)) return "real";
  if (/^(decimal|numeric)/.test(type)) return "numeric";
  return "text";
}

function defaultValue(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (/current_timestamp|now\(\)|strftime\(.*'now'/i.test(text)) return "now";
  const bare = text.replace(/::[a-z ]+(\(\d+(,\s*\d+)?\))?$/i, "").replace(/^'(.*)'$/s, "$1");
  if (bare === "true") return "1";
  if (bare === "false") return "0";
  return /^-?\d+(\.\d+)?$/.test(bare) ? String(Number(bare)) : bare;
}
