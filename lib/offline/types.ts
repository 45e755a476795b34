import type { PublishedAudio } from "@/lib/videos/outputs";

/**
 * What the server tells a browser that wants to keep a video for offline viewing (GET /api/videos/:id/offline), and
 * what the browser keeps. Files are named by their path inside the video's media folder (`rel`): that path, under
 * `/offline-media/<video id>/`, is the file's key in Cache Storage for good. The signed `url` is only for fetching it
 * now; it is never stored.
 */
export type OfflineFile = { rel: string; url: string; bytes: number };

export type OfflineQuality = {
  /** Rung height in pixels (for an MP4-only video, the video's height). */
  height: number;
  /** Everything this choice stores: the rendition and the poster, captions and storyboard. */
  bytes: number;
};

export type OfflineCaption = { rel: string; lang: string; label: string };

export type OfflineSummary = {
  videoId: string;
  title: string;
  duration: number | null;
  aspect: number;
  /** Changes when what the video plays changes (re-processed, captions edited): the download is then refreshed. */
  version: string;
  kind: "hls" | "mp4";
  /** Highest first. */
  qualities: OfflineQuality[];
  /** hls.js for this download: the full build when the ladder has alternate audio (see audioTracks). */
  hlsScriptUrl: string | null;
  /** The ladder's alternate audio renditions, every one stored with an HLS download; empty when the rungs carry their sound. */
  audioTracks: PublishedAudio[];
  posterRel: string | null;
  storyboardRel: string | null;
  captions: OfflineCaption[];
  /** The chapters track (WebVTT), stored as `chapters.vtt` beside the media; null when the video has none. */
  chaptersRel: string | null;
};

export type OfflinePlan = OfflineSummary & {
  height: number;
  /** For HLS: the master playlist naming the chosen rung only, stored as `hls/master.m3u8`. */
  master: string | null;
  files: OfflineFile[];
};

export type DownloadStatus = "downloading" | "paused" | "complete" | "failed" | "gone";

/** A download as the browser keeps it (Cache Storage, lib/offline/store.ts). No signed URL in here. */
export type DownloadRecord = Pick<
  OfflineSummary,
  "videoId" | "title" | "duration" | "aspect" | "version" | "kind" | "hlsScriptUrl" | "posterRel" | "storyboardRel" | "captions" | "chaptersRel"
> & {
  /** Absent in records kept before alternate audio travelled with downloads (those have none). */
  audioTracks?: PublishedAudio[];
  height: number;
  /** Every file to store, by rel, with its size. */
  files: { rel: string; bytes: number }[];
  totalBytes: number;
  status: DownloadStatus;
  /** Why it failed or went away, in words for the viewer. */
  note: string | null;
  /** Whether positions are saved to the server for this viewer (signed in when downloaded). */
  saveProgress: boolean;
  createdAt: number;
  completedAt: number | null;
};
