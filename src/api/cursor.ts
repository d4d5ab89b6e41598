import type { ModelCodec } from "../plan/model-codec.js";
import { type QueryState, selectionOf } from "../plan/state.js";
import { compareNode } from "../plan/where.js";

/**
 * Streams the rows of a state `batchSize` at a time: by primary key when the query has no
 * order of its own (stable under concurrent inserts), by offset otherwise. `read` reads one
 * batch (relations included).
 */
export async function* cursorRows<O>(
  codec: ModelCodec,
  state: QueryState,
  batchSize: number,
  read: (state: QueryState) => Promise<O[]>,
): AsyncGenerator<O, void, undefined> {
  const [pk, ...rest] = codec.meta.primaryKey;
  const keyset =
    pk !== undefined &&
    rest.length === 0 &&
    state.orders.length === 0 &&
    state.limit === undefined &&
    state.offset === undefined;
  let remaining = state.limit ?? Number.POSITIVE_INFINITY;
  let offset = state.offset ?? 0;
  let after: unknown;
  const orders = keyset
    ? [{ field: pk, direction: "asc" as const }]
    : [...state.orders, ...codec.meta.primaryKey.map((field) => ({ field, direction: "asc" as const }))];
  // Keyset paging reads the key even when it is not selected; it is stripped from what is yielded.
  const selected = selectionOf(codec.meta, state);
  const selects = keyset && selected && !selected.includes(pk) ? [...selected, pk] : state.selects;
  while (remaining > 0) {
    const take = Math.min(batchSize, remaining);
    const wheres =
      keyset && after !== undefined
        ? [
            // The user's conditions as one group, so an OR among them cannot escape the key bound.
            { type: "group" as const, or: false, not: false, nodes: state.wheres },
            compareNode(codec, false, pk as string, ">", after),
          ]
        : state.wheres;
    const rows = await read({ ...state, wheres, selects, orders, limit: take, offset: keyset ? undefined : offset });
    for (const row of rows) {
      const record = row as Record<string, unknown>;
      if (keyset) after = record[pk as string];
      if (selects !== state.selects) delete record[pk as string];
      yield row;
    }
    if (rows.length < take) return;
    remaining -= rows.length;
    offset += rows.length;
  }
}
