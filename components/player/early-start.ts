import type HlsType from "hls.js";
import type { HlsConfig } from "hls.js";

/** What the early start leaves on the video element for the engine to take over. */
export type EarlyVideo = HTMLVideoElement & { reelHls?: HlsType; reelHlsFatal?: string };

export type EarlyStart = { scriptUrl: string; hlsUrl: string; config: Partial<HlsConfig> };

/**
 * Runs from the HTML, right after the <video> element is parsed: once hls.js has run (the page starts it from its
 * <head>, preload-hints.tsx), has it fetch the playlists and the first segments (already in flight from the page's
 * preloads) and append them, while the app's scripts download and hydrate. The player's engine then takes the
 * instance over (engine.ts) and starts playback, so the first frame waits for hydration only, not for hls.js to
 * load and buffer after it. It does not play: volume, speed and the autoplay fallback stay with the player. Plain
 * ES5, as no build step touches it; if anything is missing (no Media Source Extensions, hls.js failed to load) it
 * does nothing and the engine starts as it would without it.
 */
const EARLY_START = `function (video, c) {
  if (!("MediaSource" in window || "ManagedMediaSource" in window)) return;
  function start() {
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
  }
  if (window.Hls) return start();
  var script = document.querySelector('script[src="' + c.scriptUrl + '"]');
  if (script) script.addEventListener("load", start);
}`;

/** The inline script's text; `<` is escaped so no value can close the <script> element. */
export function earlyStartScript(start: EarlyStart): string {
  const args = JSON.stringify(start).replace(/</g, "\\u003c");
  return `(${EARLY_START})(document.currentScript.previousElementSibling,${args})`;
}
