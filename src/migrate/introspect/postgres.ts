import { type Kysely, type RawBuilder, sql } from "kysely";

interface ColumnRow {
  readonly table_name: string;
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean;
  readonly default_sql: string | null;
  readonly auto_increment: boolean;
}
interface IndexRow {
  readonly table_name: string;
  readonly index_name: string;
  readonly is_unique: boolean;
  readonly column_name: string;
}
interface ConstraintRow {
  readonly table_name: string;
  readonly constraint_name: string;
  /** `p`: primary key, `f`: foreign key. */
  readonly kind: string;
  readonly column_name: string;
  readonly target_table: string | null;
  readonly target_column: string | null;
  readonly on_delete: string | null;
  readonly on_update: string | null;
}

/** pg_constraint's action codes. */
const ACTIONS: Readonly<Record<string, string>> = {
  a: "no action",
  r: "restrict",
  c: "cascade",
  n: "set null",
  d: "set default",
};

/**
 * PostgreSQL's catalog (pg_catalog), in the connection's `current_schema()`: ordinary and
 * partitioned tables, not their partitions. Types as `format_type` prints them, defaults as
 * `pg_get_expr` does (`'draft'::character varying`); identity columns and serial ones (a
 * `nextval` default of a sequence the column owns) are `autoIncrement`, without that default.
 */
export async function readPostgresCatalog(kysely: Kysely<any>, wanted: readonly string[] | undefined) {
  const only = wanted ? sql`and t.relname in (${sql.join(wanted)})` : sql``;
  // The tables of the current schema, as `t`.
  const tablesJoin = (rest: RawBuilder<unknown>) => sql`pg_class t
    join pg_namespace n on n.oid = t.relnamespace and n.nspname = current_schema()
    ${rest}
    where t.relkind in ('r', 'p') and not t.relispartition ${only}`;

  const { rows: tables } = await sql<{ table_name: string }>`
    select t.relname as table_name from ${tablesJoin(sql``)}`.execute(kysely);
  const { rows: columns } = await sql<ColumnRow>`
    select t.relname as table_name, a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
      not a.attnotnull as nullable, c.default_sql,
      a.attidentity <> '' or coalesce(c.default_sql like 'nextval(%' and c.owned_sequence is not null, false)
        as auto_increment
    from ${tablesJoin(sql`
      join pg_attribute a on a.attrelid = t.oid and a.attnum > 0 and not a.attisdropped
      left join pg_attrdef d on d.adrelid = t.oid and d.adnum = a.attnum
      cross join lateral (select
        -- a generated column's expression is no default
        case when a.attgenerated = '' then pg_get_expr(d.adbin, d.adrelid) end as default_sql,
        pg_get_serial_sequence(format('%I.%I', n.nspname, t.relname), a.attname) as owned_sequence
      ) c`)}
    order by t.relname, a.attnum`.execute(kysely);
  const { rows: indexes } = await sql<IndexRow>`
    select t.relname as table_name, i.relname as index_name, x.indisunique as is_unique,
      -- an expression's part of the index, as its text
      coalesce(a.attname, pg_get_indexdef(x.indexrelid, k.position::int, true)) as column_name
    from ${tablesJoin(sql`
      join pg_index x on x.indrelid = t.oid and not x.indisprimary
      join pg_class i on i.oid = x.indexrelid
      -- the key columns, not those an INCLUDE adds
      cross join lateral (select * from unnest(x.indkey::int2[]) with ordinality as u(attnum, position)
        where u.position <= x.indnkeyatts) k
      left join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum and k.attnum > 0`)}
    order by t.relname, i.relname, k.position`.execute(kysely);
  const { rows: constraints } = await sql<ConstraintRow>`
    select t.relname as table_name, c.conname as constraint_name, c.contype as kind, a.attname as column_name,
      r.relname as target_table, ra.attname as target_column, c.confdeltype as on_delete, c.confupdtype as on_update
    from ${tablesJoin(sql`
      join pg_constraint c on c.conrelid = t.oid and c.contype in ('p', 'f')
      cross join lateral unnest(c.conkey, c.confkey) with ordinality as k(attnum, target_attnum, position)
      join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum
      left join pg_class r on r.oid = c.confrelid
      left join pg_attribute ra on ra.attrelid = c.confrelid and ra.attnum = k.target_attnum`)}
    order by t.relname, c.conname, k.position`.execute(kysely);

  return {
    tables: tables.map((t) => t.table_name),
    columns: columns.map((c) => ({
      table: c.table_name,
      name: c.name,
      type: c.type,
      nullable: c.nullable,
      default: columnDefault(c),
      autoIncrement: c.auto_increment,
    })),
    primaryKeys: constraints.filter((c) => c.kind === "p").map((c) => ({ table: c.table_name, column: c.column_name })),
    indexes: indexes.map((i) => ({
      table: i.table_name,
      name: i.index_name,
      unique: i.is_unique,
      column: i.column_name,
    })),
    foreignKeys: constraints
      .filter((c) => c.kind === "f")
      .map((c) => ({
        table: c.table_name,
        key: c.constraint_name,
        name: c.constraint_name,
        column: c.column_name,
        targetTable: c.target_table ?? "",
        targetColumn: c.target_column ?? "",
        onDelete: ACTIONS[c.on_delete ?? "a"] ?? "no action",
        onUpdate: ACTIONS[c.on_update ?? "a"] ?? "no action",
      })),
  };
}

/** The default as PostgreSQL prints it; none for a serial's `nextval(...)` or an explicit NULL. */
function columnDefault(column: ColumnRow): string | undefined {
  const text = column.default_sql;
  if (text === null || /^null(::.*)?$/i.test(text)) return undefined;
  if (column.auto_increment && text.startsWith("nextval(")) return undefined;
  return text;
}
