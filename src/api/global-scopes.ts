import type { Session } from "../dialect/session.js";
import { SchemaError } from "../errors.js";
import { installScopes } from "../plan/front-door.js";
import { codecFor } from "../plan/model-codec.js";
import type { Schema } from "../schema/define-schema.js";
import { stateOf } from "./builder/self.js";
import { QueryBuilder } from "./query-builder.js";

const installed = new WeakSet<Schema>();

/**
 * Runs each model's global scopes (`scopes: { name: (q) => q.where(...) }`) once on a query of
 * the model and installs their conditions as rule parts of the model, so they hold wherever
 * it is read (plan/front-door.ts). A scope that does anything but add conditions is a
 * SchemaError naming it.
 */
export function installGlobalScopes(session: Session): void {
  const { schema } = session;
  if (installed.has(schema)) return;
  for (const meta of schema.meta.models.values()) {
    if (meta.scopes.size === 0) continue;
    const codec = codecFor(session, meta.name);
    installScopes(schema, meta.name, (scope, name) => {
      const problem = (what: string) =>
        new SchemaError([
          `model "${meta.name}": global scope "${name}" ${what}; a scope returns q with conditions added`,
        ]);
      const state = stateOf(scope(QueryBuilder.make({ session, codec })));
      if (!state) throw problem("did not return the query it was given");
      const extra = [
        state.orders.length > 0 && "an order",
        (state.limit !== undefined || state.offset !== undefined) && "a limit or offset",
        state.selects !== undefined && "a selection",
        state.eager.size > 0 && "eager loads",
        state.aggregates.length > 0 && "aggregates",
        (state.trashed !== undefined || state.without.length > 0) && "scope or soft delete options",
      ].filter(Boolean);
      if (extra.length > 0) throw problem(`sets ${extra.join(", ")}`);
      return state.wheres;
    });
  }
  installed.add(schema);
}
