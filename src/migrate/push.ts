import { type CreateTableBuilder, sql } from "kysely";
import type { Session } from "../dialect/session.js";
import { ddlDefault, dependencyOrder, type TableForeignKey, tablePlans } from "../generate/tables.js";
import type { SchemaChange } from "./diff.js";

export interface PushResult {
  /** Tables created by this push, in creation order (empty when all existed). */
  readonly created: readonly string[];
  /** With `alter: true`: every change applied (tables created, columns added or altered, ...). */
  readonly applied?: readonly SchemaChange[];
}

/**
 * Creates every table of the schema that does not exist yet, as the schema's table plan
 * (generate/tables.ts, shared with the generators and the migration diff) describes it:
 * columns, primary keys, uniques (composite ones too), defaults, foreign keys (with
 * onDelete/onUpdate), the indexes asked for, an index on every foreign key and morph type/id
 * pair, and the bare pivot tables. Existing tables are left alone.
 */
export async function push(session: Session): Promise<PushResult> {
  const { kysely, profile, schema } = session;
  const existing = await profile.existingTables(kysely);
  await session.returning(); // learnt now, so later statement counts do not depend on which write came first
  const plans = tablePlans(schema.meta, profile.name).filter((plan) => !existing.has(plan.table));

  const created: string[] = [];
  const deferred: [string, TableForeignKey][] = [];
  for (const plan of dependencyOrder(plans)) {
    const available = new Set([...existing, ...created, plan.table]);
    let builder: CreateTableBuilder<string, string> = kysely.schema.createTable(plan.table);
    for (const column of plan.columns) {
      builder = builder.addColumn(column.column, sql.raw(column.sqlType), (col) => {
        let c = col;
        // SQLite lets a non-integer PRIMARY KEY hold NULL unless told otherwise.
        if (plan.primaryKey.length === 1 && plan.primaryKey[0] === column.column) c = c.primaryKey().notNull();
        else if (!column.config.nullable) c = c.notNull();
        if (column.config.autoIncrement && profile.flagsAutoIncrement) c = c.autoIncrement();
        const defaultSql = ddlDefault(column.default);
        return defaultSql === undefined ? c : c.defaultTo(defaultSql);
      });
    }
    if (plan.primaryKey.length > 1) {
      builder = builder.addPrimaryKeyConstraint(plan.primaryKeyName, [...plan.primaryKey] as never);
    }
    for (const unique of [...plan.uniques, ...plan.compositeUniques]) {
      builder = builder.addUniqueConstraint(unique.name, [...unique.columns] as never);
    }
    for (const fk of plan.foreignKeys) {
      if (!profile.allowsForwardForeignKeys && !available.has(fk.table)) {
        deferred.push([plan.table, fk]);
        continue;
      }
      builder = builder.addForeignKeyConstraint(fk.name, [fk.column] as never, fk.table, [fk.targetColumn], (c) =>
        referential(referential(c, "onDelete", fk.onDelete), "onUpdate", fk.onUpdate),
      );
    }
    await session.execute(builder);
    created.push(plan.table);
    for (const index of plan.indexes) {
      await session.execute(
        kysely.schema
          .createIndex(index.name)
          .on(plan.table)
          .columns([...index.columns]),
      );
    }
  }
  // Cycles between tables: the constraints that pointed forward are added once both exist.
  for (const [table, fk] of deferred) {
    await session.execute(
      kysely.schema
        .alterTable(table)
        .addForeignKeyConstraint(fk.name, [fk.column], fk.table, [fk.targetColumn], (c) =>
          referential(referential(c, "onDelete", fk.onDelete), "onUpdate", fk.onUpdate),
        ),
    );
  }
  return { created };
}

type Action = "cascade" | "set null" | "restrict" | "no action";
function referential<B extends { onDelete(a: Action): B; onUpdate(a: Action): B }>(
  builder: B,
  which: "onDelete" | "onUpdate",
  action: string | undefined,
): B {
  return action === undefined ? builder : builder[which](action as Action);
}
