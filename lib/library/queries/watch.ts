import "server-only";
import { sql } from "drizzle-orm";
import type { Viewer } from "@/lib/auth/viewer";
import { canDownload } from "@/lib/videos/access";
import { listedTo, viewableBy } from "../access";
import { mergeUpNext, UP_NEXT_LIMIT } from "../rules";
import { continueWatching } from "./home";
import { personalColumns, personalJoins, read, textArray, toVideo, VIDEO_COLUMNS, type LibraryVideo, type VideoRow } from "./video-rows";

/* What the watch page shows around the player: the video's details and what plays next. */

/** `canDownload`: the watch page offers the Download menu. */
export type WatchDetails = LibraryVideo & { description: string; uploader: string | null; canDownload: boolean };

/** The video as cards show it, with its whole description and its uploader's name; null when not the viewer's to see. */
export async function watchDetails(viewer: Viewer | null, videoId: string): Promise<WatchDetails | null> {
  const [row] = await read<VideoRow & { full_description: string; uploader: string | null; downloadable: boolean }>(sql`
    select ${VIDEO_COLUMNS}, videos.description as full_description, users.name as uploader, videos.downloadable, ${personalColumns}
    from videos ${personalJoins(viewer)}
    left join users on users.id = videos.owner_id
    where videos.id = ${videoId} and ${viewableBy(viewer)}`);
  if (!row) return null;
  const canDownloadIt = canDownload(viewer, { ownerId: row.owner_id, downloadable: row.downloadable });
  return { ...toVideo(row, viewer), description: row.full_description, uploader: row.uploader, canDownload: canDownloadIt };
}

async function sharingTags(viewer: Viewer | null, videoId: string, tags: string[], limit: number): Promise<LibraryVideo[]> {
  if (!tags.length) return [];
  const rows = await read<VideoRow>(sql`
    select ${VIDEO_COLUMNS}, ${personalColumns}
    from videos ${personalJoins(viewer)}
    where ${listedTo(viewer)} and videos.id <> ${videoId} and videos.tags && ${textArray(tags)}
    order by cardinality(array(select unnest(videos.tags) intersect select unnest(${textArray(tags)}))) desc,
      videos.created_at desc, videos.id desc
    limit ${limit}`);
  return rows.map((row) => toVideo(row, viewer));
}

async function recent(viewer: Viewer | null, videoId: string, limit: number): Promise<LibraryVideo[]> {
  const rows = await read<VideoRow>(sql`
    select ${VIDEO_COLUMNS}, ${personalColumns}
    from videos ${personalJoins(viewer)}
    where ${listedTo(viewer)} and videos.id <> ${videoId}
    order by videos.created_at desc, videos.id desc
    limit ${limit}`);
  return rows.map((row) => toVideo(row, viewer));
}

/**
 * Up next for a video: the viewer's Continue Watching first, then videos sharing its tags (most shared first),
 * then the newest; each list filtered by the same visibility rules as everywhere else.
 */
export async function upNext(viewer: Viewer | null, video: { id: string; tags: string[] }, limit = UP_NEXT_LIMIT): Promise<LibraryVideo[]> {
  const [resume, related, newest] = await Promise.all([
    viewer ? continueWatching(viewer, limit + 1) : [],
    sharingTags(viewer, video.id, video.tags, limit),
    recent(viewer, video.id, limit),
  ]);
  return mergeUpNext(video.id, [resume, related, newest], limit);
}
