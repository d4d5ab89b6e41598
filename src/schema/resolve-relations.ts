import { applyCasing, type Casing } from "./casing.js";
import type { MutableModelMeta } from "./define-schema.js";
import type { FieldConfig } from "./fields.js";
import type { BelongsToManyMeta, ModelMeta, PivotColumn, PivotMeta, PivotTableMeta, RelationMeta } from "./meta.js";
import type { ModelDef } from "./model.js";
import type { PivotFieldsOption, RelationDef, RelationKind } from "./relations.js";

interface Ctx {
  readonly models: Map<string, MutableModelMeta>;
  readonly casing: Casing;
  readonly problems: string[];
  readonly pivots: Map<string, PivotTableMeta & { declaredBy: string }>;
}

/** One relation being resolved: who declares it, its options, and how to report a problem. */
class Declared {
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

/** Returns `meta` when every key in it resolved (problems were reported otherwise). */
function complete<T extends object>(meta: T): { [K in keyof T]: Exclude<T[K], undefined> } | undefined {
  const optional = new Set(["where", "pivotWhere"]);
  for (const [key, value] of Object.entries(meta)) {
    if (value === undefined && !optional.has(key)) return undefined;
  }
  return meta as { [K in keyof T]: Exclude<T[K], undefined> };
}

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
    ...(kind === "hasOne" ? { withDefault: d.withDefault() } : {}),
  }) as RelationMeta | undefined;
}

function resolveMorphOneOrMany(d: Declared, kind: "morphOne" | "morphMany") {
  const target = d.model(d.def.target);
  const morphName = d.opt("morphName");
  if (!target) return;
  if (!morphName) return d.problem("morphName is required");
  const morphType = d.field(target, `${morphName}Type`, "morph type field");
  const morphId = d.field(target, `${morphName}Id`, "morph id field");
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
    ...(kind === "morphOne" ? { withDefault: d.withDefault() } : {}),
  }) as RelationMeta | undefined;
}

function resolveMorphTo(d: Declared) {
  const morphName = d.opt("morphName") ?? d.name;
  const morphType = d.field(d.self, `${morphName}Type`, "morph type field");
  const morphId = d.field(d.self, `${morphName}Id`, "morph id field");
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
  });
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
  }) as RelationMeta | undefined;
}

function resolveBelongsToMany(d: Declared): RelationMeta | undefined {
  const target = d.model(d.def.target);
  if (!target) return;
  const parentKey = d.keyOr(d.self, "parentKey");
  const relatedKey = d.keyOr(target, "relatedKey");
  const fkName = d.opt("foreignPivotKey") ?? `${d.self.name}Id`;
  const rkName = d.opt("relatedPivotKey") ?? `${target.name}Id`;
  if (fkName === rkName) {
    return d.problem(
      `cannot infer the pivot keys: both would be "${fkName}"; give foreignPivotKey and relatedPivotKey (or from/to)`,
    );
  }
  if (!parentKey || !relatedKey) return;
  const throughName = d.opt("through");
  let pivot: PivotMeta | undefined;
  if (throughName !== undefined) {
    const join = d.model(throughName, "through");
    if (!join) return;
    const column = (name: string, role: string): PivotColumn | undefined => {
      const field = d.field(join, name, role) === undefined ? undefined : join.fields.get(name);
      return field && { name, column: field.column, config: field.config };
    };
    const names = d.opt<PivotFieldsOption>("pivotFields") ?? [];
    if (!Array.isArray(names)) return d.problem("with through, pivotFields must list field names of the join model");
    const timestampNames = d.opt<boolean>("timestamps") ? ["createdAt", "updatedAt"] : [];
    const fields = [...(names as readonly string[]), ...timestampNames].map((n) => column(n, "pivot field"));
    const foreignKey = column(fkName, "foreign pivot key");
    const relatedKeyColumn = column(rkName, "related pivot key");
    if (!foreignKey || !relatedKeyColumn || fields.some((f) => !f)) return;
    pivot = {
      table: join.table,
      model: join.name,
      foreignKey,
      relatedKey: relatedKeyColumn,
      morphType: undefined,
      fields: fields as PivotColumn[],
      timestamps: d.opt<boolean>("timestamps") ?? false,
      where: undefined,
    };
  } else {
    const table =
      d.opt("table") ??
      [applyCasing(d.self.name, d.ctx.casing), applyCasing(target.name, d.ctx.casing)].sort().join("_");
    const foreignKey = pivotColumn(d, fkName, keyConfig(d.self, parentKey));
    const relatedKeyColumn = pivotColumn(d, rkName, keyConfig(target, relatedKey));
    pivot = {
      table,
      model: undefined,
      foreignKey,
      relatedKey: relatedKeyColumn,
      morphType: undefined,
      fields: pivotFields(d),
      timestamps: d.opt<boolean>("timestamps") ?? false,
      where: undefined,
    };
    registerPivotTable(d, pivot, [
      { column: foreignKey.column, table: d.self.table, targetColumn: d.self.fields.get(parentKey)!.column },
      { column: relatedKeyColumn.column, table: target.table, targetColumn: target.fields.get(relatedKey)!.column },
    ]);
  }
  return finishPivotRelation(d, "belongsToMany", target, pivot, parentKey, relatedKey);
}

function resolveMorphPivot(d: Declared, kind: "morphToMany" | "morphedByMany"): RelationMeta | undefined {
  const target = d.model(d.def.target);
  const morphName = d.opt("morphName");
  if (!target) return;
  if (!morphName) return d.problem("morphName is required");
  const parentKey = d.keyOr(d.self, "parentKey");
  const relatedKey = d.keyOr(target, "relatedKey");
  if (!parentKey || !relatedKey) return;
  // One side is polymorphic (stored as morphName{Type,Id}); the other has a plain key.
  const [morphSide, morphKey, plainSide, plainKey] =
    kind === "morphToMany" ? [d.self, parentKey, target, relatedKey] : [target, relatedKey, d.self, parentKey];
  const plain = pivotColumn(d, d.opt("foreignPivotKey") ?? `${plainSide.name}Id`, keyConfig(plainSide, plainKey));
  const morphId = pivotColumn(d, `${morphName}Id`, keyConfig(morphSide, morphKey));
  const morphType = {
    ...pivotColumn(d, `${morphName}Type`, { ...keyConfig(morphSide, morphKey), kind: "string", length: 255 }),
    value: morphSide.morphAlias,
  };
  const pivot: PivotMeta = {
    table: d.opt("table") ?? `${applyCasing(morphName, d.ctx.casing)}s`,
    model: undefined,
    foreignKey: kind === "morphToMany" ? morphId : plain,
    relatedKey: kind === "morphToMany" ? plain : morphId,
    morphType,
    fields: pivotFields(d),
    timestamps: d.opt<boolean>("timestamps") ?? false,
    where: undefined,
  };
  registerPivotTable(
    d,
    pivot,
    [{ column: plain.column, table: plainSide.table, targetColumn: plainSide.fields.get(plainKey)!.column }],
    [plain.column, morphId.column, morphType.column],
    [[morphType.column, morphId.column]],
  );
  return finishPivotRelation(d, kind, target, pivot, parentKey, relatedKey);
}

function finishPivotRelation(
  d: Declared,
  kind: BelongsToManyMeta["kind"],
  target: ModelMeta,
  pivot: PivotMeta,
  parentKey: string,
  relatedKey: string,
): BelongsToManyMeta {
  const pivotWhere = d.opt<Record<string, unknown>>("pivotWhere");
  const pivotNames = new Set([
    pivot.foreignKey.name,
    pivot.relatedKey.name,
    ...(pivot.morphType ? [pivot.morphType.name] : []),
    ...pivot.fields.map((f) => f.name),
  ]);
  for (const field of Object.keys(pivotWhere ?? {})) {
    if (!pivotNames.has(field)) {
      d.problem(`pivotWhere field "${field}" is not a pivot field (pivot fields: ${[...pivotNames].join(", ")})`);
    }
  }
  return {
    kind,
    name: d.name,
    model: d.self.name,
    target: target.name,
    pivot: { ...pivot, where: pivotWhere },
    parentKey,
    relatedKey,
    where: d.where(target),
  };
}

/** The column config of a key pointing at `model.field`: same type, never generated. */
function keyConfig(model: ModelMeta, field: string): FieldConfig {
  const config = model.fields.get(field)!.config;
  return {
    kind: config.kind === "id" ? "integer" : config.kind,
    nullable: false,
    unique: false,
    primary: false,
    index: false,
    autoIncrement: false,
    ...(config.length === undefined ? {} : { length: config.length }),
    ...(config.bigintMode === undefined ? {} : { bigintMode: config.bigintMode }),
  };
}

function pivotColumn(d: Declared, name: string, config: FieldConfig): PivotColumn {
  return { name, column: applyCasing(name, d.ctx.casing), config };
}

function pivotFields(d: Declared): PivotColumn[] {
  const option = d.opt<PivotFieldsOption>("pivotFields") ?? [];
  const nullableString: FieldConfig = {
    kind: "string",
    length: 255,
    nullable: true,
    unique: false,
    primary: false,
    index: false,
    autoIncrement: false,
  };
  const fields = Array.isArray(option)
    ? (option as readonly string[]).map((name) => pivotColumn(d, name, nullableString))
    : Object.entries(option).map(([name, field]) => ({
        name,
        column: field.config.column ?? applyCasing(name, d.ctx.casing),
        config: field.config,
      }));
  if (d.opt<boolean>("timestamps")) {
    const timestamp: FieldConfig = { ...nullableString, kind: "timestamp", length: undefined };
    fields.push(pivotColumn(d, "createdAt", timestamp), pivotColumn(d, "updatedAt", timestamp));
  }
  return fields;
}

/** Records a bare pivot table for push(); both sides of a relation may declare the same one. */
function registerPivotTable(
  d: Declared,
  pivot: PivotMeta,
  foreignKeys: PivotTableMeta["foreignKeys"],
  primaryKey = [pivot.foreignKey.column, pivot.relatedKey.column],
  indexes: (readonly string[])[] = [[primaryKey[1]!]],
): void {
  const tableOwner = [...d.ctx.models.values()].find((m) => m.table === pivot.table);
  if (tableOwner) {
    d.problem(
      `pivot table "${pivot.table}" is the table of model "${tableOwner.name}"; use through: "${tableOwner.name}"`,
    );
    return;
  }
  const columns = [pivot.foreignKey, pivot.relatedKey, ...(pivot.morphType ? [pivot.morphType] : []), ...pivot.fields];
  const existing = d.ctx.pivots.get(pivot.table);
  if (!existing) {
    d.ctx.pivots.set(pivot.table, {
      table: pivot.table,
      columns,
      primaryKey,
      foreignKeys,
      indexes,
      declaredBy: d.label,
    });
    return;
  }
  const keys = (cols: readonly string[]) => [...cols].sort().join(", ");
  if (keys(existing.primaryKey) !== keys(primaryKey)) {
    d.problem(
      `pivot table "${pivot.table}" has keys (${keys(primaryKey)}) here but (${keys(existing.primaryKey)}) in ${existing.declaredBy}`,
    );
    return;
  }
  const known = new Set(existing.columns.map((c) => c.column));
  const foreignKnown = new Set(existing.foreignKeys.map((f) => f.column));
  d.ctx.pivots.set(pivot.table, {
    ...existing,
    columns: [...existing.columns, ...columns.filter((c) => !known.has(c.column))],
    foreignKeys: [...existing.foreignKeys, ...foreignKeys.filter((f) => !foreignKnown.has(f.column))],
  });
}

function addMorphPair(model: MutableModelMeta, type: string, id: string): void {
  if (!model.morphPairs.some(([t, i]) => t === type && i === id)) model.morphPairs.push([type, id]);
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
        const resolver = resolvers[relation.kind];
        if (!resolver) {
          declared.problem(`unknown relation kind "${relation.kind}"`);
          continue;
        }
        const meta = resolver(declared);
        if (meta) self.relations.set(name, meta);
      }
    }
  }
  return new Map([...ctx.pivots].map(([table, { declaredBy: _, ...meta }]) => [table, meta]));
}
