// biome-ignore-all lint/complexity/noArguments: arity checks read arguments.length (no rest array, same signatures)
import { ValidationError } from "../errors.js";
import { describeValue } from "../plan/arguments.js";
import { addEagerPath, flattenEagerObject } from "../plan/eager.js";
import { codecFor } from "../plan/model-codec.js";
import type { QueryState } from "../plan/state.js";
import type { Operator } from "../plan/where.js";
import { type AggregateFunction, aggregateNode } from "../relations/aggregates.js";
import { COUNT_OPERATORS, type FilterContext, type HasOptions, hasMorphNode, hasNode } from "../relations/filters.js";
import { belongsToNode, morphedToNode } from "../relations/owner-filters.js";
import { pivotCodec } from "../relations/pivot.js";
import type { Schema } from "../schema/define-schema.js";
import { isPivotRelation, type RelationMeta } from "../schema/meta.js";
import type {
  AggregateName,
  AggregateSpec,
  EagerObject,
  EagerObjectPaths,
  Loaded,
  PathTarget,
  RelationName,
  RelationPath,
} from "../schema/relation-types.js";
import type { FieldName, ModelName, Row, Simplify } from "../schema/types.js";
import { BuilderCore } from "./builder-core.js";
import type {
  AggregateField,
  AggregateObject,
  AggregateValue,
  BuilderContext,
  Constraint,
  CountOperator,
  MorphConstraint,
  OperatorValue,
  SpecResults,
  Target,
} from "./builder-types.js";
import type { QueryBuilder } from "./query-builder.js";

type Spawn = (ctx: BuilderContext) => QueryBuilder<any, any, any>;

/** The relation methods of a builder: eager loading, relation filters, relation aggregates. */
export abstract class RelationBuilder<S extends Schema, M extends ModelName<S>, O = Row<S, M>> extends BuilderCore<
  S,
  M,
  O
> {
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
  with<const P extends RelationPath<S, M>[]>(...paths: P): QueryBuilder<S, M, Simplify<O & Loaded<S, M, P[number]>>>;
  with<const P extends RelationPath<S, M>, R>(
    path: P,
    constrain: (
      q: QueryBuilder<S, PathTarget<S, M, P> & ModelName<S>, Row<S, PathTarget<S, M, P> & ModelName<S>>>,
    ) => QueryBuilder<S, PathTarget<S, M, P> & ModelName<S>, R>,
  ): QueryBuilder<S, M, Simplify<O & Loaded<S, M, P, R>>>;
  with<const T extends EagerObject<S, M>>(spec: T): QueryBuilder<S, M, Simplify<O & Loaded<S, M, EagerObjectPaths<T>>>>;
  with(...args: unknown[]): QueryBuilder<S, M, any> {
    const { session, codec } = this.context;
    const model = codec.meta.name;
    let eager = this.current.eager;
    const add = (path: string, constrain: unknown) => {
      eager = addEagerPath(
        session.schema,
        model,
        eager,
        path,
        constrain === undefined
          ? undefined
          : (meta) => constraintState((c) => this.spawn(c), this.context, meta, path, constrain),
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
    return this.next({ eager });
  }

  get #filters(): FilterContext {
    const ctx = this.context;
    return {
      session: ctx.session,
      codec: ctx.codec,
      constrain: (model, meta, callback) => constraintFor((c) => this.spawn(c), ctx, meta, model, meta.name, callback),
    };
  }

  #has(path: string, options: HasOptions): QueryBuilder<S, M, O> {
    return this.addWhere(hasNode(this.#filters, path, options));
  }

  /**
   * Rows with related rows along `path` (a dotted path checks the last relation): at least
   * one, or `count op n` (`has("posts", ">=", 3)`). One correlated subquery, no join.
   */
  has<const P extends RelationPath<S, M>>(path: P, op?: CountOperator, count?: number): QueryBuilder<S, M, O> {
    this.noExtraArguments(arguments, 3, "has(path, operator, count)");
    return this.#has(path, { or: false, not: false, op, count });
  }
  orHas<const P extends RelationPath<S, M>>(path: P, op?: CountOperator, count?: number): QueryBuilder<S, M, O> {
    this.noExtraArguments(arguments, 3, "orHas(path, operator, count)");
    return this.#has(path, { or: true, not: false, op, count });
  }
  /** Rows without related rows along `path`. */
  doesntHave<const P extends RelationPath<S, M>>(path: P): QueryBuilder<S, M, O> {
    this.noExtraArguments(arguments, 1, "doesntHave(path)");
    return this.#has(path, { or: false, not: true });
  }
  orDoesntHave<const P extends RelationPath<S, M>>(path: P): QueryBuilder<S, M, O> {
    this.noExtraArguments(arguments, 1, "orDoesntHave(path)");
    return this.#has(path, { or: true, not: true });
  }

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
  ): QueryBuilder<S, M, O> {
    this.noExtraArguments(arguments, 4, "whereHas(path, constraint, operator, count)");
    return this.#has(path, { or: false, not: false, constrain, op, count });
  }
  orWhereHas<const P extends RelationPath<S, M>>(
    path: P,
    constrain?: Constraint<S, M, P>,
    op?: CountOperator,
    count?: number,
  ): QueryBuilder<S, M, O> {
    this.noExtraArguments(arguments, 4, "orWhereHas(path, constraint, operator, count)");
    return this.#has(path, { or: true, not: false, constrain, op, count });
  }
  /** Rows with no related rows matching a constraint. */
  whereDoesntHave<const P extends RelationPath<S, M>>(path: P, constrain?: Constraint<S, M, P>): QueryBuilder<S, M, O> {
    this.noExtraArguments(arguments, 2, "whereDoesntHave(path, constraint)");
    return this.#has(path, { or: false, not: true, constrain });
  }
  orWhereDoesntHave<const P extends RelationPath<S, M>>(
    path: P,
    constrain?: Constraint<S, M, P>,
  ): QueryBuilder<S, M, O> {
    this.noExtraArguments(arguments, 2, "orWhereDoesntHave(path, constraint)");
    return this.#has(path, { or: true, not: true, constrain });
  }

  #relation(or: boolean, path: string, args: unknown[]): QueryBuilder<S, M, O> {
    if (args.length !== 2 && args.length !== 3) {
      throw new ValidationError(
        `whereRelation on "${this.context.codec.meta.name}" takes (relation, field, value) or (relation, field, operator, value).`,
        this.context.codec.meta.name,
      );
    }
    const constrain = (q: QueryBuilder<any, any, any>) =>
      (q.where as (...a: unknown[]) => QueryBuilder<any, any, any>)(...args);
    return this.#has(path, { or, not: false, constrain });
  }

  /** Rows with a related row whose field matches: `whereRelation("posts", "published", true)`. */
  whereRelation<const P extends RelationPath<S, M>, K extends FieldName<S, Target<S, M, P>>>(
    path: P,
    field: K,
    value: Row<S, Target<S, M, P>>[K] | null,
  ): QueryBuilder<S, M, O>;
  whereRelation<const P extends RelationPath<S, M>, K extends FieldName<S, Target<S, M, P>>, Op extends Operator>(
    path: P,
    field: K,
    op: Op,
    value: OperatorValue<Row<S, Target<S, M, P>>[K], Op>,
  ): QueryBuilder<S, M, O>;
  whereRelation(path: string, ...args: unknown[]): QueryBuilder<S, M, O> {
    return this.#relation(false, path, args);
  }
  orWhereRelation<const P extends RelationPath<S, M>, K extends FieldName<S, Target<S, M, P>>>(
    path: P,
    field: K,
    value: Row<S, Target<S, M, P>>[K] | null,
  ): QueryBuilder<S, M, O>;
  orWhereRelation<const P extends RelationPath<S, M>, K extends FieldName<S, Target<S, M, P>>, Op extends Operator>(
    path: P,
    field: K,
    op: Op,
    value: OperatorValue<Row<S, Target<S, M, P>>[K], Op>,
  ): QueryBuilder<S, M, O>;
  orWhereRelation(path: string, ...args: unknown[]): QueryBuilder<S, M, O> {
    return this.#relation(true, path, args);
  }

  /**
   * Rows whose belongsTo relation points at `rows` (one row or several). The relation is
   * found from the rows' model when relata read them, or named: `whereBelongsTo(user, "author")`.
   */
  whereBelongsTo(rows: object | readonly object[], relation?: RelationName<S, M>): QueryBuilder<S, M, O> {
    this.noExtraArguments(arguments, 2, "whereBelongsTo(rows, relation)");
    return this.addWhere(belongsToNode(this.context.codec, rows, relation));
  }
  orWhereBelongsTo(rows: object | readonly object[], relation?: RelationName<S, M>): QueryBuilder<S, M, O> {
    this.noExtraArguments(arguments, 2, "orWhereBelongsTo(rows, relation)");
    return this.addWhere({ ...belongsToNode(this.context.codec, rows, relation), or: true });
  }

  /**
   * Rows whose morphTo parent is one of `types` (model names, or "*"), each checked against the
   * constraint; the callback gets a builder of that model and the model's name.
   */
  whereHasMorph(relation: RelationName<S, M>, types: readonly string[] | "*", constrain?: MorphConstraint<S>) {
    this.noExtraArguments(arguments, 3, "whereHasMorph(relation, types, constraint)");
    return this.addWhere(hasMorphNode(this.#filters, relation, types, constrain, { or: false, not: false }));
  }
  orWhereHasMorph(relation: RelationName<S, M>, types: readonly string[] | "*", constrain?: MorphConstraint<S>) {
    this.noExtraArguments(arguments, 3, "orWhereHasMorph(relation, types, constraint)");
    return this.addWhere(hasMorphNode(this.#filters, relation, types, constrain, { or: true, not: false }));
  }
  whereDoesntHaveMorph(relation: RelationName<S, M>, types: readonly string[] | "*", constrain?: MorphConstraint<S>) {
    this.noExtraArguments(arguments, 3, "whereDoesntHaveMorph(relation, types, constraint)");
    return this.addWhere(hasMorphNode(this.#filters, relation, types, constrain, { or: false, not: true }));
  }

  /** Rows whose morphTo points at `row` (of `model`, inferred when relata read the row); null: points nowhere. */
  whereMorphedTo(relation: RelationName<S, M>, row: object | null, model?: ModelName<S>): QueryBuilder<S, M, O> {
    this.noExtraArguments(arguments, 3, "whereMorphedTo(relation, row, model)");
    return this.addWhere(morphedToNode(this.context.codec, relation, row, model));
  }
  orWhereMorphedTo(relation: RelationName<S, M>, row: object | null, model?: ModelName<S>): QueryBuilder<S, M, O> {
    this.noExtraArguments(arguments, 3, "orWhereMorphedTo(relation, row, model)");
    return this.addWhere({ ...morphedToNode(this.context.codec, relation, row, model), or: true });
  }

  #aggregate(fn: AggregateFunction, spec: unknown, column?: unknown, constrain?: unknown): QueryBuilder<S, M, any> {
    const node = aggregateNode(this.#filters, fn, spec, column, constrain);
    const others = this.current.aggregates.filter((a) => a.alias !== node.alias);
    return this.next({ aggregates: [...others, node] });
  }

  #aggregates(fn: "count" | "exists", specs: unknown[]): QueryBuilder<S, M, any> {
    let builder = this as unknown as QueryBuilder<S, M, any>;
    for (const spec of specs) {
      if (typeof spec === "object" && spec !== null) {
        for (const [key, value] of Object.entries(spec)) {
          if (value === false || value === undefined) continue;
          builder = builder.#aggregate(fn, key, undefined, value === true ? undefined : value);
        }
      } else builder = builder.#aggregate(fn, spec);
    }
    return builder;
  }

  /**
   * Adds the number of related rows to each row: `withCount("posts")` gives `postsCount`;
   * `withCount({ "posts as publishedCount": (q) => q.where("published", true) })` a filtered,
   * renamed count. Any number of counts, one statement.
   */
  withCount<const Specs extends (AggregateSpec<S, M> | AggregateObject<S, M>)[]>(
    ...specs: Specs
  ): QueryBuilder<S, M, Simplify<O & SpecResults<Specs[number], "Count", number>>> {
    return this.#aggregates("count", specs);
  }

  /** Adds whether related rows exist: `withExists("posts")` gives `postsExists: boolean`. */
  withExists<const Specs extends (AggregateSpec<S, M> | AggregateObject<S, M>)[]>(
    ...specs: Specs
  ): QueryBuilder<S, M, Simplify<O & SpecResults<Specs[number], "Exists", boolean>>> {
    return this.#aggregates("exists", specs);
  }

  /** Adds the sum of a related field: `withSum("posts", "views")` gives `postsSumViews` (null over no rows). */
  withSum<const Spec extends AggregateSpec<S, M>, C extends AggregateField<S, M, Spec>>(
    spec: Spec,
    column: C,
  ): QueryBuilder<S, M, Simplify<O & { [K in AggregateName<Spec, `Sum${Capitalize<C>}`>]: number | null }>> {
    this.noExtraArguments(arguments, 2, "withSum(relation, field)");
    return this.#aggregate("sum", spec, column);
  }

  /** Adds the average of a related field (`postsAvgViews`, null over no rows). */
  withAvg<const Spec extends AggregateSpec<S, M>, C extends AggregateField<S, M, Spec>>(
    spec: Spec,
    column: C,
  ): QueryBuilder<S, M, Simplify<O & { [K in AggregateName<Spec, `Avg${Capitalize<C>}`>]: number | null }>> {
    this.noExtraArguments(arguments, 2, "withAvg(relation, field)");
    return this.#aggregate("avg", spec, column);
  }

  /** Adds the smallest value of a related field, in the field's type (`postsMinViews`). */
  withMin<const Spec extends AggregateSpec<S, M>, C extends AggregateField<S, M, Spec>>(
    spec: Spec,
    column: C,
  ): QueryBuilder<
    S,
    M,
    Simplify<O & { [K in AggregateName<Spec, `Min${Capitalize<C>}`>]: AggregateValue<S, M, Spec, C> }>
  > {
    this.noExtraArguments(arguments, 2, "withMin(relation, field)");
    return this.#aggregate("min", spec, column);
  }

  /** Adds the largest value of a related field, in the field's type (`postsMaxViews`). */
  withMax<const Spec extends AggregateSpec<S, M>, C extends AggregateField<S, M, Spec>>(
    spec: Spec,
    column: C,
  ): QueryBuilder<
    S,
    M,
    Simplify<O & { [K in AggregateName<Spec, `Max${Capitalize<C>}`>]: AggregateValue<S, M, Spec, C> }>
  > {
    this.noExtraArguments(arguments, 2, "withMax(relation, field)");
    return this.#aggregate("max", spec, column);
  }

  /** Filters on an aggregate added by withCount/withSum/...: `having("postsCount", ">", 3)`. */
  having(alias: Exclude<keyof O & string, FieldName<S, M>>, op: CountOperator, value: unknown): QueryBuilder<S, M, O> {
    this.noExtraArguments(arguments, 3, "having(alias, operator, value)");
    const { codec } = this.context;
    const aggregate = this.current.aggregates.find((a) => a.alias === alias);
    if (!aggregate) {
      throw new ValidationError(
        `having("${alias}") on "${codec.meta.name}" needs an aggregate of that name first (withCount, withSum, ...). Aggregates: ${this.current.aggregates.map((a) => a.alias).join(", ") || "none"}.`,
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
    const bound = aggregate.encode(value);
    return this.addWhere({ type: "expr", or: false, build: (eb, outer) => eb(aggregate.build(outer), op, bound) });
  }
}

/** Runs a `with` constraint callback on a builder of the relation's target; returns what it built. */
function constraintState(
  spawn: Spawn,
  ctx: BuilderContext,
  meta: RelationMeta,
  path: string,
  constrain: unknown,
): QueryState {
  if (meta.kind === "morphTo") {
    throw new ValidationError(`The constraint of with("${path}") must be a callback on one model.`, meta.model);
  }
  return constraintFor(spawn, ctx, meta, meta.target, path, constrain);
}

/** Runs a constraint callback on a builder of `target` (pivot-aware for many-to-many); returns its state. */
function constraintFor(
  spawn: Spawn,
  ctx: BuilderContext,
  meta: RelationMeta,
  target: string,
  path: string,
  constrain: unknown,
): QueryState {
  if (typeof constrain !== "function") {
    throw new ValidationError(`The constraint of "${path}" must be a callback.`, meta.model);
  }
  const many = isPivotRelation(meta);
  const builder = spawn({
    session: ctx.session,
    codec: codecFor(ctx.session, target),
    ...(many ? { pivot: pivotCodec(ctx.session, meta) } : {}),
  });
  const built = (constrain as (q: BuilderCore<any, any, any>, model: string) => unknown)(builder, target);
  if (!(built instanceof BuilderCore)) {
    throw new ValidationError(
      `The constraint of "${path}" must return the builder it was given (q => q.where(...)).`,
      meta.model,
    );
  }
  return BuilderCore.stateOf(built);
}
