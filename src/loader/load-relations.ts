import type { Session } from "../dialect/session.js";
import { typeState } from "../plan/eager.js";
import { type EagerNode, type EagerTree, type QueryState, selectionOf } from "../plan/state.js";
import type { Row } from "../relations/fetch.js";
import { loaderFor } from "../relations/index.js";
import type { RelationMeta } from "../schema/meta.js";

/** The parent fields the relations of `tree` stitch on, for rows of `model`. */
export function parentFieldsFor(session: Session, model: string, tree: EagerTree): readonly string[] {
  const meta = session.schema.model(model);
  if (tree.size === 0) return [];
  if (tree.size === 1) {
    // One relation (a point read's): its loader's list as it is.
    const relation = meta.relations.get(tree.values().next().value!.relation);
    return relation ? loaderFor(relation).parentFields(relation) : [];
  }
  const fields = new Set<string>();
  for (const node of tree.values()) {
    const relation = meta.relations.get(node.relation);
    if (relation) for (const field of loaderFor(relation).parentFields(relation)) fields.add(field);
  }
  return [...fields];
}

/**
 * Loads the relations of `tree` onto `rows` of `model`, one level at a time: each relation
 * costs one query for all the rows (morphTo one per target type), nothing when there are no rows.
 */
export async function loadRelations(session: Session, model: string, rows: Row[], tree: EagerTree): Promise<void> {
  await loadLevel(session, [{ model, rows, tree }]);
}

/** Rows of one model at a level, and the relations to load onto them. */
interface LevelRows {
  readonly model: string;
  readonly rows: Row[];
  readonly tree: EagerTree;
}

/**
 * Loads each set's relations onto its rows. A level below a morphTo has a set per target model:
 * a relation those models define alike (`loadsAcrossModels` kinds: the same name, target, keys
 * and options, under the same constraint) loads once for all their rows, so
 * `with("commentable.author")` reads the authors of posts and videos in one query.
 */
async function loadLevel(session: Session, sets: readonly LevelRows[]): Promise<void> {
  const loads: { relation: RelationMeta; node: EagerNode; parents: Row[] }[] = [];
  for (const { model, rows, tree } of sets) {
    if (rows.length === 0) continue;
    const meta = session.schema.model(model);
    for (const node of tree.values()) {
      const relation = meta.relations.get(node.relation);
      if (!relation) continue; // a path through morphTo names relations some targets lack
      const same = loaderFor(relation).loadsAcrossModels
        ? loads.find((load) => load.node.state === node.state && sameDefinition(load.relation, relation))
        : undefined;
      if (same) same.parents = same.parents.concat(rows);
      else loads.push({ relation, node, parents: rows });
    }
  }
  for (const { relation, node, parents } of loads) {
    const groups = await loaderFor(relation).load({
      session,
      meta: relation,
      parents,
      state: node.state,
      required: (target) => parentFieldsFor(session, target, typeState(node.state, target).eager),
    });
    // A morphTo level may load other relations below each target model (morphWith).
    const states = groups.map((group) => typeState(node.state, group.model));
    await loadLevel(
      session,
      groups.map((group, i) => ({ model: group.model, rows: group.rows, tree: states[i]!.eager })),
    );
    for (const [i, group] of groups.entries()) {
      stripUnselected(session, group.model, group.rows, states[i]!, { rows: parents, relation: node.relation });
    }
  }
}

/** Two models' relations defined alike: every option but the declaring model is the same. */
function sameDefinition(a: RelationMeta, b: RelationMeta): boolean {
  if (a === b) return true;
  const left = a as unknown as Record<string, unknown>;
  const right = b as unknown as Record<string, unknown>;
  for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
    if (key === "model" || left[key] === right[key]) continue;
    const [x, y] = [left[key], right[key]];
    if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return false;
    if (JSON.stringify(x) !== JSON.stringify(y)) return false;
  }
  return true;
}

/** Where the rows of a level hang: `rows[relation]` of each parent (a row, a list of rows, null). */
export interface Holders {
  readonly rows: readonly Row[];
  readonly relation: string;
}

/**
 * The rows without the fields read only to stitch relations, when the constraint selected
 * fewer. Each row becomes a fresh object of the fields it keeps, and the parents in `holders`
 * point at the copies: deleting properties would turn every row into a slow dictionary object.
 * Class instances keep their identity and lose the fields by delete.
 */
export function stripUnselected(
  session: Session,
  model: string | readonly string[],
  rows: Row[],
  state: QueryState,
  holders?: Holders,
): Row[] {
  if (rows.length === 0) return rows;
  const models = typeof model === "string" ? [model] : model;
  let classes = false;
  const extra = models.flatMap((m) => {
    const meta = session.schema.model(m);
    const selects = selectionOf(meta, state);
    if (!selects) return [];
    classes ||= meta.modelClass !== undefined;
    const selected = new Set(selects);
    return meta.fieldNames.filter((f) => !selected.has(f));
  });
  if (extra.length === 0) return rows;
  if (classes) {
    for (const row of rows) for (const field of extra) delete row[field];
    return rows;
  }
  const dropped = new Set(extra);
  const copies = new Map<Row, Row>();
  const stripped = rows.map((row) => {
    let copy = copies.get(row);
    if (copy) return copy;
    copy = {};
    for (const key in row) if (!dropped.has(key)) copy[key] = row[key];
    copies.set(row, copy);
    return copy;
  });
  if (holders) {
    const { relation } = holders;
    for (const parent of holders.rows) {
      const value = parent[relation];
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) value[i] = copies.get(value[i]) ?? value[i];
      } else if (value !== null && typeof value === "object") parent[relation] = copies.get(value as Row) ?? value;
    }
  }
  return stripped;
}
