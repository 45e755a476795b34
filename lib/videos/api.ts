import { z } from "zod";
import type { Viewer } from "@/lib/auth/viewer";
import { findViewable, requireViewable } from "./access";
import { captionsOf } from "./captions";
import { videoView, type VideoView } from "./view";

export const videoParams = z.object({ id: z.uuid() });

/** GET /api/videos/:id */
export async function getVideoView(viewer: Viewer | null, id: string): Promise<VideoView> {
  const video = await requireViewable(viewer, id);
  return videoView(video, viewer, await captionsOf(id));
}

/**
 * The current view for the event stream, authorised again: null once the video is gone for this viewer
 * (deleted, or no longer theirs to see: the same "no such video" a 404 gives).
 */
export async function currentVideoView(viewer: Viewer | null, id: string): Promise<VideoView | null> {
  const video = await findViewable(viewer, id);
  return video && videoView(video, viewer, await captionsOf(id));
}
