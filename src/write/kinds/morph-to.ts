import { ValidationError } from "../../errors.js";
import { ownValue } from "../../plan/arguments.js";
import { codecFor, modelOfRow } from "../../plan/model-codec.js";
import type { MorphToMeta } from "../../schema/meta.js";
import { clearOwner } from "./belongs-to.js";
import type { RelationWriter } from "./kind.js";
import {
  associateOptions,
  checkOwnerRow,
  isObject,
  isRawKey,
  label,
  nestedWrite,
  saveFields,
  setOwner,
} from "./shared.js";
import { NO_WRITES } from "./unsupported.js";

/** The models a morphTo may point at, for errors. */
const targetModels = (meta: MorphToMeta) => [...new Set([...meta.targets.values()].map((t) => t.model))].join(", ");

/** A morphTo's connect: the row (read through relata) -> [its type value, its key]. */
function morphOwner(meta: MorphToMeta, owner: unknown): [string, unknown] {
  const model = isObject(owner) ? modelOfRow(owner) : undefined;
  const target = [...meta.targets.entries()].find(([, t]) => t.model === model);
  if (!target || !isObject(owner)) {
    throw new ValidationError(
      `Connecting ${label(meta)} needs a row read through relata of one of its models (${targetModels(meta)}).`,
      meta.model,
      meta.name,
    );
  }
  const key = ownValue(owner, target[1].ownerKey);
  if (key === undefined || key === null) {
    throw new ValidationError(
      `Connecting ${label(meta)}: a "${target[1].model}" row without its "${target[1].ownerKey}" (read it with its key).`,
      meta.model,
      meta.name,
    );
  }
  return [target[0], key];
}

/**
 * morphTo: the row holds its owner's type and key. A nested write connects an existing owner
 * (a row relata read, so its model is known); `related()` associates and dissociates it.
 */
export const morphTo: RelationWriter<MorphToMeta> = {
  ...NO_WRITES,
  nested: (meta, value) =>
    nestedWrite(meta, value, { refuseCreate: "is a morphTo: create the row on its own model and connect it." }),
  beforeRow: true,
  ownKeys: (meta) => [meta.morphId, meta.morphType],
  checkNested(_step, meta, write) {
    morphOwner(meta, write.connect?.[0]);
  },
  store: () => undefined,
  async writeNested(_step, meta, using) {
    for (const [values, write] of using) {
      const [type, id] = morphOwner(meta, write.connect![0]);
      values[meta.morphType] = type;
      values[meta.morphId] = id;
    }
  },

  async associate(session, meta, parent, owner, options) {
    const opts = associateOptions(meta, "associate", options);
    if (owner === null) return clearOwner(session, meta, parent, undefined, opts, [meta.morphType, meta.morphId]);
    const raw = isRawKey(owner);
    if (!raw) checkOwnerRow(meta, owner);
    const modelName = opts.model ?? (raw ? undefined : modelOfRow(owner as object));
    const target = [...meta.targets].find(([, t]) => t.model === modelName);
    if (!target) {
      throw new ValidationError(
        modelName === undefined
          ? raw
            ? `associate through ${label(meta)} with a key needs { model } naming one of its models (${targetModels(meta)}).`
            : `associate through ${label(meta)} cannot tell the row's model; pass { model }.`
          : `"${modelName}" is not a target of ${label(meta)}.`,
        meta.model,
        meta.name,
      );
    }
    const [alias, { ownerKey }] = target;
    const id = raw ? owner : ownValue(owner as object, ownerKey);
    if (id === undefined || id === null) {
      throw new ValidationError(`associate: the row has no "${ownerKey}" for ${label(meta)}.`, meta.model, meta.name);
    }
    const codec = codecFor(session, meta.model);
    const fields = { [meta.morphType]: alias, [meta.morphId]: codec.keyValue(meta.morphId, id) };
    await saveFields(session, codec, [parent], fields, opts, "associate");
    setOwner(meta, parent, owner);
    return parent;
  },
  dissociate: (session, meta, parent, target, options) =>
    clearOwner(session, meta, parent, target, options, [meta.morphType, meta.morphId]),
};
