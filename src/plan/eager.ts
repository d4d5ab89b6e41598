import { RelationNotFoundError, ValidationError } from "../errors.js";
import type { Schema } from "../schema/define-schema.js";
import type { RelationMeta } from "../schema/meta.js";
import { type EagerNode, type EagerTree, EMPTY_STATE, type QueryState } from "./state.js";

/** Builds the constraint state of a relation from a user callback (given the relation's metadata). */
export type Constrain = (relation: RelationMeta) => QueryState;

/** The models a relation's rows belong to (several for morphTo). */
export function targetModels(meta: RelationMeta): string[] {
  return meta.kind === "morphTo" ? [...new Set([...meta.targets.values()].map((t) => t.model))] : [meta.target];
}

/**
 * A morphTo level keeps what `morphWith` / `constrain` give each of its target models in
 * `QueryState.perType`: a state per model name (its constraint, and the relations to load below
 * rows of that model). The level's own state holds what applies to every target
 * (`with("commentable.comments")`).
 */
type MorphLevelState = QueryState;

/** The per-model states of a morphTo level (undefined when it has none). */
function perTypeOf(state: QueryState): ReadonlyMap<string, QueryState> | undefined {
  return state.perType;
}

/** A morphTo level's state with a constraint per target model (`morphWith` / `constrain`). */
export function morphLevelState(perType: ReadonlyMap<string, QueryState>): QueryState {
  const state: MorphLevelState = { ...EMPTY_STATE, perType };
  return state;
}

/**
 * The state rows of `model` are loaded with at a level: the level's own state, or for a morphTo
 * level the constraint given to that target model, with the relations every target loads.
 */
export function typeState(state: QueryState, model: string): QueryState {
  const own = perTypeOf(state)?.get(model);
  if (!own) return state;
  return { ...own, eager: mergeTrees(state.eager, own.eager) };
}

/** A state with nothing to load below it, per target model too (loadMissing's first pass). */
export function withoutEager(state: QueryState): QueryState {
  const perType = perTypeOf(state);
  const shallow: MorphLevelState = { ...state, eager: new Map() };
  if (!perType) return shallow;
  const each = new Map([...perType].map(([model, own]) => [model, { ...own, eager: new Map() }] as const));
  const result: MorphLevelState = { ...shallow, perType: each };
  return result;
}

/** Two states of one level: the right side's constraint wins, the relations below merge (per target model too). */
function mergeStates(left: QueryState, right: QueryState): QueryState {
  // Nothing to merge into (a constrained path's first mention): the constraint's state as it is.
  if (left === EMPTY_STATE) return right;
  const merged: MorphLevelState = { ...right, eager: mergeTrees(left.eager, right.eager) };
  const mine = perTypeOf(left);
  const theirs = perTypeOf(right);
  if (!mine) return merged;
  const perType = new Map(mine);
  for (const [model, own] of theirs ?? []) perType.set(model, mergeStates(mine.get(model) ?? EMPTY_STATE, own));
  const result: MorphLevelState = { ...merged, perType };
  return result;
}

const hasDefaults = new WeakMap<Schema, boolean>();

/**
 * The eager tree a read of `model` loads: `tree`, plus the model's default eager loads (model
 * option `with`, less the paths `without` names), and below every relation the defaults of the
 * models it loads (per target type under a morphTo). A model already on the chain of relations
 * above is not expanded again, so defaults that point at each other end.
 */
export function withDefaults(
  schema: Schema,
  model: string,
  tree: EagerTree,
  without: readonly string[] = [],
  chain: readonly string[] = [],
): EagerTree {
  let any = hasDefaults.get(schema);
  if (any === undefined) {
    any = [...schema.meta.models.values()].some((meta) => meta.defaultWith.length > 0);
    hasDefaults.set(schema, any);
  }
  if (!any || chain.includes(model)) return tree;
  let out = tree;
  for (const path of schema.model(model).defaultWith) {
    if (!without.includes(path) && !without.includes(path.split(".")[0]!)) out = addEagerPath(schema, model, out, path);
  }
  const below = [...chain, model];
  const next = new Map<string, EagerNode>();
  for (const [name, node] of out) {
    const meta = schema.model(model).relations.get(name)!;
    let state = node.state;
    if (meta.kind === "morphTo") {
      const perType = new Map(state.perType ?? []);
      let changed = false;
      for (const target of targetModels(meta)) {
        const own = perType.get(target);
        const eager = withDefaults(schema, target, own?.eager ?? new Map(), [], below);
        if (eager.size === 0 && !own) continue;
        // A new per-type entry keeps the level's own constraint (typeState reads the entry alone).
        perType.set(target, { ...(own ?? state), eager });
        changed = true;
      }
      if (changed) state = { ...state, perType };
    } else state = { ...state, eager: withDefaults(schema, targetModels(meta)[0]!, state.eager, [], below) };
    next.set(name, { ...node, state });
  }
  return next;
}

/**
 * Adds a dotted path (`"posts.comments"`) to an eager tree, checking every segment against the
 * schema: an unknown relation is a RelationNotFoundError naming the model and its relations.
 * A constraint applies to the last segment. Trees are immutable; a new one is returned.
 */
export function addEagerPath(
  schema: Schema,
  model: string,
  tree: EagerTree,
  path: string,
  constrain?: Constrain,
): EagerTree {
  if (typeof path !== "string" || path === "") {
    throw new ValidationError(`with() on "${model}" needs relation names, got ${JSON.stringify(path)}.`, model);
  }
  if (!path.includes(".")) {
    // One relation of one model (most calls): addSegments' work without its lists.
    const meta = schema.model(model).relations.get(path);
    if (meta === undefined) throw missingRelation(schema, [model], path, path);
    const existing = tree.get(path)?.state ?? EMPTY_STATE;
    const node: EagerNode = { relation: path, state: constrain ? mergeStates(existing, constrain(meta)) : existing };
    return new Map(tree).set(path, node);
  }
  return addSegments(schema, [model], tree, path.split("."), constrain, path);
}

function addSegments(
  schema: Schema,
  models: readonly string[],
  tree: EagerTree,
  [head, ...rest]: readonly string[],
  constrain: Constrain | undefined,
  path: string,
): EagerTree {
  const metas = models.flatMap((m) => schema.model(m).relations.get(head!) ?? []);
  if (metas.length < models.length) throw missingRelation(schema, models, head!, path);
  const existing = tree.get(head!)?.state ?? EMPTY_STATE;
  let state: QueryState;
  if (rest.length > 0) {
    state = {
      ...existing,
      eager: addSegments(schema, [...new Set(metas.flatMap(targetModels))], existing.eager, rest, constrain, path),
    };
  } else if (constrain) {
    const [meta] = metas;
    if (metas.length > 1) {
      throw new ValidationError(
        `A constraint on "${head}" is ambiguous: its rows belong to several models (${metas.flatMap(targetModels).join(", ")}).`,
        models.join(" | "),
      );
    }
    // A morphTo's constraint (morphWith / constrain) comes back as a state per target model.
    state = mergeStates(existing, constrain(meta!));
  } else {
    state = existing;
  }
  const node: EagerNode = { relation: head!, state };
  return new Map(tree).set(head!, node);
}

/**
 * A segment some of `models` lack. Past a morphTo, `models` are its targets and the segment must
 * be a relation of every one of them (as in Eloquent); what only some have is loaded with morphWith.
 */
function missingRelation(schema: Schema, models: readonly string[], relation: string, path: string) {
  const lacking = models.filter((m) => !schema.model(m).relations.has(relation));
  const relationsOf = (m: string) => [...schema.model(m).relations.keys()];
  // The relations that are valid here: those every model has.
  const valid = relationsOf(models[0]!).filter((r) => models.every((m) => schema.model(m).relations.has(r)));
  const error = new RelationNotFoundError(lacking.join(" | "), relation, valid);
  if (models.length > 1) {
    const having = models.filter((m) => !lacking.includes(m));
    error.message =
      `Relation "${relation}" in with("${path}") is not defined on ${lacking.map((m) => `"${m}"`).join(", ")}: ` +
      `past a morphTo (targets ${models.join(", ")}) a relation must exist on every target. ` +
      (having.length > 0
        ? `Load it for ${having.join(", ")} only with morphWith: with("${path.slice(0, path.lastIndexOf(`.${relation}`)) || path}", (q) => q.morphWith({ ${having[0]}: ["${relation}"] })). `
        : "") +
      (valid.length ? `Relations of every target: ${valid.join(", ")}.` : "The targets share no relation.");
  }
  return error;
}

/** Both trees' relations; where both name one, the right side's constraint wins and children merge. */
export function mergeTrees(left: EagerTree, right: EagerTree): EagerTree {
  if (left.size === 0) return right;
  const merged = new Map(left);
  for (const [name, node] of right) {
    const mine = merged.get(name);
    merged.set(name, mine ? { relation: name, state: mergeStates(mine.state, node.state) } : node);
  }
  return merged;
}

/** `{ posts: { comments: true }, profile: true, roles: (q) => ... }` as a list of paths and constraints. */
export function flattenEagerObject(
  spec: Readonly<Record<string, unknown>>,
  prefix = "",
): [path: string, constrain: unknown][] {
  const out: [string, unknown][] = [];
  for (const [name, value] of Object.entries(spec)) {
    const path = prefix + name;
    if (value === true) out.push([path, undefined]);
    else if (typeof value === "function") out.push([path, value]);
    else if (typeof value === "object" && value !== null) {
      out.push([path, undefined]);
      out.push(...flattenEagerObject(value as Record<string, unknown>, `${path}.`));
    } else if (value !== false && value !== undefined) {
      throw new ValidationError(
        `with({ ${path}: ... }) takes true, a nested object or a constraint callback, got ${JSON.stringify(value)}.`,
        path,
      );
    }
  }
  return out;
}
