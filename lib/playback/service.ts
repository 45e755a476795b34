import type { Viewer } from "@/lib/auth/viewer";
import { AppError } from "@/lib/errors";
import { canView } from "@/lib/videos/access";
import { progressToStore, resumePosition, type ProgressBody } from "./progress";
import { QOE_MIN_INTERVAL_MS, type QoeBody } from "./qoe";
import { findVideo, getProgress, mergeQoeReport, saveProgress } from "./queries";

/** The video, if it exists and the viewer may watch it; a 404 either way otherwise, so ids do not leak. */
export async function viewableVideo(viewer: Viewer | null, videoId: string) {
  const video = await findVideo(videoId);
  if (!video || !(await canView(viewer, video))) throw new AppError("not_found", "No such video");
  return video;
}

export async function readProgress(viewer: Viewer, videoId: string) {
  const video = await viewableVideo(viewer, videoId);
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
  const video = await viewableVideo(viewer, videoId);
  const saved = await saveProgress(viewer.id, video.id, progressToStore(body, video.duration));
  return { ...saved, resumeAt: resumePosition(saved, video.duration) };
}

export async function recordQoe(viewer: Viewer | null, report: QoeBody, userAgent: string | null) {
  await viewableVideo(viewer, report.videoId);
  const result = await mergeQoeReport(report, viewer?.id ?? null, userAgent?.slice(0, 300) ?? null);
  if (result === "foreign_session") throw new AppError("conflict", "This playback session belongs to another viewer or video");
  if (result === "rate_limited") {
    throw new AppError("rate_limited", "Too many reports for this playback session", undefined, {
      "Retry-After": String(Math.ceil(QOE_MIN_INTERVAL_MS / 1000)),
    });
  }
}
