import { SchemaError } from "../errors.js";
import {
  type AnyField,
  bigint,
  boolean,
  date,
  decimal,
  type Field,
  type FieldKind,
  float,
  id,
  integer,
  json,
  type ReferenceOptions,
  type ReferentialAction,
  string,
  text,
  timestamp,
  uuid,
} from "./fields.js";
import {
  type BelongsToManyOptions,
  type BelongsToOptions,
  type HasOptions,
  type MorphOneOrManyOptions,
  type MorphToManyOptions,
  type MorphToOptions,
  type OfManyOptions,
  RELATION_KINDS,
  RELATION_OPTIONS,
  type RelationDef,
  type RelationKind,
  type ThroughOptions,
  type WithDefaultOption,
} from "./relations.js";

/*
 * Seed 003's (eloquent-orm.js) way of declaring a model's schema: `column(type, length?, options?)`
 * and `relation(kind, target, options?)`, giving relata's own field builders and relation
 * definitions, so a schema written that way types its rows and loads as one written with
 * `string()` / `hasMany()`.
 */

/** The type names `column()` takes (Laravel's and knex's), and the relata field kind each is. */
const COLUMN_TYPES = {
  increments: "id",
  string: "string",
  char: "string",
  text: "text",
  mediumText: "text",
  longText: "text",
  int: "integer",
  integer: "integer",
  smallInteger: "integer",
  tinyInteger: "integer",
  bigInteger: "bigint",
  bigint: "bigint",
  float: "float",
  double: "float",
  decimal: "decimal",
  boolean: "boolean",
  bool: "boolean",
  date: "date",
  dateTime: "timestamp",
  datetime: "timestamp",
  timestamp: "timestamp",
  json: "json",
  jsonb: "json",
  uuid: "uuid",
} as const satisfies Record<string, FieldKind>;

/** A type name `column()` takes: `"increments"`, `"string"`, `"int"`, `"timestamp"`, ... */
export type ColumnType = keyof typeof COLUMN_TYPES;
type KindOf<Ty extends ColumnType> = (typeof COLUMN_TYPES)[Ty];

/** The JS value each field kind reads as (as relata's builders type it). */
interface KindValues {
  id: number;
  uuid: string;
  string: string;
  text: string;
  integer: number;
  bigint: bigint;
  float: number;
  decimal: string;
  boolean: boolean;
  timestamp: Date;
  date: string;
  json: unknown;
}

/** Options every column type takes. */
export interface ColumnOptions {
  /** Makes the column (part of) the primary key (`increments` always is). */
  primary?: boolean;
  /** Allows `null`; the row type becomes `T | null`. */
  nullable?: boolean;
  /** Adds a unique index. */
  unique?: boolean;
  /** Adds a plain index. */
  index?: boolean;
  /**
   * Only `false`, relata's only kind of integer: a signed one. `unsigned: true` is a SchemaError
   * (PostgreSQL and SQLite have no unsigned integers, so relata makes none anywhere).
   */
  unsigned?: false;
  /** A foreign key constraint to `"model.field"` (relata's model and field names, as `.references()`). */
  references?: string;
  /** With `references`: what happens to this row when the referenced row is deleted. */
  onDelete?: ReferentialAction;
  /** With `references`: what happens to this row when the referenced key changes. */
  onUpdate?: ReferentialAction;
  /** The database column's name, when it is not the field's (after the schema's casing). */
  column?: string;
}

type Value<Ty extends ColumnType, O> = Ty extends "bigInteger" | "bigint"
  ? O extends { mode: "number" }
    ? number
    : bigint
  : KindValues[KindOf<Ty>];

/** The options of column type `Ty`: the common ones, a `default` of its value type, and its own. */
export type ColumnOptionsFor<Ty extends ColumnType> = (Ty extends "increments"
  ? Omit<ColumnOptions, "primary" | "nullable"> & {
      /** Always the primary key. */
      primary?: true;
      /** Never null. */
      nullable?: false;
    }
  : ColumnOptions & {
      /** The value create uses when it omits the field (`null`: none, with `nullable: true`). */
      default?: Value<Ty, {}> | (Ty extends "bigInteger" | "bigint" ? number : never) | null;
    }) &
  (KindOf<Ty> extends "decimal" ? { /** Digits after the point (default 2). */ scale?: number } : {}) &
  (KindOf<Ty> extends "timestamp"
    ? { /** `false`: a column without a time zone (see `timestamp()`). */ withTimezone?: boolean }
    : {}) &
  (KindOf<Ty> extends "bigint"
    ? { /** Read as a JS `bigint` (default) or a `number`. */ mode?: "bigint" | "number" }
    : {});

/** The column types a length means something for: a string's characters, a decimal's precision. */
type LengthType = "string" | "char" | "decimal";

/**
 * The field `column(Ty, length, O)` builds: its value type, nullability, whether create may omit
 * it, whether it is unique and whether it is (part of) the primary key.
 */
export type ColumnField<Ty extends ColumnType, O> = Field<
  Value<Ty, O>,
  O extends { nullable: true } ? true : false,
  Ty extends "increments" ? true : O extends { default: {} } ? true : false,
  O extends { unique: true } ? true : false,
  Ty extends "increments" ? true : O extends { primary: true } ? true : false
>;

/** Keys of `O` that `Allowed` does not have, each typed `never` (an unknown option does not compile). */
type NoExtra<O, Allowed> = { [K in Exclude<keyof O, keyof Allowed>]: never };

/** Most characters a varchar holds on every database (MySQL's row limit: 65,535 bytes / 4 per utf8mb4 character). */
const MAX_STRING_LENGTH = 16_383;
const ACTIONS: readonly ReferentialAction[] = ["cascade", "set null", "restrict", "no action"];
const COMMON_OPTIONS = [
  "primary",
  "nullable",
  "unique",
  "index",
  "default",
  "unsigned",
  "references",
  "onDelete",
  "onUpdate",
  "column",
];
const OWN_OPTIONS: Partial<Record<FieldKind, readonly string[]>> = {
  decimal: ["scale"],
  timestamp: ["withTimezone"],
  bigint: ["mode"],
};
/** The JS type (`typeof`) a default of each kind must have; kinds not listed are checked when pushed. */
const DEFAULT_TYPES: Partial<Record<FieldKind, readonly string[]>> = {
  uuid: ["string"],
  string: ["string"],
  text: ["string"],
  integer: ["number"],
  bigint: ["bigint", "number"],
  float: ["number"],
  decimal: ["string"],
  boolean: ["boolean"],
  date: ["string"],
};

const show = (value: unknown): string =>
  typeof value === "string"
    ? `"${value}"`
    : typeof value === "bigint"
      ? `${value}n`
      : String(JSON.stringify(value) ?? value);

/**
 * A field declared in seed 003's words: `column(type, length?, options?)`, giving relata's
 * own field builder (`column("string", 120)` is `string(120)`, `column("increments")` is `id()`),
 * typed as precisely: `column("int", undefined, { nullable: true })` reads as `number | null`.
 *
 * Types: `increments` (relata's `id()`: a 32-bit auto-increment key), `string` / `char`
 * (`varchar(length)`, default 255), `text` / `mediumText` / `longText` (relata's `text()`: on
 * MySQL/MariaDB a TEXT of 65,535 bytes; a longer value is a ValidationError), `int` / `integer`
 * / `smallInteger` / `tinyInteger` (`integer()`, 32-bit), `bigInteger` / `bigint`, `float` /
 * `double` (double precision), `decimal` (length = precision, `scale` option), `boolean` / `bool`,
 * `date`, `dateTime` / `datetime` / `timestamp` (`timestamp()`), `json` / `jsonb`, `uuid`.
 * An unknown type or option, or a length where none means anything, is a `SchemaError`.
 *
 * ```ts
 * const fields = {
 *   id: column("increments", undefined, { primary: true }),
 *   name: column("string", 255),
 *   user_id: column("int", undefined, { references: "user.id", onDelete: "cascade" }),
 *   price: column("decimal", 8, { scale: 2, nullable: true }),
 * };
 * ```
 */
export function column<const Ty extends ColumnType, const O extends ColumnOptionsFor<Ty> = ColumnOptionsFor<Ty>>(
  type: Ty,
  length?: Ty extends LengthType ? number : undefined,
  options?: O & NoExtra<O, ColumnOptionsFor<Ty>>,
): ColumnField<Ty, O> {
  const what = `column(${[show(type), ...(length === undefined ? [] : [show(length)])].join(", ")})`;
  const fail = (message: string): never => {
    throw new SchemaError([`${what}: ${message}`]);
  };
  if (type === ("bigIncrements" as string)) {
    fail(
      'relata has no 64-bit auto-increment key: "increments" is relata\'s id(), a 32-bit one (a PostgreSQL serial); use it, or a bigInteger key you fill yourself',
    );
  }
  if (typeof type !== "string" || !Object.hasOwn(COLUMN_TYPES, type)) {
    fail(`unknown column type ${show(type)}; valid types: ${Object.keys(COLUMN_TYPES).join(", ")}`);
  }
  const kind: FieldKind = COLUMN_TYPES[type];
  const given = (options ?? {}) as Record<string, unknown>;
  if (typeof given !== "object" || given === null || Array.isArray(given)) fail("options must be an object");
  const known = [...COMMON_OPTIONS, ...(OWN_OPTIONS[kind] ?? [])];
  const unknown = Object.keys(given).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    fail(
      `unknown option${unknown.length === 1 ? "" : "s"} ${unknown.map(show).join(", ")}; "${type}" takes ${known.join(", ")}`,
    );
  }
  const opt = <T>(key: string, check: (v: unknown) => boolean, expected: string): T | undefined => {
    const value = given[key];
    if (value !== undefined && !check(value)) fail(`option ${key} takes ${expected}, got ${show(value)}`);
    return value as T | undefined;
  };
  const flag = (key: string) => opt<boolean>(key, (v) => typeof v === "boolean", "true or false") ?? false;
  const whole = (v: unknown, min: number, max: number) =>
    typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;

  let field: AnyField;
  if (kind === "string") {
    if (length !== undefined && !whole(length, 1, MAX_STRING_LENGTH)) {
      fail(`the length of a string is a whole number of characters from 1 to ${MAX_STRING_LENGTH}`);
    }
    field = string(length ?? 255);
  } else if (kind === "decimal") {
    const scale = opt<number>("scale", (v) => whole(v, 0, 30), "a whole number from 0 to 30") ?? 2;
    if (length !== undefined && !whole(length, 1, 65))
      fail("the length of a decimal is its precision, a whole number from 1 to 65");
    if (scale > (length ?? 10)) fail(`scale ${scale} is more than the precision ${length ?? 10}`);
    field = decimal(length ?? 10, scale);
  } else if (length !== undefined) {
    return fail(`a length means nothing for "${type}" (only string, char and decimal take one); leave it undefined`);
  } else if (kind === "timestamp") {
    const withTimezone = opt<boolean>("withTimezone", (v) => typeof v === "boolean", "true or false");
    field = timestamp(withTimezone === false ? { withTimezone } : {});
  } else if (kind === "bigint") {
    const mode = opt<"bigint" | "number">("mode", (v) => v === "bigint" || v === "number", '"bigint" or "number"');
    field = mode === "number" ? bigint({ mode }) : bigint();
  } else {
    field = { id, uuid, text, integer, float, boolean, date, json }[kind]();
  }

  if (given.unsigned === true) {
    fail(
      "relata has no unsigned integers (PostgreSQL and SQLite have none, so relata makes none anywhere); leave unsigned out and check the range in your code",
    );
  }
  opt("unsigned", (v) => v === false, "false (relata's integers are signed)");
  const primary = flag("primary");
  const nullable = flag("nullable");
  if (kind === "id") {
    if (given.primary === false) fail("increments is always the primary key; leave primary out");
    if (nullable) fail("an auto-increment key cannot be nullable");
    if (given.default !== undefined) fail("an auto-increment key takes no default");
  }
  if (primary && kind !== "id") field = field.primary();
  if (nullable) field = field.nullable();
  if (flag("unique")) field = field.unique();
  if (flag("index")) field = field.index();
  const value = given.default;
  if (value === null && !nullable) fail("default null needs nullable: true");
  const types = DEFAULT_TYPES[kind];
  if (value !== undefined && value !== null && types && !types.includes(typeof value)) {
    fail(`the default of a "${type}" column must be a ${types.join(" or ")}, got ${show(value)}`);
  }
  if (value !== undefined && value !== null) field = field.default(value);
  const references = opt<string>(
    "references",
    (v) => typeof v === "string" && /^[^.]+\.[^.]+$/.test(v),
    '"model.field"',
  );
  const action = (v: unknown) => ACTIONS.includes(v as ReferentialAction);
  const actions: ReferenceOptions = {};
  for (const key of ["onDelete", "onUpdate"] as const) {
    const value = opt<ReferentialAction>(key, action, ACTIONS.map(show).join(", "));
    if (value !== undefined && references === undefined) fail(`option ${key} needs references: "model.field"`);
    if (value !== undefined) actions[key] = value;
  }
  if (references !== undefined) field = field.references(references, actions);
  const name = opt<string>("column", (v) => typeof v === "string" && v !== "", "a column name");
  if (name !== undefined) field = field.column(name);
  return field as ColumnField<Ty, O>;
}

/**
 * Seed 003's names of relata's pivot options, per kind. Its `pivotLocalKey` is the pivot column
 * pointing at the declaring model, `pivotForeignKey` the one pointing at the related model; on a
 * polymorphic pivot one of them is the morph id, which relata names after `morphName`.
 */
const SEED_ALIASES = {
  belongsToMany: { pivotTable: "table", pivotLocalKey: "foreignPivotKey", pivotForeignKey: "relatedPivotKey" },
  morphToMany: { pivotTable: "table", pivotForeignKey: "foreignPivotKey" },
  morphedByMany: { pivotTable: "table", pivotLocalKey: "foreignPivotKey" },
} as const satisfies Partial<Record<RelationKind, Record<string, string>>>;

type AliasesOf<K> = K extends keyof typeof SEED_ALIASES ? (typeof SEED_ALIASES)[K] : {};

/** What each relation kind takes under relata's option names (as its builder: `hasMany()`, ...). */
interface RelationOptionsByKind {
  hasOne: HasOptions & WithDefaultOption & OfManyOptions;
  hasMany: HasOptions & { ofMany?: never };
  belongsTo: BelongsToOptions;
  belongsToMany: BelongsToManyOptions & {
    /** With `through`: the join model's field pointing here (as `manyToMany`'s `from`). */
    from?: string;
    /** With `through`: the join model's field pointing to the related model (`manyToMany`'s `to`). */
    to?: string;
  };
  morphOne: MorphOneOrManyOptions & WithDefaultOption & OfManyOptions;
  morphMany: MorphOneOrManyOptions & { ofMany?: never };
  morphTo: MorphToOptions<string>;
  morphToMany: MorphToManyOptions;
  morphedByMany: MorphToManyOptions;
  hasOneThrough: ThroughOptions & OfManyOptions;
  hasManyThrough: ThroughOptions & { ofMany?: never };
}

/** The options `relation(K, ...)` takes: relata's for kind `K`, and seed 003's pivot names where they apply. */
export type RelationOptionsFor<K extends RelationKind> = RelationOptionsByKind[K] & {
  [A in keyof AliasesOf<K>]?: string;
};

/** The options as relata's builders name them: `pivotTable` -> `table`, ... */
type Translated<K, O> = {
  [P in keyof O as P extends keyof AliasesOf<K> ? AliasesOf<K>[P] & string : P]: O[P];
} & (O extends { from: infer F } ? { foreignPivotKey: F } : {}) &
  (O extends { to: infer T } ? { relatedPivotKey: T } : {});

/** The target a relation definition carries: the model named, or for morphTo its `types` (as `morphTo()`). */
type TargetOf<K, T, O> = K extends "morphTo"
  ? O extends { types: readonly (infer X extends string)[] }
    ? X
    : string
  : T;

/** The kinds that cannot be declared without options (a morph name, an intermediate model). */
type KindNeedingOptions =
  | "morphOne"
  | "morphMany"
  | "morphToMany"
  | "morphedByMany"
  | "hasOneThrough"
  | "hasManyThrough";

/**
 * A relation declared in seed 003's words: `relation(kind, target, options?)`, giving the same
 * definition as relata's builder of that kind (`relation("hasMany", "post", o)` is
 * `hasMany("post", o)`). Every kind is taken, with its options under relata's names and, for
 * the many-to-many kinds, seed 003's: `pivotTable` (`table`), `pivotLocalKey` (the pivot key
 * pointing here, `foreignPivotKey`), `pivotForeignKey` (the one pointing at the related model,
 * `relatedPivotKey`). A morphTo's target is not a model and is left out, as `morphTo()` has none.
 * The target is kept as written (a class model's name is mapped to its model when the schema is
 * built). An unknown kind or option is a `SchemaError` listing the valid ones.
 *
 * ```ts
 * const relations = {
 *   author: relation("belongsTo", "user", { foreignKey: "user_id" }),
 *   tags: relation("belongsToMany", "tag", { pivotTable: "post_tags", pivotLocalKey: "post_id", pivotForeignKey: "tag_id" }),
 *   comments: relation("morphMany", "comment", { morphName: "commentable" }),
 * };
 * ```
 */
export function relation<
  const K extends Exclude<RelationKind, KindNeedingOptions>,
  const T extends string,
  const O extends RelationOptionsFor<K> = {},
>(
  kind: K,
  target: T,
  options?: O & NoExtra<O, RelationOptionsFor<K>>,
): RelationDef<K, TargetOf<K, T, O>, Translated<K, O>>;
export function relation<
  const K extends KindNeedingOptions,
  const T extends string,
  const O extends RelationOptionsFor<K>,
>(kind: K, target: T, options: O & NoExtra<O, RelationOptionsFor<K>>): RelationDef<K, T, Translated<K, O>>;
export function relation(kind: RelationKind, target: string | undefined, options?: object): RelationDef {
  const what = `relation(${show(kind)}, ${show(target)})`;
  const fail = (message: string): never => {
    throw new SchemaError([`${what}: ${message}`]);
  };
  if (typeof kind !== "string" || !Object.hasOwn(RELATION_KINDS, kind)) {
    fail(`unknown relation kind ${show(kind)}; valid kinds: ${Object.keys(RELATION_KINDS).join(", ")}`);
  }
  if (kind !== "morphTo" && (typeof target !== "string" || target === "")) {
    fail(`a ${kind} needs its target model's name, a non-empty string`);
  }
  const given = options ?? {};
  if (typeof given !== "object" || given === null || Array.isArray(given)) fail(`${kind} options must be an object`);
  const aliases: Readonly<Record<string, string>> =
    (SEED_ALIASES as Partial<Record<string, Record<string, string>>>)[kind] ?? {};
  const known = [...RELATION_OPTIONS[kind], ...Object.keys(aliases)];
  const entries = Object.entries(given).filter(([, value]) => value !== undefined);
  const unknown = entries.map(([key]) => key).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    fail(
      `unknown option${unknown.length === 1 ? "" : "s"} ${unknown.map(show).join(", ")}; ${kind} takes ${known.join(", ")}`,
    );
  }
  const translated: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    const name = Object.hasOwn(aliases, key) ? aliases[key]! : key;
    if (Object.hasOwn(translated, name)) {
      const other = entries.find(([k]) => k !== key && (aliases[k] ?? k) === name)![0];
      fail(`options ${show(other)} and ${show(key)} both name ${name}; give one of them`);
    }
    translated[name] = value;
  }
  if (kind === "belongsToMany") {
    // As manyToMany(): the join model's `from` / `to` are the pivot keys.
    for (const [from, to] of [
      ["from", "foreignPivotKey"],
      ["to", "relatedPivotKey"],
    ] as const) {
      if (translated[from] === undefined) continue;
      if (translated[to] !== undefined && translated[to] !== translated[from]) {
        fail(`options ${from} and ${to} name different pivot keys; give one of them`);
      }
      translated[to] = translated[from];
    }
  }
  return { kind, target: kind === "morphTo" ? undefined : target, options: translated };
}
