/**
 * HLS ladder planning: which renditions to make of a source, at what size and bitrate. Pure.
 *
 * Rung table (H.264 High, ~30 fps; "short side" is the height of a landscape picture and the
 * width of a portrait one). Video bitrates are the average target (`-b:v`); the encoder is capped
 * at 1.5× that (`-maxrate`) over a 2× buffer (`-bufsize`). Above 30 fps the video bitrate is
 * raised by half. Audio is AAC stereo in every rung.
 *
 * | rung  | size (16:9) | video kbps | audio kbps |
 * |-------|-------------|-----------:|-----------:|
 * | 240p  | 426×240     |        400 |         64 |
 * | 360p  | 640×360     |        800 |         96 |
 * | 480p  | 854×480     |       1400 |        128 |
 * | 720p  | 1280×720    |       2800 |        128 |
 * | 1080p | 1920×1080   |       5000 |        160 |
 * | 1440p | 2560×1440   |       9000 |        192 |
 * | 2160p | 3840×2160   |      16000 |        192 |
 *
 * Rungs above the source are never made (no upscaling). When the source sits well between two
 * rungs (more than 10% above the highest one kept), a top rung at the source's own size is added,
 * its bitrate scaled from the rung below by pixel count, so quality is not thrown away.
 *
 * A source with two or more audio streams keeps them all as alternate audio renditions (audio-tracks.ts), each
 * encoded once at the top rung's audio bitrate; its video rungs then carry no audio of their own.
 */
import { planAudioRenditions, type AudioRendition, type AudioTrackSource } from "./audio-tracks";

export type RungSpec = { shortSide: number; videoKbps: number; audioKbps: number };

export const RUNG_TABLE: readonly RungSpec[] = [
  { shortSide: 240, videoKbps: 400, audioKbps: 64 },
  { shortSide: 360, videoKbps: 800, audioKbps: 96 },
  { shortSide: 480, videoKbps: 1400, audioKbps: 128 },
  { shortSide: 720, videoKbps: 2800, audioKbps: 128 },
  { shortSide: 1080, videoKbps: 5000, audioKbps: 160 },
  { shortSide: 1440, videoKbps: 9000, audioKbps: 192 },
  { shortSide: 2160, videoKbps: 16000, audioKbps: 192 },
];

/** Keyframe interval in seconds: segments cut on keyframes, so every rung cuts at the same instants. */
export const GOP_SECONDS = 2;
/** Target segment length (two GOPs). */
export const SEGMENT_SECONDS = 4;
/** Frame rates above this are halved-down to it: 120 fps phone footage is not worth its bitrate. */
export const MAX_FPS = 60;
const HIGH_FPS_BITRATE_FACTOR = 1.5;
const NATIVE_RUNG_MARGIN = 1.1;

export type LadderSource = {
  /** Size as displayed: rotation and sample aspect ratio applied. */
  displayWidth: number;
  displayHeight: number;
  fps: number;
  vfr: boolean;
  hasAudio: boolean;
  /** Every audio stream of the source; two or more make alternate audio renditions. */
  audioTracks?: readonly AudioTrackSource[];
};

export type PlannedRung = {
  /** Directory and label: the short side, e.g. "720". */
  name: string;
  width: number;
  height: number;
  /** Bits per second. */
  videoBitrate: number;
  maxrate: number;
  bufsize: number;
  audioBitrate: number;
};

export type LadderPlan = {
  /** Lowest first (the order players list them). */
  rungs: PlannedRung[];
  /** Output frame rate; equals the source's unless above MAX_FPS. */
  fps: number;
  /** True when the source's rate is above MAX_FPS and must be reduced. */
  reduceFps: boolean;
  /** Keyframes every GOP_SECONDS: a fixed frame count for constant frame rate, forced by time for variable. */
  keyframes: { mode: "gop"; frames: number } | { mode: "forced"; seconds: number };
  segmentSeconds: number;
  hasAudio: boolean;
  /** Alternate audio renditions; empty when the audio (if any) is muxed into every rung. */
  alternateAudio: AudioRendition[];
};

export function planLadder(source: LadderSource): LadderPlan {
  const { displayWidth: w, displayHeight: h } = source;
  if (!(w > 0 && h > 0)) throw new Error("the source has no picture size");
  const portrait = h > w;
  const shortSide = Math.min(w, h);
  const aspect = Math.max(w, h) / shortSide;
  const fps = Math.min(source.fps > 0 ? source.fps : 30, MAX_FPS);
  const rateFactor = fps > 31 ? HIGH_FPS_BITRATE_FACTOR : 1;

  const sized = (short: number, videoKbps: number, audioKbps: number): PlannedRung => {
    const s = even(short);
    const l = even(short * aspect);
    const videoBitrate = Math.round(videoKbps * rateFactor) * 1000;
    return {
      name: String(s),
      width: portrait ? s : l,
      height: portrait ? l : s,
      videoBitrate,
      maxrate: Math.round(videoBitrate * 1.5),
      bufsize: videoBitrate * 2,
      audioBitrate: source.hasAudio ? audioKbps * 1000 : 0,
    };
  };

  const kept = RUNG_TABLE.filter((r) => r.shortSide <= shortSide);
  const rungs = kept.map((r) => sized(r.shortSide, r.videoKbps, r.audioKbps));
  const top = kept.at(-1);
  if (!top || shortSide > top.shortSide * NATIVE_RUNG_MARGIN) {
    // Bitrate grows slower than pixel count (area^0.75, i.e. short side^1.5), never past the next rung's.
    const base = top ?? RUNG_TABLE[0];
    const next = RUNG_TABLE.find((r) => r.shortSide > shortSide);
    const scaled = base.videoKbps * (shortSide / base.shortSide) ** 1.5;
    const videoKbps = Math.max(150, Math.round(Math.min(scaled, next?.videoKbps ?? Infinity) / 10) * 10);
    rungs.push(sized(shortSide, videoKbps, base.audioKbps));
  }

  return {
    rungs,
    fps: Math.round(fps * 1000) / 1000,
    reduceFps: source.fps > MAX_FPS,
    keyframes: source.vfr ? { mode: "forced", seconds: GOP_SECONDS } : { mode: "gop", frames: Math.max(1, Math.round(fps * GOP_SECONDS)) },
    segmentSeconds: SEGMENT_SECONDS,
    hasAudio: source.hasAudio,
    alternateAudio: source.hasAudio ? planAudioRenditions(source.audioTracks ?? []) : [],
  };
}

/** Rounds to the nearest even number of at least 2 (H.264 with 4:2:0 needs even sizes). */
export function even(n: number): number {
  return Math.max(2, Math.round(n / 2) * 2);
}
