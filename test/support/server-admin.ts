import { randomBytes } from "node:crypto";
import { type Kysely, sql } from "kysely";
import { dialect } from "./test-db.js";

/**
 * A connection of its own to this run's PostgreSQL or MariaDB server (never relata's pool),
 * for fault tests: it holds locks, finds the server connections relata opened, and ends them.
 */
export class ServerAdmin {
  private constructor(
    private readonly run: (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>,
    private readonly end: () => Promise<void>,
  ) {}

  /** Connects to `url` (a test file's isolated schema or database: unqualified tables are that file's). */
  static async open(url: string): Promise<ServerAdmin> {
    if (dialect === "postgres") {
      const { default: pg } = await import("pg");
      const client = new pg.Client({ connectionString: url });
      client.on("error", () => {});
      await client.connect();
      return new ServerAdmin(
        async (text, params) => (await client.query(text, params)).rows,
        () => client.end(),
      );
    }
    const mysql = await import("mysql2/promise");
    const connection = await mysql.createConnection({ uri: url });
    connection.on("error", () => {});
    return new ServerAdmin(
      async (text, params) => (await connection.query(text, params))[0] as Record<string, unknown>[],
      () => connection.end(),
    );
  }

  query(text: string, params?: unknown[]): Promise<Record<string, unknown>[]> {
    return this.run(text, params);
  }

  close(): Promise<void> {
    return this.end();
  }

  /** Ends server connection `id` (pg_terminate_backend / KILL). */
  async kill(id: number): Promise<void> {
    await this.query(dialect === "postgres" ? "select pg_terminate_backend($1)" : `kill ${Number(id)}`, [id]);
  }

  /**
   * The server connections of `owner` (see `ownerOf`), optionally only those waiting for a
   * lock, and optionally only idle ones.
   */
  async connections(owner: Owner, state: "any" | "waiting" | "idle" = "any"): Promise<number[]> {
    if (dialect === "postgres") {
      // Inside a transaction PostgreSQL would answer from the snapshot its first read of the view took.
      await this.query("select pg_stat_clear_snapshot()");
      const where = state === "waiting" ? "and wait_event_type = 'Lock'" : state === "idle" ? "and state = 'idle'" : "";
      const rows = await this.query(
        `select pid as id from pg_stat_activity where application_name = $1 and pid <> pg_backend_pid() ${where}`,
        [owner.name],
      );
      return rows.map((r) => Number(r.id));
    }
    // A statement running for a while in a test whose writes take milliseconds is one waiting for a lock.
    const where =
      state === "waiting"
        ? " and command = 'Query' and time_ms > 150"
        : state === "idle"
          ? " and command = 'Sleep'"
          : "";
    const rows = await this.query(
      `select id from information_schema.processlist where db = ? and id <> connection_id()${where}`,
      [owner.name],
    );
    return rows.map((r) => Number(r.id));
  }

  /** Waits until a connection of `owner` waits for a lock; fails after `ms`. */
  async blocked(owner: Owner, ms = 5_000): Promise<number> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const [id] = await this.connections(owner, "waiting");
      if (id !== undefined) return id;
      await pause(20);
    }
    const seen =
      dialect === "postgres"
        ? await this.query(
            "select pid, state, wait_event_type, wait_event, left(query, 80) as query from pg_stat_activity where application_name = $1",
            [owner.name],
          )
        : await this.query(
            "select id, command, state, time_ms, left(info, 80) as info from information_schema.processlist where db = ?",
            [owner.name],
          );
    throw new Error(
      `no connection of ${owner.name} started waiting for a lock within ${ms} ms: ${JSON.stringify(seen)}`,
    );
  }
}

/**
 * How a relata pool's server connections are told apart from everyone else's: on PostgreSQL an
 * `application_name` put in the URL, on MariaDB the database (a test file's own).
 */
export interface Owner {
  readonly name: string;
  /** The URL relata connects with. */
  readonly url: string;
}

export function ownerOf(url: string): Owner {
  if (dialect === "postgres") {
    const name = `relata_fault_${randomBytes(4).toString("hex")}`;
    return { name, url: `${url}${url.includes("?") ? "&" : "?"}application_name=${name}` };
  }
  return { name: new URL(url).pathname.slice(1), url };
}

/** The server's id of the connection `kysely` runs on (inside a transaction: the transaction's). */
export async function connectionId(kysely: Kysely<any>): Promise<number> {
  const query = dialect === "postgres" ? sql`select pg_backend_pid() as id` : sql`select connection_id() as id`;
  const { rows } = await query.execute(kysely);
  return Number((rows[0] as { id: unknown }).id);
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `promise`, or a rejection naming `what` when it has not settled within `ms` (a hang fails the test, not the run). */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms (a hang)`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** What `promise` rejected with, or a failure when it resolved. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection, but it resolved");
}
