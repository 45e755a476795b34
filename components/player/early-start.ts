import type HlsType from "hls.js";
import type { HlsConfig } from "hls.js";

/** The <script> element that loads hls.js, whoever adds it first: the early start or the engine. */
export const HLS_SCRIPT_ID = "reel-hls";

/** What the early start leaves on the video element for the engine to take over. */
export type EarlyVideo = HTMLVideoElement & { reelHls?: HlsType; reelHlsFatal?: string };

export type EarlyStart = { scriptUrl: string; hlsUrl: string; config: Partial<HlsConfig> };

/**
 * Runs from the HTML, right after the <video> element is parsed: loads hls.js and has it fetch the playlists and
 * the first segments (already in flight from the page's preloads) and append them, while the app's scripts download
 * and hydrate. The player's engine then takes the instance over (engine.ts) and starts playback, so the first frame
 * waits for hydration only, not for hls.js to load and buffer after it. It does not play: volume, speed and the
 * autoplay fallback stay with the player. Plain ES5, as no build step touches it; if anything is missing (no Media
 * Source Extensions, the script fails) it does nothing and the engine starts as it would without it.
 */
const EARLY_START = `function (video, c, id) {
  if (!("MediaSource" in window || "ManagedMediaSource" in window)) return;
  var script = document.createElement("script");
  script.id = id;
  script.src = c.scriptUrl;
  script.onload = function () {
    var Hls = window.Hls;
    if (!Hls || !Hls.isSupported() || video.reelHls) return;
    performance.mark("reel:early-start");
    var hls = new Hls(c.config);
    hls.on(Hls.Events.ERROR, function (_e, data) {
      if (data.fatal && !video.reelHlsFatal) video.reelHlsFatal = data.type + ": " + data.details;
    });
    video.reelHls = hls;
    hls.attachMedia(video);
    hls.loadSource(c.hlsUrl);
  };
  script.onerror = function () {
    script.remove();
  };
  document.head.appendChild(script);
}`;

/** The inline script's text; `<` is escaped so no value can close the <script> element. */
export function earlyStartScript(start: EarlyStart): string {
  const args = [JSON.stringify(start), JSON.stringify(HLS_SCRIPT_ID)].join(",").replace(/</g, "\\u003c");
  return `(${EARLY_START})(document.currentScript.previousElementSibling,${args})`;
}
