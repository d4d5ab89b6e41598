/**
 * relata with either loading strategy (relata-query.ts / relata-join.ts pick one), on the bench
 * schema of ../../contenders/relata.ts, its pool set through createDb's `pool` option.
 */
import { createDb } from "../../../../dist/index.js";
import { schema } from "../../contenders/relata.js";
import type { S9Contender, S9Session } from "../contract.js";

type RelataDb = ReturnType<typeof createDb<typeof schema>>;

/** A nested create: the post and its two tags with their pivot value, in one transaction. */
export const nestedCreate =
  (db: RelataDb): S9Session["create"] =>
  ({ tagIds, ...post }) =>
    db.post.create({
      ...post,
      tags: { connect: Object.fromEntries(tagIds.map((tag) => [tag, { createdAt: post.createdAt }])) },
    });

export function relataS9(strategy: "query" | "join"): S9Contender {
  return {
    name: `relata (${strategy})`,
    dialects: ["postgres", "mysql"],
    async setup({ url, pool }) {
      const db = createDb({ schema, url, relationLoadStrategy: strategy, pool: { max: pool } });
      return {
        find: (id) =>
          db.user
            .with("posts", (q) => q.orderBy("id"))
            .with("profile")
            .where("id", id)
            .first(),
        list: (offset) =>
          db.user
            .whereHas("posts", (q) => q.where("published", true))
            .withCount("posts")
            .orderBy("id")
            .limit(20)
            .offset(offset)
            .get(),
        create: nestedCreate(db),
        close: () => db.destroy(),
      };
    },
  };
}
