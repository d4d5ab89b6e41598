import { SchemaError, ValidationError } from "../errors.js";
import { EMPTY_STATE, type QueryState } from "../plan/state.js";
import type { Schema } from "../schema/define-schema.js";
import type { ModelMeta } from "../schema/meta.js";
import type { ModelName, Row } from "../schema/types.js";
import { type ConditionMethods, conditionMethods } from "./builder/conditions.js";
import { type LifecycleMethods, lifecycleMethods } from "./builder/lifecycle.js";
import { type ReadMethods, readMethods } from "./builder/reading.js";
import { type RelationMethods, relationMethods } from "./builder/relations.js";
import { type BuilderProps, type BuilderSelf, PROPS, stateOf } from "./builder/self.js";
import type { BuilderContext, HandleKind, Reader } from "./builder-types.js";

export type * from "./builder-types.js";

declare module "./builder-types.js" {
  interface BuilderKinds<S extends Schema, M extends ModelName<S>, O, K extends string> {
    query: QueryBuilder<S, M, O>;
    /** The builder of a constraint on a many-to-many relation: `K` names its pivot's fields (wherePivot). */
    pivot: QueryBuilder<S, M, O, "pivot", K>;
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
 *
 * Every type parameter is declared invariant (`in out`): without it TypeScript measures each
 * one's variance by comparing two instantiations of the whole builder member by member, which
 * cost a project ~680k type instantiations (seconds of type checking) the first time a query
 * passed a constraint callback (issue 16; bench/types). Rows, schemas and handle kinds are
 * compared exactly, which is what the builder's methods (taking and returning `O`) need anyway.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the method groups are assigned to the prototype below
export class QueryBuilder<
  in out S extends Schema,
  in out M extends ModelName<S>,
  // biome-ignore lint/correctness/noUnusedVariables: read by the method groups merged in below
  in out O = Row<S, M>,
  // biome-ignore lint/correctness/noUnusedVariables: as O
  in out H extends HandleKind = "query",
  // biome-ignore lint/correctness/noUnusedVariables: as O
  in out K extends string = never,
> {
  /** @internal */
  readonly [PROPS]: BuilderProps;

  constructor(ctx: BuilderContext, state: QueryState = EMPTY_STATE, read?: Reader) {
    this[PROPS] = { ctx, state, read };
  }

  /**
   * @internal A builder of `ctx`'s model: of this class, or for a model with local scopes of the
   * subclass that has a method per scope.
   */
  static make(ctx: BuilderContext, state: QueryState = EMPTY_STATE, read?: Reader): AnyQueryBuilder {
    return new (withLocalScopes(QueryBuilder, ctx.codec.meta))(ctx, state, read);
  }

  /** @internal The state a builder holds (for the loader and the handles). */
  static stateOf(builder: { readonly [PROPS]: BuilderProps }): QueryState {
    return builder[PROPS].state;
  }
}

export interface QueryBuilder<
  in out S extends Schema,
  in out M extends ModelName<S>,
  in out O = Row<S, M>,
  in out H extends HandleKind = "query",
  in out K extends string = never,
> extends ConditionMethods<S, M, O, H, K>,
    RelationMethods<S, M, O, H, K>,
    LifecycleMethods<S, M, O, H, K>,
    ReadMethods<S, M, O> {}

/** A builder of any model, row and kind: what relata's own code passes around. */
export type AnyQueryBuilder = QueryBuilder<any, any, any, any, never>;

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
  builderOf: (self: T) => AnyQueryBuilder,
  wrap: (self: T, result: unknown) => unknown = (_, result) => result,
): void {
  composed.set(target.prototype, { builderOf, wrap } as Composition);
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

interface Composition {
  builderOf(self: object): AnyQueryBuilder;
  wrap(self: object, result: unknown): unknown;
}

/** How each class composed around a builder reaches it (by prototype), for its local scope methods. */
const composed = new WeakMap<object, Composition>();

const scoped = new WeakMap<object, WeakMap<ModelMeta, unknown>>();

/**
 * `base` (the builder, the model handle or the relation handle class), or for a model with
 * local scopes (model option `localScopes`) its subclass with a method per scope, made once per
 * model: on a builder the method runs the scope on it; on a handle it runs on the handle's
 * builder and is wrapped as the handle's other builder methods are. A scope named like a method
 * of `base` is a SchemaError (the model handle is made by createDb, so that is where it shows).
 */
export function withLocalScopes<C extends abstract new (...args: any[]) => object>(base: C, meta: ModelMeta): C {
  if (meta.localScopes.size === 0) return base;
  const byModel = scoped.get(base) ?? new WeakMap<ModelMeta, unknown>();
  scoped.set(base, byModel);
  const known = byModel.get(meta);
  if (known) return known as C;
  // @ts-expect-error: an anonymous subclass of an abstract constructor type
  const subclass: C = class extends base {};
  const composition = composed.get(base.prototype);
  for (const [name, scope] of meta.localScopes) {
    if (name in base.prototype || name === "then") {
      throw new SchemaError([
        `model "${meta.name}": the local scope "${name}" has the name of a query method; choose another name`,
      ]);
    }
    const method = composition
      ? function (this: object, ...args: unknown[]) {
          return composition.wrap(
            this,
            (composition.builderOf(this) as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...args),
          );
        }
      : function (this: BuilderSelf, ...args: unknown[]) {
          const result = scope(this, ...args);
          if (!stateOf(result)) {
            throw new ValidationError(
              `The local scope "${name}" of "${meta.name}" must return the query it was given (q => q.where(...)).`,
              meta.name,
            );
          }
          return result;
        };
    Object.defineProperty(subclass.prototype, name, { value: method, writable: true, configurable: true });
  }
  byModel.set(meta, subclass);
  return subclass;
}
