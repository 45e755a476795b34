import type { Viewer } from "@/lib/auth/viewer";
import { requireViewable } from "@/lib/videos/access";
import { progressToStore, resumePosition, type ProgressBody } from "./progress";
import { getProgress, saveWatchProgress } from "./queries";

export async function readProgress(viewer: Viewer, videoId: string) {
  const video = await requireViewable(viewer, videoId);
  const saved = await getProgress(viewer.id, video.id);
  return {
    position: saved?.position ?? 0,
    duration: saved?.duration ?? video.duration ?? null,
    finished: saved?.finished ?? false,
    resumeAt: resumePosition(saved, video.duration),
    updatedAt: saved?.updatedAt ?? null,
  };
}

export async function recordProgress(viewer: Viewer, videoId: string, body: ProgressBody) {
  const video = await requireViewable(viewer, videoId);
  const saved = await saveWatchProgress(viewer.id, video.id, progressToStore(body, video.duration), body.at === undefined ? undefined : new Date(body.at));
  return { ...saved, resumeAt: resumePosition(saved, video.duration) };
}
