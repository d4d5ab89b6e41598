import type { Session } from "../../dialect/session.js";
import { NotFoundError, ValidationError } from "../../errors.js";
import { describeValue, ownValue } from "../../plan/arguments.js";
import type { ModelCodec } from "../../plan/model-codec.js";
import type { WhereNode } from "../../plan/where.js";
import { isToMany, type RelationMeta } from "../../schema/meta.js";
import { nestedWhere } from "./where.js";

export type Values = Record<string, unknown>;

/**
 * A Prisma-style update of one row, validated before any SQL: its own field values (as given:
 * `updateRows` reads atomic number updates itself) and its nested relation operations in the
 * order the data gives them.
 */
export interface UpdatePlan {
  readonly codec: ModelCodec;
  readonly scalars: Values;
  readonly steps: readonly NestedStep[];
}

/** The parent row as a step sees it: before the update (`was`), and with the update's own values (`now`). */
export interface ParentRow {
  readonly was: Values;
  readonly now: Values;
}

/**
 * One nested operation, validated and ready to run. `before` steps run before the parent's own
 * UPDATE and return fields of the parent to set in it (an owner relation's foreign key);
 * the others run after it, in order.
 */
export interface NestedStep {
  readonly before: boolean;
  /** The fields of the parent row it sets (before steps), so a value given for one too is a conflict. */
  readonly sets: readonly string[];
  /** The fields of the parent row it reads besides its primary key (read once for every step). */
  readonly reads: readonly string[];
  /** What it is, for errors: `connect through "post.author"`. */
  readonly label: string;
  run(session: Session, parent: ParentRow): Promise<Values | undefined>;
}

/** What a relation's operations need from the update graph: its recursion into related rows. */
export interface NestedContext {
  readonly session: Session;
  /** Validates `data` as the update of a `codec` row (its nested writes too); `context` names it in errors. */
  plan(codec: ModelCodec, data: unknown, context: string): UpdatePlan;
  /** Runs a plan on one stored row (`row` holds its primary key). */
  run(session: Session, codec: ModelCodec, row: Values, plan: UpdatePlan): Promise<void>;
}

/** A relation kind's nested update operations (`create`, `connect`, ...), each prepared into a step. */
export interface NestedUpdater<M extends RelationMeta = RelationMeta> {
  /** The operations the relation takes (for errors); a name not listed is a ValidationError. */
  operations(meta: M): readonly string[];
  /** Validates one operation's value before any SQL; returns the steps that run it. */
  prepare(ctx: NestedContext, meta: M, op: string, value: unknown): NestedStep[];
}

/** Prisma's nested operations on a to-many relation (hasMany, morphMany, many-to-many). */
export const TO_MANY_OPERATIONS = [
  "create",
  "createMany",
  "connect",
  "connectOrCreate",
  "disconnect",
  "set",
  "update",
  "updateMany",
  "upsert",
  "delete",
  "deleteMany",
];
/** Prisma's nested operations on a to-one relation (hasOne, morphOne, belongsTo). */
export const TO_ONE_OPERATIONS = ["create", "connect", "connectOrCreate", "disconnect", "update", "upsert", "delete"];

/** `"user.posts"`, quoted, as errors name a relation. */
export const relationLabel = (meta: RelationMeta) => `"${meta.model}.${meta.name}"`;

/** `update through "user.posts"`: what an error names. */
export const opLabel = (op: string, meta: RelationMeta) => `${op} through ${relationLabel(meta)}`;

export const isObject = (value: unknown): value is Values =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** A value given as one item or an array of them (to-many operations); to-one relations take one. */
export function items(meta: RelationMeta, value: unknown): unknown[] {
  return Array.isArray(value) && isToMany(meta) ? value : [value];
}

/**
 * An operation's argument object: its own keys among `allowed`, `required` present; anything
 * else a ValidationError showing the shape it takes.
 */
export function argsOf(
  meta: RelationMeta,
  op: string,
  value: unknown,
  allowed: readonly string[],
  required: readonly string[],
): Values {
  const shape = `{ ${allowed.map((key) => (required.includes(key) ? key : `${key}?`)).join(", ")} }`;
  const unknown = isObject(value) ? Object.keys(value).filter((key) => !allowed.includes(key)) : [];
  const missing = isObject(value) ? required.filter((key) => ownValue(value, key) === undefined) : required;
  if (!isObject(value) || unknown.length > 0 || missing.length > 0) {
    const why =
      unknown.length > 0
        ? `; unknown: ${unknown.join(", ")}`
        : missing.length > 0 && isObject(value)
          ? `; missing: ${missing.join(", ")}`
          : `; got ${describeValue(value)}`;
    throw new ValidationError(
      `${opLabel(op, meta)} takes ${shape}${isToMany(meta) && op !== "createMany" ? " or an array of them" : ""}${why}.`,
      meta.model,
      meta.name,
    );
  }
  const out: Values = {};
  for (const key of allowed) out[key] = ownValue(value, key);
  return out;
}

/**
 * A to-one `disconnect` / `delete` on `target`: true (the related row: no condition), false
 * (nothing: undefined) or a where object the related row must match (its conditions).
 */
export function toOneWheres(
  session: Session,
  target: ModelCodec,
  meta: RelationMeta,
  op: string,
  value: unknown,
): WhereNode[] | undefined {
  if (typeof value === "boolean") return value ? [] : undefined;
  if (isObject(value)) return nestedWhere(session, target, value, opLabel(op, meta));
  throw new ValidationError(
    `${opLabel(op, meta)} takes true (or false: nothing) or a where object; got ${describeValue(value)}.`,
    meta.model,
    meta.name,
  );
}

/** A field the relation clears must be nullable: otherwise a ValidationError before any SQL, as Prisma. */
export function checkNullable(codec: ModelCodec, fields: readonly string[], meta: RelationMeta, op: string): void {
  const required = fields.filter((field) => !codec.field(field).config.nullable);
  if (required.length > 0) {
    throw new ValidationError(
      `${opLabel(op, meta)} would set "${codec.meta.name}.${required[0]}" to null, and it is not nullable; delete the row or connect another instead.`,
      codec.meta.name,
      required[0],
    );
  }
}

/** The NotFoundError of a nested operation whose rows are not there: `wanted` rows named, `found` of them were. */
export function notFound(
  codec: ModelCodec,
  meta: RelationMeta,
  op: string,
  wanted: number,
  found: number,
): NotFoundError {
  return new NotFoundError(
    codec.meta.name,
    wanted === 1
      ? `for ${opLabel(op, meta)}`
      : `for ${opLabel(op, meta)}: ${wanted} wheres named ${found} row${found === 1 ? "" : "s"}`,
  );
}

/** A step that runs after the parent's UPDATE. */
export function after(
  meta: RelationMeta,
  op: string,
  reads: readonly string[],
  run: (session: Session, parent: ParentRow) => Promise<unknown>,
): NestedStep {
  return {
    before: false,
    sets: [],
    reads,
    label: opLabel(op, meta),
    run: async (session, parent) => {
      await run(session, parent);
      return undefined;
    },
  };
}

/** A step that runs before the parent's UPDATE and returns the fields it sets on the parent. */
export function before(
  meta: RelationMeta,
  op: string,
  sets: readonly string[],
  reads: readonly string[],
  run: (session: Session, parent: ParentRow) => Promise<Values>,
): NestedStep {
  return { before: true, sets, reads, label: opLabel(op, meta), run };
}
