import { type CreateTableBuilder, sql } from "kysely";
import type { Session } from "../dialect/session.js";
import { constraintName } from "../schema/constraint-names.js";
import type { FieldConfig } from "../schema/fields.js";
import type { ModelMeta } from "../schema/meta.js";

/** A table push() may create, in dialect-neutral terms. */
interface TablePlan {
  readonly table: string;
  readonly columns: readonly { readonly column: string; readonly config: FieldConfig }[];
  readonly primaryKey: readonly string[];
  readonly uniques: readonly string[];
  readonly foreignKeys: readonly {
    readonly column: string;
    readonly table: string;
    readonly targetColumn: string;
    readonly onDelete?: string | undefined;
    readonly onUpdate?: string | undefined;
  }[];
  readonly indexes: readonly (readonly string[])[];
}

export interface PushResult {
  /** Tables created by this push, in creation order (empty when all existed). */
  readonly created: readonly string[];
}

/**
 * Creates every table of the schema that does not exist yet: columns, primary keys,
 * uniques, defaults, foreign keys (with onDelete/onUpdate), an index on every foreign key
 * and morph type/id pair, and the bare pivot tables. Existing tables are left alone.
 */
export async function push(session: Session): Promise<PushResult> {
  const { kysely, profile, schema } = session;
  const existing = await profile.existingTables(kysely);
  await session.returning(); // learnt now, so later statement counts do not depend on which write came first
  const plans = [
    ...[...schema.meta.models.values()].map((model) => modelPlan(model, schema.meta.models)),
    ...[...schema.meta.pivotTables.values()].map(
      (pivot): TablePlan => ({
        table: pivot.table,
        columns: pivot.columns,
        primaryKey: pivot.primaryKey,
        uniques: [],
        foreignKeys: pivot.foreignKeys.map((fk) => ({ ...fk, onDelete: "cascade" })),
        indexes: pivot.indexes,
      }),
    ),
  ].filter((plan) => !existing.has(plan.table));

  const created: string[] = [];
  const deferred: [TablePlan, TablePlan["foreignKeys"][number]][] = [];
  for (const plan of dependencyOrder(plans)) {
    const available = new Set([...existing, ...created, plan.table]);
    let builder: CreateTableBuilder<string, string> = kysely.schema.createTable(plan.table);
    for (const { column, config } of plan.columns) {
      builder = builder.addColumn(column, sql.raw(profile.columnType(config)), (col) => {
        let c = col;
        // SQLite lets a non-integer PRIMARY KEY hold NULL unless told otherwise.
        if (plan.primaryKey.length === 1 && plan.primaryKey[0] === column) c = c.primaryKey().notNull();
        else if (!config.nullable) c = c.notNull();
        if (config.autoIncrement && profile.flagsAutoIncrement) c = c.autoIncrement();
        const defaultSql = ddlDefault(session, config);
        return defaultSql === undefined ? c : c.defaultTo(defaultSql);
      });
    }
    if (plan.primaryKey.length > 1) {
      builder = builder.addPrimaryKeyConstraint(constraintName(plan.table, plan.primaryKey, "pkey"), [
        ...plan.primaryKey,
      ] as never);
    }
    for (const column of plan.uniques) {
      builder = builder.addUniqueConstraint(constraintName(plan.table, [column], "unique"), [column] as never);
    }
    for (const fk of plan.foreignKeys) {
      if (!profile.allowsForwardForeignKeys && !available.has(fk.table)) {
        deferred.push([plan, fk]);
        continue;
      }
      builder = builder.addForeignKeyConstraint(
        constraintName(plan.table, [fk.column], "foreign"),
        [fk.column] as never,
        fk.table,
        [fk.targetColumn],
        (c) => referential(referential(c, "onDelete", fk.onDelete), "onUpdate", fk.onUpdate),
      );
    }
    await session.execute(builder);
    created.push(plan.table);
    for (const columns of indexesOf(plan, profile.indexesForeignKeys)) {
      await session.execute(
        kysely.schema
          .createIndex(constraintName(plan.table, columns, "index"))
          .on(plan.table)
          .columns([...columns]),
      );
    }
  }
  // Cycles between tables: the constraints that pointed forward are added once both exist.
  for (const [plan, fk] of deferred) {
    await session.execute(
      kysely.schema
        .alterTable(plan.table)
        .addForeignKeyConstraint(
          constraintName(plan.table, [fk.column], "foreign"),
          [fk.column],
          fk.table,
          [fk.targetColumn],
          (c) => referential(referential(c, "onDelete", fk.onDelete), "onUpdate", fk.onUpdate),
        ),
    );
  }
  return { created };
}

function modelPlan(model: ModelMeta, models: ReadonlyMap<string, ModelMeta>): TablePlan {
  const column = (field: string) => model.fields.get(field)!.column;
  return {
    table: model.table,
    columns: [...model.fields.values()],
    primaryKey: model.primaryKey.map(column),
    uniques: [...model.fields.values()].filter((f) => f.config.unique && !f.config.primary).map((f) => f.column),
    foreignKeys: model.foreignKeys.map((fk) => {
      const target = models.get(fk.targetModel)!;
      return {
        column: column(fk.field),
        table: target.table,
        targetColumn: target.fields.get(fk.targetField)!.column,
        onDelete: fk.onDelete,
        onUpdate: fk.onUpdate,
      };
    }),
    indexes: [
      ...[...model.fields.values()].filter((f) => f.config.index).map((f) => [f.column]),
      ...model.morphPairs.map(([type, id]) => [column(type), column(id)]),
    ],
  };
}

/** The plan's indexes plus one per foreign key, minus any a key or unique already covers. */
function indexesOf(plan: TablePlan, databaseIndexesForeignKeys: boolean): (readonly string[])[] {
  const wanted = [...plan.indexes];
  if (!databaseIndexesForeignKeys) wanted.push(...plan.foreignKeys.map((fk) => [fk.column]));
  const covered = new Set<string>([plan.primaryKey.join(","), plan.primaryKey[0]!, ...plan.uniques]);
  if (databaseIndexesForeignKeys) for (const fk of plan.foreignKeys) covered.add(fk.column);
  const out: (readonly string[])[] = [];
  for (const columns of wanted) {
    const key = columns.join(",");
    if (covered.has(key)) continue;
    covered.add(key);
    out.push(columns);
  }
  return out;
}

/** Tables ordered so referenced ones come first; members of a cycle keep their order. */
function dependencyOrder(plans: readonly TablePlan[]): TablePlan[] {
  const pending = new Map(plans.map((p) => [p.table, p]));
  const ordered: TablePlan[] = [];
  while (pending.size > 0) {
    const ready = [...pending.values()].filter((p) =>
      p.foreignKeys.every((fk) => fk.table === p.table || !pending.has(fk.table)),
    );
    const next = ready.length > 0 ? ready : [pending.values().next().value!];
    for (const plan of next) {
      ordered.push(plan);
      pending.delete(plan.table);
    }
  }
  return ordered;
}

function ddlDefault(session: Session, config: FieldConfig) {
  const d = config.default;
  if (!d || config.kind === "json" || config.kind === "text") return undefined; // create fills these
  if (d.kind === "now") return session.profile.defaultNow(config.kind);
  if (d.kind !== "value") return undefined;
  const value = session.profile.encoder(config)?.(d.value) ?? d.value;
  const literal = ["string", "number", "boolean", "bigint"].includes(typeof value);
  return literal ? sql.lit(value) : undefined;
}

type Action = "cascade" | "set null" | "restrict" | "no action";
function referential<B extends { onDelete(a: Action): B; onUpdate(a: Action): B }>(
  builder: B,
  which: "onDelete" | "onUpdate",
  action: string | undefined,
): B {
  return action === undefined ? builder : builder[which](action as Action);
}
