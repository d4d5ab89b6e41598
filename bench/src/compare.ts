/**
 * Checks a contender's (canonical) result against the raw baseline's, led by the
 * baseline's types: keys are compared in camelCase, only keys the baseline has, numbers
 * accept numeric strings and bigints, booleans accept 0/1, timestamps accept Dates and
 * any string Date.parse reads. Returns the first difference, or null.
 */
const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function field(actual: Record<string, unknown>, key: string): unknown {
  if (key in actual) return actual[key];
  for (const k of Object.keys(actual)) if (camel(k) === key) return actual[k];
  return undefined;
}

const time = (value: unknown) =>
  value instanceof Date
    ? value.getTime()
    : typeof value === "string" || typeof value === "number"
      ? new Date(value).getTime()
      : Number.NaN;

export function difference(expected: unknown, actual: unknown, path = "result"): string | null {
  const show = (v: unknown) => (typeof v === "bigint" ? `${v}n` : JSON.stringify(v)?.slice(0, 120));
  const mismatch = () => `${path}: expected ${show(expected)}, got ${show(actual)}`;
  if (expected === null || expected === undefined) return actual == null ? null : mismatch();
  if (expected instanceof Date) return time(actual) === expected.getTime() ? null : mismatch();
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return mismatch();
    if (actual.length !== expected.length) return `${path}: expected ${expected.length} items, got ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const d = difference(expected[i], actual[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  switch (typeof expected) {
    case "number":
      return (typeof actual === "number" || typeof actual === "bigint" || typeof actual === "string") &&
        Number(actual) === expected
        ? null
        : mismatch();
    case "boolean":
      return actual === expected || actual === (expected ? 1 : 0) ? null : mismatch();
    case "string":
      return actual === expected ? null : mismatch();
    case "object": {
      if (actual === null || typeof actual !== "object") return mismatch();
      for (const [key, value] of Object.entries(expected)) {
        const d = difference(value, field(actual as Record<string, unknown>, key), `${path}.${key}`);
        if (d) return d;
      }
      return null;
    }
    default:
      return mismatch();
  }
}
