import { beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import {
  defineSchema,
  id,
  integer,
  model,
  morphedByMany,
  morphMany,
  morphOne,
  morphTo,
  morphToMany,
  type OwnerKeyFields,
  type Row,
  string,
} from "../../src/index.js";
import type { RelationKeyFields } from "../../src/schema/relation-types.js";
import type { MorphFieldName } from "../../src/schema/relations.js";
import { problem, rel, schemaError } from "../support/schema-helpers.js";
import { dialect, useTestDb } from "../support/test-db.js";

/**
 * Where morph relations find their type and id fields: the `typeField` / `idField` options, else
 * `${morphName}Type` / `${morphName}Id`, else `${morphName}_type` / `${morphName}_id` (a model
 * whose fields are named in snake case). On every database: reads, eager loads (both strategies),
 * filters and writes through morphOne, morphMany and morphTo declared each way; and the
 * SchemaErrors when neither spelling exists or an option names no field. The polymorphic pivots
 * (morphToMany / morphedByMany) name their pivot columns themselves and take neither option.
 */

const schema = defineSchema({
  post: model({
    table: "posts",
    fields: { id: id(), title: string() },
    relations: {
      // snake_case fields found by the morph name
      comments: morphMany("comment", { morphName: "commentable" }),
      latestComment: morphOne("comment", { morphName: "commentable", ofMany: "latest" }),
      // fields named by the options
      notes: morphMany("note", { morphName: "subject", typeField: "owner_kind", idField: "owner_key" }),
      firstNote: morphOne("note", {
        morphName: "subject",
        typeField: "owner_kind",
        idField: "owner_key",
        ofMany: "oldest",
      }),
      // one named, the other found by the morph name
      badge: morphOne("badge", { morphName: "holder", typeField: "kind" }),
    },
  }),
  video: model({
    table: "videos",
    fields: { id: id(), title: string() },
    relations: {
      comments: morphMany("comment", { morphName: "commentable" }),
      notes: morphMany("note", { morphName: "subject", typeField: "owner_kind", idField: "owner_key" }),
    },
  }),
  comment: model({
    table: "comments",
    fields: { id: id(), body: string(), commentable_type: string(), commentable_id: integer() },
    // the morph name defaults to the relation's: commentable_type / commentable_id
    relations: { commentable: morphTo() },
  }),
  note: model({
    table: "notes",
    fields: { id: id(), text: string(), owner_kind: string(), owner_key: integer().nullable() },
    relations: { subject: morphTo({ typeField: "owner_kind", idField: "owner_key" }) },
  }),
  badge: model({
    table: "badges",
    fields: { id: id(), label: string(), kind: string(), holder_id: integer() },
    relations: { holder: morphTo({ typeField: "kind", types: ["post"] }) },
  }),
});

describe(`morph type and id fields under the model's own names on ${dialect}`, () => {
  const t = useTestDb(schema);
  let p1: any, p2: any, v1: any;
  let c1: any, c2: any, c3: any, n1: any, n2: any, n3: any, b1: any;

  beforeAll(async () => {
    const db = t.db;
    p1 = await db.post.create({ title: "P1" });
    p2 = await db.post.create({ title: "P2" });
    v1 = await db.video.create({ title: "V1" });
    // The relation fills the type and id fields, whatever they are named: the input leaves them out.
    c1 = await db.post.related(p1, "comments").create({ body: "c1" });
    c2 = await db.video.related(v1, "comments").create({ body: "c2" });
    c3 = await db.post.related(p1, "comments").create({ body: "c3" });
    n1 = await db.post.related(p1, "notes").create({ text: "n1" });
    n2 = await db.video.related(v1, "notes").create({ text: "n2" });
    n3 = await db.post.related(p1, "notes").create({ text: "n3" });
    b1 = await db.post.related(p2, "badge").create({ label: "gold" });
  });

  it("resolves each relation to the fields it found", () => {
    expect(rel(schema, "post", "comments")).toMatchObject({ morphType: "commentable_type", morphId: "commentable_id" });
    expect(rel(schema, "comment", "commentable")).toMatchObject({
      morphType: "commentable_type",
      morphId: "commentable_id",
    });
    expect(rel(schema, "post", "notes")).toMatchObject({ morphType: "owner_kind", morphId: "owner_key" });
    expect(rel(schema, "note", "subject")).toMatchObject({ morphType: "owner_kind", morphId: "owner_key" });
    expect(rel(schema, "post", "badge")).toMatchObject({ morphType: "kind", morphId: "holder_id" });
    // morphTo's targets are the models with a morphOne/morphMany storing into the same fields
    expect([...(rel(schema, "note", "subject") as any).targets.keys()].sort()).toEqual(["post", "video"]);
    expect([...(rel(schema, "comment", "commentable") as any).targets.keys()].sort()).toEqual(["post", "video"]);
  });

  it("writes the type and id into those fields through morphOne and morphMany", () => {
    expect(c1).toMatchObject({ commentable_type: "post", commentable_id: p1.id });
    expect(c2).toMatchObject({ commentable_type: "video", commentable_id: v1.id });
    expect(n1).toMatchObject({ owner_kind: "post", owner_key: p1.id });
    expect(n2).toMatchObject({ owner_kind: "video", owner_key: v1.id });
    expect(b1).toMatchObject({ kind: "post", holder_id: p2.id });
  });

  for (const strategy of ["query", "join"] as const) {
    it(`eager loads morphMany, morphOne (of many) and morphTo with the "${strategy}" strategy`, async () => {
      const posts = await t.db.post
        .strategy(strategy)
        .with("comments", "latestComment", "notes", "firstNote", "badge")
        .orderBy("id")
        .get();
      expect(
        posts.map((p) => ({
          comments: p.comments.map((c) => c.id).sort(),
          latest: p.latestComment?.id ?? null,
          notes: p.notes.map((n) => n.id).sort(),
          first: p.firstNote?.id ?? null,
          badge: p.badge?.id ?? null,
        })),
      ).toEqual([
        { comments: [c1.id, c3.id], latest: c3.id, notes: [n1.id, n3.id], first: n1.id, badge: null },
        { comments: [], latest: null, notes: [], first: null, badge: b1.id },
      ]);
      const comments = await t.db.comment.strategy(strategy).with("commentable").orderBy("id").get();
      expect(comments.map((c) => c.commentable)).toEqual([p1, v1, p1]);
      const notes = await t.db.note.strategy(strategy).with("subject").orderBy("id").get();
      expect(notes.map((n) => n.subject)).toEqual([p1, v1, p1]);
      const badges = await t.db.badge.strategy(strategy).with("holder").get();
      expect(badges.map((b) => b.holder)).toEqual([p2]);
    });
  }

  it("reads through the relations and filters by them", async () => {
    expect(await t.db.note.related(n2, "subject").first()).toEqual(v1);
    expect(await t.db.comment.related(c1, "commentable").first()).toEqual(p1);
    expect(await t.db.post.whereHas("notes").orderBy("id").pluck("id")).toEqual([p1.id]);
    expect(await t.db.post.whereHas("badge").pluck("id")).toEqual([p2.id]);
    expect(await t.db.note.hasMorph("subject", ["video"]).pluck("id")).toEqual([n2.id]);
    expect(await t.db.comment.hasMorph("commentable", ["post"]).orderBy("id").pluck("id")).toEqual([c1.id, c3.id]);
  });

  it("associates a morphTo through the named fields", async () => {
    const note = await t.db.note.create({ text: "loose", owner_kind: "post", owner_key: null });
    await t.db.note.related(note, "subject").associate(v1);
    expect(await t.db.note.findOrFail(note.id)).toMatchObject({ owner_kind: "video", owner_key: v1.id });
    expect((await t.db.video.with("notes").where("id", v1.id).firstOrFail()).notes.map((n) => n.id)).toEqual([
      n2.id,
      note.id,
    ]);
    await t.db.note.where("id", note.id).delete();
  });

  it("creates related rows in a nested write through the snake_case morph fields", async () => {
    const post = await t.db.post.create({
      title: "nested",
      comments: { create: [{ body: "n-1" }, { body: "n-2" }] },
      notes: { create: { text: "n-3" } },
    });
    const read = await t.db.post.with("comments", "notes").where("id", post.id).firstOrFail();
    expect(read.comments.map((c) => [c.body, c.commentable_type, c.commentable_id])).toEqual([
      ["n-1", "post", read.id],
      ["n-2", "post", read.id],
    ]);
    expect(read.notes.map((n) => [n.text, n.owner_kind, n.owner_key])).toEqual([["n-3", "post", read.id]]);
    await t.db.comment
      .whereIn(
        "id",
        read.comments.map((c) => c.id),
      )
      .delete();
    await t.db.note
      .whereIn(
        "id",
        read.notes.map((n) => n.id),
      )
      .delete();
    // Only the fields the relation fills are left out of the nested input: the others are required.
    // @ts-expect-error `body` is not a morph field: a nested morphMany create still needs it
    const missing = () => t.db.post.create({ title: "x", comments: { create: [{}] } });
    expectTypeOf(missing).toBeFunction();
  });

  it("creates a row through its morphTo without the type and id fields it fills", async () => {
    const comment = await t.db.comment.create({ body: "owned", commentable: { connect: v1 } });
    const note = await t.db.note.create({ text: "owned", subject: { connect: p2 } });
    const badge = await t.db.badge.create({ label: "silver", holder: { connect: p1 } });
    expect(comment).toMatchObject({ commentable_type: "video", commentable_id: v1.id });
    expect(note).toMatchObject({ owner_kind: "post", owner_key: p2.id });
    expect(badge).toMatchObject({ kind: "post", holder_id: p1.id });
    await t.db.comment.where("id", comment.id).delete();
    await t.db.note.where("id", note.id).delete();
    await t.db.badge.where("id", badge.id).delete();
  });

  it("types a loaded morphTo by the type field the schema found, narrowing on it", async () => {
    const comments = await t.db.comment.with("commentable").orderBy("id").get();
    expectTypeOf(comments[0]!.commentable_type).toEqualTypeOf<"post" | "video">();
    expectTypeOf(comments[0]!).not.toHaveProperty("commentableType");
    expect(comments.map((c) => c.commentable_type)).toEqual(["post", "video", "post"]);
    const notes = await t.db.note.with("subject").orderBy("id").get();
    expectTypeOf(notes[0]!.owner_kind).toEqualTypeOf<"post" | "video">();
    expectTypeOf(notes[0]!).not.toHaveProperty("subjectType");
    const badges = await t.db.badge.with("holder").get();
    expectTypeOf(badges[0]!.kind).toEqualTypeOf<"post">();
    expectTypeOf(badges[0]!.holder).toEqualTypeOf<Row<typeof schema, "post"> | null>();

    // Per target model (morphWith): the post member alone has its comments loaded.
    const loaded = await t.db.comment
      .with("commentable", (q) => q.morphWith({ post: ["comments"] }))
      .orderBy("id")
      .get();
    expectTypeOf(loaded[0]!).not.toHaveProperty("commentableType");
    const seen = loaded.map((c) => {
      if (c.commentable_type === "post") {
        expectTypeOf(c.commentable).toEqualTypeOf<{
          id: number;
          title: string;
          comments: Row<typeof schema, "comment">[];
        } | null>();
        return c.commentable?.comments.map((x) => x.id).sort();
      }
      expectTypeOf(c.commentable_type).toEqualTypeOf<"video">();
      expectTypeOf(c.commentable).toEqualTypeOf<Row<typeof schema, "video"> | null>();
      return c.commentable?.title;
    });
    expect(seen).toEqual([[c1.id, c3.id], "V1", [c1.id, c3.id]]);
  });
});

describe("the morph fields a schema cannot find", () => {
  it("names both spellings and the options when neither exists", () => {
    const error = schemaError(() =>
      defineSchema({
        post: model({
          fields: { id: id() },
          relations: { cover: morphOne("image", { morphName: "imageable" }) },
        }),
        image: model({
          fields: { id: id(), imageable_type: string() },
          relations: { owner: morphTo({ types: ["post"] }) },
        }),
      }),
    );
    expect(error.problems).toHaveLength(3);
    problem(
      error,
      "post.cover",
      '"image.imageableId"',
      '"image.imageable_id"',
      "idField",
      "fields of image: id, imageable_type",
    );
    problem(error, "image.owner", '"image.ownerType"', '"image.owner_type"', "typeField");
    problem(error, "image.owner", '"image.ownerId"', '"image.owner_id"', "idField");
  });

  it("reports a typeField / idField naming no field, or not a name", () => {
    const error = schemaError(() =>
      defineSchema({
        post: model({
          fields: { id: id() },
          relations: {
            notes: morphMany("note", { morphName: "subject", typeField: "kind", idField: "nope" }),
            odd: morphMany("note", { morphName: "subject", typeField: 3 as never, idField: "" }),
          },
        }),
        note: model({
          fields: { id: id(), kind: string(), key: integer() },
          relations: { subject: morphTo({ typeField: "kind", idField: "key", types: ["post"] }) },
        }),
      }),
    );
    expect(error.problems).toHaveLength(3);
    problem(error, "post.notes", 'idField "note.nope" does not exist', "fields of note: id, kind, key");
    problem(error, "post.odd", 'typeField takes the name of a field of "note", got 3');
    problem(error, "post.odd", 'idField takes the name of a field of "note", got ""');
  });

  it("prefers commentableType / commentableId to commentable_type / commentable_id when a model has both", () => {
    const both = defineSchema({
      post: model({
        fields: { id: id() },
        relations: { comments: morphMany("comment", { morphName: "commentable" }) },
      }),
      comment: model({
        fields: {
          id: id(),
          commentableType: string(),
          commentableId: integer(),
          commentable_type: string(),
          commentable_id: integer(),
        },
        relations: { commentable: morphTo() },
      }),
    });
    expect(rel(both, "post", "comments")).toMatchObject({ morphType: "commentableType", morphId: "commentableId" });
    expect(rel(both, "comment", "commentable")).toMatchObject({ morphType: "commentableType" });
  });

  it("leaves the polymorphic pivots to name their own columns: typeField / idField are not their options", () => {
    const error = schemaError(() =>
      defineSchema({
        post: model({
          fields: { id: id() },
          relations: { tags: morphToMany("tag", { morphName: "taggable", typeField: "x" } as never) },
        }),
        tag: model({
          fields: { id: id() },
          relations: { posts: morphedByMany("post", { morphName: "taggable", idField: "y" } as never) },
        }),
      }),
    );
    problem(error, "post.tags", 'unknown option "typeField"; morphToMany takes');
    problem(error, "tag.posts", 'unknown option "idField"; morphedByMany takes');
  });

  it("types the field names as the schema finds them (MorphFieldName)", () => {
    type Fields = "id" | "commentable_type" | "commentable_id" | "kind";
    expectTypeOf<MorphFieldName<{}, "commentable", "type", Fields>>().toEqualTypeOf<"commentable_type">();
    expectTypeOf<MorphFieldName<{}, "commentable", "id", Fields>>().toEqualTypeOf<"commentable_id">();
    expectTypeOf<MorphFieldName<{ typeField: "kind" }, "commentable", "type", Fields>>().toEqualTypeOf<"kind">();
    expectTypeOf<MorphFieldName<{}, "taggable", "type", "taggableType">>().toEqualTypeOf<"taggableType">();
  });

  it("leaves out of writes the fields the schema found (RelationKeyFields, OwnerKeyFields)", () => {
    type S = typeof schema;
    // the fields a morphOne / morphMany fills on the related row
    expectTypeOf<RelationKeyFields<S, "post", "comments">>().toEqualTypeOf<"commentable_type" | "commentable_id">();
    expectTypeOf<RelationKeyFields<S, "post", "notes">>().toEqualTypeOf<"owner_kind" | "owner_key">();
    expectTypeOf<RelationKeyFields<S, "post", "badge">>().toEqualTypeOf<"kind" | "holder_id">();
    // the fields a morphTo fills on its own row
    expectTypeOf<OwnerKeyFields<S, "comment">>().toEqualTypeOf<"commentable_type" | "commentable_id">();
    expectTypeOf<OwnerKeyFields<S, "note">>().toEqualTypeOf<"owner_kind" | "owner_key">();
    expectTypeOf<OwnerKeyFields<S, "badge">>().toEqualTypeOf<"kind" | "holder_id">();
  });
});
