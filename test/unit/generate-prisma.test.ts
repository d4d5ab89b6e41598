import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { generatePrisma } from "../../src/generate/index.js";
import type { DialectName, Schema } from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { everyKind } from "../support/generate-fixture.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const cli = createRequire(import.meta.url).resolve("prisma/build/index.js");
const scratch = join(root, ".scratch", `generate-prisma-${randomBytes(4).toString("hex")}`);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * Runs the real `prisma validate` (Prisma 7) on a schema file. The CLI makes sure its
 * schema-engine binary is present before any command and would download it; validate never runs
 * it (validation is WebAssembly), so pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file
 * keeps the test offline, as bench/src/contenders/prisma/generate.ts does.
 */
async function validate(text: string, name: string): Promise<{ ok: boolean; output: string }> {
  mkdirSync(scratch, { recursive: true });
  const file = join(scratch, `${name}.prisma`);
  writeFileSync(file, text);
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, "validate", "--schema", file], {
      cwd: scratch,
      env: {
        ...process.env,
        PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
        CHECKPOINT_DISABLE: "1",
        PRISMA_HIDE_UPDATE_MESSAGE: "1",
        NO_COLOR: "1",
      },
    });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: stdout + stderr };
  }
}

const dialects: DialectName[] = ["sqlite", "postgres", "mysql"];
const schemas: [string, Schema][] = [
  ["everyKind", everyKind],
  ["blog", blog],
];

describe("generatePrisma", () => {
  it("fails validation on a broken schema (the check is real)", async () => {
    const broken = generatePrisma(everyKind, { dialect: "postgres" }).replace('@@map("users")', "@@map(users)");
    const result = await validate(broken, "broken");
    expect(result.ok).toBe(false);
    expect(result.output).toContain("Prisma schema validation");
  }, 30_000);

  describe.each(dialects)("on %s", (dialect) => {
    it.each(schemas)(
      "gives a schema of %s that prisma validate accepts",
      async (name, schema) => {
        const result = await validate(generatePrisma(schema, { dialect }), `${name}-${dialect}`);
        expect(result.output).toContain("is valid");
        expect(result.ok).toBe(true);
      },
      30_000,
    );

    const text = generatePrisma(everyKind, { dialect });
    const model = (name: string) => {
      const match = new RegExp(`^model ${name} \\{\\n([\\s\\S]*?)\\n\\}`, "m").exec(text);
      if (!match) throw new Error(`no model ${name}`);
      return match[1]!.split("\n").map((line) => line.trim().replace(/\s+/g, " "));
    };

    it("has a Prisma 7 datasource (no url) and the prisma-client generator", () => {
      const provider = { sqlite: "sqlite", postgres: "postgresql", mysql: "mysql" }[dialect];
      expect(text).toContain(`datasource db {\n  provider = "${provider}"\n}`);
      expect(text).not.toMatch(/\burl\s*=/);
      expect(text).toContain(`provider = "prisma-client"`);
    });

    it("maps models and fields to relata's tables and snake_case columns", () => {
      expect(model("User")).toContain(`@@map("users")`);
      expect(model("User").find((l) => l.startsWith("displayName "))).toMatch(
        /^displayName String\? @map\("display_name"\)/,
      );
      expect(model("Post").find((l) => l.startsWith("views "))).toContain("BigInt @default(0)");
      expect(model("User").find((l) => l.startsWith("id "))).toBe("id Int @id @default(autoincrement())");
      expect(model("TeamNote").find((l) => l.startsWith("id "))).toMatch(/^id String @id @default\(uuid\(\)\)/);
    });

    it("writes native types where relata's column type is not Prisma's default", () => {
      const email = model("User").find((l) => l.startsWith("email "))!;
      if (dialect === "sqlite") expect(email).not.toContain("@db.");
      else expect(email).toContain("@db.VarChar(255)");
    });

    it("relates both sides of every foreign key, named where two relations join the same models", () => {
      expect(model("Post")).toContainEqual(
        expect.stringMatching(
          /^author User @relation\("post_author", fields: \[authorId\], references: \[id\], onDelete: Cascade, onUpdate: NoAction/,
        ),
      );
      expect(model("User")).toContain(`posts Post[] @relation("post_author")`);
      expect(model("User")).toContain(`editedPosts Post[] @relation("post_editor")`);
      expect(model("User")).toContainEqual(
        expect.stringMatching(/^manager User\? @relation\("user_manager", .*onDelete: SetNull, onUpdate: Cascade/),
      );
      expect(model("User")).toContain("profile Profile?");
    });

    it("makes bare pivot tables join models with a composite key", () => {
      const pivot = model("RoleUser");
      expect(pivot).toContain(`@@map("role_user")`);
      expect(pivot.find((l) => l.startsWith("@@id("))).toMatch(/^@@id\(\[userId, roleId\]/);
      expect(pivot).toContainEqual(expect.stringMatching(/^grantedBy String\? @map\("granted_by"\)/));
      expect(model("Role")).toContain("users RoleUser[]");
      expect(model("Membership").find((l) => l.startsWith("@@id("))).toMatch(/^@@id\(\[teamId, userId\]/);
    });

    it("keeps polymorphic columns plain, with a /// comment, and their index", () => {
      const image = model("Image");
      const at = image.findIndex((l) => l.startsWith("imageableType "));
      expect(image[at - 1]).toMatch(/^\/\/\/ polymorphic type/);
      expect(image).toContainEqual(expect.stringMatching(/^@@index\(\[imageableType, imageableId\]/));
      expect(text).toMatch(/\/\/\/ relata relation imageable: morphTo .*no Prisma equivalent/);
    });
  });
});
