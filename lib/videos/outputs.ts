import type { AudioRendition } from "@/lib/transcode/audio-tracks";
import type { HlsRendition } from "@/lib/transcode/hls-output";

/** One alternate audio rendition, as the watch API lists it. */
export type PublishedAudio = { language: string | null; name: string; default: boolean };

/** `outputs.audio` for a ladder's alternate audio renditions: undefined (dropped from the row) when there are none. */
export function publishedAudio(renditions: readonly AudioRendition[]): PublishedAudio[] | undefined {
  return renditions.length ? renditions.map((a) => ({ language: a.language ?? null, name: a.name, default: a.default })) : undefined;
}

/**
 * What `videos.outputs` holds. The top-level keys say what is published, in the shape the media
 * URL signer reads (`lib/media/urls.ts`): `mp4: true`, `hls: [rungs]`, `poster: [widths]`,
 * `storyboard: true`, `source: "source/<name>"` (media-folder videos). `details` says how each was
 * made; `completed` and `warnings` track the pipeline's steps.
 */
export type VideoOutputs = {
  mp4?: true;
  /** HLS rungs by their short side (folder `hls/v<rung>/`), lowest first. */
  hls?: number[];
  /** Poster widths, ascending (`thumbs/poster-<w>.webp`). */
  poster?: number[];
  storyboard?: true;
  /** Alternate audio renditions (folder `hls/a<n>/`, in this order), when the source has two or more audio streams. */
  audio?: PublishedAudio[];
  /** The symlink to a media-folder original, relative to the video folder. */
  source?: string;
  /** Ids of the captions extracted from the source (rows in `captions`). */
  captions?: string[];
  details?: {
    mp4?: { method: "link" | "remux" | "transcode"; encoder?: string };
    hls?: { renditions: HlsRendition[]; encoder: string };
    poster?: { atSeconds: number };
    storyboard?: { sprites: number; interval: number; tile: { width: number; height: number; columns: number; rows: number } };
  };
  /** Steps that have finished (successfully, or for good with a warning for the optional ones). */
  completed?: string[];
  /** Optional steps that gave up, with why. */
  warnings?: Record<string, string>;
};

/**
 * Whether a stored file of a video is one its row names (`relative` inside the video folder, as
 * in lib/storage/layout.ts). Anything else was left by a job that never got to write the row
 * (a crashed worker, a video deleted mid-job) and may be removed.
 */
export function isNamedByRow(relative: string, outputs: VideoOutputs, captionFiles: ReadonlySet<string>): boolean {
  const [folder, ...rest] = relative.split("/");
  const inside = rest.join("/");
  switch (folder) {
    case "source":
      return true;
    case "mp4":
      return !!outputs.mp4 && inside === "video.mp4";
    case "hls": {
      if (inside === "master.m3u8") return !!outputs.hls?.length;
      const audio = /^a(\d+)\//.exec(inside);
      if (audio) return !!outputs.hls?.length && Number(audio[1]) < (outputs.audio?.length ?? 0);
      const rung = /^v(\d+)\//.exec(inside);
      return !!rung && (outputs.hls ?? []).includes(Number(rung[1]));
    }
    case "thumbs": {
      const width = /^poster-(\d+)\.webp$/.exec(inside);
      return !!width && (outputs.poster ?? []).includes(Number(width[1]));
    }
    case "storyboard":
      return !!outputs.storyboard;
    case "captions":
      return captionFiles.has(inside);
    default:
      return false;
  }
}

export function outputsOf(value: unknown): VideoOutputs {
  return value && typeof value === "object" ? (value as VideoOutputs) : {};
}
