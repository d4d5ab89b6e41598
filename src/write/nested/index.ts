import { ValidationError } from "../../errors.js";
import type { RelationMeta, ThroughMeta } from "../../schema/meta.js";
import { childUpdater } from "./children.js";
import { morphOwnerUpdater, ownerUpdater } from "./owners.js";
import { pivotUpdater } from "./pivots.js";
import type { NestedUpdater } from "./step.js";

type UpdaterOf<K extends RelationMeta["kind"]> = NestedUpdater<Extract<RelationMeta, { kind: K }>>;

/** The refusal of a write through a through relation. */
function throughOnly(meta: ThroughMeta): never {
  throw new ValidationError(
    `"${meta.model}.${meta.name}" is a ${meta.kind}: its rows are reached through "${meta.through}", so write them through that model's relations.`,
    meta.model,
    meta.name,
  );
}

/** hasOneThrough, hasManyThrough: nothing is written through them (write through the intermediate model). */
const throughUpdater: NestedUpdater<ThroughMeta> = {
  operations: throughOnly,
  prepare: (_ctx, meta) => throughOnly(meta),
};

/** Each relation kind's operations in a Prisma-style update (as kinds/index.ts maps its create writes). */
const updaters: { [K in RelationMeta["kind"]]: UpdaterOf<K> } = {
  hasOne: childUpdater,
  hasMany: childUpdater,
  morphOne: childUpdater,
  morphMany: childUpdater,
  belongsTo: ownerUpdater,
  morphTo: morphOwnerUpdater,
  belongsToMany: pivotUpdater,
  morphToMany: pivotUpdater,
  morphedByMany: pivotUpdater,
  hasOneThrough: throughUpdater,
  hasManyThrough: throughUpdater,
};

export function updaterFor(meta: RelationMeta): NestedUpdater {
  return updaters[meta.kind] as NestedUpdater;
}
