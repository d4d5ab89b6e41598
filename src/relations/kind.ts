import type { Session } from "../connection/session.js";
import type { QueryState } from "../query/state.js";
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

/**
 * What every relation kind provides: the parent fields it stitches on, and loading itself
 * (one query per level; morphTo one per target type). The loader knows nothing else of a kind.
 */
export interface RelationLoader<M extends RelationMeta> {
  /** Fields a parent row must carry for this relation to be loaded onto it. */
  parentFields(meta: M): readonly string[];
  /** Reads the related rows of every parent and sets `parent[meta.name]`; returns the rows read. */
  load(request: LoadRequest<M>): Promise<LoadedGroup[]>;
}
