import { type Expression, type ExpressionBuilder, type SqlBool, sql } from "kysely";
import type { Session } from "../dialect/session.js";
import { joinModel, selectModel } from "../plan/front-door.js";
import { codecFor, type ModelCodec } from "../plan/model-codec.js";
import type { QueryState } from "../plan/state.js";
import type { WhereNode } from "../plan/where.js";
import type { ThroughMeta } from "../schema/meta.js";
import { allOf, fixedCondition, fixedNodes, keyEquals, parentKey, withFixedWhere } from "./constraint.js";
import { distinctKeys, fetchRelatedWithExtras, groupBy, keyOf, type Row } from "./fetch.js";
import type { JoinLink, LoadedGroup, LoadRequest, RelationLoader, RelationScope } from "./kind.js";
import { isChosen, siblingAlias } from "./of-many.js";

const THROUGH_KEY = "relata_through_key";

/**
 * A one-of-many hasOneThrough (`ofMany`): the row of `candidate` is the one chosen among the
 * distant rows of the same parent: those reached through an intermediate row whose `firstKey`
 * is `parentKey` (the candidate's own intermediate row's column, or the parent's key value),
 * with the relation's fixed `where`. The target is read from `base` (under the query's rule
 * options) and the intermediate model under aliases of their own. Undefined without `ofMany`.
 */
function chosen(
  eb: ExpressionBuilder<any, any>,
  session: Session,
  meta: ThroughMeta,
  candidate: ModelCodec,
  base: ModelCodec,
  parentKey: Expression<unknown>,
): Expression<SqlBool> | undefined {
  if (!meta.ofMany) return undefined;
  const sibling = base.aliased(siblingAlias(candidate, "om"));
  const through = codecFor(session, meta.through).aliased(siblingAlias(candidate, "ot"));
  const siblings = joinModel(
    selectModel(session, sibling),
    through,
    through.ref(meta.secondLocalKey),
    sibling.ref(meta.secondKey),
  ).where((e) =>
    allOf(e, [e(sql.ref(through.ref(meta.firstKey)), "=", parentKey), fixedCondition(sibling, e, meta.where)]),
  );
  return isChosen(eb, meta.ofMany, candidate, sibling, siblings);
}

/** Distant rows reached through an intermediate model: country -> users -> posts. */
async function load(request: LoadRequest<ThroughMeta>, many: boolean): Promise<LoadedGroup[]> {
  const { session, meta, parents, state } = request;
  const target = codecFor(session, meta.target);
  const through = codecFor(session, meta.through);
  const [rows, extras] = await fetchRelatedWithExtras({
    session,
    cacheKey: `${meta.model}.${meta.name}`,
    target,
    keyRef: through.ref(meta.firstKey),
    keys: distinctKeys(parents, meta.localKey),
    encodeKey: (v) => through.encodeKey(meta.firstKey, v),
    state: withFixedWhere(target, state, meta.where),
    requiredFields: request.required(meta.target),
    join: { table: through, left: through.ref(meta.secondLocalKey), right: target.ref(meta.secondKey) },
    extraSelect: [sql.ref(through.ref(meta.firstKey)).as(THROUGH_KEY)],
    where: meta.ofMany
      ? (eb) => {
          const candidate = target.under(state);
          return chosen(eb, session, meta, candidate, candidate, sql.ref(through.ref(meta.firstKey)));
        }
      : undefined,
  });
  const groups = groupBy(rows, (_, i) => extras[i]![THROUGH_KEY]);
  const attached: Row[] = [];
  for (const parent of parents) {
    const group = groups.get(keyOf(parent[meta.localKey]) ?? "") ?? [];
    parent[meta.name] = many ? group : (group[0] ?? null);
    if (!many && group[0]) attached.push(group[0]);
  }
  return [{ model: meta.target, rows: many ? rows : attached }];
}

function joinLinks(session: Session, meta: ThroughMeta, state: QueryState, many: boolean): JoinLink[] {
  return [
    {
      model: meta.target,
      many,
      correlate(parent, alias) {
        const target = codecFor(session, meta.target).under(state).aliased(alias);
        const through = codecFor(session, meta.through).aliased(`${alias}_t`);
        const query = joinModel(
          selectModel(session, target),
          through,
          through.ref(meta.secondLocalKey),
          target.ref(meta.secondKey),
        ).where((eb) =>
          allOf(eb, [
            keyEquals(eb, session, through, meta.firstKey, parent, meta.localKey),
            fixedCondition(target, eb, meta.where),
            chosen(
              eb,
              session,
              meta,
              target,
              codecFor(session, meta.target).under(state),
              sql.ref(through.ref(meta.firstKey)),
            ),
          ]),
        );
        return { target, query, extras: [] };
      },
    },
  ];
}

const parentFields = (meta: ThroughMeta) => [meta.localKey];

/** One parent's distant rows: their key is one of the intermediate rows' keys that point at the parent. */
function scope(session: Session, meta: ThroughMeta, parent: Row): RelationScope {
  const target = codecFor(session, meta.target);
  const through = codecFor(session, meta.through);
  const value = through.encodeKey(meta.firstKey, parentKey(meta, parent, meta.localKey));
  const link: WhereNode = {
    type: "expr",
    or: false,
    build: (eb, codec) =>
      eb(
        sql.ref(codec.ref(meta.secondKey)),
        "in",
        selectModel(session, through)
          .select(sql.ref(through.ref(meta.secondLocalKey)).as("k"))
          .where(sql.ref(through.ref(meta.firstKey)), "=", value),
      ),
  };
  const wheres = [link, ...fixedNodes(target, meta.where)];
  if (meta.ofMany) {
    // Built on the codec the statement reads (under the handle's withTrashed & co.), unless aliased.
    wheres.push({
      type: "expr",
      or: false,
      build: (eb, codec) =>
        chosen(eb, session, meta, codec, codec.from === codec.meta.table ? codec : target, sql`${value}`)!,
    });
  }
  return { model: meta.target, wheres };
}

export const hasOneThrough: RelationLoader<ThroughMeta> = {
  parentFields,
  scope,
  load: (r) => load(r, false),
  joinLinks: (session, meta, state) => joinLinks(session, meta, state, false),
};
export const hasManyThrough: RelationLoader<ThroughMeta> = {
  parentFields,
  scope,
  load: (r) => load(r, true),
  joinLinks: (session, meta, state) => joinLinks(session, meta, state, true),
};
