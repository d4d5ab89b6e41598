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
  declare author?: User;

  static override get relationMappings() {
    return {
      author: {
        relation: Model.BelongsToOneRelation,
        modelClass: User,
        join: { from: "posts.userId", to: "users.id" },
      },
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

class Country extends BaseModel {
  static override tableName = "countries";
  declare id: number;
  declare name: string;
  declare posts?: Post[];

  static override get relationMappings() {
    return {
      // Has-many-through: a ManyToManyRelation whose "join table" is users (country_id -> id).
      posts: {
        relation: Model.ManyToManyRelation,
        modelClass: Post,
        join: { from: "countries.id", through: { from: "users.countryId", to: "users.id" }, to: "posts.userId" },
      },
    };
  }
}

class Video extends BaseModel {
  static override tableName = "videos";
  declare id: number;
  declare userId: number;
  declare title: string;
  declare author?: User;

  static override get relationMappings() {
    return {
      author: {
        relation: Model.BelongsToOneRelation,
        modelClass: User,
        join: { from: "videos.userId", to: "users.id" },
      },
    };
  }
}

/**
 * Objection has no morphTo. Its polymorphic-associations recipe maps the parent side (a HasManyRelation
 * on commentableId with a `filter` on commentableType); this child side is one BelongsToOneRelation
 * per commentable type on the shared id column, each fetched for the comments of its type only.
 */
class MorphComment extends BaseModel {
  static override tableName = "morph_comments";
  declare id: number;
  declare commentableType: "post" | "video";
  declare commentableId: number;
  declare body: string;
  declare post?: Post;
  declare video?: Video;

  static override get relationMappings() {
    return {
      post: {
        relation: Model.BelongsToOneRelation,
        modelClass: Post,
        join: { from: "morph_comments.commentableId", to: "posts.id" },
      },
      video: {
        relation: Model.BelongsToOneRelation,
        modelClass: Video,
        join: { from: "morph_comments.commentableId", to: "videos.id" },
      },
    };
  }
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
        async S7() {
          const comments = await MorphComment.query().orderBy("id");
          // The morphTo: each type's comments fetch their own relation (fetchGraph fills the given models).
          for (const type of ["post", "video"] as const)
            await MorphComment.fetchGraph(
              comments.filter((c) => c.commentableType === type),
              `${type}.author`,
            );
          const countries = await Country.query().withGraphFetched("posts(orderById)").orderBy("id");
          return { comments, countries };
        },
        // upsertGraph with relate/unrelate syncs each post's tags: unrelate (delete the pivot row)
        // the missing ones, relate (insert with the extra column) the new ones, patch the changed extras.
        S8: ({ syncs }) =>
          Post.transaction(
            async (trx) =>
              await Post.query(trx).upsertGraph(
                syncs.map(({ postId, tags }) => ({
                  id: postId,
                  tags: tags.map(({ tagId, createdAt }) => ({ id: tagId, createdAt })),
                })),
                { relate: true, unrelate: true },
              ),
          ),
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
        S7: ({ comments, countries }: { comments: MorphComment[]; countries: Country[] }) => ({
          comments: comments.map(({ post, video, ...comment }) => ({
            ...comment,
            commentable: comment.commentableType === "post" ? post : video,
          })),
          countries,
        }),
      },
      notes: {
        S4: "withGraphFetched applies limit to the whole relation query, not per parent (documented limitation); no per-parent limit API",
      },
      close: () => knex.destroy(),
    };
  },
};

export default objection;
