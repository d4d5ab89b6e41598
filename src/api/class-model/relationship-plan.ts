/**
 * What a `RelationshipFactory` relation resolves to: its options (checked), its keys (given, or
 * predicted from the model names) and, for belongsToMany, its junction. Resolved once per source
 * model, target and options; the handles (relationship-handles.ts, relationship-pivot.ts) read it.
 */
import { SchemaError, ValidationError } from "../../errors.js";
import type { ModelMeta, SchemaMeta } from "../../schema/meta.js";
import { resolveClass } from "./connections.js";
import { Model, resolveInstance } from "./model.js";

export type Values = Record<string, unknown>;
export type Kind = "hasMany" | "hasOne" | "belongsTo" | "belongsToMany";
export type Pairs = readonly (readonly [string, string])[];

/** A key pair read the other way round. */
export const flip = ([a, b]: readonly [string, string]): [string, string] => [b, a];

/** A class model whose instances are `T` (what `targetModel` takes: `Comment`). */
export type ModelClassOf<T extends Model> = abstract new (...args: never[]) => T;

/** What `RelationshipFactory.createHasMany / createHasOne / createBelongsTo` take. */
export interface RelationshipOptions<S extends Model, T extends Model> {
  /** The instance the relation starts from: `this` in a method of its class. */
  readonly source: S;
  /** The class of the related rows; a model of the db the source uses. */
  readonly targetModel: ModelClassOf<T>;
  /**
   * A source field -> the target field it matches: hasMany Post -> Comment `{ id: "post_id" }`,
   * belongsTo Comment -> Post `{ post_id: "id" }`; several entries make a composite key.
   * Default: predicted from the model names (`post_id` or `postId`, to the primary key).
   */
  readonly sourceToTargetKeyAssociation?: Readonly<Record<string, string>>;
}

/** What `RelationshipFactory.createBelongsToMany` takes: rows linked through a junction table. */
export interface BelongsToManyOptions<S extends Model, T extends Model> {
  /** The instance the relation starts from: `this` in a method of its class. */
  readonly source: S;
  /** The class of the related rows; a model of the db the source uses. */
  readonly targetModel: ModelClassOf<T>;
  /** The junction table (default: both model names in snake_case, sorted, joined by "_": `post_tag`). */
  readonly junctionTable?: string;
  /** The junction as a class model (instead of `junctionTable`): its rows are written through it. */
  readonly junctionModel?: ModelClassOf<Model>;
  /** A source field -> the junction field holding it (default `{ id: "post_id" }`, or `postId` if the junction has that). */
  readonly sourceToJunctionKeyAssociation?: Readonly<Record<string, string>>;
  /** A junction field -> the target field it holds (default `{ tag_id: "id" }`, or `tagId`). */
  readonly junctionToTargetKeyAssociation?: Readonly<Record<string, string>>;
}

/** What associate / dissociate / unlink take. */
export interface SyncOptions {
  /** false: change the objects in memory only, for the caller to `save()`. Default true. */
  readonly sync?: boolean;
}

/** Values a related instance can be created with: its attributes (unknown fields are a ValidationError). */
export type RelatedValues<T> = {
  readonly [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]?: T[K];
} & Readonly<Values>;

/** What a relation resolved to, once per source model, target and options. */
export interface Plan {
  readonly label: string;
  readonly source: ModelMeta;
  readonly target: ModelMeta;
  /** [source field, target field] (belongsToMany: none). */
  readonly pairs: Pairs;
  readonly junction?: Junction;
}

/** The junction of a belongsToMany. */
export interface Junction {
  readonly table: string;
  /** The junction's model when it is one: its rows are written through `db.<model>`. */
  readonly model: ModelMeta | undefined;
  /** A junction field's column. */
  readonly column: (field: string) => string;
  /** [source field, junction field]. */
  readonly fromSource: Pairs;
  /** [junction field, target field]. */
  readonly toTarget: Pairs;
}

const BASE_OPTIONS = ["source", "targetModel"];
const OPTIONS: Record<Kind, readonly string[]> = {
  hasMany: [...BASE_OPTIONS, "sourceToTargetKeyAssociation"],
  hasOne: [...BASE_OPTIONS, "sourceToTargetKeyAssociation"],
  belongsTo: [...BASE_OPTIONS, "sourceToTargetKeyAssociation"],
  belongsToMany: [
    ...BASE_OPTIONS,
    "junctionTable",
    "junctionModel",
    "sourceToJunctionKeyAssociation",
    "junctionToTargetKeyAssociation",
  ],
};
const STT = "sourceToTargetKeyAssociation";
const plans = new WeakMap<ModelMeta, Map<string, Plan>>();

/** `blogPost`, `BlogPost`, `blog_post` -> ["blog", "post"]. */
const words = (name: string) =>
  name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
const snake = (name: string) => words(name).join("_");
const camel = (name: string) =>
  words(name)
    .map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1)))
    .join("");

/** Checks the options and resolves the relation's keys (cached per source model and options). */
export function planOf(kind: Kind, options: unknown): Plan {
  const where = `RelationshipFactory.create${kind[0]!.toUpperCase()}${kind.slice(1)}`;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ValidationError(`${where}({ source, targetModel }) takes an options object.`, "");
  }
  const unknown = Object.keys(options).filter((key) => !OPTIONS[kind].includes(key));
  if (unknown.length > 0) {
    throw new ValidationError(
      `${where}: unknown option ${unknown.join(", ")}; valid: ${OPTIONS[kind].join(", ")}.`,
      "",
    );
  }
  const { source, targetModel, ...rest } = options as Values;
  if (!(source instanceof Model)) {
    throw new ValidationError(`${where}: source must be an instance of a class model (this, in its method).`, "");
  }
  const { session, meta: sourceMeta } = resolveInstance(source);
  const modelOf = (cls: unknown, option: string): ModelMeta => {
    if (typeof cls !== "function" || !(cls.prototype instanceof Model)) {
      throw new ValidationError(`${where}: ${option} must be a class model (class X extends Model).`, sourceMeta.name);
    }
    const meta = [...session.schema.meta.models.values()].find((m) => m.modelClass === cls);
    if (!meta || resolveClass(cls).session.root !== session.root) {
      throw new ValidationError(
        `${where}: ${option} ${cls.name} is not a model of the db "${sourceMeta.name}" uses; list both in the same createDb({ models: [...] }).`,
        sourceMeta.name,
      );
    }
    return meta;
  };
  const target = modelOf(targetModel, "targetModel");
  const junctionModel = rest.junctionModel === undefined ? undefined : modelOf(rest.junctionModel, "junctionModel");
  const cacheKey = JSON.stringify([kind, target.name, { ...rest, junctionModel: junctionModel?.name }]);
  let cached = plans.get(sourceMeta);
  if (!cached) {
    cached = new Map();
    plans.set(sourceMeta, cached);
  }
  const known = cached.get(cacheKey);
  if (known) return known;
  const label = `${where}(${sourceMeta.name} -> ${target.name})`;
  const association = rest[STT];
  const plan: Plan =
    kind === "belongsToMany"
      ? {
          label,
          source: sourceMeta,
          target,
          pairs: [],
          junction: junctionOf(label, rest, session.schema.meta, sourceMeta, target, junctionModel),
        }
      : {
          label,
          source: sourceMeta,
          target,
          pairs:
            association !== undefined
              ? checked(label, STT, association, sideOf(sourceMeta), sideOf(target))
              : kind === "belongsTo"
                ? [flip(predict(label, STT, target, sideOf(sourceMeta)))]
                : [predict(label, STT, sourceMeta, sideOf(target))],
        };
  cached.set(cacheKey, plan);
  return plan;
}

/** One side of a key as the checks see it: a model, or a junction table (fields unknown: no model or pivot of the schema). */
interface Side {
  readonly name: string;
  readonly fields: readonly string[] | undefined;
}
const sideOf = (meta: ModelMeta): Side => ({ name: meta.name, fields: meta.fieldNames });

/** The pairs of an association option, every field checked to exist on its side. */
function checked(label: string, option: string, association: unknown, from: Side, to: Side): [string, string][] {
  if (typeof association !== "object" || association === null || Array.isArray(association)) {
    throw new ValidationError(`${label}: ${option} must be an object { field: "field" }.`, from.name);
  }
  const pairs = Object.entries(association);
  const problems: string[] = [];
  if (pairs.length === 0) problems.push(`${label}: ${option} names no fields`);
  const check = (side: Side, field: unknown) => {
    if (typeof field !== "string" || (side.fields && !side.fields.includes(field))) {
      const valid = side.fields ? ` (fields: ${side.fields.join(", ")})` : "";
      problems.push(`${label}: ${JSON.stringify(field)} is not a field of "${side.name}"${valid}`);
    }
  };
  for (const [from_, to_] of pairs) {
    check(from, from_);
    check(to, to_);
  }
  if (problems.length > 0) throw new SchemaError(problems);
  return pairs as [string, string][];
}

/**
 * neko's key prediction: the field of `holder` named `${owner}_${pk}` or `${owner}${Pk}`
 * (`post_id` / `postId`), as [owner's primary key, that field]. Fields unknown: the snake_case one.
 */
function predict(label: string, option: string, owner: ModelMeta, holder: Side): [string, string] {
  const [pk, ...rest] = owner.primaryKey;
  if (pk === undefined || rest.length > 0) {
    throw new SchemaError([
      `${label}: "${owner.name}" has no single primary key to predict the key from; set ${option}`,
    ]);
  }
  const candidates = [...new Set([`${snake(owner.name)}_${snake(pk)}`, camel(`${owner.name}_${pk}`)])];
  if (!holder.fields) return [pk, candidates[0]!];
  const found = candidates.filter((name) => holder.fields!.includes(name));
  if (found.length !== 1) {
    const names = candidates.map((c) => `"${c}"`).join(found.length === 0 ? " nor " : " and ");
    throw new SchemaError([
      `${label}: cannot predict the key: "${holder.name}" has ${found.length === 0 ? "neither" : "both"} ${names}; set ${option} (fields of "${holder.name}": ${holder.fields.join(", ")})`,
    ]);
  }
  return [pk, found[0]!];
}

/** A belongsToMany's junction: a class model, a model's or pivot's table of the schema, or a table it does not know. */
function junctionOf(
  label: string,
  options: Values,
  schema: SchemaMeta,
  source: ModelMeta,
  target: ModelMeta,
  given: ModelMeta | undefined,
): Junction {
  const { junctionTable } = options;
  if (junctionTable !== undefined && (given || typeof junctionTable !== "string" || junctionTable === "")) {
    throw new ValidationError(
      `${label}: junctionTable must be a table name, and not given with junctionModel.`,
      source.name,
    );
  }
  const table =
    given?.table ?? (junctionTable as string | undefined) ?? [snake(source.name), snake(target.name)].sort().join("_");
  const model = given ?? [...schema.models.values()].find((m) => m.table === table);
  const pivot = model ? undefined : schema.pivotTables.get(table);
  const columns = model
    ? new Map([...model.fields.values()].map((f) => [f.name, f.column]))
    : pivot && new Map(pivot.columns.flatMap((c) => [[c.name, c.column] as const, [c.column, c.column] as const]));
  const side: Side = { name: model?.name ?? table, fields: columns && [...columns.keys()] };
  const s2j = "sourceToJunctionKeyAssociation";
  const j2t = "junctionToTargetKeyAssociation";
  const fromSource =
    options[s2j] === undefined
      ? [predict(label, s2j, source, side)]
      : checked(label, s2j, options[s2j], sideOf(source), side);
  const toTarget =
    options[j2t] === undefined
      ? [flip(predict(label, j2t, target, side))]
      : checked(label, j2t, options[j2t], side, sideOf(target));
  return { table, model, column: (f) => columns?.get(f) ?? f, fromSource, toTarget };
}
