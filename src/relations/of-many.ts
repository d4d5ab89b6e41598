import { createHash } from "node:crypto";
import { type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool, sql } from "kysely";
import type { ModelCodec } from "../plan/model-codec.js";
import type { HasRelationMeta } from "../schema/meta.js";

/** A one-of-many relation's choice (option `ofMany`): its field and whether the greatest or least wins. */
export type OfMany = NonNullable<HasRelationMeta["ofMany"]>;

/**
 * A one-of-many relation (hasOne / morphOne / hasOneThrough with `ofMany`) reads, of the rows
 * related to a parent, only the one with the greatest (`max`) or least (`min`) field, ties to
 * the greatest / least primary key, and never a row whose field is null (Eloquent's MAX / MIN
 * skip nulls). Every path states it the same way, as a condition on the candidate row `c`:
 *
 *   c.pk = (select s.pk from target s [join through] where s is a sibling of c
 *           [and the relation's fixed where, the model's rule] [and s.field is not null]
 *           order by s.field desc, s.pk desc limit 1)          -- asc, asc for min
 *
 * A correlated scalar subquery rather than `row_number() over (partition by fk order by ...) = 1`
 * or Eloquent's join on `max(field) ... group by fk`, because:
 *
 * - It is one more condition in the WHERE of whatever reads the target: the query strategy's
 *   `fk in (...)` level, the join strategy's correlated JSON subquery, has/whereHas (EXISTS),
 *   withCount and the other aggregates, and related(row, relation) (its scope, which updates and
 *   deletes through the handle meet too). A window function has to be computed in a derived
 *   table before anything may filter on it, and those paths have no derived table to put it in.
 * - A condition the user adds (`with("latestPost", q => q.where(...))`, `whereHas`) lands in the
 *   same WHERE, next to this one: it filters THE chosen row, after the choice, as in Eloquent.
 *   Under a window function it would filter the rows before numbering them (choosing the
 *   latest matching row instead), unless moved to an outer query over the derived table.
 * - MariaDB cannot see an outer row from inside a derived table, which the join strategy and the
 *   relation filters need (their query correlates to the parent); a scalar subquery in WHERE can
 *   correlate on SQLite, PostgreSQL 15 and MariaDB 10.11 alike. `= (... order by ... limit 1)`
 *   is accepted by all three (MariaDB refuses LIMIT only in IN/ALL/ANY/SOME subqueries), also in
 *   an UPDATE or DELETE of the same table (MariaDB since 10.3).
 * - The greatest-per-group join needs a second level for the primary key tie-break, and a join
 *   in FROM, which the correlated paths do not have.
 *
 * With an index on the foreign key (push() creates one per `references`), each subquery reads
 * the candidate's siblings by that index.
 *
 * `siblings` is FROM the target under its own alias (and the intermediate model of a through
 * relation), WHERE the rows belong to the same parent as the candidate, with the relation's fixed
 * `where` and the model's rule (a soft-deleted row is never chosen, unless the query reads
 * trashed rows: the choice is made under the query's rule options, as Eloquent's subquery drops
 * the scopes the relation query removed).
 */
export function isChosen(
  eb: ExpressionBuilder<any, any>,
  ofMany: OfMany,
  candidate: ModelCodec,
  sibling: ModelCodec,
  siblings: SelectQueryBuilder<any, any, any>,
): Expression<SqlBool> {
  const key = sibling.meta.primaryKey[0]!;
  const direction = ofMany.direction === "max" ? "desc" : "asc";
  let choice = siblings;
  if (sibling.field(ofMany.field).config.nullable) {
    choice = choice.where(sql.ref(sibling.ref(ofMany.field)), "is not", null);
  }
  if (ofMany.field !== key) choice = choice.orderBy(sql.ref(sibling.ref(ofMany.field)), direction);
  choice = choice
    .orderBy(sql.ref(sibling.ref(key)), direction)
    .select(sql.ref(sibling.ref(key)).as("relata_chosen"))
    .limit(sql.lit(1));
  return eb(sql.ref(candidate.ref(key)), "=", choice);
}

/**
 * The alias the siblings of `candidate` are read under (`om`: the target, `ot`: the intermediate
 * model of a through relation), within the 63 characters PostgreSQL keeps of an identifier.
 */
export function siblingAlias(candidate: ModelCodec, suffix: "om" | "ot"): string {
  const alias = `${candidate.meta.table}_${suffix}`;
  return alias.length <= 63 ? alias : `r_${createHash("sha1").update(alias).digest("hex").slice(0, 16)}`;
}
