import "server-only";
import { eq, inArray, sql } from "drizzle-orm";
import { db, type Tx } from "@/lib/db/client";
import { captions, mediaFolderExclusions, videos, type NewVideo, type Video } from "@/lib/db/schema";
import { channels } from "@/lib/queue/channels";

export async function findVideo(id: string): Promise<Video | null> {
  const [row] = await db.select().from(videos).where(eq(videos.id, id));
  return row ?? null;
}

/** For each of these videos that still exists: its published outputs and the files of its captions. */
export async function storedOutputsOf(ids: string[]): Promise<Map<string, { outputs: unknown; captionFiles: Set<string> }>> {
  const found = new Map<string, { outputs: unknown; captionFiles: Set<string> }>();
  if (ids.length === 0) return found;
  for (const row of await db.select({ id: videos.id, outputs: videos.outputs }).from(videos).where(inArray(videos.id, ids))) {
    found.set(row.id, { outputs: row.outputs, captionFiles: new Set() });
  }
  for (const c of await db.select({ videoId: captions.videoId, file: captions.file }).from(captions).where(inArray(captions.videoId, ids))) {
    found.get(c.videoId)?.captionFiles.add(c.file);
  }
  return found;
}

/** The row locked for the rest of the transaction, so concurrent steps update it one at a time. */
export async function lockVideo(tx: Tx, id: string): Promise<Video | null> {
  const [row] = await tx.select().from(videos).where(eq(videos.id, id)).for("update");
  return row ?? null;
}

export async function updateVideo(tx: Tx, id: string, changes: Partial<NewVideo>): Promise<Video | null> {
  const [row] = await tx
    .update(videos)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(eq(videos.id, id))
    .returning();
  if (row) await notifyVideoChanged(tx, id);
  return row ?? null;
}

/** Wakes every SSE subscriber of this video (delivered when the transaction commits). */
export async function notifyVideoChanged(runner: Tx | typeof db, id: string) {
  await runner.execute(sql`select pg_notify(${channels.video}, ${id})`);
}

export async function notifyCancel(runner: Tx | typeof db, id: string) {
  await runner.execute(sql`select pg_notify(${channels.cancel}, ${id})`);
}

/**
 * Remembers a deleted folder video's file so that the media-folder watcher does not bring it back (in the
 * deleting transaction). Written here, read by lib/media-folders: the videos domain does not depend on it.
 */
export async function excludeFolderSource(tx: Tx, video: Pick<Video, "sourceKind" | "sourcePath" | "size" | "sourceMtime">): Promise<void> {
  if (video.sourceKind !== "folder" || !video.sourcePath) return;
  const values = { sourcePath: video.sourcePath, size: video.size, sourceMtime: video.sourceMtime };
  await tx
    .insert(mediaFolderExclusions)
    .values(values)
    .onConflictDoUpdate({ target: mediaFolderExclusions.sourcePath, set: { ...values, excludedAt: sql`now()` } });
}
