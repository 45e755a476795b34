import { sql } from "drizzle-orm";
import { doublePrecision, index, integer, pgTable, primaryKey, real, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { proxyLinks } from "./proxy";
import { users } from "./users";
import { videos } from "./videos";

/**
 * One row per playback session (Mux Data's "view": one attempt to play a video), merged from the player's start,
 * heartbeat and ending reports by sessionId. Counters are running totals; raw rows expire (REEL_QOE_RETENTION_DAYS)
 * while `qoe_hourly` keeps their sums. Definitions of every figure read from it: lib/stats/definitions.ts.
 */
export const qoeReports = pgTable(
  "qoe_reports",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** What was played: a library video, or (delivery "proxied") a link pasted on Play a link; never both. */
    videoId: uuid().references(() => videos.id, { onDelete: "set null" }),
    linkId: uuid().references(() => proxyLinks.id, { onDelete: "set null" }),
    userId: uuid().references(() => users.id, { onDelete: "set null" }),
    /** One playback session in the player; several reports of a session are merged by it. */
    sessionId: text().notNull(),
    /** Delivery: hls.js, the browser's own HLS, the MP4, or a source file served as it is (proxied link). */
    mode: text({ enum: ["hls", "native-hls", "mp4", "proxied"] }).notNull(),
    startupMs: integer(),
    stallCount: integer().notNull().default(0),
    stallMs: integer().notNull().default(0),
    qualitySwitches: integer().notNull().default(0),
    droppedFrames: integer().notNull().default(0),
    watchedSeconds: real().notNull().default(0),
    lastHeight: integer(),
    fatalError: text(),
    userAgent: text(),
    /** How many reports were merged into this row; bounds the writes one session may cause. */
    reportCount: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** What the player was doing at its last report: "playing" rows with a fresh updatedAt are streams playing now. */
    state: text({ enum: ["playing", "paused", "ended"] }).notNull().default("playing"),
    /** chrome / firefox / safari / edge / other, from the User-Agent (lib/stats/definitions.ts). */
    browser: text().notNull().default("other"),
    /** phone / tablet / desktop / tv, from the player's viewport (lib/stats/definitions.ts). */
    device: text().notNull().default("desktop"),
    /** Height of the player on screen in device pixels at the last report. */
    playerHeight: integer(),
    /** Seconds of playback during which the picture was smaller than the player (so stretched up). */
    upscaledSeconds: real().notNull().default(0),
    /** Σ (bitrate of the rendition on screen, kbit/s × seconds played): divided by watched seconds, the weighted average. */
    bitrateKbitSum: doublePrecision().notNull().default(0),
    /** Furthest point of the video reached, in seconds (retention curve). */
    maxPosition: real().notNull().default(0),
    /** The session ended before its first frame (exit before video start, when fatalError is null). */
    exitedBeforeStart: integer().notNull().default(0),
  },
  (t) => [
    index("qoe_reports_time_idx").on(t.createdAt),
    uniqueIndex("qoe_reports_session_idx").on(t.sessionId),
    index("qoe_reports_video_time_idx").on(t.videoId, t.createdAt),
    index("qoe_reports_link_idx").on(t.linkId).where(sql`${t.linkId} is not null`),
    index("qoe_reports_live_idx").on(t.updatedAt).where(sql`${t.state} = 'playing'`),
    // Latest failed sessions, newest first.
    index("qoe_reports_failed_idx").on(t.updatedAt).where(sql`${t.fatalError} is not null`),
    // Sessions still open at an hour's start (peak concurrency of the hours not yet rolled up).
    index("qoe_reports_updated_idx").on(t.updatedAt),
  ],
);
export type QoeReport = typeof qoeReports.$inferSelect;
export type NewQoeReport = typeof qoeReports.$inferInsert;

/**
 * The sums kept per period and split (video, browser, device, delivery) by qoe_hourly and qoe_daily: the same
 * columns, so one query reads either. Startup times are kept as a histogram (buckets in lib/stats/definitions.ts)
 * since percentiles do not add up.
 */
const qoeSums = () => ({
  /** The nil uuid for sessions whose video was deleted (a primary key column cannot be null). */
  videoId: uuid().notNull(),
  browser: text().notNull(),
  device: text().notNull(),
  mode: text().notNull(),
  sessions: integer().notNull(),
  started: integer().notNull(),
  exitsBeforeStart: integer().notNull(),
  failures: integer().notNull(),
  startupFailures: integer().notNull(),
  startupMsSum: doublePrecision().notNull(),
  startupHistogram: integer().array().notNull(),
  /** Watched seconds of the sessions that started (average view duration). */
  startedWatchedSeconds: doublePrecision().notNull().default(0),
  /**
   * Retention: for each point of RETENTION_POINTS (lib/stats/definitions.ts), the started sessions of a video with a
   * known duration whose furthest position reached it. The first entry counts every such session.
   */
  retention: integer().array().notNull().default(sql`'{}'`),
  watchedSeconds: doublePrecision().notNull(),
  stallCount: integer().notNull(),
  stallMs: doublePrecision().notNull(),
  qualitySwitches: integer().notNull(),
  upscaledSeconds: doublePrecision().notNull(),
  bitrateKbitSum: doublePrecision().notNull(),
  /** Watched seconds of the sessions with a known bitrate (the weighted average's denominator). */
  bitrateWatchedSeconds: doublePrecision().notNull().default(0),
});

/**
 * Hourly sums of qoe_reports, rebuilt by the stats-rollup job for recent hours; they outlive the raw rows so
 * long-range totals stay.
 */
export const qoeHourly = pgTable(
  "qoe_hourly",
  { hour: timestamp({ withTimezone: true }).notNull(), ...qoeSums() },
  (t) => [primaryKey({ columns: [t.hour, t.videoId, t.browser, t.device, t.mode] }), index("qoe_hourly_video_idx").on(t.videoId, t.hour)],
);
export type QoeHourly = typeof qoeHourly.$inferSelect;

/**
 * Daily sums (UTC days), rolled from qoe_hourly once a day's hours are all rolled up: ranges of a week or more read
 * days, and hours only for the partial days at their edges.
 */
export const qoeDaily = pgTable(
  "qoe_daily",
  { day: timestamp({ withTimezone: true }).notNull(), ...qoeSums() },
  (t) => [primaryKey({ columns: [t.day, t.videoId, t.browser, t.device, t.mode] }), index("qoe_daily_video_idx").on(t.videoId, t.day)],
);

/**
 * Peak concurrent sessions within each hour, counting every started session open during it (also those that began
 * in an earlier hour): the most open at one instant of a period is the largest of its hours'. Per video, and for all
 * videos together under the nil uuid.
 */
export const qoePeakHourly = pgTable(
  "qoe_peak_hourly",
  {
    hour: timestamp({ withTimezone: true }).notNull(),
    videoId: uuid().notNull(),
    peak: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.videoId, t.hour] })],
);
