// biome-ignore-all lint/complexity/noArguments: arity checks read arguments.length (no rest array, same signatures)
import { NotFoundError, RelationNotFoundError, ValidationError } from "../errors.js";
import { withoutHidden } from "../loader/hidden.js";
import { checkLoadable, loadMissing } from "../loader/load-missing.js";
import { loadRelations } from "../loader/load-relations.js";
import { readRows } from "../loader/read.js";
import { checkOwnKey, noExtraArguments, ownValue } from "../plan/arguments.js";
import { withDefaults } from "../plan/eager.js";
import type { ModelCodec } from "../plan/model-codec.js";
import { checkFilterValue, checkValue } from "../plan/validate.js";
import { compareNode } from "../plan/where.js";
import { distinctKeys, keyOf } from "../relations/fetch.js";
import type { Schema } from "../schema/define-schema.js";
import type {
  AggregateName,
  AggregateSpec,
  Loaded,
  ReadRow,
  RelationName,
  RelationPath,
} from "../schema/relation-types.js";
import type { CreateInput, FieldName, ModelName, Row, Simplify } from "../schema/types.js";
import type { GraphInput, GraphResult } from "../schema/write-types.js";
import { checkGraph, createGraph, hasNestedWrites } from "../write/graph-writes.js";
import { writerFor } from "../write/kinds/index.js";
import { insertRows } from "../write/writes.js";
import { PROPS } from "./builder/self.js";
import { argsToState, checkUniqueWhere } from "./objects/find-args.js";
import type { Exact, FindManyArgs, Payload, WhereInput } from "./objects/types.js";
import {
  type AggregateField,
  type AggregateObject,
  type AggregateValue,
  type BuilderContext,
  composeBuilder,
  QueryBuilder,
  type SpecResults,
  withLocalScopes,
} from "./query-builder.js";
import { type HandleOf, RelationHandle, relationHandle } from "./relation-handle.js";

/** A primary key value as `find` accepts it. */
export type KeyValue = string | number | bigint;

/**
 * `db.<model>`: finds and creates rows, and starts queries (every builder method is
 * available on it directly: `db.user.where(...)`, `db.user.orderBy(...)`). Composed around a
 * builder of the model: the builder methods it does not define run on that builder.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the builder methods are composed onto the prototype below
export class ModelHandle<S extends Schema, M extends ModelName<S>> {
  readonly #ctx: BuilderContext;
  /** The query on the whole model every builder method starts from (builders are immutable). */
  readonly #base: QueryBuilder<S, M, ReadRow<S, M>>;

  constructor(ctx: BuilderContext) {
    this.#ctx = ctx;
    this.#base = QueryBuilder.make(ctx) as QueryBuilder<S, M, ReadRow<S, M>>;
    // The relation handles of the model's rows get its local scopes too: a clash shows now.
    withLocalScopes(RelationHandle, ctx.codec.meta);
  }

  static {
    // biome-ignore lint/complexity/noThisInStatic: the class binding is not yet set in a transpiled static block
    composeBuilder(this, (handle) => handle.#base);
  }

  /** @internal The base query's props (a callback may return the handle as its builder). */
  get [PROPS]() {
    return this.#base[PROPS];
  }

  /** Rejects arguments beyond the `max` a method uses (see arguments.ts). */
  private noExtraArguments(args: ArrayLike<unknown>, max: number, signature: string): void {
    if (args.length > max) noExtraArguments(this.#ctx.codec.meta.name, signature, args, max);
  }

  /** A fresh query on this model. */
  query(): QueryBuilder<S, M, ReadRow<S, M>> {
    this.noExtraArguments(arguments, 0, "query()");
    return this.#base;
  }

  #byKey(id: KeyValue): QueryBuilder<S, M, ReadRow<S, M>> {
    const { codec } = this.#ctx;
    const [pk, ...rest] = codec.meta.primaryKey;
    if (pk === undefined || rest.length > 0) {
      throw new ValidationError(
        `find on "${codec.meta.name}" needs a single primary key; use where(...) for the composite key (${codec.meta.primaryKey.join(", ")}).`,
        codec.meta.name,
      );
    }
    checkFilterValue(codec, pk, id);
    return (this.query() as QueryBuilder<S, M, ReadRow<S, M>>).where(pk as never, id as never);
  }

  /** The row with this primary key, or null. */
  find(id: KeyValue): Promise<ReadRow<S, M> | null> {
    this.noExtraArguments(arguments, 1, "find(id)");
    return this.#byKey(id).first();
  }

  /** The row with this primary key; throws `NotFoundError` when there is none. */
  async findOrFail(id: KeyValue): Promise<ReadRow<S, M>> {
    this.noExtraArguments(arguments, 1, "findOrFail(id)");
    const row = await this.#byKey(id).first();
    if (row === null)
      throw new NotFoundError(this.#ctx.codec.meta.name, `with ${this.#ctx.codec.meta.primaryKey[0]} ${String(id)}`);
    return row;
  }

  /**
   * Eager loads relations onto rows already fetched (one query per relation level).
   *
   * ```ts
   * const users = await db.user.all();
   * await db.user.load(users, "posts.comments", "profile");
   * ```
   */
  load<R extends object, const P extends RelationPath<S, M>[]>(
    rows: R[],
    ...paths: P
  ): Promise<Simplify<R & Loaded<S, M, P[number]>>[]> {
    return this.#onto(rows, paths, loadRelations);
  }

  /** Like `load`, but only for relations (at any depth of the paths) not loaded yet. */
  loadMissing<R extends object, const P extends RelationPath<S, M>[]>(
    rows: R[],
    ...paths: P
  ): Promise<Simplify<R & Loaded<S, M, P[number]>>[]> {
    return this.#onto(rows, paths, loadMissing);
  }

  async #onto<R>(rows: R[], paths: readonly unknown[], run: typeof loadRelations): Promise<any> {
    const { session, codec } = this.#ctx;
    // The rows are already read: their own default eager loads are not loaded, those of what loads below them are.
    const asked = QueryBuilder.stateOf(this.query().with(...(paths as [RelationPath<S, M>]))).eager;
    const tree = withDefaults(session.schema, codec.meta.name, asked, codec.meta.defaultWith);
    const list = rows as unknown as Record<string, unknown>[];
    checkLoadable(session, codec.meta.name, list, tree);
    await run(session, codec.meta.name, list, tree);
    return rows;
  }

  /** Adds relation counts onto rows already fetched (one query): `loadCount(users, "posts")`. */
  loadCount<R extends object, const Specs extends (AggregateSpec<S, M> | AggregateObject<S, M>)[]>(
    rows: R[],
    ...specs: Specs
  ): Promise<Simplify<R & SpecResults<Specs[number], "Count", number>>[]> {
    return this.#loadAggregates(rows, this.query().withCount(...specs));
  }
  /** Adds `${relation}Exists` onto rows already fetched (one query). */
  loadExists<R extends object, const Specs extends (AggregateSpec<S, M> | AggregateObject<S, M>)[]>(
    rows: R[],
    ...specs: Specs
  ): Promise<Simplify<R & SpecResults<Specs[number], "Exists", boolean>>[]> {
    return this.#loadAggregates(rows, this.query().withExists(...specs));
  }
  /** Adds the sum of a related field onto rows already fetched (one query). */
  loadSum<R extends object, const Spec extends AggregateSpec<S, M>, C extends AggregateField<S, M, Spec>>(
    rows: R[],
    spec: Spec,
    column: C,
  ): Promise<Simplify<R & { [K in AggregateName<Spec, `Sum${Capitalize<C>}`>]: number | null }>[]> {
    this.noExtraArguments(arguments, 3, "loadSum(rows, relation, field)");
    return this.#loadAggregates(rows, this.query().withSum(spec, column));
  }
  /** Adds the average of a related field onto rows already fetched (one query). */
  loadAvg<R extends object, const Spec extends AggregateSpec<S, M>, C extends AggregateField<S, M, Spec>>(
    rows: R[],
    spec: Spec,
    column: C,
  ): Promise<Simplify<R & { [K in AggregateName<Spec, `Avg${Capitalize<C>}`>]: number | null }>[]> {
    this.noExtraArguments(arguments, 3, "loadAvg(rows, relation, field)");
    return this.#loadAggregates(rows, this.query().withAvg(spec, column));
  }
  /** Adds the smallest value of a related field onto rows already fetched (one query). */
  loadMin<R extends object, const Spec extends AggregateSpec<S, M>, C extends AggregateField<S, M, Spec>>(
    rows: R[],
    spec: Spec,
    column: C,
  ): Promise<Simplify<R & { [K in AggregateName<Spec, `Min${Capitalize<C>}`>]: AggregateValue<S, M, Spec, C> }>[]> {
    this.noExtraArguments(arguments, 3, "loadMin(rows, relation, field)");
    return this.#loadAggregates(rows, this.query().withMin(spec, column));
  }
  /** Adds the largest value of a related field onto rows already fetched (one query). */
  loadMax<R extends object, const Spec extends AggregateSpec<S, M>, C extends AggregateField<S, M, Spec>>(
    rows: R[],
    spec: Spec,
    column: C,
  ): Promise<Simplify<R & { [K in AggregateName<Spec, `Max${Capitalize<C>}`>]: AggregateValue<S, M, Spec, C> }>[]> {
    this.noExtraArguments(arguments, 3, "loadMax(rows, relation, field)");
    return this.#loadAggregates(rows, this.query().withMax(spec, column));
  }

  async #loadAggregates(rows: object[], builder: QueryBuilder<S, M, any>): Promise<any> {
    const { session, codec } = this.#ctx;
    const [pk, ...rest] = codec.meta.primaryKey;
    if (pk === undefined || rest.length > 0) {
      throw new ValidationError(
        `Loading aggregates onto "${codec.meta.name}" rows needs a single primary key.`,
        codec.meta.name,
      );
    }
    const list = rows as Record<string, unknown>[];
    checkLoadable(session, codec.meta.name, list, new Map(), [pk]);
    const { aggregates } = QueryBuilder.stateOf(builder);
    const keys = distinctKeys(list, pk);
    const found = new Map<string, Record<string, unknown>>();
    const perStatement = Math.max(1, session.profile.maxParameters - 1_000);
    for (let i = 0; i < keys.length; i += perStatement) {
      const state = {
        ...QueryBuilder.stateOf(builder),
        selects: [pk],
        wheres: [compareNode(codec, false, pk, "in", keys.slice(i, i + perStatement))],
      };
      for (const row of await readRows(session, codec, state)) found.set(keyOf(row[pk])!, row);
    }
    for (const row of list) {
      const values = found.get(keyOf(row[pk]) ?? "");
      for (const { alias, decode } of aggregates) row[alias] = values ? values[alias] : decode(null);
    }
    return rows;
  }

  /**
   * A builder scoped to one row's related rows, for reads (every builder method, `for await`)
   * and writes through the relation (`create`, `save`, scoped `update`/`delete`).
   *
   * ```ts
   * const posts = db.user.related(ada, "posts");
   * await posts.where("published", true).count();
   * await posts.create({ title: "Hello" });          // authorId set from ada
   * for await (const post of posts) { ... }
   * ```
   */
  related<const R extends RelationName<S, M>>(row: Partial<Row<S, M>>, relation: R): HandleOf<S, M, R> {
    this.noExtraArguments(arguments, 2, "related(row, relation)");
    const { session, codec } = this.#ctx;
    const meta = codec.meta.relations.get(relation);
    if (!meta) throw new RelationNotFoundError(codec.meta.name, relation, [...codec.meta.relations.keys()]);
    return relationHandle(session, meta, row as Record<string, unknown>) as never;
  }

  /**
   * Deletes a row together with its related rows, in one transaction (Velocity's DeleteWith):
   * the children of hasOne/hasMany/morphOne/morphMany relations, and the pivot rows of
   * many-to-many relations (the related rows themselves stay). Returns how many rows of this
   * model were deleted (0 or 1).
   *
   * ```ts
   * await db.user.deleteWith(ada, "posts", "profile", "roles");
   * ```
   */
  async deleteWith(row: Partial<Row<S, M>>, ...relations: RelationName<S, M>[]): Promise<number> {
    const { session, codec } = this.#ctx;
    const [pk, ...rest] = codec.meta.primaryKey;
    if (pk === undefined || rest.length > 0) {
      throw new ValidationError(`deleteWith on "${codec.meta.name}" needs a single primary key.`, codec.meta.name);
    }
    const key = isPlainObject(row) ? ownValue(row, pk) : undefined;
    if (key === undefined || key === null) {
      throw new ValidationError(`deleteWith on "${codec.meta.name}" needs the row's "${pk}".`, codec.meta.name, pk);
    }
    // Each relation's deletion is known (or refused) before the transaction opens.
    const deletions = relations.map((name) => {
      const meta = codec.meta.relations.get(name);
      if (!meta) throw new RelationNotFoundError(codec.meta.name, name, [...codec.meta.relations.keys()]);
      return writerFor(meta).deleteWith(meta);
    });
    return session.transaction(async (tx) => {
      for (const deletion of deletions) await deletion(tx, row as Record<string, unknown>);
      return new QueryBuilder<S, M, Row<S, M>>({ session: tx, codec }).where(pk as never, key as never).delete();
    });
  }

  /**
   * Rows matching Prisma-style arguments; `select`/`include` load relations with their own
   * `where`, `orderBy`, `take` (per parent) and `skip`. The same engine as the fluent API.
   *
   * ```ts
   * await db.user.findMany({ where: { age: { gte: 18 } }, include: { posts: { take: 5 } } });
   * ```
   */
  async findMany<const A extends FindManyArgs<S, M>>(args?: Exact<A, FindManyArgs<S, M>>): Promise<Payload<S, M, A>[]> {
    this.noExtraArguments(arguments, 1, "findMany(args)");
    return (await this.#fromArgs(args).get()) as Payload<S, M, A>[];
  }

  /** The first row matching the arguments, or null. */
  async findFirst<const A extends FindManyArgs<S, M>>(
    args?: Exact<A, FindManyArgs<S, M>>,
  ): Promise<Payload<S, M, A> | null> {
    this.noExtraArguments(arguments, 1, "findFirst(args)");
    return (await this.#fromArgs(args).first()) as Payload<S, M, A> | null;
  }

  /** The first row matching the arguments; throws `NotFoundError` when there is none. */
  async findFirstOrThrow<const A extends FindManyArgs<S, M>>(
    args?: Exact<A, FindManyArgs<S, M>>,
  ): Promise<Payload<S, M, A>> {
    this.noExtraArguments(arguments, 1, "findFirstOrThrow(args)");
    return (await this.#fromArgs(args).firstOrFail()) as Payload<S, M, A>;
  }

  /** The row a primary key or unique field identifies, or null. */
  async findUnique<const A extends FindManyArgs<S, M> & { where: WhereInput<S, M> }>(
    args: Exact<A, FindManyArgs<S, M>>,
  ): Promise<Payload<S, M, A> | null> {
    this.noExtraArguments(arguments, 1, "findUnique(args)");
    checkUniqueWhere(this.#ctx.codec, whereOf(args));
    return (await this.#fromArgs(args).first()) as Payload<S, M, A> | null;
  }

  /** Like `findUnique`; throws `NotFoundError` when there is no such row. */
  async findUniqueOrThrow<const A extends FindManyArgs<S, M> & { where: WhereInput<S, M> }>(
    args: Exact<A, FindManyArgs<S, M>>,
  ): Promise<Payload<S, M, A>> {
    this.noExtraArguments(arguments, 1, "findUniqueOrThrow(args)");
    checkUniqueWhere(this.#ctx.codec, whereOf(args));
    return (await this.#fromArgs(args).firstOrFail()) as Payload<S, M, A>;
  }

  #fromArgs(args: unknown): QueryBuilder<S, M, unknown> {
    return new QueryBuilder(this.#ctx, argsToState(this.#ctx.session, this.#ctx.codec.meta.name, args));
  }

  /** Every row of the model. */
  all(): Promise<ReadRow<S, M>[]> {
    this.noExtraArguments(arguments, 0, "all()");
    return this.#base.get();
  }

  /**
   * Inserts one row and returns it as stored (generated id and defaults included). Relation
   * keys write a graph in the same transaction and come back loaded, as a read would give them:
   *
   * ```ts
   * await db.user.create({ email, posts: { create: [{ title: "Hi" }] }, roles: { connect: [1, 2] } });
   * await db.user.create({ data: { email, profile: { create: { bio } } }, include: { profile: true } });
   * ```
   * The second form is Prisma's (`data` with `include`/`select`); it returns what findUnique would.
   */
  create<const A extends CreateArgs<S, M>>(args: Exact<A, CreateArgs<S, M>>): Promise<Payload<S, M, A>>;
  create<const I extends GraphInput<S, M>>(values: Exact<I, GraphInput<S, M>>): Promise<GraphResult<S, M, I>>;
  async create(input: unknown): Promise<unknown> {
    this.noExtraArguments(arguments, 1, "create(values)");
    const { session, codec } = this.#ctx;
    if (isCreateArgs(codec, input)) {
      const data = ownValue(input, "data") as Values;
      const include = ownValue(input, "include");
      const select = ownValue(input, "select");
      // The graph and the include/select are checked before the transaction opens.
      checkGraph(session, codec, [data]);
      const shape =
        include === undefined && select === undefined
          ? undefined
          : argsToState(session, codec.meta.name, {
              ...(include === undefined ? {} : { include }),
              ...(select === undefined ? {} : { select }),
            });
      return session.transaction(async (tx) => {
        const [row] = await createGraph(tx, codec, [data], false);
        if (!shape) return withoutHidden(tx, codec.meta.name, row);
        const wheres = codec.meta.primaryKey.map((f) => compareNode(codec, false, f, "=", row![f]));
        return new QueryBuilder({ session: tx, codec }, { ...shape, wheres }).firstOrFail();
      });
    }
    const [row] = hasNestedWrites(codec, [input])
      ? await createGraph(session, codec, [input as Values])
      : await insertRows(session, codec, [input as Values]);
    return withoutHidden(session, codec.meta.name, row);
  }

  /**
   * The first row matching `attributes`, or a new one created from `attributes` and `values`
   * (Eloquent's firstOrCreate). One transaction.
   *
   * ```ts
   * const tag = await db.tag.firstOrCreate({ name: "sql" });
   * ```
   */
  async firstOrCreate(attributes: Partial<Row<S, M>>, values: Partial<CreateInput<S, M>> = {}): Promise<Row<S, M>> {
    this.noExtraArguments(arguments, 2, "firstOrCreate(attributes, values)");
    const { session, codec } = this.#ctx;
    checkAttributes(codec, "firstOrCreate", attributes, values);
    return session.transaction(async (tx) => {
      const scoped = new QueryBuilder<S, M, Row<S, M>>({ session: tx, codec });
      const found = await scoped.where(attributes as never).first();
      if (found) return found;
      const [row] = await insertRows(tx, codec, [{ ...attributes, ...values }]);
      return withoutHidden(tx, codec.meta.name, row) as Row<S, M>;
    });
  }

  /**
   * Updates the first row matching `attributes` with `values`, or creates one from both
   * (Eloquent's updateOrCreate). Returns the row as stored. One transaction.
   */
  async updateOrCreate(attributes: Partial<Row<S, M>>, values: Partial<CreateInput<S, M>> = {}): Promise<Row<S, M>> {
    this.noExtraArguments(arguments, 2, "updateOrCreate(attributes, values)");
    const { session, codec } = this.#ctx;
    checkAttributes(codec, "updateOrCreate", attributes, values);
    return session.transaction(async (tx) => {
      const scoped = new QueryBuilder<S, M, Row<S, M>>({ session: tx, codec });
      const found = (await scoped.where(attributes as never).first()) as Values | null;
      if (!found) {
        const [row] = await insertRows(tx, codec, [{ ...attributes, ...values }]);
        return withoutHidden(tx, codec.meta.name, row) as Row<S, M>;
      }
      const byKey = scoped.where(Object.fromEntries(codec.meta.primaryKey.map((f) => [f, found[f]])) as never);
      if (Object.values(values).some((v) => v !== undefined)) await byKey.update(values as never);
      return (await byKey.first()) as Row<S, M>;
    });
  }

  /**
   * Inserts many rows (in one transaction when it takes several statements); returns them in
   * order. Nested relation writes are batched across the rows: one insert per model and level.
   */
  async createMany<const I extends GraphInput<S, M>>(
    values: readonly Exact<I, GraphInput<S, M>>[],
  ): Promise<GraphResult<S, M, I>[]> {
    this.noExtraArguments(arguments, 1, "createMany(rows)");
    const { session, codec } = this.#ctx;
    if (!Array.isArray(values)) {
      throw new ValidationError(`createMany on "${codec.meta.name}" needs an array of rows.`, codec.meta.name);
    }
    const rows = hasNestedWrites(codec, values)
      ? await createGraph(session, codec, values as Values[])
      : await insertRows(session, codec, values as Values[]);
    return withoutHidden(session, codec.meta.name, rows) as GraphResult<S, M, I>[];
  }
}

export interface ModelHandle<S extends Schema, M extends ModelName<S>> extends QueryBuilder<S, M, ReadRow<S, M>> {}

type Values = Record<string, unknown>;

/** Prisma's create arguments; not available on a model with a field or relation named `data`. */
export type CreateArgs<S extends Schema, M extends ModelName<S>> = "data" extends FieldName<S, M> | RelationName<S, M>
  ? never
  : {
      data: GraphInput<S, M>;
      include?: FindManyArgs<S, M>["include"];
      select?: FindManyArgs<S, M>["select"];
    };

/** firstOrCreate / updateOrCreate: attributes to look the row up by, and every value valid, before any SQL. */
function checkAttributes(codec: ModelCodec, action: string, attributes: unknown, values: unknown): void {
  const model = codec.meta.name;
  if (!isPlainObject(attributes) || Object.keys(attributes).length === 0) {
    throw new ValidationError(
      `${action} on "${model}" needs the attributes to find the row by, e.g. { ${codec.meta.fieldNames[1] ?? codec.meta.fieldNames[0]}: ... }.`,
      model,
    );
  }
  if (!isPlainObject(values)) {
    throw new ValidationError(`${action} on "${model}" takes (attributes, values): values must be an object.`, model);
  }
  for (const input of [attributes, values]) {
    for (const [field, value] of Object.entries(input)) {
      checkOwnKey(model, field);
      if (value !== undefined) checkValue(codec, field, value);
    }
  }
}

const isPlainObject = (v: unknown): v is Values => typeof v === "object" && v !== null && !Array.isArray(v);

/** The `where` of object-API arguments (their own, never an inherited one). */
const whereOf = (args: unknown): unknown => (isPlainObject(args) ? ownValue(args, "where") : undefined);

/**
 * Whether `input` is Prisma's `{ data, include?, select? }` (on a model without a `data` field or
 * relation). `data` next to any other key is a ValidationError: neither form can use it.
 */
function isCreateArgs(codec: ModelCodec, input: unknown): input is Values {
  if (!isPlainObject(input) || !Object.hasOwn(input, "data")) return false;
  if (codec.meta.fields.has("data") || codec.meta.relations.has("data")) return false;
  const unknown = Object.keys(input).filter((key) => key !== "data" && key !== "include" && key !== "select");
  if (unknown.length > 0) {
    throw new ValidationError(
      `create on "${codec.meta.name}" takes the row's values, or { data, include, select }; "${unknown[0]}" is not one of data, include, select.`,
      codec.meta.name,
      unknown[0],
    );
  }
  return true;
}
