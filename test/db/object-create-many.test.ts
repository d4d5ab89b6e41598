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

/** Ten string columns: a few thousand rows pass the parameter limit of every database. */
const WIDE = {
  c0: string(),
  c1: string(),
  c2: string(),
  c3: string(),
  c4: string(),
  c5: string(),
  c6: string(),
  c7: string(),
  c8: string(),
  c9: string(),
};

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
  hooked: model({
    fields: { id: id(), slug: string().unique() },
    events: {
      creating: (row) => {
        log.push(`creating ${row.slug}`);
      },
      created: (row) => {
        log.push(`created ${row.slug}`);
      },
    },
  }),
  wide: model({ fields: { id: id(), ...WIDE } }),
});

/** Parameters one statement may carry, per database (the profiles' maxParameters). */
const MAX_PARAMETERS = { sqlite: 32_766, postgres: 65_535, mysql: 65_535 }[dialect];

describe(`db.<model>.createMany({ data, skipDuplicates }) / createManyAndReturn on ${dialect}`, () => {
  const t = useTestDb(schema);

  beforeEach(async () => {
    await t.truncate();
    log.length = 0;
    // Learn once whether the server has RETURNING, outside the counted statements.
    await t.db.hooked.createMany([]);
    await t.db.note.count();
  });

  const emails = () => t.db.member.orderBy("id").pluck("email");

  it("createMany returns { count } from one INSERT, with timestamps and defaults filled", async () => {
    const { queries, result } = await t.count(() =>
      t.db.member.createMany({
        data: [
          { email: "a@u.dev", name: "A" },
          { email: "b@u.dev", name: "B", visits: 3 },
        ],
      }),
    );
    expect(result).toEqual({ count: 2 });
    expect(queries).toBe(1);
    const rows = await t.db.member.orderBy("id").get();
    expect(rows).toMatchObject([
      { email: "a@u.dev", name: "A", visits: 0 },
      { email: "b@u.dev", name: "B", visits: 3 },
    ]);
    for (const row of rows) expect(row.createdAt).toBeInstanceOf(Date);
    // One row as data, as Prisma takes it.
    expect(await t.db.member.createMany({ data: { email: "c@u.dev", name: "C" } })).toEqual({ count: 1 });
    expect(await t.db.member.createMany({ data: [] })).toEqual({ count: 0 });
    expect(await emails()).toEqual(["a@u.dev", "b@u.dev", "c@u.dev"]);
  });

  it("skipDuplicates skips rows a unique field already has (stored or earlier in data); the count leaves them out", async () => {
    await t.db.member.create({ email: "old@u.dev", name: "Old" });
    const { queries, result } = await t.count(() =>
      t.db.member.createMany({
        data: [
          { email: "new@u.dev", name: "New" },
          { email: "old@u.dev", name: "Old again" },
          { email: "new@u.dev", name: "New again" },
          { email: "two@u.dev", name: "Two" },
        ],
        skipDuplicates: true,
      }),
    );
    expect(result).toEqual({ count: 2 });
    expect(queries).toBe(1);
    expect(await t.db.member.orderBy("id").select("email", "name").get()).toEqual([
      { email: "old@u.dev", name: "Old" },
      { email: "new@u.dev", name: "New" },
      { email: "two@u.dev", name: "Two" },
    ]);
    // Without it, the collision is a UniqueConstraintError and nothing of the statement is stored.
    const error = await caught(() =>
      t.db.member.createMany({
        data: [
          { email: "x@u.dev", name: "X" },
          { email: "old@u.dev", name: "Old" },
        ],
      }),
    );
    expect(error).toBeInstanceOf(UniqueConstraintError);
    expect(await t.db.member.count()).toBe(3);
  });

  it("rows past the parameter limit go in several INSERTs, in one transaction", async () => {
    const perStatement = Math.floor(MAX_PARAMETERS / 10);
    const data = Array.from({ length: perStatement + 5 }, (_, i) =>
      Object.fromEntries(Object.keys(WIDE).map((c) => [c, `${c}-${i}`])),
    );
    const { queries, result } = await t.count(() => t.db.wide.createMany({ data: data as never }));
    expect(result).toEqual({ count: data.length });
    expect(queries).toBe(4); // begin, 2 inserts, commit
    expect(await t.db.wide.count()).toBe(data.length);
    expect(await t.db.wide.orderBy("id", "desc").limit(1).pluck("c3")).toEqual([`c3-${data.length - 1}`]);
  });

  it("a model with create hooks fires them; a skipped duplicate is not created", async () => {
    await t.db.hooked.create({ slug: "a" });
    log.length = 0;
    const result = await t.db.hooked.createMany({ data: [{ slug: "a" }, { slug: "b" }], skipDuplicates: true });
    expect(result).toEqual({ count: 1 });
    expect(log).toEqual(["creating a", "creating b", "created b"]);
    expect(await t.db.hooked.orderBy("slug").pluck("slug")).toEqual(["a", "b"]);
  });

  it("createManyAndReturn returns the inserted rows in input order, hidden fields left out", async () => {
    const { queries, result } = await t.count(() =>
      t.db.member.createManyAndReturn({
        data: [
          { email: "z@u.dev", name: "Z", secret: "s" },
          { email: "a@u.dev", name: "A" },
        ],
      }),
    );
    // MySQL without RETURNING: begin, an insert per row, the read, commit.
    expect(queries).toBe(returning ? 1 : 5);
    expect(result).toMatchObject([
      { email: "z@u.dev", name: "Z", visits: 0 },
      { email: "a@u.dev", name: "A", visits: 0 },
    ]);
    expect(result[0]).not.toHaveProperty("secret");
    expect(result[0]!.createdAt).toBeInstanceOf(Date);
    for (const row of result) expect(await t.db.member.findOrFail(row.id)).toEqual(row);
  });

  it("createManyAndReturn with skipDuplicates returns only the rows inserted", async () => {
    await t.db.member.create({ email: "old@u.dev", name: "Old" });
    const result = await t.db.member.createManyAndReturn({
      data: [
        { email: "n1@u.dev", name: "N1" },
        { email: "old@u.dev", name: "Skipped" },
        { email: "n2@u.dev", name: "N2" },
      ],
      skipDuplicates: true,
    });
    expect(result.map((r) => r.email)).toEqual(["n1@u.dev", "n2@u.dev"]);
    expect(await emails()).toEqual(["old@u.dev", "n1@u.dev", "n2@u.dev"]);
  });

  it("createManyAndReturn with select or omit reads the rows back in that shape, in one transaction", async () => {
    const { queries, result } = await t.count(() =>
      t.db.member.createManyAndReturn({
        data: [
          { email: "s@u.dev", name: "S", secret: "hush" },
          { email: "r@u.dev", name: "R" },
        ],
        select: { email: true, secret: true },
      }),
    );
    expect(result).toEqual([
      { email: "s@u.dev", secret: "hush" },
      { email: "r@u.dev", secret: null },
    ]);
    // begin, insert (MySQL without RETURNING: one per row and a read), the read in the shape, commit
    expect(queries).toBe(returning ? 4 : 7);
    const omitted = await t.db.member.createManyAndReturn({
      data: [{ email: "o@u.dev", name: "O" }],
      omit: { createdAt: true, updatedAt: true, visits: true },
    });
    expect(omitted).toEqual([{ id: expect.any(Number), email: "o@u.dev", name: "O" }]);
  });

  it("the array form keeps returning the rows, with nested writes", async () => {
    const rows = await t.db.member.createMany([
      { email: "arr@u.dev", name: "Arr", notes: { create: [{ title: "t" }] } },
    ]);
    expect(rows).toMatchObject([{ email: "arr@u.dev", notes: [{ title: "t" }] }]);
  });

  it("bad arguments are ValidationErrors before any SQL", async () => {
    const calls: [() => Promise<unknown>, RegExp][] = [
      [
        () => t.db.member.createMany({ data: [], nope: true } as never),
        /Unknown argument "nope".*data, skipDuplicates/,
      ],
      [() => t.db.member.createMany({ data: [], select: { id: true } } as never), /Unknown argument "select"/],
      [
        () => t.db.member.createManyAndReturn({ data: [], include: { notes: true } } as never),
        /Unknown argument "include"/,
      ],
      [() => t.db.member.createMany({ skipDuplicates: true } as never), /needs "data"/],
      [() => t.db.member.createMany({ data: [1] } as never), /an object of field values/],
      [() => t.db.member.createMany({ data: [], skipDuplicates: "yes" } as never), /skipDuplicates: true or false/],
      [
        () =>
          t.db.member.createMany({
            data: [{ email: "n@u.dev", name: "N", notes: { create: [{ title: "t" }] } }],
          } as never),
        /"notes" is a relation/,
      ],
      [() => t.db.member.createMany({ data: [{ email: "n@u.dev" }] } as never), /Missing required field.*name/],
      [() => t.db.member.createManyAndReturn({ data: [{ email: "n@u.dev", name: 5 }] } as never), /member\.name/],
      [() => t.db.member.createManyAndReturn({ data: [], select: { nope: true } } as never), /nope/],
      [() => t.db.hooked.createMany({ data: [{ slug: 5 }] } as never), /hooked\.slug/],
    ];
    for (const [call, message] of calls) {
      const { queries, result } = await t.count(() => caught(call));
      expect(result).toBeInstanceOf(ValidationError);
      expect(result.message).toMatch(message);
      expect(queries).toBe(0);
    }
    expect(log).toEqual([]);
    expect(await t.db.member.count()).toBe(0);
  });
});

/** MySQL without RETURNING (MariaDB 10.5+ has it): INSERT IGNORE row by row, skipped rows left out. */
describe.runIf(dialect === "mysql")("createManyAndReturn on a MySQL server without RETURNING", () => {
  const t = useTestDb(schema);
  const members = () => {
    const session = new Session(t.db.kysely, mysqlProfile, schema, "query", 0, { returning: Promise.resolve(false) });
    return new ModelHandle<typeof schema, "member">({ session, codec: codecFor(session, "member") });
  };

  it("skipDuplicates: the ignored row is not read back", async () => {
    await t.db.member.create({ email: "old@u.dev", name: "Old" });
    const { queries, result } = await t.count(() =>
      members().createManyAndReturn({
        data: [
          { email: "n1@u.dev", name: "N1" },
          { email: "old@u.dev", name: "Skipped" },
          { email: "n2@u.dev", name: "N2" },
        ],
        skipDuplicates: true,
      }),
    );
    expect(queries).toBe(6); // begin, 3 inserts, the read, commit
    expect(result.map((r) => r.email)).toEqual(["n1@u.dev", "n2@u.dev"]);
    expect(await members().createMany({ data: [{ email: "n1@u.dev", name: "x" }], skipDuplicates: true })).toEqual({
      count: 0,
    });
    expect(await t.db.member.orderBy("id").pluck("name")).toEqual(["Old", "N1", "N2"]);
  });
});
