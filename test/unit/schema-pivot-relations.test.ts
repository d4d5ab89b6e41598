import { describe, expect, it } from "vitest";
import {
  belongsToMany,
  boolean,
  defineSchema,
  id,
  integer,
  manyToMany,
  model,
  string,
  text,
  timestamp,
} from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { intKey, nullableString, pivotOf, pivotTimestamp, rel, stringKey } from "../support/schema-helpers.js";

describe("belongsToMany", () => {
  const schema = defineSchema(
    {
      post: model({
        table: "posts",
        fields: { id: id(), slug: string().unique(), published: boolean() },
        relations: {
          tags: belongsToMany("tag"),
          visibleTags: belongsToMany("tag", {
            pivotFields: ["approved"],
            where: { hidden: false },
            pivotWhere: { approved: "yes" },
          }),
        },
      }),
      tag: model({
        table: "tags",
        fields: { id: id(), name: string().unique(), hidden: boolean() },
        relations: {
          posts: belongsToMany("post", { pivotFields: ["approved"], timestamps: true }),
        },
      }),
      user: model({
        table: "users",
        fields: { id: id(), email: string().unique() },
        relations: {
          roles: belongsToMany("role"),
          memberships: belongsToMany("role", {
            table: "memberships",
            foreignPivotKey: "memberEmail",
            relatedPivotKey: "roleSlug",
            parentKey: "email",
            relatedKey: "slug",
            pivotFields: { position: integer().default(0), note: text().nullable().column("memo") },
          }),
          friends: belongsToMany("user", {
            table: "friendships",
            foreignPivotKey: "userId",
            relatedPivotKey: "friendId",
          }),
        },
      }),
      role: model({ table: "roles", fields: { id: id(), slug: string().unique() } }),
      blogPost: model({ fields: { id: id() }, relations: { topics: belongsToMany("topic") } }),
      topic: model({ table: "topics", fields: { id: id() } }),
    },
    { casing: "snake_case" },
  );

  it("defaults the pivot table to both model names sorted and joined by _, keys `<model>Id` snake_cased", () => {
    expect(rel(schema, "post", "tags")).toEqual({
      kind: "belongsToMany",
      name: "tags",
      model: "post",
      target: "tag",
      parentKey: "id",
      relatedKey: "id",
      where: undefined,
      pivot: {
        table: "post_tag",
        model: undefined,
        foreignKey: { name: "postId", column: "post_id", config: intKey },
        relatedKey: { name: "tagId", column: "tag_id", config: intKey },
        morphType: undefined,
        fields: [],
        timestamps: false,
        where: undefined,
      },
    });
  });

  it("sorts the model names whichever side declares the relation", () => {
    expect(pivotOf(rel(schema, "tag", "posts")).table).toBe("post_tag");
    expect(pivotOf(rel(schema, "user", "roles")).table).toBe("role_user");
    expect(pivotOf(rel(schema, "user", "roles")).foreignKey.name).toBe("userId");
    expect(pivotOf(rel(schema, "user", "roles")).relatedKey.name).toBe("roleId");
  });

  it("applies the casing to the model names in the default pivot table", () => {
    const pivot = pivotOf(rel(schema, "blogPost", "topics"));
    expect(pivot.table).toBe("blog_post_topic");
    expect(pivot.foreignKey).toEqual({ name: "blogPostId", column: "blog_post_id", config: intKey });
    expect(pivot.relatedKey).toEqual({ name: "topicId", column: "topic_id", config: intKey });

    const preserved = defineSchema({
      blogPost: model({ fields: { id: id() }, relations: { topics: belongsToMany("topic") } }),
      topic: model({ fields: { id: id() } }),
    });
    const plain = pivotOf(rel(preserved, "blogPost", "topics"));
    expect(plain.table).toBe("blogPost_topic");
    expect(plain.foreignKey.column).toBe("blogPostId");
    expect(plain.relatedKey.column).toBe("topicId");
  });

  it("turns array pivotFields into nullable strings and timestamps into createdAt/updatedAt", () => {
    const pivot = pivotOf(rel(schema, "tag", "posts"));
    expect(pivot.foreignKey).toEqual({ name: "tagId", column: "tag_id", config: intKey });
    expect(pivot.relatedKey).toEqual({ name: "postId", column: "post_id", config: intKey });
    expect(pivot.timestamps).toBe(true);
    expect(pivot.fields).toEqual([
      { name: "approved", column: "approved", config: nullableString },
      { name: "createdAt", column: "created_at", config: pivotTimestamp },
      { name: "updatedAt", column: "updated_at", config: pivotTimestamp },
    ]);
  });

  it("honours table, foreignPivotKey, relatedPivotKey, parentKey, relatedKey and record pivotFields", () => {
    expect(rel(schema, "user", "memberships")).toEqual({
      kind: "belongsToMany",
      name: "memberships",
      model: "user",
      target: "role",
      parentKey: "email",
      relatedKey: "slug",
      where: undefined,
      pivot: {
        table: "memberships",
        model: undefined,
        foreignKey: { name: "memberEmail", column: "member_email", config: stringKey },
        relatedKey: { name: "roleSlug", column: "role_slug", config: stringKey },
        morphType: undefined,
        fields: [
          { name: "position", column: "position", config: integer().default(0).config },
          { name: "note", column: "memo", config: text().nullable().column("memo").config },
        ],
        timestamps: false,
        where: undefined,
      },
    });
  });

  it("carries where and pivotWhere", () => {
    const meta = rel(schema, "post", "visibleTags");
    expect(meta.where).toEqual({ hidden: false });
    expect(pivotOf(meta).where).toEqual({ approved: "yes" });
    expect(pivotOf(meta).table).toBe("post_tag");
  });

  it("registers a pivot table declared by both sides once, with a composite key and FKs to both tables", () => {
    expect([...schema.meta.pivotTables.keys()].sort()).toEqual([
      "blog_post_topic",
      "friendships",
      "memberships",
      "post_tag",
      "role_user",
    ]);
    const postTag = schema.meta.pivotTables.get("post_tag")!;
    expect(postTag.table).toBe("post_tag");
    expect([...postTag.primaryKey].sort()).toEqual(["post_id", "tag_id"]);
    expect(postTag.foreignKeys).toHaveLength(2);
    expect(postTag.foreignKeys).toEqual(
      expect.arrayContaining([
        { column: "post_id", table: "posts", targetColumn: "id" },
        { column: "tag_id", table: "tags", targetColumn: "id" },
      ]),
    );
    // The columns are the union of what both sides declare (tag.posts adds pivot fields).
    expect(postTag.columns.map((c) => c.column).sort()).toEqual([
      "approved",
      "created_at",
      "post_id",
      "tag_id",
      "updated_at",
    ]);
    expect(postTag.columns.find((c) => c.column === "post_id")!.config).toEqual(intKey);
    expect(postTag.columns.find((c) => c.column === "approved")!.config).toEqual(nullableString);
  });

  it("points the FKs of a pivot at the parentKey/relatedKey columns", () => {
    const memberships = schema.meta.pivotTables.get("memberships")!;
    expect([...memberships.primaryKey].sort()).toEqual(["member_email", "role_slug"]);
    expect(memberships.foreignKeys).toEqual(
      expect.arrayContaining([
        { column: "member_email", table: "users", targetColumn: "email" },
        { column: "role_slug", table: "roles", targetColumn: "slug" },
      ]),
    );
    expect(memberships.columns.map((c) => c.column)).toEqual(
      expect.arrayContaining(["member_email", "role_slug", "position", "memo"]),
    );
  });

  it("resolves a self-referential many-to-many with explicit keys, both FKs to the same table", () => {
    const pivot = pivotOf(rel(schema, "user", "friends"));
    expect(pivot.foreignKey).toEqual({ name: "userId", column: "user_id", config: intKey });
    expect(pivot.relatedKey).toEqual({ name: "friendId", column: "friend_id", config: intKey });
    const table = schema.meta.pivotTables.get("friendships")!;
    expect([...table.primaryKey].sort()).toEqual(["friend_id", "user_id"]);
    expect(table.foreignKeys).toEqual(
      expect.arrayContaining([
        { column: "user_id", table: "users", targetColumn: "id" },
        { column: "friend_id", table: "users", targetColumn: "id" },
      ]),
    );
    expect(table.foreignKeys).toHaveLength(2);
  });

  it("merges both declarations of the blog fixture's role_user pivot", () => {
    const roleUser = blog.meta.pivotTables.get("role_user")!;
    expect([...roleUser.primaryKey].sort()).toEqual(["role_id", "user_id"]);
    expect(roleUser.columns.map((c) => c.column).sort()).toEqual([
      "created_at",
      "granted_by",
      "role_id",
      "updated_at",
      "user_id",
    ]);
    expect(roleUser.foreignKeys).toEqual(
      expect.arrayContaining([
        { column: "user_id", table: "users", targetColumn: "id" },
        { column: "role_id", table: "roles", targetColumn: "id" },
      ]),
    );
    expect(pivotOf(rel(blog, "role", "users"))).toMatchObject({
      table: "role_user",
      foreignKey: { name: "roleId", column: "role_id" },
      relatedKey: { name: "userId", column: "user_id" },
      fields: [],
    });
  });
});

describe("belongsToMany through a join model, and manyToMany", () => {
  const schema = defineSchema(
    {
      article: model({
        table: "articles",
        fields: { id: id(), title: string() },
        relations: {
          viaManyToMany: manyToMany("tag", {
            through: "tagging",
            from: "articleRef",
            to: "tagRef",
            pivotFields: ["position"],
          }),
          viaBelongsToMany: belongsToMany("tag", {
            through: "tagging",
            foreignPivotKey: "articleRef",
            relatedPivotKey: "tagRef",
            pivotFields: ["position"],
          }),
          conventional: manyToMany("tag", { through: "articleTag", timestamps: true }),
          filtered: manyToMany("tag", {
            through: "tagging",
            from: "articleRef",
            to: "tagRef",
            pivotFields: ["position"],
            pivotWhere: { position: 1 },
            where: { name: "ts" },
          }),
        },
      }),
      tag: model({ table: "tags", fields: { id: id(), name: string() } }),
      tagging: model({
        table: "taggings",
        fields: { id: id(), articleRef: integer(), tagRef: integer(), position: integer().default(0) },
      }),
      articleTag: model({
        fields: {
          id: id(),
          articleId: integer(),
          tagId: integer(),
          createdAt: timestamp().nullable(),
          updatedAt: timestamp().nullable(),
        },
      }),
    },
    { casing: "snake_case" },
  );

  const taggings = schema.model("tagging").fields;

  it("uses the join model's table and fields as the pivot", () => {
    expect(rel(schema, "article", "viaBelongsToMany")).toEqual({
      kind: "belongsToMany",
      name: "viaBelongsToMany",
      model: "article",
      target: "tag",
      parentKey: "id",
      relatedKey: "id",
      where: undefined,
      pivot: {
        table: "taggings",
        model: "tagging",
        foreignKey: { name: "articleRef", column: "article_ref", config: taggings.get("articleRef")!.config },
        relatedKey: { name: "tagRef", column: "tag_ref", config: taggings.get("tagRef")!.config },
        morphType: undefined,
        fields: [{ name: "position", column: "position", config: taggings.get("position")!.config }],
        timestamps: false,
        where: undefined,
      },
    });
  });

  it("manyToMany(target, { through, from, to }) equals belongsToMany with foreignPivotKey/relatedPivotKey", () => {
    const a = rel(schema, "article", "viaManyToMany");
    const b = rel(schema, "article", "viaBelongsToMany");
    expect({ ...a, name: "same" }).toEqual({ ...b, name: "same" });
    expect(pivotOf(a).foreignKey.name).toBe("articleRef");
    expect(pivotOf(a).relatedKey.name).toBe("tagRef");
  });

  it("defaults the join model keys to `<model>Id` and takes timestamps from it", () => {
    const pivot = pivotOf(rel(schema, "article", "conventional"));
    expect(pivot.table).toBe("article_tag");
    expect(pivot.model).toBe("articleTag");
    expect(pivot.foreignKey).toMatchObject({ name: "articleId", column: "article_id" });
    expect(pivot.relatedKey).toMatchObject({ name: "tagId", column: "tag_id" });
    expect(pivot.timestamps).toBe(true);
    expect(pivot.fields.map((f) => [f.name, f.column])).toEqual([
      ["createdAt", "created_at"],
      ["updatedAt", "updated_at"],
    ]);
  });

  it("carries where and pivotWhere through a join model", () => {
    const meta = rel(schema, "article", "filtered");
    expect(meta.where).toEqual({ name: "ts" });
    expect(pivotOf(meta).where).toEqual({ position: 1 });
  });

  it("does not register join models as bare pivot tables", () => {
    expect(schema.meta.pivotTables.size).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------
// polymorphic relations
