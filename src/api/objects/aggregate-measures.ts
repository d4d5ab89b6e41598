import { type AliasedRawBuilder, type RawBuilder, sql } from "kysely";
import { decodeBoolean } from "../../dialect/codecs.js";
import { ValidationError } from "../../errors.js";
import { checkOwnKey, describeValue } from "../../plan/arguments.js";
import type { ModelCodec } from "../../plan/model-codec.js";
import { NUMBER_KINDS } from "../../relations/aggregates.js";
import type { FieldKind } from "../../schema/fields.js";

/** The aggregate parts of Prisma's aggregate/groupBy arguments, in the order results list them. */
export const PARTS = ["_count", "_sum", "_avg", "_min", "_max"] as const;
export type Part = (typeof PARTS)[number];

/** One aggregate value asked for: `_sum.views`, `_count._all`, or `_count: true` (`scalar`). */
export interface Measure {
  readonly part: Part;
  /** The field, or `_all` (every row) for `_count`. */
  readonly field: string;
  /** `_count: true`: the part is the number itself, not an object of counts. */
  readonly scalar?: boolean;
}

/** The aggregates an argument object asks for: the parts given (even empty) and their measures. */
export interface Request {
  readonly parts: readonly Part[];
  readonly measures: readonly Measure[];
}

/** A column of the rows aggregated, by field: the table's, or a derived table's (a take/skip window). */
export type ColumnOf = (field: string) => RawBuilder<unknown>;

/** Whether `part` applies to a field of `kind`: sums and averages of numbers (as withSum), least/greatest of all but json. */
export function takesKind(part: Part, kind: FieldKind): boolean {
  if (part === "_sum" || part === "_avg") return NUMBER_KINDS.has(kind);
  if (part === "_min" || part === "_max") return kind !== "json";
  return true;
}

/** The fields of the codec's model `part` applies to, for messages. */
export function fieldsFor(codec: ModelCodec, part: Part): string[] {
  return codec.meta.fieldNames.filter((f) => takesKind(part, codec.field(f).config.kind));
}

/**
 * Checks that `field` names a field `part` applies to (or `_all` for `_count`, when `all`):
 * a ValidationError naming the valid choices otherwise.
 */
export function checkMeasureField(codec: ModelCodec, part: Part, field: string, where: string, all = true): void {
  const model = codec.meta.name;
  checkOwnKey(model, field);
  if (part === "_count" && all && field === "_all") return;
  const valid = [...(part === "_count" && all ? ["_all"] : []), ...fieldsFor(codec, part)].join(", ");
  const meta = codec.meta.fields.get(field);
  if (!meta) {
    const relation = codec.meta.relations.has(field) ? ` ("${field}" is a relation)` : "";
    throw new ValidationError(
      `Unknown field "${field}" in ${where} on "${model}"${relation}. Valid: ${valid}.`,
      model,
      field,
    );
  }
  if (!takesKind(part, meta.config.kind)) {
    const what = part === "_sum" || part === "_avg" ? "number fields" : "fields other than json";
    throw new ValidationError(
      `${where} on "${model}" takes ${what}; "${field}" is a ${meta.config.kind}() field. Valid: ${valid}.`,
      model,
      field,
    );
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);

/**
 * The aggregates of `args` (`_count`, `_sum`, `_avg`, `_min`, `_max`): each `{ field: true }`
 * (false or undefined: not asked), `_count` also `true` or `{ _all: true }`.
 */
export function requestInput(codec: ModelCodec, args: Record<string, unknown>): Request {
  const parts: Part[] = [];
  const measures: Measure[] = [];
  for (const part of PARTS) {
    const value = args[part];
    if (value === undefined) continue;
    parts.push(part);
    if (part === "_count" && value === true) {
      measures.push({ part, field: "_all", scalar: true });
      continue;
    }
    measures.push(...partInput(codec, part, value));
  }
  return { parts, measures };
}

/** `{ field: true, ... }` of one part -> its measures. */
export function partInput(codec: ModelCodec, part: Part, value: unknown, where: string = part): Measure[] {
  const model = codec.meta.name;
  if (!isObject(value)) {
    const shape = part === "_count" ? "true or { _all: true, field: true }" : "{ field: true }";
    throw new ValidationError(`${where} on "${model}" takes ${shape}; got ${describeValue(value)}.`, model);
  }
  const measures: Measure[] = [];
  for (const [field, flag] of Object.entries(value)) {
    checkMeasureField(codec, part, field, where);
    if (flag !== undefined && typeof flag !== "boolean") {
      throw new ValidationError(
        `${where}.${field} on "${model}" takes true or false; got ${describeValue(flag)}.`,
        model,
        field,
      );
    }
    if (flag === true) measures.push({ part, field });
  }
  return measures;
}

/**
 * The SQL aggregate of a measure over `column`, as HAVING and ORDER BY compare it: count(*),
 * count(col), sum(col), avg(col), min(col), max(col). Booleans are compared as 0/1 and uuids as
 * text (PostgreSQL has no min/max of either).
 */
export function measureExpression(codec: ModelCodec, measure: Measure, column: ColumnOf): RawBuilder<unknown> {
  if (measure.field === "_all") return sql`count(*)`;
  const value = column(measure.field);
  const fn = sql.raw(measure.part.slice(1));
  if (measure.part !== "_min" && measure.part !== "_max") return sql`${fn}(${value})`;
  const { kind } = codec.field(measure.field).config;
  if (kind === "boolean") return sql`${fn}(case when ${value} then 1 when not ${value} then 0 end)`;
  if (kind === "uuid") return sql`${fn}(${codec.profile.castKey(value, "text")})`;
  return sql`${fn}(${value})`;
}

/**
 * What a statement selects for a measure, under `alias`: the aggregate (a min/max read as its
 * field is read). An average is its sum and count (`alias` and `${alias}n`), divided in JS: the
 * same double on every database (MySQL's AVG keeps four decimals, PostgreSQL's is a numeric).
 */
export function measureSelections(
  codec: ModelCodec,
  measure: Measure,
  column: ColumnOf,
  alias: string,
): AliasedRawBuilder<unknown, string>[] {
  if (measure.part === "_avg") {
    const value = column(measure.field);
    return [sql`sum(${value})`.as(alias), sql`count(${value})`.as(`${alias}n`)];
  }
  const expression = measureExpression(codec, measure, column);
  if (measure.field === "_all") return [expression.as(alias)];
  const { config } = codec.field(measure.field);
  // Least/greatest values and bigint sums are read as the field is (SQLite's bigints as text, exact).
  const asField =
    ((measure.part === "_min" || measure.part === "_max") && config.kind !== "boolean") ||
    (measure.part === "_sum" && config.kind === "bigint");
  return [(asField ? codec.profile.readExpression(config, expression) : expression).as(alias)];
}

const toNumber = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** The JS value of a measure from a row read by the driver (selected by measureSelections under `alias`). */
export function measureValue(
  codec: ModelCodec,
  measure: Measure,
  row: Record<string, unknown>,
  alias: string,
): unknown {
  const value = row[alias];
  if (measure.part === "_count") return Number(value ?? 0);
  if (measure.part === "_avg") {
    const n = Number(row[`${alias}n`] ?? 0);
    return n === 0 ? null : Number(value) / n;
  }
  if (value === null || value === undefined) return null;
  const { kind } = codec.field(measure.field).config;
  if (measure.part === "_sum" && kind !== "bigint") return toNumber(value);
  if (kind === "boolean") return decodeBoolean(value);
  return codec.decode<Record<string, unknown>>({ [measure.field]: value })[measure.field];
}

/** The result object of a request from the values of its measures (in order). */
export function resultOf(request: Request, values: readonly unknown[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const part of request.parts) result[part] = {};
  request.measures.forEach((measure, i) => {
    if (measure.scalar) result[measure.part] = values[i];
    else (result[measure.part] as Record<string, unknown>)[measure.field] = values[i];
  });
  return result;
}

/**
 * The own keys of an argument object, checked against those `method` takes: anything else (or
 * not an object) is a ValidationError naming the valid keys. The copy has no prototype.
 */
export function ownArgs(
  codec: ModelCodec,
  method: string,
  args: unknown,
  keys: readonly string[],
): Record<string, unknown> {
  const model = codec.meta.name;
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    throw new ValidationError(
      `${method} on "${model}" takes an object of arguments; got ${describeValue(args)}.`,
      model,
    );
  }
  const input: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(args)) {
    if (!keys.includes(key)) {
      throw new ValidationError(
        `Unknown argument "${key}" of ${method} on "${model}". Valid arguments: ${keys.join(", ")}.`,
        model,
      );
    }
    input[key] = (args as Record<string, unknown>)[key];
  }
  return input;
}

/** The selections of measures, each under its alias. */
export function selections(
  codec: ModelCodec,
  measures: readonly Measure[],
  column: ColumnOf,
  aliases: readonly string[],
): AliasedRawBuilder<unknown, string>[] {
  return measures.flatMap((m, i) => measureSelections(codec, m, column, aliases[i]!));
}
