import "server-only";
import { and, asc, eq, sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { captions, qoeReports, watchProgress } from "@/lib/db/schema";
import type { SavedProgress } from "./progress";

export async function listCaptions(videoId: string) {
  return db
    .select({ id: captions.id, lang: captions.lang, label: captions.label, file: captions.file })
    .from(captions)
    .where(eq(captions.videoId, videoId))
    .orderBy(asc(captions.createdAt));
}

export async function getProgress(userId: string, videoId: string): Promise<(SavedProgress & { updatedAt: Date }) | null> {
  const [row] = await db
    .select({ position: watchProgress.position, duration: watchProgress.duration, finished: watchProgress.finished, updatedAt: watchProgress.updatedAt })
    .from(watchProgress)
    .where(and(eq(watchProgress.userId, userId), eq(watchProgress.videoId, videoId)))
    .limit(1);
  return row ?? null;
}

/**
 * Stores a position taken at `at` (default now; never later than now, whatever a client's clock says). The later
 * position wins: a report taken before the stored one (sent late, from an offline device) changes nothing, and the
 * stored row is returned instead.
 */
export async function saveWatchProgress(userId: string, videoId: string, progress: SavedProgress, at?: Date) {
  const takenAt = at ? sql`least(${at.toISOString()}::timestamptz, now())` : sql`now()`;
  const columns = { position: watchProgress.position, duration: watchProgress.duration, finished: watchProgress.finished, updatedAt: watchProgress.updatedAt };
  const [row] = await db
    .insert(watchProgress)
    .values({ userId, videoId, ...progress, updatedAt: takenAt })
    .onConflictDoUpdate({
      target: [watchProgress.userId, watchProgress.videoId],
      set: { position: progress.position, duration: progress.duration, finished: progress.finished, updatedAt: takenAt },
      setWhere: sql`${watchProgress.updatedAt} <= ${takenAt}`,
    })
    .returning(columns);
  return row ?? (await getProgress(userId, videoId))!;
}

export async function findQoeReport(sessionId: string) {
  const [row] = await db.select().from(qoeReports).where(eq(qoeReports.sessionId, sessionId)).limit(1);
  return row ?? null;
}
