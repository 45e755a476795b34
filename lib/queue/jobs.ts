import { z } from "zod";

/**
 * Every job type Reel queues, with the schema of its payload. Workers parse the payload with the
 * same schema before acting on it, so a malformed job fails loudly instead of half-running.
 * Retry, timeout and concurrency constants live beside each handler in `workers/jobs/<type>.ts`.
 */
const videoJob = z.object({ videoId: z.uuid() });

export const jobSchemas = {
  probe: videoJob,
  faststart: videoJob,
  poster: videoJob,
  "hls-ladder": videoJob,
  storyboard: videoJob,
  captions: videoJob,
  /** Where pg-boss moves a pipeline job that died on its last attempt (its worker crashed or it expired). */
  "pipeline-dead-letter": videoJob,
} as const;

export type JobName = keyof typeof jobSchemas;
export type JobData<N extends JobName> = z.infer<(typeof jobSchemas)[N]>;

export const jobNames = Object.keys(jobSchemas) as JobName[];

/** The jobs that work on one video, in pipeline order; cancel and delete sweep all of them. */
export const videoJobNames: JobName[] = ["probe", "faststart", "poster", "hls-ladder", "storyboard", "captions", "pipeline-dead-letter"];

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(jobSchemas, name);
}

export function parseJobData<N extends JobName>(name: N, data: unknown): JobData<N> {
  return jobSchemas[name].parse(data) as JobData<N>;
}
