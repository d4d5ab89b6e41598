import { applyCasing } from "../../schema/casing.js";
import { type FieldConfig, keyTypeMismatch } from "../../schema/fields.js";
import type { DbForeignKey, DbTable } from "../introspect/types.js";
import { key, pascalName, plural, stemOfKey, str } from "./names.js";
import { keyKind, type OptionCode, type PulledField, type PulledModel, type PullPlan, singleKey } from "./plan.js";

/** Name groups: a model's relations are named in this order, so the plainest get the plainest names. */
export const GROUP = { belongsTo: 0, morphTo: 1, has: 2, morph: 3, manyToMany: 4 } as const;

/**
 * Whether an action is what a foreign key gets when its DDL names none, so the code leaves it
 * out: `no action`; on MySQL/MariaDB `restrict` too (InnoDB treats the two alike, and MariaDB
 * reads an omitted one as `restrict`).
 */
const omitted = (plan: PullPlan, action: string) =>
  action === "no action" || (plan.dialect === "mysql" && action === "restrict");

/** A single-column foreign key between two models, with the fields at both ends. */
interface Link {
  readonly fk: DbForeignKey;
  readonly child: PulledModel;
  readonly field: PulledField;
  readonly parent: PulledModel;
  readonly target: PulledField;
}

/**
 * Foreign keys -> `references(...)` on the key field, `belongsTo` on the child and `hasMany` (or
 * `hasOne`, when the key is unique) on the parent; a table that only links two others becomes
 * `belongsToMany` on both (a bare pivot table when push() would recreate it as it is, else a
 * join model declared with `through`).
 */
export function planRelations(plan: PullPlan): void {
  const links = new Map<PulledModel, Link[]>();
  for (const child of plan.models.values()) links.set(child, foreignKeys(plan, child));
  const referenced = new Set([...links.values()].flat().map((l) => l.parent));

  for (const child of [...plan.models.values()]) {
    const own = links.get(child)!;
    const linkOnly = own.length === 2 && child.table.foreignKeys.length === 2 && !referenced.has(child);
    const pivot = linkOnly ? pivotOf(plan, child, own) : undefined;
    if (pivot === "bare") {
      plan.models.delete(child.name);
      plan.byTable.delete(child.table.name);
      continue;
    }
    for (const link of own) addReference(plan, link);
    addOwners(own);
    if (pivot === "through") addThrough(child, own as [Link, Link]);
  }
  addChildren([...links.entries()].filter(([child]) => plan.models.has(child.name)).flatMap(([, l]) => l));
}

/** The model's single-column foreign keys to other models, in column order; the rest as notes. */
function foreignKeys(plan: PullPlan, child: PulledModel): Link[] {
  const out: Link[] = [];
  for (const fk of child.table.foreignKeys) {
    const parent = plan.byTable.get(fk.table);
    const where = `foreign key (${fk.columns.join(", ")}) -> ${fk.table} (${fk.targetColumns.join(", ")})`;
    if (fk.columns.length > 1) {
      child.notes.push(`${where}: relata's references() and relations take one column; not declared`);
    } else if (!parent) {
      child.notes.push(`${where}: ${fk.table} is not a model here; not declared`);
    } else {
      const field = child.byColumn.get(fk.columns[0]!)!;
      const target = parent.byColumn.get(fk.targetColumns[0]!);
      const why = target && keyTypeMismatch(configOf(field), configOf(target), false);
      if (why) field.notes.push(`${where}: neither references() nor a relation declared, ${why}`);
      else if (target) out.push({ fk, child, field, parent, target });
    }
  }
  const position = (l: Link) => child.fields.indexOf(l.field);
  return out.sort((a, b) => position(a) - position(b));
}

/** A pulled field as the schema's key checks see it. */
function configOf(field: PulledField): FieldConfig {
  return {
    kind: field.kind,
    nullable: field.nullable,
    unique: false,
    primary: false,
    index: false,
    autoIncrement: false,
    ...field.config,
  };
}

function addReference(plan: PullPlan, { fk, field, parent, target }: Link): void {
  const targetName = `${parent.name}.${target.name}`;
  const why = keyTypeMismatch(configOf(field), configOf(target), true);
  if (why) {
    field.notes.push(`a foreign key to ${targetName} in the database, left out of the code: ${why}`);
    return;
  }
  const options: string[] = [];
  for (const [option, action] of [
    ["onDelete", fk.onDelete],
    ["onUpdate", fk.onUpdate],
  ] as const) {
    if (omitted(plan, action)) continue;
    if (action === "set default") field.notes.push(`${option} set default: relata cannot say it; left out`);
    else options.push(`${option}: ${str(action)}`);
  }
  field.references = options.length > 0 ? `${str(targetName)}, { ${options.join(", ")} }` : str(targetName);
}

/** `belongsTo` on the child for each of its keys. */
function addOwners(links: readonly Link[]): void {
  for (const { child, field, parent, target } of links) {
    const stem = stemOfKey(field.name);
    child.intents.push({
      group: GROUP.belongsTo,
      candidates: [...(stem ? [stem] : []), parent.name, `${stem ?? field.name}${pascalName(parent.name)}`],
      build: (name) => {
        const conventional = [`${name}Id`, `${parent.name}Id`];
        const found = conventional.find((f) => child.fields.some((x) => x.name === f));
        const options: OptionCode[] = [];
        if ((found ?? conventional[0]) !== field.name) options.push(["foreignKey", str(field.name)]);
        if (singleKey(parent) !== target.name) options.push(["ownerKey", str(target.name)]);
        return { fn: "belongsTo", target: parent.name, options };
      },
    });
  }
}

/** `hasMany` / `hasOne` on each parent, for every child key pointing at it. */
function addChildren(links: readonly Link[]): void {
  for (const link of links) {
    const { child, field, parent, target } = link;
    const one = isUnique(child.table, field.column);
    const childName = one ? child.name : plural(child.name);
    const stem = stemOfKey(field.name) ?? field.name;
    const siblings = links.filter((l) => l.child === child && l.parent === parent);
    const plain = siblings.length === 1 || stem === parent.name;
    const selfParent = child === parent && stem === "parent" ? [one ? "child" : "children"] : [];
    const qualified = `${stem}${pascalName(childName)}`;
    parent.intents.push({
      group: GROUP.has,
      candidates: plain ? [...selfParent, childName, qualified] : [...selfParent, qualified],
      build: () => {
        const options: OptionCode[] = [];
        if (field.name !== `${parent.name}Id`) options.push(["foreignKey", str(field.name)]);
        if (singleKey(parent) !== target.name) options.push(["localKey", str(target.name)]);
        return { fn: one ? "hasOne" : "hasMany", target: child.name, options };
      },
    });
  }
}

/** Whether a column alone is unique: the whole primary key, or a unique index of it alone. */
export function isUnique(table: DbTable, column: string): boolean {
  if (table.primaryKey.length === 1 && table.primaryKey[0] === column) return true;
  return table.indexes.some((i) => i.unique && i.columns.length === 1 && i.columns[0] === column);
}

/**
 * Whether a model with exactly two foreign keys is a many-to-many link: its two key columns
 * are its primary key, or unique together. `bare` when push() recreates it as a bare pivot
 * table exactly (keys first and in key order, both on delete cascade, keys of the type relata
 * gives them, no other index), `through` when it stays a join model.
 */
function pivotOf(plan: PullPlan, model: PulledModel, [a, b]: readonly Link[]): "bare" | "through" | undefined {
  if (!a || !b || a.field === b.field) return undefined;
  const table = model.table;
  const pair = [a.field.column, b.field.column].sort().join("\0");
  const sameSet = (columns: readonly string[]) => [...columns].sort().join("\0") === pair;
  const keyed = sameSet(table.primaryKey);
  const uniqueIndex = table.indexes.find((i) => i.unique && sameSet(i.columns));
  if (!keyed && !uniqueIndex) return undefined;

  // The first model to declare the relation writes the pivot's key: (its key, the other's).
  const [first, second] = a.parent.name <= b.parent.name ? [a, b] : [b, a];
  const keyOrder = table.primaryKey.length > 0 ? table.primaryKey : [first.field.column, second.field.column];
  const columns = table.columns.map((c) => c.name);
  const bare =
    (keyed || table.primaryKey.length === 0) &&
    keyOrder[0] === first.field.column &&
    columns[0] === first.field.column &&
    columns[1] === second.field.column &&
    [a, b].every(
      (l) =>
        l.fk.onDelete === "cascade" &&
        omitted(plan, l.fk.onUpdate) &&
        l.field.derived &&
        !l.field.nullable &&
        l.field.default === undefined &&
        keyKind(l.field) === keyKind(l.target) &&
        l.field.config.length === l.target.config.length,
    ) &&
    table.indexes.every(
      (i) =>
        (!i.unique && i.columns.length === 1 && i.columns[0] === second.field.column) || (i === uniqueIndex && !keyed),
    ) &&
    model.fields.slice(2).every((f) => !f.autoIncrement);
  if (bare) {
    addBarePivot(plan, model, first, second);
    if (!keyed) {
      first.parent.notes.push(
        `${table.name} has a unique (${uniqueIndex!.columns.join(", ")}) and no primary key: push() makes them its primary key`,
      );
    }
    return "bare";
  }
  return "through";
}

/** `belongsToMany` on both models of a bare pivot table, with its extra columns as typed pivot fields. */
function addBarePivot(plan: PullPlan, model: PulledModel, first: Link, second: Link): void {
  const extras = model.fields.slice(2);
  const stamp = (name: string) => extras.find((f) => f.column === applyCasing(name, plan.casing));
  const created = stamp("createdAt");
  const updated = stamp("updatedAt");
  const last = extras.slice(-2);
  const timestamps =
    created !== undefined &&
    updated !== undefined &&
    last[0] === created &&
    last[1] === updated &&
    [created, updated].every(
      (f) => f.kind === "timestamp" && f.config.withTimezone !== false && f.nullable && f.default === undefined,
    );
  const typed = extras.filter((f) => !timestamps || (f !== created && f !== updated));
  for (const [self, other] of [
    [first, second],
    [second, first],
  ] as const) {
    const options: OptionCode[] = [["table", str(model.table.name)]];
    const keys = pivotKeys(self, other, first.parent === second.parent);
    options.push(...keys.options);
    if (typed.length > 0) options.push(["pivotFields", typed.map(pivotFieldCode)]);
    if (timestamps) options.push(["timestamps", "true"]);
    self.parent.intents.push(manyToManyIntent(self, other, options));
  }
  for (const f of extras) for (const note of f.notes) first.parent.notes.push(`pivot field ${f.name}: ${note}`);
}

/** The key options of a many-to-many relation from `self`'s model to `other`'s, where conventions do not give them. */
function pivotKeys(self: Link, other: Link, selfReferencing: boolean): { options: OptionCode[] } {
  const options: OptionCode[] = [];
  if (selfReferencing || self.field.name !== `${self.parent.name}Id`) {
    options.push(["foreignPivotKey", str(self.field.name)]);
  }
  if (selfReferencing || other.field.name !== `${other.parent.name}Id`) {
    options.push(["relatedPivotKey", str(other.field.name)]);
  }
  if (singleKey(self.parent) !== self.target.name) options.push(["parentKey", str(self.target.name)]);
  if (singleKey(other.parent) !== other.target.name) options.push(["relatedKey", str(other.target.name)]);
  return { options };
}

function manyToManyIntent(self: Link, other: Link, options: readonly OptionCode[]) {
  const stem = stemOfKey(other.field.name);
  const byModel = plural(other.parent.name);
  const byKey = stem ? [plural(stem)] : [];
  return {
    group: GROUP.manyToMany,
    candidates: self.parent === other.parent ? [...byKey, byModel] : [byModel, ...byKey],
    build: () => ({ fn: "belongsToMany", target: other.parent.name, options }),
  };
}

/** A typed pivot field: `["role", "string(20).nullable()"]`. */
function pivotFieldCode(field: PulledField): OptionCode {
  const parts = [field.call];
  if (field.nullable) parts.push(".nullable()");
  if (field.default) parts.push(field.default);
  if (!field.derived) parts.push(`.column(${str(field.column)})`);
  return [key(field.name), parts.join("")];
}

/** `belongsToMany(..., { through })` on both models a join model links. */
function addThrough(join: PulledModel, [a, b]: readonly [Link, Link]): void {
  const extras = join.fields.filter((f) => f !== a.field && f !== b.field && !join.primaryKey.includes(f.name));
  const has = (name: string) => extras.some((f) => f.name === name && f.kind === "timestamp");
  const timestamps = has("createdAt") && has("updatedAt");
  const names = extras
    .filter((f) => !timestamps || (f.name !== "createdAt" && f.name !== "updatedAt"))
    .map((f) => str(f.name));
  for (const [self, other] of [
    [a, b],
    [b, a],
  ] as const) {
    const options: OptionCode[] = [["through", str(join.name)]];
    options.push(...pivotKeys(self, other, a.parent === b.parent).options);
    if (names.length > 0) options.push(["pivotFields", `[${names.join(", ")}]`]);
    if (timestamps) options.push(["timestamps", "true"]);
    self.parent.intents.push(manyToManyIntent(self, other, options));
  }
}
