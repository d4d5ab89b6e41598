/**
 * S9's baseline: the raw driver's pool (pg.Pool / mysql2 pool) and the fewest round trips
 * hand-written SQL allows, as the limit the others are measured against. find is one statement
 * (users LEFT JOIN profiles LEFT JOIN posts: 10 rows for one user, stitched by hand), list is one
 * statement, create is one atomic round trip: a data-modifying CTE on PostgreSQL, a
 * multi-statement transaction (start transaction; insert; insert ... last_insert_id(); commit)
 * on MariaDB. Prepared statements: pg named queries, mysql2 `execute`.
 */
import mysql from "mysql2/promise";
import pg from "pg";
import type { S9Contender, S9Dialect, S9NewPost, S9Session } from "../contract.js";

type Row = Record<string, any>;

const FIND = `select u.id, u.name, u.email, pr.id as "profileId", pr.bio, p.id as "postId", p.title, p.body,
  p.published, p.created_at as "createdAt"
  from users u left join profiles pr on pr.user_id = u.id left join posts p on p.user_id = u.id
  where u.id = ? order by p.id`;
/**
 * The page, with the shape each server runs fastest (measured): PostgreSQL picks the page in a
 * derived table first, so the count runs for its 20 rows only (not for the skipped ones too);
 * MariaDB would materialise an EXISTS over all posts as a semi-join, so there a correlated
 * `(select 1 ... limit 1) is not null` walks users in id order and stops at the page.
 */
const COUNT = '(select count(*) from posts c where c.user_id = u.id) as "postsCount"';
const LIST = {
  postgres: `select u.id, u.name, u.email, ${COUNT} from (select id, name, email from users u
    where exists (select 1 from posts p where p.user_id = u.id and p.published = true) order by u.id limit 20 offset ?) u
    order by u.id`,
  mysql: `select u.id, u.name, u.email, ${COUNT} from users u
    where (select 1 from posts p where p.user_id = u.id and p.published = true limit 1) is not null
    order by u.id limit 20 offset ?`,
};

/** The joined rows of one user as the canonical user with posts and profile. */
function stitch(rows: Row[]): Row | null {
  const first = rows[0];
  if (!first) return null;
  return {
    id: first.id,
    name: first.name,
    email: first.email,
    profile: first.profileId == null ? null : { id: first.profileId, userId: first.id, bio: first.bio },
    posts: rows
      .filter((r) => r.postId != null)
      .map((r) => ({
        id: r.postId,
        userId: first.id,
        title: r.title,
        body: r.body,
        // MariaDB returns booleans as 0/1.
        published: r.published === true || r.published === 1,
        createdAt: r.createdAt,
      })),
  };
}

const counted = (rows: Row[]) => rows.map((u) => ({ ...u, postsCount: Number(u.postsCount) }));

async function postgres(url: string, max: number): Promise<S9Session> {
  const pool = new pg.Pool({ connectionString: url, max });
  const numbered = (sql: string) => {
    let i = 0;
    return sql.replace(/\?/g, () => `$${++i}`);
  };
  const find = numbered(FIND);
  const list = numbered(LIST.postgres);
  // One statement, so atomic without BEGIN/COMMIT round trips.
  const create = `with p as (insert into posts (user_id, title, body, published, created_at) values ($1, $2, $3, $4, $5) returning id)
    insert into post_tag (post_id, tag_id, created_at) select p.id, t.id, $5 from p cross join unnest($6::int[]) as t(id)`;
  return {
    find: async (id) => stitch((await pool.query({ name: "s9-find", text: find, values: [id] })).rows),
    list: async (offset) => counted((await pool.query({ name: "s9-list", text: list, values: [offset] })).rows),
    create: (p: S9NewPost) =>
      pool.query({
        name: "s9-create",
        text: create,
        values: [p.userId, p.title, p.body, p.published, p.createdAt, p.tagIds],
      }),
    close: () => pool.end(),
  };
}

async function mariadb(url: string, max: number): Promise<S9Session> {
  const pool = mysql.createPool({ uri: url, timezone: "Z", connectionLimit: max, multipleStatements: true });
  const q = (sql: string) => sql.replace(/"/g, "`");
  const find = q(FIND);
  const list = q(LIST.mysql);
  // The whole transaction in one round trip; ROLLBACK if a statement in it fails.
  const create = `start transaction;
    insert into posts (user_id, title, body, published, created_at) values (?, ?, ?, ?, ?);
    insert into post_tag (post_id, tag_id, created_at) values (last_insert_id(), ?, ?), (last_insert_id(), ?, ?);
    commit`;
  return {
    find: async (id) => stitch((await pool.execute<mysql.RowDataPacket[]>(find, [id]))[0]),
    list: async (offset) => counted((await pool.execute<mysql.RowDataPacket[]>(list, [offset]))[0]),
    async create(p: S9NewPost) {
      const conn = await pool.getConnection();
      try {
        const [a, b] = p.tagIds;
        return await conn.query(create, [
          p.userId,
          p.title,
          p.body,
          p.published,
          p.createdAt,
          a,
          p.createdAt,
          b,
          p.createdAt,
        ]);
      } catch (error) {
        await conn.query("rollback");
        throw error;
      } finally {
        conn.release();
      }
    },
    close: () => pool.end(),
  };
}

const raw: S9Contender = {
  name: "raw driver",
  dialects: ["postgres", "mysql"],
  setup: ({ dialect, url, pool }: { dialect: S9Dialect; url: string; pool: number }) =>
    dialect === "postgres" ? postgres(url, pool) : mariadb(url, pool),
};

export default raw;
