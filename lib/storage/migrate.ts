import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import { paths } from "@/lib/env";
import { publishOrder } from "./layout";
import { localStorage } from "./local";
import { isCopied, isSafeRelative, sizesOf, unverified, type MigrationTarget } from "./migration";
import type { S3MediaStorage } from "./s3";
import type { StoredObject } from "./types";

/**
 * Moves videos' files between the data folder and a bucket while Reel serves them. The byte path
 * looks on disk first and then in the bucket (lib/media/resolve.ts, REEL_STORAGE=s3), so what the
 * disk holds is the pointer, and each move keeps it true at every moment:
 * - to the bucket: copy every file, verify by listing (sizes), then remove the disk copies; a file
 *   gone from disk is found in the bucket, where it is already complete;
 * - to the disk: download into `tmp/migrate/<id>/`, verify, then rename each file into
 *   `media/<id>/` (playlists last); the bucket's copies stay until `deleteSource`, since players
 *   that loaded a playlist before the move hold presigned URLs into the bucket.
 * A second run after a kill skips what the target (or the staging folder) already holds at the
 * right size. Media-folder originals (symlinks under `source/`) stay where they are.
 */

export type MigrationEvent =
  | { kind: "video"; videoId: string; index: number; total: number; files: number; bytes: number }
  | { kind: "copied" | "present"; videoId: string; relative: string; size: number }
  | { kind: "moved"; videoId: string; sourceDeleted: boolean }
  | { kind: "busy"; videoId: string }
  | { kind: "refused"; videoId: string; relative: string };

export type MigrationResult = { moved: string[]; busy: string[]; refused: Array<{ videoId: string; relative: string }>; copied: number; present: number; bytes: number };

export type MigrationOptions = {
  to: MigrationTarget;
  bucket: S3MediaStorage;
  videos: ReadonlyArray<{ id: string; busy: boolean }>;
  /** Moving to the disk: also remove the bucket's copies once the disk holds them. */
  deleteSource?: boolean;
  /** Stops between two files; what was copied stays and counts on the next run. */
  signal?: AbortSignal;
  onEvent?: (event: MigrationEvent) => void;
};

async function collect(objects: AsyncIterable<StoredObject>): Promise<StoredObject[]> {
  const all: StoredObject[] = [];
  for await (const o of objects) all.push(o);
  return all;
}

/** Size of a local file, or null when there is none. */
async function sizeOf(file: string): Promise<number | null> {
  return fs.stat(file).then(
    (s) => (s.isFile() ? s.size : null),
    () => null,
  );
}

/** Removes the empty folders under `dir` (and `dir` itself when it ends up empty); symlinks and files stay. */
async function removeEmptyFolders(dir: string): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) if (e.isDirectory()) await removeEmptyFolders(path.join(dir, e.name));
  await fs.rmdir(dir).catch(() => {});
}

export async function migrateStorage(options: MigrationOptions): Promise<MigrationResult> {
  const { bucket, signal, onEvent = () => {} } = options;
  const result: MigrationResult = { moved: [], busy: [], refused: [], copied: 0, present: 0, bytes: 0 };
  const toBucket = options.to === "s3";

  for (const [index, video] of options.videos.entries()) {
    signal?.throwIfAborted();
    if (video.busy) {
      result.busy.push(video.id);
      onEvent({ kind: "busy", videoId: video.id });
      continue;
    }
    const source = await collect((toBucket ? localStorage : bucket).list(video.id));
    const hostile = source.filter((o) => !isSafeRelative(o.relative));
    if (hostile.length) {
      for (const o of hostile) {
        result.refused.push({ videoId: video.id, relative: o.relative });
        onEvent({ kind: "refused", videoId: video.id, relative: o.relative });
      }
      continue; // nothing of this video is moved while one of its names is unsafe
    }
    if (source.length === 0) continue; // moved by an earlier run, or never had files
    onEvent({ kind: "video", videoId: video.id, index, total: options.videos.length, files: source.length, bytes: source.reduce((n, o) => n + o.size, 0) });

    const count = (kind: "copied" | "present", o: StoredObject) => {
      if (kind === "copied") {
        result.copied++;
        result.bytes += o.size;
      } else result.present++;
      onEvent({ kind, videoId: video.id, relative: o.relative, size: o.size });
    };

    if (toBucket) {
      const there = sizesOf(await collect(bucket.list(video.id)));
      for (const o of source) {
        signal?.throwIfAborted();
        if (isCopied(o, there)) count("present", o);
        else {
          await bucket.put(video.id, o.relative, localStorage.file(video.id, o.relative));
          count("copied", o);
        }
      }
      const missing = unverified(source, sizesOf(await collect(bucket.list(video.id))));
      if (missing.length) throw new Error(`video ${video.id}: the bucket does not hold ${missing.length} file(s) at their size after the copy, e.g. ${missing[0]}`);
      signal?.throwIfAborted();
      for (const o of source) await localStorage.removeFile(video.id, o.relative);
      await removeEmptyFolders(localStorage.videoDir(video.id));
      result.moved.push(video.id);
      onEvent({ kind: "moved", videoId: video.id, sourceDeleted: true });
      continue;
    }

    const staging = path.join(/*turbopackIgnore: true*/ paths.tmp, "migrate", video.id);
    const staged = (relative: string) => path.join(staging, relative);
    for (const o of source) {
      signal?.throwIfAborted();
      if ((await sizeOf(localStorage.file(video.id, o.relative))) === o.size || (await sizeOf(staged(o.relative))) === o.size) count("present", o);
      else {
        await bucket.get(video.id, o.relative, staged(o.relative));
        count("copied", o);
      }
    }
    for (const o of source) {
      const size = (await sizeOf(localStorage.file(video.id, o.relative))) ?? (await sizeOf(staged(o.relative)));
      if (size !== o.size) throw new Error(`video ${video.id}: ${o.relative} is ${size ?? "missing"} bytes on disk after the copy, ${o.size} in the bucket`);
    }
    signal?.throwIfAborted();
    for (const relative of publishOrder(source.map((o) => o.relative))) {
      if ((await sizeOf(staged(relative))) === null) continue; // placed by an earlier run
      const target = localStorage.file(video.id, relative);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.rename(staged(relative), target);
    }
    await fs.rm(staging, { recursive: true, force: true });
    if (options.deleteSource) for (const o of source) await bucket.removeFile(video.id, o.relative);
    result.moved.push(video.id);
    onEvent({ kind: "moved", videoId: video.id, sourceDeleted: !!options.deleteSource });
  }
  return result;
}
