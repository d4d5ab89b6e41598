import { type Expression, type RawBuilder, type SelectQueryBuilder, sql } from "kysely";
import type { JsonArrayParts } from "./profile.js";

/** SQLite and MySQL want OFFSET after a LIMIT; this one never binds. */
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/**
 * The related rows as a derived table: the columns (the nested relations' arrays among them),
 * an ordinal `relata_ord` (the position in the requested order), ordered and paged in SQL. For
 * databases whose derived tables may refer to the outer row (PostgreSQL).
 */
export function orderedRows(parts: JsonArrayParts): SelectQueryBuilder<any, any, any> {
  const selected = withNested(parts).map(([alias, expression]) => sql`${expression}`.as(alias));
  const { query, orders } = parts;
  return paged(
    parts,
    byColumns(parts)
      ? query.select(selected)
      : query.select([...selected, sql<number>`row_number() over (order by ${orderBy(orders)})`.as("relata_ord")]),
  );
}

/**
 * The related rows as value arrays, nested relations last (SQLite): a derived table under the
 * related table's own alias, ordered and paged, whose columns are the values (`relata_c0`, ...)
 * and the keys the nested relations correlate on (by column name), aggregated in its order.
 * The nested arrays are built in the aggregate's arguments, so they stay JSON (through a derived
 * table's column they would be text, to parse again), and the aggregate has no ORDER BY of its
 * own: a subquery with ORDER BY is not flattened into an aggregate query (SQLite's rule 16), so
 * its rows reach json_group_array in order, as Kysely's and Drizzle's SQLite JSON helpers rely
 * on. users > posts > comments (1,000 x 10 x 5), the statement and JSON.parse alone: 30-47 ms
 * against 57-106 for objects sorted in each aggregate with the nested arrays through json()
 * (whose text a derived table's column turns back into a string to parse again).
 */
export function valueArrays(parts: JsonArrayParts): RawBuilder<unknown> {
  const { query, columns, nested, keys, alias } = parts;
  const value = (i: number) => `relata_c${i}`;
  const rows = paged(
    parts,
    query.select([
      ...columns.map(([, expression], i) => sql`${expression}`.as(value(i))),
      ...keys.map(([column, expression]) => sql`${expression}`.as(column)),
    ]),
  );
  const values = sql.join([...columns.map((_, i) => sql.ref(`${alias}.${value(i)}`)), ...nested.map(([, e]) => e)]);
  return sql`(select coalesce(json_group_array(json_array(${values})), '[]') from ${rows} as ${sql.id(alias)})`;
}

/** The rows ordered and paged. */
function paged(parts: JsonArrayParts, selected: SelectQueryBuilder<any, any, any>) {
  const { orders, limit, offset } = parts;
  let rows = selected;
  for (const [expression, direction] of orders) rows = rows.orderBy(expression, direction);
  if (limit !== undefined || offset !== undefined) rows = rows.limit(limit ?? NO_LIMIT);
  if (offset !== undefined) rows = rows.offset(offset);
  return rows;
}

/** The columns, then the nested relations' arrays, for databases that nest them as columns of the rows. */
export const withNested = (parts: JsonArrayParts) => [...parts.columns, ...parts.nested];

/** `'key1', expr1, 'key2', expr2, ...` for json_object / json_build_object. */
export function objectArgs(columns: readonly (readonly [string, Expression<unknown>])[]) {
  return sql.join(columns.flatMap(([alias, expression]) => [sql.lit(alias), expression]));
}

/** `a asc, b desc` for an ORDER BY inside a window or an aggregate. */
export function orderBy(orders: JsonArrayParts["orders"]) {
  return sql.join(orders.map(([expression, direction]) => sql`${expression} ${sql.raw(direction)}`));
}

/** Whether every order is a column of the rows (no `relata_ord` numbering needed). */
function byColumns(parts: JsonArrayParts): boolean {
  return parts.orderColumns?.every((column) => column !== undefined) ?? false;
}

/** The ORDER BY of the aggregate over `relata_agg`: the order columns, or the row numbers. */
export function aggregateOrder(parts: JsonArrayParts) {
  if (!byColumns(parts)) return sql`relata_agg.relata_ord`;
  return sql.join(
    parts.orders.map(([, direction], i) => sql`${sql.id("relata_agg", parts.orderColumns![i]!)} ${sql.raw(direction)}`),
  );
}
