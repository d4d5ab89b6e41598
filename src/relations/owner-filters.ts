import { RelationNotFoundError, ValidationError } from "../errors.js";
import { type ModelCodec, modelOfRow } from "../plan/model-codec.js";
import { compareNode, type WhereNode } from "../plan/where.js";
import type { BelongsToMeta, MorphToMeta } from "../schema/meta.js";

const and = (nodes: WhereNode[]): WhereNode => ({ type: "group", or: false, not: false, nodes });

/** whereBelongsTo: the foreign key of a belongsTo relation is one of the rows' keys. */
export function belongsToNode(codec: ModelCodec, rows: object | readonly object[], relation?: string): WhereNode {
  const model = codec.meta.name;
  const list = (Array.isArray(rows) ? rows : [rows]) as Record<string, unknown>[];
  const candidates = [...codec.meta.relations.values()].filter((r): r is BelongsToMeta => r.kind === "belongsTo");
  let meta: BelongsToMeta | undefined;
  if (relation !== undefined) {
    const named = codec.meta.relations.get(relation);
    if (!named) throw new RelationNotFoundError(model, relation, [...codec.meta.relations.keys()]);
    if (named.kind !== "belongsTo") {
      throw new ValidationError(
        `whereBelongsTo needs a belongsTo relation; "${model}.${relation}" is a ${named.kind}.`,
        model,
      );
    }
    meta = named;
  } else {
    const models = new Set(list.map((row) => modelOfRow(row)).filter(Boolean));
    const matching = models.size > 0 ? candidates.filter((r) => models.has(r.target)) : candidates;
    if (matching.length !== 1) {
      throw new ValidationError(
        `whereBelongsTo on "${model}" cannot tell which relation to use${matching.length ? ` (${matching.map((r) => r.name).join(", ")})` : ""}; name it: whereBelongsTo(rows, "relation").`,
        model,
      );
    }
    meta = matching[0]!;
  }
  const keys = list.map((row) => {
    const key = row?.[meta.ownerKey];
    if (key === undefined) {
      throw new ValidationError(
        `whereBelongsTo(..., "${meta.name}") needs "${meta.ownerKey}" on every row.`,
        model,
        meta.ownerKey,
      );
    }
    return codec.keyValue(meta.foreignKey, key);
  });
  return compareNode(codec, false, meta.foreignKey, "in", keys);
}

/** whereMorphedTo: the morph type and id of a morphTo point at `row` (or nowhere, for null). */
export function morphedToNode(codec: ModelCodec, relation: string, row: object | null, model?: string): WhereNode {
  const self = codec.meta.name;
  const meta = codec.meta.relations.get(relation);
  if (!meta) throw new RelationNotFoundError(self, relation, [...codec.meta.relations.keys()]);
  if (meta.kind !== "morphTo") {
    throw new ValidationError(
      `whereMorphedTo needs a morphTo relation; "${self}.${relation}" is a ${meta.kind}.`,
      self,
    );
  }
  const morph = meta as MorphToMeta;
  if (row === null) return { type: "null", or: false, field: morph.morphType, not: false };
  const owner = model ?? modelOfRow(row);
  const target = [...morph.targets].find(([, t]) => t.model === owner);
  if (!target) {
    throw new ValidationError(
      owner === undefined
        ? `whereMorphedTo("${relation}", row) on "${self}" cannot tell the row's model; pass it: whereMorphedTo("${relation}", row, "model").`
        : `"${owner}" is not a target of "${self}.${relation}" (targets: ${[...morph.targets.values()].map((t) => t.model).join(", ")}).`,
      self,
      relation,
    );
  }
  const [alias, { ownerKey }] = target;
  return and([
    compareNode(codec, false, morph.morphType, "=", alias),
    compareNode(
      codec,
      false,
      morph.morphId,
      "=",
      codec.keyValue(morph.morphId, (row as Record<string, unknown>)[ownerKey]),
    ),
  ]);
}
