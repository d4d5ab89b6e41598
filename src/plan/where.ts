import { type Expression, type ExpressionBuilder, type SqlBool, sql } from "kysely";
import { ValidationError } from "../errors.js";
import type { ModelCodec } from "./model-codec.js";
import { checkFilterValue, checkPatternText } from "./validate.js";

export const OPERATORS = ["=", "!=", "<>", "<", "<=", ">", ">=", "like", "not like", "in", "not in"] as const;
export type Operator = (typeof OPERATORS)[number];

/** One condition of a where clause; `or` joins it to the previous one with OR. */
export type WhereNode =
  | {
      readonly type: "compare";
      readonly or: boolean;
      readonly field: string;
      readonly op: Operator;
      readonly value: unknown;
      /** A LIKE pattern whose `%`, `_` and `!` were escaped with `!` (escapeLike). */
      readonly escaped?: boolean;
    }
  | { readonly type: "null"; readonly or: boolean; readonly field: string; readonly not: boolean }
  | {
      readonly type: "between";
      readonly or: boolean;
      readonly field: string;
      readonly not: boolean;
      readonly range: readonly [unknown, unknown];
    }
  | { readonly type: "group"; readonly or: boolean; readonly not: boolean; readonly nodes: readonly WhereNode[] }
  | {
      /** A condition built when compiled, against the (possibly aliased) table it ends up on: relation filters. */
      readonly type: "expr";
      readonly or: boolean;
      readonly build: (eb: ExpressionBuilder<any, any>, codec: ModelCodec) => Expression<SqlBool>;
      /**
       * Adds the shape of the SQL `build` makes on `codec` to `parts` and the values it binds, in
       * order, to `values` (the compiled-SQL cache, plan/compiled-cache.ts); false, or absent,
       * when it cannot say.
       */
      readonly sign?: (codec: ModelCodec, parts: string[], values: unknown[]) => boolean;
    };

/**
 * Throws unless `field` holds text a LIKE can match: string() or text() (PostgreSQL has no LIKE
 * on uuid, date, json or numbers; the others would compare a conversion to text).
 */
export function checkLikeField(codec: ModelCodec, field: string, operator: string): void {
  const { kind } = codec.field(field, "filter by").config;
  if (kind !== "string" && kind !== "text") {
    throw new ValidationError(
      `${operator} applies to string() and text() fields; "${codec.meta.name}.${field}" is ${kind}(). Compare it with =, <, >, in or between.`,
      codec.meta.name,
      field,
    );
  }
}

/**
 * Builds a validated compare node (null values become IS [NOT] NULL, as in Eloquent).
 * `escaped`: a LIKE pattern whose `%`, `_` and `!` were escaped with `!` (escapeLike).
 */
export function compareNode(
  codec: ModelCodec,
  or: boolean,
  field: string,
  op: string,
  value: unknown,
  escaped = false,
): WhereNode {
  codec.field(field, "filter by");
  const operator = op.toLowerCase() as Operator;
  if (!OPERATORS.includes(operator)) {
    throw new ValidationError(
      `Unknown operator "${op}" in a where on "${codec.meta.name}.${field}". Valid operators: ${OPERATORS.join(", ")}.`,
      codec.meta.name,
      field,
    );
  }
  if (value === undefined) {
    throw new ValidationError(
      `The value compared with "${codec.meta.name}.${field}" is undefined; pass null to match NULL.`,
      codec.meta.name,
      field,
    );
  }
  const isList = operator === "in" || operator === "not in";
  if (isList !== Array.isArray(value)) {
    throw new ValidationError(
      `Operator "${operator}" on "${codec.meta.name}.${field}" ${isList ? "needs an array" : "cannot take an array; use in"}.`,
      codec.meta.name,
      field,
    );
  }
  if (value === null && (operator === "=" || operator === "!=" || operator === "<>")) {
    return { type: "null", or, field, not: operator !== "=" };
  }
  if (operator === "like" || operator === "not like") {
    if (typeof value !== "string") {
      throw new ValidationError(
        `Operator "${operator}" on "${codec.meta.name}.${field}" needs a string pattern, got ${typeof value}.`,
        codec.meta.name,
        field,
      );
    }
    checkLikeField(codec, field, `Operator "${operator}"`);
    checkPatternText(codec, field, value);
    // Backslash is the escape character on every database (compileNode); PostgreSQL rejects a
    // pattern ending in it, MySQL matches it literally, SQLite matches nothing.
    if (!escaped && /(?:^|[^\\])(?:\\\\)*\\$/.test(value)) {
      throw new ValidationError(
        `The like pattern for "${codec.meta.name}.${field}" ends with a lone backslash, the escape character; write "\\\\" for a literal backslash.`,
        codec.meta.name,
        field,
      );
    }
    return escaped
      ? { type: "compare", or, field, op: operator, value, escaped }
      : { type: "compare", or, field, op: operator, value };
  }
  for (const item of isList ? (value as unknown[]) : [value]) checkFilterValue(codec, field, item);
  return { type: "compare", or, field, op: operator, value };
}

/** Compiles where nodes to one Kysely condition, with SQL's precedence (AND before OR). */
export function compileWhere(
  codec: ModelCodec,
  eb: ExpressionBuilder<any, any>,
  nodes: readonly WhereNode[],
): Expression<SqlBool> {
  const orGroups: Expression<SqlBool>[][] = [];
  for (const node of nodes) {
    const condition = compileNode(codec, eb, node);
    if (node.or || orGroups.length === 0) orGroups.push([condition]);
    else orGroups[orGroups.length - 1]!.push(condition);
  }
  const ands = orGroups.map((group) => (group.length === 1 ? group[0]! : eb.and(group)));
  return ands.length === 1 ? ands[0]! : eb.or(ands);
}

function compileNode(codec: ModelCodec, eb: ExpressionBuilder<any, any>, node: WhereNode): Expression<SqlBool> {
  switch (node.type) {
    case "compare": {
      const ref = codec.ref(node.field);
      if (node.op === "in" || node.op === "not in") {
        const values = (node.value as unknown[]).map((v) => codec.encode(node.field, v));
        // An empty list matches nothing (in) or everything (not in); SQL cannot say `in ()`.
        if (values.length === 0) return eb.lit(node.op === "not in");
        return codec.profile.inList(sql.ref(ref), values, node.op === "not in", codec.field(node.field).config);
      }
      if (node.escaped) {
        // One escape character that needs no escaping in any dialect's string literals.
        return sql<SqlBool>`${sql.ref(ref)} ${sql.raw(node.op)} ${node.value} escape '!'`;
      }
      if ((node.op === "like" || node.op === "not like") && !codec.profile.backslashEscapesLike) {
        // A backslash escapes in a LIKE pattern on every database, as it does by default on PostgreSQL and MySQL.
        return sql<SqlBool>`${sql.ref(ref)} ${sql.raw(node.op)} ${node.value} escape '\\'`;
      }
      const value = node.op === "like" || node.op === "not like" ? node.value : codec.encode(node.field, node.value);
      return eb(ref, node.op, value);
    }
    case "null":
      return eb(codec.ref(node.field), node.not ? "is not" : "is", null);
    case "between": {
      const ref = codec.ref(node.field);
      const [low, high] = node.range.map((v) => codec.encode(node.field, v));
      const between = eb.between(ref, low, high);
      return node.not ? eb.not(between) : between;
    }
    case "expr":
      return node.build(eb, codec);
    case "group": {
      const inner = node.nodes.length === 0 ? eb.lit(true) : compileWhere(codec, eb, node.nodes);
      return node.not ? eb.not(inner) : inner;
    }
  }
}
