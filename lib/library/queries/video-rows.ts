import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { Viewer } from "@/lib/auth/viewer";
import { sql as pg } from "@/lib/db/client";
import { canManage } from "@/lib/videos/access";
import { progressFraction, timeLeftLabel, type PosterImage } from "../format";
import type { Segment } from "../highlight";
import { posterImage } from "../posters";

/** A video as lists show it, with the viewer's own favourite, rating and progress. */
export type LibraryVideo = {
  id: string;
  title: string;
  tags: string[];
  status: string;
  visibility: "private" | "unlisted" | "public";
  ownerId: string | null;
  duration: number | null;
  viewCount: number;
  rating: { average: number | null; count: number };
  createdAt: string;
  /** Signed poster URLs; null until the poster job ran. (No description: lists show an excerpt only around search matches.) */
  poster: PosterImage | null;
  me: {
    favorite: boolean;
    rating: number | null;
    progress: VideoProgress | null;
    /** Owner or admin: may edit and delete. */
    canEdit: boolean;
  };
  highlight?: { title: Segment[]; description: Segment[] | null };
};

export type VideoProgress = {
  position: number;
  duration: number | null;
  /** 0..1 */
  fraction: number | null;
  timeLeft: string | null;
  finished: boolean;
  watchedAt: string;
};

export type Page<T> = { items: T[]; nextCursor: string | null };

export type VideoRow = {
  id: string;
  title: string;
  description: string;
  tags: string[];
  status: string;
  visibility: LibraryVideo["visibility"];
  owner_id: string | null;
  duration: number | null;
  view_count: number;
  rating_sum: number;
  rating_count: number;
  created_at: string;
  poster: unknown;
  favorite: boolean;
  my_rating: number | null;
  position: number | null;
  progress_duration: number | null;
  finished: boolean | null;
  watched_at: string | null;
  /** Sort keys of the row as text, for the next cursor. */
  sk0?: string;
  sk1?: string;
  sk2?: string;
};

const dialect = new PgDialect({ casing: "snake_case" });

/**
 * Runs a read as a named prepared statement (db.execute() sends unnamed ones): planning these queries
 * takes longer than executing them, and a prepared statement lets each connection reuse its plan.
 */
export async function read<Row extends object>(statement: SQL): Promise<Row[]> {
  const query = dialect.sqlToQuery(statement);
  return pg.unsafe<Row[]>(query.sql, query.params as never[], { prepare: true });
}

/** One of the viewer's ids, or null for anonymous visitors (whose personal joins then match nothing). */
const me = (viewer: Viewer | null) => viewer?.id ?? null;

export const VIDEO_COLUMNS = sql`videos.id, videos.title, left(videos.description, 300) as description, videos.tags,
  videos.status, videos.visibility, videos.owner_id, videos.duration, videos.view_count, videos.rating_sum,
  videos.rating_count, videos.created_at, videos.outputs -> 'poster' as poster`;

/** The viewer's own data for each row: primary-key lookups joined into the same query. */
export const personalColumns = sql`fav.video_id is not null as favorite, my_rating.value as my_rating, wp.position,
  wp.duration as progress_duration, wp.finished, wp.updated_at as watched_at`;

export function personalJoins(viewer: Viewer | null, progressJoin: "left" | "inner" = "left"): SQL {
  const uid = me(viewer);
  return sql`left join favorites fav on fav.user_id = ${uid} and fav.video_id = videos.id
    left join ratings my_rating on my_rating.user_id = ${uid} and my_rating.video_id = videos.id
    ${progressJoin === "inner" ? sql`join` : sql`left join`} watch_progress wp on wp.user_id = ${uid} and wp.video_id = videos.id`;
}

/** Drizzle hands timestamps of raw queries over as Postgres text ("2026-01-01 10:00:00.123456+00"). */
function isoTime(value: string | Date): string {
  if (value instanceof Date) return value.toISOString();
  return new Date(value.replace(" ", "T").replace(/([+-]\d\d)$/, "$1:00")).toISOString();
}

function posterWidths(poster: unknown): number[] {
  if (!Array.isArray(poster)) return [];
  return poster.filter((w): w is number => typeof w === "number" && Number.isInteger(w) && w > 0).sort((a, b) => a - b);
}

export function toVideo(row: VideoRow, viewer: Viewer | null): LibraryVideo {
  const progressDuration = row.progress_duration ?? row.duration;
  return {
    id: row.id,
    title: row.title,
    tags: row.tags,
    status: row.status,
    visibility: row.visibility,
    ownerId: row.owner_id,
    duration: row.duration,
    viewCount: row.view_count,
    rating: { average: row.rating_count ? row.rating_sum / row.rating_count : null, count: row.rating_count },
    createdAt: isoTime(row.created_at),
    poster: posterImage(row.id, posterWidths(row.poster)),
    me: {
      canEdit: canManage(viewer, { ownerId: row.owner_id }),
      favorite: row.favorite,
      rating: row.my_rating,
      progress:
        row.position === null || row.watched_at === null
          ? null
          : {
              position: row.position,
              duration: progressDuration,
              fraction: progressFraction(row.position, progressDuration),
              timeLeft: timeLeftLabel(row.position, progressDuration),
              finished: row.finished ?? false,
              watchedAt: isoTime(row.watched_at),
            },
    },
  };
}

export const textArray = (values: string[]) =>
  values.length ? sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]` : sql`'{}'::text[]`;
