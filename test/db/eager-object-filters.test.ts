import { beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import {
  belongsToMany,
  defineSchema,
  hasMany,
  hasManyThrough,
  hasOne,
  hasOneThrough,
  id,
  integer,
  manyToMany,
  model,
  morphOne,
  morphTo,
  RelationNotFoundError,
  string,
  ValidationError,
} from "../../src/index.js";
import { blog } from "../support/blog-schema.js";
import { dialect, eagerQueries, strategy, type TestDb, useTestDb } from "../support/test-db.js";

/**
 * The object API's relation filters, relation counts and count ordering on the real databases,
 * under both loading strategies: `some` / `every` / `none` on every to-many kind, `is` / `isNot`
 * (and the plain-filter shorthand) on every to-one kind, nested to any depth and grouped with
 * AND / OR / NOT; `_count` in select and include (at the top and per related row); `orderBy`
 * a relation's count (at the top and per parent inside a relation). Every filter and every count
 * is a correlated subquery of the parents' statement: exact statement counts prove there is one
 * statement for the parents whatever the number of filters and aggregates (relations through
 * `eagerQueries`). Argument errors are thrown before any SQL. The object API agrees with the
 * fluent one (whereHas / whereDoesntHave / has / withCount).
 */

/** The label field of each model, for compact expectations. */
const LABELS: Record<string, string> = {
  country: "name",
  user: "name",
  profile: "bio",
  post: "title",
  video: "title",
  comment: "body",
  tag: "name",
  role: "name",
  account: "name",
  team: "name",
  image: "url",
  course: "title",
  car: "label",
  owner: "name",
};

/** Query helpers bound to one test database; rows are read loosely typed. */
function helpers(t: TestDb<any>) {
  /** The labels of the `model` rows `where` matches, in id order, asserting ONE statement. */
  const match = async (model: string, where: unknown): Promise<unknown[]> => {
    const { queries, result } = await t.count(() => (t.db as any)[model].findMany({ where, orderBy: { id: "asc" } }));
    expect(queries).toBe(1);
    return (result as any[]).map((row) => row[LABELS[model]!]);
  };
  /** The rows of `findMany(args)` on `model`, asserting how many statements it took. */
  const find = async (model: string, args: unknown, statements: number): Promise<any[]> => {
    const { queries, result } = await t.count((): Promise<any[]> => (t.db as any)[model].findMany(args));
    expect(queries).toBe(statements);
    return result;
  };
  /** The error `fn` fails with (synchronously or as a rejection), asserting no statement was sent. */
  const failure = async (fn: () => unknown): Promise<any> => {
    const { queries, result } = await t.count(async () => {
      try {
        await fn();
      } catch (error) {
        return error;
      }
      return undefined;
    });
    expect(queries).toBe(0);
    if (result === undefined) throw new Error("expected an error, got none");
    return result;
  };
  /** How `fn` ends: the statements it sent and the class of its error ("none" when it succeeds). */
  const attempt = async (fn: () => unknown): Promise<{ statements: number; error: string }> => {
    const { queries, result } = await t.count(async () => {
      try {
        await fn();
      } catch (error) {
        return error instanceof Error ? error.constructor.name : String(error);
      }
      return "none";
    });
    return { statements: queries, error: result };
  };
  return { match, find, failure, attempt };
}

/** `[label, _count]` pairs of rows. */
const counts = (rows: readonly any[], label = "name") => rows.map((row) => [row[label], row._count]);

// ---------------------------------------------------------------------------------------------
// The blog: hasMany, belongsToMany (bare pivot), morphMany, morphToMany, morphedByMany,
// hasManyThrough, hasOne, belongsTo, morphTo
// ---------------------------------------------------------------------------------------------

describe(`object-API relation filters and counts on the blog on ${dialect} (${strategy} strategy)`, () => {
  const t = useTestDb(blog);
  const { match, find, failure, attempt } = helpers(t);
  const USERS = ["Ada", "Bob", "Cy", "Dee", "Eve"];
  const POSTS = ["Ada 1", "Ada 2", "Ada 3", "Cy 1", "Dee 1", "Dee 2"];
  let uk: any, fr: any, de: any, es: any;
  let ada: any, bob: any, cy: any, dee: any, eve: any;
  let adaProfile: any, bobProfile: any;
  let p1: any, p2: any, p3: any, p4: any, p5: any, p6: any;
  let videos: any[] = [];
  let c1: any, c2: any, c3: any;
  let golang: any, sqlTag: any, js: any;

  beforeAll(async () => {
    const db = t.db;
    uk = await db.country.create({ name: "UK" });
    fr = await db.country.create({ name: "France" });
    de = await db.country.create({ name: "Germany" });
    es = await db.country.create({ name: "Spain" }); // no users
    const user = (name: string, age: number | null, active: boolean, countryId: number | null) =>
      db.user.create({ email: `${name.toLowerCase()}@example.dev`, name, age, active, countryId });
    ada = await user("Ada", 36, true, uk.id); // posts p1 p2 p3, profile, roles admin + editor
    bob = await user("Bob", 17, true, uk.id); // no posts, a profile with a NULL bio, role editor
    cy = await user("Cy", null, true, fr.id); // post p4, no profile, role viewer
    dee = await user("Dee", 65, true, null); // posts p5 p6, no country, no profile, no role
    eve = await user("Eve", 22, false, de.id); // nothing at all, inactive
    adaProfile = await db.profile.create({ userId: ada.id, bio: "Ada's bio" });
    bobProfile = await db.profile.create({ userId: bob.id, bio: null });
    const post = (authorId: number, title: string, published: boolean, views: number, rating: number | null) =>
      db.post.create({ authorId, title, published, views, rating });
    p1 = await post(ada.id, "Ada 1", true, 100, 4.5); // comments c1 c2; tags golang, sql
    p2 = await post(ada.id, "Ada 2", false, 5, null);
    p3 = await post(ada.id, "Ada 3", true, 50, 3); // comment c3
    p4 = await post(cy.id, "Cy 1", false, 20, 2); // comment c4; tag golang
    p5 = await post(dee.id, "Dee 1", true, 0, null); // tag js
    p6 = await post(dee.id, "Dee 2", true, 7, 5);
    // Video n has the id of post n: a filter or count ignoring the morph type column would mix them up.
    videos = [];
    for (let i = 1; i <= 6; i++) videos.push(await db.video.create({ title: `V${i}` }));
    const comment = (body: string, commentableType: string, commentableId: number) =>
      db.comment.create({ body, commentableType, commentableId });
    c1 = await comment("x one", "post", p1.id);
    c2 = await comment("plain", "post", p1.id);
    c3 = await comment("plain too", "post", p3.id);
    await comment("has x", "post", p4.id);
    await comment("video x", "video", videos[1].id); // the id of p2, which has no comment
    await comment("video x", "video", videos[4].id); // the id of p5, which has no comment
    await comment("plain", "video", videos[5].id); // the id of p6, which has no comment
    await comment("orphan", "post", 999); // a post that does not exist
    await comment("podcast", "podcast", p1.id); // a type that is no target
    const role = (name: string) => db.role.create({ name });
    const [admin, editor, viewer] = [await role("admin"), await role("editor"), await role("viewer")];
    await role("guest"); // nobody
    await db.kysely
      .insertInto("role_user")
      .values([
        { user_id: ada.id, role_id: admin.id, granted_by: "root" },
        { user_id: ada.id, role_id: editor.id, granted_by: "cy" },
        { user_id: bob.id, role_id: editor.id, granted_by: "root" },
        { user_id: cy.id, role_id: viewer.id, granted_by: null },
      ])
      .execute();
    const tag = (name: string) => db.tag.create({ name });
    [golang, sqlTag, js] = [await tag("golang"), await tag("sql"), await tag("js")];
    const news = await tag("news");
    await tag("rust"); // nothing
    await db.kysely
      .insertInto("taggables")
      .values([
        { tag_id: golang.id, taggable_id: p1.id, taggable_type: "post" },
        { tag_id: sqlTag.id, taggable_id: p1.id, taggable_type: "post" },
        { tag_id: golang.id, taggable_id: p4.id, taggable_type: "post" },
        { tag_id: js.id, taggable_id: p5.id, taggable_type: "post" },
        { tag_id: golang.id, taggable_id: videos[2].id, taggable_type: "video" }, // the id of p3 (no tag)
        { tag_id: js.id, taggable_id: videos[0].id, taggable_type: "video" },
        { tag_id: news.id, taggable_id: videos[1].id, taggable_type: "video" }, // the id of p2 (no tag)
      ])
      .execute();
  });

  it("the seeded ids line up: video n has the id of post n", () => {
    expect(videos.map((v) => v.id)).toEqual([p1, p2, p3, p4, p5, p6].map((p) => p.id));
  });

  // -------------------------------------------------------------------------------------------
  // some / every / none
  // -------------------------------------------------------------------------------------------

  describe("some / every / none on every to-many kind", () => {
    it("hasMany (user.posts)", async () => {
      expect(await match("user", { posts: { some: { published: true } } })).toEqual(["Ada", "Dee"]);
      expect(await match("user", { posts: { some: { views: { gte: 50 } } } })).toEqual(["Ada"]);
      expect(await match("user", { posts: { some: { title: "Nope" } } })).toEqual([]);
      // every: no related row breaks the condition; users without posts pass (vacuous truth).
      expect(await match("user", { posts: { every: { published: true } } })).toEqual(["Bob", "Dee", "Eve"]);
      expect(await match("user", { posts: { every: { views: { gte: 5 } } } })).toEqual(["Ada", "Bob", "Cy", "Eve"]);
      expect(await match("user", { posts: { every: { title: "Nope" } } })).toEqual(["Bob", "Eve"]);
      expect(await match("user", { posts: { none: { published: true } } })).toEqual(["Bob", "Cy", "Eve"]);
      expect(await match("user", { posts: { none: { views: { gt: 1000 } } } })).toEqual(USERS);
      // Several operators on one relation are ANDed.
      expect(await match("user", { posts: { some: { published: true }, every: { views: { gt: 0 } } } })).toEqual([
        "Ada",
      ]);
      expect(await match("user", { posts: { some: { published: false }, none: { views: { gte: 100 } } } })).toEqual([
        "Cy",
      ]);
    });

    it("empty filters: some: {} is at least one row, none: {} no row, every: {} always true", async () => {
      expect(await match("user", { posts: { some: {} } })).toEqual(["Ada", "Cy", "Dee"]);
      expect(await match("user", { posts: { none: {} } })).toEqual(["Bob", "Eve"]);
      expect(await match("user", { posts: { every: {} } })).toEqual(USERS);
      // An empty relation filter object sets no condition.
      expect(await match("user", { posts: {} })).toEqual(USERS);
      expect(await match("country", { posts: { some: {} } })).toEqual(["UK", "France"]);
      expect(await match("country", { posts: { none: {} } })).toEqual(["Germany", "Spain"]);
      expect(await match("country", { posts: { every: {} } })).toEqual(["UK", "France", "Germany", "Spain"]);
    });

    it("every over no related rows is true, whatever the condition (Prisma/Eloquent)", async () => {
      // Bob and Eve have no posts, Eve and Dee no roles, Spain no users, rust no post.
      expect(await match("user", { posts: { every: { id: -1 } } })).toEqual(["Bob", "Eve"]);
      expect(await match("user", { roles: { every: { id: -1 } } })).toEqual(["Dee", "Eve"]);
      expect(await match("country", { users: { every: { id: -1 } } })).toEqual(["Spain"]);
      expect(await match("tag", { posts: { every: { id: -1 } } })).toEqual(["news", "rust"]);
      expect(await match("post", { comments: { every: { id: -1 } } })).toEqual(["Ada 2", "Dee 1", "Dee 2"]);
    });

    it("every on a nullable field: a NULL never breaks the condition (NOT EXISTS a row where NOT cond)", async () => {
      // Ratings: Ada 4.5 / NULL / 3, Cy 2, Dee NULL / 5. `NOT (rating >= 3)` is unknown for a
      // NULL rating, so a NULL-rated post is not a counter-example: Ada and Dee pass, as in Prisma.
      expect(await match("user", { posts: { every: { rating: { gte: 3 } } } })).toEqual(["Ada", "Bob", "Dee", "Eve"]);
      // none of the complement agrees: a NULL rating is not < 3 either.
      expect(await match("user", { posts: { none: { rating: { lt: 3 } } } })).toEqual(["Ada", "Bob", "Dee", "Eve"]);
      expect(await match("user", { posts: { some: { rating: { lt: 3 } } } })).toEqual(["Cy"]);
      // To require a value, say so: IS NOT NULL is false (not unknown) for a NULL, so it breaks every.
      expect(await match("user", { posts: { every: { rating: { not: null } } } })).toEqual(["Bob", "Cy", "Eve"]);
      expect(await match("user", { posts: { every: { rating: { gte: 3, not: null } } } })).toEqual(["Bob", "Eve"]);
      expect(await match("user", { posts: { some: { rating: null } } })).toEqual(["Ada", "Dee"]);
      expect(await match("user", { posts: { none: { rating: null } } })).toEqual(["Bob", "Cy", "Eve"]);
      expect(await match("user", { posts: { every: { rating: null } } })).toEqual(["Bob", "Eve"]);
    });

    it("belongsToMany through a bare pivot (user.roles, role.users)", async () => {
      expect(await match("user", { roles: { some: { name: "editor" } } })).toEqual(["Ada", "Bob"]);
      expect(await match("user", { roles: { some: {} } })).toEqual(["Ada", "Bob", "Cy"]);
      expect(await match("user", { roles: { every: { name: "editor" } } })).toEqual(["Bob", "Dee", "Eve"]);
      expect(await match("user", { roles: { none: { name: "admin" } } })).toEqual(["Bob", "Cy", "Dee", "Eve"]);
      expect(await match("user", { roles: { none: {} } })).toEqual(["Dee", "Eve"]);
      expect(await match("role", { users: { some: { name: "Ada" } } })).toEqual(["admin", "editor"]);
      expect(await match("role", { users: { none: {} } })).toEqual(["guest"]);
      expect(await match("role", { users: { every: { name: { in: ["Ada", "Bob"] } } } })).toEqual([
        "admin",
        "editor",
        "guest",
      ]);
    });

    it("morphMany (post.comments, video.comments) matches the type column", async () => {
      // Videos 2, 5 and 6 have comments and share ids with posts 2, 5 and 6, which have none.
      expect(await match("post", { comments: { some: {} } })).toEqual(["Ada 1", "Ada 3", "Cy 1"]);
      expect(await match("post", { comments: { none: {} } })).toEqual(["Ada 2", "Dee 1", "Dee 2"]);
      expect(await match("post", { comments: { some: { body: { contains: "x" } } } })).toEqual(["Ada 1", "Cy 1"]);
      expect(await match("post", { comments: { some: { body: "video x" } } })).toEqual([]);
      expect(await match("post", { comments: { every: { body: { startsWith: "plain" } } } })).toEqual([
        "Ada 2",
        "Ada 3",
        "Dee 1",
        "Dee 2",
      ]);
      expect(await match("video", { comments: { some: {} } })).toEqual(["V2", "V5", "V6"]);
      expect(await match("video", { comments: { none: {} } })).toEqual(["V1", "V3", "V4"]);
      expect(await match("video", { comments: { every: { body: "video x" } } })).toEqual([
        "V1",
        "V2",
        "V3",
        "V4",
        "V5",
      ]);
    });

    it("morphToMany (post.tags, video.tags) matches the type column", async () => {
      // Video 3 is tagged golang (post 3 is not); video 2 news (post 2 has no tag).
      expect(await match("post", { tags: { some: { name: "golang" } } })).toEqual(["Ada 1", "Cy 1"]);
      expect(await match("post", { tags: { none: {} } })).toEqual(["Ada 2", "Ada 3", "Dee 2"]);
      expect(await match("post", { tags: { every: { name: { in: ["golang", "sql"] } } } })).toEqual([
        "Ada 1",
        "Ada 2",
        "Ada 3",
        "Cy 1",
        "Dee 2",
      ]);
      expect(await match("video", { tags: { some: {} } })).toEqual(["V1", "V2", "V3"]);
      expect(await match("video", { tags: { none: {} } })).toEqual(["V4", "V5", "V6"]);
      expect(await match("video", { tags: { some: { name: "js" } } })).toEqual(["V1"]);
    });

    it("morphedByMany (tag.posts, tag.videos) matches the type column", async () => {
      expect(await match("tag", { posts: { some: {} } })).toEqual(["golang", "sql", "js"]);
      expect(await match("tag", { posts: { none: {} } })).toEqual(["news", "rust"]);
      expect(await match("tag", { posts: { every: { published: true } } })).toEqual(["sql", "js", "news", "rust"]);
      expect(await match("tag", { videos: { some: {} } })).toEqual(["golang", "js", "news"]);
      expect(await match("tag", { videos: { none: {} } })).toEqual(["sql", "rust"]);
      expect(await match("tag", { posts: { some: {} }, videos: { none: {} } })).toEqual(["sql"]);
    });

    it("hasManyThrough (country.posts through users)", async () => {
      expect(await match("country", { posts: { some: { published: true } } })).toEqual(["UK"]);
      expect(await match("country", { posts: { some: { published: false } } })).toEqual(["UK", "France"]);
      expect(await match("country", { posts: { every: { published: false } } })).toEqual([
        "France",
        "Germany",
        "Spain",
      ]);
      expect(await match("country", { posts: { every: { published: true } } })).toEqual(["Germany", "Spain"]);
      expect(await match("country", { posts: { none: { views: { gte: 100 } } } })).toEqual([
        "France",
        "Germany",
        "Spain",
      ]);
    });
  });

  // -------------------------------------------------------------------------------------------
  // is / isNot
  // -------------------------------------------------------------------------------------------

  describe("is / isNot on to-one relations", () => {
    it("hasOne (user.profile)", async () => {
      expect(await match("user", { profile: { is: { bio: { contains: "Ada" } } } })).toEqual(["Ada"]);
      expect(await match("user", { profile: { isNot: null } })).toEqual(["Ada", "Bob"]);
      expect(await match("user", { profile: { is: null } })).toEqual(["Cy", "Dee", "Eve"]);
      // Prisma's shorthand: a to-one relation given null means is: null.
      expect(await match("user", { profile: null })).toEqual(["Cy", "Dee", "Eve"]);
      expect(await match("user", { country: null })).toEqual(["Dee"]);
      expect(await match("user", { profile: { is: {} } })).toEqual(["Ada", "Bob"]);
      // is { bio: null }: a profile exists and its bio is NULL (Bob), not "no profile".
      expect(await match("user", { profile: { is: { bio: null } } })).toEqual(["Bob"]);
      // isNot: no related row matching; rows without one pass.
      expect(await match("user", { profile: { isNot: { bio: null } } })).toEqual(["Ada", "Cy", "Dee", "Eve"]);
      expect(await match("user", { profile: { isNot: {} } })).toEqual(["Cy", "Dee", "Eve"]);
      expect(await match("user", { profile: { is: { bio: { not: null } }, isNot: null } })).toEqual(["Ada"]);
    });

    it("belongsTo (post.author, user.country)", async () => {
      expect(await match("post", { author: { is: { name: "Cy" } } })).toEqual(["Cy 1"]);
      expect(await match("post", { author: { isNot: { name: "Ada" } } })).toEqual(["Cy 1", "Dee 1", "Dee 2"]);
      expect(await match("post", { author: { is: null } })).toEqual([]);
      expect(await match("post", { author: { isNot: null } })).toEqual(POSTS);
      expect(await match("user", { country: { is: null } })).toEqual(["Dee"]);
      expect(await match("user", { country: { isNot: null } })).toEqual(["Ada", "Bob", "Cy", "Eve"]);
      // isNot keeps the rows without a related row: Dee has no country.
      expect(await match("user", { country: { isNot: { name: "UK" } } })).toEqual(["Cy", "Dee", "Eve"]);
      expect(await match("profile", { user: { is: { name: "Bob" } } })).toEqual([null]);
    });

    it("the plain-filter shorthand means is", async () => {
      expect(await match("post", { author: { name: "Dee" } })).toEqual(["Dee 1", "Dee 2"]);
      expect(await match("post", { author: { name: "Bob" } })).toEqual([]);
      expect(await match("user", { country: { name: "UK" } })).toEqual(["Ada", "Bob"]);
      expect(await match("user", { profile: { bio: "Ada's bio" } })).toEqual(["Ada"]);
      expect(await match("user", { profile: { bio: null } })).toEqual(["Bob"]);
      expect(await match("post", { author: { age: { gte: 36 }, active: true } })).toEqual([
        "Ada 1",
        "Ada 2",
        "Ada 3",
        "Dee 1",
        "Dee 2",
      ]);
      expect(await match("post", { author: { name: "Dee" } })).toEqual(
        await match("post", { author: { is: { name: "Dee" } } }),
      );
    });

    it("morphTo (comment.commentable) takes is / isNot null: a parent that exists, of a known type", async () => {
      expect(await match("comment", { commentable: { is: null } })).toEqual(["orphan", "podcast"]);
      expect(await match("comment", { commentable: { isNot: null } })).toEqual([
        "x one",
        "plain",
        "plain too",
        "has x",
        "video x",
        "video x",
        "plain",
      ]);
    });
  });

  // -------------------------------------------------------------------------------------------
  // nesting and grouping
  // -------------------------------------------------------------------------------------------

  describe("nesting to any depth, grouped with AND / OR / NOT", () => {
    it("to-many in to-many", async () => {
      expect(await match("user", { posts: { some: { comments: { some: { body: { contains: "x" } } } } } })).toEqual([
        "Ada",
        "Cy",
      ]);
      // Only video comments say "video": the type column is matched at every level.
      expect(await match("user", { posts: { some: { comments: { some: { body: { contains: "video" } } } } } })).toEqual(
        [],
      );
      expect(await match("user", { posts: { some: { comments: { none: {} } } } })).toEqual(["Ada", "Dee"]);
      expect(await match("user", { posts: { every: { comments: { some: {} } } } })).toEqual(["Bob", "Cy", "Eve"]);
      expect(await match("user", { posts: { none: { tags: { some: {} } } } })).toEqual(["Bob", "Eve"]);
      expect(
        await match("country", {
          users: { some: { posts: { some: { comments: { some: { body: { contains: "x" } } } } } } },
        }),
      ).toEqual(["UK", "France"]);
      expect(await match("country", { users: { some: { posts: { none: {} } } } })).toEqual(["UK", "Germany"]);
      expect(await match("country", { users: { every: { posts: { some: {} } } } })).toEqual(["France", "Spain"]);
    });

    it("to-one in to-one and in to-many, to-many in to-one", async () => {
      expect(await match("post", { author: { is: { profile: { isNot: null } } } })).toEqual([
        "Ada 1",
        "Ada 2",
        "Ada 3",
      ]);
      expect(await match("post", { author: { is: { profile: { is: null } } } })).toEqual(["Cy 1", "Dee 1", "Dee 2"]);
      expect(await match("post", { author: { country: { name: "France" } } })).toEqual(["Cy 1"]);
      expect(await match("post", { author: { is: { roles: { some: { name: "admin" } } } } })).toEqual([
        "Ada 1",
        "Ada 2",
        "Ada 3",
      ]);
      expect(
        await match("tag", { posts: { some: { author: { is: { country: { is: { name: "France" } } } } } } }),
      ).toEqual(["golang"]);
      expect(await match("comment", { commentable: { isNot: null }, body: { startsWith: "plain" } })).toEqual([
        "plain",
        "plain too",
        "plain",
      ]);
    });

    it("five and six relation levels deep", async () => {
      // Bob's profile has a NULL bio; Bob is an editor; editors: Ada, Bob; their posts p1 p2 p3;
      // the tags of those: golang, sql.
      const where = {
        posts: {
          some: { author: { is: { roles: { some: { users: { some: { profile: { is: { bio: null } } } } } } } } },
        },
      };
      expect(await match("tag", where)).toEqual(["golang", "sql"]);
      // Cy (France) wrote p4, tagged golang; golang's posts p1 and p4 are by Ada (UK) and Cy (France).
      const deep = (country: string) => ({
        users: {
          some: {
            posts: {
              some: { tags: { some: { posts: { some: { author: { is: { country: { is: { name: country } } } } } } } } },
            },
          },
        },
      });
      expect(await match("country", deep("France"))).toEqual(["UK", "France"]);
      expect(await match("country", deep("Germany"))).toEqual([]);
    });

    it("with AND / OR / NOT and field filters, grouped correctly", async () => {
      // active = false AND (no posts OR an admin): without the parentheses Ada would match too.
      expect(
        await match("user", { active: false, OR: [{ posts: { none: {} } }, { roles: { some: { name: "admin" } } }] }),
      ).toEqual(["Eve"]);
      expect(
        await match("user", { OR: [{ roles: { some: { name: "admin" } } }, { posts: { none: {} } }], active: false }),
      ).toEqual(["Eve"]);
      expect(await match("user", { NOT: { posts: { some: { published: true } } } })).toEqual(["Bob", "Cy", "Eve"]);
      // NOT as an array: none of them holds (has posts AND has no profile).
      expect(await match("user", { NOT: [{ posts: { none: {} } }, { profile: { isNot: null } }] })).toEqual([
        "Cy",
        "Dee",
      ]);
      expect(await match("user", { AND: [{ posts: { some: {} } }, { roles: { some: {} } }] })).toEqual(["Ada", "Cy"]);
      expect(
        await match("user", {
          OR: [
            { profile: { is: { bio: null } } },
            { AND: [{ posts: { every: { published: true } } }, { posts: { some: {} } }] },
          ],
        }),
      ).toEqual(["Bob", "Dee"]);
      expect(await match("user", { name: { not: "Ada" }, posts: { some: {} } })).toEqual(["Cy", "Dee"]);
      expect(await match("user", { age: { gte: 30 }, roles: { none: {} } })).toEqual(["Dee"]);
      // Cy's age is NULL: the field filter drops him although the relation filter holds.
      expect(await match("user", { age: { lt: 100 }, posts: { some: { published: false } } })).toEqual(["Ada"]);
    });

    it("AND / OR / NOT inside a relation filter", async () => {
      expect(
        await match("user", {
          posts: { some: { OR: [{ comments: { some: { body: "has x" } } }, { tags: { some: { name: "js" } } }] } },
        }),
      ).toEqual(["Cy", "Dee"]);
      expect(await match("user", { posts: { some: { NOT: { comments: { some: {} } } } } })).toEqual(["Ada", "Dee"]);
      expect(await match("user", { posts: { every: { OR: [{ published: true }, { views: { gte: 20 } }] } } })).toEqual([
        "Bob",
        "Cy",
        "Dee",
        "Eve",
      ]);
      expect(await match("user", { posts: { some: { AND: [{ published: true }, { views: { lt: 10 } }] } } })).toEqual([
        "Dee",
      ]);
      expect(await match("post", { author: { is: { OR: [{ name: "Cy" }, { age: { gt: 60 } }] } } })).toEqual([
        "Cy 1",
        "Dee 1",
        "Dee 2",
      ]);
      expect(await match("post", { author: { isNot: { OR: [{ name: "Cy" }, { age: { gt: 60 } }] } } })).toEqual([
        "Ada 1",
        "Ada 2",
        "Ada 3",
      ]);
    });

    it("relation filters inside a relation's where, in include and select", async () => {
      const rows = await find(
        "user",
        {
          select: {
            name: true,
            posts: { select: { title: true }, where: { comments: { some: {} } }, orderBy: { id: "asc" } },
          },
          where: { posts: { some: {} } },
          orderBy: { id: "asc" },
        },
        eagerQueries(2),
      );
      expect(rows).toEqual([
        { name: "Ada", posts: [{ title: "Ada 1" }, { title: "Ada 3" }] },
        { name: "Cy", posts: [{ title: "Cy 1" }] },
        { name: "Dee", posts: [] },
      ]);
      const tags = await find(
        "tag",
        {
          include: { posts: { where: { author: { is: { name: "Ada" } } }, orderBy: { id: "asc" } } },
          where: { posts: { some: {} } },
          orderBy: { id: "asc" },
        },
        eagerQueries(2),
      );
      expect(tags.map((tag) => [tag.name, tag.posts.map((p: any) => p.title)])).toEqual([
        ["golang", ["Ada 1"]],
        ["sql", ["Ada 1"]],
        ["js", []],
      ]);
    });
  });

  // -------------------------------------------------------------------------------------------
  // _count
  // -------------------------------------------------------------------------------------------

  describe("_count in select and include", () => {
    it("include: { _count: true } counts every to-many relation, next to every field", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user.findMany({ include: { _count: true }, orderBy: { id: "asc" } }),
      );
      expect(queries).toBe(1);
      expect(result).toEqual([
        { ...ada, _count: { posts: 3, roles: 2 } },
        { ...bob, _count: { posts: 0, roles: 1 } },
        { ...cy, _count: { posts: 1, roles: 1 } },
        { ...dee, _count: { posts: 2, roles: 0 } },
        { ...eve, _count: { posts: 0, roles: 0 } },
      ]);
      expectTypeOf(result[0]!._count).toEqualTypeOf<{ posts: number; roles: number }>();
    });

    it("_count: true on every to-many kind, counts of nothing are 0", async () => {
      const all = (model: string) =>
        find(model, { select: { [LABELS[model]!]: true, _count: true }, orderBy: { id: "asc" } }, 1);
      expect(counts(await all("country"))).toEqual([
        ["UK", { users: 2, posts: 3 }],
        ["France", { users: 1, posts: 1 }],
        ["Germany", { users: 1, posts: 0 }],
        ["Spain", { users: 0, posts: 0 }],
      ]);
      expect(counts(await all("post"), "title")).toEqual([
        ["Ada 1", { comments: 2, tags: 2 }],
        ["Ada 2", { comments: 0, tags: 0 }],
        ["Ada 3", { comments: 1, tags: 0 }],
        ["Cy 1", { comments: 1, tags: 1 }],
        ["Dee 1", { comments: 0, tags: 1 }],
        ["Dee 2", { comments: 0, tags: 0 }],
      ]);
      expect(counts(await all("video"), "title")).toEqual([
        ["V1", { comments: 0, tags: 1 }],
        ["V2", { comments: 1, tags: 1 }],
        ["V3", { comments: 0, tags: 1 }],
        ["V4", { comments: 0, tags: 0 }],
        ["V5", { comments: 1, tags: 0 }],
        ["V6", { comments: 1, tags: 0 }],
      ]);
      expect(counts(await all("tag"))).toEqual([
        ["golang", { posts: 2, videos: 1 }],
        ["sql", { posts: 1, videos: 0 }],
        ["js", { posts: 1, videos: 1 }],
        ["news", { posts: 0, videos: 1 }],
        ["rust", { posts: 0, videos: 0 }],
      ]);
      expect(counts(await all("role"))).toEqual([
        ["admin", { users: 1 }],
        ["editor", { users: 2 }],
        ["viewer", { users: 1 }],
        ["guest", { users: 0 }],
      ]);
    });

    it("_count: { select } in select: chosen relations, with a where, false left out", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user.findMany({
          select: { name: true, _count: { select: { posts: true, roles: { where: { name: "admin" } } } } },
          orderBy: { id: "asc" },
        }),
      );
      expect(queries).toBe(1);
      expect(result).toEqual([
        { name: "Ada", _count: { posts: 3, roles: 1 } },
        { name: "Bob", _count: { posts: 0, roles: 0 } },
        { name: "Cy", _count: { posts: 1, roles: 0 } },
        { name: "Dee", _count: { posts: 2, roles: 0 } },
        { name: "Eve", _count: { posts: 0, roles: 0 } },
      ]);
      expectTypeOf(result).toEqualTypeOf<{ name: string; _count: { posts: number; roles: number } }[]>();
      const some = await t.count(() =>
        t.db.user.findMany({
          select: { name: true, _count: { select: { posts: { where: { published: true } }, roles: false } } },
          orderBy: { id: "asc" },
        }),
      );
      expect(some.queries).toBe(1);
      expect(some.result).toEqual([
        { name: "Ada", _count: { posts: 2 } },
        { name: "Bob", _count: { posts: 0 } },
        { name: "Cy", _count: { posts: 0 } },
        { name: "Dee", _count: { posts: 2 } },
        { name: "Eve", _count: { posts: 0 } },
      ]);
      // select of _count alone: the rows hold nothing else.
      const only = await t.count(() =>
        t.db.user.findMany({
          select: { _count: { select: { posts: true } } },
          where: { name: { in: ["Ada", "Eve"] } },
          orderBy: { id: "asc" },
        }),
      );
      expect(only).toEqual({ queries: 1, result: [{ _count: { posts: 3 } }, { _count: { posts: 0 } }] });
      // _count: false selects no count.
      const none = await find("user", { select: { name: true, _count: false }, where: { name: "Ada" } }, 1);
      expect(none).toEqual([{ name: "Ada" }]);
    });

    it("_count in include, next to loaded relations; where with relation filters inside a count", async () => {
      const rows = await find(
        "user",
        {
          include: {
            profile: true,
            posts: { select: { title: true }, where: { published: true }, orderBy: { id: "asc" } },
            _count: { select: { posts: { where: { comments: { some: {} } } }, roles: true } },
          },
          where: { name: { in: ["Ada", "Bob", "Cy"] } },
          orderBy: { id: "asc" },
        },
        eagerQueries(3),
      );
      expect(rows).toEqual([
        {
          ...ada,
          profile: adaProfile,
          posts: [{ title: "Ada 1" }, { title: "Ada 3" }],
          _count: { posts: 2, roles: 2 },
        },
        { ...bob, profile: bobProfile, posts: [], _count: { posts: 0, roles: 1 } },
        { ...cy, profile: null, posts: [], _count: { posts: 1, roles: 1 } },
      ]);
      // The count's where may filter through further relations, to-one included.
      const tags = await find(
        "tag",
        {
          select: {
            name: true,
            _count: { select: { posts: { where: { author: { is: { country: { name: "UK" } } } } } } },
          },
          orderBy: { id: "asc" },
        },
        1,
      );
      expect(counts(tags)).toEqual([
        ["golang", { posts: 1 }],
        ["sql", { posts: 1 }],
        ["js", { posts: 0 }],
        ["news", { posts: 0 }],
        ["rust", { posts: 0 }],
      ]);
    });

    it("_count counting nothing gives an empty _count, as typed (select: {}, only false, no to-many relation)", async () => {
      const onlyFalse = await t.db.user.findMany({
        select: { name: true, _count: { select: { posts: false } } },
        where: { name: "Ada" },
      });
      expectTypeOf(onlyFalse).toEqualTypeOf<{ name: string; _count: {} }[]>();
      const empty = await t.db.user.findMany({
        select: { name: true, _count: { select: {} } },
        where: { name: "Ada" },
      });
      expectTypeOf(empty).toEqualTypeOf<{ name: string; _count: {} }[]>();
      // A profile has no to-many relation: _count: true counts none.
      const profiles = await t.db.profile.findMany({ select: { bio: true, _count: true }, orderBy: { id: "asc" } });
      expectTypeOf(profiles).toEqualTypeOf<{ bio: string | null; _count: {} }[]>();
      expect({ onlyFalse, empty, profiles }).toEqual({
        onlyFalse: [{ name: "Ada", _count: {} }],
        empty: [{ name: "Ada", _count: {} }],
        profiles: [
          { bio: "Ada's bio", _count: {} },
          { bio: null, _count: {} },
        ],
      });
    });

    it("_count inside a relation's select / include: per related row, under both strategies", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user.findMany({
          select: {
            name: true,
            posts: {
              select: { title: true, _count: { select: { comments: true, tags: true } } },
              orderBy: { id: "asc" },
            },
          },
          where: { posts: { some: {} } },
          orderBy: { id: "asc" },
        }),
      );
      expect(queries).toBe(eagerQueries(2));
      expect(result).toEqual([
        {
          name: "Ada",
          posts: [
            { title: "Ada 1", _count: { comments: 2, tags: 2 } },
            { title: "Ada 2", _count: { comments: 0, tags: 0 } },
            { title: "Ada 3", _count: { comments: 1, tags: 0 } },
          ],
        },
        { name: "Cy", posts: [{ title: "Cy 1", _count: { comments: 1, tags: 1 } }] },
        {
          name: "Dee",
          posts: [
            { title: "Dee 1", _count: { comments: 0, tags: 1 } },
            { title: "Dee 2", _count: { comments: 0, tags: 0 } },
          ],
        },
      ]);
      expectTypeOf(result[0]!.posts[0]!).toEqualTypeOf<{ title: string; _count: { comments: number; tags: number } }>();
      // Two levels down, in include, with _count at every level.
      const countries = await find(
        "country",
        {
          include: {
            _count: true,
            users: {
              select: {
                name: true,
                _count: { select: { roles: true } },
                posts: { include: { _count: true }, orderBy: { id: "asc" } },
              },
              orderBy: { id: "asc" },
            },
          },
          orderBy: { id: "asc" },
        },
        eagerQueries(3),
      );
      expect(countries).toEqual([
        {
          ...uk,
          _count: { users: 2, posts: 3 },
          users: [
            {
              name: "Ada",
              _count: { roles: 2 },
              posts: [
                { ...p1, _count: { comments: 2, tags: 2 } },
                { ...p2, _count: { comments: 0, tags: 0 } },
                { ...p3, _count: { comments: 1, tags: 0 } },
              ],
            },
            { name: "Bob", _count: { roles: 1 }, posts: [] },
          ],
        },
        {
          ...fr,
          _count: { users: 1, posts: 1 },
          users: [{ name: "Cy", _count: { roles: 1 }, posts: [{ ...p4, _count: { comments: 1, tags: 1 } }] }],
        },
        { ...de, _count: { users: 1, posts: 0 }, users: [{ name: "Eve", _count: { roles: 0 }, posts: [] }] },
        { ...es, _count: { users: 0, posts: 0 }, users: [] },
      ]);
    });

    it("_count in a to-one relation's select and in a many-to-many relation's include", async () => {
      const posts = await find(
        "post",
        {
          select: { title: true, author: { select: { name: true, _count: true } } },
          where: { id: { in: [p1.id, p4.id] } },
          orderBy: { id: "asc" },
        },
        eagerQueries(2),
      );
      expect(posts).toEqual([
        { title: "Ada 1", author: { name: "Ada", _count: { posts: 3, roles: 2 } } },
        { title: "Cy 1", author: { name: "Cy", _count: { posts: 1, roles: 1 } } },
      ]);
      const roles = await find(
        "role",
        {
          select: {
            name: true,
            users: { select: { name: true, _count: { select: { posts: true } } }, orderBy: { id: "asc" } },
          },
          orderBy: { id: "asc" },
        },
        eagerQueries(2),
      );
      expect(roles.map((r) => [r.name, r.users.map((u: any) => [u.name, u._count.posts])])).toEqual([
        ["admin", [["Ada", 3]]],
        [
          "editor",
          [
            ["Ada", 3],
            ["Bob", 0],
          ],
        ],
        ["viewer", [["Cy", 1]]],
        ["guest", []],
      ]);
    });

    it("findFirst / findUnique with _count", async () => {
      const first = await t.count(() =>
        t.db.user.findFirst({
          select: { name: true, _count: true },
          where: { posts: { none: {} } },
          orderBy: { id: "desc" },
        }),
      );
      expect(first).toEqual({ queries: 1, result: { name: "Eve", _count: { posts: 0, roles: 0 } } });
      const unique = await t.count(() =>
        t.db.country.findUnique({ where: { id: uk.id }, include: { _count: { select: { posts: true } } } }),
      );
      expect(unique).toEqual({ queries: 1, result: { ...uk, _count: { posts: 3 } } });
    });
  });

  // -------------------------------------------------------------------------------------------
  // orderBy a relation's count
  // -------------------------------------------------------------------------------------------

  describe("orderBy a relation's _count", () => {
    it("alone, desc and asc", async () => {
      // Posts: Ada 3, Dee 2, Cy 1, Bob 0 (Eve, also 0, left out so no two rows tie).
      const where = { name: { not: "Eve" } };
      const desc = await t.count(() => t.db.user.findMany({ where, orderBy: { posts: { _count: "desc" } } }));
      expect(desc.queries).toBe(1);
      expect(desc.result.map((u) => u.name)).toEqual(["Ada", "Dee", "Cy", "Bob"]);
      const asc = await t.count(() => t.db.user.findMany({ where, orderBy: { posts: { _count: "asc" } } }));
      expect(asc.queries).toBe(1);
      expect(asc.result.map((u) => u.name)).toEqual(["Bob", "Cy", "Dee", "Ada"]);
    });

    it("with a tie-breaker (array form), several counts, every to-many kind", async () => {
      const users = (orderBy: unknown) => find("user", { orderBy }, 1).then((rows) => rows.map((r) => r.name));
      expect(await users([{ posts: { _count: "desc" } }, { id: "asc" }])).toEqual(["Ada", "Dee", "Cy", "Bob", "Eve"]);
      expect(await users([{ posts: { _count: "desc" } }, { id: "desc" }])).toEqual(["Ada", "Dee", "Cy", "Eve", "Bob"]);
      expect(await users([{ roles: { _count: "desc" } }, { posts: { _count: "desc" } }, { id: "asc" }])).toEqual([
        "Ada",
        "Cy",
        "Bob",
        "Dee",
        "Eve",
      ]);
      // Two keys in one object keep their order.
      expect(await users({ roles: { _count: "asc" }, name: "desc" })).toEqual(["Eve", "Dee", "Cy", "Bob", "Ada"]);
      const tags = await find(
        "tag",
        { orderBy: [{ posts: { _count: "desc" } }, { videos: { _count: "desc" } }, { id: "asc" }] },
        1,
      );
      expect(tags.map((r) => r.name)).toEqual(["golang", "js", "sql", "news", "rust"]);
      const posts = await find("post", { orderBy: [{ comments: { _count: "desc" } }, { id: "desc" }] }, 1);
      expect(posts.map((r) => r.title)).toEqual(["Ada 1", "Cy 1", "Ada 3", "Dee 2", "Dee 1", "Ada 2"]);
      const byTags = await find("post", { orderBy: [{ tags: { _count: "desc" } }, { id: "asc" }] }, 1);
      expect(byTags.map((r) => r.title)).toEqual(["Ada 1", "Cy 1", "Dee 1", "Ada 2", "Ada 3", "Dee 2"]);
      const videosByComments = await find("video", { orderBy: [{ comments: { _count: "asc" } }, { id: "asc" }] }, 1);
      expect(videosByComments.map((r) => r.title)).toEqual(["V1", "V3", "V4", "V2", "V5", "V6"]);
      const countries = await find(
        "country",
        { orderBy: [{ posts: { _count: "desc" } }, { users: { _count: "desc" } }, { id: "asc" }] },
        1,
      );
      expect(countries.map((r) => r.name)).toEqual(["UK", "France", "Germany", "Spain"]);
      const roles = await find("role", { orderBy: [{ users: { _count: "desc" } }, { id: "desc" }] }, 1);
      expect(roles.map((r) => r.name)).toEqual(["editor", "viewer", "admin", "guest"]);
    });

    it("with take / skip, a where and the _count selected", async () => {
      const orderBy = [{ posts: { _count: "desc" } }, { id: "asc" }] as const;
      const page = await t.count(() =>
        t.db.user.findMany({ select: { name: true, _count: { select: { posts: true } } }, orderBy, take: 2, skip: 1 }),
      );
      expect(page).toEqual({
        queries: 1,
        result: [
          { name: "Dee", _count: { posts: 2 } },
          { name: "Cy", _count: { posts: 1 } },
        ],
      });
      expect((await find("user", { orderBy, skip: 3 }, 1)).map((r) => r.name)).toEqual(["Bob", "Eve"]);
      expect((await find("user", { orderBy, take: 1 }, 1)).map((r) => r.name)).toEqual(["Ada"]);
      expect((await find("user", { orderBy, take: 0 }, 1)).map((r) => r.name)).toEqual([]);
      expect((await find("user", { where: { roles: { some: {} } }, orderBy, take: 2 }, 1)).map((r) => r.name)).toEqual([
        "Ada",
        "Cy",
      ]);
      const first = await t.count(() =>
        t.db.user.findFirst({ orderBy: [{ roles: { _count: "desc" } }, { id: "asc" }] }),
      );
      expect(first).toEqual({ queries: 1, result: ada });
    });

    it("inside a relation's arguments: a per-parent take ordered by a count", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user.findMany({
          select: {
            name: true,
            posts: { select: { title: true }, orderBy: [{ comments: { _count: "desc" } }, { id: "asc" }], take: 1 },
          },
          orderBy: { id: "asc" },
        }),
      );
      expect(queries).toBe(eagerQueries(2));
      expect(result).toEqual([
        { name: "Ada", posts: [{ title: "Ada 1" }] },
        { name: "Bob", posts: [] },
        { name: "Cy", posts: [{ title: "Cy 1" }] },
        // Both of Dee's posts have no comment (videos 5 and 6, with their ids, have): the tie-breaker decides.
        { name: "Dee", posts: [{ title: "Dee 1" }] },
        { name: "Eve", posts: [] },
      ]);
      // The issue's form: include: { posts: { orderBy: { comments: { _count: "desc" } }, take: 1 } }.
      const issue = await find(
        "user",
        {
          include: { posts: { orderBy: { comments: { _count: "desc" } }, take: 1 } },
          where: { name: { in: ["Ada", "Cy"] } },
          orderBy: { id: "asc" },
        },
        eagerQueries(2),
      );
      expect(issue).toEqual([
        { ...ada, posts: [p1] },
        { ...cy, posts: [p4] },
      ]);
      // Through hasManyThrough, and skip per parent.
      const countries = await find(
        "country",
        {
          select: {
            name: true,
            posts: {
              select: { title: true },
              orderBy: [{ tags: { _count: "desc" } }, { id: "asc" }],
              skip: 1,
              take: 1,
            },
          },
          orderBy: { id: "asc" },
        },
        eagerQueries(2),
      );
      expect(countries).toEqual([
        { name: "UK", posts: [{ title: "Ada 2" }] },
        { name: "France", posts: [] },
        { name: "Germany", posts: [] },
        { name: "Spain", posts: [] },
      ]);
      // Through a morphedByMany, two levels down.
      const tags = await find(
        "tag",
        {
          select: {
            name: true,
            posts: {
              select: { title: true, author: { select: { name: true } } },
              orderBy: [{ comments: { _count: "asc" } }, { id: "asc" }],
              take: 1,
            },
          },
          where: { posts: { some: {} } },
          orderBy: { id: "asc" },
        },
        eagerQueries(3),
      );
      expect(tags).toEqual([
        // A select on a many-to-many relation keeps row.pivot.
        {
          name: "golang",
          posts: [{ title: "Cy 1", author: { name: "Cy" }, pivot: { tagId: golang.id, taggableId: p4.id } }],
        },
        {
          name: "sql",
          posts: [{ title: "Ada 1", author: { name: "Ada" }, pivot: { tagId: sqlTag.id, taggableId: p1.id } }],
        },
        {
          name: "js",
          posts: [{ title: "Dee 1", author: { name: "Dee" }, pivot: { tagId: js.id, taggableId: p5.id } }],
        },
      ]);
    });

    it("inside a relation's arguments, with the count selected per related row", async () => {
      const two = await find(
        "user",
        {
          select: {
            name: true,
            posts: {
              select: { title: true, _count: { select: { comments: true } } },
              orderBy: [{ comments: { _count: "desc" } }, { id: "desc" }],
              take: 2,
            },
          },
          where: { posts: { some: {} } },
          orderBy: { id: "asc" },
        },
        eagerQueries(2),
      );
      expect(two).toEqual([
        {
          name: "Ada",
          posts: [
            { title: "Ada 1", _count: { comments: 2 } },
            { title: "Ada 3", _count: { comments: 1 } },
          ],
        },
        { name: "Cy", posts: [{ title: "Cy 1", _count: { comments: 1 } }] },
        {
          name: "Dee",
          posts: [
            { title: "Dee 2", _count: { comments: 0 } },
            { title: "Dee 1", _count: { comments: 0 } },
          ],
        },
      ]);
    });
  });

  // -------------------------------------------------------------------------------------------
  // statement counts
  // -------------------------------------------------------------------------------------------

  describe("statement counts", () => {
    const where = {
      posts: { some: { comments: { some: {} } }, every: { views: { gte: 5 } } },
      roles: { none: { name: "guest" } },
      country: { isNot: null },
      OR: [{ profile: { isNot: null } }, { posts: { none: { published: true } } }],
      NOT: { roles: { some: { name: "viewer" } } },
    } as const;
    const orderBy = [{ posts: { _count: "desc" } }, { roles: { _count: "asc" } }, { id: "asc" }] as const;

    it("several relation filters, _count and count ordering: ONE statement for the parents", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user.findMany({
          where,
          select: { name: true, _count: { select: { posts: true, roles: { where: { name: "admin" } } } } },
          orderBy,
        }),
      );
      expect(queries).toBe(1);
      expect(result).toEqual([{ name: "Ada", _count: { posts: 3, roles: 1 } }]);
      const wide = await t.count(() =>
        t.db.user.findMany({
          where: { OR: [where, { posts: { none: {} } }] },
          select: { name: true, _count: true },
          orderBy,
        }),
      );
      expect(wide.queries).toBe(1);
      expect(wide.result).toEqual([
        { name: "Ada", _count: { posts: 3, roles: 2 } },
        { name: "Eve", _count: { posts: 0, roles: 0 } },
        { name: "Bob", _count: { posts: 0, roles: 1 } },
      ]);
    });

    it("plus one statement per relation level with the query strategy (one in all with join)", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user.findMany({
          where: { OR: [where, { posts: { none: {} } }] },
          include: {
            _count: true,
            posts: {
              include: { comments: { orderBy: { id: "asc" } } },
              where: { comments: { some: {} } },
              orderBy: [{ comments: { _count: "desc" } }, { id: "asc" }],
            },
            profile: true,
          },
          orderBy,
        }),
      );
      expect(queries).toBe(eagerQueries(4));
      expect(result).toEqual([
        {
          ...ada,
          _count: { posts: 3, roles: 2 },
          profile: adaProfile,
          posts: [
            { ...p1, comments: [c1, c2] },
            { ...p3, comments: [c3] },
          ],
        },
        { ...eve, _count: { posts: 0, roles: 0 }, profile: null, posts: [] },
        { ...bob, _count: { posts: 0, roles: 1 }, profile: bobProfile, posts: [] },
      ]);
    });

    it("the same whatever the number of parents: posts with filters on every relation", async () => {
      const { queries, result } = await t.count(() =>
        t.db.post.findMany({
          where: {
            author: { is: { country: { isNot: null } } },
            tags: { every: { name: { not: "js" } } },
            comments: { none: { body: "nothing" } },
          },
          select: { title: true, _count: true, author: { select: { name: true } } },
          orderBy: [{ tags: { _count: "desc" } }, { comments: { _count: "desc" } }, { id: "asc" }],
        }),
      );
      expect(queries).toBe(eagerQueries(2));
      expect(result).toEqual([
        { title: "Ada 1", _count: { comments: 2, tags: 2 }, author: { name: "Ada" } },
        { title: "Cy 1", _count: { comments: 1, tags: 1 }, author: { name: "Cy" } },
        { title: "Ada 3", _count: { comments: 1, tags: 0 }, author: { name: "Ada" } },
        { title: "Ada 2", _count: { comments: 0, tags: 0 }, author: { name: "Ada" } },
      ]);
    });

    it("no parents: no statement for the relations with the query strategy", async () => {
      const { queries, result } = await t.count(() =>
        t.db.user.findMany({
          where: { posts: { some: { title: "Nope" } } },
          include: { posts: { include: { comments: true } }, _count: true },
          orderBy: { posts: { _count: "desc" } },
        }),
      );
      expect(queries).toBe(1);
      expect(result).toEqual([]);
    });
  });

  // -------------------------------------------------------------------------------------------
  // errors
  // -------------------------------------------------------------------------------------------

  describe("argument errors, before any SQL", () => {
    /** The error of `findMany(args)` on `model`, asserting no statement was sent. */
    const rejected = (model: string, args: unknown) => failure(() => (t.db as any)[model].findMany(args));

    it("some / every / none on a to-one relation", async () => {
      for (const [model, where, relation] of [
        ["user", { profile: { some: { bio: "x" } } }, "profile"],
        ["user", { profile: { none: {} } }, "profile"],
        ["user", { country: { every: { name: "UK" } } }, "country"],
        ["post", { author: { some: {} } }, "author"],
        ["comment", { commentable: { some: {} } }, "commentable"],
        ["post", { author: { is: { profile: { every: {} } } } }, "profile"],
      ] as const) {
        const error = await rejected(model, { where });
        expect(error).toBeInstanceOf(ValidationError);
        expect(error.field).toBe(relation);
        expect(error.message).toContain("to-one");
        expect(error.message).toContain("is / isNot");
      }
    });

    it("is / isNot on a to-many relation", async () => {
      for (const [model, where, relation] of [
        ["user", { posts: { is: { published: true } } }, "posts"],
        ["user", { roles: { isNot: null } }, "roles"],
        ["post", { tags: { is: null } }, "tags"],
        ["country", { posts: { isNot: {} } }, "posts"],
        ["tag", { videos: { is: {} } }, "videos"],
        ["user", { posts: { some: { comments: { is: {} } } } }, "comments"],
      ] as const) {
        const error = await rejected(model, { where });
        expect(error).toBeInstanceOf(ValidationError);
        expect(error.field).toBe(relation);
        expect(error.message).toContain("to-many");
        expect(error.message).toContain("some / every / none");
      }
      // A plain filter on a to-many relation is no shorthand: its keys are unknown operators.
      const plain = await rejected("user", { where: { posts: { published: true } } });
      expect(plain).toBeInstanceOf(ValidationError);
      expect(plain.message).toContain('"published"');
    });

    it("an unknown relation-filter key, a relation filter that is not an object", async () => {
      for (const [where, relation, key] of [
        [{ posts: { any: {} } }, "posts", "any"],
        [{ posts: { some: {}, most: {} } }, "posts", "most"],
        [{ profile: { is: {}, maybe: {} } }, "profile", "maybe"],
        [{ profile: { isNot: null, bio: "x" } }, "profile", "bio"],
      ] as const) {
        const error = await rejected("user", { where });
        expect(error).toBeInstanceOf(ValidationError);
        expect(error.field).toBe(relation);
        expect(error.message).toContain(`"${key}"`);
      }
      for (const where of [{ posts: true }, { posts: "some" }, { profile: 1 }, { posts: [] }]) {
        const error = await rejected("user", { where });
        expect(error).toBeInstanceOf(ValidationError);
        expect(error.message).toContain("must be an object");
      }
    });

    it("an unknown field inside a relation filter names the related model and the field", async () => {
      for (const [model, where, target, field] of [
        ["user", { posts: { some: { nope: 1 } } }, "post", "nope"],
        ["user", { posts: { every: { comments: { none: { nope: 1 } } } } }, "comment", "nope"],
        ["user", { profile: { is: { nope: 1 } } }, "profile", "nope"],
        ["post", { author: { nope: 1 } }, "user", "nope"],
        ["post", { author: { isNot: { country: { name: "UK", nope: 1 } } } }, "country", "nope"],
        ["tag", { posts: { some: { OR: [{ title: "x" }, { nope: 1 }] } } }, "post", "nope"],
        ["user", { posts: { some: { views: { bigger: 1 } } } }, "post", "views"],
      ] as const) {
        const error = await rejected(model, { where });
        expect(error).toBeInstanceOf(ValidationError);
        expect(error.model).toBe(target);
        expect(error.field).toBe(field);
        expect(error.message).toContain(`"${target}`);
        expect(error.message).toContain(field);
      }
    });

    it("morphTo only takes is / isNot null", async () => {
      for (const where of [
        { commentable: { is: { title: "x" } } },
        { commentable: { isNot: { title: "x" } } },
        { commentable: { is: {} } },
        { commentable: { title: "x" } },
      ]) {
        const error = await rejected("comment", { where });
        expect(error).toBeInstanceOf(ValidationError);
        expect(error.field).toBe("commentable");
        expect(error.message).toContain("post, video");
      }
    });

    it("_count.select naming an unknown relation: RelationNotFoundError", async () => {
      const unknown = await rejected("user", { include: { _count: { select: { comments: true } } } });
      expect(unknown).toBeInstanceOf(RelationNotFoundError);
      expect(unknown.relation).toBe("comments");
      expect(unknown.validRelations).toEqual(["country", "profile", "posts", "roles"]);
      const nested = await rejected("user", {
        include: { posts: { include: { _count: { select: { nope: true } } } } },
      });
      expect(nested).toBeInstanceOf(RelationNotFoundError);
      expect(nested.model).toBe("post");
    });

    it("_count.select naming a to-one relation (hasOne, belongsTo, morphTo): ValidationError", async () => {
      const cases = [
        ["user", "select", { select: { profile: true } }],
        ["user", "include", { select: { country: true } }],
        ["post", "include", { select: { author: { where: { name: "Ada" } } } }],
        ["comment", "select", { select: { commentable: true } }],
      ] as const;
      const outcomes = [];
      for (const [model, key, count] of cases) {
        outcomes.push(await attempt(() => (t.db as any)[model].findMany({ [key]: { _count: count } })));
      }
      expect(outcomes).toEqual(cases.map(() => ({ statements: 0, error: "ValidationError" })));
    });

    it("a _count value of the wrong shape", async () => {
      const shapes = [
        "yes",
        1,
        null,
        [],
        {},
        { posts: true },
        { select: "posts" },
        { select: null },
        { select: { posts: "yes" } },
        { select: { posts: 1 } },
        { select: { posts: null } },
        { select: { posts: { where: {}, take: 1 } } },
        { select: { posts: true }, where: { published: true } },
      ];
      const outcomes = [];
      for (const count of shapes) {
        for (const key of ["select", "include"]) {
          const { statements, error } = await attempt(() => t.db.user.findMany({ [key]: { _count: count } } as never));
          outcomes.push({ count, key, statements, error });
        }
      }
      expect(outcomes).toEqual(
        shapes.flatMap((count) =>
          ["select", "include"].map((key) => ({ count, key, statements: 0, error: "ValidationError" })),
        ),
      );
      const message = await rejected("user", { select: { _count: { select: { posts: "yes" } } } });
      expect(message.message).toContain("_count.select.posts");
      const where = await rejected("user", { select: { _count: { select: { posts: { where: { nope: 1 } } } } } });
      expect(where).toBeInstanceOf(ValidationError);
      expect([where.model, where.field]).toEqual(["post", "nope"]);
    });

    it('orderBy a relation count: { _count: "up" } and other wrong shapes', async () => {
      for (const [model, args, relation] of [
        ["user", { orderBy: { posts: { _count: "up" } } }, "posts"],
        ["user", { orderBy: [{ id: "asc" }, { posts: { _count: "DESC" } }] }, "posts"],
        ["user", { orderBy: { posts: "desc" } }, "posts"],
        ["user", { orderBy: { posts: {} } }, "posts"],
        ["user", { orderBy: { posts: null } }, "posts"],
        ["user", { include: { posts: { orderBy: { comments: { _count: "up" } } } } }, "comments"],
      ] as const) {
        const error = await rejected(model, args);
        expect(error).toBeInstanceOf(ValidationError);
        expect(error.field).toBe(relation);
        expect(error.message).toContain('{ _count: "asc" | "desc" }');
      }
    });

    it("orderBy the count of a to-one relation (hasOne, belongsTo, morphTo): ValidationError", async () => {
      const cases = [
        ["user", "profile"],
        ["post", "author"],
        ["comment", "commentable"],
      ] as const;
      const outcomes = [];
      for (const [model, relation] of cases) {
        outcomes.push(
          await attempt(() => (t.db as any)[model].findMany({ orderBy: { [relation]: { _count: "desc" } } })),
        );
      }
      expect(outcomes).toEqual(cases.map(() => ({ statements: 0, error: "ValidationError" })));
    });

    it("an undefined relation-filter operator is a ValidationError, as undefined field filters are", async () => {
      const outcomes = [];
      for (const where of [
        { posts: { some: undefined } },
        { posts: { none: undefined } },
        { posts: { every: undefined } },
        { profile: { is: undefined } },
        { profile: { isNot: undefined } },
        { posts: { some: undefined, none: { published: true } } },
        { age: undefined, posts: { none: { published: true } } },
      ]) {
        outcomes.push(await attempt(() => t.db.user.findMany({ where: where as any })));
      }
      expect(outcomes).toEqual(outcomes.map(() => ({ statements: 0, error: "ValidationError" })));
      expect(await match("user", { posts: { none: { published: true } } })).toEqual(["Bob", "Cy", "Eve"]);
    });
  });

  // -------------------------------------------------------------------------------------------
  // object API vs fluent API
  // -------------------------------------------------------------------------------------------

  describe("the object API agrees with the fluent API", () => {
    it("some = whereHas, none = whereDoesntHave, every = whereDoesntHave of the negation", async () => {
      const objects = (where: any) => t.db.user.findMany({ where, orderBy: { id: "asc" } });
      expect(await objects({ posts: { some: { published: true } } })).toEqual(
        await t.db.user
          .whereHas("posts", (q) => q.where("published", true))
          .orderBy("id")
          .get(),
      );
      expect(await objects({ posts: { none: {} } })).toEqual(
        await t.db.user.whereDoesntHave("posts").orderBy("id").get(),
      );
      expect(await objects({ posts: { none: { published: true } } })).toEqual(
        await t.db.user
          .whereDoesntHave("posts", (q) => q.where("published", true))
          .orderBy("id")
          .get(),
      );
      expect(await objects({ posts: { every: { published: true } } })).toEqual(
        await t.db.user
          .whereDoesntHave("posts", (q) => q.where("published", false))
          .orderBy("id")
          .get(),
      );
      expect(await objects({ posts: { some: {} } })).toEqual(await t.db.user.has("posts").orderBy("id").get());
      expect(await objects({ posts: { some: { comments: { some: {} } } } })).toEqual(
        await t.db.user.has("posts.comments").orderBy("id").get(),
      );
      expect(await objects({ roles: { some: { name: "editor" } } })).toEqual(
        await t.db.user.whereRelation("roles", "name", "editor").orderBy("id").get(),
      );
      expect(await objects({ profile: { isNot: null } })).toEqual(await t.db.user.has("profile").orderBy("id").get());
      expect(await objects({ profile: { is: null } })).toEqual(
        await t.db.user.doesntHave("profile").orderBy("id").get(),
      );
      expect(await t.db.post.findMany({ where: { author: { name: "Cy" } }, orderBy: { id: "asc" } })).toEqual(
        await t.db.post
          .whereHas("author", (q) => q.where("name", "Cy"))
          .orderBy("id")
          .get(),
      );
      expect(
        await t.db.post.findMany({ where: { tags: { some: { name: "golang" } } }, orderBy: { id: "asc" } }),
      ).toEqual(
        await t.db.post
          .whereHas("tags", (q) => q.where("name", "golang"))
          .orderBy("id")
          .get(),
      );
      expect(
        await t.db.country.findMany({ where: { posts: { some: { published: true } } }, orderBy: { id: "asc" } }),
      ).toEqual(
        await t.db.country
          .whereHas("posts", (q) => q.where("published", true))
          .orderBy("id")
          .get(),
      );
      expect(await t.db.comment.findMany({ where: { commentable: { is: null } }, orderBy: { id: "asc" } })).toEqual(
        await t.db.comment.doesntHave("commentable").orderBy("id").get(),
      );
    });

    it("_count = withCount, orderBy _count = orderBy the withCount alias", async () => {
      const objects = await t.db.user.findMany({
        include: { _count: { select: { posts: true, roles: { where: { name: "admin" } } } } },
        orderBy: { id: "asc" },
      });
      const fluent = await t.db.user
        .withCount("posts", { "roles as rolesCount": (q) => q.where("name", "admin") })
        .orderBy("id")
        .get();
      expect(objects.map((row) => [row.id, row._count.posts, row._count.roles])).toEqual(
        fluent.map((row) => [row.id, row.postsCount, row.rolesCount]),
      );
      const ordered = await t.db.tag.findMany({ orderBy: [{ posts: { _count: "desc" } }, { id: "asc" }] });
      const fluentOrdered = await t.db.tag.withCount("posts").orderBy("postsCount", "desc").orderBy("id").get();
      expect(ordered.map((tag) => tag.name)).toEqual(fluentOrdered.map((tag) => tag.name));
    });

    it("_count per related row = withCount inside a with constraint", async () => {
      const nested = await t.db.user.findMany({
        select: { id: true, posts: { select: { id: true, _count: true }, orderBy: { id: "asc" } } },
        orderBy: { id: "asc" },
      });
      const fluentNested = await t.db.user
        .with("posts", (q) => q.withCount("comments", "tags").orderBy("id"))
        .orderBy("id")
        .get();
      expect(nested.map((u) => u.posts.map((p) => [p.id, p._count.comments, p._count.tags]))).toEqual(
        fluentNested.map((u) => u.posts.map((p: any) => [p.id, p.commentsCount, p.tagsCount])),
      );
    });
  });
});

// ---------------------------------------------------------------------------------------------
// A join model (belongsToMany through / manyToMany), morphOne with a morphMap, hasOneThrough,
// hasManyThrough over hasMany + hasOne
// ---------------------------------------------------------------------------------------------

const school = defineSchema(
  {
    account: model({
      table: "accounts",
      fields: { id: id(), name: string() },
      relations: {
        courses: belongsToMany("course", { through: "enrollment", pivotFields: ["grade"] }),
        avatar: morphOne("image", { morphName: "imageable" }),
        cars: hasMany("car"),
        carOwner: hasOneThrough("owner", { through: "car" }),
        carOwners: hasManyThrough("owner", { through: "car" }),
      },
    }),
    team: model({
      table: "teams",
      fields: { id: id(), name: string() },
      relations: { logo: morphOne("image", { morphName: "imageable" }) },
    }),
    image: model({
      table: "images",
      fields: { id: id(), url: string(), imageableType: string(), imageableId: integer() },
      relations: { imageable: morphTo() },
    }),
    course: model({
      table: "courses",
      fields: { id: id(), title: string() },
      relations: { students: manyToMany("account", { through: "enrollment", from: "courseId", to: "accountId" }) },
    }),
    enrollment: model({
      table: "enrollments",
      fields: { id: id(), accountId: integer(), courseId: integer(), grade: integer().nullable() },
    }),
    car: model({
      table: "cars",
      fields: { id: id(), accountId: integer(), label: string() },
      relations: { owner: hasOne("owner") },
    }),
    owner: model({ table: "owners", fields: { id: id(), carId: integer(), name: string() } }),
  },
  { casing: "snake_case", morphMap: { account: "Account", team: "Team" } },
);

describe(`object-API relation filters and counts on join models, morphOne and through relations on ${dialect} (${strategy} strategy)`, () => {
  const t = useTestDb(school);
  const { match, find, failure, attempt } = helpers(t);
  let ann: any, ben: any, dan: any;
  let core: any, ops: any;

  beforeAll(async () => {
    const db = t.db;
    const account = (name: string) => db.account.create({ name });
    [ann, ben] = [await account("Ann"), await account("Ben")];
    await account("Cat"); // nothing at all
    dan = await account("Dan");
    core = await db.team.create({ name: "Core" }); // the id of Ann
    ops = await db.team.create({ name: "Ops" }); // the id of Ben, who has no avatar
    const image = (url: string, imageableType: string, imageableId: number) =>
      db.image.create({ url, imageableType, imageableId });
    await image("ann.png", "Account", ann.id);
    await image("core.png", "Team", core.id);
    await image("ops.png", "Team", ops.id);
    await image("ghost.png", "Account", 999);
    const course = (title: string) => db.course.create({ title });
    const [math, art] = [await course("Math"), await course("Art")];
    await course("Bio"); // nobody
    const enroll = (accountId: number, courseId: number, grade: number | null) =>
      db.enrollment.create({ accountId, courseId, grade });
    await enroll(ann.id, math.id, 90);
    await enroll(ann.id, art.id, null);
    await enroll(ben.id, math.id, 70);
    await enroll(dan.id, art.id, 40);
    const car = (accountId: number, label: string) => db.car.create({ accountId, label });
    const mini = await car(ann.id, "Mini");
    await car(ben.id, "Saab"); // no owner
    const volvo = await car(dan.id, "Volvo");
    await car(dan.id, "Fiat"); // no owner
    await db.owner.create({ carId: mini.id, name: "Oz" });
    await db.owner.create({ carId: volvo.id, name: "Olly" });
  });

  it("the seeded ids line up: team n has the id of account n", () => {
    expect([core.id, ops.id]).toEqual([ann.id, ben.id]);
  });

  it("some / every / none through a join model (belongsToMany through, manyToMany)", async () => {
    expect(await match("account", { courses: { some: { title: "Math" } } })).toEqual(["Ann", "Ben"]);
    expect(await match("account", { courses: { some: {} } })).toEqual(["Ann", "Ben", "Dan"]);
    expect(await match("account", { courses: { every: { title: "Math" } } })).toEqual(["Ben", "Cat"]);
    expect(await match("account", { courses: { none: {} } })).toEqual(["Cat"]);
    expect(await match("account", { courses: { none: { title: "Art" } } })).toEqual(["Ben", "Cat"]);
    expect(await match("account", { courses: { every: {} } })).toEqual(["Ann", "Ben", "Cat", "Dan"]);
    expect(await match("course", { students: { some: { name: "Dan" } } })).toEqual(["Art"]);
    expect(await match("course", { students: { none: {} } })).toEqual(["Bio"]);
    expect(await match("course", { students: { every: { name: { in: ["Ann", "Ben"] } } } })).toEqual(["Math", "Bio"]);
    expect(await match("course", { students: { some: { avatar: { isNot: null } } } })).toEqual(["Math", "Art"]);
    expect(await match("course", { students: { every: { cars: { some: {} } } } })).toEqual(["Math", "Art", "Bio"]);
  });

  it("hasMany and hasManyThrough over hasMany + hasOne", async () => {
    expect(await match("account", { cars: { some: { owner: { is: { name: "Olly" } } } } })).toEqual(["Dan"]);
    expect(await match("account", { cars: { every: { owner: { isNot: null } } } })).toEqual(["Ann", "Cat"]);
    expect(await match("account", { carOwners: { some: {} } })).toEqual(["Ann", "Dan"]);
    expect(await match("account", { carOwners: { none: {} } })).toEqual(["Ben", "Cat"]);
    expect(await match("account", { carOwners: { every: { name: "Oz" } } })).toEqual(["Ann", "Ben", "Cat"]);
    expect(await match("account", { carOwners: { some: { name: { startsWith: "O" } } } })).toEqual(["Ann", "Dan"]);
  });

  it("is / isNot on morphOne (type matched through the morphMap)", async () => {
    expect(await match("account", { avatar: { isNot: null } })).toEqual(["Ann"]);
    // Ben has no avatar although team Ops, with his id, has a logo.
    expect(await match("account", { avatar: { is: null } })).toEqual(["Ben", "Cat", "Dan"]);
    expect(await match("account", { avatar: { url: "ops.png" } })).toEqual([]);
    expect(await match("account", { avatar: { is: { url: { endsWith: ".png" } } } })).toEqual(["Ann"]);
    expect(await match("account", { avatar: { isNot: { url: "ann.png" } } })).toEqual(["Ben", "Cat", "Dan"]);
    expect(await match("team", { logo: { isNot: null } })).toEqual(["Core", "Ops"]);
    expect(await match("team", { logo: { url: "ann.png" } })).toEqual([]);
    expect(await match("team", { logo: { url: { startsWith: "o" } } })).toEqual(["Ops"]);
    expect(await match("image", { imageable: { is: null } })).toEqual(["ghost.png"]);
    expect(await match("image", { imageable: { isNot: null } })).toEqual(["ann.png", "core.png", "ops.png"]);
  });

  it("is / isNot on hasOneThrough", async () => {
    expect(await match("account", { carOwner: { is: { name: "Oz" } } })).toEqual(["Ann"]);
    expect(await match("account", { carOwner: { isNot: null } })).toEqual(["Ann", "Dan"]);
    expect(await match("account", { carOwner: { is: null } })).toEqual(["Ben", "Cat"]);
    expect(await match("account", { carOwner: { name: { startsWith: "O" } } })).toEqual(["Ann", "Dan"]);
    expect(await match("account", { carOwner: { isNot: { name: "Oz" } } })).toEqual(["Ben", "Cat", "Dan"]);
    expect(
      await match("account", { OR: [{ carOwner: { is: { name: "Olly" } } }, { avatar: { isNot: null } }] }),
    ).toEqual(["Ann", "Dan"]);
  });

  it("_count and orderBy _count over the join model and through relations", async () => {
    const { queries, result } = await t.count(() =>
      t.db.account.findMany({ select: { name: true, _count: true }, orderBy: { id: "asc" } }),
    );
    expect(queries).toBe(1);
    expect(result).toEqual([
      { name: "Ann", _count: { courses: 2, cars: 1, carOwners: 1 } },
      { name: "Ben", _count: { courses: 1, cars: 1, carOwners: 0 } },
      { name: "Cat", _count: { courses: 0, cars: 0, carOwners: 0 } },
      { name: "Dan", _count: { courses: 1, cars: 2, carOwners: 1 } },
    ]);
    const graded = await find(
      "course",
      {
        select: { title: true, _count: { select: { students: { where: { avatar: { is: null } } } } } },
        orderBy: { id: "asc" },
      },
      1,
    );
    expect(counts(graded, "title")).toEqual([
      ["Math", { students: 1 }],
      ["Art", { students: 1 }],
      ["Bio", { students: 0 }],
    ]);
    const ordered = await find(
      "account",
      { orderBy: [{ cars: { _count: "desc" } }, { courses: { _count: "desc" } }, { id: "asc" }] },
      1,
    );
    expect(ordered.map((r) => r.name)).toEqual(["Dan", "Ann", "Ben", "Cat"]);
    const byOwners = await find("account", { orderBy: [{ carOwners: { _count: "asc" } }, { id: "desc" }] }, 1);
    expect(byOwners.map((r) => r.name)).toEqual(["Cat", "Ben", "Dan", "Ann"]);
  });

  it("per-parent take ordered by a count, inside a join-model relation", async () => {
    const rows = await find(
      "course",
      {
        select: {
          title: true,
          students: { select: { name: true }, orderBy: [{ cars: { _count: "desc" } }, { id: "asc" }], take: 1 },
        },
        orderBy: { id: "asc" },
      },
      eagerQueries(2),
    );
    expect(rows.map((r) => [r.title, r.students.map((s: any) => s.name)])).toEqual([
      ["Math", ["Ann"]],
      ["Art", ["Dan"]],
      ["Bio", []],
    ]);
  });

  it("_count per related row through the join model and through hasManyThrough", async () => {
    const rows = await find(
      "course",
      {
        select: {
          title: true,
          students: {
            select: { name: true, _count: { select: { cars: true, carOwners: true, courses: true } } },
            orderBy: { id: "asc" },
          },
        },
        orderBy: { id: "asc" },
      },
      eagerQueries(2),
    );
    expect(rows.map((r) => [r.title, r.students.map((s: any) => [s.name, s._count])])).toEqual([
      [
        "Math",
        [
          ["Ann", { cars: 1, carOwners: 1, courses: 2 }],
          ["Ben", { cars: 1, carOwners: 0, courses: 1 }],
        ],
      ],
      [
        "Art",
        [
          ["Ann", { cars: 1, carOwners: 1, courses: 2 }],
          ["Dan", { cars: 2, carOwners: 1, courses: 1 }],
        ],
      ],
      ["Bio", []],
    ]);
  });

  it("errors before any SQL on these kinds", async () => {
    for (const [where, relation] of [
      [{ avatar: { some: {} } }, "avatar"],
      [{ carOwner: { every: { name: "Oz" } } }, "carOwner"],
      [{ courses: { is: { title: "Math" } } }, "courses"],
      [{ carOwners: { isNot: null } }, "carOwners"],
    ] as const) {
      const error = await failure(() => t.db.account.findMany({ where } as never));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.field).toBe(relation);
    }
    const deep = await failure(() =>
      t.db.course.findMany({ where: { students: { some: { avatar: { is: { nope: 1 } } } } } } as never),
    );
    expect(deep).toBeInstanceOf(ValidationError);
    expect([deep.model, deep.field]).toEqual(["image", "nope"]);
    const morph = await failure(() => t.db.image.findMany({ where: { imageable: { is: { name: "Core" } } } } as never));
    expect(morph).toBeInstanceOf(ValidationError);
    expect(morph.message).toContain("account, team");
  });

  it("_count.select naming a morphOne or hasOneThrough relation: ValidationError before SQL", async () => {
    const outcomes = [];
    for (const count of [{ select: { avatar: true } }, { select: { carOwner: true } }]) {
      outcomes.push(await attempt(() => t.db.account.findMany({ include: { _count: count } } as never)));
    }
    expect(outcomes).toEqual([
      { statements: 0, error: "ValidationError" },
      { statements: 0, error: "ValidationError" },
    ]);
  });

  it("agrees with the fluent API", async () => {
    expect(
      await t.db.account.findMany({ where: { courses: { some: { title: "Math" } } }, orderBy: { id: "asc" } }),
    ).toEqual(
      await t.db.account
        .whereHas("courses", (q) => q.where("title", "Math"))
        .orderBy("id")
        .get(),
    );
    expect(await t.db.account.findMany({ where: { carOwner: { isNot: null } }, orderBy: { id: "asc" } })).toEqual(
      await t.db.account.has("carOwner").orderBy("id").get(),
    );
    expect(await t.db.account.findMany({ where: { avatar: { is: null } }, orderBy: { id: "asc" } })).toEqual(
      await t.db.account.doesntHave("avatar").orderBy("id").get(),
    );
    const objects = await t.db.account.findMany({ include: { _count: true }, orderBy: { id: "asc" } });
    const fluent = await t.db.account.withCount("courses", "cars", "carOwners").orderBy("id").get();
    expect(objects.map((r) => [r._count.courses, r._count.cars, r._count.carOwners])).toEqual(
      fluent.map((r) => [r.coursesCount, r.carsCount, r.carOwnersCount]),
    );
  });
});
