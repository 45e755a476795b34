import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { LRUCache } from "lru-cache";
import { db } from "@/lib/db/client";
import { COMPLETION_SHARE, LIVE_STALE_SECONDS, QUALITY_SQL, RANGES, RETENTION_POINTS, type QualityFigure, type RangeKey, type Split } from "./definitions";

/**
 * The figures behind /admin/quality, /admin/audience and a video's Statistics tab. Every quality figure is an
 * aggregate from ./definitions.ts over the playback sessions (qoe_reports) that began in the range; audience
 * figures count views (table `views`). A `videoId` narrows everything to one video.
 */

export type Scope = { range: RangeKey; videoId?: string };

/**
 * Aggregates over a period are kept this long per process and shared by concurrent callers: several admins (and the
 * pages' 5 s self-refresh) then cost one query per figure, not one each. Streams playing now are never cached.
 */
export const STATS_CACHE_MS = 15_000;
const recent = new LRUCache<string, Promise<unknown>>({ max: 1000, ttl: STATS_CACHE_MS });

function cached<A extends unknown[], T>(name: string, fn: (...args: A) => Promise<T>): (...args: A) => Promise<T> {
  return (...args: A) => {
    const key = `${name} ${JSON.stringify(args)}`;
    let hit = recent.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = fn(...args);
      recent.set(key, hit);
      // A failed query is not kept.
      hit.catch(() => recent.delete(key));
    }
    return hit;
  };
}
export type QualityRow = Record<QualityFigure, number | null>;

const figures = sql.raw(Object.entries(QUALITY_SQL).map(([name, expr]) => `${expr} as "${name}"`).join(", "));
const since = (range: RangeKey) => sql`now() - make_interval(hours => ${RANGES[range].hours})`;
const bucket = (range: RangeKey) => sql.raw(`'${RANGES[range].bucket}'`);
const videoFilter = (column: SQL, videoId?: string) => (videoId ? sql`and ${column} = ${videoId}` : sql``);

function numbers<T extends Record<string, unknown>>(row: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key] = typeof value === "string" && key !== "label" && key !== "key" && /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(value) ? Number(value) : value;
  return out as T;
}

/** Every quality figure over the range, and per hour/day bucket for the charts. */
export const qualityOverview = cached("qualityOverview", async function qualityOverview({ range, videoId }: Scope) {
  const [summary] = await db.execute<QualityRow>(sql`
    select ${figures} from qoe_reports r where r.created_at >= ${since(range)} ${videoFilter(sql`r.video_id`, videoId)}`);
  const series = await db.execute<QualityRow & { bucket: string }>(sql`
    select date_trunc(${bucket(range)}, r.created_at) as bucket, ${figures}
    from qoe_reports r where r.created_at >= ${since(range)} ${videoFilter(sql`r.video_id`, videoId)}
    group by 1 order by 1`);
  return { summary: numbers(summary), series: series.map((row) => ({ ...numbers(row), bucket: new Date(row.bucket).toISOString() })) };
});

const SPLIT_KEY: Record<Split, SQL> = {
  browser: sql`r.browser`,
  device: sql`r.device`,
  mode: sql`r.mode`,
  video: sql`r.video_id::text`,
};

/** Quality figures per browser family, device class, delivery or video (the 50 with most sessions). */
export const qualitySplit = cached("qualitySplit", async function qualitySplit({ range, videoId }: Scope, split: Split) {
  const rows = await db.execute<QualityRow & { key: string | null; label: string | null }>(sql`
    select s.*, ${split === "video" ? sql`(select title from videos v where v.id::text = s.key)` : sql`s.key`} as label
    from (
      select ${SPLIT_KEY[split]} as key, ${figures}
      from qoe_reports r where r.created_at >= ${since(range)} ${videoFilter(sql`r.video_id`, videoId)}
      group by 1 order by count(*) desc limit 50
    ) s order by s.sessions desc`);
  return rows.map(numbers);
});

/** Videos with the most failed sessions, then the highest rebuffer percentage (at least 3 sessions). */
export const worstVideos = cached("worstVideos", async function worstVideos({ range }: Scope, limit = 10) {
  const rows = await db.execute<QualityRow & { key: string; label: string | null }>(sql`
    select s.*, (select title from videos v where v.id = s.key) as label from (
      select r.video_id as key, ${figures}
      from qoe_reports r where r.created_at >= ${since(range)} and r.video_id is not null
      group by 1 having count(*) >= 3
    ) s order by s."failurePercent" desc, s."rebufferPercent" desc nulls last limit ${limit}`);
  return rows.map(numbers);
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

/** Views (counted, see VIEW_RULE), unique viewers and watch time per bucket, and their totals. */
export const audienceOverview = cached("audienceOverview", async function audienceOverview({ range, videoId }: Scope) {
  const [views] = await db.execute<{ views: number; viewers: number }>(sql`
    select count(*)::int as views, count(distinct w.user_id)::int as viewers from views w
    where w.created_at >= ${since(range)} ${videoFilter(sql`w.video_id`, videoId)}`);
  // Average view duration and completion are over sessions that started (showed a frame).
  const [watch] = await db.execute<{ watchSeconds: number; sessions: number; avgViewSeconds: number | null; completionPercent: number | null }>(sql`
    select coalesce(sum(r.watched_seconds), 0)::float as "watchSeconds", count(*)::int as sessions,
      avg(r.watched_seconds) filter (where r.startup_ms is not null)::float as "avgViewSeconds",
      100.0 * count(*) filter (where r.startup_ms is not null and v.duration > 0 and r.max_position >= ${COMPLETION_SHARE} * v.duration)
        / nullif(count(*) filter (where r.startup_ms is not null and v.duration > 0), 0) as "completionPercent"
    from qoe_reports r left join videos v on v.id = r.video_id
    where r.created_at >= ${since(range)} ${videoFilter(sql`r.video_id`, videoId)}`);
  const series = await db.execute<{ bucket: string; views: number; viewers: number; watchMinutes: number }>(sql`
    with b as (
      select date_trunc(${bucket(range)}, w.created_at) as bucket, count(*)::int as views, count(distinct w.user_id)::int as viewers, 0::float as watch
      from views w where w.created_at >= ${since(range)} ${videoFilter(sql`w.video_id`, videoId)} group by 1
      union all
      select date_trunc(${bucket(range)}, r.created_at), 0, 0, sum(r.watched_seconds)
      from qoe_reports r where r.created_at >= ${since(range)} ${videoFilter(sql`r.video_id`, videoId)} group by 1
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
 * reached it. Drop-off points are where the curve falls most between two points.
 */
export const retentionCurve = cached("retentionCurve", async function retentionCurve({ range, videoId }: Scope) {
  const rows = await db.execute<{ point: number; percent: number | null }>(sql`
    select p.point, 100.0 * count(r.*) filter (where r.max_position >= p.point / 100.0 * v.duration) / nullif(count(r.*), 0) as percent
    from unnest(${sql.raw(`array[${RETENTION_POINTS.join(",")}]`)}::int[]) as p(point)
    cross join qoe_reports r join videos v on v.id = r.video_id
    where r.startup_ms is not null and v.duration > 0 and r.created_at >= ${since(range)} ${videoFilter(sql`r.video_id`, videoId)}
    group by p.point order by p.point`);
  const curve = rows.map((row) => ({ point: row.point, percent: row.percent === null ? null : Number(row.percent) }));
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
    select w.video_id as "videoId", v.title, count(*)::int as views, count(distinct w.user_id)::int as viewers,
      coalesce((select round((sum(r.watched_seconds) / 60)::numeric, 1) from qoe_reports r
        where r.video_id = w.video_id and r.created_at >= ${since(range)}), 0)::float as "watchMinutes"
    from views w join videos v on v.id = w.video_id
    where w.created_at >= ${since(range)} group by w.video_id, v.title order by views desc, v.title limit ${limit}`);
  return [...rows];
});

/**
 * Peak concurrent viewers: the most sessions open at one instant, a session spanning its first to its last report.
 * At equal instants an end is counted before a start, so back-to-back sessions do not overlap.
 */
export async function peakConcurrent({ range, videoId }: Scope): Promise<number> {
  const [row] = await db.execute<{ peak: number | null }>(sql`
    select max(open)::int as peak from (
      select sum(delta) over (order by at, delta rows unbounded preceding) as open from (
        select r.created_at as at, 1 as delta from qoe_reports r
          where r.startup_ms is not null and r.created_at >= ${since(range)} ${videoFilter(sql`r.video_id`, videoId)}
        union all
        select r.updated_at, -1 from qoe_reports r
          where r.startup_ms is not null and r.created_at >= ${since(range)} ${videoFilter(sql`r.video_id`, videoId)}
      ) e
    ) s`);
  return row?.peak ?? 0;
}
