import type { AliasedRawBuilder, SelectQueryBuilder } from "kysely";
import type { Session } from "../dialect/session.js";
import type { JoinedShape } from "../plan/compiled-cache.js";
import { joinModel } from "../plan/front-door.js";
import { adoptRows } from "../plan/instance-state.js";
import { codecFor, type ModelCodec } from "../plan/model-codec.js";
import { type EagerNode, type EagerTree, selectionOf, setsOnly } from "../plan/state.js";
import { sameKind, selectedFields } from "../relations/fetch.js";
import { loaderFor } from "../relations/index.js";
import type { ModelMeta, RelationMeta } from "../schema/meta.js";
import { loadRelations, parentFieldsFor, stripUnselected } from "./load-relations.js";

type Row = Record<string, unknown>;
type AnySelect = SelectQueryBuilder<any, any, any>;

/**
 * A unique to-one relation read in its parent's statement (the "query" strategy, for a read of
 * one row: loader/read.ts): at most one target row can match a parent, so a LEFT JOIN of the
 * target (its rule in ON) gives the same row a second statement would, without the round trip
 * (bench S5: 2,000 lookups of a user with its profile). Which relations qualify:
 * - a belongsTo whose owner key is the target's primary key or a unique field, or a hasOne whose
 *   foreign key is (not one-of-many);
 * - loaded without a constraint, or one that only selects fields (no where, order, limit,
 *   aggregate, withTrashed...), with no fixed `where`, no `withDefault`, no
 *   `withTrashed`/`withoutGlobalScopes` option;
 * - keys of the same kind on both sides (SQLite compares 1 and "1" as different; the second
 *   statement converts them, a join cannot).
 * Relations below a joined one load as usual, one query per level, its rows as their parents.
 */
export interface JoinedToOne extends JoinedShape {
  readonly node: EagerNode;
  /** The target as read: under its alias (`relata_j0`). */
  readonly codec: ModelCodec;
  /** The target as rows decode. */
  readonly target: ModelCodec;
  /** Target key = parent key: the ON condition, as column references. */
  readonly on: readonly [target: string, parent: string];
  /** The column alias of the target's joined key: null when no row matched. */
  readonly matched: string;
  readonly fields: readonly string[];
  /** Column alias of each of `fields`, short (PostgreSQL cuts identifiers at 63 bytes). */
  readonly aliases: readonly string[];
}

/** The eager relations of `tree` that join their parent's statement, and the rest. */
export function joinedToOnes(
  session: Session,
  codec: ModelCodec,
  tree: EagerTree,
): { joined: JoinedToOne[]; rest: EagerTree } {
  const joined: JoinedToOne[] = [];
  let rest: Map<string, EagerNode> | undefined;
  for (const [name, node] of tree) {
    // No constraint of its own but a select (relations below it are allowed): the relation alone
    // says which rows match.
    if (!setsOnly(node.state, ["selects"])) continue;
    const join = joinPlan(session, codec, name, node, joined.length);
    if (!join) continue;
    // One object shape for every join (a spread would build them case by case).
    const { codec: aliased, target, on, matched, fields, aliases } = join;
    joined.push({ name: join.name, node, codec: aliased, target, on, matched, fields, aliases });
    rest ??= new Map(tree);
    rest.delete(name);
  }
  return { joined, rest: rest ?? tree };
}

/**
 * How one relation joins (null: it does not), worked out once per parent codec and shape (the
 * relation, its selection, what loads below it, its place among the joins): point reads repeat
 * the same shapes thousands of times.
 */
const plans = new WeakMap<ModelCodec, Map<string, Omit<JoinedToOne, "node"> | null>>();

function joinPlan(
  session: Session,
  codec: ModelCodec,
  name: string,
  node: EagerNode,
  index: number,
): Omit<JoinedToOne, "node"> | null {
  let byShape = plans.get(codec);
  if (!byShape) {
    byShape = new Map();
    plans.set(codec, byShape);
  }
  const below = node.state.eager.size === 0 ? "" : [...node.state.eager.values()].map((n) => n.relation).join(",");
  const shape = `${index}\0${name}\0${node.relation}\0${node.state.selects?.join(",") ?? "*"}\0${below}`;
  let plan = byShape.get(shape);
  if (plan !== undefined) return plan;
  const meta = codec.meta.relations.get(node.relation);
  const keys = meta ? uniqueKeys(session, codec.meta, meta) : undefined;
  plan = null;
  if (keys) {
    const [parentKey, targetKey, model] = keys;
    const base = codecFor(session, model);
    const alias = `relata_j${index}`;
    const aliased = base.aliased(alias);
    const fields = selectedFields(base, node.state, [targetKey, ...parentFieldsFor(session, model, node.state.eager)]);
    plan = {
      name: `${name}:${fields.join(",")}`,
      codec: aliased,
      target: base,
      on: [aliased.ref(targetKey), codec.ref(parentKey)],
      matched: `${alias}_${fields.indexOf(targetKey)}`,
      fields,
      aliases: fields.map((_, i) => `${alias}_${i}`),
    };
  }
  byShape.set(shape, plan);
  return plan;
}

/** `query` with each relation's table joined and its columns selected. */
export function withJoins(query: AnySelect, joined: readonly JoinedToOne[]): AnySelect {
  let q = query;
  for (const join of joined) {
    const selections: AliasedRawBuilder<unknown, string>[] = join.fields.map((field, i) =>
      join.codec.selectAs(field, join.aliases[i]!),
    );
    q = joinModel(q, join.codec, join.on[0], join.on[1], true).select(selections);
  }
  return q;
}

/**
 * Splits each raw row into the parent's own columns (`kept`) and each joined relation's row (or
 * null), decoded. Returns the parent rows, not yet decoded (made by the parent's
 * `codec.fresh()`: the caller decodes them with `fresh`), and each join's related rows for
 * `finishJoined`.
 */
export function takeJoined(
  codec: ModelCodec,
  raws: readonly Row[],
  kept: readonly string[],
  joined: readonly JoinedToOne[],
): { parents: Row[]; related: Row[][] } {
  const parents: Row[] = [];
  const related: Row[][] = joined.map(() => []);
  for (const raw of raws) {
    // Fresh objects of one shape each: deleting the joined columns would make dictionary objects.
    const parent: Row = codec.fresh();
    for (const name of kept) parent[name] = raw[name];
    for (let j = 0; j < joined.length; j++) {
      const join = joined[j]!;
      if (raw[join.matched] === null || raw[join.matched] === undefined) {
        parent[join.node.relation] = null;
        continue;
      }
      const row: Row = join.target.fresh();
      for (let i = 0; i < join.fields.length; i++) row[join.fields[i]!] = raw[join.aliases[i]!];
      const decoded = join.target.decode<Row>(row, true);
      parent[join.node.relation] = decoded;
      related[j]!.push(decoded);
    }
    parents.push(parent);
  }
  return { parents, related };
}

/**
 * What is left of the joined relations once `takeJoined` split them: class rows adopted, the
 * relations below them loaded, fields read only to stitch dropped. A promise only when a joined
 * relation loads relations below it: a point read's plain join finishes without one.
 */
export function finishJoined(
  session: Session,
  joined: readonly JoinedToOne[],
  { parents, related }: { parents: Row[]; related: Row[][] },
): Promise<void> | undefined {
  let loading: Promise<void> | undefined;
  for (let j = 0; j < joined.length; j++) {
    const join = joined[j]!;
    const rows = related[j]!;
    const { target, node } = join;
    if (target.meta.modelClass) adoptRows(rows, session);
    if (node.state.eager.size === 0) {
      stripJoined(session, join, rows, parents);
      continue;
    }
    loading = (loading ?? Promise.resolve()).then(async () => {
      await loadRelations(session, target.meta.name, rows, node.state.eager);
      stripJoined(session, join, rows, parents);
    });
  }
  return loading;
}

/** Drops from a joined relation's rows (and its parents' copies) the fields it read only to stitch. */
function stripJoined(session: Session, { target, node }: JoinedToOne, rows: Row[], parents: Row[]): void {
  if (!selectionOf(target.meta, node.state)) return;
  stripUnselected(session, target.meta.name, rows, node.state, { rows: parents, relation: node.relation });
}

/**
 * [parent field, target field, target model] of a relation that joins (see JoinedToOne), else
 * undefined. Which fields a kind joins on is the kind's own (`joinKeys`).
 */
function uniqueKeys(session: Session, parent: ModelMeta, meta: RelationMeta): [string, string, string] | undefined {
  const keys = loaderFor(meta).joinKeys?.(meta);
  if (!keys || !("target" in meta)) return undefined;
  if (meta.where !== undefined || meta.withTrashed || meta.withoutGlobalScopes) return undefined;
  if ("withDefault" in meta && meta.withDefault) return undefined;
  const [parentKey, targetKey] = keys;
  const target = session.schema.model(meta.target);
  const unique =
    (target.primaryKey.length === 1 && target.primaryKey[0] === targetKey) ||
    target.fields.get(targetKey)?.config.unique;
  if (!unique) return undefined;
  return sameKind(parent.fields.get(parentKey), target.fields.get(targetKey))
    ? [parentKey, targetKey, meta.target]
    : undefined;
}
