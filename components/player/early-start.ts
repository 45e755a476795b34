import type { FirstSegment } from "@/lib/playback/types";

/** What the early start hands the engine: the Media Source it opened, holding the first segment. */
export type FirstSegmentBuffer = { mediaSource: MediaSource; sourceBuffer: SourceBuffer };

/** The video element as the early start leaves it; the promise resolves with null when it could not play. */
export type EarlyVideo = HTMLVideoElement & { reelFirstSegment?: Promise<FirstSegmentBuffer | null> };

/** A first segment that has not arrived by then is left to hls.js, which has its own retries and time limits. */
const EARLY_START_TIMEOUT_MS = 8000;

/**
 * Runs from the HTML, first thing in <body> (app/@early), before the player's <video> is parsed: the browser yields
 * to lay out the page after its first chunk, and the app's scripts start running soon after, so every step of the
 * Media Source (its opening, the append, the decode) waits less here. It creates a <video> element of its own, opens
 * a Media Source on it and appends the inlined init segment with the first segment (its download started from the
 * <head>); ADOPT then puts that element in place of the server-rendered one, which hydration takes as its own (it
 * only compares the tag). No hls.js yet: its 400 kB would compete for the main thread. The player's engine then
 * loads hls.js and hands it this Media Source (engine.ts), and hls.js goes on from the end of that segment. Plain
 * ES5, as no build step touches it. When anything is missing or fails (no Media Source Extensions, codecs, a failed
 * download), the promise resolves with null and the engine starts as if this had not run.
 */
const EARLY_START = `function (c) {
  var MS = window.MediaSource;
  var mime = 'video/mp4; codecs="' + c.codecs + '"';
  if (!MS || !window.Promise || !window.fetch || !MS.isTypeSupported(mime)) return;
  var segment = fetch(c.url, { credentials: "same-origin" }).then(function (r) {
    if (!r.ok) throw new Error("HTTP " + r.status);
    return r.arrayBuffer();
  });
  var video = document.createElement("video");
  video.preload = "auto";
  var ms = new MS();
  var url = URL.createObjectURL(ms);
  video.reelFirstSegment = new Promise(function (resolve) {
    setTimeout(function () { resolve(null); }, c.timeoutMs);
    ms.addEventListener("sourceopen", function () {
      var sb;
      try {
        sb = ms.addSourceBuffer(mime);
      } catch (e) {
        return resolve(null);
      }
      segment.then(function (body) {
        var init = atob(c.init);
        var bytes = new Uint8Array(init.length + body.byteLength);
        for (var i = 0; i < init.length; i++) bytes[i] = init.charCodeAt(i);
        bytes.set(new Uint8Array(body), init.length);
        sb.addEventListener("updateend", function () {
          // Timed out and replaced by hls.js meanwhile: this Media Source is closed, the element is not ours.
          if (video.src !== url) return;
          // For the performance panel and the tests: which Media Source showed the first frame.
          performance.mark("reel:first-segment", { detail: video.src });
          // A resume point is a keyframe, but the segment's first frame may sit a few milliseconds after it: start
          // inside what is buffered, or the element waits at a gap.
          var buffered = sb.buffered;
          if (c.start > 0 && buffered.length) video.currentTime = Math.max(c.start, buffered.start(0));
          resolve({ mediaSource: ms, sourceBuffer: sb });
        }, { once: true });
        sb.addEventListener("error", function () { resolve(null); }, { once: true });
        sb.appendBuffer(bytes);
      }).catch(function () { resolve(null); });
    }, { once: true });
  });
  video.src = url;
  window.reelEarlyVideo = video;
}`;

/**
 * Runs right after the server-rendered <video>: replaces it with the early start's element, given the same
 * attributes (but src, which is the Media Source's) and children (caption tracks).
 */
const ADOPT = `function (rendered) {
  var video = window.reelEarlyVideo;
  if (!video) return;
  window.reelEarlyVideo = undefined;
  for (var i = 0; i < rendered.attributes.length; i++) {
    var a = rendered.attributes[i];
    if (a.name !== "src") video.setAttribute(a.name, a.value);
  }
  while (rendered.firstChild) video.appendChild(rendered.firstChild);
  rendered.parentNode.replaceChild(video, rendered);
}`;

/** The early start's inline script; `<` is escaped so no value can close the <script> element. */
export function earlyStartScript(first: FirstSegment, start: number): string {
  const args = JSON.stringify({ url: first.url, init: first.init, codecs: first.codecs, start, timeoutMs: EARLY_START_TIMEOUT_MS }).replace(/</g, "\\u003c");
  return `(${EARLY_START})(${args})`;
}

/** The inline script that must follow the player's <video>: it finds the element as its previous sibling. */
export const ADOPT_EARLY_VIDEO_SCRIPT = `(${ADOPT})(document.currentScript.previousElementSibling)`;
