import "server-only";
import { env } from "@/lib/env";
import { diskFirst } from "./disk-first";
import { localStorage } from "./local";
import { createS3Storage, type S3MediaStorage } from "./s3";
import type { MediaStorage } from "./types";

export { layout, type PublishedFolder } from "./layout";
export { localStorage } from "./local";
export type { MediaStorage, StoredObject } from "./types";
export type { S3MediaStorage } from "./s3";

/**
 * The configured media storage (`REEL_STORAGE`): every reader and writer of media bytes goes through it. A bucket
 * is read after the disk, which still holds the videos `storage:migrate` has not moved yet.
 */
export const storage: MediaStorage = env.REEL_STORAGE === "s3" ? diskFirst(createS3Storage(env)) : localStorage;

/** The bucket when media live in one, for what only a bucket has (presigned URLs). */
export function bucketStorage(): S3MediaStorage | null {
  return storage.kind === "s3" ? (storage as S3MediaStorage) : null;
}
