import { beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import {
  belongsTo,
  belongsToMany,
  bigint,
  boolean,
  type CreateInput,
  date,
  decimal,
  defineSchema,
  float,
  hasMany,
  id,
  integer,
  json,
  model,
  morphedByMany,
  morphMany,
  morphTo,
  morphToMany,
  type Row,
  SchemaError,
  string,
  text,
  timestamp,
  uuid,
} from "../../src/index.js";
import { column, relation } from "../../src/schema/seed-columns.js";
import { caught } from "../support/caught.js";
import { rel } from "../support/schema-helpers.js";
import { dialect, useTestDb } from "../support/test-db.js";

/**
 * Seed 003's (eloquent-orm.js) `column(type, length?, options?)` and `relation(kind, target,
 * options?)`: its SQL scenario (users, posts with user_id, tags through a post_tags pivot named
 * with pivotTable / pivotLocalKey / pivotForeignKey, comments and photos with snake_case morph
 * fields) declared with them, pushed and read on every database; the field builders and relation
 * definitions they give, their row types, and the SchemaErrors for what they do not take.
 */

const pk = () => column("increments", undefined, { primary: true });

const seed = defineSchema({
  user: model({
    table: "users",
    fields: { id: pk(), name: column("string", 255) },
    relations: {
      posts: relation("hasMany", "post", { foreignKey: "user_id" }),
      avatar: relation("morphOne", "photo", { morphName: "imageable" }),
    },
  }),
  post: model({
    table: "posts",
    fields: {
      id: pk(),
      title: column("string", 255),
      user_id: column("int", undefined, { references: "user.id", onDelete: "cascade" }),
    },
    relations: {
      author: relation("belongsTo", "user", { foreignKey: "user_id" }),
      tags: relation("belongsToMany", "tag", {
        pivotTable: "post_tags",
        pivotLocalKey: "post_id",
        pivotForeignKey: "tag_id",
      }),
      comments: relation("morphMany", "comment", { morphName: "commentable" }),
      photos: relation("morphMany", "photo", { morphName: "imageable" }),
    },
  }),
  tag: model({
    table: "tags",
    fields: { id: pk(), name: column("string", 100, { unique: true }) },
    relations: {
      posts: relation("belongsToMany", "post", {
        pivotTable: "post_tags",
        pivotLocalKey: "tag_id",
        pivotForeignKey: "post_id",
      }),
    },
  }),
  comment: model({
    table: "comments",
    fields: {
      id: pk(),
      body: column("string", 255),
      commentable_id: column("int"),
      commentable_type: column("string", 255),
    },
    relations: { commentable: relation("morphTo", "Commentable", { morphName: "commentable" }) },
  }),
  photo: model({
    table: "photos",
    fields: {
      id: pk(),
      path: column("string", 255),
      // As seed 003 declares it: a string id field holding the owners' integer keys.
      imageable_id: column("string"),
      imageable_type: column("string", 255),
    },
    relations: {
      imageable: relation("morphTo", "GeoLocation", { morphName: "imageable" }),
      comments: relation("morphMany", "comment", { morphName: "commentable" }),
    },
  }),
  sample: model({
    table: "samples",
    fields: {
      id: pk(),
      code: column("char", 8),
      note: column("mediumText", undefined, { nullable: true }),
      body: column("longText"),
      small: column("smallInteger", undefined, { default: 7 }),
      big: column("bigInteger"),
      bigNumber: column("bigint", undefined, { mode: "number", default: 0 }),
      ratio: column("double"),
      price: column("decimal", 8, { scale: 3 }),
      active: column("bool", undefined, { default: true }),
      born: column("date", undefined, { nullable: true }),
      seen: column("dateTime", undefined, { withTimezone: false }),
      meta: column("jsonb", undefined, { nullable: true }),
      ref: column("uuid", undefined, { unique: true }),
      label: column("string", 40, { column: "label_text", index: true, unsigned: false }),
    },
  }),
});

describe(`seed 003's column() and relation() on ${dialect}`, () => {
  const t = useTestDb(seed);
  let ada: any, bob: any, p1: any, p2: any, golang: any, news: any;
  let c1: any, c2: any, c3: any, ph1: any, ph2: any;

  beforeAll(async () => {
    const db = t.db;
    ada = await db.user.create({ name: "Ada" });
    bob = await db.user.create({ name: "Bob" });
    p1 = await db.post.create({ title: "P1", user_id: ada.id });
    p2 = await db.post.create({ title: "P2", user_id: ada.id });
    golang = await db.tag.create({ name: "golang" });
    news = await db.tag.create({ name: "news" });
    // The morph fields are filled through the relations, under their snake_case names.
    c1 = await db.post.related(p1, "comments").create({ body: "on P1" });
    ph1 = await db.user.related(bob, "avatar").create({ path: "bob.png" });
    ph2 = await db.post.related(p2, "photos").create({ path: "p2.png" });
    c2 = await db.photo.related(ph1, "comments").create({ body: "on bob.png" });
    c3 = await db.post.related(p1, "comments").create({ body: "again on P1" });
  });

  it("writes the morph type and id fields seed 003 names commentable_type / commentable_id", () => {
    expect(c1).toMatchObject({ commentable_type: "post", commentable_id: p1.id });
    expect(c2).toMatchObject({ commentable_type: "photo", commentable_id: ph1.id });
    expect(ph1).toMatchObject({ imageable_type: "user", imageable_id: String(bob.id) });
    expect(ph2).toMatchObject({ imageable_type: "post", imageable_id: String(p2.id) });
  });

  it("attaches through the pivot named by pivotTable / pivotLocalKey / pivotForeignKey", async () => {
    await t.db.post.related(p1, "tags").attach([golang.id, news.id]);
    await t.db.tag.related(news, "posts").attach([p2.id]);
    const rows = await t.db.kysely.selectFrom("post_tags").selectAll().orderBy("post_id").orderBy("tag_id").execute();
    expect(rows).toEqual([
      { post_id: p1.id, tag_id: golang.id },
      { post_id: p1.id, tag_id: news.id },
      { post_id: p2.id, tag_id: news.id },
    ]);
  });

  it("eager loads hasMany, belongsTo and belongsToMany in both directions", async () => {
    const users = await t.db.user.with("posts").orderBy("id").get();
    expect(users.map((u) => [u.name, u.posts.map((p) => p.title)])).toEqual([
      ["Ada", ["P1", "P2"]],
      ["Bob", []],
    ]);
    const posts = await t.db.post.with("author", "tags").orderBy("id").get();
    expect(posts.map((p) => [p.title, p.author?.name, p.tags.map((tag) => tag.name).sort()])).toEqual([
      ["P1", "Ada", ["golang", "news"]],
      ["P2", "Ada", ["news"]],
    ]);
    expect(posts[0]!.tags.map((tag) => tag.pivot).sort((a: any, b: any) => a.tag_id - b.tag_id)).toEqual([
      { post_id: p1.id, tag_id: golang.id },
      { post_id: p1.id, tag_id: news.id },
    ]);
    const tags = await t.db.tag.with("posts").orderBy("id").get();
    expect(tags.map((tag) => [tag.name, tag.posts.map((p) => p.title).sort()])).toEqual([
      ["golang", ["P1"]],
      ["news", ["P1", "P2"]],
    ]);
  });

  it("eager loads morphMany, morphOne and morphTo over the snake_case morph fields, in both strategies", async () => {
    for (const strategy of ["query", "join"] as const) {
      const posts = await t.db.post.strategy(strategy).with("comments", "photos").orderBy("id").get();
      expect(posts.map((p) => [p.comments.map((c) => c.body).sort(), p.photos.map((ph) => ph.path)])).toEqual([
        [["again on P1", "on P1"], []],
        [[], ["p2.png"]],
      ]);
      const users = await t.db.user.strategy(strategy).with("avatar").orderBy("id").get();
      expect(users.map((u) => u.avatar?.path ?? null)).toEqual([null, "bob.png"]);
      const comments = await t.db.comment.strategy(strategy).with("commentable").orderBy("id").get();
      expect(comments.map((c) => c.commentable?.id)).toEqual([p1.id, ph1.id, p1.id]);
      expect(comments.map((c) => c.commentable_type)).toEqual(["post", "photo", "post"]);
      expect(comments[1]!.commentable).toEqual(ph1);
      const photos = await t.db.photo.strategy(strategy).with("imageable", "comments").orderBy("id").get();
      expect(photos.map((ph) => [ph.imageable?.id, ph.comments.map((c) => c.id)])).toEqual([
        [bob.id, [c2.id]],
        [p2.id, []],
      ]);
    }
  });

  it("filters by the morph relations", async () => {
    const withComments = await t.db.post.whereHas("comments").pluck("title");
    expect(withComments).toEqual(["P1"]);
    const onPosts = await t.db.comment.hasMorph("commentable", ["post"]).orderBy("id").pluck("id");
    expect(onPosts).toEqual([c1.id, c3.id]);
  });

  it("round-trips every column type on the database", async () => {
    const row = await t.db.sample.create({
      code: "AB12",
      body: "x".repeat(1000),
      big: 2n ** 40n,
      ratio: 0.25,
      price: "12.345",
      seen: new Date("2024-05-06T07:08:09.000Z"),
      ref: "6f1c2d9e-0b7a-4c1e-9a53-0d2c7f4b8e11",
      meta: { tags: ["a"] },
      label: "first",
    });
    const read = await t.db.sample.findOrFail(row.id);
    expect(read).toEqual({
      id: row.id,
      code: "AB12",
      note: null,
      body: "x".repeat(1000),
      small: 7,
      big: 2n ** 40n,
      bigNumber: 0,
      ratio: 0.25,
      price: "12.345",
      active: true,
      born: null,
      seen: new Date("2024-05-06T07:08:09.000Z"),
      meta: { tags: ["a"] },
      ref: "6f1c2d9e-0b7a-4c1e-9a53-0d2c7f4b8e11",
      label: "first",
    });
    const columns = await t.db.kysely.selectFrom("samples").select("label_text").execute();
    expect(columns).toEqual([{ label_text: "first" }]);
  });

  it("infers the rows of a schema declared with column()", async () => {
    expectTypeOf<Row<typeof seed, "post">>().toEqualTypeOf<{ id: number; title: string; user_id: number }>();
    expectTypeOf<Row<typeof seed, "sample">>().toEqualTypeOf<{
      id: number;
      code: string;
      note: string | null;
      body: string;
      small: number;
      big: bigint;
      bigNumber: number;
      ratio: number;
      price: string;
      active: boolean;
      born: string | null;
      seen: Date;
      meta: unknown;
      ref: string;
      label: string;
    }>();
    // increments, defaults and nullable columns may be left out of a create; the others may not.
    type Create = CreateInput<typeof seed, "sample">;
    expectTypeOf<Pick<Create, "id" | "small" | "bigNumber" | "active" | "note">>().toEqualTypeOf<{
      id?: number;
      small?: number;
      bigNumber?: number;
      active?: boolean;
      note?: string | null;
    }>();
    expectTypeOf<Pick<Create, "code" | "big">>().toEqualTypeOf<{ code: string; big: bigint }>();
    const posts = await t.db.post.with("author", "tags", "comments").get();
    expectTypeOf(posts[0]!.author).toEqualTypeOf<{ id: number; name: string }>();
    expectTypeOf(posts[0]!.tags[0]!.name).toEqualTypeOf<string>();
    expectTypeOf(posts[0]!.comments[0]!.commentable_type).toEqualTypeOf<string>();
  });

  it("types the snake_case morph fields: a loaded morphTo narrows on commentable_type, writes leave them out", async () => {
    const comments = await t.db.comment.with("commentable").orderBy("id").get();
    expectTypeOf(comments[0]!.commentable_type).toEqualTypeOf<"post" | "photo">();
    expectTypeOf(comments[0]!).not.toHaveProperty("commentableType");
    const owners = comments.map((c) => (c.commentable_type === "photo" ? c.commentable?.path : c.commentable?.title));
    expect(owners).toEqual(["P1", "bob.png", "P1"]);
    const photos = await t.db.photo.with("imageable").orderBy("id").get();
    expectTypeOf(photos[0]!.imageable_type).toEqualTypeOf<"user" | "post">();
    const photo = photos[0]!;
    if (photo.imageable_type === "user") expectTypeOf(photo.imageable).toEqualTypeOf<Row<typeof seed, "user"> | null>();
    expect(photos.map((ph) => ph.imageable_type)).toEqual(["user", "post"]);
    // @ts-expect-error `body` is not a morph field: a related create still needs it
    const missing = () => t.db.post.related(p1, "comments").create({});
    expectTypeOf(missing).toBeFunction();
    // a nested write through the morphTo fills commentable_type / commentable_id
    const comment = await t.db.comment.create({ body: "nested", commentable: { connect: p2 } });
    expect(comment).toMatchObject({ commentable_type: "post", commentable_id: p2.id });
    await t.db.comment.where("id", comment.id).delete();
  });
});

describe("column() gives relata's field builders", () => {
  it("maps each type name to its builder, with the options as the chained calls", () => {
    const same = (a: { config: unknown }, b: { config: unknown }) => expect(a.config).toEqual(b.config);
    same(column("increments", undefined, { primary: true }), id());
    same(column("string"), string());
    same(column("string", 120, { nullable: true, unique: true }), string(120).nullable().unique());
    same(column("char", 2), string(2));
    same(column("text"), text());
    same(column("longText"), text());
    same(column("int", undefined, { index: true, default: 3 }), integer().index().default(3));
    same(column("tinyInteger"), integer());
    same(column("bigInteger"), bigint());
    same(column("bigint", undefined, { mode: "number" }), bigint({ mode: "number" }));
    same(column("float"), float());
    same(column("decimal", 12, { scale: 4 }), decimal(12, 4));
    same(column("decimal"), decimal());
    same(column("boolean", undefined, { default: false }), boolean().default(false));
    same(column("date"), date());
    same(column("timestamp"), timestamp());
    same(column("datetime", undefined, { withTimezone: false }), timestamp({ withTimezone: false }));
    same(column("json"), json());
    same(column("uuid", undefined, { primary: true }), uuid().primary());
    same(
      column("int", undefined, { references: "user.id", onDelete: "set null", nullable: true }),
      integer().nullable().references("user.id", { onDelete: "set null" }),
    );
    same(column("string", undefined, { nullable: true, default: null }), string().nullable());
  });

  it("types each field as the builder does", () => {
    expectTypeOf(column("increments", undefined, { primary: true })).toEqualTypeOf(id());
    expectTypeOf(column("string", 255)).toEqualTypeOf(string());
    expectTypeOf(column("text", undefined, { nullable: true })).toEqualTypeOf(text().nullable());
    expectTypeOf(column("int", undefined, { default: 1 })).toEqualTypeOf(integer().default(1));
    expectTypeOf(column("bigInteger")).toEqualTypeOf(bigint());
    expectTypeOf(column("bigInteger", undefined, { mode: "number" })).toEqualTypeOf(bigint({ mode: "number" }));
    expectTypeOf(column("decimal", 8, { scale: 2 })).toEqualTypeOf(decimal(8, 2));
    expectTypeOf(column("bool")).toEqualTypeOf(boolean());
    expectTypeOf(column("timestamp", undefined, { nullable: true })).toEqualTypeOf(timestamp().nullable());
    expectTypeOf(column("date")).toEqualTypeOf(date());
    expectTypeOf(column("uuid")).toEqualTypeOf(uuid());
  });

  it("is a SchemaError listing the valid types for an unknown type", () => {
    const error = (() => {
      try {
        // @ts-expect-error not a column type
        column("strng");
      } catch (e) {
        return e as SchemaError;
      }
    })();
    expect(error).toBeInstanceOf(SchemaError);
    expect(error!.message).toContain('unknown column type "strng"');
    expect(error!.message).toContain("increments, string, char, text");
  });

  it("is a SchemaError for an unknown option, naming the options the type takes", () => {
    // @ts-expect-error not an option of column()
    expect(() => column("string", 255, { nulable: true })).toThrow(
      /unknown option "nulable"; "string" takes primary, nullable/,
    );
    // @ts-expect-error scale belongs to decimal
    expect(() => column("int", undefined, { scale: 2 })).toThrow(/unknown option "scale"/);
    // @ts-expect-error a default of another type
    expect(() => column("int", undefined, { default: "3" })).toThrow(/default of a "int" column must be a number/);
    // @ts-expect-error an option value of another type
    expect(() => column("string", 255, { nullable: "yes" })).toThrow(/option nullable takes true or false/);
    expect(() => column("int", undefined, { onDelete: "cascade" })).toThrow(/onDelete needs references/);
    // @ts-expect-error relata makes no unsigned integers
    expect(() => column("int", undefined, { unsigned: true })).toThrow(/no unsigned integers/);
    // @ts-expect-error an auto-increment key is never null
    expect(() => column("increments", undefined, { nullable: true })).toThrow(/cannot be nullable/);
    // @ts-expect-error increments is always the primary key
    expect(() => column("increments", undefined, { primary: false })).toThrow(/always the primary key/);
    // @ts-expect-error an auto-increment key takes no default
    expect(() => column("increments", undefined, { default: 1 })).toThrow(/takes no default/);
    expect(() => column("string", 10, { default: null })).toThrow(/default null needs nullable: true/);
  });

  it("is a SchemaError for a length where none means anything, or one out of range", () => {
    // @ts-expect-error int takes no length
    expect(() => column("int", 11)).toThrow(/column\("int", 11\): a length means nothing for "int"/);
    // @ts-expect-error increments takes no length
    expect(() => column("increments", 10)).toThrow(/a length means nothing/);
    expect(() => column("string", 0)).toThrow(/from 1 to 16383/);
    expect(() => column("string", 2.5)).toThrow(/from 1 to 16383/);
    expect(() => column("decimal", 70)).toThrow(/precision, a whole number from 1 to 65/);
    expect(() => column("decimal", 4, { scale: 6 })).toThrow(/scale 6 is more than the precision 4/);
  });

  it("is a SchemaError for bigIncrements, which relata cannot make", () => {
    // @ts-expect-error relata has no 64-bit auto-increment key
    expect(() => column("bigIncrements")).toThrow(/no 64-bit auto-increment key/);
  });
});

describe("relation() gives relata's relation definitions", () => {
  it("translates seed 003's pivot option names, keeping the target as written", () => {
    expect(relation("hasMany", "Post", { foreignKey: "user_id" })).toEqual(hasMany("Post", { foreignKey: "user_id" }));
    expect(relation("belongsTo", "User", { foreignKey: "user_id", ownerKey: "id" })).toEqual(
      belongsTo("User", { foreignKey: "user_id", ownerKey: "id" }),
    );
    expect(
      relation("belongsToMany", "Tag", {
        pivotTable: "post_tags",
        pivotLocalKey: "post_id",
        pivotForeignKey: "tag_id",
      }),
    ).toEqual(belongsToMany("Tag", { table: "post_tags", foreignPivotKey: "post_id", relatedPivotKey: "tag_id" }));
    expect(relation("belongsToMany", "tag", { table: "post_tags", timestamps: true })).toEqual(
      belongsToMany("tag", { table: "post_tags", timestamps: true }),
    );
    expect(relation("morphMany", "Comment", { morphName: "commentable" })).toEqual(
      morphMany("Comment", { morphName: "commentable" }),
    );
    expect(
      relation("morphToMany", "tag", { morphName: "taggable", pivotTable: "tag_links", pivotForeignKey: "tag_id" }),
    ).toEqual(morphToMany("tag", { morphName: "taggable", table: "tag_links", foreignPivotKey: "tag_id" }));
    expect(relation("morphedByMany", "post", { morphName: "taggable", pivotLocalKey: "tag_id" })).toEqual(
      morphedByMany("post", { morphName: "taggable", foreignPivotKey: "tag_id" }),
    );
    expect(relation("belongsToMany", "badge", { through: "award", from: "memberId", to: "badgeId" })).toMatchObject({
      options: { through: "award", foreignPivotKey: "memberId", relatedPivotKey: "badgeId" },
    });
  });

  it("leaves a morphTo's target out, as morphTo() does", () => {
    const commentable = relation("morphTo", "Commentable", { morphName: "commentable" });
    expect(commentable).toEqual(morphTo({ morphName: "commentable" }));
    expect(commentable.target).toBeUndefined();
    expect(relation("morphTo", "Image", { types: ["post", "video"] })).toEqual(morphTo({ types: ["post", "video"] }));
  });

  it("keeps the kind, target and options as types (the definitions relata's builders give)", () => {
    expectTypeOf(relation("hasMany", "post", { foreignKey: "user_id" })).toEqualTypeOf(
      hasMany("post", { foreignKey: "user_id" }),
    );
    const tags = relation("belongsToMany", "tag", { pivotTable: "post_tags", pivotLocalKey: "post_id" });
    expectTypeOf(tags.kind).toEqualTypeOf<"belongsToMany">();
    expectTypeOf(tags.target).toEqualTypeOf<"tag" | undefined>();
    expectTypeOf<NonNullable<typeof tags.$options>>().toEqualTypeOf<{
      readonly table: "post_tags";
      readonly foreignPivotKey: "post_id";
    }>();
    const parent = relation("morphTo", "Commentable", { types: ["post", "video"] });
    expectTypeOf(parent.target).toEqualTypeOf<"post" | "video" | undefined>();
    // @ts-expect-error morphMany needs its options (morphName)
    expect(() => relation("morphMany", "comment")).not.toThrow(); // defineSchema reports the missing morphName
  });

  it("is a SchemaError for an unknown kind, listing the kinds", () => {
    // @ts-expect-error not a relation kind
    expect(() => relation("hasSome", "post")).toThrow(
      /unknown relation kind "hasSome"; valid kinds: hasOne, hasMany, belongsTo/,
    );
  });

  it("is a SchemaError for an unknown option, naming the kind and its options (seed 003's among them)", async () => {
    // @ts-expect-error pivotTable is a many-to-many option
    const error = await caught(() => relation("hasMany", "post", { pivotTable: "x", foreignKey: "user_id" }));
    expect(error).toBeInstanceOf(SchemaError);
    expect(error.message).toContain(
      'relation("hasMany", "post"): unknown option "pivotTable"; hasMany takes foreignKey',
    );
    // @ts-expect-error morphToMany's pivotLocalKey would be the morph id, which relata names after morphName
    expect(() => relation("morphToMany", "tag", { morphName: "taggable", pivotLocalKey: "x" })).toThrow(
      /unknown option "pivotLocalKey"; morphToMany takes .*pivotTable, pivotForeignKey/,
    );
    expect(() =>
      // @ts-expect-error not an option of belongsToMany
      relation("belongsToMany", "tag", { pivotTabel: "post_tags" }),
    ).toThrow(/belongsToMany takes .*table.*pivotTable, pivotLocalKey, pivotForeignKey/);
  });

  it("is a SchemaError when a seed name and relata's name give the same option, or the target is missing", () => {
    expect(() => relation("belongsToMany", "tag", { pivotTable: "a", table: "b" })).toThrow(
      /options "pivotTable" and "table" both name table; give one of them/,
    );
    expect(() => relation("belongsToMany", "tag", { through: "x", from: "a", pivotLocalKey: "b" })).toThrow(
      /from and foreignPivotKey name different pivot keys/,
    );
    // @ts-expect-error a target is a model name
    expect(() => relation("hasMany", undefined)).toThrow(/a hasMany needs its target model's name/);
  });

  it("resolves in defineSchema as relata's builders do", () => {
    expect(rel(seed, "post", "tags")).toMatchObject({
      kind: "belongsToMany",
      pivot: { table: "post_tags", foreignKey: { name: "post_id" }, relatedKey: { name: "tag_id" } },
    });
    expect(rel(seed, "comment", "commentable")).toMatchObject({
      morphType: "commentable_type",
      morphId: "commentable_id",
    });
    expect([...(rel(seed, "comment", "commentable") as any).targets.keys()].sort()).toEqual(["photo", "post"]);
  });
});
