/**
 * File-name rules shared by uploads, URL imports and media folders. Pure (no Node imports), so the
 * upload page uses the same list for its hint; the probe stays the real judge of what is a video.
 */

/** Extensions Reel treats as video sources (lower case, without the dot). */
export const VIDEO_EXTENSIONS: readonly string[] = [
  "mp4", "m4v", "mov", "mkv", "webm", "avi", "wmv", "flv", "mpg", "mpeg", "m2ts", "mts", "ts", "3gp", "3g2", "ogv", "vob", "mxf", "divx", "asf",
];

export function extensionOf(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : "";
}

export function hasVideoExtension(name: string): boolean {
  return VIDEO_EXTENSIONS.includes(extensionOf(name));
}

/**
 * Why a file picked in the browser is not a video, or null when it may be one. Browsers give an
 * empty type for many containers (mkv, m2ts), so an empty type falls back to the extension.
 */
export function notVideoReason(file: { name: string; type: string; size: number }): string | null {
  if (file.size === 0) return "The file is empty";
  if (file.type.startsWith("video/")) return null;
  if (hasVideoExtension(file.name) && (file.type === "" || file.type === "application/octet-stream" || file.type.startsWith("video/"))) return null;
  if (file.type.startsWith("audio/")) return "This is an audio file; Reel needs a video stream";
  if (file.type.startsWith("image/")) return "This is an image, not a video";
  if (file.type) return `This is a ${file.type} file, not a video`;
  return "This file does not look like a video (unknown type and extension)";
}

/**
 * A name that is safe as one path segment on any filesystem: no separators, no leading dots, no
 * control or shell-special characters, at most 120 characters, the extension kept.
 */
export function safeFileName(name: string, fallback = "source"): string {
  const base = (name.split(/[\\/]/).pop() ?? "").normalize("NFKC");
  const ext = extensionOf(base);
  const safeExt = /^[a-z0-9]{1,10}$/.test(ext) ? ext : "";
  const stem = (safeExt ? base.slice(0, -(safeExt.length + 1)) : base)
    .replace(/[^\p{L}\p{N}._ -]+/gu, "_")
    .replace(/\s+/g, " ")
    .replace(/^[.\s_-]+|[.\s]+$/g, "")
    .slice(0, 110);
  const safeStem = stem || fallback;
  return safeExt ? `${safeStem}.${safeExt}` : safeStem;
}

/** A readable title from a file name: no extension, separators turned into spaces. */
export function titleFromFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const ext = extensionOf(base);
  const stem = ext ? base.slice(0, -(ext.length + 1)) : base;
  const title = stem.replace(/[_.]+/g, " ").replace(/\s+/g, " ").trim().slice(0, 300);
  return title || "Untitled video";
}
