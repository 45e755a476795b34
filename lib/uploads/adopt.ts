import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { Video } from "@/lib/db/schema";
import { bucketStorage, layout, localStorage, storage } from "@/lib/storage";
import { registerSource, type RegisteredHook } from "@/lib/videos/ingest";
import { safeFileName } from "./names";

/** Rename, or copy + delete when the two folders sit on different filesystems. */
export async function moveFile(from: string, to: string): Promise<void> {
  try {
    await fs.rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
    await fs.copyFile(from, to);
    await fs.unlink(from);
  }
}

/**
 * Where a complete source is: a local file (a finished upload or download; it is moved, never copied twice), or
 * an object in the media bucket (a finished upload kept there; copied inside the bucket, and left for its owner
 * to remove once the video exists).
 */
export type SourceBytes = { file: string; object?: never } | { object: string; file?: never };

export type AdoptInput = SourceBytes & {
  originalName: string;
  ownerId: string | null;
  title: string;
  sourceKind: "upload" | "url";
  sourceUrl?: string;
  size: number;
};

/**
 * Hands a complete source to the pipeline: puts it at `media/<videoId>/source/<safe name>` and
 * registers the source (row + probe job in one transaction). The id is chosen first so the file is
 * already in its final place when the probe job can start. If registering fails, the file goes back
 * where it was (an object in the bucket never left), so the caller can try again and nothing is lost.
 */
export async function adoptSourceFile(input: AdoptInput, onRegistered?: RegisteredHook): Promise<Video> {
  const id = randomUUID();
  const relative = `${layout.source}/${safeFileName(input.originalName)}`;
  // The row names the file by its place in the media folder; with a bucket, workers take the name from it.
  const target = localStorage.file(id, relative);
  const bucket = bucketStorage();
  if (input.object !== undefined) {
    if (!bucket) throw new Error("a source in the bucket needs REEL_STORAGE=s3");
    await bucket.copyIn(input.object, id, relative);
  } else if (!bucket) {
    await fs.mkdir(path.dirname(target), { recursive: true });
    await moveFile(input.file, target);
  } else {
    await storage.publishFile(id, relative, await linkedCopy(input.file));
  }
  let video: Video;
  try {
    video = await registerSource({
      id,
      ownerId: input.ownerId,
      title: input.title,
      sourceKind: input.sourceKind,
      sourcePath: target,
      sourceUrl: input.sourceUrl,
      size: input.size,
    }, onRegistered);
  } catch (error) {
    if (input.file !== undefined && !bucket) await moveFile(target, input.file);
    await storage.removeVideo(id);
    throw error;
  }
  if (input.file !== undefined && bucket) await fs.rm(input.file, { force: true });
  return video;
}

/** A second name for `file` (a copy across filesystems) for `publishFile` to consume, so the file stays until the row exists. */
async function linkedCopy(file: string): Promise<string> {
  const copy = `${file}.${randomUUID()}.publish`;
  await fs.link(file, copy).catch(() => fs.copyFile(file, copy));
  return copy;
}
