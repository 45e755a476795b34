import path from "node:path";
import type { Caption, Video } from "@/lib/db/schema";
import { env, paths } from "@/lib/env";
import { downloadFileName } from "./disposition";
import { downloadSubject, GRANT_ORIGINAL, signToken, type Grant, type Keyring } from "./signing";

/**
 * Signed media URLs for pages and APIs: `/media/<token>/<videoId>/<rel path>` (see signing.ts
 * for the token). URLs are root-relative, so they work behind any host name or proxy.
 *
 * Storage layout assumed (agreed with the pipeline; `media/<videoId>/`):
 *   source/<file>                original upload; for media-folder videos a symlink the pipeline
 *                                creates to the file in place (`outputs.source` names it)
 *   mp4/video.mp4                faststart rendition                 (`outputs.mp4`: true)
 *   hls/master.m3u8, hls/v<N>/…  HLS ladder, relative URIs inside     (`outputs.hls`: rung heights)
 *   thumbs/poster-<w>.webp       posters                             (`outputs.poster`: widths)
 *   storyboard/storyboard.vtt    scrub previews; the sprite images it names are relative to it
 *                                                                    (`outputs.storyboard`: true)
 *   captions/<file>              WebVTT, one per `captions` row (its `file` column)
 *
 * Expiry: `ttlSeconds` from now, rounded UP to a grid of ttl/8 (at most an hour), so every page
 * view within that window gets the same URLs and browsers reuse cached segments and posters
 * after a reload, instead of refetching under a fresh token.
 */

export type UrlOptions = {
  ttlSeconds?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: number;
  keyring?: Keyring;
  /** GRANT_ORIGINAL: the token also opens `source/` (signedPlayback decides when). */
  grant?: Grant;
};

export function expiryFor(ttlSeconds: number, now = Date.now()): number {
  const grid = Math.min(3600, Math.max(1, Math.floor(ttlSeconds / 8)));
  return Math.ceil((now / 1000 + ttlSeconds) / grid) * grid;
}

function encodeRel(relPath: string): string {
  return relPath.split("/").map(encodeURIComponent).join("/");
}

/** The URL prefix every file of the video shares: `/media/<token>/<videoId>/`. */
export function mediaBase(videoId: string, options: UrlOptions = {}): { base: string; expiresAt: number } {
  const expiresAt = expiryFor(options.ttlSeconds ?? env.REEL_MEDIA_TOKEN_MARGIN_SECONDS, options.now);
  return { base: `/media/${signToken(videoId, expiresAt, options.keyring, options.grant)}/${videoId}/`, expiresAt };
}

/** One signed URL; `relPath` is the path inside the video folder, e.g. `hls/master.m3u8`. */
export function mediaUrl(videoId: string, relPath: string, options: UrlOptions = {}): string {
  return mediaBase(videoId, options).base + encodeRel(relPath);
}

/** The token lifetime for watching a video: its duration plus the configured margin. */
export function playbackTtl(duration: number | null | undefined): number {
  return Math.ceil(duration && duration > 0 ? duration : 0) + env.REEL_MEDIA_TOKEN_MARGIN_SECONDS;
}

export type SignedPlayback = {
  /** Unix seconds. */
  expiresAt: number;
  /** `/media/<token>/<videoId>/`: prefix of every URL below. */
  base: string;
  mp4: string | null;
  hls: string | null;
  /** Rung heights of the HLS ladder, highest first. */
  hlsRungs: number[];
  /** Widths ascending. */
  posters: Array<{ width: number; url: string }>;
  storyboard: string | null;
  captions: Array<{ id: string; lang: string; label: string; url: string }>;
  /** The original, only while the video has no MP4 (then it is the one file a player may fall back to). */
  source: string | null;
};

type Outputs = {
  mp4?: unknown;
  hls?: unknown;
  poster?: unknown;
  storyboard?: unknown;
  source?: unknown;
};

const numbers = (value: unknown): number[] =>
  Array.isArray(value) ? value.filter((n): n is number => typeof n === "number" && Number.isFinite(n) && n > 0) : [];

/**
 * The signed URLs of everything published so far for this video (see the layout above). The token opens the
 * original only while there is no MP4: once there is one, the original is for those who may download it
 * (downloadUrl), and a viewer who learns its name cannot fetch it with the player's token.
 */
export function signedPlayback(
  video: Pick<Video, "id" | "duration" | "outputs" | "sourcePath">,
  captions: ReadonlyArray<Pick<Caption, "id" | "lang" | "label" | "file">> = [],
  options: UrlOptions = {},
): SignedPlayback {
  const outputs = (video.outputs ?? {}) as Outputs;
  const source = outputs.mp4 ? null : sourceRel(video, outputs);
  const { base, expiresAt } = mediaBase(video.id, {
    ...options,
    ttlSeconds: options.ttlSeconds ?? playbackTtl(video.duration),
    grant: source ? GRANT_ORIGINAL : undefined,
  });
  const url = (rel: string) => base + encodeRel(rel);
  const rungs = numbers(outputs.hls).sort((a, b) => b - a);
  return {
    expiresAt,
    base,
    mp4: outputs.mp4 ? url("mp4/video.mp4") : null,
    hls: outputs.hls === true || rungs.length > 0 ? url("hls/master.m3u8") : null,
    hlsRungs: rungs,
    posters: numbers(outputs.poster)
      .sort((a, b) => a - b)
      .map((width) => ({ width, url: url(`thumbs/poster-${width}.webp`) })),
    storyboard: outputs.storyboard ? url("storyboard/storyboard.vtt") : null,
    captions: captions.map((c) => ({ id: c.id, lang: c.lang, label: c.label, url: url(`captions/${c.file}`) })),
    source: source ? base + source : null,
  };
}

/** Uploads live in `source/`; media-folder videos are reached through the symlink in outputs.source. */
function sourceRel(video: Pick<Video, "id" | "sourcePath">, outputs: Outputs): string | null {
  if (typeof outputs.source === "string" && outputs.source.startsWith("source/")) return encodeRel(outputs.source);
  if (!video.sourcePath) return null;
  const rel = path.relative(/*turbopackIgnore: true*/ path.join(/*turbopackIgnore: true*/ paths.media, video.id), video.sourcePath);
  return rel.startsWith("source/") && !rel.includes("..") ? encodeRel(rel) : null;
}

/** What a video offers to download: its original as uploaded, or the faststart MP4. */
export type DownloadKind = "original" | "mp4";

/** Long enough for a slow link to fetch a large original, and to resume it after a pause. */
export const DOWNLOAD_TTL_SECONDS = 6 * 3600;

/**
 * A signed download URL for one file of the video, saved as `<safe title>.<ext>`, or null when that
 * file is not there: `/media/<token>/<videoId>/<rel>?download=<encoded name>`, the token signing the
 * path and the name (signing.ts, downloadSubject). The byte path answers it with
 * `Content-Disposition: attachment`; a playback token does not open it under that name.
 */
export function downloadUrl(
  video: Pick<Video, "id" | "outputs" | "sourcePath">,
  kind: DownloadKind,
  title: string,
  options: UrlOptions = {},
): string | null {
  const outputs = (video.outputs ?? {}) as Outputs;
  const rel = kind === "mp4" ? (outputs.mp4 ? "mp4/video.mp4" : null) : sourceRel(video, outputs);
  if (!rel) return null;
  const ext = kind === "mp4" ? "mp4" : (/\.([A-Za-z0-9]{1,8})$/.exec(decodeURIComponent(rel))?.[1] ?? "bin");
  const name = encodeURIComponent(downloadFileName(title, ext));
  const pathAfterToken = `${video.id}/${rel}`;
  const expiresAt = expiryFor(options.ttlSeconds ?? DOWNLOAD_TTL_SECONDS, options.now);
  return `/media/${signToken(downloadSubject(pathAfterToken, name), expiresAt, options.keyring)}/${pathAfterToken}?download=${name}`;
}
