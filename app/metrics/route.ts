import { route } from "@/lib/guards/route";
import { authorizeScrape, CONTENT_TYPE, metricsText } from "@/lib/monitoring/metrics";

/** Prometheus scrapes: the REEL_METRICS_TOKEN bearer or an administrator (checked in authorizeScrape). */
export const GET = route({ access: "anyone" }, async ({ request }) => {
  await authorizeScrape(request);
  return new Response(await metricsText(), { headers: { "content-type": CONTENT_TYPE, "cache-control": "no-store" } });
});
