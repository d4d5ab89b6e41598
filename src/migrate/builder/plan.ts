import type { DialectProfile } from "../../dialect/profile.js";
import { constraintName } from "../../schema/constraint-names.js";
import { columnOf, covers, hasLeadingIndex, primaryKeyName } from "./ddl.js";
import type { ColumnOp, ColumnState, ForeignSpec, ForeignState, IndexState, Op, Step, TableState } from "./ops.js";

export interface Plan {
  /** The table once the blueprint is applied. */
  readonly state: TableState;
  /** The changes, in order, that take the live table there (empty for create: it is made from `state`). */
  readonly steps: readonly Step[];
  /** Everything wrong with the blueprint against the table: a SchemaError, before any change. */
  readonly problems: readonly string[];
}

export interface PlanOptions {
  readonly profile: DialectProfile;
  /** Planning a CREATE TABLE (no live table; the primary key may come from column flags). */
  readonly creating: boolean;
  /** A unique added to an existing table is a unique index, not a constraint (SQLite cannot add one). */
  readonly uniqueAsIndex: boolean;
}

/** An empty table, which `create` applies its blueprint to. */
export const emptyTable = (table: string): TableState => ({
  table,
  columns: [],
  primaryKey: [],
  indexes: [],
  foreignKeys: [],
});

/**
 * Applies a blueprint's operations to a table, checking each against the table as it stands
 * (a dropped column must exist, an added one must not...), and lists the steps that make the
 * change. Indexes the blueprint asks for without a name, and one per new foreign key, come
 * last, left out where an index already serves, by push()'s rule.
 */
export function plan(current: TableState, ops: readonly Op[], options: PlanOptions): Plan {
  const { profile, creating } = options;
  const table = current.table;
  const problems: string[] = [];
  const steps: Step[] = [];
  let columns: ColumnState[] = [...current.columns];
  let primaryKey: readonly string[] = current.primaryKey;
  let indexes: IndexState[] = [...current.indexes];
  let foreignKeys: ForeignState[] = [...current.foreignKeys];
  const wanted: (readonly string[])[] = [];
  const added: ForeignState[] = [];
  /** Columns flagged .primary() in a create, and whether a table-level primary() was given. */
  const flagged: string[] = [];
  let tableLevelPrimary = false;

  const list = (names: readonly string[]) => names.map((n) => `"${n}"`).join(", ") || "none";
  const has = (column: string) => columns.some((c) => c.name === column);
  const exist = (what: string, names: readonly string[]): boolean => {
    const missing = names.filter((name) => !has(name));
    if (missing.length === 0) return true;
    problems.push(`${what}: "${table}" has no column ${list(missing)} (columns: ${list(columns.map((c) => c.name))})`);
    return false;
  };
  const nameTaken = (name: string) => indexes.some((i) => i.name === name) || foreignKeys.some((f) => f.name === name);

  const addIndex = (index: IndexState) => {
    if (nameTaken(index.name)) return void problems.push(`"${table}" already has a key or index named "${index.name}"`);
    indexes.push(index);
    steps.push({ step: "addIndex", index });
  };
  const addUnique = (columns: readonly string[], name: string | undefined) =>
    addIndex({
      name: name ?? constraintName(table, columns, "unique"),
      columns,
      unique: true,
      constraint: creating || !options.uniqueAsIndex,
    });
  const indexColumns = (columns: readonly string[], name: string | undefined) => {
    if (name === undefined) wanted.push(columns);
    else addIndex({ name, columns, unique: false, constraint: false });
  };
  const addForeign = (spec: ForeignSpec) => {
    if (!exist(`foreign key "${spec.name}"`, spec.columns)) return;
    if (spec.columns.length !== spec.targetColumns.length) {
      return void problems.push(
        `foreign key "${spec.name}" has ${spec.columns.length} column(s) but references ${spec.targetColumns.length}`,
      );
    }
    if (nameTaken(spec.name)) return void problems.push(`"${table}" already has a key or index named "${spec.name}"`);
    const foreign: ForeignState = { ...spec };
    foreignKeys.push(foreign);
    added.push(foreign);
    steps.push({ step: "addForeign", foreign });
  };
  const dropForeign = (foreign: ForeignState) => {
    foreignKeys = foreignKeys.filter((f) => f !== foreign);
    steps.push({ step: "dropForeign", foreign });
    // The index InnoDB made for the key (named as the key) goes with it, unless another key needs it.
    const own = indexes.find((i) => i.name === foreign.name && !i.unique);
    const needed = foreignKeys.some((f) => own && f.columns.every((c, i) => own.columns[i] === c));
    if (own && !needed) dropIndex(own);
  };
  const dropIndex = (index: IndexState) => {
    indexes = indexes.filter((i) => i !== index);
    if (profile.indexesForeignKeys) {
      // InnoDB refuses to drop the only index a foreign key has: give the key its own index
      // first (named as InnoDB names one, after the key), as it had before this index served it.
      for (const foreign of foreignKeys) {
        const served = foreign.columns.every((c, i) => index.columns[i] === c);
        if (!served || hasLeadingIndex({ primaryKey, indexes }, foreign.columns)) continue;
        const own: IndexState = { name: foreign.name, columns: foreign.columns, unique: false, constraint: false };
        indexes.push({ ...own, implicit: true });
        steps.push({ step: "addIndex", index: own });
      }
    }
    steps.push({ step: "dropIndex", index });
  };
  const dropPrimary = () => {
    steps.push({ step: "dropPrimary", name: primaryKeyName(table, primaryKey), columns: primaryKey });
    // An auto-increment column is one only as the primary key.
    columns = columns.map((c) => (primaryKey.includes(c.name) ? { ...c, autoIncrement: false } : c));
    primaryKey = [];
  };
  const constraintsOf = (op: ColumnOp) => {
    if (op.config.unique && !op.config.primary) addUnique([op.column], op.uniqueName);
    if (op.index) indexColumns([op.column], op.index.name);
    if (op.foreign) addForeign(op.foreign);
  };

  for (const op of ops) {
    // primary("postId", "tagId") as seed 002 writes it would name a one-column key "tagId".
    if ((op.op === "primary" || op.op === "unique" || op.op === "index") && op.name !== undefined) {
      if (has(op.name) && !op.columns.includes(op.name)) {
        problems.push(
          `${op.op}(${list(op.columns)}, "${op.name}"): the second argument is the key's name, and "${op.name}" is a column; pass the columns as a list: ${op.op}([...])`,
        );
        continue;
      }
    }
    switch (op.op) {
      case "add": {
        if (has(op.column)) {
          problems.push(
            `column "${op.column}" already exists in "${table}"; to change it, end its chain with .change()`,
          );
          break;
        }
        const column = columnOf(profile, op, undefined);
        columns.push(column);
        let inline = false;
        if (op.config.primary && creating) flagged.push(op.column);
        else if (op.config.primary && primaryKey.length > 0) {
          problems.push(`"${table}" already has a primary key (${list(primaryKey)}); drop it first: t.dropPrimary()`);
        } else if (op.config.primary) {
          primaryKey = [op.column];
          inline = true;
        }
        steps.push({ step: "addColumn", column, primary: inline });
        constraintsOf(op);
        break;
      }
      case "change": {
        const at = columns.findIndex((c) => c.name === op.column);
        if (at < 0) {
          exist(`change() of "${op.label}"`, [op.column]);
          break;
        }
        if (op.config.kind === "id" || op.config.primary) {
          problems.push(
            `change() of "${op.label}" cannot make an id or a primary key; add the key with t.primary([...])`,
          );
          break;
        }
        const column = columnOf(profile, op, columns[at]!.source);
        columns[at] = column;
        steps.push({ step: "changeColumn", column });
        constraintsOf(op);
        break;
      }
      case "dropColumn": {
        if (!exist(`dropColumn("${op.column}")`, [op.column])) break;
        for (const foreign of foreignKeys.filter((f) => f.columns.includes(op.column))) dropForeign(foreign);
        for (const index of indexes.filter((i) => i.columns.includes(op.column))) dropIndex(index);
        if (primaryKey.includes(op.column)) dropPrimary();
        columns = columns.filter((c) => c.name !== op.column);
        steps.push({ step: "dropColumn", column: op.column });
        break;
      }
      case "renameColumn": {
        if (!exist(`renameColumn("${op.from}", "${op.to}")`, [op.from])) break;
        if (has(op.to)) {
          problems.push(`renameColumn("${op.from}", "${op.to}"): "${table}" already has a column "${op.to}"`);
          break;
        }
        const rename = (names: readonly string[]) => names.map((n) => (n === op.from ? op.to : n));
        columns = columns.map((c) => (c.name === op.from ? { ...c, name: op.to } : c));
        primaryKey = rename(primaryKey);
        indexes = indexes.map((i) => ({ ...i, columns: rename(i.columns) }));
        foreignKeys = foreignKeys.map((f) => ({
          ...f,
          columns: rename(f.columns),
          targetColumns: f.table === table ? rename(f.targetColumns) : f.targetColumns,
        }));
        steps.push({ step: "renameColumn", from: op.from, to: op.to });
        break;
      }
      case "primary": {
        if (!exist(`primary(${list(op.columns)})`, op.columns)) break;
        if (creating) {
          if (tableLevelPrimary) problems.push(`"${table}" is given two primary keys with primary([...])`);
          tableLevelPrimary = true;
          primaryKey = op.columns;
        } else if (primaryKey.length > 0) {
          problems.push(`"${table}" already has a primary key (${list(primaryKey)}); drop it first: t.dropPrimary()`);
        } else {
          primaryKey = op.columns;
          steps.push({ step: "addPrimary", name: op.name ?? primaryKeyName(table, op.columns), columns: op.columns });
        }
        break;
      }
      case "unique":
        if (exist(`unique(${list(op.columns)})`, op.columns)) addUnique(op.columns, op.name);
        break;
      case "index":
        if (exist(`index(${list(op.columns)})`, op.columns)) indexColumns(op.columns, op.name);
        break;
      case "foreign":
        addForeign(op.foreign);
        break;
      case "dropIndex":
      case "dropUnique": {
        const unique = op.op === "dropUnique";
        const index = indexes.find((i) => i.name === op.name && (!unique || i.unique) && !i.implicit);
        if (index) dropIndex(index);
        else {
          const names = indexes.filter((i) => (!unique || i.unique) && !i.implicit).map((i) => i.name);
          problems.push(
            `${op.op}: "${table}" has no ${unique ? "unique " : ""}index "${op.name}" (it has: ${list(names)})`,
          );
        }
        break;
      }
      case "dropForeign": {
        const foreign = foreignKeys.find((f) => f.name === op.name);
        if (foreign) dropForeign(foreign);
        else {
          const names = foreignKeys.map((f) => f.name);
          problems.push(`dropForeign: "${table}" has no foreign key "${op.name}" (it has: ${list(names)})`);
        }
        break;
      }
      case "dropPrimary":
        if (primaryKey.length === 0) problems.push(`dropPrimary(): "${table}" has no primary key`);
        else dropPrimary();
        break;
    }
  }

  if (creating) {
    if (tableLevelPrimary && flagged.length > 0) {
      problems.push(`"${table}" is given a primary key twice: by primary([...]) and by ${list(flagged)}'s .primary()`);
    } else if (flagged.length > 0) primaryKey = flagged;
    if (columns.length === 0) problems.push(`create("${table}") defines no columns`);
  }

  // Last, as push() does: one index per new foreign key (InnoDB makes its own unless one
  // serves), and the unnamed indexes, each left out where an index already serves.
  const state = () => ({ primaryKey, indexes });
  for (const columnsOf of wanted) {
    if (!columnsOf.every(has) || covers(state(), columnsOf)) continue;
    addIndex({ name: constraintName(table, columnsOf, "index"), columns: columnsOf, unique: false, constraint: false });
  }
  // A foreign key needs no index of its own where one starts with its columns (push()'s rule).
  for (const foreign of added.filter((f) => foreignKeys.includes(f))) {
    if (hasLeadingIndex(state(), foreign.columns)) continue;
    if (profile.indexesForeignKeys) {
      indexes.push({ name: foreign.name, columns: foreign.columns, unique: false, constraint: false, implicit: true });
    } else {
      const columnsOf = foreign.columns;
      addIndex({
        name: constraintName(table, columnsOf, "index"),
        columns: columnsOf,
        unique: false,
        constraint: false,
      });
    }
  }

  return { state: { table, columns, primaryKey, indexes, foreignKeys }, steps, problems };
}
