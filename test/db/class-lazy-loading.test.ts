import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  belongsTo,
  createDb,
  type Db,
  defineSchema,
  hasMany,
  id,
  integer,
  LazyLoadingViolationError,
  Model,
  type NPlusOneReport,
  type QueryEvent,
  type Schema,
  string,
} from "../../src/index.js";
import { dialect, isolatedUrl } from "../support/test-db.js";

/**
 * N+1 protection for class models (issue 14): a relation accessor called on an instance from a
 * multi-row read is a lazy load. With `preventLazyLoading` it throws (Eloquent's semantics:
 * single-row reads may still lazy load); the development detector reports the second such call
 * over the same rows with where it came from.
 */
class Author extends Model {
  static table = "ll_authors";
  static fields = { id: id(), name: string() };
  static relations = { books: hasMany("book") };
  declare id: number;
}
class Book extends Model {
  static table = "ll_books";
  static fields = { id: id(), authorId: integer(), title: string() };
  static relations = { author: belongsTo("author") };
  declare id: number;
}

const strictSchema = defineSchema({ author: Author, book: Book }, { preventLazyLoading: true });

describe(`lazy loading through class accessors on ${dialect}`, () => {
  const reports: NPlusOneReport[] = [];
  const queries: QueryEvent[] = [];
  let db: Db<Schema<any>>;
  let strict: Db<typeof strictSchema>;
  let drop = async () => {};

  beforeAll(async () => {
    const isolated = await isolatedUrl();
    drop = isolated.drop;
    // The strict db first: the detecting one, created last, is the classes' default.
    strict = createDb({
      schema: strictSchema,
      url: isolated.url,
      connectionName: "strict",
    });
    db = createDb({
      models: [Author, Book],
      url: isolated.url,
      detectNPlusOne: (report) => reports.push(report),
      onQuery: (q) => queries.push(q),
    });
    // SQLite's in-memory databases are one per db: each gets the tables and rows.
    for (const handle of (dialect === "sqlite" ? [strict, db] : [db]) as any[]) {
      await handle.push();
      const [ada, bob] = await handle.author!.createMany([{ name: "Ada" }, { name: "Bob" }]);
      await handle.book!.createMany([
        { authorId: ada!.id as number, title: "A1" },
        { authorId: ada!.id as number, title: "A2" },
        { authorId: bob!.id as number, title: "B1" },
      ]);
    }
  });

  afterAll(async () => {
    await strict?.destroy();
    await db?.destroy();
    await drop();
  });

  it("the detector reports a relation read row by row, once, with the caller's location", async () => {
    reports.length = 0;
    const authors = await Author.query().orderBy("id").get();
    for (const author of authors) await (author as any).books().get();
    expect(reports).toHaveLength(1);
    const [report] = reports;
    expect(report).toMatchObject({ model: "author", relation: "books", rows: 2, calls: 2 });
    expect(report!.location).toMatch(/class-lazy-loading\.test\.ts:\d+:\d+/);
    expect(report!.message).toMatch(/with\("books"\)/);
    // Eager loading is the fix: no accessor call, no report, one query per level.
    reports.length = 0;
    queries.length = 0;
    const loaded = await Author.with("books").get();
    expect(loaded.map((a: any) => a.books.length)).toEqual([2, 1]);
    expect(queries).toHaveLength(2);
    expect(reports).toHaveLength(0);
  });

  it("single-row reads and a relation read once are not reported", async () => {
    reports.length = 0;
    const ada = await Author.findOrFail(1);
    await (ada as any).books().get();
    await (ada as any).books().count();
    const books = await Book.all();
    await (books[0] as any).author().get();
    expect(reports).toHaveLength(0);
  });

  it("with preventLazyLoading, an accessor on an instance from a multi-row read throws", async () => {
    const authors = await strict.author.query().orderBy("id").get();
    expect(() => (authors[0] as any).books()).toThrow(LazyLoadingViolationError);
    expect(() => (authors[0] as any).books()).toThrow(/author\.books/);
    // A single-row read may lazy load; related() is always explicit.
    const one = await strict.author.findOrFail(1);
    expect(await (one as any).books().count()).toBe(2);
    expect(await strict.author.related(authors[1]!, "books").count()).toBe(1);
  });
});
