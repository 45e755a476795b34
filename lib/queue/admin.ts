import { sql, type SQL } from "drizzle-orm";
import { fromDrizzle } from "pg-boss";
import { db, type Tx } from "@/lib/db/client";
import { producerBoss } from "./boss";
import { isJobName, videoJobNames, type JobName } from "./jobs";

export type JobState = "created" | "retry" | "active" | "completed" | "cancelled" | "failed";

export type JobRow = {
  id: string;
  name: JobName;
  state: JobState;
  videoId: string | null;
  retryCount: number;
  retryLimit: number;
  createdOn: Date;
  startedOn: Date | null;
  completedOn: Date | null;
  output: unknown;
};

const list = (values: readonly string[]): SQL => sql.join(values.map((v) => sql`${v}`), sql`, `);

/** Jobs of the video pipeline, newest first, read from pg-boss's job table. */
export async function listJobs({ states, videoId, limit = 200 }: { states?: JobState[]; videoId?: string; limit?: number } = {}): Promise<JobRow[]> {
  const rows = await db.execute<Record<string, unknown>>(sql`
    select id, name, state::text as state, data->>'videoId' as video_id, retry_count, retry_limit,
           created_on, started_on, completed_on, output
    from pgboss.job
    where name in (${list(videoJobNames)})
      ${states?.length ? sql`and state::text in (${list(states)})` : sql``}
      ${videoId ? sql`and data->>'videoId' = ${videoId}` : sql``}
    order by created_on desc
    limit ${limit}`);
  return [...rows]
    .filter((r) => isJobName(String(r.name)))
    .map((r) => ({
      id: String(r.id),
      name: r.name as JobName,
      state: r.state as JobState,
      videoId: (r.video_id as string | null) ?? null,
      retryCount: Number(r.retry_count),
      retryLimit: Number(r.retry_limit),
      createdOn: new Date(r.created_on as string),
      startedOn: r.started_on ? new Date(r.started_on as string) : null,
      completedOn: r.completed_on ? new Date(r.completed_on as string) : null,
      output: r.output,
    }));
}

async function openJobs(videoId: string, tx?: Tx) {
  return [...(await (tx ?? db).execute<{ id: string; name: string }>(sql`select id, name from pgboss.job where data->>'videoId' = ${videoId} and state < 'completed'`))];
}

/**
 * Cancels every queued or running job of a video in pg-boss. A running job's handler is not
 * stopped by this alone: callers also NOTIFY `channels.cancel`, which kills its ffmpeg at once.
 * With `tx`, inside that transaction.
 */
export async function cancelVideoJobs(videoId: string, tx?: Tx): Promise<number> {
  const boss = await producerBoss();
  const jobs = await openJobs(videoId, tx);
  for (const job of jobs) await boss.cancel(job.name, job.id, tx ? { db: fromDrizzle(tx, sql) } : undefined);
  return jobs.length;
}

/** Removes every job of a video from pg-boss (the video is being deleted). */
export async function deleteVideoJobs(videoId: string, tx?: Tx): Promise<void> {
  const boss = await producerBoss();
  const rows = await (tx ?? db).execute<{ id: string; name: string }>(sql`select id, name from pgboss.job where data->>'videoId' = ${videoId}`);
  for (const job of rows) await boss.deleteJob(job.name, job.id, tx ? { db: fromDrizzle(tx, sql) } : undefined);
}
