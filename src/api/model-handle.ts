// biome-ignore-all lint/complexity/noArguments: arity checks read arguments.length (no rest array, same signatures)
import { NotFoundError, RelationNotFoundError, ValidationError } from "../errors.js";
import { withoutHidden } from "../loader/hidden.js";
import { checkLoadable, loadMissing } from "../loader/load-missing.js";
import { loadRelations } from "../loader/load-relations.js";
import { readRows } from "../loader/read.js";
import { checkOptions, checkOwnKey, describeValue, noExtraArguments, ownValue } from "../plan/arguments.js";
import { withDefaults } from "../plan/eager.js";
import type { ModelCodec } from "../plan/model-codec.js";
import { checkFilterValue, checkValue } from "../plan/validate.js";
import { compareNode } from "../plan/where.js";
import { distinctKeys, keyOf } from "../relations/fetch.js";
import type { Schema } from "../schema/define-schema.js";
import type {
  AggregateName,
  AggregateSpec,
  CheckPaths,
  Loaded,
  PivotRelationName,
  ReadRow,
  RelationName,
} from "../schema/relation-types.js";
import type { CreateInput, ModelName, Row, Simplify } from "../schema/types.js";
import type {
  Checkable,
  CheckedGraphInput,
  CheckedGraphInputs,
  GraphInput,
  GraphResult,
} from "../schema/write-types.js";
import { writerFor } from "../write/kinds/index.js";
import type { AttachInput, SyncResult } from "../write/pivot-writes.js";
import { insertRows } from "../write/writes.js";
import { PROPS } from "./builder/self.js";
import { aggregateArgs, countArgs, groupByArgs } from "./objects/aggregate.js";
import type {
  AggregateArgs,
  AggregateResult,
  CountArgs,
  CountResult,
  GroupByArgs,
  GroupByResult,
} from "./objects/aggregate-types.js";
import { createManyArgs } from "./objects/create-many.js";
import { argsToState, checkUniqueWhere } from "./objects/find-args.js";
import {
  createOne,
  createRows,
  deleteMany,
  deleteOne,
  updateMany,
  updateManyAndReturn,
  updateOne,
} from "./objects/object-writes.js";
import type { Exact, FindManyArgs, Payload, WhereUniqueInput } from "./objects/types.js";
import { upsertArgs } from "./objects/upsert.js";
import type {
  CheckableCreateArgs,
  CheckedCreateArgs,
  CheckedCreateManyArgs,
  CheckedUpsertArgs,
  CreateManyAndReturnArgs,
  CreateManyArgs,
  DeleteArgs,
  DeleteManyArgs,
  UpdateArgs,
  UpdateManyAndReturnArgs,
  UpdateManyArgs,
  UpsertArgs,
} from "./objects/write-types.js";
import { Pending, type PendingQuery } from "./pending.js";
import {
  type AggregateField,
  type AggregateObject,
  type AggregateValue,
  type AnyQueryBuilder,
  type BuilderContext,
  composeBuilder,
  type NumberAggregateField,
  QueryBuilder,
  type SpecResults,
  withLocalScopes,
} from "./query-builder.js";
import { type HandleOf, RelationHandle, relationHandle } from "./relation-handle.js";

/** Builder writes the model handle does not offer: they would write every row of the table. */
const WHOLE_TABLE_WRITES = ["increment", "decrement"] as const;
type WholeTableWrite = (typeof WHOLE_TABLE_WRITES)[number];

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
    this.#base = QueryBuilder.make(ctx) as unknown as QueryBuilder<S, M, ReadRow<S, M>>;
    // The relation handles of the model's rows get its local scopes too: a clash shows now.
    withLocalScopes(RelationHandle, ctx.codec.meta);
  }

  static {
    // Whole-table writes are spelled through a query (`db.post.query().increment("views")`), never by the handle alone.
    for (const method of WHOLE_TABLE_WRITES) {
      // biome-ignore lint/complexity/noThisInStatic: the class binding is not yet set in a transpiled static block
      Object.defineProperty(this.prototype, method, {
        value(this: ModelHandle<any, any>) {
          const model = this.#ctx.codec.meta.name;
          throw new ValidationError(
            `${method} on db.${model} would write every row; write db.${model}.query().${method}(...) for that, or filter first: db.${model}.where(...).${method}(...).`,
            model,
          );
        },
        writable: true,
        configurable: true,
      });
    }
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
  load<R extends object, const P extends string[]>(
    rows: R[],
    ...paths: CheckPaths<S, M, P>
  ): Promise<Simplify<R & Loaded<S, M, P[number]>>[]> {
    return this.#onto(rows, paths, loadRelations);
  }

  /** Like `load`, but only for relations (at any depth of the paths) not loaded yet. */
  loadMissing<R extends object, const P extends string[]>(
    rows: R[],
    ...paths: CheckPaths<S, M, P>
  ): Promise<Simplify<R & Loaded<S, M, P[number]>>[]> {
    return this.#onto(rows, paths, loadMissing);
  }

  async #onto<R>(rows: R[], paths: readonly unknown[], run: typeof loadRelations): Promise<any> {
    const { session, codec } = this.#ctx;
    // The rows are already read: their own default eager loads are not loaded, those of what loads below them are.
    const asked = QueryBuilder.stateOf((this.query() as AnyQueryBuilder).with(...(paths as string[]))).eager;
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
  loadSum<R extends object, const Spec extends AggregateSpec<S, M>, C extends NumberAggregateField<S, M, Spec>>(
    rows: R[],
    spec: Spec,
    column: C,
  ): Promise<Simplify<R & { [K in AggregateName<Spec, `Sum${Capitalize<C>}`>]: number | null }>[]> {
    this.noExtraArguments(arguments, 3, "loadSum(rows, relation, field)");
    return this.#loadAggregates(rows, this.query().withSum(spec, column));
  }
  /** Adds the average of a related field onto rows already fetched (one query). */
  loadAvg<R extends object, const Spec extends AggregateSpec<S, M>, C extends NumberAggregateField<S, M, Spec>>(
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
   * `related(row, relation).sync(input)` for many rows at once: each row's related rows become
   * exactly its input (keys, rows, or `{ key: pivotValues }`), attaching, detaching and updating
   * pivot values as `sync` does. One read for all the rows, then one statement per kind of
   * write (delete, insert, update) for all of them, in one transaction; nothing is written
   * when a key is not a related row. `{ detaching: false }` is `syncWithoutDetaching`.
   * Returns each row's `{ attached, detached, updated }`, in the order given.
   *
   * ```ts
   * await db.post.syncMany("tags", [[post1, [1, 2]], [post2, { 3: { order: 1 } }]]);
   * await db.post.syncMany("tags", new Map([[post1, [1, 2]]]), { detaching: false });
   * ```
   */
  async syncMany<const R extends PivotRelationName<S, M>>(
    relation: R,
    entries: SyncManyEntries<Partial<Row<S, M>>>,
    options?: SyncManyOptions,
  ): Promise<SyncResult[]> {
    this.noExtraArguments(arguments, 3, "syncMany(relation, entries, options?)");
    const { session, codec } = this.#ctx;
    const model = codec.meta.name;
    const meta = codec.meta.relations.get(relation);
    if (!meta) throw new RelationNotFoundError(model, relation, [...codec.meta.relations.keys()]);
    const { detaching = true } = checkOptions(model, "syncMany", options, ["detaching"]);
    if (typeof detaching !== "boolean") {
      throw new ValidationError(
        `syncMany on "${model}": the option "detaching" takes true or false, got ${describeValue(detaching)}.`,
        model,
      );
    }
    const list = syncManyEntries(model, entries);
    if (list.length === 0) return [];
    return writerFor(meta).sync(session, meta, list, detaching, "syncMany");
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
   * Runs `run` when the call is awaited, on this handle's session, or on a transaction's when
   * `db.transaction([...])` runs it (see PendingQuery). Argument count is checked then too.
   */
  #pending<T>(args: IArguments, max: number, signature: string, run: (ctx: BuilderContext) => Promise<T>) {
    const given = Array.from(args);
    const ctx = this.#ctx;
    return new Pending<T>((session) => {
      if (given.length > max) noExtraArguments(ctx.codec.meta.name, signature, given, max);
      return run(session ? { ...ctx, session } : ctx);
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
  findMany<const A extends FindManyArgs<S, M>>(args?: Exact<A, FindManyArgs<S, M>>): PendingQuery<Payload<S, M, A>[]> {
    return this.#pending(arguments, 1, "findMany(args)", (ctx) => fromArgs(ctx, args).get());
  }

  /** The first row matching the arguments, or null. */
  findFirst<const A extends FindManyArgs<S, M>>(
    args?: Exact<A, FindManyArgs<S, M>>,
  ): PendingQuery<Payload<S, M, A> | null> {
    return this.#pending(arguments, 1, "findFirst(args)", (ctx) => fromArgs(ctx, args).first());
  }

  /** The first row matching the arguments; throws `NotFoundError` when there is none. */
  findFirstOrThrow<const A extends FindManyArgs<S, M>>(
    args?: Exact<A, FindManyArgs<S, M>>,
  ): PendingQuery<Payload<S, M, A>> {
    return this.#pending(arguments, 1, "findFirstOrThrow(args)", (ctx) => fromArgs(ctx, args).firstOrFail());
  }

  /**
   * The row a primary key, a unique field or a `uniques` list identifies, or null: its `where`
   * gives their values (other filters may narrow it further).
   */
  findUnique<const A extends FindManyArgs<S, M> & { where: WhereUniqueInput<S, M> }>(
    args: Exact<A, FindManyArgs<S, M>>,
  ): PendingQuery<Payload<S, M, A> | null> {
    return this.#pending(arguments, 1, "findUnique(args)", (ctx) => {
      checkUniqueWhere(ctx.codec, whereOf(args));
      return fromArgs(ctx, args).first();
    });
  }

  /** Like `findUnique`; throws `NotFoundError` when there is no such row. */
  findUniqueOrThrow<const A extends FindManyArgs<S, M> & { where: WhereUniqueInput<S, M> }>(
    args: Exact<A, FindManyArgs<S, M>>,
  ): PendingQuery<Payload<S, M, A>> {
    return this.#pending(arguments, 1, "findUniqueOrThrow(args)", (ctx) => {
      checkUniqueWhere(ctx.codec, whereOf(args), "findUniqueOrThrow");
      return fromArgs(ctx, args).firstOrFail();
    });
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
   * The second form is Prisma's (`data` with `include`/`select`/`omit`); it returns what findUnique would.
   */
  create<const I extends Checkable<GraphInput<S, M>>>(
    values: CheckedGraphInput<S, M, I>,
  ): PendingQuery<GraphResult<S, M, I>>;
  create<const A extends CheckableCreateArgs<S, M>>(args: CheckedCreateArgs<S, M, A>): PendingQuery<Payload<S, M, A>>;
  create(input: unknown): PendingQuery<unknown> {
    return this.#pending(arguments, 1, "create(values)", ({ session, codec }) => createOne(session, codec, input));
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
   * Prisma's form `createMany({ data, skipDuplicates })` returns `{ count }` as Prisma's does.
   */
  createMany<const A extends CreateManyArgs<S, M>>(
    args: CheckedCreateManyArgs<S, M, A, CreateManyArgs<S, M>>,
  ): PendingQuery<{ count: number }>;
  createMany<const L extends readonly Checkable<GraphInput<S, M>>[]>(
    values: CheckedGraphInputs<S, M, L>,
  ): PendingQuery<GraphResult<S, M, L[number]>[]>;
  createMany(values: unknown): PendingQuery<unknown> {
    return this.#pending(arguments, 1, "createMany(rows)", ({ session, codec }) =>
      Array.isArray(values) ? createRows(session, codec, values) : createManyArgs(session, codec, values, false),
    );
  }

  /** Prisma's `createManyAndReturn({ data, skipDuplicates?, select?, omit? })`: the rows inserted, as stored. */
  createManyAndReturn<const A extends CreateManyAndReturnArgs<S, M>>(
    args: CheckedCreateManyArgs<S, M, A, CreateManyAndReturnArgs<S, M>>,
  ): PendingQuery<Payload<S, M, A>[]> {
    return this.#pending(arguments, 1, "createManyAndReturn(args)", ({ session, codec }) =>
      createManyArgs(session, codec, args, true),
    ) as PendingQuery<Payload<S, M, A>[]>;
  }

  /**
   * Prisma's `update({ where, data, select?, include?, omit? })`: the one row a unique `where`
   * names, with its nested relation writes, in one transaction; returns it as findUnique would.
   * Throws `NotFoundError` when no row matches. (Every matching row: `updateMany`, or the
   * fluent `db.user.where(...).update(values)`.)
   */
  update<const A extends UpdateArgs<S, M>>(args: Exact<A, UpdateArgs<S, M>>): PendingQuery<Payload<S, M, A>> {
    return this.#pending(arguments, 1, "update({ where, data })", ({ session, codec }) =>
      updateOne(session, codec, args),
    ) as PendingQuery<Payload<S, M, A>>;
  }

  /** Prisma's `updateMany({ where?, data })` -> `{ count }` (no where: every row). */
  updateMany<const A extends UpdateManyArgs<S, M>>(
    args: Exact<A, UpdateManyArgs<S, M>>,
  ): PendingQuery<{ count: number }> {
    return this.#pending(arguments, 1, "updateMany({ where, data })", ({ session, codec }) =>
      updateMany(session, codec, args),
    );
  }

  /** Prisma's `updateManyAndReturn({ where?, data, select?, omit? })`: the updated rows. */
  updateManyAndReturn<const A extends UpdateManyAndReturnArgs<S, M>>(
    args: Exact<A, UpdateManyAndReturnArgs<S, M>>,
  ): PendingQuery<Payload<S, M, A>[]> {
    return this.#pending(arguments, 1, "updateManyAndReturn({ where, data })", ({ session, codec }) =>
      updateManyAndReturn(session, codec, args),
    ) as PendingQuery<Payload<S, M, A>[]>;
  }

  /**
   * Prisma's `upsert({ where, create, update })`: one `INSERT ... ON CONFLICT` (`ON DUPLICATE KEY
   * UPDATE` on MySQL) when the where names a unique key; returns the row as findUnique would.
   */
  upsert<const A extends UpsertArgs<S, M>>(args: CheckedUpsertArgs<S, M, A>): PendingQuery<Payload<S, M, A>> {
    return this.#pending(arguments, 1, "upsert({ where, create, update })", ({ session, codec }) =>
      upsertArgs(session, codec, args),
    ) as PendingQuery<Payload<S, M, A>>;
  }

  /**
   * Prisma's `delete({ where, select?, include?, omit? })`: deletes the one row a unique `where`
   * names and returns it. Throws `NotFoundError` when no row matches. (Every matching row:
   * `deleteMany`, or the fluent `db.user.where(...).delete()`.)
   */
  delete<const A extends DeleteArgs<S, M>>(args: Exact<A, DeleteArgs<S, M>>): PendingQuery<Payload<S, M, A>> {
    return this.#pending(arguments, 1, "delete({ where })", ({ session, codec }) =>
      deleteOne(session, codec, args),
    ) as PendingQuery<Payload<S, M, A>>;
  }

  /** Prisma's `deleteMany({ where? })` -> `{ count }`; `deleteMany()` deletes every row, as in Prisma. */
  deleteMany<const A extends DeleteManyArgs<S, M>>(
    args?: Exact<A, DeleteManyArgs<S, M>>,
  ): PendingQuery<{ count: number }> {
    return this.#pending(arguments, 1, "deleteMany({ where })", ({ session, codec }) =>
      deleteMany(session, codec, args),
    );
  }

  /**
   * How many rows: every row, or Prisma's `count({ where, select, orderBy, take, skip, cursor })`
   * (`select: { _all: true, name: true }` counts the non-null values of each field).
   */
  count<const A extends CountArgs<S, M>>(args?: Exact<A, CountArgs<S, M>>): PendingQuery<CountResult<S, M, A>> {
    return this.#pending(arguments, 1, "count({ where })", (ctx) =>
      args === undefined ? QueryBuilder.make(ctx).count() : countArgs(ctx.session, ctx.codec, args),
    ) as PendingQuery<CountResult<S, M, A>>;
  }

  /** Prisma's `aggregate({ where, _count, _sum, _avg, _min, _max, orderBy, take, skip, cursor })`. */
  aggregate<const A extends AggregateArgs<S, M>>(
    args: Exact<A, AggregateArgs<S, M>>,
  ): PendingQuery<AggregateResult<S, M, A>> {
    return this.#pending(arguments, 1, "aggregate(args)", ({ session, codec }) =>
      aggregateArgs(session, codec, args),
    ) as PendingQuery<AggregateResult<S, M, A>>;
  }

  /** Prisma's `groupBy({ by, where, _count, _sum, _avg, _min, _max, having, orderBy, take, skip })`. */
  groupBy<const A extends GroupByArgs<S, M>>(args: Exact<A, GroupByArgs<S, M>>): PendingQuery<GroupByResult<S, M, A>> {
    return this.#pending(arguments, 1, "groupBy(args)", ({ session, codec }) =>
      groupByArgs(session, codec, args),
    ) as PendingQuery<GroupByResult<S, M, A>>;
  }
}

export interface ModelHandle<S extends Schema, M extends ModelName<S>>
  extends Omit<QueryBuilder<S, M, ReadRow<S, M>>, "update" | "delete" | "count" | WholeTableWrite> {}

type Values = Record<string, unknown>;

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

/** A builder on the arguments of a find (the same engine as the fluent API). */
const fromArgs = (ctx: BuilderContext, args: unknown): AnyQueryBuilder =>
  new QueryBuilder(ctx, argsToState(ctx.session, ctx.codec.meta.name, args));

/** What `syncMany` takes: [row, input] pairs (input as `sync` takes it), or a Map of row -> input. */
export type SyncManyEntries<P> = readonly (readonly [row: P, input: AttachInput])[] | ReadonlyMap<P, AttachInput>;

/** `syncMany`'s options: `detaching: false` leaves the related rows not given attached (`syncWithoutDetaching`). */
export interface SyncManyOptions {
  detaching?: boolean;
}

/** `syncMany`'s entries as [row, input] pairs: each a row (an object) and what `sync` takes. */
function syncManyEntries(model: string, entries: unknown): (readonly [Record<string, unknown>, AttachInput])[] {
  const shape = "[row, keys] pairs or a Map of row -> keys";
  const list = entries instanceof Map ? [...entries] : entries;
  if (!Array.isArray(list)) {
    throw new ValidationError(`syncMany on "${model}" takes ${shape}; got ${describeValue(entries)}.`, model);
  }
  return list.map((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "object" || pair[0] === null) {
      throw new ValidationError(
        `syncMany on "${model}" takes ${shape}; entry ${i} is ${describeValue(pair)}, not [row, keys].`,
        model,
      );
    }
    return [pair[0] as Record<string, unknown>, pair[1]] as const;
  });
}
