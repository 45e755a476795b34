import { bigint, boolean, date, index, integer, pgTable, primaryKey, real, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

/**
 * A URL someone pasted on Play a link (lib/proxy/): what it turned out to be, and how far they watched. The URL
 * itself stays on the server: browsers get the row's id and signed proxy paths, never the upstream address.
 */
export const proxyLinks = pgTable(
  "proxy_links",
  {
    id: uuid().primaryKey().defaultRandom(),
    ownerId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    url: text().notNull(),
    /** The host alone, for lists and logs (the query may hold secrets). */
    host: text().notNull(),
    kind: text({ enum: ["progressive", "hls"] }).notNull(),
    contentType: text().notNull(),
    size: bigint({ mode: "number" }),
    acceptRanges: boolean().notNull().default(false),
    seekable: boolean().notNull().default(false),
    duration: real(),
    width: integer(),
    height: integer(),
    title: text(),
    /** Progress, stored as for videos (lib/playback/progress.ts). */
    position: real().notNull().default(0),
    progressDuration: real(),
    finished: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Pasted again or played: the recent list is ordered by it. */
    usedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("proxy_links_owner_url_idx").on(t.ownerId, t.url), index("proxy_links_owner_used_idx").on(t.ownerId, t.usedAt.desc())],
);
export type ProxyLink = typeof proxyLinks.$inferSelect;
export type NewProxyLink = typeof proxyLinks.$inferInsert;

/** Bytes the proxy sent for each user per day (UTC), written in batches by the web processes; shown to admins. */
export const proxyUsage = pgTable(
  "proxy_usage",
  {
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    day: date({ mode: "string" }).notNull(),
    bytes: bigint({ mode: "number" }).notNull().default(0),
    streams: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.userId, t.day] })],
);
export type ProxyUsage = typeof proxyUsage.$inferSelect;
