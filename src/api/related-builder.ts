// biome-ignore-all lint/complexity/noArguments: arity checks read arguments.length (no rest array, same signatures)
import type { Session } from "../dialect/session.js";
import { ValidationError } from "../errors.js";
import { loadRelations } from "../loader/load-relations.js";
import { checkOptions, describeValue, ownValue } from "../plan/arguments.js";
import { codecFor, type ModelCodec, modelOfRow } from "../plan/model-codec.js";
import { EMPTY_STATE, type QueryState } from "../plan/state.js";
import { checkValue, prepareInsert } from "../plan/validate.js";
import { compareNode } from "../plan/where.js";
import { keyOf } from "../relations/fetch.js";
import { loaderFor } from "../relations/index.js";
import type { Schema } from "../schema/define-schema.js";
import {
  type BelongsToMeta,
  isChildRelation,
  isPivotRelation,
  type MorphToMeta,
  type RelationMeta,
} from "../schema/meta.js";
import type { ModelName, Row, Simplify } from "../schema/types.js";
import type { GraphInput } from "../schema/write-types.js";
import { childOwnership, createGraph, hasNestedWrites } from "../write/graph-writes.js";
import { type AttachInput, PivotWriter, type SyncResult } from "../write/pivot-writes.js";
import { insertRows, updateRows } from "../write/writes.js";
import type { BuilderContext } from "./builder-types.js";
import { QueryBuilder } from "./query-builder.js";

type Values = Record<string, unknown>;

/** The parent row and relation a RelatedBuilder is scoped to. */
interface RelatedContext {
  readonly meta: RelationMeta;
  readonly parent: Values;
}

/**
 * `db.<model>.related(row, relation)`: a query on the related model scoped to one parent's
 * related rows (every builder method and terminal works, `update`/`delete` included), plus the
 * writes that go through the relation. Chaining keeps the scope and the writes.
 */
export class RelatedBuilder<
  S extends Schema,
  T extends ModelName<S>,
  O = Row<S, T>,
  /** The fields the relation fills in on create (its foreign key, or morph type and id). */
  K extends string = never,
> extends QueryBuilder<S, T, O> {
  readonly #related: RelatedContext;

  constructor(ctx: BuilderContext, state: QueryState, related: RelatedContext) {
    super(ctx, state);
    this.#related = related;
  }

  /** Builds the scoped builder of `relation` for one `parent` row. */
  static of(session: Session, meta: RelationMeta, parent: Values): RelatedBuilder<any, any, any> {
    if (typeof parent !== "object" || parent === null) {
      throw new ValidationError(`related(row, "${meta.name}") needs a "${meta.model}" row.`, meta.model);
    }
    const { model, wheres } = loaderFor(meta).scope(session, meta, parent);
    return new RelatedBuilder(
      { session, codec: codecFor(session, model) },
      { ...EMPTY_STATE, scope: wheres },
      { meta, parent },
    );
  }

  protected override spawn(ctx: BuilderContext, state: QueryState = EMPTY_STATE): QueryBuilder<any, any, any> {
    return ctx.codec === this.context.codec
      ? new RelatedBuilder(ctx, state, this.#related)
      : new QueryBuilder(ctx, state);
  }

  /**
   * Many-to-many rows are read as eager loading reads them for this one parent (one query
   * joining the pivot), so they carry `row.pivot`; a limit is the parent's, as it should be.
   */
  protected override async readState(state: QueryState): Promise<O[]> {
    const { meta, parent } = this.#related;
    if (!isPivotRelation(meta)) return super.readState(state);
    const holder: Values = { ...parent };
    const constraint: QueryState = { ...state, scope: EMPTY_STATE.scope };
    await loadRelations(
      this.context.session,
      meta.model,
      [holder],
      new Map([[meta.name, { relation: meta.name, state: constraint }]]),
    );
    return holder[meta.name] as O[];
  }

  /** The fields a has-kind relation sets on its children: the foreign key (and the morph type). */
  #ownership(action: string): Values {
    const { meta, parent } = this.#related;
    if (!isChildRelation(meta)) {
      throw new ValidationError(
        `${action} through "${meta.model}.${meta.name}" (a ${meta.kind}) is not available: it sets a child's foreign key, so it works on hasOne, hasMany, morphOne and morphMany.`,
        meta.model,
        meta.name,
      );
    }
    const owner = parent[meta.localKey];
    if (owner === undefined || owner === null) {
      throw new ValidationError(
        `${action} through "${meta.model}.${meta.name}" needs the parent's "${meta.localKey}".`,
        meta.model,
      );
    }
    return childOwnership(this.context.codec, meta, owner);
  }

  /**
   * Creates a related row with the relation's keys set (`authorId`, or the morph type and id);
   * returns it as stored.
   */
  async create(values: RelatedCreateInput<S, T, K>): Promise<Row<S, T>> {
    this.noExtraArguments(arguments, 1, "create(values)");
    const [row] = await this.createMany([values]);
    return row!;
  }

  /** Creates several related rows (one statement where the dialect allows, in one transaction otherwise). */
  async createMany(values: readonly RelatedCreateInput<S, T, K>[]): Promise<Row<S, T>[]> {
    this.noExtraArguments(arguments, 1, "createMany(rows)");
    const ownership = this.#ownership("create");
    const { session, codec } = this.context;
    const rows = objectRows(codec.meta.name, "createMany", values).map((v) => ({ ...v, ...ownership }));
    const created = hasNestedWrites(codec, rows)
      ? await createGraph(session, codec, rows)
      : await insertRows(session, codec, rows);
    return created as Row<S, T>[];
  }

  /**
   * The first related row matching `attributes`, or a new one created with `attributes` and
   * `values` (the relation's keys set). One transaction.
   */
  async firstOrCreate(attributes: Partial<Row<S, T>>, values: Partial<Row<S, T>> = {}): Promise<Row<S, T>> {
    this.noExtraArguments(arguments, 2, "firstOrCreate(attributes, values)");
    this.#ownership("firstOrCreate");
    this.#checkAttributes("firstOrCreate", attributes, values);
    return this.#withinTransaction(async (scoped) => {
      const found = await scoped.#matching(attributes).first();
      return (found as Row<S, T> | null) ?? scoped.create({ ...attributes, ...values } as never);
    });
  }

  /**
   * Updates the first related row matching `attributes` with `values`, or creates one with both
   * (the relation's keys set). Returns the row as stored. One transaction.
   */
  async updateOrCreate(attributes: Partial<Row<S, T>>, values: Partial<Row<S, T>> = {}): Promise<Row<S, T>> {
    this.noExtraArguments(arguments, 2, "updateOrCreate(attributes, values)");
    this.#ownership("updateOrCreate");
    this.#checkAttributes("updateOrCreate", attributes, values);
    return this.#withinTransaction(async (scoped) => {
      const found = (await scoped.#matching(attributes).first()) as Values | null;
      if (!found) return scoped.create({ ...attributes, ...values } as never);
      const { codec } = scoped.context;
      const pk = codec.meta.primaryKey;
      const byKey = scoped.#matching(Object.fromEntries(pk.map((f) => [f, found[f]])) as Partial<Row<S, T>>);
      if (Object.keys(values).length > 0) await byKey.update(values as never);
      return (await byKey.first()) as Row<S, T>;
    });
  }

  /** firstOrCreate / updateOrCreate take two objects. */
  #checkAttributes(action: string, attributes: unknown, values: unknown): void {
    const model = this.context.codec.meta.name;
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

  /** This builder (with the same scope) on the session of a transaction, for `fn`. */
  #withinTransaction<X>(fn: (scoped: RelatedBuilder<S, T, O, K>) => Promise<X>): Promise<X> {
    return this.context.session.transaction((tx) =>
      fn(new RelatedBuilder<S, T, O, K>({ ...this.context, session: tx }, this.current, this.#related)),
    );
  }

  #matching(attributes: Partial<Row<S, T>>): QueryBuilder<S, T, O> {
    return this.where(attributes as never);
  }

  /**
   * Attaches a row to this parent: a row with its primary key is updated to point here (in the
   * database, and in memory), a row without one is created. Returns the row as it now is.
   */
  async save<R extends Partial<Row<S, T>>>(row: R): Promise<R & Row<S, T>> {
    this.noExtraArguments(arguments, 1, "save(row)");
    const [saved] = await this.saveMany([row]);
    return saved!;
  }

  /** `save` for several rows, in one transaction. */
  async saveMany<R extends Partial<Row<S, T>>>(rows: readonly R[]): Promise<(R & Row<S, T>)[]> {
    this.noExtraArguments(arguments, 1, "saveMany(rows)");
    const ownership = this.#ownership("save");
    const { session, codec } = this.context;
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
    const changes = await session.transaction(async (tx) => {
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
    // ...and the caller's objects change only once it has committed.
    return list.map((row, i) => Object.assign(row, changes[i]) as R & Row<S, T>);
  }

  /**
   * hasMany / morphMany: points existing children at this parent (their foreign key, and morph
   * type, set and saved). belongsTo / morphTo: points this row at `owner` and saves it.
   * `{ sync: false }` changes only the objects in memory, for the caller to save.
   */
  async associate(target: object | readonly object[], options?: AssociateOptions): Promise<object> {
    this.noExtraArguments(arguments, 2, "associate(target, options)");
    const { meta } = this.#related;
    const opts = associateOptions(meta, "associate", options);
    if (meta.kind === "belongsTo" || meta.kind === "morphTo") {
      if (Array.isArray(target)) {
        throw new ValidationError(
          `associate through "${meta.model}.${meta.name}" takes one row.`,
          meta.model,
          meta.name,
        );
      }
      return this.#setOwner(ownerFields(meta, target as Values, opts.model), opts, "associate");
    }
    const ownership = this.#ownership("associate");
    const children = childRows(meta, "associate", target);
    await this.#saveFields(this.context.codec, children, ownership, opts, "associate");
    return target;
  }

  /**
   * hasMany / morphMany: detaches children from this parent (their foreign key set to null; it
   * must be nullable). belongsTo / morphTo: clears this row's foreign key (and morph type).
   */
  async dissociate(
    target?: object | readonly object[] | AssociateOptions,
    options?: AssociateOptions,
  ): Promise<object> {
    this.noExtraArguments(arguments, 2, "dissociate(children, options)");
    const { meta } = this.#related;
    if (meta.kind === "belongsTo" || meta.kind === "morphTo") {
      // This row is dissociated: the only argument is the options.
      if (target !== undefined && options !== undefined) {
        throw new ValidationError(
          `dissociate through "${meta.model}.${meta.name}" (a ${meta.kind}) clears this row's key and takes only (options); got a target too.`,
          meta.model,
          meta.name,
        );
      }
      const keys = meta.kind === "belongsTo" ? [meta.foreignKey] : [meta.morphType, meta.morphId];
      return this.#setOwner(
        Object.fromEntries(keys.map((k) => [k, null])),
        associateOptions(meta, "dissociate", target ?? options),
        "dissociate",
      );
    }
    const opts = associateOptions(meta, "dissociate", options);
    const ownership = this.#ownership("dissociate");
    if (target === undefined) {
      throw new ValidationError(
        `dissociate through "${meta.model}.${meta.name}" needs the children to detach.`,
        meta.model,
      );
    }
    const cleared = Object.fromEntries(Object.keys(ownership).map((k) => [k, null]));
    const children = childRows(meta, "dissociate", target);
    const [pk] = this.context.codec.meta.primaryKey;
    if (opts.sync !== false && pk !== undefined && children.some((child) => ownValue(child, pk) === undefined)) {
      throw new ValidationError(
        `dissociate: a "${this.context.codec.meta.name}" row without its "${pk}"; save it first.`,
        this.context.codec.meta.name,
        pk,
      );
    }
    // Only this parent's children can be detached from it.
    const strangers = children.filter((child) =>
      Object.entries(ownership).some(([field, value]) => keyOf(ownValue(child, field)) !== keyOf(value)),
    );
    if (strangers.length > 0) {
      throw new ValidationError(
        `dissociate through "${meta.model}.${meta.name}": ${strangers.length} of the rows do not belong to this "${meta.model}".`,
        meta.model,
        meta.name,
      );
    }
    await this.#saveFields(this.context.codec, children, cleared, opts, "dissociate", ownership);
    return target as object;
  }

  /** belongsTo / morphTo: writes `fields` onto the parent row (in memory, and saved unless sync: false). */
  async #setOwner(fields: Values, options: AssociateOptions, action: string): Promise<Values> {
    const { meta, parent } = this.#related;
    const codec = codecFor(this.context.session, meta.model);
    await this.#saveFields(codec, [parent], fields, options, action);
    return parent;
  }

  /** Sets `fields` on `rows` of `codec` in memory and, unless sync is false, in the database (one transaction). */
  async #saveFields(
    codec: ModelCodec,
    rows: Values[],
    fields: Values,
    options: AssociateOptions,
    action: string,
    /** Conditions the rows must still meet in the database (dissociate: they point at this parent). */
    still: Values = {},
  ) {
    const [pk, ...rest] = codec.meta.primaryKey;
    for (const [field, value] of Object.entries(fields)) {
      if (value !== null) checkValue(codec, field, value);
      else if (!codec.field(field).config.nullable) {
        throw new ValidationError(
          `${action}: "${codec.meta.name}.${field}" is not nullable, so the row cannot be detached; delete it instead.`,
          codec.meta.name,
          field,
        );
      }
    }
    if (options.sync !== false) {
      if (pk === undefined || rest.length > 0) {
        throw new ValidationError(
          `${action} needs "${codec.meta.name}" to have a single primary key.`,
          codec.meta.name,
        );
      }
      const keys = rows.map((row) => {
        const key = ownValue(row, pk);
        if (key === undefined) {
          throw new ValidationError(
            `${action}: a "${codec.meta.name}" row without its "${pk}"; save it first.`,
            codec.meta.name,
            pk,
          );
        }
        return key;
      });
      if (keys.length > 0) {
        const wheres = [
          compareNode(codec, false, pk, "in", keys),
          ...Object.entries(still).map(([field, value]) => compareNode(codec, false, field, "=", value)),
        ];
        await updateRows(this.context.session, codec, { ...EMPTY_STATE, wheres }, fields);
      }
    }
    for (const row of rows) Object.assign(row, fields);
  }

  /** The pivot writer of this parent on `session` (the transaction's, for multi-statement writes). */
  #pivots(action: string, session: Session = this.context.session): PivotWriter {
    const { meta, parent } = this.#related;
    if (!isPivotRelation(meta)) {
      throw new ValidationError(
        `${action} needs a many-to-many relation; "${meta.model}.${meta.name}" is a ${meta.kind}.`,
        meta.model,
        meta.name,
      );
    }
    return new PivotWriter(session, meta, parent);
  }

  /** Runs `fn` with this parent's pivot writer inside one transaction. */
  #inTransaction<T>(action: string, fn: (pivots: PivotWriter) => Promise<T>): Promise<T> {
    return this.context.session.transaction((tx) => fn(this.#pivots(action, tx)));
  }

  /**
   * Many-to-many: attaches related rows by key or row, `{ key: pivotValues }`, or with pivot
   * values for all. Keys already attached are left alone (no duplicate pivot rows); keys that
   * are not related rows are a ValidationError. Returns the keys attached.
   */
  async attach(input: AttachInput, values: Values = {}): Promise<unknown[]> {
    this.noExtraArguments(arguments, 2, "attach(keys, pivotValues)");
    const entries = this.#pivots("attach").entries(input, values);
    return this.#inTransaction("attach", async (pivots) => {
      await pivots.ensureExist(entries.map(([key]) => key));
      const attached = new Set((await pivots.current()).map(keyOf));
      const fresh = uniqueEntries(entries).filter(([key]) => !attached.has(keyOf(key)));
      return pivots.insert(fresh);
    });
  }

  /** Many-to-many: detaches the given keys (or rows), or every related row when none are given. Returns how many. */
  async detach(input?: AttachInput): Promise<number> {
    this.noExtraArguments(arguments, 1, "detach(keys)");
    const pivots = this.#pivots("detach");
    return pivots.delete(input === undefined ? undefined : pivots.entries(input).map(([key]) => key));
  }

  /**
   * Many-to-many: makes the related rows exactly `input` (keys or `{ key: pivotValues }`):
   * attaches the missing, detaches the others, updates the pivot values given for kept ones.
   */
  async sync(input: AttachInput): Promise<SyncResult> {
    this.noExtraArguments(arguments, 1, "sync(keys)");
    return this.#sync("sync", input, true);
  }

  /** Like `sync`, without detaching the related rows not given. */
  async syncWithoutDetaching(input: AttachInput): Promise<SyncResult> {
    this.noExtraArguments(arguments, 1, "syncWithoutDetaching(keys)");
    return this.#sync("syncWithoutDetaching", input, false);
  }

  #sync(action: string, input: AttachInput, detaching: boolean): Promise<SyncResult> {
    const entries = uniqueEntries(this.#pivots(action).entries(input));
    return this.#inTransaction(action, async (pivots) => {
      await pivots.ensureExist(entries.map(([key]) => key));
      const stored = await pivots.currentValues();
      const current = [...stored.values()].map(([key]) => key);
      const wanted = new Set(entries.map(([key]) => keyOf(key)));
      const had = new Set(current.map(keyOf));
      const detached = detaching ? current.filter((key) => !wanted.has(keyOf(key))) : [];
      await pivots.delete(detached);
      const attached = await pivots.insert(entries.filter(([key]) => !had.has(keyOf(key))));
      const updated: unknown[] = [];
      // A kept key is updated (and listed) only when a value given differs from the stored one.
      for (const [key, values] of entries) {
        const before = stored.get(keyOf(key)!)?.[1];
        if (before && changes(before, values) && (await pivots.update(key, values)) > 0) updated.push(key);
      }
      return { attached, detached, updated };
    });
  }

  /** Many-to-many: attaches the given keys that are not attached and detaches those that are. */
  async toggle(input: AttachInput): Promise<{ attached: unknown[]; detached: unknown[] }> {
    this.noExtraArguments(arguments, 1, "toggle(keys)");
    const entries = uniqueEntries(this.#pivots("toggle").entries(input));
    return this.#inTransaction("toggle", async (pivots) => {
      const had = new Set((await pivots.current()).map(keyOf));
      const detached = entries.filter(([key]) => had.has(keyOf(key))).map(([key]) => key);
      const fresh = entries.filter(([key]) => !had.has(keyOf(key)));
      await pivots.ensureExist(fresh.map(([key]) => key));
      await pivots.delete(detached);
      return { attached: await pivots.insert(fresh), detached };
    });
  }

  /** Many-to-many: updates the pivot values of one attached row; returns how many pivot rows changed. */
  async updateExistingPivot(key: unknown, values: Values): Promise<number> {
    this.noExtraArguments(arguments, 2, "updateExistingPivot(key, pivotValues)");
    const pivots = this.#pivots("updateExistingPivot");
    const [[k, v]] = pivots.entries(key, values) as [[unknown, Values]];
    return pivots.update(k, v);
  }
}

/** What `related(...).create` accepts: the related model's create input, the keys the relation fills in optional. */
export type RelatedCreateInput<S extends Schema, T extends ModelName<S>, K extends string = never> = Simplify<
  Omit<GraphInput<S, T>, K> & { [F in K & keyof GraphInput<S, T>]?: GraphInput<S, T>[F] }
>;

/** The entries with each key once (the last values win), in first-seen order. */
function uniqueEntries(entries: readonly [unknown, Values][]): [unknown, Values][] {
  const byKey = new Map<string, [unknown, Values]>();
  for (const [key, values] of entries) byKey.set(keyOf(key)!, [key, { ...byKey.get(keyOf(key)!)?.[1], ...values }]);
  return [...byKey.values()];
}

/** Options of associate/dissociate. */
export interface AssociateOptions {
  /** false: change only the objects in memory, for the caller to save. */
  sync?: boolean;
  /** morphTo: the model of the row associated, when relata did not read it. */
  model?: string;
}

const ASSOCIATE_OPTIONS = ["sync", "model"];

/** associate/dissociate options, checked: known keys, `sync` a boolean, `model` a model name. */
function associateOptions(meta: RelationMeta, action: string, options: unknown): AssociateOptions {
  const checked = checkOptions(meta.model, action, options, ASSOCIATE_OPTIONS) as AssociateOptions;
  if (checked.sync !== undefined && typeof checked.sync !== "boolean") {
    throw new ValidationError(
      `${action} through "${meta.model}.${meta.name}": sync must be true or false, got ${describeValue(checked.sync)}.`,
      meta.model,
    );
  }
  if (checked.model !== undefined && typeof checked.model !== "string") {
    throw new ValidationError(
      `${action} through "${meta.model}.${meta.name}": model must be a model name.`,
      meta.model,
    );
  }
  return checked;
}

/** The children an associate/dissociate of a has-kind relation takes: a row or an array of rows. */
function childRows(meta: RelationMeta, action: string, target: unknown): Values[] {
  const rows = Array.isArray(target) ? target : [target];
  if (rows.some((row) => typeof row !== "object" || row === null)) {
    throw new ValidationError(
      `${action} through "${meta.model}.${meta.name}" takes a row or an array of rows.`,
      meta.model,
      meta.name,
    );
  }
  return rows as Values[];
}

/** The fields a belongsTo / morphTo sets on its row to point at `owner`. */
function ownerFields(meta: BelongsToMeta | MorphToMeta, owner: Values, model?: string): Values {
  if (typeof owner !== "object" || owner === null) {
    throw new ValidationError(`associate through "${meta.model}.${meta.name}" needs a row.`, meta.model, meta.name);
  }
  if (meta.kind === "belongsTo") {
    const key = ownValue(owner, meta.ownerKey);
    if (key === undefined) {
      throw new ValidationError(
        `associate: the row has no "${meta.ownerKey}" for "${meta.model}.${meta.name}".`,
        meta.model,
      );
    }
    return { [meta.foreignKey]: key };
  }
  const modelName = model ?? modelOfRow(owner);
  const target = [...meta.targets].find(([, t]) => t.model === modelName);
  if (!target) {
    throw new ValidationError(
      modelName === undefined
        ? `associate through "${meta.model}.${meta.name}" cannot tell the row's model; pass { model }.`
        : `"${modelName}" is not a target of "${meta.model}.${meta.name}".`,
      meta.model,
      meta.name,
    );
  }
  const [alias, { ownerKey }] = target;
  return { [meta.morphType]: alias, [meta.morphId]: ownValue(owner, ownerKey) };
}

/** Whether any of `values` differs from `stored` (dates by time, other values by JSON). */
function changes(stored: Values, values: Values): boolean {
  const same = (a: unknown, b: unknown) =>
    a instanceof Date || b instanceof Date
      ? new Date(a as Date).getTime() === new Date(b as Date).getTime()
      : JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  return Object.entries(values).some(([field, value]) => !same(stored[field], value));
}

/** The rows of a batch write: an array of objects, or a ValidationError before any SQL. */
function objectRows(model: string, action: string, rows: unknown): Values[] {
  if (!Array.isArray(rows) || rows.some((row) => typeof row !== "object" || row === null || Array.isArray(row))) {
    throw new ValidationError(`${action} on "${model}" needs an array of row objects.`, model);
  }
  return rows as Values[];
}
