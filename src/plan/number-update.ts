import { type Expression, sql } from "kysely";
import { ValidationError } from "../errors.js";
import type { FieldKind } from "../schema/fields.js";
import type { ModelCodec } from "./model-codec.js";

/** The atomic number updates of Prisma's update data: `{ views: { increment: 1 } }`. */
export const NUMBER_OPS = ["increment", "decrement", "multiply", "divide"] as const;
export type NumberOp = (typeof NUMBER_OPS)[number];

const NUMBER_KINDS: ReadonlySet<FieldKind> = new Set(["integer", "bigint", "float", "decimal"]);
const SQL_OPERATOR: Record<NumberOp, string> = { increment: "+", decrement: "-", multiply: "*", divide: "/" };

/**
 * An update of a number field computed by the database from its current value
 * (`SET views = views + 1`): atomic, whatever other writers do meanwhile.
 */
export class NumberUpdate {
  constructor(
    readonly field: string,
    readonly op: NumberOp,
    readonly operand: unknown,
  ) {}

  /**
   * The SET expression: the column and the encoded operand (integer division on integer columns).
   * The column is qualified by its table: inside ON CONFLICT DO UPDATE, PostgreSQL finds a bare
   * column ambiguous (the stored row or `excluded`).
   */
  toSql(codec: ModelCodec): Expression<unknown> {
    const { config } = codec.field(this.field);
    const column = codec.ref(this.field);
    const operand = codec.encode(this.field, this.operand);
    const integral = config.kind === "integer" || config.kind === "bigint";
    if (this.op === "divide" && integral) {
      // Integer division truncates on every database (SQLite binds the operand as a real).
      if (codec.profile.name === "mysql") return sql`${sql.ref(column)} div ${operand}`;
      if (codec.profile.name === "sqlite") return sql`cast(${sql.ref(column)} / ${operand} as integer)`;
    }
    return sql`${sql.ref(column)} ${sql.raw(SQL_OPERATOR[this.op])} ${operand}`;
  }

  /** The value it gives a row read before the update (what event hooks see). */
  applyTo(current: unknown): unknown {
    if (current === null || current === undefined) return null;
    if (typeof current === "bigint") {
      const b = BigInt(this.operand as bigint | number | string);
      return this.op === "increment"
        ? current + b
        : this.op === "decrement"
          ? current - b
          : this.op === "multiply"
            ? current * b
            : current / b;
    }
    const [a, b] = [Number(current), Number(this.operand)];
    const out =
      this.op === "increment" ? a + b : this.op === "decrement" ? a - b : this.op === "multiply" ? a * b : a / b;
    return typeof current === "string" ? String(out) : out;
  }
}

/** Whether a value is an object of operations (`{ increment: 1 }`, `{ set: 2 }`) rather than a value. */
function isOperations(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * An update value as given: `{ set: v }` is `v` (any field but JSON, whose objects are values),
 * `{ increment | decrement | multiply | divide: n }` on a number field is a NumberUpdate, anything
 * else is the value itself. `check` validates a plain value (and the operand, as a value of the field).
 */
export function updateValue(
  codec: ModelCodec,
  field: string,
  value: unknown,
  check: (field: string, value: unknown) => void,
): unknown {
  const { config } = codec.field(field, "write");
  if (config.kind === "json" || !isOperations(value)) {
    check(field, value);
    return value;
  }
  const model = codec.meta.name;
  const keys = Object.keys(value);
  const valid = NUMBER_KINDS.has(config.kind) ? ["set", ...NUMBER_OPS] : ["set"];
  if (keys.length !== 1 || !valid.includes(keys[0]!)) {
    throw new ValidationError(
      `Update of "${model}.${field}" takes a value or one of { ${valid.map((k) => `${k}: ...`).join(" | ")} }; got { ${keys.join(", ")} }.`,
      model,
      field,
    );
  }
  const op = keys[0] as "set" | NumberOp;
  const operand = value[op];
  if (op === "set") {
    check(field, operand);
    return operand;
  }
  if (operand === null || operand === undefined) {
    throw new ValidationError(`${op} of "${model}.${field}" needs a number, got ${String(operand)}.`, model, field);
  }
  check(field, operand);
  if (op === "divide" && Number(operand) === 0) {
    throw new ValidationError(`divide of "${model}.${field}" by zero.`, model, field);
  }
  return new NumberUpdate(field, op, operand);
}
