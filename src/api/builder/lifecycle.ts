// biome-ignore-all lint/complexity/noArguments: arity checks read arguments.length (no rest array, same signatures)
import { ValidationError } from "../../errors.js";
import { describeValue } from "../../plan/arguments.js";
import type { ModelCodec } from "../../plan/model-codec.js";
import type { QueryState } from "../../plan/state.js";
import type { Schema } from "../../schema/define-schema.js";
import type { DefaultWithName } from "../../schema/relation-types.js";
import type { ModelName, Simplify, TraitsOf } from "../../schema/types.js";
import { fire, hasHooks } from "../../write/events.js";
import { deleteRows, matchingRows, updateRows } from "../../write/writes.js";
import type { Chained, HandleKind } from "../builder-types.js";
import { arity, type BuilderSelf, next, PROPS } from "./self.js";

/**
 * The methods of a model's global scopes (`scopes`) and default eager loads (`with`). Those of
 * soft deletes and timestamps (`withTrashed`, `touch`, ...) are typed only on models with the
 * option (builder-types.ts: SoftDeleteMethods, TimestampMethods; implemented below for every
 * builder, a ValidationError at run time on a model without). They work wherever a query of the
 * model does: at the top, in a relation's constraint (`with("posts", (q) => q.withTrashed())`)
 * and on `related(row, relation)`.
 */
export interface LifecycleMethods<S extends Schema, M extends ModelName<S>, O, H extends HandleKind, K extends string> {
  /** Leaves out the named global scopes (see the model's `scopes`). */
  withoutGlobalScope(...names: TraitsOf<S, M>["scopes"][]): Chained<H, S, M, O, K>;
  /** Leaves out every global scope (or the named ones). */
  withoutGlobalScopes(names?: readonly TraitsOf<S, M>["scopes"][]): Chained<H, S, M, O, K>;
  /** Leaves out default eager loads of the model (its `with` option): `without("author")`. */
  without<const P extends DefaultWithName<S, M>>(...relations: P[]): Chained<H, S, M, Simplify<Omit<O, P>>, K>;
}

/** The field soft deletes set, or a ValidationError saying the model has none. */
function softDeleteOf(codec: ModelCodec, method: string): string {
  const field = codec.meta.softDelete;
  if (field !== undefined) return field;
  throw new ValidationError(
    `${method}() needs soft deletes: model "${codec.meta.name}" has no softDeletes option (model({ ..., softDeletes: true }) with a nullable deletedAt timestamp).`,
    codec.meta.name,
  );
}

function trashed(self: BuilderSelf, args: IArguments, method: string, value: "with" | "only" | undefined) {
  arity(self, args, 0, `${method}()`);
  softDeleteOf(self[PROPS].ctx.codec, method);
  return next(self, { trashed: value });
}

/** Global scope names, each checked to be a scope of the model. */
function scopeNames(codec: ModelCodec, method: string, names: readonly unknown[]): string[] {
  const known = codec.meta.scopes;
  for (const name of names) {
    if (typeof name !== "string" || !known.has(name)) {
      throw new ValidationError(
        `${method} on "${codec.meta.name}": ${describeValue(name)} is not one of its global scopes (${[...known.keys()].join(", ") || "it has none"}).`,
        codec.meta.name,
      );
    }
  }
  return names as string[];
}

/** The implementations of LifecycleMethods, for any builder class. */
export const lifecycleMethods = {
  withTrashed(this: BuilderSelf) {
    return trashed(this, arguments, "withTrashed", "with");
  },
  onlyTrashed(this: BuilderSelf) {
    return trashed(this, arguments, "onlyTrashed", "only");
  },
  withoutTrashed(this: BuilderSelf) {
    return trashed(this, arguments, "withoutTrashed", undefined);
  },
  withoutGlobalScope(this: BuilderSelf, ...names: unknown[]) {
    const { ctx, state } = this[PROPS];
    if (names.length === 0) {
      throw new ValidationError(
        `withoutGlobalScope on "${ctx.codec.meta.name}" takes the names of the scopes to leave out.`,
        ctx.codec.meta.name,
      );
    }
    const without = scopeNames(ctx.codec, "withoutGlobalScope", names);
    return next(this, { without: [...new Set([...state.without, ...without])].sort() });
  },
  withoutGlobalScopes(this: BuilderSelf, names?: readonly string[]) {
    arity(this, arguments, 1, "withoutGlobalScopes(names)");
    const { ctx, state } = this[PROPS];
    if (names === undefined) return next(this, { without: ["*"] });
    if (!Array.isArray(names)) {
      throw new ValidationError(
        `withoutGlobalScopes on "${ctx.codec.meta.name}" takes an array of scope names, or nothing for all.`,
        ctx.codec.meta.name,
      );
    }
    const without = scopeNames(ctx.codec, "withoutGlobalScopes", names);
    return next(this, { without: [...new Set([...state.without, ...without])].sort() });
  },
  restore(this: BuilderSelf) {
    arity(this, arguments, 0, "restore()");
    const { ctx, state } = this[PROPS];
    const field = softDeleteOf(ctx.codec, "restore");
    const trashed: QueryState = { ...state, trashed: "only" };
    if (!hasHooks(ctx.codec, "restoring", "restored"))
      return updateRows(ctx.session, ctx.codec, trashed, { [field]: null });
    // restoring / restored around the update (which fires the update hooks), in one transaction.
    return ctx.session.transaction(async (tx) => {
      const rows = await matchingRows(tx, ctx.codec, trashed);
      await fire(tx, ctx.codec, "restoring", rows);
      const restored = await updateRows(tx, ctx.codec, trashed, { [field]: null });
      for (const row of rows) row[field] = null;
      await fire(tx, ctx.codec, "restored", rows);
      return restored;
    });
  },
  forceDelete(this: BuilderSelf) {
    arity(this, arguments, 0, "forceDelete()");
    const { ctx, state } = this[PROPS];
    softDeleteOf(ctx.codec, "forceDelete");
    return deleteRows(ctx.session, ctx.codec, state, true);
  },
  without(this: BuilderSelf, ...relations: unknown[]) {
    const { ctx, state } = this[PROPS];
    const defaults = ctx.codec.meta.defaultWith;
    for (const relation of relations) {
      if (
        typeof relation !== "string" ||
        !defaults.some((path) => path === relation || path.startsWith(`${relation}.`))
      ) {
        throw new ValidationError(
          `without on "${ctx.codec.meta.name}": ${describeValue(relation)} is not one of its default eager loads (${defaults.join(", ") || "it has none"}).`,
          ctx.codec.meta.name,
        );
      }
    }
    return next(this, { withoutDefaults: [...(state.withoutDefaults ?? []), ...(relations as string[])] });
  },
  touch(this: BuilderSelf) {
    arity(this, arguments, 0, "touch()");
    const { ctx, state } = this[PROPS];
    const field = ctx.codec.meta.timestamps?.updatedAt;
    if (field === undefined) {
      throw new ValidationError(
        `touch() needs timestamps: model "${ctx.codec.meta.name}" has no updatedAt it fills (model({ ..., timestamps: true })).`,
        ctx.codec.meta.name,
      );
    }
    return updateRows(ctx.session, ctx.codec, state, { [field]: new Date() });
  },
};
