import { type Expression, type ExpressionBuilder, type SqlBool, sql } from "kysely";
import type { Session } from "../dialect/session.js";
import { selectModel } from "../plan/front-door.js";
import { codecFor, type ModelCodec } from "../plan/model-codec.js";
import type { QueryState } from "../plan/state.js";
import { compareNode, type WhereNode } from "../plan/where.js";
import type { HasManyMeta, HasOneMeta, MorphManyMeta, MorphOneMeta } from "../schema/meta.js";
import { allOf, fixedCondition, fixedNodes, keyEquals, keyIs, parentKey, withFixedWhere } from "./constraint.js";
import { distinctKeys, emptyToOne, fetchRelated, groupBy, keyOf, type Row } from "./fetch.js";
import type { JoinLink, LoadedGroup, LoadRequest, RelationLoader, RelationScope } from "./kind.js";
import { isChosen, siblingAlias } from "./of-many.js";

type HasMeta = HasOneMeta | HasManyMeta | MorphOneMeta | MorphManyMeta;

/** The target column holding the parent's key: `foreignKey`, or the morph id. */
const childKey = (meta: HasMeta) => ("foreignKey" in meta ? meta.foreignKey : meta.morphId);

/** `target.morphType = the relation's type value`, for the morph kinds. */
const morphCondition = (eb: ExpressionBuilder<any, any>, meta: HasMeta, target: ModelCodec) =>
  "morphType" in meta ? eb(target.ref(meta.morphType), "=", target.encode(meta.morphType, meta.morphValue)) : undefined;

/**
 * A one-of-many hasOne / morphOne (`ofMany`): the row of `candidate` is the one chosen among the
 * rows pointing at the same parent (its siblings: the same key, the same morph type, the
 * relation's fixed `where`), read from `base` (the target under the query's rule options) under
 * an alias of their own. Undefined for the other relations.
 */
function chosen(
  eb: ExpressionBuilder<any, any>,
  session: Session,
  meta: HasMeta,
  candidate: ModelCodec,
  base: ModelCodec,
): Expression<SqlBool> | undefined {
  if (!meta.ofMany) return undefined;
  const key = childKey(meta);
  const sibling = base.aliased(siblingAlias(candidate, "om"));
  const siblings = selectModel(session, sibling).where((e) =>
    allOf(e, [
      e(sql.ref(sibling.ref(key)), "=", sql.ref(candidate.ref(key))),
      morphCondition(e, meta, sibling),
      fixedCondition(sibling, e, meta.where),
    ]),
  );
  return isChosen(eb, meta.ofMany, candidate, sibling, siblings);
}

/**
 * Rows whose key column points at the parent: hasOne/hasMany (`profile.userId -> user.id`) and,
 * with the type column matched too, morphOne/morphMany.
 */
async function load(request: LoadRequest<HasMeta>, many: boolean): Promise<LoadedGroup[]> {
  const { session, meta, parents, state } = request;
  const target = codecFor(session, meta.target);
  const key = childKey(meta);
  const rows = await fetchRelated({
    session,
    cacheKey: `${meta.model}.${meta.name}`,
    target,
    keyRef: target.ref(key),
    keys: distinctKeys(parents, meta.localKey),
    encodeKey: (v) => target.encodeKey(key, v),
    state: withFixedWhere(target, state, meta.where),
    requiredFields: [key, ...request.required(meta.target)],
    where:
      "morphType" in meta || meta.ofMany
        ? (eb) => {
            const candidate = target.under(state);
            return allOf(eb, [morphCondition(eb, meta, candidate), chosen(eb, session, meta, candidate, candidate)]);
          }
        : undefined,
  });
  const groups = groupBy(rows, (row) => row[key]);
  const attached: Row[] = [];
  for (const parent of parents) {
    const group = groups.get(keyOf(parent[meta.localKey]) ?? "") ?? [];
    if (many) {
      parent[meta.name] = group;
    } else {
      parent[meta.name] = group[0] ?? ("withDefault" in meta ? defaultRow(session, meta, parent) : null);
      if (group[0]) attached.push(group[0]);
    }
  }
  return [{ model: meta.target, rows: many ? rows : attached }];
}

function joinLinks(session: Session, meta: HasMeta, state: QueryState, many: boolean): JoinLink[] {
  const key = childKey(meta);
  return [
    {
      model: meta.target,
      many,
      correlate(parent, alias) {
        const target = codecFor(session, meta.target).under(state).aliased(alias);
        const query = selectModel(session, target).where((eb) =>
          allOf(eb, [
            keyEquals(eb, session, target, key, parent, meta.localKey),
            morphCondition(eb, meta, target),
            fixedCondition(target, eb, meta.where),
            chosen(eb, session, meta, target, codecFor(session, meta.target).under(state)),
          ]),
        );
        return { target, query, extras: [] };
      },
    },
  ];
}

const parentFields = (meta: HasMeta) => [meta.localKey];

/** One parent's children: their key column holds the parent's key (and, for morph kinds, its type). */
function scope(session: Session, meta: HasMeta, parent: Row): RelationScope {
  const target = codecFor(session, meta.target);
  const key = childKey(meta);
  const wheres = [keyIs(target, key, parentKey(meta, parent, meta.localKey)), ...fixedNodes(target, meta.where)];
  if ("morphType" in meta) wheres.push(compareNode(target, false, meta.morphType, "=", meta.morphValue));
  if (meta.ofMany) {
    // Built on the codec the statement reads (under the handle's withTrashed & co.), unless aliased.
    const one: WhereNode = {
      type: "expr",
      or: false,
      build: (eb, codec) => chosen(eb, session, meta, codec, codec.from === codec.meta.table ? codec : target)!,
    };
    wheres.push(one);
  }
  return { model: meta.target, wheres };
}

/**
 * A hasOne / morphOne's default row (`withDefault`) for one parent: the given values, with the
 * foreign key (and morph type) pointing at the parent, as a child created through it would have.
 */
function defaultRow(session: Session, meta: HasOneMeta | MorphOneMeta, parent: Row): Row | null {
  const target = codecFor(session, meta.target);
  const owner = parent[meta.localKey];
  const key = childKey(meta);
  return emptyToOne(meta.withDefault, {
    [key]: owner === undefined || owner === null ? null : target.keyValue(key, owner),
    ...("morphType" in meta ? { [meta.morphType]: meta.morphValue } : {}),
  });
}

export const hasOne: RelationLoader<HasOneMeta> = {
  parentFields,
  scope,
  defaultRow,
  joinKeys: (meta) => (meta.ofMany ? undefined : [meta.localKey, meta.foreignKey]),
  load: (r) => load(r, false),
  joinLinks: (session, meta, state) => joinLinks(session, meta, state, false),
};
export const hasMany: RelationLoader<HasManyMeta> = {
  parentFields,
  scope,
  load: (r) => load(r, true),
  joinLinks: (session, meta, state) => joinLinks(session, meta, state, true),
};
export const morphOne: RelationLoader<MorphOneMeta> = {
  parentFields,
  scope,
  defaultRow,
  load: (r) => load(r, false),
  joinLinks: (session, meta, state) => joinLinks(session, meta, state, false),
};
export const morphMany: RelationLoader<MorphManyMeta> = {
  parentFields,
  scope,
  load: (r) => load(r, true),
  joinLinks: (session, meta, state) => joinLinks(session, meta, state, true),
};
