import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// A database of this file's own: the rollup sums old hours only once, so no other file's rollup may run first.
const { fresh } = await vi.hoisted(async () => {
  const { freshDatabase } = await import("@/test/fresh-database");
  return { fresh: await freshDatabase() };
});

import { sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { qoeReports, videos, views, type NewQoeReport } from "@/lib/db/schema";
import { createTestUser } from "@/test/factories";
import type { RangeKey } from "./definitions";
import { STATS_CACHE_MS } from "./freshness";
import { audienceOverview, peakConcurrent, qualityOverview, qualitySplit, retentionCurve, topVideos } from "./queries";
import { allTimeTotals, rollUpAndExpire } from "./rollup";

/** The startup histogram's upper edges (lib/stats/definitions.ts), written out again here. */
const EDGES = [100, 200, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 5000, 8000, 13000, 20000, 30000, 60000];

/**
 * Every figure is checked against a query written here, differently from lib/stats (nearest-rank by OFFSET, counts
 * by separate sub-selects, concurrency by probing each start instant), on seeded sessions of videos of this file.
 */

let videoId: string;
let otherVideo: string;
/** Sessions over the last nine and a half days: ranges of 7 and 30 days read them from daily sums and hourly edges. */
let weekVideo: string;
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

// Deterministic pseudo-random figures: the same seed every run.
let state = 7;
const rand = (max: number) => {
  state = (state * 1103515245 + 12345) % 2 ** 31;
  return state % max;
};

beforeAll(async () => {
  const owner = await createTestUser();
  const [a, b, c] = await db
    .insert(videos)
    .values([
      { ownerId: owner.id, title: "stats A", visibility: "public", sourceKind: "upload", duration: 100, status: "ready" },
      { ownerId: owner.id, title: "stats B", visibility: "public", sourceKind: "upload", duration: 50, status: "ready" },
      { ownerId: owner.id, title: "stats C", visibility: "public", sourceKind: "upload", duration: 100, status: "ready" },
    ])
    .returning({ id: videos.id });
  videoId = a.id;
  otherVideo = b.id;
  weekVideo = c.id;
  const rows: NewQoeReport[] = [];
  for (let i = 0; i < 360; i++) {
    const started = i % 10 !== 0;
    const failed = i % 13 === 0;
    // The first 60 within the last ten hours; then the week video's, over nine and a half days (some this hour).
    const week = i >= 60;
    const createdAt = minutesAgo(week ? (i % 25 === 0 ? rand(5) : 10 + rand(60 * 24 * 9.5)) : 10 + rand(600));
    rows.push({
      sessionId: `stats-${i}-${crypto.randomUUID()}`,
      videoId: week ? weekVideo : i % 6 === 0 ? otherVideo : videoId,
      mode: (["hls", "native-hls", "mp4"] as const)[i % 3],
      browser: ["chrome", "firefox", "safari"][i % 3],
      device: ["phone", "desktop"][i % 2],
      startupMs: started ? 100 + rand(3000) : null,
      exitedBeforeStart: !started && !failed ? 1 : 0,
      fatalError: failed ? "network error" : null,
      watchedSeconds: started ? rand(120) : 0,
      stallCount: started ? rand(4) : 0,
      stallMs: started ? rand(5000) : 0,
      qualitySwitches: rand(3),
      upscaledSeconds: started ? rand(10) : 0,
      bitrateKbitSum: started && i % 3 !== 2 ? rand(200_000) : 0,
      maxPosition: started ? rand(101) : 0,
      state: "paused",
      createdAt,
      updatedAt: new Date(Math.min(Date.now(), createdAt.getTime() + rand(40) * 60_000)),
    });
  }
  await db.insert(qoeReports).values(rows);
  const viewers = await Promise.all([createTestUser(), createTestUser(), createTestUser()]);
  await db.insert(views).values([0, 1, 2, 0, 1].map((i, n) => ({ userId: viewers[i].id, videoId, createdAt: minutesAgo(5 + n * 40) })));
  await db.insert(views).values(Array.from({ length: 40 }, (_, n) => ({ userId: viewers[n % 3].id, videoId: weekVideo, createdAt: minutesAgo(5 + rand(60 * 24 * 9.5)) })));
  // Old sessions (and a recent one) for the expiry test, seeded before the first rollup as they would have been reported.
  const base = { videoId: otherVideo, mode: "hls" as const, startupMs: 500, watchedSeconds: 30, stallCount: 1, stallMs: 700, qualitySwitches: 2, state: "ended" as const };
  await db.insert(qoeReports).values([
    { ...base, sessionId: `old-${crypto.randomUUID()}`, createdAt: minutesAgo(60 * 24 * 40), updatedAt: minutesAgo(60 * 24 * 40) },
    { ...base, sessionId: `old-${crypto.randomUUID()}`, startupMs: null, exitedBeforeStart: 1, createdAt: minutesAgo(60 * 24 * 40), updatedAt: minutesAgo(60 * 24 * 40) },
    { ...base, sessionId: `recent-${crypto.randomUUID()}`, fatalError: "boom", createdAt: minutesAgo(1), updatedAt: minutesAgo(1) },
  ]);
  // Figures are read from the hourly rollups plus the raw reports of the current hour: both take part.
  await rollUpAndExpire();
  const [{ rolled }] = await db.execute<{ rolled: number }>(sql`select count(*)::int as rolled from qoe_hourly where video_id = ${videoId}`);
  expect(rolled).toBeGreaterThan(0);
  const [{ days }] = await db.execute<{ days: number }>(sql`select count(distinct day)::int as days from qoe_daily where video_id = ${weekVideo}`);
  expect(days).toBeGreaterThanOrEqual(8);
});
afterAll(() => fresh.drop());

async function one<T>(query: ReturnType<typeof sql>): Promise<T> {
  const [row] = await db.execute<{ v: T }>(query);
  return row.v;
}
const num = (v: unknown) => (v === null ? null : Number(v));

/** Sessions of `video` that began in `range` (from the start of the hour `range` ago), written independently of lib/stats. */
const inRange = (range: RangeKey, video: string) =>
  sql`video_id = ${video} and created_at >= date_trunc('hour', now() - ${sql.raw(`interval '${{ "24h": "24 hours", "7d": "7 days", "30d": "30 days" }[range]}'`)})`;

/** Every quality figure of `video` over `range` against queries over the raw reports. */
async function expectQualityOfRaw(range: RangeKey, video: string) {
  const { summary, series } = await qualityOverview({ range, videoId: video });
  const scope = inRange(range, video);
  const started = await one<number>(sql`select count(*)::int as v from qoe_reports where ${scope} and startup_ms is not null`);
  // The nearest-rank session's startup time, reported as the upper edge of the histogram bucket it falls in.
  const nearestRank = (p: number) =>
    one<number>(sql`
      select (select coalesce(min(e), 60000) from unnest(${sql.raw(`array[${EDGES.join(",")}]`)}::int[]) e where e >= s.startup_ms) as v
      from (select startup_ms from qoe_reports where ${scope} and startup_ms is not null order by startup_ms offset ${Math.ceil(p * started) - 1} limit 1) s`);
  expect(summary.startupP50).toBe(await nearestRank(0.5));
  expect(summary.startupP95).toBe(await nearestRank(0.95));

  const total = await one<number>(sql`select count(*)::int as v from qoe_reports where ${scope}`);
  const exits = await one<number>(sql`select count(*)::int as v from qoe_reports where ${scope} and startup_ms is null and fatal_error is null and exited_before_start = 1`);
  const failures = await one<number>(sql`select count(*)::int as v from qoe_reports where ${scope} and fatal_error is not null`);
  const startupFailures = await one<number>(sql`select count(*)::int as v from qoe_reports where ${scope} and fatal_error is not null and startup_ms is null`);
  expect(summary.sessions).toBe(total);
  expect(exits).toBeGreaterThan(0);
  expect(summary.ebvsPercent).toBeCloseTo((100 * exits) / total, 9);
  expect(summary.failurePercent).toBeCloseTo((100 * failures) / total, 9);
  expect(summary.startupFailurePercent).toBeCloseTo((100 * startupFailures) / total, 9);

  const sums = (
    await db.execute<{ watched: number; stall_ms: number; stalls: number; upscaled: number; bits: number; bitrate_watched: number; switches: number }>(sql`
      select sum(watched_seconds)::float as watched, sum(stall_ms)::float as stall_ms, sum(stall_count)::float as stalls,
        sum(upscaled_seconds)::float as upscaled, sum(bitrate_kbit_sum)::float as bits, sum(quality_switches)::float as switches,
        (select sum(watched_seconds) from qoe_reports where ${scope} and bitrate_kbit_sum > 0)::float as bitrate_watched
      from qoe_reports where ${scope}`)
  )[0];
  expect(summary.rebufferPercent).toBeCloseTo((100 * sums.stall_ms) / 1000 / (sums.watched + sums.stall_ms / 1000), 6);
  expect(summary.rebufferPerMinute).toBeCloseTo(sums.stalls / (sums.watched / 60), 6);
  expect(summary.upscalePercent).toBeCloseTo((100 * sums.upscaled) / sums.watched, 4);
  expect(summary.avgBitrateKbps).toBeCloseTo(sums.bits / sums.bitrate_watched, 4);
  expect(summary.switchesPerSession).toBeCloseTo(sums.switches / total, 9);

  // Per hour (24 h) or UTC day: sessions, failures and stall time of each bucket.
  const unit = range === "24h" ? "hour" : "day";
  const buckets = await db.execute<{ bucket: string; sessions: number; failures: number; stall_ms: number; watched: number }>(sql`
    select to_char(date_trunc(${unit}, created_at at time zone 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS.000"Z"') as bucket, count(*)::int as sessions,
      count(*) filter (where fatal_error is not null)::int as failures, sum(stall_ms)::float as stall_ms, sum(watched_seconds)::float as watched
    from qoe_reports where ${scope} group by 1 order by 1`);
  expect(series.map((b) => [b.bucket, b.sessions])).toEqual(buckets.map((b) => [b.bucket, b.sessions]));
  series.forEach((b, i) => {
    expect(b.failurePercent).toBeCloseTo((100 * buckets[i].failures) / buckets[i].sessions, 9);
    expect(b.rebufferPercent).toBeCloseTo((100 * buckets[i].stall_ms) / 1000 / (buckets[i].watched + buckets[i].stall_ms / 1000), 6);
  });
  return summary;
}

describe("quality figures", () => {
  it("match independent queries: startup p50/p95 (to the histogram's bucket), EBVS, failures, rebuffer, upscale, bitrate", async () => {
    await expectQualityOfRaw("24h", videoId);
  });

  it("match them over 7 and 30 days, read from daily sums, the hours at the edges and this hour's raw reports", async () => {
    const week = await expectQualityOfRaw("7d", weekVideo);
    const month = await expectQualityOfRaw("30d", weekVideo);
    // The month holds the sessions of nine and a half days, the week fewer.
    expect(month.sessions).toBe(300);
    expect(week.sessions).toBeLessThan(300);
    const byBrowser = await qualitySplit({ range: "7d", videoId: weekVideo }, "browser");
    for (const row of byBrowser) {
      expect(row.sessions).toBe(await one<number>(sql`select count(*)::int as v from qoe_reports where ${inRange("7d", weekVideo)} and browser = ${row.key}`));
    }
    expect(byBrowser.reduce((n, r) => n + (r.sessions ?? 0), 0)).toBe(week.sessions);
  });

  it("adds up across buckets and splits", async () => {
    const { summary, series } = await qualityOverview({ range: "24h", videoId });
    expect(series.reduce((n, b) => n + (b.sessions ?? 0), 0)).toBe(summary.sessions);
    const byBrowser = await qualitySplit({ range: "24h", videoId }, "browser");
    expect(byBrowser.map((r) => r.key).sort()).toEqual(["chrome", "firefox", "safari"]);
    expect(byBrowser.reduce((n, r) => n + (r.sessions ?? 0), 0)).toBe(summary.sessions);
    const chrome = byBrowser.find((r) => r.key === "chrome")!;
    expect(chrome.sessions).toBe(await one<number>(sql`select count(*)::int as v from qoe_reports where video_id = ${videoId} and browser = 'chrome'`));
  });
});

describe("audience figures", () => {
  it("retention curve: share of started sessions whose furthest point reached each 5 %", async () => {
    const { curve } = await retentionCurve({ range: "24h", videoId });
    expect(curve).toHaveLength(21);
    for (const { point, percent } of curve) {
      const expected = await one<number>(sql`
        select 100.0 * (select count(*) from qoe_reports where video_id = ${videoId} and startup_ms is not null and max_position >= ${point} * 100 / 100.0)
          / (select count(*) from qoe_reports where video_id = ${videoId} and startup_ms is not null) as v`);
      expect(percent).toBeCloseTo(Number(expected), 9);
    }
    expect(curve[0].percent).toBe(100);
  });

  it("peak concurrency: the most sessions open at any session's start", async () => {
    const expected = await one<number>(sql`
      select max((select count(*) from qoe_reports o where o.video_id = ${videoId} and o.startup_ms is not null
        and o.created_at <= s.created_at and o.updated_at > s.created_at))::int as v
      from qoe_reports s where s.video_id = ${videoId} and s.startup_ms is not null`);
    expect(expected).toBeGreaterThan(1);
    expect(await peakConcurrent({ range: "24h", videoId })).toBe(expected);
  });

  it("views, unique viewers, watch time, average view duration and completion", async () => {
    const { totals } = await audienceOverview({ range: "24h", videoId });
    expect(totals.views).toBe(5);
    expect(totals.viewers).toBe(3);
    expect(num(totals.watchSeconds)).toBeCloseTo(Number(await one(sql`select sum(watched_seconds)::float as v from qoe_reports where video_id = ${videoId}`)), 3);
    expect(num(totals.avgViewSeconds)).toBeCloseTo(Number(await one(sql`select avg(watched_seconds)::float as v from qoe_reports where video_id = ${videoId} and startup_ms is not null`)), 6);
    const completion = await one<number>(sql`
      select 100.0 * (select count(*) from qoe_reports where video_id = ${videoId} and startup_ms is not null and max_position >= 95)
        / (select count(*) from qoe_reports where video_id = ${videoId} and startup_ms is not null) as v`);
    expect(Number(completion)).toBeGreaterThan(0);
    expect(num(totals.completionPercent)).toBeCloseTo(Number(completion), 9);
  });
});

describe("audience figures over 7 and 30 days", () => {
  it("retention, watch time, average view duration, completion and the daily series match the raw reports", async () => {
    for (const range of ["7d", "30d"] as const) {
      const scope = inRange(range, weekVideo);
      const { curve } = await retentionCurve({ range, videoId: weekVideo });
      const startedCount = await one<number>(sql`select count(*)::int as v from qoe_reports where ${scope} and startup_ms is not null`);
      for (const { point, percent } of curve) {
        const reached = await one<number>(sql`select count(*)::int as v from qoe_reports where ${scope} and startup_ms is not null and max_position >= ${point}`);
        expect(percent).toBeCloseTo((100 * reached) / startedCount, 9);
      }
      const { totals, series } = await audienceOverview({ range, videoId: weekVideo });
      expect(num(totals.watchSeconds)).toBeCloseTo(Number(await one(sql`select sum(watched_seconds)::float as v from qoe_reports where ${scope}`)), 3);
      expect(num(totals.avgViewSeconds)).toBeCloseTo(Number(await one(sql`select avg(watched_seconds)::float as v from qoe_reports where ${scope} and startup_ms is not null`)), 6);
      const completed = await one<number>(sql`select count(*)::int as v from qoe_reports where ${scope} and startup_ms is not null and max_position >= 95`);
      expect(num(totals.completionPercent)).toBeCloseTo((100 * completed) / startedCount, 9);
      const since = sql.raw(`date_trunc('hour', now() - interval '${range === "7d" ? 7 : 30} days')`);
      const days = await db.execute<{ bucket: string; views: number; minutes: number }>(sql`
        select d.bucket, coalesce(v.views, 0)::int as views, coalesce(w.seconds, 0)::float / 60 as minutes
        from (
          select to_char(date_trunc('day', created_at at time zone 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS.000"Z"') as bucket from qoe_reports where ${scope}
          union select to_char(date_trunc('day', created_at at time zone 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS.000"Z"') from views where video_id = ${weekVideo} and created_at >= ${since}
        ) d
        left join (select to_char(date_trunc('day', created_at at time zone 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS.000"Z"') as bucket, count(*) as views
          from views where video_id = ${weekVideo} and created_at >= ${since} group by 1) v on v.bucket = d.bucket
        left join (select to_char(date_trunc('day', created_at at time zone 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS.000"Z"') as bucket, sum(watched_seconds) as seconds
          from qoe_reports where ${scope} group by 1) w on w.bucket = d.bucket
        order by 1`);
      expect(series.map((b) => [b.bucket, b.views])).toEqual(days.map((d) => [d.bucket, d.views]));
      series.forEach((b, i) => expect(Math.abs(b.watchMinutes - days[i].minutes)).toBeLessThanOrEqual(0.05 + 1e-9));
    }
  });
});

describe("top videos", () => {
  it("rank by views, with unique viewers and watch time", async () => {
    const mine = (await topVideos({ range: "24h" }, 1000)).find((row) => row.videoId === videoId);
    const minutes = Number(await one(sql`select sum(watched_seconds)::float / 60 as v from qoe_reports where video_id = ${videoId}`));
    expect(mine).toMatchObject({ views: 5, viewers: 3 });
    // Shown to a tenth of a minute.
    expect(Math.abs(mine!.watchMinutes - minutes)).toBeLessThanOrEqual(0.05 + 1e-9);
  });
});

describe("cached figures", () => {
  it("are answered at once when old, while fresh ones are computed for the next caller", async () => {
    const [owner] = await db.execute<{ id: string }>(sql`select owner_id as id from videos where id = ${videoId}`);
    const [video] = await db.insert(videos).values({ ownerId: owner.id, title: "stats D", visibility: "public", sourceKind: "upload", duration: 60, status: "ready" }).returning({ id: videos.id });
    const session = (n: number): NewQoeReport => ({ sessionId: `cache-${n}-${crypto.randomUUID()}`, videoId: video.id, mode: "hls", state: "ended", startupMs: 300, watchedSeconds: 10 });
    await db.insert(qoeReports).values(session(1));
    const scope = { range: "24h" as const, videoId: video.id };
    expect((await qualityOverview(scope)).summary.sessions).toBe(1);
    await db.insert(qoeReports).values(session(2));
    // Within STATS_CACHE_MS: the kept answer.
    expect((await qualityOverview(scope)).summary.sessions).toBe(1);
    const now = Date.now();
    const clock = vi.spyOn(Date, "now").mockReturnValue(now + STATS_CACHE_MS + 1);
    try {
      // Older than that: still the kept answer, without waiting; a fresh one follows.
      expect((await qualityOverview(scope)).summary.sessions).toBe(1);
      let sessions = 1;
      for (let i = 0; i < 10_000 && sessions === 1; i++) {
        await new Promise((resolve) => setImmediate(resolve));
        sessions = (await qualityOverview(scope)).summary.sessions ?? 0;
      }
      expect(sessions).toBe(2);
    } finally {
      clock.mockRestore();
    }
  });
});

describe("rollups and expiry", () => {
  it("keep all-time totals equal while raw reports expire", async () => {
    const before = await allTimeTotals(otherVideo);
    expect(before.sessions).toBe(await one<number>(sql`select count(*)::int as v from qoe_reports where video_id = ${otherVideo}`));
    const result = await rollUpAndExpire(31);
    expect(result?.expired).toBeGreaterThanOrEqual(2);
    expect(await one<number>(sql`select count(*)::int as v from qoe_reports where video_id = ${otherVideo} and created_at < now() - interval '31 days'`)).toBe(0);
    expect(await allTimeTotals(otherVideo)).toEqual(before);
    await rollUpAndExpire(31);
    expect(await allTimeTotals(otherVideo)).toEqual(before);
  });
});
