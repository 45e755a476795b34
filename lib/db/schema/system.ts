import { bigint, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Instance-wide settings an admin changes at run time (guest access...). */
export const settings = pgTable("settings", {
  key: text().primaryKey(),
  value: jsonb().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
export type Setting = typeof settings.$inferSelect;
export type NewSetting = typeof settings.$inferInsert;

export type RunningJob = { id: string; name: string; videoId: string; startedAt: string };

/** One row per running worker process; the health endpoint reads the heartbeats. */
export const workerHeartbeats = pgTable("worker_heartbeats", {
  id: text().primaryKey(),
  hostname: text().notNull(),
  pid: integer().notNull(),
  ffmpegVersion: text(),
  /** What the self-test found: encoders, hardware acceleration, problems. */
  capabilities: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  /** The jobs it runs now, as of its last heartbeat. */
  currentJobs: jsonb().$type<RunningJob[]>().notNull().default([]),
  startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  heartbeatAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
export type WorkerHeartbeat = typeof workerHeartbeats.$inferSelect;
export type NewWorkerHeartbeat = typeof workerHeartbeats.$inferInsert;

/**
 * Counters that triggers bump in the same transaction as the change they stand for (drizzle/0003): the
 * `catalog` row moves whenever anything a list shows changes (videos, settings). Caches of rendered lists
 * compare it, read in one indexed lookup, instead of re-running the lists.
 */
export const contentVersions = pgTable("content_versions", {
  key: text().primaryKey(),
  version: bigint({ mode: "number" }).notNull().default(0),
});
export type ContentVersion = typeof contentVersions.$inferSelect;
export type NewContentVersion = typeof contentVersions.$inferInsert;
