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
  return loaders[meta.kind] as RelationLoader<RelationMeta>;
}
