// biome-ignore-all lint/complexity/noArguments: arity checks read arguments.length (no rest array, same signatures)
import { ValidationError } from "../errors.js";
import { describeValue, noExtraArguments } from "../plan/arguments.js";
import type { ModelCodec } from "../plan/model-codec.js";
import { EMPTY_STATE, type QueryState, type RelationLoadStrategy, selectQuery } from "../plan/state.js";
import { checkFilterValue } from "../plan/validate.js";
import { compareNode, type Operator, type WhereNode } from "../plan/where.js";
import type { Schema } from "../schema/define-schema.js";
import type { FieldName, ModelName, Row, Simplify } from "../schema/types.js";
import type { BuilderContext, OperatorValue, WhereGroup, WhereObject } from "./builder-types.js";
import type { QueryBuilder } from "./query-builder.js";

/**
 * The state a builder holds and the methods that shape it: where conditions, selection, order,
 * paging, strategy. Immutable: every method returns a new builder. Relations are added by
 * RelationBuilder and terminals by QueryBuilder, the public class.
 */
export abstract class BuilderCore<S extends Schema, M extends ModelName<S>, O = Row<S, M>> {
  readonly #ctx: BuilderContext;
  readonly #state: QueryState;

  constructor(ctx: BuilderContext, state: QueryState = EMPTY_STATE) {
    this.#ctx = ctx;
    this.#state = state;
  }

  /** A new builder of the public class (on this or another model). */
  protected abstract spawn(ctx: BuilderContext, state?: QueryState): QueryBuilder<any, any, any>;

  protected get context(): BuilderContext {
    return this.#ctx;
  }

  protected get current(): QueryState {
    return this.#state;
  }

  /** A builder with this state and `patch` applied (builders are immutable). */
  protected next<T = O>(patch: Partial<QueryState>): QueryBuilder<S, M, T> {
    return this.spawn(this.context, { ...this.current, ...patch }) as QueryBuilder<S, M, T>;
  }

  /** Rejects arguments beyond the `max` a public method uses (see arguments.ts). */
  protected noExtraArguments(args: ArrayLike<unknown>, max: number, signature: string): void {
    if (args.length > max) noExtraArguments(this.context.codec.meta.name, signature, args, max);
  }

  protected addWhere(node: WhereNode): QueryBuilder<S, M, O> {
    return this.next({ wheres: [...this.current.wheres, node] });
  }

  #whereArgs(or: boolean, args: unknown[]): QueryBuilder<S, M, O> {
    const { codec } = this.context;
    const [first, second, third] = args;
    if (args.length === 1 && typeof first === "function") {
      const inner = (first as (q: QueryBuilder<S, M, Row<S, M>>) => unknown)(this.spawn(this.context));
      if (!(inner instanceof BuilderCore)) {
        throw new ValidationError(
          `A where callback on "${codec.meta.name}" must return the builder it was given (q => q.where(...)).`,
          codec.meta.name,
        );
      }
      return this.addWhere({ type: "group", or, not: false, nodes: inner.current.wheres });
    }
    if (args.length === 1 && typeof first === "object" && first !== null) {
      const nodes = Object.entries(first).map(([field, value]) => compareNode(codec, false, field, "=", value));
      return this.addWhere({ type: "group", or, not: false, nodes });
    }
    if (typeof first !== "string" || (args.length !== 2 && args.length !== 3)) {
      throw new ValidationError(
        `where on "${codec.meta.name}" takes (field, value), (field, operator, value), an object or a callback.`,
        codec.meta.name,
      );
    }
    return this.addWhere(
      args.length === 2
        ? compareNode(codec, or, first, "=", second)
        : compareNode(codec, or, first, operatorText(second), third),
    );
  }

  /** Adds a condition: `(field, value)`, `(field, op, value)`, `({ field: value })` or a group callback. */
  where<K extends FieldName<S, M>>(field: K, value: Row<S, M>[K] | null): QueryBuilder<S, M, O>;
  where<K extends FieldName<S, M>, Op extends Operator>(
    field: K,
    op: Op,
    value: OperatorValue<Row<S, M>[K], Op>,
  ): QueryBuilder<S, M, O>;
  where(conditions: WhereObject<S, M>): QueryBuilder<S, M, O>;
  where(group: WhereGroup<S, M>): QueryBuilder<S, M, O>;
  where(...args: unknown[]): QueryBuilder<S, M, O> {
    return this.#whereArgs(false, args);
  }

  /** Like `where`, joined to the previous condition with OR. */
  orWhere<K extends FieldName<S, M>>(field: K, value: Row<S, M>[K] | null): QueryBuilder<S, M, O>;
  orWhere<K extends FieldName<S, M>, Op extends Operator>(
    field: K,
    op: Op,
    value: OperatorValue<Row<S, M>[K], Op>,
  ): QueryBuilder<S, M, O>;
  orWhere(conditions: WhereObject<S, M>): QueryBuilder<S, M, O>;
  orWhere(group: WhereGroup<S, M>): QueryBuilder<S, M, O>;
  orWhere(...args: unknown[]): QueryBuilder<S, M, O> {
    return this.#whereArgs(true, args);
  }

  /** Negated group: `whereNot(q => q.where("a", 1).orWhere("b", 2))`. */
  whereNot(group: WhereGroup<S, M>): QueryBuilder<S, M, O> {
    this.noExtraArguments(arguments, 1, "whereNot(group)");
    const built = this.#whereArgs(false, [group]);
    const nodes = built.current.wheres;
    const last = nodes[nodes.length - 1] as Extract<WhereNode, { type: "group" }>;
    return this.next({ wheres: [...nodes.slice(0, -1), { ...last, not: true }] });
  }

  whereIn<K extends FieldName<S, M>>(field: K, values: readonly NonNullable<Row<S, M>[K]>[]) {
    this.noExtraArguments(arguments, 2, "whereIn(field, values)");
    return this.addWhere(compareNode(this.context.codec, false, field, "in", values));
  }
  whereNotIn<K extends FieldName<S, M>>(field: K, values: readonly NonNullable<Row<S, M>[K]>[]) {
    this.noExtraArguments(arguments, 2, "whereNotIn(field, values)");
    return this.addWhere(compareNode(this.context.codec, false, field, "not in", values));
  }
  orWhereIn<K extends FieldName<S, M>>(field: K, values: readonly NonNullable<Row<S, M>[K]>[]) {
    this.noExtraArguments(arguments, 2, "orWhereIn(field, values)");
    return this.addWhere(compareNode(this.context.codec, true, field, "in", values));
  }
  orWhereNotIn<K extends FieldName<S, M>>(field: K, values: readonly NonNullable<Row<S, M>[K]>[]) {
    this.noExtraArguments(arguments, 2, "orWhereNotIn(field, values)");
    return this.addWhere(compareNode(this.context.codec, true, field, "not in", values));
  }

  #null(field: string, not: boolean, or: boolean) {
    this.context.codec.field(field, "filter by");
    return this.addWhere({ type: "null", or, field, not });
  }
  whereNull(field: FieldName<S, M>) {
    this.noExtraArguments(arguments, 1, "whereNull(field)");
    return this.#null(field, false, false);
  }
  whereNotNull(field: FieldName<S, M>) {
    this.noExtraArguments(arguments, 1, "whereNotNull(field)");
    return this.#null(field, true, false);
  }
  orWhereNull(field: FieldName<S, M>) {
    this.noExtraArguments(arguments, 1, "orWhereNull(field)");
    return this.#null(field, false, true);
  }
  orWhereNotNull(field: FieldName<S, M>) {
    this.noExtraArguments(arguments, 1, "orWhereNotNull(field)");
    return this.#null(field, true, true);
  }

  #between(field: string, range: readonly [unknown, unknown], not: boolean, or: boolean) {
    const { codec } = this.context;
    codec.field(field, "filter by");
    if (!Array.isArray(range) || range.length !== 2 || range.some((v) => v === null || v === undefined)) {
      throw new ValidationError(
        `whereBetween on "${codec.meta.name}.${field}" needs [low, high], both not null.`,
        codec.meta.name,
        field,
      );
    }
    for (const bound of range) checkFilterValue(codec, field, bound);
    return this.addWhere({ type: "between", or, field, not, range });
  }
  /** `low <= field <= high`. */
  whereBetween<K extends FieldName<S, M>>(
    field: K,
    range: readonly [NonNullable<Row<S, M>[K]>, NonNullable<Row<S, M>[K]>],
  ) {
    this.noExtraArguments(arguments, 2, "whereBetween(field, range)");
    return this.#between(field, range, false, false);
  }
  whereNotBetween<K extends FieldName<S, M>>(
    field: K,
    range: readonly [NonNullable<Row<S, M>[K]>, NonNullable<Row<S, M>[K]>],
  ) {
    this.noExtraArguments(arguments, 2, "whereNotBetween(field, range)");
    return this.#between(field, range, true, false);
  }
  orWhereBetween<K extends FieldName<S, M>>(
    field: K,
    range: readonly [NonNullable<Row<S, M>[K]>, NonNullable<Row<S, M>[K]>],
  ) {
    this.noExtraArguments(arguments, 2, "orWhereBetween(field, range)");
    return this.#between(field, range, false, true);
  }

  #pivot(): ModelCodec {
    const { pivot, codec } = this.context;
    if (pivot) return pivot;
    throw new ValidationError(
      `wherePivot is only available inside the constraint of a many-to-many relation (on "${codec.meta.name}").`,
      codec.meta.name,
    );
  }

  /** Inside a many-to-many constraint: a condition on the pivot row, `(field, value)` or `(field, op, value)`. */
  wherePivot(field: string, ...rest: [unknown] | [Operator, unknown]): QueryBuilder<S, M, O> {
    const pivot = this.#pivot();
    if (rest.length !== 1 && rest.length !== 2) {
      throw new ValidationError(
        `wherePivot on "${this.context.codec.meta.name}" takes (field, value) or (field, operator, value); got ${arguments.length} arguments.`,
        this.context.codec.meta.name,
      );
    }
    const node =
      rest.length === 1
        ? compareNode(pivot, false, field, "=", rest[0])
        : compareNode(pivot, false, field, operatorText(rest[0]), rest[1]);
    return this.next({ pivotWheres: [...this.current.pivotWheres, node] });
  }

  /** Inside a many-to-many constraint: the pivot field is one of `values`. */
  wherePivotIn(field: string, values: readonly unknown[]): QueryBuilder<S, M, O> {
    this.noExtraArguments(arguments, 2, "wherePivotIn(field, values)");
    const node = compareNode(this.#pivot(), false, field, "in", values);
    return this.next({ pivotWheres: [...this.current.pivotWheres, node] });
  }

  /** @internal The state a builder holds (for the loader and other builders). */
  static stateOf(builder: BuilderCore<any, any, any>): QueryState {
    return builder.#state;
  }

  /** Returns only these fields; the row type narrows to them. */
  select<K extends FieldName<S, M>>(...fields: K[]): QueryBuilder<S, M, Simplify<Pick<Row<S, M>, K>>> {
    for (const field of fields) this.context.codec.field(field, "select");
    return this.next({ selects: fields.length === 0 ? undefined : fields });
  }

  /** Adds a sort key (a field, or an aggregate added by withCount/withSum/...); call again for tie-breakers. */
  orderBy(
    field: FieldName<S, M> | Exclude<keyof O & string, FieldName<S, M>>,
    direction: "asc" | "desc" = "asc",
  ): QueryBuilder<S, M, O> {
    this.noExtraArguments(arguments, 2, "orderBy(field, direction)");
    const { codec } = this.context;
    if (direction !== "asc" && direction !== "desc") {
      throw new ValidationError(
        `orderBy direction must be "asc" or "desc", got ${describeValue(direction)}.`,
        codec.meta.name,
        field,
      );
    }
    const aggregate = codec.meta.fields.has(field) ? undefined : this.current.aggregates.find((a) => a.alias === field);
    if (!aggregate) codec.field(field, "order by");
    return this.next({
      orders: [...this.current.orders, { field, direction, ...(aggregate && { build: aggregate.build }) }],
    });
  }

  /** `n`, checked to be a non-negative integer (limit, offset, batch sizes). */
  protected nonNegative(name: string, n: number): number {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new ValidationError(
        `${name} must be a non-negative integer, got ${describeValue(n)}.`,
        this.context.codec.meta.name,
      );
    }
    return n;
  }
  limit(n: number): QueryBuilder<S, M, O> {
    this.noExtraArguments(arguments, 1, "limit(n)");
    return this.next({ limit: this.nonNegative("limit", n) });
  }
  offset(n: number): QueryBuilder<S, M, O> {
    this.noExtraArguments(arguments, 1, "offset(n)");
    return this.next({ offset: this.nonNegative("offset", n) });
  }

  /** The SQL and parameters `get()` would send (for logging and tests). */
  toSql(): { sql: string; params: readonly unknown[] } {
    this.noExtraArguments(arguments, 0, "toSql()");
    const compiled = selectQuery(this.context.session, this.context.codec, this.current).compile();
    return { sql: compiled.sql, params: compiled.parameters };
  }

  /**
   * How this query loads its relations: `"query"` (one query per relation level) or `"join"`
   * (one statement, relations aggregated as JSON). Both return the same rows.
   */
  strategy(strategy: RelationLoadStrategy): QueryBuilder<S, M, O> {
    this.noExtraArguments(arguments, 1, "strategy(strategy)");
    if (strategy !== "query" && strategy !== "join") {
      throw new ValidationError(
        `strategy must be "query" or "join", got ${describeValue(strategy)}.`,
        this.context.codec.meta.name,
      );
    }
    return this.next({ strategy });
  }
}

/** An operator argument as compareNode checks it (a non-string is named in the unknown-operator error). */
const operatorText = (op: unknown): string => (typeof op === "string" ? op : describeValue(op));
