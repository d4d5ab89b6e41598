/**
 * Sequelize 6: `sequelize.define` models over the existing tables, `findAll` with nested
 * `include`. hasMany includes use `separate: true` (one query per level, the documented way to
 * get a per-parent `limit`); belongsToMany (S2) is a JOIN through the PostTag model. MariaDB runs
 * on the `mariadb` dialect (the `mariadb` connector), which Sequelize documents for MariaDB servers.
 */
import { DataTypes, type Model, Op, Sequelize } from "sequelize";
import type { Contender } from "../contract.js";

function defineModels(sequelize: Sequelize) {
  const common = { timestamps: false, underscored: true };
  const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true };
  const User = sequelize.define(
    "User",
    { id, name: DataTypes.STRING, email: DataTypes.STRING },
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

  User.hasMany(Post, { as: "posts", foreignKey: "userId" });
  User.hasOne(Profile, { as: "profile", foreignKey: "userId" });
  Post.belongsTo(User, { as: "author", foreignKey: "userId" });
  Post.hasMany(Comment, { as: "comments", foreignKey: "postId" });
  Post.belongsToMany(Tag, { as: "tags", through: PostTag, foreignKey: "postId", otherKey: "tagId" });
  Tag.belongsToMany(Post, { as: "posts", through: PostTag, foreignKey: "tagId", otherKey: "postId" });
  return { User, Profile, Post, Comment, Tag, PostTag };
}

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
    const { User, Post, Tag, PostTag } = defineModels(sequelize);
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
      },
      close: () => sequelize.close(),
    };
  },
};

export default sequelizeContender;
