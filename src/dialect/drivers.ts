import { RelataError } from "../errors.js";

/**
 * Loads a driver package, which relata does not make every user install: pg and mysql2 are
 * optional peers, better-sqlite3 an optional dependency (installed by default, left out by
 * `npm install --omit=optional`). A missing one says how to install it; one that is there but
 * fails to load (a native module built for another Node) says so rather than "missing".
 */
export async function importDriver<T>(name: string, database: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (cause) {
    const missing = (cause as { code?: unknown }).code === "ERR_MODULE_NOT_FOUND";
    const message = missing
      ? `Connecting to ${database} needs the "${name}" package: npm install ${name}`
      : `Connecting to ${database}: the "${name}" package is installed but failed to load (${(cause as Error).message}); reinstall it for this Node.js (npm rebuild ${name}).`;
    throw new RelataError(message, { cause });
  }
}
