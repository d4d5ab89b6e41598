/**
 * Sequelize 6 (`mariadb` dialect on MariaDB, as ../../contenders/sequelize.ts), `pool.max: 10`,
 * models defined here as that contender defines them (it does not export them): find is
 * `findByPk` with two includes (one JOIN statement), list `findAll` with a required filtered
 * include (no attributes), the count as a literal subquery and limit/offset, create a managed
 * `sequelize.transaction` with `Post.create` and the belongsToMany mixin `addTags(ids, { through })`
 * for the pivot value.
 */
import { DataTypes, type Model, Sequelize } from "sequelize";
import type { S9Contender } from "../contract.js";

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
  Post.belongsToMany(Tag, { as: "tags", through: PostTag, foreignKey: "postId", otherKey: "tagId" });
  return { User, Post };
}

/** A Post instance with the belongsToMany mixin Sequelize adds for `as: "tags"`. */
type PostWithTags = Model & {
  addTags(ids: number[], options: { through: { createdAt: Date }; transaction: unknown }): Promise<unknown>;
};

const plain = (row: Model | null) => row?.get({ plain: true }) ?? null;

const sequelizeS9: S9Contender = {
  name: "sequelize",
  dialects: ["postgres", "mysql"],
  async setup({ dialect, url, pool }) {
    const options = { logging: false, pool: { max: pool } } as const;
    const sequelize =
      dialect === "postgres"
        ? new Sequelize(url, { ...options, dialect: "postgres" })
        : new Sequelize(url.replace(/^mysql:/, "mariadb:"), { ...options, dialect: "mariadb" });
    await sequelize.authenticate();
    const { User, Post } = defineModels(sequelize);
    const quote = (name: string) => sequelize.getQueryInterface().quoteIdentifier(name);
    const postsCount = sequelize.literal(
      `(select count(*) from ${quote("posts")} where ${quote("posts")}.${quote("user_id")} = ${quote("User")}.${quote("id")})`,
    );
    return {
      find: (id) =>
        User.findByPk(id, {
          include: [{ association: "posts" }, { association: "profile" }],
          order: [[{ model: Post, as: "posts" }, "id", "ASC"]],
        }),
      list: (offset) =>
        User.findAll({
          attributes: { include: [[postsCount, "postsCount"]] },
          include: [{ association: "posts", attributes: [], required: true, where: { published: true } }],
          order: [["id", "ASC"]],
          limit: 20,
          offset,
        }),
      create: ({ tagIds, ...values }) =>
        sequelize.transaction(async (transaction) => {
          const post = (await Post.create(values, { transaction })) as PostWithTags;
          await post.addTags(tagIds, { through: { createdAt: values.createdAt }, transaction });
          return post;
        }),
      canonical: { find: plain, list: (rows: Model[]) => rows.map(plain) },
      close: () => sequelize.close(),
    };
  },
};

export default sequelizeS9;
