import type { Session } from "../connection/session.js";
import { NotFoundError, ValidationError } from "../errors.js";
import { pivotCodec } from "../relations/pivot.js";
import type { Schema } from "../schema/define-schema.js";
import type { RelationMeta } from "../schema/meta.js";
import type {
  AggregateName,
  AggregateSpec,
  EagerObject,
  EagerObjectPaths,
  Loaded,
  PathTarget,
  RelationName,
  RelationPath,
  SpecRelation,
  UnionToIntersection,
} from "../schema/relation-types.js";
import type { FieldName, ModelName, Row, Simplify, UpdateInput } from "../schema/types.js";
import { type AggregateFunction, aggregateNode } from "./aggregates.js";
import { cursorRows } from "./cursor.js";
import { addEagerPath, flattenEagerObject } from "./eager.js";
import { codecFor, type ModelCodec } from "./model-codec.js";
import { belongsToNode, morphedToNode } from "./owner-filters.js";
import { readRows } from "./read.js";
import { COUNT_OPERATORS, type FilterContext, type HasOptions, hasMorphNode, hasNode } from "./relation-filters.js";
import { baseQuery, EMPTY_STATE, type QueryState, type RelationLoadStrategy, selectQuery } from "./state.js";
import { checkFilterValue } from "./validate.js";
import { compareNode, type Operator, type WhereNode } from "./where.js";
import { deleteRows, updateRows } from "./writes.js";

export type { Operator } from "./where.js";

/** The value a where operator takes for a field of type `T`. */
export type OperatorValue<T, Op extends Operator> = Op extends "in" | "not in"
  ? readonly NonNullable<T>[]
  : Op extends "like" | "not like"
    ? string
    : T | null;

/** `where({ field: value, ... })`: equality on every listed field. */
export type WhereObject<S extends Schema, M extends ModelName<S>> = { [K in FieldName<S, M>]?: Row<S, M>[K] | null };

/** `where((q) => q.where(...).orWhere(...))`: a parenthesised group; return the builder. */
export type WhereGroup<S extends Schema, M extends ModelName<S>> = (
  q: QueryBuilder<S, M, Row<S, M>>,
) => QueryBuilder<S, M, any>;

/** `{ "posts as publishedCount": (q) => ..., comments: true }`: aggregates with constraints. */
export type AggregateObject<S extends Schema, M extends ModelName<S>> = {
  [K in AggregateSpec<S, M>]?:
    | boolean
    | ((
        q: QueryBuilder<S, Target<S, M, SpecRelation<K>>, Row<S, Target<S, M, SpecRelation<K>>>>,
      ) => QueryBuilder<S, Target<S, M, SpecRelation<K>>, any>);
};

/** The fields an aggregate spec may read (fields of its relation's target). */
export type AggregateField<S extends Schema, M extends ModelName<S>, Spec extends string> = FieldName<
  S,
  Target<S, M, SpecRelation<Spec>>
>;

/** What withMin/withMax give: the field's type, or null over no rows. */
export type AggregateValue<
  S extends Schema,
  M extends ModelName<S>,
  Spec extends string,
  C extends string,
> = NonNullable<Row<S, Target<S, M, SpecRelation<Spec>>>[C & keyof Row<S, Target<S, M, SpecRelation<Spec>>>]> | null;

/** The fields the aggregate specs of a withCount/withExists call add. */
export type SpecResults<X, Suffix extends string, V> = UnionToIntersection<
  X extends string
    ? { [K in AggregateName<X, Suffix>]: V }
    : X extends object
      ? { [K in keyof X & string as X[K] extends false | undefined ? never : AggregateName<K, Suffix>]: V }
      : never
>;

/** The comparison operators of a relation count. */
export type CountOperator = "=" | "!=" | "<>" | "<" | "<=" | ">" | ">=";

type Target<S extends Schema, M extends ModelName<S>, P extends string> = PathTarget<S, M, P> & ModelName<S>;

/** A constraint on the related rows at the end of path `P`: a builder of that model, returned. */
export type Constraint<S extends Schema, M extends ModelName<S>, P extends string> = (
  q: QueryBuilder<S, Target<S, M, P>, Row<S, Target<S, M, P>>>,
) => QueryBuilder<S, Target<S, M, P>, any>;

/** whereHasMorph's constraint: a builder of one of the target models, and that model's name. */
export type MorphConstraint<S extends Schema> = (
  q: QueryBuilder<S, any, any>,
  model: string,
) => QueryBuilder<S, any, any>;

/** One page of rows and where it sits in the whole result. */
export interface Page<T> {
  data: T[];
  total: number;
  page: number;
  perPage: number;
  lastPage: number;
}

export interface BuilderContext {
  readonly session: Session;
  readonly codec: ModelCodec;
  /** Set inside a many-to-many constraint: the pivot, for wherePivot. */
  readonly pivot?: ModelCodec;
}

/**
 * A query on one model. Immutable: every method returns a new builder, so a base query
 * can be reused. `O` is the row type the query returns.
 *
 * ```ts
 * const adults = db.user.where("age", ">=", 18).orderBy("name");
 * const firstTen = await adults.limit(10).get();
 * ```
 */
export class QueryBuilder<S extends Schema, M extends ModelName<S>, O = Row<S, M>> {
  readonly #ctx: BuilderContext;
  readonly #state: QueryState;

  constructor(ctx: BuilderContext, state: QueryState = EMPTY_STATE) {
    this.#ctx = ctx;
    this.#state = state;
  }

  #next<T = O>(patch: Partial<QueryState>): QueryBuilder<S, M, T> {
    return new QueryBuilder<S, M, T>(this.#ctx, { ...this.#state, ...patch });
  }

  #where(node: WhereNode): QueryBuilder<S, M, O> {
    return this.#next({ wheres: [...this.#state.wheres, node] });
  }

  #whereArgs(or: boolean, args: unknown[]): QueryBuilder<S, M, O> {
    const { codec } = this.#ctx;
    const [first, second, third] = args;
    if (args.length === 1 && typeof first === "function") {
      const inner = (first as (q: QueryBuilder<S, M, Row<S, M>>) => unknown)(new QueryBuilder(this.#ctx));
      if (!(inner instanceof QueryBuilder)) {
        throw new ValidationError(
          `A where callback on "${codec.meta.name}" must return the builder it was given (q => q.where(...)).`,
          codec.meta.name,
        );
      }
      return this.#where({ type: "group", or, not: false, nodes: inner.#state.wheres });
    }
    if (args.length === 1 && typeof first === "object" && first !== null) {
      const nodes = Object.entries(first).map(([field, value]) => compareNode(codec, false, field, "=", value));
      return this.#where({ type: "group", or, not: false, nodes });
    }
    if (typeof first !== "string" || (args.length !== 2 && args.length !== 3)) {
      throw new ValidationError(
        `where on "${codec.meta.name}" takes (field, value), (field, operator, value), an object or a callback.`,
        codec.meta.name,
      );
    }
    return this.#where(
      args.length === 2
        ? compareNode(codec, or, first, "=", second)
        : compareNode(codec, or, first, String(second), third),
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
    const built = this.#whereArgs(false, [group]);
    const nodes = built.#state.wheres;
    const last = nodes[nodes.length - 1] as Extract<WhereNode, { type: "group" }>;
    return this.#next({ wheres: [...nodes.slice(0, -1), { ...last, not: true }] });
  }

  whereIn<K extends FieldName<S, M>>(field: K, values: readonly NonNullable<Row<S, M>[K]>[]) {
    return this.#where(compareNode(this.#ctx.codec, false, field, "in", values));
  }
  whereNotIn<K extends FieldName<S, M>>(field: K, values: readonly NonNullable<Row<S, M>[K]>[]) {
    return this.#where(compareNode(this.#ctx.codec, false, field, "not in", values));
  }
  orWhereIn<K extends FieldName<S, M>>(field: K, values: readonly NonNullable<Row<S, M>[K]>[]) {
    return this.#where(compareNode(this.#ctx.codec, true, field, "in", values));
  }
  orWhereNotIn<K extends FieldName<S, M>>(field: K, values: readonly NonNullable<Row<S, M>[K]>[]) {
    return this.#where(compareNode(this.#ctx.codec, true, field, "not in", values));
  }

  #null(field: string, not: boolean, or: boolean) {
    this.#ctx.codec.field(field, "filter by");
    return this.#where({ type: "null", or, field, not });
  }
  whereNull(field: FieldName<S, M>) {
    return this.#null(field, false, false);
  }
  whereNotNull(field: FieldName<S, M>) {
    return this.#null(field, true, false);
  }
  orWhereNull(field: FieldName<S, M>) {
    return this.#null(field, false, true);
  }
  orWhereNotNull(field: FieldName<S, M>) {
    return this.#null(field, true, true);
  }

  #between(field: string, range: readonly [unknown, unknown], not: boolean, or: boolean) {
    const { codec } = this.#ctx;
    codec.field(field, "filter by");
    if (!Array.isArray(range) || range.length !== 2 || range.some((v) => v === null || v === undefined)) {
      throw new ValidationError(
        `whereBetween on "${codec.meta.name}.${field}" needs [low, high], both not null.`,
        codec.meta.name,
        field,
      );
    }
    for (const bound of range) checkFilterValue(codec, field, bound);
    return this.#where({ type: "between", or, field, not, range });
  }
  /** `low <= field <= high`. */
  whereBetween<K extends FieldName<S, M>>(
    field: K,
    range: readonly [NonNullable<Row<S, M>[K]>, NonNullable<Row<S, M>[K]>],
  ) {
    return this.#between(field, range, false, false);
  }
  whereNotBetween<K extends FieldName<S, M>>(
    field: K,
    range: readonly [NonNullable<Row<S, M>[K]>, NonNullable<Row<S, M>[K]>],
  ) {
    return this.#between(field, range, true, false);
  }
  orWhereBetween<K extends FieldName<S, M>>(
    field: K,
    range: readonly [NonNullable<Row<S, M>[K]>, NonNullable<Row<S, M>[K]>],
  ) {
    return this.#between(field, range, false, true);
  }

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
    const { session, codec } = this.#ctx;
    const model = codec.meta.name;
    let eager = this.#state.eager;
    const add = (path: string, constrain: unknown) => {
      eager = addEagerPath(
        session.schema,
        model,
        eager,
        path,
        constrain === undefined ? undefined : (meta) => constraintState(this.#ctx, meta, path, constrain),
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
            `with() on "${model}" takes relation paths, an object of them, or (path, constraint); got ${JSON.stringify(arg)}.`,
            model,
          );
        }
      }
    }
    return this.#next({ eager });
  }

  #pivot(): ModelCodec {
    const { pivot, codec } = this.#ctx;
    if (pivot) return pivot;
    throw new ValidationError(
      `wherePivot is only available inside the constraint of a many-to-many relation (on "${codec.meta.name}").`,
      codec.meta.name,
    );
  }

  /** Inside a many-to-many constraint: a condition on the pivot row, `(field, value)` or `(field, op, value)`. */
  wherePivot(field: string, ...rest: [unknown] | [Operator, unknown]): QueryBuilder<S, M, O> {
    const pivot = this.#pivot();
    const node =
      rest.length === 1
        ? compareNode(pivot, false, field, "=", rest[0])
        : compareNode(pivot, false, field, String(rest[0]), rest[1]);
    return this.#next({ pivotWheres: [...this.#state.pivotWheres, node] });
  }

  /** Inside a many-to-many constraint: the pivot field is one of `values`. */
  wherePivotIn(field: string, values: readonly unknown[]): QueryBuilder<S, M, O> {
    const node = compareNode(this.#pivot(), false, field, "in", values);
    return this.#next({ pivotWheres: [...this.#state.pivotWheres, node] });
  }

  /** @internal The state a builder holds (for the loader and other builders). */
  static stateOf(builder: QueryBuilder<any, any, any>): QueryState {
    return builder.#state;
  }

  get #filters(): FilterContext {
    const ctx = this.#ctx;
    return {
      session: ctx.session,
      codec: ctx.codec,
      constrain: (model, meta, callback) => constraintFor(ctx, meta, model, meta.name, callback),
    };
  }

  #has(path: string, options: HasOptions): QueryBuilder<S, M, O> {
    return this.#where(hasNode(this.#filters, path, options));
  }

  /**
   * Rows with related rows along `path` (a dotted path checks the last relation): at least
   * one, or `count op n` (`has("posts", ">=", 3)`). One correlated subquery, no join.
   */
  has<const P extends RelationPath<S, M>>(path: P, op?: CountOperator, count?: number): QueryBuilder<S, M, O> {
    return this.#has(path, { or: false, not: false, op, count });
  }
  orHas<const P extends RelationPath<S, M>>(path: P, op?: CountOperator, count?: number): QueryBuilder<S, M, O> {
    return this.#has(path, { or: true, not: false, op, count });
  }
  /** Rows without related rows along `path`. */
  doesntHave<const P extends RelationPath<S, M>>(path: P): QueryBuilder<S, M, O> {
    return this.#has(path, { or: false, not: true });
  }
  orDoesntHave<const P extends RelationPath<S, M>>(path: P): QueryBuilder<S, M, O> {
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
    return this.#has(path, { or: false, not: false, constrain, op, count });
  }
  orWhereHas<const P extends RelationPath<S, M>>(
    path: P,
    constrain?: Constraint<S, M, P>,
    op?: CountOperator,
    count?: number,
  ): QueryBuilder<S, M, O> {
    return this.#has(path, { or: true, not: false, constrain, op, count });
  }
  /** Rows with no related rows matching a constraint. */
  whereDoesntHave<const P extends RelationPath<S, M>>(path: P, constrain?: Constraint<S, M, P>): QueryBuilder<S, M, O> {
    return this.#has(path, { or: false, not: true, constrain });
  }
  orWhereDoesntHave<const P extends RelationPath<S, M>>(
    path: P,
    constrain?: Constraint<S, M, P>,
  ): QueryBuilder<S, M, O> {
    return this.#has(path, { or: true, not: true, constrain });
  }

  #relation(or: boolean, path: string, args: unknown[]): QueryBuilder<S, M, O> {
    if (args.length !== 2 && args.length !== 3) {
      throw new ValidationError(
        `whereRelation on "${this.#ctx.codec.meta.name}" takes (relation, field, value) or (relation, field, operator, value).`,
        this.#ctx.codec.meta.name,
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
    return this.#where(belongsToNode(this.#ctx.codec, rows, relation));
  }
  orWhereBelongsTo(rows: object | readonly object[], relation?: RelationName<S, M>): QueryBuilder<S, M, O> {
    return this.#where({ ...belongsToNode(this.#ctx.codec, rows, relation), or: true });
  }

  /**
   * Rows whose morphTo parent is one of `types` (model names, or "*"), each checked against the
   * constraint; the callback gets a builder of that model and the model's name.
   */
  whereHasMorph(relation: RelationName<S, M>, types: readonly string[] | "*", constrain?: MorphConstraint<S>) {
    return this.#where(hasMorphNode(this.#filters, relation, types, constrain, { or: false, not: false }));
  }
  orWhereHasMorph(relation: RelationName<S, M>, types: readonly string[] | "*", constrain?: MorphConstraint<S>) {
    return this.#where(hasMorphNode(this.#filters, relation, types, constrain, { or: true, not: false }));
  }
  whereDoesntHaveMorph(relation: RelationName<S, M>, types: readonly string[] | "*", constrain?: MorphConstraint<S>) {
    return this.#where(hasMorphNode(this.#filters, relation, types, constrain, { or: false, not: true }));
  }

  /** Rows whose morphTo points at `row` (of `model`, inferred when relata read the row); null: points nowhere. */
  whereMorphedTo(relation: RelationName<S, M>, row: object | null, model?: ModelName<S>): QueryBuilder<S, M, O> {
    return this.#where(morphedToNode(this.#ctx.codec, relation, row, model));
  }
  orWhereMorphedTo(relation: RelationName<S, M>, row: object | null, model?: ModelName<S>): QueryBuilder<S, M, O> {
    return this.#where({ ...morphedToNode(this.#ctx.codec, relation, row, model), or: true });
  }

  #aggregate(fn: AggregateFunction, spec: unknown, column?: unknown, constrain?: unknown): QueryBuilder<S, M, any> {
    const node = aggregateNode(this.#filters, fn, spec, column, constrain);
    const others = this.#state.aggregates.filter((a) => a.alias !== node.alias);
    return this.#next({ aggregates: [...others, node] });
  }

  #aggregates(fn: "count" | "exists", specs: unknown[]): QueryBuilder<S, M, any> {
    let builder: QueryBuilder<S, M, any> = this;
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
    return this.#aggregate("sum", spec, column);
  }

  /** Adds the average of a related field (`postsAvgViews`, null over no rows). */
  withAvg<const Spec extends AggregateSpec<S, M>, C extends AggregateField<S, M, Spec>>(
    spec: Spec,
    column: C,
  ): QueryBuilder<S, M, Simplify<O & { [K in AggregateName<Spec, `Avg${Capitalize<C>}`>]: number | null }>> {
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
    return this.#aggregate("max", spec, column);
  }

  /** Filters on an aggregate added by withCount/withSum/...: `having("postsCount", ">", 3)`. */
  having(alias: Exclude<keyof O & string, FieldName<S, M>>, op: CountOperator, value: unknown): QueryBuilder<S, M, O> {
    const { codec } = this.#ctx;
    const aggregate = this.#state.aggregates.find((a) => a.alias === alias);
    if (!aggregate) {
      throw new ValidationError(
        `having("${alias}") on "${codec.meta.name}" needs an aggregate of that name first (withCount, withSum, ...). Aggregates: ${this.#state.aggregates.map((a) => a.alias).join(", ") || "none"}.`,
        codec.meta.name,
        alias,
      );
    }
    if (!COUNT_OPERATORS.includes(op)) {
      throw new ValidationError(
        `having compares with ${COUNT_OPERATORS.join(", ")}; got ${JSON.stringify(op)}.`,
        codec.meta.name,
      );
    }
    const bound = aggregate.encode(value);
    return this.#where({ type: "expr", or: false, build: (eb, outer) => eb(aggregate.build(outer), op, bound) });
  }

  /** Returns only these fields; the row type narrows to them. */
  select<K extends FieldName<S, M>>(...fields: K[]): QueryBuilder<S, M, Simplify<Pick<Row<S, M>, K>>> {
    for (const field of fields) this.#ctx.codec.field(field, "select");
    return this.#next({ selects: fields.length === 0 ? undefined : fields });
  }

  /** Adds a sort key (a field, or an aggregate added by withCount/withSum/...); call again for tie-breakers. */
  orderBy(
    field: FieldName<S, M> | Exclude<keyof O & string, FieldName<S, M>>,
    direction: "asc" | "desc" = "asc",
  ): QueryBuilder<S, M, O> {
    const { codec } = this.#ctx;
    if (direction !== "asc" && direction !== "desc") {
      throw new ValidationError(
        `orderBy direction must be "asc" or "desc", got ${JSON.stringify(direction)}.`,
        codec.meta.name,
        field,
      );
    }
    const aggregate = codec.meta.fields.has(field) ? undefined : this.#state.aggregates.find((a) => a.alias === field);
    if (!aggregate) codec.field(field, "order by");
    return this.#next({
      orders: [...this.#state.orders, { field, direction, ...(aggregate && { build: aggregate.build }) }],
    });
  }

  #count(name: string, n: number): number {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new ValidationError(`${name} must be a non-negative integer, got ${String(n)}.`, this.#ctx.codec.meta.name);
    }
    return n;
  }
  limit(n: number): QueryBuilder<S, M, O> {
    return this.#next({ limit: this.#count("limit", n) });
  }
  offset(n: number): QueryBuilder<S, M, O> {
    return this.#next({ offset: this.#count("offset", n) });
  }

  /** The SQL and parameters `get()` would send (for logging and tests). */
  toSql(): { sql: string; params: readonly unknown[] } {
    const compiled = selectQuery(this.#ctx.session, this.#ctx.codec, this.#state).compile();
    return { sql: compiled.sql, params: compiled.parameters };
  }

  /**
   * How this query loads its relations: `"query"` (one query per relation level) or `"join"`
   * (one statement, relations aggregated as JSON). Both return the same rows.
   */
  strategy(strategy: RelationLoadStrategy): QueryBuilder<S, M, O> {
    if (strategy !== "query" && strategy !== "join") {
      throw new ValidationError(
        `strategy must be "query" or "join", got ${JSON.stringify(strategy)}.`,
        this.#ctx.codec.meta.name,
      );
    }
    return this.#next({ strategy });
  }

  #rows(state: QueryState): Promise<O[]> {
    return readRows(this.#ctx.session, this.#ctx.codec, state) as Promise<O[]>;
  }

  /** All matching rows. */
  get(): Promise<O[]> {
    return this.#rows(this.#state);
  }

  /** The first matching row, or null. */
  async first(): Promise<O | null> {
    const [row] = await this.#rows({ ...this.#state, limit: 1 });
    return row ?? null;
  }

  /** The first matching row; throws `NotFoundError` when there is none. */
  async firstOrFail(): Promise<O> {
    const row = await this.first();
    if (row === null) throw new NotFoundError(this.#ctx.codec.meta.name, "matching the query");
    return row;
  }

  /** Number of matching rows (ignores select, order, limit and offset). */
  async count(): Promise<number> {
    const { session, codec } = this.#ctx;
    const query = baseQuery(session, codec, this.#state).select((eb) => eb.fn.countAll().as("count"));
    const result = await session.execute<{ count: unknown }>(query);
    return Number(result.rows[0]?.count ?? 0);
  }

  /** Whether any row matches. */
  async exists(): Promise<boolean> {
    const { session, codec } = this.#ctx;
    const query = baseQuery(session, codec, this.#state)
      .select((eb) => eb.lit(1).as("found"))
      .limit(1);
    return (await session.execute(query)).rows.length > 0;
  }

  /** The values of one field, in query order. */
  async pluck<K extends FieldName<S, M>>(field: K): Promise<Row<S, M>[K][]> {
    this.#ctx.codec.field(field, "pluck");
    const rows = await this.#rows({ ...this.#state, selects: [field], eager: new Map() });
    return rows.map((row) => (row as Record<string, unknown>)[field] as Row<S, M>[K]);
  }

  /** One page of rows plus the total (two queries). Pages start at 1. */
  async paginate({ page = 1, perPage = 15 }: { page?: number; perPage?: number } = {}): Promise<Page<O>> {
    for (const [name, value] of [
      ["page", page],
      ["perPage", perPage],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 1) {
        throw new ValidationError(
          `paginate ${name} must be a positive integer, got ${String(value)}.`,
          this.#ctx.codec.meta.name,
        );
      }
    }
    const total = await this.count();
    const data = await this.#rows({ ...this.#state, limit: perPage, offset: (page - 1) * perPage });
    return { data, total, page, perPage, lastPage: Math.max(1, Math.ceil(total / perPage)) };
  }

  /** Updates every matching row; returns how many matched. */
  update(values: UpdateInput<S, M>): Promise<number> {
    return updateRows(this.#ctx.session, this.#ctx.codec, this.#state, values as Record<string, unknown>);
  }

  /** Deletes every matching row; returns how many. */
  delete(): Promise<number> {
    return deleteRows(this.#ctx.session, this.#ctx.codec, this.#state);
  }

  /**
   * Streams matching rows, reading `batchSize` at a time: by primary key when the query has
   * no order of its own (stable under concurrent inserts), by offset otherwise.
   *
   * ```ts
   * for await (const user of db.user.where("active", true).cursor({ batchSize: 500 })) { ... }
   * ```
   */
  cursor({ batchSize = 1000 }: { batchSize?: number } = {}): AsyncGenerator<O, void, undefined> {
    this.#count("batchSize", batchSize);
    if (batchSize < 1) throw new ValidationError("batchSize must be at least 1.", this.#ctx.codec.meta.name);
    return cursorRows(this.#ctx.codec, this.#state, batchSize, (state) => this.#rows(state));
  }
}

/** Runs a `with` constraint callback on a builder of the relation's target; returns what it built. */
function constraintState(ctx: BuilderContext, meta: RelationMeta, path: string, constrain: unknown): QueryState {
  if (meta.kind === "morphTo") {
    throw new ValidationError(`The constraint of with("${path}") must be a callback on one model.`, meta.model);
  }
  return constraintFor(ctx, meta, meta.target, path, constrain);
}

/** Runs a constraint callback on a builder of `target` (pivot-aware for many-to-many); returns its state. */
function constraintFor(
  ctx: BuilderContext,
  meta: RelationMeta,
  target: string,
  path: string,
  constrain: unknown,
): QueryState {
  if (typeof constrain !== "function") {
    throw new ValidationError(`The constraint of "${path}" must be a callback.`, meta.model);
  }
  const many = meta.kind === "belongsToMany" || meta.kind === "morphToMany" || meta.kind === "morphedByMany";
  const builder = new QueryBuilder<any, any, any>({
    session: ctx.session,
    codec: codecFor(ctx.session, target),
    ...(many ? { pivot: pivotCodec(ctx.session, meta) } : {}),
  });
  const built = (constrain as (q: QueryBuilder<any, any, any>, model: string) => unknown)(builder, target);
  if (!(built instanceof QueryBuilder)) {
    throw new ValidationError(
      `The constraint of "${path}" must return the builder it was given (q => q.where(...)).`,
      meta.model,
    );
  }
  return QueryBuilder.stateOf(built);
}
