import type { PostTagSync } from "../contract.js";

/** A pivot row of post_tag, as the query builders' S8 code reads and writes it. */
export interface Pivot {
  postId: number;
  tagId: number;
  createdAt: Date;
}

/**
 * S8 for the contenders that write a sync themselves (Kysely, Drizzle, Prisma): from the wanted
 * tags and the current pivot rows, per post the tag ids to detach, the rows to attach, and the
 * rows whose pivot value changed.
 */
export function syncPlan(syncs: PostTagSync[], current: Pivot[]) {
  const wanted = new Map<string, Pivot>();
  for (const { postId, tags } of syncs)
    for (const { tagId, createdAt } of tags) wanted.set(`${postId}/${tagId}`, { postId, tagId, createdAt });
  const detach = new Map<number, number[]>();
  const update: Pivot[] = [];
  for (const row of current) {
    const key = `${row.postId}/${row.tagId}`;
    const want = wanted.get(key);
    if (!want) detach.set(row.postId, [...(detach.get(row.postId) ?? []), row.tagId]);
    else if (row.createdAt.getTime() !== want.createdAt.getTime()) update.push(want);
    wanted.delete(key);
  }
  return { detach, attach: [...wanted.values()], update };
}
