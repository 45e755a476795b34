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

export async function saveWatchProgress(userId: string, videoId: string, progress: SavedProgress) {
  const [row] = await db
    .insert(watchProgress)
    .values({ userId, videoId, ...progress })
    .onConflictDoUpdate({
      target: [watchProgress.userId, watchProgress.videoId],
      set: { position: progress.position, duration: progress.duration, finished: progress.finished, updatedAt: sql`now()` },
    })
    .returning({ position: watchProgress.position, duration: watchProgress.duration, finished: watchProgress.finished, updatedAt: watchProgress.updatedAt });
  return row;
}

export async function findQoeReport(sessionId: string) {
  const [row] = await db.select().from(qoeReports).where(eq(qoeReports.sessionId, sessionId)).limit(1);
  return row ?? null;
}
