// biome-ignore-all lint/complexity/noArguments: arity checks read arguments.length (no rest array, same signatures)
import { ValidationError } from "../../errors.js";
import { describeValue } from "../../plan/arguments.js";
import { addEagerPath, flattenEagerObject } from "../../plan/eager.js";
import { codecFor } from "../../plan/model-codec.js";
import type { QueryState } from "../../plan/state.js";
import type { Operator } from "../../plan/where.js";
import { type AggregateFunction, aggregateNode } from "../../relations/aggregates.js";
import {
  COUNT_OPERATORS,
  type FilterContext,
  type HasOptions,
  hasMorphNode,
  hasNode,
} from "../../relations/filters.js";
import { belongsToNode, morphedToNode } from "../../relations/owner-filters.js";
import { pivotCodec } from "../../relations/pivot.js";
import type { Schema } from "../../schema/define-schema.js";
import { isPivotRelation, type RelationMeta } from "../../schema/meta.js";
import type {
  AggregateName,
  AggregateSpec,
  EagerObject,
  EagerObjectPaths,
  Loaded,
  PathTarget,
  RelationName,
  RelationPath,
} from "../../schema/relation-types.js";
import type { FieldName, ModelName, Row, Simplify } from "../../schema/types.js";
import type {
  AggregateField,
  AggregateObject,
  AggregateValue,
  BuilderContext,
  Chained,
  Constraint,
  CountOperator,
  HandleKind,
  MorphConstraint,
  OperatorValue,
  QueryOf,
  SpecResults,
  Target,
} from "../builder-types.js";
import { addWhere } from "./conditions.js";
import { arity, type BuilderSelf, next, PROPS, spawn, stateOf } from "./self.js";

/** The relation methods of a builder: eager loading, relation filters, relation aggregates. */
export interface RelationMethods<S extends Schema, M extends ModelName<S>, O, H extends HandleKind, K extends string> {
  /**
   * Eager loads relations onto the result: one query per relation level whatever the number
   * of rows. Paths nest with dots; a callback constrains the last segment (a limit or offset
   * there applies per parent).
   *
   * ```ts
   * db.user.with("posts.comments", "profile").get();
   * db.user.with("posts", (q) => q.where("published", true).orderBy("id", "desc").limit(3)).get();
   * db.user.with({ posts: { comments: true } }).get();
   * ```
   */
  with<const P extends RelationPath<S, M>[]>(...paths: P): Chained<H, S, M, Simplify<O & Loaded<S, M, P[number]>>, K>;
  with<const P extends RelationPath<S, M>, R>(
    path: P,
    constrain: (
      q: QueryOf<S, PathTarget<S, M, P> & ModelName<S>, Row<S, PathTarget<S, M, P> & ModelName<S>>>,
    ) => QueryOf<S, PathTarget<S, M, P> & ModelName<S>, R>,
  ): Chained<H, S, M, Simplify<O & Loaded<S, M, P, R>>, K>;
  with<const T extends EagerObject<S, M>>(
    spec: T,
  ): Chained<H, S, M, Simplify<O & Loaded<S, M, EagerObjectPaths<T>>>, K>;

  /**
   * Rows with related rows along `path` (a dotted path checks the last relation): at least
   * one, or `count op n` (`has("posts", ">=", 3)`). One correlated subquery, no join.
   */
  has<const P extends RelationPath<S, M>>(path: P, op?: CountOperator, count?: number): Chained<H, S, M, O, K>;
  orHas<const P extends RelationPath<S, M>>(path: P, op?: CountOperator, count?: number): Chained<H, S, M, O, K>;
  /** Rows without related rows along `path`. */
  doesntHave<const P extends RelationPath<S, M>>(path: P): Chained<H, S, M, O, K>;
  orDoesntHave<const P extends RelationPath<S, M>>(path: P): Chained<H, S, M, O, K>;

  /**
   * Rows with related rows matching a constraint (and, optionally, `count op n` of them).
   *
   * ```ts
   * db.user.whereHas("posts", (q) => q.where("published", true).has("comments"), ">=", 2);
   * ```
   */
  whereHas<const P extends RelationPath<S, M>>(
    path: P,
    constrain?: Constraint<S, M, P>,
    op?: CountOperator,
    count?: number,
  ): Chained<H, S, M, O, K>;
  orWhereHas<const P extends RelationPath<S, M>>(
    path: P,
    constrain?: Constraint<S, M, P>,
    op?: CountOperator,
    count?: number,
  ): Chained<H, S, M, O, K>;
  /** Rows with no related rows matching a constraint. */
  whereDoesntHave<const P extends RelationPath<S, M>>(path: P, constrain?: Constraint<S, M, P>): Chained<H, S, M, O, K>;
  orWhereDoesntHave<const P extends RelationPath<S, M>>(
    path: P,
    constrain?: Constraint<S, M, P>,
  ): Chained<H, S, M, O, K>;

  /** Rows with a related row whose field matches: `whereRelation("posts", "published", true)`. */
  whereRelation<const P extends RelationPath<S, M>, F extends FieldName<S, Target<S, M, P>>>(
    path: P,
    field: F,
    value: Row<S, Target<S, M, P>>[F] | null,
  ): Chained<H, S, M, O, K>;
  whereRelation<const P extends RelationPath<S, M>, F extends FieldName<S, Target<S, M, P>>, Op extends Operator>(
    path: P,
    field: F,
    op: Op,
    value: OperatorValue<Row<S, Target<S, M, P>>[F], Op>,
  ): Chained<H, S, M, O, K>;
  orWhereRelation<const P extends RelationPath<S, M>, F extends FieldName<S, Target<S, M, P>>>(
    path: P,
    field: F,
    value: Row<S, Target<S, M, P>>[F] | null,
  ): Chained<H, S, M, O, K>;
  orWhereRelation<const P extends RelationPath<S, M>, F extends FieldName<S, Target<S, M, P>>, Op extends Operator>(
    path: P,
    field: F,
    op: Op,
    value: OperatorValue<Row<S, Target<S, M, P>>[F], Op>,
  ): Chained<H, S, M, O, K>;

  /**
   * Rows whose belongsTo relation points at `rows` (one row or several). The relation is
   * found from the rows' model when relata read them, or named: `whereBelongsTo(user, "author")`.
   */
  whereBelongsTo(rows: object | readonly object[], relation?: RelationName<S, M>): Chained<H, S, M, O, K>;
  orWhereBelongsTo(rows: object | readonly object[], relation?: RelationName<S, M>): Chained<H, S, M, O, K>;

  /**
   * Rows whose morphTo parent is one of `types` (model names, or "*"), each checked against the
   * constraint; the callback gets a builder of that model and the model's name.
   */
  whereHasMorph(
    relation: RelationName<S, M>,
    types: readonly string[] | "*",
    constrain?: MorphConstraint<S>,
  ): Chained<H, S, M, O, K>;
  orWhereHasMorph(
    relation: RelationName<S, M>,
    types: readonly string[] | "*",
    constrain?: MorphConstraint<S>,
  ): Chained<H, S, M, O, K>;
  whereDoesntHaveMorph(
    relation: RelationName<S, M>,
    types: readonly string[] | "*",
    constrain?: MorphConstraint<S>,
  ): Chained<H, S, M, O, K>;

  /** Rows whose morphTo points at `row` (of `model`, inferred when relata read the row); null: points nowhere. */
  whereMorphedTo(relation: RelationName<S, M>, row: object | null, model?: ModelName<S>): Chained<H, S, M, O, K>;
  orWhereMorphedTo(relation: RelationName<S, M>, row: object | null, model?: ModelName<S>): Chained<H, S, M, O, K>;

  /**
   * Adds the number of related rows to each row: `withCount("posts")` gives `postsCount`;
   * `withCount({ "posts as publishedCount": (q) => q.where("published", true) })` a filtered,
   * renamed count. Any number of counts, one statement.
   */
  withCount<const Specs extends (AggregateSpec<S, M> | AggregateObject<S, M>)[]>(
    ...specs: Specs
  ): Chained<H, S, M, Simplify<O & SpecResults<Specs[number], "Count", number>>, K>;

  /** Adds whether related rows exist: `withExists("posts")` gives `postsExists: boolean`. */
  withExists<const Specs extends (AggregateSpec<S, M> | AggregateObject<S, M>)[]>(
    ...specs: Specs
  ): Chained<H, S, M, Simplify<O & SpecResults<Specs[number], "Exists", boolean>>, K>;

  /** Adds the sum of a related field: `withSum("posts", "views")` gives `postsSumViews` (null over no rows). */
  withSum<const Spec extends AggregateSpec<S, M>, C extends AggregateField<S, M, Spec>>(
    spec: Spec,
    column: C,
  ): Chained<H, S, M, Simplify<O & { [A in AggregateName<Spec, `Sum${Capitalize<C>}`>]: number | null }>, K>;

  /** Adds the average of a related field (`postsAvgViews`, null over no rows). */
  withAvg<const Spec extends AggregateSpec<S, M>, C extends AggregateField<S, M, Spec>>(
    spec: Spec,
    column: C,
  ): Chained<H, S, M, Simplify<O & { [A in AggregateName<Spec, `Avg${Capitalize<C>}`>]: number | null }>, K>;

  /** Adds the smallest value of a related field, in the field's type (`postsMinViews`). */
  withMin<const Spec extends AggregateSpec<S, M>, C extends AggregateField<S, M, Spec>>(
    spec: Spec,
    column: C,
  ): Chained<
    H,
    S,
    M,
    Simplify<O & { [A in AggregateName<Spec, `Min${Capitalize<C>}`>]: AggregateValue<S, M, Spec, C> }>,
    K
  >;

  /** Adds the largest value of a related field, in the field's type (`postsMaxViews`). */
  withMax<const Spec extends AggregateSpec<S, M>, C extends AggregateField<S, M, Spec>>(
    spec: Spec,
    column: C,
  ): Chained<
    H,
    S,
    M,
    Simplify<O & { [A in AggregateName<Spec, `Max${Capitalize<C>}`>]: AggregateValue<S, M, Spec, C> }>,
    K
  >;

  /** Filters on an aggregate added by withCount/withSum/...: `having("postsCount", ">", 3)`. */
  having(alias: Exclude<keyof O & string, FieldName<S, M>>, op: CountOperator, value: unknown): Chained<H, S, M, O, K>;
}

/** What relation filters and aggregates need from a builder: its session and model, and constraint callbacks. */
function filtersOf(self: BuilderSelf): FilterContext {
  const { ctx } = self[PROPS];
  return {
    session: ctx.session,
    codec: ctx.codec,
    constrain: (model, meta, callback) => constraintFor(self, meta, model, meta.name, callback),
  };
}

function has(self: BuilderSelf, path: string, options: HasOptions) {
  return addWhere(self, hasNode(filtersOf(self), path, options));
}

function relationArgs(self: BuilderSelf, or: boolean, path: string, args: unknown[]) {
  const { codec } = self[PROPS].ctx;
  if (args.length !== 2 && args.length !== 3) {
    throw new ValidationError(
      `whereRelation on "${codec.meta.name}" takes (relation, field, value) or (relation, field, operator, value).`,
      codec.meta.name,
    );
  }
  const constrain = (q: { where: (...a: unknown[]) => unknown }) => q.where(...args);
  return has(self, path, { or, not: false, constrain });
}

function morphArgs(self: BuilderSelf, args: IArguments, signature: string, or: boolean, not: boolean) {
  arity(self, args, 3, signature);
  const [relation, types, constrain] = args as unknown as [string, readonly string[] | "*", unknown];
  return addWhere(self, hasMorphNode(filtersOf(self), relation, types, constrain as never, { or, not }));
}

function aggregate(self: BuilderSelf, fn: AggregateFunction, spec: unknown, column?: unknown, constrain?: unknown) {
  const node = aggregateNode(filtersOf(self), fn, spec, column, constrain);
  const others = self[PROPS].state.aggregates.filter((a) => a.alias !== node.alias);
  return next(self, { aggregates: [...others, node] });
}

function aggregates(self: BuilderSelf, fn: "count" | "exists", specs: unknown[]) {
  let builder = self;
  for (const spec of specs) {
    if (typeof spec === "object" && spec !== null) {
      for (const [key, value] of Object.entries(spec)) {
        if (value === false || value === undefined) continue;
        builder = aggregate(builder, fn, key, undefined, value === true ? undefined : value);
      }
    } else builder = aggregate(builder, fn, spec);
  }
  return builder;
}

function fieldAggregate(self: BuilderSelf, args: IArguments, fn: AggregateFunction, signature: string) {
  arity(self, args, 2, signature);
  return aggregate(self, fn, args[0], args[1]);
}

/** The implementations of RelationMethods, for any builder class. */
export const relationMethods = {
  with(this: BuilderSelf, ...args: unknown[]) {
    const { ctx, state } = this[PROPS];
    const model = ctx.codec.meta.name;
    let eager = state.eager;
    const add = (path: string, constrain: unknown) => {
      eager = addEagerPath(
        ctx.session.schema,
        model,
        eager,
        path,
        constrain === undefined ? undefined : (meta) => constraintState(this, meta, path, constrain),
      );
    };
    if (args.length === 2 && typeof args[0] === "string" && typeof args[1] === "function") add(args[0], args[1]);
    else {
      for (const arg of args) {
        if (typeof arg === "string") add(arg, undefined);
        else if (typeof arg === "object" && arg !== null && !Array.isArray(arg)) {
          for (const [path, constrain] of flattenEagerObject(arg as Record<string, unknown>)) add(path, constrain);
        } else {
          throw new ValidationError(
            `with() on "${model}" takes relation paths, an object of them, or (path, constraint); got ${describeValue(arg)}.`,
            model,
          );
        }
      }
    }
    return next(this, { eager });
  },
  has(this: BuilderSelf, path: string, op?: CountOperator, count?: number) {
    arity(this, arguments, 3, "has(path, operator, count)");
    return has(this, path, { or: false, not: false, op, count });
  },
  orHas(this: BuilderSelf, path: string, op?: CountOperator, count?: number) {
    arity(this, arguments, 3, "orHas(path, operator, count)");
    return has(this, path, { or: true, not: false, op, count });
  },
  doesntHave(this: BuilderSelf, path: string) {
    arity(this, arguments, 1, "doesntHave(path)");
    return has(this, path, { or: false, not: true });
  },
  orDoesntHave(this: BuilderSelf, path: string) {
    arity(this, arguments, 1, "orDoesntHave(path)");
    return has(this, path, { or: true, not: true });
  },
  whereHas(this: BuilderSelf, path: string, constrain?: unknown, op?: CountOperator, count?: number) {
    arity(this, arguments, 4, "whereHas(path, constraint, operator, count)");
    return has(this, path, { or: false, not: false, constrain, op, count });
  },
  orWhereHas(this: BuilderSelf, path: string, constrain?: unknown, op?: CountOperator, count?: number) {
    arity(this, arguments, 4, "orWhereHas(path, constraint, operator, count)");
    return has(this, path, { or: true, not: false, constrain, op, count });
  },
  whereDoesntHave(this: BuilderSelf, path: string, constrain?: unknown) {
    arity(this, arguments, 2, "whereDoesntHave(path, constraint)");
    return has(this, path, { or: false, not: true, constrain });
  },
  orWhereDoesntHave(this: BuilderSelf, path: string, constrain?: unknown) {
    arity(this, arguments, 2, "orWhereDoesntHave(path, constraint)");
    return has(this, path, { or: true, not: true, constrain });
  },
  whereRelation(this: BuilderSelf, path: string, ...args: unknown[]) {
    return relationArgs(this, false, path, args);
  },
  orWhereRelation(this: BuilderSelf, path: string, ...args: unknown[]) {
    return relationArgs(this, true, path, args);
  },
  whereBelongsTo(this: BuilderSelf, rows: object | readonly object[], relation?: string) {
    arity(this, arguments, 2, "whereBelongsTo(rows, relation)");
    return addWhere(this, belongsToNode(this[PROPS].ctx.codec, rows, relation));
  },
  orWhereBelongsTo(this: BuilderSelf, rows: object | readonly object[], relation?: string) {
    arity(this, arguments, 2, "orWhereBelongsTo(rows, relation)");
    return addWhere(this, { ...belongsToNode(this[PROPS].ctx.codec, rows, relation), or: true });
  },
  whereHasMorph(this: BuilderSelf) {
    return morphArgs(this, arguments, "whereHasMorph(relation, types, constraint)", false, false);
  },
  orWhereHasMorph(this: BuilderSelf) {
    return morphArgs(this, arguments, "orWhereHasMorph(relation, types, constraint)", true, false);
  },
  whereDoesntHaveMorph(this: BuilderSelf) {
    return morphArgs(this, arguments, "whereDoesntHaveMorph(relation, types, constraint)", false, true);
  },
  whereMorphedTo(this: BuilderSelf, relation: string, row: object | null, model?: string) {
    arity(this, arguments, 3, "whereMorphedTo(relation, row, model)");
    return addWhere(this, morphedToNode(this[PROPS].ctx.codec, relation, row, model));
  },
  orWhereMorphedTo(this: BuilderSelf, relation: string, row: object | null, model?: string) {
    arity(this, arguments, 3, "orWhereMorphedTo(relation, row, model)");
    return addWhere(this, { ...morphedToNode(this[PROPS].ctx.codec, relation, row, model), or: true });
  },
  withCount(this: BuilderSelf, ...specs: unknown[]) {
    return aggregates(this, "count", specs);
  },
  withExists(this: BuilderSelf, ...specs: unknown[]) {
    return aggregates(this, "exists", specs);
  },
  withSum(this: BuilderSelf) {
    return fieldAggregate(this, arguments, "sum", "withSum(relation, field)");
  },
  withAvg(this: BuilderSelf) {
    return fieldAggregate(this, arguments, "avg", "withAvg(relation, field)");
  },
  withMin(this: BuilderSelf) {
    return fieldAggregate(this, arguments, "min", "withMin(relation, field)");
  },
  withMax(this: BuilderSelf) {
    return fieldAggregate(this, arguments, "max", "withMax(relation, field)");
  },
  having(this: BuilderSelf, alias: string, op: CountOperator, value: unknown) {
    arity(this, arguments, 3, "having(alias, operator, value)");
    const { ctx, state } = this[PROPS];
    const { codec } = ctx;
    const found = state.aggregates.find((a) => a.alias === alias);
    if (!found) {
      throw new ValidationError(
        `having("${alias}") on "${codec.meta.name}" needs an aggregate of that name first (withCount, withSum, ...). Aggregates: ${state.aggregates.map((a) => a.alias).join(", ") || "none"}.`,
        codec.meta.name,
        alias,
      );
    }
    if (!COUNT_OPERATORS.includes(op)) {
      throw new ValidationError(
        `having compares with ${COUNT_OPERATORS.join(", ")}; got ${describeValue(op)}.`,
        codec.meta.name,
      );
    }
    const bound = found.encode(value);
    return addWhere(this, { type: "expr", or: false, build: (eb, outer) => eb(found.build(outer), op, bound) });
  },
};

/** Runs a `with` constraint callback on a builder of the relation's target; returns what it built. */
function constraintState(self: BuilderSelf, meta: RelationMeta, path: string, constrain: unknown): QueryState {
  if (meta.kind === "morphTo") {
    throw new ValidationError(`The constraint of with("${path}") must be a callback on one model.`, meta.model);
  }
  return constraintFor(self, meta, meta.target, path, constrain);
}

/** Runs a constraint callback on a builder of `target` (pivot-aware for many-to-many); returns its state. */
function constraintFor(
  self: BuilderSelf,
  meta: RelationMeta,
  target: string,
  path: string,
  constrain: unknown,
): QueryState {
  if (typeof constrain !== "function") {
    throw new ValidationError(`The constraint of "${path}" must be a callback.`, meta.model);
  }
  const { session } = self[PROPS].ctx;
  const ctx: BuilderContext = {
    session,
    codec: codecFor(session, target),
    ...(isPivotRelation(meta) ? { pivot: pivotCodec(session, meta) } : {}),
  };
  const built = stateOf((constrain as (q: unknown, model: string) => unknown)(spawn(self, ctx), target));
  if (!built) {
    throw new ValidationError(
      `The constraint of "${path}" must return the builder it was given (q => q.where(...)).`,
      meta.model,
    );
  }
  return built;
}
