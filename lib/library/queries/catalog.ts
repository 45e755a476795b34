import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Viewer } from "@/lib/auth/viewer";
import { listedTo } from "../access";
import type { CatalogSort } from "../format";
import { highlight, snippet, wordMatcher } from "../highlight";
import { cursorKeys, effectiveSort, encodeCursor, PAGE_SIZE, prefixTsquery, searchTokens } from "../rules";
import { read, textArray, toVideo, VIDEO_COLUMNS, personalColumns, personalJoins, type LibraryVideo, type Page, type VideoRow } from "./video-rows";

/* Catalog: sort, tag filter, search, keyset pagination. */

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
  const limit = query.limit ?? PAGE_SIZE;
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
