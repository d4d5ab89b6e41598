import type { Session } from "../../dialect/session.js";
import { ValidationError } from "../../errors.js";
import { codecFor, type ModelCodec } from "../../plan/model-codec.js";
import type { WhereNode } from "../../plan/where.js";
import type { BelongsToMeta, MorphToMeta } from "../../schema/meta.js";
import { checkRelatedWrite, writeRelated } from "../graph-writes.js";
import { deleteRows } from "../writes.js";
import { findEach } from "./find.js";
import { hasKeys, relatedKeys, relatedState, targetCodec, updateRelated } from "./related.js";
import {
  after,
  argsOf,
  before,
  checkNullable,
  isObject,
  type NestedContext,
  type NestedStep,
  type NestedUpdater,
  notFound,
  opLabel,
  TO_ONE_OPERATIONS,
  toOneWheres,
  type Values,
} from "./step.js";
import { nestedWhere, uniqueWhere, whereOrRow } from "./where.js";

/** The owner's key as the row's foreign key column holds it. */
function ownerKeyOf(parent: ModelCodec, meta: BelongsToMeta, owner: Values): Values {
  return { [meta.foreignKey]: parent.keyValue(meta.foreignKey, owner[meta.ownerKey]) };
}

/** Creates the owner `create` describes; the row's key set to it. */
async function createOwner(session: Session, meta: BelongsToMeta, create: unknown): Promise<Values> {
  const holder: Values = {};
  await writeRelated(session, meta, holder, { create });
  return { [meta.foreignKey]: holder[meta.foreignKey] };
}

/**
 * belongsTo in a Prisma-style update: the row holds its owner's key. create, connect and
 * connectOrCreate find or make the owner before the row's own UPDATE, which sets the key;
 * disconnect sets it to null (it must be nullable, as Prisma offers disconnect and delete only
 * on optional relations); update and upsert write the owner the row points at; delete nulls the
 * key, then deletes the owner.
 */
export const ownerUpdater: NestedUpdater<BelongsToMeta> = {
  operations: () => TO_ONE_OPERATIONS,
  prepare(ctx, meta, op, value) {
    const target = targetCodec(ctx.session, meta);
    const parent = codecFor(ctx.session, meta.model);
    const fk = meta.foreignKey;
    switch (op) {
      case "create":
        checkRelatedWrite(ctx.session, meta, { create: value });
        return [before(meta, op, [fk], [], (session) => createOwner(session, meta, value))];
      case "connect": {
        const where = whereOrRow(target, value, meta.ownerKey, opLabel(op, meta));
        return [
          before(meta, op, [fk], [], async (session) => {
            const [owner] = await findEach(session, target, [where], [meta.ownerKey]);
            if (owner === undefined) throw notFound(target, meta, op, 1, 0);
            return ownerKeyOf(parent, meta, owner);
          }),
        ];
      }
      case "connectOrCreate":
        return connectOrCreate(ctx, target, parent, meta, value);
      case "update":
        return updateRelated(ctx, meta, value, meta.ownerKey);
      case "upsert":
        return upsert(ctx, target, meta, value);
      default: {
        // disconnect and delete: true, false or a where the owner must match; the key must be nullable.
        checkNullable(parent, [fk], meta, op);
        const wheres = toOneWheres(ctx.session, target, meta, op, value);
        if (wheres === undefined) return [];
        return op === "disconnect" ? disconnect(target, meta, wheres) : remove(target, meta, wheres);
      }
    }
  },
};

/** `connectOrCreate: { where, create }`: the owner found, or one created; the row's key set to it. */
function connectOrCreate(
  ctx: NestedContext,
  target: ModelCodec,
  parent: ModelCodec,
  meta: BelongsToMeta,
  value: unknown,
): NestedStep[] {
  const op = "connectOrCreate";
  const args = argsOf(meta, op, value, ["where", "create"], ["where", "create"]);
  const where = uniqueWhere(target, args.where, meta.ownerKey, opLabel(op, meta));
  checkRelatedWrite(ctx.session, meta, { create: args.create });
  return [
    before(meta, op, [meta.foreignKey], [], async (session) => {
      const [owner] = await findEach(session, target, [where], [meta.ownerKey]);
      if (owner !== undefined) return ownerKeyOf(parent, meta, owner);
      return createOwner(session, meta, args.create);
    }),
  ];
}

/** `disconnect: true` (or a where the owner must match): the row's key set to null. */
function disconnect(target: ModelCodec, meta: BelongsToMeta, wheres: readonly WhereNode[]): NestedStep[] {
  const op = "disconnect";
  const fk = meta.foreignKey;
  if (wheres.length === 0) return [before(meta, op, [fk], [], async () => ({ [fk]: null }))];
  return [
    before(meta, op, [fk], [fk], async (session, { was }) => {
      const owners = await relatedKeys(session, target, meta, was, wheres);
      return owners.length > 0 ? { [fk]: null } : {};
    }),
  ];
}

/** `upsert: { where?, create, update }`: the owner the row points at (matching where) updated, else one created and pointed at. */
function upsert(ctx: NestedContext, target: ModelCodec, meta: BelongsToMeta, value: unknown): NestedStep[] {
  const op = "upsert";
  const args = argsOf(meta, op, value, ["where", "create", "update"], ["create", "update"]);
  const wheres = args.where === undefined ? [] : nestedWhere(ctx.session, target, args.where, opLabel(op, meta));
  if (!isObject(args.create)) {
    throw new ValidationError(`${opLabel(op, meta)}: create takes an object of field values.`, meta.model, meta.name);
  }
  checkRelatedWrite(ctx.session, meta, { create: args.create });
  const plan = ctx.plan(target, args.update, opLabel(op, meta));
  return [
    before(meta, op, [meta.foreignKey], [meta.foreignKey], async (session, { was }) => {
      const owners = await relatedKeys(session, target, meta, was, wheres);
      for (const owner of owners) await ctx.run(session, target, owner, plan);
      return owners.length > 0 ? {} : createOwner(session, meta, args.create);
    }),
  ];
}

/** `delete: true` (or a where the owner must match): the row's key nulled, then the owner deleted; none is a NotFoundError. */
function remove(target: ModelCodec, meta: BelongsToMeta, wheres: readonly WhereNode[]): NestedStep[] {
  const op = "delete";
  const fk = meta.foreignKey;
  return [
    before(meta, op, [fk], [fk], async (session, { was }) => {
      if (!hasKeys(meta, was)) throw notFound(target, meta, op, 1, 0);
      if (wheres.length > 0 && (await relatedKeys(session, target, meta, was, wheres)).length === 0) {
        throw notFound(target, meta, op, 1, 0);
      }
      return { [fk]: null };
    }),
    after(meta, op, [fk], async (session, { was }) => {
      const count = await deleteRows(session, target, relatedState(session, meta, was, wheres));
      if (count === 0) throw notFound(target, meta, op, 1, 0);
    }),
  ];
}

/**
 * morphTo in a Prisma-style update: `connect` a row read through relata (its model tells the
 * type), `disconnect: true` (the type and id set to null; both must be nullable).
 */
export const morphOwnerUpdater: NestedUpdater<MorphToMeta> = {
  operations: () => ["connect", "disconnect"],
  prepare(ctx, meta, op, value) {
    const fields = [meta.morphType, meta.morphId];
    if (op === "connect") {
      checkRelatedWrite(ctx.session, meta, { connect: value });
      return [
        before(meta, op, fields, [], async (session) => {
          const holder: Values = {};
          await writeRelated(session, meta, holder, { connect: value });
          return { [meta.morphType]: holder[meta.morphType], [meta.morphId]: holder[meta.morphId] };
        }),
      ];
    }
    checkNullable(codecFor(ctx.session, meta.model), fields, meta, op);
    if (typeof value !== "boolean") {
      throw new ValidationError(
        `${opLabel(op, meta)} takes true (or false: nothing); a morphTo's owner is of several models.`,
        meta.model,
        meta.name,
      );
    }
    return value ? [before(meta, op, fields, [], async () => ({ [meta.morphType]: null, [meta.morphId]: null }))] : [];
  },
};
