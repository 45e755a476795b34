/**
 * How fresh the statistics pages are. Aggregates over a period are recomputed at most every STATS_CACHE_MS
 * (./queries.ts, shared by every reader of a process). On top of that, Reel's Node server keeps the pages and tables
 * below per viewer (lib/server/catalog-fast-paths.ts): for STATS_PAGE_CACHE_MS a reload, an export or another tab gets
 * the stored answer without React or a query; after that the stored answer is still sent, marked stale, while one
 * render in the background replaces it (for up to the cache's one-minute expiry), so a viewer waits for a render only
 * on a first visit. "Playing now" lags a stream by that much more than its heartbeat; each page shows its own age
 * (components/stats/freshness-note.tsx). A `folder` matches every path under it.
 */
export const STATS_CACHE_MS = 15_000;
export const STATS_PAGE_CACHE_MS = 5_000;

export const CACHED_STATS_PAGES = [
  { path: "/admin/quality", folder: false },
  { path: "/admin/audience", folder: false },
  { path: "/api/stats/", folder: true },
] as const;

/** What the pages say about it. */
export const FRESHNESS_NOTE = `Figures are recomputed every ${STATS_CACHE_MS / 1000} s; a reload within ${STATS_PAGE_CACHE_MS / 1000} s shows the same page, a later one may too while a newer one is made.`;

/** When a statistics page is rendered: it goes with the page into the cache, and the page shows its age from it. */
export function madeAt(): number {
  return Date.now();
}
