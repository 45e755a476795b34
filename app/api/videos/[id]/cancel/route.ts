import { route } from "@/lib/guards/route";
import { videoParams } from "@/lib/videos/api";
import { cancelProcessing, requireManageable } from "@/lib/videos/lifecycle";
import { videoView } from "@/lib/videos/view";

/** Stops processing: ffmpeg is killed, work files removed, the video fails with reason "cancelled". */
export const POST = route({ access: "user", params: videoParams }, async ({ viewer, params }) => {
  await requireManageable(viewer, params.id);
  return videoView(await cancelProcessing(params.id), viewer);
});
