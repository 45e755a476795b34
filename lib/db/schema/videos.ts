import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { users } from "./users";

export const videoVisibility = pgEnum("video_visibility", ["private", "unlisted", "public"]);
export const videoStatus = pgEnum("video_status", [
  "uploaded",
  "probing",
  "playable",
  "processing",
  "ready",
  "failed",
  "missing",
]);
export const videoSourceKind = pgEnum("video_source_kind", ["upload", "folder", "url"]);

/** How far the running processing step is, shown on the watch and upload pages while a video is processed. */
export type ProcessingProgress = {
  /** The step running now: faststart, hls, storyboard... */
  step: string;
  percent: number;
  fps?: number;
  /** Encoding speed as a multiple of real time. */
  speed?: number;
  etaSeconds?: number;
};

export const videos = pgTable(
  "videos",
  {
    id: uuid().primaryKey().defaultRandom(),
    ownerId: uuid().references(() => users.id, { onDelete: "set null" }),
    title: text().notNull(),
    description: text().notNull().default(""),
    visibility: videoVisibility().notNull().default("private"),
    tags: text().array().notNull().default(sql`'{}'::text[]`),
    /** Everyone who may watch may also download the files (an admin's choice; owners and admins always may). */
    downloadable: boolean().notNull().default(false),
    status: videoStatus().notNull().default("uploaded"),
    progress: jsonb().$type<ProcessingProgress>(),
    failureReason: text(),

    sourceKind: videoSourceKind().notNull(),
    /** Absolute path of the original file (inside the media root for uploads, in place for media folders). */
    sourcePath: text(),
    sourceUrl: text(),
    /** Size and mtime of the source when it was processed, to notice changes in media folders. */
    sourceMtime: timestamp({ withTimezone: true }),
    size: bigint({ mode: "number" }),

    duration: doublePrecision(),
    width: integer(),
    height: integer(),
    fps: real(),
    rotation: integer(),
    bitrate: integer(),
    videoCodec: text(),
    audioCodec: text(),
    container: text(),
    /** The probe's full answer, kept for later decisions (streams, tags). */
    probe: jsonb(),
    /** What has been published so far, e.g. { mp4: true, hls: [1080, 720, ...], poster: [...], storyboard: true }. */
    outputs: jsonb().$type<Record<string, unknown>>().notNull().default({}),

    viewCount: integer().notNull().default(0),
    ratingCount: integer().notNull().default(0),
    ratingSum: integer().notNull().default(0),

    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    readyAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index("videos_owner_idx").on(t.ownerId),
    index("videos_created_idx").on(t.createdAt.desc(), t.id),
    index("videos_tags_idx").using("gin", t.tags),
    uniqueIndex("videos_source_path_idx").on(t.sourcePath).where(sql`${t.sourceKind} = 'folder'`),
  ],
);
export type Video = typeof videos.$inferSelect;
export type NewVideo = typeof videos.$inferInsert;

export const captions = pgTable(
  "captions",
  {
    id: uuid().primaryKey().defaultRandom(),
    videoId: uuid()
      .notNull()
      .references(() => videos.id, { onDelete: "cascade" }),
    lang: text().notNull().default("und"),
    label: text().notNull(),
    origin: text({ enum: ["embedded", "upload"] }).notNull(),
    /** File name inside the video's captions/ folder. */
    file: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("captions_video_idx").on(t.videoId)],
);
export type Caption = typeof captions.$inferSelect;
export type NewCaption = typeof captions.$inferInsert;
