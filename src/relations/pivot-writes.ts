import { sql } from "kysely";
import type { Session } from "../connection/session.js";
import { ValidationError } from "../errors.js";
import { codecFor, type ModelCodec } from "../query/model-codec.js";
import { checkValue, toColumns } from "../query/validate.js";
import type { BelongsToManyMeta } from "../schema/meta.js";
import { keyOf, type Row } from "./fetch.js";
import { pivotCodec } from "./pivot.js";

/** What attach/sync take: ids, rows, or `{ id: pivotValues }`. */
export type AttachInput = unknown;

/** `{ attached, detached, updated }`: the related keys each part of a sync touched. */
export interface SyncResult {
  attached: unknown[];
  detached: unknown[];
  updated: unknown[];
}

/** One parent's pivot rows of a many-to-many relation, and the writes on them. */
export class PivotWriter {
  readonly #session: Session;
  readonly #meta: BelongsToManyMeta;
  readonly #pivot: ModelCodec;
  readonly #target: ModelCodec;
  readonly #parentKey: unknown;

  constructor(session: Session, meta: BelongsToManyMeta, parent: Row) {
    this.#session = session;
    this.#meta = meta;
    this.#pivot = pivotCodec(session, meta);
    this.#target = codecFor(session, meta.target);
    const key = parent?.[meta.parentKey];
    if (key === undefined || key === null) {
      throw new ValidationError(
        `"${meta.model}.${meta.name}" needs the parent's "${meta.parentKey}".`,
        meta.model,
        meta.parentKey,
      );
    }
    this.#parentKey = this.#pivot.keyValue(meta.pivot.foreignKey.name, key);
  }

  get #label(): string {
    return `"${this.#meta.model}.${this.#meta.name}"`;
  }

  /** ids | rows | { id: values } (+ values for all) -> [related key, pivot values] in order, validated. */
  entries(input: AttachInput, values: Row = {}): [unknown, Row][] {
    const { relatedKey, fields } = this.#meta.pivot;
    const allowed = new Set(fields.map((f) => f.name));
    const check = (pivotValues: Row): Row => {
      for (const [field, value] of Object.entries(pivotValues)) {
        if (!allowed.has(field)) {
          throw new ValidationError(
            `${this.#label} has no pivot field "${field}". Pivot fields: ${[...allowed].join(", ") || "none"}.`,
            this.#meta.model,
            field,
          );
        }
        if (value !== undefined) checkValue(this.#pivot, field, value);
      }
      return pivotValues;
    };
    const key = (value: unknown): unknown => {
      const raw = typeof value === "object" && value !== null ? (value as Row)[this.#meta.relatedKey] : value;
      if (raw === undefined || raw === null) {
        throw new ValidationError(
          `${this.#label}: a related row without its "${this.#meta.relatedKey}".`,
          this.#meta.model,
        );
      }
      return this.#pivot.keyValue(relatedKey.name, raw);
    };
    // A key, a row (it has the related key field), a list of those, or a map { key: pivot values }.
    const isRow = (v: unknown) => typeof v === "object" && v !== null && this.#meta.relatedKey in v;
    const isMap = typeof input === "object" && input !== null && !Array.isArray(input) && !isRow(input);
    const list: [unknown, Row][] = isMap
      ? Object.entries(input as Row).map(([id, extra]) => [key(id), { ...values, ...(extra as Row) }])
      : (Array.isArray(input) ? input : [input]).map((item) => [key(item), { ...values }]);
    return list.map(([k, v]) => [k, check(v)]);
  }

  /** The related keys of this parent's pivot rows (under the relation's pivot filter and morph type). */
  async current(): Promise<unknown[]> {
    const rows = await this.#session.execute<Row>(
      this.#pivotRows(this.#session.kysely.selectFrom(this.#meta.pivot.table)).select(
        sql.ref(this.#pivot.ref(this.#meta.pivot.relatedKey.name)).as("k"),
      ),
    );
    return rows.rows.map((r) => this.#pivot.keyValue(this.#meta.pivot.relatedKey.name, r.k));
  }

  /** This parent's pivot rows: related key -> [key, decoded pivot field values]. */
  async currentValues(): Promise<Map<string, [unknown, Row]>> {
    const { relatedKey, fields } = this.#meta.pivot;
    const rows = await this.#session.execute<Row>(
      this.#pivotRows(this.#session.kysely.selectFrom(this.#meta.pivot.table)).select(
        this.#pivot.select([relatedKey.name, ...fields.map((f) => f.name)]),
      ),
    );
    return new Map(
      rows.rows.map((row) => {
        const decoded = this.#pivot.decode<Row>(row);
        const key = this.#pivot.keyValue(relatedKey.name, decoded[relatedKey.name]);
        return [keyOf(key)!, [key, decoded]];
      }),
    );
  }

  /** Every given key must be a related row: otherwise a ValidationError naming the relation. */
  async ensureExist(keys: readonly unknown[]): Promise<void> {
    if (keys.length === 0) return;
    const field = this.#meta.relatedKey;
    const found = await this.#session.execute<Row>(
      this.#session.kysely
        .selectFrom(this.#target.meta.table)
        .select(sql.ref(this.#target.ref(field)).as("k"))
        .where(
          sql.ref(this.#target.ref(field)),
          "in",
          keys.map((k) => this.#target.encodeKey(field, k)),
        ),
    );
    const present = new Set(found.rows.map((r) => keyOf(r.k)));
    const missing = keys.filter((k) => !present.has(keyOf(k)));
    if (missing.length > 0) {
      throw new ValidationError(
        `Cannot attach to ${this.#label}: no "${this.#meta.target}" with ${field} ${missing.map(String).join(", ")}.`,
        this.#meta.model,
        this.#meta.name,
      );
    }
  }

  /** Inserts pivot rows for `entries` (keys not already attached), with timestamps and the morph type. */
  async insert(entries: readonly [unknown, Row][]): Promise<unknown[]> {
    if (entries.length === 0) return [];
    const { foreignKey, relatedKey, morphType, timestamps } = this.#meta.pivot;
    const now = new Date();
    // The relation's pivot filter (pivotWhere) is written too, so the new rows show through it.
    const fixed = this.#meta.pivot.where ?? {};
    for (const [, values] of entries) {
      for (const [field, value] of Object.entries(fixed)) {
        if (field in values && keyOf(values[field]) !== keyOf(value)) {
          throw new ValidationError(
            `${this.#label} only holds pivot rows with ${field} = ${JSON.stringify(value)}; cannot attach with ${JSON.stringify(values[field])}.`,
            this.#meta.model,
            field,
          );
        }
      }
    }
    const rows = entries.map(([key, values]) => ({
      [foreignKey.name]: this.#parentKey,
      [relatedKey.name]: key,
      ...(morphType ? { [morphType.name]: morphType.value } : {}),
      ...(timestamps ? { createdAt: now, updatedAt: now } : {}),
      ...fixed,
      ...values,
    }));
    await this.#session.execute(
      this.#session.kysely.insertInto(this.#meta.pivot.table).values(rows.map((row) => toColumns(this.#pivot, row))),
      this.#meta.pivot.table,
    );
    return entries.map(([key]) => key);
  }

  /** Deletes this parent's pivot rows for `keys` (all of them when undefined); returns how many. */
  async delete(keys?: readonly unknown[]): Promise<number> {
    if (keys?.length === 0) return 0;
    let query = this.#pivotRows(this.#session.kysely.deleteFrom(this.#meta.pivot.table));
    if (keys) {
      const field = this.#meta.pivot.relatedKey.name;
      query = query.where(
        sql.ref(this.#pivot.ref(field)),
        "in",
        keys.map((k) => this.#pivot.encode(field, k)),
      );
    }
    const result = await this.#session.execute(query, this.#meta.pivot.table);
    return Number(result.numAffectedRows ?? 0n);
  }

  /** Updates the pivot values of one attached key (and `updatedAt` when the pivot has timestamps). */
  async update(key: unknown, values: Row): Promise<number> {
    const set: Row = { ...values, ...(this.#meta.pivot.timestamps ? { updatedAt: new Date() } : {}) };
    if (Object.keys(set).length === 0) return 0;
    const field = this.#meta.pivot.relatedKey.name;
    const query = this.#pivotRows(
      this.#session.kysely.updateTable(this.#meta.pivot.table).set(toColumns(this.#pivot, set)),
    ).where(sql.ref(this.#pivot.ref(field)), "=", this.#pivot.encode(field, key));
    const result = await this.#session.execute(query, this.#meta.pivot.table);
    return Number(result.numAffectedRows ?? 0n);
  }

  /** The WHERE of this parent's pivot rows: its key, the morph type, the relation's pivot filter. */
  #pivotRows<Q extends { where: (...args: any[]) => Q }>(query: Q): Q {
    const { foreignKey, morphType, where } = this.#meta.pivot;
    let q = query.where(
      sql.ref(this.#pivot.ref(foreignKey.name)),
      "=",
      this.#pivot.encode(foreignKey.name, this.#parentKey),
    );
    if (morphType) q = q.where(sql.ref(this.#pivot.ref(morphType.name)), "=", morphType.value);
    for (const [field, value] of Object.entries(where ?? {})) {
      q = q.where(sql.ref(this.#pivot.ref(field)), "=", this.#pivot.encode(field, value));
    }
    return q;
  }
}
