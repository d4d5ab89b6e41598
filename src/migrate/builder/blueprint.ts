import { constraintName } from "../../schema/constraint-names.js";
import type { FieldConfig, FieldKind } from "../../schema/fields.js";
import {
  type ColumnDraft,
  ColumnRecorder,
  columnName,
  type ForeignDraft,
  type RecorderContext,
  TableForeignRecorder,
} from "./column-recorder.js";
import type { ColumnOp, ForeignSpec, Op } from "./ops.js";
import type { ColumnType } from "./types.js";
import {
  checkColumnList,
  checkColumnType,
  checkInteger,
  checkName,
  checkOptionalName,
  fail,
  MAX_PRECISION,
  MAX_SCALE,
  MAX_STRING_LENGTH,
  show,
} from "./validate.js";

export type { RecorderContext } from "./column-recorder.js";

/*
 * The recording side of `create` / `alter`: what the callback writes, checked call by call
 * (a bad argument throws a SchemaError at the call that made it), then turned into Ops.
 */

type Entry = { readonly column: ColumnDraft } | { readonly foreign: ForeignDraft } | { readonly op: Op };

/** What the `create` callback gets: column methods and table-level keys. */
export class CreateRecorder {
  protected readonly entries: Entry[] = [];
  constructor(protected readonly context: RecorderContext) {}

  protected columnOf(kind: FieldKind, name: unknown, extra: Partial<FieldConfig> = {}): ColumnRecorder {
    const label = checkName("column name", name);
    const draft: ColumnDraft = {
      op: "add",
      label,
      column: columnName(this.context, `column "${label}"`, label),
      config: { kind, nullable: false, unique: false, primary: false, index: false, autoIncrement: false, ...extra },
      sqlDefault: undefined,
      nullDefault: false,
      uniqueName: undefined,
      index: undefined,
      foreign: undefined,
    };
    this.entries.push({ column: draft });
    return new ColumnRecorder(this.context, draft);
  }
  protected columns(what: string, columns: unknown): readonly string[] {
    return checkColumnList(what, columns).map((c) => columnName(this.context, what, c));
  }
  protected push(op: Op): void {
    this.entries.push({ op });
  }

  id(name = "id") {
    return this.columnOf("id", name, { primary: true, autoIncrement: true });
  }
  increments(name = "id") {
    return this.id(name);
  }
  uuid(name: string) {
    return this.columnOf("uuid", name);
  }
  string(name: string, length = 255) {
    return this.columnOf("string", name, {
      length: checkInteger(`string("${name}", length)`, length, 1, MAX_STRING_LENGTH),
    });
  }
  text(name: string) {
    return this.columnOf("text", name);
  }
  integer(name: string) {
    return this.columnOf("integer", name);
  }
  bigint(name: string) {
    return this.columnOf("bigint", name, { bigintMode: "bigint" });
  }
  bigInteger(name: string) {
    return this.bigint(name);
  }
  float(name: string) {
    return this.columnOf("float", name);
  }
  real(name: string) {
    return this.float(name);
  }
  double(name: string) {
    return this.float(name);
  }
  decimal(name: string, precision = 10, scale = 2) {
    const what = `decimal("${name}", precision, scale)`;
    checkInteger(`${what}: precision`, precision, 1, MAX_PRECISION);
    checkInteger(`${what}: scale`, scale, 0, Math.min(MAX_SCALE, precision));
    return this.columnOf("decimal", name, { precision, scale });
  }
  boolean(name: string) {
    return this.columnOf("boolean", name);
  }
  timestamp(name: string, options: { withTimezone?: boolean } = {}) {
    const unknown = Object.keys(options ?? {}).filter((key) => key !== "withTimezone");
    if (unknown.length > 0 || (options.withTimezone !== undefined && typeof options.withTimezone !== "boolean")) {
      fail(`timestamp("${name}", options) takes { withTimezone: boolean }; got ${show(options)}`);
    }
    return this.columnOf("timestamp", name, options.withTimezone === false ? { withTimezone: false } : {});
  }
  date(name: string) {
    return this.columnOf("date", name);
  }
  json(name: string) {
    return this.columnOf("json", name);
  }
  column(name: string, type: ColumnType, options: { length?: number; precision?: number; scale?: number } = {}) {
    const kind = checkColumnType(`column("${String(name)}", type)`, type);
    if (typeof options !== "object" || options === null) fail(`column("${name}"): options must be an object`);
    const known = kind === "string" ? ["length"] : kind === "decimal" ? ["precision", "scale"] : [];
    const unknown = Object.keys(options).filter((key) => !known.includes(key));
    if (unknown.length > 0) {
      fail(
        `column("${name}", "${type}"): unknown option ${unknown.join(", ")}; ${type} takes ${known.join(", ") || "no options"}`,
      );
    }
    if (kind === "string") return this.string(name, options.length);
    if (kind === "decimal") return this.decimal(name, options.precision, options.scale);
    return kind === "id" ? this.id(name) : this.columnOf(kind, name);
  }
  foreignId(name: string) {
    return this.integer(name);
  }
  foreignUuid(name: string) {
    return this.uuid(name);
  }
  timestamps(): void {
    this.timestamp("createdAt").nullable();
    this.timestamp("updatedAt").nullable();
  }
  softDeletes(name = "deletedAt") {
    return this.timestamp(name).nullable();
  }
  morphs(name: string): void {
    this.#morphs(name, false);
  }
  nullableMorphs(name: string): void {
    this.#morphs(name, true);
  }
  #morphs(name: string, nullable: boolean): void {
    const base = checkName("morphs(name)", name);
    this.string(`${base}Type`).nullable(nullable);
    this.integer(`${base}Id`).nullable(nullable);
    this.index([`${base}Type`, `${base}Id`]);
  }
  primary(columns: string | readonly string[], name?: string): void {
    const list = this.columns("primary(columns)", columns);
    this.push({ op: "primary", columns: list, name: checkOptionalName("primary(columns, name)", name) });
  }
  unique(columns: string | readonly string[], name?: string): void {
    const list = this.columns("unique(columns)", columns);
    this.push({ op: "unique", columns: list, name: checkOptionalName("unique(columns, name)", name) });
  }
  index(columns: string | readonly string[], name?: string): void {
    const list = this.columns("index(columns)", columns);
    this.push({ op: "index", columns: list, name: checkOptionalName("index(columns, name)", name) });
  }
  foreign(columns: string | readonly string[], name?: string): TableForeignRecorder {
    const list = this.columns("foreign(columns)", columns);
    const draft: ForeignDraft = {
      what: `foreign(${list.map((c) => `"${c}"`).join(", ")})`,
      name: checkOptionalName("foreign(columns, name)", name),
      columns: list,
      table: undefined,
      targetColumns: undefined,
      onDelete: undefined,
      onUpdate: undefined,
    };
    this.entries.push({ foreign: draft });
    return new TableForeignRecorder(this.context, () => draft);
  }

  /** The recorded operations, or every problem the whole blueprint has. */
  finish(): { readonly ops: readonly Op[]; readonly problems: readonly string[] } {
    const problems: string[] = [];
    const ops: Op[] = [];
    const foreignOf = (draft: ForeignDraft): ForeignSpec | undefined => {
      if (draft.table === undefined || draft.targetColumns === undefined) {
        problems.push(
          `${draft.what}: a foreign key needs its target: .constrained(table?), or .references(column).on(table)`,
        );
        return undefined;
      }
      return {
        name: draft.name ?? constraintName(this.context.table, draft.columns, "foreign"),
        columns: draft.columns,
        table: draft.table,
        targetColumns: draft.targetColumns,
        onDelete: draft.onDelete,
        onUpdate: draft.onUpdate,
      };
    };
    for (const entry of this.entries) {
      if ("op" in entry) ops.push(entry.op);
      else if ("foreign" in entry) {
        const foreign = foreignOf(entry.foreign);
        if (foreign) ops.push({ op: "foreign", foreign });
      } else {
        const draft = entry.column;
        if (draft.nullDefault && !draft.config.nullable) {
          problems.push(`column "${draft.label}": default(null) needs .nullable()`);
        }
        const op: ColumnOp = {
          op: draft.op,
          label: draft.label,
          column: draft.column,
          config: { ...draft.config },
          sqlDefault: draft.sqlDefault,
          uniqueName: draft.uniqueName,
          index: draft.index,
          foreign: draft.foreign && foreignOf(draft.foreign),
        };
        ops.push(op);
      }
    }
    return { ops, problems };
  }
}

/** What the `alter` callback gets: everything `create`'s has, and the drops and renames. */
export class AlterRecorder extends CreateRecorder {
  /** A constraint named, or the name push() gives one over these columns. */
  #named(what: string, nameOrColumns: unknown, suffix: string): string {
    if (typeof nameOrColumns === "string") return checkName(what, nameOrColumns);
    return constraintName(this.context.table, this.columns(what, nameOrColumns), suffix);
  }
  dropColumn(columns: string | readonly string[]): void {
    for (const column of this.columns("dropColumn(columns)", columns)) this.push({ op: "dropColumn", column });
  }
  renameColumn(from: string, to: string): void {
    const [a, b] = [
      columnName(this.context, "renameColumn(from)", from),
      columnName(this.context, "renameColumn(to)", to),
    ];
    this.push({ op: "renameColumn", from: a, to: b });
  }
  dropIndex(nameOrColumns: string | readonly string[]): void {
    this.push({ op: "dropIndex", name: this.#named("dropIndex", nameOrColumns, "index") });
  }
  dropUnique(nameOrColumns: string | readonly string[]): void {
    this.push({ op: "dropUnique", name: this.#named("dropUnique", nameOrColumns, "unique") });
  }
  dropForeign(nameOrColumns: string | readonly string[]): void {
    this.push({ op: "dropForeign", name: this.#named("dropForeign", nameOrColumns, "foreign") });
  }
  dropPrimary(): void {
    this.push({ op: "dropPrimary" });
  }
  dropTimestamps(): void {
    this.dropColumn(["createdAt", "updatedAt"]);
  }
  dropSoftDeletes(name = "deletedAt"): void {
    this.dropColumn(name);
  }
  dropMorphs(name: string): void {
    const base = checkName("dropMorphs(name)", name);
    this.dropColumn([`${base}Type`, `${base}Id`]);
  }
}
