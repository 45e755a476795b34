import { z } from "zod";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { findVideoOwner } from "@/lib/uploads/queries";
import { canManage } from "@/lib/videos/access";
import { removeCaption } from "@/lib/videos/captions";

/** Remove a caption track: the video's owner or an admin. */
export const DELETE = route({ access: "user", params: z.object({ id: z.uuid(), captionId: z.uuid() }) }, async ({ viewer, params }) => {
  const video = await findVideoOwner(params.id);
  if (!video) throw new AppError("not_found", "No such video");
  if (!canManage(viewer, video)) throw new AppError("forbidden", "Only the video's owner or an administrator can remove captions");
  if (!(await removeCaption(video.id, params.captionId))) throw new AppError("not_found", "This video has no such caption track");
  return null;
});
