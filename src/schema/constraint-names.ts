import { createHash } from "node:crypto";

/**
 * The name push() gives a constraint or index of `table` over `columns`
 * (`users_email_unique`), shortened with a hash past 60 characters; errors use it to tell
 * which fields a violated constraint covers.
 */
export function constraintName(table: string, columns: readonly string[], suffix: string): string {
  const full = `${table}_${columns.join("_")}_${suffix}`;
  if (full.length <= 60) return full;
  const hash = createHash("sha1").update(full).digest("hex").slice(0, 8);
  return `${full.slice(0, 51)}_${hash}`;
}
