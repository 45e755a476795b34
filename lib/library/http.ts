import { route } from "@/lib/guards/route";
import { ensureMayBrowse } from "./access";
import { listCatalog } from "./queries/catalog";
import { catalogQuerySchema } from "./rules";

/**
 * GET /api/videos — the catalog: sort, tag filter (all of), search, cursor pagination; only what the
 * caller may see. One handler, mounted twice: as the Next route (app/api/videos/route.ts) and as a fast
 * path of Reel's own server (lib/server/catalog-fast-paths.ts), which answers it without Next's per-request overhead.
 */
export const listVideos = route({ access: "public", query: catalogQuerySchema }, async ({ viewer, query }) => {
  await ensureMayBrowse(viewer);
  return listCatalog(viewer, query);
});
