import { expect } from "vitest";
import type { FieldConfig, RelationMeta, Schema } from "../../src/index.js";
import { SchemaError } from "../../src/index.js";

/** The resolved metadata of `model.relation`; fails the test when it is missing. */
export function rel(schema: Schema, modelName: string, relation: string): RelationMeta {
  const meta = schema.model(modelName).relations.get(relation);
  if (!meta) throw new Error(`relation ${modelName}.${relation} was not resolved`);
  return meta;
}

/** Narrows a relation meta to the kinds that carry a pivot. */
export function pivotOf(meta: RelationMeta) {
  if (meta.kind !== "belongsToMany" && meta.kind !== "morphToMany" && meta.kind !== "morphedByMany") {
    throw new Error(`${meta.model}.${meta.name} is a ${meta.kind}, not a many-to-many relation`);
  }
  return meta.pivot;
}

/** Runs `fn`, asserts it throws a SchemaError, and returns it. */
export function schemaError(fn: () => unknown): SchemaError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SchemaError);
    return error as SchemaError;
  }
  throw new Error("expected defineSchema to throw a SchemaError, but it returned");
}

/**
 * The single problem that mentions every one of `parts`; also checks the error message
 * repeats it. Fails when no problem, or more than one, matches.
 */
export function problem(error: SchemaError, ...parts: string[]): string {
  const hits = error.problems.filter((p) => parts.every((part) => p.includes(part)));
  expect(
    hits,
    `exactly one problem mentioning ${JSON.stringify(parts)} in:\n${error.problems.join("\n")}`,
  ).toHaveLength(1);
  expect(error.message).toContain(hits[0]);
  return hits[0]!;
}

export const base = { nullable: false, unique: false, primary: false, index: false, autoIncrement: false } as const;

/** A pivot column pointing at an `id()`: a plain non-null integer, never generated. */
export const intKey: FieldConfig = { kind: "integer", ...base };
/** A pivot column pointing at a `string()` key. */
export const stringKey: FieldConfig = { kind: "string", length: 255, ...base };
/** `pivotFields: ["name"]` columns. */
export const nullableString: FieldConfig = { kind: "string", length: 255, ...base, nullable: true };
/** `timestamps: true` pivot columns. */
export const pivotTimestamp: FieldConfig = { kind: "timestamp", ...base, nullable: true };
