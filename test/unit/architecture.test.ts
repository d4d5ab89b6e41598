import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The layers of src/ (docs/architecture.md), lowest first: a module may import its own
 * layer and the layers below it, never one above. Type-only imports count too: a type that
 * climbs a layer is a design that does.
 */
const LAYERS = [
  "errors.ts",
  "schema",
  "config.ts",
  "dialect",
  "plan",
  "relations",
  "loader",
  "write",
  "migrate",
  "api",
  "db.ts",
  "index.ts",
  // The CLI sits on top of the package (its bin); nothing below imports it.
  "cli",
];
/** loader and write are side by side above relations: write may read back through the loader, not the other way. */
const SAME_RANK: Record<string, string> = { write: "loader", migrate: "loader", generate: "loader" };

const src = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");

interface Edge {
  readonly to: string;
  readonly typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith(".ts")
        ? [join(dir, entry.name)]
        : [],
  );
}

/** Every module's relative imports and re-exports, marked type-only where the statement is. */
function importGraph(): Map<string, Edge[]> {
  const graph = new Map<string, Edge[]>();
  for (const file of sourceFiles(src)) {
    const text = readFileSync(file, "utf8");
    const edges: Edge[] = [];
    for (const match of text.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+"(\.[^"]+)"/gms)) {
      edges.push({
        to: relative(src, resolve(dirname(file), match[2]!.replace(/\.js$/, ".ts"))),
        typeOnly: match[1] !== undefined,
      });
    }
    graph.set(relative(src, file), edges);
  }
  return graph;
}

/** Strongly connected groups of more than one module (Tarjan), each sorted. */
function cycles(graph: Map<string, Edge[]>, include: (edge: Edge) => boolean): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    for (const edge of graph.get(v) ?? []) {
      if (!include(edge) || !graph.has(edge.to)) continue;
      if (!index.has(edge.to)) {
        visit(edge.to);
        low.set(v, Math.min(low.get(v)!, low.get(edge.to)!));
      } else if (stack.includes(edge.to)) low.set(v, Math.min(low.get(v)!, index.get(edge.to)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        group.push(w);
      } while (w !== v);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

const layerOf = (file: string): string => {
  const top = file.split("/")[0]!;
  return SAME_RANK[top] ?? top;
};
const rank = (file: string): number => LAYERS.indexOf(layerOf(file));

describe("architecture", () => {
  const graph = importGraph();

  it("every module of src/ belongs to a known layer", () => {
    expect([...graph.keys()].filter((file) => rank(file) < 0)).toEqual([]);
  });

  it("imports go down the layers (schema -> dialect -> plan -> relations -> loader/write -> api -> db)", () => {
    const upward = [...graph].flatMap(([from, edges]) =>
      edges.filter((edge) => rank(edge.to) > rank(from)).map((edge) => `${from} -> ${edge.to}`),
    );
    expect(upward).toEqual([]);
  });

  it("no import cycles at run time", () => {
    expect(cycles(graph, (edge) => !edge.typeOnly)).toEqual([]);
  });

  it("no import cycles through type imports either", () => {
    expect(cycles(graph, () => true)).toEqual([]);
  });

  it("graph writes and the handles dispatch through each kind's writer: no switch on a relation's kind", () => {
    // Each kind's writes live in write/kinds/ (RelationWriter); these modules only call them.
    const dispatchers = ["write/graph-writes.ts", "api/relation-handle.ts", "api/model-handle.ts"];
    const switches = dispatchers.flatMap((file) =>
      [
        ...readFileSync(join(src, file), "utf8").matchAll(
          /(?<!config)\.kind\b|is(?:Pivot|Child)Relation\(|[!=]==\s*"(?:has|belongs|morph)\w*"/g,
        ),
      ].map((match) => `${file}: ${match[0]}`),
    );
    expect(switches).toEqual([]);
  });

  it("every relation kind has a reader and a writer", () => {
    const kinds = [...readFileSync(join(src, "schema/relations.ts"), "utf8").matchAll(/^ {2}(\w+): \{ many:/gm)].map(
      (m) => m[1],
    );
    expect(kinds.length).toBe(11);
    for (const table of ["relations/index.ts", "write/kinds/index.ts"]) {
      const text = readFileSync(join(src, table), "utf8");
      expect(kinds.filter((kind) => !new RegExp(`^\\s+${kind}[:,]`, "m").test(text))).toEqual([]);
    }
  });
});
