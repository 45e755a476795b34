import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Viewer } from "@/lib/auth/viewer";
import { db } from "@/lib/db/client";
import { videos, type NewVideo, type Video } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { enqueue } from "@/lib/queue";
import { cancelVideoJobs, deleteVideoJobs } from "@/lib/queue/admin";
import { storage } from "@/lib/storage";
import { canManage, requireViewable } from "./access";
import { excludeFolderSource, lockVideo, notifyCancel, notifyVideoChanged, updateVideo } from "./queries";
import { CANCELLED_REASON, isActive } from "./rules";

/** The video if the viewer may manage it (owner or admin). */
export async function requireManageable(viewer: Viewer | null, id: string): Promise<Video> {
  const video = await requireViewable(viewer, id);
  if (!canManage(viewer, video)) throw new AppError("forbidden", "Only the owner or an administrator can do this");
  return video;
}

/**
 * Stops processing: queued jobs are cancelled, running ones are killed by their worker (NOTIFY,
 * with the progress write as a polled fallback) which removes its work folder; the video is
 * failed with the reason "cancelled". Outputs published earlier (e.g. the MP4) stay.
 */
export async function cancelProcessing(id: string): Promise<Video> {
  return db.transaction(async (tx) => {
    const video = await lockVideo(tx, id);
    if (!video) throw new AppError("not_found", "No such video");
    if (!isActive(video.status)) throw new AppError("conflict", `The video is not being processed (status ${video.status})`);
    const row = await updateVideo(tx, id, { status: "failed", failureReason: CANCELLED_REASON, progress: null });
    await cancelVideoJobs(id, tx);
    await notifyCancel(tx, id);
    return row!;
  });
}

/**
 * Processes the source again from the probe: after a failure or cancellation (retry), or because
 * a media-folder file changed (`changes` carries its new size and mtime). Running jobs are
 * cancelled first; outputs are replaced as the new run publishes them.
 */
export async function restartProcessing(id: string, changes: Pick<Partial<NewVideo>, "size" | "sourceMtime" | "sourcePath"> = {}, { onlyIfFailed = false } = {}): Promise<Video> {
  return db.transaction(async (tx) => {
    const video = await lockVideo(tx, id);
    if (!video) throw new AppError("not_found", "No such video");
    if (onlyIfFailed && video.status !== "failed") throw new AppError("conflict", `Only a failed video can be retried (status ${video.status})`);
    if (isActive(video.status)) {
      await cancelVideoJobs(id, tx);
      await notifyCancel(tx, id);
    }
    const row = await updateVideo(tx, id, { ...changes, status: "uploaded", failureReason: null, progress: null, outputs: {}, readyAt: null });
    await enqueue("probe", { videoId: id }, { tx });
    return row!;
  });
}

export function retryProcessing(id: string): Promise<Video> {
  return restartProcessing(id, {}, { onlyIfFailed: true });
}

/** A media-folder original disappeared: running work stops; the video keeps its outputs and is marked missing. */
export async function markSourceMissing(id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const video = await lockVideo(tx, id);
    if (!video) return;
    if (isActive(video.status)) {
      await cancelVideoJobs(id, tx);
      await notifyCancel(tx, id);
    }
    await updateVideo(tx, id, { status: "missing", progress: null });
  });
}

/**
 * Deletes the video: its row (captions, favourites... cascade), its jobs, and its files. The original of a
 * media-folder video stays where it is (Reel never writes there) but is not imported again.
 */
export async function deleteVideo(id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const video = await lockVideo(tx, id);
    if (!video) throw new AppError("not_found", "No such video");
    await cancelVideoJobs(id, tx);
    await notifyCancel(tx, id);
    await deleteVideoJobs(id, tx);
    await excludeFolderSource(tx, video);
    await tx.delete(videos).where(eq(videos.id, id));
    await notifyVideoChanged(tx, id);
  });
  // After the commit: a worker killed by the cancel may still be removing its work folder.
  await storage.removeVideo(id);
}

export const videoDetailsInput = z
  .object({
    title: z.string().trim().min(1).max(300),
    description: z.string().max(10_000),
    tags: z.array(z.string().trim().toLowerCase().min(1).max(50)).max(30).transform((t) => [...new Set(t)]),
    visibility: z.enum(["private", "unlisted", "public"]),
    /** Admins only (checkDetailsChange). */
    downloadable: z.boolean(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, "nothing to change");
export type VideoDetails = z.infer<typeof videoDetailsInput>;

/** Only an administrator decides whether everyone who may watch a video may download it. */
export function checkDetailsChange(viewer: Viewer, details: VideoDetails): void {
  if (details.downloadable !== undefined && viewer.role !== "admin") {
    throw new AppError("forbidden", "Only an administrator can allow downloads");
  }
}

export async function updateDetails(id: string, details: VideoDetails): Promise<Video> {
  return db.transaction(async (tx) => {
    const row = await updateVideo(tx, id, details);
    if (!row) throw new AppError("not_found", "No such video");
    return row;
  });
}
