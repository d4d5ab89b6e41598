/**
 * Type tests for nested writes in Prisma-style `update({ where, data })` and `connectOrCreate` in
 * `create`: checked by `tsc --noEmit` (which includes test/); every `@ts-expect-error` is itself a
 * test, since tsc reports an unused one as an error. The db calls live in functions that are
 * type-checked but never called, so no query runs.
 */
import { describe, expectTypeOf, it } from "vitest";
import type { Db, Row } from "../../src/index.js";
import type { FieldUpdate, ScalarWhere, UpdateGraphInput } from "../../src/schema/update-types.js";
import type { blog } from "../support/blog-schema.js";

type S = typeof blog;
type Tag = Row<S, "tag">;

// Type-only: never called, so no database is needed.
declare const db: Db<S>;

describe("update data: field values", () => {
  it("every field is optional; numbers take atomic updates, any field { set }", () => {
    expectTypeOf<{}>().toMatchTypeOf<UpdateGraphInput<S, "post">>();
    expectTypeOf<{ views: { increment: 1 }; title: { set: "x" }; body: null }>().toMatchTypeOf<
      UpdateGraphInput<S, "post">
    >();
    expectTypeOf<{ size: { multiply: 2n } }>().toMatchTypeOf<UpdateGraphInput<S, "video">>();
    expectTypeOf<FieldUpdate<boolean>>().toEqualTypeOf<boolean | { set: boolean }>();
    // A JSON field's objects are values: no { set } wrapper.
    expectTypeOf<FieldUpdate<{ theme: string }>>().toEqualTypeOf<{ theme: string }>();
  });

  it("a value of the wrong type, or an unknown field, does not compile", () => {
    async function check() {
      // @ts-expect-error views is a number
      await db.post.update({ where: { id: 1 }, data: { views: "many" } });
      // @ts-expect-error published is a boolean: no arithmetic
      await db.post.update({ where: { id: 1 }, data: { published: { increment: 1 } } });
      // @ts-expect-error no field or relation "nope"
      await db.post.update({ where: { id: 1 }, data: { nope: 1 } });
    }
    expectTypeOf(check).toBeFunction();
  });
});

describe("update data: nested writes typed by relation kind", () => {
  it("to-many (hasMany, morphMany): every Prisma operation", () => {
    async function check() {
      await db.user.update({
        where: { id: 1 },
        data: {
          name: "Ada",
          posts: {
            create: [{ title: "Hi" }],
            createMany: { data: [{ title: "A" }] },
            connect: [{ id: 1 }, 2],
            connectOrCreate: { where: { id: 3 }, create: { title: "C" } },
            update: { where: { id: 1 }, data: { views: { increment: 1 }, tags: { connect: { name: "sql" } } } },
            updateMany: { where: { published: false, views: { lt: 10 } }, data: { published: true } },
            upsert: { where: { id: 1 }, create: { title: "U" }, update: { title: "U2" } },
            delete: [{ id: 1 }],
            deleteMany: [{ title: { startsWith: "draft" } }, { OR: [{ views: 0 }, { body: null }] }],
          },
        },
      });
      await db.post.update({ where: { id: 1 }, data: { comments: { set: [], create: { body: "c" } } } });
    }
    expectTypeOf(check).toBeFunction();
  });

  it("disconnect and set only where the key they null is nullable (post.authorId is not)", () => {
    async function check() {
      // @ts-expect-error post.authorId is required: user.posts has no disconnect
      await db.user.update({ where: { id: 1 }, data: { posts: { disconnect: [{ id: 1 }] } } });
      // @ts-expect-error nor set
      await db.user.update({ where: { id: 1 }, data: { posts: { set: [] } } });
    }
    expectTypeOf(check).toBeFunction();
  });

  it("to-one: hasOne and belongsTo operations; disconnect / delete on an optional belongsTo only", () => {
    async function check() {
      await db.user.update({
        where: { id: 1 },
        data: { profile: { upsert: { create: { bio: "b" }, update: { bio: "c" } } } },
      });
      await db.user.update({ where: { id: 1 }, data: { profile: { update: { bio: "x" } } } });
      await db.user.update({
        where: { id: 1 },
        data: { profile: { update: { where: { bio: null }, data: { bio: "x" } } } },
      });
      await db.user.update({ where: { id: 1 }, data: { profile: { delete: true } } });
      await db.user.update({
        where: { id: 1 },
        data: { country: { connectOrCreate: { where: { id: 1 }, create: { name: "UK" } } } },
      });
      await db.user.update({ where: { id: 1 }, data: { country: { disconnect: true } } });
      await db.user.update({ where: { id: 1 }, data: { country: { delete: true } } });
      await db.post.update({ where: { id: 1 }, data: { author: { connect: { email: "a@x.dev" } } } });
      await db.post.update({ where: { id: 1 }, data: { author: { update: { name: "A" } } } });
      // @ts-expect-error post.author is required: no disconnect
      await db.post.update({ where: { id: 1 }, data: { author: { disconnect: true } } });
      // @ts-expect-error nor delete
      await db.post.update({ where: { id: 1 }, data: { author: { delete: true } } });
      // @ts-expect-error a to-one relation has no set
      await db.user.update({ where: { id: 1 }, data: { country: { set: [] } } });
      // @ts-expect-error a to-one create takes one row
      await db.user.update({ where: { id: 1 }, data: { profile: { create: [{ bio: "b" }] } } });
    }
    expectTypeOf(check).toBeFunction();
  });

  it("many-to-many: connect with pivot values, create with pivot, set, deleteMany", () => {
    async function check() {
      await db.user.update({
        where: { id: 1 },
        data: {
          roles: {
            connect: { 1: { grantedBy: "root" } },
            create: { name: "new", pivot: { grantedBy: "me" } },
            connectOrCreate: [{ where: { id: 2 }, create: { name: "two" } }],
            deleteMany: { name: { contains: "old" } },
          },
        },
      });
      await db.post.update({ where: { id: 1 }, data: { tags: { set: [{ name: "sql" }], disconnect: 3 } } });
      // @ts-expect-error no pivot field "nope"
      await db.user.update({ where: { id: 1 }, data: { roles: { create: { name: "r", pivot: { nope: "x" } } } } });
    }
    expectTypeOf(check).toBeFunction();
  });

  it("morphTo takes connect and disconnect; through relations take nothing", () => {
    async function check(post: Row<S, "post">) {
      await db.comment.update({ where: { id: 1 }, data: { commentable: { connect: post } } });
      await db.comment.update({ where: { id: 1 }, data: { commentable: { disconnect: true } } });
      // @ts-expect-error a morphTo's owner is created on its own model
      await db.comment.update({ where: { id: 1 }, data: { commentable: { create: { title: "x" } } } });
      // @ts-expect-error country.posts is a hasManyThrough
      await db.country.update({ where: { id: 1 }, data: { posts: { create: { title: "x" } } } });
      // @ts-expect-error unknown operation
      await db.user.update({ where: { id: 1 }, data: { posts: { attach: [1] } } });
    }
    expectTypeOf(check).toBeFunction();
  });

  it("a nested updateMany / deleteMany where filters fields only", () => {
    expectTypeOf<{ views: { gte: 1 }; NOT: { title: "x" } }>().toMatchTypeOf<ScalarWhere<S, "post">>();
    // @ts-expect-error no relation filters in a scalar where
    const where: ScalarWhere<S, "post"> = { author: { is: null } };
    expectTypeOf(where).not.toBeAny();
  });
});

describe("connectOrCreate in create", () => {
  it("is offered on every kind that connects, and its created rows count as written", () => {
    async function check() {
      const post = await db.post.create({
        title: "Hi",
        authorId: 1,
        tags: { connectOrCreate: [{ where: { name: "sql" }, create: { name: "sql" } }] },
      });
      expectTypeOf(post.tags[0]!.name).toEqualTypeOf<Tag["name"]>();
      const user = await db.user.create({
        email: "a@x.dev",
        name: "A",
        country: { connectOrCreate: { where: { id: 1 }, create: { name: "UK" } } },
        posts: {
          connectOrCreate: { where: { id: 1 }, create: { title: "P", tags: { create: [{ name: "t" }] } } },
        },
      });
      expectTypeOf(user.posts[0]!.tags[0]!.name).toEqualTypeOf<string>();
      expectTypeOf(user.country).not.toBeAny();
      // @ts-expect-error a to-one relation takes one of create, connect or connectOrCreate
      await db.user.create({
        email: "b@x.dev",
        name: "B",
        country: { connect: 1, connectOrCreate: { where: { id: 1 }, create: { name: "UK" } } },
      });
      // @ts-expect-error connectOrCreate needs create
      await db.post.create({ title: "x", authorId: 1, tags: { connectOrCreate: [{ where: { name: "sql" } }] } });
    }
    expectTypeOf(check).toBeFunction();
  });
});
