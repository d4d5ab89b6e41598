import { fileURLToPath } from "node:url";
import { LazyLoadingViolationError, ValidationError } from "../../errors.js";
import { instanceState } from "../../plan/instance-state.js";
import type { ModelMeta } from "../../schema/meta.js";
import { resolveInstance } from "./model.js";

/** What the N+1 detector reports: one relation read row by row over rows read together. */
export interface NPlusOneReport {
  readonly model: string;
  readonly relation: string;
  /** How many rows the read that returned them gave. */
  readonly rows: number;
  /** How many of them have called the relation's accessor so far (reported at 2). */
  readonly calls: number;
  /** Where the second call came from: the first stack frame outside relata. */
  readonly location: string | undefined;
  readonly message: string;
}

/** The detector's setting per root session's db: off, warn on the console, or a callback. */
export type NPlusOneOption = boolean | ((report: NPlusOneReport) => void);

const ACCESSOR = Symbol("relata.accessor");

/**
 * Gives a class model's prototype a method per relation it declares (unless the class has a
 * member of that name): `post.comments()` returns `db.post.related(post, "comments")` through
 * the db the instance uses now. A loaded relation's value (an own property of the instance)
 * stands in front of its method; `related("comments")` always reaches the handle.
 */
export function installAccessors(meta: ModelMeta): void {
  const proto = meta.modelClass?.prototype as Record<PropertyKey, unknown> | undefined;
  if (!proto) return;
  for (const relation of meta.relations.keys()) {
    if (relation in proto) continue;
    const accessor = function (this: object, ...args: unknown[]) {
      if (args.length > 0) {
        throw new ValidationError(
          `${meta.name}.${relation}() takes no arguments; chain the query on what it returns.`,
          meta.name,
        );
      }
      return relationAccessor(this, relation);
    };
    Object.defineProperty(accessor, ACCESSOR, { value: relation });
    Object.defineProperty(proto, relation, { value: accessor, writable: true, configurable: true });
  }
}

/** Detector settings by the session of the db they were given to (transactions look up their root). */
const detectors = new WeakMap<object, (report: NPlusOneReport) => void>();

/** Turns the N+1 detector on for a db's session (`createDb({ detectNPlusOne })`). */
export function setNPlusOneDetector(session: object, option: NPlusOneOption | undefined): void {
  if (option === undefined || option === false) return;
  detectors.set(session, option === true ? (report) => console.warn(report.message) : option);
}

/** Calls per relation over each set of rows read together. */
const calls = new WeakMap<readonly object[], Map<string, number>>();

/**
 * A relation's handle for an instance, after the lazy-loading checks (`guardLazy`).
 */
export function relationAccessor(instance: object, relation: string): unknown {
  const { db, model } = guardLazy(instance, relation);
  return db[model].related(instance, relation);
}

/**
 * The checks a relation accessor makes before it reads: on an instance from a multi-row read,
 * `preventLazyLoading` makes the call a LazyLoadingViolationError, and the N+1 detector
 * reports the second such call over the same rows. Returns what the instance resolves to.
 */
export function guardLazy(instance: object, relation: string): ReturnType<typeof resolveInstance> {
  const resolved = resolveInstance(instance);
  const siblings = instanceState(instance)?.siblings;
  if (siblings) {
    const { meta, session } = resolved;
    if (meta.preventLazyLoading) throw new LazyLoadingViolationError(meta.name, relation);
    const detect = detectors.get(session.root);
    if (detect) count(detect, meta, relation, siblings);
  }
  return resolved;
}

function count(detect: (report: NPlusOneReport) => void, meta: ModelMeta, relation: string, rows: readonly object[]) {
  let byRelation = calls.get(rows);
  if (!byRelation) {
    byRelation = new Map();
    calls.set(rows, byRelation);
  }
  const n = (byRelation.get(relation) ?? 0) + 1;
  byRelation.set(relation, n);
  if (n !== 2) return;
  const location = callerLocation();
  detect({
    model: meta.name,
    relation,
    rows: rows.length,
    calls: n,
    location,
    message: `relata: N+1 queries: ${meta.name}.${relation}() called row by row on ${rows.length} "${meta.name}" rows read together${location ? ` (at ${location})` : ""}; load it with the read: .with("${relation}").`,
  });
}

/** relata's own files (src/ or dist/): stack frames in them are not the caller. */
const OWN_ROOT = fileURLToPath(new URL("../../", import.meta.url));

function callerLocation(): string | undefined {
  const frames = (new Error().stack ?? "").split("\n").slice(1);
  for (const frame of frames) {
    if (frame.includes(OWN_ROOT) || frame.includes("node:internal") || frame.includes("(native)")) continue;
    const at = frame.trim().replace(/^at /, "");
    return at.includes("(") ? at.slice(at.indexOf("(") + 1, at.lastIndexOf(")")) : at;
  }
  return undefined;
}
