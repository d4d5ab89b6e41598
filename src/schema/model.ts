import type { AnyField } from "./fields.js";
import type { RelationDef } from "./relations.js";

export type FieldsShape = Record<string, AnyField>;
export type RelationsShape = Record<string, RelationDef>;

/** A model as declared: its table, fields and relations (resolved by `defineSchema`). */
export interface ModelDef<F extends FieldsShape = FieldsShape, R extends RelationsShape = RelationsShape> {
  readonly table: string | undefined;
  readonly fields: F;
  readonly relations: R;
}

/**
 * Declares a model. `table` defaults to the model's name (after the schema's casing).
 *
 * ```ts
 * const user = model({ table: "users", fields: { id: id(), name: string() } });
 * ```
 */
export function model<const F extends FieldsShape, const R extends RelationsShape = {}>(def: {
  table?: string;
  fields: F;
  relations?: R;
}): ModelDef<F, R> {
  return { table: def.table, fields: def.fields, relations: (def.relations ?? {}) as R };
}
