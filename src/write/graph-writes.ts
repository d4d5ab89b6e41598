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
import { isObject } from "./kinds/shared.js";
import { insertRows } from "./writes.js";

/** Each input split once per write: validation, paths and writing all read the same split. */
type Splits = WeakMap<object, [Values, Map<string, RelationWrite>]>;

/**
 * Splits an input into its field values and its nested relation writes, by its own keys (a
 * `__proto__` key is rejected, never assigned: it would set the values' prototype). Each
 * relation's kind splits and checks its own `{ create, connect }`.
 */
function split(splits: Splits, codec: ModelCodec, input: Values): [Values, Map<string, RelationWrite>] {
  const known = splits.get(input);
  if (known) return known;
  const values: Values = {};
  const writes = new Map<string, RelationWrite>();
  for (const [key, value] of Object.entries(input)) {
    checkOwnKey(codec.meta.name, key, "a field or relation");
    const meta = codec.meta.relations.get(key);
    if (meta === undefined) values[key] = value;
    else if (value !== undefined) writes.set(key, writerFor(meta).nested(meta, value));
  }
  const parts: [Values, Map<string, RelationWrite>] = [values, writes];
  splits.set(input, parts);
  return parts;
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
  splits: Splits = new WeakMap(),
  filled = new Set<string>(),
) {
  const step = graphStep(session, splits, false);
  for (const input of inputs) {
    if (!isObject(input)) {
      throw new ValidationError(`create on "${codec.meta.name}" needs an object of field values.`, codec.meta.name);
    }
    const [values, writes] = split(splits, codec, input);
    const own = new Set(filled);
    for (const [name, write] of writes) {
      const meta = codec.meta.relations.get(name)!;
      const writer = writerFor(meta);
      for (const key of writer.ownKeys(meta)) own.add(key);
      writer.checkNested(step, meta, write);
    }
    prepareInsert(codec, values, own);
  }
}

/** Whether any input carries a nested relation write. */
export function hasNestedWrites(codec: ModelCodec, inputs: readonly unknown[]): boolean {
  if (codec.meta.relations.size === 0) return false;
  return inputs.some((input) => isObject(input) && Object.keys(input).some((key) => codec.meta.relations.has(key)));
}

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
    for (const [name, write] of split(splits, codec, input)[1]) {
      paths.add(prefix + name);
      if (write.create.length === 0) continue;
      const target = codecFor(session, targetOf(codec.meta.relations.get(name)!));
      const items = write.create.map(withoutPivot);
      for (const path of writtenPaths(splits, target, session, items, `${prefix}${name}.`)) paths.add(path);
    }
  }
  return paths;
}

/**
 * Creates rows with their nested relation writes, level by level and batched across the rows
 * (one multi-row insert per model and level, one pivot insert per relation), then reads the
 * written relations back onto the rows as eager loading would. Validated before any SQL; one
 * transaction.
 */
export async function createGraph(
  session: Session,
  codec: ModelCodec,
  inputs: readonly Values[],
  readBack = true,
): Promise<Values[]> {
  const splits: Splits = new WeakMap();
  checkGraph(session, codec, inputs, splits);
  // A graph of created rows and many-to-many links is put together from what was written (as
  // a read would give it); anything else (connected children or owners, relations with a
  // where, keys that do not sort as numbers) is read back after writing.
  const assemble = readBack && assemblable(splits, session, codec, inputs);
  const paths = readBack && !assemble ? writtenPaths(splits, codec, session, inputs) : new Set<string>();
  return session.transaction(async (tx) => {
    const rows = await writeLevel(tx, codec, inputs, splits, assemble);
    let tree: EagerTree = new Map();
    for (const path of paths) tree = addEagerPath(tx.schema, codec.meta.name, tree, path);
    await loadRelations(tx, codec.meta.name, rows, tree);
    return rows;
  });
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
  const parts = inputs.map((input) => split(splits, codec, input));
  const using = (name: string, rows: readonly Values[]) =>
    parts.flatMap(([, writes], i) => (writes.has(name) ? [[rows[i]!, writes.get(name)!] as const] : []));
  const values = parts.map(([own]) => own);
  for (const [name, meta] of codec.meta.relations) {
    const writer = writerFor(meta);
    const rows = using(name, values);
    if (writer.beforeRow && rows.length > 0) await writer.writeNested(step, meta, rows);
  }
  const rows = await insertRows(session, codec, values);
  for (const [name, meta] of codec.meta.relations) {
    const writer = writerFor(meta);
    const writing = using(name, rows);
    if (writer.beforeRow || writing.length === 0) continue;
    await writer.writeNested(step, meta, writing);
    // The rows that wrote nothing through it read it as empty.
    if (assemble) for (const row of rows) if (!Object.hasOwn(row, name)) row[name] = !isToMany(meta) ? null : [];
  }
  return rows;
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
  for (const input of inputs) {
    for (const [name, write] of split(splits, codec, input)[1]) {
      const meta = codec.meta.relations.get(name)!;
      if (meta.where !== undefined) return false;
      const store = writerFor(meta).store(meta, write);
      if (store === undefined) return false;
      const target = codecFor(session, targetOf(meta));
      const [pk, ...rest] = target.meta.primaryKey;
      if (pk === undefined || rest.length > 0 || !["id", "integer"].includes(target.field(pk).config.kind)) {
        return false;
      }
      if ((stores.get(store) ?? name) !== name) return false;
      stores.set(store, name);
      if (write.connect !== undefined) connects.add(name);
      if (write.create.some((item) => hasNestedWrites(target, [item]))) nests.add(name);
      if (connects.has(name) && nests.has(name)) return false;
      const items = write.create.map(withoutPivot);
      if (!assemblable(splits, session, target, items)) return false;
    }
  }
  return true;
}
