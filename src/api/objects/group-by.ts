import { sql } from "kysely";
import type { Session } from "../../dialect/session.js";
import { ValidationError } from "../../errors.js";
import { checkOwnKey, describeValue } from "../../plan/arguments.js";
import type { ModelCodec } from "../../plan/model-codec.js";
import { applyPaging, baseQuery, EMPTY_STATE, type Order } from "../../plan/state.js";
import { compileWhere } from "../../plan/where.js";
import { whereInput } from "../../relations/where-input.js";
import {
  type ColumnOf,
  checkMeasureField,
  measureExpression,
  measureValue,
  ownArgs,
  PARTS,
  type Part,
  requestInput,
  resultOf,
  selections,
} from "./aggregate-measures.js";
import { havingInput } from "./group-having.js";

const GROUP_BY_KEYS = ["by", "where", "having", "orderBy", "take", "skip", ...PARTS];

/**
 * Prisma's `groupBy({ by, where, _count, _sum, _avg, _min, _max, having, orderBy, take, skip })`:
 * a row per combination of the `by` fields among the rows `where` matches, with the aggregates
 * asked for. `having` filters the groups (on aggregates, or on `by` fields); `orderBy` sorts them
 * by `by` fields or aggregates, and is needed with take/skip, as in Prisma. One statement.
 */
export async function groupByArgs(session: Session, codec: ModelCodec, args: unknown): Promise<unknown> {
  const input = ownArgs(codec, "groupBy", args, GROUP_BY_KEYS);
  const by = byInput(codec, input.by);
  const request = requestInput(codec, input);
  const column: ColumnOf = (field) => sql.ref(codec.ref(field));
  const orders = ordersInput(codec, by, input.orderBy, column);
  const take = pageCount(codec, "take", input.take);
  const skip = pageCount(codec, "skip", input.skip);
  if ((take !== undefined || skip !== undefined) && orders.length === 0) {
    throw new ValidationError(
      `groupBy on "${codec.meta.name}" with take or skip needs an orderBy (by a field of by, or an aggregate), as in Prisma.`,
      codec.meta.name,
    );
  }
  const having = havingInput(session, codec, by, input.having, column);
  const state = { ...EMPTY_STATE, wheres: whereInput(session, codec, input.where) };
  const aliases = request.measures.map((_, i) => `relata_a${i}`);
  let query = baseQuery(session, codec, state)
    .select([...codec.select(by), ...selections(codec, request.measures, column, aliases)])
    .groupBy(by.map((f) => sql.ref(codec.ref(f))));
  if (having.length > 0) query = query.having((eb) => compileWhere(codec, eb, having));
  query = applyPaging(codec, { ...EMPTY_STATE, orders, limit: take, offset: skip }, query);
  const result = await session.execute<Record<string, unknown>>(query);
  return result.rows.map((row) => {
    const values = request.measures.map((m, i) => measureValue(codec, m, row, aliases[i]!));
    const keys = codec.decode<Record<string, unknown>>(Object.fromEntries(by.map((f) => [f, row[f]])));
    return { ...keys, ...resultOf(request, values) };
  });
}

/** `by: "city"` or `by: ["city", "country"]`: fields of the model, at least one. */
function byInput(codec: ModelCodec, input: unknown): string[] {
  const model = codec.meta.name;
  const fields = typeof input === "string" ? [input] : input;
  if (!Array.isArray(fields) || fields.length === 0 || fields.some((f) => typeof f !== "string")) {
    throw new ValidationError(
      `groupBy on "${model}" needs by: a field or a non-empty array of fields (${codec.meta.fieldNames.join(", ")}); got ${describeValue(input)}.`,
      model,
    );
  }
  for (const field of fields as string[]) {
    checkOwnKey(model, field);
    if (codec.meta.relations.has(field)) {
      throw new ValidationError(`groupBy's by on "${model}" takes fields; "${field}" is a relation.`, model, field);
    }
    codec.field(field, "group by");
  }
  return [...new Set(fields as string[])];
}

/** take/skip of groupBy: a non-negative integer. */
function pageCount(codec: ModelCodec, name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new ValidationError(
      `${name} of groupBy on "${codec.meta.name}" must be a non-negative integer, got ${describeValue(value)}.`,
      codec.meta.name,
    );
  }
  return value as number;
}

const direction = (codec: ModelCodec, where: string, value: unknown): "asc" | "desc" => {
  if (value === "asc" || value === "desc") return value;
  throw new ValidationError(
    `orderBy ${where} of groupBy on "${codec.meta.name}" must be "asc" or "desc", got ${describeValue(value)}.`,
    codec.meta.name,
  );
};

/**
 * `orderBy: { city: "asc" }` (a `by` field) or `{ _count: { id: "desc" } }`, `{ _sum: { views: "asc" } }`
 * (an aggregate of any field it applies to), or an array of them.
 */
function ordersInput(codec: ModelCodec, by: readonly string[], input: unknown, column: ColumnOf): Order[] {
  if (input === undefined) return [];
  const model = codec.meta.name;
  return (Array.isArray(input) ? input : [input]).flatMap((entry) => {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      throw new ValidationError(
        `orderBy of groupBy on "${model}" takes { field: "asc" | "desc" } or { _count: { field: "asc" | "desc" } } (also _sum, _avg, _min, _max), or an array of them; got ${describeValue(entry)}.`,
        model,
      );
    }
    return Object.entries(entry as Record<string, unknown>).flatMap(([key, value]): Order[] => {
      if ((PARTS as readonly string[]).includes(key)) return aggregateOrders(codec, key as Part, value, column);
      checkOwnKey(model, key);
      codec.field(key, "order by");
      if (!by.includes(key)) {
        throw new ValidationError(
          `orderBy of groupBy on "${model}" sorts by fields of by (${by.join(", ")}) or by aggregates; "${key}" is not in by. Add it to by, or order by an aggregate of it ({ _count: { ${key}: "asc" } }).`,
          model,
          key,
        );
      }
      return [{ field: key, direction: direction(codec, `"${key}"`, value) }];
    });
  });
}

/** `{ _sum: { views: "desc" } }` -> an order by sum(views). */
function aggregateOrders(codec: ModelCodec, part: Part, value: unknown, column: ColumnOf): Order[] {
  const model = codec.meta.name;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ValidationError(
      `orderBy ${part} of groupBy on "${model}" takes { field: "asc" | "desc" }; got ${describeValue(value)}.`,
      model,
    );
  }
  return Object.entries(value).map(([field, dir]) => {
    checkMeasureField(codec, part, field, `orderBy ${part}`, false);
    const expression = measureExpression(codec, { part, field }, column);
    return { field: `${part}.${field}`, direction: direction(codec, `${part}.${field}`, dir), build: () => expression };
  });
}
