import type { Session } from "../../dialect/session.js";
import { ValidationError } from "../../errors.js";
import { ownValue } from "../../plan/arguments.js";
import { codecFor } from "../../plan/model-codec.js";
import type { BelongsToMeta, RelationMeta } from "../../schema/meta.js";
import type { RelationWriter, Values } from "./kind.js";
import {
  associateOptions,
  checkOwnerRow,
  connectKeys,
  ensureExist,
  isRawKey,
  label,
  nestedWrite,
  saveFields,
  setOwner,
} from "./shared.js";
import { NO_WRITES } from "./unsupported.js";

/**
 * belongsTo: the row holds its owner's key. A nested write connects an existing owner or
 * creates one before the row is inserted; `related()` associates and dissociates the owner.
 */
export const belongsTo: RelationWriter<BelongsToMeta> = {
  ...NO_WRITES,
  nested: (meta, value) => nestedWrite(meta, value),
  beforeRow: true,
  ownKeys: (meta) => [meta.foreignKey],
  checkNested(step, meta, write) {
    const target = codecFor(step.session, meta.target);
    if (write.connect) connectKeys(target, meta.ownerKey, meta, write);
    if (write.create.length > 0) step.check(target, write.create);
  },
  store: () => undefined,
  async writeNested(step, meta, using) {
    const target = codecFor(step.session, meta.target);
    const creating = using.filter(([, write]) => write.create.length > 0);
    const created = await step.write(
      target,
      creating.map(([, write]) => write.create[0]!),
    );
    creating.forEach(([values], i) => {
      values[meta.foreignKey] = created[i]![meta.ownerKey];
    });
    const connecting = using.filter(([, write]) => write.connect);
    const keys = connecting.map(([, write]) => connectKeys(target, meta.ownerKey, meta, write)[0]);
    await ensureExist(step.session, target, meta.ownerKey, keys, meta);
    connecting.forEach(([values], i) => {
      values[meta.foreignKey] = keys[i];
    });
    // An owner a connectOrCreate found was just read: no second look.
    for (const [values, write] of using) {
      const [owner] = write.found ?? [];
      if (owner) values[meta.foreignKey] = owner[meta.ownerKey];
    }
  },

  async associate(session, meta, parent, owner, options) {
    const opts = associateOptions(meta, "associate", options);
    if (owner === null) return clearOwner(session, meta, parent, undefined, opts, [meta.foreignKey]);
    let key: unknown = owner;
    if (!isRawKey(owner)) {
      checkOwnerRow(meta, owner);
      key = ownValue(owner, meta.ownerKey);
      if (key === undefined || key === null) {
        throw new ValidationError(`associate: the row has no "${meta.ownerKey}" for ${label(meta)}.`, meta.model);
      }
    }
    const codec = codecFor(session, meta.model);
    await saveFields(
      session,
      codec,
      [parent],
      { [meta.foreignKey]: codec.keyValue(meta.foreignKey, key) },
      opts,
      "associate",
    );
    setOwner(meta, parent, owner);
    return parent;
  },
  async dissociate(session, meta, parent, target, options) {
    return clearOwner(session, meta, parent, target, options, [meta.foreignKey]);
  },
};

/**
 * belongsTo / morphTo dissociate: clears the row's own keys (in memory, and saved unless
 * sync: false) and sets its relation property to null. The only argument is the options: this
 * row is the one dissociated.
 */
export async function clearOwner(
  session: Session,
  meta: RelationMeta,
  parent: Values,
  target: unknown,
  options: unknown,
  keys: readonly string[],
): Promise<object> {
  if (target !== undefined && options !== undefined) {
    throw new ValidationError(
      `dissociate through ${label(meta)} (a ${meta.kind}) clears this row's key and takes only (options); got a target too.`,
      meta.model,
      meta.name,
    );
  }
  const opts = associateOptions(meta, "dissociate", target ?? options);
  const fields = Object.fromEntries(keys.map((k) => [k, null]));
  await saveFields(session, codecFor(session, meta.model), [parent], fields, opts, "dissociate");
  setOwner(meta, parent, null);
  return parent;
}
