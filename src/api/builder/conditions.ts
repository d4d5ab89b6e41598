// biome-ignore-all lint/complexity/noArguments: arity checks read arguments.length (no rest array, same signatures)
import { ValidationError } from "../../errors.js";
import { describeValue } from "../../plan/arguments.js";
import type { ModelCodec } from "../../plan/model-codec.js";
import { type RelationLoadStrategy, selectQuery } from "../../plan/state.js";
import { checkFilterValue } from "../../plan/validate.js";
import { compareNode, type Operator, type WhereNode } from "../../plan/where.js";
import { pivotOrder } from "../../relations/pivot.js";
import type { Schema } from "../../schema/define-schema.js";
import type { FieldName, FullRow, ModelName, Simplify } from "../../schema/types.js";
import type {
  Chained,
  HandleKind,
  NullableField,
  OperatorValue,
  PivotFieldArg,
  WhereGroup,
  WhereObject,
} from "../builder-types.js";
import { arity, type BuilderSelf, next, PROPS, spawn, stateOf } from "./self.js";

/**
 * The methods that shape a query: where conditions, selection, order, paging, strategy. Each
 * returns a new builder of the same kind (`Chained`): a relation handle stays a handle.
 */
export interface ConditionMethods<S extends Schema, M extends ModelName<S>, O, H extends HandleKind, K extends string> {
  /**
   * Adds a condition: `(field, value)`, `(field, op, value)`, `({ field: value })` or a group callback.
   * A value of null (IS NULL) is for nullable fields only.
   */
  where<F extends FieldName<S, M>>(field: F, value: FullRow<S, M>[F]): Chained<H, S, M, O, K>;
  where<F extends FieldName<S, M>, Op extends Operator>(
    field: F,
    op: Op,
    value: OperatorValue<FullRow<S, M>[F], Op>,
  ): Chained<H, S, M, O, K>;
  where(conditions: WhereObject<S, M>): Chained<H, S, M, O, K>;
  where(group: WhereGroup<S, M>): Chained<H, S, M, O, K>;

  /** Like `where`, joined to the previous condition with OR. */
  orWhere<F extends FieldName<S, M>>(field: F, value: FullRow<S, M>[F]): Chained<H, S, M, O, K>;
  orWhere<F extends FieldName<S, M>, Op extends Operator>(
    field: F,
    op: Op,
    value: OperatorValue<FullRow<S, M>[F], Op>,
  ): Chained<H, S, M, O, K>;
  orWhere(conditions: WhereObject<S, M>): Chained<H, S, M, O, K>;
  orWhere(group: WhereGroup<S, M>): Chained<H, S, M, O, K>;

  /** Negated group: `whereNot(q => q.where("a", 1).orWhere("b", 2))`. */
  whereNot(group: WhereGroup<S, M>): Chained<H, S, M, O, K>;

  whereIn<F extends FieldName<S, M>>(
    field: F,
    values: readonly NonNullable<FullRow<S, M>[F]>[],
  ): Chained<H, S, M, O, K>;
  whereNotIn<F extends FieldName<S, M>>(
    field: F,
    values: readonly NonNullable<FullRow<S, M>[F]>[],
  ): Chained<H, S, M, O, K>;
  orWhereIn<F extends FieldName<S, M>>(
    field: F,
    values: readonly NonNullable<FullRow<S, M>[F]>[],
  ): Chained<H, S, M, O, K>;
  orWhereNotIn<F extends FieldName<S, M>>(
    field: F,
    values: readonly NonNullable<FullRow<S, M>[F]>[],
  ): Chained<H, S, M, O, K>;

  /** Rows whose field is null: a nullable field (a field that is not nullable is never null). */
  whereNull(field: NullableField<S, M>): Chained<H, S, M, O, K>;
  /** Rows whose field is not null (any field: on one that is not nullable, every row). */
  whereNotNull(field: FieldName<S, M>): Chained<H, S, M, O, K>;
  orWhereNull(field: NullableField<S, M>): Chained<H, S, M, O, K>;
  orWhereNotNull(field: FieldName<S, M>): Chained<H, S, M, O, K>;

  /** `low <= field <= high`. */
  whereBetween<F extends FieldName<S, M>>(
    field: F,
    range: readonly [NonNullable<FullRow<S, M>[F]>, NonNullable<FullRow<S, M>[F]>],
  ): Chained<H, S, M, O, K>;
  whereNotBetween<F extends FieldName<S, M>>(
    field: F,
    range: readonly [NonNullable<FullRow<S, M>[F]>, NonNullable<FullRow<S, M>[F]>],
  ): Chained<H, S, M, O, K>;
  orWhereBetween<F extends FieldName<S, M>>(
    field: F,
    range: readonly [NonNullable<FullRow<S, M>[F]>, NonNullable<FullRow<S, M>[F]>],
  ): Chained<H, S, M, O, K>;

  /**
   * Inside a many-to-many constraint: a condition on the pivot row, `(field, value)` or
   * `(field, op, value)`; the field is one of the pivot's (its keys, `pivotFields`, timestamps).
   */
  wherePivot(field: PivotFieldArg<H, K>, ...rest: [unknown] | [Operator, unknown]): Chained<H, S, M, O, K>;
  /** Inside a many-to-many constraint: the pivot field is one of `values`. */
  wherePivotIn(field: PivotFieldArg<H, K>, values: readonly unknown[]): Chained<H, S, M, O, K>;
  /**
   * Inside a many-to-many constraint (`with("roles", (q) => q.orderByPivot("createdAt", "desc"))`)
   * and on a many-to-many `related()` handle: sorts by a pivot field.
   */
  orderByPivot(
    field: H extends "manyToMany" ? string : PivotFieldArg<H, K>,
    direction?: "asc" | "desc",
  ): Chained<H, S, M, O, K>;

  /**
   * Returns only these fields; the row type narrows to them. What `with`, `withCount` and the
   * like add stays (read apart from the selection), whether they come before or after.
   */
  select<F extends FieldName<S, M>>(
    ...fields: F[]
  ): Chained<H, S, M, Simplify<Pick<FullRow<S, M>, F> & Omit<O, FieldName<S, M>>>, K>;
  /** Adds a sort key (a field, or an aggregate added by withCount/withSum/...); call again for tie-breakers. */
  orderBy(
    field: FieldName<S, M> | Exclude<keyof O & string, FieldName<S, M>>,
    direction?: "asc" | "desc",
  ): Chained<H, S, M, O, K>;
  limit(n: number): Chained<H, S, M, O, K>;
  offset(n: number): Chained<H, S, M, O, K>;

  /** The SQL and parameters `get()` would send (for logging and tests). */
  toSql(): { sql: string; params: readonly unknown[] };
  /**
   * How this query loads its relations: `"query"` (one query per relation level) or `"join"`
   * (one statement, relations aggregated as JSON). Both return the same rows.
   */
  strategy(strategy: RelationLoadStrategy): Chained<H, S, M, O, K>;
}

/** Adds a where node. */
export function addWhere(self: BuilderSelf, node: WhereNode): any {
  return next(self, { wheres: [...self[PROPS].state.wheres, node] });
}

function whereArgs(self: BuilderSelf, or: boolean, args: unknown[]): any {
  const { ctx } = self[PROPS];
  const { codec } = ctx;
  const [first, second, third] = args;
  if (args.length === 1 && typeof first === "function") {
    const inner = stateOf((first as (q: unknown) => unknown)(spawn(self, ctx)));
    if (!inner) {
      throw new ValidationError(
        `A where callback on "${codec.meta.name}" must return the builder it was given (q => q.where(...)).`,
        codec.meta.name,
      );
    }
    return addWhere(self, { type: "group", or, not: false, nodes: inner.wheres });
  }
  if (args.length === 1 && typeof first === "object" && first !== null) {
    const nodes = Object.entries(first).map(([field, value]) => compareNode(codec, false, field, "=", value));
    return addWhere(self, { type: "group", or, not: false, nodes });
  }
  if (typeof first !== "string" || (args.length !== 2 && args.length !== 3)) {
    throw new ValidationError(
      `where on "${codec.meta.name}" takes (field, value), (field, operator, value), an object or a callback.`,
      codec.meta.name,
    );
  }
  return addWhere(
    self,
    args.length === 2
      ? compareNode(codec, or, first, "=", second)
      : compareNode(codec, or, first, operatorText(second), third),
  );
}

function inNode(self: BuilderSelf, args: IArguments, signature: string, or: boolean, op: "in" | "not in") {
  arity(self, args, 2, signature);
  return addWhere(self, compareNode(self[PROPS].ctx.codec, or, args[0], op, args[1]));
}

function nullNode(self: BuilderSelf, args: IArguments, signature: string, not: boolean, or: boolean) {
  arity(self, args, 1, signature);
  const field = args[0] as string;
  self[PROPS].ctx.codec.field(field, "filter by");
  return addWhere(self, { type: "null", or, field, not });
}

function betweenNode(self: BuilderSelf, args: IArguments, signature: string, not: boolean, or: boolean) {
  arity(self, args, 2, signature);
  const [field, range] = args as unknown as [string, readonly [unknown, unknown]];
  const { codec } = self[PROPS].ctx;
  codec.field(field, "filter by");
  if (!Array.isArray(range) || range.length !== 2 || range.some((v) => v === null || v === undefined)) {
    throw new ValidationError(
      `whereBetween on "${codec.meta.name}.${field}" needs [low, high], both not null.`,
      codec.meta.name,
      field,
    );
  }
  for (const bound of range) checkFilterValue(codec, field, bound);
  return addWhere(self, { type: "between", or, field, not, range });
}

function pivotOf(self: BuilderSelf, method = "wherePivot"): ModelCodec {
  const { pivot, codec } = self[PROPS].ctx;
  if (pivot) return pivot;
  throw new ValidationError(
    `${method} is only available inside the constraint of a many-to-many relation (on "${codec.meta.name}").`,
    codec.meta.name,
  );
}

/** `n`, checked to be a non-negative integer (limit, offset, batch sizes). */
export function nonNegative(self: BuilderSelf, name: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new ValidationError(
      `${name} must be a non-negative integer, got ${describeValue(n)}.`,
      self[PROPS].ctx.codec.meta.name,
    );
  }
  return n;
}

/** The implementations of ConditionMethods, for any builder class. */
export const conditionMethods = {
  where(this: BuilderSelf, ...args: unknown[]) {
    return whereArgs(this, false, args);
  },
  orWhere(this: BuilderSelf, ...args: unknown[]) {
    return whereArgs(this, true, args);
  },
  whereNot(this: BuilderSelf, group: unknown) {
    arity(this, arguments, 1, "whereNot(group)");
    const nodes = stateOf(whereArgs(this, false, [group]))!.wheres;
    const last = nodes[nodes.length - 1] as Extract<WhereNode, { type: "group" }>;
    return next(this, { wheres: [...nodes.slice(0, -1), { ...last, not: true }] });
  },
  whereIn(this: BuilderSelf) {
    return inNode(this, arguments, "whereIn(field, values)", false, "in");
  },
  whereNotIn(this: BuilderSelf) {
    return inNode(this, arguments, "whereNotIn(field, values)", false, "not in");
  },
  orWhereIn(this: BuilderSelf) {
    return inNode(this, arguments, "orWhereIn(field, values)", true, "in");
  },
  orWhereNotIn(this: BuilderSelf) {
    return inNode(this, arguments, "orWhereNotIn(field, values)", true, "not in");
  },
  whereNull(this: BuilderSelf) {
    return nullNode(this, arguments, "whereNull(field)", false, false);
  },
  whereNotNull(this: BuilderSelf) {
    return nullNode(this, arguments, "whereNotNull(field)", true, false);
  },
  orWhereNull(this: BuilderSelf) {
    return nullNode(this, arguments, "orWhereNull(field)", false, true);
  },
  orWhereNotNull(this: BuilderSelf) {
    return nullNode(this, arguments, "orWhereNotNull(field)", true, true);
  },
  whereBetween(this: BuilderSelf) {
    return betweenNode(this, arguments, "whereBetween(field, range)", false, false);
  },
  whereNotBetween(this: BuilderSelf) {
    return betweenNode(this, arguments, "whereNotBetween(field, range)", true, false);
  },
  orWhereBetween(this: BuilderSelf) {
    return betweenNode(this, arguments, "orWhereBetween(field, range)", false, true);
  },
  wherePivot(this: BuilderSelf, field: string, ...rest: unknown[]) {
    const pivot = pivotOf(this);
    const { codec } = this[PROPS].ctx;
    if (rest.length !== 1 && rest.length !== 2) {
      throw new ValidationError(
        `wherePivot on "${codec.meta.name}" takes (field, value) or (field, operator, value); got ${arguments.length} arguments.`,
        codec.meta.name,
      );
    }
    const node =
      rest.length === 1
        ? compareNode(pivot, false, field, "=", rest[0])
        : compareNode(pivot, false, field, operatorText(rest[0]), rest[1]);
    return next(this, { pivotWheres: [...this[PROPS].state.pivotWheres, node] });
  },
  wherePivotIn(this: BuilderSelf, field: string, values: readonly unknown[]) {
    arity(this, arguments, 2, "wherePivotIn(field, values)");
    const node = compareNode(pivotOf(this), false, field, "in", values);
    return next(this, { pivotWheres: [...this[PROPS].state.pivotWheres, node] });
  },
  orderByPivot(this: BuilderSelf, field: string, direction: "asc" | "desc" = "asc") {
    arity(this, arguments, 2, "orderByPivot(field, direction)");
    const pivot = pivotOf(this, "orderByPivot");
    if (direction !== "asc" && direction !== "desc") {
      throw new ValidationError(
        `orderByPivot direction must be "asc" or "desc", got ${describeValue(direction)}.`,
        this[PROPS].ctx.codec.meta.name,
        field,
      );
    }
    return next(this, { orders: [...this[PROPS].state.orders, pivotOrder(pivot, field, direction)] });
  },
  select(this: BuilderSelf, ...fields: string[]) {
    for (const field of fields) this[PROPS].ctx.codec.field(field, "select");
    return next(this, { selects: fields.length === 0 ? undefined : fields });
  },
  orderBy(this: BuilderSelf, field: string, direction: "asc" | "desc" = "asc") {
    arity(this, arguments, 2, "orderBy(field, direction)");
    const { ctx, state } = this[PROPS];
    const { codec } = ctx;
    if (direction !== "asc" && direction !== "desc") {
      throw new ValidationError(
        `orderBy direction must be "asc" or "desc", got ${describeValue(direction)}.`,
        codec.meta.name,
        field,
      );
    }
    const aggregate = codec.meta.fields.has(field) ? undefined : state.aggregates.find((a) => a.alias === field);
    if (!aggregate) codec.field(field, "order by");
    return next(this, {
      orders: [...state.orders, { field, direction, ...(aggregate && { build: aggregate.build }) }],
    });
  },
  limit(this: BuilderSelf, n: number) {
    arity(this, arguments, 1, "limit(n)");
    return next(this, { limit: nonNegative(this, "limit", n) });
  },
  offset(this: BuilderSelf, n: number) {
    arity(this, arguments, 1, "offset(n)");
    return next(this, { offset: nonNegative(this, "offset", n) });
  },
  toSql(this: BuilderSelf) {
    arity(this, arguments, 0, "toSql()");
    const { ctx, state } = this[PROPS];
    const compiled = selectQuery(ctx.session, ctx.codec, state).compile();
    return { sql: compiled.sql, params: compiled.parameters };
  },
  strategy(this: BuilderSelf, strategy: RelationLoadStrategy) {
    arity(this, arguments, 1, "strategy(strategy)");
    if (strategy !== "query" && strategy !== "join") {
      throw new ValidationError(
        `strategy must be "query" or "join", got ${describeValue(strategy)}.`,
        this[PROPS].ctx.codec.meta.name,
      );
    }
    return next(this, { strategy });
  },
};

/** An operator argument as compareNode checks it (a non-string is named in the unknown-operator error). */
export const operatorText = (op: unknown): string => (typeof op === "string" ? op : describeValue(op));
