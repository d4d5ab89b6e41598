import { noExtraArguments } from "../../plan/arguments.js";
import { EMPTY_STATE, type QueryState } from "../../plan/state.js";
import type { BuilderContext, Reader } from "../builder-types.js";

/** Where a builder keeps its state: one read-only record, never changed (builders are immutable). */
export const PROPS = Symbol("relata.builder");

/** What a builder holds: the model it queries, the query as data, and how its terminals read rows. */
export interface BuilderProps {
  readonly ctx: BuilderContext;
  readonly state: QueryState;
  /** Set by a relation handle whose rows are not read as the model's own (many-to-many: `row.pivot`). */
  readonly read: Reader | undefined;
}

/**
 * A builder as its method groups see it (`this` of every group method): its props, and its
 * class, to make the next builder with (a group never imports the builder class).
 */
export interface BuilderSelf {
  readonly [PROPS]: BuilderProps;
  readonly constructor: {
    new (ctx: BuilderContext, state?: QueryState, read?: Reader): BuilderSelf;
    /** A builder of `ctx`'s model (with that model's local scopes). */
    make(ctx: BuilderContext, state?: QueryState, read?: Reader): BuilderSelf;
  };
}

/** A builder with this one's state and `patch` applied (and the same reader). */
export function next(self: BuilderSelf, patch: Partial<QueryState>): any {
  const { ctx, state, read } = self[PROPS];
  return new self.constructor(ctx, { ...state, ...patch }, read);
}

/** A fresh builder of the same class on `ctx` (a callback's builder: another model, or a group). */
export function spawn(self: BuilderSelf, ctx: BuilderContext): any {
  return self.constructor.make(ctx, EMPTY_STATE);
}

/** The state of what a callback returned, when it is a builder (else undefined). */
export function stateOf(value: unknown): QueryState | undefined {
  return typeof value === "object" && value !== null && PROPS in value
    ? (value as BuilderSelf)[PROPS].state
    : undefined;
}

/** Rejects arguments beyond the `max` a public method uses (see arguments.ts). */
export function arity(self: BuilderSelf, args: ArrayLike<unknown>, max: number, signature: string): void {
  if (args.length > max) noExtraArguments(self[PROPS].ctx.codec.meta.name, signature, args, max);
}

/**
 * A type-only key: every builder has an optional `[ROW]` of its row type (nothing at run time).
 * A callback whose result type matters returns `RowCarrier<R>`, so TypeScript infers `R` from
 * that one property instead of comparing the returned builder with a whole builder type.
 */
export declare const ROW: unique symbol;
/** Anything with row type `R`: what a constraint callback that narrows the rows returns. */
export interface RowCarrier<R> {
  readonly [ROW]?: R;
  readonly [PROPS]: BuilderProps;
}
