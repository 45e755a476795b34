import type { Video } from "@/lib/db/schema";
import type { FfmpegProgress } from "@/lib/ffmpeg/progress";
import type { JobData, JobName } from "@/lib/queue";

/** Retry, time and concurrency settings of one job type (constants in its file). */
export type JobPolicy = {
  /** Retries after the first attempt. */
  retryLimit: number;
  /** Seconds before the first retry; doubled each time with `retryBackoff`. */
  retryDelay: number;
  retryBackoff: boolean;
  /** pg-boss's hard bound on one attempt (at most 24 h); ffmpeg runs have their own, duration-relative limits. */
  expireInSeconds: number;
  /**
   * The running worker refreshes the job's heartbeat every heartbeatSeconds/2; when it stops
   * (worker SIGKILLed, machine gone) the supervisor fails the job and pg-boss retries it, within
   * heartbeatSeconds + SUPERVISE_INTERVAL_SECONDS.
   */
  heartbeatSeconds: number;
  /** Jobs of this type one worker process runs at once. */
  concurrency: number;
};

export type JobContext = {
  video: Video;
  /** Aborted when the video is cancelled or deleted, or when the worker loses the job. */
  signal: AbortSignal;
  /** Live progress of an ffmpeg run (throttled, persisted on the video row, pushed to pages). */
  progress: (progress: FfmpegProgress) => void;
  /** A fresh work folder `tmp/<job>/<videoId>-<attempt>` (the same one on every call), removed after the job whatever happens. */
  workDir: () => Promise<string>;
  /** A local path to read the video's source: in place on disk, or downloaded into the work folder from a bucket. */
  source: () => Promise<string>;
  /** A local path to read a published file or folder of the video (e.g. `mp4/video.mp4`, `hls/v360`). */
  input: (relative: string) => Promise<string>;
};

export type JobDefinition<N extends JobName = JobName> = {
  name: N;
  policy: JobPolicy;
  run: (data: JobData<N>, ctx: JobContext) => Promise<void>;
};

/** A failure that no retry will fix (e.g. the probe gate refusing a file): the video fails at once. */
export class PermanentJobError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "PermanentJobError";
  }
}
