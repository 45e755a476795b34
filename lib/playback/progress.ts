import { z } from "zod";
import { GOP_SECONDS } from "@/lib/transcode/ladder";

/** Watched this share of a video or more: it counts as finished and the next play starts over. */
export const FINISHED_RATIO = 0.95;
/** Resuming lands this many seconds before the saved position, so the viewer finds the thread again. */
export const RESUME_REWIND_SECONDS = 3;
/** Positions this close to the start are not worth resuming. */
export const MIN_RESUME_SECONDS = 5;
/** Ten days: far above any real video, low enough to refuse nonsense. */
const MAX_SECONDS = 864_000;

const seconds = z.number().finite().min(0).max(MAX_SECONDS);

/** `PUT /api/videos/:id/progress` body. */
export const progressBody = z.object({
  position: seconds,
  duration: seconds.positive().nullish(),
  /**
   * When the position was taken (ms since the epoch), for a report sent late: one made offline and sent when the
   * app is back online. The server keeps it only if nothing later was saved meanwhile. Absent: now.
   */
  at: z.number().int().positive().optional(),
});
export type ProgressBody = z.infer<typeof progressBody>;

export type SavedProgress = { position: number; duration: number | null; finished: boolean };

export function isFinished(position: number, duration: number | null | undefined): boolean {
  return !!duration && duration > 0 && position >= duration * FINISHED_RATIO;
}

/**
 * What to store for a report: the position is clamped to the duration, and the video's own duration (from the
 * probe) wins over what the client claims, so a client cannot mark a video finished by shrinking it.
 */
export function progressToStore(body: ProgressBody, videoDuration: number | null | undefined): SavedProgress {
  const duration = videoDuration && videoDuration > 0 ? videoDuration : (body.duration ?? null);
  const position = duration ? Math.min(body.position, duration) : body.position;
  return { position, duration, finished: isFinished(position, duration) };
}

/** Where playback starts when the viewer comes back. */
export function resumePosition(saved: SavedProgress | null | undefined, videoDuration?: number | null): number {
  if (!saved || saved.finished) return 0;
  const duration = videoDuration && videoDuration > 0 ? videoDuration : saved.duration;
  if (isFinished(saved.position, duration)) return 0;
  if (saved.position < MIN_RESUME_SECONDS) return 0;
  return Math.max(0, saved.position - RESUME_REWIND_SECONDS);
}

/**
 * The keyframe at or before `seconds`. Reel's renditions have one every GOP_SECONDS; a player that starts on one
 * shows its first frame at once, instead of decoding up to a dozen frames or more to reach a point between two.
 */
export function keyframeAtOrBefore(seconds: number): number {
  return Math.floor(seconds / GOP_SECONDS) * GOP_SECONDS;
}
