import fs from "node:fs/promises";
import path from "node:path";

/**
 * Path safety for `/media/<token>/<videoId>/<rel path>`: a request names a file strictly inside
 * `media/<videoId>/`, or — for originals only — inside one of the configured media folders
 * reached through the `source/` symlink the pipeline creates. Everything else is refused before
 * the file system is asked, and the real path is checked again after symlinks are resolved.
 *
 * Refused (400 unless noted): characters outside printable ASCII (raw bytes, spaces, controls),
 * backslashes raw or encoded, NUL, empty segments (`//`, absolute paths, a trailing slash), dot
 * segments and dot files in any spelling (`..`, `%2e%2e`, `.%2e`), an encoded `/` inside a
 * segment, invalid or overlong UTF-8 (`%c0%ae`), percent sequences left after one decoding
 * (double encoding such as `%252e`), a video id that is not a lowercase UUID (404), a first folder
 * other than source/mp4/hls/thumbs/storyboard/captions (404), and a real path outside the allowed
 * roots (404: a symlink out of the video folder, or out of the media folders under `source/`).
 */

export type MediaPath = {
  token: string;
  videoId: string;
  /** Decoded path inside the video folder, segments joined with `/`. */
  rel: string;
};

export type PathProblem = { status: 400 | 404; reason: string };

/** Folders of a video's storage layout (the pipeline's `media/<videoId>/...`). */
export const VIDEO_FOLDERS: ReadonlySet<string> = new Set(["source", "mp4", "hls", "thumbs", "storyboard", "captions"]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RAW_OK = /^[\x21-\x5b\x5d-\x7e]+$/;
const LEFTOVER_ESCAPE = /%[0-9a-f]{2}/i;
const DECODED_BAD = /[\x00-\x1f\x7f/\\]/;

const bad = (reason: string): PathProblem => ({ status: 400, reason });
const missing = (reason: string): PathProblem => ({ status: 404, reason });

export function isProblem(value: MediaPath | PathProblem): value is PathProblem {
  return (value as PathProblem).status !== undefined;
}

/**
 * One path segment, percent-decoded, or why it is refused: empty, a dot segment or dot file, an encoded `/` or
 * backslash, a control character, invalid UTF-8, or escapes left after one decoding. `raw` must already have passed
 * hasSafeCharacters.
 */
export function decodeSegment(raw: string): string | PathProblem {
  let segment = raw;
  if (segment.includes("%")) {
    try {
      segment = decodeURIComponent(segment);
    } catch {
      return bad("invalid percent-encoding in path");
    }
    if (LEFTOVER_ESCAPE.test(segment)) return bad("double-encoded path");
  }
  if (segment === "") return bad("empty segment in path");
  if (segment.charCodeAt(0) === 46 /* . */) return bad("dot segment in path");
  if (DECODED_BAD.test(segment)) return bad("invalid character in path segment");
  return segment;
}

/** Printable ASCII except backslash: anything else in a request path is an attack or a broken client. */
export function hasSafeCharacters(raw: string): boolean {
  return RAW_OK.test(raw);
}

/** `raw` is the request path after `/media/`, still percent-encoded, without the query. */
export function parseMediaPath(raw: string): MediaPath | PathProblem {
  if (!hasSafeCharacters(raw)) return bad("invalid characters in media path");
  const parts = raw.split("/");
  if (parts.length < 4) return missing("incomplete media path");
  const token = parts[0];
  const videoId = parts[1];
  if (!token) return bad("empty segment in media path");
  if (!UUID.test(videoId)) return missing("not a video id");
  let rel = "";
  for (let i = 2; i < parts.length; i++) {
    const segment = decodeSegment(parts[i]);
    if (typeof segment !== "string") return segment;
    if (i === 2) {
      if (!VIDEO_FOLDERS.has(segment)) return missing("unknown media folder");
      rel = segment;
    } else {
      rel = `${rel}/${segment}`;
    }
  }
  return { token, videoId, rel };
}

/** Allowed roots, resolved to real paths once. */
export type RealRoots = { media: string; mediaDirs: readonly string[] };

export async function realRoots(media: string, mediaDirs: readonly string[]): Promise<RealRoots> {
  const dirs: string[] = [];
  for (const dir of mediaDirs) {
    // A configured folder that is missing (an unmounted disk) simply allows nothing.
    const real = await fs.realpath(dir).catch(() => null);
    if (real) dirs.push(real);
  }
  return { media: await fs.realpath(media), mediaDirs: dirs };
}

/**
 * Real path of `<media>/<videoId>/<rel>` if the file exists and is inside the allowed roots;
 * null otherwise. `rel` must come from parseMediaPath.
 */
export async function resolveMediaFile(roots: RealRoots, videoId: string, rel: string): Promise<string | null> {
  let real: string;
  try {
    real = await fs.realpath(path.join(/*turbopackIgnore: true*/ roots.media, videoId, rel));
  } catch {
    return null;
  }
  if (isInside(real, `${roots.media}/${videoId}`)) return real;
  if (rel.startsWith("source/") && roots.mediaDirs.some((dir) => isInside(real, dir))) return real;
  return null;
}

/**
 * Whether a file resolveMediaFile found is the video's original: named under `source/`, or a link elsewhere in the
 * video folder that leads into `source/` (the pipeline makes none; this keeps such a link from opening the original).
 */
export function isOriginal(roots: RealRoots, videoId: string, rel: string, real: string): boolean {
  return rel.startsWith("source/") || isInside(real, `${roots.media}/${videoId}/source`);
}

/** Whether `real` (a real path) lies strictly inside the folder `root` (a real path too). */
export function isInside(real: string, root: string): boolean {
  return real.length > root.length + 1 && real.startsWith(root) && real.charCodeAt(root.length) === 47; /* / */
}
