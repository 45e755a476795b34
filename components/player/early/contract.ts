/**
 * The contract between the watch page's HTML and the player: what the page passes to the early start (start.ts),
 * and the one object the early start leaves for the player, which adopts the element it started.
 */

/** The first segment of the rung playback most likely starts on, as the page passes it (see lib/playback/watch.ts). */
export type EarlySegment = { url: string; init: string; codecs: string };

/** The early start's settings, written into its <script> element by markup.ts. */
export type EarlyStartConfig = {
  /** Appended from the page, without hls.js; null when the title has none (an MP4 plays from its src in the HTML). */
  first: EarlySegment | null;
  /** Where playback starts, in seconds. */
  start: number;
  /** A first segment that has not arrived by then is left to hls.js, which has its own retries and time limits. */
  timeoutMs: number;
  /** The app's scripts, held back until the first frame (app-scripts.ts), are loaded after this long without one. */
  appHoldMs: number;
};

/** What the early start hands the engine: the Media Source it opened, holding the first segment. */
export type FirstSegmentBuffer = { mediaSource: MediaSource; sourceBuffer: SourceBuffer };

/** What the early start did with the page's <video>, for the player that adopts the element. */
export type EarlyStart = {
  video: HTMLVideoElement;
  /** The appended first segment; null when there was none or it could not be appended (the engine starts afresh). */
  firstSegment: Promise<FirstSegmentBuffer | null>;
  /** When the first frame was on screen (performance.now() time), once it was. */
  firstFrameAt: number | null;
  /** Whether the browser refused sound without a gesture, so the video plays muted. */
  forcedMute: boolean;
  /** Set by the player when it takes the element over: from then on a refusal of sound is the player's to handle. */
  adopted: boolean;
};

declare global {
  interface Window {
    /** Left by the early start for the player; the player takes it (and clears it) when it mounts. */
    reelEarlyStart?: EarlyStart;
  }
}

/** The attribute of the early start's <script> element that carries its EarlyStartConfig, as JSON. */
export const CONFIG_ATTRIBUTE = "data-reel-early-start";

/**
 * Takes the settings off the first early start script under `root` that still has them: whoever takes them owns the
 * <video> before that script. The early start takes them when it runs; being an async module it may run late, so the
 * player takes them too when it adopts the element, and an early start that finds none does nothing.
 */
export function takeEarlyStartSettings(root: ParentNode): { script: HTMLScriptElement; config: string } | null {
  const script = root.querySelector<HTMLScriptElement>(`script[${CONFIG_ATTRIBUTE}]`);
  const config = script?.getAttribute(CONFIG_ATTRIBUTE);
  if (!script || typeof config !== "string") return null;
  script.removeAttribute(CONFIG_ATTRIBUTE);
  return { script, config };
}
