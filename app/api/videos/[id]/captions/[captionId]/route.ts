import { z } from "zod";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/guards/route";
import { requireManageable } from "@/lib/videos/lifecycle";
import { removeCaption } from "@/lib/videos/captions";

/** Remove a caption track: the video's owner or an admin. */
export const DELETE = route({ access: "user", params: z.object({ id: z.uuid(), captionId: z.uuid() }) }, async ({ viewer, params }) => {
  // 404 for a video the caller cannot see, 403 for one they see but do not manage: as every video route answers.
  const video = await requireManageable(viewer, params.id);
  if (!(await removeCaption(video.id, params.captionId))) throw new AppError("not_found", "This video has no such caption track");
  return null;
});
