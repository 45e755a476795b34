/**
 * What a media file is, judged from its path inside the video folder (./layout.ts): MIME type, cache policy and
 * whether it is small text worth compressing. Pure; lib/media's decision module turns this into headers, and the
 * bucket stores each object with its type.
 *
 * Cache policy (see README "Streaming"):
 * - immutable (a year): segments, init segments, renditions, posters, storyboard VTT and sprites,
 *   originals. The pipeline publishes every file once (written to tmp/, renamed into place) and a
 *   re-encode produces a new file, so a URL never names two different byte sequences for long.
 * - short: HLS playlists, captions and JSON. They are tiny, may be replaced (a re-transcode, an
 *   uploaded caption), and revalidate cheaply with their ETag (304).
 */

export const IMMUTABLE = "public, max-age=31536000, immutable";
export const SHORT = "public, max-age=5";

const TYPES: Record<string, string> = {
  m3u8: "application/vnd.apple.mpegurl",
  m4s: "video/iso.segment",
  mp4: "video/mp4",
  m4v: "video/mp4",
  m4a: "audio/mp4",
  ts: "video/mp2t",
  vtt: "text/vtt; charset=utf-8",
  webp: "image/webp",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  json: "application/json",
  // Originals (uploads and media-folder files) keep their container.
  mkv: "video/x-matroska",
  webm: "video/webm",
  mov: "video/quicktime",
  avi: "video/x-msvideo",
  mpg: "video/mpeg",
  mpeg: "video/mpeg",
  aac: "audio/aac",
  mp3: "audio/mpeg",
};

const COMPRESSIBLE = new Set(["m3u8", "vtt", "json"]);

/** Text above this size is sent as is: compressing it per request would cost more than it saves. */
export const COMPRESS_MAX_BYTES = 8 * 1024 * 1024;

export type MediaKind = { type: string; cacheControl: string; compressible: boolean };

const OCTET: MediaKind = { type: "application/octet-stream", cacheControl: IMMUTABLE, compressible: false };

function extensionOf(relPath: string): string {
  const slash = relPath.lastIndexOf("/");
  const dot = relPath.lastIndexOf(".");
  return dot > slash + 1 ? relPath.slice(dot + 1).toLowerCase() : "";
}

/** `relPath` is the path inside the video folder, e.g. `hls/v0/index.m3u8` or `captions/en.vtt`. */
export function kindOf(relPath: string): MediaKind {
  const ext = extensionOf(relPath);
  const type = TYPES[ext];
  if (!type) return OCTET;
  const short = ext === "m3u8" || ext === "json" || relPath.startsWith("captions/");
  return { type, cacheControl: short ? SHORT : IMMUTABLE, compressible: COMPRESSIBLE.has(ext) };
}
