// biome-ignore-all lint/complexity/noArguments: arity checks read arguments.length (no rest array, same signatures)

import type { Session } from "../dialect/session.js";
import { NotFoundError, ValidationError } from "../errors.js";
import { withoutHidden } from "../loader/hidden.js";
import { checkOptions, checkOwnKey, describeValue, noExtraArguments, ownValue } from "../plan/arguments.js";
import { adoptRows, rememberRow, rememberWritten } from "../plan/instance-state.js";
import { codecFor, type ModelCodec } from "../plan/model-codec.js";
import { EMPTY_STATE, type QueryState } from "../plan/state.js";
import { checkFilterValue, checkValue, prepareInsert } from "../plan/validate.js";
import { compareNode } from "../plan/where.js";
import { keyOf } from "../relations/fetch.js";
import { loaderFor, underRelation } from "../relations/index.js";
import { isToMany, kindName, type RelationMeta, relationWrites } from "../schema/meta.js";
import { createGraph, hasNestedWrites } from "../write/graph-writes.js";
import { writerFor } from "../write/kinds/index.js";
import type { AttachInput, SyncResult } from "../write/pivot-writes.js";
import { insertRows, updateRows } from "../write/writes.js";
import { PROPS } from "./builder/self.js";
import { type AnyQueryBuilder, composeBuilder, QueryBuilder, withLocalScopes } from "./query-builder.js";

// The handle types (`HasManyHandle`, `HandleOf`, ...) live in relation-handle-types.ts; imported from here too.
export type * from "./relation-handle-types.js";

type Values = Record<string, unknown>;

/** The builder of one parent's related rows on `session` (read as the relation's kind reads them). */
function scopedBuilder(session: Session, meta: RelationMeta, parent: Values, state: QueryState, model: string) {
  const writer = writerFor(meta);
  const read = writer.read && ((s: QueryState) => writer.read!(session, meta, parent, s));
  return QueryBuilder.make({ session, codec: codecFor(session, model) }, state, read);
}

const sendsNothing = new WeakMap<Session, Session>();

/**
 * `session` for a query that can match no row: it sends nothing, and every statement reads no
 * rows and changes none (the handle of a parent whose key is null, so `get()` is [], `count()`
 * 0, `update()` 0, without a round trip). Statements are still built, so arguments are checked.
 */
function nothingSession(session: Session): Session {
  let none = sendsNothing.get(session);
  if (!none) {
    const empty = Object.create(session) as Session;
    Object.defineProperties(empty, {
      execute: { value: async () => ({ rows: [] }) },
      transaction: { value: <T>(fn: (s: Session) => Promise<T>) => fn(empty) },
    });
    none = empty;
    sendsNothing.set(session, none);
  }
  return none;
}

/**
 * `db.<model>.related(row, relation)`: the handle of one parent's related rows. A parent whose
 * key the relation needs is null has none: its reads send no SQL.
 */
export function relationHandle(session: Session, meta: RelationMeta, parent: Values): RelationHandle {
  if (typeof parent !== "object" || parent === null) {
    throw new ValidationError(`related(row, "${meta.name}") needs a "${meta.model}" row.`, meta.model);
  }
  const loader = loaderFor(meta);
  // A key the row holds as null (or undefined) points nowhere: no related rows, read by nothing.
  // A key the row lacks (not read) is a ValidationError asking for it (the kind's scope says so).
  const unset = loader
    .parentFields(meta)
    .filter((field) => field in parent && (parent[field] === null || parent[field] === undefined));
  const scoped = unset.length === 0 ? parent : { ...parent, ...Object.fromEntries(unset.map((f) => [f, null])) };
  const { model, wheres } = loader.scope(session, meta, scoped);
  const reads = unset.length === 0 ? session : nothingSession(session);
  return handleOn(
    session,
    meta,
    parent,
    scopedBuilder(reads, meta, parent, underRelation(meta, { ...EMPTY_STATE, scope: wheres }), model),
  );
}

/**
 * One parent's related rows: a query on the related model scoped to them (every builder
 * method and terminal, `update`/`delete` included, composed from the builder it holds; a
 * chained method returns a handle with the same scope and writes) plus the writes through the
 * relation, each provided by the relation kind's writer (write/kinds/). At run time every
 * handle has every write, so a plain JS caller of the wrong one gets a ValidationError; the
 * types (`HasManyHandle`, `ManyToManyHandle`, ...) offer each kind only its own.
 */
/** A relation handle on `builder`'s rows (of the subclass with the related model's local scopes, if any). */
function handleOn(session: Session, meta: RelationMeta, parent: Values, builder: AnyQueryBuilder) {
  return new (withLocalScopes(RelationHandle, builder[PROPS].ctx.codec.meta))(session, meta, parent, builder);
}

export class RelationHandle {
  readonly #session: Session;
  readonly #meta: RelationMeta;
  readonly #parent: Values;
  readonly #builder: AnyQueryBuilder;

  constructor(session: Session, meta: RelationMeta, parent: Values, builder: AnyQueryBuilder) {
    this.#session = session;
    this.#meta = meta;
    this.#parent = parent;
    this.#builder = builder;
  }

  static {
    composeBuilder(
      // biome-ignore lint/complexity/noThisInStatic: the class binding is not yet set in a transpiled static block
      this,
      (handle) => handle.#builder,
      (handle, result) =>
        result instanceof QueryBuilder
          ? // instanceof gives the class with `any` type arguments, which an invariant `K` will not take for `never`.
            handleOn(handle.#session, handle.#meta, handle.#parent, result as unknown as AnyQueryBuilder)
          : result,
    );
  }

  /** @internal The scoped query's props (a callback may return the handle as its builder). */
  get [PROPS]() {
    return this.#builder[PROPS];
  }

  get #codec(): ModelCodec {
    return this.#builder[PROPS].ctx.codec;
  }

  #arity(args: ArrayLike<unknown>, max: number, signature: string): void {
    if (args.length > max) noExtraArguments(this.#codec.meta.name, signature, args, max);
  }

  #ownership(action: string): Values {
    return writerFor(this.#meta).ownership(this.#meta, this.#parent, this.#codec, action);
  }

  async create(values: Values): Promise<Values> {
    this.#arity(arguments, 1, "create(values)");
    const [row] = await this.createMany([values]);
    return row!;
  }

  async createMany(values: readonly Values[]): Promise<Values[]> {
    this.#arity(arguments, 1, "createMany(rows)");
    const ownership = this.#ownership("create");
    const codec = this.#codec;
    const rows = objectRows(codec.meta.name, "createMany", values).map((v) => ({ ...v, ...ownership }));
    const created = hasNestedWrites(codec, rows)
      ? await createGraph(this.#session, codec, rows)
      : await insertRows(this.#session, codec, rows);
    return withoutHidden(this.#session, codec.meta.name, created);
  }

  /**
   * A to-many relation's rows; a to-one relation's (hasOne, morphOne, belongsTo, morphTo,
   * hasOneThrough) one row or null, as `first()` reads it. Chained handles read the same way.
   */
  async get(): Promise<Values[] | Values | null> {
    this.#arity(arguments, 0, "get()");
    return isToMany(this.#meta) ? this.#builder.get() : this.first();
  }

  /** The related rows as an array, whatever the relation's kind (`get()` of a to-many relation). */
  async toArray(): Promise<Values[]> {
    this.#arity(arguments, 0, "toArray()");
    return this.#builder.get();
  }

  /** The first related row, or (a withDefault relation) its default row when there is none. */
  async first(): Promise<Values | null> {
    this.#arity(arguments, 0, "first()");
    const row = (await this.#builder.first()) as Values | null;
    return row ?? loaderFor(this.#meta).defaultRow?.(this.#session, this.#meta, this.#parent) ?? null;
  }

  make(values: Values = {}): Values {
    this.#arity(arguments, 1, "make(values)");
    const keys = this.#ownership("make");
    this.#checkValues("make", "values", values);
    return { ...values, ...keys };
  }

  async firstOrNew(attributes: Values, values: Values = {}): Promise<Values> {
    this.#arity(arguments, 2, "firstOrNew(attributes, values)");
    const keys = writerFor(this.#meta).newRow(this.#meta, this.#parent, this.#codec, "firstOrNew");
    this.#checkAttributes("firstOrNew", attributes, values);
    this.#checkValues("firstOrNew", "values", values);
    const found = (await this.#builder.where(attributes as never).first()) as Values | null;
    return found ?? { ...attributes, ...values, ...keys };
  }

  async firstOrCreate(attributes: Values, values: Values = {}, pivotValues?: Values): Promise<Values> {
    this.#arity(arguments, 3, "firstOrCreate(attributes, values, pivotValues)");
    const upsert = this.#upsert("firstOrCreate", attributes, values, pivotValues);
    if (upsert) return upsert;
    return this.#withinTransaction(async (scoped, builder) => {
      const found = (await builder.where(attributes as never).first()) as Values | null;
      return found ?? scoped.create({ ...attributes, ...values });
    });
  }

  async updateOrCreate(attributes: Values, values: Values = {}, pivotValues?: Values): Promise<Values> {
    this.#arity(arguments, 3, "updateOrCreate(attributes, values, pivotValues)");
    const upsert = this.#upsert("updateOrCreate", attributes, values, pivotValues);
    if (upsert) return upsert;
    return this.#withinTransaction(async (scoped, builder) => {
      const found = (await builder.where(attributes as never).first()) as Values | null;
      if (!found) return scoped.create({ ...attributes, ...values });
      const pk = this.#codec.meta.primaryKey;
      const byKey = builder.where(Object.fromEntries(pk.map((f) => [f, found[f]])) as never);
      if (Object.keys(values).length > 0) await byKey.update(values as never);
      return (await byKey.first()) as Values;
    });
  }

  /**
   * firstOrCreate / updateOrCreate, checked: through a kind that writes them its own way
   * (many-to-many: found or created, then attached) the writer's promise; otherwise undefined,
   * and the caller creates with the relation's keys (pivot values are for many-to-many only).
   */
  #upsert(
    action: "firstOrCreate" | "updateOrCreate",
    attributes: Values,
    values: Values,
    pivotValues: Values | undefined,
  ): Promise<Values> | undefined {
    const writer = writerFor(this.#meta);
    this.#checkAttributes(action, attributes, values);
    if (writer.upsert) {
      const { state } = this.#builder[PROPS];
      return writer.upsert(this.#session, this.#meta, this.#parent, state, { action, attributes, values, pivotValues });
    }
    this.#ownership(action);
    if (pivotValues !== undefined) {
      throw new ValidationError(
        `${action} through "${this.#meta.model}.${this.#meta.name}" takes (attributes, values); pivot values are for many-to-many relations.`,
        this.#meta.model,
        this.#meta.name,
      );
    }
    return undefined;
  }

  /** The fields of `values` checked against the related model (own keys, known fields, their types). */
  #checkValues(action: string, name: string, values: Values): void {
    const codec = this.#codec;
    if (typeof values !== "object" || values === null || Array.isArray(values)) {
      throw new ValidationError(
        `${action} on "${codec.meta.name}": ${name} must be an object of field values, got ${describeValue(values)}.`,
        codec.meta.name,
      );
    }
    for (const [field, value] of Object.entries(values)) {
      checkOwnKey(codec.meta.name, field);
      if (value !== undefined) checkValue(codec, field, value);
    }
  }

  /** firstOrCreate / updateOrCreate take two objects. */
  #checkAttributes(action: string, attributes: unknown, values: unknown): void {
    const model = this.#codec.meta.name;
    for (const [name, value] of [
      ["attributes", attributes],
      ["values", values],
    ] as const) {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new ValidationError(
          `${action} on "${model}" takes (attributes, values): ${name} must be an object.`,
          model,
        );
      }
    }
  }

  /** This handle (same scope) and its builder on the session of a transaction, for `fn`. */
  #withinTransaction<X>(fn: (scoped: RelationHandle, builder: AnyQueryBuilder) => Promise<X>): Promise<X> {
    return this.#session.transaction((tx) => {
      const { state } = this.#builder[PROPS];
      const builder = scopedBuilder(tx, this.#meta, this.#parent, state, this.#codec.meta.name);
      return fn(handleOn(tx, this.#meta, this.#parent, builder), builder);
    });
  }

  async save(row: Values): Promise<Values> {
    this.#arity(arguments, 1, "save(row)");
    const [saved] = await this.saveMany([row]);
    return saved!;
  }

  async saveMany(rows: readonly Values[]): Promise<Values[]> {
    this.#arity(arguments, 1, "saveMany(rows)");
    const ownership = this.#ownership("save");
    const codec = this.#codec;
    const [pk, ...rest] = codec.meta.primaryKey;
    if (pk === undefined || rest.length > 0) {
      throw new ValidationError(
        `save through a relation needs "${codec.meta.name}" to have a single primary key.`,
        codec.meta.name,
      );
    }
    const list = objectRows(codec.meta.name, "saveMany", rows);
    // Everything is validated before the transaction starts...
    const keys = list.map((row) => ownValue(row, pk));
    for (const [i, row] of list.entries()) {
      if (keys[i] === undefined || keys[i] === null) prepareInsert(codec, { ...row, ...ownership });
    }
    const changes = await this.#session.transaction(async (tx) => {
      const out: Values[] = [];
      for (const [i, row] of list.entries()) {
        const key = keys[i];
        if (key === undefined || key === null) {
          const [created] = await insertRows(tx, codec, [{ ...row, ...ownership }]);
          out.push(created!);
          continue;
        }
        const state = { ...EMPTY_STATE, wheres: [compareNode(codec, false, pk, "=", key)] };
        if ((await updateRows(tx, codec, state, ownership)) === 0) {
          throw new ValidationError(
            `save: no "${codec.meta.name}" with ${pk} ${String(key)} to attach.`,
            codec.meta.name,
            pk,
          );
        }
        out.push(ownership);
      }
      return out;
    });
    // ...and the caller's objects change only once it has committed (a class model's instances
    // then hold what was saved: an inserted one is saved, a moved one's key no longer a change).
    return list.map((row, i) => {
      Object.assign(row, changes[i]);
      if (codec.meta.modelClass) {
        if (keys[i] === undefined || keys[i] === null) {
          rememberRow(codec.meta, row);
          adoptRows([row], this.#session, false);
        } else rememberWritten([row], changes[i]!);
      }
      return row;
    });
  }

  async findOrFail(ids: unknown): Promise<Values | Values[]> {
    this.#arity(arguments, 1, "findOrFail(ids)");
    const codec = this.#codec;
    const model = codec.meta.name;
    const [pk, ...rest] = codec.meta.primaryKey;
    if (pk === undefined || rest.length > 0) {
      throw new ValidationError(`findOrFail on "${model}" needs a single primary key; use where(...).`, model);
    }
    const many = Array.isArray(ids);
    const keys: unknown[] = many ? ids : [ids];
    for (const key of keys) {
      if (typeof key !== "number" && typeof key !== "string" && typeof key !== "bigint") {
        throw new ValidationError(
          `findOrFail on "${model}" takes a key or an array of keys (numbers, strings or bigints); got ${describeValue(key)}.`,
          model,
          pk,
        );
      }
      checkFilterValue(codec, pk, key);
    }
    if (keys.length === 0) return [];
    const rows = (await (many
      ? this.#builder.whereIn(pk as never, keys as never).get()
      : this.#builder
          .where(pk as never, keys[0] as never)
          .limit(1)
          .get())) as Values[];
    const found = new Set(rows.map((row) => keyOf(row[pk])));
    const missing = [...new Map(keys.map((k) => [keyOf(k), k])).values()].filter((k) => !found.has(keyOf(k)));
    if (missing.length > 0) {
      throw new NotFoundError(
        model,
        `through "${this.#meta.model}.${this.#meta.name}" with ${pk} ${missing.map(String).join(", ")}`,
      );
    }
    return many ? rows : rows[0]!;
  }

  orderByPivot(field: string, direction?: "asc" | "desc"): RelationHandle {
    this.#arity(arguments, 2, "orderByPivot(field, direction)");
    const pivot = writerFor(this.#meta).pivot(this.#session, this.#meta, "orderByPivot");
    // Ordered on a builder that knows the pivot; the handle's keeps none (wherePivot stays a constraint's).
    const { ctx, state, read } = this.#builder[PROPS];
    const ordered = QueryBuilder.make({ ...ctx, pivot }, state, read).orderByPivot(field, direction);
    return handleOn(
      this.#session,
      this.#meta,
      this.#parent,
      QueryBuilder.make(ctx, QueryBuilder.stateOf(ordered), read),
    );
  }

  async associate(target: unknown, options?: unknown): Promise<object> {
    this.#arity(arguments, 2, "associate(target, options)");
    return writerFor(this.#meta).associate(this.#session, this.#meta, this.#parent, target, options);
  }

  async dissociate(target?: unknown, options?: unknown): Promise<object> {
    this.#arity(arguments, 2, `dissociate(${this.#owner ? "target" : "children"}, options)`);
    return writerFor(this.#meta).dissociate(this.#session, this.#meta, this.#parent, target, options);
  }

  /** neko-orm's spelling of `dissociate`: the same write, its errors naming `dessociate`. */
  async dessociate(target?: unknown, options?: unknown): Promise<object> {
    this.#arity(arguments, 2, `dessociate(${this.#owner ? "target" : "children"}, options)`);
    return calledAs("dessociate", () =>
      writerFor(this.#meta).dissociate(this.#session, this.#meta, this.#parent, target, options),
    );
  }

  /** belongsTo / morphTo: `dissociate(options)` (neko-orm's "faster way of dessociate"). */
  async unlink(options?: unknown): Promise<object> {
    this.#arity(arguments, 1, "unlink(options)");
    const meta = this.#meta;
    if (!this.#owner) {
      throw new ValidationError(
        `unlink through "${meta.model}.${meta.name}" (a ${kindName(meta)}) is not available: it clears this row's key to its owner, so it works on belongsTo and morphTo${relationWrites(meta) === "child" ? "; detach children with dissociate(children)" : ""}.`,
        meta.model,
        meta.name,
      );
    }
    const checked = checkOptions(meta.model, "unlink", options, ["sync"]);
    return calledAs("unlink", () =>
      writerFor(meta).dissociate(this.#session, meta, this.#parent, undefined, { ...checked }),
    );
  }

  /** Whether this row holds its owner's key (belongsTo, morphTo): dissociate takes a target, unlink works. */
  get #owner(): boolean {
    return relationWrites(this.#meta) === "owner";
  }

  async attach(input: AttachInput, values: Values = {}): Promise<unknown[]> {
    this.#arity(arguments, 2, "attach(keys, pivotValues)");
    return writerFor(this.#meta).attach(this.#session, this.#meta, this.#parent, input, values);
  }

  async detach(input?: AttachInput): Promise<number> {
    this.#arity(arguments, 1, "detach(keys)");
    return writerFor(this.#meta).detach(this.#session, this.#meta, this.#parent, input);
  }

  async sync(input: AttachInput): Promise<SyncResult> {
    this.#arity(arguments, 1, "sync(keys)");
    const [result] = await writerFor(this.#meta).sync(this.#session, this.#meta, [[this.#parent, input]], true, "sync");
    return result!;
  }

  async syncWithoutDetaching(input: AttachInput): Promise<SyncResult> {
    this.#arity(arguments, 1, "syncWithoutDetaching(keys)");
    const [result] = await writerFor(this.#meta).sync(
      this.#session,
      this.#meta,
      [[this.#parent, input]],
      false,
      "syncWithoutDetaching",
    );
    return result!;
  }

  async toggle(input: AttachInput): Promise<{ attached: unknown[]; detached: unknown[] }> {
    this.#arity(arguments, 1, "toggle(keys)");
    return writerFor(this.#meta).toggle(this.#session, this.#meta, this.#parent, input);
  }

  async updateExistingPivot(key: unknown, values: Values): Promise<number> {
    this.#arity(arguments, 2, "updateExistingPivot(key, pivotValues)");
    return writerFor(this.#meta).updateExistingPivot(this.#session, this.#meta, this.#parent, key, values);
  }
}

/**
 * Runs a write the caller named by another name (`dessociate`, `unlink`): the writers say
 * "dissociate", so a ValidationError is given again with the name the caller used.
 */
async function calledAs<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError(error.message.replace(/\bdissociate\b/g, name), error.model, error.field);
  }
}

/** The rows of a batch write: an array of objects, or a ValidationError before any SQL. */
function objectRows(model: string, action: string, rows: unknown): Values[] {
  if (!Array.isArray(rows) || rows.some((row) => typeof row !== "object" || row === null || Array.isArray(row))) {
    throw new ValidationError(`${action} on "${model}" needs an array of row objects.`, model);
  }
  return rows as Values[];
}
