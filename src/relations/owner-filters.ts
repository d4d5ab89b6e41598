import type { Session } from "../dialect/session.js";
import { RelationNotFoundError, ValidationError } from "../errors.js";
import { describeValue } from "../plan/arguments.js";
import { codecFor, type ModelCodec, modelOfRow } from "../plan/model-codec.js";
import { EMPTY_STATE } from "../plan/state.js";
import { compareNode, type WhereNode } from "../plan/where.js";
import { type BelongsToManyMeta, type BelongsToMeta, isPivotRelation, type RelationMeta } from "../schema/meta.js";
import { existsAny, relatedQueries } from "./subquery.js";

type AnyRow = Record<string, unknown>;

const group = (nodes: WhereNode[], or = false): WhereNode => ({ type: "group", or, not: false, nodes });

/**
 * The rows given to an owner filter as a list: one row or an array of rows, each an object.
 * An empty list is an error, as in Eloquent (it would silently match nothing, or everything).
 */
function rowList(model: string, method: string, rows: unknown): AnyRow[] {
  const list = Array.isArray(rows) ? rows : [rows];
  if (list.length === 0) {
    throw new ValidationError(`${method} on "${model}" got an empty list of rows; pass at least one row.`, model);
  }
  for (const row of list) {
    if (typeof row !== "object" || row === null) {
      throw new ValidationError(`${method} on "${model}" takes rows (objects), got ${describeValue(row)}.`, model);
    }
  }
  return list as AnyRow[];
}

/**
 * The relation an owner filter uses: the named one (a RelationNotFoundError when it does not
 * exist or is not of the kind the filter needs, as Eloquent's RelationNotFoundException), or
 * the only relation of that kind leading to the rows' model (known when relata read them).
 */
function ownerRelation<T extends RelationMeta>(
  codec: ModelCodec,
  method: string,
  kindName: string,
  isKind: (meta: RelationMeta) => meta is T,
  rows: readonly AnyRow[],
  relation: unknown,
): T {
  const model = codec.meta.name;
  const candidates = [...codec.meta.relations.values()].filter(isKind);
  if (relation !== undefined) {
    if (typeof relation !== "string") {
      throw new ValidationError(
        `${method} on "${model}" names the relation with a string, got ${describeValue(relation)}.`,
        model,
      );
    }
    const named = codec.meta.relations.get(relation);
    if (!named) throw new RelationNotFoundError(model, relation, [...codec.meta.relations.keys()]);
    if (!isKind(named)) {
      const error = new RelationNotFoundError(
        model,
        relation,
        candidates.map((r) => r.name),
      );
      error.message = `${method} needs a ${kindName} relation; "${model}.${relation}" is a ${named.kind}. ${
        candidates.length
          ? `${kindName} relations of "${model}": ${candidates.map((r) => r.name).join(", ")}.`
          : `"${model}" has no ${kindName} relation.`
      }`;
      throw error;
    }
    return named;
  }
  const models = new Set(rows.map((row) => modelOfRow(row)).filter(Boolean));
  const matching = models.size > 0 ? candidates.filter((r) => models.has(targetOf(r))) : candidates;
  if (matching.length !== 1) {
    throw new ValidationError(
      `${method} on "${model}" cannot tell which relation to use${matching.length ? ` (${matching.map((r) => r.name).join(", ")})` : ""}; name it: ${method}(rows, "relation").`,
      model,
    );
  }
  return matching[0]!;
}

const targetOf = (meta: RelationMeta): string => (meta.kind === "morphTo" ? "" : meta.target);

/** Each row's value of `field` (the key the relation points at), converted for `codec.field`. */
function keysOf(
  codec: ModelCodec,
  method: string,
  relation: string,
  rows: readonly AnyRow[],
  rowKey: string,
  field: string,
): unknown[] {
  return rows.map((row) => {
    const key = row[rowKey];
    if (key === undefined || key === null) {
      throw new ValidationError(
        `${method}(..., "${relation}") on "${codec.meta.name}" needs "${rowKey}" on every row.`,
        codec.meta.name,
        rowKey,
      );
    }
    return codec.keyValue(field, key);
  });
}

/** whereBelongsTo: the foreign key of a belongsTo relation is one of the rows' keys. */
export function belongsToNode(codec: ModelCodec, rows: unknown, relation?: unknown): WhereNode {
  const method = "whereBelongsTo";
  const list = rowList(codec.meta.name, method, rows);
  const isBelongsTo = (r: RelationMeta): r is BelongsToMeta => r.kind === "belongsTo";
  const meta = ownerRelation(codec, method, "belongsTo", isBelongsTo, list, relation);
  const keys = keysOf(codec, method, meta.name, list, meta.ownerKey, meta.foreignKey);
  return compareNode(codec, false, meta.foreignKey, "in", keys);
}

/**
 * whereAttachedTo: rows attached to any of `rows` through a many-to-many relation (belongsToMany,
 * morphToMany, morphedByMany): EXISTS a pivot row to one of them (as Eloquent's, a `has` on the
 * relation whose related key is one of the rows' keys; one correlated subquery, no join).
 */
export function attachedToNode(session: Session, codec: ModelCodec, rows: unknown, relation?: unknown): WhereNode {
  const method = "whereAttachedTo";
  const model = codec.meta.name;
  const list = rowList(model, method, rows);
  const meta = ownerRelation(codec, method, "many-to-many", isPivotRelation, list, relation);
  const target = codecFor(session, meta.target);
  for (const row of list) {
    const of = modelOfRow(row);
    if (of !== undefined && of !== meta.target) {
      throw new ValidationError(
        `${method}(rows, "${meta.name}") on "${model}" needs rows of "${meta.target}", got a row of "${of}".`,
        model,
      );
    }
  }
  const keys = keysOf(target, method, meta.name, list, meta.relatedKey, meta.relatedKey);
  const state = { ...EMPTY_STATE, wheres: [compareNode(target, false, meta.relatedKey, "in", keys)] };
  const name = meta.name;
  return {
    type: "expr",
    or: false,
    build: (eb, outer) =>
      existsAny(eb, relatedQueries(session, outer, outer.meta.relations.get(name) as BelongsToManyMeta, state)),
  };
}

/**
 * whereMorphedTo: the morph type and id of a morphTo point at a row or any of a list of rows
 * (per model: `type = T AND id IN (...)`, ORed), at any row of a model (a model name: the type
 * alone), or nowhere (null: no type).
 */
export function morphedToNode(codec: ModelCodec, relation: unknown, target: unknown, model?: unknown): WhereNode {
  const self = codec.meta.name;
  const method = "whereMorphedTo";
  if (typeof relation !== "string") {
    throw new ValidationError(`${method} on "${self}" needs a relation name, got ${describeValue(relation)}.`, self);
  }
  const meta = codec.meta.relations.get(relation);
  if (!meta) throw new RelationNotFoundError(self, relation, [...codec.meta.relations.keys()]);
  if (meta.kind !== "morphTo") {
    throw new ValidationError(`${method} needs a morphTo relation; "${self}.${relation}" is a ${meta.kind}.`, self);
  }
  const targets = [...meta.targets];
  const models = [...new Set(targets.map(([, t]) => t.model))];
  const aliasOf = (owner: unknown) => {
    const found = targets.find(([, t]) => t.model === owner);
    if (!found) {
      throw new ValidationError(
        owner === undefined
          ? `${method}("${relation}", row) on "${self}" cannot tell the row's model; pass it: ${method}("${relation}", row, "model").`
          : `${describeValue(owner)} is not a target of "${self}.${relation}" (targets: ${models.join(", ")}).`,
        self,
        relation,
      );
    }
    return found;
  };
  if (model !== undefined && (typeof model !== "string" || target === null || typeof target === "string")) {
    throw new ValidationError(
      `${method}'s third argument names the model of the rows given: a model name, after a row or rows (got ${describeValue(model)} after ${describeValue(target)}).`,
      self,
      relation,
    );
  }
  if (target === null) return { type: "null", or: false, field: meta.morphType, not: false };
  if (typeof target === "string") {
    // A model name (or its stored alias): every row pointing at that model, whatever the id.
    const byAlias = meta.targets.get(target);
    const [alias] = byAlias && !models.includes(target) ? [target] : aliasOf(target);
    return compareNode(codec, false, meta.morphType, "=", alias);
  }
  const list = rowList(self, method, target);
  // Per model: the rows' keys; a list may hold rows of several target models.
  const byType = new Map<string, { ownerKey: string; keys: unknown[] }>();
  for (const row of list) {
    const [alias, { ownerKey }] = aliasOf(model ?? modelOfRow(row));
    const key = row[ownerKey];
    if (key === undefined || key === null) {
      throw new ValidationError(
        `${method}("${relation}", ...) on "${self}" needs "${ownerKey}" on every row.`,
        self,
        ownerKey,
      );
    }
    const entry = byType.get(alias) ?? { ownerKey, keys: [] };
    entry.keys.push(codec.keyValue(meta.morphId, key));
    byType.set(alias, entry);
  }
  const checks = [...byType].map(([alias, { keys }], i) =>
    group(
      [
        compareNode(codec, false, meta.morphType, "=", alias),
        keys.length === 1
          ? compareNode(codec, false, meta.morphId, "=", keys[0])
          : compareNode(codec, false, meta.morphId, "in", keys),
      ],
      i > 0,
    ),
  );
  return checks.length === 1 ? checks[0]! : group(checks);
}
