import "server-only";
import type { Viewer } from "@/lib/auth/viewer";
import type { ProxyLink } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { AppError, isAppError } from "@/lib/errors";
import { startImport } from "@/lib/imports/start";
import { childLogger } from "@/lib/log";
import { currentFetchPolicy } from "@/lib/net/current-policy";
import { parseFetchUrl } from "@/lib/net/safe-fetch";
import { hlsScriptUrl } from "@/lib/playback/hls-script";
import { progressToStore, resumePosition, type ProgressBody } from "@/lib/playback/progress";
import type { PlayerSource } from "@/lib/playback/types";
import { deleteLink, deleteLinks, findLink, listLinks, saveLink, saveLinkProgress, usageSince } from "./queries";
import { proxyBase, proxyUri } from "./paths";
import { dailyLimitRefusal, secondsToNextDay } from "./usage";
import { probeLink, type ProbeOptions } from "./probe";

/**
 * Play a link: a signed-in person's pasted URLs (validated, remembered, played through the proxy). The upstream
 * URL is stored and never sent back: the API and pages show the link's id, host and what it is.
 */

const log = childLogger("proxy");

/** The short word the API puts next to every refusal, so clients can tell the kinds apart without parsing text. */
export type Refusal = "bad_url" | "not_allowed" | "not_video" | "upstream_error" | "timeout" | "daily_limit";

export function refusalOf(error: AppError): Refusal {
  if (error.status === 400) return "bad_url";
  if (error.status === 403) return "not_allowed";
  if (error.status === 422) return "not_video";
  if (error.status === 429) return "daily_limit";
  if (error.status === 504) return "timeout";
  return "upstream_error";
}

export async function createLink(viewer: Viewer, rawUrl: string, options: Omit<ProbeOptions, "policy"> = {}): Promise<ProxyLink> {
  let host = "(invalid)";
  try {
    const url = parseFetchUrl(rawUrl.trim());
    host = url.host;
    const overLimit = await dailyLimitRefusal(viewer.id);
    if (overLimit) throw new AppError("rate_limited", overLimit, undefined, { "Retry-After": String(secondsToNextDay()) });
    const facts = await probeLink(url, { ...options, policy: await currentFetchPolicy() });
    return await saveLink({ ownerId: viewer.id, url: url.href, host: url.host, ...facts });
  } catch (error) {
    if (!isAppError(error)) throw error;
    const reason = refusalOf(error);
    // Never the URL itself: its query may hold a secret.
    log.info({ userId: viewer.id, host, status: error.status, reason, message: error.message }, "link refused");
    throw new AppError(error.code, error.message, { reason }, error.headers);
  }
}

/** What the API and pages show of a link: never the upstream URL. */
export function linkView(row: ProxyLink) {
  return {
    id: row.id,
    kind: row.kind,
    contentType: row.contentType,
    size: row.size,
    acceptRanges: row.acceptRanges,
    seekable: row.seekable,
    duration: row.duration,
    width: row.width,
    height: row.height,
    title: row.title,
    host: row.host,
    position: row.position,
    finished: row.finished,
    createdAt: row.createdAt.toISOString(),
    usedAt: row.usedAt.toISOString(),
  };
}
export type LinkView = ReturnType<typeof linkView>;

/** A link of the viewer's own; anyone else's is answered as missing (its id tells nothing). */
export async function requireOwnLink(viewer: Viewer, id: string): Promise<ProxyLink> {
  const row = await findLink(id);
  if (!row || row.ownerId !== viewer.id) throw new AppError("not_found", "No such link");
  return row;
}

export async function recentLinks(viewer: Viewer): Promise<LinkView[]> {
  return (await listLinks(viewer.id)).map(linkView);
}

export async function removeLink(viewer: Viewer, id: string): Promise<void> {
  if (!(await deleteLink(viewer.id, id))) throw new AppError("not_found", "No such link");
}

export async function clearLinks(viewer: Viewer): Promise<{ removed: number }> {
  return { removed: await deleteLinks(viewer.id) };
}

export async function recordLinkProgress(viewer: Viewer, id: string, body: ProgressBody) {
  const row = await requireOwnLink(viewer, id);
  const saved = progressToStore(body, row.duration);
  await saveLinkProgress(viewer.id, id, saved);
  return { ...saved, resumeAt: resumePosition(saved, row.duration) };
}

/** Hands the link's URL to URL import (uploaders): the browser never had the URL to send. */
export async function importLink(viewer: Viewer, id: string) {
  const row = await requireOwnLink(viewer, id);
  return startImport(viewer, row.url);
}

/** The player's source for a link: proxied URLs signed for this viewer, the saved position to resume from. */
export function linkSource(viewer: Viewer, row: ProxyLink): PlayerSource {
  const ttl = Math.ceil(row.duration ?? 0) + env.REEL_MEDIA_TOKEN_MARGIN_SECONDS;
  const { base } = proxyBase(row.id, ttl);
  const hls = row.kind === "hls";
  const url = proxyUri(base, { url: row.url, userId: viewer.id, kind: hls ? "playlist" : "bytes" }, row.id);
  return {
    videoId: row.id,
    title: row.title ?? row.host,
    hlsUrl: hls ? url : null,
    hlsScriptUrl: hls ? hlsScriptUrl() : null,
    firstSegment: null,
    audioTracks: [],
    mp4Url: hls ? null : url,
    rungs: [],
    posterUrl: null,
    storyboardUrl: null,
    captions: [],
    chapters: [],
    duration: row.duration,
    aspect: row.width && row.height ? row.width / row.height : 16 / 9,
    startAt: row.seekable ? resumePosition({ position: row.position, duration: row.progressDuration, finished: row.finished }, row.duration) : 0,
    saveProgress: true,
    progressUrl: `/api/proxy/links/${row.id}/progress`,
    linkId: row.id,
  };
}

/** Bytes the proxy sent per user and day over the last `days` days (UTC), for admins. */
export async function proxyUsageReport(days = 7) {
  const since = new Date(Date.now() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  return usageSince(since);
}
