import type { DialectName } from "../dialect/profile.js";
import type { Schema } from "../schema/define-schema.js";
import type { FieldKind } from "../schema/fields.js";
import { type Link, relationGraph } from "./links.js";
import { camelCase, NameScope } from "./names.js";
import { type TableColumn, type TablePlan, tablePlans } from "./tables.js";

export interface DrizzleOptions {
  /** The database the schema is for: `sqliteTable`, `pgTable` or `mysqlTable` and their column types. */
  readonly dialect: DialectName;
}

/** A column builder call: the function (imported from the dialect's core module) and its options. */
type Builder = readonly [fn: string, options?: string];

interface Core {
  readonly module: string;
  readonly table: string;
  readonly extraConfig: string;
  /** What makes an auto-increment primary key column. */
  readonly autoIncrement: string;
  /** The builder giving relata's column type for a field kind. */
  readonly types: Record<FieldKind, (c: TableColumn) => Builder>;
}

/**
 * drizzle-orm's column builder per field kind and dialect, giving the column type relata's
 * push() creates (dialect/*.ts `columnTypes`): SQLite keeps timestamps, dates and json as text.
 */
const CORES: Record<DialectName, Core> = {
  sqlite: {
    module: "drizzle-orm/sqlite-core",
    table: "sqliteTable",
    extraConfig: "SQLiteTableExtraConfigValue",
    autoIncrement: ".primaryKey({ autoIncrement: true })",
    types: {
      id: () => ["integer"],
      integer: () => ["integer"],
      bigint: () => ["integer"],
      float: () => ["real"],
      decimal: () => ["numeric"],
      boolean: () => ["integer", `{ mode: "boolean" }`],
      uuid: () => ["text"],
      string: () => ["text"],
      text: () => ["text"],
      timestamp: () => ["text"],
      date: () => ["text"],
      json: () => ["text", `{ mode: "json" }`],
    },
  },
  postgres: {
    module: "drizzle-orm/pg-core",
    table: "pgTable",
    extraConfig: "PgTableExtraConfigValue",
    autoIncrement: ".primaryKey()", // serial
    types: {
      id: () => ["serial"],
      integer: () => ["integer"],
      bigint: (c) => ["bigint", `{ mode: "${c.config.bigintMode ?? "bigint"}" }`],
      float: () => ["doublePrecision"],
      decimal: (c) => ["numeric", `{ precision: ${c.config.precision ?? 10}, scale: ${c.config.scale ?? 2} }`],
      boolean: () => ["boolean"],
      uuid: () => ["uuid"],
      string: (c) => ["varchar", `{ length: ${c.config.length ?? 255} }`],
      text: () => ["text"],
      timestamp: (c) =>
        c.config.withTimezone === false
          ? ["timestamp", `{ mode: "date" }`]
          : ["timestamp", `{ withTimezone: true, mode: "date" }`],
      date: () => ["date", `{ mode: "string" }`],
      json: () => ["jsonb"],
    },
  },
  mysql: {
    module: "drizzle-orm/mysql-core",
    table: "mysqlTable",
    extraConfig: "MySqlTableExtraConfigValue",
    autoIncrement: ".autoincrement().primaryKey()",
    types: {
      id: () => ["int"],
      integer: () => ["int"],
      bigint: (c) => ["bigint", `{ mode: "${c.config.bigintMode ?? "bigint"}" }`],
      float: () => ["double"],
      decimal: (c) => ["decimal", `{ precision: ${c.config.precision ?? 10}, scale: ${c.config.scale ?? 2} }`],
      boolean: () => ["boolean"],
      uuid: () => ["char", "{ length: 36 }"],
      string: (c) => ["varchar", `{ length: ${c.config.length ?? 255} }`],
      text: () => ["text"],
      timestamp: () => ["datetime", `{ mode: "date", fsp: 3 }`],
      date: () => ["date", `{ mode: "string" }`],
      json: () => ["json"],
    },
  },
};

/**
 * A TypeScript module declaring relata's tables with drizzle-orm (`sqliteTable` / `pgTable` /
 * `mysqlTable`): the same table and column names and types, primary keys, uniques, indexes and
 * foreign keys (with the names relata gives them), defaults, and `relations()` for every link
 * between two tables. Polymorphic and through relations have no Drizzle equivalent: comments
 * say what they are.
 *
 * ```ts
 * writeFileSync("src/db/schema.ts", generateDrizzle(schema, { dialect: "postgres" }));
 * ```
 */
export function generateDrizzle(schema: Schema, options: DrizzleOptions): string {
  if (!Object.hasOwn(CORES, options.dialect)) throw new TypeError(`Unknown dialect "${String(options.dialect)}"`);
  const core = CORES[options.dialect];
  const plans = tablePlans(schema.meta, options.dialect);
  const graph = relationGraph(schema.meta, plans);
  const imports = new Set<string>();
  const coreImports = new Set<string>();
  const consts = new NameScope(["relations", "sql", "randomUUID", core.table, core.extraConfig]);
  for (const fn of ["foreignKey", "index", "primaryKey", "unique"]) consts.add(fn);
  for (const type of Object.values(core.types)) consts.add(type(plans[0]!.columns[0]!)[0]);
  const names = new Map<TablePlan, string>();
  for (const plan of plans) names.set(plan, consts.claim(camelCase(plan.table), `${camelCase(plan.table)}Table`));

  const body: string[] = [];
  for (const plan of plans) body.push(table(plan, core, names, graph, imports, coreImports));
  for (const plan of plans) {
    const block = relationsBlock(plan, names, graph.links, consts);
    if (block) {
      imports.add("relations");
      body.push(block);
    }
  }

  const header = ["// Generated by relata from its schema: change the relata schema and generate again."];
  if (imports.has("randomUUID")) header.push(`import { randomUUID } from "node:crypto";`);
  const orm = ["relations", "sql"].filter((name) => imports.has(name));
  if (orm.length > 0) header.push(`import { ${orm.join(", ")} } from "drizzle-orm";`);
  const extraConfig = imports.has("extraConfig") ? [`type ${core.extraConfig}`] : [];
  const fromCore = [...extraConfig, ...[...coreImports, core.table].sort()];
  header.push(`import { ${fromCore.join(", ")} } from "${core.module}";`);
  return `${header.join("\n")}\n\n${body.join("\n\n")}\n`;
}

function table(
  plan: TablePlan,
  core: Core,
  names: ReadonlyMap<TablePlan, string>,
  graph: ReturnType<typeof relationGraph>,
  imports: Set<string>,
  coreImports: Set<string>,
): string {
  const lines: string[] = [];
  if (!plan.model) lines.push(`// The pivot table of a many-to-many relation.`);
  for (const note of graph.notes.get(plan.table) ?? [])
    lines.push(`// relata relation ${note}: no Drizzle equivalent.`);
  lines.push(`export const ${names.get(plan)} = ${core.table}(`, `  ${JSON.stringify(plan.table)},`, "  {");
  const single = plan.primaryKey.length === 1 ? plan.primaryKey[0] : undefined;
  for (const column of plan.columns) {
    const morph = graph.columnNotes.get(plan.table)?.get(column.column);
    if (morph) lines.push(`    // ${morph}.`);
    const [fn, config] = core.types[column.config.kind](column);
    coreImports.add(fn);
    let chain = `${fn}(${JSON.stringify(column.column)}${config ? `, ${config}` : ""})`;
    if (column.column === single) chain += column.config.autoIncrement ? core.autoIncrement : ".primaryKey()";
    else if (!column.config.nullable) chain += ".notNull()";
    chain += defaultCall(column, imports);
    lines.push(`    ${key(column.field)}: ${chain},`);
  }
  lines.push("  },");

  const extras: string[] = [];
  const col = (column: string) => `t.${key(plan.columns.find((c) => c.column === column)!.field)}`;
  if (plan.primaryKey.length > 1) {
    coreImports.add("primaryKey");
    extras.push(
      `primaryKey({ name: ${JSON.stringify(plan.primaryKeyName)}, columns: [${plan.primaryKey.map(col).join(", ")}] })`,
    );
  }
  for (const u of [...plan.uniques, ...plan.compositeUniques]) {
    coreImports.add("unique");
    extras.push(`unique(${JSON.stringify(u.name)}).on(${u.columns.map(col).join(", ")})`);
  }
  for (const fk of plan.foreignKeys) {
    coreImports.add("foreignKey");
    const target = [...names.keys()].find((p) => p.table === fk.table)!;
    const targetField = target.columns.find((c) => c.column === fk.targetColumn)!.field;
    const foreign = target === plan ? `t.${key(targetField)}` : `${names.get(target)}.${key(targetField)}`;
    let call = `foreignKey({ name: ${JSON.stringify(fk.name)}, columns: [${col(fk.column)}], foreignColumns: [${foreign}] })`;
    if (fk.onDelete) call += `.onDelete(${JSON.stringify(fk.onDelete)})`;
    if (fk.onUpdate) call += `.onUpdate(${JSON.stringify(fk.onUpdate)})`;
    extras.push(call);
  }
  for (const index of plan.indexes) {
    coreImports.add("index");
    extras.push(`index(${JSON.stringify(index.name)}).on(${index.columns.map(col).join(", ")})`);
  }
  if (extras.length > 0) {
    imports.add("extraConfig");
    // Annotated, so tables that reference each other do not make their types circular.
    lines.push(`  (t): ${core.extraConfig}[] => [`, ...extras.map((e) => `    ${e},`), "  ],");
  }
  lines.push(");");
  return lines.join("\n");
}

/** `.default(...)` as push() writes it, or `$defaultFn` where relata fills the value in on create. */
function defaultCall(column: TableColumn, imports: Set<string>): string {
  const d = column.default;
  if (!d || d.kind === "autoIncrement") return "";
  if (d.kind === "uuid") {
    imports.add("randomUUID");
    return ".$defaultFn(() => randomUUID())";
  }
  if (d.kind === "now") {
    if (d.ddl === undefined) return ".$defaultFn(() => new Date().toISOString().slice(0, 10))";
    imports.add("sql");
    return `.default(sql\`${d.ddl.replace(/[`\\$]/g, "\\$&")}\`)`;
  }
  const value = jsValue(d.value);
  if (!d.ddl) return `.$defaultFn(() => (${value}))`;
  if (d.encoded === d.value) return `.default(${value})`;
  // The column stores another value than the field's (SQLite: a boolean as 1/0): written as push() writes it.
  imports.add("sql");
  return `.default(sql\`${sqlLiteral(d.encoded)}\`)`;
}

/** A literal as Kysely's `sql.lit` writes it. */
function sqlLiteral(value: unknown): string {
  return typeof value === "string" ? `'${value.replace(/'/g, "''").replace(/[`\\$]/g, "\\$&")}'` : String(value);
}

function jsValue(value: unknown): string {
  if (value instanceof Date) return `new Date(${JSON.stringify(value.toISOString())})`;
  if (typeof value === "bigint") return `${value}n`;
  return JSON.stringify(value);
}

/** `relations(table, ...)`: one side of every link the table is in. */
function relationsBlock(
  plan: TablePlan,
  names: ReadonlyMap<TablePlan, string>,
  links: readonly Link[],
  consts: NameScope,
): string | undefined {
  const self = names.get(plan)!;
  const entries: string[] = [];
  const field = (p: TablePlan, c: TableColumn) => `${names.get(p)}.${key(c.field)}`;
  const named = (link: Link) => (link.relationName ? `, relationName: ${JSON.stringify(link.relationName)}` : "");
  for (const link of links) {
    if (link.child === plan) {
      const parent = names.get(link.parent)!;
      const fields = `fields: [${field(link.child, link.childColumn)}], references: [${field(link.parent, link.parentColumn)}]`;
      entries.push(`${key(link.childName)}: one(${parent}, { ${fields}${named(link)} }),`);
    }
    if (link.parent === plan) {
      const child = names.get(link.child)!;
      if (link.parentMany) {
        const config = link.relationName ? `, { relationName: ${JSON.stringify(link.relationName)} }` : "";
        entries.push(`${key(link.parentName)}: many(${child}${config}),`);
      } else {
        // One child row per parent: joined from this side, so it needs no counterpart.
        const fields = `fields: [${field(link.parent, link.parentColumn)}], references: [${field(link.child, link.childColumn)}]`;
        entries.push(`${key(link.parentName)}: one(${child}, { ${fields} }),`);
      }
    }
  }
  if (entries.length === 0) return undefined;
  const helpers = ["one", "many"].filter((h) => entries.some((e) => e.includes(`: ${h}(`)));
  return [
    `export const ${consts.claim(`${self}Relations`)} = relations(${self}, ({ ${helpers.join(", ")} }) => ({`,
    ...entries.map((e) => `  ${e}`),
    "}));",
  ].join("\n");
}

/** A property key: as is when it is an identifier, quoted otherwise. */
function key(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}
