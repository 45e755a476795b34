import { route } from "@/lib/http/route";
import { ensureMayBrowse } from "@/lib/library/access";
import { listCatalog } from "@/lib/library/queries";
import { catalogQuerySchema } from "@/lib/library/rules";

/** The catalog: sort, tag filter (all of), search, cursor pagination; only what the caller may see. */
export const GET = route({ access: "public", query: catalogQuerySchema }, async ({ viewer, query }) => {
  await ensureMayBrowse(viewer);
  return listCatalog(viewer, query);
});
