import type { DialectName } from "../../dialect/profile.js";
import { profiles } from "../../dialect/resolve.js";
import type { FieldConfig, FieldKind } from "../../schema/fields.js";
import type { DbColumn } from "../introspect/types.js";
import { str } from "./names.js";

/** The field a column becomes: its kind, the builder call, its default, and what could not be said in code. */
export interface ColumnField {
  readonly kind: FieldKind;
  /** `string(50)`, `decimal(8, 2)`, `id()`. */
  readonly call: string;
  /** The column's length, precision and scale, as the field has them. */
  readonly config: Partial<FieldConfig>;
  readonly nullable: boolean;
  /** `.default("draft")`, `.defaultNow()`, `.defaultRandom()`. */
  readonly default: string | undefined;
  /** Comments for the field's line: a type relata creates differently, a default it cannot say. */
  readonly notes: string[];
}

interface Kind {
  readonly kind: FieldKind;
  readonly call: string;
  readonly config: Partial<FieldConfig>;
  /** Set when no relata kind stores this type: the field reads it as text. */
  readonly unsupported?: true;
}

/**
 * One spelling for every catalog: `character varying(50)` -> `varchar(50)`, `timestamp with
 * time zone` -> `timestamptz`, `numeric(8, 2)` -> `numeric(8,2)`, `integer` -> `int`.
 */
function normalType(type: string): string {
  return type
    .toLowerCase()
    .trim()
    .replace(/\s*,\s*/g, ",")
    .replace(/\s*\(\s*/g, "(")
    .replace(/\s*\)/g, ")")
    .replace(/^character varying/, "varchar")
    .replace(/^character\(/, "char(")
    .replace(/^timestamp(\(\d+\))? with time zone$/, "timestamptz$1")
    .replace(/^timestamp(\(\d+\))? without time zone$/, "timestamp$1")
    .replace(/^double precision$/, "double")
    .replace(/^(integer|int4|serial)$/, "int")
    .replace(/^(boolean|bool|tinyint\(1\))$/, "boolean")
    .replace(/^decimal\(/, "numeric(");
}

const integerTypes = /^(int|mediumint|smallint|int2|tinyint(\(\d+\))?)( unsigned)?$/;

/** A timestamp without a time zone, holding the UTC wall-clock time. */
const NAIVE: Kind = {
  kind: "timestamp",
  call: "timestamp({ withTimezone: false })",
  config: { withTimezone: false },
};

/** The field kind of a catalog type (SQLite's declared names included). */
function kindOf(type: string, dialect: DialectName): Kind {
  const t = normalType(type);
  const sized = /^(varchar|nvarchar|char|nchar|varying character|native character)\((\d+)\)$/.exec(t);
  if (t === "char(36)") return { kind: "uuid", call: "uuid()", config: {} };
  if (sized) {
    const length = Number(sized[2]);
    return { kind: "string", call: length === 255 ? "string()" : `string(${length})`, config: { length } };
  }
  const choices = /^(enum|set)\((.*)\)$/.exec(t);
  if (choices) {
    // The longest value (a set may hold several, comma-separated: as long as all of them).
    const values = [...choices[2]!.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replaceAll("''", "'").length);
    const length = choices[1] === "set" ? values.reduce((a, b) => a + b + 1, 0) : Math.max(1, ...values);
    return { kind: "string", call: `string(${length})`, config: { length } };
  }
  const decimal = /^numeric(?:\((\d+)(?:,(\d+))?\))?$/.exec(t);
  if (decimal) {
    const precision = decimal[1] === undefined ? 10 : Number(decimal[1]);
    const scale = decimal[1] === undefined ? 2 : Number(decimal[2] ?? 0);
    const call = precision === 10 && scale === 2 ? "decimal()" : `decimal(${precision}, ${scale})`;
    return { kind: "decimal", call, config: { precision, scale } };
  }
  if (t === "boolean") return { kind: "boolean", call: "boolean()", config: {} };
  if (integerTypes.test(t)) return { kind: "integer", call: "integer()", config: {} };
  if (/^(bigint|int8|bigserial)( unsigned)?$/.test(t)) return { kind: "bigint", call: "bigint()", config: {} };
  if (/^(varchar|nvarchar|text|clob|tinytext|mediumtext|longtext|citext)$/.test(t)) {
    return { kind: "text", call: "text()", config: {} };
  }
  if (t === "uuid") return { kind: "uuid", call: "uuid()", config: {} };
  if (/^(double|float|real|float4|float8)$/.test(t)) return { kind: "float", call: "float()", config: {} };
  if (/^(timestamptz|datetime)(\(\d+\))?$/.test(t) && !(dialect === "sqlite" && t === "datetime")) {
    return { kind: "timestamp", call: "timestamp()", config: {} };
  }
  // PostgreSQL's timestamp, and SQLite's datetime / timestamp (other tools write YYYY-MM-DD HH:MM:SS
  // there), hold a wall-clock time; MySQL's timestamp() is a DATETIME already.
  if (/^timestamp(\(\d+\))?$/.test(t) || t === "datetime") {
    return dialect === "mysql" ? { kind: "timestamp", call: "timestamp()", config: {} } : NAIVE;
  }
  if (t === "date") return { kind: "date", call: "date()", config: {} };
  if (t === "json" || t === "jsonb") return { kind: "json", call: "json()", config: {} };
  return { kind: "text", call: "text()", config: {}, unsupported: true };
}

/** relata's column type for a field of `kind` on the dialect, as push() writes it. */
function relataType(dialect: DialectName, kind: FieldKind, config: Partial<FieldConfig>): string {
  return profiles[dialect].columnType({
    kind,
    nullable: false,
    unique: false,
    primary: false,
    index: false,
    autoIncrement: false,
    ...config,
  });
}

/**
 * The field of a column: the kind whose column type on the dialect is the column's, with its
 * length or precision and scale, `id()` for a single auto-increment key, nullability and the
 * default. `key`: the column is part of the primary key; `single`: it is the whole key.
 */
export function columnField(column: DbColumn, dialect: DialectName, key: boolean, single: boolean): ColumnField {
  const found = kindOf(column.type, dialect);
  const notes: string[] = [];
  if (found.unsupported) {
    notes.push(`column type ${column.type}: relata has no field kind for it; read and written as text`);
  }
  if (column.autoIncrement && single) {
    if (found.kind !== "integer") {
      notes.push(`column type ${column.type}: id() is relata's auto-increment key, a ${relataType(dialect, "id", {})}`);
    }
    return { kind: "id", call: "id()", config: {}, nullable: false, default: undefined, notes };
  }
  if (column.autoIncrement) notes.push("filled by the database (auto-increment): relata generates only id() keys");
  // SQLite keeps whatever type name the DDL gave; relata writes its own storage types there.
  const exact =
    dialect === "sqlite" || normalType(column.type) === normalType(relataType(dialect, found.kind, found.config));
  if (!exact && !found.unsupported) {
    notes.push(`column type ${column.type}: ${found.call} creates ${relataType(dialect, found.kind, found.config)}`);
  }
  const value = defaultOf(column.default, found.kind, found.config.scale);
  if (value.note) notes.push(value.note);
  return {
    kind: found.kind,
    call: found.call,
    config: found.config,
    // A key column is NOT NULL once push() makes it part of the key (SQLite alone lets it hold NULL).
    nullable: column.nullable && !key,
    default: value.modifier,
    notes,
  };
}

/** What a default's SQL text says, with casts and outer parentheses taken off. */
function bareDefault(sqlText: string): string {
  let text = sqlText.trim();
  for (;;) {
    // PostgreSQL's casts: 'draft'::character varying, '{}'::jsonb, '-1'::integer.
    const cast = /^('(?:[^']|'')*'|[^']*?)::[a-z_ ]+(?:\([\d, ]*\))?(?:\[\])?$/i.exec(text);
    if (cast) {
      text = cast[1]!.trim();
      continue;
    }
    if (text.startsWith("(") && text.endsWith(")") && balanced(text.slice(1, -1))) {
      text = text.slice(1, -1).trim();
      continue;
    }
    return text;
  }
}

/** Whether parentheses outside quotes balance (so `(a) + (b)` is not taken apart). */
function balanced(text: string): boolean {
  let depth = 0;
  let quoted = false;
  for (const ch of text) {
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === "(") depth++;
    else if (!quoted && ch === ")" && --depth < 0) return false;
  }
  return depth === 0;
}

const NOW = /^(current_timestamp|now|localtimestamp|current_date|curdate|sysdate|getdate)(\(\d*\))?$/i;
/** PostgreSQL's `now() at time zone 'utc'`, as its catalog prints it (older servers: `timezone('utc', now())`). */
const UTC_NOW =
  /^(?:timezone\('utc'(?:::text)?,\s*(?:now\(\)|current_timestamp(?:\(\d*\))?)\)|(?:now\(\)|current_timestamp(?:\(\d*\))?)\s+at\s+time\s+zone\s+'utc'(?:::text)?)$/i;
const SQLITE_NOW = /^(strftime|datetime|date|julianday)\(.*'now'.*\)$/i;
const RANDOM_UUID = /^(gen_random_uuid|uuid_generate_v4|uuid|uuid_v4)\(\)$/i;

/** A default as code: the modifier that says it, or a note when relata cannot. */
export function defaultOf(
  sqlText: string | undefined,
  kind: FieldKind,
  scale: number | undefined,
): { modifier?: string; note?: string } {
  if (sqlText === undefined) return {};
  const text = bareDefault(sqlText);
  const cannot = { note: `default ${sqlText} in the database: relata cannot say it; create does not fill it` };
  if (NOW.test(text) || SQLITE_NOW.test(text) || UTC_NOW.test(text)) {
    return kind === "timestamp" || kind === "date" ? { modifier: ".defaultNow()" } : cannot;
  }
  if (RANDOM_UUID.test(text)) return kind === "uuid" ? { modifier: ".defaultRandom()" } : cannot;
  const quoted = /^'((?:[^']|'')*)'$/s.exec(text);
  const literal = quoted ? quoted[1]!.replaceAll("''", "'") : text;
  const number = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(literal.trim());
  const value = (code: string) => ({ modifier: `.default(${code})` });
  switch (kind) {
    case "integer":
    case "float":
      return number ? value(String(Number(literal))) : cannot;
    case "bigint":
      return /^[-+]?\d+$/.test(literal.trim()) ? value(`${BigInt(literal.trim())}n`) : cannot;
    case "decimal":
      return number ? value(str(atScale(literal.trim(), scale ?? 2))) : cannot;
    case "boolean": {
      const lower = literal.trim().toLowerCase();
      if (["1", "true", "t", "yes", "on"].includes(lower)) return value("true");
      if (["0", "false", "f", "no", "off"].includes(lower)) return value("false");
      return cannot;
    }
    case "date":
      return quoted && /^\d{4}-\d{2}-\d{2}$/.test(literal) ? value(str(literal)) : cannot;
    case "timestamp": {
      const iso = quoted ? isoTimestamp(literal) : undefined;
      return iso ? value(`new Date(${str(iso)})`) : cannot;
    }
    case "json":
      if (!quoted) return cannot;
      try {
        return value(JSON.stringify(JSON.parse(literal)));
      } catch {
        return cannot;
      }
    default:
      // string, text, uuid: a quoted literal, or a bare number SQLite keeps as written.
      return quoted || number ? value(str(literal)) : cannot;
  }
}

/** `12.5` at scale 2 -> `12.50`: decimals read back with the column's scale. */
function atScale(text: string, scale: number): string {
  const [whole, fraction = ""] = text.replace(/^\+/, "").split(".");
  if (scale === 0 || fraction.length > scale) return fraction === "" ? whole! : `${whole}.${fraction}`;
  return `${whole === "" || whole === "-" ? `${whole}0` : whole}.${fraction.padEnd(scale, "0")}`;
}

/** A timestamp literal as ISO-8601 in UTC (a value without a zone is UTC, as relata stores it). */
function isoTimestamp(literal: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(literal);
  if (!m) return undefined;
  const zone = m[3] === undefined || m[3] === "Z" ? "Z" : /^[+-]\d{2}$/.test(m[3]) ? `${m[3]}:00` : m[3];
  const date = new Date(`${m[1]}T${m[2]}${zone}`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
