import { bigint, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Files of the media folders whose video someone deleted: the watcher leaves them alone instead of importing
 * them again, until the file itself changes (another size or modification time: a new file under the old name).
 */
export const mediaFolderExclusions = pgTable("media_folder_exclusions", {
  sourcePath: text().primaryKey(),
  size: bigint({ mode: "number" }),
  sourceMtime: timestamp({ withTimezone: true }),
  excludedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
export type MediaFolderExclusion = typeof mediaFolderExclusions.$inferSelect;
export type NewMediaFolderExclusion = typeof mediaFolderExclusions.$inferInsert;
