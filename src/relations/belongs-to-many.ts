import type { Expression, SqlBool } from "kysely";
import { codecFor } from "../query/model-codec.js";
import { compareNode, compileWhere } from "../query/where.js";
import type { BelongsToManyMeta } from "../schema/meta.js";
import { withFixedWhere } from "./constraint.js";
import { distinctKeys, fetchRelated, groupBy, keyOf, type Row } from "./fetch.js";
import type { RelationLoader } from "./kind.js";
import { exposedPivotFields, pivotCodec } from "./pivot.js";

const PIVOT_PREFIX = "relata_pivot_";

/**
 * Many-to-many through a pivot table or join model: belongsToMany, and the polymorphic
 * pivots morphToMany / morphedByMany (the pivot's type column matched as well). Each related
 * row carries its pivot values as `row.pivot`.
 */
export const belongsToMany: RelationLoader<BelongsToManyMeta> = {
  parentFields: (meta) => [meta.parentKey],
  async load({ session, meta, parents, state, required }) {
    const target = codecFor(session, meta.target);
    const pivot = pivotCodec(session, meta);
    const { foreignKey, relatedKey, morphType } = meta.pivot;
    const exposed = exposedPivotFields(meta);
    const fixedPivot = Object.entries(meta.pivot.where ?? {}).map(([f, v]) => compareNode(pivot, false, f, "=", v));
    if (morphType) fixedPivot.push(compareNode(pivot, false, morphType.name, "=", morphType.value));
    const rows = await fetchRelated({
      session,
      target,
      keyRef: pivot.ref(foreignKey.name),
      keys: distinctKeys(parents, meta.parentKey),
      encodeKey: (v) => pivot.encode(foreignKey.name, v),
      state: withFixedWhere(target, state, meta.where),
      requiredFields: required(meta.target),
      join: (q) => q.innerJoin(meta.pivot.table, pivot.ref(relatedKey.name), target.ref(meta.relatedKey)),
      where: (eb) => {
        const conditions: Expression<SqlBool>[] = [];
        if (fixedPivot.length > 0) conditions.push(compileWhere(pivot, eb, fixedPivot));
        if (state.pivotWheres.length > 0) conditions.push(compileWhere(pivot, eb, state.pivotWheres));
        return conditions.length === 0 ? undefined : eb.and(conditions);
      },
      extraSelect: exposed.map((field) => pivot.selectAs(field, PIVOT_PREFIX + field)),
    });
    for (const row of rows) {
      const values: Row = {};
      for (const field of exposed) {
        values[field] = row[PIVOT_PREFIX + field];
        delete row[PIVOT_PREFIX + field];
      }
      row.pivot = pivot.decode(values);
    }
    const groups = groupBy(rows, (row) => (row.pivot as Row)[foreignKey.name]);
    for (const parent of parents) {
      parent[meta.name] = groups.get(keyOf(parent[meta.parentKey]) ?? "") ?? [];
    }
    return [{ model: meta.target, rows }];
  },
};
