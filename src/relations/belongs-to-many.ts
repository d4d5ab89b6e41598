import { type Expression, type ExpressionBuilder, type SqlBool, sql } from "kysely";
import { joinModel, selectModel, selectPivot } from "../plan/front-door.js";
import type { ModelCodec } from "../plan/model-codec.js";
import { codecFor } from "../plan/model-codec.js";
import { EMPTY_STATE, type QueryState } from "../plan/state.js";
import type { WhereNode } from "../plan/where.js";
import { compareNode, compileWhere } from "../plan/where.js";
import type { BelongsToManyMeta } from "../schema/meta.js";
import { allOf, fixedCondition, fixedNodes, keyEquals, parentKey, withFixedWhere } from "./constraint.js";
import { distinctKeys, fetchRelatedWithExtras, groupBy, keyOf, type Row, sameKind, selectedFields } from "./fetch.js";
import type { RelationLoader } from "./kind.js";
import { exposedPivotFields, pivotAccessor, pivotAlias, pivotCodec } from "./pivot.js";

const PIVOT_PREFIX = "relata_pivot_";

/**
 * Many-to-many through a pivot table or join model: belongsToMany, and the polymorphic
 * pivots morphToMany / morphedByMany (the pivot's type column matched as well). Each related
 * row carries its pivot values as `row.pivot` (or the relation's `as`).
 */
export const belongsToMany: RelationLoader<BelongsToManyMeta> = {
  parentFields: (meta) => [meta.parentKey],
  scope(session, meta, parent) {
    const target = codecFor(session, meta.target);
    const pivot = pivotCodec(session, meta);
    const value = pivot.encodeKey(meta.pivot.foreignKey.name, parentKey(meta, parent, meta.parentKey));
    // The related rows are those whose key one of this parent's pivot rows holds.
    const link: WhereNode = {
      type: "expr",
      or: false,
      build: (eb, codec) =>
        eb(
          sql.ref(codec.ref(meta.relatedKey)),
          "in",
          selectPivot(session, meta.pivot)
            .select(sql.ref(pivot.ref(meta.pivot.relatedKey.name)).as("k"))
            .where((pb) =>
              allOf(pb, [
                pb(sql.ref(pivot.ref(meta.pivot.foreignKey.name)), "=", value),
                pivotConditions(meta, pivot, pb, EMPTY_STATE),
              ]),
            ),
        ),
    };
    return { model: meta.target, wheres: [link, ...fixedNodes(target, meta.where)] };
  },
  async load({ session, meta, parents, state, required }) {
    const target = codecFor(session, meta.target);
    const pivot = pivotCodec(session, meta);
    const { foreignKey, relatedKey } = meta.pivot;
    const exposed = exposedPivotFields(meta);
    const accessor = pivotAccessor(meta);
    const requiredFields = required(meta.target);
    // The pivot's related key equals the target key the join matches: when the level selects
    // that field and both read alike, it is taken from the target's column, not selected twice.
    const shared =
      selectedFields(target, state, requiredFields).includes(meta.relatedKey) &&
      sameKind(target.field(meta.relatedKey), pivot.field(relatedKey.name));
    const column = (field: string) => (shared && field === relatedKey.name ? meta.relatedKey : PIVOT_PREFIX + field);
    const [rows, extras] = await fetchRelatedWithExtras({
      session,
      cacheKey: `${meta.model}.${meta.name}`,
      target,
      keyRef: pivot.ref(foreignKey.name),
      keys: distinctKeys(parents, meta.parentKey),
      encodeKey: (v) => pivot.encodeKey(foreignKey.name, v),
      state: withFixedWhere(target, state, meta.where),
      requiredFields,
      join: { table: pivot, left: pivot.ref(relatedKey.name), right: target.ref(meta.relatedKey) },
      where: (eb) => pivotConditions(meta, pivot, eb, state),
      extraSelect: exposed
        .filter((field) => !(shared && field === relatedKey.name))
        .map((field) => pivot.selectAs(field, PIVOT_PREFIX + field)),
      extraKeys: exposed,
      extraColumns: exposed.map(column),
      extrasAs: accessor,
    });
    for (const values of extras) pivot.decode(values);
    const groups = groupBy(rows, (row) => (row[accessor] as Row)[foreignKey.name]);
    for (const parent of parents) {
      parent[meta.name] = groups.get(keyOf(parent[meta.parentKey]) ?? "") ?? [];
    }
    return [{ model: meta.target, rows }];
  },
  joinLinks: (session, meta, state) => {
    // Each exposed pivot field and its column in the rows (a key built once: a property read by a
    // concatenated string hashes it every time).
    const columns = exposedPivotFields(meta).map((field) => [field, PIVOT_PREFIX + field] as const);
    const accessor = pivotAccessor(meta);
    return [
      {
        model: meta.target,
        many: true,
        correlate(parent, alias) {
          const target = codecFor(session, meta.target).under(state).aliased(alias);
          const pivot = pivotCodec(session, meta).aliased(pivotAlias(alias));
          const query = joinModel(
            selectModel(session, target),
            pivot,
            pivot.ref(meta.pivot.relatedKey.name),
            target.ref(meta.relatedKey),
          ).where((eb) =>
            allOf(eb, [
              keyEquals(eb, session, pivot, meta.pivot.foreignKey.name, parent, meta.parentKey),
              pivotConditions(meta, pivot, eb, state),
              fixedCondition(target, eb, meta.where),
            ]),
          );
          return { target, query, extras: columns.map(([f, column]) => [column, pivot.jsonRead(f)] as const) };
        },
        finish(row, extras) {
          row[accessor] = pivotCodec(session, meta).decodeJson(takePivot(extras, columns, extras === row));
        },
      },
    ];
  },
};

/** The pivot's fixed filter, its morph type, and the constraint's wherePivot conditions. */
function pivotConditions(
  meta: BelongsToManyMeta,
  pivot: ModelCodec,
  eb: ExpressionBuilder<any, any>,
  state: QueryState,
): Expression<SqlBool> | undefined {
  const fixed = Object.entries(meta.pivot.where ?? {}).map(([f, v]) => compareNode(pivot, false, f, "=", v));
  const { morphType } = meta.pivot;
  if (morphType) fixed.push(compareNode(pivot, false, morphType.name, "=", morphType.value));
  const conditions: Expression<SqlBool>[] = [];
  if (fixed.length > 0) conditions.push(compileWhere(pivot, eb, fixed));
  if (state.pivotWheres.length > 0) conditions.push(compileWhere(pivot, eb, state.pivotWheres));
  return conditions.length === 0 ? undefined : eb.and(conditions);
}

/** The aliased pivot columns of `from` as a pivot object; `remove`: deleted from `from` (a row). */
function takePivot(from: Row, columns: readonly (readonly [string, string])[], remove: boolean): Row {
  const values: Row = {};
  for (const [field, column] of columns) {
    values[field] = from[column];
    if (remove) delete from[column];
  }
  return values;
}
