import { SchemaError } from "../errors.js";
import { applyCasing, type Casing, casingProblem, checkedCasing } from "./casing.js";
import { type ClassModelDef, type ModelClassLike, modelsFromClasses } from "./class-models.js";
import { describeFieldType, keyBuilderFor, keyTypeMismatch } from "./fields.js";
import type { FieldMeta, ForeignKeyMeta, ModelMeta, SchemaMeta } from "./meta.js";
import { type FieldsShape, MODEL_EVENTS, type ModelDef, type ModelOptions } from "./model.js";
import { MorphMap } from "./morph-map.js";
import type { MutableModelMeta } from "./relation-context.js";
import { resolveRelations } from "./resolve-relations.js";

export interface SchemaOptions {
  /**
   * How field and model names become column and table names (default `"preserve"`):
   * `"snake_case"` (`createdAt` -> `created_at`), `"camelCase"`, `"PascalCase"` (`createdAt` ->
   * `CreatedAt`, `user` -> `User`, for databases named that way), or a function
   * `(name) => string`. A field's `.column()` and a model's `table` override it.
   */
  casing?: Casing;
  /** The value stored in morph type columns per model: `{ post: "Post" }` (default: the model name). */
  morphMap?: Record<string, string>;
  /**
   * Every model whose type a polymorphic relation stores (a morphOne/morphMany/morphToMany
   * parent, a morphedByMany target, a morphTo target) must have a `morphMap` entry: a
   * `SchemaError` lists those without one; reading a stored type the map does not know throws
   * `MorphMapError`.
   */
  enforceMorphMap?: boolean;
  /**
   * Reading a relation property a row did not load throws `LazyLoadingViolationError` (naming
   * the relation and the `with(...)` that loads it) instead of giving `undefined`.
   */
  preventLazyLoading?: boolean;
}

const OPTIONS = ["casing", "morphMap", "enforceMorphMap", "preventLazyLoading"];

type AnyModels = Record<string, ModelDef<any, any>>;

/** A validated schema: the declared models (for type inference) plus resolved metadata. */
export class Schema<M extends AnyModels = AnyModels, MM extends Record<string, string> = {}> {
  declare readonly $models: M;
  /** Type-only: the morph map, so morph type values are typed. */
  declare readonly $morphMap: MM;
  constructor(
    readonly models: M,
    readonly meta: SchemaMeta,
    readonly options: Readonly<Required<Pick<SchemaOptions, "casing">>>,
  ) {}

  /** The resolved metadata of one model; throws if it does not exist. */
  model(name: string): ModelMeta {
    const meta = this.meta.models.get(name);
    if (!meta) throw new SchemaError([`unknown model "${name}"`]);
    return meta;
  }
}

/** Names a model cannot take: the db handle's own members (`DbCore` in db.ts), and `then`. */
export const RESERVED_MODEL_NAMES: ReadonlySet<string> = new Set([
  "push",
  "check",
  "transaction",
  "destroy",
  "kysely",
  "schema",
  "dialectName",
  "morphMap",
  "then",
]);
/** Names that reach an object's prototype chain: no model, field or relation may have one (inputs reject them as keys). */
export const PROTOTYPE_NAMES: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Validates and resolves a set of models: relation targets, conventional keys, pivot
 * tables, morph types. Throws one `SchemaError` listing every problem found.
 *
 * ```ts
 * const schema = defineSchema({ user, post }, { casing: "snake_case" });
 * ```
 */
export function defineSchema<const M extends AnyModels, const MM extends Record<string, string> = {}>(
  models: M,
  options?: SchemaOptions & { morphMap?: MM },
): Schema<M, MM>;
/**
 * A schema of class models (`class Post extends Model { static fields = {...} }`), given as a
 * list (`[User, Post]`: names from the classes) or by name, mixed with `model()` definitions
 * (`{ user: User, tag: model({...}) }`). Rows of a class model are instances of its class.
 */
export function defineSchema<const M extends Readonly<Record<string, ModelClassLike | ModelDef<any, any>>>>(
  models: M,
  options?: SchemaOptions,
): Schema<{ [K in keyof M]: M[K] extends ModelDef<any, any> ? M[K] : ClassModelDef<M[K]> }>;
/** A schema of class models given as a list: names from the classes, so its types are loose. */
export function defineSchema(models: readonly ModelClassLike[], options?: SchemaOptions): Schema<AnyModels>;
export function defineSchema(
  declared: readonly ModelClassLike[] | Readonly<Record<string, unknown>>,
  options: SchemaOptions = {},
): Schema<AnyModels> {
  const { defs: models, classes } = modelsFromClasses(declared);
  const problems: string[] = [];
  const given = options.casing ?? "preserve";
  const wrongCasing = casingProblem(given);
  if (wrongCasing) problems.push(`defineSchema: ${wrongCasing}`);
  const casing = wrongCasing ? "preserve" : checkedCasing(given, problems);
  for (const key of Object.keys(options ?? {})) {
    if (!OPTIONS.includes(key)) problems.push(`defineSchema: unknown option "${key}"; it takes ${OPTIONS.join(", ")}`);
  }
  if (options.preventLazyLoading !== undefined && typeof options.preventLazyLoading !== "boolean") {
    problems.push("defineSchema: preventLazyLoading must be true or false");
  }
  const metas = new Map<string, MutableModelMeta>();

  for (const [name, def] of Object.entries(models)) {
    if (RESERVED_MODEL_NAMES.has(name) || PROTOTYPE_NAMES.has(name) || name.startsWith("$")) {
      problems.push(`model "${name}": the name is reserved by the db handle; choose another`);
    }
    const built = buildModelMeta(name, def, casing, problems);
    const cls = classes.get(name);
    const meta = cls ? { ...built, modelClass: cls } : built;
    metas.set(name, options.preventLazyLoading === true ? { ...meta, preventLazyLoading: true } : meta);
  }

  const morphMap = resolveMorphMap(metas, options, problems);
  checkTables(metas, problems);
  checkForeignKeys(metas, problems);
  const pivotTables = resolveRelations(models, metas, casing, problems);
  checkKeyTypes(metas, problems);
  problems.push(...morphMap.finish());
  if (problems.length > 0) throw new SchemaError(problems);
  return new Schema(
    models,
    { models: metas, pivotTables, morphAliases: morphMap.aliases, morphMap },
    { casing: given },
  );
}

function buildModelMeta(name: string, def: ModelDef<any, any>, casing: Casing, problems: string[]): MutableModelMeta {
  const fields = new Map<string, FieldMeta>();
  const foreignKeys: ForeignKeyMeta[] = [];
  for (const [fieldName, field] of Object.entries(def.fields as FieldsShape)) {
    const config = field.config;
    if (PROTOTYPE_NAMES.has(fieldName)) {
      problems.push(`field "${name}.${fieldName}": the name reaches JavaScript's prototype chain; choose another`);
    }
    fields.set(fieldName, {
      name: fieldName,
      column: config.column ?? applyCasing(fieldName, casing),
      config,
    });
    const where = `field "${name}.${fieldName}"`;
    if (config.default?.kind === "now" && config.kind !== "timestamp" && config.kind !== "date") {
      problems.push(`${where}: defaultNow() needs a timestamp() or date() field, not ${config.kind}()`);
    }
    if (config.autoIncrement && config.nullable) {
      problems.push(`${where}: an auto-increment id cannot be nullable`);
    }
    if (config.references) {
      const [targetModel, targetField, extra] = config.references.target.split(".");
      if (!targetModel || !targetField || extra !== undefined) {
        problems.push(`${where}: references("${config.references.target}") must be "model.field"`);
      } else {
        foreignKeys.push({
          field: fieldName,
          targetModel,
          targetField,
          onDelete: config.references.onDelete,
          onUpdate: config.references.onUpdate,
        });
      }
    }
  }
  const primaryKey = [...fields.values()].filter((f) => f.config.primary).map((f) => f.name);
  if (fields.size === 0) problems.push(`model "${name}": has no fields`);
  else if (primaryKey.length === 0) {
    problems.push(`model "${name}": has no primary key; add id() or mark a field .primary()`);
  }
  return {
    name,
    table: def.table ?? applyCasing(name, casing),
    fields,
    fieldNames: [...fields.keys()],
    primaryKey,
    foreignKeys,
    relations: new Map(),
    morphAlias: name,
    morphPairs: [],
    indexes: fieldLists(name, "indexes", def.options?.indexes, fields, problems),
    uniques: fieldLists(name, "uniques", def.options?.uniques, fields, problems),
    ...lifecycle(name, def.options ?? {}, fields, problems),
  };
}

/** The model options `indexes` / `uniques`, checked: lists of its field names. */
function fieldLists(
  name: string,
  option: "indexes" | "uniques",
  value: unknown,
  fields: ReadonlyMap<string, FieldMeta>,
  problems: string[],
): (readonly string[])[] {
  if (value === undefined) return [];
  const example = option === "indexes" ? '[["authorId", "createdAt"]]' : '[["authorId", "slug"]]';
  const valid = `fields: ${[...fields.keys()].join(", ")}`;
  if (!Array.isArray(value)) {
    problems.push(`model "${name}": ${option} takes a list of field-name lists, e.g. ${option}: ${example}`);
    return [];
  }
  const lists: (readonly string[])[] = [];
  for (const [i, list] of value.entries()) {
    const where = `model "${name}": ${option}[${i}]`;
    if (!Array.isArray(list) || list.length === 0) {
      problems.push(`${where} must be a non-empty list of field names (${valid}), e.g. ${option}: ${example}`);
      continue;
    }
    const unknown = list.filter((field) => typeof field !== "string" || !fields.has(field));
    for (const field of unknown) {
      problems.push(
        `${where} names ${typeof field === "string" ? `"${field}"` : String(field)}, which is not one of its fields (${valid})`,
      );
    }
    const twice = list.filter((field, at) => list.indexOf(field) !== at);
    if (twice.length > 0) problems.push(`${where} names "${twice[0]}" twice`);
    if (unknown.length === 0 && twice.length === 0) lists.push([...list]);
  }
  return lists;
}

/** The lifecycle options of a model, resolved against its fields. */
function lifecycle(name: string, options: ModelOptions, fields: ReadonlyMap<string, FieldMeta>, problems: string[]) {
  const timestampField = (option: string, field: string, nullable: boolean): string => {
    const meta = fields.get(field);
    if (!meta) {
      problems.push(
        `model "${name}": ${option} needs the field "${field}"; add ${field}: timestamp()${nullable ? ".nullable()" : ""} to its fields`,
      );
    } else if (meta.config.kind !== "timestamp") {
      problems.push(
        `model "${name}": ${option} fills "${field}", which must be a timestamp(), not ${meta.config.kind}()`,
      );
    } else if (nullable && !meta.config.nullable) {
      problems.push(`model "${name}": ${option} clears "${field}" on restore, so it must be timestamp().nullable()`);
    }
    return field;
  };
  const {
    timestamps,
    softDeletes,
    scopes = {},
    localScopes = {},
    events = {},
    with: defaultWith = [],
    hidden = [],
  } = options;
  if (!Array.isArray(defaultWith) || defaultWith.some((path) => typeof path !== "string" || path === "")) {
    problems.push(`model "${name}": with takes a list of relation paths, e.g. with: ["author"]`);
  }
  let stamps: ModelMeta["timestamps"];
  if (timestamps !== undefined && timestamps !== false) {
    const names =
      timestamps === true ? {} : typeof timestamps === "object" && timestamps !== null ? timestamps : undefined;
    if (!names) problems.push(`model "${name}": timestamps takes true or { createdAt, updatedAt }`);
    else {
      const pick = (key: "createdAt" | "updatedAt") => {
        const given = names[key];
        if (given === false) return undefined;
        return timestampField("timestamps", typeof given === "string" ? given : key, false);
      };
      stamps = { createdAt: pick("createdAt"), updatedAt: pick("updatedAt") };
    }
  }
  let softDelete: string | undefined;
  if (softDeletes !== undefined && softDeletes !== false) {
    const field = softDeletes === true ? "deletedAt" : typeof softDeletes === "object" ? softDeletes?.field : undefined;
    if (typeof field !== "string") problems.push(`model "${name}": softDeletes takes true or { field }`);
    else softDelete = timestampField("softDeletes", field, true);
  }
  if (typeof scopes !== "object" || scopes === null)
    problems.push(`model "${name}": scopes takes { name: (q) => q... }`);
  const scopeMap = new Map<string, (q: any) => unknown>();
  for (const [scope, fn] of Object.entries(scopes ?? {})) {
    if (typeof fn !== "function") problems.push(`model "${name}": scope "${scope}" must be a function (q) => q...`);
    else scopeMap.set(scope, fn);
  }
  if (typeof localScopes !== "object" || localScopes === null)
    problems.push(`model "${name}": localScopes takes { name: (q, ...args) => q... }`);
  const localScopeMap = new Map<string, (q: any, ...args: any[]) => unknown>();
  for (const [scope, fn] of Object.entries(localScopes ?? {})) {
    if (typeof fn !== "function") {
      problems.push(`model "${name}": local scope "${scope}" must be a function (q, ...args) => q...`);
    } else if (PROTOTYPE_NAMES.has(scope)) {
      problems.push(
        `model "${name}": local scope "${scope}" reaches JavaScript's prototype chain; choose another name`,
      );
    } else localScopeMap.set(scope, fn);
  }
  const hiddenSet = new Set<string>();
  if (!Array.isArray(hidden))
    problems.push(`model "${name}": hidden takes a list of field names, e.g. hidden: ["password"]`);
  else {
    for (const field of hidden) {
      if (typeof field !== "string" || !fields.has(field)) {
        problems.push(
          `model "${name}": hidden names ${typeof field === "string" ? `"${field}"` : String(field)}, which is not one of its fields (${[...fields.keys()].join(", ")})`,
        );
      } else hiddenSet.add(field);
    }
  }
  const eventMap = new Map<string, (row: any, context: { readonly db: any }) => unknown>();
  for (const [event, hook] of Object.entries(events ?? {})) {
    if (!(MODEL_EVENTS as readonly string[]).includes(event)) {
      problems.push(`model "${name}": unknown event "${event}"; events are ${MODEL_EVENTS.join(", ")}`);
    } else if (typeof hook !== "function") problems.push(`model "${name}": the ${event} hook must be a function`);
    else eventMap.set(event, hook as (row: any, context: { readonly db: any }) => unknown);
  }
  return {
    timestamps: stamps,
    softDelete,
    scopes: scopeMap,
    localScopes: localScopeMap,
    hidden: hiddenSet,
    visibleFields: [...fields.keys()].filter((field) => !hiddenSet.has(field)),
    events: eventMap,
    defaultWith: Array.isArray(defaultWith) ? [...defaultWith] : [],
  };
}

/**
 * The schema's morph map (schema/morph-map.ts), from the options `morphMap` and
 * `enforceMorphMap`; `finish()` checks enforcement and derives the morph values once the
 * relations are resolved.
 */
function resolveMorphMap(metas: Map<string, MutableModelMeta>, options: SchemaOptions, problems: string[]): MorphMap {
  const { enforceMorphMap = false } = options;
  if (typeof enforceMorphMap !== "boolean") problems.push("defineSchema: enforceMorphMap must be true or false");
  const morphMap = new MorphMap(metas, enforceMorphMap === true);
  problems.push(...morphMap.define(options.morphMap ?? {}));
  return morphMap;
}

function checkTables(metas: Map<string, MutableModelMeta>, problems: string[]): void {
  const byTable = new Map<string, string>();
  for (const meta of metas.values()) {
    const other = byTable.get(meta.table);
    if (other !== undefined) {
      problems.push(`duplicate table "${meta.table}": used by models "${other}" and "${meta.name}"`);
    }
    byTable.set(meta.table, meta.name);
    const byColumn = new Map<string, string>();
    for (const field of meta.fields.values()) {
      const twin = byColumn.get(field.column);
      if (twin !== undefined) {
        problems.push(`model "${meta.name}": fields "${twin}" and "${field.name}" share the column "${field.column}"`);
      }
      byColumn.set(field.column, field.name);
    }
  }
}

function checkForeignKeys(metas: Map<string, MutableModelMeta>, problems: string[]): void {
  for (const meta of metas.values()) {
    for (const fk of meta.foreignKeys) {
      const target = metas.get(fk.targetModel);
      const where = `field "${meta.name}.${fk.field}"`;
      if (!target) {
        problems.push(
          `${where}: references unknown model "${fk.targetModel}" (models: ${[...metas.keys()].join(", ")})`,
        );
      } else if (!target.fields.has(fk.targetField)) {
        problems.push(
          `${where}: references unknown field "${fk.targetModel}.${fk.targetField}" (fields: ${target.fieldNames.join(", ")})`,
        );
      }
    }
  }
}

/**
 * Every key pair the schema joins on must hold the same kind of values (fields.ts
 * `keyTypeMismatch`): foreign key constraints (`references`), then the keys of belongsTo,
 * hasOne/hasMany, many-to-many through a join model, and through relations. Each pair is
 * reported once, naming both fields and their types.
 */
function checkKeyTypes(metas: ReadonlyMap<string, ModelMeta>, problems: string[]): void {
  const seen = new Set<string>();
  const check = (
    relation: string | undefined,
    from: ModelMeta | undefined,
    fromField: string,
    to: ModelMeta | undefined,
    toField: string,
  ) => {
    const a = from?.fields.get(fromField)?.config;
    const b = to?.fields.get(toField)?.config;
    const [source, key] = [`"${from?.name}.${fromField}"`, `"${to?.name}.${toField}"`];
    if (!a || !b || seen.has(`${source} ${key}`)) return;
    seen.add(`${source} ${key}`);
    const why = keyTypeMismatch(a, b, relation === undefined);
    if (!why) return;
    const [typeA, typeB] = [describeFieldType(a), describeFieldType(b)];
    const fix = `declare ${source} as ${keyBuilderFor(b)}${a.kind === "uuid" ? ` (or ${key} as uuid())` : ""}`;
    problems.push(
      relation === undefined
        ? `field ${source} is ${typeA} but references ${key}, which is ${typeB}: ${why}; ${fix}`
        : `${relation}: its key ${source} is ${typeA} but ${key}, the key it points at, is ${typeB}: ${why}; ${fix}`,
    );
  };
  for (const meta of metas.values()) {
    for (const fk of meta.foreignKeys) check(undefined, meta, fk.field, metas.get(fk.targetModel), fk.targetField);
  }
  for (const meta of metas.values()) {
    for (const relation of meta.relations.values()) {
      const label = `relation "${meta.name}.${relation.name}"`;
      const target = "target" in relation ? metas.get(relation.target) : undefined;
      switch (relation.kind) {
        case "belongsTo":
          check(label, meta, relation.foreignKey, target, relation.ownerKey);
          break;
        case "hasOne":
        case "hasMany":
          check(label, target, relation.foreignKey, meta, relation.localKey);
          break;
        case "belongsToMany": {
          const join = relation.pivot.model === undefined ? undefined : metas.get(relation.pivot.model);
          if (!join) break; // a bare pivot's key columns take the types of the keys they hold
          check(label, join, relation.pivot.foreignKey.name, meta, relation.parentKey);
          check(label, join, relation.pivot.relatedKey.name, target, relation.relatedKey);
          break;
        }
        case "hasOneThrough":
        case "hasManyThrough": {
          const through = metas.get(relation.through);
          check(label, through, relation.firstKey, meta, relation.localKey);
          check(label, target, relation.secondKey, through, relation.secondLocalKey);
          break;
        }
        default:
          break; // polymorphic keys may hold the keys of several models, of different types
      }
    }
  }
}
