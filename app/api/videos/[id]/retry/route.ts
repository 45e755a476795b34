import { route } from "@/lib/guards/route";
import { videoParams } from "@/lib/videos/api";
import { requireManageable, retryProcessing } from "@/lib/videos/lifecycle";
import { videoView } from "@/lib/videos/view";

/** Processes a failed (or cancelled) video again from the start. */
export const POST = route({ access: "user", params: videoParams }, async ({ viewer, params }) => {
  await requireManageable(viewer, params.id);
  return videoView(await retryProcessing(params.id), viewer);
});
