import type { Session } from "../../dialect/session.js";
import { ValidationError } from "../../errors.js";
import { withoutHidden } from "../../loader/hidden.js";
import { describeValue } from "../../plan/arguments.js";
import type { ModelCodec } from "../../plan/model-codec.js";
import { prepareInsert } from "../../plan/validate.js";
import { hasHooks } from "../../write/events.js";
import { type InsertOptions, insertCount, insertRows } from "../../write/writes.js";
import { argsToState } from "./find-args.js";
import { pickArgs, rowsByKeys } from "./object-writes.js";

type Values = Record<string, unknown>;

/**
 * Prisma's `createMany({ data, skipDuplicates })` -> `{ count }`, and
 * `createManyAndReturn({ data, skipDuplicates, select?, omit? })` -> the rows (`andReturn`).
 *
 * `data` is one row or an array of rows, field values only (no nested relation writes).
 * `skipDuplicates: true` skips the rows a unique key already has (ON CONFLICT DO NOTHING,
 * INSERT IGNORE on MySQL): they are not counted or returned. Rows are inserted in batches under
 * the database's parameter limit, in one transaction when there are several statements.
 */
export async function createManyArgs(
  session: Session,
  codec: ModelCodec,
  input: unknown,
  andReturn: boolean,
): Promise<unknown> {
  const method = andReturn ? "createManyAndReturn" : "createMany";
  const allowed = andReturn ? ["data", "skipDuplicates", "select", "omit"] : ["data", "skipDuplicates"];
  const args = pickArgs(codec, method, input, allowed, ["data"]);
  const rows = dataRows(codec, method, args.data);
  const options: InsertOptions = { skipDuplicates: skipArg(codec, method, args.skipDuplicates) };
  if (!andReturn) return { count: await insertCount(session, codec, rows, options) };
  const model = codec.meta.name;
  if (args.select === undefined && args.omit === undefined) {
    return withoutHidden(session, model, await insertRows(session, codec, rows, options));
  }
  argsToState(session, model, { select: args.select, omit: args.omit }); // checked before any SQL
  if (rows.length === 0) return [];
  return session.transaction(async (tx) => rowsByKeys(tx, codec, await insertRows(tx, codec, rows, options), args));
}

/**
 * The rows of `data` (one object or an array of them), each checked to be field values only,
 * and validated before any SQL where the insert would first run hooks or open a transaction.
 */
function dataRows(codec: ModelCodec, method: string, data: unknown): Values[] {
  const model = codec.meta.name;
  const rows = Array.isArray(data) ? data : [data];
  for (const row of rows) {
    if (typeof row !== "object" || row === null || Array.isArray(row) || row instanceof Date) {
      throw new ValidationError(
        `${method} on "${model}" takes data: an object of field values or an array of them; got ${describeValue(row)}.`,
        model,
        "data",
      );
    }
    for (const key of Object.keys(row)) {
      if (codec.meta.relations.has(key)) {
        throw new ValidationError(
          `${method} on "${model}" writes fields only; "${key}" is a relation. Write related rows with create({ data: { ${key}: ... } }) or createMany([...]).`,
          model,
          key,
        );
      }
    }
  }
  // The insert itself validates every row first, unless hooks or touched owners come first.
  const touches = [...codec.meta.relations.values()].some((meta) => "touches" in meta && meta.touches === true);
  if (touches || hasHooks(codec, "saving", "creating", "created", "saved"))
    for (const row of rows) prepareInsert(codec, row as Values);
  return rows as Values[];
}

/** `skipDuplicates`: a boolean, or absent (false). */
function skipArg(codec: ModelCodec, method: string, value: unknown): boolean {
  if (value === undefined || typeof value === "boolean") return value === true;
  const model = codec.meta.name;
  throw new ValidationError(
    `${method} on "${model}" takes skipDuplicates: true or false; got ${describeValue(value)}.`,
    model,
    "skipDuplicates",
  );
}
