export type { MorphToConstraint, MorphTypes } from "./api/builder/morph-types.js";
export type { NPlusOneOption, NPlusOneReport } from "./api/class-model/accessors.js";
export { Model, type ModelConstructor } from "./api/class-model/model.js";
export {
  type BelongsToManyOptions as FactoryBelongsToManyOptions,
  type BelongsToManyRelationship,
  type BelongsToRelationship,
  type ChildRelationship,
  type HasManyRelationship,
  type HasOneRelationship,
  type ModelClassOf,
  RELATIONSHIP_BATCH_SIZE,
  type RelatedRows,
  type RelatedValues,
  RelationshipFactory,
  type RelationshipOptions,
  type SyncOptions,
} from "./api/class-model/relationship-factory.js";
export type {
  AccessorsOf,
  AttributesOf,
  ClassQuery,
  InstanceOf,
  ModelClass,
  WithLoaded,
} from "./api/class-model/types.js";
export type { KeyValue, ModelHandle, SyncManyEntries, SyncManyOptions } from "./api/model-handle.js";
export type {
  AggregateArgs,
  AggregateResult,
  CountArgs,
  CountResult,
  GroupByArgs,
  GroupByResult,
} from "./api/objects/aggregate-types.js";
export type {
  CountInput,
  CursorInput,
  Exact,
  FieldFilter,
  FindManyArgs,
  FindManyResult,
  FindUniqueArgs,
  GetPayload,
  IncludeInput,
  OmitInput,
  OrderByInput,
  Payload,
  RelationFindArgs,
  SelectInput,
  WhereInput,
} from "./api/objects/types.js";
export type {
  CreateArgs,
  CreateManyAndReturnArgs,
  CreateManyArgs,
  DeleteArgs,
  DeleteManyArgs,
  NumberField,
  NumberUpdate,
  ShapeArgs,
  UpdateArgs,
  UpdateManyAndReturnArgs,
  UpdateManyArgs,
  UpdateManyData,
  UpsertArgs,
} from "./api/objects/write-types.js";
export type { BatchResults, PendingQuery } from "./api/pending.js";
export type {
  Operator,
  OperatorValue,
  Page,
  QueryBuilder,
  SoftDeleteMethods,
  TimestampMethods,
  TraitMethods,
  WhereGroup,
  WhereObject,
} from "./api/query-builder.js";
export type {
  AssociateOptions,
  AttachInput,
  BelongsToHandle,
  ChildWrites,
  DissociateOptions,
  HandleOf,
  HasManyHandle,
  HasOneHandle,
  HasOneThroughHandle,
  ManyToManyHandle,
  OwnerWrites,
  PivotWrites,
  RelatedCreateInput,
  RelatedReads,
  SyncResult,
  ThroughHandle,
  ToOneReads,
} from "./api/relation-handle.js";
export { defineConfig, type MigrationsConfig, type RelataConfig } from "./config.js";
export type { PushOptions } from "./db.js";
export {
  createDb,
  type Db,
  type DbCore,
  type DbOptions,
  type MorphMapEntries,
  type PoolOptions,
  type QueryEvent,
  type RelationLoadStrategy,
} from "./db.js";
export type { DialectName } from "./dialect/profile.js";
export {
  ConnectionError,
  ConstraintError,
  DatabaseError,
  DeadlockError,
  ForeignKeyConstraintError,
  LazyLoadingViolationError,
  MorphMapError,
  NotFoundError,
  QueryTimeoutError,
  RelataError,
  RelationNotFoundError,
  SchemaError,
  SerializationError,
  TransactionConflictError,
  TransactionError,
  UniqueConstraintError,
  ValidationError,
} from "./errors.js";
export {
  type DbmlOptions,
  type DrizzleOptions,
  generateDbml,
  generateDrizzle,
  generateMermaid,
  generatePrisma,
  type MermaidOptions,
  type PrismaOptions,
} from "./generate/index.js";
export * from "./migrate/builder.js";
export type { Rename, SchemaChange } from "./migrate/diff.js";
export { describeChanges, desiredSchema, diffSchemas, MigrationError } from "./migrate/diff.js";
export {
  type GenerateOptions,
  type GenerateResult,
  generateMigration,
} from "./migrate/generate-migration.js";
export {
  type DbColumn,
  type DbForeignKey,
  type DbIndex,
  type DbSchema,
  type DbTable,
  type IntrospectOptions,
  introspect,
} from "./migrate/introspect/index.js";
export { type PullCasing, type PullOptions, pullSchema } from "./migrate/pull.js";
export type { PushResult } from "./migrate/push.js";
export type { Casing } from "./schema/casing.js";
export type { ModelClassLike } from "./schema/class-models.js";
export { defineSchema, Schema, type SchemaOptions } from "./schema/define-schema.js";
export {
  bigint,
  boolean,
  date,
  decimal,
  Field,
  type FieldConfig,
  type FieldKind,
  float,
  id,
  integer,
  json,
  type ReferenceOptions,
  type ReferentialAction,
  string,
  text,
  timestamp,
  uuid,
} from "./schema/fields.js";
export type * from "./schema/meta.js";
export {
  type EventContext,
  type LocalScopeFn,
  type ModelDef,
  type ModelEvent,
  type ModelEvents,
  type ModelTraits,
  model,
  type SoftDeletesOption,
  type TimestampsOption,
} from "./schema/model.js";
export type {
  EagerObject,
  Loaded,
  PathTarget,
  PivotOf,
  RelationName,
  RelationPath,
  RelationTarget,
  RelationValue,
} from "./schema/relation-types.js";
export {
  belongsTo,
  belongsToMany,
  hasMany,
  hasManyThrough,
  hasOne,
  hasOneThrough,
  type MorphFieldName,
  type MorphFieldOptions,
  manyToMany,
  morphedByMany,
  morphMany,
  morphOne,
  morphTo,
  morphToMany,
  type RelationDef,
  type RelationKind,
} from "./schema/relations.js";
export {
  type ColumnField,
  type ColumnOptions,
  type ColumnOptionsFor,
  type ColumnType,
  column,
  type RelationOptionsFor,
  relation,
} from "./schema/seed-columns.js";
export type {
  CreateInput,
  FieldValue,
  FullRow,
  HiddenField,
  InferCreate,
  InferRow,
  ModelName,
  Row,
  Simplify,
  TraitsOf,
  UpdateInput,
} from "./schema/types.js";
export type {
  FieldsUpdate,
  FieldUpdate,
  ScalarFilter,
  ScalarWhere,
  UpdateGraphInput,
} from "./schema/update-types.js";
export type { GraphInput, GraphResult, OwnerKeyFields } from "./schema/write-types.js";
