import type { Session } from "../dialect/session.js";
import { ValidationError } from "../errors.js";
import { targetModels } from "../plan/eager.js";
import { codecFor, type ModelCodec } from "../plan/model-codec.js";
import { EMPTY_STATE, type QueryState } from "../plan/state.js";
import { checkLikeField, compareNode, type WhereNode } from "../plan/where.js";
import { type RelationMeta, TO_MANY_KINDS } from "../schema/meta.js";
import { existsAny, relatedQueries } from "./subquery.js";

const FILTERS = ["equals", "not", "in", "notIn", "lt", "lte", "gt", "gte", "contains", "startsWith", "endsWith"];
const COMBINATORS = ["AND", "OR", "NOT"];

/** `%`, `_` and the escape character itself, escaped for a LIKE pattern with `ESCAPE '!'`. */
export const escapeLike = (text: string) => text.replace(/[!%_]/g, (c) => `!${c}`);

const group = (nodes: WhereNode[], or = false, not = false): WhereNode => ({ type: "group", or, not, nodes });

/**
 * `undefined` in a filter is a ValidationError, on reads as on writes: skipping it would match
 * every row (a typo or a missing variable turning a delete or a read into one of everything).
 */
function undefinedFilter(model: string, where: string, field?: string): ValidationError {
  return new ValidationError(
    `The filter ${where} on "${model}" is undefined; omit the key to set no condition, or pass null to match NULL.`,
    model,
    field,
  );
}

/**
 * Prisma-style `where` -> where nodes: `{ field: value }`, `{ field: { gt, in, contains, ... } }`,
 * `AND` / `OR` / `NOT`. Every field is checked against the model before any SQL.
 */
export function whereInput(session: Session, codec: ModelCodec, input: unknown): WhereNode[] {
  if (input === undefined) return [];
  const model = codec.meta.name;
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new ValidationError(`where on "${model}" must be an object of field filters.`, model);
  }
  const nodes: WhereNode[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) {
      throw undefinedFilter(model, `"${key}"`, COMBINATORS.includes(key) ? undefined : key);
    }
    if (key === "AND" || key === "NOT") {
      // As in Prisma: AND holds when every filter does, NOT when none does (an empty list: no condition).
      const parts = (Array.isArray(value) ? value : [value]).map((v, i) =>
        group(whereInput(session, codec, entry(model, key, v, i)), false, key === "NOT"),
      );
      nodes.push(group(parts));
    } else if (key === "OR") {
      if (!Array.isArray(value)) throw new ValidationError(`OR on "${model}" takes an array of filters.`, model);
      // An empty OR matches nothing (NOT TRUE), as in Prisma.
      nodes.push(
        value.length === 0
          ? group([], false, true)
          : group(value.map((v, i) => group(whereInput(session, codec, entry(model, key, v, i)), true))),
      );
    } else if (codec.meta.relations.has(key)) {
      nodes.push(relationFilter(session, codec, codec.meta.relations.get(key)!, value));
    } else {
      if (!codec.meta.fields.has(key)) {
        throw new ValidationError(
          `Cannot filter by unknown field "${key}" on model "${model}". Valid fields: ${codec.meta.fieldNames.join(", ")}; or ${COMBINATORS.join(", ")}.`,
          model,
          key,
        );
      }
      nodes.push(...fieldFilter(codec, key, value));
    }
  }
  return nodes;
}

/** An entry of AND / OR / NOT: undefined there is an error too (whereInput takes undefined as "no where"). */
function entry(model: string, key: string, value: unknown, index: number): unknown {
  if (value === undefined) throw undefinedFilter(model, `${key}[${index}]`);
  return value;
}

function isFilterObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !(value instanceof Date) && !Array.isArray(value);
}

function fieldFilter(codec: ModelCodec, field: string, value: unknown): WhereNode[] {
  const kind = codec.field(field).config.kind;
  // A json field compares whole values; any other object is a filter.
  if (!isFilterObject(value) || kind === "json") return [compareNode(codec, false, field, "=", value)];
  const nodes: WhereNode[] = [];
  for (const [op, operand] of Object.entries(value)) {
    if (operand === undefined) throw undefinedFilter(codec.meta.name, `"${field}.${op}"`, field);
    switch (op) {
      case "equals":
        nodes.push(compareNode(codec, false, field, "=", operand));
        break;
      case "not":
        nodes.push(
          isFilterObject(operand)
            ? group(fieldFilter(codec, field, operand), false, true)
            : compareNode(codec, false, field, "!=", operand),
        );
        break;
      case "in":
      case "notIn":
        nodes.push(compareNode(codec, false, field, op === "in" ? "in" : "not in", operand));
        break;
      case "lt":
      case "lte":
      case "gt":
      case "gte":
        nodes.push(compareNode(codec, false, field, { lt: "<", lte: "<=", gt: ">", gte: ">=" }[op], operand));
        break;
      case "contains":
      case "startsWith":
      case "endsWith": {
        checkLikeField(codec, field, op);
        if (typeof operand !== "string") {
          throw new ValidationError(`${op} on "${codec.meta.name}.${field}" needs a string.`, codec.meta.name, field);
        }
        const text = escapeLike(operand);
        const pattern = op === "contains" ? `%${text}%` : op === "startsWith" ? `${text}%` : `%${text}`;
        nodes.push(compareNode(codec, false, field, "like", pattern, true));
        break;
      }
      default:
        throw new ValidationError(
          `Unknown filter "${op}" on "${codec.meta.name}.${field}". Valid filters: ${FILTERS.join(", ")}.`,
          codec.meta.name,
          field,
        );
    }
  }
  return nodes;
}

const LIST_FILTERS = ["some", "every", "none"];
const ONE_FILTERS = ["is", "isNot"];

/**
 * `posts: { some | every | none: {...} }` on to-many relations, `author: { is | isNot: {...} | null }`
 * (or a plain filter, meaning `is`) on to-one relations: correlated EXISTS subqueries, nested
 * to any depth. `every` over no related rows is true, as in Prisma and Eloquent.
 */
function relationFilter(session: Session, codec: ModelCodec, meta: RelationMeta, value: unknown): WhereNode {
  const model = codec.meta.name;
  const many = TO_MANY_KINDS.has(meta.kind);
  // `author: null` on a to-one relation is Prisma's shorthand for `is: null`.
  if (value === null && !many) return exists(session, meta.name, EMPTY_STATE, true);
  if (!isFilterObject(value)) {
    throw new ValidationError(`The filter on relation "${model}.${meta.name}" must be an object.`, model, meta.name);
  }
  const allowed = many ? LIST_FILTERS : ONE_FILTERS;
  const keys = Object.keys(value);
  const misplaced = keys.find((k) => (many ? ONE_FILTERS : LIST_FILTERS).includes(k));
  if (misplaced) {
    throw new ValidationError(
      `"${misplaced}" does not apply to "${model}.${meta.name}", a ${many ? "to-many" : "to-one"} relation: use ${allowed.join(" / ")}.`,
      model,
      meta.name,
    );
  }
  const entries: [string, unknown][] =
    !many && !keys.some((k) => ONE_FILTERS.includes(k)) ? [["is", value]] : Object.entries(value);
  for (const [op, operand] of entries) {
    if (operand === undefined) throw undefinedFilter(model, `"${meta.name}.${op}"`, meta.name);
  }
  const nodes = entries.map(([op, filter]): WhereNode => {
    if (!allowed.includes(op)) {
      throw new ValidationError(
        `Unknown relation filter "${op}" on "${model}.${meta.name}" (${many ? "to-many" : "to-one"}). Valid: ${allowed.join(", ")}.`,
        model,
        meta.name,
      );
    }
    if (filter === null && (op === "is" || op === "isNot")) return exists(session, meta.name, EMPTY_STATE, op === "is");
    const targets = targetModels(meta);
    if (targets.length > 1) {
      throw new ValidationError(
        `Filtering by "${model}.${meta.name}" is ambiguous: its rows belong to several models (${targets.join(", ")}); only is/isNot: null apply.`,
        model,
        meta.name,
      );
    }
    const conditions = whereInput(session, codecFor(session, targets[0]!), filter);
    if (op === "every") {
      const violating = conditions.length === 0 ? [group([], false, true)] : [group(conditions, false, true)];
      return exists(session, meta.name, { ...EMPTY_STATE, wheres: violating }, true);
    }
    return exists(session, meta.name, { ...EMPTY_STATE, wheres: conditions }, op === "none" || op === "isNot");
  });
  return group(nodes);
}

/** EXISTS (or NOT EXISTS) related rows of `relation` matching `state`, resolved against the outer table when compiled. */
function exists(session: Session, relation: string, state: QueryState, negate: boolean): WhereNode {
  return {
    type: "expr",
    or: false,
    build: (eb, outer) => {
      const any = existsAny(eb, relatedQueries(session, outer, outer.meta.relations.get(relation)!, state));
      return negate ? eb.not(any) : any;
    },
  };
}
