import { isPlaylistText } from "./hls";

/**
 * What a link is, from its Content-Type and its first bytes: both must agree that it is video. A server may
 * call anything video/mp4 (an HTML error page named film.mp4) or call real video application/octet-stream, so
 * the bytes decide and the type may only veto (a web page, an image, JSON...).
 */

export type Sniffed =
  | { ok: true; kind: "progressive"; container: "mp4" | "webm" | "mpegts"; contentType: string }
  | { ok: true; kind: "hls"; contentType: string }
  | { ok: false; reason: string };

/** Content types the proxy passes on (segments, keys and init segments included); anything else is refused. */
export function allowedContentType(type: string): boolean {
  const t = baseType(type);
  return (
    t === "" ||
    t.startsWith("video/") ||
    t.startsWith("audio/") ||
    PLAYLIST_TYPES.has(t) ||
    ["application/octet-stream", "binary/octet-stream", "application/mp4", "application/x-matroska", "application/vnd.apple.mpegurl", "application/pgp-keys"].includes(t)
  );
}

const PLAYLIST_TYPES = new Set(["application/vnd.apple.mpegurl", "application/x-mpegurl", "audio/mpegurl", "audio/x-mpegurl", "text/plain"]);

export function baseType(type: string | null | undefined): string {
  return (type ?? "").split(";")[0].trim().toLowerCase();
}

const MP4_BOXES = new Set(["ftyp", "moov", "mdat", "free", "skip", "wide", "pnot"]);

export function sniff(head: Buffer, contentType: string | null): Sniffed {
  const type = baseType(contentType);
  const text = head.subarray(0, 512).toString("utf8");
  if (isPlaylistText(text)) {
    if (type && !PLAYLIST_TYPES.has(type) && !type.startsWith("application/octet-stream")) {
      return { ok: false, reason: `The server calls this playlist ${type}` };
    }
    return { ok: true, kind: "hls", contentType: "application/vnd.apple.mpegurl" };
  }
  if (/^\s*<(!doctype|html|head|body|\?xml|svg)/i.test(text) || type === "text/html" || type === "application/xhtml+xml") {
    return { ok: false, reason: "This is a web page, not a video file" };
  }
  if (type && !allowedContentType(type)) return { ok: false, reason: `This is ${type}, not a video` };
  if (head.length >= 8 && MP4_BOXES.has(head.toString("latin1", 4, 8))) {
    return { ok: true, kind: "progressive", container: "mp4", contentType: type.startsWith("video/") ? type : "video/mp4" };
  }
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) {
    return { ok: true, kind: "progressive", container: "webm", contentType: type.startsWith("video/") ? type : "video/webm" };
  }
  if (head.length >= 189 && head[0] === 0x47 && head[188] === 0x47) {
    return { ok: true, kind: "progressive", container: "mpegts", contentType: "video/mp2t" };
  }
  return { ok: false, reason: "The first bytes are not those of a video file (MP4, MOV, WebM, MKV, MPEG-TS) or an HLS playlist" };
}

export type Mp4Info = { duration: number | null; width: number | null; height: number | null };

/**
 * Duration and picture size from an MP4/MOV header, when its `moov` box is within `head` (a faststart file); a
 * file with `moov` at the end says nothing here rather than costing a second request.
 */
export function mp4Info(head: Buffer): Mp4Info {
  const info: Mp4Info = { duration: null, width: null, height: null };
  const walk = (start: number, end: number) => {
    let at = start;
    while (at + 8 <= end) {
      let size = head.readUInt32BE(at);
      const name = head.toString("latin1", at + 4, at + 8);
      let header = 8;
      if (size === 1 && at + 16 <= end) {
        size = Number(head.readBigUInt64BE(at + 8));
        header = 16;
      } else if (size === 0) size = end - at;
      if (size < header) return;
      const body = at + header;
      const stop = Math.min(at + size, end);
      if (name === "moov" || name === "trak") walk(body, stop);
      else if (name === "mvhd" && body + 32 <= stop) {
        const v1 = head[body] === 1;
        const timescale = head.readUInt32BE(body + (v1 ? 20 : 12));
        const duration = v1 ? Number(head.readBigUInt64BE(body + 24)) : head.readUInt32BE(body + 16);
        if (timescale > 0) info.duration = duration / timescale;
      } else if (name === "tkhd" && stop - body >= 84) {
        const width = head.readUInt32BE(stop - 8) / 65536;
        const height = head.readUInt32BE(stop - 4) / 65536;
        if (width > 0 && height > 0 && (info.height ?? 0) < height) {
          info.width = Math.round(width);
          info.height = Math.round(height);
        }
      }
      if (at + size > end) return;
      at += size;
    }
  };
  walk(0, head.length);
  return info;
}
