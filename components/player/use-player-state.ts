import { useReducer } from "react";
import type { AudioTrack, Level } from "./engine";
import type { EngineMode } from "./types";

export type PlayerMenu = "settings" | "captions" | "chapters" | "audio" | null;

/** What the controls show: the <video> element's state as its events report it, and the player's own choices. */
export type PlayerState = {
  mode: EngineMode | null;
  playing: boolean;
  /** Has played at least once: the buffering spinner only shows after that (the poster covers the wait before). */
  started: boolean;
  waiting: boolean;
  currentTime: number;
  duration: number;
  buffered: [number, number][];
  volume: number;
  muted: boolean;
  rate: number;
  levels: Level[];
  /** The chosen level; -1 is automatic. */
  level: number;
  /** Height of the level playing now (what "Auto" resolved to); 0 until the first switch. */
  playingHeight: number;
  /** Alternate audio tracks (hls.js' audioTracks); empty when the rungs carry their own audio. */
  audioTracks: AudioTrack[];
  /** hls.audioTrack playing now; -1 before hls.js says. */
  audioTrack: number;
  /** Index of the showing caption track; -1 when captions are off. */
  caption: number;
  fullscreen: boolean;
  pip: boolean;
  menu: PlayerMenu;
  controlsVisible: boolean;
  error: string | null;
  /** Playing muted because the browser refused sound without a gesture: the player offers to unmute. */
  needsUnmute: boolean;
};

export type PlayerEvent =
  /** The element as the player found it on mount (the early start may have applied preferences and started it). */
  | { type: "mounted"; volume: number; muted: boolean; rate: number; playing: boolean; waiting: boolean; forcedMute: boolean }
  | { type: "attached"; mode: EngineMode }
  | { type: "played" }
  | { type: "paused" }
  | { type: "waiting"; waiting: boolean }
  | { type: "time"; currentTime: number }
  | { type: "duration"; duration: number }
  | { type: "buffered"; ranges: [number, number][] }
  | { type: "volume"; volume: number; muted: boolean }
  | { type: "rate"; rate: number }
  | { type: "levels"; levels: Level[] }
  | { type: "level-selected"; level: number }
  | { type: "level-switched"; height: number }
  | { type: "audio-tracks"; tracks: AudioTrack[] }
  | { type: "audio-switched"; index: number }
  | { type: "caption"; caption: number }
  | { type: "fullscreen"; fullscreen: boolean }
  | { type: "pip"; pip: boolean }
  | { type: "menu"; menu: PlayerMenu }
  | { type: "controls"; visible: boolean }
  | { type: "forced-mute" }
  | { type: "unmuted" }
  | { type: "failed"; message: string };

export function initialPlayerState(source: { startAt: number; duration: number | null }): PlayerState {
  return {
    mode: null,
    playing: false,
    started: false,
    waiting: false,
    currentTime: source.startAt,
    duration: source.duration ?? 0,
    buffered: [],
    volume: 1,
    muted: false,
    rate: 1,
    levels: [],
    level: -1,
    playingHeight: 0,
    audioTracks: [],
    audioTrack: -1,
    caption: -1,
    fullscreen: false,
    pip: false,
    menu: null,
    controlsVisible: true,
    error: null,
    needsUnmute: false,
  };
}

export function playerReducer(state: PlayerState, event: PlayerEvent): PlayerState {
  switch (event.type) {
    case "mounted":
      return {
        ...state,
        volume: event.volume,
        muted: event.muted,
        rate: event.rate,
        needsUnmute: state.needsUnmute || event.forcedMute,
        ...(event.playing ? { playing: true, started: true, waiting: event.waiting } : {}),
      };
    case "attached":
      return { ...state, mode: event.mode };
    case "played":
      return { ...state, playing: true, started: true };
    case "paused":
      // A paused player always shows its controls.
      return { ...state, playing: false, controlsVisible: true };
    case "waiting":
      return { ...state, waiting: event.waiting };
    case "time":
      return { ...state, currentTime: event.currentTime };
    case "duration":
      return { ...state, duration: event.duration };
    case "buffered":
      return { ...state, buffered: event.ranges };
    case "volume":
      return { ...state, volume: event.volume, muted: event.muted };
    case "rate":
      return { ...state, rate: event.rate };
    case "levels":
      return { ...state, levels: event.levels };
    case "level-selected":
      return { ...state, level: event.level };
    case "level-switched":
      return { ...state, playingHeight: event.height };
    case "audio-tracks":
      return { ...state, audioTracks: event.tracks };
    case "audio-switched":
      return { ...state, audioTrack: event.index };
    case "caption":
      return { ...state, caption: event.caption };
    case "fullscreen":
      return { ...state, fullscreen: event.fullscreen };
    case "pip":
      return { ...state, pip: event.pip };
    case "menu":
      return { ...state, menu: event.menu };
    case "controls":
      return { ...state, controlsVisible: event.visible };
    case "forced-mute":
      return { ...state, needsUnmute: true };
    case "unmuted":
      return { ...state, needsUnmute: false };
    case "failed":
      return { ...state, error: event.message };
  }
}

/** Controls stay up while paused or while a menu is open, whatever the hide timer decided. */
export function controlsShown(state: PlayerState): boolean {
  return state.controlsVisible || !state.playing || state.menu !== null;
}

/** The player's state and the one way to change it: every change is a named event of playerReducer. */
export function usePlayerState(source: { startAt: number; duration: number | null }) {
  return useReducer(playerReducer, source, initialPlayerState);
}
