import { route } from "@/lib/guards/route";
import { videoParams } from "@/lib/videos/api";
import { requireViewable } from "@/lib/videos/access";
import { chaptersOf, chaptersVtt } from "@/lib/videos/chapters";

/** The video's chapters as a WebVTT chapters track (`<track kind="chapters">`); 404 when it has none. */
export const GET = route({ access: "public", params: videoParams }, async ({ viewer, params }) => {
  const video = await requireViewable(viewer, params.id);
  const chapters = chaptersOf(video);
  if (!chapters.length || !video.duration) return new Response("No chapters", { status: 404, headers: { "content-type": "text/plain" } });
  return new Response(chaptersVtt(chapters, video.duration), { headers: { "content-type": "text/vtt; charset=utf-8", "cache-control": "private, no-store" } });
});
