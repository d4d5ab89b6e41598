/** `blog_post`, `blogPost` -> `BlogPost`. */
export function pascalCase(name: string): string {
  const camel = camelCase(name);
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

/** `blog_post`, `BlogPost`, `blog-post` -> `blogPost`. */
export function camelCase(name: string): string {
  const joined = name
    .replace(/[^A-Za-z0-9]+([A-Za-z0-9])/g, (_, c: string) => c.toUpperCase())
    .replace(/[^A-Za-z0-9]/g, "");
  const word = /^[0-9]/.test(joined) ? `_${joined}` : joined;
  return word.charAt(0).toLowerCase() + word.slice(1);
}

/** A rough English plural, for names the schema does not give (`post` -> `posts`, `category` -> `categories`). */
export function plural(name: string): string {
  if (/[^aeiou]y$/i.test(name)) return `${name.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(name)) return `${name}es`;
  return `${name}s`;
}

/** The name a foreign key field suggests for its relation: `authorId` -> `author`, `user_id` -> `user`. */
export function relationNameOfKey(field: string): string {
  return field.replace(/_?(Id|ID|id)$/, "");
}

/** Hands out names unique within one scope (a model's fields, a file's identifiers). */
export class NameScope {
  readonly #taken = new Set<string>();

  constructor(taken: Iterable<string> = []) {
    for (const name of taken) this.#taken.add(name);
  }

  /** Whether `name` is already used. */
  has(name: string): boolean {
    return this.#taken.has(name);
  }

  /** Reserves `name` as is. */
  add(name: string): string {
    this.#taken.add(name);
    return name;
  }

  /** The first of `candidates` still free, else the last one with a number appended; reserved. */
  claim(...candidates: string[]): string {
    for (const candidate of candidates) if (!this.#taken.has(candidate)) return this.add(candidate);
    const base = candidates[candidates.length - 1]!;
    let n = 2;
    while (this.#taken.has(`${base}${n}`)) n++;
    return this.add(`${base}${n}`);
  }
}
