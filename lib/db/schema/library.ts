import { boolean, doublePrecision, index, integer, pgTable, primaryKey, timestamp, uuid, check } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { users } from "./users";
import { videos } from "./videos";

export const favorites = pgTable(
  "favorites",
  {
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    videoId: uuid()
      .notNull()
      .references(() => videos.id, { onDelete: "cascade" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  // (user, time, video): a user's list pages by keyset straight off the index, scanned backward.
  (t) => [primaryKey({ columns: [t.userId, t.videoId] }), index("favorites_user_time_idx").on(t.userId, t.createdAt, t.videoId)],
);
export type Favorite = typeof favorites.$inferSelect;
export type NewFavorite = typeof favorites.$inferInsert;

export const ratings = pgTable(
  "ratings",
  {
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    videoId: uuid()
      .notNull()
      .references(() => videos.id, { onDelete: "cascade" }),
    value: integer().notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.videoId] }), check("ratings_value_range", sql`${t.value} between 1 and 5`)],
);
export type Rating = typeof ratings.$inferSelect;
export type NewRating = typeof ratings.$inferInsert;

/** One row per counted view (at most one per user and video per 30 minutes). */
export const views = pgTable(
  "views",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid().references(() => users.id, { onDelete: "cascade" }),
    videoId: uuid()
      .notNull()
      .references(() => videos.id, { onDelete: "cascade" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("views_user_video_time_idx").on(t.userId, t.videoId, t.createdAt.desc()),
    // Audience figures over a period read views by time, index-only.
    index("views_time_idx").on(t.createdAt, t.videoId, t.userId),
  ],
);
export type View = typeof views.$inferSelect;
export type NewView = typeof views.$inferInsert;

/** Resume position per user and video; also the watch history (most recent first). */
export const watchProgress = pgTable(
  "watch_progress",
  {
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    videoId: uuid()
      .notNull()
      .references(() => videos.id, { onDelete: "cascade" }),
    position: doublePrecision().notNull(),
    duration: doublePrecision(),
    finished: boolean().notNull().default(false),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  // (user, time, video): history and Continue Watching page by keyset straight off the index, scanned backward.
  (t) => [primaryKey({ columns: [t.userId, t.videoId] }), index("watch_progress_user_time_idx").on(t.userId, t.updatedAt, t.videoId)],
);
export type WatchProgress = typeof watchProgress.$inferSelect;
export type NewWatchProgress = typeof watchProgress.$inferInsert;
