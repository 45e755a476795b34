import { and, eq, inArray } from "drizzle-orm";
import { db, type Tx } from "@/lib/db/client";
import { videos, type NewVideo, type Video, type ProcessingProgress } from "@/lib/db/schema";
import { enqueue, type JobName } from "@/lib/queue";
import { lockVideo, notifyVideoChanged, updateVideo } from "./queries";
import { outputsOf, type VideoOutputs } from "./outputs";
import { advances, isActive, isReady, NEXT_STEPS, STATUS_ON_COMPLETE, STATUS_ON_START } from "./rules";

/**
 * The transitions jobs make on a video row. Each one locks the row, checks the video is still
 * being processed (not cancelled, failed, deleted or missing), and returns null when it is not:
 * the job then stops and publishes nothing more.
 */

/**
 * A step begins: status moves forward if the step says so (probe → probing, hls-ladder → processing).
 * Null when there is nothing to do: the video is no longer processed, or this step already completed
 * in the current run. The queue delivers a job at least once: when its completion is lost (Postgres
 * restarted, the worker killed after completeStep), the job comes again, and running it again would
 * publish twice and queue the next steps twice.
 */
export async function beginStep(videoId: string, step: JobName): Promise<Video | null> {
  return db.transaction(async (tx) => {
    const video = await lockVideo(tx, videoId);
    if (!video || !isActive(video.status)) return null;
    if (outputsOf(video.outputs).completed?.includes(step)) return null;
    const status = STATUS_ON_START[step];
    const changes: Partial<NewVideo> = { progress: { step, percent: 0 } };
    if (status && advances(video.status, status)) changes.status = status;
    return updateVideo(tx, videoId, changes);
  });
}

/**
 * A step finished and its outputs are published: record them, advance the status, enqueue the
 * next steps, and mark the video ready when nothing is left, all in one transaction.
 */
export async function completeStep(
  videoId: string,
  step: JobName,
  changes: { columns?: Partial<NewVideo>; outputs?: Partial<VideoOutputs>; warning?: string; also?: (tx: Tx) => Promise<void> } = {},
): Promise<Video | null> {
  return db.transaction(async (tx) => {
    const video = await lockVideo(tx, videoId);
    if (!video || !isActive(video.status)) return null;
    await changes.also?.(tx);
    const previous = outputsOf(video.outputs);
    const completed = [...new Set([...(previous.completed ?? []), step])];
    const outputs: VideoOutputs = {
      ...previous,
      ...changes.outputs,
      details: { ...previous.details, ...changes.outputs?.details },
      completed,
      ...(changes.warning ? { warnings: { ...previous.warnings, [step]: changes.warning } } : {}),
    };
    const update: Partial<NewVideo> = { ...changes.columns, outputs };
    const target = STATUS_ON_COMPLETE[step];
    if (target && advances(video.status, target)) update.status = target;
    if (isReady(completed)) {
      update.status = "ready";
      update.readyAt = new Date();
      update.progress = null;
    } else if (video.progress?.step === step) {
      update.progress = null;
    }
    const row = await updateVideo(tx, videoId, update);
    for (const next of NEXT_STEPS[step]) await enqueue(next, { videoId }, { tx });
    return row;
  });
}

/** The video cannot be processed: status failed, with the reason people will see. */
export async function failVideo(videoId: string, reason: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const video = await lockVideo(tx, videoId);
    if (!video || !isActive(video.status)) return false;
    await updateVideo(tx, videoId, { status: "failed", failureReason: reason.slice(0, 1000), progress: null });
    return true;
  });
}

/**
 * Saves live progress (the caller throttles to ~1/s). Returns false when the video is no longer
 * being processed: a polled cancellation flag for the job, besides the NOTIFY.
 */
export async function saveProcessingProgress(videoId: string, progress: ProcessingProgress): Promise<boolean> {
  const rows = await db
    .update(videos)
    .set({ progress })
    .where(and(eq(videos.id, videoId), inArray(videos.status, ["uploaded", "probing", "playable", "processing"])))
    .returning({ id: videos.id });
  if (rows.length) await notifyVideoChanged(db, videoId);
  return rows.length > 0;
}
