export type Casing = "snake_case" | "camelCase" | "preserve";

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

/** The column (or table) name of a field (or model) name under a casing. */
export function applyCasing(name: string, casing: Casing): string {
  if (casing === "snake_case") return snakeCase(name);
  if (casing === "camelCase") return camelCase(name);
  return name;
}
