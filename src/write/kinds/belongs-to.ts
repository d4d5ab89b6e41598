import type { Session } from "../../dialect/session.js";
import { ValidationError } from "../../errors.js";
import { describeValue, ownValue } from "../../plan/arguments.js";
import { codecFor, modelOfRow } from "../../plan/model-codec.js";
import { keyOf } from "../../relations/fetch.js";
import type { BelongsToMeta, RelationMeta } from "../../schema/meta.js";
import type { AssociateOptions, RelationWriter, Values } from "./kind.js";
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
 * belongsTo / morphTo dissociate: clears the row's own keys `keys` (in memory, and saved unless
 * sync: false) and sets its relation property to null; returns the row. Given a target (a row,
 * or its key), only when the row points at it: otherwise nothing changes and nothing is sent
 * (and the UPDATE also requires the row to still point at it in the database).
 *
 * Its arguments are (), (options), (target) or (target, options). The first is the options
 * when it is undefined, null, or a plain object whose only key is `sync` (`{ sync: false }`,
 * `{}`); anything else is the target: a row (any other object, or any row relata read), or a key.
 */
export async function clearOwner(
  session: Session,
  meta: RelationMeta,
  parent: Values,
  first: unknown,
  second: unknown,
  keys: readonly string[],
): Promise<object> {
  let target: unknown;
  let options: unknown = second;
  if (first !== undefined && first !== null) {
    if (!isOptions(first)) target = first;
    else if (second === undefined) options = first;
    else {
      throw new ValidationError(
        `dissociate through ${label(meta)} takes (options) or (target, options); got two options objects (a target row has more keys than sync).`,
        meta.model,
        meta.name,
      );
    }
  }
  const opts = associateOptions(meta, "dissociate", options);
  const codec = codecFor(session, meta.model);
  const fields = Object.fromEntries(keys.map((k) => [k, null]));
  let still: Values = {};
  if (target !== undefined) {
    const candidates = ownerKeys(session, meta, target, opts);
    const current = Object.fromEntries(keys.map((k) => [k, currentKey(meta, parent, k)]));
    const match = candidates.find((set) => keys.every((k) => keyOf(set[k]) === keyOf(current[k])));
    if (!match) {
      // No write, but the same checks a write makes (nullable keys, a single primary key): no rows.
      await saveFields(session, codec, [], fields, opts, "dissociate");
      return parent;
    }
    still = current;
  }
  await saveFields(session, codec, [parent], fields, opts, "dissociate", still);
  setOwner(meta, parent, null);
  return parent;
}

/** dissociate's options object: a plain object (not a row relata read) whose only key is `sync`. */
function isOptions(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value) || modelOfRow(value) !== undefined) {
    return false;
  }
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && Object.keys(value).every((key) => key === "sync");
}

/** A key of this row, as the row holds it: a key it does not hold (not read) cannot be compared. */
function currentKey(meta: RelationMeta, parent: Values, field: string): unknown {
  const value = ownValue(parent, field);
  if (value === undefined) {
    throw new ValidationError(
      `dissociate(target) through ${label(meta)} compares the row's "${field}", which it does not hold; read the row with it.`,
      meta.model,
      field,
    );
  }
  return value;
}

/**
 * The values this row's own keys have when it points at `target` (a row or a key): one set for a
 * belongsTo; for a morphTo, one per type value stored for the target's model. A ValidationError
 * when the target is neither, or its model or key cannot be told.
 */
function ownerKeys(session: Session, meta: RelationMeta, target: unknown, opts: AssociateOptions): Values[] {
  const raw = isRawKey(target);
  if (!raw && (typeof target !== "object" || target === null || Array.isArray(target))) {
    throw new ValidationError(
      `dissociate through ${label(meta)} takes options ({ sync }), or the owner to dissociate from: one row or its key (a number, string or bigint); got ${describeValue(target)}.`,
      meta.model,
      meta.name,
    );
  }
  const keyOfTarget = (ownerKey: string): unknown => {
    const key = raw ? target : ownValue(target as object, ownerKey);
    if (key === undefined || key === null) {
      throw new ValidationError(
        `dissociate through ${label(meta)}: the target row has no "${ownerKey}" to compare with (an options object has no key but sync).`,
        meta.model,
        meta.name,
      );
    }
    return key;
  };
  if (meta.kind === "belongsTo") {
    const codec = codecFor(session, meta.model);
    return [{ [meta.foreignKey]: codec.keyValue(meta.foreignKey, keyOfTarget(meta.ownerKey)) }];
  }
  if (meta.kind !== "morphTo") throw new Error(`relata: clearOwner of a ${meta.kind}.`);
  const model = opts.model ?? (raw ? undefined : modelOfRow(target as object));
  const targets = [...meta.targets].filter(([, t]) => t.model === model);
  if (targets.length === 0) {
    throw new ValidationError(
      model === undefined
        ? `dissociate through ${label(meta)} cannot tell the ${raw ? "key's" : "row's"} model; pass { model } naming one of ${[...new Set([...meta.targets.values()].map((t) => t.model))].join(", ")}.`
        : `"${model}" is not a target of ${label(meta)}.`,
      meta.model,
      meta.name,
    );
  }
  return targets.map(([alias, { ownerKey }]) => ({ [meta.morphType]: alias, [meta.morphId]: keyOfTarget(ownerKey) }));
}
