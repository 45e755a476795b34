"use client";

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useSyncExternalStore } from "react";
import { actionForKey, type PlayerAction } from "@/lib/playback/shortcuts";
import { PlayerControls, type PlayerCommands } from "./controls";
import { takeEarlyStartSettings } from "./early/contract";
import { playerVideoHtml } from "./early/markup";
import { SeekRipple, useDoubleTapSeek } from "./double-tap";
import { attachEngine, type Engine } from "./engine";
import { Icon } from "./icons";
import { loadPreferences, rememberBandwidth, rememberPlayerHeight, saveRate, saveVolume } from "./preferences";
import { PlaybackReporter } from "./reporter";
import type { PlayerSource } from "./types";
import { controlsShown, usePlayerState } from "./use-player-state";

type Fullscreenable = HTMLVideoElement & { webkitEnterFullscreen?: () => void };
type LockableOrientation = ScreenOrientation & { lock?: (o: string) => Promise<void> };

/** Where "navigation" started: the document's own start when the watch page was loaded directly, else now (a client-side navigation). */
function navigationStart(): number {
  const entry = performance.getEntriesByType("navigation")[0];
  return entry && entry.name === window.location.href ? 0 : performance.now();
}

const noSubscription = () => () => {};

const VIDEO_CLASS = "absolute inset-0 h-full w-full object-contain";

/** The element's events the player follows (it listens to the page's <video> rather than rendering it). */
const MEDIA_EVENTS = ["play", "pause", "waiting", "playing", "canplay", "timeupdate", "durationchange", "progress", "volumechange", "ratechange", "error", "enterpictureinpicture", "leavepictureinpicture", "click", "dblclick"] as const;
type MediaHandlers = Record<(typeof MEDIA_EVENTS)[number], (video: HTMLVideoElement, event: Event) => void>;

function bufferedRanges(video: HTMLVideoElement): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < video.buffered.length; i++) out.push([video.buffered.start(i), video.buffered.end(i)]);
  return out;
}

function isPhone(): boolean {
  return window.matchMedia("(pointer: coarse)").matches && Math.min(window.screen.width, window.screen.height) < 600;
}

function editableTarget(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
}

/** nonce: the page's CSP nonce (lib/http/page-nonce.ts), for the early start's inline script after the <video>. */
export function Player({ source, nonce }: { source: PlayerSource; nonce?: string }) {
  const containerRef = useRef<HTMLDivElement>(null);
  const slotRef = useRef<HTMLDivElement>(null);
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const handlers = useRef<MediaHandlers | null>(null);
  const engineRef = useRef<Engine | null>(null);
  const reporterRef = useRef<PlaybackReporter | null>(null);
  const forcedMute = useRef(false);
  const lastCaption = useRef(0);
  const hideTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const [state, dispatch] = usePlayerState(source);
  const { mode, playing, started, waiting, caption, error, needsUnmute, fullscreen } = state;
  const pipSupported = useSyncExternalStore(
    noSubscription,
    () => document.pictureInPictureEnabled === true,
    () => false,
  );

  // The <video> and the early start's script are HTML in a container React never hydrates nor updates: the element
  // is the page's from its first byte (components/player/early/), and the player adopts it. Made once per video: a
  // later render with freshly signed URLs reaches the engine, never the element, so it does not reset playback.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const videoHtml = useMemo(() => playerVideoHtml(source, VIDEO_CLASS, nonce), [source.videoId, nonce]);

  useLayoutEffect(() => {
    const video = slotRef.current!.querySelector("video")!;
    videoRef.current = video;
    // From here on the element is the player's: an early start that has not run yet must leave it alone.
    takeEarlyStartSettings(slotRef.current!);
    const listener = (event: Event) => handlers.current?.[event.type as (typeof MEDIA_EVENTS)[number]](video, event);
    for (const type of MEDIA_EVENTS) video.addEventListener(type, listener);
    return () => {
      for (const type of MEDIA_EVENTS) video.removeEventListener(type, listener);
    };
  }, [videoHtml]);

  // Attach the engine at once: nothing (storyboard, captions, progress) is awaited before the first frame, and a
  // layout effect runs right after hydration commits instead of after the next paint.
  useLayoutEffect(() => {
    // Marks for the performance panel and bench diagnostics: mount → engine → first frame.
    performance.mark("reel:player-mounted");
    const video = videoRef.current!;
    const start = navigationStart();
    // From the page's HTML the element may be playing already, with these applied and their events gone by: the
    // control state starts from what the element is. What the early start left is this element's only.
    const early = window.reelEarlyStart?.video === video ? window.reelEarlyStart : undefined;
    window.reelEarlyStart = undefined;
    if (early) early.adopted = true;
    const shownAt = early?.firstFrameAt ?? undefined;
    const forced = early?.forcedMute;
    if (forced) forcedMute.current = true;
    else {
      const prefs = loadPreferences();
      video.volume = prefs.volume;
      video.muted = prefs.muted;
      video.defaultPlaybackRate = prefs.rate;
      video.playbackRate = prefs.rate;
    }
    // The early start asks for playback before the first frame: playing may still mean waiting for data.
    const waiting = !video.paused && video.readyState < HTMLMediaElement.HAVE_FUTURE_DATA;
    dispatch({ type: "mounted", volume: video.volume, muted: video.muted, rate: video.playbackRate, playing: !video.paused, waiting, forcedMute: !!forced });

    const reporter = new PlaybackReporter(video, { videoId: source.videoId, saveProgress: source.saveProgress, mode: source.hlsUrl ? "hls" : "mp4", progressUrl: source.progressUrl, linkId: source.linkId });
    reporterRef.current = reporter;
    const firstFrame = (at = performance.now()) => {
      performance.mark("reel:first-frame");
      const ms = at - start;
      containerRef.current?.setAttribute("data-first-frame-ms", String(Math.round(ms)));
      reporter.firstFrame(ms);
    };
    // requestVideoFrameCallback fires when the frame is on screen; older Safari only has "playing". From the page's
    // HTML the first frame is on screen before hydration (the app's scripts wait for it): the early start noted when.
    if (shownAt !== undefined) firstFrame(shownAt);
    else if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) firstFrame();
    else if (typeof (video as Partial<HTMLVideoElement>).requestVideoFrameCallback === "function") video.requestVideoFrameCallback(() => firstFrame());
    else (video as HTMLVideoElement).addEventListener("playing", () => firstFrame(), { once: true });

    let cancelled = false;
    attachEngine(video, source, {
      onLevels: (levels) => dispatch({ type: "levels", levels }),
      onLevelSwitched: (index, height) => {
        dispatch({ type: "level-switched", height });
        reporter.levelSwitched(height, source.rungs[index]?.bandwidth ?? null);
      },
      onAudioTracks: (tracks) => dispatch({ type: "audio-tracks", tracks }),
      onAudioTrackSwitched: (index) => dispatch({ type: "audio-switched", index }),
      onFatal: (message) => {
        reporter.fatal(message);
        dispatch({ type: "failed", message: "Playback failed. Reload the page to try again." });
      },
    }, early?.firstSegment ?? Promise.resolve(null))
      .then((engine) => {
        if (cancelled) return engine.destroy();
        engineRef.current = engine;
        reporter.mode = engine.mode;
        dispatch({ type: "attached", mode: engine.mode });
        rememberPlayerHeight(video.getBoundingClientRect().height * (window.devicePixelRatio || 1));
        return video.play().catch((e: DOMException) => {
          if (e.name !== "NotAllowedError") return;
          // Autoplay with sound refused (no user gesture yet): start muted and offer to unmute.
          forcedMute.current = true;
          video.muted = true;
          dispatch({ type: "forced-mute" });
          return video.play().catch(() => {});
        });
      })
      .catch((e: Error) => {
        reporter.fatal(e.message);
        dispatch({ type: "failed", message: e.message });
      });

    return () => {
      cancelled = true;
      const estimate = engineRef.current?.bandwidthEstimate();
      if (estimate) rememberBandwidth(estimate);
      reporter.dispose();
      engineRef.current?.destroy();
      engineRef.current = null;
    };
    // The source object is recreated on every render of the page; its URLs are what identify it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [source.hlsUrl, source.mp4Url, source.videoId]);

  // Page hide is the last chance to keep this session's bandwidth measurement for the next start.
  useEffect(() => {
    const onHide = () => {
      const estimate = engineRef.current?.bandwidthEstimate();
      if (estimate) rememberBandwidth(estimate);
    };
    window.addEventListener("pagehide", onHide);
    return () => window.removeEventListener("pagehide", onHide);
  }, []);

  useEffect(() => {
    const onFullscreen = () => {
      const active = document.fullscreenElement === containerRef.current;
      dispatch({ type: "fullscreen", fullscreen: active });
      if (!active) (window.screen.orientation as LockableOrientation | undefined)?.unlock?.();
    };
    document.addEventListener("fullscreenchange", onFullscreen);
    return () => document.removeEventListener("fullscreenchange", onFullscreen);
  }, [dispatch]);

  const showControls = useCallback(() => {
    dispatch({ type: "controls", visible: true });
    if (hideTimer.current) clearTimeout(hideTimer.current);
    hideTimer.current = setTimeout(() => {
      if (!videoRef.current?.paused) dispatch({ type: "controls", visible: false });
    }, 2500);
  }, [dispatch]);

  const toggleFullscreen = useCallback(async () => {
    const container = containerRef.current!;
    const video = videoRef.current as Fullscreenable;
    if (document.fullscreenElement) return void document.exitFullscreen().catch(() => {});
    if (container.requestFullscreen) {
      await container.requestFullscreen({ navigationUI: "hide" }).catch(() => {});
      if (source.aspect > 1 && isPhone()) {
        await (window.screen.orientation as LockableOrientation | undefined)?.lock?.("landscape").catch(() => {});
      }
    } else {
      // iPhone Safari only lets the video element itself go fullscreen.
      video.webkitEnterFullscreen?.();
    }
  }, [source.aspect]);

  const play = useCallback(
    (fromUser: boolean) => {
      const video = videoRef.current!;
      if (fromUser && isPhone() && !document.fullscreenElement) void toggleFullscreen();
      void video.play().catch(() => {});
    },
    [toggleFullscreen],
  );

  const togglePlay = useCallback(() => {
    const video = videoRef.current!;
    if (video.paused || video.ended) play(true);
    else video.pause();
  }, [play]);

  const seek = useCallback((time: number) => {
    const video = videoRef.current!;
    const end = Number.isFinite(video.duration) ? video.duration : (source.duration ?? 0);
    video.currentTime = Math.min(Math.max(time, 0), Math.max(end - 0.1, 0));
    dispatch({ type: "time", currentTime: video.currentTime });
  }, [dispatch, source.duration]);

  const changeVolume = useCallback((next: number, nextMuted?: boolean) => {
    const video = videoRef.current!;
    video.volume = Math.min(Math.max(next, 0), 1);
    video.muted = nextMuted ?? (video.volume === 0 ? true : false);
    forcedMute.current = false;
    dispatch({ type: "unmuted" });
  }, [dispatch]);

  const selectCaption = useCallback((index: number) => {
    const tracks = videoRef.current!.textTracks;
    for (let i = 0; i < tracks.length; i++) tracks[i].mode = i === index ? "showing" : "disabled";
    if (index >= 0) lastCaption.current = index;
    dispatch({ type: "caption", caption: index });
  }, [dispatch]);

  const selectLevel = useCallback((index: number) => {
    engineRef.current?.setLevel(index);
    dispatch({ type: "level-selected", level: index });
  }, [dispatch]);

  // The menu's check mark moves when hls.js takes the new track (onAudioTrackSwitched), not before.
  const selectAudioTrack = useCallback((index: number) => engineRef.current?.setAudioTrack(index), []);

  const togglePip = useCallback(async () => {
    const video = videoRef.current!;
    if (document.pictureInPictureElement) await document.exitPictureInPicture().catch(() => {});
    else await video.requestPictureInPicture?.().catch(() => {});
  }, []);

  const runAction = useCallback(
    (action: PlayerAction) => {
      const video = videoRef.current!;
      switch (action.type) {
        case "toggle-play":
          return togglePlay();
        case "seek-by":
          return seek(video.currentTime + action.seconds);
        case "seek-to-fraction": {
          const end = Number.isFinite(video.duration) ? video.duration : (source.duration ?? 0);
          return seek(end * action.fraction);
        }
        case "volume-by":
          return changeVolume(video.volume + action.delta, false);
        case "toggle-mute":
          return changeVolume(video.volume || 1, !video.muted);
        case "toggle-fullscreen":
          return void toggleFullscreen();
        case "toggle-captions":
          if (source.captions.length === 0) return;
          return selectCaption(caption >= 0 ? -1 : lastCaption.current);
      }
    },
    [caption, changeVolume, seek, selectCaption, source.captions.length, source.duration, togglePlay, toggleFullscreen],
  );

  // Shortcuts work anywhere on the watch page, except while typing or on a focused control that owns the key.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || editableTarget(e.target)) return;
      const target = e.target as HTMLElement;
      if ((e.key === " " || e.key === "Enter") && target.closest("button, [role=menu]")) return;
      if (target.closest("[role=menu]")) return;
      const action = actionForKey(e);
      if (!action) return;
      e.preventDefault();
      runAction(action);
      showControls();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [runAction, showControls]);

  const visible = controlsShown(state);
  // A tap first brings the controls up on touch screens; double taps on the sides seek.
  const { onTap, ripple, sideDoubleTap } = useDoubleTapSeek(
    (seconds) => seek(videoRef.current!.currentTime + seconds),
    (touch) => (touch && !visible ? showControls() : togglePlay()),
  );
  // Native listeners (the element is not React's), read through a ref so they always see this render's state.
  const mediaEvents: MediaHandlers = {
    play: () => {
      dispatch({ type: "played" });
      showControls();
    },
    pause: () => dispatch({ type: "paused" }),
    waiting: () => dispatch({ type: "waiting", waiting: true }),
    playing: () => dispatch({ type: "waiting", waiting: false }),
    canplay: () => dispatch({ type: "waiting", waiting: false }),
    timeupdate: (video) => dispatch({ type: "time", currentTime: video.currentTime }),
    durationchange: (video) => {
      if (Number.isFinite(video.duration)) dispatch({ type: "duration", duration: video.duration });
    },
    progress: (video) => dispatch({ type: "buffered", ranges: bufferedRanges(video) }),
    volumechange: (video) => {
      dispatch({ type: "volume", volume: video.volume, muted: video.muted });
      if (!forcedMute.current) saveVolume(video.volume, video.muted);
    },
    ratechange: (video) => dispatch({ type: "rate", rate: video.playbackRate }),
    // hls.js handles (and recovers from) media errors itself; for the other engines an element error is the end.
    error: (video) => {
      const failure = video.error;
      if (!failure || !mode || mode === "hls") return;
      reporterRef.current?.fatal(`media error ${failure.code}: ${failure.message}`);
      dispatch({ type: "failed", message: "This video cannot be played. Reload the page to try again." });
    },
    enterpictureinpicture: () => dispatch({ type: "pip", pip: true }),
    leavepictureinpicture: () => dispatch({ type: "pip", pip: false }),
    click: (_video, event) => onTap(event as MouseEvent),
    dblclick: (_video, event) => void (sideDoubleTap(event as MouseEvent) || toggleFullscreen()),
  };
  useLayoutEffect(() => {
    handlers.current = mediaEvents;
  });

  const commands: PlayerCommands = {
    togglePlay,
    seek,
    changeVolume,
    setRate: (rate) => {
      const video = videoRef.current!;
      video.playbackRate = rate;
      video.defaultPlaybackRate = rate;
      saveRate(rate);
    },
    selectLevel,
    selectAudioTrack,
    selectCaption,
    togglePip: () => void togglePip(),
    toggleFullscreen: () => void toggleFullscreen(),
    openMenu: (menu) => dispatch({ type: "menu", menu }),
  };

  return (
    <div
      ref={containerRef}
      data-testid="player"
      data-engine={mode ?? "loading"}
      data-playing-height={state.playingHeight || undefined}
      data-audio-track={state.audioTracks.length ? state.audioTrack : undefined}
      className={`group/player relative mx-auto w-full overflow-hidden bg-black select-none sm:rounded-lg ${fullscreen ? "h-full" : "max-h-[calc(100dvh-8rem)]"} ${visible ? "" : "cursor-none"}`}
      style={fullscreen ? undefined : { aspectRatio: String(source.aspect) }}
      onPointerMove={showControls}
      onFocusCapture={showControls}
    >
      <div ref={slotRef} className="contents" suppressHydrationWarning dangerouslySetInnerHTML={{ __html: videoHtml }} />

      <SeekRipple ripple={ripple} />

      {waiting && started && !error && (
        <div className="pointer-events-none absolute inset-0 flex items-center justify-center" aria-hidden="true">
          <div className="h-12 w-12 animate-spin rounded-full border-4 border-white/30 border-t-white" />
        </div>
      )}

      {!playing && !error && (
        <button
          type="button"
          aria-label="Play"
          onClick={() => play(true)}
          className="absolute top-1/2 left-1/2 flex h-16 w-16 -translate-x-1/2 -translate-y-1/2 items-center justify-center rounded-full bg-black/60 text-white ring-1 ring-white/30 backdrop-blur hover:bg-accent focus-visible:ring-2 focus-visible:ring-white focus-visible:outline-none"
        >
          <Icon name="play" className="ml-1 h-8 w-8" />
        </button>
      )}

      {needsUnmute && (
        <button
          type="button"
          onClick={() => changeVolume(videoRef.current!.volume || 1, false)}
          className="absolute top-3 left-3 flex min-h-11 items-center gap-2 rounded-full bg-black/70 px-4 text-sm font-medium text-white ring-1 ring-white/20"
        >
          <Icon name="muted" className="h-5 w-5" /> Tap to unmute
        </button>
      )}

      {error && (
        <div role="alert" className="absolute inset-0 flex items-center justify-center bg-black/80 p-6 text-center text-sm">
          {error}
        </div>
      )}

      <PlayerControls state={state} source={source} pipSupported={pipSupported} commands={commands} />
    </div>
  );
}
