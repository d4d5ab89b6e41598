// biome-ignore-all lint/complexity/noArguments: arity checks read arguments.length (no rest array, same signatures)
import { NotFoundError, ValidationError } from "../errors.js";
import { readRows } from "../loader/read.js";
import { checkOptions, checkUpdateValues, describeValue } from "../plan/arguments.js";
import { baseQuery, EMPTY_STATE, type QueryState } from "../plan/state.js";
import type { Schema } from "../schema/define-schema.js";
import type { FieldName, ModelName, Row, UpdateInput } from "../schema/types.js";
import { deleteRows, updateRows } from "../write/writes.js";
import type { BuilderContext, Page } from "./builder-types.js";
import { cursorRows } from "./cursor.js";
import { RelationBuilder } from "./relation-builder.js";

export type * from "./builder-types.js";

const PAGINATE_OPTIONS = ["page", "perPage"];
const CURSOR_OPTIONS = ["batchSize"];

/**
 * A query on one model. Immutable: every method returns a new builder, so a base query
 * can be reused. `O` is the row type the query returns.
 *
 * ```ts
 * const adults = db.user.where("age", ">=", 18).orderBy("name");
 * const firstTen = await adults.limit(10).get();
 * ```
 */
export class QueryBuilder<S extends Schema, M extends ModelName<S>, O = Row<S, M>> extends RelationBuilder<S, M, O> {
  protected override spawn(ctx: BuilderContext, state: QueryState = EMPTY_STATE): QueryBuilder<any, any, any> {
    return new QueryBuilder(ctx, state);
  }

  /** Reads the rows of a state: every reading terminal (get, first, paginate, cursor) ends here. */
  protected readState(state: QueryState): Promise<O[]> {
    return readRows(this.context.session, this.context.codec, state) as Promise<O[]>;
  }

  /** All matching rows. */
  get(): Promise<O[]> {
    this.noExtraArguments(arguments, 0, "get()");
    return this.readState(this.current);
  }

  /** The first matching row, or null. */
  async first(): Promise<O | null> {
    this.noExtraArguments(arguments, 0, "first()");
    const [row] = await this.readState({ ...this.current, limit: 1 });
    return row ?? null;
  }

  /** The first matching row; throws `NotFoundError` when there is none. */
  async firstOrFail(): Promise<O> {
    this.noExtraArguments(arguments, 0, "firstOrFail()");
    const row = await this.first();
    if (row === null) throw new NotFoundError(this.context.codec.meta.name, "matching the query");
    return row;
  }

  /** Number of matching rows (ignores select, order, limit and offset). */
  async count(): Promise<number> {
    this.noExtraArguments(arguments, 0, "count()");
    const { session, codec } = this.context;
    const query = baseQuery(session, codec, this.current).select((eb) => eb.fn.countAll().as("count"));
    const result = await session.execute<{ count: unknown }>(query);
    return Number(result.rows[0]?.count ?? 0);
  }

  /** Whether any row matches. */
  async exists(): Promise<boolean> {
    this.noExtraArguments(arguments, 0, "exists()");
    const { session, codec } = this.context;
    const query = baseQuery(session, codec, this.current)
      .select((eb) => eb.lit(1).as("found"))
      .limit(1);
    return (await session.execute(query)).rows.length > 0;
  }

  /** The values of one field, in query order. */
  async pluck<K extends FieldName<S, M>>(field: K): Promise<Row<S, M>[K][]> {
    this.noExtraArguments(arguments, 1, "pluck(field)");
    this.context.codec.field(field, "pluck");
    const rows = await this.readState({ ...this.current, selects: [field], eager: new Map() });
    return rows.map((row) => (row as Record<string, unknown>)[field] as Row<S, M>[K]);
  }

  /** One page of rows plus the total (two queries). Pages start at 1. */
  async paginate(options?: { page?: number; perPage?: number }): Promise<Page<O>> {
    this.noExtraArguments(arguments, 1, "paginate({ page, perPage })");
    const model = this.context.codec.meta.name;
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
    const total = await this.count();
    const data = await this.readState({ ...this.current, limit: size, offset });
    return { data, total, page: page as number, perPage: size, lastPage: Math.max(1, Math.ceil(total / size)) };
  }

  /** Updates every matching row; returns how many matched. */
  async update(values: UpdateInput<S, M>): Promise<number> {
    this.noExtraArguments(arguments, 1, "update(values)");
    const { session, codec } = this.context;
    checkUpdateValues(codec.meta.name, values, (name) => codec.meta.fields.has(name));
    return updateRows(session, codec, this.current, values as Record<string, unknown>);
  }

  /** Deletes every matching row; returns how many. */
  async delete(): Promise<number> {
    this.noExtraArguments(arguments, 0, "delete()");
    return deleteRows(this.context.session, this.context.codec, this.current);
  }

  /** `for await (const row of builder)`: streams the rows in batches of 1,000 (see `cursor`). */
  [Symbol.asyncIterator](): AsyncGenerator<O, void, undefined> {
    return this.cursor();
  }

  /**
   * Streams matching rows, reading `batchSize` at a time: by primary key when the query has
   * no order of its own (stable under concurrent inserts), by offset otherwise.
   *
   * ```ts
   * for await (const user of db.user.where("active", true).cursor({ batchSize: 500 })) { ... }
   * ```
   */
  cursor(options?: { batchSize?: number }): AsyncGenerator<O, void, undefined> {
    this.noExtraArguments(arguments, 1, "cursor({ batchSize })");
    const model = this.context.codec.meta.name;
    const { batchSize = 1000 } = checkOptions(model, "cursor", options, CURSOR_OPTIONS);
    this.nonNegative("batchSize", batchSize as number);
    if ((batchSize as number) < 1) throw new ValidationError(`batchSize on "${model}" must be at least 1.`, model);
    return cursorRows(this.context.codec, this.current, batchSize as number, (state) => this.readState(state));
  }
}
