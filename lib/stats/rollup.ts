import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { EBVS_CONDITION, QUALITY_SQL, RETENTION_POINTS, STARTUP_BUCKETS_MS } from "./definitions";

/** Hours before the newest rolled-up hour that are rebuilt each run: sessions keep reporting after the hour they began. */
const REBUILD_HOURS = 48;
/** Raw rows are deleted in chunks of this many, so expiry never holds long locks. */
const EXPIRE_CHUNK = 10_000;
const NIL_UUID = "00000000-0000-0000-0000-000000000000";

const histogram = sql.raw(
  `array[${[0, ...STARTUP_BUCKETS_MS]
    .map((low, i) => {
      const high = STARTUP_BUCKETS_MS[i];
      return `count(*) filter (where r.startup_ms ${i === 0 ? ">= 0" : `> ${low}`}${high === undefined ? "" : ` and r.startup_ms <= ${high}`})::int`;
    })
    .join(", ")}]`,
);
// Compared as 100 × position ≥ point × duration: point / 100.0 × duration is inexact in floating point (0.55 × 100 is
// 55.000000000000007), which left a session that stopped exactly at a point out of it.
const retention = sql.raw(
  `array[${RETENTION_POINTS.map((point) => `count(*) filter (where r.startup_ms is not null and v.duration > 0 and 100 * r.max_position >= ${point} * v.duration)::int`).join(", ")}]`,
);
const ebvs = sql.raw(EBVS_CONDITION);

/** The columns qoe_hourly and qoe_daily share after their period column, in the order rawSums() selects them. */
export const SUM_COLUMNS = sql.raw(`video_id, browser, device, mode, sessions, started, exits_before_start, failures, startup_failures,
  startup_ms_sum, startup_histogram, watched_seconds, started_watched_seconds, stall_count, stall_ms, quality_switches, upscaled_seconds,
  bitrate_kbit_sum, bitrate_watched_seconds, retention`);

/** Element-wise sums of the retention arrays of qoe_hourly-shaped rows (alias `r`); rows from before retention was kept have none. */
export const RETENTION_SUMS = sql.raw(RETENTION_POINTS.map((_, i) => `sum(coalesce(r.retention[${i + 1}], 0))`).join(", "));

/** qoe_hourly-shaped rows (alias `r`) added up per split, in SUM_COLUMNS' order after the split columns: how a day sums its hours. */
const SUMS_OF_SUMS = sql`sum(r.sessions)::int, sum(r.started)::int, sum(r.exits_before_start)::int, sum(r.failures)::int,
  sum(r.startup_failures)::int, sum(r.startup_ms_sum)::float, ${sql.raw(QUALITY_SQL.startupHistogram)}, sum(r.watched_seconds)::float,
  sum(r.started_watched_seconds)::float, sum(r.stall_count)::int, sum(r.stall_ms)::float, sum(r.quality_switches)::int,
  sum(r.upscaled_seconds)::float, sum(r.bitrate_kbit_sum)::float, sum(r.bitrate_watched_seconds)::float, array[${RETENTION_SUMS}]::int[]`;

/**
 * qoe_hourly's rows computed from the raw reports matching `where` (a condition on `r`): what the rollup stores,
 * and what the stats queries add for the hours not rolled up yet.
 */
export function rawSums(where: SQL) {
  return sql`
    select date_trunc('hour', r.created_at) as hour, coalesce(r.video_id, ${NIL_UUID}::uuid) as video_id, r.browser, r.device, r.mode,
      count(*)::int as sessions, count(*) filter (where r.startup_ms is not null)::int as started,
      count(*) filter (where ${ebvs})::int as exits_before_start, count(*) filter (where r.fatal_error is not null)::int as failures,
      count(*) filter (where r.fatal_error is not null and r.startup_ms is null)::int as startup_failures,
      coalesce(sum(r.startup_ms), 0)::float as startup_ms_sum, ${histogram} as startup_histogram, sum(r.watched_seconds)::float as watched_seconds,
      coalesce(sum(r.watched_seconds) filter (where r.startup_ms is not null), 0)::float as started_watched_seconds,
      sum(r.stall_count)::int as stall_count, sum(r.stall_ms)::float as stall_ms, sum(r.quality_switches)::int as quality_switches,
      sum(r.upscaled_seconds)::float as upscaled_seconds, sum(r.bitrate_kbit_sum)::float as bitrate_kbit_sum,
      coalesce(sum(r.watched_seconds) filter (where r.bitrate_kbit_sum > 0), 0)::float as bitrate_watched_seconds, ${retention} as retention
    from qoe_reports r left join videos v on v.id = r.video_id
    where ${where}
    group by 1, 2, 3, 4, 5`;
}

/**
 * Peak concurrent started sessions in each hour from `from` to before `to` (hour boundaries), per video and for all
 * videos (nil uuid), from the raw reports. A session is open from its first report to its last (one of no length
 * never is); at equal instants an end comes before a start, so back-to-back sessions do not overlap. Each session is
 * taken into every hour it overlaps, so the largest hourly peak of a period is its peak.
 */
export function rawPeaks(from: SQL, to: SQL, videoId?: string) {
  return sql`
    with m as (
      select h.hour, r.video_id, greatest(r.created_at, h.hour) as starts, r.updated_at as ends
      from qoe_reports r
      cross join lateral generate_series(date_trunc('hour', r.created_at), r.updated_at, interval '1 hour') as h(hour)
      where r.startup_ms is not null and r.updated_at > r.created_at and r.updated_at > ${from} and r.created_at < ${to}
        and h.hour < r.updated_at and h.hour >= ${from} and h.hour < ${to} ${videoId ? sql`and r.video_id = ${videoId}` : sql``}
    ),
    e as (
      select hour, video_id, starts as at, 1 as delta from m
      union all
      select hour, video_id, ends, -1 from m where ends < hour + interval '1 hour'
    ),
    k as (
      select hour, video_id as key, at, delta from e where video_id is not null
      ${videoId ? sql`` : sql`union all select hour, ${NIL_UUID}::uuid, at, delta from e`}
    )
    select hour, key as video_id, max(open)::int as peak from (
      select hour, key, sum(delta) over (partition by hour, key order by at, delta rows unbounded preceding) as open from k
    ) s group by hour, key`;
}

/**
 * Rebuilds the hourly sums and peaks of complete hours from the raw reports (the newest REBUILD_HOURS again, older
 * ones once) and the daily sums of complete UTC days from those hours (the days they touch, and any day not summed
 * yet), then deletes raw reports older than REEL_QOE_RETENTION_DAYS that are already summed. One runner at a
 * time across workers (an advisory lock); returns null when another holds it.
 */
export async function rollUpAndExpire(retentionDays: number = env.REEL_QOE_RETENTION_DAYS) {
  const rolled = await db.transaction(async (tx) => {
    const [{ locked }] = await tx.execute<{ locked: boolean }>(sql`select pg_try_advisory_xact_lock(hashtext('reel.stats-rollup')) as locked`);
    if (!locked) return null;
    const [{ since }] = await tx.execute<{ since: string | null }>(sql`
      select coalesce((select max(hour) from qoe_hourly) - make_interval(hours => ${REBUILD_HOURS}),
        (select date_trunc('hour', min(created_at)) from qoe_reports)) as since`);
    if (since === null) return 0;
    const from = sql`${since}::timestamptz`;
    const to = sql`date_trunc('hour', now())`;
    await tx.execute(sql`delete from qoe_hourly where hour >= ${from}`);
    await tx.execute(sql`delete from qoe_peak_hourly where hour >= ${from}`);
    const inserted = await tx.execute(sql`
      insert into qoe_hourly (hour, ${SUM_COLUMNS}) ${rawSums(sql`r.created_at >= ${from} and r.created_at < ${to}`)}`);
    await tx.execute(sql`insert into qoe_peak_hourly (hour, video_id, peak) ${rawPeaks(from, to)}`);
    const [{ firstDay }] = await tx.execute<{ firstDay: string }>(sql`
      select least(date_trunc('day', ${from}, 'UTC'), coalesce((select max(day) + interval '1 day' from qoe_daily),
        (select date_trunc('day', min(hour), 'UTC') from qoe_hourly))) as "firstDay"`);
    const dayFrom = sql`${firstDay}::timestamptz`;
    await tx.execute(sql`delete from qoe_daily where day >= ${dayFrom}`);
    await tx.execute(sql`
      insert into qoe_daily (day, ${SUM_COLUMNS})
      select date_trunc('day', r.hour, 'UTC'), r.video_id, r.browser, r.device, r.mode, ${SUMS_OF_SUMS}
      from qoe_hourly r where r.hour >= ${dayFrom} and r.hour < date_trunc('day', ${to}, 'UTC')
      group by 1, 2, 3, 4, 5`);
    return inserted.count;
  });
  if (rolled === null) return null;
  let expired = 0;
  for (;;) {
    const deleted = await db.execute(sql`
      delete from qoe_reports where id in (
        select id from qoe_reports
        where created_at < now() - make_interval(days => ${retentionDays})
          and created_at < (select max(hour) + interval '1 hour' from qoe_hourly)
        limit ${EXPIRE_CHUNK})`);
    expired += deleted.count;
    if (deleted.count < EXPIRE_CHUNK) break;
  }
  return { rolled, expired };
}

/**
 * Totals over all time: the hourly sums, plus the raw reports newer than the last summed hour. Raw-only figures
 * (percentiles, retention) are not here; these are the ones sums keep exactly.
 */
export async function allTimeTotals(videoId?: string) {
  const hourly = videoId ? sql`where video_id = ${videoId}` : sql``;
  const raw = videoId ? sql`and r.video_id = ${videoId}` : sql``;
  const [row] = await db.execute<{ sessions: number; started: number; exitsBeforeStart: number; failures: number; watchedSeconds: number; stallCount: number; stallMs: number; qualitySwitches: number }>(sql`
    with mark as (select coalesce(max(hour) + interval '1 hour', '-infinity') as at from qoe_hourly),
    parts as (
      select sum(sessions) as sessions, sum(started) as started, sum(exits_before_start) as ebvs, sum(failures) as failures,
        sum(watched_seconds) as watched, sum(stall_count) as stalls, sum(stall_ms) as stall_ms, sum(quality_switches) as switches
      from qoe_hourly ${hourly}
      union all
      select count(*), count(*) filter (where r.startup_ms is not null), count(*) filter (where ${ebvs}),
        count(*) filter (where r.fatal_error is not null), sum(r.watched_seconds), sum(r.stall_count), sum(r.stall_ms), sum(r.quality_switches)
      from qoe_reports r where r.created_at >= (select at from mark) ${raw}
    )
    select coalesce(sum(sessions), 0)::int as sessions, coalesce(sum(started), 0)::int as started, coalesce(sum(ebvs), 0)::int as "exitsBeforeStart",
      coalesce(sum(failures), 0)::int as failures, round(coalesce(sum(watched), 0)::numeric, 1)::float as "watchedSeconds",
      coalesce(sum(stalls), 0)::int as "stallCount", coalesce(sum(stall_ms), 0)::float as "stallMs", coalesce(sum(switches), 0)::int as "qualitySwitches"
    from parts`);
  return row;
}
