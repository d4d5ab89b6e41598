/**
 * TypeORM 1.1 with the EntitySchemas of ../../contenders/typeorm/entities.ts, `poolSize: 10`:
 * find is `findOne` with relations (TypeORM's default join strategy: one statement), list a
 * query builder with the `postsCount` virtual column, `whereExists` and skip/take, create a
 * `dataSource.transaction` inserting the post and its PostTag rows (the entities declare no
 * cascades, so the pivot rows are inserted through their own entity, as the S6 contender does).
 */
import { DataSource, type DataSourceOptions } from "typeorm";
import { entities } from "../../contenders/typeorm/entities.js";
import type { S9Contender } from "../contract.js";

const typeorm: S9Contender = {
  name: "typeorm",
  dialects: ["postgres", "mysql"],
  async setup({ dialect, url, pool }) {
    const schemas = entities(dialect);
    const common = { entities: Object.values(schemas), synchronize: false, poolSize: pool } as const;
    const options: DataSourceOptions =
      dialect === "postgres"
        ? { type: "postgres", url, ...common }
        : { type: "mariadb", url, timezone: "Z", ...common };
    const dataSource = await new DataSource(options).initialize();
    const users = dataSource.getRepository(schemas.User);
    const posts = dataSource.getRepository(schemas.Post);
    return {
      find: (id) =>
        users.findOne({ where: { id }, relations: { posts: true, profile: true }, order: { posts: { id: "ASC" } } }),
      list: (offset) =>
        users
          .createQueryBuilder("user")
          .addSelect("user.postsCount")
          .whereExists(
            posts
              .createQueryBuilder("post")
              .where("post.userId = user.id")
              .andWhere("post.published = :published", { published: true }),
          )
          .orderBy("user.id")
          .skip(offset)
          .take(20)
          .getMany(),
      create: ({ tagIds, ...post }) =>
        dataSource.transaction(async (manager) => {
          const { identifiers } = await manager.insert(schemas.Post, post);
          const postId = identifiers[0]!.id as number;
          await manager.insert(
            schemas.PostTag,
            tagIds.map((tagId) => ({ postId, tagId, createdAt: post.createdAt })),
          );
          return postId;
        }),
      close: () => dataSource.destroy(),
    };
  },
};

export default typeorm;
