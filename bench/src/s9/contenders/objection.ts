/**
 * Objection 3 on Knex 3 (`pool.max: 10`), Model classes defined here as
 * ../../contenders/objection.ts defines them (it does not export them): find is `findById` with
 * `withGraphFetched` (one query per relation), list `relatedQuery(...).count()` as a column and
 * `whereExists(relatedQuery(...))` with limit/offset, create `insertGraph` with `relate` (the
 * tags by id, the pivot value through the relation's `extra`) in `Post.transaction`.
 */
import knexModule, { type Knex } from "knex";
import { knexSnakeCaseMappers, Model, type Modifiers, type Pojo, type QueryBuilder } from "objection";
import type { S9Contender } from "../contract.js";

const orderById = (query: QueryBuilder<Model>) => query.orderBy(`${query.tableRefFor(query.modelClass())}.id`);

class BaseModel extends Model {
  static override modifiers: Modifiers = { orderById };

  // MariaDB returns booleans as 0/1: the documented hook for database -> model values.
  override $parseDatabaseJson(json: Pojo): Pojo {
    const parsed = super.$parseDatabaseJson(json);
    if (typeof parsed.published === "number") parsed.published = parsed.published === 1;
    return parsed;
  }
}

class User extends BaseModel {
  static override tableName = "users";
  declare id: number;

  static override get relationMappings() {
    return {
      posts: { relation: Model.HasManyRelation, modelClass: Post, join: { from: "users.id", to: "posts.userId" } },
      profile: {
        relation: Model.HasOneRelation,
        modelClass: Profile,
        join: { from: "users.id", to: "profiles.userId" },
      },
    };
  }
}

class Profile extends BaseModel {
  static override tableName = "profiles";
}

class Post extends BaseModel {
  static override tableName = "posts";
  declare id: number;
  declare userId: number;
  declare title: string;
  declare body: string;
  declare published: boolean;
  declare createdAt: Date;
  declare tags?: Tag[];

  static override get relationMappings() {
    return {
      tags: {
        relation: Model.ManyToManyRelation,
        modelClass: Tag,
        join: {
          from: "posts.id",
          through: { from: "post_tag.postId", to: "post_tag.tagId", extra: ["createdAt"] },
          to: "tags.id",
        },
      },
    };
  }
}

class Tag extends BaseModel {
  static override tableName = "tags";
  declare id: number;
  /** The pivot's created_at (ManyToManyRelation `extra`). */
  declare createdAt?: Date;
}

function knexConfig(dialect: string, url: string, max: number): Knex.Config {
  const common = { pool: { max }, ...knexSnakeCaseMappers() };
  if (dialect === "postgres") return { client: "pg", connection: url, ...common };
  const u = new URL(url);
  return {
    client: "mysql2",
    connection: {
      host: u.hostname,
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      database: u.pathname.slice(1),
      timezone: "Z",
    },
    ...common,
  };
}

const objection: S9Contender = {
  name: "objection",
  dialects: ["postgres", "mysql"],
  async setup({ dialect, url, pool }) {
    const knex = knexModule.knex(knexConfig(dialect, url, pool));
    BaseModel.knex(knex);
    return {
      find: async (id) => await User.query().findById(id).withGraphFetched("[posts(orderById), profile]"),
      list: async (offset) =>
        await User.query()
          .select("users.*", User.relatedQuery("posts").count().as("postsCount"))
          .whereExists(User.relatedQuery("posts").where("published", true))
          .orderBy("id")
          .limit(20)
          .offset(offset),
      create: ({ tagIds, ...post }) =>
        Post.transaction(
          async (trx) =>
            await Post.query(trx).insertGraph(
              { ...post, tags: tagIds.map((id) => ({ id, createdAt: post.createdAt })) },
              { relate: true },
            ),
        ),
      close: () => knex.destroy(),
    };
  },
};

export default objection;
