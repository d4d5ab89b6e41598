import { type AliasedRawBuilder, type RawBuilder, sql } from "kysely";
import { jsonDecoder } from "../dialect/codecs.js";
import type { Decode, DialectProfile, Encode } from "../dialect/profile.js";
import type { Session } from "../dialect/session.js";
import { LazyLoadingViolationError, ValidationError } from "../errors.js";
import type { Schema } from "../schema/define-schema.js";
import type { FieldMeta, ModelMeta } from "../schema/meta.js";
import { rememberRow } from "./instance-state.js";

/**
 * The model a row read through relata came from (whereBelongsTo / whereMorphedTo infer it):
 * rows get a prototype per model that carries it as a non-enumerable symbol (and
 * `constructor: Object`). Spreads, JSON, console output, toEqual/toStrictEqual and
 * structuredClone see a plain object; a spread copy no longer knows its model. Measured
 * against the alternatives on 61k rows: a WeakMap slowed every GC (1.5x the driver's time),
 * a non-enumerable property per row cost as much again on pg's rows; this costs ~nothing.
 */
const ROW_MODEL = Symbol("relata.model");
const prototypes = new Map<string, object>();

function prototypeOf(model: string): object {
  let proto = prototypes.get(model);
  if (!proto) {
    proto = Object.create(Object.prototype, { [ROW_MODEL]: { value: model }, constructor: { value: Object } });
    prototypes.set(model, proto!);
  }
  return proto!;
}

/**
 * With the schema's `preventLazyLoading`: a prototype per model of that schema (keyed by its
 * relations map, which aliased copies of the meta share) whose relation properties throw
 * LazyLoadingViolationError until loading sets them (the setter makes an own property).
 */
const strictPrototypes = new WeakMap<object, object>();

function prototypeFor(meta: ModelMeta): object {
  if (meta.modelClass) return classPrototype(meta.modelClass, meta.name);
  if (!meta.preventLazyLoading) return prototypeOf(meta.name);
  let proto = strictPrototypes.get(meta.relations);
  if (!proto) {
    const accessors: PropertyDescriptorMap = {};
    for (const relation of meta.relations.keys()) {
      accessors[relation] = {
        get() {
          throw new LazyLoadingViolationError(meta.name, relation);
        },
        set(this: object, value: unknown) {
          Object.defineProperty(this, relation, { value, writable: true, enumerable: true, configurable: true });
        },
      };
    }
    proto = Object.create(prototypeOf(meta.name), accessors) as object;
    strictPrototypes.set(meta.relations, proto);
  }
  return proto;
}

/**
 * A class model's rows are instances of its class: its prototype, carrying the model's name
 * like the plain rows' prototypes do (so `new Post()` knows its model too). Lazy-loading
 * protection is the relation accessors' (api/class-model/), not the prototype's.
 */
function classPrototype(cls: abstract new (...args: any[]) => object, model: string): object {
  const proto = cls.prototype as object;
  if (!Object.hasOwn(proto, ROW_MODEL)) Object.defineProperty(proto, ROW_MODEL, { value: model });
  return proto;
}

/** The model a row was read from, when relata read it. */
export function modelOfRow(row: object): string | undefined {
  return (row as { [ROW_MODEL]?: string })[ROW_MODEL];
}

/**
 * A model as the query layer uses it on one dialect: field -> column selections, and the
 * encoders/decoders its fields need. Built once per schema and dialect.
 */
export class ModelCodec {
  readonly meta: ModelMeta;
  readonly #selections = new Map<string, AliasedRawBuilder<unknown, string>>();
  readonly #reads = new Map<string, RawBuilder<unknown>>();
  readonly #encoders = new Map<string, Encode>();
  readonly #decoders: (readonly [string, Decode])[] = [];
  readonly #jsonDecoders: (readonly [string, Decode])[] = [];
  readonly #profile: DialectProfile;
  readonly #aliases = new Map<string, ModelCodec>();
  /** The prototype decoded rows get (their model), unless they are no model's rows (pivots). */
  readonly #prototype: object | undefined;
  /** Whether decoded rows are class instances whose field values are remembered (dirty tracking). */
  readonly #tracked: boolean;
  /** Whether a decoded row is a copy with the prototype (see #adopted), not the driver's row. */
  readonly #copies: boolean;
  /** What a query names in FROM: the table, or `table as alias` for an aliased codec. */
  readonly from: string;
  /** The model's rule parts by name: global scopes (`scope:name`), an installed rule (`rule`). */
  #parts: ReadonlyMap<string, ModelRule> = new Map();
  /** What a query's options remove from the rule (see `RuleOptions`); undefined on the model's own codec. */
  readonly #options: RuleOptions | undefined;
  readonly #variants = new Map<string, ModelCodec>();
  #rule: ModelRule | undefined;

  /**
   * The model's rule, conditions every statement on it meets (plan/front-door.ts applies
   * them): its soft delete, global scopes and installed rule, less what the query removed;
   * undefined for a model without one, so such a model pays one property read.
   */
  get rule(): ModelRule | undefined {
    return this.#rule;
  }

  /** The dialect profile this codec encodes for. */
  get profile(): DialectProfile {
    return this.#profile;
  }

  constructor(
    meta: ModelMeta,
    profile: DialectProfile,
    table?: string,
    /** Whether decoded rows remember their model (not pivot values: they are no model's rows). */
    readonly remembers = true,
    options?: RuleOptions,
  ) {
    this.meta = meta;
    this.#options = options;
    this.#profile = profile;
    this.#prototype = remembers ? prototypeFor(meta) : undefined;
    this.#tracked = remembers && meta.modelClass !== undefined;
    this.#copies = remembers && meta.modelClass === undefined && !meta.preventLazyLoading;
    this.from = table === undefined ? meta.table : `${table} as ${meta.table}`;
    for (const field of meta.fields.values()) {
      const jsonDecode = jsonDecoder(field.config);
      if (jsonDecode) this.#jsonDecoders.push([field.name, jsonDecode]);
      const read = profile.readExpression(field.config, sql.ref(`${meta.table}.${field.column}`));
      this.#reads.set(field.name, read);
      this.#selections.set(field.name, read.as(field.name));
      const encode = profile.encoder(field.config);
      if (encode) this.#encoders.set(field.name, encode);
      const decode = profile.decoder(field.config);
      if (decode) this.#decoders.push([field.name, decode]);
    }
  }

  /** The field, or a ValidationError naming the model and listing its fields. */
  field(name: string, action = "use"): FieldMeta {
    const field = this.meta.fields.get(name);
    if (field) return field;
    throw this.#unknown(name, action);
  }

  #unknown(name: string, action: string): ValidationError {
    return new ValidationError(
      `Cannot ${action} unknown field "${name}" on model "${this.meta.name}". Valid fields: ${this.meta.fieldNames.join(", ")}.`,
      this.meta.name,
      name,
    );
  }

  /** `table.column`, qualified so it stays unambiguous inside joins and subqueries. */
  ref(name: string): string {
    return `${this.meta.table}.${this.field(name).column}`;
  }

  /** Selections aliasing each column to its field name (all fields when none given). */
  select(fields: readonly string[] = this.meta.fieldNames): AliasedRawBuilder<unknown, string>[] {
    return fields.map((f) => {
      const selection = this.#selections.get(f);
      if (selection) return selection;
      throw this.#unknown(f, "select");
    });
  }

  /** The same model under a table alias (a self-referencing relation reads its table twice). */
  aliased(alias: string): ModelCodec {
    let codec = this.#aliases.get(alias);
    if (!codec) {
      codec = new ModelCodec(
        { ...this.meta, table: alias },
        this.#profile,
        this.meta.table,
        this.remembers,
        this.#options,
      );
      codec.setRuleParts(this.#parts);
      this.#aliases.set(alias, codec);
    }
    return codec;
  }

  /** Sets the model's rule parts on this codec, its aliases and its variants. */
  setRuleParts(parts: ReadonlyMap<string, ModelRule>): void {
    this.#parts = parts;
    this.#rule = combineRule(this.meta, parts, this.#options);
    for (const codec of this.#aliases.values()) codec.setRuleParts(parts);
    for (const codec of this.#variants.values()) codec.setRuleParts(parts);
  }

  /** A field read for embedding in JSON, in a form every dialect's JSON renders exactly. */
  jsonRead(field: string): RawBuilder<unknown> {
    const meta = this.field(field, "select");
    return this.#profile.jsonReadExpression(meta.config, sql.ref(`${this.meta.table}.${meta.column}`));
  }

  /**
   * This codec under a query's rule options: trashed rows kept or alone, global scopes
   * removed. The same codec when the options change nothing.
   */
  under(options: RuleOptions): ModelCodec {
    if (options.without.length === 0 && options.trashed === undefined) return this;
    const key = `${options.trashed ?? ""}|${options.without.join(",")}`;
    let codec = this.#variants.get(key);
    if (!codec) {
      const table = this.from === this.meta.table ? undefined : this.from.slice(0, this.from.indexOf(" as "));
      codec = new ModelCodec(this.meta, this.#profile, table, this.remembers, options);
      codec.setRuleParts(this.#parts);
      this.#variants.set(key, codec);
    }
    return codec;
  }

  /** Decodes a row that came through JSON (the join strategy), in place. `fresh`: the row came from `fresh()`. */
  decodeJson<T>(row: Record<string, unknown>, fresh = false): T {
    for (const [field, decode] of this.#jsonDecoders) {
      if (field in row) row[field] = decode(row[field]);
    }
    if (fresh && this.#copies) return row as T;
    if (this.#prototype) Object.setPrototypeOf(row, this.#prototype);
    if (this.#tracked) rememberRow(this.meta, row);
    return row as T;
  }

  /**
   * A row of this model as a new object with the model's prototype and the row's own values.
   * Cheaper than setting the prototype of the row the driver made (which V8 makes slow), but
   * only where the prototype has no setters a copy would call: a plain model's, not a class
   * model's or a lazy-loading-strict one's.
   */
  #adopted(row: Record<string, unknown>): Record<string, unknown> {
    return Object.assign(Object.create(this.#prototype!) as Record<string, unknown>, row);
  }

  /** A field read under another alias (`relata_pivot_roleId`), decoded like the field itself. */
  selectAs(field: string, alias: string): AliasedRawBuilder<unknown, string> {
    const read = this.#reads.get(field);
    if (!read) throw this.#unknown(field, "select");
    return read.as(alias);
  }

  /**
   * A key value from the other side of a relation, in the type of this key column: an integer
   * id matching a `string()` key becomes "1", a numeric string matching an integer key 1
   * (SQLite compares 1 and "1" as different, and validation expects the column's type).
   */
  keyValue(field: string, value: unknown): unknown {
    const { kind } = this.field(field).config;
    if (
      (kind === "string" || kind === "text" || kind === "uuid") &&
      (typeof value === "number" || typeof value === "bigint")
    ) {
      return String(value);
    }
    const digits = typeof value === "string" && /^-?\d+$/.test(value);
    if ((kind === "id" || kind === "integer") && (typeof value === "bigint" || digits)) return Number(value);
    return value;
  }

  /** A key value from the other side of a relation, converted (keyValue) and encoded for the driver. */
  encodeKey(field: string, value: unknown): unknown {
    return this.encode(field, this.keyValue(field, value));
  }

  /** `encode` of one field, looked up once (for encoding many rows). */
  encoder(field: string): (value: unknown) => unknown {
    const encode = this.#encoders.get(field);
    return encode ? (value) => (value === null || value === undefined ? value : encode(value)) : (value) => value;
  }

  encode(field: string, value: unknown): unknown {
    const encode = this.#encoders.get(field);
    return encode && value !== null && value !== undefined ? encode(value) : value;
  }

  /** A shallow copy of a row of this model that still knows its model. */
  copy(row: Record<string, unknown>): Record<string, unknown> {
    if (this.#copies) return this.#adopted(row);
    const copied = { ...row };
    if (this.#prototype) Object.setPrototypeOf(copied, this.#prototype);
    if (this.#tracked) rememberRow(this.meta, copied);
    return copied;
  }

  /**
   * An empty row to fill with this model's values and then `decode(row, true)`: with the
   * model's prototype already where decode would copy the row to give it one.
   */
  fresh(): Record<string, unknown> {
    return this.#copies ? this.#makeRow() : {};
  }

  /**
   * `fresh` for a driver to make read rows with (Session.execute's RowMaker), where decode
   * would copy them; undefined where it decodes the driver's rows in place anyway.
   */
  get rowMaker(): (() => Record<string, unknown>) | undefined {
    return this.#copies ? this.#makeRow : undefined;
  }

  readonly #makeRow = () => Object.create(this.#prototype!) as Record<string, unknown>;

  /** Whether the driver made these rows with `rowMaker` (then `decode(row, true)` them). */
  made(rows: readonly unknown[]): boolean {
    return this.#copies && rows.length > 0 && Object.getPrototypeOf(rows[0]) === this.#prototype;
  }

  /**
   * Decodes a row aliased by field name and returns it: the row itself, or a plain model's
   * row as a copy with the model's prototype (see #adopted). `fresh`: the row came from
   * `fresh()`, and is decoded in place.
   */
  decode<T>(row: Record<string, unknown>, fresh = false): T {
    for (const [field, decode] of this.#decoders) {
      if (field in row) row[field] = decode(row[field]);
    }
    if (this.#copies) return (fresh ? row : this.#adopted(row)) as T;
    if (this.#prototype) Object.setPrototypeOf(row, this.#prototype);
    if (this.#tracked) rememberRow(this.meta, row);
    return row as T;
  }
}

/**
 * A model's rule as its codecs hold it: where nodes (plan/where.ts), opaque here because
 * where.ts types its nodes by ModelCodec and naming them would close an import cycle.
 * plan/front-door.ts installs rules and reads them back as where nodes.
 */
export type ModelRule = readonly object[];

/**
 * What a query removes from its model's rule: `trashed` "with" keeps soft-deleted rows, "only"
 * reads them alone; `without` names global scopes left out ("*": all of them).
 */
export interface RuleOptions {
  readonly trashed: "with" | "only" | undefined;
  readonly without: readonly string[];
}

/** The name of a global scope's rule part. */
export const scopePart = (name: string) => `scope:${name}`;

/** One node (a group when several) of a model's soft delete, scopes and installed rule, less what `options` removes. */
function combineRule(
  meta: ModelMeta,
  parts: ReadonlyMap<string, ModelRule>,
  options: RuleOptions | undefined,
): ModelRule | undefined {
  const nodes: object[] = [];
  if (meta.softDelete !== undefined && options?.trashed !== "with") {
    nodes.push({ type: "null", or: false, field: meta.softDelete, not: options?.trashed === "only" });
  }
  const all = options?.without.includes("*") ?? false;
  for (const [name, rule] of parts) {
    if (name.startsWith("scope:") && (all || options?.without.includes(name.slice(6)))) continue;
    // Each part whole: an orWhere inside a scope stays inside it.
    const [first] = rule as { or?: boolean }[];
    if (rule.length === 1 && !first?.or) nodes.push(first!);
    else nodes.push({ type: "group", or: false, not: false, nodes: rule });
  }
  if (nodes.length === 0) return undefined;
  return nodes.length === 1 ? nodes : [{ type: "group", or: false, not: false, nodes }];
}

/** Codecs by schema, then dialect profile name, then model (no key text built per lookup: this runs per call). */
const cache = new WeakMap<Schema, Map<string, Map<string, ModelCodec>>>();
const rules = new WeakMap<Schema, Map<string, Map<string, ModelRule>>>();

/** The codec of `model` for the session's schema and dialect (memoised). */
export function codecFor(session: Session, model: string): ModelCodec {
  let byProfile = cache.get(session.schema);
  if (!byProfile) {
    byProfile = new Map();
    cache.set(session.schema, byProfile);
  }
  let byModel = byProfile.get(session.profile.name);
  if (!byModel) {
    byModel = new Map();
    byProfile.set(session.profile.name, byModel);
  }
  let codec = byModel.get(model);
  if (!codec) {
    codec = new ModelCodec(session.schema.model(model), session.profile);
    codec.setRuleParts(rules.get(session.schema)?.get(model) ?? new Map());
    byModel.set(model, codec);
  }
  return codec;
}

/**
 * Sets (or, with undefined, removes) one named part of the rule of a schema's model (a global
 * scope, an installed rule) on its codecs, made and to be made.
 */
export function setModelRule(schema: Schema, model: string, name: string, rule: ModelRule | undefined): void {
  let byModel = rules.get(schema);
  if (!byModel) {
    byModel = new Map();
    rules.set(schema, byModel);
  }
  const parts = new Map(byModel.get(model));
  if (rule && rule.length > 0) parts.set(name, rule);
  else parts.delete(name);
  byModel.set(model, parts);
  for (const byModel of cache.get(schema)?.values() ?? []) byModel.get(model)?.setRuleParts(parts);
}
