/**
 * Objection 3 on Knex 3: Model classes with relationMappings, camelCase properties through
 * knexSnakeCaseMappers, relations loaded with withGraphFetched (one query per level).
 */
import knexModule, { type Knex } from "knex";
import { knexSnakeCaseMappers, Model, type Modifiers, type Pojo, type QueryBuilder } from "objection";
import type { Contender } from "../contract.js";

/** Orders a relation's rows by id (children come back in key order, like the baseline). */
const orderById = (query: QueryBuilder<Model>) => query.orderBy(`${query.tableRefFor(query.modelClass())}.id`);

class BaseModel extends Model {
  /** SQLite keeps timestamps as ISO-8601 text (knex's better-sqlite3 client would bind Dates as epoch ms). */
  static datesAsText = false;
  static override modifiers: Modifiers = { orderById };

  // The documented hooks for database <-> model value conversion: booleans come back as 0/1
  // from SQLite and MariaDB, timestamps as text from SQLite.
  override $parseDatabaseJson(json: Pojo): Pojo {
    const parsed = super.$parseDatabaseJson(json);
    if (typeof parsed.published === "number") parsed.published = parsed.published === 1;
    if (typeof parsed.createdAt === "string") parsed.createdAt = new Date(parsed.createdAt);
    return parsed;
  }

  override $formatDatabaseJson(json: Pojo): Pojo {
    const formatted = super.$formatDatabaseJson(json);
    if (BaseModel.datesAsText && formatted.createdAt instanceof Date)
      formatted.createdAt = formatted.createdAt.toISOString();
    return formatted;
  }
}

class User extends BaseModel {
  static override tableName = "users";
  declare id: number;
  declare name: string;
  declare email: string;
  declare posts?: Post[];
  declare profile?: Profile;

  static override get relationMappings() {
    return {
      posts: {
        relation: Model.HasManyRelation,
        modelClass: Post,
        join: { from: "users.id", to: "posts.userId" },
      },
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
  declare id: number;
  declare userId: number;
  declare bio: string;
}

class Post extends BaseModel {
  static override tableName = "posts";
  declare id: number;
  declare userId: number;
  declare title: string;
  declare body: string;
  declare published: boolean;
  declare createdAt: Date;
  declare comments?: Comment[];
  declare tags?: Tag[];

  static override get relationMappings() {
    return {
      comments: {
        relation: Model.HasManyRelation,
        modelClass: Comment,
        join: { from: "posts.id", to: "comments.postId" },
      },
      tags: {
        relation: Model.ManyToManyRelation,
        modelClass: Tag,
        join: {
          from: "posts.id",
          through: { modelClass: PostTag, from: "post_tag.postId", to: "post_tag.tagId", extra: ["createdAt"] },
          to: "tags.id",
        },
      },
    };
  }
}

class Comment extends BaseModel {
  static override tableName = "comments";
  declare id: number;
  declare postId: number;
  declare userId: number;
  declare body: string;
}

class Tag extends BaseModel {
  static override tableName = "tags";
  declare id: number;
  declare name: string;
  /** The pivot's created_at (ManyToManyRelation `extra`). */
  declare createdAt?: Date;
}

/** The join table's model, so pivot rows get the same value formatting as the others. */
class PostTag extends BaseModel {
  static override tableName = "post_tag";
  static override idColumn = ["postId", "tagId"];
  declare postId: number;
  declare tagId: number;
  declare createdAt: Date;
}

function knexConfig(dialect: string, url: string, file?: string): Knex.Config {
  const mappers = knexSnakeCaseMappers();
  if (dialect === "sqlite")
    return { client: "better-sqlite3", connection: { filename: file! }, useNullAsDefault: true, ...mappers };
  if (dialect === "postgres") return { client: "pg", connection: url, ...mappers };
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
    ...mappers,
  };
}

const objection: Contender = {
  name: "objection",
  dialects: ["sqlite", "postgres", "mysql"],
  async setup({ dialect, url, file, countStatement }) {
    const knex = knexModule.knex(knexConfig(dialect, url, file));
    knex.on("query", () => countStatement());
    BaseModel.knex(knex);
    BaseModel.datesAsText = dialect === "sqlite";

    return {
      scenarios: {
        S1: async () => await User.query().withGraphFetched("posts(orderById).comments(orderById)").orderBy("id"),
        S2: async () => await Post.query().withGraphFetched("tags(orderById)").orderBy("id"),
        S3: async () =>
          await User.query()
            .select("users.*", User.relatedQuery("posts").count().as("postsCount"))
            .whereExists(User.relatedQuery("posts").where("published", true).where("title", "like", "%7%"))
            .orderBy("id"),
        async S5({ lookupIds }) {
          const found = [];
          for (const id of lookupIds) found.push(await User.query().findById(id).withGraphFetched("profile"));
          return found;
        },
        // PostgreSQL: batch insert (an array to insert()) of the posts, then of the pivot rows
        // through the join table's model: 2 statements. Elsewhere Objection inserts one row per
        // statement (batch insert is PostgreSQL/SQL Server only), so insertGraph with relate.
        S6: ({ newPosts: { userId, posts } }) =>
          Post.transaction(async (trx) => {
            if (dialect !== "postgres")
              return await Post.query(trx).insertGraph(
                posts.map(({ tagIds, ...post }) => ({
                  ...post,
                  userId,
                  tags: tagIds.map((id) => ({ id, createdAt: post.createdAt })),
                })),
                { relate: true },
              );
            const created = await Post.query(trx).insert(posts.map(({ tagIds: _, ...post }) => ({ ...post, userId })));
            await PostTag.query(trx).insert(
              created.flatMap((post, i) =>
                posts[i]!.tagIds.map((tagId) => ({ postId: post.id, tagId, createdAt: post.createdAt })),
              ),
            );
            return created;
          }),
      },
      canonical: {
        S2: (posts: Post[]) =>
          posts.map((post) => ({
            ...post,
            tags: post.tags!.map(({ createdAt, ...tag }) => ({
              ...tag,
              pivot: { postId: post.id, tagId: tag.id, createdAt },
            })),
          })),
      },
      notes: {
        S4: "withGraphFetched applies limit to the whole relation query, not per parent (documented limitation); no per-parent limit API",
      },
      close: () => knex.destroy(),
    };
  },
};

export default objection;
