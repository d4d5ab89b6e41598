import { type Kysely, type QueryResult, type RawBuilder, sql } from "kysely";
import { driverError } from "../dialect/driver-errors.js";
import type { DialectName, DialectProfile } from "../dialect/profile.js";
import { profiles } from "../dialect/resolve.js";
import { SchemaError } from "../errors.js";
import { applyCasing, type Casing } from "../schema/casing.js";
import { defineSchema } from "../schema/define-schema.js";
import { AlterRecorder, CreateRecorder, type RecorderContext } from "./builder/blueprint.js";
import { tableState } from "./builder/catalog.js";
import { createdIndexes, createIndexQuery, createTableQuery } from "./builder/ddl.js";
import { alterableInPlace, ddlHooks, type Statement, stepStatements } from "./builder/dialect-ddl.js";
import type { Op } from "./builder/ops.js";
import { emptyTable, plan } from "./builder/plan.js";
import { type Run, rebuildTable, sqliteCreatedIndexes } from "./builder/rebuild.js";
import type {
  AlterTableBlueprint,
  CreateTableBlueprint,
  SchemaBuilder,
  SchemaBuilderOptions,
} from "./builder/types.js";
import { checkName, fail, show } from "./builder/validate.js";
import { introspect } from "./introspect/index.js";

export type {
  AlterTableBlueprint,
  ChangeableColumn,
  ColumnDefinition,
  ColumnNames,
  ColumnType,
  CreateTableBlueprint,
  ForeignKeyDefinition,
  ReferentialActionInput,
  SchemaBuilder,
  SchemaBuilderOptions,
  SqlDefault,
  TableBlueprint,
  TimeColumnDefinition,
} from "./builder/types.js";

const CASINGS: readonly Casing[] = ["snake_case", "camelCase", "preserve"];
/** Driver errors are mapped as for any statement; a migration has no models to name fields from. */
const NO_MODELS = defineSchema({});

/**
 * The builder migration files write with (`up(schema)` / `down(schema)`), over a Kysely
 * instance (a db's `kysely`, a connection or a transaction) of the given database family.
 *
 * ```ts
 * const schema = createSchemaBuilder(db.kysely, db.dialectName, { casing: "snake_case" });
 * await schema.create("post", (t) => {
 *   t.id();
 *   t.string("title", 120);
 *   t.foreignId("authorId").constrained("user").onDelete("cascade");
 *   t.timestamps();
 * });
 * await schema.alter("post", (t) => t.text("body").nullable());
 * ```
 */
export function createSchemaBuilder(
  kysely: Kysely<any>,
  dialect: DialectName | DialectProfile,
  options: SchemaBuilderOptions = {},
): SchemaBuilder {
  if (typeof (kysely as { executeQuery?: unknown } | undefined)?.executeQuery !== "function") {
    fail(`createSchemaBuilder takes a Kysely instance (db.kysely), got ${show(kysely)}`);
  }
  const profile = typeof dialect === "string" ? profiles[dialect as DialectName] : dialect;
  if (typeof dialect === "string" ? !Object.hasOwn(profiles, dialect) : typeof profile?.columnType !== "function") {
    fail(`createSchemaBuilder's dialect must be one of ${Object.keys(profiles).join(", ")}, got ${show(dialect)}`);
  }
  const unknown = Object.keys(options ?? {}).filter((key) => key !== "casing");
  if (unknown.length > 0) fail(`createSchemaBuilder: unknown option ${unknown.join(", ")}; options: casing`);
  const casing = options.casing ?? "preserve";
  if (!CASINGS.includes(casing)) fail(`casing must be one of ${CASINGS.join(", ")}, got ${show(casing)}`);
  return new MigrationSchema(kysely, profile, casing);
}

class MigrationSchema implements SchemaBuilder {
  constructor(
    readonly kysely: Kysely<any>,
    readonly profile: DialectProfile,
    readonly casing: Casing,
  ) {}

  readonly #run: Run = async (db, statement, table) => {
    try {
      if ((statement as RawBuilder<unknown>).isRawBuilder === true) {
        return (await (statement as RawBuilder<unknown>).execute(db)) as QueryResult<any>;
      }
      return await db.executeQuery((statement as Exclude<Statement, RawBuilder<unknown>>).compile());
    } catch (error) {
      throw driverError({ profile: this.profile, schema: NO_MODELS }, error, table);
    }
  };

  async create(table: string, define: (t: CreateTableBlueprint) => void): Promise<void> {
    const name = checkName("create(table)", table);
    const ops = this.#record(
      `create("${name}")`,
      new CreateRecorder(this.#context(name, "create")) satisfies CreateTableBlueprint,
      define,
    );
    const planned = plan(emptyTable(name), ops, { profile: this.profile, creating: true, uniqueAsIndex: false });
    this.#check(`create("${name}")`, planned.problems);
    await this.#run(this.kysely, createTableQuery(this.kysely, this.profile, planned.state), name);
    for (const index of createdIndexes(planned.state)) {
      await this.#run(this.kysely, createIndexQuery(this.kysely, name, index), name);
    }
  }

  async alter(table: string, define: (t: AlterTableBlueprint) => void): Promise<void> {
    const name = checkName("alter(table)", table);
    const what = `alter("${name}")`;
    const ops = this.#record(
      what,
      new AlterRecorder(this.#context(name, "alter")) satisfies AlterTableBlueprint,
      define,
    );
    if (ops.length === 0) return;
    const hooks = ddlHooks(this.profile);
    // SQLite reads every table: a rebuild must know which tables reference this one.
    const catalog = await this.#introspect(hooks.rebuildsTables ? undefined : [name]);
    const live = catalog.tables.get(name);
    if (!live) fail(`${what}: there is no table "${name}"`);
    const created = hooks.rebuildsTables ? await sqliteCreatedIndexes(this.#run, this.kysely, name) : undefined;
    const current = tableState(live, created, hooks.rebuildsTables);
    const planned = plan(current, ops, { profile: this.profile, creating: false, uniqueAsIndex: hooks.rebuildsTables });
    this.#check(what, planned.problems);
    if (hooks.rebuildsTables && !planned.steps.every(alterableInPlace)) {
      await rebuildTable(this.#run, this.kysely, this.profile, current, planned, catalog);
      return;
    }
    for (const step of planned.steps) {
      for (const statement of stepStatements(this.kysely, this.profile, name, step)) {
        await this.#run(this.kysely, statement, name);
      }
    }
  }

  table(table: string, define: (t: AlterTableBlueprint) => void): Promise<void> {
    return this.alter(table, define);
  }

  async drop(table: string): Promise<void> {
    const name = checkName("drop(table)", table);
    await this.#run(this.kysely, this.kysely.schema.dropTable(name), name);
  }

  async dropIfExists(table: string): Promise<void> {
    const name = checkName("dropIfExists(table)", table);
    await this.#run(this.kysely, this.kysely.schema.dropTable(name).ifExists(), name);
  }

  async rename(from: string, to: string): Promise<void> {
    const [a, b] = [checkName("rename(from)", from), checkName("rename(to)", to)];
    await this.#run(this.kysely, this.kysely.schema.alterTable(a).renameTo(b), a);
  }

  async hasTable(table: string): Promise<boolean> {
    const name = checkName("hasTable(table)", table);
    try {
      return (await this.profile.existingTables(this.kysely)).has(name);
    } catch (error) {
      throw driverError({ profile: this.profile, schema: NO_MODELS }, error, undefined);
    }
  }

  async hasColumn(table: string, column: string): Promise<boolean> {
    const name = checkName("hasColumn(table)", table);
    const stored = checkName("hasColumn(column)", applyCasing(checkName("hasColumn(column)", column), this.casing));
    const { tables } = await this.#introspect([name]);
    return tables.get(name)?.columns.some((c) => c.name === stored) ?? false;
  }

  async raw(statement: string | RawBuilder<unknown>): Promise<void> {
    if (typeof statement === "string") {
      if (statement.trim() === "") fail("raw(statement) takes an SQL statement, got an empty string");
      await this.#run(this.kysely, sql.raw(statement));
      return;
    }
    if ((statement as RawBuilder<unknown> | undefined)?.isRawBuilder !== true) {
      fail(`raw(statement) takes an SQL string or sql\`...\`, got ${show(statement)}`);
    }
    await this.#run(this.kysely, statement);
  }

  #context(table: string, mode: RecorderContext["mode"]): RecorderContext {
    return { table, mode, casing: this.casing };
  }

  /** Runs the blueprint callback and returns what it recorded; every problem is a SchemaError naming the call. */
  #record<R extends CreateRecorder>(what: string, recorder: R, define: (t: any) => void): readonly Op[] {
    if (typeof define !== "function") fail(`${what} takes a callback: ${what.replace(/\)$/, "")}, (t) => { ... })`);
    let returned: unknown;
    try {
      returned = define(recorder);
    } catch (error) {
      if (error instanceof SchemaError) throw new SchemaError(error.problems.map((p) => `${what}: ${p}`));
      throw error;
    }
    if (typeof (returned as { then?: unknown } | undefined)?.then === "function") {
      fail(`${what}: the callback must define the table synchronously (it returned a promise)`);
    }
    const { ops, problems } = recorder.finish();
    this.#check(what, problems);
    return ops;
  }

  #check(what: string, problems: readonly string[]): void {
    if (problems.length > 0) throw new SchemaError(problems.map((p) => `${what}: ${p}`));
  }

  async #introspect(tables: readonly string[] | undefined) {
    try {
      return await introspect(this.kysely, this.profile.name, tables ? { tables } : {});
    } catch (error) {
      throw driverError({ profile: this.profile, schema: NO_MODELS }, error, undefined);
    }
  }
}
