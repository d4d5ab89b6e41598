import type { DialectName } from "../dialect/profile.js";
import type { Schema } from "../schema/define-schema.js";
import { isPivotRelation } from "../schema/meta.js";
import { relationGraph } from "./links.js";
import { type TableColumn, type TablePlan, tablePlans } from "./tables.js";

export interface MermaidOptions {
  /** Show relata's column types on this database (`varchar(255)`) instead of the field kinds (`string(255)`). */
  readonly dialect?: DialectName;
}

/**
 * A Mermaid `erDiagram` of the tables relata creates: one entity per table (bare pivot tables
 * included) with its columns (type, PK / FK / UK, nullable and defaults as comments), and a
 * relationship per link with its cardinality: solid for a foreign key, dotted for a relation
 * without one, many-to-many through each pivot, polymorphic and through relations.
 *
 * ```ts
 * writeFileSync("docs/schema.mmd", generateMermaid(schema));
 * ```
 */
export function generateMermaid(schema: Schema, options: MermaidOptions = {}): string {
  const plans = tablePlans(schema.meta, options.dialect ?? "sqlite");
  const graph = relationGraph(schema.meta, plans);
  const lines = ["erDiagram"];
  for (const plan of plans) lines.push(...entity(plan, options.dialect !== undefined));

  const edges = new Map<string, { line: (label: string) => string; labels: string[] }>();
  const edge = (key: string, line: (label: string) => string, label: string) => {
    const found = edges.get(key) ?? { line, labels: [] };
    edges.set(key, found);
    if (!found.labels.includes(label)) found.labels.push(label);
  };
  for (const link of graph.links) {
    const parent = link.childColumn.config.nullable ? "|o" : "||";
    const child = link.unique ? "o|" : "o{";
    const line = `${name(link.parent.table)} ${parent}${link.foreignKey ? "--" : ".."}${child} ${name(link.child.table)}`;
    const label = `${link.parentName} / ${link.childName}`;
    edge(`link ${link.child.table}.${link.childColumn.column}`, (l) => `${line} : ${quote(l)}`, label);
  }
  const tableOf = (model: string) => schema.meta.models.get(model)!.table;
  for (const model of schema.meta.models.values()) {
    for (const relation of model.relations.values()) {
      const self = tableOf(model.name);
      if (isPivotRelation(relation)) {
        // One many-to-many line per pivot and pair of tables, named by both sides.
        const target = tableOf(relation.target);
        const [a, b] = [self, target].sort();
        const line = `${name(a!)} }o..o{ ${name(b!)}`;
        const via = `${relation.pivot.table}${relation.pivot.morphType ? ", polymorphic" : ""}`;
        edge(`pivot ${relation.pivot.table} ${a} ${b}`, (l) => `${line} : ${quote(`${l} (${via})`)}`, relation.name);
      } else if (relation.kind === "morphOne" || relation.kind === "morphMany") {
        const card = relation.kind === "morphOne" ? "o|" : "o{";
        const line = `${name(self)} |o..${card} ${name(tableOf(relation.target))}`;
        edge(
          `morph ${self} ${relation.target} ${relation.morphType}`,
          (l) => `${line} : ${quote(`${l} (polymorphic)`)}`,
          relation.name,
        );
      } else if (relation.kind === "morphTo") {
        for (const { model: target } of relation.targets.values()) {
          const line = `${name(tableOf(target))} |o..o{ ${name(self)}`;
          edge(
            `morph ${tableOf(target)} ${model.name} ${relation.morphType}`,
            (l) => `${line} : ${quote(`${l} (polymorphic)`)}`,
            relation.name,
          );
        }
      } else if (relation.kind === "hasOneThrough" || relation.kind === "hasManyThrough") {
        const card = relation.kind === "hasOneThrough" ? "o|" : "o{";
        const line = `${name(self)} |o..${card} ${name(tableOf(relation.target))}`;
        const through = tableOf(relation.through);
        edge(
          `through ${model.name}.${relation.name}`,
          (l) => `${line} : ${quote(`${l} (through ${through})`)}`,
          relation.name,
        );
      }
    }
  }
  for (const { line, labels } of edges.values()) lines.push(`  ${line(labels.join(", "))}`);
  return `${lines.join("\n")}\n`;
}

function entity(plan: TablePlan, sqlTypes: boolean): string[] {
  const lines = [`  ${name(plan.table)} {`];
  for (const column of plan.columns) {
    const keys = [
      ...(plan.primaryKey.includes(column.column) ? ["PK"] : []),
      ...(plan.foreignKeys.some((fk) => fk.column === column.column) ? ["FK"] : []),
      ...(plan.uniques.some((u) => u.column === column.column) ? ["UK"] : []),
    ];
    const notes = [
      ...(column.config.nullable ? ["nullable"] : []),
      ...(column.default ? [describeDefault(column)] : []),
    ];
    const type = sqlTypes ? column.sqlType : kindType(column);
    const parts = [word(type), word(column.column), keys.join(", "), notes.length ? quote(notes.join(", ")) : ""];
    lines.push(`    ${parts.filter(Boolean).join(" ")}`);
  }
  lines.push("  }");
  return lines;
}

function kindType(column: TableColumn): string {
  const { kind, length } = column.config;
  if (kind === "id") return "integer";
  return kind === "string" ? `string(${length ?? 255})` : kind;
}

function describeDefault(column: TableColumn): string {
  const d = column.default!;
  if (d.kind === "autoIncrement") return "auto-increment";
  if (d.kind === "uuid") return "default random uuid";
  if (d.kind === "now") return "default now";
  return `default ${JSON.stringify(d.value)}`;
}

/** A type or attribute name Mermaid reads as one word: letters, digits, `_`, `-`, `(`, `)`, `[`, `]`. */
function word(text: string): string {
  return text.replace(/\s*,\s*/g, "-").replace(/[^A-Za-z0-9_\-()[\]]+/g, "_");
}

/** An entity name: as is when it is a plain word, quoted otherwise. */
function name(table: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(table) ? table : quote(table);
}

function quote(text: string): string {
  return `"${text.replace(/"/g, "'")}"`;
}
