import type { Expression, ExpressionBuilder, SqlBool } from "kysely";
import type { ModelCodec } from "../query/model-codec.js";
import type { QueryState } from "../query/state.js";
import { compareNode, compileWhere, type WhereNode } from "../query/where.js";

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
