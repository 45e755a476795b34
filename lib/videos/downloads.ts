import "server-only";
import type { Viewer } from "@/lib/auth/viewer";
import { AppError } from "@/lib/errors";
import { downloadUrl, type DownloadKind } from "@/lib/media/urls";
import { canDownload, requireViewable } from "./access";

export type DownloadLink = { kind: DownloadKind; label: string; url: string; bytes: number | null };

const LABELS: Record<DownloadKind, string> = { original: "Original file", mp4: "MP4 (plays everywhere)" };

/**
 * GET /api/videos/:id/download: freshly signed download URLs of the files the viewer may download. A video they
 * may not see is a 404 (as everywhere); one they see but may not download is a 403.
 */
export async function downloadLinks(viewer: Viewer | null, id: string): Promise<{ files: DownloadLink[] }> {
  const video = await requireViewable(viewer, id);
  if (!canDownload(viewer, video)) throw new AppError("forbidden", "Downloads of this video are not allowed");
  const files: DownloadLink[] = [];
  for (const kind of ["original", "mp4"] as const) {
    const url = downloadUrl(video, kind, video.title);
    if (url) files.push({ kind, label: LABELS[kind], url, bytes: kind === "original" ? video.size : null });
  }
  return { files };
}
