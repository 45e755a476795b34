import { index, integer, pgTable, real, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";
import { videos } from "./videos";

/** Playback-quality reports from the player (startup, stalls, switches), for the admin dashboard. */
export const qoeReports = pgTable(
  "qoe_reports",
  {
    id: uuid().primaryKey().defaultRandom(),
    videoId: uuid().references(() => videos.id, { onDelete: "set null" }),
    userId: uuid().references(() => users.id, { onDelete: "set null" }),
    /** One playback session in the player; several reports of a session are merged by it. */
    sessionId: text().notNull(),
    mode: text({ enum: ["hls", "native-hls", "mp4"] }).notNull(),
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
  },
  (t) => [index("qoe_reports_time_idx").on(t.createdAt), uniqueIndex("qoe_reports_session_idx").on(t.sessionId)],
);
export type QoeReport = typeof qoeReports.$inferSelect;
export type NewQoeReport = typeof qoeReports.$inferInsert;
