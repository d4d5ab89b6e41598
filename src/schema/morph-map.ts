import { MorphMapError, ValidationError } from "../errors.js";
import type { ModelMeta, MorphMapMeta, MorphOneOrManyMeta, MorphToMeta, PivotMeta } from "./meta.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Targets = Map<string, { readonly model: string; readonly ownerKey: string }>;

/** One thing wrong with a morph map, and the model it is about. */
interface Problem {
  readonly model: string;
  readonly message: string;
}

/**
 * A schema's morph map: the value morph type columns store for each model (its entry, or its
 * name), and back. It is the one source of those values: the metadata that carries them
 * (`ModelMeta.morphAlias`, a morphOne/morphMany's `morphValue`, a morphTo's `targets`, a
 * polymorphic pivot's `morphType.value`, `SchemaMeta.morphAliases`) is derived from it, and
 * derived again, in place, when `db.morphMap(map)` changes it at run time. It belongs to the
 * schema, so a change holds for every db handle (and transaction) of that schema, as Eloquent's
 * `Relation::morphMap` is global.
 */
export class MorphMap implements MorphMapMeta {
  /** model name -> stored value, the entries given. */
  readonly #entries = new Map<string, string>();
  /** stored value -> model name, for every model (an unmapped model stores its name). */
  readonly aliases = new Map<string, string>();

  constructor(
    readonly models: ReadonlyMap<string, ModelMeta>,
    readonly enforce: boolean,
  ) {}

  valueOf(model: string): string {
    return this.#entries.get(model) ?? model;
  }

  modelOf(value: string): string | undefined {
    return this.aliases.get(value);
  }

  entries(): Record<string, string> {
    return Object.fromEntries(this.#entries);
  }

  /**
   * The problems of a map given to defineSchema, as SchemaError problems; the entries that pass
   * are taken (the schema is not built when there is a problem).
   */
  define(map: unknown): string[] {
    const [problems, next] = this.#check(map, true);
    for (const [model, value] of next) this.#entries.set(model, value);
    return problems.map((p) => `morphMap: ${p.message}`);
  }

  /**
   * Once the relations are resolved: with `enforce`, one problem per polymorphic model the map
   * lacks; then every morph value of the metadata is derived from the map.
   */
  finish(): string[] {
    const problems = (this.enforce ? this.#unmapped(this.#entries) : []).map(
      ({ model, by }) =>
        `enforceMorphMap: "${model}" has no morphMap entry, but ${by} stores its type; add ${model}: "..." to the morphMap`,
    );
    this.#derive();
    return problems;
  }

  set(map: unknown, merge: boolean): Record<string, string> {
    const [[problem], next] = this.#check(map, merge);
    if (problem) throw new ValidationError(`db.morphMap: ${problem.message}`, problem.model);
    if (this.enforce) {
      const unmapped = this.#unmapped(next);
      if (unmapped.length > 0) {
        const list = unmapped.map(({ model, by }) => `"${model}" (stored by ${by})`).join(", ");
        throw new MorphMapError(
          `db.morphMap: the schema enforces its morph map (enforceMorphMap), and the new map has no entry for ${list}; nothing was changed.`,
          unmapped[0]!.model,
        );
      }
    }
    this.#entries.clear();
    for (const [model, value] of next) this.#entries.set(model, value);
    this.#derive();
    return this.entries();
  }

  /**
   * Every problem of `map` as the entries (merged into the current ones, or alone), and the
   * entries that would result (those that passed).
   */
  #check(map: unknown, merge: boolean): [Problem[], Map<string, string>] {
    const next = new Map(merge ? this.#entries : []);
    if (typeof map !== "object" || map === null || Array.isArray(map)) {
      return [[{ model: "", message: `takes { model: "stored value" }, got ${describe(map)}` }], next];
    }
    const problems: Problem[] = [];
    for (const [model, value] of Object.entries(map)) {
      if (!this.models.has(model)) {
        problems.push({
          model,
          message: `"${model}" is not a model (models: ${[...this.models.keys()].join(", ")})`,
        });
      } else if (typeof value !== "string" || value === "") {
        problems.push({
          model,
          message: `the value of "${model}" must be a non-empty string, got ${describe(value)}`,
        });
      } else next.set(model, value);
    }
    const owners = new Map<string, string>();
    for (const model of this.models.keys()) {
      const value = next.get(model) ?? model;
      const other = owners.get(value);
      if (other !== undefined) {
        problems.push({ model, message: `models "${other}" and "${model}" share the morph type "${value}"` });
      }
      owners.set(value, model);
    }
    return [problems, next];
  }

  /** The models whose type a polymorphic relation stores, without an entry in `entries` (`by`: the first such relation). */
  #unmapped(entries: ReadonlyMap<string, string>): { model: string; by: string }[] {
    const found = new Map<string, string>();
    const stores = (model: string, by: string) => {
      if (!entries.has(model) && !found.has(model)) found.set(model, by);
    };
    for (const meta of this.models.values()) {
      for (const relation of meta.relations.values()) {
        const label = `${relation.model}.${relation.name} (${relation.kind})`;
        if (relation.kind === "morphOne" || relation.kind === "morphMany" || relation.kind === "morphToMany") {
          stores(relation.model, label);
        } else if (relation.kind === "morphedByMany") stores(relation.target, label);
        else if (relation.kind === "morphTo")
          for (const target of relation.targets.values()) stores(target.model, label);
      }
    }
    return [...found].map(([model, by]) => ({ model, by }));
  }

  /** Sets every morph value the metadata carries from the map. */
  #derive(): void {
    this.aliases.clear();
    for (const meta of this.models.values()) {
      const value = this.valueOf(meta.name);
      (meta as Mutable<ModelMeta>).morphAlias = value;
      this.aliases.set(value, meta.name);
    }
    for (const meta of this.models.values()) {
      for (const relation of meta.relations.values()) {
        if (relation.kind === "morphOne" || relation.kind === "morphMany") {
          (relation as Mutable<MorphOneOrManyMeta>).morphValue = this.valueOf(relation.model);
        } else if (relation.kind === "morphToMany" || relation.kind === "morphedByMany") {
          const morphType = relation.pivot.morphType as Mutable<NonNullable<PivotMeta["morphType"]>> | undefined;
          if (morphType)
            morphType.value = this.valueOf(relation.kind === "morphToMany" ? relation.model : relation.target);
        } else if (relation.kind === "morphTo") {
          const targets = relation.targets as Targets;
          const list = [...targets.values()];
          targets.clear();
          for (const target of list) targets.set(this.valueOf(target.model), target);
          // Not enumerable: the metadata stays plain data to compare and print.
          Object.defineProperty(relation as MorphToMeta, "morphMap", { value: this, configurable: true });
        }
      }
    }
  }
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "an array";
  if (value === null || typeof value !== "object") return String(value);
  return "an object";
}
