import type { DialectName } from "../../dialect/profile.js";
import { applyCasing, type Casing } from "../../schema/casing.js";
import type { FieldConfig, FieldKind } from "../../schema/fields.js";
import type { DbTable } from "../introspect/types.js";
import { columnField } from "./columns.js";
import { fieldNameOf, modelNameOf, NameScope, PROTOTYPE_NAMES, RESERVED_MODEL_NAMES } from "./names.js";

/** A field of a pulled model, as the code will say it. */
export interface PulledField {
  readonly name: string;
  readonly column: string;
  readonly kind: FieldKind;
  readonly call: string;
  readonly config: Partial<FieldConfig>;
  readonly nullable: boolean;
  readonly default: string | undefined;
  readonly autoIncrement: boolean;
  /** `.primary()` (not for `id()`, which is one). */
  primary: boolean;
  unique: boolean;
  index: boolean;
  /** `.references(...)`'s arguments, as code. */
  references: string | undefined;
  /** Whether the casing derives the column from the field's name (no `.column(...)` needed). */
  readonly derived: boolean;
  readonly notes: string[];
}

/** A relation option as code: `["foreignKey", '"authorId"']`, or an object of options (typed pivot fields). */
export type OptionCode = readonly [string, string | readonly OptionCode[]];

/** A relation to declare; its name is chosen once every relation of the model is known. */
export interface RelationIntent {
  /** Names are handed out by group (belongsTo, morphTo, has*, morph*, many-to-many), then in order. */
  readonly group: number;
  /** Names to try, best first. */
  readonly candidates: readonly string[];
  /** The builder (`belongsTo`), its target model (none for morphTo) and options, given the chosen name. */
  readonly build: (name: string) => {
    readonly fn: string;
    readonly target: string | undefined;
    readonly options: readonly OptionCode[];
  };
}

export interface PulledModel {
  readonly name: string;
  readonly table: DbTable;
  /** Whether the code says `table: "..."` (the casing does not derive it from the name). */
  readonly tableOption: boolean;
  readonly fields: PulledField[];
  readonly byColumn: ReadonlyMap<string, PulledField>;
  readonly intents: RelationIntent[];
  /** Comments above the model. */
  readonly notes: string[];
  /** Composite indexes and uniques, by field names. */
  readonly indexes: (readonly string[])[];
  readonly uniques: (readonly string[])[];
  /** The primary key's fields, in key order. */
  readonly primaryKey: readonly string[];
  /** The (type, id) column pairs of the morphTo relations declared: push() indexes them. */
  readonly morphPairs: (readonly [string, string])[];
}

/** Everything pull decides, before it is written as code. */
export interface PullPlan {
  readonly dialect: DialectName;
  readonly casing: Casing;
  /** By model name, sorted. */
  readonly models: Map<string, PulledModel>;
  readonly byTable: Map<string, PulledModel>;
  /** Comments at the top of the file. */
  readonly notes: string[];
  /** Model -> the value its morph type columns hold, where that is not the model's name. */
  readonly morphMap: Map<string, string>;
}

/**
 * A model per table with a primary key (or, lacking one, a unique key of NOT NULL columns,
 * which then stands for it): singular camelCase names where no two tables would share one,
 * fields named in camelCase with their kind, nullability and default.
 */
export function planModels(tables: ReadonlyMap<string, DbTable>, dialect: DialectName, casing: Casing): PullPlan {
  const notes: string[] = [];
  const keyed: [DbTable, readonly string[], string | undefined][] = [];
  for (const table of tables.values()) {
    if (table.primaryKey.length > 0) {
      keyed.push([table, table.primaryKey, undefined]);
      continue;
    }
    const nullable = new Set(table.columns.filter((c) => c.nullable).map((c) => c.name));
    const unique = table.indexes.find((i) => i.unique && i.columns.every((c) => c !== "" && !nullable.has(c)));
    if (unique) {
      keyed.push([
        table,
        unique.columns,
        `${table.name} has no primary key: its unique (${unique.columns.join(", ")}) stands for one, and push() creates it as the primary key`,
      ]);
    } else {
      notes.push(
        `table ${table.name} is left out: it has no primary key and no unique key of NOT NULL columns, and a relata model needs one`,
      );
    }
  }

  const names = modelNames(keyed.map(([table]) => table.name));
  const models = new Map<string, PulledModel>();
  for (const [table, primaryKey, note] of keyed) {
    const model = buildModel(names.get(table.name)!, table, primaryKey, dialect, casing);
    if (note) model.notes.push(note);
    models.set(model.name, model);
  }
  const sorted = new Map([...models].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    dialect,
    casing,
    models: sorted,
    byTable: new Map([...sorted.values()].map((m) => [m.table.name, m])),
    notes,
    morphMap: new Map(),
  };
}

/** Singular camelCase where that names one table only; the whole table name otherwise. */
function modelNames(tables: readonly string[]): Map<string, string> {
  const wanted = new Map(tables.map((t) => [t, modelNameOf(t, true)]));
  const count = new Map<string, number>();
  for (const name of wanted.values()) count.set(name, (count.get(name) ?? 0) + 1);
  const scope = new NameScope(RESERVED_MODEL_NAMES);
  const out = new Map<string, string>();
  for (const table of tables) {
    const singular = wanted.get(table)!;
    const base = count.get(singular)! > 1 ? modelNameOf(table, false) : singular;
    out.set(table, scope.claim(base, `${base}Model`));
  }
  return out;
}

function buildModel(
  name: string,
  table: DbTable,
  primaryKey: readonly string[],
  dialect: DialectName,
  casing: Casing,
): PulledModel {
  const scope = new NameScope(PROTOTYPE_NAMES);
  const fields: PulledField[] = [];
  for (const column of table.columns) {
    const inKey = primaryKey.includes(column.name);
    const single = inKey && primaryKey.length === 1;
    const pulled = columnField(column, dialect, inKey, single);
    const wanted = fieldNameOf(column.name);
    const fieldName = scope.claim(wanted, `${wanted}Column`);
    fields.push({
      name: fieldName,
      column: column.name,
      kind: pulled.kind,
      call: pulled.call,
      config: pulled.config,
      nullable: pulled.nullable,
      default: pulled.default,
      autoIncrement: column.autoIncrement,
      primary: inKey && pulled.kind !== "id",
      unique: false,
      index: false,
      references: undefined,
      derived: applyCasing(fieldName, casing) === column.name,
      notes: pulled.notes,
    });
  }
  const byColumn = new Map(fields.map((f) => [f.column, f]));
  const notes: string[] = [];
  if (
    primaryKey.length > 1 &&
    primaryKey.join("\0") !==
      table.columns
        .filter((c) => primaryKey.includes(c.name))
        .map((c) => c.name)
        .join("\0")
  ) {
    notes.push(
      `the primary key is (${primaryKey.join(", ")}) in the database; relata orders a composite key as its fields are declared`,
    );
  }
  return {
    name,
    table,
    tableOption: applyCasing(name, casing) !== table.name,
    fields,
    byColumn,
    intents: [],
    notes,
    indexes: [],
    uniques: [],
    primaryKey: primaryKey.map((c) => byColumn.get(c)!.name),
    morphPairs: [],
  };
}

/** The field a relation resolves to when no key option is given: the model's only primary key field. */
export function singleKey(model: PulledModel): string | undefined {
  return model.primaryKey.length === 1 ? model.primaryKey[0] : undefined;
}

/** The field kind a key has when another table points at it (`id()` keys are integers there). */
export function keyKind(field: PulledField): FieldKind {
  return field.kind === "id" ? "integer" : field.kind;
}
