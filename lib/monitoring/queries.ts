import "server-only";
import { sql } from "drizzle-orm";
import { db as defaultDb, type Db } from "@/lib/db/client";
import { requestStats, webCounters, webProcesses, type RunningJob } from "@/lib/db/schema";
import { videoJobNames } from "@/lib/queue/jobs";
import { WORKER_ALIVE_SECONDS } from "@/lib/system/heartbeats";

/** What one web process adds to the tables in one publication (./publisher.ts). */
export type Publication = {
  routes: { route: string; count: number; errors: number; totalMs: number; buckets: number[] }[];
  counters: { name: string; value: number }[];
  process: { id: string; hostname: string; pid: number; rssBytes: number; heapUsedBytes: number; cpu: number; eventLoopMedianMs: number; eventLoopMaxMs: number };
};

/** A web process counts as running while it published within this many seconds (it publishes every 5 s). */
export const WEB_ALIVE_SECONDS = 20;
/** Rows of request timings and counters are kept this long. */
export const KEEP_HOURS = 24;

/**
 * Adds a publication to the current minute's rows, in one transaction: concurrent publishers (several web servers)
 * each add to the same rows, and a histogram is added bucket by bucket.
 */
export async function publish(publication: Publication, db: Db = defaultDb): Promise<void> {
  await db.transaction(async (tx) => {
    if (publication.routes.length > 0) {
      await tx
        .insert(requestStats)
        .values(publication.routes.map((r) => ({ minute: sql`date_trunc('minute', now())`, ...r })))
        .onConflictDoUpdate({
          target: [requestStats.minute, requestStats.route],
          set: {
            count: sql`${requestStats.count} + excluded.count`,
            errors: sql`${requestStats.errors} + excluded.errors`,
            totalMs: sql`${requestStats.totalMs} + excluded.total_ms`,
            buckets: sql`array(select coalesce(a, 0) + coalesce(b, 0) from unnest(${requestStats.buckets}, excluded.buckets) with ordinality as t(a, b, i) order by i)`,
          },
        });
    }
    if (publication.counters.length > 0) {
      await tx
        .insert(webCounters)
        .values(publication.counters.map((c) => ({ minute: sql`date_trunc('minute', now())`, ...c })))
        .onConflictDoUpdate({ target: [webCounters.minute, webCounters.name], set: { value: sql`${webCounters.value} + excluded.value` } });
    }
    const { id, ...figures } = publication.process;
    await tx
      .insert(webProcesses)
      .values({ id, ...figures, seenAt: sql`now()` })
      .onConflictDoUpdate({ target: webProcesses.id, set: { ...figures, seenAt: sql`now()` } });
  });
}

/** Forgets timings and counters older than KEEP_HOURS, and web processes gone for as long. */
export async function prune(db: Db = defaultDb): Promise<void> {
  const before = sql`now() - make_interval(hours => ${KEEP_HOURS})`;
  await db.execute(sql`delete from request_stats where minute < ${before}`);
  await db.execute(sql`delete from web_counters where minute < ${before}`);
  await db.execute(sql`delete from web_processes where seen_at < ${before}`);
}

export async function removeWebProcess(id: string, db: Db = defaultDb): Promise<void> {
  await db.execute(sql`delete from web_processes where id = ${id}`);
}

export type RouteTiming = { route: string; count: number; errors: number; totalMs: number; buckets: number[] };

/** Request timings per route over the last `minutes`, all web processes together, histograms merged. */
export async function routeTimings(minutes: number, db: Db = defaultDb): Promise<RouteTiming[]> {
  const rows = await db.execute<{ route: string; count: string; errors: string; total_ms: number; buckets: number[] }>(sql`
    with recent as (select * from request_stats where minute >= date_trunc('minute', now()) - make_interval(mins => ${minutes - 1})),
    merged as (
      select route, array_agg(total::float8 order by i) as buckets
      from (select route, i, sum(b) as total from recent, unnest(buckets) with ordinality as u(b, i) group by route, i) per_bucket
      group by route
    )
    select r.route, sum(r.count) as count, sum(r.errors) as errors, sum(r.total_ms) as total_ms, m.buckets
    from recent r join merged m using (route)
    group by r.route, m.buckets
    order by sum(r.count) desc`);
  return [...rows].map((r) => ({ route: r.route, count: Number(r.count), errors: Number(r.errors), totalMs: Number(r.total_ms), buckets: r.buckets.map(Number) }));
}

/** Each named counter summed over the last `minutes`, all web processes together. */
export async function counterTotals(minutes: number, db: Db = defaultDb): Promise<Record<string, number>> {
  const rows = await db.execute<{ name: string; value: string }>(sql`
    select name, sum(value) as value from web_counters
    where minute >= date_trunc('minute', now()) - make_interval(mins => ${minutes - 1})
    group by name`);
  return Object.fromEntries([...rows].map((r) => [r.name, Number(r.value)]));
}

export type WebProcessRow = Publication["process"] & { startedAt: Date; secondsAgo: number };

/** Web processes that published lately. */
export async function liveWebProcesses(db: Db = defaultDb): Promise<WebProcessRow[]> {
  const rows = await db.execute<Record<string, unknown>>(sql`
    select id, hostname, pid, rss_bytes, heap_used_bytes, cpu, event_loop_median_ms, event_loop_max_ms, started_at,
           extract(epoch from now() - seen_at) as seconds_ago
    from web_processes where seen_at > now() - make_interval(secs => ${WEB_ALIVE_SECONDS}) order by hostname, pid`);
  return [...rows].map((r) => ({
    id: String(r.id),
    hostname: String(r.hostname),
    pid: Number(r.pid),
    rssBytes: Number(r.rss_bytes),
    heapUsedBytes: Number(r.heap_used_bytes),
    cpu: Number(r.cpu),
    eventLoopMedianMs: Number(r.event_loop_median_ms),
    eventLoopMaxMs: Number(r.event_loop_max_ms),
    startedAt: new Date(r.started_at as string),
    secondsAgo: Number(r.seconds_ago),
  }));
}

export async function videosByStatus(db: Db = defaultDb): Promise<Record<string, number>> {
  const rows = await db.execute<{ status: string; count: string }>(sql`select status::text as status, count(*) as count from videos group by status`);
  return Object.fromEntries([...rows].map((r) => [r.status, Number(r.count)]));
}

export type QueueRow = { name: string; waiting: number; running: number; oldestWaitingSeconds: number | null };

/** Waiting (created or retry) and running jobs per pipeline queue, and how long the oldest waiting one has waited. */
export async function queueDepth(db: Db = defaultDb): Promise<QueueRow[]> {
  const rows = await db.execute<{ name: string; waiting: string; running: string; oldest: number | null }>(sql`
    select name,
           count(*) filter (where state in ('created', 'retry')) as waiting,
           count(*) filter (where state = 'active') as running,
           extract(epoch from now() - min(created_on) filter (where state in ('created', 'retry'))) as oldest
    from pgboss.job
    where name in (${sql.join(videoJobNames.map((n) => sql`${n}`), sql`, `)}) and state < 'completed'
    group by name order by name`);
  return [...rows].map((r) => ({ name: r.name, waiting: Number(r.waiting), running: Number(r.running), oldestWaitingSeconds: r.oldest === null ? null : Number(r.oldest) }));
}

export type JobOutcomeRow = { name: string; completed: number; failed: number; busySeconds: number };

/** Pipeline jobs that ended in the last `minutes`, per queue, and the time they ran. */
export async function jobOutcomes(minutes: number, db: Db = defaultDb): Promise<JobOutcomeRow[]> {
  const rows = await db.execute<{ name: string; completed: string; failed: string; busy: number | null }>(sql`
    select name,
           count(*) filter (where state = 'completed') as completed,
           count(*) filter (where state = 'failed') as failed,
           sum(extract(epoch from completed_on - started_on)) filter (where state = 'completed') as busy
    from pgboss.job
    where name in (${sql.join(videoJobNames.map((n) => sql`${n}`), sql`, `)})
      and state in ('completed', 'failed') and completed_on > now() - make_interval(mins => ${minutes})
    group by name order by name`);
  return [...rows].map((r) => ({ name: r.name, completed: Number(r.completed), failed: Number(r.failed), busySeconds: Number(r.busy ?? 0) }));
}

export type FailedJobRow = { id: string; name: string; videoId: string | null; message: string | null; at: Date };

/** The latest pipeline jobs that failed within `minutes`. */
export async function recentFailedJobs(minutes: number, limit: number, db: Db = defaultDb): Promise<FailedJobRow[]> {
  const rows = await db.execute<{ id: string; name: string; video_id: string | null; message: string | null; at: string }>(sql`
    select id, name, data->>'videoId' as video_id, coalesce(output->>'message', output->'value'->>'message') as message, completed_on as at
    from pgboss.job
    where name in (${sql.join(videoJobNames.map((n) => sql`${n}`), sql`, `)})
      and state = 'failed' and completed_on > now() - make_interval(mins => ${minutes})
    order by completed_on desc limit ${limit}`);
  return [...rows].map((r) => ({ id: String(r.id), name: r.name, videoId: r.video_id, message: r.message, at: new Date(r.at) }));
}

export type WorkerRow = {
  id: string;
  hostname: string;
  pid: number;
  alive: boolean;
  secondsAgo: number;
  encoder: string | null;
  ffmpegVersion: string | null;
  currentJobs: RunningJob[];
};

/** Every worker that left a heartbeat row, judged alive by the database clock. */
export async function workers(db: Db = defaultDb): Promise<WorkerRow[]> {
  const rows = await db.execute<Record<string, unknown>>(sql`
    select id, hostname, pid, ffmpeg_version, capabilities->>'encoder' as encoder, current_jobs,
           extract(epoch from now() - heartbeat_at) as seconds_ago
    from worker_heartbeats order by hostname, pid`);
  return [...rows].map((r) => ({
    id: String(r.id),
    hostname: String(r.hostname),
    pid: Number(r.pid),
    secondsAgo: Number(r.seconds_ago),
    alive: Number(r.seconds_ago) < WORKER_ALIVE_SECONDS,
    encoder: (r.encoder as string | null) ?? null,
    ffmpegVersion: (r.ffmpeg_version as string | null) ?? null,
    currentJobs: (r.current_jobs as RunningJob[] | null) ?? [],
  }));
}

export async function databaseBytes(db: Db = defaultDb): Promise<number> {
  const [row] = await db.execute<{ bytes: string }>(sql`select pg_database_size(current_database()) as bytes`);
  return Number(row.bytes);
}

export type QoeSummary = { sessions: number; startupP50Ms: number | null; startupP95Ms: number | null; stallMs: number; watchedSeconds: number; failed: number };

/**
 * Playback sessions reported by players (qoe_reports) that started in the last `minutes`: the figures `/metrics`
 * exports until the playback statistics (lib/stats) provide their own.
 */
export async function qoeSummary(minutes: number, db: Db = defaultDb): Promise<QoeSummary> {
  const [row] = await db.execute<Record<string, unknown>>(sql`
    select count(*) as sessions,
           percentile_disc(0.5) within group (order by startup_ms) as p50,
           percentile_disc(0.95) within group (order by startup_ms) as p95,
           coalesce(sum(stall_ms), 0) as stall_ms,
           coalesce(sum(watched_seconds), 0) as watched,
           count(*) filter (where fatal_error is not null) as failed
    from qoe_reports where created_at > now() - make_interval(mins => ${minutes})`);
  return {
    sessions: Number(row.sessions),
    startupP50Ms: row.p50 === null ? null : Number(row.p50),
    startupP95Ms: row.p95 === null ? null : Number(row.p95),
    stallMs: Number(row.stall_ms),
    watchedSeconds: Number(row.watched),
    failed: Number(row.failed),
  };
}
