import type { Session } from "../connection/session.js";
import { ValidationError } from "../errors.js";
import { targetModels } from "../query/eager.js";
import type { EagerTree } from "../query/state.js";
import type { Row } from "../relations/fetch.js";
import { loadRelations, parentFieldsFor } from "./load-relations.js";

/** Rows handed to load()/loadMissing() must carry the fields their relations stitch on. */
export function checkLoadable(session: Session, model: string, rows: readonly Row[], tree: EagerTree): void {
  const fields = parentFieldsFor(session, model, tree);
  for (const row of rows) {
    const missing = fields.filter((f) => !(f in row));
    if (missing.length > 0) {
      throw new ValidationError(
        `Cannot load ${[...tree.keys()].join(", ")} onto "${model}" rows without ${missing.join(", ")}; select ${missing.length === 1 ? "it" : "them"} too.`,
        model,
        missing[0],
      );
    }
  }
}

/**
 * Loads only what is not loaded yet: a relation onto the rows that lack it, and deeper
 * paths onto the related rows already present.
 */
export async function loadMissing(session: Session, model: string, rows: Row[], tree: EagerTree): Promise<void> {
  const meta = session.schema.model(model);
  for (const node of tree.values()) {
    const relation = meta.relations.get(node.relation);
    if (!relation) continue;
    const absent = rows.filter((row) => !(node.relation in row));
    await loadRelations(session, model, absent, new Map([[node.relation, node]]));
    if (node.state.eager.size === 0) continue;
    const present = rows.filter((row) => !absent.includes(row));
    const related = present.flatMap((row) => {
      const value = row[node.relation];
      return (Array.isArray(value) ? value : value ? [value] : []) as Row[];
    });
    for (const target of targetModels(relation)) {
      const ofTarget =
        relation.kind === "morphTo"
          ? present
              .filter((row) => relation.targets.get(String(row[relation.morphType]))?.model === target)
              .map((row) => row[relation.name] as Row)
              .filter(Boolean)
          : related;
      await loadMissing(session, target, ofTarget, node.state.eager);
    }
  }
}
