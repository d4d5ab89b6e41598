import { type CompiledQuery, type Dialect, Kysely, type LogEvent } from "kysely";
import { installAccessors, type NPlusOneOption, setNPlusOneDetector } from "./api/class-model/accessors.js";
import { bindClasses, nameConnection } from "./api/class-model/connections.js";
import { installGlobalScopes } from "./api/global-scopes.js";
import { ModelHandle } from "./api/model-handle.js";
import { type BatchResults, runBatch } from "./api/pending.js";
import { type TraitMethods, withLocalScopes } from "./api/query-builder.js";
import { callbackError } from "./dialect/driver-errors.js";
import type { PoolOptions } from "./dialect/pool-options.js";
import type { DialectName } from "./dialect/profile.js";
import { dialectFromUrl, directReads, profileOfDialect } from "./dialect/resolve.js";
import { Session } from "./dialect/session.js";
import { RelataError, ValidationError } from "./errors.js";
import type { SchemaChange } from "./migrate/diff.js";
import { checkDrift, pushSchema } from "./migrate/generate-migration.js";
import { type PushResult, push } from "./migrate/push.js";
import { codecFor } from "./plan/model-codec.js";
import type { RelationLoadStrategy } from "./plan/state.js";
import type { ModelClassLike } from "./schema/class-models.js";
import { defineSchema, type Schema } from "./schema/define-schema.js";
import type { ModelName, Row } from "./schema/types.js";
import { setEventFacade } from "./write/events.js";

export type { PoolOptions, RelationLoadStrategy };

/** One statement sent to the database, as reported to `onQuery`. */
export interface QueryEvent {
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly durationMs: number;
  /** Set when the statement failed. */
  readonly error?: unknown;
}

export interface DbOptions<S extends Schema> {
  /** The models: a `defineSchema(...)` schema (or give `models`). */
  schema?: S;
  /**
   * Class models (`class Post extends Model { ... }`), instead of `schema`: the same as
   * `schema: defineSchema([User, Post, ...])`. Either way, the classes of the schema are bound to
   * this db: their statics (`Post.find(1)`) and instances (`post.save()`) use it (the latest db to
   * list a class is its default).
   */
  models?: readonly ModelClassLike[];
  /**
   * A name for this db: class models whose `static connectionName` is this name use it while it
   * is open (seed 003's `static connectionName = "sqlite"`), whichever db listed them last.
   */
  connectionName?: string;
  /**
   * Class models: report a relation accessor called row by row over rows read together
   * (`for (const post of posts) await post.comments().get()`, the N+1 pattern) with where it was
   * called from: `true` warns on the console, a function receives the report. Development aid.
   */
  detectNPlusOne?: NPlusOneOption;
  /** `sqlite::memory:`, `sqlite:./app.db`, `postgres://...`, `mysql://...` or `mariadb://...`. */
  url?: string;
  /** Any Kysely dialect, instead of `url`. */
  dialect?: Dialect;
  /** The database family of `dialect` when relata cannot tell it from the adapter. */
  dialectName?: DialectName;
  /** Called after every statement with its SQL, parameters and duration. */
  onQuery?: (event: QueryEvent) => void;
  /** How relations are eager loaded by default: one query per level, or one JSON-aggregated statement. */
  relationLoadStrategy?: RelationLoadStrategy;
  /**
   * Connection pool settings for PostgreSQL and MySQL/MariaDB (with `url`; a Kysely `dialect`
   * brings its own pool). The URL's query parameters of the same names work too
   * (`postgres://.../app?max=30`); these win over them.
   */
  pool?: PoolOptions;
}

const OPTIONS = [
  "schema",
  "models",
  "url",
  "dialect",
  "dialectName",
  "onQuery",
  "relationLoadStrategy",
  "pool",
  "connectionName",
  "detectNPlusOne",
];

/** The methods of a db handle besides its model handles. */
export interface DbCore<S extends Schema> {
  readonly schema: S;
  /** The underlying Kysely instance (the transaction's, inside `transaction`), for raw SQL. */
  readonly kysely: Kysely<any>;
  /** `"sqlite"`, `"postgres"` or `"mysql"` (MySQL and MariaDB). */
  readonly dialectName: DialectName;
  /**
   * Creates every missing table, constraint, index and pivot table of the schema. With
   * `{ alter: true }` (development; the CLI's `relata push`) it makes the database match the
   * schema: alters included, lossy steps refused unless `acceptDataLoss`, renames only when
   * named (`renames: ["post.title=post.headline"]`).
   */
  push(options?: PushOptions): Promise<PushResult>;
  /** How the live database differs from the schema: the changes, and their readable diff (empty: none). */
  check(): Promise<{ changes: SchemaChange[]; text: string }>;
  /**
   * Runs `fn` in a transaction and returns its result; a throw rolls everything back.
   * Inside, `tx.transaction(...)` nests as a savepoint.
   */
  transaction<T>(fn: (tx: Db<S>) => Promise<T>): Promise<T>;
  /**
   * Runs object-API calls in order in one transaction and returns their results (Prisma's
   * `$transaction([...])`): the calls do not run until the transaction runs them, and a failure
   * rolls all of them back.
   *
   * ```ts
   * const [post, count] = await db.transaction([db.post.create({ data }), db.post.count()]);
   * ```
   */
  transaction<const P extends readonly PromiseLike<unknown>[]>(queries: P): Promise<BatchResults<P>>;
  /** Closes the connection pool. */
  destroy(): Promise<void>;
  /**
   * The schema's morph map: model name -> the value morph type columns store for it (a fresh
   * object; models without an entry store their name).
   */
  morphMap(): MorphMapEntries<S>;
  /**
   * Merges entries into the schema's morph map (`{ merge: false }`: replaces it) and returns the
   * new map. Every entry must name a model and no two models may store the same value
   * (`ValidationError`); with `enforceMorphMap`, no model a polymorphic relation stores may be
   * left without an entry (`MorphMapError`). Nothing changes when it throws. The map belongs to
   * the schema: the change holds for every later read and write of every db handle (and
   * transaction) of that schema.
   */
  morphMap(map: MorphMapEntries<S>, options?: { merge?: boolean }): MorphMapEntries<S>;
}

/** A morph map: model name -> the value stored in morph type columns for it. */
export type MorphMapEntries<S extends Schema> = { [M in ModelName<S>]?: string };

/** A database handle: `db.<model>` for each model of the schema, plus `DbCore`. */
export type Db<S extends Schema> = DbCore<S> & {
  readonly [M in ModelName<S>]: ModelHandle<S, M> & TraitMethods<"query", S, M, Row<S, M>, never>;
};

/**
 * Connects a schema to a database.
 *
 * ```ts
 * const db = createDb({ schema, url: "sqlite::memory:" });
 * await db.push();
 * const ada = await db.user.create({ email: "ada@example.dev", name: "Ada" });
 * ```
 */
export function createDb<S extends Schema>(options: DbOptions<S>): Db<S> {
  const unknown = Object.keys(options ?? {}).filter((key) => !OPTIONS.includes(key));
  if (unknown.length > 0) {
    throw new RelataError(
      `Unknown createDb option${unknown.length === 1 ? "" : "s"} ${unknown.map((k) => `"${k}"`).join(", ")}. Valid options: ${OPTIONS.join(", ")}.`,
    );
  }
  const { url, dialect, onQuery, pool, models, connectionName, detectNPlusOne } = options;
  if ((options.schema === undefined) === (models === undefined)) {
    throw new RelataError(
      "createDb needs exactly one of schema (defineSchema(...)) or models (a list of model classes).",
    );
  }
  if (models !== undefined && !Array.isArray(models)) {
    throw new RelataError("createDb's models takes a list of model classes: createDb({ models: [User, Post], url }).");
  }
  if (connectionName !== undefined && (typeof connectionName !== "string" || connectionName === "")) {
    throw new RelataError("createDb's connectionName must be a non-empty string.");
  }
  if (detectNPlusOne !== undefined && typeof detectNPlusOne !== "boolean" && typeof detectNPlusOne !== "function") {
    throw new RelataError("createDb's detectNPlusOne takes true, false or a function (report) => void.");
  }
  const schema = (options.schema ?? defineSchema(models!)) as S;
  if ((url === undefined) === (dialect === undefined)) {
    throw new RelataError("createDb needs exactly one of url or dialect.");
  }
  if (dialect !== undefined && pool !== undefined) {
    throw new RelataError("createDb's pool applies to a url; a Kysely dialect is configured with its own pool.");
  }
  const strategy = options.relationLoadStrategy;
  if (strategy !== undefined && strategy !== "query" && strategy !== "join") {
    throw new RelataError(`relationLoadStrategy must be "query" or "join", got ${JSON.stringify(strategy)}.`);
  }
  const resolved =
    url !== undefined
      ? dialectFromUrl(url, pool)
      : { dialect: dialect!, profile: profileOfDialect(dialect!, options.dialectName) };
  const report =
    onQuery &&
    ((query: CompiledQuery, durationMs: number, error?: unknown) => {
      try {
        onQuery({
          sql: query.sql,
          params: query.parameters,
          durationMs,
          ...(error !== undefined ? { error } : {}),
        });
      } catch (thrown) {
        throw callbackError(thrown);
      }
    });
  const kysely = new Kysely<any>({
    dialect: resolved.dialect,
    ...(report && {
      log: (event: LogEvent) =>
        report(event.query, event.queryDurationMillis, event.level === "error" ? event.error : undefined),
    }),
  });
  const session = new Session(
    kysely,
    resolved.profile,
    schema,
    strategy ?? resolved.profile.defaultLoadStrategy,
    0,
    {},
    undefined,
    directReads(resolved.dialect, report),
  );
  installGlobalScopes(session);
  setEventFacade(session, (tx) => dbFor<S>(tx));
  const db = dbFor<S>(session);
  if ([...schema.meta.models.values()].some((meta) => meta.modelClass)) {
    const connection = { session, dbOf: (s: Session) => dbFor<S>(s) as unknown as Record<string, any> };
    bindClasses(schema, connection);
    for (const meta of schema.meta.models.values()) installAccessors(meta);
    setNPlusOneDetector(session, detectNPlusOne);
    if (connectionName !== undefined) {
      const unregister = nameConnection(connectionName, connection);
      const destroy = db.destroy;
      (db as { destroy: () => Promise<void> }).destroy = () => {
        unregister();
        return destroy();
      };
    }
  } else if (connectionName !== undefined || detectNPlusOne !== undefined) {
    throw new RelataError(
      "createDb's connectionName and detectNPlusOne are for class models (models: [...]); this schema has none.",
    );
  }
  return db;
}

/** `db.morphMap()`, `db.morphMap(map)`, `db.morphMap(map, { merge })` (see DbCore). */
function morphMap(session: Session, [map, options]: [map?: unknown, options?: unknown]): Record<string, string> {
  const registry = session.schema.meta.morphMap;
  if (map === undefined) return registry.entries();
  if (options !== undefined) {
    const keys = typeof options === "object" && options !== null ? Object.keys(options) : undefined;
    const merge = (options as { merge?: unknown } | null)?.merge;
    if (!keys || keys.some((k) => k !== "merge") || (merge !== undefined && typeof merge !== "boolean")) {
      throw new ValidationError(`db.morphMap(map, options) takes options { merge?: boolean }.`, "");
    }
  }
  return registry.set(map, (options as { merge?: boolean } | undefined)?.merge !== false);
}

/** What `db.push()` takes. */
export interface PushOptions {
  /** Also alter existing tables to match the schema (development). */
  readonly alter?: boolean;
  /** With `alter`: allow steps that lose data (dropped tables or columns, narrowed types). */
  readonly acceptDataLoss?: boolean;
  /** With `alter`: fields renamed since, as `"model.old=model.new"`; a rename is never guessed. */
  readonly renames?: readonly string[];
}

const PUSH_OPTIONS = ["alter", "acceptDataLoss", "renames"];

async function pushWith(session: Session, options: PushOptions = {}): Promise<PushResult> {
  const unknown = Object.keys(options ?? {}).filter((key) => !PUSH_OPTIONS.includes(key));
  if (unknown.length > 0 || (!options.alter && (options.acceptDataLoss || options.renames))) {
    throw new ValidationError(
      `push() takes { alter, acceptDataLoss, renames } (the last two with alter: true); got ${Object.keys(options).join(", ")}.`,
      "",
    );
  }
  if (!options.alter) return push(session);
  const { applied } = await pushSchema(session, options);
  return {
    created: applied.flatMap((change) => (change.kind === "createTable" ? [change.table.name] : [])),
    applied,
  };
}

/** The db handle of each session (the root's and each transaction's), made once. */
const dbs = new WeakMap<Session, Db<any>>();

function dbFor<S extends Schema>(session: Session): Db<S> {
  let db = dbs.get(session);
  if (!db) {
    db = makeDb<S>(session);
    dbs.set(session, db);
  }
  return db as Db<S>;
}

function makeDb<S extends Schema>(session: Session): Db<S> {
  const core: DbCore<S> = {
    schema: session.schema as S,
    kysely: session.kysely,
    dialectName: session.profile.name,
    push: (options) => pushWith(session, options),
    check: () => checkDrift(session),
    transaction: ((work: unknown, ...rest: unknown[]) => {
      if (rest.length > 0) {
        return Promise.reject(new RelataError("transaction takes one argument: a callback, or an array of queries."));
      }
      if (Array.isArray(work)) return runBatch(session, work);
      if (typeof work !== "function") {
        return Promise.reject(
          new RelataError(
            "transaction takes a callback, db.transaction(async (tx) => { ... }), or an array of object-API calls, db.transaction([db.user.create(...), ...]).",
          ),
        );
      }
      return session.transaction((tx) => work(dbFor<S>(tx)));
    }) as DbCore<S>["transaction"],
    destroy: () => session.destroy(),
    morphMap: ((...args: [map?: unknown, options?: unknown]) => morphMap(session, args)) as DbCore<S>["morphMap"],
  };
  const handles: Record<string, unknown> = {};
  for (const name of session.schema.meta.models.keys()) {
    const codec = codecFor(session, name);
    handles[name] = new (withLocalScopes(ModelHandle, codec.meta))({ session, codec });
  }
  return Object.assign(handles, core) as unknown as Db<S>;
}
