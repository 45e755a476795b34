import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { LRUCache } from "lru-cache";
import { db } from "@/lib/db/client";
import { childLogger } from "@/lib/log";
import { COMPLETION_SHARE, histogramPercentile, LIVE_STALE_SECONDS, QUALITY_SQL, RANGES, RETENTION_POINTS, type QualityFigure, type RangeKey, type Split } from "./definitions";
import { STATS_CACHE_MS } from "./freshness";
import { RETENTION_SUMS, rawPeaks, rawSums, SUM_COLUMNS } from "./rollup";

/**
 * The figures behind /admin/quality, /admin/audience and a video's Statistics tab. Every quality figure is an
 * aggregate from ./definitions.ts over the playback sessions (qoe_reports) that began in the range; audience
 * figures count views (table `views`). A `videoId` narrows everything to one video.
 */

export type Scope = { range: RangeKey; videoId?: string };

const log = childLogger("stats");

/**
 * Aggregates over a period are kept per process and shared by concurrent callers: several admins (and the pages' 5 s
 * self-refresh) then cost one query per figure, not one each. An answer older than STATS_CACHE_MS is still given
 * while a fresh one is computed in the background, so no request waits on a recomputation (a month of figures takes
 * longer than a page may); one unused for STATS_MAX_AGE_MS is dropped, and the next caller waits for a fresh one.
 * Streams playing now are never cached.
 */
const STATS_MAX_AGE_MS = 5 * 60_000;
type Entry = { value: Promise<unknown>; at: number; refreshing: boolean };
const recent = new LRUCache<string, Entry>({ max: 1000, ttl: STATS_MAX_AGE_MS });

function cached<A extends unknown[], T>(name: string, fn: (...args: A) => Promise<T>): (...args: A) => Promise<T> {
  return (...args: A) => {
    const key = `${name} ${JSON.stringify(args)}`;
    const entry = recent.get(key);
    if (!entry) {
      const value = fn(...args);
      recent.set(key, { value, at: Date.now(), refreshing: false });
      // A failed query is not kept.
      value.catch(() => recent.delete(key));
      return value;
    }
    if (!entry.refreshing && Date.now() - entry.at > STATS_CACHE_MS) {
      entry.refreshing = true;
      const value = fn(...args);
      value.then(
        () => recent.set(key, { value, at: Date.now(), refreshing: false }),
        (err: unknown) => {
          // The previous answer stays; the next caller tries again.
          entry.refreshing = false;
          log.warn({ err, query: name }, "could not refresh statistics");
        },
      );
    }
    return entry.value as Promise<T>;
  };
}
export type QualityRow = Record<QualityFigure, number | null>;

const figures = sql.raw(Object.entries(QUALITY_SQL).map(([name, expr]) => `${expr} as "${name}"`).join(", "));
/** Periods start on an hour boundary, so they are made of whole rolled-up hours. */
const since = (range: RangeKey) => sql`date_trunc('hour', now() - make_interval(hours => ${RANGES[range].hours}))`;
const bucket = (range: RangeKey) => sql.raw(`'${RANGES[range].bucket}'`);
const videoFilter = (column: SQL, videoId?: string) => (videoId ? sql`and ${column} = ${videoId}` : sql``);
const NIL_UUID = "00000000-0000-0000-0000-000000000000";

/** Ranges at least this long read the daily sums for their whole days, the hourly ones only at their edges. */
const DAILY_FROM_HOURS = 24 * 7;

/**
 * Where the rolled-up sums end: the hour after the newest hourly row and the day after the newest daily one (null
 * before any). Read first and passed to the queries as values, so Postgres plans each part's range for what it holds
 * (behind a subquery it guessed a third of the table and scanned all of it).
 */
async function rollupEnds(): Promise<{ hours: SQL; days: SQL | null }> {
  const [row] = await db.execute<{ hours: string | null; days: string | null }>(sql`
    select (select max(hour) + interval '1 hour' from qoe_hourly) as hours, (select max(day) + interval '1 day' from qoe_daily) as days`);
  return {
    hours: row.hours === null ? sql`'-infinity'::timestamptz` : sql`${row.hours}::timestamptz`,
    days: row.days === null ? null : sql`${row.days}::timestamptz`,
  };
}

/**
 * The sums of a period (qoe_hourly-shaped rows, alias `r` once selected from, `hour` their period's start): for a
 * range of a week or more, the daily sums of the whole UTC days in it, the hourly sums of the partial day at its
 * start and of the hours after the last summed day; for shorter ranges, the hourly sums; then the raw reports of the
 * hours after the last rolled-up one (the current hour, and the previous until the rollup ran). A CTE `src`.
 */
async function rolledSource({ range, videoId }: Scope) {
  const ends = await rollupEnds();
  const from = since(range);
  const hourly = (where: SQL) => sql`select hour, ${SUM_COLUMNS} from qoe_hourly where ${where} and hour < ${ends.hours} ${videoFilter(sql`video_id`, videoId)}`;
  const raw = sql`(${rawSums(sql`r.created_at >= ${from} and r.created_at >= ${ends.hours} ${videoFilter(sql`r.video_id`, videoId)}`)})`;
  if (RANGES[range].hours < DAILY_FROM_HOURS || !ends.days) return sql`with src as (${hourly(sql`hour >= ${from}`)} union all ${raw})`;
  // The first midnight at or after the start.
  const firstDay = sql`(date_trunc('day', ${from} - interval '1 microsecond', 'UTC') + interval '1 day')`;
  return sql`
    with src as (
      select day as hour, ${SUM_COLUMNS} from qoe_daily where day >= ${firstDay} and day < ${ends.days} ${videoFilter(sql`video_id`, videoId)}
      union all ${hourly(sql`hour >= ${from} and hour < ${firstDay}`)}
      union all ${hourly(sql`hour >= greatest(${firstDay}, ${ends.days})`)}
      union all ${raw}
    )`;
}

function numbers<T extends Record<string, unknown>>(row: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key] = typeof value === "string" && key !== "label" && key !== "key" && /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(value) ? Number(value) : value;
  return out as T;
}

/** A row of QUALITY_SQL's aggregates as figures: the startup histogram read as p50/p95 (histogramPercentile). */
function qualityRow<T extends { startupHistogram: number[] }>(row: T): Omit<T, "startupHistogram"> & QualityRow {
  const { startupHistogram, sessions, ...rest } = numbers(row) as T & { sessions: number | null };
  const histogram = startupHistogram.map(Number);
  return { sessions, startupP50: histogramPercentile(histogram, 0.5), startupP95: histogramPercentile(histogram, 0.95), ...rest } as unknown as Omit<T, "startupHistogram"> & QualityRow;
}

/** Every quality figure over the range, and per hour/day bucket for the charts. */
export const qualityOverview = cached("qualityOverview", async function qualityOverview(scope: Scope) {
  // One pass: the buckets, and the whole range as the row whose bucket is null (an empty range has that row only).
  const rows = await db.execute<{ startupHistogram: number[]; bucket: string | null }>(sql`
    ${await rolledSource(scope)} select date_trunc(${bucket(scope.range)}, r.hour, 'UTC') as bucket, ${figures}
    from src r group by grouping sets ((1), ()) order by 1 nulls first`);
  const [summary, ...series] = rows;
  return { summary: qualityRow(summary), series: series.map((row) => ({ ...qualityRow(row), bucket: new Date(row.bucket!).toISOString() })) };
});

const SPLIT_KEY: Record<Split, SQL> = {
  browser: sql`r.browser`,
  device: sql`r.device`,
  mode: sql`r.mode`,
  video: sql`nullif(r.video_id, ${NIL_UUID}::uuid)::text`,
};

/** Quality figures per browser family, device class, delivery or video (the 50 with most sessions). */
export const qualitySplit = cached("qualitySplit", async function qualitySplit(scope: Scope, split: Split) {
  const rows = await db.execute<{ startupHistogram: number[]; key: string | null; label: string | null }>(sql`
    ${await rolledSource(scope)}
    select s.*, ${split === "video" ? sql`(select title from videos v where v.id = s.key::uuid)` : sql`s.key`} as label
    from (
      select ${SPLIT_KEY[split]} as key, ${figures}
      from src r group by 1 order by sum(r.sessions) desc limit 50
    ) s order by s.sessions desc`);
  return rows.map(qualityRow);
});

/** Videos with the most failed sessions, then the highest rebuffer percentage (at least 3 sessions). */
export const worstVideos = cached("worstVideos", async function worstVideos({ range }: Scope, limit = 10) {
  const rows = await db.execute<{ startupHistogram: number[]; key: string; label: string | null }>(sql`
    ${await rolledSource({ range })}
    select s.*, (select title from videos v where v.id = s.key) as label from (
      select r.video_id as key, ${figures}
      from src r where r.video_id <> ${NIL_UUID}::uuid
      group by 1 having sum(r.sessions) >= 3
    ) s order by s."failurePercent" desc, s."rebufferPercent" desc nulls last limit ${limit}`);
  return rows.map(qualityRow);
});

export type FailedSession = { sessionId: string; videoId: string | null; title: string | null; error: string; browser: string; device: string; mode: string; at: string };

/** The latest sessions that ended on a fatal error. */
export const latestFailures = cached("latestFailures", async function latestFailures({ range, videoId }: Scope, limit = 20) {
  const rows = await db.execute<FailedSession>(sql`
    select r.session_id as "sessionId", r.video_id as "videoId", v.title, r.fatal_error as error, r.browser, r.device, r.mode,
      r.updated_at as at
    from qoe_reports r left join videos v on v.id = r.video_id
    where r.fatal_error is not null and r.created_at >= ${since(range)} ${videoFilter(sql`r.video_id`, videoId)}
    order by r.updated_at desc limit ${limit}`);
  return rows.map((row) => ({ ...row, at: new Date(row.at).toISOString() }));
});

/** One playback session with everything reported, for the drill-down. */
export async function sessionDetail(sessionId: string) {
  const [row] = await db.execute<Record<string, unknown>>(sql`
    select r.session_id as "sessionId", r.video_id as "videoId", v.title, u.name as "viewer", r.mode, r.browser, r.device, r.state,
      r.startup_ms as "startupMs", r.watched_seconds as "watchedSeconds", r.stall_count as "stallCount", r.stall_ms as "stallMs",
      r.quality_switches as "qualitySwitches", r.dropped_frames as "droppedFrames", r.last_height as "lastHeight",
      r.player_height as "playerHeight", r.upscaled_seconds as "upscaledSeconds",
      round((r.bitrate_kbit_sum / nullif(r.watched_seconds, 0))::numeric) as "avgBitrateKbps", r.max_position as "maxPosition",
      r.fatal_error as "fatalError", r.exited_before_start = 1 as "exitedBeforeStart", r.user_agent as "userAgent",
      r.report_count as "reportCount", r.created_at as "createdAt", r.updated_at as "updatedAt"
    from qoe_reports r left join videos v on v.id = r.video_id left join users u on u.id = r.user_id
    where r.session_id = ${sessionId}`);
  return row ? numbers(row) : null;
}

export type PlayingNow = { sessionId: string; viewer: string | null; videoId: string | null; title: string | null; height: number | null; mode: string; startedAt: string; watchedSeconds: number };

/** Streams whose player reported "playing" within LIVE_STALE_SECONDS (it repeats that every few seconds). */
export async function playingNow(): Promise<PlayingNow[]> {
  const rows = await db.execute<PlayingNow>(sql`
    select r.session_id as "sessionId", u.name as viewer, r.video_id as "videoId", v.title, r.last_height as height, r.mode,
      r.created_at as "startedAt", r.watched_seconds as "watchedSeconds"
    from qoe_reports r left join videos v on v.id = r.video_id left join users u on u.id = r.user_id
    where r.state = 'playing' and r.updated_at > now() - make_interval(secs => ${LIVE_STALE_SECONDS})
    order by r.created_at limit 200`);
  return rows.map((row) => ({ ...row, startedAt: new Date(row.startedAt).toISOString(), watchedSeconds: Number(row.watchedSeconds) }));
}

const COMPLETION_POINT = RETENTION_POINTS.indexOf(COMPLETION_SHARE * 100) + 1;

/** Views (counted, see VIEW_RULE), unique viewers and watch time per bucket, and their totals. */
export const audienceOverview = cached("audienceOverview", async function audienceOverview({ range, videoId }: Scope) {
  const [views] = await db.execute<{ views: number; viewers: number }>(sql`
    select count(*)::int as views, count(distinct w.user_id)::int as viewers from views w
    where w.created_at >= ${since(range)} ${videoFilter(sql`w.video_id`, videoId)}`);
  // Average view duration and completion are over sessions that started (showed a frame); completion is the
  // retention curve's point at COMPLETION_SHARE.
  const [watch] = await db.execute<{ watchSeconds: number; sessions: number; avgViewSeconds: number | null; completionPercent: number | null }>(sql`
    ${await rolledSource({ range, videoId })}
    select coalesce(sum(r.watched_seconds), 0)::float as "watchSeconds", coalesce(sum(r.sessions), 0)::int as sessions,
      (sum(r.started_watched_seconds) / nullif(sum(r.started), 0))::float as "avgViewSeconds",
      100.0 * sum(coalesce(r.retention[${COMPLETION_POINT}], 0)) / nullif(sum(coalesce(r.retention[1], 0)), 0) as "completionPercent"
    from src r`);
  const series = await db.execute<{ bucket: string; views: number; viewers: number; watchMinutes: number }>(sql`
    ${await rolledSource({ range, videoId })},
    b as (
      select date_trunc(${bucket(range)}, w.created_at, 'UTC') as bucket, count(*)::int as views, count(distinct w.user_id)::int as viewers, 0::float as watch
      from views w where w.created_at >= ${since(range)} ${videoFilter(sql`w.video_id`, videoId)} group by 1
      union all
      select date_trunc(${bucket(range)}, r.hour, 'UTC'), 0, 0, sum(r.watched_seconds) from src r group by 1
    )
    select bucket, sum(views)::int as views, max(viewers)::int as viewers, round((sum(watch) / 60)::numeric, 1)::float as "watchMinutes"
    from b group by bucket order by bucket`);
  return {
    totals: { ...views, ...numbers(watch), peakConcurrent: await peakConcurrent({ range, videoId }) },
    series: series.map((row) => ({ ...row, bucket: new Date(row.bucket).toISOString() })),
  };
});

/**
 * Retention curve: at each point (every 5 % of the duration), the share of started sessions whose furthest position
 * reached it (kept per hour in the rollups, so exact). Drop-off points are where the curve falls most between two points.
 */
export const retentionCurve = cached("retentionCurve", async function retentionCurve(scope: Scope) {
  const [row] = await db.execute<{ reached: (number | string | null)[] }>(sql`
    ${await rolledSource(scope)}
    select array[${RETENTION_SUMS}] as reached from src r`);
  const reached = row.reached.map((n) => Number(n ?? 0));
  const curve = RETENTION_POINTS.map((point, i) => ({ point, percent: reached[0] > 0 ? (100 * reached[i]) / reached[0] : null }));
  const drops = curve
    .slice(1)
    .map((row, i) => ({ point: row.point, drop: (curve[i].percent ?? 0) - (row.percent ?? 0) }))
    .filter((d) => d.drop > 0)
    .sort((a, b) => b.drop - a.drop)
    .slice(0, 3);
  return { curve, drops };
});

/** Most viewed videos: views, unique viewers and watch time. */
export const topVideos = cached("topVideos", async function topVideos({ range }: Scope, limit = 10) {
  const rows = await db.execute<{ videoId: string; title: string; views: number; viewers: number; watchMinutes: number }>(sql`
    ${await rolledSource({ range })},
    top as (
      select w.video_id, count(*)::int as views, count(distinct w.user_id)::int as viewers
      from views w where w.created_at >= ${since(range)} group by w.video_id
    ),
    watch as (select r.video_id, sum(r.watched_seconds) as seconds from src r group by 1)
    select t.video_id as "videoId", v.title, t.views, t.viewers, coalesce(round((watch.seconds / 60)::numeric, 1), 0)::float as "watchMinutes"
    from top t join videos v on v.id = t.video_id left join watch on watch.video_id = t.video_id
    order by t.views desc, v.title limit ${limit}`);
  return [...rows];
});

/**
 * Peak concurrent viewers: the most sessions open at one instant of the period, a session spanning its first to its
 * last report (one that is still open when the period begins counts too). The largest of the period's hourly peaks:
 * rolled up (qoe_peak_hourly), and from the raw reports for the hours after the last rolled-up one.
 */
export async function peakConcurrent({ range, videoId }: Scope): Promise<number> {
  const key = videoId ?? NIL_UUID;
  // Peaks are rolled up with the hourly sums: they end where those do.
  const { hours } = await rollupEnds();
  const [row] = await db.execute<{ peak: number | null }>(sql`
    select greatest(
      (select max(peak) from qoe_peak_hourly where video_id = ${key} and hour >= ${since(range)} and hour < ${hours}),
      (select max(peak) from (${rawPeaks(sql`greatest(${since(range)}, ${hours})`, sql`date_trunc('hour', now()) + interval '1 hour'`, videoId)}) t where t.video_id = ${key})
    )::int as peak`);
  return row?.peak ?? 0;
}
