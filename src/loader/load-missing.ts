import type { Session } from "../dialect/session.js";
import { ValidationError } from "../errors.js";
import { targetModels, typeState, withoutEager } from "../plan/eager.js";
import type { EagerTree } from "../plan/state.js";
import type { Row } from "../relations/fetch.js";
import type { RelationMeta } from "../schema/meta.js";
import { loadRelations, parentFieldsFor, stripUnselected } from "./load-relations.js";

/** Rows handed to load()/loadMissing() must carry the fields their relations stitch on. */
export function checkLoadable(
  session: Session,
  model: string,
  rows: readonly Row[],
  tree: EagerTree,
  extra: readonly string[] = [],
): void {
  const fields = [...parentFieldsFor(session, model, tree), ...extra];
  for (const row of rows) {
    const missing = fields.filter((f) => !(f in row));
    if (missing.length > 0) {
      throw new ValidationError(
        `Cannot load ${[...tree.keys()].join(", ") || "aggregates"} onto "${model}" rows without ${missing.join(", ")}; select ${missing.length === 1 ? "it" : "them"} too.`,
        model,
        missing[0],
      );
    }
  }
}

/**
 * Loads only what is not loaded yet: a relation onto the rows that lack it, then deeper paths
 * onto the related rows of all rows (old and new) at once, so each level still costs one query.
 */
export async function loadMissing(session: Session, model: string, rows: Row[], tree: EagerTree): Promise<void> {
  const meta = session.schema.model(model);
  for (const node of tree.values()) {
    const relation = meta.relations.get(node.relation);
    if (!relation) continue;
    const absent = rows.filter((row) => !Object.hasOwn(row, node.relation));
    const shallow = { ...node, state: withoutEager(node.state) };
    await loadRelations(session, model, absent, new Map([[node.relation, shallow]]));
    for (const target of targetModels(relation)) {
      // A morphTo level may load other relations below each target model (morphWith).
      const state = typeState(node.state, target);
      if (state.eager.size > 0) {
        const related = rows.flatMap((row) => relatedOf(row, relation, target));
        checkLoadable(session, target, related, state.eager);
        await loadMissing(session, target, related, state.eager);
      }
      stripUnselected(
        session,
        target,
        absent.flatMap((row) => relatedOf(row, relation, target)),
        state,
        { rows: absent, relation: relation.name },
      );
    }
  }
}

/** The rows of `target` a loaded relation holds on `row` (morphTo: only when the row's type is `target`). */
function relatedOf(row: Row, relation: RelationMeta, target: string): Row[] {
  if (relation.kind === "morphTo" && relation.targets.get(String(row[relation.morphType]))?.model !== target) return [];
  const value = row[relation.name];
  return (Array.isArray(value) ? value : value ? [value] : []) as Row[];
}
