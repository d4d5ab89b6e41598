import {
  CompiledQuery,
  type DeleteQueryBuilder,
  type DeleteResult,
  type InsertQueryBuilder,
  type InsertResult,
  type SelectQueryBuilder,
  type UpdateQueryBuilder,
  type UpdateResult,
} from "kysely";
import type { Session } from "../dialect/session.js";
import { ValidationError } from "../errors.js";
import type { Schema } from "../schema/define-schema.js";
import type { ModelMeta, PivotMeta } from "../schema/meta.js";
import { type ModelCodec, type RuleOptions, scopePart, setModelRule } from "./model-codec.js";
import { compileWhere, type WhereNode } from "./where.js";

/**
 * The front door: every statement on a model's table starts here, so a model-level rule (a
 * soft delete, a global scope) holds on every path that reads or writes the model — reads,
 * eager loads under both strategies, relation filters and aggregates, related(row, relation),
 * updates and deletes. Inserts and pivot tables take no rule but start here too.
 */

type AnySelect = SelectQueryBuilder<any, any, any>;
type AnyUpdate = UpdateQueryBuilder<any, any, any, UpdateResult>;
type AnyDelete = DeleteQueryBuilder<any, any, DeleteResult>;
type AnyInsert = InsertQueryBuilder<any, any, InsertResult>;
type Values = Record<string, unknown>;

/**
 * Installs a rule on `model` in `schema`: conditions every select, update and delete of the
 * model meets from now on, wherever it starts, next to its soft delete and global scopes
 * (internal, for tests of the front door; an empty list removes it). Replaces the previous one.
 */
export function installModelRule(schema: Schema, model: string, nodes: readonly WhereNode[]): void {
  const meta = schema.model(model);
  for (const node of nodes) checkFields(meta, node);
  setModelRule(schema, model, "rule", nodes.length === 0 ? undefined : nodes);
}

function checkFields(meta: ModelMeta, node: WhereNode): void {
  if (node.type === "group") {
    for (const inner of node.nodes) checkFields(meta, inner);
  } else if (node.type !== "expr" && !meta.fields.has(node.field)) {
    throw new ValidationError(
      `A rule of model "${meta.name}" names unknown field "${node.field}". Valid fields: ${meta.fieldNames.join(", ")}.`,
      meta.name,
      node.field,
    );
  }
}

/**
 * Installs the global scopes of `model` (its `scopes` option, each run once on a query of the
 * model by `build`, which returns the query's conditions) as rule parts.
 */
export function installScopes(
  schema: Schema,
  model: string,
  build: (scope: (q: any) => unknown, name: string) => readonly WhereNode[],
): void {
  for (const [name, scope] of schema.model(model).scopes) {
    const nodes = build(scope, name);
    for (const node of nodes) checkFields(schema.model(model), node);
    setModelRule(schema, model, scopePart(name), nodes);
  }
}

/** A codec under a query's rule options (withTrashed, onlyTrashed, withoutGlobalScope). */
export function ruled(codec: ModelCodec, options: RuleOptions): ModelCodec {
  return codec.under(options);
}

/** The rule of a codec's model as where nodes, or undefined (no rule: one property read). */
export function ruleOf(codec: ModelCodec): readonly WhereNode[] | undefined {
  return codec.rule as readonly WhereNode[] | undefined;
}

/** `conditions` under the model's rule: the rule first, the conditions as one group (an orWhere cannot escape). */
export function underRule(codec: ModelCodec, conditions: readonly WhereNode[]): readonly WhereNode[] {
  const rule = ruleOf(codec);
  if (!rule) return conditions;
  if (conditions.length === 0) return rule;
  return [...rule, { type: "group", or: false, not: false, nodes: conditions }];
}

/**
 * SELECT FROM a model's table (an aliased codec: `table as alias`), WHERE its rule and
 * `conditions`. Conditions added afterwards with `.where` are ANDed after the rule.
 */
export function selectModel(session: Session, codec: ModelCodec, conditions: readonly WhereNode[] = []): AnySelect {
  const query = session.kysely.selectFrom(codec.from);
  const nodes = underRule(codec, conditions);
  return nodes.length === 0 ? query : query.where((eb) => compileWhere(codec, eb, nodes));
}

/**
 * SELECT FROM a model's table without its rule: only for reading back, by key, the rows an
 * insert has just written (what RETURNING gives on the databases that have it).
 */
export function selectWritten(session: Session, codec: ModelCodec): AnySelect {
  return session.kysely.selectFrom(codec.from);
}

/**
 * `query` INNER JOIN (or, `outer`, LEFT JOIN) a model's table ON `left = right` and the model's
 * rule (pivots have none). A LEFT JOIN reads a unique to-one relation in its parent's statement
 * (loader/joined-to-one.ts): no match, or a row the rule leaves out, gives nulls.
 */
export function joinModel(query: AnySelect, codec: ModelCodec, left: string, right: string, outer = false): AnySelect {
  const join: AnySelect["innerJoin"] = outer ? query.leftJoin.bind(query) : query.innerJoin.bind(query);
  const rule = ruleOf(codec);
  if (!rule) return join(codec.from, left, right);
  return join(codec.from, (on) => on.onRef(left, "=", right).on((eb) => compileWhere(codec, eb, rule)));
}

/** SELECT FROM a derived table (`(query) as alias`): paging subqueries MySQL accepts, per-parent ranking. */
export function selectDerived(session: Session, query: AnySelect, alias: string): AnySelect {
  return session.kysely.selectFrom(query.as(alias));
}

/** UPDATE a model's table SET `set` (by column) WHERE its rule and `conditions`. */
export function updateModel(
  session: Session,
  codec: ModelCodec,
  set: Values,
  conditions: readonly WhereNode[],
): AnyUpdate {
  const query = session.kysely.updateTable(codec.meta.table).set(set);
  const nodes = underRule(codec, conditions);
  return nodes.length === 0 ? query : query.where((eb) => compileWhere(codec, eb, nodes));
}

/** DELETE FROM a model's table WHERE its rule and `conditions`. */
export function deleteModel(session: Session, codec: ModelCodec, conditions: readonly WhereNode[]): AnyDelete {
  const query = session.kysely.deleteFrom(codec.meta.table);
  const nodes = underRule(codec, conditions);
  return nodes.length === 0 ? query : query.where((eb) => compileWhere(codec, eb, nodes));
}

/**
 * Whether the database writes an upsert as ON DUPLICATE KEY UPDATE and skips duplicates with
 * INSERT IGNORE (MySQL, MariaDB) rather than with ON CONFLICT (SQLite, PostgreSQL).
 */
const duplicateKeyClauses = (session: Session): boolean => session.profile.name === "mysql";

/**
 * INSERT INTO a model's table (one row, through Kysely's builder). `skipDuplicates`: a row a
 * unique key already has is skipped, not an error (ON CONFLICT DO NOTHING, MySQL's INSERT IGNORE).
 */
export function insertModel(session: Session, codec: ModelCodec, skipDuplicates = false): AnyInsert {
  const query = session.kysely.insertInto(codec.meta.table);
  if (!skipDuplicates) return query;
  return duplicateKeyClauses(session) ? query.ignore() : query.onConflict((oc) => oc.doNothing());
}

/**
 * INSERT INTO a model's table rows of the same fields (by field, as prepareInsert gives them)
 * in one statement, with RETURNING every field (as a select reads it) when `returning`.
 * `skipDuplicates`: rows a unique key already has are skipped (and not returned), as
 * insertModel does.
 */
export function insertModelRows(
  session: Session,
  codec: ModelCodec,
  rows: readonly Values[],
  returning: boolean,
  skipDuplicates = false,
): CompiledQuery {
  const list = returning ? returningList(session, codec) : undefined;
  return insertText(session, codec.meta.table, codec, rows, list, skipDuplicates);
}

/**
 * INSERT one row (by column) INTO a model's table or, when it collides on the unique key
 * `keys` (columns), UPDATE the stored row with `set` (by column; a column reference in an
 * expression of `set` must be qualified, `table.column`, to mean the stored value): ON
 * CONFLICT (keys) DO UPDATE SET, or ON DUPLICATE KEY UPDATE on MySQL. RETURNING every field
 * (as a select reads it) when `returning`. The model's rule does not apply: an upsert runs
 * on a model without one.
 */
export function upsertModel(
  session: Session,
  codec: ModelCodec,
  row: Values,
  keys: readonly string[],
  set: Values,
  returning: boolean,
): AnyInsert {
  const insert = session.kysely.insertInto(codec.meta.table).values(row);
  const query = duplicateKeyClauses(session)
    ? insert.onDuplicateKeyUpdate(set)
    : insert.onConflict((oc) => oc.columns(keys as never).doUpdateSet(set));
  return returning ? (query.returning(codec.select()) as unknown as AnyInsert) : query;
}

/** SELECT FROM a pivot table. */
export function selectPivot(session: Session, pivot: PivotMeta): AnySelect {
  return session.kysely.selectFrom(pivot.table);
}

/** INSERT INTO a pivot table rows of the same fields (by field of `codec`, the pivot's or its join model's), in one statement. */
export function insertPivot(
  session: Session,
  pivot: PivotMeta,
  codec: ModelCodec,
  rows: readonly Values[],
): CompiledQuery {
  return insertText(session, pivot.table, codec, rows);
}

/** UPDATE a pivot table SET `set` (by column). */
export function updatePivot(session: Session, pivot: PivotMeta, set: Values): AnyUpdate {
  return session.kysely.updateTable(pivot.table).set(set);
}

/** DELETE FROM a pivot table. */
export function deletePivot(session: Session, pivot: PivotMeta): AnyDelete {
  return session.kysely.deleteFrom(pivot.table);
}

/**
 * `INSERT INTO table (columns) VALUES (...), (...)` for rows of the same fields of `codec`
 * (the first row's), each value encoded as the field's encoder binds it. Written directly:
 * Kysely's builder makes a node per value, which for thousands of rows costs more than the
 * database takes to insert them.
 */
function insertText(
  session: Session,
  table: string,
  codec: ModelCodec,
  rows: readonly Values[],
  returning?: string,
  skipDuplicates = false,
): CompiledQuery {
  const { identifierQuote: q, numberedParameters, columnArrays } = session.profile;
  const quote = (name: string) => `${q}${name.replaceAll(q, q + q)}${q}`;
  const fields = Object.keys(rows[0]!);
  const width = fields.length;
  const encoders = fields.map((field) => codec.encoder(field));
  if (columnArrays && rows.length > 1 && width > 0) {
    return insertArrays(table, codec, rows, fields, encoders, quote, returning, skipDuplicates);
  }
  const parameters: unknown[] = new Array(rows.length * width);
  let at = 0;
  for (const row of rows) {
    for (let f = 0; f < width; f++) parameters[at++] = encoders[f]!(row[fields[f]!]);
  }
  let tuples: string;
  if (width === 0) tuples = `()${", ()".repeat(rows.length - 1)}`;
  else if (numberedParameters) {
    const list: string[] = new Array(rows.length);
    for (let r = 0, n = 1; r < rows.length; r++) {
      let tuple = `($${n++}`;
      for (let f = 1; f < width; f++) tuple += `, $${n++}`;
      list[r] = `${tuple})`;
    }
    tuples = list.join(", ");
  } else {
    const tuple = `(${"?, ".repeat(width - 1)}?)`;
    tuples = tuple + `, ${tuple}`.repeat(rows.length - 1);
  }
  const columns = fields.map((field) => quote(codec.field(field).column)).join(", ");
  const ignore = skipDuplicates && duplicateKeyClauses(session);
  const conflict = skipDuplicates && !ignore ? " on conflict do nothing" : "";
  const sqlText = `insert ${ignore ? "ignore " : ""}into ${quote(table)} (${columns}) values ${tuples}${conflict}`;
  return CompiledQuery.raw(returning ? `${sqlText} returning ${returning}` : sqlText, parameters);
}

/**
 * insertText's rows as one array per column (PostgreSQL): `INSERT INTO table (columns) SELECT *
 * FROM unnest(coalesce($1, array[(null::table).column]), ...)`, each array typed as its column
 * (see the profile's valuesTable). Rows go in, and come back from RETURNING, in array order.
 * One parameter per column: the statement's text is the same for any number of rows.
 */
function insertArrays(
  table: string,
  codec: ModelCodec,
  rows: readonly Values[],
  fields: readonly string[],
  encoders: readonly ((value: unknown) => unknown)[],
  quote: (name: string) => string,
  returning: string | undefined,
  skipDuplicates: boolean,
): CompiledQuery {
  const columns = fields.map((field) => quote(codec.field(field).column));
  const arrays = fields.map((field, f) => {
    const encode = encoders[f]!;
    const values: unknown[] = new Array(rows.length);
    for (let r = 0; r < rows.length; r++) values[r] = encode(rows[r]![field]);
    return values;
  });
  const typed = columns.map((column, f) => `coalesce($${f + 1}, array[(null::${quote(table)}).${column}])`);
  const conflict = skipDuplicates ? " on conflict do nothing" : "";
  const text = `insert into ${quote(table)} (${columns.join(", ")}) select * from unnest(${typed.join(", ")})${conflict}`;
  return CompiledQuery.raw(returning ? `${text} returning ${returning}` : text, arrays);
}

const returningLists = new WeakMap<ModelCodec, string>();

/** The RETURNING list of a codec's fields (as a select reads them), compiled by Kysely once. */
function returningList(session: Session, codec: ModelCodec): string {
  let list = returningLists.get(codec);
  if (list === undefined) {
    const { sql: text } = insertModel(session, codec).defaultValues().returning(codec.select()).compile();
    list = text.slice(text.indexOf(" returning ") + " returning ".length);
    returningLists.set(codec, list);
  }
  return list;
}
