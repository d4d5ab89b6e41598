import { applyCasing } from "./casing.js";
import type { FieldConfig } from "./fields.js";
import type { BelongsToManyMeta, ModelMeta, PivotColumn, PivotMeta, PivotTableMeta, RelationMeta } from "./meta.js";
import type { Declared } from "./relation-context.js";
import type { PivotFieldsOption } from "./relations.js";

export function resolveBelongsToMany(d: Declared): RelationMeta | undefined {
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

export function resolveMorphPivot(d: Declared, kind: "morphToMany" | "morphedByMany"): RelationMeta | undefined {
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
  const withPivotValue = pivotValues(d, pivot, pivotWhere);
  const where = pivotWhere || withPivotValue ? { ...pivotWhere, ...withPivotValue } : undefined;
  return {
    kind,
    name: d.name,
    model: d.self.name,
    target: target.name,
    pivot: { ...pivot, where },
    parentKey,
    relatedKey,
    where: d.where(target),
    accessor: pivotAccessor(d, target),
  };
}

/**
 * The `withPivotValue` option, checked: an object of values of the relation's pivot fields
 * (`pivotFields`, not its keys), agreeing with `pivotWhere` where both name a field.
 */
function pivotValues(
  d: Declared,
  pivot: PivotMeta,
  pivotWhere: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  const option = d.opt<unknown>("withPivotValue");
  if (option === undefined) return undefined;
  if (typeof option !== "object" || option === null || Array.isArray(option)) {
    d.problem("withPivotValue takes an object of pivot field values, e.g. { active: true }");
    return undefined;
  }
  const fields = pivot.fields.map((f) => f.name);
  for (const [field, value] of Object.entries(option)) {
    if (!fields.includes(field)) {
      d.problem(
        `withPivotValue field "${field}" is not one of the relation's pivot fields; declare it in pivotFields (pivot fields: ${fields.join(", ") || "none"})`,
      );
    } else if (!["string", "number", "boolean", "bigint"].includes(typeof value) && !(value instanceof Date)) {
      d.problem(
        `withPivotValue "${field}" takes a string, number, boolean, bigint or Date (it is written to every pivot row), got ${value === null ? "null" : typeof value}`,
      );
    } else if (pivotWhere && Object.hasOwn(pivotWhere, field) && String(pivotWhere[field]) !== String(value)) {
      d.problem(`pivotWhere and withPivotValue give the pivot field "${field}" different values`);
    }
  }
  return option as Record<string, unknown>;
}

/** The `as` option: the property related rows carry their pivot values in (undefined: `pivot`). */
function pivotAccessor(d: Declared, target: ModelMeta): string | undefined {
  const as = d.opt<unknown>("as");
  if (as === undefined) return undefined;
  if (typeof as !== "string" || as === "") {
    d.problem('as takes the name of the property related rows carry their pivot values in, e.g. as: "membership"');
    return undefined;
  }
  if (as === "__proto__" || as === "constructor" || as === "prototype") {
    d.problem(`as "${as}" reaches JavaScript's prototype chain; choose another name`);
    return undefined;
  }
  if (target.fields.has(as)) {
    d.problem(`as "${as}" is a field of "${target.name}", which the pivot values would hide; choose another name`);
    return undefined;
  }
  return as;
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
