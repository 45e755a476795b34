import type { PgBoss, JobWithMetadata } from "pg-boss";
import type { Logger } from "pino";
import type { RunningJob } from "@/lib/db/schema";
import { paths } from "@/lib/env";
import { FfmpegError, FfmpegTimeoutError, isCancelled } from "@/lib/ffmpeg/errors";
import type { FfmpegProgress } from "@/lib/ffmpeg/progress";
import { childLogger } from "@/lib/log";
import { parseJobData, type JobName } from "@/lib/queue";
import { ensureQueues, POLLING_SECONDS } from "@/lib/queue/boss";
import { storage } from "@/lib/storage";
import { sourceRelative } from "@/lib/storage/layout";
import { isDiskFull } from "@/lib/storage/disk";
import { beginStep, completeStep, failVideo, saveProcessingProgress } from "@/lib/videos/pipeline";
import { findVideo } from "@/lib/videos/queries";
import { ESSENTIAL_STEPS } from "@/lib/videos/rules";
import { listenForCancellation, trackVideoJob, VideoCancelled } from "./cancellation";
import { pipelineJobs } from "./jobs";
import { PermanentJobError, type JobDefinition } from "./jobs/types";

const DEAD_LETTER: JobName = "pipeline-dead-letter";

/** The jobs this process runs now, by pg-boss id: each heartbeat publishes them for the admin overview. */
const running = new Map<string, RunningJob>();

export function runningJobs(): RunningJob[] {
  return [...running.values()];
}
const PROGRESS_INTERVAL_MS = 1000;

/**
 * Registers every pipeline job on a started pg-boss instance: applies each job file's
 * retry/timeout/heartbeat constants to its queue, starts `concurrency` handlers per type, and
 * listens for cancellations. Any number of worker processes, on any machine, can do this on
 * the same database. Returns a function that stops taking jobs (running ones are given
 * `graceMs` to finish, then aborted and left for another worker to retry).
 */
export async function startPipelineWorkers(boss: PgBoss, { log = childLogger("worker") }: { log?: Logger } = {}) {
  await ensureQueues(boss);
  await boss.updateQueue(DEAD_LETTER, { retryLimit: 3, retryDelay: 5 });
  for (const job of pipelineJobs) {
    const { retryLimit, retryDelay, retryBackoff, expireInSeconds, heartbeatSeconds } = job.policy;
    await boss.updateQueue(job.name, { retryLimit, retryDelay, retryBackoff, expireInSeconds, heartbeatSeconds, deadLetter: DEAD_LETTER });
  }
  const unlisten = await listenForCancellation();

  for (const job of pipelineJobs) {
    await boss.work(
      job.name,
      {
        localConcurrency: job.policy.concurrency,
        includeMetadata: true,
        pollingIntervalSeconds: POLLING_SECONDS,
        notifyPollingIntervalSeconds: POLLING_SECONDS * 2,
      },
      async ([pgJob]: JobWithMetadata<{ videoId: string }>[]) => handle(job, pgJob, log),
    );
  }
  await boss.work(DEAD_LETTER, { includeMetadata: true, pollingIntervalSeconds: POLLING_SECONDS }, async ([pgJob]: JobWithMetadata<{ videoId: string }>[]) =>
    deadLetter(pgJob, log),
  );

  return async function stop(graceMs = 10_000) {
    await Promise.all([...pipelineJobs.map((j) => j.name), DEAD_LETTER].map((name) => boss.offWork(name, { wait: false })));
    await boss.stop({ graceful: true, timeout: graceMs, close: true });
    await unlisten();
  };
}

/**
 * Runs one job attempt. Outcomes:
 * - success → the job's own code published outputs and advanced the video;
 * - video cancelled/deleted (or not active any more) → stop quietly, remove the work folder;
 * - permanent error (probe gate), a full disk, or last attempt → essential step: the video fails with the
 *   reason; optional step: the video goes on with a warning;
 * - other error → rethrown, pg-boss retries it after its backoff.
 */
async function handle(job: JobDefinition, pgJob: JobWithMetadata<{ videoId: string }>, baseLog: Logger) {
  const { videoId } = parseJobData(job.name, pgJob.data);
  const log = baseLog.child({ job: job.name, jobId: pgJob.id, videoId, attempt: pgJob.retryCount + 1 });
  const video = await beginStep(videoId, job.name);
  if (!video) {
    log.info("video no longer being processed, or this step already done: skipping");
    return;
  }

  const controller = new AbortController();
  const onClaimLost = () => controller.abort(pgJob.signal.reason);
  pgJob.signal.addEventListener("abort", onClaimLost, { once: true });
  const untrack = trackVideoJob(videoId, controller);
  const progress = progressReporter(videoId, job.name, controller);
  const started = Date.now();
  running.set(pgJob.id, { id: pgJob.id, name: job.name, videoId, startedAt: new Date(started).toISOString() });
  let work: Promise<string> | undefined;
  const workDir = () => (work ??= storage.workDir(job.name, videoId, `${pgJob.id}-${pgJob.retryCount}`));
  const input = async (relative: string) => storage.fetch(videoId, relative, await workDir());
  // Recorded once the work folder is gone (below): whoever sees the video failed sees its space freed.
  let failure: string | null = null;
  try {
    await job.run(pgJob.data, {
      video,
      signal: controller.signal,
      progress,
      workDir,
      input,
      // Media-folder originals are read where they are; on disk an upload's path is its place in the media folder.
      source: async () => (video.sourceKind === "folder" || storage.kind === "local" ? video.sourcePath! : input(sourceRelative(video.sourcePath!))),
    });
    log.info({ ms: Date.now() - started }, "job done");
  } catch (error) {
    if (controller.signal.reason instanceof VideoCancelled && (isCancelled(error) || controller.signal.aborted)) {
      log.info("cancelled");
      return;
    }
    // Measured while the failed work still sits on the disk. A retry seconds later would fill the
    // disk again (starving uploads and other jobs) and fail the same way: the step fails at once,
    // and the video is retried once space is freed.
    const diskFull = await isDiskFull(error, paths.tmp);
    const permanent = error instanceof PermanentJobError || diskFull;
    const lastAttempt = pgJob.retryCount >= pgJob.retryLimit;
    if (!permanent && !lastAttempt) {
      log.warn({ err: error }, "job failed: it will be retried");
      throw error;
    }
    const reason =
      error instanceof PermanentJobError
        ? error.reason
        : `${stepLabel(job.name)} failed: ${diskFull ? "disk full on the server. Free some space, then retry." : failureDetail(error)}`;
    log.warn({ err: error, permanent, diskFull }, "job failed for good");
    failure = reason;
  } finally {
    pgJob.signal.removeEventListener("abort", onClaimLost);
    running.delete(pgJob.id);
    untrack();
    await storage.removeWork(job.name, videoId).catch((err) => log.warn({ err }, "could not remove the work folder"));
    // Deleted while this job ran: whatever it may have published after the delete removed the folder goes too.
    if (controller.signal.aborted && (await findVideo(videoId).catch(() => "unknown")) === null) await storage.removeVideo(videoId).catch(() => {});
  }
  if (failure !== null) await giveUp(job.name, videoId, failure);
}

/** An essential step failed for good → the video fails; an optional one → it carries on with a warning. */
async function giveUp(step: JobName, videoId: string, reason: string) {
  if (ESSENTIAL_STEPS.includes(step)) await failVideo(videoId, reason);
  else await completeStep(videoId, step, { warning: reason });
}

/** A job whose worker died on its last attempt (or that expired) lands here from pg-boss. */
async function deadLetter(pgJob: JobWithMetadata<{ videoId: string }>, log: Logger) {
  const { videoId } = parseJobData(DEAD_LETTER, pgJob.data);
  const source = (pgJob.sourceName ?? "") as JobName;
  const detail = (pgJob.sourceOutput as { message?: string } | null)?.message ?? "its worker stopped";
  log.warn({ videoId, source, detail }, "pipeline job gave up after its last attempt");
  await giveUp(source, videoId, `${stepLabel(source)} did not finish: ${detail}`);
}

/** Persists progress at most once a second; a refused write means the video was cancelled. */
function progressReporter(videoId: string, step: JobName, controller: AbortController) {
  let last = 0;
  let pending: Promise<unknown> = Promise.resolve();
  return (p: FfmpegProgress) => {
    const now = Date.now();
    if (!p.done && now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    const value = {
      step,
      percent: p.percent ?? 0,
      ...(p.fps !== undefined && { fps: p.fps }),
      ...(p.speed !== undefined && { speed: p.speed }),
      ...(p.etaSeconds !== undefined && { etaSeconds: p.etaSeconds }),
    };
    pending = pending
      .then(() => saveProcessingProgress(videoId, value))
      .then((active) => {
        if (!active && !controller.signal.aborted) controller.abort(new VideoCancelled(videoId));
      })
      .catch(() => {});
  };
}

const LABELS: Partial<Record<JobName, string>> = {
  probe: "Reading the file",
  faststart: "Making the MP4",
  poster: "Making the poster",
  "hls-ladder": "Encoding the adaptive ladder",
  storyboard: "Making the storyboard",
  captions: "Extracting captions",
};

function stepLabel(step: JobName): string {
  return LABELS[step] ?? step;
}

/**
 * What the uploader is told when a step gives up. ffmpeg's own words and other errors carry work
 * paths and internals (they stay in the worker log, with the error): the reason says only what
 * kind of failure it was.
 */
export function failureDetail(error: unknown): string {
  if (error instanceof FfmpegTimeoutError) return "it took longer than its time limit (the file is probably damaged)";
  if (error instanceof FfmpegError) return "ffmpeg could not process the file (it is probably damaged)";
  return "an internal error (the details are in the worker's log)";
}

