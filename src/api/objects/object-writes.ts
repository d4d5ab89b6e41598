import type { Session } from "../../dialect/session.js";
import { NotFoundError, ValidationError } from "../../errors.js";
import { withoutHidden } from "../../loader/hidden.js";
import { readRows } from "../../loader/read.js";
import { describeValue } from "../../plan/arguments.js";
import type { ModelCodec } from "../../plan/model-codec.js";
import type { QueryState } from "../../plan/state.js";
import { compareNode } from "../../plan/where.js";
import { keyOf } from "../../relations/fetch.js";
import { checkUpdateGraph, updateGraph } from "../../write/graph-update.js";
import { checkGraph, createGraph, hasNestedWrites } from "../../write/graph-writes.js";
import { deleteRows, insertRows, updateRows } from "../../write/writes.js";
import { QueryBuilder } from "../query-builder.js";
import { argsToState, checkUniqueWhere } from "./find-args.js";

type Values = Record<string, unknown>;

/** The argument keys that shape what a write returns, as findUnique would read the row. */
const SHAPE_KEYS = ["select", "include", "omit"] as const;

/**
 * The own keys of a method's arguments object: a key the method does not take, or a missing
 * required one, is a ValidationError naming the valid keys (before any SQL).
 */
export function pickArgs(
  codec: ModelCodec,
  method: string,
  args: unknown,
  allowed: readonly string[],
  required: readonly string[] = [],
): Values {
  const model = codec.meta.name;
  const shape = `{ ${allowed.join(", ")} }${wholeTableHint(model, method)}`;
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    throw new ValidationError(`${method} on "${model}" takes ${shape}; got ${describeValue(args)}.`, model);
  }
  const out: Values = Object.create(null);
  for (const key of Object.keys(args)) {
    if (!allowed.includes(key)) {
      throw new ValidationError(`Unknown argument "${key}" of ${method} on "${model}"; it takes ${shape}.`, model, key);
    }
    out[key] = (args as Values)[key];
  }
  for (const key of required) {
    if (out[key] === undefined) {
      throw new ValidationError(`${method} on "${model}" needs "${key}": it takes ${shape}.`, model, key);
    }
  }
  return out;
}

/** For the model handle's update/delete: how the fluent API writes many rows, for an error message. */
function wholeTableHint(model: string, method: string): string {
  if (method !== "update" && method !== "delete") return "";
  const call = method === "update" ? "update(values)" : "delete()";
  return ` (the one row a unique where names; the rows a filter matches: db.${model}.where(...).${call} or ${method}Many({ where }); every row: db.${model}.query().${call})`;
}

/** The state that reads a written row back in the shape the arguments ask for (select/include/omit). */
function shapeOf(session: Session, codec: ModelCodec, args: Values): QueryState {
  const shape: Values = {};
  for (const key of SHAPE_KEYS) if (args[key] !== undefined) shape[key] = args[key];
  return argsToState(session, codec.meta.name, shape);
}

/**
 * `create(values)` (relata's: the row's values with nested relation writes; returns the stored row
 * with the written relations) or Prisma's `create({ data, select?, include?, omit? })` (returns what
 * findUnique would). A model with a `data` field or relation has only the first form.
 */
export async function createOne(session: Session, codec: ModelCodec, input: unknown): Promise<unknown> {
  if (isCreateArgs(codec, input)) {
    const args = pickArgs(codec, "create", input, ["data", ...SHAPE_KEYS], ["data"]);
    const data = args.data as Values;
    // The graph and the shape are checked before the transaction opens.
    checkGraph(session, codec, [data]);
    const shaped = SHAPE_KEYS.some((key) => args[key] !== undefined);
    const shape = shapeOf(session, codec, args);
    return session.transaction(async (tx) => {
      const [row] = await createGraph(tx, codec, [data], false);
      return shaped ? readBack(tx, codec, row!, shape) : withoutHidden(tx, codec.meta.name, row);
    });
  }
  const [row] = await createRows(session, codec, [input]);
  return row;
}

/** Inserts rows given as values (with nested relation writes); returns them as stored, hidden fields left out. */
export async function createRows(session: Session, codec: ModelCodec, inputs: readonly unknown[]): Promise<unknown[]> {
  const rows = hasNestedWrites(codec, inputs)
    ? await createGraph(session, codec, inputs as Values[])
    : await insertRows(session, codec, inputs as Values[]);
  return withoutHidden(session, codec.meta.name, rows) as unknown[];
}

/** Whether `input` is Prisma's `{ data, ... }` on a model without a `data` field or relation. */
function isCreateArgs(codec: ModelCodec, input: unknown): input is Values {
  if (typeof input !== "object" || input === null || !Object.hasOwn(input, "data")) return false;
  return !codec.meta.fields.has("data") && !codec.meta.relations.has("data");
}

/** The primary key conditions of one row. */
const byKey = (codec: ModelCodec, row: Values) =>
  codec.meta.primaryKey.map((field) => compareNode(codec, false, field, "=", row[field]));

/** Reads one row back by its primary key in a shape, as findUnique would give it. */
export function readBack(session: Session, codec: ModelCodec, row: Values, shape: QueryState): Promise<unknown> {
  return new QueryBuilder({ session, codec }, { ...shape, wheres: byKey(codec, row) }).firstOrFail();
}

/** The `where` of a unique write as a state, checked to name a unique key. */
function uniqueWhere(session: Session, codec: ModelCodec, method: string, where: unknown): QueryState {
  checkUniqueWhere(codec, where, method);
  return argsToState(session, codec.meta.name, { where });
}

/** The keys of the row a unique where matches; NotFoundError when none does. */
async function findKeys(session: Session, codec: ModelCodec, method: string, state: QueryState): Promise<Values> {
  const [row] = await readRows(session, codec, {
    ...state,
    selects: [...codec.meta.primaryKey],
    limit: 1,
    eager: new Map(),
    aggregates: [],
  });
  if (!row) throw new NotFoundError(codec.meta.name, `matching the where of ${method}`);
  return row;
}

/**
 * Prisma's `update({ where, data, select?, include?, omit? })`: the one row a unique where names,
 * its fields and nested relation writes in one transaction; returns the row as findUnique would
 * read it. No such row: NotFoundError, nothing written.
 */
export function updateOne(session: Session, codec: ModelCodec, input: unknown): Promise<unknown> {
  const args = pickArgs(codec, "update", input, ["where", "data", ...SHAPE_KEYS], ["where", "data"]);
  const where = uniqueWhere(session, codec, "update", args.where);
  checkUpdateGraph(session, codec, args.data);
  const shape = shapeOf(session, codec, args);
  return session.transaction(async (tx) => {
    const keys = await findKeys(tx, codec, "update", where);
    await updateGraph(tx, codec, keys, args.data as Values);
    return readBack(tx, codec, keyAfter(codec, keys, args.data as Values), shape);
  });
}

/** A row's primary key after an update: the data may set the key itself. */
const keyAfter = (codec: ModelCodec, key: Values, data: Values): Values =>
  Object.fromEntries(codec.meta.primaryKey.map((f) => [f, isPlainValue(data[f]) ? data[f] : key[f]]));

/** A value set as is (not an atomic update such as `{ increment: 1 }`). */
const isPlainValue = (value: unknown): boolean =>
  value !== undefined && (typeof value !== "object" || value === null || value instanceof Date);

/**
 * Prisma's `delete({ where, select?, include?, omit? })`: deletes the one row a unique where
 * names and returns it as it was (read in the requested shape first, in the same transaction).
 */
export function deleteOne(session: Session, codec: ModelCodec, input: unknown): Promise<unknown> {
  const args = pickArgs(codec, "delete", input, ["where", ...SHAPE_KEYS], ["where"]);
  const where = uniqueWhere(session, codec, "delete", args.where);
  const shape = shapeOf(session, codec, args);
  return session.transaction(async (tx) => {
    const keys = await findKeys(tx, codec, "delete", where);
    const row = await readBack(tx, codec, keys, shape);
    await deleteRows(tx, codec, { ...where, wheres: byKey(codec, keys) });
    return row;
  });
}

/**
 * The state of an optional `where` (none: every row, as Prisma's updateMany/deleteMany do). A
 * `where` key that is undefined is refused: most often a filter that was never built, and it
 * would write every row.
 */
function manyWhere(session: Session, codec: ModelCodec, method: string, args: Values): QueryState {
  if (Object.hasOwn(args, "where") && args.where === undefined) {
    throw new ValidationError(
      `${method} on "${codec.meta.name}" got where: undefined; to write every row leave where out.`,
      codec.meta.name,
      "where",
    );
  }
  return argsToState(session, codec.meta.name, args.where === undefined ? {} : { where: args.where });
}

/** Prisma's `updateMany({ where?, data })` -> `{ count }`: field values only, no nested writes. */
export async function updateMany(session: Session, codec: ModelCodec, input: unknown): Promise<{ count: number }> {
  const args = pickArgs(codec, "updateMany", input, ["where", "data"], ["data"]);
  checkScalarData(codec, "updateMany", args.data);
  const count = await updateRows(session, codec, manyWhere(session, codec, "updateMany", args), args.data as Values);
  return { count };
}

/**
 * Prisma's `updateManyAndReturn({ where?, data, select?, omit? })`: updates the matching rows
 * and returns them as stored, in one transaction.
 */
export function updateManyAndReturn(session: Session, codec: ModelCodec, input: unknown): Promise<unknown[]> {
  const args = pickArgs(codec, "updateManyAndReturn", input, ["where", "data", "select", "omit"], ["data"]);
  checkScalarData(codec, "updateManyAndReturn", args.data);
  const state = manyWhere(session, codec, "updateManyAndReturn", args);
  shapeOf(session, codec, args); // checked before the transaction opens
  return session.transaction(async (tx) => {
    const keys = await readRows(tx, codec, {
      ...state,
      selects: [...codec.meta.primaryKey],
      eager: new Map(),
      aggregates: [],
    });
    if (keys.length === 0) return [];
    await updateRows(tx, codec, state, args.data as Values);
    const data = args.data as Values;
    return rowsByKeys(
      tx,
      codec,
      keys.map((key) => keyAfter(codec, key, data)),
      args,
    );
  });
}

/**
 * Rows by primary key, read in the shape of `args` (select/include/omit), in the order of `keys`
 * (a key with no row is left out); chunked under the parameter limit. The key is read even when
 * the selection leaves it out, to put the rows in order, then dropped.
 */
export async function rowsByKeys(
  session: Session,
  codec: ModelCodec,
  keys: readonly Values[],
  args: Values,
): Promise<unknown[]> {
  if (keys.length === 0) return [];
  const pk = codec.meta.primaryKey;
  const shape = shapeOf(session, codec, args);
  const missing = shape.selects ? pk.filter((field) => !shape.selects!.includes(field)) : [];
  const selects = shape.selects && [...shape.selects, ...missing];
  const index = (row: Values) => pk.map((field) => keyOf(row[field])).join("\0");
  const found = new Map<string, Values>();
  const perStatement = Math.max(1, Math.floor((session.profile.maxParameters - 100) / pk.length));
  for (let i = 0; i < keys.length; i += perStatement) {
    const chunk = keys.slice(i, i + perStatement);
    const wheres =
      pk.length === 1
        ? [
            compareNode(
              codec,
              false,
              pk[0]!,
              "in",
              chunk.map((key) => key[pk[0]!]),
            ),
          ]
        : argsToState(session, codec.meta.name, {
            where: { OR: chunk.map((key) => Object.fromEntries(pk.map((f) => [f, key[f]]))) },
          }).wheres;
    const rows = await new QueryBuilder({ session, codec }, { ...shape, selects, wheres }).get();
    for (const row of rows as Values[]) found.set(index(row), row);
  }
  return keys.flatMap((key) => {
    const row = found.get(index(key));
    if (row) for (const field of missing) delete row[field];
    return row ?? [];
  });
}

/** Prisma's `deleteMany({ where? })` -> `{ count }`; no arguments or `{}` deletes every row, as in Prisma. */
export async function deleteMany(session: Session, codec: ModelCodec, input: unknown): Promise<{ count: number }> {
  const args = input === undefined ? {} : pickArgs(codec, "deleteMany", input, ["where"]);
  const count = await deleteRows(session, codec, manyWhere(session, codec, "deleteMany", args));
  return { count };
}

/** updateMany's data: field values (or atomic number updates) of the model, no relation writes. */
function checkScalarData(codec: ModelCodec, method: string, data: unknown): void {
  const model = codec.meta.name;
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new ValidationError(`${method} on "${model}" needs data: an object of field values.`, model);
  }
  for (const key of Object.keys(data)) {
    if (codec.meta.relations.has(key)) {
      throw new ValidationError(
        `${method} on "${model}" sets fields only; "${key}" is a relation (write it with update({ where, data: { ${key}: ... } })).`,
        model,
        key,
      );
    }
  }
}
