import { beforeEach, describe, expect, it } from "vitest";
import {
  belongsTo,
  defineSchema,
  hasMany,
  id,
  integer,
  model,
  morphMany,
  morphTo,
  SchemaError,
  string,
  timestamp,
} from "../../src/index.js";
import { caught } from "../support/caught.js";
import { dialect, useTestDb } from "../support/test-db.js";

/** `touches: true` on a belongsTo / morphTo: writing the row sets its owner's updatedAt. */
const stamps = { createdAt: timestamp(), updatedAt: timestamp() };
const schema = defineSchema({
  thread: model({
    fields: { id: id(), title: string(), ...stamps },
    relations: { posts: hasMany("post"), reactions: morphMany("reaction", { morphName: "reactable" }) },
    timestamps: true,
  }),
  post: model({
    fields: { id: id(), threadId: integer().nullable(), body: string(), ...stamps },
    relations: {
      thread: belongsTo("thread", { touches: true }),
      reactions: morphMany("reaction", { morphName: "reactable" }),
    },
    timestamps: true,
  }),
  reaction: model({
    fields: { id: id(), emoji: string(), reactableType: string(), reactableId: integer() },
    relations: { reactable: morphTo({ touches: true }) },
  }),
});

const OLD = new Date("2001-02-03T04:05:06.000Z");

describe(`touches on ${dialect}`, () => {
  const t = useTestDb(schema);
  let a: any;
  let b: any;
  beforeEach(async () => {
    await t.truncate();
    [a, b] = await t.db.thread.createMany([
      { title: "a", createdAt: OLD, updatedAt: OLD },
      { title: "b", createdAt: OLD, updatedAt: OLD },
    ]);
  });
  const updatedAt = async (id: number) => (await t.db.thread.findOrFail(id)).updatedAt.getTime();
  const reset = () => t.db.thread.query().update({ updatedAt: OLD });

  it("creating, updating and deleting a post bump its thread's updatedAt (old and new owner on a move)", async () => {
    const before = Date.now() - 1000;
    const post = await t.db.post.create({ threadId: a.id, body: "hi" });
    expect(await updatedAt(a.id)).toBeGreaterThanOrEqual(before);
    expect(await updatedAt(b.id)).toBe(OLD.getTime());
    await reset();
    await t.db.post.where("id", post.id).update({ threadId: b.id });
    expect([await updatedAt(a.id), await updatedAt(b.id)].every((time) => time >= before)).toBe(true);
    await reset();
    await t.db.post.where("id", post.id).delete();
    expect(await updatedAt(b.id)).toBeGreaterThanOrEqual(before);
    expect(await updatedAt(a.id)).toBe(OLD.getTime());
  });

  it("a morphTo touches the owner of each row's type; nested and related writes touch too; one UPDATE per owner model", async () => {
    const before = Date.now() - 1000;
    const post = await t.db.post.create({ threadId: null, body: "x", createdAt: OLD, updatedAt: OLD });
    await t.db.thread.related(a, "reactions").create({ emoji: "+1" });
    expect(await updatedAt(a.id)).toBeGreaterThanOrEqual(before);
    await reset();
    const { queries } = await t.count(() =>
      t.db.reaction.createMany([
        { emoji: "a", reactableType: "thread", reactableId: b.id },
        { emoji: "b", reactableType: "post", reactableId: post.id },
        { emoji: "c", reactableType: "thread", reactableId: b.id },
      ]),
    );
    expect(await updatedAt(b.id)).toBeGreaterThanOrEqual(before);
    expect((await t.db.post.findOrFail(post.id)).updatedAt.getTime()).toBeGreaterThanOrEqual(before);
    // BEGIN, the insert (MySQL: plus its read-back), one UPDATE per owner model, COMMIT.
    expect(queries).toBeLessThanOrEqual(7);
    await reset();
    await t.db.thread.create({ title: "c", posts: { create: [{ body: "nested" }] } });
    expect(await updatedAt(a.id)).toBe(OLD.getTime());
  });

  it("touches on a belongsTo whose owner has no updatedAt is a SchemaError; a non-boolean too", async () => {
    const error = await caught(() =>
      defineSchema({
        owner: model({ fields: { id: id() } }),
        child: model({
          fields: { id: id(), ownerId: integer(), other: integer() },
          relations: {
            owner: belongsTo("owner", { touches: true }),
            bad: belongsTo("owner", { foreignKey: "other", touches: 1 as never }),
          },
        }),
      }),
    );
    expect(error).toBeInstanceOf(SchemaError);
    expect(error.message).toContain('touches sets "owner.updatedAt", but "owner" has no timestamps option');
    expect(error.message).toContain("touches takes true or false");
  });
});
