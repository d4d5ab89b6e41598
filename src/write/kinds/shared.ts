import type { Session } from "../../dialect/session.js";
import { ValidationError } from "../../errors.js";
import { checkOptions, describeValue, ownValue } from "../../plan/arguments.js";
import { rememberWritten } from "../../plan/instance-state.js";
import type { ModelCodec } from "../../plan/model-codec.js";
import { EMPTY_STATE } from "../../plan/state.js";
import { checkValue } from "../../plan/validate.js";
import { compareNode } from "../../plan/where.js";
import { isToMany, type RelationMeta } from "../../schema/meta.js";
import { missingKeys, updateRows } from "../writes.js";
import type { AssociateOptions, ConnectOrCreate, RelationWrite, Values } from "./kind.js";

export const isObject = (v: unknown): v is Values => typeof v === "object" && v !== null && !Array.isArray(v);

const OPERATIONS = ["create", "connect", "connectOrCreate"];

/** `"user.posts"`, quoted, as errors name a relation. */
export const label = (meta: RelationMeta) => `"${meta.model}.${meta.name}"`;

/** How a kind's nested write is split: the shape it takes (for errors) and what it refuses. */
export interface NestedShape {
  /** What it takes, e.g. `{ create: [...] } and/or { connect: keys | rows }`. */
  readonly shape?: string;
  /** Refuses any write through it (after the shape check), with this message. */
  readonly refuse?: string;
  /** Refuses `create` and `connectOrCreate` (after the shape check), with this message. */
  readonly refuseCreate?: string;
  /** A `connect` object that is not a row is a `{ key: pivotValues }` map (many-to-many). */
  readonly connectMap?: (connect: Values) => boolean;
}

/**
 * Splits `{ create, connect, connectOrCreate }` of a nested write into a RelationWrite: the
 * shape checked (known operations, to-one: one object and one operation), creates as objects,
 * connects as a list, connectOrCreate items as `{ where, create }` objects.
 */
export function nestedWrite(meta: RelationMeta, value: unknown, how: NestedShape = {}): RelationWrite {
  const many = isToMany(meta);
  const keys = isObject(value) ? Object.keys(value) : [];
  let known = keys.length > 0;
  for (const key of keys) if (!OPERATIONS.includes(key)) known = false;
  const where = label(meta);
  if (!isObject(value) || !known) {
    const unknown = keys.filter((k) => !OPERATIONS.includes(k));
    const shape =
      how.shape ??
      (many
        ? "{ create: [...] }, { connect: keys | rows } and/or { connectOrCreate: [{ where, create }] }"
        : "{ create: {...} }, { connect: key | row } or { connectOrCreate: { where, create } }");
    throw new ValidationError(
      `A nested write to ${where} takes ${shape}${unknown.length ? `; unknown: ${unknown.join(", ")}` : ""}.`,
      meta.model,
      meta.name,
    );
  }
  if (how.refuse) throw new ValidationError(`${where} ${how.refuse}`, meta.model, meta.name);
  const create = ownValue(value, "create");
  const connect = ownValue(value, "connect");
  const connectOrCreate = ownValue(value, "connectOrCreate");
  if ((create !== undefined || connectOrCreate !== undefined) && how.refuseCreate) {
    throw new ValidationError(`${where} ${how.refuseCreate}`, meta.model, meta.name);
  }
  if (!many && [create, connect, connectOrCreate].filter((op) => op !== undefined).length > 1) {
    throw new ValidationError(
      `${where} is a to-one relation: give one of create, connect or connectOrCreate, not both.`,
      meta.model,
      meta.name,
    );
  }
  const creates = create === undefined ? [] : Array.isArray(create) && many ? create : [create];
  for (const item of creates) {
    if (!isObject(item)) {
      throw new ValidationError(
        `${where}: create takes ${!many ? "an object" : "an object or an array of objects"} of field values.`,
        meta.model,
        meta.name,
      );
    }
  }
  const isMap = isObject(connect) && (how.connectMap?.(connect) ?? false);
  const connects =
    connect === undefined
      ? undefined
      : isMap
        ? Object.keys(connect as Values)
        : Array.isArray(connect) && many
          ? connect
          : [connect];
  return {
    create: creates as Values[],
    connect: connects,
    connectInput: connect,
    connectOrCreate: connectOrCreateItems(meta, connectOrCreate),
  };
}

/** The `{ where, create }` items of a connectOrCreate (to-many: one or an array; to-one: one), shape checked. */
export function connectOrCreateItems(meta: RelationMeta, value: unknown): ConnectOrCreate[] {
  if (value === undefined) return [];
  const many = isToMany(meta);
  const items = Array.isArray(value) && many ? value : [value];
  return items.map((item) => {
    const keys = isObject(item) ? Object.keys(item) : [];
    const create = isObject(item) ? ownValue(item, "create") : undefined;
    if (
      !isObject(item) ||
      keys.some((k) => k !== "where" && k !== "create") ||
      ownValue(item, "where") === undefined ||
      !isObject(create)
    ) {
      throw new ValidationError(
        `${label(meta)}: connectOrCreate takes ${many ? "{ where, create } or an array of them" : "{ where, create }"} (a unique where, and the field values to create when it finds no row); got ${describeValue(item)}.`,
        meta.model,
        meta.name,
      );
    }
    return { where: ownValue(item, "where"), create };
  });
}

/** The keys a `connect` names (rows give their key field), each valid for `field` of `target`. */
export function connectKeys(target: ModelCodec, field: string, meta: RelationMeta, write: RelationWrite): unknown[] {
  return (write.connect ?? []).map((item) => {
    const raw = isObject(item) ? ownValue(item, field) : item;
    if (raw === undefined || raw === null) {
      throw new ValidationError(
        `Connecting ${label(meta)}: a "${target.meta.name}" row without its "${field}".`,
        meta.model,
        meta.name,
      );
    }
    const key = target.keyValue(field, raw);
    try {
      checkValue(target, field, key);
    } catch (error) {
      throw new ValidationError(`Connecting ${label(meta)}: ${(error as Error).message}`, meta.model, meta.name);
    }
    return key;
  });
}

/** Every key must name a row of `target`: otherwise a ValidationError naming the relation. */
export async function ensureExist(
  session: Session,
  target: ModelCodec,
  field: string,
  keys: readonly unknown[],
  meta: RelationMeta,
) {
  const missing = await missingKeys(session, target, field, keys);
  if (missing.length > 0) {
    throw new ValidationError(
      `Cannot connect ${label(meta)}: no "${target.meta.name}" with ${field} ${missing.map(String).join(", ")}.`,
      meta.model,
      meta.name,
    );
  }
}

/** Rows in the order a read gives them: by their (integer) primary key. */
export function byKey(target: ModelCodec, rows: Values[]): Values[] {
  const pk = target.meta.primaryKey[0]!;
  if (rows.length > 16) return rows.sort((a, b) => Number(a[pk]) - Number(b[pk]));
  // A few rows (a parent's related rows): an insertion sort, stable as sort is, allocating nothing.
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i]!;
    const key = Number(row[pk]);
    let j = i - 1;
    for (; j >= 0 && Number(rows[j]![pk]) > key; j--) rows[j + 1] = rows[j]!;
    rows[j + 1] = row;
  }
  return rows;
}

const ASSOCIATE_OPTIONS = ["sync", "model"];

/** associate/dissociate options, checked: known keys, `sync` a boolean, `model` a model name. */
export function associateOptions(meta: RelationMeta, action: string, options: unknown): AssociateOptions {
  const checked = checkOptions(meta.model, action, options, ASSOCIATE_OPTIONS) as AssociateOptions;
  if (checked.sync !== undefined && typeof checked.sync !== "boolean") {
    throw new ValidationError(
      `${action} through ${label(meta)}: sync must be true or false, got ${describeValue(checked.sync)}.`,
      meta.model,
    );
  }
  if (checked.model !== undefined && typeof checked.model !== "string") {
    throw new ValidationError(`${action} through ${label(meta)}: model must be a model name.`, meta.model);
  }
  return checked;
}

/** A key given by itself (associate(7)): a number, string or bigint. */
export const isRawKey = (value: unknown): value is number | string | bigint =>
  typeof value === "number" || typeof value === "string" || typeof value === "bigint";

/** What a belongsTo / morphTo associate takes besides null and a raw key: one row. */
export function checkOwnerRow(meta: RelationMeta, owner: unknown): asserts owner is Values {
  if (Array.isArray(owner)) {
    throw new ValidationError(`associate through ${label(meta)} takes one row.`, meta.model, meta.name);
  }
  if (typeof owner !== "object" || owner === null) {
    throw new ValidationError(
      `associate through ${label(meta)} takes a row, its key (a number, string or bigint) or null (to dissociate); got ${describeValue(owner)}.`,
      meta.model,
      meta.name,
    );
  }
}

/**
 * After a belongsTo / morphTo associate or dissociate: the row's relation property is the
 * owner given (a row), null (dissociated), or gone (a key: the owner was not read).
 */
export function setOwner(meta: RelationMeta, parent: Values, owner: unknown): void {
  if (owner === null || typeof owner === "object") parent[meta.name] = owner;
  else delete parent[meta.name];
}

/**
 * Sets `fields` on `rows` of `codec` in memory and, unless sync is false, in the database (one
 * statement). `still`: conditions the rows must still meet there (dissociate: they point at the parent).
 */
export async function saveFields(
  session: Session,
  codec: ModelCodec,
  rows: Values[],
  fields: Values,
  options: AssociateOptions,
  action: string,
  still: Values = {},
) {
  const [pk, ...rest] = codec.meta.primaryKey;
  for (const [field, value] of Object.entries(fields)) {
    if (value !== null) checkValue(codec, field, value);
    else if (!codec.field(field).config.nullable) {
      throw new ValidationError(
        `${action}: "${codec.meta.name}.${field}" is not nullable, so the row cannot be detached; delete it instead.`,
        codec.meta.name,
        field,
      );
    }
  }
  if (options.sync !== false) {
    if (pk === undefined || rest.length > 0) {
      throw new ValidationError(`${action} needs "${codec.meta.name}" to have a single primary key.`, codec.meta.name);
    }
    const keys = rows.map((row) => {
      const key = ownValue(row, pk);
      if (key === undefined) {
        throw new ValidationError(
          `${action}: a "${codec.meta.name}" row without its "${pk}"; save it first.`,
          codec.meta.name,
          pk,
        );
      }
      return key;
    });
    if (keys.length > 0) {
      const wheres = [
        compareNode(codec, false, pk, "in", keys),
        ...Object.entries(still).map(([field, value]) => compareNode(codec, false, field, "=", value)),
      ];
      await updateRows(session, codec, { ...EMPTY_STATE, wheres }, fields);
    }
  }
  for (const row of rows) Object.assign(row, fields);
  // Saved: a class model's instances no longer hold these as changes (with sync: false they do).
  if (options.sync !== false && codec.meta.modelClass) rememberWritten(rows, fields);
}
