import type { Session } from "../dialect/session.js";
import { typeState } from "../plan/eager.js";
import { type EagerTree, type QueryState, selectionOf } from "../plan/state.js";
import type { Row } from "../relations/fetch.js";
import { loaderFor } from "../relations/index.js";

/** The parent fields the relations of `tree` stitch on, for rows of `model`. */
export function parentFieldsFor(session: Session, model: string, tree: EagerTree): string[] {
  const meta = session.schema.model(model);
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
  if (rows.length === 0 || tree.size === 0) return;
  const meta = session.schema.model(model);
  for (const node of tree.values()) {
    const relation = meta.relations.get(node.relation);
    if (!relation) continue; // a path through morphTo names relations some targets lack
    const groups = await loaderFor(relation).load({
      session,
      meta: relation,
      parents: rows,
      state: node.state,
      required: (target) => parentFieldsFor(session, target, typeState(node.state, target).eager),
    });
    for (const group of groups) {
      // A morphTo level may load other relations below each target model (morphWith).
      const state = typeState(node.state, group.model);
      await loadRelations(session, group.model, group.rows, state.eager);
      stripUnselected(session, group.model, group.rows, state, { rows, relation: node.relation });
    }
  }
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
