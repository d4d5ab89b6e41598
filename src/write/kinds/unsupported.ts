import { ValidationError } from "../../errors.js";
import type { RelationMeta } from "../../schema/meta.js";
import type { RelationWriter } from "./kind.js";
import { associateOptions, label } from "./shared.js";

/** The error for a write through a relation whose kind has no child rows to point at the parent. */
function noChildren(meta: RelationMeta, action: string): ValidationError {
  return new ValidationError(
    `${action} through ${label(meta)} (a ${meta.kind}) is not available: it sets a child's foreign key, so it works on hasOne, hasMany, morphOne and morphMany.`,
    meta.model,
    meta.name,
  );
}

/** The error for a pivot write through a relation that is not many-to-many. */
function noPivot(meta: RelationMeta, action: string): ValidationError {
  return new ValidationError(
    `${action} needs a many-to-many relation; ${label(meta)} is a ${meta.kind}.`,
    meta.model,
    meta.name,
  );
}

type RelationWrites = Omit<
  RelationWriter<RelationMeta>,
  "nested" | "beforeRow" | "ownKeys" | "checkNested" | "store" | "writeNested" | "read" | "upsert"
>;

/**
 * The relation writes a kind does not have, each a ValidationError naming the relation and its
 * kind (for plain JS callers: the typed handles do not offer them). A kind's writer spreads
 * this and provides what it has.
 */
export const NO_WRITES: RelationWrites = {
  ownership(meta, _parent, _target, action) {
    throw noChildren(meta, action);
  },
  newRow(meta, _parent, _target, action) {
    throw new ValidationError(
      `${action} through ${label(meta)} (a ${meta.kind}) is not available: it makes an unsaved related row, so it works on hasOne, hasMany, morphOne, morphMany and many-to-many relations.`,
      meta.model,
      meta.name,
    );
  },
  pivot(_session, meta, action) {
    throw noPivot(meta, action);
  },
  async associate(_session, meta, _parent, _target, options) {
    associateOptions(meta, "associate", options);
    throw noChildren(meta, "associate");
  },
  async dissociate(_session, meta, _parent, _target, options) {
    associateOptions(meta, "dissociate", options);
    throw noChildren(meta, "dissociate");
  },
  async attach(_session, meta) {
    throw noPivot(meta, "attach");
  },
  async detach(_session, meta) {
    throw noPivot(meta, "detach");
  },
  async sync(_session, meta, _entries, _detaching, action) {
    throw noPivot(meta, action);
  },
  async toggle(_session, meta) {
    throw noPivot(meta, "toggle");
  },
  async updateExistingPivot(_session, meta) {
    throw noPivot(meta, "updateExistingPivot");
  },
  deleteWith(meta) {
    throw new ValidationError(
      `deleteWith deletes children and pivot rows; ${label(meta)} is a ${meta.kind}, whose rows are not this row's to delete.`,
      meta.model,
      meta.name,
    );
  },
};
