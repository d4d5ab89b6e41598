import type { Session } from "../../dialect/session.js";
import { ValidationError } from "../../errors.js";
import type { ModelCodec } from "../../plan/model-codec.js";
import { EMPTY_STATE } from "../../plan/state.js";
import { compareNode, type WhereNode } from "../../plan/where.js";
import {
  type HasManyMeta,
  type HasOneMeta,
  isToMany,
  type MorphManyMeta,
  type MorphOneMeta,
} from "../../schema/meta.js";
import { checkRelatedWrite, writeRelated } from "../graph-writes.js";
import { hasOneOrMany } from "../kinds/has-one-or-many.js";
import { insertCount, updateRows } from "../writes.js";
import { findEach } from "./find.js";
import {
  deleteManyRelated,
  deleteRelated,
  expectEach,
  hasKeys,
  relatedKeys,
  relatedState,
  scopeFields,
  targetCodec,
  updateManyRelated,
  updateRelated,
} from "./related.js";
import {
  after,
  argsOf,
  checkNullable,
  isObject,
  items,
  type NestedContext,
  type NestedStep,
  type NestedUpdater,
  opLabel,
  relationLabel,
  TO_MANY_OPERATIONS,
  TO_ONE_OPERATIONS,
  toOneWheres,
  type Values,
} from "./step.js";
import { allOf, anyOf, nestedWhere, sameWhere, uniqueWhere, whereOrRow } from "./where.js";

type ChildMeta = HasOneMeta | HasManyMeta | MorphOneMeta | MorphManyMeta;

/** The fields of a related row the relation fills in: the foreign key (or the morph id and type). */
const childKeys = (meta: ChildMeta): string[] =>
  "foreignKey" in meta ? [meta.foreignKey] : [meta.morphId, meta.morphType];

/** What points a child at `parent` (its foreign key, and morph type). */
const ownership = (target: ModelCodec, meta: ChildMeta, parent: Values, op: string): Values =>
  hasOneOrMany.ownership(meta, parent, target, op);

/** What detaches a child: its relation keys set to null. */
const cleared = (meta: ChildMeta): Values => Object.fromEntries(childKeys(meta).map((field) => [field, null]));

/** The single primary key children are named by (a raw key in a where names it). */
const keyOf = (target: ModelCodec): string | undefined =>
  target.meta.primaryKey.length === 1 ? target.meta.primaryKey[0] : undefined;

/** The conditions naming rows by primary key. */
const byKeys = (target: ModelCodec, rows: readonly Values[]): WhereNode[] =>
  target.meta.primaryKey.map((field) =>
    compareNode(
      target,
      false,
      field,
      "in",
      rows.map((row) => row[field]),
    ),
  );

/**
 * hasOne, hasMany, morphOne, morphMany in a Prisma-style update: the related rows hold the
 * parent's key. Creates and connects point rows at the parent; disconnect and set null their
 * key (it must be nullable); update / delete reach only the parent's own rows. A to-one
 * relation holds one row: giving it another detaches (or, with a required key, refuses) the one it has.
 */
export const childUpdater: NestedUpdater<ChildMeta> = {
  operations: (meta) => (isToMany(meta) ? TO_MANY_OPERATIONS : TO_ONE_OPERATIONS),
  prepare(ctx, meta, op, value) {
    const target = targetCodec(ctx.session, meta);
    switch (op) {
      case "create":
        checkRelatedWrite(ctx.session, meta, { create: value });
        return [
          after(meta, op, scopeFields(meta), async (session, { now }) => {
            await replaceChild(session, target, meta, now, undefined);
            await writeRelated(session, meta, now, { create: value });
          }),
        ];
      case "createMany":
        return createMany(ctx, target, meta, value);
      case "connect":
        return connect(target, meta, value);
      case "connectOrCreate":
        return connectOrCreate(ctx, target, meta, value);
      case "disconnect":
      case "set":
        return disconnect(ctx, target, meta, op, value);
      case "update":
        return updateRelated(ctx, meta, value, keyOf(target));
      case "updateMany":
        return updateManyRelated(ctx, meta, value);
      case "upsert":
        return upsert(ctx, target, meta, value);
      case "delete":
        return deleteRelated(ctx, meta, value, keyOf(target));
      default:
        return deleteManyRelated(ctx, meta, value);
    }
  },
};

/**
 * Before a to-one relation gets another row: the row it holds (but `keep`) is detached, its
 * key set to null; a key that is not nullable cannot be, so holding one is a ValidationError.
 */
async function replaceChild(
  session: Session,
  target: ModelCodec,
  meta: ChildMeta,
  parent: Values,
  keep: readonly WhereNode[] | undefined,
) {
  if (isToMany(meta) || !hasKeys(meta, parent)) return;
  const others = relatedState(session, meta, parent, keep ? [allOf(keep, true)] : []);
  if (childKeys(meta).every((field) => target.field(field).config.nullable)) {
    await updateRows(session, target, others, cleared(meta));
    return;
  }
  if ((await relatedKeys(session, target, meta, parent, others.wheres)).length > 0) {
    throw new ValidationError(
      `${relationLabel(meta)} already holds a "${target.meta.name}", whose "${childKeys(meta)[0]}" is not nullable, so it cannot be detached: update it, or delete it first.`,
      meta.model,
      meta.name,
    );
  }
}

/** `connect`: rows named by unique wheres (or keys) point at the parent; one UPDATE; a missing one is a NotFoundError. */
function connect(target: ModelCodec, meta: ChildMeta, value: unknown): NestedStep[] {
  const list = items(meta, value);
  const wheres = list.map((where) => whereOrRow(target, where, keyOf(target), opLabel("connect", meta)));
  return [
    after(meta, "connect", scopeFields(meta), async (session, { now }) => {
      const keys = ownership(target, meta, now, "connect");
      await replaceChild(session, target, meta, now, wheres[0]);
      const count = await updateRows(session, target, { ...EMPTY_STATE, wheres: [anyOf(wheres)] }, keys);
      expectEach(target, meta, "connect", list, count);
    }),
  ];
}

/**
 * `connectOrCreate`: `{ where, create }` (one or an array): the rows found (one lookup for
 * all) are pointed at the parent (one UPDATE), the rest created (one INSERT).
 */
function connectOrCreate(ctx: NestedContext, target: ModelCodec, meta: ChildMeta, value: unknown): NestedStep[] {
  const op = "connectOrCreate";
  const unique = new Map(
    items(meta, value).map((item) => {
      const args = argsOf(meta, op, item, ["where", "create"], ["where", "create"]);
      return [sameWhere(args.where), args] as const;
    }),
  );
  const list = [...unique.values()];
  const wheres = list.map(({ where }) => uniqueWhere(target, where, keyOf(target), opLabel(op, meta)));
  checkRelatedWrite(ctx.session, meta, { create: isToMany(meta) ? list.map((item) => item.create) : list[0]!.create });
  return [
    after(meta, op, scopeFields(meta), async (session, { now }) => {
      const keys = ownership(target, meta, now, op);
      const found = await findEach(session, target, wheres, target.meta.primaryKey);
      const rows = found.filter((row) => row !== undefined);
      await replaceChild(session, target, meta, now, rows.length > 0 ? byKeys(target, rows) : undefined);
      if (rows.length > 0) await updateRows(session, target, { ...EMPTY_STATE, wheres: byKeys(target, rows) }, keys);
      const creates = list.filter((_, i) => found[i] === undefined).map((item) => item.create);
      if (creates.length > 0) await writeRelated(session, meta, now, { create: isToMany(meta) ? creates : creates[0] });
    }),
  ];
}

/**
 * `disconnect` (to-many: unique wheres; to-one: true or a where) sets the keys of the parent's
 * rows it names to null; rows not related are left alone. `set` (to-many) disconnects every
 * related row it does not name, then connects those it names.
 */
function disconnect(ctx: NestedContext, target: ModelCodec, meta: ChildMeta, op: string, value: unknown): NestedStep[] {
  checkNullable(target, childKeys(meta), meta, op);
  if (!isToMany(meta)) {
    const wheres = toOneWheres(ctx.session, target, meta, op, value);
    if (wheres === undefined) return [];
    return [
      after(meta, op, scopeFields(meta), async (session, { now }) => {
        if (hasKeys(meta, now))
          await updateRows(session, target, relatedState(session, meta, now, wheres), cleared(meta));
      }),
    ];
  }
  const list = items(meta, value);
  const wheres = list.map((where) => whereOrRow(target, where, keyOf(target), opLabel(op, meta)));
  const set = op === "set";
  return [
    after(meta, op, scopeFields(meta), async (session, { now }) => {
      if (list.length === 0 && !set) return;
      const others = set ? (list.length > 0 ? [anyOf(wheres, true)] : []) : [anyOf(wheres)];
      if (hasKeys(meta, now))
        await updateRows(session, target, relatedState(session, meta, now, others), cleared(meta));
      if (!set || list.length === 0) return;
      const count = await updateRows(
        session,
        target,
        { ...EMPTY_STATE, wheres: [anyOf(wheres)] },
        ownership(target, meta, now, op),
      );
      expectEach(target, meta, op, list, count);
    }),
  ];
}

/**
 * `upsert`: to-many `{ where, create, update }` (one or an array; where unique), to-one
 * `{ where?, create, update }`: the related row found is updated, else one is created.
 */
function upsert(ctx: NestedContext, target: ModelCodec, meta: ChildMeta, value: unknown): NestedStep[] {
  const op = "upsert";
  const many = isToMany(meta);
  return items(meta, value).map((item) => {
    const args = argsOf(
      meta,
      op,
      item,
      ["where", "create", "update"],
      many ? ["where", "create", "update"] : ["create", "update"],
    );
    const where = many
      ? uniqueWhere(target, args.where, keyOf(target), opLabel(op, meta))
      : args.where === undefined
        ? []
        : nestedWhere(ctx.session, target, args.where, opLabel(op, meta));
    if (!isObject(args.create)) {
      throw new ValidationError(`${opLabel(op, meta)}: create takes an object of field values.`, meta.model, meta.name);
    }
    checkRelatedWrite(ctx.session, meta, { create: args.create });
    const plan = ctx.plan(target, args.update, opLabel(op, meta));
    return after(meta, op, scopeFields(meta), async (session, { now }) => {
      const rows = await relatedKeys(session, target, meta, now, where);
      for (const row of rows) await ctx.run(session, target, row, plan);
      if (rows.length > 0) return;
      await replaceChild(session, target, meta, now, undefined);
      await writeRelated(session, meta, now, { create: args.create });
    });
  });
}

/**
 * `createMany: { data, skipDuplicates? }`: field values only (no nested writes, as Prisma),
 * the rows pointed at the parent, one INSERT (rows a unique key already has skipped with
 * skipDuplicates), nothing read back.
 */
function createMany(ctx: NestedContext, target: ModelCodec, meta: ChildMeta, value: unknown): NestedStep[] {
  const op = "createMany";
  const { data, skipDuplicates } = argsOf(meta, op, value, ["data", "skipDuplicates"], ["data"]);
  const rows = createManyRows(target, meta, data, skipDuplicates);
  checkRelatedWrite(ctx.session, meta, { create: rows });
  return [
    after(meta, op, scopeFields(meta), async (session, { now }) => {
      const keys = ownership(target, meta, now, op);
      await insertCount(
        session,
        target,
        rows.map((row) => ({ ...row, ...keys })),
        { skipDuplicates: skipDuplicates === true },
      );
    }),
  ];
}

/** createMany's `data` (one row or an array): objects of field values, no relation writes; skipDuplicates a boolean. */
export function createManyRows(
  target: ModelCodec,
  meta: { model: string; name: string },
  data: unknown,
  skipDuplicates: unknown,
): Values[] {
  const where = `createMany through "${meta.model}.${meta.name}"`;
  const rows = Array.isArray(data) ? data : [data];
  for (const row of rows) {
    if (!isObject(row)) {
      throw new ValidationError(
        `${where} takes data: a row or an array of rows of field values.`,
        meta.model,
        meta.name,
      );
    }
    const unknown = Object.keys(row).find((key) => !target.meta.fields.has(key) && !target.meta.relations.has(key));
    if (unknown !== undefined) {
      throw new ValidationError(
        `${where}: "${unknown}" is not a field of "${target.meta.name}". Valid fields: ${target.meta.fieldNames.join(", ")}.`,
        target.meta.name,
        unknown,
      );
    }
    const relation = Object.keys(row).find((key) => target.meta.relations.has(key));
    if (relation !== undefined) {
      throw new ValidationError(
        `${where} creates rows of field values; "${relation}" is a relation of "${target.meta.name}" (use create for nested writes).`,
        target.meta.name,
        relation,
      );
    }
  }
  if (skipDuplicates !== undefined && typeof skipDuplicates !== "boolean") {
    throw new ValidationError(`${where}: skipDuplicates must be true or false.`, meta.model, meta.name);
  }
  return rows as Values[];
}
