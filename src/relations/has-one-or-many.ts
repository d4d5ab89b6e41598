import type { Session } from "../dialect/session.js";
import { selectModel } from "../plan/front-door.js";
import { codecFor } from "../plan/model-codec.js";
import type { QueryState } from "../plan/state.js";
import { compareNode } from "../plan/where.js";
import type { HasManyMeta, HasOneMeta, MorphManyMeta, MorphOneMeta } from "../schema/meta.js";
import { allOf, fixedCondition, fixedNodes, keyEquals, keyIs, parentKey, withFixedWhere } from "./constraint.js";
import { distinctKeys, emptyToOne, fetchRelated, groupBy, keyOf, type Row } from "./fetch.js";
import type { JoinLink, LoadedGroup, LoadRequest, RelationLoader, RelationScope } from "./kind.js";

type HasMeta = HasOneMeta | HasManyMeta | MorphOneMeta | MorphManyMeta;

/** The target column holding the parent's key: `foreignKey`, or the morph id. */
const childKey = (meta: HasMeta) => ("foreignKey" in meta ? meta.foreignKey : meta.morphId);

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
      "morphType" in meta
        ? (eb) => eb(target.ref(meta.morphType), "=", target.encode(meta.morphType, meta.morphValue))
        : undefined,
  });
  const groups = groupBy(rows, (row) => row[key]);
  const attached: Row[] = [];
  for (const parent of parents) {
    const group = groups.get(keyOf(parent[meta.localKey]) ?? "") ?? [];
    if (many) {
      parent[meta.name] = group;
    } else {
      parent[meta.name] = group[0] ?? emptyToOne("withDefault" in meta ? meta.withDefault : false);
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
      withDefault: "withDefault" in meta ? meta.withDefault : false,
      correlate(parent, alias) {
        const target = codecFor(session, meta.target).under(state).aliased(alias);
        const query = selectModel(session, target).where((eb) =>
          allOf(eb, [
            keyEquals(eb, session, target, key, parent, meta.localKey),
            "morphType" in meta
              ? eb(target.ref(meta.morphType), "=", target.encode(meta.morphType, meta.morphValue))
              : undefined,
            fixedCondition(target, eb, meta.where),
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
