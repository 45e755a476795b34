import path from "node:path";
import type { Viewer } from "@/lib/auth/viewer";
import type { ProcessingProgress } from "@/lib/db/schema";
import { signedPlayback, type SignedPlayback } from "@/lib/media/urls";
import { storage } from "@/lib/storage";
import { findViewable } from "@/lib/videos/access";
import { outputsOf } from "@/lib/videos/outputs";
import { chaptersOf } from "@/lib/videos/chapters";
import { parseMaster, parseMediaPlaylist, segmentAt } from "./hls-manifest";
import { hlsScriptUrl } from "./hls-script";
import { keyframeAtOrBefore, resumePosition } from "./progress";
import { getProgress, listCaptions } from "./queries";
import { chooseStartLevel, firstFragmentLevel, sortRungs } from "./start-level";
import type { PlayerSource } from "./types";

/**
 * A request the page hints to the browser: the first segment comes first, what hls.js needs later may wait. A
 * "script" is hls.js itself, downloaded from the hint and run by the player's engine.
 */
export type Preload = { href: string; priority: "high" | "low"; as: "fetch" | "script" };

type WatchPageBase = { id: string; title: string; description: string; visibility: "private" | "unlisted" | "public" };

export type WatchPage = WatchPageBase &
  (
    | { kind: "playable"; source: PlayerSource; preloads: Preload[]; processing: ProcessingProgress | null }
    | { kind: "processing"; progress: ProcessingProgress | null; status: string }
    | { kind: "failed"; reason: string }
    | { kind: "missing" }
  );

/** What the client told us about itself in cookies, for the preload choice (see start-level.ts). */
export type ClientHints = { bandwidthBps: number | null; playerHeightPx: number | null };

const POSTER_WIDTH = 1280;
/** An init segment larger than this (it never is, for Reel's ladders) is left to hls.js rather than inlined. */
const MAX_INLINE_INIT_BYTES = 16 * 1024;

/** The largest poster up to the player's likely width, else the smallest there is. */
export function pickPoster(posters: SignedPlayback["posters"]): string | null {
  const fitting = posters.filter((p) => p.width <= POSTER_WIDTH);
  return (fitting.at(-1) ?? posters[0])?.url ?? null;
}

/** A file of the video's ladder, from whichever storage holds it (the data folder or the bucket). */
async function readLadderFile(videoId: string, relative: string): Promise<Buffer | null> {
  return storage.read(videoId, `hls/${relative}`).catch(() => null);
}

/**
 * The ladder, and the first segment of the rung the player will most likely start on with its init segment: the
 * page appends them to the video element from its HTML, so the first frame waits neither for hydration nor hls.js.
 * Paths are relative to the ladder's folder.
 */
async function hlsPlan(videoId: string, startAt: number, hints: ClientHints) {
  const master = (await readLadderFile(videoId, "master.m3u8"))?.toString("utf8");
  if (!master) return null;
  const variants = sortRungs(parseMaster(master));
  if (variants.length === 0) return null;
  const startLevel = firstFragmentLevel(variants, chooseStartLevel(variants, hints.playerHeightPx, hints.bandwidthBps));
  const start = variants[startLevel];
  const rungs = variants.map(({ height, width, bandwidth }) => ({ height, width, bandwidth }));
  const inLadder = (uri: string) => path.posix.normalize(path.posix.join(path.posix.dirname(start.uri), uri));
  const safe = (p: string) => !p.startsWith("..") && !p.includes("://");
  const mediaText = safe(start.uri) ? (await readLadderFile(videoId, start.uri))?.toString("utf8") : null;
  const media = mediaText ? parseMediaPlaylist(mediaText) : null;
  const segment = media ? segmentAt(media, startAt) : null;
  const initPath = media?.initUri ? inLadder(media.initUri) : null;
  const segmentPath = segment ? inLadder(segment.uri) : null;
  const codecs = start.codecs;
  // Appending from the page needs the codecs (for its SourceBuffer) and an init segment small enough to inline.
  const appendable = codecs && initPath && segmentPath && safe(initPath) && safe(segmentPath);
  const init = appendable ? await readInit(videoId, initPath) : null;
  const first = appendable && init ? { level: startLevel, segmentPath, init, codecs } : null;
  return { rungs, first, playlists: safe(start.uri) ? [start.uri] : [] };
}

async function readInit(videoId: string, relative: string): Promise<string | null> {
  const bytes = await readLadderFile(videoId, relative);
  return bytes && bytes.length <= MAX_INLINE_INIT_BYTES ? bytes.toString("base64") : null;
}

/** Everything /watch/[id] shows, for this viewer; null when the video does not exist or is not theirs to see. */
export async function loadWatchPage(viewer: Viewer | null, videoId: string, hints: ClientHints, requestedStart?: number): Promise<WatchPage | null> {
  const [video, saved, captionRows] = await Promise.all([
    findViewable(viewer, videoId),
    viewer ? getProgress(viewer.id, videoId) : null,
    listCaptions(videoId),
  ]);
  if (!video) return null;
  const base = { id: video.id, title: video.title, description: video.description, visibility: video.visibility };
  if (video.status === "failed") return { kind: "failed", ...base, reason: video.failureReason ?? "Processing failed." };

  const signed = signedPlayback(video, captionRows);
  // A resume point is a few seconds back anyway: it moves to the keyframe there. An explicit ?t= is kept as asked.
  const startAt = requestedStart ?? keyframeAtOrBefore(resumePosition(saved, video.duration));
  const plan = signed.hls ? await hlsPlan(video.id, startAt, hints) : null;
  const audioTracks = plan ? (outputsOf(video.outputs).audio ?? []) : [];
  if (!plan && !signed.mp4) {
    if (video.status === "missing") return { kind: "missing", ...base };
    return { kind: "processing", ...base, progress: video.progress, status: video.status };
  }

  const source: PlayerSource = {
    videoId: video.id,
    title: video.title,
    hlsUrl: plan ? signed.hls : null,
    hlsScriptUrl: plan ? hlsScriptUrl({ alternateAudio: audioTracks.length > 0 }) : null,
    audioTracks,
    // The early start appends a rung's segment, which holds no sound when the audio is a rendition of its own.
    firstSegment: plan?.first && signed.hls && audioTracks.length === 0 ? { level: plan.first.level, url: `${signed.base}hls/${plan.first.segmentPath}`, init: plan.first.init, codecs: plan.first.codecs } : null,
    mp4Url: signed.mp4,
    rungs: plan?.rungs ?? [],
    posterUrl: pickPoster(signed.posters),
    storyboardUrl: signed.storyboard,
    captions: signed.captions.map((c) => ({ src: c.url, lang: c.lang, label: c.label })),
    chapters: chaptersOf(video),
    duration: video.duration,
    aspect: video.width && video.height ? (video.rotation === 90 || video.rotation === 270 ? video.height / video.width : video.width / video.height) : 16 / 9,
    startAt,
    saveProgress: viewer !== null,
  };
  // The token sits in the path, so the variant playlist and segments resolve against the master's folder and carry it.
  // The playlists are for hls.js, which takes over once the first segment is in: they must not compete with it.
  const preloads: Preload[] = [];
  if (source.firstSegment) preloads.push({ href: source.firstSegment.url, priority: "high", as: "fetch" });
  if (plan && signed.hls) for (const href of [signed.hls, ...plan.playlists.map((p) => `${signed.base}hls/${p}`)]) preloads.push({ href, priority: "low", as: "fetch" });
  // With a first segment the page starts playback itself, and hls.js is fetched by the engine after hydration: fetched
  // from the <head>, its 390 KB were compiled while the first segment was appended, on the same two cores (bench:ttff:
  // the first frame came 30–50 ms later). Without one, hls.js starts playback and is wanted as early as possible.
  if (source.hlsScriptUrl && !source.firstSegment) preloads.push({ href: source.hlsScriptUrl, priority: "low", as: "script" });
  const processing = video.status === "ready" ? null : video.progress;
  return { kind: "playable", ...base, source, preloads, processing };
}
