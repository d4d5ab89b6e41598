/**
 * relata (default strategy) with every level's columns named, as users write loads for speed
 * and as the peers' contenders do (Drizzle `columns`, Prisma `select`, Kysely column lists):
 * the select-constrained forms of S1, S2, S4 and S5. The other scenarios have no select form.
 */
import { createDb } from "../../../dist/index.js";
import type { Contender } from "../contract.js";
import { schema } from "./relata.js";

export const userColumns = ["id", "name", "email"] as const;
export const postColumns = ["id", "userId", "title", "body", "published", "createdAt"] as const;
const NO_SELECT_FORM = "no select form: the same as relata-query";

const relataSelect: Contender = {
  name: "relata (query, select)",
  dialects: ["sqlite", "postgres", "mysql"],
  async setup({ url, countStatement }) {
    const db = createDb({ schema, url, onQuery: countStatement });
    return {
      scenarios: {
        S1: () =>
          db.user
            .select(...userColumns)
            .with("posts", (q) =>
              q.select(...postColumns).with("comments", (c) => c.select("id", "postId", "userId", "body")),
            )
            .orderBy("id")
            .get(),
        S2: () =>
          db.post
            .select(...postColumns)
            .with("tags", (q) => q.select("id", "name"))
            .orderBy("id")
            .get(),
        S4: () =>
          db.user
            .select(...userColumns)
            .with("posts", (q) =>
              q
                .select(...postColumns)
                .orderBy("createdAt", "desc")
                .limit(3),
            )
            .orderBy("id")
            .get(),
        async S5({ lookupIds }) {
          const found = [];
          for (const id of lookupIds)
            found.push(
              await db.user
                .select(...userColumns)
                .with("profile", (q) => q.select("id", "userId", "bio"))
                .where("id", id)
                .first(),
            );
          return found;
        },
      },
      notes: { S3: NO_SELECT_FORM, S6: NO_SELECT_FORM, S7: NO_SELECT_FORM, S8: NO_SELECT_FORM },
      close: () => db.destroy(),
    };
  },
};

export default relataSelect;
