import { createHash } from "node:crypto";
import { type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool, sql } from "kysely";
import type { Session } from "../dialect/session.js";
import type { ModelCodec } from "../plan/model-codec.js";
import type { QueryState } from "../plan/state.js";
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
  if ((op === ">=" && n === 1) || (op === ">" && n === 0)) return existsAny(eb, queries);
  if ((op === "<" && n === 1) || ((op === "=" || op === "<=") && n === 0)) return eb.not(existsAny(eb, queries));
  return eb(countAll(queries), op, n);
}
