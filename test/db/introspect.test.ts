import { type Kysely, sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import {
  belongsTo,
  belongsToMany,
  boolean,
  defineSchema,
  id,
  integer,
  model,
  morphMany,
  morphTo,
  string,
  text,
  timestamp,
} from "../../src/index.js";
import { introspect } from "../../src/migrate/introspect/index.js";
import type { DbColumn, DbTable } from "../../src/migrate/introspect/types.js";
import { dialect, type PerDialect, useTestDb } from "../support/test-db.js";

/** A column as introspect() reports it: not null, no default, not generated, unless told. */
const col = (name: string, type: string, options: Partial<Omit<DbColumn, "name" | "type">> = {}): DbColumn => ({
  name,
  type,
  nullable: false,
  default: undefined,
  autoIncrement: false,
  ...options,
});

/** How each catalog spells what the tests declare. */
interface Spelling {
  /** `integer` as declared in DDL. */
  readonly int: string;
  readonly varchar: (length: number) => string;
  /** A string literal default (`'eu'`), as the catalog prints it. */
  readonly stringDefault: (literal: string) => string;
}

const spelling: PerDialect<Spelling> = {
  sqlite: { int: "integer", varchar: (n) => `varchar(${n})`, stringDefault: (literal) => literal },
  postgres: {
    int: "integer",
    varchar: (n) => `character varying(${n})`,
    stringDefault: (literal) => `${literal}::character varying`,
  },
  // MariaDB prints int(11): display widths are dropped, as MySQL 8.0.19+ does.
  mysql: { int: "int", varchar: (n) => `varchar(${n})`, stringDefault: (literal) => literal },
};
const say = spelling[dialect];

/** An action no ON DELETE / ON UPDATE clause named: MariaDB's catalog says RESTRICT (InnoDB treats both alike). */
let omittedAction = "no action";

async function detectOmittedAction(kysely: Kysely<any>): Promise<void> {
  if (dialect !== "mysql") return;
  const { rows } = await sql<{ version: string }>`select version() as version`.execute(kysely);
  omittedAction = /mariadb/i.test(rows[0]!.version) ? "restrict" : "no action";
}

// ---------------------------------------------------------------------------------------------
// Tables written in each dialect's own DDL.
// ---------------------------------------------------------------------------------------------

/** The few column definitions that differ by dialect; the rest of the DDL is shared. */
const ddl: PerDialect<{
  autoId: string;
  timestampNow: string;
  /** A string literal holding a, a backslash and b. */
  backslash: string;
  /** What `references accounts` needs to point at its primary key. */
  accountsKey: string;
  moreIds: string;
}> = {
  sqlite: {
    autoId: "integer primary key autoincrement",
    backslash: "'a\\b'",
    accountsKey: "",
    timestampNow: "timestamp not null default CURRENT_TIMESTAMP",
    // A rowid alias without AUTOINCREMENT, a table-constraint key, and an `int` key that is no alias.
    moreIds: `create table ids_a (id integer primary key, v text);
      create table ids_b ("ID" INTEGER, v text, primary key ("ID"));
      create table ids_c (id int primary key, v text)`,
  },
  postgres: {
    autoId: "serial primary key",
    backslash: "'a\\b'",
    accountsKey: "",
    timestampNow: "timestamptz not null default current_timestamp",
    moreIds: `create table ids_a (id bigint generated always as identity primary key, v text);
      create table ids_b ("ID" bigserial, v text, primary key ("ID"));
      create table ids_c (id integer primary key, v text)`,
  },
  mysql: {
    autoId: "integer not null auto_increment primary key",
    backslash: "'a\\\\b'",
    accountsKey: " (id)",
    timestampNow: "datetime(3) not null default current_timestamp(3)",
    moreIds: `create table ids_a (id bigint unsigned auto_increment primary key, v text);
      create table ids_b (\`ID\` bigint not null auto_increment, v text, primary key (\`ID\`));
      create table ids_c (id integer primary key, v text)`,
  },
};

const rawDdl = (d: (typeof ddl)[typeof dialect]) => [
  `create table accounts (
    id ${d.autoId},
    handle varchar(50) not null,
    region varchar(20) not null default 'eu',
    score integer not null default 0,
    active boolean not null default true,
    created_at ${d.timestampNow},
    bio text,
    nickname varchar(50) default null,
    motto varchar(50) default 'it''s fine',
    constraint accounts_handle_region_unique unique (handle, region)
  )`,
  "create index accounts_score_index on accounts (score)",
  "create index accounts_region_score_index on accounts (region, score)",
  `create table tenants (
    org varchar(20) not null,
    code varchar(20) not null,
    name varchar(100) not null unique,
    primary key (org, code)
  )`,
  // Key orders differ from the column order: (org, code, account_id) and (org, code).
  `create table memberships (
    account_id integer not null,
    code varchar(20) not null,
    org varchar(20) not null,
    invited_by integer,
    role varchar(20) not null default 'member',
    primary key (org, code, account_id),
    constraint memberships_account_foreign foreign key (account_id) references accounts (id)
      on delete cascade on update cascade,
    constraint memberships_tenant_foreign foreign key (org, code) references tenants (org, code)
      on delete restrict on update cascade,
    constraint memberships_inviter_foreign foreign key (invited_by) references accounts (id) on delete set null
  )`,
  // Unnamed constraints, and defaults each server prints its own way.
  `create table documents (
    id varchar(10) not null primary key,
    owner_id integer,
    body json,
    path varchar(20) default ${d.backslash},
    label varchar(10) default 'NULL',
    ratio double precision default 2.5,
    price decimal(8, 2) default 0,
    foreign key (owner_id) references accounts${d.accountsKey} on delete cascade
  )`,
  "create table relata_migrations (name varchar(100) not null primary key)",
  ...d.moreIds.split(";"),
];

describe(`introspect() of tables written in raw DDL (${dialect})`, () => {
  const t = useTestDb(defineSchema({ unused: model({ table: "unused", fields: { id: id() } }) }), { push: false });

  beforeAll(async () => {
    for (const statement of rawDdl(ddl[dialect])) await sql.raw(statement).execute(t.db.kysely);
    await detectOmittedAction(t.db.kysely);
  });

  const accounts = (): DbTable => ({
    name: "accounts",
    columns: [
      col("id", say.int, { autoIncrement: true }),
      col("handle", say.varchar(50)),
      col("region", say.varchar(20), { default: say.stringDefault("'eu'") }),
      col("score", say.int, { default: "0" }),
      col("active", { sqlite: "boolean", postgres: "boolean", mysql: "tinyint(1)" }[dialect], {
        default: { sqlite: "true", postgres: "true", mysql: "1" }[dialect],
      }),
      col(
        "created_at",
        { sqlite: "timestamp", postgres: "timestamp with time zone", mysql: "datetime(3)" }[dialect],
        // MariaDB prints current_timestamp(3), MySQL CURRENT_TIMESTAMP(3): both read as the latter.
        {
          default: { sqlite: "CURRENT_TIMESTAMP", postgres: "CURRENT_TIMESTAMP", mysql: "CURRENT_TIMESTAMP(3)" }[
            dialect
          ],
        },
      ),
      col("bio", "text", { nullable: true }),
      // `default null` is no default.
      col("nickname", say.varchar(50), { nullable: true }),
      col("motto", say.varchar(50), { nullable: true, default: say.stringDefault("'it''s fine'") }),
    ],
    primaryKey: ["id"],
    indexes: [
      // SQLite keeps the constraint nameless (an autoindex): read back from the CREATE TABLE.
      { name: "accounts_handle_region_unique", columns: ["handle", "region"], unique: true },
      { name: "accounts_region_score_index", columns: ["region", "score"], unique: false },
      { name: "accounts_score_index", columns: ["score"], unique: false },
    ],
    foreignKeys: [],
  });

  const memberships = (): DbTable => ({
    name: "memberships",
    columns: [
      col("account_id", say.int),
      col("code", say.varchar(20)),
      col("org", say.varchar(20)),
      col("invited_by", say.int, { nullable: true }),
      col("role", say.varchar(20), { default: say.stringDefault("'member'") }),
    ],
    primaryKey: ["org", "code", "account_id"],
    // InnoDB indexes each foreign key no index starts with, under the constraint's name.
    indexes: {
      sqlite: [],
      postgres: [],
      mysql: [
        { name: "memberships_account_foreign", columns: ["account_id"], unique: false },
        { name: "memberships_inviter_foreign", columns: ["invited_by"], unique: false },
      ],
    }[dialect],
    foreignKeys: [
      {
        name: "memberships_account_foreign",
        columns: ["account_id"],
        table: "accounts",
        targetColumns: ["id"],
        onDelete: "cascade",
        onUpdate: "cascade",
      },
      {
        name: "memberships_inviter_foreign",
        columns: ["invited_by"],
        table: "accounts",
        targetColumns: ["id"],
        onDelete: "set null",
        onUpdate: omittedAction,
      },
      {
        name: "memberships_tenant_foreign",
        columns: ["org", "code"],
        table: "tenants",
        targetColumns: ["org", "code"],
        onDelete: "restrict",
        onUpdate: "cascade",
      },
    ],
  });

  it("reads columns, defaults, keys and indexes exactly", async () => {
    const { tables } = await introspect(t.db.kysely, dialect);
    expect(tables.get("accounts")).toEqual(accounts());
    expect(tables.get("memberships")).toEqual(memberships());
    expect(tables.get("tenants")).toEqual({
      name: "tenants",
      columns: [col("org", say.varchar(20)), col("code", say.varchar(20)), col("name", say.varchar(100))],
      primaryKey: ["org", "code"],
      // An unnamed unique constraint, under the name the database gave it.
      indexes: [
        {
          name: { sqlite: "sqlite_autoindex_tenants_1", postgres: "tenants_name_key", mysql: "name" }[dialect],
          columns: ["name"],
          unique: true,
        },
      ],
      foreignKeys: [],
    } satisfies DbTable);
  });

  it("reads an unnamed foreign key, JSON, and defaults each server prints its own way", async () => {
    const { tables } = await introspect(t.db.kysely, dialect, { tables: ["documents"] });
    expect(tables.get("documents")).toEqual({
      name: "documents",
      columns: [
        col("id", say.varchar(10)),
        col("owner_id", say.int, { nullable: true }),
        // MariaDB's JSON is a longtext checked by json_valid(): read as json.
        col("body", "json", { nullable: true }),
        // MariaDB prints 'a\\\\b', MySQL a\\b: both read as standard SQL, as SQLite and PostgreSQL print it.
        col("path", say.varchar(20), { nullable: true, default: say.stringDefault("'a\\b'") }),
        // The string NULL is a default; MariaDB prints it 'NULL', and a NULL default NULL.
        col("label", say.varchar(10), { nullable: true, default: say.stringDefault("'NULL'") }),
        col("ratio", { sqlite: "double precision", postgres: "double precision", mysql: "double" }[dialect], {
          nullable: true,
          default: "2.5",
        }),
        col("price", { sqlite: "decimal(8, 2)", postgres: "numeric(8,2)", mysql: "decimal(8,2)" }[dialect], {
          nullable: true,
          default: { sqlite: "0", postgres: "0", mysql: "0.00" }[dialect],
        }),
      ],
      primaryKey: ["id"],
      indexes: { sqlite: [], postgres: [], mysql: [{ name: "owner_id", columns: ["owner_id"], unique: false }] }[
        dialect
      ],
      foreignKeys: [
        {
          name: { sqlite: undefined, postgres: "documents_owner_id_fkey", mysql: "documents_ibfk_1" }[dialect],
          columns: ["owner_id"],
          table: "accounts",
          // SQLite and PostgreSQL: `references accounts` points at its primary key.
          targetColumns: ["id"],
          onDelete: "cascade",
          onUpdate: omittedAction,
        },
      ],
    } satisfies DbTable);
  });

  it("sorts tables by name and leaves out relata's own tables and the database's", async () => {
    const { tables } = await introspect(t.db.kysely, dialect);
    // sqlite_sequence (kept by AUTOINCREMENT) is SQLite's; relata_migrations is relata's.
    expect([...tables.keys()]).toEqual(["accounts", "documents", "ids_a", "ids_b", "ids_c", "memberships", "tenants"]);
    expect([...tables.values()].map((table) => table.name)).toEqual([...tables.keys()]);
  });

  it("reads only the named tables when asked, relata's own included", async () => {
    const { tables } = await introspect(t.db.kysely, dialect, {
      tables: ["memberships", "relata_migrations", "no_such_table"],
    });
    expect([...tables.keys()]).toEqual(["memberships", "relata_migrations"]);
    expect(tables.get("memberships")).toEqual(memberships());
    expect(tables.get("relata_migrations")).toEqual({
      name: "relata_migrations",
      columns: [col("name", say.varchar(100))],
      primaryKey: ["name"],
      indexes: [],
      foreignKeys: [],
    } satisfies DbTable);
    expect((await introspect(t.db.kysely, dialect, { tables: [] })).tables.size).toBe(0);
  });

  it("tells the other auto-increment spellings from a plain integer key", async () => {
    const { tables } = await introspect(t.db.kysely, dialect, { tables: ["ids_a", "ids_b", "ids_c"] });
    const key = (table: string) => tables.get(table)?.columns[0];
    expect(key("ids_a")).toEqual(
      col("id", { sqlite: "integer", postgres: "bigint", mysql: "bigint unsigned" }[dialect], { autoIncrement: true }),
    );
    expect(key("ids_b")).toEqual(
      col("ID", { sqlite: "integer", postgres: "bigint", mysql: "bigint" }[dialect], { autoIncrement: true }),
    );
    // SQLite: only a key declared exactly INTEGER is the rowid; an `int` key may even hold NULL.
    expect(key("ids_c")).toEqual(
      col("id", { sqlite: "int", postgres: "integer", mysql: "int" }[dialect], { nullable: dialect === "sqlite" }),
    );
    expect(tables.get("ids_b")?.primaryKey).toEqual(["ID"]);
  });
});

describe.runIf(dialect === "sqlite")("introspect() on SQLite: what only the CREATE TABLE text tells", () => {
  const t = useTestDb(defineSchema({ unused: model({ table: "unused", fields: { id: id() } }) }), { push: false });

  beforeAll(async () => {
    for (const statement of [
      `create table "Odd Parent" ("Key" text primary key, b int)`,
      `create table kids (
        -- a comment (with a parenthesis, and a comma
        id integer primary key desc,
        ref text constraint "kid to parent" references "Odd Parent" on delete cascade,
        tag text constraint kids_tag_unique unique,
        a int, b int, c int unique,
        /* constraint not_this unique (b), */
        constraint [kids ab unique] unique (a collate nocase, "B" desc),
        foreign key (a) references kids (id)
      )`,
      "create table pairs (x integer, y integer, primary key (x)) without rowid",
    ]) {
      await sql.raw(statement).execute(t.db.kysely);
    }
  });

  it("names constraints as declared, column constraints and quoted names included", async () => {
    const { tables } = await introspect(t.db.kysely, dialect);
    expect(tables.get("kids")).toEqual({
      name: "kids",
      columns: [
        // INTEGER PRIMARY KEY DESC is no rowid alias: it is not generated, and may be NULL.
        col("id", "integer", { nullable: true }),
        col("ref", "text", { nullable: true }),
        col("tag", "text", { nullable: true }),
        col("a", "int", { nullable: true }),
        col("b", "int", { nullable: true }),
        col("c", "int", { nullable: true }),
      ],
      primaryKey: ["id"],
      indexes: [
        { name: "kids ab unique", columns: ["a", "b"], unique: true },
        { name: "kids_tag_unique", columns: ["tag"], unique: true },
        // An unnamed one keeps its autoindex's name.
        { name: "sqlite_autoindex_kids_3", columns: ["c"], unique: true },
      ],
      foreignKeys: [
        // Unnamed keys first.
        {
          name: undefined,
          columns: ["a"],
          table: "kids",
          targetColumns: ["id"],
          onDelete: "no action",
          onUpdate: "no action",
        },
        {
          name: "kid to parent",
          columns: ["ref"],
          table: "Odd Parent",
          // `references "Odd Parent"` names no column: its primary key.
          targetColumns: ["Key"],
          onDelete: "cascade",
          onUpdate: "no action",
        },
      ],
    } satisfies DbTable);
  });

  it("reads a WITHOUT ROWID table's integer key as not generated and not null", async () => {
    const { tables } = await introspect(t.db.kysely, dialect, { tables: ["pairs"] });
    expect(tables.get("pairs")).toEqual({
      name: "pairs",
      columns: [col("x", "integer"), col("y", "integer", { nullable: true })],
      primaryKey: ["x"],
      indexes: [],
      foreignKeys: [],
    } satisfies DbTable);
  });
});

describe.runIf(dialect === "postgres")("introspect() on PostgreSQL: expressions, INCLUDE, generated columns", () => {
  const t = useTestDb(defineSchema({ unused: model({ table: "unused", fields: { id: id() } }) }), { push: false });

  it("reads an expression's part of an index as its text, leaves out INCLUDE columns and generated expressions", async () => {
    for (const statement of [
      `create table shapes (
        id integer primary key,
        w integer not null default 1,
        h integer,
        area integer generated always as (w * h) stored,
        label text default null::text
      )`,
      "create index shapes_lower_label_index on shapes (lower(label), w)",
      "create unique index shapes_w_include_index on shapes (w) include (h)",
    ]) {
      await sql.raw(statement).execute(t.db.kysely);
    }
    const { tables } = await introspect(t.db.kysely, dialect);
    expect(tables.get("shapes")).toEqual({
      name: "shapes",
      columns: [
        col("id", "integer"),
        col("w", "integer", { default: "1" }),
        col("h", "integer", { nullable: true }),
        col("area", "integer", { nullable: true }),
        col("label", "text", { nullable: true }),
      ],
      primaryKey: ["id"],
      indexes: [
        { name: "shapes_lower_label_index", columns: ["lower(label)", "w"], unique: false },
        { name: "shapes_w_include_index", columns: ["w"], unique: true },
      ],
      foreignKeys: [],
    } satisfies DbTable);
  });
});

// ---------------------------------------------------------------------------------------------
// Tables created by relata's own push().
// ---------------------------------------------------------------------------------------------

const club = defineSchema(
  {
    member: model({
      table: "members",
      fields: {
        id: id(),
        email: string().unique(),
        name: string(),
        active: boolean().default(true),
        joinedAt: timestamp().defaultNow(),
      },
      relations: {
        teams: belongsToMany("team", { table: "member_team" }),
        notes: morphMany("note", { morphName: "notable" }),
      },
    }),
    team: model({
      table: "teams",
      fields: {
        id: id(),
        name: string(40).default("unnamed"),
        captainId: integer().nullable().references("member.id", { onDelete: "set null" }),
      },
      relations: {
        captain: belongsTo("member", { foreignKey: "captainId" }),
        members: belongsToMany("member", { table: "member_team" }),
        notes: morphMany("note", { morphName: "notable" }),
      },
    }),
    note: model({
      table: "notes",
      fields: {
        id: id(),
        body: text(),
        notableType: string(),
        notableId: integer(),
        authorId: integer().references("member.id", { onDelete: "cascade", onUpdate: "cascade" }),
      },
      relations: { notable: morphTo(), author: belongsTo("member", { foreignKey: "authorId" }) },
    }),
  },
  { casing: "snake_case" },
);

describe(`introspect() of tables created by push() (${dialect})`, () => {
  const t = useTestDb(club);
  beforeAll(() => detectOmittedAction(t.db.kysely));

  /** push()'s column types per field kind, as each catalog reads them back. */
  const pushed: PerDialect<{
    id: string;
    string: (n: number) => string;
    boolean: [type: string, trueDefault: string];
    timestamp: [type: string, nowDefault: string];
  }> = {
    sqlite: {
      id: "integer",
      string: () => "text",
      boolean: ["integer", "1"],
      timestamp: ["text", "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"],
    },
    postgres: {
      id: "integer",
      string: (n) => `character varying(${n})`,
      boolean: ["boolean", "true"],
      timestamp: ["timestamp with time zone", "CURRENT_TIMESTAMP"],
    },
    mysql: {
      id: "int",
      string: (n) => `varchar(${n})`,
      boolean: ["tinyint(1)", "1"],
      timestamp: ["datetime(3)", "CURRENT_TIMESTAMP(3)"],
    },
  };
  const p = pushed[dialect];
  /** push() indexes a foreign key itself, except on MySQL where InnoDB does (named as the constraint). */
  const fkIndex = (table: string, column: string) => ({
    name: `${table}_${column}_${dialect === "mysql" ? "foreign" : "index"}`,
    columns: [column],
    unique: false,
  });

  it("reads a model with a unique field and defaults", async () => {
    const { tables } = await introspect(t.db.kysely, dialect);
    expect([...tables.keys()]).toEqual(["member_team", "members", "notes", "teams"]);
    expect(tables.get("members")).toEqual({
      name: "members",
      columns: [
        col("id", p.id, { autoIncrement: true }),
        col("email", p.string(255)),
        col("name", p.string(255)),
        col("active", p.boolean[0], { default: p.boolean[1] }),
        col("joined_at", p.timestamp[0], { default: p.timestamp[1] }),
      ],
      primaryKey: ["id"],
      indexes: [{ name: "members_email_unique", columns: ["email"], unique: true }],
      foreignKeys: [],
    } satisfies DbTable);
  });

  it("reads belongsTo keys with their actions and indexes", async () => {
    const { tables } = await introspect(t.db.kysely, dialect, { tables: ["teams"] });
    expect(tables.get("teams")).toEqual({
      name: "teams",
      columns: [
        col("id", p.id, { autoIncrement: true }),
        col("name", p.string(40), { default: say.stringDefault("'unnamed'") }),
        col("captain_id", say.int, { nullable: true }),
      ],
      primaryKey: ["id"],
      indexes: [fkIndex("teams", "captain_id")],
      foreignKeys: [
        {
          name: "teams_captain_id_foreign",
          columns: ["captain_id"],
          table: "members",
          targetColumns: ["id"],
          onDelete: "set null",
          onUpdate: omittedAction,
        },
      ],
    } satisfies DbTable);
  });

  it("reads a morph pair's index next to a belongsTo key", async () => {
    const { tables } = await introspect(t.db.kysely, dialect, { tables: ["notes"] });
    expect(tables.get("notes")).toEqual({
      name: "notes",
      columns: [
        col("id", p.id, { autoIncrement: true }),
        col("body", "text"),
        col("notable_type", p.string(255)),
        col("notable_id", say.int),
        col("author_id", say.int),
      ],
      primaryKey: ["id"],
      indexes: [
        fkIndex("notes", "author_id"),
        { name: "notes_notable_type_notable_id_index", columns: ["notable_type", "notable_id"], unique: false },
      ],
      foreignKeys: [
        {
          name: "notes_author_id_foreign",
          columns: ["author_id"],
          table: "members",
          targetColumns: ["id"],
          onDelete: "cascade",
          onUpdate: "cascade",
        },
      ],
    } satisfies DbTable);
  });

  it("reads a bare pivot: composite key, both foreign keys, the second key's index", async () => {
    const { tables } = await introspect(t.db.kysely, dialect, { tables: ["member_team"] });
    const pivotKey = (column: string, table: string) => ({
      name: `member_team_${column}_foreign`,
      columns: [column],
      table,
      targetColumns: ["id"],
      onDelete: "cascade",
      onUpdate: omittedAction,
    });
    expect(tables.get("member_team")).toEqual({
      name: "member_team",
      columns: [col("member_id", say.int), col("team_id", say.int)],
      primaryKey: ["member_id", "team_id"],
      // member_id leads the primary key, which serves as its index.
      indexes: [fkIndex("member_team", "team_id")],
      foreignKeys: [pivotKey("member_id", "members"), pivotKey("team_id", "teams")],
    } satisfies DbTable);
  });
});
