import { sql } from "kysely";
import type { Session } from "../../dialect/session.js";
import { RelationNotFoundError, ValidationError } from "../../errors.js";
import { checkOwnKey, describeValue, ownValue } from "../../plan/arguments.js";
import { codecFor, type ModelCodec } from "../../plan/model-codec.js";
import { type AggregateNode, type EagerNode, EMPTY_STATE, type QueryState } from "../../plan/state.js";
import { aggregateNode } from "../../relations/aggregates.js";
import type { FilterContext } from "../../relations/filters.js";
import { whereInput } from "../../relations/where-input.js";
import { TO_MANY_KINDS } from "../../schema/meta.js";
import { pagedState } from "./find-paging.js";

const ARG_KEYS = new Set([
  "where",
  "select",
  "include",
  "omit",
  "orderBy",
  "cursor",
  "take",
  "skip",
  "distinct",
  "relationLoadStrategy",
]);
/** Arguments of the top level only: a relation inside select/include pages per parent without them. */
const TOP_LEVEL_KEYS = ["cursor", "distinct"];

/**
 * Translates Prisma-style arguments (`where`, `select`, `include`, `omit`, `orderBy`, `cursor`,
 * `take`, `skip`, `distinct`, nested per relation) into the builder state the fluent API
 * produces: one engine for both.
 */
export function argsToState(session: Session, model: string, args: unknown): QueryState {
  return stateOf(session, model, args, true);
}

function stateOf(session: Session, model: string, args: unknown, top: boolean): QueryState {
  const codec = codecFor(session, model);
  if (args === undefined) return EMPTY_STATE;
  const input = ownArgs(model, args, top);
  if (input.select !== undefined && input.include !== undefined) {
    throw new ValidationError(`Use select or include on "${model}", not both at one level.`, model);
  }
  if (input.select !== undefined && input.omit !== undefined) {
    throw new ValidationError(
      `Use select or omit on "${model}", not both at one level (select names the fields to read, omit the ones to leave out).`,
      model,
    );
  }
  const state: QueryState = {
    ...withSelection(session, codec, input),
    wheres: whereInput(session, codec, input.where),
    orders: orderByInput(session, codec, input.orderBy),
    strategy: strategyInput(model, input.relationLoadStrategy),
  };
  const omitted = omitInput(codec, input.omit);
  const paging = {
    cursor: input.cursor,
    distinct: input.distinct,
    take: count(model, "take", input.take, top),
    skip: count(model, "skip", input.skip),
  };
  return pagedState(session, codec, omitted ? { ...state, selects: omitted } : state, paging);
}

/**
 * The arguments' own values only, in an object without a prototype: nothing inherited is
 * read, and a key no read takes (or one only the top level takes, below it) is an error.
 */
function ownArgs(model: string, args: unknown, top: boolean): Record<string, unknown> {
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    throw new ValidationError(`Query arguments on "${model}" must be an object.`, model);
  }
  const input: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(args)) {
    if (!ARG_KEYS.has(key)) {
      throw new ValidationError(
        `Unknown query argument "${key}" on "${model}". Valid arguments: ${[...ARG_KEYS].join(", ")}.`,
        model,
      );
    }
    const value = (args as Record<string, unknown>)[key];
    if (!top && value !== undefined && TOP_LEVEL_KEYS.includes(key)) {
      throw new ValidationError(
        `${key} applies to the top level of findMany/findFirst only, not to the relation "${model}" inside select/include.`,
        model,
      );
    }
    input[key] = value;
  }
  return input;
}

/** The select/include part of the arguments: the fields read, the relations loaded, the counts. */
function withSelection(session: Session, codec: ModelCodec, input: Record<string, unknown>): QueryState {
  const model = codec.meta.name;
  const selection = (input.select ?? input.include) as Record<string, unknown> | undefined;
  if (selection === undefined) return EMPTY_STATE;
  if (typeof selection !== "object" || selection === null || Array.isArray(selection)) {
    throw new ValidationError(`select/include on "${model}" must be an object.`, model);
  }
  const fields: string[] = [];
  const eager = new Map<string, EagerNode>();
  const aggregates: AggregateNode[] = [];
  for (const [key, value] of Object.entries(selection)) {
    checkOwnKey(model, key, "a field or relation");
    if (value === undefined || value === false) continue;
    if (key === "_count") {
      aggregates.push(...countInput(session, codec, value));
      continue;
    }
    const relation = codec.meta.relations.get(key);
    if (relation) {
      if (value !== true && relation.kind === "morphTo") {
        throw new ValidationError(
          `"${model}.${key}" is polymorphic: its rows belong to several models, so it takes true, not nested arguments.`,
          model,
          key,
        );
      }
      const target = relation.kind === "morphTo" ? undefined : relation.target;
      eager.set(key, {
        relation: key,
        state: value === true || !target ? EMPTY_STATE : stateOf(session, target, value, false),
      });
    } else if (input.select !== undefined && codec.meta.fields.has(key)) {
      if (value !== true) {
        throw new ValidationError(`select of the field "${model}.${key}" takes true or false.`, model, key);
      }
      fields.push(key);
    } else if (input.include !== undefined) {
      if (codec.meta.fields.has(key)) {
        throw new ValidationError(
          `include on "${model}" takes relations; "${key}" is a field (include keeps every field; select picks them).`,
          model,
          key,
        );
      }
      throw new RelationNotFoundError(model, key, [...codec.meta.relations.keys()]);
    } else {
      throw new ValidationError(
        `Unknown field or relation "${key}" in select on "${model}". Valid: ${[...codec.meta.fieldNames, ...codec.meta.relations.keys()].join(", ")}.`,
        model,
        key,
      );
    }
  }
  return { ...EMPTY_STATE, selects: input.select !== undefined ? fields : undefined, eager, aggregates };
}

/**
 * `omit: { password: true }` -> the fields read: the model's visible fields less the omitted
 * ones; undefined without omit. As Prisma's query-level omit overrides its global omit,
 * `{ field: false }` on a `hidden` field reads it (as `select: { field: true }` does).
 */
function omitInput(codec: ModelCodec, input: unknown): string[] | undefined {
  if (input === undefined) return undefined;
  const model = codec.meta.name;
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new ValidationError(`omit on "${model}" takes { field: true }, got ${describeValue(input)}.`, model);
  }
  const omitted = new Set<string>();
  const revealed = new Set<string>();
  for (const [field, value] of Object.entries(input)) {
    checkOwnKey(model, field);
    if (codec.meta.relations.has(field)) {
      throw new ValidationError(
        `omit on "${model}" takes fields; "${field}" is a relation (a relation is read only when included).`,
        model,
        field,
      );
    }
    codec.field(field, "omit");
    if (value === undefined) continue;
    if (typeof value !== "boolean") {
      throw new ValidationError(`omit of the field "${model}.${field}" takes true or false.`, model, field);
    }
    (value ? omitted : revealed).add(field);
  }
  const fields = codec.meta.fieldNames.filter((f) => !omitted.has(f) && (!codec.meta.hidden.has(f) || revealed.has(f)));
  if (fields.length === 0) {
    throw new ValidationError(
      `omit on "${model}" leaves no field to read; keep at least one of ${codec.meta.visibleFields.join(", ")}.`,
      model,
    );
  }
  return fields;
}

function orderByInput(session: Session, codec: ModelCodec, input: unknown): QueryState["orders"] {
  if (input === undefined) return [];
  const model = codec.meta.name;
  return (Array.isArray(input) ? input : [input]).flatMap((entry) => {
    if (typeof entry !== "object" || entry === null) {
      throw new ValidationError(`orderBy on "${model}" takes { field: "asc" | "desc" } or an array of them.`, model);
    }
    return Object.entries(entry as Record<string, unknown>).map(([field, direction]) => {
      if (codec.meta.relations.has(field)) return countOrder(session, codec, field, direction);
      codec.field(field, "order by");
      if (direction !== "asc" && direction !== "desc") {
        throw new ValidationError(
          `orderBy "${model}.${field}" must be "asc" or "desc", got ${describeValue(direction)}.`,
          model,
          field,
        );
      }
      return { field, direction } as const;
    });
  });
}

function strategyInput(model: string, value: unknown): QueryState["strategy"] {
  if (value === undefined || value === "query" || value === "join") return value;
  throw new ValidationError(
    `relationLoadStrategy on "${model}" must be "query" or "join", got ${describeValue(value)}.`,
    model,
  );
}

/** take/skip: a non-negative integer; `signed`: take at the top level, negative to read backwards. */
function count(model: string, name: string, value: unknown, signed = false): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || (!signed && (value as number) < 0)) {
    throw new ValidationError(
      `${name} on "${model}" must be a ${signed ? "" : "non-negative "}integer, got ${describeValue(value)}${signed || name !== "take" ? "" : " (a negative take reads backwards at the top level only)"}.`,
      model,
    );
  }
  return value as number;
}

/**
 * `findUnique` (and update, delete, upsert) needs its where to pin one row, as WhereUniqueInput
 * types it: a value (not null, not a filter) for every field of the primary key, of a unique
 * field, or of a `uniques` list.
 */
export function checkUniqueWhere(codec: ModelCodec, where: unknown, method = "findUnique"): void {
  const { name: model, primaryKey, uniques = [] } = codec.meta;
  const given = new Set(
    Object.entries((where ?? {}) as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null && (typeof v !== "object" || v instanceof Date))
      .map(([k]) => k),
  );
  const unique = [...codec.meta.fields.values()].filter((f) => f.config.unique).map((f) => f.name);
  if ([primaryKey, ...unique.map((f) => [f]), ...uniques].some((fields) => fields.every((f) => given.has(f)))) return;
  const choices = [
    `the primary key (${primaryKey.join(" + ")})`,
    ...(unique.length ? [`a unique field (${unique.join(", ")})`] : []),
    ...(uniques.length ? [`fields unique together (${uniques.map((u) => u.join(" + ")).join("; ")})`] : []),
  ];
  throw new ValidationError(
    `${method} on "${model}" needs its where to name ${choices.join(" or ")} with values (not null, not filters).`,
    model,
  );
}

/** The object API's filter context: a relation constraint is a `where` object. */
function objectFilters(session: Session, codec: ModelCodec): FilterContext {
  return {
    session,
    codec,
    constrain: (model, _meta, where) => ({
      ...EMPTY_STATE,
      wheres: whereInput(session, codecFor(session, model), where),
    }),
  };
}

/** `_count: true` (every to-many relation) or `_count: { select: { posts: true | { where } } }`. */
function countInput(session: Session, codec: ModelCodec, value: unknown): AggregateNode[] {
  const model = codec.meta.name;
  const shape = `_count on "${model}" takes true or { select: { relation: true | { where } } }`;
  let relations: [string, unknown][];
  if (value === true) {
    relations = [...codec.meta.relations.values()].filter((r) => TO_MANY_KINDS.has(r.kind)).map((r) => [r.name, true]);
  } else {
    const plainObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
    const select = plainObject(value) ? ownValue(value as object, "select") : undefined;
    if (!plainObject(value) || Object.keys(value as object).some((k) => k !== "select") || !plainObject(select)) {
      throw new ValidationError(`${shape}.`, model);
    }
    relations = Object.entries(select as Record<string, unknown>);
  }
  const filters = objectFilters(session, codec);
  const nodes = relations
    .filter(([, v]) => v !== false && v !== undefined)
    .map(([name, v]) => {
      toManyRelation(codec, name, "_count");
      if (v !== true && (typeof v !== "object" || v === null || Object.keys(v).some((k) => k !== "where"))) {
        throw new ValidationError(`_count.select.${name} on "${model}" takes true or { where }.`, model, name);
      }
      const where = v === true ? undefined : ownValue(v as object, "where");
      return aggregateNode(filters, "count", `${name} as _count.${name}`, undefined, where);
    });
  // Counting nothing still gives `_count: {}`, as the payload type says.
  return nodes.length > 0 ? nodes : [EMPTY_COUNT];
}

const EMPTY_COUNT: AggregateNode = {
  alias: "_count",
  build: () => sql`null`,
  encode: (v) => v,
  decode: () => ({}),
  decodeJson: () => ({}),
};

/** The to-many relation `name` (the ones `_count` applies to), or a RelationNotFoundError / ValidationError. */
function toManyRelation(codec: ModelCodec, name: string, what: string): void {
  const model = codec.meta.name;
  const meta = codec.meta.relations.get(name);
  if (!meta) throw new RelationNotFoundError(model, name, [...codec.meta.relations.keys()]);
  if (!TO_MANY_KINDS.has(meta.kind)) {
    throw new ValidationError(`${what} counts to-many relations; "${model}.${name}" is a ${meta.kind}.`, model, name);
  }
}

/** `orderBy: { posts: { _count: "desc" } }`: rows ordered by how many related rows they have. */
function countOrder(
  session: Session,
  codec: ModelCodec,
  relation: string,
  value: unknown,
): QueryState["orders"][number] {
  const direction =
    typeof value === "object" && value !== null && Object.keys(value).every((k) => k === "_count")
      ? ownValue(value, "_count")
      : undefined;
  if (direction !== "asc" && direction !== "desc") {
    throw new ValidationError(
      `orderBy of the relation "${codec.meta.name}.${relation}" takes { _count: "asc" | "desc" }.`,
      codec.meta.name,
      relation,
    );
  }
  toManyRelation(codec, relation, "orderBy _count");
  const aggregate = aggregateNode(objectFilters(session, codec), "count", relation);
  return { field: `_count.${relation}`, direction, build: aggregate.build };
}
