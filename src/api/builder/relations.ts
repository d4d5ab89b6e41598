// biome-ignore-all lint/complexity/noArguments: arity checks read arguments.length (no rest array, same signatures)
import { ValidationError } from "../../errors.js";
import { describeValue } from "../../plan/arguments.js";
import { addEagerPath, flattenEagerObject, morphLevelState, targetModels } from "../../plan/eager.js";
import { codecFor } from "../../plan/model-codec.js";
import { EMPTY_STATE, type QueryState } from "../../plan/state.js";
import type { Operator } from "../../plan/where.js";
import { type AggregateFunction, aggregateNode } from "../../relations/aggregates.js";
import {
  COUNT_OPERATORS,
  type FilterContext,
  type HasMorphOptions,
  type HasOptions,
  hasMorphNode,
  hasNode,
} from "../../relations/filters.js";
import { attachedToNode, belongsToNode, morphedToNode } from "../../relations/owner-filters.js";
import { pivotCodec } from "../../relations/pivot.js";
import type { Schema } from "../../schema/define-schema.js";
import { isPivotRelation, type MorphToMeta, type RelationMeta } from "../../schema/meta.js";
import type {
  AggregateName,
  AggregateSpec,
  CallbackRows,
  CheckPath,
  CheckPaths,
  EagerLeaves,
  EagerObjectPaths,
  Loaded,
  MorphCallbackRows,
  RelationKindOf,
  RelationName,
  RelationTarget,
} from "../../schema/relation-types.js";
import type { FieldName, FullRow, ModelName, Row, Simplify } from "../../schema/types.js";
import type {
  AggregateField,
  AggregateObject,
  AggregateValue,
  BuilderContext,
  Chained,
  Constraint,
  ConstraintBuilder,
  CountOperator,
  HandleKind,
  MorphConstraint,
  NumberAggregateField,
  OperatorValue,
  SpecResults,
  Target,
} from "../builder-types.js";
import { addWhere } from "./conditions.js";
import type {
  BuilderRow,
  ChosenTypes,
  LastKind,
  ManyToManyRelation,
  MorphLoaded,
  MorphRelationFilter,
  MorphTargetOf,
  MorphToConstraint,
  MorphToRelation,
  MorphTypes,
} from "./morph-types.js";
import { arity, type BuilderSelf, next, PROPS, type RowCarrier, spawn, stateOf } from "./self.js";

/**
 * `with({ posts: { comments: true }, author: (q) => q.select("id", "name") })`: relations to load
 * as an object, nested to any depth. A callback constrains its relation: it gets a builder of the
 * related model (a morphTo's gets its MorphToConstraint) and returns it.
 */
export type EagerSpec<S extends Schema, M extends string> = {
  [R in RelationName<S, M>]?: boolean | SpecCallback<S, M, R> | EagerSpec<S, RelationTarget<S, M, R>>;
};

/** The callback an eager object takes for relation `R` of `M`. */
type SpecCallback<S extends Schema, M extends string, R extends string> =
  RelationTarget<S, M, R> extends infer T extends ModelName<S>
    ? RelationKindOf<S, M, R> extends "morphTo"
      ? (q: MorphToConstraint<S, T>) => MorphToConstraint<S, T, any>
      : (q: ConstraintBuilder<S, M & ModelName<S>, R, Row<S, T>>) => ConstraintBuilder<S, M & ModelName<S>, R, any>
    : never;

/** An eager object with each callback replaced by what it reads: `Loaded`'s leaf for its paths (EagerLeaves). */
type SpecLeaves<T> = {
  [K in keyof T]: T[K] extends (...args: any[]) => infer B
    ? CallbackRead<T[K], B>
    : T[K] extends object
      ? SpecLeaves<T[K]>
      : T[K];
};
type CallbackRead<F, B> = 0 extends 1 & B
  ? CallbackRows<never> // a callback typed loosely: the model's rows
  : B extends MorphToConstraint<any, any, infer X>
    ? MorphCallbackRows<X>
    : CallbackRows<BuilderRow<F>>;

/** `P` when it is a relation path from `M` (CheckPath) whose last relation is a morphTo, else never. */
type MorphToPathCheck<S extends Schema, M extends string, P extends string> =
  CheckPath<S, M, P> extends P ? ([LastKind<S, M, P>] extends ["morphTo"] ? P : never) : never;

/**
 * An eager object `T` with each key that is not a relation of `M` (at any depth) typed `never`,
 * and each callback that does not return a builder.
 */
type SpecKeys<S extends Schema, M extends string, T> = {
  [X in keyof T]: X extends RelationName<S, M>
    ? T[X] extends (...args: any[]) => infer Built
      ? Built extends object
        ? T[X]
        : never
      : T[X] extends object
        ? SpecKeys<S, RelationTarget<S, M, X>, T[X]>
        : T[X]
    : never;
};

/** What `with(...args)` loads: the listed paths, or an eager object's paths with its callbacks' rows. */
type WithLoaded<S extends Schema, M extends ModelName<S>, A> = A extends string[]
  ? Loaded<S, M, A[number]>
  : A extends [infer T]
    ? Loaded<S, M, EagerObjectPaths<T>, EagerLeaves<SpecLeaves<T>>>
    : never;

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
   * db.user.with({ posts: (q) => q.select("id", "title"), profile: true }).get();
   * ```
   */
  with<const A extends string[] | [object]>(
    // One signature for both forms (paths, or one eager object), so a wrong path's error names
    // it and the valid relations on its first line instead of "No overload matches this call".
    // The eager object's type is not in A's constraint: there it was worked out for every call,
    // paths included (~3k instantiations each); SpecKeys refuses its unknown keys at any depth.
    ...args: A extends string[] ? CheckPaths<S, M, A> : A & [EagerSpec<S, M> & SpecKeys<S, M, A[0]>]
  ): Chained<H, S, M, Simplify<O & WithLoaded<S, M, A>>, K>;
  /**
   * A morphTo's callback gets its constraint: relations to load below each target model
   * (`morphWith`) and a constraint per target model (`constrain`).
   *
   * ```ts
   * db.comment.with("commentable", (q) => q.morphWith({ post: ["author"] }).constrain({ video: (v) => v.select("id", "title") }));
   * ```
   */
  with<const P extends string, X>(
    path: MorphToPathCheck<S, M, P>,
    constrain: (q: NoInfer<MorphToConstraint<S, Target<S, M, P>>>) => MorphToConstraint<S, Target<S, M, P>, X>,
  ): Chained<H, S, M, Simplify<O & MorphLoaded<S, M, P, X>>, K>;
  with<const P extends string, R>(
    path: CheckPath<S, M, P>,
    // NoInfer: the path is inferred from the path alone (see Constraint); R from what the callback returns.
    constrain: (q: NoInfer<ConstraintBuilder<S, M, P, Row<S, Target<S, M, P>>>>) => RowCarrier<R>,
  ): Chained<H, S, M, Simplify<O & Loaded<S, M, P, R>>, K>;

  /**
   * Rows with related rows along `path` (a dotted path checks the last relation): at least
   * one, or `count op n` (`has("posts", ">=", 3)`). One correlated subquery, no join.
   */
  has<const P extends string>(path: CheckPath<S, M, P>, op?: CountOperator, count?: number): Chained<H, S, M, O, K>;
  orHas<const P extends string>(path: CheckPath<S, M, P>, op?: CountOperator, count?: number): Chained<H, S, M, O, K>;
  /** Rows without related rows along `path`. */
  doesntHave<const P extends string>(path: CheckPath<S, M, P>): Chained<H, S, M, O, K>;
  orDoesntHave<const P extends string>(path: CheckPath<S, M, P>): Chained<H, S, M, O, K>;

  /**
   * Rows with related rows matching a constraint (and, optionally, `count op n` of them).
   *
   * ```ts
   * db.user.whereHas("posts", (q) => q.where("published", true).has("comments"), ">=", 2);
   * ```
   */
  whereHas<const P extends string>(
    path: CheckPath<S, M, P>,
    constrain?: Constraint<S, M, P>,
    op?: CountOperator,
    count?: number,
  ): Chained<H, S, M, O, K>;
  orWhereHas<const P extends string>(
    path: CheckPath<S, M, P>,
    constrain?: Constraint<S, M, P>,
    op?: CountOperator,
    count?: number,
  ): Chained<H, S, M, O, K>;
  /** Rows with no related rows matching a constraint. */
  whereDoesntHave<const P extends string>(
    path: CheckPath<S, M, P>,
    constrain?: Constraint<S, M, P>,
  ): Chained<H, S, M, O, K>;
  orWhereDoesntHave<const P extends string>(
    path: CheckPath<S, M, P>,
    constrain?: Constraint<S, M, P>,
  ): Chained<H, S, M, O, K>;

  /** Rows with a related row whose field matches: `whereRelation("posts", "published", true)`. */
  whereRelation<const P extends string, F extends FieldName<S, Target<S, M, P>>>(
    path: CheckPath<S, M, P>,
    field: F,
    value: FullRow<S, Target<S, M, P>>[F] | null,
  ): Chained<H, S, M, O, K>;
  whereRelation<const P extends string, F extends FieldName<S, Target<S, M, P>>, Op extends Operator>(
    path: CheckPath<S, M, P>,
    field: F,
    op: Op,
    value: OperatorValue<FullRow<S, Target<S, M, P>>[F], Op>,
  ): Chained<H, S, M, O, K>;
  orWhereRelation<const P extends string, F extends FieldName<S, Target<S, M, P>>>(
    path: CheckPath<S, M, P>,
    field: F,
    value: FullRow<S, Target<S, M, P>>[F] | null,
  ): Chained<H, S, M, O, K>;
  orWhereRelation<const P extends string, F extends FieldName<S, Target<S, M, P>>, Op extends Operator>(
    path: CheckPath<S, M, P>,
    field: F,
    op: Op,
    value: OperatorValue<FullRow<S, Target<S, M, P>>[F], Op>,
  ): Chained<H, S, M, O, K>;

  /**
   * Rows whose belongsTo relation points at `rows` (one row or several). The relation is
   * found from the rows' model when relata read them, or named: `whereBelongsTo(user, "author")`.
   */
  whereBelongsTo(rows: object | readonly object[], relation?: RelationName<S, M>): Chained<H, S, M, O, K>;
  orWhereBelongsTo(rows: object | readonly object[], relation?: RelationName<S, M>): Chained<H, S, M, O, K>;

  /**
   * Rows whose many-to-many relation (belongsToMany, morphToMany, morphedByMany) attaches them
   * to any of `rows`. The relation is found from the rows' model when relata read them, or
   * named: `db.user.whereAttachedTo(admin, "roles")`. One correlated EXISTS, no join.
   */
  whereAttachedTo(rows: object | readonly object[], relation?: ManyToManyRelation<S, M>): Chained<H, S, M, O, K>;
  orWhereAttachedTo(rows: object | readonly object[], relation?: ManyToManyRelation<S, M>): Chained<H, S, M, O, K>;

  /**
   * Rows whose morphTo parent is one of `types` (model names, or "*": every target), counted
   * as `has` counts: `hasMorph("commentable", ["post"])`, `hasMorph("commentable", "*", ">=", 1)`.
   * Rows of other types never match.
   */
  hasMorph<const R extends MorphToRelation<S, M>>(
    relation: R,
    types: MorphTypes<S, M, R>,
    op?: CountOperator,
    count?: number,
  ): Chained<H, S, M, O, K>;
  orHasMorph<const R extends MorphToRelation<S, M>>(
    relation: R,
    types: MorphTypes<S, M, R>,
    op?: CountOperator,
    count?: number,
  ): Chained<H, S, M, O, K>;
  /** Rows whose morph type is one of `types` and whose parent of that type is missing. */
  doesntHaveMorph<const R extends MorphToRelation<S, M>>(
    relation: R,
    types: MorphTypes<S, M, R>,
  ): Chained<H, S, M, O, K>;
  orDoesntHaveMorph<const R extends MorphToRelation<S, M>>(
    relation: R,
    types: MorphTypes<S, M, R>,
  ): Chained<H, S, M, O, K>;

  /**
   * Rows whose morphTo parent is one of `types` (target models of the morphTo, or "*"), each
   * checked against the constraint. The callback runs once per type with a builder of that model
   * and the model's name; typed as a builder of the fields the listed models share.
   *
   * ```ts
   * db.comment.whereHasMorph("commentable", ["post"], (q) => q.where("published", true));
   * ```
   */
  whereHasMorph<const R extends MorphToRelation<S, M>, const Ts extends MorphTypes<S, M, R>>(
    relation: R,
    types: Ts,
    constrain?: MorphConstraint<S, ChosenTypes<S, M, R, Ts>>,
  ): Chained<H, S, M, O, K>;
  orWhereHasMorph<const R extends MorphToRelation<S, M>, const Ts extends MorphTypes<S, M, R>>(
    relation: R,
    types: Ts,
    constrain?: MorphConstraint<S, ChosenTypes<S, M, R, Ts>>,
  ): Chained<H, S, M, O, K>;
  /** Rows whose morph type is one of `types` and whose parent of that type is missing or fails the constraint. */
  whereDoesntHaveMorph<const R extends MorphToRelation<S, M>, const Ts extends MorphTypes<S, M, R>>(
    relation: R,
    types: Ts,
    constrain?: MorphConstraint<S, ChosenTypes<S, M, R, Ts>>,
  ): Chained<H, S, M, O, K>;
  orWhereDoesntHaveMorph<const R extends MorphToRelation<S, M>, const Ts extends MorphTypes<S, M, R>>(
    relation: R,
    types: Ts,
    constrain?: MorphConstraint<S, ChosenTypes<S, M, R, Ts>>,
  ): Chained<H, S, M, O, K>;

  /**
   * Rows whose morphTo parent is one of `types` and whose field matches:
   * `whereMorphRelation("commentable", ["post"], "published", true)`,
   * `whereMorphRelation("commentable", "*", "title", "like", "V%")`.
   */
  whereMorphRelation: MorphRelationFilter<S, M, Chained<H, S, M, O, K>>;
  orWhereMorphRelation: MorphRelationFilter<S, M, Chained<H, S, M, O, K>>;
  /**
   * Rows whose morph type is one of `types` and whose parent of that type is missing or its
   * field does not match (Eloquent's whereMorphDoesntHaveRelation).
   */
  whereMorphDoesntHaveRelation: MorphRelationFilter<S, M, Chained<H, S, M, O, K>>;
  orWhereMorphDoesntHaveRelation: MorphRelationFilter<S, M, Chained<H, S, M, O, K>>;

  /**
   * Rows whose morphTo points at `target`: a row or an array of rows (of `model`, or of the model
   * relata read each from; rows of several target models are matched per model), a model name
   * (every row pointing at that model, whatever the id), or null (pointing nowhere).
   */
  whereMorphedTo<const R extends RelationName<S, M>>(
    relation: R,
    target: object | readonly object[] | MorphTargetOf<S, M, R> | null,
    model?: ModelName<S>,
  ): Chained<H, S, M, O, K>;
  orWhereMorphedTo<const R extends RelationName<S, M>>(
    relation: R,
    target: object | readonly object[] | MorphTargetOf<S, M, R> | null,
    model?: ModelName<S>,
  ): Chained<H, S, M, O, K>;

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

  /** Adds the sum of a related number field: `withSum("posts", "views")` gives `postsSumViews` (null over no rows). */
  withSum<const Spec extends AggregateSpec<S, M>, C extends NumberAggregateField<S, M, Spec>>(
    spec: Spec,
    column: C,
  ): Chained<H, S, M, Simplify<O & { [A in AggregateName<Spec, `Sum${Capitalize<C>}`>]: number | null }>, K>;

  /** Adds the average of a related number field (`postsAvgViews`, null over no rows). */
  withAvg<const Spec extends AggregateSpec<S, M>, C extends NumberAggregateField<S, M, Spec>>(
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

/** A morph filter: (relation, types, ...rest), `take` naming what the rest holds. */
function morphFilter(
  self: BuilderSelf,
  args: IArguments,
  signature: string,
  options: Omit<HasMorphOptions, "op" | "count" | "method">,
  take: readonly ("constrain" | "op" | "count")[],
) {
  arity(self, args, 2 + take.length, signature);
  const given: Record<string, unknown> = {};
  take.forEach((name, i) => {
    given[name] = args[2 + i];
  });
  const method = signature.slice(0, signature.indexOf("("));
  return addWhere(
    self,
    hasMorphNode(filtersOf(self), args[0], args[1], given.constrain, {
      ...options,
      op: given.op,
      count: given.count,
      method,
    }),
  );
}

/** whereMorphRelation and its forms: (relation, types, field, value) or (relation, types, field, operator, value). */
function morphRelation(self: BuilderSelf, args: IArguments, method: string, or: boolean, not: boolean) {
  const model = self[PROPS].ctx.codec.meta.name;
  const [relation, types, field, ...where] = Array.from(args);
  if ((args.length !== 4 && args.length !== 5) || typeof field !== "string") {
    throw new ValidationError(
      `${method} on "${model}" takes (relation, types, field, value) or (relation, types, field, operator, value); got ${args.length} argument${args.length === 1 ? "" : "s"}${args.length >= 3 && typeof field !== "string" ? ` and the field ${describeValue(field)}` : ""}.`,
      model,
    );
  }
  const constrain = (q: { where: (...a: unknown[]) => unknown }) => q.where(field, ...where);
  return addWhere(self, hasMorphNode(filtersOf(self), relation, types, constrain, { or, not, method }));
}

function morphedTo(self: BuilderSelf, args: IArguments, signature: string, or: boolean) {
  arity(self, args, 3, signature);
  const node = morphedToNode(self[PROPS].ctx.codec, args[0], args[1], args[2]);
  return addWhere(self, or ? { ...node, or: true } : node);
}

function attachedTo(self: BuilderSelf, args: IArguments, signature: string, or: boolean) {
  arity(self, args, 2, signature);
  const { session, codec } = self[PROPS].ctx;
  const node = attachedToNode(session, codec, args[0], args[1]);
  return addWhere(self, or ? { ...node, or: true } : node);
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

const HAS = { or: false, not: false } as const;
const OR_HAS = { or: true, not: false } as const;
const NOT = { or: false, not: true } as const;
const OR_NOT = { or: true, not: true } as const;

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
  whereAttachedTo(this: BuilderSelf) {
    return attachedTo(this, arguments, "whereAttachedTo(rows, relation)", false);
  },
  orWhereAttachedTo(this: BuilderSelf) {
    return attachedTo(this, arguments, "orWhereAttachedTo(rows, relation)", true);
  },
  hasMorph(this: BuilderSelf) {
    return morphFilter(this, arguments, "hasMorph(relation, types, operator, count)", HAS, ["op", "count"]);
  },
  orHasMorph(this: BuilderSelf) {
    return morphFilter(this, arguments, "orHasMorph(relation, types, operator, count)", OR_HAS, ["op", "count"]);
  },
  doesntHaveMorph(this: BuilderSelf) {
    return morphFilter(this, arguments, "doesntHaveMorph(relation, types)", NOT, []);
  },
  orDoesntHaveMorph(this: BuilderSelf) {
    return morphFilter(this, arguments, "orDoesntHaveMorph(relation, types)", OR_NOT, []);
  },
  whereHasMorph(this: BuilderSelf) {
    return morphFilter(this, arguments, "whereHasMorph(relation, types, constraint)", HAS, ["constrain"]);
  },
  orWhereHasMorph(this: BuilderSelf) {
    return morphFilter(this, arguments, "orWhereHasMorph(relation, types, constraint)", OR_HAS, ["constrain"]);
  },
  whereDoesntHaveMorph(this: BuilderSelf) {
    return morphFilter(this, arguments, "whereDoesntHaveMorph(relation, types, constraint)", NOT, ["constrain"]);
  },
  orWhereDoesntHaveMorph(this: BuilderSelf) {
    return morphFilter(this, arguments, "orWhereDoesntHaveMorph(relation, types, constraint)", OR_NOT, ["constrain"]);
  },
  whereMorphRelation(this: BuilderSelf) {
    return morphRelation(this, arguments, "whereMorphRelation", false, false);
  },
  orWhereMorphRelation(this: BuilderSelf) {
    return morphRelation(this, arguments, "orWhereMorphRelation", true, false);
  },
  whereMorphDoesntHaveRelation(this: BuilderSelf) {
    return morphRelation(this, arguments, "whereMorphDoesntHaveRelation", false, true);
  },
  orWhereMorphDoesntHaveRelation(this: BuilderSelf) {
    return morphRelation(this, arguments, "orWhereMorphDoesntHaveRelation", true, true);
  },
  whereMorphedTo(this: BuilderSelf) {
    return morphedTo(this, arguments, "whereMorphedTo(relation, target, model)", false);
  },
  orWhereMorphedTo(this: BuilderSelf) {
    return morphedTo(this, arguments, "orWhereMorphedTo(relation, target, model)", true);
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
    return addWhere(this, {
      type: "expr",
      or: false,
      build: (eb, outer) => eb(found.build(outer), op, bound),
      sign: (outer, parts, values) => {
        parts.push("having", alias, op);
        if (!found.sign?.(outer, parts, values)) return false;
        values.push(bound);
        return true;
      },
    });
  },
};

/**
 * Runs a `with` constraint callback on a builder of the relation's target; returns what it built.
 * A morphTo's callback gets a MorphToConstraint instead and gives a state per target model.
 */
function constraintState(self: BuilderSelf, meta: RelationMeta, path: string, constrain: unknown): QueryState {
  if (meta.kind !== "morphTo") return constraintFor(self, meta, meta.target, path, constrain);
  if (typeof constrain !== "function") {
    throw new ValidationError(`The constraint of "${path}" must be a callback.`, meta.model);
  }
  const built = (constrain as (q: unknown) => unknown)(morphToConstraint(self, meta, path, new Map()));
  const perType = typeof built === "object" && built !== null ? (built as MorphToSelf)[MORPH_STATES] : undefined;
  if (!perType) {
    throw new ValidationError(
      `The constraint of with("${path}") must return the morphTo constraint it was given (q => q.morphWith({...}).constrain({...})).`,
      meta.model,
    );
  }
  return morphLevelState(perType);
}

/** Where a MorphToConstraint keeps the state it has built per target model. */
const MORPH_STATES = Symbol("relata.morphToConstraint");

interface MorphToSelf {
  readonly [MORPH_STATES]: ReadonlyMap<string, QueryState>;
}

/**
 * The object a morphTo's `with` callback gets (MorphToConstraint): morphWith and constrain, each
 * giving a new one with a builder's state per target model. Any builder method called on it is a
 * ValidationError pointing at constrain (a condition applies to one model).
 */
function morphToConstraint(
  self: BuilderSelf,
  meta: MorphToMeta,
  path: string,
  states: ReadonlyMap<string, QueryState>,
): MorphToSelf {
  const { session } = self[PROPS].ctx;
  const model = meta.model;
  const targets = targetModels(meta);
  /** A builder of `target` holding what was given for it so far. */
  const builderOf = (target: string): any =>
    new self.constructor({ session, codec: codecFor(session, target) }, states.get(target) ?? EMPTY_STATE);
  const perType = (
    method: string,
    args: IArguments,
    build: (target: string, value: unknown) => QueryState,
  ): MorphToSelf => {
    if (args.length !== 1) {
      throw new ValidationError(
        `${method}() in with("${path}") takes one object keyed by target model (${targets.join(", ")}); got ${args.length} arguments.`,
        model,
      );
    }
    const spec: unknown = args[0];
    if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
      throw new ValidationError(
        `${method}() in with("${path}") takes an object keyed by target model (${targets.join(", ")}), got ${describeValue(spec)}.`,
        model,
      );
    }
    const next = new Map(states);
    for (const [target, value] of Object.entries(spec)) {
      if (!targets.includes(target)) {
        throw new ValidationError(
          `${method}() in with("${path}"): "${target}" is not a target of "${model}.${meta.name}" (targets: ${targets.join(", ")}).`,
          model,
          meta.name,
        );
      }
      if (value !== undefined) next.set(target, build(target, value));
    }
    return morphToConstraint(self, meta, path, next);
  };
  const constraint = {
    [MORPH_STATES]: states,
    morphWith(): MorphToSelf {
      return perType("morphWith", arguments, (target, value) => {
        const list = Array.isArray(value) ? value : [value];
        let builder = builderOf(target);
        for (const item of list) {
          if (typeof item !== "string" && (typeof item !== "object" || item === null)) {
            throw new ValidationError(
              `morphWith() in with("${path}") takes, per target model, a list of relation paths of "${target}"; got ${describeValue(item)}.`,
              model,
            );
          }
          builder = builder.with(item);
        }
        return stateOf(builder)!;
      });
    },
    constrain(): MorphToSelf {
      // Each callback runs on a builder holding what was given for its model so far (morphWith).
      return perType("constrain", arguments, (target, callback) => {
        if (typeof callback !== "function") {
          throw new ValidationError(
            `constrain() in with("${path}") takes a callback per target model; "${target}" got ${describeValue(callback)}.`,
            model,
          );
        }
        const built = stateOf((callback as (q: unknown, model: string) => unknown)(builderOf(target), target));
        if (!built) {
          throw new ValidationError(
            `The constraint of "${path}" for "${target}" must return the builder it was given (q => q.where(...)).`,
            model,
          );
        }
        return built;
      });
    },
  };
  const builderMethods = Object.getPrototypeOf(self) as object;
  return new Proxy(constraint, {
    get(target, key, receiver) {
      if (typeof key === "string" && !(key in target) && key in builderMethods) {
        return () => {
          throw new ValidationError(
            `with("${path}") loads a morphTo: its callback gets the morphTo's constraint (morphWith, constrain), not a query of one model, so it has no ${key}(). Constrain each target model: q.constrain({ ${targets[0]}: (q) => q.${key}(...) }).`,
            model,
            meta.name,
          );
        };
      }
      return Reflect.get(target, key, receiver);
    },
  });
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
