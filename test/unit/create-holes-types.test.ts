/**
 * Type tests for the write-side holes of issue 16: a required owner key left out of `create`,
 * unknown keys inside nested creates, and a morphTo `connect` with a row that is not one of its
 * targets'. Checked by `tsc --noEmit`; every `@ts-expect-error` is itself a test (an unused one
 * is an error). The db calls live in functions that are type-checked but never called.
 */
import { describe, expectTypeOf, it } from "vitest";
import {
  belongsTo,
  type Db,
  defineSchema,
  hasMany,
  id,
  integer,
  model,
  morphMany,
  morphTo,
  type Row,
  type Simplify,
  string,
} from "../../src/index.js";
import type { GraphInput } from "../../src/schema/write-types.js";
import type { blog } from "../support/blog-schema.js";

type S = typeof blog;
type Post = Row<S, "post">;
type User = Row<S, "user">;

/**
 * An order has two required owners (customer, store), a nullable one (coupon) and one whose key
 * has a default (channel); a review's morphTo names its targets.
 */
const shop = defineSchema({
  customer: model({
    fields: { id: id(), name: string() },
    relations: { orders: hasMany("order"), reviews: morphMany("review", { morphName: "reviewable" }) },
  }),
  store: model({
    fields: { id: id(), city: string() },
    relations: { orders: hasMany("order"), reviews: morphMany("review", { morphName: "reviewable" }) },
  }),
  coupon: model({ fields: { id: id(), code: string() } }),
  order: model({
    fields: {
      id: id(),
      customerId: integer().references("customer.id"),
      storeId: integer().references("store.id"),
      couponId: integer().nullable().references("coupon.id"),
      channelId: integer().default(1).references("store.id"),
      note: string().nullable(),
    },
    relations: {
      customer: belongsTo("customer"),
      store: belongsTo("store"),
      coupon: belongsTo("coupon"),
      channel: belongsTo("store", { foreignKey: "channelId" }),
    },
  }),
  review: model({
    fields: { id: id(), stars: integer(), reviewableType: string(), reviewableId: integer() },
    relations: { reviewable: morphTo({ types: ["customer", "store"] }) },
  }),
});
type Shop = typeof shop;
type Customer = Row<Shop, "customer">;
type Store = Row<Shop, "store">;
type Order = Row<Shop, "order">;
type Coupon = Row<Shop, "coupon">;

// Type-only: never called, so no database is needed.
declare const db: Db<S>;
declare const sdb: Db<Shop>;
declare const post: Post;
declare const user: User;
declare const customer: Customer;
declare const store: Store;
declare const coupon: Coupon;

describe("a required belongsTo key: given, or its relation written", () => {
  it("create compiles with the key or the relation's nested write, with the plain row or the written relation", () => {
    async function check() {
      expectTypeOf(await db.post.create({ title: "x", authorId: 1 })).toEqualTypeOf<Post>();
      const connected = await db.post.create({ title: "x", author: { connect: 1 } });
      expectTypeOf(connected).toEqualTypeOf<Simplify<Post & { author: User }>>();
      await db.post.create({ title: "x", author: { create: { email: "a", name: "A" } } });
      await db.post.create({
        title: "x",
        author: { connectOrCreate: { where: { email: "a" }, create: { email: "a", name: "A" } } },
      });
      // A nullable key (user.countryId) and a key with a default (order.channelId) stay optional.
      expectTypeOf(await db.user.create({ email: "a", name: "A" })).toEqualTypeOf<User>();
      expectTypeOf(await sdb.order.create({ customerId: 1, storeId: 1 })).toEqualTypeOf<Order>();
      await sdb.order.create({ customer: { connect: 1 }, store: { create: { city: "Oslo" } } });
      await sdb.order.create({ customerId: 1, store: { connect: store } });
    }
    expectTypeOf(check).toBeFunction();
  });

  it("create without the key or its relation does not compile", () => {
    async function check() {
      // @ts-expect-error post.authorId is required: give it or write author
      await db.post.create({ title: "x" });
      // @ts-expect-error an undefined key is a missing key
      await db.post.create({ title: "x", authorId: undefined });
      // @ts-expect-error order.storeId is missing (customerId is given)
      await sdb.order.create({ customerId: 1 });
      // @ts-expect-error order.customerId is missing (store is written)
      await sdb.order.create({ store: { connect: 1 } });
      // @ts-expect-error both are missing
      await sdb.order.create({ note: "n", couponId: 1 });
      // @ts-expect-error writing another relation over the same target does not fill this key
      await sdb.order.create({ customerId: 1, channel: { connect: 1 } });
    }
    expectTypeOf(check).toBeFunction();
  });

  it("a morphTo's type and id: both given, or the morphTo connected", () => {
    async function check() {
      await db.comment.create({ body: "x", commentableType: "post", commentableId: 1 });
      await db.comment.create({ body: "x", commentable: { connect: post } });
      // @ts-expect-error comment.commentableType and commentableId are required
      await db.comment.create({ body: "x" });
      // @ts-expect-error comment.commentableId is missing
      await db.comment.create({ body: "x", commentableType: "post" });
    }
    expectTypeOf(check).toBeFunction();
  });

  it("createMany: each row on its own", () => {
    async function check() {
      const rows = await db.post.createMany([
        { title: "a", authorId: 1 },
        { title: "b", author: { connect: 1 } },
      ]);
      expectTypeOf(rows).toEqualTypeOf<Simplify<Post & { author: User }>[]>();
      // @ts-expect-error the second row has no author
      await db.post.createMany([{ title: "a", authorId: 1 }, { title: "b" }]);
      // @ts-expect-error the only row has no author
      await db.post.createMany([{ title: "a" }]);
    }
    expectTypeOf(check).toBeFunction();
  });

  it("nested creates: a key the relation fills is optional, any other required owner key is not", () => {
    async function check() {
      // user.posts fills post.authorId.
      await db.user.create({ email: "a", name: "A", posts: { create: [{ title: "p" }] } });
      await sdb.customer.create({ name: "C", orders: { create: [{ storeId: 1 }, { store: { connect: 1 } }] } });
      // tag.posts (morphedByMany) fills no post key.
      await db.tag.create({ name: "t", posts: { create: [{ title: "p", authorId: 1 }] } });
      await db.tag.create({ name: "t", posts: { create: [{ title: "p", author: { connect: 1 } }] } });
      // @ts-expect-error order.storeId is not filled by customer.orders
      await sdb.customer.create({ name: "C", orders: { create: [{}] } });
      // @ts-expect-error the second order has no store
      await sdb.customer.create({ name: "C", orders: { create: [{ storeId: 1 }, { note: "n" }] } });
      // @ts-expect-error a post created through tag.posts needs its author
      await db.tag.create({ name: "t", posts: { create: [{ title: "p" }] } });
      // @ts-expect-error the same in a to-one create (one object)
      await db.tag.create({ name: "t", posts: { create: { title: "p" } } });
      // @ts-expect-error two levels down: an order created through store.orders needs its customer
      await sdb.customer.create({
        name: "C",
        orders: { create: [{ store: { create: { city: "O", orders: { create: [{}] } } } }] },
      });
    }
    expectTypeOf(check).toBeFunction();
  });

  it("connectOrCreate's create, a belongsTo's create, the Prisma { data } form", () => {
    async function check() {
      await db.tag.create({
        name: "t",
        posts: { connectOrCreate: [{ where: { id: 1 }, create: { title: "p", authorId: 1 } }] },
      });
      // @ts-expect-error the post a connectOrCreate would create has no author
      await db.tag.create({ name: "t", posts: { connectOrCreate: [{ where: { id: 1 }, create: { title: "p" } }] } });
      await sdb.order.create({ customerId: 1, store: { create: { city: "Oslo" } } });
      const created = await db.post.create({ data: { title: "x", authorId: 1 }, select: { id: true } });
      expectTypeOf(created).toEqualTypeOf<{ id: number }>();
      await db.post.create({ data: { title: "x", author: { connect: 1 } } });
      // @ts-expect-error the Prisma form checks its data the same way
      await db.post.create({ data: { title: "x" } });
      // @ts-expect-error and its nested creates
      await db.tag.create({ data: { name: "t", posts: { create: [{ title: "p" }] } } });
      // createMany's Prisma form writes fields only: the key is simply required there.
      await db.post.createMany({ data: [{ title: "a", authorId: 1 }] });
      // @ts-expect-error a row without its author
      await db.post.createMany({ data: [{ title: "a" }] });
      // @ts-expect-error the same in createManyAndReturn
      await db.post.createManyAndReturn({ data: { title: "a" } });
    }
    expectTypeOf(check).toBeFunction();
  });

  it("a value typed as the loose GraphInput still passes (its keys are optional there)", () => {
    async function check(input: GraphInput<S, "post">) {
      expectTypeOf<GraphInput<S, "post">["authorId"]>().toEqualTypeOf<number | undefined>();
      await db.post.create(input);
    }
    expectTypeOf(check).toBeFunction();
  });
});

describe("upsert's create and related(...).create check their rows as create does", () => {
  it("upsert's create needs every required owner key (the update may not run)", () => {
    async function check() {
      await sdb.order.upsert({ where: { id: 1 }, create: { customerId: 1, storeId: 2 }, update: { note: "n" } });
      await sdb.order.upsert({
        where: { id: 1 },
        create: { customerId: 1, store: { connect: store } },
        update: {},
      });
      // @ts-expect-error the order it would create has no store
      await sdb.order.upsert({ where: { id: 1 }, create: { customerId: 1 }, update: {} });
      await sdb.order.upsert({
        where: { id: 1 },
        // @ts-expect-error an unknown key in upsert's create
        create: { customerId: 1, storeId: 2, nte: "n" },
        update: {},
      });
    }
    expectTypeOf(check).toBeFunction();
  });

  it("related(...).create: the keys the relation sets are optional, any other owner key is required", () => {
    async function check() {
      const order = await sdb.customer.related(customer, "orders").create({ storeId: 1 });
      expectTypeOf(order).toEqualTypeOf<Order>();
      await sdb.store.related(store, "orders").create({ customer: { connect: customer } });
      await sdb.customer.related(customer, "orders").createMany([{ storeId: 1 }, { storeId: 2, note: "n" }]);
      // @ts-expect-error an order created through customer.orders still needs its store
      await sdb.customer.related(customer, "orders").create({ note: "n" });
      // @ts-expect-error the same for each row of createMany
      await sdb.customer.related(customer, "orders").createMany([{ storeId: 1 }, { note: "n" }]);
      // @ts-expect-error an unknown key
      await sdb.customer.related(customer, "orders").create({ storeId: 1, nte: "n" });
    }
    expectTypeOf(check).toBeFunction();
  });
});

describe("unknown keys inside nested creates", () => {
  it("are errors at every depth", () => {
    async function check() {
      // @ts-expect-error "titel" in a to-many create item
      await db.user.create({ email: "a", name: "A", posts: { create: [{ title: "x", titel: "y" }] } });
      // @ts-expect-error in a to-one create (hasOne, every field optional)
      await db.user.create({ email: "a", name: "A", profile: { create: { boi: "x" } } });
      // @ts-expect-error in a belongsTo create
      await db.post.create({ title: "x", author: { create: { email: "a", name: "A", nmae: "B" } } });
      // @ts-expect-error two levels down
      await db.user.create({
        email: "a",
        name: "A",
        posts: { create: [{ title: "x", comments: { create: [{ body: "c", bdy: "d" }] } }] },
      });
      // @ts-expect-error three levels down
      await db.user.create({
        email: "a",
        name: "A",
        posts: {
          create: [{ title: "x", tags: { create: [{ name: "t", videos: { create: [{ title: "v", x: 1 }] } }] } }],
        },
      });
      // @ts-expect-error in a connectOrCreate's create
      await db.user.create({
        email: "a",
        name: "A",
        posts: { connectOrCreate: [{ where: { id: 1 }, create: { title: "x", y: 1 } }] },
      });
      // @ts-expect-error in a many-to-many create item
      await db.user.create({ email: "a", name: "A", roles: { create: [{ name: "r", nmae: "s" }] } });
      // @ts-expect-error in its pivot values, next to a known one
      await db.user.create({
        email: "a",
        name: "A",
        roles: { create: [{ name: "r", pivot: { grantedBy: "x", nope: 1 } }] },
      });
      // @ts-expect-error an unknown operation next to a known one
      await db.user.create({ email: "a", name: "A", posts: { create: [{ title: "x" }], add: [1] } });
      // @ts-expect-error in createMany rows' nested creates
      await db.user.createMany([{ email: "a", name: "A", posts: { create: [{ title: "x", titel: "y" }] } }]);
      // @ts-expect-error in the Prisma form's nested creates
      await db.user.create({ data: { email: "a", name: "A", posts: { create: [{ title: "x", titel: "y" }] } } });
      // @ts-expect-error in createMany's Prisma rows
      await db.post.createMany({ data: [{ title: "a", authorId: 1, titel: "b" }] });
      // @ts-expect-error a relation in createMany's Prisma rows (fields only)
      await db.post.createManyAndReturn({ data: [{ title: "a", authorId: 1, tags: { connect: [1] } }] });
    }
    expectTypeOf(check).toBeFunction();
  });

  it("known keys still compile, with the written relations in the result", () => {
    async function check() {
      const made = await db.user.create({
        email: "a",
        name: "A",
        profile: { create: { bio: "x" } },
        roles: { create: [{ name: "r", pivot: { grantedBy: "x" } }] },
        posts: { create: [{ title: "x", comments: { create: [{ body: "c" }] } }] },
      });
      expectTypeOf(made.posts).toEqualTypeOf<Simplify<Post & { comments: Row<S, "comment">[] }>[]>();
    }
    expectTypeOf(check).toBeFunction();
  });
});

describe("a morphTo connect takes a row of one of its targets", () => {
  it("a target's row compiles; the result is the union of the targets", () => {
    async function check() {
      const review = await sdb.review.create({ stars: 5, reviewable: { connect: customer } });
      expectTypeOf(review.reviewable).toEqualTypeOf<Customer | Store | null>();
      await sdb.review.create({ stars: 5, reviewable: { connect: store } });
      const withOrders = await sdb.store.with("orders").firstOrFail();
      await sdb.review.create({ stars: 5, reviewable: { connect: withOrders } });
      await db.comment.create({ body: "x", commentable: { connect: post } });
    }
    expectTypeOf(check).toBeFunction();
  });

  it("a row of another model, or a plain object, does not compile", () => {
    async function check() {
      // @ts-expect-error a coupon is not a target of review.reviewable
      await sdb.review.create({ stars: 5, reviewable: { connect: coupon } });
      // @ts-expect-error a user is not a target of comment.commentable (post, video)
      await db.comment.create({ body: "x", commentable: { connect: user } });
      // @ts-expect-error a plain object is not a row read through relata (rejected when run)
      await db.comment.create({ body: "x", commentable: { connect: { id: 1 } } });
      // @ts-expect-error the same in an update
      await db.comment.update({ where: { id: 1 }, data: { commentable: { connect: user } } });
    }
    expectTypeOf(check).toBeFunction();
  });
});
