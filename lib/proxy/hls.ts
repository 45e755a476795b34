import type { RefKind } from "./paths";

/**
 * HLS playlist rewriting for the link proxy: every URI a playlist names — variant streams, segments, and the
 * `URI="…"` attributes of EXT-X-KEY, EXT-X-MAP, EXT-X-MEDIA, EXT-X-I-FRAME-STREAM-INF and the other tags that
 * carry one — is resolved against the playlist's final URL (after redirects) and replaced by what `mint` gives
 * (an opaque proxy path), so no upstream URL reaches the browser. Nothing is fetched or trusted here: each
 * minted URI is checked against the fetch policy when the browser asks for it.
 */

export type Mint = (url: string, kind: RefKind) => string;

export type RewrittenPlaylist = {
  text: string;
  /** A master playlist (variants) rather than a media playlist (segments). */
  master: boolean;
  /** A media playlist without EXT-X-ENDLIST: it changes while it is watched. */
  live: boolean;
  /** Sum of EXTINF of a media playlist, seconds. */
  duration: number;
  /** Highest RESOLUTION of a master playlist's variants. */
  width: number | null;
  height: number | null;
  variants: string[];
};

/** Tags whose URI attribute names another playlist; every other tag's URI names bytes (keys, init segments, parts). */
const PLAYLIST_URI_TAGS = new Set(["EXT-X-MEDIA", "EXT-X-I-FRAME-STREAM-INF", "EXT-X-RENDITION-REPORT"]);
const URI_ATTRIBUTE = /(^|,)(URI=")([^"]*)(")/;

export function isPlaylistText(head: string): boolean {
  return head.replace(/^\uFEFF/, "").trimStart().startsWith("#EXTM3U");
}

export function rewritePlaylist(text: string, baseUrl: string, mint: Mint): RewrittenPlaylist {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const master = lines.some((l) => l.startsWith("#EXT-X-STREAM-INF"));
  let live = !master;
  let duration = 0;
  let width: number | null = null;
  let height: number | null = null;
  const variants: string[] = [];
  const resolve = (uri: string, kind: RefKind): string => {
    let url: URL;
    try {
      url = new URL(uri, baseUrl);
    } catch {
      // Not a URI at all: the browser gets nothing it could follow.
      return mint("invalid:", kind);
    }
    // A data: URI (an inline key) reaches nobody.
    if (url.protocol === "data:") return uri;
    return mint(url.href, kind);
  };

  const out = lines.map((line) => {
    const trimmed = line.trim();
    if (!trimmed) return line;
    if (!trimmed.startsWith("#")) {
      const kind: RefKind = master ? "playlist" : "bytes";
      const minted = resolve(trimmed, kind);
      if (master && URL.canParse(trimmed, baseUrl)) variants.push(new URL(trimmed, baseUrl).href);
      return minted;
    }
    if (trimmed === "#EXT-X-ENDLIST") live = false;
    if (trimmed.startsWith("#EXT-X-PLAYLIST-TYPE:VOD")) live = false;
    const extinf = /^#EXTINF:([\d.]+)/.exec(trimmed);
    if (extinf) duration += Number(extinf[1]);
    if (trimmed.startsWith("#EXT-X-STREAM-INF:")) {
      const res = /RESOLUTION=(\d+)x(\d+)/.exec(trimmed);
      if (res && Number(res[2]) > (height ?? 0)) {
        width = Number(res[1]);
        height = Number(res[2]);
      }
    }
    const colon = trimmed.indexOf(":");
    if (colon < 0) return line;
    const tag = trimmed.slice(1, colon);
    const attributes = trimmed.slice(colon + 1);
    const match = URI_ATTRIBUTE.exec(attributes);
    if (!match) return line;
    const kind: RefKind = PLAYLIST_URI_TAGS.has(tag) ? "playlist" : "bytes";
    const rewritten = attributes.replace(URI_ATTRIBUTE, (_all, lead: string, open: string, uri: string, close: string) => `${lead}${open}${resolve(uri, kind)}${close}`);
    return `#${tag}:${rewritten}`;
  });
  return { text: out.join("\n"), master, live, duration, width, height, variants };
}
