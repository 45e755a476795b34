/**
 * `Content-Disposition: attachment` for downloads (RFC 6266): a plain `filename` for old clients and
 * `filename*` (RFC 8187, UTF-8) for everyone else, both built from a video's title, which is user text.
 * Pure, so the download URL (which signs the name) and the byte path (which sends it) share it.
 */

/** Longest stem kept: file systems cap names at 255 bytes, and a UTF-8 character takes up to 4. */
const MAX_STEM = 60;

/**
 * A file name from a title: no control or bidi characters, no quotes, semicolons, backslashes, path separators or other
 * characters file systems refuse, no leading dots, at most 60 characters; "video" when nothing is left.
 */
export function downloadFileName(title: string, ext: string): string {
  const stem = [...title.normalize("NFC").replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, " ").replace(/["'\\/:*?<>|`%;]+/g, "_")]
    .slice(0, MAX_STEM)
    .join("")
    .replace(/\s+/g, " ")
    .replace(/^[\s._-]+|[\s.]+$/g, "");
  const safeExt = /^[a-z0-9]{1,8}$/i.test(ext) ? ext.toLowerCase() : "bin";
  return `${stem || "video"}.${safeExt}`;
}

/** The ASCII spelling for `filename=`: accents dropped, anything else outside printable ASCII an underscore. */
function asciiFallback(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/[^\x20-\x7e]/g, "_")
    .replace(/["\\]/g, "_");
}

/** RFC 8187's attr-char: encodeURIComponent leaves a few characters it does not allow. */
function extValue(name: string): string {
  return encodeURIComponent(name).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The header for a name made by downloadFileName; cleaned again here, so a hostile name cannot split the header. */
export function attachmentHeader(fileName: string): string {
  const dot = fileName.lastIndexOf(".");
  const name = downloadFileName(dot > 0 ? fileName.slice(0, dot) : fileName, dot > 0 ? fileName.slice(dot + 1) : "bin");
  return `attachment; filename="${asciiFallback(name)}"; filename*=UTF-8''${extValue(name)}`;
}
