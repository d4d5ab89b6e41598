import type { ModelCodec } from "../query/model-codec.js";
import type { QueryState } from "../query/state.js";
import { compareNode, type WhereNode } from "../query/where.js";

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
