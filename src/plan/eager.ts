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
  return addSegments(schema, [model], tree, path.split("."), constrain);
}

function addSegments(
  schema: Schema,
  models: readonly string[],
  tree: EagerTree,
  [head, ...rest]: readonly string[],
  constrain: Constrain | undefined,
): EagerTree {
  const metas = models.flatMap((m) => schema.model(m).relations.get(head!) ?? []);
  if (metas.length === 0) {
    const valid = [...new Set(models.flatMap((m) => [...schema.model(m).relations.keys()]))];
    throw new RelationNotFoundError(models.join(" | "), head!, valid);
  }
  const existing = tree.get(head!)?.state ?? EMPTY_STATE;
  let state: QueryState;
  if (rest.length > 0) {
    state = { ...existing, eager: addSegments(schema, metas.flatMap(targetModels), existing.eager, rest, constrain) };
  } else if (constrain) {
    const [meta] = metas;
    if (metas.length > 1 || meta!.kind === "morphTo") {
      throw new ValidationError(
        `A constraint on "${head}" is ambiguous: its rows belong to several models (${metas.flatMap(targetModels).join(", ")}).`,
        models.join(" | "),
      );
    }
    const constraint = constrain(meta!);
    state = { ...constraint, eager: mergeTrees(existing.eager, constraint.eager) };
  } else {
    state = existing;
  }
  const node: EagerNode = { relation: head!, state };
  return new Map(tree).set(head!, node);
}

/** Both trees' relations; where both name one, the right side's constraint wins and children merge. */
export function mergeTrees(left: EagerTree, right: EagerTree): EagerTree {
  if (left.size === 0) return right;
  const merged = new Map(left);
  for (const [name, node] of right) {
    const mine = merged.get(name);
    merged.set(
      name,
      mine ? { relation: name, state: { ...node.state, eager: mergeTrees(mine.state.eager, node.state.eager) } } : node,
    );
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
