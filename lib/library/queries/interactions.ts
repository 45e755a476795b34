import "server-only";
import { sql } from "drizzle-orm";
import type { Viewer } from "@/lib/auth/viewer";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { viewableBy } from "../access";
import { VIEW_MIN_SECONDS, VIEW_WINDOW_MINUTES } from "../rules";

/* Favourites, ratings, views. */

function notFound(): never {
  throw new AppError("not_found", "No such video");
}

export async function addFavorite(viewer: Viewer, videoId: string): Promise<void> {
  const rows = await db.execute<{ found: boolean }>(sql`
    with v as (select videos.id from videos where videos.id = ${videoId} and ${viewableBy(viewer)}),
    ins as (insert into favorites (user_id, video_id) select ${viewer.id}, v.id from v on conflict do nothing returning 1)
    select exists (select 1 from v) as found`);
  if (!rows[0]?.found) notFound();
}

export async function removeFavorite(viewer: Viewer, videoId: string): Promise<void> {
  await db.execute(sql`delete from favorites where user_id = ${viewer.id} and video_id = ${videoId}`);
}

export type RatingSummary = { value: number; average: number; count: number };

/**
 * Rates a video 1–5 (re-rating replaces the viewer's earlier value). The video row is locked first so
 * concurrent ratings of the same video keep videos.rating_sum/rating_count equal to the ratings table.
 */
export async function rateVideo(viewer: Viewer, videoId: string, value: number): Promise<RatingSummary> {
  if (!Number.isInteger(value) || value < 1 || value > 5) throw new AppError("bad_request", "A rating is a whole number from 1 to 5");
  return db.transaction(async (tx) => {
    const found = await tx.execute(sql`select videos.id from videos where videos.id = ${videoId} and ${viewableBy(viewer)} for update`);
    if (!found.length) notFound();
    const previous = await tx.execute<{ value: number }>(
      sql`select value from ratings where user_id = ${viewer.id} and video_id = ${videoId}`,
    );
    const old = previous[0]?.value ?? null;
    await tx.execute(sql`
      insert into ratings (user_id, video_id, value) values (${viewer.id}, ${videoId}, ${value})
      on conflict (user_id, video_id) do update set value = excluded.value, updated_at = now()`);
    const [totals] = await tx.execute<{ rating_sum: number; rating_count: number }>(sql`
      update videos set rating_sum = rating_sum + ${value - (old ?? 0)}, rating_count = rating_count + ${old === null ? 1 : 0}
      where id = ${videoId} returning rating_sum, rating_count`);
    return { value, average: totals.rating_sum / totals.rating_count, count: totals.rating_count };
  });
}

export type ViewResult = { counted: boolean; viewCount: number; reason?: "too-short" | "recent" | "anonymous" };

/**
 * Counts a view when the player reports at least 5 s of real playback, at most once per user and video
 * per 30 minutes. The video row lock serialises concurrent reports, so a double report counts once.
 */
export async function recordView(viewer: Viewer | null, videoId: string, watchedSeconds: number): Promise<ViewResult> {
  return db.transaction(async (tx) => {
    const [video] = await tx.execute<{ view_count: number }>(
      sql`select videos.view_count from videos where videos.id = ${videoId} and ${viewableBy(viewer)} for update`,
    );
    if (!video) notFound();
    if (watchedSeconds < VIEW_MIN_SECONDS) return { counted: false, viewCount: video.view_count, reason: "too-short" };
    // Anonymous guests cannot be told apart, so their plays are not counted (counts stay honest).
    if (!viewer) return { counted: false, viewCount: video.view_count, reason: "anonymous" };
    const [updated] = await tx.execute<{ view_count: number }>(sql`
      with ins as (
        insert into views (user_id, video_id)
        select ${viewer.id}, ${videoId}
        where not exists (
          select 1 from views
          where user_id = ${viewer.id} and video_id = ${videoId}
            and created_at > now() - make_interval(mins => ${VIEW_WINDOW_MINUTES})
        )
        returning video_id
      )
      update videos set view_count = view_count + 1 where id in (select video_id from ins) returning view_count`);
    return updated
      ? { counted: true, viewCount: updated.view_count }
      : { counted: false, viewCount: video.view_count, reason: "recent" };
  });
}
