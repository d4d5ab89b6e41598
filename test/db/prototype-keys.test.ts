import { beforeEach, describe, expect, it } from "vitest";
import { RelataError, ValidationError } from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { caught } from "../support/caught.js";
import { dialect, useTestDb } from "../support/test-db.js";

/**
 * Input objects are walked by their own keys only. JSON.parse makes `__proto__` an OWN key: it
 * must be rejected, never assigned onto a plain object (that sets the object's prototype, whose
 * fields were then read unchecked: `age = "x"` stored on SQLite). An object whose prototype holds
 * values (`Object.create({ age: "x" })`) is read as if those values were absent. `__proto__`,
 * `constructor` and `prototype` are never fields. A json field's value may hold any keys.
 */

/** An object whose prototype holds `inherited` and whose own keys are `own`. */
const inheriting = <T extends object>(inherited: object, own: T): T => Object.assign(Object.create(inherited), own);

describe(`prototype keys in input objects on ${dialect}`, () => {
  const t = useTestDb(blog);
  const db = () => t.db as any;
  let ids: { ada: number; post: number; role: number; uk: number };

  beforeEach(async () => {
    await t.truncate();
    const uk = await t.db.country.create({ name: "UK" });
    const ada = await t.db.user.create({ email: "ada@x.dev", name: "Ada", age: 36, countryId: uk.id });
    const post = await t.db.post.create({ authorId: ada.id, title: "Notes", views: 5 });
    const role = await t.db.role.create({ name: "admin" });
    await t.db.user.related(ada, "roles").attach(role.id, { grantedBy: "root" });
    ids = { ada: ada.id, post: post.id, role: role.id, uk: uk.id };
    t.queries.length = 0;
  });

  /** Every canary row, read with raw Kysely. */
  async function snapshot() {
    const k = t.db.kysely;
    return {
      users: await k.selectFrom("users").select(["id", "email", "name", "age"]).orderBy("id").execute(),
      posts: await k.selectFrom("posts").select(["id", "title", "views", "author_id"]).orderBy("id").execute(),
      roles: await k.selectFrom("roles").select(["id", "name"]).orderBy("id").execute(),
      pivots: await k.selectFrom("role_user").select(["user_id", "role_id", "granted_by"]).execute(),
      profiles: await k.selectFrom("profiles").select(["id"]).execute(),
    };
  }

  /** `run` fails with a ValidationError naming `parts`, sends no SQL and changes no row. */
  async function rejected(run: () => unknown, parts: readonly string[], type: Function = ValidationError) {
    const before = await snapshot();
    const { queries, result } = await t.count(() => caught(run));
    expect(result).toBeInstanceOf(type);
    for (const part of parts) expect((result as Error).message).toContain(part);
    expect(queries).toBe(0);
    expect(await snapshot()).toEqual(before);
  }

  /** The stored age of the user with this email (raw read). */
  const storedAge = async (email: string) =>
    (await t.db.kysely.selectFrom("users").select("age").where("email", "=", email).executeTakeFirstOrThrow()).age;

  describe("create", () => {
    it('an own "__proto__" key next to a nested write is rejected instead of storing the inherited age', async () => {
      const input = JSON.parse('{"email":"p@x","name":"p","posts":{"create":[{"title":"t"}]},"__proto__":{"age":"x"}}');
      await rejected(() => db().user.create(input), ['"__proto__" is not a field or relation of model "user"']);
    });

    it('an own "__proto__" key without nested writes is rejected', async () => {
      await rejected(
        () => db().user.create(JSON.parse('{"email":"p@x","name":"p","__proto__":{"age":"x"}}')),
        ['"__proto__" is not a field of model "user"'],
      );
    });

    it('"constructor" and "prototype" keys are rejected', async () => {
      for (const key of ["constructor", "prototype"]) {
        await rejected(
          () => db().user.create(JSON.parse(`{"email":"p@x","name":"p","${key}":{"age":"x"}}`)),
          [`"${key}" is not a field of model "user"`],
        );
        await rejected(
          () => db().user.create(JSON.parse(`{"email":"p@x","name":"p","posts":{"create":[]},"${key}":1}`)),
          [`"${key}" is not a field or relation of model "user"`],
        );
      }
    });

    it("inherited values are not read (a graph write and a plain insert)", async () => {
      const graph = await db().user.create(
        inheriting({ age: "x", active: "yes" }, { email: "g@x", name: "G", posts: { create: [{ title: "t" }] } }),
      );
      expect(graph.age).toBeNull();
      expect(graph.active).toBe(true);
      expect(await storedAge("g@x")).toBeNull();
      const plain = await db().user.create(inheriting({ age: "x" }, { email: "p@x", name: "P" }));
      expect(plain.age).toBeNull();
      expect(await storedAge("p@x")).toBeNull();
    });

    it("a required field given only through the prototype is missing", async () => {
      await rejected(
        () => db().user.create(inheriting({ name: "N" }, { email: "n@x" })),
        ["Missing required field", "name"],
      );
    });

    it('createMany with an own "__proto__" key in one row writes nothing', async () => {
      await rejected(
        () =>
          db().user.createMany([
            { email: "a1@x", name: "A" },
            JSON.parse('{"email":"a2@x","name":"B","__proto__":{"age":"x"}}'),
          ]),
        ['"__proto__" is not a field of model "user"'],
      );
    });

    it("Prisma's create({ data }) walks data by its own keys", async () => {
      await rejected(
        () => db().user.create({ data: JSON.parse('{"email":"p@x","name":"p","__proto__":{"age":"x"}}') }),
        ['"__proto__" is not a field or relation of model "user"'],
      );
    });
  });

  describe("nested writes at every depth", () => {
    it('an own "__proto__" key in a nested create item is rejected', async () => {
      const item = JSON.parse('{"title":"t","__proto__":{"views":"x"}}');
      await rejected(
        () => db().user.create({ email: "p@x", name: "p", posts: { create: [item] } }),
        ['"__proto__" is not a field or relation of model "post"'],
      );
    });

    it("a nested create item's inherited values are not read", async () => {
      const user = await db().user.create({
        email: "p@x",
        name: "p",
        posts: { create: [inheriting({ views: "x", title: "inherited" }, { title: "own" })] },
      });
      expect(user.posts).toMatchObject([{ title: "own", views: 0 }]);
    });

    it("a nested write whose operations are only inherited is rejected", async () => {
      await rejected(
        () => db().user.create({ email: "p@x", name: "p", posts: inheriting({ create: [{ title: "t" }] }, {}) }),
        ['nested write to "user.posts"'],
      );
    });

    it("an inherited pivot of a created many-to-many row is not written", async () => {
      const role = inheriting({ pivot: { grantedBy: "evil" } }, { name: "reviewer" });
      await db().user.create({ email: "p@x", name: "p", roles: { create: [role] } });
      const rows = await t.db.kysely
        .selectFrom("role_user")
        .innerJoin("roles", "roles.id", "role_user.role_id")
        .select("granted_by")
        .where("roles.name", "=", "reviewer")
        .execute();
      expect(rows).toEqual([{ granted_by: null }]);
    });

    it('an own "__proto__" key in a created row\'s pivot values is rejected', async () => {
      const pivot = JSON.parse('{"__proto__":{"grantedBy":"x"}}');
      await rejected(
        () => db().user.create({ email: "p@x", name: "p", roles: { create: [{ name: "r", pivot }] } }),
        ['"__proto__"'],
      );
    });

    it("a connect row whose key is only inherited is rejected instead of connecting it", async () => {
      await rejected(
        () => db().user.create({ email: "p@x", name: "p", country: { connect: inheriting({ id: ids.uk }, {}) } }),
        ['without its "id"'],
      );
      await rejected(
        () => db().user.create({ email: "p@x", name: "p", roles: { connect: [inheriting({ id: ids.role }, {})] } }),
        ['without its "id"'],
      );
    });

    it('a { key: pivotValues } connect map with a "__proto__" key is rejected', async () => {
      const connect = JSON.parse('{"__proto__":{"grantedBy":"x"}}');
      await rejected(() => db().user.create({ email: "p@x", name: "p", roles: { connect } }), ['"__proto__"']);
    });
  });

  describe("update", () => {
    it('an own "__proto__" key is rejected', async () => {
      await rejected(
        () => db().user.where("id", ids.ada).update(JSON.parse('{"name":"N","__proto__":{"age":"x"}}')),
        ['"__proto__" is not a field of model "user"'],
      );
    });

    it("inherited values are not written", async () => {
      await rejected(
        () =>
          db()
            .user.where("id", ids.ada)
            .update(inheriting({ name: "Evil" }, {})),
        ["needs at least one field"],
      );
      expect(
        await db()
          .user.where("id", ids.ada)
          .update(inheriting({ age: 1 }, { name: "Ada L." })),
      ).toBe(1);
      expect(await t.db.user.findOrFail(ids.ada)).toMatchObject({ name: "Ada L.", age: 36 });
    });
  });

  describe("where, orderBy, select, include", () => {
    it('"__proto__" in a fluent where object is rejected', async () => {
      await rejected(() => db().user.where(JSON.parse('{"__proto__":{"id":1}}')).delete(), ['"__proto__"']);
    });

    it('"__proto__" in object-API arguments is rejected', async () => {
      await rejected(
        () => db().user.findMany(JSON.parse('{"__proto__":{"take":1}}')),
        ['Unknown query argument "__proto__"'],
      );
      await rejected(() => db().user.findMany({ where: JSON.parse('{"__proto__":{"id":1}}') }), ['"__proto__"']);
      await rejected(() => db().user.findMany({ orderBy: JSON.parse('{"__proto__":"asc"}') }), ['"__proto__"']);
      await rejected(
        () => db().user.findMany({ select: JSON.parse('{"id":true,"__proto__":{"name":true}}') }),
        ['"__proto__" is not a field or relation of model "user"'],
      );
      await rejected(
        () => db().user.findMany({ include: JSON.parse('{"__proto__":{"posts":true}}') }),
        ['"__proto__" is not a field or relation of model "user"'],
        RelataError,
      );
    });

    it("findUnique with an inherited where is rejected instead of returning the first row", async () => {
      await rejected(
        () => db().user.findUnique(inheriting({ where: { id: ids.ada } }, {})),
        ["needs its where to name the primary key"],
      );
    });

    it("inherited object-API arguments are not read", async () => {
      const rows = await db().user.findMany({ select: inheriting({ email: true }, { id: true }) });
      expect(rows).toEqual([{ id: ids.ada }]);
    });
  });

  describe("firstOrCreate / updateOrCreate", () => {
    it('"__proto__" in the attributes or the values is rejected', async () => {
      const bad = () => JSON.parse('{"__proto__":{"age":"x"}}');
      await rejected(
        () => db().user.firstOrCreate({ ...bad(), email: "p@x" }, { name: "p" }),
        ['"__proto__" is not a field of model "user"'],
      );
      await rejected(
        () => db().user.firstOrCreate({ email: "p@x" }, { ...bad(), name: "p" }),
        ['"__proto__" is not a field of model "user"'],
      );
      await rejected(() => db().user.updateOrCreate({ email: "ada@x.dev" }, bad()), ['"__proto__"']);
    });
  });

  describe("related(...) writes", () => {
    const ada = async () => {
      const row = await t.db.user.findOrFail(ids.ada);
      t.queries.length = 0;
      return row;
    };

    it('create through a relation with an own "__proto__" key is rejected', async () => {
      const posts = t.db.user.related(await ada(), "posts") as any;
      await rejected(() => posts.create(JSON.parse('{"title":"t","__proto__":{"views":"x"}}')), ['"__proto__"']);
    });

    it("save reads the row's own key: an inherited id does not re-point that row", async () => {
      const posts = t.db.user.related(await ada(), "posts");
      const other = await t.db.user.create({ email: "o@x", name: "O" });
      const stray = await t.db.post.create({ authorId: other.id, title: "Stray" });
      await posts.save(inheriting({ id: stray.id }, { title: "Fresh" }) as any);
      expect(await t.db.post.findOrFail(stray.id)).toMatchObject({ authorId: other.id, title: "Stray" });
      expect(await t.db.post.where("title", "Fresh").pluck("authorId")).toEqual([ids.ada]);
    });

    it('attach with a { "__proto__": values } map or "__proto__" pivot values is rejected', async () => {
      const roles = t.db.user.related(await ada(), "roles") as any;
      await rejected(
        () => roles.attach(JSON.parse('{"__proto__":{"grantedBy":"x"}}')),
        ['"__proto__" is not a key of "user.roles" to attach'],
      );
      await rejected(() => roles.sync(JSON.parse('{"__proto__":{}}')), ['"__proto__"']);
      await rejected(
        () => roles.attach(ids.role, JSON.parse('{"__proto__":{"grantedBy":"x"}}')),
        ['no pivot field "__proto__"'],
      );
    });

    it("inherited pivot values are not written", async () => {
      const role = await t.db.role.create({ name: "editor" });
      await t.db.user.related(await ada(), "roles").attach(role.id, inheriting({ grantedBy: "evil" }, {}));
      const rows = await t.db.kysely
        .selectFrom("role_user")
        .select("granted_by")
        .where("role_id", "=", role.id)
        .execute();
      expect(rows).toEqual([{ granted_by: null }]);
    });
  });

  it("a json field's value may hold any keys, __proto__ included", async () => {
    const settings = JSON.parse('{"theme":"dark","constructor":1,"__proto__":{"x":1}}');
    const profile = await t.db.profile.create({ userId: ids.ada, settings });
    expect(profile.settings?.theme).toBe("dark");
    const read = await t.db.profile.findOrFail(profile.id);
    expect(read.settings?.theme).toBe("dark");
    expect(Object.hasOwn(read.settings as object, "constructor")).toBe(true);
  });
});
