import type { Session } from "../../dialect/session.js";
import { ValidationError } from "../../errors.js";
import { checkOwnKey, describeValue } from "../../plan/arguments.js";
import { type ModelCodec, modelOfRow } from "../../plan/model-codec.js";
import { compareNode, type WhereNode } from "../../plan/where.js";
import { whereInput } from "../../relations/where-input.js";

type Values = Record<string, unknown>;

/** A where as a string, to tell the same where given twice (bigints included). */
export const sameWhere = (where: unknown): string =>
  JSON.stringify(where, (_key, value) => (typeof value === "bigint" ? `${value}n` : value)) ?? String(where);

/** Nodes joined as one condition: all of them (or, `not`, none of them). */
export const allOf = (nodes: readonly WhereNode[], not = false): WhereNode => ({
  type: "group",
  or: false,
  not,
  nodes,
});

/** One condition that holds when any of `groups` does (none: matches nothing). */
export function anyOf(groups: readonly (readonly WhereNode[])[], not = false): WhereNode {
  if (groups.length === 0) return allOf([allOf([], true)], not);
  return {
    type: "group",
    or: false,
    not,
    nodes: groups.map((nodes, i) => ({ type: "group", or: i > 0, not: false, nodes })),
  };
}

const isPlainObject = (value: unknown): value is Values =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** A key given by itself (`connect: 7`): a number, string or bigint. */
const isRawKey = (value: unknown): value is number | string | bigint =>
  typeof value === "number" || typeof value === "string" || typeof value === "bigint";

/**
 * Prisma's WhereUniqueInput on `codec`'s model: field values that name at most one row (the
 * primary key, a unique field, or every field of a compound unique), any other field values
 * narrowing it further. A raw key (`7`) names `keyField`. Compiled to equality conditions, each
 * value checked; anything else is a ValidationError naming `context` and what is valid.
 */
export function uniqueWhere(
  codec: ModelCodec,
  where: unknown,
  keyField: string | undefined,
  context: string,
): WhereNode[] {
  const model = codec.meta.name;
  const object = isRawKey(where) && keyField !== undefined ? { [keyField]: codec.keyValue(keyField, where) } : where;
  if (!isPlainObject(object)) {
    throw new ValidationError(
      `${context} takes a unique where of "${model}" (${uniqueHint(codec, keyField)})${keyField === undefined ? "" : " or a key"}; got ${describeValue(where)}.`,
      model,
    );
  }
  const nodes: WhereNode[] = [];
  for (const [field, value] of Object.entries(object)) {
    checkOwnKey(model, field);
    if (!codec.meta.fields.has(field)) {
      throw new ValidationError(
        `${context}: "${field}" is not a field of "${model}". A unique where takes field values: ${uniqueHint(codec, keyField)}.`,
        model,
        field,
      );
    }
    if (value === undefined) continue;
    if (value === null || (isPlainObject(value) && codec.field(field).config.kind !== "json")) {
      throw new ValidationError(
        `${context}: a unique where of "${model}" compares fields with values; "${field}" got ${describeValue(value)}.`,
        model,
        field,
      );
    }
    nodes.push(compareNode(codec, false, field, "=", codec.keyValue(field, value)));
  }
  const given = new Set(nodes.map((node) => (node as { field: string }).field));
  if (!uniqueKeys(codec, keyField).some((key) => key.every((field) => given.has(field)))) {
    throw new ValidationError(
      `${context} needs a unique where of "${model}": ${uniqueHint(codec, keyField)}; got ${describeValue(where)}.`,
      model,
    );
  }
  return nodes;
}

/**
 * What connect, disconnect, set and delete take: a unique where or a key (see uniqueWhere), or
 * a row read through relata (it knows its model), named by its `keyField` alone.
 */
export function whereOrRow(codec: ModelCodec, item: unknown, keyField: string | undefined, context: string) {
  const key =
    keyField !== undefined && isPlainObject(item) && Object.hasOwn(item, keyField) ? item[keyField] : undefined;
  const row = key !== undefined && key !== null && modelOfRow(item as object) === codec.meta.name;
  return uniqueWhere(codec, row ? { [keyField!]: key } : item, keyField, context);
}

/** The key a where names by `field` alone (`{ id: 7 }`, or the key 7), or undefined. */
export function keyOnly(nodes: readonly WhereNode[], field: string): unknown {
  const [node, ...rest] = nodes;
  return rest.length === 0 && node?.type === "compare" && node.field === field && node.op === "="
    ? node.value
    : undefined;
}

/** The field sets that name one row: the primary key, the key a raw key names, unique fields, compound uniques. */
function uniqueKeys(codec: ModelCodec, keyField: string | undefined): (readonly string[])[] {
  const { meta } = codec;
  const singles = [...meta.fields.values()].filter((f) => f.config.unique).map((f) => [f.name]);
  const named = keyField === undefined ? [] : [[keyField]];
  return [meta.primaryKey, ...named, ...singles, ...(meta.uniques ?? [])].filter((key) => key.length > 0);
}

/** `{ id } or { email }`, for errors. */
function uniqueHint(codec: ModelCodec, keyField: string | undefined): string {
  const keys = [...new Map(uniqueKeys(codec, keyField).map((key) => [key.join(","), key])).values()];
  return keys.map((key) => `{ ${key.join(", ")} }`).join(" or ");
}

/**
 * A nested write's filter (the `where` of updateMany / deleteMany, of a to-one update, upsert,
 * disconnect or delete): a Prisma where on `codec`'s model, compiled as reads compile theirs
 * (relations/where-input.ts: field filters, AND / OR / NOT, relation filters). Checked before
 * any SQL; a ValidationError names `context`.
 */
export function nestedWhere(session: Session, codec: ModelCodec, where: unknown, context: string): WhereNode[] {
  const model = codec.meta.name;
  if (!isPlainObject(where)) {
    throw new ValidationError(`${context} takes a where object of "${model}"; got ${describeValue(where)}.`, model);
  }
  try {
    return whereInput(session, codec, where);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError(`${context}: ${error.message}`, error.model, error.field);
  }
}
