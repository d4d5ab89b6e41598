import type { Kysely } from "kysely";
import type { DialectName } from "../dialect/profile.js";
import { introspect } from "./introspect/index.js";
import { emitSchema } from "./pull/emit.js";
import { planIndexes } from "./pull/indexes.js";
import { planMorphs } from "./pull/morphs.js";
import { detectCasing } from "./pull/names.js";
import { planModels } from "./pull/plan.js";
import { planRelations } from "./pull/relations.js";

/** The casings `pullSchema` can write a schema in. */
export type PullCasing = "snake_case" | "camelCase" | "PascalCase" | "preserve";

export interface PullOptions {
  /**
   * The schema's casing. Default: the one that derives the most column names from camelCase
   * field names; columns it does not derive get `.column("...")`.
   */
  readonly casing?: PullCasing;
}

/**
 * Reads an existing database (the connection's schema on PostgreSQL, its database on
 * MySQL/MariaDB, the main database on SQLite) and writes it as relata schema code: a TypeScript
 * module exporting `schema = defineSchema({ ... })`, a model per table, its fields, keys,
 * indexes, foreign keys and the relations they imply (belongsTo / hasMany / hasOne,
 * belongsToMany for link tables, morphTo / morphMany for `xType` / `xId` pairs). What relata
 * cannot say is left as comments in the code. The same database gives the same text.
 *
 * ```ts
 * const code = await pullSchema(db.kysely, "postgres");
 * await writeFile("schema.ts", code);
 * ```
 */
export async function pullSchema(
  kysely: Kysely<any>,
  dialect: DialectName,
  options: PullOptions = {},
): Promise<string> {
  const { tables } = await introspect(kysely, dialect);
  const columns = [...tables.values()].flatMap((t) => t.columns.map((c) => c.name));
  const plan = planModels(tables, dialect, options.casing ?? detectCasing(columns));
  planRelations(plan);
  await planMorphs(plan, kysely);
  planIndexes(plan);
  return emitSchema(plan);
}
