import { SchemaError } from "../errors.js";
import type { AnyField } from "./fields.js";
import { Field } from "./fields.js";
import type { FieldsShape, ModelDef, ModelOptions, RelationsShape, WithFilled } from "./model.js";
import type { RelationDef } from "./relations.js";

/**
 * A model written as a class (issue 14): its statics declare what `model({ ... })` takes.
 *
 * - `static model`: the model's name (default: the class name with a lower-case first letter,
 *   `BlogPost` -> `blogPost`); `static table` (or seed 003's `static tableName`).
 * - `static fields` / `static relations`: relata's builders; `static schema`: fields and
 *   relations together (seed 003's `column(...)` / `relation(...)`, or relata's builders).
 * - The lifecycle options under their `model()` names: `timestamps`, `softDeletes`, `scopes`,
 *   `localScopes`, `events`, `hidden`, `indexes`, `uniques`; default eager loads are
 *   `static defaultWith` (`with` is the query method).
 *
 * Only the schema layer's view: plain statics read once. The `Model` base class (api/) gives
 * instances their methods.
 */
export interface ClassModelStatics {
  readonly model?: string;
  readonly table?: string;
  readonly tableName?: string;
  readonly fields?: Readonly<Record<string, unknown>>;
  readonly relations?: Readonly<Record<string, unknown>>;
  readonly schema?: Readonly<Record<string, unknown>>;
  readonly connectionName?: string;
}

/** A class a schema can take as a model: a constructor with model statics. */
export type ModelClassLike = (abstract new (...args: any[]) => object) & ClassModelStatics;

/** The entries of a static that are fields (seed 003's `schema` mixes fields and relations). */
type FieldEntries<X> = X extends object
  ? string extends keyof X
    ? {}
    : { readonly [K in keyof X as X[K] extends AnyField ? K : never]: X[K] }
  : {};
/** The entries of a static that are relations. */
type RelationEntries<X> = X extends object
  ? string extends keyof X
    ? {}
    : { readonly [K in keyof X as X[K] extends RelationDef ? K : never]: X[K] }
  : {};
type Static<C, K extends string> = C extends { readonly [P in K]: infer V } ? V : undefined;
type ClassFields<C> = FieldEntries<Static<C, "fields">> & FieldEntries<Static<C, "schema">>;
type Flat<T> = { [K in keyof T]: T[K] } & {};

/**
 * The model definition a class declares, as types: its fields and relations from `static
 * fields` / `relations` / `schema` (timestamps' fields optional on create with `static
 * timestamps = true`), so a schema of classes given by name (`defineSchema({ user: User })`) is
 * typed like one of `model()`s.
 */
export type ClassModelDef<C> = ModelDef<
  Flat<ClassFields<C>> extends infer F extends FieldsShape
    ? Static<C, "timestamps"> extends true
      ? WithFilled<F, "createdAt" | "updatedAt">
      : F
    : never,
  Flat<RelationEntries<Static<C, "relations">> & RelationEntries<Static<C, "schema">>> extends infer R extends
    RelationsShape
    ? R
    : never
>;

/** Where the lifecycle options live on a class: the static's name -> model()'s option. */
const LIFECYCLE: Readonly<Record<string, keyof ModelOptions>> = {
  timestamps: "timestamps",
  softDeletes: "softDeletes",
  scopes: "scopes",
  localScopes: "localScopes",
  events: "events",
  hidden: "hidden",
  indexes: "indexes",
  uniques: "uniques",
  defaultWith: "with",
};

/** Whether `value` is a class relata reads as a model (a function declaring fields or a schema). */
export function isModelClass(value: unknown): value is ModelClassLike {
  if (typeof value !== "function") return false;
  const statics = value as ClassModelStatics;
  return statics.fields !== undefined || statics.schema !== undefined;
}

/** A class model's name: `static model`, or the class name with a lower-case first letter. */
export function classModelName(cls: ModelClassLike): string {
  if (Object.hasOwn(cls, "model") || cls.model !== undefined) {
    if (typeof cls.model !== "string" || cls.model === "") {
      throw new SchemaError([`class ${cls.name || "(anonymous)"}: static model must be a non-empty string`]);
    }
    return cls.model;
  }
  if (!cls.name) throw new SchemaError(['an anonymous class model needs static model = "name"']);
  return cls.name[0]!.toLowerCase() + cls.name.slice(1);
}

const isRelationDef = (value: unknown): value is RelationDef =>
  typeof value === "object" && value !== null && typeof (value as RelationDef).kind === "string" && "options" in value;

/**
 * The model definition a class declares, as `model({ ... })` would build it. Relation targets
 * (and `through`, morphTo `types`) naming a class of `classNames` become that class's model name,
 * so seed 003's `relation("hasMany", "Post")` finds the model `post`.
 */
export function classModelDef(
  cls: ModelClassLike,
  name: string,
  classNames: ReadonlyMap<string, string>,
  problems: string[],
): ModelDef {
  const where = `class ${cls.name || name} (model "${name}")`;
  const table = cls.table ?? cls.tableName;
  if (cls.table !== undefined && cls.tableName !== undefined && cls.table !== cls.tableName) {
    problems.push(`${where}: static table "${cls.table}" and tableName "${cls.tableName}" disagree; keep one`);
  }
  if (table !== undefined && (typeof table !== "string" || table === "")) {
    problems.push(`${where}: static table must be a non-empty string`);
  }
  const fields: Record<string, Field<unknown>> = {};
  const relations: Record<string, RelationDef> = {};
  const take = (
    source: string,
    entries: Readonly<Record<string, unknown>> | undefined,
    allow: "field" | "relation" | "both",
  ) => {
    if (entries === undefined) return;
    if (typeof entries !== "object" || entries === null) {
      problems.push(`${where}: static ${source} must be an object of ${allow === "relation" ? "relations" : "fields"}`);
      return;
    }
    for (const [key, value] of Object.entries(entries)) {
      if (key in fields || key in relations) {
        problems.push(`${where}: "${key}" is declared twice (static fields, relations and schema share one namespace)`);
      } else if (value instanceof Field && allow !== "relation") fields[key] = value;
      else if (isRelationDef(value) && allow !== "field") relations[key] = resolveTargets(value, classNames);
      else {
        const expected =
          allow === "field"
            ? "a field (id(), string(), column(...))"
            : allow === "relation"
              ? "a relation (hasMany(...), relation(...))"
              : "a field or a relation (column(...), relation(...), id(), hasMany(...))";
        problems.push(`${where}: static ${source}.${key} is not ${expected}`);
      }
    }
  };
  take("fields", cls.fields, "field");
  take("schema", cls.schema, "both");
  take("relations", cls.relations, "relation");
  const options: Record<string, unknown> = {};
  for (const [fromStatic, option] of Object.entries(LIFECYCLE)) {
    const value = (cls as unknown as Record<string, unknown>)[fromStatic];
    if (value !== undefined) options[option] = value;
  }
  return { table: table as string | undefined, fields, relations, options };
}

/** A relation with the class names it names turned into model names. */
function resolveTargets(relation: RelationDef, classNames: ReadonlyMap<string, string>): RelationDef {
  const name = (value: unknown) => (typeof value === "string" ? (classNames.get(value) ?? value) : value);
  const options = { ...relation.options };
  if (typeof options.through === "string") options.through = name(options.through);
  if (Array.isArray(options.types)) options.types = options.types.map(name);
  return { ...relation, target: name(relation.target) as string | undefined, options };
}

/**
 * The models of a schema given as classes or a mix: `[User, Post]` (names from the classes) or
 * `{ user: User, tag: model({...}) }`. Returns the definitions and the class of each class model.
 */
export function modelsFromClasses(models: Readonly<Record<string, unknown>> | readonly unknown[]): {
  defs: Record<string, ModelDef>;
  classes: Map<string, ModelClassLike>;
} {
  if (!Array.isArray(models) && !Object.values(models).some(isModelClass)) {
    return { defs: models as Record<string, ModelDef>, classes: new Map() };
  }
  const problems: string[] = [];
  const entries: [string, unknown][] = Array.isArray(models)
    ? models.map((cls, i) => {
        if (!isModelClass(cls)) {
          problems.push(
            `models[${i}] is not a model class (a class with static fields or schema, e.g. class Post extends Model { static fields = { id: id() } })`,
          );
          return [`#${i}`, cls];
        }
        return [classModelName(cls), cls];
      })
    : Object.entries(models);
  const classes = new Map<string, ModelClassLike>();
  const classNames = new Map<string, string>();
  for (const [name, value] of entries) {
    if (!isModelClass(value)) continue;
    if (classes.has(name))
      problems.push(`two classes are the model "${name}": ${classes.get(name)!.name} and ${value.name}`);
    classes.set(name, value);
    if (value.name) classNames.set(value.name, name);
  }
  const defs: Record<string, ModelDef> = {};
  for (const [name, value] of entries) {
    defs[name] = isModelClass(value) ? classModelDef(value, name, classNames, problems) : (value as ModelDef);
  }
  if (problems.length > 0) throw new SchemaError(problems);
  return { defs, classes };
}
