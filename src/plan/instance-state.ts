import type { Session } from "../dialect/session.js";
import type { ModelMeta } from "../schema/meta.js";

/**
 * What relata remembers of a class model's instance it read (issue 14): the field values as
 * read, for dirty tracking (`save()` writes the changed fields only), and the rows read with it
 * (a multi-row read), for lazy-loading protection and the N+1 detector. Kept for class models
 * only: plain rows pay nothing.
 */
export interface InstanceState {
  /** The field values as last read or written. */
  original: Record<string, unknown>;
  /** The rows one read returned with this one, when it returned more than one. */
  siblings: readonly object[] | undefined;
  /** The session (db or transaction) that read or wrote it: its writes go through that db. */
  session: Session | undefined;
}

const states = new WeakMap<object, InstanceState>();

/** The state of an instance relata read or saved; undefined for one built with `new` and not saved. */
export function instanceState(row: object): InstanceState | undefined {
  return states.get(row);
}

/** Remembers a row's field values as the database holds them (read or just written). */
export function rememberRow(meta: ModelMeta, row: Record<string, unknown>): void {
  const original: Record<string, unknown> = {};
  for (const field of meta.fieldNames) {
    if (field in row) original[field] = snapshot(row[field]);
  }
  const state = states.get(row);
  if (state) state.original = original;
  else states.set(row, { original, siblings: undefined, session: undefined });
}

/**
 * Records the session that read (or wrote) these rows, and, when there are several, that they
 * were read together: each knows its siblings.
 */
export function adoptRows(rows: readonly object[], session: Session, together = true): void {
  const siblings = together && rows.length > 1 ? rows : undefined;
  for (const row of rows) {
    const state = states.get(row);
    if (state) {
      state.session = session;
      state.siblings = siblings;
    }
  }
}

/**
 * Records values a write just stored for rows relata already knows (a relation write's keys):
 * they are no longer changes for `save()`. Rows that are no class model's instances are skipped.
 */
export function rememberWritten(rows: readonly object[], values: Readonly<Record<string, unknown>>): void {
  for (const row of rows) {
    const state = states.get(row);
    if (!state) continue;
    for (const [field, value] of Object.entries(values)) state.original[field] = snapshot(value);
  }
}

/** Forgets a deleted instance: saving it again inserts it. */
export function forgetRow(row: object): void {
  states.delete(row);
}

/** A copy of a value that a later in-place change (a Date's setTime, a JSON object's key) does not reach. */
function snapshot(value: unknown): unknown {
  if (value instanceof Date) return new Date(value.getTime());
  if (typeof value === "object" && value !== null) return structuredClone(value);
  return value;
}

/**
 * The fields of `row` a save would write, with their values: those changed since `original` (a
 * field not remembered counts as changed), or every field it holds when there is no original.
 */
export function dirtyValues(
  meta: ModelMeta,
  row: Readonly<Record<string, unknown>>,
  original: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  const dirty: Record<string, unknown> = {};
  for (const field of meta.fieldNames) {
    if (field in row && (!original || !(field in original) || changed(original[field], row[field]))) {
      dirty[field] = row[field];
    }
  }
  return dirty;
}

/** Whether a field's value differs from the one remembered (Dates by time, JSON by content). */
export function changed(before: unknown, after: unknown): boolean {
  if (Object.is(before, after)) return false;
  if (before instanceof Date && after instanceof Date) return before.getTime() !== after.getTime();
  if (typeof before === "object" && before !== null && typeof after === "object" && after !== null) {
    return JSON.stringify(before) !== JSON.stringify(after);
  }
  return true;
}
