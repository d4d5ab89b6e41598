import { createHash } from "node:crypto";
import { type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool, sql } from "kysely";
import type { ServerFacts, Session } from "../dialect/session.js";
import { signNodes } from "../plan/compiled-cache.js";
import { ruleOf } from "../plan/front-door.js";
import type { ModelCodec } from "../plan/model-codec.js";
import { EMPTY_STATE, type QueryState, setsOnly } from "../plan/state.js";
import { compileWhere, type Operator } from "../plan/where.js";
import type { RelationMeta } from "../schema/meta.js";
import { loaderFor } from "./index.js";

/** One target model's related rows, correlated to the outer row and filtered by a constraint. */
export interface RelatedQuery {
  readonly model: string;
  readonly target: ModelCodec;
  readonly query: SelectQueryBuilder<any, any, any>;
}

/** A table alias unique along a path of relations (`users__posts__comments`), kept under 63 characters. */
function aliasFor(outer: string, relation: string): string {
  const alias = `${outer}__${relation}`;
  return alias.length <= 60 ? alias : `r_${createHash("sha1").update(alias).digest("hex").slice(0, 16)}`;
}

/**
 * The rows of `relation` belonging to the current row of `outer`, as correlated subqueries
 * (one per target model: several for morphTo), each with the constraint's where applied.
 * Built from each kind's join links, so filters, aggregates and the join strategy share one
 * definition of "the related rows".
 */
export function relatedQueries(
  session: Session,
  outer: ModelCodec,
  relation: RelationMeta,
  state: QueryState,
  models?: readonly string[],
): RelatedQuery[] {
  const alias = aliasFor(outer.meta.table, relation.name);
  return loaderFor(relation)
    .joinLinks(session, relation, state)
    .filter((link) => !models || models.includes(link.model))
    .map((link) => {
      const { target, query } = link.correlate(outer, alias);
      return {
        model: link.model,
        target,
        query: state.wheres.length === 0 ? query : query.where((eb) => compileWhere(target, eb, state.wheres)),
      };
    });
}

/**
 * Adds the shape of `relatedQueries(session, outer, relation, state, models)` to `parts` and the
 * values they bind to `values` (the compiled-SQL cache, plan/compiled-cache.ts): per target
 * model, the relation's constant values (its fixed conditions, morph types, the target's rule),
 * then the constraint's. The constants are read once per parent table, relation and rule
 * options by compiling the subqueries without the constraint's conditions, which the
 * subqueries add last. False for a constraint with parts beyond conditions (not signed).
 */
export function signRelated(
  session: Session,
  outer: ModelCodec,
  relation: RelationMeta,
  state: QueryState,
  models: readonly string[] | undefined,
  parts: string[],
  values: unknown[],
): boolean {
  // A constraint of conditions alone (and the rule options); anything else is not signed.
  if (!setsOnly(state, ["wheres", "trashed", "without"])) return false;
  const key = `${outer.meta.name} ${outer.from} ${relation.name} ${state.trashed ?? ""} ${state.without.join(",")} ${models?.join(",") ?? "*"}`;
  let known = relatedShapes.get(session.facts);
  if (!known) {
    known = new Map();
    relatedShapes.set(session.facts, known);
  }
  let shapes = known.get(key);
  if (!shapes || shapes.links.some((link) => ruleOf(link.target) !== link.rule)) {
    const bare = { ...EMPTY_STATE, trashed: state.trashed, without: state.without };
    const links = relatedQueries(session, outer, relation, bare, models).map(({ target, query }) => ({
      target,
      constants: query.select(sql.lit(1).as("relata_one")).compile().parameters,
      rule: ruleOf(target),
    }));
    // A new id whenever they are read anew (a rule changed): SQL cached before has another signature.
    shapes = { id: ++readings, links };
    known.set(key, shapes);
  }
  parts.push("related", key, `#${shapes.id}`);
  for (const { target, constants } of shapes.links) {
    values.push(...constants);
    parts.push("(");
    if (!signNodes(target, state.wheres, parts, values)) return false;
    parts.push(")");
  }
  return true;
}

/** One correlated subquery of a relation as a parent table reads it: its table, the constant values it binds. */
interface RelatedShape {
  readonly target: ModelCodec;
  readonly constants: readonly unknown[];
  /** The target's rule when the constants were read: a new rule means reading them again. */
  readonly rule: unknown;
}

/** Per connection (its server facts, shared by its transactions): the shapes read, by parent table and relation. */
const relatedShapes = new WeakMap<ServerFacts, Map<string, { readonly id: number; readonly links: RelatedShape[] }>>();
let readings = 0;

/** EXISTS over the related rows (any target model for morphTo). */
export function existsAny(eb: ExpressionBuilder<any, any>, queries: readonly RelatedQuery[]): Expression<SqlBool> {
  if (queries.length === 0) return eb.lit(false);
  const checks = queries.map((q) => eb.exists(q.query.select(sql.lit(1).as("relata_one"))));
  return checks.length === 1 ? checks[0]! : eb.or(checks);
}

/** The number of related rows, as a scalar expression (summed over target models for morphTo). */
export function countAll(queries: readonly RelatedQuery[]): Expression<number> {
  if (queries.length === 0) return sql<number>`0`;
  const counts = queries.map((q) => q.query.select((e) => e.fn.countAll().as("relata_count")));
  return counts.length === 1
    ? (counts[0]! as never)
    : sql<number>`(${sql.join(
        counts.map((c) => sql`(${c})`),
        sql` + `,
      )})`;
}

/**
 * `count op n` over the related rows, as EXISTS where that is what it means (`>= 1`, `> 0`;
 * negated for `< 1`, `= 0`) and as a counted scalar subquery otherwise.
 */
export function countCondition(
  eb: ExpressionBuilder<any, any>,
  queries: readonly RelatedQuery[],
  op: Operator,
  n: number,
): Expression<SqlBool> {
  if (!countsByExists(op, n)) return eb(countAll(queries), op, n);
  return op === ">=" || op === ">" ? existsAny(eb, queries) : eb.not(existsAny(eb, queries));
}

/** Whether `count op n` is [NOT] EXISTS (`>= 1`, `> 0`; `< 1`, `= 0`, `<= 0`) rather than a count that binds `n`. */
export function countsByExists(op: Operator, n: number): boolean {
  return (
    (op === ">=" && n === 1) ||
    (op === ">" && n === 0) ||
    (op === "<" && n === 1) ||
    ((op === "=" || op === "<=") && n === 0)
  );
}
