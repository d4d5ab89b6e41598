/**
 * The same engine with class models (Eloquent / eloquent-orm.js / neko-orm style): classes
 * declare their models, reads return instances, instances save themselves and reach their
 * relations through methods. Run with `npm run demo` (after the plain-row demo).
 */
import {
  belongsTo,
  belongsToMany,
  createDb,
  hasMany,
  id,
  integer,
  Model,
  type QueryEvent,
  string,
  timestamp,
} from "../src/index.js";

class User extends Model {
  static table = "users";
  static fields = { id: id(), name: string() };
  static relations = { posts: hasMany("post") };
  declare id: number;
  declare name: string;

  greeting(): string {
    return `Hello, ${this.name}`;
  }
}

class Post extends Model {
  static table = "posts";
  static fields = { id: id(), userId: integer().nullable(), title: string(), updatedAt: timestamp() };
  static relations = { user: belongsTo("user"), tags: belongsToMany("tag") };
  static timestamps = { createdAt: false } as const;
  declare id: number;
  declare title: string;
}

class Tag extends Model {
  static table = "tags";
  static fields = { id: id(), name: string() };
  declare id: number;
}

const statements: QueryEvent[] = [];
const db = createDb({ models: [User, Post, Tag], url: "sqlite::memory:", onQuery: (q) => statements.push(q) });

/** Prints a step with the statements it sent. */
async function step<T>(title: string, fn: () => Promise<T>): Promise<T> {
  const before = statements.length;
  const value = await fn();
  const sent = statements.slice(before);
  console.log(`\n▸ ${title}  (${sent.length} ${sent.length === 1 ? "query" : "queries"})`);
  for (const q of sent) console.log(`    ${q.sql.length > 110 ? `${q.sql.slice(0, 107)}...` : q.sql}`);
  return value;
}

console.log("\nrelata demo — the same blog as class models");
await db.push();
const ada = await step("User.create: a User instance", () => User.create({ name: "Ada Lovelace" }));
console.log(`    ${ada instanceof User}, ${ada.greeting()}`);
const draft = new Post({ title: "Notes on the Analytical Engine" });
await step("ada.posts().save(new Post(...)): sets userId and inserts it", () => ada.posts().save(draft));
draft.title = "Notes (final)";
await step("post.save(): writes only the changed field", () => draft.save());
await step("post.save() again: nothing changed, no statement", () => draft.save());
const [t1, t2] = await Tag.createMany([{ name: "math" }, { name: "history" }]);
await step("post.tags().sync([...]): the pivot rows", () =>
  (draft as unknown as Post & { tags(): any }).tags().sync([t1!.id, t2!.id]),
);
const users = await step("User.with('posts.tags'): instances at every depth, one query per level", () =>
  User.with("posts.tags").get(),
);
console.log(`    ${JSON.stringify(users)}`);
await db.destroy();
