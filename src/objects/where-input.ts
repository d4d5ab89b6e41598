import { ValidationError } from "../errors.js";
import type { ModelCodec } from "../query/model-codec.js";
import { compareNode, type WhereNode } from "../query/where.js";

const FILTERS = ["equals", "not", "in", "notIn", "lt", "lte", "gt", "gte", "contains", "startsWith", "endsWith"];
const COMBINATORS = ["AND", "OR", "NOT"];

/** `%`, `_` and the escape character itself, escaped for a LIKE pattern with `ESCAPE '!'`. */
export const escapeLike = (text: string) => text.replace(/[!%_]/g, (c) => `!${c}`);

const group = (nodes: WhereNode[], or = false, not = false): WhereNode => ({ type: "group", or, not, nodes });

/**
 * Prisma-style `where` -> where nodes: `{ field: value }`, `{ field: { gt, in, contains, ... } }`,
 * `AND` / `OR` / `NOT`. Every field is checked against the model before any SQL.
 */
export function whereInput(codec: ModelCodec, input: unknown): WhereNode[] {
  if (input === undefined) return [];
  const model = codec.meta.name;
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new ValidationError(`where on "${model}" must be an object of field filters.`, model);
  }
  const nodes: WhereNode[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (key === "AND" || key === "NOT") {
      // As in Prisma: AND holds when every filter does, NOT when none does (an empty list: no condition).
      const parts = (Array.isArray(value) ? value : [value]).map((v) =>
        group(whereInput(codec, v), false, key === "NOT"),
      );
      nodes.push(group(parts));
    } else if (key === "OR") {
      if (!Array.isArray(value)) throw new ValidationError(`OR on "${model}" takes an array of filters.`, model);
      // An empty OR matches nothing (NOT TRUE), as in Prisma.
      nodes.push(
        value.length === 0 ? group([], false, true) : group(value.map((v) => group(whereInput(codec, v), true))),
      );
    } else if (codec.meta.relations.has(key)) {
      throw new ValidationError(
        `Filtering "${model}" by its relation "${key}" (some/every/none/is/isNot) is not available yet; filter on the relation's keys instead.`,
        model,
        key,
      );
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

function isFilterObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !(value instanceof Date) && !Array.isArray(value);
}

function fieldFilter(codec: ModelCodec, field: string, value: unknown): WhereNode[] {
  const kind = codec.field(field).config.kind;
  // A json field compares whole values; any other object is a filter.
  if (!isFilterObject(value) || kind === "json") return [compareNode(codec, false, field, "=", value)];
  const nodes: WhereNode[] = [];
  for (const [op, operand] of Object.entries(value)) {
    if (operand === undefined) continue;
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
        if (typeof operand !== "string") {
          throw new ValidationError(`${op} on "${codec.meta.name}.${field}" needs a string.`, codec.meta.name, field);
        }
        const text = escapeLike(operand);
        const pattern = op === "contains" ? `%${text}%` : op === "startsWith" ? `${text}%` : `%${text}`;
        const node = compareNode(codec, false, field, "like", pattern);
        nodes.push(node.type === "compare" ? { ...node, escaped: true } : node);
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
