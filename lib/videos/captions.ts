import { and, eq } from "drizzle-orm";
import { db, type Tx } from "@/lib/db/client";
import { captions, type Caption, type NewCaption } from "@/lib/db/schema";

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
