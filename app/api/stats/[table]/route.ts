import { z } from "zod";
import { route } from "@/lib/guards/route";
import { readStatsTable, statsQuery, statsTableName, toCsv } from "@/lib/stats/service";

/** One table of the quality/audience pages as JSON or CSV (`?format=csv`); authorisation in lib/stats/service.ts. */
export const GET = route({ access: "public", params: z.object({ table: statsTableName }), query: statsQuery }, async ({ viewer, params, query }) => {
  const rows = await readStatsTable(viewer, params.table, query);
  if (query.format === "json") return { rows };
  const name = `reel-${params.table}-${query.range}${query.videoId ? `-${query.videoId}` : ""}.csv`;
  return new Response(toCsv(rows), {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${name}"`, "cache-control": "private, no-store" },
  });
});
