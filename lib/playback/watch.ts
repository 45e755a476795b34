import fs from "node:fs/promises";
import path from "node:path";
import type { Viewer } from "@/lib/auth/viewer";
import type { VideoProgress } from "@/lib/db/schema";
import { paths } from "@/lib/env";
import { signedPlayback, type SignedPlayback } from "@/lib/media/urls";
import { canView } from "@/lib/videos/access";
import { hlsConfig } from "./hls-config";
import { parseMaster, parseMediaPlaylist, segmentAt } from "./hls-manifest";
import { hlsScriptUrl } from "./hls-script";
import { keyframeAtOrBefore, resumePosition } from "./progress";
import { findVideo, getProgress, listCaptions } from "./queries";
import { chooseStartLevel, DEFAULT_BANDWIDTH_BPS, firstFragmentLevel, sortRungs } from "./start-level";
import type { PlayerSource } from "./types";

export type WatchPage =
  | { kind: "playable"; title: string; description: string; source: PlayerSource; preloads: string[]; processing: VideoProgress | null }
  | { kind: "processing"; title: string; description: string; progress: VideoProgress | null; status: string }
  | { kind: "failed"; title: string; description: string; reason: string }
  | { kind: "missing"; title: string; description: string };

/** What the client told us about itself in cookies, for the preload choice (see start-level.ts). */
export type ClientHints = { bandwidthBps: number | null; playerHeightPx: number | null };

const POSTER_WIDTH = 1280;

/** The largest poster up to the player's likely width, else the smallest there is. */
function pickPoster(posters: SignedPlayback["posters"]): string | null {
  const fitting = posters.filter((p) => p.width <= POSTER_WIDTH);
  return (fitting.at(-1) ?? posters[0])?.url ?? null;
}

async function readText(file: string): Promise<string | null> {
  return fs.readFile(file, "utf8").catch(() => null);
}

/**
 * The ladder and the first requests of the rung the player will most likely start on, so the page can
 * hint them to the browser: with these in flight, the first frame no longer waits for hydration + hls.js.
 */
async function hlsPlan(videoId: string, startAt: number, hints: ClientHints) {
  const dir = path.join(/*turbopackIgnore: true*/ paths.media, videoId, "hls");
  const master = await readText(path.join(/*turbopackIgnore: true*/ dir, "master.m3u8"));
  if (!master) return null;
  const variants = sortRungs(parseMaster(master));
  if (variants.length === 0) return null;
  const startLevel = firstFragmentLevel(variants, chooseStartLevel(variants, hints.playerHeightPx, hints.bandwidthBps));
  const start = variants[startLevel];
  const mediaText = await readText(path.join(/*turbopackIgnore: true*/ dir, start.uri));
  const media = mediaText ? parseMediaPlaylist(mediaText) : null;
  const variantDir = path.posix.dirname(start.uri);
  const inVariant = (uri: string) => path.posix.normalize(path.posix.join(variantDir, uri));
  const firstSegment = media ? segmentAt(media, startAt) : null;
  const preloads = [start.uri, media?.initUri ? inVariant(media.initUri) : null, firstSegment ? inVariant(firstSegment.uri) : null].filter(
    (p): p is string => !!p && !p.startsWith("..") && !p.includes("://"),
  );
  return { rungs: variants.map(({ height, width, bandwidth }) => ({ height, width, bandwidth })), preloads, startLevel };
}

/** Everything /watch/[id] shows, for this viewer; null when the video does not exist or is not theirs to see. */
export async function loadWatchPage(viewer: Viewer | null, videoId: string, hints: ClientHints, requestedStart?: number): Promise<WatchPage | null> {
  const [video, saved, captionRows] = await Promise.all([
    findVideo(videoId),
    viewer ? getProgress(viewer.id, videoId) : null,
    listCaptions(videoId),
  ]);
  if (!video || !(await canView(viewer, video))) return null;
  const base = { title: video.title, description: video.description };
  if (video.status === "failed") return { kind: "failed", ...base, reason: video.failureReason ?? "Processing failed." };

  const signed = signedPlayback(video, captionRows);
  // A resume point is a few seconds back anyway: it moves to the keyframe there. An explicit ?t= is kept as asked.
  const startAt = requestedStart ?? keyframeAtOrBefore(resumePosition(saved, video.duration));
  const plan = signed.hls ? await hlsPlan(video.id, startAt, hints) : null;
  if (!plan && !signed.mp4) {
    if (video.status === "missing") return { kind: "missing", ...base };
    return { kind: "processing", ...base, progress: video.progress, status: video.status };
  }

  const source: PlayerSource = {
    videoId: video.id,
    title: video.title,
    hlsUrl: plan ? signed.hls : null,
    hlsScriptUrl: plan ? hlsScriptUrl() : null,
    earlyConfig: plan ? hlsConfig(plan.startLevel, hints.bandwidthBps ?? DEFAULT_BANDWIDTH_BPS, startAt) : null,
    mp4Url: signed.mp4,
    rungs: plan?.rungs ?? [],
    posterUrl: pickPoster(signed.posters),
    storyboardUrl: signed.storyboard,
    captions: signed.captions.map((c) => ({ src: c.url, lang: c.lang, label: c.label })),
    duration: video.duration,
    aspect: video.width && video.height ? (video.rotation === 90 || video.rotation === 270 ? video.height / video.width : video.width / video.height) : 16 / 9,
    startAt,
    saveProgress: viewer !== null,
  };
  // The token sits in the path, so the variant playlist and segments resolve against the master's folder and carry it.
  const preloads = plan && signed.hls ? [signed.hls, ...plan.preloads.map((p) => `${signed.base}hls/${p}`)] : [];
  const processing = video.status === "ready" ? null : video.progress;
  return { kind: "playable", ...base, source, preloads, processing };
}
