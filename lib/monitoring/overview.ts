import "server-only";
import { env } from "@/lib/env";
import { storageUsage } from "@/lib/storage/usage";
import * as q from "./queries";
import { diskLevel, percentile, ratio } from "./rules";

/** The admin overview and its figures look back this far (request timings, cache rates, errors). */
export const WINDOW_MINUTES = 60;
const ROUTES_SHOWN = 40;
const FAILED_JOBS_SHOWN = 10;

/** A percentile in ms for JSON: beyond the histogram's last bound (Infinity) it reads as null, "slower than 30 s". */
function finite(value: number | null): number | null {
  return value === null || Number.isFinite(value) ? value : null;
}

/** Everything `/admin` shows, read in one go: the page renders it and `GET /api/admin/overview` returns it. */
export async function adminOverview() {
  const [storage, videos, queue, workers, webProcesses, databaseBytes, routes, counters, outcomes, failedJobs] = await Promise.all([
    storageUsage(),
    q.videosByStatus(),
    q.queueDepth(),
    q.workers(),
    q.liveWebProcesses(),
    q.databaseBytes(),
    q.routeTimings(WINDOW_MINUTES),
    q.counterTotals(WINDOW_MINUTES),
    q.jobOutcomes(WINDOW_MINUTES),
    q.recentFailedJobs(WINDOW_MINUTES, FAILED_JOBS_SHOWN),
  ]);
  const count = (name: string) => counters[name] ?? 0;
  const cacheLookups = count("response_cache.hit") + count("response_cache.miss");
  const mediaAnswers = ["media.200", "media.206", "media.304", "media.4xx", "media.5xx"].reduce((sum, name) => sum + count(name), 0);
  const waiting = queue.map((row) => row.oldestWaitingSeconds).filter((s): s is number => s !== null);
  return {
    generatedAt: new Date(),
    windowMinutes: WINDOW_MINUTES,
    storage: { ...storage, reserveBytes: env.REEL_DISK_RESERVE_BYTES, level: diskLevel(storage.freeBytes, env.REEL_DISK_RESERVE_BYTES) },
    videos,
    queue: {
      byName: queue,
      waiting: queue.reduce((sum, row) => sum + row.waiting, 0),
      running: queue.reduce((sum, row) => sum + row.running, 0),
      oldestWaitingSeconds: waiting.length > 0 ? Math.max(...waiting) : null,
    },
    workers,
    webProcesses,
    databaseBytes,
    cache: {
      responseCache: { hits: count("response_cache.hit"), lookups: cacheLookups, hitRate: ratio(count("response_cache.hit"), cacheLookups) },
      media: { answers: mediaAnswers, notModified: count("media.304"), notModifiedRate: ratio(count("media.304"), mediaAnswers) },
    },
    routes: routes.slice(0, ROUTES_SHOWN).map((r) => ({
      route: r.route,
      count: r.count,
      errors: r.errors,
      meanMs: r.count > 0 ? r.totalMs / r.count : null,
      p50Ms: finite(percentile(r.buckets, 0.5)),
      p95Ms: finite(percentile(r.buckets, 0.95)),
    })),
    errors: {
      serverErrors: routes.reduce((sum, r) => sum + r.errors, 0),
      failedJobs: outcomes.reduce((sum, r) => sum + r.failed, 0),
      recentFailedJobs: failedJobs,
    },
  };
}

export type AdminOverview = Awaited<ReturnType<typeof adminOverview>>;
