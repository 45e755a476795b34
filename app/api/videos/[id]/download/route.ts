import { route } from "@/lib/guards/route";
import { videoParams } from "@/lib/videos/api";
import { downloadLinks } from "@/lib/videos/downloads";

export const dynamic = "force-dynamic";

/** Signed, expiring download URLs of the original and the MP4, for those who may download the video. */
export const GET = route({ access: "public", params: videoParams }, async ({ viewer, params }) => downloadLinks(viewer, params.id));
