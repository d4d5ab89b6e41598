import { type RawBuilder, sql } from "kysely";
import type { Session } from "../dialect/session.js";
import { typeState } from "../plan/eager.js";
import { codecFor, type ModelCodec } from "../plan/model-codec.js";
import {
  decodeAggregates,
  type EagerTree,
  type Order,
  orderExpression,
  type QueryState,
  selectionOf,
} from "../plan/state.js";
import { compileWhere } from "../plan/where.js";
import { ordersOrKey, type Row } from "../relations/fetch.js";
import { loaderFor } from "../relations/index.js";
import type { JoinLink, RelationLoader } from "../relations/kind.js";
import { unknownMorphType } from "../relations/morph-to.js";
import type { RelationMeta } from "../schema/meta.js";
import { parentFieldsFor, stripUnselected } from "./load-relations.js";

/** The result column of one link: the relation's name, suffixed by the type for morphTo. */
const columnName = (relation: string, link: JoinLink) =>
  link.morphValue === undefined ? relation : `${relation}__${link.morphValue}`;

/**
 * What a relation's JSON array holds per row, where rows are value arrays (`jsonArrayRows`):
 * the key of each value, and the same for the nested relations' arrays, by column name.
 */
export interface JoinLayout {
  /** The keys of a row's values: its fields and aggregates, the link's extras, the nested relations. */
  readonly names: readonly string[];
  /** Where the extras are in `names`: [extrasFrom, extrasTo). */
  readonly extrasFrom: number;
  readonly extrasTo: number;
  readonly nested: Layouts;
}
export type Layouts = ReadonlyMap<string, JoinLayout>;

/**
 * The "join" strategy: every relation of `tree` as a correlated subquery that returns the
 * related rows of the parent row as a JSON array, nested to any depth. The parent query
 * selects these columns, so the whole load is one statement. `layouts` receives each column's
 * layout, for decodeJoined.
 */
export function joinColumns(
  session: Session,
  parent: ModelCodec,
  tree: EagerTree,
  layouts: Map<string, JoinLayout>,
  aliasPrefix = "relata_j",
): (readonly [string, RawBuilder<unknown>])[] {
  const relations = session.schema.model(parent.meta.name).relations;
  const columns: (readonly [string, RawBuilder<unknown>])[] = [];
  let index = 0;
  for (const node of tree.values()) {
    const relation = relations.get(node.relation);
    if (!relation) continue; // a path through morphTo names relations some targets lack
    for (const link of loaderFor(relation).joinLinks(session, relation, node.state)) {
      const alias = `${aliasPrefix}${index++}`;
      const { target, query, extras } = link.correlate(parent, alias);
      // A morphTo link reads its model's own constraint and relations below (constrain / morphWith).
      const state = typeState(node.state, link.model);
      // Nested morphTo relations pick their column by a type field: include it even when not selected.
      const keys = parentFieldsFor(session, target.meta.name, state.eager);
      const selects = selectionOf(target.meta, state);
      const fields = selects ? [...new Set([...selects, ...keys])] : target.meta.fieldNames;
      const orders = ordersOrKey(target, state);
      const filtered = state.wheres.length === 0 ? query : query.where((eb) => compileWhere(target, eb, state.wheres));
      const values = [
        ...fields.map((field) => [field, target.jsonRead(field)] as const),
        ...state.aggregates.map((aggregate) => [aggregate.alias, aggregate.build(target, true)] as const),
        ...extras,
      ];
      const nestedLayouts = new Map<string, JoinLayout>();
      const nested = joinColumns(session, target, state.eager, nestedLayouts, `${alias}_`);
      const name = columnName(node.relation, link);
      layouts.set(name, {
        names: [...values, ...nested].map(([key]) => key),
        extrasFrom: values.length - extras.length,
        extrasTo: values.length,
        nested: nestedLayouts,
      });
      columns.push([
        name,
        session.profile.jsonArray({
          query: filtered,
          columns: values,
          nested,
          alias,
          keys: keys.map((field) => [target.field(field).column, sql.ref(target.ref(field))] as const),
          orders: orders.map((order) => [orderExpression(target, order), order.direction] as const),
          orderColumns: orders.map((order) => (sortsAsRead(target, order, fields) ? order.field : undefined)),
          // A to-one relation is the first row of its window (none for limit(0)).
          limit: link.many ? state.limit : Math.min(state.limit ?? 1, 1),
          offset: state.offset,
        }),
      ]);
    }
  }
  return columns;
}

/** Kinds whose JSON read is text (bigints, decimals, json): sorting by that text would be wrong. */
const READ_AS_TEXT = new Set(["bigint", "decimal", "json"]);

/** Whether an order can sort by the selected column itself (a plain field, read as stored). */
function sortsAsRead(target: ModelCodec, order: Order, fields: readonly string[]): boolean {
  return !order.build && fields.includes(order.field) && !READ_AS_TEXT.has(target.field(order.field).config.kind);
}

/** One link of a relation being decoded: where its column is, and the rows read per parent. */
interface Decoding {
  readonly link: JoinLink;
  readonly column: string;
  readonly codec: ModelCodec;
  readonly state: QueryState;
  readonly layout: JoinLayout;
  /** Each parent row reading this link, its related rows, and (value arrays) their values. */
  readonly parents: Row[];
  readonly groups: Row[][];
  readonly values: unknown[][][];
}

/** A JSON column's value for row `index` of a level. */
type ReadColumn = (index: number, column: string) => unknown;

/**
 * Replaces the JSON columns of `rows` with decoded related rows, as the query strategy would
 * set them: one relation at a time for all the rows, each nested level once for all the rows
 * of the level above. `read` gives row `index`'s JSON column: from the driver's row at the top
 * (readJoined), from the row's values below where rows arrive as value arrays (SQLite).
 * Without it the column is read from the row itself, and the columns of the other morphTo
 * types are deleted from it.
 */
export function decodeJoined(
  session: Session,
  model: string,
  rows: readonly Row[],
  tree: EagerTree,
  layouts: Layouts,
  read?: ReadColumn,
): void {
  const relations = session.schema.model(model).relations;
  for (const node of tree.values()) {
    const relation = relations.get(node.relation);
    if (!relation) continue;
    const loader = loaderFor(relation);
    const decodings: Decoding[] = loader.joinLinks(session, relation, node.state).map((link) => {
      const column = columnName(node.relation, link);
      const state = typeState(node.state, link.model);
      // joinColumns laid out every link's column: the same links, the same names.
      const layout = layouts.get(column)!;
      return { link, column, codec: codecFor(session, link.model), state, layout, parents: [], groups: [], values: [] };
    });
    const others = read ? [] : decodings.map((d) => d.column).filter((column) => column !== node.relation);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      let decoding: Decoding | undefined = decodings[0];
      if (relation.kind === "morphTo") {
        const type = row[relation.morphType];
        decoding =
          type === null || type === undefined ? undefined : decodings.find((d) => d.link.morphValue === String(type));
        if (type !== null && type !== undefined && !decoding) {
          throw unknownMorphType(relation, type);
        }
      }
      const raw = decoding ? (read ? read(r, decoding.column) : row[decoding.column]) : undefined;
      // The relation's own column is overwritten below; deleting it would slow every row down.
      for (const column of others) delete row[column];
      if (!decoding) {
        row[node.relation] = loader.defaultRow?.(session, relation, row) ?? null;
        continue;
      }
      const parsed = paged(session, decoding, (typeof raw === "string" ? JSON.parse(raw) : (raw ?? [])) as unknown[]);
      decoding.parents.push(row);
      decoding.groups.push(related(session, decoding, parsed));
      if (session.profile.jsonArrayRows) decoding.values.push(parsed as unknown[][]);
    }
    for (const decoding of decodings) finishLevel(session, loader, relation, decoding);
  }
}

/** One parent's related rows from its parsed JSON array: made, decoded, their extras finished. */
function related(session: Session, { codec, link, layout }: Decoding, parsed: unknown[]): Row[] {
  let items: Row[];
  if (session.profile.jsonArrayRows) {
    const arrays = parsed as unknown[][];
    const { names, extrasFrom, extrasTo } = layout;
    items = new Array(arrays.length);
    for (let i = 0; i < arrays.length; i++) {
      const values = arrays[i]!;
      const row = codec.fresh();
      for (let j = 0; j < extrasFrom; j++) row[names[j]!] = values[j];
      codec.decodeJson(row, true);
      if (link.finish) {
        const extras: Row = {};
        for (let j = extrasFrom; j < extrasTo; j++) extras[names[j]!] = values[j];
        link.finish(row, extras);
      }
      items[i] = row;
    }
  } else {
    items = parsed as Row[];
    for (const item of items) {
      codec.decodeJson(item);
      link.finish?.(item, item);
    }
  }
  return items;
}

/** A parent's parsed array paged as the relation's constraint asks, where the database did not page it. */
function paged(session: Session, { state }: Decoding, parsed: unknown[]): unknown[] {
  if (session.profile.jsonArrayLimits || (state.offset === undefined && state.limit === undefined)) return parsed;
  const start = state.offset ?? 0;
  return parsed.slice(start, state.limit === undefined ? undefined : start + state.limit);
}

/** The level's aggregates, nested relations and selection for all its rows, then each parent's share. */
function finishLevel(
  session: Session,
  loader: RelationLoader<RelationMeta>,
  relation: RelationMeta,
  { link, state, layout, parents, groups, values }: Decoding,
): void {
  if (parents.length === 0) return;
  const all = concat(groups);
  decodeAggregates(all, state, true);
  if (state.eager.size > 0) {
    let read: ReadColumn | undefined;
    if (session.profile.jsonArrayRows) {
      const arrays = concat(values);
      const index = new Map(layout.names.map((name, i) => [name, i]));
      read = (r, column) => arrays[r]![index.get(column)!];
    }
    decodeJoined(session, link.model, all, state.eager, layout.nested, read);
  }
  const stripped = stripUnselected(session, link.model, all, state);
  let at = 0;
  for (let p = 0; p < parents.length; p++) {
    const parent = parents[p]!;
    const group = groups[p]!;
    const count = group.length;
    parent[relation.name] = link.many
      ? stripped === all
        ? group
        : stripped.slice(at, at + count)
      : count > 0
        ? stripped[at]
        : (loader.defaultRow?.(session, relation, parent) ?? null);
    at += count;
  }
}

/** The lists one after the other (Array#flat is several times slower on many short lists). */
function concat<T>(lists: readonly T[][]): T[] {
  if (lists.length === 1) return lists[0]!;
  const all: T[] = [];
  for (const list of lists) for (let i = 0; i < list.length; i++) all.push(list[i]!);
  return all;
}
