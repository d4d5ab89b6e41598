import { type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool, sql } from "kysely";
import type { Session } from "../../dialect/session.js";
import { ValidationError } from "../../errors.js";
import { checkOwnKey, describeValue } from "../../plan/arguments.js";
import { selectDerived, selectModel } from "../../plan/front-door.js";
import { codecFor, type ModelCodec } from "../../plan/model-codec.js";
import { applyPaging, EMPTY_STATE, type Order, orderExpression, type QueryState } from "../../plan/state.js";
import { compareNode, type WhereNode } from "../../plan/where.js";

/** The top-level paging arguments of findMany / findFirst, as given. */
export interface PagingArgs {
  readonly cursor: unknown;
  readonly distinct: unknown;
  /** A signed integer: negative reads backwards (from the cursor, or from the end). */
  readonly take: number | undefined;
  readonly skip: number | undefined;
}

/**
 * Prisma's `cursor`, `distinct` and negative `take` on a findMany state, as where nodes the
 * state -> SQL path compiles like any other condition (one statement):
 *
 * - `cursor: { id: 5 }` (a primary key or unique field): the rows at or after that row in the
 *   query's order, a keyset comparison with the cursor row read in a correlated subquery. A
 *   cursor row that does not exist matches nothing, as in Prisma.
 * - `distinct: ["city"]`: the first row of each combination in the query's order (ROW_NUMBER()
 *   partitioned by the fields); `take`/`skip` apply after it.
 * - `take: -n`: the last n rows (before and including the cursor), returned in the query's order.
 *
 * Any of them orders by the primary key after the query's own order (by it alone when there is
 * none), so pages are stable when the order has ties. Returns the state unchanged without them.
 */
export function pagedState(session: Session, codec: ModelCodec, state: QueryState, args: PagingArgs): QueryState {
  const backwards = args.take !== undefined && args.take < 0;
  if (args.cursor === undefined && args.distinct === undefined && !backwards) {
    return { ...state, limit: args.take, offset: args.skip };
  }
  const model = codec.meta.name;
  const orders = withTiebreak(codec, state.orders);
  // Backwards, the window is read in the opposite order; the rows come back in the query's own.
  const reading: Order[] = backwards ? orders.map((o) => ({ ...o, direction: flip(o.direction) })) : orders;
  let wheres: WhereNode[] = [...state.wheres];
  if (args.cursor !== undefined) wheres.push(cursorNode(session, codec, cursorInput(codec, args.cursor), reading));
  // The rows distinct keeps are picked among those the conditions match: it holds them all.
  if (args.distinct !== undefined)
    wheres = [distinctNode(session, model, distinctInput(codec, args.distinct), reading, wheres)];
  if (!backwards) return { ...state, wheres, orders, limit: args.take, offset: args.skip };
  const window = windowNode(session, model, reading, wheres, -args.take!, args.skip);
  return { ...state, wheres: [window], orders, limit: undefined, offset: undefined };
}

const flip = (direction: "asc" | "desc"): "asc" | "desc" => (direction === "asc" ? "desc" : "asc");

/** The state's order with the primary key fields it does not sort by yet appended, ascending. */
function withTiebreak(codec: ModelCodec, orders: readonly Order[]): Order[] {
  const sorted = new Set(orders.filter((o) => !o.build).map((o) => o.field));
  const missing = codec.meta.primaryKey.filter((f) => !sorted.has(f));
  return [...orders, ...missing.map((field) => ({ field, direction: "asc" as const }))];
}

/** `cursor`: an object naming the primary key (every field of it) or a unique field, by plain values. */
function cursorInput(codec: ModelCodec, input: unknown): WhereNode[] {
  const model = codec.meta.name;
  const pk = codec.meta.primaryKey;
  const uniques = [...codec.meta.fields.values()].filter((f) => f.config.unique).map((f) => f.name);
  const shape = `cursor on "${model}" takes the primary key (${pk.join(", ")})${uniques.length ? ` or a unique field (${uniques.join(", ")})` : ""} with a value, e.g. { ${pk[0]}: 1 }`;
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new ValidationError(`${shape}; got ${describeValue(input)}.`, model);
  }
  const nodes = Object.entries(input).map(([field, value]) => {
    checkOwnKey(model, field);
    codec.field(field, "use as a cursor");
    if (value === undefined || value === null || (typeof value === "object" && !(value instanceof Date))) {
      throw new ValidationError(`${shape}; "${field}" is ${describeValue(value)}.`, model, field);
    }
    return compareNode(codec, false, field, "=", value);
  });
  const given = new Set(Object.keys(input));
  if (!pk.every((f) => given.has(f)) && !uniques.some((f) => given.has(f))) {
    throw new ValidationError(`${shape}.`, model);
  }
  return nodes;
}

/** `distinct: "city"` or `["city", "country"]`: fields of the model, at least one. */
function distinctInput(codec: ModelCodec, input: unknown): string[] {
  const model = codec.meta.name;
  const fields = typeof input === "string" ? [input] : input;
  if (!Array.isArray(fields) || fields.length === 0 || fields.some((f) => typeof f !== "string")) {
    throw new ValidationError(
      `distinct on "${model}" takes a field or a non-empty array of fields, got ${describeValue(input)}.`,
      model,
    );
  }
  for (const field of fields as string[]) {
    if (codec.meta.relations.has(field)) {
      throw new ValidationError(`distinct on "${model}" takes fields; "${field}" is a relation.`, model, field);
    }
    codec.field(field, "distinct by");
  }
  return fields as string[];
}

/** EXISTS the cursor row, with the outer row at or after it in `orders`. */
function cursorNode(session: Session, codec: ModelCodec, where: WhereNode[], orders: readonly Order[]): WhereNode {
  const model = codec.meta.name;
  return {
    type: "expr",
    or: false,
    build: (eb, outer) => {
      const cursor = codecFor(session, model).aliased("relata_cursor");
      const row = selectModel(session, cursor, where)
        .where((inner) => atOrAfter(inner, outer, cursor, orders))
        .select(sql.lit(1).as("relata_one"));
      return eb.exists(row);
    },
  };
}

/**
 * The row of `a` sorts at or after the row of `b` in `orders` (the last of which is unique):
 * `a1 > b1 OR (a1 = b1 AND (a2 > b2 OR ...))`, with NULLs where the database sorts them.
 */
function atOrAfter(
  eb: ExpressionBuilder<any, any>,
  a: ModelCodec,
  b: ModelCodec,
  orders: readonly Order[],
): Expression<SqlBool> {
  const terms = orders.map((order) => term(a, b, order));
  const alternatives = terms.map((t, i) =>
    eb.and([...terms.slice(0, i).map((p) => p.equal), i === terms.length - 1 ? t.atOrAfter : t.after]),
  );
  return eb.or(alternatives);
}

interface Term {
  readonly after: Expression<SqlBool>;
  readonly equal: Expression<SqlBool>;
  readonly atOrAfter: Expression<SqlBool>;
}

/** How the row of `a` compares with the row of `b` on one order: strictly after, or equal. */
function term(a: ModelCodec, b: ModelCodec, order: Order): Term {
  const left = orderExpression(a, order);
  const right = orderExpression(b, order);
  const asc = order.direction === "asc";
  const nullable = !order.build && a.field(order.field).config.nullable;
  if (!nullable) {
    return {
      after: sql<SqlBool>`${left} ${sql.raw(asc ? ">" : "<")} ${right}`,
      equal: sql<SqlBool>`${left} = ${right}`,
      atOrAfter: sql<SqlBool>`${left} ${sql.raw(asc ? ">=" : "<=")} ${right}`,
    };
  }
  // NULLs come first when they sort low and the order ascends, or they sort high and it descends.
  const [early, late] = a.profile.nullsSortFirst === asc ? [right, left] : [left, right];
  const after = sql<SqlBool>`(${left} ${sql.raw(asc ? ">" : "<")} ${right} or (${early} is null and ${late} is not null))`;
  const equal = sql<SqlBool>`(${left} = ${right} or (${left} is null and ${right} is null))`;
  return { after, equal, atOrAfter: sql<SqlBool>`(${after} or ${equal})` };
}

/** `key IN (...)`, or `(k1, k2) IN (...)` for a composite primary key. */
function keyIn(codec: ModelCodec, keys: RawBuilder<unknown>): Expression<SqlBool> {
  const refs = codec.meta.primaryKey.map((f) => sql.ref(codec.ref(f)));
  const left = refs.length === 1 ? refs[0]! : sql`(${sql.join(refs)})`;
  return sql<SqlBool>`${left} in ${keys}`;
}

/** The primary key fields of `codec`'s table as `relata_k0`, `relata_k1`, ... */
const keyColumns = (codec: ModelCodec) => codec.meta.primaryKey.map((f, i) => sql.ref(codec.ref(f)).as(`relata_k${i}`));

/** The `relata_k*` columns of a derived table. */
const derivedKeys = (codec: ModelCodec, alias: string) => codec.meta.primaryKey.map((_, i) => `${alias}.relata_k${i}`);

/** The outer row is the first of its combination of `fields` (in `orders`) among the rows `wheres` match. */
function distinctNode(
  session: Session,
  model: string,
  fields: readonly string[],
  orders: readonly Order[],
  wheres: readonly WhereNode[],
): WhereNode {
  return {
    type: "expr",
    or: false,
    build: (_eb, outer) => {
      const inner = codecFor(session, model).aliased("relata_d");
      const partition = sql.join(fields.map((f) => sql.ref(inner.ref(f))));
      const order = sql.join(orders.map((o) => sql`${orderExpression(inner, o)} ${sql.raw(o.direction)}`));
      const ranked = selectModel(session, inner, wheres).select([
        ...keyColumns(inner),
        sql`row_number() over (partition by ${partition} order by ${order})`.as("relata_rn"),
      ]);
      const firsts = selectDerived(session, ranked, "relata_distinct")
        .select(derivedKeys(inner, "relata_distinct"))
        .where("relata_distinct.relata_rn", "=", 1);
      return keyIn(outer, sql`${firsts}`);
    },
  };
}

/**
 * The outer row is among the first `take` rows (after `skip`) `wheres` match in `orders`: a
 * derived table, as MySQL takes no LIMIT in an IN subquery itself.
 */
function windowNode(
  session: Session,
  model: string,
  orders: readonly Order[],
  wheres: readonly WhereNode[],
  take: number,
  skip: number | undefined,
): WhereNode {
  return {
    type: "expr",
    or: false,
    build: (_eb, outer) => {
      const inner = codecFor(session, model).aliased("relata_w");
      const paged = applyPaging(
        inner,
        { ...EMPTY_STATE, orders, limit: take, offset: skip },
        selectModel(session, inner, wheres).select(keyColumns(inner)),
      );
      const keys = selectDerived(session, paged, "relata_window").select(derivedKeys(inner, "relata_window"));
      return keyIn(outer, sql`${keys}`);
    },
  };
}
