import type { Viewer } from "@/lib/auth/viewer";
import { AppError } from "@/lib/errors";
import { requireViewable } from "@/lib/videos/access";
import { progressToStore, resumePosition, type ProgressBody } from "./progress";
import { QOE_MIN_INTERVAL_MS, type QoeBody } from "./qoe";
import { getProgress, mergeQoeReport, saveWatchProgress } from "./queries";

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

export async function recordQoe(viewer: Viewer | null, report: QoeBody, userAgent: string | null) {
  await requireViewable(viewer, report.videoId);
  const result = await mergeQoeReport(report, viewer?.id ?? null, userAgent?.slice(0, 300) ?? null);
  if (result === "foreign_session") throw new AppError("conflict", "This playback session belongs to another viewer or video");
  if (result === "rate_limited") {
    throw new AppError("rate_limited", "Too many reports for this playback session", undefined, {
      "Retry-After": String(Math.ceil(QOE_MIN_INTERVAL_MS / 1000)),
    });
  }
}
