import type { RelationMeta } from "../../schema/meta.js";
import { belongsTo } from "./belongs-to.js";
import { belongsToMany } from "./belongs-to-many.js";
import { hasOneOrMany } from "./has-one-or-many.js";
import type { RelationWriter } from "./kind.js";
import { morphTo } from "./morph-to.js";
import { through } from "./through.js";

type WriterOf<K extends RelationMeta["kind"]> = RelationWriter<Extract<RelationMeta, { kind: K }>>;

/** Each relation kind's writes (as relations/index.ts maps its reads); a new kind is a module and a line here. */
const writers: { [K in RelationMeta["kind"]]: WriterOf<K> } = {
  hasOne: hasOneOrMany,
  hasMany: hasOneOrMany,
  morphOne: hasOneOrMany,
  morphMany: hasOneOrMany,
  belongsTo,
  morphTo,
  belongsToMany,
  morphToMany: belongsToMany,
  morphedByMany: belongsToMany,
  hasOneThrough: through,
  hasManyThrough: through,
};

export function writerFor(meta: RelationMeta): RelationWriter<RelationMeta> {
  return writers[meta.kind] as RelationWriter<RelationMeta>;
}
