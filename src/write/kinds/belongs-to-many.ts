import type { Session } from "../../dialect/session.js";
import { ValidationError } from "../../errors.js";
import { withoutHidden } from "../../loader/hidden.js";
import { loadRelations } from "../../loader/load-relations.js";
import { readRows } from "../../loader/read.js";
import { checkOwnKey, describeValue, ownValue } from "../../plan/arguments.js";
import { codecFor, type ModelCodec } from "../../plan/model-codec.js";
import { EMPTY_STATE, type QueryState } from "../../plan/state.js";
import { checkValue } from "../../plan/validate.js";
import { compareNode, type WhereNode } from "../../plan/where.js";
import { keyOf } from "../../relations/fetch.js";
import { exposedPivotFields, pivotAccessor, pivotCodec } from "../../relations/pivot.js";
import type { BelongsToManyMeta } from "../../schema/meta.js";
import {
  type AttachInput,
  checkPivotValues,
  ensureRelatedExist,
  insertPivotRows,
  notRelated,
  type PivotEntry,
  PivotRows,
  PivotWriter,
  pivotEntries,
  runPivotWrites,
  type SyncResult,
} from "../pivot-writes.js";
import { insertRows, updateRows } from "../writes.js";
import type { GraphStep, RelationWriter, UpsertRequest, Using, Values } from "./kind.js";
import { byKey, isObject, label, nestedWrite } from "./shared.js";
import { NO_WRITES } from "./unsupported.js";

/** Whether a many-to-many `connect` is a `{ key: pivotValues }` map (not a row, which has the related key). */
const isConnectMap = (meta: BelongsToManyMeta, connect: unknown): boolean =>
  isObject(connect) && !Object.hasOwn(connect, meta.relatedKey);

/** A many-to-many create item without its `pivot` values (own keys only). */
export function withoutPivot(item: Values): Values {
  const { pivot: _, ...rest } = item;
  return rest;
}

/** The `pivot` of a many-to-many create item: an object of pivot values. */
function pivotObject(meta: BelongsToManyMeta, pivot: unknown): Values {
  if (!isObject(pivot)) {
    throw new ValidationError(
      `${label(meta)}: the pivot of a created row takes an object of pivot values, got ${describeValue(pivot)}.`,
      meta.model,
      meta.name,
    );
  }
  return pivot;
}

/** Pivot field kinds whose written values are what a read gives back. */
const EXACT_KINDS = new Set(["id", "integer", "string", "text", "uuid", "boolean", "timestamp"]);

/** The kind of a pivot field (or key column). */
function pivotKind(meta: BelongsToManyMeta, field: string): string | undefined {
  return meta.pivot.fields.find((f) => f.name === field)?.config.kind;
}

/**
 * The entries with each key once (the last values win, merged over the earlier ones), in
 * first-seen order, each with its key text. Entries whose keys are all different come back as
 * they are (pivotEntries made their values objects).
 */
function uniqueEntries(entries: readonly [unknown, Values][]): [unknown, Values, string][] {
  const out: [unknown, Values, string][] = new Array(entries.length);
  const seen = new Set<string>();
  for (let i = 0; i < entries.length; i++) {
    const [key, values] = entries[i]!;
    const id = keyOf(key)!;
    if (seen.has(id)) return mergedEntries(entries);
    seen.add(id);
    out[i] = [key, values, id];
  }
  return out;
}

function mergedEntries(entries: readonly [unknown, Values][]): [unknown, Values, string][] {
  const byKey = new Map<string, [unknown, Values, string]>();
  for (const [key, values] of entries) {
    const id = keyOf(key)!;
    byKey.set(id, [key, { ...byKey.get(id)?.[1], ...values }, id]);
  }
  return [...byKey.values()];
}

/** Whether two pivot values are the same: dates by time, other values by JSON. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof Date || b instanceof Date) return new Date(a as Date).getTime() === new Date(b as Date).getTime();
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Whether any of `values` differs from `stored`. */
function changes(stored: Values, values: Values): boolean {
  for (const field in values) {
    if (!Object.hasOwn(values, field)) continue;
    const value = values[field];
    if (value !== undefined && !same(stored[field], value)) return true;
  }
  return false;
}

/** Whether the pivot values a write stores are what a read gives back (every pivot field of an exact kind). */
const storesExactly = (meta: BelongsToManyMeta) => meta.pivot.fields.every((f) => EXACT_KINDS.has(f.config.kind));

/** Pivot rows as written (by field) as a read gives them: the exposed fields, timestamps as Dates. */
function pivotsAsRead(meta: BelongsToManyMeta): (written: Values) => Values {
  const fields = exposedPivotFields(meta);
  const timestamps = fields.map((field) => pivotKind(meta, field) === "timestamp");
  return (written) => {
    const pivot: Values = {};
    for (let i = 0; i < fields.length; i++) {
      const value = written[fields[i]!];
      pivot[fields[i]!] = typeof value === "string" && timestamps[i] ? new Date(value) : value;
    }
    return pivot;
  };
}

/** The keys a sync-family write takes: null is none (`syncWithoutDetaching(null)`). */
const syncInput = (input: AttachInput): AttachInput => (input === null ? [] : input);

/** The fields of `values` checked against the related model before any SQL (own keys, known fields, their types). */
function checkRowValues(target: ModelCodec, action: string, name: string, values: Values): void {
  for (const [field, value] of Object.entries(values)) {
    checkOwnKey(target.meta.name, field);
    if (value === undefined) continue;
    try {
      checkValue(target, field, value);
    } catch (error) {
      throw new ValidationError(`${action} (${name}): ${(error as Error).message}`, target.meta.name, field);
    }
  }
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

/**
 * Whether a few entries' keys are all different by `===`: primitives of one type, which
 * compare as their key text does. Anything else (many entries, mixed types, objects) is
 * merged by key text instead.
 */
function distinctKeys(entries: readonly [unknown, Values][]): boolean {
  if (entries.length > 32) return false;
  const type = typeof entries[0]?.[0];
  if (type !== "number" && type !== "string" && type !== "bigint") return entries.length === 0;
  for (let i = 0; i < entries.length; i++) {
    const key = entries[i]![0];
    if (typeof key !== type || (type === "number" && Number.isNaN(key))) return false;
    for (let j = 0; j < i; j++) if (entries[j]![0] === key) return false;
  }
  return true;
}

/** Nested write: create related rows and attach them, attach connected ones; one pivot insert. */
async function writePivots(step: GraphStep, meta: BelongsToManyMeta, using: Using) {
  const { session, assemble } = step;
  const target = codecFor(session, meta.target);
  const items = using.flatMap(([, write]) => write.create.map(withoutPivot));
  const created = items.length > 0 ? await step.write(target, items) : [];
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
    const connects =
      write.connectInput === undefined ? [] : (write.entries ?? pivotEntries(session, meta, write.connectInput));
    if (!write.found?.length && distinctKeys(connects)) {
      for (const [key, values] of connects) {
        entries.push([parentKey, key, values]);
        connected.push(key);
      }
      counts.push(entries.length - before);
      continue;
    }
    // A key given twice is attached once, the later pivot values winning (as attach does).
    const merged = new Map<string | undefined, [unknown, Values]>();
    for (const [key, values] of connects) {
      const id = keyOf(key);
      const earlier = merged.get(id);
      merged.set(id, [key, earlier ? { ...earlier[1], ...values } : values]);
    }
    const given = merged.size;
    // Rows a connectOrCreate found were just read: attached without a second look.
    if (write.found && write.found.length > 0) {
      for (const [key, values] of pivotEntries(session, meta, write.found)) {
        if (!merged.has(keyOf(key))) merged.set(keyOf(key), [key, values]);
      }
    }
    // The connected keys come first in `merged`: the found ones follow them.
    let index = 0;
    for (const [key, values] of merged.values()) {
      entries.push([parentKey, key, values]);
      if (index++ < given) connected.push(key);
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
  const accessor = pivotAccessor(meta);
  const pivotAsRead = pivotsAsRead(meta);
  let createdAt = 0;
  let at = 0;
  for (let index = 0; index < using.length; index++) {
    const [parent, write] = using[index]!;
    const list: Values[] = new Array(counts[index]!);
    for (let i = 0; i < list.length; i++, at++) {
      const row = i < write.create.length ? created[createdAt++]! : target.copy(found.get(keyOf(entries[at]![1]))!);
      row[accessor] = pivotAsRead(written[at]!);
      list[i] = row;
    }
    parent[meta.name] = byKey(target, list);
  }
}

/**
 * firstOrCreate / updateOrCreate through a many-to-many relation, in one transaction: the
 * parent's related row matching `attributes` (under the handle's conditions); else the related
 * model's first row matching them, or one created with `attributes` and `values`, attached
 * with `pivotValues`. updateOrCreate also sets `values` (and `pivotValues`) on a row it finds.
 */
async function upsertRelated(
  session: Session,
  meta: BelongsToManyMeta,
  parent: Values,
  state: QueryState,
  { action, attributes, values, pivotValues = {} }: UpsertRequest,
): Promise<Values> {
  const target = codecFor(session, meta.target);
  // Everything is checked before the first statement: the parent's key, the pivot values, the row's values.
  const parentKey = new PivotWriter(session, meta, parent).parentKey;
  const pivot = checkPivotValues(session, meta, pivotValues);
  const match: WhereNode = {
    type: "group",
    or: false,
    not: false,
    nodes: Object.entries(attributes).map(([field, value]) => compareNode(target, false, field, "=", value)),
  };
  checkRowValues(target, action, "attributes", attributes);
  checkRowValues(target, action, "values", values);
  const update = action === "updateOrCreate" && Object.values(values).some((v) => v !== undefined);
  const updatePivot = action === "updateOrCreate" && Object.keys(pivot).length > 0;
  const related = (tx: Session, wheres: readonly WhereNode[]) =>
    belongsToMany.read!(tx, meta, parent, { ...state, wheres, limit: 1, offset: undefined });
  const byKey = (key: unknown) => compareNode(target, false, meta.relatedKey, "=", key);
  const pivots = (tx: Session) => new PivotWriter(tx, meta, parent);
  return session.transaction(async (tx) => {
    // The handle's conditions as one group, so an orWhere among them cannot escape the match.
    const mine: WhereNode[] =
      state.wheres.length > 0 ? [{ type: "group", or: false, not: false, nodes: state.wheres }] : [];
    const [found] = await related(tx, [...mine, match]);
    if (found) {
      if (!update && !updatePivot) return found;
      const key = found[meta.relatedKey];
      if (update) await updateRows(tx, target, { ...EMPTY_STATE, wheres: [byKey(key)] }, values);
      if (updatePivot) await pivots(tx).update(pivotKeyOf(tx, meta, found), pivot);
      return (await related(tx, [byKey(key)]))[0]!;
    }
    const [existing] = await readRows(tx, target, { ...EMPTY_STATE, wheres: [match], limit: 1 });
    // Under the handle's own conditions a row may be attached without being found: not twice.
    const attached =
      existing && mine.length > 0
        ? (await pivots(tx).state([pivotKeyOf(tx, meta, existing)], false)).current.size > 0
        : false;
    if (existing && update)
      await updateRows(tx, target, { ...EMPTY_STATE, wheres: [byKey(existing[meta.relatedKey])] }, values);
    if (existing && attached) {
      if (updatePivot) await pivots(tx).update(pivotKeyOf(tx, meta, existing), pivot);
      return (await related(tx, [byKey(existing[meta.relatedKey])]))[0] ?? existing;
    }
    const row = existing ?? (await insertRows(tx, target, [{ ...attributes, ...values }]))[0]!;
    const [written] = await insertPivotRows(tx, meta, [[parentKey, pivotKeyOf(tx, meta, row), pivot]]);
    if (update || !storesExactly(meta)) return (await related(tx, [byKey(row[meta.relatedKey])]))[0]!;
    row[pivotAccessor(meta)] = pivotsAsRead(meta)(written!);
    return withoutHidden(tx, target.meta.name, row);
  });
}

/** A related row's key as the pivot column holds it. */
function pivotKeyOf(session: Session, meta: BelongsToManyMeta, row: Values): unknown {
  return pivotCodec(session, meta).keyValue(meta.pivot.relatedKey.name, row[meta.relatedKey]);
}

/**
 * belongsToMany, morphToMany, morphedByMany: a pivot row links the two. Nested writes create
 * related rows and attach them or attach connected ones (one pivot insert); `related()` reads
 * the rows with `row.pivot` and has the attach family; deleteWith deletes the pivot rows.
 */
export const belongsToMany: RelationWriter<BelongsToManyMeta> = {
  ...NO_WRITES,
  nested: (meta, value) =>
    nestedWrite(meta, value, {
      shape:
        "{ create: [...] }, { connect: keys | rows | { key: pivotValues } } and/or { connectOrCreate: [{ where, create }] }",
      connectMap: (connect) => isConnectMap(meta, connect),
    }),
  beforeRow: false,
  ownKeys: () => [],
  checkNested(step, meta, write) {
    const target = codecFor(step.session, meta.target);
    for (const created of write.create) {
      const pivot = ownValue(created, "pivot");
      if (pivot !== undefined) checkPivotValues(step.session, meta, pivotObject(meta, pivot));
      step.check(target, [withoutPivot(created)]);
    }
    if (write.connectInput === undefined) return;
    // A `{ key: pivotValues }` map's keys were listed by the split: not listed again.
    const keys = isConnectMap(meta, write.connectInput) ? (write.connect as string[]) : undefined;
    write.entries = pivotEntries(step.session, meta, write.connectInput, {}, keys);
  },
  store: (meta) => (storesExactly(meta) ? `pivot ${meta.pivot.table}` : undefined),
  writeNested: writePivots,

  /** One parent's rows as eager loading reads them (one query joining the pivot), with `row.pivot`; a limit is the parent's. */
  async read(session, meta, parent, state: QueryState) {
    const holder: Values = { ...parent };
    const constraint: QueryState = { ...state, scope: EMPTY_STATE.scope };
    await loadRelations(
      session,
      meta.model,
      [holder],
      new Map([[meta.name, { relation: meta.name, state: constraint }]]),
    );
    return holder[meta.name] as Values[];
  },
  newRow: () => ({}),
  pivot: (session, meta) => pivotCodec(session, meta),

  // The attach family reads once (which keys are related rows, which are attached: one
  // statement), then writes: one statement by itself, several in one transaction.
  async attach(session, meta, parent, input: AttachInput, values) {
    const pivots = new PivotWriter(session, meta, parent);
    const entries = uniqueEntries(pivots.entries(input, values));
    if (entries.length === 0) return [];
    const { missing, current } = await pivots.state(
      entries.map(([key]) => key),
      false,
    );
    if (missing.length > 0) throw notRelated(meta, missing);
    const fresh = entries.filter(([, , id]) => !current.has(id));
    await runPivotWrites(session, meta, pivots.inserts(fresh));
    return fresh.map(([key]) => key);
  },
  async detach(session, meta, parent, input) {
    const pivots = new PivotWriter(session, meta, parent);
    return pivots.delete(input === undefined ? undefined : pivots.entries(input).map(([key]) => key));
  },
  // One read and one statement per kind of write for all the parents (sync or syncMany).
  async sync(session, meta, list, detaching, action) {
    const rows = new PivotRows(
      session,
      meta,
      list.map(([parent]) => parent),
    );
    const seen = new Set<string>();
    for (const parent of rows.parentKeys) {
      if (seen.has(keyOf(parent)!)) {
        throw new ValidationError(
          `${action} on "${meta.model}.${meta.name}" is given the ${meta.model} with ${meta.parentKey} ${String(parent)} twice; give each row once.`,
          meta.model,
          meta.parentKey,
        );
      }
      seen.add(keyOf(parent)!);
    }
    const wanted = list.map(([, input]) => uniqueEntries(rows.entries(syncInput(input))));
    const keys = wanted.flatMap((entries) => entries.map(([key]) => key));
    if (keys.length === 0 && !detaching) return list.map(() => ({ attached: [], detached: [], updated: [] }));
    const { missing, current } = await rows.state(keys, detaching);
    if (missing.length > 0) throw notRelated(meta, missing);
    const detach: [unknown, unknown][] = [];
    const inserts: PivotEntry[] = [];
    const changed: PivotEntry[] = [];
    const results = rows.parentKeys.map((parent, i): SyncResult => {
      const entries = wanted[i]!;
      const mine = current.get(keyOf(parent)!);
      const attached: unknown[] = [];
      const updated: unknown[] = [];
      for (const [key, values, id] of entries) {
        const stored = mine?.get(id);
        if (stored === undefined) {
          attached.push(key);
          inserts.push([parent, key, values]);
        } else if (changes(stored[1], values)) {
          // A kept key is updated (and listed) only when a value given differs from the stored one.
          updated.push(key);
          changed.push([parent, key, values]);
        }
      }
      const detached: unknown[] = [];
      if (detaching && mine !== undefined && mine.size > 0) {
        const want = new Set<string>();
        for (const [, , id] of entries) want.add(id);
        for (const [id, [key]] of mine) {
          if (want.has(id)) continue;
          detached.push(key);
          detach.push([parent, key]);
        }
      }
      return { attached, detached, updated };
    });
    await runPivotWrites(session, meta, [
      ...rows.deletions(detach),
      ...rows.inserts(inserts),
      ...rows.changes(changed),
    ]);
    return results;
  },
  async toggle(session, meta, parent, input) {
    const pivots = new PivotWriter(session, meta, parent);
    const entries = uniqueEntries(pivots.entries(syncInput(input)));
    if (entries.length === 0) return { attached: [], detached: [] };
    const { missing, current } = await pivots.state(
      entries.map(([key]) => key),
      false,
    );
    const detached = entries.filter(([, , id]) => current.has(id)).map(([key]) => key);
    const fresh = entries.filter(([, , id]) => !current.has(id));
    // Only the keys to attach must be related rows; attached ones are detached whatever they point at.
    const absent = missing.filter((key) => !current.has(keyOf(key)!));
    if (absent.length > 0) throw notRelated(meta, absent);
    await runPivotWrites(session, meta, [
      ...(detached.length > 0 ? [pivots.deletion(detached)] : []),
      ...pivots.inserts(fresh),
    ]);
    return { attached: fresh.map(([key]) => key), detached };
  },
  async updateExistingPivot(session, meta, parent, key, values) {
    const pivots = new PivotWriter(session, meta, parent);
    const [[k, v]] = pivots.entries(key, values) as [[unknown, Values]];
    return pivots.update(k, v);
  },
  upsert: upsertRelated,
  deleteWith: (meta) => (session, parent) => new PivotWriter(session, meta, parent).delete(),
};
