import type { Session } from "../dialect/session.js";
import { ValidationError } from "../errors.js";
import { loadRelations } from "../loader/load-relations.js";
import { readRows } from "../loader/read.js";
import { checkOwnKey, describeValue, ownValue } from "../plan/arguments.js";
import { addEagerPath } from "../plan/eager.js";
import { codecFor, type ModelCodec, modelOfRow } from "../plan/model-codec.js";
import { type EagerTree, EMPTY_STATE } from "../plan/state.js";
import { checkValue, prepareInsert } from "../plan/validate.js";
import { compareNode } from "../plan/where.js";
import { keyOf } from "../relations/fetch.js";
import { exposedPivotFields } from "../relations/pivot.js";
import type { BelongsToManyMeta, BelongsToMeta, MorphToMeta, RelationMeta } from "../schema/meta.js";
import { isChildRelation, isPivotRelation, isToMany } from "../schema/meta.js";
import type { ChildKind } from "../schema/relations.js";
import { checkPivotValues, ensureRelatedExist, insertPivotRows, notRelated, pivotEntries } from "./pivot-writes.js";
import { insertRows, missingKeys, updateRows } from "./writes.js";

type Values = Record<string, unknown>;

/** One relation's nested write on one input: `{ create }` and/or `{ connect }`. */
interface RelationWrite {
  readonly create: Values[];
  readonly connect: unknown[] | undefined;
  /** The raw `connect` value (a many-to-many connect may be a `{ key: pivotValues }` map). */
  readonly connectInput: unknown;
  /** A many-to-many connect as validated [key, pivot values] entries (set by checkGraph). */
  entries?: [unknown, Values][];
}

/** Each input split once per write: validation, paths and writing all read the same split. */
type Splits = WeakMap<object, [Values, Map<string, RelationWrite>]>;

const OPERATIONS = ["create", "connect"];

/**
 * Splits an input into its field values and its nested relation writes, by its own keys (a
 * `__proto__` key is rejected, never assigned: it would set the values' prototype).
 */
function split(splits: Splits, codec: ModelCodec, input: Values): [Values, Map<string, RelationWrite>] {
  const known = splits.get(input);
  if (known) return known;
  const values: Values = {};
  const writes = new Map<string, RelationWrite>();
  for (const [key, value] of Object.entries(input)) {
    checkOwnKey(codec.meta.name, key, "a field or relation");
    const meta = codec.meta.relations.get(key);
    if (meta === undefined) values[key] = value;
    else if (value !== undefined) writes.set(key, relationWrite(meta, value));
  }
  const parts: [Values, Map<string, RelationWrite>] = [values, writes];
  splits.set(input, parts);
  return parts;
}

const isObject = (v: unknown): v is Values => typeof v === "object" && v !== null && !Array.isArray(v);

function relationWrite(meta: RelationMeta, value: unknown): RelationWrite {
  const where = `"${meta.model}.${meta.name}"`;
  const shape = !isToMany(meta)
    ? "{ create: {...} } or { connect: key | row }"
    : isPivotRelation(meta)
      ? "{ create: [...] } and/or { connect: keys | rows | { key: pivotValues } }"
      : "{ create: [...] } and/or { connect: keys | rows }";
  const unknown = isObject(value) ? Object.keys(value).filter((k) => !OPERATIONS.includes(k)) : [];
  if (!isObject(value) || unknown.length > 0 || Object.keys(value).length === 0) {
    throw new ValidationError(
      `A nested write to ${where} takes ${shape}${unknown.length ? `; unknown: ${unknown.join(", ")}` : ""}.`,
      meta.model,
      meta.name,
    );
  }
  if (meta.kind === "hasOneThrough" || meta.kind === "hasManyThrough") {
    throw new ValidationError(
      `${where} is a ${meta.kind}: its rows are reached through "${meta.through}", so write them through that model's relations.`,
      meta.model,
      meta.name,
    );
  }
  const create = ownValue(value, "create");
  const connect = ownValue(value, "connect");
  if (create !== undefined && meta.kind === "morphTo") {
    throw new ValidationError(
      `${where} is a morphTo: create the row on its own model and connect it.`,
      meta.model,
      meta.name,
    );
  }
  if (!isToMany(meta) && create !== undefined && connect !== undefined) {
    throw new ValidationError(
      `${where} is a to-one relation: give create or connect, not both.`,
      meta.model,
      meta.name,
    );
  }
  const creates = create === undefined ? [] : Array.isArray(create) && isToMany(meta) ? create : [create];
  for (const item of creates) {
    if (!isObject(item)) {
      throw new ValidationError(
        `${where}: create takes ${!isToMany(meta) ? "an object" : "an object or an array of objects"} of field values.`,
        meta.model,
        meta.name,
      );
    }
  }
  const isMap = isPivotRelation(meta) && isObject(connect) && !Object.hasOwn(connect, meta.relatedKey);
  const connects =
    connect === undefined
      ? undefined
      : isMap
        ? Object.keys(connect as Values)
        : Array.isArray(connect) && isToMany(meta)
          ? connect
          : [connect];
  return { create: creates as Values[], connect: connects, connectInput: connect };
}

/** A many-to-many create item without its `pivot` values (own keys only). */
function withoutPivot(item: Values): Values {
  const { pivot: _, ...rest } = item;
  return rest;
}

/** The `pivot` of a many-to-many create item: an object of pivot values. */
function pivotObject(meta: RelationMeta, pivot: unknown): Values {
  if (!isObject(pivot)) {
    throw new ValidationError(
      `"${meta.model}.${meta.name}": the pivot of a created row takes an object of pivot values, got ${describeValue(pivot)}.`,
      meta.model,
      meta.name,
    );
  }
  return pivot;
}

type ChildMeta = Extract<RelationMeta, { kind: ChildKind }>;

/** The fields of the related rows a has-kind relation fills in (foreign key, morph type). */
function childKeys(meta: RelationMeta): string[] {
  if (!isChildRelation(meta)) return [];
  return "foreignKey" in meta ? [meta.foreignKey] : [meta.morphId, meta.morphType];
}

/**
 * What a has-kind relation sets on a child of the parent whose key is `owner`: the foreign key
 * in its column's type (and the morph type). Shared by nested writes and related(...) writes.
 */
export function childOwnership(target: ModelCodec, meta: ChildMeta, owner: unknown): Values {
  const key = "foreignKey" in meta ? meta.foreignKey : meta.morphId;
  return {
    [key]: target.keyValue(key, owner),
    ...("morphType" in meta ? { [meta.morphType]: meta.morphValue } : {}),
  };
}

/** The fields of the row itself its to-one owner relations fill in. */
function ownerKeys(meta: RelationMeta): string[] {
  if (meta.kind === "belongsTo") return [meta.foreignKey];
  if (meta.kind === "morphTo") return [meta.morphId, meta.morphType];
  return [];
}

/**
 * Validates a whole graph before any SQL: relation names and operations, every row's fields
 * and values at every level (keys a relation fills in may be absent), pivot values.
 */
export function checkGraph(
  session: Session,
  codec: ModelCodec,
  inputs: readonly unknown[],
  splits: Splits = new WeakMap(),
  filled = new Set<string>(),
) {
  for (const input of inputs) {
    if (!isObject(input)) {
      throw new ValidationError(`create on "${codec.meta.name}" needs an object of field values.`, codec.meta.name);
    }
    const [values, writes] = split(splits, codec, input);
    const own = new Set(filled);
    for (const [name, write] of writes) {
      const meta = codec.meta.relations.get(name)!;
      for (const key of ownerKeys(meta)) own.add(key);
      if (isPivotRelation(meta)) {
        const target = codecFor(session, meta.target);
        for (const created of write.create) {
          const pivot = ownValue(created, "pivot");
          if (pivot !== undefined) checkPivotValues(session, meta, pivotObject(meta, pivot));
          checkGraph(session, target, [withoutPivot(created)], splits);
        }
        if (write.connectInput !== undefined) write.entries = pivotEntries(session, meta, write.connectInput);
        continue;
      }
      if (meta.kind === "morphTo") {
        morphOwner(meta, write.connect?.[0]);
        continue;
      }
      const target = codecFor(session, (meta as { target: string }).target);
      if (write.connect) {
        connectKeys(target, meta.kind === "belongsTo" ? meta.ownerKey : target.meta.primaryKey[0]!, meta, write);
      }
      if (write.create.length > 0) {
        checkGraph(session, target, write.create, splits, new Set(childKeys(meta)));
      }
    }
    prepareInsert(codec, values, own);
  }
}

/** The keys a `connect` names (rows give their key field), each valid for `field` of `target`. */
function connectKeys(target: ModelCodec, field: string, meta: RelationMeta, write: RelationWrite): unknown[] {
  if (target.meta.primaryKey.length !== 1 && meta.kind !== "belongsTo") {
    throw new ValidationError(
      `Connecting through "${meta.model}.${meta.name}" needs a single primary key on "${target.meta.name}".`,
      meta.model,
      meta.name,
    );
  }
  return (write.connect ?? []).map((item) => {
    const raw = isObject(item) ? ownValue(item, field) : item;
    if (raw === undefined || raw === null) {
      throw new ValidationError(
        `Connecting "${meta.model}.${meta.name}": a "${target.meta.name}" row without its "${field}".`,
        meta.model,
        meta.name,
      );
    }
    const key = target.keyValue(field, raw);
    try {
      checkValue(target, field, key);
    } catch (error) {
      throw new ValidationError(
        `Connecting "${meta.model}.${meta.name}": ${(error as Error).message}`,
        meta.model,
        meta.name,
      );
    }
    return key;
  });
}

/** A morphTo's connect: the row (read through relata) -> [its type value, its key]. */
function morphOwner(meta: MorphToMeta, owner: unknown): [string, unknown] {
  const model = isObject(owner) ? modelOfRow(owner) : undefined;
  const target = [...meta.targets.entries()].find(([, t]) => t.model === model);
  if (!target || !isObject(owner)) {
    throw new ValidationError(
      `Connecting "${meta.model}.${meta.name}" needs a row read through relata of one of its models (${[...new Set([...meta.targets.values()].map((t) => t.model))].join(", ")}).`,
      meta.model,
      meta.name,
    );
  }
  return [target[0], ownValue(owner, target[1].ownerKey)];
}

/** Whether any input carries a nested relation write. */
export function hasNestedWrites(codec: ModelCodec, inputs: readonly unknown[]): boolean {
  if (codec.meta.relations.size === 0) return false;
  return inputs.some((input) => isObject(input) && Object.keys(input).some((key) => codec.meta.relations.has(key)));
}

/** The dotted relation paths a graph writes, for reading it back. */
function writtenPaths(
  splits: Splits,
  codec: ModelCodec,
  session: Session,
  inputs: readonly Values[],
  prefix = "",
): Set<string> {
  const paths = new Set<string>();
  for (const input of inputs) {
    for (const [name, write] of split(splits, codec, input)[1]) {
      const meta = codec.meta.relations.get(name)!;
      paths.add(prefix + name);
      if (write.create.length > 0 && meta.kind !== "morphTo") {
        const target = codecFor(session, (meta as { target: string }).target);
        const items = write.create.map(withoutPivot);
        for (const path of writtenPaths(splits, target, session, items, `${prefix}${name}.`)) paths.add(path);
      }
    }
  }
  return paths;
}

/**
 * Creates rows with their nested relation writes, level by level and batched across the rows
 * (one multi-row insert per model and level, one pivot insert per relation), then reads the
 * written relations back onto the rows as eager loading would. Validated before any SQL; one
 * transaction.
 */
export async function createGraph(
  session: Session,
  codec: ModelCodec,
  inputs: readonly Values[],
  readBack = true,
): Promise<Values[]> {
  const splits: Splits = new WeakMap();
  checkGraph(session, codec, inputs, splits);
  // A graph of created rows and many-to-many links is put together from what was written (as
  // a read would give it); anything else (connected children or owners, relations with a
  // where, keys that do not sort as numbers) is read back after writing.
  const assemble = readBack && assemblable(splits, session, codec, inputs);
  const paths = readBack && !assemble ? writtenPaths(splits, codec, session, inputs) : new Set<string>();
  return session.transaction(async (tx) => {
    const rows = await writeLevel(tx, codec, inputs, splits, assemble);
    let tree: EagerTree = new Map();
    for (const path of paths) tree = addEagerPath(tx.schema, codec.meta.name, tree, path);
    await loadRelations(tx, codec.meta.name, rows, tree);
    return rows;
  });
}

async function writeLevel(
  session: Session,
  codec: ModelCodec,
  inputs: readonly Values[],
  splits: Splits,
  assemble = false,
): Promise<Values[]> {
  const parts = inputs.map((input) => split(splits, codec, input));
  // Owners first: a belongsTo/morphTo write fills this row's own keys before it is inserted.
  for (const [name, meta] of codec.meta.relations) {
    if (meta.kind !== "belongsTo" && meta.kind !== "morphTo") continue;
    const using = parts.filter(([, writes]) => writes.has(name));
    if (using.length > 0) await writeOwners(session, meta, using, splits);
  }
  const rows = await insertRows(
    session,
    codec,
    parts.map(([values]) => values),
  );
  for (const [name, meta] of codec.meta.relations) {
    const using = parts.flatMap(([, writes], i) => (writes.has(name) ? [[rows[i]!, writes.get(name)!] as const] : []));
    if (using.length === 0 || meta.kind === "belongsTo" || meta.kind === "morphTo") continue;
    if (isPivotRelation(meta)) await writePivots(session, meta, using, splits, assemble);
    else await writeChildren(session, meta, using, splits, assemble);
    // The rows that wrote nothing through it read it as empty.
    if (assemble) for (const row of rows) if (!(name in row)) row[name] = !isToMany(meta) ? null : [];
  }
  return rows;
}

/** Pivot field kinds whose written values are what a read gives back. */
const EXACT_KINDS = new Set(["id", "integer", "string", "text", "uuid", "boolean", "timestamp"]);

/**
 * Whether the written graph can be put together from what was written (see createGraph). Not
 * when a read would show more than was written through a relation: rows connected next to
 * created rows that write deeper relations (the connected rows' own would be read too), or two
 * written relations over the same rows (a pivot table, a foreign key) that each read the other's.
 */
function assemblable(splits: Splits, session: Session, codec: ModelCodec, inputs: readonly Values[]): boolean {
  const stores = new Map<string, string>();
  const connects = new Set<string>();
  const nests = new Set<string>();
  for (const input of inputs) {
    for (const [name, write] of split(splits, codec, input)[1]) {
      const meta = codec.meta.relations.get(name)!;
      if (meta.where !== undefined) return false;
      const many = isPivotRelation(meta);
      if (!many && !(isChildRelation(meta) && write.connect === undefined)) return false;
      const target = codecFor(session, meta.target);
      const [pk, ...rest] = target.meta.primaryKey;
      if (pk === undefined || rest.length > 0 || !["id", "integer"].includes(target.field(pk).config.kind)) {
        return false;
      }
      if (many && meta.pivot.fields.some((f) => !EXACT_KINDS.has(f.config.kind))) return false;
      const store = many
        ? `pivot ${meta.pivot.table}`
        : `${meta.target} ${"foreignKey" in meta ? meta.foreignKey : meta.morphId}`;
      if ((stores.get(store) ?? name) !== name) return false;
      stores.set(store, name);
      if (write.connect !== undefined) connects.add(name);
      if (write.create.some((item) => hasNestedWrites(target, [item]))) nests.add(name);
      if (connects.has(name) && nests.has(name)) return false;
      const items = write.create.map(withoutPivot);
      if (!assemblable(splits, session, target, items)) return false;
    }
  }
  return true;
}

/** Rows in the order a read gives them: by their (integer) primary key. */
function byKey(target: ModelCodec, rows: Values[]): Values[] {
  const pk = target.meta.primaryKey[0]!;
  return rows.sort((a, b) => Number(a[pk]) - Number(b[pk]));
}

/** belongsTo / morphTo: connect an existing owner or create one, and set the row's keys. */
async function writeOwners(
  session: Session,
  meta: BelongsToMeta | MorphToMeta,
  using: readonly (readonly [Values, Map<string, RelationWrite>])[],
  splits: Splits,
) {
  if (meta.kind === "morphTo") {
    for (const [values, writes] of using) {
      const [type, id] = morphOwner(meta, writes.get(meta.name)!.connect![0]);
      values[meta.morphType] = type;
      values[meta.morphId] = id;
    }
    return;
  }
  const target = codecFor(session, meta.target);
  const creating = using.filter(([, writes]) => writes.get(meta.name)!.create.length > 0);
  const created = await writeLevel(
    session,
    target,
    creating.map(([, writes]) => writes.get(meta.name)!.create[0]!),
    splits,
  );
  creating.forEach(([values], i) => {
    values[meta.foreignKey] = created[i]![meta.ownerKey];
  });
  const connecting = using.filter(([, writes]) => writes.get(meta.name)!.connect);
  const keys = connecting.map(([, writes]) => connectKeys(target, meta.ownerKey, meta, writes.get(meta.name)!)[0]);
  await ensureExist(session, target, meta.ownerKey, keys, meta);
  connecting.forEach(([values], i) => {
    values[meta.foreignKey] = keys[i];
  });
}

/** hasOne/hasMany/morphOne/morphMany: create children pointing here, re-point connected ones. */
async function writeChildren(
  session: Session,
  meta: RelationMeta,
  using: readonly (readonly [Values, RelationWrite])[],
  splits: Splits,
  assemble: boolean,
) {
  const has = meta as ChildMeta;
  const target = codecFor(session, has.target);
  const ownership = (parent: Values): Values => childOwnership(target, has, parent[has.localKey]);
  const children = using.flatMap(([parent, write]) => write.create.map((item) => ({ ...item, ...ownership(parent) })));
  const created = children.length > 0 ? await writeLevel(session, target, children, splits, assemble) : [];
  if (assemble) {
    let next = 0;
    for (const [parent, write] of using) {
      const mine = byKey(target, created.slice(next, next + write.create.length));
      next += write.create.length;
      parent[meta.name] = !isToMany(meta) ? (mine[0] ?? null) : mine;
    }
  }
  for (const [parent, write] of using) {
    if (!write.connect) continue;
    const pk = target.meta.primaryKey[0]!;
    const keys = connectKeys(target, pk, meta, write);
    await ensureExist(session, target, pk, keys, meta);
    await updateRows(
      session,
      target,
      { ...EMPTY_STATE, wheres: [compareNode(target, false, pk, "in", keys)] },
      ownership(parent),
    );
  }
}

/** Many-to-many: create related rows and attach them, attach connected ones; one pivot insert. */
async function writePivots(
  session: Session,
  meta: BelongsToManyMeta,
  using: readonly (readonly [Values, RelationWrite])[],
  splits: Splits,
  assemble: boolean,
) {
  const target = codecFor(session, meta.target);
  const items = using.flatMap(([, write]) => write.create.map(withoutPivot));
  const created = items.length > 0 ? await writeLevel(session, target, items, splits, assemble) : [];
  const entries: [unknown, unknown, Values][] = [];
  const connected: unknown[] = [];
  /** How many entries each parent of `using` has, in order. */
  const counts: number[] = [];
  let next = 0;
  for (const [parent, write] of using) {
    const before = entries.length;
    const parentKey = parent[meta.parentKey];
    for (const item of write.create) {
      const pivot = ownValue(item, "pivot") as Values | undefined;
      const [[key, values]] = pivotEntries(session, meta, [created[next++]!], pivot ?? {}) as [[unknown, Values]];
      entries.push([parentKey, key, values]);
    }
    if (write.connectInput !== undefined) {
      // A key given twice is attached once, the later pivot values winning (as attach does).
      const merged = new Map<string | undefined, [unknown, Values]>();
      for (const [key, values] of write.entries ?? pivotEntries(session, meta, write.connectInput)) {
        merged.set(keyOf(key), [key, { ...merged.get(keyOf(key))?.[1], ...values }]);
      }
      for (const [key, values] of merged.values()) {
        entries.push([parentKey, key, values]);
        connected.push(key);
      }
    }
    counts.push(entries.length - before);
  }
  const keys = [...new Set(connected)];
  // Assembling needs the connected rows themselves: read them instead of checking their keys.
  const found = assemble ? await relatedRows(session, meta, target, keys) : undefined;
  if (!assemble) await ensureRelatedExist(session, meta, keys);
  const written = await insertPivotRows(session, meta, entries);
  if (!found) return;
  // Each parent's related rows, with the pivot values as written (a read decodes the same).
  const pivotFields = exposedPivotFields(meta);
  let createdAt = 0;
  let at = 0;
  for (const [index, [parent, write]] of using.entries()) {
    const list: Values[] = [];
    for (let i = 0; i < counts[index]!; i++, at++) {
      const [, key] = entries[at]!;
      const row = i < write.create.length ? created[createdAt++]! : target.copy(found.get(keyOf(key))!);
      const values = written[at]!;
      const pivot: Values = {};
      for (const field of pivotFields) {
        const value = values[field];
        pivot[field] = typeof value === "string" && pivotKind(meta, field) === "timestamp" ? new Date(value) : value;
      }
      row.pivot = pivot;
      list.push(row);
    }
    parent[meta.name] = byKey(target, list);
  }
}

/** The kind of a pivot field (or key column). */
function pivotKind(meta: BelongsToManyMeta, field: string): string | undefined {
  return meta.pivot.fields.find((f) => f.name === field)?.config.kind;
}

/** The rows a many-to-many connect names, by their related key; a missing one is a ValidationError. */
async function relatedRows(session: Session, meta: BelongsToManyMeta, target: ModelCodec, keys: readonly unknown[]) {
  const found = new Map<string | undefined, Values>();
  const perStatement = Math.max(1, session.profile.maxParameters - 100);
  for (let i = 0; i < keys.length; i += perStatement) {
    const chunk = keys.slice(i, i + perStatement).map((k) => target.keyValue(meta.relatedKey, k));
    const state = { ...EMPTY_STATE, wheres: [compareNode(target, false, meta.relatedKey, "in", chunk)] };
    for (const row of await readRows(session, target, state)) found.set(keyOf(row[meta.relatedKey]), row);
  }
  const missing = keys.filter((k) => !found.has(keyOf(k)));
  if (missing.length > 0) throw notRelated(meta, missing);
  return found;
}

/** Every key must name a row of `target`: otherwise a ValidationError naming the relation. */
async function ensureExist(
  session: Session,
  target: ModelCodec,
  field: string,
  keys: readonly unknown[],
  meta: RelationMeta,
) {
  const missing = await missingKeys(session, target, field, keys);
  if (missing.length > 0) {
    throw new ValidationError(
      `Cannot connect "${meta.model}.${meta.name}": no "${target.meta.name}" with ${field} ${missing.map(String).join(", ")}.`,
      meta.model,
      meta.name,
    );
  }
}
