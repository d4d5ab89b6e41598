import type { Model } from "./model.js";
import { BelongsToRelationship, HasManyRelationship, HasOneRelationship } from "./relationship-handles.js";
import { BelongsToManyRelationship } from "./relationship-pivot.js";
import { type BelongsToManyOptions, planOf, type RelationshipOptions } from "./relationship-plan.js";

// The handles and the options live in their own files; imported from here too.
export {
  BelongsToRelationship,
  ChildRelationship,
  HasManyRelationship,
  HasOneRelationship,
  RELATIONSHIP_BATCH_SIZE,
  RelatedRows,
} from "./relationship-handles.js";
export { BelongsToManyRelationship } from "./relationship-pivot.js";
export type {
  BelongsToManyOptions,
  ModelClassOf,
  RelatedValues,
  RelationshipOptions,
  SyncOptions,
} from "./relationship-plan.js";

/** Captures where a factory was called from (one frame, read only if a read needs the name). */
function site(factory: Function): { stack?: string } {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 1;
  Error.captureStackTrace(holder, factory);
  Error.stackTraceLimit = limit;
  return holder;
}

/**
 * neko-orm's relations on class models (seed 004): a method of the class returns a handle made
 * here, with `this` as the source. The handles read and write through the db the source uses at
 * the time of the call (inside `db.transaction`, the transaction), and their rows are instances
 * of the target class.
 *
 * ```ts
 * class Post extends Model {
 *   static fields = { id: id(), title: string() };
 *   comments() {
 *     return RelationshipFactory.createHasMany<Post, Comment>({ source: this, targetModel: Comment });
 *   }
 * }
 * for await (const comment of post.comments()) {}   // 100 rows per statement, one at a time
 * await post.comments().associate([c1, c2]);         // one UPDATE ... WHERE id IN (...)
 * ```
 */
// biome-ignore lint/complexity/noStaticOnlyClass: neko-orm's API is RelationshipFactory.createHasMany(...)
export class RelationshipFactory {
  /** Rows the target model holds a key of the source in (`comment.post_id` -> `post.id`). */
  static createHasMany<S extends Model, T extends Model>(
    options: RelationshipOptions<S, T>,
  ): HasManyRelationship<S, T> {
    const plan = planOf("hasMany", options);
    return new HasManyRelationship<S, T>(options.source, plan, site(RelationshipFactory.createHasMany));
  }

  /** One row holding a key of the source (`profile.user_id` -> `user.id`); `get()` gives it or null. */
  static createHasOne<S extends Model, T extends Model>(options: RelationshipOptions<S, T>): HasOneRelationship<S, T> {
    const plan = planOf("hasOne", options);
    return new HasOneRelationship<S, T>(options.source, plan, site(RelationshipFactory.createHasOne));
  }

  /** The row the source holds a key of (`comment.post_id` -> `post.id`). */
  static createBelongsTo<S extends Model, T extends Model>(
    options: RelationshipOptions<S, T>,
  ): BelongsToRelationship<S, T> {
    const plan = planOf("belongsTo", options);
    return new BelongsToRelationship<S, T>(options.source, plan, site(RelationshipFactory.createBelongsTo));
  }

  /**
   * Rows linked to the source through a junction table (`post_tag`: `post_id`, `tag_id`).
   *
   * ```ts
   * tags() { return RelationshipFactory.createBelongsToMany<Post, Tag>({ source: this, targetModel: Tag }); }
   * ```
   */
  static createBelongsToMany<S extends Model, T extends Model>(
    options: BelongsToManyOptions<S, T>,
  ): BelongsToManyRelationship<S, T> {
    const plan = planOf("belongsToMany", options);
    return new BelongsToManyRelationship<S, T>(options.source, plan, site(RelationshipFactory.createBelongsToMany));
  }
}
