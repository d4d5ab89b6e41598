import type { Session } from "../../dialect/session.js";
import { ValidationError } from "../../errors.js";
import { codecFor, type ModelCodec } from "../../plan/model-codec.js";
import { EMPTY_STATE } from "../../plan/state.js";
import { prepareUpdate } from "../../plan/validate.js";
import type { WhereNode } from "../../plan/where.js";
import { loaderFor, underRelation } from "../../relations/index.js";
import { isToMany, type RelationMeta } from "../../schema/meta.js";
import { deleteRows, matchingRows, updateRows } from "../writes.js";
import {
  after,
  argsOf,
  isObject,
  items,
  type NestedContext,
  type NestedStep,
  notFound,
  opLabel,
  toOneWheres,
  type UpdatePlan,
  type Values,
} from "./step.js";
import { anyOf, nestedWhere, sameWhere, uniqueWhere, whereOrRow } from "./where.js";

/** The target model of a relation with one (every kind but morphTo). */
export const targetCodec = (session: Session, meta: RelationMeta): ModelCodec =>
  codecFor(session, (meta as { target: string }).target);

/** The fields of the parent row a relation's rows are found by (its key, or its foreign key). */
export const scopeFields = (meta: RelationMeta): readonly string[] => loaderFor(meta).parentFields(meta);

/**
 * One parent's related rows matching `wheres`, as a write state on the target model: the
 * relation's scope (its keys, its where, its pivot), its withTrashed / withoutGlobalScopes.
 */
export function relatedState(session: Session, meta: RelationMeta, parent: Values, wheres: readonly WhereNode[]) {
  const { wheres: scope } = loaderFor(meta).scope(session, meta, parent);
  return underRelation(meta, { ...EMPTY_STATE, scope, wheres });
}

/** Whether the parent has a key to find related rows by (a belongsTo whose foreign key is null has none). */
export const hasKeys = (meta: RelationMeta, parent: Values): boolean =>
  scopeFields(meta).every((field) => parent[field] !== null && parent[field] !== undefined);

/** The primary keys of the related rows matching `wheres` (none when the parent has no key). */
export async function relatedKeys(
  session: Session,
  target: ModelCodec,
  meta: RelationMeta,
  parent: Values,
  wheres: readonly WhereNode[],
  fields: readonly string[] = target.meta.primaryKey,
): Promise<Values[]> {
  if (!hasKeys(meta, parent)) return [];
  return matchingRows(session, target, relatedState(session, meta, parent, wheres), fields);
}

/** A write through unique wheres reached `count` rows: fewer than the distinct wheres given is a NotFoundError. */
export function expectEach(
  target: ModelCodec,
  meta: RelationMeta,
  op: string,
  wheres: readonly unknown[],
  count: number,
) {
  const wanted = new Set(wheres.map(sameWhere));
  if (count < wanted.size) throw notFound(target, meta, op, wanted.size, count);
}

/** A to-one `update`'s value: `data`, or `{ where?, data }` when the model has no field or relation named so. */
function toOneUpdate(target: ModelCodec, value: unknown): { where?: unknown; data: unknown } {
  const wrapped =
    isObject(value) &&
    Object.hasOwn(value, "data") &&
    Object.keys(value).every((key) => key === "where" || key === "data") &&
    !target.meta.fields.has("data") &&
    !target.meta.relations.has("data");
  return wrapped ? { where: value.where, data: value.data } : { data: value };
}

/**
 * `update`: to-many `{ where, data }` (one or an array; where unique among the related rows),
 * to-one `data` or `{ where?, data }`. The rows must be related: none is a NotFoundError.
 * Field values only: one UPDATE; with nested writes (or no fields): the row is read, then updated.
 */
export function updateRelated(
  ctx: NestedContext,
  meta: RelationMeta,
  value: unknown,
  keyField: string | undefined,
): NestedStep[] {
  const target = targetCodec(ctx.session, meta);
  const op = "update";
  const parts = isToMany(meta)
    ? items(meta, value).map((item) => {
        const { where, data } = argsOf(meta, op, item, ["where", "data"], ["where", "data"]);
        return { where: uniqueWhere(target, where, keyField, opLabel(op, meta)), data };
      })
    : [toOneUpdate(target, value)].map(({ where, data }) => ({
        where: where === undefined ? [] : nestedWhere(ctx.session, target, where, opLabel(op, meta)),
        data,
      }));
  return parts.map(({ where, data }) => {
    const plan = ctx.plan(target, data, opLabel(op, meta));
    return after(meta, op, scopeFields(meta), (session, { now }) =>
      updateWhere(ctx, session, target, meta, now, where, plan),
    );
  });
}

/** Updates the related rows `where` names with a plan; none: NotFoundError. */
async function updateWhere(
  ctx: NestedContext,
  session: Session,
  target: ModelCodec,
  meta: RelationMeta,
  parent: Values,
  where: readonly WhereNode[],
  plan: UpdatePlan,
) {
  if (!hasKeys(meta, parent)) throw notFound(target, meta, "update", 1, 0);
  if (plan.steps.length === 0 && Object.keys(plan.scalars).length > 0) {
    const count = await updateRows(session, target, relatedState(session, meta, parent, where), plan.scalars);
    if (count === 0) throw notFound(target, meta, "update", 1, 0);
    return;
  }
  const rows = await relatedKeys(session, target, meta, parent, where);
  if (rows.length === 0) throw notFound(target, meta, "update", 1, 0);
  for (const row of rows) await ctx.run(session, target, row, plan);
}

/** `updateMany`: `{ where, data }` (one or an array): field values on the related rows the where matches. */
export function updateManyRelated(ctx: NestedContext, meta: RelationMeta, value: unknown): NestedStep[] {
  const target = targetCodec(ctx.session, meta);
  const op = "updateMany";
  return items(meta, value).map((item) => {
    const { where, data } = argsOf(meta, op, item, ["where", "data"], ["data"]);
    const wheres = where === undefined ? [] : nestedWhere(ctx.session, target, where, opLabel(op, meta));
    checkFieldData(target, meta, op, data);
    return after(meta, op, scopeFields(meta), async (session, { now }) => {
      if (hasKeys(meta, now))
        await updateRows(session, target, relatedState(session, meta, now, wheres), data as Values);
    });
  });
}

/** The data of updateMany: field values of the related model (no relation writes), checked before any SQL. */
export function checkFieldData(target: ModelCodec, meta: RelationMeta, op: string, data: unknown): void {
  if (!isObject(data)) {
    throw new ValidationError(`${opLabel(op, meta)} needs data: an object of field values.`, meta.model, meta.name);
  }
  const relation = Object.keys(data).find((key) => target.meta.relations.has(key));
  if (relation !== undefined) {
    throw new ValidationError(
      `${opLabel(op, meta)} sets fields only; "${relation}" is a relation of "${target.meta.name}" (write it with update).`,
      target.meta.name,
      relation,
    );
  }
  prepareUpdate(target, data);
}

/**
 * `delete` of children or an owner: to-many unique wheres (one or an array), to-one true or a
 * where. Only related rows; fewer than named is a NotFoundError (everything rolled back).
 */
export function deleteRelated(ctx: NestedContext, meta: RelationMeta, value: unknown, keyField: string | undefined) {
  const target = targetCodec(ctx.session, meta);
  const op = "delete";
  if (!isToMany(meta)) {
    const wheres = toOneWheres(ctx.session, target, meta, op, value);
    if (wheres === undefined) return [];
    return [
      after(meta, op, scopeFields(meta), (session, { now }) =>
        deleteExpecting(session, target, meta, now, wheres, [1]),
      ),
    ];
  }
  const list = items(meta, value);
  const wheres = list.map((where) => whereOrRow(target, where, keyField, opLabel(op, meta)));
  return [
    after(meta, op, scopeFields(meta), (session, { now }) =>
      deleteExpecting(session, target, meta, now, [anyOf(wheres)], list),
    ),
  ];
}

/** Deletes the related rows matching `wheres`; fewer than `named` distinct wheres is a NotFoundError. */
async function deleteExpecting(
  session: Session,
  target: ModelCodec,
  meta: RelationMeta,
  parent: Values,
  wheres: readonly WhereNode[],
  named: readonly unknown[],
) {
  const count = hasKeys(meta, parent)
    ? await deleteRows(session, target, relatedState(session, meta, parent, wheres))
    : 0;
  expectEach(target, meta, "delete", named, count);
}

/** `deleteMany` of children: a where or an array of them (`{}`: every related row). */
export function deleteManyRelated(ctx: NestedContext, meta: RelationMeta, value: unknown): NestedStep[] {
  const target = targetCodec(ctx.session, meta);
  const wheres = manyWheres(ctx.session, target, meta, "deleteMany", value);
  return [
    after(meta, "deleteMany", scopeFields(meta), async (session, { now }) => {
      if (hasKeys(meta, now)) await deleteRows(session, target, relatedState(session, meta, now, wheres));
    }),
  ];
}

/** The condition of a `deleteMany`: any of the wheres given (one or an array; `{}` matches every row). */
export function manyWheres(
  session: Session,
  target: ModelCodec,
  meta: RelationMeta,
  op: string,
  value: unknown,
): WhereNode[] {
  const list = Array.isArray(value) ? value : [value];
  return [anyOf(list.map((where) => nestedWhere(session, target, where, opLabel(op, meta))))];
}
