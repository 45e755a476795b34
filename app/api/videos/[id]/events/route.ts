import { getViewer } from "@/lib/auth/session";
import { route } from "@/lib/guards/route";
import { videoParams } from "@/lib/videos/api";
import { videoEventStream } from "@/lib/videos/event-stream";

export const dynamic = "force-dynamic";

/**
 * Server-sent events: the video's JSON on every change (live progress), `deleted` when it goes or the caller
 * may no longer see it; the stream closes when the caller's session or token stops being valid.
 */
export const GET = route({ access: "public", params: videoParams }, async ({ request, viewer, params }) =>
  videoEventStream(viewer, params.id, request.signal, () => getViewer(request)),
);
