/**
 * How fresh the statistics pages are. Aggregates over a period are recomputed at most every STATS_CACHE_MS
 * (./queries.ts, shared by every reader of a process). On top of that, Reel's Node server keeps the pages and tables
 * below per viewer for STATS_PAGE_CACHE_MS (lib/server/catalog-fast-paths.ts): a reload, an export or another tab
 * within that time gets the stored answer without React or a query, and "playing now" lags a stream by at most that
 * much more than its heartbeat. A `folder` matches every path under it.
 */
export const STATS_CACHE_MS = 15_000;
export const STATS_PAGE_CACHE_MS = 5_000;

export const CACHED_STATS_PAGES = [
  { path: "/admin/quality", folder: false },
  { path: "/admin/audience", folder: false },
  { path: "/api/stats/", folder: true },
] as const;

/** What the pages say about it. */
export const FRESHNESS_NOTE = `Figures are recomputed every ${STATS_CACHE_MS / 1000} s; a reload within ${STATS_PAGE_CACHE_MS / 1000} s shows the same page.`;
