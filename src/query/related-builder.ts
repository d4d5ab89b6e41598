import type { Session } from "../connection/session.js";
import { ValidationError } from "../errors.js";
import { loaderFor } from "../relations/index.js";
import type { Schema } from "../schema/define-schema.js";
import type { HasManyMeta, HasOneMeta, MorphManyMeta, MorphOneMeta, RelationMeta } from "../schema/meta.js";
import type { ModelName, Row } from "../schema/types.js";
import type { BuilderContext } from "./builder-types.js";
import { codecFor } from "./model-codec.js";
import { QueryBuilder } from "./query-builder.js";
import { EMPTY_STATE, type QueryState } from "./state.js";
import { compareNode } from "./where.js";
import { insertRows, updateRows } from "./writes.js";

type Values = Record<string, unknown>;
type HasKindMeta = HasOneMeta | HasManyMeta | MorphOneMeta | MorphManyMeta;

/** The parent row and relation a RelatedBuilder is scoped to. */
interface RelatedContext {
  readonly meta: RelationMeta;
  readonly parent: Values;
}

/**
 * `db.<model>.related(row, relation)`: a query on the related model scoped to one parent's
 * related rows (every builder method and terminal works, `update`/`delete` included), plus the
 * writes that go through the relation. Chaining keeps the scope and the writes.
 */
export class RelatedBuilder<S extends Schema, T extends ModelName<S>, O = Row<S, T>> extends QueryBuilder<S, T, O> {
  readonly #related: RelatedContext;

  constructor(ctx: BuilderContext, state: QueryState, related: RelatedContext) {
    super(ctx, state);
    this.#related = related;
  }

  /** Builds the scoped builder of `relation` for one `parent` row. */
  static of(session: Session, meta: RelationMeta, parent: Values): RelatedBuilder<any, any, any> {
    if (typeof parent !== "object" || parent === null) {
      throw new ValidationError(`related(row, "${meta.name}") needs a "${meta.model}" row.`, meta.model);
    }
    const { model, wheres } = loaderFor(meta).scope(session, meta, parent);
    return new RelatedBuilder(
      { session, codec: codecFor(session, model) },
      { ...EMPTY_STATE, wheres },
      { meta, parent },
    );
  }

  protected override spawn(ctx: BuilderContext, state: QueryState = EMPTY_STATE): QueryBuilder<any, any, any> {
    return ctx.codec === this.context.codec
      ? new RelatedBuilder(ctx, state, this.#related)
      : new QueryBuilder(ctx, state);
  }

  /** The fields a has-kind relation sets on its children: the foreign key (and the morph type). */
  #ownership(action: string): Values {
    const { meta, parent } = this.#related;
    if (meta.kind !== "hasOne" && meta.kind !== "hasMany" && meta.kind !== "morphOne" && meta.kind !== "morphMany") {
      throw new ValidationError(
        `${action} through "${meta.model}.${meta.name}" (a ${meta.kind}) is not available: it sets a child's foreign key, so it works on hasOne, hasMany, morphOne and morphMany.`,
        meta.model,
        meta.name,
      );
    }
    const has = meta as HasKindMeta;
    const target = this.context.codec;
    const key = "foreignKey" in has ? has.foreignKey : has.morphId;
    const owner = parent[has.localKey];
    if (owner === undefined || owner === null) {
      throw new ValidationError(
        `${action} through "${meta.model}.${meta.name}" needs the parent's "${has.localKey}".`,
        meta.model,
      );
    }
    const fields: Values = { [key]: target.keyValue(key, owner) };
    if ("morphType" in has) fields[has.morphType] = has.morphValue;
    return fields;
  }

  /**
   * Creates a related row with the relation's keys set (`authorId`, or the morph type and id);
   * returns it as stored.
   */
  async create(values: RelatedCreateInput<S, T>): Promise<Row<S, T>> {
    const [row] = await this.createMany([values]);
    return row!;
  }

  /** Creates several related rows (one statement where the dialect allows, in one transaction otherwise). */
  async createMany(values: readonly RelatedCreateInput<S, T>[]): Promise<Row<S, T>[]> {
    const ownership = this.#ownership("create");
    const rows = (values as Values[]).map((v) => ({ ...v, ...ownership }));
    return (await insertRows(this.context.session, this.context.codec, rows)) as Row<S, T>[];
  }

  /**
   * Attaches a row to this parent: a row with its primary key is updated to point here (in the
   * database, and in memory), a row without one is created. Returns the row as it now is.
   */
  async save<R extends Partial<Row<S, T>>>(row: R): Promise<R & Row<S, T>> {
    const [saved] = await this.saveMany([row]);
    return saved!;
  }

  /** `save` for several rows, in one transaction. */
  async saveMany<R extends Partial<Row<S, T>>>(rows: readonly R[]): Promise<(R & Row<S, T>)[]> {
    const ownership = this.#ownership("save");
    const { session, codec } = this.context;
    const [pk, ...rest] = codec.meta.primaryKey;
    if (pk === undefined || rest.length > 0) {
      throw new ValidationError(
        `save through a relation needs "${codec.meta.name}" to have a single primary key.`,
        codec.meta.name,
      );
    }
    return session.transaction(async (tx) => {
      const out: (R & Row<S, T>)[] = [];
      for (const row of rows as unknown as Values[]) {
        if (row[pk] === undefined || row[pk] === null) {
          const [created] = await insertRows(tx, codec, [{ ...row, ...ownership }]);
          out.push(Object.assign(row, created) as R & Row<S, T>);
          continue;
        }
        const state = { ...EMPTY_STATE, wheres: [compareNode(codec, false, pk, "=", row[pk])] };
        const matched = await updateRows(tx, codec, state, ownership);
        if (matched === 0) {
          throw new ValidationError(
            `save: no "${codec.meta.name}" with ${pk} ${String(row[pk])} to attach.`,
            codec.meta.name,
            pk,
          );
        }
        out.push(Object.assign(row, ownership) as R & Row<S, T>);
      }
      return out;
    });
  }
}

/** What `related(...).create` accepts: the target's create input, with the keys the relation sets optional. */
export type RelatedCreateInput<S extends Schema, T extends ModelName<S>> = Partial<Row<S, T>>;
