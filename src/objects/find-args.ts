import type { Session } from "../connection/session.js";
import { RelationNotFoundError, ValidationError } from "../errors.js";
import { codecFor, type ModelCodec } from "../query/model-codec.js";
import { type EagerNode, EMPTY_STATE, type QueryState } from "../query/state.js";
import { whereInput } from "./where-input.js";

const ARG_KEYS = new Set(["where", "select", "include", "orderBy", "take", "skip", "relationLoadStrategy"]);

/**
 * Translates Prisma-style arguments (`where`, `select`, `include`, `orderBy`, `take`, `skip`,
 * nested per relation) into the builder state the fluent API produces: one engine for both.
 */
export function argsToState(session: Session, model: string, args: unknown): QueryState {
  const codec = codecFor(session, model);
  if (args === undefined) return EMPTY_STATE;
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    throw new ValidationError(`Query arguments on "${model}" must be an object.`, model);
  }
  const input = args as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!ARG_KEYS.has(key)) {
      throw new ValidationError(
        `Unknown query argument "${key}" on "${model}". Valid arguments: ${[...ARG_KEYS].join(", ")}.`,
        model,
      );
    }
  }
  if (input.select !== undefined && input.include !== undefined) {
    throw new ValidationError(`Use select or include on "${model}", not both at one level.`, model);
  }
  const state: QueryState = {
    ...EMPTY_STATE,
    wheres: whereInput(codec, input.where),
    orders: orderByInput(codec, input.orderBy),
    limit: count(model, "take", input.take),
    offset: count(model, "skip", input.skip),
    strategy: strategyInput(model, input.relationLoadStrategy),
  };
  const selection = (input.select ?? input.include) as Record<string, unknown> | undefined;
  if (selection === undefined) return state;
  if (typeof selection !== "object" || selection === null) {
    throw new ValidationError(`select/include on "${model}" must be an object.`, model);
  }
  const fields: string[] = [];
  const eager = new Map<string, EagerNode>();
  for (const [key, value] of Object.entries(selection)) {
    if (value === undefined || value === false) continue;
    const relation = codec.meta.relations.get(key);
    if (relation) {
      if (value !== true && relation.kind === "morphTo") {
        throw new ValidationError(
          `"${model}.${key}" is polymorphic: its rows belong to several models, so it takes true, not nested arguments.`,
          model,
          key,
        );
      }
      const target = relation.kind === "morphTo" ? undefined : relation.target;
      eager.set(key, {
        relation: key,
        state: value === true || !target ? EMPTY_STATE : argsToState(session, target, value),
      });
    } else if (input.select !== undefined && codec.meta.fields.has(key)) {
      if (value !== true) {
        throw new ValidationError(`select of the field "${model}.${key}" takes true or false.`, model, key);
      }
      fields.push(key);
    } else if (input.include !== undefined) {
      if (codec.meta.fields.has(key)) {
        throw new ValidationError(
          `include on "${model}" takes relations; "${key}" is a field (include keeps every field; select picks them).`,
          model,
          key,
        );
      }
      throw new RelationNotFoundError(model, key, [...codec.meta.relations.keys()]);
    } else {
      throw new ValidationError(
        `Unknown field or relation "${key}" in select on "${model}". Valid: ${[...codec.meta.fieldNames, ...codec.meta.relations.keys()].join(", ")}.`,
        model,
        key,
      );
    }
  }
  return { ...state, selects: input.select !== undefined ? fields : undefined, eager };
}

function orderByInput(codec: ModelCodec, input: unknown): QueryState["orders"] {
  if (input === undefined) return [];
  const model = codec.meta.name;
  return (Array.isArray(input) ? input : [input]).flatMap((entry) => {
    if (typeof entry !== "object" || entry === null) {
      throw new ValidationError(`orderBy on "${model}" takes { field: "asc" | "desc" } or an array of them.`, model);
    }
    return Object.entries(entry as Record<string, unknown>).map(([field, direction]) => {
      codec.field(field, "order by");
      if (direction !== "asc" && direction !== "desc") {
        throw new ValidationError(
          `orderBy "${model}.${field}" must be "asc" or "desc", got ${JSON.stringify(direction)}.`,
          model,
          field,
        );
      }
      return { field, direction } as const;
    });
  });
}

function strategyInput(model: string, value: unknown): QueryState["strategy"] {
  if (value === undefined || value === "query" || value === "join") return value;
  throw new ValidationError(
    `relationLoadStrategy on "${model}" must be "query" or "join", got ${JSON.stringify(value)}.`,
    model,
  );
}

function count(model: string, name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new ValidationError(`${name} on "${model}" must be a non-negative integer, got ${String(value)}.`, model);
  }
  return value as number;
}

/** `findUnique` needs its where to pin one row: the primary key or a unique field, by equality. */
export function checkUniqueWhere(codec: ModelCodec, where: unknown): void {
  const model = codec.meta.name;
  const given = new Set(
    Object.entries((where ?? {}) as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && (typeof v !== "object" || v === null || v instanceof Date))
      .map(([k]) => k),
  );
  const pk = codec.meta.primaryKey;
  const uniques = [...codec.meta.fields.values()].filter((f) => f.config.unique).map((f) => f.name);
  if (pk.every((f) => given.has(f)) || uniques.some((f) => given.has(f))) return;
  throw new ValidationError(
    `findUnique on "${model}" needs its where to name the primary key (${pk.join(", ")})${uniques.length ? ` or a unique field (${uniques.join(", ")})` : ""} with a value.`,
    model,
  );
}
