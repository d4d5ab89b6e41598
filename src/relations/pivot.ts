import { sql } from "kysely";
import type { Session } from "../dialect/session.js";
import { ModelCodec } from "../plan/model-codec.js";
import type { Order } from "../plan/state.js";
import type { BelongsToManyMeta, FieldMeta, ModelMeta } from "../schema/meta.js";

const cache = new WeakMap<BelongsToManyMeta, Map<string, ModelCodec>>();

/**
 * The pivot of a many-to-many relation seen as a model of its own (`user.roles pivot`), so
 * pivot filters, encoding and decoding reuse the machinery of ordinary fields.
 */
export function pivotCodec(session: Session, meta: BelongsToManyMeta): ModelCodec {
  let byDialect = cache.get(meta);
  if (!byDialect) {
    byDialect = new Map();
    cache.set(meta, byDialect);
  }
  let codec = byDialect.get(session.profile.name);
  if (!codec) {
    const { pivot } = meta;
    const columns = [
      pivot.foreignKey,
      pivot.relatedKey,
      ...(pivot.morphType ? [pivot.morphType] : []),
      ...pivot.fields,
    ];
    const fields = new Map<string, FieldMeta>(
      columns.map((c) => [c.name, { name: c.name, column: c.column, config: c.config }]),
    );
    const model: ModelMeta = {
      name: `${meta.model}.${meta.name} pivot`,
      table: pivot.table,
      fields,
      fieldNames: [...fields.keys()],
      visibleFields: [...fields.keys()],
      hidden: new Set(),
      primaryKey: [],
      foreignKeys: [],
      relations: new Map(),
      morphAlias: "",
      morphPairs: [],
      timestamps: undefined,
      softDelete: undefined,
      scopes: new Map(),
      localScopes: new Map(),
      events: new Map(),
      defaultWith: [],
    };
    codec = new ModelCodec(model, session.profile, undefined, false);
    byDialect.set(session.profile.name, codec);
  }
  return codec;
}

/** The pivot fields exposed as `row.pivot`: both keys and the extra fields (not the morph type). */
export function exposedPivotFields(meta: BelongsToManyMeta): string[] {
  return [meta.pivot.foreignKey.name, meta.pivot.relatedKey.name, ...meta.pivot.fields.map((f) => f.name)];
}

/** The property related rows carry their pivot values in: the relation's `as`, or `pivot`. */
export function pivotAccessor(meta: BelongsToManyMeta): string {
  return meta.accessor ?? "pivot";
}

/** The alias of the pivot joined to a target read under `alias` (the join strategy's correlated subqueries). */
export const pivotAlias = (alias: string) => `${alias}_p`;

/**
 * An order by a pivot column (`orderByPivot`), for the constraint of a many-to-many relation:
 * built on the target's codec, it names the pivot joined to it (the pivot table itself, or its
 * alias when the target is read under one, as the join strategy does).
 */
export function pivotOrder(pivot: ModelCodec, field: string, direction: "asc" | "desc"): Order {
  const { column } = pivot.field(field, "order by");
  return {
    field: `${pivot.meta.name}.${field}`,
    direction,
    build: (target) =>
      sql.ref(`${target.from === target.meta.table ? pivot.meta.table : pivotAlias(target.meta.table)}.${column}`),
  };
}
