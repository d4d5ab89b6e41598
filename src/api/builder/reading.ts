// biome-ignore-all lint/complexity/noArguments: arity checks read arguments.length (no rest array, same signatures)
import { NotFoundError, ValidationError } from "../../errors.js";
import { readRows } from "../../loader/read.js";
import { checkOptions, checkUpdateValues, describeValue } from "../../plan/arguments.js";
import { withDefaults } from "../../plan/eager.js";
import { baseQuery, type QueryState } from "../../plan/state.js";
import type { Schema } from "../../schema/define-schema.js";
import type { FieldName, FullRow, ModelName, UpdateInput } from "../../schema/types.js";
import { deleteRows, updateRows } from "../../write/writes.js";
import type { Page } from "../builder-types.js";
import { cursorRows } from "../cursor.js";
import type { NumberField } from "../objects/write-types.js";
import { nonNegative } from "./conditions.js";
import { arity, type BuilderSelf, PROPS, type ROW } from "./self.js";

/** The terminals of a builder: they run the query (reads, and update/delete of the matching rows). */
export interface ReadMethods<S extends Schema, M extends ModelName<S>, O> {
  /** @internal Type only (see RowCarrier): the row type, for inferring what a callback returns. */
  readonly [ROW]?: O;
  /** All matching rows. */
  get(): Promise<O[]>;
  /** The first matching row, or null. */
  first(): Promise<O | null>;
  /** The first matching row; throws `NotFoundError` when there is none. */
  firstOrFail(): Promise<O>;
  /** Number of matching rows (ignores select, order, limit and offset). */
  count(): Promise<number>;
  /** Whether any row matches. */
  exists(): Promise<boolean>;
  /** The values of one field, in query order. */
  pluck<F extends FieldName<S, M>>(field: F): Promise<FullRow<S, M>[F][]>;
  /** One page of rows plus the total (two queries). Pages start at 1. */
  paginate(options?: { page?: number; perPage?: number }): Promise<Page<O>>;
  /** Updates every matching row; returns how many matched. */
  update(values: UpdateInput<S, M>): Promise<number>;
  /** Deletes every matching row; returns how many. */
  delete(): Promise<number>;
  /**
   * Adds `amount` (default 1) to a number field of every matching row, in the database
   * (`SET views = views + 1`: atomic), with `extra` values set alongside; returns how many matched.
   */
  increment(field: NumberField<S, M>, amount?: number | bigint, extra?: UpdateInput<S, M>): Promise<number>;
  /** Subtracts `amount` (default 1) from a number field of every matching row; see `increment`. */
  decrement(field: NumberField<S, M>, amount?: number | bigint, extra?: UpdateInput<S, M>): Promise<number>;
  /** `for await (const row of builder)`: streams the rows in batches of 1,000 (see `cursor`). */
  [Symbol.asyncIterator](): AsyncGenerator<O, void, undefined>;
  /**
   * Streams matching rows, reading `batchSize` at a time: by primary key when the query has
   * no order of its own (stable under concurrent inserts), by offset otherwise.
   *
   * ```ts
   * for await (const user of db.user.where("active", true).cursor({ batchSize: 500 })) { ... }
   * ```
   */
  cursor(options?: { batchSize?: number }): AsyncGenerator<O, void, undefined>;
}

const PAGINATE_OPTIONS = ["page", "perPage"];

/** increment/decrement: one UPDATE of the matching rows, the field computed from its own value. */
function step(self: BuilderSelf, op: "increment" | "decrement", field: unknown, amount: unknown, extra: unknown) {
  const { ctx, state } = self[PROPS];
  const model = ctx.codec.meta.name;
  if (typeof field !== "string" || !ctx.codec.meta.fields.has(field)) {
    throw new ValidationError(
      `${op} on "${model}" needs a number field; got ${describeValue(field)}. Fields: ${ctx.codec.meta.fieldNames.join(", ")}.`,
      model,
    );
  }
  if (typeof extra !== "object" || extra === null || Array.isArray(extra) || Object.hasOwn(extra, field)) {
    throw new ValidationError(
      `${op}(field, amount, extra) on "${model}": extra must be an object of other fields' values.`,
      model,
    );
  }
  checkUpdateValues(model, extra, (name) => ctx.codec.meta.fields.has(name));
  return updateRows(ctx.session, ctx.codec, state, { ...extra, [field]: { [op]: amount } });
}
const CURSOR_OPTIONS = ["batchSize"];

/**
 * Reads the rows of a state: every reading terminal (get, first, paginate, cursor) ends here,
 * with the default eager loads of the model and of the models it loads (model option `with`).
 */
function read(self: BuilderSelf, state: QueryState, defaults = true): Promise<any[]> {
  const { ctx, read } = self[PROPS];
  const eager = defaults
    ? withDefaults(ctx.session.schema, ctx.codec.meta.name, state.eager, state.withoutDefaults)
    : state.eager;
  const full = eager === state.eager ? state : { ...state, eager };
  return read ? read(full) : readRows(ctx.session, ctx.codec, full);
}

/** The implementations of ReadMethods, for any builder class. */
export const readMethods = {
  get(this: BuilderSelf) {
    arity(this, arguments, 0, "get()");
    return read(this, this[PROPS].state);
  },
  async first(this: BuilderSelf) {
    arity(this, arguments, 0, "first()");
    const [row] = await read(this, { ...this[PROPS].state, limit: 1 });
    return row ?? null;
  },
  async firstOrFail(this: BuilderSelf) {
    arity(this, arguments, 0, "firstOrFail()");
    const [row] = await read(this, { ...this[PROPS].state, limit: 1 });
    if (row === undefined) throw new NotFoundError(this[PROPS].ctx.codec.meta.name, "matching the query");
    return row;
  },
  async count(this: BuilderSelf) {
    arity(this, arguments, 0, "count()");
    const { ctx, state } = this[PROPS];
    const query = baseQuery(ctx.session, ctx.codec, state).select((eb) => eb.fn.countAll().as("count"));
    const result = await ctx.session.execute<{ count: unknown }>(query);
    return Number(result.rows[0]?.count ?? 0);
  },
  async exists(this: BuilderSelf) {
    arity(this, arguments, 0, "exists()");
    const { ctx, state } = this[PROPS];
    const query = baseQuery(ctx.session, ctx.codec, state)
      .select((eb) => eb.lit(1).as("found"))
      .limit(1);
    return (await ctx.session.execute(query)).rows.length > 0;
  },
  async pluck(this: BuilderSelf, field: string) {
    arity(this, arguments, 1, "pluck(field)");
    this[PROPS].ctx.codec.field(field, "pluck");
    const rows = await read(this, { ...this[PROPS].state, selects: [field], eager: new Map() }, false);
    return rows.map((row) => (row as Record<string, unknown>)[field]);
  },
  async paginate(this: BuilderSelf, options?: { page?: number; perPage?: number }) {
    arity(this, arguments, 1, "paginate({ page, perPage })");
    const model = this[PROPS].ctx.codec.meta.name;
    const { page = 1, perPage = 15 } = checkOptions(model, "paginate", options, PAGINATE_OPTIONS);
    for (const [name, value] of [
      ["page", page],
      ["perPage", perPage],
    ] as const) {
      if (!Number.isSafeInteger(value) || (value as number) < 1) {
        throw new ValidationError(
          `paginate ${name} on "${model}" must be a positive integer, got ${describeValue(value)}.`,
          model,
        );
      }
    }
    const size = perPage as number;
    const offset = ((page as number) - 1) * size;
    if (!Number.isSafeInteger(offset)) {
      throw new ValidationError(
        `paginate on "${model}": page ${page} of ${size} rows starts past the largest safe integer offset.`,
        model,
      );
    }
    const total = await readMethods.count.call(this);
    const data = await read(this, { ...this[PROPS].state, limit: size, offset });
    return { data, total, page: page as number, perPage: size, lastPage: Math.max(1, Math.ceil(total / size)) };
  },
  update(this: BuilderSelf, values: unknown) {
    arity(this, arguments, 1, "update(values)");
    const { ctx, state } = this[PROPS];
    checkUpdateValues(ctx.codec.meta.name, values, (name) => ctx.codec.meta.fields.has(name));
    return updateRows(ctx.session, ctx.codec, state, values as Record<string, unknown>);
  },
  delete(this: BuilderSelf) {
    arity(this, arguments, 0, "delete()");
    const { ctx, state } = this[PROPS];
    return deleteRows(ctx.session, ctx.codec, state);
  },
  increment(this: BuilderSelf, field: string, amount: unknown = 1, extra: unknown = {}) {
    arity(this, arguments, 3, "increment(field, amount, extra)");
    return step(this, "increment", field, amount, extra);
  },
  decrement(this: BuilderSelf, field: string, amount: unknown = 1, extra: unknown = {}) {
    arity(this, arguments, 3, "decrement(field, amount, extra)");
    return step(this, "decrement", field, amount, extra);
  },
  [Symbol.asyncIterator](this: BuilderSelf) {
    return readMethods.cursor.call(this);
  },
  cursor(this: BuilderSelf, options?: { batchSize?: number }) {
    arity(this, arguments, 1, "cursor({ batchSize })");
    const { ctx, state } = this[PROPS];
    const model = ctx.codec.meta.name;
    const { batchSize = 1000 } = checkOptions(model, "cursor", options, CURSOR_OPTIONS);
    nonNegative(this, "batchSize", batchSize as number);
    if ((batchSize as number) < 1) throw new ValidationError(`batchSize on "${model}" must be at least 1.`, model);
    return cursorRows(ctx.codec, state, batchSize as number, (s) => read(this, s));
  },
};
