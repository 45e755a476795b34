import { route } from "@/lib/guards/route";
import { getVideoView, videoParams } from "@/lib/videos/api";
import { checkDetailsChange, deleteVideo, requireManageable, updateDetails, videoDetailsInput } from "@/lib/videos/lifecycle";
import { videoView } from "@/lib/videos/view";

export const dynamic = "force-dynamic";

/** The video: details, processing status and progress, and signed URLs of what is published. */
export const GET = route({ access: "public", params: videoParams }, async ({ viewer, params }) => getVideoView(viewer, params.id));

/** Title, description, tags, visibility (owner or admin); downloadable (admin). */
export const PATCH = route({ access: "user", params: videoParams, body: videoDetailsInput }, async ({ viewer, params, body }) => {
  await requireManageable(viewer, params.id);
  checkDetailsChange(viewer, body);
  return videoView(await updateDetails(params.id, body), viewer);
});

/** Deletes the video, its jobs and its files (owner or admin); media-folder originals stay. */
export const DELETE = route({ access: "user", params: videoParams }, async ({ viewer, params }) => {
  await requireManageable(viewer, params.id);
  await deleteVideo(params.id);
  return null;
});
