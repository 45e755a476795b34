import type { PlayerSource } from "@/lib/playback/types";
import { srcWithStart } from "../engine";
import { APP_HOLD_MS } from "./app-scripts";
import { CONFIG_ATTRIBUTE, type EarlyStartConfig } from "./contract";

/** A first segment that has not arrived by then is left to hls.js, which has its own retries and time limits. */
const EARLY_START_TIMEOUT_MS = 8000;

/** The early start (start.ts), compiled and inlined by next.config.ts at build time. */
const EARLY_START_SCRIPT = process.env.REEL_EARLY_START ?? "";

function escapeAttribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function attributes(values: Record<string, string | true | null | undefined>): string {
  return Object.entries(values)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([name, value]) => (value === true ? ` ${name}` : ` ${name}="${escapeAttribute(value as string)}"`))
    .join("");
}

/** "</script" inside the script's text would end the element early; the config is an attribute, escaped above. */
function scriptText(code: string): string {
  return code.replace(/<\/(script)/gi, "<\\/$1");
}

/**
 * The player's <video> as HTML, for a container React never hydrates (player.tsx): the element is the page's until
 * the player adopts it. From the server it is followed by the early start, which starts it as soon as it is parsed;
 * on a client-side navigation the browser does not run a script set through innerHTML, and the player's engine
 * starts the element from nothing. Only an MP4-only title gets its src in the HTML, so the browser fetches it at once.
 */
export function playerVideoHtml(source: PlayerSource, className: string, nonce: string | undefined): string {
  const video = attributes({
    class: className,
    poster: source.posterUrl,
    src: source.hlsUrl ? null : srcWithStart(source.mp4Url, source.startAt),
    preload: "auto",
    playsinline: true,
    "aria-label": source.title,
  });
  const tracks = source.captions.map((c) => `<track${attributes({ kind: "subtitles", src: c.src, srclang: c.lang, label: c.label })}>`).join("");
  const config: EarlyStartConfig = {
    first: source.firstSegment && { url: source.firstSegment.url, init: source.firstSegment.init, codecs: source.firstSegment.codecs },
    start: source.startAt,
    timeoutMs: EARLY_START_TIMEOUT_MS,
    appHoldMs: APP_HOLD_MS,
  };
  // An async module: it runs as soon as it is parsed, while a classic inline script would wait for the stylesheet.
  const script = EARLY_START_SCRIPT && `<script${attributes({ type: "module", async: true, nonce, [CONFIG_ATTRIBUTE]: JSON.stringify(config) })}>${scriptText(EARLY_START_SCRIPT)}</script>`;
  return `<video${video}>${tracks}</video>${script}`;
}
