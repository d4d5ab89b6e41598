import type { Casing } from "./casing.js";
import type { ModelMeta, PivotTableMeta } from "./meta.js";

/** ModelMeta while it is being built: relations and morph pairs are filled in later. */
export type MutableModelMeta = ModelMeta & {
  relations: Map<string, ModelMeta["relations"] extends ReadonlyMap<string, infer R> ? R : never>;
  morphPairs: (readonly [string, string])[];
  morphAlias: string;
};

import type { RelationDef } from "./relations.js";

/** What resolving one schema's relations shares: the models, the casing, problems found, pivot tables. */
export interface Ctx {
  readonly models: Map<string, MutableModelMeta>;
  readonly casing: Casing;
  readonly problems: string[];
  readonly pivots: Map<string, PivotTableMeta & { declaredBy: string }>;
}

/** One relation being resolved: who declares it, its options, and how to report a problem. */
export class Declared {
  constructor(
    readonly ctx: Ctx,
    readonly self: MutableModelMeta,
    readonly name: string,
    readonly def: RelationDef,
  ) {}

  get label(): string {
    return `relation "${this.self.name}.${this.name}"`;
  }

  opt<T = string>(key: string): T | undefined {
    return this.def.options[key] as T | undefined;
  }

  problem(message: string): undefined {
    this.ctx.problems.push(`${this.label}: ${message}`);
    return undefined;
  }

  model(name: string | undefined, role = "target"): MutableModelMeta | undefined {
    const found = name === undefined ? undefined : this.ctx.models.get(name);
    if (!found) {
      this.problem(`unknown ${role} model "${name}" (models: ${[...this.ctx.models.keys()].join(", ")})`);
    }
    return found;
  }

  /** Checks `field` exists on `model`; `role` names the option in the message. */
  field(model: ModelMeta, field: string, role: string): string | undefined {
    if (model.fields.has(field)) return field;
    return this.problem(
      `${role} "${model.name}.${field}" does not exist (fields of ${model.name}: ${model.fieldNames.join(", ")})`,
    );
  }

  /** The single primary key of `model`, used when a key option is omitted. */
  primaryKey(model: ModelMeta, option: string): string | undefined {
    if (model.primaryKey.length === 1) return model.primaryKey[0];
    if (model.primaryKey.length === 0) return undefined; // already reported for the model
    return this.problem(`"${model.name}" has a composite primary key; give ${option} explicitly`);
  }

  /** The key named by `option`, else `model`'s primary key; checked to exist. */
  keyOr(model: ModelMeta, option: string): string | undefined {
    const key = this.opt(option) ?? this.primaryKey(model, option);
    return key === undefined ? undefined : this.field(model, key, option);
  }

  withDefault(): boolean | Readonly<Record<string, unknown>> {
    return this.opt<boolean | Record<string, unknown>>("withDefault") ?? false;
  }

  where(target: ModelMeta, key = "where"): Readonly<Record<string, unknown>> | undefined {
    const where = this.opt<Record<string, unknown>>(key);
    for (const field of Object.keys(where ?? {})) this.field(target, field, `${key} field`);
    return where;
  }
}

/** Returns `meta` when every key in it resolved (problems were reported otherwise). */
export function complete<T extends object>(meta: T): { [K in keyof T]: Exclude<T[K], undefined> } | undefined {
  const optional = new Set(["where", "pivotWhere"]);
  for (const [key, value] of Object.entries(meta)) {
    if (value === undefined && !optional.has(key)) return undefined;
  }
  return meta as { [K in keyof T]: Exclude<T[K], undefined> };
}

export function addMorphPair(model: MutableModelMeta, type: string, id: string): void {
  if (!model.morphPairs.some(([t, i]) => t === type && i === id)) model.morphPairs.push([type, id]);
}
