import type { PublishedFolder } from "./layout";

/** One stored file of a video, as listed by `MediaStorage.list`. */
export type StoredObject = { videoId: string; relative: string; size: number; modified: Date };

/**
 * Where media bytes live, seen by the pipeline and the web tier alike: a folder on this machine
 * (`local.ts`) or any S3 API (`s3.ts`). Paths are relative to the video's folder (`layout.ts`);
 * work happens in a local work folder whatever the storage, and `publish` makes finished work
 * visible as a whole, before the row that names it is written.
 */
export interface MediaStorage {
  readonly kind: "local" | "s3";
  /** A fresh, empty local work folder `tmp/<job>/<videoId>-<attempt>`; earlier attempts' leftovers are removed. */
  workDir(job: string, videoId: string, attempt: string): Promise<string>;
  /** Removes the work folders of one job for a video (cancel, failure, done). */
  removeWork(job: string, videoId: string): Promise<void>;
  /**
   * A local path to read a file or a folder (e.g. `hls/v360`) of a video: on disk the file itself,
   * from a bucket a copy downloaded under `workDir`.
   */
  fetch(videoId: string, relative: string, workDir: string): Promise<string>;
  /** The bytes of one small file (playlists), or null when there is none. */
  read(videoId: string, relative: string): Promise<Buffer | null>;
  /** Replaces `<folder>/` of a video with the finished local folder `fromDir` (which is consumed). */
  publish(videoId: string, folder: PublishedFolder, fromDir: string): Promise<void>;
  /** Stores one finished local file at `relative` (the file is consumed), replacing any file there. */
  publishFile(videoId: string, relative: string, fromFile: string): Promise<void>;
  removeFile(videoId: string, relative: string): Promise<void>;
  /** Removes one published folder (e.g. stale outputs before a re-run). */
  unpublish(videoId: string, folder: PublishedFolder): Promise<void>;
  /** Removes everything of a video and its work folders. Media-folder originals are never touched. */
  removeVideo(videoId: string): Promise<void>;
  /** Every stored file, video by video (cleanup, migration). */
  list(videoId?: string): AsyncIterable<StoredObject>;
}
