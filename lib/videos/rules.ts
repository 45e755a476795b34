import type { Video } from "@/lib/db/schema";
import type { JobName } from "@/lib/queue";

/**
 * The processing state machine of a video:
 *
 *   uploaded → probing → playable → processing → ready
 *        ╲         ╲          ╲           ╲
 *         ╰─────────┴──────────┴───────────┴──→ failed (reason; "cancelled" when stopped)
 *
 * probe (gate) → faststart (→ playable) → poster ∥ hls-ladder (→ processing) → storyboard ∥ captions.
 * The video is ready once the ladder, poster, storyboard and captions steps have all finished.
 * poster, storyboard and captions are extras: when they fail for good the video is still ready,
 * with a warning recorded in `outputs.warnings`; probe, faststart and hls-ladder are essential.
 */
export type VideoStatus = Video["status"];

export const ESSENTIAL_STEPS: readonly JobName[] = ["probe", "faststart", "hls-ladder"];
export const STEPS_BEFORE_READY: readonly JobName[] = ["faststart", "poster", "hls-ladder", "storyboard", "captions"];

/** The status a step moves the video to when it starts (none: status unchanged). */
export const STATUS_ON_START: Partial<Record<JobName, VideoStatus>> = { probe: "probing", "hls-ladder": "processing" };
/** The status a step moves the video to when it completes. */
export const STATUS_ON_COMPLETE: Partial<Record<JobName, VideoStatus>> = { faststart: "playable" };
/** The steps each step enqueues when it completes. */
export const NEXT_STEPS: Record<JobName, JobName[]> = {
  probe: ["faststart"],
  faststart: ["poster", "hls-ladder"],
  poster: [],
  "hls-ladder": ["storyboard", "captions"],
  storyboard: [],
  captions: [],
  "pipeline-dead-letter": [],
};

/** States in which pipeline work for the video may go on; anything else means stop (cancelled, failed, missing). */
export function isActive(status: VideoStatus): boolean {
  return status === "uploaded" || status === "probing" || status === "playable" || status === "processing";
}

export function isReady(completed: readonly string[]): boolean {
  return STEPS_BEFORE_READY.every((s) => completed.includes(s));
}

/** Whether the status may move forward to `next` (never backwards from playable to probing, say). */
const ORDER: VideoStatus[] = ["uploaded", "probing", "playable", "processing", "ready"];
export function advances(current: VideoStatus, next: VideoStatus): boolean {
  return ORDER.indexOf(next) > ORDER.indexOf(current);
}

export const CANCELLED_REASON = "cancelled";
