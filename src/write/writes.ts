import { CompiledQuery, sql } from "kysely";
import type { Session } from "../dialect/session.js";
import { ValidationError } from "../errors.js";
import type { ModelCodec } from "../plan/model-codec.js";
import { allConditions, applyPaging, baseQuery, type QueryState } from "../plan/state.js";
import { prepareInsert, prepareUpdate, toColumns } from "../plan/validate.js";
import { compileWhere } from "../plan/where.js";
import { keyOf } from "../relations/fetch.js";

type Values = Record<string, unknown>;

/**
 * Inserts rows and returns them as stored (generated ids and defaults included), in input
 * order. Everything is validated before the first statement; several statements run in
 * one transaction.
 */
export async function insertRows(session: Session, codec: ModelCodec, inputs: readonly Values[]): Promise<Values[]> {
  const rows = inputs.map((input) => prepareInsert(codec, input));
  if (rows.length === 0) return [];
  const batches = planBatches(session, rows);
  const returning = await session.returning();
  const run = returning ? insertReturning : insertThenSelect;
  if (batches.length === 1 && (returning || rows.length === 1)) {
    return run(session, codec, rows, batches);
  }
  return session.transaction((tx) => run(tx, codec, rows, batches));
}

/**
 * Row indexes in batches: consecutive rows with the same columns (a generated id may be
 * given or not), each batch under the parameter limit. Rows are inserted in input order.
 */
function planBatches(session: Session, rows: readonly Values[]): number[][] {
  const batches: number[][] = [];
  let signature: string | undefined;
  let perStatement = 0;
  rows.forEach((row, i) => {
    const columns = Object.keys(row);
    const key = columns.join("\0");
    const current = batches[batches.length - 1];
    if (current && key === signature && current.length < perStatement) {
      current.push(i);
      return;
    }
    signature = key;
    perStatement = Math.max(1, Math.floor(session.profile.maxParameters / Math.max(1, columns.length)));
    batches.push([i]);
  });
  return batches;
}

async function insertReturning(session: Session, codec: ModelCodec, rows: Values[], batches: number[][]) {
  const out: Values[] = new Array(rows.length);
  for (const batch of batches) {
    const query = bulkInsert(
      session,
      codec.meta.table,
      batch.map((i) => toColumns(codec, rows[i]!)),
      returningList(session, codec),
    );
    const result = await session.execute<Values>(query, codec.meta.table);
    result.rows.forEach((row, j) => {
      out[batch[j]!] = codec.decode(row);
    });
  }
  return out;
}

/** Without RETURNING (MySQL): insert row by row to learn each generated id, then read them back. */
async function insertThenSelect(session: Session, codec: ModelCodec, rows: Values[]) {
  const pk = codec.meta.primaryKey;
  const keys: Values[] = [];
  for (const row of rows) {
    const result = await session.execute(
      session.kysely.insertInto(codec.meta.table).values(toColumns(codec, row)),
      codec.meta.table,
    );
    const key: Values = {};
    for (const field of pk) {
      key[field] = field in row ? row[field] : Number(result.insertId);
    }
    keys.push(key);
  }
  const found = await selectByKeys(session, codec, keys);
  return keys.map((key) => found.get(keyString(pk, key))!);
}

const keyString = (pk: readonly string[], row: Values) => pk.map((f) => String(row[f])).join("\0");

/** Reads rows back by primary key, in chunks under the parameter limit. */
async function selectByKeys(
  session: Session,
  codec: ModelCodec,
  keys: readonly Values[],
): Promise<Map<string, Values>> {
  const pk = codec.meta.primaryKey;
  const found = new Map<string, Values>();
  const perStatement = Math.floor(session.profile.maxParameters / pk.length);
  for (let i = 0; i < keys.length; i += perStatement) {
    const chunk = keys.slice(i, i + perStatement);
    const query = session.kysely
      .selectFrom(codec.meta.table)
      .select(codec.select())
      .where((eb) => eb.or(chunk.map((key) => eb.and(pk.map((f) => eb(codec.ref(f), "=", codec.encode(f, key[f])))))));
    const result = await session.execute<Values>(query);
    for (const row of result.rows) {
      const decoded = codec.decode<Values>(row);
      found.set(keyString(pk, decoded), decoded);
    }
  }
  return found;
}

/** The WHERE of an update/delete: the state's conditions, or its paged primary keys when limited. */
function targetRows<Q extends { where: (...args: any[]) => Q }>(
  session: Session,
  codec: ModelCodec,
  state: QueryState,
  query: Q,
): Q {
  if (state.limit === undefined && state.offset === undefined) {
    const conditions = allConditions(state);
    return conditions.length === 0 ? query : query.where((eb: any) => compileWhere(codec, eb, conditions));
  }
  const [pk, ...rest] = codec.meta.primaryKey;
  if (pk === undefined || rest.length > 0) {
    throw new ValidationError(
      `A limited update/delete on "${codec.meta.name}" needs a single primary key.`,
      codec.meta.name,
    );
  }
  // The derived table lets MySQL limit a subquery on the table being written.
  const paged = applyPaging(codec, state, baseQuery(session, codec, state).select(`${codec.ref(pk)} as k`));
  const keys = session.kysely.selectFrom(paged.as("relata_page")).select("relata_page.k");
  return query.where(codec.ref(pk), "in", keys);
}

/** Updates the rows a state matches; returns how many matched. */
export async function updateRows(session: Session, codec: ModelCodec, state: QueryState, values: Values) {
  const set = toColumns(codec, prepareUpdate(codec, values));
  const query = targetRows(session, codec, state, session.kysely.updateTable(codec.meta.table).set(set));
  const result = await session.execute(query, codec.meta.table);
  return Number(result.numAffectedRows ?? 0n);
}

/** Deletes the rows a state matches; returns how many. */
export async function deleteRows(session: Session, codec: ModelCodec, state: QueryState): Promise<number> {
  const pivots = morphPivotsOf(session, codec);
  if (pivots.length === 0) return deleteMatching(session, codec, state);
  // Polymorphic pivot rows have no foreign key to cascade from: remove them in the same transaction.
  return session.transaction(async (tx) => {
    const [pk] = codec.meta.primaryKey;
    const keys = applyPaging(codec, state, baseQuery(tx, codec, state).select(`${codec.ref(pk!)} as k`));
    // Through a derived table, so MySQL accepts a limited subquery.
    const deleted = tx.kysely.selectFrom(keys.as("relata_deleted")).select("relata_deleted.k");
    for (const { table, typeColumn, idColumn, value } of pivots) {
      await tx.execute(tx.kysely.deleteFrom(table).where(typeColumn, "=", value).where(idColumn, "in", deleted), table);
    }
    return deleteMatching(tx, codec, state);
  });
}

async function deleteMatching(session: Session, codec: ModelCodec, state: QueryState): Promise<number> {
  const query = targetRows(session, codec, state, session.kysely.deleteFrom(codec.meta.table));
  const result = await session.execute(query, codec.meta.table);
  return Number(result.numAffectedRows ?? 0n);
}

/** The polymorphic pivots whose morph side is this model (a post's row in taggables). */
function morphPivotsOf(session: Session, codec: ModelCodec) {
  const pivots = new Map<string, { table: string; typeColumn: string; idColumn: string; value: string }>();
  if (codec.meta.primaryKey.length !== 1) return [];
  for (const model of session.schema.meta.models.values()) {
    for (const relation of model.relations.values()) {
      const morphSide =
        relation.kind === "morphToMany"
          ? relation.model
          : relation.kind === "morphedByMany"
            ? relation.target
            : undefined;
      if (morphSide !== codec.meta.name || relation.kind === "belongsToMany" || !("pivot" in relation)) continue;
      const { pivot } = relation;
      if (!pivot.morphType) continue;
      const idColumn = relation.kind === "morphToMany" ? pivot.foreignKey.column : pivot.relatedKey.column;
      pivots.set(`${pivot.table}:${pivot.morphType.value}`, {
        table: pivot.table,
        typeColumn: pivot.morphType.column,
        idColumn,
        value: pivot.morphType.value,
      });
    }
  }
  return [...pivots.values()];
}

/** The distinct `keys` no row of the codec's model has in `field`; chunked under the parameter limit. */
export async function missingKeys(
  session: Session,
  codec: ModelCodec,
  field: string,
  keys: readonly unknown[],
): Promise<unknown[]> {
  const unique = [...new Map(keys.map((k) => [keyOf(k), k])).values()];
  const present = new Set<string | undefined>();
  const perStatement = Math.max(1, session.profile.maxParameters - 100);
  for (let i = 0; i < unique.length; i += perStatement) {
    const found = await session.execute<Values>(
      session.kysely
        .selectFrom(codec.meta.table)
        .select(sql.ref(codec.ref(field)).as("k"))
        .where(
          sql.ref(codec.ref(field)),
          "in",
          unique.slice(i, i + perStatement).map((k) => codec.encodeKey(field, k)),
        ),
    );
    for (const r of found.rows) present.add(keyOf(r.k));
  }
  return unique.filter((k) => !present.has(keyOf(k)));
}

/**
 * `INSERT INTO table (columns) VALUES (...), (...)` for rows of the same columns, written
 * directly: Kysely's builder makes a node per value, which for thousands of rows costs more
 * than the database takes to insert them.
 */
export function bulkInsert(
  session: Session,
  table: string,
  rows: readonly Values[],
  returning?: string,
): CompiledQuery {
  const { identifierQuote: q, numberedParameters } = session.profile;
  const quote = (name: string) => `${q}${name.replaceAll(q, q + q)}${q}`;
  const columns = Object.keys(rows[0]!);
  const parameters: unknown[] = [];
  const tuples: string[] = [];
  for (const row of rows) {
    const marks: string[] = [];
    for (const column of columns) {
      parameters.push(row[column]);
      marks.push(numberedParameters ? `$${parameters.length}` : "?");
    }
    tuples.push(`(${marks.join(", ")})`);
  }
  const sqlText = `insert into ${quote(table)} (${columns.map(quote).join(", ")}) values ${tuples.join(", ")}`;
  return CompiledQuery.raw(returning ? `${sqlText} returning ${returning}` : sqlText, parameters);
}

const returningLists = new WeakMap<ModelCodec, string>();

/** The RETURNING list of a codec's fields (as a select reads them), compiled by Kysely once. */
function returningList(session: Session, codec: ModelCodec): string {
  let list = returningLists.get(codec);
  if (list === undefined) {
    const { sql: text } = session.kysely
      .insertInto(codec.meta.table)
      .defaultValues()
      .returning(codec.select())
      .compile();
    list = text.slice(text.indexOf(" returning ") + " returning ".length);
    returningLists.set(codec, list);
  }
  return list;
}
