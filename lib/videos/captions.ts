import { and, eq } from "drizzle-orm";
import { db, type Tx } from "@/lib/db/client";
import { captions, type Caption, type NewCaption } from "@/lib/db/schema";
import { layout, storage } from "@/lib/storage";

export async function captionsOf(videoId: string): Promise<Caption[]> {
  return db.select().from(captions).where(eq(captions.videoId, videoId)).orderBy(captions.createdAt);
}

/** Replaces the captions extracted from the source (uploaded ones stay); returns the replaced rows. */
export async function replaceEmbeddedCaptions(tx: Tx, videoId: string, rows: Omit<NewCaption, "videoId" | "origin">[]): Promise<Caption[]> {
  const old = await tx
    .delete(captions)
    .where(and(eq(captions.videoId, videoId), eq(captions.origin, "embedded")))
    .returning();
  if (rows.length) await tx.insert(captions).values(rows.map((r) => ({ ...r, videoId, origin: "embedded" as const })));
  return old;
}

/**
 * Removes one caption track of a video (uploaded or extracted) and its file; false when the video has no such
 * track. The row goes first, so players stop listing it before the file disappears.
 */
export async function removeCaption(videoId: string, captionId: string): Promise<boolean> {
  const [removed] = await db
    .delete(captions)
    .where(and(eq(captions.id, captionId), eq(captions.videoId, videoId)))
    .returning();
  if (!removed) return false;
  await storage.removeFile(videoId, `${layout.captions}/${removed.file}`);
  return true;
}
