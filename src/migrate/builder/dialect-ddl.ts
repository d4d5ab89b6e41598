import { type Compilable, type Kysely, type RawBuilder, sql } from "kysely";
import type { DialectName, DialectProfile } from "../../dialect/profile.js";
import { createIndexQuery, defineColumn, referential } from "./ddl.js";
import type { Step } from "./ops.js";

/**
 * How each database family alters a table, as flags: the one place the migration builder
 * tells dialects apart. They belong with the other capability flags in the dialect profile
 * (src/dialect/profile.ts); until it carries them, they live here, keyed by the profile's name.
 */
export interface DdlHooks {
  /** ALTER TABLE cannot change a column or add or drop a key: the table is rebuilt (SQLite). */
  readonly rebuildsTables: boolean;
  /** A column's type, nullability and default change one by one (PostgreSQL) or are restated (MySQL). */
  readonly changeColumn: "alter" | "restate" | "rebuild";
  /** DROP INDEX names the table (MySQL). */
  readonly dropIndexNamesTable: boolean;
  /** A foreign key is dropped with DROP CONSTRAINT (PostgreSQL) or DROP FOREIGN KEY (MySQL). */
  readonly dropForeign: "constraint" | "foreign key";
  /** A unique constraint is dropped as a constraint (PostgreSQL) or as its index (MySQL, SQLite). */
  readonly dropUnique: "constraint" | "index";
  /** A primary key is dropped by its name (PostgreSQL) or as DROP PRIMARY KEY (MySQL). */
  readonly dropPrimary: "constraint" | "primary key";
}

const HOOKS: Record<DialectName, DdlHooks> = {
  sqlite: {
    rebuildsTables: true,
    changeColumn: "rebuild",
    dropIndexNamesTable: false,
    dropForeign: "constraint",
    dropUnique: "index",
    dropPrimary: "constraint",
  },
  postgres: {
    rebuildsTables: false,
    changeColumn: "alter",
    dropIndexNamesTable: false,
    dropForeign: "constraint",
    dropUnique: "constraint",
    dropPrimary: "constraint",
  },
  mysql: {
    rebuildsTables: false,
    changeColumn: "restate",
    dropIndexNamesTable: true,
    dropForeign: "foreign key",
    dropUnique: "index",
    dropPrimary: "primary key",
  },
};

export const ddlHooks = (profile: DialectProfile): DdlHooks => HOOKS[profile.name];

/** A statement the builder sends: one of Kysely's builders or raw SQL. */
export type Statement = Compilable | RawBuilder<unknown>;

/**
 * Whether SQLite's own ALTER TABLE can make this step: add a plain column (not a key, and with
 * a constant default or NULL), rename or drop a column, add an index, drop one that is not a
 * constraint. Anything else rebuilds the table.
 */
export function alterableInPlace(step: Step): boolean {
  switch (step.step) {
    case "addColumn": {
      const { column } = step;
      const defaultOk = column.default === undefined ? column.nullable : column.constantDefault;
      return !step.primary && !column.autoIncrement && defaultOk;
    }
    case "renameColumn":
    case "dropColumn":
      return true;
    case "addIndex":
      return !step.index.constraint;
    case "dropIndex":
      return !step.index.constraint;
    default:
      return false;
  }
}

/** The statements making one step with ALTER TABLE / CREATE INDEX / DROP INDEX. */
export function stepStatements(kysely: Kysely<any>, profile: DialectProfile, table: string, step: Step): Statement[] {
  const hooks = ddlHooks(profile);
  const alter = () => kysely.schema.alterTable(table);
  const t = sql.table(table);
  switch (step.step) {
    case "addColumn":
      return [
        alter().addColumn(
          step.column.name,
          sql.raw(step.column.type),
          defineColumn(profile, step.column, step.primary),
        ),
      ];
    case "changeColumn": {
      const { column } = step;
      if (hooks.changeColumn === "restate") {
        return [alter().modifyColumn(column.name, sql.raw(column.type), defineColumn(profile, column, false))];
      }
      const c = sql.id(column.name);
      // PostgreSQL converts the values itself only where a cast is implicit: say how.
      const type = sql`alter table ${t} alter column ${c} type ${sql.raw(column.type)} using ${c}::${sql.raw(column.type)}`;
      const rest = alter()
        .alterColumn(column.name, (a) => (column.nullable ? a.dropNotNull() : a.setNotNull()))
        .alterColumn(column.name, (a) =>
          column.default === undefined ? a.dropDefault() : a.setDefault(column.default),
        );
      return [type, rest];
    }
    case "dropColumn":
      return [alter().dropColumn(step.column)];
    case "renameColumn":
      return [alter().renameColumn(step.from, step.to)];
    case "addPrimary":
      return [alter().addPrimaryKeyConstraint(step.name, [...step.columns] as never)];
    case "dropPrimary":
      return hooks.dropPrimary === "primary key"
        ? [sql`alter table ${t} drop primary key`]
        : [alter().dropConstraint(step.name)];
    case "addIndex":
      return step.index.constraint
        ? [alter().addUniqueConstraint(step.index.name, [...step.index.columns] as never)]
        : [createIndexQuery(kysely, table, step.index)];
    case "dropIndex": {
      const { index } = step;
      const drop = kysely.schema.dropIndex(index.name);
      if (index.unique && hooks.dropUnique === "constraint") {
        // A unique constraint, or a unique index made by CREATE UNIQUE INDEX: whichever it is.
        return [alter().dropConstraint(index.name).ifExists(), drop.ifExists()];
      }
      return [hooks.dropIndexNamesTable ? drop.on(table) : drop];
    }
    case "addForeign": {
      const { foreign } = step;
      return [
        alter().addForeignKeyConstraint(
          foreign.name,
          [...foreign.columns],
          foreign.table,
          [...foreign.targetColumns],
          referential(foreign),
        ),
      ];
    }
    case "dropForeign":
      return hooks.dropForeign === "foreign key"
        ? [sql`alter table ${t} drop foreign key ${sql.id(step.foreign.name)}`]
        : [alter().dropConstraint(step.foreign.name)];
  }
}
