import type { Kysely, RawBuilder } from "kysely";

/** Runs a catalog query returning `name` rows (some catalogs answer in upper case: NAME). */
export async function tableNames(kysely: Kysely<any>, query: RawBuilder<unknown>): Promise<Set<string>> {
  const { rows } = await query.execute(kysely);
  return new Set((rows as Record<string, unknown>[]).map((row) => String(row.name ?? row.NAME ?? row.TABLE_NAME)));
}
