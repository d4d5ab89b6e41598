import { key, NameScope, PROTOTYPE_NAMES, str } from "./names.js";
import type { OptionCode, PulledField, PulledModel, PullPlan } from "./plan.js";

const DIALECT_LABELS = { sqlite: "SQLite", postgres: "PostgreSQL", mysql: "MySQL/MariaDB" } as const;

/** Past this many characters a relation's options go one per line. */
const LINE = 110;

const BUILDERS = new Set([
  "id",
  "uuid",
  "string",
  "text",
  "integer",
  "bigint",
  "float",
  "decimal",
  "boolean",
  "timestamp",
  "date",
  "json",
]);

/** The plan as a TypeScript module exporting `schema`, two-space indented, the same for the same database. */
export function emitSchema(plan: PullPlan): string {
  const imports = new Set(["defineSchema", "model"]);
  const body: string[] = [];
  for (const model of plan.models.values()) body.push(...modelCode(model, imports));

  const options = [`casing: ${str(plan.casing as string)}`];
  if (plan.morphMap.size > 0) {
    const entries = [...plan.morphMap].sort(([a], [b]) => (a < b ? -1 : 1));
    options.push(`morphMap: { ${entries.map(([m, v]) => `${key(m)}: ${str(v)}`).join(", ")} }`);
  }
  const lines = [
    `// Pulled from a ${DIALECT_LABELS[plan.dialect]} database by relata's pullSchema(). Review it, comments first, before use.`,
    ...plan.notes.map((n) => `// ${oneLine(n)}`),
    ...importLines([...imports].sort()),
    "",
    "export const schema = defineSchema(",
    "  {",
    ...body,
    "  },",
    `  { ${options.join(", ")} },`,
    ");",
    "",
  ];
  return lines.join("\n");
}

/** A comment's text on one line (a default's SQL or a name may hold line breaks). */
const oneLine = (text: string) => text.replace(/\s+/g, " ");

/** One line while it is short, else a name per line. */
function importLines(names: readonly string[]): string[] {
  const line = `import { ${names.join(", ")} } from "relata";`;
  return line.length <= LINE ? [line] : ["import {", ...names.map((n) => `  ${n},`), '} from "relata";'];
}

function modelCode(model: PulledModel, imports: Set<string>): string[] {
  const out = model.notes.map((n) => `    // ${oneLine(n)}`);
  out.push(`    ${key(model.name)}: model({`);
  if (model.tableOption) out.push(`      table: ${str(model.table.name)},`);
  out.push("      fields: {");
  for (const field of model.fields) {
    const code = `        ${key(field.name)}: ${fieldCode(field)},`;
    useBuilders(field.call, imports);
    out.push(field.notes.length > 0 ? `${code} // ${oneLine(field.notes.join("; "))}` : code);
  }
  out.push("      },");
  const relations = relationCode(model, imports);
  if (relations.length > 0) out.push("      relations: {", ...relations, "      },");
  const has = (name: string, nullable?: boolean) =>
    model.fields.some((f) => f.name === name && f.kind === "timestamp" && (nullable === undefined || f.nullable));
  if (has("createdAt") && has("updatedAt")) out.push("      timestamps: true,");
  if (has("deletedAt", true)) out.push("      softDeletes: true,");
  const lists = (lists: readonly (readonly string[])[]) =>
    `[${lists.map((l) => `[${l.map(str).join(", ")}]`).join(", ")}]`;
  if (model.indexes.length > 0) out.push(`      indexes: ${lists(model.indexes)},`);
  if (model.uniques.length > 0) out.push(`      uniques: ${lists(model.uniques)},`);
  out.push("    }),");
  return out;
}

/** `integer().nullable().references("user.id", { onDelete: "cascade" }).column("UserId")`. */
export function fieldCode(field: PulledField): string {
  let code = field.call;
  if (field.primary) code += ".primary()";
  if (field.nullable) code += ".nullable()";
  if (field.unique) code += ".unique()";
  if (field.index) code += ".index()";
  if (field.default) code += field.default;
  if (field.references) code += `.references(${field.references})`;
  if (!field.derived) code += `.column(${str(field.column)})`;
  return code;
}

/** The model's relations, named in group order so none takes a field's name or another's. */
function relationCode(model: PulledModel, imports: Set<string>): string[] {
  const scope = new NameScope([...PROTOTYPE_NAMES, ...model.fields.map((f) => f.name)]);
  const intents = [...model.intents].sort((a, b) => a.group - b.group);
  const out: string[] = [];
  for (const intent of intents) {
    const name = scope.claim(...intent.candidates);
    const { fn, target, options } = intent.build(name);
    imports.add(fn);
    useBuilders(objectCode(options), imports);
    const head = `${key(name)}: ${fn}(${target === undefined ? "" : str(target)}`;
    const sep = target === undefined || options.length === 0 ? "" : ", ";
    out.push(...valueLines(head + sep, options, "),", "        "));
  }
  return out;
}

/** `{ a: 1, b: { c: 2 } }` on one line. */
function objectCode(options: readonly OptionCode[]): string {
  if (options.length === 0) return "";
  return `{ ${options.map(([k, v]) => `${k}: ${typeof v === "string" ? v : objectCode(v)}`).join(", ")} }`;
}

/**
 * `head` followed by an object of options and `tail`: on one line while it fits, else an
 * option per line (and the same, one level in, for an option whose value is an object).
 */
function valueLines(head: string, options: readonly OptionCode[], tail: string, indent: string): string[] {
  const inline = `${indent}${head}${objectCode(options)}${tail}`;
  if (inline.length <= LINE || options.length === 0) return [inline];
  const inner = `${indent}  `;
  const lines = [`${indent}${head}{`];
  for (const [k, v] of options) {
    if (typeof v === "string") lines.push(`${inner}${k}: ${v},`);
    else lines.push(...valueLines(`${k}: `, v, ",", inner));
  }
  lines.push(`${indent}}${tail}`);
  return lines;
}

/** Adds the field builders a piece of code calls (`string(20)`, a typed pivot field's). */
function useBuilders(code: string, imports: Set<string>): void {
  for (const match of code.matchAll(/(?<![.\w"'])([a-z]\w*)\(/g)) {
    if (BUILDERS.has(match[1]!)) imports.add(match[1]!);
  }
}
