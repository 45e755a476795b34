/** Postgres NOTIFY channels between web processes and workers (payload: a video id). */
export const channels = {
  /** A video's processing was cancelled or the video deleted: workers kill its running jobs. */
  cancel: "reel_video_cancel",
  /** A video's row changed (status, progress): web processes push it to SSE subscribers. */
  video: "reel_video_changed",
} as const;
