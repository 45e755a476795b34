import type { HlsRendition } from "@/lib/transcode/hls-output";

/** What `videos.outputs` holds: the published outputs, and which steps have finished. */
export type VideoOutputs = {
  /** Relative path of the faststart MP4 and how it was made. */
  mp4?: { path: string; method: "link" | "remux" | "transcode"; encoder?: string };
  hls?: { master: string; renditions: HlsRendition[]; encoder: string };
  poster?: { widths: number[]; atSeconds: number };
  storyboard?: { vtt: string; sprites: number; interval: number; tile: { width: number; height: number; columns: number; rows: number } };
  captions?: { ids: string[] };
  /** Steps that have finished (successfully, or for good with a warning for the optional ones). */
  completed?: string[];
  /** Optional steps that gave up, with why. */
  warnings?: Record<string, string>;
};

export function outputsOf(value: unknown): VideoOutputs {
  return value && typeof value === "object" ? (value as VideoOutputs) : {};
}
