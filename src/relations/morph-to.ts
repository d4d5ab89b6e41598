import { MorphMapError, RelataError } from "../errors.js";
import { typeState } from "../plan/eager.js";
import { selectModel } from "../plan/front-door.js";
import { codecFor } from "../plan/model-codec.js";
import { compareNode } from "../plan/where.js";
import type { MorphToMeta } from "../schema/meta.js";
import { allOf, fixedCondition, fixedNodes, keyEquals, keyIs, parentKey, withFixedWhere } from "./constraint.js";
import { distinctKeys, emptyToOne, fetchRelated, groupBy, keyOf, type Row } from "./fetch.js";
import type { LoadedGroup, RelationLoader } from "./kind.js";

/** The parent of a polymorphic row, whichever model it is: one query per type present. */
export const morphTo: RelationLoader<MorphToMeta> = {
  parentFields: (meta) => [meta.morphType, meta.morphId],
  // The default (`withDefault`) as eager loading gives it: the row points at no parent.
  defaultRow: (_session, meta) => emptyToOne(meta.withDefault),
  scope(session, meta, parent) {
    const type = parentKey(meta, parent, meta.morphType);
    if (type === null) {
      // Pointing nowhere: no related row (associate still works on the builder).
      const [first] = meta.targets.values();
      return {
        model: first!.model,
        wheres: [compareNode(codecFor(session, first!.model), false, first!.ownerKey, "in", [])],
      };
    }
    const target = meta.targets.get(String(type));
    if (!target) {
      throw unknownMorphType(meta, type);
    }
    const codec = codecFor(session, target.model);
    const id = parentKey(meta, parent, meta.morphId);
    return { model: target.model, wheres: [keyIs(codec, target.ownerKey, id), ...fixedNodes(codec, meta.where)] };
  },
  async load({ session, meta, parents, state, required }) {
    const byType = groupBy(parents, (parent) => parent[meta.morphType]);
    const groups: LoadedGroup[] = [];
    for (const [type, typed] of byType) {
      const target = meta.targets.get(type);
      if (!target) {
        throw unknownMorphType(meta, type);
      }
      const codec = codecFor(session, target.model);
      const rows = await fetchRelated({
        cacheKey: `${meta.model}.${meta.name}:${type}`,
        session,
        target: codec,
        keyRef: codec.ref(target.ownerKey),
        keys: distinctKeys(typed, meta.morphId),
        encodeKey: (v) => codec.encodeKey(target.ownerKey, v),
        // The constraint given to this target model (morphWith / constrain), or the level's own.
        state: withFixedWhere(codec, typeState(state, target.model), meta.where),
        requiredFields: [target.ownerKey, ...required(target.model)],
      });
      const byKey = new Map<string, Row>(rows.map((row) => [keyOf(row[target.ownerKey])!, row]));
      for (const parent of typed) parent[meta.name] = byKey.get(keyOf(parent[meta.morphId]) ?? "") ?? null;
      groups.push({ model: target.model, rows });
    }
    for (const parent of parents) {
      if (!Object.hasOwn(parent, meta.name) || parent[meta.name] === null)
        parent[meta.name] = emptyToOne(meta.withDefault);
    }
    return groups;
  },
  joinLinks: (session, meta, state) =>
    [...meta.targets].map(([value, target]) => ({
      model: target.model,
      morphValue: value,
      many: false,
      correlate(parent, alias) {
        const codec = codecFor(session, target.model).under(typeState(state, target.model)).aliased(alias);
        const query = selectModel(session, codec).where((eb) =>
          allOf(eb, [
            keyEquals(eb, session, codec, target.ownerKey, parent, meta.morphId),
            eb(parent.ref(meta.morphType), "=", parent.encode(meta.morphType, value)),
            fixedCondition(codec, eb, meta.where),
          ]),
        );
        return { target: codec, query, extras: [] };
      },
    })),
};

/**
 * A row's morph type names no target of the relation (both loading strategies and related() say
 * so alike); a `MorphMapError` when the schema enforces its morph map and the map has no such value.
 */
export function unknownMorphType(meta: MorphToMeta, type: unknown): RelataError {
  const values = meta.morphMap?.enforce ? Object.values(meta.morphMap.entries()) : undefined;
  if (values && !values.includes(String(type))) {
    return new MorphMapError(
      `${meta.model}.${meta.name}: a row has morph type ${JSON.stringify(type)}, which is not in the morph map (${values.join(", ")}). The schema enforces its morph map (enforceMorphMap): map the model with morphMap, or fix the row.`,
      undefined,
      String(type),
    );
  }
  return new RelataError(
    `${meta.model}.${meta.name}: a row has morph type ${JSON.stringify(type)}, which is not one of its targets (${[...meta.targets.keys()].join(", ")}). Add the model to types, or map it with morphMap.`,
  );
}
