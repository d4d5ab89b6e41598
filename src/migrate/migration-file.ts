import { sql } from "kysely";
import type { DialectName } from "../dialect/profile.js";
import { profiles } from "../dialect/resolve.js";
import { constraintName } from "../schema/constraint-names.js";
import type { FieldConfig, FieldKind } from "../schema/fields.js";
import type { SchemaBuilder } from "./builder/types.js";
import { defaultProblem } from "./builder/validate.js";
import {
  canonicalDefault,
  catalogType,
  compactType,
  describeChanges,
  MigrationError,
  ownIndexes,
  rawText,
  type SchemaChange,
  widens,
} from "./diff.js";
import type { DbColumn, DbForeignKey, DbTable } from "./introspect/types.js";

/**
 * Schema changes as migration-builder calls: rendered as the source of a migration file's
 * `up` / `down`, or run against a `SchemaBuilder` (push). Both come from the same steps, so a
 * generated migration does exactly what `push` does.
 */

/** An argument of a builder call; `{ sql }` is an SQL default, written `` sql`...` ``. */
type Arg =
  | string
  | number
  | boolean
  | bigint
  | readonly string[]
  | { readonly sql: string }
  | { readonly withTimezone: boolean };
/** One statement of a blueprint callback, a chain of calls: `t.string("title", 80).nullable()`. */
type Line = readonly { readonly method: string; readonly args: readonly Arg[] }[];

/** One call of the schema builder, with the comments the file gives it. */
export type BuilderStep = { readonly notes: readonly string[] } & (
  | { readonly op: "create" | "alter"; readonly table: string; readonly lines: readonly Line[] }
  | { readonly op: "drop"; readonly table: string }
  | { readonly op: "rename"; readonly from: string; readonly to: string }
);

const call = (method: string, ...args: Arg[]) => ({ method, args });

// ---------------------------------------------------------------------------------------------
// A catalog column read back as a builder column: the first field kind whose column type the
// dialect spells the same, and a default that kind takes (else the default as SQL).
// ---------------------------------------------------------------------------------------------

function columnLine(table: string, column: DbColumn, dialect: DialectName): Line[number][] {
  const profile = profiles[dialect];
  const type = compactType(column.type);
  const numbers = (/\(([\d,]+)\)/.exec(type)?.[1] ?? "").split(",").filter(Boolean).map(Number);
  const value = plainDefault(column.default);
  const canonical = canonicalDefault(column.default, column.type);
  const spelled = (kind: FieldKind, extra: Partial<FieldConfig> = {}) =>
    compactType(catalogType(profile.columnType(config(kind, extra)), dialect)) === type;

  if (column.autoIncrement && spelled("id")) return [column.name === "id" ? call("id") : call("id", column.name)];
  const fits: { kind: FieldKind; extra: Partial<FieldConfig> }[] = [];
  for (const kind of KIND_PREFERENCE) {
    const extra = sizeOf(kind, numbers, value);
    if (spelled(kind, extra)) fits.push({ kind, extra });
    // A timestamp without a time zone (PostgreSQL `timestamp`) is a timestamp column too.
    if (kind === "timestamp" && spelled(kind, { withTimezone: false }))
      fits.push({ kind, extra: { withTimezone: false } });
  }
  if (fits.length === 0) {
    throw new MigrationError(
      `${table}.${column.name} has type ${column.type}, which the migration builder does not write on ${dialect}: write this step with schema.raw().`,
    );
  }
  const head = (kind: FieldKind, extra: Partial<FieldConfig>) => {
    const args: Arg[] = [column.name];
    if (kind === "string" && extra.length !== 255) args.push(extra.length!);
    if (kind === "decimal" && (extra.precision !== 10 || extra.scale !== 2)) args.push(extra.precision!, extra.scale!);
    if (kind === "timestamp" && extra.withTimezone === false) args.push({ withTimezone: false });
    return call(kind, ...args);
  };
  const tail = [...(column.nullable ? [call("nullable")] : [])];
  if (column.default === undefined) {
    const { kind, extra } = fits[0]!;
    return [head(kind, extra), ...tail];
  }
  for (const { kind, extra } of fits) {
    const now = kind === "timestamp" || kind === "date" ? profile.defaultNow(config(kind, extra)) : undefined;
    if (now && canonicalDefault(rawText(now), column.type) === canonical) {
      return [head(kind, extra), ...tail, call("defaultNow")];
    }
    const literal = value && literalFor(kind, value);
    if (literal !== undefined && defaultProblem(kind, literal, extra) === undefined) {
      return [head(kind, extra), ...tail, call("default", literal)];
    }
  }
  const { kind, extra } = fits.find((f) => f.kind !== "text" && f.kind !== "json") ?? fits[0]!;
  return [head(kind, extra), ...tail, call("default", { sql: column.default })];
}

/** The field kinds in the order a catalog type is read back as one (the first that fits wins). */
export const KIND_PREFERENCE: readonly FieldKind[] = [
  "integer",
  "bigint",
  "boolean",
  "float",
  "decimal",
  "text",
  "string",
  "uuid",
  "date",
  "timestamp",
  "json",
];

function config(kind: FieldKind, extra: Partial<FieldConfig>): FieldConfig {
  return { kind, nullable: false, unique: false, primary: false, index: false, autoIncrement: false, ...extra };
}

/** The length, or precision and scale, a type names (or that a default needs, where the type names none). */
function sizeOf(kind: FieldKind, numbers: readonly number[], value: PlainDefault | undefined): Partial<FieldConfig> {
  if (kind === "string") return { length: numbers[0] ?? Math.max(255, [...(value?.text ?? "")].length) };
  if (kind !== "decimal") return {};
  const [whole = "", fraction = ""] = (value?.text ?? "").replace(/^[+-]/, "").split(".");
  const scale = numbers[1] ?? Math.max(2, fraction.length);
  return { precision: numbers[0] ?? Math.max(10, whole.length + scale), scale };
}

interface PlainDefault {
  readonly text: string;
  readonly quoted: boolean;
}

/** A default's literal: `'a''b'::character varying` -> a'b (quoted), `(-1)` -> -1. */
function plainDefault(text: string | undefined): PlainDefault | undefined {
  if (text === undefined) return undefined;
  let t = text.trim();
  for (let before = ""; before !== t; ) {
    before = t;
    t = t.replace(/::[a-z][a-z0-9 _]*(\([\d,\s]*\))?( with(out)? time zone)?$/i, "").trim();
    if (t.startsWith("(") && t.endsWith(")") && !t.slice(1, -1).includes("(")) t = t.slice(1, -1).trim();
  }
  const quoted = /^'((?:[^']|'')*)'$/.exec(t)?.[1];
  return quoted === undefined ? { text: t, quoted: false } : { text: quoted.replaceAll("''", "'"), quoted: true };
}

/** The value a builder column of `kind` takes for this default, if it is a plain literal. */
function literalFor(kind: FieldKind, value: PlainDefault): Arg | undefined {
  const numeric = /^[+-]?\d+(\.\d+)?$/.test(value.text);
  switch (kind) {
    case "string":
    case "uuid":
    case "date":
      return value.quoted ? value.text : undefined;
    case "integer":
    case "float":
      return numeric ? Number(value.text) : undefined;
    case "bigint":
      if (!/^[+-]?\d+$/.test(value.text)) return undefined;
      return Number.isSafeInteger(Number(value.text)) ? Number(value.text) : BigInt(value.text);
    case "decimal":
      return numeric ? value.text : undefined;
    case "boolean": {
      const t = value.text.toLowerCase();
      return t === "1" || t === "true" ? true : t === "0" || t === "false" ? false : undefined;
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Keys and indexes, named only where the name is not the one the builder gives.
// ---------------------------------------------------------------------------------------------

function foreignLine(table: string, fk: DbForeignKey): Line {
  const named = fk.name !== undefined && fk.name !== constraintName(table, fk.columns, "foreign");
  return [
    call("foreign", [...fk.columns], ...(named ? [fk.name!] : [])),
    call("references", [...fk.targetColumns]),
    call("on", fk.table),
    ...actionCalls(fk),
  ];
}

function actionCalls(fk: DbForeignKey) {
  return [
    ...(fk.onDelete === "no action" ? [] : [call("onDelete", fk.onDelete)]),
    ...(fk.onUpdate === "no action" ? [] : [call("onUpdate", fk.onUpdate)]),
  ];
}

function indexLine(table: string, index: { name: string; columns: readonly string[]; unique: boolean }): Line {
  const method = index.unique ? "unique" : "index";
  if (index.columns.some((c) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(c))) {
    throw new MigrationError(`index "${index.name}" of ${table} is over an expression: write it with schema.raw().`);
  }
  const named = index.name !== constraintName(table, index.columns, method);
  return [call(method, [...index.columns], ...(named ? [index.name] : []))];
}

/** `create(table)`: columns with their one-column key, unique, index and foreign key chained where names allow. */
function createLines(table: DbTable, dialect: DialectName, deferred: ReadonlySet<DbForeignKey>): Line[] {
  const name = table.name;
  const indexes = ownIndexes(table);
  const single = table.primaryKey.length === 1 ? table.primaryKey[0] : undefined;
  const chained = new Set<unknown>();
  const lines: Line[] = table.columns.map((column) => {
    const line = columnLine(name, column, dialect);
    if (single === column.name && line[0]!.method !== "id") line.push(call("primary"));
    const own = (suffix: string, unique: boolean) =>
      indexes.find(
        (i) =>
          i.unique === unique &&
          i.columns.length === 1 &&
          i.columns[0] === column.name &&
          i.name === constraintName(name, [column.name], suffix),
      );
    for (const [suffix, unique] of [
      ["unique", true],
      ["index", false],
    ] as const) {
      const index = own(suffix, unique);
      if (index && !chained.has(index)) {
        chained.add(index);
        line.push(call(suffix));
      }
    }
    const fk = table.foreignKeys.find(
      (f) =>
        !deferred.has(f) &&
        f.columns.length === 1 &&
        f.columns[0] === column.name &&
        f.name === constraintName(name, [column.name], "foreign"),
    );
    if (fk) {
      chained.add(fk);
      const target = fk.targetColumns[0] === "id" ? [] : [fk.targetColumns[0]!];
      line.push(call("constrained", fk.table, ...target), ...actionCalls(fk));
    }
    return line;
  });
  if (table.primaryKey.length > 1) lines.push([call("primary", [...table.primaryKey])]);
  for (const index of indexes) if (!chained.has(index)) lines.push(indexLine(name, index));
  for (const fk of table.foreignKeys) if (!chained.has(fk) && !deferred.has(fk)) lines.push(foreignLine(name, fk));
  return lines;
}

/** `alter(table)`: drops first, then renames (last in a down), columns, the key, indexes, foreign keys. */
function alterLines(table: string, changes: readonly SchemaChange[], dialect: DialectName, renamesLast: boolean) {
  const lines: Line[] = [];
  const of = <K extends SchemaChange["kind"]>(kind: K) =>
    changes.filter((c): c is Extract<SchemaChange, { kind: K }> => c.kind === kind);
  for (const c of of("dropForeignKey"))
    lines.push([call("dropForeign", c.foreignKey.name ?? [...c.foreignKey.columns])]);
  for (const c of of("dropIndex")) lines.push([call(c.index.unique ? "dropUnique" : "dropIndex", c.index.name)]);
  const keys = of("changePrimaryKey");
  for (const c of keys) if (c.from.length > 0) lines.push([call("dropPrimary")]);
  const renames = of("renameColumn").map((c) => [call("renameColumn", c.from, c.to)]);
  if (!renamesLast) lines.push(...renames);
  for (const c of of("dropColumn")) lines.push([call("dropColumn", c.column.name)]);
  const addedId = new Set<string>();
  for (const c of of("addColumn")) {
    const line = columnLine(table, c.column, dialect);
    if (line[0]!.method === "id") addedId.add(c.column.name);
    lines.push(line);
  }
  for (const c of of("alterColumn")) {
    const line = columnLine(table, c.to, dialect);
    if (c.changed.includes("autoIncrement") || line[0]!.method === "id") {
      throw new MigrationError(
        `${table}.${c.to.name}: the migration builder cannot change an auto-increment column; write this step by hand.`,
      );
    }
    lines.push([...line, call("change")]);
  }
  for (const c of keys) {
    if (c.to.length > 0 && !(c.to.length === 1 && addedId.has(c.to[0]!))) lines.push([call("primary", [...c.to])]);
  }
  for (const c of of("addIndex")) lines.push(indexLine(table, c.index));
  for (const c of of("addForeignKey")) lines.push(foreignLine(table, c.foreignKey));
  if (renamesLast) lines.push(...renames);
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Ordering: what must happen before what, across tables.
// ---------------------------------------------------------------------------------------------

/**
 * The builder calls that make `changes`, in an order every database accepts: table renames; the
 * foreign keys that must go before another table changes; new tables (referenced ones first);
 * the changes of each existing table in one `alter`; foreign keys left for last (cycles); table
 * drops (referencing ones first). In a down (`renamesLast`), renames come last instead: its
 * changes name tables and columns as the up left them.
 */
export function builderSteps(
  changes: readonly SchemaChange[],
  dialect: DialectName,
  options: { readonly renamesLast?: boolean; readonly notes?: (change: SchemaChange) => string | undefined } = {},
): BuilderStep[] {
  const renamesLast = options.renamesLast ?? false;
  const notesOf = (list: readonly SchemaChange[]) =>
    list.flatMap((c) => (options.notes ? options.notes(c) : lossNote(c)) ?? []);
  const perTable = new Map<string, SchemaChange[]>();
  for (const c of changes) {
    if (c.kind === "createTable" || c.kind === "dropTable" || c.kind === "renameTable") continue;
    perTable.set(c.table, [...(perTable.get(c.table) ?? []), c]);
  }
  /** The referenced columns of this key are added, changed or dropped, or its target's primary key changes. */
  const reshapes = (fk: DbForeignKey) =>
    (perTable.get(fk.table) ?? []).some(
      (c) =>
        c.kind === "changePrimaryKey" ||
        (c.kind === "addColumn" && fk.targetColumns.includes(c.column.name)) ||
        (c.kind === "dropColumn" && fk.targetColumns.includes(c.column.name)) ||
        (c.kind === "alterColumn" && fk.targetColumns.includes(c.to.name)),
    );

  const renames: BuilderStep[] = changes.flatMap((c) =>
    c.kind === "renameTable" ? [{ op: "rename" as const, from: c.from, to: c.to, notes: [] }] : [],
  );
  const early: BuilderStep[] = [];
  const late = new Map<string, BuilderStep>();
  for (const [table, list] of perTable) {
    // A key on another table that changes shape goes first, in an alter of its own.
    const first = list.filter(
      (c) => c.kind === "dropForeignKey" && c.foreignKey.table !== table && reshapes(c.foreignKey),
    );
    if (first.length > 0) {
      early.push({ op: "alter", table, lines: alterLines(table, first, dialect, false), notes: [] });
    }
    const rest = list.filter((c) => !first.includes(c));
    if (rest.length > 0) {
      late.set(table, {
        op: "alter",
        table,
        lines: alterLines(table, rest, dialect, renamesLast),
        notes: notesOf(rest),
      });
    }
  }

  const createChanges = changes.filter((c) => c.kind === "createTable");
  const created = createChanges.map((c) => c.table);
  const creates: BuilderStep[] = [];
  const deferred: BuilderStep[] = [];
  const made = new Set<string>();
  for (const table of dependencyOrder(created)) {
    made.add(table.name);
    const later = new Set(
      table.foreignKeys.filter(
        (fk) => (created.some((t) => t.name === fk.table) && !made.has(fk.table)) || reshapes(fk),
      ),
    );
    const notes = notesOf(createChanges.filter((c) => c.table === table));
    creates.push({ op: "create", table: table.name, lines: createLines(table, dialect, later), notes });
    if (later.size > 0) {
      const lines = [...later].map((fk) => foreignLine(table.name, fk));
      deferred.push({ op: "alter", table: table.name, lines, notes: [] });
    }
  }
  const alters = dependencyOrder([...late.keys()].map((name) => ({ name, foreignKeys: keysAdded(perTable, name) })));
  const drops = dependencyOrder(changes.flatMap((c) => (c.kind === "dropTable" ? [c.table] : [])))
    .reverse()
    .map((table): BuilderStep => ({ op: "drop", table: table.name, notes: notesOf([dropOf(changes, table)]) }));
  return [
    ...(renamesLast ? [] : renames),
    ...early,
    ...creates,
    ...alters.map((t) => late.get(t.name)!),
    ...deferred,
    ...drops,
    ...(renamesLast ? renames : []),
  ];
}

const keysAdded = (perTable: ReadonlyMap<string, SchemaChange[]>, table: string) =>
  (perTable.get(table) ?? []).flatMap((c) => (c.kind === "addForeignKey" ? [c.foreignKey] : []));
const dropOf = (changes: readonly SchemaChange[], table: { name: string }) =>
  changes.find((c) => c.kind === "dropTable" && c.table.name === table.name)!;

/** Tables ordered so that the ones they reference come first; members of a cycle keep their order. */
function dependencyOrder<T extends { readonly name: string; readonly foreignKeys: readonly { table: string }[] }>(
  tables: readonly T[],
): T[] {
  const pending = new Map(tables.map((t) => [t.name, t]));
  const ordered: T[] = [];
  while (pending.size > 0) {
    const ready = [...pending.values()].filter((t) =>
      t.foreignKeys.every((fk) => fk.table === t.name || !pending.has(fk.table)),
    );
    for (const t of ready.length > 0 ? ready : [pending.values().next().value!]) {
      ordered.push(t);
      pending.delete(t.name);
    }
  }
  return ordered;
}

// ---------------------------------------------------------------------------------------------
// The down: each change undone, in reverse.
// ---------------------------------------------------------------------------------------------

/** The change that undoes `change` (a re-created table or column comes back empty). */
export function inverse(change: SchemaChange): SchemaChange {
  switch (change.kind) {
    case "createTable":
      return { kind: "dropTable", table: change.table, lossy: true };
    case "dropTable":
      return { kind: "createTable", table: change.table, lossy: false };
    case "renameTable":
      return { ...change, from: change.to, to: change.from };
    case "addColumn":
      return { kind: "dropColumn", table: change.table, column: change.column, lossy: true };
    case "dropColumn":
      return { kind: "addColumn", table: change.table, column: change.column, lossy: false };
    case "renameColumn":
      return { ...change, from: change.to, to: change.from };
    case "alterColumn": {
      const { from, to } = change;
      return { ...change, from: to, to: from, lossy: (to.nullable && !from.nullable) || !widens(to.type, from.type) };
    }
    case "addIndex":
      return { ...change, kind: "dropIndex" };
    case "dropIndex":
      return { ...change, kind: "addIndex" };
    case "addForeignKey":
      return { ...change, kind: "dropForeignKey" };
    case "dropForeignKey":
      return { ...change, kind: "addForeignKey" };
    case "changePrimaryKey":
      return { ...change, from: change.to, to: change.from };
  }
}

/** What a down cannot give back, as a comment on its step. */
function downNote(change: SchemaChange): string | undefined {
  if (change.kind === "createTable") return `${change.table.name} comes back empty: its rows are not restored`;
  if (change.kind === "addColumn") {
    const { column } = change;
    const strict = !column.nullable && column.default === undefined && !column.autoIncrement;
    return `${change.table}.${column.name} comes back empty: its values are not restored${strict ? " (NOT NULL without a default: fails while the table has rows)" : ""}`;
  }
  return lossNote(change);
}

/** What a lossy change loses, as a comment on its step. */
function lossNote(change: SchemaChange): string | undefined {
  if (!change.lossy) return undefined;
  if (change.kind === "dropTable") return `data loss: drops ${change.table.name} and its rows`;
  if (change.kind === "dropColumn") return `data loss: drops ${change.table}.${change.column.name} and its values`;
  return `data loss: ${describeChanges([change])
    .slice(2)
    .replace(/ \(data loss\)$/, "")} may not keep every value`;
}

// ---------------------------------------------------------------------------------------------
// Source text, and running the steps.
// ---------------------------------------------------------------------------------------------

function argText(arg: Arg): string {
  if (typeof arg === "bigint") return `${arg}n`;
  if (typeof arg === "object" && "sql" in arg) return `sql\`${arg.sql.replace(/[`\\]|\$\{/g, (m) => `\\${m}`)}\``;
  if (typeof arg === "object" && "withTimezone" in arg) return `{ withTimezone: ${arg.withTimezone} }`;
  if (Array.isArray(arg)) return `[${arg.map((a) => JSON.stringify(a)).join(", ")}]`;
  return JSON.stringify(arg);
}

function stepSource(step: BuilderStep): string {
  const notes = step.notes.map((note) => `  // ${note}\n`).join("");
  if (step.op === "drop") return `${notes}  await schema.drop(${JSON.stringify(step.table)});`;
  if (step.op === "rename")
    return `${notes}  await schema.rename(${JSON.stringify(step.from)}, ${JSON.stringify(step.to)});`;
  const body = step.lines
    .map((line) => `    t${line.map((c) => `.${c.method}(${c.args.map(argText).join(", ")})`).join("")};`)
    .join("\n");
  return `${notes}  await schema.${step.op}(${JSON.stringify(step.table)}, (t) => {\n${body}\n  });`;
}

/**
 * The bodies of a migration's `up(schema)` and `down(schema)`, written with the migration
 * builder. `down` is undefined when a step cannot be undone by the builder (`irreversible` says
 * which); a down that loses data or cannot restore it says so in a comment.
 */
export function migrationSource(
  changes: readonly SchemaChange[],
  options: { readonly dialect: DialectName },
): { up: string; down: string | undefined; irreversible?: string } {
  const up = builderSteps(changes, options.dialect).map(stepSource).join("\n");
  try {
    const undo = [...changes].reverse().map(inverse);
    const steps = builderSteps(undo, options.dialect, { renamesLast: true, notes: downNote });
    return { up, down: steps.map(stepSource).join("\n") };
  } catch (error) {
    if (!(error instanceof MigrationError)) throw error;
    return { up, down: undefined, irreversible: error.message };
  }
}

/** The whole text of `migration.ts`: the changes as a comment, `up`, and `down` where it can be derived. */
export function migrationFile(changes: readonly SchemaChange[], options: { readonly dialect: DialectName }): string {
  const { up, down, irreversible } = migrationSource(changes, options);
  const usesSql = /\bsql`/.test(up) || /\bsql`/.test(down ?? "");
  const summary = describeChanges(changes)
    .split("\n")
    .map((line) => `// ${line}`)
    .join("\n");
  const downText =
    down === undefined
      ? `// No down: ${irreversible}`
      : `export async function down(schema: SchemaBuilder) {\n${down}\n}`;
  return [
    `import type { SchemaBuilder } from "relata";\n${usesSql ? 'import { sql } from "kysely";\n' : ""}`,
    `// Generated by relata for ${options.dialect}.\n${summary}\n`,
    "/** The columns below are named as stored: the builder leaves them as written. */",
    'export const casing = "preserve";\n',
    `export async function up(schema: SchemaBuilder) {\n${up}\n}\n`,
    `${downText}\n`,
  ].join("\n");
}

/** Runs the steps on a schema builder (made with casing "preserve": the steps name stored columns). */
export async function applySteps(builder: SchemaBuilder, steps: readonly BuilderStep[]): Promise<void> {
  const run = (t: unknown, lines: readonly Line[]) => {
    for (const line of lines) {
      let target = t as Record<string, (...args: unknown[]) => unknown>;
      for (const c of line) {
        const args = c.args.map((a) => (typeof a === "object" && "sql" in a ? sql.raw(a.sql) : a));
        target = target[c.method]!(...args) as typeof target;
      }
    }
  };
  for (const step of steps) {
    if (step.op === "drop") await builder.drop(step.table);
    else if (step.op === "rename") await builder.rename(step.from, step.to);
    else if (step.op === "create") await builder.create(step.table, (t) => run(t, step.lines));
    else await builder.alter(step.table, (t) => run(t, step.lines));
  }
}
