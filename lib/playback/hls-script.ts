import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * hls.js as the browser loads it: the package's own minified builds, plain scripts served by the Node server
 * (lib/server/static-files.ts) rather than bundle chunks. As a plain script the watch page can preload it from its
 * <head> when hls.js is what starts playback (lib/playback/watch.ts), and the player's engine runs that same file.
 *
 * Two builds. The light one (no EME, alternate audio or in-manifest subtitles) is what almost every video needs:
 * 388,933 bytes (about 101 kB brotli) with hls.js 1.7.4. Only a video with alternate audio renditions (two or more
 * audio tracks, lib/transcode/audio-tracks.ts) gets the full build, which has the audio track controller:
 * 623,915 bytes (about 155 kB brotli), 234,982 bytes (54 kB brotli) more, paid only on those watch pages.
 */
export const HLS_SCRIPT_PREFIX = "/_reel/hls/";
export const HLS_SCRIPT_FILE = "hls.light.min.js";
export const HLS_FULL_SCRIPT_FILE = "hls.min.js";
/** The files the fast path and the route handler serve, and nothing else of the package. */
export const HLS_SCRIPT_FILES: readonly string[] = [HLS_SCRIPT_FILE, HLS_FULL_SCRIPT_FILE];
export const HLS_SCRIPT_DIR = path.join(/*turbopackIgnore: true*/ process.cwd(), "node_modules", "hls.js", "dist");

let version: string | undefined;

/** The script's URL, with the package version in it: it is cached as immutable. `alternateAudio` picks the full build. */
export function hlsScriptUrl({ alternateAudio = false }: { alternateAudio?: boolean } = {}): string {
  version ??= JSON.parse(readFileSync(path.join(/*turbopackIgnore: true*/ HLS_SCRIPT_DIR, "..", "package.json"), "utf8")).version as string;
  return `${HLS_SCRIPT_PREFIX}${alternateAudio ? HLS_FULL_SCRIPT_FILE : HLS_SCRIPT_FILE}?v=${version}`;
}
