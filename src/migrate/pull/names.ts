import { applyCasing, type Casing } from "../../schema/casing.js";
import { PROTOTYPE_NAMES as PROTOTYPE, RESERVED_MODEL_NAMES as RESERVED } from "../../schema/define-schema.js";

/** The words of a database name: `user_id`, `UserID`, `userId` -> `["user", "id"]`-ish parts. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== "");
}

const capital = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** `created_at`, `CreatedAt`, `createdAt` -> `createdAt`; a leading digit gets an underscore. */
export function camelName(parts: readonly string[]): string {
  const joined = parts.map((w, i) => (i === 0 ? w.toLowerCase() : capital(w.toLowerCase()))).join("");
  if (joined === "") return "field";
  return /^[0-9]/.test(joined) ? `_${joined}` : joined;
}

/** `post` -> `Post`. */
export const pascalName = (name: string) => capital(name);

/** The field name a column gets: camelCase of its words. */
export const fieldNameOf = (column: string) => camelName(words(column));

const UNCOUNTABLE = new Set([
  "data",
  "metadata",
  "media",
  "news",
  "series",
  "species",
  "information",
  "equipment",
  "feedback",
]);
const IRREGULAR: Readonly<Record<string, string>> = {
  people: "person",
  children: "child",
  men: "man",
  women: "woman",
  mice: "mouse",
  geese: "goose",
  feet: "foot",
  teeth: "tooth",
  movies: "movie",
  cookies: "cookie",
};

/** A rough English singular: `posts` -> `post`, `categories` -> `category`, `statuses` -> `status`. */
export function singular(word: string): string {
  const lower = word.toLowerCase();
  if (UNCOUNTABLE.has(lower)) return word;
  const irregular = IRREGULAR[lower];
  if (irregular) return word.slice(0, 1) + irregular.slice(1);
  if (/[^aeiou]ies$/i.test(word) && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/ouses$/i.test(word)) return word.slice(0, -1);
  if (/(x|ch|sh|ss|zz|us)es$/i.test(word)) return word.slice(0, -2);
  if (/s$/i.test(word) && !/(ss|us|is)$/i.test(word) && word.length > 1) return word.slice(0, -1);
  return word;
}

/** A rough English plural: `post` -> `posts`, `category` -> `categories`, `box` -> `boxes`. */
export function plural(word: string): string {
  if (/[^aeiou]y$/i.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(word)) return `${word}es`;
  return `${word}s`;
}

/** The camelCase model name of a table: its last word singular (`post_tags` -> `postTag`). */
export function modelNameOf(table: string, singularize: boolean): string {
  const parts = words(table);
  if (singularize && parts.length > 0) parts[parts.length - 1] = singular(parts[parts.length - 1]!);
  return camelName(parts);
}

/** `authorId` -> `author`, `user_id` field `userId` -> `user`; undefined when nothing is left. */
export function stemOfKey(field: string): string | undefined {
  const stem = field.replace(/(Id|ID|_id)$/, "");
  return stem === field || stem === "" ? undefined : stem;
}

/** Names no model, field or relation may take (they reach JavaScript's prototype chain). */
export const PROTOTYPE_NAMES = [...PROTOTYPE];

/** Names the db handle keeps for itself (defineSchema rejects them as model names). */
export const RESERVED_MODEL_NAMES = [...PROTOTYPE, ...RESERVED];

/** Hands out names unique within one scope (a model's fields and relations, the schema's models). */
export class NameScope {
  readonly #taken: Set<string>;

  constructor(taken: Iterable<string> = []) {
    this.#taken = new Set(taken);
  }

  has(name: string): boolean {
    return this.#taken.has(name);
  }

  /** The first of `candidates` still free, else the last one with a number appended; reserved. */
  claim(...candidates: string[]): string {
    const found = candidates.find((c) => !this.#taken.has(c));
    if (found !== undefined) {
      this.#taken.add(found);
      return found;
    }
    const base = candidates[candidates.length - 1]!;
    let n = 2;
    while (this.#taken.has(`${base}${n}`)) n++;
    this.#taken.add(`${base}${n}`);
    return `${base}${n}`;
  }
}

const CASINGS = ["snake_case", "camelCase", "PascalCase"] as const satisfies readonly Casing[];

/**
 * The casing that derives the most column names from their camelCase field names (ties go
 * to snake_case, then camelCase, then PascalCase): the rest get a `.column(...)` mapping.
 */
export function detectCasing(columns: readonly string[]): (typeof CASINGS)[number] {
  let best: (typeof CASINGS)[number] = "snake_case";
  let bestCount = -1;
  for (const casing of CASINGS) {
    const count = columns.filter((c) => applyCasing(fieldNameOf(c), casing) === c).length;
    if (count > bestCount) {
      best = casing;
      bestCount = count;
    }
  }
  return best;
}

/** An object key as written in code: bare when it is an identifier, quoted otherwise. */
export function key(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

/** A string literal in code. */
export const str = (value: string) => JSON.stringify(value);
