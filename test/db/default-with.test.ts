import { beforeAll, describe, expect, it } from "vitest";
import {
  belongsTo,
  defineSchema,
  hasMany,
  id,
  integer,
  model,
  morphMany,
  morphTo,
  SchemaError,
  string,
  ValidationError,
} from "../../src/index.js";
import { caught } from "../support/caught.js";
import { dialect, eagerQueries, useTestDb } from "../support/test-db.js";

/** Default eager loads (model option `with`): every read loads them, also below other relations. */
const schema = defineSchema({
  user: model({ fields: { id: id(), name: string() }, relations: { posts: hasMany("post") }, with: ["posts"] }),
  post: model({
    fields: { id: id(), userId: integer(), title: string() },
    relations: { user: belongsTo("user"), notes: morphMany("note", { morphName: "notable" }) },
    with: ["user"],
  }),
  note: model({
    fields: { id: id(), body: string(), notableType: string(), notableId: integer() },
    relations: { notable: morphTo() },
  }),
});

describe(`default eager loads on ${dialect}`, () => {
  const t = useTestDb(schema);
  beforeAll(async () => {
    const ada = await t.db.user.create({ name: "Ada" });
    const post = await t.db.post.create({ userId: ada.id, title: "Notes" });
    await t.db.note.create({ body: "n", notableType: "post", notableId: post.id });
  });

  it("a read loads the model's defaults, and the defaults of what they load, once around a cycle", async () => {
    const { queries, result } = await t.count(() => t.db.post.get());
    // post -> user (default) -> user.posts (user's default) stops: post is already on the chain.
    expect(queries).toBe(eagerQueries(3));
    // The row types do not carry default eager loads yet: read them untyped.
    const post: any = result[0];
    expect(post.user.name).toBe("Ada");
    expect(post.user.posts.map((p: any) => p.title)).toEqual(["Notes"]);
    expect(Object.hasOwn(post.user.posts[0], "user")).toBe(false);
  });

  it("also where the model is loaded as a relation, a morphTo target included", async () => {
    const [note] = await t.db.note.with("notable").get();
    expect((note!.notable as any).user.name).toBe("Ada");
    const [user]: any[] = await t.db.user.get();
    expect(user.posts[0].title).toBe("Notes");
  });

  it("without() leaves a default out; pluck and count load nothing", async () => {
    const { queries, result } = await t.count(() => t.db.post.without("user").get());
    expect(queries).toBe(1);
    expect(Object.hasOwn(result[0]!, "user")).toBe(false);
    expect(await t.count(() => t.db.post.pluck("title"))).toEqual({ queries: 1, result: ["Notes"] });
    expect(await t.count(() => t.db.post.count())).toEqual({ queries: 1, result: 1 });
    // @ts-expect-error: without() takes the model's default eager loads; plain JS gets a ValidationError
    const error = await caught(() => t.db.post.without("notes"));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain("user");
  });

  it("load() onto fetched rows loads the defaults below, not the rows' own", async () => {
    const posts = await t.db.post.without("user").get();
    const loaded = await t.db.post.load(posts, "notes");
    expect(Object.hasOwn(loaded[0]!, "user")).toBe(false);
    expect(loaded[0]!.notes.map((n) => n.body)).toEqual(["n"]);
  });

  it("an option that is not a list of paths is a SchemaError; an unknown relation fails the read", async () => {
    const error = await caught(() => defineSchema({ a: model({ fields: { id: id() }, with: "posts" as never }) }));
    expect(error).toBeInstanceOf(SchemaError);
    expect(error.message).toContain("with takes a list of relation paths");
  });
});
