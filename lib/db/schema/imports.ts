import { bigint, index, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";
import { videos } from "./videos";

export const importStatus = pgEnum("import_status", ["queued", "downloading", "done", "failed", "cancelled"]);

/**
 * A video being fetched from a URL. It becomes a video row only once the file is complete (then the
 * usual pipeline runs), so a failed or half-finished download never shows up as a broken video.
 */
export const urlImports = pgTable(
  "url_imports",
  {
    id: uuid().primaryKey().defaultRandom(),
    ownerId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    url: text().notNull(),
    status: importStatus().notNull().default("queued"),
    receivedBytes: bigint({ mode: "number" }).notNull().default(0),
    /** Known once the server tells (Content-Length / Content-Range). */
    totalBytes: bigint({ mode: "number" }),
    /** Validators of the partial file: a resumed Range request only continues the same resource. */
    etag: text(),
    lastModified: text(),
    fileName: text(),
    failureReason: text(),
    videoId: uuid().references(() => videos.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("url_imports_owner_idx").on(t.ownerId, t.createdAt.desc())],
);
export type UrlImport = typeof urlImports.$inferSelect;
export type NewUrlImport = typeof urlImports.$inferInsert;
