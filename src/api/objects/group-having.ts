import { type RawBuilder, type SqlBool, sql } from "kysely";
import type { Session } from "../../dialect/session.js";
import { ValidationError } from "../../errors.js";
import { checkOwnKey, describeValue } from "../../plan/arguments.js";
import type { ModelCodec } from "../../plan/model-codec.js";
import { checkFilterValue } from "../../plan/validate.js";
import type { WhereNode } from "../../plan/where.js";
import { whereInput } from "../../relations/where-input.js";
import {
  type ColumnOf,
  checkMeasureField,
  type Measure,
  measureExpression,
  PARTS,
  type Part,
} from "./aggregate-measures.js";

const COMBINATORS = ["AND", "OR", "NOT"];
const FILTERS = ["equals", "not", "in", "notIn", "lt", "lte", "gt", "gte"];
const COMPARISONS: Record<string, string> = { lt: "<", lte: "<=", gt: ">", gte: ">=" };

const group = (nodes: WhereNode[], or = false, not = false): WhereNode => ({ type: "group", or, not, nodes });

const isFilterObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);

/**
 * groupBy's `having` -> conditions on the groups: per field, filters on its aggregates
 * (`views: { _sum: { gt: 100 }, _count: { gte: 2 } }`) and plain filters on a `by` field
 * (`city: "Paris"`, `city: { in: [...] }`), combined with AND / OR / NOT as `where` combines them.
 */
export function havingInput(
  session: Session,
  codec: ModelCodec,
  by: readonly string[],
  input: unknown,
  column: ColumnOf,
): WhereNode[] {
  if (input === undefined) return [];
  const model = codec.meta.name;
  if (!isFilterObject(input)) {
    throw new ValidationError(
      `having of groupBy on "${model}" must be an object of field filters; got ${describeValue(input)}.`,
      model,
    );
  }
  const nodes: WhereNode[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) {
      throw new ValidationError(
        `The having filter "${key}" on "${model}" is undefined; omit the key to set no condition.`,
        model,
      );
    }
    const inner = (v: unknown) => havingInput(session, codec, by, v, column);
    if (key === "AND" || key === "NOT") {
      nodes.push(group((Array.isArray(value) ? value : [value]).map((v) => group(inner(v), false, key === "NOT"))));
    } else if (key === "OR") {
      if (!Array.isArray(value))
        throw new ValidationError(`OR in having on "${model}" takes an array of filters.`, model);
      nodes.push(value.length === 0 ? group([], false, true) : group(value.map((v) => group(inner(v), true))));
    } else {
      nodes.push(...fieldHaving(session, codec, by, key, value, column));
    }
  }
  return nodes;
}

/** The having filters of one field: its aggregate filters, and a plain filter (a `by` field only). */
function fieldHaving(
  session: Session,
  codec: ModelCodec,
  by: readonly string[],
  field: string,
  value: unknown,
  column: ColumnOf,
): WhereNode[] {
  const model = codec.meta.name;
  checkOwnKey(model, field);
  if (!codec.meta.fields.has(field)) {
    throw new ValidationError(
      `Cannot filter groups by unknown field "${field}" in having on "${model}". Valid fields: ${codec.meta.fieldNames.join(", ")}; or ${COMBINATORS.join(", ")}.`,
      model,
      field,
    );
  }
  const json = codec.field(field).config.kind === "json";
  const entries = isFilterObject(value) && !json ? Object.entries(value) : [];
  const aggregates = entries.filter(([k]) => (PARTS as readonly string[]).includes(k));
  const plain =
    isFilterObject(value) && !json ? Object.fromEntries(entries.filter(([k]) => !PARTS.includes(k as Part))) : value;
  const nodes = aggregates.map(([part, filter]) => {
    checkMeasureField(codec, part as Part, field, `having ${part}`, false);
    const measure: Measure = { part: part as Part, field };
    return group(aggregateFilter(codec, measure, filter, measureExpression(codec, measure, column)));
  });
  if (aggregates.length > 0 && isFilterObject(plain) && Object.keys(plain).length === 0) return nodes;
  if (!by.includes(field)) {
    throw new ValidationError(
      `having on "${model}" filters "${field}" directly, but it is not in by (${by.join(", ")}): add it to by, or filter one of its aggregates ({ ${field}: { _count: { gt: 1 } } }; also _sum, _avg, _min, _max).`,
      model,
      field,
    );
  }
  return [...nodes, ...whereInput(session, codec, { [field]: plain })];
}

/** `{ gt: 100, not: { in: [1, 2] } }` (or a value: equals) on an aggregate -> conditions on its expression. */
function aggregateFilter(
  codec: ModelCodec,
  measure: Measure,
  filter: unknown,
  aggregate: RawBuilder<unknown>,
): WhereNode[] {
  const name = `${measure.part} of "${codec.meta.name}.${measure.field}" in having`;
  const entries = isFilterObject(filter) ? Object.entries(filter) : [["equals", filter] as const];
  return entries.map(([op, operand]): WhereNode => {
    const expression = comparable(codec, measure, operand, aggregate);
    if (operand === undefined) {
      throw new ValidationError(`The filter ${op} of ${name} is undefined.`, codec.meta.name, measure.field);
    }
    if (op === "not" && isFilterObject(operand)) {
      return group(aggregateFilter(codec, measure, operand, aggregate), false, true);
    }
    if (op === "equals" || op === "not") {
      if (operand === null) return expr(sql<SqlBool>`${expression} ${sql.raw(op === "not" ? "is not" : "is")} null`);
      return expr(
        sql<SqlBool>`${expression} ${sql.raw(op === "not" ? "<>" : "=")} ${bound(codec, measure, operand, name)}`,
      );
    }
    if (op === "in" || op === "notIn") {
      if (!Array.isArray(operand)) {
        throw new ValidationError(`${op} of ${name} takes an array; got ${describeValue(operand)}.`, codec.meta.name);
      }
      // An empty list matches nothing (in) or everything (notIn).
      if (operand.length === 0) return expr(op === "in" ? sql<SqlBool>`1 = 0` : sql<SqlBool>`1 = 1`);
      const values = operand.map((v) => bound(codec, measure, v, name));
      return expr(sql<SqlBool>`${expression} ${sql.raw(op === "in" ? "in" : "not in")} (${sql.join(values)})`);
    }
    const comparison = COMPARISONS[op];
    if (comparison === undefined || !Object.hasOwn(COMPARISONS, op)) {
      throw new ValidationError(
        `Unknown filter "${op}" on ${name}. Valid filters: ${FILTERS.join(", ")}.`,
        codec.meta.name,
        measure.field,
      );
    }
    return expr(sql<SqlBool>`${expression} ${sql.raw(comparison)} ${bound(codec, measure, operand, name)}`);
  });
}

const INTEGER_KINDS = new Set(["id", "integer", "bigint"]);

/**
 * The aggregate as compared with `operand`: a count or a sum of integers is an integer type
 * (PostgreSQL's bigint rejects "2.5" as a parameter), so it is compared as a decimal
 * (`* 1.0`) with a fractional number.
 */
function comparable(
  codec: ModelCodec,
  measure: Measure,
  operand: unknown,
  aggregate: RawBuilder<unknown>,
): RawBuilder<unknown> {
  const integral =
    measure.part === "_count" || (measure.part === "_sum" && INTEGER_KINDS.has(codec.field(measure.field).config.kind));
  const values = Array.isArray(operand) ? operand : [operand];
  const fractional = values.some((v) => typeof v === "number" && !Number.isInteger(v));
  return integral && fractional ? sql`(${aggregate} * 1.0)` : aggregate;
}

const expr = (condition: RawBuilder<SqlBool>): WhereNode => ({ type: "expr", or: false, build: () => condition });

/**
 * A value compared with an aggregate, checked and as the driver binds it: counts, sums and
 * averages compare with numbers (a bigint field's sum with bigints too), least and greatest
 * values with values of the field (booleans as 1/0, as measureExpression reads them).
 */
function bound(codec: ModelCodec, measure: Measure, value: unknown, name: string): unknown {
  const { kind } = codec.field(measure.field).config;
  if (measure.part === "_min" || measure.part === "_max") {
    checkFilterValue(codec, measure.field, value);
    if (kind === "boolean") return value ? 1 : 0;
    return codec.encode(measure.field, value);
  }
  const bigintSum = measure.part === "_sum" && kind === "bigint";
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (bigintSum && typeof value === "bigint") return codec.encode(measure.field, value);
  throw new ValidationError(
    `${name} compares with ${bigintSum ? "a number or a bigint" : "a finite number"}; got ${describeValue(value)}.`,
    codec.meta.name,
    measure.field,
  );
}
