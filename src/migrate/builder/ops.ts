import type { Expression } from "kysely";
import type { FieldConfig, ReferentialAction } from "../../schema/fields.js";

/** A foreign key as a blueprint asks for it, names resolved. */
export interface ForeignSpec {
  readonly name: string;
  readonly columns: readonly string[];
  readonly table: string;
  readonly targetColumns: readonly string[];
  readonly onDelete: ReferentialAction | undefined;
  readonly onUpdate: ReferentialAction | undefined;
}

/** A column a blueprint adds (or changes, in `alter`). */
export interface ColumnOp {
  readonly op: "add" | "change";
  /** The name as the migration wrote it, for messages. */
  readonly label: string;
  readonly column: string;
  readonly config: FieldConfig;
  /** A default given as SQL. */
  readonly sqlDefault: Expression<unknown> | undefined;
  readonly uniqueName: string | undefined;
  /** `.index()` was called (with this name, or undefined for the default one). */
  readonly index: { readonly name: string | undefined } | undefined;
  readonly foreign: ForeignSpec | undefined;
}

/** What a blueprint records, in the order it was written; columns are as stored (cased). */
export type Op =
  | ColumnOp
  | { readonly op: "dropColumn"; readonly column: string }
  | { readonly op: "renameColumn"; readonly from: string; readonly to: string }
  | { readonly op: "primary"; readonly columns: readonly string[]; readonly name: string | undefined }
  | { readonly op: "unique"; readonly columns: readonly string[]; readonly name: string | undefined }
  | { readonly op: "index"; readonly columns: readonly string[]; readonly name: string | undefined }
  | { readonly op: "foreign"; readonly foreign: ForeignSpec }
  | { readonly op: "dropIndex" | "dropUnique" | "dropForeign"; readonly name: string }
  | { readonly op: "dropPrimary" };

/** A column of a table as the planner tracks it. */
export interface ColumnState {
  readonly name: string;
  /** The SQL type: from the dialect profile for a new column, as the catalog spells it for an existing one. */
  readonly type: string;
  readonly nullable: boolean;
  readonly default: Expression<unknown> | undefined;
  /** The default is a constant (SQLite's ADD COLUMN takes no other). */
  readonly constantDefault: boolean;
  readonly autoIncrement: boolean;
  /** The live column its rows come from (undefined: a new column). */
  readonly source: string | undefined;
}

export interface IndexState {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
  /** A UNIQUE constraint of the table rather than an index made by CREATE INDEX. */
  readonly constraint: boolean;
  /** Made by the database itself for a foreign key (MySQL/InnoDB): no statement creates it. */
  readonly implicit?: boolean;
}

export interface ForeignState {
  readonly name: string;
  readonly columns: readonly string[];
  readonly table: string;
  readonly targetColumns: readonly string[];
  readonly onDelete: string | undefined;
  readonly onUpdate: string | undefined;
}

/** A table as it is (read from the catalog) or will be once a blueprint is applied. */
export interface TableState {
  readonly table: string;
  readonly columns: readonly ColumnState[];
  readonly primaryKey: readonly string[];
  readonly indexes: readonly IndexState[];
  readonly foreignKeys: readonly ForeignState[];
}

/** One change to a live table, dialect-neutral; the dialect turns it into statements (or a rebuild). */
export type Step =
  | { readonly step: "addColumn"; readonly column: ColumnState; readonly primary: boolean }
  | { readonly step: "changeColumn"; readonly column: ColumnState }
  | { readonly step: "dropColumn"; readonly column: string }
  | { readonly step: "renameColumn"; readonly from: string; readonly to: string }
  | { readonly step: "addPrimary"; readonly name: string; readonly columns: readonly string[] }
  | { readonly step: "dropPrimary"; readonly name: string; readonly columns: readonly string[] }
  | { readonly step: "addIndex"; readonly index: IndexState }
  | { readonly step: "dropIndex"; readonly index: IndexState }
  | { readonly step: "addForeign"; readonly foreign: ForeignState }
  | { readonly step: "dropForeign"; readonly foreign: ForeignState };
