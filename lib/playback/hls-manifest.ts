/** Just enough HLS playlist parsing for the watch page: the ladder (for the start rung) and what to preload. */
export type Variant = { uri: string; bandwidth: number; width?: number; height: number; codecs?: string };
export type MediaPlaylist = { initUri: string | null; segments: { uri: string; start: number; duration: number }[] };

function attributes(list: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Z0-9-]+)=("[^"]*"|[^,]*)/g;
  for (let m = re.exec(list); m; m = re.exec(list)) out[m[1]] = m[2].replace(/^"|"$/g, "");
  return out;
}

function lines(text: string): string[] {
  return text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
}

export function parseMaster(text: string): Variant[] {
  const all = lines(text);
  if (all[0] !== "#EXTM3U") return [];
  const variants: Variant[] = [];
  for (let i = 0; i < all.length; i++) {
    if (!all[i].startsWith("#EXT-X-STREAM-INF:")) continue;
    const attrs = attributes(all[i].slice("#EXT-X-STREAM-INF:".length));
    const uri = all[i + 1];
    const [width, height] = (attrs.RESOLUTION ?? "").split("x").map(Number);
    const bandwidth = Number(attrs["AVERAGE-BANDWIDTH"] ?? attrs.BANDWIDTH);
    if (!uri || uri.startsWith("#") || !Number.isFinite(bandwidth) || !height) continue;
    variants.push({ uri, bandwidth, width: width || undefined, height, codecs: attrs.CODECS });
  }
  return variants;
}

/** The playlist URIs of a master's alternate audio renditions (`#EXT-X-MEDIA:TYPE=AUDIO`), in their order. */
export function audioRenditionUris(text: string): string[] {
  return lines(text)
    .filter((line) => line.startsWith("#EXT-X-MEDIA:"))
    .map((line) => attributes(line.slice("#EXT-X-MEDIA:".length)))
    .filter((attrs) => attrs.TYPE === "AUDIO" && attrs.URI)
    .map((attrs) => attrs.URI);
}

export function parseMediaPlaylist(text: string): MediaPlaylist {
  let initUri: string | null = null;
  const segments: MediaPlaylist["segments"] = [];
  let start = 0;
  let pending: number | null = null;
  for (const line of lines(text)) {
    if (line.startsWith("#EXT-X-MAP:")) initUri = attributes(line.slice("#EXT-X-MAP:".length)).URI ?? null;
    else if (line.startsWith("#EXTINF:")) pending = Number.parseFloat(line.slice("#EXTINF:".length));
    else if (!line.startsWith("#") && pending !== null) {
      segments.push({ uri: line, start, duration: pending });
      start += pending;
      pending = null;
    }
  }
  return { initUri, segments };
}

/** The segment holding `time` (the last one past the end). */
export function segmentAt(playlist: MediaPlaylist, time: number) {
  return playlist.segments.find((s) => time < s.start + s.duration) ?? playlist.segments.at(-1) ?? null;
}

/** Codec families that are audio; anything else in a CODECS list is taken for video. */
const AUDIO_CODECS = /^(mp4a|ac-3|ec-3|opus|flac|alac)/i;

/**
 * The SourceBuffer hls.js keeps a rendition's fMP4 in: one for audio and video together when the CODECS list has
 * both (Reel's ladders mux them), else the one kind there is.
 */
export function sourceBufferName(codecs: string): "audiovideo" | "audio" | "video" {
  const list = codecs.split(",").map((c) => c.trim()).filter(Boolean);
  const audio = list.some((c) => AUDIO_CODECS.test(c));
  const video = list.some((c) => !AUDIO_CODECS.test(c));
  return audio && video ? "audiovideo" : audio ? "audio" : "video";
}
