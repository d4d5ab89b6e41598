import type { DialectName } from "../dialect/profile.js";
import type { Schema } from "../schema/define-schema.js";
import { relationGraph } from "./links.js";
import { type TableColumn, type TablePlan, tablePlans } from "./tables.js";

export interface DbmlOptions {
  /** The database: relata's column types and defaults on it, and the project's `database_type`. */
  readonly dialect: DialectName;
}

const DATABASE_TYPES: Record<DialectName, string> = { sqlite: "SQLite", postgres: "PostgreSQL", mysql: "MySQL" };

/**
 * DBML (dbdiagram.io, `@dbml/core`) for the tables relata creates on a database: each table with
 * relata's column types, primary key (composite ones in `Indexes`), defaults, uniques and indexes
 * under the names push() gives them, and a `Ref` per foreign key with its actions. Relations
 * without a constraint (polymorphic, through, keys without `references`) are table and column notes.
 *
 * ```ts
 * writeFileSync("schema.dbml", generateDbml(schema, { dialect: "postgres" }));
 * ```
 */
export function generateDbml(schema: Schema, options: DbmlOptions): string {
  const { dialect } = options;
  if (!Object.hasOwn(DATABASE_TYPES, dialect)) throw new TypeError(`Unknown dialect "${String(dialect)}"`);
  const plans = tablePlans(schema.meta, dialect);
  const graph = relationGraph(schema.meta, plans);
  const blocks = [`Project relata {\n  database_type: ${text(DATABASE_TYPES[dialect])}\n}`];
  for (const plan of plans) {
    const notes = [
      ...(plan.model ? [] : ["Pivot table of a many-to-many relation."]),
      ...(graph.notes.get(plan.table) ?? []).map((n) => `relata relation ${n}.`),
    ];
    const columnNotes = new Map(graph.columnNotes.get(plan.table) ?? []);
    for (const link of graph.links) {
      if (link.child === plan && !link.foreignKey) {
        const note = `relata relation ${link.childName} -> ${link.parent.table}.${link.parentColumn.column}, no foreign key constraint`;
        columnNotes.set(link.childColumn.column, note);
      }
    }
    blocks.push(table(plan, notes, columnNotes));
  }
  for (const link of graph.links) {
    const fk = link.foreignKey;
    if (!fk) continue;
    const settings = [
      ...(fk.onDelete ? [`delete: ${fk.onDelete}`] : []),
      ...(fk.onUpdate ? [`update: ${fk.onUpdate}`] : []),
    ];
    const from = `${id(link.child.table)}.${id(fk.column)}`;
    const to = `${id(fk.table)}.${id(fk.targetColumn)}`;
    blocks.push(`Ref ${id(fk.name)}: ${from} ${link.unique ? "-" : ">"} ${to}${list(settings)}`);
  }
  return `${blocks.join("\n\n")}\n`;
}

function table(plan: TablePlan, notes: readonly string[], columnNotes: ReadonlyMap<string, string>): string {
  const lines = [`Table ${id(plan.table)} {`];
  const single = plan.primaryKey.length === 1 ? plan.primaryKey[0] : undefined;
  for (const column of plan.columns) {
    const settings: string[] = [];
    if (column.column === single) settings.push("pk");
    if (column.config.autoIncrement) settings.push("increment");
    if (column.column !== single) settings.push(column.config.nullable ? "null" : "not null");
    const [value, appNote] = dbmlDefault(column);
    if (value !== undefined) settings.push(`default: ${value}`);
    const note = [columnNotes.get(column.column), appNote].filter(Boolean).join("; ");
    if (note) settings.push(`note: ${text(note)}`);
    lines.push(`  ${id(column.column)} ${type(column.sqlType)}${list(settings)}`);
  }
  const indexes = [
    ...(plan.primaryKey.length > 1 ? [`${columns(plan.primaryKey)} [pk, name: ${text(plan.primaryKeyName)}]`] : []),
    ...plan.uniques.map((u) => `${columns([u.column])} [unique, name: ${text(u.name)}]`),
    ...plan.compositeUniques.map((u) => `${columns(u.columns)} [unique, name: ${text(u.name)}]`),
    ...plan.indexes.map((i) => `${columns(i.columns)} [name: ${text(i.name)}]`),
  ];
  if (indexes.length > 0) lines.push("", "  Indexes {", ...indexes.map((i) => `    ${i}`), "  }");
  if (notes.length > 0) lines.push("", `  Note: ${text(notes.join("\n"))}`);
  lines.push("}");
  return lines.join("\n");
}

/** The DDL default as DBML writes it, and a note when relata fills the value in on create only. */
function dbmlDefault(column: TableColumn): [string | undefined, string | undefined] {
  const d = column.default;
  if (!d || d.kind === "autoIncrement") return [undefined, undefined];
  if (d.kind === "uuid") return [undefined, "relata fills a random UUID on create"];
  if (d.kind === "now")
    return d.ddl ? [`\`${d.ddl}\``, undefined] : [undefined, "relata fills the current date on create"];
  if (!d.ddl) return [undefined, `relata fills ${JSON.stringify(d.value)} on create`];
  const value = d.encoded;
  if (typeof value === "string") return [text(value), undefined];
  return [String(value), undefined];
}

const columns = (names: readonly string[]) => (names.length === 1 ? id(names[0]!) : `(${names.map(id).join(", ")})`);

const list = (settings: readonly string[]) => (settings.length > 0 ? ` [${settings.join(", ")}]` : "");

/** A type DBML reads as one: quoted when it has a space (`"double precision"`). */
function type(sqlType: string): string {
  return /\s/.test(sqlType.replace(/,\s+/g, ",")) ? `"${sqlType}"` : sqlType.replace(/,\s+/g, ",");
}

/** An identifier: as is when it is a plain word, double-quoted otherwise. */
function id(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '\\"')}"`;
}

/** A single-quoted string. */
function text(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n")}'`;
}
