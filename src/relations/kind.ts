import type { Expression, SelectQueryBuilder } from "kysely";
import type { Session } from "../dialect/session.js";
import type { ModelCodec } from "../plan/model-codec.js";
import type { QueryState } from "../plan/state.js";
import type { WhereNode } from "../plan/where.js";
import type { RelationMeta } from "../schema/meta.js";
import type { Row } from "./fetch.js";

/** One relation level to load onto `parents`. */
export interface LoadRequest<M extends RelationMeta> {
  readonly session: Session;
  readonly meta: M;
  readonly parents: readonly Row[];
  /** The constraint on the related rows. */
  readonly state: QueryState;
  /** Fields the loader needs on loaded rows of `model` (for the relations nested below). */
  readonly required: (model: string) => readonly string[];
}

/** Rows loaded for one target model, to load nested relations onto. */
export interface LoadedGroup {
  readonly model: string;
  readonly rows: Row[];
}

/** One parent's related rows: the model they belong to and the conditions that select them. */
export interface RelationScope {
  readonly model: string;
  readonly wheres: readonly WhereNode[];
}

/** The related rows of one parent row, correlated in SQL (the "join" loading strategy). */
export interface JoinLink {
  /** The model the rows belong to. */
  readonly model: string;
  /** morphTo: the type value whose rows this link reads. */
  readonly morphValue?: string;
  readonly many: boolean;
  /**
   * FROM the target (under `alias`) with its joins, WHERE it belongs to the row of `parent`,
   * and the relation's fixed conditions; plus extra JSON columns (pivot values).
   */
  correlate(
    parent: ModelCodec,
    alias: string,
  ): {
    readonly target: ModelCodec;
    readonly query: SelectQueryBuilder<any, any, any>;
    readonly extras: readonly (readonly [string, Expression<unknown>])[];
  };
  /**
   * Turns a decoded row's extra columns into what the query strategy gives (`row.pivot`).
   * `extras` holds them: the row itself where rows arrive as JSON objects (the extras are
   * removed from it), an object of their own where rows arrive as value arrays.
   */
  finish?(row: Row, extras: Row): void;
}

/**
 * What every relation kind provides: the parent fields it stitches on, and loading itself
 * (one query per level; morphTo one per target type). The loader knows nothing else of a kind.
 */
export interface RelationLoader<M extends RelationMeta> {
  /** Fields a parent row must carry for this relation to be loaded onto it. */
  parentFields(meta: M): readonly string[];
  /** Reads the related rows of every parent and sets `parent[meta.name]`; returns the rows read. */
  load(request: LoadRequest<M>): Promise<LoadedGroup[]>;
  /** The same rows as correlated subqueries (one per target model), for the "join" strategy. */
  joinLinks(session: Session, meta: M, state: QueryState): JoinLink[];
  /** The related rows of one parent row, as conditions on the target model (`related(row, relation)`). */
  scope(session: Session, meta: M, parent: Row): RelationScope;
  /**
   * A to-one relation with `withDefault`: the row `related(row, relation).first()` gives when
   * nothing is related, with the keys that point it at `parent` (a hasOne's foreign key). Absent
   * or null: first() gives null.
   */
  defaultRow?(session: Session, meta: M, parent: Row): Row | null;
  /**
   * A to-one kind whose rows a parent's statement can LEFT JOIN on one column each side
   * (loader/joined-to-one.ts): `[parent field, target field]` (belongsTo: the foreign key and the
   * owner key; hasOne: the local key and the foreign key), or undefined when the relation's
   * options rule it out (one-of-many). The loader checks the target field is unique.
   */
  joinKeys?(meta: M): readonly [parent: string, target: string] | undefined;
  /**
   * The related rows depend only on the parents' values of `parentFields`, not on which model
   * the parents are (belongsTo: keys of the target's): the targets of a morphTo that define
   * this relation alike load it in one query (loader/load-relations.ts).
   */
  readonly loadsAcrossModels?: boolean;
}
