import "server-only";
import { LRUCache } from "lru-cache";
import { sql as pg } from "@/lib/db/client";
import type { NewQoeReport } from "@/lib/db/schema";
import { childLogger } from "@/lib/log";
import { browserFamily, deviceClass } from "./definitions";
import { QOE_MAX_REPORTS_PER_SESSION, QOE_VIEWER_BURST, QOE_VIEWER_PER_SECOND, type QoeBody } from "@/lib/playback/qoe";

const log = childLogger("qoe");

/**
 * Reports are written together at most this long after they arrive... A web process that crashes (or is killed with
 * SIGKILL) loses what arrived within this window and was not written yet; a stop by SIGTERM/SIGINT writes it first
 * (lib/server/main.ts). A player's reports are running totals, so its next one (5 s later) restores most of it.
 */
const FLUSH_AFTER_MS = 100;
/** ...or at once when this many sessions are waiting (one INSERT of up to this many rows). */
const FLUSH_AT = 500;
/** Beyond this many waiting sessions (the database is down or slow), new reports are refused, not queued. */
const MAX_PENDING = 20_000;

type Bucket = { tokens: number; at: number };

/**
 * Beacon ingestion: the handler only validates, rate-limits and queues in memory; a timer writes each batch with one
 * INSERT … ON CONFLICT, so a burst of beacons costs a few statements and no request waits on the database. Nothing
 * here touches the media path. One instance per process (route modules may be loaded more than once).
 */
class QoeIngest {
  private pending = new Map<string, NewQoeReport>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private writing: Promise<void> = Promise.resolve();
  private readonly buckets = new LRUCache<string, Bucket>({ max: 100_000 });

  /** Token bucket per viewer key: false when the viewer sends faster than players do. */
  allow(viewerKey: string, now = Date.now()): boolean {
    const bucket = this.buckets.get(viewerKey) ?? { tokens: QOE_VIEWER_BURST, at: now };
    bucket.tokens = Math.min(QOE_VIEWER_BURST, bucket.tokens + ((now - bucket.at) / 1000) * QOE_VIEWER_PER_SECOND);
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(viewerKey, bucket);
    return allowed;
  }

  /** Queues a report; false when the queue is full. A second report of a session in the same batch replaces the first. */
  add(report: QoeBody, userId: string | null, userAgent: string | null): boolean {
    const queued = this.pending.get(report.sessionId);
    // The first writer of a batch keeps the session; the database refuses any other writer for a stored one.
    if (queued && (queued.userId !== userId || queued.videoId !== (report.videoId ?? null) || queued.linkId !== (report.linkId ?? null))) return true;
    if (!queued && this.pending.size >= MAX_PENDING) return false;
    this.pending.set(report.sessionId, toRow(report, userId, userAgent));
    if (this.pending.size >= FLUSH_AT) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS);
    return true;
  }

  /** Writes what is queued (tests and shutdown call it to wait for the write). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const rows = [...this.pending.values()];
    this.pending = new Map();
    this.writing = this.writing.then(() => (rows.length ? writeBatch(rows) : undefined)).catch((err: unknown) => log.warn({ err, rows: rows.length }, "could not store playback reports"));
    return this.writing;
  }
}

function toRow(report: QoeBody, userId: string | null, userAgent: string | null): NewQoeReport {
  const ua = userAgent?.slice(0, 300) ?? null;
  return {
    sessionId: report.sessionId,
    videoId: report.videoId ?? null,
    linkId: report.linkId ?? null,
    userId,
    mode: report.mode,
    state: report.state,
    startupMs: report.startupMs ?? null,
    stallCount: report.stallCount,
    stallMs: report.stallMs,
    qualitySwitches: report.qualitySwitches,
    droppedFrames: report.droppedFrames,
    watchedSeconds: report.watchedSeconds,
    lastHeight: report.lastHeight ?? null,
    playerHeight: report.playerHeight ?? null,
    upscaledSeconds: Math.min(report.upscaledSeconds, report.watchedSeconds),
    bitrateKbitSum: report.bitrateKbitSum,
    maxPosition: report.maxPosition,
    exitedBeforeStart: report.exitedBeforeStart && report.startupMs == null ? 1 : 0,
    fatalError: report.fatalError ?? null,
    browser: browserFamily(ua),
    device: deviceClass(report.viewport, ua),
    userAgent: ua,
  };
}

/** The columns a report writes (qoe_reports' names) and how toRow() names and types them. */
const COLUMNS = [
  ["session_id", "sessionId", "text"],
  ["video_id", "videoId", "uuid"],
  ["link_id", "linkId", "uuid"],
  ["user_id", "userId", "uuid"],
  ["mode", "mode", "text"],
  ["state", "state", "text"],
  ["startup_ms", "startupMs", "integer"],
  ["stall_count", "stallCount", "integer"],
  ["stall_ms", "stallMs", "integer"],
  ["quality_switches", "qualitySwitches", "integer"],
  ["dropped_frames", "droppedFrames", "integer"],
  ["watched_seconds", "watchedSeconds", "real"],
  ["last_height", "lastHeight", "integer"],
  ["player_height", "playerHeight", "integer"],
  ["upscaled_seconds", "upscaledSeconds", "real"],
  ["bitrate_kbit_sum", "bitrateKbitSum", "double precision"],
  ["max_position", "maxPosition", "real"],
  ["exited_before_start", "exitedBeforeStart", "integer"],
  ["fatal_error", "fatalError", "text"],
  ["browser", "browser", "text"],
  ["device", "device", "text"],
  ["user_agent", "userAgent", "text"],
] as const satisfies readonly (readonly [string, keyof NewQoeReport, string])[];

/** Running totals: a stored session keeps the largest figure either report gives. */
const MOST = ["stall_count", "stall_ms", "quality_switches", "dropped_frames", "watched_seconds", "upscaled_seconds", "bitrate_kbit_sum", "max_position"];

/**
 * Inserts new sessions and merges into stored ones in one statement. A stored session only takes reports from the
 * same user about the same video or link, within its report budget: a session id cannot be used to write someone
 * else's figures (such reports are dropped). The batch travels as one JSON parameter of a statement whose text
 * never changes (prepared once per connection): built by the query builder with a parameter per value, a batch of
 * 500 cost ~0.2 ms of CPU per row before Postgres saw it, more than the rest of a report's handling.
 */
const UPSERT = `
  insert into qoe_reports (${COLUMNS.map(([column]) => column).join(", ")})
  select ${COLUMNS.map(([, key]) => `r."${key}"`).join(", ")}
  from json_to_recordset($1::json) as r(${COLUMNS.map(([, key, type]) => `"${key}" ${type}`).join(", ")})
  on conflict (session_id) do update set
    mode = excluded.mode,
    state = excluded.state,
    startup_ms = coalesce(qoe_reports.startup_ms, excluded.startup_ms),
    ${MOST.map((column) => `${column} = greatest(qoe_reports.${column}, excluded.${column})`).join(",\n    ")},
    -- Once the first frame showed, the session did not exit before it.
    exited_before_start = case when coalesce(qoe_reports.startup_ms, excluded.startup_ms) is null
      then greatest(qoe_reports.exited_before_start, excluded.exited_before_start) else 0 end,
    last_height = coalesce(excluded.last_height, qoe_reports.last_height),
    player_height = coalesce(excluded.player_height, qoe_reports.player_height),
    fatal_error = coalesce(qoe_reports.fatal_error, excluded.fatal_error),
    report_count = qoe_reports.report_count + 1,
    updated_at = now()
  where qoe_reports.user_id is not distinct from excluded.user_id
    and qoe_reports.video_id is not distinct from excluded.video_id
    and qoe_reports.link_id is not distinct from excluded.link_id
    and qoe_reports.report_count < ${QOE_MAX_REPORTS_PER_SESSION}`;

async function writeBatch(rows: NewQoeReport[]) {
  await pg.unsafe(UPSERT, [JSON.stringify(rows)], { prepare: true });
}

const globalForQoe = globalThis as unknown as { reelQoeIngest?: QoeIngest };
export const qoeIngest = (globalForQoe.reelQoeIngest ??= new QoeIngest());
