import type { Session } from "../../dialect/session.js";
import type { ModelCodec } from "../../plan/model-codec.js";
import type { QueryState } from "../../plan/state.js";
import type { RelationMeta } from "../../schema/meta.js";
import type { AttachInput, SyncResult } from "../pivot-writes.js";

export type Values = Record<string, unknown>;

/** A `connectOrCreate` item: the row a unique where names is connected, or `create` is created. */
export interface ConnectOrCreate {
  readonly where: unknown;
  readonly create: Values;
}

/** One relation's nested write on one input: `{ create }`, `{ connect }` and/or `{ connectOrCreate }`. */
export interface RelationWrite {
  readonly create: Values[];
  readonly connect: unknown[] | undefined;
  /** Rows to connect when a unique where finds them, else to create (resolved before the graph is written). */
  readonly connectOrCreate: readonly ConnectOrCreate[];
  /** The rows connectOrCreate found: connected as read (no existence check). */
  readonly found?: readonly Values[];
  /** The raw `connect` value (a many-to-many connect may be a `{ key: pivotValues }` map). */
  readonly connectInput: unknown;
  /** A many-to-many connect as validated [key, pivot values] entries (set when it is checked). */
  entries?: [unknown, Values][];
}

/** What a kind's step of a nested graph write gets from the graph write: recursion into the rows it creates. */
export interface GraphStep {
  readonly session: Session;
  /** Whether the written graph is put together from what was written (no read back). */
  readonly assemble: boolean;
  /** Validates rows created through a relation; `filled`: their fields the relation fills in. */
  check(codec: ModelCodec, inputs: readonly Values[], filled?: readonly string[]): void;
  /** Writes rows with their own nested writes; returns them as stored, in order. */
  write(codec: ModelCodec, inputs: readonly Values[]): Promise<Values[]>;
}

/** The rows of one level that write through a relation: each row (its values) and its write. */
export type Using = readonly (readonly [Values, RelationWrite])[];

/** Options of associate/dissociate. */
export interface AssociateOptions {
  /** false: change only the objects in memory, for the caller to save. */
  sync?: boolean;
  /** morphTo: the model of the row associated, when relata did not read it. */
  model?: string;
}

/** firstOrCreate / updateOrCreate through a relation: what to match, what to set, the pivot values (many-to-many). */
export interface UpsertRequest {
  readonly action: "firstOrCreate" | "updateOrCreate";
  readonly attributes: Values;
  readonly values: Values;
  readonly pivotValues: Values | undefined;
}

/**
 * What every relation kind provides for writes, as `RelationLoader` (relations/kind.ts) does for
 * reads: its step in a nested graph write (`create({ posts: { create: [...] } })`), and the
 * writes of `related(row, relation)`. A kind that cannot do a write says so with a
 * ValidationError naming the relation (see `NO_WRITES` in unsupported.ts); graph writes and
 * relation handles call these and never ask which kind a relation is.
 */
export interface RelationWriter<M extends RelationMeta> {
  // --- nested graph writes ---
  /** Splits `{ create, connect }` given to this relation in a nested write, checking its shape. */
  nested(meta: M, value: unknown): RelationWrite;
  /** true: written before the row (it fills the row's own keys, `ownKeys`); false: after it. */
  readonly beforeRow: boolean;
  /** The fields of the row itself a nested write through this relation fills in. */
  ownKeys(meta: M): readonly string[];
  /** Validates one input's nested write before any SQL (the rows it creates through `step.check`). */
  checkNested(step: GraphStep, meta: M, write: RelationWrite): void;
  /**
   * What a nested write stores into ("pivot user_roles", "post authorId"), when what it wrote is
   * what a read would give back; undefined when the written relation must be read back.
   */
  store(meta: M, write: RelationWrite): string | undefined;
  /** Writes this relation's part for every row of a level that writes through it. */
  writeNested(step: GraphStep, meta: M, using: Using): Promise<void>;

  // --- related(row, relation) ---
  /** Reads one parent's related rows when they are not read as the target's own rows (many-to-many: with `row.pivot` or its `as`). */
  read?(session: Session, meta: M, parent: Values, state: QueryState): Promise<Values[]>;
  /** The fields create/save through the relation set on a related row of `target` (its foreign key, morph type). */
  ownership(meta: M, parent: Values, target: ModelCodec, action: string): Values;
  /** The fields `make` / `firstOrNew` set on an unsaved related row: a child's keys; none for many-to-many. */
  newRow(meta: M, parent: Values, target: ModelCodec, action: string): Values;
  /** Many-to-many: the pivot as a model (`orderByPivot` on the handle); a ValidationError naming `action` otherwise. */
  pivot(session: Session, meta: M, action: string): ModelCodec;
  /**
   * firstOrCreate / updateOrCreate of a kind that does not create its rows through `ownership`
   * (many-to-many: a row is found, or found on the related model or created, and attached), in
   * one transaction. `state`: the handle's own conditions. Absent: the handle creates with `ownership`.
   */
  upsert?(session: Session, meta: M, parent: Values, state: QueryState, request: UpsertRequest): Promise<Values>;
  /**
   * associate(target, options): points rows at each other and saves them (unless sync: false).
   * belongsTo / morphTo also take a raw key (morphTo with `{ model }`), or null to dissociate.
   */
  associate(session: Session, meta: M, parent: Values, target: unknown, options: unknown): Promise<object>;
  /**
   * dissociate(target?, options?): clears what associate set. belongsTo / morphTo: this row's
   * key, given a target only when the row points at it (`clearOwner` in belongs-to.ts); the
   * others: the given children's. The handle's `dessociate` and `unlink` call this too.
   */
  dissociate(session: Session, meta: M, parent: Values, target: unknown, options: unknown): Promise<object>;
  /** The attach family (many-to-many). */
  attach(session: Session, meta: M, parent: Values, input: AttachInput, values: Values): Promise<unknown[]>;
  detach(session: Session, meta: M, parent: Values, input: AttachInput | undefined): Promise<number>;
  /** sync / syncWithoutDetaching of each [parent, input] (syncMany: several parents at once); a result per parent. */
  sync(
    session: Session,
    meta: M,
    entries: readonly (readonly [parent: Values, input: AttachInput])[],
    detaching: boolean,
    action: string,
  ): Promise<SyncResult[]>;
  toggle(
    session: Session,
    meta: M,
    parent: Values,
    input: AttachInput,
  ): Promise<{ attached: unknown[]; detached: unknown[] }>;
  updateExistingPivot(session: Session, meta: M, parent: Values, key: unknown, values: Values): Promise<number>;
  /** deleteWith: what deleting a parent takes with it through this relation (checked now, run in its transaction). */
  deleteWith(meta: M): (session: Session, parent: Values) => Promise<unknown>;
}
