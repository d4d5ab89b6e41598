import { NotFoundError, ValidationError } from "../../errors.js";
import { dirtyValues, forgetRow, instanceState, rememberRow, rememberWritten } from "../../plan/instance-state.js";
import { modelOfRow } from "../../plan/model-codec.js";
import type { ModelMeta } from "../../schema/meta.js";
import { ModelHandle } from "../model-handle.js";
import { type Resolved, resolveClass, resolveSession } from "./connections.js";
import type { ClassQuery, InstanceOf, ModelClass, WithLoaded } from "./types.js";

type Values = Record<string, unknown>;

/** The connection name an instance was built with (seed 003's `super("users", "sqlite")`). */
const instanceConnections = new WeakMap<object, string>();

/** The db a model instance (or class) goes through now, and its model's metadata. */
export function resolveInstance(instance: object): Resolved & { meta: ModelMeta } {
  const read = instanceState(instance)?.session;
  const model = read && modelOfRow(instance);
  const resolved =
    (model && resolveSession(read, model)) || resolveClass(instance.constructor, instanceConnections.get(instance));
  return { ...resolved, meta: resolved.session.schema.model(resolved.model) };
}

/** The primary key of an instance as last read (so a changed key still finds its row). */
function keyOf(instance: ModelBase, meta: ModelMeta, action: string): Values {
  const original = instanceState(instance)?.original ?? {};
  const where: Values = {};
  for (const field of meta.primaryKey) {
    const value = field in original ? original[field] : (instance as unknown as Values)[field];
    if (value === undefined || value === null) {
      throw new ValidationError(
        `${action} on a "${meta.name}" instance needs its "${field}"; save() it first, or read it with that field.`,
        meta.name,
        field,
      );
    }
    where[field] = value;
  }
  return where;
}

/** Copies a written row's field values onto the instance and remembers them as saved. */
function takeRow(instance: ModelBase, meta: ModelMeta, row: Values): void {
  for (const field of meta.fieldNames) {
    if (field in row) (instance as unknown as Values)[field] = row[field];
  }
  rememberRow(meta, instance as unknown as Values);
}

/**
 * The base of class models (issue 14; API.md §7): a class declares its model in statics, its
 * rows are its instances, and relations are methods of the instances.
 *
 * ```ts
 * class Post extends Model {
 *   static table = "posts";
 *   static fields = { id: id(), userId: integer(), title: string() };
 *   static relations = { user: belongsTo("user"), comments: hasMany("comment") };
 * }
 * const db = createDb({ models: [User, Post, Comment], url: "sqlite::memory:" });
 * const post = await Post.findOrFail(1);          // a Post
 * post.title = "New"; await post.save();           // writes the changed fields only
 * for await (const c of post.comments()) {}        // the relation, one row at a time
 * ```
 *
 * Declare attributes with `declare title: string` (or `Model<Attrs>`), never as initialised
 * class fields: an initialiser would overwrite the values relata gives the instance.
 */
class ModelBase {
  /**
   * An unsaved instance with these attributes (`save()` inserts it). Seed 003's
   * `super(tableName, connectionName)` is accepted: the table must be the class's, and the
   * connection name picks a db opened with that `connectionName`.
   */
  constructor(attributes?: object | string, connectionName?: string) {
    if (typeof attributes === "string") {
      const cls = this.constructor as ModelClass;
      const table = cls.table ?? cls.tableName;
      if (table !== undefined && table !== attributes) {
        throw new ValidationError(
          `new ${cls.name}("${attributes}"): the class's table is "${table}"; pass that, or attributes.`,
          cls.name,
        );
      }
      if (connectionName !== undefined) {
        if (typeof connectionName !== "string") {
          throw new ValidationError(
            `new ${cls.name}(table, connectionName): connectionName must be a string.`,
            cls.name,
          );
        }
        instanceConnections.set(this, connectionName);
      }
      return;
    }
    if (connectionName !== undefined) {
      throw new ValidationError(
        `new ${this.constructor.name}(attributes) takes one argument; the connection name goes with a table name.`,
        this.constructor.name,
      );
    }
    if (attributes !== undefined) {
      if (typeof attributes !== "object" || attributes === null || Array.isArray(attributes)) {
        throw new ValidationError(`new ${this.constructor.name}(attributes) takes an object of field values.`, "");
      }
      Object.assign(this, attributes);
    }
  }

  // --- statics: the model's queries, through its db (or the transaction the caller runs in) ---

  /** The model's db handle: every query and write `db.<model>` has. */
  static query<M extends ModelClass>(this: M): ClassQuery<InstanceOf<M>> {
    const { db, model } = resolveClass(this);
    return db[model].query();
  }

  /** The instance with this primary key, or null. */
  static find<M extends ModelClass>(this: M, id: string | number | bigint): Promise<InstanceOf<M> | null> {
    return handleOf(this).find(id);
  }

  /** The instance with this primary key; `NotFoundError` when there is none. */
  static findOrFail<M extends ModelClass>(this: M, id: string | number | bigint): Promise<InstanceOf<M>> {
    return handleOf(this).findOrFail(id);
  }

  /** Every instance. */
  static all<M extends ModelClass>(this: M): Promise<InstanceOf<M>[]> {
    return handleOf(this).all();
  }

  /** A query with a filter: `Post.where("published", true).get()` (every form `where` takes). */
  static where<M extends ModelClass>(this: M, ...args: unknown[]): ClassQuery<InstanceOf<M>> {
    return (handleOf(this).where as (...a: unknown[]) => ClassQuery<InstanceOf<M>>)(...args);
  }

  /** A query that eager loads relations: `User.with("posts.comments").get()`. */
  static with<M extends ModelClass, const P extends string>(
    this: M,
    ...paths: P[]
  ): ClassQuery<WithLoaded<InstanceOf<M>, P>>;
  /** A query that eager loads a relation under a constraint: `User.with("posts", (q) => q.where("published", true))`. */
  static with<M extends ModelClass, const P extends string>(
    this: M,
    path: P,
    constrain: (q: ClassQuery<any>) => unknown,
  ): ClassQuery<WithLoaded<InstanceOf<M>, P>>;
  /** A query that eager loads relations given as an object: `User.with({ posts: { comments: true } })`. */
  static with<M extends ModelClass>(this: M, spec: Readonly<Record<string, unknown>>): ClassQuery<InstanceOf<M>>;
  static with(this: ModelClass, ...args: unknown[]): unknown {
    return handleOf(this).with(...args);
  }

  /** Inserts an instance (a nested graph too, as `db.<model>.create`) and returns it. */
  static create<M extends ModelClass>(this: M, values: Partial<InstanceOf<M>> | Values): Promise<InstanceOf<M>> {
    return handleOf(this).create(values);
  }

  /** Inserts instances in one statement and returns them. */
  static createMany<M extends ModelClass>(
    this: M,
    values: readonly (Partial<InstanceOf<M>> | Values)[],
  ): Promise<InstanceOf<M>[]> {
    return handleOf(this).createMany(values);
  }

  // --- instances ---

  /**
   * Inserts the instance (one built with `new`) and takes back what the database holds (id,
   * defaults, timestamps), or writes the fields changed since it was read in one UPDATE (none
   * changed: no statement; the row gone: NotFoundError). Relation properties are not written;
   * write through the relation's accessor.
   */
  async save(): Promise<this> {
    const { db, model, meta } = resolveInstance(this);
    const self = this as unknown as Values;
    const state = instanceState(this);
    if (!state) {
      const values: Values = {};
      for (const key of Object.keys(self)) if (!meta.relations.has(key)) values[key] = self[key];
      takeRow(this, meta, await db[model].create(values));
      return this;
    }
    const data = dirtyValues(meta, self, state.original);
    if (Object.keys(data).length === 0) return this;
    // One UPDATE (and the model's hooks and touches): the instance already holds the values, so
    // it only needs the updatedAt relata would stamp, set here so both hold the same one.
    const stamp = meta.timestamps?.updatedAt;
    if (stamp !== undefined && !(stamp in data)) data[stamp] = new Date();
    const where = keyOf(this, meta, "save()");
    if ((await db[model].query().where(where).update(data)) === 0) {
      throw new NotFoundError(
        meta.name,
        `with ${Object.entries(where)
          .map(([f, v]) => `${f} ${String(v)}`)
          .join(", ")} to save`,
      );
    }
    Object.assign(self, data);
    rememberWritten([this], data);
    return this;
  }

  /** Whether the instance has unsaved changes (in these fields, when given). */
  isDirty(...fields: string[]): boolean {
    const dirty = Object.keys(this.getDirty());
    return fields.length === 0 ? dirty.length > 0 : fields.some((f) => dirty.includes(f));
  }

  /** The fields changed since the instance was read or saved, with their new values (all of them, for a new instance). */
  getDirty(): Values {
    return dirtyValues(resolveInstance(this).meta, this as unknown as Values, instanceState(this)?.original);
  }

  /** A field's value as last read or saved (all of them without a field); undefined for a new instance. */
  getOriginal(field?: string): unknown {
    const original = instanceState(this)?.original;
    if (field === undefined) return original && { ...original };
    return original?.[field];
  }

  /**
   * Deletes the instance's row (a soft-deleting model sets its `deletedAt`, which the instance
   * then holds). A hard-deleted instance counts as new again: `save()` would insert it.
   */
  async delete(): Promise<this> {
    const { db, model, meta } = resolveInstance(this);
    const where = keyOf(this, meta, "delete()");
    await db[model].delete({ where });
    if (meta.softDelete === undefined) forgetRow(this);
    else {
      // The row as the soft delete left it (its deletedAt), read past the soft-delete rule.
      const row = await db[model].query().withTrashed().where(where).first();
      if (row) takeRow(this, meta, row);
    }
    return this;
  }

  /** Deletes the instance and the rows of these relations, in one transaction (Velocity's `DeleteWith`). */
  async deleteWith(...relations: string[]): Promise<number> {
    const { db, model, meta } = resolveInstance(this);
    const deleted = await db[model].deleteWith({ ...keyOf(this, meta, "deleteWith()") }, ...relations);
    if (meta.softDelete === undefined) forgetRow(this);
    return deleted;
  }

  /** Reads the instance's fields again (and the relations it has loaded). */
  async refresh(): Promise<this> {
    const { db, model, meta } = resolveInstance(this);
    const row = await db[model]
      .query()
      .where(keyOf(this, meta, "refresh()"))
      .first();
    if (row === null) {
      throw new ValidationError(`refresh(): the "${meta.name}" row of this instance no longer exists.`, meta.name);
    }
    takeRow(this, meta, row);
    const loaded = Object.keys(this).filter((key) => meta.relations.has(key));
    if (loaded.length > 0) await db[model].load([this], ...loaded);
    return this;
  }

  /** Eager loads relations onto this instance: `await post.load("comments.author")`. */
  async load(...relations: unknown[]): Promise<this> {
    const { db, model } = resolveInstance(this);
    await db[model].load([this], ...relations);
    return this;
  }

  /** Eager loads the relations this instance has not loaded yet. */
  async loadMissing(...relations: unknown[]): Promise<this> {
    const { db, model } = resolveInstance(this);
    await db[model].loadMissing([this], ...relations);
    return this;
  }

  /** The handle of one of this instance's relations, by name (what its accessor method returns). */
  related(relation: string): any {
    const { db, model } = resolveInstance(this);
    return db[model].related(this, relation);
  }

  /** The instance as a plain object for JSON: its own values, without the model's `hidden` fields. */
  toJSON(): Values {
    const self = this as unknown as Values;
    let hidden: ReadonlySet<string> = new Set();
    try {
      hidden = resolveInstance(this).meta.hidden;
    } catch {
      // An instance of a class no db lists yet has no hidden fields to leave out.
    }
    const out: Values = {};
    for (const key of Object.keys(self)) if (!hidden.has(key)) out[key] = self[key];
    return out;
  }
}

/** The class's db handle, typed loosely for the statics above (they give the instance types). */
function handleOf(cls: ModelClass): any {
  const { db, model } = resolveClass(cls);
  return db[model];
}

/** Every other member of `db.<model>` is a static of each class model too: `Post.whereHas(...)`, `Post.findMany(...)`. */
for (const name of Object.getOwnPropertyNames(ModelHandle.prototype)) {
  if (
    name === "constructor" ||
    Object.hasOwn(ModelBase, name) ||
    typeof Object.getOwnPropertyDescriptor(ModelHandle.prototype, name)?.value !== "function"
  ) {
    continue;
  }
  Object.defineProperty(ModelBase, name, {
    value(this: ModelClass, ...args: unknown[]) {
      const handle = handleOf(this);
      return handle[name](...args);
    },
    writable: true,
    configurable: true,
  });
}

/** The statics every class model has from `db.<model>` (typed loosely: the class's own statics above give instance types). */
type HandleStatics = Omit<ModelHandle<any, any>, keyof typeof ModelBase>;

/** `Model`'s constructor: `class Post extends Model`, or `extends Model<PostAttrs>` to type the attributes (seed 003's `SqlModel<Attrs>`). */
export interface ModelConstructor extends Omit<typeof ModelBase, "prototype">, HandleStatics {
  new <A extends object = {}>(attributes?: Partial<A> | string, connectionName?: string): ModelBase & A;
  readonly prototype: ModelBase;
}

/**
 * The base of class models (see ModelBase): `class Post extends Model { static fields = {...} }`.
 * An instance's type is the class, with its attributes from `declare` fields or `Model<Attrs>`;
 * reads through the statics (`Post.find(1)`) type them from `static fields` / `static schema`.
 */
export const Model = ModelBase as unknown as ModelConstructor;
export type Model<A extends object = {}> = ModelBase & A;
