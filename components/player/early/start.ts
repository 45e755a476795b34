/**
 * The watch page's early start: an async inline module right after the player's <video> in the page's HTML, so it runs
 * as soon as it is parsed, neither held by the stylesheet nor waiting for the app's scripts. It sits inside a container
 * React never hydrates (markup.ts), so the element stays this script's until the player adopts it.
 * With a first segment it opens a Media Source on the element and appends the inlined init segment and that segment
 * (its download started from the <head>); with an MP4 src in the HTML the browser is already fetching. Either way it
 * asks for playback at once, as the player would. No hls.js yet: the engine loads it and hands it this Media Source
 * (engine.ts). Whatever is missing or fails (no Media Source Extensions, codecs, a failed download), the first
 * segment resolves with null and the engine starts as if this had not run. The app's scripts, held back by the web
 * server, are this script's to load: once the first frame is on screen, or when it will not come (app-scripts.ts).
 * Compiled and inlined at build time (build.ts); it relies on nothing but the DOM.
 */
import { loadPreferences } from "../preferences";
import { loadAppScripts, revealPage } from "./app-scripts";
import { takeEarlyStartSettings, type EarlySegment, type EarlyStart, type EarlyStartConfig, type FirstSegmentBuffer } from "./contract";

function decodeBase64(text: string): Uint8Array {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

function appendFirstSegment(video: HTMLVideoElement, first: EarlySegment, start: number, timeoutMs: number): Promise<FirstSegmentBuffer | null> {
  const mime = `video/mp4; codecs="${first.codecs}"`;
  if (typeof MediaSource === "undefined" || !MediaSource.isTypeSupported(mime)) return Promise.resolve(null);
  const segment = fetch(first.url, { credentials: "same-origin" }).then((r) => {
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    return r.arrayBuffer();
  });
  const mediaSource = new MediaSource();
  const url = URL.createObjectURL(mediaSource);
  video.src = url;
  return new Promise((resolve) => {
    setTimeout(() => resolve(null), timeoutMs);
    mediaSource.addEventListener(
      "sourceopen",
      () => {
        let sourceBuffer: SourceBuffer;
        try {
          sourceBuffer = mediaSource.addSourceBuffer(mime);
        } catch {
          return resolve(null);
        }
        segment
          .then((body) => {
            const init = decodeBase64(first.init);
            const bytes = new Uint8Array(init.length + body.byteLength);
            bytes.set(init);
            bytes.set(new Uint8Array(body), init.length);
            sourceBuffer.addEventListener(
              "updateend",
              () => {
                // Timed out and replaced by hls.js meanwhile: this Media Source is closed, the element is not ours.
                if (video.src !== url) return;
                // For the performance panel and the tests: which Media Source showed the first frame.
                performance.mark("reel:first-segment", { detail: video.src });
                // A resume point is a keyframe, but the segment's first frame may sit a few milliseconds after it:
                // start inside what is buffered, or the element waits at a gap.
                const buffered = sourceBuffer.buffered;
                if (start > 0 && buffered.length) video.currentTime = Math.max(start, buffered.start(0));
                resolve({ mediaSource, sourceBuffer });
              },
              { once: true },
            );
            sourceBuffer.addEventListener("error", () => resolve(null), { once: true });
            sourceBuffer.appendBuffer(bytes);
          })
          .catch(() => resolve(null));
      },
      { once: true },
    );
  });
}

/**
 * Volume, mute and speed as the player keeps them; muted when the browser refuses sound without a gesture, unless the
 * player has adopted the element by then: its own play request meets the same refusal and mutes (and says so) itself.
 * A browser that refuses to play even muted without a gesture shows no frame before the viewer asks: `refused` says so.
 */
function play(early: EarlyStart, refused: () => void) {
  const { video } = early;
  const prefs = loadPreferences();
  video.volume = prefs.volume;
  video.muted = prefs.muted;
  video.defaultPlaybackRate = video.playbackRate = prefs.rate;
  video.play().catch((e: DOMException) => {
    if (e.name !== "NotAllowedError" || early.adopted) return;
    early.forcedMute = true;
    video.muted = true;
    video.play().catch((again: DOMException) => again.name === "NotAllowedError" && !early.adopted && refused());
  });
}

/** Why the app's scripts were loaded when they were: the first frame, none to wait for, the viewer, the time limit. */
export type AppLoadReason = "first-frame" | "no-frame" | "input" | "time-limit";

/**
 * Loads the app's held-back scripts (app-scripts.ts) once: those the parser has reached now, the others when it is
 * done. The mark says why and how many were held, for the tests and the performance panel.
 */
function appLoader(): (reason: AppLoadReason) => void {
  let loaded = false;
  return (reason) => {
    if (loaded) return;
    loaded = true;
    revealPage(document);
    const scripts = loadAppScripts(document);
    performance.mark("reel:app-scripts", { detail: { reason, scripts } });
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => loadAppScripts(document), { once: true });
  };
}

/** Starts the given element; exported for the tests, which call it the way the page's script does. */
export function startEarly(video: HTMLVideoElement, config: EarlyStartConfig): EarlyStart {
  const early: EarlyStart = { video, firstSegment: Promise.resolve(null), firstFrameAt: null, forcedMute: false, adopted: false };
  window.reelEarlyStart = early;
  // For the performance panel and the bench's phases: when the page's parser got here and the module ran.
  performance.mark("reel:early-start");
  const loadApp = appLoader();
  // The app's scripts wait for the first frame, unless the viewer reaches for the page before it, or it does not come.
  for (const type of ["pointerdown", "keydown", "touchstart"]) window.addEventListener(type, () => loadApp("input"), { capture: true, once: true, passive: true });
  setTimeout(() => loadApp("time-limit"), config.appHoldMs);
  video.addEventListener("error", () => loadApp("no-frame"), { once: true });
  if (config.first) {
    early.firstSegment = appendFirstSegment(video, config.first, config.start, config.timeoutMs);
    void early.firstSegment.then((buffer) => buffer ?? loadApp("no-frame"));
  }
  // Nothing to play before the player's engine has attached.
  if (!video.getAttribute("src")) {
    loadApp("no-frame");
    return early;
  }
  // Playback is asked for now, before any data: the browser starts the picture moving as soon as it can, with no task
  // of this page in between. A play() from the first frame's callback waited for a main thread busy with the app's
  // scripts: playback followed the frame by 50 to 290 ms in bench:ttff, against 10 to 70 ms this way.
  play(early, () => loadApp("no-frame"));
  const shown = (at: number) => {
    early.firstFrameAt = at;
    loadApp("first-frame");
  };
  if (typeof video.requestVideoFrameCallback === "function") video.requestVideoFrameCallback(shown);
  else video.addEventListener("loadeddata", () => shown(performance.now()), { once: true });
  return early;
}

// As the page's inline module script, which a pending stylesheet does not hold back (a classic one waits for it) but
// which has no document.currentScript: the settings are on the script, the element is its previous sibling.
const taken = typeof document === "undefined" ? null : takeEarlyStartSettings(document);
const video = taken?.script.previousElementSibling;
if (video instanceof HTMLVideoElement && taken) startEarly(video, JSON.parse(taken.config) as EarlyStartConfig);
