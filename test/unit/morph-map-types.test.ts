import { describe, expectTypeOf, it } from "vitest";
import {
  type Db,
  defineSchema,
  id,
  integer,
  type MorphMapEntries,
  MorphMapError,
  model,
  morphMany,
  morphTo,
  type RelataError,
  string,
} from "../../src/index.js";

const schema = defineSchema(
  {
    post: model({
      fields: { id: id(), title: string() },
      relations: { comments: morphMany("comment", { morphName: "commentable" }) },
    }),
    comment: model({
      fields: { id: id(), commentableType: string(), commentableId: integer() },
      relations: { commentable: morphTo() },
    }),
  },
  { morphMap: { post: "Post" }, enforceMorphMap: true },
);
type S = typeof schema;

// Type-only: never called, so no database is needed.
declare const db: Db<S>;

describe("morph map types", () => {
  it("db.morphMap reads and takes a map keyed by the schema's model names", () => {
    function check() {
      expectTypeOf(db.morphMap()).toEqualTypeOf<{ post?: string; comment?: string }>();
      expectTypeOf(db.morphMap()).toEqualTypeOf<MorphMapEntries<S>>();
      expectTypeOf(db.morphMap({ post: "Article" })).toEqualTypeOf<MorphMapEntries<S>>();
      db.morphMap({ post: "Article", comment: "Comment" });
      db.morphMap({ post: "Article" }, { merge: false });
      db.morphMap({}, {});
      // @ts-expect-error not a model of the schema
      db.morphMap({ ghost: "Ghost" });
      // @ts-expect-error the stored value is a string
      db.morphMap({ post: 1 });
      // @ts-expect-error merge is a boolean
      db.morphMap({ post: "P" }, { merge: "no" });
      // @ts-expect-error the only option is merge
      db.morphMap({ post: "P" }, { replace: true });
      void db.transaction(async (tx) => {
        expectTypeOf(tx.morphMap()).toEqualTypeOf<MorphMapEntries<S>>();
        tx.morphMap({ comment: "Note" });
      });
    }
    expectTypeOf(check).toBeFunction();
  });

  it("defineSchema takes enforceMorphMap as a boolean", () => {
    function check() {
      defineSchema({ a: model({ fields: { id: id() } }) }, { enforceMorphMap: false });
      // @ts-expect-error a boolean
      defineSchema({ a: model({ fields: { id: id() } }) }, { enforceMorphMap: "yes" });
    }
    expectTypeOf(check).toBeFunction();
  });

  it("MorphMapError is a RelataError naming the model or the stored value", () => {
    const error = new MorphMapError("m", "post");
    expectTypeOf(error).toMatchTypeOf<RelataError>();
    expectTypeOf(error.model).toEqualTypeOf<string | undefined>();
    expectTypeOf(error.value).toEqualTypeOf<string | undefined>();
  });

  it("the row's morph type is typed from the map given to defineSchema", () => {
    function check() {
      void db.comment
        .with("commentable")
        .first()
        .then((comment) => {
          if (comment?.commentableType === "Post") {
            expectTypeOf(comment.commentable).toMatchTypeOf<{ title: string } | null>();
          }
          // @ts-expect-error the stored value is the map's "Post", not the model name
          if (comment?.commentableType === "post") return;
        });
    }
    expectTypeOf(check).toBeFunction();
  });
});
