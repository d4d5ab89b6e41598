import { EMPTY_STATE, type QueryState } from "../plan/state.js";
import type { Schema } from "../schema/define-schema.js";
import type { ModelName, Row } from "../schema/types.js";
import { type ConditionMethods, conditionMethods } from "./builder/conditions.js";
import { type LifecycleMethods, lifecycleMethods } from "./builder/lifecycle.js";
import { type ReadMethods, readMethods } from "./builder/reading.js";
import { type RelationMethods, relationMethods } from "./builder/relations.js";
import { type BuilderProps, PROPS } from "./builder/self.js";
import type { BuilderContext, HandleKind, Reader } from "./builder-types.js";

export type * from "./builder-types.js";

declare module "./builder-types.js" {
  interface BuilderKinds<S extends Schema, M extends ModelName<S>, O, K extends string> {
    query: QueryBuilder<S, M, O>;
  }
}

/**
 * A query on one model. Immutable: every method returns a new builder, so a base query
 * can be reused. `O` is the row type the query returns.
 *
 * ```ts
 * const adults = db.user.where("age", ">=", 18).orderBy("name");
 * const firstTen = await adults.limit(10).get();
 * ```
 *
 * The builder is its state (one read-only record) plus four method groups, composed onto it:
 * conditions (`builder/conditions.ts`), relations (`builder/relations.ts`), the model's
 * lifecycle (`builder/lifecycle.ts`: soft deletes, global scopes, touch) and terminals
 * (`builder/reading.ts`). The model handle (`db.user`) and the relation handles
 * (`related(row, relation)`) are composed around a builder. `H` is the kind of builder the
 * chained methods return (a relation handle's stay that handle), `K` the fields a handle's
 * relation fills in on create.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the method groups are assigned to the prototype below
export class QueryBuilder<
  S extends Schema,
  M extends ModelName<S>,
  // biome-ignore lint/correctness/noUnusedVariables: read by the method groups merged in below
  O = Row<S, M>,
  // biome-ignore lint/correctness/noUnusedVariables: as O
  H extends HandleKind = "query",
  // biome-ignore lint/correctness/noUnusedVariables: as O
  K extends string = never,
> {
  /** @internal */
  readonly [PROPS]: BuilderProps;

  constructor(ctx: BuilderContext, state: QueryState = EMPTY_STATE, read?: Reader) {
    this[PROPS] = { ctx, state, read };
  }

  /** @internal The state a builder holds (for the loader and the handles). */
  static stateOf(builder: QueryBuilder<any, any, any, any, any>): QueryState {
    return builder[PROPS].state;
  }
}

export interface QueryBuilder<
  S extends Schema,
  M extends ModelName<S>,
  O = Row<S, M>,
  H extends HandleKind = "query",
  K extends string = never,
> extends ConditionMethods<S, M, O, H, K>,
    RelationMethods<S, M, O, H, K>,
    LifecycleMethods<S, M, O, H, K>,
    ReadMethods<S, M, O> {}

for (const group of [conditionMethods, relationMethods, lifecycleMethods, readMethods]) {
  for (const key of Reflect.ownKeys(group)) {
    Object.defineProperty(QueryBuilder.prototype, key, {
      value: (group as Record<PropertyKey, unknown>)[key],
      writable: true,
      configurable: true,
    });
  }
}

/**
 * Gives a class composed around a builder (the model handle, a relation handle) every builder
 * method it does not define itself, each run on the builder `builderOf` gives; `wrap` turns a
 * result (a chained builder) into what the class hands out.
 */
export function composeBuilder<T extends object>(
  target: { prototype: T },
  builderOf: (self: T) => QueryBuilder<any, any, any>,
  wrap: (self: T, result: unknown) => unknown = (_, result) => result,
): void {
  for (const key of Reflect.ownKeys(QueryBuilder.prototype)) {
    if (key === "constructor" || Object.hasOwn(target.prototype, key)) continue;
    Object.defineProperty(target.prototype, key, {
      value(this: T, ...args: unknown[]) {
        const builder = builderOf(this) as unknown as Record<PropertyKey, (...a: unknown[]) => unknown>;
        return wrap(this, builder[key]!(...args));
      },
      writable: true,
      configurable: true,
    });
  }
}
