/**
 * The handles of `RelationshipFactory.createHasMany / createHasOne / createBelongsTo`, what every
 * handle shares (`Relationship`, `RelatedRows`), and the writes they make (`saveRows`).
 */
import { ValidationError } from "../../errors.js";
import { changed, instanceState } from "../../plan/instance-state.js";
import type { ModelMeta } from "../../schema/meta.js";
import { guardLazy } from "./accessors.js";
import { type Model, resolveInstance } from "./model.js";
import { flip, type Pairs, type Plan, type RelatedValues, type SyncOptions, type Values } from "./relationship-plan.js";
import type { ClassQuery } from "./types.js";

/** The target's `db.<model>` as the handles use it. */
interface TargetHandle<T> {
  query(): ClassQuery<T>;
  create(values: Values): Promise<T>;
}

/** Rows `for await` reads per statement (the handles' `cursor({ batchSize })` takes another). */
export const RELATIONSHIP_BATCH_SIZE = 100;

/** Whether two key values name the same row (a number and its string from the driver, Dates by time). */
export const sameKey = (a: unknown, b: unknown) =>
  !changed(a, b) || (a !== null && a !== undefined && b !== null && b !== undefined && String(a) === String(b));

const missing = (value: unknown) => value === null || value === undefined;

export function syncOf(action: string, options: unknown): boolean {
  if (options === undefined) return true;
  const keys = typeof options === "object" && options !== null ? Object.keys(options) : undefined;
  const sync = (options as SyncOptions | null)?.sync;
  if (!keys || keys.some((key) => key !== "sync") || (sync !== undefined && typeof sync !== "boolean")) {
    throw new ValidationError(`${action}(..., options) takes { sync?: boolean }.`, "");
  }
  return sync !== false;
}

/** Refuses to clear key fields that cannot hold null. */
function checkNullable(meta: ModelMeta, fields: readonly string[], action: string) {
  for (const field of fields) {
    if (!meta.fields.get(field)!.config.nullable) {
      throw new ValidationError(
        `${action}: "${meta.name}.${field}" is not nullable, so the key cannot be cleared; make it .nullable(), or delete the row.`,
        meta.name,
        field,
      );
    }
  }
}

/**
 * Saves `rows` (instances of `meta`'s class) after their `fields` were set: one UPDATE of the
 * fields for every stored row (`WHERE pk IN (...)`, and the `still` values) when that is all
 * `save()` would write (no other unsaved change, no update hooks, no updatedAt); otherwise one
 * `save()` per row (an INSERT for a new one). Several statements run in one transaction.
 */
async function saveRows(
  db: Record<string, any>,
  meta: ModelMeta,
  rows: readonly Model[],
  fields: Values,
  still: Values,
) {
  const [pk, ...rest] = meta.primaryKey;
  const hooks = ["saving", "updating", "updated", "saved"].some((event) => meta.events.has(event));
  const batchable = pk !== undefined && rest.length === 0 && !hooks && meta.timestamps?.updatedAt === undefined;
  const batch: Model[] = [];
  const single: Model[] = [];
  for (const row of rows) {
    const original = instanceState(row)?.original;
    const others = Object.keys(row.getDirty()).some((field) => !(field in fields));
    (batchable && original && pk in original && !others ? batch : single).push(row);
  }
  const write = async (scoped: Record<string, any>) => {
    if (batch.length > 0) {
      const keys = batch.map((row) => instanceState(row)!.original[pk!]);
      let query = scoped[meta.name].query().whereIn(pk, keys);
      if (Object.keys(still).length > 0) query = query.where(still);
      await query.update(fields);
      for (const row of batch) Object.assign(instanceState(row)!.original, fields);
    }
    for (const row of single) await row.save();
  };
  if (single.length + (batch.length > 0 ? 1 : 0) > 1) await db.transaction(write);
  else await write(db);
}

/** Parses where the caller's method name is (`comments` in `at Post.comments (...)`), if it can. */
function methodName(stack: string | undefined): string | undefined {
  const frame = stack?.split("\n")[1]?.trim() ?? "";
  const match = /^at (?:async )?(?:[\w$]+\.)*([\w$]+)(?: \[as ([\w$]+)\])? \(/.exec(frame);
  return match?.[2] ?? match?.[1];
}

/** What every handle shares: the source, the plan, and the name its reads report. */
abstract class Relationship<S extends Model, T extends Model> {
  /** @internal */ protected readonly source: S;
  /** @internal */ protected readonly plan: Plan;
  #site: { stack?: string } | undefined;
  #name: string | undefined;

  /** @internal Made by RelationshipFactory. */
  constructor(source: S, plan: Plan, site: { stack?: string }) {
    this.source = source;
    this.plan = plan;
    this.#site = site;
  }

  /** @internal The name reads report to the lazy-loading checks: the accessor method's, else the target model's. */
  protected relationName(): string {
    if (this.#name === undefined) {
      this.#name = methodName(this.#site?.stack) ?? this.plan.target.name;
      this.#site = undefined;
    }
    return this.#name;
  }

  /** @internal The target's db handle the source uses now (its transaction's, inside one); reads pass the guards first. */
  protected handle(read: boolean): TargetHandle<T> {
    const { db } = read ? guardLazy(this.source, this.relationName()) : resolveInstance(this.source);
    return db[this.plan.target.name];
  }

  /** @internal The instances a write takes, checked to be of the target class. */
  protected targets(value: unknown, action: string): T[] {
    const rows = Array.isArray(value) ? value : [value];
    const cls = this.plan.target.modelClass!;
    if (rows.some((row) => !(row instanceof cls))) {
      throw new ValidationError(
        `${this.plan.label}.${action} takes ${cls.name} instances (or an array of them).`,
        this.plan.target.name,
      );
    }
    return rows as T[];
  }

  /** @internal `fields` of `row` by `pairs` ([row field, key]) -> their values; a ValidationError naming an unsaved row. */
  protected keysOf(row: object, pairs: Pairs, action: string): Values {
    const out: Values = {};
    for (const [field, key] of pairs) {
      const value = (row as Values)[field];
      if (missing(value)) {
        const model = row === this.source ? this.plan.source.name : this.plan.target.name;
        throw new ValidationError(
          `${this.plan.label}.${action}: the "${model}" instance has no "${field}"; save it first.`,
          model,
          field,
        );
      }
      out[key] = value;
    }
    return out;
  }
}

/** The reads of the to-many handles (and hasOne's): the scoped query and its terminals. */
export abstract class RelatedRows<S extends Model, T extends Model> extends Relationship<S, T> {
  /** @internal The related rows' query; `read`: through the lazy-loading checks. */
  protected abstract scoped(read: boolean, action: string): ClassQuery<T>;

  #ordered(action: string): ClassQuery<T> {
    return this.plan.target.primaryKey.reduce((q, field) => q.orderBy(field as never), this.scoped(true, action));
  }

  /** The related rows' query, to chain: `post.comments().query().where("approved", true).get()`. */
  query(): ClassQuery<T> {
    return this.scoped(false, "query");
  }

  /** Every related instance, ordered by primary key. */
  toArray(): Promise<T[]> {
    return this.#ordered("toArray").get();
  }

  /** The first related instance by primary key, or null. */
  first(): Promise<T | null> {
    return this.#ordered("first").first();
  }

  /** How many related rows there are. */
  count(): Promise<number> {
    return this.scoped(true, "count").count();
  }

  /**
   * Streams the related instances one at a time, reading `batchSize` rows per statement (default
   * RELATIONSHIP_BATCH_SIZE, 100) by primary key: memory holds one batch at most.
   */
  async *cursor(options?: { batchSize?: number }): AsyncGenerator<T, void, undefined> {
    yield* this.scoped(true, "cursor").cursor({ batchSize: options?.batchSize ?? RELATIONSHIP_BATCH_SIZE });
  }

  /** `for await (const comment of post.comments())`: `cursor()`, 100 rows per statement. */
  [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    return this.cursor();
  }
}

/** hasMany / hasOne: the target rows hold the source's key. */
export abstract class ChildRelationship<S extends Model, T extends Model> extends RelatedRows<S, T> {
  /** @internal */
  protected scoped(read: boolean, action: string): ClassQuery<T> {
    return this.handle(read)
      .query()
      .where(this.keysOf(this.source, this.plan.pairs, action));
  }

  /** Inserts a related instance with `values` and the source's key set (over any value given for it). */
  create(values: RelatedValues<T>): Promise<T> {
    return this.handle(false).create({ ...values, ...this.keysOf(this.source, this.plan.pairs, "create") });
  }

  /**
   * Points the targets at the source (their key fields set to its values) and saves them: one
   * `UPDATE ... WHERE id IN (...)` for every stored target when the key is all `save()` would
   * write, else one `save()` each (see saveRows). `{ sync: false }`: in memory only.
   *
   * ```ts
   * await post.comments().associate([c3, c4]);
   * ```
   */
  async associate(targets: T | readonly T[], options?: SyncOptions): Promise<void> {
    const sync = syncOf("associate", options);
    const rows = this.targets(targets, "associate");
    const owner = this.keysOf(this.source, this.plan.pairs, "associate");
    for (const row of rows) Object.assign(row, owner);
    if (sync && rows.length > 0) await saveRows(resolveInstance(this.source).db, this.plan.target, rows, owner, {});
  }

  /**
   * Clears (null) the key of the targets that point at the source (others are left alone) and
   * saves them, as `associate` does. `{ sync: false }`: in memory only.
   */
  async dissociate(targets: T | readonly T[], options?: SyncOptions): Promise<void> {
    const sync = syncOf("dissociate", options);
    const rows = this.targets(targets, "dissociate");
    const owner = this.keysOf(this.source, this.plan.pairs, "dissociate");
    checkNullable(this.plan.target, Object.keys(owner), `${this.plan.label}.dissociate`);
    const cleared = Object.fromEntries(Object.keys(owner).map((field) => [field, null]));
    const mine = rows.filter((row) =>
      Object.entries(owner).every(([field, value]) => sameKey((row as unknown as Values)[field], value)),
    );
    for (const row of mine) Object.assign(row, cleared);
    if (sync && mine.length > 0) {
      await saveRows(resolveInstance(this.source).db, this.plan.target, mine, cleared, owner);
    }
  }

  /** `dissociate`, spelled as neko-orm spells it. */
  dessociate(targets: T | readonly T[], options?: SyncOptions): Promise<void> {
    return this.dissociate(targets, options);
  }
}

/** The handle `RelationshipFactory.createHasMany` returns: `post.comments()`. */
export class HasManyRelationship<S extends Model, T extends Model> extends ChildRelationship<S, T> {
  /** Every related instance, ordered by primary key (`toArray()`). */
  get(): Promise<T[]> {
    return this.toArray();
  }
}

/** The handle `RelationshipFactory.createHasOne` returns: `user.profile()`. */
export class HasOneRelationship<S extends Model, T extends Model> extends ChildRelationship<S, T> {
  /** The related instance (the first by primary key), or null. */
  get(): Promise<T | null> {
    return this.first();
  }
}

/** The handle `RelationshipFactory.createBelongsTo` returns: `comment.post()`. It changes the source only. */
export class BelongsToRelationship<S extends Model, T extends Model> extends Relationship<S, T> {
  /** The source's key values by target field; undefined when one is null. */
  #keys(): Values | undefined {
    const out: Values = {};
    for (const [from, to] of this.plan.pairs) {
      const value = (this.source as unknown as Values)[from];
      if (missing(value)) return undefined;
      out[to] = value;
    }
    return out;
  }

  /** The query of the target row (none when the source's key is null). */
  query(): ClassQuery<T> {
    const keys = this.#keys();
    const query = this.handle(false).query();
    return keys ? query.where(keys) : query.whereIn(this.plan.target.primaryKey[0] ?? this.plan.pairs[0]![1], []);
  }

  /** The target instance, or null (no statement when the source's key is null). */
  async get(): Promise<T | null> {
    const handle = this.handle(true);
    const keys = this.#keys();
    return keys ? handle.query().where(keys).first() : null;
  }

  /**
   * Sets the source's key fields from `target` and saves the source (`{ sync: false }`: in memory only).
   *
   * ```ts
   * await comment.post().associate(post1);
   * ```
   */
  async associate(target: T, options?: SyncOptions): Promise<void> {
    const sync = syncOf("associate", options);
    const [row] = this.targets(target, "associate");
    if (Array.isArray(target) || row === undefined) {
      throw new ValidationError(
        `${this.plan.label}.associate takes one ${this.plan.target.name} instance.`,
        this.plan.target.name,
      );
    }
    const values = this.keysOf(row, this.plan.pairs.map(flip), "associate");
    Object.assign(this.source, values);
    if (sync) await this.source.save();
  }

  /**
   * Clears the source's key and saves it: given a target, only when the source points at it
   * (otherwise nothing changes and nothing is sent). `{ sync: false }`: in memory only.
   */
  async dissociate(target?: T | SyncOptions, options?: SyncOptions): Promise<void> {
    const cls = this.plan.target.modelClass!;
    if (target !== undefined && !(target instanceof cls)) return this.#clear("dissociate", undefined, target);
    return this.#clear("dissociate", target as T | undefined, options);
  }

  /** `dissociate`, spelled as neko-orm spells it: `await comment.post().dessociate(post1)`. */
  dessociate(target?: T | SyncOptions, options?: SyncOptions): Promise<void> {
    return this.dissociate(target, options);
  }

  /** Clears the source's key whatever it points at, and saves it (neko's "faster way of dessociate"). */
  unlink(options?: SyncOptions): Promise<void> {
    return this.#clear("unlink", undefined, options);
  }

  async #clear(action: string, target: T | undefined, options: unknown): Promise<void> {
    const sync = syncOf(action, options);
    const self = this.source as unknown as Values;
    if (target && !this.plan.pairs.every(([from, to]) => sameKey(self[from], (target as unknown as Values)[to])))
      return;
    const fields = this.plan.pairs.map(([from]) => from);
    checkNullable(resolveInstance(this.source).meta, fields, `${this.plan.label}.${action}`);
    for (const field of fields) self[field] = null;
    if (sync) await this.source.save();
  }
}
