export type Casing = "snake_case" | "camelCase" | "preserve";

/** `createdAt` -> `created_at`, `userID` -> `user_id`, `HTTPServer` -> `http_server`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}

export function applyCasing(name: string, casing: Casing): string {
  return casing === "snake_case" ? snakeCase(name) : name;
}
