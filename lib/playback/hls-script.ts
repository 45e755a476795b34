import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * hls.js as the browser loads it: the package's own minified light build (no EME, alternate audio or in-manifest
 * subtitles: Reel uses none of them), a plain script served by the Node server (lib/server/static-files.ts) rather
 * than a bundle chunk. As a plain script the watch page preloads it from its <head> (preload-hints.tsx), and the
 * player's engine runs that same file.
 */
export const HLS_SCRIPT_PREFIX = "/_reel/hls/";
export const HLS_SCRIPT_FILE = "hls.light.min.js";
export const HLS_SCRIPT_DIR = path.join(/*turbopackIgnore: true*/ process.cwd(), "node_modules", "hls.js", "dist");

let url: string | undefined;

/** The script's URL, with the package version in it: it is cached as immutable. */
export function hlsScriptUrl(): string {
  url ??= `${HLS_SCRIPT_PREFIX}${HLS_SCRIPT_FILE}?v=${JSON.parse(readFileSync(path.join(/*turbopackIgnore: true*/ HLS_SCRIPT_DIR, "..", "package.json"), "utf8")).version}`;
  return url;
}
