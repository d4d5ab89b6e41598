import { sql } from "kysely";
import type { Session } from "../../dialect/session.js";
import { selectModel } from "../../plan/front-door.js";
import type { ModelCodec } from "../../plan/model-codec.js";
import type { WhereNode } from "../../plan/where.js";

type Values = Record<string, unknown>;

/** The column telling which where a row of `findEach` answers. */
const INDEX = "relata_where";
/** Wheres per statement: each is a SELECT of the UNION ALL, with a few parameters. */
const PER_STATEMENT = 100;

/**
 * The row each where (a unique where: at most one row) names, in order; undefined where none
 * does. One statement for up to 100 wheres: a SELECT per where, tagged with its index, UNION ALL.
 * Rows are read under the model's rule, decoded as a read gives them (every field, unless `fields`).
 */
export async function findEach(
  session: Session,
  codec: ModelCodec,
  wheres: readonly (readonly WhereNode[])[],
  fields: readonly string[] = codec.meta.fieldNames,
): Promise<(Values | undefined)[]> {
  const found: (Values | undefined)[] = wheres.map(() => undefined);
  for (let start = 0; start < wheres.length; start += PER_STATEMENT) {
    const parts = wheres
      .slice(start, start + PER_STATEMENT)
      .map((where, i) =>
        selectModel(session, codec, where).select([...codec.select(fields), sql.lit(start + i).as(INDEX)]),
      );
    const query = parts.slice(1).reduce((union, part) => union.unionAll(part), parts[0]!);
    for (const row of (await session.execute<Values>(query)).rows) {
      const { [INDEX]: index, ...values } = row;
      found[Number(index)] ??= codec.decode<Values>(values);
    }
  }
  return found;
}
