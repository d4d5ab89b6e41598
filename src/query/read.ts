import type { Session } from "../connection/session.js";
import { decodeJoined, joinColumns } from "../loader/join-strategy.js";
import { loadRelations, parentFieldsFor, stripUnselected } from "../loader/load-relations.js";
import type { ModelCodec } from "./model-codec.js";
import { type QueryState, selectQuery } from "./state.js";

type Row = Record<string, unknown>;

/** Reads the rows of a state and loads its relations with the state's (or the connection's) strategy. */
export function readRows(session: Session, codec: ModelCodec, state: QueryState): Promise<Row[]> {
  if (state.eager.size > 0 && (state.strategy ?? session.strategy) === "join") return readJoined(session, codec, state);
  return readThenLoad(session, codec, state);
}

/** The "join" strategy: one statement, each relation a JSON-array column, decoded afterwards. */
async function readJoined(session: Session, codec: ModelCodec, state: QueryState): Promise<Row[]> {
  const query = selectQuery(session, codec, state).select(
    joinColumns(session, codec, state.eager).map(([name, expression]) => expression.as(name)),
  );
  const result = await session.execute<Row>(query);
  const rows = result.rows.map((row) => codec.decode<Row>(row));
  decodeJoined(session, codec.meta.name, rows, state.eager);
  return rows;
}

/** The "query" strategy: the rows, then one query per relation level. */
async function readThenLoad(session: Session, codec: ModelCodec, state: QueryState): Promise<Row[]> {
  // Relations stitch on parent fields a narrowed select may have left out: read them, then drop them.
  const missing =
    state.eager.size > 0 && state.selects
      ? parentFieldsFor(session, codec.meta.name, state.eager).filter((f) => !state.selects!.includes(f))
      : [];
  let query = missing.length > 0 ? { ...state, selects: [...state.selects!, ...missing] } : state;
  // A selection of relations only still reads a column (the key), dropped below.
  if (query.selects?.length === 0) query = { ...query, selects: codec.meta.primaryKey };
  const result = await session.execute<Row>(selectQuery(session, codec, query));
  const rows = result.rows.map((row) => codec.decode<Row>(row));
  if (state.eager.size > 0) await loadRelations(session, codec.meta.name, rows, state.eager);
  if (query !== state) stripUnselected(session, codec.meta.name, rows, state);
  return rows;
}
