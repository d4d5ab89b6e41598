import { describe, expect, it } from "vitest";
import {
  belongsTo,
  boolean,
  defineSchema,
  hasMany,
  hasManyThrough,
  hasOne,
  hasOneThrough,
  id,
  integer,
  model,
  string,
  text,
  uuid,
} from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { rel } from "../support/schema-helpers.js";

describe("hasOne / hasMany", () => {
  const schema = defineSchema(
    {
      user: model({
        table: "users",
        fields: { id: id(), email: string().unique() },
        relations: {
          profile: hasOne("profile"),
          posts: hasMany("post"),
          authored: hasMany("post", { foreignKey: "authorEmail", localKey: "email" }),
          card: hasOne("profile", { foreignKey: "ownerEmail", localKey: "email", withDefault: { bio: "none" } }),
          blankProfile: hasOne("profile", { withDefault: true }),
          published: hasMany("post", { where: { published: true } }),
        },
      }),
      blogAuthor: model({
        fields: { id: id() },
        relations: { entries: hasMany("entry") },
      }),
      entry: model({ fields: { id: id(), blogAuthorId: integer() } }),
      profile: model({
        table: "profiles",
        fields: { id: id(), userId: integer(), ownerEmail: string().nullable(), bio: text().nullable() },
      }),
      post: model({
        table: "posts",
        fields: { id: id(), userId: integer(), authorEmail: string(), published: boolean() },
      }),
    },
    { casing: "snake_case" },
  );

  it("hasOne defaults foreignKey to `<thisModel>Id` on the target and localKey to the primary key", () => {
    expect(rel(schema, "user", "profile")).toEqual({
      kind: "hasOne",
      name: "profile",
      model: "user",
      target: "profile",
      foreignKey: "userId",
      localKey: "id",
      where: undefined,
      withDefault: false,
    });
  });

  it("hasMany defaults the same way", () => {
    const meta = rel(schema, "user", "posts");
    expect(meta).toMatchObject({
      kind: "hasMany",
      name: "posts",
      model: "user",
      target: "post",
      foreignKey: "userId",
      localKey: "id",
    });
    expect(meta.where).toBeUndefined();
  });

  it("uses the model name, not its table or columns, for the conventional key", () => {
    expect(rel(schema, "blogAuthor", "entries")).toMatchObject({ foreignKey: "blogAuthorId", localKey: "id" });
  });

  it("honours explicit foreignKey and localKey", () => {
    expect(rel(schema, "user", "authored")).toMatchObject({
      kind: "hasMany",
      target: "post",
      foreignKey: "authorEmail",
      localKey: "email",
    });
    expect(rel(schema, "user", "card")).toEqual({
      kind: "hasOne",
      name: "card",
      model: "user",
      target: "profile",
      foreignKey: "ownerEmail",
      localKey: "email",
      where: undefined,
      withDefault: { bio: "none" },
    });
  });

  it("carries withDefault and where", () => {
    expect(rel(schema, "user", "blankProfile")).toMatchObject({ kind: "hasOne", withDefault: true });
    expect(rel(schema, "user", "published")).toMatchObject({
      kind: "hasMany",
      foreignKey: "userId",
      where: { published: true },
    });
  });
});

// ---------------------------------------------------------------------------------------
// belongsTo

describe("belongsTo", () => {
  const schema = defineSchema({
    user: model({ table: "users", fields: { id: id(), email: string().unique() } }),
    category: model({ table: "categories", fields: { id: id(), name: string(), visible: boolean() } }),
    post: model({
      table: "posts",
      fields: {
        id: id(),
        authorId: integer(),
        userId: integer(),
        editorEmail: string().nullable(),
        categoryId: integer().nullable(),
      },
      relations: {
        author: belongsTo("user"),
        owner: belongsTo("user"),
        editor: belongsTo("user", { foreignKey: "editorEmail", ownerKey: "email" }),
        category: belongsTo("category", { withDefault: { name: "Uncategorized" }, where: { visible: true } }),
        anyCategory: belongsTo("category", { foreignKey: "categoryId", withDefault: true }),
      },
    }),
  });

  it("defaults foreignKey to `<relationName>Id` and ownerKey to the target's primary key", () => {
    expect(rel(schema, "post", "author")).toEqual({
      kind: "belongsTo",
      name: "author",
      model: "post",
      target: "user",
      foreignKey: "authorId",
      ownerKey: "id",
      where: undefined,
      withDefault: false,
    });
  });

  it("falls back to `<targetModel>Id` when `<relationName>Id` is not a field", () => {
    expect(rel(schema, "post", "owner")).toMatchObject({ target: "user", foreignKey: "userId", ownerKey: "id" });
  });

  it("honours explicit foreignKey and ownerKey", () => {
    expect(rel(schema, "post", "editor")).toMatchObject({
      kind: "belongsTo",
      target: "user",
      foreignKey: "editorEmail",
      ownerKey: "email",
    });
  });

  it("carries withDefault (object or true) and where", () => {
    expect(rel(schema, "post", "category")).toEqual({
      kind: "belongsTo",
      name: "category",
      model: "post",
      target: "category",
      foreignKey: "categoryId",
      ownerKey: "id",
      where: { visible: true },
      withDefault: { name: "Uncategorized" },
    });
    expect(rel(schema, "post", "anyCategory")).toMatchObject({ foreignKey: "categoryId", withDefault: true });
  });
});

// ---------------------------------------------------------------------------------------
// belongsToMany / manyToMany

describe("hasOneThrough / hasManyThrough", () => {
  const schema = defineSchema({
    country: model({
      table: "countries",
      fields: { id: id(), code: string(2).unique() },
      relations: {
        posts: hasManyThrough("post", { through: "user" }),
        postsByCode: hasManyThrough("post", {
          through: "user",
          firstKey: "countryCode",
          secondKey: "writerUid",
          localKey: "code",
          secondLocalKey: "uid",
        }),
        publishedPosts: hasManyThrough("post", { through: "user", where: { published: true } }),
      },
    }),
    user: model({
      table: "users",
      fields: { id: id(), uid: uuid().unique(), countryId: integer(), countryCode: string(2) },
    }),
    post: model({
      table: "posts",
      fields: { id: id(), userId: integer(), writerUid: uuid(), published: boolean() },
    }),
    mechanic: model({ fields: { id: id() }, relations: { carOwner: hasOneThrough("owner", { through: "car" }) } }),
    car: model({ fields: { id: id(), mechanicId: integer() } }),
    owner: model({ fields: { id: id(), carId: integer() } }),
  });

  it("hasManyThrough defaults firstKey, secondKey, localKey and secondLocalKey", () => {
    expect(rel(schema, "country", "posts")).toEqual({
      kind: "hasManyThrough",
      name: "posts",
      model: "country",
      target: "post",
      through: "user",
      firstKey: "countryId",
      secondKey: "userId",
      localKey: "id",
      secondLocalKey: "id",
      where: undefined,
    });
  });

  it("hasOneThrough defaults the same way", () => {
    expect(rel(schema, "mechanic", "carOwner")).toEqual({
      kind: "hasOneThrough",
      name: "carOwner",
      model: "mechanic",
      target: "owner",
      through: "car",
      firstKey: "mechanicId",
      secondKey: "carId",
      localKey: "id",
      secondLocalKey: "id",
      where: undefined,
    });
  });

  it("honours every key override", () => {
    expect(rel(schema, "country", "postsByCode")).toMatchObject({
      kind: "hasManyThrough",
      through: "user",
      firstKey: "countryCode",
      secondKey: "writerUid",
      localKey: "code",
      secondLocalKey: "uid",
    });
  });

  it("carries where", () => {
    expect(rel(schema, "country", "publishedPosts").where).toEqual({ published: true });
  });

  it("matches the blog fixture's country.posts (secondKey override)", () => {
    expect(rel(blog, "country", "posts")).toMatchObject({
      through: "user",
      firstKey: "countryId",
      secondKey: "authorId",
      localKey: "id",
      secondLocalKey: "id",
    });
  });
});

// ---------------------------------------------------------------------------------------
// SchemaError
