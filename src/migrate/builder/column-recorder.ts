import { type Expression, isOperationNodeSource } from "kysely";
import { applyCasing, type Casing } from "../../schema/casing.js";
import type { FieldConfig, FieldDefault, ReferentialAction } from "../../schema/fields.js";
import { checkAction, checkColumnList, checkName, checkOptionalName, defaultProblem, fail, show } from "./validate.js";

/*
 * What a column definition (`t.string("title").nullable()`) and a table-level foreign key
 * record as they are chained; blueprint.ts turns the drafts into Ops.
 */

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface ForeignDraft {
  readonly what: string;
  name: string | undefined;
  readonly columns: readonly string[];
  table: string | undefined;
  targetColumns: readonly string[] | undefined;
  onDelete: ReferentialAction | undefined;
  onUpdate: ReferentialAction | undefined;
}

export interface ColumnDraft {
  op: "add" | "change";
  readonly label: string;
  readonly column: string;
  readonly config: Mutable<FieldConfig>;
  sqlDefault: Expression<unknown> | undefined;
  nullDefault: boolean;
  uniqueName: string | undefined;
  index: { readonly name: string | undefined } | undefined;
  foreign: ForeignDraft | undefined;
}

/** Where a recorder is and how it names columns. */
export interface RecorderContext {
  readonly table: string;
  readonly mode: "create" | "alter";
  readonly casing: Casing;
}

/** A column name as written -> as stored. */
export function columnName(context: RecorderContext, what: string, name: unknown): string {
  return checkName(`${what} (as stored)`, applyCasing(checkName(what, name), context.casing));
}

/** Keeps the foreign-key half of the column and table definitions in one place. */
class ForeignRecorder {
  constructor(
    protected readonly context: RecorderContext,
    private readonly draftOf: () => ForeignDraft,
  ) {}
  protected get foreignDraft(): ForeignDraft {
    return this.draftOf();
  }
  on(table: string): this {
    this.draftOf().table = checkName(`${this.draftOf().what}: on(table)`, table);
    return this;
  }
  onDelete(action: string): this {
    this.draftOf().onDelete = checkAction(`${this.draftOf().what}: onDelete`, action);
    return this;
  }
  onUpdate(action: string): this {
    this.draftOf().onUpdate = checkAction(`${this.draftOf().what}: onUpdate`, action);
    return this;
  }
  cascadeOnDelete(): this {
    return this.onDelete("cascade");
  }
  nullOnDelete(): this {
    return this.onDelete("set null");
  }
  restrictOnDelete(): this {
    return this.onDelete("restrict");
  }
  cascadeOnUpdate(): this {
    return this.onUpdate("cascade");
  }
}

/** `t.string("title").nullable()...`: records into its draft as it is chained. */
export class ColumnRecorder extends ForeignRecorder {
  readonly #draft: ColumnDraft;
  constructor(context: RecorderContext, draft: ColumnDraft) {
    super(context, () => {
      draft.foreign ??= {
        what: `column "${draft.label}"`,
        name: undefined,
        columns: [draft.column],
        table: undefined,
        targetColumns: undefined,
        onDelete: undefined,
        onUpdate: undefined,
      };
      return draft.foreign;
    });
    this.#draft = draft;
  }
  get #what(): string {
    return `column "${this.#draft.label}"`;
  }
  nullable(nullable = true): this {
    if (typeof nullable !== "boolean") fail(`${this.#what}: nullable() takes true or false, got ${show(nullable)}`);
    this.#draft.config.nullable = nullable;
    return this;
  }
  default(value: unknown): this {
    const draft = this.#draft;
    draft.sqlDefault = undefined;
    draft.nullDefault = value === null;
    delete draft.config.default;
    if (value === null) return this;
    if (isOperationNodeSource(value)) {
      if (draft.config.kind === "id") fail(`${this.#what}: an auto-increment id takes no default`);
      draft.sqlDefault = value as Expression<unknown>;
      return this;
    }
    const problem = defaultProblem(draft.config.kind, value, draft.config);
    if (problem !== undefined) fail(`${this.#what}: ${problem}`);
    draft.config.default = { kind: "value", value } satisfies FieldDefault;
    return this;
  }
  defaultNow(): this {
    const { kind } = this.#draft.config;
    if (kind !== "timestamp" && kind !== "date")
      fail(`${this.#what}: defaultNow() is for timestamp and date columns, not ${kind}`);
    this.#draft.sqlDefault = undefined;
    this.#draft.config.default = { kind: "now" };
    return this;
  }
  useCurrent(): this {
    return this.defaultNow();
  }
  unique(name?: string): this {
    this.#draft.uniqueName = checkOptionalName(`${this.#what}: unique(name)`, name);
    this.#draft.config.unique = true;
    return this;
  }
  index(name?: string): this {
    this.#draft.index = { name: checkOptionalName(`${this.#what}: index(name)`, name) };
    return this;
  }
  primary(): this {
    this.#draft.config.primary = true;
    return this;
  }
  references(column: string): this {
    this.foreignDraft.targetColumns = [columnName(this.context, `${this.#what}: references(column)`, column)];
    return this;
  }
  constrained(table?: string, column = "id"): this {
    const foreign = this.foreignDraft;
    foreign.table = table === undefined ? this.#guessTable() : checkName(`${this.#what}: constrained(table)`, table);
    foreign.targetColumns = [columnName(this.context, `${this.#what}: constrained(table, column)`, column)];
    return this;
  }
  change(): this {
    if (this.context.mode !== "alter") fail(`${this.#what}: change() is for schema.alter(), not create()`);
    this.#draft.op = "change";
    return this;
  }
  /** `postId` / `post_id` -> the table of the model `post` (relata's tables default to model names). */
  #guessTable(): string {
    const base = /^(.+?)(?:_id|Id|ID)$/.exec(this.#draft.label)?.[1];
    if (base === undefined) {
      fail(
        `${this.#what}: constrained() guesses the table from a name ending in Id or _id; name the table: constrained("user")`,
      );
    }
    return checkName(`${this.#what}: the table constrained() guesses`, applyCasing(base, this.context.casing));
  }
}

/** `t.foreign(["authorId"]).references(["id"]).on("user")`. */
export class TableForeignRecorder extends ForeignRecorder {
  references(columns: string | readonly string[]): this {
    const what = `${this.foreignDraft.what}: references`;
    this.foreignDraft.targetColumns = checkColumnList(what, columns).map((c) => columnName(this.context, what, c));
    return this;
  }
}
