import { type Expression, type ExpressionBuilder, type SqlBool, sql } from "kysely";
import type { Session } from "../dialect/session.js";
import { ValidationError } from "../errors.js";
import type { ModelCodec } from "../plan/model-codec.js";
import type { QueryState } from "../plan/state.js";
import { compareNode, compileWhere, type WhereNode } from "../plan/where.js";

/** The constraint with a relation's fixed `where` option ANDed in front (each side kept whole). */
export function withFixedWhere(
  target: ModelCodec,
  state: QueryState,
  where: Readonly<Record<string, unknown>> | undefined,
): QueryState {
  if (!where || Object.keys(where).length === 0) return state;
  const fixed: WhereNode = {
    type: "group",
    or: false,
    not: false,
    nodes: Object.entries(where).map(([field, value]) => compareNode(target, false, field, "=", value)),
  };
  const user: WhereNode[] =
    state.wheres.length === 0 ? [] : [{ type: "group", or: false, not: false, nodes: state.wheres }];
  return { ...state, wheres: [fixed, ...user] };
}

/** A relation's fixed `where` option as one condition on `target` (undefined when it has none). */
export function fixedCondition(
  target: ModelCodec,
  eb: ExpressionBuilder<any, any>,
  where: Readonly<Record<string, unknown>> | undefined,
): Expression<SqlBool> | undefined {
  if (!where || Object.keys(where).length === 0) return undefined;
  return compileWhere(
    target,
    eb,
    Object.entries(where).map(([field, value]) => compareNode(target, false, field, "=", value)),
  );
}

/** ANDs the conditions that are present. */
export function allOf(eb: ExpressionBuilder<any, any>, conditions: (Expression<SqlBool> | undefined)[]) {
  const present = conditions.filter((c): c is Expression<SqlBool> => c !== undefined);
  return present.length === 1 ? present[0]! : eb.and(present);
}

const keyClass = (codec: ModelCodec, field: string): "text" | "integer" | undefined => {
  const { kind } = codec.field(field).config;
  if (kind === "string" || kind === "text") return "text";
  if (kind === "id" || kind === "integer" || kind === "bigint") return "integer";
  return undefined;
};

/**
 * `target.targetField = parent.parentField` in SQL (the join strategy's correlations), the
 * parent side cast when the two keys are of different types (a string key holding integer ids).
 */
export function keyEquals(
  eb: ExpressionBuilder<any, any>,
  session: Session,
  target: ModelCodec,
  targetField: string,
  parent: ModelCodec,
  parentField: string,
): Expression<SqlBool> {
  const to = keyClass(target, targetField);
  const from = keyClass(parent, parentField);
  const parentColumn = sql.ref(parent.ref(parentField));
  const right = to && from && to !== from ? session.profile.castKey(parentColumn, to) : parentColumn;
  return eb(sql.ref(target.ref(targetField)), "=", right);
}

/** The value of `field` on a parent row, or a ValidationError asking for it. */
export function parentKey(
  meta: { model: string; name: string },
  parent: Readonly<Record<string, unknown>>,
  field: string,
) {
  const value = parent?.[field];
  if (value === undefined) {
    throw new ValidationError(
      `related(row, "${meta.name}") on "${meta.model}" needs the row's "${field}"; select it too.`,
      meta.model,
      field,
    );
  }
  return value;
}

/** `field = value` on `target`, the value made the key column's type; `in ()` (nothing) for a null key. */
export function keyIs(target: ModelCodec, field: string, value: unknown): WhereNode {
  return value === null
    ? compareNode(target, false, field, "in", [])
    : compareNode(target, false, field, "=", target.keyValue(field, value));
}

/** The relation's fixed `where` option as nodes on `target`. */
export function fixedNodes(target: ModelCodec, where: Readonly<Record<string, unknown>> | undefined): WhereNode[] {
  return Object.entries(where ?? {}).map(([field, value]) => compareNode(target, false, field, "=", value));
}
