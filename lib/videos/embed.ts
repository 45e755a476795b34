/* Embedding a video in other sites: the /embed/<id> page, its snippet and its oEmbed description. Pure (the share
   menu uses the snippet in the browser). */

const EMBED_PATH = /^\/(?:watch|embed)\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i;

/** Only public and unlisted videos embed; a private one never does, whoever asks. */
export function embeddable(video: { visibility: string }): boolean {
  return video.visibility === "public" || video.visibility === "unlisted";
}

/**
 * The video a URL names, when it is a /watch/<id> or /embed/<id> address of this Reel (same origin); null for
 * anything else: another host, a user-info trick (`https://reel@evil.example/...`), another path, a bad id.
 */
export function videoIdFromUrl(raw: string, origin: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.origin !== new URL(origin).origin || url.username || url.password) return null;
  return EMBED_PATH.exec(url.pathname)?.[1]?.toLowerCase() ?? null;
}

const DEFAULT_WIDTH = 640;
const MIN_SIDE = 120;

/** The player's size for an oEmbed answer: 640 wide at the video's aspect, shrunk to fit maxwidth/maxheight. */
export function embedSize(aspect: number, maxWidth?: number, maxHeight?: number): { width: number; height: number } {
  const ratio = Number.isFinite(aspect) && aspect > 0 ? aspect : 16 / 9;
  let width = Math.min(DEFAULT_WIDTH, maxWidth ?? DEFAULT_WIDTH);
  if (maxHeight !== undefined) width = Math.min(width, maxHeight * ratio);
  width = Math.max(MIN_SIDE, Math.floor(width));
  return { width, height: Math.max(MIN_SIDE, Math.round(width / ratio)) };
}

/** Text for an HTML attribute or element: nothing in it can close the attribute or open a tag. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function embedIframe(origin: string, videoId: string, title: string, size: { width: number; height: number }): string {
  return `<iframe src="${escapeHtml(`${origin}/embed/${videoId}`)}" width="${size.width}" height="${size.height}" title="${escapeHtml(title)}" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen style="border:0"></iframe>`;
}

export type EmbedPlayer = {
  title: string;
  /** The faststart MP4 (signed). */
  src: string;
  poster: string | null;
  captions: { src: string; lang: string; label: string }[];
  chapters: string | null;
  watchUrl: string;
};

/**
 * The embed page: the browser's own player on the faststart MP4, with captions and chapters, and no script at all.
 * A few hundred bytes plus the URLs, so an article with several embeds stays light.
 */
export function embedPage(p: EmbedPlayer): string {
  const tracks = [
    ...p.captions.map((c) => `<track kind="subtitles" src="${escapeHtml(c.src)}" srclang="${escapeHtml(c.lang)}" label="${escapeHtml(c.label)}">`),
    ...(p.chapters ? [`<track kind="chapters" src="${escapeHtml(p.chapters)}" srclang="en" default>`] : []),
  ].join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(p.title)}</title><style>html,body{margin:0;height:100%;background:#000;overflow:hidden}video{display:block;width:100%;height:100%}a{position:absolute;top:8px;left:8px;max-width:calc(100% - 16px);overflow:hidden;white-space:nowrap;text-overflow:ellipsis;color:#fff;font:600 14px system-ui,sans-serif;text-decoration:none;text-shadow:0 1px 2px #000}</style></head><body><video controls playsinline preload="metadata" src="${escapeHtml(p.src)}"${p.poster ? ` poster="${escapeHtml(p.poster)}"` : ""} aria-label="${escapeHtml(p.title)}">${tracks}</video><a href="${escapeHtml(p.watchUrl)}" target="_blank" rel="noopener">${escapeHtml(p.title)}</a></body></html>`;
}
