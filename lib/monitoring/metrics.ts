import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { collectDefaultMetrics, Counter, Gauge, Registry, type Metric } from "prom-client";
import { authorize } from "@/lib/auth/access";
import { getViewer } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { storageUsage } from "@/lib/storage/usage";
import { processCounters, type RequestCounters } from "./counters";
import * as q from "./queries";
import { BUCKET_BOUNDS_MS, BUCKET_COUNT, COUNTERS } from "./rules";

/**
 * `GET /metrics` in Prometheus's text format. Two kinds of figures (each documented in README.md, "Monitoring"):
 * - this process's own, since it started (requests, response cache, media answers, Node's process metrics): scrape
 *   every web server, Prometheus adds them up;
 * - the instance's, read from Postgres at scrape time (videos, queue, workers, transcodes, storage, playback): the
 *   same whichever web server answers.
 */

export const CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;
/** Playback (QoE) figures look back this far. */
const QOE_WINDOW_MINUTES = 60;
const JOBS_WINDOW_MINUTES = 60;

/** Who may scrape: the REEL_METRICS_TOKEN bearer when it is set, or an administrator (API token or session). */
export async function authorizeScrape(request: Request, metricsToken = env.REEL_METRICS_TOKEN): Promise<void> {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "")?.[1];
  if (metricsToken && presented && sameSecret(presented, metricsToken)) return;
  authorize(await getViewer(request), "admin");
}

function sameSecret(a: string, b: string): boolean {
  // Hashed first: equal lengths for timingSafeEqual, and no early exit on the length.
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** Node's process metrics (CPU, memory, event-loop lag, GC), collected continuously once per process. */
const KEY = Symbol.for("reel.monitoring.process-registry");
const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
function processRegistry(): Registry {
  let registry = holder[KEY];
  if (!registry) {
    registry = holder[KEY] = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  return registry;
}

/** The whole scrape as text. */
export async function metricsText(counters: RequestCounters = processCounters): Promise<string> {
  const registry = new Registry();
  addProcessCounters(registry, counters);
  await addInstanceFigures(registry);
  return Registry.merge([processRegistry(), registry]).metrics();
}

function addProcessCounters(registry: Registry, c: RequestCounters) {
  const requests = new Counter({ name: "reel_http_requests_total", help: "Requests answered by this web process, by route", labelNames: ["route"], registers: [registry] });
  const errors = new Counter({ name: "reel_http_request_errors_total", help: "Requests this web process answered with a 5xx status, by route", labelNames: ["route"], registers: [registry] });
  const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
  c.labels.forEach((route, slot) => {
    requests.inc({ route }, c.counts[slot]);
    errors.inc({ route }, c.errors[slot]);
    let cumulative = 0;
    for (let b = 0; b < BUCKET_COUNT; b++) {
      cumulative += c.buckets[slot * BUCKET_COUNT + b];
      const le = b < BUCKET_BOUNDS_MS.length ? String(BUCKET_BOUNDS_MS[b] / 1000) : "+Inf";
      values.push({ metricName: "reel_http_request_duration_seconds_bucket", labels: { route, le }, value: cumulative });
    }
    values.push({ metricName: "reel_http_request_duration_seconds_sum", labels: { route }, value: c.totalMs[slot] / 1000 });
    values.push({ metricName: "reel_http_request_duration_seconds_count", labels: { route }, value: c.counts[slot] });
  });
  // The histogram is kept by ./counters.ts (allocation-free on the media path), so it is handed over as it stands.
  const name = "reel_http_request_duration_seconds";
  const help = "Time from request to the end of the answer in this web process, by route";
  registry.registerMetric({ name, help, type: "histogram", get: async () => ({ name, help, type: "histogram", aggregator: "sum", values }) } as unknown as Metric);

  const cache = new Counter({ name: "reel_response_cache_lookups_total", help: "Response cache lookups of this web process, by result (hit, miss)", labelNames: ["result"], registers: [registry] });
  cache.inc({ result: "hit" }, c.counters[COUNTERS.indexOf("response_cache.hit")]);
  cache.inc({ result: "miss" }, c.counters[COUNTERS.indexOf("response_cache.miss")]);
  const media = new Counter({ name: "reel_media_responses_total", help: "Media answers of this web process, by status (200, 206, 304, 4xx, 5xx)", labelNames: ["status"], registers: [registry] });
  for (const status of ["200", "206", "304", "4xx", "5xx"] as const) media.inc({ status }, c.counters[COUNTERS.indexOf(`media.${status}`)]);
  new Gauge({ name: "reel_media_streams_in_flight", help: "Media answers this web process is sending now", registers: [registry] }).set(c.mediaInFlight);
}

async function addInstanceFigures(registry: Registry) {
  const [videos, queue, workers, outcomes, storage, databaseBytes, webProcesses, qoe] = await Promise.all([
    q.videosByStatus(),
    q.queueDepth(),
    q.workers(),
    q.jobOutcomes(JOBS_WINDOW_MINUTES),
    storageUsage(),
    q.databaseBytes(),
    q.liveWebProcesses(),
    q.qoeSummary(QOE_WINDOW_MINUTES),
  ]);
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [registry] });

  const byStatus = gauge("reel_videos", "Videos by status", ["status"]);
  for (const [status, count] of Object.entries(videos)) byStatus.set({ status }, count);

  const jobs = gauge("reel_queue_jobs", "Pipeline jobs waiting or running, by queue", ["queue", "state"]);
  const oldest = gauge("reel_queue_oldest_waiting_seconds", "How long the oldest waiting job of a queue has waited", ["queue"]);
  for (const row of queue) {
    jobs.set({ queue: row.name, state: "waiting" }, row.waiting);
    jobs.set({ queue: row.name, state: "running" }, row.running);
    if (row.oldestWaitingSeconds !== null) oldest.set({ queue: row.name }, row.oldestWaitingSeconds);
  }

  gauge("reel_workers_alive", "Workers whose last heartbeat is recent").set(workers.filter((w) => w.alive).length);
  const heartbeat = gauge("reel_worker_heartbeat_age_seconds", "Seconds since each worker's last heartbeat", ["worker", "encoder"]);
  const running = gauge("reel_worker_running_jobs", "Jobs each worker runs now (as of its last heartbeat)", ["worker"]);
  for (const w of workers) {
    heartbeat.set({ worker: w.id, encoder: w.encoder ?? "none" }, w.secondsAgo);
    running.set({ worker: w.id }, w.currentJobs.length);
  }

  const finished = gauge("reel_transcode_jobs_last_hour", "Pipeline jobs that ended in the last hour, by job and outcome", ["job", "outcome"]);
  const busy = gauge("reel_transcode_busy_seconds_last_hour", "Run time of the pipeline jobs completed in the last hour, by job", ["job"]);
  for (const row of outcomes) {
    finished.set({ job: row.name, outcome: "completed" }, row.completed);
    finished.set({ job: row.name, outcome: "failed" }, row.failed);
    busy.set({ job: row.name }, row.busySeconds);
  }

  const bytes = gauge("reel_storage_bytes", "Bytes in the media folder by kind (originals, renditions, thumbnails, other)", ["kind"]);
  for (const kind of ["originals", "renditions", "thumbnails", "other"] as const) bytes.set({ kind }, storage[kind]);
  gauge("reel_disk_free_bytes", "Free bytes on the media folder's disk").set(storage.freeBytes);
  gauge("reel_disk_reserve_bytes", "Free space uploads and imports leave untouched (REEL_DISK_RESERVE_BYTES)").set(env.REEL_DISK_RESERVE_BYTES);
  gauge("reel_database_bytes", "Size of Reel's database").set(databaseBytes);
  gauge("reel_web_processes", "Web processes that published their statistics lately").set(webProcesses.length);

  addQoeFigures(gauge, qoe);
}

/**
 * Playback quality from the players' reports (qoe_reports) of the last hour. The place for the playback statistics
 * (lib/stats) to add their figures once they exist.
 */
function addQoeFigures(gauge: (name: string, help: string, labelNames?: string[]) => Gauge, qoe: q.QoeSummary) {
  gauge("reel_qoe_sessions_last_hour", "Playback sessions reported in the last hour").set(qoe.sessions);
  gauge("reel_qoe_failed_sessions_last_hour", "Playback sessions of the last hour that ended in a fatal error").set(qoe.failed);
  const startup = gauge("reel_qoe_startup_seconds", "Startup time of the last hour's sessions (play request to first frame), by quantile", ["quantile"]);
  if (qoe.startupP50Ms !== null) startup.set({ quantile: "0.5" }, qoe.startupP50Ms / 1000);
  if (qoe.startupP95Ms !== null) startup.set({ quantile: "0.95" }, qoe.startupP95Ms / 1000);
  const watched = qoe.watchedSeconds;
  gauge("reel_qoe_rebuffer_ratio_last_hour", "Stall time over watch time of the last hour's sessions").set(watched > 0 ? qoe.stallMs / 1000 / watched : 0);
}
