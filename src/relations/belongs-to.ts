import { selectModel } from "../plan/front-door.js";
import { codecFor } from "../plan/model-codec.js";
import type { BelongsToMeta } from "../schema/meta.js";
import { allOf, fixedCondition, fixedNodes, keyEquals, keyIs, parentKey, withFixedWhere } from "./constraint.js";
import { distinctKeys, emptyToOne, fetchRelated, keyOf, type Row } from "./fetch.js";
import type { RelationLoader } from "./kind.js";

/** The row this one's foreign key points to: `post.authorId -> user.id`. */
export const belongsTo: RelationLoader<BelongsToMeta> = {
  parentFields: (meta) => [meta.foreignKey],
  joinKeys: (meta) => [meta.foreignKey, meta.ownerKey],
  // The owners are the target's rows with those keys, whichever model points at them.
  loadsAcrossModels: true,
  // The owner's default (`withDefault`) as eager loading gives it: the row points at no owner.
  defaultRow: (_session, meta) => emptyToOne(meta.withDefault),
  scope(session, meta, parent) {
    const target = codecFor(session, meta.target);
    const owner = parentKey(meta, parent, meta.foreignKey);
    return { model: meta.target, wheres: [keyIs(target, meta.ownerKey, owner), ...fixedNodes(target, meta.where)] };
  },
  async load({ session, meta, parents, state, required }) {
    const target = codecFor(session, meta.target);
    const rows = await fetchRelated({
      session,
      cacheKey: `${meta.model}.${meta.name}`,
      target,
      keyRef: target.ref(meta.ownerKey),
      keys: distinctKeys(parents, meta.foreignKey),
      encodeKey: (v) => target.encodeKey(meta.ownerKey, v),
      state: withFixedWhere(target, state, meta.where),
      requiredFields: [meta.ownerKey, ...required(meta.target)],
    });
    const byKey = new Map<string, Row>();
    for (const row of rows) byKey.set(keyOf(row[meta.ownerKey])!, row);
    for (const parent of parents) {
      parent[meta.name] = byKey.get(keyOf(parent[meta.foreignKey]) ?? "") ?? emptyToOne(meta.withDefault);
    }
    return [{ model: meta.target, rows }];
  },
  joinLinks: (session, meta, state) => [
    {
      model: meta.target,
      many: false,
      correlate(parent, alias) {
        const target = codecFor(session, meta.target).under(state).aliased(alias);
        const query = selectModel(session, target).where((eb) =>
          allOf(eb, [
            keyEquals(eb, session, target, meta.ownerKey, parent, meta.foreignKey),
            fixedCondition(target, eb, meta.where),
          ]),
        );
        return { target, query, extras: [] };
      },
    },
  ],
};
