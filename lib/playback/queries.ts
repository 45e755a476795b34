import "server-only";
import { and, asc, eq, sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { captions, qoeReports, watchProgress } from "@/lib/db/schema";
import type { SavedProgress } from "./progress";
import { QOE_MAX_REPORTS_PER_SESSION, QOE_MIN_INTERVAL_MS, type QoeBody } from "./qoe";

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

export type QoeMergeResult = "stored" | "rate_limited" | "foreign_session";

/**
 * Inserts the session's row or merges into it in one statement. The update only happens while the session
 * stays under its report budget and interval, and only for the same user and video, so a session id cannot
 * be hijacked to overwrite someone else's figures.
 */
export async function mergeQoeReport(report: QoeBody, userId: string | null, userAgent: string | null): Promise<QoeMergeResult> {
  const excluded = (column: string) => sql.raw(`excluded.${column}`);
  const rows = await db
    .insert(qoeReports)
    .values({
      sessionId: report.sessionId,
      videoId: report.videoId,
      userId,
      mode: report.mode,
      startupMs: report.startupMs ?? null,
      stallCount: report.stallCount,
      stallMs: report.stallMs,
      qualitySwitches: report.qualitySwitches,
      droppedFrames: report.droppedFrames,
      watchedSeconds: report.watchedSeconds,
      lastHeight: report.lastHeight ?? null,
      fatalError: report.fatalError ?? null,
      userAgent,
    })
    .onConflictDoUpdate({
      target: qoeReports.sessionId,
      set: {
        mode: excluded("mode"),
        startupMs: sql`coalesce(${qoeReports.startupMs}, ${excluded("startup_ms")})`,
        stallCount: sql`greatest(${qoeReports.stallCount}, ${excluded("stall_count")})`,
        stallMs: sql`greatest(${qoeReports.stallMs}, ${excluded("stall_ms")})`,
        qualitySwitches: sql`greatest(${qoeReports.qualitySwitches}, ${excluded("quality_switches")})`,
        droppedFrames: sql`greatest(${qoeReports.droppedFrames}, ${excluded("dropped_frames")})`,
        watchedSeconds: sql`greatest(${qoeReports.watchedSeconds}, ${excluded("watched_seconds")})`,
        lastHeight: sql`coalesce(${excluded("last_height")}, ${qoeReports.lastHeight})`,
        fatalError: sql`coalesce(${qoeReports.fatalError}, ${excluded("fatal_error")})`,
        reportCount: sql`${qoeReports.reportCount} + 1`,
        updatedAt: sql`now()`,
      },
      setWhere: sql`${qoeReports.userId} is not distinct from ${excluded("user_id")}
        and ${qoeReports.videoId} is not distinct from ${excluded("video_id")}
        and ${qoeReports.reportCount} < ${QOE_MAX_REPORTS_PER_SESSION}
        and ${qoeReports.updatedAt} <= now() - make_interval(secs => ${QOE_MIN_INTERVAL_MS / 1000})`,
    })
    .returning({ id: qoeReports.id });
  if (rows.length > 0) return "stored";
  const [existing] = await db
    .select({ userId: qoeReports.userId, videoId: qoeReports.videoId })
    .from(qoeReports)
    .where(eq(qoeReports.sessionId, report.sessionId))
    .limit(1);
  return existing && (existing.userId !== userId || existing.videoId !== report.videoId) ? "foreign_session" : "rate_limited";
}

export async function findQoeReport(sessionId: string) {
  const [row] = await db.select().from(qoeReports).where(eq(qoeReports.sessionId, sessionId)).limit(1);
  return row ?? null;
}
