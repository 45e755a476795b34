import type HlsType from "hls.js";
import type { ErrorData, HlsConfig } from "hls.js";
import { chooseStartLevel, DEFAULT_BANDWIDTH_BPS } from "@/lib/playback/start-level";
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

let hlsModule: Promise<HlsClass> | null = null;
/** hls.js lives in its own chunk (see hls-module.tsx); only browsers with Media Source Extensions fetch it. */
export function loadHls(): Promise<HlsClass> {
  hlsModule ??= import("./hls-module").then((m) => m.Hls as HlsClass);
  return hlsModule;
}
if (hasMse()) void loadHls().catch(() => {});

/**
 * The start rung for this element, from its size on screen and what this device measured before. Without a
 * measurement it uses the same default as the server, so the segment the page preloaded is the one requested.
 */
export function startLevelFor(video: HTMLVideoElement, source: PlayerSource): { level: number; estimate: number } {
  const estimate = storedBandwidth() ?? DEFAULT_BANDWIDTH_BPS;
  const heightPx = video.getBoundingClientRect().height * (window.devicePixelRatio || 1);
  return { level: chooseStartLevel(source.rungs, heightPx || null, estimate), estimate };
}

export async function attachEngine(video: HTMLVideoElement, source: PlayerSource, events: EngineEvents): Promise<Engine> {
  if (source.hlsUrl && hasMse()) {
    const Hls = await loadHls();
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

function attachHls(Hls: HlsClass, video: HTMLVideoElement, source: PlayerSource, events: EngineEvents): Engine {
  const { level, estimate } = startLevelFor(video, source);
  const config: Partial<HlsConfig> = {
    startLevel: level,
    abrEwmaDefaultEstimate: estimate,
    testBandwidth: false,
    capLevelToPlayerSize: true,
    startPosition: source.startAt > 0 ? source.startAt : -1,
    startFragPrefetch: true,
    // Reel's ladders are fMP4, which needs no transmuxing: a worker would only add its start-up to the first frame.
    enableWorker: false,
    maxBufferLength: 30,
    backBufferLength: 60,
  };
  const hls = new Hls(config);
  let recoveredMedia = false;
  hls.on(Hls.Events.MANIFEST_PARSED, (_e, data) => {
    performance.mark("reel:manifest-parsed");
    events.onLevels(data.levels.map((l, index) => ({ index, height: l.height, bitrate: l.bitrate })));
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
  hls.attachMedia(video);
  hls.loadSource(source.hlsUrl!);
  return {
    mode: "hls",
    // currentLevel (not nextLevel) so a hand-picked rung shows at once; -1 hands the choice back to ABR.
    setLevel: (index) => {
      hls.currentLevel = index;
    },
    isAuto: () => hls.autoLevelEnabled,
    bandwidthEstimate: () => (Number.isFinite(hls.bandwidthEstimate) ? hls.bandwidthEstimate : null),
    destroy: () => hls.destroy(),
  };
}
