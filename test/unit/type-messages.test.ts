import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * What TypeScript prints for the common mistakes (issue 16): the first line of each error names
 * the offending key and the valid choices, not `FieldName<Schema<{ readonly user: ModelDef<...`.
 * Each mistake is compiled with the project's own compiler options in one program, and the
 * first line of its error is held to a snapshot.
 */
const root = fileURLToPath(new URL("../..", import.meta.url));
const dir = `${root}node_modules/.cache/relata-type-messages`;
const file = `${dir}/mistakes.ts`;

const SCHEMA = `
import { belongsTo, createDb, defineSchema, hasMany, id, integer, manyToMany, model, string } from "../../../src/index.js";

const schema = defineSchema({
  user: model({
    fields: { id: id(), email: string(), name: string() },
    relations: { posts: hasMany("post", { foreignKey: "authorId" }) },
  }),
  post: model({
    fields: { id: id(), title: string(), authorId: integer() },
    relations: { author: belongsTo("user", { foreignKey: "authorId" }), tags: manyToMany("tag") },
  }),
  tag: model({ fields: { id: id(), name: string() } }),
});
const db = createDb({ schema, url: "sqlite::memory:" });
`;

/** name -> a statement with one mistake. */
const MISTAKES: Record<string, string> = {
  "where on a misspelt field": `db.user.where("emial", "x");`,
  "orderBy on a misspelt field": `db.user.orderBy("nme");`,
  "select of a misspelt field": `db.user.select("id", "nme");`,
  "pluck of a misspelt field": `db.user.pluck("emial");`,
  "with of a misspelt relation": `db.user.with("postz");`,
  "with of a misspelt nested relation": `db.user.with("posts.autor");`,
  "whereHas on a misspelt relation": `db.post.whereHas("autor");`,
  "withCount of a misspelt relation": `db.user.withCount("postz");`,
  "create with a misspelt field": `db.user.create({ emial: "a@b.c", name: "Ada" });`,
  "create without a required field": `db.user.create({ name: "Ada" });`,
  "findMany where on a misspelt field": `db.user.findMany({ where: { emial: "x" } });`,
  "findMany include of a misspelt relation": `db.user.findMany({ include: { postz: true } });`,
  "update with a misspelt field": `db.user.update({ where: { id: 1 }, data: { nme: "x" } });`,
};

let firstLines: Record<string, string>;
let fullMessages: Record<string, string>;

beforeAll(() => {
  mkdirSync(dir, { recursive: true });
  const lines = [SCHEMA, ...Object.values(MISTAKES).map((statement) => `void (() => ${statement});`)];
  writeFileSync(file, lines.join("\n"));
  const firstMistakeLine = SCHEMA.split("\n").length;
  const config = ts.getParsedCommandLineOfConfigFile(
    `${root}tsconfig.json`,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: () => {},
    },
  );
  const program = ts.createProgram([file], { ...config!.options, noEmit: true });
  const source = program.getSourceFile(file)!;
  const byLine = new Map<number, string>();
  for (const diagnostic of ts.getPreEmitDiagnostics(program, source)) {
    const { line } = source.getLineAndCharacterOfPosition(diagnostic.start!);
    if (!byLine.has(line)) byLine.set(line, ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
  }
  const names = Object.keys(MISTAKES);
  fullMessages = Object.fromEntries(names.map((name, i) => [name, byLine.get(firstMistakeLine + i) ?? "(compiles)"]));
  firstLines = Object.fromEntries(names.map((name) => [name, fullMessages[name]!.split("\n")[0]!]));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("type errors for common mistakes", () => {
  // create's two forms (values, Prisma's { data }) are overloads: the first line is TypeScript's
  // "No overload matches this call", and the values form's error below it names the key.
  it("name the key of a wrong create below the overload line, the values form first", () => {
    const [, second] = fullMessages["create with a misspelt field"]!.split("\n");
    expect(second).toMatch(/^\s*Overload 1 of 2, '\(values: /);
    expect(fullMessages["create with a misspelt field"]).toContain("'emial' does not exist");
    expect(fullMessages["create with a misspelt field"]).toContain("Did you mean to write 'email'?");
    expect(fullMessages["create without a required field"]).toContain("Property 'email' is missing");
  });

  it("name the offending key and the valid choices on the first line", () => {
    expect(firstLines).toMatchInlineSnapshot(`
      {
        "create with a misspelt field": "No overload matches this call.",
        "create without a required field": "No overload matches this call.",
        "findMany include of a misspelt relation": "Object literal may only specify known properties, but 'postz' does not exist in type '{ posts?: boolean | RelationFindArgs<Schema<{ readonly user: ModelDef<{ readonly id: Field<number, false, true, false, true>; readonly email: Field<string, false, false, false, false>; readonly name: Field<string, false, false, false, false>; }, { ...; }, NoInfer<{ ...; }>>; readonly post: ModelDef<...>; readonly ta...'. Did you mean to write 'posts'?",
        "findMany where on a misspelt field": "Object literal may only specify known properties, but 'emial' does not exist in type '{ id?: FieldFilter<number> | undefined; email?: FieldFilter<string> | undefined; name?: FieldFilter<string> | undefined; } & { posts?: { ...; } | undefined; } & { ...; }'. Did you mean to write 'email'?",
        "orderBy on a misspelt field": "Argument of type '"nme"' is not assignable to parameter of type '"id" | "email" | "name"'.",
        "pluck of a misspelt field": "Argument of type '"emial"' is not assignable to parameter of type '"id" | "email" | "name"'.",
        "select of a misspelt field": "Argument of type '"nme"' is not assignable to parameter of type '"id" | "email" | "name"'.",
        "update with a misspelt field": "Object literal may only specify known properties, but 'nme' does not exist in type '{ id?: FieldUpdate<number> | undefined; email?: FieldUpdate<string> | undefined; name?: FieldUpdate<string> | undefined; } & { posts?: { ...; } | undefined; }'. Did you mean to write 'name'?",
        "where on a misspelt field": "Argument of type '"emial"' is not assignable to parameter of type '"id" | "email" | "name"'.",
        "whereHas on a misspelt relation": "Argument of type '"autor"' is not assignable to parameter of type '"author" | "tags"'.",
        "with of a misspelt nested relation": "Argument of type '"posts.autor"' is not assignable to parameter of type '"posts.author" | "posts.tags"'.",
        "with of a misspelt relation": "Argument of type '"postz"' is not assignable to parameter of type '"posts"'.",
        "withCount of a misspelt relation": "Argument of type '"postz"' is not assignable to parameter of type '"posts" | \`posts as \${string}\` | { [x: \`posts as \${string}\`]: boolean | Constraint<Schema<{ readonly user: ModelDef<{ readonly id: Field<number, false, true, false, true>; readonly email: Field<string, false, false, false, false>; readonly name: Field<...>; }, { ...; }, NoInfer<{ ...; }>>; readonly post: ModelDef<.....'.",
      }
    `);
  });
});
