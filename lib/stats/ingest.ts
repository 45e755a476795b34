import { LRUCache } from "lru-cache";
import { clientIp } from "@/lib/auth/client-ip";
import type { Viewer } from "@/lib/auth/viewer";
import type { Video } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import type { HeaderSource } from "@/lib/http/forwarded";
import type { QoeBody } from "@/lib/playback/qoe";
import { requireOwnLink } from "@/lib/proxy/links";
import { canView } from "@/lib/videos/access";
import { findVideo } from "@/lib/videos/queries";
import { qoeIngest } from "./qoe-ingest";

/**
 * Who may see each video (owner and visibility), remembered briefly: a player reports every few seconds, the answer
 * rarely changes, and a video's many viewers then cost one read of it, not one each.
 */
const videoAccess = new LRUCache<string, { ownerId: string | null; visibility: Video["visibility"]; guests?: boolean } | false>({ max: 50_000, ttl: 30_000 });
/** `<user id> <link id>` pairs checked as the link's owner, remembered as briefly. */
const ownLinks = new LRUCache<string, true>({ max: 50_000, ttl: 30_000 });

/**
 * Accepts a player report for the batched writer (./qoe-ingest.ts): checks the viewer may watch the video (or owns
 * the link: a link is its owner's alone) and sends within the per-viewer rate; the write happens a moment later, so
 * the reply never waits on it.
 */
export async function recordQoe(viewer: Viewer | null, report: QoeBody, headers: HeaderSource) {
  const viewerKey = viewer ? `user:${viewer.id}` : `ip:${clientIp(headers) ?? "unknown"}`;
  if (!qoeIngest.allow(viewerKey)) throw new AppError("rate_limited", "Too many playback reports", undefined, { "Retry-After": "1" });
  if (report.linkId) {
    if (!viewer) throw new AppError("not_found", "No such link");
    const key = `${viewer.id} ${report.linkId}`;
    if (!ownLinks.has(key)) {
      await requireOwnLink(viewer, report.linkId);
      ownLinks.set(key, true);
    }
  } else {
    let video = videoAccess.get(report.videoId!);
    if (video === undefined) {
      const found = await findVideo(report.videoId!);
      video = found ? { ownerId: found.ownerId, visibility: found.visibility } : false;
      videoAccess.set(report.videoId!, video);
    }
    if (!video) throw new AppError("not_found", "No such video");
    // A guest's answer depends on an instance setting too: it is remembered with the video.
    const allowed = viewer ? await canView(viewer, video) : (video.guests ??= await canView(null, video));
    if (!allowed) throw new AppError("not_found", "No such video");
  }
  if (!qoeIngest.add(report, viewer?.id ?? null, headers.get("user-agent"))) {
    throw new AppError("rate_limited", "Playback reports are not being stored right now", undefined, { "Retry-After": "5" });
  }
}
