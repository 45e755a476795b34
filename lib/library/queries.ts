import { sql, type SQL } from "drizzle-orm";
import type { Viewer } from "@/lib/auth/viewer";
import { PgDialect } from "drizzle-orm/pg-core";
import { db, sql as pg } from "@/lib/db/client";
import { catalogVersion } from "@/lib/db/versions";
import { canManage } from "@/lib/videos/access";
import { AppError } from "@/lib/errors";
import { listedTo, viewableBy } from "./access";
import { progressFraction, timeLeftLabel, type CatalogSort, type PosterImage } from "./format";
import { highlight, snippet, wordMatcher, type Segment } from "./highlight";
import { posterImage } from "./posters";
import {
  CONTINUE_WATCHING_DAYS,
  cursorKeys,
  effectiveSort,
  encodeCursor,
  prefixTsquery,
  searchTokens,
  VIEW_MIN_SECONDS,
  VIEW_WINDOW_MINUTES,
} from "./rules";

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

type VideoRow = {
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
async function read<T>(statement: SQL): Promise<T[]> {
  const query = dialect.sqlToQuery(statement);
  return (await pg.unsafe(query.sql, query.params as never[], { prepare: true })) as unknown as T[];
}

/** One of the viewer's ids, or null for anonymous visitors (whose personal joins then match nothing). */
const me = (viewer: Viewer | null) => viewer?.id ?? null;

const VIDEO_COLUMNS = sql`videos.id, videos.title, left(videos.description, 300) as description, videos.tags,
  videos.status, videos.visibility, videos.owner_id, videos.duration, videos.view_count, videos.rating_sum,
  videos.rating_count, videos.created_at, videos.outputs -> 'poster' as poster`;

/** The viewer's own data for each row: primary-key lookups joined into the same query. */
const personalColumns = sql`fav.video_id is not null as favorite, my_rating.value as my_rating, wp.position,
  wp.duration as progress_duration, wp.finished, wp.updated_at as watched_at`;

function personalJoins(viewer: Viewer | null, progressJoin: "left" | "inner" = "left"): SQL {
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

function toVideo(row: VideoRow, viewer: Viewer | null): LibraryVideo {
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

const textArray = (values: string[]) =>
  values.length ? sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]` : sql`'{}'::text[]`;

/* ------------------------------------------------------------------------------------------------ */
/* Catalog: sort, tag filter, search, keyset pagination                                             */
/* ------------------------------------------------------------------------------------------------ */

export type CatalogQuery = {
  q?: string;
  /** All of them (AND). */
  tags?: string[];
  sort?: CatalogSort;
  cursor?: string;
  limit?: number;
};

type SortSpec = { keys: SQL[]; casts: string[]; dir: "asc" | "desc" };

function sortSpec(sort: CatalogSort, rank: SQL | null): SortSpec {
  const id = sql`videos.id`;
  switch (sort) {
    case "newest":
      return { keys: [sql`videos.created_at`, id], casts: ["timestamptz", "uuid"], dir: "desc" };
    case "oldest":
      return { keys: [sql`videos.created_at`, id], casts: ["timestamptz", "uuid"], dir: "asc" };
    case "title":
      return { keys: [sql`lower(videos.title)`, id], casts: ["text", "uuid"], dir: "asc" };
    case "duration":
      return { keys: [sql`coalesce(videos.duration, 0)`, id], casts: ["float8", "uuid"], dir: "desc" };
    case "views":
      return { keys: [sql`videos.view_count`, id], casts: ["int4", "uuid"], dir: "desc" };
    case "rating":
      // Same expression as the videos_rating_sort_idx index.
      return {
        keys: [sql`coalesce(videos.rating_sum::float8 / nullif(videos.rating_count, 0), 0)`, sql`videos.rating_count`, id],
        casts: ["float8", "int4", "uuid"],
        dir: "desc",
      };
    case "watched":
      // wp.video_id (= videos.id) so the order is the one of watch_progress_user_time_idx.
      return { keys: [sql`wp.updated_at`, sql`wp.video_id`], casts: ["timestamptz", "uuid"], dir: "desc" };
    case "relevance":
      return { keys: [rank ?? sql`0::float8`, id], casts: ["float8", "uuid"], dir: "desc" };
  }
}

/** What a page reads of a video (card fields and sort keys): narrower than videos.*, without the tsvector and the probe. */
const HIT_COLUMNS = sql`videos.id, videos.title, videos.description, videos.tags, videos.status, videos.visibility,
  videos.owner_id, videos.duration, videos.view_count, videos.rating_sum, videos.rating_count, videos.created_at, videos.outputs`;

/**
 * Search hits with their rank, as a CTE over the filtered videos: prefix full-text matches (title A, tags B,
 * description C) ranked by ts_rank_cd; only when there is none, close trigram matches of the title
 * (typos) ranked by word similarity. Trying the typo branch only as a fallback keeps broad queries
 * from computing trigram similarity for every title.
 */
function searchHits(tokens: string[], filter: SQL): SQL {
  const tsq = sql`to_tsquery('simple', ${prefixTsquery(tokens)})`;
  const phrase = tokens.join(" ");
  // fts is computed once: the typo branch only asks whether it is empty (a fresh EXISTS over videos
  // would scan every row to prove there is no match).
  return sql`fts as materialized (
    select ${HIT_COLUMNS}, ts_rank_cd(videos.search, ${tsq})::float8 as rank
    from videos where ${filter} and videos.search @@ ${tsq}
  ),
  hits as (
    select * from fts
    union all
    select ${HIT_COLUMNS}, word_similarity(${phrase}, videos.title)::float8 as rank
    from videos where ${filter} and ${phrase} <% videos.title and not exists (select 1 from fts)
  )`;
}

function filterOf(viewer: Viewer | null, tags: string[] | undefined): SQL {
  const conditions: SQL[] = [listedTo(viewer)];
  if (tags?.length) conditions.push(sql`videos.tags @> ${textArray(tags)}`);
  return sql.join(conditions, sql` and `);
}

/** The catalog's one statement for a page (exported so the benchmark can EXPLAIN exactly what runs). */
export function catalogStatement(viewer: Viewer | null, query: CatalogQuery = {}) {
  const limit = query.limit ?? 24;
  const tokens = searchTokens(query.q);
  const sort = effectiveSort(query.sort, query.q);
  const searching = tokens.length > 0;
  const spec = sortSpec(sort, searching ? sql`videos.rank` : null);
  const filter = filterOf(viewer, query.tags);

  // Searching, the filter is applied inside the hits CTE; otherwise here.
  const conditions: SQL[] = searching ? [] : [filter];
  if (query.cursor) {
    const keys = cursorKeys(query.cursor, sort, spec.casts);
    const left = sql.join(spec.keys, sql`, `);
    const right = sql.join(
      keys.map((value, i) => sql`${value}::${sql.raw(spec.casts[i])}`),
      sql`, `,
    );
    conditions.push(spec.dir === "desc" ? sql`(${left}) < (${right})` : sql`(${left}) > (${right})`);
  }
  const direction = sql.raw(spec.dir);
  const order = sql.join(
    spec.keys.map((k) => sql`${k} ${direction}`),
    sql`, `,
  );
  const where = conditions.length ? sql`where ${sql.join(conditions, sql` and `)}` : sql``;
  const source = searching ? sql`hits as videos` : sql`videos`;
  const sortKeys = sql.join(
    spec.keys.map((k, i) => sql`(${k})::text as ${sql.raw(`sk${i}`)}`),
    sql`, `,
  );
  // The page is cut first and only its rows get the viewer's favourite/rating/progress lookups;
  // "watched" sorts by the progress row itself, so it joins before cutting.
  const statement =
    sort === "watched"
      ? sql`${searching ? sql`with ${searchHits(tokens, filter)}` : sql``}
        select ${VIDEO_COLUMNS}, ${personalColumns}, ${sortKeys}
        from ${source} ${personalJoins(viewer, "inner")}
        ${where}
        order by ${order}
        limit ${limit + 1}`
      : sql`${searching ? sql`with ${searchHits(tokens, filter)}` : sql``}
        select ${VIDEO_COLUMNS}, ${personalColumns}, ${sortKeys}
        from (select ${searching ? sql`videos.*` : HIT_COLUMNS} from ${source} ${where} order by ${order} limit ${limit + 1}) videos
          ${personalJoins(viewer)}
        order by ${order}`;
  return { statement, limit, sort, spec, tokens };
}

export async function listCatalog(viewer: Viewer | null, query: CatalogQuery = {}): Promise<Page<LibraryVideo>> {
  const { statement, limit, sort, spec, tokens } = catalogStatement(viewer, query);
  const rows = await read<VideoRow>(statement);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? encodeCursor({ s: sort, k: spec.keys.map((_, i) => String(last[`sk${i}` as "sk0"])) })
      : null;
  const matcher = tokens.length ? wordMatcher(tokens) : null;
  return {
    items: page.map((row) => {
      const video = toVideo(row, viewer);
      if (matcher) video.highlight = { title: highlight(row.title, matcher), description: snippet(row.description, matcher) };
      return video;
    }),
    nextCursor,
  };
}

/**
 * A random video among those the filters select. Picks the first id at or after a random uuid (ids are
 * random v4 uuids, so this is close to uniform) with a wrap-around: two index probes, never a sort of
 * every row.
 */
export async function randomVideoId(viewer: Viewer | null, query: Pick<CatalogQuery, "q" | "tags"> = {}): Promise<string | null> {
  const tokens = searchTokens(query.q);
  const filter = filterOf(viewer, query.tags);
  const rows = await read<{ id: string }>(
    tokens.length
      ? sql`with ${searchHits(tokens, filter)}
          (select id from hits where id >= gen_random_uuid() order by id limit 1)
          union all
          (select id from hits order by id limit 1)
          limit 1`
      : sql`(select videos.id from videos where ${filter} and videos.id >= gen_random_uuid() order by videos.id limit 1)
          union all
          (select videos.id from videos where ${filter} order by videos.id limit 1)
          limit 1`,
  );
  return rows[0]?.id ?? null;
}

/**
 * What a cached list of this viewer depends on (drizzle/0003): the catalog's version and the viewer's own
 * (favourites, ratings, progress), as one string; two primary-key lookups in one round trip.
 */
export async function libraryVersion(userId: string | null): Promise<string> {
  const [row] = await read<{ catalog: string; personal: string | null }>(sql`
    select ${catalogVersion} as catalog, (select library_version::text from users where id = ${userId}) as personal`);
  return `${row.catalog}.${row.personal ?? "-"}`;
}

/* ------------------------------------------------------------------------------------------------ */
/* Home rows and tags                                                                               */
/* ------------------------------------------------------------------------------------------------ */

export type TagCount = { tag: string; count: number };

let tagCache: { at: number; tags: TagCount[] } | null = null;
const TAG_CACHE_MS = 30_000;

/**
 * Tags of public, playable videos by number of videos. The same for everybody (personal videos do not
 * count), so one process-wide copy is kept for 30 s instead of unnesting every row per page view.
 */
export async function popularTags(limit = 50): Promise<TagCount[]> {
  if (!tagCache || Date.now() - tagCache.at > TAG_CACHE_MS) {
    const rows = await read<TagCount>(sql`
      select tag, count(*)::int as count
      from videos, unnest(videos.tags) as tag
      where videos.visibility = 'public' and videos.status in ('ready', 'playable')
      group by tag order by count(*) desc, tag
      limit 200`);
    // An empty answer (a new instance) is not kept: the first videos show their tags at once.
    if (!rows.length) return [];
    tagCache = { at: Date.now(), tags: [...rows] };
  }
  return tagCache.tags.slice(0, limit);
}

/** Forget the cached tag counts (after edits, and between tests). */
export function invalidateTagCache() {
  tagCache = null;
}

export type TagRow = { tag: string; videos: LibraryVideo[] };

/** The newest videos of each tag, for the home page: one query for all rows. */
export async function tagRows(viewer: Viewer | null, tags: string[], perRow = 12): Promise<TagRow[]> {
  if (!tags.length) return [];
  const rows = await read<VideoRow & { tag: string }>(sql`
    select t.tag, x.*
    from unnest(${textArray(tags)}) with ordinality as t(tag, ord)
    cross join lateral (
      select ${VIDEO_COLUMNS}, ${personalColumns}
      from videos ${personalJoins(viewer)}
      where ${listedTo(viewer)} and videos.tags @> array[t.tag]
      order by videos.created_at desc, videos.id desc
      limit ${perRow}
    ) x
    order by t.ord`);
  const byTag = new Map<string, LibraryVideo[]>(tags.map((t) => [t, []]));
  for (const row of rows) byTag.get(row.tag)?.push(toVideo(row, viewer));
  return tags.map((tag) => ({ tag, videos: byTag.get(tag) ?? [] })).filter((r) => r.videos.length > 0);
}

/** Videos the viewer started and did not finish in the last 90 days, most recent first. */
export async function continueWatching(viewer: Viewer, limit = 12): Promise<LibraryVideo[]> {
  const rows = await read<VideoRow>(sql`
    select ${VIDEO_COLUMNS}, ${personalColumns}
    from videos ${personalJoins(viewer, "inner")}
    where ${viewableBy(viewer)}
      and not wp.finished and wp.position > 0
      and wp.updated_at > now() - make_interval(days => ${CONTINUE_WATCHING_DAYS})
    order by wp.updated_at desc, wp.video_id desc
    limit ${limit}`);
  return rows.map((row) => toVideo(row, viewer));
}

/* ------------------------------------------------------------------------------------------------ */
/* Personal lists: favourites and history (keyset by time, video id)                                */
/* ------------------------------------------------------------------------------------------------ */

async function personalPage(
  viewer: Viewer,
  kind: "favorites" | "history",
  cursor: string | undefined,
  limit: number,
): Promise<Page<LibraryVideo>> {
  // Each list reuses a sort name for its cursor so a cursor of one list cannot be replayed on another.
  const cursorSort = kind === "history" ? "watched" : "newest";
  const timeColumn = kind === "history" ? sql`wp.updated_at` : sql`fav.created_at`;
  // The list's own video_id, so the order is the one of its (user, time, video) index.
  const idColumn = kind === "history" ? sql`wp.video_id` : sql`fav.video_id`;
  const keys = cursor ? cursorKeys(cursor, cursorSort, ["timestamptz", "uuid"]) : null;
  const after = keys ? sql`and (${timeColumn}, ${idColumn}) < (${keys[0]}::timestamptz, ${keys[1]}::uuid)` : sql``;
  const uid = viewer.id;
  const joins =
    kind === "history"
      ? sql`left join favorites fav on fav.user_id = ${uid} and fav.video_id = videos.id
          left join ratings my_rating on my_rating.user_id = ${uid} and my_rating.video_id = videos.id
          join watch_progress wp on wp.user_id = ${uid} and wp.video_id = videos.id`
      : sql`join favorites fav on fav.user_id = ${uid} and fav.video_id = videos.id
          left join ratings my_rating on my_rating.user_id = ${uid} and my_rating.video_id = videos.id
          left join watch_progress wp on wp.user_id = ${uid} and wp.video_id = videos.id`;
  const rows = await read<VideoRow>(sql`
    select ${VIDEO_COLUMNS}, ${personalColumns}, ${timeColumn}::text as sk0, ${idColumn}::text as sk1
    from videos ${joins}
    where ${viewableBy(viewer)} ${after}
    order by ${timeColumn} desc, ${idColumn} desc
    limit ${limit + 1}`);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => toVideo(row, viewer)),
    nextCursor: rows.length > limit && last ? encodeCursor({ s: cursorSort, k: [last.sk0!, last.sk1!] }) : null,
  };
}

export function listFavorites(viewer: Viewer, cursor?: string, limit = 24) {
  return personalPage(viewer, "favorites", cursor, limit);
}

export function listHistory(viewer: Viewer, cursor?: string, limit = 24) {
  return personalPage(viewer, "history", cursor, limit);
}

export async function removeFromHistory(viewer: Viewer, videoId: string): Promise<boolean> {
  const rows = await db.execute(sql`delete from watch_progress where user_id = ${viewer.id} and video_id = ${videoId} returning 1`);
  return rows.length > 0;
}

export async function clearHistory(viewer: Viewer): Promise<number> {
  const rows = await db.execute(sql`delete from watch_progress where user_id = ${viewer.id} returning 1`);
  return rows.length;
}

/* ------------------------------------------------------------------------------------------------ */
/* Favourites, ratings, views                                                                       */
/* ------------------------------------------------------------------------------------------------ */

function notFound(): never {
  throw new AppError("not_found", "No such video");
}

export async function addFavorite(viewer: Viewer, videoId: string): Promise<void> {
  const rows = await db.execute<{ found: boolean }>(sql`
    with v as (select videos.id from videos where videos.id = ${videoId} and ${viewableBy(viewer)}),
    ins as (insert into favorites (user_id, video_id) select ${viewer.id}, v.id from v on conflict do nothing returning 1)
    select exists (select 1 from v) as found`);
  if (!rows[0]?.found) notFound();
}

export async function removeFavorite(viewer: Viewer, videoId: string): Promise<void> {
  await db.execute(sql`delete from favorites where user_id = ${viewer.id} and video_id = ${videoId}`);
}

export type RatingSummary = { value: number; average: number; count: number };

/**
 * Rates a video 1–5 (re-rating replaces the viewer's earlier value). The video row is locked first so
 * concurrent ratings of the same video keep videos.rating_sum/rating_count equal to the ratings table.
 */
export async function rateVideo(viewer: Viewer, videoId: string, value: number): Promise<RatingSummary> {
  if (!Number.isInteger(value) || value < 1 || value > 5) throw new AppError("bad_request", "A rating is a whole number from 1 to 5");
  return db.transaction(async (tx) => {
    const found = await tx.execute(sql`select videos.id from videos where videos.id = ${videoId} and ${viewableBy(viewer)} for update`);
    if (!found.length) notFound();
    const previous = await tx.execute<{ value: number }>(
      sql`select value from ratings where user_id = ${viewer.id} and video_id = ${videoId}`,
    );
    const old = previous[0]?.value ?? null;
    await tx.execute(sql`
      insert into ratings (user_id, video_id, value) values (${viewer.id}, ${videoId}, ${value})
      on conflict (user_id, video_id) do update set value = excluded.value, updated_at = now()`);
    const [totals] = await tx.execute<{ rating_sum: number; rating_count: number }>(sql`
      update videos set rating_sum = rating_sum + ${value - (old ?? 0)}, rating_count = rating_count + ${old === null ? 1 : 0}
      where id = ${videoId} returning rating_sum, rating_count`);
    return { value, average: totals.rating_sum / totals.rating_count, count: totals.rating_count };
  });
}

export type ViewResult = { counted: boolean; viewCount: number; reason?: "too-short" | "recent" | "anonymous" };

/**
 * Counts a view when the player reports at least 5 s of real playback, at most once per user and video
 * per 30 minutes. The video row lock serialises concurrent reports, so a double report counts once.
 */
export async function recordView(viewer: Viewer | null, videoId: string, watchedSeconds: number): Promise<ViewResult> {
  return db.transaction(async (tx) => {
    const [video] = await tx.execute<{ view_count: number }>(
      sql`select videos.view_count from videos where videos.id = ${videoId} and ${viewableBy(viewer)} for update`,
    );
    if (!video) notFound();
    if (watchedSeconds < VIEW_MIN_SECONDS) return { counted: false, viewCount: video.view_count, reason: "too-short" };
    // Anonymous guests cannot be told apart, so their plays are not counted (counts stay honest).
    if (!viewer) return { counted: false, viewCount: video.view_count, reason: "anonymous" };
    const [updated] = await tx.execute<{ view_count: number }>(sql`
      with ins as (
        insert into views (user_id, video_id)
        select ${viewer.id}, ${videoId}
        where not exists (
          select 1 from views
          where user_id = ${viewer.id} and video_id = ${videoId}
            and created_at > now() - make_interval(mins => ${VIEW_WINDOW_MINUTES})
        )
        returning video_id
      )
      update videos set view_count = view_count + 1 where id in (select video_id from ins) returning view_count`);
    return updated
      ? { counted: true, viewCount: updated.view_count }
      : { counted: false, viewCount: video.view_count, reason: "recent" };
  });
}

/* ------------------------------------------------------------------------------------------------ */
/* One video for the edit page                                                                     */
/* ------------------------------------------------------------------------------------------------ */

export type EditableVideo = Pick<LibraryVideo, "id" | "title" | "tags" | "visibility" | "status"> & { description: string };

/** The full editable fields of a video, when the viewer owns it or is an admin; null otherwise. */
export async function getEditableVideo(viewer: Viewer, videoId: string): Promise<EditableVideo | null> {
  const rows = await db.execute<EditableVideo & { owner_id: string | null }>(sql`
    select videos.id, videos.title, videos.description, videos.tags, videos.visibility, videos.status, videos.owner_id
    from videos where videos.id = ${videoId}`);
  const row = rows[0];
  if (!row || !canManage(viewer, { ownerId: row.owner_id })) return null;
  return { id: row.id, title: row.title, description: row.description, tags: row.tags, visibility: row.visibility, status: row.status };
}
