import type HlsType from "hls.js";
import type { ErrorData, MediaAttachingData } from "hls.js";
import { hlsConfig } from "@/lib/playback/hls-config";
import { preferredAudioTrack } from "@/lib/playback/audio-choice";
import { sourceBufferName } from "@/lib/playback/hls-manifest";
import { chooseStartLevel, DEFAULT_BANDWIDTH_BPS, firstFragmentLevel } from "@/lib/playback/start-level";
import type { FirstSegmentBuffer } from "./early/contract";
import { storedBandwidth } from "./preferences";
import type { EngineMode, PlayerSource } from "./types";

type HlsClass = typeof HlsType;

export type Level = { index: number; height: number; bitrate: number };
export type AudioTrack = { index: number; name: string; language: string | null };

export type EngineEvents = {
  onLevels(levels: Level[]): void;
  onLevelSwitched(index: number, height: number): void;
  /** The alternate audio tracks hls.js found (none when the rungs carry their own audio). */
  onAudioTracks(tracks: AudioTrack[]): void;
  /** hls.audioTrack changed: that track is the one loading and playing from now on. */
  onAudioTrackSwitched(index: number): void;
  onFatal(message: string): void;
};

/** What the controls drive, whichever way the bytes arrive. */
export type Engine = {
  mode: EngineMode;
  /** -1 while the choice is automatic. */
  setLevel(index: number): void;
  isAuto(): boolean;
  setAudioTrack(index: number): void;
  bandwidthEstimate(): number | null;
  destroy(): void;
};

function hasMse(): boolean {
  return typeof window !== "undefined" && ("MediaSource" in window || "ManagedMediaSource" in window);
}

const hlsLoading = new Map<string, Promise<HlsClass>>();
/** The script whose Hls is on window: the light build a page warmed up is not the full one a video may need. */
let loadedUrl: string | null = null;

/**
 * hls.js is a plain script of its own (lib/playback/hls-script.ts), fetched only by browsers with Media Source
 * Extensions. The watch page starts it from its HTML (preload-hints.tsx), so it has usually run by the time the
 * player mounts; otherwise (it is still on its way, a client-side navigation) a script element of its own waits
 * for it, from the browser's cache when the page's one is already loading. Each build (light, full) is run once;
 * the one asked for last is what window.Hls holds.
 */
export function loadHls(url: string): Promise<HlsClass> {
  const global = window as Window & { Hls?: HlsClass };
  if (global.Hls && (loadedUrl === url || loadedUrl === null)) {
    loadedUrl = url;
    return Promise.resolve(global.Hls);
  }
  let loading = hlsLoading.get(url);
  if (!loading) {
    loading = new Promise<HlsClass>((resolve, reject) => {
      const script = Object.assign(document.createElement("script"), { src: url, async: true });
      script.addEventListener("load", () => (global.Hls ? resolve(global.Hls) : reject(new Error("hls.js did not load"))));
      script.addEventListener("error", () => reject(new Error("hls.js could not be loaded")));
      document.head.appendChild(script);
    }).then(
      (Hls) => {
        loadedUrl = url;
        return Hls;
      },
      (error: Error) => {
        // The next attempt (another video, a retry) tries again.
        hlsLoading.delete(url);
        throw error;
      },
    );
    hlsLoading.set(url, loading);
  }
  return loading;
}

/**
 * The rung of the first fragment for this element, from its size on screen and what this device measured before
 * (see start-level.ts; ABR moves on from there). Without a measurement it uses the same default as the server, so
 * the segment the page preloaded is the one requested.
 */
function startLevelFor(video: HTMLVideoElement, source: PlayerSource, estimate: number): number {
  const heightPx = video.getBoundingClientRect().height * (window.devicePixelRatio || 1);
  return firstFragmentLevel(source.rungs, chooseStartLevel(source.rungs, heightPx || null, estimate));
}

/** early: the first segment the page's HTML appended to this element (components/player/early/), if any. */
export async function attachEngine(video: HTMLVideoElement, source: PlayerSource, events: EngineEvents, early: Promise<FirstSegmentBuffer | null>): Promise<Engine> {
  if (source.hlsUrl && source.hlsScriptUrl && hasMse()) {
    // hls.js missing (a deployment that does not serve /_reel/, a blocked script) falls back to the engines below.
    const [Hls, first] = await Promise.all([loadHls(source.hlsScriptUrl).catch(() => null), early]);
    performance.mark("reel:hls-ready");
    // Checked before native HLS on purpose: Chromium claims native HLS too, but hls.js gives us the ladder.
    if (Hls?.isSupported()) return attachHls(Hls, video, source, events, first);
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
  return { mode, setLevel: () => {}, isAuto: () => true, setAudioTrack: () => {}, bandwidthEstimate: () => null, destroy: () => {} };
}

function levelsOf(levels: readonly { height: number; bitrate: number }[]): Level[] {
  return levels.map((l, index) => ({ index, height: l.height, bitrate: l.bitrate }));
}

/**
 * hls.js takes over the Media Source the early start filled: it keeps the SourceBuffer (and the frame on screen) and
 * loads from the end of what is buffered. hls.js checks the track against the first fragment it parses, and builds a
 * fresh Media Source itself if they differ.
 */
function transfer(video: HTMLVideoElement, first: FirstSegmentBuffer, codecs: string): MediaAttachingData {
  const track = { id: "main" as const, container: "video/mp4", codec: codecs, levelCodec: codecs, buffer: first.sourceBuffer, listeners: [] };
  return { media: video, mediaSource: first.mediaSource, tracks: { [sourceBufferName(codecs)]: track } };
}

function attachHls(Hls: HlsClass, video: HTMLVideoElement, source: PlayerSource, events: EngineEvents, first: FirstSegmentBuffer | null): Engine {
  const estimate = storedBandwidth() ?? DEFAULT_BANDWIDTH_BPS;
  // From the early start's segment, hls.js goes on with the rung it came from; ABR moves on from there.
  const level = first && source.firstSegment ? source.firstSegment.level : startLevelFor(video, source, estimate);
  const audio = preferredAudioTrack(source.audioTracks, navigator.languages?.length ? navigator.languages : [navigator.language]);
  const hls = new Hls(hlsConfig(level, estimate, source.startAt, source.audioTracks[audio]?.name));
  let recoveredMedia = false;
  hls.on(Hls.Events.MANIFEST_PARSED, (_e, data) => {
    performance.mark("reel:manifest-parsed");
    events.onLevels(levelsOf(data.levels));
  });
  hls.on(Hls.Events.LEVEL_SWITCHED, (_e, data) => {
    events.onLevelSwitched(data.level, hls.levels[data.level]?.height ?? 0);
  });
  hls.on(Hls.Events.AUDIO_TRACKS_UPDATED, (_e, data) => {
    events.onAudioTracks(data.audioTracks.map((t, index) => ({ index, name: t.name, language: t.lang ?? null })));
  });
  // SWITCHING comes as soon as hls.audioTrack changes (the start's choice included); SWITCHED only once the new
  // track's first fragment is buffered, which may be seconds later.
  hls.on(Hls.Events.AUDIO_TRACK_SWITCHING, () => events.onAudioTrackSwitched(hls.audioTrack));
  hls.on(Hls.Events.ERROR, (_e, data: ErrorData) => {
    if (!data.fatal) return;
    if (data.type === Hls.ErrorTypes.MEDIA_ERROR && !recoveredMedia) {
      recoveredMedia = true;
      hls.recoverMediaError();
      return;
    }
    events.onFatal(`${data.type}: ${data.details}`);
  });
  hls.attachMedia(first && source.firstSegment ? transfer(video, first, source.firstSegment.codecs) : video);
  hls.loadSource(source.hlsUrl!);
  return {
    mode: "hls",
    // currentLevel (not nextLevel) so a hand-picked rung shows at once; -1 hands the choice back to ABR.
    setLevel: (index) => {
      hls.currentLevel = index;
    },
    isAuto: () => hls.autoLevelEnabled,
    // hls.js flushes the old track's buffer and loads the new one from the current position; playback goes on.
    setAudioTrack: (index) => {
      hls.audioTrack = index;
    },
    bandwidthEstimate: () => (Number.isFinite(hls.bandwidthEstimate) ? hls.bandwidthEstimate : null),
    destroy: () => hls.destroy(),
  };
}
