import { ValidationError } from "../../errors.js";
import { ownValue } from "../../plan/arguments.js";
import { codecFor, type ModelCodec } from "../../plan/model-codec.js";
import { EMPTY_STATE } from "../../plan/state.js";
import { compareNode } from "../../plan/where.js";
import { keyOf } from "../../relations/fetch.js";
import { loaderFor } from "../../relations/index.js";
import {
  type HasManyMeta,
  type HasOneMeta,
  isToMany,
  type MorphManyMeta,
  type MorphOneMeta,
} from "../../schema/meta.js";
import { deleteRows, updateRows } from "../writes.js";
import type { RelationWriter, Values } from "./kind.js";
import { associateOptions, byKey, connectKeys, ensureExist, label, nestedWrite, saveFields } from "./shared.js";
import { NO_WRITES } from "./unsupported.js";

type ChildMeta = HasOneMeta | HasManyMeta | MorphOneMeta | MorphManyMeta;

/** The fields of the related rows the relation fills in: the foreign key (or the morph type and id). */
const childKeys = (meta: ChildMeta): string[] =>
  "foreignKey" in meta ? [meta.foreignKey] : [meta.morphId, meta.morphType];

/**
 * What the relation sets on a child of the parent whose key is `owner`: the foreign key in its
 * column's type (and the morph type).
 */
function childOwnership(target: ModelCodec, meta: ChildMeta, owner: unknown): Values {
  const key = "foreignKey" in meta ? meta.foreignKey : meta.morphId;
  return {
    [key]: target.keyValue(key, owner),
    ...("morphType" in meta ? { [meta.morphType]: meta.morphValue } : {}),
  };
}

/** The single primary key field a connect through the relation names children by. */
function childKey(target: ModelCodec, meta: ChildMeta): string {
  if (target.meta.primaryKey.length !== 1) {
    throw new ValidationError(
      `Connecting through ${label(meta)} needs a single primary key on "${target.meta.name}".`,
      meta.model,
      meta.name,
    );
  }
  return target.meta.primaryKey[0]!;
}

/** The children an associate/dissociate takes: a row or an array of rows. */
function childRows(meta: ChildMeta, action: string, target: unknown): Values[] {
  const rows = Array.isArray(target) ? target : [target];
  if (rows.some((row) => typeof row !== "object" || row === null)) {
    throw new ValidationError(
      `${action} through ${label(meta)} takes a row or an array of rows.`,
      meta.model,
      meta.name,
    );
  }
  return rows as Values[];
}

/**
 * hasOne, hasMany, morphOne, morphMany: the related rows hold the parent's key. Nested writes
 * create children pointing at the parent and re-point connected ones; `related()` creates and
 * saves children, associates and dissociates them; deleteWith deletes them.
 */
export const hasOneOrMany: RelationWriter<ChildMeta> = {
  ...NO_WRITES,
  nested: (meta, value) => nestedWrite(meta, value),
  beforeRow: false,
  ownKeys: () => [],
  checkNested(step, meta, write) {
    const target = codecFor(step.session, meta.target);
    if (write.connect) connectKeys(target, childKey(target, meta), meta, write);
    if (write.create.length > 0) step.check(target, write.create, childKeys(meta));
  },
  store: (meta, write) => (write.connect === undefined ? `${meta.target} ${childKeys(meta)[0]}` : undefined),
  async writeNested(step, meta, using) {
    const target = codecFor(step.session, meta.target);
    const ownership = (parent: Values): Values => childOwnership(target, meta, parent[meta.localKey]);
    const children = using.flatMap(([parent, write]) =>
      write.create.map((item) => ({ ...item, ...ownership(parent) })),
    );
    const created = children.length > 0 ? await step.write(target, children) : [];
    if (step.assemble) {
      let next = 0;
      for (const [parent, write] of using) {
        const mine = byKey(target, created.slice(next, next + write.create.length));
        next += write.create.length;
        parent[meta.name] = !isToMany(meta) ? (mine[0] ?? null) : mine;
      }
    }
    for (const [parent, write] of using) {
      if (!write.connect && !write.found?.length) continue;
      const pk = childKey(target, meta);
      const keys = write.connect ? connectKeys(target, pk, meta, write) : [];
      if (keys.length > 0) await ensureExist(step.session, target, pk, keys, meta);
      // Rows a connectOrCreate found were just read: no second look.
      const all = [...keys, ...(write.found ?? []).map((row) => row[pk])];
      await updateRows(
        step.session,
        target,
        { ...EMPTY_STATE, wheres: [compareNode(target, false, pk, "in", all)] },
        ownership(parent),
      );
    }
  },

  ownership(meta, parent, target, action) {
    const owner = parent[meta.localKey];
    if (owner === undefined || owner === null) {
      throw new ValidationError(`${action} through ${label(meta)} needs the parent's "${meta.localKey}".`, meta.model);
    }
    return childOwnership(target, meta, owner);
  },
  newRow: (meta, parent, target, action) => hasOneOrMany.ownership(meta, parent, target, action),
  async associate(session, meta, parent, target, options) {
    const opts = associateOptions(meta, "associate", options);
    const codec = codecFor(session, meta.target);
    const ownership = hasOneOrMany.ownership(meta, parent, codec, "associate");
    await saveFields(session, codec, childRows(meta, "associate", target), ownership, opts, "associate");
    return target as object;
  },
  async dissociate(session, meta, parent, target, options) {
    const opts = associateOptions(meta, "dissociate", options);
    const codec = codecFor(session, meta.target);
    const ownership = hasOneOrMany.ownership(meta, parent, codec, "dissociate");
    if (target === undefined) {
      throw new ValidationError(`dissociate through ${label(meta)} needs the children to detach.`, meta.model);
    }
    const cleared = Object.fromEntries(Object.keys(ownership).map((k) => [k, null]));
    const children = childRows(meta, "dissociate", target);
    const [pk] = codec.meta.primaryKey;
    if (opts.sync !== false && pk !== undefined && children.some((child) => ownValue(child, pk) === undefined)) {
      throw new ValidationError(
        `dissociate: a "${codec.meta.name}" row without its "${pk}"; save it first.`,
        codec.meta.name,
        pk,
      );
    }
    // Only this parent's children can be detached from it.
    const strangers = children.filter((child) =>
      Object.entries(ownership).some(([field, value]) => keyOf(ownValue(child, field)) !== keyOf(value)),
    );
    if (strangers.length > 0) {
      throw new ValidationError(
        `dissociate through ${label(meta)}: ${strangers.length} of the rows do not belong to this "${meta.model}".`,
        meta.model,
        meta.name,
      );
    }
    await saveFields(session, codec, children, cleared, opts, "dissociate", ownership);
    return target as object;
  },
  deleteWith: (meta) => async (session, parent) => {
    const { model, wheres } = loaderFor(meta).scope(session, meta, parent);
    return deleteRows(session, codecFor(session, model), { ...EMPTY_STATE, scope: wheres });
  },
};
