import type { QueryState } from "../plan/state.js";
import type { RelationMeta } from "../schema/meta.js";
import { belongsTo } from "./belongs-to.js";
import { belongsToMany } from "./belongs-to-many.js";
import { hasMany, hasOne, morphMany, morphOne } from "./has-one-or-many.js";
import type { RelationLoader } from "./kind.js";
import { morphTo } from "./morph-to.js";
import { hasManyThrough, hasOneThrough } from "./through.js";

type LoaderOf<K extends RelationMeta["kind"]> = RelationLoader<Extract<RelationMeta, { kind: K }>>;

/** Each relation kind's loader; a new kind is a new module and a line here. */
const loaders: { [K in RelationMeta["kind"]]: LoaderOf<K> } = {
  hasOne,
  hasMany,
  belongsTo,
  belongsToMany,
  morphToMany: belongsToMany,
  morphedByMany: belongsToMany,
  morphOne,
  morphMany,
  morphTo,
  hasOneThrough,
  hasManyThrough,
};

export function loaderFor(meta: RelationMeta): RelationLoader<RelationMeta> {
  const loader = loaders[meta.kind] as RelationLoader<RelationMeta>;
  if (!meta.withTrashed && !meta.withoutGlobalScopes) return loader;
  // The relation's rule options reach every read through it: loads, join links (the join
  // strategy, relation filters and aggregates).
  return {
    ...loader,
    load: (request) => loader.load({ ...request, state: underRelation(request.meta, request.state) }),
    joinLinks: (session, m, state) => loader.joinLinks(session, m, underRelation(m, state)),
  };
}

/** A state on a relation's target with the relation's `withTrashed` / `withoutGlobalScopes` applied (a query's own choice wins). */
export function underRelation(meta: RelationMeta, state: QueryState): QueryState {
  if (!meta.withTrashed && !meta.withoutGlobalScopes) return state;
  return {
    ...state,
    trashed: state.trashed ?? (meta.withTrashed ? "with" : undefined),
    without: meta.withoutGlobalScopes && !state.without.includes("*") ? [...state.without, "*"] : state.without,
  };
}
