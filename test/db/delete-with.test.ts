import { beforeEach, describe, expect, it } from "vitest";
import {
  defineSchema,
  ForeignKeyConstraintError,
  hasMany,
  id,
  integer,
  model,
  RelationNotFoundError,
  string,
  ValidationError,
} from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { dialect, useTestDb } from "../support/test-db.js";

describe(`deleteWith and pivot cleanup on ${dialect}`, () => {
  const t = useTestDb(blog);
  beforeEach(() => t.truncate());

  async function seed() {
    const [ada, bob] = await t.db.user.createMany([
      { email: "ada@d.dev", name: "Ada" },
      { email: "bob@d.dev", name: "Bob" },
    ]);
    await t.db.profile.createMany([
      { userId: ada!.id, bio: "Ada" },
      { userId: bob!.id, bio: "Bob" },
    ]);
    const [p1, , p3] = await t.db.post.createMany([
      { authorId: ada!.id, title: "a1" },
      { authorId: ada!.id, title: "a2" },
      { authorId: bob!.id, title: "b1" },
    ]);
    const [admin] = await t.db.role.createMany([{ name: "admin" }, { name: "editor" }]);
    await t.db.user.related(ada!, "roles").attach(admin!.id);
    await t.db.user.related(bob!, "roles").attach(admin!.id);
    const [js] = await t.db.tag.createMany([{ name: "js" }, { name: "sql" }]);
    await t.db.post.related(p1!, "tags").attach(js!.id);
    await t.db.post.related(p3!, "tags").attach(js!.id);
    const video = await t.db.video.create({ title: "v" });
    await t.db.video.related(video, "tags").attach(js!.id);
    return { ada: ada!, bob: bob!, p1: p1!, p3: p3!, admin: admin!, js: js!, video };
  }

  const taggables = () =>
    t.db.kysely
      .selectFrom("taggables")
      .select(["taggable_type as type", "taggable_id as id"])
      .orderBy("taggable_type")
      .orderBy("taggable_id")
      .execute()
      .then((rows) => rows.map((r) => `${r.type}:${Number(r.id)}`));

  it("deletes the row with its children, one-to-ones and pivot rows, and nothing of others", async () => {
    const { ada, bob, admin, p3, video } = await seed();
    expect(await t.db.user.deleteWith(ada, "posts", "profile", "roles")).toBe(1);
    expect(await t.db.user.pluck("name")).toEqual(["Bob"]);
    expect(await t.db.post.pluck("title")).toEqual(["b1"]);
    expect(await t.db.profile.pluck("bio")).toEqual(["Bob"]);
    expect(await t.db.role.count()).toBe(2); // the related roles stay; only Ada's pivot row goes
    expect(await t.db.user.related(bob, "roles").pluck("id")).toEqual([admin.id]);
    // Ada's posts' tag rows went with them; Bob's post and the video keep theirs.
    expect(await taggables()).toEqual([`post:${p3.id}`, `video:${video.id}`]);
  });

  it("is one transaction: a failure leaves everything as it was", async () => {
    const { ada } = await seed();
    const before = { users: await t.db.user.count(), posts: await t.db.post.count(), tags: await taggables() };
    // An unknown relation among those named: nothing at all is deleted.
    const error = await t.db.user.deleteWith({ ...ada, id: ada.id }, "posts", "nope" as never).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RelationNotFoundError);
    expect({ users: await t.db.user.count(), posts: await t.db.post.count(), tags: await taggables() }).toEqual(before);
  });

  it("refuses relations whose rows are not the row's to delete, and rows without their key", async () => {
    const { p1, ada } = await seed();
    const { queries, result } = await t.count(() =>
      t.db.post.deleteWith(p1, "author").then(
        () => undefined,
        (e: unknown) => e,
      ),
    );
    expect(result).toBeInstanceOf(ValidationError);
    expect(queries).toBe(0);
    await expect(t.db.user.deleteWith({ name: ada.name }, "posts")).rejects.toBeInstanceOf(ValidationError);
    expect(await t.db.post.count()).toBe(3);
  });

  it("deleting through a query removes the polymorphic pivot rows of the deleted rows only", async () => {
    const { p1, p3, video } = await seed();
    expect(await t.db.post.where("id", p1.id).delete()).toBe(1);
    expect(await taggables()).toEqual([`post:${p3.id}`, `video:${video.id}`]);
    expect(await t.db.video.query().delete()).toBe(1);
    expect(await taggables()).toEqual([`post:${p3.id}`]);
    // With a limit, only the limited rows' pivot rows go.
    const again = await t.db.post.create({ authorId: p3.authorId, title: "b2" });
    await t.db.post.related(again, "tags").attach((await t.db.tag.first())!.id);
    expect(await t.db.post.where("id", ">=", p3.id).orderBy("id").limit(1).delete()).toBe(1);
    expect(await taggables()).toEqual([`post:${again.id}`]);
  });
});

describe(`deleteWith rolls back a failure in the middle on ${dialect}`, () => {
  const guarded = defineSchema({
    owner: model({
      fields: { id: id(), name: string() },
      relations: { pets: hasMany("pet"), audits: hasMany("audit") },
    }),
    pet: model({ fields: { id: id(), ownerId: integer().references("owner.id"), name: string() } }),
    audit: model({
      fields: { id: id(), ownerId: integer().references("owner.id", { onDelete: "restrict" }), note: string() },
    }),
  });
  const t = useTestDb(guarded);

  it("the children deleted before the failing delete of the row come back", async () => {
    const owner = await t.db.owner.create({ name: "Ann" });
    await t.db.pet.createMany([
      { ownerId: owner.id, name: "Rex" },
      { ownerId: owner.id, name: "Tom" },
    ]);
    await t.db.audit.create({ ownerId: owner.id, note: "keeps the owner" });
    const error = await t.db.owner.deleteWith(owner, "pets").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ForeignKeyConstraintError);
    // The pets were deleted first inside the transaction; the owner's delete failed; all is back.
    expect(await t.db.pet.orderBy("id").pluck("name")).toEqual(["Rex", "Tom"]);
    expect(await t.db.owner.pluck("name")).toEqual(["Ann"]);
  });
});
