import type { Session } from "../dialect/session.js";
import type { Row } from "../relations/fetch.js";
import type { ModelMeta } from "../schema/meta.js";

const anyHidden = new WeakMap<object, boolean>();

/**
 * Removes the `hidden` fields from rows a write hands back (and from the related rows a nested
 * write put on them), as a read would have left them out. Writes keep every field while they
 * run (keys link rows; event hooks see the row as written); this is the last step.
 */
export function withoutHidden<T>(session: Session, model: string, rows: T): T {
  let any = anyHidden.get(session.schema);
  if (any === undefined) {
    any = [...session.schema.meta.models.values()].some((meta) => meta.hidden.size > 0);
    anyHidden.set(session.schema, any);
  }
  if (!any) return rows;
  for (const row of (Array.isArray(rows) ? rows : [rows]) as (Row | null | undefined)[]) {
    if (row) hide(session, session.schema.model(model), row);
  }
  return rows;
}

function hide(session: Session, meta: ModelMeta, row: Row): void {
  for (const field of meta.hidden) delete row[field];
  for (const [name, relation] of meta.relations) {
    const value = row[name];
    if (value === undefined || value === null || typeof value !== "object") continue;
    for (const related of (Array.isArray(value) ? value : [value]) as Row[]) {
      const target =
        relation.kind === "morphTo" ? relation.targets.get(String(row[relation.morphType]))?.model : relation.target;
      if (target !== undefined) hide(session, session.schema.model(target), related);
    }
  }
}
