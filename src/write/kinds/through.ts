import type { ThroughMeta } from "../../schema/meta.js";
import type { RelationWriter } from "./kind.js";
import { nestedWrite } from "./shared.js";
import { NO_WRITES } from "./unsupported.js";

/** The step no graph reaches: a through relation refuses every nested write first. */
function unreachable(): never {
  throw new Error("relata: a nested write through a through relation was refused when it was split.");
}

/**
 * hasOneThrough, hasManyThrough: their rows are reached through an intermediate model, so
 * nothing is written through them (write through that model's relations); reads only.
 */
export const through: RelationWriter<ThroughMeta> = {
  ...NO_WRITES,
  nested: (meta, value) =>
    nestedWrite(meta, value, {
      refuse: `is a ${meta.kind}: its rows are reached through "${meta.through}", so write them through that model's relations.`,
    }),
  beforeRow: false,
  ownKeys: () => [],
  checkNested: unreachable,
  store: () => undefined,
  writeNested: unreachable,
};
