import { beforeAll, describe, expect, it } from "vitest";
import {
  belongsToMany,
  defineSchema,
  hasMany,
  id,
  integer,
  manyToMany,
  model,
  morphToMany,
  string,
  timestamp,
  uuid,
} from "../../src/index.js";
import { dialect, useTestDb } from "../support/test-db.js";

/**
 * What reads put on rows, next to the types issue 16 made exact (test/unit/result-holes-types.test.ts):
 * a pivot holds both keys, the declared pivot fields and the timestamps, nothing more, under
 * both strategies; a selection made after `with` keeps the relations and counts.
 */
const schema = defineSchema(
  {
    user: model({
      table: "users",
      fields: { id: id(), name: string(), email: string() },
      relations: {
        posts: hasMany("post", { foreignKey: "authorId" }),
        roles: belongsToMany("role", { pivotFields: ["grantedBy"], timestamps: true }),
        teams: manyToMany("team", {
          through: "membership",
          from: "memberId",
          to: "teamId",
          pivotFields: ["rank"],
          timestamps: true,
        }),
      },
    }),
    post: model({
      table: "posts",
      fields: { id: id(), authorId: integer().references("user.id"), title: string() },
      relations: {
        tags: morphToMany("tag", { morphName: "taggable", pivotFields: { weight: integer().nullable() } }),
        labels: belongsToMany("label", { foreignPivotKey: "articleId", relatedPivotKey: "labelKey", as: "link" }),
      },
    }),
    tag: model({ table: "tags", fields: { id: uuid().primary(), name: string() } }),
    role: model({ table: "roles", fields: { id: id(), name: string() } }),
    team: model({ table: "teams", fields: { id: id(), name: string() } }),
    membership: model({
      table: "memberships",
      fields: {
        id: id(),
        memberId: integer().references("user.id"),
        teamId: integer().references("team.id"),
        rank: string(),
        createdAt: timestamp().defaultNow(),
        updatedAt: timestamp().nullable(),
      },
    }),
    label: model({ table: "labels", fields: { id: id(), name: string() } }),
  },
  { casing: "snake_case" },
);

const TAG = "6f1c1a52-8f0e-4d7e-9a51-0d9d3c0f2a11";
const STRATEGIES = ["query", "join"] as const;

describe(`what reads put on rows, as typed, on ${dialect}`, () => {
  const t = useTestDb(schema);

  beforeAll(async () => {
    const { db } = t;
    const ada = await db.user.create({ id: 1, name: "Ada", email: "ada@example.dev" });
    const post = await db.post.create({ id: 1, authorId: 1, title: "Hi" });
    await db.role.create({ id: 1, name: "admin" });
    await db.team.create({ id: 1, name: "core" });
    await db.tag.create({ id: TAG, name: "sql" });
    await db.label.create({ id: 1, name: "news" });
    await db.user.related(ada, "roles").attach({ 1: { grantedBy: "root" } });
    await db.membership.create({ memberId: 1, teamId: 1, rank: "lead" });
    await db.post.related(post, "tags").attach({ [TAG]: { weight: 3 } });
    await db.post.related(post, "labels").attach(1);
  });

  it("a pivot holds both keys, the pivot fields and the timestamps: nothing else", async () => {
    for (const how of STRATEGIES) {
      const [user] = await t.db.user.with("roles", "teams").strategy(how).get();
      const [post] = await t.db.post.with("tags", "labels").strategy(how).get();
      const role = user!.roles[0]!;
      const team = user!.teams[0]!;
      const tag = post!.tags[0]!;
      const label = post!.labels[0]!;
      // Each list is typed by the pivot's keys: a key the type lacks does not compile.
      const roleKeys: (keyof typeof role.pivot)[] = ["userId", "roleId", "grantedBy", "createdAt", "updatedAt"];
      const teamKeys: (keyof typeof team.pivot)[] = ["memberId", "teamId", "rank", "createdAt", "updatedAt"];
      const tagKeys: (keyof typeof tag.pivot)[] = ["taggableId", "tagId", "weight"];
      const labelKeys: (keyof typeof label.link)[] = ["articleId", "labelKey"];
      expect(Object.keys(role.pivot).sort()).toEqual(roleKeys.sort());
      expect(Object.keys(team.pivot).sort()).toEqual(teamKeys.sort());
      expect(Object.keys(tag.pivot).sort()).toEqual(tagKeys.sort());
      expect(Object.keys(label.link).sort()).toEqual(labelKeys.sort());
      expect(role.pivot).toMatchObject({ userId: 1, roleId: 1, grantedBy: "root" });
      expect(team.pivot).toMatchObject({ memberId: 1, teamId: 1, rank: "lead", updatedAt: null });
      expect(team.pivot.createdAt).toBeInstanceOf(Date);
      expect(tag.pivot).toEqual({ taggableId: 1, tagId: TAG, weight: 3 });
      expect(label.link).toEqual({ articleId: 1, labelKey: 1 });
    }
  });

  it("a selection after with keeps the relations and counts, as one before it does", async () => {
    for (const how of STRATEGIES) {
      const after = await t.db.user.with("posts").withCount("roles").select("name").strategy(how).get();
      const before = await t.db.user.select("name").with("posts").withCount("roles").strategy(how).get();
      const expected = [{ name: "Ada", posts: [{ id: 1, authorId: 1, title: "Hi" }], rolesCount: 1 }];
      expect(after).toEqual(expected);
      expect(before).toEqual(expected);
    }
  });
});
