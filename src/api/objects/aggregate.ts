import { type SelectQueryBuilder, sql } from "kysely";
import type { Session } from "../../dialect/session.js";
import { selectDerived } from "../../plan/front-door.js";
import type { ModelCodec } from "../../plan/model-codec.js";
import { applyPaging, baseQuery, type QueryState } from "../../plan/state.js";
import {
  type ColumnOf,
  type Measure,
  measureValue,
  ownArgs,
  partInput,
  type Request,
  requestInput,
  resultOf,
  selections,
} from "./aggregate-measures.js";
import { argsToState } from "./find-args.js";

export { groupByArgs } from "./group-by.js";

type AnySelect = SelectQueryBuilder<any, any, any>;

/** The arguments each method takes besides its aggregates, passed on to the where/paging compiler. */
const ROW_ARGS = ["where", "orderBy", "take", "skip", "cursor"];
const COUNT_KEYS = [...ROW_ARGS, "select"];
const AGGREGATE_KEYS = [...ROW_ARGS, "_count", "_sum", "_avg", "_min", "_max"];

/**
 * Prisma's `count({ where, select, orderBy, take, skip, cursor })`: how many rows `where`
 * matches (within the take/skip window), or with `select: { _all: true, email: true }` the rows
 * and the non-null values of each field. One statement; the model's soft delete and global
 * scopes apply as they do for findMany.
 */
export async function countArgs(session: Session, codec: ModelCodec, args: unknown): Promise<unknown> {
  const input = ownArgs(codec, "count", args, COUNT_KEYS);
  const select = input.select;
  const measures: Measure[] =
    select === undefined || select === true
      ? [{ part: "_count", field: "_all", scalar: true }]
      : partInput(codec, "_count", select, "count's select");
  const request: Request = { parts: ["_count"], measures };
  const state = rowState(session, codec, input);
  return (await aggregateRows(session, codec, state, request))._count;
}

/**
 * Prisma's `aggregate({ where, orderBy, take, skip, cursor, _count, _sum, _avg, _min, _max })`:
 * the parts asked for over the rows `where` matches (within the take/skip window), as
 * `{ _count: { _all, field } | number, _sum: { views }, ... }`. Sums and averages of number
 * fields are numbers (bigint fields sum to bigints), null over no value; least and greatest
 * values keep the field's type. One statement.
 */
export async function aggregateArgs(session: Session, codec: ModelCodec, args: unknown): Promise<unknown> {
  const input = ownArgs(codec, "aggregate", args, AGGREGATE_KEYS);
  const request = requestInput(codec, input);
  const state = rowState(session, codec, input);
  return aggregateRows(session, codec, state, request);
}

/** The rows to aggregate: where, and the take/skip/cursor window in orderBy, as findMany reads them. */
function rowState(session: Session, codec: ModelCodec, input: Record<string, unknown>): QueryState {
  const rows: Record<string, unknown> = {};
  for (const key of ROW_ARGS) if (input[key] !== undefined) rows[key] = input[key];
  return argsToState(session, codec.meta.name, rows);
}

/** One SELECT of the request's measures over the state's rows; `{}` parts without a statement when nothing is asked. */
async function aggregateRows(
  session: Session,
  codec: ModelCodec,
  state: QueryState,
  request: Request,
): Promise<Record<string, unknown>> {
  if (request.measures.length === 0) return resultOf(request, []);
  const fields = [...new Set(request.measures.map((m) => m.field).filter((f) => f !== "_all"))];
  const { query, column } = rowSource(session, codec, state, fields);
  const aliases = request.measures.map((_, i) => `relata_a${i}`);
  const result = await session.execute<Record<string, unknown>>(
    query.select(selections(codec, request.measures, column, aliases)),
  );
  const row = result.rows[0] ?? {};
  return resultOf(
    request,
    request.measures.map((m, i) => measureValue(codec, m, row, aliases[i]!)),
  );
}

/**
 * FROM + WHERE of the rows to aggregate, and how to name their columns. With take/skip they are
 * a window: a derived table of the `fields` columns of the first rows in the state's order.
 * Without, the table itself (an order alone changes no aggregate, and is left out).
 */
function rowSource(
  session: Session,
  codec: ModelCodec,
  state: QueryState,
  fields: readonly string[],
): { query: AnySelect; column: ColumnOf } {
  const query = baseQuery(session, codec, state);
  if (state.limit === undefined && state.offset === undefined) {
    return { query, column: (field) => sql.ref(codec.ref(field)) };
  }
  const picked = fields.length > 0 ? fields.map((f) => sql.ref(codec.ref(f)).as(f)) : [sql.lit(1).as("relata_one")];
  const window = applyPaging(codec, state, query.select(picked));
  return {
    query: selectDerived(session, window, "relata_window"),
    column: (field) => sql.ref(`relata_window.${field}`),
  };
}
