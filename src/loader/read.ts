import type { Session } from "../dialect/session.js";
import { compileCached, selectShape } from "../plan/compiled-cache.js";
import { adoptRows } from "../plan/instance-state.js";
import type { ModelCodec } from "../plan/model-codec.js";
import { decodeAggregates, type QueryState, selectionOf, selectQuery } from "../plan/state.js";
import { selectedFields } from "../relations/fetch.js";
import { decodeJoined, type JoinLayout, joinColumns } from "./join-strategy.js";
import { finishJoined, joinedToOnes, takeJoined, withJoins } from "./joined-to-one.js";
import { loadRelations, parentFieldsFor, stripUnselected } from "./load-relations.js";

type Row = Record<string, unknown>;

/** Reads the rows of a state and loads its relations with the state's (or the connection's) strategy. */
export function readRows(session: Session, codec: ModelCodec, selected: QueryState): Promise<Row[]> {
  // A query that selects nothing reads the visible fields (all but the model's `hidden`).
  const state =
    selected.selects || codec.meta.hidden.size === 0 ? selected : { ...selected, selects: codec.meta.visibleFields };
  if (state.eager.size > 0 && (state.strategy ?? session.strategy) === "join" && !joinsAll(session, codec, state)) {
    return readJoined(session, codec, state);
  }
  return readThenLoad(session, codec, state);
}

/**
 * Whether a read of one row joins every relation it loads (joined-to-one.ts) with none below
 * them: one statement either way, and the joined one's SQL is compiled once per shape where the
 * JSON statement is built on every call (2,000 lookups of a user with its profile on SQLite:
 * 15 ms against 185).
 */
function joinsAll(session: Session, codec: ModelCodec, state: QueryState): boolean {
  if (state.limit !== 1) return false;
  const { joined, rest } = joinedToOnes(session, codec, state.eager);
  return rest.size === 0 && joined.every(({ node }) => node.state.eager.size === 0);
}

/** The "join" strategy: one statement, each relation a JSON-array column, decoded afterwards. */
async function readJoined(session: Session, codec: ModelCodec, state: QueryState): Promise<Row[]> {
  // A morphTo picks its column by the parent's type field: read it even when not selected, then drop it.
  const query = withStitchFields(session, codec, state);
  const layouts = new Map<string, JoinLayout>();
  const sql = selectQuery(session, codec, query).select(
    joinColumns(session, codec, state.eager, layouts).map(([name, expression]) => expression.as(name)),
  );
  const result = await session.execute<Row>(sql);
  // The rows are made of their own columns, the JSON columns read from the driver's rows: deleting
  // them from a row would make V8 keep it as a dictionary.
  const read = result.rows;
  const own = read.length > 0 ? Object.keys(read[0]!).filter((column) => !layouts.has(column)) : [];
  const rows = read.map((source) => {
    const row = codec.fresh();
    for (const column of own) row[column] = source[column];
    return codec.decode<Row>(row, true);
  });
  if (codec.meta.modelClass) adoptRows(rows, session);
  decodeAggregates(rows, state);
  decodeJoined(session, codec.meta.name, rows, state.eager, layouts, (r, column) => read[r]![column]);
  return query !== state ? stripUnselected(session, codec.meta.name, rows, state) : rows;
}

/** The columns of a row that are the model's own: its selected fields and aggregates. */
function ownColumns(codec: ModelCodec, state: QueryState): readonly string[] {
  const fields = selectionOf(codec.meta, state) ? selectedFields(codec, state, []) : codec.meta.fieldNames;
  return state.aggregates.length === 0 ? fields : [...fields, ...state.aggregates.map((a) => a.alias)];
}

/** The state with the parent fields its relations stitch on added to a narrowed select. */
function withStitchFields(session: Session, codec: ModelCodec, state: QueryState): QueryState {
  const missing =
    state.eager.size > 0 && state.selects
      ? parentFieldsFor(session, codec.meta.name, state.eager).filter((f) => !state.selects!.includes(f))
      : [];
  const query = missing.length > 0 ? { ...state, selects: [...state.selects!, ...missing] } : state;
  // A selection of relations only still reads a column (the key), dropped afterwards.
  return query.selects?.length === 0 ? { ...query, selects: codec.meta.primaryKey } : query;
}

/**
 * The "query" strategy: the rows, then one query per relation level. A read of one row (first,
 * find, findUnique: `limit 1`) reads its unique to-one relations loaded without a constraint
 * (or one that only selects) in its own statement (joined-to-one.ts): for a point read the
 * second round trip is the cost.
 */
async function readThenLoad(session: Session, codec: ModelCodec, state: QueryState): Promise<Row[]> {
  // Relations stitch on parent fields a narrowed select may have left out: read them, then drop them.
  const query = withStitchFields(session, codec, state);
  const { joined, rest } =
    state.eager.size > 0 && state.limit === 1
      ? joinedToOnes(session, codec, state.eager)
      : { joined: [], rest: state.eager };
  const result = await session.execute<Row>(
    compileCached(session, selectShape(codec, query, "select", joined), () =>
      withJoins(selectQuery(session, codec, query), joined),
    ),
    undefined,
    joined.length === 0 ? codec.rowMaker : undefined,
  );
  let raws = result.rows;
  // Rows made as the model's (the driver used rowMaker), or by takeJoined: decoded in place.
  const fresh = joined.length > 0 || codec.made(raws);
  if (joined.length > 0) {
    const taken = takeJoined(codec, raws, ownColumns(codec, query), joined);
    raws = taken.parents;
    const finishing = finishJoined(session, joined, taken);
    if (finishing) await finishing;
  }
  const rows = raws.map((row) => codec.decode<Row>(row, fresh));
  if (codec.meta.modelClass) adoptRows(rows, session);
  decodeAggregates(rows, state);
  if (rest.size > 0) await loadRelations(session, codec.meta.name, rows, rest);
  return query !== state ? stripUnselected(session, codec.meta.name, rows, state) : rows;
}
