import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { EBVS_CONDITION, STARTUP_BUCKETS_MS } from "./definitions";

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
const ebvs = sql.raw(EBVS_CONDITION);

/**
 * Rebuilds the hourly sums of complete hours from the raw reports (the newest REBUILD_HOURS again, older ones once),
 * then deletes raw reports older than REEL_QOE_RETENTION_DAYS that are already summed. One runner at a time across
 * workers (an advisory lock); returns null when another holds it.
 */
export async function rollUpAndExpire(retentionDays: number = env.REEL_QOE_RETENTION_DAYS) {
  const rolled = await db.transaction(async (tx) => {
    const [{ locked }] = await tx.execute<{ locked: boolean }>(sql`select pg_try_advisory_xact_lock(hashtext('reel.stats-rollup')) as locked`);
    if (!locked) return null;
    const [{ since }] = await tx.execute<{ since: string | null }>(
      sql`select max(hour) - make_interval(hours => ${REBUILD_HOURS}) as since from qoe_hourly`,
    );
    const from = since ? sql`${since}::timestamptz` : sql`'-infinity'::timestamptz`;
    await tx.execute(sql`delete from qoe_hourly where hour >= ${from}`);
    const inserted = await tx.execute(sql`
      insert into qoe_hourly (hour, video_id, browser, device, mode, sessions, started, exits_before_start, failures, startup_failures,
        startup_ms_sum, startup_histogram, watched_seconds, stall_count, stall_ms, quality_switches, upscaled_seconds, bitrate_kbit_sum)
      select date_trunc('hour', r.created_at), coalesce(r.video_id, ${NIL_UUID}::uuid), r.browser, r.device, r.mode,
        count(*), count(*) filter (where r.startup_ms is not null), count(*) filter (where ${ebvs}),
        count(*) filter (where r.fatal_error is not null), count(*) filter (where r.fatal_error is not null and r.startup_ms is null),
        coalesce(sum(r.startup_ms), 0), ${histogram}, sum(r.watched_seconds), sum(r.stall_count), sum(r.stall_ms),
        sum(r.quality_switches), sum(r.upscaled_seconds), sum(r.bitrate_kbit_sum)
      from qoe_reports r
      where r.created_at >= ${from} and r.created_at < date_trunc('hour', now())
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
