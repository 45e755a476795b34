import fs from "node:fs/promises";
import path from "node:path";
import type { Viewer } from "@/lib/auth/viewer";
import type { VideoProgress } from "@/lib/db/schema";
import { env, paths } from "@/lib/env";
import { canView } from "@/lib/videos/access";
import { parseMaster, parseMediaPlaylist, segmentAt } from "./hls-manifest";
import { resumePosition } from "./progress";
import { findVideo, getProgress, listCaptions } from "./queries";
import { mediaUrl } from "./signed-url";
import { chooseStartLevel, sortRungs } from "./start-level";
import type { PlayerSource } from "./types";

export type WatchPage =
  | { kind: "playable"; title: string; description: string; source: PlayerSource; preloads: string[]; processing: VideoProgress | null }
  | { kind: "processing"; title: string; description: string; progress: VideoProgress | null; status: string }
  | { kind: "failed"; title: string; description: string; reason: string }
  | { kind: "missing"; title: string; description: string };

/** What the client told us about itself in cookies, for the preload choice (see start-level.ts). */
export type ClientHints = { bandwidthBps: number | null; playerHeightPx: number | null };

type Outputs = { mp4?: unknown; hls?: unknown; poster?: unknown; storyboard?: unknown };

const POSTER_WIDTH = 1280;

function posterPath(outputs: Outputs): string | null {
  const widths = Array.isArray(outputs.poster) ? outputs.poster.filter((w): w is number => typeof w === "number" && w > 0) : [];
  if (widths.length === 0) return null;
  const fitting = widths.filter((w) => w <= POSTER_WIDTH);
  const width = fitting.length ? Math.max(...fitting) : Math.min(...widths);
  return `thumbs/poster-${width}.webp`;
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
  const start = variants[chooseStartLevel(variants, hints.playerHeightPx, hints.bandwidthBps)];
  const mediaText = await readText(path.join(/*turbopackIgnore: true*/ dir, start.uri));
  const media = mediaText ? parseMediaPlaylist(mediaText) : null;
  const variantDir = path.posix.dirname(start.uri);
  const inVariant = (uri: string) => path.posix.normalize(path.posix.join(variantDir, uri));
  const firstSegment = media ? segmentAt(media, startAt) : null;
  const preloads = [start.uri, media?.initUri ? inVariant(media.initUri) : null, firstSegment ? inVariant(firstSegment.uri) : null].filter(
    (p): p is string => !!p && !p.startsWith("..") && !p.includes("://"),
  );
  return { rungs: variants.map(({ height, width, bandwidth }) => ({ height, width, bandwidth })), preloads };
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

  const outputs = video.outputs as Outputs;
  const startAt = requestedStart ?? resumePosition(saved, video.duration);
  const plan = outputs.hls ? await hlsPlan(video.id, startAt, hints) : null;
  if (!plan && !outputs.mp4) {
    if (video.status === "missing") return { kind: "missing", ...base };
    return { kind: "processing", ...base, progress: video.progress, status: video.status };
  }

  // A token covers every file of the video: valid for the whole video plus a margin, so long sessions never break.
  const ttlSeconds = Math.ceil(video.duration ?? 0) + env.REEL_MEDIA_TOKEN_MARGIN_SECONDS;
  const url = (rel: string) => mediaUrl(video.id, rel, { ttlSeconds });
  const hlsUrl = plan ? url("hls/master.m3u8") : null;
  const hlsBase = hlsUrl ? hlsUrl.slice(0, hlsUrl.lastIndexOf("/") + 1) : "";
  const poster = posterPath(outputs);
  const source: PlayerSource = {
    videoId: video.id,
    title: video.title,
    hlsUrl,
    mp4Url: outputs.mp4 ? url("mp4/video.mp4") : null,
    rungs: plan?.rungs ?? [],
    posterUrl: poster ? url(poster) : null,
    storyboardUrl: outputs.storyboard ? url("storyboard/storyboard.vtt") : null,
    captions: captionRows.map((c) => ({ src: url(`captions/${c.file}`), lang: c.lang, label: c.label })),
    duration: video.duration,
    aspect: video.width && video.height ? (video.rotation === 90 || video.rotation === 270 ? video.height / video.width : video.width / video.height) : 16 / 9,
    startAt,
    saveProgress: viewer !== null,
  };
  // The token sits in the path, so segment URLs resolve against the master's folder and carry it.
  const preloads = hlsUrl ? [hlsUrl, ...(plan?.preloads ?? []).map((p) => hlsBase + p)] : [];
  const processing = video.status === "ready" ? null : video.progress;
  return { kind: "playable", ...base, source, preloads, processing };
}
