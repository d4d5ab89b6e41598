import type { RawBuilder } from "kysely";
import type { Session } from "../dialect/session.js";
import { typeState } from "../plan/eager.js";
import { codecFor, type ModelCodec } from "../plan/model-codec.js";
import { decodeAggregates, type EagerTree, type Order, orderExpression, selectionOf } from "../plan/state.js";
import { compileWhere } from "../plan/where.js";
import { ordersOrKey, type Row } from "../relations/fetch.js";
import { loaderFor } from "../relations/index.js";
import type { JoinLink } from "../relations/kind.js";
import { unknownMorphType } from "../relations/morph-to.js";
import { parentFieldsFor, stripUnselected } from "./load-relations.js";

/** The result column of one link: the relation's name, suffixed by the type for morphTo. */
const columnName = (relation: string, link: JoinLink) =>
  link.morphValue === undefined ? relation : `${relation}__${link.morphValue}`;

/**
 * The "join" strategy: every relation of `tree` as a correlated subquery that returns the
 * related rows of the parent row as a JSON array, nested to any depth. The parent query
 * selects these columns, so the whole load is one statement.
 */
export function joinColumns(
  session: Session,
  parent: ModelCodec,
  tree: EagerTree,
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
      const selects = selectionOf(target.meta, state);
      const fields = selects
        ? [...new Set([...selects, ...parentFieldsFor(session, target.meta.name, state.eager)])]
        : target.meta.fieldNames;
      const orders = ordersOrKey(target, state);
      const filtered = state.wheres.length === 0 ? query : query.where((eb) => compileWhere(target, eb, state.wheres));
      columns.push([
        columnName(node.relation, link),
        session.profile.jsonArray({
          query: filtered,
          columns: [
            ...fields.map((field) => [field, target.jsonRead(field)] as const),
            ...state.aggregates.map((aggregate) => [aggregate.alias, aggregate.build(target, true)] as const),
            ...extras,
            ...joinColumns(session, target, state.eager, `${alias}_`).map(
              ([name, column]) => [name, session.profile.nestJson(column)] as const,
            ),
          ],
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

/** Replaces the JSON columns of `rows` with decoded related rows, as the query strategy would set them. */
export function decodeJoined(session: Session, model: string, rows: readonly Row[], tree: EagerTree): void {
  const relations = session.schema.model(model).relations;
  for (const node of tree.values()) {
    const relation = relations.get(node.relation);
    if (!relation) continue;
    const loader = loaderFor(relation);
    const links = loader.joinLinks(session, relation, node.state);
    const codecs = new Map(links.map((link) => [link, codecFor(session, link.model)]));
    const states = new Map(links.map((link) => [link, typeState(node.state, link.model)]));
    for (const row of rows) {
      let link: JoinLink | undefined = links[0];
      if (relation.kind === "morphTo") {
        const type = row[relation.morphType];
        link = type === null || type === undefined ? undefined : links.find((l) => l.morphValue === String(type));
        if (type !== null && type !== undefined && !link) {
          throw unknownMorphType(relation, type);
        }
      }
      const raw = link ? row[columnName(node.relation, link)] : undefined;
      // The relation's own column is overwritten below; deleting it would slow every row down.
      for (const each of links)
        if (columnName(node.relation, each) !== node.relation) delete row[columnName(node.relation, each)];
      if (!link) {
        row[node.relation] = loader.defaultRow?.(session, relation, row) ?? null;
        continue;
      }
      let items = (typeof raw === "string" ? JSON.parse(raw) : (raw ?? [])) as Row[];
      const codec = codecs.get(link)!;
      const state = states.get(link)!;
      for (const item of items) {
        codec.decodeJson(item);
        link.finish?.(item);
      }
      decodeAggregates(items, state, true);
      if (!session.profile.jsonArrayLimits && (state.offset !== undefined || state.limit !== undefined)) {
        const start = state.offset ?? 0;
        items = items.slice(start, state.limit === undefined ? undefined : start + state.limit);
      }
      decodeNested(session, link.model, items, state.eager);
      items = stripUnselected(session, link.model, items, state);
      row[node.relation] = link.many ? items : (items[0] ?? loader.defaultRow?.(session, relation, row) ?? null);
    }
  }
}

/** Nested relation columns arrive as JSON values, or as JSON text where the database nests strings. */
function decodeNested(session: Session, model: string, items: Row[], tree: EagerTree): void {
  if (tree.size > 0) decodeJoined(session, model, items, tree);
}
