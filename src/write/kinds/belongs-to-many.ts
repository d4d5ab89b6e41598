import type { Session } from "../../dialect/session.js";
import { ValidationError } from "../../errors.js";
import { loadRelations } from "../../loader/load-relations.js";
import { readRows } from "../../loader/read.js";
import { describeValue, ownValue } from "../../plan/arguments.js";
import { codecFor, type ModelCodec } from "../../plan/model-codec.js";
import { EMPTY_STATE, type QueryState } from "../../plan/state.js";
import { compareNode } from "../../plan/where.js";
import { keyOf } from "../../relations/fetch.js";
import { exposedPivotFields } from "../../relations/pivot.js";
import type { BelongsToManyMeta } from "../../schema/meta.js";
import {
  type AttachInput,
  checkPivotValues,
  ensureRelatedExist,
  insertPivotRows,
  notRelated,
  PivotWriter,
  pivotEntries,
} from "../pivot-writes.js";
import type { GraphStep, RelationWriter, Using, Values } from "./kind.js";
import { byKey, isObject, label, nestedWrite } from "./shared.js";
import { NO_WRITES } from "./unsupported.js";

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

/** The entries with each key once (the last values win), in first-seen order. */
function uniqueEntries(entries: readonly [unknown, Values][]): [unknown, Values][] {
  const byKey = new Map<string, [unknown, Values]>();
  for (const [key, values] of entries) byKey.set(keyOf(key)!, [key, { ...byKey.get(keyOf(key)!)?.[1], ...values }]);
  return [...byKey.values()];
}

/** Whether any of `values` differs from `stored` (dates by time, other values by JSON). */
function changes(stored: Values, values: Values): boolean {
  const same = (a: unknown, b: unknown) =>
    a instanceof Date || b instanceof Date
      ? new Date(a as Date).getTime() === new Date(b as Date).getTime()
      : JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  return Object.entries(values).some(([field, value]) => !same(stored[field], value));
}

/** Runs `fn` with the parent's pivot writer inside one transaction. */
function inTransaction<T>(
  session: Session,
  meta: BelongsToManyMeta,
  parent: Values,
  fn: (pivots: PivotWriter) => Promise<T>,
): Promise<T> {
  return session.transaction((tx) => fn(new PivotWriter(tx, meta, parent)));
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

/**
 * belongsToMany, morphToMany, morphedByMany: a pivot row links the two. Nested writes create
 * related rows and attach them or attach connected ones (one pivot insert); `related()` reads
 * the rows with `row.pivot` and has the attach family; deleteWith deletes the pivot rows.
 */
export const belongsToMany: RelationWriter<BelongsToManyMeta> = {
  ...NO_WRITES,
  nested: (meta, value) =>
    nestedWrite(meta, value, {
      shape: "{ create: [...] } and/or { connect: keys | rows | { key: pivotValues } }",
      connectMap: (connect) => !Object.hasOwn(connect, meta.relatedKey),
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
    if (write.connectInput !== undefined) write.entries = pivotEntries(step.session, meta, write.connectInput);
  },
  store: (meta) =>
    meta.pivot.fields.every((f) => EXACT_KINDS.has(f.config.kind)) ? `pivot ${meta.pivot.table}` : undefined,
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
  async attach(session, meta, parent, input: AttachInput, values) {
    const entries = new PivotWriter(session, meta, parent).entries(input, values);
    return inTransaction(session, meta, parent, async (pivots) => {
      await pivots.ensureExist(entries.map(([key]) => key));
      const attached = new Set((await pivots.current()).map(keyOf));
      const fresh = uniqueEntries(entries).filter(([key]) => !attached.has(keyOf(key)));
      return pivots.insert(fresh);
    });
  },
  async detach(session, meta, parent, input) {
    const pivots = new PivotWriter(session, meta, parent);
    return pivots.delete(input === undefined ? undefined : pivots.entries(input).map(([key]) => key));
  },
  async sync(session, meta, parent, input, detaching) {
    const entries = uniqueEntries(new PivotWriter(session, meta, parent).entries(input));
    return inTransaction(session, meta, parent, async (pivots) => {
      await pivots.ensureExist(entries.map(([key]) => key));
      const stored = await pivots.currentValues();
      const current = [...stored.values()].map(([key]) => key);
      const wanted = new Set(entries.map(([key]) => keyOf(key)));
      const had = new Set(current.map(keyOf));
      const detached = detaching ? current.filter((key) => !wanted.has(keyOf(key))) : [];
      await pivots.delete(detached);
      const attached = await pivots.insert(entries.filter(([key]) => !had.has(keyOf(key))));
      const updated: unknown[] = [];
      // A kept key is updated (and listed) only when a value given differs from the stored one.
      for (const [key, values] of entries) {
        const before = stored.get(keyOf(key)!)?.[1];
        if (before && changes(before, values) && (await pivots.update(key, values)) > 0) updated.push(key);
      }
      return { attached, detached, updated };
    });
  },
  async toggle(session, meta, parent, input) {
    const entries = uniqueEntries(new PivotWriter(session, meta, parent).entries(input));
    return inTransaction(session, meta, parent, async (pivots) => {
      const had = new Set((await pivots.current()).map(keyOf));
      const detached = entries.filter(([key]) => had.has(keyOf(key))).map(([key]) => key);
      const fresh = entries.filter(([key]) => !had.has(keyOf(key)));
      await pivots.ensureExist(fresh.map(([key]) => key));
      await pivots.delete(detached);
      return { attached: await pivots.insert(fresh), detached };
    });
  },
  async updateExistingPivot(session, meta, parent, key, values) {
    const pivots = new PivotWriter(session, meta, parent);
    const [[k, v]] = pivots.entries(key, values) as [[unknown, Values]];
    return pivots.update(k, v);
  },
  deleteWith: (meta) => (session, parent) => new PivotWriter(session, meta, parent).delete(),
};
