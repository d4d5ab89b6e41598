import type { PullPlan } from "./plan.js";

/**
 * The indexes of each model's table: a unique index of one column -> `.unique()`, a plain one
 * -> `.index()`, several columns -> the model's `indexes` / `uniques`. Left out, because push()
 * creates them anyway: the index of a foreign key column and of a morph pair relata declares,
 * and a unique index that stands for a missing primary key. An expression index is a comment.
 */
export function planIndexes(plan: PullPlan): void {
  for (const model of plan.models.values()) {
    const { table } = model;
    const keyColumns = model.primaryKey.map((f) => model.fields.find((x) => x.name === f)!.column);
    const foreignKeyColumns = new Set(
      table.foreignKeys.filter((fk) => fk.columns.length === 1).map((fk) => fk.columns[0]),
    );
    const same = (a: readonly string[], b: readonly string[]) => a.join("\0") === b.join("\0");
    for (const index of table.indexes) {
      const fields = index.columns.map((c) => model.byColumn.get(c));
      if (fields.some((f) => f === undefined)) {
        model.notes.push(
          `index ${index.name} (${index.columns.map((c) => c || "an expression").join(", ")}): relata declares indexes of columns only; not declared`,
        );
        continue;
      }
      const names = fields.map((f) => f!.name);
      if (same(index.columns, keyColumns)) continue; // the key, or the unique standing for a missing one
      if (index.columns.length === 1) {
        const field = fields[0]!;
        if (index.unique) field.unique = true;
        else if (index.columns[0] === keyColumns[0]) {
          model.notes.push(
            `index ${index.name} (${index.columns[0]}): the primary key covers it; push() leaves it out`,
          );
        } else if (!foreignKeyColumns.has(index.columns[0])) field.index = true;
        continue;
      }
      if (!index.unique && model.morphPairs.some((pair) => same(pair, index.columns))) continue;
      const list = index.unique ? model.uniques : model.indexes;
      if (!list.some((l) => same(l, names))) list.push(names);
    }
  }
}
