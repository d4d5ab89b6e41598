import { describe, expect, it } from "vitest";
import {
  belongsTo,
  belongsToMany,
  defineSchema,
  hasMany,
  hasManyThrough,
  hasOne,
  id,
  integer,
  manyToMany,
  model,
  morphedByMany,
  morphMany,
  morphOne,
  morphTo,
  morphToMany,
  RelataError,
  SchemaError,
  string,
  timestamp,
} from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { problem, schemaError } from "../support/schema-helpers.js";

describe("SchemaError", () => {
  it("rejects model, field and relation names that reach the prototype chain (__proto__, constructor, prototype)", () => {
    const error = schemaError(() =>
      defineSchema({
        constructor: model({ table: "ctors", fields: { id: id() } }),
        user: model({
          table: "users",
          fields: { id: id(), prototype: string() },
          relations: { ["__proto__" as string]: hasMany("user") },
        }),
      }),
    );
    expect(error.problems.join("\n")).toContain('model "constructor"');
    expect(error.problems.join("\n")).toContain('field "user.prototype"');
    expect(error.problems.join("\n")).toContain("__proto__");
  });

  it("lists every problem of a schema at once", () => {
    const error = schemaError(() =>
      defineSchema(
        {
          user: model({
            table: "users",
            fields: { id: id(), name: string(), email: string() },
            relations: {
              ghosts: hasMany("ghost"),
              posts: hasMany("post", { foreignKey: "ownerId" }),
              friends: belongsToMany("user"),
              name: hasOne("profile"),
              images: morphMany("image", { morphName: "imageable" }),
              roles: belongsToMany("role", { table: "roles" }),
              tags: belongsToMany("tag", { pivotWhere: { nope: 1 } }),
            },
          }),
          post: model({
            table: "posts",
            fields: {
              id: id(),
              authorId: integer().references("author.id"),
              editorId: integer().references("user.nope"),
            },
          }),
          profile: model({ table: "users", fields: { id: id(), userId: integer() } }),
          image: model({ table: "images", fields: { id: id(), url: string() } }),
          role: model({ table: "roles", fields: { id: id() } }),
          tag: model({ table: "tags", fields: { id: id() } }),
          activity: model({
            table: "activities",
            fields: { id: id(), subjectType: string(), subjectId: integer() },
            relations: { subject: morphTo() },
          }),
          log: model({ table: "logs", fields: { message: string() } }),
          push: model({ table: "pushes", fields: { id: id() } }),
          event: model({ table: "events", fields: { id: id(), day: string().defaultNow() } }),
        },
        { morphMap: { ghost: "Ghost" } },
      ),
    );

    const models = ["user", "post", "profile", "image", "role", "tag", "activity", "log", "push", "event"];
    const expected = [
      // unknown relation target model, listing the valid models
      problem(error, "user.ghosts", '"ghost"', ...models),
      // a key field that does not exist, listing the model's fields
      problem(error, "user.posts", "post.ownerId", "id", "authorId", "editorId"),
      // self-referential belongsToMany without explicit keys
      problem(error, "user.friends", "userId"),
      // a relation named like a field
      problem(error, "user.name", "field"),
      // a morph relation whose target lacks ${morphName}Type / ${morphName}Id
      problem(error, "user.images", "image.imageableType"),
      problem(error, "user.images", "image.imageableId"),
      // pivot table equal to a model's table
      problem(error, "user.roles", '"roles"', '"role"'),
      // pivotWhere naming a non-pivot field
      problem(error, "user.tags", '"nope"'),
      // references() to an unknown model / field
      problem(error, "post.authorId", '"author"'),
      problem(error, "post.editorId", "user.nope", "id", "name", "email"),
      // duplicate table names
      problem(error, '"users"', '"user"', '"profile"'),
      // morphTo with no possible targets
      problem(error, "activity.subject", "morphTo"),
      // model without primary key
      problem(error, '"log"', "primary key"),
      // reserved model name
      problem(error, '"push"', "reserved"),
      // defaultNow() on a non-timestamp field
      problem(error, "event.day", "defaultNow()"),
      // morphMap naming an unknown model
      problem(error, "morphMap", '"ghost"'),
    ];
    expect(new Set(expected).size).toBe(expected.length);
    expect(error.problems).toHaveLength(expected.length);
    expect(error).toBeInstanceOf(RelataError);
    expect(error.name).toBe("SchemaError");
    expect(error.message).toContain(`${expected.length} problems`);
  });

  it("reports a morphOne target lacking the morph fields, and a morphTo lacking its own", () => {
    const error = schemaError(() =>
      defineSchema({
        post: model({
          fields: { id: id() },
          relations: { cover: morphOne("image", { morphName: "imageable" }) },
        }),
        image: model({
          fields: { id: id(), imageableType: string() },
          relations: { owner: morphTo({ types: ["post"] }) },
        }),
      }),
    );
    expect(error.problems).toHaveLength(3);
    problem(error, "post.cover", "image.imageableId");
    problem(error, "image.owner", "image.ownerType");
    problem(error, "image.owner", "image.ownerId");
  });

  it("reports a morphToMany / morphedByMany to an unknown model and a morphTo type that is not a model", () => {
    const error = schemaError(() =>
      defineSchema({
        post: model({
          fields: { id: id() },
          relations: { tags: morphToMany("label", { morphName: "taggable" }) },
        }),
        tag: model({
          fields: { id: id() },
          relations: { videos: morphedByMany("video", { morphName: "taggable" }) },
        }),
        comment: model({
          fields: { id: id(), parentType: string(), parentId: integer() },
          relations: { parent: morphTo({ types: ["post", "article"] }) },
        }),
      }),
    );
    expect(error.problems).toHaveLength(3);
    problem(error, "post.tags", '"label"', "post, tag, comment");
    problem(error, "tag.videos", '"video"');
    problem(error, "comment.parent", '"article"');
  });

  it("reports key options that name missing fields on every relation kind", () => {
    const error = schemaError(() =>
      defineSchema({
        user: model({
          fields: { id: id(), name: string() },
          relations: {
            profile: hasOne("profile", { localKey: "uuid" }),
            country: belongsTo("country"),
            team: belongsTo("team", { ownerKey: "code" }),
            visible: hasMany("profile", { where: { shown: true } }),
            far: hasManyThrough("profile", { through: "team", firstKey: "leaderId" }),
          },
        }),
        profile: model({ fields: { id: id(), userId: integer(), teamId: integer() } }),
        team: model({ fields: { id: id() } }),
        country: model({ fields: { id: id() } }),
      }),
    );
    problem(error, "user.profile", "user.uuid", "id, name");
    problem(error, "user.country", "user.countryId");
    problem(error, "user.team", "team.code");
    problem(error, "user.team", "user.teamId");
    problem(error, "user.visible", "profile.shown");
    problem(error, "user.far", "team.leaderId");
    expect(error.problems).toHaveLength(6);
  });

  it("reports a belongsToMany parentKey/relatedKey that does not exist (instead of crashing)", () => {
    let thrown: unknown;
    try {
      defineSchema({
        post: model({
          fields: { id: id() },
          relations: { tags: belongsToMany("tag", { parentKey: "slug", relatedKey: "code" }) },
        }),
        tag: model({ fields: { id: id() } }),
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SchemaError);
    const error = thrown as SchemaError;
    problem(error, "post.tags", "post.slug");
    problem(error, "post.tags", "tag.code");
  });

  it("reports join-model pivot keys and pivot fields that do not exist", () => {
    const error = schemaError(() =>
      defineSchema({
        post: model({
          fields: { id: id() },
          relations: {
            tags: manyToMany("tag", { through: "tagging", from: "articleId", pivotFields: ["weight"] }),
            more: belongsToMany("tag", { through: "missing" }),
          },
        }),
        tag: model({ fields: { id: id() } }),
        tagging: model({ fields: { id: id(), postId: integer(), tagId: integer() } }),
      }),
    );
    problem(error, "post.tags", "tagging.articleId");
    problem(error, "post.tags", "tagging.weight");
    problem(error, "post.more", '"missing"');
  });

  it("reports the same bare pivot table declared with different keys", () => {
    const error = schemaError(() =>
      defineSchema({
        post: model({
          fields: { id: id() },
          relations: { tags: belongsToMany("tag", { table: "links" }) },
        }),
        tag: model({
          fields: { id: id() },
          relations: { posts: belongsToMany("post", { table: "links", foreignPivotKey: "tagRef" }) },
        }),
      }),
    );
    expect(error.problems).toHaveLength(1);
    problem(error, '"links"');
  });

  it("reports a malformed references() target and two fields sharing a column", () => {
    const error = schemaError(() =>
      defineSchema(
        {
          post: model({
            fields: { id: id(), userId: integer().references("user"), createdAt: timestamp(), created_at: timestamp() },
          }),
          user: model({ fields: { id: id() } }),
        },
        { casing: "snake_case" },
      ),
    );
    expect(error.problems).toHaveLength(2);
    problem(error, "post.userId", '"user"');
    problem(error, "created_at", "createdAt");
  });

  it("reports two models sharing a morph map alias", () => {
    const error = schemaError(() =>
      defineSchema(
        { post: model({ fields: { id: id() } }), video: model({ fields: { id: id() } }) },
        { morphMap: { post: "media", video: "media" } },
      ),
    );
    expect(error.problems).toHaveLength(1);
    problem(error, '"media"', '"post"', '"video"');
  });

  it("reports a model with no fields", () => {
    const error = schemaError(() => defineSchema({ empty: model({ fields: {} }) }));
    expect(error.problems).toHaveLength(1);
    problem(error, '"empty"');
  });

  it.each(["push", "transaction", "destroy", "kysely", "schema", "then", "dialectName", "$raw"])(
    "reports the reserved model name %s",
    (name) => {
      const error = schemaError(() => defineSchema({ [name]: model({ fields: { id: id() } }) }));
      expect(error.problems).toHaveLength(1);
      problem(error, `"${name}"`, "reserved");
    },
  );

  it("accepts the blog fixture without problems", () => {
    expect([...blog.meta.models.keys()]).toEqual([
      "country",
      "user",
      "profile",
      "post",
      "video",
      "comment",
      "tag",
      "role",
      "token",
    ]);
    expect([...blog.meta.pivotTables.keys()].sort()).toEqual(["role_user", "taggables"]);
  });
});
