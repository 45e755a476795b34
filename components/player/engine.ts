import type HlsType from "hls.js";
import type { ErrorData } from "hls.js";
import { hlsConfig } from "@/lib/playback/hls-config";
import { chooseStartLevel, DEFAULT_BANDWIDTH_BPS, firstFragmentLevel } from "@/lib/playback/start-level";
import type { EarlyVideo } from "./early-start";
import { storedBandwidth } from "./preferences";
import type { EngineMode, PlayerSource } from "./types";

type HlsClass = typeof HlsType;

export type Level = { index: number; height: number; bitrate: number };

export type EngineEvents = {
  onLevels(levels: Level[]): void;
  onLevelSwitched(index: number, height: number): void;
  onFatal(message: string): void;
};

/** What the controls drive, whichever way the bytes arrive. */
export type Engine = {
  mode: EngineMode;
  /** -1 while the choice is automatic. */
  setLevel(index: number): void;
  isAuto(): boolean;
  bandwidthEstimate(): number | null;
  destroy(): void;
};

function hasMse(): boolean {
  return typeof window !== "undefined" && ("MediaSource" in window || "ManagedMediaSource" in window);
}

let hlsLoading: Promise<HlsClass> | null = null;

/**
 * hls.js is a plain script of its own (lib/playback/hls-script.ts), fetched only by browsers with Media Source
 * Extensions. The watch page starts it from its HTML (preload-hints.tsx), so it has usually run by the time the
 * player mounts; otherwise (it is still on its way, a client-side navigation) a script element of its own waits
 * for it, from the browser's cache when the page's one is already loading.
 */
export function loadHls(url: string): Promise<HlsClass> {
  const global = window as Window & { Hls?: HlsClass };
  if (global.Hls) return Promise.resolve(global.Hls);
  hlsLoading ??= new Promise<HlsClass>((resolve, reject) => {
    const script = Object.assign(document.createElement("script"), { src: url, async: true });
    script.addEventListener("load", () => (global.Hls ? resolve(global.Hls) : reject(new Error("hls.js did not load"))));
    script.addEventListener("error", () => reject(new Error("hls.js could not be loaded")));
    document.head.appendChild(script);
  }).catch((error: Error) => {
    // The next attempt (another video, a retry) tries again.
    hlsLoading = null;
    throw error;
  });
  return hlsLoading;
}

/**
 * The rung of the first fragment for this element, from its size on screen and what this device measured before
 * (see start-level.ts; ABR moves on from there). Without a measurement it uses the same default as the server, so
 * the segment the page preloaded is the one requested.
 */
export function startLevelFor(video: HTMLVideoElement, source: PlayerSource): { level: number; estimate: number } {
  const estimate = storedBandwidth() ?? DEFAULT_BANDWIDTH_BPS;
  const heightPx = video.getBoundingClientRect().height * (window.devicePixelRatio || 1);
  return { level: firstFragmentLevel(source.rungs, chooseStartLevel(source.rungs, heightPx || null, estimate)), estimate };
}

export async function attachEngine(video: HTMLVideoElement, source: PlayerSource, events: EngineEvents): Promise<Engine> {
  if (source.hlsUrl && source.hlsScriptUrl && hasMse()) {
    const Hls = await loadHls(source.hlsScriptUrl);
    performance.mark("reel:hls-ready");
    // Checked before native HLS on purpose: Chromium claims native HLS too, but hls.js gives us the ladder.
    if (Hls.isSupported()) return attachHls(Hls, video, source, events);
  }
  if (source.hlsUrl && video.canPlayType("application/vnd.apple.mpegurl")) {
    return attachSrc(video, source.hlsUrl, "native-hls", source.startAt);
  }
  if (source.mp4Url) return attachSrc(video, source.mp4Url, "mp4", source.startAt);
  throw new Error("This browser cannot play this video");
}

/** A media fragment carries the resume position, so the first byte-range request already aims at it. */
export function srcWithStart(url: string | null, startAt: number): string | undefined {
  if (!url) return undefined;
  return startAt > 0 ? `${url}#t=${startAt.toFixed(1)}` : url;
}

function attachSrc(video: HTMLVideoElement, url: string, mode: EngineMode, startAt: number): Engine {
  const src = srcWithStart(url, startAt)!;
  // The server renders an MP4-only player with its src already set, so the download starts before hydration.
  if (video.getAttribute("src") !== src) video.src = src;
  return { mode, setLevel: () => {}, isAuto: () => true, bandwidthEstimate: () => null, destroy: () => {} };
}

function levelsOf(levels: readonly { height: number; bitrate: number }[]): Level[] {
  return levels.map((l, index) => ({ index, height: l.height, bitrate: l.bitrate }));
}

function attachHls(Hls: HlsClass, video: EarlyVideo, source: PlayerSource, events: EngineEvents): Engine {
  // Started from the HTML before hydration (early-start.ts): take it over, with what it has loaded so far.
  const early = video.reelHls;
  let hls: HlsType;
  if (early) {
    hls = early;
  } else {
    const { level, estimate } = startLevelFor(video, source);
    hls = new Hls(hlsConfig(level, estimate, source.startAt));
    // A late early start must leave this element alone.
    video.reelHls = hls;
  }
  let recoveredMedia = false;
  hls.on(Hls.Events.MANIFEST_PARSED, (_e, data) => {
    performance.mark("reel:manifest-parsed");
    events.onLevels(levelsOf(data.levels));
  });
  hls.on(Hls.Events.LEVEL_SWITCHED, (_e, data) => {
    events.onLevelSwitched(data.level, hls.levels[data.level]?.height ?? 0);
  });
  hls.on(Hls.Events.ERROR, (_e, data: ErrorData) => {
    if (!data.fatal) return;
    if (data.type === Hls.ErrorTypes.MEDIA_ERROR && !recoveredMedia) {
      recoveredMedia = true;
      hls.recoverMediaError();
      return;
    }
    events.onFatal(`${data.type}: ${data.details}`);
  });
  if (early) {
    // Whatever already happened before the handlers above were there.
    if (hls.levels.length > 0) events.onLevels(levelsOf(hls.levels));
    if (hls.currentLevel >= 0) events.onLevelSwitched(hls.currentLevel, hls.levels[hls.currentLevel]?.height ?? 0);
    if (video.reelHlsFatal) events.onFatal(video.reelHlsFatal);
  } else {
    hls.attachMedia(video);
    hls.loadSource(source.hlsUrl!);
  }
  return {
    mode: "hls",
    // currentLevel (not nextLevel) so a hand-picked rung shows at once; -1 hands the choice back to ABR.
    setLevel: (index) => {
      hls.currentLevel = index;
    },
    isAuto: () => hls.autoLevelEnabled,
    bandwidthEstimate: () => (Number.isFinite(hls.bandwidthEstimate) ? hls.bandwidthEstimate : null),
    destroy: () => {
      hls.destroy();
      if (video.reelHls === hls) delete video.reelHls;
    },
  };
}
