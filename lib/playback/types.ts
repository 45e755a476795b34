import type { Rung } from "./start-level";

export type CaptionTrack = { src: string; lang: string; label: string };

/** Everything the watch page hands the player: plain data, URLs already signed for this viewer. */
export type PlayerSource = {
  videoId: string;
  title: string;
  /** Signed master playlist, once the ladder is published. */
  hlsUrl: string | null;
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
