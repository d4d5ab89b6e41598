import type { Casing } from "./casing.js";
import type { HasRelationMeta, ModelMeta, PivotTableMeta, RelationMeta } from "./meta.js";
import type { ModelDef } from "./model.js";
import { addMorphPair, type Ctx, complete, Declared, type MutableModelMeta } from "./relation-context.js";
import { RELATION_OPTIONS, type RelationDef, type RelationKind } from "./relations.js";
import { resolveBelongsToMany, resolveMorphPivot } from "./resolve-pivots.js";

type Resolver = (d: Declared) => RelationMeta | undefined;

const resolvers: Record<RelationKind, Resolver> = {
  hasOne: (d) => resolveHas(d, "hasOne"),
  hasMany: (d) => resolveHas(d, "hasMany"),
  belongsTo(d) {
    const target = d.model(d.def.target);
    if (!target) return;
    const conventional = [`${d.name}Id`, `${target.name}Id`];
    const foreignKey = d.opt("foreignKey") ?? conventional.find((f) => d.self.fields.has(f)) ?? conventional[0]!;
    const meta = {
      kind: "belongsTo" as const,
      name: d.name,
      model: d.self.name,
      target: target.name,
      foreignKey: d.field(d.self, foreignKey, "foreignKey"),
      ownerKey: d.keyOr(target, "ownerKey"),
      where: d.where(target),
      withDefault: d.withDefault(),
      ...(touches(d, target) ? { touches: true } : {}),
    };
    return complete(meta);
  },
  belongsToMany: resolveBelongsToMany,
  morphToMany: (d) => resolveMorphPivot(d, "morphToMany"),
  morphedByMany: (d) => resolveMorphPivot(d, "morphedByMany"),
  morphOne: (d) => resolveMorphOneOrMany(d, "morphOne"),
  morphMany: (d) => resolveMorphOneOrMany(d, "morphMany"),
  morphTo: resolveMorphTo,
  hasOneThrough: (d) => resolveThrough(d, "hasOneThrough"),
  hasManyThrough: (d) => resolveThrough(d, "hasManyThrough"),
};

function resolveHas(d: Declared, kind: "hasOne" | "hasMany") {
  const target = d.model(d.def.target);
  if (!target) return;
  return complete({
    kind,
    name: d.name,
    model: d.self.name,
    target: target.name,
    foreignKey: d.field(target, d.opt("foreignKey") ?? `${d.self.name}Id`, "foreignKey"),
    localKey: d.keyOr(d.self, "localKey"),
    where: d.where(target),
    ...(kind === "hasOne" ? { withDefault: d.withDefault(), ...ofMany(d, target) } : {}),
  }) as RelationMeta | undefined;
}

function resolveMorphOneOrMany(d: Declared, kind: "morphOne" | "morphMany") {
  const target = d.model(d.def.target);
  const morphName = d.opt("morphName");
  if (!target) return;
  if (!morphName) return d.problem("morphName is required");
  const { morphType, morphId } = morphFields(d, target, morphName);
  if (morphType && morphId) addMorphPair(target, morphType, morphId);
  return complete({
    kind,
    name: d.name,
    model: d.self.name,
    target: target.name,
    morphType,
    morphId,
    morphValue: d.self.morphAlias,
    localKey: d.keyOr(d.self, "localKey"),
    where: d.where(target),
    ...(kind === "morphOne" ? { withDefault: d.withDefault(), ...ofMany(d, target) } : {}),
  }) as RelationMeta | undefined;
}

function resolveMorphTo(d: Declared) {
  const morphName = d.opt("morphName") ?? d.name;
  const { morphType, morphId } = morphFields(d, d.self, morphName);
  if (morphType && morphId) addMorphPair(d.self, morphType, morphId);
  const declared = d.opt<readonly string[]>("types");
  const names =
    declared ??
    [...d.ctx.models.values()]
      .filter((m) =>
        [...m.relations.values()].some(
          (r) => (r.kind === "morphOne" || r.kind === "morphMany") && r.target === d.self.name && r.morphId === morphId,
        ),
      )
      .map((m) => m.name);
  if (names.length === 0) {
    return d.problem(
      `morphTo has no possible targets: pass types: [...] or declare morphOne/morphMany("${d.self.name}", { morphName: "${morphName}" }) on them`,
    );
  }
  const targets = new Map<string, { model: string; ownerKey: string }>();
  for (const name of names) {
    const target = d.model(name, "morph");
    const ownerKey = target && d.primaryKey(target, "a single primary key on every morph target");
    if (target && ownerKey) targets.set(target.morphAlias, { model: target.name, ownerKey });
  }
  return complete({
    kind: "morphTo" as const,
    name: d.name,
    model: d.self.name,
    morphType,
    morphId,
    targets,
    // Which target's fields it names depends on the row's type, so it is checked when used.
    where: d.opt<Record<string, unknown>>("where"),
    withDefault: d.withDefault(),
    ...(touches(d) ? { touches: true } : {}),
  });
}

/**
 * The type and id fields of a morph relation on `model` (the target of a morphOne/morphMany, the
 * declaring model of a morphTo), each found as: the `typeField` / `idField` option, else
 * `${morphName}Type` / `${morphName}Id`, else `${morphName}_type` / `${morphName}_id` (a model
 * whose fields are named in snake case, as seed 003's `commentable_type`).
 */
function morphFields(d: Declared, model: ModelMeta, morphName: string): { morphType?: string; morphId?: string } {
  const find = (which: "type" | "id"): string | undefined => {
    const option = `${which}Field`;
    const given = d.opt<unknown>(option);
    if (given !== undefined) {
      if (typeof given === "string" && given !== "") return d.field(model, given, option);
      return d.problem(`${option} takes the name of a field of "${model.name}", got ${JSON.stringify(given)}`);
    }
    const candidates = [`${morphName}${which === "type" ? "Type" : "Id"}`, `${morphName}_${which}`];
    const found = candidates.find((field) => model.fields.has(field));
    if (found !== undefined) return found;
    return d.problem(
      `morph ${which} field: neither "${model.name}.${candidates[0]}" nor "${model.name}.${candidates[1]}" exists; name the field with the ${option} option (fields of ${model.name}: ${model.fieldNames.join(", ")})`,
    );
  };
  return { morphType: find("type"), morphId: find("id") };
}

/** The `touches` option: a boolean; a belongsTo's owner must have the updatedAt it sets. */
function touches(d: Declared, target?: { name: string; timestamps: unknown }): boolean {
  const value = d.opt<unknown>("touches");
  if (value === undefined || value === false) return false;
  if (value !== true) {
    d.problem("touches takes true or false");
    return false;
  }
  const stamps = target?.timestamps as { updatedAt?: string } | undefined;
  if (target && !stamps?.updatedAt) {
    d.problem(
      `touches sets "${target.name}.updatedAt", but "${target.name}" has no timestamps option with an updatedAt`,
    );
  }
  return true;
}

function resolveThrough(d: Declared, kind: "hasOneThrough" | "hasManyThrough") {
  const target = d.model(d.def.target);
  const through = d.model(d.opt("through"), "through");
  if (!target || !through) return;
  return complete({
    kind,
    name: d.name,
    model: d.self.name,
    target: target.name,
    through: through.name,
    firstKey: d.field(through, d.opt("firstKey") ?? `${d.self.name}Id`, "firstKey"),
    secondKey: d.field(target, d.opt("secondKey") ?? `${through.name}Id`, "secondKey"),
    localKey: d.keyOr(d.self, "localKey"),
    secondLocalKey: d.keyOr(through, "secondLocalKey"),
    where: d.where(target),
    ...(kind === "hasOneThrough" ? ofMany(d, target) : {}),
  }) as RelationMeta | undefined;
}

/**
 * The `ofMany` option of hasOne, morphOne and hasOneThrough: `"latest"` / `"oldest"` (the
 * target's primary key, max / min, as Eloquent's latestOfMany / oldestOfMany) or
 * `{ field: "max" | "min" }` for one field of the target. The target needs a single primary key
 * (it breaks ties and names the chosen row); a json field has no order to choose by.
 */
function ofMany(d: Declared, target: ModelMeta): { ofMany?: NonNullable<HasRelationMeta["ofMany"]> } {
  const value = d.opt<unknown>("ofMany");
  if (value === undefined) return {};
  const valid = `ofMany takes "latest", "oldest" or { field: "max" | "min" } with one field of "${target.name}"`;
  if (target.primaryKey.length !== 1) {
    if (target.primaryKey.length > 1) {
      d.problem(`ofMany needs a single primary key on "${target.name}" (it breaks ties); it has a composite one`);
    }
    return {};
  }
  const key = target.primaryKey[0]!;
  if (value === "latest" || value === "oldest")
    return { ofMany: { field: key, direction: value === "latest" ? "max" : "min" } };
  const entries = typeof value === "object" && value !== null && !Array.isArray(value) ? Object.entries(value) : [];
  if (entries.length !== 1) {
    d.problem(`${valid}, not ${typeof value === "string" ? `"${value}"` : JSON.stringify(value)}`);
    return {};
  }
  const [field, aggregate] = entries[0]!;
  if (aggregate !== "max" && aggregate !== "min") {
    d.problem(
      `ofMany aggregate ${JSON.stringify(aggregate)} on "${field}" is not one it takes: "max" or "min" (${valid})`,
    );
    return {};
  }
  if (!d.field(target, field, "ofMany field")) return {};
  if (target.fields.get(field)!.config.kind === "json") {
    d.problem(`ofMany field "${target.name}.${field}" is json(), which has no order to choose by; name another field`);
    return {};
  }
  return { ofMany: { field, direction: aggregate } };
}

/**
 * Resolves every relation of every model into `RelationMeta` (keys inferred by convention,
 * then checked), filling `meta.relations`; returns the bare pivot tables push() must create.
 */
export function resolveRelations(
  defs: Record<string, ModelDef<any, any>>,
  models: Map<string, MutableModelMeta>,
  casing: Casing,
  problems: string[],
): Map<string, PivotTableMeta> {
  const ctx: Ctx = { models, casing, problems, pivots: new Map() };
  // morphTo infers its targets from the morphOne/morphMany relations, so it goes last.
  for (const pass of ["others", "morphTo"] as const) {
    for (const [modelName, def] of Object.entries(defs)) {
      const self = models.get(modelName)!;
      for (const [name, relation] of Object.entries(def.relations) as [string, RelationDef][]) {
        if ((relation.kind === "morphTo") !== (pass === "morphTo")) continue;
        const declared = new Declared(ctx, self, name, relation);
        if (self.fields.has(name)) {
          declared.problem(`has the same name as a field of "${modelName}"; rename one of them`);
          continue;
        }
        if (name === "__proto__" || name === "constructor" || name === "prototype") {
          declared.problem("the name reaches JavaScript's prototype chain; choose another");
          continue;
        }
        const resolver = resolvers[relation.kind];
        if (!resolver) {
          declared.problem(`unknown relation kind "${relation.kind}"`);
          continue;
        }
        const known = RELATION_OPTIONS[relation.kind];
        const unknown = Object.keys(relation.options).filter(
          (key) => relation.options[key] !== undefined && !known.includes(key),
        );
        if (unknown.length > 0) {
          declared.problem(
            `unknown option${unknown.length === 1 ? "" : "s"} ${unknown.map((k) => `"${k}"`).join(", ")}; ${relation.kind} takes ${known.join(", ")}`,
          );
        }
        const meta = resolver(declared);
        if (meta) self.relations.set(name, Object.assign(meta, ruleOptions(declared, meta, ctx)));
      }
    }
  }
  return new Map([...ctx.pivots].map(([table, { declaredBy: _, ...meta }]) => [table, meta]));
}

/**
 * The relation options that change the related model's rule on reads through the relation:
 * `withTrashed` (the target must soft-delete) and `withoutGlobalScopes`, set only when true.
 */
function ruleOptions(d: Declared, meta: RelationMeta, ctx: Ctx): { withTrashed?: true; withoutGlobalScopes?: true } {
  const out: { withTrashed?: true; withoutGlobalScopes?: true } = {};
  for (const option of ["withTrashed", "withoutGlobalScopes"] as const) {
    const value = d.opt<unknown>(option);
    if (value === undefined || value === false) continue;
    if (value !== true) d.problem(`${option} takes true or false`);
    else out[option] = true;
  }
  if (out.withTrashed) {
    const targets = meta.kind === "morphTo" ? [...meta.targets.values()].map((t) => t.model) : [meta.target];
    if (!targets.some((model) => ctx.models.get(model)?.softDelete !== undefined)) {
      d.problem(`withTrashed reads trashed "${targets.join(", ")}" rows, but none of them has the softDeletes option`);
    }
  }
  return out;
}
