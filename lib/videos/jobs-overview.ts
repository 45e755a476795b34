import { desc, eq, inArray } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { videos, type Video } from "@/lib/db/schema";
import { listJobs, type JobRow } from "@/lib/queue/admin";

type VideoSummary = Pick<Video, "id" | "title" | "status" | "progress" | "failureReason" | "updatedAt">;
export type JobWithVideo = JobRow & { video: VideoSummary | null; lastError: string | null };

const summary = { id: videos.id, title: videos.title, status: videos.status, progress: videos.progress, failureReason: videos.failureReason, updatedAt: videos.updatedAt };

/** What the admin jobs page shows: running and queued jobs with their video, and failed videos. */
export async function jobsOverview() {
  const [running, queued, failedVideos] = await Promise.all([
    listJobs({ states: ["active"], limit: 100 }),
    listJobs({ states: ["created", "retry"], limit: 100 }),
    db.select(summary).from(videos).where(eq(videos.status, "failed")).orderBy(desc(videos.updatedAt)).limit(50),
  ]);
  const ids = [...new Set([...running, ...queued].map((j) => j.videoId).filter((id): id is string => id !== null))];
  const rows = ids.length ? await db.select(summary).from(videos).where(inArray(videos.id, ids)) : [];
  const byId = new Map(rows.map((v) => [v.id, v]));
  const withVideo = (job: JobRow): JobWithVideo => ({ ...job, video: job.videoId ? (byId.get(job.videoId) ?? null) : null, lastError: errorOf(job.output) });
  return {
    running: running.map(withVideo),
    // Oldest first: the order workers take them.
    queued: queued.map(withVideo).reverse(),
    failedVideos,
  };
}

/** pg-boss stores a failed attempt's error as `{ message, stack... }` (or `{ value: { message } }`). */
function errorOf(output: unknown): string | null {
  const o = output as { message?: unknown; value?: { message?: unknown } } | null;
  const message = o?.message ?? o?.value?.message;
  return typeof message === "string" ? message : null;
}

export type JobsOverview = Awaited<ReturnType<typeof jobsOverview>>;
