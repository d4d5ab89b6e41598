import { beforeEach, describe, expect, it } from "vitest";
import { ModelHandle } from "../../src/api/model-handle.js";
import { mysqlProfile } from "../../src/dialect/mysql.js";
import { Session } from "../../src/dialect/session.js";
import {
  belongsTo,
  defineSchema,
  hasMany,
  id,
  integer,
  model,
  string,
  timestamp,
  UniqueConstraintError,
  ValidationError,
} from "../../src/index.js";
import { codecFor } from "../../src/plan/model-codec.js";
import { caught } from "../support/caught.js";
import { dialect, returning, useTestDb } from "../support/test-db.js";

/** What the hooks of `hooked` saw, in order. */
const log: string[] = [];

const schema = defineSchema({
  member: model({
    fields: {
      id: id(),
      email: string().unique(),
      name: string(),
      visits: integer().default(0),
      secret: string().nullable(),
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    relations: { notes: hasMany("note") },
    timestamps: true,
    hidden: ["secret"],
  }),
  note: model({
    fields: { id: id(), memberId: integer().references("member.id", { onDelete: "cascade" }), title: string() },
    relations: { member: belongsTo("member") },
  }),
  account: model({
    fields: { id: id(), email: string().unique(), handle: string().unique().nullable(), plan: string() },
  }),
  ghost: model({
    fields: { id: id(), code: string().unique(), label: string(), deletedAt: timestamp().nullable() },
    softDeletes: true,
  }),
  hooked: model({
    fields: { id: id(), slug: string().unique(), title: string() },
    events: {
      creating: (row) => {
        log.push(`creating ${row.slug}`);
      },
      updating: (row) => {
        log.push(`updating ${row.slug} ${row.title}`);
      },
    },
  }),
});

const PAST = new Date("2020-01-02T03:04:05.000Z");

// `{ increment: n } as never`: UpdateGraphInput (src/schema/update-types.ts) does not type atomic
// number updates yet; the upsert takes them as update does.

describe(`db.<model>.upsert on ${dialect}`, () => {
  const t = useTestDb(schema);

  beforeEach(async () => {
    await t.truncate();
    log.length = 0;
    // Learn once whether the server has RETURNING, outside the counted statements.
    await t.db.account.create({ email: "warm@u.dev", plan: "free" });
  });

  const members = () => t.db.member.query().orderBy("id").select("email", "name", "visits").get();

  it("creates the row in one INSERT ... ON CONFLICT when none has the key, stamping both timestamps", async () => {
    const { queries, result } = await t.count(() =>
      t.db.member.upsert({
        where: { email: "ada@u.dev" },
        create: { email: "ada@u.dev", name: "Ada", secret: "s3" },
        update: { name: "Ada L." },
      }),
    );
    // On MySQL without RETURNING, the row is read back by its key.
    expect(queries).toBe(returning ? 1 : 2);
    expect(result).toMatchObject({ email: "ada@u.dev", name: "Ada", visits: 0 });
    expect(result).not.toHaveProperty("secret");
    expect(result.createdAt).toBeInstanceOf(Date);
    expect(result.updatedAt.getTime()).toBe(result.createdAt.getTime());
    expect(await members()).toEqual([{ email: "ada@u.dev", name: "Ada", visits: 0 }]);
    expect(await t.db.member.where("email", "ada@u.dev").pluck("secret")).toEqual(["s3"]);
  });

  it("updates the row that has the key in the same one statement, setting updatedAt but not createdAt", async () => {
    const ada = await t.db.member.create({ email: "ada@u.dev", name: "Ada", createdAt: PAST, updatedAt: PAST });
    const { queries, result } = await t.count(() =>
      t.db.member.upsert({
        where: { email: "ada@u.dev" },
        create: { email: "ada@u.dev", name: "Someone else" },
        update: { name: "Ada L.", visits: { increment: 2 } as never },
      }),
    );
    expect(queries).toBe(returning ? 1 : 2);
    expect(result).toMatchObject({ id: ada.id, email: "ada@u.dev", name: "Ada L.", visits: 2 });
    expect(result.createdAt.getTime()).toBe(PAST.getTime());
    expect(result.updatedAt.getTime()).toBeGreaterThan(PAST.getTime());
    expect(await members()).toEqual([{ email: "ada@u.dev", name: "Ada L.", visits: 2 }]);
    // The increment is of the stored value, each time.
    await t.db.member.upsert({
      where: { email: "ada@u.dev" },
      create: { email: "ada@u.dev", name: "X" },
      update: { visits: { increment: 3 } as never },
    });
    expect(await t.db.member.where("email", "ada@u.dev").pluck("visits")).toEqual([5]);
  });

  it("an empty update returns the stored row unchanged, still one statement", async () => {
    const ada = await t.db.member.create({ email: "ada@u.dev", name: "Ada", createdAt: PAST, updatedAt: PAST });
    const { queries, result } = await t.count(() =>
      t.db.member.upsert({ where: { email: "ada@u.dev" }, create: { email: "ada@u.dev", name: "New" }, update: {} }),
    );
    expect(queries).toBe(returning ? 1 : 2);
    expect(result).toEqual({ ...ada, createdAt: PAST, updatedAt: PAST });
    expect(await members()).toEqual([{ email: "ada@u.dev", name: "Ada", visits: 0 }]);
  });

  it("by the primary key, and an update that changes the named key itself", async () => {
    const made = await t.db.member.upsert({
      where: { id: 70 },
      create: { id: 70, email: "pk@u.dev", name: "Pk" },
      update: { name: "never" },
    });
    expect(made).toMatchObject({ id: 70, name: "Pk" });
    const { queries, result } = await t.count(() =>
      t.db.member.upsert({
        where: { email: "pk@u.dev" },
        create: { email: "pk@u.dev", name: "never" },
        update: { email: "moved@u.dev" },
      }),
    );
    expect(result).toMatchObject({ id: 70, email: "moved@u.dev", name: "Pk" });
    // Without RETURNING the row could not be found by the old key: the find-then-write transaction.
    expect(queries).toBe(returning ? 1 : 5);
    expect(await members()).toEqual([{ email: "moved@u.dev", name: "Pk", visits: 0 }]);
  });

  it("select / include / omit read the row back in that shape, in the upsert's transaction", async () => {
    const ada = await t.db.member.create({
      email: "ada@u.dev",
      name: "Ada",
      notes: { create: [{ title: "n1" }] },
    } as never);
    const { queries, result } = await t.count(() =>
      t.db.member.upsert({
        where: { email: "ada@u.dev" },
        create: { email: "ada@u.dev", name: "Ada" },
        update: { name: "Ada L." },
        select: { name: true, secret: true },
      }),
    );
    expect(result).toEqual({ name: "Ada L.", secret: null });
    // begin, upsert, the read, commit
    expect(queries).toBe(4);
    const included = await t.db.member.upsert({
      where: { email: "ada@u.dev" },
      create: { email: "ada@u.dev", name: "Ada" },
      update: {},
      include: { notes: true },
    });
    expect(included).toMatchObject({ id: (ada as { id: number }).id, notes: [{ title: "n1" }] });
    const omitted = await t.db.member.upsert({
      where: { email: "bob@u.dev" },
      create: { email: "bob@u.dev", name: "Bob" },
      update: {},
      omit: { createdAt: true, updatedAt: true },
    });
    expect(omitted).toEqual({ id: expect.any(Number), email: "bob@u.dev", name: "Bob", visits: 0 });
  });

  it("nested writes, a create with another key value, or a second unique key given take the find-then-write transaction", async () => {
    // create's key differs from the where's: Prisma's fallback too.
    let run = await t.count(() =>
      t.db.account.upsert({
        where: { email: "a@u.dev" },
        create: { email: "other@u.dev", plan: "free" },
        update: { plan: "pro" },
      }),
    );
    // begin, find, insert (+ read on MySQL without RETURNING), read back, commit
    expect(run.queries).toBe(returning ? 5 : 6);
    expect(run.result).toMatchObject({ email: "other@u.dev", plan: "free" });
    // A second unique key the row gives: ON DUPLICATE KEY UPDATE could update the row of either.
    await t.db.account.create({ email: "b@u.dev", handle: "bee", plan: "free" });
    run = await t.count(() =>
      t.db.account.upsert({
        where: { email: "b@u.dev" },
        create: { email: "b@u.dev", handle: "bee", plan: "free" },
        update: { plan: "pro" },
      }),
    );
    // begin, find, update, read back, commit
    expect(run.queries).toBe(5);
    expect(run.result).toMatchObject({ email: "b@u.dev", handle: "bee", plan: "pro" });
    // A nested write in create.
    const nested = await t.db.member.upsert({
      where: { email: "n@u.dev" },
      create: { email: "n@u.dev", name: "N", notes: { create: [{ title: "first" }] } } as never,
      update: {},
      include: { notes: true },
    });
    expect(nested).toMatchObject({ email: "n@u.dev", notes: [{ title: "first" }] });
    expect(await t.db.note.pluck("title")).toEqual(["first"]);
    expect(await t.db.account.orderBy("email").select("email", "plan").get()).toEqual([
      { email: "b@u.dev", plan: "pro" },
      { email: "other@u.dev", plan: "free" },
      { email: "warm@u.dev", plan: "free" },
    ]);
  });

  it("a model with soft deletes: the live row is updated; a trashed one is not, and the create collides as create does", async () => {
    await t.db.ghost.create({ code: "g1", label: "one" });
    const updated = await t.db.ghost.upsert({
      where: { code: "g1" },
      create: { code: "g1", label: "new" },
      update: { label: "uno" },
    });
    expect(updated).toMatchObject({ code: "g1", label: "uno", deletedAt: null });
    await t.db.ghost.where("code", "g1").delete();
    const error = await caught(() =>
      t.db.ghost.upsert({ where: { code: "g1" }, create: { code: "g1", label: "new" }, update: { label: "x" } }),
    );
    expect(error).toBeInstanceOf(UniqueConstraintError);
    expect(await t.db.ghost.withTrashed().pluck("label")).toEqual(["uno"]);
  });

  it("a model with event hooks has them fired on the branch taken", async () => {
    const first = await t.db.hooked.upsert({
      where: { slug: "h" },
      create: { slug: "h", title: "one" },
      update: { title: "two" },
    });
    expect(first).toMatchObject({ slug: "h", title: "one" });
    const second = await t.db.hooked.upsert({
      where: { slug: "h" },
      create: { slug: "h", title: "one" },
      update: { title: "two" },
    });
    expect(second).toMatchObject({ id: first.id, title: "two" });
    expect(log).toEqual(["creating h", "updating h two"]);
    expect(await t.db.hooked.pluck("title")).toEqual(["two"]);
  });

  it("a conflict on the key named is the update even under concurrent upserts", async () => {
    const runs = await Promise.all(
      [1, 2, 3].map((n) =>
        t.db.member.upsert({
          where: { email: "c@u.dev" },
          create: { email: "c@u.dev", name: `c${n}` },
          update: { visits: { increment: 1 } as never },
        }),
      ),
    );
    expect(new Set(runs.map((r) => r.id)).size).toBe(1);
    expect(await t.db.member.where("email", "c@u.dev").pluck("visits")).toEqual([2]);
  });

  it("bad arguments are ValidationErrors before any SQL", async () => {
    const calls: [() => Promise<unknown>, RegExp][] = [
      [
        () =>
          t.db.member.upsert({
            where: { email: "x" },
            create: { email: "x", name: "X" },
            update: {},
            nope: 1,
          } as never),
        /Unknown argument "nope"/,
      ],
      [() => t.db.member.upsert({ create: { email: "x", name: "X" }, update: {} } as never), /needs "where"/],
      [() => t.db.member.upsert({ where: { email: "x" }, update: {} } as never), /needs "create"/],
      [
        () => t.db.member.upsert({ where: { email: "x" }, create: { email: "x", name: "X" } } as never),
        /needs "update"/,
      ],
      [
        () => t.db.member.upsert({ where: { name: "X" }, create: { email: "x", name: "X" }, update: {} } as never),
        /primary key \(id\) or a unique field \(email\)/,
      ],
      [
        () =>
          t.db.member.upsert({ where: { email: undefined }, create: { email: "x", name: "X" }, update: {} } as never),
        /primary key/,
      ],
      [
        () => t.db.member.upsert({ where: { email: "x" }, create: { email: "x" }, update: {} } as never),
        /Missing required field.*name/,
      ],
      [
        () => t.db.member.upsert({ where: { email: "x" }, create: { email: "x", name: 5 }, update: {} } as never),
        /member\.name/,
      ],
      [
        () =>
          t.db.member.upsert({
            where: { email: "x" },
            create: { email: "x", name: "X" },
            update: { visits: "many" },
          } as never),
        /member\.visits/,
      ],
      [
        () =>
          t.db.member.upsert({
            where: { email: "x" },
            create: { email: "x", name: "X" },
            update: { nope: 1 },
          } as never),
        /nope/,
      ],
      [
        () => t.db.member.upsert({ where: { email: "x" }, create: "row", update: {} } as never),
        /needs create: an object/,
      ],
      [
        () =>
          t.db.member.upsert({
            where: { email: "x" },
            create: { email: "x", name: "X" },
            update: {},
            select: { nope: true },
          } as never),
        /nope/,
      ],
      [
        () =>
          t.db.member.upsert({
            where: { email: "x" },
            create: { email: "x", name: "X", notes: { nope: [] } },
            update: {},
          } as never),
        /notes/,
      ],
    ];
    for (const [call, message] of calls) {
      const { queries, result } = await t.count(() => caught(call));
      expect(result).toBeInstanceOf(ValidationError);
      expect(result.message).toMatch(message);
      expect(queries).toBe(0);
    }
    expect(await t.db.member.count()).toBe(0);
  });
});

/** MySQL without RETURNING (MariaDB 10.5+ has it): the upsert, then the row read back by the key named. */
describe.runIf(dialect === "mysql")("upsert on a MySQL server without RETURNING", () => {
  const t = useTestDb(schema);
  const members = () => {
    const session = new Session(t.db.kysely, mysqlProfile, schema, "query", 0, { returning: Promise.resolve(false) });
    return new ModelHandle<typeof schema, "member">({ session, codec: codecFor(session, "member") });
  };

  it("INSERT ... ON DUPLICATE KEY UPDATE, then the read, on both branches", async () => {
    const create = { email: "my@u.dev", name: "My" };
    let run = await t.count(() => members().upsert({ where: { email: "my@u.dev" }, create, update: { name: "X" } }));
    expect(run.queries).toBe(2);
    expect(run.result).toMatchObject({ email: "my@u.dev", name: "My", visits: 0 });
    expect(run.result).not.toHaveProperty("secret");
    run = await t.count(() =>
      members().upsert({
        where: { email: "my@u.dev" },
        create,
        update: { name: "Mine", visits: { increment: 4 } as never },
      }),
    );
    expect(run.queries).toBe(2);
    expect(run.result).toMatchObject({ email: "my@u.dev", name: "Mine", visits: 4 });
    expect(await t.db.member.select("email", "name", "visits").get()).toEqual([
      { email: "my@u.dev", name: "Mine", visits: 4 },
    ]);
    // An update of the named key itself: the find-then-write transaction (begin, find, update, read, commit).
    run = await t.count(() =>
      members().upsert({ where: { email: "my@u.dev" }, create, update: { email: "m2@u.dev" } }),
    );
    expect(run.queries).toBe(5);
    expect(run.result).toMatchObject({ email: "m2@u.dev", name: "Mine" });
  });
});
