/**
 * TypeORM 1.1 with EntitySchema definitions. Relations load with TypeORM's default
 * `relationLoadStrategy: "join"` (one statement with joins per find). Statements are counted
 * by a custom Logger's logQuery.
 */
import { DataSource, type DataSourceOptions, In, type Logger } from "typeorm";
import type { Contender } from "../contract.js";
import { entities, type Post, type PostTag, type Tag } from "./typeorm/entities.js";

const typeorm: Contender = {
  name: "typeorm",
  dialects: ["sqlite", "postgres", "mysql"],
  async setup({ dialect, url, file, countStatement }) {
    const schemas = entities(dialect);
    const logger: Logger = {
      logQuery: () => countStatement(),
      logQueryError() {},
      logQuerySlow() {},
      logSchemaBuild() {},
      logMigration() {},
      log() {},
    };
    const common = { entities: Object.values(schemas), synchronize: false, logger } as const;
    const options: DataSourceOptions =
      dialect === "sqlite"
        ? { type: "better-sqlite3", database: file!, ...common }
        : dialect === "postgres"
          ? { type: "postgres", url, ...common }
          : { type: "mariadb", url, timezone: "Z", ...common };
    const dataSource = await new DataSource(options).initialize();
    const users = dataSource.getRepository(schemas.User);
    const posts = dataSource.getRepository(schemas.Post);

    return {
      scenarios: {
        S1: () =>
          users.find({
            relations: { posts: { comments: true } },
            order: { id: "ASC", posts: { id: "ASC", comments: { id: "ASC" } } },
          }),
        S2: () =>
          posts.find({
            relations: { postTags: { tag: true } },
            order: { id: "ASC", postTags: { tagId: "ASC" } },
          }),
        S3: () =>
          users
            .createQueryBuilder("user")
            .addSelect("user.postsCount")
            .whereExists(
              posts
                .createQueryBuilder("post")
                .where("post.userId = user.id")
                .andWhere("post.published = :published", { published: true })
                .andWhere("post.title LIKE :title", { title: "%7%" }),
            )
            .orderBy("user.id")
            .getMany(),
        S4: () => {
          // No per-parent limit in TypeORM: join only the posts ranked in a window subquery.
          const query = users.createQueryBuilder("user");
          const newest = query
            .subQuery()
            .select("ranked.id")
            .from(
              (ranked) =>
                ranked
                  .select("p.id", "id")
                  .addSelect("ROW_NUMBER() OVER (PARTITION BY p.user_id ORDER BY p.created_at DESC)", "rn")
                  .from(schemas.Post, "p"),
              "ranked",
            )
            .where("ranked.rn <= 3")
            .getQuery();
          return query
            .leftJoinAndSelect("user.posts", "post", `post.id IN ${newest}`)
            .orderBy("user.id")
            .addOrderBy("post.createdAt", "DESC")
            .getMany();
        },
        async S5({ lookupIds }) {
          const found = [];
          for (const id of lookupIds) found.push(await users.findOne({ where: { id }, relations: { profile: true } }));
          return found;
        },
        S6: ({ newPosts: { userId, posts: rows } }) =>
          dataSource.transaction(async (manager) => {
            const inserted = await manager.insert(
              schemas.Post,
              rows.map(({ tagIds: _, ...post }) => ({ ...post, userId })),
            );
            const ids = inserted.identifiers.map((key) => key.id as number);
            await manager.insert(
              schemas.PostTag,
              rows.flatMap((post, i) =>
                post.tagIds.map((tagId) => ({ postId: ids[i]!, tagId, createdAt: post.createdAt })),
              ),
            );
            return ids;
          }),
        // Through the pivot entity: load the posts' PostTag rows, remove the detached ones, save
        // the changed and the new ones (save issues UPDATEs only for changed columns).
        S8: ({ syncs }) =>
          dataSource.transaction(async (manager) => {
            const wanted = new Map(
              syncs.flatMap(({ postId, tags }) =>
                tags.map(({ tagId, createdAt }) => [`${postId}:${tagId}`, { postId, tagId, createdAt }]),
              ),
            );
            const current = await manager.find(schemas.PostTag, {
              where: { postId: In(syncs.map((s) => s.postId)) },
            });
            const detached: PostTag[] = [];
            const saved: Partial<PostTag>[] = [];
            for (const row of current) {
              const want = wanted.get(`${row.postId}:${row.tagId}`);
              wanted.delete(`${row.postId}:${row.tagId}`);
              if (!want) detached.push(row);
              else if (want.createdAt.getTime() !== row.createdAt.getTime()) {
                row.createdAt = want.createdAt;
                saved.push(row);
              }
            }
            saved.push(...wanted.values());
            // SQLite: save/remove look entities up by an OR of key pairs, past SQLite's expression
            // depth limit (1000) for 1,000 entities: TypeORM's `chunk` option splits the batch.
            const options = dialect === "sqlite" ? { chunk: 500 } : {};
            await manager.remove(schemas.PostTag, detached, options);
            await manager.save(schemas.PostTag, saved, options);
          }),
      },
      canonical: {
        S2: (result: Post[]) =>
          result.map(({ postTags, ...post }) => ({
            ...post,
            tags: postTags.map(({ tag, postId, tagId, createdAt }: PostTag) => ({
              ...(tag as Tag),
              pivot: { postId, tagId, createdAt },
            })),
          })),
      },
      notes: {
        S4: "window-function subquery in the join condition (no per-parent limit)",
        S7: "no polymorphic relations (typeorm/typeorm#10488 open)",
      },
      close: () => dataSource.destroy(),
    };
  },
};

export default typeorm;
