import type { FirstSegment } from "@/lib/playback/types";
import { PREFERENCE_KEYS, SPEEDS } from "./preferences";

/** What the early start hands the engine: the Media Source it opened, holding the first segment. */
export type FirstSegmentBuffer = { mediaSource: MediaSource; sourceBuffer: SourceBuffer };

/**
 * The video element as the page's HTML leaves it: the early start's promise resolves with null when it could not
 * play; AFTER_VIDEO notes when the first frame was shown (performance.now() time) and whether it had to mute.
 */
export type EarlyVideo = HTMLVideoElement & { reelFirstSegment?: Promise<FirstSegmentBuffer | null>; reelFirstFrameAt?: number; reelForcedMute?: boolean };

/** A first segment that has not arrived by then is left to hls.js, which has its own retries and time limits. */
const EARLY_START_TIMEOUT_MS = 8000;

/**
 * Runs from the HTML, first thing in <body> (app/@early), before the player's <video> is parsed: the browser yields
 * to lay out the page after its first chunk, and the app's scripts start running soon after, so every step of the
 * Media Source (its opening, the append, the decode) waits less here. It creates a <video> element of its own, opens
 * a Media Source on it and appends the inlined init segment with the first segment (its download started from the
 * <head>); AFTER_VIDEO then puts that element in place of the server-rendered one, which hydration takes as its own
 * (it only compares the tag). No hls.js yet: its 400 kB would compete for the main thread. The player's engine then
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

/** The longest the page's scripts wait for the first frame (a background tab shows none, a slow network takes long). */
const HOLD_MAX_MS = 1000;

/**
 * Runs before the early start: the app's scripts download as before, but the page's entry (the module that starts
 * React, which hydrates) waits until the video shows its first frame. Measured in Chromium, running the framework
 * (one task of about 50 ms) while the first segment is being appended delays the first frame by about as much: each
 * step of the Media Source waits for the main thread. The player's controls become live right after that frame.
 *
 * Next's production build (Turbopack) loads every chunk with a plain script that registers its modules by pushing an
 * array to `globalThis.TURBOPACK`; the page's entry is the one push that is an object (the inline script
 * `{otherChunks, runtimeModuleIds}`). That push is held here, whether it comes before the Turbopack runtime (which
 * then replaces the array with its own `{push}`, seen by the setter) or after it. Anything else goes through.
 * The entry is released by `window.reelHydrate()`: at the first frame (AFTER_VIDEO), when there is nothing to
 * show before hydration, on the viewer's first key or pointer press, or after HOLD_MAX_MS. Should a build push its
 * entry some other way, nothing is held and the page hydrates as it always did.
 */
const HOLD = `function (maxMs) {
  var held = [];
  var holding = true;
  function wrap(target) {
    if (!target || typeof target.push !== "function") return target;
    var push = target.push;
    target.push = function (item) {
      if (holding && item && !Array.isArray(item)) return void held.push(item);
      return push.apply(this, arguments);
    };
    return target;
  }
  var current = wrap(window.TURBOPACK || []);
  try {
    Object.defineProperty(window, "TURBOPACK", {
      configurable: true,
      get: function () { return current; },
      set: function (value) { current = wrap(value); }
    });
  } catch (e) {
    return;
  }
  // For the performance panel and the tests: why ("first-frame", "nothing-to-show", "failed", "timeout", "input"),
  // and how many entries were held (none: hydration had not been waiting).
  function release(why) {
    if (!holding) return;
    holding = false;
    performance.mark("reel:hydrate", { detail: { why: why, held: held.length } });
    Object.defineProperty(window, "TURBOPACK", { configurable: true, enumerable: true, writable: true, value: current });
    for (var i = 0; i < held.length; i++) current.push(held[i]);
  }
  window.reelHydrate = release;
  setTimeout(function () { release("timeout"); }, maxMs);
  ["keydown", "pointerdown"].forEach(function (type) {
    addEventListener(type, function () { release("input"); }, { capture: true, once: true });
  });
}`;

/**
 * Runs right after the player's server-rendered <video>. When the early start made an element of its own, that one
 * takes this one's place, given the same attributes (but src, which is the Media Source's) and children (caption
 * tracks). At its first frame the element that plays starts as the player would (volume, mute and speed as
 * remembered, muted when the browser refuses sound without a gesture), and the page hydrates (HOLD); at once when it
 * has nothing to show before hydration (no early start, no src in the HTML), or when it fails. The player takes the
 * element's state as it finds it (player.tsx). Exported for the unit test that holds its preference rules to
 * loadPreferences().
 */
export const AFTER_VIDEO = `function (rendered, p) {
  var hydrate = window.reelHydrate || function () {};
  var video = window.reelEarlyVideo;
  window.reelEarlyVideo = undefined;
  function stored(key) {
    try { return localStorage.getItem(key); } catch (e) { return null; }
  }
  // The same rules as loadPreferences() in preferences.ts (a unit test holds them together). Only once the first
  // frame is on screen: the first use of localStorage in a page waits for the browser (about 15 ms measured).
  function play() {
    var volume = stored(p.keys.volume);
    volume = volume === null ? NaN : Number(volume);
    var rate = Number(stored(p.keys.rate));
    video.volume = volume >= 0 && volume <= 1 ? volume : 1;
    video.muted = stored(p.keys.muted) === "1";
    video.defaultPlaybackRate = video.playbackRate = p.speeds.indexOf(rate) >= 0 ? rate : 1;
    video.play().catch(function (e) {
      if (e.name !== "NotAllowedError") return;
      video.reelForcedMute = true;
      video.muted = true;
      video.play().catch(function () {});
    });
  }
  if (video) {
    for (var i = 0; i < rendered.attributes.length; i++) {
      var a = rendered.attributes[i];
      if (a.name !== "src") video.setAttribute(a.name, a.value);
    }
    while (rendered.firstChild) video.appendChild(rendered.firstChild);
    rendered.parentNode.replaceChild(video, rendered);
    video.reelFirstSegment.then(function (first) {
      if (!first) hydrate("failed");
    });
  } else if (rendered.getAttribute("src")) {
    video = rendered;
  } else {
    return hydrate("nothing-to-show");
  }
  video.addEventListener("error", function () { hydrate("failed"); }, { once: true });
  function shown(now) {
    video.reelFirstFrameAt = now;
    play();
    hydrate("first-frame");
  }
  if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(shown);
  else video.addEventListener("loadeddata", function () { shown(performance.now()); }, { once: true });
}`;

const json = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

/**
 * The inline script for the top of <body> (app/@early): holds hydration for the first frame and, with a first
 * segment, starts it. `<` is escaped so no value can close the <script> element.
 */
export function earlyStartScript(first: FirstSegment | null, start: number): string {
  const hold = `(${HOLD})(${HOLD_MAX_MS});`;
  if (!first) return hold;
  return `${hold}(${EARLY_START})(${json({ url: first.url, init: first.init, codecs: first.codecs, start, timeoutMs: EARLY_START_TIMEOUT_MS })})`;
}

/** The inline script that must follow the player's <video>: it finds the element as its previous sibling. */
export const AFTER_VIDEO_SCRIPT = `(${AFTER_VIDEO})(document.currentScript.previousElementSibling, ${json({ keys: PREFERENCE_KEYS, speeds: SPEEDS })})`;

