import "server-only";
import { sql } from "drizzle-orm";
import type { Viewer } from "@/lib/auth/viewer";
import { db } from "@/lib/db/client";
import { viewableBy } from "../access";
import { cursorKeys, encodeCursor, PAGE_SIZE } from "../rules";
import { personalColumns, read, toVideo, VIDEO_COLUMNS, type LibraryVideo, type Page, type VideoRow } from "./video-rows";

/* Personal lists: favourites and history (keyset by time, video id). */

async function personalPage(
  viewer: Viewer,
  kind: "favorites" | "history",
  cursor: string | undefined,
  limit: number,
): Promise<Page<LibraryVideo>> {
  // Each list reuses a sort name for its cursor so a cursor of one list cannot be replayed on another.
  const cursorSort = kind === "history" ? "watched" : "newest";
  const timeColumn = kind === "history" ? sql`wp.updated_at` : sql`fav.created_at`;
  // The list's own video_id, so the order is the one of its (user, time, video) index.
  const idColumn = kind === "history" ? sql`wp.video_id` : sql`fav.video_id`;
  const keys = cursor ? cursorKeys(cursor, cursorSort, ["timestamptz", "uuid"]) : null;
  const after = keys ? sql`and (${timeColumn}, ${idColumn}) < (${keys[0]}::timestamptz, ${keys[1]}::uuid)` : sql``;
  const uid = viewer.id;
  const joins =
    kind === "history"
      ? sql`left join favorites fav on fav.user_id = ${uid} and fav.video_id = videos.id
          left join ratings my_rating on my_rating.user_id = ${uid} and my_rating.video_id = videos.id
          join watch_progress wp on wp.user_id = ${uid} and wp.video_id = videos.id`
      : sql`join favorites fav on fav.user_id = ${uid} and fav.video_id = videos.id
          left join ratings my_rating on my_rating.user_id = ${uid} and my_rating.video_id = videos.id
          left join watch_progress wp on wp.user_id = ${uid} and wp.video_id = videos.id`;
  const rows = await read<VideoRow>(sql`
    select ${VIDEO_COLUMNS}, ${personalColumns}, ${timeColumn}::text as sk0, ${idColumn}::text as sk1
    from videos ${joins}
    where ${viewableBy(viewer)} ${after}
    order by ${timeColumn} desc, ${idColumn} desc
    limit ${limit + 1}`);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => toVideo(row, viewer)),
    nextCursor: rows.length > limit && last ? encodeCursor({ s: cursorSort, k: [last.sk0!, last.sk1!] }) : null,
  };
}

export function listFavorites(viewer: Viewer, cursor?: string, limit = PAGE_SIZE) {
  return personalPage(viewer, "favorites", cursor, limit);
}

export function listHistory(viewer: Viewer, cursor?: string, limit = PAGE_SIZE) {
  return personalPage(viewer, "history", cursor, limit);
}

export async function removeFromHistory(viewer: Viewer, videoId: string): Promise<boolean> {
  const rows = await db.execute(sql`delete from watch_progress where user_id = ${viewer.id} and video_id = ${videoId} returning 1`);
  return rows.length > 0;
}

export async function clearHistory(viewer: Viewer): Promise<number> {
  const rows = await db.execute(sql`delete from watch_progress where user_id = ${viewer.id} returning 1`);
  return rows.length;
}
