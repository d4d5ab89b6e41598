import type { Session } from "../dialect/session.js";
import { RelationNotFoundError, ValidationError } from "../errors.js";
import { describeValue } from "../plan/arguments.js";
import { targetModels } from "../plan/eager.js";
import type { ModelCodec } from "../plan/model-codec.js";
import { EMPTY_STATE, type QueryState } from "../plan/state.js";
import type { Operator, WhereNode } from "../plan/where.js";
import type { RelationMeta } from "../schema/meta.js";
import { countCondition, countsByExists, relatedQueries, signRelated } from "./subquery.js";

export const COUNT_OPERATORS: readonly Operator[] = ["=", "!=", "<>", "<", "<=", ">", ">="];

/** What building relation filters needs from the builder: the session, the model, and constraint callbacks. */
export interface FilterContext {
  readonly session: Session;
  readonly codec: ModelCodec;
  /** Runs a constraint callback on a builder of `model` (a target of `meta`) and returns its state. */
  readonly constrain: (model: string, meta: RelationMeta, callback: unknown) => QueryState;
}

export interface HasOptions {
  readonly or: boolean;
  readonly not: boolean;
  readonly op?: unknown;
  readonly count?: unknown;
  readonly constrain?: unknown;
}

type Expr = Extract<WhereNode, { type: "expr" }>;
type Build = Expr["build"];
type Sign = NonNullable<Expr["sign"]>;

/** The relations a dotted path walks through, checked against the schema (RelationNotFoundError). */
export function walkPath(session: Session, model: string, path: string): RelationMeta[][] {
  if (typeof path !== "string" || path === "") {
    throw new ValidationError(`A relation path on "${model}" must be a non-empty string.`, model);
  }
  let models = [model];
  return path.split(".").map((segment) => {
    const metas = models.flatMap((m) => session.schema.model(m).relations.get(segment) ?? []);
    if (metas.length === 0) {
      const valid = [...new Set(models.flatMap((m) => [...session.schema.model(m).relations.keys()]))];
      throw new RelationNotFoundError(models.join(" | "), segment, valid);
    }
    models = metas.flatMap(targetModels);
    return metas;
  });
}

/** A condition on the related rows' count, resolved against the outer table when compiled, and its signature. */
function countOf(
  session: Session,
  relation: string,
  state: QueryState,
  op: Operator,
  n: number,
  models?: string[],
): { build: Build; sign: Sign } {
  return {
    build: (eb, outer) => {
      const meta = outer.meta.relations.get(relation);
      if (!meta) return eb.lit(false); // a path through morphTo names relations some targets lack
      return countCondition(eb, relatedQueries(session, outer, meta, state, models), op, n);
    },
    sign: (outer, parts, values) => {
      const meta = outer.meta.relations.get(relation);
      parts.push(`count ${relation} ${op} ${n}`);
      if (!meta) return true;
      if (!signRelated(session, outer, meta, state, models, parts, values)) return false;
      if (!countsByExists(op, n)) values.push(n);
      return true;
    },
  };
}

function checkCount(model: string, op: unknown, count: unknown): [Operator, number] {
  const operator = (op ?? ">=") as Operator;
  if (!COUNT_OPERATORS.includes(operator)) {
    throw new ValidationError(
      `A relation count compares with ${COUNT_OPERATORS.join(", ")}; got ${JSON.stringify(op)} on "${model}".`,
      model,
    );
  }
  const n = count ?? 1;
  if (!Number.isSafeInteger(n) || (n as number) < 0) {
    throw new ValidationError(
      `A relation count must be a non-negative integer, got ${String(count)} on "${model}".`,
      model,
    );
  }
  return [operator, n as number];
}

/**
 * has / whereHas / doesntHave and their or-forms: rows whose related rows (along a dotted
 * path; the count and the constraint apply to its last segment) satisfy the count.
 */
export function hasNode(ctx: FilterContext, path: string, options: HasOptions): WhereNode {
  const { session, codec } = ctx;
  const model = codec.meta.name;
  const metas = walkPath(session, model, path);
  let [op, n] = checkCount(model, options.op, options.count);
  const segments = path.split(".");
  // As Eloquent's hasNested: "fewer than one" along a path means none of the path exists.
  let not = options.not;
  if (segments.length > 1 && op === "<" && n === 1) {
    [op, n, not] = [">=", 1, !not];
  }
  const last = metas[metas.length - 1]!;
  let state = EMPTY_STATE;
  if (options.constrain !== undefined) {
    if (typeof options.constrain !== "function") {
      throw new ValidationError(`The constraint of a relation filter on "${path}" must be a callback.`, model);
    }
    const targets = last.flatMap(targetModels);
    if (new Set(targets).size > 1 || last.some((m) => m.kind === "morphTo")) {
      throw new ValidationError(
        `A constraint on "${path}" is ambiguous: its rows belong to several models (${targets.join(", ")}); use whereHasMorph.`,
        model,
      );
    }
    state = ctx.constrain(targets[0]!, last[0]!, options.constrain);
  }
  let count = countOf(session, segments[segments.length - 1]!, state, op, n);
  for (let i = segments.length - 2; i >= 0; i--) {
    const inner: WhereNode = { type: "expr", or: false, ...count };
    count = countOf(session, segments[i]!, { ...EMPTY_STATE, wheres: [inner] }, ">=", 1);
  }
  const { build, sign } = count;
  if (!not) return { type: "expr", or: options.or, build, sign };
  return {
    type: "expr",
    or: options.or,
    build: (eb, outer) => eb.not(build(eb, outer)),
    sign: (outer, parts, values) => {
      parts.push("not");
      return sign(outer, parts, values);
    },
  };
}

/** How a morph filter is joined and counted: `op count` parents per listed type (default `>= 1`), negated by `not`. */
export interface HasMorphOptions {
  readonly or: boolean;
  readonly not: boolean;
  readonly op?: unknown;
  readonly count?: unknown;
  /** The public method, for error messages (`hasMorph`, `whereMorphRelation`, ...). */
  readonly method: string;
}

/** The target models a morph filter names: a list of model names (or one), or "*" for every target. */
function morphTypes(model: string, meta: RelationMeta, types: unknown, method: string): string[] {
  const known = targetModels(meta);
  if (types === "*") return known;
  const list = typeof types === "string" ? [types] : types;
  if (!Array.isArray(list) || list.some((type) => typeof type !== "string")) {
    throw new ValidationError(
      `${method} on "${model}" takes the types as a list of model names or "*", got ${describeValue(types)}.`,
      model,
      meta.name,
    );
  }
  for (const type of list as string[]) {
    if (!known.includes(type)) {
      throw new ValidationError(
        `"${type}" is not a target of "${model}.${meta.name}" (targets: ${known.join(", ")}).`,
        model,
        meta.name,
      );
    }
  }
  return [...new Set(list as string[])];
}

/**
 * hasMorph / whereHasMorph / doesntHaveMorph and their or-forms: rows whose morphTo parent is
 * one of `types` (model names, or "*") and, per type, passes the constraint (the callback gets
 * a builder of that model and its name) `op count` times (a morphTo has one parent: 0 or 1).
 */
export function hasMorphNode(
  ctx: FilterContext,
  relation: string,
  types: unknown,
  callback: unknown,
  options: HasMorphOptions,
): WhereNode {
  const model = ctx.codec.meta.name;
  const { method } = options;
  if (typeof relation !== "string") {
    throw new ValidationError(`${method} on "${model}" needs a relation name, got ${describeValue(relation)}.`, model);
  }
  const meta = ctx.codec.meta.relations.get(relation);
  if (!meta) throw new RelationNotFoundError(model, relation, [...ctx.codec.meta.relations.keys()]);
  if (meta.kind !== "morphTo") {
    throw new ValidationError(`${method} needs a morphTo relation; "${model}.${relation}" is a ${meta.kind}.`, model);
  }
  const chosen = morphTypes(model, meta, types, method);
  const [op, n] = checkCount(model, options.op, options.count);
  if (callback !== undefined && typeof callback !== "function") {
    throw new ValidationError(
      `The constraint of ${method}("${relation}", ...) on "${model}" must be a callback, got ${describeValue(callback)}.`,
      model,
    );
  }
  const states = chosen.map(
    (type) => [type, callback === undefined ? EMPTY_STATE : ctx.constrain(type, meta, callback)] as const,
  );
  // As Eloquent: per listed type, `type = T AND [NOT] (count op n)`; rows of other types never match.
  // Not signed for the compiled-SQL cache: the type is bound twice (here and in the subquery), so
  // the cache could not tell the values' order from the parameters' and would never confirm it.
  const build: Build = (eb, outer) => {
    const outerMeta = outer.meta.relations.get(relation) as Extract<RelationMeta, { kind: "morphTo" }>;
    const checks = states.map(([type, state]) => {
      const alias = [...outerMeta.targets].find(([, t]) => t.model === type)![0];
      const counted = countCondition(eb, relatedQueries(ctx.session, outer, outerMeta, state, [type]), op, n);
      return eb.and([
        eb(outer.ref(outerMeta.morphType), "=", outer.encode(outerMeta.morphType, alias)),
        options.not ? eb.not(counted) : counted,
      ]);
    });
    return checks.length === 0 ? eb.lit(false) : checks.length === 1 ? checks[0]! : eb.or(checks);
  };
  return { type: "expr", or: options.or, build };
}
