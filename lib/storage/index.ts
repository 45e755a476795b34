import "server-only";
import { env } from "@/lib/env";
import { localStorage } from "./local";
import { createS3Storage, type S3MediaStorage } from "./s3";
import type { MediaStorage } from "./types";

export { layout, type PublishedFolder } from "./layout";
export { localStorage } from "./local";
export type { MediaStorage, StoredObject } from "./types";
export type { S3MediaStorage } from "./s3";

/** The configured media storage (`REEL_STORAGE`): every reader and writer of media bytes goes through it. */
export const storage: MediaStorage = env.REEL_STORAGE === "s3" ? createS3Storage(env) : localStorage;

/** The bucket when media live in one, for what only a bucket has (presigned URLs). */
export function bucketStorage(): S3MediaStorage | null {
  return storage.kind === "s3" ? (storage as S3MediaStorage) : null;
}
