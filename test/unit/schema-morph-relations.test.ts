import { describe, expect, it } from "vitest";
import {
  boolean,
  defineSchema,
  id,
  integer,
  model,
  morphedByMany,
  morphMany,
  morphOne,
  morphTo,
  morphToMany,
  string,
  uuid,
} from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { base, intKey, nullableString, pivotOf, rel } from "../support/schema-helpers.js";

describe("polymorphic relations", () => {
  const schema = defineSchema(
    {
      post: model({
        table: "posts",
        fields: { id: id(), title: string() },
        relations: {
          comments: morphMany("comment", { morphName: "commentable" }),
          approvedComments: morphMany("comment", { morphName: "commentable", where: { approved: true } }),
          latestComment: morphOne("comment", { morphName: "commentable", withDefault: true }),
          cover: morphOne("image", { morphName: "imageable", withDefault: { url: "default.png" } }),
          tags: morphToMany("tag", { morphName: "taggable" }),
          labels: morphToMany("tag", {
            morphName: "labelable",
            table: "tag_links",
            foreignPivotKey: "labelId",
            pivotFields: ["addedBy"],
            pivotWhere: { addedBy: "admin" },
            where: { name: "x" },
          }),
        },
      }),
      video: model({
        table: "videos",
        fields: { id: id(), uid: uuid().unique() },
        relations: {
          comments: morphMany("comment", { morphName: "commentable" }),
          thumbnail: morphOne("image", { morphName: "imageable", localKey: "uid" }),
          tags: morphToMany("tag", { morphName: "taggable" }),
        },
      }),
      note: model({
        table: "notes",
        fields: { id: id() },
        relations: { remarks: morphMany("comment", { morphName: "subject" }) },
      }),
      comment: model({
        table: "comments",
        fields: {
          id: id(),
          approved: boolean().default(false),
          commentableType: string(),
          commentableId: integer(),
          subjectType: string().nullable(),
          subjectId: integer().nullable(),
        },
        relations: {
          commentable: morphTo(),
          parent: morphTo({ morphName: "commentable", types: ["post"], withDefault: { title: "?" } }),
          subject: morphTo(),
          filtered: morphTo({ morphName: "commentable", where: { title: "x" } }),
        },
      }),
      image: model({
        table: "images",
        fields: { id: id(), url: string(), imageableType: string(), imageableId: string() },
        relations: { imageable: morphTo({ withDefault: true }) },
      }),
      tag: model({
        table: "tags",
        fields: { id: id(), name: string() },
        relations: {
          posts: morphedByMany("post", { morphName: "taggable" }),
          videos: morphedByMany("video", { morphName: "taggable" }),
        },
      }),
    },
    { casing: "snake_case", morphMap: { post: "Post" } },
  );

  describe("morphOne / morphMany", () => {
    it("resolves the morph type/id fields and stores the morph map alias as morphValue", () => {
      const meta = rel(schema, "post", "comments");
      expect(meta).toMatchObject({
        kind: "morphMany",
        name: "comments",
        model: "post",
        target: "comment",
        morphType: "commentableType",
        morphId: "commentableId",
        morphValue: "Post",
        localKey: "id",
      });
      expect(meta.where).toBeUndefined();
    });

    it("stores the model name as morphValue when the morph map does not name the model", () => {
      expect(rel(schema, "video", "comments")).toMatchObject({
        kind: "morphMany",
        target: "comment",
        morphType: "commentableType",
        morphId: "commentableId",
        morphValue: "video",
        localKey: "id",
      });
    });

    it("morphOne carries withDefault, and localKey can be overridden", () => {
      expect(rel(schema, "post", "latestComment")).toEqual({
        kind: "morphOne",
        name: "latestComment",
        model: "post",
        target: "comment",
        morphType: "commentableType",
        morphId: "commentableId",
        morphValue: "Post",
        localKey: "id",
        where: undefined,
        withDefault: true,
      });
      expect(rel(schema, "post", "cover")).toMatchObject({
        kind: "morphOne",
        target: "image",
        morphType: "imageableType",
        morphId: "imageableId",
        withDefault: { url: "default.png" },
      });
      expect(rel(schema, "video", "thumbnail")).toMatchObject({
        kind: "morphOne",
        localKey: "uid",
        morphValue: "video",
        withDefault: false,
      });
    });

    it("carries where", () => {
      expect(rel(schema, "post", "approvedComments").where).toEqual({ approved: true });
    });

    it("records each (type, id) pair once on the model holding it", () => {
      const pairs = schema.model("comment").morphPairs.map((p) => [...p]);
      expect(pairs).toHaveLength(2);
      expect(pairs).toEqual(
        expect.arrayContaining([
          ["commentableType", "commentableId"],
          ["subjectType", "subjectId"],
        ]),
      );
      expect(schema.model("image").morphPairs).toEqual([["imageableType", "imageableId"]]);
      expect(schema.model("post").morphPairs).toEqual([]);
    });

    it("records the morph aliases of every model", () => {
      expect(schema.meta.morphAliases).toEqual(
        new Map([
          ["Post", "post"],
          ["video", "video"],
          ["note", "note"],
          ["comment", "comment"],
          ["image", "image"],
          ["tag", "tag"],
        ]),
      );
      expect(schema.model("post").morphAlias).toBe("Post");
      expect(schema.model("video").morphAlias).toBe("video");
    });
  });

  describe("morphTo", () => {
    it("infers its targets from morphOne/morphMany relations with the same morphName, keyed by stored type", () => {
      expect(rel(schema, "comment", "commentable")).toEqual({
        kind: "morphTo",
        name: "commentable",
        model: "comment",
        morphType: "commentableType",
        morphId: "commentableId",
        targets: new Map([
          ["Post", { model: "post", ownerKey: "id" }],
          ["video", { model: "video", ownerKey: "id" }],
        ]),
        where: undefined,
        withDefault: false,
      });
    });

    it("does not pick up morph relations of another morphName", () => {
      const meta = rel(schema, "comment", "subject");
      expect(meta).toMatchObject({ kind: "morphTo", morphType: "subjectType", morphId: "subjectId" });
      if (meta.kind !== "morphTo") throw new Error("not a morphTo");
      expect(meta.targets).toEqual(new Map([["note", { model: "note", ownerKey: "id" }]]));
    });

    it("limits the targets to explicit types, and takes morphName and withDefault", () => {
      const meta = rel(schema, "comment", "parent");
      expect(meta).toMatchObject({
        kind: "morphTo",
        morphType: "commentableType",
        morphId: "commentableId",
        withDefault: { title: "?" },
      });
      if (meta.kind !== "morphTo") throw new Error("not a morphTo");
      expect(meta.targets).toEqual(new Map([["Post", { model: "post", ownerKey: "id" }]]));
    });

    it("includes morphOne relations and carries withDefault: true", () => {
      const meta = rel(schema, "image", "imageable");
      if (meta.kind !== "morphTo") throw new Error("not a morphTo");
      expect(meta.withDefault).toBe(true);
      expect(meta.targets).toEqual(
        new Map([
          ["Post", { model: "post", ownerKey: "id" }],
          ["video", { model: "video", ownerKey: "id" }],
        ]),
      );
    });

    it("carries its where option", () => {
      // MorphToOptions accepts `where` (CommonRelationOptions); it must not be dropped silently.
      expect(rel(schema, "comment", "filtered").where).toEqual({ title: "x" });
    });

    it("takes explicit types without any morphOne/morphMany declared", () => {
      const standalone = defineSchema({
        article: model({ fields: { id: id() } }),
        photo: model({ fields: { code: string().primary() } }),
        like: model({
          fields: { id: id(), likeableType: string(), likeableId: string() },
          relations: { likeable: morphTo({ types: ["article", "photo"] }) },
        }),
      });
      const meta = rel(standalone, "like", "likeable");
      if (meta.kind !== "morphTo") throw new Error("not a morphTo");
      expect(meta.targets).toEqual(
        new Map([
          ["article", { model: "article", ownerKey: "id" }],
          ["photo", { model: "photo", ownerKey: "code" }],
        ]),
      );
      expect(standalone.model("like").morphPairs).toEqual([["likeableType", "likeableId"]]);
    });
  });

  describe("morphToMany / morphedByMany", () => {
    it("morphToMany defaults the pivot table to `<morphName>s` with morph id/type and the related key", () => {
      expect(rel(schema, "post", "tags")).toEqual({
        kind: "morphToMany",
        name: "tags",
        model: "post",
        target: "tag",
        parentKey: "id",
        relatedKey: "id",
        where: undefined,
        pivot: {
          table: "taggables",
          model: undefined,
          foreignKey: { name: "taggableId", column: "taggable_id", config: intKey },
          relatedKey: { name: "tagId", column: "tag_id", config: intKey },
          morphType: {
            name: "taggableType",
            column: "taggable_type",
            config: { kind: "string", length: 255, ...base },
            value: "Post",
          },
          fields: [],
          timestamps: false,
          where: undefined,
        },
      });
      expect(pivotOf(rel(schema, "video", "tags")).morphType).toMatchObject({ value: "video" });
    });

    it("morphedByMany is the inverse: foreign key to this model, morph id and type of the target", () => {
      expect(rel(schema, "tag", "posts")).toEqual({
        kind: "morphedByMany",
        name: "posts",
        model: "tag",
        target: "post",
        parentKey: "id",
        relatedKey: "id",
        where: undefined,
        pivot: {
          table: "taggables",
          model: undefined,
          foreignKey: { name: "tagId", column: "tag_id", config: intKey },
          relatedKey: { name: "taggableId", column: "taggable_id", config: intKey },
          morphType: {
            name: "taggableType",
            column: "taggable_type",
            config: { kind: "string", length: 255, ...base },
            value: "Post",
          },
          fields: [],
          timestamps: false,
          where: undefined,
        },
      });
      const videos = pivotOf(rel(schema, "tag", "videos"));
      expect(videos.morphType).toMatchObject({ name: "taggableType", value: "video" });
      expect(videos.foreignKey.name).toBe("tagId");
      expect(videos.relatedKey.name).toBe("taggableId");
    });

    it("honours table, foreignPivotKey, pivotFields, pivotWhere and where", () => {
      const meta = rel(schema, "post", "labels");
      expect(meta.where).toEqual({ name: "x" });
      expect(pivotOf(meta)).toEqual({
        table: "tag_links",
        model: undefined,
        foreignKey: { name: "labelableId", column: "labelable_id", config: intKey },
        relatedKey: { name: "labelId", column: "label_id", config: intKey },
        morphType: {
          name: "labelableType",
          column: "labelable_type",
          config: { kind: "string", length: 255, ...base },
          value: "Post",
        },
        fields: [{ name: "addedBy", column: "added_by", config: nullableString }],
        timestamps: false,
        where: { addedBy: "admin" },
      });
    });

    it("registers the polymorphic pivot table once, keyed on (related key, morph id, morph type)", () => {
      const taggables = schema.meta.pivotTables.get("taggables")!;
      expect(taggables.table).toBe("taggables");
      expect(taggables.columns.map((c) => c.column).sort()).toEqual(["tag_id", "taggable_id", "taggable_type"]);
      expect([...taggables.primaryKey].sort()).toEqual(["tag_id", "taggable_id", "taggable_type"]);
      // Only the non-polymorphic side can have a real foreign key.
      expect(taggables.foreignKeys).toEqual([{ column: "tag_id", table: "tags", targetColumn: "id" }]);
      expect(taggables.indexes).toContainEqual(["taggable_type", "taggable_id"]);
      expect([...schema.meta.pivotTables.keys()].sort()).toEqual(["tag_links", "taggables"]);
    });
  });
});

// ---------------------------------------------------------------------------------------
// hasOneThrough / hasManyThrough

describe("morph relation options", () => {
  it("lets pivotWhere name the morph type column of a polymorphic pivot", () => {
    const schema = defineSchema({
      post: model({
        fields: { id: id() },
        relations: { tags: morphToMany("tag", { morphName: "taggable", pivotWhere: { taggableType: "post" } }) },
      }),
      tag: model({ fields: { id: id() } }),
    });
    expect(pivotOf(rel(schema, "post", "tags")).where).toEqual({ taggableType: "post" });
  });

  it("gives only the to-one kinds a withDefault", () => {
    expect("withDefault" in rel(blog, "user", "posts")).toBe(false);
    expect("withDefault" in rel(blog, "post", "comments")).toBe(false);
    expect(rel(blog, "user", "profile")).toMatchObject({ withDefault: false });
  });
});
