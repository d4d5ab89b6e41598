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
      stripUnselected(session, group.model, group.rows, state);
    }
  }
}

/** Removes the fields read only to stitch relations when the constraint selected fewer. */
export function stripUnselected(
  session: Session,
  model: string | readonly string[],
  rows: readonly Row[],
  state: QueryState,
): void {
  if (rows.length === 0) return;
  const models = typeof model === "string" ? [model] : model;
  const extra = models.flatMap((m) => {
    const meta = session.schema.model(m);
    const selects = selectionOf(meta, state);
    if (!selects) return [];
    const selected = new Set(selects);
    return meta.fieldNames.filter((f) => !selected.has(f));
  });
  if (extra.length === 0) return;
  for (const row of rows) for (const field of extra) delete row[field];
}
