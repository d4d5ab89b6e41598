import type { Session } from "../dialect/session.js";
import { ValidationError } from "../errors.js";
import { loadRelations } from "../loader/load-relations.js";
import { checkOwnKey } from "../plan/arguments.js";
import { addEagerPath } from "../plan/eager.js";
import { codecFor, type ModelCodec } from "../plan/model-codec.js";
import type { EagerTree } from "../plan/state.js";
import { prepareInsert } from "../plan/validate.js";
import { isToMany, type RelationMeta } from "../schema/meta.js";
import { withoutPivot } from "./kinds/belongs-to-many.js";
import { writerFor } from "./kinds/index.js";
import type { GraphStep, RelationWrite, Values } from "./kinds/kind.js";
import { isObject, label } from "./kinds/shared.js";
import { findEach } from "./nested/find.js";
import { sameWhere, uniqueWhere } from "./nested/where.js";
import { insertRows } from "./writes.js";

/**
 * What one graph write learns once: each input's field values and relation values, and each
 * relation value's write (by the relation value object, which a many-to-many create item's
 * copy without its `pivot` shares), its connectOrCreate resolved into create and connect once
 * looked up. `lookups`: whether any write has a connectOrCreate to look up.
 */
interface Splits {
  // Maps, not WeakMaps: a graph write's splits live as long as the write, and a Map is cheaper.
  readonly inputs: Map<object, { values: Values; relations: [RelationMeta, unknown][] }>;
  readonly writes: Map<object, RelationWrite>;
  lookups: boolean;
}

const newSplits = (): Splits => ({ inputs: new Map(), writes: new Map(), lookups: false });

/** The write of one relation value, split and shape-checked by the relation's kind once. */
function writeOf(splits: Splits, meta: RelationMeta, value: unknown): RelationWrite {
  const known = isObject(value) ? splits.writes.get(value) : undefined;
  if (known) return known;
  const write = writerFor(meta).nested(meta, value);
  if (write.connectOrCreate.length > 0) splits.lookups = true;
  splits.writes.set(value as object, write);
  return write;
}

/**
 * An input's field values and relation values, by its own keys (a `__proto__` key is
 * rejected, never assigned: it would set the values' prototype); read once per input. Each
 * relation value's write is `writeOf` it.
 */
function parts(splits: Splits, codec: ModelCodec, input: Values) {
  let known = splits.inputs.get(input);
  if (known === undefined) {
    known = { values: {}, relations: [] };
    for (const key of Object.keys(input)) {
      const value = input[key];
      checkOwnKey(codec.meta.name, key, "a field or relation");
      const meta = codec.meta.relations.get(key);
      if (meta === undefined) known.values[key] = value;
      else if (value !== undefined) known.relations.push([meta, value]);
    }
    splits.inputs.set(input, known);
  }
  return known;
}

/** The target model of a relation whose write creates rows (every kind that creates has one). */
const targetOf = (meta: RelationMeta): string => (meta as { target: string }).target;

/** A nested write's recursion into the rows its relations create, for the kinds' steps. */
function graphStep(session: Session, splits: Splits, assemble: boolean): GraphStep {
  return {
    session,
    assemble,
    check: (codec, inputs, filled = []) => checkGraph(session, codec, inputs, splits, new Set(filled)),
    write: (codec, inputs) => writeLevel(session, codec, inputs, splits, assemble),
  };
}

/**
 * Validates a whole graph before any SQL: relation names and operations, every row's fields
 * and values at every level (keys a relation fills in may be absent), pivot values.
 */
export function checkGraph(
  session: Session,
  codec: ModelCodec,
  inputs: readonly unknown[],
  splits: Splits = newSplits(),
  filled = new Set<string>(),
) {
  const step = graphStep(session, splits, false);
  for (const input of inputs) {
    if (!isObject(input)) {
      throw new ValidationError(`create on "${codec.meta.name}" needs an object of field values.`, codec.meta.name);
    }
    const { values, relations } = parts(splits, codec, input);
    let own = filled;
    for (const [meta, value] of relations) {
      const keys = writerFor(meta).ownKeys(meta);
      if (keys.length > 0) own = new Set([...own, ...keys]);
      checkWrite(step, meta, writeOf(splits, meta, value));
    }
    prepareInsert(codec, values, own);
  }
}

/** Validates one relation's write: the kind's own check, and each connectOrCreate's where and create. */
function checkWrite(step: GraphStep, meta: RelationMeta, write: RelationWrite): void {
  const writer = writerFor(meta);
  writer.checkNested(step, meta, write);
  if (write.connectOrCreate.length === 0) return;
  const target = codecFor(step.session, targetOf(meta));
  for (const { where } of write.connectOrCreate) {
    uniqueWhere(target, where, undefined, `connectOrCreate through ${label(meta)}`);
  }
  const creates = write.connectOrCreate.map((item) => item.create);
  writer.checkNested(step, meta, { create: creates, connect: undefined, connectInput: undefined, connectOrCreate: [] });
}

/** Whether any input carries a nested relation write. */
export function hasNestedWrites(codec: ModelCodec, inputs: readonly unknown[]): boolean {
  if (codec.meta.relations.size === 0) return false;
  return inputs.some((input) => isObject(input) && Object.keys(input).some((key) => codec.meta.relations.has(key)));
}

/** The rows a relation's write may create: its creates and its connectOrCreate's (without pivot values). */
const createdItems = (write: RelationWrite): Values[] =>
  [...write.create, ...write.connectOrCreate.map((item) => item.create)].map(withoutPivot);

/** The dotted relation paths a graph writes, for reading it back. */
function writtenPaths(
  splits: Splits,
  codec: ModelCodec,
  session: Session,
  inputs: readonly Values[],
  prefix = "",
): Set<string> {
  const paths = new Set<string>();
  for (const input of inputs) {
    for (const [meta, value] of parts(splits, codec, input).relations) {
      const { name } = meta;
      paths.add(prefix + name);
      const items = createdItems(writeOf(splits, meta, value));
      if (items.length === 0) continue;
      const target = codecFor(session, targetOf(meta));
      for (const path of writtenPaths(splits, target, session, items, `${prefix}${name}.`)) paths.add(path);
    }
  }
  return paths;
}

/**
 * Creates rows with their nested relation writes, level by level and batched across the rows
 * (one multi-row insert per model and level, one pivot insert per relation), then reads the
 * written relations back onto the rows as eager loading would. Validated before any SQL; one
 * transaction. A connectOrCreate looks its rows up first (one statement per relation level).
 */
export async function createGraph(
  session: Session,
  codec: ModelCodec,
  inputs: readonly Values[],
  readBack = true,
): Promise<Values[]> {
  const splits = newSplits();
  checkGraph(session, codec, inputs, splits);
  // A graph of created rows and many-to-many links is put together from what was written (as
  // a read would give it); anything else (connected children or owners, relations with a
  // where, keys that do not sort as numbers) is read back after writing.
  const assemble = readBack && assemblable(splits, session, codec, inputs);
  const paths = readBack && !assemble ? writtenPaths(splits, codec, session, inputs) : new Set<string>();
  return session.transaction(async (tx) => {
    if (splits.lookups) await resolveLevel(tx, splits, codec, inputs);
    const rows = await writeLevel(tx, codec, inputs, splits, assemble);
    let tree: EagerTree = new Map();
    for (const path of paths) tree = addEagerPath(tx.schema, codec.meta.name, tree, path);
    await loadRelations(tx, codec.meta.name, rows, tree);
    return rows;
  });
}

/**
 * Validates a nested update's `{ create, connect, connectOrCreate }` through `meta` before any
 * SQL: the rows it creates at every level, their own nested writes, pivot values.
 */
export function checkRelatedWrite(session: Session, meta: RelationMeta, value: unknown): void {
  const splits = newSplits();
  checkWrite(graphStep(session, splits, false), meta, writeOf(splits, meta, value));
}

/**
 * Writes `{ create, connect, connectOrCreate }` through `meta` for one stored row `parent`, on
 * the caller's session (its transaction): the rows created at every level, connected, attached.
 * Owner relations (belongsTo, morphTo) set the keys they fill on `parent` instead. Nothing is
 * read back.
 */
export async function writeRelated(session: Session, meta: RelationMeta, parent: Values, value: unknown) {
  const splits = newSplits();
  const step = graphStep(session, splits, false);
  checkWrite(step, meta, writeOf(splits, meta, value));
  if (splits.lookups) await resolveWrites(session, splits, [[meta, value]]);
  await writerFor(meta).writeNested(step, meta, [[parent, writeOf(splits, meta, value)]]);
}

/** Resolves every connectOrCreate of a level's inputs and, level by level, of the rows they create. */
async function resolveLevel(session: Session, splits: Splits, codec: ModelCodec, inputs: readonly Values[]) {
  const relations: [RelationMeta, unknown][] = [];
  for (const input of inputs) relations.push(...parts(splits, codec, input).relations);
  await resolveWrites(session, splits, relations);
}

/**
 * Looks up each connectOrCreate's where (one statement per relation: a UNION ALL of the
 * lookups) and replaces the write by one that connects the rows found and creates the rest (a
 * where given twice creates once); then resolves the rows it creates.
 */
async function resolveWrites(session: Session, splits: Splits, relations: readonly [RelationMeta, unknown][]) {
  for (const [meta, value] of relations) {
    const write = writeOf(splits, meta, value);
    if (write.connectOrCreate.length > 0) {
      const target = codecFor(session, targetOf(meta));
      const context = `connectOrCreate through ${label(meta)}`;
      const unique = new Map(write.connectOrCreate.map((item) => [sameWhere(item.where), item]));
      const items = [...unique.values()];
      const found = await findEach(
        session,
        target,
        items.map((item) => uniqueWhere(target, item.where, undefined, context)),
      );
      const resolved: RelationWrite = {
        ...write,
        create: [...write.create, ...items.filter((_, i) => found[i] === undefined).map((item) => item.create)],
        connectOrCreate: [],
        found: found.filter((row) => row !== undefined),
      };
      splits.writes.set(value as object, resolved);
    }
    const resolved = writeOf(splits, meta, value);
    if (resolved.create.length > 0) {
      await resolveLevel(session, splits, codecFor(session, targetOf(meta)), resolved.create.map(withoutPivot));
    }
  }
}

/**
 * Writes one level: the relations written before the row (owners: they fill its keys), the
 * rows in one multi-row insert, then the relations written after it (children, pivot rows).
 */
async function writeLevel(
  session: Session,
  codec: ModelCodec,
  inputs: readonly Values[],
  splits: Splits,
  assemble = false,
): Promise<Values[]> {
  const step = graphStep(session, splits, assemble);
  const levels = inputs.map((input) => parts(splits, codec, input));
  const values = levels.map((level) => level.values);
  // The relations any input writes through, in the model's order.
  const through = new Set<RelationMeta>();
  for (const { relations } of levels) for (const [meta] of relations) through.add(meta);
  const metas = [...codec.meta.relations.values()].filter((meta) => through.has(meta));
  /** The rows (of `rows`, by input) that write through `meta`, with their writes. */
  const using = (meta: RelationMeta, rows: readonly Values[]) => {
    const out: [Values, RelationWrite][] = [];
    for (let i = 0; i < levels.length; i++) {
      for (const [own, value] of levels[i]!.relations)
        if (own === meta) out.push([rows[i]!, writeOf(splits, meta, value)]);
    }
    return out;
  };
  for (const meta of metas) {
    const writer = writerFor(meta);
    if (writer.beforeRow) await writer.writeNested(step, meta, using(meta, values));
  }
  const rows = await insertRows(session, codec, values);
  for (const meta of metas) {
    const writer = writerFor(meta);
    if (writer.beforeRow) continue;
    await writer.writeNested(step, meta, using(meta, rows));
    // The rows that wrote nothing through it read it as empty.
    const { name } = meta;
    if (assemble) for (const row of rows) if (!Object.hasOwn(row, name)) row[name] = !isToMany(meta) ? null : [];
  }
  return rows;
}

/** The codec, when its model has a single integer primary key (rows assembled sort by it as a read does). */
function integerKeyed(codec: ModelCodec): ModelCodec | undefined {
  const [pk, ...rest] = codec.meta.primaryKey;
  return pk !== undefined && rest.length === 0 && ["id", "integer"].includes(codec.field(pk).config.kind)
    ? codec
    : undefined;
}

/**
 * Whether the written graph can be put together from what was written (see createGraph). Not
 * when a read would show more than was written through a relation: rows connected next to
 * created rows that write deeper relations (the connected rows' own would be read too), or two
 * written relations over the same rows (a pivot table, a foreign key) that each read the other's.
 */
function assemblable(splits: Splits, session: Session, codec: ModelCodec, inputs: readonly Values[]): boolean {
  const stores = new Map<string, string>();
  const connects = new Set<string>();
  const nests = new Set<string>();
  // Each relation's target, once its key allows assembling.
  const targets = new Map<string, ModelCodec>();
  for (const input of inputs) {
    for (const [meta, value] of parts(splits, codec, input).relations) {
      const { name } = meta;
      const write = writeOf(splits, meta, value);
      if (meta.where !== undefined) return false;
      const store = writerFor(meta).store(meta, write);
      if (store === undefined) return false;
      const target = targets.get(name) ?? integerKeyed(codecFor(session, targetOf(meta)));
      if (target === undefined) return false;
      targets.set(name, target);
      if ((stores.get(store) ?? name) !== name) return false;
      stores.set(store, name);
      if (write.connectOrCreate.length > 0) return false;
      if (write.connect !== undefined) connects.add(name);
      if (write.create.some((item) => hasNestedWrites(target, [item]))) nests.add(name);
      if (connects.has(name) && nests.has(name)) return false;
      if (write.create.length > 0 && !assemblable(splits, session, target, write.create.map(withoutPivot))) {
        return false;
      }
    }
  }
  return true;
}
