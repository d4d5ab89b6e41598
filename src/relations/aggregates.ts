import { sql } from "kysely";
import { decodeBoolean } from "../dialect/codecs.js";
import { RelationNotFoundError, ValidationError } from "../errors.js";
import { targetModels } from "../plan/eager.js";
import { codecFor, type ModelCodec } from "../plan/model-codec.js";
import { type AggregateNode, EMPTY_STATE } from "../plan/state.js";
import type { FieldKind } from "../schema/fields.js";
import type { FilterContext } from "./filters.js";
import { countAll, type RelatedQuery, relatedQueries, signRelated } from "./subquery.js";

export type AggregateFunction = "count" | "exists" | "sum" | "avg" | "min" | "max";

/**
 * The field kinds a sum or an average reads: the ones read as JS numbers or bigints (a decimal
 * is read as a string). Summing text would compare conversions (SQLite sums it as 0).
 */
export const NUMBER_KINDS: ReadonlySet<FieldKind> = new Set(["id", "integer", "bigint", "float"]);

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** `"posts"` or `"posts as publishedCount"` -> the relation and the result name. */
export function parseSpec(spec: string, fn: AggregateFunction, column?: string): [relation: string, alias: string] {
  const match = /^\s*(\S+)\s+as\s+(\S+)\s*$/i.exec(spec);
  const relation = match ? match[1]! : spec.trim();
  const alias = match
    ? match[2]!
    : fn === "count" || fn === "exists"
      ? `${relation}${capitalize(fn)}`
      : `${relation}${capitalize(fn)}${capitalize(column ?? "")}`;
  return [relation, alias];
}

const toNumber = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/**
 * One aggregate over a relation of the builder's model (withCount, withSum, ...): a scalar
 * subquery per row, named `postsCount` / `postsSumViews` / the alias given. A count of nothing
 * is 0, a sum/avg/min/max of nothing null, as in Eloquent.
 */
export function aggregateNode(
  ctx: FilterContext,
  fn: AggregateFunction,
  spec: unknown,
  column?: unknown,
  constrain?: unknown,
): AggregateNode {
  const model = ctx.codec.meta.name;
  if (typeof spec !== "string" || spec.trim() === "") {
    throw new ValidationError(`with${capitalize(fn)} on "${model}" needs a relation name.`, model);
  }
  const [relation, alias] = parseSpec(spec, fn, column as string | undefined);
  const meta = ctx.codec.meta.relations.get(relation);
  if (!meta) throw new RelationNotFoundError(model, relation, [...ctx.codec.meta.relations.keys()]);
  const targets = targetModels(meta);
  const needsColumn = fn !== "count" && fn !== "exists";
  if (needsColumn) {
    if (meta.kind === "morphTo") {
      throw new ValidationError(
        `with${capitalize(fn)} over "${model}.${relation}" is ambiguous: its rows belong to several models.`,
        model,
      );
    }
    if (typeof column !== "string") {
      throw new ValidationError(`with${capitalize(fn)}("${spec}", column) needs a field of "${targets[0]}".`, model);
    }
    const related = codecFor(ctx.session, targets[0]!);
    const { kind } = related.field(column, "aggregate").config;
    if ((fn === "sum" || fn === "avg") && !NUMBER_KINDS.has(kind)) throw notNumber(model, fn, spec, related, column);
  }
  if (constrain !== undefined && meta.kind === "morphTo") {
    throw new ValidationError(
      `A constraint on "${model}.${relation}" is ambiguous: its rows belong to several models.`,
      model,
    );
  }
  const state = constrain === undefined ? EMPTY_STATE : ctx.constrain(targets[0]!, meta, constrain);
  const queries = (outer: Parameters<AggregateNode["build"]>[0]): RelatedQuery[] =>
    relatedQueries(ctx.session, outer, outer.meta.relations.get(relation)!, state);
  // Every form binds the subqueries' values alone: the function and the column are part of the shape.
  const sign = (outer: ModelCodec, parts: string[], values: unknown[]) => {
    parts.push(fn, String(column));
    return signRelated(ctx.session, outer, outer.meta.relations.get(relation)!, state, undefined, parts, values);
  };
  const { profile } = ctx.session;
  const same = (v: unknown) => v;
  if (fn === "count") {
    const decode = (v: unknown) => Number(v ?? 0);
    return { alias, build: (outer) => countAll(queries(outer)), sign, encode: same, decode, decodeJson: decode };
  }
  if (fn === "exists") {
    const build = (outer: Parameters<AggregateNode["build"]>[0]) => {
      const checks = queries(outer).map((q) => sql`exists ${q.query.select(sql.lit(1).as("relata_one"))}`);
      return checks.length === 0 ? sql`0 = 1` : sql`(${sql.join(checks, sql` or `)})`;
    };
    // Over a row that no longer exists (loadExists), nothing exists.
    const decode = (v: unknown) => decodeBoolean(v ?? false);
    const encode = profile.encoder({ ...BOOLEAN }) ?? same;
    return { alias, build, sign, encode, decode, decodeJson: decode };
  }
  const target = codecFor(ctx.session, targets[0]!);
  const field = target.field(column as string);
  const value = (outer: Parameters<AggregateNode["build"]>[0]) => {
    const [{ query, target: aliased }] = queries(outer) as [RelatedQuery];
    return query.select(sql`${sql.raw(fn)}(${sql.ref(aliased.ref(field.name))})`.as("relata_value"));
  };
  if (fn === "sum" || fn === "avg") {
    return { alias, build: value, sign, encode: same, decode: toNumber, decodeJson: toNumber };
  }
  // min/max keep the field's type: read as the field is read (exact bigints), decoded as it is.
  const read = (json: boolean) => (v: unknown) => {
    if (v === null || v === undefined) return null;
    const row = { [field.name]: v };
    return (json ? target.decodeJson<Record<string, unknown>>(row) : target.decode<Record<string, unknown>>(row))[
      field.name
    ];
  };
  return {
    alias,
    build: (outer, json) =>
      (json ? profile.jsonReadExpression : profile.readExpression)(field.config, sql`(${value(outer)})`),
    sign,
    encode: (v) => target.encode(field.name, v),
    decode: read(false),
    decodeJson: read(true),
  };
}

/** withSum / withAvg over a field that is not a number: a ValidationError naming the number fields. */
function notNumber(model: string, fn: AggregateFunction, spec: string, related: ModelCodec, column: string) {
  const { name } = related.meta;
  const numbers = related.meta.fieldNames.filter((f) => NUMBER_KINDS.has(related.field(f).config.kind));
  return new ValidationError(
    `with${capitalize(fn)}("${spec}", "${column}") on "${model}" takes a number field of "${name}"; "${column}" is a ${related.field(column).config.kind}() field. Number fields: ${numbers.join(", ") || "none"}.`,
    name,
    column,
  );
}

const BOOLEAN = {
  kind: "boolean",
  nullable: false,
  unique: false,
  primary: false,
  index: false,
  autoIncrement: false,
} as const;
