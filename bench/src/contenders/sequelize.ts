/**
 * Sequelize 6: `sequelize.define` models over the existing tables, `findAll` with nested
 * `include`. hasMany includes use `separate: true` (one query per level, the documented way to
 * get a per-parent `limit`); belongsToMany (S2) is a JOIN through the PostTag model. MariaDB runs
 * on the `mariadb` dialect (the `mariadb` connector), which Sequelize documents for MariaDB servers.
 */
import { DataTypes, type Model, Op, Sequelize, type Transaction } from "sequelize";
import type { Contender } from "../contract.js";

function defineModels(sequelize: Sequelize) {
  const common = { timestamps: false, underscored: true };
  const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true };
  const User = sequelize.define(
    "User",
    { id, name: DataTypes.STRING, email: DataTypes.STRING, countryId: DataTypes.INTEGER },
    { ...common, tableName: "users" },
  );
  const Profile = sequelize.define(
    "Profile",
    { id, userId: DataTypes.INTEGER, bio: DataTypes.TEXT },
    { ...common, tableName: "profiles" },
  );
  const Post = sequelize.define(
    "Post",
    {
      id,
      userId: DataTypes.INTEGER,
      title: DataTypes.STRING,
      body: DataTypes.TEXT,
      published: DataTypes.BOOLEAN,
      createdAt: DataTypes.DATE(3),
    },
    { ...common, tableName: "posts" },
  );
  const Comment = sequelize.define(
    "Comment",
    { id, postId: DataTypes.INTEGER, userId: DataTypes.INTEGER, body: DataTypes.TEXT },
    { ...common, tableName: "comments" },
  );
  const Tag = sequelize.define("Tag", { id, name: DataTypes.STRING }, { ...common, tableName: "tags" });
  const PostTag = sequelize.define(
    "PostTag",
    {
      postId: { type: DataTypes.INTEGER, primaryKey: true },
      tagId: { type: DataTypes.INTEGER, primaryKey: true },
      createdAt: DataTypes.DATE(3),
    },
    { ...common, tableName: "post_tag" },
  );
  const Country = sequelize.define("Country", { id, name: DataTypes.STRING }, { ...common, tableName: "countries" });
  const Video = sequelize.define(
    "Video",
    { id, userId: DataTypes.INTEGER, title: DataTypes.STRING },
    { ...common, tableName: "videos" },
  );
  const MorphComment = sequelize.define(
    "MorphComment",
    { id, commentableType: DataTypes.STRING, commentableId: DataTypes.INTEGER, body: DataTypes.TEXT },
    { ...common, tableName: "morph_comments" },
  );

  User.hasMany(Post, { as: "posts", foreignKey: "userId" });
  User.hasOne(Profile, { as: "profile", foreignKey: "userId" });
  Post.belongsTo(User, { as: "author", foreignKey: "userId" });
  Post.hasMany(Comment, { as: "comments", foreignKey: "postId" });
  Post.belongsToMany(Tag, { as: "tags", through: PostTag, foreignKey: "postId", otherKey: "tagId" });
  Tag.belongsToMany(Post, { as: "posts", through: PostTag, foreignKey: "tagId", otherKey: "postId" });
  Country.hasMany(User, { as: "users", foreignKey: "countryId" });
  Video.belongsTo(User, { as: "author", foreignKey: "userId" });

  // Polymorphic associations as the Sequelize manual shows them: a scoped hasMany per commentable
  // model and an unscoped belongsTo back (no FK constraints), then an afterFind hook that keeps, as
  // `commentable`, the one include matching commentableType.
  for (const [model, type] of [
    [Post, "post"],
    [Video, "video"],
  ] as const) {
    model.hasMany(MorphComment, {
      as: "morphComments",
      foreignKey: "commentableId",
      constraints: false,
      scope: { commentableType: type },
    });
    MorphComment.belongsTo(model, { as: type, foreignKey: "commentableId", constraints: false });
  }
  MorphComment.addHook("afterFind", (found: Model | Model[] | null) => {
    for (const comment of Array.isArray(found) ? found : found ? [found] : []) {
      const instance = comment as Model & Record<string, any>;
      instance.commentable = instance[instance.get("commentableType") as string];
      for (const type of ["post", "video"]) {
        delete instance[type];
        delete instance.dataValues[type];
      }
    }
  });
  return { User, Profile, Post, Comment, Tag, PostTag, Country, MorphComment };
}

/** The `setTags` mixin belongsToMany adds to Post instances. */
type TagSetter = { setTags(tags: Model[], options: { transaction: Transaction }): Promise<unknown> };

const plain = (rows: Model[]) => rows.map((row) => row.get({ plain: true }) as Record<string, any>);

const sequelizeContender: Contender = {
  name: "sequelize",
  dialects: ["sqlite", "postgres", "mysql"],
  async setup({ dialect, url, file, countStatement }) {
    const options = { logging: () => countStatement(), benchmark: false };
    const sequelize =
      dialect === "sqlite"
        ? new Sequelize({ ...options, dialect: "sqlite", storage: file! })
        : dialect === "postgres"
          ? new Sequelize(url, { ...options, dialect: "postgres" })
          : new Sequelize(url.replace(/^mysql:/, "mariadb:"), { ...options, dialect: "mariadb" });
    await sequelize.authenticate({ logging: false });
    const { User, Post, Tag, PostTag, Country, MorphComment } = defineModels(sequelize);
    const quote = (name: string) => sequelize.getQueryInterface().quoteIdentifier(name);
    // The documented way to add an association count: a literal subquery in `attributes`.
    const postsCount = sequelize.literal(
      `(select count(*) from ${quote("posts")} where ${quote("posts")}.${quote("user_id")} = ${quote("User")}.${quote("id")})`,
    );

    // `separate` + `limit` becomes one UNION of a limited subquery per parent: on SQLite 1,000
    // parents exceed SQLITE_MAX_COMPOUND_SELECT (500), so the query fails there.
    const perParentLimit = dialect !== "sqlite";

    return {
      ...(perParentLimit
        ? {}
        : {
            notes: {
              S4: "include separate+limit is a UNION of 1,000 subqueries: SQLite rejects it (max 500 compound terms)",
            },
          }),
      scenarios: {
        S1: () =>
          User.findAll({
            order: [["id", "ASC"]],
            include: [
              {
                association: "posts",
                separate: true,
                order: [["id", "ASC"]],
                include: [{ association: "comments", separate: true, order: [["id", "ASC"]] }],
              },
            ],
          }),
        S2: () =>
          Post.findAll({
            include: [{ model: Tag, as: "tags" }],
            order: [
              ["id", "ASC"],
              [{ model: Tag, as: "tags" }, "id", "ASC"],
            ],
          }),
        S3: () =>
          User.findAll({
            attributes: { include: [[postsCount, "postsCount"]] },
            include: [
              {
                association: "posts",
                attributes: [],
                required: true,
                where: { published: true, title: { [Op.like]: "%7%" } },
              },
            ],
            order: [["id", "ASC"]],
          }),
        S4: perParentLimit
          ? () =>
              User.findAll({
                order: [["id", "ASC"]],
                include: [{ association: "posts", separate: true, limit: 3, order: [["createdAt", "DESC"]] }],
              })
          : undefined,
        async S5({ lookupIds }) {
          const found = [];
          for (const id of lookupIds) found.push(await User.findByPk(id, { include: [{ association: "profile" }] }));
          return found;
        },
        S6: ({ newPosts: { userId, posts } }) =>
          sequelize.transaction(async (transaction) => {
            const created = await Post.bulkCreate(
              posts.map(({ tagIds: _, ...post }) => ({ ...post, userId })),
              { transaction, returning: true },
            );
            await PostTag.bulkCreate(
              created.flatMap((post, i) =>
                posts[i]!.tagIds.map((tagId) => ({ postId: post.get("id"), tagId, createdAt: posts[i]!.createdAt })),
              ),
              { transaction },
            );
            return created;
          }),
        // The morphTo through the two scoped-association includes; the hasManyThrough (no such
        // association in Sequelize) as nested includes countries > users > posts, flattened in `canonical`.
        S7: async () => ({
          comments: await MorphComment.findAll({
            include: [
              { association: "post", include: [{ association: "author" }] },
              { association: "video", include: [{ association: "author" }] },
            ],
            order: [["id", "ASC"]],
          }),
          countries: await Country.findAll({
            order: [["id", "ASC"]],
            include: [
              {
                association: "users",
                separate: true,
                order: [["id", "ASC"]],
                include: [{ association: "posts", separate: true, order: [["id", "ASC"]] }],
              },
            ],
          }),
        }),
        // setTags with per-tag through values (set on each instance under the through model's
        // name, as the BelongsToMany docs show): it reads the post's pivot rows, then destroys,
        // updates and creates to match.
        S8: ({ syncs }) =>
          sequelize.transaction(async (transaction) => {
            const posts = await Post.findAll({ where: { id: syncs.map((s) => s.postId) }, transaction });
            const byId = new Map(posts.map((post) => [post.get("id"), post as Model & TagSetter]));
            for (const { postId, tags } of syncs)
              await byId.get(postId)!.setTags(
                tags.map(({ tagId, createdAt }) => Object.assign(Tag.build({ id: tagId }), { PostTag: { createdAt } })),
                { transaction },
              );
          }),
      },
      canonical: {
        S1: plain,
        S2: (rows: Model[]) =>
          plain(rows).map((post) => ({
            ...post,
            tags: post.tags.map(({ PostTag, ...tag }: Record<string, any>) => ({ ...tag, pivot: PostTag })),
          })),
        S3: plain,
        S4: plain,
        S5: plain,
        S7: ({ comments, countries }: { comments: Model[]; countries: Model[] }) => ({
          comments: comments.map((comment) => ({
            ...comment.get({ plain: true }),
            commentable: (comment as Model & { commentable: Model }).commentable.get({ plain: true }),
          })),
          countries: plain(countries).map(({ users, ...country }) => ({
            ...country,
            posts: users
              .flatMap((user: { posts: { id: number }[] }) => user.posts)
              .sort((a: { id: number }, b: { id: number }) => a.id - b.id),
          })),
        }),
      },
      close: () => sequelize.close(),
    };
  },
};

export default sequelizeContender;
