import { route } from "@/lib/guards/route";
import { videoParams } from "@/lib/videos/api";
import { embedPlayerHtml } from "@/lib/videos/embedding";

export const dynamic = "force-dynamic";

/** The player alone, for other sites' iframes (public and unlisted videos; proxy.ts lets any site frame it). */
export const GET = route({ access: "public", params: videoParams }, async ({ viewer, params }) => {
  const html = await embedPlayerHtml(viewer, params.id);
  return new Response(html, { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "private, no-store" } });
});
