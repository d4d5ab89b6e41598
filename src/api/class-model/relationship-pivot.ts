/** The handle of `RelationshipFactory.createBelongsToMany`: rows linked to the source through a junction table. */
import type { Kysely } from "kysely";
import { ValidationError } from "../../errors.js";
import type { WhereNode } from "../../plan/where.js";
import { type BuilderSelf, next, stateOf } from "../builder/self.js";
import { type Model, resolveInstance } from "./model.js";
import { RelatedRows, sameKey, syncOf } from "./relationship-handles.js";
import { flip, type Junction, type RelatedValues, type SyncOptions, type Values } from "./relationship-plan.js";
import type { ClassQuery } from "./types.js";

/**
 * The handle `RelationshipFactory.createBelongsToMany` returns: `post.tags()`. Its writes are
 * junction rows (through the junction's model, else `db.kysely`); there is nothing to save later,
 * so `{ sync: false }` is refused.
 */
export class BelongsToManyRelationship<S extends Model, T extends Model> extends RelatedRows<S, T> {
  get #junction(): Junction {
    return this.plan.junction!;
  }

  /** @internal The targets with a junction row pointing at the source: `WHERE EXISTS (SELECT 1 FROM junction ...)`. */
  protected scoped(read: boolean, action: string): ClassQuery<T> {
    const { table, column, fromSource, toTarget } = this.#junction;
    const values = this.keysOf(this.source, fromSource, action);
    const node: WhereNode = {
      type: "expr",
      or: false,
      build: (eb, codec) => {
        let sub = eb.selectFrom(table).select(eb.lit(1).as("one"));
        for (const [field, value] of Object.entries(values)) sub = sub.where(`${table}.${column(field)}`, "=", value);
        for (const [field, key] of toTarget) sub = sub.whereRef(`${table}.${column(field)}`, "=", codec.ref(key));
        return eb.exists(sub);
      },
    };
    const query = this.handle(read).query() as unknown as BuilderSelf;
    return next(query, { wheres: [...stateOf(query)!.wheres, node] });
  }

  /** Every related instance, ordered by primary key (`toArray()`). */
  get(): Promise<T[]> {
    return this.toArray();
  }

  /** Inserts a target instance and links it to the source, in one transaction. */
  async create(values: RelatedValues<T>): Promise<T> {
    const { db } = resolveInstance(this.source);
    return db.transaction(async () => {
      const row = await this.handle(false).create({ ...values });
      await this.associate(row);
      return row;
    });
  }

  /**
   * Links the targets to the source: one SELECT of the links it has among them, one INSERT of
   * the others (a target linked already is not linked twice).
   *
   * ```ts
   * await post.tags().associate([tag1, tag2]);
   * ```
   */
  async associate(targets: T | readonly T[], options?: SyncOptions): Promise<void> {
    const { source, links, db } = this.#links("associate", targets, options);
    if (links.length === 0) return;
    const { table, column, toTarget, model } = this.#junction;
    const kysely: Kysely<any> = db.kysely;
    const [key] = toTarget[0]!;
    let existing = kysely
      .selectFrom(table)
      .select(toTarget.map(([field]) => `${column(field)} as ${field}`))
      .where(
        column(key),
        "in",
        links.map((link) => link[key]),
      );
    for (const [field, value] of Object.entries(source)) existing = existing.where(column(field), "=", value);
    const found: Values[] = await existing.execute();
    const same = (a: Values) => (b: Values) => toTarget.every(([field]) => sameKey(a[field], b[field]));
    const fresh = links.filter((link, i) => !found.some(same(link)) && links.findIndex(same(link)) === i);
    if (fresh.length === 0) return;
    if (model) await db[model.name].createMany(fresh);
    else
      await kysely
        .insertInto(table)
        .values(fresh.map((link) => byColumn(link, column)))
        .execute();
  }

  /** Unlinks the targets from the source: one DELETE of their junction rows. */
  async dissociate(targets: T | readonly T[], options?: SyncOptions): Promise<void> {
    const { source, links, db } = this.#links("dissociate", targets, options);
    if (links.length === 0) return;
    const { table, column, toTarget, model } = this.#junction;
    const keys = toTarget.map(([field]) => field);
    if (model) {
      // One DELETE for a single key field (IN), one per target for a composite key.
      const scoped = db[model.name].query().where(source);
      if (keys.length === 1)
        await scoped
          .whereIn(
            keys[0],
            links.map((link) => link[keys[0]!]),
          )
          .delete();
      else for (const link of links) await scoped.where(link).delete();
      return;
    }
    const kysely: Kysely<any> = db.kysely;
    await kysely
      .deleteFrom(table)
      .where((eb) =>
        eb.and([
          ...Object.entries(source).map(([field, value]) => eb(column(field), "=", value)),
          eb.or(links.map((link) => eb.and(keys.map((field) => eb(column(field), "=", link[field]))))),
        ]),
      )
      .execute();
  }

  /** `dissociate`, spelled as neko-orm spells it. */
  dessociate(targets: T | readonly T[], options?: SyncOptions): Promise<void> {
    return this.dissociate(targets, options);
  }

  /** The junction rows (by junction field) the targets make with the source, and the db to write them with. */
  #links(action: string, targets: unknown, options: unknown) {
    if (!syncOf(action, options)) {
      throw new ValidationError(
        `${this.plan.label}.${action}: { sync: false } does not apply: the junction rows have no object to save later.`,
        this.plan.target.name,
      );
    }
    const rows = this.targets(targets, action);
    const source = this.keysOf(this.source, this.#junction.fromSource, action);
    const reversed = this.#junction.toTarget.map(flip);
    const links = rows.map((row) => ({ ...source, ...this.keysOf(row, reversed, action) }));
    return { source, links, db: resolveInstance(this.source).db };
  }
}

/** A junction row keyed by column (a table with no model is written through Kysely). */
const byColumn = (link: Values, column: (field: string) => string): Values =>
  Object.fromEntries(Object.entries(link).map(([field, value]) => [column(field), value]));
