import { type Expression, type SelectQueryBuilder, sql } from "kysely";
import type { JsonArrayParts } from "./profile.js";

/** SQLite and MySQL want OFFSET after a LIMIT; this one never binds. */
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/**
 * The related rows as a derived table: the columns, an ordinal `relata_ord` (the position in
 * the requested order), ordered and paged in SQL. For databases whose derived tables may refer
 * to the outer row (PostgreSQL, SQLite).
 */
export function orderedRows(parts: JsonArrayParts): SelectQueryBuilder<any, any, any> {
  const { query, columns, orders, limit, offset } = parts;
  const selected = columns.map(([alias, expression]) => sql`${expression}`.as(alias));
  let rows = byColumns(parts)
    ? query.select(selected)
    : query.select([...selected, sql<number>`row_number() over (order by ${orderBy(orders)})`.as("relata_ord")]);
  for (const [expression, direction] of orders) rows = rows.orderBy(expression, direction);
  if (limit !== undefined || offset !== undefined) rows = rows.limit(limit ?? NO_LIMIT);
  if (offset !== undefined) rows = rows.offset(offset);
  return rows;
}

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
