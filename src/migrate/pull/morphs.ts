import { type Kysely, sql } from "kysely";
import { modelNameOf, pascalName, plural, str } from "./names.js";
import type { OptionCode, PulledField, PulledModel, PullPlan } from "./plan.js";
import { GROUP } from "./relations.js";

/** At most this many distinct type values are read per pair. */
const MAX_TYPES = 100;

/**
 * `xType` / `xId` field pairs (a string type, an id that is no foreign key) -> `morphTo` on
 * their model, with the models the stored type values name (`post`, `Post`, `App\Models\Post`,
 * `posts`) as its types, `morphMany` (`morphOne` when the pair is unique) on each of those, and
 * a morph map entry where the stored value is not the model's name. When no stored value names
 * a model, the pair is left as plain fields with a comment.
 */
export async function planMorphs(plan: PullPlan, kysely: Kysely<any>): Promise<void> {
  const lookup = modelLookup(plan);
  const alias = new Map<string, string>();
  for (const model of plan.models.values()) {
    for (const typeField of model.fields) {
      const morphName = typeField.name.endsWith("Type") ? typeField.name.slice(0, -4) : "";
      const idField = model.fields.find((f) => f.name === `${morphName}Id`);
      if (morphName === "" || !idField || !isMorphPair(typeField, idField)) continue;
      const pair = `${typeField.name} / ${idField.name}`;
      const values = await typeValues(kysely, model.table.name, typeField.column);
      if (values === undefined || values.length === 0) {
        model.notes.push(
          `${pair} look like a polymorphic pair, but ${values === undefined ? "its type values could not be read" : "the table holds no type values"} to tell which models it points to: add ${morphName}: morphTo({ types: [...] }) and morphMany("${model.name}", { morphName: "${morphName}" }) on each of them`,
        );
        continue;
      }
      const targets = new Set<PulledModel>();
      const unknown: string[] = [];
      for (const value of values.slice(0, MAX_TYPES)) {
        const target = lookup(value);
        if (!target) unknown.push(value);
        else if (target.primaryKey.length !== 1) {
          model.notes.push(`${pair}: "${value}" names ${target.name}, which has no single primary key to point at`);
        } else if ((alias.get(target.name) ?? value) !== value) {
          model.notes.push(
            `${pair}: "${value}" names ${target.name}, which other rows store as "${alias.get(target.name)}"; a model has one morph value, so rows of "${value}" will not load`,
          );
        } else {
          alias.set(target.name, value);
          targets.add(target);
        }
      }
      if (values.length > MAX_TYPES) model.notes.push(`${pair}: read the first ${MAX_TYPES} type values only`);
      if (unknown.length > 0) {
        model.notes.push(
          `${pair}: ${unknown.map((v) => `"${v}"`).join(", ")} name${unknown.length === 1 ? "s" : ""} no model here; such rows will not load`,
        );
      }
      if (targets.size === 0) continue;
      addMorphRelations(model, morphName, typeField, idField, [...targets]);
    }
  }
  for (const [model, value] of alias) if (value !== model) plan.morphMap.set(model, value);
}

/** A string type field and an id field, neither of them a foreign key. */
function isMorphPair(typeField: PulledField, idField: PulledField): boolean {
  return (
    (typeField.kind === "string" || typeField.kind === "text") &&
    typeField.references === undefined &&
    idField.references === undefined &&
    idField.kind !== "json"
  );
}

/** The distinct non-null values of a type column, sorted; undefined when they cannot be read. */
async function typeValues(kysely: Kysely<any>, table: string, column: string): Promise<string[] | undefined> {
  try {
    const { rows } = await sql<{ v: unknown }>`select distinct ${sql.id(column)} as v from ${sql.id(table)}
      where ${sql.id(column)} is not null order by 1 limit ${sql.lit(MAX_TYPES + 1)}`.execute(kysely);
    // Sorted here, not by the database's collation: the same values give the same code anywhere.
    return rows.map((r) => String(r.v)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  } catch {
    return undefined;
  }
}

/** A stored type value -> the one model it names, matched loosely (case, namespace, plural table). */
function modelLookup(plan: PullPlan): (value: string) => PulledModel | undefined {
  const norm = (name: string) => (name.split(/[\\/:.]/).pop() ?? "").toLowerCase().replace(/[^a-z0-9]/g, "");
  const byKey = new Map<string, Set<PulledModel>>();
  for (const model of plan.models.values()) {
    for (const key of [model.name, model.table.name, modelNameOf(model.table.name, true)]) {
      const set = byKey.get(norm(key)) ?? new Set();
      set.add(model);
      byKey.set(norm(key), set);
    }
  }
  return (value) => {
    const found = byKey.get(norm(value));
    return found?.size === 1 ? [...found][0] : undefined;
  };
}

function addMorphRelations(
  model: PulledModel,
  morphName: string,
  typeField: PulledField,
  idField: PulledField,
  targets: readonly PulledModel[],
): void {
  model.morphPairs.push([typeField.column, idField.column]);
  const types = targets.map((t) => t.name).sort();
  model.intents.push({
    group: GROUP.morphTo,
    candidates: [morphName, `${morphName}Morph`],
    build: (name) => {
      const options: OptionCode[] = [];
      if (name !== morphName) options.push(["morphName", str(morphName)]);
      options.push(["types", `[${types.map(str).join(", ")}]`]);
      return { fn: "morphTo", target: undefined, options };
    },
  });
  const pair = [typeField.column, idField.column].sort().join("\0");
  const one = model.table.indexes.some((i) => i.unique && [...i.columns].sort().join("\0") === pair);
  const childName = one ? model.name : plural(model.name);
  for (const target of targets) {
    target.intents.push({
      group: GROUP.morph,
      candidates: [childName, `${morphName}${pascalName(childName)}`],
      build: () => ({
        fn: one ? "morphOne" : "morphMany",
        target: model.name,
        options: [["morphName", str(morphName)]],
      }),
    });
  }
}
