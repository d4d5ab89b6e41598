import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { installModelRule } from "../../src/plan/front-door.js";
import { blog } from "../support/blog-schema.js";
import { dialect, useTestDb } from "../support/test-db.js";

/**
 * Relation filters and aggregates (whereHas, has, withCount, withSum, having, whereHasMorph)
 * reuse compiled SQL per shape (plan/compiled-cache.ts, relations/subquery.ts signRelated):
 * every statement a cached shape sends must be exactly the SQL and parameters a fresh compile
 * (`toSql()`) gives for the same query.
 */
describe(`compiled SQL of relation filters and aggregates on ${dialect}`, () => {
  const t = useTestDb(blog);
  const ids = { users: [] as number[], posts: [] as number[], videos: [] as number[] };

  beforeAll(async () => {
    const { db } = t;
    const countries = await db.country.createMany([{ name: "Fr" }, { name: "Jp" }]);
    const users = await db.user.createMany(
      ["Ada", "Bob", "Cy", "Dee", "Eve", "Flo"].map((name, i) => ({
        email: `${name}@x.dev`,
        name,
        age: i % 3 === 0 ? null : 20 + i * 5,
        countryId: i % 2 === 0 ? countries[i % 2]!.id : null,
      })),
    );
    ids.users = users.map((u) => u.id);
    await db.profile.createMany(
      users.slice(0, 4).map((u, i) => ({ userId: u.id, bio: i % 2 ? `bio ${u.name}` : null })),
    );
    const posts = await db.post.createMany(
      users.flatMap((u, i) =>
        Array.from({ length: i % 4 }, (_, j) => ({
          authorId: u.id,
          title: `p${i}${j}${j % 2 ? "a" : "b"}`,
          published: (i + j) % 2 === 0,
          views: i * 3 + j * 7,
          rating: j === 0 ? null : j + 0.5,
        })),
      ),
    );
    ids.posts = posts.map((p) => p.id);
    const videos = await db.video.createMany([{ title: "v1" }, { title: "v2a" }, { title: "v3" }]);
    ids.videos = videos.map((v) => v.id);
    const tags = await db.tag.createMany(["red", "green", "blue"].map((name) => ({ name })));
    const roles = await db.role.createMany(["admin", "editor"].map((name) => ({ name })));
    await db.comment.createMany([
      ...posts.flatMap((p, i) =>
        Array.from({ length: i % 3 }, (_, j) => ({
          body: `c${i}${j}`,
          commentableType: "post",
          commentableId: p.id,
        })),
      ),
      ...videos.map((v, i) => ({ body: `vc${i}`, commentableType: "video", commentableId: v.id })),
    ]);
    for (const [i, post] of posts.entries()) {
      await db.post.related(post, "tags").attach(tags.filter((_, j) => (i + j) % 2 === 0).map((tag) => tag.id));
    }
    for (const [i, user] of users.entries()) {
      if (i % 2 === 1) await db.user.related(user, "roles").attach([roles[i % 4 === 1 ? 0 : 1]!.id]);
    }
  });

  /** Conditions a constraint may put on each path's last model, with values drawn anew each run. */
  const conditions: Record<string, fc.Arbitrary<[string, string, unknown]>> = {
    post: fc.oneof(
      fc.tuple(fc.constant("views"), fc.constantFrom(">", "<=", "="), fc.integer({ min: 0, max: 30 })),
      fc.tuple(fc.constant("title"), fc.constant("like"), fc.constantFrom("%a%", "p1%", "%0b", "zz%")),
      fc.tuple(fc.constant("published"), fc.constant("="), fc.boolean()),
    ),
    comment: fc.tuple(fc.constant("body"), fc.constant("like"), fc.constantFrom("c1%", "%0", "vc%")),
    tag: fc.tuple(fc.constant("name"), fc.constantFrom("=", "!="), fc.constantFrom("red", "green", "blue")),
    role: fc.tuple(fc.constant("name"), fc.constant("="), fc.constantFrom("admin", "editor")),
    profile: fc.tuple(fc.constant("bio"), fc.constant("like"), fc.constantFrom("bio%", "%B%")),
    country: fc.tuple(fc.constant("name"), fc.constantFrom("=", "!="), fc.constantFrom("Fr", "Jp")),
    user: fc.tuple(fc.constant("age"), fc.constantFrom(">", "<"), fc.integer({ min: 15, max: 50 })),
    video: fc.tuple(fc.constant("title"), fc.constant("like"), fc.constantFrom("v%", "%a")),
  };
  const paths: Record<string, string> = {
    posts: "post",
    "posts.comments": "comment",
    "posts.tags": "tag",
    roles: "role",
    profile: "profile",
    country: "country",
    "posts.author": "user",
    "posts.author.country": "country",
  };

  type Cond = [string, string, unknown];
  type Page = { limit: number; offset?: number | undefined } | undefined;
  type Filter =
    | { kind: "where"; or: boolean; cond: Cond }
    | { kind: "has"; method: string; path: string; op: string; count: number }
    | { kind: "whereHas"; method: string; path: string; conds: Cond[]; nested?: { path: string; conds: Cond[] } }
    | { kind: "count"; op: string; count: number; conds: Cond[] };
  type Aggregate = {
    fn: string;
    relation: string;
    column?: string;
    conds: Cond[];
    having?: [string, number] | undefined;
    alias?: string;
  };

  const conds = (model: string) => fc.array(conditions[model]!, { maxLength: 2 });
  const filter: fc.Arbitrary<Filter> = fc.oneof(
    fc.record({ kind: fc.constant("where" as const), or: fc.boolean(), cond: conditions.user! }),
    fc.record({
      kind: fc.constant("has" as const),
      method: fc.constantFrom("has", "orHas", "doesntHave", "orDoesntHave"),
      path: fc.constantFrom(...Object.keys(paths)),
      op: fc.constantFrom(">=", ">", "=", "<"),
      count: fc.integer({ min: 0, max: 3 }),
    }),
    fc.constantFrom(...Object.keys(paths)).chain((path) =>
      fc.record({
        kind: fc.constant("whereHas" as const),
        method: fc.constantFrom("whereHas", "orWhereHas", "whereDoesntHave", "orWhereDoesntHave"),
        path: fc.constant(path),
        conds: conds(paths[path]!),
        nested:
          path === "posts"
            ? fc.option(
                fc
                  .constantFrom("comments", "tags")
                  .chain((inner) =>
                    fc.record({ path: fc.constant(inner), conds: conds(inner === "comments" ? "comment" : "tag") }),
                  ),
                { nil: undefined },
              )
            : fc.constant(undefined),
      }),
    ),
    fc.record({
      kind: fc.constant("count" as const),
      op: fc.constantFrom(">=", "<=", "=", ">"),
      count: fc.integer({ min: 0, max: 4 }),
      conds: conds("post"),
    }),
  );
  const aggregate: fc.Arbitrary<Aggregate> = fc.oneof(
    fc.record({
      fn: fc.constantFrom("withCount", "withExists"),
      relation: fc.constantFrom("posts", "roles", "profile", "country"),
      conds: fc.constant([] as Cond[]),
    }),
    fc.record({
      fn: fc.constantFrom("withCount", "withSum", "withMax", "withAvg"),
      relation: fc.constant("posts"),
      column: fc.constantFrom("views", "rating"),
      conds: conds("post"),
      having: fc.option(fc.tuple(fc.constantFrom(">=", "<"), fc.integer({ min: 0, max: 20 })), { nil: undefined }),
    }),
  );

  const page: fc.Arbitrary<Page> = fc.option(
    fc.record({
      limit: fc.integer({ min: 1, max: 5 }),
      offset: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
    }),
    { nil: undefined },
  );
  type Shape = [Filter[], Aggregate[], Page];

  const METHODS = {
    has: ["has", "orHas", "doesntHave", "orDoesntHave"],
    whereHas: ["whereHas", "orWhereHas", "whereDoesntHave", "orWhereDoesntHave"],
  };
  const HAS_OPS = [">=", ">", "=", "<"];
  const COUNT_OPS = [">=", "<=", "=", ">"];
  const besides = <T>(list: readonly T[], now: T) => list.filter((x) => x !== now);

  /** Every shape one structural choice away from `shape` (values left as they are). */
  function neighbours([filters, aggregates, paging]: Shape): Shape[] {
    const found: Shape[] = [];
    const withFilter = (i: number, f: Filter) =>
      found.push([filters.map((x, j) => (j === i ? f : x)), aggregates, paging]);
    const withAggregate = (i: number, a: Aggregate) =>
      found.push([filters, aggregates.map((x, j) => (j === i ? a : x)), paging]);
    for (const [i, f] of filters.entries()) {
      if (f.kind === "where") withFilter(i, { ...f, or: !f.or });
      else if (f.kind === "has") {
        for (const method of besides(METHODS.has, f.method)) withFilter(i, { ...f, method });
        for (const path of besides(Object.keys(paths), f.path)) withFilter(i, { ...f, path });
        for (const op of besides(HAS_OPS, f.op)) withFilter(i, { ...f, op });
        withFilter(i, { ...f, count: (f.count + 1) % 4 });
      } else if (f.kind === "whereHas") {
        for (const method of besides(METHODS.whereHas, f.method)) withFilter(i, { ...f, method });
        withFilter(i, { ...f, conds: f.conds.length > 0 ? f.conds.slice(1) : [conditionOf(f.path)] });
        if (f.conds.length === 1) withFilter(i, { ...f, conds: [...f.conds, conditionOf(f.path)] });
        for (const path of besides(Object.keys(paths), f.path)) {
          // A path to the same model keeps the conditions; any other drops them.
          const same = paths[path] === paths[f.path];
          withFilter(i, { ...f, path, conds: same ? f.conds : [], nested: undefined });
        }
        if (f.path === "posts") {
          for (const nested of [undefined, { path: "comments", conds: [] }, { path: "tags", conds: [] }]) {
            if (nested?.path !== f.nested?.path) withFilter(i, { ...f, nested });
          }
          if (f.nested && f.nested.conds.length === 0) {
            withFilter(i, { ...f, nested: { ...f.nested, conds: [conditionOf(`posts.${f.nested.path}`)] } });
          }
        }
      } else {
        for (const op of besides(COUNT_OPS, f.op)) withFilter(i, { ...f, op });
        withFilter(i, { ...f, count: (f.count + 1) % 5 });
        withFilter(i, { ...f, conds: f.conds.length > 0 ? [] : [conditionOf("posts")] });
      }
    }
    if (filters.length > 1) found.push([[...filters].reverse(), aggregates, paging]);
    found.push([[...filters, { kind: "where", or: true, cond: ["age", ">", 30] }], aggregates, paging]);
    if (filters.length > 1) found.push([filters.slice(1), aggregates, paging]);
    for (const [i, a] of aggregates.entries()) {
      withAggregate(i, { ...a, alias: a.alias === "b" ? "a" : "b" });
      if (a.column === undefined) {
        withAggregate(i, { ...a, fn: a.fn === "withCount" ? "withExists" : "withCount" });
        for (const relation of besides(["posts", "roles", "profile", "country"], a.relation)) {
          withAggregate(i, { ...a, relation });
        }
        continue;
      }
      for (const fn of besides(["withCount", "withSum", "withMax", "withAvg"], a.fn)) withAggregate(i, { ...a, fn });
      withAggregate(i, { ...a, column: a.column === "views" ? "rating" : "views" });
      withAggregate(i, { ...a, conds: a.conds.length > 0 ? [] : [conditionOf("posts")] });
      const having: [string, number] | undefined = !a.having ? [">=", 1] : a.having[0] === ">=" ? ["<", 1] : undefined;
      withAggregate(i, { ...a, having: having && [having[0], a.having?.[1] ?? 1] });
    }
    found.push([filters, [...aggregates, { fn: "withCount", relation: "posts", conds: [] }], paging]);
    if (aggregates.length > 0) found.push([filters, aggregates.slice(1), paging]);
    if (aggregates.length > 1) found.push([filters, [...aggregates].reverse(), paging]);
    if (!paging) found.push([filters, aggregates, { limit: 2 }]);
    else {
      found.push([filters, aggregates, undefined]);
      found.push([filters, aggregates, { ...paging, limit: paging.limit === 1 ? 2 : 1 }]);
      found.push([
        filters,
        aggregates,
        paging.offset === undefined ? { ...paging, offset: 1 } : { limit: paging.limit },
      ]);
    }
    return found;
  }
  const conditionOf = (path: string): Cond =>
    ({
      post: ["views", ">", 3],
      comment: ["body", "like", "%0"],
      tag: ["name", "=", "red"],
      role: ["name", "=", "admin"],
      profile: ["bio", "like", "bio%"],
      country: ["name", "=", "Fr"],
      user: ["age", ">", 30],
    })[paths[path]!] as Cond;

  const apply = (q: any, [field, op, value]: Cond, or = false) =>
    or ? q.orWhere(field, op, value) : q.where(field, op, value);
  const constrain = (list: Cond[], nested?: { path: string; conds: Cond[] }) => (q: any) => {
    let built = list.reduce((b, c) => apply(b, c), q);
    if (nested) built = built.whereHas(nested.path, constrain(nested.conds));
    return built;
  };

  function build(filters: Filter[], aggregates: Aggregate[], page?: Page): any {
    let q: any = t.db.user;
    for (const f of filters) {
      if (f.kind === "where") q = apply(q, f.cond, f.or);
      else if (f.kind === "has")
        q = f.method.endsWith("ave") ? q[f.method](f.path) : q[f.method](f.path, f.op, f.count);
      else if (f.kind === "whereHas") q = q[f.method](f.path, constrain(f.conds, f.nested));
      else q = q.whereHas("posts", constrain(f.conds), f.op, f.count);
    }
    for (const [i, a] of aggregates.entries()) {
      const name = `${a.alias ?? "a"}${i}`;
      const spec = `${a.relation} as ${name}`;
      const withConstraint = a.conds.length > 0 ? { [spec]: constrain(a.conds) } : spec;
      // withSum & co. take no constraint: their conditions are left out.
      q = a.fn === "withCount" || a.fn === "withExists" ? q[a.fn](withConstraint) : q[a.fn](spec, a.column);
      if (a.having) q = q.having(name, a.having[0], a.having[1]);
    }
    q = q.orderBy("id");
    if (page) q = q.limit(page.limit);
    if (page?.offset !== undefined) q = q.offset(page.offset);
    return q;
  }

  /**
   * Runs the query and checks the statement it sent against a fresh compile of it; true when
   * the statement came from the cache (nothing compiled).
   */
  async function check(q: any): Promise<boolean> {
    const fresh = q.toSql();
    t.queries.length = 0;
    const compile = vi.spyOn(t.db.kysely.getExecutor(), "compileQuery");
    let rows: unknown;
    let compiles: number;
    try {
      rows = await q.get();
    } finally {
      compiles = compile.mock.calls.length;
      compile.mockRestore();
    }
    const sent = t.queries.filter((e) => e.sql.startsWith("select"));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.sql).toBe(fresh.sql);
    expect(sent[0]!.params).toEqual(fresh.params);
    expect(Array.isArray(rows)).toBe(true);
    return compiles === 0;
  }

  it("a property: every query sends what a fresh compile would, while shapes repeat with new values", async () => {
    const query = fc.tuple(
      fc.array(filter, { minLength: 1, maxLength: 3 }),
      fc.array(aggregate, { maxLength: 2 }),
      page,
    );
    // Few shapes, many values: each shape is seen often, so the cache serves most runs.
    const shapes = fc.sample(query, { numRuns: 25, seed: 42 });
    let cached = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: shapes.length - 1 }), fc.integer(), async (i, seed) => {
        // The shape's structure, redrawn with other values: the same arbitraries from another seed.
        const [filters, aggregates, paging] = shapes[i]!;
        if (await check(build(revalue(filters, seed), revalue(aggregates, seed), revalue(paging, seed)))) cached++;
      }),
      { numRuns: 150, seed: 7 },
    );
    // Most runs were served from the cache (a shape whose values coincide is compiled instead).
    expect(cached).toBeGreaterThan(75);
  });

  it("shapes one structural choice apart never share SQL", async () => {
    const query = fc.tuple(
      fc.array(filter, { minLength: 1, maxLength: 2 }),
      fc.array(aggregate, { maxLength: 2 }),
      page,
    );
    let runs = 0;
    let cached = 0;
    for (const [n, shape] of fc.sample(query, { numRuns: 12, seed: 11 }).entries()) {
      // The shape, then each neighbour: a neighbour signed like an earlier shape would get its SQL.
      // Twice, with other values: the second time every one whose values differ is cached.
      const family = [shape, ...neighbours(shape)];
      for (const round of [0, 1]) {
        for (const [i, [filters, aggregates, paging]] of family.entries()) {
          const seed = n * 100_000 + round * 1_000 + i;
          runs++;
          if (await check(build(revalue(filters, seed), revalue(aggregates, seed), revalue(paging, seed)))) cached++;
        }
      }
    }
    expect(cached).toBeGreaterThan(runs / 3);
  });

  it("serves repeated shapes without compiling: one compile, then none", async () => {
    const executor = t.db.kysely.getExecutor();
    const compile = vi.spyOn(executor, "compileQuery");
    try {
      const run = (views: number, like: string) =>
        t.db.user
          .whereHas("posts", (q) => q.where("views", ">", views).where("title", "like", like))
          .withCount("posts")
          .withSum("posts as total", "views")
          .orderBy("id")
          .get();
      const first = await run(1, "%a%");
      const compiles = compile.mock.calls.length;
      expect(compiles).toBeGreaterThan(0);
      const second = await run(5, "%b%");
      const third = await run(1, "%a%");
      expect(compile.mock.calls.length).toBe(compiles);
      expect(third).toEqual(first);
      expect(second).not.toEqual(first);
    } finally {
      compile.mockRestore();
    }
  });

  it("morph filters: every choice of types, negation, joint and constraint sends what a fresh compile would", async () => {
    // They are compiled every time: the type is bound twice, so the cache cannot confirm a shape.
    const typeSets = [["post"], ["video"], ["post", "video"], "*"] as const;
    const patterns = ["p%", "%a", "v%", "p1%", "%b", "v2%"];
    for (const round of [0, 1]) {
      let i = round;
      for (const types of typeSets) {
        for (const method of ["whereHasMorph", "orWhereHasMorph", "whereDoesntHaveMorph", "orWhereDoesntHaveMorph"]) {
          for (const constrained of [false, true]) {
            const like = patterns[i++ % patterns.length]!;
            const q: any = (t.db.comment.where("body", "!=", `x${i}`) as any)
              [method]("commentable", types, constrained ? (m: any) => m.where("title", "like", like) : undefined)
              .orderBy("id");
            expect(await check(q)).toBe(false);
          }
        }
      }
    }
  });

  it("filters along a path through a morphTo: one subquery per target, cached with each target's type", async () => {
    let cached = 0;
    for (const round of [0, 1]) {
      for (const [i, q] of [
        t.db.comment.has("commentable"),
        t.db.comment.whereHas("commentable.author", (u) => u.where("age", ">", 20 + round)),
        t.db.comment.where("body", "!=", `x${round}`).orDoesntHave("commentable"),
        // The morph types bound twice (the morphTo's and the comments' own): compiled every time.
        t.db.comment.has("commentable.comments", ">=", 2 + round),
        t.db.comment.whereHas("commentable.tags", (c) => c.where("name", round ? "red" : "blue")),
      ].entries()) {
        if (await check((q as any).orderBy("id"))) cached++;
        // Only posts have an author: the video's subquery is `false`, binding nothing.
        if (i === 1) expect(t.queries[0]!.params).toEqual(["post", 20 + round, "video"]);
      }
    }
    expect(cached).toBe(3);
  });

  it("a rule installed after a shape was cached is in the next statement", async () => {
    const run = () =>
      t.db.user
        .whereHas("posts", (q) => q.where("views", ">", 0))
        .withCount("posts")
        .orderBy("id");
    await check(run());
    const before = t.queries[0]!.sql;
    installModelRule(blog, "post", [{ type: "compare", or: false, field: "published", op: "=", value: true }]);
    try {
      await check(run());
      expect(t.queries[0]!.sql).not.toBe(before);
      const published = await run().get();
      const all = await t.db.post.where("published", true).get();
      for (const user of published) {
        expect(user.postsCount).toBe(all.filter((p) => p.authorId === user.id).length);
      }
    } finally {
      installModelRule(blog, "post", []);
    }
    await check(run());
    expect(t.queries[0]!.sql).toBe(before);
  });

  afterAll(() => installModelRule(blog, "post", []));
});

/**
 * The same structure with other values: numbers, booleans and strings replaced by ones drawn
 * from `seed` (strings from the values the arbitraries use, so patterns stay patterns).
 */
function revalue<T>(value: T, seed: number): T {
  const next = lcg(seed);
  const strings: Record<string, string[]> = {};
  for (const group of [
    ["%a%", "p1%", "%0b", "zz%"],
    ["c1%", "%0", "vc%"],
    ["red", "green", "blue"],
    ["admin", "editor"],
    ["bio%", "%B%"],
    ["Fr", "Jp"],
  ]) {
    for (const s of group) strings[s] = group;
  }
  const walk = (v: unknown, key?: string): unknown => {
    if (Array.isArray(v)) {
      // A condition [field, op, value]: only its value changes.
      if (v.length === 3 && typeof v[0] === "string" && typeof v[1] === "string") return [v[0], v[1], walk(v[2])];
      if (v.length === 2 && typeof v[0] === "string" && typeof v[1] === "number") return [v[0], next() % 21];
      return v.map((x) => walk(x));
    }
    if (v && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    }
    // Structure: which method, path, operator and count; `or` joins differently.
    if (key === "count" || key === "op" || key === "method" || key === "kind" || key === "path" || key === "or")
      return v;
    if (key === "limit") return 1 + (next() % 5);
    if (key === "offset") return next() % 4;
    if (typeof v === "number") return next() % 1_000;
    if (typeof v === "boolean") return next() % 2 === 0;
    if (typeof v === "string" && strings[v]) return strings[v][next() % strings[v].length];
    return v;
  };
  return walk(value) as T;
}

/** A small deterministic generator of non-negative integers. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    return state >>> 8;
  };
}
