import { bigint, doublePrecision, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Request timings per route and minute, summed over every web process: each process keeps its own in memory
 * (lib/monitoring/counters.ts) and adds what it counted to these rows every few seconds, so several web servers
 * add up. `buckets` is a histogram over the fixed bounds of lib/monitoring/rules.ts (percentiles of merged
 * histograms are exact to a bucket; percentiles themselves cannot be added).
 */
export const requestStats = pgTable(
  "request_stats",
  {
    minute: timestamp({ withTimezone: true }).notNull(),
    route: text().notNull(),
    count: bigint({ mode: "number" }).notNull().default(0),
    /** Answers with a 5xx status. */
    errors: bigint({ mode: "number" }).notNull().default(0),
    totalMs: doublePrecision().notNull().default(0),
    buckets: bigint({ mode: "number" }).array().notNull(),
  },
  (t) => [primaryKey({ columns: [t.minute, t.route] })],
);
export type RequestStat = typeof requestStats.$inferSelect;

/** Named counters per minute (response cache hits, media answers by status...), summed over every web process. */
export const webCounters = pgTable(
  "web_counters",
  {
    minute: timestamp({ withTimezone: true }).notNull(),
    name: text().notNull(),
    value: bigint({ mode: "number" }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.minute, t.name] })],
);

/** One row per running web process, refreshed with each publication: what the overview shows of it. */
export const webProcesses = pgTable("web_processes", {
  id: text().primaryKey(),
  hostname: text().notNull(),
  pid: integer().notNull(),
  rssBytes: bigint({ mode: "number" }).notNull(),
  heapUsedBytes: bigint({ mode: "number" }).notNull(),
  /** CPU time over wall time since the previous publication (1 = one core busy). */
  cpu: doublePrecision().notNull(),
  eventLoopMedianMs: doublePrecision().notNull(),
  eventLoopMaxMs: doublePrecision().notNull(),
  startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  seenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
export type WebProcess = typeof webProcesses.$inferSelect;
