import { ValidationError } from "../errors.js";

/**
 * Arguments a public method does not use are a ValidationError before any SQL: TypeScript
 * rejects them, but plain JavaScript and `any` callers can pass them, and an ignored argument
 * changes what a call means (`delete({ where })` would delete every row). Input objects are
 * read by their own keys only, and keys that reach the prototype chain are rejected.
 */

/** Keys an input object may not have: assigning or reading them reaches the prototype chain. */
const PROTOTYPE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** The keys of Prisma-style arguments: an object of them given to a fluent method is the object form. */
const OBJECT_FORM_KEYS = ["where", "data", "select", "include", "orderBy", "take", "skip"];

/** Fluent terminals whose object form (`delete({ where })`) gets a hint showing the fluent form. */
const TERMINALS = new Set(["get", "all", "first", "firstOrFail", "count", "exists", "delete", "update", "pluck"]);

/**
 * Rejects positional arguments beyond the `max` a method uses. `signature` is what the method
 * takes, for the message (`"update(values)"`). Called first thing with `arguments`: on the happy
 * path it is one length compare.
 */
export function noExtraArguments(model: string, signature: string, args: ArrayLike<unknown>, max: number): void {
  if (args.length > max) throw extraArguments(model, signature, Array.from(args), max);
}

function extraArguments(model: string, signature: string, args: unknown[], max: number): ValidationError {
  const method = signature.slice(0, signature.indexOf("("));
  const takes = max === 0 ? "no arguments" : `at most ${max} argument${max === 1 ? "" : "s"}`;
  const given = args.map(describeValue).join(", ");
  return new ValidationError(
    `${signature} on "${model}" takes ${takes}; got ${args.length}: ${given}.${objectFormHint(model, method, args[max] ?? args[0])}`,
    model,
  );
}

/**
 * An options object (`paginate({ page, perPage })`) as its own values: undefined is no options;
 * anything but an object, or a key not in `allowed`, is a ValidationError saying what the method
 * takes. The copy has no prototype, so nothing inherited is read.
 */
export function checkOptions(
  model: string,
  method: string,
  options: unknown,
  allowed: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  if (options === undefined) return out;
  const shape = `{ ${allowed.join(", ")} }`;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ValidationError(
      `${method} on "${model}" takes an options object ${shape}; got ${describeValue(options)}.`,
      model,
    );
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new ValidationError(
        `Unknown option "${key}" of ${method} on "${model}"; it takes ${shape}.${objectFormHint(model, method, options)}`,
        model,
      );
    }
    out[key] = (options as Record<string, unknown>)[key];
  }
  return out;
}

/**
 * A fluent `update` given Prisma's `{ where, data }` (neither a field of the model): a
 * ValidationError showing the fluent form, instead of an unknown-field error.
 */
export function checkUpdateValues(model: string, values: unknown, isField: (name: string) => boolean): void {
  if (typeof values !== "object" || values === null) return;
  if ((Object.hasOwn(values, "where") && !isField("where")) || (Object.hasOwn(values, "data") && !isField("data"))) {
    throw new ValidationError(
      `update on "${model}" takes the values to set; got ${describeValue(values)}.${objectFormHint(model, "update", values)}`,
      model,
    );
  }
}

/** A note showing the fluent equivalent of an object-form call, or "" when `arg` is not one. */
function objectFormHint(model: string, method: string, arg: unknown): string {
  if (typeof arg !== "object" || arg === null || !OBJECT_FORM_KEYS.some((k) => Object.hasOwn(arg, k))) return "";
  const where = ownValue(arg, "where");
  const data = ownValue(arg, "data");
  const filter = `where(${shorthand(where)})`;
  if (!TERMINALS.has(method)) {
    return ` The object form is not supported by ${method}; filter first: db.${model}.${filter}.${method}(...).`;
  }
  const call = method === "update" ? `update(${shorthand(data)})` : `${method}()`;
  const keys = OBJECT_FORM_KEYS.filter((k) => Object.hasOwn(arg, k)).join(", ");
  const prisma = PRISMA_FORMS[method];
  const objectApi = prisma
    ? `, or the object API on the model: db.${model}.${prisma}({ ${prisma === "findMany" || prisma === "findFirst" || prisma === "count" ? "where" : keys} })`
    : "";
  return ` A query's ${method}() takes no object form ({ ${keys} }); use the fluent form: db.${model}.${filter}.${call}${objectApi}.`;
}

/** The object-API method (on `db.<model>`) a fluent terminal's object form stands for. */
const PRISMA_FORMS: Record<string, string | undefined> = {
  get: "findMany",
  all: "findMany",
  first: "findFirst",
  firstOrFail: "findFirstOrThrow",
  count: "count",
  delete: "delete",
  update: "update",
};

/** `{ id, body }` for an object with those keys (how a call would be written), `{ ... }` otherwise. */
function shorthand(value: unknown): string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "{ ... }";
  const keys = Object.keys(value).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k));
  if (keys.length === 0) return "{ ... }";
  return `{ ${keys.slice(0, 4).join(", ")}${keys.length > 4 ? ", ..." : ""} }`;
}

/** A value as an error message shows it (JSON where it can be, shortened); never throws. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "function") return "a function";
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "symbol") return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  const short = text.length > 80 ? `${text.slice(0, 80)}…` : text;
  return typeof value === "object" && value !== null ? short : `${short} (${typeof value})`;
}

/**
 * Throws a ValidationError when a key of an input object would reach the prototype chain
 * (`__proto__`, `constructor`, `prototype`): JSON.parse makes `__proto__` an own key, and
 * assigning it onto a plain object would set that object's prototype.
 */
export function checkOwnKey(model: string, key: string, what = "a field"): void {
  if (PROTOTYPE_KEYS.has(key)) {
    throw new ValidationError(`"${key}" is not ${what} of model "${model}".`, model, key);
  }
}

/** The value of an object's own property `key`; never an inherited one. */
export function ownValue(object: object, key: string): unknown {
  return Object.hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}
