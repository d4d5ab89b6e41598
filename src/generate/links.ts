import { isPivotRelation, type ModelMeta, type RelationMeta, type SchemaMeta } from "../schema/meta.js";
import { camelCase, NameScope, pascalCase, plural, relationNameOfKey } from "./names.js";
import type { TableColumn, TableForeignKey, TablePlan } from "./tables.js";

/**
 * A one-to-many (or one-to-one) link between two tables through one key column: what Prisma and
 * Drizzle call a relation. It comes from a foreign key constraint, or from a belongsTo / hasOne /
 * hasMany / many-to-many relation of the schema whose key has none.
 */
export interface Link {
  /** The table holding the key. */
  readonly child: TablePlan;
  readonly childColumn: TableColumn;
  /** The table the key points at (always a model's). */
  readonly parent: TablePlan;
  readonly parentColumn: TableColumn;
  /** The database constraint, when the schema declares one (`references`, bare pivot keys). */
  readonly foreignKey: TableForeignKey | undefined;
  /** At most one child row per parent row: the key is unique, or the child's whole primary key. */
  readonly unique: boolean;
  /** The relation field on the child: the schema's belongsTo, else named after the key. */
  readonly childName: string;
  /** The relation field on the parent: the schema's hasMany / hasOne / belongsToMany, else derived. */
  readonly parentName: string;
  /** Whether the parent side is a list (hasMany, a pivot) or one row (hasOne, a unique key). */
  readonly parentMany: boolean;
  /** Set when another link joins the same two tables (or the link is a self-reference). */
  readonly relationName: string | undefined;
}

export interface RelationGraph {
  readonly links: readonly Link[];
  /** By table: the schema's relations no link stands for (polymorphic, through, one-of-many), described. */
  readonly notes: ReadonlyMap<string, readonly string[]>;
  /** By table, then column: what a polymorphic type or id column is for. */
  readonly columnNotes: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

interface Draft {
  readonly child: TablePlan;
  readonly childColumn: TableColumn;
  readonly parent: TablePlan;
  readonly parentColumn: TableColumn;
  /** The schema's relations naming each side (the first one names the field), described. */
  readonly childNames: { readonly name: string; readonly described: string }[];
  readonly parentNames: { readonly name: string; readonly many: boolean; readonly described: string }[];
}

/** The links between `plans` (tablePlans of the schema), named, and notes on what has none. */
export function relationGraph(meta: SchemaMeta, plans: readonly TablePlan[]): RelationGraph {
  const byTable = new Map(plans.map((plan) => [plan.table, plan]));
  const planOf = (model: string) => byTable.get(meta.models.get(model)!.table)!;
  const drafts = new Map<string, Draft>();
  const notes = new Map<string, string[]>();
  const note = (plan: TablePlan, text: string) => push(notes, plan.table, text);
  // By table, then (type, id) pair: the relations storing a polymorphic key there and the type values.
  const morphs = new Map<string, Map<string, { type: string; id: string; uses: Set<string>; values: Set<string> }>>();
  const morph = (plan: TablePlan, type: string, id: string, use: string, values: readonly string[]) => {
    const pairs = morphs.get(plan.table) ?? new Map();
    morphs.set(plan.table, pairs);
    const pair = pairs.get(`${type}\0${id}`) ?? { type, id, uses: new Set<string>(), values: new Set<string>() };
    pairs.set(`${type}\0${id}`, pair);
    pair.uses.add(use);
    for (const value of values) pair.values.add(value);
  };
  const link = (child: TablePlan, childField: string, parent: TablePlan, parentField: string): Draft => {
    const childColumn = child.columns.find((c) => c.field === childField)!;
    const parentColumn = parent.columns.find((c) => c.field === parentField)!;
    const key = [child.table, childColumn.column, parent.table, parentColumn.column].join("\0");
    const draft = drafts.get(key) ?? { child, childColumn, parent, parentColumn, childNames: [], parentNames: [] };
    drafts.set(key, draft);
    return draft;
  };

  for (const plan of plans) {
    for (const fk of plan.foreignKeys) {
      const parent = byTable.get(fk.table)!;
      const field = (p: TablePlan, column: string) => p.columns.find((c) => c.column === column)!.field;
      link(plan, field(plan, fk.column), parent, field(parent, fk.targetColumn));
    }
  }
  for (const model of meta.models.values()) {
    const self = planOf(model.name);
    for (const relation of model.relations.values()) {
      const described = describe(model, relation);
      switch (relation.kind) {
        case "belongsTo":
          link(self, relation.foreignKey, planOf(relation.target), relation.ownerKey).childNames.push({
            name: relation.name,
            described,
          });
          break;
        case "hasOne":
        case "hasMany": {
          const draft = link(planOf(relation.target), relation.foreignKey, self, relation.localKey);
          if (relation.ofMany) note(self, described);
          else draft.parentNames.push({ name: relation.name, many: relation.kind === "hasMany", described });
          break;
        }
        case "belongsToMany":
        case "morphToMany":
        case "morphedByMany": {
          const { pivot } = relation;
          const through = pivot.model === undefined ? byTable.get(pivot.table)! : planOf(pivot.model);
          const target = planOf(relation.target);
          if (relation.kind !== "morphToMany") {
            const draft = link(through, pivot.foreignKey.name, self, relation.parentKey);
            if (relation.kind === "belongsToMany")
              draft.parentNames.push({ name: relation.name, many: true, described });
          }
          if (relation.kind !== "morphedByMany") link(through, pivot.relatedKey.name, target, relation.relatedKey);
          if (relation.kind !== "belongsToMany") {
            note(self, described);
            const id = relation.kind === "morphToMany" ? pivot.foreignKey : pivot.relatedKey;
            const use = `${model.name}.${relation.name}`;
            morph(through, pivot.morphType!.name, id.name, use, [pivot.morphType!.value]);
          }
          break;
        }
        case "morphOne":
        case "morphMany": {
          note(self, described);
          const use = `${model.name}.${relation.name}`;
          morph(planOf(relation.target), relation.morphType, relation.morphId, use, [relation.morphValue]);
          break;
        }
        case "morphTo": {
          note(self, described);
          const use = `${model.name}.${relation.name}`;
          morph(self, relation.morphType, relation.morphId, use, [...relation.targets.keys()]);
          break;
        }
        default:
          note(self, described);
      }
    }
  }
  for (const draft of drafts.values()) {
    const [firstChild, ...moreChild] = draft.childNames;
    for (const extra of moreChild) note(draft.child, `${extra.described} (the key of ${firstChild!.name})`);
    const [firstParent, ...moreParent] = draft.parentNames;
    for (const extra of moreParent) note(draft.parent, `${extra.described} (the key of ${firstParent!.name})`);
  }
  const columnNotes = new Map<string, Map<string, string>>();
  for (const [table, pairs] of morphs) {
    const plan = byTable.get(table)!;
    const columnOf = (field: string) => plan.columns.find((c) => c.field === field)!.column;
    const byColumn = new Map<string, string>();
    for (const { type, id, uses, values } of pairs.values()) {
      const of = `of ${[...uses].join(", ")}; types ${[...values].map((v) => JSON.stringify(v)).join(", ")}`;
      byColumn.set(columnOf(type), `polymorphic type (with ${id}) ${of}`);
      byColumn.set(columnOf(id), `polymorphic id (with ${type}) ${of}`);
    }
    columnNotes.set(table, byColumn);
  }
  return { links: name([...drafts.values()]), notes, columnNotes };
}

/** Gives each link its two field names (unique on each side) and, where needed, a relation name. */
function name(drafts: readonly Draft[]): Link[] {
  const scopes = new Map<string, NameScope>();
  const scopeOf = (plan: TablePlan) => {
    let scope = scopes.get(plan.table);
    if (!scope) {
      // The schema's own relation names stay reserved for the links they name.
      scope = new NameScope([...plan.columns.map((c) => c.field), ...(plan.model?.relations.keys() ?? [])]);
      scopes.set(plan.table, scope);
    }
    return scope;
  };
  const unique = (d: Draft) =>
    d.childColumn.config.unique ||
    d.child.uniques.some((u) => u.column === d.childColumn.column) ||
    (d.child.primaryKey.length === 1 && d.child.primaryKey[0] === d.childColumn.column);
  const named = drafts.map((d) => ({
    draft: d,
    childName: d.childNames[0]?.name,
    parentName: d.parentNames[0]?.name,
    parentMany: d.parentNames[0]?.many ?? !unique(d),
  }));
  for (const entry of named) {
    const { child, parent, childColumn } = entry.draft;
    const parentModel = parent.model!.name;
    if (entry.childName === undefined) {
      const fromKey = relationNameOfKey(childColumn.field);
      const candidates = fromKey && fromKey !== childColumn.field ? [fromKey] : [];
      entry.childName = scopeOf(child).claim(...candidates, camelCase(parentModel));
    }
    if (entry.parentName === undefined) {
      const base = child.model
        ? entry.parentMany
          ? plural(camelCase(child.model.name))
          : camelCase(child.model.name)
        : camelCase(child.table);
      entry.parentName = scopeOf(parent).claim(base, `${base}By${pascalCase(entry.childName)}`);
    }
  }
  const pairs = new Map<string, number>();
  const pairKey = (d: Draft) => [d.child.table, d.parent.table].sort().join("\0");
  for (const { draft } of named) pairs.set(pairKey(draft), (pairs.get(pairKey(draft)) ?? 0) + 1);
  return named.map(({ draft, childName, parentName, parentMany }) => ({
    child: draft.child,
    childColumn: draft.childColumn,
    parent: draft.parent,
    parentColumn: draft.parentColumn,
    foreignKey: draft.child.foreignKeys.find(
      (fk) =>
        fk.column === draft.childColumn.column &&
        fk.table === draft.parent.table &&
        fk.targetColumn === draft.parentColumn.column,
    ),
    unique: unique(draft),
    childName: childName!,
    parentName: parentName!,
    parentMany,
    relationName:
      pairs.get(pairKey(draft))! > 1 || draft.child === draft.parent
        ? `${draft.child.model?.name ?? draft.child.table}_${childName}`
        : undefined,
  }));
}

/** One line on a relation: its kind, target and keys. */
function describe(model: ModelMeta, relation: RelationMeta): string {
  const head = `${relation.name}: ${relation.kind}`;
  switch (relation.kind) {
    case "morphOne":
    case "morphMany":
      return `${head} ${relation.target} (${relation.morphType} = "${relation.morphValue}", ${relation.morphId} = ${model.name}.${relation.localKey})`;
    case "morphTo":
      return `${head} (${relation.morphType}, ${relation.morphId}) -> ${[...relation.targets.values()].map((t) => t.model).join(" | ") || "any model"}`;
    case "hasOneThrough":
    case "hasManyThrough":
      return `${head} ${relation.target} through ${relation.through} (${relation.through}.${relation.firstKey}, ${relation.target}.${relation.secondKey})`;
    case "hasOne":
    case "hasMany":
      return `${head} ${relation.target} (${relation.foreignKey}), one of many`;
    default:
      if (isPivotRelation(relation)) {
        const type = relation.pivot.morphType;
        return `${head} ${relation.target} through ${relation.pivot.table}${type ? ` (${type.name} = "${type.value}")` : ""}`;
      }
      return `${head} ${relation.target}`;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
