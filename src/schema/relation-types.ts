import type { Schema } from "./define-schema.js";
import type { AnyField } from "./fields.js";
import type { ModelDef } from "./model.js";
import type { MorphFieldName, PivotKind, RelationDef, RelationKind, ToManyKind } from "./relations.js";
import type {
  FieldName,
  FieldsOf,
  FieldValue,
  FullRow,
  ModelName,
  ModelsOf,
  MorphAlias,
  Row,
  Simplify,
  TraitsOf,
  Unaliased,
} from "./types.js";

/** The declared relations of model `M`. */
export type RelationsOf<S extends Schema, M extends string> =
  M extends ModelName<S> ? (ModelsOf<S>[M] extends ModelDef<any, infer R> ? R : never) : never;

/** The relation names of model `M`. */
export type RelationName<S extends Schema, M extends string> = Unaliased<keyof RelationsOf<S, M> & string>;

type DefOf<S extends Schema, M extends string, R extends string> = RelationsOf<S, M>[R & keyof RelationsOf<S, M>];
type KindOf<D> = D extends RelationDef<infer K, any, any> ? K : never;

/** The kind of relation `R` of model `M` ("hasMany", "belongsTo", ...). */
export type RelationKindOf<S extends Schema, M extends string, R extends string> = KindOf<DefOf<S, M, R>>;

/** The many-to-many relation names of model `M` (belongsToMany, morphToMany, morphedByMany): those with pivot rows. */
export type PivotRelationName<S extends Schema, M extends string> =
  string extends RelationName<S, M>
    ? string // a loosely typed handle (class model statics): checked when called
    : { [R in RelationName<S, M>]: KindOf<DefOf<S, M, R>> extends PivotKinds ? R : never }[RelationName<S, M>];
type OptionsOf<D> = D extends RelationDef<any, any, infer O> ? O : never;

/** Models with a morphOne/morphMany to `M` under `morphName` N: a morphTo's targets when `types` is not given. */
type InverseMorphTargets<S extends Schema, M extends string, N> =
  MorphOwners<S> extends infer E ? (E extends { target: M; name: N; owner: infer K } ? K : never) : never;

/**
 * Every morphOne/morphMany of the schema as `{ target, name, owner }`: worked out once per
 * schema, where scanning every model's relations again for each morphTo cost ~25k type
 * instantiations per query at 200 models (bench/types).
 */
type MorphOwners<S extends Schema> = {
  [K in ModelName<S>]: {
    [R in RelationName<S, K>]: DefOf<S, K, R> extends RelationDef<"morphOne" | "morphMany", infer T, infer O>
      ? O extends { morphName: infer N }
        ? { target: T; name: N; owner: K }
        : never
      : never;
  }[RelationName<S, K>];
}[ModelName<S>];

/** The model(s) a relation's rows belong to (a union for morphTo). */
export type RelationTarget<S extends Schema, M extends string, R extends string> = M extends string // each model of a union (after a morphTo)
  ? [DefOf<S, M, R>] extends [never]
    ? never // a path through morphTo names relations some targets lack
    : DefOf<S, M, R> extends RelationDef<infer K, infer T, infer O>
      ? K extends "morphTo"
        ? O extends { types: readonly (infer X extends string)[] }
          ? X & ModelName<S>
          : InverseMorphTargets<S, M, O extends { morphName: infer N extends string } ? N : R>
        : T & ModelName<S>
      : never
  : never;

type ManyKinds = ToManyKind;
type PivotKinds = PivotKind;

type Prev = [never, 0, 1, 2, 3];

/**
 * Every dotted relation path from model `M`, up to four segments: `"posts"`,
 * `"posts.comments"`, ... The union of them all, for listing paths; to check a path given,
 * of any length, use `CheckPath`.
 */
export type RelationPath<S extends Schema, M extends string, D extends number = 3> = [D] extends [never]
  ? never
  : M extends ModelName<S>
    ? {
        [R in RelationName<S, M>]: R | `${R}.${RelationPath<S, RelationTarget<S, M, R>, Prev[D]>}`;
      }[RelationName<S, M>]
    : never;

/**
 * `P` when it is a dotted relation path from model `M` (`"posts"`, `"posts.comments.author"`, of
 * any length), else the valid paths up to where it went wrong (`"posts.comments.nope"` gives
 * `"posts.comments.author" | ...`): a parameter typed `CheckPath<S, M, P>` takes the right paths,
 * names the way on in the error, and offers it as completions. Checked one segment at a time, so
 * it costs as much as the path given, where listing every path (`RelationPath`) grows with each
 * level. After a morphTo, a segment may name a relation of any of its targets.
 *
 * ```ts
 * with<const P extends string>(path: CheckPath<S, M, P>): ...
 * ```
 */
export type CheckPath<S extends Schema, M extends string, P extends string> = 0 extends 1 & S
  ? P // a schema typed loosely: any path
  : CheckFrom<S, M, P, "">;

/** The relation names of each model of `M` (several after a morphTo). */
type NamesOf<S extends Schema, M extends string> = M extends string ? RelationName<S, M> : never;

type CheckFrom<
  S extends Schema,
  M extends string,
  P extends string,
  Done extends string,
> = P extends `${infer H}.${infer T}`
  ? H extends NamesOf<S, M>
    ? CheckFrom<S, RelationTarget<S, M, H>, T, `${Done}${H}.`>
    : `${Done}${NamesOf<S, M>}`
  : P extends NamesOf<S, M>
    ? `${Done}${P}`
    : `${Done}${NamesOf<S, M>}`;

/** Each path of `P` checked (`CheckPath`): what a rest parameter of paths takes. */
export type CheckPaths<S extends Schema, M extends string, P extends readonly string[]> = {
  [I in keyof P]: CheckPath<S, M, P[I]>;
};

type Head<P extends string> = P extends `${infer H}.${string}` ? H : P;
type Tail<P extends string, H extends string> = P extends `${H}.${infer T}` ? T : never;

/**
 * `row.pivot` of many-to-many relation `R` of `M`, as the loader reads it: both keys under their
 * names, the declared pivot fields and the timestamps. Nothing else: the morph type column of a
 * polymorphic pivot is not read, nor are a join model's other fields.
 */
export type PivotOf<S extends Schema, M extends string, R extends string> =
  DefOf<S, M, R> extends RelationDef<infer K, infer T, infer O>
    ? O extends { through: infer J extends ModelName<S> }
      ? Simplify<JoinPivot<S, J, PivotKeyNames<K, M, T, O>, O>>
      : Simplify<BarePivot<S, M, T & ModelName<S>, PivotKeyNames<K, M, T, O>, O>>
    : never;

/**
 * The names of a pivot's keys, `[pointing at M, pointing at the target]`, as the schema finds them:
 * `foreignPivotKey` (manyToMany's `from`) else `${M}Id`, `relatedPivotKey` (`to`) else `${target}Id`;
 * on a polymorphic pivot the morph side's key is `${morphName}Id` and `foreignPivotKey` names the other.
 */
export type PivotKeyNames<K, M extends string, T extends string, O> = K extends "morphToMany"
  ? [MorphIdKey<O>, OptionOr<O, "foreignPivotKey", `${T}Id`>]
  : K extends "morphedByMany"
    ? [OptionOr<O, "foreignPivotKey", `${M}Id`>, MorphIdKey<O>]
    : [
        OptionOr<O, "foreignPivotKey", OptionOr<O, "from", `${M}Id`>>,
        OptionOr<O, "relatedPivotKey", OptionOr<O, "to", `${T}Id`>>,
      ];
type OptionOr<O, N extends string, Else extends string> = O extends { [P in N]: infer V extends string } ? V : Else;
type MorphIdKey<O> = O extends { morphName: infer N extends string } ? `${N}Id` : never;

/** A bare pivot table's values: keys typed as the fields they hold, pivotFields as declared, nullable timestamps. */
type BarePivot<S extends Schema, M extends string, T extends ModelName<S>, Keys extends [string, string], O> = {
  [F in Keys[0]]: KeyValue<S, M & ModelName<S>, OptionOr<O, "parentKey", "id">>;
} & { [F in Keys[1]]: KeyValue<S, T, OptionOr<O, "relatedKey", "id">> } & (O extends {
    pivotFields: infer F;
  }
    ? F extends readonly (infer N extends string)[]
      ? { [P in N]: string | null }
      : F extends Record<string, AnyField>
        ? { -readonly [P in keyof F]: FieldValue<F[P]> }
        : {}
    : {}) &
  (O extends { timestamps: true } ? { createdAt: Date | null; updatedAt: Date | null } : {});

/**
 * The value of key field `K` of model `M` (the primary key, when not named, is taken to be `id`;
 * without one any key value).
 */
type KeyValue<S extends Schema, M extends ModelName<S>, K extends string> =
  K extends FieldName<S, M> ? NonNullable<FieldValue<FieldsOf<S, M>[K]>> : string | number | bigint;

/** A join model's pivot (`through`): its key fields, the pivotFields it lists and its timestamps, typed as the model's fields. */
type JoinPivot<S extends Schema, J extends ModelName<S>, Keys extends [string, string], O> = Pick<
  FullRow<S, J>,
  | (Keys[number] & FieldName<S, J>)
  | ((O extends { pivotFields: readonly (infer N extends string)[] } ? N : never) & FieldName<S, J>)
  | ((O extends { timestamps: true } ? "createdAt" | "updatedAt" : never) & FieldName<S, J>)
>;

/** The property a many-to-many relation's rows carry their pivot values in: its `as` option, or `pivot`. */
export type PivotAccessor<D> = OptionsOf<D> extends { as: infer A extends string } ? A : "pivot";

/** A related row (of each possible model) with the relations loaded below it, or `Leaf` when a constraint shaped it. */
type RelatedRow<S extends Schema, T, Sub extends string, Leaf> = [Sub] extends [never]
  ? [Leaf] extends [never]
    ? T extends ModelName<S>
      ? Row<S, T>
      : never
    : Leaf
  : T extends ModelName<S>
    ? Simplify<Row<S, T> & Loaded<S, T, Sub, Leaf>> // the constraint's row type travels to the end of the path
    : never;

type HasDefault<D> = OptionsOf<D> extends { withDefault: true | Record<string, unknown> } ? true : false;

/** The foreign key field of a belongsTo (as its loader finds it): `foreignKey`, else `${relation}Id`, else `${target}Id`. */
type BelongsToKey<S extends Schema, M extends ModelName<S>, R extends string, D> =
  OptionsOf<D> extends { foreignKey: infer F extends string }
    ? F
    : `${R}Id` extends FieldName<S, M>
      ? `${R}Id`
      : `${RelationTargetOf<D>}Id`;
type RelationTargetOf<D> = D extends RelationDef<any, infer T, any> ? T : never;

/** Whether field `K` of model `M` is declared and not nullable. */
type NotNullField<S extends Schema, M extends ModelName<S>, K extends string> =
  K extends FieldName<S, M>
    ? FieldsOf<S, M>[K] extends { readonly $nullable: infer N } // the brand alone: cheaper than matching Field
      ? [N] extends [false]
        ? true
        : false
      : false
    : false;

/**
 * Whether a read through the relation can leave its owner row out: a fixed `where` on the
 * relation, soft deletes on the target (unless the relation is `withTrashed`), global scopes
 * on the target (unless it is `withoutGlobalScopes`).
 */
type OwnerFiltered<S extends Schema, T extends ModelName<S>, O> = O extends { where: object }
  ? true
  : true extends TrashedOut<S, T, O> | ScopedOut<S, T, O>
    ? true
    : false;
type TrashedOut<S extends Schema, T extends ModelName<S>, O> = TraitsOf<S, T>["softDeletes"] extends false
  ? false
  : O extends { withTrashed: true }
    ? false
    : true;
type ScopedOut<S extends Schema, T extends ModelName<S>, O> = [TraitsOf<S, T>["scopes"]] extends [never]
  ? false
  : O extends { withoutGlobalScopes: true }
    ? false
    : true;

/**
 * Whether a loaded relation always holds a row (Prisma's required relation): a belongsTo
 * whose foreign key is not nullable, read without anything that could filter its owner out.
 * It assumes the key points at a row (a foreign key constraint, `references()`, keeps it so).
 */
type AlwaysLoaded<S extends Schema, M extends string, R extends string, D> =
  KindOf<D> extends "belongsTo"
    ? M extends ModelName<S>
      ? NotNullField<S, M, BelongsToKey<S, M, R, D>> extends true
        ? OwnerFiltered<S, RelationTargetOf<D> & ModelName<S>, OptionsOf<D>> extends false
          ? true
          : false
        : false
      : false
    : false;

/**
 * Whether object-API relation arguments can leave a to-one relation's row out (`where`,
 * `take`, `skip`): pass it as `RelationValue`'s `Filtered`.
 */
export type ArgsFilterRows<A> = A extends object
  ? [keyof A & ("where" | "take" | "skip")] extends [never]
    ? false
    : true
  : false;

/**
 * What one loaded relation holds: an array for to-many kinds, the row or null for to-one kinds.
 * A belongsTo whose foreign key is not nullable holds the row (no null), unless `Filtered`
 * (a constraint on the load may leave the owner out) or the relation or its target filters
 * (relation `where`, target soft deletes or global scopes).
 */
export type RelationValue<
  S extends Schema,
  M extends string,
  R extends string,
  Sub extends string,
  Leaf = never,
  Filtered extends boolean = false,
> =
  DefOf<S, M, R> extends infer D
    ? KindOf<D> extends PivotKinds
      ? Simplify<RelatedRow<S, RelationTarget<S, M, R>, Sub, Leaf> & { [A in PivotAccessor<D>]: PivotOf<S, M, R> }>[]
      : KindOf<D> extends ManyKinds
        ? RelatedRow<S, RelationTarget<S, M, R>, Sub, Leaf>[]
        : [Filtered] extends [false]
          ? AlwaysLoaded<S, M, R, D> extends true
            ? RelatedRow<S, RelationTarget<S, M, R>, Sub, Leaf>
            : ToOne<S, M, R, D, Sub, Leaf>
          : ToOne<S, M, R, D, Sub, Leaf>
    : never;

/** A to-one relation that may find nothing: the row, or its default (`withDefault`), or null. */
type ToOne<S extends Schema, M extends string, R extends string, D, Sub extends string, Leaf> =
  HasDefault<D> extends true
    ? RelatedRow<S, RelationTarget<S, M, R>, Sub, Leaf> | Partial<Row<S, RelationTarget<S, M, R>>>
    : RelatedRow<S, RelationTarget<S, M, R>, Sub, Leaf> | null;

export type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;

type HeadsOf<S extends Schema, M extends string, P extends string> = Head<P> & RelationName<S, M>;
type MorphToHeads<S extends Schema, M extends string, P extends string> = {
  [H in HeadsOf<S, M, P>]: KindOf<DefOf<S, M, H>> extends "morphTo" ? H : never;
}[HeadsOf<S, M, P>];

/**
 * The field of model `M` holding morph relation `R`'s type (`W` = "type") or id (`W` = "id"), as
 * the schema finds it (MorphFieldName) from the relation's options `O`: `typeField` / `idField`,
 * else `${morphName}Type` / `${morphName}Id` or `${morphName}_type` / `${morphName}_id`, whichever
 * `M` has. `M` is the model holding the fields: a morphTo's own model, a morphOne/morphMany's
 * target. A morphTo's morph name defaults to the relation's name.
 *
 * ```ts
 * MorphField<S, "comment", { morphName: "commentable" }, "commentable", "type"> // "commentable_type" when comment has it
 * ```
 */
export type MorphField<
  S extends Schema,
  M extends string,
  O,
  R extends string,
  W extends "type" | "id",
> = MorphFieldName<O, O extends { morphName: infer N extends string } ? N : R, W, FieldName<S, M & ModelName<S>>>;

/**
 * A loaded morphTo as a union discriminated by the parent's type field: checking
 * `comment.commentableType === "post"` narrows `comment.commentable` to a post.
 */
type MorphToLoaded<S extends Schema, M extends string, H extends string, Sub extends string, Leaf> =
  RelationTarget<S, M, H> extends infer T
    ? T extends ModelName<S>
      ? { [K in MorphField<S, M, OptionsOf<DefOf<S, M, H>>, H, "type">]: MorphAlias<S, T> } & {
          [K in H]: HasDefault<DefOf<S, M, H>> extends true
            ? RelatedRow<S, T, Sub, TargetLeaf<Leaf, T>> | Partial<Row<S, T>>
            : RelatedRow<S, T, Sub, TargetLeaf<Leaf, T>> | null;
        }
      : never
    : never;

/** A morphTo's leaf for target model `T`: that model's rows when a callback gave them per target. */
type TargetLeaf<Leaf, T extends string> =
  Leaf extends MorphCallbackRows<infer X> ? (T extends keyof X ? X[T] : never) : Leaf;

/**
 * An eager object (`with({ posts: { comments: (q) => q.select("id") } })`) as `Loaded`'s leaf:
 * its shape with each callback replaced by what the callback reads (`CallbackRows`,
 * `MorphCallbackRows`). Each relation takes its part (`LeafAt`), so every callback's rows
 * reach the end of its own path.
 */
export interface EagerLeaves<T> {
  readonly "~eagerLeaves": T;
}

/** What a callback of an eager object reads: its builder's row type `R`. */
export interface CallbackRows<R> {
  readonly "~rows": R;
}

/** What a morphTo's callback of an eager object reads: a row type per target model (`{ post: ..., video: ... }`). */
export interface MorphCallbackRows<X> {
  readonly "~rowsPerTarget": X;
}

/** The leaf below relation `H`: an eager object's part for `H`, or the leaf of a path as given. */
type LeafAt<Leaf, H extends string> =
  Leaf extends EagerLeaves<infer T>
    ? H extends keyof T
      ? T[H] extends CallbackRows<infer R>
        ? R
        : T[H] extends MorphCallbackRows<unknown>
          ? T[H]
          : T[H] extends object
            ? EagerLeaves<T[H]>
            : never
      : never
    : Leaf;

/**
 * The relations a set of paths loads onto a row of `M`:
 * `Loaded<S, "user", "posts.comments" | "profile">` is
 * `{ posts: (Post & { comments: Comment[] })[]; profile: Profile | null }`.
 * `Leaf`, when given, is the row at the end of the path (a constraint's), or for the paths of an
 * eager object its `EagerLeaves`.
 */
export type Loaded<S extends Schema, M extends string, P extends string, Leaf = never> = 0 extends 1 & S
  ? // A schema typed loosely (class models given as a list): each loaded relation is any.
    { [H in P extends `${infer Head}.${string}` ? Head : P]: any }
  : LoadedOf<S, M, P, Leaf>;

type LoadedOf<S extends Schema, M extends string, P extends string, Leaf> = {
  [H in Exclude<HeadsOf<S, M, P>, MorphToHeads<S, M, P>>]: RelationValue<
    S,
    M,
    H,
    Exclude<Tail<P, H>, ConstrainedMark>,
    LeafAt<Leaf, H>,
    IsConstrained<Tail<P, H>, LeafAt<Leaf, H>>
  >;
} & MorphToLoadedAll<S, M, P, Leaf>;

/** The last segment `EagerObjectPaths` gives a path a callback constrains (`with({ author: (q) => ... })`). */
type ConstrainedMark = "#constrained";

/**
 * Whether a callback constrains the relation a path reaches with tail `T`: the path ends
 * there and a constraint shaped the row (`Leaf`), or the object form marked it.
 */
type IsConstrained<T extends string, Leaf> = ConstrainedMark extends T
  ? true
  : [T] extends [never]
    ? [Leaf] extends [never]
      ? false
      : true
    : false;

/**
 * Every loaded morphTo of the paths, each a union of its own, intersected (each union is boxed
 * first so the intersection does not cut through its members).
 */
type MorphToLoadedAll<S extends Schema, M extends string, P extends string, Leaf> =
  UnionToIntersection<
    MorphToHeads<S, M, P> extends infer H extends string
      ? H extends string
        ? { box: MorphToLoaded<S, M, H, Exclude<Tail<P, H>, ConstrainedMark>, LeafAt<Leaf, H>> }
        : never
      : never
  > extends { box: infer U }
    ? U
    : {};

/** The target model at the end of a path. */
export type PathTarget<S extends Schema, M extends string, P extends string> = P extends `${infer H}.${infer T}`
  ? PathTarget<S, RelationTarget<S, M, H>, T>
  : RelationTarget<S, M, P>;

/**
 * `{ posts: { comments: true }, profile: true }`: the object form as morphWith's lists take it,
 * four levels deep, its callbacks untyped. `with` takes the builder layer's `EagerSpec`, which
 * types each callback's builder and nests to any depth.
 */
export type EagerObject<S extends Schema, M extends string, D extends number = 3> = [D] extends [never]
  ? never
  : {
      [R in RelationName<S, M>]?: boolean | ((q: any) => any) | EagerObject<S, RelationTarget<S, M, R>, Prev[D]>;
    };

/**
 * The paths an eager object names (`false` names none). A callback's path ends in a mark
 * `Loaded` reads (the relation may come back without its row) and drops.
 */
export type EagerObjectPaths<T> = {
  [K in keyof T & string]: T[K] extends false | undefined
    ? never
    : T[K] extends true
      ? K
      : T[K] extends (q: any) => any
        ? `${K}.${ConstrainedMark}`
        : K | `${K}.${EagerObjectPaths<T[K]>}`;
}[keyof T & string];

export type { RelationKind };

/** `"posts"` or `"posts as alias"`: a relation of `M` to aggregate, optionally renamed. */
export type AggregateSpec<S extends Schema, M extends string> = Unaliased<
  RelationName<S, M> | `${RelationName<S, M>} as ${string}`
>;

/** The relation an aggregate spec names. */
export type SpecRelation<Spec extends string> = Spec extends `${infer R} as ${string}` ? R : Spec;

/** The result field of an aggregate: the alias, or the relation name and a suffix (`postsCount`). */
export type AggregateName<Spec extends string, Suffix extends string> = Spec extends `${string} as ${infer A}`
  ? A
  : `${Spec}${Suffix}`;

/**
 * The fields of the related model a relation fills in when writing through it: the foreign
 * key of hasOne/hasMany (`${model}Id` unless named), the morph type and id of morphOne/morphMany
 * (under the names the schema finds on the related model, see MorphField).
 */
export type RelationKeyFields<S extends Schema, M extends string, R extends string> =
  DefOf<S, M, R> extends RelationDef<infer K, infer T, infer O>
    ? K extends "hasOne" | "hasMany"
      ? O extends { foreignKey: infer F extends string }
        ? F
        : `${M}Id`
      : K extends "morphOne" | "morphMany"
        ? O extends { morphName: string }
          ? MorphField<S, T, O, R, "type"> | MorphField<S, T, O, R, "id">
          : never
        : never
    : never;

/** The paths of model `M`'s default eager loads (model option `with`). */
type DefaultWith<S extends Schema, M extends ModelName<S>> = TraitsOf<S, M>["with"] & string;

/**
 * The row type reads of model `M` return: its row with its default eager loads (model option
 * `with`). Only at the top: rows loaded as a relation carry their own model's defaults at run
 * time but are typed as `Row`.
 */
export type ReadRow<S extends Schema, M extends ModelName<S>> = [DefaultWith<S, M>] extends [never]
  ? Row<S, M>
  : Simplify<Row<S, M> & Loaded<S, M, DefaultWith<S, M>>>;

/** What `without(...)` takes: a default eager load's path, or its first relation (leaving out the whole path). */
export type DefaultWithName<S extends Schema, M extends ModelName<S>> = DefaultWith<S, M> | FirstOf<DefaultWith<S, M>>;

/** The first relation of each path (distributes over a union of paths). */
type FirstOf<P> = P extends `${infer H}.${string}` ? H : never;
