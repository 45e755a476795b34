import type { HlsConfig } from "hls.js";
import type { Rung } from "./start-level";

export type CaptionTrack = { src: string; lang: string; label: string };

/** Everything the watch page hands the player: plain data, URLs already signed for this viewer. */
export type PlayerSource = {
  videoId: string;
  title: string;
  /** Signed master playlist, once the ladder is published. */
  hlsUrl: string | null;
  /** hls.js itself (see hls-script.ts), when there is a ladder. */
  hlsScriptUrl: string | null;
  /**
   * The hls.js settings the page's HTML starts with, before hydration (components/player/early-start.ts): the start
   * rung the server chose from the cookies the player leaves, the one whose first segment the page preloads.
   */
  earlyConfig: Partial<HlsConfig> | null;
  /** Signed faststart MP4: what plays while the ladder is processing, and the last fallback. */
  mp4Url: string | null;
  /** The ladder in hls.js level order, so the start level is known before the manifest loads. */
  rungs: Rung[];
  posterUrl: string | null;
  storyboardUrl: string | null;
  captions: CaptionTrack[];
  duration: number | null;
  /** Display aspect ratio (width / height). */
  aspect: number;
  /** Where playback starts (resume), in seconds. */
  startAt: number;
  /** Signed-in viewers have their position saved. */
  saveProgress: boolean;
};
