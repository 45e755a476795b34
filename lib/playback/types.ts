import type { Chapter } from "@/lib/videos/chapters";
import type { PublishedAudio } from "@/lib/videos/outputs";
import type { Rung } from "./start-level";

export type CaptionTrack = { src: string; lang: string; label: string };

/**
 * The first segment of the rung playback starts on (the one the server chose from the cookies the player leaves),
 * appended to Media Source Extensions straight from the page's HTML.
 */
export type FirstSegment = {
  /** hls.js level index of that rung. */
  level: number;
  /** Signed URL of the segment holding the start position; the page preloads it. */
  url: string;
  /** The rung's init segment, base64: a kilobyte or so, inlined to save a request. */
  init: string;
  /** The rung's CODECS from the master playlist. */
  codecs: string;
};

/** Everything the watch page hands the player: plain data, URLs already signed for this viewer. */
export type PlayerSource = {
  videoId: string;
  title: string;
  /** Signed master playlist, once the ladder is published. */
  hlsUrl: string | null;
  /** hls.js itself (see hls-script.ts), when there is a ladder: its full build when there is alternate audio. */
  hlsScriptUrl: string | null;
  /** The ladder's alternate audio renditions (in hls.js' audioTracks order); empty when its rungs carry their audio. */
  audioTracks: PublishedAudio[];
  /** What the page's HTML plays before hydration and hls.js (components/player/early/); hls.js goes on from it. */
  firstSegment: FirstSegment | null;
  /** Signed faststart MP4: what plays while the ladder is processing, and the last fallback. */
  mp4Url: string | null;
  /** The ladder in hls.js level order, so the start level is known before the manifest loads. */
  rungs: Rung[];
  posterUrl: string | null;
  storyboardUrl: string | null;
  captions: CaptionTrack[];
  /** From the description or the source (lib/videos/chapters.ts); empty when there are none. */
  chapters: Chapter[];
  duration: number | null;
  /** Display aspect ratio (width / height). */
  aspect: number;
  /** Where playback starts (resume), in seconds. */
  startAt: number;
  /** Signed-in viewers have their position saved. */
  saveProgress: boolean;
  /** A source that is not a library video (a proxied link, lib/proxy/) saves its position here instead. */
  progressUrl?: string;
  /**
   * Set for a link of Play a link: its playback-quality reports name the link and the delivery "proxied", and no
   * view is counted (views belong to library videos).
   */
  linkId?: string;
};
