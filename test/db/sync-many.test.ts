import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import {
  belongsToMany,
  defineSchema,
  hasMany,
  id,
  integer,
  model,
  morphToMany,
  RelationNotFoundError,
  string,
  UniqueConstraintError,
  uuid,
  ValidationError,
} from "../../src/index.js";
import { caught } from "../support/caught.js";
import { dialect, useTestDb } from "../support/test-db.js";

/**
 * `db.post.syncMany("tags", [[post, input], ...])`: `sync` for many parents at once. Each
 * parent ends as its own `sync` would leave it, with the same `{ attached, detached, updated }`,
 * in one read and one statement per kind of write for all the parents, in one transaction.
 */
const schema = defineSchema(
  {
    post: model({
      fields: { id: id(), title: string() },
      relations: {
        tags: belongsToMany("tag", {
          pivotFields: { rank: integer().nullable(), note: string().nullable() },
          timestamps: true,
        }),
        labels: morphToMany("tag", {
          morphName: "taggable",
          pivotFields: { source: string().nullable() },
          withPivotValue: { source: "user" },
        }),
        comments: hasMany("comment"),
      },
    }),
    video: model({
      fields: { id: id(), title: string() },
      relations: {
        labels: morphToMany("tag", { morphName: "taggable", pivotFields: { source: string().nullable() } }),
      },
    }),
    comment: model({ fields: { id: id(), postId: integer(), body: string() } }),
    tag: model({ fields: { id: id(), name: string() } }),
  },
  { casing: "snake_case" },
);

const POSTS = 4;
const TAGS = 6;

describe(`syncMany on ${dialect}`, () => {
  const t = useTestDb(schema);
  let posts: { id: number }[] = [];

  beforeEach(async () => {
    await t.truncate();
    posts = [];
    // Fixed ids (truncate does not restart the sequences), so the tests can name tags 1..TAGS.
    for (let i = 1; i <= POSTS; i++) posts.push(await t.db.post.create({ id: i, title: `p${i}` }));
    for (let i = 1; i <= TAGS; i++) await t.db.tag.create({ id: i, name: `t${i}` });
    await t.db.video.create({ id: 1, title: "v1" });
    t.queries.length = 0;
  });

  /** post_tag as [postId, tagId, rank, note], ordered. */
  const postTag = async () =>
    (
      await t.db.kysely
        .selectFrom("post_tag")
        .select(["post_id", "tag_id", "rank", "note"])
        .orderBy("post_id")
        .orderBy("tag_id")
        .execute()
    ).map((r) => [Number(r.post_id), Number(r.tag_id), r.rank === null ? null : Number(r.rank), r.note]);

  /** taggables as [type, id, tagId, source], ordered. */
  const taggables = async () =>
    (
      await t.db.kysely
        .selectFrom("taggables")
        .select(["taggable_type", "taggable_id", "tag_id", "source"])
        .orderBy("taggable_type")
        .orderBy("taggable_id")
        .orderBy("tag_id")
        .execute()
    ).map((r) => [r.taggable_type, Number(r.taggable_id), Number(r.tag_id), r.source]);

  /** The verbs of the statements sent since `from` (select, begin, delete, ...). */
  const verbs = (from: number) => t.queries.slice(from).map((q) => q.sql.trim().split(/\s+/)[0]!.toLowerCase());

  const sorted = (result: { attached: unknown[]; detached: unknown[]; updated: unknown[] }) => ({
    attached: [...result.attached].map(Number).sort(),
    detached: [...result.detached].map(Number).sort(),
    updated: [...result.updated].map(Number).sort(),
  });

  type Input = Record<number, { rank?: number | null; note?: string | null }>;
  const link = fc.record(
    {
      tag: fc.integer({ min: 1, max: TAGS }),
      rank: fc.option(fc.integer({ min: 0, max: 2 })),
      note: fc.constantFrom("a", "b", null),
    },
    { requiredKeys: ["tag"] },
  );
  const links = fc.array(link, { maxLength: 4 });
  const asInput = (list: readonly { tag: number; rank?: number | null; note?: string | null }[]): Input =>
    Object.fromEntries(list.map(({ tag, ...values }) => [tag, values]));

  it("leaves every parent as its own sync would, with the same results (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(links, { minLength: POSTS, maxLength: POSTS }),
        fc.array(fc.option(links, { nil: undefined }), { minLength: POSTS, maxLength: POSTS }),
        fc.boolean(),
        async (initial, wanted, detaching) => {
          const reset = async () => {
            await t.db.kysely.deleteFrom("post_tag").execute();
            for (const [i, list] of initial.entries()) {
              if (list.length > 0) await t.db.post.related(posts[i]!, "tags").attach(asInput(list));
            }
          };
          const given = posts.flatMap((post, i) => (wanted[i] ? [[post, asInput(wanted[i]!)] as const] : []));
          await reset();
          const many = await t.db.post.syncMany("tags", given, { detaching });
          const afterMany = await postTag();
          await reset();
          const one = [];
          for (const [post, input] of given) {
            const handle = t.db.post.related(post, "tags");
            one.push(await (detaching ? handle.sync(input) : handle.syncWithoutDetaching(input)));
          }
          expect(afterMany).toEqual(await postTag());
          expect(many.map(sorted)).toEqual(one.map(sorted));
        },
      ),
      { numRuns: 12, seed: 1207 },
    );
  });

  it("sends one read, then one statement per kind of write for all the parents, in one transaction (one WITH on PostgreSQL)", async () => {
    for (const post of posts) await t.db.post.related(post, "tags").attach({ 1: { rank: 1 }, 2: { rank: 1 } });
    const from = t.queries.length;
    const results = await t.db.post.syncMany(
      "tags",
      posts.map((post, i) => [post, { 1: { rank: 1 }, 2: { rank: 2 + i }, [3 + i]: { rank: 0 } }] as const),
    );
    // PostgreSQL's writes are one statement (a data-modifying WITH), atomic by itself.
    const inOne = dialect === "postgres";
    expect(verbs(from)).toEqual(inOne ? ["select", "with"] : ["select", "begin", "insert", "update", "commit"]);
    expect(results.map(sorted)).toEqual(posts.map((_, i) => ({ attached: [3 + i], detached: [], updated: [2] })));
    expect(await postTag()).toEqual(
      posts.flatMap((post, i) => [
        [post.id, 1, 1, null],
        [post.id, 2, 2 + i, null],
        [post.id, 3 + i, 0, null],
      ]),
    );

    // Detaching: the keys not given go, in one delete for every parent.
    const again = t.queries.length;
    const detached = await t.db.post.syncMany(
      "tags",
      posts.map((post) => [post, [1]] as const),
    );
    expect(verbs(again)).toEqual(["select", "delete"]);
    expect(detached.map(sorted)).toEqual(posts.map((_, i) => ({ attached: [], detached: [2, 3 + i], updated: [] })));
    expect(await postTag()).toEqual(posts.map((post) => [post.id, 1, 1, null]));
  });

  it("inside a transaction it is a savepoint (PostgreSQL: one WITH), and updates only the rows whose values change (updatedAt too)", async () => {
    const old = new Date("2020-01-01T00:00:00.000Z");
    for (const post of posts) await t.db.post.related(post, "tags").attach([1, 2], { rank: 1 });
    const stored = dialect === "sqlite" ? old.toISOString() : old;
    await t.db.kysely.updateTable("post_tag").set({ created_at: stored, updated_at: stored }).execute();
    const from = t.queries.length;
    await t.db.transaction(async (tx) => {
      await tx.post.syncMany("tags", [
        [posts[0]!, { 1: { rank: 1 }, 2: { rank: 5 } }],
        [posts[1]!, { 1: { note: "x" }, 2: { rank: 1 } }],
        [posts[2]!, { 1: { rank: 7 }, 2: {} }],
      ]);
    });
    // Two shapes of change (rank; note): two updates.
    expect(verbs(from)).toEqual(
      dialect === "postgres"
        ? ["begin", "select", "with", "commit"]
        : ["begin", "select", "savepoint", "update", "update", "release", "commit"],
    );
    const rows = await t.db.post
      .with("tags")
      .whereIn("id", [posts[0]!.id, posts[1]!.id, posts[2]!.id])
      .orderBy("id")
      .get();
    const pivots = rows.map((post) =>
      post.tags.map((tag) => [tag.id, tag.pivot.rank, tag.pivot.note, tag.pivot.updatedAt! > old]),
    );
    expect(pivots).toEqual([
      [
        [1, 1, null, false],
        [2, 5, null, true],
      ],
      [
        [1, 1, "x", true],
        [2, 1, null, false],
      ],
      [
        [1, 7, null, true],
        [2, 1, null, false],
      ],
    ]);
    for (const post of rows) for (const tag of post.tags) expect(tag.pivot.createdAt).toEqual(old);
  });

  it("a morphToMany with withPivotValue touches only its own type's rows with that value", async () => {
    const [video] = await t.db.video.get();
    await t.db.video.related(video!, "labels").attach([1, 2], { source: "user" });
    await t.db.kysely
      .insertInto("taggables")
      .values([
        { taggable_type: "post", taggable_id: posts[0]!.id, tag_id: 3, source: "bot" },
        { taggable_type: "post", taggable_id: posts[0]!.id, tag_id: 1, source: "user" },
      ])
      .execute();
    // Post 1 and video 1 share an id: only the post's rows are the relation's.
    const results = await t.db.post.syncMany("labels", [
      [posts[0]!, [2]],
      [posts[1]!, [4]],
    ]);
    expect(results.map(sorted)).toEqual([
      { attached: [2], detached: [1], updated: [] },
      { attached: [4], detached: [], updated: [] },
    ]);
    expect(await taggables()).toEqual([
      ["post", posts[0]!.id, 2, "user"],
      ["post", posts[0]!.id, 3, "bot"],
      ["post", posts[1]!.id, 4, "user"],
      ["video", video!.id, 1, "user"],
      ["video", video!.id, 2, "user"],
    ]);
  });

  it("a key that is no related row is a ValidationError after the read, and nothing is written", async () => {
    await t.db.post.related(posts[0]!, "tags").attach([1]);
    const before = await postTag();
    const from = t.queries.length;
    const error = await caught(() =>
      t.db.post.syncMany("tags", [
        [posts[0]!, [2]],
        [posts[1]!, [3, 99]],
      ]),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(/no "tag" with id 99/);
    expect(verbs(from)).toEqual(["select"]);
    expect(await postTag()).toEqual(before);
  });

  it("a write that fails in the middle leaves every parent as it was", async () => {
    for (const post of posts) await t.db.post.related(post, "tags").attach([1]);
    const before = await postTag();
    // Two posts given the same rank on tag 1: the update fails, after the delete and the insert.
    await t.db.kysely.schema
      .createIndex("post_tag_tag_rank")
      .unique()
      .on("post_tag")
      .columns(["rank", "tag_id"])
      .execute();
    try {
      const from = t.queries.length;
      const error = await caught(() =>
        t.db.post.syncMany("tags", [
          [posts[0]!, [2]],
          [posts[1]!, { 1: { rank: 5 }, 3: {} }],
          [posts[2]!, { 1: { rank: 5 } }],
        ]),
      );
      expect(error).toBeInstanceOf(UniqueConstraintError);
      expect(verbs(from)).toEqual(
        dialect === "postgres" ? ["select", "with"] : ["select", "begin", "delete", "insert", "update", "rollback"],
      );
      expect(await postTag()).toEqual(before);
    } finally {
      const drop = t.db.kysely.schema.dropIndex("post_tag_tag_rank");
      await (dialect === "mysql" ? drop.on("post_tag") : drop).execute();
    }
  });

  it("refuses bad arguments before any SQL, naming what it takes", async () => {
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => t.db.post.syncMany("tags", { 1: [1] } as never), /takes \[row, keys\] pairs or a Map/],
      [() => t.db.post.syncMany("tags", [posts[0]] as never), /entry 0 is .*not \[row, keys\]/],
      [() => t.db.post.syncMany("tags", [[1, [1]]] as never), /entry 0/],
      [
        () =>
          t.db.post.syncMany("tags", [
            [posts[0]!, [1]],
            [{ id: posts[0]!.id }, [2]],
          ]),
        /given the post with id \d+ twice/,
      ],
      [() => t.db.post.syncMany("tags", [[{ title: "x" }, [1]]]), /needs the parent's "id"/],
      [() => t.db.post.syncMany("tags", [[posts[0]!, { 1: { nope: 1 } }]]), /no pivot field "nope"/],
      [() => t.db.post.syncMany("tags", [], { detach: false } as never), /Unknown option "detach" of syncMany/],
      [() => t.db.post.syncMany("tags", [], { detaching: "no" } as never), /"detaching" takes true or false/],
      [() => t.db.post.syncMany("comments" as never, [[posts[0]!, [1]]]), /comments/],
      [() => (t.db.post.syncMany as any)("tags", [], {}, 1), /syncMany/],
    ];
    for (const [call, message] of cases) {
      const error = await caught(call);
      expect(error, String(message)).toBeInstanceOf(ValidationError);
      expect(error.message).toMatch(message);
    }
    const unknown = await caught(() => t.db.post.syncMany("nope" as never, []));
    expect(unknown).toBeInstanceOf(RelationNotFoundError);
    expect(t.queries).toHaveLength(0);
  });

  it("takes a Map, and an empty list sends nothing", async () => {
    expect(await t.db.post.syncMany("tags", [])).toEqual([]);
    expect(t.queries).toHaveLength(0);
    const results = await t.db.post.syncMany(
      "tags",
      new Map([
        [posts[0]!, [1, 2]],
        [posts[1]!, [2]],
      ]),
    );
    expect(results.map(sorted)).toEqual([
      { attached: [1, 2], detached: [], updated: [] },
      { attached: [2], detached: [], updated: [] },
    ]);
  });

  it.skipIf(dialect !== "sqlite")("splits its statements under SQLite's parameter limit", async () => {
    const many = await t.db.post.createMany(Array.from({ length: 17_000 }, (_, i) => ({ title: `bulk${i}` })));
    for (let i = 0; i < many.length; i += 10_000) {
      await t.db.kysely
        .insertInto("post_tag")
        .values(many.slice(i, i + 10_000).map((post) => ({ post_id: post.id, tag_id: 2 })))
        .execute();
    }
    const from = t.queries.length;
    const results = await t.db.post.syncMany(
      "tags",
      many.map((post) => [post, { 1: { rank: 1 }, 2: { rank: 3 } }] as const),
    );
    // 17,000 pivot rows: two deletes? no, none detached; inserts of 6 columns in chunks; updates of 4 values per row in chunks.
    const sent = verbs(from);
    expect(sent.filter((v) => v === "select")).toHaveLength(1);
    expect(sent.filter((v) => v === "insert").length).toBeGreaterThan(1);
    expect(sent.filter((v) => v === "update").length).toBeGreaterThan(1);
    expect(results.every((r) => r.attached.length === 1 && r.updated.length === 1)).toBe(true);
    const counts = await t.db.kysely
      .selectFrom("post_tag")
      .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.sum<number>("rank").as("ranks")])
      .executeTakeFirstOrThrow();
    expect(Number(counts.n)).toBe(34_000);
    expect(Number(counts.ranks)).toBe(17_000 * 4);
    const detached = await t.db.post.syncMany(
      "tags",
      many.map((post) => [post, [1]] as const),
    );
    expect(detached.every((r) => r.detached.length === 1)).toBe(true);
    expect(verbs(from).filter((v) => v === "delete").length).toBe(2);
  });
});

/** uuid keys and a string pivot value: the derived table of values takes the pivot's column types (PostgreSQL's uuid). */
const uuids = defineSchema(
  {
    doc: model({
      fields: { id: uuid().defaultRandom().primary(), title: string() },
      relations: { labels: belongsToMany("label", { pivotFields: { color: string().nullable() } }) },
    }),
    label: model({ fields: { id: uuid().defaultRandom().primary(), name: string() } }),
  },
  { casing: "snake_case" },
);

describe(`syncMany with uuid keys on ${dialect}`, () => {
  const t = useTestDb(uuids);

  it("deletes, inserts and updates by uuid pairs", async () => {
    const docs = [await t.db.doc.create({ title: "a" }), await t.db.doc.create({ title: "b" })];
    const labels = [];
    for (const name of ["x", "y", "z"]) labels.push(await t.db.label.create({ name }));
    const [x, y, z] = labels.map((label) => label.id) as [string, string, string];
    for (const doc of docs) await t.db.doc.related(doc, "labels").attach({ [x]: { color: "red" }, [y]: {} });
    const results = await t.db.doc.syncMany("labels", [
      [docs[0]!, { [x]: { color: "blue" }, [z]: {} }],
      [docs[1]!, { [x]: { color: "green" } }],
    ]);
    expect(results.map((r) => [r.attached, r.detached, r.updated])).toEqual([
      [[z], [y], [x]],
      [[], [y], [x]],
    ]);
    const read = await t.db.doc
      .with("labels", (q) => q.orderBy("name"))
      .orderBy("title")
      .get();
    expect(read.map((doc) => doc.labels.map((label) => [label.name, label.pivot.color]))).toEqual([
      [
        ["x", "blue"],
        ["z", null],
      ],
      [["x", "green"]],
    ]);
  });
});
