import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// The overview counts the whole instance: a database and a data folder nobody else writes to, so every figure is known.
// Set before lib/env is read.
const { METRICS_TOKEN, dataDir, fresh } = await vi.hoisted(async () => {
  const [{ randomBytes }, { mkdtemp }, { tmpdir }, { join }] = await Promise.all([import("node:crypto"), import("node:fs/promises"), import("node:os"), import("node:path")]);
  const token = randomBytes(24).toString("hex");
  const dir = await mkdtemp(join(tmpdir(), "reel-monitoring-"));
  Object.assign(process.env, { REEL_METRICS_TOKEN: token, REEL_DATA_DIR: dir });
  const { freshDatabase } = await import("@/test/fresh-database");
  return { METRICS_TOKEN: token, dataDir: dir, fresh: await freshDatabase() };
});
import { sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { paths } from "@/lib/env";
import { logger } from "@/lib/log";
import { videos, workerHeartbeats } from "@/lib/db/schema";
import { producerBoss, stopProducerBoss } from "@/lib/queue/boss";
import { createTestUser } from "@/test/factories";
import { createApiToken } from "@/lib/auth/api-tokens";
import { closeGracefully, createWebServer } from "@/lib/server/http-server";
import { RequestCounters } from "./counters";
import { createPublisher } from "./publisher";
import { adminOverview } from "./overview";
import { metricsText } from "./metrics";
import { BUCKET_BOUNDS_MS } from "./rules";
import * as overviewRoute from "@/app/api/admin/overview/route";
import * as metricsRoute from "@/app/metrics/route";

let adminAuth: string;
let memberAuth: string;

beforeAll(async () => {
  // Installs pg-boss's tables, which the queue figures read.
  await producerBoss();
  // Files of known sizes in a video folder: an original, renditions, thumbnails, captions; a media-folder link counts
  // for nothing. Written before any overview is made, since the media folder is measured once a minute.
  const dir = path.join(paths.media, randomUUID());
  const files: [string, number][] = [
    ["source/original.mp4", 5000],
    ["mp4/video.mp4", 3000],
    ["hls/v360/seg00000.m4s", 2000],
    ["thumbs/poster-320.webp", 300],
    ["storyboard/sprite-0.webp", 200],
    ["captions/a.vtt", 10],
  ];
  for (const [rel, size] of files) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), Buffer.alloc(size));
  }
  await fs.symlink(path.join(dir, "source/original.mp4"), path.join(dir, "source/link.mp4"));

  adminAuth = `Bearer ${(await createApiToken((await createTestUser({ role: "admin" })).id, "ops")).token}`;
  memberAuth = `Bearer ${(await createApiToken((await createTestUser({ role: "member" })).id, "mine")).token}`;
});

afterAll(async () => {
  await stopProducerBoss();
  await fresh.drop();
  await fs.rm(dataDir, { recursive: true, force: true });
});

/** Request times recorded in both "web servers", kept raw so the test can work the percentiles out itself. */
const raw: { route: string; ms: number; status: number }[] = [];

describe("publishing from several web processes", () => {
  it("adds up in the tables, histograms and counters included", async () => {
    const a = new RequestCounters();
    const b = new RequestCounters();
    const pa = createPublisher({ counters: a, id: "web-a" });
    const pb = createPublisher({ counters: b, id: "web-b" });
    const record = (c: InstanceType<typeof RequestCounters>, route: string, ms: number, status = 200) => {
      c.record(c.slot(route), status, ms);
      raw.push({ route, ms, status });
    };
    // Known times: process A answers the page fast, B slowly; together their p95 is B's.
    for (let i = 0; i < 90; i++) record(a, "GET /watch/[id]", 4 + (i % 10));
    for (let i = 0; i < 10; i++) record(b, "GET /watch/[id]", 400 + i * 10);
    record(b, "POST /api/qoe", 3, 500);
    record(a, "GET /media/*", 40000);
    for (let i = 0; i < 7; i++) a.countCache(true);
    for (let i = 0; i < 3; i++) b.countCache(false);
    for (const status of [200, 206, 206, 304]) a.countMedia(status);
    b.countMedia(304);

    await Promise.all([pa.publishNow(), pb.publishNow()]);
    // A second publication sends only what grew since the first.
    record(a, "GET /watch/[id]", 6);
    await pa.publishNow();
    await pb.publishNow();
    pa.stop();
    pb.stop();

    const overview = await adminOverview();
    const rawTimes = sql.join(raw.map((r) => sql`(${r.route}::text, ${r.ms}::float8, ${r.status}::int)`), sql`, `);
    const bounds = sql.raw(`array[${BUCKET_BOUNDS_MS.join(",")}]::double precision[]`);
    // Independently: per route, the count, the 5xx, and the smallest bound with at least q of the times at or below it.
    const expected = await db.execute<{ route: string; count: string; errors: string; p50: number | null; p95: number | null }>(sql`
      with raw_times(route, ms, status) as (values ${rawTimes}),
      totals as (select route, count(*) as n, count(*) filter (where status >= 500) as errors from raw_times group by route)
      select route, n as count, errors,
        (select min(bound) from unnest(${bounds}) bound where (select count(*) from raw_times t where t.route = totals.route and t.ms <= bound) >= 0.5 * n) as p50,
        (select min(bound) from unnest(${bounds}) bound where (select count(*) from raw_times t where t.route = totals.route and t.ms <= bound) >= 0.95 * n) as p95
      from totals`);
    expect(overview.routes).toHaveLength(3);
    for (const row of expected) {
      const shown = overview.routes.find((r) => r.route === row.route);
      expect(shown, row.route).toMatchObject({ count: Number(row.count), errors: Number(row.errors), p50Ms: row.p50, p95Ms: row.p95 });
    }
    expect(overview.routes.find((r) => r.route === "GET /watch/[id]")).toMatchObject({ count: 101, p50Ms: 10, p95Ms: 500 });
    // Slower than the last bound: no number to show.
    expect(overview.routes.find((r) => r.route === "GET /media/*")?.p95Ms).toBeNull();
    expect(overview.errors.serverErrors).toBe(1);
    expect(overview.cache.responseCache).toEqual({ hits: 7, lookups: 10, hitRate: 0.7 });
    expect(overview.cache.media).toEqual({ answers: 5, notModified: 2, notModifiedRate: 0.4 });
    expect(overview.webProcesses.map((p) => p.id).sort()).toEqual(["web-a", "web-b"]);
    for (const p of overview.webProcesses) expect(p.rssBytes).toBeGreaterThan(0);
  });
});

describe("the overview's figures", () => {
  it("match the database and the media folder", async () => {
    const [owner] = await db.execute<{ id: string }>(sql`select id from users limit 1`);
    await db.insert(videos).values(
      (["ready", "ready", "ready", "processing", "failed"] as const).map((status) => ({ ownerId: owner.id, title: status, status, sourceKind: "upload" as const })),
    );

    const boss = await producerBoss();
    const waiting = [randomUUID(), randomUUID(), randomUUID()];
    for (const videoId of waiting) await boss.send("probe", { videoId });
    await boss.send("poster", { videoId: randomUUID() });
    await db.execute(sql`update pgboss.job set created_on = now() - interval '10 minutes' where data->>'videoId' = ${waiting[0]}`);
    const [taken] = await boss.fetch("poster");
    const failedId = await boss.send("storyboard", { videoId: randomUUID() }, { retryLimit: 0 });
    await boss.fetch("storyboard");
    await boss.fail("storyboard", failedId!, { message: "ffmpeg could not process the file" });

    await db.insert(workerHeartbeats).values([
      { id: "w-live", hostname: "encoder-1", pid: 10, capabilities: { encoder: "libx264" }, currentJobs: [{ id: taken.id, name: "poster", videoId: randomUUID(), startedAt: new Date().toISOString() }] },
      { id: "w-gone", hostname: "encoder-2", pid: 11, capabilities: {} },
    ]);
    await db.execute(sql`update worker_heartbeats set heartbeat_at = now() - interval '2 minutes' where id = 'w-gone'`);

    const overview = await adminOverview();

    const statuses = await db.execute<{ status: string; n: string }>(sql`select status::text, count(*) as n from videos group by status`);
    expect(overview.videos).toEqual(Object.fromEntries([...statuses].map((r) => [r.status, Number(r.n)])));
    expect(overview.videos).toMatchObject({ ready: 3, processing: 1, failed: 1 });

    expect(overview.storage).toMatchObject({ originals: 5000, renditions: 5000, thumbnails: 500, other: 10 });
    const stat = await fs.statfs(paths.media);
    expect(overview.storage.totalBytes).toBe(stat.blocks * stat.bsize);

    const [queue] = await db.execute<{ waiting: string; running: string; oldest: number }>(sql`
      select count(*) filter (where state in ('created', 'retry')) as waiting, count(*) filter (where state = 'active') as running,
             extract(epoch from now() - min(created_on) filter (where state in ('created', 'retry'))) as oldest
      from pgboss.job where name in ('probe', 'poster', 'storyboard')`);
    expect(overview.queue).toMatchObject({ waiting: Number(queue.waiting), running: Number(queue.running) });
    expect(overview.queue).toMatchObject({ waiting: 3, running: 1 });
    expect(overview.queue.oldestWaitingSeconds).toBeGreaterThanOrEqual(600);
    expect(overview.queue.oldestWaitingSeconds).toBeLessThanOrEqual(Number(queue.oldest));

    expect(overview.errors.failedJobs).toBe(1);
    expect(overview.errors.recentFailedJobs).toEqual([expect.objectContaining({ id: failedId, name: "storyboard", message: "ffmpeg could not process the file" })]);

    expect(overview.workers).toEqual([
      expect.objectContaining({ id: "w-live", alive: true, encoder: "libx264", currentJobs: [expect.objectContaining({ id: taken.id, name: "poster" })] }),
      expect.objectContaining({ id: "w-gone", alive: false, encoder: null, currentJobs: [] }),
    ]);

    const [size] = await db.execute<{ bytes: string }>(sql`select pg_database_size(current_database()) as bytes`);
    expect(Math.abs(overview.databaseBytes - Number(size.bytes))).toBeLessThan(1024 * 1024);
  });
});

/** A minimal reader of Prometheus's text format: every sample line must parse, and each metric has a TYPE. */
function parseExposition(text: string) {
  const types = new Map<string, string>();
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("# HELP ")) continue;
    const type = /^# TYPE (\w+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1], type[2]);
      continue;
    }
    const sample = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample) throw new Error(`not a sample line: ${line}`);
    const labels = Object.fromEntries([...(sample[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    // Prometheus reads floats as Go does: NaN in any case, ±Inf (prom-client writes "Nan" before Node's event-loop
    // histogram has its first sample).
    const value = /^nan$/i.test(sample[3]) ? NaN : /^[+-]?inf$/i.test(sample[3]) ? (sample[3].startsWith("-") ? -Infinity : Infinity) : Number(sample[3]);
    if (Number.isNaN(value) && !/^nan$/i.test(sample[3])) throw new Error(`not a number: ${line}`);
    samples.push({ name: sample[1], labels, value });
  }
  for (const s of samples) {
    const family = s.name.replace(/_(bucket|sum|count)$/, "");
    if (!types.has(s.name) && !types.has(family)) throw new Error(`no TYPE for ${s.name}`);
  }
  return { types, samples };
}

describe("/metrics", () => {
  const scrape = (authorization?: string) =>
    metricsRoute.GET(new Request("http://reel.test/metrics", { headers: authorization ? { authorization } : {} }));

  it("answers an administrator's token or REEL_METRICS_TOKEN, and nobody else", async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape("Bearer not-the-token")).status).toBe(401);
    expect((await scrape(`Bearer ${METRICS_TOKEN}x`)).status).toBe(401);
    expect((await scrape(memberAuth)).status).toBe(403);
    for (const auth of [adminAuth, `Bearer ${METRICS_TOKEN}`]) {
      const response = await scrape(auth);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    }
  });

  it("parses, with the instance's figures and this process's counters", async () => {
    const counters = new RequestCounters();
    for (const ms of [2, 2, 60]) counters.record(counters.slot("GET /api/videos"), 200, ms);
    counters.record(counters.slot("GET /api/videos"), 503, 2);
    counters.countMedia(304);
    const { types, samples } = parseExposition(await metricsText(counters));
    const value = (name: string, labels: Record<string, string> = {}) =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

    expect(types.get("reel_http_request_duration_seconds")).toBe("histogram");
    expect(value("reel_http_requests_total", { route: "GET /api/videos" })).toBe(4);
    expect(value("reel_http_request_errors_total", { route: "GET /api/videos" })).toBe(1);
    expect(value("reel_http_request_duration_seconds_bucket", { route: "GET /api/videos", le: "0.002" })).toBe(3);
    expect(value("reel_http_request_duration_seconds_bucket", { route: "GET /api/videos", le: "+Inf" })).toBe(4);
    expect(value("reel_http_request_duration_seconds_sum", { route: "GET /api/videos" })).toBeCloseTo(0.066);
    expect(value("reel_media_responses_total", { status: "304" })).toBe(1);

    const [ready] = await db.execute<{ n: string }>(sql`select count(*) as n from videos where status = 'ready'`);
    expect(value("reel_videos", { status: "ready" })).toBe(Number(ready.n));
    expect(value("reel_queue_jobs", { queue: "probe", state: "waiting" })).toBe(3);
    expect(value("reel_workers_alive")).toBe(1);
    expect(value("reel_transcode_jobs_last_hour", { job: "storyboard", outcome: "failed" })).toBe(1);
    expect(value("reel_storage_bytes", { kind: "originals" })).toBe(5000);
    expect(value("reel_qoe_sessions_last_hour")).toBe(0);
    expect(value("process_resident_memory_bytes")).toBeGreaterThan(0);
  });
});

describe("the overview API", () => {
  it("is for administrators only", async () => {
    const call = (authorization: string) => overviewRoute.GET(new Request("http://reel.test/api/admin/overview", { headers: { authorization } }));
    expect((await call(memberAuth)).status).toBe(403);
    const response = await call(adminAuth);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ videos: { ready: 3 }, queue: { waiting: 3 } });
  });
});

describe("Reel's web server", () => {
  it("times every request under its route, fast paths by their prefix", async () => {
    const counters = new RequestCounters();
    const server = createWebServer({
      counters,
      log: logger,
      fastPaths: [{ prefix: "/media/", handle: (_req, res) => void res.writeHead(206).end("x") }],
      fallback: (req, res) => void res.writeHead(req.url?.startsWith("/boom") ? 502 : 200).end("page"),
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const url of ["/media/tok/abc/hls/master.m3u8", "/media/tok/abc/mp4/video.mp4", `/watch/${randomUUID()}`, "/boom"]) {
        await new Promise<void>((resolve, reject) => http.get(`${base}${url}`, (res) => res.resume().on("end", resolve)).on("error", reject));
      }
    } finally {
      await closeGracefully(server, 1000);
    }
    const count = (label: string) => counters.counts[counters.labels.indexOf(label)];
    expect(count("GET /media/*")).toBe(2);
    expect(count("GET /watch/[id]")).toBe(1);
    expect(count("GET /boom")).toBe(1);
    expect(counters.errors[counters.labels.indexOf("GET /boom")]).toBe(1);
  });
});
