import { activeTransaction, type Session } from "../../dialect/session.js";
import { RelataError } from "../../errors.js";
import type { ModelClassLike } from "../../schema/class-models.js";
import type { Schema } from "../../schema/define-schema.js";

/**
 * Which database a class model's statics and instances use (issue 14), without a hidden
 * global: `createDb` binds each class of its schema to itself (the latest db to list a class
 * is its default); a class with seed 003's `static connectionName` uses the db created with
 * that `connectionName` while one is open. Inside `db.transaction(async (tx) => ...)` both go
 * through the transaction that the async context runs in.
 */
export interface Connection {
  readonly session: Session;
  /** The db handle of a session (the root, or a transaction's). */
  readonly dbOf: (session: Session) => Record<string, any>;
}

/** A class's bindings: one per schema that lists it (the latest is its default). */
interface Binding extends Connection {
  readonly model: string;
}

const BINDING = Symbol("relata.binding");
type Bound = ModelClassLike & { [BINDING]?: Binding };

/** The dbs open under a `connectionName`. */
const named = new Map<string, Connection>();

/** The connection of each root session a class model's db was created on. */
const connections = new WeakMap<Session, Connection>();

/** Makes `session`'s db the default of every class model of its schema. */
export function bindClasses(schema: Schema, connection: Connection): void {
  connections.set(connection.session, connection);
  for (const meta of schema.meta.models.values()) {
    if (!meta.modelClass) continue;
    Object.defineProperty(meta.modelClass, BINDING, {
      value: { ...connection, model: meta.name } satisfies Binding,
      configurable: true,
      writable: true,
    });
  }
}

/** Registers a db under a connection name (seed 003's `static connectionName`); returns its unregister. */
export function nameConnection(name: string, connection: Connection): () => void {
  named.set(name, connection);
  return () => {
    if (named.get(name) === connection) named.delete(name);
  };
}

/** What a class model's call goes through: the session (the active transaction's, inside one), its db and the model name. */
export interface Resolved {
  readonly session: Session;
  readonly db: Record<string, any>;
  readonly model: string;
}

/** The db a class model uses now (see Connection), or a RelataError saying how to bind it. */
export function resolveClass(cls: Function, connectionName?: string): Resolved {
  const bound = cls as Bound;
  const binding = Object.hasOwn(bound, BINDING) ? bound[BINDING] : undefined;
  const wanted = connectionName ?? bound.connectionName;
  const connection = (wanted !== undefined ? named.get(wanted) : undefined) ?? binding;
  if (!binding || !connection) {
    throw new RelataError(
      `The class ${cls.name} is not bound to a database: list it in createDb({ models: [${cls.name}, ...], url })${wanted !== undefined ? ` (its connectionName "${wanted}" names no open db: createDb({ connectionName: "${wanted}", ... }))` : ""}.`,
    );
  }
  const model = binding.model;
  const session = activeTransaction(connection.session) ?? connection.session;
  const db = connection.dbOf(session);
  if (!(model in db)) {
    throw new RelataError(
      `The class ${cls.name} (model "${model}") is not a model of the db its connection names; list it in that createDb's models.`,
    );
  }
  return { session, db, model };
}

/**
 * What an instance read or written through `session` goes through now: that session while its
 * transaction is open, else its db (or the transaction the caller runs in on that db).
 * Undefined when that db has been destroyed (the instance falls back to its class's db).
 */
export function resolveSession(session: Session, model: string): Resolved | undefined {
  const { root } = session;
  const connection = connections.get(root);
  if (!connection || root.ended) return undefined;
  const live = session.ended ? root : session;
  const current = activeTransaction(live) ?? live;
  return { session: current, db: connection.dbOf(current), model };
}
