import { type Compilable, CompiledQuery } from "kysely";
import type { Session } from "../dialect/session.js";
import { ruleOf } from "./front-door.js";
import type { ModelCodec } from "./model-codec.js";
import { pageFirst, type QueryState } from "./state.js";
import type { WhereNode } from "./where.js";

/**
 * Compiled SQL per query shape. Building and compiling a Kysely query costs several times what
 * a point lookup takes SQLite to run, and a shape (which fields, which conditions on which
 * fields, ordering, paging) repeats: its SQL is kept and only the values are bound anew.
 *
 * A shape is cached once a compile has shown that the values relata extracts from the state,
 * in its own traversal order, are exactly the parameters Kysely bound, in order, and that they
 * were all different from each other (so the order cannot have matched by coincidence). Any
 * shape the check does not confirm is compiled every time, as before.
 */
export type ShapeValues = [signature: string, values: unknown[]];

const GIVE_UP_AFTER = 3;
const MAX_SHAPES = 1_000;

/** The compiled query for `build()`, from the shape's cached SQL when it has been confirmed. */
export function compileCached(
  session: Session,
  shape: ShapeValues | undefined,
  build: () => Compilable,
): CompiledQuery {
  if (!shape) return build().compile();
  const [signature, values] = shape;
  session.facts.statements ??= new Map();
  const cache = session.facts.statements;
  const entry = cache.get(signature);
  if (entry?.sql !== undefined) return CompiledQuery.raw(entry.sql, values);
  const compiled = build().compile();
  if (entry && entry.misses >= GIVE_UP_AFTER) return compiled;
  if (sameValues(compiled.parameters, values) && allDistinct(values)) {
    if (cache.size >= MAX_SHAPES) cache.delete(cache.keys().next().value!);
    cache.set(signature, { sql: compiled.sql, misses: 0 });
  } else {
    cache.set(signature, { sql: undefined, misses: (entry?.misses ?? 0) + 1 });
  }
  return compiled;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return false;
}

function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
}

function allDistinct(values: readonly unknown[]): boolean {
  const flat = values.flatMap((v) => (Array.isArray(v) ? v : [v]));
  const seen = new Set(
    flat.map((v) => (v instanceof Date ? `d${v.getTime()}` : typeof v === "object" ? v : `${typeof v}:${String(v)}`)),
  );
  return seen.size === flat.length;
}

/** A table a select joins (a unique to-one relation read with its parent): its relation's name, its codec. */
export interface JoinedShape {
  readonly name: string;
  readonly codec: ModelCodec;
}

/**
 * The shape of a select over `state` (its signature) and the values it binds, in order; or
 * undefined when the state holds parts whose SQL is built by closures that cannot sign it
 * (sorting by an aggregate, pivot conditions, a relation filter or aggregate without `sign`).
 */
export function selectShape(
  codec: ModelCodec,
  state: QueryState,
  prefix = "select",
  joins: readonly JoinedShape[] = [],
): ShapeValues | undefined {
  if (state.orders.some((o) => o.build) || state.pivotWheres.length > 0) return undefined;
  const values: unknown[] = [];
  const parts: string[] = [prefix, codec.from, state.selects ? state.selects.join(",") : "*"];
  // Aggregates with an offset: the page is a derived table, its aggregates selected over it.
  if (pageFirst(codec, state)) parts.push("page-first");
  // The select list (aggregates' subqueries) binds before the FROM.
  for (const aggregate of state.aggregates) {
    parts.push("agg", aggregate.alias);
    if (!aggregate.sign?.(codec, parts, values)) return undefined;
  }
  // Joined tables bind their rules' values (in ON) before the WHERE does.
  for (const join of joins) {
    parts.push("join", join.name);
    if (!signRule(join.codec, parts, values)) return undefined;
  }
  if (!signRule(codec.under(state), parts, values)) return undefined;
  for (const nodes of [state.scope, state.wheres]) {
    if (!signNodes(codec, nodes, parts, values)) return undefined;
    parts.push("|");
  }
  for (const order of state.orders) parts.push(`o:${order.field}:${order.direction}`);
  if (state.limit === 1) {
    parts.push("l1"); // compiled as a literal (limitValue)
  } else if (state.limit !== undefined || state.offset !== undefined) {
    parts.push("l");
    values.push(state.limit ?? Number.MAX_SAFE_INTEGER);
  }
  if (state.offset !== undefined) {
    parts.push("f");
    values.push(state.offset);
  }
  return [parts.join(" "), values];
}

/**
 * Adds the signature of the model's rule (front-door.ts) to `parts` and its bound values to
 * `values`, as the front door compiles it: first. A shape signed before a rule was installed
 * cannot serve SQL without it. False if the rule holds a closure.
 */
export function signRule(codec: ModelCodec, parts: string[], values: unknown[]): boolean {
  const rule = ruleOf(codec);
  if (!rule) return true;
  parts.push("rule");
  const signed = signNodes(codec, rule, parts, values);
  parts.push("|");
  return signed;
}

/** Adds the nodes' signature to `parts` and their bound values to `values`; false if a node is a closure. */
export function signNodes(codec: ModelCodec, nodes: readonly WhereNode[], parts: string[], values: unknown[]): boolean {
  for (const node of nodes) {
    const joint = node.or ? "or" : "and";
    switch (node.type) {
      case "compare": {
        if (node.op === "in" || node.op === "not in") {
          const list = (node.value as unknown[]).map((v) => codec.encode(node.field, v));
          parts.push(`${joint} ${node.field} ${node.op} ${list.length}`);
          if (list.length === 0) break;
          if (codec.profile.numberedParameters) values.push(list);
          else values.push(...list);
          break;
        }
        parts.push(`${joint} ${node.field} ${node.op}${node.escaped ? " e" : ""}`);
        const like = node.op === "like" || node.op === "not like";
        values.push(like ? node.value : codec.encode(node.field, node.value));
        break;
      }
      case "null":
        parts.push(`${joint} ${node.field} null ${node.not}`);
        break;
      case "between":
        parts.push(`${joint} ${node.field} between ${node.not}`);
        values.push(codec.encode(node.field, node.range[0]), codec.encode(node.field, node.range[1]));
        break;
      case "group":
        parts.push(`${joint} ${node.not ? "not " : ""}(`);
        if (!signNodes(codec, node.nodes, parts, values)) return false;
        parts.push(")");
        break;
      case "expr":
        parts.push(`${joint} expr`);
        if (!node.sign?.(codec, parts, values)) return false;
        break;
    }
  }
  return true;
}
