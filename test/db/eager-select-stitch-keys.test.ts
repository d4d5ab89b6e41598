import { setFlagsFromString } from "node:v8";
import { beforeAll, describe, expect, it } from "vitest";
import {
  belongsTo,
  belongsToMany,
  createDb,
  defineSchema,
  hasMany,
  id,
  integer,
  model,
  string,
  timestamp,
} from "../../src/index.js";
import { dialect, strategy, useTestDb } from "../support/test-db.js";

/**
 * A narrowed select at any level still stitches relations: the keys it leaves out are read,
 * used, and dropped. The rows that come back are ordinary fast objects: dropping the keys with
 * `delete` would leave every row a slow dictionary object (and selecting fewer columns slower
 * than selecting all of them).
 */
setFlagsFromString("--allow-natives-syntax");
const hasFastProperties = new Function("o", "return %HasFastProperties(o)") as (o: object) => boolean;

const schema = defineSchema(
  {
    user: model({ fields: { id: id(), name: string() }, relations: { posts: hasMany("post") } }),
    post: model({
      fields: { id: id(), userId: integer(), title: string() },
      relations: {
        author: belongsTo("user", { foreignKey: "userId" }),
        comments: hasMany("comment"),
        tags: belongsToMany("tag", { pivotFields: { addedAt: timestamp() } }),
      },
    }),
    comment: model({ fields: { id: id(), postId: integer(), body: string() } }),
    tag: model({ fields: { id: id(), name: string() } }),
  },
  { casing: "snake_case" },
);

/** Every object of a result graph (rows, pivots), each once. */
function objectsOf(value: unknown, seen = new Set<object>()): Set<object> {
  if (value === null || typeof value !== "object" || seen.has(value) || value instanceof Date) return seen;
  if (!Array.isArray(value)) seen.add(value);
  for (const item of Array.isArray(value) ? value : Object.values(value)) objectsOf(item, seen);
  return seen;
}

describe(`stitch keys left out of a select on ${dialect} (${strategy})`, () => {
  const t = useTestDb(schema);
  const addedAt = new Date("2024-01-02T03:04:05.000Z");

  beforeAll(async () => {
    const ada = await t.db.user.create({ name: "Ada" });
    const bob = await t.db.user.create({ name: "Bob" });
    const tag = await t.db.tag.create({ name: "orm" });
    for (const [user, title] of [
      [ada, "A1"],
      [ada, "A2"],
      [bob, "B1"],
    ] as const) {
      await t.db.post.create({
        userId: user.id,
        title,
        comments: { create: [{ body: `${title} c1` }, { body: `${title} c2` }] },
        tags: { connect: { [tag.id]: { addedAt } } },
      });
    }
  });

  it("reads the keys, drops them, and returns fast objects at every level", async () => {
    const users = await t.db.user
      .select("name")
      .with("posts", (q) =>
        q
          .select("title")
          .with("comments", (c) => c.select("body"))
          .with("tags", (g) => g.select("name")),
      )
      .orderBy("id")
      .get();
    expect(users).toEqual([
      {
        name: "Ada",
        posts: [
          {
            title: "A1",
            comments: [{ body: "A1 c1" }, { body: "A1 c2" }],
            tags: [{ name: "orm", pivot: expect.objectContaining({ addedAt }) }],
          },
          {
            title: "A2",
            comments: [{ body: "A2 c1" }, { body: "A2 c2" }],
            tags: [{ name: "orm", pivot: expect.objectContaining({ addedAt }) }],
          },
        ],
      },
      {
        name: "Bob",
        posts: [
          {
            title: "B1",
            comments: [{ body: "B1 c1" }, { body: "B1 c2" }],
            tags: [{ name: "orm", pivot: expect.objectContaining({ addedAt }) }],
          },
        ],
      },
    ]);
    const slow = [...objectsOf(users)].filter((o) => !hasFastProperties(o));
    expect(slow).toEqual([]);
  });

  it("keeps one object for a row several parents share (belongsTo), below a one-row read too", async () => {
    const posts: any[] = await t.db.post
      .select("title")
      .with("author", (q) => q.select("name"))
      .orderBy("id")
      .get();
    expect(posts.map((p) => [p.title, p.author])).toEqual([
      ["A1", { name: "Ada" }],
      ["A2", { name: "Ada" }],
      ["B1", { name: "Bob" }],
    ]);
    if (strategy === "query") expect(posts[0].author).toBe(posts[1].author);
    expect([...objectsOf(posts)].filter((o) => !hasFastProperties(o))).toEqual([]);
    const one: any = await t.db.post.select("title").with("author").orderBy("id").first();
    expect(one).toEqual({ title: "A1", author: { id: expect.any(Number), name: "Ada" } });
    expect(hasFastProperties(one)).toBe(true);
  });

  it("load() onto rows already read drops the keys its constraint leaves out", async () => {
    const users = await t.db.user.orderBy("id").get();
    // At run time load() takes what with() takes, an eager object with a constraint too.
    const load = t.db.user.load as unknown as (rows: object[], spec: object) => Promise<unknown>;
    await load.call(t.db.user, users, { posts: (q: any) => q.select("title") });
    expect(users.map((u: any) => u.posts)).toEqual([[{ title: "A1" }, { title: "A2" }], [{ title: "B1" }]]);
    expect([...objectsOf(users)].filter((o) => !hasFastProperties(o))).toEqual([]);
  });
});

// The natives check itself must work, or the tests above could not fail.
it("%HasFastProperties tells a dictionary object", () => {
  const o: Record<string, unknown> = { a: 1, b: 2, c: 3 };
  expect(hasFastProperties(o)).toBe(true);
  delete o.a;
  expect(hasFastProperties(o)).toBe(false);
  expect(createDb).toBeTypeOf("function");
});
