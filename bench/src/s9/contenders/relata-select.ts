/**
 * relata (default strategy) with every level's columns named, as ../../contenders/relata-select.ts
 * (users who write loads for speed); create has no select form and is relata-query's.
 */
import { createDb } from "../../../../dist/index.js";
import { schema } from "../../contenders/relata.js";
import { postColumns, userColumns } from "../../contenders/relata-select.js";
import type { S9Contender } from "../contract.js";
import { nestedCreate } from "./relata.js";

const relataSelect: S9Contender = {
  name: "relata (query, select)",
  dialects: ["postgres", "mysql"],
  async setup({ url, pool }) {
    const db = createDb({ schema, url, pool: { max: pool } });
    return {
      find: (id) =>
        db.user
          .select(...userColumns)
          .with("posts", (q) => q.select(...postColumns).orderBy("id"))
          .with("profile", (q) => q.select("id", "userId", "bio"))
          .where("id", id)
          .first(),
      list: (offset) =>
        db.user
          .select(...userColumns)
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

export default relataSelect;
