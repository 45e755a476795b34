import "server-only";
import { sql } from "drizzle-orm";
import type { Viewer } from "@/lib/auth/viewer";
import { listedTo, viewableBy } from "../access";
import { CONTINUE_WATCHING_DAYS } from "../rules";
import { personalColumns, personalJoins, read, textArray, toVideo, VIDEO_COLUMNS, type LibraryVideo, type VideoRow } from "./video-rows";

/* Home rows and tags. */

export type TagCount = { tag: string; count: number };

let tagCache: { at: number; tags: TagCount[] } | null = null;
const TAG_CACHE_MS = 30_000;

/**
 * Tags of public, playable videos by number of videos. The same for everybody (personal videos do not
 * count), so one process-wide copy is kept for 30 s instead of unnesting every row per page view.
 */
export async function popularTags(limit = 50): Promise<TagCount[]> {
  if (!tagCache || Date.now() - tagCache.at > TAG_CACHE_MS) {
    const rows = await read<TagCount>(sql`
      select tag, count(*)::int as count
      from videos, unnest(videos.tags) as tag
      where videos.visibility = 'public' and videos.status in ('ready', 'playable')
      group by tag order by count(*) desc, tag
      limit 200`);
    // An empty answer (a new instance) is not kept: the first videos show their tags at once.
    if (!rows.length) return [];
    tagCache = { at: Date.now(), tags: [...rows] };
  }
  return tagCache.tags.slice(0, limit);
}

/** Forget the cached tag counts (after edits, and between tests). */
export function invalidateTagCache() {
  tagCache = null;
}

export type TagRow = { tag: string; videos: LibraryVideo[] };

/** The newest videos of each tag, for the home page: one query for all rows. */
export async function tagRows(viewer: Viewer | null, tags: string[], perRow = 12): Promise<TagRow[]> {
  if (!tags.length) return [];
  const rows = await read<VideoRow & { tag: string }>(sql`
    select t.tag, x.*
    from unnest(${textArray(tags)}) with ordinality as t(tag, ord)
    cross join lateral (
      select ${VIDEO_COLUMNS}, ${personalColumns}
      from videos ${personalJoins(viewer)}
      where ${listedTo(viewer)} and videos.tags @> array[t.tag]
      order by videos.created_at desc, videos.id desc
      limit ${perRow}
    ) x
    order by t.ord`);
  const byTag = new Map<string, LibraryVideo[]>(tags.map((t) => [t, []]));
  for (const row of rows) byTag.get(row.tag)?.push(toVideo(row, viewer));
  return tags.map((tag) => ({ tag, videos: byTag.get(tag) ?? [] })).filter((r) => r.videos.length > 0);
}

/** Videos the viewer started and did not finish in the last 90 days, most recent first. */
export async function continueWatching(viewer: Viewer, limit = 12): Promise<LibraryVideo[]> {
  const rows = await read<VideoRow>(sql`
    select ${VIDEO_COLUMNS}, ${personalColumns}
    from videos ${personalJoins(viewer, "inner")}
    where ${viewableBy(viewer)}
      and not wp.finished and wp.position > 0
      and wp.updated_at > now() - make_interval(days => ${CONTINUE_WATCHING_DAYS})
    order by wp.updated_at desc, wp.video_id desc
    limit ${limit}`);
  return rows.map((row) => toVideo(row, viewer));
}
