import { describe, expectTypeOf, it } from "vitest";
import { type CreateInput, type Db, defineSchema, id, model, type Row, string, timestamp } from "../../src/index.js";

const schema = defineSchema({
  post: model({
    fields: {
      id: id(),
      title: string(),
      createdAt: timestamp(),
      updatedAt: timestamp(),
      deletedAt: timestamp().nullable(),
    },
    timestamps: true,
    softDeletes: true,
    scopes: { titled: (q) => q.whereNotNull("title") },
  }),
  note: model({
    fields: { id: id(), body: string(), insertedAt: timestamp(), changedAt: timestamp() },
    timestamps: { createdAt: "insertedAt", updatedAt: false },
  }),
  plain: model({ fields: { id: id(), at: timestamp() } }),
});
type S = typeof schema;

// Type-only: never called, so no database is needed.
declare const db: Db<S>;

describe("lifecycle option types", () => {
  it("the fields timestamps fills are optional on create, and still Dates when read", () => {
    expectTypeOf<CreateInput<S, "post">>().toEqualTypeOf<{
      title: string;
      id?: number;
      createdAt?: Date;
      updatedAt?: Date;
      deletedAt?: Date | null;
    }>();
    expectTypeOf<Row<S, "post">["createdAt"]>().toEqualTypeOf<Date>();
    // Renamed: insertedAt is filled; changedAt (updatedAt: false) is not, so it stays required.
    expectTypeOf<CreateInput<S, "note">>().toEqualTypeOf<{
      body: string;
      changedAt: Date;
      id?: number;
      insertedAt?: Date;
    }>();
    // Without timestamps a timestamp field stays required.
    expectTypeOf<CreateInput<S, "plain">>().toEqualTypeOf<{ at: Date; id?: number }>();
  });

  it("the lifecycle methods chain like any builder method", () => {
    async function check() {
      const rows = await db.post.withTrashed().where("title", "x").withoutGlobalScope("titled").orderBy("id").get();
      expectTypeOf(rows).toEqualTypeOf<Row<S, "post">[]>();
      expectTypeOf(await db.post.onlyTrashed().restore()).toEqualTypeOf<number>();
      expectTypeOf(await db.post.where("id", 1).forceDelete()).toEqualTypeOf<number>();
      expectTypeOf(await db.post.touch()).toEqualTypeOf<number>();
      expectTypeOf(await db.post.withoutGlobalScopes().count()).toEqualTypeOf<number>();
    }
    expectTypeOf(check).toBeFunction();
  });
});

describe("event hook types", () => {
  it("hooks get the model's row (creating: the values, partial) and the transaction's db", () => {
    model({
      fields: { id: id(), title: string(), at: timestamp().nullable() },
      events: {
        creating: (values, { db }) => {
          expectTypeOf(values).toEqualTypeOf<{ id?: number; title?: string; at?: Date | null }>();
          expectTypeOf(db).toBeAny();
        },
        updated: (row) => {
          expectTypeOf(row).toEqualTypeOf<{ id: number; title: string; at: Date | null }>();
        },
        // @ts-expect-error a hook reads fields of its own model only
        deleted: (row) => row.nope,
      },
    });
  });
});
