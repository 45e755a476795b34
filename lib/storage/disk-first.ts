import "server-only";
import { localStorage } from "./local";
import type { S3MediaStorage } from "./s3";

/**
 * The bucket as Reel uses it (REEL_STORAGE=s3), with the data folder looked at first: videos that
 * `storage:migrate` has not moved yet are still on this machine's disk (see migrate.ts), and jobs read
 * them there. What a job publishes goes to the bucket, and the disk's copy of the same folder or file
 * is removed, so the media path (disk first) never serves an older version over it.
 */
export function diskFirst(bucket: S3MediaStorage): S3MediaStorage {
  return {
    ...bucket,
    async fetch(videoId, relative, workDir) {
      return (await localStorage.exists(videoId, relative)) ? localStorage.fetch(videoId, relative) : bucket.fetch(videoId, relative, workDir);
    },
    async read(videoId, relative) {
      return (await localStorage.read(videoId, relative)) ?? bucket.read(videoId, relative);
    },
    async publish(videoId, folder, fromDir) {
      await bucket.publish(videoId, folder, fromDir);
      await localStorage.unpublish(videoId, folder);
    },
    async publishFile(videoId, relative, fromFile) {
      await bucket.publishFile(videoId, relative, fromFile);
      await localStorage.removeFile(videoId, relative);
    },
    async removeFile(videoId, relative) {
      await bucket.removeFile(videoId, relative);
      await localStorage.removeFile(videoId, relative);
    },
    async unpublish(videoId, folder) {
      await bucket.unpublish(videoId, folder);
      await localStorage.unpublish(videoId, folder);
    },
  };
}
