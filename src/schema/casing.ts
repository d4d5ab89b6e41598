/**
 * How field and model names become column and table names: a named casing, or a function for
 * databases named some other way (`(name) => name.toUpperCase()`). A field's `.column()` and a
 * model's `table` override it.
 */
export type Casing = "snake_case" | "camelCase" | "PascalCase" | "preserve" | ((name: string) => string);

/** The named casings, for messages and checks. */
export const CASINGS = ["snake_case", "camelCase", "PascalCase", "preserve"] as const;

/** `createdAt` -> `created_at`, `userID` -> `user_id`, `HTTPServer` -> `http_server`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}

/** `created_at` -> `createdAt`. */
export function camelCase(name: string): string {
  return name.replace(/_+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `createdAt` -> `CreatedAt`, `created_at` -> `CreatedAt`, `userID` -> `UserID`. */
export function pascalCase(name: string): string {
  const camel = camelCase(name);
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

/** The column (or table) name of a field (or model) name under a casing. */
export function applyCasing(name: string, casing: Casing): string {
  if (typeof casing === "function") return casing(name);
  if (casing === "snake_case") return snakeCase(name);
  if (casing === "camelCase") return camelCase(name);
  if (casing === "PascalCase") return pascalCase(name);
  return name;
}

/** Why `casing` is no casing (undefined when it is one): for a SchemaError. */
export function casingProblem(casing: unknown): string | undefined {
  if (typeof casing === "function" || (CASINGS as readonly unknown[]).includes(casing)) return undefined;
  const given = typeof casing === "string" ? `"${casing}"` : casing === null ? "null" : typeof casing;
  return `casing must be ${CASINGS.map((c) => `"${c}"`).join(", ")} or a function (name) => string, got ${given}`;
}

/**
 * A casing function that reports what it gets wrong (a throw, a result that is no name) as
 * problems of the schema instead of naming tables and columns with it.
 */
export function checkedCasing(casing: Casing, problems: string[]): Casing {
  if (typeof casing !== "function") return casing;
  const reported = new Set<string>();
  const report = (problem: string) => {
    if (!reported.has(problem)) problems.push(problem);
    reported.add(problem);
  };
  return (name: string) => {
    let result: unknown;
    try {
      result = casing(name);
    } catch (error) {
      report(`defineSchema: casing("${name}") threw: ${error instanceof Error ? error.message : String(error)}`);
      return name;
    }
    if (typeof result === "string" && result !== "") return result;
    report(
      `defineSchema: casing("${name}") must return a table or column name (a non-empty string), got ${typeof result === "string" ? '""' : String(result)}`,
    );
    return name;
  };
}
